//! Making the server's text safe to show: escapes for terminals, spreadsheets and JSON readers.
//!
//! Everything the PBX sends is attacker-controlled (a caller chooses their caller id and name),
//! and a terminal obeys the control characters in what it prints: ESC and C1 sequences move the
//! cursor, recolour or retitle, OSC 52 writes the clipboard, bidi overrides reorder what the
//! reader sees. So no such character reaches stdout or stderr raw: terminal text and table or
//! CSV cells get a visible escape (`\x1b`, `\u{9b}`), JSON gets a `\uXXXX` escape, which any
//! JSON reader decodes back to the same text.

use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io;

/// Whether a terminal might act on `c` instead of showing it: C0 controls, DEL, C1 controls
/// (U+009B alone is a CSI to many terminals) and the bidi embeddings, overrides and isolates.
pub fn is_control(c: char) -> bool {
    matches!(
        c,
        '\0'..='\x1f' | '\x7f'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// `text` with every control character escaped, line breaks and tabs included, so that it
/// shows as it is and an error message stays on one line. Backslashes are left alone: the text
/// is for reading, and leaving them makes escaping twice harmless.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    escape(text, |_| false)
}

/// Text of several lines (a raw operation's XML answer): control characters escaped as for
/// [`for_terminal`], except line breaks and tabs, which only move the cursor.
pub fn lines_for_terminal(text: &str) -> Cow<'_, str> {
    escape(text, |c| matches!(c, '\t' | '\n'))
}

/// How CSV cells that a spreadsheet would take for a formula are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Formulas {
    /// Prefixed with `'`, as OWASP advises, so that the spreadsheet shows them as text.
    Neutralise,
    /// Written as the PBX sent them (`--csv-verbatim`).
    Verbatim,
}

/// A CSV cell (header cells too: column names are the server's keys).
///
/// Control characters are escaped as for a terminal, except line breaks and tabs: the CSV
/// writer quotes a cell holding them, so they reach a spreadsheet as the data they are, and a
/// terminal only moves its cursor for them. Then, unless `formulas` is
/// [`Formulas::Verbatim`], a cell a spreadsheet would run (one starting with `=`, `+`, `-`,
/// `@`, a tab or a line break) gets a leading `'`; a plain decimal number such as `-12.50` or
/// `+5511999990000` is left as it is, as no spreadsheet runs it and billing amounts stay numbers.
pub fn csv_cell(text: &str, formulas: Formulas) -> Cow<'_, str> {
    let cell = escape(text, |c| matches!(c, '\t' | '\n' | '\r'));
    let runs = cell.starts_with(['=', '+', '-', '@', '\t', '\r', '\n']);
    if formulas == Formulas::Verbatim || !runs || is_plain_number(&cell) {
        return cell;
    }
    Cow::Owned(format!("'{cell}"))
}

/// `[+-]?[0-9]+([.,][0-9]+)?`: a number in either decimal notation, with nothing to evaluate.
fn is_plain_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once(['.', ',']) {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && fraction.is_none_or(digits)
}

/// `text` with each control character that `keep` does not keep written as a visible escape.
fn escape(text: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    // Printable ASCII holds no control character: looked at a byte at a time, without decoding.
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Cow::Borrowed(text);
    }
    if !text.chars().any(|c| is_control(c) && !keep(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            c if !is_control(c) || keep(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0'..='\x7f' => write!(out, "\\x{:02x}", u32::from(c)).expect("writes to a String"),
            _ => write!(out, "\\u{{{:x}}}", u32::from(c)).expect("writes to a String"),
        }
    }
    Cow::Owned(out)
}

/// Writes `value` as JSON, pretty or compact, with the control characters serde_json leaves
/// raw (DEL, C1, bidi) escaped as `\uXXXX` too.
pub fn write_json<W: io::Write>(out: W, value: &impl Serialize, pretty: bool) -> io::Result<()> {
    let layout = if pretty {
        Layout::Pretty(PrettyFormatter::new())
    } else {
        Layout::Compact
    };
    let mut ser = serde_json::Serializer::with_formatter(out, JsonEscapes(layout));
    value.serialize(&mut ser).map_err(io::Error::from)
}

/// serde_json's pretty or compact layout.
enum Layout {
    Pretty(PrettyFormatter<'static>),
    Compact,
}

/// A formatter that lays JSON out as [`Layout`] says and escapes every control character in
/// strings (serde_json escapes only U+0000 to U+001F itself). Its escapes are all in the Basic
/// Multilingual Plane, so one `\uXXXX` each.
struct JsonEscapes(Layout);

/// Forwards the layout methods (the ones `PrettyFormatter` overrides) to the pretty formatter,
/// or to the compact defaults.
macro_rules! layout {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $name<W: ?Sized + io::Write>(&mut self, writer: &mut W $(, $arg: $ty)*) -> io::Result<()> {
            match &mut self.0 {
                Layout::Pretty(pretty) => pretty.$name(writer $(, $arg)*),
                Layout::Compact => serde_json::ser::CompactFormatter.$name(writer $(, $arg)*),
            }
        }
    )*};
}

impl Formatter for JsonEscapes {
    layout! {
        begin_array();
        end_array();
        begin_array_value(first: bool);
        end_array_value();
        begin_object();
        end_object();
        begin_object_key(first: bool);
        end_object_key();
        begin_object_value();
        end_object_value();
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices().filter(|&(_, c)| is_control(c)) {
            writer.write_all(&fragment.as_bytes()[start..i])?;
            write!(writer, "\\u{:04x}", u32::from(c))?;
            start = i + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn terminal_text_shows_every_control_character_and_stays_one_line() {
        let text = "a\x1b]52;c;aGk=\x07b\u{9b}31m\u{202e}x\u{7f}\0\n\r\tz\u{2069}";
        let shown = for_terminal(text);
        assert_eq!(
            shown,
            r"a\x1b]52;c;aGk=\x07b\u{9b}31m\u{202e}x\x7f\x00\n\r\tz\u{2069}"
        );
        assert!(!shown.chars().any(is_control), "{shown}");
        // Already escaped text comes back unchanged, so escaping twice does no harm.
        assert_eq!(for_terminal(&shown), shown);
        assert!(matches!(for_terminal("José — 1199 ✓"), Cow::Borrowed(_)));
    }

    #[test]
    fn control_characters_are_exactly_c0_del_c1_and_bidi() {
        let controls: Vec<u32> = (0..=0x10ffff)
            .filter_map(char::from_u32)
            .filter(|&c| is_control(c))
            .map(u32::from)
            .collect();
        let expected: Vec<u32> = (0..0x20)
            .chain(0x7f..0xa0)
            .chain(0x202a..=0x202e)
            .chain(0x2066..=0x2069)
            .collect();
        assert_eq!(controls, expected);
    }

    #[test]
    fn csv_cells_that_would_run_get_a_quote_and_numbers_do_not() {
        let n = Formulas::Neutralise;
        for (cell, expected) in [
            (
                "=HYPERLINK(\"http://x\",\"y\")",
                "'=HYPERLINK(\"http://x\",\"y\")",
            ),
            ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
            ("@SUM(1)", "'@SUM(1)"),
            ("-2+3", "'-2+3"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("\n=1", "'\n=1"),
            ("-", "'-"),
            ("+", "'+"),
            ("-1.", "'-1."),
            ("-12.50", "-12.50"),
            ("+5511999990000", "+5511999990000"),
            ("-3,5", "-3,5"),
            ("0119", "0119"),
            ("Ana=Bo", "Ana=Bo"),
            ("", ""),
            // An escaped control character makes the cell start with a backslash.
            ("\x1b=1", "\\x1b=1"),
            ("a\x1b]52;c;aGk=\x07\u{9b}", "a\\x1b]52;c;aGk=\\x07\\u{9b}"),
            ("two\nlines\tand\r", "two\nlines\tand\r"),
        ] {
            assert_eq!(csv_cell(cell, n), expected, "{cell:?}");
        }
        assert_eq!(csv_cell("=1+1", Formulas::Verbatim), "=1+1");
        assert_eq!(csv_cell("\t\x1b", Formulas::Verbatim), "\t\\x1b");
    }

    #[test]
    fn json_escapes_what_serde_json_leaves_raw_and_reads_back_the_same() {
        let value = json!({
            "nome\u{202e}": "\x1b]52;c;aGk=\x07 \u{9b}31m \u{7f} \u{85} \u{2066}é✓",
            "n": [1, null, true, {"x": "\u{9f}"}],
        });
        for pretty in [false, true] {
            let mut out = Vec::new();
            write_json(&mut out, &value, pretty).unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(
                !text.chars().any(|c| is_control(c) && c != '\n'),
                "{text:?}"
            );
            assert!(text.contains(r"\u009b31m \u007f \u0085 \u2066é✓"), "{text}");
            assert!(text.contains(r#""nome\u202e""#), "{text}");
            assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value);
            // The layout is serde_json's own.
            let plain = if pretty {
                serde_json::to_string_pretty(&json!({"a": [1, {"b": 2}]})).unwrap()
            } else {
                serde_json::to_string(&json!({"a": [1, {"b": 2}]})).unwrap()
            };
            let mut out = Vec::new();
            write_json(&mut out, &json!({"a": [1, {"b": 2}]}), pretty).unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), plain);
        }
    }
}
