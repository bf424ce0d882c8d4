//! Reading an answer's body within its size limit, chunk by chunk or whole, telling a failure to
//! decompress apart from a failure of the connection.

use crate::error::Error;

/// The most memory set aside up front for a body, whatever its `Content-Length` says.
const PREALLOCATE_AT_MOST: usize = 1 << 20;

/// Reads the whole body of `response`, refusing one bigger than `limit` bytes as soon as that is
/// known: from `Content-Length` before reading, else while streaming. With gzip the count is of
/// decompressed bytes, so a small compressed bomb is stopped at `limit` too.
pub(crate) async fn body(
    response: reqwest::Response,
    operation: &'static str,
    limit: usize,
    transport: impl Fn(reqwest::Error) -> Error,
) -> Result<Vec<u8>, Error> {
    let capacity = response
        .content_length()
        .map_or(0, |len| len as usize)
        .min(PREALLOCATE_AT_MOST);
    let mut out = Vec::with_capacity(capacity);
    let mut reader = BodyReader::new(response, operation, limit, transport)?;
    while let Some(chunk) = reader.next().await? {
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// A body read chunk by chunk, within `limit` bytes (see [`body`]), with a failure to
/// decompress told apart from a failure of the connection.
pub(crate) struct BodyReader<F> {
    response: reqwest::Response,
    operation: &'static str,
    limit: usize,
    read: usize,
    status: u16,
    transport: F,
}

impl<F: Fn(reqwest::Error) -> Error> BodyReader<F> {
    /// Refuses at once a body whose `Content-Length` is over `limit`.
    pub(crate) fn new(
        response: reqwest::Response,
        operation: &'static str,
        limit: usize,
        transport: F,
    ) -> Result<Self, Error> {
        if let Some(len) = response.content_length().filter(|&len| len > limit as u64) {
            return Err(Error::TooLarge {
                operation,
                limit,
                content_length: Some(len),
            });
        }
        Ok(BodyReader {
            status: response.status().as_u16(),
            response,
            operation,
            limit,
            read: 0,
            transport,
        })
    }

    /// How many body bytes have been read.
    pub(crate) fn bytes_read(&self) -> usize {
        self.read
    }

    /// The next piece of the body, `None` at its end.
    pub(crate) async fn next(&mut self) -> Result<Option<bytes::Bytes>, Error> {
        match self.response.chunk().await {
            Ok(Some(chunk)) if chunk.len() > self.limit - self.read => Err(Error::TooLarge {
                operation: self.operation,
                limit: self.limit,
                content_length: None,
            }),
            Ok(Some(chunk)) => {
                self.read += chunk.len();
                Ok(Some(chunk))
            }
            Ok(None) => Ok(None),
            Err(e) => Err(match decompression_failure(&e) {
                Some(cause) => Error::Malformed {
                    operation: self.operation,
                    message: format!(
                        "HTTP {} with a compressed body (Content-Encoding) that does not decompress: {cause}",
                        self.status
                    ),
                    excerpt: String::new(),
                },
                None => (self.transport)(e),
            }),
        }
    }
}

/// The decompressor's complaint, when that is why reading the body failed.
///
/// reqwest reports every failure while streaming a body as a decode error. Underneath its own
/// errors, a connection failure is a `hyper::Error` and a timeout is reqwest's; anything else
/// comes from the decompressor ("Invalid gzip header", "unexpected end of file", "there are
/// extra bytes after body has been decompressed").
fn decompression_failure(error: &reqwest::Error) -> Option<String> {
    if error.is_timeout() {
        return None;
    }
    let mut next = std::error::Error::source(error);
    while let Some(e) = next {
        if e.is::<hyper::Error>() {
            return None;
        }
        if !e.is::<reqwest::Error>() {
            return Some(e.to_string());
        }
        next = e.source();
    }
    None
}
