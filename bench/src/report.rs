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
    /// The group's size: calls for P1, P5 and P6, rows for P7; 0 where that means nothing.
    pub calls: u64,
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

    /// The runner's own workload time (median), where it reports one beside the wall time.
    fn median_own(&self) -> Option<f64> {
        let own: Vec<f64> = self.samples()?.iter().filter_map(|x| x.own).collect();
        (!own.is_empty()).then(|| stats(&own).0)
    }

    /// The workload column: P1 and P7 come in several sizes, each its own group of rows.
    fn group(&self) -> String {
        match self.workload {
            "P1" => format!("P1, {} calls", thousands(self.calls)),
            "P7" => format!("P7, {} rows", thousands(self.calls)),
            w => w.to_owned(),
        }
    }

    fn same_group(&self, other: &Row) -> bool {
        self.workload == other.workload && self.calls == other.calls
    }

    /// A short name for the uscall runner in a ratio, where a group has more than one: the
    /// runtime (P1), `stream` (P2), the output format (P7).
    fn tag(&self) -> String {
        if self.runner.contains("current-thread") {
            " ct".into()
        } else if self.runner.contains("multi-thread") {
            " mt".into()
        } else if self.runner.contains(".stream()") {
            " stream".into()
        } else if let Some(format) = self.runner.split("--format ").nth(1) {
            format!(" {format}")
        } else {
            String::new()
        }
    }
}

fn find<'a>(rows: &'a [Row], workload: &str, calls: u64, prefix: &str) -> Option<&'a Row> {
    rows.iter().find(|r| {
        r.workload == workload && (calls == 0 || r.calls == calls) && r.runner.starts_with(prefix)
    })
}

/// 20000 → "20,000".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
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

fn mib(bytes: f64) -> String {
    format!("{:.1} MiB", bytes / MIB)
}

const MIB: f64 = 1024.0 * 1024.0;

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
    let sizes: Vec<String> = c.calls.iter().map(|n| thousands(*n)).collect();
    writeln!(w, "- P1: {} sequential getExtens calls (8 rows, {} B answer), uscall on tokio's multi-thread (mt) and current-thread (ct) runtimes; floors: hyper's client connection on one connection (on each runtime), and a reqwest loop; zeep at {} calls only. #14's P1 targets are judged at {} calls. P2: cdrSearch of {} rows, {} answer. P3: audioDownload of a {} WAV, {} answer. P5: {} getExtens calls, {} in flight; floors: hyper's client connection, one per call in flight, and a reqwest loop. P6: {} getExtens calls served by uscall-mock on one core, against the responder's canned answers.",
        sizes.join(" and "), p.extens_body_bytes, thousands(c.calls_min()), thousands(c.calls_max()), c.rows, mb(p.cdr_body_bytes as f64), mb(p.wav_bytes as f64), mb(p.audio_body_bytes as f64), thousands(c.p5_calls), c.inflight, thousands(c.calls_min())).unwrap();
    let export = match p.export_body_bytes {
        Some(len) => format!(
            " and the export of {} rows ({} answer, `--max-response-bytes 1073741824`), jsonl and csv, {} runs of each",
            thousands(c.export_rows as u64),
            mb(len as f64),
            c.runs.min(crate::EXPORT_RUNS)
        ),
        None => " (the export of a million rows left out: `--no-million` or `--quick`)".into(),
    };
    writeln!(w, "- P2 beside `.await`: `.stream()`, the rows decoded as they arrive and dropped. P7: the `uscall` command line, `cdr-search --format json|jsonl|csv|table` of the {} rows of P2{export}; standard output counted by the harness as it comes (lines checked) and dropped. P7 compares whole processes: every time in it, the Value floor's too, is the process's wall time from outside (the floor's parse alone is in its rate column). #14 sets the time target (≤ 1.0× the floor) for every format and judges table by it too; table may hold its rows, so its peak RSS has no target.", thousands(c.rows as u64)).unwrap();
    writeln!(w, "- Times are the workload's own, measured inside each runner after it is set up (client built, WSDL read); `base64 -d` and P7 are timed from outside (process included).\n").unwrap();

    writeln!(w, "## Measurements\n").unwrap();
    writeln!(w, "| workload | runner | median | min – max | rate | uscall ÷ floor | peer ÷ uscall | peak RSS |").unwrap();
    writeln!(w, "|---|---|---:|---:|---:|---:|---:|---:|").unwrap();
    for r in rows {
        // Every uscall runner of the group (P1 has two), by median time.
        let uscall: Vec<(String, f64)> = rows
            .iter()
            .filter(|u| u.same_group(r) && u.runner.starts_with("uscall"))
            .filter_map(|u| Some((u.tag(), u.median_seconds()?)))
            .collect();
        let ratios = |f: &dyn Fn(f64) -> f64| {
            uscall
                .iter()
                .map(|(tag, u)| format!("{:.2}×{tag}", f(*u)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match (&r.outcome, r.samples()) {
            (_, Some(s)) => {
                let (median, min, max) = stats(&s.iter().map(|x| x.seconds).collect::<Vec<_>>());
                let rss = r.median_rss().unwrap_or(0.0);
                let floor = r.runner.contains("floor");
                let is_uscall = r.runner.starts_with("uscall");
                let ratio_floor = if floor {
                    ratios(&|u| u / median)
                } else {
                    String::new()
                };
                let ratio_peer = if !floor && !is_uscall && r.workload != "P4" {
                    ratios(&|u| median / u)
                } else {
                    String::new()
                };
                writeln!(
                    w,
                    "| {} | {} | {} | {} – {} | {} | {} | {} | {} |",
                    r.group(),
                    r.runner,
                    time(median),
                    time(min),
                    time(max),
                    rate(r, median, p, s),
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
                    r.group(),
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
    for t in targets(rows, p, c) {
        let (measured, result) = match t.measured {
            Some((text, ok)) => (text, if ok { "PASS" } else { "MISS" }),
            None => ("not measured".into(), "n/a"),
        };
        writeln!(w, "| {} | {} | {} | {} |", t.name, t.goal, measured, result).unwrap();
    }
    out
}

fn rate(r: &Row, median: f64, p: &Prepared, s: &[Sample]) -> String {
    let calls = r.calls.max(1) as f64;
    match r.workload {
        "P1" => format!("{:.1} µs/call", median * 1e6 / calls),
        "P2" => format!("{:.0} MB/s", p.cdr_body_bytes as f64 / 1e6 / median),
        "P3" => format!("{:.0} MB/s", p.audio_body_bytes as f64 / 1e6 / median),
        "P4" => format!("{:.2} ms/op", median * 1e3 / s[0].items.max(1) as f64),
        "P5" => {
            let errors: u64 = s.iter().map(|x| x.errors).sum();
            let connections = s.iter().map(|x| x.connections).max().unwrap_or(0);
            format!(
                "{:.0} calls/s, {errors} errors, {connections} connections",
                calls / median
            )
        }
        "P6" => format!("{:.0} calls/s", calls / median),
        "P7" => {
            let per_second = format!("{:.0}k rows/s", calls / median / 1e3);
            match r.median_own() {
                Some(own) => format!("{per_second}; parse alone {}", time(own)),
                None => format!("{per_second}, {} out", mb(s[0].bytes as f64)),
            }
        }
        _ => String::new(),
    }
}

struct Target {
    name: String,
    goal: &'static str,
    /// The measured value as text and whether it meets the goal; `None` if not measured.
    measured: Option<(String, bool)>,
}

fn targets(rows: &[Row], p: &Prepared, c: &Config) -> Vec<Target> {
    let t = |w: &str, prefix: &str| find(rows, w, 0, prefix).and_then(Row::median_seconds);
    let rss = |w: &str, prefix: &str| find(rows, w, 0, prefix).and_then(Row::median_rss);
    // #14's P1 targets at the largest size, the older ones at the smallest (2,000 by default).
    let (large, small) = (c.calls_max(), c.calls_min());
    let p1 =
        |calls: u64, prefix: &str| find(rows, "P1", calls, prefix).and_then(Row::median_seconds);
    let at = |calls: u64| format!("at {} calls", thousands(calls));
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
    let p5_errors = find(rows, "P5", 0, "uscall")
        .and_then(Row::samples)
        .map(|s| s.iter().map(|x| x.errors).sum::<u64>());
    let growth = ratio(codegen(2000), codegen(500));
    // P7, #14 point 2: each format of the command line at `--rows` against the Value floor,
    // whole processes both; peak RSS in constant memory but for table, which may hold its rows.
    let (rows_n, export_n) = (c.rows as u64, c.export_rows as u64);
    let p7 = |n: u64, format: &str| {
        let label = format!("uscall cdr-search --format {format}");
        rows.iter()
            .find(|r| r.workload == "P7" && r.calls == n && r.runner == label)
    };
    let floor7 = find(rows, "P7", rows_n, "serde_json");
    let mut p7_targets: Vec<Target> = ["json", "jsonl", "csv", "table"]
        .into_iter()
        .map(|f| Target {
            name: format!(
                "P7 uscall cdr-search --format {f} ÷ Value floor, {} rows (#14)",
                thousands(rows_n)
            ),
            goal: "≤ 1.0× (whole processes)",
            measured: p7(rows_n, f)
                .and_then(Row::median_seconds)
                .zip(floor7.and_then(Row::median_seconds))
                .map(|(u, v)| {
                    let parse = floor7
                        .and_then(Row::median_own)
                        .map_or(String::new(), |own| {
                            format!(" ({:.2}× the parse alone)", u / own)
                        });
                    (format!("{:.2}×{parse}", u / v), u / v <= 1.0)
                }),
        })
        .collect();
    let constant = |n: u64, f: &str| Target {
        name: format!("P7 peak RSS, --format {f}, {} rows (#14)", thousands(n)),
        goal: "≤ 64 MiB",
        measured: p7(n, f)
            .and_then(Row::median_rss)
            .map(|r| (mib(r), r <= 64.0 * MIB)),
    };
    for f in ["json", "jsonl", "csv"] {
        p7_targets.push(constant(rows_n, f));
    }
    if p.export_body_bytes.is_some() {
        for f in ["jsonl", "csv"] {
            p7_targets.push(constant(export_n, f));
        }
    }
    let mut all = vec![
        Target {
            name: format!("P1 uscall ct ÷ raw hyper loop, {} (#14)", at(large)),
            goal: "≤ 1.3×",
            measured: at_most(
                ratio(
                    p1(large, "uscall (current"),
                    p1(large, "raw hyper POST loop ("),
                ),
                1.3,
            ),
        },
        Target {
            name: format!("P1 uscall mt ÷ raw hyper loop, {} (#14)", at(large)),
            goal: "≤ 1.6×",
            measured: at_most(
                ratio(
                    p1(large, "uscall (multi"),
                    p1(large, "raw hyper POST loop ("),
                ),
                1.6,
            ),
        },
        Target {
            name: format!("P1 PHP SoapClient ÷ uscall ct, {} (#14)", at(large)),
            goal: "> 1× (faster)",
            measured: r_above(ratio(p1(large, "PHP"), p1(large, "uscall (current")), 1.0),
        },
        Target {
            name: format!("P1 PHP SoapClient ÷ uscall mt, {} (#14)", at(large)),
            goal: "> 1× (faster)",
            measured: r_above(ratio(p1(large, "PHP"), p1(large, "uscall (multi")), 1.0),
        },
        Target {
            name: format!("P1 uscall mt ÷ raw reqwest loop, {}", at(small)),
            goal: "≤ 1.2×",
            measured: at_most(
                ratio(p1(small, "uscall (multi"), p1(small, "raw reqwest")),
                1.2,
            ),
        },
        Target {
            name: format!("P1 PHP SoapClient ÷ uscall mt, {}", at(small)),
            goal: "≥ 1.4×",
            measured: at_least(ratio(p1(small, "PHP"), p1(small, "uscall (multi")), 1.4),
        },
        Target {
            name: format!("P1 zeep ÷ uscall mt, {}", at(small)),
            goal: "≥ 10×",
            measured: at_least(ratio(p1(small, "zeep"), p1(small, "uscall (multi")), 10.0),
        },
        Target {
            name: "P2 uscall ÷ serde_json → Value".into(),
            goal: "< 1× (faster)",
            measured: below(ratio(t("P2", "uscall"), t("P2", "serde_json")), 1.0),
        },
        Target {
            name: "P2 PHP SoapClient + json_decode ÷ uscall".into(),
            goal: "≥ 1.5×",
            measured: at_least(ratio(t("P2", "PHP"), t("P2", "uscall")), 1.5),
        },
        Target {
            name: "P2 peak RSS uscall vs every peer".into(),
            goal: "below the lowest peer",
            measured: rss("P2", "uscall")
                .zip(min_peer)
                .map(|(u, m)| (format!("{} vs {}", mb(u), mb(m)), u < m)),
        },
        Target {
            name: "P3 uscall ÷ base64 -d".into(),
            goal: "≤ 1.5×",
            measured: at_most(ratio(t("P3", "uscall"), t("P3", "base64")), 1.5),
        },
        Target {
            name: "P3 PHP SoapClient ÷ uscall".into(),
            goal: "≥ 3×",
            measured: at_least(ratio(t("P3", "PHP"), t("P3", "uscall")), 3.0),
        },
        Target {
            name: "P3 peak RSS uscall ÷ file size".into(),
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
            name: "P3 stretch: constant memory (streaming)".into(),
            goal: "peak RSS below the file size (only streaming can)",
            measured: rss("P3", "uscall").map(|r| (mb(r), r < p.wav_bytes as f64)),
        },
        Target {
            name: "P4 codegen, 30 operations".into(),
            goal: "< 50 ms",
            measured: codegen(30).map(|s| (time(s), s < 0.05)),
        },
        Target {
            name: "P4 codegen, 2,000 operations".into(),
            goal: "< 1 s",
            measured: codegen(2000).map(|s| (time(s), s < 1.0)),
        },
        Target {
            name: "P4 growth 500 → 2,000 operations".into(),
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
            name: "P6 uscall-mock on one core".into(),
            goal: "≥ 5,000 calls/s",
            measured: t("P6", "uscall-mock").map(|m| {
                let per_second = small as f64 / m;
                (format!("{per_second:.0} calls/s"), per_second >= 5000.0)
            }),
        },
        Target {
            name: "P5 errors at 64 in flight".into(),
            goal: "0",
            measured: p5_errors.map(|e| (e.to_string(), e == 0)),
        },
        Target {
            name: "P5 uscall throughput ÷ raw hyper floor's (#14)".into(),
            goal: "≥ 0.8×",
            measured: ratio(t("P5", "raw hyper"), t("P5", "uscall"))
                .map(|r| (format!("{r:.2}×"), r >= 0.8)),
        },
        Target {
            name: "P5 uscall throughput ÷ raw reqwest loop's".into(),
            goal: "≥ 0.8×",
            measured: ratio(t("P5", "raw reqwest"), t("P5", "uscall"))
                .map(|r| (format!("{r:.2}×"), r >= 0.8)),
        },
    ];
    all.extend(p7_targets);
    all
}
