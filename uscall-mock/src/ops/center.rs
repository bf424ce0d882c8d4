//! The call-center summaries computed from the detail the state keeps, so that they agree with
//! it and with the call records: ccenterAgents from the agents' calls (ccenterCdr rows),
//! sessions and pauses; the synthetic ccenterSessions and ccenterPauses (`report_type` 0) from
//! the analytic ones (1); and the ccenterMetrics reports from the calls, per queue.
//!
//! A ccenterCdr row in queue `Ativo` is an outbound call, any other an inbound one; `ATENDIDA`
//! is answered. A pause not in the company's list (getPauses) is a system pause.

use super::in_dates;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// The queue outbound calls are reported under.
const OUTBOUND: &str = "Ativo";

/// The service level's goal: answered within this many seconds of waiting.
const SERVICE_GOAL: i64 = 20;

type Bounds = (Option<String>, Option<String>);

fn text<'v>(row: &'v Value, key: &str) -> &'v str {
    row.get(key).and_then(Value::as_str).unwrap_or("")
}

fn int(row: &Value, key: &str) -> i64 {
    row.get(key).and_then(Value::as_i64).unwrap_or(0)
}

/// `part` of `whole` in percent, to two decimals (0 when `whole` is 0).
fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 10_000.0 / whole as f64).round() / 100.0
    }
}

/// The mean of `values`, rounded (0 when there are none).
fn mean(values: &[i64]) -> i64 {
    if values.is_empty() {
        0
    } else {
        (values.iter().sum::<i64>() as f64 / values.len() as f64).round() as i64
    }
}

/// The rows of `rows` dated (by `field`) within `bounds`.
fn dated<'r>(rows: &'r [Value], field: &str, bounds: &Bounds) -> Vec<&'r Value> {
    rows.iter()
        .filter(|r| in_dates(r.get(field), bounds))
        .collect()
}

/// ccenterAgents: one row per agent with a session, a pause or a call in the period, by agent.
pub(super) fn agents(ccenter: &Value, company_pauses: &[Value], bounds: &Bounds) -> Vec<Value> {
    let detail = |name: &str| {
        ccenter
            .get(name)
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice)
    };
    let analytic = |name: &str| {
        ccenter
            .get(name)
            .and_then(|r| r.get("1"))
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice)
    };
    let calls = dated(detail("cdr"), "datahora", bounds);
    let sessions = dated(analytic("sessions"), "datahora", bounds);
    let pauses = dated(analytic("pauses"), "inicio", bounds);
    let mut ids: Vec<&str> = calls
        .iter()
        .chain(&sessions)
        .chain(&pauses)
        .map(|r| text(r, "agente"))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let known = |pause: &str| company_pauses.iter().any(|p| text(p, "pause") == pause);
    let mut rows: Vec<Map<String, Value>> = Vec::new();
    for id in ids {
        let mine = |rows: &[&Value]| -> Vec<Value> {
            rows.iter()
                .filter(|r| text(r, "agente") == id)
                .map(|r| (*r).clone())
                .collect()
        };
        let (calls, sessions, pauses) = (mine(&calls), mine(&sessions), mine(&pauses));
        let sessao: i64 = sessions
            .iter()
            .filter(|s| text(s, "evento") == "logout")
            .map(|s| int(s, "tempo"))
            .sum();
        let (company, system): (Vec<&Value>, Vec<&Value>) =
            pauses.iter().partition(|p| known(text(p, "pausa")));
        let pausas: i64 = company.iter().map(|p| int(p, "tempo")).sum();
        let pausas_sys: i64 = system.iter().map(|p| int(p, "tempo")).sum();
        let answered = |outbound: bool| -> Vec<i64> {
            calls
                .iter()
                .filter(|c| {
                    (text(c, "fila") == OUTBOUND) == outbound && text(c, "status") == "ATENDIDA"
                })
                .map(|c| int(c, "atendimento"))
                .collect()
        };
        let count = |outbound: bool| {
            calls
                .iter()
                .filter(|c| (text(c, "fila") == OUTBOUND) == outbound)
                .count() as i64
        };
        let (inbound, outbound) = (answered(false), answered(true));
        let all: Vec<i64> = inbound.iter().chain(&outbound).copied().collect();
        let ocupado: i64 = all.iter().sum();
        let ocioso = (sessao - ocupado - pausas - pausas_sys).max(0);
        let row = json!({
            "agente": id,
            "sessao": sessao,
            "perc_sessao": 0.0,
            "ocupado": ocupado,
            "perc_ocupad": percent(ocupado, sessao),
            "ocioso": ocioso,
            "perc_ocioso": percent(ocioso, sessao),
            "pausas": pausas,
            "pausas_sys": pausas_sys,
            "perc_pausa": percent(pausas + pausas_sys, sessao),
            "tma": mean(&all),
            "inbound_tma": mean(&inbound),
            "inbound_atend": inbound.len(),
            "inbound_natend": count(false) - inbound.len() as i64,
            "outbound_total": count(true),
            "outbound_tma": mean(&outbound),
            "outbound_atend": outbound.len(),
            "outbound_natend": count(true) - outbound.len() as i64,
        });
        if let Value::Object(row) = row {
            rows.push(row);
        }
    }
    // Each agent's share of the session time of all of them.
    let total: i64 = rows.iter().map(|r| r["sessao"].as_i64().unwrap_or(0)).sum();
    rows.into_iter()
        .map(|mut r| {
            let own = r["sessao"].as_i64().unwrap_or(0);
            r.insert("perc_sessao".into(), json!(percent(own, total)));
            Value::Object(r)
        })
        .collect()
}

/// ccenterSessions 0: per agent and day, the sessions of the analytic report.
pub(super) fn session_summary(events: &[Value], bounds: &Bounds) -> Vec<Value> {
    let mut days: BTreeMap<(String, String), Map<String, Value>> = BTreeMap::new();
    for event in dated(events, "datahora", bounds) {
        let at = text(event, "datahora");
        let key = (
            text(event, "agente").to_owned(),
            at.get(..10).unwrap_or(at).to_owned(),
        );
        let row = days.entry(key.clone()).or_insert_with(|| {
            let mut row = Map::new();
            row.insert("agente".into(), json!(key.0));
            row.insert("data".into(), json!(key.1));
            row.insert("qtd_ses".into(), json!(0));
            row.insert("tempo_ses".into(), json!(0));
            row.insert("login_ses".into(), json!(""));
            row.insert("logout_ses".into(), json!(""));
            row
        });
        let add = |row: &mut Map<String, Value>, k: &str, n: i64| {
            let v = row[k].as_i64().unwrap_or(0) + n;
            row.insert(k.into(), json!(v));
        };
        match text(event, "evento") {
            "login" => {
                add(row, "qtd_ses", 1);
                if row["login_ses"] == "" {
                    row.insert("login_ses".into(), json!(at));
                }
            }
            "logout" => {
                add(row, "tempo_ses", int(event, "tempo"));
                row.insert("logout_ses".into(), json!(at));
            }
            _ => {}
        }
    }
    days.into_values().map(Value::Object).collect()
}

/// ccenterPauses 0: per agent and pause, the analytic report's pauses added up.
pub(super) fn pause_summary(pauses: &[Value], bounds: &Bounds) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let mut rows = dated(pauses, "inicio", bounds);
    rows.sort_by(|a, b| text(a, "agente").cmp(text(b, "agente")));
    for pause in rows {
        let (agente, name) = (text(pause, "agente"), text(pause, "pausa"));
        let found = out
            .iter_mut()
            .find(|r| text(r, "agente") == agente && text(r, "pausa") == name);
        match found {
            Some(row) => {
                row["tempo"] = json!(int(row, "tempo") + int(pause, "tempo"));
                row["estouro"] = json!(int(row, "estouro") + int(pause, "estouro"));
                row["total"] = json!(int(row, "total") + 1);
            }
            None => out.push(json!({
                "agente": agente,
                "pausa": name,
                "tempo": int(pause, "tempo"),
                "estouro": int(pause, "estouro"),
                "total": 1,
            })),
        }
    }
    out
}

/// A ccenterMetrics report computed from the calls, or `None` for one it does not compute.
pub(super) fn metric(name: &str, calls: &[Value], bounds: &Bounds) -> Option<Value> {
    let calls = dated(calls, "datahora", bounds);
    let mut queues: Vec<&str> = calls.iter().map(|c| text(c, "fila")).collect();
    queues.sort_unstable();
    queues.dedup();
    let of = |fila: &str| -> Vec<&Value> {
        calls
            .iter()
            .copied()
            .filter(|c| text(c, "fila") == fila)
            .collect()
    };
    let answered = |fila: &str| -> Vec<&Value> {
        of(fila)
            .into_iter()
            .filter(|c| text(c, "status") == "ATENDIDA")
            .collect()
    };
    let inbound: Vec<&str> = queues.iter().copied().filter(|q| *q != OUTBOUND).collect();
    Some(match name {
        "abandono" => Value::Array(
            inbound
                .iter()
                .map(|fila| {
                    let recebidas = of(fila).len() as i64;
                    let abandonadas = recebidas - answered(fila).len() as i64;
                    json!({
                        "fila": fila,
                        "recebidas": recebidas,
                        "abandonadas": abandonadas,
                        "perc_abandono": percent(abandonadas, recebidas),
                    })
                })
                .collect(),
        ),
        "nivel_servico" => {
            let filas: Map<String, Value> = inbound
                .iter()
                .map(|fila| {
                    let answered = answered(fila);
                    let inside = answered.iter().filter(|c| int(c, "espera") <= SERVICE_GOAL).count();
                    let level = percent(inside as i64, answered.len() as i64);
                    let row = json!({ "atendidas": answered.len(), "dentro_meta": inside, "nivel": level });
                    ((*fila).to_owned(), row)
                })
                .collect();
            json!({ "meta_segundos": SERVICE_GOAL, "filas": filas })
        }
        "tma_fila" => Value::Array(
            queues
                .iter()
                .map(|fila| {
                    let times: Vec<i64> = answered(fila)
                        .iter()
                        .map(|c| int(c, "atendimento"))
                        .collect();
                    json!({ "fila": fila, "tma": mean(&times), "atendidas": times.len() })
                })
                .collect(),
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::{DEFAULT_SEED, State};

    /// The built-in seed stores its summaries as these functions compute them from its detail:
    /// the reference servers, which answer the seed as stored, then agree with the simulator.
    #[test]
    fn the_seed_stores_the_summaries_its_detail_gives() {
        let state = State::from_seed(DEFAULT_SEED).unwrap();
        let cc = state.get("ccenter").unwrap();
        let all = (None, None);
        let analytic = |name: &str| cc[name]["1"].as_array().unwrap().clone();
        let computed = json!({
            "agents": agents(cc, state.table("pauses"), &all),
            "sessions0": session_summary(&analytic("sessions"), &all),
            "pauses0": pause_summary(&analytic("pauses"), &all),
            "abandono": metric("abandono", cc["cdr"].as_array().unwrap(), &all),
            "nivel_servico": metric("nivel_servico", cc["cdr"].as_array().unwrap(), &all),
            "tma_fila": metric("tma_fila", cc["cdr"].as_array().unwrap(), &all),
        });
        if std::env::var_os("USCALL_PRINT_SUMMARIES").is_some() {
            println!("{computed}");
        }
        let stored = json!({
            "agents": cc["agents"],
            "sessions0": cc["sessions"]["0"],
            "pauses0": cc["pauses"]["0"],
            "abandono": cc["metrics"]["abandono"],
            "nivel_servico": cc["metrics"]["nivel_servico"],
            "tma_fila": cc["metrics"]["tma_fila"],
        });
        assert_eq!(stored, computed);
    }
}
