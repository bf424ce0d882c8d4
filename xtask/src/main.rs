//! Maintainer tasks: `cargo xtask regen [--check] [--url URL [--ca-cert FILE] [--insecure]]`.

use anyhow::{Context, Result, bail, ensure};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The checked-in WSDL, relative to the workspace root.
const WSDL: &str = "wsdl/wsuscall.wsdl";
/// The generated bindings, relative to the workspace root.
const GENERATED: &str = "uscall-client/src/generated.rs";

const USAGE: &str = "\
usage: cargo xtask regen [--check]
       cargo xtask regen --url URL [--ca-cert FILE] [--insecure]

  regen                 regenerate uscall-client/src/generated.rs from wsdl/wsuscall.wsdl
  regen --check         fail if the generated code differs from what the WSDL gives (no network)
  regen --url URL       fetch URL?wsdl from a live PBX, then rewrite wsdl/wsuscall.wsdl and the code
    --ca-cert FILE      also trust this PEM CA certificate (self-signed PBX)
    --insecure          do not verify the TLS certificate (dangerous; prefer --ca-cert)";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Write,
    Check,
}

#[derive(Debug, Default)]
struct Fetch {
    url: String,
    ca_cert: Option<PathBuf>,
    insecure: bool,
}

fn main() {
    if let Err(e) = run(std::env::args().skip(1).collect()) {
        eprintln!("xtask: {e:#}");
        std::process::exit(1);
    }
}

fn run(args: Vec<String>) -> Result<()> {
    let mut args = args.into_iter();
    match args.next().as_deref() {
        Some("regen") => {}
        Some("-h" | "--help") | None => {
            println!("{USAGE}");
            return Ok(());
        }
        Some(other) => bail!("unknown task {other:?}\n{USAGE}"),
    }
    let mut mode = Mode::Write;
    let mut fetch: Option<Fetch> = None;
    let (mut ca_cert, mut insecure) = (None, false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => mode = Mode::Check,
            "--url" => {
                let url = args.next().context("--url needs a URL")?;
                fetch = Some(Fetch {
                    url,
                    ..Fetch::default()
                });
            }
            "--ca-cert" => {
                ca_cert = Some(PathBuf::from(
                    args.next().context("--ca-cert needs a file")?,
                ))
            }
            "--insecure" => insecure = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    let root = workspace_root();
    match fetch {
        Some(_) if mode == Mode::Check => bail!("--check never uses the network: drop --url"),
        Some(mut f) => {
            f.ca_cert = ca_cert;
            f.insecure = insecure;
            let wsdl = fetch_wsdl(&f)?;
            // Refuse to replace the checked-in WSDL with something the generator cannot use.
            generate(&wsdl)
                .with_context(|| format!("the WSDL served at {} is not usable", f.url))?;
            ensure_file_contents(&root.join(WSDL), &wsdl, Mode::Write)?;
        }
        None if ca_cert.is_some() || insecure => {
            bail!("--ca-cert and --insecure only apply with --url")
        }
        None => {}
    }
    regen(&root, mode)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Regenerates (or checks) the generated bindings from the checked-in WSDL.
fn regen(root: &Path, mode: Mode) -> Result<()> {
    let wsdl_path = root.join(WSDL);
    let wsdl = std::fs::read(&wsdl_path)
        .with_context(|| format!("cannot read {}", wsdl_path.display()))?;
    let code = generate(&wsdl).with_context(|| format!("cannot generate code from {WSDL}"))?;
    ensure_file_contents(&root.join(GENERATED), code.as_bytes(), mode)
}

fn generate(wsdl: &[u8]) -> Result<String> {
    let options = uscall_codegen::Options {
        source: WSDL.to_owned(),
    };
    Ok(uscall_codegen::generate(wsdl, &options)?.code)
}

/// Writes `contents` to `path` if it differs (Write), or fails with the first differing line (Check).
fn ensure_file_contents(path: &Path, contents: &[u8], mode: Mode) -> Result<()> {
    let shown = path
        .strip_prefix(workspace_root())
        .unwrap_or(path)
        .display()
        .to_string();
    let old = match std::fs::read(path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("cannot read {shown}")),
    };
    if old.as_deref().map(normalize_newlines) == Some(normalize_newlines(contents)) {
        if mode == Mode::Write {
            eprintln!("{shown} is up to date");
        }
        return Ok(());
    }
    match mode {
        Mode::Write => {
            std::fs::write(path, contents).with_context(|| format!("cannot write {shown}"))?;
            eprintln!("updated {shown}");
            Ok(())
        }
        Mode::Check => {
            let old = old.unwrap_or_default();
            bail!(
                "{shown} is stale: {}\nrun `cargo xtask regen` and commit the result",
                first_difference(&old, contents)
            )
        }
    }
}

fn normalize_newlines(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut it = bytes.iter().peekable();
    while let Some(&b) = it.next() {
        if b == b'\r' && it.peek() == Some(&&b'\n') {
            continue;
        }
        out.push(b);
    }
    out
}

/// Describes the first line where `old` (on disk) and `new` (expected) differ.
fn first_difference(old: &[u8], new: &[u8]) -> String {
    let old = String::from_utf8_lossy(old).replace("\r\n", "\n");
    let new = String::from_utf8_lossy(new).replace("\r\n", "\n");
    let (mut a, mut b) = (old.lines(), new.lines());
    let mut line = 1;
    loop {
        match (a.next(), b.next()) {
            (Some(x), Some(y)) if x == y => line += 1,
            (x, y) => {
                return format!(
                    "first difference at line {line}:\n  on disk:  {}\n  expected: {}",
                    x.unwrap_or("<end of file>"),
                    y.unwrap_or("<end of file>")
                );
            }
        }
    }
}

/// Fetches `URL?wsdl`, verifying TLS unless `--insecure` was given.
fn fetch_wsdl(f: &Fetch) -> Result<Vec<u8>> {
    let mut url = f.url.trim().to_owned();
    if !url.contains('?') {
        if url.ends_with('/') || url.matches('/').count() == 2 {
            url = format!(
                "{}/aplicativos/webservice/wsuscall.php",
                url.trim_end_matches('/')
            );
        }
        url.push_str("?wsdl");
    }
    ensure!(
        url.starts_with("http://") || url.starts_with("https://"),
        "--url must be an http:// or https:// URL, got {url:?}"
    );
    let mut http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .connect_timeout(Duration::from_secs(10));
    if let Some(path) = &f.ca_cert {
        let pem = std::fs::read(path)
            .with_context(|| format!("cannot read CA certificate {}", path.display()))?;
        for cert in reqwest::Certificate::from_pem_bundle(&pem).context("bad CA certificate")? {
            http = http.add_root_certificate(cert);
        }
    }
    if f.insecure {
        eprintln!(
            "xtask: warning: TLS certificate verification is OFF (--insecure); the WSDL could be tampered with"
        );
        http = http.tls_danger_accept_invalid_certs(true);
    }
    let response = http
        .build()?
        .get(&url)
        .send()
        .with_context(|| format!("cannot fetch {url}"))?;
    let status = response.status();
    let body = response
        .bytes()
        .with_context(|| format!("cannot read the answer of {url}"))?;
    ensure!(status.is_success(), "{url} answered HTTP {status}");
    eprintln!("fetched {url} ({} bytes)", body.len());
    Ok(body.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same check as `cargo xtask regen --check`, so `cargo test` catches a stale file too.
    #[test]
    fn generated_code_is_fresh() {
        if let Err(e) = regen(&workspace_root(), Mode::Check) {
            panic!("{e:#}");
        }
    }

    #[test]
    fn first_difference_names_the_line() {
        assert_eq!(
            first_difference(b"a\nb\nc", b"a\nB\nc"),
            "first difference at line 2:\n  on disk:  b\n  expected: B"
        );
        assert_eq!(
            first_difference(b"a\n", b"a\nb\n"),
            "first difference at line 2:\n  on disk:  <end of file>\n  expected: b"
        );
        assert_eq!(normalize_newlines(b"a\r\nb\r"), b"a\nb\r");
    }
}
