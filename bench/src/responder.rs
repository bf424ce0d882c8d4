//! The local responder: HTTP/1.1 with keep-alive on 127.0.0.1, answering each SOAPAction with bytes prepared in memory.
//!
//! It does no XML and no PHP, so what is measured is the client. It keeps the first request of
//! each operation so the raw POST loop can send exactly the bytes uscall sent. An answer too
//! large to hold (P7's million rows) is served from its file, a piece at a time.

use anyhow::{Context, Result};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as it arrived: the headers that matter for replaying it, and the body.
#[derive(Clone, Debug)]
pub struct Captured {
    pub content_type: String,
    pub soap_action: String,
    pub body: Vec<u8>,
}

/// One prepared answer: the head (with Content-Length) and the body.
pub struct Answer {
    pub head: Vec<u8>,
    pub body: Body,
}

/// Where an answer's body is.
pub enum Body {
    Memory(Vec<u8>),
    /// Read from this file and written a piece at a time for each request, so the responder
    /// holds 256 KiB of it, not all of it.
    File(PathBuf),
}

/// An answer given instead of the operation's usual one when the request's body holds
/// `needle` (P7's million rows, asked for by the day in the request).
pub struct Special {
    pub op: String,
    pub needle: Vec<u8>,
    pub answer: Answer,
}

struct Shared {
    answers: HashMap<String, Answer>,
    specials: Vec<Special>,
    captured: Mutex<HashMap<String, Captured>>,
    served: AtomicU64,
    connections: AtomicU64,
}

/// A running responder; it lives as long as the runtime that runs it.
pub struct Responder {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    _runtime: tokio::runtime::Runtime,
}

impl Responder {
    /// Starts serving `answers` (by operation name), and `specials` where they apply, on a free
    /// port, on its own two threads.
    pub fn start(answers: HashMap<String, Answer>, specials: Vec<Special>) -> Result<Responder> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("responder")
            .enable_all()
            .build()
            .context("starting the responder's runtime")?;
        let shared = Arc::new(Shared {
            answers,
            specials,
            captured: Mutex::default(),
            served: AtomicU64::new(0),
            connections: AtomicU64::new(0),
        });
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .context("binding 127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let state = shared.clone();
        runtime.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                state.connections.fetch_add(1, Ordering::Relaxed);
                tokio::spawn(serve(stream, state.clone()));
            }
        });
        Ok(Responder {
            addr,
            shared,
            _runtime: runtime,
        })
    }

    /// The SOAP endpoint URL.
    pub fn url(&self) -> String {
        format!("http://{}/aplicativos/webservice/wsuscall.php", self.addr)
    }

    /// The first request received for `op`, if any.
    pub fn captured(&self, op: &str) -> Option<Captured> {
        self.shared.captured.lock().unwrap().get(op).cloned()
    }

    /// How many answers were written so far.
    pub fn served(&self) -> u64 {
        self.shared.served.load(Ordering::Relaxed)
    }

    /// How many connections were accepted so far.
    pub fn connections(&self) -> u64 {
        self.shared.connections.load(Ordering::Relaxed)
    }
}

/// Serves one connection until the peer closes it or asks to.
async fn serve(mut stream: TcpStream, state: Arc<Shared>) {
    let mut buf: Vec<u8> = Vec::with_capacity(16 * 1024);
    loop {
        // Read up to the end of the head.
        let head_end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i;
            }
            if !read_more(&mut stream, &mut buf).await {
                return;
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let mut length = 0usize;
        let mut action = String::new();
        let mut content_type = String::new();
        let mut close = head.lines().next().is_some_and(|l| l.ends_with("HTTP/1.0"));
        for line in head.split("\r\n").skip(1) {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.parse().unwrap_or(0),
                "soapaction" => action = value.trim_matches('"').to_owned(),
                "content-type" => content_type = value.to_owned(),
                "connection" => close = value.eq_ignore_ascii_case("close"),
                _ => {}
            }
        }
        let body_start = head_end + 4;
        while buf.len() < body_start + length {
            if !read_more(&mut stream, &mut buf).await {
                return;
            }
        }
        // SOAP 1.2 puts the action in the Content-Type; the responder only needs SOAP 1.1.
        let op = action.rsplit('#').next().unwrap_or_default().to_owned();
        let body = buf[body_start..body_start + length].to_vec();
        buf.drain(..body_start + length);
        let special = state
            .specials
            .iter()
            .find(|s| s.op == op && find(&body, &s.needle).is_some())
            .map(|s| &s.answer);
        {
            let mut captured = state.captured.lock().unwrap();
            captured.entry(op.clone()).or_insert_with(|| Captured {
                content_type,
                soap_action: format!("\"{action}\""),
                body,
            });
        }
        let written = match special.or_else(|| state.answers.get(&op)) {
            Some(answer) => {
                let ok = stream.write_all(&answer.head).await.is_ok()
                    && write_body(&mut stream, &answer.body).await.is_ok();
                state.served.fetch_add(1, Ordering::Relaxed);
                ok
            }
            None => {
                let text = format!("no prepared answer for SOAPAction {action:?}\n");
                let head = format!(
                    "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
                    text.len()
                );
                stream.write_all(head.as_bytes()).await.is_ok()
                    && stream.write_all(text.as_bytes()).await.is_ok()
            }
        };
        if !written || close {
            return;
        }
    }
}

async fn write_body(stream: &mut TcpStream, body: &Body) -> std::io::Result<()> {
    match body {
        Body::Memory(bytes) => stream.write_all(bytes).await,
        Body::File(path) => {
            let mut file = tokio::fs::File::open(path).await?;
            let mut piece = vec![0u8; 256 * 1024];
            loop {
                match file.read(&mut piece).await? {
                    0 => return Ok(()),
                    n => stream.write_all(&piece[..n]).await?,
                }
            }
        }
    }
}

async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; 16 * 1024];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => false,
        Ok(n) => {
            buf.extend_from_slice(&chunk[..n]);
            true
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
