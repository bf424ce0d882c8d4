//! Regeneration from a live PBX: the NuSOAP server's `?wsdl` gives exactly the checked-in WSDL and
//! code, and a PBX with other operations gives other methods and subcommands.

use std::fs;
use std::path::Path;
use std::process::Command;
use uscall_codegen::{Options, generate};
use uscall_tests::{PhpServer, TOKEN, repo_root, target_dir};

fn normalized(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace("\r\n", "\n")
}

fn generate_from(wsdl: &[u8]) -> String {
    let options = Options {
        source: "wsdl/wsuscall.wsdl".to_owned(),
        soap: None,
        json_answers: true,
        ..Options::default()
    };
    generate(wsdl, &options).unwrap().code
}

#[test]
fn the_live_nusoap_wsdl_regenerates_the_checked_in_code() {
    let server = PhpServer::nusoap(&[]);
    let live = server.fetch_wsdl().unwrap();
    let root = repo_root();
    let checked_in = fs::read(root.join("wsdl/wsuscall.wsdl")).unwrap();
    assert_eq!(
        normalized(&live),
        normalized(&checked_in),
        "wsdl/wsuscall.wsdl is not what the NuSOAP server serves: run `cargo xtask regen --url {}`",
        server.wsdl_url()
    );
    let code = fs::read(root.join("uscall-client/src/generated.rs")).unwrap();
    assert_eq!(
        generate_from(&live),
        normalized(&code),
        "the generated code is not what the live WSDL gives"
    );
}

#[test]
fn a_changed_wsdl_changes_the_generated_methods() {
    let server = PhpServer::nusoap(&[
        ("USCALL_WSDL_DROP", "listTrunk"),
        ("USCALL_WSDL_ADD", "getCampanhas:token,campanha"),
    ]);
    let code = generate_from(&server.fetch_wsdl().unwrap());
    assert!(
        code.contains("pub fn get_campanhas("),
        "no get_campanhas method"
    );
    assert!(
        code.contains("cli_name: \"get-campanhas\""),
        "no get-campanhas subcommand"
    );
    assert!(
        !code.contains("pub fn list_trunk("),
        "list_trunk is still there"
    );
    assert!(
        !code.contains("\"list-trunk\""),
        "list-trunk is still there"
    );
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if matches!(
            name.to_str(),
            Some("target" | ".git" | ".venv-tests" | "__pycache__")
        ) {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&src, &dst);
        } else {
            fs::copy(&src, &dst).unwrap();
        }
    }
}

/// The maintainer's path end to end, in a copy of the workspace: `cargo xtask regen --url` against
/// a PBX that dropped `listTrunk` and added `getCampanhas`, then the rebuilt CLI.
#[test]
fn regen_url_against_a_changed_pbx_changes_methods_and_subcommands() {
    let server = PhpServer::nusoap(&[
        ("USCALL_WSDL_DROP", "listTrunk"),
        ("USCALL_WSDL_ADD", "getCampanhas:token,campanha"),
    ]);
    let copy = tempfile::Builder::new()
        .prefix("uscall-regen-")
        .tempdir()
        .unwrap();
    copy_tree(&repo_root(), copy.path());
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    // Its own target directory, so the copy's binaries never replace the ones other tests run.
    let target = target_dir().join("regen-e2e");
    let run = |args: &[&str]| {
        let out = Command::new(&cargo)
            .args(args)
            .current_dir(copy.path())
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("USCALL_URL")
            .env_remove("USCALL_TOKEN")
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "cargo {args:?} failed:\n{text}");
        String::from_utf8(out.stdout).unwrap()
    };
    run(&["xtask", "regen", "--url", &server.wsdl_url()]);
    let wsdl = normalized(&fs::read(copy.path().join("wsdl/wsuscall.wsdl")).unwrap());
    assert!(
        wsdl.contains("<operation name=\"getCampanhas\">"),
        "the WSDL was not replaced"
    );
    assert!(
        !wsdl.contains("<operation name=\"listTrunk\">"),
        "the WSDL still has listTrunk"
    );
    let generated = fs::read_to_string(copy.path().join("uscall-client/src/generated.rs")).unwrap();
    assert!(
        generated.contains("pub fn get_campanhas(") && !generated.contains("pub fn list_trunk(")
    );
    // `regen --check` agrees with what was just written.
    run(&["xtask", "regen", "--check"]);

    let help = run(&["run", "--quiet", "--bin", "uscall", "--", "--help"]);
    assert!(help.contains("get-campanhas"), "{help}");
    assert!(!help.contains("list-trunk"), "{help}");
    let answer = run(&[
        "run",
        "--quiet",
        "--bin",
        "uscall",
        "--",
        "--url",
        &server.url(),
        "--token",
        TOKEN,
        "get-campanhas",
        "--campanha",
        "Cobrança",
    ]);
    let json: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(
        json["retorno"]
            .as_str()
            .map(|s| s.starts_with("ok getCampanhas")),
        Some(true),
        "{json}"
    );
    let out = Command::new(&cargo)
        .args(["run", "--quiet", "--bin", "uscall", "--", "list-trunk"])
        .current_dir(copy.path())
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "list-trunk is gone from the CLI"
    );
}
