//! The command line over a WSDL of typed parts (`typed-uscall`, built from
//! `tests/wsdl-types/encoded.wsdl`) against PHP ext/soap: scalars checked and structs and arrays
//! given as JSON before anything is sent, answers printed as JSON of their type, strings as they
//! are, `OP --help` showing each part's type and shape, and no `--token` for a WSDL without one.

use serde_json::{Value as Json, json};
use std::process::{Command, Output};
use uscall_tests::typed::{PeerAnswer, canonical, soapclient};
use uscall_tests::{PhpServer, ServerKind};

fn typed_uscall(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_typed-uscall"))
        .arg("--url")
        .arg(url)
        .args(args)
        .env_remove("USCALL_URL")
        .env_remove("USCALL_TOKEN")
        .output()
        .expect("running typed-uscall")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs a subcommand that must succeed and gives its stdout.
fn ok(url: &str, args: &[&str]) -> String {
    let out = typed_uscall(url, args);
    assert!(
        out.status.success(),
        "{args:?}: {:?}\n{}",
        out.status,
        text(&out.stderr)
    );
    text(&out.stdout)
}

#[test]
fn typed_parts_and_answers_on_the_command_line() {
    let server = PhpServer::start(ServerKind::TypesNative, &[]).unwrap_or_else(|e| panic!("{e:#}"));
    let base = format!("http://127.0.0.1:{}/types", server.port());
    let url = format!("{base}/encoded.php");
    let wsdl = format!("{url}?wsdl");

    // JSON answers equal what PHP SoapClient decodes from the same call.
    let person = json!({"name": "Ana", "age": 30, "height": 1.75, "active": true,
        "born": "1994-05-17", "tags": ["a", "b"]});
    let cases: [(&str, &[&str], Json); 4] = [
        (
            "echoStruct",
            &["echo-struct", "--person", &person.to_string()],
            json!({"person": person}),
        ),
        (
            "sumInts",
            &["sum-ints", "--values", "[1,2,3,40]"],
            json!({"values": [1, 2, 3, 40]}),
        ),
        (
            "divide",
            &["divide", "--a", "17", "--b", " 5 "],
            json!({"a": 17, "b": 5}),
        ),
        (
            "listPeople",
            &["list-people", "--count", "2"],
            json!({"count": 2}),
        ),
    ];
    for (op, args, peer_args) in cases {
        let printed: Json =
            serde_json::from_str(&ok(&url, args)).unwrap_or_else(|e| panic!("{op}: not JSON: {e}"));
        let PeerAnswer::Value(expected) = soapclient(&wsdl, op, &peer_args) else {
            panic!("{op}: SoapClient got a fault");
        };
        assert_eq!(canonical(&printed), canonical(&expected), "{op}");
    }
    // Strings and enum values are printed as they are; one-way prints nothing.
    assert_eq!(ok(&url, &["ping"]), "pong\n");
    assert_eq!(ok(&url, &["get-color", "--name", "x"]), "purple\n");
    assert_eq!(ok(&url, &["notify", "--message", "hi"]), "");
    // The second service's operation goes to its own path on the same host.
    assert_eq!(ok(&url, &["version"]), "uscall-types 1.0\n");

    // Values that do not fit their type are usage errors naming the part, refused before the call.
    let refusals: [(&[&str], &str); 5] = [
        (&["divide", "--a", "x", "--b", "5"], "xsd:int"),
        (&["divide", "--a", "99999999999", "--b", "5"], "xsd:int"),
        (&["sum-ints", "--values", "[1, \"two\"]"], "[1]"),
        (&["echo-struct", "--person", r#"{"name": "Ana"}"#], "`age`"),
        (
            &["echo-struct", "--person", r#"{"nome": "Ana"}"#],
            "no field `nome`",
        ),
    ];
    for (args, needle) in refusals {
        let out = typed_uscall(&url, args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(needle),
            "{args:?}: {needle} not in {stderr}"
        );
    }
    // A fault is exit 3 with the server's words.
    let out = typed_uscall(&url, &["divide", "--a", "1", "--b", "0"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("division by zero"));

    // Help shows each part's type, and a struct's shape.
    let words = |text: String| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let help = words(ok(&url, &["echo-struct", "--help"]));
    assert!(
        help.contains(r#""name": string, "age": int, "height": double, "active": boolean, "born": date, "tags"?: [string]"#),
        "{help}"
    );
    let help = words(ok(&url, &["sum-ints", "--help"]));
    assert!(help.contains("a JSON array of an xsd:int"), "{help}");
}
