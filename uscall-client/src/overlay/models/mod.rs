//! The typed overlay: serde models of the answers, the `{"retorno": ...}` envelope unwrapped,
//! per-row errors, and the messages the service sends instead of data.
//!
//! **One bad row never hides the others.** List operations give a [`Rows`]: the rows that
//! decoded, plus a [`RowError`] (operation, row, field, raw text) for each row that did not.
//! `Rows` dereferences to a slice, so `for cdr in &rows` and `rows.len()` work; call
//! [`Rows::strict`] to turn any row error into an `Err` instead. Every row error is also logged
//! at `warn` level.

mod agents;
mod ccenter;
mod cdr;
pub mod de;
mod inputs;
mod pbx;
mod read;
mod ser;
mod service;
mod shifts;
mod ura;

pub use agents::{Agent, AgentState, Pause};
pub(crate) use ccenter::metrics_reports;
pub use ccenter::{
    AgentReport, AttendForm, CenterCall, MetricsReport, Rating, Schedule, SurveyResult,
};
pub use cdr::{Cdr, Recording, TariffCall};
pub use inputs::{Password, id_list};
pub use pbx::{Extension, ExtensionState, Queue, QueueState, Trunk, WaitingCall};
pub use read::{check, message, one, rows, value};
pub(crate) use read::{decode_row, fast_one, fast_rows, from_text, json_text, row_results};
pub(crate) use ser::datetime_text;
pub(crate) use service::means_no_rows;
pub use service::{ServiceErrorKind, classify};
pub use shifts::{PauseEvent, PauseSummary, SessionRecord, SessionSummary};
pub use ura::{Flow, Ura, UraCall, Word};

use crate::enums::ReportType;

use crate::error::{Error, Result};
use std::ops::Deref;

/// The rows of a list answer that decoded, and an error for each one that did not.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows<T> {
    operation: &'static str,
    rows: Vec<T>,
    errors: Vec<RowError>,
}

impl<T> Rows<T> {
    /// Rows as an answer of `operation` would give them, with the `errors` of the rows that did
    /// not decode: for tests and fakes of code that takes `Rows`.
    pub fn new(operation: &'static str, rows: Vec<T>, errors: Vec<RowError>) -> Rows<T> {
        Rows {
            operation,
            rows,
            errors,
        }
    }

    /// The operation that answered.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The rows that could not be decoded (empty when every row was read).
    pub fn errors(&self) -> &[RowError] {
        &self.errors
    }

    /// Whether every row of the answer was decoded.
    pub fn is_complete(&self) -> bool {
        self.errors.is_empty()
    }

    /// The decoded rows, dropping the errors (which were logged).
    pub fn into_vec(self) -> Vec<T> {
        self.rows
    }

    /// The decoded rows and the row errors.
    pub fn into_parts(self) -> (Vec<T>, Vec<RowError>) {
        (self.rows, self.errors)
    }

    /// All rows, or [`Error::Row`] for the first row that did not decode.
    pub fn strict(self) -> Result<Vec<T>> {
        match self.errors.into_iter().next() {
            Some(e) => Err(Error::Row(Box::new(e))),
            None => Ok(self.rows),
        }
    }
}

impl<T> Deref for Rows<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.rows
    }
}

impl<T> IntoIterator for Rows<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.rows.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Rows<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.rows.iter()
    }
}

/// The columns (wire keys, in the vendor document's order) of the model an operation's rows
/// decode into, by wire operation name; `None` for operations without a row model (actions,
/// whose answer is a message, and ccenterMetrics, whose shape depends on the report).
///
/// ccenterPauses and ccenterSessions have two row shapes; this gives the synthetic one
/// (`report_type` 0), [`report_columns`] picks by report type.
pub fn columns(operation: &str) -> Option<&'static [&'static str]> {
    Some(match operation {
        "getAgent" => Agent::COLUMNS,
        "cdrSearch" => Cdr::COLUMNS,
        "audioDownload" => Recording::COLUMNS,
        "agentStatus" => AgentState::COLUMNS,
        "getPauses" => Pause::COLUMNS,
        "getExtens" => Extension::COLUMNS,
        "extenStatus" => ExtensionState::COLUMNS,
        "getQueue" => Queue::COLUMNS,
        "queueStatus" => QueueState::COLUMNS,
        "cdrTariff" => TariffCall::COLUMNS,
        "listTrunk" => Trunk::COLUMNS,
        "listURA" => Ura::COLUMNS,
        "cdrURA" => UraCall::COLUMNS,
        "ccenterAgents" => AgentReport::COLUMNS,
        "ccenterAttendForms" => AttendForm::COLUMNS,
        "ccenterCdr" => CenterCall::COLUMNS,
        "ccenterMetricsReports" => MetricsReport::COLUMNS,
        "ccenterPauses" => PauseSummary::COLUMNS,
        "ccenterSchedules" => Schedule::COLUMNS,
        "ccenterSessions" => SessionSummary::COLUMNS,
        "ccenterSurvey" => SurveyResult::COLUMNS,
        _ => return None,
    })
}

/// Like [`columns`], but for ccenterPauses and ccenterSessions the shape of `report_type`
/// (analytic: [`PauseEvent`], [`SessionRecord`]); `None` for an unknown report type there.
pub fn report_columns(
    operation: &str,
    report_type: &ReportType,
) -> Option<&'static [&'static str]> {
    match (operation, report_type) {
        ("ccenterPauses" | "ccenterSessions", ReportType::Other(_)) => None,
        ("ccenterPauses", ReportType::Analytic) => Some(PauseEvent::COLUMNS),
        ("ccenterSessions", ReportType::Analytic) => Some(SessionRecord::COLUMNS),
        _ => columns(operation),
    }
}

pub use crate::error::RowError;

#[cfg(test)]
mod tests {
    use super::read::lookup;
    use super::*;
    use crate::Response;
    use serde::{Deserialize, Serialize};
    use serde_json::Value;

    /// Checks that a model serialises its fields under the wire keys of `columns`, in order.
    pub(crate) fn keys_follow_columns<T: Serialize>(row: &T, columns: &[&str]) {
        let value = serde_json::to_value(row).unwrap();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, columns);
    }

    #[test]
    fn every_operation_with_rows_has_columns() {
        let with_model = crate::OPERATIONS
            .iter()
            .filter(|op| columns(op.name).is_some())
            .count();
        // 30 operations: 8 actions and ccenterMetrics have no row model.
        assert_eq!(with_model, 21);
        assert_eq!(columns("ccenterMetrics"), None);
        assert_eq!(columns("startCall"), None);
        assert_eq!(
            report_columns("ccenterPauses", &ReportType::Analytic),
            Some(PauseEvent::COLUMNS)
        );
        assert_eq!(
            report_columns("ccenterSessions", &ReportType::Synthetic),
            Some(SessionSummary::COLUMNS)
        );
        assert_eq!(
            report_columns("cdrSearch", &ReportType::Analytic),
            Some(Cdr::COLUMNS)
        );
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Ext {
        #[serde(deserialize_with = "de::text")]
        ramal: String,
        #[serde(default, deserialize_with = "de::opt_hms")]
        tempo: Option<std::time::Duration>,
    }

    fn resp(op: &'static str, json: &str) -> Response {
        Response::parse(op, json.to_owned(), "tok").unwrap()
    }

    #[test]
    fn lists_keyed_objects_and_empty_answers() {
        let r: Rows<Ext> = rows(&resp(
            "getExtens",
            r#"{"retorno":[{"ramal":"0119","tempo":"00:01:00"}]}"#,
        ))
        .unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].ramal, "0119");
        let r: Rows<Ext> = rows(&resp(
            "extenStatus",
            r#"{"retorno":{"0119":{"ramal":"0119"},"2001":{"ramal":"2001"}}}"#,
        ))
        .unwrap();
        assert_eq!(
            r.iter().map(|e| e.ramal.as_str()).collect::<Vec<_>>(),
            ["0119", "2001"]
        );
        for empty in [
            r#"{"retorno":[]}"#,
            r#"{"retorno":{}}"#,
            r#"{"retorno":null}"#,
            r#"{"retorno":"Nenhum registro encontrado"}"#,
        ] {
            let r: Rows<Ext> = rows(&resp("getExtens", empty)).unwrap();
            assert!(r.is_empty() && r.is_complete(), "{empty}");
        }
    }

    #[test]
    fn a_bad_row_is_reported_and_the_others_kept() {
        let r: Rows<Ext> = rows(&resp(
            "extenStatus",
            r#"{"retorno":{"0119":{"ramal":"0119","tempo":"ontem"},"2001":{"ramal":"2001","tempo":"00:00:05"}}}"#,
        ))
        .unwrap();
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].ramal, "2001");
        let e = &r.errors()[0];
        assert_eq!(
            (e.row, e.key.as_deref(), e.field.as_deref(), e.raw.as_str()),
            (0, Some("0119"), Some("tempo"), "ontem")
        );
        assert_eq!(
            e.to_string(),
            "extenStatus: row 0 (0119), field `tempo`: expected a duration HH:MM:SS, found \"ontem\" (raw \"ontem\")"
        );
        assert!(matches!(r.strict(), Err(Error::Row(_))));
    }

    #[test]
    fn messages_instead_of_data_are_service_errors() {
        let err = rows::<Ext>(&resp("getExtens", r#"{"retorno":"Token inválido"}"#)).unwrap_err();
        match err {
            Error::Service {
                operation,
                kind,
                message,
            } => {
                assert_eq!(
                    (operation, kind, message.as_str()),
                    (
                        "getExtens",
                        ServiceErrorKind::InvalidToken,
                        "Token inválido"
                    )
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            message(&resp(
                "agentLogout",
                r#"{"retorno":"Agente 600 deslogado"}"#
            ))
            .unwrap(),
            "Agente 600 deslogado"
        );
        let err = message(&resp(
            "agentLogout",
            r#"{"retorno":"Agente não encontrado"}"#,
        ))
        .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Service {
                    kind: ServiceErrorKind::NotFound,
                    ..
                }
            ),
            "{err:?}"
        );
    }

    /// Every key some model reads, and values of every JSON kind and of the PBX's odd spellings.
    fn any_answer() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let mut keys: Vec<&str> = crate::OPERATIONS
            .iter()
            .filter_map(|op| columns(op.name))
            .flatten()
            .copied()
            .collect();
        keys.extend(["Audio", "DDR", "retorno"]);
        let value = prop_oneof![
            Just("\"\"".to_owned()),
            Just("null".to_owned()),
            Just("\"00:01:05\"".to_owned()),
            Just("\"2025-06-02 09:30:15\"".to_owned()),
            Just("\"0000-00-00 00:00:00\"".to_owned()),
            Just("\"ANSWERED\"".to_owned()),
            Just(r#""N\u00c3O ATENDIDA""#.to_owned()),
            Just("\"UklGRg==\"".to_owned()),
            Just("[\"1\",2]".to_owned()),
            Just("{\"a\":1}".to_owned()),
            (-5i64..100_000).prop_map(|n| n.to_string()),
            (0.0f64..100.0).prop_map(|n| n.to_string()),
            "[a-z0-9:,. -]{0,12}".prop_map(|s| format!("{s:?}")),
        ];
        let row = proptest::collection::vec((proptest::sample::select(keys), value), 0..8)
            .prop_map(|fields| {
                let body: Vec<String> = fields.iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
                format!("{{{}}}", body.join(","))
            });
        proptest::collection::vec(row, 0..4).prop_flat_map(|rows| {
            let list = format!("[{}]", rows.join(","));
            let first = rows.first().cloned().unwrap_or_else(|| "{}".to_owned());
            prop_oneof![
                Just(format!("{{\"retorno\":{list}}}")),
                Just(format!("{{\"retorno\":{first}}}")),
                Just(list.clone()),
                Just(format!("{{\"retorno\":{list},\"retorno\":[]}}")),
            ]
        })
    }

    proptest::proptest! {
        /// The typed fast path (JSON text straight into the models) gives what the `Value` path
        /// gives whenever it gives anything; `fuzzing::overlay` asserts it for every model.
        #[test]
        fn decoding_from_text_agrees_with_decoding_from_values(text in any_answer()) {
            crate::fuzzing::overlay(&text);
        }
    }

    #[test]
    fn decoding_from_text_takes_the_usual_answers() {
        let text = r#"{"retorno":[{"ramal":"0119","tempo":"00:01:00"},{"ramal":2001}]}"#;
        let fast = fast_rows::<Ext>("getExtens", text).unwrap();
        assert_eq!(fast, rows(&resp("getExtens", text)).unwrap());
        assert_eq!(fast[1].ramal, "2001");
        // A bad row, a keyed object, a message: left to the `Value` path.
        assert!(
            fast_rows::<Ext>("getExtens", r#"{"retorno":[{"ramal":"1","tempo":"x"}]}"#).is_none()
        );
        assert!(
            fast_rows::<Ext>("extenStatus", r#"{"retorno":{"0119":{"ramal":"0119"}}}"#).is_none()
        );
        assert!(fast_rows::<Ext>("getExtens", r#"{"retorno":"Token inválido"}"#).is_none());
        assert_eq!(
            fast_one::<Ext>("audioDownload", r#"{"retorno":{"ramal":"7"}}"#).map(|e| e.ramal),
            Some("7".to_owned())
        );
        assert!(fast_one::<Ext>("audioDownload", r#"{"retorno":["7"]}"#).is_none());
    }

    #[test]
    fn nested_paths_point_at_the_raw_value() {
        let v: Value =
            serde_json::from_str(r#"{"numeros":[{"tempo":"1"},{"tempo":"x"}]}"#).unwrap();
        assert_eq!(
            lookup(&v, "numeros[1].tempo"),
            Some(&Value::String("x".into()))
        );
    }
}
