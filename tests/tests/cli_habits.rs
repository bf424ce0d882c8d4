//! The command line as people expect it (issue #11, point 6): completions and a man page, help
//! that separates parameters from global options and quotes the vendor document, documented
//! values checked before sending, `| head`, `--window` spans, profiles and an environment
//! variable per global option, `--version` naming the WSDL, and `--dry-run` sending nothing.

use serde_json::Value;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use uscall_client::Client;
use uscall_tests::{PhpServer, TOKEN, repo_root, uscall_bin};

/// Every variable the command line reads, so the machine's own settings never leak in.
const CLEARED: &[&str] = &[
    "USCALL_URL",
    "USCALL_TOKEN",
    "USCALL_PROFILE",
    "USCALL_CONFIG",
    "USCALL_DRY_RUN",
    "USCALL_CA_CERT",
    "USCALL_PIN_SHA256",
    "USCALL_INSECURE",
    "USCALL_TIMEOUT",
    "USCALL_CONNECT_TIMEOUT",
    "USCALL_MAX_RESPONSE_BYTES",
    "USCALL_RETRIES",
    "USCALL_FORMAT",
    "USCALL_CSV_VERBATIM",
    "XDG_CONFIG_HOME",
];

fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(uscall_bin());
    cmd.args(args);
    for k in CLEARED {
        cmd.env_remove(k);
    }
    // No config file of the machine's user is read.
    let home = std::env::temp_dir().join("uscall-cli-habits-no-home");
    cmd.env("HOME", &home);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

fn uscall(args: &[&str], env: &[(&str, &str)]) -> Output {
    command(args, env).output().expect("running uscall")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs a command that must succeed, with nothing on stderr; gives its stdout.
fn ok(args: &[&str], env: &[(&str, &str)]) -> String {
    let out = uscall(args, env);
    assert!(
        out.status.success(),
        "uscall {args:?}: {}",
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Runs a command that must fail with `code` and one line on stderr; gives that line.
fn fails(code: i32, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = uscall(args, env);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "uscall {args:?}: {stderr}");
    stderr
}

fn server_env(server: &PhpServer) -> Vec<(&'static str, String)> {
    vec![
        ("USCALL_URL", server.url()),
        ("USCALL_TOKEN", TOKEN.to_owned()),
    ]
}

fn borrow<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[test]
fn completions_for_every_shell_name_the_generated_subcommands() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let script = ok(&["completions", shell], &[]);
        for op in Client::operations() {
            assert!(
                script.contains(op.cli_name),
                "{shell} completions lack {}",
                op.cli_name
            );
        }
        // fish writes flags as `-l dataini`.
        for word in ["recordings", "dataini", "profile", "dry-run"] {
            assert!(script.contains(word), "{shell} completions lack {word}");
        }
    }
    let err = fails(2, &["completions", "tcsh"], &[]);
    assert!(err.contains("bash"), "{err}");
}

#[test]
fn the_man_page_renders_and_names_every_operation() {
    let page = ok(&["man"], &[]).replace("\\-", "-");
    assert!(
        page.starts_with(".ie") || page.contains(".TH uscall"),
        "{page}"
    );
    for op in Client::operations() {
        assert!(page.contains(op.cli_name), "man lacks {}", op.cli_name);
    }
    let page = ok(&["man", "cdr-search"], &[]).replace("\\-", "-");
    assert!(page.contains(".TH uscall-cdr-search"), "{page}");
    assert!(page.contains("--dataini") && page.contains("today at 00:00:00"));
    fails(2, &["man", "no-such-operation"], &[]);
}

#[test]
fn help_separates_parameters_from_global_options_in_the_vendors_words() {
    let help = ok(&["cdr-search", "--help"], &[]);
    let at = |what: &str| {
        help.find(what)
            .unwrap_or_else(|| panic!("no {what:?} in:\n{help}"))
    };
    let (params, global) = (at("\nParameters:\n"), at("\nGlobal options:\n"));
    for flag in ["--dataini", "--datafin", "--idunico", "--window"] {
        let i = at(&format!("--{}", &flag[2..]));
        assert!(
            params < i && i < global,
            "{flag} is not a parameter:\n{help}"
        );
    }
    for flag in ["--url", "--token", "--profile", "--timeout", "--format"] {
        assert!(at(flag) > global, "{flag} is not a global option:\n{help}");
    }
    // A sentence of the document (format and default), not the part's XSD type.
    assert!(help.contains("YYYY-MM-DD HH:MM:SS") && help.contains("today at 23:59:59"));
    assert!(!help.contains("Part `dataini`"), "{help}");
    let help = ok(&["start-call", "--help"], &[]);
    assert!(
        help.contains("outbound") && help.contains("clicktocall"),
        "{help}"
    );
    let help = ok(&["audio-download", "--help"], &[]);
    assert!(help.contains("mp3, ogg or wav") && help.contains("default: wav"));
}

#[test]
fn documented_values_are_checked_before_anything_is_sent() {
    let server = PhpServer::nusoap(&[]);
    let env = server_env(&server);
    let env = borrow(&env);
    let start = |tipo: &str| {
        vec![
            "start-call",
            "--tipo",
            tipo,
            "--origem",
            "1139952800",
            "--destino",
            "2800",
            "--categoria",
            "1",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>()
    };
    let bad: Vec<(Vec<String>, &str)> = vec![
        (start("inbound"), "outbound, clicktocall"),
        (
            ["audio-download", "--idunico", "1.2", "--formato", "flac"]
                .map(String::from)
                .to_vec(),
            "mp3, ogg, wav",
        ),
        (
            ["exten-status", "--tipo", "sip"].map(String::from).to_vec(),
            "callcenter, pbx, all",
        ),
        (
            ["cdr-search", "--dataini", "02/06/2025"]
                .map(String::from)
                .to_vec(),
            "YYYY-MM-DD HH:MM:SS",
        ),
        (
            ["ccenter-agents", "--agentes", "600,611", "--filas", "[]"]
                .map(String::from)
                .to_vec(),
            "JSON array",
        ),
        (
            [
                "monit-exten",
                "--srcramal",
                "1",
                "--dstramal",
                "2",
                "--tipo",
                "spy",
            ]
            .map(String::from)
            .to_vec(),
            "escuta, monitor, conf",
        ),
    ];
    for (args, allowed) in &bad {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = fails(2, &args, &env);
        assert!(err.contains(allowed), "{args:?}: {err}");
    }
    assert!(server.calls().is_empty(), "sent: {:?}", server.calls());

    // Accepted spellings go out as the PBX writes them.
    let args = start("clicktocal");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(&args, &env);
    ok(
        &[
            "cdr-search",
            "--dataini",
            "2025-06-02",
            "--datafin",
            "2025-06-02",
        ],
        &env,
    );
    let calls = server.calls();
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert_eq!(calls[0]["args"]["tipo"], "clicktocall");
    assert_eq!(calls[1]["args"]["dataini"], "2025-06-02 00:00:00");
    assert_eq!(calls[1]["args"]["datafin"], "2025-06-02 23:59:59");
}

/// Runs uscall with its stdout a pipe whose reader is already gone, as `uscall ... | head`
/// after head has read its lines.
fn into_closed_pipe(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut child = command(args, env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("running uscall");
    drop(child.stdout.take());
    child.wait_with_output().expect("waiting for uscall")
}

#[test]
fn a_closed_pipe_ends_quietly_with_exit_0() {
    let server = PhpServer::nusoap(&[]);
    let env = server_env(&server);
    let env = borrow(&env);
    let dry = [
        "--dry-run",
        "start-call",
        "--tipo",
        "outbound",
        "--origem",
        "1",
        "--destino",
        "2",
        "--categoria",
        "1",
    ];
    let runs: [&[&str]; 6] = [
        &["completions", "zsh"],
        &["cdr-search", "--help"],
        &["get-extens"],
        &["get-extens", "--format", "jsonl"],
        &["cdr-search", "--format", "csv"],
        &dry,
    ];
    for args in runs {
        let out = into_closed_pipe(args, &env);
        assert_eq!(
            out.status.code(),
            Some(0),
            "uscall {args:?} | head: {}",
            text(&out.stderr)
        );
        assert!(out.stderr.is_empty(), "{args:?}: {}", text(&out.stderr));
    }
}

#[test]
fn window_takes_any_span_jiff_reads() {
    let server = PhpServer::nusoap(&[]);
    let env = server_env(&server);
    let env = borrow(&env);
    let range = [
        "cdr-search",
        "--dataini",
        "2025-06-01 00:00:00",
        "--datafin",
        "2025-06-03 23:59:59",
        "--format",
        "jsonl",
        "--window",
    ];
    let mut sent = 0;
    // Three days in windows of 30 hours, a week, and 12 hours.
    for (span, windows) in [("1d 6h", 3), ("1w", 1), ("PT12H", 6)] {
        let args: Vec<&str> = range.iter().copied().chain([span]).collect();
        ok(&args, &env);
        let calls = server.calls();
        assert_eq!(calls.len() - sent, windows, "--window {span}: {calls:?}");
        sent = calls.len();
    }
    for bad in ["1mo", "0s", "-1d", "soon"] {
        let flag = format!("--window={bad}");
        let args: Vec<&str> = range[..range.len() - 1]
            .iter()
            .copied()
            .chain([flag.as_str()])
            .collect();
        let err = fails(2, &args, &env);
        assert!(err.contains("--window"), "{err}");
    }
    assert_eq!(server.calls().len(), sent);
}

fn write_config(dir: &Path, text: &str) {
    let folder = dir.join("uscall");
    std::fs::create_dir_all(&folder).unwrap();
    let mut file = std::fs::File::create(folder.join("config.toml")).unwrap();
    file.write_all(text.as_bytes()).unwrap();
}

/// A URL nothing answers on: a profile or variable that wins sends the call there.
const DEAD: &str = "http://127.0.0.1:9/aplicativos/webservice/wsuscall.php";

#[test]
fn profiles_name_each_pbx_and_flags_and_variables_win_over_them() {
    let server = PhpServer::nusoap(&[]);
    let xdg = tempfile::tempdir().unwrap();
    let xdg_path = xdg.path().to_str().unwrap();
    write_config(
        xdg.path(),
        &format!(
            r#"
            [profiles.matriz]
            url = "{url}"
            token_command = "echo '{TOKEN}'"

            [profiles.filial]
            url = "{url}"
            token_env = "FILIAL_TOKEN"

            [profiles.morta]
            url = "{DEAD}"
            token = "{TOKEN}"
            "#,
            url = server.url()
        ),
    );
    let with = |more: &[(&'static str, &'static str)]| {
        let mut env = vec![("XDG_CONFIG_HOME", xdg_path)];
        env.extend_from_slice(more);
        env
    };
    // --profile and USCALL_PROFILE; the token from a command and from a variable.
    ok(&["--profile", "matriz", "get-pauses"], &with(&[]));
    ok(&["get-pauses"], &with(&[("USCALL_PROFILE", "matriz")]));
    ok(
        &["--profile", "filial", "get-pauses"],
        &with(&[("FILIAL_TOKEN", TOKEN)]),
    );
    assert_eq!(server.calls().len(), 3);
    let err = fails(2, &["--profile", "filial", "get-pauses"], &with(&[]));
    assert!(err.contains("FILIAL_TOKEN"), "{err}");
    // A flag wins over the profile, and so does a variable.
    fails(
        5,
        &["--profile", "matriz", "--url", DEAD, "get-pauses"],
        &with(&[]),
    );
    fails(
        5,
        &["--profile", "matriz", "get-pauses"],
        &with(&[("USCALL_URL", DEAD)]),
    );
    fails(
        7,
        &["--profile", "matriz", "get-pauses"],
        &with(&[("USCALL_TOKEN", "wrong")]),
    );
    // The flag wins over USCALL_PROFILE.
    ok(
        &["--profile", "matriz", "get-pauses"],
        &with(&[("USCALL_PROFILE", "morta")]),
    );
    let err = fails(2, &["--profile", "nenhum", "get-pauses"], &with(&[]));
    assert!(err.contains("matriz") && err.contains("filial"), "{err}");

    // $HOME/.config without XDG_CONFIG_HOME, and the file's default profile.
    let home = tempfile::tempdir().unwrap();
    write_config(
        &home.path().join(".config"),
        &format!(
            "default = \"a\"\n[profiles.a]\nurl = \"{}\"\ntoken = \"{TOKEN}\"\n",
            server.url()
        ),
    );
    let calls = server.calls().len();
    ok(&["get-pauses"], &[("HOME", home.path().to_str().unwrap())]);
    assert_eq!(server.calls().len(), calls + 1);

    // A typo in the file is named.
    let bad = tempfile::tempdir().unwrap();
    write_config(bad.path(), "[profiles.a]\nurll = \"x\"\n");
    let err = fails(
        2,
        &["--profile", "a", "get-pauses"],
        &[("XDG_CONFIG_HOME", bad.path().to_str().unwrap())],
    );
    assert!(err.contains("urll"), "{err}");

    // The help says the order.
    let help = ok(&["--help"], &[]);
    assert!(help.contains("a flag wins over its variable, and both win over the profile"));
}

#[test]
fn every_global_option_has_an_environment_variable() {
    let help = ok(&["get-pauses", "--help"], &[]);
    let global = &help[help.find("Global options:").expect("a heading")..];
    let mut flags = 0;
    for block in global.split("\n      --").skip(1) {
        let flag = block.split_whitespace().next().unwrap();
        let var = format!("[env: USCALL_{}", flag.to_uppercase().replace('-', "_"));
        assert!(block.contains(&var), "--{flag} has no {var}]:\n{block}");
        flags += 1;
    }
    assert!(flags >= 13, "{flags} global options:\n{global}");

    let server = PhpServer::nusoap(&[]);
    let env = server_env(&server);
    let mut env = borrow(&env);
    env.push(("USCALL_FORMAT", "jsonl"));
    let out = ok(&["get-extens"], &env);
    for line in out.lines() {
        serde_json::from_str::<Value>(line).expect("a JSON row per line");
    }
    assert!(out.lines().count() > 1, "{out}");
    env.push(("USCALL_TIMEOUT", "forever"));
    fails(2, &["get-extens"], &env);
}

#[test]
fn version_names_the_wsdl_by_its_hash_and_operation_count() {
    let version = ok(&["--version"], &[]);
    let wsdl = std::fs::read(repo_root().join("wsdl/wsuscall.wsdl")).unwrap();
    let hash: String = uscall_tls::Fingerprint::of(&wsdl)
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let count = Client::operations().len();
    assert_eq!(
        version.trim(),
        format!(
            "uscall {} (WSDL sha256 {hash}, {count} operations)",
            env!("CARGO_PKG_VERSION")
        )
    );
    // Over another table: its own count, and a hash said to be of the table.
    let out = Command::new(env!("CARGO_BIN_EXE_typed-uscall"))
        .arg("--version")
        .output()
        .unwrap();
    let version = text(&out.stdout);
    let count = uscall_tests::typed::encoded::OPERATIONS.len();
    assert!(
        version.contains("operations table sha256 ")
            && version.contains(&format!(", {count} operations)")),
        "{version}"
    );
}

#[test]
fn dry_run_prints_the_redacted_envelope_and_sends_nothing() {
    let server = PhpServer::nusoap(&[]);
    let env = server_env(&server);
    let env = borrow(&env);
    let call = [
        "start-call",
        "--tipo",
        "clicktocall",
        "--origem",
        "1139952800",
        "--destino",
        "2800",
        "--categoria",
        "1",
    ];
    let dry: Vec<&str> = ["--dry-run"].into_iter().chain(call).collect();
    let out = ok(&dry, &env);
    assert!(
        out.starts_with(&format!("POST {}\n", server.url())),
        "{out}"
    );
    assert!(
        out.contains("SOAPAction: \"urn:wsuscall#startCall\""),
        "{out}"
    );
    assert!(out.contains(">clicktocall</tipo>") && out.contains(">1139952800</origem>"));
    assert!(out.contains("<redacted>") && !out.contains(TOKEN), "{out}");
    let login = [
        "--dry-run",
        "agent-login",
        "--agente",
        "600",
        "--ramal",
        "2800",
        "--senhamd5",
        "e10adc3949ba59abbe56e057f20f883e",
    ];
    let out = ok(&login, &env);
    assert!(!out.contains("e10adc3949ba59abbe56e057f20f883e"), "{out}");
    let mut env_dry = env.clone();
    env_dry.push(("USCALL_DRY_RUN", "1"));
    ok(&call, &env_dry);
    // Many requests cannot be shown as one.
    fails(
        2,
        &[
            "--dry-run",
            "cdr-search",
            "--dataini",
            "2025-06-01",
            "--datafin",
            "2025-06-02",
            "--window",
            "1d",
        ],
        &env,
    );
    fails(
        2,
        &[
            "--dry-run",
            "recordings",
            "--dataini",
            "2025-06-01",
            "--datafin",
            "2025-06-02",
            "-o",
            "x",
        ],
        &env,
    );
    assert!(server.calls().is_empty(), "sent: {:?}", server.calls());
    // The same command without it is sent: the server does record calls.
    ok(&call, &env);
    assert_eq!(server.calls().len(), 1);
}
