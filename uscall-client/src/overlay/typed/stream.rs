//! Rows of list answers as they arrive: [`RowStream`] decodes each row into its model while the
//! body is still coming, in constant memory whatever the number of rows; [`RawRowStream`] gives
//! the rows as JSON (redacted when written), for tools that print them.
//!
//! **What is retried, what is not.** Opening a stream is a call like any other: a transient
//! failure before the first row is out is retried as `.await` retries it. Once rows have gone
//! out nothing is retried: a failure after them (the connection drops, the body is cut, is over
//! the size limit or takes longer than the time limit, which covers the whole body, a slow
//! consumer included) is the stream's last item, after the good rows. A caller who wants all
//! or nothing uses `.await` or [`RowStream::collect_rows`].

use crate::error::{Error, Result};
use crate::meta::OperationInfo;
use crate::models::{self, RowError, Rows};
use crate::redact::Secrets;
use crate::rows::{RowBody, RowsOpen};
use crate::{AnswerText, Client, Response};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// The rows of one list answer, decoded into `T` as the body arrives: a [`futures_core::Stream`]
/// of `Result<T>`, or call [`RowStream::next`].
///
/// `Err(Error::Row(_))` is one row that did not decode into `T` (logged at `warn`, as
/// [`Rows::errors`] are): the stream goes on. Any other `Err` is the last item: the call's
/// failure before any row (a refusal, a fault, the transport, after retries), or a failure
/// after rows went out (see the module's notes: nothing is retried then).
#[must_use = "a stream does nothing until polled"]
pub struct RowStream<T> {
    source: Source,
    whole: Option<std::vec::IntoIter<std::result::Result<T, RowError>>>,
    _rows: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> RowStream<T> {
    pub(crate) fn open(client: &Client, resolved: Result<(&'static OperationInfo, Args)>) -> Self {
        RowStream {
            source: Source::open(client, resolved),
            whole: None,
            _rows: PhantomData,
        }
    }

    /// The next row; `None` at the end of the list.
    pub async fn next(&mut self) -> Option<Result<T>> {
        std::future::poll_fn(|cx| self.poll_row(cx)).await
    }

    /// Every row, as `.await` gives them: the rows that decoded and an error for each one that
    /// did not, or the error that ended the stream.
    pub async fn collect_rows(mut self) -> Result<Rows<T>> {
        let (mut rows, mut errors) = (Vec::new(), Vec::new());
        while let Some(item) = self.next().await {
            match item {
                Ok(row) => rows.push(row),
                Err(Error::Row(e)) => errors.push(*e),
                Err(e) => return Err(e),
            }
        }
        Ok(Rows::new(self.source.operation, rows, errors))
    }

    /// The wire name of the operation.
    pub fn operation(&self) -> &'static str {
        self.source.operation
    }

    fn poll_row(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        loop {
            if let Some(whole) = &mut self.whole {
                return Poll::Ready(whole.next().map(|row| row.map_err(row_error)));
            }
            let operation = self.source.operation;
            return Poll::Ready(match ready!(self.source.poll_event(cx)) {
                Event::Row(index, text) => {
                    let secrets = self.source.secrets();
                    match models::decode_row::<T>(operation, index, &text, &secrets) {
                        Ok(row) => Some(row.map_err(row_error)),
                        Err(e) => Some(Err(self.source.fail(e))),
                    }
                }
                Event::Whole(text) => {
                    let secrets = self.source.secrets();
                    match Response::parse_with(operation, text, &secrets)
                        .and_then(|resp| models::row_results::<T>(&resp))
                    {
                        Ok(rows) => {
                            self.whole = Some(rows.into_iter());
                            continue;
                        }
                        Err(e) => Some(Err(self.source.fail(e))),
                    }
                }
                Event::Failed(e) => Some(Err(e)),
                Event::End => None,
            });
        }
    }
}

fn row_error(e: RowError) -> Error {
    Error::Row(Box::new(e))
}

impl<T: DeserializeOwned> futures_core::Stream for RowStream<T> {
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<T>>> {
        self.get_mut().poll_row(cx)
    }
}

// `T` is only produced, never stored before it is handed out (but in `whole`).
impl<T> Unpin for RowStream<T> {}

/// The rows of one list answer as JSON, as they arrive: what the `uscall` command line prints.
/// Each item is a row, or the whole answer when it is not a list that streams (a message, a
/// keyed object, an answer read whole), which the caller prints as it prints any answer.
#[must_use = "a stream does nothing until polled"]
pub struct RawRowStream {
    source: Source,
    /// Rows are read into their cells as they come (see [`RawRowStream::flattened`]).
    flattened: bool,
}

/// An item of a [`RawRowStream`].
#[derive(Debug)]
pub enum RawItem {
    /// A row of the list.
    Row(RawRow),
    /// The answer read whole: the only item.
    Whole(AnswerText),
}

/// One row of a list answer as JSON, checked to be JSON. Its text is not given as is: it may
/// hold the token (a PBX may echo it back); the writers redact it.
pub struct RawRow {
    index: usize,
    text: String,
    /// The row's cells, when its stream reads rows into cells ([`RawRowStream::flattened`]).
    cells: Option<crate::flat::Spans>,
    secrets: Arc<Secrets>,
}

impl std::fmt::Debug for RawRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawRow")
            .field("index", &self.index)
            .field("text", &self.secrets.clean(&self.text))
            .finish()
    }
}

impl RawRow {
    /// The row's place in the list, from 0.
    pub fn index(&self) -> usize {
        self.index
    }

    /// Writes the row as `AnswerText::write_json` writes a whole answer, pretty-printed as a
    /// value `depth` deep when `pretty`; `out` should be buffered.
    pub fn write_json(
        &self,
        out: &mut impl io::Write,
        pretty: bool,
        depth: usize,
    ) -> io::Result<()> {
        crate::json_print::write_at(&self.text, &self.secrets, pretty, depth, out)
    }

    /// The row's cells for a spreadsheet or a table (see [`crate::flat`]), read straight from
    /// its text and redacted as [`RawRow::to_redacted_value`] redacts.
    pub fn flat(&self) -> crate::flat::FlatRow<'_> {
        match &self.cells {
            Some(cells) => cells.flat(&self.text),
            None => crate::flat::FlatRow::of_text(&self.text, &self.secrets)
                .expect("checked to be JSON"),
        }
    }

    /// The row as a JSON value, redacted as [`Response::into_redacted_json`] redacts.
    pub fn to_redacted_value(&self) -> serde_json::Value {
        self.redacted(serde_json::from_str(&self.text).expect("checked to be JSON"))
    }

    fn redacted(&self, mut value: serde_json::Value) -> serde_json::Value {
        // Each decoded string is looked at: a secret may be spelled in its decoded text only
        // (`\\u0024...` in the row is `\u0024...` in the string).
        crate::answer::redact_value(&mut value, &self.secrets);
        value
    }
}

impl RawRowStream {
    pub(crate) fn open(client: &Client, resolved: Result<(&'static OperationInfo, Args)>) -> Self {
        RawRowStream {
            source: Source::open(client, resolved),
            flattened: false,
        }
    }

    /// Rows will be read with [`RawRow::flat`]: each is read into its cells as it comes, which
    /// checks it too, rather than checked and read again.
    pub fn flattened(mut self) -> Self {
        self.flattened = true;
        self
    }

    /// The next item; `None` at the end of the list. An `Err` is the last item.
    pub async fn next(&mut self) -> Option<Result<RawItem>> {
        std::future::poll_fn(|cx| self.poll_item(cx)).await
    }

    /// Whether the rows are under `retorno` (`{"retorno": [...]}`) or a bare list, once the
    /// first row is out.
    pub fn retorno(&self) -> bool {
        self.source.retorno
    }

    /// The wire name of the operation.
    pub fn operation(&self) -> &'static str {
        self.source.operation
    }

    /// Once the stream has ended well: the answer with its list emptied (`{"retorno": []}` and
    /// the object's other members, or `[]`), for printing what surrounds the rows.
    pub fn frame(&self) -> Option<AnswerText> {
        let tail = self.source.tail.as_deref()?;
        let text = if self.source.retorno {
            format!("{{\"retorno\":[]{tail}")
        } else {
            "[]".to_owned()
        };
        AnswerText::parse(self.source.operation, text, &self.source.secrets()).ok()
    }

    fn poll_item(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<RawItem>>> {
        let operation = self.source.operation;
        Poll::Ready(match ready!(self.source.poll_event(cx)) {
            Event::Row(index, text) => {
                let secrets = self.source.secrets();
                let checked = if self.flattened {
                    crate::flat::FlatRow::of_text(&text, &secrets)
                        .map(|flat| Some(crate::flat::Spans::of(flat, &text)))
                } else {
                    serde_json::from_str::<serde::de::IgnoredAny>(&text).map(|_| None)
                };
                match checked {
                    Ok(cells) => Some(Ok(RawItem::Row(RawRow {
                        index,
                        text,
                        cells,
                        secrets,
                    }))),
                    Err(e) => Some(Err(self.source.fail(Error::Json {
                        operation,
                        message: secrets.clean(&format!("row {index}: {e}")),
                        raw: secrets.clean(&text),
                    }))),
                }
            }
            Event::Whole(text) => {
                let secrets = self.source.secrets();
                match AnswerText::parse(operation, text, &secrets) {
                    Ok(answer) => Some(Ok(RawItem::Whole(answer))),
                    Err(e) => Some(Err(self.source.fail(e))),
                }
            }
            Event::Failed(e) => Some(Err(e)),
            Event::End => None,
        })
    }
}

impl Client {
    /// Calls list operation `op` with `args` (one per part, in WSDL order, as for
    /// [`Client::call`]) and gives its rows as they arrive; see [`RawRowStream`].
    pub fn call_rows(&self, op: &'static OperationInfo, args: Vec<Option<String>>) -> RawRowStream {
        RawRowStream::open(self, Ok((op, args)))
    }
}

/// The parts of a call, each in its WSDL position.
pub(crate) type Args = Vec<Option<String>>;

/// What the body gave next.
enum Event {
    Row(usize, String),
    Whole(String),
    Failed(Error),
    End,
}

enum State {
    Opening(BoxFuture<Result<(RowsOpen, Arc<Secrets>)>>),
    Idle(Box<RowBody>),
    Reading(BoxFuture<(Box<RowBody>, Result<Option<String>>)>),
    Done,
}

/// The call and its body, read as the consumer asks: the untyped core of both streams.
struct Source {
    operation: &'static str,
    state: State,
    secrets: Option<Arc<Secrets>>,
    next_index: usize,
    retorno: bool,
    tail: Option<String>,
}

impl Source {
    fn open(client: &Client, resolved: Result<(&'static OperationInfo, Args)>) -> Source {
        let (op, args) = match resolved {
            Ok(resolved) => resolved,
            Err(e) => {
                let operation = match &e {
                    Error::NoSuchOperation { operation } | Error::NoSuchPart { operation, .. } => {
                        operation
                    }
                    _ => "",
                };
                return Source {
                    operation,
                    state: State::Opening(Box::pin(std::future::ready(Err(e)))),
                    secrets: None,
                    next_index: 0,
                    retorno: true,
                    tail: None,
                };
            }
        };
        let client = client.clone();
        let opening = async move {
            let sender = client.clone();
            let send = move |body, secrets: Arc<Secrets>| async move {
                let retries = sender.inner.settings.retries;
                let open = crate::retry::run_attempts(retries, op, body, &secrets, |body| {
                    sender.open_rows_once(op, body)
                })
                .await?;
                Ok((open, secrets))
            };
            client.call_sending(op, args, send, |_| "ok").await
        };
        Source {
            operation: op.name,
            state: State::Opening(Box::pin(opening)),
            secrets: None,
            next_index: 0,
            retorno: true,
            tail: None,
        }
    }

    fn secrets(&self) -> Arc<Secrets> {
        self.secrets.clone().unwrap_or_default()
    }

    /// Ends the stream with `error`, cleaned of the call's secrets.
    fn fail(&mut self, error: Error) -> Error {
        self.state = State::Done;
        match &self.secrets {
            Some(secrets) => secrets.error(error),
            None => error,
        }
    }

    fn poll_event(&mut self, cx: &mut Context<'_>) -> Poll<Event> {
        loop {
            match &mut self.state {
                State::Opening(opening) => match ready!(opening.as_mut().poll(cx)) {
                    Ok((RowsOpen::Streaming(body), secrets)) => {
                        self.secrets = Some(secrets);
                        self.retorno = body.retorno();
                        self.state = State::Idle(body);
                    }
                    Ok((RowsOpen::Text(text), secrets)) => {
                        self.secrets = Some(secrets);
                        self.state = State::Done;
                        return Poll::Ready(Event::Whole(text));
                    }
                    Err(e) => {
                        self.state = State::Done;
                        return Poll::Ready(Event::Failed(e));
                    }
                },
                State::Idle(body) => {
                    // Rows already read go out with no future at all.
                    if let Some(text) = body.pop_ready() {
                        let index = self.next_index;
                        self.next_index += 1;
                        return Poll::Ready(Event::Row(index, text));
                    }
                    let State::Idle(mut body) = std::mem::replace(&mut self.state, State::Done)
                    else {
                        unreachable!("matched above")
                    };
                    self.state = State::Reading(Box::pin(async move {
                        let next = body.next_row().await;
                        (body, next)
                    }));
                }
                State::Reading(reading) => {
                    let (body, next) = ready!(reading.as_mut().poll(cx));
                    return Poll::Ready(match next {
                        Ok(Some(text)) => {
                            self.state = State::Idle(body);
                            let index = self.next_index;
                            self.next_index += 1;
                            Event::Row(index, text)
                        }
                        Ok(None) => {
                            self.tail = body.done().map(|done| done.tail.clone());
                            self.state = State::Done;
                            tracing::debug!(target: "uscall", operation = self.operation, rows = self.next_index, bytes = body.bytes_read(), "rows streamed");
                            Event::End
                        }
                        Err(e) => Event::Failed(self.fail(e)),
                    });
                }
                State::Done => return Poll::Ready(Event::End),
            }
        }
    }
}
