//! The test kit on top of the simulated PBX: every request recorded, rules that replace an
//! operation's answer (when its parts match, for a number of times: a sequence), faults of
//! every kind a real PBX or its network shows, and verification of what was called.

use jiff::Timestamp;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;

/// One request the simulator received. Its `Debug` hides the token and password parts.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    /// The operation, as the envelope named it.
    pub operation: String,
    /// The parts in the order sent, each by the name it was sent under; `None` for `xsi:nil`.
    pub parts: Vec<(String, Option<String>)>,
    /// When it arrived, on the simulator's clock.
    pub at: Timestamp,
}

impl std::fmt::Debug for Request {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<(&str, Option<&str>)> = self
            .parts
            .iter()
            .map(|(name, value)| {
                let secret = name == "token" || name.contains("senha") || name.contains("password");
                (
                    name.as_str(),
                    value
                        .as_deref()
                        .map(|v| if secret { "<redacted>" } else { v }),
                )
            })
            .collect();
        f.debug_struct("Request")
            .field("operation", &self.operation)
            .field("parts", &parts)
            .field("at", &self.at)
            .finish()
    }
}

impl Request {
    /// The value of the part sent under `name` (`None` when absent or nil).
    pub fn part(&self, name: &str) -> Option<&str> {
        self.parts
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }
}

/// What the simulator does instead of (or before) its normal answer.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Reply {
    /// Answers `{"retorno": value}`, the state untouched (a refusal is a string).
    Retorno(Value),
    /// A SOAP fault, as NuSOAP writes one, with HTTP 500; the state untouched.
    SoapFault {
        /// `faultcode` (`SOAP-ENV:Server`).
        code: String,
        /// `faultstring`.
        string: String,
        /// `detail`.
        detail: String,
    },
    /// Waits, then answers normally (for time limits).
    Delay(Duration),
    /// Resets the connection (TCP RST) before reading the request's body: nothing was done.
    ResetBeforeRead,
    /// Carries the operation out, then resets the connection instead of answering: the client
    /// cannot know it was done (for an action, the outcome is unknown).
    ResetAfterRead,
    /// HTTP 500 with an empty body; the state untouched.
    Http500Empty,
    /// HTTP 500 with an HTML error page, as Apache or PHP send one; the state untouched.
    Http500Html,
    /// Carries the operation out and answers with a `return` that is not JSON (a PHP warning
    /// before the JSON, as a misconfigured PBX sends).
    MalformedJson,
    /// Carries the operation out and sends half of the answer, its `Content-Length` the whole.
    TruncatedBody,
}

impl Reply {
    /// `Reply::Retorno` of a string: a refusal message (`Token inválido`).
    pub fn refusal(message: &str) -> Reply {
        Reply::Retorno(Value::String(message.to_owned()))
    }

    /// Whether the operation is carried out (its state changes made) before this reply.
    pub(crate) fn acts(&self) -> bool {
        matches!(
            self,
            Reply::Delay(_) | Reply::ResetAfterRead | Reply::MalformedJson | Reply::TruncatedBody
        )
    }
}

type Predicate = Arc<dyn Fn(&Request) -> bool + Send + Sync>;

/// A rule: for `operation` (and requests `when` accepts), `reply`, `remaining` more times
/// (`None`: always).
#[derive(Clone)]
pub(crate) struct Rule {
    pub(crate) operation: String,
    pub(crate) when: Option<Predicate>,
    pub(crate) reply: Reply,
    pub(crate) remaining: Option<usize>,
}

/// The kit's records and rules.
#[derive(Default)]
pub(crate) struct Kit {
    pub(crate) requests: Vec<Request>,
    pub(crate) rules: Vec<Rule>,
}

impl Kit {
    /// The reply the first rule that applies to `request` gives, using one of its times.
    pub(crate) fn reply_for(&mut self, request: &Request) -> Option<Reply> {
        let rule = self.rules.iter_mut().find(|rule| {
            (rule.operation == request.operation || rule.operation == "*")
                && rule.remaining != Some(0)
                && rule.when.as_ref().is_none_or(|when| when(request))
        })?;
        if let Some(n) = rule.remaining.as_mut() {
            *n -= 1;
        }
        Some(rule.reply.clone())
    }
}

/// Builds a rule for one operation (`Pbx::on`); installed by [`RuleBuilder::reply`].
#[must_use = "a rule does nothing until `reply` installs it"]
pub struct RuleBuilder<'p> {
    pub(crate) pbx: &'p crate::Pbx,
    pub(crate) rule: Rule,
}

impl RuleBuilder<'_> {
    /// Applies only to requests `when` accepts (`|r| r.part("agente") == Some("600")`).
    pub fn when(mut self, when: impl Fn(&Request) -> bool + Send + Sync + 'static) -> Self {
        self.rule.when = Some(Arc::new(when));
        self
    }

    /// Applies to the next `n` matching requests only, then the simulator answers normally
    /// again (or the next rule applies): "fail twice, then answer" is `.times(2)`.
    pub fn times(mut self, n: usize) -> Self {
        self.rule.remaining = Some(n);
        self
    }

    /// Installs the rule: matching requests get `reply`. Rules apply in the order installed.
    pub fn reply(self, reply: Reply) {
        let mut rule = self.rule;
        rule.reply = reply;
        self.pbx.kit().rules.push(rule);
    }
}

/// Verification of the calls an operation received (`Pbx::expect`).
pub struct Expectation {
    pub(crate) operation: String,
    pub(crate) requests: Vec<Request>,
}

impl Expectation {
    /// Keeps only the requests `when` accepts.
    pub fn with(mut self, when: impl Fn(&Request) -> bool) -> Self {
        self.requests.retain(|r| when(r));
        self
    }

    /// Panics, listing what was received, unless exactly `n` such requests arrived.
    #[track_caller]
    pub fn times(self, n: usize) {
        assert!(
            self.requests.len() == n,
            "expected {n} {} request(s), got {}: {:#?}",
            self.operation,
            self.requests.len(),
            self.requests
        );
    }

    /// Panics unless none arrived.
    #[track_caller]
    pub fn never(self) {
        self.times(0);
    }

    /// Panics unless at least `n` arrived.
    #[track_caller]
    pub fn at_least(self, n: usize) {
        assert!(
            self.requests.len() >= n,
            "expected at least {n} {} request(s), got {}: {:#?}",
            self.operation,
            self.requests.len(),
            self.requests
        );
    }

    /// The matching requests, for assertions of one's own.
    pub fn requests(&self) -> &[Request] {
        &self.requests
    }
}
