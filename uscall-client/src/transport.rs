//! One HTTP attempt of a call: post the envelope, read the body, turn it into an answer or error.

use crate::error::{Error, Result};
use crate::meta::{OperationInfo, SoapVersion};
use crate::response::{self, Parsed};
use crate::{Client, charset, text};
use reqwest::header::{CONTENT_TYPE, HeaderValue, LOCATION};

impl Client {
    /// One attempt: posts the envelope and reads the answer's return text, within the body-size
    /// limit.
    pub(crate) async fn send_once(
        &self,
        op: &'static OperationInfo,
        body: String,
    ) -> Result<String> {
        // The answer is logged without the request's secrets (agentLogin's password included);
        // scanning the envelope for them is only worth it when that log line is on.
        let secrets = tracing::enabled!(target: "uscall::wire", tracing::Level::TRACE)
            .then(|| text::Secrets::of_request(&body, &self.inner.token.0));
        let endpoint = self.inner.endpoint.clone();
        let request = match op.soap_version {
            SoapVersion::Soap11 => self
                .inner
                .http
                .post(endpoint)
                .header(CONTENT_TYPE, "text/xml; charset=utf-8")
                .header("SOAPAction", format!("\"{}\"", op.soap_action)),
            SoapVersion::Soap12 => self.inner.http.post(endpoint).header(
                CONTENT_TYPE,
                format!(
                    "application/soap+xml; charset=utf-8; action=\"{}\"",
                    op.soap_action
                ),
            ),
        };
        let response = request
            .timeout(self.inner.settings.timeout)
            .body(body)
            .send()
            .await
            .map_err(|e| self.transport(op, e))?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let location = response
            .headers()
            .get(LOCATION)
            .map(HeaderValue::as_bytes)
            .map(String::from_utf8_lossy)
            .map(|l| l.into_owned());
        let limit = self.inner.settings.max_response_bytes;
        let bytes = response::body(response, op.name, limit, |e| self.transport(op, e)).await?;
        let span = tracing::Span::current();
        span.record("http_status", status.as_u16());
        span.record("response_bytes", bytes.len());
        if let Some(secrets) = &secrets {
            tracing::trace!(target: "uscall::wire", operation = op.name, status = status.as_u16(), response = %secrets.redact(&String::from_utf8_lossy(&bytes)));
        }
        read(
            op.name,
            &self.inner.token.0,
            status.as_u16(),
            content_type,
            location,
            &bytes,
        )
    }

    fn transport(&self, op: &'static OperationInfo, source: reqwest::Error) -> Error {
        let mut endpoint = self.inner.endpoint.clone();
        let _ = endpoint.set_password(None);
        let _ = endpoint.set_username("");
        let endpoint = endpoint.to_string();
        if let Some(tls) = crate::tls::failure(op.name, &endpoint, &source) {
            tls
        } else if source.is_timeout() {
            Error::Timeout {
                operation: op.name,
                endpoint,
                source,
            }
        } else {
            Error::Transport {
                operation: op.name,
                endpoint,
                source,
            }
        }
    }
}

/// Turns status, headers and body into the return part's text (the JSON, not parsed yet) or the
/// error that describes them.
pub(crate) fn read(
    operation: &'static str,
    token: &str,
    status: u16,
    content_type: Option<String>,
    location: Option<String>,
    body: &[u8],
) -> Result<String> {
    let success = (200..300).contains(&status);
    let http_error = |excerpt: String| Error::Http {
        operation,
        status,
        content_type: content_type.clone(),
        excerpt: text::redact(&excerpt, token),
    };
    if (300..400).contains(&status) {
        return Err(http_error(format!(
            "redirected to {}",
            location.unwrap_or_default()
        )));
    }
    let charset = content_type.as_deref().and_then(text::charset_param);
    let decoded = match charset::decode(body, charset) {
        Ok(t) => t,
        Err(e) if success => {
            return Err(Error::Malformed {
                operation,
                message: e.message,
                excerpt: text::redact(&text::excerpt(&String::from_utf8_lossy(body), 0), token),
            });
        }
        Err(_) => return Err(http_error(text::excerpt(&String::from_utf8_lossy(body), 0))),
    };
    if success && decoded.trim().is_empty() {
        return Err(Error::Malformed {
            operation,
            message: format!("HTTP {status} with an empty body"),
            excerpt: String::new(),
        });
    }
    match (response::parse(&decoded), success) {
        (Ok(Parsed::Fault(mut fault)), _) => {
            fault.string = text::redact(&fault.string, token);
            fault.detail = fault.detail.map(|d| text::redact(&d, token));
            Err(Error::Fault {
                operation,
                status,
                fault,
            })
        }
        (Ok(Parsed::Return(raw)), true) => Ok(raw),
        (Err(e), true) => Err(Error::Malformed {
            operation,
            message: e.message,
            excerpt: text::redact(&text::excerpt(&decoded, e.position), token),
        }),
        (_, false) => Err(http_error(text::excerpt(&decoded, 0))),
    }
}
