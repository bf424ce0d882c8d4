//! Call-center agents: getAgent, agentStatus and getPauses rows.

use super::{de, ser};
use crate::enums::AgentStatus;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// One agent of getAgent (section 1.1). The document lists the data (number, name, MD5
/// password, key queue) but not the keys; these are the ones the PBX is known to send.
///
/// `Debug` hides `senhamd5`: the hash is all agentLogin needs, so it is a password.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Agent {
    /// The agent's number (also read from `num`).
    #[serde(alias = "num", deserialize_with = "de::text")]
    pub agente: String,
    /// The agent's name.
    #[serde(default, deserialize_with = "de::text")]
    pub nome: String,
    /// The agent's password, MD5 as lower-case hex; what agentLogin expects (see
    /// [`crate::models::Password`]).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub senhamd5: Option<String>,
    /// The agent's key queue ("fila chave"), used when agentLogin names none.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub filachave: Option<String>,
}

impl std::fmt::Debug for Agent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Agent")
            .field("agente", &self.agente)
            .field("nome", &self.nome)
            .field("senhamd5", &self.senhamd5.as_ref().map(|_| "<redacted>"))
            .field("filachave", &self.filachave)
            .finish()
    }
}

impl Agent {
    /// The wire keys, in the order of the vendor document.
    pub const COLUMNS: &'static [&'static str] = &["agente", "nome", "senhamd5", "filachave"];
}

/// The live state of one agent, from agentStatus (section 1.7).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AgentState {
    /// The agent's number.
    #[serde(deserialize_with = "de::text")]
    pub num: String,
    /// Paused, busy, ringing, idle, not logged in...
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub status: Option<AgentStatus>,
    /// The name of the agent's current pause.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub pausa: Option<String>,
    /// The agent's current campaign.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub campanha: Option<String>,
    /// The extension the agent is logged in on.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub ramal: Option<String>,
    /// The number of the agent's current call.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub numero: Option<String>,
    /// How long the current call has lasted. The format is undocumented: `HH:MM:SS` and plain
    /// seconds are both read, `HH:MM:SS` is written.
    #[serde(
        default,
        deserialize_with = "de::opt_hms",
        serialize_with = "ser::opt_hms"
    )]
    pub tempo: Option<Duration>,
    /// The queues the agent is logged into.
    #[serde(default, deserialize_with = "de::text_list")]
    pub filas: Vec<String>,
    /// Inbound calls the agent took today.
    #[serde(default, deserialize_with = "de::opt_count")]
    pub recebidas: Option<u64>,
    /// Outbound calls the agent made today.
    #[serde(default, deserialize_with = "de::opt_count")]
    pub efetuadas: Option<u64>,
    /// The queue of the current call; `Ativo` for an outbound call.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub atendfila: Option<String>,
    /// The current call's unique id (the document describes it, by a slip, as the queue).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub idcall: Option<String>,
    /// The DDR of the current call.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub ddr: Option<String>,
    /// Digits the caller keyed in the answering IVR (typically a CPF/CNPJ), when enabled.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub idura: Option<String>,
}

impl AgentState {
    /// The wire keys, in the order of the vendor document.
    pub const COLUMNS: &'static [&'static str] = &[
        "num",
        "status",
        "pausa",
        "campanha",
        "ramal",
        "numero",
        "tempo",
        "filas",
        "recebidas",
        "efetuadas",
        "atendfila",
        "idcall",
        "ddr",
        "idura",
    ];
}

/// One pause reason of getPauses (section 1.8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Pause {
    /// The pause's id, for startPause.
    #[serde(deserialize_with = "de::text")]
    pub id: String,
    /// The pause's name (the key is `pause`, not `pausa`; `pausa` is read too).
    #[serde(default, alias = "pausa", deserialize_with = "de::text")]
    pub pause: String,
    /// The longest an agent may stay on this pause (seconds on the wire). **Zero means
    /// unlimited**, and so is an empty value; see [`Pause::limit`].
    #[serde(
        default,
        deserialize_with = "secs_or_zero",
        serialize_with = "ser::secs"
    )]
    pub tempo: Duration,
    /// The queues whose agents may use this pause; `ALL` (kept as a value) means every queue.
    #[serde(default, deserialize_with = "de::text_list")]
    pub filas: Vec<String>,
}

impl Pause {
    /// The wire keys, in the order of the vendor document.
    pub const COLUMNS: &'static [&'static str] = &["id", "pause", "tempo", "filas"];

    /// The time limit, or `None` when the pause is unlimited (`tempo` 0).
    pub fn limit(&self) -> Option<Duration> {
        (!self.tempo.is_zero()).then_some(self.tempo)
    }

    /// Whether agents of every queue may use the pause (`filas` is `ALL`).
    pub fn all_queues(&self) -> bool {
        self.filas.iter().any(|f| f.eq_ignore_ascii_case("ALL"))
    }
}

fn secs_or_zero<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    Ok(de::opt_secs(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::tests::keys_follow_columns;
    use serde_json::json;

    #[test]
    fn agent_rows() {
        let a: Agent = serde_json::from_value(
            json!({"agente": 600, "nome": "Ana Conceição", "senhamd5": "81dc9bdb52d04dc20036dbd8313ed055", "filachave": "900"}),
        )
        .unwrap();
        assert_eq!(
            (a.agente.as_str(), a.filachave.as_deref()),
            ("600", Some("900"))
        );
        keys_follow_columns(&a, Agent::COLUMNS);
    }

    #[test]
    fn agent_states_with_empty_values_and_counts_as_text() {
        let s: AgentState = serde_json::from_value(json!({
            "num": "610", "status": "tocando", "pausa": "", "campanha": "", "ramal": "0119",
            "numero": "11912345678", "tempo": "00:00:04", "filas": ["901", 902], "recebidas": "5",
            "efetuadas": 0, "atendfila": "901", "idcall": "1748966530.107", "ddr": "", "idura": ""
        }))
        .unwrap();
        assert_eq!(s.status, Some(AgentStatus::Tocando));
        assert_eq!(s.ramal.as_deref(), Some("0119"));
        assert_eq!(s.tempo, Some(Duration::from_secs(4)));
        assert_eq!(s.filas, ["901", "902"]);
        assert_eq!((s.recebidas, s.efetuadas), (Some(5), Some(0)));
        assert_eq!((&s.pausa, &s.ddr), (&None, &None));
        keys_follow_columns(&s, AgentState::COLUMNS);
        let paused: AgentState =
            serde_json::from_value(json!({"num": "615", "status": "não logado", "tempo": "130"}))
                .unwrap();
        assert_eq!(paused.status, Some(AgentStatus::NaoLogado));
        assert_eq!(paused.tempo, Some(Duration::from_secs(130)));
    }

    #[test]
    fn pauses_keep_all_and_zero_means_unlimited() {
        let p: Pause = serde_json::from_value(
            json!({"id": 1, "pause": "Almoço", "tempo": "3600", "filas": "ALL"}),
        )
        .unwrap();
        assert_eq!(p.limit(), Some(Duration::from_secs(3600)));
        assert!(p.all_queues());
        assert_eq!(p.filas, ["ALL"]);
        let p: Pause = serde_json::from_value(
            json!({"id": "3", "pause": "Treino", "tempo": 0, "filas": "900,901"}),
        )
        .unwrap();
        assert_eq!((p.limit(), p.all_queues()), (None, false));
        assert_eq!(p.filas, ["900", "901"]);
        keys_follow_columns(&p, Pause::COLUMNS);
    }
}
