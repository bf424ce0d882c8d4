//! The `table` format: rows aligned in columns for reading in a terminal, the model's columns
//! first, then every other key in order of first appearance (a key first seen late gets its
//! column then, so rows are taken as they arrive and never held twice).
//!
//! The layout is a space each side of every cell, cells padded to their column's display width
//! (East Asian wide characters count two), no borders, trailing spaces cut. Every control
//! character in a cell or a column name is escaped (see [`crate::sanitize::for_terminal`]), so a
//! row stays one line.
//!
//! Written here rather than through a table crate: comfy-table (used before) builds a whole
//! table's text at once, with vectors of lines per cell, and took 1.3 s and 490 MB for
//! 100,000 call records; this holds each row's text once, in one string.

use crate::sanitize;
use std::io::{self, Write};
use unicode_width::UnicodeWidthStr;
use uscall_client::flat::FlatRow;

/// Padding, pushed a slice at a time.
const SPACES: &str = "                                                                ";

/// A table being filled.
pub(crate) struct Table {
    columns: Vec<String>,
    widths: Vec<usize>,
    rows: Vec<Row>,
}

/// One row's cells, escaped, one after the other in `text`; a row read before a column was
/// added has no cell for it.
struct Row {
    text: String,
    /// Each cell's end in `text`, and its display width.
    cells: Vec<(usize, usize)>,
}

impl Table {
    /// A table with the model's columns (when the operation has a model).
    pub(crate) fn new(model: Option<&'static [&'static str]>) -> Table {
        let mut table = Table {
            columns: Vec::new(),
            widths: Vec::new(),
            rows: Vec::new(),
        };
        for column in model.unwrap_or_default() {
            table.add_column(column);
        }
        table
    }

    fn add_column(&mut self, name: &str) {
        let shown = sanitize::for_terminal(name);
        self.widths.push(shown.width());
        self.columns.push(name.to_owned());
    }

    /// Adds a row: its cells in the columns' order, a column added for each key not seen before.
    pub(crate) fn push(&mut self, flat: &FlatRow<'_>) {
        let (mut hint, mut found) = (0, 0);
        // Room for the row's text as it is (escaping a control character makes it longer).
        let mut text = String::with_capacity(flat.iter().map(|(_, v)| v.len()).sum());
        let mut cells = Vec::with_capacity(self.columns.len());
        for (i, column) in self.columns.iter().enumerate() {
            let cell = flat.get_near(column, &mut hint);
            found += usize::from(cell.is_some());
            let width = append(&mut text, cell.unwrap_or(""));
            self.widths[i] = self.widths[i].max(width);
            cells.push((text.len(), width));
        }
        if found < flat.len() {
            // A new key, or a key named twice (the last one counts, as in a JSON object).
            let new: Vec<String> = flat
                .keys()
                .filter(|k| !self.columns.iter().any(|c| c == k))
                .map(str::to_owned)
                .collect();
            for key in new {
                if !self.columns.contains(&key) {
                    self.add_column(&key);
                }
            }
            text.clear();
            cells.clear();
            for (i, column) in self.columns.iter().enumerate() {
                let width = append(&mut text, flat.get(column).unwrap_or(""));
                self.widths[i] = self.widths[i].max(width);
                cells.push((text.len(), width));
            }
        }
        self.rows.push(Row { text, cells });
    }

    /// Writes the table: the column names, then a line a row. A table without columns is an
    /// empty line.
    pub(crate) fn write(&self, out: &mut impl Write) -> io::Result<()> {
        if self.columns.is_empty() {
            return writeln!(out);
        }
        let mut line = String::new();
        let names: Vec<_> = self
            .columns
            .iter()
            .map(|c| sanitize::for_terminal(c))
            .collect();
        let header = names.iter().map(|n| (&**n, n.width()));
        self.write_line(&mut line, header, out)?;
        for row in &self.rows {
            let mut start = 0;
            let cells = row.cells.iter().map(|&(end, width)| {
                let cell = row.text.get(start..end).unwrap_or_default();
                start = end;
                (cell, width)
            });
            self.write_line(&mut line, cells, out)?;
        }
        Ok(())
    }

    fn write_line<'c>(
        &self,
        line: &mut String,
        cells: impl Iterator<Item = (&'c str, usize)>,
        out: &mut impl Write,
    ) -> io::Result<()> {
        line.clear();
        let mut cells = cells.fuse();
        for &width in &self.widths {
            let (cell, used) = cells.next().unwrap_or(("", 0));
            line.push(' ');
            line.push_str(cell);
            let mut pad = width - used + 1;
            while pad > 0 {
                let n = pad.min(SPACES.len());
                line.push_str(&SPACES[..n]);
                pad -= n;
            }
        }
        out.write_all(line.trim_end().as_bytes())?;
        out.write_all(b"\n")
    }
}

/// Appends `cell` escaped for a terminal; gives its display width.
fn append(text: &mut String, cell: &str) -> usize {
    let shown = sanitize::for_terminal(cell);
    text.push_str(&shown);
    if shown.is_ascii() {
        shown.len()
    } else {
        shown.width()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn render(model: Option<&'static [&'static str]>, rows: &[Value]) -> String {
        let mut table = Table::new(model);
        for row in rows {
            table.push(&FlatRow::of_value(row));
        }
        let mut out = Vec::new();
        table.write(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn cells_are_padded_to_their_columns_display_width() {
        // The layout comfy-table's NOTHING preset gave, which this replaces.
        let table = render(
            Some(&["num", "tipo", "nome"]),
            &[
                json!({"num": "0119", "tipo": "callcenter", "nome": "Posição 0119"}),
                json!({"num": "2001", "tipo": "pbx", "nome": "Recepção"}),
                json!({"num": "7", "tipo": "pbx", "nome": "東京", "x": {"a": 1}}),
                json!({"nome": "Ana", "num": "8"}),
            ],
        );
        let expected = [
            " num   tipo        nome          x.a",
            " 0119  callcenter  Posição 0119",
            " 2001  pbx         Recepção",
            " 7     pbx         東京          1",
            " 8                 Ana",
        ];
        assert_eq!(table, format!("{}\n", expected.join("\n")));
    }

    #[test]
    fn a_table_without_rows_or_columns() {
        assert_eq!(render(None, &[json!({"a": "1"})]), " a\n 1\n");
        assert_eq!(render(None, &[json!({}), json!({})]), "\n");
        assert_eq!(render(Some(&["num"]), &[]), " num\n");
    }
}
