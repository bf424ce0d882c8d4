//! PBX configuration and live state: extensions, queues and trunks.

use super::{de, ser};
use crate::enums::{ExtensionStatus, LineTipo, QueueStatus};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// One extension of getExtens (section 1.13).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Extension {
    /// The extension's number (`0119` keeps its zero).
    #[serde(deserialize_with = "de::text")]
    pub num: String,
    /// Call-center or ordinary PBX extension.
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub tipo: Option<LineTipo>,
    /// The extension's name.
    #[serde(default, deserialize_with = "de::text")]
    pub nome: String,
}

impl Extension {
    /// The wire keys, in the order of the vendor document.
    pub const COLUMNS: &'static [&'static str] = &["num", "tipo", "nome"];
}

/// The live state of one extension, from extenStatus (section 1.14). The PBX may key
/// `retorno` by extension number; [`crate::models::RowError::key`] then names the row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExtensionState {
    /// The extension's number.
    #[serde(deserialize_with = "de::text")]
    pub ramal: String,
    /// Available, unavailable, busy, ringing or dialling (read whatever the case and accents).
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub status: Option<ExtensionStatus>,
    /// The number calls are forwarded to ("siga-me").
    #[serde(default, deserialize_with = "de::opt_text")]
    pub sigame: Option<String>,
    /// The IPv4 address of the device registered on the extension.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub ip: Option<String>,
    /// The number of the current call.
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
}

impl ExtensionState {
    /// The wire keys, in the order of the vendor document.
    pub const COLUMNS: &'static [&'static str] =
        &["ramal", "status", "sigame", "ip", "numero", "tempo"];
}

/// One queue of getQueue (section 1.15).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Queue {
    /// The queue's number.
    #[serde(deserialize_with = "de::text")]
    pub fila: String,
    /// Call-center or ordinary PBX queue.
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub tipo: Option<LineTipo>,
    /// The queue's name.
    #[serde(default, deserialize_with = "de::text")]
    pub nome: String,
}

impl Queue {
    /// The wire keys, in the order of the vendor document.
    pub const COLUMNS: &'static [&'static str] = &["fila", "tipo", "nome"];
}

/// The calls waiting in one queue, from queueStatus (section 1.16).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct QueueState {
    /// The queue's number.
    #[serde(deserialize_with = "de::text")]
    pub fila: String,
    /// `ok` (empty) or `busy` (calls waiting).
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub status: Option<QueueStatus>,
    /// How many calls are waiting.
    #[serde(default, deserialize_with = "de::opt_count")]
    pub espera: Option<u64>,
    /// The waiting calls (also read when the PBX sends the list as a JSON string).
    #[serde(default, deserialize_with = "de::nested")]
    pub numeros: Vec<WaitingCall>,
}

impl QueueState {
    /// The wire keys, in the order of the vendor document.
    pub const COLUMNS: &'static [&'static str] = &["fila", "status", "espera", "numeros"];
}

/// One call waiting in a queue (`numeros` of queueStatus).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WaitingCall {
    /// The waiting caller's number.
    #[serde(default, deserialize_with = "de::text")]
    pub numero: String,
    /// How long it has waited (`HH:MM:SS` or seconds on the wire).
    #[serde(
        default,
        deserialize_with = "de::opt_hms",
        serialize_with = "ser::opt_hms"
    )]
    pub tempo: Option<Duration>,
}

/// One trunk of listTrunk (section 1.18).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Trunk {
    /// The trunk's name.
    #[serde(deserialize_with = "de::text")]
    pub nome: String,
    /// The trunk's technology (values undocumented; e.g. `SIP`, `DAHDI`, `IAX2`).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub tipo: Option<String>,
    /// The channel the trunk dials through (document key `Canal`).
    #[serde(default, alias = "Canal", deserialize_with = "de::opt_text")]
    pub canal: Option<String>,
}

impl Trunk {
    /// The wire keys, in the order of the vendor document.
    pub const COLUMNS: &'static [&'static str] = &["nome", "tipo", "canal"];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::tests::keys_follow_columns;
    use serde_json::json;

    #[test]
    fn extensions_keep_leading_zeros_and_read_accented_states() {
        let e: Extension =
            serde_json::from_value(json!({"num": "0119", "tipo": "callcenter", "nome": "Posição"}))
                .unwrap();
        assert_eq!(
            (e.num.as_str(), e.tipo.clone()),
            ("0119", Some(LineTipo::CallCenter))
        );
        keys_follow_columns(&e, Extension::COLUMNS);
        for (raw, status) in [
            ("Ocupado", ExtensionStatus::Ocupado),
            ("disponível", ExtensionStatus::Disponivel),
            ("indisponivel", ExtensionStatus::Indisponivel),
        ] {
            let s: ExtensionState =
                serde_json::from_value(json!({"ramal": "0119", "status": raw, "tempo": ""}))
                    .unwrap();
            assert_eq!((s.status, s.tempo), (Some(status), None));
        }
        let s: ExtensionState = serde_json::from_value(
            json!({"ramal": 2002, "status": "ocupado", "sigame": "", "ip": "10.0.0.22", "numero": "1140041234", "tempo": "00:01:05"}),
        )
        .unwrap();
        assert_eq!(
            (s.ramal.as_str(), s.tempo),
            ("2002", Some(Duration::from_secs(65)))
        );
        keys_follow_columns(&s, ExtensionState::COLUMNS);
    }

    #[test]
    fn queue_states_read_nested_lists_even_inside_strings() {
        let q: QueueState = serde_json::from_value(json!({
            "fila": 900, "status": "busy", "espera": "2",
            "numeros": "[{\"numero\": \"11987654321\", \"tempo\": \"00:00:45\"}, {\"numero\": 1133335555, \"tempo\": 12}]"
        }))
        .unwrap();
        assert_eq!(
            (q.status.clone(), q.espera),
            (Some(QueueStatus::Busy), Some(2))
        );
        assert_eq!(q.numeros[1].numero, "1133335555");
        assert_eq!(q.numeros[1].tempo, Some(Duration::from_secs(12)));
        keys_follow_columns(&q, QueueState::COLUMNS);
        let q: QueueState = serde_json::from_value(
            json!({"fila": "901", "status": "ok", "espera": 0, "numeros": ""}),
        )
        .unwrap();
        assert!(q.numeros.is_empty());
        let q: Queue =
            serde_json::from_value(json!({"fila": "902", "tipo": "pbx", "nome": "Recepção"}))
                .unwrap();
        keys_follow_columns(&q, Queue::COLUMNS);
    }

    #[test]
    fn trunks_read_the_capitalised_key() {
        let t: Trunk =
            serde_json::from_value(json!({"nome": "Vivo", "tipo": "SIP", "Canal": "PJSIP/vivo"}))
                .unwrap();
        assert_eq!(t.canal.as_deref(), Some("PJSIP/vivo"));
        keys_follow_columns(&t, Trunk::COLUMNS);
    }
}
