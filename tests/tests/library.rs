//! All 30 operations through the generated library methods, against real NuSOAP and ext/soap servers.

use serde_json::{Value, json};
use uscall_client::{Client, Error, Response};
use uscall_tests::calls::{Call, all_calls, assert_answer};
use uscall_tests::{PhpServer, TOKEN, fixture};

/// Calls `call` through its generated method: required parts as arguments, optional ones as setters.
async fn invoke(client: &Client, call: &Call) -> Result<Response, Error> {
    let a = |part: &str| call.arg(part).map(str::to_owned);
    let r = |part: &str| call.req(part);
    macro_rules! opt {
        ($req:expr, $($part:literal => $setter:ident),* $(,)?) => {{
            let mut req = $req;
            $(if let Some(v) = a($part) { req = req.$setter(v); })*
            req.await
        }};
    }
    match call.op {
        "getAgent" => client.raw().get_agent().await,
        "startCall" => {
            opt!(client.raw().start_call(r("tipo"), r("origem"), r("destino"), r("categoria")), "idcti" => idcti)
        }
        "cdrSearch" => {
            opt!(client.raw().cdr_search(), "dataini" => dataini, "datafin" => datafin, "origem" => origem, "destino" => destino, "idunico" => idunico)
        }
        "audioDownload" => opt!(client.raw().audio_download(r("idunico")), "formato" => formato),
        "agentLogin" => {
            opt!(client.raw().agent_login(r("agente"), r("ramal"), r("senhamd5")), "filachave" => filachave)
        }
        "agentLogout" => client.raw().agent_logout(r("agente")).await,
        "agentStatus" => opt!(client.raw().agent_status(), "agente" => agente),
        "getPauses" => client.raw().get_pauses().await,
        "startPause" => client.raw().start_pause(r("agente"), r("idpausa")).await,
        "endPause" => client.raw().end_pause(r("agente")).await,
        "hangupCall" => opt!(client.raw().hangup_call(r("ramal")), "agente" => agente),
        "monitExten" => {
            opt!(client.raw().monit_exten(r("srcramal"), r("dstramal")), "agente" => agente, "tipo" => tipo)
        }
        "getExtens" => opt!(client.raw().get_extens(), "ramal" => ramal),
        "extenStatus" => opt!(client.raw().exten_status(), "tipo" => tipo, "ramal" => ramal),
        "getQueue" => opt!(client.raw().get_queue(), "fila" => fila),
        "queueStatus" => opt!(client.raw().queue_status(), "fila" => fila),
        "cdrTariff" => opt!(client.raw().cdr_tariff(), "dataini" => dataini, "datafin" => datafin),
        "listTrunk" => client.raw().list_trunk().await,
        "listURA" => opt!(client.raw().list_ura(), "idura" => idura),
        "startCallura" => opt!(
            client.raw().start_callura(r("idura"), r("destino"), r("categoria")),
            "idcti" => idcti, "cti_info1" => cti_info1, "cti_info2" => cti_info2, "cti_info3" => cti_info3,
            "cti_info4" => cti_info4, "cti_info5" => cti_info5, "cti_info6" => cti_info6, "cti_info7" => cti_info7,
            "cti_info8" => cti_info8, "cti_info9" => cti_info9, "cti_info10" => cti_info10,
        ),
        "cdrURA" => {
            opt!(client.raw().cdr_ura(), "dataini" => dataini, "datafin" => datafin, "idura" => idura, "idunico" => idunico)
        }
        "ccenterAgents" => {
            opt!(client.raw().ccenter_agents(r("agentes"), r("filas")), "dataini" => dataini, "datafin" => datafin)
        }
        "ccenterAttendForms" => {
            opt!(client.raw().ccenter_attend_forms(), "agentes" => agentes, "filas" => filas, "dataini" => dataini, "datafin" => datafin)
        }
        "ccenterCdr" => {
            opt!(client.raw().ccenter_cdr(r("agentes"), r("filas")), "dataini" => dataini, "datafin" => datafin)
        }
        "ccenterMetrics" => {
            opt!(client.raw().ccenter_metrics(r("report_name"), r("agentes"), r("filas")), "dataini" => dataini, "datafin" => datafin)
        }
        "ccenterMetricsReports" => client.raw().ccenter_metrics_reports().await,
        "ccenterPauses" => {
            opt!(client.raw().ccenter_pauses(r("report_type"), r("agentes"), r("filas")), "dataini" => dataini, "datafin" => datafin)
        }
        "ccenterSchedules" => {
            opt!(client.raw().ccenter_schedules(), "dataini" => dataini, "datafin" => datafin, "agentes" => agentes)
        }
        "ccenterSessions" => {
            opt!(client.raw().ccenter_sessions(r("report_type"), r("agentes"), r("filas")), "dataini" => dataini, "datafin" => datafin)
        }
        "ccenterSurvey" => {
            opt!(client.raw().ccenter_survey(), "agentes" => agentes, "filas" => filas, "dataini" => dataini, "datafin" => datafin)
        }
        other => panic!("no generated method mapped for {other}"),
    }
}

/// What the server must have bound for `call`: every part, the left-out ones as null.
fn bound_args(call: &Call) -> Value {
    let op = Client::operation(call.op).unwrap();
    let mut map = serde_json::Map::new();
    for p in op.params {
        let v = if p.token {
            json!(TOKEN)
        } else {
            call.arg(p.name).map_or(Value::Null, |v| json!(v))
        };
        map.insert(p.name.to_owned(), v);
    }
    Value::Object(map)
}

async fn all_operations_against(server: PhpServer) {
    let fixture = fixture();
    let client = Client::new(&server.url(), TOKEN).unwrap();
    let calls = all_calls(&fixture);
    assert_eq!(calls.len(), 30);
    assert_eq!(
        Client::operations().len(),
        30,
        "the WSDL has the 30 operations"
    );
    for call in &calls {
        let answer = invoke(&client, call)
            .await
            .unwrap_or_else(|e| panic!("{:?} {}: {e}", server.kind(), call.op));
        assert_eq!(answer.operation(), call.op);
        assert_eq!(
            serde_json::from_str::<Value>(answer.raw().trim()).unwrap(),
            *answer.json()
        );
        assert_answer(&fixture, call, answer.json());
    }
    // The server bound every part where it belongs: by position on NuSOAP, by name on ext/soap,
    // with left-out parts arriving as null on both.
    let log = server.calls();
    assert_eq!(log.len(), calls.len(), "one logged call per request");
    for (call, logged) in calls.iter().zip(&log) {
        assert_eq!(logged["op"], call.op);
        assert_eq!(
            logged["args"],
            bound_args(call),
            "{:?} {}: bound arguments",
            server.kind(),
            call.op
        );
    }
}

#[tokio::test]
async fn all_operations_on_nusoap() {
    all_operations_against(PhpServer::nusoap(&[])).await;
}

#[tokio::test]
async fn all_operations_on_native_soapserver() {
    all_operations_against(PhpServer::native(&[])).await;
}

#[tokio::test]
async fn accented_text_arrives_intact_in_every_charset_mode() {
    let fixture = fixture();
    let want = fixture["cdrs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "NÃO ATENDIDA")
        .cloned()
        .unwrap();
    for mode in ["escaped", "raw-utf8-in-latin1", "latin1", "utf8"] {
        let server = PhpServer::nusoap(&[("USCALL_CHARSET_MODE", mode)]);
        let client = Client::new(&server.url(), TOKEN).unwrap();
        let answer = client
            .raw()
            .cdr_search()
            .idunico(want["bilheteunico"].as_str().unwrap())
            .await
            .unwrap();
        assert_eq!(answer.json()["retorno"][0], want, "mode {mode}");
        // What we send in UTF-8 arrives as the same text (an ISO-8859-1 answer cannot carry
        // characters outside Latin-1, so the emoji is only sent where the answer can hold it).
        let destino = if mode == "latin1" {
            "Ação ½"
        } else {
            "Ação 😀"
        };
        let echoed = client
            .raw()
            .start_call("outbound", "São Paulo", destino, "1")
            .await
            .unwrap();
        assert_eq!(
            echoed.json()["retorno"],
            format!(
                "Chamada outbound originada de São Paulo para {destino} (categoria 1, sem idcti)"
            ),
            "mode {mode}"
        );
    }
}

#[tokio::test]
async fn faults_and_service_messages_from_real_servers() {
    for server in [PhpServer::nusoap(&[]), PhpServer::native(&[])] {
        let client = Client::new(&server.url(), TOKEN).unwrap();
        let err = client
            .raw()
            .cdr_search()
            .idunico("FAULT")
            .await
            .unwrap_err();
        let Error::Fault {
            operation,
            status,
            fault,
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!((*operation, *status), ("cdrSearch", 500));
        assert_eq!(fault.string, "Falha simulada");
        assert_eq!(fault.detail.as_deref(), Some("detalhe da falha"));
        assert!(fault.code.ends_with("Server"), "{}", fault.code);

        // A wrong token is not a fault: the service says so inside the JSON (typed in the overlay).
        let wrong = Client::new(&server.url(), "$1$wrong$token").unwrap();
        let answer = wrong.raw().get_agent().await.unwrap();
        assert_eq!(answer.json()["retorno"], "Token inválido");
    }
}

#[tokio::test]
async fn http_errors_from_a_real_server() {
    let server = PhpServer::nusoap(&[]);
    let url = server.url().replace("wsuscall.php", "nao-existe.php");
    let client = Client::new(&url, TOKEN).unwrap();
    let err = client.raw().get_agent().await.unwrap_err();
    assert!(matches!(err, Error::Http { status: 404, .. }), "{err:?}");
}

#[tokio::test]
async fn gzip_answers_are_accepted() {
    let server = PhpServer::nusoap(&[("USCALL_GZIP", "1")]);
    // The server really compresses when offered gzip...
    let envelope = uscall_tests::rpc_envelope("getAgent", &[("token", Some(TOKEN))]);
    let raw = uscall_tests::http_request(
        server.port(),
        "POST",
        uscall_tests::SERVICE_PATH,
        &[
            ("Content-Type", "text/xml; charset=utf-8"),
            ("Accept-Encoding", "gzip"),
        ],
        envelope.as_bytes(),
    )
    .unwrap();
    assert_eq!(raw.header("content-encoding"), Some("gzip"));
    assert_eq!(&raw.body[..2], b"\x1f\x8b", "a gzip stream");
    // ...and uscall offers gzip and decodes it.
    let client = Client::new(&server.url(), TOKEN).unwrap();
    let answer = client.raw().get_agent().await.unwrap();
    assert_eq!(answer.json()["retorno"], fixture()["agents"]);
}

#[tokio::test]
async fn one_client_shared_by_many_tasks() {
    let server = PhpServer::nusoap(&[("PHP_CLI_SERVER_WORKERS", "4")]);
    let client = Client::new(&server.url(), TOKEN).unwrap();
    let mut tasks = Vec::new();
    for i in 0..32 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let destino = format!("1199999{i:04}");
            let answer = client
                .raw()
                .start_call("outbound", "2001", destino.as_str(), "1")
                .idcti(format!("t{i}"))
                .await
                .unwrap();
            (
                destino,
                i,
                answer.json()["retorno"].as_str().unwrap().to_owned(),
            )
        }));
    }
    for task in tasks {
        let (destino, i, text) = task.await.unwrap();
        assert_eq!(
            text,
            format!("Chamada outbound originada de 2001 para {destino} (categoria 1, idcti t{i})")
        );
    }
}
