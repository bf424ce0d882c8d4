//! Test harness: starts the PHP reference servers, runs the peer clients (PHP SoapClient, zeep) and loads the fixture PBX.
//!
//! Everything here fails loudly: a missing PHP, soap extension, NuSOAP or zeep is a test
//! failure whose message says how to install it (or to run `scripts/test.sh`), never a skip.

use std::fs;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

pub mod calls;
pub mod drifted;
pub mod fixtures;
pub mod hostile;
pub mod typed;

/// The fixture PBX's valid token (`token` in `uscall-mock/src/seed.json`).
pub const TOKEN: &str = "$1$gcNiVTZp$5IqX.EhuJyLNG7pBc5o4..";

/// The path both servers answer on; anything else is a 404.
pub const SERVICE_PATH: &str = "/aplicativos/webservice/wsuscall.php";

/// How to get every external dependency at once.
pub const INSTALL_HINT: &str = "run scripts/test.sh, which installs them";

const PHP_INSTALL: &str = "apt-get install php-cli php-soap php-xml libnusoap-php";
const ZEEP_INSTALL: &str = "pip install zeep";
const START_TIMEOUT: Duration = Duration::from_secs(15);
const PEER_TIMEOUT: Duration = Duration::from_secs(120);

/// The workspace root (the directory holding the top-level `Cargo.toml`).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

/// `uscall-mock/src/seed.json`, the data both servers answer from.
pub fn fixture() -> Value {
    static FIXTURE: OnceLock<Value> = OnceLock::new();
    FIXTURE
        .get_or_init(|| {
            let path = repo_root().join("uscall-mock/src/seed.json");
            let text = fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()))
        })
        .clone()
}

/// The PHP binary: `USCALL_TEST_PHP`, else `php` on the PATH.
pub fn php_bin() -> String {
    std::env::var("USCALL_TEST_PHP").unwrap_or_else(|_| "php".to_owned())
}

/// The Python interpreter for zeep: `USCALL_TEST_PYTHON` (set by scripts/test.sh), else the
/// `.venv-tests` that scripts/test.sh creates if it exists (so a plain `cargo test` works after
/// one run of the script), else `python3`.
pub fn python_bin() -> String {
    if let Ok(python) = std::env::var("USCALL_TEST_PYTHON") {
        return python;
    }
    let venv = repo_root().join(".venv-tests/bin/python");
    if venv.is_file() {
        return venv.to_string_lossy().into_owned();
    }
    "python3".to_owned()
}

fn nusoap_path() -> PathBuf {
    std::env::var_os("USCALL_NUSOAP")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/share/php/nusoap/nusoap.php"))
}

fn check_php() -> Result<(), String> {
    let php = php_bin();
    let probe =
        r#"foreach (['soap', 'xml', 'json'] as $e) { if (!extension_loaded($e)) { echo "$e "; } }"#;
    let out = Command::new(&php)
        .args(["-r", probe])
        .output()
        .map_err(|e| {
            format!("cannot run `{php}` ({e}): install PHP with `{PHP_INSTALL}` or {INSTALL_HINT}")
        })?;
    if !out.status.success() {
        return Err(format!(
            "`{php} -r` failed: {}; install PHP with `{PHP_INSTALL}` or {INSTALL_HINT}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let missing = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if !missing.is_empty() {
        return Err(format!(
            "PHP extensions missing: {missing}; install them with `{PHP_INSTALL}` or {INSTALL_HINT}"
        ));
    }
    let nusoap = nusoap_path();
    if !nusoap.is_file() {
        return Err(format!(
            "NuSOAP not found at {} (USCALL_NUSOAP overrides the path): install it with `{PHP_INSTALL}` or {INSTALL_HINT}",
            nusoap.display()
        ));
    }
    Ok(())
}

/// Fails the test, saying how to install them, unless PHP, its soap and xml extensions and NuSOAP are present.
pub fn require_php() {
    static CHECK: OnceLock<Result<(), String>> = OnceLock::new();
    if let Err(e) = CHECK.get_or_init(check_php) {
        panic!("{e}");
    }
}

fn check_zeep() -> Result<(), String> {
    let python = python_bin();
    let out = Command::new(&python)
        .args(["-c", "import zeep"])
        .output()
        .map_err(|e| {
            format!("cannot run `{python}` ({e}): install Python 3 and `{ZEEP_INSTALL}`, or {INSTALL_HINT} (it sets USCALL_TEST_PYTHON)")
        })?;
    if !out.status.success() {
        return Err(format!(
            "zeep is not importable by `{python}`: `{ZEEP_INSTALL}` (or set USCALL_TEST_PYTHON to a Python that has it), or {INSTALL_HINT}"
        ));
    }
    Ok(())
}

/// Fails the test, saying how to install it, unless `python_bin()` can import zeep.
pub fn require_python_zeep() {
    static CHECK: OnceLock<Result<(), String>> = OnceLock::new();
    if let Err(e) = CHECK.get_or_init(check_zeep) {
        panic!("{e}");
    }
}

/// Which PHP reference server to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerKind {
    /// `tests/php/nusoap_server.php`: NuSOAP, binds parts by position, generates the WSDL.
    Nusoap,
    /// `tests/php/native_server.php`: ext/soap `SoapServer`, binds parts by name, serves the checked-in WSDL.
    Native,
    /// `tests/php/types/native_server.php`: ext/soap serving the typed WSDLs of
    /// `tests/wsdl-types` at `/types/encoded.php`, `/types/second.php` and `/types/literal.php`.
    TypesNative,
    /// `tests/php/types/nusoap_server.php`: NuSOAP's typed service at `/types/encoded.php`.
    TypesNusoap,
}

impl ServerKind {
    fn router(self) -> &'static str {
        match self {
            ServerKind::Nusoap => "tests/php/nusoap_server.php",
            ServerKind::Native => "tests/php/native_server.php",
            ServerKind::TypesNative => "tests/php/types/native_server.php",
            ServerKind::TypesNusoap => "tests/php/types/nusoap_server.php",
        }
    }

    /// A path whose `?wsdl` answers once the server is ready.
    fn probe_path(self) -> &'static str {
        match self {
            ServerKind::Nusoap | ServerKind::Native => SERVICE_PATH,
            ServerKind::TypesNative | ServerKind::TypesNusoap => "/types/encoded.php",
        }
    }

    /// The `server` value the handlers write in the call log.
    pub fn log_name(self) -> &'static str {
        match self {
            ServerKind::Nusoap => "nusoap",
            ServerKind::Native => "native",
            ServerKind::TypesNative => "types-native",
            ServerKind::TypesNusoap => "types-nusoap",
        }
    }
}

/// Variables the servers read; cleared so the developer's shell cannot change a test.
const SERVER_ENV: &[&str] = &[
    "USCALL_CALL_LOG",
    "USCALL_CHARSET_MODE",
    "USCALL_WSDL",
    "USCALL_WSDL_ADD",
    "USCALL_WSDL_DROP",
    "USCALL_WSDL_ENDPOINT",
    "USCALL_GZIP",
    "USCALL_MALFORMED",
    "PHP_CLI_SERVER_WORKERS",
];

/// A `php -S` reference server on a free 127.0.0.1 port, killed (with its workers) on drop.
pub struct PhpServer {
    kind: ServerKind,
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl PhpServer {
    /// Starts the NuSOAP server with extra environment variables; panics with its stderr on failure.
    pub fn nusoap(env: &[(&str, &str)]) -> PhpServer {
        Self::start(ServerKind::Nusoap, env).unwrap_or_else(|e| panic!("{e:#}"))
    }

    /// Starts the ext/soap server with extra environment variables; panics with its stderr on failure.
    pub fn native(env: &[(&str, &str)]) -> PhpServer {
        Self::start(ServerKind::Native, env).unwrap_or_else(|e| panic!("{e:#}"))
    }

    /// Starts a server. `PHP_CLI_SERVER_WORKERS` comes from `env`, else from the
    /// `USCALL_TEST_PHP_WORKERS` knob, else is unset (one request at a time).
    pub fn start(kind: ServerKind, env: &[(&str, &str)]) -> Result<PhpServer> {
        require_php();
        // Another process may grab the port between our probe and php's bind; retry then.
        let mut last = None;
        for _ in 0..3 {
            match Self::start_once(kind, env) {
                Ok(server) => return Ok(server),
                Err(e) if format!("{e:#}").contains("Address already in use") => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.expect("three attempts"))
    }

    fn start_once(kind: ServerKind, env: &[(&str, &str)]) -> Result<PhpServer> {
        let port = free_port()?;
        let dir = tempfile::Builder::new()
            .prefix("uscall-php-")
            .tempdir()
            .context("creating the server's temp dir")?;
        let log_path = dir.path().join("calls.jsonl");
        fs::write(&log_path, "").context("creating the call log")?;
        let stderr =
            fs::File::create(dir.path().join("server.log")).context("creating server.log")?;
        let stdout = stderr.try_clone().context("cloning server.log")?;

        let mut cmd = Command::new(php_bin());
        cmd.arg("-S")
            .arg(format!("127.0.0.1:{port}"))
            .arg(kind.router())
            .current_dir(repo_root())
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            // Own process group, so Drop can also reach PHP_CLI_SERVER_WORKERS children.
            .process_group(0);
        for var in SERVER_ENV {
            cmd.env_remove(var);
        }
        cmd.env("USCALL_CALL_LOG", &log_path);
        if let Ok(workers) = std::env::var("USCALL_TEST_PHP_WORKERS") {
            cmd.env("PHP_CLI_SERVER_WORKERS", workers);
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd
            .spawn()
            .with_context(|| format!("starting `{} -S` ({PHP_INSTALL})", php_bin()))?;
        let mut server = PhpServer {
            kind,
            child,
            port,
            dir,
        };
        server.wait_ready()?;
        Ok(server)
    }

    fn wait_ready(&mut self) -> Result<()> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().context("polling php")? {
                bail!(
                    "{:?} server exited early ({status}); its output:\n{}",
                    self.kind,
                    self.server_output()
                );
            }
            // NuSOAP builds its WSDL on every request, so a 200 on ?wsdl means PHP, the
            // loader, the handlers and NuSOAP all work.
            let probe = http_request(
                self.port,
                "GET",
                &format!("{}?wsdl", self.kind.probe_path()),
                &[],
                b"",
            );
            match probe {
                Ok(resp) if resp.status == 200 && resp.body.starts_with(b"<?xml") => return Ok(()),
                Ok(resp) if resp.status != 200 => bail!(
                    "{:?} server answered GET ?wsdl with HTTP {}: {}\nits output:\n{}",
                    self.kind,
                    resp.status,
                    resp.text_lossy(),
                    self.server_output()
                ),
                _ => {}
            }
            if Instant::now() > deadline {
                bail!(
                    "{:?} server on port {} did not answer within {START_TIMEOUT:?}; its output:\n{}",
                    self.kind,
                    self.port,
                    self.server_output()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Which server this is.
    pub fn kind(&self) -> ServerKind {
        self.kind
    }

    /// The port `php -S` listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The SOAP endpoint, `http://127.0.0.1:PORT/aplicativos/webservice/wsuscall.php`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}{SERVICE_PATH}", self.port)
    }

    /// The WSDL URL (`url()` + `?wsdl`).
    pub fn wsdl_url(&self) -> String {
        format!("{}?wsdl", self.url())
    }

    /// The file the handlers append one JSON line per call to (`USCALL_CALL_LOG`).
    pub fn call_log(&self) -> PathBuf {
        self.dir.path().join("calls.jsonl")
    }

    /// The calls logged so far: `{"server", "op", "args": {name: value or null}}`.
    pub fn calls(&self) -> Vec<Value> {
        let text = fs::read_to_string(self.call_log()).unwrap_or_default();
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                serde_json::from_str(l).unwrap_or_else(|e| panic!("bad call-log line {l:?}: {e}"))
            })
            .collect()
    }

    /// What `php -S` printed so far (request log, PHP warnings).
    pub fn server_output(&self) -> String {
        fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// Fetches the WSDL as raw bytes (NuSOAP's is ISO-8859-1).
    pub fn fetch_wsdl(&self) -> Result<Vec<u8>> {
        let resp = self.get(&format!("{SERVICE_PATH}?wsdl"))?;
        if resp.status != 200 {
            bail!("GET ?wsdl answered HTTP {}", resp.status);
        }
        Ok(resp.body)
    }

    /// Writes the served WSDL into the server's temp dir and returns its path (for the peer scripts).
    pub fn wsdl_file(&self) -> Result<PathBuf> {
        let path = self.dir.path().join("served.wsdl");
        fs::write(&path, self.fetch_wsdl()?).context("writing served.wsdl")?;
        Ok(path)
    }

    /// A GET on this server.
    pub fn get(&self, path_and_query: &str) -> Result<HttpResponse> {
        http_request(self.port, "GET", path_and_query, &[], b"")
    }

    /// POSTs a raw SOAP envelope for `op` to the endpoint.
    pub fn post_soap(&self, op: &str, envelope: &str) -> Result<HttpResponse> {
        let action = format!("\"urn:wsuscall#{op}\"");
        http_request(
            self.port,
            "POST",
            SERVICE_PATH,
            &[
                ("Content-Type", "text/xml; charset=utf-8"),
                ("SOAPAction", &action),
            ],
            envelope.as_bytes(),
        )
    }

    /// Calls `op` with an rpc/encoded request built by [`rpc_envelope`] and returns the
    /// `return` string, or an error describing the fault or HTTP status.
    pub fn call(&self, op: &str, args: &[(&str, Option<&str>)]) -> Result<String> {
        let resp = self.post_soap(op, &rpc_envelope(op, args))?;
        let text = resp.text()?;
        if let Some(fault) = soap_fault(&text) {
            bail!("HTTP {}: SOAP fault {fault:?}", resp.status);
        }
        return_value(&text)
            .ok_or_else(|| anyhow!("HTTP {}: no <return> in response: {text}", resp.status))
    }
}

impl Drop for PhpServer {
    fn drop(&mut self) {
        // Kill the whole group (php -S and any worker children), then reap the leader.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("binding 127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// A response from [`http_request`].
#[derive(Clone, Debug)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Header names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first header with this (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body decoded by its XML declaration or Content-Type charset (ISO-8859-1 or UTF-8).
    pub fn text(&self) -> Result<String> {
        let head =
            String::from_utf8_lossy(&self.body[..self.body.len().min(100)]).to_ascii_lowercase();
        let ctype = self
            .header("content-type")
            .unwrap_or("")
            .to_ascii_lowercase();
        let latin1 = if head.starts_with("<?xml") {
            head.contains("iso-8859-1")
        } else {
            ctype.contains("iso-8859-1")
        };
        if latin1 {
            Ok(self.body.iter().map(|&b| b as char).collect())
        } else {
            String::from_utf8(self.body.clone()).context("response body is not UTF-8")
        }
    }

    /// The body as UTF-8, with invalid bytes replaced.
    pub fn text_lossy(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A minimal blocking HTTP/1.0 client for 127.0.0.1 (no chunking, no keep-alive), enough for `php -S`.
pub fn http_request(
    port: u16,
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<HttpResponse> {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))
        .with_context(|| format!("connecting to {addr}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut req = format!("{method} {path_and_query} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    stream.write_all(req.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .context("reading the response")?;

    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| anyhow!("no end of headers in {} bytes", raw.len()))?;
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| anyhow!("bad status line {status_line:?}"))?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Ok(HttpResponse {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    })
}

/// An rpc/encoded request for `op` in namespace `urn:wsuscall`; `None` becomes `xsi:nil="true"`.
/// Parts are written in the order given, so tests can send them out of order or leave some out.
pub fn rpc_envelope(op: &str, args: &[(&str, Option<&str>)]) -> String {
    let mut parts = String::new();
    for (name, value) in args {
        match value {
            Some(v) => parts.push_str(&format!(
                "<{name} xsi:type=\"xsd:string\">{}</{name}>",
                xml_escape(v)
            )),
            None => parts.push_str(&format!("<{name} xsi:nil=\"true\"/>")),
        }
    }
    format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"",
            " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"",
            " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
            " xmlns:ns1=\"urn:wsuscall\"",
            " SOAP-ENV:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">",
            "<SOAP-ENV:Body><ns1:{op}>{parts}</ns1:{op}></SOAP-ENV:Body></SOAP-ENV:Envelope>"
        ),
        op = op,
        parts = parts
    )
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Resolves the five predefined entities and numeric character references.
pub fn xml_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        let Some(end) = tail.find(';') else {
            out.push_str(tail);
            return out;
        };
        let entity = &tail[1..end];
        let ch = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ if entity.starts_with("#x") => u32::from_str_radix(&entity[2..], 16)
                .ok()
                .and_then(char::from_u32),
            _ if entity.starts_with('#') => entity[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(c) => out.push(c),
            None => out.push_str(&tail[..=end]),
        }
        rest = &tail[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Text of the first element whose local name is `local` (prefix ignored), unescaped.
/// A crude scanner for smoke tests; the client has the real parser.
pub fn element_text(xml: &str, local: &str) -> Option<String> {
    let mut from = 0;
    while let Some(rel) = xml[from..].find('<') {
        let start = from + rel;
        let tag_end = start + xml[start..].find('>')?;
        let tag = &xml[start + 1..tag_end];
        from = tag_end + 1;
        if tag.starts_with('/') || tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        let name = tag.split(|c: char| c.is_whitespace() || c == '/').next()?;
        if name.rsplit(':').next() != Some(local) {
            continue;
        }
        if tag.ends_with('/') {
            return Some(String::new());
        }
        let close = xml[from..].find(&format!("</{name}>"))?;
        return Some(xml_unescape(&xml[from..from + close]));
    }
    None
}

/// The `<return>` string of a response.
pub fn return_value(xml: &str) -> Option<String> {
    element_text(xml, "return")
}

/// A SOAP fault found in a response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// `faultcode`, as written (e.g. `SOAP-ENV:Server`).
    pub code: String,
    /// `faultstring`.
    pub string: String,
    /// The text of `detail`, if any.
    pub detail: Option<String>,
}

/// The fault in a response, if it is one.
pub fn soap_fault(xml: &str) -> Option<Fault> {
    element_text(xml, "Fault")?;
    Some(Fault {
        code: element_text(xml, "faultcode").unwrap_or_default(),
        string: element_text(xml, "faultstring").unwrap_or_default(),
        detail: element_text(xml, "detail"),
    })
}

/// One call for a peer script: the operation and its positional arguments (JSON null = nil/None).
#[derive(Clone, Debug)]
pub struct PeerCall {
    /// Operation name as in the WSDL.
    pub op: String,
    /// Positional arguments, token first.
    pub args: Vec<Value>,
}

impl PeerCall {
    /// A call with string arguments.
    pub fn new(op: &str, args: &[&str]) -> PeerCall {
        PeerCall {
            op: op.to_owned(),
            args: args.iter().map(|a| Value::from(*a)).collect(),
        }
    }
}

/// What a peer got back from one call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PeerOutcome {
    /// The returned string (the JSON document).
    Result(String),
    /// A SOAP fault.
    Fault(Fault),
    /// The client library refused or failed the call itself (e.g. zeep's ValidationError on a None part).
    Error {
        /// Exception class.
        kind: String,
        /// Its message.
        message: String,
    },
}

/// One output line of a peer script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerLine {
    /// The operation called.
    pub op: String,
    /// Its outcome.
    pub outcome: PeerOutcome,
}

/// Runs `tests/php/soapclient_interop.php` (PHP `SoapClient`, positional `__soapCall`).
pub fn run_php_soapclient(
    wsdl: &Path,
    endpoint: &str,
    calls: &[PeerCall],
) -> Result<Vec<PeerLine>> {
    require_php();
    let script = repo_root().join("tests/php/soapclient_interop.php");
    run_peer(Command::new(php_bin()).arg(script), wsdl, endpoint, calls)
}

/// Runs `tests/python/zeep_interop.py` (zeep, `service[op](*args)`).
pub fn run_zeep(wsdl: &Path, endpoint: &str, calls: &[PeerCall]) -> Result<Vec<PeerLine>> {
    require_python_zeep();
    let script = repo_root().join("tests/python/zeep_interop.py");
    run_peer(
        Command::new(python_bin()).arg(script),
        wsdl,
        endpoint,
        calls,
    )
}

fn run_peer(
    cmd: &mut Command,
    wsdl: &Path,
    endpoint: &str,
    calls: &[PeerCall],
) -> Result<Vec<PeerLine>> {
    let mut calls_file = tempfile::Builder::new()
        .prefix("uscall-calls-")
        .suffix(".json")
        .tempfile()
        .context("creating the calls file")?;
    let json: Vec<Value> = calls
        .iter()
        .map(|c| serde_json::json!({"op": c.op, "args": c.args}))
        .collect();
    calls_file.write_all(serde_json::to_string(&json)?.as_bytes())?;
    calls_file.flush()?;

    let mut child = cmd
        .arg(wsdl)
        .arg(endpoint)
        .arg(calls_file.path())
        .current_dir(repo_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {cmd:?}"))?;
    // Drain both pipes on threads so a chatty peer cannot block on a full pipe.
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let out_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    let err_thread = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + PEER_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            bail!("{cmd:?} did not finish within {PEER_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stdout = out_thread.join().unwrap_or_default();
    let stderr = err_thread.join().unwrap_or_default();
    if !status.success() {
        bail!("{cmd:?} failed ({status}):\n{stderr}\nstdout so far:\n{stdout}");
    }
    let lines = stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(parse_peer_line)
        .collect::<Result<Vec<_>>>()
        .with_context(|| format!("peer stderr:\n{stderr}"))?;
    if lines.len() != calls.len() {
        bail!(
            "{} calls but {} output lines:\n{stdout}\nstderr:\n{stderr}",
            calls.len(),
            lines.len()
        );
    }
    Ok(lines)
}

fn parse_peer_line(line: &str) -> Result<PeerLine> {
    let v: Value = serde_json::from_str(line).with_context(|| format!("peer line {line:?}"))?;
    let op = v["op"]
        .as_str()
        .ok_or_else(|| anyhow!("no op in {line}"))?
        .to_owned();
    let s = |x: &Value| x.as_str().map(str::to_owned);
    let outcome = if let Some(r) = v.get("result") {
        // A null result (no <return>) is reported as an empty string.
        PeerOutcome::Result(s(r).unwrap_or_default())
    } else if let Some(f) = v.get("fault") {
        PeerOutcome::Fault(Fault {
            code: s(&f["code"]).unwrap_or_default(),
            string: s(&f["string"]).unwrap_or_default(),
            detail: s(&f["detail"]),
        })
    } else if let Some(e) = v.get("error") {
        PeerOutcome::Error {
            kind: s(&e["type"]).unwrap_or_default(),
            message: s(&e["message"]).unwrap_or_default(),
        }
    } else {
        bail!("peer line has no result, fault or error: {line}");
    };
    Ok(PeerLine { op, outcome })
}

/// Decodes standard base64 (the `arquivo_base_64` of audioDownload).
pub fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .unwrap_or_else(|e| panic!("not base64: {e}"))
}

/// Seconds in an `HH:MM:SS` duration.
pub fn hms_seconds(hms: &str) -> usize {
    hms.split(':').fold(0, |acc, part| {
        acc * 60
            + part
                .parse::<usize>()
                .unwrap_or_else(|_| panic!("not HH:MM:SS: {hms}"))
    })
}

/// Runs `cargo build --quiet ARGS` in the workspace with the cargo running the tests, so the
/// binaries land in the same target directory, already built or nearly.
fn cargo_build(args: &[&str]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(&cargo)
        .args(["build", "--quiet"])
        .args(args)
        .current_dir(repo_root())
        .status()
        .unwrap_or_else(|e| panic!("running `{cargo} build {}`: {e}", args.join(" ")));
    assert!(status.success(), "`cargo build {}` failed", args.join(" "));
}

/// The `uscall` binary, built if needed.
pub fn uscall_bin() -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| cargo_build(&["--package", "uscall-cli", "--bin", "uscall"]));
    target_dir().join("debug").join("uscall")
}

/// Cargo's target directory for this workspace.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| {
            if p.is_relative() {
                repo_root().join(p)
            } else {
                p
            }
        })
        .unwrap_or_else(|| repo_root().join("target"))
}

/// An example program of uscall-client, built (with all the others) if needed.
pub fn example_bin(name: &str) -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| cargo_build(&["--package", "uscall-client", "--examples"]));
    target_dir().join("debug").join("examples").join(name)
}

/// A CSV text as its header and its records, parsed back.
pub fn csv_parsed(text: &str) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let records = reader.records().map(Result::unwrap).collect();
    (header, records)
}

/// A listener on a free loopback port, and its URL: for servers a test writes by hand.
pub async fn loopback() -> (tokio::net::TcpListener, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    (listener, url)
}

/// A whole HTTP/1.1 response (`Connection: close`) with `body`, for servers of canned answers.
pub fn http_response(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// Reads one HTTP request: head (as text) and body (by `Content-Length`).
pub async fn read_request(sock: &mut tokio::net::TcpStream) -> Option<(String, Vec<u8>)> {
    use tokio::io::AsyncReadExt;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = sock.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let len: usize = header(&head, "content-length").map_or(0, |v| v.parse().unwrap());
    while buf.len() < head_end + len {
        let n = sock.read(&mut chunk).await.ok().filter(|n| *n > 0)?;
        buf.extend_from_slice(&chunk[..n]);
    }
    Some((head, buf.split_off(head_end)))
}

/// The value of header `name` in a request or response head.
pub fn header<'h>(head: &'h str, name: &str) -> Option<&'h str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// A server on a free loopback port that gives every request the same bytes and closes,
/// counting requests; it stops with the test's runtime. Gives its URL and the count.
pub async fn canned(reply: Vec<u8>) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::AsyncWriteExt;
    let (listener, url) = loopback().await;
    let hits = Arc::new(AtomicUsize::new(0));
    let count = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let (reply, count) = (reply.clone(), count.clone());
            tokio::spawn(async move {
                if read_request(&mut sock).await.is_some() {
                    count.fetch_add(1, Ordering::SeqCst);
                    let _ = sock.write_all(&reply).await;
                    let _ = sock.shutdown().await;
                }
            });
        }
    });
    (url, hits)
}

/// The operation named by `SOAPAction: "urn:wsuscall#startCall"` in a request head.
pub fn soap_operation(head: &str) -> String {
    let action = header(head, "soapaction")
        .unwrap_or_default()
        .trim_matches('"');
    action.rsplit('#').next().unwrap_or(action).to_owned()
}

/// A NuSOAP-style answer body to `operation` (the JSON escaped inside `<return>`,
/// ISO-8859-1): two extensions for getExtens, a confirmation for anything else.
pub fn nusoap_ok_body(operation: &str) -> Vec<u8> {
    let json = match operation {
        "getExtens" => {
            r#"{"retorno":[{"num":"2001","tipo":"pbx","nome":"Recepcao"},{"num":"2002","tipo":"pbx","nome":"Financeiro"}]}"#
        }
        _ => r#"{"retorno":"Chamada efetuada"}"#,
    };
    let escaped = json.replace('"', "&quot;");
    format!(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><SOAP-ENV:Envelope SOAP-ENV:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\" xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:SOAP-ENC=\"http://schemas.xmlsoap.org/soap/encoding/\"><SOAP-ENV:Body><ns1:{operation}Response xmlns:ns1=\"urn:wsuscall\"><return xsi:type=\"xsd:string\">{escaped}</return></ns1:{operation}Response></SOAP-ENV:Body></SOAP-ENV:Envelope>"
    )
    .into_bytes()
}
