//! Every input unusable as a whole gives an `Err` whose message names the element at fault
//! (`raw.rs` has the operations that become raw methods instead).

mod common;

use common::{binding, messages, port_op, rpc, wsdl};
use uscall_codegen::{Options, generate};

fn error(wsdl: impl AsRef<[u8]>) -> String {
    let options = Options {
        source: "test.wsdl".to_owned(),
        soap: None,
        ..Options::default()
    };
    match generate(wsdl.as_ref(), &options) {
        Ok(_) => panic!("expected an error"),
        Err(error) => error.to_string(),
    }
}

const STRING: &str = r#"<part name="token" type="xsd:string"/>"#;

#[test]
fn missing_port_type_and_binding() {
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
