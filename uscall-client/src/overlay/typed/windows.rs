//! cdrSearch over a long range, one window at a time, so that no single answer grows too big
//! for the PBX.

use super::{CdrSearchRequest, RawRowStream, RowStream};
use crate::error::Error;
use crate::models::{Cdr, Rows};
use crate::{Client, Response, Result};
use jiff::SignedDuration;
use jiff::civil::{DateTime, DateTimeArithmetic};
use std::pin::Pin;
use std::task::{Context, Poll};

const ONE_SECOND: SignedDuration = SignedDuration::from_secs(1);

/// The call records of a long period, fetched as consecutive cdrSearch windows, in order; from
/// [`Client::cdr_search_windows`].
///
/// **Why:** the PBX builds the whole answer in PHP memory, and past roughly 20 000 rows it runs
/// out and answers HTTP 500 with an empty body ([`Error::Http`]). Asking for a day (or an hour)
/// at a time keeps every answer small.
///
/// Each window is `[start, start + window - 1 s]`, both ends inclusive as cdrSearch treats them,
/// the next one starting the second after; the last is clipped to the end of the range. So a
/// call at `23:59:59` lands in exactly one window. Times are whole seconds (fractions are
/// dropped), PBX local time.
///
/// ```no_run
/// # async fn run(client: &uscall_client::Client) -> uscall_client::Result<()> {
/// use jiff::{civil::date, ToSpan};
/// let from = date(2025, 6, 1).at(0, 0, 0, 0);
/// let to = date(2025, 6, 30).at(23, 59, 59, 0);
/// let mut windows = client.cdr_search_windows(from, to, 1.day()).origem("2001");
/// while let Some(rows) = windows.next().await {
///     for cdr in &rows? {
///         println!("{} {}", cdr.datahora, cdr.bilheteunico);
///     }
/// }
/// # Ok(())
/// # }
/// ```
#[must_use = "windows do nothing until `next` is awaited"]
pub struct CdrWindows<'a> {
    client: &'a Client,
    next_start: Option<DateTime>,
    to: DateTime,
    window: DateTimeArithmetic,
    origem: Option<String>,
    destino: Option<String>,
    last: Option<(DateTime, DateTime)>,
}

impl Client {
    /// Searches call records from `from` to `to` (inclusive) in consecutive windows of
    /// `window` (a [`jiff::Span`] such as `1.day()`, a [`SignedDuration`] or a
    /// [`std::time::Duration`]); see [`CdrWindows`] for why.
    pub fn cdr_search_windows(
        &self,
        from: DateTime,
        to: DateTime,
        window: impl Into<DateTimeArithmetic>,
    ) -> CdrWindows<'_> {
        let (from, to) = (whole_second(from), whole_second(to));
        CdrWindows {
            client: self,
            next_start: (from <= to).then_some(from),
            to,
            window: window.into(),
            origem: None,
            destino: None,
            last: None,
        }
    }
}

fn whole_second(dt: DateTime) -> DateTime {
    dt.with().subsec_nanosecond(0).build().unwrap_or(dt)
}

impl<'a> CdrWindows<'a> {
    /// Only calls from this number or extension (cdrSearch's `origem`).
    pub fn origem(mut self, origem: impl Into<String>) -> Self {
        self.origem = Some(origem.into());
        self
    }

    /// Only calls to this number or extension (cdrSearch's `destino`).
    pub fn destino(mut self, destino: impl Into<String>) -> Self {
        self.destino = Some(destino.into());
        self
    }

    /// The bounds (inclusive) of the window the last call to [`CdrWindows::next`] asked for.
    pub fn last_window(&self) -> Option<(DateTime, DateTime)> {
        self.last
    }

    /// The rows of the next window, or `None` once the range is done. An error does not stop
    /// the walk: the next call moves on to the following window (the failed one is
    /// [`CdrWindows::last_window`], to retry with a smaller window if you like). A window shorter
    /// than one second is an error, after which the walk is done.
    pub async fn next(&mut self) -> Option<Result<Rows<Cdr>>> {
        let response = self.next_response().await?;
        Some(response.and_then(|r| crate::models::rows(&r)))
    }

    /// Like [`CdrWindows::next`], but the window's answer as the service sent it (every key,
    /// including ones no model knows), for lossless export.
    pub async fn next_response(&mut self) -> Option<Result<Response>> {
        Some(match self.next_request()? {
            Ok(request) => request.send_raw().await,
            Err(e) => Err(e),
        })
    }

    /// The rows of the next window as they arrive (see [`RowStream`]), or `None` once the range
    /// is done; as with [`CdrWindows::next`], a failed window does not stop the walk.
    pub fn next_stream(&mut self) -> Option<RowStream<Cdr>> {
        Some(match self.next_request()? {
            Ok(request) => request.stream(),
            Err(e) => RowStream::open(self.client, Err(e)),
        })
    }

    /// The rows of the next window as JSON as they arrive (see [`RawRowStream`]), or `None`
    /// once the range is done.
    pub fn next_raw_stream(&mut self) -> Option<RawRowStream> {
        Some(match self.next_request()? {
            Ok(request) => request.stream_raw(),
            Err(e) => RawRowStream::open(self.client, Err(e)),
        })
    }

    /// Every window's rows, one after the other, as they arrive: a [`futures_core::Stream`] of
    /// `Result<Cdr>`. A window's failure is an item and the walk goes on with the next window
    /// ([`CdrWindowRows::last_window`] names the one that failed).
    pub fn stream(self) -> CdrWindowRows<'a> {
        CdrWindowRows {
            windows: self,
            current: None,
        }
    }

    /// The cdrSearch request of the next window, and moves on.
    fn next_request(&mut self) -> Option<Result<CdrSearchRequest<'a>>> {
        let start = self.next_start?;
        let end = match self.end_of(start) {
            Ok(end) => end,
            Err(e) => {
                self.next_start = None;
                return Some(Err(e));
            }
        };
        self.last = Some((start, end));
        self.next_start = if end >= self.to {
            None
        } else {
            end.checked_add(ONE_SECOND).ok()
        };
        let mut request = self.client.cdr_search().dataini(start).datafin(end);
        if let Some(origem) = &self.origem {
            request = request.origem(origem.clone());
        }
        if let Some(destino) = &self.destino {
            request = request.destino(destino.clone());
        }
        Some(Ok(request))
    }

    fn end_of(&self, start: DateTime) -> Result<DateTime> {
        let Ok(after) = start.checked_add(self.window) else {
            // Past the end of the calendar: the window covers the rest of the range.
            return Ok(self.to);
        };
        let end = after.checked_sub(ONE_SECOND).unwrap_or(after);
        if end < start {
            return Err(Error::InvalidValue {
                operation: "cdrSearch",
                param: "window",
                expected: "a window of at least one second",
                value: format!("a window from {start} to {after}"),
            });
        }
        Ok(end.min(self.to))
    }
}

/// The rows of every window of a [`CdrWindows`], one window after the other, as they arrive.
#[must_use = "a stream does nothing until polled"]
pub struct CdrWindowRows<'a> {
    windows: CdrWindows<'a>,
    current: Option<RowStream<Cdr>>,
}

impl CdrWindowRows<'_> {
    /// The next row of the walk; `None` once every window is done.
    pub async fn next(&mut self) -> Option<Result<Cdr>> {
        std::future::poll_fn(|cx| self.poll_row(cx)).await
    }

    /// The bounds of the window the last row or error came from.
    pub fn last_window(&self) -> Option<(DateTime, DateTime)> {
        self.windows.last
    }

    fn poll_row(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Cdr>>> {
        loop {
            if self.current.is_none() {
                self.current = Some(match self.windows.next_stream() {
                    Some(stream) => stream,
                    None => return Poll::Ready(None),
                });
            }
            let current = self.current.as_mut().expect("set above");
            match futures_core::Stream::poll_next(Pin::new(current), cx) {
                Poll::Ready(None) => self.current = None,
                other => return other,
            }
        }
    }
}

impl futures_core::Stream for CdrWindowRows<'_> {
    type Item = Result<Cdr>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Cdr>>> {
        self.get_mut().poll_row(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::ToSpan;
    use jiff::civil::date;

    fn bounds(
        client: &Client,
        from: DateTime,
        to: DateTime,
        window: impl Into<DateTimeArithmetic>,
    ) -> Vec<(DateTime, DateTime)> {
        let mut w = client.cdr_search_windows(from, to, window);
        let mut out = Vec::new();
        while let Some(start) = w.next_start {
            let end = w.end_of(start).unwrap();
            out.push((start, end));
            w.next_start = if end >= w.to {
                None
            } else {
                Some(end.checked_add(ONE_SECOND).unwrap())
            };
        }
        out
    }

    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn windows_tile_the_range_without_overlap() {
        let client = Client::new("http://127.0.0.1:9/", "t").unwrap();
        let from = date(2025, 6, 2).at(0, 0, 0, 0);
        let to = date(2025, 6, 4).at(23, 59, 59, 0);
        let days = bounds(&client, from, to, 1.day());
        assert_eq!(days.len(), 3);
        assert_eq!(days[0], (from, date(2025, 6, 2).at(23, 59, 59, 0)));
        assert_eq!(days[2].1, to);
        let quarters = bounds(&client, from, to, std::time::Duration::from_secs(6 * 3600));
        assert_eq!(quarters.len(), 12);
        assert!(
            quarters
                .windows(2)
                .all(|p| p[0].1.checked_add(ONE_SECOND).unwrap() == p[1].0)
        );
        // The last window is clipped to the end of the range.
        let odd = bounds(&client, from, date(2025, 6, 2).at(10, 0, 0, 0), 4.hours());
        assert_eq!(odd.last().unwrap().1, date(2025, 6, 2).at(10, 0, 0, 0));
        assert!(bounds(&client, to, from, 1.day()).is_empty());
        let mut windows = client.cdr_search_windows(from, to, 1.day());
        assert_send(&windows.next());
        assert!(
            client
                .cdr_search_windows(from, to, SignedDuration::from_millis(500))
                .end_of(from)
                .is_err()
        );
        assert!(
            client
                .cdr_search_windows(from, to, (-1).day())
                .end_of(from)
                .is_err()
        );
    }
}
