//! The certificate verifiers behind a [`Trust`]: the system's (with the given CAs and, used as
//! the server's own, the given self-signed certificates), pins, and none at all (the probe's
//! recording one is in `recording.rs`).

use super::{Fingerprint, Reason, rejected};
use crate::x509::Certificate;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::verify_server_name;
use rustls::crypto::{
    CryptoProvider, WebPkiSupportedAlgorithms, verify_tls12_signature, verify_tls13_signature,
};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};
use std::sync::Arc;
use std::time::Duration;

/// The system's verifier with the given CAs as extra roots, and the given self-signed
/// certificates accepted as the server's own certificate (see [`own_certificate`]). A refusal
/// becomes a [`Rejected`](crate::Rejected) that knows the certificate's fingerprint, so the
/// error can say what to pin.
#[derive(Debug)]
pub(crate) struct Fingerprinted {
    inner: Arc<dyn ServerCertVerifier>,
    /// The self-signed certificates among the given CA certificates, as DER.
    own: Vec<CertificateDer<'static>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl Fingerprinted {
    /// The system's verifier `inner` (which trusts `roots` besides the system's), and those
    /// of `roots` that are self-signed as possible server certificates.
    pub(crate) fn new(
        inner: Arc<dyn ServerCertVerifier>,
        roots: &[CertificateDer<'static>],
        provider: &CryptoProvider,
    ) -> Fingerprinted {
        let algorithms = provider.signature_verification_algorithms;
        let own = roots
            .iter()
            .filter(|der| is_self_signed(der, &algorithms))
            .cloned()
            .collect();
        Fingerprinted {
            inner,
            own,
            algorithms,
        }
    }
}

pub(crate) fn is_self_signed(der: &[u8], algorithms: &WebPkiSupportedAlgorithms) -> bool {
    Certificate::parse(der).is_some_and(|cert| cert.is_self_signed(algorithms))
}

impl ServerCertVerifier for Fingerprinted {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let error = match self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Ok(verified) => return Ok(verified),
            Err(error @ rustls::Error::InvalidCertificate(_)) => error,
            Err(other) => return Err(other),
        };
        // Byte for byte: a certificate that merely has the same names or key is not the one
        // the user trusted.
        let result = if self
            .own
            .iter()
            .any(|own| own.as_ref() == end_entity.as_ref())
        {
            own_certificate(end_entity, server_name, now)
        } else if matches!(
            error,
            rustls::Error::InvalidCertificate(CertificateError::Other(_))
        ) && is_self_signed(end_entity, &self.algorithms)
        {
            // webpki refuses a CA:TRUE certificate as a server's before it looks for an issuer,
            // in words of its own (CaUsedAsEndEntity). For a self-signed one, which is what
            // `openssl req -x509` makes, what matters to the user is that nobody trusted it.
            Err(CertificateError::UnknownIssuer.into())
        } else {
            Err(error)
        };
        result.map_err(|error| rejected(Fingerprint::of(end_entity), Reason::Untrusted(error)))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }

    fn requires_raw_public_keys(&self) -> bool {
        self.inner.requires_raw_public_keys()
    }
}

/// Checks a trusted self-signed certificate that the server presents as its own, as OpenSSL
/// (and so `curl --cacert`) does for a trust anchor that is the server's certificate: its
/// names, dates and extended key usage. webpki refuses it, without getting to its names, when
/// it is marked CA:TRUE, as `openssl req -x509` marks the certificates it makes, since a CA
/// certificate is not meant to identify a server. Only self-signed certificates get here (see
/// [`Fingerprinted::new`]), and their issuer needs no other check: the user trusted these very
/// bytes. That the server holds the certificate's key is proved by the handshake signature,
/// checked against it as for any certificate.
fn own_certificate(
    end_entity: &CertificateDer<'_>,
    server_name: &ServerName<'_>,
    now: UnixTime,
) -> Result<ServerCertVerified, rustls::Error> {
    // Already read when the configuration was made, so this does not fail in practice.
    let cert = Certificate::parse(end_entity).ok_or(CertificateError::BadEncoding)?;
    let time = |seconds: i64| {
        UnixTime::since_unix_epoch(Duration::from_secs(u64::try_from(seconds).unwrap_or(0)))
    };
    let seconds = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    if cert.not_before > cert.not_after {
        return Err(CertificateError::Expired.into());
    }
    if seconds < cert.not_before {
        return Err(CertificateError::NotValidYetContext {
            time: now,
            not_before: time(cert.not_before),
        }
        .into());
    }
    if seconds > cert.not_after {
        return Err(CertificateError::ExpiredContext {
            time: now,
            not_after: time(cert.not_after),
        }
        .into());
    }
    if !cert.allows_server_auth() {
        return Err(CertificateError::InvalidPurpose.into());
    }
    verify_server_name(&ParsedCertificate::try_from(end_entity)?, server_name)?;
    Ok(ServerCertVerified::assertion())
}

/// Accepts exactly the pinned certificates; the handshake signatures are checked with the
/// provider's algorithms against the presented (pinned) certificate's key.
#[derive(Debug)]
pub(crate) struct Pinned {
    pub(crate) pins: Vec<Fingerprint>,
    pub(crate) provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let fingerprint = Fingerprint::of(end_entity);
        if self.pins.contains(&fingerprint) {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rejected(fingerprint, Reason::NotPinned(self.pins.clone())))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Accepts any certificate and any handshake signature: what "verification off" means (an
/// old PBX's 1024-bit RSA key would fail a signature check, and the point of this mode is to
/// get through). Only reached through [`Trust::insecure`].
#[derive(Debug)]
pub(crate) struct AcceptAny {
    pub(crate) provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
