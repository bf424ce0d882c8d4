//! The `uscall` command line: all 30 operations against both real servers, help, and failures.

use serde_json::Value;
use std::process::{Command, Output};
use uscall_client::Client;
use uscall_tests::calls::{Call, all_calls, assert_answer};
use uscall_tests::{PhpServer, TOKEN, fixture, uscall_bin};

fn uscall(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(uscall_bin());
    cmd.args(args)
        .env_remove("USCALL_URL")
        .env_remove("USCALL_TOKEN");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("running uscall")
}

/// `<subcommand> --flag value ...` for a call.
fn cli_args(call: &Call) -> Vec<String> {
    let op = Client::operation(call.op).unwrap();
    let mut args = vec![op.cli_name.to_owned()];
    for (part, value) in &call.args {
        let p = op.params.iter().find(|p| p.name == *part).unwrap();
        args.push(format!("--{}", p.cli_name));
        args.push(value.clone());
    }
    args
}

fn all_operations_through_the_cli(server: PhpServer) {
    let fixture = fixture();
    for (i, call) in all_calls(&fixture).iter().enumerate() {
        let mut args: Vec<String> = Vec::new();
        let mut env = Vec::new();
        // Alternate between flags and environment variables, and between URL forms.
        if i % 2 == 0 {
            args.extend([
                "--url".into(),
                server.wsdl_url(),
                "--token".into(),
                TOKEN.into(),
            ]);
        } else {
            env.push(("USCALL_URL", server.url()));
            env.push(("USCALL_TOKEN", TOKEN.to_owned()));
        }
        args.extend(cli_args(call));
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let envv: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let out = uscall(&argv, &envv);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "{:?} uscall {argv:?}: {stderr}",
            server.kind()
        );
        assert!(stderr.is_empty(), "nothing on stderr on success: {stderr}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(
            stdout.starts_with("{\n  \"retorno\""),
            "pretty-printed JSON: {stdout}"
        );
        let json: Value = serde_json::from_str(&stdout).unwrap();
        assert_answer(&fixture, call, &json);
    }
    assert_eq!(server.calls().len(), 30);
}

#[test]
fn all_operations_through_the_cli_on_nusoap() {
    all_operations_through_the_cli(PhpServer::nusoap(&[]));
}

#[test]
fn all_operations_through_the_cli_on_native_soapserver() {
    all_operations_through_the_cli(PhpServer::native(&[]));
}

#[test]
fn help_lists_every_operation_and_each_operations_parameters() {
    let out = uscall(&["--help"], &[]);
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for op in Client::operations() {
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{} ", op.cli_name)))
            .unwrap_or_else(|| panic!("--help does not list {}:\n{help}", op.cli_name));
        let first_words: String = op
            .summary
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            line.contains(&first_words),
            "{line:?} lacks the summary {:?}",
            op.summary
        );
    }
    let out = uscall(&["cdr-search", "--help"], &[]);
    let help = String::from_utf8(out.stdout).unwrap();
    for flag in [
        "--dataini",
        "--datafin",
        "--origem",
        "--destino",
        "--idunico",
        "--url",
        "--token",
    ] {
        assert!(
            help.contains(flag),
            "cdr-search --help lacks {flag}:\n{help}"
        );
    }
    assert!(
        help.contains("cdrSearch") && help.contains("urn:wsuscall#cdrSearch"),
        "{help}"
    );
    // The token from the environment is never shown.
    let out = uscall(&["get-agent", "--help"], &[("USCALL_TOKEN", TOKEN)]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains(TOKEN));
}

#[test]
fn required_parameters_are_enforced_by_the_cli() {
    let out = uscall(
        &[
            "--url",
            "http://127.0.0.1:9",
            "--token",
            "t",
            "start-call",
            "--tipo",
            "outbound",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--origem")
            && stderr.contains("--destino")
            && stderr.contains("--categoria"),
        "{stderr}"
    );
}

/// Runs a failing command and returns (exit code, the single stderr line).
fn failure(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let out = uscall(args, env);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.stdout.is_empty(), "nothing on stdout on failure");
    assert_eq!(stderr.lines().count(), 1, "one line on stderr: {stderr:?}");
    assert!(!stderr.contains(TOKEN), "the token leaked: {stderr}");
    (out.status.code().unwrap(), stderr.trim_end().to_owned())
}

#[test]
fn faults_http_and_transport_errors_exit_non_zero_with_one_line() {
    let server = PhpServer::nusoap(&[]);
    let env = [
        ("USCALL_URL", server.url()),
        ("USCALL_TOKEN", TOKEN.to_owned()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();

    let (code, line) = failure(&["cdr-search", "--idunico", "FAULT"], &env);
    assert_eq!(code, 3);
    assert_eq!(
        line,
        "uscall: cdrSearch: SOAP fault SOAP-ENV:Server: Falha simulada"
    );

    let missing = server.url().replace("wsuscall.php", "nada.php");
    let (code, line) = failure(&["--url", &missing, "get-agent"], &env);
    assert_eq!(code, 4);
    assert!(
        line.starts_with("uscall: getAgent: HTTP 404 from the server"),
        "{line}"
    );

    // A closed port: connection refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (code, line) = failure(
        &["--url", &format!("http://127.0.0.1:{closed}"), "get-agent"],
        &env,
    );
    assert_eq!(code, 5);
    assert!(
        line.starts_with("uscall: getAgent: request to http://127.0.0.1:"),
        "{line}"
    );

    let (code, line) = failure(&["get-agent"], &[("USCALL_TOKEN", TOKEN)]);
    assert_eq!(code, 2);
    assert!(line.contains("no URL"), "{line}");
    let (code, line) = failure(&["--url", &server.url(), "get-agent"], &[]);
    assert_eq!(code, 2);
    assert!(line.contains("no token"), "{line}");
}

#[test]
fn insecure_is_loud() {
    let server = PhpServer::nusoap(&[]);
    let out = uscall(
        &[
            "--insecure",
            "--url",
            &server.url(),
            "--token",
            TOKEN,
            "list-trunk",
        ],
        &[],
    );
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: TLS certificate verification is OFF"),
        "{stderr}"
    );
}
