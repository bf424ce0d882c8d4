//! `--url`: a live PBX's WSDL over verified TLS. The network stack is built only with the
//! `fetch` feature, so that the offline `cargo xtask regen` never compiles it; without the
//! feature, `--url` runs xtask again with it.

use anyhow::Result;

use crate::Fetch;

#[cfg(feature = "fetch")]
pub(crate) use net::wsdl;

/// Checks a `--pin-sha256` value as it is given (with the network stack; without it the value
/// is checked by the run that fetches).
pub(crate) fn check_pin(pin: &str) -> Result<()> {
    #[cfg(feature = "fetch")]
    pin.parse::<uscall_tls::Fingerprint>()?;
    let _ = pin;
    Ok(())
}

/// Without the network stack: runs `cargo run -p xtask --features fetch` with the same
/// arguments, saying so, and ends with its exit status.
#[cfg(not(feature = "fetch"))]
pub(crate) fn wsdl(_: &Fetch) -> Result<Vec<u8>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    eprintln!(
        "xtask: --url needs the HTTP and TLS stack, which the offline regen does not build; \
         building xtask with it (the first time takes a few minutes)"
    );
    let status = std::process::Command::new(&cargo)
        .args([
            "run",
            "--quiet",
            "--package",
            "xtask",
            "--features",
            "fetch",
            "--",
        ])
        .args(std::env::args().skip(1))
        .status()
        .map_err(|e| anyhow::anyhow!("cannot run `{cargo} run --package xtask`: {e}"))?;
    std::process::exit(status.code().unwrap_or(1));
}

#[cfg(feature = "fetch")]
mod net {
    use super::*;
    use anyhow::{Context, ensure};
    use std::time::Duration;

    /// Fetches `URL?wsdl`, verifying TLS (with uscall-tls, as the client does) unless
    /// `--insecure` was given.
    pub(crate) fn wsdl(f: &Fetch) -> Result<Vec<u8>> {
        let mut url = f.url.trim().to_owned();
        if !url.contains('?') {
            if url.ends_with('/') || url.matches('/').count() == 2 {
                url = format!(
                    "{}/aplicativos/webservice/wsuscall.php",
                    url.trim_end_matches('/')
                );
            }
            url.push_str("?wsdl");
        }
        ensure!(
            url.starts_with("http://") || url.starts_with("https://"),
            "--url must be an http:// or https:// URL, got {url:?}"
        );
        let pins = f
            .pins
            .iter()
            .map(|pin| pin.parse())
            .collect::<std::result::Result<Vec<uscall_tls::Fingerprint>, _>>()?;
        let mut trust = uscall_tls::Trust {
            pins,
            insecure: f.insecure,
            ..uscall_tls::Trust::default()
        };
        if let Some(path) = &f.ca_cert {
            let pem = std::fs::read(path)
                .with_context(|| format!("cannot read CA certificate {}", path.display()))?;
            trust.ca_pems.push(pem);
        }
        let tls = uscall_tls::client_config(&trust)?;
        if f.insecure {
            eprintln!(
                "xtask: warning: TLS certificate verification is OFF (--insecure); the WSDL could be tampered with"
            );
        }
        let http = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .connect_timeout(Duration::from_secs(10))
            .tls_backend_preconfigured(tls)
            .build()?;
        let response = http.get(&url).send().map_err(|e| {
            // A refused certificate says how to trust it; rustls's own text for it is a Debug dump.
            match uscall_tls::rejection(&e) {
                Some(rejected) => anyhow::anyhow!("cannot fetch {url}: {rejected}"),
                None => anyhow::Error::new(e).context(format!("cannot fetch {url}")),
            }
        })?;
        let status = response.status();
        let body = response
            .bytes()
            .with_context(|| format!("cannot read the answer of {url}"))?;
        ensure!(status.is_success(), "{url} answered HTTP {status}");
        eprintln!("fetched {url} ({} bytes)", body.len());
        Ok(body.to_vec())
    }
}

#[cfg(all(test, feature = "fetch"))]
mod tls {
    use super::*;
    use crate::{Fetch, run};
    use anyhow::Result;
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::Arc;
    use uscall_tls::{Fingerprint, rustls};

    const BODY: &str = "<definitions/>";

    /// An HTTPS server on 127.0.0.1 for one connection, with a self-signed certificate for
    /// `pbx.invalid` (so neither its issuer nor its name would pass the default checks),
    /// answering any request with [`BODY`]. Returns the URL and the certificate's fingerprint.
    fn https_server() -> (String, Fingerprint) {
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = rcgen::CertificateParams::new(vec!["pbx.invalid".to_owned()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let fingerprint = Fingerprint::of(cert.der());
        let config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone()],
                rustls::pki_types::PrivateKeyDer::try_from(key.serialize_der()).unwrap(),
            )
            .unwrap();
        let config = Arc::new(config);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            let Some(Ok(mut tcp)) = listener.incoming().next() else {
                return;
            };
            let mut conn = rustls::ServerConnection::new(config).unwrap();
            let mut tls = rustls::Stream::new(&mut conn, &mut tcp);
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                match tls.read(&mut buf) {
                    Ok(0) | Err(_) => return, // the client refused the certificate
                    Ok(n) => head.extend_from_slice(&buf[..n]),
                }
            }
            let _ = write!(
                tls,
                "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{BODY}",
                BODY.len()
            );
            let _ = tls.flush();
            conn.send_close_notify();
            let _ = conn.complete_io(&mut tcp);
        });
        (
            format!("https://127.0.0.1:{port}/aplicativos/webservice/wsuscall.php"),
            fingerprint,
        )
    }

    fn fetch(url: String, pins: Vec<Fingerprint>, insecure: bool) -> Result<Vec<u8>> {
        wsdl(&Fetch {
            url,
            ca_cert: None,
            pins: pins.iter().map(ToString::to_string).collect(),
            insecure,
        })
    }

    #[test]
    fn a_self_signed_pbx_is_refused_with_what_to_pin() {
        let (url, fingerprint) = https_server();
        let e = format!("{:#}", fetch(url, vec![], false).unwrap_err());
        assert!(e.contains("the server's certificate is not trusted"), "{e}");
        assert!(e.contains("--ca-cert FILE"), "{e}");
        assert!(e.contains(&format!("--pin-sha256 {fingerprint}")), "{e}");
    }

    #[test]
    fn the_right_pin_is_accepted_despite_the_name() {
        let (url, fingerprint) = https_server();
        assert_eq!(
            fetch(url, vec![fingerprint], false).unwrap(),
            BODY.as_bytes()
        );
    }

    #[test]
    fn a_wrong_pin_is_refused() {
        let (url, fingerprint) = https_server();
        let wrong = Fingerprint::of(b"another certificate");
        let e = format!("{:#}", fetch(url, vec![wrong], false).unwrap_err());
        assert!(
            e.contains(&format!(
                "has SHA-256 fingerprint {fingerprint}, which does not match the pinned {wrong}"
            )),
            "{e}"
        );
    }

    #[test]
    fn insecure_accepts_it_and_cannot_be_combined_with_a_pin() {
        let (url, fingerprint) = https_server();
        assert_eq!(fetch(url.clone(), vec![], true).unwrap(), BODY.as_bytes());
        let e = format!("{:#}", fetch(url, vec![fingerprint], true).unwrap_err());
        assert!(e.contains("contradict"), "{e}");
    }

    #[test]
    fn pins_are_checked_when_parsed() {
        let e = run(vec!["regen".into(), "--pin-sha256".into(), "00:11".into()]).unwrap_err();
        assert!(format!("{e:#}").contains("expected 64 hex digits"), "{e:#}");
        let pin = "00".repeat(32);
        let e = run(vec!["regen".into(), "--pin-sha256".into(), pin]).unwrap_err();
        assert!(format!("{e:#}").contains("only apply with --url"), "{e:#}");
    }
}
