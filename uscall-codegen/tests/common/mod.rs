//! Builds small WSDL documents for the lowering and error tests.

/// The namespaces every test document declares.
const NAMESPACES: &str = r#"xmlns="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" xmlns:tns="urn:t" targetNamespace="urn:t""#;

/// A document with the given `types` content, messages, portType operations and binding operations.
pub fn wsdl(types: &str, messages: &str, port_ops: &str, binding: &str) -> String {
    format!(
        r#"<?xml version="1.0"?>
<definitions {NAMESPACES}>
  <types><xsd:schema targetNamespace="urn:t">{types}</xsd:schema></types>
  {messages}
  <portType name="P">{port_ops}</portType>
  {binding}
</definitions>"#
    )
}

/// A SOAP 1.1 binding of port type `P` with the given style and operations.
pub fn binding(style: &str, ops: &str) -> String {
    format!(
        r#"<binding name="B" type="tns:P"><soap:binding style="{style}" transport="http://schemas.xmlsoap.org/soap/http"/>{ops}</binding>"#
    )
}

/// A binding operation with the given `use` on input and output.
pub fn binding_op(name: &str, body_use: &str) -> String {
    format!(
        r#"<operation name="{name}"><soap:operation soapAction="urn:t#{name}"/><input><soap:body use="{body_use}" namespace="urn:t"/></input><output><soap:body use="{body_use}" namespace="urn:t"/></output></operation>"#
    )
}

/// A port type operation with input `<name>In` and output `<name>Out`.
pub fn port_op(name: &str, doc: &str) -> String {
    format!(
        r#"<operation name="{name}"><documentation>{doc}</documentation><input message="tns:{name}In"/><output message="tns:{name}Out"/></operation>"#
    )
}

/// Messages `<name>In` with the given parts and `<name>Out` with one string part `return`.
pub fn messages(name: &str, parts: &str) -> String {
    format!(
        r#"<message name="{name}In">{parts}</message><message name="{name}Out"><part name="return" type="xsd:string"/></message>"#
    )
}

/// A one-operation rpc/encoded document.
pub fn rpc(types: &str, parts: &str, doc: &str) -> String {
    wsdl(
        types,
        &messages("op", parts),
        &port_op("op", doc),
        &binding("rpc", &binding_op("op", "encoded")),
    )
}

/// A one-operation document/literal document whose input part is `element="tns:<element>"`.
// Each test file compiles this module on its own, and not all of them use this one.
#[allow(dead_code)]
pub fn document(types: &str, element: &str) -> String {
    let parts = format!(r#"<part name="parameters" element="tns:{element}"/>"#);
    wsdl(
        types,
        &messages("op", &parts),
        &port_op("op", ""),
        &binding("document", &binding_op("op", "literal")),
    )
}
