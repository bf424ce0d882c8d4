//! The client: configuration, transport, and the one `call` every generated method goes through.

use crate::error::{Error, Result};
use crate::meta::{OperationInfo, SoapVersion};
use crate::response::{self, Parsed};
use crate::{Response, charset, envelope, text};
use reqwest::header::{CONTENT_TYPE, HeaderValue, LOCATION};
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use url::Url;

/// The path every USCall PBX serves the webservice on; used when a URL names only the host.
pub const DEFAULT_PATH: &str = "/aplicativos/webservice/wsuscall.php";

/// Default limit for a whole call, generous because CDR reports can be large.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// Default limit for establishing the TCP and TLS connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// An async client for one PBX. Cheap to clone; clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    endpoint: Url,
    token: Secret,
}

/// A secret string (the token) whose `Debug` never shows it.
#[derive(Clone)]
pub(crate) struct Secret(String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"<redacted>\"")
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.endpoint.as_str())
            .field("token", &self.inner.token)
            .finish_non_exhaustive()
    }
}

/// The generated, untyped methods of a [`Client`]: `client.raw().cdr_search()...await` gives the
/// service's JSON. See [`Client::raw`].
#[derive(Debug, Clone, Copy)]
pub struct Raw<'a> {
    pub(crate) client: &'a Client,
}

/// Configures a [`Client`]. TLS certificates are verified unless you explicitly turn it off.
#[must_use]
pub struct ClientBuilder {
    url: String,
    token: Option<Secret>,
    timeout: Duration,
    connect_timeout: Duration,
    ca_certs: Vec<Vec<u8>>,
    insecure: bool,
    user_agent: String,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("url", &self.url)
            .field("token", &self.token)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("ca_certs", &self.ca_certs.len())
            .field("insecure", &self.insecure)
            .finish()
    }
}

impl ClientBuilder {
    /// Sets the company token, sent in every call's token part.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Secret(token.into()));
        self
    }

    /// Limits a whole call, from connecting to the last byte of the answer (default 120 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Limits connecting, TLS handshake included (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Trusts one more root CA (PEM), for a PBX whose certificate is signed by a private CA or
    /// is self-signed. The system's roots stay trusted.
    pub fn ca_cert_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_certs.push(pem.into());
        self
    }

    /// Reads a PEM CA certificate from a file; see [`ClientBuilder::ca_cert_pem`].
    pub fn ca_cert_file(self, path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let pem = std::fs::read(path).map_err(|e| {
            Error::Config(format!(
                "cannot read CA certificate {}: {e}",
                path.display()
            ))
        })?;
        Ok(self.ca_cert_pem(pem))
    }

    /// Turns TLS certificate verification **off**. Anyone on the path can then read and change
    /// the traffic, token included. Prefer [`ClientBuilder::ca_cert_pem`]. A warning is logged
    /// every time a client is built this way.
    pub fn danger_accept_invalid_certs(mut self, insecure: bool) -> Self {
        self.insecure = insecure;
        self
    }

    /// Sets the `User-Agent` header.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client> {
        let endpoint = endpoint_url(&self.url)?;
        let token = self.token.ok_or_else(|| {
            Error::Config("no token configured: set one with ClientBuilder::token".into())
        })?;
        let mut http = reqwest::Client::builder()
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(self.user_agent)
            .gzip(true);
        for pem in &self.ca_certs {
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
        if self.insecure {
            tracing::warn!(
                endpoint = %endpoint,
                "TLS certificate verification is OFF: the token and all traffic can be read and changed by anyone on the path"
            );
            http = http.tls_danger_accept_invalid_certs(true);
        }
        let http = http.build().map_err(|e| Error::Config(e.to_string()))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                endpoint,
                token,
            }),
        })
    }
}

/// Accepts the endpoint, the `?wsdl` URL, or just the PBX's base URL.
fn endpoint_url(url: &str) -> Result<Url> {
    let invalid = |reason: String| Error::InvalidUrl {
        url: url.to_owned(),
        reason,
    };
    let mut parsed = Url::parse(url.trim()).map_err(|e| invalid(e.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid(format!(
            "scheme {:?} is not http or https",
            parsed.scheme()
        )));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(invalid("no host".into()));
    }
    if parsed
        .query()
        .is_some_and(|q| q.eq_ignore_ascii_case("wsdl"))
    {
        parsed.set_query(None);
    }
    if matches!(parsed.path(), "" | "/") {
        parsed.set_path(DEFAULT_PATH);
    }
    parsed.set_fragment(None);
    Ok(parsed)
}

impl Client {
    /// A client for the webservice at `url` (the endpoint, its `?wsdl` URL, or the PBX's base
    /// URL), sending `token` in every call. TLS certificates are verified.
    pub fn new(url: &str, token: impl Into<String>) -> Result<Client> {
        Client::builder(url).token(token).build()
    }

    /// Starts configuring a client for `url`.
    pub fn builder(url: &str) -> ClientBuilder {
        ClientBuilder {
            url: url.to_owned(),
            token: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            ca_certs: Vec::new(),
            insecure: false,
            user_agent: concat!("uscall/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }

    /// The untyped layer: one generated method per WSDL operation, answering JSON
    /// ([`Response`]). Operations the typed overlay does not know yet (a newer PBX, after
    /// `cargo xtask regen`) are always here.
    pub fn raw(&self) -> Raw<'_> {
        Raw { client: self }
    }

    /// The endpoint requests are posted to.
    pub fn endpoint(&self) -> &Url {
        &self.inner.endpoint
    }

    /// Every operation of the WSDL the client was generated from.
    pub fn operations() -> &'static [&'static OperationInfo] {
        crate::generated::OPERATIONS
    }

    /// Finds an operation by its wire name, Rust name or command-line name.
    pub fn operation(name: &str) -> Option<&'static OperationInfo> {
        Client::operations()
            .iter()
            .copied()
            .find(|op| op.name == name || op.rust_name == name || op.cli_name == name)
    }

    /// Calls `op` with one argument text per part, in WSDL order (`None` leaves a part out; the
    /// token part is filled in by the client whatever is passed). The generated methods call
    /// this; it is public for dynamic callers such as the command line.
    pub async fn call(
        &self,
        op: &'static OperationInfo,
        args: Vec<Option<String>>,
    ) -> Result<Response> {
        if args.len() != op.params.len() {
            return Err(Error::Arity {
                operation: op.name,
                expected: op.params.len(),
                got: args.len(),
            });
        }
        let token = self.inner.token.0.as_str();
        let values: Vec<Option<&str>> = op
            .params
            .iter()
            .zip(&args)
            .map(|(p, a)| if p.token { Some(token) } else { a.as_deref() })
            .collect();
        let body = envelope::build(op, &values).map_err(|bad| Error::InvalidCharacter {
            operation: op.name,
            param: bad.param,
            character: bad.character,
            position: bad.position,
        })?;
        tracing::trace!(target: "uscall::wire", operation = op.name, request = %text::redact(&body, token));
        let started = Instant::now();
        let result = self.post(op, body).await;
        match &result {
            Ok(r) => {
                tracing::debug!(target: "uscall", operation = op.name, elapsed_ms = started.elapsed().as_millis() as u64, bytes = r.raw().len(), "ok")
            }
            Err(e) => {
                tracing::debug!(target: "uscall", operation = op.name, elapsed_ms = started.elapsed().as_millis() as u64, error = %e, "failed")
            }
        }
        result
    }

    async fn post(&self, op: &'static OperationInfo, body: String) -> Result<Response> {
        let endpoint = self.inner.endpoint.clone();
        let request = match op.soap_version {
            SoapVersion::Soap11 => self
                .inner
                .http
                .post(endpoint)
                .header(CONTENT_TYPE, "text/xml; charset=utf-8")
                .header("SOAPAction", format!("\"{}\"", op.soap_action)),
            SoapVersion::Soap12 => self.inner.http.post(endpoint).header(
                CONTENT_TYPE,
                format!(
                    "application/soap+xml; charset=utf-8; action=\"{}\"",
                    op.soap_action
                ),
            ),
        };
        let response = request
            .body(body)
            .send()
            .await
            .map_err(|e| self.transport(op, e))?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let location = response
            .headers()
            .get(LOCATION)
            .map(HeaderValue::as_bytes)
            .map(String::from_utf8_lossy)
            .map(|l| l.into_owned());
        let bytes = response.bytes().await.map_err(|e| self.transport(op, e))?;
        tracing::trace!(target: "uscall::wire", operation = op.name, status = status.as_u16(), response = %text::redact(&String::from_utf8_lossy(&bytes), &self.inner.token.0));
        self.read(op, status.as_u16(), content_type, location, &bytes)
    }

    fn transport(&self, op: &'static OperationInfo, source: reqwest::Error) -> Error {
        let mut endpoint = self.inner.endpoint.clone();
        let _ = endpoint.set_password(None);
        let _ = endpoint.set_username("");
        let endpoint = endpoint.to_string();
        if source.is_timeout() {
            Error::Timeout {
                operation: op.name,
                endpoint,
                source,
            }
        } else {
            Error::Transport {
                operation: op.name,
                endpoint,
                source,
            }
        }
    }

    /// Turns status, headers and body into the answer or the error that describes it.
    fn read(
        &self,
        op: &'static OperationInfo,
        status: u16,
        content_type: Option<String>,
        location: Option<String>,
        body: &[u8],
    ) -> Result<Response> {
        let token = self.inner.token.0.as_str();
        let success = (200..300).contains(&status);
        let http_error = |excerpt: String| Error::Http {
            operation: op.name,
            status,
            content_type: content_type.clone(),
            excerpt: text::redact(&excerpt, token),
        };
        if (300..400).contains(&status) {
            return Err(http_error(format!(
                "redirected to {}",
                location.unwrap_or_default()
            )));
        }
        let charset = content_type.as_deref().and_then(text::charset_param);
        let decoded = match charset::decode(body, charset) {
            Ok(t) => t,
            Err(e) if success => {
                return Err(Error::Malformed {
                    operation: op.name,
                    message: e.message,
                    excerpt: text::redact(&text::excerpt(&String::from_utf8_lossy(body), 0), token),
                });
            }
            Err(_) => return Err(http_error(text::excerpt(&String::from_utf8_lossy(body), 0))),
        };
        if success && decoded.trim().is_empty() {
            return Err(Error::Malformed {
                operation: op.name,
                message: format!("HTTP {status} with an empty body"),
                excerpt: String::new(),
            });
        }
        match (response::parse(&decoded), success) {
            (Ok(Parsed::Fault(mut fault)), _) => {
                fault.string = text::redact(&fault.string, token);
                fault.detail = fault.detail.map(|d| text::redact(&d, token));
                Err(Error::Fault {
                    operation: op.name,
                    status,
                    fault,
                })
            }
            (Ok(Parsed::Return(raw)), true) => Response::parse(op.name, raw, token),
            (Err(e), true) => Err(Error::Malformed {
                operation: op.name,
                message: e.message,
                excerpt: text::redact(&text::excerpt(&decoded, e.position), token),
            }),
            (_, false) => Err(http_error(text::excerpt(&decoded, 0))),
        }
    }
}
