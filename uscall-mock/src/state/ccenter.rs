//! The call-center reports kept in step with the calls the simulation makes: a call an agent
//! took part in adds its ccenterCdr row and counts in the agent's ccenterAgents figures, so the
//! reports agree with cdrSearch for everything an app does (the seed's figures are the history
//! before the simulation started).

use super::{LiveCall, State};
use serde_json::{Map, Value, json};

/// The ccenterAgents figures a call moves, as they start for an agent with no row yet.
const AGENT_FIGURES: &[&str] = &[
    "sessao",
    "ocupado",
    "ocioso",
    "pausas",
    "tma",
    "outbound_total",
    "outbound_tma",
    "outbound_atend",
    "outbound_natend",
];

impl State {
    /// Records `call` (`seconds` long, started at `datahora`, recorded as `audio`) in the
    /// call-center reports, when an agent took part in it.
    pub(super) fn ccenter_call(
        &mut self,
        call: &LiveCall,
        seconds: i64,
        datahora: &str,
        audio: &str,
    ) {
        let Some(agente) = call.agente.clone() else {
            return;
        };
        let fila = self
            .agent_status(&agente)
            .and_then(|r| r.get("filas"))
            .and_then(|f| f.get(0))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let numero = if call.kind == "outbound" {
            &call.destino
        } else {
            &call.origem
        };
        let row = json!({
            "datahora": datahora,
            "fila": fila,
            "agente": agente,
            "numero": numero,
            "status": "ATENDIDA",
            "espera": 0,
            "atendimento": seconds,
            "gravacao": audio,
            "bilheteunico": call.id,
        });
        let Some(ccenter) = self.ccenter_mut() else {
            return;
        };
        push(ccenter, "cdr", row);
        let agents = list(ccenter, "agents");
        let index = match agents
            .iter()
            .position(|r| r.get("agente").and_then(Value::as_str) == Some(agente.as_str()))
        {
            Some(i) => i,
            None => {
                let mut row = Map::new();
                row.insert("agente".into(), Value::String(agente.clone()));
                for figure in AGENT_FIGURES {
                    row.insert((*figure).into(), json!(0));
                }
                agents.push(Value::Object(row));
                agents.len() - 1
            }
        };
        let Some(row) = agents[index].as_object_mut() else {
            return;
        };
        let get =
            |row: &Map<String, Value>, k: &str| row.get(k).and_then(Value::as_f64).unwrap_or(0.0);
        let calls = get(row, "outbound_total") + 1.0;
        let average = (get(row, "outbound_tma") * (calls - 1.0) + seconds as f64) / calls;
        row.insert("outbound_total".into(), json!(calls as i64));
        row.insert(
            "outbound_atend".into(),
            json!(get(row, "outbound_atend") as i64 + 1),
        );
        row.insert("outbound_tma".into(), json!(average.round() as i64));
        row.insert(
            "ocupado".into(),
            json!(get(row, "ocupado") as i64 + seconds),
        );
    }

    fn ccenter_mut(&mut self) -> Option<&mut Map<String, Value>> {
        self.tables
            .get_mut("ccenter")
            .and_then(Value::as_object_mut)
    }
}

fn list<'m>(map: &'m mut Map<String, Value>, key: &str) -> &'m mut Vec<Value> {
    let entry = map
        .entry(key.to_owned())
        .or_insert_with(|| Value::Array(Vec::new()));
    if !entry.is_array() {
        *entry = Value::Array(Vec::new());
    }
    entry.as_array_mut().expect("made an array above")
}

fn push(map: &mut Map<String, Value>, key: &str, row: Value) {
    list(map, key).push(row);
}
