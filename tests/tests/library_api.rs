//! The library's API as an application uses it: builder settings that fail are reported by
//! `build()`, a proxy and an own HTTP client carry calls, errors say what they are, and `Rows`
//! can be made for fakes.

use tokio::io::AsyncWriteExt;
use uscall_client::models::{Extension, RowError, Rows};
use uscall_client::{Client, Error};
use uscall_tests::{TOKEN, http_response, read_request};

const ANSWER: &str = r#"<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><ns1:getExtensResponse xmlns:ns1="urn:wsuscall"><return>{"retorno":[]}</return></ns1:getExtensResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"#;

/// A server answering one request with [`ANSWER`]; gives its address and the request head.
async fn serve_once() -> (String, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let task = tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let (head, _) = read_request(&mut sock).await.unwrap();
        let reply = http_response("200 OK", "text/xml; charset=utf-8", ANSWER.as_bytes());
        sock.write_all(&reply).await.unwrap();
        head
    });
    (addr, task)
}

#[test]
fn settings_that_cannot_be_taken_are_reported_by_build() {
    let config = |builder: uscall_client::ClientBuilder| match builder.build() {
        Err(Error::Config(message)) => message,
        other => panic!("expected Error::Config, got {other:?}"),
    };
    let message = config(
        Client::builder("https://pbx.example")
            .token(TOKEN)
            .ca_cert_file("/nonexistent/ca.pem"),
    );
    assert!(
        message.contains("cannot read CA certificate /nonexistent/ca.pem"),
        "{message}"
    );
    let message = config(Client::builder("https://pbx.example").pin_sha256("00:11"));
    assert!(message.contains("64 hex digits"), "{message}");
    // Both at once: both are said.
    let message = config(
        Client::builder("https://pbx.example")
            .pin_sha256("zz")
            .ca_cert_file("/nonexistent/ca.pem"),
    );
    assert!(
        message.contains("hex") && message.contains("ca.pem"),
        "{message}"
    );
    // An http endpoint makes no TLS connection, and still refuses TLS options that cannot be
    // taken: a CA that holds no certificate, pins beside switching verification off.
    for url in ["http://pbx.example", "https://pbx.example"] {
        let message = config(Client::builder(url).ca_cert_pem("not a certificate"));
        assert!(message.contains("no PEM certificate"), "{url}: {message}");
        let message = config(
            Client::builder(url)
                .pin_sha256(&"00".repeat(32))
                .danger_accept_invalid_certs(true),
        );
        assert!(message.contains("contradict"), "{url}: {message}");
    }
    let message = config(Client::builder("https://pbx.example").proxy("http://user:s3cret@[::1"));
    assert!(message.starts_with("proxy "), "{message}");
    assert!(!message.contains("s3cret"), "{message}");
    // An own HTTP client carries its own TLS and proxy: the builder's are refused beside it.
    uscall_client::install_crypto_provider();
    let own = uscall_client::reqwest::Client::new();
    let message = config(
        Client::builder("https://pbx.example")
            .http_client(own)
            .pin_sha256(&"00".repeat(32)),
    );
    assert!(message.contains("own HTTP client"), "{message}");
}

#[tokio::test]
async fn a_proxy_carries_the_calls() {
    // The "proxy" is the server itself: a request through a proxy names the absolute URL.
    let (proxy, served) = serve_once().await;
    let client = Client::builder("http://pbx.invalid/aplicativos/webservice/wsuscall.php")
        .token(TOKEN)
        .proxy(format!("http://{proxy}"))
        .build()
        .unwrap();
    let rows = client.get_extens().await.unwrap();
    assert!(rows.is_empty());
    let head = served.await.unwrap();
    assert!(
        head.starts_with("POST http://pbx.invalid/aplicativos/webservice/wsuscall.php HTTP/1.1"),
        "{head}"
    );
}

#[tokio::test]
async fn an_own_http_client_carries_the_calls() {
    let (addr, served) = serve_once().await;
    uscall_client::install_crypto_provider();
    let own = uscall_client::reqwest::Client::builder()
        .user_agent("my-crm/2.0")
        .redirect(uscall_client::reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let client = Client::builder(&format!("http://{addr}/"))
        .token(TOKEN)
        .http_client(own)
        .build()
        .unwrap();
    client.get_extens().await.unwrap();
    let head = served.await.unwrap().to_lowercase();
    assert!(head.contains("user-agent: my-crm/2.0"), "{head}");
}

#[tokio::test]
async fn errors_say_what_they_are() {
    // Nothing listens: a connection failure, which a read may retry and an action did not do.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder(&format!("http://127.0.0.1:{port}/"))
        .token(TOKEN)
        .retries(uscall_client::Retries {
            max: 0,
            ..uscall_client::Retries::default()
        })
        .build()
        .unwrap();
    let error = client.get_extens().await.unwrap_err();
    assert!(error.is_connect() && error.is_retryable(), "{error:?}");
    assert!(
        !error.is_timeout() && !error.is_outcome_unknown(),
        "{error:?}"
    );
    // The source is this crate's own type, not the HTTP client's.
    let Error::Transport { source, .. } = &error else {
        panic!("{error:?}");
    };
    let _: &uscall_client::HttpError = source;
    assert!(source.is_connect());

    // An action that times out after its request left: outcome unknown, never retryable.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let hold = tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let _ = read_request(&mut sock).await;
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    });
    let client = Client::builder(&format!("http://{addr}/"))
        .token(TOKEN)
        .timeout(std::time::Duration::from_millis(300))
        .build()
        .unwrap();
    let error = client.raw().hangup_call("2001").await.unwrap_err();
    assert!(
        error.is_outcome_unknown() && error.is_timeout(),
        "{error:?}"
    );
    assert!(!error.is_retryable(), "{error:?}");
    hold.abort();
}

#[test]
fn rows_can_be_made_for_fakes() {
    let error = RowError {
        operation: "getExtens",
        row: 1,
        key: Some("2001".into()),
        field: Some("numero".into()),
        raw: "x".into(),
        message: "not a number".into(),
    };
    let rows: Rows<Extension> = Rows::new("getExtens", Vec::new(), vec![error.clone()]);
    assert_eq!(rows.operation(), "getExtens");
    assert!(rows.is_empty());
    assert_eq!(rows.errors(), [error]);
}
