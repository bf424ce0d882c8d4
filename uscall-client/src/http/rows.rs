//! One HTTP attempt of a list call whose rows are read as the body arrives: the body goes
//! through the wire's row decoder until the first row is out (the attempt is then committed:
//! nothing after it is retried), or the body ends, or the decoder hands it back whole, when the
//! answer is read as any other.

use super::body::{BodyReader, body as read_body};
use crate::error::{Error, HttpError, Result};
use crate::meta::OperationInfo;
use crate::stream::StreamError;
use crate::stream::rows::{RowDecoder, RowsDone, RowsFinished};
use crate::{Client, text};
use std::collections::VecDeque;

/// The most body bytes a trace line shows the head of (as `send_once`'s).
const TRACE_HEAD: usize = 4 * crate::redact::TRACE_CHARS;

/// How the reading of the HTTP client's errors is kept with the body: it owns a client.
type Transport = Box<dyn Fn(HttpError) -> Error + Send + Sync>;

/// What an attempt opened.
pub(crate) enum RowsOpen {
    /// A list whose rows are coming; the first ones are ready.
    Streaming(Box<RowBody>),
    /// The answer read whole (a message, a keyed object, an odd charset, a list so short that
    /// it ended before its first row was out...): its return text.
    Text(String),
}

/// The rest of a list answer's body, read on demand.
pub(crate) struct RowBody {
    reader: BodyReader<Transport>,
    /// `None` once the body ended.
    decoder: Option<RowDecoder>,
    ready: VecDeque<String>,
    batch: Vec<String>,
    /// The error that ends the rows, after those before it.
    failed: Option<Error>,
    done: Option<RowsDone>,
    operation: &'static str,
    token: String,
    /// The first bytes of the body, kept for the trace line when it is on.
    trace_head: Option<Vec<u8>>,
}

impl Client {
    /// One attempt of `op` whose list is streamed. Errors and answers that are not a streamed
    /// list are what [`Client::send_once`] gives for the same body.
    pub(crate) async fn open_rows_once(
        &self,
        op: &'static OperationInfo,
        body: String,
    ) -> Result<RowsOpen> {
        // The answer is logged without the request's secrets, as `send_once` logs it.
        let secrets = tracing::enabled!(target: "uscall::wire", tracing::Level::TRACE)
            .then(|| crate::redact::Secrets::of_request(&body, &self.inner.token.0));
        let deadline = crate::transport::deadline_after(self.inner.settings.timeout);
        let (response, head) = self.post(op, body, deadline).await?;
        let limit = self.inner.settings.max_response_bytes;
        if !(200..300).contains(&head.status) {
            let bytes = read_body(response, op.name, limit, |e| self.transport(op, e)).await?;
            return head.read(self, op.name, bytes).map(RowsOpen::Text);
        }
        let charset = head.content_type.as_deref().and_then(text::charset_param);
        let client = self.clone();
        let transport: Transport = Box::new(move |e| client.transport(op, e));
        let mut rows = RowBody {
            reader: BodyReader::new(response, op.name, limit, transport)?,
            decoder: Some(RowDecoder::new(op.name, charset)),
            ready: VecDeque::new(),
            batch: Vec::new(),
            failed: None,
            done: None,
            operation: op.name,
            token: self.inner.token.0.clone(),
            trace_head: secrets.as_ref().map(|_| Vec::new()),
        };
        let opened = rows.fill().await?;
        if let Some(secrets) = &secrets {
            let bytes = opened.as_ref().map_or(rows.bytes_read(), Vec::len);
            let kept = opened
                .as_deref()
                .or(rows.trace_head.as_deref())
                .unwrap_or_default();
            let head_bytes = &kept[..kept.len().min(TRACE_HEAD)];
            let shown = secrets.clean_to(
                &String::from_utf8_lossy(head_bytes),
                crate::redact::TRACE_CHARS,
            );
            tracing::trace!(target: "uscall::wire", operation = op.name, status = head.status, bytes, response = %shown);
            rows.trace_head = None;
        }
        match opened {
            Some(whole) => {
                tracing::Span::current().record("response_bytes", whole.len());
                let client = self.clone();
                self.decoding(op, whole.len(), deadline, move || {
                    head.read(&client, op.name, whole)
                })
                .await
                .map(RowsOpen::Text)
            }
            None => Ok(RowsOpen::Streaming(Box::new(rows))),
        }
    }
}

impl RowBody {
    /// Reads until a row is ready, the body ends, or the decoder hands the body back whole
    /// (then given). An error after a row went out is kept for after the rows ready.
    async fn fill(&mut self) -> Result<Option<Vec<u8>>> {
        while self.ready.is_empty() && self.failed.is_none() {
            let Some(decoder) = self.decoder.as_mut() else {
                break;
            };
            let chunk = match self.reader.next().await {
                Ok(chunk) => chunk,
                Err(e) if decoder.committed() => {
                    self.failed = Some(e);
                    break;
                }
                Err(e) => return Err(e),
            };
            if let (Some(kept), Some(chunk)) = (&mut self.trace_head, &chunk) {
                let room = TRACE_HEAD.saturating_sub(kept.len());
                kept.extend_from_slice(&chunk[..chunk.len().min(room)]);
            }
            let step = match &chunk {
                Some(chunk) => decoder.feed(chunk, &mut self.batch).map(|()| None),
                None => {
                    let end = decoder.finish(&mut self.batch).map(Some);
                    self.decoder = None;
                    end
                }
            };
            self.ready.extend(self.batch.drain(..));
            match step {
                Ok(None) => {}
                Ok(Some(RowsFinished::Done(done))) => self.done = Some(done),
                Ok(Some(RowsFinished::Whole(body))) => return Ok(Some(body)),
                Err(e) => {
                    self.decoder = None;
                    self.failed = Some(self.malformed(e));
                }
            }
        }
        Ok(None)
    }

    fn malformed(&self, e: StreamError) -> Error {
        let message = match e {
            StreamError::Malformed { message } => message,
            StreamError::Io(e) => e.to_string(),
        };
        Error::Malformed {
            operation: self.operation,
            message: crate::redact::redact(
                &format!("the answer broke off after its first rows: {message}"),
                &self.token,
            ),
            excerpt: String::new(),
        }
    }

    /// The next row's JSON text, reading more of the body as needed; `Ok(None)` at the end of
    /// a list whose body was read and checked to its end. An error is the last item.
    pub(crate) async fn next_row(&mut self) -> Result<Option<String>> {
        if self.ready.is_empty() {
            // Once committed, the decoder never hands the body back.
            self.fill().await?;
        }
        if let Some(row) = self.ready.pop_front() {
            return Ok(Some(row));
        }
        match self.failed.take() {
            Some(e) => Err(e),
            None => Ok(None),
        }
    }

    /// A row already read, if any.
    pub(crate) fn pop_ready(&mut self) -> Option<String> {
        self.ready.pop_front()
    }

    /// Whether the list is under `retorno` (else a bare list).
    pub(crate) fn retorno(&self) -> bool {
        match (&self.done, &self.decoder) {
            (Some(done), _) => done.retorno,
            (None, Some(decoder)) => decoder.retorno(),
            (None, None) => true,
        }
    }

    /// How the list ended, once it did: whether it was under `retorno`, and what followed it.
    pub(crate) fn done(&self) -> Option<&RowsDone> {
        self.done.as_ref()
    }

    /// Body bytes read so far.
    pub(crate) fn bytes_read(&self) -> usize {
        self.reader.bytes_read()
    }
}
