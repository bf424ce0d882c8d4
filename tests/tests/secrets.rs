//! Secrets stay secret: everything traced during a full run of calls, every error's text and the
//! command line's stderr at `RUST_LOG=trace` are free of the token and of agents' passwords.

use std::io::Write;
use std::net::{Ipv4Addr, TcpListener};
use std::process::Command;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use uscall_client::models::Password;
use uscall_client::{Client, Error};
use uscall_tests::calls::{Call, all_calls};
use uscall_tests::{PhpServer, SERVICE_PATH, TOKEN, fixture, uscall_bin};

/// The agent whose login the tests perform, chosen because its plain password cannot occur by
/// chance in other text (agent 600's `1234` is part of phone numbers in the fixture).
const AGENT: &str = "605";
const WRONG_PASSWORD: &str = "Errada#9917";
const WRONG_TOKEN: &str = "$1$wrongTok$Zq8.NotTheRealOne";

/// Everything written by the tracing subscriber, shared with the test.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Capture {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Capture {
    type Writer = Capture;

    fn make_writer(&'a self) -> Capture {
        self.clone()
    }
}

/// Captures every span and event, at every level, on this thread until the guard drops.
fn capture_everything() -> (Capture, tracing::subscriber::DefaultGuard) {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_writer(capture.clone())
        .finish();
    (capture, tracing::subscriber::set_default(subscriber))
}

/// The agent's plain password from the fixture.
fn plain_password(fixture: &Value) -> String {
    fixture["senhas"][AGENT].as_str().unwrap().to_owned()
}

/// Every secret the runs below send or receive: both tokens, the agent's plain password and
/// every agent's `senhamd5` (getAgent answers them all), and the wrong password and its hash.
fn secrets(fixture: &Value) -> Vec<String> {
    let mut all = vec![
        TOKEN.to_owned(),
        WRONG_TOKEN.to_owned(),
        plain_password(fixture),
        WRONG_PASSWORD.to_owned(),
        Password::plain(WRONG_PASSWORD).md5_hex().to_owned(),
    ];
    for agent in fixture["agents"].as_array().unwrap() {
        all.push(agent["senhamd5"].as_str().unwrap().to_owned());
    }
    all
}

/// Fails naming the secret and showing where it leaked.
fn assert_no_secret(what: &str, text: &str, secrets: &[String]) {
    for secret in secrets {
        if let Some(at) = text.find(secret.as_str()) {
            let from = text[..at]
                .char_indices()
                .rev()
                .nth(300)
                .map_or(0, |(i, _)| i);
            let to = (at + secret.len() + 200).min(text.len());
            let to = (to..=text.len())
                .find(|&i| text.is_char_boundary(i))
                .unwrap();
            panic!("{what} shows the secret {secret:?}:\n…{}…", &text[from..to]);
        }
    }
}

fn args_of(call: &Call) -> Vec<Option<String>> {
    let op = Client::operation(call.op).unwrap();
    op.params
        .iter()
        .map(|p| call.arg(p.name).map(str::to_owned))
        .collect()
}

/// The text an error can show: Display, Debug, and each cause in its chain.
fn error_text(error: &Error) -> String {
    let mut text = format!("{error}\n{error:?}\n");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!("{cause}\n{cause:?}\n"));
        source = cause.source();
    }
    text
}

/// A 127.0.0.1 port nothing listens on.
fn closed_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn nothing_traced_or_shown_during_a_full_run_reveals_a_secret() {
    // A current-thread runtime: every span and event of the calls reaches this subscriber.
    let (capture, _guard) = capture_everything();

    let fixture = fixture();
    let server = PhpServer::nusoap(&[]);
    let client = Client::new(&server.url(), TOKEN).unwrap();
    let mut shown = format!("{client:?}\n");

    // The 30 operations, agentLogin with agent 600's hash among them.
    for call in all_calls(&fixture) {
        let op = Client::operation(call.op).unwrap();
        let response = client
            .call(op, args_of(&call))
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", call.op));
        // getAgent answers every agent's senhamd5: that is the data asked for, not a log.
        if call.op != "getAgent" {
            shown.push_str(&format!("{response:?}\n"));
        }
    }

    // The typed login, from the plain password.
    let password = Password::plain(plain_password(&fixture));
    shown.push_str(&format!("{password:?}\n"));
    let message = client
        .agent_login(AGENT, "2004", password)
        .await
        .unwrap_or_else(|e| panic!("agentLogin: {e}"));
    assert!(message.contains("logado"), "{message}");

    // Failures, each of whose text is checked too.
    let mut errors = Vec::new();
    let agent_login = Client::operation("agentLogin").unwrap();
    let login_args = |hash: String| {
        vec![
            None,
            Some(AGENT.to_owned()),
            Some("2004".to_owned()),
            Some(hash),
            None,
        ]
    };
    let right_hash = Password::plain(plain_password(&fixture))
        .md5_hex()
        .to_owned();
    // HTTP 404: the right host, a wrong path.
    let wrong_path = format!(
        "http://127.0.0.1:{}{SERVICE_PATH}.nao-existe",
        server.port()
    );
    let lost = Client::new(&wrong_path, TOKEN).unwrap();
    errors.push(
        lost.call(agent_login, login_args(right_hash.clone()))
            .await
            .unwrap_err(),
    );
    // A SOAP fault.
    let cdr_search = Client::operation("cdrSearch").unwrap();
    let fault_args = cdr_search
        .params
        .iter()
        .map(|p| (p.name == "idunico").then(|| "FAULT".to_owned()))
        .collect();
    errors.push(client.call(cdr_search, fault_args).await.unwrap_err());
    // Refusals inside the answer: a wrong password, a wrong token.
    errors.push(
        client
            .agent_login(AGENT, "2004", Password::plain(WRONG_PASSWORD))
            .await
            .unwrap_err(),
    );
    let stranger = Client::new(&server.url(), WRONG_TOKEN).unwrap();
    shown.push_str(&format!("{stranger:?}\n"));
    errors.push(stranger.get_agent().await.unwrap_err());
    // Connection refused.
    let nobody = Client::new(&format!("http://127.0.0.1:{}/", closed_port()), TOKEN).unwrap();
    errors.push(
        nobody
            .call(agent_login, login_args(right_hash))
            .await
            .unwrap_err(),
    );

    assert!(
        matches!(
            &errors[..],
            [
                Error::Http { status: 404, .. },
                Error::Fault { .. },
                Error::Service { .. },
                Error::Service { .. },
                Error::Transport { .. },
            ]
        ),
        "404, fault, two refusals, connection refused: {errors:#?}"
    );
    for e in &errors {
        shown.push_str(&error_text(e));
    }

    let secrets = secrets(&fixture);
    let traced = capture.text();
    assert_no_secret("the trace", &traced, &secrets);
    assert_no_secret("Debug and error output", &shown, &secrets);

    // The capture is the real thing: spans with their fields and redacted envelopes.
    for expected in [
        "uscall.call",
        "operation=getAgent",
        "operation=agentLogin",
        "outcome=ok",
        "outcome=fault",
        "outcome=http",
        "outcome=service",
        "outcome=transport",
        "duration_ms=",
        "request_bytes=",
        "response_bytes=",
        "http_status=404",
        "<senhamd5 xsi:type=\"xsd:string\"><redacted></senhamd5>",
        "<token xsi:type=\"xsd:string\"><redacted></token>",
        "&quot;senhamd5&quot;:&quot;<redacted>&quot;",
        "Senha inv",
        "Falha simulada",
    ] {
        assert!(
            traced.contains(expected),
            "the trace lacks {expected:?}:\n{traced}"
        );
    }
    assert!(
        shown.contains("<redacted>"),
        "Debug output marks what it hides:\n{shown}"
    );
}

#[test]
fn the_command_line_at_trace_level_shows_no_secret() {
    let fixture = fixture();
    let secrets = secrets(&fixture);
    let server = PhpServer::nusoap(&[]);
    let hash = Password::plain(plain_password(&fixture))
        .md5_hex()
        .to_owned();
    let wrong = Password::plain(WRONG_PASSWORD).md5_hex().to_owned();
    let url = server.url();
    let runs: [(&[&str], Option<i32>); 4] = [
        (
            &[
                "agent-login",
                "--agente",
                AGENT,
                "--ramal",
                "2004",
                "--senhamd5",
                &hash,
            ],
            Some(0),
        ),
        (
            &[
                "agent-login",
                "--agente",
                AGENT,
                "--ramal",
                "2004",
                "--senhamd5",
                &wrong,
            ],
            Some(7),
        ),
        (&["cdr-search", "--idunico", "FAULT"], Some(3)),
        (&["get-agent"], Some(0)),
    ];
    let mut all = String::new();
    for (args, code) in runs {
        let out = Command::new(uscall_bin())
            .args(args)
            .env("USCALL_URL", &url)
            .env("USCALL_TOKEN", TOKEN)
            .env("RUST_LOG", "trace")
            .env_remove("NO_COLOR")
            .output()
            .expect("running uscall");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), code, "uscall {args:?}:\n{stderr}");
        assert_no_secret(&format!("stderr of uscall {args:?}"), &stderr, &secrets);
        assert!(
            stderr.contains("uscall.call") && stderr.contains("<redacted>"),
            "uscall {args:?} at RUST_LOG=trace logs its call, redacted:\n{stderr}"
        );
        all.push_str(&stderr);
    }
    for expected in [
        "operation=agentLogin",
        "<senhamd5 xsi:type=\"xsd:string\"><redacted></senhamd5>",
        "outcome=fault",
        "outcome=service",
        "&quot;senhamd5&quot;:&quot;<redacted>&quot;",
    ] {
        assert!(all.contains(expected), "stderr lacks {expected:?}:\n{all}");
    }
}

/// A PBX that echoes the token and the password hash back, in every spelling and place
/// (`uscall_tests::hostile`): nothing traced at any level, no error and no answer's `Debug`
/// shows them, retries' warnings included.
#[tokio::test]
async fn secrets_a_pbx_echoes_back_are_never_traced_or_shown() {
    use uscall_tests::hostile::{self, Hostile, Mode, PLACES, SPELLINGS};
    let (capture, _guard) = capture_everything();
    let secrets = hostile::echoed_spellings();
    let mut shown = String::new();
    for place in PLACES {
        for spelling in SPELLINGS {
            let server = Hostile::start(Mode::EchoSecrets(place, spelling)).await;
            let client = Client::builder(&server.url)
                .token(hostile::TOKEN)
                .retries(uscall_client::Retries {
                    max: 1,
                    base_delay: std::time::Duration::from_millis(1),
                    max_delay: std::time::Duration::from_millis(5),
                })
                .build()
                .unwrap();
            match client.raw().get_extens().await {
                Ok(response) => shown.push_str(&format!("{response:?}\n")),
                Err(e) => shown.push_str(&error_text(&e)),
            }
            if let Err(e) = client.get_extens().await {
                shown.push_str(&error_text(&e));
            }
            match client
                .raw()
                .agent_login("600", "2001", hostile::SENHAMD5)
                .await
            {
                Ok(response) => shown.push_str(&format!("{response:?}\n")),
                Err(e) => shown.push_str(&error_text(&e)),
            }
        }
    }
    assert_no_secret("what was shown", &shown, &secrets);
    let traced = capture.text();
    assert!(traced.contains("uscall::wire"), "trace level was on");
    assert_no_secret("the trace", &traced, &secrets);
}
