//! Contact-center time reports: the two shapes of ccenterPauses and of ccenterSessions
//! (durations are seconds on the wire).

use super::{de, ser};
use crate::enums::SessionEvent;
use jiff::civil::{Date, DateTime};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// One agent's time on one pause over the period: the synthetic ccenterPauses report
/// (`report_type` 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PauseSummary {
    /// The agent's number.
    #[serde(deserialize_with = "de::text")]
    pub agente: String,
    /// The pause's name.
    #[serde(default, deserialize_with = "de::text")]
    pub pausa: String,
    /// Time on the pause.
    #[serde(
        default,
        deserialize_with = "de::opt_secs",
        serialize_with = "ser::opt_secs"
    )]
    pub tempo: Option<Duration>,
    /// Time beyond the pause's limit.
    #[serde(
        default,
        deserialize_with = "de::opt_secs",
        serialize_with = "ser::opt_secs"
    )]
    pub estouro: Option<Duration>,
    /// How many times the agent took the pause (the document says "total quantity in seconds";
    /// it reads as a count).
    #[serde(default, deserialize_with = "de::opt_count")]
    pub total: Option<u64>,
}

impl PauseSummary {
    /// The wire keys, in the order of the reference.
    pub const COLUMNS: &'static [&'static str] = &["agente", "pausa", "tempo", "estouro", "total"];
}

/// One pause an agent took: the analytic ccenterPauses report (`report_type` 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PauseEvent {
    /// When the pause started, PBX local time.
    #[serde(deserialize_with = "de::datetime", serialize_with = "ser::datetime")]
    pub inicio: DateTime,
    /// When the agent came back; `None` while still paused.
    #[serde(
        default,
        deserialize_with = "de::opt_datetime",
        serialize_with = "ser::opt_datetime"
    )]
    pub retorno: Option<DateTime>,
    /// The agent's number.
    #[serde(default, deserialize_with = "de::text")]
    pub agente: String,
    /// The pause's name.
    #[serde(default, deserialize_with = "de::text")]
    pub pausa: String,
    /// Time on the pause.
    #[serde(
        default,
        deserialize_with = "de::opt_secs",
        serialize_with = "ser::opt_secs"
    )]
    pub tempo: Option<Duration>,
    /// The pause's limit (zero: unlimited).
    #[serde(
        default,
        deserialize_with = "de::opt_secs",
        serialize_with = "ser::opt_secs"
    )]
    pub limite: Option<Duration>,
    /// Time beyond the limit.
    #[serde(
        default,
        deserialize_with = "de::opt_secs",
        serialize_with = "ser::opt_secs"
    )]
    pub estouro: Option<Duration>,
}

impl PauseEvent {
    /// The wire keys, in the order of the reference.
    pub const COLUMNS: &'static [&'static str] = &[
        "inicio", "retorno", "agente", "pausa", "tempo", "limite", "estouro",
    ];
}

/// One agent's sessions on one date: the synthetic ccenterSessions report (`report_type` 0).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionSummary {
    /// The agent's number.
    #[serde(deserialize_with = "de::text")]
    pub agente: String,
    /// The date.
    #[serde(
        default,
        deserialize_with = "de::opt_date",
        serialize_with = "ser::opt_date"
    )]
    pub data: Option<Date>,
    /// How many sessions the agent had.
    #[serde(default, deserialize_with = "de::opt_count")]
    pub qtd_ses: Option<u64>,
    /// Total session time.
    #[serde(
        default,
        deserialize_with = "de::opt_secs",
        serialize_with = "ser::opt_secs"
    )]
    pub tempo_ses: Option<Duration>,
    /// The first login.
    #[serde(
        default,
        deserialize_with = "de::opt_datetime",
        serialize_with = "ser::opt_datetime"
    )]
    pub login_ses: Option<DateTime>,
    /// The last logout.
    #[serde(
        default,
        deserialize_with = "de::opt_datetime",
        serialize_with = "ser::opt_datetime"
    )]
    pub logout_ses: Option<DateTime>,
}

impl SessionSummary {
    /// The wire keys, in the order of the reference (`data` as the PBX sends it).
    pub const COLUMNS: &'static [&'static str] = &[
        "agente",
        "data",
        "qtd_ses",
        "tempo_ses",
        "login_ses",
        "logout_ses",
    ];
}

/// One login or logout: the analytic ccenterSessions report (`report_type` 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SessionRecord {
    /// When it happened, PBX local time.
    #[serde(deserialize_with = "de::datetime", serialize_with = "ser::datetime")]
    pub datahora: DateTime,
    /// The agent's number.
    #[serde(default, deserialize_with = "de::text")]
    pub agente: String,
    /// The queue.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub fila: Option<String>,
    /// Login or logout.
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub evento: Option<SessionEvent>,
    /// On a logout, how long the session lasted.
    #[serde(
        default,
        deserialize_with = "de::opt_secs",
        serialize_with = "ser::opt_secs"
    )]
    pub tempo: Option<Duration>,
}

impl SessionRecord {
    /// The wire keys, in the order of the reference.
    pub const COLUMNS: &'static [&'static str] = &["datahora", "agente", "fila", "evento", "tempo"];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::tests::keys_follow_columns;
    use serde_json::json;

    #[test]
    fn pause_and_session_reports_in_both_shapes() {
        let p: PauseSummary = serde_json::from_value(
            json!({"agente": "600", "pausa": "Almoço", "tempo": 3720, "estouro": 120, "total": 1}),
        )
        .unwrap();
        assert_eq!(
            (p.tempo, p.total),
            (Some(Duration::from_secs(3720)), Some(1))
        );
        keys_follow_columns(&p, PauseSummary::COLUMNS);
        let e: PauseEvent = serde_json::from_value(json!({"inicio": "2025-06-02 12:00:00", "retorno": "", "agente": "600", "pausa": "Almoço", "tempo": 3720, "limite": 3600, "estouro": 120})).unwrap();
        assert_eq!(
            (e.retorno, e.limite),
            (None, Some(Duration::from_secs(3600)))
        );
        keys_follow_columns(&e, PauseEvent::COLUMNS);
        let s: SessionSummary = serde_json::from_value(json!({"agente": "600", "data": "2025-06-02", "qtd_ses": 2, "tempo_ses": 28800, "login_ses": "2025-06-02 08:00:00", "logout_ses": "2025-06-02 17:00:00"})).unwrap();
        assert_eq!(s.data, Some(jiff::civil::date(2025, 6, 2)));
        keys_follow_columns(&s, SessionSummary::COLUMNS);
        let r: SessionRecord = serde_json::from_value(json!({"datahora": "2025-06-02 12:00:00", "agente": "600", "fila": "900", "evento": "LOGOUT", "tempo": 14400})).unwrap();
        assert_eq!(r.evento, Some(SessionEvent::Logout));
        keys_follow_columns(&r, SessionRecord::COLUMNS);
    }
}
