//! The response corpus: malformed and surprising answers, served byte for byte, and what uscall
//! makes of each (tests/corpus/expected.json); plus answers too big to keep as files.
//!
//! Each `tests/corpus/NN-name.http` is a whole HTTP/1.1 response. A small server on 127.0.0.1
//! sends it verbatim to every connection, and the client's typed outcome must match the manifest:
//! the JSON it read, or the error variant and a piece of its message. The files are written by
//! `tests/corpus/generate.py`, which also documents the manifest's keys.

use serde_json::Value;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use uscall_client::enums::StartCallTipo;
use uscall_client::{Client, Error, Retries};

const TOKEN: &str = "corpus-token";

fn corpus_dir() -> PathBuf {
    uscall_tests::repo_root().join("tests/corpus")
}

/// Serves `reply` verbatim to every connection, after reading the request, then closes.
async fn serve(reply: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/aplicativos/webservice/wsuscall.php",
        listener.local_addr().unwrap()
    );
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let reply = reply.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 8192];
                // The request is small: read its head and its Content-Length of body.
                loop {
                    let Ok(n) = sock.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    request.extend_from_slice(&buf[..n]);
                    if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
                        let length: usize = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse().ok())
                            .unwrap_or(0);
                        if request.len() >= end + 4 + length {
                            break;
                        }
                    }
                }
                // The client may hang up early (a refused answer); that is not an error here.
                let _ = sock.write_all(&reply).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    url
}

fn client(url: &str, max_response_bytes: Option<usize>) -> Client {
    let mut builder = Client::builder(url)
        .token(TOKEN)
        .timeout(Duration::from_secs(20))
        .retries(Retries::NONE);
    if let Some(limit) = max_response_bytes {
        builder = builder.max_response_bytes(limit);
    }
    builder.build().unwrap()
}

/// The variant's name, as the manifest spells it.
fn variant(error: &Error) -> &'static str {
    match error {
        Error::Http { .. } => "Http",
        Error::Fault { .. } => "Fault",
        Error::Malformed { .. } => "Malformed",
        Error::Json { .. } => "Json",
        Error::Row(_) => "Row",
        Error::Service { .. } => "Service",
        Error::Transport { .. } => "Transport",
        Error::Timeout { .. } => "Timeout",
        Error::TooLarge { .. } => "TooLarge",
        _ => "other",
    }
}

/// Calls getAgent against `url`: the raw layer gives `retorno`, the typed one the strict rows.
async fn outcome(url: &str, typed: bool, limit: Option<usize>) -> Result<Value, Error> {
    let client = client(url, limit);
    if typed {
        let rows = client.get_agent().await?.strict()?;
        Ok(serde_json::to_value(rows).unwrap())
    } else {
        let response = client.raw().get_agent().await?;
        Ok(response.retorno().cloned().unwrap_or(Value::Null))
    }
}

/// Checks one case; `Err` says how the outcome differs from the manifest.
async fn check(file: &str, expect: &Value) -> Result<(), String> {
    let raw = std::fs::read(corpus_dir().join(file)).map_err(|e| format!("cannot read: {e}"))?;
    let url = serve(raw).await;
    let typed = expect["call"] == "typed";
    let limit = expect["max_response_bytes"].as_u64().map(|n| n as usize);
    let started = Instant::now();
    let got = outcome(&url, typed, limit).await;
    if started.elapsed() > Duration::from_secs(10) {
        return Err(format!("took {:?}", started.elapsed()));
    }
    match (&got, expect.get("ok"), expect["error"].as_str()) {
        (Ok(value), Some(want), _) if value == want => Ok(()),
        (Err(e), None, Some(want)) => {
            let message = e.to_string();
            let contains = expect["contains"].as_str().unwrap_or_default();
            if variant(e) != want {
                Err(format!("expected {want}, got {}: {message}", variant(e)))
            } else if !message.contains(contains) {
                Err(format!("message {message:?} does not contain {contains:?}"))
            } else if message.contains(TOKEN) {
                Err(format!("message {message:?} shows the token"))
            } else {
                Ok(())
            }
        }
        (Ok(value), _, _) => Err(format!("unexpected answer {value}")),
        (Err(e), _, _) => Err(format!("unexpected error {}: {e}", variant(e))),
    }
}

fn manifest() -> serde_json::Map<String, Value> {
    let path = corpus_dir().join("expected.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    match serde_json::from_str(&text) {
        Ok(Value::Object(map)) => map,
        other => panic!("{} is not a JSON object: {other:?}", path.display()),
    }
}

#[test]
fn every_file_has_an_expectation_and_every_expectation_a_file() {
    let manifest = manifest();
    let mut files: Vec<String> = std::fs::read_dir(corpus_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".http"))
        .collect();
    files.sort();
    let listed: Vec<String> = manifest.keys().cloned().collect();
    assert_eq!(files, listed, "tests/corpus and expected.json disagree");
    assert!(files.len() >= 30, "only {} cases", files.len());
    for (file, expect) in &manifest {
        let error = expect["error"].as_str();
        assert!(
            expect.get("ok").is_some() != error.is_some(),
            "{file}: give either `ok` or `error`"
        );
        assert!(
            error.is_none() || expect["contains"].as_str().is_some_and(|c| !c.is_empty()),
            "{file}: an `error` needs the text its message `contains`"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_corpus_answer_gives_its_expected_outcome() {
    let mut failures = Vec::new();
    for (file, expect) in manifest() {
        if let Err(why) = check(&file, &expect).await {
            failures.push(format!("{file}: {why}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// startCall answered with getAgent's answer (a proxy or pooled connection mixing up calls): the
/// request reached the PBX, which may have dialled, so the outcome is unknown, not a success,
/// and the unreadable answer underneath says why.
#[tokio::test(flavor = "multi_thread")]
async fn start_call_answered_with_another_operations_response_is_outcome_unknown() {
    let json = r#"{"retorno":[{"agente":"600","nome":"Ana"}]}"#.replace('"', "&quot;");
    let body = uscall_client::fuzzing::nusoap_envelope("getAgent", json.as_bytes());
    let reply = uscall_tests::http_response("200 OK", "text/xml; charset=ISO-8859-1", &body);
    let (url, hits) = uscall_tests::canned(reply).await;
    let client = client(&url, None);
    let raw = client
        .raw()
        .start_call("outbound", "2001", "11999990000", "1")
        .await
        .map(|response| response.raw().to_owned());
    let typed = client
        .start_call(StartCallTipo::Outbound, "2001", "11999990000", "1")
        .await
        .map(|_| ());
    for err in [raw.unwrap_err(), typed.unwrap_err()] {
        let Error::OutcomeUnknown { operation, source } = &err else {
            panic!("expected OutcomeUnknown, got {err:?}");
        };
        assert_eq!(*operation, "startCall");
        assert!(matches!(**source, Error::Malformed { .. }), "{source:?}");
        let message = source.to_string();
        assert!(
            message.contains(
                "the Body holds <getAgentResponse> where startCall's answer is <startCallResponse>"
            ),
            "{message}"
        );
        assert!(err.to_string().contains("cdrSearch"), "{err}");
    }
    // Each call was sent once: an action is never retried.
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 2);
}

fn http(extra_headers: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\n{extra_headers}Connection: close\r\n\r\n"
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

fn chunked(body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for piece in body.chunks(64 * 1024) {
        out.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        out.extend_from_slice(piece);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// The process's peak resident memory (VmHWM), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

const MIB: usize = 1024 * 1024;

#[tokio::test(flavor = "multi_thread")]
async fn answers_over_the_limit_are_refused_quickly_with_bounded_memory() {
    let big = vec![b'x'; 5 * MIB];
    // Announced in Content-Length: refused before reading the body.
    let url = serve(http(&format!("Content-Length: {}\r\n", big.len()), &big)).await;
    let started = Instant::now();
    let err = client(&url, Some(MIB)).raw().get_agent().await.unwrap_err();
    assert!(
        matches!(err, Error::TooLarge { limit, content_length: Some(n), .. } if limit == MIB && n == 5 * MIB as u64),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "getAgent: the answer is larger than the limit of 1048576 bytes (Content-Length: 5242880); raise it with ClientBuilder::max_response_bytes"
    );
    // Chunked: refused once the limit is crossed while reading.
    let url = serve(http("Transfer-Encoding: chunked\r\n", &chunked(&big))).await;
    let err = client(&url, Some(MIB)).raw().get_agent().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::TooLarge {
                content_length: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
}

/// Writes bits LSB first, as DEFLATE packs them.
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    len: u32,
}

impl Bits {
    fn put(&mut self, value: u64, count: u32) {
        self.acc |= value << self.len;
        self.len += count;
        while self.len >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.len -= 8;
        }
    }

    /// A Huffman code, which DEFLATE packs most significant bit first.
    fn code(&mut self, code: u64, count: u32) {
        let reversed = code.reverse_bits() >> (64 - count);
        self.put(reversed, count);
    }
}

/// A gzip stream of `matches * 258 + 1` zero bytes: one fixed-Huffman block of a literal 0 and
/// `matches` copies of "258 bytes at distance 1", 13 bits each (about 160 to 1). The trailer's
/// CRC is not computed: a client that honours its limit never gets that far.
fn gzip_bomb(matches: usize) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.put(1, 1); // BFINAL
    bits.put(1, 2); // BTYPE 01, fixed Huffman codes
    bits.code(0x30, 8); // literal 0
    for _ in 0..matches {
        bits.code(0b1100_0101, 8); // length code 285: 258 bytes
        bits.code(0, 5); // distance code 0: distance 1
    }
    bits.code(0, 7); // end of block
    bits.put(0, 7); // pad to a byte
    let size = (matches * 258 + 1) as u32;
    let mut gzip = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    gzip.extend_from_slice(&bits.out);
    gzip.extend_from_slice(&[0, 0, 0, 0]);
    gzip.extend_from_slice(&size.to_le_bytes());
    gzip
}

#[tokio::test(flavor = "multi_thread")]
async fn a_gzip_bomb_is_stopped_at_the_limit() {
    // 1 GiB of zeros in about 6.5 MiB: the decompressed size counts against the limit.
    let bomb = gzip_bomb(1024 * MIB / 258);
    let url = serve(http(
        &format!(
            "Content-Encoding: gzip\r\nContent-Length: {}\r\n",
            bomb.len()
        ),
        &bomb,
    ))
    .await;
    let before = peak_rss();
    let started = Instant::now();
    let err = client(&url, Some(MIB)).raw().get_agent().await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        matches!(err, Error::TooLarge { limit, content_length: None, .. } if limit == MIB),
        "{err:?}"
    );
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    let grown = peak_rss().saturating_sub(before);
    assert!(
        grown < 128 * MIB as u64,
        "peak memory grew by {} MiB reading a gzip bomb",
        grown / MIB as u64
    );
    // The same construction, small, does decompress: the refusal above is the limit's doing.
    let small = gzip_bomb(4);
    let url = serve(http(
        &format!(
            "Content-Encoding: gzip\r\nContent-Length: {}\r\n",
            small.len()
        ),
        &small,
    ))
    .await;
    let err = client(&url, Some(2 * 258))
        .raw()
        .get_agent()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }), "{err:?}");
    let err = client(&url, None).raw().get_agent().await.unwrap_err();
    assert!(err.to_string().contains("does not decompress"), "{err}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_huge_string_is_read_whole() {
    // A return part of 8 MiB, with entities spread through it.
    let value = "São Paulo & ".repeat(8 * MIB / 13);
    let json = serde_json::to_string(&serde_json::json!({ "retorno": value })).unwrap();
    let escaped = json
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    let body = format!(
        "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"><SOAP-ENV:Body><ns1:getAgentResponse xmlns:ns1=\"urn:wsuscall\"><return>{escaped}</return></ns1:getAgentResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    );
    let url = serve(http(
        &format!("Content-Length: {}\r\n", body.len()),
        body.as_bytes(),
    ))
    .await;
    let response = client(&url, None).raw().get_agent().await.unwrap();
    assert_eq!(
        response.retorno().and_then(Value::as_str),
        Some(value.as_str())
    );
}
