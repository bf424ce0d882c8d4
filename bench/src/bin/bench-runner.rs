//! The Rust runners the harness starts, one workload per process so each has its own peak RSS: uscall (whole answers and rows as they arrive), the raw POST loop, the serde_json floor, codegen.
//!
//! Each prints one JSON line: `{"seconds": <workload time>, "items": n, "bytes": n, "errors": n}`.
//! Setup (building the client, reading input files) is outside the timed part, as it is for the
//! PHP and Python runners.

use anyhow::{Context, Result, bail};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;
use uscall_client::Client;

fn main() -> Result<()> {
    // 'static, so that each workload can run in a spawned task (below).
    let args: &'static [String] = Vec::leak(std::env::args().skip(1).collect());
    let arg = |i: usize| -> Result<&str> {
        args.get(i).map(String::as_str).with_context(|| {
            format!("missing argument {i}; usage in bench/src/bin/bench-runner.rs")
        })
    };
    let num = |i: usize| -> Result<u64> { Ok(arg(i)?.parse()?) };
    // raw-hyper's optional fourth argument: calls in flight, each on its own connection.
    let inflight = || -> Result<u64> { args.get(4).map_or(Ok(1), |n| Ok(n.parse()?)) };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    // Every async workload runs in a task on a worker thread, as the raw loop's requests always
    // did: a future polled by `block_on` itself runs on the main thread and is woken from the
    // workers' I/O driver at every read, which costs tens of microseconds a call.
    let run = |work: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Report>> + Send>,
    >| { runtime.block_on(async { tokio::spawn(work).await? }) };
    let report = match arg(0)? {
        "uscall-p1" => run(Box::pin(uscall_p1(arg(1)?, arg(2)?, num(3)?)))?,
        // The same on a current-thread runtime: the work on the thread that polls it.
        "uscall-p1-ct" => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(uscall_p1(arg(1)?, arg(2)?, num(3)?))?,
        "uscall-p2" => run(Box::pin(uscall_p2(arg(1)?, arg(2)?)))?,
        "uscall-p2-stream" => run(Box::pin(uscall_p2_stream(arg(1)?, arg(2)?)))?,
        "uscall-p3" => run(Box::pin(uscall_p3(arg(1)?, arg(2)?, arg(3)?, arg(4)?)))?,
        "uscall-p5" => run(Box::pin(uscall_p5(arg(1)?, arg(2)?, num(3)?, num(4)?)))?,
        "uscall-probe" => run(Box::pin(uscall_probe(arg(1)?, arg(2)?)))?,
        "raw" => run(Box::pin(raw(arg(1)?, arg(2)?, num(3)?, num(4)?)))?,
        "raw-hyper" => run(Box::pin(raw_hyper(arg(1)?, arg(2)?, num(3)?, inflight()?)))?,
        // The one-connection loop on a current-thread runtime, beside uscall-p1-ct.
        "raw-hyper-ct" => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(raw_hyper(arg(1)?, arg(2)?, num(3)?, 1))?,
        "json-floor" => json_floor(arg(1)?)?,
        "codegen" => codegen(arg(1)?)?,
        other => bail!("unknown runner {other:?}"),
    };
    println!("{report}");
    Ok(())
}

/// What one run measured.
struct Report {
    seconds: f64,
    items: u64,
    bytes: u64,
    errors: u64,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{{\"seconds\": {}, \"items\": {}, \"bytes\": {}, \"errors\": {}}}",
            self.seconds, self.items, self.bytes, self.errors
        )
    }
}

fn client(url: &str, token: &str) -> Result<Client> {
    Ok(Client::new(url, token)?)
}

/// P1: sequential typed getExtens calls over one keep-alive connection.
async fn uscall_p1(url: &str, token: &str, calls: u64) -> Result<Report> {
    let client = client(url, token)?;
    let started = Instant::now();
    let mut items = 0;
    for _ in 0..calls {
        items += client.get_extens().await?.len() as u64;
    }
    Ok(Report {
        seconds: started.elapsed().as_secs_f64(),
        items,
        bytes: 0,
        errors: 0,
    })
}

/// P2: one cdrSearch into typed rows.
async fn uscall_p2(url: &str, token: &str) -> Result<Report> {
    let client = client(url, token)?;
    let day = jiff::civil::date(2025, 6, 2);
    let started = Instant::now();
    let rows = client.cdr_search().day(day).await?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(Report {
        seconds,
        items: rows.len() as u64,
        bytes: 0,
        errors: rows.errors().len() as u64,
    })
}

/// P2 as rows arrive: one cdrSearch through `.stream()`, each row decoded and dropped; `items`
/// counts the rows, `errors` the rows that did not decode (`Error::Row`, the stream goes on).
async fn uscall_p2_stream(url: &str, token: &str) -> Result<Report> {
    let client = client(url, token)?;
    let day = jiff::civil::date(2025, 6, 2);
    let started = Instant::now();
    let mut rows = client.cdr_search().day(day).stream();
    let (mut items, mut errors) = (0, 0);
    while let Some(row) = rows.next().await {
        match row {
            Ok(row) => {
                std::hint::black_box(row);
                items += 1;
            }
            Err(uscall_client::Error::Row(_)) => errors += 1,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Report {
        seconds: started.elapsed().as_secs_f64(),
        items,
        bytes: 0,
        errors,
    })
}

/// P3: one audioDownload, the recording streamed to the file `out`.
async fn uscall_p3(url: &str, token: &str, id: &str, out: &str) -> Result<Report> {
    let client = client(url, token)?;
    let started = Instant::now();
    let saved = client.audio_download(id).save(out).await?;
    Ok(Report {
        seconds: started.elapsed().as_secs_f64(),
        items: 1,
        bytes: saved.bytes,
        errors: 0,
    })
}

/// P5: `calls` typed getExtens calls, `inflight` at a time, from one shared client.
async fn uscall_p5(url: &str, token: &str, calls: u64, inflight: u64) -> Result<Report> {
    let client = client(url, token)?;
    let next = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..inflight {
        let (client, next, errors) = (client.clone(), next.clone(), errors.clone());
        tasks.spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < calls {
                match client.get_extens().await {
                    Ok(rows) if rows.len() == 8 && rows.is_complete() => {}
                    _ => {
                        errors.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    Ok(Report {
        seconds: started.elapsed().as_secs_f64(),
        items: calls,
        bytes: 0,
        errors: errors.load(Ordering::Relaxed),
    })
}

/// One call of each workload's operation, so the responder records the bytes uscall sends.
async fn uscall_probe(url: &str, token: &str) -> Result<Report> {
    let client = client(url, token)?;
    let started = Instant::now();
    client.get_extens().await?;
    client
        .cdr_search()
        .day(jiff::civil::date(2025, 6, 2))
        .send_raw()
        .await?;
    client.audio_download("1748867415.101").send_raw().await?;
    Ok(Report {
        seconds: started.elapsed().as_secs_f64(),
        items: 3,
        bytes: 0,
        errors: 0,
    })
}

/// The floor for the network part: POSTs the request bytes uscall sent (`request` is the
/// responder's capture: content type, SOAPAction, then the body, one per line), `calls` times,
/// `inflight` at a time, reading each body to the end and dropping it.
async fn raw(url: &str, request: &str, calls: u64, inflight: u64) -> Result<Report> {
    let (content_type, action, body) = captured(request)?;
    // reqwest is built without a crypto provider of its own (uscall picks it): install it.
    uscall_client::install_crypto_provider();
    let http = reqwest::Client::builder().build()?;
    let next = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let bytes = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..inflight {
        let (http, next, errors, bytes) =
            (http.clone(), next.clone(), errors.clone(), bytes.clone());
        let (url, content_type, action, body) = (
            url.to_owned(),
            content_type.clone(),
            action.clone(),
            body.clone(),
        );
        tasks.spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < calls {
                let sent = http
                    .post(&url)
                    .header("Content-Type", &content_type)
                    .header("SOAPAction", &action)
                    .body(body.clone())
                    .send()
                    .await;
                let Ok(mut response) = sent else {
                    errors.fetch_add(1, Ordering::Relaxed);
                    continue;
                };
                let mut n = 0;
                loop {
                    match response.chunk().await {
                        Ok(Some(chunk)) => n += chunk.len() as u64,
                        Ok(None) => break,
                        Err(_) => {
                            errors.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                    }
                }
                bytes.store(n, Ordering::Relaxed);
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    Ok(Report {
        seconds: started.elapsed().as_secs_f64(),
        items: calls,
        bytes: bytes.load(Ordering::Relaxed),
        errors: errors.load(Ordering::Relaxed),
    })
}

/// The responder's capture of a request: content type, SOAPAction, then the body, a line each.
fn captured(path: &str) -> Result<(String, String, bytes::Bytes)> {
    let text = std::fs::read(path).with_context(|| format!("reading {path}"))?;
    let mut lines = text.splitn(3, |b| *b == b'\n');
    let content_type = String::from_utf8(lines.next().context("no content type")?.to_vec())?;
    let action = String::from_utf8(lines.next().context("no SOAPAction")?.to_vec())?;
    let body = bytes::Bytes::copy_from_slice(lines.next().context("no body")?);
    Ok((content_type, action, body))
}

/// The floor the machine allows for small calls: the request bytes uscall sent, POSTed `calls`
/// times by hyper's client connection itself (no pool, no redirect, proxy or decompression
/// logic), each body read to the end. One connection for P1; for P5, `inflight` tasks with a
/// connection each, which is what reqwest's pool (so uscall) opens for that many calls at once
/// over HTTP/1.1 (the responder counts the connections it accepted).
async fn raw_hyper(url: &str, request: &str, calls: u64, inflight: u64) -> Result<Report> {
    let (content_type, action, body) = captured(request)?;
    let uri: hyper::Uri = url.parse()?;
    let target = Arc::new(HyperTarget {
        authority: uri.authority().context("no host in the URL")?.to_string(),
        path: uri.path_and_query().map_or("/", |p| p.as_str()).to_owned(),
        content_type,
        action,
        body,
    });
    // Connected after the clock starts, as uscall's and reqwest's pools connect at the first
    // call that finds no idle connection.
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let (bytes, errors) = if inflight <= 1 {
        let mut sender = target.connect().await?;
        target.post_loop(&mut sender, &next, calls).await
    } else {
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..inflight {
            let (target, next) = (target.clone(), next.clone());
            tasks.spawn(async move {
                let mut sender = target.connect().await?;
                anyhow::Ok(target.post_loop(&mut sender, &next, calls).await)
            });
        }
        let (mut bytes, mut errors) = (0, 0);
        while let Some(done) = tasks.join_next().await {
            let (b, e) = done??;
            bytes = bytes.max(b);
            errors += e;
        }
        (bytes, errors)
    };
    Ok(Report {
        seconds: started.elapsed().as_secs_f64(),
        items: calls,
        bytes,
        errors,
    })
}

/// Where and what the raw hyper loop posts.
struct HyperTarget {
    authority: String,
    path: String,
    content_type: String,
    action: String,
    body: bytes::Bytes,
}

type HyperSender = hyper::client::conn::http1::SendRequest<http_body_util::Full<bytes::Bytes>>;

impl HyperTarget {
    /// One HTTP/1.1 connection, its driver spawned on the runtime as reqwest's pool does.
    async fn connect(&self) -> Result<HyperSender> {
        let stream = tokio::net::TcpStream::connect(&self.authority).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(sender)
    }

    /// Posts on `sender` while `next` is below `calls`; gives the last body's length and the
    /// number of failed calls.
    async fn post_loop(
        &self,
        sender: &mut HyperSender,
        next: &AtomicU64,
        calls: u64,
    ) -> (u64, u64) {
        use http_body_util::{BodyExt, Full};
        let (mut bytes, mut errors) = (0, 0);
        while next.fetch_add(1, Ordering::Relaxed) < calls {
            let request = hyper::Request::post(self.path.as_str())
                .header(hyper::header::HOST, self.authority.as_str())
                .header(hyper::header::CONTENT_TYPE, self.content_type.as_str())
                .header("SOAPAction", self.action.as_str())
                .body(Full::new(self.body.clone()));
            let answered = match (request, sender.ready().await) {
                (Ok(request), Ok(())) => sender.send_request(request).await.ok(),
                _ => None,
            };
            match answered {
                Some(response) => match response.into_body().collect().await {
                    Ok(whole) => bytes = whole.to_bytes().len() as u64,
                    Err(_) => errors += 1,
                },
                None => errors += 1,
            }
        }
        (bytes, errors)
    }
}

/// The floor for decoding: the bare JSON text (already in memory) into a `serde_json::Value`.
fn json_floor(path: &str) -> Result<Report> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {path}"))?;
    let started = Instant::now();
    let value: serde_json::Value = serde_json::from_str(&text)?;
    let seconds = started.elapsed().as_secs_f64();
    let items = value["retorno"].as_array().map_or(0, Vec::len) as u64;
    Ok(Report {
        seconds,
        items,
        bytes: text.len() as u64,
        errors: 0,
    })
}

/// P4: one `uscall_codegen::generate` of the WSDL at `path`, as `cargo xtask regen` runs it.
fn codegen(path: &str) -> Result<Report> {
    let wsdl = std::fs::read(path).with_context(|| format!("reading {path}"))?;
    let options = uscall_codegen::Options {
        source: "wsdl/wsuscall.wsdl".into(),
        soap: None,
        json_answers: true,
        ..uscall_codegen::Options::default()
    };
    let started = Instant::now();
    let generated = uscall_codegen::generate(&wsdl, &options)?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(Report {
        seconds,
        items: generated.api.operations.len() as u64,
        bytes: generated.code.len() as u64,
        errors: 0,
    })
}
