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
    // What the command line shows: the fixture's data with every password hash redacted (getAgent
    // answers them all; output never shows a password, even one that is the data asked for).
    let mut shown = fixture.clone();
    for agent in shown["agents"].as_array_mut().unwrap() {
        agent["senhamd5"] = Value::from("<redacted>");
    }
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
        assert_answer(&shown, call, &json);
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

/// What the server sends reaches the terminal escaped and the spreadsheet neutralised (issue
/// #9), and no argument panics the command line.
mod server_text {
    use super::{TOKEN, Value, uscall};
    use std::process::Output;
    use uscall_tests::{canned, http_response};

    /// A cdrSearch answer as PHP's json_encode writes it (ASCII, `\uXXXX` escapes) whose cells
    /// carry terminal escapes (OSC 52 writing the clipboard, a C1 CSI, a bidi override, DEL)
    /// and spreadsheet formulas, and whose last key is a formula too.
    const ROWS: &str = r#"{"retorno":[
        {"bilheteunico":"1","origem":"=HYPERLINK(\"http://evil.example\",\"ok\")","destino":"+1+cmd|' /C calc'!A0","tronco":"\u001b]52;c;aGFja2Vk\u0007","status":"\u009b31mATENDIDA","duracao":"-12.50"},
        {"bilheteunico":"2","origem":"@SUM(1)","destino":"-2+3","tronco":"\tcmd","status":"\u202eADIDNETA\u007f","duracao":"+5511999990000","@extra":"x"}
    ]}"#;

    /// Whether a terminal might act on `c`: C0, DEL, C1, bidi embeddings, overrides, isolates.
    fn is_control(c: char) -> bool {
        matches!(
            c,
            '\0'..='\x1f' | '\x7f'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
    }

    /// Runs `uscall` against a canned server answering [`ROWS`] to every request; the command
    /// runs on a blocking thread so that the server keeps answering.
    async fn against_hostile_server(args: &[&str]) -> Output {
        // ROWS holds no `&` or `<`: quotes are all XML needs escaped in the return part.
        let escaped = ROWS.replace('"', "&quot;");
        let body = uscall_client::fuzzing::nusoap_envelope("cdrSearch", escaped.as_bytes());
        let reply = http_response("200 OK", "text/xml; charset=ISO-8859-1", &body);
        let (url, _) = canned(reply).await;
        let mut argv = vec!["--url".to_owned(), url, "--token".into(), TOKEN.into()];
        argv.extend(args.iter().map(|a| (*a).to_owned()));
        tokio::task::spawn_blocking(move || {
            let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
            uscall(&argv, &[])
        })
        .await
        .unwrap()
    }

    /// The stdout of a successful run, checked to hold no control character but `allowed`.
    fn clean_stdout(what: &str, out: Output, allowed: &[char]) -> String {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{what}: {stderr}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        let raw: Vec<char> = stdout
            .chars()
            .filter(|&c| is_control(c) && !allowed.contains(&c))
            .collect();
        assert!(raw.is_empty(), "{what}: raw {raw:?} on stdout: {stdout:?}");
        stdout
    }

    #[tokio::test]
    async fn json_jsonl_and_table_escape_every_control_character() {
        let sent: Value = serde_json::from_str(ROWS).unwrap();
        let rows = sent["retorno"].as_array().unwrap();

        let out = against_hostile_server(&["cdr-search", "--idunico", "1"]).await;
        let json = clean_stdout("json", out, &['\n']);
        assert!(json.contains(r"\u009b31mATENDIDA"), "{json}");
        // Escaped, not dropped: a JSON reader gets back exactly what the server sent.
        assert_eq!(serde_json::from_str::<Value>(&json).unwrap(), sent);

        let out = against_hostile_server(&["--format", "jsonl", "cdr-search", "--idunico", "1"]);
        let jsonl = clean_stdout("jsonl", out.await, &['\n']);
        let back: Vec<Value> = jsonl
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(&back, rows);

        let out = against_hostile_server(&["--format", "table", "cdr-search", "--idunico", "1"]);
        let table = clean_stdout("table", out.await, &['\n']);
        assert_eq!(table.lines().count(), 3, "a line a row: {table}");
        for shown in [
            r"\x1b]52;c;aGFja2Vk\x07",
            r"\u{9b}31m",
            r"\u{202e}",
            r"\tcmd",
        ] {
            assert!(table.contains(shown), "{shown} not in {table}");
        }
    }

    /// The CSV's records, header first.
    fn records(csv: &str) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    /// Row `row`'s cell in column `name` (row 0 is the header).
    fn cell<'r>(records: &'r [Vec<String>], row: usize, name: &str) -> &'r str {
        let col = records[0]
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name} in {:?}", records[0]));
        &records[row][col]
    }

    #[tokio::test]
    async fn csv_neutralises_formulas_unless_verbatim_and_always_escapes_controls() {
        let whole = ["--format", "csv", "cdr-search", "--idunico", "1"];
        // --window streams the rows through the other CSV writer (one window, one answer).
        let windowed = [
            "--format",
            "csv",
            "cdr-search",
            "--dataini",
            "2025-06-02 00:00:00",
            "--datafin",
            "2025-06-02 23:59:59",
            "--window",
            "1d",
        ];
        for args in [&whole[..], &windowed[..]] {
            let out = against_hostile_server(args).await;
            // A tab inside a quoted cell is data, not an escape.
            let csv = clean_stdout("csv", out, &['\n', '\t']);
            let r = records(&csv);
            assert_eq!(r.len(), 3, "{csv}");
            assert_eq!(r[0].last().unwrap(), "'@extra", "{csv}");
            assert_eq!(
                cell(&r, 1, "origem"),
                "'=HYPERLINK(\"http://evil.example\",\"ok\")"
            );
            assert_eq!(cell(&r, 1, "destino"), "'+1+cmd|' /C calc'!A0");
            assert_eq!(cell(&r, 2, "origem"), "'@SUM(1)");
            assert_eq!(cell(&r, 2, "destino"), "'-2+3");
            assert_eq!(cell(&r, 2, "tronco"), "'\tcmd");
            // Plain numbers stay numbers.
            assert_eq!(cell(&r, 1, "duracao"), "-12.50");
            assert_eq!(cell(&r, 2, "duracao"), "+5511999990000");
            assert_eq!(cell(&r, 1, "tronco"), r"\x1b]52;c;aGFja2Vk\x07");
            assert_eq!(cell(&r, 1, "status"), r"\u{9b}31mATENDIDA");
            assert_eq!(cell(&r, 2, "status"), r"\u{202e}ADIDNETA\x7f");

            let verbatim: Vec<&str> = std::iter::once("--csv-verbatim")
                .chain(args.iter().copied())
                .collect();
            let out = against_hostile_server(&verbatim).await;
            let csv = clean_stdout("csv --csv-verbatim", out, &['\n', '\t']);
            let r = records(&csv);
            assert_eq!(r[0].last().unwrap(), "@extra", "{csv}");
            assert_eq!(
                cell(&r, 1, "origem"),
                "=HYPERLINK(\"http://evil.example\",\"ok\")"
            );
            assert_eq!(cell(&r, 1, "destino"), "+1+cmd|' /C calc'!A0");
            assert_eq!(cell(&r, 2, "destino"), "-2+3");
            assert_eq!(cell(&r, 2, "tronco"), "\tcmd");
            assert_eq!(cell(&r, 1, "tronco"), r"\x1b]52;c;aGFja2Vk\x07");
        }
    }

    #[test]
    fn out_of_range_timeouts_are_usage_errors_not_panics() {
        for (flag, value) in [("--timeout", "1e20"), ("--connect-timeout", "1e30")] {
            let out = uscall(
                &[
                    "--url",
                    "http://127.0.0.1:9",
                    "--token",
                    "t",
                    flag,
                    value,
                    "get-agent",
                ],
                &[],
            );
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{flag} {value}: {stderr}");
            assert!(!stderr.contains("panicked"), "{stderr}");
            assert!(
                stderr.contains(flag) && stderr.contains("at most 2592000 (30 days)"),
                "{flag} {value}: {stderr}"
            );
            assert!(out.stdout.is_empty());
        }
    }
}
