//! Interop: PHP SoapClient and zeep, calling positionally with the checked-in WSDL, get the same
//! answers as uscall from both servers.

use serde_json::Value;
use uscall_client::Client;
use uscall_tests::calls::{Call, all_calls, assert_answer, positional, wsdl_args};
use uscall_tests::{
    PeerCall, PeerOutcome, PhpServer, TOKEN, fixture, repo_root, run_php_soapclient, run_zeep,
};

async fn uscall_answers(server: &PhpServer, calls: &[Call]) -> Vec<Value> {
    let client = Client::new(&server.url(), TOKEN).unwrap();
    let mut out = Vec::new();
    for call in calls {
        let (op, args) = wsdl_args(call);
        out.push(client.call(op, args).await.unwrap().into_json());
    }
    out
}

async fn peers_agree_with_uscall(server: PhpServer) {
    let fixture = fixture();
    let calls = all_calls(&fixture);
    let wsdl = repo_root().join("wsdl/wsuscall.wsdl");
    let ours = uscall_answers(&server, &calls).await;
    let php: Vec<PeerCall> = calls.iter().map(|c| positional(c, None)).collect();
    let zeep: Vec<PeerCall> = calls.iter().map(|c| positional(c, Some(""))).collect();
    for (peer, lines) in [
        (
            "PHP SoapClient",
            run_php_soapclient(&wsdl, &server.url(), &php).unwrap(),
        ),
        ("zeep", run_zeep(&wsdl, &server.url(), &zeep).unwrap()),
    ] {
        assert_eq!(lines.len(), calls.len(), "{peer}: one line per call");
        for ((call, line), mine) in calls.iter().zip(&lines).zip(&ours) {
            assert_eq!(line.op, call.op);
            let PeerOutcome::Result(text) = &line.outcome else {
                panic!("{peer} {:?} {}: {:?}", server.kind(), call.op, line.outcome)
            };
            let theirs: Value = serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("{peer} {}: {e}: {text}", call.op));
            assert_eq!(
                &theirs,
                mine,
                "{peer} {:?} {}: differs from uscall",
                server.kind(),
                call.op
            );
            assert_answer(&fixture, call, &theirs);
        }
    }
}

#[tokio::test]
async fn peers_agree_with_uscall_on_nusoap() {
    peers_agree_with_uscall(PhpServer::nusoap(&[])).await;
}

#[tokio::test]
async fn peers_agree_with_uscall_on_native_soapserver() {
    peers_agree_with_uscall(PhpServer::native(&[])).await;
}
