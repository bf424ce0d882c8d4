//! Operations the generator cannot express become raw methods, each with a warning that names
//! the construct; these WSDLs were refused as a whole before.

mod common;

use common::{binding, binding_op, document, messages, port_op, rpc, wsdl};
use uscall_codegen::{Options, generate};

/// The one warning of a one-operation WSDL, which must generate, its operation raw.
fn warning(wsdl: impl AsRef<[u8]>) -> String {
    let options = Options {
        source: "test.wsdl".to_owned(),
        soap: None,
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
fn complex_typed_rpc_part() {
    let types = r#"<xsd:complexType name="Agent"><xsd:sequence><xsd:element name="id" type="xsd:int"/></xsd:sequence></xsd:complexType>"#;
    let parts = r#"<part name="agent" type="tns:Agent"/>"#;
    assert_eq!(
        warning(rpc(types, parts, "")),
        "operation `op`: part `agent` of type `tns:Agent`, which is a complex type, is not supported; generated as a raw method"
    );
}

#[test]
fn soap_enc_array_part() {
    let types = r#"<xsd:complexType name="ArrayOfString"><xsd:complexContent><xsd:restriction base="SOAP-ENC:Array"><xsd:attribute ref="SOAP-ENC:arrayType"/></xsd:restriction></xsd:complexContent></xsd:complexType>"#;
    let parts = r#"<part name="filas" type="tns:ArrayOfString"/>"#;
    assert_eq!(
        warning(rpc(types, parts, "")),
        "operation `op`: part `filas` of type `tns:ArrayOfString`, which is a SOAP-ENC array, is not supported; generated as a raw method"
    );
    let parts = r#"<part name="filas" type="SOAP-ENC:Array"/>"#;
    assert_eq!(
        warning(rpc("", parts, "")),
        "operation `op`: part `filas` of type `SOAP-ENC:Array`, which is a SOAP-ENC array, is not supported; generated as a raw method"
    );
}

#[test]
fn rpc_element_part_with_complex_element() {
    let types = r#"<xsd:element name="agent"><xsd:complexType><xsd:sequence/></xsd:complexType></xsd:element>"#;
    let parts = r#"<part name="agent" element="tns:agent"/>"#;
    assert_eq!(
        warning(rpc(types, parts, "")),
        "operation `op`: part `agent` (element `tns:agent`) with a complex type is not supported; generated as a raw method"
    );
    let parts = r#"<part name="ghost" element="tns:ghost"/>"#;
    assert_eq!(
        warning(rpc("", parts, "")),
        "operation `op`: part `ghost` refers to element `tns:ghost`, which is not declared in the types; generated as a raw method"
    );
}

#[test]
fn document_part_that_is_not_a_wrapper() {
    let types = r#"<xsd:element name="op" type="xsd:string"/>"#;
    assert_eq!(
        warning(document(types, "op")),
        "operation `op`: element `tns:op` as a wrapper (its type is not a complex type) is not supported; generated as a raw method"
    );
    let types = r#"<xsd:element name="op"><xsd:complexType><xsd:choice><xsd:element name="a" type="xsd:string"/></xsd:choice></xsd:complexType></xsd:element>"#;
    assert_eq!(
        warning(document(types, "op")),
        "operation `op`: element `tns:op` as a wrapper (it holds `xsd:choice`) is not supported; generated as a raw method"
    );
    let types = r#"<xsd:element name="op"><xsd:complexType><xsd:sequence><xsd:element name="a" type="xsd:string" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType></xsd:element>"#;
    assert_eq!(
        warning(document(types, "op")),
        "operation `op`: element `tns:op` as a wrapper (field `a` repeats) is not supported; generated as a raw method"
    );
}

#[test]
fn nested_complex_type() {
    let types = r#"<xsd:element name="op"><xsd:complexType><xsd:sequence>
        <xsd:element name="agent"><xsd:complexType><xsd:sequence><xsd:element name="id" type="xsd:int"/></xsd:sequence></xsd:complexType></xsd:element>
        </xsd:sequence></xsd:complexType></xsd:element>"#;
    assert_eq!(
        warning(document(types, "op")),
        "operation `op`: field `agent` of element `tns:op`, a nested complex type, is not supported; generated as a raw method"
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
            r#"<input message="tns:opIn"/>"#,
            "operation `op`: an operation that has no output is not supported; generated as a raw method",
        ),
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
            reason: "part `membro` of type `tns:Member`, which is a complex type, is not supported"
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
fn a_one_way_document_operation_sends_its_wrapper_fields() {
    let api = lowered(&fixture("one_way"));
    let [op] = api.operations.as_slice() else {
        panic!("{api:?}");
    };
    assert!(op.raw.as_ref().is_some_and(|raw| raw.one_way), "{op:?}");
    assert_eq!(
        (op.namespace.as_str(), op.wrapper.as_str()),
        ("urn:oneway", "callEnded")
    );
    let fields: Vec<_> = op
        .params
        .iter()
        .map(|p| (p.xml_name.as_str(), p.namespace.as_deref()))
        .collect();
    assert_eq!(
        fields,
        [
            ("idunico", Some("urn:oneway")),
            ("duracao", Some("urn:oneway"))
        ]
    );
}

#[test]
fn callbacks_become_raw_beside_a_typed_operation_with_a_warning_each() {
    let generated = generate(
        &fixture("solicit_response"),
        &Options {
            source: "x.wsdl".into(),
            soap: None,
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

/// The runtime reads one return value and refuses an answer holding more as ambiguous, so an
/// operation answering several values is raw (its whole answer returned) until they are typed.
/// Models ext/soap and Axis services whose rpc operations return a code and a message as two
/// parts, and document/literal services whose response element carries several fields.
#[test]
fn answers_of_several_values() {
    let two_parts = r#"<message name="opIn"><part name="token" type="xsd:string"/></message><message name="opOut"><part name="codigo" type="xsd:int"/><part name="mensagem" type="xsd:string"/></message>"#;
    let doc = wsdl(
        "",
        two_parts,
        &port_op("op", ""),
        &binding("rpc", &binding_op("op", "encoded")),
    );
    assert_eq!(
        warning(doc),
        "operation `op`: an answer of 2 output parts is not supported; generated as a raw method"
    );
    let types = r#"<xsd:element name="op"><xsd:complexType><xsd:sequence><xsd:element name="fila" type="xsd:string"/></xsd:sequence></xsd:complexType></xsd:element><xsd:element name="opResponse"><xsd:complexType><xsd:sequence><xsd:element name="codigo" type="xsd:int"/><xsd:element name="mensagem" type="xsd:string"/></xsd:sequence></xsd:complexType></xsd:element>"#;
    let wrapped = r#"<message name="opIn"><part name="parameters" element="tns:op"/></message><message name="opOut"><part name="parameters" element="tns:opResponse"/></message>"#;
    let doc = wsdl(
        types,
        wrapped,
        &port_op("op", ""),
        &binding("document", &binding_op("op", "literal")),
    );
    assert_eq!(
        warning(doc),
        "operation `op`: an answer element with 2 fields is not supported; generated as a raw method"
    );
}
