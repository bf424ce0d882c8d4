//! Goldens of the code generator called against a local server, the way an application calls
//! the file `regen` writes for it: the generated code and the runtime meet on shapes the USCall
//! WSDL does not have. (`uscall_tests::fixtures` compiles every golden.)

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uscall_client::Client;
use uscall_tests::fixtures::no_input_parts::Raw;

/// Serves one request with `answer` (a whole HTTP response) and gives back the request's body.
async fn serve_once(answer: String) -> (String, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/svc", listener.local_addr().unwrap());
    let served = tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        let body_at = loop {
            let n = sock.read(&mut buf).await.unwrap();
            seen.extend_from_slice(&buf[..n]);
            if let Some(i) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
        };
        let head = String::from_utf8_lossy(&seen[..body_at]).to_lowercase();
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map_or(0, |v| v.trim().parse().unwrap());
        while seen.len() < body_at + len {
            let n = sock.read(&mut buf).await.unwrap();
            seen.extend_from_slice(&buf[..n]);
        }
        sock.write_all(answer.as_bytes()).await.unwrap();
        sock.shutdown().await.unwrap();
        String::from_utf8(seen[body_at..].to_vec()).unwrap()
    });
    (url, served)
}

fn http(xml: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{xml}",
        xml.len()
    )
}

const ENVELOPE: &str = r#"<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>BODY</SOAP-ENV:Body></SOAP-ENV:Envelope>"#;

#[tokio::test]
async fn operations_without_input_parts_send_an_empty_wrapper_and_read_their_answer() {
    let answer = ENVELOPE.replace(
        "BODY",
        r#"<ns1:getVersionResponse xmlns:ns1="urn:noinput"><return>{&quot;retorno&quot;:&quot;1.2&quot;}</return></ns1:getVersionResponse>"#,
    );
    let (url, served) = serve_once(http(&answer)).await;
    let client = Client::new(&url, "t").unwrap();
    // Generated without the USCall convention, a string answer is the string itself.
    let answer: String = Raw::new(&client).get_version().await.unwrap();
    assert_eq!(answer, r#"{"retorno":"1.2"}"#);
    let request = served.await.unwrap();
    let wrapper = request
        .split("<ns1:getVersion")
        .nth(1)
        .expect("the wrapper");
    let inside = &wrapper[wrapper.find('>').unwrap() + 1..];
    assert!(inside.starts_with("</ns1:getVersion>"), "{request}");

    let answer = ENVELOPE.replace(
        "BODY",
        r#"<listQueuesResponse xmlns="urn:noinput"><queues>{"retorno":[]}</queues></listQueuesResponse>"#,
    );
    let (url, served) = serve_once(http(&answer)).await;
    let client = Client::new(&url, "t").unwrap();
    let answer = Raw::new(&client).list_queues().await.unwrap();
    assert_eq!(answer, r#"{"retorno":[]}"#);
    let request = served.await.unwrap();
    assert!(
        request.contains(
            r#"xmlns:ns1="urn:noinput"><SOAP-ENV:Body><ns1:listQueues></ns1:listQueues></SOAP-ENV:Body>"#
        ),
        "{request}"
    );
}

#[test]
fn a_generated_file_lists_its_raw_operations_and_why() {
    use uscall_tests::fixtures::raw_complex_part::{ADD_QUEUE_MEMBER, GET_QUEUE, RAW_OPERATIONS};
    let names: Vec<&str> = RAW_OPERATIONS.iter().map(|raw| raw.name).collect();
    assert_eq!(names, [ADD_QUEUE_MEMBER.name]);
    assert!(
        RAW_OPERATIONS[0].reason.contains("`member.xsd`"),
        "{}",
        RAW_OPERATIONS[0].reason
    );
    assert!(!RAW_OPERATIONS.iter().any(|raw| raw.name == GET_QUEUE.name));
}
