//! Drift between a live PBX and the checked-in WSDL: the semantic comparison (`diff::apis`) of
//! each kind of change, reported exactly, what is not on the wire told apart; and
//! `cargo xtask regen --check --url` against real servers.

use uscall_codegen::diff::{self, Change, ChangeKind};
use uscall_codegen::{lower, parse};

use uscall_tests::drifted::{self, checked_in};

fn changes(old: &str, new: &str) -> Vec<Change> {
    let api = |text: &str| lower::api(&parse::definitions(text).unwrap()).unwrap();
    diff::apis(&api(old), &api(new))
}

fn kinds(changes: &[Change]) -> Vec<(String, ChangeKind, String, String)> {
    changes
        .iter()
        .map(|c| (c.operation.clone(), c.kind, c.old.clone(), c.new.clone()))
        .collect()
}

fn row(op: &str, kind: ChangeKind, old: &str, new: &str) -> (String, ChangeKind, String, String) {
    (op.into(), kind, old.into(), new.into())
}

#[test]
fn the_same_wsdl_has_no_differences() {
    let wsdl = checked_in();
    assert!(changes(&wsdl, &wsdl).is_empty());
    assert_eq!(diff::table(&[]), "no differences\n");
}

#[test]
fn a_part_renamed_at_its_position() {
    let old = checked_in();
    // ccenterAgents' `agentes` called `agente` by the live PBX: ext/soap would drop the filter.
    let new = old.replacen(
        r#"<message name="ccenterAgentsRequest">"#,
        r#"<message name="ccenterAgentsRequest" x="">"#,
        1,
    );
    let start = new
        .find(r#"<message name="ccenterAgentsRequest" x="">"#)
        .unwrap();
    let end = start + new[start..].find("</message>").unwrap();
    let message = new[start..end].replace(r#"name="agentes""#, r#"name="agente""#);
    let new = format!("{}{}{}", &new[..start], message, &new[end..]);
    let found = changes(&old, &new);
    assert_eq!(
        kinds(&found),
        [row(
            "ccenterAgents",
            ChangeKind::PartRenamed,
            "agentes (position 2)",
            "agente"
        )],
        "{found:?}"
    );
    assert!(found[0].kind.is_wire());
}

#[test]
fn operations_added_and_removed_parts_reordered_retyped_and_namespaces() {
    let old = checked_in();
    let new = old
        // getQueue loses its operation everywhere by being renamed in the port type and binding.
        .replace(
            r#"<operation name="listTrunk">"#,
            r#"<operation name="listTrunks">"#,
        );
    let found = kinds(&changes(&old, &new));
    assert!(found.contains(&row(
        "listTrunk",
        ChangeKind::OperationRemoved,
        "listTrunk",
        ""
    )));
    assert!(found.contains(&row(
        "listTrunks",
        ChangeKind::OperationAdded,
        "",
        "listTrunks"
    )));

    // Two parts swapped in one message: reordered, which NuSOAP (binding by position) mixes up.
    let swap = |text: &str| {
        let start = text.find(r#"<message name="cdrSearchRequest">"#).unwrap();
        let end = start + text[start..].find("</message>").unwrap();
        let message = text[start..end]
            .replace(r#"name="dataini""#, "name=\"@A\"")
            .replace(r#"name="datafin""#, r#"name="dataini""#)
            .replace("name=\"@A\"", r#"name="datafin""#);
        format!("{}{}{}", &text[..start], message, &text[end..])
    };
    let found = kinds(&changes(&old, &swap(&old)));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, ChangeKind::PartsReordered);

    // A retyped part, a namespace and a SOAPAction.
    let retyped = {
        let start = old.find(r#"<message name="getAgentRequest">"#).unwrap();
        let end = start + old[start..].find("</message>").unwrap();
        let message = old[start..end].replacen(r#"type="xsd:string""#, r#"type="xsd:int""#, 2);
        format!("{}{}{}", &old[..start], message, &old[end..])
    };
    let found = kinds(&changes(&old, &retyped));
    assert!(
        found
            .iter()
            .any(|r| r.0 == "getAgent" && r.1 == ChangeKind::PartRetyped),
        "{found:?}"
    );
    let moved = old.replace("urn:wsuscall#getExtens", "urn:other#getExtens");
    let found = kinds(&changes(&old, &moved));
    assert_eq!(
        found,
        [row(
            "getExtens",
            ChangeKind::SoapAction,
            "urn:wsuscall#getExtens",
            "urn:other#getExtens"
        )]
    );
}

#[test]
fn documentation_only_is_listed_and_not_on_the_wire() {
    let old = checked_in();
    let new = old.replacen("<documentation>", "<documentation>Novo: ", 1);
    let found = changes(&old, &new);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].kind, ChangeKind::Documentation);
    assert!(!found[0].kind.is_wire());
    assert!(diff::table(&found).contains("documentation (not on the wire)"));
}

/// `cargo xtask regen --check --url URL ARGS`: its exit status and stdout.
fn check_url(url: &str, args: &[&str]) -> (bool, String, String) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = std::process::Command::new(cargo)
        .args([
            "run",
            "--quiet",
            "--package",
            "xtask",
            "--features",
            "fetch",
            "--",
        ])
        .args(["regen", "--check", "--url", url])
        .args(args)
        .current_dir(uscall_tests::repo_root())
        .output()
        .expect("running xtask");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn regen_check_url_against_live_servers() {
    use uscall_tests::PhpServer;
    // The NuSOAP server serves what the checked-in WSDL was captured from: no drift.
    let same = PhpServer::nusoap(&[]);
    let (ok, stdout, stderr) = check_url(&same.wsdl_url(), &[]);
    assert!(ok, "{stdout}{stderr}");
    assert_eq!(stdout, "no differences\n");

    // A PBX that dropped listTrunk and added getCampanhas: both listed, exit 1.
    let changed = PhpServer::nusoap(&[
        ("USCALL_WSDL_DROP", "listTrunk"),
        ("USCALL_WSDL_ADD", "getCampanhas:token,campanha"),
    ]);
    let (ok, stdout, stderr) = check_url(&changed.wsdl_url(), &[]);
    assert!(!ok, "{stdout}");
    assert!(
        stdout.contains("listTrunk") && stdout.contains("operation removed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("getCampanhas") && stdout.contains("operation added"),
        "{stdout}"
    );
    assert!(stderr.contains("cargo xtask regen --url"), "{stderr}");
    // The same as JSON, for CI.
    let (_, stdout, _) = check_url(&changed.wsdl_url(), &["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let kinds: Vec<(&str, &str, bool)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["operation"].as_str().unwrap(),
                c["change"].as_str().unwrap(),
                c["wire"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("listTrunk", "operation removed", true),
            ("getCampanhas", "operation added", true)
        ]
    );

    // ext/soap serving a WSDL whose ccenterAgents part is called `agente` (a rename it would
    // silently drop), whose agentStatus takes an int agent, and whose first operation's body is
    // in another namespace: each reported as such.
    let wsdl = checked_in();
    let in_message = drifted::in_message;
    let changed = in_message(&wsdl, "ccenterAgentsRequest", &|m| {
        m.replace(r#"name="agentes""#, r#"name="agente""#)
    });
    let changed = in_message(&changed, "agentStatusRequest", &|m| {
        m.replacen(
            r#"name="agente" type="xsd:string""#,
            r#"name="agente" type="xsd:int""#,
            1,
        )
    });
    let changed = changed.replacen(
        r#"<soap:body use="encoded" namespace="urn:wsuscall""#,
        r#"<soap:body use="encoded" namespace="urn:wsuscall:v2""#,
        1,
    );
    assert_ne!(changed, wsdl);
    let dir = tempfile::tempdir().unwrap();
    let file = drifted::write_latin1(dir.path(), "changed.wsdl", &changed);
    let native = PhpServer::native(&[("USCALL_WSDL", file.to_str().unwrap())]);
    let (ok, stdout, _) = check_url(&native.wsdl_url(), &["--format", "json"]);
    assert!(!ok, "{stdout}");
    let json: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    let found: Vec<(String, String, String)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().unwrap().to_owned();
            (s("operation"), s("change"), s("live"))
        })
        .collect();
    let owned = |a: &str, b: &str, c: &str| (a.to_owned(), b.to_owned(), c.to_owned());
    for expected in [
        owned("ccenterAgents", "part renamed", "agente"),
        owned("agentStatus", "part retyped", "agente: xsd:int"),
        owned("getAgent", "namespace", "urn:wsuscall:v2"),
    ] {
        assert!(found.contains(&expected), "{expected:?} not in {found:?}");
    }
    assert_eq!(found.len(), 3, "{found:?}");
}

#[test]
fn regen_check_url_reports_reordered_parts_and_passes_documentation_only_changes() {
    use uscall_tests::PhpServer;
    // NuSOAP, binding by position, serving cdrSearch with its dates the other way round.
    let swapped = PhpServer::nusoap(&[(
        "USCALL_WSDL_PARTS",
        "cdrSearch:token,datafin,dataini,origem,destino,idunico",
    )]);
    let (ok, stdout, _) = check_url(&swapped.wsdl_url(), &["--format", "json"]);
    assert!(!ok, "{stdout}");
    let json: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(
        json,
        serde_json::json!([{
            "operation": "cdrSearch",
            "change": "parts reordered",
            "wire": true,
            "checked_in": "token, dataini, datafin, origem, destino, idunico",
            "live": "token, datafin, dataini, origem, destino, idunico",
        }])
    );

    // ext/soap serving the checked-in WSDL with only a documentation text changed: listed,
    // exit 0.
    let changed = checked_in().replacen("<documentation>", "<documentation>Novo: ", 1);
    let dir = tempfile::tempdir().unwrap();
    let file = drifted::write_latin1(dir.path(), "documented.wsdl", &changed);
    let native = PhpServer::native(&[("USCALL_WSDL", file.to_str().unwrap())]);
    let (ok, stdout, stderr) = check_url(&native.wsdl_url(), &[]);
    assert!(ok, "{stdout}{stderr}");
    assert_eq!(stdout.lines().count(), 2, "a header and one row: {stdout}");
    assert!(
        stdout.contains("documentation (not on the wire)"),
        "{stdout}"
    );
}
