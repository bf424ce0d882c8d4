//! Tests of [`probe`] against real servers on 127.0.0.1: TLS ones with certificates made
//! here, one that never answers, a closed port and a plain-HTTP one.

use super::*;
use crate::tests::{Made, impostor};
use rcgen::{CertificateParams, DistinguishedName, DnType, KeyPair, date_time_ymd};
use rustls::pki_types::{PrivateKeyDer, ServerName};
use rustls::{
    ClientConnection, ServerConfig, ServerConnection, StreamOwned, SupportedProtocolVersion,
};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(5);

/// A self-signed certificate for 127.0.0.1 and `localhost`, CN=pbx.example, O=Example PBX,
/// valid from the first day of `from` to the first day of `to`.
fn made(from: i32, to: i32) -> Made {
    let key = KeyPair::generate().unwrap();
    let mut params =
        CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    params.distinguished_name = DistinguishedName::new();
    params
        .distinguished_name
        .push(DnType::CommonName, "pbx.example");
    params
        .distinguished_name
        .push(DnType::OrganizationName, "Example PBX");
    params.not_before = date_time_ymd(from, 1, 1);
    params.not_after = date_time_ymd(to, 1, 1);
    let cert = params.self_signed(&key).unwrap();
    Made {
        der: cert.der().clone(),
        pem: cert.pem(),
        key,
    }
}

/// A server for `cert` speaking only `versions`.
fn server_config(cert: &Made, versions: &[&'static SupportedProtocolVersion]) -> ServerConfig {
    ServerConfig::builder_with_protocol_versions(versions)
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der.clone()],
            PrivateKeyDer::try_from(cert.key.serialize_der()).unwrap(),
        )
        .unwrap()
}

/// A TLS server on 127.0.0.1 that completes `connections` handshakes, one connection each,
/// then stops; its port and the thread to join.
fn serve(config: ServerConfig, connections: usize) -> (u16, JoinHandle<()>) {
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        for _ in 0..connections {
            let (mut stream, _) = listener.accept().unwrap();
            stream.set_read_timeout(Some(TIMEOUT)).unwrap();
            let mut connection = ServerConnection::new(config.clone()).unwrap();
            // The client's verdict is what the tests check; a client that refuses ends this
            // handshake with an error here, which is expected.
            let _ = connection.complete_io(&mut stream);
        }
    });
    (port, server)
}

/// Probes, with `trust`, a server with `config` on 127.0.0.1 (reached as `host`), once.
fn probe_once(config: ServerConfig, host: &str, trust: &Trust) -> Probe {
    let (port, server) = serve(config, 1);
    let probe = probe(host, port, trust, TIMEOUT).unwrap();
    server.join().unwrap();
    probe
}

static TLS13: &[&SupportedProtocolVersion] = &[&rustls::version::TLS13];
static TLS12: &[&SupportedProtocolVersion] = &[&rustls::version::TLS12];

fn pinned(cert: &Made) -> Trust {
    Trust {
        pins: vec![Fingerprint::of(&cert.der)],
        ..Trust::default()
    }
}

fn as_ca(cert: &Made) -> Trust {
    Trust {
        ca_pems: vec![cert.pem.clone().into_bytes()],
        ..Trust::default()
    }
}

#[test]
fn reports_the_certificate_exactly() {
    let cert = made(2024, 2040);
    let probe = probe_once(server_config(&cert, TLS13), "127.0.0.1", &Trust::default());
    let expected = CertificateSummary {
        subject: "CN=pbx.example, O=Example PBX".into(),
        issuer: "CN=pbx.example, O=Example PBX".into(),
        not_before: 1_704_067_200,
        not_after: 2_208_988_800,
        fingerprint: Fingerprint::of(&cert.der),
        self_signed: true,
        dns_names: vec!["localhost".into()],
        ip_addresses: vec!["127.0.0.1".parse().unwrap()],
    };
    assert_eq!(probe.certificate, expected);
    assert_eq!(probe.address.ip(), std::net::Ipv4Addr::LOCALHOST);
    assert_eq!(probe.chain_len, 1);
    assert_eq!(probe.protocol, "TLSv1.3");
    assert!(
        probe.cipher_suite.starts_with("TLS13_"),
        "{}",
        probe.cipher_suite
    );
}

#[test]
fn the_verdict_follows_the_trust() {
    let cert = made(2024, 2040);
    let other = made(2024, 2040);
    let fingerprint = Fingerprint::of(&cert.der);
    let wrong_pin = pinned(&other);
    let insecure = Trust {
        insecure: true,
        ..Trust::default()
    };
    let cases = [
        (pinned(&cert), true),
        (as_ca(&cert), true),
        (insecure, true),
        (Trust::default(), false),
        (as_ca(&other), false),
        (wrong_pin, false),
    ];
    let (port, server) = serve(server_config(&cert, TLS13), cases.len());
    for (trust, accepted) in &cases {
        let probe = probe("127.0.0.1", port, trust, TIMEOUT).unwrap();
        assert_eq!(
            probe.verified.is_ok(),
            *accepted,
            "{trust:?}: {:?}",
            probe.verified
        );
        assert_eq!(probe.certificate.fingerprint, fingerprint);
    }
    server.join().unwrap();
}

/// The refusal reads as a real connection's (what `uscall-client` shows): the reason, and the
/// exact `--pin-sha256` value.
#[test]
fn a_refusal_reads_as_a_real_connection_s() {
    let cert = made(2024, 2040);
    let (port, server) = serve(server_config(&cert, TLS13), 2);
    let trust = Trust::default();
    let probe = probe("127.0.0.1", port, &trust, TIMEOUT).unwrap();

    let config = Arc::new(client_config(&trust).unwrap());
    let name = ServerName::try_from("127.0.0.1").unwrap();
    let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut real = StreamOwned::new(ClientConnection::new(config, name).unwrap(), stream);
    let error = real.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap_err();
    server.join().unwrap();

    let real = rejection(&error)
        .expect("a Rejected in the error")
        .to_string();
    assert_eq!(probe.verified, Err(real));
    let message = probe.verified.unwrap_err();
    assert!(message.contains("self-signed"), "{message}");
    let pin = format!("--pin-sha256 {}", Fingerprint::of(&cert.der));
    assert!(message.contains(&pin), "{message}");
}

#[test]
fn an_expired_certificate_is_reported_and_refused() {
    let cert = made(2020, 2021);
    let probe = probe_once(server_config(&cert, TLS13), "localhost", &as_ca(&cert));
    assert_eq!(probe.certificate.not_after, 1_609_459_200);
    let message = probe.verified.unwrap_err();
    assert!(message.contains("it has expired"), "{message}");
}

/// Under TLS 1.2 the handshake signature goes through the other verifier method.
#[test]
fn tls12_is_probed_too() {
    let cert = made(2024, 2040);
    let probe = probe_once(server_config(&cert, TLS12), "127.0.0.1", &pinned(&cert));
    assert_eq!(probe.protocol, "TLSv1.2");
    assert_eq!(probe.verified, Ok(()));
}

#[test]
fn a_server_that_never_answers_times_out() {
    // The kernel completes the TCP handshake for a listener nobody accepts on.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let timeout = Duration::from_millis(300);
    let started = Instant::now();
    let error = probe("127.0.0.1", port, &Trust::default(), timeout).unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(
            error,
            ProbeError::Timeout {
                stage: Stage::Handshake,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(took >= timeout && took < timeout * 3, "took {took:?}");
    assert!(error.to_string().contains("is it a TLS port?"), "{error}");
    drop(listener);
}

#[test]
fn a_closed_port_is_a_connect_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let error = probe("127.0.0.1", port, &Trust::default(), TIMEOUT).unwrap_err();
    match &error {
        ProbeError::Connect { address, source } => {
            assert_eq!(address.port(), port);
            assert_eq!(source.kind(), std::io::ErrorKind::ConnectionRefused);
        }
        other => panic!("expected a connect error, got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        format!("cannot connect to 127.0.0.1:{port}")
    );
}

#[test]
fn a_plain_http_server_is_not_tls() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let _ = stream.read(&mut [0; 1024]).unwrap();
        stream
            .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            .unwrap();
    });
    let error = probe("127.0.0.1", port, &Trust::default(), TIMEOUT).unwrap_err();
    server.join().unwrap();
    match &error {
        ProbeError::NotTls { received, .. } => assert_eq!(received, "HTTP/1.1 400 Bad Request"),
        other => panic!("expected NotTls, got {other:?}"),
    }
    assert!(error.to_string().contains("does not speak TLS"), "{error}");
}

#[test]
fn a_bad_host_or_contradictory_trust_is_refused_before_connecting() {
    let error = probe("not a host!", 443, &Trust::default(), TIMEOUT).unwrap_err();
    assert!(
        matches!(error, ProbeError::BadHost(ref host) if host == "not a host!"),
        "{error:?}"
    );
    let contradictory = Trust {
        insecure: true,
        pins: vec![Fingerprint::from([0; 32])],
        ..Trust::default()
    };
    let error = probe("127.0.0.1", 1, &contradictory, TIMEOUT).unwrap_err();
    assert!(matches!(error, ProbeError::Config(_)), "{error:?}");
}

/// A server that presents the pinned certificate without holding its key is refused: the
/// handshake signature is checked as in a real connection.
#[test]
fn a_certificate_without_its_key_is_refused() {
    let cert = made(2024, 2040);
    let probe = probe_once(impostor(&cert), "127.0.0.1", &pinned(&cert));
    assert_eq!(probe.certificate.fingerprint, Fingerprint::of(&cert.der));
    let message = probe.verified.unwrap_err();
    assert!(message.contains("BadSignature"), "{message}");
}
