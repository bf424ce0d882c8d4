//! Text to [`crate::wsdl::Definitions`] with roxmltree: reads the document 1:1, resolves nothing but prefixes.

use roxmltree::{Document, Node, ParsingOptions};

use crate::Error;
use crate::wsdl::{
    Binding, BindingOperation, Definitions, Message, Part, Port, PortOperation, PortType, QName,
    SOAP11_NS, SOAP12_NS, Service, SoapBinding, SoapBody, SoapVersion, WSDL_NS, WSDL20_NS, XSD_NS,
};

mod schema;

/// Decodes the bytes (see [`crate::decode::text`]) and parses them.
pub fn bytes(wsdl: &[u8]) -> Result<Definitions, Error> {
    definitions(&crate::decode::text(wsdl)?)
}

/// Parses a WSDL 1.1 document. DTDs are refused.
pub fn definitions(text: &str) -> Result<Definitions, Error> {
    let document = document(text)?;
    let root = document.root_element();
    definitions_of(root)
}

/// Decodes and parses a schema document the WSDL imports by `schemaLocation`, given as a local
/// copy; `location` is the `schemaLocation` as written, kept to tell it is loaded.
pub fn schema_bytes(bytes: &[u8], location: &str) -> Result<crate::wsdl::Schema, Error> {
    let text = crate::decode::text(bytes)?;
    let document = document(&text)?;
    let root = document.root_element();
    if !is(&root, &XSD_NS, "schema") {
        return Err(Error::NotSchema {
            location: location.to_owned(),
            root: root.tag_name().name().to_owned(),
        });
    }
    let mut schema = schema::schema(root);
    schema.location = Some(location.to_owned());
    Ok(schema)
}

/// Parses XML text with DTDs refused and nesting bounded.
fn document(text: &str) -> Result<Document<'_>, Error> {
    let options = ParsingOptions {
        allow_dtd: false,
        ..ParsingOptions::default()
    };
    let document = Document::parse_with_options(text, options).map_err(|error| match error {
        roxmltree::Error::DtdDetected => Error::Dtd,
        other => {
            let pos = other.pos();
            let message = other.to_string();
            // roxmltree ends its message with the position; we say it in our own words.
            let message = match message.rfind(" at ") {
                Some(at) => message[..at].to_owned(),
                None => message,
            };
            Error::Xml {
                line: pos.row,
                column: pos.col,
                message,
            }
        }
    })?;
    check_depth(&document)?;
    Ok(document)
}

fn definitions_of(root: Node) -> Result<Definitions, Error> {
    match (root.tag_name().namespace(), root.tag_name().name()) {
        (Some(WSDL_NS), "definitions") => {}
        (Some(WSDL20_NS), _) | (_, "description") => return Err(Error::Wsdl20),
        (_, name) => return Err(Error::NotWsdl(name.to_owned())),
    }
    let mut defs = Definitions {
        target_namespace: root.attribute("targetNamespace").map(str::to_owned),
        ..Definitions::default()
    };
    for child in wsdl_children(root) {
        match child.tag_name().name() {
            "types" => defs.schemas.extend(
                child
                    .children()
                    .filter(|n| is(n, &XSD_NS, "schema"))
                    .map(schema::schema),
            ),
            "message" => defs.messages.push(message(child)?),
            "portType" => defs.port_types.push(port_type(child)?),
            "binding" => defs.bindings.push(binding(child)?),
            "service" => defs.services.push(service(child)?),
            _ => {}
        }
    }
    Ok(defs)
}

pub(crate) fn is(node: &Node, namespaces: &[&str], name: &str) -> bool {
    node.is_element()
        && node.tag_name().name() == name
        && node
            .tag_name()
            .namespace()
            .is_some_and(|ns| namespaces.contains(&ns))
}

fn wsdl_children<'a, 'i>(node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children()
        .filter(|n| n.is_element() && n.tag_name().namespace() == Some(WSDL_NS))
}

pub(crate) fn xsd_children<'a, 'i>(node: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children().filter(|n| {
        n.is_element()
            && n.tag_name()
                .namespace()
                .is_some_and(|ns| XSD_NS.contains(&ns))
    })
}

fn required(node: Node, attribute: &str) -> Result<String, Error> {
    node.attribute(attribute)
        .map(str::to_owned)
        .ok_or_else(|| Error::MissingAttribute {
            element: describe(node),
            attribute: attribute.to_owned(),
        })
}

fn describe(node: Node) -> String {
    let tag = node.tag_name().name();
    match node.attribute("name") {
        Some(name) => format!("{tag} {name}"),
        None => match node.parent_element().and_then(|p| p.attribute("name")) {
            Some(parent) => format!("{tag} in {parent}"),
            None => tag.to_owned(),
        },
    }
}

/// Splits a QName attribute value and looks its prefix up where it is written.
pub(crate) fn qname(node: Node, value: &str) -> QName {
    let value = value.trim();
    let (prefix, local) = match value.split_once(':') {
        Some((prefix, local)) => (Some(prefix.to_owned()), local.to_owned()),
        None => (None, value.to_owned()),
    };
    let namespace = node
        .lookup_namespace_uri(prefix.as_deref())
        .filter(|ns| !ns.is_empty())
        .map(str::to_owned);
    QName {
        prefix,
        local,
        namespace,
    }
}

pub(crate) fn qname_attr(node: Node, attribute: &str) -> Option<QName> {
    node.attribute(attribute).map(|value| qname(node, value))
}

fn required_qname(node: Node, attribute: &str) -> Result<QName, Error> {
    let value = required(node, attribute)?;
    Ok(qname(node, &value))
}

fn documentation(node: Node) -> Option<String> {
    let doc = wsdl_children(node).find(|n| n.tag_name().name() == "documentation")?;
    let text: String = doc
        .descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect();
    Some(text)
}

fn message(node: Node) -> Result<Message, Error> {
    let parts = wsdl_children(node)
        .filter(|n| n.tag_name().name() == "part")
        .map(|part| {
            Ok(Part {
                name: required(part, "name")?,
                type_name: qname_attr(part, "type"),
                element: qname_attr(part, "element"),
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(Message {
        name: required(node, "name")?,
        parts,
    })
}

fn port_type(node: Node) -> Result<PortType, Error> {
    let mut operations = Vec::new();
    for op in wsdl_children(node).filter(|n| n.tag_name().name() == "operation") {
        let mut operation = PortOperation {
            name: required(op, "name")?,
            documentation: documentation(op),
            ..PortOperation::default()
        };
        for io in wsdl_children(op) {
            match io.tag_name().name() {
                "input" => operation.input = Some(required_qname(io, "message")?),
                "output" => {
                    operation.output_first = operation.input.is_none();
                    operation.output = Some(required_qname(io, "message")?);
                }
                _ => {}
            }
        }
        operations.push(operation);
    }
    Ok(PortType {
        name: required(node, "name")?,
        operations,
    })
}

fn soap_version(node: &Node) -> Option<SoapVersion> {
    match node.tag_name().namespace() {
        Some(SOAP11_NS) => Some(SoapVersion::Soap11),
        Some(SOAP12_NS) => Some(SoapVersion::Soap12),
        _ => None,
    }
}

fn soap_child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children()
        .find(|n| n.is_element() && n.tag_name().name() == name && soap_version(n).is_some())
}

fn binding(node: Node) -> Result<Binding, Error> {
    let soap = soap_child(node, "binding").map(|b| SoapBinding {
        version: soap_version(&b).unwrap_or(SoapVersion::Soap11),
        style: b.attribute("style").map(str::to_owned),
    });
    let mut operations = Vec::new();
    for op in wsdl_children(node).filter(|n| n.tag_name().name() == "operation") {
        let soap_op = soap_child(op, "operation");
        let body = |io: &str| {
            let io = wsdl_children(op).find(|n| n.tag_name().name() == io)?;
            let body = soap_child(io, "body")?;
            Some(SoapBody {
                body_use: body.attribute("use").map(str::to_owned),
                namespace: body.attribute("namespace").map(str::to_owned),
                parts: body
                    .attribute("parts")
                    .map(|p| p.split_whitespace().map(str::to_owned).collect()),
            })
        };
        operations.push(BindingOperation {
            name: required(op, "name")?,
            documentation: documentation(op),
            soap_action: soap_op
                .and_then(|o| o.attribute("soapAction"))
                .map(str::to_owned),
            style: soap_op
                .and_then(|o| o.attribute("style"))
                .map(str::to_owned),
            input: body("input"),
            output: body("output"),
        });
    }
    Ok(Binding {
        name: required(node, "name")?,
        port_type: required_qname(node, "type")?,
        soap,
        operations,
    })
}

fn service(node: Node) -> Result<Service, Error> {
    let ports = wsdl_children(node)
        .filter(|n| n.tag_name().name() == "port")
        .map(|port| {
            Ok(Port {
                name: required(port, "name")?,
                binding: required_qname(port, "binding")?,
                address: port
                    .children()
                    .find(|n| {
                        n.tag_name().name() == "address"
                            && matches!(n.tag_name().namespace(), Some(SOAP11_NS | SOAP12_NS))
                    })
                    .and_then(|n| n.attribute("location"))
                    .map(str::to_owned),
            })
        })
        .collect::<Result<_, Error>>()?;
    Ok(Service {
        name: required(node, "name")?,
        ports,
    })
}

/// How deep elements may nest; real WSDLs stay far below, and the schema reader recurses.
const MAX_DEPTH: usize = 256;

fn check_depth(document: &Document) -> Result<(), Error> {
    // Depth of each element in document order, from its parent's depth; one pass, no recursion.
    let mut depths: std::collections::HashMap<roxmltree::NodeId, usize> =
        std::collections::HashMap::new();
    for node in document.root().descendants().filter(Node::is_element) {
        let depth = node
            .parent()
            .and_then(|p| depths.get(&p.id()))
            .map_or(1, |d| d + 1);
        if depth > MAX_DEPTH {
            return Err(Error::TooDeep {
                limit: MAX_DEPTH,
                line: document.text_pos_at(node.range().start).row,
            });
        }
        depths.insert(node.id(), depth);
    }
    Ok(())
}
