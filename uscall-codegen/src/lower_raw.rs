//! Lowers an operation the generator cannot express to a raw one: its input parts sent as text.

use crate::Error;
use crate::lower::{OperationLowerer, RawParam, Shape, body_parts, key};
use crate::model::{Builtin, Operation, RawOperation, Style, TypeRef, Use, XsdKind};
use crate::names::OperationNamer;
use crate::wsdl::{Content, Element, Item, Part, QName};

/// Why an operation-level error makes the operation raw; `None` for an error about the WSDL
/// as a whole.
pub(crate) fn reason(error: &Error) -> Option<String> {
    Some(match error {
        Error::Unsupported { construct, .. } => format!("{construct} is not supported"),
        Error::Type { what, why, .. } => format!("{what}: {why}"),
        Error::NotRequestResponse { what, .. } => {
            format!("an operation that {what} is not supported")
        }
        Error::MissingElement { what, element, .. } => {
            format!("{what} refers to element `{element}`, which is not declared in the types")
        }
        Error::MissingMessage { message, .. } => format!("message `{message}` is not defined"),
        Error::MissingBindingOperation { binding, .. } => {
            format!("binding `{binding}` does not bind it (no SOAPAction, style or use is known)")
        }
        Error::UndeclaredPrefix { qname, .. } => {
            format!("the namespace prefix in `{qname}` is not declared")
        }
        _ => return None,
    })
}

/// `reason` says why the operation is raw. Never fails: whatever the WSDL leaves unreadable
/// (an unknown style, a missing message or element) falls back to the plainest reading, so
/// that the operation still gets a method.
pub(crate) fn operation(
    lowerer: &OperationLowerer<'_, '_>,
    reason: String,
    namer: &mut OperationNamer,
) -> Operation {
    let op = lowerer.port_op;
    let input_body = lowerer.binding_op.input.as_ref();
    let parts: Vec<&Part> = op
        .input
        .as_ref()
        .and_then(|name| lowerer.message(name).ok())
        .map(|message| body_parts(message, input_body.and_then(|b| b.parts.as_ref())))
        .unwrap_or_default();
    let body_use = match input_body.and_then(|b| b.body_use.as_deref()) {
        Some("encoded") => Use::Encoded,
        _ => Use::Literal,
    };
    let rpc_namespace = || {
        input_body
            .and_then(|b| b.namespace.clone())
            .or_else(|| lowerer.defs.target_namespace.clone())
            .unwrap_or_default()
    };
    let document = lowerer.style_attribute() != Some("rpc");
    let wrapped = match parts.as_slice() {
        [part] if document => part.element.as_ref(),
        _ => None,
    };
    let shape = match wrapped {
        // document/literal: the part's element is the wrapper, its child elements the fields.
        Some(element) => Shape {
            style: Style::Document,
            body_use,
            namespace: element.namespace.clone().unwrap_or_default(),
            wrapper: element.local.clone(),
            response: String::new(),
            params: fields(lowerer, element),
            outputs: Vec::new(),
        },
        // rpc, and any other document input: one unqualified accessor per part in a wrapper
        // named after the operation, which is what rpc servers and most lenient readers take.
        None => Shape {
            style: if document {
                Style::Document
            } else {
                Style::Rpc
            },
            body_use,
            namespace: rpc_namespace(),
            wrapper: op.name.clone(),
            response: String::new(),
            params: parts
                .iter()
                .map(|part| text_param(&part.name, written_type(part), None))
                .collect(),
            outputs: Vec::new(),
        },
    };
    let raw = RawOperation {
        reason,
        one_way: op.input.is_some() && op.output.is_none(),
    };
    lowerer.assemble(namer, shape, Some(raw))
}

/// The named child elements of the wrapper element, qualified as its schema says.
fn fields(lowerer: &OperationLowerer<'_, '_>, element: &QName) -> Vec<RawParam> {
    let Some((decl, schema)) = lowerer.index.elements.get(&key(element)).copied() else {
        return Vec::new();
    };
    let complex = match (&decl.complex_type, &decl.type_name) {
        (Some(complex), _) => Some(complex.as_ref()),
        (None, Some(name)) => lowerer.index.complex_types.get(&key(name)).map(|(c, _)| *c),
        (None, None) => None,
    };
    let Some(Content::Particle(particle)) = complex.map(|c| &c.content) else {
        return Vec::new();
    };
    let fields: Vec<&Element> = particle
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Element(element) => Some(element.as_ref()),
            _ => None,
        })
        .collect();
    fields
        .iter()
        .filter(|field| field.reference.is_none())
        .map(|field| {
            let qualified = match field.form.as_deref() {
                Some(form) => form == "qualified",
                None => schema.qualified_elements,
            };
            let namespace = qualified.then(|| schema.target_namespace.clone()).flatten();
            let written = field
                .type_name
                .as_ref()
                .map_or_else(|| "an inline type".to_owned(), QName::written);
            text_param(&field.name, written, namespace)
        })
        .collect()
}

fn written_type(part: &Part) -> String {
    match (&part.type_name, &part.element) {
        (Some(type_name), _) => type_name.written(),
        (None, Some(element)) => format!("element {}", element.written()),
        (None, None) => "no type".to_owned(),
    }
}

/// An optional part sent as `xsd:string` text, whatever its declared type.
fn text_param(name: &str, declared: String, namespace: Option<String>) -> RawParam {
    RawParam {
        name: name.to_owned(),
        xsd_type: "xsd:string".to_owned(),
        kind: XsdKind::String,
        required: false,
        namespace,
        note: Some(format!("sent as text: the WSDL says `{declared}`")),
        ty: TypeRef::Simple(Builtin::String),
        many: false,
    }
}
