//! The `uscall` command line: one subcommand per WSDL operation, built from the generated table.

use clap::{Arg, ArgAction, ArgMatches, Command};
use std::error::Error as _;
use std::process::ExitCode;
use std::time::Duration;
use uscall_client::meta::OperationInfo;
use uscall_client::xsd::check_text;
use uscall_client::{Client, Error, OPERATIONS, Response, Retries, models};

mod output;
mod sanitize;
mod workflows;

use output::Format;

const EXIT_CODES: &str = "\
Exit status: 0 on success; 1 for other errors; 2 for usage errors; 3 when the service answers \
with a SOAP fault; 4 for an HTTP error status; 5 when the server cannot be reached or times out \
(for an action such as start-call: its outcome is unknown, check before trying again); \
6 when the answer cannot be read (a malformed HTTP head, bad XML, charset or JSON) or is larger \
than --max-response-bytes; 7 when the service refuses in its answer (a bad token, an unknown \
agent...).";

fn cli() -> Command {
    let mut cmd = Command::new("uscall")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Calls the USCall UC PBX webservice and prints its JSON answer")
        .long_about(
            "Calls the USCall UC PBX webservice (SOAP, wsuscall.php) and prints its JSON answer, \
             pretty-printed, on standard output. Every operation of the WSDL is a subcommand; \
             `uscall <operation> --help` lists its parameters.",
        )
        .after_help(EXIT_CODES)
        .subcommand_required(true)
        .arg_required_else_help(true)
        .arg(
            Arg::new("url")
                .long("url")
                .env("USCALL_URL")
                .global(true)
                .value_name("URL")
                .help("Endpoint, its ?wsdl URL, or the PBX base URL (https://HOST)"),
        )
        .arg(
            Arg::new("token")
                .long("token")
                .env("USCALL_TOKEN")
                .hide_env_values(true)
                .global(true)
                .value_name("TOKEN")
                .help(
                    "Company token (prefer USCALL_TOKEN: command lines are visible to other users)",
                ),
        )
        .arg(
            Arg::new("ca-cert")
                .long("ca-cert")
                .global(true)
                .value_name("FILE")
                .help("Also trust this PEM CA certificate (for a self-signed PBX)"),
        )
        .arg(
            Arg::new("pin-sha256")
                .long("pin-sha256")
                .global(true)
                .value_name("HEX")
                .action(ArgAction::Append)
                .value_parser(parse_pin)
                .conflicts_with("insecure")
                .help(
                    "Accept only the server certificate with this SHA-256 fingerprint, whatever \
                     its issuer and name (for a self-signed PBX; wins over --ca-cert; repeatable)",
                ),
        )
        .arg(
            Arg::new("insecure")
                .long("insecure")
                .global(true)
                .action(ArgAction::SetTrue)
                .help(
                    "Do NOT verify the TLS certificate (dangerous; prefer --ca-cert or \
                     --pin-sha256)",
                ),
        )
        .arg(
            Arg::new("timeout")
                .long("timeout")
                .global(true)
                .value_name("SECONDS")
                .value_parser(parse_seconds)
                .help("Limit for a whole call, at most 2592000 (30 days) [default: 120]"),
        )
        .arg(
            Arg::new("connect-timeout")
                .long("connect-timeout")
                .global(true)
                .value_name("SECONDS")
                .value_parser(parse_seconds)
                .help("Limit for connecting, at most 2592000 (30 days) [default: 10]"),
        )
        .arg(
            Arg::new("max-response-bytes")
                .long("max-response-bytes")
                .global(true)
                .value_name("BYTES")
                .value_parser(clap::value_parser!(usize))
                .help("Refuse answers larger than this [default: 536870912, 512 MiB]"),
        )
        .arg(
            Arg::new("retries")
                .long("retries")
                .global(true)
                .value_name("N")
                .value_parser(clap::value_parser!(u32))
                .help(
                    "Retries of a read after a dropped connection, a timeout or an HTTP 5xx; 0 \
                     turns them off. Actions (start-call, hangup-call, agent-login...) are never \
                     retried [default: 2]",
                ),
        );
    cmd = cmd.arg(
        Arg::new("format")
            .long("format")
            .global(true)
            .value_name("FORMAT")
            .value_parser(clap::builder::EnumValueParser::<Format>::new())
            .default_value("json")
            .help(
                "json (whole answer), jsonl (a row per line), csv or table; control characters \
                 from the server are escaped in all of them",
            ),
    );
    cmd = cmd.arg(
        Arg::new("csv-verbatim")
            .long("csv-verbatim")
            .global(true)
            .action(ArgAction::SetTrue)
            .help(
                "Write CSV cells exactly as the PBX sent them. Without it a cell starting with =, \
                 +, -, @, a tab or a line break gets a leading ' so that a spreadsheet shows it \
                 as text: caller ids and names are chosen by callers, and a spreadsheet would run \
                 =HYPERLINK(...) or =cmd|... as a formula. Plain numbers such as -12.50 are left \
                 as they are",
            ),
    );
    for op in OPERATIONS {
        cmd = cmd.subcommand(workflows::extend(op, operation_command(op)));
    }
    cmd.subcommand(workflows::recordings_command())
}

fn operation_command(op: &'static OperationInfo) -> Command {
    let raw = op.raw().map_or(String::new(), |raw| {
        format!(
            "\n\nA raw operation: {}. Every part is sent as text, and the answer's XML is printed.",
            raw.reason
        )
    });
    let mut sub = Command::new(op.cli_name)
        .about(op.summary)
        .long_about(format!(
            "{}\n\nWire operation `{}`, SOAPAction `{}`.{raw}",
            op.documentation, op.name, op.soap_action
        ))
        .after_help(EXIT_CODES);
    for p in op.user_params() {
        let note = if p.required { "" } else { " (optional)" };
        sub = sub.arg(
            Arg::new(p.cli_name)
                .long(p.cli_name)
                .value_name(p.name.to_uppercase())
                .required(p.required)
                .help(format!("Part `{}`, {}{note}", p.name, p.xsd_type)),
        );
    }
    sub
}

/// Checks a `--pin-sha256` value, so a typo is a usage error.
fn parse_pin(text: &str) -> Result<String, String> {
    text.parse::<uscall_tls::Fingerprint>()
        .map(|_| text.to_owned())
        .map_err(|e| e.to_string())
}

/// The longest `--timeout` or `--connect-timeout`: far past any call, so a longer one is a
/// mistake (and `1e20` seconds would not even fit a `Duration`).
const MAX_SECONDS: u64 = 30 * 24 * 3600;

/// Parses a number of seconds in (0, [`MAX_SECONDS`]]. Whatever the text (`inf`, `NaN`,
/// `1e20`, `1e-300`), the answer is a usable duration or a usage error, never a panic.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    let range = || {
        format!(
            "{text:?} is not a number of seconds greater than 0 and at most {MAX_SECONDS} (30 days)"
        )
    };
    let seconds = text.parse::<f64>().map_err(|_| range())?;
    match Duration::try_from_secs_f64(seconds) {
        Ok(d) if !d.is_zero() && d <= Duration::from_secs(MAX_SECONDS) => Ok(d),
        _ => Err(range()),
    }
}

/// Logs to stderr as `RUST_LOG` asks: `RUST_LOG=uscall=warn` shows retries, `uscall=info` a
/// line per call, `uscall=trace` the request and response XML with secrets redacted. Without it
/// only errors are logged, so that a failed command prints its one line and nothing else.
fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    use tracing_subscriber::filter::LevelFilter;
    use tracing_subscriber::fmt::format::FmtSpan;
    let filter = EnvFilter::builder()
        .with_default_directive(LevelFilter::ERROR.into())
        .from_env_lossy();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_span_events(FmtSpan::CLOSE)
        .init();
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    init_tracing();
    let matches = cli().get_matches();
    let Some((name, sub)) = matches.subcommand() else {
        unreachable!("clap requires a subcommand")
    };
    let result = if name == workflows::RECORDINGS {
        workflows::recordings(&matches, sub).await
    } else {
        let op = OPERATIONS
            .iter()
            .copied()
            .find(|op| op.cli_name == name)
            .expect("subcommands come from OPERATIONS");
        run(&matches, op, sub).await
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            // The message can hold the server's words: never a control character on the
            // terminal (the library escapes them too; this is the last line of defence).
            eprintln!("uscall: {}", sanitize::for_terminal(&failure.message));
            ExitCode::from(failure.code)
        }
    }
}

/// A failed command: the one line for stderr and the exit status.
struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    fn usage(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            code: 2,
        }
    }

    /// An error writing output or files.
    fn io(what: &str, error: std::io::Error) -> Failure {
        Failure {
            message: format!("{what}: {error}"),
            code: 1,
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        let code = match &error {
            Error::Fault { .. } => 3,
            Error::Http { .. } => 4,
            Error::Transport { .. }
            | Error::Tls { .. }
            | Error::Timeout { .. }
            | Error::OutcomeUnknown { .. } => 5,
            Error::Malformed { .. }
            | Error::Json { .. }
            | Error::Row(_)
            | Error::TooLarge { .. } => 6,
            Error::Service { .. } => 7,
            Error::InvalidUrl { .. }
            | Error::InvalidValue { .. }
            | Error::InvalidCharacter { .. } => 2,
            _ => 1,
        };
        // One line: the error, then each cause it wraps.
        let mut message = error.to_string();
        let mut source = error.source();
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        let message = message.split_whitespace().collect::<Vec<_>>().join(" ");
        Failure { message, code }
    }
}

/// Builds the client from the global flags and environment.
fn client(global: &ArgMatches) -> Result<Client, Failure> {
    let url = global.get_one::<String>("url").ok_or_else(|| {
        Failure::usage(
            "no URL: pass --url https://HOST/aplicativos/webservice/wsuscall.php or set USCALL_URL",
        )
    })?;
    let token = global
        .get_one::<String>("token")
        .ok_or_else(|| Failure::usage("no token: set USCALL_TOKEN or pass --token"))?;
    let mut builder = Client::builder(url).token(token.as_str());
    if let Some(path) = global.get_one::<String>("ca-cert") {
        builder = builder.ca_cert_file(path)?;
    }
    for pin in global
        .get_many::<String>("pin-sha256")
        .into_iter()
        .flatten()
    {
        builder = builder.pin_sha256(pin)?;
    }
    if global.get_flag("insecure") {
        eprintln!(
            "uscall: warning: TLS certificate verification is OFF (--insecure): anyone on the \
             network path can read the token and change answers; use --ca-cert or --pin-sha256 \
             instead"
        );
        builder = builder.danger_accept_invalid_certs(true);
    }
    if let Some(t) = global.get_one::<Duration>("timeout") {
        builder = builder.timeout(*t);
    }
    if let Some(t) = global.get_one::<Duration>("connect-timeout") {
        builder = builder.connect_timeout(*t);
    }
    if let Some(&bytes) = global.get_one::<usize>("max-response-bytes") {
        builder = builder.max_response_bytes(bytes);
    }
    if let Some(&max) = global.get_one::<u32>("retries") {
        builder = builder.retries(Retries {
            max,
            ..Retries::default()
        });
    }
    Ok(builder.build()?)
}

/// The argument texts of an operation's subcommand, checked against each part's type.
fn op_args(op: &'static OperationInfo, sub: &ArgMatches) -> Result<Vec<Option<String>>, Failure> {
    let mut args = Vec::with_capacity(op.params.len());
    for p in op.params {
        let value = match sub.get_one::<String>(p.cli_name) {
            Some(text) if !p.token => Some(check_text(p.kind, text).map_err(|expected| {
                Failure::from(Error::InvalidValue {
                    operation: op.name,
                    param: p.name,
                    expected,
                    value: text.clone(),
                })
            })?),
            _ => None,
        };
        args.push(value);
    }
    Ok(args)
}

/// Fails with the service's message when the answer is a refusal rather than data, without
/// copying the data.
fn check_service(op: &'static OperationInfo, response: &Response) -> Result<(), Error> {
    if models::columns(op.name).is_some() {
        models::rows::<serde::de::IgnoredAny>(response).map(drop)
    } else {
        models::check(response)
    }
}

async fn run(
    global: &ArgMatches,
    op: &'static OperationInfo,
    sub: &ArgMatches,
) -> Result<(), Failure> {
    let format = *global.get_one::<Format>("format").expect("has a default");
    let client = client(global)?;
    let args = op_args(op, sub)?;
    let formulas = if global.get_flag("csv-verbatim") {
        sanitize::Formulas::Verbatim
    } else {
        sanitize::Formulas::Neutralise
    };
    if let Some(raw) = op.raw() {
        let answer = if raw.one_way {
            client.call_one_way(op, args).await?
        } else {
            client.call_xml(op, args).await?
        };
        // Shown without the token or a password, even where the server echoes them.
        let xml = answer.into_redacted_xml();
        println!("{}", sanitize::lines_for_terminal(&xml));
        return Ok(());
    }
    if let Some(window) = sub.try_get_one::<String>(workflows::WINDOW).ok().flatten() {
        return workflows::cdr_windows(&client, op, args, window, format, formulas).await;
    }
    if let Some(path) = sub.try_get_one::<String>(workflows::OUTPUT).ok().flatten() {
        return workflows::save_recording(&client, op, args, path.as_ref()).await;
    }
    if format == Format::Json {
        // Printed straight from the answer's text: a huge answer is never held twice.
        let answer = client.call_text(op, args).await?;
        answer.check()?;
        let mut out = std::io::stdout().lock();
        return answer
            .write_json(&mut out, true)
            .and_then(|()| std::io::Write::write_all(&mut out, b"\n"))
            .map_err(|e| Failure::io("writing the answer", e));
    }
    let response = client.call(op, args).await?;
    check_service(op, &response)?;
    // The answer is shown without the token or a password, even where the PBX echoes them.
    let json = response.into_redacted_json();
    let mut out = std::io::stdout().lock();
    output::print(format, models::columns(op.name), formulas, &json, &mut out)
        .map_err(|e| Failure::io("writing the answer", e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::ffi::OsString;

    #[test]
    fn seconds_out_of_range_are_usage_errors() {
        for bad in [
            "1e20",
            "1e30",
            "inf",
            "-inf",
            "NaN",
            "0",
            "-1",
            "1e-300",
            "2592000.5",
            "",
            "5s",
        ] {
            let err = parse_seconds(bad).unwrap_err();
            assert!(err.contains("at most 2592000 (30 days)"), "{bad}: {err}");
        }
        assert_eq!(parse_seconds("0.5"), Ok(Duration::from_millis(500)));
        assert_eq!(
            parse_seconds("2592000"),
            Ok(Duration::from_secs(MAX_SECONDS))
        );
    }

    fn in_range(d: Duration) -> bool {
        !d.is_zero() && d <= Duration::from_secs(MAX_SECONDS)
    }

    /// Every long flag of the command line and every subcommand name, to mix into arguments.
    fn words() -> Vec<String> {
        let cmd = cli();
        let mut words: Vec<String> = cmd
            .get_subcommands()
            .flat_map(|sub| {
                let flags = sub.get_arguments().filter_map(|a| a.get_long());
                std::iter::once(sub.get_name().to_owned())
                    .chain(flags.map(|long| format!("--{long}")))
                    .collect::<Vec<_>>()
            })
            .chain(
                cmd.get_arguments()
                    .filter_map(|a| a.get_long())
                    .map(|long| format!("--{long}")),
            )
            .collect();
        words.sort();
        words.dedup();
        words
    }

    fn word() -> impl Strategy<Value = OsString> {
        prop::sample::select(words()).prop_map(OsString::from)
    }

    /// The global flags that take a value (their parsers run wherever they appear).
    fn global_flag() -> impl Strategy<Value = OsString> {
        let flags: Vec<String> = cli()
            .get_arguments()
            .filter(|a| a.get_action().takes_values())
            .filter_map(|a| a.get_long())
            .map(|long| format!("--{long}"))
            .collect();
        prop::sample::select(flags).prop_map(OsString::from)
    }

    /// Values that sit on the edges of the parsers: huge, negative, not numbers, not UTF-8.
    fn value() -> impl Strategy<Value = OsString> {
        let edge = prop::sample::select(vec![
            "1e20",
            "1e30",
            "1e308",
            "inf",
            "NaN",
            "-1",
            "0",
            "18446744073709551616",
            "4294967296",
            "213503982334602d",
            "0s",
            "1d",
            "json",
            "csv",
            "table",
            "-",
            "--",
            "=",
            "",
        ]);
        prop_oneof![
            edge.prop_map(OsString::from),
            any::<String>().prop_map(OsString::from),
            any::<f64>().prop_map(|f| OsString::from(f.to_string())),
            prop::collection::vec(any::<u8>(), 0..6).prop_map(os_bytes),
        ]
    }

    #[cfg(unix)]
    fn os_bytes(bytes: Vec<u8>) -> OsString {
        std::os::unix::ffi::OsStringExt::from_vec(bytes)
    }

    #[cfg(not(unix))]
    fn os_bytes(bytes: Vec<u8>) -> OsString {
        String::from_utf8_lossy(&bytes).into_owned().into()
    }

    proptest! {
        #[test]
        fn seconds_never_panic_on_any_text(
            text in prop_oneof![
                any::<String>(),
                "[-+]?[0-9]{0,40}(\\.[0-9]{0,12})?([eE][-+]?[0-9]{1,3})?",
                "[-+]?(inf|infinity|NaN|nan)",
            ]
        ) {
            if let Ok(d) = parse_seconds(&text) {
                prop_assert!(in_range(d), "{text:?} gave {d:?}");
            }
        }

        #[test]
        fn seconds_never_panic_on_any_number(f in any::<f64>()) {
            for text in [f.to_string(), format!("{f:e}"), format!("{f:?}")] {
                match parse_seconds(&text) {
                    Ok(d) => prop_assert!(in_range(d), "{text:?} gave {d:?}"),
                    Err(_) => prop_assert!(
                        !(f > 0.0 && f <= MAX_SECONDS as f64 && f >= 1e-9),
                        "{text:?} refused"
                    ),
                }
            }
        }

        #[test]
        fn no_argument_list_panics_the_parser(
            groups in prop::collection::vec(
                prop_oneof![
                    word().prop_map(|w| vec![w]),
                    value().prop_map(|v| vec![v]),
                    // A flag and a value, so that each value parser meets the edges.
                    (word(), value()).prop_map(|(w, v)| vec![w, v]),
                    (global_flag(), value()).prop_map(|(f, v)| vec![f, v]),
                ],
                0..6,
            )
        ) {
            let argv = std::iter::once(OsString::from("uscall")).chain(groups.into_iter().flatten());
            if let Ok(matches) = cli().try_get_matches_from(argv) {
                // What run() and client() read must be there with the type they read it as.
                prop_assert!(matches.try_get_one::<Format>("format").is_ok());
                prop_assert!(matches.try_get_one::<Duration>("timeout").is_ok());
                prop_assert!(matches.try_get_one::<Duration>("connect-timeout").is_ok());
                prop_assert!(matches.try_get_one::<usize>("max-response-bytes").is_ok());
                prop_assert!(matches.try_get_one::<u32>("retries").is_ok());
                prop_assert!(matches.try_get_one::<bool>("csv-verbatim").is_ok());
                for t in ["timeout", "connect-timeout"] {
                    if let Some(d) = matches.get_one::<Duration>(t) {
                        prop_assert!(in_range(*d));
                    }
                }
            }
        }
    }
}
