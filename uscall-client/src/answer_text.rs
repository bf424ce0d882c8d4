//! An answer kept as its JSON text, never decoded whole: checked for a refusal and printed
//! straight from the text, so that a huge answer costs its own size in memory and no more
//! (a [`Response`] holds the text and its `serde_json::Value`, two to three times that).

use crate::error::{Error, Result};
use crate::models::{self, ServiceErrorKind, classify};
use crate::redact::Secrets;
use crate::{Response, json_print};
use std::fmt;
use std::io;
use std::sync::Arc;

/// One answer of the service as its JSON text (see [`Client::call_text`](crate::Client::call_text)).
///
/// The text is the application's data, exactly as sent; its `Debug` output, the errors made
/// from it and what [`AnswerText::write_json`] prints have the call's secrets redacted.
#[derive(Clone)]
pub struct AnswerText {
    operation: &'static str,
    text: String,
    secrets: Arc<Secrets>,
}

impl fmt::Debug for AnswerText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AnswerText")
            .field("operation", &self.operation)
            .field("text", &self.secrets.clean(&self.text))
            .finish_non_exhaustive()
    }
}

/// How many bytes of an escaped message are read to tell a refusal: enough for the 512
/// characters that `classify` reads, however escaped (`\u00e9` is 6 bytes for one).
const MESSAGE_HEAD: usize = 8192;

impl AnswerText {
    /// Checks that `text` is JSON, without decoding its strings.
    pub(crate) fn parse(
        operation: &'static str,
        text: String,
        secrets: &Arc<Secrets>,
    ) -> Result<AnswerText> {
        let json = models::json_text(&text);
        if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(json) {
            return Err(Error::Json {
                operation,
                message: if json.is_empty() {
                    "the return value is empty".into()
                } else {
                    secrets.clean(&e.to_string())
                },
                raw: secrets.clean(&text),
            });
        }
        Ok(AnswerText {
            operation,
            text,
            secrets: secrets.clone(),
        })
    }

    /// The wire name of the operation that answered.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The `return` text exactly as the service sent it (after XML unescaping).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Fails with the service's refusal ([`Error::Service`]) when the answer is one, by the
    /// rules of [`models::rows`] for list operations (any message but "no records") and of
    /// [`models::check`] for the others. Only the start of a message is decoded.
    pub fn check(&self) -> Result<()> {
        let Some(data) = json_print::retorno(models::json_text(&self.text)) else {
            return Err(Error::Json {
                operation: self.operation,
                message: "the answer has no `retorno`".into(),
                raw: self.secrets.clean(&self.text),
            });
        };
        let Some(escaped) = message(data) else {
            return Ok(());
        };
        let (head, cut) = json_print::decoded_head(escaped, MESSAGE_HEAD);
        let refused = if models::columns(self.operation).is_some() {
            !models::means_no_rows(&head)
        } else {
            classify(&head).is_some()
        };
        if !refused {
            return Ok(());
        }
        Err(Error::Service {
            operation: self.operation,
            kind: classify(&head).unwrap_or(ServiceErrorKind::Other),
            message: if cut {
                self.secrets.clean_part(&head, escaped.len())
            } else {
                self.secrets.clean(&head)
            },
        })
    }

    /// A successful call's `outcome` in its span: `service` for a refusal (as for a
    /// [`Response`]), else `ok`.
    pub(crate) fn outcome(&self) -> &'static str {
        let message = json_print::retorno(models::json_text(&self.text)).and_then(message);
        match message {
            Some(escaped)
                if classify(&json_print::decoded_head(escaped, MESSAGE_HEAD).0).is_some() =>
            {
                "service"
            }
            _ => "ok",
        }
    }

    /// Writes the JSON, pretty-printed when `pretty`, as serde_json prints the parsed value:
    /// the call's secrets and secret-named members redacted, and the control characters a
    /// terminal obeys written as `\uXXXX`. No string is decoded whole.
    pub fn write_json(&self, out: &mut impl io::Write, pretty: bool) -> io::Result<()> {
        json_print::write(models::json_text(&self.text), &self.secrets, pretty, out)
    }

    /// The answer parsed, for what needs its values.
    pub fn into_response(self) -> Result<Response> {
        Response::parse_with(self.operation, self.text, &self.secrets)
    }
}

/// The escaped content of `data` when it is a string: the service's message.
fn message(data: &str) -> Option<&str> {
    data.strip_prefix('"')?.strip_suffix('"')
}
