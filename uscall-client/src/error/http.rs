//! The HTTP stack's error, kept opaque behind [`HttpError`] so that upgrading it (or changing
//! which stack carries a call) is not a breaking change of this crate's API.

use std::error::Error as StdError;
use std::fmt;

/// What the HTTP client reported for a request that could not be sent or answered: its message
/// and its causes ([`std::error::Error::source`]), and whether it failed to connect or timed out.
pub struct HttpError {
    repr: Repr,
}

enum Repr {
    /// uscall's own connections (hyper's client connection, tokio, rustls).
    Own {
        kind: Kind,
        source: Option<Box<dyn StdError + Send + Sync>>,
    },
    /// A reqwest client: the one built for a proxy, or an application's own.
    Reqwest(reqwest::Error),
}

/// Where an exchange on uscall's own connections failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Resolving the host, connecting or the TLS handshake: the request never left.
    Connect,
    /// The connect timeout ran out: the request never left.
    ConnectTimeout,
    /// The call's time limit ran out after the connection was made.
    Timeout,
    /// The request could not be made (a header value HTTP refuses): it never left.
    Build,
    /// Sending the request or reading the answer's head failed.
    Send,
    /// Reading the answer's body failed.
    Body,
}

impl HttpError {
    pub(crate) fn reqwest(inner: reqwest::Error) -> HttpError {
        HttpError {
            repr: Repr::Reqwest(inner),
        }
    }

    /// A failure on uscall's own connections, caused by `source` when there is one.
    pub(crate) fn own(kind: Kind, source: Option<Box<dyn StdError + Send + Sync>>) -> HttpError {
        HttpError {
            repr: Repr::Own { kind, source },
        }
    }

    /// Whether it failed while connecting: the request never left.
    pub fn is_connect(&self) -> bool {
        match &self.repr {
            Repr::Own { kind, .. } => matches!(kind, Kind::Connect | Kind::ConnectTimeout),
            Repr::Reqwest(e) => e.is_connect(),
        }
    }

    /// Whether the time ran out.
    pub fn is_timeout(&self) -> bool {
        match &self.repr {
            Repr::Own { kind, .. } => matches!(kind, Kind::Timeout | Kind::ConnectTimeout),
            Repr::Reqwest(e) => e.is_timeout(),
        }
    }

    /// Whether the request could not even be built (it never left).
    pub(crate) fn is_builder(&self) -> bool {
        match &self.repr {
            Repr::Own { kind, .. } => *kind == Kind::Build,
            Repr::Reqwest(e) => e.is_builder(),
        }
    }

    /// The parser's complaint when what failed is the server's HTTP head (a bad status line or
    /// header), not the connection.
    pub(crate) fn malformed_head(&self) -> Option<&hyper::Error> {
        let mut next: Option<&(dyn StdError + 'static)> = self.source();
        while let Some(e) = next {
            if let Some(hyper) = e.downcast_ref::<hyper::Error>() {
                return hyper.is_parse().then_some(hyper);
            }
            next = e.source();
        }
        None
    }
}

impl fmt::Debug for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Own { kind, source } => f
                .debug_struct("HttpError")
                .field("kind", kind)
                .field("source", source)
                .finish(),
            Repr::Reqwest(e) => fmt::Debug::fmt(e, f),
        }
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Own { kind, .. } => f.write_str(match kind {
                Kind::Connect => "error connecting to the server",
                Kind::ConnectTimeout => "the connect timeout ran out before a connection was made",
                Kind::Timeout => "the time limit ran out",
                Kind::Build => "the request could not be made",
                Kind::Send => "error sending the request or reading the answer's head",
                Kind::Body => "error reading the answer's body",
            }),
            Repr::Reqwest(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl StdError for HttpError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.repr {
            Repr::Own { source, .. } => source.as_deref().map(|e| e as &(dyn StdError + 'static)),
            Repr::Reqwest(e) => e.source(),
        }
    }
}
