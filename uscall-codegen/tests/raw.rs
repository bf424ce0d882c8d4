//! Operations the generator cannot express become raw methods, each with a warning that names
//! the construct; these WSDLs were refused as a whole before. (What the type system now
//! expresses is in `types.rs`.)

mod common;

use common::{binding, binding_op, messages, port_op, rpc, wsdl};
use uscall_codegen::{Options, generate};

/// The one warning of a one-operation WSDL, which must generate, its operation raw.
fn warning(wsdl: impl AsRef<[u8]>) -> String {
    let options = Options {
        source: "test.wsdl".to_owned(),
        soap: None,
        ..Options::default()
    };
    let generated = generate(wsdl.as_ref(), &options).unwrap_or_else(|e| panic!("{e}"));
    assert!(generated.api.operations.iter().all(|op| op.raw.is_some()));
    match generated.warnings.as_slice() {
        [warning] => warning.to_string(),
        other => panic!("expected one warning, got {other:?}"),
    }
}

const STRING: &str = r#"<part name="token" type="xsd:string"/>"#;

#[test]
fn missing_message() {
    let doc = wsdl(
        "",
        "",
        &port_op("op", ""),
        &binding("rpc", &binding_op("op", "encoded")),
    );
    assert_eq!(
        warning(doc),
        "operation `op`: message `tns:opIn` is not defined; generated as a raw method"
    );
}

#[test]
fn rpc_element_part_with_an_undeclared_element() {
    let parts = r#"<part name="ghost" element="tns:ghost"/>"#;
    assert_eq!(
        warning(rpc("", parts, "")),
        "operation `op`: part `ghost` refers to element `tns:ghost`, which is not declared in the types; generated as a raw method"
    );
}

#[test]
fn document_part_with_type() {
    let doc = wsdl(
        "",
        &messages("op", STRING),
        &port_op("op", ""),
        &binding("document", &binding_op("op", "literal")),
    );
    assert_eq!(
        warning(doc),
        "operation `op`: document-style part `token` with `type=` instead of `element=` is not supported; generated as a raw method"
    );
}

#[test]
fn document_encoded() {
    let doc = wsdl(
        "",
        &messages("op", STRING),
        &port_op("op", ""),
        &binding("document", &binding_op("op", "encoded")),
    );
    assert_eq!(
        warning(doc),
        "operation `op`: document/encoded is not supported; generated as a raw method"
    );
}

#[test]
fn operations_that_are_not_request_response() {
    let cases = [
        (
            r#"<output message="tns:opOut"/>"#,
            "operation `op`: an operation that is a notification (output only) is not supported; generated as a raw method",
        ),
        (
            r#"<output message="tns:opOut"/><input message="tns:opIn"/>"#,
            "operation `op`: an operation that is a solicit-response operation (output before input) is not supported; generated as a raw method",
        ),
        (
            "",
            "operation `op`: an operation that has no input or output is not supported; generated as a raw method",
        ),
    ];
    for (io, message) in cases {
        let doc = wsdl(
            "",
            &messages("op", STRING),
            &format!(r#"<operation name="op">{io}</operation>"#),
            &binding("rpc", &binding_op("op", "encoded")),
        );
        assert_eq!(warning(doc), message);
    }
}

#[test]
fn an_operation_its_binding_leaves_out() {
    let doc = wsdl(
        "",
        &messages("op", STRING),
        &port_op("op", ""),
        &binding("rpc", ""),
    );
    assert_eq!(
        warning(doc),
        "operation `op`: binding `B` does not bind it (no SOAPAction, style or use is known); generated as a raw method"
    );
}

#[test]
fn undeclared_prefix() {
    let doc = rpc("", STRING, "").replace(r#"message="tns:opIn""#, r#"message="zz:opIn""#);
    assert_eq!(
        warning(doc),
        "operation `op`: the namespace prefix in `zz:opIn` is not declared; generated as a raw method"
    );
}

#[test]
fn unknown_style_and_use() {
    let doc = rpc("", STRING, "").replace(r#"style="rpc""#, r#"style="chat""#);
    assert_eq!(
        warning(doc),
        "operation `op`: style `chat` is not supported; generated as a raw method"
    );
    let doc = rpc("", STRING, "").replace(r#"use="encoded""#, r#"use="fancy""#);
    assert_eq!(
        warning(doc),
        "operation `op`: use `fancy` is not supported; generated as a raw method"
    );
}

fn lowered(wsdl: &[u8]) -> uscall_codegen::model::Api {
    let defs = uscall_codegen::parse::bytes(wsdl).unwrap_or_else(|e| panic!("{e}"));
    uscall_codegen::lower::api(&defs).unwrap_or_else(|e| panic!("{e}"))
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}.wsdl", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn a_raw_rpc_operation_keeps_what_the_wire_needs() {
    use uscall_codegen::model::{RawOperation, SoapVersion, Style, Use, XsdKind};
    let api = lowered(&fixture("raw_complex_part"));
    let [typed, raw] = api.operations.as_slice() else {
        panic!("{api:?}");
    };
    assert_eq!(typed.raw, None);
    assert_eq!(
        raw.raw,
        Some(RawOperation {
            reason: "part `membro`: type `tns:Member` is in schema `member.xsd`, which the WSDL \
                     imports by `schemaLocation`; the generator never fetches it (save it beside \
                     the WSDL to have it read)"
                .into(),
            one_way: false,
        })
    );
    assert_eq!(
        (raw.style, raw.body_use, raw.soap_version),
        (Style::Rpc, Use::Encoded, SoapVersion::Soap11)
    );
    assert_eq!(raw.soap_action, "urn:rawcomplex#addQueueMember");
    assert_eq!(
        (raw.namespace.as_str(), raw.wrapper.as_str()),
        ("urn:rawcomplex", "addQueueMember")
    );
    let params: Vec<_> = raw
        .params
        .iter()
        .map(|p| {
            (
                p.xml_name.as_str(),
                p.xsd_type.as_str(),
                p.kind,
                p.token,
                p.namespace.clone(),
            )
        })
        .collect();
    assert_eq!(
        params,
        [
            ("token", "xsd:string", XsdKind::String, true, None),
            ("fila", "xsd:string", XsdKind::String, false, None),
            ("membro", "xsd:string", XsdKind::String, false, None),
        ]
    );
    assert_eq!(
        raw.params[2].note.as_deref(),
        Some("sent as text: the WSDL says `tns:Member`")
    );
}

#[test]
fn callbacks_become_raw_beside_a_typed_operation_with_a_warning_each() {
    let generated = generate(
        &fixture("solicit_response"),
        &Options {
            source: "x.wsdl".into(),
            soap: None,
            ..Options::default()
        },
    )
    .unwrap();
    let raw: Vec<_> = generated
        .api
        .operations
        .iter()
        .map(|op| (op.xml_name.as_str(), op.raw.as_ref().map(|r| r.one_way)))
        .collect();
    assert_eq!(
        raw,
        [
            ("extenStatus", None),
            ("agentRinging", Some(false)),
            ("confirmRinging", Some(false)),
        ]
    );
    let warnings: Vec<String> = generated.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(
        warnings,
        [
            "operation `agentRinging`: an operation that is a notification (output only) is not supported; generated as a raw method",
            "operation `confirmRinging`: an operation that is a solicit-response operation (output before input) is not supported; generated as a raw method",
        ]
    );
}
