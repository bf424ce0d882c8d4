//! The clients generated from the typed reference WSDLs (`tests/wsdl-types/*.wsdl`), as an
//! application crate would hold them, and what the wire tests need around them.

#[path = "../wsdl-types/encoded.rs"]
#[rustfmt::skip]
pub mod encoded;
#[path = "../wsdl-types/literal.rs"]
#[rustfmt::skip]
pub mod literal;
#[path = "../wsdl-types/nusoap.rs"]
#[rustfmt::skip]
pub mod nusoap;

use std::path::{Path, PathBuf};

/// The WSDLs whose generated clients are above, by file stem.
pub const WSDLS: [&str; 3] = ["encoded", "literal", "nusoap"];

/// `tests/wsdl-types/<stem>.wsdl`.
pub fn wsdl_path(stem: &str) -> PathBuf {
    crate::repo_root().join(format!("tests/wsdl-types/{stem}.wsdl"))
}

/// The client the generator makes of `wsdl` for an application crate.
pub fn generate(wsdl: &Path) -> String {
    let bytes = std::fs::read(wsdl).unwrap_or_else(|e| panic!("{}: {e}", wsdl.display()));
    let name = wsdl.file_name().and_then(|n| n.to_str()).unwrap_or("?");
    let options = uscall_codegen::Options {
        source: format!("tests/wsdl-types/{name}"),
        target: uscall_codegen::emit::Target::External,
        ..uscall_codegen::Options::default()
    };
    uscall_codegen::generate(&bytes, &options)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .code
}

/// What a reference client got from one call.
#[derive(Debug, Clone, PartialEq)]
pub enum PeerAnswer {
    /// The decoded answer, in the peers' canonical JSON (see [`canonical`]).
    Value(serde_json::Value),
    /// A SOAP fault: the peer's `CODE: STRING`.
    Fault(String),
}

/// PHP `SoapClient` (WSDL mode) calling `op` with `args` (a JSON object, parts in WSDL order).
pub fn soapclient(wsdl_url: &str, op: &str, args: &serde_json::Value) -> PeerAnswer {
    crate::require_php();
    let script = crate::repo_root().join("tests/php/types/soapclient.php");
    let mut cmd = std::process::Command::new(crate::php_bin());
    cmd.arg(script);
    peer(cmd, wsdl_url, op, args)
}

/// Python zeep calling `op` with `args`.
pub fn zeep(wsdl_url: &str, op: &str, args: &serde_json::Value) -> PeerAnswer {
    crate::require_python_zeep();
    let script = crate::repo_root().join("tests/python/types_zeep.py");
    let mut cmd = std::process::Command::new(crate::python_bin());
    cmd.arg(script);
    peer(cmd, wsdl_url, op, args)
}

/// How long one peer call may take (zeep reads the WSDL each time).
const PEER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

fn peer(
    mut cmd: std::process::Command,
    wsdl_url: &str,
    op: &str,
    args: &serde_json::Value,
) -> PeerAnswer {
    use std::io::Read;
    use std::process::Stdio;
    let what = format!("{cmd:?} {op} {args}");
    let mut child = cmd
        .arg(wsdl_url)
        .arg(op)
        .arg(args.to_string())
        .current_dir(crate::repo_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: {e} ({})", crate::INSTALL_HINT));
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let deadline = std::time::Instant::now() + PEER_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("polling the peer") {
            break status;
        }
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what}: no answer within {PEER_TIMEOUT:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let (out, err) = (
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default(),
    );
    match status.code() {
        Some(0) => PeerAnswer::Value(
            serde_json::from_str(out.trim())
                .unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {out}")),
        ),
        Some(1) if err.contains("SOAP fault") => PeerAnswer::Fault(
            err.lines()
                .find_map(|l| {
                    l.split_once("SOAP fault ")
                        .map(|(_, f)| f.trim().to_owned())
                })
                .unwrap_or_default(),
        ),
        _ => panic!("{what}: exited {status}\nstdout: {out}\nstderr: {err}"),
    }
}

/// The peers' canonical form, applied to any JSON: keys sorted, `null` members and empty arrays
/// left out (an empty array or `null` as the whole value is `null`), every number an `f64`
/// (`180` and `180.0` are one value).
pub fn canonical(json: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value as J;
    fn empty(v: &J) -> bool {
        matches!(v, J::Null) || matches!(v, J::Array(items) if items.is_empty())
    }
    match json {
        J::Object(map) => {
            let mut members: Vec<(&String, J)> = map
                .iter()
                .filter(|(_, v)| !empty(v))
                .map(|(k, v)| (k, canonical(v)))
                .collect();
            members.sort_by(|a, b| a.0.cmp(b.0));
            J::Object(members.into_iter().map(|(k, v)| (k.clone(), v)).collect())
        }
        J::Array(items) if items.is_empty() => J::Null,
        J::Array(items) => J::Array(items.iter().map(canonical).collect()),
        J::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(J::Null, J::Number),
        other => other.clone(),
    }
}

/// A typed answer as JSON, by the operation's answer descriptors: one output is its value,
/// several an object of them, none `null`.
pub fn answer_json(
    op: &uscall_client::meta::OperationInfo,
    value: &uscall_client::value::Value,
) -> serde_json::Value {
    uscall_client::value::json::answer_to_json(value, op.outputs)
}
