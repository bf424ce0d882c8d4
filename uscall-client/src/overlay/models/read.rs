//! Reading answers into the models: the `{"retorno": ...}` envelope unwrapped, rows with one
//! error per row that does not decode, single records, messages and refusals.

use super::service::{self, classify};
use super::{RowError, Rows, ServiceErrorKind};
use crate::Response;
use crate::error::{Error, Result};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt;

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
pub(super) fn lookup<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
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
