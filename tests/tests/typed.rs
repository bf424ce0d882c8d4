//! The typed overlay (`Client`'s typed methods and `uscall_client::models`) against the real
//! NuSOAP and ext/soap servers and the simulator (uscall-mock) seeded alike: every operation
//! decodes the fixture's answer completely, with no row errors.
//!
//! Expected values come from `uscall-mock/src/seed.json`: each typed row is serialised back (the
//! models write the wire formats) and compared field by field with the fixture row, after
//! writing numbers and empty values alike on both sides and enum values in their canonical
//! spelling.

use serde_json::{Value, json};
use std::time::Duration;
use uscall_client::enums::{
    AgentStatus, AudioFormat, CallStatus, CallTipo, ExtenStatusFilter, ExtensionStatus, FlowTipo,
    LineTipo, MonitorTipo, QueueStatus, ScheduleTipo, SessionEvent, StartCallTipo, SurveyStatus,
};
use uscall_client::models::{
    Agent, AgentReport, AgentState, AttendForm, Cdr, CenterCall, Extension, ExtensionState,
    Password, Pause, PauseEvent, PauseSummary, Queue, QueueState, RowError, Schedule,
    ServiceErrorKind, SessionRecord, SessionSummary, SurveyResult, TariffCall, Trunk, Ura, UraCall,
};
use uscall_client::{Client, Error};
use uscall_tests::{PhpServer, TOKEN, fixture, hms_seconds};

/// A fixture path (`cdrs[].status`) and whether a value there is a known variant of its enum.
type Known = (&'static str, fn(&str) -> bool);

/// Rewrites a value field by field before comparing (canonical enum spelling, split lists).
type Canon = (&'static str, fn(&Value) -> Value);

/// A server the overlay is checked against.
enum Server {
    Php(PhpServer),
    Mock(uscall_mock::Pbx),
}

impl Server {
    fn url(&self) -> String {
        match self {
            Server::Php(php) => php.url(),
            Server::Mock(pbx) => pbx.url(),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            Server::Php(php) => php.kind().log_name(),
            Server::Mock(_) => "uscall-mock",
        }
    }

    /// The calls received, as the PHP servers log them: `{"op", "args": {part: value}}`, the
    /// parts bound by position (the simulator binds them as NuSOAP does).
    fn calls(&self) -> Vec<Value> {
        match self {
            Server::Php(php) => php.calls(),
            Server::Mock(pbx) => pbx
                .requests()
                .into_iter()
                .map(|r| {
                    let op = Client::operation(&r.operation).unwrap();
                    let args: serde_json::Map<String, Value> = op
                        .params
                        .iter()
                        .enumerate()
                        .map(|(i, p)| {
                            let v = r.parts.get(i).and_then(|(_, v)| v.clone());
                            (p.name.to_owned(), v.map_or(Value::Null, Value::String))
                        })
                        .collect();
                    json!({ "op": r.operation, "args": args })
                })
                .collect(),
        }
    }
}

/// Both reference servers and the simulator, which reads empty dates as they do.
async fn servers() -> Vec<Server> {
    let mock = uscall_mock::Pbx::builder()
        .empty_dates(uscall_mock::EmptyDates::Unbounded)
        .start()
        .await
        .unwrap();
    vec![
        Server::Php(PhpServer::nusoap(&[])),
        Server::Php(PhpServer::native(&[])),
        Server::Mock(mock),
    ]
}

/// Numbers, booleans and null as text (`""` for null), recursively, so `"14"` equals `14`.
fn norm(v: &Value) -> Value {
    match v {
        Value::Null => json!(""),
        Value::Number(n) => json!(n.to_string()),
        Value::Bool(b) => json!(b.to_string()),
        Value::String(_) => v.clone(),
        Value::Array(items) => Value::Array(items.iter().map(norm).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), norm(v))).collect())
        }
    }
}

/// Every number as a float, recursively.
fn floats(v: &Value) -> Value {
    match v {
        Value::Number(n) => json!(n.as_f64()),
        Value::Array(items) => Value::Array(items.iter().map(floats).collect()),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), floats(v))).collect())
        }
        other => other.clone(),
    }
}

/// An enum value in its canonical spelling (empty stays empty).
fn canon<E: From<String> + AsRef<str>>(v: &Value) -> Value {
    match v.as_str() {
        Some(s) if !s.is_empty() => json!(E::from(s.to_owned()).as_ref()),
        _ => v.clone(),
    }
}

/// A comma-separated list as a list.
fn split(v: &Value) -> Value {
    match v.as_str() {
        Some(s) => json!(s.split(',').map(str::trim).collect::<Vec<_>>()),
        None => v.clone(),
    }
}

fn rows_of(v: &Value) -> Vec<Value> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .clone()
}

/// The typed rows (`Rows<T>`) equal the fixture rows, column by column, and every row decoded.
macro_rules! same_rows {
    ($rows:expr, $want:expr, $columns:expr, $canons:expr) => {{
        let rows = &$rows;
        let got: Vec<Value> = rows
            .iter()
            .map(|r| serde_json::to_value(r).unwrap())
            .collect();
        check_rows(
            rows.operation(),
            rows.errors(),
            &got,
            &$want,
            $columns,
            $canons,
        )
    }};
}

fn check_rows(
    op: &str,
    errors: &[RowError],
    got: &[Value],
    want: &[Value],
    columns: &[&str],
    canons: &[Canon],
) {
    assert!(errors.is_empty(), "{op}: {errors:?}");
    assert_eq!(got.len(), want.len(), "{op}: row count");
    assert!(!want.is_empty(), "{op}: the test should expect some rows");
    for (i, (got, want)) in got.iter().zip(want).enumerate() {
        for column in columns {
            let mut expected = want[*column].clone();
            if let Some((_, f)) = canons.iter().find(|(k, _)| k == column) {
                expected = f(&expected);
            }
            assert_eq!(
                norm(&got[*column]),
                norm(&expected),
                "{op} row {i} field {column}"
            );
        }
    }
}

fn filtered(v: &Value, keep: impl Fn(&Value) -> bool) -> Vec<Value> {
    rows_of(v).into_iter().filter(|r| keep(r)).collect()
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not text: {v}"))
}

#[tokio::test]
async fn pbx_operations_decode_the_fixture() {
    let fx = fixture();
    for server in servers().await {
        let client = Client::new(&server.url(), TOKEN).unwrap();
        let k = server.kind();

        let agents = client.get_agent().await.unwrap();
        same_rows!(&agents, &rows_of(&fx["agents"]), Agent::COLUMNS, &[]);

        let states = client.agent_status().await.unwrap();
        same_rows!(
            &states,
            &rows_of(&fx["agent_status"]),
            AgentState::COLUMNS,
            &[("status", canon::<AgentStatus>)]
        );
        let one = client.agent_status().agente("611").await.unwrap();
        assert_eq!(
            one[0].ramal.as_deref(),
            Some("0119"),
            "{k:?}: the leading zero is kept"
        );

        let pauses = client.get_pauses().await.unwrap();
        same_rows!(
            &pauses,
            &rows_of(&fx["pauses"]),
            Pause::COLUMNS,
            &[("filas", split)]
        );
        assert!(
            pauses.iter().any(|p| p.limit().is_none()),
            "tempo 0 is unlimited"
        );

        let extens = client.get_extens().await.unwrap();
        same_rows!(
            &extens,
            &rows_of(&fx["extensions"]),
            Extension::COLUMNS,
            &[("tipo", canon::<LineTipo>)]
        );
        let zero = client.get_extens().ramal("0119").await.unwrap();
        assert_eq!((zero.len(), zero[0].num.as_str()), (1, "0119"), "{k:?}");

        // extenStatus answers an object keyed by extension.
        let status = client.exten_status().await.unwrap();
        same_rows!(
            &status,
            &rows_of(&fx["exten_status"]),
            ExtensionState::COLUMNS,
            &[("status", canon::<ExtensionStatus>)]
        );
        assert_eq!(status[0].ramal, "0119");
        let callcenter: Vec<Value> = rows_of(&fx["extensions"])
            .into_iter()
            .filter(|e| e["tipo"] == "callcenter")
            .map(|e| e["num"].clone())
            .collect();
        let only = client
            .exten_status()
            .tipo(ExtenStatusFilter::CallCenter)
            .await
            .unwrap();
        let want = filtered(&fx["exten_status"], |r| callcenter.contains(&r["ramal"]));
        same_rows!(
            &only,
            &want,
            ExtensionState::COLUMNS,
            &[("status", canon::<ExtensionStatus>)]
        );

        let queues = client.get_queue().await.unwrap();
        same_rows!(
            &queues,
            &rows_of(&fx["queues"]),
            Queue::COLUMNS,
            &[("tipo", canon::<LineTipo>)]
        );
        let waiting = client.queue_status().fila("900").await.unwrap();
        let want = filtered(&fx["queue_status"], |r| r["fila"] == "900");
        same_rows!(
            &waiting,
            &want,
            QueueState::COLUMNS,
            &[("status", canon::<QueueStatus>)]
        );
        assert_eq!(
            waiting[0].numeros.len(),
            want[0]["numeros"].as_array().unwrap().len()
        );

        let trunks = client.list_trunk().await.unwrap();
        same_rows!(&trunks, &rows_of(&fx["trunks"]), Trunk::COLUMNS, &[]);

        let uras = client.list_ura().await.unwrap();
        same_rows!(&uras, &rows_of(&fx["uras"]), Ura::COLUMNS, &[]);
        assert!(
            uras.iter()
                .flat_map(|u| &u.fluxos)
                .all(|f| f.tipo_fluxo.as_ref().is_some_and(FlowTipo::is_known))
        );
    }
}

#[tokio::test]
async fn call_records_decode_the_fixture() {
    let fx = fixture();
    let cdr_canons: &[Canon] = &[("tipo", canon::<CallTipo>), ("status", canon::<CallStatus>)];
    for server in servers().await {
        let client = Client::new(&server.url(), TOKEN).unwrap();

        let cdrs = client
            .cdr_search()
            .dataini("2025-06-02 00:00:00".parse().unwrap())
            .datafin("2025-06-04 23:59:59".parse().unwrap())
            .await
            .unwrap();
        same_rows!(&cdrs, &rows_of(&fx["cdrs"]), Cdr::COLUMNS, cdr_canons);
        let logged = server.calls().pop().unwrap();
        assert_eq!(
            logged["args"]["dataini"], "2025-06-02 00:00:00",
            "the service's date format"
        );
        assert_eq!(logged["args"]["datafin"], "2025-06-04 23:59:59");

        let from_2001 = client
            .cdr_search()
            .day("2025-06-03".parse().unwrap())
            .origem("2001")
            .await
            .unwrap();
        let want = filtered(&fx["cdrs"], |r| {
            text(&r["datahora"]).starts_with("2025-06-03") && r["origem"] == "2001"
        });
        same_rows!(&from_2001, &want, Cdr::COLUMNS, cdr_canons);

        let tariff = client
            .cdr_tariff()
            .day("2025-06-04".parse().unwrap())
            .await
            .unwrap();
        let want = filtered(&fx["cdr_tariff"], |r| {
            text(&r["datahorario"]).starts_with("2025-06-04")
        });
        same_rows!(&tariff, &want, TariffCall::COLUMNS, &[]);

        let ura_calls = client.cdr_ura().idura("1").await.unwrap();
        let want = filtered(&fx["cdr_ura"], |r| r["ura"] == "1");
        same_rows!(
            &ura_calls,
            &want,
            UraCall::COLUMNS,
            &[("status", canon::<CallStatus>)]
        );

        // A recording: the call's data and the audio bytes (a WAV whatever the format asked).
        let cdr = rows_of(&fx["cdrs"])
            .into_iter()
            .find(|c| c["audio"] != "")
            .unwrap();
        let rec = client
            .audio_download(text(&cdr["bilheteunico"]))
            .formato(AudioFormat::Mp3)
            .await
            .unwrap();
        assert_eq!(rec.format(), Some(AudioFormat::Mp3));
        assert_eq!(rec.nomeaudio, text(&cdr["audio"]).replace(".wav", ".mp3"));
        let got = serde_json::to_value(&rec).unwrap();
        assert_eq!(got["data"], cdr["datahora"]);
        for key in ["tipo", "status", "origem", "destino"] {
            assert_eq!(got[key], cdr[key], "{key}");
        }
        let samples = 8 * (100 + hms_seconds(text(&cdr["duracao"])));
        assert_eq!(rec.audio.len(), 44 + 2 * samples);
        assert_eq!(&rec.audio[..4], b"RIFF");
        assert!(
            format!("{rec:?}").contains("bytes>"),
            "Debug shows the size, not the audio"
        );
    }
}

#[tokio::test]
async fn ccenter_reports_decode_the_fixture() {
    let fx = fixture();
    let cc = &fx["ccenter"];
    let in_ids = |ids: &'static [&'static str], key: &'static str| {
        move |r: &Value| ids.iter().any(|i| norm(&r[key]) == json!(i))
    };
    for server in servers().await {
        let client = Client::new(&server.url(), TOKEN).unwrap();
        let (from, to) = ("2025-06-01 00:00:00", "2025-06-30 23:59:59");

        let agents = client
            .ccenter_agents(&["600", "611"], &["Ativo", "900"])
            .dataini(from.parse().unwrap())
            .datafin(to.parse().unwrap())
            .await
            .unwrap();
        same_rows!(
            &agents,
            &filtered(&cc["agents"], in_ids(&["600", "611"], "agente")),
            AgentReport::COLUMNS,
            &[]
        );
        let logged = server.calls().pop().unwrap();
        assert_eq!(logged["args"]["agentes"], "[600,611]");
        assert_eq!(logged["args"]["filas"], r#"["Ativo",900]"#);

        let forms = client
            .ccenter_attend_forms()
            .agentes(&["600", "605", "611"])
            .await
            .unwrap();
        same_rows!(
            &forms,
            &rows_of(&cc["attend_forms"]),
            AttendForm::COLUMNS,
            &[]
        );

        let calls = client
            .ccenter_cdr(&["600", "605", "610", "611"], &["900", "901", "Ativo"])
            .await
            .unwrap();
        same_rows!(&calls, &rows_of(&cc["cdr"]), CenterCall::COLUMNS, &[]);

        let metrics = client
            .ccenter_metrics("nivel_servico", &["600"], &["900"])
            .await
            .unwrap();
        // PHP writes 85.0 as 85; the values are the same numbers.
        assert_eq!(floats(&metrics), floats(&cc["metrics"]["nivel_servico"]));
        let reports = client.ccenter_metrics_reports().await.unwrap();
        let want = cc["metrics_reports"].as_object().unwrap();
        assert_eq!(reports.len(), want.len());
        for (report, (name, descricao)) in reports.iter().zip(want) {
            assert_eq!(
                (report.name.as_str(), report.descricao.as_str()),
                (name.as_str(), text(descricao))
            );
        }

        let pauses = client
            .ccenter_pauses(&["600", "605"], &["900"])
            .await
            .unwrap();
        same_rows!(
            &pauses,
            &rows_of(&cc["pauses"]["0"]),
            PauseSummary::COLUMNS,
            &[]
        );
        assert_eq!(server.calls().pop().unwrap()["args"]["report_type"], "0");
        let events = client
            .ccenter_pause_events(&["600"], &["900"])
            .dataini("2025-06-02 00:00:00".parse().unwrap())
            .datafin("2025-06-03 23:59:59".parse().unwrap())
            .await
            .unwrap();
        let want = filtered(&cc["pauses"]["1"], |r| {
            r["agente"] == "600" && text(&r["inicio"]) < "2025-06-04"
        });
        same_rows!(&events, &want, PauseEvent::COLUMNS, &[]);
        assert_eq!(server.calls().pop().unwrap()["args"]["report_type"], "1");

        let schedules = client.ccenter_schedules().await.unwrap();
        same_rows!(
            &schedules,
            &rows_of(&cc["schedules"]),
            Schedule::COLUMNS,
            &[("tipo", canon::<ScheduleTipo>)]
        );

        let sessions = client
            .ccenter_sessions(&["600", "605"], &["900", "901"])
            .await
            .unwrap();
        same_rows!(
            &sessions,
            &rows_of(&cc["sessions"]["0"]),
            SessionSummary::COLUMNS,
            &[]
        );
        let logins = client
            .ccenter_session_events(&["600"], &["900"])
            .await
            .unwrap();
        let want = filtered(&cc["sessions"]["1"], |r| r["agente"] == "600");
        same_rows!(
            &logins,
            &want,
            SessionRecord::COLUMNS,
            &[("evento", canon::<SessionEvent>)]
        );

        let survey = client.ccenter_survey().filas(&["900"]).await.unwrap();
        let want = filtered(&cc["survey"], |r| r["call_dst"] == "900");
        same_rows!(
            &survey,
            &want,
            SurveyResult::COLUMNS,
            &[("pesquisa_status", canon::<SurveyStatus>)]
        );
    }
}

/// Every status/type value of the fixture parses to a known variant of its enum, and every
/// status/type field of the fixture is either an enum or deliberately kept as text.
#[test]
fn every_enum_value_of_the_fixture_is_known() {
    let enums: &[Known] = &[
        ("cdrs[].tipo", |s| CallTipo::from(s).is_known()),
        ("cdrs[].status", |s| CallStatus::from(s).is_known()),
        ("agent_status[].status", |s| AgentStatus::from(s).is_known()),
        ("extensions[].tipo", |s| LineTipo::from(s).is_known()),
        ("exten_status[].status", |s| {
            ExtensionStatus::from(s).is_known()
        }),
        ("queues[].tipo", |s| LineTipo::from(s).is_known()),
        ("queue_status[].status", |s| QueueStatus::from(s).is_known()),
        ("uras[].fluxos[].tipo_fluxo", |s| {
            FlowTipo::from(s).is_known()
        }),
        ("cdr_ura[].status", |s| CallStatus::from(s).is_known()),
        ("ccenter.schedules[].tipo", |s| {
            ScheduleTipo::from(s).is_known()
        }),
        ("ccenter.sessions.1[].evento", |s| {
            SessionEvent::from(s).is_known()
        }),
        ("ccenter.survey[].pesquisa_status", |s| {
            SurveyStatus::from(s).is_known()
        }),
    ];
    // Undocumented value sets, kept as text by the models.
    let text_fields = [
        "trunks[].tipo",
        "cdr_tariff[].statuscall",
        "cdr_ura[].evento",
        "cdr_ura[].eventos[].evento",
        "ccenter.attend_forms[].status",
        "ccenter.cdr[].status",
    ];
    let mut found = Vec::new();
    walk(&fixture(), String::new(), &mut found);
    let mut checked = 0;
    for (path, value) in found {
        if let Some((_, known)) = enums.iter().find(|(p, _)| *p == path) {
            assert!(
                value.is_empty() || known(&value),
                "{path}: {value:?} is not a known variant"
            );
            checked += 1;
        } else {
            assert!(
                text_fields.contains(&path.as_str()),
                "{path} holds {value:?}: map it to an enum or to text"
            );
        }
    }
    assert!(checked > 50, "only {checked} enum values checked");
}

/// Collects `(path, text)` of every status/type field, with list positions written `[]`.
fn walk(v: &Value, path: String, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                let enumish = [
                    "status",
                    "tipo",
                    "tipo_fluxo",
                    "pesquisa_status",
                    "evento",
                    "statuscall",
                ];
                if let (true, Some(s)) = (enumish.contains(&k.as_str()), v.as_str()) {
                    out.push((p, s.to_owned()));
                } else {
                    walk(v, p, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| walk(i, format!("{path}[]"), out)),
        _ => {}
    }
}

#[tokio::test]
async fn actions_answer_their_confirmation() {
    let fx = fixture();
    for server in servers().await {
        let client = Client::new(&server.url(), TOKEN).unwrap();
        let k = server.kind();
        let msg = client
            .start_call(StartCallTipo::ClickToCall, "1139952800", "2800", "1")
            .idcti("crm-1")
            .await
            .unwrap();
        assert_eq!(
            msg,
            "Chamada clicktocall originada de 1139952800 para 2800 (categoria 1, idcti crm-1)"
        );

        // Password::plain gives the fixture's hash for every agent, and logs each one in.
        for agent in rows_of(&fx["agents"]) {
            let id = text(&agent["agente"]);
            let password = Password::plain(text(&fx["senhas"][id]));
            assert_eq!(password.md5_hex(), text(&agent["senhamd5"]), "agent {id}");
            let msg = client.agent_login(id, "2001", password).await.unwrap();
            assert_eq!(
                msg,
                format!(
                    "Agente {id} logado no ramal 2001 (fila chave {})",
                    text(&agent["filachave"])
                ),
                "{k:?}"
            );
        }
        let msg = client
            .agent_login("600", "2001", Password::plain("1234"))
            .filachave("901")
            .await
            .unwrap();
        assert!(msg.ends_with("(fila chave 901)"), "{msg}");

        // Pause while logged in, then log out (the simulator keeps the agent's state).
        let pause = &fx["pauses"][0];
        let msg = client.start_pause("600", text(&pause["id"])).await.unwrap();
        assert_eq!(
            msg,
            format!(
                "Agente 600 em pausa {} ({})",
                text(&pause["id"]),
                text(&pause["pause"])
            )
        );
        assert_eq!(
            client.end_pause("600").await.unwrap(),
            "Agente 600 saiu da pausa"
        );
        assert_eq!(
            client.agent_logout("600").await.unwrap(),
            "Agente 600 deslogado"
        );
        assert_eq!(
            client.hangup_call("600").agent().await.unwrap(),
            "Ligação do agente 600 desconectada"
        );
        assert_eq!(
            client.hangup_call("0119").await.unwrap(),
            "Ligação do ramal 0119 desconectada"
        );
        let msg = client
            .monit_exten("2001", "600")
            .agent()
            .tipo(MonitorTipo::Conf)
            .await
            .unwrap();
        assert_eq!(
            msg,
            "Monitoria conf iniciada do ramal 2001 para o agente 600"
        );
        let msg = client.monit_exten("2001", "2002").await.unwrap();
        assert_eq!(
            msg,
            "Monitoria escuta iniciada do ramal 2001 para o ramal 2002"
        );
        let msg = client
            .start_callura("1", "11999990000", "1")
            .cti_info1("Ana")
            .cti_info2("350,00")
            .await
            .unwrap();
        assert_eq!(
            msg,
            "Chamada para 11999990000 direcionada à URA 1 (categoria 1, sem idcti, cti_info1=Ana, cti_info2=350,00)"
        );
    }
}

#[tokio::test]
async fn service_refusals_are_typed_errors() {
    for server in servers().await {
        let client = Client::new(&server.url(), TOKEN).unwrap();
        let wrong = Client::new(&server.url(), "$1$wrong$token").unwrap();
        let kind = |e: Error| match e {
            Error::Service {
                kind,
                operation,
                message,
            } => (kind, operation, message),
            other => panic!("{:?}: {other:?}", server.kind()),
        };
        let (k, op, message) = kind(wrong.get_agent().await.unwrap_err());
        assert_eq!(
            (k, op, message.as_str()),
            (ServiceErrorKind::InvalidToken, "getAgent", "Token inválido")
        );
        assert_eq!(
            kind(wrong.agent_logout("600").await.unwrap_err()).0,
            ServiceErrorKind::InvalidToken
        );
        assert_eq!(
            kind(client.agent_logout("999").await.unwrap_err()).0,
            ServiceErrorKind::NotFound
        );
        let (k, op, _) = kind(
            client
                .agent_login("600", "2001", Password::plain("errada"))
                .await
                .unwrap_err(),
        );
        assert_eq!((k, op), (ServiceErrorKind::InvalidParameter, "agentLogin"));
        assert_eq!(
            kind(client.audio_download("nao-existe").await.unwrap_err()).0,
            ServiceErrorKind::NotFound
        );
        assert_eq!(
            kind(
                client
                    .ccenter_metrics("nenhum", &["600"], &["900"])
                    .await
                    .unwrap_err()
            )
            .0,
            ServiceErrorKind::NotFound
        );
        // A password never shows up in the request's or the error's debug output.
        let password = Password::plain("1234");
        assert!(!format!("{password:?}").contains(password.md5_hex()));
    }
}

#[tokio::test]
async fn a_malformed_row_is_reported_and_the_others_decode() {
    let fx = fixture();
    let cdrs = rows_of(&fx["cdrs"]);
    for server in [
        PhpServer::nusoap(&[("USCALL_MALFORMED", "cdrSearch")]),
        PhpServer::native(&[("USCALL_MALFORMED", "cdrSearch")]),
    ] {
        let client = Client::new(&server.url(), TOKEN).unwrap();
        let rows = client.cdr_search().await.unwrap();
        assert!(!rows.is_complete());
        let e = rows.errors();
        assert_eq!(e.len(), 2, "{e:?}");
        assert_eq!(
            (
                e[0].operation,
                e[0].row,
                e[0].field.as_deref(),
                e[0].raw.as_str()
            ),
            ("cdrSearch", 0, Some("datahora"), "ontem")
        );
        assert_eq!(
            (e[1].row, e[1].field.as_deref(), e[1].raw.as_str()),
            (1, Some("duracao"), "1:99:00")
        );
        assert!(e[0].message.contains("expected a date-time"), "{}", e[0]);
        assert!(
            e[1].to_string()
                .starts_with("cdrSearch: row 1, field `duracao`: "),
            "{}",
            e[1]
        );
        let ids: Vec<&str> = rows.iter().map(|c| c.bilheteunico.as_str()).collect();
        let want: Vec<&str> = cdrs[2..].iter().map(|c| text(&c["bilheteunico"])).collect();
        assert_eq!(ids, want, "the other rows still decode");
        match rows.strict() {
            Err(Error::Row(e)) => assert_eq!(e.row, 0),
            other => panic!("{other:?}"),
        }
    }
    // Without the knob the same server answers clean rows.
    let server = PhpServer::nusoap(&[]);
    let rows = Client::new(&server.url(), TOKEN)
        .unwrap()
        .cdr_search()
        .await
        .unwrap();
    assert!(rows.is_complete() && rows.len() == cdrs.len());
}

#[tokio::test]
async fn cdr_windows_cover_the_range_exactly_once() {
    let fx = fixture();
    let want: Vec<String> = rows_of(&fx["cdrs"])
        .iter()
        .map(|c| text(&c["bilheteunico"]).to_owned())
        .collect();
    assert!(
        rows_of(&fx["cdrs"])
            .iter()
            .any(|c| text(&c["datahora"]).ends_with("23:59:59")),
        "the fixture has a row on a window edge"
    );
    for server in servers().await {
        let client = Client::new(&server.url(), TOKEN).unwrap();
        for (window, count) in [
            (Duration::from_secs(86_400), 3),
            (Duration::from_secs(6 * 3600), 12),
        ] {
            let mut windows = client.cdr_search_windows(
                "2025-06-02 00:00:00".parse().unwrap(),
                "2025-06-04 23:59:59".parse().unwrap(),
                window,
            );
            let (mut got, mut n) = (Vec::new(), 0);
            while let Some(rows) = windows.next().await {
                let rows = rows.unwrap();
                assert!(rows.is_complete());
                got.extend(rows.iter().map(|c| c.bilheteunico.clone()));
                n += 1;
            }
            assert_eq!(n, count, "{window:?}");
            assert_eq!(
                got,
                want,
                "{:?} {window:?}: every row once, in order",
                server.kind()
            );
            let (_, last) = windows.last_window().unwrap();
            assert_eq!(last.to_string(), "2025-06-04T23:59:59");
            let log = server.calls();
            let edges: Vec<(&str, &str)> = log[log.len() - count..]
                .iter()
                .map(|c| {
                    (
                        c["args"]["dataini"].as_str().unwrap(),
                        c["args"]["datafin"].as_str().unwrap(),
                    )
                })
                .collect();
            assert_eq!(edges[0].0, "2025-06-02 00:00:00");
            assert_eq!(edges[count - 1].1, "2025-06-04 23:59:59");
        }
        // Other filters are passed on to every window.
        let mut windows = client
            .cdr_search_windows(
                "2025-06-02 00:00:00".parse().unwrap(),
                "2025-06-04 23:59:59".parse().unwrap(),
                Duration::from_secs(86_400),
            )
            .origem("2001");
        let mut got = Vec::new();
        while let Some(rows) = windows.next().await {
            got.extend(rows.unwrap().into_iter().map(|c| c.origem));
        }
        assert_eq!(
            got.len(),
            rows_of(&fx["cdrs"])
                .iter()
                .filter(|c| c["origem"] == "2001")
                .count()
        );
        assert!(got.iter().all(|o| o == "2001"));
    }
}
