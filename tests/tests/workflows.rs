//! Everyday jobs through the command line on real output: formats, windows, recordings, refusals.

use serde_json::Value;
use std::process::{Command, Output};
use uscall_tests::{PhpServer, TOKEN, base64_decode, fixture, hms_seconds, uscall_bin};

fn uscall(server: &PhpServer, args: &[&str]) -> Output {
    Command::new(uscall_bin())
        .args(args)
        .env("USCALL_URL", server.url())
        .env("USCALL_TOKEN", TOKEN)
        .output()
        .expect("running uscall")
}

fn ok(server: &PhpServer, args: &[&str]) -> String {
    let out = uscall(server, args);
    assert!(
        out.status.success(),
        "uscall {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The fixture's CDRs with `datahora` in `[from, to]`, in fixture order.
fn cdrs_between(from: &str, to: &str) -> Vec<Value> {
    fixture()["cdrs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            let d = c["datahora"].as_str().unwrap();
            d >= from && d <= to
        })
        .cloned()
        .collect()
}

const DAY: [&str; 4] = [
    "--dataini",
    "2025-06-02 00:00:00",
    "--datafin",
    "2025-06-02 23:59:59",
];

#[test]
fn jsonl_has_one_line_per_row_and_keeps_every_key() {
    let server = PhpServer::nusoap(&[]);
    let out = ok(
        &server,
        &[&["cdr-search", "--format", "jsonl"][..], &DAY].concat(),
    );
    let want = cdrs_between("2025-06-02 00:00:00", "2025-06-02 23:59:59");
    let got: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got, want);
}

#[test]
fn csv_parses_back_to_the_rows_with_the_model_columns_first() {
    let server = PhpServer::native(&[]);
    let out = ok(
        &server,
        &[&["cdr-search", "--format", "csv"][..], &DAY].concat(),
    );
    let (header, records) = uscall_tests::csv_parsed(&out);
    assert_eq!(
        &header[..4],
        ["bilheteunico", "audio", "datahora", "tipo"],
        "{header:?}"
    );
    let want = cdrs_between("2025-06-02 00:00:00", "2025-06-02 23:59:59");
    assert_eq!(records.len(), want.len());
    for (record, row) in records.iter().zip(&want) {
        for (name, value) in header.iter().zip(record.iter()) {
            assert_eq!(
                row[name.as_str()].as_str().unwrap_or_default(),
                value,
                "column {name}"
            );
        }
    }
    // Values stay as the PBX wrote them: accents, leading zeros.
    assert!(out.contains("NÃO ATENDIDA"), "{out}");
}

#[test]
fn table_has_a_header_and_a_line_per_row() {
    let server = PhpServer::nusoap(&[]);
    let out = ok(&server, &["get-extens", "--format", "table"]);
    let n = fixture()["extensions"].as_array().unwrap().len();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), n + 1, "{out}");
    assert!(
        lines[0]
            .split_whitespace()
            .collect::<Vec<_>>()
            .starts_with(&["num", "tipo", "nome"]),
        "{}",
        lines[0]
    );
    assert!(out.contains("0119"));
}

#[test]
fn windows_stream_a_long_range_in_order_without_duplicates() {
    let server = PhpServer::nusoap(&[]);
    let range = [
        "--dataini",
        "2025-06-02 00:00:00",
        "--datafin",
        "2025-06-04 23:59:59",
    ];
    let want = cdrs_between("2025-06-02 00:00:00", "2025-06-04 23:59:59");
    for window in ["1d", "6h", "1h"] {
        let out = ok(
            &server,
            &[
                &["cdr-search", "--format", "jsonl", "--window", window][..],
                &range,
            ]
            .concat(),
        );
        let got: Vec<Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let mut sorted = want.clone();
        sorted.sort_by(|a, b| a["datahora"].as_str().cmp(&b["datahora"].as_str()));
        let mut got_sorted = got.clone();
        got_sorted.sort_by(|a, b| a["datahora"].as_str().cmp(&b["datahora"].as_str()));
        assert_eq!(got_sorted, sorted, "window {window}");
        let times: Vec<&str> = got
            .iter()
            .map(|r| r["datahora"].as_str().unwrap())
            .collect();
        let mut by_day: Vec<&str> = times.clone();
        by_day.sort();
        assert_eq!(
            times.iter().map(|t| &t[..10]).collect::<Vec<_>>(),
            by_day.iter().map(|t| &t[..10]).collect::<Vec<_>>(),
            "days in order"
        );
    }
    // One request per window.
    let before = server.calls().len();
    ok(
        &server,
        &[
            &["cdr-search", "--format", "csv", "--window", "1d"][..],
            &range,
        ]
        .concat(),
    );
    assert_eq!(server.calls().len() - before, 3);
}

#[test]
fn audio_download_writes_the_decoded_file() {
    let server = PhpServer::nusoap(&[]);
    let dir = tempfile::tempdir().unwrap();
    let cdr = fixture()["cdrs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["audio"] != "")
        .cloned()
        .unwrap();
    let id = cdr["bilheteunico"].as_str().unwrap();
    let path = dir.path().join("gravacao.ogg");
    let out = ok(
        &server,
        &[
            "audio-download",
            "--idunico",
            id,
            "-o",
            path.to_str().unwrap(),
        ],
    );
    let meta: Value = serde_json::from_str(&out).unwrap();
    assert!(
        meta["nomeaudio"].as_str().unwrap().ends_with(".ogg"),
        "format from the extension: {meta}"
    );
    assert!(meta.get("arquivo_base_64").is_none(), "no base64 on stdout");
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(&bytes[..4], b"RIFF");
    assert_eq!(
        bytes.len(),
        44 + 16 * (100 + hms_seconds(cdr["duracao"].as_str().unwrap()))
    );
    assert_eq!(meta["bytes"], bytes.len());
    // Same bytes as the base64 the service sent.
    let raw = ok(
        &server,
        &["audio-download", "--idunico", id, "--formato", "ogg"],
    );
    let json: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(
        base64_decode(json["retorno"]["arquivo_base_64"].as_str().unwrap()),
        bytes
    );
}

#[test]
fn recordings_of_a_range_with_skips_on_the_second_run() {
    let server = PhpServer::nusoap(&[("PHP_CLI_SERVER_WORKERS", "4")]);
    let dir = tempfile::tempdir().unwrap();
    let range = [
        "--dataini",
        "2025-06-02 00:00:00",
        "--datafin",
        "2025-06-04 23:59:59",
    ];
    let with_audio: Vec<Value> = cdrs_between("2025-06-02 00:00:00", "2025-06-04 23:59:59")
        .into_iter()
        .filter(|c| c["audio"] != "")
        .collect();
    assert!(with_audio.len() >= 3, "the fixture has recordings to fetch");
    let out = uscall(
        &server,
        &[
            &[
                "recordings",
                "-o",
                dir.path().to_str().unwrap(),
                "--jobs",
                "3",
            ][..],
            &range,
        ]
        .concat(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("{} downloaded, 0 already in", with_audio.len())),
        "{stderr}"
    );
    for cdr in &with_audio {
        let path = dir
            .path()
            .join(format!("{}.wav", cdr["bilheteunico"].as_str().unwrap()));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            bytes.len(),
            44 + 16 * (100 + hms_seconds(cdr["duracao"].as_str().unwrap()))
        );
    }
    let files = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(files, with_audio.len(), "no stray temporary files");

    let before = server
        .calls()
        .iter()
        .filter(|c| c["op"] == "audioDownload")
        .count();
    let out = uscall(
        &server,
        &[
            &["recordings", "-o", dir.path().to_str().unwrap()][..],
            &range,
        ]
        .concat(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("0 downloaded, {} already in", with_audio.len())),
        "{stderr}"
    );
    let after = server
        .calls()
        .iter()
        .filter(|c| c["op"] == "audioDownload")
        .count();
    assert_eq!(before, after, "existing files are not downloaded again");
}

#[test]
fn service_refusals_exit_non_zero_with_the_services_message() {
    let server = PhpServer::nusoap(&[]);
    let out = Command::new(uscall_bin())
        .args(["--url", &server.url(), "--token", "$1$errado$", "get-agent"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim_end(),
        "uscall: getAgent: the service said: Token inválido"
    );
    let out = uscall(&server, &["agent-logout", "--agente", "999"]);
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim_end(),
        "uscall: agentLogout: the service said: Agente não encontrado"
    );
}

#[test]
fn recordings_show_a_progress_bar_on_a_terminal() {
    // `script` (util-linux, in every Debian) gives the command a pseudo-terminal, as a user has.
    let server = PhpServer::nusoap(&[]);
    let dir = tempfile::tempdir().unwrap();
    let command = format!(
        "{} recordings --dataini '2025-06-02 00:00:00' --datafin '2025-06-02 23:59:59' -o {}",
        uscall_bin().display(),
        dir.path().display()
    );
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("USCALL_URL", server.url())
        .env("USCALL_TOKEN", TOKEN)
        .output()
        .expect("`script` from util-linux (apt-get install bsdutils)");
    let screen = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{screen}");
    let n = cdrs_between("2025-06-02 00:00:00", "2025-06-02 23:59:59")
        .iter()
        .filter(|c| c["audio"] != "")
        .count();
    // indicatif redraws at most 20 times a second, so only some frames are on the screen.
    assert!(
        screen.contains(&format!("/{n} recordings")),
        "no progress bar in: {screen}"
    );
    assert!(screen.contains(&format!("{n} downloaded")), "{screen}");
}
