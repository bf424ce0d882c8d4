//! HTTP: posting an envelope and reading the answer's body within its limits (transport), the
//! TLS trust it uses, and which calls are retried.

pub(crate) mod retry;
pub(crate) mod rows;
pub(crate) mod tls;
pub(crate) mod transport;
