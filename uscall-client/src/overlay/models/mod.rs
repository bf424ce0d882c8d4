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
pub(crate) use ser::datetime_text;
pub(crate) use service::means_no_rows;
pub use service::{ServiceErrorKind, classify};
pub use shifts::{PauseEvent, PauseSummary, SessionRecord, SessionSummary};
pub use ura::{Flow, Ura, UraCall, Word};

use crate::enums::ReportType;

use crate::Response;
use crate::error::{Error, Result};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt;
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

/// What `retorno` holds.
enum Retorno<'a> {
    /// A list of rows, or an object keyed by id (each key beside its row).
    Rows(Vec<(Option<&'a str>, &'a Value)>),
    /// A message string.
    Message(&'a str),
    /// Any other single value (an object for single-record answers).
    Value(&'a Value),
}

/// The value under `retorno`; an answer without it is taken whole (some PBX versions use
/// another single key for action messages).
fn retorno(resp: &Response) -> Result<&Value> {
    let json = resp.json();
    if let Some(v) = json.get("retorno") {
        return Ok(v);
    }
    match json {
        Value::Object(map) if map.len() == 1 => Ok(map.values().next().expect("one entry")),
        Value::Array(_) => Ok(json),
        _ => Err(Error::Json {
            operation: resp.operation(),
            message: "the answer has no `retorno`".into(),
            raw: resp.secrets().clean(resp.raw()),
        }),
    }
}

fn shape(v: &Value) -> Retorno<'_> {
    match v {
        Value::Array(items) => Retorno::Rows(items.iter().map(|i| (None, i)).collect()),
        Value::String(s) => Retorno::Message(s),
        // An object whose values are all objects is keyed by id ({"0119": {...}}).
        Value::Object(map) if !map.is_empty() && map.values().all(Value::is_object) => {
            Retorno::Rows(map.iter().map(|(k, v)| (Some(k.as_str()), v)).collect())
        }
        Value::Object(map) if map.is_empty() => Retorno::Rows(Vec::new()),
        Value::Null => Retorno::Rows(Vec::new()),
        other => Retorno::Value(other),
    }
}

/// Decodes a list answer into rows of `T`, keeping one error per row that does not decode.
pub fn rows<T: DeserializeOwned>(resp: &Response) -> Result<Rows<T>> {
    let mut out = Rows {
        operation: resp.operation(),
        rows: Vec::new(),
        errors: Vec::new(),
    };
    for row in row_results(resp)? {
        match row {
            Ok(t) => out.rows.push(t),
            Err(e) => out.errors.push(e),
        }
    }
    Ok(out)
}

/// Every row of a list answer, decoded or with what is wrong with it (logged), in order: what
/// [`rows`] and a stream of rows read whole give.
pub(crate) fn row_results<T: DeserializeOwned>(
    resp: &Response,
) -> Result<Vec<std::result::Result<T, RowError>>> {
    let operation = resp.operation();
    let items = match shape(retorno(resp)?) {
        Retorno::Rows(items) => items,
        Retorno::Message(m) if service::means_no_rows(m) => Vec::new(),
        Retorno::Message(m) => return Err(service_error(resp, m)),
        Retorno::Value(v) => vec![(None, v)],
    };
    let secrets = resp.secrets();
    Ok(items
        .into_iter()
        .enumerate()
        .map(|(row, (key, value))| {
            decode_value::<T>(value, secrets).map_err(|(field, raw, message)| {
                row_error(RowError {
                    operation,
                    row,
                    key: key.map(|k| secrets.clean(k)),
                    field,
                    raw,
                    message,
                })
            })
        })
        .collect())
}

/// A row error, logged.
fn row_error(e: RowError) -> RowError {
    tracing::warn!(target: "uscall", "{e}");
    e
}

/// One element of a list answer, given as its JSON text (a streamed row), decoded as [`rows`]
/// decodes it. The outer error: the text is not JSON ([`Error::Json`], which ends the list).
pub(crate) fn decode_row<T: DeserializeOwned>(
    operation: &'static str,
    row: usize,
    text: &str,
    secrets: &crate::redact::Secrets,
) -> Result<std::result::Result<T, RowError>> {
    if let Ok(t) = serde_json::from_str::<T>(text) {
        return Ok(Ok(t));
    }
    let value: Value = serde_json::from_str(text).map_err(|e| Error::Json {
        operation,
        message: secrets.clean(&format!("row {row}: {e}")),
        raw: secrets.clean(text),
    })?;
    Ok(
        decode_value::<T>(&value, secrets).map_err(|(field, raw, message)| {
            row_error(RowError {
                operation,
                row,
                key: None,
                field,
                raw,
                message,
            })
        }),
    )
}

/// A list answer decoded straight from its JSON text into rows of `T`, when `retorno` is a list
/// and every row decodes: the common case, with no `serde_json::Value` in between. `None`
/// otherwise; [`rows`] then gives the same rows and says what is wrong with the others.
pub(crate) fn fast_rows<T: DeserializeOwned>(
    operation: &'static str,
    text: &str,
) -> Option<Rows<T>> {
    #[derive(serde::Deserialize)]
    struct List<T> {
        retorno: Vec<T>,
    }
    let list: List<T> = serde_json::from_str(json_text(text)).ok()?;
    Some(Rows {
        operation,
        rows: list.retorno,
        errors: Vec::new(),
    })
}

/// A single-record answer decoded straight from its JSON text, when `retorno` is an object that
/// decodes into `T`; `None` otherwise ([`one`] then decides).
pub(crate) fn fast_one<T: DeserializeOwned>(_operation: &'static str, text: &str) -> Option<T> {
    #[derive(serde::Deserialize)]
    struct One<T: DeserializeOwned> {
        #[serde(deserialize_with = "object")]
        retorno: T,
    }
    /// `T` from a JSON object only (a derived struct would also take a list, by position).
    fn object<'de, D: serde::Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<T, D::Error> {
        struct Object<T>(std::marker::PhantomData<T>);
        impl<'de, T: DeserializeOwned> serde::de::Visitor<'de> for Object<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            }
        }
        d.deserialize_map(Object(std::marker::PhantomData))
    }
    serde_json::from_str::<One<T>>(json_text(text))
        .ok()
        .map(|one| one.retorno)
}

/// Decodes a return text with `fast` (straight from the text, see [`fast_rows`]), else through
/// a [`Response`] and `slow`, which says what is wrong. Typed calls decode their answers so.
pub(crate) fn from_text<T>(
    operation: &'static str,
    text: String,
    secrets: &std::sync::Arc<crate::redact::Secrets>,
    fast: impl FnOnce(&'static str, &str) -> Option<T>,
    slow: impl FnOnce(&Response) -> Result<T>,
) -> Result<T> {
    match fast(operation, &text) {
        Some(value) => Ok(value),
        None => slow(&Response::parse_with(operation, text, secrets)?),
    }
}

/// The JSON of a return text, as [`Response`] reads it: without a byte-order mark and the
/// whitespace around it.
pub(crate) fn json_text(text: &str) -> &str {
    text.trim_start_matches('\u{feff}').trim()
}

/// Decodes a single-record answer (an object under `retorno`).
pub fn one<T: DeserializeOwned>(resp: &Response) -> Result<T> {
    match shape(retorno(resp)?) {
        Retorno::Message(m) => Err(service_error(resp, m)),
        Retorno::Rows(items) if items.len() == 1 && items[0].0.is_none() => {
            decode_one(resp, items[0].1)
        }
        _ => decode_one(resp, retorno(resp)?),
    }
}

fn decode_one<T: DeserializeOwned>(resp: &Response, value: &Value) -> Result<T> {
    decode_value(value, resp.secrets()).map_err(|(field, raw, message)| {
        Error::Row(Box::new(RowError {
            operation: resp.operation(),
            row: 0,
            key: None,
            field,
            raw,
            message,
        }))
    })
}

/// The message of an action (`{"retorno": "Agente 600 deslogado"}`), or the service's refusal
/// as [`Error::Service`].
pub fn message(resp: &Response) -> Result<String> {
    match retorno(resp)? {
        Value::String(m) => match classify(m) {
            Some(_) => Err(service_error(resp, m)),
            None => Ok(m.clone()),
        },
        other => Ok(match other {
            Value::Null => String::new(),
            v => v.to_string(),
        }),
    }
}

/// Checks that an answer is not a refusal, for operations whose data stays JSON.
pub fn value(resp: &Response) -> Result<Value> {
    check(resp)?;
    retorno(resp).cloned()
}

/// Fails with the service's refusal ([`Error::Service`]) when the answer is one, without copying
/// its data; a message that is not a refusal (an action's confirmation) is fine.
pub fn check(resp: &Response) -> Result<()> {
    match retorno(resp)? {
        Value::String(m) if classify(m).is_some() => Err(service_error(resp, m)),
        _ => Ok(()),
    }
}

/// The refusal `message` of an answer, as an error fit to show: the call's secrets redacted
/// (a PBX may echo the token back) and a huge message cut.
fn service_error(resp: &Response, message: &str) -> Error {
    Error::Service {
        operation: resp.operation(),
        kind: classify(message).unwrap_or(ServiceErrorKind::Other),
        message: resp.secrets().clean(message),
    }
}

/// Deserialises `value`, or names the field, its raw text and what was expected.
fn decode_value<T: DeserializeOwned>(
    value: &Value,
    secrets: &crate::redact::Secrets,
) -> Result<T, (Option<String>, String, String)> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = (path != ".").then(|| path.clone());
        let raw = field.as_deref().and_then(|p| lookup(value, p)).map_or_else(
            || value.to_string(),
            |v| v.as_str().map_or_else(|| v.to_string(), str::to_owned),
        );
        // A row error is logged and shown: never with a password (getAgent's `senhamd5`).
        let secret = field
            .as_deref()
            .is_some_and(|f| crate::redact::is_secret_name(f.rsplit('.').next().unwrap_or(f)));
        let raw = if secret {
            crate::redact::REDACTED.to_owned()
        } else {
            secrets.clean(&raw)
        };
        let field = field.map(|f| secrets.clean(&f));
        (field, raw, secrets.clean(&e.into_inner().to_string()))
    })
}

/// Follows a serde_path_to_error path (`a.b[2].c`) into a value.
fn lookup<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    let mut cur = value;
    for seg in path.split('.') {
        let (name, rest) = seg.split_once('[').map_or((seg, ""), |(n, r)| (n, r));
        if !name.is_empty() {
            cur = cur.get(name)?;
        }
        for idx in rest.split('[').filter(|s| !s.is_empty()) {
            cur = cur.get(idx.trim_end_matches(']').parse::<usize>().ok()?)?;
        }
    }
    Some(cur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::{Deserialize, Serialize};

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
