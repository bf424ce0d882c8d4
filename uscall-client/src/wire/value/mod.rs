//! Values of the WSDL's own types: the dynamic [`Value`] every typed part goes through, and the
//! [`SoapValue`] trait that generated structs, enums and the built-in types implement.
//!
//! A typed call goes Rust value → [`Value`] → XML (by the part's [`crate::meta::Ty`]) on the way
//! out, and XML → [`Value`] → Rust value on the way back. The command line goes JSON ↔ [`Value`]
//! by the same descriptors, so that every operation of any WSDL can be called without its Rust
//! types.

use std::fmt;

pub mod json;
pub mod read;
mod scalars;
#[cfg(test)]
mod tests;
pub mod tree;
pub mod write;

pub use scalars::{Base64Binary, DateTime, Duration, HexBinary};

/// A value as the wire holds it: text, nil, a struct of named values or a list. Simple values
/// are kept as their lexical text; the Rust type they become checks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `xsi:nil="true"`, or an empty optional.
    Nil,
    /// The text of a simple value, as written (after XML unescaping).
    Text(String),
    /// A struct's fields (elements, attributes, text), in the order read or written.
    Struct(Vec<(String, Value)>),
    /// An array's items, or the occurrences of a repeated field.
    List(Vec<Value>),
}

/// Why a [`Value`] is not the Rust value asked for, with where it is (`person.address.zip`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    path: Vec<String>,
    message: String,
}

impl ValueError {
    /// An error at the value itself.
    pub fn new(message: impl Into<String>) -> ValueError {
        ValueError {
            path: Vec::new(),
            message: message.into(),
        }
    }

    /// The same error, one level down in `name` (a field or `[index]`).
    #[must_use]
    pub fn at(mut self, name: impl Into<String>) -> ValueError {
        self.path.insert(0, name.into());
        self
    }

    /// Where the error is, as `a.b[2].c`; empty at the top.
    pub fn path(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            if !out.is_empty() && !step.starts_with('[') {
                out.push('.');
            }
            out.push_str(step);
        }
        out
    }

    /// What is wrong, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "`{}`: {}", self.path(), self.message)
        }
    }
}

impl std::error::Error for ValueError {}

/// A Rust value that a typed part, field or answer holds: built-in types, `Option`, `Vec`,
/// `Box`, [`Value`] itself (`xsd:anyType`), and the generated structs and enums.
pub trait SoapValue: Sized {
    /// The value as the wire holds it.
    fn to_value(&self) -> Value;
    /// The Rust value of what the wire held.
    fn from_value(value: Value) -> Result<Self, ValueError>;
    /// What an element that is not there at all stands for: `None` for `Option`, an empty `Vec`;
    /// `None` here (the default) makes its absence an error.
    fn absent() -> Option<Self> {
        None
    }
}

/// A struct's fields, taken one by one by the generated `from_value`; the rest (elements the
/// schema does not know) is ignored.
#[derive(Debug)]
pub struct Fields {
    fields: Vec<(String, Value)>,
}

impl Fields {
    /// The fields of a [`Value::Struct`]; `what` names the type for the error otherwise. A
    /// [`Value::Text`] that is blank is a struct with no fields (an empty element).
    pub fn new(value: Value, what: &str) -> Result<Fields, ValueError> {
        match value {
            Value::Struct(fields) => Ok(Fields { fields }),
            Value::Text(text) if text.trim().is_empty() => Ok(Fields { fields: Vec::new() }),
            Value::Nil => Err(ValueError::new(format!("a `{what}` is required, got nil"))),
            Value::Text(_) => Err(ValueError::new(format!("a `{what}` has fields, got text"))),
            Value::List(_) => Err(ValueError::new(format!(
                "a `{what}` has fields, got a list"
            ))),
        }
    }

    /// Takes the field named `name` (its first occurrence) as a `T`.
    pub fn take<T: SoapValue>(&mut self, name: &str) -> Result<T, ValueError> {
        match self.fields.iter().position(|(n, _)| n == name) {
            Some(index) => {
                let (_, value) = self.fields.swap_remove(index);
                T::from_value(value).map_err(|e| e.at(name))
            }
            None => T::absent().ok_or_else(|| ValueError::new("missing").at(name)),
        }
    }
}

/// A struct's value from its fields, in order: what the generated `to_value` returns.
pub fn fields<const N: usize>(fields: [(&str, Value); N]) -> Value {
    Value::Struct(
        fields
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect(),
    )
}

impl SoapValue for Value {
    fn to_value(&self) -> Value {
        self.clone()
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        Ok(value)
    }
    fn absent() -> Option<Self> {
        Some(Value::Nil)
    }
}

impl<T: SoapValue> SoapValue for Option<T> {
    fn to_value(&self) -> Value {
        self.as_ref().map_or(Value::Nil, T::to_value)
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::Nil => Ok(None),
            value => T::from_value(value).map(Some),
        }
    }
    fn absent() -> Option<Self> {
        Some(None)
    }
}

impl<T: SoapValue> SoapValue for Vec<T> {
    fn to_value(&self) -> Value {
        Value::List(self.iter().map(T::to_value).collect())
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        match value {
            Value::List(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| T::from_value(item).map_err(|e| e.at(format!("[{i}]"))))
                .collect(),
            Value::Nil => Ok(Vec::new()),
            Value::Text(text) if text.trim().is_empty() => Ok(Vec::new()),
            // One occurrence of a repeated element, read without its descriptor.
            value => T::from_value(value).map(|item| vec![item]),
        }
    }
    fn absent() -> Option<Self> {
        Some(Vec::new())
    }
}

impl<T: SoapValue> SoapValue for Box<T> {
    fn to_value(&self) -> Value {
        T::to_value(self)
    }
    fn from_value(value: Value) -> Result<Self, ValueError> {
        T::from_value(value).map(Box::new)
    }
    fn absent() -> Option<Self> {
        T::absent().map(Box::new)
    }
}
