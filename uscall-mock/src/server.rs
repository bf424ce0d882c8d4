//! The simulator's HTTP side: a hyper HTTP/1.1 server on 127.0.0.1 answering `?wsdl` and the
//! SOAP posts with NuSOAP's headers, status codes and envelopes, gzip when the client accepts
//! it, and the kit's rules and faults applied on the way.

use crate::kit::{Kit, Reply, Request};
use crate::ops::{self, Args, Context, Outcome};
use crate::state::State;
use crate::wire;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Response, StatusCode};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use uscall_client::meta::OperationInfo;

/// Where the PBX serves the webservice.
pub(crate) const PATH: &str = "/aplicativos/webservice/wsuscall.php";

/// The largest request body read; a bigger one is refused with 413.
const MAX_REQUEST: usize = 16 << 20;

const XML: &str = "text/xml; charset=ISO-8859-1";

/// A PHP warning where the JSON should start: what a PBX with a broken database sends.
const PHP_WARNING: &str = "<br />\n<b>Warning</b>:  mysqli_connect(): (HY000/2002): Connection refused in <b>/var/www/html/aplicativos/webservice/wsuscall.php</b> on line <b>12</b><br />\n";

const HTML_500: &str = "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>500 Internal Server Error</title>\n</head><body>\n<h1>Internal Server Error</h1>\n<p>The server encountered an internal error or misconfiguration and was unable to complete your request.</p>\n</body></html>\n";

/// What the server and the `Pbx` handle share.
pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    pub(crate) kit: Mutex<Kit>,
    pub(crate) cx: Context,
    pub(crate) operations: &'static [&'static OperationInfo],
    /// The WSDL served at `?wsdl`, written once, its address the endpoint's.
    pub(crate) wsdl: Bytes,
}

impl Shared {
    pub(crate) fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn kit(&self) -> std::sync::MutexGuard<'_, Kit> {
        self.kit.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Accepts connections until `stop` changes.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                tokio::spawn(connection(stream, shared.clone(), stop.clone()));
            }
            _ = stop.changed() => break,
        }
    }
}

/// The connection was reset on purpose (a reset fault): hyper closes it on this error.
#[derive(Debug)]
struct Reset;

impl std::fmt::Display for Reset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset by the fault kit")
    }
}

impl std::error::Error for Reset {}

async fn connection(stream: TcpStream, shared: Arc<Shared>, mut stop: watch::Receiver<bool>) {
    // A second handle on the socket, so a reset fault can set SO_LINGER to zero: closing then
    // sends RST rather than FIN.
    let handle = stream
        .into_std()
        .and_then(|std| Ok((std.try_clone()?, TcpStream::from_std(std)?)));
    let Ok((twin, stream)) = handle else { return };
    let twin = Arc::new(twin);
    let service = hyper::service::service_fn(move |request| {
        let (shared, twin) = (shared.clone(), twin.clone());
        async move {
            match handle_request(request, &shared).await {
                Ok(response) => Ok(response),
                Err(Reset) => {
                    if let Ok(clone) = twin.try_clone().and_then(TcpStream::from_std) {
                        let _ = clone.set_zero_linger();
                    }
                    Err(Reset)
                }
            }
        }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
    tokio::select! {
        _ = conn => {}
        _ = stop.changed() => {}
    }
}

type Answer = Response<Full<Bytes>>;

async fn handle_request(
    request: hyper::Request<Incoming>,
    shared: &Shared,
) -> Result<Answer, Reset> {
    if request.uri().path() != PATH {
        let text = format!("Not found: {}\n", request.uri().path());
        return Ok(plain(
            StatusCode::NOT_FOUND,
            "text/plain; charset=UTF-8",
            text.into_bytes(),
        ));
    }
    let gzip = request
        .headers()
        .get(ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("gzip"));
    if request.method() == Method::GET {
        let wants_wsdl = request
            .uri()
            .query()
            .is_some_and(|q| q.split('&').any(|p| p.eq_ignore_ascii_case("wsdl")));
        if wants_wsdl {
            let mut answer = Response::new(Full::new(shared.wsdl.clone()));
            answer
                .headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static(XML));
            return Ok(answer);
        }
        let page = "<html><head><title>wsuscall</title></head><body><h1>wsuscall</h1><p>uscall-mock: a simulated USCall PBX. The WSDL is at ?wsdl.</p></body></html>";
        return Ok(plain(
            StatusCode::OK,
            "text/html; charset=ISO-8859-1",
            page.into(),
        ));
    }
    if request.method() != Method::POST {
        return Ok(plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain",
            b"POST or GET\n".to_vec(),
        ));
    }
    let body = match Limited::new(request.into_body(), MAX_REQUEST)
        .collect()
        .await
    {
        Ok(body) => body.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            return Ok(plain(
                StatusCode::PAYLOAD_TOO_LARGE,
                "text/plain",
                b"request too large\n".to_vec(),
            ));
        }
        Err(_) => return Err(Reset),
    };
    let envelope = match wire::read_request(&body) {
        Ok(envelope) => envelope,
        Err(message) => return Ok(soap_fault("SOAP-ENV:Client", &message, "", gzip)),
    };
    let Some(op) = shared
        .operations
        .iter()
        .copied()
        .find(|op| op.name == envelope.operation)
    else {
        let message = format!(
            "Operation '{}' is not defined in the WSDL for this service",
            envelope.operation
        );
        return Ok(soap_fault("SOAP-ENV:Client", &message, "", gzip));
    };
    let recorded = Request {
        operation: envelope.operation.clone(),
        parts: envelope.parts.clone(),
        at: shared.cx.clock.now(),
    };
    let reply = {
        let mut kit = shared.kit();
        kit.requests.push(recorded.clone());
        kit.reply_for(&recorded)
    };
    if let Some(Reply::Delay(by)) = &reply {
        tokio::time::sleep(*by).await;
    }
    if let Some(reply) = &reply
        && !reply.acts()
    {
        return early(reply, op, gzip);
    }
    // NuSOAP binds parts by position: the i-th part sent is the i-th parameter, whatever its name.
    let names: Vec<&'static str> = op.params.iter().map(|p| p.name).collect();
    let values: Vec<Option<String>> = (0..names.len())
        .map(|i| envelope.parts.get(i).and_then(|(_, v)| v.clone()))
        .collect();
    let args = Args {
        names: &names,
        values: &values,
    };
    let Some(outcome) = run_when_free(shared, op.name, &args).await else {
        let text = "uscall-mock: the simulator's state stayed locked for 5 s: a test holds the \
                    guard of Pbx::state() across a call to the simulator; drop it first\n";
        return Ok(plain(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/plain; charset=UTF-8",
            text.into(),
        ));
    };
    let json = match outcome {
        Some(Outcome::Retorno(value)) => wire::php_json(&serde_json::json!({ "retorno": value })),
        Some(Outcome::Fault { string, detail }) => {
            return Ok(soap_fault("SOAP-ENV:Server", &string, &detail, gzip));
        }
        None => {
            let message = format!("Operation '{}' is not simulated by uscall-mock", op.name);
            return Ok(soap_fault("SOAP-ENV:Server", &message, "", gzip));
        }
    };
    match reply {
        Some(Reply::ResetAfterRead) => Err(Reset),
        Some(Reply::MalformedJson) => {
            let text = format!("{PHP_WARNING}{json}");
            Ok(soap(
                StatusCode::OK,
                wire::answer(op.name, op.namespace, &text),
                gzip,
            ))
        }
        Some(Reply::TruncatedBody) => {
            let whole = wire::answer(op.name, op.namespace, &json);
            let mut answer = soap(StatusCode::OK, whole[..whole.len() / 2].to_vec(), false);
            answer
                .headers_mut()
                .insert(CONTENT_LENGTH, HeaderValue::from(whole.len()));
            Ok(answer)
        }
        _ => Ok(soap(
            StatusCode::OK,
            wire::answer(op.name, op.namespace, &json),
            gzip,
        )),
    }
}

/// Runs `operation` on the state once it is free, waiting without blocking the runtime (a test
/// may hold the state's guard while its task runs); `None` after 5 s, rather than hanging a
/// test that holds the guard across a call to the simulator.
async fn run_when_free(
    shared: &Shared,
    operation: &str,
    args: &Args<'_>,
) -> Option<Option<Outcome>> {
    for _ in 0..500 {
        let done = run_if_free(shared, operation, args);
        if done.is_some() {
            return done;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    None
}

/// Runs `operation` if the state is free (`None` if it is held).
fn run_if_free(shared: &Shared, operation: &str, args: &Args<'_>) -> Option<Option<Outcome>> {
    let mut state = match shared.state.try_lock() {
        Ok(state) => state,
        Err(std::sync::TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
        Err(std::sync::TryLockError::WouldBlock) => return None,
    };
    Some(ops::run(operation, args, &mut state, &shared.cx))
}

/// A reply that takes the place of carrying the operation out.
fn early(reply: &Reply, op: &OperationInfo, gzip: bool) -> Result<Answer, Reset> {
    Ok(match reply {
        Reply::Retorno(value) => {
            let json = wire::php_json(&serde_json::json!({ "retorno": value }));
            soap(
                StatusCode::OK,
                wire::answer(op.name, op.namespace, &json),
                gzip,
            )
        }
        Reply::SoapFault {
            code,
            string,
            detail,
        } => soap_fault(code, string, detail, gzip),
        Reply::Http500Empty => plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/html; charset=UTF-8",
            Vec::new(),
        ),
        Reply::Http500Html => plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/html; charset=iso-8859-1",
            HTML_500.into(),
        ),
        _ => return Err(Reset),
    })
}

fn soap_fault(code: &str, string: &str, detail: &str, gzip: bool) -> Answer {
    soap(
        StatusCode::INTERNAL_SERVER_ERROR,
        wire::fault(code, string, detail),
        gzip,
    )
}

/// A SOAP answer with NuSOAP's headers, gzipped when the client accepts it (as NuSOAP does).
fn soap(status: StatusCode, body: Vec<u8>, gzip: bool) -> Answer {
    let compressed = gzip.then(|| gzipped(&body)).flatten();
    let zipped = compressed.is_some();
    let mut answer = plain(status, XML, compressed.unwrap_or(body));
    let headers = answer.headers_mut();
    headers.insert("server", HeaderValue::from_static("NuSOAP Server v0.9.5"));
    headers.insert(
        "x-soap-server",
        HeaderValue::from_static("NuSOAP/0.9.5 (1.123)"),
    );
    if zipped {
        headers.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    answer
}

/// `body` as a gzip member (RFC 1952). The deflate state is kept per thread and reset for each
/// answer: making a new one allocates a few hundred KB, which cost more than compressing a
/// small answer.
fn gzipped(body: &[u8]) -> Option<Vec<u8>> {
    use flate2::{Compress, Compression, Crc, FlushCompress, Status};
    thread_local! {
        static DEFLATE: std::cell::RefCell<Compress> =
            std::cell::RefCell::new(Compress::new(Compression::fast(), false));
    }
    // The fixed header: magic, deflate, no flags, no time, no extra flags, unknown OS.
    let mut out = Vec::with_capacity(body.len() / 2 + 64);
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);
    DEFLATE.with(|deflate| {
        let mut deflate = deflate.borrow_mut();
        deflate.reset();
        loop {
            let read = deflate.total_in() as usize;
            out.reserve(body.len().max(64));
            match deflate.compress_vec(&body[read..], &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => return Some(()),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
    })?;
    let mut crc = Crc::new();
    crc.update(body);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    Some(out)
}

fn plain(status: StatusCode, content_type: &'static str, body: Vec<u8>) -> Answer {
    let mut answer = Response::new(Full::new(Bytes::from(body)));
    *answer.status_mut() = status;
    answer
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    answer
}
