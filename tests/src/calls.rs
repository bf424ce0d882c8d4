//! One call per operation with the answer the fixture PBX must give, shared by the library,
//! command-line and peer tests.
//!
//! Expected answers are computed here from `uscall-mock/src/seed.json` by the rules documented at the
//! top of `tests/php/uscall_handlers.php`, independently of the PHP code that serves them.

use serde_json::{Map, Value, json};

/// One operation call: the wire name and the parts given (the token excluded), in WSDL order.
/// Parts not listed are left out.
#[derive(Debug, Clone)]
pub struct Call {
    /// Wire name of the operation.
    pub op: &'static str,
    /// `(part, value)` pairs, in WSDL order.
    pub args: Vec<(&'static str, String)>,
}

impl Call {
    fn new(op: &'static str, args: &[(&'static str, &str)]) -> Call {
        Call {
            op,
            args: args.iter().map(|(k, v)| (*k, (*v).to_owned())).collect(),
        }
    }

    /// The value given for `part`, if any.
    pub fn arg(&self, part: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(k, _)| *k == part)
            .map(|(_, v)| v.as_str())
    }

    /// The value given for a part the test always supplies.
    pub fn req(&self, part: &str) -> String {
        self.arg(part)
            .unwrap_or_else(|| panic!("{}: the test gives no {part}", self.op))
            .to_owned()
    }
}

const DAY_START: &str = "2025-06-02 00:00:00";
const DAY_END: &str = "2025-06-02 23:59:59";

/// One call for each of the 30 operations, with arguments that exercise filters and optional parts.
pub fn all_calls(fixture: &Value) -> Vec<Call> {
    let first_pause = fixture["pauses"][0]["id"].as_str().unwrap().to_owned();
    let agent_hash = fixture["agents"][0]["senhamd5"]
        .as_str()
        .unwrap()
        .to_owned();
    let recorded = fixture["cdrs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["audio"].as_str().is_some_and(|a| !a.is_empty()))
        .unwrap()["bilheteunico"]
        .as_str()
        .unwrap()
        .to_owned();
    vec![
        Call::new("getAgent", &[]),
        Call::new(
            "startCall",
            &[
                ("tipo", "outbound"),
                ("origem", "2001"),
                ("destino", "11999990000"),
                ("categoria", "1"),
                ("idcti", "crm-4711"),
            ],
        ),
        Call::new("cdrSearch", &[("dataini", DAY_START), ("datafin", DAY_END)]),
        Call::new(
            "audioDownload",
            &[("idunico", &recorded), ("formato", "mp3")],
        ),
        Call::new(
            "agentLogin",
            &[
                ("agente", "600"),
                ("ramal", "2001"),
                ("senhamd5", &agent_hash),
            ],
        ),
        Call::new("agentLogout", &[("agente", "600")]),
        Call::new("agentStatus", &[("agente", "600")]),
        Call::new("getPauses", &[]),
        Call::new(
            "startPause",
            &[("agente", "600"), ("idpausa", &first_pause)],
        ),
        Call::new("endPause", &[("agente", "600")]),
        Call::new("hangupCall", &[("ramal", "2001")]),
        Call::new(
            "monitExten",
            &[
                ("srcramal", "2000"),
                ("dstramal", "600"),
                ("agente", "yes"),
                ("tipo", "conf"),
            ],
        ),
        Call::new("getExtens", &[("ramal", "0119")]),
        Call::new("extenStatus", &[("tipo", "all")]),
        Call::new("getQueue", &[]),
        Call::new("queueStatus", &[("fila", "900")]),
        Call::new("cdrTariff", &[("dataini", DAY_START), ("datafin", DAY_END)]),
        Call::new("listTrunk", &[]),
        Call::new("listURA", &[("idura", "1")]),
        Call::new(
            "startCallura",
            &[
                ("idura", "1"),
                ("destino", "11988887777"),
                ("categoria", "1"),
                ("cti_info1", "João"),
                ("cti_info3", "R$ 10 & <mais>"),
            ],
        ),
        Call::new(
            "cdrURA",
            &[("dataini", DAY_START), ("datafin", DAY_END), ("idura", "1")],
        ),
        Call::new(
            "ccenterAgents",
            &[("agentes", "[600,611]"), ("filas", "[900]")],
        ),
        Call::new("ccenterAttendForms", &[("agentes", "[600]")]),
        Call::new(
            "ccenterCdr",
            &[
                ("dataini", DAY_START),
                ("datafin", DAY_END),
                ("agentes", "[]"),
                ("filas", "[\"900\"]"),
            ],
        ),
        Call::new(
            "ccenterMetrics",
            &[
                ("report_name", "abandono"),
                ("agentes", "[]"),
                ("filas", "[]"),
            ],
        ),
        Call::new("ccenterMetricsReports", &[]),
        Call::new(
            "ccenterPauses",
            &[("report_type", "0"), ("agentes", "[600]"), ("filas", "[]")],
        ),
        Call::new("ccenterSchedules", &[("agentes", "[600]")]),
        Call::new(
            "ccenterSessions",
            &[
                ("report_type", "1"),
                ("agentes", "[]"),
                ("filas", "[]"),
                ("dataini", DAY_START),
                ("datafin", DAY_END),
            ],
        ),
        Call::new(
            "ccenterSurvey",
            &[("agentes", "[600,605]"), ("filas", "[]")],
        ),
    ]
}

fn rows(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

fn keep(v: &Value, f: impl Fn(&Value) -> bool) -> Value {
    Value::Array(rows(v).into_iter().filter(|r| f(r)).collect())
}

fn s(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether `date` (a row's `YYYY-MM-DD HH:MM:SS`) lies in the call's range, bounds inclusive.
fn in_range(call: &Call, date: &Value) -> bool {
    let d = s(date);
    call.arg("dataini").is_none_or(|a| d.as_str() >= a)
        && call.arg("datafin").is_none_or(|b| d.as_str() <= b)
}

/// Members of a JSON-array argument, as strings; `None` means no filter.
fn members(call: &Call, part: &str) -> Option<Vec<String>> {
    let list: Vec<Value> = serde_json::from_str(call.arg(part)?).unwrap();
    (!list.is_empty()).then(|| list.iter().map(s).collect())
}

fn member_of(filter: &Option<Vec<String>>, v: &Value) -> bool {
    filter.as_ref().is_none_or(|m| m.contains(&s(v)))
}

/// The `retorno` the fixture PBX answers `call` with.
pub fn expected(fixture: &Value, call: &Call) -> Value {
    let f = fixture;
    let cc = &f["ccenter"];
    let (agentes, filas) = (members(call, "agentes"), members(call, "filas"));
    match call.op {
        "getAgent" => f["agents"].clone(),
        "startCall" => json!(format!(
            "Chamada {} originada de {} para {} (categoria {}, idcti {})",
            call.req("tipo"),
            call.req("origem"),
            call.req("destino"),
            call.req("categoria"),
            call.req("idcti")
        )),
        "cdrSearch" => keep(&f["cdrs"], |r| in_range(call, &r["datahora"])),
        "audioDownload" => {
            let row = rows(&f["cdrs"])
                .into_iter()
                .find(|r| s(&r["bilheteunico"]) == call.req("idunico"))
                .unwrap();
            let audio = s(&row["audio"]);
            let stem = audio.rsplit_once('.').map_or(audio.as_str(), |(a, _)| a);
            json!({
                "nomeaudio": format!("{stem}.{}", call.req("formato")),
                "data": row["datahora"], "tipo": row["tipo"], "status": row["status"],
                "origem": row["origem"], "destino": row["destino"],
                "arquivo_base_64": "<checked separately>",
            })
        }
        "agentLogin" => {
            let agent = rows(&f["agents"])
                .into_iter()
                .find(|a| s(&a["agente"]) == call.req("agente"))
                .unwrap();
            json!(format!(
                "Agente {} logado no ramal {} (fila chave {})",
                call.req("agente"),
                call.req("ramal"),
                s(&agent["filachave"])
            ))
        }
        "agentLogout" => json!(format!("Agente {} deslogado", call.req("agente"))),
        "agentStatus" => keep(&f["agent_status"], |r| s(&r["num"]) == call.req("agente")),
        "getPauses" => f["pauses"].clone(),
        "startPause" => {
            let pause = rows(&f["pauses"])
                .into_iter()
                .find(|p| s(&p["id"]) == call.req("idpausa"))
                .unwrap();
            json!(format!(
                "Agente {} em pausa {} ({})",
                call.req("agente"),
                call.req("idpausa"),
                s(&pause["pause"])
            ))
        }
        "endPause" => json!(format!("Agente {} saiu da pausa", call.req("agente"))),
        "hangupCall" => json!(format!(
            "Ligação do ramal {} desconectada",
            call.req("ramal")
        )),
        "monitExten" => json!(format!(
            "Monitoria {} iniciada do ramal {} para o agente {}",
            call.req("tipo"),
            call.req("srcramal"),
            call.req("dstramal")
        )),
        "getExtens" => keep(&f["extensions"], |r| s(&r["num"]) == call.req("ramal")),
        "extenStatus" => {
            let mut map = Map::new();
            for row in rows(&f["exten_status"]) {
                map.insert(s(&row["ramal"]), row);
            }
            Value::Object(map)
        }
        "getQueue" => f["queues"].clone(),
        "queueStatus" => keep(&f["queue_status"], |r| s(&r["fila"]) == call.req("fila")),
        "cdrTariff" => keep(&f["cdr_tariff"], |r| in_range(call, &r["datahorario"])),
        "listTrunk" => f["trunks"].clone(),
        "listURA" => keep(&f["uras"], |r| s(&r["id"]) == call.req("idura")),
        "startCallura" => {
            let infos: String = (1..=10)
                .filter_map(|i| {
                    let name = format!("cti_info{i}");
                    call.args
                        .iter()
                        .find(|(k, _)| *k == name)
                        .map(|(_, v)| format!(", {name}={v}"))
                })
                .collect();
            let idcti = call
                .arg("idcti")
                .map_or("sem idcti".to_owned(), |i| format!("idcti {i}"));
            json!(format!(
                "Chamada para {} direcionada à URA {} (categoria {}, {idcti}{infos})",
                call.req("destino"),
                call.req("idura"),
                call.req("categoria")
            ))
        }
        "cdrURA" => keep(&f["cdr_ura"], |r| {
            in_range(call, &r["datahora"]) && s(&r["ura"]) == call.req("idura")
        }),
        "ccenterAgents" => keep(&cc["agents"], |r| member_of(&agentes, &r["agente"])),
        "ccenterAttendForms" => keep(&cc["attend_forms"], |r| {
            in_range(call, &r["datatime"])
                && member_of(&agentes, &r["agente"])
                && member_of(&filas, &r["operacao"])
        }),
        "ccenterCdr" => keep(&cc["cdr"], |r| {
            in_range(call, &r["datahora"])
                && member_of(&agentes, &r["agente"])
                && member_of(&filas, &r["fila"])
        }),
        "ccenterMetrics" => cc["metrics"][call.req("report_name")].clone(),
        "ccenterMetricsReports" => cc["metrics_reports"].clone(),
        "ccenterPauses" => keep(&cc["pauses"][call.req("report_type")], |r| {
            member_of(&agentes, &r["agente"])
        }),
        "ccenterSchedules" => keep(&cc["schedules"], |r| {
            in_range(call, &r["retorno"]) && member_of(&agentes, &r["agente"])
        }),
        "ccenterSessions" => keep(&cc["sessions"][call.req("report_type")], |r| {
            in_range(call, &r["datahora"])
                && member_of(&agentes, &r["agente"])
                && member_of(&filas, &r["fila"])
        }),
        "ccenterSurvey" => keep(&cc["survey"], |r| {
            in_range(call, &r["call_date"])
                && member_of(&agentes, &r["attendant"])
                && member_of(&filas, &r["call_dst"])
        }),
        other => panic!("no expectation for {other}"),
    }
}

/// Checks one answer against the expectation, decoding the recording of `audioDownload`.
pub fn assert_answer(fixture: &Value, call: &Call, answer: &Value) {
    let retorno = answer
        .get("retorno")
        .unwrap_or_else(|| panic!("{}: no retorno in {answer}", call.op));
    let mut want = expected(fixture, call);
    if call.op == "audioDownload" {
        let b64 = retorno["arquivo_base_64"]
            .as_str()
            .expect("arquivo_base_64 is a string");
        let wav = crate::base64_decode(b64);
        let row = rows(&fixture["cdrs"])
            .into_iter()
            .find(|r| s(&r["bilheteunico"]) == call.req("idunico"))
            .unwrap();
        let secs = crate::hms_seconds(&s(&row["duracao"]));
        assert_eq!(&wav[..4], b"RIFF", "audioDownload: not a WAV");
        assert_eq!(
            wav.len(),
            44 + 2 * 8 * (100 + secs),
            "audioDownload: WAV length"
        );
        want["arquivo_base_64"] = retorno["arquivo_base_64"].clone();
    }
    assert!(
        !want.is_array() || !rows(&want).is_empty(),
        "{}: the test's arguments select no fixture rows, so it would prove little",
        call.op
    );
    assert_eq!(
        numbers_as_f64(retorno),
        numbers_as_f64(&want),
        "{}: answer differs from the fixture",
        call.op
    );
}

/// PHP's json_encode writes 50.0 as 50; compare numbers by value, not by spelling.
fn numbers_as_f64(v: &Value) -> Value {
    match v {
        Value::Number(n) => json!(n.as_f64()),
        Value::Array(a) => Value::Array(a.iter().map(numbers_as_f64).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| (k.clone(), numbers_as_f64(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Positional arguments as an integrator writes them: token first, a null for a part left out in
/// the middle and nothing for trailing ones (PHP), or `""` everywhere (zeep requires every part).
pub fn positional(call: &Call, empty: Option<&str>) -> crate::PeerCall {
    let op = uscall_client::Client::operation(call.op).unwrap();
    let mut args: Vec<Value> = op
        .params
        .iter()
        .map(|p| {
            if p.token {
                Value::from(crate::TOKEN)
            } else {
                call.arg(p.name)
                    .map_or_else(|| empty.map_or(Value::Null, Value::from), Value::from)
            }
        })
        .collect();
    while args.last() == Some(&Value::Null) {
        args.pop();
    }
    crate::PeerCall {
        op: call.op.to_owned(),
        args,
    }
}

/// The operation of `call` and its argument texts in WSDL order (`None` for a part left out),
/// as `Client::call` takes them.
pub fn wsdl_args(
    call: &Call,
) -> (
    &'static uscall_client::meta::OperationInfo,
    Vec<Option<String>>,
) {
    let op = uscall_client::Client::operation(call.op).unwrap();
    let args = op
        .params
        .iter()
        .map(|p| call.arg(p.name).map(str::to_owned))
        .collect();
    (op, args)
}
