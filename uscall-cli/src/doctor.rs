//! `uscall doctor`: checks one PBX end to end (name and TCP, TLS, `?wsdl`, drift against the
//! compiled operations, the token, the PBX's clock, latency), one line per check with the fix.

use crate::sanitize;
use crate::{Failure, write_stdout};
use clap::{ArgMatches, Command};
use serde::Serialize;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use uscall_client::live_wsdl::{self, Change, ChangeKind};
use uscall_client::meta::OperationInfo;
use uscall_client::{Client, Error};

/// The subcommand's name.
pub(crate) const DOCTOR: &str = "doctor";

/// How far the PBX's clock may be from this machine's before the check fails. The `Date`
/// header has a resolution of one second, and the request takes a while.
const CLOCK_TOLERANCE: Duration = Duration::from_secs(60);

/// A read slower than this fails the latency check.
const SLOW: Duration = Duration::from_secs(2);

/// The read used to check the token: it changes nothing and answers little.
const TOKEN_READ: &str = "getPauses";

pub(crate) fn command() -> Command {
    Command::new(DOCTOR)
        .about("Check one PBX end to end: name and TCP, TLS, ?wsdl, drift, token, clock, latency")
        .long_about(
            "Check one PBX end to end, one line per check, ✓ or ✗ with the fix: name resolution \
             and TCP; TLS (subject, issuer, validity, SHA-256 fingerprint and the --pin-sha256 \
             to use, whether it verifies); ?wsdl reachable; drift between the live WSDL and \
             the operations compiled into this binary; the token, with a harmless read; the \
             PBX's clock against this machine's; round-trip latency. Exits 1 when any check \
             fails. --format json gives the checks as one JSON document.",
        )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Status {
    Pass,
    Fail,
    /// Not run: an earlier check it depends on failed.
    Skip,
    /// Works, but worth knowing (plain http).
    Warn,
}

#[derive(Debug, Serialize)]
struct Check {
    check: &'static str,
    status: Status,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<String>,
    #[serde(skip_serializing_if = "Value::is_null")]
    data: Value,
}

fn check(name: &'static str, status: Status, detail: impl Into<String>) -> Check {
    Check {
        check: name,
        status,
        detail: detail.into(),
        fix: None,
        data: Value::Null,
    }
}

impl Check {
    fn fix(mut self, fix: impl Into<String>) -> Check {
        self.fix = Some(fix.into());
        self
    }

    fn data(mut self, data: Value) -> Check {
        self.data = data;
        self
    }
}

/// Runs every check and prints them; fails (exit 1) when one failed.
pub(crate) async fn run(
    global: &ArgMatches,
    operations: &'static [&'static OperationInfo],
    vendor: bool,
) -> Result<(), Failure> {
    let json_output = crate::output::explicit_json(global);
    let token_op = vendor.then(|| token_read(operations)).flatten();
    let client = crate::client(global, token_op.is_some())?;
    let connect = global
        .get_one::<Duration>("connect-timeout")
        .copied()
        .unwrap_or(uscall_client::DEFAULT_CONNECT_TIMEOUT);
    let checks = checks(&client, operations, token_op, connect).await;
    if json_output {
        let ok = checks.iter().all(|c| c.status != Status::Fail);
        let doc = json!({ "ok": ok, "checks": checks });
        let mut text = serde_json::to_string_pretty(&doc).expect("checks serialise");
        text.push('\n');
        write_stdout(text.as_bytes())?;
    } else {
        write_stdout(table(&checks).as_bytes())?;
    }
    let failed = checks.iter().filter(|c| c.status == Status::Fail).count();
    if failed == 0 {
        return Ok(());
    }
    Err(Failure {
        message: format!("{failed} of {} checks failed", checks.len()),
        code: 1,
    })
}

/// The read the token is checked with: getPauses, else the first read that takes only the token.
fn token_read(operations: &[&'static OperationInfo]) -> Option<&'static OperationInfo> {
    let only_token = |op: &&&'static OperationInfo| {
        uscall_client::is_read(op.name)
            && op.raw().is_none()
            && op.params.iter().any(|p| p.token)
            && op.user_params().next().is_none()
    };
    let candidates: Vec<&'static OperationInfo> =
        operations.iter().filter(only_token).copied().collect();
    candidates
        .iter()
        .find(|op| op.name == TOKEN_READ)
        .or(candidates.first())
        .copied()
}

async fn checks(
    client: &Client,
    operations: &'static [&'static OperationInfo],
    token_op: Option<&'static OperationInfo>,
    connect: Duration,
) -> Vec<Check> {
    let url = client.endpoint().clone();
    let host = url.host_str().unwrap_or_default().to_owned();
    let port = url.port_or_known_default().unwrap_or(443);
    let mut out = Vec::new();
    let skip_rest = |out: &mut Vec<Check>, from: usize, why: &str| {
        for name in &NAMES[from..] {
            out.push(check(name, Status::Skip, why));
        }
    };

    // 1. Name resolution and TCP.
    let addresses = match tokio::net::lookup_host((host.as_str(), port)).await {
        Ok(found) => found.collect::<Vec<_>>(),
        Err(e) => {
            out.push(
                check("dns", Status::Fail, format!("cannot resolve {host}: {e}"))
                    .fix("check the host name in --url, and this machine's DNS"),
            );
            skip_rest(&mut out, 1, "needs the host's address");
            return out;
        }
    };
    let shown: Vec<String> = addresses.iter().map(|a| a.ip().to_string()).collect();
    out.push(
        check(
            "dns",
            Status::Pass,
            format!("{host} is {}", shown.join(", ")),
        )
        .data(json!({ "addresses": shown })),
    );
    match tcp(&addresses, connect).await {
        Ok((address, took)) => out.push(
            check(
                "tcp",
                Status::Pass,
                format!("connected to {address} in {} ms", took.as_millis()),
            )
            .data(json!({ "address": address.to_string(), "ms": took.as_millis() as u64 })),
        ),
        Err(why) => {
            out.push(check("tcp", Status::Fail, why).fix(format!(
                "is the PBX up and listening on port {port}? check the port in --url and any \
                 firewall between this machine and the PBX"
            )));
            skip_rest(&mut out, 2, "needs a TCP connection");
            return out;
        }
    }

    // 2. TLS.
    let tls = tls_check(client, &url, &host, port, connect).await;
    let tls_failed = tls.status == Status::Fail;
    out.push(tls);
    if tls_failed {
        skip_rest(
            &mut out,
            3,
            "needs a TLS connection this client trusts (see tls)",
        );
        return out;
    }

    // 3. ?wsdl, the drift against the compiled operations, the clock.
    let wsdl = match client.fetch_wsdl().await {
        Ok(wsdl) => wsdl,
        Err(e) => {
            out.push(check("wsdl", Status::Fail, error_text(&e)).fix(
                "check the path in --url (the PBX serves the webservice at \
                     /aplicativos/webservice/wsuscall.php)",
            ));
            skip_rest(&mut out, 4, "needs the WSDL");
            return out;
        }
    };
    let server = wsdl
        .server
        .as_deref()
        .map(|s| format!(", Server: {s}"))
        .unwrap_or_default();
    out.push(
        check(
            "wsdl",
            Status::Pass,
            format!(
                "{} bytes in {} ms{server}",
                wsdl.bytes.len(),
                wsdl.elapsed.as_millis()
            ),
        )
        .data(json!({
            "bytes": wsdl.bytes.len(),
            "ms": wsdl.elapsed.as_millis() as u64,
            "server": wsdl.server,
        })),
    );
    out.push(drift(operations, &wsdl.bytes));

    // 4. The token, with a harmless read, and its round trip.
    let read = match token_op {
        Some(op) => {
            let started = Instant::now();
            let args = vec![None; op.params.len()];
            let result = client.call(op, args).await;
            let took = started.elapsed();
            let verdict = result.and_then(|response| crate::check_service(op, &response));
            Some((op, verdict, took))
        }
        None => None,
    };
    out.push(match &read {
        None => check(
            "token",
            Status::Skip,
            "this WSDL has no read that takes only the token",
        ),
        Some((op, Ok(()), _)) => check(
            "token",
            Status::Pass,
            format!("accepted ({} answered)", op.name),
        ),
        Some((op, Err(e), _)) => token_failure(op, e),
    });
    out.push(clock(wsdl.date.as_deref(), wsdl.elapsed));
    out.push(latency(&read, wsdl.elapsed));
    out
}

/// The checks in order, for the ones skipped after a failure.
const NAMES: [&str; 8] = [
    "dns", "tcp", "tls", "wsdl", "drift", "token", "clock", "latency",
];

/// Connects to the first address that accepts, each within `limit`.
async fn tcp(
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

async fn tls_check(
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

fn drift(operations: &[&OperationInfo], live: &[u8]) -> Check {
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

fn token_failure(op: &OperationInfo, e: &Error) -> Check {
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
fn clock(date: Option<&str>, took: Duration) -> Check {
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

fn latency(
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

/// An error in one line, with its causes.
fn error_text(e: &Error) -> String {
    crate::describe(e).0
}

/// The checks as lines: mark, name, what was found; the fix under a failure.
fn table(checks: &[Check]) -> String {
    let mut out = String::new();
    for c in checks {
        let mark = match c.status {
            Status::Pass => "✓",
            Status::Fail => "✗",
            Status::Skip => "-",
            Status::Warn => "!",
        };
        let detail = sanitize::for_terminal(&c.detail);
        out.push_str(&format!("{mark} {:<8} {detail}\n", c.check));
        if let Some(fix) = &c.fix
            && c.status != Status::Pass
        {
            out.push_str(&format!(
                "  {:<8} fix: {}\n",
                "",
                sanitize::for_terminal(fix)
            ));
        }
    }
    out
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
