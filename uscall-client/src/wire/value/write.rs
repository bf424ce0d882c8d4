//! Writes [`Value`]s as the XML of a request's parts by their declared types: rpc/encoded
//! (an `xsi:type` on every accessor, SOAP-encoded arrays) or literal.
//!
//! The envelope declares the prefixes `xsd`, `xsi`, `SOAP-ENC` (encoded only) and `ns1` (the
//! operation's namespace); any other namespace is declared on the element that first needs
//! it, as `ns2` (and `ns3` when an element needs a second one).

use super::scalars::excerpt;
use super::{Value, ValueError};
use crate::meta::{FieldForm, FieldInfo, Occurs, Ty, TypeInfo, TypeKind, Use};

/// Writes values into a request body.
#[derive(Debug)]
pub struct Writer<'o> {
    out: &'o mut String,
    encoded: bool,
    /// The namespace the envelope binds to `ns1`, if any.
    ns1: Option<&'static str>,
}

/// The prefixes of the start tag being written: `ns2` as bound there (inherited or declared),
/// whether this tag uses it (so it cannot be rebound), and the further ones it declares
/// (`ns3`, `ns4`...).
#[derive(Debug, Clone, Default)]
struct Tag {
    ns2: Option<&'static str>,
    ns2_used: bool,
    more: Vec<&'static str>,
    /// Declarations not yet written.
    pending: String,
}

impl Tag {
    /// The state a child element's tag starts from: only `ns2` is inherited.
    fn child(&self) -> Tag {
        Tag {
            ns2: self.ns2,
            ..Tag::default()
        }
    }
}

impl<'o> Writer<'o> {
    /// A writer appending to `out`, for a body of `body_use`, in an envelope that binds `ns1`
    /// to `ns1` (the operation's namespace).
    pub fn new(out: &'o mut String, body_use: Use, ns1: Option<&'static str>) -> Writer<'o> {
        Writer {
            out,
            encoded: body_use == Use::Encoded,
            ns1,
        }
    }

    /// Writes `value` as an element named `name` (qualified by `namespace` when given) of type
    /// `ty`. [`Value::Nil`] is written `xsi:nil="true"`.
    pub fn element(
        &mut self,
        name: &str,
        namespace: Option<&'static str>,
        value: &Value,
        ty: Ty,
    ) -> Result<(), ValueError> {
        self.write(name, namespace, value, ty, &Tag::default())
    }

    /// Writes the element(s) of a field: one per item when it repeats; a nil optional field is
    /// left out unless it is nillable.
    pub fn field(&mut self, field: &FieldInfo, value: &Value) -> Result<(), ValueError> {
        self.write_field(field, value, &Tag::default())
            .map_err(|e| e.at(field.name))
    }

    fn write_field(
        &mut self,
        field: &FieldInfo,
        value: &Value,
        parent: &Tag,
    ) -> Result<(), ValueError> {
        let many = field.occurs == Occurs::Many;
        match value {
            Value::Nil if many || (field.occurs == Occurs::Optional && !field.nillable) => Ok(()),
            Value::List(items) if many => {
                for (i, item) in items.iter().enumerate() {
                    self.write(field.name, field.namespace, item, field.ty, parent)
                        .map_err(|e| e.at(format!("[{i}]")))?;
                }
                Ok(())
            }
            value => self.write(field.name, field.namespace, value, field.ty, parent),
        }
    }

    /// The prefix for `namespace` on the start tag being written, declaring it (in
    /// `tag.pending`) when it is not bound yet.
    fn prefix(&self, namespace: &'static str, tag: &mut Tag) -> String {
        if Some(namespace) == self.ns1 {
            return "ns1".to_owned();
        }
        if Some(namespace) == tag.ns2 {
            tag.ns2_used = true;
            return "ns2".to_owned();
        }
        if let Some(i) = tag.more.iter().position(|m| *m == namespace) {
            return format!("ns{}", i + 3);
        }
        let prefix = if tag.ns2_used {
            tag.more.push(namespace);
            format!("ns{}", tag.more.len() + 2)
        } else {
            tag.ns2 = Some(namespace);
            tag.ns2_used = true;
            "ns2".to_owned()
        };
        tag.pending.push_str(" xmlns:");
        tag.pending.push_str(&prefix);
        tag.pending.push_str("=\"");
        crate::envelope::escape_into(&mut tag.pending, namespace);
        tag.pending.push('"');
        prefix
    }

    /// Writes one element, its tag starting from `parent` (the enclosing tag's prefixes).
    fn write(
        &mut self,
        name: &str,
        namespace: Option<&'static str>,
        value: &Value,
        ty: Ty,
        parent: &Tag,
    ) -> Result<(), ValueError> {
        let mut tag = parent.child();
        let start = self.out.len();
        let qname = match namespace {
            Some(ns) => format!("{}:{name}", self.prefix(ns, &mut tag)),
            None => name.to_owned(),
        };
        self.out.push('<');
        self.out.push_str(&qname);
        self.flush(&mut tag);
        if *value == Value::Nil {
            self.out.push_str(" xsi:nil=\"true\"/>");
            return Ok(());
        }
        let result = self.rest(&qname, value, ty, tag);
        if result.is_err() {
            self.out.truncate(start);
        }
        result
    }

    /// The rest of an element whose name is written: annotations, attributes, content, end.
    fn rest(&mut self, qname: &str, value: &Value, ty: Ty, mut tag: Tag) -> Result<(), ValueError> {
        if self.encoded {
            let annotations = self.annotate(value, ty, &mut tag);
            self.flush(&mut tag);
            self.out.push_str(&annotations);
        }
        if let (Ty::Named(info), Value::Struct(fields)) = (ty, value)
            && let TypeKind::Struct(declared) = info.kind
        {
            self.attributes(fields, declared, info)?;
        }
        self.out.push('>');
        self.content(value, ty, &tag)?;
        self.out.push_str("</");
        self.out.push_str(qname);
        self.out.push('>');
        Ok(())
    }

    fn flush(&mut self, tag: &mut Tag) {
        self.out.push_str(&tag.pending);
        tag.pending.clear();
    }

    /// The `xsi:type` (and `SOAP-ENC:arrayType`) of an encoded accessor, as attributes to
    /// write after the declarations they need.
    fn annotate(&self, value: &Value, ty: Ty, tag: &mut Tag) -> String {
        let array_of = match (ty, value) {
            (Ty::Any, Value::List(items)) => Some(("xsd:anyType".to_owned(), items.len())),
            (Ty::Any, Value::Struct(_)) => return String::new(),
            (Ty::Named(info), Value::List(items)) => match info.kind {
                TypeKind::Array { item, .. } => Some((self.type_qname(item, tag), items.len())),
                _ => None,
            },
            _ => None,
        };
        match array_of {
            Some((item, len)) => {
                format!(" xsi:type=\"SOAP-ENC:Array\" SOAP-ENC:arrayType=\"{item}[{len}]\"")
            }
            None => {
                let qname = match ty {
                    Ty::Any => "xsd:string".to_owned(),
                    ty => self.type_qname(ty, tag),
                };
                format!(" xsi:type=\"{qname}\"")
            }
        }
    }

    /// The QName of a type, declaring its namespace's prefix when needed.
    fn type_qname(&self, ty: Ty, tag: &mut Tag) -> String {
        match ty {
            Ty::Simple(b) | Ty::List(b) => format!("xsd:{}", b.xsd_name()),
            Ty::Any => "xsd:anyType".to_owned(),
            Ty::Named(info) if info.namespace.is_empty() => info.name.to_owned(),
            Ty::Named(info) => {
                let prefix = self.prefix(info.namespace, tag);
                format!("{prefix}:{}", info.name)
            }
        }
    }

    /// A struct's attribute fields, on the start tag.
    fn attributes(
        &mut self,
        values: &[(String, Value)],
        declared: &[FieldInfo],
        info: &TypeInfo,
    ) -> Result<(), ValueError> {
        for (name, _) in values {
            if !declared.iter().any(|f| f.name == name) {
                return Err(ValueError::new(format!(
                    "`{}` has no field `{name}`",
                    info.rust_name
                )));
            }
        }
        for field in declared.iter().filter(|f| f.form == FieldForm::Attribute) {
            let value = field_value(values, field.name);
            let text = match value {
                Value::Nil => continue,
                value => simple_text(value, field.ty).map_err(|e| e.at(field.name))?,
            };
            self.out.push(' ');
            self.out.push_str(field.name);
            self.out.push_str("=\"");
            self.text(&text).map_err(|e| e.at(field.name))?;
            self.out.push('"');
        }
        Ok(())
    }

    /// An element's content: text, fields or items.
    fn content(&mut self, value: &Value, ty: Ty, parent: &Tag) -> Result<(), ValueError> {
        match (ty, value) {
            (Ty::Any, Value::Text(text)) => self.text(text),
            (Ty::Any, Value::Struct(fields)) => {
                for (name, value) in fields {
                    // These names come from the value (JSON keys, or a lenient reading), not
                    // from a schema: one that is no XML name would break the envelope.
                    if !is_xml_name(name) {
                        return Err(ValueError::new(format!(
                            "{:?} cannot be an XML element name",
                            name
                        )));
                    }
                    self.write(name, None, value, Ty::Any, parent)
                        .map_err(|e| e.at(name.as_str()))?;
                }
                Ok(())
            }
            (Ty::Any, Value::List(items)) => self.items(items, Ty::Any, "item", parent),
            (Ty::Named(info), _) => match info.kind {
                TypeKind::Struct(fields) => self.structure(value, fields, info, parent),
                TypeKind::Array { item, item_name } => match value {
                    Value::List(items) => self.items(items, item, item_name, parent),
                    other => Err(shape("a list of items", other)),
                },
                TypeKind::Enum { base, .. } => self.text(&simple_text(value, Ty::Simple(base))?),
            },
            _ => self.text(&simple_text(value, ty)?),
        }
    }

    fn items(
        &mut self,
        items: &[Value],
        ty: Ty,
        name: &str,
        parent: &Tag,
    ) -> Result<(), ValueError> {
        for (i, item) in items.iter().enumerate() {
            self.write(name, None, item, ty, parent)
                .map_err(|e| e.at(format!("[{i}]")))?;
        }
        Ok(())
    }

    fn structure(
        &mut self,
        value: &Value,
        declared: &[FieldInfo],
        info: &TypeInfo,
        parent: &Tag,
    ) -> Result<(), ValueError> {
        let values: &[(String, Value)] = match value {
            Value::Struct(values) => values,
            Value::Text(text) if text.trim().is_empty() => &[],
            other => {
                return Err(shape(
                    &format!("the fields of a `{}`", info.rust_name),
                    other,
                ));
            }
        };
        for field in declared {
            let value = field_value(values, field.name);
            match field.form {
                FieldForm::Attribute => {}
                FieldForm::Text => match value {
                    Value::Nil => {}
                    value => {
                        let text = simple_text(value, field.ty).map_err(|e| e.at(field.name))?;
                        self.text(&text).map_err(|e| e.at(field.name))?;
                    }
                },
                FieldForm::Element => self
                    .write_field(field, value, parent)
                    .map_err(|e| e.at(field.name))?,
            }
        }
        Ok(())
    }

    /// Escaped text, refusing characters XML 1.0 cannot carry.
    fn text(&mut self, text: &str) -> Result<(), ValueError> {
        if let Some((position, c)) = crate::envelope::bad_char(text) {
            return Err(ValueError::new(format!(
                "holds U+{:04X} at character {position}, which XML 1.0 cannot carry",
                u32::from(c)
            )));
        }
        crate::envelope::escape_into(self.out, text);
        Ok(())
    }
}

/// The value of field `name` in `values`; nil when it is not there.
fn field_value<'v>(values: &'v [(String, Value)], name: &str) -> &'v Value {
    values
        .iter()
        .find(|(n, _)| n == name)
        .map_or(&Value::Nil, |(_, v)| v)
}

/// The text of a simple value of type `ty`; a list type's items are joined by spaces.
fn simple_text(value: &Value, ty: Ty) -> Result<String, ValueError> {
    match (value, ty) {
        (Value::Text(text), _) => Ok(text.clone()),
        (Value::List(items), Ty::List(_)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::Text(text) => Ok(text.as_str()),
                other => Err(shape("text", other).at(format!("[{i}]"))),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|items| items.join(" ")),
        (other, _) => Err(shape(&expected_text(ty), other)),
    }
}

fn expected_text(ty: Ty) -> String {
    match ty {
        Ty::Simple(b) | Ty::List(b) => format!("text (an xsd:{})", b.xsd_name()),
        Ty::Named(info) => format!("text (a `{}`)", info.rust_name),
        Ty::Any => "text".to_owned(),
    }
}

fn shape(expected: &str, got: &Value) -> ValueError {
    let got = match got {
        Value::Nil => "nil".to_owned(),
        Value::Text(text) => format!("text {}", excerpt(text)),
        Value::Struct(_) => "a struct".to_owned(),
        Value::List(_) => "a list".to_owned(),
    };
    ValueError::new(format!("expected {expected}, got {got}"))
}

/// Whether `name` is an XML element name without a prefix (an NCName): a letter or `_`, then
/// letters, digits, `-`, `_` and `.`.
fn is_xml_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}
