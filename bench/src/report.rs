//! The markdown report: the machine, a table of measurements (medians, min–max, ratios, peak RSS) and a table of the issue's targets with PASS or MISS.

use crate::measure::{Sample, stats};
use crate::{Config, Prepared};
use std::fmt::Write as _;
use std::process::Command;

/// What one runner gave in one workload.
pub enum Outcome {
    Measured(Vec<Sample>),
    Failed(String),
}

pub struct Row {
    pub workload: &'static str,
    pub runner: String,
    pub outcome: Outcome,
}

impl Row {
    fn samples(&self) -> Option<&[Sample]> {
        match &self.outcome {
            Outcome::Measured(s) if !s.is_empty() => Some(s),
            _ => None,
        }
    }

    fn median_seconds(&self) -> Option<f64> {
        let s = self.samples()?;
        Some(stats(&s.iter().map(|x| x.seconds).collect::<Vec<_>>()).0)
    }

    fn median_rss(&self) -> Option<f64> {
        let s = self.samples()?;
        Some(stats(&s.iter().map(|x| x.rss as f64).collect::<Vec<_>>()).0)
    }
}

fn find<'a>(rows: &'a [Row], workload: &str, prefix: &str) -> Option<&'a Row> {
    rows.iter()
        .find(|r| r.workload == workload && r.runner.starts_with(prefix))
}

fn time(seconds: f64) -> String {
    if seconds >= 1.0 {
        format!("{seconds:.2} s")
    } else if seconds >= 0.001 {
        format!("{:.1} ms", seconds * 1e3)
    } else {
        format!("{:.0} µs", seconds * 1e6)
    }
}

fn mb(bytes: f64) -> String {
    format!("{:.0} MB", bytes / 1e6)
}

/// The machine and tool versions, for the report's header.
pub fn machine(php: &str, python: &str) -> String {
    let sh = |cmd: &str, args: &[&str]| {
        Command::new(cmd)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_else(|| "?".into())
    };
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "?".into());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_gb = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or("?".into(), |kb| format!("{:.0} GB", kb / 1e6));
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "{cpu}, {cores} cores, {mem_gb} RAM; Linux {}; {}; PHP {}; Python {} with zeep {}",
        sh("uname", &["-r"]),
        sh("rustc", &["--version"]),
        sh(php, &["-r", "echo PHP_VERSION;"]),
        sh(python, &["-c", "import sys; print(sys.version.split()[0])"]),
        sh(python, &["-c", "import zeep; print(zeep.__version__)"]),
    )
}

/// The whole results file.
pub fn markdown(rows: &[Row], c: &Config, p: &Prepared, machine: &str) -> String {
    let mut out = String::new();
    let w = &mut out;
    writeln!(w, "# Benchmark results\n").unwrap();
    writeln!(w, "Written by `scripts/bench.sh{}` (do not edit by hand; see bench/README.md for what each workload is).\n", if c.quick { " --quick" } else { "" }).unwrap();
    writeln!(w, "- Machine: {machine}").unwrap();
    writeln!(w, "- Runs: {} per runner (median, min–max); each run is its own process, its peak RSS from GNU time (`%M`).", c.runs).unwrap();
    writeln!(w, "- P1: {} sequential getExtens calls (8 rows, {} B answer), uscall on tokio's multi-thread and current-thread runtimes; floors: hyper's client connection on one connection, and a reqwest loop. P2: cdrSearch of {} rows, {} answer. P3: audioDownload of a {} WAV, {} answer. P5: {} getExtens calls, {} in flight. P6: the same getExtens calls as P1, served by uscall-mock on one core, against the responder's canned answers.",
        c.calls, p.extens_body_bytes, c.rows, mb(p.cdr_body_bytes as f64), mb(p.wav_bytes as f64), mb(p.audio_body_bytes as f64), c.p5_calls, c.inflight).unwrap();
    writeln!(w, "- Times are the workload's own, measured inside each runner after it is set up (client built, WSDL read); `base64 -d` is timed from outside (process included).\n").unwrap();

    writeln!(w, "## Measurements\n").unwrap();
    writeln!(w, "| workload | runner | median | min – max | rate | uscall ÷ floor | peer ÷ uscall | peak RSS |").unwrap();
    writeln!(w, "|---|---|---:|---:|---:|---:|---:|---:|").unwrap();
    for r in rows {
        let uscall = find(rows, r.workload, "uscall").and_then(Row::median_seconds);
        match (&r.outcome, r.samples()) {
            (_, Some(s)) => {
                let (median, min, max) = stats(&s.iter().map(|x| x.seconds).collect::<Vec<_>>());
                let rss = r.median_rss().unwrap_or(0.0);
                let floor = r.runner.contains("floor");
                let is_uscall = r.runner.starts_with("uscall");
                let ratio_floor = match (floor, uscall) {
                    (true, Some(u)) => format!("{:.2}×", u / median),
                    _ => String::new(),
                };
                let ratio_peer = match (!floor && !is_uscall && r.workload != "P4", uscall) {
                    (true, Some(u)) => format!("{:.2}×", median / u),
                    _ => String::new(),
                };
                writeln!(
                    w,
                    "| {} | {} | {} | {} – {} | {} | {} | {} | {} |",
                    r.workload,
                    r.runner,
                    time(median),
                    time(min),
                    time(max),
                    rate(r.workload, median, c, p, s),
                    ratio_floor,
                    ratio_peer,
                    mb(rss)
                )
                .unwrap();
            }
            (Outcome::Failed(e), _) => {
                writeln!(
                    w,
                    "| {} | {} | failed: {} | | | | | |",
                    r.workload,
                    r.runner,
                    e.replace('|', "\\|")
                )
                .unwrap();
            }
            _ => {}
        }
    }

    writeln!(w, "\n## Targets\n").unwrap();
    writeln!(w, "| target | goal | measured | result |").unwrap();
    writeln!(w, "|---|---|---:|---|").unwrap();
    for t in targets(rows, p, c.calls as usize) {
        let (measured, result) = match t.measured {
            Some((text, ok)) => (text, if ok { "PASS" } else { "MISS" }),
            None => ("not measured".into(), "n/a"),
        };
        writeln!(w, "| {} | {} | {} | {} |", t.name, t.goal, measured, result).unwrap();
    }
    out
}

fn rate(workload: &str, median: f64, c: &Config, p: &Prepared, s: &[Sample]) -> String {
    match workload {
        "P1" => format!("{:.0} µs/call", median * 1e6 / c.calls as f64),
        "P2" => format!("{:.0} MB/s", p.cdr_body_bytes as f64 / 1e6 / median),
        "P3" => format!("{:.0} MB/s", p.audio_body_bytes as f64 / 1e6 / median),
        "P4" => format!("{:.2} ms/op", median * 1e3 / s[0].items.max(1) as f64),
        "P5" => {
            let errors: u64 = s.iter().map(|x| x.errors).sum();
            format!("{:.0} calls/s, {errors} errors", c.p5_calls as f64 / median)
        }
        "P6" => format!("{:.0} calls/s", c.calls as f64 / median),
        _ => String::new(),
    }
}

struct Target {
    name: &'static str,
    goal: &'static str,
    /// The measured value as text and whether it meets the goal; `None` if not measured.
    measured: Option<(String, bool)>,
}

fn targets(rows: &[Row], p: &Prepared, calls: usize) -> Vec<Target> {
    let t = |w: &str, prefix: &str| find(rows, w, prefix).and_then(Row::median_seconds);
    let rss = |w: &str, prefix: &str| find(rows, w, prefix).and_then(Row::median_rss);
    let ratio = |a: Option<f64>, b: Option<f64>| Some(a? / b?);
    let at_most = |r: Option<f64>, goal: f64| r.map(|r| (format!("{r:.2}×"), r <= goal));
    let at_least = |r: Option<f64>, goal: f64| r.map(|r| (format!("{r:.2}×"), r >= goal));
    let below = |r: Option<f64>, goal: f64| r.map(|r| (format!("{r:.2}×"), r < goal));
    let r_above = |r: Option<f64>, goal: f64| r.map(|r| (format!("{r:.2}×"), r > goal));
    let codegen = |ops: usize| {
        rows.iter()
            .find(|r| r.workload == "P4" && r.runner == format!("codegen {ops} ops"))
            .and_then(Row::median_seconds)
    };
    let peers_rss = [rss("P2", "PHP"), rss("P2", "zeep")];
    let min_peer = peers_rss.iter().flatten().copied().reduce(f64::min);
    let p5_errors = find(rows, "P5", "uscall")
        .and_then(Row::samples)
        .map(|s| s.iter().map(|x| x.errors).sum::<u64>());
    let growth = ratio(codegen(2000), codegen(500));
    vec![
        Target {
            name: "P1 uscall current-thread ÷ raw hyper loop (#14)",
            goal: "≤ 1.3×",
            measured: at_most(ratio(t("P1", "uscall (current"), t("P1", "raw hyper")), 1.3),
        },
        Target {
            name: "P1 uscall multi-thread ÷ raw hyper loop (#14)",
            goal: "≤ 1.6×",
            measured: at_most(ratio(t("P1", "uscall (multi"), t("P1", "raw hyper")), 1.6),
        },
        Target {
            name: "P1 PHP SoapClient ÷ uscall current-thread (#14)",
            goal: "> 1× (faster)",
            measured: r_above(ratio(t("P1", "PHP"), t("P1", "uscall (current")), 1.0),
        },
        Target {
            name: "P1 uscall multi-thread ÷ raw reqwest loop",
            goal: "≤ 1.2×",
            measured: at_most(ratio(t("P1", "uscall (multi"), t("P1", "raw reqwest")), 1.2),
        },
        Target {
            name: "P1 PHP SoapClient ÷ uscall multi-thread",
            goal: "≥ 1.4×",
            measured: at_least(ratio(t("P1", "PHP"), t("P1", "uscall (multi")), 1.4),
        },
        Target {
            name: "P1 zeep ÷ uscall",
            goal: "≥ 10×",
            measured: at_least(ratio(t("P1", "zeep"), t("P1", "uscall (multi")), 10.0),
        },
        Target {
            name: "P2 uscall ÷ serde_json → Value",
            goal: "< 1× (faster)",
            measured: below(ratio(t("P2", "uscall"), t("P2", "serde_json")), 1.0),
        },
        Target {
            name: "P2 PHP SoapClient + json_decode ÷ uscall",
            goal: "≥ 1.5×",
            measured: at_least(ratio(t("P2", "PHP"), t("P2", "uscall")), 1.5),
        },
        Target {
            name: "P2 peak RSS uscall vs every peer",
            goal: "below the lowest peer",
            measured: rss("P2", "uscall")
                .zip(min_peer)
                .map(|(u, m)| (format!("{} vs {}", mb(u), mb(m)), u < m)),
        },
        Target {
            name: "P3 uscall ÷ base64 -d",
            goal: "≤ 1.5×",
            measured: at_most(ratio(t("P3", "uscall"), t("P3", "base64")), 1.5),
        },
        Target {
            name: "P3 PHP SoapClient ÷ uscall",
            goal: "≥ 3×",
            measured: at_least(ratio(t("P3", "PHP"), t("P3", "uscall")), 3.0),
        },
        Target {
            name: "P3 peak RSS uscall ÷ file size",
            goal: "≤ 1.5×",
            measured: rss("P3", "uscall")
                .map(|r| r / p.wav_bytes as f64)
                .map(|r| {
                    (
                        format!("{r:.2}× ({})", mb(r * p.wav_bytes as f64)),
                        r <= 1.5,
                    )
                }),
        },
        Target {
            name: "P3 stretch: constant memory (streaming)",
            goal: "peak RSS below the file size (only streaming can)",
            measured: rss("P3", "uscall").map(|r| (mb(r), r < p.wav_bytes as f64)),
        },
        Target {
            name: "P4 codegen, 30 operations",
            goal: "< 50 ms",
            measured: codegen(30).map(|s| (time(s), s < 0.05)),
        },
        Target {
            name: "P4 codegen, 2,000 operations",
            goal: "< 1 s",
            measured: codegen(2000).map(|s| (time(s), s < 1.0)),
        },
        Target {
            name: "P4 growth 500 → 2,000 operations",
            goal: "linear: ≤ 5× for 4× the operations",
            measured: growth.map(|g| {
                (
                    format!(
                        "{g:.2}× ({} → {} → {})",
                        time(codegen(500).unwrap_or(0.0)),
                        time(codegen(1000).unwrap_or(0.0)),
                        time(codegen(2000).unwrap_or(0.0))
                    ),
                    g <= 5.0,
                )
            }),
        },
        Target {
            name: "P6 uscall-mock on one core",
            goal: "≥ 5,000 calls/s",
            measured: t("P6", "uscall-mock").map(|m| {
                let per_second = calls as f64 / m;
                (format!("{per_second:.0} calls/s"), per_second >= 5000.0)
            }),
        },
        Target {
            name: "P5 errors at 64 in flight",
            goal: "0",
            measured: p5_errors.map(|e| (e.to_string(), e == 0)),
        },
        Target {
            name: "P5 uscall throughput ÷ raw loop's",
            goal: "≥ 0.8× (bound by the responder)",
            measured: ratio(t("P5", "raw"), t("P5", "uscall"))
                .map(|r| (format!("{r:.2}×"), r >= 0.8)),
        },
    ]
}
