//! `uscall doctor` against real servers on 127.0.0.1: the NuSOAP reference server (every check
//! passes), a wrong token, a PBX whose clock is an hour off, a port nothing listens on, and an
//! ext/soap PBX whose WSDL renamed a part. The TLS checks are in tls.rs, beside its server.

use serde_json::Value;
use std::process::{Command, Output};
use uscall_tests::{PhpServer, TOKEN, drifted, uscall_bin};

/// What a doctor run printed: its exit code, the lines by check name, and stderr.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The line of `check`, which starts with its mark.
    fn line(&self, check: &str) -> &str {
        self.stdout
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(check))
            .unwrap_or_else(|| panic!("no {check} line in:\n{}", self.stdout))
    }

    /// The fix printed under `check`'s line, if any.
    fn fix(&self, check: &str) -> Option<&str> {
        let mut lines = self.stdout.lines().skip_while(|l| *l != self.line(check));
        lines.next();
        lines
            .next()
            .map(str::trim)
            .and_then(|l| l.strip_prefix("fix: "))
    }

    fn marks(&self) -> Vec<(String, String)> {
        self.stdout
            .lines()
            .filter(|l| !l.starts_with(' '))
            .map(|l| {
                let mut words = l.split_whitespace();
                let mark = words.next().unwrap().to_owned();
                (words.next().unwrap().to_owned(), mark)
            })
            .collect()
    }
}

fn doctor(url: &str, token: &str, flags: &[&str]) -> Run {
    let out: Output = Command::new(uscall_bin())
        .args(["doctor", "--url", url])
        .args(flags)
        .env_remove("USCALL_URL")
        .env_remove("USCALL_FORMAT")
        .env("USCALL_TOKEN", token)
        .output()
        .expect("running uscall");
    let run = Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    };
    assert!(
        !run.stdout.contains(TOKEN) && !run.stderr.contains(TOKEN),
        "the token leaked:\n{}{}",
        run.stdout,
        run.stderr
    );
    run
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn every_check_passes_against_the_reference_server_and_json_says_the_same() {
    let server = PhpServer::nusoap(&[]);
    let run = doctor(&server.url(), TOKEN, &[]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.marks(),
        owned(&[
            ("dns", "✓"),
            ("tcp", "✓"),
            // Plain http: worth a warning, not a failure.
            ("tls", "!"),
            ("wsdl", "✓"),
            ("drift", "✓"),
            ("token", "✓"),
            ("clock", "✓"),
            ("latency", "✓"),
        ])
    );
    assert!(
        run.line("drift")
            .contains("matches the 30 operations compiled in"),
        "{}",
        run.stdout
    );
    assert!(run.line("token").contains("getPauses"), "{}", run.stdout);
    assert!(run.stderr.is_empty(), "{}", run.stderr);

    let run = doctor(&server.url(), TOKEN, &["--format", "json"]);
    assert_eq!(run.code, 0);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["ok"], true);
    let statuses: Vec<(&str, &str)> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["check"].as_str().unwrap(), c["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("dns", "pass"),
            ("tcp", "pass"),
            ("tls", "warn"),
            ("wsdl", "pass"),
            ("drift", "pass"),
            ("token", "pass"),
            ("clock", "pass"),
            ("latency", "pass"),
        ]
    );
    // The only call doctor made is the harmless read.
    let ops: Vec<Value> = server.calls().iter().map(|c| c["op"].clone()).collect();
    assert_eq!(ops, ["getPauses", "getPauses"]);
}

#[test]
fn a_wrong_token_fails_its_check_with_the_fix() {
    let server = PhpServer::nusoap(&[]);
    let run = doctor(&server.url(), "not-the-token", &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.line("token").starts_with('✗'), "{}", run.stdout);
    assert!(
        run.line("token").contains("Token inválido"),
        "{}",
        run.stdout
    );
    assert!(run.fix("token").unwrap().contains("USCALL_TOKEN"));
    // The other checks still ran and passed.
    assert!(run.line("drift").starts_with('✓') && run.line("clock").starts_with('✓'));
    assert_eq!(run.stderr.trim(), "uscall: 1 of 8 checks failed");
}

#[test]
fn a_clock_an_hour_off_fails_either_way() {
    for (offset, words) in [
        ("3600", "1 h 0 min ahead of"),
        ("-3600", "1 h 0 min behind"),
    ] {
        let server = PhpServer::nusoap(&[("USCALL_CLOCK_OFFSET", offset)]);
        let run = doctor(&server.url(), TOKEN, &["--format", "json"]);
        assert_eq!(run.code, 1, "{}", run.stdout);
        let json: Value = serde_json::from_str(&run.stdout).unwrap();
        let clock = &json["checks"][6];
        assert_eq!(clock["check"], "clock");
        assert_eq!(clock["status"], "fail");
        assert!(clock["detail"].as_str().unwrap().contains(words), "{clock}");
        let expected: i64 = offset.parse().unwrap();
        let measured = clock["data"]["offset_seconds"].as_i64().unwrap();
        assert!((measured - expected).abs() <= 2, "{clock}");
        assert!(clock["fix"].as_str().unwrap().contains("NTP"));
        assert_eq!(json["ok"], false);
    }
}

#[test]
fn an_unreachable_port_fails_tcp_and_skips_the_rest() {
    // A port that was free a moment ago: nothing listens on it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let run = doctor(&format!("http://127.0.0.1:{port}/"), TOKEN, &[]);
    assert_eq!(run.code, 1);
    assert!(run.line("dns").starts_with('✓'));
    assert!(run.line("tcp").starts_with('✗'), "{}", run.stdout);
    assert!(run.line("tcp").contains("refused"), "{}", run.stdout);
    assert!(run.fix("tcp").unwrap().contains(&format!("port {port}")));
    for skipped in ["tls", "wsdl", "drift", "token", "clock", "latency"] {
        assert!(run.line(skipped).starts_with('-'), "{}", run.stdout);
    }
}

#[test]
fn drift_calls_out_a_renamed_part_as_one_ext_soap_would_ignore() {
    let dir = tempfile::tempdir().unwrap();
    let file = drifted::write_latin1(dir.path(), "renamed.wsdl", &drifted::agentes_renamed());
    let server = PhpServer::native(&[("USCALL_WSDL", file.to_str().unwrap())]);
    let run = doctor(&server.url(), TOKEN, &[]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let drift = run.line("drift");
    assert!(drift.starts_with('✗'), "{drift}");
    assert!(
        drift.contains("1 difference(s) on the wire")
            && drift.contains("ccenterAgents: part agentes (position 2) is now `agente`")
            && drift.contains("an ext/soap server would ignore this part"),
        "{drift}"
    );
    assert!(
        run.fix("drift")
            .unwrap()
            .contains("cargo xtask regen --url")
    );
    assert!(run.line("token").starts_with('✓'), "{}", run.stdout);
}
