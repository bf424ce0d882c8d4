//! One TLS handshake with a server to report what it presents (certificate, protocol) and
//! whether a [`Trust`] accepts it, for `uscall doctor`.
//!
//! The handshake runs with the verifier [`client_config`](crate::client_config) would install,
//! wrapped so that a refusal is recorded instead of ending the handshake: the verdict is the
//! real verifier's, on the real chain, server name and time, signatures included, and the
//! certificate is still seen when it is refused.

use crate::recording::Recording;
use crate::verifiers::is_self_signed;
use crate::{ConfigError, Fingerprint, Trust, config_with, default_provider, rejection, verifier};
use rustls::ClientConnection;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::ServerName;
use std::error::Error as StdError;
use std::fmt;
use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};

/// What a TLS server presented and whether a [`Trust`] accepts it.
#[derive(Debug, Clone)]
pub struct Probe {
    /// The address the connection went to (the first of the host's that accepted it).
    pub address: SocketAddr,
    /// The server's own (leaf) certificate.
    pub certificate: CertificateSummary,
    /// How many certificates the server sent, its own included.
    pub chain_len: usize,
    /// The negotiated protocol version, as `TLSv1.3` or `TLSv1.2`.
    pub protocol: String,
    /// The negotiated cipher suite, by its IANA name (`TLS13_AES_256_GCM_SHA384`).
    pub cipher_suite: String,
    /// `Ok` when the trust accepts the server; else why not, in the words a real connection
    /// with the same trust reports (for an untrusted certificate, with the `--pin-sha256` and
    /// `--ca-cert` advice).
    pub verified: Result<(), String>,
}

/// The facts of one certificate that a person checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateSummary {
    /// The subject's distinguished name, `CN=pbx.example, O=Example`, its parts in the
    /// certificate's order (as `openssl x509 -noout -subject` lists them).
    pub subject: String,
    /// The issuer's distinguished name, written as `subject`.
    pub issuer: String,
    /// Start of validity, in seconds since the Unix epoch.
    pub not_before: i64,
    /// End of validity, in seconds since the Unix epoch.
    pub not_after: i64,
    /// The SHA-256 fingerprint of the DER; its `Display` is the value `--pin-sha256` takes.
    pub fingerprint: Fingerprint,
    /// Whether it names itself as its issuer and is signed by its own key.
    pub self_signed: bool,
    /// The DNS names of its subjectAltName extension.
    pub dns_names: Vec<String>,
    /// The IP addresses of its subjectAltName extension.
    pub ip_addresses: Vec<IpAddr>,
}

impl CertificateSummary {
    /// Reads a DER certificate; the error says what is wrong with it.
    fn read(der: &[u8], provider: &CryptoProvider) -> Result<Self, String> {
        let (_, cert) = X509Certificate::from_der(der).map_err(|e| e.to_string())?;
        let mut dns_names = Vec::new();
        let mut ip_addresses = Vec::new();
        // A malformed or repeated extension only leaves the lists empty: the names are shown,
        // not checked, here (the verifier checks them).
        if let Ok(Some(names)) = cert.subject_alternative_name() {
            for name in &names.value.general_names {
                match name {
                    GeneralName::DNSName(dns) => dns_names.push((*dns).to_owned()),
                    GeneralName::IPAddress(octets) => {
                        let ip = <[u8; 4]>::try_from(*octets)
                            .map(IpAddr::from)
                            .or_else(|_| <[u8; 16]>::try_from(*octets).map(IpAddr::from));
                        ip_addresses.extend(ip.ok());
                    }
                    _ => {}
                }
            }
        }
        Ok(CertificateSummary {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
            fingerprint: Fingerprint::of(der),
            self_signed: is_self_signed(der, &provider.signature_verification_algorithms),
            dns_names,
            ip_addresses,
        })
    }
}

/// The step of a probe that ran out of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Looking the host name up.
    Resolve,
    /// Opening the TCP connection.
    Connect,
    /// The TLS handshake.
    Handshake,
}

/// Why a probe learnt nothing about the server's certificate. A certificate the trust refuses
/// is no error: it is [`Probe::verified`].
#[derive(Debug)]
#[non_exhaustive]
pub enum ProbeError {
    /// The trust cannot be made into a TLS configuration.
    Config(ConfigError),
    /// The host is neither a DNS name nor an IP address.
    BadHost(String),
    /// The host name could not be looked up.
    Resolve {
        /// The host name.
        host: String,
        /// What the resolver said.
        source: io::Error,
    },
    /// No address of the host accepted a TCP connection; the last one tried is named.
    Connect {
        /// The address tried last.
        address: SocketAddr,
        /// Why it failed (`ConnectionRefused` when nothing listens on the port).
        source: io::Error,
    },
    /// A step took longer than the timeout.
    Timeout {
        /// The step.
        stage: Stage,
        /// The host name (resolving) or address (connecting, handshake).
        target: String,
        /// The timeout.
        after: Duration,
    },
    /// The server answered the TLS hello with something else: a plain HTTP port, say.
    NotTls {
        /// The address.
        address: SocketAddr,
        /// The start of its answer, up to its first line end.
        received: String,
    },
    /// The TLS handshake failed: the server sent an alert, closed the connection, or
    /// shares no protocol version or cipher suite with the client.
    Handshake {
        /// The address.
        address: SocketAddr,
        /// What failed; a rustls error, when TLS failed, is inside it.
        source: io::Error,
    },
    /// The server's certificate is not a readable X.509 certificate.
    Certificate {
        /// The address.
        address: SocketAddr,
        /// What the reader objected to.
        reason: String,
    },
}

impl fmt::Display for ProbeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProbeError::Config(error) => write!(f, "{error}"),
            ProbeError::BadHost(host) => {
                write!(f, "{host:?} is neither a host name nor an IP address")
            }
            ProbeError::Resolve { host, .. } => write!(f, "cannot look up {host}"),
            ProbeError::Connect { address, .. } => write!(f, "cannot connect to {address}"),
            ProbeError::Timeout {
                stage,
                target,
                after,
            } => match stage {
                Stage::Resolve => write!(f, "looking up {target} took longer than {after:?}"),
                Stage::Connect => write!(f, "connecting to {target} took longer than {after:?}"),
                Stage::Handshake => write!(
                    f,
                    "{target} accepted the connection but did not complete a TLS handshake \
                     within {after:?}; is it a TLS port?"
                ),
            },
            ProbeError::NotTls { address, received } => write!(
                f,
                "{address} does not speak TLS: it answered {received:?}; is it a plain HTTP \
                 port (an http:// URL)?"
            ),
            ProbeError::Handshake { address, .. } => {
                write!(f, "the TLS handshake with {address} failed")
            }
            ProbeError::Certificate { address, reason } => write!(
                f,
                "the certificate {address} presented is not a readable X.509 certificate: \
                 {reason}"
            ),
        }
    }
}

impl StdError for ProbeError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            ProbeError::Resolve { source, .. }
            | ProbeError::Connect { source, .. }
            | ProbeError::Handshake { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Connects to `host:port` (a DNS name or an IP address, IPv6 with or without brackets),
/// runs one TLS handshake as a client with `trust` would, and reports the certificate and
/// the verdict. Blocking. `timeout` bounds each step on its own: the lookup, the connection
/// to each of the host's addresses, and the whole handshake (every read and write in it), so
/// a server that accepts and never answers gives [`ProbeError::Timeout`].
pub fn probe(host: &str, port: u16, trust: &Trust, timeout: Duration) -> Result<Probe, ProbeError> {
    let host = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    let server_name =
        ServerName::try_from(host.to_owned()).map_err(|_| ProbeError::BadHost(host.to_owned()))?;
    let provider = default_provider();
    let recording = Arc::new(Recording {
        inner: verifier(trust, &provider).map_err(ProbeError::Config)?,
        seen: Mutex::default(),
    });
    let config = config_with(provider.clone(), recording.clone()).map_err(ProbeError::Config)?;
    let mut connection = ClientConnection::new(Arc::new(config), server_name)
        .map_err(|e| ProbeError::Config(ConfigError(format!("TLS setup: {e}"))))?;

    let (stream, address) = connect(host, port, timeout)?;
    let mut io = Timed {
        stream: &stream,
        deadline: Instant::now() + timeout,
        received: Vec::new(),
    };
    if let Err(source) = connection.complete_io(&mut io) {
        return Err(handshake_error(address, timeout, &io.received, source));
    }
    // Politeness only: the verdict is in.
    connection.send_close_notify();
    let _ = connection.write_tls(&mut io);

    let seen = std::mem::take(&mut *recording.seen());
    // rustls refuses an empty chain before asking the verifier, so this only guards.
    let leaf = seen.chain.first().ok_or_else(|| ProbeError::Certificate {
        address,
        reason: "the server sent no certificate".into(),
    })?;
    let certificate = CertificateSummary::read(leaf, &provider)
        .map_err(|reason| ProbeError::Certificate { address, reason })?;
    Ok(Probe {
        address,
        certificate,
        chain_len: seen.chain.len(),
        protocol: match connection.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".into(),
            Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".into(),
            other => format!("{other:?}"),
        },
        cipher_suite: connection
            .negotiated_cipher_suite()
            .map(|suite| format!("{:?}", suite.suite()))
            .unwrap_or_default(),
        verified: match seen.refusal {
            None => Ok(()),
            Some(error) => Err(refusal_message(&error)),
        },
    })
}

/// What `uscall-client` reports for a handshake that `error` ended: the [`Rejected`]
/// message when a uscall verifier refused the certificate, else rustls's words.
///
/// [`Rejected`]: crate::Rejected
fn refusal_message(error: &rustls::Error) -> String {
    match rejection(error) {
        Some(rejected) => rejected.to_string(),
        None => format!("handshake failed: {error}"),
    }
}

/// Looks `host` up (on a thread of its own, so the timeout holds even when the resolver
/// hangs) and connects to the first of its addresses that answers.
fn connect(
    host: &str,
    port: u16,
    timeout: Duration,
) -> Result<(TcpStream, SocketAddr), ProbeError> {
    let addresses = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => {
            let (send, receive) = mpsc::channel();
            let name = host.to_owned();
            std::thread::spawn(move || {
                let _ = send.send((name.as_str(), port).to_socket_addrs());
            });
            let resolve = |source| ProbeError::Resolve {
                host: host.to_owned(),
                source,
            };
            match receive.recv_timeout(timeout) {
                Ok(Ok(found)) => found.collect(),
                Ok(Err(source)) => return Err(resolve(source)),
                Err(_) => {
                    return Err(ProbeError::Timeout {
                        stage: Stage::Resolve,
                        target: host.to_owned(),
                        after: timeout,
                    });
                }
            }
        }
    };
    let mut last = None;
    for address in addresses {
        match TcpStream::connect_timeout(&address, timeout) {
            Ok(stream) => return Ok((stream, address)),
            Err(source) => last = Some((address, source)),
        }
    }
    Err(match last {
        None => ProbeError::Resolve {
            host: host.to_owned(),
            source: io::Error::new(io::ErrorKind::NotFound, "the name has no address"),
        },
        Some((address, source)) if is_timeout(&source) => ProbeError::Timeout {
            stage: Stage::Connect,
            target: address.to_string(),
            after: timeout,
        },
        Some((address, source)) => ProbeError::Connect { address, source },
    })
}

fn is_timeout(error: &io::Error) -> bool {
    // A socket timeout is WouldBlock on Unix and TimedOut on Windows.
    matches!(
        error.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

/// Names a failed handshake: out of time, an answer that is no TLS record, or a TLS failure.
fn handshake_error(
    address: SocketAddr,
    timeout: Duration,
    received: &[u8],
    source: io::Error,
) -> ProbeError {
    if is_timeout(&source) {
        return ProbeError::Timeout {
            stage: Stage::Handshake,
            target: address.to_string(),
            after: timeout,
        };
    }
    // Every TLS record starts with its content type, 20 to 24 (ChangeCipherSpec to
    // Heartbeat); a plain-text answer starts with a letter.
    match received.first() {
        Some(20..=24) | None => ProbeError::Handshake { address, source },
        Some(_) => {
            let line = received.split(|b| *b == b'\r' || *b == b'\n').next();
            ProbeError::NotTls {
                address,
                received: String::from_utf8_lossy(line.unwrap_or_default()).into_owned(),
            }
        }
    }
}

/// The socket under the handshake: every read and write waits at most until the deadline,
/// and the first bytes read are kept to tell a server that speaks no TLS.
struct Timed<'a> {
    stream: &'a TcpStream,
    deadline: Instant,
    received: Vec<u8>,
}

/// How much of the server's first answer is kept.
const KEPT: usize = 80;

impl Timed<'_> {
    fn left(&self) -> io::Result<Duration> {
        match self.deadline.checked_duration_since(Instant::now()) {
            Some(left) if !left.is_zero() => Ok(left),
            _ => Err(io::ErrorKind::TimedOut.into()),
        }
    }
}

impl Read for Timed<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.stream.set_read_timeout(Some(self.left()?))?;
        let n = self.stream.read(buf)?;
        let keep = n.min(KEPT.saturating_sub(self.received.len()));
        self.received.extend_from_slice(&buf[..keep]);
        Ok(n)
    }
}

impl Write for Timed<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.stream.set_write_timeout(Some(self.left()?))?;
        self.stream.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}
