//! Which operations may be retried, and the retry loop: reads are retried on transient
//! failures, actions (startCall, hangupCall, agentLogin, ...) never are.
//!
//! Retrying a read costs a little load; retrying an action can dial a customer twice. So the
//! classification is an explicit list of reads, reviewed by hand, and anything not on it (an
//! operation that a regen adds, whatever its name) is an action until someone adds it here.

use crate::error::{Error, Result};
use crate::meta::OperationInfo;
use crate::redact::Secrets;
use std::time::Duration;

/// The operations that only read the PBX's state, by wire name, sorted. Each was checked
/// against its `wsdl:documentation`: a query, a report or a download, changing nothing.
///
/// Do not add an operation here because of its name alone (a future `getAndResetCounters`
/// would start with `get`); read what it does first.
const READS: &[&str] = &[
    "agentStatus",
    "audioDownload",
    "ccenterAgents",
    "ccenterAttendForms",
    "ccenterCdr",
    "ccenterMetrics",
    "ccenterMetricsReports",
    "ccenterPauses",
    "ccenterSchedules",
    "ccenterSessions",
    "ccenterSurvey",
    "cdrSearch",
    "cdrTariff",
    "cdrURA",
    "extenStatus",
    "getAgent",
    "getExtens",
    "getPauses",
    "getQueue",
    "listTrunk",
    "listURA",
    "queueStatus",
];

/// Whether the operation with this wire name only reads, and so may be sent again after a
/// transient failure. Every other name, including one this version has never heard of, is an
/// action: sent once, never retried.
pub fn is_read(operation: &str) -> bool {
    READS.binary_search(&operation).is_ok()
}

impl OperationInfo {
    /// Whether this operation only reads, and so may be retried after a transient failure.
    /// Operations are actions unless a reviewed list in the client names them as reads, so an
    /// operation added by a regen is never retried until someone has looked at it.
    pub fn is_read(&self) -> bool {
        is_read(self.name)
    }
}

/// How reads are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retries {
    /// Retries after the first attempt (0 turns retrying off).
    pub max: u32,
    /// Delay before the first retry; doubled each time, with jitter.
    pub base_delay: Duration,
    /// Longest delay between two attempts.
    pub max_delay: Duration,
}

impl Default for Retries {
    fn default() -> Retries {
        Retries {
            max: 2,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl Retries {
    /// No retries at all.
    pub const NONE: Retries = Retries {
        max: 0,
        base_delay: Duration::ZERO,
        max_delay: Duration::ZERO,
    };

    /// The pause before retry number `retry` (1 for the first): "full jitter", uniformly
    /// random between zero and `base_delay * 2^(retry - 1)` capped at `max_delay`, so that
    /// clients failing together do not come back together.
    fn delay(&self, retry: u32) -> Duration {
        let ceiling = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)))
            .min(self.max_delay);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// Whether a failed attempt of a read is worth repeating: the connection failed or timed out,
/// or the server (or a proxy before it) failed with a 5xx. A SOAP fault, a 4xx, an unreadable
/// answer or a refusal from the service would only come back the same.
fn is_transient(error: &Error) -> bool {
    error.is_retryable()
}

/// Whether an action that failed this way may nonetheless have been carried out by the PBX:
/// the request may have left (anything but a failure to connect), and no answer that we can
/// read says what happened (a dropped or timed-out connection, a 5xx, an empty or unreadable
/// answer). A SOAP fault, a 4xx, a redirect or a refusal inside the JSON are answers.
fn may_have_acted(error: &Error) -> bool {
    match error {
        Error::Transport { source, .. }
        | Error::Timeout {
            source: Some(source),
            ..
        } => !(source.is_connect() || source.is_builder()),
        // The time ran out while the answer was decoded: the request was carried.
        Error::Timeout { source: None, .. } => true,
        Error::Http { status, .. } => (500..600).contains(status),
        Error::Malformed { .. } | Error::Json { .. } | Error::TooLarge { .. } => true,
        _ => false,
    }
}

/// An action's error as [`Error::OutcomeUnknown`] when the action may have been carried out.
pub(crate) fn outcome_unknown(op: &OperationInfo, error: Error) -> Error {
    if may_have_acted(&error) {
        Error::OutcomeUnknown {
            operation: op.name,
            source: Box::new(error),
        }
    } else {
        error
    }
}

/// Makes `attempt` with `body`: once for an action, up to `1 + retries.max` times for a read
/// while it fails in a way that may pass.
pub(crate) async fn run_attempts<T, A: Future<Output = Result<T>>>(
    retries: Retries,
    op: &'static OperationInfo,
    body: String,
    secrets: &Secrets,
    mut attempt: impl FnMut(String) -> A,
) -> Result<T> {
    if !is_read(op.name) {
        return attempt(body)
            .await
            .map_err(|error| outcome_unknown(op, error));
    }
    let mut retry = 0;
    loop {
        match attempt(body.clone()).await {
            Err(error) if retry < retries.max && is_transient(&error) => {
                retry += 1;
                let delay = retries.delay(retry);
                // The error holds the server's text: shown only once cleaned, like any error.
                tracing::warn!(
                    target: "uscall",
                    operation = op.name,
                    retry,
                    of = retries.max,
                    delay_ms = delay.as_millis() as u64,
                    error = %secrets.error(error),
                    "transient failure; retrying"
                );
                tokio::time::sleep(delay).await;
            }
            result => return result,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Client;
    use crate::error::how_to_check;
    use crate::models::ServiceErrorKind;

    /// Every operation of the current WSDL, split by hand. A regen that adds an operation
    /// fails here on purpose: decide whether it reads, then update this test (and `READS`).
    #[test]
    fn the_current_operations_split_into_22_reads_and_8_actions() {
        let (reads, actions): (Vec<&str>, Vec<&str>) = Client::operations()
            .iter()
            .map(|op| op.name)
            .partition(|name| is_read(name));
        let mut actions = actions;
        actions.sort_unstable();
        assert_eq!(
            actions,
            [
                "agentLogin",
                "agentLogout",
                "endPause",
                "hangupCall",
                "monitExten",
                "startCall",
                "startCallura",
                "startPause",
            ]
        );
        assert_eq!(reads.len(), 22, "{reads:?}");
        assert_eq!(reads.len() + actions.len(), 30);
        for op in Client::operations() {
            assert_eq!(op.is_read(), is_read(op.name), "{}", op.name);
        }
    }

    /// The list only names operations that exist, so a stale entry is noticed.
    #[test]
    fn reads_are_sorted_and_all_exist() {
        assert!(READS.windows(2).all(|w| w[0] < w[1]), "keep READS sorted");
        for name in READS {
            assert!(
                Client::operations().iter().any(|op| op.name == *name),
                "{name} is in READS but not in the WSDL"
            );
        }
    }

    #[test]
    fn unknown_operations_are_actions() {
        for name in [
            "",
            "deleteEverything",
            "getNewThing",
            "getextens",
            "GetExtens",
        ] {
            assert!(!is_read(name), "{name}");
        }
        assert_eq!(how_to_check("getNewThing"), "check the PBX's state");
    }

    #[test]
    fn every_current_action_has_its_own_advice() {
        for op in Client::operations().iter().filter(|op| !op.is_read()) {
            assert_ne!(how_to_check(op.name), how_to_check(""), "{}", op.name);
        }
    }

    #[test]
    fn only_5xx_among_answers_is_transient() {
        let http = |status| Error::Http {
            operation: "getExtens",
            status,
            content_type: None,
            excerpt: String::new(),
        };
        for status in [500, 502, 503, 504, 599] {
            assert!(is_transient(&http(status)), "{status}");
            assert!(may_have_acted(&http(status)), "{status}");
        }
        for status in [301, 400, 401, 404, 408, 429] {
            assert!(!is_transient(&http(status)), "{status}");
            assert!(!may_have_acted(&http(status)), "{status}");
        }
        let fault = Error::Fault {
            operation: "getExtens",
            status: 500,
            fault: crate::Fault::default(),
        };
        let malformed = Error::Malformed {
            operation: "getExtens",
            message: "HTTP 200 with an empty body".into(),
            excerpt: String::new(),
        };
        let refused = Error::Service {
            operation: "getExtens",
            kind: ServiceErrorKind::InvalidToken,
            message: "Token inválido".into(),
        };
        for error in [&fault, &malformed, &refused] {
            assert!(!is_transient(error), "{error:?}");
        }
        assert!(!may_have_acted(&fault));
        assert!(may_have_acted(&malformed));
        assert!(!may_have_acted(&refused));
    }

    #[test]
    fn delays_grow_with_full_jitter_within_the_cap() {
        let retries = Retries {
            max: 40,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(2),
        };
        for retry in 1..=40 {
            let ceiling = (Duration::from_millis(100) * 2u32.pow(retry.min(10) - 1))
                .min(Duration::from_secs(2));
            for _ in 0..50 {
                assert!(retries.delay(retry) <= ceiling, "retry {retry}");
            }
        }
        // Jitter: not every pause is the ceiling.
        assert!((0..50).any(|_| retries.delay(3) < Duration::from_millis(400)));
        assert_eq!(Retries::NONE.delay(1), Duration::ZERO);
        assert_eq!(Retries::default().max, 2);
    }
}
