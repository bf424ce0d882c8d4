//! The library and the command line against a hostile PBX (`uscall_tests::hostile`): secrets
//! it echoes back never reach an error, a log line or the terminal, in any spelling; its
//! terminal escapes are shown, never obeyed; huge messages are cut; memory stays bounded by the
//! response limit; malformed and odd answers get the right error and exit status.

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::Duration;
use uscall_client::{Client, Error};
use uscall_tests::hostile::{
    ESCAPES, Hostile, Mode, PLACES, Place, SENHAMD5, SPELLINGS, Spelling, TOKEN, echoed_spellings,
};
use uscall_tests::uscall_bin;

const MIB: usize = 1 << 20;

/// What a run of the command line gave.
struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    /// Peak resident memory, in bytes.
    peak_rss: usize,
}

impl Run {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }

    fn all(&self) -> String {
        format!(
            "{}\n{}",
            String::from_utf8_lossy(&self.stdout),
            self.stderr()
        )
    }
}

/// Runs `uscall ARGS` against `url` with `token`, measuring its peak memory (wait4's rusage).
#[allow(
    clippy::zombie_processes,
    reason = "the child is waited for with wait4, which also gives its peak memory"
)]
fn uscall(url: &str, token: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(uscall_bin());
    cmd.args(args)
        .env("USCALL_URL", url)
        .env("USCALL_TOKEN", token)
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("running uscall");
    // Read both pipes while it runs, so a big output cannot block it.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut out, &mut buf).unwrap();
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut err, &mut buf).unwrap();
        buf
    });
    let (status, rusage) = wait4(child.id() as libc::pid_t);
    Run {
        code: status
            .code()
            .unwrap_or_else(|| 128 + status.signal().unwrap_or(0)),
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
        // ru_maxrss is in kilobytes on Linux.
        peak_rss: rusage.ru_maxrss as usize * 1024,
    }
}

fn wait4(pid: libc::pid_t) -> (std::process::ExitStatus, libc::rusage) {
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value, and wait4 fills it for our own child.
    let mut rusage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is a child of this process not yet waited for; both pointers are valid.
    let got = unsafe { libc::wait4(pid, &mut status, 0, &mut rusage) };
    assert_eq!(got, pid, "wait4: {}", std::io::Error::last_os_error());
    (std::process::ExitStatus::from_raw(status), rusage)
}

/// Runs a blocking command-line run from an async test.
async fn run(url: &str, token: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let (url, token) = (url.to_owned(), token.to_owned());
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        uscall(&url, &token, &args, &env)
    })
    .await
    .unwrap()
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in echoed_spellings() {
        assert!(!text.contains(&secret), "{what} shows {secret:?}:\n{text}");
    }
}

fn client(url: &str) -> Client {
    Client::builder(url)
        .token(TOKEN)
        .retries(uscall_client::Retries::NONE)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_echoed_back_are_redacted_in_every_spelling_everywhere() {
    for place in PLACES {
        for spelling in SPELLINGS {
            let what = format!("{place:?}/{spelling:?}");
            let server = Hostile::start(Mode::EchoSecrets(place, spelling)).await;
            // The library: an error's Display and Debug, and an answer's Debug.
            match client(&server.url).raw().get_extens().await {
                Ok(response) => assert_no_secret(&what, &format!("{response:?}")),
                Err(e) => assert_no_secret(&what, &format!("{e} {e:?}")),
            }
            // The command line: a read and an action carrying a password hash, with every
            // log line on.
            for args in [
                &["get-extens", "--format", "table"][..],
                &[
                    "agent-login",
                    "--agente",
                    "600",
                    "--ramal",
                    "2001",
                    "--senhamd5",
                    SENHAMD5,
                ][..],
            ] {
                for env in [&[][..], &[("RUST_LOG", "uscall=trace")][..]] {
                    let out = run(&server.url, TOKEN, args, env).await;
                    assert_no_secret(&format!("{what} {args:?} {env:?}"), &out.all());
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_token_does_not_garble_messages() {
    // Nothing listens on this port: the error names the URL, which holds the letter `t`.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}/aplicativos/webservice/wsuscall.php");
    let out = run(&url, "t", &["get-extens", "--retries", "0"], &[]).await;
    assert_eq!(out.code, 5, "{}", out.stderr());
    assert!(out.stderr().contains(&url), "{}", out.stderr());
    assert!(!out.stderr().contains("<redacted>"), "{}", out.stderr());
    // The same short token echoed as a word is still hidden.
    let server = Hostile::start(Mode::EchoSecrets(Place::ServiceMessage, Spelling::Raw)).await;
    let out = run(&server.url, "t", &["get-extens"], &[]).await;
    assert_eq!(out.code, 7, "{}", out.stderr());
    assert!(
        out.stderr().contains("Token inválido: <redacted>"),
        "{}",
        out.stderr()
    );
}

/// Whether `bytes` hold a control character a terminal would act on: C0 but tab and line feed,
/// DEL, C1 (in UTF-8, `C2 80`..`C2 9F`) or a bidirectional override.
fn has_terminal_control(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    text.chars().any(|c| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminal_escapes_from_the_server_are_shown_never_obeyed() {
    for place in PLACES {
        let server = Hostile::start(Mode::TerminalEscapes(place)).await;
        match client(&server.url).raw().cdr_search().await {
            // A raw call hands the service's message over as data; its Debug output shows it.
            Ok(r) => assert!(!has_terminal_control(format!("{r:?}").as_bytes())),
            Err(e) => {
                let shown = format!("{e} {e:?}");
                assert!(
                    !has_terminal_control(shown.as_bytes()),
                    "{place:?}: {shown}"
                );
            }
        }
        for format in ["json", "jsonl", "csv", "table"] {
            let out = run(&server.url, TOKEN, &["cdr-search", "--format", format], &[]).await;
            assert!(
                !has_terminal_control(&out.stdout) && !has_terminal_control(&out.stderr),
                "{place:?} {format}: {:?}",
                out.all()
            );
            assert!(!out.all().contains(ESCAPES), "{place:?} {format}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_service_message_becomes_one_short_line() {
    let server = Hostile::start(Mode::HugeMessage(8 * MIB)).await;
    let out = run(&server.url, TOKEN, &["get-extens"], &[]).await;
    assert_eq!(out.code, 7, "{}", &out.stderr()[..200]);
    let line = out.stderr();
    assert_eq!(line.lines().count(), 1, "{}", &line[..200]);
    assert!(line.chars().count() < 1200, "{} characters", line.len());
    assert!(line.contains("bytes in all"), "{line}");
    let e = client(&server.url).get_extens().await.unwrap_err();
    assert!(e.to_string().chars().count() < 1200);
}

/// Peak memory the command line may take for an answer of `limit` bytes: 1.5 times the limit,
/// plus what the program takes with a small answer.
fn memory_bound(limit: usize, baseline: usize) -> usize {
    limit + limit / 2 + baseline
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_within_one_and_a_half_times_the_response_limit() {
    let limit = 64 * MIB;
    let limit_arg = limit.to_string();
    let small = Hostile::start(Mode::EchoSecrets(Place::ServiceMessage, Spelling::Raw)).await;
    let baseline = run(&small.url, TOKEN, &["get-extens"], &[]).await.peak_rss;
    let cases = [
        (
            "success",
            Mode::Big {
                len: limit - MIB,
                gzip: false,
            },
            &[][..],
        ),
        ("refusal", Mode::HugeMessage(limit - MIB), &[][..]),
        (
            "gzip with trace logging",
            Mode::Big {
                len: limit - MIB,
                gzip: true,
            },
            &[("RUST_LOG", "uscall=trace")][..],
        ),
    ];
    let mut over = Vec::new();
    for (what, mode, env) in cases {
        let server = Hostile::start(mode).await;
        let out = run(
            &server.url,
            TOKEN,
            &["get-extens", "--max-response-bytes", &limit_arg],
            env,
        )
        .await;
        let stderr = out.stderr();
        eprintln!(
            "{what}: exit {}, peak {} MiB (baseline {} MiB, bound {} MiB)",
            out.code,
            out.peak_rss / MIB,
            baseline / MIB,
            memory_bound(limit, baseline) / MIB
        );
        assert!(
            out.code == 0 || out.code == 7,
            "{what}: {}",
            &stderr[..stderr.len().min(300)]
        );
        if out.peak_rss > memory_bound(limit, baseline) {
            over.push(format!("{what}: {} MiB", out.peak_rss / MIB));
        }
    }
    assert!(
        over.is_empty(),
        "over {} MiB for a limit of {} MiB: {over:?}",
        memory_bound(limit, baseline) / MIB,
        limit / MIB
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_head_is_an_unreadable_answer_sent_once() {
    let server = Hostile::start(Mode::MalformedHead).await;
    let out = run(&server.url, TOKEN, &["get-extens"], &[]).await;
    assert_eq!(out.code, 6, "{}", out.stderr());
    assert!(out.stderr().contains("HTTP head"), "{}", out.stderr());
    assert_eq!(
        server.requests(),
        1,
        "a read with a malformed answer is not retried"
    );
    let e = Client::new(&server.url, TOKEN)
        .unwrap()
        .raw()
        .get_extens()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Malformed { .. }), "{e:?}");
    assert_eq!(server.requests(), 2);
    // An action that got a malformed answer was received: its outcome is unknown.
    let e = client(&server.url)
        .raw()
        .hangup_call("2001")
        .await
        .unwrap_err();
    match e {
        Error::OutcomeUnknown { source, .. } => {
            assert!(matches!(*source, Error::Malformed { .. }), "{source:?}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_over_the_limit_exits_6_and_a_304_names_its_status() {
    let server = Hostile::start(Mode::Big {
        len: 2 * MIB,
        gzip: false,
    })
    .await;
    let out = run(
        &server.url,
        TOKEN,
        &["get-extens", "--max-response-bytes", "1048576"],
        &[],
    )
    .await;
    assert_eq!(out.code, 6, "{}", out.stderr());
    assert!(
        out.stderr().contains("larger than the limit"),
        "{}",
        out.stderr()
    );
    let server = Hostile::start(Mode::NotModified).await;
    let out = run(&server.url, TOKEN, &["get-extens"], &[]).await;
    assert_eq!(out.code, 4, "{}", out.stderr());
    assert!(
        out.stderr().contains("HTTP 304")
            && out
                .stderr()
                .contains("Not Modified, a redirection status without a Location header"),
        "{}",
        out.stderr()
    );
}
