//! Reading an answer's body within its size limit, chunk by chunk or whole, decompressing gzip
//! (uscall asks for it) and telling a failure to decompress apart from a failure of the
//! connection.

use super::exchange::{Answer, AnswerBody};
use super::gzip::{Gunzip, GunzipError};
use crate::error::{Error, HttpError};
use bytes::Bytes;
use hyper::header::{CONTENT_ENCODING, CONTENT_LENGTH};

/// The most memory set aside up front for a body, whatever its `Content-Length` says.
const PREALLOCATE_AT_MOST: usize = 1 << 20;

/// Reads the whole body of `answer`, refusing one bigger than `limit` bytes as soon as that is
/// known: from `Content-Length` before reading, else while streaming. With gzip the count is of
/// decompressed bytes, so a small compressed bomb is stopped at `limit` too.
pub(crate) async fn body(
    answer: Answer,
    operation: &'static str,
    limit: usize,
    transport: impl Fn(HttpError) -> Error,
) -> Result<Vec<u8>, Error> {
    let mut reader = BodyReader::new(answer, operation, limit, transport)?;
    let mut out = Vec::with_capacity(reader.length.unwrap_or(0).min(PREALLOCATE_AT_MOST));
    while let Some(chunk) = reader.next().await? {
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// A body read chunk by chunk, within `limit` bytes (see [`body`]), with a failure to
/// decompress told apart from a failure of the connection.
pub(crate) struct BodyReader<F> {
    body: AnswerBody,
    gunzip: Option<Gunzip>,
    /// `Content-Length`, when the body is not compressed.
    length: Option<usize>,
    operation: &'static str,
    limit: usize,
    read: usize,
    status: u16,
    /// Whether the body's end was seen (the last piece may come with it).
    ended: bool,
    transport: F,
}

impl<F: Fn(HttpError) -> Error> BodyReader<F> {
    /// Refuses at once a body whose `Content-Length` is over `limit`, and one in an encoding
    /// uscall did not ask for.
    pub(crate) fn new(
        answer: Answer,
        operation: &'static str,
        limit: usize,
        transport: F,
    ) -> Result<Self, Error> {
        let Answer {
            status,
            headers,
            body,
        } = answer;
        let encoding = headers.get(CONTENT_ENCODING).map(|v| {
            String::from_utf8_lossy(v.as_bytes())
                .trim()
                .to_ascii_lowercase()
        });
        let gunzip = match encoding.as_deref() {
            None | Some("" | "identity") => None,
            Some("gzip" | "x-gzip") => Some(Gunzip::new(limit)),
            Some(other) => {
                return Err(Error::Malformed {
                    operation,
                    message: format!(
                        "HTTP {status} with a body in Content-Encoding {other:?}, which was not \
                         asked for (uscall asks for gzip only)"
                    ),
                    excerpt: String::new(),
                });
            }
        };
        let length = headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|_| gunzip.is_none());
        if let Some(len) = length.filter(|&len| len > limit as u64) {
            return Err(Error::TooLarge {
                operation,
                limit,
                content_length: Some(len),
            });
        }
        Ok(BodyReader {
            body,
            gunzip,
            length: length.map(|len| len as usize),
            operation,
            limit,
            read: 0,
            status,
            ended: false,
            transport,
        })
    }

    /// How many body bytes have been read (decompressed).
    pub(crate) fn bytes_read(&self) -> usize {
        self.read
    }

    /// The next piece of the body, `None` at its end.
    pub(crate) async fn next(&mut self) -> Result<Option<Bytes>, Error> {
        loop {
            if self.ended {
                return Ok(None);
            }
            let chunk = match &mut self.gunzip {
                None => {
                    let chunk = self.body.chunk().await.map_err(&self.transport)?;
                    self.ended = chunk.is_none();
                    chunk
                }
                Some(gunzip) => match gunzip.pull() {
                    Ok(Some(out)) => Some(out),
                    Ok(None) => match self.body.chunk().await.map_err(&self.transport)? {
                        Some(compressed) => {
                            gunzip.push(compressed);
                            continue;
                        }
                        None => {
                            self.ended = true;
                            let last = gunzip.finish();
                            Some(last.map_err(|e| self.unzipped(e))?)
                        }
                    },
                    Err(e) => return Err(self.unzipped(e)),
                },
            };
            match chunk {
                None => return Ok(None),
                Some(chunk) if chunk.is_empty() => continue,
                Some(chunk) if chunk.len() > self.limit - self.read => {
                    return Err(self.too_large());
                }
                Some(chunk) => {
                    self.read += chunk.len();
                    return Ok(Some(chunk));
                }
            }
        }
    }

    fn too_large(&self) -> Error {
        Error::TooLarge {
            operation: self.operation,
            limit: self.limit,
            content_length: None,
        }
    }

    fn unzipped(&self, e: GunzipError) -> Error {
        match e {
            GunzipError::OverLimit => self.too_large(),
            GunzipError::Corrupt(cause) => Error::Malformed {
                operation: self.operation,
                message: format!(
                    "HTTP {} with a compressed body (Content-Encoding) that does not decompress: {cause}",
                    self.status
                ),
                excerpt: String::new(),
            },
        }
    }
}
