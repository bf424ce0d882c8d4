//! Dynamic IVRs ("URAs"): listURA with its flows and words, and the cdrURA call records.

use super::{de, ser};
use crate::enums::{CallStatus, FlowTipo};
use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Duration;

/// One dynamic (text-to-speech) IVR of listURA (section 1.19).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Ura {
    /// The IVR's id, for startCallura and cdrURA.
    #[serde(deserialize_with = "de::text")]
    pub id: String,
    /// The IVR's name.
    #[serde(default, deserialize_with = "de::text")]
    pub nome: String,
    /// The IVR's description.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub descricao: Option<String>,
    /// The IVR's flows (also read when the PBX sends the list as a JSON string).
    #[serde(default, deserialize_with = "de::nested")]
    pub fluxos: Vec<Flow>,
}

impl Ura {
    /// The wire keys, in the order of the vendor document.
    pub const COLUMNS: &'static [&'static str] = &["id", "nome", "descricao", "fluxos"];
}

/// One flow of an IVR (`fluxos` of listURA).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Flow {
    /// The flow's number within the IVR.
    #[serde(deserialize_with = "de::text")]
    pub fluxo: String,
    /// The flow's description.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub descricao: Option<String>,
    /// The prompt, `type:content`: `text:...` is spoken by text-to-speech (and may hold
    /// `{CTI_INFO1}`... placeholders filled by startCallura), `file:...` plays a file.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub audio: Option<String>,
    /// How long to wait for digits or speech (seconds on the wire; the document writes the key
    /// `Timeout`).
    #[serde(
        default,
        alias = "Timeout",
        deserialize_with = "de::opt_secs",
        serialize_with = "ser::opt_secs"
    )]
    pub timeout: Option<Duration>,
    /// How many times an invalid input is retried.
    #[serde(default, deserialize_with = "de::opt_count")]
    pub repetir: Option<u64>,
    /// Where invalid input goes: another flow or a PBX destination.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub destino_invalido: Option<String>,
    /// Whether the flow listens for speech or digits.
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub tipo_fluxo: Option<FlowTipo>,
    /// The words or digits the flow reacts to (also read from a JSON string).
    #[serde(default, deserialize_with = "de::nested")]
    pub palavras: Vec<Word>,
}

impl Flow {
    /// The prompt split into its type and content (`("text", "Olá...")`), if it has a type.
    pub fn prompt(&self) -> Option<(&str, &str)> {
        self.audio.as_deref()?.split_once(':')
    }
}

/// A word (or digits) an IVR flow reacts to (`palavras` of listURA).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Word {
    /// The word or digits; several are separated by commas, and `*` only captures the input.
    #[serde(default, deserialize_with = "de::text")]
    pub palavra: String,
    /// Where a match goes: another flow or a PBX destination.
    #[serde(default, deserialize_with = "de::text")]
    pub destino: String,
}

impl Word {
    /// The comma-separated alternatives of `palavra`, trimmed.
    pub fn alternatives(&self) -> impl Iterator<Item = &str> {
        self.palavra
            .split(',')
            .map(str::trim)
            .filter(|w| !w.is_empty())
    }
}

/// One call through a dynamic IVR, from cdrURA (section 1.21).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UraCall {
    /// When the last event of the call happened, PBX local time.
    #[serde(deserialize_with = "de::datetime", serialize_with = "ser::datetime")]
    pub datahora: DateTime,
    /// The IVR's id.
    #[serde(default, deserialize_with = "de::text")]
    pub ura: String,
    /// The call's unique id (for audioDownload).
    #[serde(deserialize_with = "de::text")]
    pub bilheteunico: String,
    /// The DDR an inbound call came in on.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub ddr: Option<String>,
    /// Who started the call.
    #[serde(default, deserialize_with = "de::text")]
    pub origem: String,
    /// Where the IVR sent the call.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub destino: Option<String>,
    /// The trunk (carrier) the call came in on.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub tronco: Option<String>,
    /// How long this event lasted (`HH:MM:SS` or seconds on the wire).
    #[serde(
        default,
        deserialize_with = "de::opt_hms",
        serialize_with = "ser::opt_hms"
    )]
    pub duracao: Option<Duration>,
    /// The flow of this event.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub fluxo: Option<String>,
    /// What the caller said or keyed when prompted.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub palavra_origem: Option<String>,
    /// The configured word that matched.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub palavra_dest: Option<String>,
    /// The detailed event before the call left the IVR (e.g. `DIGITO_VALIDO`, `TIMEOUT`).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub evento: Option<String>,
    /// The status of the last record before the call left the IVR.
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub status: Option<CallStatus>,
    /// Every record of the call while it was in the IVR, as the PBX sent it (a JSON string
    /// holding a list is parsed).
    #[serde(default, deserialize_with = "de::json")]
    pub eventos: Value,
    /// The integrator's id, if any.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub idcti: Option<String>,
}

impl UraCall {
    /// The wire keys, in the order of the vendor document.
    pub const COLUMNS: &'static [&'static str] = &[
        "datahora",
        "ura",
        "bilheteunico",
        "ddr",
        "origem",
        "destino",
        "tronco",
        "duracao",
        "fluxo",
        "palavra_origem",
        "palavra_dest",
        "evento",
        "status",
        "eventos",
        "idcti",
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::tests::keys_follow_columns;
    use serde_json::json;

    #[test]
    fn uras_with_flows_as_lists_or_json_strings() {
        let flows = json!([{
            "fluxo": 1, "descricao": "Saudação", "audio": "text:Olá {CTI_INFO1}", "timeout": "5",
            "repetir": "3", "destino_invalido": "2", "tipo_fluxo": "dígito",
            "palavras": [{"palavra": "sim, claro", "destino": "QUEUE/901"}]
        }]);
        for fluxos in [flows.clone(), Value::String(flows.to_string())] {
            let u: Ura = serde_json::from_value(
                json!({"id": 1, "nome": "Cobrança", "descricao": "", "fluxos": fluxos}),
            )
            .unwrap();
            let f = &u.fluxos[0];
            assert_eq!((u.id.as_str(), u.descricao.as_deref()), ("1", None));
            assert_eq!(
                (f.fluxo.as_str(), f.tipo_fluxo.clone()),
                ("1", Some(FlowTipo::Digito))
            );
            assert_eq!(f.timeout, Some(Duration::from_secs(5)));
            assert_eq!(f.repetir, Some(3));
            assert_eq!(f.prompt(), Some(("text", "Olá {CTI_INFO1}")));
            assert_eq!(
                f.palavras[0].alternatives().collect::<Vec<_>>(),
                ["sim", "claro"]
            );
            keys_follow_columns(&u, Ura::COLUMNS);
        }
    }

    #[test]
    fn ura_calls_keep_their_events() {
        let c: UraCall = serde_json::from_value(json!({
            "datahora": "2025-06-04 09:05:12", "ura": "1", "bilheteunico": "1749038712.203", "ddr": "",
            "origem": "21988887777", "destino": "HANGUP", "tronco": "Claro E1", "duracao": "00:00:47",
            "fluxo": "2", "palavra_origem": "", "palavra_dest": "", "evento": "TIMEOUT", "status": "ABANDONO",
            "eventos": "[{\"evento\": \"TIMEOUT\"}]", "idcti": "cobranca-0043"
        }))
        .unwrap();
        assert_eq!(c.status, Some(CallStatus::Abandono));
        assert_eq!(c.eventos[0]["evento"], "TIMEOUT");
        assert_eq!(c.duracao, Some(Duration::from_secs(47)));
        keys_follow_columns(&c, UraCall::COLUMNS);
    }
}
