//! Unit tests: fingerprints, configuration errors, and in-memory handshakes against
//! certificates made here, for each kind of trust.

use super::*;
use rcgen::{
    BasicConstraints, CertificateParams, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    SignatureAlgorithm, date_time_ymd,
};
use rustls::pki_types::{PrivateKeyDer, ServerName};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use rustls::{ClientConnection, ServerConfig, ServerConnection};

/// A certificate with its key, as DER.
pub(crate) struct Made {
    pub(crate) der: CertificateDer<'static>,
    pub(crate) key: KeyPair,
    pub(crate) pem: String,
}

fn self_signed(names: &[&str]) -> Made {
    let key = KeyPair::generate().unwrap();
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let cert = CertificateParams::new(names)
        .unwrap()
        .self_signed(&key)
        .unwrap();
    Made {
        der: cert.der().clone(),
        pem: cert.pem(),
        key,
    }
}

/// A self-signed certificate for `names` marked CA:TRUE, as `openssl req -x509` makes them,
/// with a key for `algorithm` and `edit` applied to its parameters.
fn self_signed_ca(
    names: &[&str],
    algorithm: &'static SignatureAlgorithm,
    edit: impl FnOnce(&mut CertificateParams),
) -> Made {
    // ring signs with RSA keys but does not make them: an RSA key made once with
    // `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`, for tests only.
    let key = if std::ptr::eq(algorithm, &rcgen::PKCS_RSA_SHA256) {
        KeyPair::from_pem_and_sign_algo(include_str!("testdata/rsa-2048.pem"), algorithm).unwrap()
    } else {
        KeyPair::generate_for(algorithm).unwrap()
    };
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut params = CertificateParams::new(names).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    edit(&mut params);
    let cert = params.self_signed(&key).unwrap();
    Made {
        der: cert.der().clone(),
        pem: cert.pem(),
        key,
    }
}

fn trusting(cert: &Made) -> Trust {
    Trust {
        ca_pems: vec![cert.pem.clone().into_bytes()],
        ..Trust::default()
    }
}

/// A CA and a leaf it signed for `names`.
fn ca_and_leaf(names: &[&str]) -> (Made, Made) {
    let ca_key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = params.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let leaf = CertificateParams::new(names)
        .unwrap()
        .signed_by(&key, &Issuer::from_params(&params, &ca_key))
        .unwrap();
    let ca = Made {
        der: ca_cert.der().clone(),
        pem: ca_cert.pem(),
        key: ca_key,
    };
    let leaf = Made {
        der: leaf.der().clone(),
        pem: leaf.pem(),
        key,
    };
    (ca, leaf)
}

fn server_config(cert: &Made) -> ServerConfig {
    ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der.clone()],
            PrivateKeyDer::try_from(cert.key.serialize_der()).unwrap(),
        )
        .unwrap()
}

/// Runs a handshake in memory between a client trusting `trust` and `server`, for `host`.
fn handshake(trust: &Trust, server: ServerConfig, host: &str) -> Result<(), rustls::Error> {
    let config = client_config(trust).expect("client config");
    let name = ServerName::try_from(host.to_owned()).unwrap();
    let mut client = ClientConnection::new(Arc::new(config), name)?;
    let mut server = ServerConnection::new(Arc::new(server))?;
    for _ in 0..20 {
        if !client.is_handshaking() && !server.is_handshaking() {
            return Ok(());
        }
        let mut buf = Vec::new();
        client.write_tls(&mut buf).unwrap();
        server.read_tls(&mut buf.as_slice()).unwrap();
        let server_state = server.process_new_packets();
        let mut buf = Vec::new();
        server.write_tls(&mut buf).unwrap();
        client.read_tls(&mut buf.as_slice()).unwrap();
        // The client's error first: it is the one that says why it refused the server.
        client.process_new_packets()?;
        server_state?;
    }
    panic!("handshake did not finish");
}

fn rejected_by(error: &rustls::Error) -> &Rejected {
    rejection(error).unwrap_or_else(|| panic!("not a Rejected: {error:?}"))
}

#[test]
fn fingerprints_display_and_parse() {
    let fp = Fingerprint::of(b"hello");
    let text = fp.to_string();
    assert_eq!(
        text,
        "2C:F2:4D:BA:5F:B0:A3:0E:26:E8:3B:2A:C5:B9:E2:9E:1B:16:1E:5C:1F:A7:42:5E:73:04:33:62:93:8B:98:24"
    );
    assert_eq!(text.parse::<Fingerprint>().unwrap(), fp);
    let plain = text.replace(':', "").to_lowercase();
    assert_eq!(plain.parse::<Fingerprint>().unwrap(), fp);
    assert_eq!(format!(" {text} ").parse::<Fingerprint>().unwrap(), fp);
    for bad in ["", "2C:F2", &format!("{plain}00"), &plain.replace('2', "g")] {
        let e = bad.parse::<Fingerprint>().unwrap_err();
        assert!(e.to_string().contains("expected 64 hex digits"), "{e}");
    }
    assert_eq!(
        "é".repeat(32)
            .parse::<Fingerprint>()
            .unwrap_err()
            .to_string(),
        format!(
            "bad SHA-256 fingerprint {:?}: expected 64 hex digits, with or without colons",
            "é".repeat(32)
        )
    );
}

#[test]
fn contradictions_and_bad_cas_are_config_errors() {
    let both = Trust {
        pins: vec![Fingerprint::of(b"x")],
        insecure: true,
        ..Trust::default()
    };
    let e = client_config(&both).unwrap_err();
    assert!(e.to_string().contains("contradict"), "{e}");
    let bad_ca = Trust {
        ca_pems: vec![b"not a certificate".to_vec()],
        ..Trust::default()
    };
    let e = client_config(&bad_ca).unwrap_err();
    assert!(e.to_string().starts_with("bad CA certificate"), "{e}");
}

#[test]
fn default_refuses_a_self_signed_certificate_and_says_what_to_pin() {
    let cert = self_signed(&["localhost"]);
    let e = handshake(&Trust::default(), server_config(&cert), "localhost").unwrap_err();
    let rejected = rejected_by(&e);
    assert_eq!(rejected.fingerprint, Fingerprint::of(&cert.der));
    assert!(matches!(rejected.reason, Reason::Untrusted(_)));
    let text = rejected.to_string();
    assert!(
        text.contains("self-signed or signed by an unknown CA"),
        "{text}"
    );
    assert!(text.contains("--ca-cert FILE"), "{text}");
    assert!(
        text.contains(&format!("--pin-sha256 {}", rejected.fingerprint)),
        "{text}"
    );
}

#[test]
fn a_ca_is_trusted_for_the_names_it_signed() {
    let (ca, leaf) = ca_and_leaf(&["localhost", "127.0.0.1"]);
    let trust = Trust {
        ca_pems: vec![ca.pem.clone().into_bytes()],
        ..Trust::default()
    };
    let server = || {
        ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(
                vec![leaf.der.clone(), ca.der.clone()],
                PrivateKeyDer::try_from(leaf.key.serialize_der()).unwrap(),
            )
            .unwrap()
    };
    handshake(&trust, server(), "localhost").unwrap();
    handshake(&trust, server(), "127.0.0.1").unwrap();
    let e = handshake(&trust, server(), "pbx.example.com").unwrap_err();
    let text = rejected_by(&e).to_string();
    assert!(text.contains("not valid for"), "{text}");
    assert!(matches!(rejected_by(&e).reason, Reason::Untrusted(_)));
    // The leaf itself is not a CA: trusting it as one does not make it acceptable.
    let leaf_as_ca = Trust {
        ca_pems: vec![leaf.pem.clone().into_bytes()],
        ..Trust::default()
    };
    assert!(handshake(&leaf_as_ca, server_config(&leaf), "localhost").is_err());
}

#[test]
fn a_pin_accepts_its_certificate_whatever_the_name_and_nothing_else() {
    let cert = self_signed(&["pbx.invalid"]);
    let other = self_signed(&["pbx.invalid"]);
    let pinned = Trust {
        pins: vec![Fingerprint::of(&other.der), Fingerprint::of(&cert.der)],
        ..Trust::default()
    };
    handshake(&pinned, server_config(&cert), "127.0.0.1").unwrap();
    handshake(&pinned, server_config(&cert), "localhost").unwrap();

    let wrong = Trust {
        pins: vec![Fingerprint::of(&other.der)],
        ..Trust::default()
    };
    let e = handshake(&wrong, server_config(&cert), "127.0.0.1").unwrap_err();
    let rejected = rejected_by(&e);
    assert_eq!(rejected.fingerprint, Fingerprint::of(&cert.der));
    assert_eq!(
        rejected.to_string(),
        format!(
            "the server's certificate has SHA-256 fingerprint {}, which does not match the \
             pinned {}",
            Fingerprint::of(&cert.der),
            Fingerprint::of(&other.der)
        )
    );
}

#[test]
fn pins_win_over_cas() {
    let (ca, leaf) = ca_and_leaf(&["localhost"]);
    let trust = Trust {
        ca_pems: vec![ca.pem.clone().into_bytes()],
        pins: vec![Fingerprint::of(b"some other certificate")],
        ..Trust::default()
    };
    let e = handshake(&trust, server_config(&leaf), "localhost").unwrap_err();
    assert!(matches!(rejected_by(&e).reason, Reason::NotPinned(_)));
}

/// Presents `cert` but signs the handshake with another key.
#[derive(Debug)]
struct Impostor(Arc<CertifiedKey>);

impl ResolvesServerCert for Impostor {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.0.clone())
    }
}

/// A server presenting `cert` without its key: it signs the handshake with another one.
pub(crate) fn impostor(cert: &Made) -> ServerConfig {
    let thief = KeyPair::generate().unwrap();
    let provider = crate::default_provider();
    let key = provider
        .key_provider
        .load_private_key(PrivateKeyDer::try_from(thief.serialize_der()).unwrap())
        .unwrap();
    ServerConfig::builder()
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(Impostor(Arc::new(CertifiedKey::new(
            vec![cert.der.clone()],
            key,
        )))))
}

#[test]
fn a_pinned_certificate_without_its_key_is_refused() {
    let cert = self_signed(&["localhost"]);
    let pinned = Trust {
        pins: vec![Fingerprint::of(&cert.der)],
        ..Trust::default()
    };
    let e = handshake(&pinned, impostor(&cert), "localhost").unwrap_err();
    assert!(rejection(&e).is_none(), "{e:?}");
    assert!(
        matches!(
            e,
            rustls::Error::InvalidCertificate(CertificateError::BadSignature)
        ),
        "{e:?}"
    );
}

#[test]
fn the_server_s_own_self_signed_ca_true_certificate_is_accepted_as_ca_cert() {
    for algorithm in [
        &rcgen::PKCS_ECDSA_P256_SHA256,
        &rcgen::PKCS_ECDSA_P384_SHA384,
        &rcgen::PKCS_ED25519,
        &rcgen::PKCS_RSA_SHA256,
    ] {
        let cert = self_signed_ca(&["localhost", "127.0.0.1"], algorithm, |_| {});
        let trust = trusting(&cert);
        for host in ["localhost", "127.0.0.1"] {
            if let Err(e) = handshake(&trust, server_config(&cert), host) {
                panic!("{algorithm:?} for {host}: {e}");
            }
        }
        // Not trusted, it is refused as before, for the reason that matters to the user.
        let e = handshake(&Trust::default(), server_config(&cert), "localhost").unwrap_err();
        let text = rejected_by(&e).to_string();
        assert!(
            text.contains("not trusted (it is self-signed or signed by an unknown CA)"),
            "{text}"
        );
    }
}

#[test]
fn the_server_s_own_certificate_must_still_match_the_name() {
    let cert = self_signed_ca(
        &["localhost", "127.0.0.1"],
        &rcgen::PKCS_ECDSA_P256_SHA256,
        |_| {},
    );
    let e = handshake(&trusting(&cert), server_config(&cert), "pbx.example.com").unwrap_err();
    let rejected = rejected_by(&e);
    assert_eq!(rejected.fingerprint, Fingerprint::of(&cert.der));
    let text = rejected.to_string();
    assert!(text.contains("it is not valid for"), "{text}");
    assert!(text.contains("pbx.example.com"), "{text}");
}

#[test]
fn another_self_signed_ca_than_the_given_one_is_refused() {
    let names = ["localhost", "127.0.0.1"];
    let given = self_signed_ca(&names, &rcgen::PKCS_ECDSA_P256_SHA256, |_| {});
    // Same names, same distinguished name: only the bytes (and the key) differ.
    let presented = self_signed_ca(&names, &rcgen::PKCS_ECDSA_P256_SHA256, |_| {});
    let e = handshake(&trusting(&given), server_config(&presented), "localhost").unwrap_err();
    let rejected = rejected_by(&e);
    assert_eq!(rejected.fingerprint, Fingerprint::of(&presented.der));
    let text = rejected.to_string();
    assert!(
        text.contains("not trusted (it is self-signed or signed by an unknown CA)"),
        "{text}"
    );
}

#[test]
fn the_server_s_own_certificate_must_be_valid_today_and_for_servers() {
    let names = ["localhost"];
    let ecdsa = &rcgen::PKCS_ECDSA_P256_SHA256;
    let expired = self_signed_ca(&names, ecdsa, |p| {
        p.not_before = date_time_ymd(2001, 1, 1);
        p.not_after = date_time_ymd(2020, 12, 31);
    });
    let future = self_signed_ca(&names, ecdsa, |p| {
        p.not_before = date_time_ymd(2090, 1, 1);
        p.not_after = date_time_ymd(2099, 12, 31);
    });
    let for_clients = self_signed_ca(&names, ecdsa, |p| {
        p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    });
    let for_servers = self_signed_ca(&names, ecdsa, |p| {
        p.extended_key_usages = vec![
            ExtendedKeyUsagePurpose::ClientAuth,
            ExtendedKeyUsagePurpose::ServerAuth,
        ];
    });
    for (cert, reason) in [
        (&expired, "it has expired"),
        (&future, "it is not valid yet"),
        (&for_clients, "it is not meant for a server"),
    ] {
        let e = handshake(&trusting(cert), server_config(cert), "localhost").unwrap_err();
        let text = rejected_by(&e).to_string();
        assert!(text.contains(&format!("not trusted ({reason}")), "{text}");
    }
    handshake(
        &trusting(&for_servers),
        server_config(&for_servers),
        "localhost",
    )
    .unwrap();
}

#[test]
fn a_ca_signed_by_another_is_not_accepted_as_the_server_s_own() {
    // An intermediate CA for localhost: given and presented, it is still not self-signed.
    // Its distinguished name is rcgen's default, the same as its issuer's, so only the
    // signature tells them apart.
    let root_key = KeyPair::generate().unwrap();
    let mut root = CertificateParams::new(Vec::<String>::new()).unwrap();
    root.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let cert = params
        .signed_by(&key, &Issuer::from_params(&root, &root_key))
        .unwrap();
    let intermediate = Made {
        der: cert.der().clone(),
        pem: cert.pem(),
        key,
    };
    let e = handshake(
        &trusting(&intermediate),
        server_config(&intermediate),
        "localhost",
    )
    .unwrap_err();
    let rejected = rejected_by(&e);
    assert_eq!(rejected.fingerprint, Fingerprint::of(&intermediate.der));
    assert!(matches!(rejected.reason, Reason::Untrusted(_)));
}

#[test]
fn the_server_s_own_certificate_without_its_key_is_refused() {
    let cert = self_signed_ca(&["localhost"], &rcgen::PKCS_ECDSA_P256_SHA256, |_| {});
    let e = handshake(&trusting(&cert), impostor(&cert), "localhost").unwrap_err();
    assert!(
        matches!(
            e,
            rustls::Error::InvalidCertificate(CertificateError::BadSignature)
        ),
        "{e:?}"
    );
}

#[test]
fn insecure_accepts_anything() {
    let cert = self_signed(&["pbx.invalid"]);
    let trust = Trust {
        insecure: true,
        ..Trust::default()
    };
    handshake(&trust, server_config(&cert), "127.0.0.1").unwrap();
}

#[test]
fn rejection_is_found_through_io_errors() {
    let inner = rejected(Fingerprint::of(b"x"), Reason::NotPinned(vec![]));
    let io = std::io::Error::new(std::io::ErrorKind::InvalidData, inner);
    let outer = std::io::Error::other(io);
    assert_eq!(
        rejection(&outer).map(|r| r.fingerprint),
        Some(Fingerprint::of(b"x"))
    );
    let plain = std::io::Error::other("no");
    assert!(tls_error(&plain).is_none());
}

#[test]
fn certificate_times_read_as_rfc_5280_says() {
    assert_eq!(x509::days_since_epoch(1970, 1, 1), 0);
    assert_eq!(x509::days_since_epoch(2000, 3, 1), 11_017);
    assert_eq!(x509::days_since_epoch(1969, 12, 31), -1);
    assert_eq!(x509::days_since_epoch(2100, 3, 1), 47_541);
    // rcgen writes UTCTime up to 2049 and GeneralizedTime from 2050 on, as RFC 5280 asks.
    for (year, month, day) in [(1975, 1, 1), (2049, 12, 31), (2050, 1, 1), (4096, 1, 1)] {
        let cert = self_signed_ca(&["localhost"], &rcgen::PKCS_ECDSA_P256_SHA256, |p| {
            p.not_before = date_time_ymd(1950, 1, 1);
            p.not_after = date_time_ymd(year, month, day);
        });
        let read = x509::Certificate::parse(&cert.der).unwrap();
        assert_eq!(read.not_before, x509::days_since_epoch(1950, 1, 1) * 86_400);
        assert_eq!(
            read.not_after,
            x509::days_since_epoch(i64::from(year), i64::from(month), i64::from(day)) * 86_400,
            "{year}-{month}-{day}"
        );
    }
}

#[test]
fn what_the_certificate_reader_does_not_understand_is_not_accepted() {
    let cert = self_signed_ca(&["localhost"], &rcgen::PKCS_ECDSA_P256_SHA256, |_| {});
    let der = cert.der.as_ref();
    let algorithms = &crate::default_provider().signature_verification_algorithms;
    assert!(
        x509::Certificate::parse(der)
            .unwrap()
            .is_self_signed(algorithms)
    );
    // Cut short, with bytes after it, or with one bit of the signed part changed.
    assert!(x509::Certificate::parse(&der[..der.len() - 1]).is_none());
    assert!(x509::Certificate::parse(&[der, &[0]].concat()).is_none());
    assert!(x509::Certificate::parse(b"").is_none());
    let mut changed = der.to_vec();
    let inside_tbs = changed.len() / 4;
    changed[inside_tbs] ^= 1;
    assert!(
        x509::Certificate::parse(&changed).is_none_or(|c| !c.is_self_signed(algorithms)),
        "a changed certificate still reads as self-signed"
    );
}
