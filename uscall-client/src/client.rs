//! The client and the one `call` every generated method goes through (its configuration is in
//! `builder.rs`).

use crate::Response;
use crate::builder::ClientBuilder;
use crate::envelope::{self, Args};
use crate::error::{Error, Result};
use crate::meta::OperationInfo;
use crate::redact::Secrets;
use crate::retry::Retries;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;
use url::Url;

/// The path every USCall PBX serves the webservice on; used when a URL names only the host.
pub const DEFAULT_PATH: &str = "/aplicativos/webservice/wsuscall.php";

/// Default limit for a whole call, generous because CDR reports can be large.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
/// Default largest response body: generous (recordings are big), but bounded.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 512 * 1024 * 1024;
/// Default limit for establishing the TCP and TLS connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// An async client for one PBX. Cheap to clone; clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: crate::http::exchange::Http,
    pub(crate) endpoint: Url,
    pub(crate) token: Secret,
    pub(crate) settings: Settings,
    /// The envelope starts already read, shared by the clones and `with_*` variants.
    pub(crate) prefixes: Arc<crate::response::Prefixes>,
    /// The live WSDL's parts, fetched on first use, when calls are checked against them
    /// ([`ClientBuilder::check_live_wsdl`]); shared by the clones and `with_*` variants.
    pub(crate) live_parts: Option<Arc<LivePartsCell>>,
    /// The TLS trust the client verifies with; `None` for an own HTTP client.
    pub(crate) trust: Option<uscall_tls::Trust>,
}

/// Where the live WSDL's parts are kept once fetched.
pub(crate) type LivePartsCell = tokio::sync::OnceCell<Arc<crate::live_wsdl::LiveParts>>;

/// Limits and policies that can differ from call to call (see [`Client::with_timeout`]).
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    /// Limit for a whole call, per attempt.
    pub(crate) timeout: Duration,
    /// How reads are retried (actions never are).
    pub(crate) retries: crate::retry::Retries,
    /// Largest response body accepted, in bytes.
    pub(crate) max_response_bytes: usize,
}

/// A secret string (the token) whose `Debug` never shows it.
#[derive(Clone)]
pub(crate) struct Secret(pub(crate) String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"<redacted>\"")
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &without_password(&self.inner.endpoint))
            .field("token", &self.inner.token)
            .finish_non_exhaustive()
    }
}

/// A URL for display, with any `user:password@` password hidden.
pub(crate) fn without_password(url: &Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        let _ = shown.set_password(Some("redacted"));
    }
    shown.to_string()
}

/// The generated, untyped methods of a [`Client`]: `client.raw().cdr_search()...await` gives the
/// service's JSON. See [`Client::raw`].
#[derive(Debug, Clone, Copy)]
pub struct Raw<'a> {
    pub(crate) client: &'a Client,
}

impl Client {
    /// A client for the webservice at `url` (the endpoint, its `?wsdl` URL, or the PBX's base
    /// URL), sending `token` in every call. TLS certificates are verified.
    pub fn new(url: &str, token: impl Into<String>) -> Result<Client> {
        Client::builder(url).token(token).build()
    }

    /// Starts configuring a client for `url`.
    pub fn builder(url: &str) -> ClientBuilder {
        ClientBuilder::new(url)
    }

    /// This client with another limit for each attempt of a call (connections stay shared):
    /// `client.with_timeout(Duration::from_secs(600)).cdr_search()...` for one big report.
    pub fn with_timeout(&self, timeout: Duration) -> Client {
        self.with_settings(|s| s.timeout = timeout)
    }

    /// This client with another retry policy for reads (connections stay shared).
    pub fn with_retries(&self, retries: Retries) -> Client {
        self.with_settings(|s| s.retries = retries)
    }

    fn with_settings(&self, change: impl FnOnce(&mut Settings)) -> Client {
        let mut settings = self.inner.settings.clone();
        change(&mut settings);
        Client {
            inner: Arc::new(Inner {
                http: self.inner.http.clone(),
                endpoint: self.inner.endpoint.clone(),
                token: self.inner.token.clone(),
                settings,
                prefixes: self.inner.prefixes.clone(),
                live_parts: self.inner.live_parts.clone(),
                trust: self.inner.trust.clone(),
            }),
        }
    }

    /// The untyped layer: one generated method per WSDL operation, answering JSON
    /// ([`Response`]). Operations the typed overlay does not know yet (a newer PBX, after
    /// `cargo xtask regen`) are always here.
    pub fn raw(&self) -> Raw<'_> {
        Raw { client: self }
    }

    /// What the client trusts in the PBX's TLS certificate (system roots, extra CAs, pins, or
    /// nothing), for tools that inspect the PBX's certificate the same way (`uscall doctor`);
    /// `None` when the client was given its own HTTP client, whose TLS it does not know.
    pub fn tls_trust(&self) -> Option<&uscall_tls::Trust> {
        self.inner.trust.as_ref()
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
        self.call_with(op, args, Response::parse_with, response_outcome)
            .await
    }

    /// [`Client::call`], keeping the answer as its JSON text ([`AnswerText`]): for answers too
    /// big to hold twice, since a [`Response`] holds the text and its parsed value.
    ///
    /// [`AnswerText`]: crate::AnswerText
    pub async fn call_text(
        &self,
        op: &'static OperationInfo,
        args: Vec<Option<String>>,
    ) -> Result<crate::AnswerText> {
        self.call_with(
            op,
            args,
            crate::AnswerText::parse,
            crate::AnswerText::outcome,
        )
        .await
    }

    /// Calls `op` and turns the return part's text into `T` with `decode`, given the operation's
    /// wire name and the call's secrets (the typed layer decodes the JSON text straight into its
    /// models). `ok_outcome` names a success in the call's span.
    pub(crate) async fn call_with<T: Send + 'static>(
        &self,
        op: &'static OperationInfo,
        args: impl Into<Args>,
        decode: impl FnOnce(&'static str, String, &Arc<Secrets>) -> Result<T> + Send + 'static,
        ok_outcome: fn(&T) -> &'static str,
    ) -> Result<T> {
        let send = move |body, secrets: Arc<Secrets>| async move {
            let (text, deadline) = crate::retry::run_attempts(
                self.inner.settings.retries,
                op,
                body,
                &secrets,
                |body| self.send_once(op, body),
            )
            .await?;
            // An action whose answer is not JSON may still have been carried out.
            if !crate::is_read(op.name)
                && let Err(e) = Response::parse_with(op.name, text.clone(), &secrets)
            {
                return Err(crate::retry::outcome_unknown(op, e));
            }
            // Decoding a big answer counts against the attempt's time limit too.
            self.decoding(op, text.len(), deadline, move || {
                decode(op.name, text, &secrets)
            })
            .await
        };
        self.call_sending(op, args, send, ok_outcome).await
    }

    /// Calls `op`: builds the envelope and hands it, with the call's secrets, to `send`, which
    /// posts it and reads the answer (the recording download streams it to a file). One span
    /// per call, attempts included; every error that leaves here has the call's secrets (token,
    /// password parts) redacted and the server's text in it cleaned.
    pub(crate) async fn call_sending<T, S: Future<Output = Result<T>>>(
        &self,
        op: &'static OperationInfo,
        args: impl Into<Args>,
        send: impl FnOnce(String, Arc<Secrets>) -> S,
        ok_outcome: fn(&T) -> &'static str,
    ) -> Result<T> {
        // The transport records the HTTP fields of the last attempt, and `attempts` is left for
        // the retry loop to record.
        let span = tracing::info_span!(
            target: "uscall",
            "uscall.call",
            operation = %op.name,
            attempts = tracing::field::Empty,
            request_bytes = tracing::field::Empty,
            response_bytes = tracing::field::Empty,
            http_status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = self
            .build_and_send(op, args.into(), send)
            .instrument(span.clone())
            .await;
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        let outcome = match &result {
            Ok(value) => ok_outcome(value),
            Err(error) => error_outcome(error),
        };
        span.record("outcome", tracing::field::display(outcome));
        span.in_scope(|| match &result {
            Ok(_) => tracing::debug!(target: "uscall", "call ok"),
            Err(e) => tracing::debug!(target: "uscall", error = %e, "call failed"),
        });
        result
    }

    /// Builds the envelope and sends it with `send`, redacting the call's secrets from errors.
    async fn build_and_send<T, S: Future<Output = Result<T>>>(
        &self,
        op: &'static OperationInfo,
        args: Args,
        send: impl FnOnce(String, Arc<Secrets>) -> S,
    ) -> Result<T> {
        let (body, secrets) = self.build_envelope(op, &args)?;
        if self.inner.live_parts.is_some() {
            let sent: Vec<bool> = match &args {
                Args::Texts(texts) => texts.iter().map(Option::is_some).collect(),
                Args::Values(values) => values.iter().map(Option::is_some).collect(),
            };
            self.guard(op, &sent).await.map_err(|e| secrets.error(e))?;
        }
        tracing::Span::current().record("request_bytes", body.len());
        tracing::trace!(target: "uscall::wire", operation = op.name, request = %secrets.clean_to(&body, crate::redact::TRACE_CHARS));
        send(body, secrets.clone())
            .await
            .map_err(|e| secrets.error(e))
    }
}

impl Client {
    /// The request envelope of a call, the token part filled in, and the call's secrets (the
    /// token and the password parts): what is sent, or shown redacted by a dry run. Refuses a
    /// wrong number of arguments, a token part without a token, and a value that does not fit.
    pub(crate) fn build_envelope(
        &self,
        op: &'static OperationInfo,
        args: &Args,
    ) -> Result<(String, Arc<Secrets>)> {
        if args.len() != op.params.len() {
            return Err(Error::Arity {
                operation: op.name,
                expected: op.params.len(),
                got: args.len(),
            });
        }
        let token = self.inner.token.0.as_str();
        if token.is_empty() && op.params.iter().any(|p| p.token) {
            return Err(Error::Config(format!(
                "{}: the operation has a token part and no token is configured: set one with \
                 ClientBuilder::token",
                op.name
            )));
        }
        match args {
            Args::Texts(args) => {
                let values: Vec<Option<&str>> = op
                    .params
                    .iter()
                    .zip(args)
                    .map(|(p, a)| if p.token { Some(token) } else { a.as_deref() })
                    .collect();
                let secrets = Arc::new(Secrets::of_call(
                    token,
                    op.params.iter().map(|p| p.name).zip(values.iter().copied()),
                ));
                let body = envelope::build(op, &values).map_err(|bad| Error::InvalidCharacter {
                    operation: op.name,
                    param: bad.param,
                    character: bad.character,
                    position: bad.position,
                })?;
                Ok((body, secrets))
            }
            Args::Values(args) => self.build_values(op, args),
        }
    }
}

/// A successful call's `outcome`: `ok`, or `service` for an answer that is a refusal
/// (`{"retorno": "Senha inválida"}`).
pub(crate) fn response_outcome(response: &Response) -> &'static str {
    let refused = response
        .retorno()
        .and_then(serde_json::Value::as_str)
        .and_then(crate::models::classify)
        .is_some();
    if refused { "service" } else { "ok" }
}

/// The `outcome` field of a failed call's span: what kind of error ended it.
fn error_outcome(error: &Error) -> &'static str {
    match error {
        Error::InvalidUrl { .. } => "invalid_url",
        Error::Config(_) => "config",
        Error::Arity { .. } => "arity",
        Error::InvalidCharacter { .. } => "invalid_character",
        Error::InvalidValue { .. } => "invalid_value",
        Error::NoSuchOperation { .. } | Error::NoSuchPart { .. } => "not_in_wsdl",
        Error::LiveWsdlMismatch { .. } => "live_wsdl_mismatch",
        Error::Transport { .. } => "transport",
        Error::Tls { .. } => "tls",
        Error::Timeout { .. } => "timeout",
        Error::Http { .. } => "http",
        Error::Fault { .. } => "fault",
        Error::TooLarge { .. } => "too_large",
        Error::Malformed { .. } => "malformed",
        Error::Write { .. } => "write",
        Error::Service { .. } => "service",
        Error::Row(_) => "row",
        Error::OutcomeUnknown { .. } => "outcome_unknown",
        Error::Json { .. } => "json",
    }
}
