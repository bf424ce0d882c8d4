//! One HTTP attempt of a call: post the envelope, read the body, turn it into an answer or error.

use super::body::{BodyReader, body as read_body};
use super::exchange::{Answer, Outgoing};
use crate::error::{Error, HttpError, Kind, Result};
use crate::meta::{OperationInfo, SoapVersion};
use crate::response::{self, Parsed};
use crate::stream::{Finished, RecordingStream, StreamError};
use crate::{Client, charset, text};
use hyper::Method;
use hyper::header::{CONTENT_TYPE, HeaderValue, LOCATION};
use std::borrow::Cow;
use std::time::{Duration, Instant};

/// Bodies up to this size are decoded where they arrive; a bigger one is decoded on a blocking
/// thread, so that the call's time limit can still end the call while it is decoded.
const DECODE_INLINE_AT_MOST: usize = 1 << 20;

/// The end of an attempt that starts now and may take `limit`.
pub(crate) fn deadline_after(limit: Duration) -> Instant {
    let now = Instant::now();
    // A limit too far to add (`Duration::MAX`) is no limit at all.
    now.checked_add(limit)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 86_400))
}

impl Client {
    /// One attempt: posts the envelope and reads the answer's return text, within the body-size
    /// limit and the time limit (decoding included). Gives the text and the attempt's deadline,
    /// which decoding the JSON after it must keep too.
    pub(crate) async fn send_once(
        &self,
        op: &'static OperationInfo,
        body: String,
    ) -> Result<(String, Instant)> {
        self.send_once_for(op, body, Want::Return).await
    }

    /// [`Client::send_once`], reading the answer for `want`.
    pub(crate) async fn send_once_for(
        &self,
        op: &'static OperationInfo,
        body: String,
        want: Want,
    ) -> Result<(String, Instant)> {
        let deadline = deadline_after(self.inner.settings.timeout);
        // The answer is logged without the request's secrets (agentLogin's password included);
        // scanning the envelope for them is only worth it when that log line is on.
        let secrets = tracing::enabled!(target: "uscall::wire", tracing::Level::TRACE)
            .then(|| crate::redact::Secrets::of_request(&body, &self.inner.token.0));
        let (response, head) = self.post(op, body, deadline).await?;
        let limit = self.inner.settings.max_response_bytes;
        let bytes = read_body(response, op.name, limit, |e| self.transport(op, e)).await?;
        tracing::Span::current().record("response_bytes", bytes.len());
        if let Some(secrets) = &secrets {
            // A bounded head of the body, never all of it: a trace line must not hold a copy of
            // a 500 MB answer.
            let head_bytes = &bytes[..bytes.len().min(4 * crate::redact::TRACE_CHARS)];
            let shown = secrets.clean_to(
                &String::from_utf8_lossy(head_bytes),
                crate::redact::TRACE_CHARS,
            );
            tracing::trace!(target: "uscall::wire", operation = op.name, status = head.status, bytes = bytes.len(), response = %shown);
        }
        let client = self.clone();
        let text = self
            .decoding(op, bytes.len(), deadline, move || {
                head.read_for(&client, op.name, bytes, want)
            })
            .await?;
        Ok((text, deadline))
    }

    /// Runs `work`, the decoding of `size` bytes of an answer, so that it ends by `deadline`: in
    /// place when it is small, else on a blocking thread that the deadline stops waiting for
    /// ([`Error::Timeout`]; the thread finishes and frees its memory on its own).
    pub(crate) async fn decoding<T: Send + 'static>(
        &self,
        op: &'static OperationInfo,
        size: usize,
        deadline: Instant,
        work: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        if size <= DECODE_INLINE_AT_MOST {
            return work();
        }
        let task = tokio::task::spawn_blocking(work);
        match tokio::time::timeout_at(deadline.into(), task).await {
            Ok(Ok(result)) => result,
            Ok(Err(join)) => std::panic::resume_unwind(join.into_panic()),
            Err(_) => Err(Error::Timeout {
                operation: op.name,
                endpoint: self.shown_endpoint(op),
                source: None,
            }),
        }
    }

    /// One attempt of audioDownload that streams the recording to `out` as the body arrives
    /// (unescaping, JSON and base64 in one pass, in constant memory), `read_audio` saying which
    /// string of the answer is the recording (the overlay's model). An answer the stream does
    /// not take (a refusal, a fault, an odd charset) is read whole, as [`Client::send_once`] does.
    pub(crate) async fn download_once(
        &self,
        op: &'static OperationInfo,
        body: String,
        read_audio: crate::stream::ReadAudio,
        out: &mut tokio::fs::File,
        path: &std::path::Path,
    ) -> Result<Download> {
        use tokio::io::AsyncWriteExt;
        let deadline = deadline_after(self.inner.settings.timeout);
        let (response, head) = self.post(op, body, deadline).await?;
        let limit = self.inner.settings.max_response_bytes;
        let token = self.inner.token.0.as_str();
        if !(200..300).contains(&head.status) {
            let bytes = read_body(response, op.name, limit, |e| self.transport(op, e)).await?;
            return head.read(self, op.name, bytes).map(Download::Text);
        }
        let charset = head.content_type.as_deref().and_then(text::charset_param);
        let mut stream = Some(RecordingStream::with_reader(charset, read_audio));
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
                Finished::Whole(bytes) => head.read(self, op.name, bytes).map(Download::Text),
            };
        }
    }

    /// Posts the envelope; gives the answer, its body unread, and what its head says. The
    /// exchange, body included, ends by the attempt's `deadline`.
    pub(super) async fn post(
        &self,
        op: &'static OperationInfo,
        body: String,
        deadline: Instant,
    ) -> Result<(Answer, Head)> {
        let built = |e: hyper::header::InvalidHeaderValue| {
            self.transport(op, HttpError::own(Kind::Build, Some(e.into())))
        };
        let (content_type, action) = match op.soap_version {
            SoapVersion::Soap11 => (
                HeaderValue::from_static("text/xml; charset=utf-8"),
                Some(HeaderValue::try_from(format!("\"{}\"", op.soap_action)).map_err(built)?),
            ),
            SoapVersion::Soap12 => (
                HeaderValue::try_from(format!(
                    "application/soap+xml; charset=utf-8; action=\"{}\"",
                    op.soap_action
                ))
                .map_err(built)?,
                None,
            ),
        };
        let timeout = self.inner.settings.timeout;
        let endpoint = &self.inner.endpoint;
        let outgoing = Outgoing {
            method: Method::POST,
            path: op.path.unwrap_or_else(|| endpoint.path()),
            query: endpoint.query(),
            content_type: Some(content_type),
            action,
            body: body.into(),
            timeout,
            deadline,
        };
        let answer = self
            .inner
            .http
            .send(endpoint, outgoing)
            .await
            .map_err(|e| self.transport(op, e))?;
        let header = |name| {
            answer
                .headers
                .get(name)
                .map(|v: &HeaderValue| String::from_utf8_lossy(v.as_bytes()).into_owned())
        };
        let head = Head {
            status: answer.status,
            content_type: header(CONTENT_TYPE),
            location: header(LOCATION),
        };
        tracing::Span::current().record("http_status", head.status);
        Ok((answer, head))
    }

    /// Where `op` is posted: the client's endpoint, or for an operation of another service in
    /// the WSDL its own path on the same host (the WSDL's host is how the PBX saw itself, the
    /// client's is how it is reached).
    fn endpoint_of(&self, op: &OperationInfo) -> url::Url {
        let mut endpoint = self.inner.endpoint.clone();
        if let Some(path) = op.path {
            endpoint.set_path(path);
        }
        endpoint
    }

    /// Where `op` is posted, for messages: without credentials.
    fn shown_endpoint(&self, op: &OperationInfo) -> String {
        let mut endpoint = self.endpoint_of(op);
        let _ = endpoint.set_password(None);
        let _ = endpoint.set_username("");
        endpoint.to_string()
    }

    pub(super) fn transport(&self, op: &'static OperationInfo, source: HttpError) -> Error {
        self.transport_at(op.name, self.shown_endpoint(op), source)
    }

    /// The error for a request about `operation` to `endpoint` (shown without credentials)
    /// that failed in the HTTP client: TLS, timeout, a malformed head, or the transport itself.
    pub(crate) fn transport_at(
        &self,
        operation: &'static str,
        endpoint: String,
        source: HttpError,
    ) -> Error {
        if let Some(tls) = crate::tls::failure(operation, &endpoint, &source) {
            tls
        } else if source.is_timeout() {
            Error::Timeout {
                operation,
                endpoint,
                source: Some(source),
            }
        } else if let Some(parse) = source.malformed_head() {
            // The server answered, but not in HTTP: an unreadable answer, not a network
            // failure, and sending again would only get the same.
            Error::Malformed {
                operation,
                message: format!("the answer's HTTP head is malformed: {parse}"),
                excerpt: String::new(),
            }
        } else {
            Error::Transport {
                operation,
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
pub(super) struct Head {
    pub(super) status: u16,
    pub(super) content_type: Option<String>,
    location: Option<String>,
}

impl Head {
    /// The return text of `body` under this head (see [`read`]).
    pub(super) fn read(
        self,
        client: &Client,
        operation: &'static str,
        body: Vec<u8>,
    ) -> Result<String> {
        self.read_for(client, operation, body, Want::Return)
    }

    /// What `want` asks of `body` under this head (see [`read`]).
    fn read_for(
        self,
        client: &Client,
        operation: &'static str,
        body: Vec<u8>,
        want: Want,
    ) -> Result<String> {
        let reading = match want {
            Want::Return => Reading::Return(Some(&client.inner.prefixes)),
            Want::Element { one_way } => Reading::Element { one_way },
        };
        read(
            operation,
            &client.inner.token.0,
            self.status,
            self.content_type,
            self.location,
            body,
            reading,
        )
    }
}

/// What an attempt reads from a successful answer.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Want {
    /// The return part's text.
    Return,
    /// The Body's response element, as XML (a raw operation); `one_way` takes an empty body or
    /// an empty Body as the answer.
    Element { one_way: bool },
}

/// [`Want`], with what reading the return part needs.
pub(crate) enum Reading<'a> {
    /// `known`: the client's envelope starts already read (see `response::parse_known`).
    Return(Option<&'a response::Prefixes>),
    Element {
        one_way: bool,
    },
}

/// Turns status, headers and body into the return part's text (the JSON, not parsed yet), or the
/// response element's XML, as `reading` asks, or the error that describes them.
pub(crate) fn read(
    operation: &'static str,
    token: &str,
    status: u16,
    content_type: Option<String>,
    location: Option<String>,
    body: Vec<u8>,
    reading: Reading<'_>,
) -> Result<String> {
    let success = (200..300).contains(&status);
    let http_error = |excerpt: String| Error::Http {
        operation,
        status,
        content_type: content_type.clone(),
        excerpt: crate::redact::redact(&excerpt, token),
    };
    if (300..400).contains(&status) {
        let reason = hyper::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("a redirection");
        return Err(http_error(match location {
            Some(location) => format!(
                "{reason}, redirected to {location}; redirects are not followed: give the \
                 PBX's own address"
            ),
            None => format!(
                "{reason}, a redirection status without a Location header; redirects are not \
                 followed"
            ),
        }));
    }
    let charset = content_type.as_deref().and_then(text::charset_param);
    // The body becomes the text without a copy when it is UTF-8 (or ASCII) already: an answer
    // near the size limit must not be held twice.
    let decoded = match charset::decode(&body, charset) {
        Ok(Cow::Owned(text)) => text,
        Ok(Cow::Borrowed(text)) => {
            let bom = body.len() - text.len();
            let mut body = body;
            body.drain(..bom);
            String::from_utf8(body)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
        }
        Err(e) if success => {
            return Err(Error::Malformed {
                operation,
                message: e.message,
                excerpt: crate::redact::redact(
                    &text::excerpt(&String::from_utf8_lossy(&body), 0),
                    token,
                ),
            });
        }
        Err(_) => {
            return Err(http_error(text::excerpt(
                &String::from_utf8_lossy(&body),
                0,
            )));
        }
    };
    if success && decoded.trim().is_empty() {
        if let Reading::Element { one_way: true } = reading {
            return Ok(String::new());
        }
        return Err(Error::Malformed {
            operation,
            message: format!("HTTP {status} with an empty body"),
            excerpt: String::new(),
        });
    }
    let (parsed, decoded) = if let (Reading::Element { one_way }, true) = (&reading, success) {
        (
            crate::raw_call::body_element(&decoded, operation, *one_way),
            decoded,
        )
    } else if let (Reading::Return(known), true) = (reading, success) {
        match response::parse_owned(decoded, operation, known) {
            Ok(parsed) => (Ok(parsed), String::new()),
            Err((e, decoded)) => (Err(e), decoded),
        }
    } else {
        (response::parse(&decoded, operation), decoded)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn decoding_a_big_answer_ends_at_the_deadline() {
        let client = Client::new("http://127.0.0.1:9/", "t").unwrap();
        let op = Client::operation("getExtens").unwrap();
        let started = Instant::now();
        let slow = || {
            std::thread::sleep(Duration::from_secs(3));
            Ok(())
        };
        let deadline = started + Duration::from_millis(200);
        let result = client
            .decoding(op, DECODE_INLINE_AT_MOST + 1, deadline, slow)
            .await;
        assert!(
            matches!(result, Err(Error::Timeout { source: None, .. })),
            "{result:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(2));
        // A small answer is decoded in place, deadline or not.
        let quick = client
            .decoding(op, 10, started, || Ok::<_, Error>(7))
            .await
            .unwrap();
        assert_eq!(quick, 7);
    }
}
