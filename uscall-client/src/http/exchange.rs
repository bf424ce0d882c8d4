//! The HTTP client under the calls, in one shape whichever carries them: uscall's own
//! connections (hyper's HTTP/1.1 client connection, see `own`) or a reqwest client (the one
//! built for a proxy, or an application's own), and the answer they give.

use super::own;
use crate::error::HttpError;
use bytes::Bytes;
use hyper::Method;
use hyper::header::{ACCEPT_ENCODING, CONTENT_TYPE, HeaderMap, HeaderValue};
use std::time::{Duration, Instant};
use url::Url;

/// What carries a client's requests.
#[derive(Clone)]
pub(crate) enum Http {
    /// uscall's own connections: direct to the PBX, the common case.
    Own(own::Pool),
    /// reqwest: through a proxy (its `CONNECT`, authentication and `NO_PROXY`), or the
    /// application's own client (`ClientBuilder::http_client`).
    Reqwest(reqwest::Client),
}

/// One request: to the client's endpoint host, on `path` and `query`.
pub(crate) struct Outgoing<'a> {
    pub(crate) method: Method,
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) content_type: Option<HeaderValue>,
    /// `SOAPAction` (SOAP 1.1; 1.2 carries it in the content type).
    pub(crate) action: Option<HeaderValue>,
    pub(crate) body: Bytes,
    /// The attempt's limit and its end: sending, the head and the whole body must fit.
    pub(crate) timeout: Duration,
    pub(crate) deadline: Instant,
}

/// An answer whose head is read and whose body is not.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: AnswerBody,
}

/// The body of an [`Answer`], read piece by piece.
pub(crate) enum AnswerBody {
    Own(own::Body),
    Reqwest(reqwest::Body),
}

/// What uscall asks answers to be compressed with (and decompresses itself, see `gzip`).
pub(super) const GZIP: HeaderValue = HeaderValue::from_static("gzip");

impl Http {
    /// Sends `request` to `endpoint`'s host; gives the answer once its head is read.
    pub(crate) async fn send(
        &self,
        endpoint: &Url,
        request: Outgoing<'_>,
    ) -> Result<Answer, HttpError> {
        match self {
            Http::Own(pool) => pool.send(request).await,
            Http::Reqwest(client) => {
                let mut url = endpoint.clone();
                url.set_path(request.path);
                url.set_query(request.query);
                let mut builder = client
                    .request(request.method, url)
                    .header(ACCEPT_ENCODING, GZIP)
                    .timeout(request.timeout);
                if let Some(content_type) = request.content_type {
                    builder = builder.header(CONTENT_TYPE, content_type);
                }
                if let Some(action) = request.action {
                    builder = builder.header("SOAPAction", action);
                }
                if !request.body.is_empty() {
                    builder = builder.body(request.body);
                }
                let response = builder.send().await.map_err(HttpError::reqwest)?;
                let (parts, body) = hyper::Response::<reqwest::Body>::from(response).into_parts();
                Ok(Answer {
                    status: parts.status.as_u16(),
                    headers: parts.headers,
                    body: AnswerBody::Reqwest(body),
                })
            }
        }
    }
}

impl AnswerBody {
    /// The next piece of the body, `None` at its end.
    pub(crate) async fn chunk(&mut self) -> Result<Option<Bytes>, HttpError> {
        match self {
            AnswerBody::Own(body) => body.chunk().await,
            AnswerBody::Reqwest(body) => loop {
                use http_body_util::BodyExt;
                match body.frame().await {
                    None => return Ok(None),
                    Some(Err(e)) => return Err(HttpError::reqwest(e)),
                    // Trailers carry nothing uscall reads.
                    Some(Ok(frame)) => match frame.into_data() {
                        Ok(data) if !data.is_empty() => return Ok(Some(data)),
                        _ => {}
                    },
                }
            },
        }
    }
}
