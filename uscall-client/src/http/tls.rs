//! TLS options: extra root CAs, certificate pinning by SHA-256, and (only when asked) no checks.
//!
//! The verification itself lives in `uscall-tls`, shared with `cargo xtask regen --url`; this
//! module turns the builder's options into its rustls configuration and a refused certificate
//! into [`Error::Tls`].

use crate::error::{Error, HttpError, Result};
use std::fmt;
use tokio_rustls::rustls;
use url::Url;
use uscall_tls::Fingerprint;

/// What the client trusts. When pins are given they alone decide (CA certificates are then
/// ignored); pins and `insecure` together are refused.
#[derive(Default, Clone)]
pub(crate) struct Tls {
    /// Extra root CAs, PEM.
    pub(crate) ca_pems: Vec<Vec<u8>>,
    /// SHA-256 fingerprints of accepted server certificates (DER).
    pub(crate) pins: Vec<[u8; 32]>,
    /// Verification off.
    pub(crate) insecure: bool,
}

impl fmt::Debug for Tls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tls")
            .field("ca_pems", &self.ca_pems.len())
            .field("pins", &self.pins.len())
            .field("insecure", &self.insecure)
            .finish()
    }
}

impl Tls {
    /// The same options as `uscall-tls` takes them.
    pub(crate) fn trust(&self) -> uscall_tls::Trust {
        uscall_tls::Trust {
            ca_pems: self.ca_pems.clone(),
            pins: self.pins.iter().copied().map(Fingerprint::from).collect(),
            insecure: self.insecure,
        }
    }
}

/// Parses a SHA-256 fingerprint: 64 hex digits, with or without `:` separators.
pub(crate) fn parse_fingerprint(text: &str) -> Result<[u8; 32]> {
    text.parse::<Fingerprint>()
        .map(|f| *f.as_bytes())
        .map_err(|e| Error::Config(e.to_string()))
}

/// The rustls configuration for the options: always one of our own (uscall-tls), so that a
/// refused certificate can name its fingerprint. Warns loudly when verification is off.
pub(crate) fn config(tls: &Tls, endpoint: &Url) -> Result<rustls::ClientConfig> {
    let config =
        uscall_tls::client_config(&tls.trust()).map_err(|e| Error::Config(e.to_string()))?;
    warn_if_insecure(tls, endpoint);
    Ok(config)
}

/// The options checked as [`config`] checks them, for a client that makes no TLS connection
/// (its configuration would load the platform's root certificates for nothing).
pub(crate) fn check(tls: &Tls, endpoint: &Url) -> Result<()> {
    uscall_tls::check(&tls.trust()).map_err(|e| Error::Config(e.to_string()))?;
    warn_if_insecure(tls, endpoint);
    Ok(())
}

fn warn_if_insecure(tls: &Tls, endpoint: &Url) {
    if tls.insecure {
        tracing::warn!(
            endpoint = %endpoint,
            "TLS certificate verification is OFF: the token and all traffic can be read and changed by anyone on the path"
        );
    }
}

/// The [`Error::Tls`] for a request that failed in the TLS handshake, if that is what happened.
/// Only failures while connecting count: the request had not left, so nothing was done.
pub(crate) fn failure(
    operation: &'static str,
    endpoint: &str,
    source: &HttpError,
) -> Option<Error> {
    if !source.is_connect() {
        return None;
    }
    let (message, fingerprint) = match uscall_tls::rejection(source) {
        Some(rejected) => (rejected.to_string(), Some(rejected.fingerprint.to_string())),
        None => (
            format!("handshake failed: {}", uscall_tls::tls_error(source)?),
            None,
        ),
    };
    Some(Error::Tls {
        operation,
        endpoint: endpoint.to_owned(),
        message,
        fingerprint,
    })
}
