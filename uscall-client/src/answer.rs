//! The service's answer: the JSON document inside the SOAP `return` string, kept raw and parsed.

use crate::error::{Error, Result};
use crate::redact::{REDACTED, Secrets, is_secret_name};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt;
use std::sync::Arc;

/// One answer of the service: the `return` text exactly as received, and its JSON.
///
/// Typed results plug in here: [`Response::decode`] deserialises the JSON into any serde model
/// (the hand-written models of the overlay use it), while [`Response::json`] keeps every key,
/// including ones no model knows yet.
///
/// The answer is the application's data, kept exactly as sent; its `Debug` output and the
/// errors made from it (a refusal, a row that does not decode) are not: they have the call's
/// token and passwords redacted, even where the PBX echoes them back.
#[derive(Clone, PartialEq)]
pub struct Response {
    operation: &'static str,
    raw: String,
    json: Value,
    /// The secrets of the call that got this answer, kept out of what it shows.
    secrets: Arc<Secrets>,
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("operation", &self.operation)
            .field("raw", &self.secrets.clean(&self.raw))
            .finish_non_exhaustive()
    }
}

impl Response {
    /// Parses the `return` text. A leading byte-order mark and surrounding whitespace are
    /// tolerated; anything that is not JSON is an [`Error::Json`] with an excerpt of the text.
    pub(crate) fn parse(operation: &'static str, raw: String, token: &str) -> Result<Response> {
        Response::parse_with(operation, raw, &Arc::new(Secrets::new([token])))
    }

    /// [`Response::parse`] for a call whose secrets are `secrets`.
    pub(crate) fn parse_with(
        operation: &'static str,
        raw: String,
        secrets: &Arc<Secrets>,
    ) -> Result<Response> {
        let trimmed = crate::models::json_text(&raw);
        match serde_json::from_str(trimmed) {
            Ok(json) => Ok(Response {
                operation,
                raw,
                json,
                secrets: secrets.clone(),
            }),
            Err(e) => Err(Error::Json {
                operation,
                message: if trimmed.is_empty() {
                    "the return value is empty".into()
                } else {
                    e.to_string()
                },
                raw: secrets.clean(&raw),
            }),
        }
    }

    /// The secrets of the call that got this answer.
    pub(crate) fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    /// The parsed JSON with the call's secrets taken out, for showing it: the token and the
    /// passwords sent replaced by `<redacted>` wherever a string holds them (as a word), and the
    /// value of every secret-named member (`senhamd5`, `token`...) at any depth. The command
    /// line prints answers this way.
    pub fn into_redacted_json(self) -> Value {
        let mut json = self.json;
        redact_value(&mut json, &self.secrets);
        json
    }

    /// The wire name of the operation that answered.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The `return` text exactly as the service sent it (after XML unescaping).
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The parsed JSON document.
    pub fn json(&self) -> &Value {
        &self.json
    }

    /// The parsed JSON document, by value.
    pub fn into_json(self) -> Value {
        self.json
    }

    /// The value under the `retorno` key every USCall answer is wrapped in, if present.
    pub fn retorno(&self) -> Option<&Value> {
        self.json.get("retorno")
    }

    /// Deserialises the JSON into `T`; a mismatch is an [`Error::Json`] naming the operation.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T> {
        T::deserialize(&self.json).map_err(|e| Error::Json {
            operation: self.operation,
            message: self.secrets.clean(&e.to_string()),
            raw: self.secrets.clean(&self.raw),
        })
    }
}

/// Replaces secrets in the strings of `value`, and the values of secret-named members.
pub(crate) fn redact_value(value: &mut Value, secrets: &Secrets) {
    match value {
        Value::String(s) => {
            if let std::borrow::Cow::Owned(redacted) = secrets.redact(s) {
                *s = redacted;
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| redact_value(v, secrets)),
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                let blank = v.is_null() || v.as_str().is_some_and(str::is_empty);
                if is_secret_name(key) && !blank {
                    *v = Value::String(REDACTED.to_owned());
                } else {
                    redact_value(v, secrets);
                }
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_whitespace_are_tolerated_and_raw_text_is_kept() {
        let r = Response::parse("getQueue", "\u{feff} {\"retorno\":[]}\n".into(), "t").unwrap();
        assert_eq!(r.retorno(), Some(&Value::Array(vec![])));
        assert_eq!(r.raw(), "\u{feff} {\"retorno\":[]}\n");
    }

    #[test]
    fn non_json_keeps_the_raw_text_without_the_token() {
        let err = Response::parse("getQueue", "Erro fatal tok123".into(), "tok123").unwrap_err();
        match err {
            Error::Json { raw, operation, .. } => {
                assert_eq!(raw, "Erro fatal <redacted>");
                assert_eq!(operation, "getQueue");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            Response::parse("x", " ".into(), "t"),
            Err(Error::Json { .. })
        ));
    }
}
