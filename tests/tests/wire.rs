//! Wire tests: the exact request bytes uscall sends, and how it reads answers byte for byte.
//!
//! A small HTTP server on 127.0.0.1 records each request and replies with the bytes a test
//! gives it, so that odd answers (a Fault inside a 200, a lying charset, an HTML error page) can
//! be produced exactly. Behaviour against the real PHP servers is in `servers_*.rs`.

use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use uscall_client::{Client, Error};

const TOKEN: &str = "$1$gcNiVTZp$5IqX.EhuJyLNG7pBc5o4..";

/// One recorded request: the header block (lower-cased names) and the body.
#[derive(Debug, Clone)]
struct Recorded {
    head: String,
    body: Vec<u8>,
}

impl Recorded {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }
}

/// Serves `reply` (a whole HTTP response, head and body) to every connection.
struct Canned {
    url: String,
    seen: Arc<Mutex<Vec<Recorded>>>,
}

async fn canned(reply: Vec<u8>) -> Canned {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/aplicativos/webservice/wsuscall.php",
        listener.local_addr().unwrap()
    );
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            let reply = reply.clone();
            let log = log.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                let head_end = loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                let len: usize = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse().unwrap())
                    })
                    .unwrap_or(0);
                while buf.len() < head_end + len {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                log.lock().unwrap().push(Recorded {
                    head,
                    body: buf[head_end..].to_vec(),
                });
                let _ = sock.write_all(&reply).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    Canned { url, seen }
}

use uscall_tests::http_response as http;

/// A NuSOAP-shaped answer to `operation` whose `return` holds `escaped` (already XML-escaped).
fn nusoap_answer(operation: &str, decl_encoding: &str, escaped: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"{decl_encoding}\"?><SOAP-ENV:Envelope SOAP-ENV:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\" xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:SOAP-ENC=\"http://schemas.xmlsoap.org/soap/encoding/\"><SOAP-ENV:Body><ns1:{operation}Response xmlns:ns1=\"urn:wsuscall\"><return xsi:type=\"xsd:string\">"
    )
    .into_bytes();
    out.extend_from_slice(escaped);
    out.extend_from_slice(
        format!("</return></ns1:{operation}Response></SOAP-ENV:Body></SOAP-ENV:Envelope>")
            .as_bytes(),
    );
    out
}

fn ok_answer() -> Vec<u8> {
    http(
        "200 OK",
        "text/xml; charset=ISO-8859-1",
        &nusoap_answer(
            "startCall",
            "ISO-8859-1",
            b"{&quot;retorno&quot;:&quot;ok&quot;}",
        ),
    )
}

#[tokio::test]
async fn start_call_sends_the_exact_envelope_and_headers() {
    let server = canned(ok_answer()).await;
    let client = Client::new(&server.url, TOKEN).unwrap();
    let answer = client
        .raw()
        .start_call("clicktocall", "1139952800", "2800", "1")
        .await
        .unwrap();
    assert_eq!(answer.json()["retorno"], "ok");
    let seen = server.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    let req = &seen[0];
    assert!(
        req.head
            .starts_with("POST /aplicativos/webservice/wsuscall.php HTTP/1.1\r\n"),
        "{}",
        req.head
    );
    assert_eq!(
        req.header("soapaction").as_deref(),
        Some("\"urn:wsuscall#startCall\"")
    );
    assert_eq!(
        req.header("content-type").as_deref(),
        Some("text/xml; charset=utf-8")
    );
    assert_eq!(
        String::from_utf8(req.body.clone()).unwrap(),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" \
         xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xmlns:SOAP-ENC=\"http://schemas.xmlsoap.org/soap/encoding/\" xmlns:ns1=\"urn:wsuscall\">\
         <SOAP-ENV:Body><ns1:startCall SOAP-ENV:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">\
         <token xsi:type=\"xsd:string\">$1$gcNiVTZp$5IqX.EhuJyLNG7pBc5o4..</token>\
         <tipo xsi:type=\"xsd:string\">clicktocall</tipo>\
         <origem xsi:type=\"xsd:string\">1139952800</origem>\
         <destino xsi:type=\"xsd:string\">2800</destino>\
         <categoria xsi:type=\"xsd:string\">1</categoria>\
         <idcti xsi:nil=\"true\"/>\
         </ns1:startCall></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    );
}

#[tokio::test]
async fn any_text_is_escaped_and_unusable_characters_are_refused_before_sending() {
    let server = canned(ok_answer()).await;
    let client = Client::new(&server.url, TOKEN).unwrap();
    client
        .raw()
        .start_call("outbound", "<2001>", "a&b ]]> \"q\" 'a' 😀 São\r\n", "1")
        .idcti("x")
        .await
        .unwrap();
    let body = String::from_utf8(server.seen.lock().unwrap()[0].body.clone()).unwrap();
    assert!(
        body.contains("<origem xsi:type=\"xsd:string\">&lt;2001&gt;</origem>"),
        "{body}"
    );
    assert!(
        body.contains("<destino xsi:type=\"xsd:string\">a&amp;b ]]&gt; &quot;q&quot; &apos;a&apos; 😀 São&#13;\n</destino>"),
        "{body}"
    );
    assert!(body.contains("<idcti xsi:type=\"xsd:string\">x</idcti>"));

    let err = client
        .raw()
        .start_call("outbound", "2001", "bell\u{7}", "1")
        .await
        .unwrap_err();
    match &err {
        Error::InvalidCharacter {
            operation,
            param,
            character,
            position,
        } => {
            assert_eq!(
                (*operation, *param, *character, *position),
                ("startCall", "destino", '\u{7}', 4)
            );
        }
        other => panic!("expected InvalidCharacter, got {other:?}"),
    }
    assert_eq!(
        err.to_string(),
        "startCall: parameter `destino` holds U+0007 at character 4, which XML 1.0 cannot carry"
    );
    assert_eq!(
        server.seen.lock().unwrap().len(),
        1,
        "nothing is sent for a refused value"
    );
}

/// Decodes one canned answer and returns the `retorno` text (or the error).
async fn retorno_of(reply: Vec<u8>) -> Result<String, Error> {
    let server = canned(reply).await;
    let client = Client::new(&server.url, TOKEN).unwrap();
    let answer = client.raw().get_agent().await?;
    Ok(answer.json()["retorno"]
        .as_str()
        .unwrap_or_default()
        .to_owned())
}

#[tokio::test]
async fn charsets_latin1_raw_utf8_in_latin1_bom_and_http_header() {
    let json_latin1 = b"{&quot;retorno&quot;:&quot;N\xc3O ATENDIDA&quot;}";
    let json_utf8 = "{&quot;retorno&quot;:&quot;NÃO ATENDIDA&quot;}".as_bytes();
    // Real ISO-8859-1 bytes, labelled so in the header and the declaration.
    let r = retorno_of(http(
        "200 OK",
        "text/xml; charset=ISO-8859-1",
        &nusoap_answer("getAgent", "ISO-8859-1", json_latin1),
    ))
    .await;
    assert_eq!(r.unwrap(), "NÃO ATENDIDA");
    // Raw UTF-8 bytes in a document labelled ISO-8859-1 (the NuSOAP habit).
    let r = retorno_of(http(
        "200 OK",
        "text/xml; charset=ISO-8859-1",
        &nusoap_answer("getAgent", "ISO-8859-1", json_utf8),
    ))
    .await;
    assert_eq!(r.unwrap(), "NÃO ATENDIDA");
    // No HTTP charset: the declaration decides.
    let r = retorno_of(http(
        "200 OK",
        "text/xml",
        &nusoap_answer("getAgent", "ISO-8859-1", json_latin1),
    ))
    .await;
    assert_eq!(r.unwrap(), "NÃO ATENDIDA");
    // A UTF-8 BOM before the declaration.
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend(nusoap_answer("getAgent", "UTF-8", json_utf8));
    let r = retorno_of(http("200 OK", "text/xml", &bom)).await;
    assert_eq!(r.unwrap(), "NÃO ATENDIDA");
    // A UTF-8 label on bytes that are not UTF-8 is an error, not a guess.
    let err = retorno_of(http(
        "200 OK",
        "text/xml; charset=utf-8",
        &nusoap_answer("getAgent", "UTF-8", json_latin1),
    ))
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Malformed { .. }), "{err:?}");
    assert!(err.to_string().contains("not valid UTF-8"), "{err}");
}

#[tokio::test]
async fn faults_with_500_or_200_become_typed_errors() {
    let fault = format!(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode xsi:type=\"xsd:string\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">SOAP-ENV:Client</faultcode><faultactor/><faultstring>Token {TOKEN} inv\u{e1}lido</faultstring><detail>linha 1</detail></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    );
    for status in ["500 Internal Server Error", "200 OK"] {
        let err = retorno_of(http(status, "text/xml; charset=UTF-8", fault.as_bytes()))
            .await
            .unwrap_err();
        let Error::Fault {
            operation,
            status: code,
            fault,
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!(*operation, "getAgent");
        assert_eq!(*code, status[..3].parse::<u16>().unwrap());
        assert_eq!(fault.code, "SOAP-ENV:Client");
        assert_eq!(fault.string, "Token <redacted> inválido");
        assert_eq!(fault.detail.as_deref(), Some("linha 1"));
        assert!(
            !format!("{err} {err:?}").contains(TOKEN),
            "the token leaked: {err:?}"
        );
    }
}

#[tokio::test]
async fn http_errors_keep_the_status_and_a_short_excerpt() {
    let err = retorno_of(http("500 Internal Server Error", "text/html", b""))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Http { status: 500, excerpt, .. } if excerpt.is_empty()),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "getAgent: HTTP 500 from the server (empty body)"
    );

    let page = b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>";
    let err = retorno_of(http("502 Bad Gateway", "text/html", page))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "getAgent: HTTP 502 from the server: 502 Bad Gateway 502 Bad Gateway nginx"
    );

    let err = retorno_of(http("200 OK", "text/xml", b""))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "getAgent: unreadable SOAP response: HTTP 200 with an empty body"
    );

    let err = retorno_of(http(
        "200 OK",
        "text/html",
        b"<html><body>Fatal error: Allowed memory size exhausted</body></html>",
    ))
    .await
    .unwrap_err();
    assert!(matches!(&err, Error::Malformed { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("expected a SOAP Envelope, found <html>"),
        "{err}"
    );
}

#[tokio::test]
async fn truncated_xml_and_non_json_returns_are_errors_keeping_what_arrived() {
    let mut truncated = nusoap_answer("getAgent", "UTF-8", b"{&quot;retorno&quot;:[]}");
    truncated.truncate(truncated.len() - 30);
    let err = retorno_of(http("200 OK", "text/xml", &truncated))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Malformed { .. }), "{err:?}");

    let err = retorno_of(http(
        "200 OK",
        "text/xml",
        &nusoap_answer("getAgent", "UTF-8", b"Warning: mysql_connect(): erro"),
    ))
    .await
    .unwrap_err();
    let Error::Json { raw, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(raw, "Warning: mysql_connect(): erro");
}

#[tokio::test]
async fn the_token_is_never_in_debug_output() {
    let client = Client::new(
        "http://127.0.0.1:9/aplicativos/webservice/wsuscall.php",
        TOKEN,
    )
    .unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(shown.contains("<redacted>"), "{shown}");
    let builder = Client::builder("http://127.0.0.1:9").token(TOKEN);
    assert!(!format!("{builder:?}").contains(TOKEN));
}

#[tokio::test]
async fn urls_the_endpoint_the_wsdl_url_or_the_base() {
    for url in [
        "https://pbx.example.com/aplicativos/webservice/wsuscall.php?wsdl",
        "https://pbx.example.com/aplicativos/webservice/wsuscall.php?WSDL",
        "https://pbx.example.com",
        "https://pbx.example.com/",
    ] {
        let client = Client::new(url, TOKEN).unwrap();
        assert_eq!(
            client.endpoint().as_str(),
            "https://pbx.example.com/aplicativos/webservice/wsuscall.php",
            "{url}"
        );
    }
    let err = Client::new("ftp://pbx.example.com", TOKEN).unwrap_err();
    assert!(matches!(err, Error::InvalidUrl { .. }), "{err:?}");
}
