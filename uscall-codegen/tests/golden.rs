//! Golden tests: every `fixtures/<case>.wsdl` generates exactly `fixtures/<case>.rs`.
//!
//! Set `EXPECTORATE=overwrite` to accept new output, then review the diff.

use std::path::{Path, PathBuf};

use uscall_codegen::emit::Target;
use uscall_codegen::{Options, emit, generate, lower, parse, render};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut wsdls: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "wsdl"))
        .collect();
    wsdls.sort();
    wsdls
}

fn normalise(text: &str) -> String {
    text.replace("\r\n", "\n")
}

fn generated(wsdl: &Path) -> String {
    let name = wsdl
        .file_name()
        .and_then(|n| n.to_str())
        .expect("file name");
    let bytes = std::fs::read(wsdl).unwrap_or_else(|e| panic!("reading {}: {e}", wsdl.display()));
    let options = Options {
        source: format!("tests/fixtures/{name}"),
        soap: None,
        target: Target::External,
        ..Options::default()
    };
    match generate(&bytes, &options) {
        Ok(generated) => generated.code,
        Err(error) => panic!("{name}: {error}"),
    }
}

#[test]
fn goldens_match() {
    let overwrite = std::env::var("EXPECTORATE").is_ok_and(|v| v == "overwrite");
    let wsdls = fixtures();
    assert!(wsdls.len() >= 14, "fixtures are missing: {wsdls:?}");
    let mut stale = Vec::new();
    for wsdl in &wsdls {
        let actual = generated(wsdl);
        let golden = wsdl.with_extension("rs");
        if overwrite {
            std::fs::write(&golden, &actual)
                .unwrap_or_else(|e| panic!("writing {}: {e}", golden.display()));
            continue;
        }
        let expected = std::fs::read_to_string(&golden).unwrap_or_default();
        if normalise(&expected) != normalise(&actual) {
            let line = normalise(&expected)
                .lines()
                .zip(normalise(&actual).lines())
                .position(|(a, b)| a != b)
                .map_or(String::from("the end"), |n| format!("line {}", n + 1));
            stale.push(format!("{} (first difference at {line})", golden.display()));
        }
    }
    assert!(
        stale.is_empty(),
        "stale goldens, rerun with EXPECTORATE=overwrite and review the diff:\n{}",
        stale.join("\n")
    );
}

#[test]
fn goldens_parse_as_rust() {
    for wsdl in fixtures() {
        let golden = wsdl.with_extension("rs");
        let text = std::fs::read_to_string(&golden)
            .unwrap_or_else(|e| panic!("reading {}: {e}", golden.display()));
        if let Err(error) = syn::parse_file(&text) {
            panic!("{} does not parse: {error}", golden.display());
        }
    }
}

#[test]
fn generation_is_deterministic() {
    for wsdl in fixtures() {
        assert_eq!(generated(&wsdl), generated(&wsdl), "{}", wsdl.display());
    }
}

#[test]
fn generate_matches_the_stages_run_one_by_one() {
    for wsdl in fixtures() {
        let bytes = std::fs::read(&wsdl).expect("fixture");
        let api = lower::api(&parse::bytes(&bytes).expect("parse")).expect("lower");
        let header = render::Header {
            source: "x.wsdl".into(),
            soap: None,
        };
        let staged = render::file(emit::file_for(&api, Target::External), &header).expect("render");
        let options = Options {
            source: "x.wsdl".into(),
            soap: None,
            target: Target::External,
            ..Options::default()
        };
        assert_eq!(
            generate(&bytes, &options).expect("generate").code,
            staged,
            "{}",
            wsdl.display()
        );
    }
}

/// No operation of a fixture is lost: every operation of every port type a SOAP binding binds is
/// a method, typed or raw, and the file names each once.
#[test]
fn every_bound_operation_is_generated() {
    for wsdl in fixtures() {
        let bytes = std::fs::read(&wsdl).expect("fixture");
        let defs = parse::bytes(&bytes).expect("parse");
        let mut expected: Vec<String> = Vec::new();
        let mut seen_port_types = Vec::new();
        for binding in defs.bindings.iter().filter(|b| b.soap.is_some()) {
            let port_type = &binding.port_type.local;
            if seen_port_types.contains(port_type) {
                continue;
            }
            seen_port_types.push(port_type.clone());
            if let Some(pt) = defs.port_types.iter().find(|p| &p.name == port_type) {
                expected.extend(pt.operations.iter().map(|op| op.name.clone()));
            }
        }
        let api = lower::api(&defs).expect("lower");
        let mut generated: Vec<String> = api
            .operations
            .iter()
            .map(|op| op.xml_name.clone())
            .collect();
        expected.sort();
        generated.sort();
        assert_eq!(generated, expected, "{}", wsdl.display());
    }
}
