//! Fault injection: a server of our own that counts requests and fails on purpose, to prove
//! that actions are sent exactly once, reads are retried within bounds, and nothing hangs.
//!
//! The server listens on 127.0.0.1 and, per test, resets the connection before or in the
//! middle of its reply, answers 500 with an empty body or 502 with an nginx page, never
//! answers, or answers one byte a second; or fails the first K requests and then answers like
//! NuSOAP. It counts every request whose head arrived, by the operation in its `SOAPAction`.
//!
//! Connect timeouts: only loopback addresses are allowed here, and a listener with a full
//! backlog does not reliably stall a connect. The connect timeout also covers the TLS
//! handshake, so the test points an `https://` URL at a listener that accepts the TCP
//! connection and never answers the ClientHello.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use uscall_client::enums::StartCallTipo;
use uscall_client::{Client, Error, Retries};

const TOKEN: &str = "$1$gcNiVTZp$5IqX.EhuJyLNG7pBc5o4..";

/// Slack allowed above a time limit: generous, so a loaded machine does not fail the test,
/// and still far below "hangs forever".
const MARGIN: Duration = Duration::from_secs(5);

/// How the server misbehaves on one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// Reads the whole request, then resets the connection (RST) without a byte of answer.
    ResetBeforeReply,
    /// Sends the head and half the body of a valid answer, then resets.
    ResetMidReply,
    /// `500 Internal Server Error` with an empty body (PHP out of memory).
    Empty500,
    /// `502 Bad Gateway` with nginx's HTML page.
    Html502,
    /// Reads the request and never answers, holding the connection open.
    Stall,
    /// Sends a valid answer one byte a second, head included.
    Trickle,
    /// Sends the head of a valid answer at once, then its body one byte a second.
    TrickleBody,
}

const FAULTS: [Fault; 7] = [
    Fault::ResetBeforeReply,
    Fault::ResetMidReply,
    Fault::Empty500,
    Fault::Html502,
    Fault::Stall,
    Fault::Trickle,
    Fault::TrickleBody,
];

/// What the server does with the n-th request (0-based): `fault` for the first `failures`,
/// a valid answer after.
#[derive(Debug, Clone, Copy)]
struct Plan {
    fault: Fault,
    failures: usize,
}

impl Plan {
    fn always(fault: Fault) -> Plan {
        Plan {
            fault,
            failures: usize::MAX,
        }
    }

    fn first(failures: usize, fault: Fault) -> Plan {
        Plan { fault, failures }
    }
}

/// A running fault-injecting server; it stops with the test's runtime.
struct FaultServer {
    url: String,
    counts: Arc<Mutex<HashMap<String, usize>>>,
}

impl FaultServer {
    async fn start(plan: Plan) -> FaultServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/aplicativos/webservice/wsuscall.php",
            listener.local_addr().unwrap()
        );
        let counts = Arc::new(Mutex::new(HashMap::new()));
        let seen = Arc::new(AtomicUsize::new(0));
        let log = counts.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let (log, seen) = (log.clone(), seen.clone());
                tokio::spawn(async move { serve(sock, plan, &log, &seen).await });
            }
        });
        FaultServer { url, counts }
    }

    /// Requests received for `operation` (by wire name).
    fn count(&self, operation: &str) -> usize {
        self.counts
            .lock()
            .unwrap()
            .get(operation)
            .copied()
            .unwrap_or(0)
    }

    /// Requests received in all.
    fn total(&self) -> usize {
        self.counts.lock().unwrap().values().sum()
    }

    fn client(&self, retries: Retries) -> Client {
        Client::builder(&self.url)
            .token(TOKEN)
            .timeout(Duration::from_secs(1))
            .retries(retries)
            .build()
            .unwrap()
    }
}

/// Quick retries, so the tests do not wait for the default back-off.
const FAST: Retries = Retries {
    max: 2,
    base_delay: Duration::from_millis(10),
    max_delay: Duration::from_millis(50),
};

/// Serves one connection: one request, then the plan's fault or a valid answer, then close.
async fn serve(
    mut sock: TcpStream,
    plan: Plan,
    counts: &Mutex<HashMap<String, usize>>,
    seen: &AtomicUsize,
) {
    let Some((head, _body)) = read_request(&mut sock).await else {
        return;
    };
    let operation = soap_operation(&head);
    *counts.lock().unwrap().entry(operation.clone()).or_default() += 1;
    let n = seen.fetch_add(1, Ordering::SeqCst);
    if n >= plan.failures {
        let _ = sock.write_all(&ok_answer(&operation)).await;
        let _ = sock.shutdown().await;
        return;
    }
    match plan.fault {
        Fault::ResetBeforeReply => reset(sock),
        Fault::ResetMidReply => {
            let answer = ok_answer(&operation);
            let _ = sock.write_all(&answer[..answer.len() / 2]).await;
            let _ = sock.flush().await;
            // Let the half answer reach the client before the reset discards it.
            tokio::time::sleep(Duration::from_millis(50)).await;
            reset(sock);
        }
        Fault::Empty500 => {
            let _ = sock
                .write_all(&http("500 Internal Server Error", "text/html", b""))
                .await;
        }
        Fault::Html502 => {
            let page = b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n";
            let _ = sock
                .write_all(&http("502 Bad Gateway", "text/html", page))
                .await;
        }
        Fault::Stall => {
            // Hold the connection (the client must give up, not us).
            let mut rest = [0u8; 64];
            while sock.read(&mut rest).await.is_ok_and(|n| n > 0) {}
        }
        Fault::Trickle | Fault::TrickleBody => {
            let answer = ok_answer(&operation);
            let mut at = 0;
            if plan.fault == Fault::TrickleBody {
                at = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
                if sock.write_all(&answer[..at]).await.is_err() {
                    return;
                }
            }
            for &byte in &answer[at..] {
                if sock.write_all(&[byte]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// Closes with a TCP reset rather than a FIN.
fn reset(sock: TcpStream) {
    sock.set_zero_linger().unwrap();
    drop(sock);
}

use uscall_tests::http_response as http;
use uscall_tests::{canned, read_request, soap_operation};

/// A NuSOAP-style answer, closing the connection.
fn ok_answer(operation: &str) -> Vec<u8> {
    http(
        "200 OK",
        "text/xml; charset=ISO-8859-1",
        &uscall_tests::nusoap_ok_body(operation),
    )
}

/// The error an action gets when the PBX may have acted: says so, names the check, and keeps
/// the failure underneath.
fn assert_outcome_unknown(err: &Error, fault: Fault) {
    let Error::OutcomeUnknown { operation, source } = err else {
        panic!("{fault:?}: expected OutcomeUnknown, got {err:?}")
    };
    assert_eq!(*operation, "startCall");
    let message = err.to_string();
    assert!(
        message.starts_with("startCall: outcome unknown:")
            && message.contains("cdrSearch")
            && message.contains("idcti")
            && message.contains("before trying again"),
        "{fault:?}: {message}"
    );
    let expected = match fault {
        Fault::ResetBeforeReply | Fault::ResetMidReply => {
            matches!(**source, Error::Transport { .. })
        }
        Fault::Empty500 => matches!(**source, Error::Http { status: 500, .. }),
        Fault::Html502 => matches!(**source, Error::Http { status: 502, .. }),
        Fault::Stall | Fault::Trickle | Fault::TrickleBody => {
            matches!(**source, Error::Timeout { .. })
        }
    };
    assert!(expected, "{fault:?}: unexpected cause {source:?}");
    let cause = std::error::Error::source(err).expect("the failure is the source");
    assert_eq!(cause.to_string(), source.to_string());
    assert!(
        !format!("{err} {err:?}").contains(TOKEN),
        "the token leaked"
    );
}

#[tokio::test]
async fn start_call_reaches_the_server_exactly_once_under_every_fault() {
    for fault in FAULTS {
        let server = FaultServer::start(Plan::always(fault)).await;
        // Generous retries: they must not apply to an action.
        let client = server.client(Retries { max: 5, ..FAST });

        let err = client
            .raw()
            .start_call("outbound", "2001", "11999990000", "1")
            .idcti("crm-42")
            .await
            .unwrap_err();
        assert_outcome_unknown(&err, fault);
        assert_eq!(server.count("startCall"), 1, "{fault:?}: raw");

        let err = client
            .start_call(StartCallTipo::Outbound, "2001", "11999990000", "1")
            .await
            .unwrap_err();
        assert_outcome_unknown(&err, fault);
        assert_eq!(server.count("startCall"), 2, "{fault:?}: typed");
        assert_eq!(server.total(), 2, "{fault:?}");
    }
}

#[tokio::test]
async fn no_action_is_ever_retried() {
    let server = FaultServer::start(Plan::always(Fault::ResetBeforeReply)).await;
    let client = server.client(Retries { max: 5, ..FAST });
    let actions: Vec<_> = Client::operations()
        .iter()
        .filter(|op| !op.is_read())
        .collect();
    assert_eq!(actions.len(), 8);
    for op in actions {
        let args = op.params.iter().map(|_| Some("1".to_owned())).collect();
        let err = client.call(op, args).await.unwrap_err();
        assert!(
            matches!(&err, Error::OutcomeUnknown { operation, .. } if *operation == op.name),
            "{}: {err:?}",
            op.name
        );
        assert!(err.to_string().contains("outcome unknown"), "{err}");
        assert_eq!(server.count(op.name), 1, "{}", op.name);
    }
}

#[tokio::test]
async fn an_action_that_could_not_connect_did_not_happen() {
    // A port nobody listens on: connection refused, so the request never left.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = Client::builder(&format!("http://127.0.0.1:{port}/"))
        .token(TOKEN)
        .build()
        .unwrap();
    let err = client
        .start_call(StartCallTipo::Outbound, "2001", "11999990000", "1")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
}

#[tokio::test]
async fn a_read_succeeds_after_transient_faults() {
    for fault in FAULTS {
        let server = FaultServer::start(Plan::first(2, fault)).await;
        let extensions = server
            .client(FAST)
            .get_extens()
            .await
            .unwrap_or_else(|e| panic!("{fault:?}: {e:?}"));
        assert_eq!(extensions.len(), 2, "{fault:?}");
        assert_eq!(extensions[0].num, "2001");
        assert_eq!(server.count("getExtens"), 3, "{fault:?}");
    }
    // The default policy (two retries, 200 ms doubling) gets there too.
    let server = FaultServer::start(Plan::first(2, Fault::Empty500)).await;
    let client = Client::new(&server.url, TOKEN).unwrap();
    let answer = client.raw().get_extens().await.unwrap();
    assert_eq!(answer.json()["retorno"][1]["num"], "2002");
    assert_eq!(server.count("getExtens"), 3);
}

#[tokio::test]
async fn without_retries_a_read_fails_after_one_request() {
    for fault in FAULTS {
        let server = FaultServer::start(Plan::first(1, fault)).await;
        let client = server.client(FAST).with_retries(Retries::NONE);
        let err = client.get_extens().await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::Transport { .. } | Error::Timeout { .. } | Error::Http { .. }
            ),
            "{fault:?}: {err:?}"
        );
        assert_eq!(server.count("getExtens"), 1, "{fault:?}");
    }
}

#[tokio::test]
async fn retries_are_bounded_under_a_permanent_fault() {
    for fault in [Fault::ResetBeforeReply, Fault::Html502] {
        let server = FaultServer::start(Plan::always(fault)).await;
        let client = server.client(Retries { max: 3, ..FAST });
        let err = client.raw().get_extens().await.unwrap_err();
        // A read's failure is reported as it is: nothing can have changed.
        assert!(
            matches!(err, Error::Transport { .. } | Error::Http { .. }),
            "{fault:?}: {err:?}"
        );
        assert_eq!(server.count("getExtens"), 4, "{fault:?}");
    }
}

#[tokio::test]
async fn reads_are_not_retried_on_answers_that_would_come_back_the_same() {
    let fault = b"<?xml version=\"1.0\"?><SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>SOAP-ENV:Server</faultcode><faultstring>Falha</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>";
    // Each answer, and the start of the error's Debug form it must give.
    let cases = [
        (
            http("500 Internal Server Error", "text/xml", fault),
            "Fault {",
        ),
        (http("404 Not Found", "text/html", b"nope"), "Http {"),
        (http("200 OK", "text/xml", b""), "Malformed {"),
        (
            http("200 OK", "text/html", b"<html>Fatal error</html>"),
            "Malformed {",
        ),
    ];
    for (reply, expected) in cases {
        let (url, hits) = canned(reply).await;
        let client = Client::builder(&url)
            .token(TOKEN)
            .retries(FAST)
            .build()
            .unwrap();
        let err = client.raw().get_extens().await.unwrap_err();
        assert!(format!("{err:?}").starts_with(expected), "{err:?}");
        assert_eq!(hits.load(Ordering::SeqCst), 1, "{err:?}");
    }
}

#[tokio::test]
async fn a_stall_or_a_trickle_times_out_within_the_limit() {
    for fault in [Fault::Stall, Fault::Trickle, Fault::TrickleBody] {
        let server = FaultServer::start(Plan::always(fault)).await;
        let client = server.client(Retries::NONE);
        let started = Instant::now();
        let err = client.raw().get_extens().await.unwrap_err();
        let elapsed = started.elapsed();
        assert!(matches!(err, Error::Timeout { .. }), "{fault:?}: {err:?}");
        assert!(
            err.to_string()
                .contains("no complete answer from http://127.0.0.1:"),
            "{err}"
        );
        assert!(
            elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(1) + MARGIN,
            "{fault:?}: {elapsed:?}"
        );

        // The limit can be changed for one call, here made longer.
        let started = Instant::now();
        let err = client
            .with_timeout(Duration::from_secs(2))
            .raw()
            .get_extens()
            .await
            .unwrap_err();
        let elapsed = started.elapsed();
        assert!(matches!(err, Error::Timeout { .. }), "{fault:?}: {err:?}");
        assert!(
            elapsed >= Duration::from_millis(1900) && elapsed < Duration::from_secs(2) + MARGIN,
            "{fault:?}: {elapsed:?}"
        );
    }
}

#[tokio::test]
async fn a_stalled_connect_times_out_and_an_action_knows_it_was_not_sent() {
    // A TCP listener that never answers the TLS ClientHello: the connect (which includes the
    // handshake) stalls.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let count = connections.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 1024];
                while sock.read(&mut buf).await.is_ok_and(|n| n > 0) {}
            });
        }
    });
    let client = Client::builder(&format!("https://{addr}/"))
        .token(TOKEN)
        .connect_timeout(Duration::from_secs(1))
        .timeout(Duration::from_secs(60))
        .retries(Retries::NONE)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client
        .start_call(StartCallTipo::Outbound, "2001", "11999990000", "1")
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    // Not OutcomeUnknown: no request can have left before the handshake finished.
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(1) + MARGIN,
        "{elapsed:?}"
    );
    assert_eq!(connections.load(Ordering::SeqCst), 1);
}

/// Runs the `uscall` binary against `url` and returns (exit code, stdout, stderr).
async fn uscall(url: &str, args: &[&str]) -> (i32, String, String) {
    let bin = tokio::task::spawn_blocking(uscall_tests::uscall_bin)
        .await
        .unwrap();
    let out = tokio::process::Command::new(bin)
        .args(["--url", url, "--timeout", "1"])
        .args(args)
        .env("USCALL_TOKEN", TOKEN)
        .env_remove("USCALL_URL")
        .env_remove("RUST_LOG")
        .output()
        .await
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

const START_CALL: &[&str] = &[
    "--retries",
    "5",
    "start-call",
    "--tipo",
    "outbound",
    "--origem",
    "2001",
    "--destino",
    "11999990000",
    "--categoria",
    "1",
    "--idcti",
    "crm-42",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_sends_start_call_once_and_says_the_outcome_is_unknown() {
    for fault in FAULTS {
        let server = FaultServer::start(Plan::always(fault)).await;
        let (code, stdout, stderr) = uscall(&server.url, START_CALL).await;
        assert_eq!(code, 5, "{fault:?}: {stderr}");
        assert!(stdout.is_empty(), "{fault:?}: {stdout}");
        assert_eq!(stderr.lines().count(), 1, "{fault:?}: {stderr}");
        assert!(
            stderr.starts_with("uscall: startCall: outcome unknown:")
                && stderr.contains("cdrSearch"),
            "{fault:?}: {stderr}"
        );
        assert!(!stderr.contains(TOKEN), "the token leaked: {stderr}");
        assert_eq!(server.count("startCall"), 1, "{fault:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_retries_reads_unless_told_not_to() {
    let server = FaultServer::start(Plan::first(2, Fault::ResetBeforeReply)).await;
    let (code, stdout, stderr) = uscall(&server.url, &["get-extens"]).await;
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("Financeiro"), "{stdout}");
    assert_eq!(server.count("getExtens"), 3);

    let server = FaultServer::start(Plan::first(2, Fault::Html502)).await;
    let (code, _, stderr) = uscall(&server.url, &["--retries", "0", "get-extens"]).await;
    assert_eq!(code, 4, "{stderr}");
    assert!(stderr.contains("HTTP 502"), "{stderr}");
    assert_eq!(server.count("getExtens"), 1);

    let server = FaultServer::start(Plan::always(Fault::Stall)).await;
    let started = Instant::now();
    let (code, _, stderr) = uscall(&server.url, &["--retries", "1", "get-extens"]).await;
    assert_eq!(code, 5, "{stderr}");
    assert!(stderr.contains("within the time limit"), "{stderr}");
    assert_eq!(server.count("getExtens"), 2);
    // Two attempts of one second, a back-off pause, and the binary's start-up.
    assert!(started.elapsed() < Duration::from_secs(2) + MARGIN);
}
