//! The performance harness (`scripts/bench.sh`): prepares NuSOAP answers to size, serves them locally, runs every workload through uscall, the floors and the peers, and writes bench/results.md.
//!
//! Run on demand only; nothing here is part of `cargo test` or CI.

mod check;
mod data;
mod measure;
mod report;
mod responder;

use anyhow::{Context, Result, bail};
use measure::{Job, Output, Sample};
use report::{Outcome, Row};
use responder::Responder;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The fixture PBX's token (the responder does not check it).
const TOKEN: &str = "$1$gcNiVTZp$5IqX.EhuJyLNG7pBc5o4..";
const RECORDING_ID: &str = "1748867415.101";
const RUN_TIMEOUT: Duration = Duration::from_secs(600);
/// The day P7's command lines ask for; the export's asks for `EXPORT_DAY`, which the responder
/// answers with the export's rows (any other cdrSearch gets `--rows`).
const DAY: &str = "2025-06-02";
const EXPORT_DAY: &str = "2025-06-03";
/// Runs of the export group at most: its rows take seconds a run and its target is peak RSS,
/// which varies little between runs.
const EXPORT_RUNS: usize = 3;

const USAGE: &str = "usage: bench [--quick] [--runs N] [--rows N] [--recording-mb N] \
[--calls N[,N...]] [--p5-calls N] [--export-rows N] [--no-million] [--only P1,P2,...] \
[--out FILE] [--serve]";

/// What to run, from the command line.
#[derive(Debug)]
pub struct Config {
    pub quick: bool,
    pub runs: usize,
    pub rows: usize,
    pub recording_mb: usize,
    /// P1's sizes, smallest first: each is its own group of rows; #14's targets are judged at
    /// the largest, the older ones at the smallest. P6 runs the smallest.
    pub calls: Vec<u64>,
    pub p5_calls: u64,
    pub inflight: u64,
    /// P7's export: the rows of the answer the command line exports (1,000,000), unless
    /// `--no-million` (or `--quick`) leaves the group out.
    pub export_rows: usize,
    pub million: bool,
    pub only: Option<Vec<String>>,
    pub out: PathBuf,
    /// Serve the prepared answers until stopped instead of running anything (for profilers).
    pub serve: bool,
}

impl Config {
    fn parse(root: &Path) -> Result<Config> {
        let mut c = Config {
            quick: false,
            runs: 5,
            rows: 100_000,
            recording_mb: 60,
            calls: vec![2_000, 20_000],
            p5_calls: 20_000,
            inflight: 64,
            export_rows: 1_000_000,
            million: true,
            only: None,
            out: root.join("bench/results.md"),
            serve: false,
        };
        let mut runs = None;
        let mut million = None;
        let mut args = std::env::args().skip(1);
        while let Some(flag) = args.next() {
            let mut value = || {
                args.next()
                    .with_context(|| format!("{flag} needs a value; {USAGE}"))
            };
            match flag.as_str() {
                "--quick" => c.quick = true,
                "--serve" => c.serve = true,
                "--runs" => runs = Some(value()?.parse()?),
                "--rows" => c.rows = value()?.parse()?,
                "--recording-mb" => c.recording_mb = value()?.parse()?,
                "--calls" => {
                    c.calls = value()?
                        .split(',')
                        .map(|n| n.trim().replace('_', "").parse())
                        .collect::<Result<_, _>>()?
                }
                "--p5-calls" => c.p5_calls = value()?.parse()?,
                "--export-rows" => {
                    c.export_rows = value()?.replace('_', "").parse()?;
                    million = Some(true);
                }
                "--no-million" => million = Some(false),
                "--only" => {
                    c.only = Some(
                        value()?
                            .split(',')
                            .map(|s| s.trim().to_uppercase())
                            .collect(),
                    )
                }
                "--out" => c.out = PathBuf::from(value()?),
                "-h" | "--help" => {
                    println!("{USAGE}");
                    std::process::exit(0);
                }
                other => bail!("unknown argument {other:?}; {USAGE}"),
            }
        }
        c.runs = runs.unwrap_or(if c.quick { 3 } else { 5 });
        // --quick and --serve leave the export out unless asked for by its size.
        c.million = million.unwrap_or(!c.quick && !c.serve) && c.export_rows > 0;
        if c.quick {
            c.p5_calls = c.p5_calls.min(10_000);
            for n in &mut c.calls {
                *n = (*n).min(10_000);
            }
        }
        c.calls.sort_unstable();
        c.calls.dedup();
        if c.runs == 0 {
            bail!("--runs must be at least 1");
        }
        if c.calls.is_empty() || c.calls.contains(&0) {
            bail!("--calls needs one or more sizes above 0");
        }
        Ok(c)
    }

    /// P1's smallest size (P6 runs it too).
    pub fn calls_min(&self) -> u64 {
        self.calls[0]
    }

    /// P1's largest size, where #14's P1 targets are judged.
    pub fn calls_max(&self) -> u64 {
        self.calls[self.calls.len() - 1]
    }

    pub fn wants(&self, workload: &str) -> bool {
        self.only
            .as_ref()
            .is_none_or(|o| o.iter().any(|w| w == workload))
    }
}

/// A workload's runners: a label and how to start it.
type Jobs = Vec<(String, Job)>;

/// Files and sizes the workloads use.
pub struct Prepared {
    pub dir: PathBuf,
    pub extens_body_bytes: usize,
    pub cdr_body_bytes: usize,
    pub audio_body_bytes: usize,
    pub wav_bytes: usize,
    pub cdr_json: PathBuf,
    /// P7's export answer (`export_rows` rows), if prepared: its length and its file, removed
    /// after the runs (about 510 MB for a million rows).
    pub export_body_bytes: Option<u64>,
    pub export_path: Option<PathBuf>,
    pub b64: PathBuf,
    pub wsdls: Vec<(usize, PathBuf)>,
}

fn main() -> Result<()> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("bench/ has a parent")?
        .to_path_buf();
    let config = Config::parse(&root)?;
    let runner = std::env::current_exe()?
        .with_file_name("bench-runner")
        .to_string_lossy()
        .into_owned();
    if !Path::new(&runner).is_file() {
        bail!("{runner} is missing: build it with `cargo build --release -p uscall-bench`");
    }
    let uscall = std::env::current_exe()?
        .with_file_name("uscall")
        .to_string_lossy()
        .into_owned();
    if config.wants("P7") && !config.serve && !Path::new(&uscall).is_file() {
        bail!(
            "{uscall} is missing: build it with `cargo build --release -p uscall-bench -p uscall-cli` \
             (or leave P7 out: --only P1,P2,...)"
        );
    }
    if !Path::new(measure::TIME).is_file() {
        bail!(
            "{} is missing: apt-get install time (scripts/bench.sh does)",
            measure::TIME
        );
    }
    let php = std::env::var("USCALL_TEST_PHP").unwrap_or_else(|_| "php".into());
    let python = std::env::var("USCALL_TEST_PYTHON").unwrap_or_else(|_| {
        let venv = root.join(".venv-tests/bin/python");
        if venv.is_file() {
            venv.to_string_lossy().into_owned()
        } else {
            "python3".into()
        }
    });

    eprintln!(
        "==> preparing answers ({} rows, {} MB recording)",
        config.rows, config.recording_mb
    );
    let (prepared, answers, specials) = data::prepare(&root, &config)?;
    let responder = Responder::start(answers, specials)?;
    let url = responder.url();
    eprintln!("==> responder on {url}");

    // One uscall call of each operation, so the raw loop replays the very bytes uscall sends.
    measure::run(
        &Job::new(&runner, &["uscall-probe", &url, TOKEN]),
        RUN_TIMEOUT,
    )
    .context("probe run of uscall against the responder")?;
    let mut requests = HashMap::new();
    for op in ["getExtens", "cdrSearch", "audioDownload"] {
        let c = responder
            .captured(op)
            .with_context(|| format!("no {op} request captured"))?;
        let path = prepared.dir.join(format!("request-{op}.txt"));
        let mut text = format!("{}\n{}\n", c.content_type, c.soap_action).into_bytes();
        text.extend_from_slice(&c.body);
        std::fs::write(&path, text)?;
        requests.insert(op, path.to_string_lossy().into_owned());
    }

    if config.serve {
        // The responder and the captured requests stay up for `perf record bench-runner ...`.
        println!("{url}");
        println!("{}", requests["getExtens"]);
        loop {
            std::thread::park();
        }
    }

    let mock_url = serve_the_simulator()?;
    eprintln!("==> uscall-mock on {mock_url}, one core");

    let wsdl = root
        .join("wsdl/wsuscall.wsdl")
        .to_string_lossy()
        .into_owned();
    let php_script = root
        .join("bench/php/soapclient_bench.php")
        .to_string_lossy()
        .into_owned();
    let zeep_script = root
        .join("bench/python/zeep_bench.py")
        .to_string_lossy()
        .into_owned();
    let out_dir = prepared.dir.join("out");
    std::fs::create_dir_all(&out_dir)?;
    let out = |name: &str| out_dir.join(name).to_string_lossy().into_owned();
    let p6_calls = config.calls_min().to_string();
    let p5_calls = config.p5_calls.to_string();
    let inflight = config.inflight.to_string();
    let peer = |program: &str, script: &str, workload: &str, arg: &str| {
        Job::new(program, &[script, workload, &wsdl, &url, TOKEN, arg])
    };

    // A group of rows: the workload, its size (calls for P1, P5 and P6, rows for P7; 0 where
    // that means nothing), its number of runs and its runners, whose runs are interleaved round
    // by round.
    let runs = config.runs;
    let mut plan: Vec<(&str, u64, usize, Jobs)> = Vec::new();
    for &n in &config.calls {
        let calls = n.to_string();
        let mut jobs = vec![
            (
                "uscall (multi-thread runtime)".to_owned(),
                Job::new(&runner, &["uscall-p1", &url, TOKEN, &calls]),
            ),
            (
                "uscall (current-thread runtime)".into(),
                Job::new(&runner, &["uscall-p1-ct", &url, TOKEN, &calls]),
            ),
            (
                "raw hyper POST loop (floor)".into(),
                Job::new(
                    &runner,
                    &["raw-hyper", &url, &requests["getExtens"], &calls],
                ),
            ),
            (
                "raw hyper POST loop, current-thread (floor)".into(),
                Job::new(
                    &runner,
                    &["raw-hyper-ct", &url, &requests["getExtens"], &calls],
                ),
            ),
            (
                "raw reqwest POST loop (floor)".into(),
                Job::new(&runner, &["raw", &url, &requests["getExtens"], &calls, "1"]),
            ),
            (
                "PHP SoapClient".into(),
                peer(&php, &php_script, "p1", &calls),
            ),
        ];
        // zeep takes about 1.2 ms a call: only at the smallest size, where its target is.
        if n == config.calls_min() {
            jobs.push(("zeep".into(), peer(&python, &zeep_script, "p1", &calls)));
        }
        plan.push(("P1", n, runs, jobs));
    }
    let b64_job = Job {
        stdin: Some(prepared.b64.clone()),
        stdout: Output::File(out_dir.join("base64.wav")),
        ..Job::new("base64", &["-d"])
    };
    plan.push((
        "P2",
        0,
        runs,
        vec![
            (
                "uscall".into(),
                Job::new(&runner, &["uscall-p2", &url, TOKEN]),
            ),
            (
                "uscall .stream()".into(),
                Job::new(&runner, &["uscall-p2-stream", &url, TOKEN]),
            ),
            (
                "raw POST loop (floor)".into(),
                Job::new(&runner, &["raw", &url, &requests["cdrSearch"], "1", "1"]),
            ),
            (
                "serde_json → Value (floor)".into(),
                Job::new(
                    &runner,
                    &["json-floor", &prepared.cdr_json.to_string_lossy()],
                ),
            ),
            (
                "PHP SoapClient + json_decode".into(),
                peer(&php, &php_script, "p2", "-"),
            ),
            (
                "zeep + json.loads".into(),
                peer(&python, &zeep_script, "p2", "-"),
            ),
        ],
    ));
    plan.push((
        "P3",
        0,
        runs,
        vec![
            (
                "uscall".into(),
                Job::new(
                    &runner,
                    &["uscall-p3", &url, TOKEN, RECORDING_ID, &out("uscall.wav")],
                ),
            ),
            (
                "raw POST loop (floor)".into(),
                Job::new(
                    &runner,
                    &["raw", &url, &requests["audioDownload"], "1", "1"],
                ),
            ),
            ("base64 -d (floor)".into(), b64_job),
            (
                "PHP SoapClient".into(),
                peer(&php, &php_script, "p3", &out("php.wav")),
            ),
            (
                "zeep".into(),
                peer(&python, &zeep_script, "p3", &out("zeep.wav")),
            ),
        ],
    ));
    plan.push((
        "P4",
        0,
        runs,
        prepared
            .wsdls
            .iter()
            .map(|(ops, path)| {
                (
                    format!("codegen {ops} ops"),
                    Job::new(&runner, &["codegen", &path.to_string_lossy()]),
                )
            })
            .collect(),
    ));
    plan.push((
        "P5",
        config.p5_calls,
        runs,
        vec![
            (
                "uscall".into(),
                Job::new(&runner, &["uscall-p5", &url, TOKEN, &p5_calls, &inflight]),
            ),
            (
                "raw hyper, a connection per call in flight (floor)".into(),
                Job::new(
                    &runner,
                    &[
                        "raw-hyper",
                        &url,
                        &requests["getExtens"],
                        &p5_calls,
                        &inflight,
                    ],
                ),
            ),
            (
                "raw reqwest POST loop (floor)".into(),
                Job::new(
                    &runner,
                    &["raw", &url, &requests["getExtens"], &p5_calls, &inflight],
                ),
            ),
        ],
    ));

    plan.push((
        "P6",
        config.calls_min(),
        runs,
        vec![
            (
                "uscall-mock, raw POST loop".into(),
                Job::new(
                    &runner,
                    &["raw", &mock_url, &requests["getExtens"], &p6_calls, "1"],
                ),
            ),
            (
                "responder, raw POST loop (floor)".into(),
                Job::new(
                    &runner,
                    &["raw", &url, &requests["getExtens"], &p6_calls, "1"],
                ),
            ),
        ],
    ));

    // P7: the `uscall` command line exporting cdrSearch's rows, whole processes timed from
    // outside, standard output counted as it comes; the Value floor timed the same way.
    let cli = |format: &str, day: &str, extra: &[&str]| {
        let mut args = vec![
            "--url",
            url.as_str(),
            "--token",
            TOKEN,
            "cdr-search",
            "--dataini",
            day,
            "--datafin",
            day,
            "--format",
            format,
        ];
        args.extend_from_slice(extra);
        Job {
            stdout: Output::Count,
            ..Job::new(&uscall, &args)
        }
    };
    let mut p7: Jobs = ["json", "jsonl", "csv", "table"]
        .into_iter()
        .map(|f| (format!("uscall cdr-search --format {f}"), cli(f, DAY, &[])))
        .collect();
    p7.push((
        "serde_json → Value (floor)".into(),
        Job {
            wall: true,
            ..Job::new(
                &runner,
                &["json-floor", &prepared.cdr_json.to_string_lossy()],
            )
        },
    ));
    plan.push(("P7", config.rows as u64, runs, p7));
    if prepared.export_body_bytes.is_some() {
        let limit = ["--max-response-bytes", "1073741824"];
        plan.push((
            "P7",
            config.export_rows as u64,
            runs.min(EXPORT_RUNS),
            ["jsonl", "csv"]
                .into_iter()
                .map(|f| {
                    (
                        format!("uscall cdr-search --format {f}"),
                        cli(f, EXPORT_DAY, &limit),
                    )
                })
                .collect(),
        ));
    }

    let mut rows: Vec<Row> = Vec::new();
    for (workload, calls, group_runs, jobs) in plan {
        if !config.wants(workload) {
            continue;
        }
        let mut samples: Vec<Result<Vec<Sample>, String>> = vec![Ok(Vec::new()); jobs.len()];
        for round in 0..group_runs {
            for (i, (label, job)) in jobs.iter().enumerate() {
                let Ok(done) = &mut samples[i] else { continue };
                let unit = if workload == "P7" { "rows" } else { "calls" };
                let size = if calls > 0 {
                    format!(" ({calls} {unit})")
                } else {
                    String::new()
                };
                eprint!(
                    "==> {workload}{size} {label}, run {} of {group_runs} ... ",
                    round + 1,
                );
                let accepted = responder.connections();
                match measure::run(job, RUN_TIMEOUT)
                    .map(|s| Sample {
                        connections: responder.connections() - accepted,
                        ..s
                    })
                    .and_then(|s| {
                        check::check(workload, calls, label, s, &config, &prepared, &out_dir)
                    }) {
                    Ok(s) => {
                        eprintln!(
                            "{:.3} s, {} MB, {} connections",
                            s.seconds,
                            s.rss / 1_000_000,
                            s.connections
                        );
                        done.push(s);
                    }
                    Err(e) => {
                        eprintln!("failed");
                        eprintln!("{e:#}");
                        samples[i] = Err(first_line(&format!("{e:#}")));
                    }
                }
            }
        }
        for ((label, _), result) in jobs.iter().zip(samples) {
            rows.push(Row {
                workload,
                calls,
                runner: label.clone(),
                outcome: match result {
                    Ok(s) => Outcome::Measured(s),
                    Err(e) => Outcome::Failed(e),
                },
            });
        }
    }
    if let Some(path) = &prepared.export_path {
        let _ = std::fs::remove_file(path);
    }
    eprintln!(
        "==> responder served {} answers on {} connections",
        responder.served(),
        responder.connections()
    );

    let machine = report::machine(&php, &python);
    let text = report::markdown(&rows, &config, &prepared, &machine);
    std::fs::write(&config.out, &text)
        .with_context(|| format!("writing {}", config.out.display()))?;
    println!("{text}");
    eprintln!("==> written to {}", config.out.display());
    Ok(())
}

/// Starts uscall-mock on a thread of its own with a single-threaded runtime (one core), for the
/// life of the process; gives its URL.
fn serve_the_simulator() -> Result<String> {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a tokio runtime");
        runtime.block_on(async move {
            match uscall_mock::Pbx::start().await {
                Ok(pbx) => {
                    let _ = sender.send(Ok(pbx.url()));
                    std::future::pending::<()>().await;
                }
                Err(e) => {
                    let _ = sender.send(Err(e));
                }
            }
        });
    });
    Ok(receiver.recv()??)
}

fn first_line(s: &str) -> String {
    let line = s.lines().find(|l| !l.trim().is_empty()).unwrap_or("failed");
    line.chars().take(160).collect()
}
