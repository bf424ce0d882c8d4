//! One HTTP attempt of a call: post the envelope, read the body, turn it into an answer or error.

use crate::error::{Error, Result};
use crate::meta::{OperationInfo, SoapVersion};
use crate::response::{self, BodyReader, Parsed};
use crate::stream::{Finished, RecordingStream, StreamError};
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
            .then(|| crate::redact::Secrets::of_request(&body, &self.inner.token.0));
        let (response, head) = self.post(op, body).await?;
        let limit = self.inner.settings.max_response_bytes;
        let bytes = response::body(response, op.name, limit, |e| self.transport(op, e)).await?;
        tracing::Span::current().record("response_bytes", bytes.len());
        if let Some(secrets) = &secrets {
            tracing::trace!(target: "uscall::wire", operation = op.name, status = head.status, response = %secrets.redact(&String::from_utf8_lossy(&bytes)));
        }
        head.read(self, op.name, &bytes)
    }

    /// One attempt of audioDownload that streams the recording to `out` as the body arrives
    /// (unescaping, JSON and base64 in one pass, in constant memory). An answer the stream does
    /// not take (a refusal, a fault, an odd charset) is read whole, as [`Client::send_once`] does.
    pub(crate) async fn download_once(
        &self,
        op: &'static OperationInfo,
        body: String,
        out: &mut tokio::fs::File,
        path: &std::path::Path,
    ) -> Result<Download> {
        use tokio::io::AsyncWriteExt;
        let (response, head) = self.post(op, body).await?;
        let limit = self.inner.settings.max_response_bytes;
        let token = self.inner.token.0.as_str();
        if !(200..300).contains(&head.status) {
            let bytes = response::body(response, op.name, limit, |e| self.transport(op, e)).await?;
            return head.read(self, op.name, &bytes).map(Download::Text);
        }
        let charset = head.content_type.as_deref().and_then(text::charset_param);
        let mut stream = Some(RecordingStream::new(charset));
        let mut reader = BodyReader::new(response, op.name, limit, |e| self.transport(op, e))?;
        let mut decoded = Vec::new();
        let write_err = |source| Error::Write {
            operation: op.name,
            path: path.to_owned(),
            source,
        };
        let malformed = |e: StreamError| match e {
            StreamError::Io(source) => write_err(source),
            StreamError::Malformed { message } => Error::Malformed {
                operation: op.name,
                message: crate::redact::redact(&message, token),
                excerpt: String::new(),
            },
        };
        loop {
            let chunk = reader.next().await?;
            let mut sink = |bytes: &[u8]| {
                decoded.extend_from_slice(bytes);
                Ok(())
            };
            let finished = match (&chunk, &mut stream) {
                (Some(chunk), Some(stream)) => {
                    stream.feed(chunk, &mut sink).map_err(malformed)?;
                    None
                }
                (_, stream) => Some(
                    stream
                        .take()
                        .expect("finished once")
                        .finish(&mut sink)
                        .map_err(malformed)?,
                ),
            };
            if !decoded.is_empty() {
                out.write_all(&decoded).await.map_err(write_err)?;
                decoded.clear();
            }
            let Some(finished) = finished else {
                continue;
            };
            tracing::Span::current().record("response_bytes", reader.bytes_read());
            return match finished {
                Finished::Streamed { json, audio_bytes } => {
                    out.flush().await.map_err(write_err)?;
                    Ok(Download::Streamed { json, audio_bytes })
                }
                Finished::Whole(bytes) => head.read(self, op.name, &bytes).map(Download::Text),
            };
        }
    }

    /// Posts the envelope; gives the response, its body unread, and what its head says.
    async fn post(
        &self,
        op: &'static OperationInfo,
        body: String,
    ) -> Result<(reqwest::Response, Head)> {
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
        let head = Head {
            status: response.status().as_u16(),
            content_type: response
                .headers()
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            location: response
                .headers()
                .get(LOCATION)
                .map(HeaderValue::as_bytes)
                .map(String::from_utf8_lossy)
                .map(|l| l.into_owned()),
        };
        tracing::Span::current().record("http_status", head.status);
        Ok((response, head))
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

/// What a streamed audioDownload attempt gave.
pub(crate) enum Download {
    /// The recording went to the writer; the answer's JSON, its recording string emptied.
    Streamed { json: String, audio_bytes: u64 },
    /// The answer read whole (the recording, if any, is inside).
    Text(String),
}

/// What the head of an answer says that reading it needs.
struct Head {
    status: u16,
    content_type: Option<String>,
    location: Option<String>,
}

impl Head {
    /// The return text of `body` under this head (see [`read`]).
    fn read(self, client: &Client, operation: &'static str, body: &[u8]) -> Result<String> {
        read(
            operation,
            &client.inner.token.0,
            self.status,
            self.content_type,
            self.location,
            body,
            Some(&client.inner.prefixes),
        )
    }
}

/// Turns status, headers and body into the return part's text (the JSON, not parsed yet) or the
/// error that describes them.
///
/// `known`: the client's envelope starts already read (see `response::parse_known`).
pub(crate) fn read(
    operation: &'static str,
    token: &str,
    status: u16,
    content_type: Option<String>,
    location: Option<String>,
    body: &[u8],
    known: Option<&response::Prefixes>,
) -> Result<String> {
    let success = (200..300).contains(&status);
    let http_error = |excerpt: String| Error::Http {
        operation,
        status,
        content_type: content_type.clone(),
        excerpt: crate::redact::redact(&excerpt, token),
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
                excerpt: crate::redact::redact(&text::excerpt(&String::from_utf8_lossy(body), 0), token),
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
    let parsed = match known {
        Some(known) if success => response::parse_known(&decoded, operation, known),
        _ => response::parse(&decoded, operation),
    };
    match (parsed, success) {
        (Ok(Parsed::Fault(mut fault)), _) => {
            fault.string = crate::redact::redact(&fault.string, token);
            fault.detail = fault.detail.map(|d| crate::redact::redact(&d, token));
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
            excerpt: crate::redact::redact(&text::excerpt(&decoded, e.position), token),
        }),
        (_, false) => Err(http_error(text::excerpt(&decoded, 0))),
    }
}
