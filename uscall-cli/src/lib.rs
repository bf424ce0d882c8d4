//! The `uscall` command line: one subcommand per WSDL operation, built from the generated table.

use clap::ArgMatches;
use std::error::Error as _;
use std::process::ExitCode;
use std::time::Duration;
use uscall_client::meta::OperationInfo;
use uscall_client::xsd::check_text;
use uscall_client::{Client, Error, Response, Retries, models};

mod args;
mod completions;
mod doctor;
mod mock;
mod output;
mod profiles;
mod rows_out;
mod sanitize;
mod table;
mod typed;
mod vendor;
mod version;
mod workflows;

pub use typed::Conventions;

use output::Format;

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

/// Runs the `uscall` command line over `operations`: parses [`std::env::args_os`], calls the
/// service and prints the answer, and returns the exit status (see `uscall --help`). The `uscall`
/// binary passes [`uscall_client::OPERATIONS`]; a test binary can pass another generated table.
///
/// Call it once per process: it installs the global `tracing` subscriber.
pub fn run(operations: &'static [&'static OperationInfo]) -> ExitCode {
    run_with(operations, Conventions { json_answers: true })
}

/// [`run`] over a table generated with other [`Conventions`] than the USCall ones (any WSDL
/// `uscall_codegen` generates a client for).
pub fn run_with(
    operations: &'static [&'static OperationInfo],
    conventions: Conventions,
) -> ExitCode {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("Failed building the Runtime")
        .block_on(dispatch(operations, conventions))
}

/// Parses the arguments, runs the subcommand, and reports a failure on stderr as its exit status.
async fn dispatch(
    operations: &'static [&'static OperationInfo],
    conventions: Conventions,
) -> ExitCode {
    init_tracing();
    let vendor = conventions.json_answers;
    let matches = args::cli(operations, vendor).get_matches();
    let Some((name, sub)) = matches.subcommand() else {
        unreachable!("clap requires a subcommand")
    };
    let result = if name == completions::COMPLETIONS || name == completions::MAN {
        completions::run(args::cli(operations, vendor), name, sub)
    } else if name == mock::MOCK {
        mock::run(&matches, sub).await
    } else if name == doctor::DOCTOR {
        doctor::run(&matches, operations, vendor).await
    } else if name == workflows::RECORDINGS {
        workflows::recordings(operations, &matches, sub).await
    } else {
        let op = operations
            .iter()
            .copied()
            .find(|op| op.cli_name == name)
            .expect("subcommands come from the operations table");
        call(&matches, op, sub, conventions).await
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`uscall ... | head`): nothing more to say.
        Err(failure) if failure.code == 0 => ExitCode::SUCCESS,
        Err(failure) => {
            // The message can hold the server's words: never a control character on the
            // terminal (the library escapes them too; this is the last line of defence).
            eprintln!("uscall: {}", sanitize::for_terminal(&failure.message));
            ExitCode::from(failure.code)
        }
    }
}

/// A failed command: the one line for stderr and the exit status.
#[derive(Debug)]
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

    /// An error writing output or files; a closed pipe on stdout (`uscall ... | head`) is the
    /// quiet stop of code 0, not an error.
    fn io(what: &str, error: std::io::Error) -> Failure {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            return Failure {
                message: String::new(),
                code: 0,
            };
        }
        Failure {
            message: format!("{what}: {error}"),
            code: 1,
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        let (message, code) = describe(&error);
        Failure { message, code }
    }
}

/// An error as one line (the error, then each cause it wraps) and the exit status it gives.
fn describe(error: &Error) -> (String, u8) {
    {
        let code = match error {
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
        (message, code)
    }
}

/// Writes `bytes` to stdout; a closed pipe is the quiet stop of [`Failure::io`].
pub(crate) fn write_stdout(bytes: &[u8]) -> Result<(), Failure> {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| Failure::io("writing the answer", e))
}

/// Builds the client from the global flags, their environment variables and the profile, in
/// that order of precedence; `token`: whether the operation has a token part (a WSDL without
/// one needs no `--token`).
fn client(global: &ArgMatches, token: bool) -> Result<Client, Failure> {
    let profile = profiles::resolve(global)?;
    let url = global
        .get_one::<String>("url")
        .cloned()
        .or(profile.url.clone())
        .ok_or_else(|| {
            Failure::usage(
                "no URL: pass --url https://HOST/aplicativos/webservice/wsuscall.php, set \
                 USCALL_URL or use a profile (--profile)",
            )
        })?;
    let mut builder = Client::builder(&url);
    let value = match global.get_one::<String>("token") {
        Some(value) => Some(value.clone()),
        None if token => profile.token()?,
        None => None,
    };
    match value {
        Some(value) => builder = builder.token(value),
        None if token => {
            return Err(Failure::usage(
                "no token: set USCALL_TOKEN, pass --token or use a profile (--profile)",
            ));
        }
        None => {}
    }
    let ca_cert = global
        .get_one::<String>("ca-cert")
        .map(std::path::PathBuf::from)
        .or(profile.ca_cert.clone());
    if let Some(path) = ca_cert {
        // An unreadable file is reported by `build`.
        builder = builder.ca_cert_file(path);
    }
    let pins: Vec<String> = match global.get_many::<String>("pin-sha256") {
        Some(pins) => pins.cloned().collect(),
        None => profile.pins.clone(),
    };
    for pin in &pins {
        // `--pin-sha256` is checked as it is parsed; a profile's pin is checked here, to name
        // the profile.
        if let (Some(name), Err(e)) = (&profile.name, pin.parse::<uscall_tls::Fingerprint>()) {
            return Err(Failure::usage(format!("profile {name:?}: pin_sha256: {e}")));
        }
        builder = builder.pin_sha256(pin);
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

/// The argument texts of an operation's subcommand, checked against each part's type and, for
/// the USCall table (`vendor`), against the values and formats the vendor document gives.
fn op_args(
    op: &'static OperationInfo,
    sub: &ArgMatches,
    vendor: bool,
) -> Result<Vec<Option<String>>, Failure> {
    let mut args = Vec::with_capacity(op.params.len());
    for p in op.params {
        let value = match sub.get_one::<String>(p.cli_name) {
            Some(text) if !p.token => {
                let text = check_text(p.kind, text).map_err(|expected| {
                    Failure::from(Error::InvalidValue {
                        operation: op.name,
                        param: p.name,
                        expected,
                        value: text.clone(),
                    })
                })?;
                match vendor::part(op.name, p.name).filter(|_| vendor) {
                    Some(doc) => Some(vendor::check(doc.check, &text).map_err(|expected| {
                        Failure::usage(format!(
                            "{}: --{} {:?}: {expected}",
                            op.name,
                            p.cli_name,
                            sanitize::for_terminal(&text)
                        ))
                    })?),
                    None => Some(text),
                }
            }
            _ => None,
        };
        args.push(value);
    }
    Ok(args)
}

/// `--dry-run`: where the call would go and the envelope it would post, secrets redacted.
fn print_dry_run(client: &Client, op: &OperationInfo, envelope: &str) -> Result<(), Failure> {
    let mut url = client.endpoint().clone();
    if let Some(path) = op.path {
        url.set_path(path);
    }
    if url.password().is_some() {
        let _ = url.set_password(Some("redacted"));
    }
    let text = format!(
        "POST {url}\nSOAPAction: \"{}\"\n\n{}\n",
        op.soap_action,
        sanitize::lines_for_terminal(envelope)
    );
    write_stdout(text.as_bytes())
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

async fn call(
    global: &ArgMatches,
    op: &'static OperationInfo,
    sub: &ArgMatches,
    conventions: Conventions,
) -> Result<(), Failure> {
    let format = *global.get_one::<Format>("format").expect("has a default");
    let dry_run = global.get_flag("dry-run");
    let client = client(global, op.params.iter().any(|p| p.token))?;
    let formulas = if global.get_flag("csv-verbatim") {
        sanitize::Formulas::Verbatim
    } else {
        sanitize::Formulas::Neutralise
    };
    let json_answer = typed::json_answer(op, conventions);
    if op.raw().is_none() && !(typed::simple_parts(op) && json_answer) {
        // Parts of the WSDL's own types, or an answer that is not the USCall JSON document.
        let values = typed::values(op, sub)?;
        if dry_run {
            return print_dry_run(&client, op, &client.envelope_values(op, values)?);
        }
        if !json_answer {
            return typed::call(&client, op, values).await;
        }
        let response = client.call_values(op, values).await?;
        return print_response(op, response, format, formulas);
    }
    let args = op_args(op, sub, conventions.json_answers)?;
    let window = sub.try_get_one::<String>(workflows::WINDOW).ok().flatten();
    if dry_run {
        if window.is_some() {
            return Err(Failure::usage(
                "--dry-run shows one request; --window makes one per window: drop one of them",
            ));
        }
        return print_dry_run(&client, op, &client.envelope(op, args)?);
    }
    if let Some(raw) = op.raw() {
        let answer = if raw.one_way {
            client.call_one_way(op, args).await?
        } else {
            client.call_xml(op, args).await?
        };
        // Shown without the token or a password, even where the server echoes them.
        let xml = answer.into_redacted_xml();
        return write_stdout(format!("{}\n", sanitize::lines_for_terminal(&xml)).as_bytes());
    }
    if let Some(window) = window {
        return workflows::cdr_windows(&client, op, args, window, format, formulas).await;
    }
    if let Some(path) = sub.try_get_one::<String>(workflows::OUTPUT).ok().flatten() {
        return workflows::save_recording(&client, op, args, path.as_ref()).await;
    }
    if rows_out::streams(op.name) {
        // Rows printed as they arrive: an export holds one row at a time.
        let mut printer = rows_out::RowPrinter::new(format, models::columns(op.name), formulas);
        return match rows_out::print(client.call_rows(op, args), &mut printer).await? {
            Some(answer) => print_answer(op, answer, format, formulas),
            None => Ok(()),
        };
    }
    if format == Format::Json {
        return print_answer(op, client.call_text(op, args).await?, format, formulas);
    }
    let response = client.call(op, args).await?;
    print_response(op, response, format, formulas)
}

/// Prints a JSON answer read whole (as its text) in `format`, once checked for the service's
/// refusal; json is printed straight from the text, so a huge answer is never held twice.
fn print_answer(
    op: &'static OperationInfo,
    answer: uscall_client::AnswerText,
    format: Format,
    formulas: sanitize::Formulas,
) -> Result<(), Failure> {
    if format != Format::Json {
        return print_response(op, answer.into_response()?, format, formulas);
    }
    answer.check()?;
    let mut out = rows_out::stdout();
    answer
        .write_json(&mut out, true)
        .and_then(|()| std::io::Write::write_all(&mut out, b"\n"))
        .and_then(|()| std::io::Write::flush(&mut out))
        .map_err(|e| Failure::io("writing the answer", e))
}

/// Prints a JSON answer in `format`, once checked for the service's refusal.
fn print_response(
    op: &'static OperationInfo,
    response: Response,
    format: Format,
    formulas: sanitize::Formulas,
) -> Result<(), Failure> {
    check_service(op, &response)?;
    // The answer is shown without the token or a password, even where the PBX echoes them.
    let json = response.into_redacted_json();
    let mut out = std::io::stdout().lock();
    output::print(format, models::columns(op.name), formulas, &json, &mut out)
        .map_err(|e| Failure::io("writing the answer", e))
}
