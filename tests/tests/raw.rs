//! Raw operations on the wire: the parts go out as text, the answer comes back as the response
//! element's XML; faults, retries and redaction are those of every call.

use std::sync::{Arc, Mutex};
use tokio::io::AsyncWriteExt;
use uscall_client::meta::{
    Builtin, OperationInfo, ParamInfo, SoapVersion, Style, Ty, Use, XsdKind,
};
use uscall_client::{Client, Error, Retries};
use uscall_tests::{TOKEN, http_response, read_request};

/// A raw operation as the generator describes one (an operation it cannot express, e.g. an
/// rpc part whose type is not declared, see `raw_complex_part.wsdl`): every part a text.
static ADD_QUEUE_MEMBER: OperationInfo = OperationInfo {
    name: "addQueueMember",
    rust_name: "add_queue_member",
    cli_name: "add-queue-member",
    summary: "Adds an agent to a queue.",
    documentation: "Adds an agent to a queue.",
    soap_action: "urn:rawcomplex#addQueueMember",
    soap_version: SoapVersion::Soap11,
    path: None,
    style: Style::Rpc,
    body_use: Use::Encoded,
    namespace: "urn:rawcomplex",
    wrapper: "addQueueMember",
    response: "",
    params: &[
        text("token", true),
        text("fila", false),
        text("membro", false),
    ],
    outputs: &[],
};

/// An operation of the WSDL's second service, whose port is at another path (see the codegen
/// fixture `several_services.wsdl`).
static RELOAD_DIALPLAN: OperationInfo = OperationInfo {
    name: "reloadDialplan",
    rust_name: "reload_dialplan",
    cli_name: "reload-dialplan",
    summary: "Reloads the dial plan.",
    documentation: "Reloads the dial plan.",
    soap_action: "urn:callcenter#reloadDialplan",
    soap_version: SoapVersion::Soap11,
    path: Some("/webservice/admin.php"),
    style: Style::Rpc,
    body_use: Use::Encoded,
    namespace: "urn:callcenter-admin",
    wrapper: "reloadDialplan",
    response: "",
    params: &[text("token", true)],
    outputs: &[],
};

const fn text(name: &'static str, token: bool) -> ParamInfo {
    ParamInfo {
        name,
        rust_name: name,
        cli_name: name,
        xsd_type: "xsd:string",
        kind: XsdKind::String,
        required: token,
        token,
        namespace: None,
        ty: Ty::Simple(Builtin::String),
        many: false,
    }
}

/// A server answering every request with `reply`, keeping the requests it got, head and body.
async fn server(reply: Vec<u8>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            if let Some((head, body)) = read_request(&mut sock).await {
                seen.lock()
                    .unwrap()
                    .push(head + &String::from_utf8_lossy(&body));
                let _ = sock.write_all(&reply).await;
                let _ = sock.shutdown().await;
            }
        }
    });
    (url, requests)
}

fn client(url: &str) -> Client {
    Client::builder(url)
        .token(TOKEN)
        .retries(Retries::NONE)
        .build()
        .unwrap()
}

fn envelope(body: &str) -> Vec<u8> {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="urn:rawcomplex"><SOAP-ENV:Body>{body}</SOAP-ENV:Body></SOAP-ENV:Envelope>"#
    );
    http_response("200 OK", "text/xml; charset=UTF-8", xml.as_bytes())
}

#[tokio::test]
async fn a_raw_call_sends_text_parts_and_returns_the_response_xml() {
    let answer = r#"<ns1:addQueueMemberResponse><return><fila>suporte</fila><membros>3</membros></return></ns1:addQueueMemberResponse>"#;
    let (url, requests) = server(envelope(answer)).await;
    let got = client(&url)
        .call_xml(
            &ADD_QUEUE_MEMBER,
            vec![
                None,
                Some("suporte".into()),
                Some("<agente>600</agente>".into()),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        got.xml(),
        r#"<ns1:addQueueMemberResponse xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="urn:rawcomplex"><return><fila>suporte</fila><membros>3</membros></return></ns1:addQueueMemberResponse>"#
    );
    let requests = requests.lock().unwrap();
    let request = &requests[0];
    assert!(
        request.contains(r#"<fila xsi:type="xsd:string">suporte</fila>"#),
        "{request}"
    );
    // A part is text: markup in it is escaped, never spliced into the envelope.
    assert!(
        request
            .contains(r#"<membro xsi:type="xsd:string">&lt;agente&gt;600&lt;/agente&gt;</membro>"#),
        "{request}"
    );
}

#[tokio::test]
async fn a_one_way_call_succeeds_on_202_with_no_body() {
    let (url, _) = server(http_response("202 Accepted", "text/xml", b"")).await;
    let got = client(&url)
        .call_one_way(&ADD_QUEUE_MEMBER, vec![None, None, None])
        .await
        .unwrap();
    assert_eq!(got.xml(), "");
    // A request/response operation with no answer is not a success.
    let err = client(&url)
        .call_xml(&ADD_QUEUE_MEMBER, vec![None, None, None])
        .await
        .unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
}

#[tokio::test]
async fn a_fault_is_a_fault_and_the_token_stays_out_of_what_is_shown() {
    let fault = format!(
        "<SOAP-ENV:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>bad token {TOKEN}</faultstring></SOAP-ENV:Fault>"
    );
    let (url, _) = server(envelope(&fault)).await;
    let err = client(&url)
        .call_xml(&ADD_QUEUE_MEMBER, vec![None, None, None])
        .await
        .unwrap_err();
    let Error::Fault { fault, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(fault.string, "bad token <redacted>");
    let echo = format!("<ns1:addQueueMemberResponse><t>{TOKEN}</t></ns1:addQueueMemberResponse>");
    let (url, _) = server(envelope(&echo)).await;
    let got = client(&url)
        .call_xml(&ADD_QUEUE_MEMBER, vec![None, None, None])
        .await
        .unwrap();
    assert!(!format!("{got:?}").contains(TOKEN), "{got:?}");
    assert!(got.into_redacted_xml().contains("<t><redacted></t>"));
}

#[tokio::test]
async fn an_operation_of_another_service_is_posted_to_its_path_on_the_clients_host() {
    let answer = "<ns1:reloadDialplanResponse><return>ok</return></ns1:reloadDialplanResponse>";
    let (url, requests) = server(envelope(answer)).await;
    let endpoint = format!("{url}webservice/callcenter.php");
    let client = client(&endpoint);
    let got = client.call_xml(&RELOAD_DIALPLAN, vec![None]).await.unwrap();
    assert!(got.xml().contains("<return>ok</return>"), "{}", got.xml());
    client
        .call_xml(&ADD_QUEUE_MEMBER, vec![None, None, None])
        .await
        .unwrap();
    let requests = requests.lock().unwrap();
    let host = url.trim_start_matches("http://").trim_end_matches('/');
    let lines: Vec<(&str, Option<&str>)> = requests
        .iter()
        .map(|r| (r.lines().next().unwrap(), uscall_tests::header(r, "host")))
        .collect();
    assert_eq!(
        lines,
        [
            ("POST /webservice/admin.php HTTP/1.1", Some(host)),
            ("POST /webservice/callcenter.php HTTP/1.1", Some(host)),
        ]
    );
}
