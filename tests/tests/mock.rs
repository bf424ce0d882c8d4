//! uscall-mock against the reference it simulates: the same answers as the PHP NuSOAP and
//! ext/soap servers for all 30 operations (the same seed, the same oracle), NuSOAP's envelopes
//! byte for byte, the checked-in WSDL but for its address, and PHP SoapClient and zeep agreeing
//! with uscall on it.

use serde_json::Value;
use uscall_client::Client;
use uscall_mock::{EmptyDates, Pbx};
use uscall_tests::calls::{Call, all_calls, assert_answer, positional, wsdl_args};
use uscall_tests::{PhpServer, TOKEN, fixture, http_request, repo_root, rpc_envelope};

/// A simulator that reads empty dates as the reference servers do (no bound).
async fn like_the_reference() -> Pbx {
    Pbx::builder()
        .empty_dates(EmptyDates::Unbounded)
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn all_operations_answer_as_the_reference_servers() {
    let fixture = fixture();
    let calls = all_calls(&fixture);
    assert_eq!(calls.len(), 30);
    for call in &calls {
        // A fresh company per call, so that an action does not change what a later read finds
        // (the reference servers keep no state).
        let pbx = like_the_reference().await;
        let (op, args) = wsdl_args(call);
        let answer = pbx
            .client()
            .call(op, args)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", call.op));
        assert_answer(&fixture, call, answer.json());
    }
}

/// POSTs `call`'s rpc/encoded envelope to `port` and gives the status and the body.
async fn post(port: u16, call: &Call) -> (u16, Vec<u8>) {
    let mut parts: Vec<(String, Option<String>)> = vec![("token".into(), Some(TOKEN.into()))];
    let op = Client::operation(call.op).unwrap();
    for p in op.user_params() {
        parts.push((p.name.to_owned(), call.arg(p.name).map(str::to_owned)));
    }
    let envelope = {
        let borrowed: Vec<(&str, Option<&str>)> = parts
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_deref()))
            .collect();
        rpc_envelope(call.op, &borrowed)
    };
    let action = format!("\"urn:wsuscall#{}\"", call.op);
    tokio::task::spawn_blocking(move || {
        let r = http_request(
            port,
            "POST",
            uscall_tests::SERVICE_PATH,
            &[
                ("Content-Type", "text/xml; charset=utf-8"),
                ("SOAPAction", &action),
            ],
            envelope.as_bytes(),
        )
        .unwrap();
        (r.status, r.body)
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn envelopes_are_nusoaps_byte_for_byte() {
    let nusoap = PhpServer::nusoap(&[]);
    let fixture = fixture();
    let calls = all_calls(&fixture);
    // NuSOAP is deterministic for every operation of the seed's data; actions too, on a fresh
    // company (their answer is a message).
    let mut compared = 0;
    for call in &calls {
        let pbx = like_the_reference().await;
        let theirs = post(nusoap.port(), call).await;
        let ours = post(pbx.address().port(), call).await;
        assert_eq!(ours.0, theirs.0, "{}: status", call.op);
        assert_eq!(
            String::from_utf8_lossy(&ours.1),
            String::from_utf8_lossy(&theirs.1),
            "{}: the envelope differs",
            call.op
        );
        compared += 1;
    }
    assert_eq!(compared, 30);
    // A fault for an operation the WSDL does not have, byte for byte too.
    let pbx = like_the_reference().await;
    let envelope = rpc_envelope("noSuchOp", &[("token", Some(TOKEN))]);
    let send = |port: u16| {
        let envelope = envelope.clone();
        move || {
            let r = http_request(
                port,
                "POST",
                uscall_tests::SERVICE_PATH,
                &[("Content-Type", "text/xml")],
                envelope.as_bytes(),
            )
            .unwrap();
            (r.status, r.body)
        }
    };
    let theirs = tokio::task::spawn_blocking(send(nusoap.port()))
        .await
        .unwrap();
    let ours = tokio::task::spawn_blocking(send(pbx.address().port()))
        .await
        .unwrap();
    assert_eq!(
        (ours.0, String::from_utf8_lossy(&ours.1)),
        (theirs.0, String::from_utf8_lossy(&theirs.1))
    );
}

/// `GET ?wsdl` of the simulator.
async fn wsdl_of(pbx: &Pbx) -> uscall_tests::HttpResponse {
    let port = pbx.address().port();
    let path = format!("{}?wsdl", uscall_tests::SERVICE_PATH);
    tokio::task::spawn_blocking(move || http_request(port, "GET", &path, &[], b"").unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn the_wsdl_is_the_checked_in_one_but_for_its_address() {
    let pbx = like_the_reference().await;
    let served = wsdl_of(&pbx).await;
    assert_eq!(served.status, 200);
    let checked_in = std::fs::read(repo_root().join("wsdl/wsuscall.wsdl")).unwrap();
    let expected = String::from_utf8_lossy(&checked_in).replace(
        "https://pbx.example.com/aplicativos/webservice/wsuscall.php",
        &pbx.url(),
    );
    let served = String::from_utf8_lossy(&served.body);
    if let Some(at) = served
        .chars()
        .zip(expected.chars())
        .position(|(a, b)| a != b)
    {
        let around = |s: &str| {
            s.chars()
                .skip(at.saturating_sub(80))
                .take(160)
                .collect::<String>()
        };
        panic!(
            "the served WSDL differs at character {at}:\nserved:   {:?}\nexpected: {:?}",
            around(&served),
            around(&expected)
        );
    }
    assert_eq!(served.len(), expected.len(), "one is a prefix of the other");
}

/// [`like_the_reference`], on a virtual clock at the same start every time.
async fn on_a_virtual_clock() -> Pbx {
    Pbx::builder()
        .virtual_clock()
        .empty_dates(EmptyDates::Unbounded)
        .start()
        .await
        .unwrap()
}

/// Every call of the fixture, in order, on a fresh simulator on a virtual clock: the same
/// company and the same time for every client, so their answers can be compared exactly.
async fn answers_of_uscall() -> Vec<Value> {
    let pbx = on_a_virtual_clock().await;
    let client = pbx.client();
    let mut out = Vec::new();
    for call in all_calls(&fixture()) {
        let (op, args) = wsdl_args(&call);
        out.push(client.call(op, args).await.unwrap().into_json());
    }
    out
}

#[tokio::test]
async fn php_soapclient_and_zeep_agree_with_uscall_on_the_simulator() {
    use uscall_tests::{PeerCall, PeerOutcome, run_php_soapclient, run_zeep};
    let calls = all_calls(&fixture());
    let ours = answers_of_uscall().await;
    for peer in ["PHP SoapClient", "zeep"] {
        let pbx = on_a_virtual_clock().await;
        let wsdl = tempfile::tempdir().unwrap();
        let file = wsdl.path().join("wsuscall.wsdl");
        std::fs::write(&file, &wsdl_of(&pbx).await.body).unwrap();
        let url = pbx.url();
        let lines = if peer == "zeep" {
            let zeep: Vec<PeerCall> = calls.iter().map(|c| positional(c, Some(""))).collect();
            tokio::task::spawn_blocking(move || run_zeep(&file, &url, &zeep).unwrap())
                .await
                .unwrap()
        } else {
            let php: Vec<PeerCall> = calls.iter().map(|c| positional(c, None)).collect();
            tokio::task::spawn_blocking(move || run_php_soapclient(&file, &url, &php).unwrap())
                .await
                .unwrap()
        };
        assert_eq!(lines.len(), calls.len(), "{peer}: one line per call");
        for ((call, line), mine) in calls.iter().zip(&lines).zip(&ours) {
            let PeerOutcome::Result(text) = &line.outcome else {
                panic!("{peer} {}: {:?}", call.op, line.outcome)
            };
            let theirs: Value = serde_json::from_str(text).unwrap();
            assert_eq!(&theirs, mine, "{peer} {}: differs from uscall", call.op);
        }
    }
}

#[test]
fn uscall_mock_serves_until_ctrl_c() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let mut child = Command::new(uscall_tests::uscall_bin())
        .args(["mock", "--port", "0", "--token", "tok-123"])
        .env_remove("USCALL_TOKEN")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .rsplit(' ')
        .next()
        .filter(|u| u.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no URL in {first:?}"))
        .to_owned();
    assert_eq!(lines.next().unwrap().unwrap(), "  token: tok-123");
    let out = Command::new(uscall_tests::uscall_bin())
        .args([
            "--url",
            &url,
            "--token",
            "tok-123",
            "get-pauses",
            "--format",
            "jsonl",
        ])
        .env_remove("USCALL_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 3);
    // Ctrl-C stops it, with success.
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
}
