//! The test kit: requests recorded, rules with predicates and counts (sequences), every fault,
//! verification; and the wire details a client sees (NuSOAP's headers, gzip, faults for
//! unknown operations and malformed envelopes). Through the real client where it matters.

use std::io::{Read, Write};
use std::time::Duration;
use uscall_client::enums::StartCallTipo;
use uscall_client::{Error, Retries};
use uscall_mock::{Pbx, Reply};

fn no_retries() -> Retries {
    Retries {
        max: 0,
        ..Retries::default()
    }
}

fn quick_retries() -> Retries {
    Retries {
        max: 2,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
    }
}

#[tokio::test]
async fn requests_are_recorded_with_their_parts_and_time() {
    let pbx = Pbx::builder().virtual_clock().start().await.unwrap();
    let client = pbx.client();
    client.agent_status().agente("600").await.unwrap();
    pbx.advance(Duration::from_secs(60));
    client.get_pauses().await.unwrap();
    let requests = pbx.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].operation, "agentStatus");
    assert_eq!(requests[0].part("agente"), Some("600"));
    assert_eq!(requests[0].part("token"), Some(pbx.token().as_str()));
    assert_eq!(requests[1].at.as_second() - requests[0].at.as_second(), 60);
    pbx.expect("agentStatus")
        .with(|r| r.part("agente") == Some("600"))
        .times(1);
    pbx.expect("startCall").never();
    pbx.clear_requests();
    assert!(pbx.requests().is_empty());
}

#[tokio::test]
async fn a_failed_expectation_says_what_was_received() {
    let pbx = Pbx::start().await.unwrap();
    pbx.client().get_pauses().await.unwrap();
    let failed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        pbx.expect("getPauses").times(2);
    }));
    let message = *failed.unwrap_err().downcast::<String>().unwrap();
    assert!(
        message.starts_with("expected 2 getPauses request(s), got 1"),
        "{message}"
    );
    assert!(message.contains("operation: \"getPauses\""), "{message}");
    assert!(
        !message.contains(&pbx.token()) && message.contains("<redacted>"),
        "{message}"
    );
}

#[tokio::test]
async fn a_rule_applies_to_matching_parts_and_a_sequence_runs_out() {
    let pbx = Pbx::start().await.unwrap();
    let client = pbx.client().with_retries(quick_retries());
    pbx.on("agentLogin")
        .when(|r| r.part("agente") == Some("600"))
        .reply(Reply::refusal("Senha inválida"));
    let password = uscall_client::models::Password::plain("0000");
    let refused = client.agent_login("600", "2001", password.clone()).await;
    assert!(matches!(refused, Err(Error::Service { .. })), "{refused:?}");
    client.agent_login("610", "2005", password).await.unwrap();

    // Fail twice, then answer: the client's retries of a read get through on the third.
    pbx.on("getPauses").times(2).reply(Reply::Http500Empty);
    let pauses = client.get_pauses().await.unwrap();
    assert_eq!(pauses.len(), 3);
    pbx.expect("getPauses").times(3);
}

#[tokio::test]
async fn an_action_that_fails_is_sent_once_and_its_outcome_is_unknown() {
    let pbx = Pbx::start().await.unwrap();
    let client = pbx.client().with_retries(quick_retries());
    let start = || {
        client
            .start_call(StartCallTipo::Outbound, "2001", "11999990000", "1")
            .idcti("x")
    };
    // Carried out, then the connection reset: the call is up, the client cannot know.
    pbx.on("startCall").times(1).reply(Reply::ResetAfterRead);
    let error = start().await.unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    assert_eq!(pbx.state().live_calls().len(), 1, "the PBX dialled");
    pbx.expect("startCall").times(1);

    // A 500 before anything was done: still unknown to the client, never retried.
    pbx.on("startCall").times(1).reply(Reply::Http500Html);
    let error = start().await.unwrap_err();
    assert!(error.is_outcome_unknown(), "{error:?}");
    pbx.expect("startCall").times(2);
    assert_eq!(
        pbx.state().live_calls().len(),
        1,
        "nothing more was dialled"
    );

    // Reset before anything was done.
    pbx.on("startCall").times(1).reply(Reply::ResetBeforeRead);
    assert!(start().await.unwrap_err().is_outcome_unknown());
    assert_eq!(pbx.state().live_calls().len(), 1);
    pbx.expect("startCall").times(3);
}

#[tokio::test]
async fn each_fault_reaches_the_client_as_its_error() {
    let pbx = Pbx::start().await.unwrap();
    let client = pbx.client().with_retries(no_retries());

    pbx.on("getPauses").times(1).reply(Reply::Http500Empty);
    match client.get_pauses().await {
        Err(Error::Http {
            status: 500,
            excerpt,
            ..
        }) => assert_eq!(excerpt, ""),
        other => panic!("{other:?}"),
    }
    pbx.on("getPauses").times(1).reply(Reply::Http500Html);
    match client.get_pauses().await {
        Err(Error::Http {
            status: 500,
            excerpt,
            ..
        }) => {
            assert!(excerpt.contains("Internal Server Error"), "{excerpt}")
        }
        other => panic!("{other:?}"),
    }
    pbx.on("getPauses").times(1).reply(Reply::SoapFault {
        code: "SOAP-ENV:Server".into(),
        string: "Falha no banco".into(),
        detail: "mysql".into(),
    });
    match client.get_pauses().await {
        Err(Error::Fault {
            status: 500, fault, ..
        }) => {
            assert_eq!(
                (fault.code.as_str(), fault.string.as_str()),
                ("SOAP-ENV:Server", "Falha no banco")
            );
            assert_eq!(fault.detail.as_deref(), Some("mysql"));
        }
        other => panic!("{other:?}"),
    }
    pbx.on("getPauses").times(1).reply(Reply::MalformedJson);
    let error = client.get_pauses().await.unwrap_err();
    assert!(matches!(error, Error::Json { .. }), "{error:?}");
    pbx.on("getPauses").times(1).reply(Reply::TruncatedBody);
    let error = client.get_pauses().await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    pbx.on("getPauses").times(1).reply(Reply::ResetBeforeRead);
    let error = client.get_pauses().await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    pbx.on("getPauses")
        .times(1)
        .reply(Reply::Delay(Duration::from_secs(2)));
    let error = client
        .with_timeout(Duration::from_millis(200))
        .get_pauses()
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    // Every rule ran out: the answers are normal again.
    assert_eq!(client.get_pauses().await.unwrap().len(), 3);
    // A rule for every operation.
    pbx.on("*").times(1).reply(Reply::refusal("Token inválido"));
    assert!(client.list_trunk().await.is_err());
    assert_eq!(client.list_trunk().await.unwrap().len(), 3);
}

#[tokio::test]
async fn the_wire_carries_nusoap_headers_gzip_and_faults() {
    let pbx = Pbx::start().await.unwrap();
    let call = |op: &str| {
        format!(
            r#"<?xml version="1.0"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><ns1:{op} xmlns:ns1="urn:wsuscall"><token>{}</token></ns1:{op}></SOAP-ENV:Body></SOAP-ENV:Envelope>"#,
            pbx.token()
        )
    };
    let (head, body) = tokio::task::spawn_blocking({
        let request = call("getPauses");
        let address = pbx.address();
        move || PbxAddress(address).post(&request, "Accept-Encoding: gzip\r\n")
    })
    .await
    .unwrap();
    assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
    let lower = head.to_ascii_lowercase();
    for header in [
        "server: nusoap server v0.9.5",
        "x-soap-server: nusoap/0.9.5 (1.123)",
        "content-type: text/xml; charset=iso-8859-1",
        "content-encoding: gzip",
    ] {
        assert!(lower.contains(header), "{header} in {head}");
    }
    let mut xml = String::new();
    flate2::read::GzDecoder::new(&body[..])
        .read_to_string(&mut xml)
        .unwrap();
    assert!(xml.starts_with(r#"<?xml version="1.0" encoding="ISO-8859-1"?><SOAP-ENV:Envelope"#));
    assert!(xml.contains(r#"<return xsi:type="xsd:string">{&quot;retorno&quot;:[{&quot;id&quot;:&quot;1&quot;,&quot;pause&quot;:&quot;Almo\u00e7o&quot;"#), "{xml}");

    let (head, body) = tokio::task::spawn_blocking({
        let request = call("noSuchOp");
        let address = pbx.address();
        move || PbxAddress(address).post(&request, "")
    })
    .await
    .unwrap();
    assert!(head.starts_with("HTTP/1.1 500"), "{head}");
    let text = String::from_utf8(body).unwrap();
    assert!(text.contains("<faultcode xsi:type=\"xsd:string\">SOAP-ENV:Client</faultcode>"));
    assert!(
        text.contains("Operation &apos;noSuchOp&apos; is not defined in the WSDL for this service"),
        "{text}"
    );

    let (head, body) = tokio::task::spawn_blocking({
        let address = pbx.address();
        move || PbxAddress(address).post("<not xml", "")
    })
    .await
    .unwrap();
    assert!(head.starts_with("HTTP/1.1 500"), "{head}");
    assert!(
        String::from_utf8_lossy(&body)
            .contains("error in msg parsing:\nXML error parsing SOAP payload on line 1: "),
        "{}",
        String::from_utf8_lossy(&body)
    );
}

/// A simulator reached by its address from a blocking thread.
struct PbxAddress(std::net::SocketAddr);

impl PbxAddress {
    fn post(&self, body: &str, extra: &str) -> (String, Vec<u8>) {
        let mut stream = std::net::TcpStream::connect(self.0).unwrap();
        let request = format!(
            "POST /aplicativos/webservice/wsuscall.php HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: text/xml; charset=utf-8\r\n{extra}Content-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).unwrap();
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).unwrap();
        let split = answer.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8(answer[..split].to_vec()).unwrap();
        (head, answer[split + 4..].to_vec())
    }
}

// The mistake this test is about is the one clippy's await_holding_lock warns of.
#[allow(clippy::await_holding_lock)]
#[tokio::test]
async fn a_state_guard_held_across_a_call_gives_a_clear_error_not_a_hang() {
    let pbx = Pbx::start().await.unwrap();
    let client = pbx.client().with_retries(no_retries());
    let guard = pbx.state();
    let started = std::time::Instant::now();
    let error = client.get_pauses().await.unwrap_err();
    drop(guard);
    assert!(started.elapsed() < Duration::from_secs(10));
    match error {
        Error::Http {
            status: 503,
            excerpt,
            ..
        } => {
            assert!(excerpt.contains("Pbx::state()"), "{excerpt}")
        }
        other => panic!("{other:?}"),
    }
    // Free again: answered.
    assert_eq!(client.get_pauses().await.unwrap().len(), 3);
}
