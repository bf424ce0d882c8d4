//! TLS against a real endpoint: a TLS terminator on 127.0.0.1, with certificates made here, in
//! front of the PHP NuSOAP server; the library, the `uscall` command line and `cargo xtask
//! regen --url`, each trust option.

use std::net::Ipv4Addr;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::{Arc, OnceLock};
use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use uscall_client::{Client, Error};
use uscall_tests::{PhpServer, SERVICE_PATH, TOKEN, repo_root, target_dir, uscall_bin};
use uscall_tls::Fingerprint;

/// A server certificate (chain first) with its key, and the CA that signed it if any.
struct Identity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    ca_pem: Option<String>,
}

impl Identity {
    /// A self-signed certificate for `pbx.invalid` only, the way PBXs make their own: neither
    /// its issuer nor its name (the tests connect to 127.0.0.1) pass the default checks.
    fn self_signed() -> Identity {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["pbx.invalid".to_owned()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        Identity {
            chain: vec![cert.der().clone()],
            key: PrivateKeyDer::try_from(key.serialize_der()).unwrap(),
            ca_pem: None,
        }
    }

    /// A leaf for `localhost` and 127.0.0.1 signed by a private CA made here.
    fn signed_by_a_private_ca() -> Identity {
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(rcgen::DnType::CommonName, "uscall test CA");
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let leaf = rcgen::CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()])
            .unwrap()
            .signed_by(&key, &rcgen::Issuer::from_params(&ca, &ca_key))
            .unwrap();
        Identity {
            chain: vec![leaf.der().clone(), ca_cert.der().clone()],
            key: PrivateKeyDer::try_from(key.serialize_der()).unwrap(),
            ca_pem: Some(ca_cert.pem()),
        }
    }

    /// A self-signed certificate for `localhost` and 127.0.0.1 marked CA:TRUE, as
    /// `openssl req -x509` makes them, which most PBXs serve; its own PEM is the CA to give.
    fn self_signed_ca_true() -> Identity {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params =
            rcgen::CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "pbx.local");
        let cert = params.self_signed(&key).unwrap();
        Identity {
            chain: vec![cert.der().clone()],
            key: PrivateKeyDer::try_from(key.serialize_der()).unwrap(),
            ca_pem: Some(cert.pem()),
        }
    }

    /// The fingerprint a pin for this server names.
    fn fingerprint(&self) -> Fingerprint {
        Fingerprint::of(&self.chain[0])
    }
}

/// The NuSOAP server behind a TLS terminator on another 127.0.0.1 port; both stop on drop.
struct TlsServer {
    php: PhpServer,
    port: u16,
    runtime: Option<tokio::runtime::Runtime>,
}

impl TlsServer {
    fn start(identity: &Identity) -> TlsServer {
        let php = PhpServer::nusoap(&[]);
        let config = ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(identity.chain.clone(), identity.key.clone_key())
            .expect("the test's certificate and key go together");
        let acceptor = TlsAcceptor::from(Arc::new(config));
        // Its own runtime, so the command-line tests (which block) are served too.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let backend = php.port();
        runtime.spawn(async move {
            let listener = TcpListener::from_std(listener).unwrap();
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    // A refused handshake is what several tests are about: nothing to proxy then.
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let Ok(mut php) = TcpStream::connect((Ipv4Addr::LOCALHOST, backend)).await
                    else {
                        return;
                    };
                    let _ = copy_bidirectional(&mut tls, &mut php).await;
                });
            }
        });
        TlsServer {
            php,
            port,
            runtime: Some(runtime),
        }
    }

    /// The SOAP endpoint over https, by IP address.
    fn url(&self) -> String {
        format!("https://127.0.0.1:{}{SERVICE_PATH}", self.port)
    }

    /// The same endpoint by the name `localhost`.
    fn localhost_url(&self) -> String {
        format!("https://localhost:{}{SERVICE_PATH}", self.port)
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        // Not a plain drop: the async tests drop this inside their own runtime.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

async fn list_trunk(client: Client) -> Result<String, Error> {
    Ok(client.raw().list_trunk().await?.into_json().to_string())
}

fn uscall(server: &TlsServer, flags: &[&str]) -> Output {
    Command::new(uscall_bin())
        .args(flags)
        .args(["--url", &server.url(), "list-trunk"])
        .env_remove("USCALL_URL")
        .env("USCALL_TOKEN", TOKEN)
        .output()
        .expect("running uscall")
}

/// The exit status and the one line on stderr of a failed run.
fn failure(out: Output) -> (i32, String) {
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.stdout.is_empty(), "nothing on stdout on failure");
    assert_eq!(stderr.lines().count(), 1, "one line on stderr: {stderr:?}");
    assert!(!stderr.contains(TOKEN), "the token leaked: {stderr}");
    (out.status.code().unwrap(), stderr.trim_end().to_owned())
}

fn assert_success(out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "uscall failed: {stderr}");
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert!(answer.is_object() || answer.is_array(), "{answer}");
}

#[tokio::test]
async fn by_default_a_self_signed_pbx_is_refused_with_how_to_trust_it() {
    let identity = Identity::self_signed();
    let server = TlsServer::start(&identity);
    let fingerprint = identity.fingerprint().to_string();

    let client = Client::new(&server.url(), TOKEN).unwrap();
    match list_trunk(client).await {
        Err(Error::Tls {
            operation,
            message,
            fingerprint: Some(presented),
            ..
        }) => {
            assert_eq!(operation, "listTrunk");
            assert_eq!(presented, fingerprint);
            assert!(message.contains("is not trusted"), "{message}");
            assert!(message.contains("--ca-cert FILE"), "{message}");
            assert!(
                message.contains(&format!("--pin-sha256 {fingerprint}")),
                "{message}"
            );
        }
        other => panic!("expected Error::Tls with the fingerprint, got {other:?}"),
    }

    let (code, line) = failure(uscall(&server, &[]));
    assert_eq!(code, 5, "{line}");
    assert!(
        line.starts_with(&format!(
            "uscall: listTrunk: TLS with {} failed: the server's certificate is not trusted",
            server.url()
        )),
        "{line}"
    );
    assert!(line.contains("--ca-cert FILE"), "{line}");
    assert!(
        line.contains(&format!("--pin-sha256 {fingerprint}")),
        "{line}"
    );
    assert!(server.php.calls().is_empty(), "nothing reached the PBX");
}

#[tokio::test]
async fn a_private_ca_is_trusted_when_given() {
    let identity = Identity::signed_by_a_private_ca();
    let server = TlsServer::start(&identity);
    let ca_pem = identity.ca_pem.clone().unwrap();

    // Without the CA: refused, as an unknown issuer.
    let e = list_trunk(Client::new(&server.url(), TOKEN).unwrap())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("signed by an unknown CA"), "{e}");

    for url in [server.url(), server.localhost_url()] {
        let client = Client::builder(&url)
            .token(TOKEN)
            .ca_cert_pem(ca_pem.clone())
            .build()
            .unwrap();
        list_trunk(client).await.unwrap();
    }

    let dir = tempfile::tempdir().unwrap();
    let ca_file = dir.path().join("pbx-ca.pem");
    std::fs::write(&ca_file, &ca_pem).unwrap();
    let out = uscall(&server, &["--ca-cert", ca_file.to_str().unwrap()]);
    assert_success(&out);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!server.php.calls().is_empty());
}

/// `cargo xtask`'s binary, built in the workspace's target directory if needed.
fn xtask_bin() -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let status = Command::new(&cargo)
            .args(["build", "--quiet", "--package", "xtask"])
            .current_dir(repo_root())
            .status()
            .unwrap_or_else(|e| panic!("running `{cargo} build --package xtask`: {e}"));
        assert!(status.success(), "`cargo build --package xtask` failed");
    });
    target_dir().join("debug").join("xtask")
}

/// `cargo xtask regen --url URL FLAGS...`, for a URL that gets through TLS and then an HTTP
/// 404: xtask stops there, before it would rewrite the checked-in WSDL and code, and its
/// error says how far it got.
fn xtask_regen_404(server: &TlsServer, flags: &[&str]) -> String {
    let url = format!("https://127.0.0.1:{}/not-the-service.php", server.port);
    let out = Command::new(xtask_bin())
        .args(["regen", "--url", &url])
        .args(flags)
        .output()
        .expect("running xtask");
    assert!(!out.status.success(), "xtask cannot succeed on a 404");
    String::from_utf8(out.stderr).unwrap()
}

#[tokio::test]
async fn the_pbx_s_own_ca_true_certificate_is_trusted_as_ca_cert() {
    let identity = Identity::self_signed_ca_true();
    let server = TlsServer::start(&identity);
    let pem = identity.ca_pem.clone().unwrap();

    // The library, by address and by name.
    for url in [server.url(), server.localhost_url()] {
        let client = Client::builder(&url)
            .token(TOKEN)
            .ca_cert_pem(pem.clone())
            .build()
            .unwrap();
        list_trunk(client).await.unwrap();
    }

    // The command line.
    let dir = tempfile::tempdir().unwrap();
    let cert_file = dir.path().join("pbx.pem");
    std::fs::write(&cert_file, &pem).unwrap();
    let cert_file = cert_file.to_str().unwrap();
    let out = uscall(&server, &["--ca-cert", cert_file]);
    assert_success(&out);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!server.php.calls().is_empty());

    // `cargo xtask regen --url ... --ca-cert FILE`: the same uscall_tls::client_config. Refused
    // without the certificate; with it, TLS passes and the 404 behind it is what stops xtask.
    let refused = xtask_regen_404(&server, &[]);
    assert!(refused.contains("is not trusted"), "{refused}");
    let trusted = xtask_regen_404(&server, &["--ca-cert", cert_file]);
    assert!(trusted.contains("answered HTTP 404"), "{trusted}");
    assert!(!trusted.contains("not trusted"), "{trusted}");

    // Without it, the library refuses it too, and says why in the user's terms.
    let e = list_trunk(Client::new(&server.url(), TOKEN).unwrap())
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("it is self-signed or signed by an unknown CA"),
        "{e}"
    );
}

#[tokio::test]
async fn the_pbx_s_own_certificate_does_not_trust_another() {
    let given = Identity::self_signed_ca_true();
    let presented = Identity::self_signed_ca_true();
    let server = TlsServer::start(&presented);
    let client = Client::builder(&server.url())
        .token(TOKEN)
        .ca_cert_pem(given.ca_pem.clone().unwrap())
        .build()
        .unwrap();
    match list_trunk(client).await {
        Err(Error::Tls {
            message,
            fingerprint,
            ..
        }) => {
            assert!(
                message.contains("it is self-signed or signed by an unknown CA"),
                "{message}"
            );
            assert_eq!(fingerprint, Some(presented.fingerprint().to_string()));
        }
        other => panic!("expected Error::Tls, got {other:?}"),
    }
    assert!(server.php.calls().is_empty(), "nothing reached the PBX");
}

#[tokio::test]
async fn the_right_pin_accepts_a_certificate_whose_name_does_not_match() {
    let identity = Identity::self_signed();
    let server = TlsServer::start(&identity);
    let fingerprint = identity.fingerprint().to_string();

    let client = Client::builder(&server.url())
        .token(TOKEN)
        .pin_sha256(&fingerprint)
        .build()
        .unwrap();
    list_trunk(client).await.unwrap();

    // Plain lower-case hex, as `sha256sum` prints it, works as well.
    let plain = fingerprint.replace(':', "").to_lowercase();
    assert_success(&uscall(&server, &["--pin-sha256", &plain]));
}

#[tokio::test]
async fn a_wrong_pin_is_refused_and_names_the_mismatch() {
    let identity = Identity::signed_by_a_private_ca();
    let server = TlsServer::start(&identity);
    let presented = identity.fingerprint().to_string();
    let wrong = Identity::self_signed().fingerprint().to_string();
    let mismatch = format!(
        "the server's certificate has SHA-256 fingerprint {presented}, which does not match the \
         pinned {wrong}"
    );

    // The pin wins over the CA, which on its own would accept this certificate.
    let client = Client::builder(&server.url())
        .token(TOKEN)
        .ca_cert_pem(identity.ca_pem.clone().unwrap())
        .pin_sha256(&wrong)
        .build()
        .unwrap();
    match list_trunk(client).await {
        Err(Error::Tls {
            message,
            fingerprint,
            ..
        }) => {
            assert_eq!(message, mismatch);
            assert_eq!(fingerprint, Some(presented.clone()));
        }
        other => panic!("expected Error::Tls, got {other:?}"),
    }

    let (code, line) = failure(uscall(&server, &["--pin-sha256", &wrong]));
    assert_eq!(code, 5, "{line}");
    assert!(line.ends_with(&mismatch), "{line}");
    assert!(server.php.calls().is_empty(), "nothing reached the PBX");
}

#[tokio::test]
async fn insecure_accepts_anything_and_says_so() {
    let identity = Identity::self_signed();
    let server = TlsServer::start(&identity);

    let client = Client::builder(&server.url())
        .token(TOKEN)
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap();
    list_trunk(client).await.unwrap();

    let out = uscall(&server, &["--insecure"]);
    assert_success(&out);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("uscall: warning: TLS certificate verification is OFF (--insecure)"),
        "{stderr}"
    );
}

#[test]
fn bad_and_contradictory_pins_are_usage_errors() {
    let identity = Identity::self_signed();
    let fingerprint = identity.fingerprint().to_string();
    let server = TlsServer::start(&identity);

    // clap's usage errors: status 2, the reason on stderr.
    for (flags, reason) in [
        (&["--pin-sha256", "AB:CD"][..], "expected 64 hex digits"),
        (
            &["--pin-sha256", &fingerprint, "--insecure"][..],
            "cannot be used with",
        ),
    ] {
        let out = uscall(&server, flags);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {stderr}");
        assert!(stderr.contains(reason), "{flags:?}: {stderr}");
    }

    let e = Client::builder(&server.url())
        .token(TOKEN)
        .pin_sha256(&fingerprint)
        .danger_accept_invalid_certs(true)
        .build()
        .unwrap_err();
    assert!(
        matches!(&e, Error::Config(m) if m.contains("contradict")),
        "{e:?}"
    );
}

/// `uscall doctor` with `flags`: its exit code and stdout.
fn doctor(server: &TlsServer, flags: &[&str]) -> (i32, String) {
    let out = Command::new(uscall_bin())
        .args(["doctor", "--url", &server.url()])
        .args(flags)
        .env_remove("USCALL_URL")
        .env_remove("USCALL_FORMAT")
        .env("USCALL_TOKEN", TOKEN)
        .output()
        .expect("running uscall");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.contains(TOKEN), "the token leaked: {stdout}");
    (out.status.code().unwrap(), stdout)
}

#[test]
fn doctor_shows_a_self_signed_certificate_and_the_pin_that_trusts_it() {
    let identity = Identity::self_signed_ca_true();
    let server = TlsServer::start(&identity);
    let pin = identity.fingerprint().to_string();
    let (code, stdout) = doctor(&server, &[]);
    assert_eq!(code, 1, "{stdout}");
    let line = |check: &str| {
        stdout
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(check))
            .unwrap_or_else(|| panic!("no {check} line in {stdout}"))
            .to_owned()
    };
    let tls = line("tls");
    assert!(tls.starts_with('✗') && tls.contains("not trusted"), "{tls}");
    // What the certificate says, exactly: subject, issuer (itself), dates, fingerprint.
    assert!(
        tls.contains("subject CN=pbx.local, issuer CN=pbx.local"),
        "{tls}"
    );
    assert!(tls.contains(&format!("SHA-256 {pin}")), "{tls}");
    assert!(tls.contains("valid 1975-01-01 to 4096-01-01"), "{tls}");
    assert!(
        stdout.contains(&format!(
            "fix: if this is your PBX's certificate, pin it: --pin-sha256 {pin}"
        )),
        "{stdout}"
    );
    for skipped in ["wsdl", "drift", "token", "clock", "latency"] {
        assert!(line(skipped).starts_with('-'), "{stdout}");
    }

    // The pin it printed is the one that works, and so does the certificate as CA.
    let (code, stdout) = doctor(&server, &["--pin-sha256", &pin]);
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("✓ tls      verified: TLSv1.3"), "{stdout}");
    assert!(stdout.contains("✓ token"), "{stdout}");
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("pbx.pem");
    std::fs::write(&ca, identity.ca_pem.as_ref().unwrap()).unwrap();
    let (code, stdout) = doctor(&server, &["--ca-cert", ca.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}");
}
