//! `uscall` printing list answers as they arrive: every format gives every row as sent, json
//! the same bytes as the whole answer pretty-printed, and an answer cut after rows leaves the
//! rows written and exits non-zero saying the output is incomplete.

use serde_json::{Value, json};
use std::process::{Command, Output};
use tokio::io::AsyncWriteExt;
use uscall_client::models::Cdr;
use uscall_mock::{Pbx, Reply};
use uscall_tests::uscall_bin;

/// `n` call records, with non-ASCII names, numbers and keys no model knows.
fn rows(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({
                "bilheteunico": format!("1748867415.{i}"),
                "audio": if i % 3 == 0 { "" } else { "gravacao.wav" },
                "datahora": "2025-06-02 09:30:15",
                "tipo": "Recebida",
                "origem": "Recepção São Paulo",
                "destino": "2001",
                "duracao": "00:01:05",
                "idcti": format!("crm-{i}"),
                "custo": i * 25,
                "extra": {"fila": "900", "n": i},
            })
        })
        .collect()
}

async fn uscall(url: &str, token: &str, args: &[&str]) -> Output {
    let mut cmd = Command::new(uscall_bin());
    cmd.args(["--url", url, "--token", token])
        .args(args)
        .env_remove("USCALL_URL")
        .env_remove("USCALL_TOKEN");
    tokio::task::spawn_blocking(move || cmd.output().expect("running uscall"))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_format_prints_every_row_as_sent() {
    let sent = rows(2500);
    let pbx = Pbx::start().await.unwrap();
    pbx.on("cdrSearch")
        .reply(Reply::Retorno(Value::Array(sent.clone())));
    let (url, token) = (pbx.url(), pbx.token());
    let run = |format: &'static str| {
        let (url, token) = (url.clone(), token.clone());
        async move {
            let out = uscall(&url, &token, &["cdr-search", "--format", format]).await;
            assert!(
                out.status.success(),
                "{format}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8(out.stdout).unwrap()
        }
    };
    // json: the whole answer, the same bytes as printing it whole.
    let printed = run("json").await;
    let whole = json!({ "retorno": sent });
    assert!(
        serde_json::from_str::<Value>(&printed).unwrap() == whole,
        "json: other rows"
    );
    assert!(
        printed == format!("{}\n", serde_json::to_string_pretty(&whole).unwrap()),
        "json: other bytes than the whole answer pretty-printed"
    );
    // jsonl: a row a line.
    let printed = run("jsonl").await;
    let lines: Vec<Value> = printed
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(lines == sent, "jsonl: other rows");
    // csv: the model's columns first, then the others, a record a row.
    let printed = run("csv").await;
    let (header, records) = uscall_tests::csv_parsed(&printed);
    assert_eq!(&header[..Cdr::COLUMNS.len()], Cdr::COLUMNS);
    assert!(header.ends_with(&["custo".into(), "extra.fila".into(), "extra.n".into()]));
    assert_eq!(records.len(), 2500);
    let idcti = header.iter().position(|h| h == "idcti").unwrap();
    assert_eq!(&records[2499][idcti], "crm-2499");
    // table: a line a row, under the header.
    let printed = run("table").await;
    assert_eq!(printed.lines().count(), 2501);
    assert!(printed.lines().last().unwrap().contains("crm-2499"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_cut_after_rows_leaves_them_written_and_fails() {
    // As PHP's json_encode writes it: every character outside ASCII escaped.
    let text =
        uscall_client::fuzzing::php_json_spelling(&json!({ "retorno": rows(3000) }).to_string());
    let escaped = text.replace('&', "&amp;").replace('"', "&quot;");
    let body = uscall_client::fuzzing::nusoap_envelope("cdrSearch", escaped.as_bytes());
    let (listener, url) = uscall_tests::loopback().await;
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            uscall_tests::read_request(&mut sock).await.unwrap();
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=ISO-8859-1\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            sock.write_all(head.as_bytes()).await.unwrap();
            sock.write_all(&body[..body.len() / 2]).await.unwrap();
        }
    });
    for format in ["jsonl", "csv", "json"] {
        let out = uscall(&url, "tok", &["cdr-search", "--format", format]).await;
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{format}");
        let written: usize = stderr
            .split("after ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{format}: {stderr}"));
        assert!(stderr.contains("the output is incomplete"), "{stderr}");
        let lines = String::from_utf8(out.stdout).unwrap().lines().count();
        match format {
            "jsonl" => assert_eq!(lines, written),
            "csv" => assert_eq!(lines, written + 1),
            _ => assert!(lines > written, "{lines} lines for {written} rows"),
        }
        assert!(written > 500, "{format}: {written}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_and_table_rows_are_decoded_and_redacted_as_they_stream() {
    let pbx = Pbx::start().await.unwrap();
    let token = pbx.token();
    let sent: Vec<Value> = (0..1500)
        .map(|i| {
            json!({
                "bilheteunico": format!("id-{i}"),
                "origem": "São \"Paulo\" \\ fim",
                "eco": format!("token={token}"),
                "senha": "s3cr3t-{i}",
                "vazio": {},
                "filas": ["900", token],
                "n": i,
                "frac": 1.5,
            })
        })
        .collect();
    pbx.on("cdrSearch")
        .reply(Reply::Retorno(Value::Array(sent.clone())));
    for format in ["csv", "table"] {
        let out = uscall(&pbx.url(), &token, &["cdr-search", "--format", format]).await;
        assert!(out.status.success(), "{format}");
        let printed = String::from_utf8(out.stdout).unwrap();
        assert!(!printed.contains(&token), "{format}: the token is printed");
        assert!(
            !printed.contains("s3cr3t"),
            "{format}: a password is printed"
        );
        if format == "table" {
            assert_eq!(printed.lines().count(), 1501);
            continue;
        }
        let (header, records) = uscall_tests::csv_parsed(&printed);
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        assert_eq!(records.len(), 1500);
        for (i, record) in records.iter().enumerate() {
            assert_eq!(&record[col("bilheteunico")], format!("id-{i}"));
            assert_eq!(&record[col("origem")], "São \"Paulo\" \\ fim");
            assert_eq!(&record[col("eco")], "token=<redacted>");
            assert_eq!(&record[col("senha")], "<redacted>");
            assert_eq!(&record[col("vazio")], "{}");
            assert_eq!(&record[col("filas")], r#"["900","<redacted>"]"#);
            assert_eq!(&record[col("n")], i.to_string());
            assert_eq!(&record[col("frac")], "1.5");
        }
    }
}
