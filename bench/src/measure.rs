//! Runs one runner process and measures it: its own workload time (from its JSON line), the wall time, and its peak RSS (GNU time's %M).
//!
//! The peak RSS comes from `/usr/bin/time -f %M`, not from our own wait4: a child spawned by this
//! process (posix_spawn shares the parent's memory until exec) inherits the harness's high-water
//! mark, which holds every prepared answer, while `time` is small when it forks the runner.

use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One run of one runner.
#[derive(Clone, Debug, Default)]
pub struct Sample {
    /// The measure: the workload time the runner reported, else (and for a job timed from
    /// outside) the wall time.
    pub seconds: f64,
    /// The workload time the runner reported, if it prints one.
    pub own: Option<f64>,
    /// Peak resident set size of the process, bytes.
    pub rss: u64,
    /// What the runner reported; for [`Output::Count`], the lines of its standard output.
    pub items: u64,
    /// What the runner reported; for [`Output::Count`], the bytes of its standard output.
    pub bytes: u64,
    pub errors: u64,
    /// For [`Output::Count`]: the first and the last bytes of standard output (up to 256 each).
    pub head: Vec<u8>,
    pub tail: Vec<u8>,
    /// Connections the responder accepted during the run (the harness fills it in).
    pub connections: u64,
}

/// What becomes of a runner's standard output.
#[derive(Clone, Debug)]
pub enum Output {
    /// The runner's JSON line, read at the end.
    Report,
    /// Written to this file; the wall time is the measure.
    File(PathBuf),
    /// Counted as it comes (lines, bytes, the first and last bytes) and dropped, so an export of
    /// hundreds of megabytes is checked without being stored; the wall time is the measure.
    Count,
}

/// How a runner is started.
#[derive(Clone, Debug)]
pub struct Job {
    pub program: String,
    pub args: Vec<String>,
    /// stdin from this file (for `base64 -d`).
    pub stdin: Option<PathBuf>,
    pub stdout: Output,
    /// The wall time is the measure even when the runner reports its own (kept in
    /// [`Sample::own`]): P7 compares whole processes.
    pub wall: bool,
}

impl Job {
    pub fn new(program: impl Into<String>, args: &[&str]) -> Job {
        Job {
            program: program.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
            stdin: None,
            stdout: Output::Report,
            wall: false,
        }
    }

    fn describe(&self) -> String {
        format!("{} {}", self.program, self.args.join(" "))
    }
}

/// GNU time, which reports its child's peak RSS.
pub const TIME: &str = "/usr/bin/time";

/// Runs `job` under GNU time to its end and reads the runner's peak RSS.
pub fn run(job: &Job, timeout: Duration) -> Result<Sample> {
    let rss_file = tempfile()?;
    let mut cmd = Command::new(TIME);
    cmd.args(["-f", "%M", "-o"])
        .arg(&rss_file)
        .arg(&job.program)
        .args(&job.args)
        .stderr(Stdio::piped())
        // Its own group, so a timeout can stop the runner too.
        .process_group(0);
    match &job.stdin {
        Some(path) => cmd.stdin(
            std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?,
        ),
        None => cmd.stdin(Stdio::null()),
    };
    match &job.stdout {
        Output::File(path) => cmd.stdout(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        ),
        Output::Report | Output::Count => cmd.stdout(Stdio::piped()),
    };
    let started = Instant::now();
    let mut child = cmd
        .spawn()
        .with_context(|| format!("starting {}", job.describe()))?;
    let pid = child.id() as libc::pid_t;
    // Drain the pipes on threads so a chatty runner cannot block on a full pipe.
    let counting = matches!(job.stdout, Output::Count);
    let out = child.stdout.take().map(|mut s| {
        std::thread::spawn(move || {
            if counting {
                return Drained::Counted(count(&mut s));
            }
            let mut text = String::new();
            let _ = s.read_to_string(&mut text);
            Drained::Text(text)
        })
    });
    let mut err_pipe = child.stderr.take().context("stderr is piped")?;
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = err_pipe.read_to_string(&mut text);
        text
    });
    let status = wait(pid, started, timeout).with_context(|| job.describe())?;
    let wall = started.elapsed().as_secs_f64();
    // waitpid reaped it; the Child must not wait again.
    std::mem::forget(child);
    let (stdout, counted) = match out.and_then(|t| t.join().ok()) {
        Some(Drained::Text(text)) => (text, None),
        Some(Drained::Counted(c)) => (String::new(), Some(c)),
        None => (String::new(), None),
    };
    let stderr = err.join().unwrap_or_default();
    let exited_ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    if !exited_ok {
        bail!(
            "{} failed (wait status {status}):\n{}\n{}",
            job.describe(),
            stderr.trim(),
            stdout.trim()
        );
    }
    let rss_text = std::fs::read_to_string(&rss_file).unwrap_or_default();
    let _ = std::fs::remove_file(&rss_file);
    // %M is in kilobytes; the last line, after any "Command exited with non-zero status".
    let rss = rss_text
        .lines()
        .rev()
        .find_map(|l| l.trim().parse::<u64>().ok())
        .with_context(|| {
            format!(
                "{TIME} wrote no peak RSS for {}: {rss_text:?}",
                job.describe()
            )
        })?
        * 1024;
    match (&job.stdout, counted) {
        (Output::File(_), _) => {
            return Ok(Sample {
                seconds: wall,
                rss,
                items: 1,
                ..Sample::default()
            });
        }
        (Output::Count, Some(c)) => {
            let c = c.with_context(|| format!("reading the output of {}", job.describe()))?;
            return Ok(Sample {
                seconds: wall,
                rss,
                items: c.lines,
                bytes: c.bytes,
                head: c.head,
                tail: c.tail,
                ..Sample::default()
            });
        }
        (Output::Count, None) => bail!("the output of {} was lost", job.describe()),
        (Output::Report, _) => {}
    }
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .with_context(|| {
            format!(
                "{} printed no JSON line:\n{stdout}\n{stderr}",
                job.describe()
            )
        })?;
    let v: Value = serde_json::from_str(line).with_context(|| format!("bad line {line:?}"))?;
    let num = |k: &str| v[k].as_u64().unwrap_or(0);
    let own = v["seconds"].as_f64().context("no seconds")?;
    Ok(Sample {
        seconds: if job.wall { wall } else { own },
        own: Some(own),
        rss,
        items: num("items"),
        bytes: num("bytes"),
        errors: num("errors"),
        ..Sample::default()
    })
}

/// A runner's standard output as the draining thread leaves it.
enum Drained {
    Text(String),
    Counted(std::io::Result<Counted>),
}

/// What [`Output::Count`] keeps of a runner's standard output.
struct Counted {
    lines: u64,
    bytes: u64,
    head: Vec<u8>,
    tail: Vec<u8>,
}

/// Reads `from` to its end in 1 MiB pieces, counting, keeping only its edges.
fn count(from: &mut impl Read) -> std::io::Result<Counted> {
    const EDGE: usize = 256;
    let mut piece = vec![0u8; 1 << 20];
    let mut c = Counted {
        lines: 0,
        bytes: 0,
        head: Vec::new(),
        tail: Vec::new(),
    };
    loop {
        let n = match from.read(&mut piece) {
            Ok(0) => return Ok(c),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let got = &piece[..n];
        c.lines += got.iter().filter(|b| **b == b'\n').count() as u64;
        c.bytes += n as u64;
        if c.head.len() < EDGE {
            let take = (EDGE - c.head.len()).min(n);
            c.head.extend_from_slice(&got[..take]);
        }
        c.tail.extend_from_slice(&got[n.saturating_sub(EDGE)..]);
        let excess = c.tail.len().saturating_sub(EDGE);
        c.tail.drain(..excess);
    }
}

/// Waits for `pid` (polling, so a runner that hangs is stopped at `timeout`) and reaps it.
fn wait(pid: libc::pid_t, started: Instant, timeout: Duration) -> Result<i32> {
    loop {
        let mut status = 0;
        // SAFETY: pid is our own child; status points to a live local.
        let got = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if got == pid {
            return Ok(status);
        }
        if got < 0 {
            bail!("waitpid: {}", std::io::Error::last_os_error());
        }
        if started.elapsed() > timeout {
            // SAFETY: the group of our own, not yet reaped child (time and the runner).
            unsafe { libc::kill(-pid, libc::SIGKILL) };
            let mut status = 0;
            // SAFETY: as above.
            unsafe { libc::waitpid(pid, &mut status, 0) };
            bail!("did not finish within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// A fresh path for GNU time's output.
fn tempfile() -> Result<PathBuf> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Ok(std::env::temp_dir().join(format!("uscall-bench-{}-{n}.rss", std::process::id())))
}

/// Median, minimum and maximum of a list of numbers.
pub fn stats(values: &[f64]) -> (f64, f64, f64) {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    (median, v[0], v[n - 1])
}
