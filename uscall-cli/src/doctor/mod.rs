//! `uscall doctor`: checks one PBX end to end (name and TCP, TLS, `?wsdl`, drift against the
//! compiled operations, the token, the PBX's clock, latency), one line per check with the fix.

use crate::sanitize;
use crate::{Failure, write_stdout};
use checks::{clock, drift, latency, tcp, tls_check, token_failure};
use clap::{ArgMatches, Command};
use serde::Serialize;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use uscall_client::meta::OperationInfo;
use uscall_client::{Client, Error};

mod checks;

/// The subcommand's name.
pub(crate) const DOCTOR: &str = "doctor";

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
pub(super) enum Status {
    Pass,
    Fail,
    /// Not run: an earlier check it depends on failed.
    Skip,
    /// Works, but worth knowing (plain http).
    Warn,
}

#[derive(Debug, Serialize)]
pub(super) struct Check {
    check: &'static str,
    status: Status,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<String>,
    #[serde(skip_serializing_if = "Value::is_null")]
    data: Value,
}

pub(super) fn check(name: &'static str, status: Status, detail: impl Into<String>) -> Check {
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

/// An error in one line, with its causes.
pub(super) fn error_text(e: &Error) -> String {
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
