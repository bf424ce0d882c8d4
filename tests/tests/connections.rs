//! uscall's own HTTP/1.1 connections (uscall-client/src/http/own) against a keep-alive server on
//! 127.0.0.1 that counts connections and requests: calls share connections, calls in flight take
//! one each and give them back, a connection the server closed while idle is not used (and an
//! action on the next one still goes out once), the endpoint's credentials go as Basic
//! authentication, and gzip is asked for; and the environment's proxy takes the calls to
//! reqwest, `NO_PROXY` honoured.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use uscall_client::{Client, Retries};
use uscall_tests::{loopback, nusoap_ok_body, read_request, soap_operation};

/// What the server saw.
#[derive(Default)]
struct Seen {
    connections: AtomicUsize,
    /// Every request's head, in order.
    heads: Mutex<Vec<String>>,
}

impl Seen {
    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    fn operations(&self) -> Vec<String> {
        let heads = self.heads.lock().unwrap();
        heads.iter().map(|h| soap_operation(h)).collect()
    }
}

/// A server that keeps connections open between answers (Content-Length, no `Connection:
/// close`), as Apache in front of NuSOAP does, or closes each one after its first answer
/// without saying so (`close_when_idle`), as a server whose keep-alive timeout ran out does.
async fn server(close_when_idle: bool) -> (String, Arc<Seen>) {
    let (listener, url) = loopback().await;
    let seen = Arc::new(Seen::default());
    let counts = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            counts.connections.fetch_add(1, Ordering::SeqCst);
            let seen = counts.clone();
            tokio::spawn(async move {
                while let Some((head, _)) = read_request(&mut sock).await {
                    let body = nusoap_ok_body(&soap_operation(&head));
                    seen.heads.lock().unwrap().push(head);
                    let mut answer = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=ISO-8859-1\r\nContent-Length: {}\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    answer.extend_from_slice(&body);
                    if sock.write_all(&answer).await.is_err() || close_when_idle {
                        return;
                    }
                }
            });
        }
    });
    (url, seen)
}

fn client(url: &str) -> Client {
    Client::builder(url)
        .token("t0k3n")
        .timeout(Duration::from_secs(10))
        .retries(Retries::NONE)
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sequential_calls_share_one_connection() {
    let (url, seen) = server(false).await;
    let client = client(&url);
    for _ in 0..50 {
        assert_eq!(client.get_extens().await.unwrap().len(), 2);
    }
    assert_eq!(seen.operations().len(), 50);
    assert_eq!(seen.connections(), 1, "sequential calls reconnected");
}

#[tokio::test(flavor = "current_thread")]
async fn sequential_calls_share_one_connection_on_a_current_thread_runtime() {
    let (url, seen) = server(false).await;
    let client = client(&url);
    for _ in 0..50 {
        client.get_extens().await.unwrap();
    }
    assert_eq!(seen.connections(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_in_flight_take_a_connection_each_and_give_them_back() {
    let (url, seen) = server(false).await;
    let client = client(&url);
    for round in 1..=3 {
        let mut calls = tokio::task::JoinSet::new();
        for _ in 0..16 {
            let client = client.clone();
            calls.spawn(async move { client.get_extens().await });
        }
        while let Some(done) = calls.join_next().await {
            assert_eq!(done.unwrap().unwrap().len(), 2);
        }
        assert_eq!(seen.operations().len(), 16 * round);
        assert!(
            seen.connections() <= 16,
            "round {round}: {} connections for 16 calls in flight",
            seen.connections()
        );
    }
}

#[tokio::test]
async fn a_connection_closed_while_idle_is_not_used_and_an_action_goes_out_once() {
    let (url, seen) = server(true).await;
    let client = client(&url);
    client.get_extens().await.unwrap();
    // The server has closed; the pooled connection must be seen as closed, not written to.
    tokio::time::sleep(Duration::from_millis(100)).await;
    client.hangup_call("2001").await.unwrap();
    client.get_extens().await.unwrap();
    assert_eq!(
        seen.operations(),
        ["getExtens", "hangupCall", "getExtens"],
        "each request once, in order"
    );
    assert_eq!(seen.connections(), 3);
}

#[tokio::test]
async fn credentials_in_the_url_go_as_basic_authentication_and_gzip_is_asked_for() {
    use base64::Engine;
    let (url, seen) = server(false).await;
    let with_credentials = url.replacen("http://", "http://us%40er:p%3Ass%C3%A9@", 1);
    let client = client(&with_credentials);
    client.get_extens().await.unwrap();
    let head = seen.heads.lock().unwrap()[0].clone();
    let expected = base64::engine::general_purpose::STANDARD.encode("us@er:p:ssé");
    assert_eq!(
        uscall_tests::header(&head, "authorization"),
        Some(format!("Basic {expected}").as_str()),
        "{head}"
    );
    assert_eq!(uscall_tests::header(&head, "accept-encoding"), Some("gzip"));
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    assert_eq!(uscall_tests::header(&head, "host"), Some(host));
    // The password stays out of what the client shows.
    assert!(!format!("{client:?}").contains("p%3Ass"), "{client:?}");
}

/// The environment's proxy carries the calls (as reqwest reads `HTTP_PROXY` and `NO_PROXY`),
/// also for an endpoint URL with credentials; a host in `NO_PROXY` goes straight.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_environments_proxy_carries_the_calls() {
    let (proxy, seen) = server(false).await;
    let out = uscall_through(
        &proxy,
        "http://crm:s3cret@pbx.invalid/aplicativos/webservice/wsuscall.php",
        "",
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let head = seen.heads.lock().unwrap()[0].clone();
    assert!(
        head.starts_with("POST http://pbx.invalid/aplicativos/webservice/wsuscall.php HTTP/1.1"),
        "{head}"
    );
    // NO_PROXY names the host: straight to it (nothing listens there, so it fails to connect,
    // and the proxy sees nothing more).
    let out = uscall_through(
        &proxy,
        "http://127.0.0.1:9/aplicativos/webservice/wsuscall.php",
        "127.0.0.1",
    )
    .await;
    assert!(!out.status.success());
    assert_eq!(seen.operations().len(), 1, "NO_PROXY was not honoured");
}

/// `uscall get-extens` against `url`, with `proxy` as the environment's HTTP proxy (run on a
/// blocking thread, so the test's server goes on answering).
async fn uscall_through(proxy: &str, url: &str, no_proxy: &str) -> std::process::Output {
    let mut cmd = std::process::Command::new(uscall_tests::uscall_bin());
    cmd.args(["--url", url, "--token", "t0k3n", "--retries", "0"])
        .args(["get-extens", "--format", "jsonl"])
        .env_remove("USCALL_URL")
        .env_remove("USCALL_TOKEN")
        .env_remove("ALL_PROXY")
        .env_remove("all_proxy")
        .env("HTTP_PROXY", proxy)
        .env("http_proxy", proxy)
        .env("NO_PROXY", no_proxy)
        .env("no_proxy", no_proxy);
    tokio::task::spawn_blocking(move || cmd.output().expect("running uscall"))
        .await
        .unwrap()
}
