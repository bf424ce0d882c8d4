//! TLS trust for uscall and its xtask: extra root CAs, SHA-256 certificate pinning and, only
//! when asked, no verification at all, as one rustls [`ClientConfig`] handed to reqwest.
//!
//! PBXs usually serve a self-signed certificate. Rather than turning verification off, a user
//! can trust the PBX's CA ([`Trust::ca_pems`]) or pin the one certificate the PBX presents
//! ([`Trust::pins`]). What a [`Trust`] accepts:
//!
//! - **Default**: a chain to one of the system's roots, valid for the host name and today.
//! - **CA certificates**: the same, with the given CAs trusted as roots besides the system's.
//!   A given certificate that is self-signed is also accepted when the server presents that
//!   very certificate (the same DER, byte for byte), as `curl --cacert` accepts it: so the
//!   PBX's own certificate works as `--ca-cert` even when it is marked CA:TRUE, as
//!   `openssl req -x509` marks it (webpki on its own refuses a CA as a server certificate).
//!   It must still be valid for the host name and today and, if it lists extended key
//!   usages, for serverAuth, and the handshake must be signed with its key. A certificate
//!   that is not self-signed is trusted only as an issuer, never as the server's own.
//! - **Pins** (they win over CA certificates, which are then ignored): exactly the certificates
//!   whose DER has one of the SHA-256 fingerprints, whoever signed them, whatever names and
//!   dates they carry. The handshake signatures are still verified against the pinned
//!   certificate's key, so only its private key's holder gets through.
//! - **Insecure**: anything. It cannot be combined with pins (a pin already accepts a
//!   self-signed certificate, so asking for both is a mistake [`client_config`] reports).
//!
//! A refused certificate comes back as a [`Rejected`] inside the rustls error; its message
//! carries the certificate's fingerprint and how to trust it, and [`rejection`] finds it in
//! the error chain a reqwest error ends up with.
//!
//! With the `probe` feature, [`probe()`] connects to a server and reports the certificate it presents (names, dates,
//! fingerprint) and whether a [`Trust`] accepts it, in the words a refused connection uses.

#![deny(missing_docs)]

use rustls::client::danger::ServerCertVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{CertificateError, ClientConfig, OtherError};
use sha2::{Digest, Sha256};
use std::error::Error as StdError;
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use verifiers::{AcceptAny, Fingerprinted, Pinned};

#[cfg(feature = "probe")]
pub use probe::{CertificateSummary, Probe, ProbeError, Stage, probe};
pub use rustls;

#[cfg(feature = "probe")]
mod probe;
#[cfg(feature = "probe")]
mod recording;
mod verifiers;
mod x509;

/// The SHA-256 digest of a certificate's DER, the way `openssl x509 -fingerprint -sha256`
/// computes it. Displays as `AB:CD:...` (32 colon-separated upper-case hex pairs); parses from
/// 64 hex digits with or without colons or spaces.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of a DER-encoded certificate.
    pub fn of(der: &[u8]) -> Fingerprint {
        Fingerprint(Sha256::digest(der).into())
    }

    /// The digest's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl From<[u8; 32]> for Fingerprint {
    fn from(bytes: [u8; 32]) -> Fingerprint {
        Fingerprint(bytes)
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, byte) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(":")?;
            }
            write!(f, "{byte:02X}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Fingerprint({self})")
    }
}

impl FromStr for Fingerprint {
    type Err = ConfigError;

    fn from_str(text: &str) -> Result<Fingerprint, ConfigError> {
        let digits: Vec<u8> = text
            .bytes()
            .filter(|b| *b != b':' && !b.is_ascii_whitespace())
            .collect();
        let bad = || {
            ConfigError(format!(
                "bad SHA-256 fingerprint {text:?}: expected 64 hex digits, with or without colons"
            ))
        };
        if digits.len() != 64 {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (byte, pair) in out.iter_mut().zip(digits.chunks(2)) {
            let pair = std::str::from_utf8(pair).map_err(|_| bad())?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| bad())?;
        }
        Ok(Fingerprint(out))
    }
}

/// What a client trusts; see the crate docs for what each combination accepts.
#[derive(Clone, Default)]
pub struct Trust {
    /// Extra root CA certificates, each a PEM text holding one or more certificates. A
    /// self-signed one is also accepted as the server's own certificate (see the crate docs).
    pub ca_pems: Vec<Vec<u8>>,
    /// Fingerprints of the accepted server certificates; when not empty, only these are
    /// accepted and `ca_pems` is ignored.
    pub pins: Vec<Fingerprint>,
    /// Accept any certificate. Dangerous; the caller warns.
    pub insecure: bool,
}

impl fmt::Debug for Trust {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trust")
            .field("ca_pems", &self.ca_pems.len())
            .field("pins", &self.pins)
            .field("insecure", &self.insecure)
            .finish()
    }
}

/// A [`Trust`] that cannot be turned into a TLS configuration (unreadable CA, contradictory
/// options, no system roots).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl StdError for ConfigError {}

/// The crypto provider uscall's TLS uses: the process's default if one is installed, else the
/// one this crate was built with (the `ring` feature, or `aws-lc-rs`; aws-lc-rs when both are).
pub fn default_provider() -> Arc<CryptoProvider> {
    if let Some(installed) = CryptoProvider::get_default() {
        return installed.clone();
    }
    #[cfg(feature = "aws-lc-rs")]
    return Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    #[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
    return Arc::new(rustls::crypto::ring::default_provider());
}

#[cfg(not(any(feature = "ring", feature = "aws-lc-rs")))]
compile_error!("uscall-tls needs a crypto provider: enable its `ring` or `aws-lc-rs` feature");

/// The rustls configuration for `trust`, for `reqwest::ClientBuilder::tls_backend_preconfigured`
/// (HTTP/1.1 only, like the rest of uscall), with [`default_provider`].
pub fn client_config(trust: &Trust) -> Result<ClientConfig, ConfigError> {
    let provider = default_provider();
    let verifier = verifier(trust, &provider)?;
    config_with(provider, verifier)
}

/// Checks `trust` as [`client_config`] would refuse it (pins beside `insecure`, a CA file that
/// holds no certificate), without loading the platform's roots: for a client that makes no TLS
/// connection (an `http` endpoint) and must still refuse options that could not be taken.
pub fn check(trust: &Trust) -> Result<(), ConfigError> {
    if trust.insecure && !trust.pins.is_empty() {
        return Err(contradiction());
    }
    extra_roots(&trust.ca_pems).map(drop)
}

fn contradiction() -> ConfigError {
    ConfigError(
        "certificate pins and switching verification off contradict each other: a pin already \
         accepts the pinned self-signed certificate, so drop the insecure option"
            .into(),
    )
}

/// The verifier [`client_config`] installs for `trust`.
fn verifier(
    trust: &Trust,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<dyn ServerCertVerifier>, ConfigError> {
    Ok(match (trust.insecure, trust.pins.is_empty()) {
        (true, false) => return Err(contradiction()),
        (true, true) => Arc::new(AcceptAny {
            provider: provider.clone(),
        }),
        (false, false) => Arc::new(Pinned {
            pins: trust.pins.clone(),
            provider: provider.clone(),
        }),
        (false, true) => {
            let roots = extra_roots(&trust.ca_pems)?;
            let platform = if roots.is_empty() {
                rustls_platform_verifier::Verifier::new(provider.clone())
            } else {
                rustls_platform_verifier::Verifier::new_with_extra_roots(
                    roots.clone(),
                    provider.clone(),
                )
            }
            .map_err(|e| ConfigError(format!("cannot load the trusted root certificates: {e}")))?;
            Arc::new(Fingerprinted::new(Arc::new(platform), &roots, provider))
        }
    })
}

/// The configuration [`client_config`] makes, around any verifier.
fn config_with(
    provider: Arc<CryptoProvider>,
    verifier: Arc<dyn ServerCertVerifier>,
) -> Result<ClientConfig, ConfigError> {
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ConfigError(format!("TLS setup: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

fn extra_roots(pems: &[Vec<u8>]) -> Result<Vec<CertificateDer<'static>>, ConfigError> {
    let mut roots = Vec::new();
    for pem in pems {
        let before = roots.len();
        for cert in CertificateDer::pem_slice_iter(pem) {
            roots.push(cert.map_err(|e| ConfigError(format!("bad CA certificate: {e}")))?);
        }
        if roots.len() == before {
            return Err(ConfigError(
                "bad CA certificate: no PEM certificate (-----BEGIN CERTIFICATE-----) found".into(),
            ));
        }
    }
    Ok(roots)
}

/// A server certificate refused by a uscall verifier, carried inside
/// `rustls::Error::InvalidCertificate(CertificateError::Other(..))`.
#[derive(Debug)]
pub struct Rejected {
    /// The fingerprint of the certificate the server presented.
    pub fingerprint: Fingerprint,
    /// Why it was refused.
    pub reason: Reason,
}

/// Why a certificate was refused.
#[derive(Debug)]
#[non_exhaustive]
pub enum Reason {
    /// The default checks (chain to a trusted root, name, dates) failed; holds what failed.
    Untrusted(rustls::Error),
    /// Pins were given and the certificate matches none of them.
    NotPinned(Vec<Fingerprint>),
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fingerprint = self.fingerprint;
        match &self.reason {
            Reason::Untrusted(error) => write!(
                f,
                "the server's certificate is not trusted ({}); to trust it, pass the PBX's CA \
                 certificate with --ca-cert FILE, or pin this certificate with --pin-sha256 \
                 {fingerprint} after checking on the PBX that it is its own \
                 (`openssl x509 -noout -fingerprint -sha256 -in CERT`)",
                untrusted_reason(error)
            ),
            Reason::NotPinned(pins) => {
                write!(
                    f,
                    "the server's certificate has SHA-256 fingerprint {fingerprint}, which \
                     does not match the pinned "
                )?;
                match pins.as_slice() {
                    [pin] => write!(f, "{pin}"),
                    pins => {
                        let list: Vec<String> = pins.iter().map(Fingerprint::to_string).collect();
                        write!(f, "fingerprints {}", list.join(", "))
                    }
                }
            }
        }
    }
}

impl StdError for Rejected {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match &self.reason {
            Reason::Untrusted(error) => Some(error),
            Reason::NotPinned(_) => None,
        }
    }
}

/// The default checks' failure in words; rustls's own names (`UnknownIssuer`) mean little to
/// someone who only wants to reach their PBX.
fn untrusted_reason(error: &rustls::Error) -> String {
    match error {
        rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer) => {
            "it is self-signed or signed by an unknown CA".into()
        }
        rustls::Error::InvalidCertificate(
            CertificateError::Expired | CertificateError::ExpiredContext { .. },
        ) => "it has expired".into(),
        rustls::Error::InvalidCertificate(
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. },
        ) => "it is not valid yet".into(),
        rustls::Error::InvalidCertificate(CertificateError::NotValidForNameContext {
            expected,
            presented,
        }) => format!(
            "it is not valid for {expected:?} but for {}",
            presented.join(", ")
        ),
        rustls::Error::InvalidCertificate(CertificateError::NotValidForName) => {
            "it is not valid for this host name".into()
        }
        rustls::Error::InvalidCertificate(
            CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. },
        ) => "it is not meant for a server: its extended key usage lacks serverAuth".into(),
        other => other.to_string(),
    }
}

fn rejected(fingerprint: Fingerprint, reason: Reason) -> rustls::Error {
    rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(Arc::new(Rejected {
        fingerprint,
        reason,
    }))))
}

/// Finds the [`Rejected`] certificate in an error chain (a reqwest error wraps hyper's, which
/// wraps an `io::Error`, which wraps the rustls error that holds it).
pub fn rejection<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a Rejected> {
    match tls_error(error)? {
        rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(inner))) => {
            inner.downcast_ref::<Rejected>()
        }
        _ => None,
    }
}

/// Finds the rustls error (a failed handshake) in an error chain; see [`rejection`].
pub fn tls_error<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a rustls::Error> {
    let mut next = Some(error);
    while let Some(error) = next {
        if let Some(tls) = error.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        // `io::Error::source` skips the error it wraps, so look inside by hand.
        if let Some(inner) = error
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
                return Some(tls);
            }
            if let Some(tls) = tls_error(inner) {
                return Some(tls);
            }
        }
        next = error.source();
    }
    None
}

#[cfg(all(test, feature = "probe"))]
mod probe_tests;
#[cfg(test)]
mod tests;
