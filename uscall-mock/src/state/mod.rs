//! The simulated company: the seed's tables (agents, extensions, queues, pauses, trunks, URAs,
//! dialling categories, call records and reports) as the PBX answers them, and the calls in
//! progress, which the operations change together so that every answer agrees with the others.

use crate::clock::{Clock, hms, pbx_datetime};

mod ccenter;
use jiff::Timestamp;
use serde_json::{Map, Value, json};
use std::time::Duration;

/// The built-in company: realistic Portuguese names and numbers, in which every documented
/// `status` and `tipo` value occurs (the same data the tests' PHP reference servers answer from).
pub const DEFAULT_SEED: &str = include_str!("../seed.json");

/// The tables every seed must have, each a JSON array (`ccenter` is an object of reports).
const TABLES: &[&str] = &[
    "agents",
    "agent_status",
    "pauses",
    "extensions",
    "exten_status",
    "queues",
    "queue_status",
    "trunks",
    "cdrs",
    "cdr_tariff",
    "uras",
    "cdr_ura",
    "categories",
];

/// A seed that cannot be used: not JSON, or a table missing or of the wrong shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError(pub String);

impl std::fmt::Display for SeedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unusable seed: {}", self.0)
    }
}

impl std::error::Error for SeedError {}

/// A call in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveCall {
    /// Its unique id (`bilheteunico`, `<epoch>.<seq>`), also the recording's name.
    pub id: String,
    /// How it was started: `outbound`, `clicktocall`, `ura` or `monitor` (a monitoring leg).
    pub kind: String,
    /// The extension on the PBX side, when there is one.
    pub ramal: Option<String>,
    /// The agent logged in on that extension, if any.
    pub agente: Option<String>,
    /// The calling number (`origem` of its call record).
    pub origem: String,
    /// The called number (`destino`).
    pub destino: String,
    /// The dialling category.
    pub categoria: String,
    /// The integrator's id, carried into the call record.
    pub idcti: String,
    /// The URA, for `ura` calls, and the `cti_info` values sent with it.
    pub ura: Option<String>,
    /// `cti_info1`..`cti_info10` as sent (empty ones left out).
    pub cti: Vec<(String, String)>,
    /// When it started.
    pub started: Timestamp,
    /// How long it lasts unless hung up first.
    pub lasts: Duration,
}

/// The company's state. Reachable from a test with [`crate::Pbx::state`]; every table can be
/// read and edited there, with the row shapes of the vendor's document.
#[derive(Debug, Clone)]
pub struct State {
    pub(crate) token: String,
    tables: Map<String, Value>,
    pub(crate) calls: Vec<LiveCall>,
    /// Agents in a pause.
    pub(crate) pauses: Vec<Paused>,
    /// Agents logged in during the simulation, and since when.
    pub(crate) logins: Vec<(String, Timestamp)>,
    seq: u64,
}

/// An agent's pause in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Paused {
    pub(crate) agente: String,
    /// The pause's name (`Almoço`).
    pub(crate) name: String,
    pub(crate) since: Timestamp,
    /// Its limit in seconds (0: none); time past it is reported as `estouro`.
    pub(crate) limit: i64,
}

impl State {
    /// The company described by `seed` (a JSON document like [`DEFAULT_SEED`]).
    pub fn from_seed(seed: &str) -> Result<State, SeedError> {
        let value: Value =
            serde_json::from_str(seed).map_err(|e| SeedError(format!("not JSON: {e}")))?;
        let Value::Object(mut tables) = value else {
            return Err(SeedError("not a JSON object".into()));
        };
        let token = match tables.remove("token") {
            Some(Value::String(token)) if !token.is_empty() => token,
            _ => return Err(SeedError("no `token` string".into())),
        };
        for name in TABLES {
            if !tables.get(*name).is_some_and(Value::is_array) {
                return Err(SeedError(format!("no `{name}` array")));
            }
        }
        if !tables.get("ccenter").is_some_and(Value::is_object) {
            return Err(SeedError("no `ccenter` object".into()));
        }
        Ok(State {
            token,
            tables,
            calls: Vec::new(),
            pauses: Vec::new(),
            logins: Vec::new(),
            seq: 0,
        })
    }

    /// The company's token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// Sets the token the PBX accepts.
    pub fn set_token(&mut self, token: impl Into<String>) {
        self.token = token.into();
    }

    /// A table's rows (`agents`, `agent_status`, `cdrs`, ...; `ccenter` is an object), or an
    /// empty list for a table the seed does not have.
    pub fn table(&self, name: &str) -> &[Value] {
        self.tables
            .get(name)
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }

    /// A table's rows, to change them.
    pub fn table_mut(&mut self, name: &str) -> &mut Vec<Value> {
        let entry = self
            .tables
            .entry(name.to_owned())
            .or_insert_with(|| Value::Array(Vec::new()));
        if !entry.is_array() {
            *entry = Value::Array(Vec::new());
        }
        entry.as_array_mut().expect("made an array above")
    }

    /// A value of the seed outside the tables (`ccenter`, `senhas`).
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.tables.get(name)
    }

    /// The agentStatus row of `agente`.
    pub fn agent_status(&self, agente: &str) -> Option<&Map<String, Value>> {
        row(self.table("agent_status"), "num", agente)
    }

    /// The extenStatus row of `ramal`.
    pub fn exten_status(&self, ramal: &str) -> Option<&Map<String, Value>> {
        row(self.table("exten_status"), "ramal", ramal)
    }

    /// The calls in progress.
    pub fn live_calls(&self) -> &[LiveCall] {
        &self.calls
    }

    /// The first row of `table` whose `key` is `value`, to change it.
    pub(crate) fn row_mut(
        &mut self,
        table: &str,
        key: &str,
        value: &str,
    ) -> Option<&mut Map<String, Value>> {
        self.table_mut(table)
            .iter_mut()
            .filter_map(Value::as_object_mut)
            .find(|r| r.get(key).and_then(Value::as_str) == Some(value))
    }

    /// A new unique call id, `<epoch seconds>.<sequence>` as Asterisk writes them.
    pub(crate) fn next_id(&mut self, now: Timestamp) -> String {
        self.seq += 1;
        format!("{}.{}", now.as_second(), 300 + self.seq)
    }

    /// Ends what is due by `now`: calls whose time is up, each leaving its records. (A pause
    /// does not end at its limit: the time past it is reported as `estouro`.)
    pub(crate) fn settle(&mut self, clock: &Clock) {
        let now = clock.now();
        let due: Vec<String> = self
            .calls
            .iter()
            .filter(|c| ends_at(c) <= now)
            .map(|c| c.id.clone())
            .collect();
        for id in due {
            self.end_call(&id, None);
        }
        self.refresh_times(now);
    }

    /// Ends the call `id` at `at` (its natural end when `None`): the extension and the agent
    /// are free again, and the call leaves its call record, its tariff row (outbound calls), its
    /// URA record (URA calls) and its recording.
    pub(crate) fn end_call(&mut self, id: &str, at: Option<Timestamp>) {
        let Some(index) = self.calls.iter().position(|c| c.id == id) else {
            return;
        };
        let call = self.calls.remove(index);
        let end = at.unwrap_or_else(|| ends_at(&call)).min(ends_at(&call));
        let seconds = (end.as_second() - call.started.as_second()).max(0);
        if let Some(ramal) = &call.ramal
            && let Some(row) = self.row_mut("exten_status", "ramal", ramal)
        {
            set(
                row,
                &[("status", "disponivel"), ("numero", ""), ("tempo", "")],
            );
        }
        if let Some(agente) = &call.agente
            && let Some(row) = self.row_mut("agent_status", "num", agente)
        {
            set(
                row,
                &[
                    ("status", "ocioso"),
                    ("numero", ""),
                    ("tempo", ""),
                    ("idcall", ""),
                ],
            );
            if call.kind == "outbound" {
                bump(row, "efetuadas");
            }
        }
        // Monitoring legs of this call end with it.
        let legs: Vec<String> = self
            .calls
            .iter()
            .filter(|c| c.kind == "monitor" && Some(&c.destino) == call.ramal.as_ref())
            .map(|c| c.id.clone())
            .collect();
        for leg in legs {
            self.end_call(&leg, Some(end));
        }
        if call.kind == "monitor" {
            return;
        }
        self.records(&call, seconds);
    }

    /// The records a finished call leaves.
    fn records(&mut self, call: &LiveCall, seconds: i64) {
        let started = crate::clock::local(call.started);
        let datahora = pbx_datetime(started);
        let trunk = self
            .table("trunks")
            .first()
            .and_then(|t| t.get("nome"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned();
        let tipo = match call.kind.as_str() {
            "outbound" => "Efetuada",
            "clicktocall" => "Click to call",
            _ => "Discador",
        };
        let audio = format!("{}-{}.wav", started.strftime("%Y%m%d-%H%M%S"), call.id);
        self.ccenter_call(call, seconds, &datahora, &audio);
        self.table_mut("cdrs").push(json!({
            "bilheteunico": call.id,
            "audio": audio,
            "datahora": datahora,
            "tipo": tipo,
            "ddr": "",
            "origem": call.origem,
            "destino": call.destino,
            "tronco": trunk,
            "espera": "00:00:00",
            "duracao": hms(seconds),
            "status": "COMPLETADA",
            "idcti": call.idcti,
        }));
        if call.kind == "outbound" {
            let ramal = call.ramal.clone().unwrap_or_default();
            let ramalnome = row(self.table("extensions"), "num", &ramal)
                .and_then(|r| r.get("nome"))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned();
            let channel = format!("PJSIP/empresa-{ramal}-{:08x}", self.seq);
            self.table_mut("cdr_tariff").push(json!({
                "datahorario": datahora,
                "ramalnum": ramal,
                "ramalnome": ramalnome,
                "ramalcanal": channel,
                "numero": call.destino,
                "tronconome": trunk,
                "troncocanal": "PJSIP/vivo-sip",
                "statuscall": "ANSWERED",
                "durtotal": (seconds + 3).to_string(),
                "durcall": seconds.to_string(),
                "idcall": call.id,
            }));
        }
        if let Some(ura) = &call.ura {
            let destino = self.ura_destination(ura);
            let mut row = json!({
                "datahora": datahora,
                "ura": ura,
                "bilheteunico": call.id,
                "ddr": "",
                "origem": call.destino,
                "destino": destino,
                "tronco": trunk,
                "duracao": hms(seconds),
                "fluxo": "1",
                "palavra_origem": "1",
                "palavra_dest": "1",
                "evento": "DIGITO_VALIDO",
                "status": "COMPLETADA",
                "eventos": [{
                    "datahora": datahora,
                    "fluxo": "1",
                    "palavra_origem": "1",
                    "palavra_dest": "1",
                    "evento": "DIGITO_VALIDO",
                    "destino": destino,
                    "duracao": hms(seconds),
                }],
                "idcti": call.idcti,
            });
            if !call.cti.is_empty() {
                let cti: Map<String, Value> = call
                    .cti
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                    .collect();
                row["cti_info"] = Value::Object(cti);
            }
            self.table_mut("cdr_ura").push(row);
        }
    }

    /// Where URA `ura` sends a caller who answers its first question: its first flow's first
    /// destination (`QUEUE/901`).
    pub(crate) fn ura_destination(&self, ura: &str) -> String {
        row(self.table("uras"), "id", ura)
            .and_then(|u| u.get("fluxos"))
            .and_then(|f| f.get(0))
            .and_then(|f| f.get("palavras"))
            .and_then(|p| p.get(0))
            .and_then(|p| p.get("destino"))
            .and_then(Value::as_str)
            .unwrap_or("HANGUP")
            .to_owned()
    }

    /// Ends `agente`'s pause at `now`, if in one: idle again, and the pause in the reports.
    pub(crate) fn end_pause(&mut self, agente: &str, now: Timestamp) {
        if self.finish_pause(agente, now)
            && let Some(row) = self.row_mut("agent_status", "num", agente)
        {
            set(row, &[("status", "ocioso"), ("pausa", ""), ("tempo", "")]);
        }
    }

    /// Writes the `tempo` of busy extensions, agents and paused agents as of `now`.
    fn refresh_times(&mut self, now: Timestamp) {
        let calls: Vec<(Option<String>, Option<String>, String)> = self
            .calls
            .iter()
            .map(|c| {
                (
                    c.ramal.clone(),
                    c.agente.clone(),
                    hms(now.as_second() - c.started.as_second()),
                )
            })
            .collect();
        for (ramal, agente, tempo) in calls {
            if let Some(ramal) = ramal
                && let Some(row) = self.row_mut("exten_status", "ramal", &ramal)
            {
                set(row, &[("tempo", &tempo)]);
            }
            if let Some(agente) = agente
                && let Some(row) = self.row_mut("agent_status", "num", &agente)
            {
                set(row, &[("tempo", &tempo)]);
            }
        }
        let paused: Vec<(String, String)> = self
            .pauses
            .iter()
            .map(|p| (p.agente.clone(), hms(now.as_second() - p.since.as_second())))
            .collect();
        for (agente, tempo) in paused {
            if let Some(row) = self.row_mut("agent_status", "num", &agente) {
                set(row, &[("tempo", &tempo)]);
            }
        }
    }
}

/// When a call ends unless hung up first.
fn ends_at(call: &LiveCall) -> Timestamp {
    let lasts = jiff::SignedDuration::try_from(call.lasts).unwrap_or(jiff::SignedDuration::MAX);
    call.started.checked_add(lasts).unwrap_or(Timestamp::MAX)
}

/// The first row of `rows` whose `key` is `value`.
pub(crate) fn row<'r>(rows: &'r [Value], key: &str, value: &str) -> Option<&'r Map<String, Value>> {
    rows.iter()
        .filter_map(Value::as_object)
        .find(|r| r.get(key).and_then(Value::as_str) == Some(value))
}

/// Sets string fields of a row.
pub(crate) fn set(row: &mut Map<String, Value>, fields: &[(&str, &str)]) {
    for (k, v) in fields {
        row.insert((*k).to_owned(), Value::String((*v).to_owned()));
    }
}

/// Adds one to a counter kept as a decimal string (`"14"`).
fn bump(row: &mut Map<String, Value>, field: &str) {
    let n = row
        .get(field)
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(0);
    row.insert(field.to_owned(), Value::String((n + 1).to_string()));
}
