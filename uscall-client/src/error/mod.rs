//! The client's error type: every way a call can fail, with enough to act on and no secrets.

use std::fmt;

mod http;
mod kinds;

pub use http::HttpError;
pub(crate) use http::Kind;

pub(crate) use kinds::how_to_check;
pub use kinds::{RowError, ServiceErrorKind};

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when calling the service.
///
/// Messages name the operation and what was wrong; they never contain the token or a password
/// (the runtime redacts them from any excerpt of the server's answer).
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The endpoint URL could not be used.
    #[error("invalid endpoint url {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// Why it was refused.
        reason: String,
    },
    /// The HTTP client could not be built (e.g. an unreadable CA certificate).
    #[error("cannot set up the HTTP client: {0}")]
    Config(String),
    /// A call was made with the wrong number of arguments for its operation.
    #[error("{operation}: expected {expected} arguments, got {got}")]
    Arity {
        /// The operation's wire name.
        operation: &'static str,
        /// The number of parts in the WSDL.
        expected: usize,
        /// The number given.
        got: usize,
    },
    /// A parameter holds a character that XML 1.0 cannot carry (most control characters).
    #[error("{operation}: parameter `{param}` holds U+{code:04X} at character {position}, which XML 1.0 cannot carry", code = u32::from(*.character))]
    InvalidCharacter {
        /// The operation's wire name.
        operation: &'static str,
        /// The part's wire name.
        param: &'static str,
        /// The offending character.
        character: char,
        /// Its position (in characters) within the value.
        position: usize,
    },
    /// The typed layer asked for an operation the generated client does not have (the PBX's
    /// WSDL, after a regen, no longer lists it).
    #[error("{operation}: this PBX's WSDL has no such operation (regenerated without it?)")]
    NoSuchOperation {
        /// The operation's wire name.
        operation: &'static str,
    },
    /// The typed layer set a part the operation does not have in this PBX's WSDL.
    #[error("{operation}: this PBX's WSDL has no part `{part}` for it")]
    NoSuchPart {
        /// The operation's wire name.
        operation: &'static str,
        /// The part's name.
        part: &'static str,
    },
    /// The client checks calls against the PBX's live WSDL
    /// ([`ClientBuilder::check_live_wsdl`](crate::ClientBuilder::check_live_wsdl)), and this
    /// call would send a part the live WSDL does not have for the operation, or has at another
    /// position, or the operation itself is gone: the server would drop the part or read it as
    /// another. Nothing was sent. Regenerate the client from the PBX (`cargo xtask regen --url`).
    #[error(
        "{operation}: {problem}; nothing was sent (regenerate from this PBX with `cargo xtask regen --url`)"
    )]
    LiveWsdlMismatch {
        /// The operation's wire name.
        operation: &'static str,
        /// The part, as this client names it; `None` when the operation itself is missing.
        part: Option<&'static str>,
        /// What differs, in words.
        problem: String,
    },
    /// A parameter's text does not parse as its XSD type (command line and dynamic calls).
    #[error("{operation}: parameter `{param}` must be {expected}, got {value:?}")]
    InvalidValue {
        /// The operation's wire name.
        operation: &'static str,
        /// The part's wire name.
        param: &'static str,
        /// What the type wants, in words.
        expected: &'static str,
        /// The text given.
        value: String,
    },
    /// The request could not be sent or the answer could not be read (connection refused,
    /// reset, TLS failure, DNS). For an action, the service may or may not have acted.
    #[error("{operation}: request to {endpoint} failed")]
    Transport {
        /// The operation's wire name.
        operation: &'static str,
        /// The endpoint, without credentials.
        endpoint: String,
        /// The underlying error.
        #[source]
        source: HttpError,
    },
    /// The TLS handshake failed, most often because the server's certificate is not trusted
    /// (a PBX's self-signed certificate). The request was not sent. `message` says why and, for
    /// a refused certificate, how to trust it: its CA with `--ca-cert FILE`
    /// ([`ClientBuilder::ca_cert_pem`](crate::ClientBuilder::ca_cert_pem)), or the certificate
    /// itself with `--pin-sha256` ([`ClientBuilder::pin_sha256`](crate::ClientBuilder::pin_sha256)).
    #[error("{operation}: TLS with {endpoint} failed: {message}")]
    Tls {
        /// The operation's wire name.
        operation: &'static str,
        /// The endpoint, without credentials.
        endpoint: String,
        /// What failed, and for a refused certificate how to trust it.
        message: String,
        /// The SHA-256 fingerprint of the certificate the server presented (`AB:CD:...`), when
        /// it was refused.
        fingerprint: Option<String>,
    },
    /// The call did not finish in time: connecting, sending, receiving the answer and decoding
    /// it all count against the limit.
    #[error("{operation}: no complete answer from {endpoint} within the time limit")]
    Timeout {
        /// The operation's wire name.
        operation: &'static str,
        /// The endpoint, without credentials.
        endpoint: String,
        /// The underlying error, when the time ran out in the HTTP exchange (`None` when it ran
        /// out while the answer was being decoded).
        #[source]
        source: Option<HttpError>,
    },
    /// The server answered with an HTTP error status and no SOAP fault.
    #[error("{operation}: HTTP {status} from the server{}", excerpt_suffix(.excerpt))]
    Http {
        /// The operation's wire name.
        operation: &'static str,
        /// The HTTP status code.
        status: u16,
        /// The `Content-Type` of the answer, if any.
        content_type: Option<String>,
        /// A short, whitespace-collapsed excerpt of the body (tags stripped from HTML); empty for an empty body.
        excerpt: String,
    },
    /// The service answered with a SOAP Fault (whatever the HTTP status).
    #[error("{operation}: SOAP fault {}: {}", .fault.code, .fault.string)]
    Fault {
        /// The operation's wire name.
        operation: &'static str,
        /// The HTTP status the fault came with (500 usually, 200 on some servers).
        status: u16,
        /// The fault's content.
        fault: Fault,
    },
    /// The answer is bigger than the client accepts (see
    /// [`ClientBuilder::max_response_bytes`](crate::ClientBuilder::max_response_bytes)); it was
    /// refused, never cut. The size counts the body after decompression.
    #[error("{operation}: the answer is larger than the limit of {limit} bytes{}; raise it with ClientBuilder::max_response_bytes", declared_suffix(*.content_length))]
    TooLarge {
        /// The operation's wire name.
        operation: &'static str,
        /// The limit in force, in bytes.
        limit: usize,
        /// The size the server announced in `Content-Length`, when that is what gave it away
        /// (`None` when the limit was crossed while reading).
        content_length: Option<u64>,
    },
    /// A recording being saved could not be written (see `AudioDownloadRequest::save`); the
    /// file system's complaint is the error's source.
    #[error("{operation}: cannot write the recording to {}", path.display())]
    Write {
        /// The operation's wire name.
        operation: &'static str,
        /// The file being written (the temporary one beside the destination, or the
        /// destination when renaming failed).
        path: std::path::PathBuf,
        /// What the file system said.
        source: std::io::Error,
    },
    /// The answer is not a SOAP response we can read: a malformed HTTP head, bad XML, bad
    /// charset, missing or ambiguous parts. Not retried: it would come back the same.
    #[error("{operation}: unreadable SOAP response: {message}")]
    Malformed {
        /// The operation's wire name.
        operation: &'static str,
        /// What was wrong.
        message: String,
        /// A short excerpt of the body around the problem.
        excerpt: String,
    },
    /// The service refused inside its JSON answer (`{"retorno": "Token inválido"}`): HTTP and
    /// SOAP went fine, the PBX said no. The message is the service's, with the call's secrets
    /// redacted (a PBX may echo the token back), control characters escaped and, past 1,000
    /// characters, cut.
    #[error("{operation}: the service said: {message}")]
    Service {
        /// The operation's wire name.
        operation: &'static str,
        /// What kind of refusal the message is.
        kind: ServiceErrorKind,
        /// The service's message, as sent.
        message: String,
    },
    /// A value of the answer does not parse into its type (see [`RowError`]).
    #[error("{0}")]
    Row(Box<RowError>),
    /// An action (startCall, hangupCall, agentLogin...) failed in a way that does not say
    /// whether the PBX carried it out: the connection dropped or timed out after the request
    /// left, or the answer was a 5xx or unreadable. Actions are never retried, so that a call is
    /// never dialled twice; check the PBX's state (the message says how) before trying again.
    /// [`std::error::Error::source`] is the failure itself.
    #[error("{operation}: outcome unknown: the request may have reached the PBX and been carried out; {} before trying again", how_to_check(.operation))]
    OutcomeUnknown {
        /// The operation's wire name.
        operation: &'static str,
        /// What went wrong.
        #[source]
        source: Box<Error>,
    },
    /// The `return` string is not the JSON document the service always sends.
    #[error("{operation}: the answer is not valid JSON: {message}")]
    Json {
        /// The operation's wire name.
        operation: &'static str,
        /// What the JSON parser said.
        message: String,
        /// The `return` text as received, with secrets redacted, control characters escaped
        /// and, past 1,000 characters, cut (saying its length).
        raw: String,
    },
}

fn declared_suffix(content_length: Option<u64>) -> String {
    match content_length {
        Some(n) => format!(" (Content-Length: {n})"),
        None => String::new(),
    }
}

fn excerpt_suffix(excerpt: &str) -> String {
    if excerpt.is_empty() {
        " (empty body)".to_owned()
    } else {
        format!(": {excerpt}")
    }
}

impl Error {
    /// The wire name of the operation that failed, when the error belongs to a call.
    pub fn operation(&self) -> Option<&'static str> {
        match self {
            Error::InvalidUrl { .. } | Error::Config(_) => None,
            Error::Arity { operation, .. }
            | Error::InvalidCharacter { operation, .. }
            | Error::InvalidValue { operation, .. }
            | Error::NoSuchOperation { operation }
            | Error::NoSuchPart { operation, .. }
            | Error::LiveWsdlMismatch { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Tls { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Http { operation, .. }
            | Error::Fault { operation, .. }
            | Error::TooLarge { operation, .. }
            | Error::Write { operation, .. }
            | Error::Malformed { operation, .. }
            | Error::Json { operation, .. }
            | Error::OutcomeUnknown { operation, .. }
            | Error::Service { operation, .. } => Some(operation),
            Error::Row(e) => Some(e.operation),
        }
    }

    /// The SOAP fault, if the service answered with one.
    pub fn fault(&self) -> Option<&Fault> {
        match self {
            Error::Fault { fault, .. } => Some(fault),
            _ => None,
        }
    }

    /// Whether the call ran out of time (see [`Error::Timeout`]; an action's may be wrapped in
    /// [`Error::OutcomeUnknown`], which counts too).
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Timeout { .. } => true,
            Error::OutcomeUnknown { source, .. } => source.is_timeout(),
            _ => false,
        }
    }

    /// Whether the connection could not be made (refused, unreachable, DNS, TLS): the request
    /// never left, so nothing was done.
    pub fn is_connect(&self) -> bool {
        match self {
            Error::Transport { source, .. } => source.is_connect(),
            Error::Tls { .. } => true,
            Error::OutcomeUnknown { source, .. } => source.is_connect(),
            _ => false,
        }
    }

    /// Whether trying the same call again may succeed: a failed or timed-out connection, or an
    /// HTTP 5xx. Reads are retried this way by the client itself ([`crate::Retries`]); an
    /// action never is, and [`Error::OutcomeUnknown`] is never retryable without checking first.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Http { status, .. } => (500..600).contains(status),
            _ => false,
        }
    }

    /// Whether an action may or may not have been carried out (see [`Error::OutcomeUnknown`]).
    pub fn is_outcome_unknown(&self) -> bool {
        matches!(self, Error::OutcomeUnknown { .. })
    }
}

/// A SOAP 1.1 or 1.2 Fault.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Fault {
    /// `faultcode` (1.1) or `Code/Value` (1.2), as written (e.g. `SOAP-ENV:Server`).
    pub code: String,
    /// `faultstring` (1.1) or `Reason/Text` (1.2).
    pub string: String,
    /// `faultactor` (1.1) or `Role` (1.2), if present.
    pub actor: Option<String>,
    /// The text content of `detail` / `Detail`, if present.
    pub detail: Option<String>,
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.string)?;
        if let Some(detail) = self.detail.as_deref().filter(|d| !d.is_empty()) {
            write!(f, " ({detail})")?;
        }
        Ok(())
    }
}
