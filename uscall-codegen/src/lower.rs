//! [`crate::wsdl::Definitions`] to [`crate::model::Api`]: resolves QNames, picks the SOAP bindings, style and use.

use std::collections::BTreeMap;

use crate::Error;
use crate::docs;
use crate::model::{
    Api, Builtin, Field, Operation, Param, RawOperation, SoapVersion, Style, TypeRef, Use, XsdKind,
};
use crate::names::{OperationNamer, ParamNamer};
use crate::wsdl::{
    self, Binding, BindingOperation, Content, Definitions, Element, Message, Part, PortOperation,
    QName, Schema,
};

mod bindings;
mod index;

use bindings::Chosen;
pub(crate) use index::Index;

pub(crate) type Key<'a> = (Option<&'a str>, &'a str);

/// Lowers a parsed WSDL to the model the emitters read, SOAP 1.1 where a port type is bound in
/// both versions.
pub fn api(defs: &Definitions) -> Result<Api, Error> {
    api_preferring(defs, None)
}

/// [`api`], taking the `prefer`red SOAP version where a port type is bound in both (SOAP 1.1
/// when `None`). Every port type's operations become operations, port type after port type,
/// their names made unique in that order.
pub fn api_preferring(defs: &Definitions, prefer: Option<SoapVersion>) -> Result<Api, Error> {
    let index = Index::new(defs);
    let (chosen, notes) = bindings::choose(defs, &index, prefer)?;
    let mut namer = OperationNamer::default();
    let mut operations = Vec::new();
    for Chosen { binding, path } in &chosen {
        let binding = *binding;
        let port_type = index
            .port_types
            .get(&key(&binding.port_type))
            .copied()
            .ok_or_else(|| Error::MissingPortType {
                binding: binding.name.clone(),
                port_type: binding.port_type.written(),
            })?;
        let binding_ops: BTreeMap<&str, &BindingOperation> = binding
            .operations
            .iter()
            .rev()
            .map(|op| (op.name.as_str(), op))
            .collect();
        for port_op in &port_type.operations {
            let binding_op = binding_ops
                .get(port_op.name.as_str())
                .copied()
                .ok_or_else(|| Error::MissingBindingOperation {
                    operation: port_op.name.clone(),
                    binding: binding.name.clone(),
                })?;
            let lowerer = OperationLowerer {
                defs,
                index: &index,
                binding,
                port_op,
                binding_op,
            };
            let mut operation = match lowerer.lower(&mut namer) {
                Ok(operation) => operation,
                // One operation the generator cannot express must not cost the whole WSDL.
                Err(error) => match crate::lower_raw::reason(&error) {
                    Some(reason) => crate::lower_raw::operation(&lowerer, reason, &mut namer),
                    None => return Err(error),
                },
            };
            operation.path.clone_from(path);
            operations.push(operation);
        }
    }
    Ok(Api {
        operations,
        types: Vec::new(),
        notes,
    })
}

pub(crate) fn key(q: &QName) -> Key<'_> {
    (q.namespace.as_deref(), q.local.as_str())
}

pub(crate) struct OperationLowerer<'a> {
    pub(crate) defs: &'a Definitions,
    pub(crate) index: &'a Index<'a>,
    pub(crate) binding: &'a Binding,
    pub(crate) port_op: &'a PortOperation,
    pub(crate) binding_op: &'a BindingOperation,
}

/// A part or field on its way to becoming a [`Param`].
pub(crate) struct RawParam {
    pub(crate) name: String,
    pub(crate) xsd_type: String,
    pub(crate) kind: XsdKind,
    pub(crate) required: bool,
    pub(crate) namespace: Option<String>,
    pub(crate) note: Option<String>,
    pub(crate) ty: TypeRef,
    pub(crate) many: bool,
}

/// What goes on the wire for an operation, names aside.
pub(crate) struct Shape {
    pub(crate) style: Style,
    pub(crate) body_use: Use,
    pub(crate) namespace: String,
    pub(crate) wrapper: String,
    pub(crate) response: String,
    pub(crate) params: Vec<RawParam>,
    pub(crate) outputs: Vec<Field>,
}

impl<'a> OperationLowerer<'a> {
    pub(crate) fn name(&self) -> &'a str {
        &self.port_op.name
    }

    /// The operation's documentation, or the binding operation's, normalised.
    pub(crate) fn documentation(&self) -> String {
        docs::normalise(
            self.port_op
                .documentation
                .as_deref()
                .or(self.binding_op.documentation.as_deref())
                .unwrap_or(""),
        )
    }

    /// `style=` of the binding operation, else of the binding.
    pub(crate) fn style_attribute(&self) -> Option<&'a str> {
        self.binding_op.style.as_deref().or(self
            .binding
            .soap
            .as_ref()
            .and_then(|s| s.style.as_deref()))
    }

    pub(crate) fn soap_version(&self) -> SoapVersion {
        match self.binding.soap.as_ref().map(|s| s.version) {
            Some(wsdl::SoapVersion::Soap12) => SoapVersion::Soap12,
            _ => SoapVersion::Soap11,
        }
    }

    fn unsupported(&self, construct: impl Into<String>) -> Error {
        Error::Unsupported {
            operation: self.name().to_owned(),
            construct: construct.into(),
        }
    }

    fn lower(&self, namer: &mut OperationNamer) -> Result<Operation, Error> {
        let op = self.port_op;
        let not_rr = |what: &str| Error::NotRequestResponse {
            operation: op.name.clone(),
            what: what.to_owned(),
        };
        let (input, output) = match (&op.input, &op.output) {
            (Some(_), Some(_)) if op.output_first => {
                return Err(not_rr(
                    "is a solicit-response operation (output before input)",
                ));
            }
            (None, Some(_)) => return Err(not_rr("is a notification (output only)")),
            (Some(_), None) => return Err(not_rr("has no output")),
            (None, None) => return Err(not_rr("has no input or output")),
            (Some(input), Some(output)) => (self.message(input)?, self.message(output)?),
        };
        let documentation = self.documentation();
        let style = match self.style_attribute() {
            None | Some("document") => Style::Document,
            Some("rpc") => Style::Rpc,
            Some(other) => return Err(self.unsupported(format!("style `{other}`"))),
        };
        let input_body = self.binding_op.input.as_ref();
        let body_use = match input_body.and_then(|b| b.body_use.as_deref()) {
            None | Some("literal") => Use::Literal,
            Some("encoded") => Use::Encoded,
            Some(other) => return Err(self.unsupported(format!("use `{other}`"))),
        };
        let in_parts = body_parts(input, input_body.and_then(|b| b.parts.as_ref()));
        let out_parts = body_parts(
            output,
            self.binding_op
                .output
                .as_ref()
                .and_then(|b| b.parts.as_ref()),
        );
        let (namespace, wrapper, raw, response) = match style {
            Style::Rpc => {
                let required = docs::required_parts(&documentation);
                let raw = in_parts
                    .iter()
                    .map(|part| self.rpc_part(part, required.as_deref()))
                    .collect::<Result<Vec<_>, _>>()?;
                let namespace = input_body
                    .and_then(|b| b.namespace.clone())
                    .or_else(|| self.defs.target_namespace.clone())
                    .unwrap_or_default();
                // The runtime reads one return part and refuses an answer with more, as
                // ambiguous: an operation answering several is raw until they are typed.
                if out_parts.len() > 1 {
                    return Err(
                        self.unsupported(format!("an answer of {} output parts", out_parts.len()))
                    );
                }
                let response = out_parts
                    .first()
                    .map(|p| p.name.clone())
                    .unwrap_or_default();
                (namespace, op.name.clone(), raw, response)
            }
            Style::Document => {
                if body_use == Use::Encoded {
                    return Err(self.unsupported("document/encoded"));
                }
                let (namespace, wrapper, raw) = self.wrapper(&in_parts)?;
                (namespace, wrapper, raw, self.document_response(&out_parts)?)
            }
        };
        Ok(self.assemble(
            namer,
            Shape {
                style,
                body_use,
                namespace,
                wrapper,
                response,
                params: raw,
                outputs: Vec::new(),
            },
            None,
        ))
    }

    /// The operation with its names assigned: typed, or raw when `raw` says why.
    pub(crate) fn assemble(
        &self,
        namer: &mut OperationNamer,
        shape: Shape,
        raw: Option<RawOperation>,
    ) -> Operation {
        let op = self.port_op;
        let documentation = self.documentation();
        let names = namer.assign(&op.name);
        let mut param_namer = ParamNamer::default();
        let params = shape
            .params
            .into_iter()
            .map(|p| {
                let names = param_namer.assign(&p.name);
                let token = p.name.eq_ignore_ascii_case("token");
                Param {
                    rust_name: names.rust,
                    cli_name: names.cli,
                    xsd_type: p.xsd_type,
                    kind: p.kind,
                    // The runtime always sends the token, whatever the documentation says.
                    required: p.required || token,
                    token,
                    namespace: p.namespace,
                    note: p.note,
                    ty: p.ty,
                    many: p.many,
                    xml_name: p.name,
                }
            })
            .collect();
        Operation {
            xml_name: op.name.clone(),
            rust_name: names.method,
            static_name: names.static_name,
            type_name: names.type_name,
            cli_name: names.cli,
            summary: docs::summary(&documentation, &op.name),
            documentation,
            soap_action: self.binding_op.soap_action.clone().unwrap_or_default(),
            soap_version: self.soap_version(),
            path: None,
            style: shape.style,
            body_use: shape.body_use,
            namespace: shape.namespace,
            wrapper: shape.wrapper,
            response: shape.response,
            params,
            outputs: shape.outputs,
            raw,
        }
    }

    pub(crate) fn message(&self, name: &QName) -> Result<&'a Message, Error> {
        if name.namespace.is_none() && name.prefix.is_some() {
            return Err(Error::UndeclaredPrefix {
                qname: name.written(),
                context: format!("operation `{}`", self.name()),
            });
        }
        self.index
            .messages
            .get(&key(name))
            .copied()
            .ok_or_else(|| Error::MissingMessage {
                operation: self.name().to_owned(),
                message: name.written(),
            })
    }

    fn rpc_part(&self, part: &Part, required: Option<&[String]>) -> Result<RawParam, Error> {
        let required = required.is_some_and(|names| {
            names
                .iter()
                .any(|n| n.to_lowercase() == part.name.to_lowercase())
        });
        let what = format!("part `{}`", part.name);
        let (xsd_type, kind, note) = match (&part.type_name, &part.element) {
            (Some(type_name), _) => self.simple(type_name, &what)?,
            (None, Some(element)) => {
                let (decl, _) = self.element(element, &what)?;
                self.element_type(decl, &format!("{what} (element `{}`)", element.written()))?
            }
            (None, None) => {
                return Err(self.unsupported(format!("{what} with neither type nor element")));
            }
        };
        Ok(RawParam {
            name: part.name.clone(),
            xsd_type,
            kind,
            required,
            namespace: None,
            note,
            ty: TypeRef::Simple(Builtin::String),
            many: false,
        })
    }

    fn element(&self, name: &QName, what: &str) -> Result<(&'a Element, &'a Schema), Error> {
        self.index
            .elements
            .get(&key(name))
            .copied()
            .ok_or_else(|| Error::MissingElement {
                operation: self.name().to_owned(),
                what: what.to_owned(),
                element: name.written(),
            })
    }

    /// The simple type of an element declaration, inline or by name.
    fn element_type(
        &self,
        element: &Element,
        what: &str,
    ) -> Result<(String, XsdKind, Option<String>), Error> {
        if element.complex_type.is_some() {
            return Err(self.unsupported(format!("{what} with a complex type")));
        }
        if let Some(type_name) = &element.type_name {
            return self.simple(type_name, what);
        }
        if let Some(simple) = &element.simple_type {
            return Ok(match &simple.base {
                Some(base) => {
                    let (_, kind, note) = self.simple(base, what)?;
                    (normalised(base), kind, note)
                }
                None => text_note("xsd:anySimpleType".to_owned()),
            });
        }
        Ok(text_note("xsd:anyType".to_owned()))
    }

    /// A type that must be simple: built-in, a resolvable simpleType, or kept as text.
    fn simple(
        &self,
        type_name: &QName,
        what: &str,
    ) -> Result<(String, XsdKind, Option<String>), Error> {
        let written = normalised(type_name);
        let mut current = type_name.clone();
        // A restriction chain longer than this is a loop.
        for _ in 0..32 {
            if current.is_xsd() {
                return Ok(match builtin(&current.local) {
                    Some(kind) => (written, kind, None),
                    None => text_note(written),
                });
            }
            if let Some(complex) = self.index.complex_types.get(&key(&current)) {
                let construct = match complex.content {
                    Content::SoapArray => "a SOAP-ENC array",
                    _ => "a complex type",
                };
                return Err(self.unsupported(format!(
                    "{what} of type `{}`, which is {construct},",
                    type_name.written()
                )));
            }
            if current.is_soap_enc() && current.local == "Array" {
                return Err(self.unsupported(format!(
                    "{what} of type `{}`, which is a SOAP-ENC array,",
                    type_name.written()
                )));
            }
            match self
                .index
                .simple_types
                .get(&key(&current))
                .and_then(|s| s.base.clone())
            {
                Some(base) => current = base,
                None => break,
            }
        }
        Ok(text_note(written))
    }

    /// document/literal wrapped: one element part whose type is a sequence of simple elements.
    fn wrapper(&self, parts: &[&'a Part]) -> Result<(String, String, Vec<RawParam>), Error> {
        let part = match parts {
            [part] => *part,
            _ => {
                return Err(self.unsupported(format!(
                    "a document-style input with {} parts (wrapped style needs exactly one)",
                    parts.len()
                )));
            }
        };
        let Some(element_name) = &part.element else {
            return Err(self.unsupported(format!(
                "document-style part `{}` with `type=` instead of `element=`",
                part.name
            )));
        };
        let what = format!("part `{}`", part.name);
        let (element, schema) = self.element(element_name, &what)?;
        let not_wrapper = |why: &str| {
            self.unsupported(format!(
                "element `{}` as a wrapper ({why})",
                element_name.written()
            ))
        };
        let complex = match (&element.complex_type, &element.type_name) {
            (Some(complex), _) => complex.as_ref(),
            (None, Some(type_name)) => self
                .index
                .complex_types
                .get(&key(type_name))
                .copied()
                .ok_or_else(|| not_wrapper("its type is not a complex type"))?,
            (None, None) => return Err(not_wrapper("it has no complex type")),
        };
        let fields: &[Element] = match &complex.content {
            Content::Empty => &[],
            Content::Elements(fields) => fields,
            Content::SoapArray => return Err(not_wrapper("it is a SOAP-ENC array")),
            Content::Other(what) => return Err(not_wrapper(&format!("it holds {what}"))),
        };
        let mut raw = Vec::with_capacity(fields.len());
        for field in fields {
            if let Some(reference) = &field.reference {
                return Err(not_wrapper(&format!(
                    "element reference `{}`",
                    reference.written()
                )));
            }
            if field.max_occurs.as_deref().is_some_and(|m| m != "1") {
                return Err(not_wrapper(&format!("field `{}` repeats", field.name)));
            }
            let field_what = format!(
                "field `{}` of element `{}`",
                field.name,
                element_name.written()
            );
            if field.complex_type.is_some()
                || field
                    .type_name
                    .as_ref()
                    .is_some_and(|t| self.index.complex_types.contains_key(&key(t)))
            {
                return Err(self.unsupported(format!("{field_what}, a nested complex type,")));
            }
            let (xsd_type, kind, note) = self.element_type(field, &field_what)?;
            let qualified = match field.form.as_deref() {
                Some(form) => form == "qualified",
                None => schema.qualified_elements,
            };
            raw.push(RawParam {
                name: field.name.clone(),
                xsd_type,
                kind,
                required: field.min_occurs.as_deref() != Some("0") && !field.nillable,
                namespace: if qualified {
                    schema.target_namespace.clone()
                } else {
                    None
                },
                note,
                ty: TypeRef::Simple(Builtin::String),
                many: false,
            });
        }
        Ok((
            element_name.namespace.clone().unwrap_or_default(),
            element_name.local.clone(),
            raw,
        ))
    }

    /// The first field of the output wrapper, or the output element itself.
    /// The name of the one value a document answer is read as; several output parts, or a
    /// wrapper element with several fields, are not one value (see the rpc case).
    fn document_response(&self, parts: &[&'a Part]) -> Result<String, Error> {
        let [part] = parts else {
            if parts.is_empty() {
                return Ok(String::new());
            }
            return Err(self.unsupported(format!("an answer of {} output parts", parts.len())));
        };
        let Some(element_name) = &part.element else {
            return Ok(part.name.clone());
        };
        let complex = self
            .index
            .elements
            .get(&key(element_name))
            .and_then(|(e, _)| match (&e.complex_type, &e.type_name) {
                (Some(c), _) => Some(c.as_ref()),
                (None, Some(t)) => self.index.complex_types.get(&key(t)).copied(),
                _ => None,
            });
        match complex.map(|c| &c.content) {
            Some(Content::Elements(fields)) if fields.len() > 1 => {
                Err(self.unsupported(format!("an answer element with {} fields", fields.len())))
            }
            Some(Content::Elements(fields)) if !fields.is_empty() => Ok(fields[0].name.clone()),
            _ => Ok(element_name.local.clone()),
        }
    }
}

/// The parts `soap:body parts=` selects, or all of them.
pub(crate) fn body_parts<'m>(
    message: &'m Message,
    selected: Option<&Vec<String>>,
) -> Vec<&'m Part> {
    message
        .parts
        .iter()
        .filter(|p| selected.is_none_or(|s| s.contains(&p.name)))
        .collect()
}

/// The type as written, with an XSD prefix (any, or none) shown as `xsd:`.
fn normalised(q: &QName) -> String {
    if q.is_xsd() {
        format!("xsd:{}", q.local)
    } else {
        q.written()
    }
}

fn text_note(written: String) -> (String, XsdKind, Option<String>) {
    let note = format!("kept as text: the WSDL says `{written}`");
    (written, XsdKind::String, Some(note))
}

/// The XSD built-in simple types the generator maps; others are kept as text with a note.
fn builtin(local: &str) -> Option<XsdKind> {
    Some(match local {
        "string" | "normalizedString" | "token" | "anyURI" | "language" | "Name" | "NCName"
        | "NMTOKEN" | "ID" | "IDREF" | "ENTITY" => XsdKind::String,
        "int" | "integer" | "long" | "short" | "byte" | "unsignedInt" | "unsignedLong"
        | "unsignedShort" | "unsignedByte" | "nonNegativeInteger" | "positiveInteger"
        | "nonPositiveInteger" | "negativeInteger" => XsdKind::Integer,
        "boolean" => XsdKind::Boolean,
        "decimal" | "float" | "double" => XsdKind::Decimal,
        "date" => XsdKind::Date,
        "dateTime" => XsdKind::DateTime,
        "time" => XsdKind::Time,
        _ => return None,
    })
}
