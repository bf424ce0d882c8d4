//! Load: one client shared by many tasks makes 5,000 calls, 64 at a time, against the NuSOAP
//! server with several PHP workers; none fails and every answer is the one for its request.

use std::sync::Arc;
use std::time::Instant;

use serde_json::Value;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use uscall_client::Client;
use uscall_tests::{PhpServer, TOKEN, fixture};

const CALLS: usize = 5_000;
const IN_FLIGHT: usize = 64;
const PHP_WORKERS: &str = "8";

/// One client is meant to be shared: cloned into tasks, used from any thread.
fn assert_shareable<T: Clone + Send + Sync + 'static>() {}

/// What request `i` sends, and the answer it must get back.
enum Request {
    /// startCall with a destination and idcti unique to the request; the PBX's confirmation
    /// echoes both.
    StartCall { destino: String, idcti: String },
    /// cdrSearch for one call record by its `bilheteunico`; the answer holds that record only.
    CdrSearch { bilheteunico: String },
}

impl Request {
    fn new(i: usize, bilhetes: &[String]) -> Request {
        if i % 3 == 2 {
            Request::CdrSearch {
                bilheteunico: bilhetes[i % bilhetes.len()].clone(),
            }
        } else {
            Request::StartCall {
                destino: format!("119{i:08}"),
                idcti: format!("load-{i}"),
            }
        }
    }

    fn operation(&self) -> &'static str {
        match self {
            Request::StartCall { .. } => "startCall",
            Request::CdrSearch { .. } => "cdrSearch",
        }
    }

    /// The argument of each part, by wire name (the token left to the client).
    fn arg(&self, part: &str) -> Option<String> {
        let value = match (self, part) {
            (Request::StartCall { .. }, "tipo") => "outbound",
            (Request::StartCall { .. }, "origem") => "2001",
            (Request::StartCall { destino, .. }, "destino") => destino,
            (Request::StartCall { .. }, "categoria") => "1",
            (Request::StartCall { idcti, .. }, "idcti") => idcti,
            (Request::CdrSearch { bilheteunico }, "idunico") => bilheteunico,
            _ => return None,
        };
        Some(value.to_owned())
    }

    /// Why `answer` is not the answer to this request, if it is not.
    fn mismatch(&self, answer: &Value) -> Option<String> {
        let retorno = &answer["retorno"];
        match self {
            Request::StartCall { destino, idcti } => {
                let expected = format!(
                    "Chamada outbound originada de 2001 para {destino} (categoria 1, idcti {idcti})"
                );
                (retorno.as_str() != Some(expected.as_str()))
                    .then(|| format!("expected {expected:?}, got {retorno}"))
            }
            Request::CdrSearch { bilheteunico } => {
                let rows = retorno.as_array()?;
                let ok = !rows.is_empty()
                    && rows
                        .iter()
                        .all(|r| r["bilheteunico"].as_str() == Some(bilheteunico.as_str()));
                (!ok).then(|| format!("expected only {bilheteunico}'s record, got {retorno}"))
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_thousand_calls_sixty_four_at_a_time_all_answered_in_kind() {
    assert_shareable::<Client>();
    let fixture = fixture();
    let bilhetes: Arc<Vec<String>> = Arc::new(
        fixture["cdrs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["bilheteunico"].as_str().unwrap().to_owned())
            .collect(),
    );
    let server = PhpServer::nusoap(&[("PHP_CLI_SERVER_WORKERS", PHP_WORKERS)]);
    let client = Client::new(&server.url(), TOKEN).unwrap();
    let limit = Arc::new(Semaphore::new(IN_FLIGHT));

    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for i in 0..CALLS {
        // Waiting here keeps at most IN_FLIGHT tasks alive, not just in flight.
        let permit = limit.clone().acquire_owned().await.unwrap();
        let client = client.clone();
        let bilhetes = bilhetes.clone();
        tasks.spawn(async move {
            let _permit = permit;
            let request = Request::new(i, &bilhetes);
            let op = Client::operation(request.operation()).unwrap();
            let args = op.params.iter().map(|p| request.arg(p.name)).collect();
            let outcome = match client.call(op, args).await {
                Ok(response) => request.mismatch(response.json()),
                Err(e) => Some(format!("error: {e}")),
            };
            (i, outcome)
        });
    }
    let mut failures = Vec::new();
    let mut answered = 0;
    while let Some(joined) = tasks.join_next().await {
        let (i, outcome) = joined.expect("a call task panicked");
        answered += 1;
        if let Some(why) = outcome {
            failures.push(format!("call {i}: {why}"));
        }
    }
    let elapsed = started.elapsed();

    println!(
        "{CALLS} calls, {IN_FLIGHT} in flight, {PHP_WORKERS} PHP workers: {:.1} s, {:.0} calls/s",
        elapsed.as_secs_f64(),
        CALLS as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(answered, CALLS);
    assert!(
        failures.is_empty(),
        "{} of {CALLS} calls failed or got another call's answer; the first ones:\n{}\nserver output:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n"),
        server
            .server_output()
            .lines()
            .rev()
            .take(20)
            .collect::<Vec<_>>()
            .join("\n")
    );
}
