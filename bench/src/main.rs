//! The performance harness (`scripts/bench.sh`): prepares NuSOAP answers to size, serves them locally, runs every workload through uscall, the floors and the peers, and writes bench/results.md.
//!
//! Run on demand only; nothing here is part of `cargo test` or CI.

mod data;
mod measure;
mod report;
mod responder;

use anyhow::{Context, Result, bail};
use measure::{Job, Sample};
use report::{Outcome, Row};
use responder::{Answer, Responder};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The fixture PBX's token (the responder does not check it).
const TOKEN: &str = "$1$gcNiVTZp$5IqX.EhuJyLNG7pBc5o4..";
const RECORDING_ID: &str = "1748867415.101";
const RUN_TIMEOUT: Duration = Duration::from_secs(600);

const USAGE: &str = "usage: bench [--quick] [--runs N] [--rows N] [--recording-mb N] \
[--calls N[,N...]] [--p5-calls N] [--only P1,P2,...] [--out FILE] [--serve]";

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
            only: None,
            out: root.join("bench/results.md"),
            serve: false,
        };
        let mut runs = None;
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

    fn wants(&self, workload: &str) -> bool {
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
    let (prepared, answers) = prepare(&root, &config)?;
    let responder = Responder::start(answers)?;
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

    // A group of rows: the workload, its number of calls (0 where that means nothing) and its
    // runners, whose runs are interleaved round by round.
    let mut plan: Vec<(&str, u64, Jobs)> = Vec::new();
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
        plan.push(("P1", n, jobs));
    }
    let b64_job = Job {
        stdin: Some(prepared.b64.clone()),
        stdout: Some(out_dir.join("base64.wav")),
        ..Job::new("base64", &["-d"])
    };
    plan.push((
        "P2",
        0,
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

    let mut rows: Vec<Row> = Vec::new();
    for (workload, calls, jobs) in plan {
        if !config.wants(workload) {
            continue;
        }
        let mut samples: Vec<Result<Vec<Sample>, String>> = vec![Ok(Vec::new()); jobs.len()];
        for round in 0..config.runs {
            for (i, (label, job)) in jobs.iter().enumerate() {
                let Ok(done) = &mut samples[i] else { continue };
                let size = if calls > 0 {
                    format!(" ({calls} calls)")
                } else {
                    String::new()
                };
                eprint!(
                    "==> {workload}{size} {label}, run {} of {} ... ",
                    round + 1,
                    config.runs
                );
                let accepted = responder.connections();
                match measure::run(job, RUN_TIMEOUT)
                    .map(|s| Sample {
                        connections: responder.connections() - accepted,
                        ..s
                    })
                    .and_then(|s| check(workload, calls, label, s, &config, &prepared, &out_dir))
                {
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

/// Refuses a run whose answer was not the one prepared, so a broken runner cannot look fast.
fn check(
    workload: &str,
    calls: u64,
    label: &str,
    s: Sample,
    c: &Config,
    p: &Prepared,
    out: &Path,
) -> Result<Sample> {
    let floor = label.contains("floor");
    let expect_items = match workload {
        "P1" if !floor => Some(calls * 8),
        "P2" if !label.starts_with("raw") => Some(c.rows as u64),
        _ => None,
    };
    if let Some(n) = expect_items.filter(|n| *n != s.items) {
        bail!("{label}: expected {n} items, got {}", s.items);
    }
    let body = match workload {
        "P1" | "P5" => Some(p.extens_body_bytes),
        "P2" => Some(p.cdr_body_bytes),
        "P3" => Some(p.audio_body_bytes),
        _ => None,
    };
    if let Some(len) = body.filter(|len| label.starts_with("raw") && s.bytes != *len as u64) {
        bail!("{label}: read {} bytes, the answer has {len}", s.bytes);
    }
    // uscall's errors at 64 in flight are a target of their own, reported; a floor with errors
    // is no floor.
    if s.errors > 0 && (floor || workload != "P5") {
        bail!("{label}: {} errors", s.errors);
    }
    if workload == "P3" {
        let file = match label {
            l if l.starts_with("uscall") => Some("uscall.wav"),
            l if l.starts_with("base64") => Some("base64.wav"),
            l if l.starts_with("PHP") => Some("php.wav"),
            l if l.starts_with("zeep") => Some("zeep.wav"),
            _ => None,
        };
        if let Some(name) = file {
            let len = std::fs::metadata(out.join(name))?.len() as usize;
            if len != p.wav_bytes {
                bail!("{label}: wrote {len} bytes, expected {}", p.wav_bytes);
            }
            // Checked; four recordings of 60 MB need not stay on disk.
            std::fs::remove_file(out.join(name))?;
        }
    }
    Ok(s)
}

fn first_line(s: &str) -> String {
    let line = s.lines().find(|l| !l.trim().is_empty()).unwrap_or("failed");
    line.chars().take(160).collect()
}

/// Writes the answers and the floors' inputs into target/bench-data and returns what the
/// responder serves.
fn prepare(root: &Path, c: &Config) -> Result<(Prepared, HashMap<String, Answer>)> {
    let dir = root.join("target/bench-data");
    std::fs::create_dir_all(&dir)?;
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("uscall-mock/src/seed.json"))
            .context("reading uscall-mock/src/seed.json")?,
    )?;
    let mut answers = HashMap::new();
    let mut answer = |op: &str, body: Vec<u8>| {
        let len = body.len();
        answers.insert(
            op.to_owned(),
            Answer {
                head: data::response_head(len),
                body,
            },
        );
        len
    };

    let extens_body_bytes = answer(
        "getExtens",
        data::envelope(
            "getExtens",
            &data::php_json(&serde_json::json!({ "retorno": fixture["extensions"] })),
        ),
    );

    let cdrs = data::fixture_cdrs(&fixture)?;
    let json = data::php_json(&serde_json::json!({ "retorno": data::cdr_rows(&cdrs, c.rows)? }));
    let cdr_json = dir.join("cdrSearch.json");
    std::fs::write(&cdr_json, &json)?;
    let cdr_body_bytes = answer("cdrSearch", data::envelope("cdrSearch", &json));
    drop(json);

    let samples = (c.recording_mb * 1_000_000).saturating_sub(44) / 2;
    let wav = data::wav(samples);
    let (body, b64) = data::audio_answer(&cdrs[0], &wav);
    let b64_path = dir.join("recording.b64");
    std::fs::write(&b64_path, b64)?;
    let audio_body_bytes = answer("audioDownload", body);

    let mut wsdls = vec![(30, root.join("wsdl/wsuscall.wsdl"))];
    for ops in [500, 1000, 2000] {
        let path = dir.join(format!("synthetic-{ops}.wsdl"));
        std::fs::write(&path, data::synthetic_wsdl(ops))?;
        wsdls.push((ops, path));
    }
    Ok((
        Prepared {
            dir,
            extens_body_bytes,
            cdr_body_bytes,
            audio_body_bytes,
            wav_bytes: wav.len(),
            cdr_json,
            b64: b64_path,
            wsdls,
        },
        answers,
    ))
}
