//! The WSDL the simulator serves at `?wsdl`: written from the operation table compiled into
//! `uscall-client`, the way NuSOAP writes a WSDL from its registered operations, so it is the
//! checked-in `wsdl/wsuscall.wsdl` byte for byte but for the address (a test holds it to that),
//! and it follows every `cargo xtask regen`.

use crate::wire::{escape_into, latin1};
use std::fmt::Write as _;
use uscall_client::meta::OperationInfo;

const ENCODING: &str = "http://schemas.xmlsoap.org/soap/encoding/";

/// The WSDL of `operations` with its `soap:address` at `location`, in ISO-8859-1.
pub(crate) fn document(operations: &[&OperationInfo], location: &str) -> Vec<u8> {
    let namespace = operations.first().map_or("urn:wsuscall", |op| op.namespace);
    let service = namespace.strip_prefix("urn:").unwrap_or(namespace);
    let mut out = String::with_capacity(40_000);
    out.push_str(r#"<?xml version="1.0" encoding="ISO-8859-1"?>"#);
    out.push('\n');
    let _ = write!(
        out,
        concat!(
            r#"<definitions xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" "#,
            r#"xmlns:xsd="http://www.w3.org/2001/XMLSchema" "#,
            r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" "#,
            r#"xmlns:SOAP-ENC="{enc}" xmlns:tns="{ns}" "#,
            r#"xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" "#,
            r#"xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" "#,
            r#"xmlns="http://schemas.xmlsoap.org/wsdl/" targetNamespace="{ns}">"#,
            "\n<types>\n",
            "<xsd:schema targetNamespace=\"{ns}\"\n>\n",
            " <xsd:import namespace=\"{enc}\" />\n",
            " <xsd:import namespace=\"http://schemas.xmlsoap.org/wsdl/\" />\n",
            "</xsd:schema>\n</types>\n",
        ),
        enc = ENCODING,
        ns = namespace,
    );
    for op in operations {
        message(
            &mut out,
            &format!("{}Request", op.name),
            op.params.iter().map(|p| (p.name, p.xsd_type)),
        );
        let outputs = op.outputs.iter().map(|f| (f.name, "xsd:string"));
        message(&mut out, &format!("{}Response", op.name), outputs);
    }
    let _ = writeln!(out, "<portType name=\"{service}PortType\">");
    for op in operations {
        let _ = write!(
            out,
            "  <operation name=\"{}\">\n    <documentation>",
            op.name
        );
        escape_into(op.documentation, &mut out);
        let _ = write!(
            out,
            "</documentation>\n    <input message=\"tns:{0}Request\"/>\n    <output message=\"tns:{0}Response\"/>\n  </operation>\n",
            op.name
        );
    }
    out.push_str("</portType>\n");
    let _ = write!(
        out,
        "<binding name=\"{service}Binding\" type=\"tns:{service}PortType\">\n  <soap:binding style=\"rpc\" transport=\"http://schemas.xmlsoap.org/soap/http\"/>\n"
    );
    for op in operations {
        let body = format!(
            "<soap:body use=\"encoded\" namespace=\"{}\" encodingStyle=\"{ENCODING}\"/>",
            op.namespace
        );
        let _ = write!(
            out,
            "  <operation name=\"{}\">\n    <soap:operation soapAction=\"{}\" style=\"rpc\"/>\n    <input>{body}</input>\n    <output>{body}</output>\n  </operation>\n",
            op.name, op.soap_action
        );
    }
    out.push_str("</binding>\n");
    let _ = write!(
        out,
        "<service name=\"{service}\">\n  <port name=\"{service}Port\" binding=\"tns:{service}Binding\">\n    <soap:address location=\""
    );
    escape_into(location, &mut out);
    out.push_str("\"/>\n  </port>\n</service>\n</definitions>");
    latin1(&out)
}

fn message<'a>(out: &mut String, name: &str, parts: impl Iterator<Item = (&'a str, &'a str)>) {
    let _ = write!(out, "<message name=\"{name}\">");
    for (part, ty) in parts {
        let _ = write!(out, "\n  <part name=\"{part}\" type=\"{ty}\" />");
    }
    out.push_str("</message>\n");
}
