//! Everyday jobs on top of the generated subcommands: CDRs over long ranges in windows, saving a
//! recording to a file, and downloading the recordings of a whole range.

use crate::output::{self, Format};
use crate::rows_out::{self, RowPrinter};
use crate::sanitize::{self, Formulas};
use crate::{Failure, check_service, client};
use clap::{Arg, ArgMatches, Command};
use indicatif::{ProgressBar, ProgressStyle};
use jiff::civil::DateTime;
use serde_json::Value;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use uscall_client::enums::AudioFormat;
use uscall_client::meta::OperationInfo;
use uscall_client::{Client, models};

/// The hand-written subcommand that downloads a range's recordings.
pub const RECORDINGS: &str = "recordings";
/// `cdr-search --window`.
pub const WINDOW: &str = "window";
/// `audio-download --output`.
pub const OUTPUT: &str = "output";

const WINDOW_HELP: &str = "Split --dataini..--datafin into windows of this length and stream them in \
order: any span jiff reads (30m, 6h, 1d 6h, 1w, PT6H; a day is 24 hours) or a number of seconds; \
the PBX runs out of memory past roughly 20,000 rows per answer";

/// Adds the workflow flags to the generated subcommands that have them.
pub fn extend(op: &OperationInfo, cmd: Command) -> Command {
    match op.name {
        "cdrSearch" => cmd.arg(Arg::new(WINDOW).long(WINDOW).value_name("SPAN").help(WINDOW_HELP)),
        "audioDownload" => cmd.arg(
            Arg::new(OUTPUT)
                .long(OUTPUT)
                .short('o')
                .value_name("FILE")
                .help("Write the decoded recording to FILE (format from --formato, else from FILE's extension) and print its metadata"),
        ),
        _ => cmd,
    }
}

/// `uscall recordings`.
pub fn recordings_command() -> Command {
    Command::new(RECORDINGS)
        .about("Downloads the recordings of every call in a date range into a folder")
        .long_about(
            "Searches the CDRs of --dataini..--datafin (in windows, see --window) and downloads the \
             recording of every call that has one into DIR as <bilheteunico>.<format>, a few at a \
             time, with a progress bar. Files already in DIR are skipped, so an interrupted run can \
             simply be started again. Failures are listed at the end and make the exit status 1.",
        )
        .next_help_heading(crate::args::PARAMETERS)
        .arg(Arg::new("dataini").long("dataini").required(true).value_name("YYYY-MM-DD HH:MM:SS"))
        .arg(Arg::new("datafin").long("datafin").required(true).value_name("YYYY-MM-DD HH:MM:SS"))
        .arg(Arg::new(OUTPUT).long(OUTPUT).short('o').required(true).value_name("DIR").help("Folder to write the recordings into (created if missing)"))
        .arg(Arg::new("formato").long("formato").value_name("FORMAT").default_value("wav").help("mp3, ogg or wav"))
        .arg(
            Arg::new("jobs")
                .long("jobs")
                .value_name("N")
                .default_value("4")
                .value_parser(clap::value_parser!(u16).range(1..=32))
                .help("Downloads in flight at once"),
        )
        .arg(Arg::new(WINDOW).long(WINDOW).value_name("SPAN").default_value("1d").help(WINDOW_HELP))
}

/// Parses any span jiff reads, in its friendly form (`90s`, `30m`, `1d 6h`, `1w`) or ISO 8601
/// (`PT6H`), with days of 24 hours and weeks of 7 days; or a bare number of seconds. Months and
/// years have no fixed length and are refused.
fn parse_span(text: &str) -> Result<Duration, Failure> {
    let t = text.trim();
    let usage = |why: &str| {
        Failure::usage(format!(
            "--window {:?}: {why}",
            crate::sanitize::for_terminal(text)
        ))
    };
    let length = if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        let secs: i64 = t
            .parse()
            .map_err(|_| usage("use a length like 30m, 6h, 1d 6h, 1w or PT6H"))?;
        jiff::SignedDuration::from_secs(secs)
    } else {
        let span: jiff::Span = t
            .parse()
            .map_err(|_| usage("use a length like 30m, 6h, 1d 6h, 1w or PT6H"))?;
        if span.get_years() != 0 || span.get_months() != 0 {
            return Err(usage(
                "months and years have no fixed length: use days or weeks",
            ));
        }
        span.to_duration(jiff::SpanRelativeTo::days_are_24_hours())
            .map_err(|_| usage("too long"))?
    };
    match Duration::try_from(length) {
        Ok(d) if !d.is_zero() => Ok(d),
        _ => Err(usage("must be longer than zero")),
    }
}

fn parse_time(flag: &str, text: &str) -> Result<DateTime, Failure> {
    match models::de::parse_datetime(text) {
        Ok(Some(t)) => Ok(t),
        _ => Err(Failure::usage(format!(
            "--{flag} {text:?}: use YYYY-MM-DD HH:MM:SS"
        ))),
    }
}

fn arg_index(op: &OperationInfo, name: &str) -> usize {
    op.params
        .iter()
        .position(|p| p.name == name)
        .unwrap_or_else(|| panic!("{} has no part {name}", op.name))
}

/// The cdrSearch windows of `--window` over the range of `--dataini` and `--datafin` (the
/// library's [`uscall_client::typed::CdrWindows`]).
fn windows_of<'c>(
    client: &'c Client,
    op: &'static OperationInfo,
    args: &[Option<String>],
    span: &str,
) -> Result<uscall_client::typed::CdrWindows<'c>, Failure> {
    let arg = |name: &str| args[arg_index(op, name)].clone();
    let (Some(ini), Some(fin)) = (arg("dataini"), arg("datafin")) else {
        return Err(Failure::usage(
            "--window needs both --dataini and --datafin",
        ));
    };
    if arg("idunico").is_some() {
        return Err(Failure::usage("--window searches a range; drop --idunico"));
    }
    let mut windows = client.cdr_search_windows(
        parse_time("dataini", &ini)?,
        parse_time("datafin", &fin)?,
        parse_span(span)?,
    );
    if let Some(origem) = arg("origem") {
        windows = windows.origem(origem);
    }
    if let Some(destino) = arg("destino") {
        windows = windows.destino(destino);
    }
    Ok(windows)
}

/// The raw rows of `cdrSearch` over a range, one window at a time, in order.
async fn each_window(
    client: &Client,
    op: &'static OperationInfo,
    args: Vec<Option<String>>,
    span: &str,
    mut sink: impl FnMut(Vec<Value>) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let mut windows = windows_of(client, op, &args, span)?;
    while let Some(response) = windows.next_response().await {
        let response = response?;
        check_service(op, &response)?;
        sink(output::rows_of(&response.into_redacted_json()))?;
    }
    Ok(())
}

/// `cdr-search --window`: every row printed as it arrives (table holds them to align them);
/// json prints `{"retorno": [...]}` with every window's rows.
pub async fn cdr_windows(
    client: &Client,
    op: &'static OperationInfo,
    args: Vec<Option<String>>,
    span: &str,
    format: Format,
    formulas: Formulas,
) -> Result<(), Failure> {
    let mut windows = windows_of(client, op, &args, span)?;
    let mut printer = RowPrinter::new(format, models::columns(op.name), formulas);
    // A window read whole (a message, a keyed object): its rows once checked for a refusal.
    let whole = |answer: uscall_client::AnswerText| {
        let response = answer.into_response()?;
        check_service(op, &response)?;
        Ok(output::rows_of(&response.into_redacted_json()))
    };
    while let Some(stream) = windows.next_raw_stream() {
        rows_out::print_window(stream, &mut printer, whole).await?;
    }
    printer
        .close(None)
        .map_err(|e| Failure::io("writing the answer", e))
}

/// `audio-download -o FILE`.
pub async fn save_recording(
    client: &Client,
    op: &'static OperationInfo,
    args: Vec<Option<String>>,
    path: &Path,
) -> Result<(), Failure> {
    let id = args[arg_index(op, "idunico")]
        .clone()
        .expect("--idunico is required");
    let format = match &args[arg_index(op, "formato")] {
        Some(f) => AudioFormat::from(f.as_str()),
        None => AudioFormat::from_path(path).unwrap_or(AudioFormat::Wav),
    };
    let saved = client
        .audio_download(id.as_str())
        .formato(format)
        .save(path)
        .await?;
    let mut meta = serde_json::to_value(&saved.recording).unwrap_or_default();
    if let Some(m) = meta.as_object_mut() {
        m.remove("arquivo_base_64");
        m.remove("audio");
        m.insert("arquivo".into(), Value::String(path.display().to_string()));
        m.insert("bytes".into(), Value::from(saved.bytes));
    }
    let mut out = std::io::stdout().lock();
    sanitize::write_json(&mut out, &meta, true)
        .and_then(|()| writeln!(out))
        .map_err(|e| Failure::io("writing the answer", e))
}

/// A file name from a call id: only characters that are safe everywhere.
fn file_stem(id: &str) -> String {
    id.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// `uscall recordings`.
pub async fn recordings(
    operations: &'static [&'static OperationInfo],
    global: &ArgMatches,
    sub: &ArgMatches,
) -> Result<(), Failure> {
    if global.get_flag("dry-run") {
        return Err(Failure::usage(
            "--dry-run shows one request; recordings makes many: try cdr-search --dry-run",
        ));
    }
    let client = client(global, true)?;
    let dir = PathBuf::from(sub.get_one::<String>(OUTPUT).expect("required"));
    let format = AudioFormat::from(
        sub.get_one::<String>("formato")
            .expect("has a default")
            .as_str(),
    );
    if AudioFormat::ALL.iter().all(|f| *f != format) {
        return Err(Failure::usage(format!(
            "--formato {format}: use mp3, ogg or wav"
        )));
    }
    let jobs = usize::from(*sub.get_one::<u16>("jobs").expect("has a default"));
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::io(&format!("creating {}", dir.display()), e))?;

    // The calls of the range that have a recording, from cdrSearch in windows.
    let op = operations
        .iter()
        .copied()
        .find(|op| op.name == "cdrSearch")
        .ok_or_else(|| Failure::usage("this PBX has no cdrSearch operation"))?;
    let mut args: Vec<Option<String>> = vec![None; op.params.len()];
    args[arg_index(op, "dataini")] = sub.get_one::<String>("dataini").cloned();
    args[arg_index(op, "datafin")] = sub.get_one::<String>("datafin").cloned();
    let mut ids = Vec::new();
    each_window(
        &client,
        op,
        args,
        sub.get_one::<String>(WINDOW).expect("has a default"),
        |rows| {
            for row in rows {
                let has_audio = row
                    .get("audio")
                    .and_then(Value::as_str)
                    .is_some_and(|a| !a.trim().is_empty());
                if let (true, Some(id)) =
                    (has_audio, row.get("bilheteunico").and_then(Value::as_str))
                {
                    ids.push(id.to_owned());
                }
            }
            Ok(())
        },
    )
    .await?;

    let (todo, skipped): (Vec<_>, Vec<_>) = ids
        .into_iter()
        .map(|id| {
            let path = dir.join(format!("{}.{}", file_stem(&id), format.extension()));
            (id, path)
        })
        .partition(|(_, path)| !path.metadata().is_ok_and(|m| m.len() > 0));
    let bar = ProgressBar::new(todo.len() as u64);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} recordings {msg}",
        )
        .expect("valid template"),
    );
    let limit = Arc::new(Semaphore::new(jobs));
    let mut tasks = tokio::task::JoinSet::new();
    for (id, path) in todo {
        let (client, limit, bar, format) =
            (client.clone(), limit.clone(), bar.clone(), format.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await.expect("never closed");
            let result = client
                .audio_download(id.as_str())
                .formato(format)
                .save(&path)
                .await
                .map(drop)
                .map_err(|e| Failure::from(e).message);
            bar.inc(1);
            (id, result)
        });
    }
    let mut failures = Vec::new();
    let mut done = 0usize;
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((_, Ok(()))) => done += 1,
            Ok((id, Err(e))) => failures.push((id, e)),
            Err(e) => failures.push(("?".into(), e.to_string())),
        }
    }
    bar.finish_and_clear();
    eprintln!(
        "uscall: recordings: {done} downloaded, {} already in {}, {} failed",
        skipped.len(),
        sanitize::for_terminal(&dir.display().to_string()),
        failures.len()
    );
    failures.sort();
    // The ids and messages come from the server: escaped, so they cannot drive the terminal.
    for (id, e) in &failures {
        eprintln!(
            "uscall: recordings: {}: {}",
            sanitize::for_terminal(id),
            sanitize::for_terminal(e)
        );
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Failure {
            message: format!(
                "recordings: {} of {} downloads failed",
                failures.len(),
                done + failures.len()
            ),
            code: 1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn spans_take_a_unit_and_refuse_zero_and_overflow() {
        assert_eq!(parse_span("90").ok(), Some(Duration::from_secs(90)));
        assert_eq!(parse_span("30m").ok(), Some(Duration::from_secs(1800)));
        assert_eq!(parse_span(" 1d ").ok(), Some(Duration::from_secs(86_400)));
        assert_eq!(
            parse_span("1d 6h").ok(),
            Some(Duration::from_secs(30 * 3600))
        );
        assert_eq!(parse_span("1w").ok(), Some(Duration::from_secs(7 * 86_400)));
        assert_eq!(parse_span("PT6H").ok(), Some(Duration::from_secs(6 * 3600)));
        assert_eq!(parse_span("P1D").ok(), Some(Duration::from_secs(86_400)));
        assert_eq!(parse_span("1.5h").ok(), Some(Duration::from_secs(5400)));
        for bad in [
            "0h",
            "",
            "d",
            "-1d",
            "1mo",
            "P1Y",
            "213503982334602d",
            "99999999999999999999",
        ] {
            assert!(parse_span(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn any_window_text_is_a_span_or_a_usage_error(
            text in prop_oneof![
                any::<String>(),
                "[0-9]{1,22}(s|m|min|h|d|w|mo|y|x)?",
                "P([0-9]{1,20}[YMWD]){0,3}(T[0-9]{1,20}[HMS])?",
            ]
        ) {
            match parse_span(&text) {
                Ok(span) => prop_assert!(!span.is_zero()),
                Err(failure) => prop_assert_eq!(failure.code, 2),
            }
        }
    }
}
