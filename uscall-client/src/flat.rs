//! Rows flattened into named cells, as spreadsheets and tables want them: the members of nested
//! objects as `outer.inner` columns, strings as they are, `null` as an empty cell, numbers,
//! booleans, lists and empty objects as compact JSON; a row that is not an object is one cell
//! named `retorno`.
//!
//! A streamed row ([`RawRow::flat`](crate::typed::RawRow::flat)) is flattened straight from its
//! JSON text, keys and strings borrowed from it where they hold no escape: no
//! `serde_json::Value` is built, which is most of the work of a CSV export.

use crate::redact::{REDACTED, Secrets, is_secret_name};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// One row's cells, in the row's order: column name, then text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FlatRow<'r> {
    cells: Vec<(Cow<'r, str>, Cow<'r, str>)>,
}

impl<'r> FlatRow<'r> {
    /// The cells of a row held as a value (already redacted, as
    /// [`Response::into_redacted_json`](crate::Response::into_redacted_json) gives it).
    pub fn of_value(row: &'r Value) -> FlatRow<'r> {
        let mut flat = FlatRow::default();
        match row {
            Value::Object(map) => flat.value_members("", map),
            other => flat.push(Cow::Borrowed("retorno"), value_cell(other)),
        }
        flat
    }

    fn value_members(&mut self, prefix: &str, map: &'r serde_json::Map<String, Value>) {
        for (k, v) in map {
            let key = joined(prefix, Cow::Borrowed(k.as_str()));
            match v {
                Value::Object(inner) if !inner.is_empty() => self.value_members(&key, inner),
                other => self.push(key, value_cell(other)),
            }
        }
    }

    /// The cells of a row's JSON text, redacted as [`crate::typed::RawRow::to_redacted_value`]
    /// redacts (a secret in a string, the value of a secret-named member).
    pub(crate) fn of_text(text: &'r str, secrets: &Secrets) -> serde_json::Result<FlatRow<'r>> {
        let mut flat = FlatRow::default();
        let mut de = serde_json::Deserializer::from_str(text);
        Node {
            key: None,
            flat: &mut flat,
            secrets,
        }
        .deserialize(&mut de)?;
        de.end()?;
        Ok(flat)
    }

    fn push(&mut self, key: Cow<'r, str>, text: Cow<'r, str>) {
        self.cells.push((key, text));
    }

    /// How many cells.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether the row has no cell (an empty object).
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The column names, in the row's order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.cells.iter().map(|(k, _)| &**k)
    }

    /// Column name and text, in the row's order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.cells.iter().map(|(k, v)| (&**k, &**v))
    }

    /// The text of column `key`; of the last such cell when the row named a member twice (as a
    /// JSON object keeps it).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.cells
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| &**v)
    }

    /// [`FlatRow::get`] for rows whose cells mostly come in the order they are asked for (the
    /// rows of one answer, read in the header's order): looks at `hint` first, and moves it past
    /// what it finds. Gives the first such cell.
    pub fn get_near(&self, key: &str, hint: &mut usize) -> Option<&str> {
        let at = match self.cells.get(*hint) {
            Some((k, _)) if k == key => *hint,
            _ => self.cells.iter().position(|(k, _)| k == key)?,
        };
        *hint = at + 1;
        Some(&self.cells[at].1)
    }

    /// The same cells, owning their text.
    pub fn into_owned(self) -> FlatRow<'static> {
        FlatRow {
            cells: self
                .cells
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k.into_owned()), Cow::Owned(v.into_owned())))
                .collect(),
        }
    }
}

/// A row's cells kept beside its text without borrowing it: each piece the cells borrowed from
/// the text is kept as its place there. A row read into cells once (as the stream checks it)
/// gives them again without a second read.
pub(crate) struct Spans {
    cells: Vec<(Piece, Piece)>,
}

enum Piece {
    /// `text[start..end]`.
    In(usize, usize),
    Own(Box<str>),
}

impl Spans {
    /// The cells of `flat`, read from `text`.
    pub(crate) fn of(flat: FlatRow<'_>, text: &str) -> Spans {
        let piece = |cow: Cow<'_, str>| match cow {
            Cow::Borrowed(part) => {
                // Where `part` lies in `text`, if it is a piece of it (a constant such as
                // `true` or `{}` is not).
                let start = (part.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
                match start.checked_add(part.len()) {
                    Some(end) if end <= text.len() => Piece::In(start, end),
                    _ => Piece::Own(part.into()),
                }
            }
            Cow::Owned(own) => Piece::Own(own.into_boxed_str()),
        };
        Spans {
            cells: flat
                .cells
                .into_iter()
                .map(|(k, v)| (piece(k), piece(v)))
                .collect(),
        }
    }

    /// The cells again, borrowing from `text` (the text they were read from).
    pub(crate) fn flat<'r>(&'r self, text: &'r str) -> FlatRow<'r> {
        let piece = |piece: &'r Piece| -> Cow<'r, str> {
            match piece {
                Piece::In(start, end) => Cow::Borrowed(text.get(*start..*end).unwrap_or_default()),
                Piece::Own(own) => Cow::Borrowed(own),
            }
        };
        FlatRow {
            cells: self
                .cells
                .iter()
                .map(|(k, v)| (piece(k), piece(v)))
                .collect(),
        }
    }
}

fn joined<'r>(prefix: &str, key: Cow<'r, str>) -> Cow<'r, str> {
    if prefix.is_empty() {
        key
    } else {
        Cow::Owned(format!("{prefix}.{key}"))
    }
}

/// The text of a leaf value.
fn value_cell(v: &Value) -> Cow<'_, str> {
    match v {
        Value::String(s) => Cow::Borrowed(s),
        Value::Null => Cow::Borrowed(""),
        other => Cow::Owned(other.to_string()),
    }
}

/// A value of a row's text to flatten under `key` (`None`: the row itself).
struct Node<'a, 'r> {
    key: Option<Cow<'r, str>>,
    flat: &'a mut FlatRow<'r>,
    secrets: &'a Secrets,
}

impl<'r> Node<'_, 'r> {
    fn leaf<E>(self, text: Cow<'r, str>) -> Result<(), E> {
        self.flat
            .push(self.key.unwrap_or(Cow::Borrowed("retorno")), text);
        Ok(())
    }
}

impl<'r> DeserializeSeed<'r> for Node<'_, 'r> {
    type Value = ();

    fn deserialize<D: Deserializer<'r>>(self, de: D) -> Result<(), D::Error> {
        de.deserialize_any(self)
    }
}

impl<'r> Visitor<'r> for Node<'_, 'r> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_borrowed_str<E>(self, s: &'r str) -> Result<(), E> {
        let text = self.secrets.redact(s);
        self.leaf(text)
    }

    fn visit_str<E>(self, s: &str) -> Result<(), E> {
        let text = Cow::Owned(self.secrets.redact(s).into_owned());
        self.leaf(text)
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        self.leaf(Cow::Borrowed(""))
    }

    fn visit_bool<E>(self, b: bool) -> Result<(), E> {
        self.leaf(Cow::Borrowed(if b { "true" } else { "false" }))
    }

    fn visit_u64<E>(self, n: u64) -> Result<(), E> {
        self.leaf(Cow::Owned(n.to_string()))
    }

    fn visit_i64<E>(self, n: i64) -> Result<(), E> {
        self.leaf(Cow::Owned(n.to_string()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<(), E> {
        let text = serde_json::Number::from_f64(n).map_or_else(|| "null".into(), |n| n.to_string());
        self.leaf(Cow::Owned(text))
    }

    /// A list: one cell of compact JSON, its strings redacted.
    fn visit_seq<A: SeqAccess<'r>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Value>()? {
            items.push(item);
        }
        let mut list = Value::Array(items);
        crate::answer::redact_value(&mut list, self.secrets);
        let text = Cow::Owned(list.to_string());
        self.leaf(text)
    }

    /// An object: its members, each under `key.member` (the row's own under `member`); an
    /// empty one inside a row is a cell of `{}`.
    fn visit_map<A: MapAccess<'r>>(self, mut map: A) -> Result<(), A::Error> {
        let Node { key, flat, secrets } = self;
        let prefix = key.as_deref().unwrap_or("");
        let mut members = 0;
        while let Some(name) = map.next_key_seed(KeyText)? {
            members += 1;
            let secret = is_secret_name(&name);
            let full = joined(prefix, name);
            if secret {
                let value: Value = map.next_value()?;
                let blank = value.is_null() || value.as_str().is_some_and(str::is_empty);
                let text = if blank { "" } else { REDACTED };
                flat.push(full, Cow::Borrowed(text));
            } else {
                map.next_value_seed(Node {
                    key: Some(full),
                    flat,
                    secrets,
                })?;
            }
        }
        if members == 0 && key.is_some() {
            flat.push(key.unwrap_or_default(), Cow::Borrowed("{}"));
        }
        Ok(())
    }
}

/// A member name, borrowed from the text when it holds no escape.
struct KeyText;

impl<'r> DeserializeSeed<'r> for KeyText {
    type Value = Cow<'r, str>;

    fn deserialize<D: Deserializer<'r>>(self, de: D) -> Result<Cow<'r, str>, D::Error> {
        de.deserialize_str(self)
    }
}

impl<'r> Visitor<'r> for KeyText {
    type Value = Cow<'r, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    fn visit_borrowed_str<E>(self, s: &'r str) -> Result<Cow<'r, str>, E> {
        Ok(Cow::Borrowed(s))
    }

    fn visit_str<E>(self, s: &str) -> Result<Cow<'r, str>, E> {
        Ok(Cow::Owned(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The text path and the value path agree on `row`, redaction included.
    fn agree(row: &Value, secrets: &Secrets) -> FlatRow<'static> {
        let text = row.to_string();
        let from_text = FlatRow::of_text(&text, secrets).unwrap().into_owned();
        let mut redacted = row.clone();
        crate::answer::redact_value(&mut redacted, secrets);
        let from_value = FlatRow::of_value(&redacted).into_owned();
        assert_eq!(from_text, from_value, "{row}");
        from_text
    }

    #[test]
    fn the_text_and_the_value_give_the_same_cells() {
        let none = Secrets::new(Vec::<&str>::new());
        let flat = agree(
            &json!({"num": "0119", "n": 12, "neg": -3, "f": 1.5, "big": 1e300, "ok": true,
                    "nada": null, "filas": ["900", {"x": 1}], "vazio": {}, "x": {"a": "b", "c": {"d": 2}},
                    "esc": "a\"b\\c\u{e9}\n", "s\u{e9}": "k"}),
            &none,
        );
        let cells: Vec<(&str, &str)> = flat.iter().collect();
        assert_eq!(
            cells,
            [
                ("num", "0119"),
                ("n", "12"),
                ("neg", "-3"),
                ("f", "1.5"),
                ("big", "1e+300"),
                ("ok", "true"),
                ("nada", ""),
                ("filas", r#"["900",{"x":1}]"#),
                ("vazio", "{}"),
                ("x.a", "b"),
                ("x.c.d", "2"),
                ("esc", "a\"b\\c\u{e9}\n"),
                ("s\u{e9}", "k"),
            ]
        );
        for scalar in [json!("só"), json!(7), json!(null), json!([1, "a"])] {
            agree(&scalar, &none);
        }
        assert!(agree(&json!({}), &none).is_empty());
    }

    #[test]
    fn secrets_are_redacted_in_strings_lists_and_secret_named_members() {
        let secrets = Secrets::new(["tok123"]);
        let flat = agree(
            &json!({"eco": "was tok123", "lista": ["tok123"], "senha": "s3cret",
                    "token": {"a": "b"}, "Password": "", "passwd": null,
                    "escaped": "tok\u{31}23"}),
            &secrets,
        );
        let text = format!("{flat:?}");
        assert!(
            !text.contains("tok123") && !text.contains("s3cret"),
            "{text}"
        );
        assert_eq!(flat.get("senha"), Some(REDACTED));
        assert_eq!(flat.get("token"), Some(REDACTED));
        assert_eq!(flat.get("Password"), Some(""));
        assert_eq!(flat.get("passwd"), Some(""));
    }

    #[test]
    fn a_member_named_twice_reads_as_json_keeps_it() {
        let flat = FlatRow::of_text(r#"{"a":"1","a":"2"}"#, &Secrets::new(["t"])).unwrap();
        assert_eq!(flat.get("a"), Some("2"));
        let mut hint = 0;
        assert_eq!(flat.get_near("a", &mut hint), Some("1"));
    }

    #[test]
    fn strings_without_escapes_are_borrowed() {
        let text = r#"{"num":"0119","x":{"a":"b"}}"#;
        let flat = FlatRow::of_text(text, &Secrets::new(["zzzzzz"])).unwrap();
        assert!(
            flat.cells
                .iter()
                .all(|(_, v)| matches!(v, Cow::Borrowed(_)))
        );
        assert!(matches!(flat.cells[0].0, Cow::Borrowed(_)));
    }

    #[test]
    fn kept_as_places_the_cells_come_back_the_same() {
        let text = r#"{"num":"0119","esc":"a\"b","ok":true,"nada":null,"x":{"a":"b"},"l":[1]}"#;
        let secrets = Secrets::new(["zzzzzz"]);
        let flat = FlatRow::of_text(text, &secrets).unwrap();
        let spans = Spans::of(flat.clone(), text);
        assert_eq!(spans.flat(text), flat);
        assert!(matches!(spans.cells[0].1, Piece::In(..)));
        assert!(matches!(spans.cells[1].1, Piece::Own(_)));
    }

    #[test]
    fn broken_text_is_an_error() {
        let secrets = Secrets::new(["t"]);
        for text in [r#"{"a":"#, r#"{"a":1} x"#, "", r#"{"a":[1,}"#] {
            assert!(FlatRow::of_text(text, &secrets).is_err(), "{text}");
        }
    }
}
