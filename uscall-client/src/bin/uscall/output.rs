//! Output formats of the command line: json, jsonl, csv and table, from the service's JSON.
//!
//! `json` and `jsonl` print the service's data losslessly, every key included. `csv` and `table`
//! put the typed model's columns first (in the vendor document's order), then any key no model
//! knows, so nothing is dropped; values are written as the PBX wrote them.

use serde_json::{Map, Value};
use std::io::{self, Write};

/// The `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The whole answer, pretty-printed.
    Json,
    /// One JSON row per line.
    Jsonl,
    /// Comma-separated values with a header line.
    Csv,
    /// An aligned text table.
    Table,
}

/// The rows of an answer: list items, or the values of an object keyed by id (the key is kept
/// as `_key` when the row does not already hold it), or the single record or message.
pub fn rows_of(json: &Value) -> Vec<Value> {
    let retorno = json.get("retorno").unwrap_or(json);
    match retorno {
        Value::Array(items) => items.clone(),
        Value::Object(map) if !map.is_empty() && map.values().all(Value::is_object) => map
            .iter()
            .map(|(key, row)| {
                let holds_key = row
                    .as_object()
                    .is_some_and(|o| o.values().any(|v| v.as_str() == Some(key)));
                if holds_key {
                    row.clone()
                } else {
                    let mut with_key = Map::new();
                    with_key.insert("_key".into(), Value::String(key.clone()));
                    with_key.extend(row.as_object().cloned().unwrap_or_default());
                    Value::Object(with_key)
                }
            })
            .collect(),
        Value::Object(map) if map.is_empty() => Vec::new(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

/// Writes rows in a streaming format: one line each, as they arrive.
pub struct Writer<W: Write> {
    format: Format,
    columns: Option<Vec<String>>,
    model: Option<&'static [&'static str]>,
    csv: Option<csv::Writer<W>>,
    out: Option<W>,
}

impl<W: Write> Writer<W> {
    /// A writer for `format` (jsonl or csv), with the model's columns when the operation has one.
    pub fn new(format: Format, model: Option<&'static [&'static str]>, out: W) -> Writer<W> {
        let (csv, out) = match format {
            Format::Csv => (Some(csv::Writer::from_writer(out)), None),
            _ => (None, Some(out)),
        };
        Writer {
            format,
            columns: None,
            model,
            csv,
            out,
        }
    }

    /// Writes a batch of rows. For CSV the header comes from the first batch: the model's
    /// columns, then the keys it has that the model does not know.
    pub fn rows(&mut self, rows: &[Value]) -> io::Result<()> {
        match self.format {
            Format::Jsonl => {
                let out = self.out.as_mut().expect("jsonl writes to out");
                for row in rows {
                    serde_json::to_writer(&mut *out, row)?;
                    out.write_all(b"\n")?;
                }
                out.flush()
            }
            Format::Csv => {
                if self.columns.is_none() {
                    let cols = columns(self.model, rows);
                    self.csv.as_mut().expect("csv").write_record(&cols)?;
                    self.columns = Some(cols);
                }
                let cols = self.columns.as_ref().expect("set above");
                let csv = self.csv.as_mut().expect("csv");
                for row in rows {
                    let flat = flatten(row);
                    let extra: Vec<&String> = flat.keys().filter(|k| !cols.contains(k)).collect();
                    if !extra.is_empty() {
                        // The header is written; a key first seen later would be lost silently.
                        return Err(io::Error::other(format!(
                            "a later row has keys the CSV header lacks: {}; use --format jsonl",
                            extra
                                .iter()
                                .map(|s| s.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        )));
                    }
                    csv.write_record(cols.iter().map(|c| flat.get(c).map_or("", String::as_str)))?;
                }
                csv.flush()
            }
            Format::Json | Format::Table => unreachable!("not a streaming format"),
        }
    }
}

/// Prints a whole answer in `format`.
pub fn print(
    format: Format,
    model: Option<&'static [&'static str]>,
    json: &Value,
    out: &mut impl Write,
) -> io::Result<()> {
    match format {
        Format::Json => writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(json).expect("JSON serialises")
        ),
        Format::Jsonl | Format::Csv => Writer::new(format, model, out).rows(&rows_of(json)),
        Format::Table => {
            let rows = rows_of(json);
            let cols = columns(model, &rows);
            let mut table = comfy_table::Table::new();
            table.load_preset(comfy_table::presets::NOTHING);
            table.set_header(&cols);
            for row in &rows {
                let flat = flatten(row);
                table.add_row(
                    cols.iter()
                        .map(|c| flat.get(c).cloned().unwrap_or_default()),
                );
            }
            writeln!(
                out,
                "{}",
                table
                    .to_string()
                    .lines()
                    .map(str::trim_end)
                    .collect::<Vec<_>>()
                    .join("\n")
            )
        }
    }
}

/// The model's columns, then the other keys in order of first appearance.
fn columns(model: Option<&'static [&'static str]>, rows: &[Value]) -> Vec<String> {
    let mut cols: Vec<String> = model
        .unwrap_or_default()
        .iter()
        .map(|c| (*c).to_owned())
        .collect();
    for row in rows {
        for key in flatten(row).keys() {
            if !cols.contains(key) {
                cols.push(key.clone());
            }
        }
    }
    if cols.is_empty() && !rows.is_empty() {
        cols.push("retorno".into());
    }
    cols
}

/// A row as column → text: nested objects become `parent.child` columns, lists stay compact
/// JSON in one cell, strings are written as they are, `null` as an empty cell.
fn flatten(row: &Value) -> indexmap_like::Flat {
    let mut flat = indexmap_like::Flat::default();
    match row {
        Value::Object(map) => flatten_into(&mut flat, "", map),
        other => flat.insert("retorno".into(), cell(other)),
    }
    flat
}

fn flatten_into(flat: &mut indexmap_like::Flat, prefix: &str, map: &Map<String, Value>) {
    for (k, v) in map {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::Object(inner) if !inner.is_empty() => flatten_into(flat, &key, inner),
            other => flat.insert(key, cell(other)),
        }
    }
}

fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// An insertion-ordered string map (serde_json's `preserve_order` map would do, but its values
/// are JSON; this keeps the flattened text).
mod indexmap_like {
    #[derive(Default)]
    pub struct Flat(Vec<(String, String)>);

    impl Flat {
        pub fn insert(&mut self, k: String, v: String) {
            self.0.push((k, v));
        }
        pub fn get(&self, k: &str) -> Option<&String> {
            self.0.iter().find(|(key, _)| key == k).map(|(_, v)| v)
        }
        pub fn keys(&self) -> impl Iterator<Item = &String> {
            self.0.iter().map(|(k, _)| k)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(format: Format, model: Option<&'static [&'static str]>, json: &Value) -> String {
        let mut out = Vec::new();
        print(format, model, json, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_puts_model_columns_first_and_keeps_unknown_keys() {
        let json = json!({"retorno": [{"nome": "Ana", "num": "0119", "novo": 1, "filas": ["900"], "x": {"a": "b"}}]});
        let csv = render(Format::Csv, Some(&["num", "nome", "tipo"]), &json);
        assert_eq!(
            csv,
            "num,nome,tipo,novo,filas,x.a\n0119,Ana,,1,\"[\"\"900\"\"]\",b\n"
        );
    }

    #[test]
    fn keyed_objects_become_rows_and_keep_their_key() {
        let json = json!({"retorno": {"0119": {"ramal": "0119"}, "k2": {"status": "ok"}}});
        let jsonl = render(Format::Jsonl, None, &json);
        assert_eq!(
            jsonl,
            "{\"ramal\":\"0119\"}\n{\"_key\":\"k2\",\"status\":\"ok\"}\n"
        );
    }

    #[test]
    fn tables_align_columns() {
        let json = json!({"retorno": [{"num": "1", "nome": "Ana"}, {"num": "22", "nome": "Bo"}]});
        let table = render(Format::Table, None, &json);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].find("nome"), lines[1].find("Ana"));
    }

    #[test]
    fn a_csv_key_first_seen_in_a_later_batch_is_an_error_not_a_loss() {
        let mut out = Vec::new();
        let mut w = Writer::new(Format::Csv, None, &mut out);
        w.rows(&[json!({"a": "1"})]).unwrap();
        let err = w.rows(&[json!({"a": "2", "b": "3"})]).unwrap_err();
        assert!(err.to_string().contains("b"), "{err}");
    }
}
