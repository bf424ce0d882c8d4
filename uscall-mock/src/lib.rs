//! A stateful simulator of the USCall UC PBX webservice, and a test kit on top of it: test an
//! app that uses [`uscall_client`] (or any SOAP client) without a production PBX, which would
//! dial real customers.
//!
//! The simulator speaks the PBX's wire exactly as its NuSOAP 0.9.5 server does (the envelope,
//! the `return` accessor, the JSON escaped as PHP escapes it, ISO-8859-1, the headers, faults
//! for unknown operations and malformed requests, gzip when asked, `?wsdl`), and runs the 30
//! operations on a simulated company: logins and pauses change what agentStatus shows; a call
//! started with startCall is seen by extenStatus and agentStatus until hangupCall (or its
//! simulated end) turns it into a cdrSearch record carrying the `idcti` sent, a cdrTariff row
//! and a recording that audioDownload returns as a real WAV.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use uscall_client::enums::StartCallTipo;
//! use uscall_mock::{Pbx, Reply};
//!
//! let pbx = Pbx::builder().virtual_clock().start().await?;
//! let client = pbx.client();
//! client.start_call(StartCallTipo::Outbound, "2001", "11999990000", "1").idcti("crm-4711").await?;
//! assert_eq!(pbx.state().exten_status("2001").unwrap()["status"], "ocupado");
//!
//! pbx.advance(Duration::from_secs(95));        // the call lasts 90 s unless hung up
//! let calls = client.cdr_search().idunico("crm-4711").await?;
//! assert_eq!(calls.len(), 1);
//! assert_eq!(calls[0].duracao, Some(Duration::from_secs(90)));
//!
//! // The kit: what was asked, rules, faults, verification.
//! pbx.expect("startCall").times(1);
//! pbx.on("agentStatus").times(1).reply(Reply::Http500Empty);
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

/// The crate README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

mod clock;
mod kit;
mod ops;
mod server;
mod state;
mod wire;
mod wsdl;

pub use clock::Clock;
pub use kit::{Expectation, Reply, Request, RuleBuilder};
pub use ops::EmptyDates;
pub use state::{DEFAULT_SEED, LiveCall, SeedError, State};

use jiff::civil::DateTime;
use std::net::SocketAddr;
use std::sync::{Arc, MutexGuard};
use std::time::Duration;
use tokio::sync::watch;

/// Where a virtual clock starts unless told otherwise: the evening of the day the built-in
/// seed's records are from, so its calls are "today".
const VIRTUAL_START: DateTime = jiff::civil::date(2025, 6, 2).at(18, 0, 0, 0);

/// How long a call lasts unless hung up first.
const CALL_LENGTH: Duration = Duration::from_secs(90);

/// A simulated PBX serving on 127.0.0.1; it stops when dropped.
pub struct Pbx {
    shared: Arc<server::Shared>,
    address: SocketAddr,
    stop: watch::Sender<bool>,
}

impl std::fmt::Debug for Pbx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pbx")
            .field("url", &self.url())
            .finish_non_exhaustive()
    }
}

/// Configures a [`Pbx`] before it starts.
#[must_use]
pub struct PbxBuilder {
    seed: Option<String>,
    token: Option<String>,
    port: u16,
    clock: Clock,
    empty_dates: EmptyDates,
    call_length: Duration,
}

impl Pbx {
    /// Starts the built-in company on a free port of 127.0.0.1, on the real clock.
    pub async fn start() -> std::io::Result<Pbx> {
        Pbx::builder().start().await
    }

    /// Configures one: seed, token, port, clock.
    pub fn builder() -> PbxBuilder {
        PbxBuilder {
            seed: None,
            token: None,
            port: 0,
            clock: Clock::real(),
            empty_dates: EmptyDates::Today,
            call_length: CALL_LENGTH,
        }
    }

    /// The webservice's URL (`http://127.0.0.1:PORT/aplicativos/webservice/wsuscall.php`).
    pub fn url(&self) -> String {
        format!("http://{}{}", self.address, server::PATH)
    }

    /// The address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The company's token.
    pub fn token(&self) -> String {
        self.shared.state().token().to_owned()
    }

    /// A client for it, with its token.
    pub fn client(&self) -> uscall_client::Client {
        uscall_client::Client::builder(&self.url())
            .token(self.token())
            .build()
            .expect("a plain-http client for 127.0.0.1 builds")
    }

    /// The company's state, to read or change. Hold it briefly: calls to the simulator wait
    /// for it, and one that waits 5 s (a guard kept across a call) fails with HTTP 503 saying
    /// so, rather than hanging the test.
    pub fn state(&self) -> MutexGuard<'_, State> {
        let mut state = self.shared.state();
        state.settle(&self.shared.cx.clock);
        state
    }

    /// The simulator's clock.
    pub fn clock(&self) -> &Clock {
        &self.shared.cx.clock
    }

    /// Moves a virtual clock forward (calls end, pauses run past their limits, "today" moves).
    ///
    /// # Panics
    ///
    /// On the real clock, which only time moves.
    #[track_caller]
    pub fn advance(&self, by: Duration) {
        assert!(
            self.shared.cx.clock.advance(by),
            "Pbx::advance needs a virtual clock: Pbx::builder().virtual_clock()"
        );
        self.shared.state().settle(&self.shared.cx.clock);
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.shared.kit().requests.clone()
    }

    /// Forgets the requests received so far (rules stay).
    pub fn clear_requests(&self) {
        self.shared.kit().requests.clear();
    }

    /// A rule for `operation` (`"*"`: every operation): `pbx.on("startCall").reply(...)`.
    pub fn on(&self, operation: &str) -> RuleBuilder<'_> {
        RuleBuilder {
            pbx: self,
            rule: kit::Rule {
                operation: operation.to_owned(),
                when: None,
                reply: Reply::Http500Empty,
                remaining: None,
            },
        }
    }

    /// Verifies the requests `operation` received: `pbx.expect("startCall").times(1)`.
    pub fn expect(&self, operation: &str) -> Expectation {
        let requests = self
            .shared
            .kit()
            .requests
            .iter()
            .filter(|r| r.operation == operation)
            .cloned()
            .collect();
        Expectation {
            operation: operation.to_owned(),
            requests,
        }
    }

    pub(crate) fn kit(&self) -> MutexGuard<'_, kit::Kit> {
        self.shared.kit()
    }
}

impl Drop for Pbx {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

impl PbxBuilder {
    /// The company: a JSON seed shaped like [`DEFAULT_SEED`] (the built-in one otherwise).
    pub fn seed(mut self, json: impl Into<String>) -> Self {
        self.seed = Some(json.into());
        self
    }

    /// The token the PBX accepts (the seed's otherwise).
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The port (0, the default: a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// A virtual clock starting at 2025-06-02 18:00 (PBX time), moved by [`Pbx::advance`].
    pub fn virtual_clock(self) -> Self {
        self.clock(Clock::starting_at(VIRTUAL_START))
    }

    /// A clock of one's own ([`Clock::starting_at`], or [`Clock::real`]).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// How an empty `dataini`/`datafin` reads (today, as the PBX does, by default).
    pub fn empty_dates(mut self, empty_dates: EmptyDates) -> Self {
        self.empty_dates = empty_dates;
        self
    }

    /// How long a call lasts unless hung up first (90 s by default).
    pub fn call_length(mut self, length: Duration) -> Self {
        self.call_length = length;
        self
    }

    /// Starts serving. Fails on an unusable seed (as `InvalidData`) or a port in use.
    pub async fn start(self) -> std::io::Result<Pbx> {
        let seed = self.seed.as_deref().unwrap_or(DEFAULT_SEED);
        let mut state = State::from_seed(seed)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
        if let Some(token) = self.token {
            state.set_token(token);
        }
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port)).await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(server::Shared {
            state: std::sync::Mutex::new(state),
            kit: std::sync::Mutex::new(kit::Kit::default()),
            cx: ops::Context {
                clock: self.clock,
                empty_dates: self.empty_dates,
                call_length: self.call_length,
            },
            operations: uscall_client::OPERATIONS,
            wsdl: wsdl::document(
                uscall_client::OPERATIONS,
                &format!("http://{address}{}", server::PATH),
            )
            .into(),
        });
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(server::serve(listener, shared.clone(), stopped));
        Ok(Pbx {
            shared,
            address,
            stop,
        })
    }
}

/// A WAV recording as the simulator makes them: `8 * (100 + seconds)` samples, 8 kHz, 16-bit.
pub fn recording(seconds: u64) -> Vec<u8> {
    ops::wav(seconds)
}
