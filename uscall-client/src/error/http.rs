//! The HTTP stack's error, kept opaque behind [`HttpError`] so that upgrading it is not a
//! breaking change of this crate's API.

use std::fmt;

/// What the HTTP client reported for a request that could not be sent or answered: its message
/// and its causes ([`std::error::Error::source`]), and whether it failed to connect or timed out.
pub struct HttpError {
    inner: reqwest::Error,
}

impl HttpError {
    pub(crate) fn new(inner: reqwest::Error) -> HttpError {
        HttpError { inner }
    }

    /// Whether it failed while connecting: the request never left.
    pub fn is_connect(&self) -> bool {
        self.inner.is_connect()
    }

    /// Whether the time ran out.
    pub fn is_timeout(&self) -> bool {
        self.inner.is_timeout()
    }

    /// Whether the request could not even be built (it never left).
    pub(crate) fn is_builder(&self) -> bool {
        self.inner.is_builder()
    }
}

impl fmt::Debug for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl std::error::Error for HttpError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner.source()
    }
}
