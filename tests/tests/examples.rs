//! The examples in uscall-client/examples/, run against the NuSOAP server as a user would.

use serde_json::Value;
use std::process::{Command, Output};
use uscall_tests::{PhpServer, TOKEN, example_bin, fixture};

fn run(server: &PhpServer, name: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    run_at(&server.url(), name, args, env)
}

fn run_at(url: &str, name: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let out: Output = Command::new(example_bin(name))
        .args(args)
        .env("USCALL_URL", url)
        .env("USCALL_TOKEN", TOKEN)
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("running example {name}: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "example {name} failed: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

fn cdrs_of(day_prefix: &str) -> Vec<Value> {
    fixture()["cdrs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["datahora"].as_str().unwrap().starts_with(day_prefix))
        .cloned()
        .collect()
}

#[test]
fn click_to_call() {
    let server = PhpServer::nusoap(&[]);
    let out = run(
        &server,
        "click_to_call",
        &["11999990000", "2800", "crm-4711"],
        &[],
    );
    assert_eq!(
        out.trim(),
        "Chamada clicktocall originada de 11999990000 para 2800 (categoria 1, idcti crm-4711)"
    );
    assert_eq!(server.calls().len(), 1, "sent exactly once");
}

#[test]
fn agent_shift() {
    let server = PhpServer::native(&[]);
    let out = run(
        &server,
        "agent_shift",
        &["600", "2001"],
        &[("USCALL_AGENT_PASSWORD", "1234")],
    );
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("Agente 600 logado no ramal 2001"),
        "{out}"
    );
    assert!(lines[1].starts_with("Agente 600 em pausa"), "{out}");
    assert_eq!(lines[2], "Agente 600 saiu da pausa");
    assert!(lines[3].starts_with("agent 600 is now "), "{out}");
    assert_eq!(lines[4], "Agente 600 deslogado");
    let ops: Vec<String> = server
        .calls()
        .iter()
        .map(|c| c["op"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        ops,
        [
            "agentLogin",
            "getPauses",
            "startPause",
            "endPause",
            "agentStatus",
            "agentLogout"
        ]
    );
}

#[test]
fn dashboard_refreshes() {
    let server = PhpServer::nusoap(&[("PHP_CLI_SERVER_WORKERS", "2")]);
    let out = run(&server, "dashboard", &["1", "2"], &[]);
    let agents = fixture()["agent_status"].as_array().unwrap().len();
    assert_eq!(
        out.matches(&format!("agents: {agents} total")).count(),
        2,
        "{out}"
    );
    let queues = fixture()["queue_status"].as_array().unwrap().len();
    assert_eq!(out.matches(" queue ").count(), 2 * queues, "{out}");
}

#[test]
fn cdr_export_csv() {
    let server = PhpServer::nusoap(&[]);
    let out = run(
        &server,
        "cdr_export_csv",
        &["2025-06-02", "2025-06-04"],
        &[],
    );
    let mut reader = csv::Reader::from_reader(out.as_bytes());
    let ids: Vec<String> = reader.records().map(|r| r.unwrap()[0].to_owned()).collect();
    let mut want: Vec<Value> = cdrs_of("2025-06-0");
    want.sort_by(|a, b| a["datahora"].as_str().cmp(&b["datahora"].as_str()));
    let want_ids: Vec<&str> = want
        .iter()
        .map(|c| c["bilheteunico"].as_str().unwrap())
        .collect();
    let mut got_sorted = ids.clone();
    got_sorted.sort();
    let mut want_sorted: Vec<String> = want_ids.iter().map(|s| (*s).to_owned()).collect();
    want_sorted.sort();
    assert_eq!(got_sorted, want_sorted);
    assert_eq!(server.calls().len(), 3, "one request per day");
}

#[test]
fn recordings_of_a_day() {
    let server = PhpServer::nusoap(&[("PHP_CLI_SERVER_WORKERS", "4")]);
    let dir = tempfile::tempdir().unwrap();
    let out = run(
        &server,
        "recordings_of_a_day",
        &["2025-06-02", dir.path().to_str().unwrap()],
        &[],
    );
    let want: Vec<Value> = cdrs_of("2025-06-02")
        .into_iter()
        .filter(|c| c["audio"] != "")
        .collect();
    assert_eq!(out.lines().count(), want.len(), "{out}");
    for c in want {
        let path = dir
            .path()
            .join(format!("{}.mp3", c["bilheteunico"].as_str().unwrap()));
        assert_eq!(&std::fs::read(&path).unwrap()[..4], b"RIFF");
    }
}

/// Every example against the simulator (uscall-mock) instead of a PHP server: what an app
/// developer would try first. Each answers as it does against the reference server.
#[test]
fn every_example_runs_against_the_simulator() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let pbx = runtime.block_on(uscall_mock::Pbx::start()).unwrap();
    let url = pbx.url();
    let out = run_at(
        &url,
        "click_to_call",
        &["11999990000", "2800", "crm-4711"],
        &[],
    );
    assert!(out.contains("clicktocall"), "{out}");
    let out = run_at(
        &url,
        "agent_shift",
        &["600", "2001"],
        &[("USCALL_AGENT_PASSWORD", "1234")],
    );
    assert!(out.contains("Agente 600 deslogado"), "{out}");
    assert_eq!(
        pbx.state().agent_status("600").unwrap()["status"],
        "nao logado",
        "the shift ended logged out"
    );
    let out = run_at(&url, "dashboard", &["1", "2"], &[]);
    assert!(!out.trim().is_empty());
    let out = run_at(&url, "cdr_export_csv", &["2025-06-02", "2025-06-04"], &[]);
    assert_eq!(
        out.lines().count(),
        1 + cdrs_of("2025-06-0").len(),
        "a header and every record of the range: {out}"
    );
    let dir = tempfile::tempdir().unwrap();
    run_at(
        &url,
        "recordings_of_a_day",
        &["2025-06-02", dir.path().to_str().unwrap()],
        &[],
    );
    let saved = std::fs::read_dir(dir.path()).unwrap().count();
    let with_audio = cdrs_of("2025-06-02")
        .iter()
        .filter(|c| !c["audio"].as_str().unwrap().is_empty())
        .count();
    assert_eq!(saved, with_audio);
}
