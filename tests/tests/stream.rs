//! Rows as they arrive (`.stream()`, `Client::call_rows`) against the simulator and a server
//! that holds its answer back: the same rows as `.await`, rows before the body ends, one bad row
//! among good ones, refusals and faults, a body cut after rows (an error, never retried), the
//! token redacted, and streams that are `Send + 'static`.

use serde_json::{Value, json};
use std::sync::Arc;
use tokio::io::AsyncWriteExt;
use uscall_client::models::Cdr;
use uscall_client::typed::{RawItem, RowStream};
use uscall_client::{Client, Error, Retries};
use uscall_mock::{Pbx, Reply};

/// `n` call records as the PBX lists them, each with its own `idcti`.
fn cdr_rows(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({
                "bilheteunico": format!("1748867415.{i}"),
                "audio": "",
                "datahora": "2025-06-02 09:30:15",
                "tipo": "Recebida",
                "origem": "11987654321",
                "destino": "2001",
                "tronco": "SIP/operadora",
                "espera": "00:00:04",
                "duracao": "00:01:05",
                "status": "ATENDIDA",
                "idcti": format!("crm-{i}"),
            })
        })
        .collect()
}

async fn pbx_answering(rows: Vec<Value>) -> Pbx {
    let pbx = Pbx::start().await.unwrap();
    pbx.on("cdrSearch")
        .reply(Reply::Retorno(Value::Array(rows)));
    pbx
}

#[tokio::test]
async fn a_stream_gives_the_rows_await_gives() {
    let pbx = pbx_answering(cdr_rows(3000)).await;
    let client = pbx.client();
    let awaited = client.cdr_search().await.unwrap();
    let streamed = client.cdr_search().stream().collect_rows().await.unwrap();
    assert_eq!(awaited.len(), 3000);
    assert_eq!(streamed, awaited);
    // Through `Stream` too.
    let mut stream = client.cdr_search().stream();
    let mut n = 0;
    while let Some(row) = std::future::poll_fn(|cx| {
        futures_core::Stream::poll_next(std::pin::Pin::new(&mut stream), cx)
    })
    .await
    {
        assert_eq!(
            row.unwrap().idcti.as_deref(),
            Some(format!("crm-{n}").as_str())
        );
        n += 1;
    }
    assert_eq!(n, 3000);
}

#[tokio::test]
async fn every_list_operation_streams_what_it_awaits() {
    // The seeded company: lists, a keyed object (extenStatus, read whole), empty lists.
    let pbx = Pbx::start().await.unwrap();
    let c = pbx.client();
    macro_rules! same {
        ($($req:expr),+ $(,)?) => {$(
            let awaited = $req.await.unwrap();
            let streamed = $req.stream().collect_rows().await.unwrap();
            assert_eq!(streamed, awaited, "{}", stringify!($req));
        )+};
    }
    same!(
        c.get_agent(),
        c.agent_status(),
        c.get_pauses(),
        c.get_extens(),
        c.exten_status(),
        c.get_queue(),
        c.queue_status(),
        c.list_trunk(),
        c.list_ura(),
        c.cdr_search(),
        c.cdr_tariff(),
        c.cdr_ura(),
    );
}

#[tokio::test]
async fn a_bad_row_is_one_error_and_the_others_follow() {
    let mut rows = cdr_rows(5);
    rows[2]["datahora"] = json!("ontem");
    let pbx = pbx_answering(rows).await;
    let mut stream = pbx.client().cdr_search().stream();
    let mut seen = Vec::new();
    while let Some(item) = stream.next().await {
        seen.push(match item {
            Ok(cdr) => cdr.bilheteunico,
            Err(Error::Row(e)) => {
                assert_eq!((e.row, e.field.as_deref()), (2, Some("datahora")));
                "bad".into()
            }
            Err(e) => panic!("{e}"),
        });
    }
    assert_eq!(
        seen,
        [
            "1748867415.0",
            "1748867415.1",
            "bad",
            "1748867415.3",
            "1748867415.4"
        ]
    );
}

#[tokio::test]
async fn refusals_faults_and_retried_failures() {
    let pbx = Pbx::start().await.unwrap();
    let client = pbx.client();
    pbx.on("cdrSearch")
        .times(1)
        .reply(Reply::refusal("Token inválido"));
    let items = all(client.cdr_search().stream()).await;
    assert!(
        matches!(items[..], [Err(Error::Service { .. })]),
        "{items:?}"
    );

    pbx.on("cdrSearch").times(1).reply(Reply::SoapFault {
        code: "SOAP-ENV:Server".into(),
        string: "falhou".into(),
        detail: String::new(),
    });
    let items = all(client.cdr_search().stream()).await;
    assert!(matches!(items[..], [Err(Error::Fault { .. })]), "{items:?}");

    // A failure before the first row is retried as any read is.
    pbx.on("cdrSearch").times(1).reply(Reply::Http500Html);
    pbx.clear_requests();
    let rows = client.cdr_search().stream().collect_rows().await.unwrap();
    assert_eq!(rows, client.cdr_search().await.unwrap());
    assert_eq!(
        count(&pbx, "cdrSearch"),
        3,
        "one retry, then the call for `.await`"
    );
}

#[tokio::test]
async fn a_body_cut_after_rows_ends_the_stream_and_is_not_retried() {
    let json = json!({ "retorno": cdr_rows(3000) }).to_string();
    let body = nusoap_body(&json);
    let (listener, url) = uscall_tests::loopback().await;
    let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            uscall_tests::read_request(&mut sock).await.unwrap();
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=ISO-8859-1\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            sock.write_all(head.as_bytes()).await.unwrap();
            // Most of the body, then the connection closes.
            sock.write_all(&body[..body.len() * 3 / 5]).await.unwrap();
        }
    });
    let client = Client::builder(&url).token("tok").build().unwrap();
    let items = all(client.cdr_search().stream()).await;
    let (last, good) = items.split_last().unwrap();
    assert!(
        matches!(last, Err(Error::Transport { .. } | Error::Malformed { .. })),
        "{last:?}"
    );
    assert!(
        good.len() > 1000 && good.iter().all(Result::is_ok),
        "{}",
        good.len()
    );
    assert_eq!(
        hits.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "nothing is retried once rows are out"
    );
    // Before any row is out, the same cut is retried as any read is, then fails whole.
    let short = nusoap_body(&json!({ "retorno": cdr_rows(2) }).to_string());
    let (url, hits) = uscall_tests::canned(cut(&short)).await;
    let client = Client::builder(&url).token("tok").build().unwrap();
    let items = all(client.cdr_search().stream()).await;
    assert!(matches!(items[..], [Err(_)]), "{items:?}");
    assert!(
        hits.load(std::sync::atomic::Ordering::SeqCst) > 1,
        "retried"
    );
}

/// An HTTP answer whose body stops inside its first row.
fn cut(body: &[u8]) -> Vec<u8> {
    let first_row = body.windows(5).position(|w| w == b"crm-0").unwrap();
    let mut reply = uscall_tests::http_response("200 OK", "text/xml; charset=ISO-8859-1", body);
    reply.truncate(reply.len() - body.len() + first_row);
    reply
}

async fn all<T>(mut stream: RowStream<T>) -> Vec<Result<T, Error>>
where
    RowStream<T>: futures_core::Stream<Item = Result<T, Error>>,
{
    let mut items = Vec::new();
    while let Some(item) = std::future::poll_fn(|cx| {
        futures_core::Stream::poll_next(std::pin::Pin::new(&mut stream), cx)
    })
    .await
    {
        items.push(item);
    }
    items
}

fn count(pbx: &Pbx, operation: &str) -> usize {
    pbx.requests()
        .iter()
        .filter(|r| r.operation == operation)
        .count()
}

/// NuSOAP's answer to cdrSearch around `json`, escaped as NuSOAP escapes it.
fn nusoap_body(json: &str) -> Vec<u8> {
    let escaped = json
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    uscall_client::fuzzing::nusoap_envelope("cdrSearch", escaped.as_bytes())
}

#[tokio::test]
async fn rows_come_before_the_body_ends() {
    let json = json!({ "retorno": cdr_rows(2000) }).to_string();
    let body = nusoap_body(&json);
    let (listener, url) = uscall_tests::loopback().await;
    let release = Arc::new(tokio::sync::Notify::new());
    let hold = release.clone();
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        uscall_tests::read_request(&mut sock).await.unwrap();
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=ISO-8859-1\r\nContent-Length: {}\r\n\r\n",
            body.len()
        );
        sock.write_all(head.as_bytes()).await.unwrap();
        let half = body.len() / 2;
        sock.write_all(&body[..half]).await.unwrap();
        sock.flush().await.unwrap();
        // The rest only once the client has a row: it must not wait for the whole body.
        hold.notified().await;
        sock.write_all(&body[half..]).await.unwrap();
    });
    let client = Client::builder(&url).token("tok").build().unwrap();
    let mut stream = client.cdr_search().stream();
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), stream.next())
        .await
        .expect("a row before the body ended")
        .unwrap()
        .unwrap();
    assert_eq!(first.bilheteunico, "1748867415.0");
    release.notify_one();
    let rest = stream.collect_rows().await.unwrap();
    assert_eq!(rest.len(), 1999);
    assert!(rest.is_complete());
}

#[tokio::test]
async fn the_token_is_redacted_from_rows_and_errors() {
    let pbx = Pbx::start().await.unwrap();
    let token = pbx.token();
    let mut rows = cdr_rows(3);
    rows[1]["idcti"] = json!(format!("echo {token}"));
    rows[2]["datahora"] = json!(format!("{token}"));
    pbx.on("cdrSearch")
        .reply(Reply::Retorno(Value::Array(rows)));
    let client = pbx.client();
    let op = Client::operation("cdrSearch").unwrap();
    let args = vec![None; op.params.len()];
    let mut raw = client.call_rows(op, args);
    let mut printed = Vec::new();
    while let Some(item) = raw.next().await {
        match item.unwrap() {
            RawItem::Row(row) => {
                row.write_json(&mut printed, true, 2).unwrap();
                let value = row.to_redacted_value().to_string();
                assert!(!value.contains(&token), "{value}");
                assert!(!format!("{row:?}").contains(&token));
            }
            RawItem::Whole(answer) => panic!("a list read whole: {answer:?}"),
        }
    }
    let printed = String::from_utf8(printed).unwrap();
    assert!(printed.contains("echo <redacted>"), "{printed}");
    assert!(!printed.contains(&token));
    for item in all(client.cdr_search().stream()).await {
        if let Err(e) = item {
            assert!(matches!(e, Error::Row(_)));
            assert!(!e.to_string().contains(&token), "{e}");
            assert!(!format!("{e:?}").contains(&token));
        }
    }
}

#[tokio::test]
async fn a_row_that_is_not_json_ends_a_raw_stream_read_either_way() {
    // The second row is not JSON (a bare word where a value goes, the token in it); the token
    // has a real PBX token's shape (md5-crypt).
    let token = "$1$Qx7vT2mP$9aLk3JdZr0WcYpN4sHbE1.";
    let json = format!(r#"{{"retorno":[{{"a":"1"}},{{"a":x{token}}},{{"a":"3"}}]}}"#);
    let body = uscall_tests::http_response(
        "200 OK",
        "text/xml; charset=ISO-8859-1",
        &nusoap_body(&json),
    );
    let (url, _) = uscall_tests::canned(body).await;
    let client = Client::builder(&url).token(token).build().unwrap();
    let op = Client::operation("cdrSearch").unwrap();
    let mut messages = Vec::new();
    for flattened in [false, true] {
        let mut raw = client.call_rows(op, vec![None; op.params.len()]);
        if flattened {
            raw = raw.flattened();
        }
        let first = match raw.next().await {
            Some(Ok(RawItem::Row(row))) => row,
            other => panic!("{other:?}"),
        };
        assert_eq!(first.flat().get("a"), Some("1"));
        let err = match raw.next().await {
            Some(Err(e)) => e,
            other => panic!("flattened {flattened}: {other:?}"),
        };
        assert!(matches!(err, Error::Json { .. }), "{err:?}");
        assert!(!format!("{err:?}").contains(token), "{err:?}");
        assert!(raw.next().await.is_none(), "rows after the error");
        messages.push(err.to_string());
    }
    assert_eq!(messages[0], messages[1]);
}

#[test]
fn streams_are_send_and_static() {
    fn send_static<T: Send + 'static>(_: &T) {}
    let client = Client::builder("http://127.0.0.1:9/")
        .token("t")
        .retries(Retries::NONE)
        .build()
        .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let stream = client.cdr_search().stream();
        send_static(&stream);
        let op = Client::operation("getExtens").unwrap();
        send_static(&client.call_rows(op, vec![None; op.params.len()]));
        // Nothing listens on port 9: the only item is the transport error.
        let items = all::<Cdr>(stream).await;
        assert!(
            matches!(items[..], [Err(Error::Transport { .. })]),
            "{items:?}"
        );
    });
}

#[tokio::test]
async fn windows_stream_one_after_the_other_and_a_failed_window_does_not_stop_the_walk() {
    use uscall_client::jiff::{self, ToSpan};
    let pbx = Pbx::start().await.unwrap();
    pbx.on("cdrSearch")
        .times(1)
        .reply(Reply::refusal("Token inválido"));
    pbx.on("cdrSearch")
        .reply(Reply::Retorno(Value::Array(cdr_rows(2))));
    let client = pbx.client();
    let from = jiff::civil::date(2025, 6, 1).at(0, 0, 0, 0);
    let to = jiff::civil::date(2025, 6, 3).at(23, 59, 59, 0);
    let mut rows = client.cdr_search_windows(from, to, 1.day()).stream();
    let mut seen = Vec::new();
    while let Some(item) = rows.next().await {
        seen.push(match item {
            Ok(cdr) => cdr.bilheteunico,
            Err(Error::Service { .. }) => format!("refused {:?}", rows.last_window().unwrap().0),
            Err(e) => panic!("{e}"),
        });
    }
    assert_eq!(
        seen,
        [
            "refused 2025-06-01T00:00:00",
            "1748867415.0",
            "1748867415.1",
            "1748867415.0",
            "1748867415.1"
        ]
    );
    let sent: Vec<String> = pbx
        .requests()
        .iter()
        .filter_map(|r| r.part("dataini").map(str::to_owned))
        .collect();
    assert_eq!(
        sent,
        [
            "2025-06-01 00:00:00",
            "2025-06-02 00:00:00",
            "2025-06-03 00:00:00"
        ]
    );
}
