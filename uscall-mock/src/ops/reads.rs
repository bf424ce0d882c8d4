//! The reads: lists and live status from the company's tables, call records by date, and
//! recordings, filtered as the vendor's document describes.

use super::{Args, Context, Step, Stop, dates, eq, filter, in_dates};
use crate::state::{State, row};
use serde_json::{Map, Value, json};

/// `None` when `operation` is not a read.
pub(super) fn run(
    operation: &str,
    args: &Args<'_>,
    state: &mut State,
    cx: &Context,
) -> Option<Step<Value>> {
    let rows = |name: &str| Value::Array(state.table(name).to_vec());
    let filtered = |name: &str, field: &str, part: &str| {
        Value::Array(filter(state.table(name), &[(field, eq(args, part))]))
    };
    Some(match operation {
        "getAgent" => Ok(rows("agents")),
        "getPauses" => Ok(rows("pauses")),
        "listTrunk" => Ok(rows("trunks")),
        "agentStatus" => Ok(filtered("agent_status", "num", "agente")),
        "getExtens" => Ok(filtered("extensions", "num", "ramal")),
        "getQueue" => Ok(filtered("queues", "fila", "fila")),
        "queueStatus" => Ok(queue_status(args, state, cx)),
        "listURA" => Ok(filtered("uras", "id", "idura")),
        "extenStatus" => exten_status(args, state),
        "cdrSearch" => cdr_search(args, state, cx),
        "audioDownload" => super::audio::download(args, state),
        "cdrTariff" => dates(args, cx).map(|bounds| {
            let rows = state.table("cdr_tariff").iter();
            Value::Array(
                rows.filter(|r| in_dates(r.get("datahorario"), &bounds))
                    .cloned()
                    .collect(),
            )
        }),
        "cdrURA" => cdr_ura(args, state, cx),
        _ => return None,
    })
}

/// extenStatus: an object keyed by extension (the observed contract), by type.
fn exten_status(args: &Args<'_>, state: &State) -> Step<Value> {
    let tipo = args.get("tipo").unwrap_or("all");
    if !matches!(tipo, "callcenter" | "pbx" | "all") {
        return Err("Parâmetro inválido: tipo (use callcenter, pbx ou all)".into());
    }
    let mut out = Map::new();
    for r in filter(state.table("exten_status"), &[("ramal", eq(args, "ramal"))]) {
        let ramal = r
            .get("ramal")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let kind = row(state.table("extensions"), "num", &ramal)
            .and_then(|e| e.get("tipo"))
            .and_then(Value::as_str);
        if tipo == "all" || kind == Some(tipo) {
            out.insert(ramal, r);
        }
    }
    Ok(Value::Object(out))
}

/// queueStatus: the seeded queues, with the callers a URA call in progress sent to them.
fn queue_status(args: &Args<'_>, state: &State, cx: &Context) -> Value {
    let mut rows = filter(state.table("queue_status"), &[("fila", eq(args, "fila"))]);
    let now = cx.clock.now().as_second();
    for call in state.live_calls() {
        let Some(ura) = &call.ura else { continue };
        let destination = state.ura_destination(ura);
        let Some(fila) = destination.strip_prefix("QUEUE/") else {
            continue;
        };
        if let Some(row) = rows
            .iter_mut()
            .find(|r| r.get("fila").and_then(Value::as_str) == Some(fila))
        {
            row["status"] = json!("busy");
            let waiting = row["espera"]
                .as_str()
                .and_then(|s| s.parse::<u64>().ok())
                .unwrap_or(0);
            row["espera"] = json!((waiting + 1).to_string());
            if let Some(numeros) = row.get_mut("numeros").and_then(Value::as_array_mut) {
                let waited = crate::clock::hms(now - call.started.as_second());
                numeros.push(json!({ "numero": call.destino, "tempo": waited }));
            }
        }
    }
    Value::Array(rows)
}

/// cdrSearch: call records by date, origin, destination, and id (`bilheteunico` or the
/// integrator's `idcti`). `idunico` `FAULT` answers with a SOAP fault (a test hook of the
/// reference servers, kept alike).
fn cdr_search(args: &Args<'_>, state: &State, cx: &Context) -> Step<Value> {
    if args.get("idunico") == Some("FAULT") {
        return Err(Stop::Fault {
            string: "Falha simulada".into(),
            detail: "detalhe da falha".into(),
        });
    }
    let rows = records(state.table("cdrs"), args, cx)?;
    Ok(Value::Array(filter(
        &rows,
        &[
            ("origem", eq(args, "origem")),
            ("destino", eq(args, "destino")),
        ],
    )))
}

fn cdr_ura(args: &Args<'_>, state: &State, cx: &Context) -> Step<Value> {
    let rows = records(state.table("cdr_ura"), args, cx)?;
    Ok(Value::Array(filter(&rows, &[("ura", eq(args, "idura"))])))
}

/// The records within the date filter (on `datahora`) that `idunico` names, if it names one.
fn records(table: &[Value], args: &Args<'_>, cx: &Context) -> Step<Vec<Value>> {
    let bounds = dates(args, cx)?;
    let id = args.get("idunico");
    Ok(table
        .iter()
        .filter(|r| in_dates(r.get("datahora"), &bounds) && matches_id(r, id))
        .cloned()
        .collect())
}

/// Whether a record is the one `id` names (by `bilheteunico` or `idcti`); any record when none.
pub(super) fn matches_id(row: &Value, id: Option<&str>) -> bool {
    id.is_none_or(|id| {
        row.get("bilheteunico").and_then(Value::as_str) == Some(id)
            || row.get("idcti").and_then(Value::as_str) == Some(id)
    })
}
