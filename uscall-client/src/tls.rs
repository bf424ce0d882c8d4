//! TLS options: extra root CAs, certificate pinning by SHA-256, and (only when asked) no checks.

use crate::error::{Error, Result};
use std::fmt;
use url::Url;

/// What the client trusts.
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

/// Parses a SHA-256 fingerprint: 64 hex digits, with or without `:` separators.
pub(crate) fn parse_fingerprint(text: &str) -> Result<[u8; 32]> {
    let hex: String = text
        .chars()
        .filter(|c| *c != ':' && !c.is_whitespace())
        .collect();
    let bad = || {
        Error::Config(format!(
            "bad SHA-256 fingerprint {text:?}: expected 64 hex digits"
        ))
    };
    if hex.len() != 64 {
        return Err(bad());
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
    }
    Ok(out)
}

/// Applies the TLS options to a reqwest builder.
pub(crate) fn apply(
    mut http: reqwest::ClientBuilder,
    tls: &Tls,
    endpoint: &Url,
) -> Result<reqwest::ClientBuilder> {
    for pem in &tls.ca_pems {
        let certs = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| Error::Config(format!("bad CA certificate: {e}")))?;
        if certs.is_empty() {
            return Err(Error::Config(
                "bad CA certificate: no PEM certificate found".into(),
            ));
        }
        for cert in certs {
            http = http.add_root_certificate(cert);
        }
    }
    if !tls.pins.is_empty() {
        return Err(Error::Config(
            "certificate pinning is not implemented yet".into(),
        ));
    }
    if tls.insecure {
        tracing::warn!(
            endpoint = %endpoint,
            "TLS certificate verification is OFF: the token and all traffic can be read and changed by anyone on the path"
        );
        http = http.tls_danger_accept_invalid_certs(true);
    }
    Ok(http)
}
