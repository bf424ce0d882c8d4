//! Typed calls on the wire: the clients generated from `tests/wsdl-types` call PHP ext/soap and
//! NuSOAP services on 127.0.0.1, and each decoded answer must equal what PHP SoapClient and
//! zeep decode from the same server for the same call (compared in the peers' canonical JSON).

use serde_json::{Value as Json, json};
use uscall_client::meta::OperationInfo;
use uscall_client::value::{Base64Binary, SoapValue};
use uscall_client::{Client, Error};
use uscall_tests::typed::{PeerAnswer, answer_json, canonical, soapclient, zeep};
use uscall_tests::{PhpServer, ServerKind};

/// What uscall made of one call, and the call as the peers make it.
struct Call {
    op: &'static OperationInfo,
    args: Json,
    ours: Result<Json, Error>,
}

fn call<T: SoapValue>(
    op: &'static OperationInfo,
    args: Json,
    ours: uscall_client::Result<T>,
) -> Call {
    Call {
        op,
        args,
        ours: ours.map(|value| answer_json(op, &value.to_value())),
    }
}

/// The calls every rpc/encoded server answers, through one generated module (the reference
/// WSDL's or NuSOAP's own).
macro_rules! encoded_calls {
    ($module:ident, $client:expr) => {{
        use uscall_tests::typed::$module::{self as m, Raw, schema};
        let raw = Raw::new($client);
        let ana = schema::Person {
            name: "Ana Zoë / 東京 \"q\" <&>".into(),
            age: 30,
            height: 1.75,
            active: true,
            born: uscall_client::jiff::civil::date(1994, 5, 17),
            tags: Some(vec!["a".into(), "b".into()]),
        };
        let ana_json = json!({"person": {"name": "Ana Zoë / 東京 \"q\" <&>", "age": 30, "height": 1.75,
            "active": true, "born": "1994-05-17", "tags": ["a", "b"]}});
        let bytes = Base64Binary(vec![0, 1, 2, 255]);
        vec![
            call(&m::ECHO_STRUCT, ana_json, raw.echo_struct().person(ana.clone()).await),
            call(&m::SUM_INTS, json!({"values": [1, 2, 3, 40]}), raw.sum_ints().values(vec![1, 2, 3, 40]).await),
            call(&m::LIST_PEOPLE, json!({"count": 3}), raw.list_people().count(3).await),
            call(&m::DIVIDE, json!({"a": 17, "b": 5}), raw.divide().a(17).b(5).await),
            call(&m::DIVIDE, json!({"a": -7, "b": 2}), raw.divide().a(-7).b(2).await),
            call(&m::DIVIDE, json!({"a": 1, "b": 0}), raw.divide().a(1).b(0).await),
            call(&m::GET_COLOR, json!({"name": "green"}), raw.get_color().name("green").await),
            call(&m::GET_COLOR, json!({"name": "x"}), raw.get_color().name("x").await),
            call(&m::NOTIFY, json!({"message": "hi"}), raw.notify().message("hi").await),
            call(&m::GET_TREE, json!({"depth": 2}), raw.get_tree().depth(2).await),
            call(&m::ECHO_BYTES, json!({"data": {"$base64": "AAEC/w=="}}), raw.echo_bytes().data(bytes).await),
            call(&m::PING, json!({}), raw.ping().await),
            call(&m::VERSION, json!({}), raw.version().await),
        ]
    }};
}

/// Compares every call with both peers; gives the mismatches, one line each.
fn compare(server: &str, wsdl_url: &str, second_wsdl_url: &str, calls: Vec<Call>) -> Vec<String> {
    let mut mismatches = Vec::new();
    for call in calls {
        let ours = match &call.ours {
            Ok(json) => PeerAnswer::Value(canonical(json)),
            Err(Error::Fault { fault, .. }) => {
                PeerAnswer::Fault(format!("{}: {}", fault.code, fault.string))
            }
            Err(other) => {
                mismatches.push(format!(
                    "{server} {} {}: uscall failed: {other}",
                    call.op.name, call.args
                ));
                continue;
            }
        };
        let url = if call.op.path.is_some() {
            second_wsdl_url
        } else {
            wsdl_url
        };
        let peers = [
            ("SoapClient", soapclient(url, call.op.name, &call.args)),
            ("zeep", zeep(url, call.op.name, &call.args)),
        ];
        for (peer, answer) in peers {
            let answer = match answer {
                PeerAnswer::Value(json) => PeerAnswer::Value(canonical(&json)),
                fault => fault,
            };
            let same = match (&ours, &answer) {
                // The fault's code prefix is the server's; its text must be the same.
                (PeerAnswer::Fault(a), PeerAnswer::Fault(b)) => {
                    a.rsplit(": ").next() == b.rsplit(": ").next()
                }
                (a, b) => a == b,
            };
            if !same {
                mismatches.push(format!(
                    "{server} {} {}: uscall {ours:?}, {peer} {answer:?}",
                    call.op.name, call.args
                ));
            }
        }
    }
    mismatches
}

fn client(server: &PhpServer, path: &str) -> Client {
    Client::new(
        &format!("http://127.0.0.1:{}{path}", server.port()),
        "unused",
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rpc_encoded_calls_decode_as_soapclient_and_zeep_decode_them_on_ext_soap() {
    let server = PhpServer::start(ServerKind::TypesNative, &[]).unwrap_or_else(|e| panic!("{e:#}"));
    let client = client(&server, "/types/encoded.php");
    let calls = encoded_calls!(encoded, &client);
    let base = format!("http://127.0.0.1:{}/types", server.port());
    let mismatches = tokio::task::spawn_blocking(move || {
        compare(
            "ext/soap",
            &format!("{base}/encoded.php?wsdl"),
            &format!("{base}/second.php?wsdl"),
            calls,
        )
    })
    .await
    .unwrap();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rpc_encoded_calls_decode_as_soapclient_and_zeep_decode_them_on_nusoap() {
    let server = PhpServer::start(ServerKind::TypesNusoap, &[]).unwrap_or_else(|e| panic!("{e:#}"));
    // The client generated from the WSDL NuSOAP itself publishes (tests/wsdl-types/nusoap.wsdl,
    // a capture): the live one must still generate the same client.
    let live =
        uscall_tests::http_request(server.port(), "GET", "/types/encoded.php?wsdl", &[], b"")
            .unwrap_or_else(|e| panic!("{e:#}"));
    let captured = uscall_tests::typed::wsdl_path("nusoap");
    let dir = tempfile::tempdir().unwrap();
    let live_path = dir.path().join("nusoap.wsdl");
    std::fs::write(&live_path, &live.body).unwrap();
    assert_eq!(
        uscall_tests::typed::generate(&live_path),
        uscall_tests::typed::generate(&captured),
        "NuSOAP's live WSDL no longer generates tests/wsdl-types/nusoap.rs: capture it again"
    );
    let client = client(&server, "/types/encoded.php");
    let calls = encoded_calls!(nusoap, &client);
    let url = format!("http://127.0.0.1:{}/types/encoded.php?wsdl", server.port());
    let mismatches = tokio::task::spawn_blocking(move || compare("NuSOAP", &url, &url, calls))
        .await
        .unwrap();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_literal_calls_decode_as_soapclient_and_zeep_decode_them() {
    use uscall_tests::typed::literal::{self as m, Raw, schema};
    let server = PhpServer::start(ServerKind::TypesNative, &[]).unwrap_or_else(|e| panic!("{e:#}"));
    let client = client(&server, "/types/literal.php");
    let raw = Raw::new(&client);
    let ana = schema::Person {
        name: "Ana".into(),
        age: 30,
        height: 1.75,
        active: true,
        born: uscall_client::jiff::civil::date(1994, 5, 17),
        tags: vec!["a".into(), "b".into()],
        nickname: Some("Annie".into()),
        id: Some(7),
    };
    let bo = schema::Person {
        name: "Bo".into(),
        age: 0,
        height: 180.0,
        active: false,
        born: uscall_client::jiff::civil::date(2000, 1, 1),
        tags: Vec::new(),
        nickname: None,
        id: None,
    };
    let person_json = |p: &schema::Person| {
        json!({"person": {"id": p.id, "name": p.name, "age": p.age, "height": p.height,
            "active": p.active, "born": p.born.to_string(), "tags": p.tags, "nickname": p.nickname}})
    };
    let calls = vec![
        call(
            &m::ECHO_STRUCT,
            person_json(&ana),
            raw.echo_struct(ana.clone()).await,
        ),
        call(
            &m::ECHO_STRUCT,
            person_json(&bo),
            raw.echo_struct(bo.clone()).await,
        ),
        call(
            &m::SUM_INTS,
            json!({"value": [1, 2, 3, 40]}),
            raw.sum_ints().value(vec![1, 2, 3, 40]).await,
        ),
        call(
            &m::LIST_PEOPLE,
            json!({"count": 2}),
            raw.list_people(2).await,
        ),
        call(
            &m::DIVIDE,
            json!({"a": 17, "b": 5}),
            raw.divide(17, 5).await,
        ),
        call(&m::DIVIDE, json!({"a": 1, "b": 0}), raw.divide(1, 0).await),
        call(
            &m::GET_COLOR,
            json!({"name": "x"}),
            raw.get_color("x").await,
        ),
        call(&m::NOTIFY, json!({"message": "hi"}), raw.notify("hi").await),
        call(&m::GET_TREE, json!({"depth": 2}), raw.get_tree(2).await),
        call(
            &m::ECHO_BYTES,
            json!({"data": {"$base64": "AAEC/w=="}}),
            raw.echo_bytes(Base64Binary(vec![0, 1, 2, 255])).await,
        ),
        call(&m::PING, json!({}), raw.ping().await),
        call(&m::SQUARE, json!({"n": 7}), raw.square(7).await),
    ];
    let url = format!("http://127.0.0.1:{}/types/literal.php?wsdl", server.port());
    let mismatches = tokio::task::spawn_blocking(move || compare("literal", &url, &url, calls))
        .await
        .unwrap();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
