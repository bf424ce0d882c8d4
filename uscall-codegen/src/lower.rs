//! [`crate::wsdl::Definitions`] to [`crate::model::Api`]: resolves QNames, picks the SOAP bindings, style and use.

use std::cell::RefCell;
use std::collections::BTreeMap;

use crate::Error;
use crate::docs;
use crate::model::{
    Answer, Api, Builtin, Field, FieldForm, Occurs, Operation, Param, RawOperation, SoapVersion,
    Style, TypeRef, Use, XsdKind,
};
use crate::names::{OperationNamer, ParamNamer, snake};
use crate::wsdl::{
    self, Binding, BindingOperation, ComplexType, Definitions, Element, Message, Part,
    PortOperation, QName, Schema,
};

mod answers;
mod bindings;
mod index;
mod types;

use bindings::Chosen;
pub(crate) use index::Index;
pub(crate) use types::Types;
use types::Unsupported;

/// How to lower, beyond the WSDL itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Settings {
    /// The SOAP version to take where a port type is bound in both; `None` is SOAP 1.1.
    pub soap: Option<SoapVersion>,
    /// The USCall convention: an answer of one string is a JSON document, read by the runtime's
    /// `Response`; otherwise it is a `String`.
    pub json_answers: bool,
}

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
    api_with(
        defs,
        Settings {
            soap: prefer,
            json_answers: false,
        },
    )
}

/// [`api`] with every setting.
pub fn api_with(defs: &Definitions, settings: Settings) -> Result<Api, Error> {
    // What a port type operation its binding leaves out is lowered with: nothing known.
    let unbound: BTreeMap<&str, BindingOperation> = defs
        .port_types
        .iter()
        .flat_map(|p| &p.operations)
        .map(|op| {
            let binding_op = BindingOperation {
                name: op.name.clone(),
                ..BindingOperation::default()
            };
            (op.name.as_str(), binding_op)
        })
        .collect();
    let index = Index::new(defs);
    let types = RefCell::new(Types::new(&index));
    let (chosen, notes) = bindings::choose(defs, &index, settings.soap)?;
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
            // An operation the binding leaves out still gets a (raw) method: the rest of the
            // WSDL is not lost to it.
            let bound = binding_ops.get(port_op.name.as_str()).copied();
            let binding_op = bound.unwrap_or_else(|| &unbound[port_op.name.as_str()]);
            let lowerer = OperationLowerer {
                defs,
                index: &index,
                types: &types,
                binding,
                port_op,
                binding_op,
            };
            let checkpoint = types.borrow().checkpoint();
            let lowered = match bound {
                Some(_) => lowerer.lower(&mut namer, settings.json_answers),
                None => Err(Error::MissingBindingOperation {
                    operation: port_op.name.clone(),
                    binding: binding.name.clone(),
                }),
            };
            let mut operation = match lowered {
                Ok(operation) => operation,
                // One operation the generator cannot express must not cost the whole WSDL.
                Err(error) => {
                    types.borrow_mut().rollback(checkpoint);
                    match crate::lower_raw::reason(&error) {
                        Some(reason) => crate::lower_raw::operation(&lowerer, reason, &mut namer),
                        None => return Err(error),
                    }
                }
            };
            operation.path.clone_from(path);
            operations.push(operation);
        }
    }
    Ok(Api {
        operations,
        types: types.into_inner().finish(),
        notes,
    })
}

pub(crate) fn key(q: &QName) -> Key<'_> {
    (q.namespace.as_deref(), q.local.as_str())
}

pub(crate) struct OperationLowerer<'a, 't> {
    pub(crate) defs: &'a Definitions,
    pub(crate) index: &'a Index<'a>,
    pub(crate) types: &'t RefCell<Types<'a>>,
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

impl<'a> OperationLowerer<'a, '_> {
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

    fn lower(&self, namer: &mut OperationNamer, json_answers: bool) -> Result<Operation, Error> {
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
            (None, None) => return Err(not_rr("has no input or output")),
            (Some(input), None) => (self.message(input)?, None),
            (Some(input), Some(output)) => (self.message(input)?, Some(self.message(output)?)),
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
        let out_parts = output
            .map(|output| {
                body_parts(
                    output,
                    self.binding_op
                        .output
                        .as_ref()
                        .and_then(|b| b.parts.as_ref()),
                )
            })
            .unwrap_or_default();
        if style == Style::Document && body_use == Use::Encoded {
            return Err(self.unsupported("document/encoded"));
        }
        let mut types = self.types.borrow_mut();
        let mut shape = match style {
            Style::Rpc => {
                let required = docs::required_parts(&documentation);
                let params = in_parts
                    .iter()
                    .map(|part| self.rpc_part(&mut types, part, required.as_deref()))
                    .collect::<Result<Vec<_>, _>>()?;
                let namespace = input_body
                    .and_then(|b| b.namespace.clone())
                    .or_else(|| self.defs.target_namespace.clone())
                    .unwrap_or_default();
                Shape {
                    style,
                    body_use,
                    namespace,
                    wrapper: op.name.clone(),
                    response: String::new(),
                    params,
                    outputs: Vec::new(),
                }
            }
            Style::Document | Style::Bare => {
                self.document_input(&mut types, &in_parts, body_use)?
            }
        };
        if let Some(output) = output {
            shape.outputs = match style {
                Style::Rpc => out_parts
                    .iter()
                    .map(|part| self.rpc_output(&mut types, part))
                    .collect::<Result<_, _>>()?,
                Style::Document | Style::Bare => {
                    self.document_output(&mut types, output, &out_parts)?
                }
            };
        }
        shape.response = shape
            .outputs
            .first()
            .map(|f| f.xml_name.clone())
            .unwrap_or_default();
        let answer = answers::answer(&mut types, self, &shape, output.is_some(), json_answers);
        drop(types);
        let mut operation = self.assemble(namer, shape, None);
        operation.answer = answer;
        Ok(operation)
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
            answer: Answer::Raw,
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

    fn type_error(&self, what: &str, why: Unsupported) -> Error {
        Error::Type {
            operation: self.name().to_owned(),
            what: what.to_owned(),
            why,
        }
    }

    /// The type of a part: its `type`, or its `element`'s type.
    fn part_type(&self, types: &mut Types<'a>, part: &Part) -> Result<TypeRef, Error> {
        let what = format!("part `{}`", part.name);
        match (&part.type_name, &part.element) {
            (Some(type_name), _) => types
                .type_ref(type_name)
                .map_err(|why| self.type_error(&what, why)),
            (None, Some(element)) => {
                let (decl, schema) = self.element(element, &what)?;
                types
                    .element_type(decl, schema, &upper_camel(&element.local))
                    .map_err(|why| self.type_error(&what, why))
            }
            (None, None) => Err(self.unsupported(format!("{what} with neither type nor element"))),
        }
    }

    fn rpc_part(
        &self,
        types: &mut Types<'a>,
        part: &Part,
        required: Option<&[String]>,
    ) -> Result<RawParam, Error> {
        let required = required.is_some_and(|names| {
            names
                .iter()
                .any(|n| n.to_lowercase() == part.name.to_lowercase())
        });
        let ty = self.part_type(types, part)?;
        let written = match (&part.type_name, &part.element) {
            (Some(t), _) => normalised(t),
            _ => "xsd:anyType".to_owned(),
        };
        Ok(param(&part.name, written, ty, required, false, None))
    }

    fn rpc_output(&self, types: &mut Types<'a>, part: &Part) -> Result<Field, Error> {
        Ok(Field {
            xml_name: part.name.clone(),
            rust_name: snake(&part.name),
            namespace: None,
            ty: self.part_type(types, part)?,
            occurs: Occurs::One,
            form: FieldForm::Element,
            nillable: false,
            boxed: false,
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

    /// A document input: no part (an empty body element is not sent: nothing to wrap), one
    /// element part whose type is complex (wrapped: its fields are the parameters; bare with a
    /// struct reads the same on the wire), or one element of a simple type (bare: the element's
    /// text is the one parameter).
    fn document_input(
        &self,
        types: &mut Types<'a>,
        parts: &[&'a Part],
        body_use: Use,
    ) -> Result<Shape, Error> {
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
        let namespace = element_name.namespace.clone().unwrap_or_default();
        let wrapper = element_name.local.clone();
        let hint = upper_camel(&element_name.local);
        let shape = |style, params| Shape {
            style,
            body_use,
            namespace: namespace.clone(),
            wrapper: wrapper.clone(),
            response: String::new(),
            params,
            outputs: Vec::new(),
        };
        match self.complex_of(element) {
            Some(complex) => {
                let fields = types
                    .content_fields(complex, schema, &hint)
                    .map_err(|why| {
                        self.type_error(&format!("element `{}`", element_name.written()), why)
                    })?;
                let params = fields
                    .into_iter()
                    .map(|f| {
                        if f.form != FieldForm::Element {
                            return Err(self.unsupported(format!(
                                "element `{}` as a wrapper (it has attribute or text `{}`)",
                                element_name.written(),
                                f.xml_name
                            )));
                        }
                        let written = written_type(&f.ty);
                        Ok(param(
                            &f.xml_name,
                            written,
                            f.ty,
                            f.occurs == Occurs::One,
                            f.occurs == Occurs::Many,
                            f.namespace,
                        ))
                    })
                    .collect::<Result<_, Error>>()?;
                Ok(shape(Style::Document, params))
            }
            None => {
                let ty = types
                    .element_type(element, schema, &hint)
                    .map_err(|why| self.type_error(&what, why))?;
                let written = written_type(&ty);
                Ok(shape(
                    Style::Bare,
                    vec![param(&element_name.local, written, ty, true, false, None)],
                ))
            }
        }
    }

    /// The complex type of an element: inline, or named.
    fn complex_of(&self, element: &'a Element) -> Option<&'a ComplexType> {
        match (&element.complex_type, &element.type_name) {
            (Some(complex), _) => Some(complex.as_ref()),
            (None, Some(t)) => self.index.complex_types.get(&key(t)).map(|(c, _)| *c),
            (None, None) => None,
        }
    }

    /// A document answer's values: the fields of its element's complex type, or the element's
    /// own text when its type is simple. Several output parts are not a document answer.
    fn document_output(
        &self,
        types: &mut Types<'a>,
        message: &Message,
        parts: &[&'a Part],
    ) -> Result<Vec<Field>, Error> {
        let part = match parts {
            [] => return Ok(Vec::new()),
            [part] => *part,
            _ => {
                return Err(self.unsupported(format!(
                    "a document answer of {} parts (message `{}`)",
                    parts.len(),
                    message.name
                )));
            }
        };
        let Some(element_name) = &part.element else {
            // Not WS-I, but read as servers write it: an accessor named after the part.
            return Ok(vec![self.rpc_output(types, part)?]);
        };
        let what = format!("output part `{}`", part.name);
        let (element, schema) = self.element(element_name, &what)?;
        let hint = upper_camel(&element_name.local);
        match self.complex_of(element) {
            Some(complex) => types
                .content_fields(complex, schema, &hint)
                .map_err(|why| self.type_error(&what, why)),
            None => {
                let ty = types
                    .element_type(element, schema, &hint)
                    .map_err(|why| self.type_error(&what, why))?;
                Ok(vec![Field {
                    xml_name: element_name.local.clone(),
                    rust_name: snake(&element_name.local),
                    namespace: element_name.namespace.clone(),
                    ty,
                    occurs: Occurs::One,
                    form: FieldForm::Text,
                    nillable: element.nillable,
                    boxed: false,
                }])
            }
        }
    }
}

/// A part or field as a parameter.
fn param(
    name: &str,
    xsd_type: String,
    ty: TypeRef,
    required: bool,
    many: bool,
    namespace: Option<String>,
) -> RawParam {
    let (kind, note) = match &ty {
        TypeRef::Simple(b) => (kind(*b), None),
        _ => (XsdKind::String, None),
    };
    RawParam {
        name: name.to_owned(),
        xsd_type,
        kind,
        required,
        namespace,
        note,
        ty,
        many,
    }
}

/// The coarse kind the command line checks a simple value by.
fn kind(b: Builtin) -> XsdKind {
    match b {
        Builtin::Boolean => XsdKind::Boolean,
        Builtin::Byte
        | Builtin::Short
        | Builtin::Int
        | Builtin::Long
        | Builtin::Integer
        | Builtin::UnsignedByte
        | Builtin::UnsignedShort
        | Builtin::UnsignedInt
        | Builtin::UnsignedLong => XsdKind::Integer,
        Builtin::Float | Builtin::Double | Builtin::Decimal => XsdKind::Decimal,
        Builtin::Date => XsdKind::Date,
        Builtin::DateTime => XsdKind::DateTime,
        Builtin::Time => XsdKind::Time,
        _ => XsdKind::String,
    }
}

/// The `xsi:type` a simple value is sent with, as the envelope writes it.
fn written_type(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Simple(b) => format!("xsd:{}", b.xsd_name()),
        _ => "xsd:anyType".to_owned(),
    }
}

fn upper_camel(name: &str) -> String {
    use heck::ToUpperCamelCase;
    name.to_upper_camel_case()
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
