//! The call-center detail the simulation adds to: a call an agent took part in becomes a
//! ccenterCdr row, a login and a logout become session events, an ended pause a pause row. The
//! reports' summaries are computed from that detail (`ops/center.rs`), so they agree with
//! cdrSearch and agentStatus for everything an app does.

use super::{LiveCall, State};
use crate::clock::pbx_datetime;
use jiff::Timestamp;
use serde_json::{Map, Value, json};

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
        // The simulation's agent calls are placed by the agent: outbound, queue `Ativo`.
        let fila = "Ativo";
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
        if let Some(ccenter) = self.ccenter_mut() {
            push(ccenter, "cdr", row);
        }
    }

    /// Logs `agente` in at `now` in the sessions report (queue `fila`).
    pub(crate) fn session_login(&mut self, agente: &str, fila: &str, now: Timestamp) {
        self.logins.retain(|(a, _)| a != agente);
        self.logins.push((agente.to_owned(), now));
        self.session_event(agente, fila, "login", 0, now);
    }

    /// Logs `agente` out at `now`, if logged in during the simulation: a session of the time
    /// since its login.
    pub(crate) fn session_logout(&mut self, agente: &str, fila: &str, now: Timestamp) {
        let Some(i) = self.logins.iter().position(|(a, _)| a == agente) else {
            return;
        };
        let (_, since) = self.logins.remove(i);
        let seconds = now.as_second() - since.as_second();
        self.session_event(agente, fila, "logout", seconds, now);
    }

    fn session_event(
        &mut self,
        agente: &str,
        fila: &str,
        evento: &str,
        tempo: i64,
        now: Timestamp,
    ) {
        let row = json!({
            "datahora": pbx_datetime(crate::clock::local(now)),
            "agente": agente,
            "fila": fila,
            "evento": evento,
            "tempo": tempo,
        });
        if let Some(ccenter) = self.ccenter_mut() {
            push(analytic(ccenter, "sessions"), "1", row);
        }
    }

    /// Ends `agente`'s pause at `now`, if in one, and reports it (with the time past its limit);
    /// whether there was one.
    pub(crate) fn finish_pause(&mut self, agente: &str, now: Timestamp) -> bool {
        let Some(i) = self.pauses.iter().position(|p| p.agente == agente) else {
            return false;
        };
        let pause = self.pauses.remove(i);
        let tempo = now.as_second() - pause.since.as_second();
        let estouro = if pause.limit > 0 {
            (tempo - pause.limit).max(0)
        } else {
            0
        };
        let row = json!({
            "inicio": pbx_datetime(crate::clock::local(pause.since)),
            "retorno": pbx_datetime(crate::clock::local(now)),
            "agente": agente,
            "pausa": pause.name,
            "tempo": tempo,
            "limite": pause.limit,
            "estouro": estouro,
        });
        if let Some(ccenter) = self.ccenter_mut() {
            push(analytic(ccenter, "pauses"), "1", row);
        }
        true
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

/// The analytic and synthetic reports of `name` (`{"0": [...], "1": [...]}`), to change them.
fn analytic<'m>(ccenter: &'m mut Map<String, Value>, name: &str) -> &'m mut Map<String, Value> {
    let entry = ccenter
        .entry(name.to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    if !entry.is_object() {
        *entry = Value::Object(Map::new());
    }
    entry.as_object_mut().expect("made an object above")
}
