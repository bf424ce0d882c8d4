//! The probe's verifier (the `probe` feature): the trust's own verifier, its decisions recorded
//! instead of acted on, so that a refused certificate is still seen and reported.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// The trust's verifier, with its first refusal (of the certificate or of a handshake
/// signature) recorded instead of returned, and the chain the server presented.
#[derive(Debug)]
pub(crate) struct Recording {
    pub(crate) inner: Arc<dyn ServerCertVerifier>,
    pub(crate) seen: Mutex<Seen>,
}

/// What a [`Recording`] saw: the presented chain, the server's own certificate first, and the
/// first refusal.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    pub(crate) chain: Vec<CertificateDer<'static>>,
    pub(crate) refusal: Option<rustls::Error>,
}

impl Recording {
    pub(crate) fn seen(&self) -> MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn note<T>(&self, result: Result<T, rustls::Error>) {
        if let Err(error) = result {
            self.seen().refusal.get_or_insert(error);
        }
    }
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.seen().chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|cert| cert.clone().into_owned())
            .collect();
        self.note(self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ));
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.note(self.inner.verify_tls12_signature(message, cert, dss));
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.note(self.inner.verify_tls13_signature(message, cert, dss));
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }

    fn requires_raw_public_keys(&self) -> bool {
        self.inner.requires_raw_public_keys()
    }

    fn root_hint_subjects(&self) -> Option<&[DistinguishedName]> {
        self.inner.root_hint_subjects()
    }
}
