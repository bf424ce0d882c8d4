//! The service's answer: the JSON document inside the SOAP `return` string, kept raw and parsed.

use crate::error::{Error, Result};
use crate::text;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// One answer of the service: the `return` text exactly as received, and its JSON.
///
/// Typed results plug in here: [`Response::decode`] deserialises the JSON into any serde model
/// (the hand-written models of the overlay use it), while [`Response::json`] keeps every key,
/// including ones no model knows yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Response {
    operation: &'static str,
    raw: String,
    json: Value,
}

impl Response {
    /// Parses the `return` text. A leading byte-order mark and surrounding whitespace are
    /// tolerated; anything that is not JSON is an [`Error::Json`] keeping the raw text.
    pub(crate) fn parse(operation: &'static str, raw: String, token: &str) -> Result<Response> {
        let trimmed = crate::models::json_text(&raw);
        match serde_json::from_str(trimmed) {
            Ok(json) => Ok(Response {
                operation,
                raw,
                json,
            }),
            Err(e) => Err(Error::Json {
                operation,
                message: if trimmed.is_empty() {
                    "the return value is empty".into()
                } else {
                    e.to_string()
                },
                raw: text::redact(&raw, token),
            }),
        }
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
            message: e.to_string(),
            raw: self.raw.clone(),
        })
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
