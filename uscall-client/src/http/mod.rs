//! HTTP: what carries the requests (uscall's own connections or reqwest), posting an envelope
//! and reading the answer's body within its limits (transport), the TLS trust it uses, and
//! which calls are retried.

pub(crate) mod body;
pub(crate) mod exchange;
mod gzip;
pub(crate) mod own;
pub(crate) mod retry;
pub(crate) mod rows;
pub(crate) mod tls;
pub(crate) mod transport;
