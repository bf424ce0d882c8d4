//! Output formats of the command line: json, jsonl, csv and table, from the service's JSON.
//!
//! `json` and `jsonl` print the service's data losslessly, every key included. `csv` and `table`
//! put the typed model's columns first (in the vendor document's order), then any key no model
//! knows, so nothing is dropped; values are written as the PBX wrote them, except that control
//! characters are escaped (see [`crate::sanitize`]) and CSV cells a spreadsheet would run as a
//! formula are neutralised unless `--csv-verbatim` asks otherwise.

use crate::sanitize::{self, Formulas};
use serde_json::{Map, Value};
use std::io::{self, Write};
use uscall_client::flat::FlatRow;

/// Whether `--format json` (or `USCALL_FORMAT=json`) was asked for, rather than defaulted: for
/// commands whose own output is text unless JSON is asked for (`uscall doctor`).
pub(crate) fn explicit_json(global: &clap::ArgMatches) -> bool {
    global.value_source("format") != Some(clap::parser::ValueSource::DefaultValue)
        && global.get_one::<Format>("format") == Some(&Format::Json)
}

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

/// Rows a CSV header is taken from when rows come one at a time: a key first seen in them gets
/// a column; one first seen later is an error (never a silent loss).
const HEADER_ROWS: usize = 1000;

/// Writes rows in a streaming format: one line each, as they arrive.
pub struct Writer<W: Write> {
    format: Format,
    columns: Option<Vec<String>>,
    model: Option<&'static [&'static str]>,
    formulas: Formulas,
    csv: Option<csv::Writer<W>>,
    out: Option<W>,
    /// CSV rows held until the header is known.
    pending: Vec<FlatRow<'static>>,
}

impl<W: Write> Writer<W> {
    /// A writer for `format` (jsonl or csv), with the model's columns when the operation has one.
    pub fn new(
        format: Format,
        model: Option<&'static [&'static str]>,
        formulas: Formulas,
        out: W,
    ) -> Writer<W> {
        let (csv, out) = match format {
            Format::Csv => (Some(csv::Writer::from_writer(out)), None),
            _ => (None, Some(out)),
        };
        Writer {
            format,
            columns: None,
            model,
            formulas,
            csv,
            out,
            pending: Vec::new(),
        }
    }

    /// Writes a batch of rows. For CSV the header comes from the first batch: the model's
    /// columns, then the keys it has that the model does not know.
    pub fn rows(&mut self, rows: &[Value]) -> io::Result<()> {
        match self.format {
            Format::Csv => {
                let flats: Vec<FlatRow<'_>> = rows.iter().map(FlatRow::of_value).collect();
                self.header(&flats)?;
                flats.iter().try_for_each(|flat| self.write_flat(flat))?;
            }
            _ => rows.iter().try_for_each(|row| self.write_jsonl(row))?,
        }
        self.flush()
    }

    /// Writes one CSV row of rows that come one at a time; the header comes from the first
    /// thousand. Call [`Writer::finish`] after the last.
    pub fn flat(&mut self, row: FlatRow<'_>) -> io::Result<()> {
        if self.columns.is_none() {
            self.pending.push(row.into_owned());
            if self.pending.len() < HEADER_ROWS {
                return Ok(());
            }
            return self.release();
        }
        self.write_flat(&row)
    }

    /// After the last [`Writer::flat`]: writes what is held, and flushes.
    pub fn finish(&mut self) -> io::Result<()> {
        self.release()?;
        self.flush()
    }

    fn release(&mut self) -> io::Result<()> {
        let pending = std::mem::take(&mut self.pending);
        self.header(&pending)?;
        pending.iter().try_for_each(|row| self.write_flat(row))
    }

    /// The CSV header, once: the model's columns, then the keys of `rows` it does not know.
    fn header(&mut self, rows: &[FlatRow<'_>]) -> io::Result<()> {
        if self.format == Format::Csv && self.columns.is_none() {
            let cols = columns(self.model, rows);
            let header = cols.iter().map(|c| c.as_str());
            csv_record(self.csv.as_mut().expect("csv"), self.formulas, header)?;
            self.columns = Some(cols);
        }
        Ok(())
    }

    fn write_jsonl(&mut self, row: &Value) -> io::Result<()> {
        let out = self.out.as_mut().expect("jsonl writes to out");
        sanitize::write_json(&mut *out, row, false)?;
        out.write_all(b"\n")
    }

    fn write_flat(&mut self, flat: &FlatRow<'_>) -> io::Result<()> {
        let cols = self.columns.as_ref().expect("the header is written first");
        let csv = self.csv.as_mut().expect("csv");
        let (mut hint, mut found) = (0, 0);
        let mut cells: Vec<&str> = cols
            .iter()
            .map(|c| {
                let cell = flat.get_near(c, &mut hint);
                found += usize::from(cell.is_some());
                cell.unwrap_or("")
            })
            .collect();
        if found < flat.len() {
            let extra: Vec<&str> = flat
                .keys()
                .filter(|k| !cols.iter().any(|c| c == k))
                .collect();
            if !extra.is_empty() {
                // The header is written; a key first seen later would be lost silently.
                return Err(io::Error::other(format!(
                    "a later row has keys the CSV header lacks: {}; use --format jsonl",
                    extra
                        .iter()
                        .map(|s| sanitize::for_terminal(s))
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            // A member named twice: the last one, as a JSON object keeps it.
            cells = cols.iter().map(|c| flat.get(c).unwrap_or("")).collect();
        }
        Ok(csv_record(csv, self.formulas, cells.into_iter())?)
    }

    fn flush(&mut self) -> io::Result<()> {
        match (&mut self.csv, &mut self.out) {
            (Some(csv), _) => csv.flush(),
            (None, Some(out)) => out.flush(),
            (None, None) => Ok(()),
        }
    }
}

/// Writes one CSV record, each cell made safe for a spreadsheet and a terminal.
fn csv_record<'a, W: Write>(
    csv: &mut csv::Writer<W>,
    formulas: Formulas,
    cells: impl Iterator<Item = &'a str>,
) -> csv::Result<()> {
    for cell in cells {
        csv.write_field(sanitize::csv_cell(cell, formulas).as_bytes())?;
    }
    csv.write_record(None::<&[u8]>)
}

/// Prints a whole answer in `format`.
pub fn print(
    format: Format,
    model: Option<&'static [&'static str]>,
    formulas: Formulas,
    json: &Value,
    out: &mut impl Write,
) -> io::Result<()> {
    match format {
        Format::Json => {
            sanitize::write_json(&mut *out, json, true)?;
            writeln!(out)
        }
        Format::Jsonl | Format::Csv => {
            Writer::new(format, model, formulas, out).rows(&rows_of(json))
        }
        Format::Table => {
            let rows = rows_of(json);
            let flats: Vec<FlatRow<'_>> = rows.iter().map(FlatRow::of_value).collect();
            print_table(model, &flats, out)
        }
    }
}

/// Prints rows as an aligned text table, the model's columns first (see [`crate::table`]).
pub fn print_table(
    model: Option<&'static [&'static str]>,
    rows: &[FlatRow<'_>],
    out: &mut impl Write,
) -> io::Result<()> {
    let mut table = crate::table::Table::new(model);
    rows.iter().for_each(|row| table.push(row));
    table.write(out)
}

/// The model's columns, then the other keys in order of first appearance.
fn columns(model: Option<&'static [&'static str]>, rows: &[FlatRow<'_>]) -> Vec<String> {
    let mut cols: Vec<String> = model
        .unwrap_or_default()
        .iter()
        .map(|c| (*c).to_owned())
        .collect();
    for row in rows {
        for key in row.keys() {
            if !cols.iter().any(|c| c == key) {
                cols.push(key.to_owned());
            }
        }
    }
    if cols.is_empty() && !rows.is_empty() {
        cols.push("retorno".into());
    }
    cols
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(format: Format, model: Option<&'static [&'static str]>, json: &Value) -> String {
        let mut out = Vec::new();
        print(format, model, Formulas::Neutralise, json, &mut out).unwrap();
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
        let mut w = Writer::new(Format::Csv, None, Formulas::Neutralise, &mut out);
        w.rows(&[json!({"a": "1"})]).unwrap();
        let err = w.rows(&[json!({"a": "2", "b": "3"})]).unwrap_err();
        assert!(err.to_string().contains("b"), "{err}");
    }

    /// An answer whose cells and keys hold terminal escapes and spreadsheet formulas.
    fn hostile() -> Value {
        json!({"retorno": [
            {"nome": "\u{1b}]52;c;aGk=\u{7}", "origem": "=HYPERLINK(\"http://x\",\"y\")",
             "destino": "\u{9b}31m", "valor": "-12.50", "@key": "\tlead\nnext"},
            {"nome": "\u{202e}abc\u{7f}", "origem": "@SUM(1)", "destino": "-2+3", "valor": "+55"},
        ]})
    }

    fn assert_no_control(text: &str, allowed: &[char]) {
        let bad: Vec<char> = text
            .chars()
            .filter(|&c| sanitize::is_control(c) && !allowed.contains(&c))
            .collect();
        assert!(bad.is_empty(), "raw {bad:?} in {text:?}");
    }

    #[test]
    fn csv_neutralises_formulas_in_cells_and_header_and_escapes_controls() {
        let csv = render(Format::Csv, Some(&["origem", "destino"]), &hostile());
        assert_no_control(&csv, &['\n', '\t']);
        let rows: Vec<Vec<String>> = csv::Reader::from_reader(csv.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        assert_eq!(
            rows,
            [
                [
                    "'=HYPERLINK(\"http://x\",\"y\")",
                    r"\u{9b}31m",
                    r"\x1b]52;c;aGk=\x07",
                    "-12.50",
                    "'\tlead\nnext"
                ],
                ["'@SUM(1)", "'-2+3", r"\u{202e}abc\x7f", "+55", ""],
            ]
        );
        assert!(
            csv.starts_with("origem,destino,nome,valor,'@key\n"),
            "{csv}"
        );
    }

    #[test]
    fn csv_verbatim_keeps_formulas_but_still_escapes_controls() {
        let mut out = Vec::new();
        Writer::new(Format::Csv, None, Formulas::Verbatim, &mut out)
            .rows(&rows_of(&hostile()))
            .unwrap();
        let csv = String::from_utf8(out).unwrap();
        assert_no_control(&csv, &['\n', '\t']);
        assert!(csv.starts_with("nome,origem,destino,valor,@key\n"), "{csv}");
        assert!(csv.contains("@SUM(1),-2+3"), "{csv}");
        assert!(csv.contains("\"=HYPERLINK(\"\"http://x\"\""), "{csv}");
    }

    #[test]
    fn tables_escape_every_control_character_and_keep_one_line_a_row() {
        let table = render(Format::Table, None, &hostile());
        assert_no_control(&table, &['\n']);
        assert_eq!(table.lines().count(), 3, "{table}");
        assert!(table.contains(r"\x1b]52;c;aGk=\x07"), "{table}");
        assert!(table.contains(r"\tlead\nnext"), "{table}");
        // Formulas are a spreadsheet's business: a table shows the text as it is.
        assert!(table.contains("=HYPERLINK("), "{table}");
    }

    #[test]
    fn json_and_jsonl_escape_controls_and_read_back_losslessly() {
        let json = hostile();
        let pretty = render(Format::Json, None, &json);
        assert_no_control(&pretty, &['\n']);
        assert!(pretty.starts_with("{\n  \"retorno\": [\n"), "{pretty}");
        assert_eq!(serde_json::from_str::<Value>(&pretty).unwrap(), json);
        let jsonl = render(Format::Jsonl, None, &json);
        assert_no_control(&jsonl, &['\n']);
        let back: Vec<Value> = jsonl
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(back, rows_of(&json));
    }
}
