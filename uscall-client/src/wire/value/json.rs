//! JSON ↔ [`Value`] by the declared types, for the command line: arguments given as JSON are
//! checked against their types before anything is sent, and answers are shown as JSON.

use super::scalars::{check, excerpt};
use super::{Value, ValueError};
use crate::meta::{Builtin, FieldInfo, Occurs, Ty, TypeKind};
use serde_json::Value as Json;

/// The [`Value`] of `json` as type `ty`: numbers for numeric types (range-checked), booleans
/// for `xsd:boolean`, strings for the rest (checked lexically), arrays for lists and arrays,
/// objects for structs (unknown keys and missing required fields refused). `null` is nil.
pub fn from_json(json: &Json, ty: Ty) -> Result<Value, ValueError> {
    match (ty, json) {
        (_, Json::Null) => Ok(Value::Nil),
        (Ty::Any, json) => Ok(any(json)),
        (Ty::Simple(builtin), json) => simple(json, builtin).map(Value::Text),
        (Ty::List(builtin), Json::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                simple(item, builtin)
                    .map(Value::Text)
                    .map_err(|e| e.at(format!("[{i}]")))
            })
            .collect::<Result<_, _>>()
            .map(Value::List),
        (Ty::List(builtin), Json::String(text)) => from_json(
            &Json::Array(text.split_whitespace().map(Json::from).collect()),
            Ty::List(builtin),
        ),
        (Ty::List(_), other) => Err(wrong("an array", other)),
        (Ty::Named(info), json) => match info.kind {
            TypeKind::Enum { base, values } => {
                let text = simple(json, base)?;
                if values.contains(&text.as_str()) {
                    Ok(Value::Text(text))
                } else {
                    Err(ValueError::new(format!(
                        "expected one of {} for `{}`, got {}",
                        values.join(", "),
                        info.rust_name,
                        excerpt(&text)
                    )))
                }
            }
            TypeKind::Array { item, .. } => match json {
                Json::Array(items) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| from_json(v, item).map_err(|e| e.at(format!("[{i}]"))))
                    .collect::<Result<_, _>>()
                    .map(Value::List),
                other => Err(wrong("an array", other)),
            },
            TypeKind::Struct(fields) => match json {
                Json::Object(members) => structure(members, fields, info.rust_name),
                other => Err(wrong(&format!("an object (a `{}`)", info.rust_name), other)),
            },
        },
    }
}

/// The value of a part given as command-line text: a simple value (or an enum's) as its text,
/// checked; a list as JSON or its items separated by spaces; a struct or an array (and a part
/// that repeats, `many`) as JSON.
pub fn from_text(text: &str, ty: Ty, many: bool) -> Result<Value, ValueError> {
    let json = || {
        serde_json::from_str::<Json>(text)
            .map_err(|e| ValueError::new(format!("is not JSON ({e}): {}", excerpt(text))))
    };
    if many {
        return match json()? {
            Json::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| from_json(v, ty).map_err(|e| e.at(format!("[{i}]"))))
                .collect::<Result<_, _>>()
                .map(Value::List),
            other => Err(wrong("a JSON array (the part repeats)", &other)),
        };
    }
    match ty {
        Ty::Simple(builtin) => {
            let text = match builtin {
                Builtin::String | Builtin::AnyUri => text,
                _ => text.trim(),
            };
            check(builtin, text)?;
            Ok(Value::Text(text.to_owned()))
        }
        Ty::Named(info) if matches!(info.kind, TypeKind::Enum { .. }) => {
            from_json(&Json::String(text.to_owned()), ty)
        }
        Ty::List(_) if !text.trim_start().starts_with('[') => {
            from_json(&Json::String(text.to_owned()), ty)
        }
        _ => from_json(&json()?, ty),
    }
}

/// The value of one field given in JSON.
pub fn field_from_json(json: &Json, field: &FieldInfo) -> Result<Value, ValueError> {
    match (field.occurs, json) {
        (Occurs::Many, Json::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| from_json(v, field.ty).map_err(|e| e.at(format!("[{i}]"))))
            .collect::<Result<_, _>>()
            .map(Value::List),
        (Occurs::Many, Json::Null) => Ok(Value::List(Vec::new())),
        (Occurs::Many, one) => Ok(Value::List(vec![from_json(one, field.ty)?])),
        (Occurs::One, Json::Null) if !field.nillable => {
            Err(ValueError::new("is required, got null"))
        }
        (_, json) => from_json(json, field.ty),
    }
}

fn structure(
    members: &serde_json::Map<String, Json>,
    fields: &[FieldInfo],
    rust_name: &str,
) -> Result<Value, ValueError> {
    if let Some(unknown) = members
        .keys()
        .find(|key| !fields.iter().any(|f| f.name == *key || f.rust_name == *key))
    {
        let known: Vec<&str> = fields.iter().map(|f| f.name).collect();
        return Err(ValueError::new(format!(
            "`{rust_name}` has no field `{unknown}` (it has: {})",
            known.join(", ")
        )));
    }
    let mut out = Vec::with_capacity(fields.len());
    for field in fields {
        let given = members
            .get(field.name)
            .or_else(|| members.get(field.rust_name));
        match given {
            Some(json) => {
                let value = field_from_json(json, field).map_err(|e| e.at(field.name))?;
                out.push((field.name.to_owned(), value));
            }
            None if field.occurs == Occurs::One => {
                return Err(ValueError::new("missing (it is required)").at(field.name));
            }
            None => {}
        }
    }
    Ok(Value::Struct(out))
}

/// The text of a simple value of `builtin` given in JSON.
fn simple(json: &Json, builtin: Builtin) -> Result<String, ValueError> {
    let numeric = !matches!(
        builtin,
        Builtin::String
            | Builtin::AnyUri
            | Builtin::Boolean
            | Builtin::Date
            | Builtin::DateTime
            | Builtin::Time
            | Builtin::Duration
            | Builtin::Base64Binary
            | Builtin::HexBinary
    );
    let floating = matches!(builtin, Builtin::Float | Builtin::Double | Builtin::Decimal);
    let text = match json {
        Json::Bool(b) if builtin == Builtin::Boolean => b.to_string(),
        Json::Number(n) if numeric => n.to_string(),
        // The float values JSON has no number for, and decimals given exactly.
        Json::String(s) if floating => s.clone(),
        Json::String(s) if !numeric && builtin != Builtin::Boolean => s.clone(),
        other => {
            let expected = match builtin {
                Builtin::Boolean => "true or false".to_owned(),
                _ if numeric => format!("a number (an xsd:{})", builtin.xsd_name()),
                _ => format!("a string (an xsd:{})", builtin.xsd_name()),
            };
            return Err(wrong(&expected, other));
        }
    };
    check(builtin, &text)?;
    Ok(text)
}

/// Any JSON as a [`Value`], for `xsd:anyType`.
fn any(json: &Json) -> Value {
    match json {
        Json::Null => Value::Nil,
        Json::Bool(b) => Value::Text(b.to_string()),
        Json::Number(n) => Value::Text(n.to_string()),
        Json::String(s) => Value::Text(s.clone()),
        Json::Array(items) => Value::List(items.iter().map(any).collect()),
        Json::Object(members) => {
            Value::Struct(members.iter().map(|(k, v)| (k.clone(), any(v))).collect())
        }
    }
}

fn wrong(expected: &str, got: &Json) -> ValueError {
    let got = match got {
        Json::Null => "null".to_owned(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => format!("the string {}", excerpt(s)),
        Json::Array(_) => "an array".to_owned(),
        Json::Object(_) => "an object".to_owned(),
    };
    ValueError::new(format!("expected {expected}, got {got}"))
}

/// `value` of type `ty` as JSON: numbers as numbers (but `NaN`, `INF` and text that is not a
/// number stay strings), booleans as booleans, structs as objects in field order, lists and
/// arrays as arrays, nil as `null`.
pub fn to_json(value: &Value, ty: Ty) -> Json {
    match (value, ty) {
        (Value::Nil, _) => Json::Null,
        (Value::Text(text), Ty::Simple(builtin)) => scalar(text, builtin),
        (Value::Text(text), Ty::Named(info)) => match info.kind {
            TypeKind::Enum { base, .. } => scalar(text, base),
            _ => Json::String(text.clone()),
        },
        (Value::Text(text), _) => Json::String(text.clone()),
        (Value::List(items), ty) => {
            let item = match ty {
                Ty::List(builtin) => Ty::Simple(builtin),
                Ty::Named(info) => match info.kind {
                    TypeKind::Array { item, .. } => item,
                    _ => ty,
                },
                ty => ty,
            };
            Json::Array(items.iter().map(|v| to_json(v, item)).collect())
        }
        (Value::Struct(values), Ty::Named(info)) => match info.kind {
            TypeKind::Struct(fields) => {
                let mut out = serde_json::Map::new();
                for field in fields {
                    if let Some((_, v)) = values.iter().find(|(n, _)| n == field.name) {
                        out.insert(field.name.to_owned(), to_json(v, field.ty));
                    }
                }
                // What the type does not declare is shown too, as it came.
                for (name, v) in values {
                    if !out.contains_key(name) {
                        out.insert(name.clone(), to_json(v, Ty::Any));
                    }
                }
                Json::Object(out)
            }
            _ => to_json(value, Ty::Any),
        },
        (Value::Struct(values), _) => Json::Object(
            values
                .iter()
                .map(|(n, v)| (n.clone(), to_json(v, Ty::Any)))
                .collect(),
        ),
    }
}

/// An operation's answer, read by its declared `outputs` (see [`crate::Client::call_typed`]), as
/// JSON: the one output's value (a repeated one as an array), an object of several, `null` for
/// none.
pub fn answer_to_json(value: &Value, outputs: &[FieldInfo]) -> Json {
    match outputs {
        [] => Json::Null,
        [only] => match (only.occurs, value) {
            (crate::meta::Occurs::Many, Value::List(items)) => {
                Json::Array(items.iter().map(|v| to_json(v, only.ty)).collect())
            }
            _ => to_json(value, only.ty),
        },
        several => fields_to_json(value, several),
    }
}

/// The fields of an answer (or any struct) described by `fields`, as a JSON object.
pub fn fields_to_json(value: &Value, fields: &[FieldInfo]) -> Json {
    let Value::Struct(values) = value else {
        return to_json(value, Ty::Any);
    };
    let mut out = serde_json::Map::new();
    for field in fields {
        if let Some((_, v)) = values.iter().find(|(n, _)| n == field.name) {
            out.insert(field.name.to_owned(), to_json(v, field.ty));
        }
    }
    Json::Object(out)
}

/// A simple value's text as JSON: a number or boolean when it reads as one.
fn scalar(text: &str, builtin: Builtin) -> Json {
    let t = text.trim();
    let number = match builtin {
        Builtin::Boolean => match t {
            "true" | "1" => return Json::Bool(true),
            "false" | "0" => return Json::Bool(false),
            _ => None,
        },
        Builtin::UnsignedLong
        | Builtin::UnsignedInt
        | Builtin::UnsignedShort
        | Builtin::UnsignedByte => t.parse::<u64>().ok().map(Json::from),
        Builtin::Byte | Builtin::Short | Builtin::Int | Builtin::Long | Builtin::Integer => {
            t.parse::<i64>().ok().map(Json::from)
        }
        Builtin::Float | Builtin::Double | Builtin::Decimal => t
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Json::Number),
        _ => None,
    };
    number.unwrap_or_else(|| Json::String(text.to_owned()))
}
