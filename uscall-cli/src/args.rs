//! The command line's arguments: the global flags, a subcommand per operation of the table, and
//! the parsers that turn flag values into usage errors rather than panics.

use crate::output::Format;
use crate::workflows;
use clap::{Arg, ArgAction, Command};
use std::time::Duration;
use uscall_client::meta::OperationInfo;

const EXIT_CODES: &str = "\
Exit status: 0 on success; 1 for other errors; 2 for usage errors; 3 when the service answers \
with a SOAP fault; 4 for an HTTP error status; 5 when the server cannot be reached or times out \
(for an action such as start-call: its outcome is unknown, check before trying again); \
6 when the answer cannot be read (a malformed HTTP head, bad XML, charset or JSON) or is larger \
than --max-response-bytes; 7 when the service refuses in its answer (a bad token, an unknown \
agent...). A list is printed as its rows arrive: when an error ends it after rows were \
printed, they stay on standard output, incomplete, and the exit status is the error's.";

const SETTINGS: &str = "\
Settings: every global option can also be set by its environment variable (shown beside it, e.g. \
USCALL_URL, USCALL_TIMEOUT); a flag wins over its variable, and both win over the profile. A \
profile is a [profiles.NAME] table of ~/.config/uscall/config.toml ($XDG_CONFIG_HOME/uscall/ \
when set, or --config FILE) with url, one of token / token_command (its output is the token) / \
token_env (a variable holding it), ca_cert and pin_sha256; --profile NAME or USCALL_PROFILE \
picks one, else the file's `default = \"NAME\"`.";

/// The heading of the flags every subcommand takes.
const GLOBAL: &str = "Global options";
/// The heading of an operation's parts.
pub(crate) const PARAMETERS: &str = "Parameters";

/// The whole command line: the global flags, a subcommand per operation of `operations`, and the
/// hand-written workflows. `vendor`: the table is the USCall one, so the vendor document's
/// sentences describe its parts.
pub(crate) fn cli(operations: &'static [&'static OperationInfo], vendor: bool) -> Command {
    let mut cmd = Command::new("uscall")
        .version(crate::version::long(operations))
        .about("Calls the USCall UC PBX webservice and prints its JSON answer")
        .long_about(
            "Calls the USCall UC PBX webservice (SOAP, wsuscall.php) and prints its JSON answer, \
             pretty-printed, on standard output. Every operation of the WSDL is a subcommand; \
             `uscall <operation> --help` lists its parameters.",
        )
        .after_help(format!("{SETTINGS}\n\n{EXIT_CODES}"))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .next_help_heading(GLOBAL)
        .arg(
            Arg::new("profile")
                .long("profile")
                .env("USCALL_PROFILE")
                .global(true)
                .value_name("NAME")
                .help("Use the PBX of this profile of the config file (see Settings below)"),
        )
        .arg(
            Arg::new("config")
                .long("config")
                .env("USCALL_CONFIG")
                .global(true)
                .value_name("FILE")
                .help("The config file of the profiles [default: ~/.config/uscall/config.toml]"),
        )
        .arg(
            Arg::new("dry-run")
                .long("dry-run")
                .env("USCALL_DRY_RUN")
                .value_parser(clap::builder::FalseyValueParser::new())
                .global(true)
                .action(ArgAction::SetTrue)
                .help(
                    "Print the request that would be sent (URL, SOAPAction and envelope, the \
                     token and passwords redacted) and send nothing: for actions such as \
                     start-call, what would be dialled",
                ),
        )
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
                .env("USCALL_CA_CERT")
                .global(true)
                .value_name("FILE")
                .help("Also trust this PEM CA certificate (for a self-signed PBX)"),
        )
        .arg(
            Arg::new("pin-sha256")
                .long("pin-sha256")
                .env("USCALL_PIN_SHA256")
                .global(true)
                .value_name("HEX")
                .action(ArgAction::Append)
                .value_delimiter(',')
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
                .env("USCALL_INSECURE")
                .value_parser(clap::builder::FalseyValueParser::new())
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
                .env("USCALL_TIMEOUT")
                .global(true)
                .value_name("SECONDS")
                .value_parser(parse_seconds)
                .help("Limit for a whole call, at most 2592000 (30 days) [default: 120]"),
        )
        .arg(
            Arg::new("connect-timeout")
                .long("connect-timeout")
                .env("USCALL_CONNECT_TIMEOUT")
                .global(true)
                .value_name("SECONDS")
                .value_parser(parse_seconds)
                .help("Limit for connecting, at most 2592000 (30 days) [default: 10]"),
        )
        .arg(
            Arg::new("max-response-bytes")
                .long("max-response-bytes")
                .env("USCALL_MAX_RESPONSE_BYTES")
                .global(true)
                .value_name("BYTES")
                .value_parser(clap::value_parser!(usize))
                .help("Refuse answers larger than this [default: 536870912, 512 MiB]"),
        )
        .arg(
            Arg::new("retries")
                .long("retries")
                .env("USCALL_RETRIES")
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
            .env("USCALL_FORMAT")
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
            .env("USCALL_CSV_VERBATIM")
            .value_parser(clap::builder::FalseyValueParser::new())
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
    for op in operations {
        cmd = cmd.subcommand(workflows::extend(op, operation_command(op, vendor)));
    }
    cmd.subcommand(workflows::recordings_command())
        .subcommand(crate::doctor::command())
        .subcommand(crate::mock::command())
        .subcommand(crate::completions::completions_command())
        .subcommand(crate::completions::man_command())
}

/// The help of a part: the vendor document's sentence where it has one, else its type.
fn part_help(op: &OperationInfo, p: &uscall_client::meta::ParamInfo, vendor: bool) -> String {
    match crate::vendor::part(op.name, p.name).filter(|_| vendor) {
        Some(doc) if p.required => doc.help,
        Some(doc) => format!("{} (optional)", doc.help),
        None => crate::typed::help(p),
    }
}

fn operation_command(op: &'static OperationInfo, vendor: bool) -> Command {
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
        .after_help(EXIT_CODES)
        .next_help_heading(PARAMETERS);
    for p in op.user_params() {
        sub = sub.arg(
            Arg::new(p.cli_name)
                .long(p.cli_name)
                .value_name(p.name.to_uppercase())
                .required(p.required)
                .help(part_help(op, p, vendor)),
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
        let cmd = cli(uscall_client::OPERATIONS, true);
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
        let flags: Vec<String> = cli(uscall_client::OPERATIONS, true)
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
            if let Ok(matches) = cli(uscall_client::OPERATIONS, true).try_get_matches_from(argv) {
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
