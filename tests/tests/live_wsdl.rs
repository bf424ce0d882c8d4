//! The library against a PBX whose WSDL drifted: `Client::check_wsdl` reports the same
//! differences as `cargo xtask regen --check --url`, and with `ClientBuilder::check_live_wsdl`
//! a call that would send a part the live WSDL lacks (or has elsewhere) is refused before
//! anything is sent, reads and actions alike. Real servers: NuSOAP serving the checked-in WSDL,
//! PHP ext/soap serving drifted copies.

use uscall_client::live_wsdl::ChangeKind;
use uscall_client::{Client, Error};
use uscall_tests::drifted::{self, in_message};
use uscall_tests::{PhpServer, TOKEN};

fn op(name: &str) -> &'static uscall_client::meta::OperationInfo {
    Client::operation(name).unwrap()
}

/// The argument list of `name` with `set` parts given, the rest left out.
fn args(name: &str, set: &[(&str, &str)]) -> Vec<Option<String>> {
    op(name)
        .params
        .iter()
        .map(|p| {
            set.iter()
                .find(|(k, _)| *k == p.name)
                .map(|(_, v)| (*v).to_owned())
        })
        .collect()
}

fn ops_called(server: &PhpServer) -> Vec<String> {
    server
        .calls()
        .iter()
        .map(|c| c["op"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn check_wsdl_finds_nothing_on_the_reference_server_and_the_rename_on_a_drifted_one() {
    let same = PhpServer::nusoap(&[]);
    let client = Client::new(&same.url(), TOKEN).unwrap();
    assert_eq!(client.check_wsdl().await.unwrap(), vec![]);

    let dir = tempfile::tempdir().unwrap();
    let file = drifted::write_latin1(dir.path(), "renamed.wsdl", &drifted::agentes_renamed());
    let native = PhpServer::native(&[("USCALL_WSDL", file.to_str().unwrap())]);
    let client = Client::new(&native.url(), TOKEN).unwrap();
    let changes = client.check_wsdl().await.unwrap();
    let found: Vec<(&str, ChangeKind, &str, &str)> = changes
        .iter()
        .map(|c| (c.operation.as_str(), c.kind, c.old.as_str(), c.new.as_str()))
        .collect();
    assert_eq!(
        found,
        [(
            "ccenterAgents",
            ChangeKind::PartRenamed,
            "agentes (position 2)",
            "agente"
        )]
    );
}

#[tokio::test]
async fn the_guard_refuses_a_part_the_live_wsdl_lacks_and_sends_the_rest() {
    // ccenterAgents' `agentes` renamed, and startCall's `idcti` renamed too: a read and an
    // action.
    let text = in_message(&drifted::agentes_renamed(), "startCallRequest", &|m| {
        m.replace(r#"name="idcti""#, r#"name="id_cti""#)
    });
    let dir = tempfile::tempdir().unwrap();
    let file = drifted::write_latin1(dir.path(), "renamed.wsdl", &text);
    let native = PhpServer::native(&[("USCALL_WSDL", file.to_str().unwrap())]);
    let guarded = Client::builder(&native.url())
        .token(TOKEN)
        .check_live_wsdl(true)
        .build()
        .unwrap();

    let read = guarded
        .call(
            op("ccenterAgents"),
            args("ccenterAgents", &[("agentes", "1001")]),
        )
        .await
        .unwrap_err();
    match &read {
        Error::LiveWsdlMismatch {
            operation, part, ..
        } => assert_eq!((*operation, *part), ("ccenterAgents", Some("agentes"))),
        other => panic!("expected LiveWsdlMismatch, got {other:?}"),
    }
    let message = read.to_string();
    assert!(
        message.contains("it has `agente` at that position"),
        "{message}"
    );
    assert!(message.contains("ext/soap"), "{message}");
    let action = guarded
        .call(
            op("startCall"),
            args(
                "startCall",
                &[
                    ("tipo", "clicktocall"),
                    ("origem", "1001"),
                    ("destino", "1002"),
                    ("idcti", "x1"),
                ],
            ),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            &action,
            Error::LiveWsdlMismatch {
                part: Some("idcti"),
                ..
            }
        ),
        "{action:?}"
    );
    assert!(!action.is_outcome_unknown());
    assert_eq!(
        ops_called(&native),
        Vec::<String>::new(),
        "nothing reached the PBX"
    );

    // The same read without the renamed part, and an operation that did not change, go out.
    guarded
        .call(op("ccenterAgents"), args("ccenterAgents", &[]))
        .await
        .unwrap();
    guarded
        .call(op("getPauses"), args("getPauses", &[]))
        .await
        .unwrap();
    assert_eq!(ops_called(&native), ["ccenterAgents", "getPauses"]);

    // Without the guard, the renamed part goes out and the server drops it in silence: the
    // reason the guard exists.
    let unguarded = Client::new(&native.url(), TOKEN).unwrap();
    unguarded
        .call(
            op("ccenterAgents"),
            args("ccenterAgents", &[("agentes", "1001")]),
        )
        .await
        .unwrap();
    let last = native.calls().last().cloned().unwrap();
    assert_eq!(last["op"], "ccenterAgents");
    assert!(
        last["args"].get("agentes").is_none_or(|v| v.is_null()),
        "ext/soap dropped the part: {last}"
    );
}

#[tokio::test]
async fn the_guard_refuses_parts_a_positional_server_would_mix_up() {
    // NuSOAP binds by position: a PBX whose cdrSearch takes datafin before dataini would read
    // the start date as the end.
    let nusoap = PhpServer::nusoap(&[(
        "USCALL_WSDL_PARTS",
        "cdrSearch:token,datafin,dataini,origem,destino,idunico",
    )]);
    let guarded = Client::builder(&nusoap.url())
        .token(TOKEN)
        .check_live_wsdl(true)
        .build()
        .unwrap();
    let error = guarded
        .call(
            op("cdrSearch"),
            args(
                "cdrSearch",
                &[("dataini", "2026-12-01"), ("datafin", "2026-12-05")],
            ),
        )
        .await
        .unwrap_err();
    let message = error.to_string();
    assert!(
        matches!(
            &error,
            Error::LiveWsdlMismatch {
                operation: "cdrSearch",
                part: Some("dataini"),
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        message.contains("position 3") && message.contains("NuSOAP"),
        "{message}"
    );
    assert!(nusoap.calls().is_empty());
}

#[tokio::test]
async fn the_guard_fails_a_call_when_the_wsdl_cannot_be_fetched_and_tries_again_next_time() {
    // Nothing listens: the WSDL fetch fails, the call with it; nothing is cached.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let guarded = Client::builder(&format!("http://127.0.0.1:{port}/"))
        .token(TOKEN)
        .check_live_wsdl(true)
        .build()
        .unwrap();
    for _ in 0..2 {
        let error = guarded
            .call(op("getPauses"), args("getPauses", &[]))
            .await
            .unwrap_err();
        assert_eq!(error.operation(), Some("?wsdl"), "{error:?}");
        assert!(error.is_connect(), "{error:?}");
    }
}
