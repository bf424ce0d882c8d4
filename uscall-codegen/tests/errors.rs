//! Every unsupported or broken input gives an `Err` whose message names the element at fault.

mod common;

use common::{binding, binding_op, document, messages, port_op, rpc, wsdl};
use uscall_codegen::{Options, generate};

fn error(wsdl: impl AsRef<[u8]>) -> String {
    let options = Options {
        source: "test.wsdl".to_owned(),
    };
    match generate(wsdl.as_ref(), &options) {
        Ok(_) => panic!("expected an error"),
        Err(error) => error.to_string(),
    }
}

const STRING: &str = r#"<part name="token" type="xsd:string"/>"#;

#[test]
fn complex_typed_rpc_part() {
    let types = r#"<xsd:complexType name="Agent"><xsd:sequence><xsd:element name="id" type="xsd:int"/></xsd:sequence></xsd:complexType>"#;
    let parts = r#"<part name="agent" type="tns:Agent"/>"#;
    assert_eq!(
        error(rpc(types, parts, "")),
        "operation `op`: part `agent` of type `tns:Agent`, which is a complex type, is not supported"
    );
}

#[test]
fn soap_enc_array_part() {
    let types = r#"<xsd:complexType name="ArrayOfString"><xsd:complexContent><xsd:restriction base="SOAP-ENC:Array"><xsd:attribute ref="SOAP-ENC:arrayType"/></xsd:restriction></xsd:complexContent></xsd:complexType>"#;
    let parts = r#"<part name="filas" type="tns:ArrayOfString"/>"#;
    assert_eq!(
        error(rpc(types, parts, "")),
        "operation `op`: part `filas` of type `tns:ArrayOfString`, which is a SOAP-ENC array, is not supported"
    );
    let parts = r#"<part name="filas" type="SOAP-ENC:Array"/>"#;
    assert_eq!(
        error(rpc("", parts, "")),
        "operation `op`: part `filas` of type `SOAP-ENC:Array`, which is a SOAP-ENC array, is not supported"
    );
}

#[test]
fn rpc_element_part_with_complex_element() {
    let types = r#"<xsd:element name="agent"><xsd:complexType><xsd:sequence/></xsd:complexType></xsd:element>"#;
    let parts = r#"<part name="agent" element="tns:agent"/>"#;
    assert_eq!(
        error(rpc(types, parts, "")),
        "operation `op`: part `agent` (element `tns:agent`) with a complex type is not supported"
    );
    let parts = r#"<part name="ghost" element="tns:ghost"/>"#;
    assert_eq!(
        error(rpc("", parts, "")),
        "operation `op`: part `ghost` refers to element `tns:ghost`, which is not declared in the types"
    );
}

#[test]
fn document_part_that_is_not_a_wrapper() {
    let types = r#"<xsd:element name="op" type="xsd:string"/>"#;
    assert_eq!(
        error(document(types, "op")),
        "operation `op`: element `tns:op` as a wrapper (its type is not a complex type) is not supported"
    );
    let types = r#"<xsd:element name="op"><xsd:complexType><xsd:choice><xsd:element name="a" type="xsd:string"/></xsd:choice></xsd:complexType></xsd:element>"#;
    assert_eq!(
        error(document(types, "op")),
        "operation `op`: element `tns:op` as a wrapper (it holds `xsd:choice`) is not supported"
    );
    let types = r#"<xsd:element name="op"><xsd:complexType><xsd:sequence><xsd:element name="a" type="xsd:string" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType></xsd:element>"#;
    assert_eq!(
        error(document(types, "op")),
        "operation `op`: element `tns:op` as a wrapper (field `a` repeats) is not supported"
    );
}

#[test]
fn nested_complex_type() {
    let types = r#"<xsd:element name="op"><xsd:complexType><xsd:sequence>
        <xsd:element name="agent"><xsd:complexType><xsd:sequence><xsd:element name="id" type="xsd:int"/></xsd:sequence></xsd:complexType></xsd:element>
        </xsd:sequence></xsd:complexType></xsd:element>"#;
    assert_eq!(
        error(document(types, "op")),
        "operation `op`: field `agent` of element `tns:op`, a nested complex type, is not supported"
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
        error(doc),
        "operation `op`: document-style part `token` with `type=` instead of `element=` is not supported"
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
        error(doc),
        "operation `op`: document/encoded is not supported"
    );
}

#[test]
fn operations_that_are_not_request_response() {
    let cases = [
        (
            r#"<input message="tns:opIn"/>"#,
            "operation `op` has no output, which a SOAP request/response cannot call",
        ),
        (
            r#"<output message="tns:opOut"/>"#,
            "operation `op` is a notification (output only), which a SOAP request/response cannot call",
        ),
        (
            r#"<output message="tns:opOut"/><input message="tns:opIn"/>"#,
            "operation `op` is a solicit-response operation (output before input), which a SOAP request/response cannot call",
        ),
        (
            "",
            "operation `op` has no input or output, which a SOAP request/response cannot call",
        ),
    ];
    for (io, message) in cases {
        let doc = wsdl(
            "",
            &messages("op", STRING),
            &format!(r#"<operation name="op">{io}</operation>"#),
            &binding("rpc", &binding_op("op", "encoded")),
        );
        assert_eq!(error(doc), message);
    }
}

#[test]
fn missing_message_binding_operation_port_type_and_binding() {
    let doc = wsdl(
        "",
        "",
        &port_op("op", ""),
        &binding("rpc", &binding_op("op", "encoded")),
    );
    assert_eq!(
        error(doc),
        "operation `op` refers to message `tns:opIn`, which is not defined"
    );
    let doc = wsdl(
        "",
        &messages("op", STRING),
        &port_op("op", ""),
        &binding("rpc", ""),
    );
    assert_eq!(error(doc), "operation `op` is not in binding `B`");
    let doc = wsdl("", &messages("op", STRING), "", &binding("rpc", "")).replace("tns:P", "tns:Q");
    assert_eq!(
        error(doc),
        "binding `B` refers to port type `tns:Q`, which is not defined"
    );
    let doc = rpc("", STRING, "").replace(
        "</definitions>",
        r#"<service name="S"><port name="Port" binding="tns:Nope"/></service></definitions>"#,
    );
    assert_eq!(
        error(doc),
        "port `Port` refers to binding `tns:Nope`, which is not defined"
    );
}

#[test]
fn no_soap_binding() {
    let doc = wsdl(
        "",
        &messages("op", STRING),
        &port_op("op", ""),
        r#"<binding name="B" type="tns:P"/>"#,
    );
    assert_eq!(error(doc), "no SOAP 1.1 or SOAP 1.2 binding in the WSDL");
}

#[test]
fn undeclared_prefix() {
    let doc = rpc("", STRING, "").replace(r#"message="tns:opIn""#, r#"message="zz:opIn""#);
    assert_eq!(
        error(doc),
        "undeclared namespace prefix in `zz:opIn` (operation `op`)"
    );
}

#[test]
fn wsdl_2_0() {
    let doc = r#"<description xmlns="http://www.w3.org/ns/wsdl" targetNamespace="urn:t"/>"#;
    assert_eq!(
        error(doc),
        "the document is WSDL 2.0 (`description`); only WSDL 1.1 `definitions` is supported"
    );
    assert_eq!(
        error("<html/>"),
        "the root element is `html`, not WSDL 1.1 `definitions`"
    );
}

#[test]
fn malformed_xml_with_position() {
    let doc = "<?xml version=\"1.0\"?>\n<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\">\n  <message name=\"a\">\n</definitions>";
    assert_eq!(
        error(doc),
        "malformed XML at line 4, column 1: expected 'message' tag, not 'definitions'"
    );
}

#[test]
fn dtd_is_refused() {
    let doc = "<?xml version=\"1.0\"?><!DOCTYPE definitions [<!ENTITY x \"y\">]><definitions/>";
    assert_eq!(
        error(doc),
        "the WSDL has a DTD (`<!DOCTYPE`), which is refused"
    );
}

#[test]
fn missing_name_attribute() {
    let doc = rpc("", r#"<part type="xsd:string"/>"#, "");
    assert_eq!(error(doc), "`part in opIn` has no `name` attribute");
}

#[test]
fn bad_bytes_and_encodings() {
    assert_eq!(
        error(b"<?xml version=\"1.0\" encoding=\"x-unknown\"?><definitions/>"),
        "unknown encoding `x-unknown` in the XML declaration"
    );
    assert_eq!(
        error(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><definitions>\xff</definitions>"),
        "the WSDL is not valid UTF-8 text"
    );
}

#[test]
fn unknown_style_and_use() {
    let doc = rpc("", STRING, "").replace(r#"style="rpc""#, r#"style="chat""#);
    assert_eq!(error(doc), "operation `op`: style `chat` is not supported");
    let doc = rpc("", STRING, "").replace(r#"use="encoded""#, r#"use="fancy""#);
    assert_eq!(error(doc), "operation `op`: use `fancy` is not supported");
}

#[test]
fn entity_bombs_and_external_entities_are_refused_at_once() {
    let lol = (1..10)
        .map(|i| {
            let prev = if i == 1 {
                String::new()
            } else {
                (i - 1).to_string()
            };
            format!("<!ENTITY lol{i} \"{}\">", format!("&lol{prev};").repeat(10))
        })
        .collect::<String>();
    let bomb = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE definitions [<!ENTITY lol \"lol\">{lol}]><definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\"><documentation>&lol9;</documentation></definitions>"
    );
    let xxe = "<?xml version=\"1.0\"?><!DOCTYPE definitions [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\"><documentation>&xxe;</documentation></definitions>";
    // A DOCTYPE after a long prologue of comments is found too.
    let late = format!(
        "<?xml version=\"1.0\"?>{}<!DOCTYPE d [<!ENTITY a \"b\">]><definitions/>",
        "<!-- x -->".repeat(10_000)
    );
    for doc in [bomb.as_str(), xxe, late.as_str()] {
        let started = std::time::Instant::now();
        assert_eq!(
            error(doc),
            "the WSDL has a DTD (`<!DOCTYPE`), which is refused"
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }
}

#[test]
fn nesting_too_deep_is_an_error_not_a_stack_overflow() {
    let mut deep = String::new();
    for _ in 0..1000 {
        deep.push_str("<xsd:element name=\"e\"><xsd:complexType><xsd:sequence>");
    }
    for _ in 0..1000 {
        deep.push_str("</xsd:sequence></xsd:complexType></xsd:element>");
    }
    let wsdl = format!(
        "<definitions xmlns=\"http://schemas.xmlsoap.org/wsdl/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><types><xsd:schema>{deep}</xsd:schema></types></definitions>"
    );
    assert_eq!(
        error(wsdl),
        "the WSDL nests elements more than 256 deep (at line 1)"
    );
}
