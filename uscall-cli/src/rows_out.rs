//! Prints a list answer's rows as they arrive, in every format: `json` (the whole answer,
//! written row by row, the same bytes as printing it whole), `jsonl` and `csv` (a line a row),
//! and `table` (which holds its rows to align them). Nothing but `table` holds the rows, so an
//! export of a million call records takes the memory of one.
//!
//! A failure after rows were written leaves them written: the output is then incomplete, and
//! the error line on stderr says after how many rows it stopped.

use crate::output::{Format, Writer};
use crate::sanitize::{self, Formulas};
use crate::{Failure, describe};
use serde_json::Value;
use std::io::{self, BufWriter, Write};
use uscall_client::flat::FlatRow;
use uscall_client::typed::{RawItem, RawRow, RawRowStream};
use uscall_client::{AnswerText, models};

/// Output is written in pieces this big: one `write` per piece, not per row.
const OUT_BUFFER: usize = 256 * 1024;

/// Standard output, buffered.
pub(crate) type Out = BufWriter<io::StdoutLock<'static>>;

pub(crate) fn stdout() -> Out {
    BufWriter::with_capacity(OUT_BUFFER, io::stdout().lock())
}

fn write_err(e: io::Error) -> Failure {
    Failure::io("writing the answer", e)
}

/// Prints the rows of one call, as they arrive. An answer that is not a streamed list (a
/// message, a keyed object, an empty list, one read whole) is handed back for the caller to print
/// as any answer.
pub(crate) async fn print(
    stream: RawRowStream,
    printer: &mut RowPrinter,
) -> Result<Option<AnswerText>, Failure> {
    let mut stream = printer.prepare(stream);
    while let Some(item) = stream.next().await {
        match item {
            Ok(RawItem::Row(row)) => {
                printer.retorno = stream.retorno();
                printer.raw(row).map_err(write_err)?;
            }
            Ok(RawItem::Whole(answer)) => return Ok(Some(answer)),
            Err(e) => return Err(printer.broken(e)),
        }
    }
    match stream.frame() {
        Some(frame) if printer.rows == 0 => Ok(Some(frame)),
        frame => {
            printer.close(frame.as_ref()).map_err(write_err)?;
            Ok(None)
        }
    }
}

/// Prints the rows of one window of many (`cdr-search --window`), as they arrive; a window
/// read whole gives its rows as values (after checking for the service's refusal). The caller
/// closes the printer after the last window.
pub(crate) async fn print_window(
    stream: RawRowStream,
    printer: &mut RowPrinter,
    whole: impl Fn(AnswerText) -> Result<Vec<Value>, Failure>,
) -> Result<(), Failure> {
    let mut stream = printer.prepare(stream);
    while let Some(item) = stream.next().await {
        match item {
            Ok(RawItem::Row(row)) => printer.raw(row).map_err(write_err)?,
            Ok(RawItem::Whole(answer)) => {
                for row in whole(answer)? {
                    printer.value(row).map_err(write_err)?;
                }
            }
            Err(e) => return Err(printer.broken(e)),
        }
    }
    Ok(())
}

/// Rows to standard output in one format.
pub(crate) struct RowPrinter {
    format: Format,
    /// json and jsonl.
    out: Option<Out>,
    csv: Option<Writer<Out>>,
    table: crate::table::Table,
    rows: usize,
    /// json: whether the rows are under `retorno` (else a bare list).
    retorno: bool,
}

impl RowPrinter {
    pub(crate) fn new(
        format: Format,
        model: Option<&'static [&'static str]>,
        formulas: Formulas,
    ) -> RowPrinter {
        let (out, csv) = match format {
            Format::Csv => (None, Some(Writer::new(format, model, formulas, stdout()))),
            _ => (Some(stdout()), None),
        };
        RowPrinter {
            format,
            out,
            csv,
            table: crate::table::Table::new(model),
            rows: 0,
            retorno: true,
        }
    }

    /// The stream as this format reads it: csv and table read each row into its cells once
    /// ([`RawRowStream::flattened`]).
    fn prepare(&self, stream: RawRowStream) -> RawRowStream {
        match self.format {
            Format::Csv | Format::Table => stream.flattened(),
            Format::Json | Format::Jsonl => stream,
        }
    }

    /// json: how deep the rows are.
    fn depth(&self) -> usize {
        if self.retorno { 2 } else { 1 }
    }

    /// A streamed row.
    pub(crate) fn raw(&mut self, row: RawRow) -> io::Result<()> {
        match self.format {
            Format::Json => {
                let depth = self.depth();
                let out = self.separate()?;
                row.write_json(out, true, depth)
            }
            Format::Jsonl => {
                let out = self.out.as_mut().expect("jsonl writes to out");
                row.write_json(out, false, 0)?;
                self.rows += 1;
                out.write_all(b"\n")
            }
            Format::Csv => {
                self.rows += 1;
                self.csv.as_mut().expect("csv").flat(row.flat())
            }
            Format::Table => {
                self.rows += 1;
                self.table.push(&row.flat());
                Ok(())
            }
        }
    }

    /// A row of an answer read whole (a window that did not stream).
    pub(crate) fn value(&mut self, row: Value) -> io::Result<()> {
        match self.format {
            Format::Json => {
                let mut text = Vec::new();
                sanitize::write_json(&mut text, &row, true)?;
                let indent = "  ".repeat(self.depth());
                let out = self.separate()?;
                // serde_json's pretty layout, nested: every line after the first indented.
                for (i, line) in text.split(|&b| b == b'\n').enumerate() {
                    if i > 0 {
                        out.write_all(b"\n")?;
                        out.write_all(indent.as_bytes())?;
                    }
                    out.write_all(line)?;
                }
                Ok(())
            }
            Format::Jsonl => {
                let out = self.out.as_mut().expect("jsonl writes to out");
                sanitize::write_json(&mut *out, &row, false)?;
                self.rows += 1;
                out.write_all(b"\n")
            }
            Format::Csv => {
                self.rows += 1;
                self.csv
                    .as_mut()
                    .expect("csv")
                    .flat(FlatRow::of_value(&row))
            }
            Format::Table => {
                self.rows += 1;
                self.table.push(&FlatRow::of_value(&row));
                Ok(())
            }
        }
    }

    /// json: the opening (before the first row) or separator, and the indentation of a row.
    fn separate(&mut self) -> io::Result<&mut Out> {
        let depth = self.depth();
        let out = self.out.as_mut().expect("json writes to out");
        match self.rows {
            0 if depth == 2 => out.write_all(b"{\n  \"retorno\": [")?,
            0 => out.write_all(b"[")?,
            _ => out.write_all(b",")?,
        }
        out.write_all(b"\n")?;
        out.write_all("  ".repeat(depth).as_bytes())?;
        self.rows += 1;
        Ok(out)
    }

    /// After the last row: json's closing (what follows the list in `frame`, the answer with
    /// its list emptied; `{"retorno": []}` when none is given), the table, the buffers flushed.
    pub(crate) fn close(&mut self, frame: Option<&AnswerText>) -> io::Result<()> {
        match self.format {
            Format::Json => {
                let depth = self.depth();
                let out = self.out.as_mut().expect("json writes to out");
                if self.rows == 0 {
                    out.write_all(b"{\n  \"retorno\": []\n}\n")?;
                    return out.flush();
                }
                let mut whole = Vec::new();
                match frame {
                    Some(frame) => frame.write_json(&mut whole, true)?,
                    None => whole.extend_from_slice(b"{\n  \"retorno\": []\n}"),
                }
                let at = whole
                    .windows(2)
                    .position(|w| w == b"[]")
                    .map_or(0, |i| i + 2);
                out.write_all(b"\n")?;
                out.write_all("  ".repeat(depth - 1).as_bytes())?;
                out.write_all(b"]")?;
                out.write_all(&whole[at..])?;
                out.write_all(b"\n")?;
                out.flush()
            }
            Format::Jsonl => self.out.as_mut().expect("jsonl").flush(),
            Format::Csv => self.csv.as_mut().expect("csv").finish(),
            Format::Table => {
                let mut out = self.out.take().expect("table writes to out");
                self.table.write(&mut out)?;
                out.flush()
            }
        }
    }

    /// A failure after rows were printed: they stay printed (flushed), and the error says the
    /// output is incomplete.
    pub(crate) fn broken(&mut self, error: uscall_client::Error) -> Failure {
        let (message, code) = describe(&error);
        if self.rows == 0 || self.format == Format::Table {
            return Failure { message, code };
        }
        let flushed = match (&mut self.out, &mut self.csv) {
            (Some(out), _) => out.flush(),
            (None, Some(csv)) => csv.finish(),
            (None, None) => Ok(()),
        };
        if let Err(e) = flushed {
            return write_err(e);
        }
        Failure {
            message: format!(
                "{message} (after {} rows were written: the output is incomplete)",
                self.rows
            ),
            code,
        }
    }
}

/// Whether `op`'s answer is a list whose rows can be printed as they arrive.
pub(crate) fn streams(op: &str) -> bool {
    models::columns(op).is_some()
}
