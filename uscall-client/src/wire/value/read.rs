//! Reads [`Value`]s out of an answer's element tree by their declared types, as tolerantly as
//! PHP SoapClient and zeep do: fields in any order and any namespace, unknown elements ignored.

use super::tree::Element;
use super::{Value, ValueError};
use crate::meta::{FieldForm, FieldInfo, Occurs, Ty, TypeKind};

const XSD: [&str; 3] = [
    "http://www.w3.org/2001/XMLSchema",
    "http://www.w3.org/2000/10/XMLSchema",
    "http://www.w3.org/1999/XMLSchema",
];
const SOAP_ENC: [&str; 2] = [
    "http://schemas.xmlsoap.org/soap/encoding/",
    "http://www.w3.org/2003/05/soap-encoding",
];

/// The value of `element` read as `ty`; `xsi:nil` makes it [`Value::Nil`].
pub fn read(element: &Element, ty: Ty) -> Result<Value, ValueError> {
    if element.is_nil() {
        return Ok(Value::Nil);
    }
    Ok(match ty {
        Ty::Simple(_) => Value::Text(element.text.clone()),
        Ty::List(_) => list(&element.text),
        Ty::Any => any(element),
        Ty::Named(info) => match info.kind {
            TypeKind::Enum { .. } => Value::Text(element.text.clone()),
            TypeKind::Array { item, .. } => Value::List(
                element
                    .children
                    .iter()
                    .enumerate()
                    .map(|(i, child)| read(child, item).map_err(|e| e.at(format!("[{i}]"))))
                    .collect::<Result<_, _>>()?,
            ),
            TypeKind::Struct(fields) => structure(element, fields)?,
        },
    })
}

/// An `xsd:list`: its items, split on XML whitespace.
fn list(text: &str) -> Value {
    Value::List(
        text.split([' ', '\t', '\n', '\r'])
            .filter(|item| !item.is_empty())
            .map(|item| Value::Text(item.to_owned()))
            .collect(),
    )
}

/// A simple value held in text (an attribute or simple content) read as `ty`.
fn text_as(text: &str, ty: Ty) -> Value {
    match ty {
        Ty::List(_) => list(text),
        _ => Value::Text(text.to_owned()),
    }
}

/// A struct's declared fields found in `element`; undeclared elements are ignored, and absent
/// fields are left out (the Rust type decides whether that is allowed).
fn structure(element: &Element, fields: &[FieldInfo]) -> Result<Value, ValueError> {
    let mut out = Vec::with_capacity(fields.len());
    for field in fields {
        let value = match field.form {
            FieldForm::Attribute => element
                .attribute(field.name, None)
                .map(|text| text_as(text, field.ty)),
            FieldForm::Text => Some(text_as(&element.text, field.ty)),
            FieldForm::Element => occurrences(element, field)?,
        };
        if let Some(value) = value {
            out.push((field.name.to_owned(), value));
        }
    }
    Ok(Value::Struct(out))
}

/// The element field `field` among `parent`'s children: a list of every occurrence when it
/// repeats, else its first occurrence, or `None` when it is not there.
fn occurrences(parent: &Element, field: &FieldInfo) -> Result<Option<Value>, ValueError> {
    let at = |e: ValueError| e.at(field.name);
    if field.occurs == Occurs::Many {
        let items = parent
            .children_named(field.name)
            .enumerate()
            .map(|(i, child)| read(child, field.ty).map_err(|e| at(e.at(format!("[{i}]")))))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(Some(Value::List(items)));
    }
    parent
        .children_named(field.name)
        .next()
        .map(|child| read(child, field.ty).map_err(at))
        .transpose()
}

/// `xsd:anyType`: by `xsi:type` when it names a built-in (text) or a SOAP-encoded array (a
/// list), else a struct of the children (a repeated name becomes a list), else the text.
fn any(element: &Element) -> Value {
    if let Some((Some(ns), local)) = element.xsi_type() {
        if XSD.contains(&ns) {
            return Value::Text(element.text.clone());
        }
        if SOAP_ENC.contains(&ns) && local == "Array" {
            return Value::List(element.children.iter().map(any_or_nil).collect());
        }
    }
    if element.children.is_empty() {
        return Value::Text(element.text.clone());
    }
    let mut fields: Vec<(String, Value)> = Vec::new();
    for child in &element.children {
        let value = any_or_nil(child);
        match fields.iter_mut().find(|(name, _)| *name == child.name) {
            Some((_, Value::List(items))) => items.push(value),
            Some((_, first)) => {
                let first = std::mem::replace(first, Value::Nil);
                if let Some((_, slot)) = fields.iter_mut().find(|(name, _)| *name == child.name) {
                    *slot = Value::List(vec![first, value]);
                }
            }
            None => fields.push((child.name.clone(), value)),
        }
    }
    Value::Struct(fields)
}

fn any_or_nil(element: &Element) -> Value {
    if element.is_nil() {
        Value::Nil
    } else {
        any(element)
    }
}

/// The answer of an operation whose response element is `response` and whose output parts (or
/// response wrapper fields) are `outputs`: the single output's value when there is one (the
/// response's only or first child when none has its name, as Axis writes `<addReturn>` for
/// part `return`), else a struct of the outputs found, by name (empty for no outputs).
pub fn read_answer(response: &Element, outputs: &[FieldInfo]) -> Result<Value, ValueError> {
    match outputs {
        [] => Ok(Value::Struct(Vec::new())),
        // document/literal bare: the response element is the value.
        [only] if only.form == FieldForm::Text => read(response, only.ty),
        [only] => match occurrences(response, only)? {
            Some(Value::List(items)) if items.is_empty() && only.occurs == Occurs::Many => {
                match response.children.first() {
                    Some(first) => read_many_fallback(response, first, only),
                    None => Ok(Value::List(items)),
                }
            }
            Some(value) => Ok(value),
            None => match response.children.first() {
                Some(first) => read(first, only.ty).map_err(|e| e.at(only.name)),
                None => Ok(Value::Nil),
            },
        },
        _ => structure(response, outputs),
    }
}

/// A repeated single output none of whose elements has its name: every child with the first
/// child's name.
fn read_many_fallback(
    response: &Element,
    first: &Element,
    only: &FieldInfo,
) -> Result<Value, ValueError> {
    let items = response
        .children_named(&first.name)
        .enumerate()
        .map(|(i, child)| read(child, only.ty).map_err(|e| e.at(format!("[{i}]")).at(only.name)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Value::List(items))
}
