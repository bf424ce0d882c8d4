//! Maintainer tasks: `cargo xtask regen [--check] [--strict] [--soap 1.1|1.2] [--url URL [--ca-cert FILE] [--pin-sha256 HEX] [--insecure]]`.

use anyhow::{Context, Result, bail, ensure};
use std::path::{Path, PathBuf};
use uscall_codegen::model::SoapVersion;

mod drift;
mod fetch;
mod soap;
use soap::{soap_for, soap_version};

/// The checked-in WSDL, relative to the workspace root.
pub(crate) const WSDL: &str = "wsdl/wsuscall.wsdl";
/// The generated bindings, relative to the workspace root.
const GENERATED: &str = "uscall-client/src/generated.rs";

const USAGE: &str = "\
usage: cargo xtask regen [--check] [--strict] [--soap 1.1|1.2]
       cargo xtask regen --url URL [--strict] [--soap 1.1|1.2] [--ca-cert FILE] [--pin-sha256 HEX] [--insecure]

  regen                 regenerate uscall-client/src/generated.rs from wsdl/wsuscall.wsdl
  regen --check         fail if the generated code differs from what the WSDL gives (no network)
  regen --check --url URL [--format table|json]
                        compare a live PBX's WSDL with wsdl/wsuscall.wsdl by meaning (operations,
                        parts by name and position, types, style, use, namespace, SOAPAction,
                        SOAP version, path); fail on any difference on the wire
  regen --strict        fail, writing nothing, if any operation would become a raw method
  regen --soap 1.2      where a port type is bound in both SOAP 1.1 and 1.2, generate from the
                        SOAP 1.2 binding (1.1 is the default); kept in the generated file's header,
                        so later runs and --check use it until another --soap is given
  regen --url URL       fetch URL?wsdl from a live PBX, then rewrite wsdl/wsuscall.wsdl and the code
    --ca-cert FILE      also trust this PEM CA certificate (self-signed PBX)
    --pin-sha256 HEX    accept only the certificate with this SHA-256 fingerprint, whatever its
                        issuer and name (self-signed PBX; wins over --ca-cert; repeatable)
    --insecure          do not verify the TLS certificate (dangerous; prefer --ca-cert or
                        --pin-sha256)";

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mode {
    Write,
    Check,
}

/// What `--url` and its TLS options ask for.
#[derive(Debug, Default)]
struct Fetch {
    url: String,
    ca_cert: Option<PathBuf>,
    /// `--pin-sha256` values as given; checked where the network stack is built in (`fetch`).
    pins: Vec<String>,
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
    let mut strict = false;
    let mut soap = None;
    let mut fetch: Option<Fetch> = None;
    let mut format = drift::Format::Table;
    let (mut ca_cert, mut pins, mut insecure) = (None, Vec::new(), false);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--check" => mode = Mode::Check,
            "--strict" => strict = true,
            "--soap" => soap = Some(soap_version(args.next().as_deref())?),
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
            "--pin-sha256" => {
                let pin = args
                    .next()
                    .context("--pin-sha256 needs a SHA-256 fingerprint")?;
                fetch::check_pin(&pin)?;
                pins.push(pin);
            }
            "--insecure" => insecure = true,
            "--format" => format = drift::format(args.next().as_deref())?,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    let root = workspace_root();
    let soap = soap_for(&root, soap)?;
    match fetch {
        Some(mut f) if mode == Mode::Check => {
            f.ca_cert = ca_cert;
            f.pins = pins;
            f.insecure = insecure;
            let live = fetch::wsdl(&f)?;
            return drift::check(&root, &live, &f.url, soap, format);
        }
        Some(mut f) => {
            f.ca_cert = ca_cert;
            f.pins = pins;
            f.insecure = insecure;
            let wsdl = fetch::wsdl(&f)?;
            // Refuse to replace the checked-in WSDL with something the generator cannot use.
            generate(&wsdl, &root, strict, soap)
                .with_context(|| format!("the WSDL served at {} is not usable", f.url))?;
            ensure_file_contents(&root.join(WSDL), &wsdl, Mode::Write, "")?;
        }
        None if ca_cert.is_some() || !pins.is_empty() || insecure => {
            bail!("--ca-cert, --pin-sha256 and --insecure only apply with --url")
        }
        None => {}
    }
    regen(&root, mode, strict, soap)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

/// Regenerates (or checks) the generated bindings from the checked-in WSDL.
/// Without `soap`, the version the existing file records is kept, so `--check` (and the
/// freshness test) generate as the last regen did.
fn regen(root: &Path, mode: Mode, strict: bool, soap: Option<SoapVersion>) -> Result<()> {
    let soap = soap_for(root, soap)?;
    let wsdl_path = root.join(WSDL);
    let wsdl = std::fs::read(&wsdl_path)
        .with_context(|| format!("cannot read {}", wsdl_path.display()))?;
    eprintln!("generating from {WSDL} ({} bytes)", wsdl.len());
    let started = std::time::Instant::now();
    let code = generate(&wsdl, root, strict, soap)
        .with_context(|| format!("cannot generate code from {WSDL}"))?;
    eprintln!(
        "generated {} lines in {} ms",
        code.lines().count(),
        started.elapsed().as_millis()
    );
    let command = uscall_codegen::render::Header {
        source: WSDL.to_owned(),
        soap,
    }
    .command();
    ensure_file_contents(&root.join(GENERATED), code.as_bytes(), mode, &command)
}

/// The generated code. Each operation generated as a raw method is a warning on stderr, with a
/// summary after them; with `strict` they are an error instead. Notes (which SOAP version was
/// taken) go to stderr too, and are never errors.
fn generate(wsdl: &[u8], root: &Path, strict: bool, soap: Option<SoapVersion>) -> Result<String> {
    let options = uscall_codegen::Options {
        source: WSDL.to_owned(),
        soap,
        json_answers: true,
        schemas: local_schemas(wsdl, &root.join("wsdl"))?,
        ..uscall_codegen::Options::default()
    };
    let generated = uscall_codegen::generate(wsdl, &options)?;
    eprintln!(
        "{} operations ({} raw), {} schema types",
        generated.api.operations.len(),
        generated.warnings.len(),
        generated.api.types.len()
    );
    eprint!("{}", note_lines(&generated));
    if let Some(report) = raw_report(&generated, strict) {
        ensure!(
            !strict,
            "{report}--strict: no operation may be generated as a raw method"
        );
        eprint!("{report}");
    }
    Ok(generated.code)
}

/// The schema documents the WSDL imports by a relative `schemaLocation` that are saved beside
/// it (in `dir`, `wsdl/`), and theirs in turn; never fetched. A location without a local copy is
/// left out: the operations needing it become raw, with a warning naming the file.
fn local_schemas(wsdl: &[u8], dir: &Path) -> Result<Vec<(String, Vec<u8>)>> {
    let Ok(defs) = uscall_codegen::parse::bytes(wsdl) else {
        // The generator reports what is wrong with the WSDL itself.
        return Ok(Vec::new());
    };
    let mut pending = defs.schema_locations();
    let mut found: Vec<(String, Vec<u8>)> = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    while let Some(location) = pending.pop() {
        // Only a plain relative path can name a file beside the WSDL.
        let relative = !location.contains("://")
            && !location.starts_with('/')
            && !location.split(['/', '\\']).any(|c| c == "..");
        if !relative || !seen.insert(location.clone()) {
            continue;
        }
        let path = dir.join(&location);
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        eprintln!("reading {} for schemaLocation `{location}`", path.display());
        let schema = uscall_codegen::parse::schema_bytes(&bytes, &location)
            .with_context(|| format!("reading {}", path.display()))?;
        pending.extend(schema.imports.iter().filter_map(|i| i.location.clone()));
        found.push((location, bytes));
    }
    Ok(found)
}

/// One `note:` line per note.
fn note_lines(generated: &uscall_codegen::Generated) -> String {
    generated
        .notes
        .iter()
        .map(|note| format!("note: {note}\n"))
        .collect()
}

/// One `warning:` line per raw operation and the summary, or `None` when there is none.
fn raw_report(generated: &uscall_codegen::Generated, strict: bool) -> Option<String> {
    if generated.warnings.is_empty() {
        return None;
    }
    let label = if strict { "error" } else { "warning" };
    let mut report = String::new();
    for warning in &generated.warnings {
        report.push_str(&format!("{label}: {warning}\n"));
    }
    report.push_str(&format!(
        "{} of {} operations are raw\n",
        generated.warnings.len(),
        generated.api.operations.len()
    ));
    Some(report)
}

/// Writes `contents` to `path` if it differs (Write), or fails with the first differing line and
/// the `command` that updates it (Check).
fn ensure_file_contents(path: &Path, contents: &[u8], mode: Mode, command: &str) -> Result<()> {
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
                "{shown} is stale: {}\nrun `{command}` and commit the result",
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

#[cfg(test)]
mod tests {
    #[test]
    fn schemas_imported_by_location_are_read_beside_the_wsdl_and_nothing_else() {
        let dir = std::env::temp_dir().join(format!("uscall-xtask-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let schema = |include: &str| {
            format!(
                r#"<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:x">{include}</xsd:schema>"#
            )
        };
        std::fs::write(
            dir.join("a.xsd"),
            schema(r#"<xsd:include schemaLocation="b.xsd"/>"#),
        )
        .unwrap();
        std::fs::write(dir.join("b.xsd"), schema("")).unwrap();
        let wsdl = br#"<definitions xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><types><xsd:schema targetNamespace="urn:y">
            <xsd:import namespace="urn:x" schemaLocation="a.xsd"/>
            <xsd:import namespace="urn:z" schemaLocation="missing.xsd"/>
            <xsd:import namespace="urn:w" schemaLocation="../outside.xsd"/>
            <xsd:import namespace="urn:v" schemaLocation="http://example.com/v.xsd"/>
          </xsd:schema></types></definitions>"#;
        let found = super::local_schemas(wsdl, &dir).unwrap();
        let names: Vec<&str> = found.iter().map(|(l, _)| l.as_str()).collect();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(names, ["a.xsd", "b.xsd"]);
    }

    use super::*;

    /// The same check as `cargo xtask regen --check`, so `cargo test` catches a stale file too.
    #[test]
    fn generated_code_is_fresh() {
        if let Err(e) = regen(&workspace_root(), Mode::Check, true, None) {
            panic!("{e:#}");
        }
    }

    /// A workspace in the temporary directory whose WSDL is the generator's `fixture`.
    fn workspace_with(fixture: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("xtask-{fixture}-{}", std::process::id()));
        std::fs::create_dir_all(root.join("wsdl")).unwrap();
        std::fs::create_dir_all(root.join("uscall-client/src")).unwrap();
        let wsdl = workspace_root().join(format!("uscall-codegen/tests/fixtures/{fixture}.wsdl"));
        std::fs::copy(wsdl, root.join(WSDL)).unwrap();
        root
    }

    #[test]
    fn raw_operations_are_warnings_or_with_strict_errors_that_write_nothing() {
        let root = workspace_with("raw_complex_part");
        let generated = root.join(GENERATED);
        let e = format!("{:#}", regen(&root, Mode::Write, true, None).unwrap_err());
        assert!(
            e.contains(
                "error: operation `addQueueMember`: part `membro`: type `tns:Member` is in schema \
                 `member.xsd`, which the WSDL imports by `schemaLocation`; the generator never \
                 fetches it (save it beside the WSDL to have it read); generated as a raw \
                 method\n1 of 2 operations are raw"
            ),
            "{e}"
        );
        assert!(
            !generated.exists(),
            "--strict wrote {}",
            generated.display()
        );
        regen(&root, Mode::Write, false, None).unwrap();
        let code = std::fs::read_to_string(&generated).unwrap();
        assert!(code.contains("pub fn add_queue_member(&self)"), "{code}");
        let wsdl = std::fs::read(root.join(WSDL)).unwrap();
        let report = raw_report(
            &uscall_codegen::generate(
                &wsdl,
                &uscall_codegen::Options {
                    source: WSDL.into(),
                    soap: None,
                    json_answers: true,
                    ..uscall_codegen::Options::default()
                },
            )
            .unwrap(),
            false,
        );
        assert_eq!(
            report.as_deref(),
            Some(
                "warning: operation `addQueueMember`: part `membro`: type `tns:Member` is in \
                 schema `member.xsd`, which the WSDL imports by `schemaLocation`; the generator \
                 never fetches it (save it beside the WSDL to have it read); generated as a raw \
                 method\n1 of 2 operations are raw\n"
            )
        );
        // Saved beside the WSDL, the schema is read: nothing is raw, --strict passes.
        std::fs::write(
            root.join("wsdl/member.xsd"),
            r#"<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:rawcomplex"><xsd:complexType name="Member"><xsd:all><xsd:element name="agente" type="xsd:string"/></xsd:all></xsd:complexType></xsd:schema>"#,
        )
        .unwrap();
        regen(&root, Mode::Write, true, None).unwrap();
        let code = std::fs::read_to_string(&generated).unwrap();
        assert!(code.contains("pub struct Member"), "{code}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_soap_preference_round_trips_through_the_header_for_check() {
        let root = workspace_with("several_services");
        let generated = root.join(GENERATED);
        let read = || std::fs::read_to_string(&generated).unwrap();
        // A note is not a warning: --strict does not fail on it.
        regen(&root, Mode::Write, true, Some(SoapVersion::Soap12)).unwrap();
        let code = read();
        assert!(
            code.starts_with(
                "// @generated by `cargo xtask regen --soap 1.2` from wsdl/wsuscall.wsdl. Do not \
                 edit by hand.\n// To change it, edit the WSDL (or fetch a live one with `cargo \
                 xtask regen --url URL`) and run `cargo xtask regen --soap 1.2`.\n"
            ),
            "{code}"
        );
        assert!(code.contains("soap_version: SoapVersion::Soap12"), "{code}");
        // --check reads the preference back from the header, and so does a plain regen.
        regen(&root, Mode::Check, true, None).unwrap();
        regen(&root, Mode::Write, true, None).unwrap();
        assert_eq!(read(), code);
        let e = format!(
            "{:#}",
            regen(&root, Mode::Check, true, Some(SoapVersion::Soap11)).unwrap_err()
        );
        assert!(e.contains("run `cargo xtask regen` and commit"), "{e}");
        // Asking for the default again writes the header of a default run, byte for byte.
        regen(&root, Mode::Write, true, Some(SoapVersion::Soap11)).unwrap();
        assert!(
            read().starts_with("// @generated by `cargo xtask regen` from wsdl/wsuscall.wsdl."),
            "{}",
            read()
        );
        regen(&root, Mode::Check, true, None).unwrap();
        let wsdl = std::fs::read(root.join(WSDL)).unwrap();
        let options = uscall_codegen::Options {
            source: WSDL.into(),
            soap: None,
            json_answers: true,
            ..uscall_codegen::Options::default()
        };
        assert_eq!(
            note_lines(&uscall_codegen::generate(&wsdl, &options).unwrap()),
            "note: port type `tns:CallCenterPortType` is bound in SOAP 1.1 and SOAP 1.2: \
             generated from binding `CallCenterSoap` (SOAP 1.1), not `CallCenterSoap12`; regen \
             with `--soap 1.2` to take the other\n"
        );
        std::fs::remove_dir_all(&root).unwrap();
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
