//! The checks of `uscall doctor` that look at one thing each: TCP, TLS, drift, the token's
//! failure, the PBX's clock, latency; each gives its line with the fix.

use super::{Check, Status, check, error_text};
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use uscall_client::live_wsdl::{self, Change, ChangeKind};
use uscall_client::meta::OperationInfo;
use uscall_client::{Client, Error};

/// How far the PBX's clock may be from this machine's before the check fails. The `Date`
/// header has a resolution of one second, and the request takes a while.
const CLOCK_TOLERANCE: Duration = Duration::from_secs(60);

/// A read slower than this fails the latency check.
const SLOW: Duration = Duration::from_secs(2);

/// Connects to the first address that accepts, each within `limit`.
pub(super) async fn tcp(
    addresses: &[std::net::SocketAddr],
    limit: Duration,
) -> Result<(std::net::SocketAddr, Duration), String> {
    let mut last = String::from("the name has no address");
    for address in addresses {
        let started = Instant::now();
        let attempt = tokio::time::timeout(limit, tokio::net::TcpStream::connect(address)).await;
        match attempt {
            Ok(Ok(_)) => return Ok((*address, started.elapsed())),
            Ok(Err(e)) => last = format!("cannot connect to {address}: {e}"),
            Err(_) => {
                last = format!(
                    "no answer from {address} within {} s (--connect-timeout)",
                    limit.as_secs_f64()
                )
            }
        }
    }
    Err(last)
}

pub(super) async fn tls_check(
    client: &Client,
    url: &uscall_client::reqwest::Url,
    host: &str,
    port: u16,
    limit: Duration,
) -> Check {
    if url.scheme() != "https" {
        return check(
            "tls",
            Status::Warn,
            "not used (http://): the token crosses the network in clear text",
        )
        .fix("use https:// if the PBX serves it");
    }
    let Some(trust) = client.tls_trust().cloned() else {
        return check(
            "tls",
            Status::Skip,
            "the client's own HTTP client decides TLS",
        );
    };
    let host_owned = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let probed =
        tokio::task::spawn_blocking(move || uscall_tls::probe(&host_owned, port, &trust, limit))
            .await;
    let probe = match probed {
        Ok(Ok(probe)) => probe,
        Ok(Err(e)) => {
            return check("tls", Status::Fail, format!("no TLS handshake: {e}"))
                .fix("check that the port in --url serves https");
        }
        Err(e) => return check("tls", Status::Fail, format!("the TLS probe failed: {e}")),
    };
    let cert = &probe.certificate;
    let date = |secs: i64| {
        jiff::Timestamp::from_second(secs)
            .map(|t| t.strftime("%Y-%m-%d").to_string())
            .unwrap_or_else(|_| secs.to_string())
    };
    let pin = cert.fingerprint.to_string();
    let facts = format!(
        "{}, subject {}, issuer {}, valid {} to {}, SHA-256 {pin}",
        probe.protocol,
        cert.subject,
        cert.issuer,
        date(cert.not_before),
        date(cert.not_after)
    );
    let data = json!({
        "protocol": probe.protocol,
        "subject": cert.subject,
        "issuer": cert.issuer,
        "not_before": date(cert.not_before),
        "not_after": date(cert.not_after),
        "sha256": pin,
        "self_signed": cert.self_signed,
        "verified": probe.verified.is_ok(),
    });
    match &probe.verified {
        Ok(()) => check("tls", Status::Pass, format!("verified: {facts}")).data(data),
        Err(why) => check("tls", Status::Fail, format!("not trusted: {why}; {facts}"))
            .fix(format!(
                "if this is your PBX's certificate, pin it: --pin-sha256 {pin} (or give its CA \
                 with --ca-cert FILE)"
            ))
            .data(data),
    }
}

pub(super) fn drift(operations: &[&OperationInfo], live: &[u8]) -> Check {
    let changes = match live_wsdl::compare_with(operations, live) {
        Ok(changes) => changes,
        Err(e) => return check("drift", Status::Fail, error_text(&e)),
    };
    let wire: Vec<&Change> = changes.iter().filter(|c| c.kind.is_wire()).collect();
    let data = Value::Array(changes.iter().map(change_json).collect());
    if wire.is_empty() {
        let detail = if changes.is_empty() {
            format!(
                "the live WSDL matches the {} operations compiled in",
                operations.len()
            )
        } else {
            format!(
                "the live WSDL matches on the wire; {} documentation change(s)",
                changes.len()
            )
        };
        return check("drift", Status::Pass, detail).data(data);
    }
    let lines: Vec<String> = wire.iter().map(|c| change_line(c)).collect();
    check(
        "drift",
        Status::Fail,
        format!(
            "{} difference(s) on the wire: {}",
            wire.len(),
            lines.join("; ")
        ),
    )
    .fix(
        "regenerate from this PBX (cargo xtask regen --url URL) and rebuild; until then, \
         calls of the changed operations may be read wrongly by the PBX",
    )
    .data(data)
}

/// One change in words; a renamed part is the one ext/soap drops in silence.
fn change_line(c: &Change) -> String {
    let what = match c.kind {
        ChangeKind::PartRenamed => format!(
            "part {} is now `{}`: an ext/soap server would ignore this part",
            c.old, c.new
        ),
        ChangeKind::OperationAdded => "added on the PBX".to_owned(),
        ChangeKind::OperationRemoved => "removed from the PBX".to_owned(),
        _ if c.old.is_empty() => format!("{} {}", c.kind.label(), c.new),
        _ if c.new.is_empty() => format!("{} {}", c.kind.label(), c.old),
        _ => format!("{} {} → {}", c.kind.label(), c.old, c.new),
    };
    format!("{}: {what}", c.operation)
}

fn change_json(c: &Change) -> Value {
    json!({
        "operation": c.operation,
        "change": c.kind.label(),
        "wire": c.kind.is_wire(),
        "compiled": c.old,
        "live": c.new,
    })
}

pub(super) fn token_failure(op: &OperationInfo, e: &Error) -> Check {
    let fix = match e {
        Error::Service {
            kind: uscall_client::models::ServiceErrorKind::InvalidToken,
            ..
        } => {
            "the PBX does not know this token: copy the company's token from the PBX's web \
              interface into USCALL_TOKEN (or --token, or a profile)"
        }
        _ => "see the error; `uscall --verbose` shows the exchange",
    };
    check(
        "token",
        Status::Fail,
        format!("{} failed: {}", op.name, error_text(e)),
    )
    .fix(fix)
}

/// The PBX's clock from its `Date` header, against this machine's at the middle of the request.
pub(super) fn clock(date: Option<&str>, took: Duration) -> Check {
    let Some(date) = date else {
        return check("clock", Status::Skip, "the PBX sent no Date header");
    };
    let Ok(theirs) = jiff::fmt::rfc2822::parse(date) else {
        return check(
            "clock",
            Status::Fail,
            format!("unreadable Date header {date:?}"),
        );
    };
    let ours =
        jiff::Timestamp::now() - jiff::SignedDuration::try_from(took / 2).unwrap_or_default();
    // Whole seconds: the header has no finer resolution.
    let ahead = jiff::SignedDuration::from_secs(
        theirs
            .timestamp()
            .duration_since(ours)
            .as_secs_f64()
            .round() as i64,
    );
    let off = ahead.unsigned_abs();
    let data = json!({ "pbx": theirs.timestamp().to_string(), "offset_seconds": ahead.as_secs() });
    let words = if ahead.is_negative() {
        "behind"
    } else {
        "ahead of"
    };
    if off <= CLOCK_TOLERANCE {
        return check(
            "clock",
            Status::Pass,
            format!("within {} s of this machine's", off.as_secs().max(1)),
        )
        .data(data);
    }
    check(
        "clock",
        Status::Fail,
        format!("the PBX's clock is {} {words} this machine's", human(off)),
    )
    .fix(
        "CDR windows (--dataini/--datafim) and \"today\" are the PBX's: set its clock (NTP) or \
         allow for the difference",
    )
    .data(data)
}

/// `42 s`, `3 min 5 s`, and from ten minutes on to the nearest minute (`1 h 0 min`): the
/// `Date` header is good to a second, no more.
fn human(d: Duration) -> String {
    let s = d.as_secs();
    if s < 600 {
        return match (s / 60, s % 60) {
            (0, s) => format!("{s} s"),
            (m, s) => format!("{m} min {s} s"),
        };
    }
    let minutes = (s + 30) / 60;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, m) => format!("{h} h {m} min"),
    }
}

pub(super) fn latency(
    read: &Option<(&'static OperationInfo, Result<(), Error>, Duration)>,
    wsdl: Duration,
) -> Check {
    let (what, took) = match read {
        Some((op, Ok(()), took)) => (op.name, *took),
        _ => ("?wsdl", wsdl),
    };
    let detail = format!("{what} answered in {} ms", took.as_millis());
    let data = json!({ "request": what, "ms": took.as_millis() as u64 });
    if took <= SLOW {
        return check("latency", Status::Pass, detail).data(data);
    }
    check("latency", Status::Fail, detail)
        .fix("the PBX or the path to it is slow: raise --timeout for big reports")
        .data(data)
}

#[cfg(test)]
mod tests {
    use super::human;
    use std::time::Duration;

    #[test]
    fn offsets_read_to_the_second_then_to_the_minute() {
        let h = |s| human(Duration::from_secs(s));
        assert_eq!(h(59), "59 s");
        assert_eq!(h(125), "2 min 5 s");
        assert_eq!(h(599), "9 min 59 s");
        assert_eq!(h(3599), "1 h 0 min");
        assert_eq!(h(3600), "1 h 0 min");
        assert_eq!(h(5429), "1 h 30 min");
    }
}
