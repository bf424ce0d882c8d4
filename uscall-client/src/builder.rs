//! Configuring a [`Client`]: endpoint, token, limits, retries, TLS trust, proxy or an own HTTP
//! client. Settings that can fail are reported once, by [`ClientBuilder::build`].

use crate::client::{
    Client, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_PATH, DEFAULT_TIMEOUT,
    Inner, Secret, Settings, without_password,
};
use crate::error::{Error, Result};
use crate::http::exchange::Http;
use crate::http::own::{Pool, Target};
use crate::retry::Retries;
use crate::tls::Tls;
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// Configures a [`Client`]. TLS certificates are verified unless you explicitly turn it off.
#[must_use]
pub struct ClientBuilder {
    url: String,
    token: Option<Secret>,
    connect_timeout: Duration,
    settings: Settings,
    tls: Tls,
    user_agent: String,
    proxy: Option<String>,
    http: Option<reqwest::Client>,
    check_live_wsdl: bool,
    /// Settings that could not be taken, reported by [`ClientBuilder::build`].
    problems: Vec<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "url",
                &Url::parse(&self.url)
                    .map_or_else(|_| "<unparsable>".to_owned(), |u| without_password(&u)),
            )
            .field("token", &self.token)
            .field("connect_timeout", &self.connect_timeout)
            .field("settings", &self.settings)
            .field("tls", &self.tls)
            .field("proxy", &self.proxy.as_deref().map(shown_proxy))
            .field("own_http_client", &self.http.is_some())
            .field("check_live_wsdl", &self.check_live_wsdl)
            .field("problems", &self.problems)
            .finish()
    }
}

impl ClientBuilder {
    pub(crate) fn new(url: &str) -> ClientBuilder {
        ClientBuilder {
            url: url.to_owned(),
            token: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            settings: Settings {
                timeout: DEFAULT_TIMEOUT,
                retries: Retries::default(),
                max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            },
            tls: Tls::default(),
            user_agent: concat!("uscall/", env!("CARGO_PKG_VERSION")).to_owned(),
            proxy: None,
            http: None,
            check_live_wsdl: false,
            problems: Vec::new(),
        }
    }

    /// Checks every call against the PBX's live WSDL before sending it (off by default): the
    /// client fetches `?wsdl` once, on its first call, and refuses with
    /// [`Error::LiveWsdlMismatch`], naming the part, a call that would send a part the live WSDL
    /// does not have for that operation (or has at another position), reads and actions alike,
    /// instead of letting the server drop it. A failed fetch fails that call and is tried again
    /// by the next. See also [`Client::check_wsdl`].
    pub fn check_live_wsdl(mut self, check: bool) -> Self {
        self.check_live_wsdl = check;
        self
    }

    /// Sets the company token, sent in every call's token part.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(Secret(token.into()));
        self
    }

    /// Limits each attempt of a call, from connecting to the last byte of the answer
    /// (default 120 s). [`Client::with_timeout`] overrides it for some calls.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// Limits connecting, TLS handshake included (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How read operations are retried after a transient failure (default
    /// [`Retries::default`]); actions are never retried. [`Client::with_retries`] overrides it.
    pub fn retries(mut self, retries: Retries) -> Self {
        self.settings.retries = retries;
        self
    }

    /// The largest response body accepted (default [`DEFAULT_MAX_RESPONSE_BYTES`]); a bigger
    /// answer is an error, never silently cut.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.settings.max_response_bytes = bytes;
        self
    }

    /// Trusts one more root CA (PEM), for a PBX whose certificate is signed by a private CA or
    /// is self-signed. The system's roots stay trusted.
    pub fn ca_cert_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.tls.ca_pems.push(pem.into());
        self
    }

    /// Reads a PEM CA certificate from a file; see [`ClientBuilder::ca_cert_pem`]. A file that
    /// cannot be read is reported by [`ClientBuilder::build`].
    pub fn ca_cert_file(mut self, path: impl AsRef<Path>) -> Self {
        let path = path.as_ref();
        match std::fs::read(path) {
            Ok(pem) => self.ca_cert_pem(pem),
            Err(e) => {
                self.problems.push(format!(
                    "cannot read CA certificate {}: {e}",
                    path.display()
                ));
                self
            }
        }
    }

    /// Accepts the server only if its certificate's SHA-256 fingerprint (of the DER, hex, with
    /// or without colons) is this one, whoever signed it and whatever name it carries: the way
    /// to trust one PBX's self-signed certificate and nothing else. May be given several times
    /// (during a certificate change).
    /// A fingerprint that does not parse is reported by [`ClientBuilder::build`].
    pub fn pin_sha256(mut self, fingerprint: &str) -> Self {
        match crate::tls::parse_fingerprint(fingerprint) {
            Ok(pin) => self.tls.pins.push(pin),
            Err(e) => self.problems.push(e.to_string()),
        }
        self
    }

    /// Turns TLS certificate verification **off**. Anyone on the path can then read and change
    /// the traffic, token included. Prefer [`ClientBuilder::pin_sha256`] or
    /// [`ClientBuilder::ca_cert_pem`]. A warning is logged every time a client is built this way.
    pub fn danger_accept_invalid_certs(mut self, insecure: bool) -> Self {
        self.tls.insecure = insecure;
        self
    }

    /// Sets the `User-Agent` header.
    pub fn user_agent(mut self, agent: impl Into<String>) -> Self {
        self.user_agent = agent.into();
        self
    }

    /// Sends every request through this HTTP or HTTPS proxy (`http://user:pass@proxy:3128`).
    /// TLS to the PBX is still verified end to end. A URL the HTTP client refuses is reported by
    /// [`ClientBuilder::build`].
    ///
    /// Without one, the environment's `HTTPS_PROXY`, `HTTP_PROXY` and `ALL_PROXY` (with
    /// `NO_PROXY`) are read as reqwest reads them. Calls through a proxy go through reqwest;
    /// calls straight to the PBX go on uscall's own connections (hyper's HTTP/1.1 client).
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Uses this HTTP client instead of building one: its connection pool, TLS, proxy and
    /// connect timeout are its own, so [`ClientBuilder::build`] refuses it together with the
    /// builder's TLS, proxy or connect-timeout settings. Build it without redirects
    /// (`redirect::Policy::none()`): a SOAP call must not be sent again elsewhere. The call
    /// timeout, retries, response limit and redaction still apply, and uscall asks for gzip and
    /// decompresses it itself.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Builds the client. Every setting that could not be taken (an unreadable CA file, a
    /// malformed pin or proxy URL, an own HTTP client beside TLS or proxy settings) is an
    /// [`Error::Config`] here.
    pub fn build(self) -> Result<Client> {
        let endpoint = endpoint_url(&self.url)?;
        install_crypto_provider();
        if !self.problems.is_empty() {
            return Err(Error::Config(self.problems.join("; ")));
        }
        // A WSDL without a token part needs none; a call to an operation with one is refused
        // before anything is sent when none is set (see `build_and_send`).
        let token = self.token.unwrap_or(Secret(String::new()));
        let trust = self.http.is_none().then(|| self.tls.trust());
        let http = match self.http {
            Some(own) => {
                let tls_set =
                    !self.tls.ca_pems.is_empty() || !self.tls.pins.is_empty() || self.tls.insecure;
                if tls_set
                    || self.proxy.is_some()
                    || self.connect_timeout != DEFAULT_CONNECT_TIMEOUT
                {
                    return Err(Error::Config(
                        "an own HTTP client (http_client) carries its own TLS, proxy and connect \
                         timeout: set them on it, not on the builder"
                            .into(),
                    ));
                }
                Http::Reqwest(own)
            }
            None => {
                let proxy =
                    match &self.proxy {
                        Some(url) => Some(reqwest::Proxy::all(url.as_str()).map_err(|e| {
                            Error::Config(format!("proxy {}: {e}", shown_proxy(url)))
                        })?),
                        None => None,
                    };
                if proxy.is_some() || env_proxy_for(&endpoint) {
                    // Through a proxy (given, or from the environment as reqwest reads it):
                    // reqwest carries the calls, with its CONNECT, proxy authentication and
                    // NO_PROXY. uscall asks for gzip and decompresses it itself.
                    let config = crate::tls::config(&self.tls, &endpoint)?;
                    let mut http = reqwest::Client::builder()
                        .connect_timeout(self.connect_timeout)
                        .redirect(reqwest::redirect::Policy::none())
                        .user_agent(self.user_agent)
                        .tls_backend_preconfigured(config);
                    if let Some(proxy) = proxy {
                        http = http.proxy(proxy);
                    }
                    Http::Reqwest(http.build().map_err(|e| Error::Config(e.to_string()))?)
                } else {
                    // An `http` endpoint makes no TLS connection: its options are checked,
                    // but the platform's roots are not loaded.
                    let config = if endpoint.scheme() == "https" {
                        Some(Arc::new(crate::tls::config(&self.tls, &endpoint)?))
                    } else {
                        crate::tls::check(&self.tls, &endpoint)?;
                        None
                    };
                    let target = Target::new(&endpoint, config, self.connect_timeout)
                        .map_err(Error::Config)?;
                    Http::Own(
                        Pool::new(&endpoint, target, &self.user_agent).map_err(Error::Config)?,
                    )
                }
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                endpoint,
                token,
                settings: self.settings,
                prefixes: Arc::default(),
                live_parts: self.check_live_wsdl.then(Arc::default),
                trust,
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

/// Whether the environment's proxy settings (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and
/// `NO_PROXY`, as reqwest reads them) send requests to `endpoint` through a proxy.
fn env_proxy_for(endpoint: &Url) -> bool {
    // The matcher looks at scheme, host and port only: the endpoint's credentials stay out.
    let host = endpoint.host_str().unwrap_or_default();
    let authority = match endpoint.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    let Ok(uri) = format!("{}://{authority}/", endpoint.scheme()).parse::<hyper::Uri>() else {
        // A host a URI cannot hold: reqwest, which reads the environment itself, decides.
        return true;
    };
    hyper_util::client::proxy::matcher::Matcher::from_env()
        .intercept(&uri)
        .is_some()
}

/// Installs uscall's TLS crypto provider (its `ring` or `aws-lc-rs` feature) as the process
/// default, unless one is already installed. reqwest, built as uscall builds it (rustls without
/// a provider of its own), needs one to make a client: call this before building your own
/// `reqwest::Client` for [`ClientBuilder::http_client`]. [`ClientBuilder::build`] does it too.
pub fn install_crypto_provider() {
    let provider = uscall_tls::default_provider();
    // Already installed (by the application, or by an earlier call): that one stays.
    let _ = provider.as_ref().clone().install_default();
}

/// A proxy URL for messages, its password hidden.
fn shown_proxy(url: &str) -> String {
    Url::parse(url).map_or_else(|_| "<unparsable URL>".to_owned(), |u| without_password(&u))
}
