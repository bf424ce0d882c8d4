//! uscall's own HTTP/1.1 connections to the PBX: hyper's client connection driven directly, with
//! a pool of idle connections, the attempt's deadline over the whole exchange, and a request
//! sent again on a fresh connection only when hyper hands it back unsent (a pooled connection
//! that closed meanwhile), so that an action is never carried twice.
//!
//! Chosen over reqwest for the calls by measurement (bench/README.md, "Where P1's time goes"):
//! reqwest's layers were a third of a small call's instructions.

mod connect;

use super::exchange::{Answer, AnswerBody, GZIP, Outgoing};
use crate::error::{HttpError, Kind};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{ACCEPT_ENCODING, AUTHORIZATION, CONTENT_TYPE, HOST, HeaderValue, USER_AGENT};
use hyper::{Request, Uri};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::time::Sleep;

pub(crate) use connect::Target;

type Sender = hyper::client::conn::http1::SendRequest<Full<Bytes>>;

/// Idle connections kept at most (more than the calls a client has in flight, usually).
const MAX_IDLE: usize = 256;
/// How long an idle connection is kept: a PBX's web server closes its own sooner, and a closed
/// one is seen and dropped when it is taken.
const IDLE_FOR: Duration = Duration::from_secs(90);

/// The connections of one client (and its clones) to its endpoint's host.
#[derive(Clone)]
pub(crate) struct Pool {
    shared: Arc<Shared>,
}

struct Shared {
    target: Target,
    idle: Mutex<Vec<Idle>>,
    host: HeaderValue,
    user_agent: HeaderValue,
    /// `Basic` credentials from the endpoint URL's `user:password@`, as reqwest sends them.
    authorization: Option<HeaderValue>,
    /// The endpoint's own path (and query), the target of most requests, parsed once.
    endpoint_uri: Uri,
    endpoint_path: String,
}

struct Idle {
    sender: Sender,
    since: Instant,
}

/// A connection going back to the pool once its answer's body is read to the end.
struct Checkin {
    shared: Arc<Shared>,
    sender: Sender,
}

/// The body of an answer on an own connection, read within the attempt's deadline.
pub(crate) struct Body {
    incoming: Incoming,
    deadline: Pin<Box<Sleep>>,
    checkin: Option<Checkin>,
}

impl Pool {
    /// A pool for `endpoint`, connecting as `target` says.
    pub(crate) fn new(
        endpoint: &url::Url,
        target: Target,
        user_agent: &str,
    ) -> Result<Pool, String> {
        let host = match endpoint.port() {
            Some(port) => format!("{}:{port}", endpoint.host_str().unwrap_or_default()),
            None => endpoint.host_str().unwrap_or_default().to_owned(),
        };
        let host = HeaderValue::try_from(host).map_err(|e| format!("endpoint host: {e}"))?;
        let user_agent =
            HeaderValue::try_from(user_agent).map_err(|e| format!("user agent: {e}"))?;
        let authorization = basic_credentials(endpoint)?;
        let endpoint_path = endpoint.path().to_owned();
        let endpoint_uri = path_and_query(&endpoint_path, endpoint.query())
            .map_err(|e| format!("endpoint path: {e}"))?;
        Ok(Pool {
            shared: Arc::new(Shared {
                target,
                idle: Mutex::new(Vec::new()),
                host,
                user_agent,
                authorization,
                endpoint_uri,
                endpoint_path,
            }),
        })
    }

    /// Sends `outgoing`; gives the answer once its head is read, all within its deadline.
    pub(crate) async fn send(&self, outgoing: Outgoing<'_>) -> Result<Answer, HttpError> {
        let request = self.request(&outgoing)?;
        let mut deadline = Box::pin(tokio::time::sleep_until(outgoing.deadline.into()));
        let (response, sender) = tokio::select! {
            biased;
            exchanged = self.exchange(request) => exchanged?,
            () = &mut deadline => return Err(HttpError::own(Kind::Timeout, None)),
        };
        let (parts, incoming) = response.into_parts();
        Ok(Answer {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body: AnswerBody::Own(Body {
                incoming,
                deadline,
                checkin: Some(Checkin {
                    shared: self.shared.clone(),
                    sender,
                }),
            }),
        })
    }

    fn request(&self, outgoing: &Outgoing<'_>) -> Result<Request<Full<Bytes>>, HttpError> {
        let shared = &*self.shared;
        let uri = if outgoing.path == shared.endpoint_path
            && outgoing.query == shared.endpoint_uri.query()
        {
            shared.endpoint_uri.clone()
        } else {
            path_and_query(outgoing.path, outgoing.query)
                .map_err(|e| HttpError::own(Kind::Build, Some(e.into())))?
        };
        let mut request = Request::new(Full::new(outgoing.body.clone()));
        *request.method_mut() = outgoing.method.clone();
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        headers.insert(HOST, shared.host.clone());
        headers.insert(USER_AGENT, shared.user_agent.clone());
        headers.insert(ACCEPT_ENCODING, GZIP);
        if let Some(content_type) = &outgoing.content_type {
            headers.insert(CONTENT_TYPE, content_type.clone());
        }
        if let Some(action) = &outgoing.action {
            headers.insert("SOAPAction", action.clone());
        }
        if let Some(authorization) = &shared.authorization {
            headers.insert(AUTHORIZATION, authorization.clone());
        }
        Ok(request)
    }

    /// Sends on an idle connection, else on a new one. A request hyper gives back unsent (the
    /// idle connection closed meanwhile) goes on the next; one that may have left never does.
    async fn exchange(
        &self,
        mut request: Request<Full<Bytes>>,
    ) -> Result<(hyper::Response<Incoming>, Sender), HttpError> {
        while let Some(mut sender) = self.checkout() {
            if sender.ready().await.is_err() {
                continue;
            }
            match sender.try_send_request(request).await {
                Ok(response) => return Ok((response, sender)),
                Err(mut failed) => match failed.take_message() {
                    Some(unsent) => request = unsent,
                    None => return Err(sending(failed.into_error())),
                },
            }
        }
        let mut sender = self.shared.target.connect().await?;
        sender
            .ready()
            .await
            .map_err(|e| HttpError::own(Kind::Connect, Some(e.into())))?;
        let response = sender.send_request(request).await.map_err(sending)?;
        Ok((response, sender))
    }

    /// The most recently idle connection still open, if any.
    fn checkout(&self) -> Option<Sender> {
        let mut idle = self.shared.idle.lock().unwrap_or_else(|e| e.into_inner());
        while let Some(Idle { sender, since }) = idle.pop() {
            if !sender.is_closed() && since.elapsed() < IDLE_FOR {
                return Some(sender);
            }
        }
        None
    }
}

impl Checkin {
    fn put(self) {
        if self.sender.is_closed() {
            return;
        }
        let mut idle = self.shared.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(Idle {
                sender: self.sender,
                since: Instant::now(),
            });
        }
    }
}

impl Body {
    /// The next piece of the body, `None` at its end (when the connection goes back to the
    /// pool: a body left unread closes it instead).
    pub(crate) async fn chunk(&mut self) -> Result<Option<Bytes>, HttpError> {
        loop {
            let frame = tokio::select! {
                biased;
                frame = self.incoming.frame() => frame,
                () = &mut self.deadline => return Err(HttpError::own(Kind::Timeout, None)),
            };
            match frame {
                None => {
                    if let Some(checkin) = self.checkin.take() {
                        checkin.put();
                    }
                    return Ok(None);
                }
                Some(Err(e)) => return Err(HttpError::own(Kind::Body, Some(e.into()))),
                Some(Ok(frame)) => match frame.into_data() {
                    Ok(data) if !data.is_empty() => return Ok(Some(data)),
                    _ => {}
                },
            }
        }
    }
}

/// The request target `path?query`.
fn path_and_query(path: &str, query: Option<&str>) -> Result<Uri, hyper::http::uri::InvalidUri> {
    match query {
        Some(query) => Uri::try_from(format!("{path}?{query}")),
        None => Uri::try_from(path),
    }
}

fn sending(e: hyper::Error) -> HttpError {
    HttpError::own(Kind::Send, Some(e.into()))
}

/// The `Authorization: Basic` header for `user:password@` in `url`, marked sensitive.
fn basic_credentials(url: &url::Url) -> Result<Option<HeaderValue>, String> {
    use base64::Engine;
    if url.username().is_empty() && url.password().is_none() {
        return Ok(None);
    }
    let decode = |s: &str| -> Result<String, String> {
        percent_encoding::percent_decode_str(s)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| "the endpoint's credentials are not UTF-8".to_owned())
    };
    let user = decode(url.username())?;
    let password = decode(url.password().unwrap_or_default())?;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let mut value = HeaderValue::try_from(format!("Basic {encoded}"))
        .map_err(|e| format!("endpoint credentials: {e}"))?;
    value.set_sensitive(true);
    Ok(Some(value))
}
