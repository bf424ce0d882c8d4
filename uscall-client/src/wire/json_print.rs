//! Prints a JSON text the way serde_json prints its `Value` (pretty or compact), straight from
//! the text: secrets redacted, the control characters a terminal obeys escaped, and no string
//! decoded whole, so that printing a huge answer takes no memory beyond the text itself.
//!
//! The text must be valid JSON (the caller checks it with serde_json first); strings keep their
//! characters (escapes such as `\u00e9` and `\/` are written as the characters they stand for,
//! as serde_json does), numbers are copied as written.

use crate::redact::{REDACTED, Secrets, is_secret_name};
use std::io::{self, Write};

/// Writes `text` (valid JSON) to `out`, redacting `secrets` and every value of a secret-named
/// member, as `Response::into_redacted_json` does.
pub(crate) fn write(
    text: &str,
    secrets: &Secrets,
    pretty: bool,
    out: &mut impl Write,
) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(64 * 1024, out);
    write_at(text, secrets, pretty, 0, &mut out)?;
    out.flush()
}

/// [`write`], as a value nested `depth` deep in a pretty-printed document, to a writer the
/// caller buffers (a row of a list written as it arrives).
pub(crate) fn write_at(
    text: &str,
    secrets: &Secrets,
    pretty: bool,
    depth: usize,
    out: &mut impl Write,
) -> io::Result<()> {
    let mut printer = Printer {
        text,
        at: 0,
        out,
        pretty,
        depth,
        secrets,
    };
    printer.value(false)
}

struct Printer<'t, W: Write> {
    text: &'t str,
    at: usize,
    out: W,
    pretty: bool,
    depth: usize,
    secrets: &'t Secrets,
}

impl<'t, W: Write> Printer<'t, W> {
    fn peek(&mut self) -> u8 {
        let bytes = self.text.as_bytes();
        while self.at < bytes.len() && matches!(bytes[self.at], b' ' | b'\t' | b'\n' | b'\r') {
            self.at += 1;
        }
        bytes.get(self.at).copied().unwrap_or(0)
    }

    /// The value at the cursor; under a secret-named member it is replaced unless it is `null`
    /// or an empty string.
    fn value(&mut self, secret: bool) -> io::Result<()> {
        let first = self.peek();
        if secret {
            let start = self.at;
            self.skip_value();
            let text: &'t str = self.text;
            let raw = &text[start..self.at];
            if raw != "null" && raw != "\"\"" {
                return write!(self.out, "\"{REDACTED}\"");
            }
            return self.out.write_all(raw.as_bytes());
        }
        match first {
            b'{' => self.container(b'}'),
            b'[' => self.container(b']'),
            b'"' => {
                let content = self.string_content();
                self.string(content)
            }
            _ => {
                let start = self.at;
                self.skip_scalar();
                self.out.write_all(&self.text.as_bytes()[start..self.at])
            }
        }
    }

    /// An object or array, laid out as serde_json's formatters lay it out.
    fn container(&mut self, close: u8) -> io::Result<()> {
        self.out.write_all(&[self.text.as_bytes()[self.at]])?;
        self.at += 1;
        if self.peek() == close {
            self.at += 1;
            return self.out.write_all(&[close]);
        }
        self.depth += 1;
        let mut first = true;
        loop {
            if !first {
                self.out.write_all(b",")?;
            }
            first = false;
            self.newline()?;
            let mut secret = false;
            if close == b'}' {
                let key = self.string_content();
                secret = is_secret_name(&decoded_head(key, 256).0);
                self.string(key)?;
                self.peek();
                self.at += 1; // the colon
                self.out.write_all(if self.pretty { b": " } else { b":" })?;
            }
            self.value(secret)?;
            match self.peek() {
                b',' => self.at += 1,
                _ => {
                    self.at += 1; // the closing bracket
                    break;
                }
            }
        }
        self.depth -= 1;
        self.newline()?;
        self.out.write_all(&[close])
    }

    fn newline(&mut self) -> io::Result<()> {
        if self.pretty {
            self.out.write_all(b"\n")?;
            for _ in 0..self.depth {
                self.out.write_all(b"  ")?;
            }
        }
        Ok(())
    }

    /// The escaped content of the string at the cursor, which moves past it.
    fn string_content(&mut self) -> &'t str {
        self.peek();
        let bytes = self.text.as_bytes();
        let start = self.at + 1;
        let mut i = start;
        loop {
            match memchr::memchr2(b'"', b'\\', &bytes[i..]) {
                Some(n) if bytes[i + n] == b'\\' => i += n + 2,
                Some(n) => {
                    i += n;
                    break;
                }
                None => {
                    i = bytes.len();
                    break;
                }
            }
        }
        self.at = (i + 1).min(bytes.len());
        let text: &'t str = self.text;
        &text[start..i]
    }

    /// A string from its escaped content, with secrets redacted.
    fn string(&mut self, content: &'t str) -> io::Result<()> {
        self.out.write_all(b"\"")?;
        let mut from = 0;
        for (start, end) in self.secrets.spans(content) {
            write_content(&mut self.out, &content[from..start])?;
            self.out.write_all(REDACTED.as_bytes())?;
            from = end;
        }
        write_content(&mut self.out, &content[from..])?;
        self.out.write_all(b"\"")
    }

    fn skip_scalar(&mut self) {
        let bytes = self.text.as_bytes();
        while self.at < bytes.len()
            && !matches!(
                bytes[self.at],
                b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r'
            )
        {
            self.at += 1;
        }
    }

    /// Moves past the value at the cursor.
    fn skip_value(&mut self) {
        match self.peek() {
            b'"' => {
                self.string_content();
            }
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek() {
                        b'{' | b'[' => {
                            depth += 1;
                            self.at += 1;
                        }
                        b'}' | b']' => {
                            depth -= 1;
                            self.at += 1;
                            if depth == 0 {
                                return;
                            }
                        }
                        b'"' => {
                            self.string_content();
                        }
                        0 => return,
                        b',' | b':' => self.at += 1,
                        _ => self.skip_scalar(),
                    }
                }
            }
            _ => self.skip_scalar(),
        }
    }
}

/// The raw JSON of what an answer's data is under, as `models` reads it: the `retorno` member's
/// value, else the value of an object's only member, else a whole list; `None` for any other
/// shape. `text` must be valid JSON.
pub(crate) fn retorno(text: &str) -> Option<&str> {
    let mut cursor = Printer {
        text,
        at: 0,
        out: io::BufWriter::new(io::sink()),
        pretty: false,
        depth: 0,
        secrets: &Secrets::default(),
    };
    match cursor.peek() {
        b'[' => Some(text.trim()),
        b'{' => {
            cursor.at += 1;
            // As a parsed object has it: the last value of a key written twice, and keys
            // compared as decoded.
            let mut members: Vec<(std::borrow::Cow<'_, str>, &str)> = Vec::new();
            while cursor.peek() == b'"' {
                let key = decoded(cursor.string_content());
                cursor.peek();
                cursor.at += 1; // the colon
                cursor.peek();
                let start = cursor.at;
                cursor.skip_value();
                let value = &text[start..cursor.at];
                match members.iter_mut().find(|(k, _)| *k == key) {
                    Some(member) => member.1 = value,
                    None => members.push((key, value)),
                }
                if cursor.peek() == b',' {
                    cursor.at += 1;
                }
            }
            let retorno = members.iter().find(|(k, _)| k == "retorno");
            match (retorno, members.as_slice()) {
                (Some((_, value)), _) => Some(*value),
                (None, [(_, only)]) => Some(*only),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The escaped content of a (short) string, decoded.
fn decoded(escaped: &str) -> std::borrow::Cow<'_, str> {
    if !escaped.contains('\\') {
        return std::borrow::Cow::Borrowed(escaped);
    }
    let mut out = Vec::with_capacity(escaped.len());
    let bytes = escaped.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let (c, len) = escape_at(escaped, i);
        match c {
            Some(c) => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
            None => out.extend_from_slice(&bytes[i..i + len]),
        }
        i += len;
    }
    std::borrow::Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

/// The start of a string's escaped content, at most about `max_bytes` of it cut between escapes,
/// decoded; and whether it was cut. Keys and messages are short: a hostile huge one is never
/// decoded whole.
pub(crate) fn decoded_head(escaped: &str, max_bytes: usize) -> (std::borrow::Cow<'_, str>, bool) {
    let bytes = escaped.as_bytes();
    let mut end = 0;
    while end < bytes.len() && end < max_bytes {
        end += match bytes[end] {
            // A surrogate pair is two escapes that must stay together.
            b'\\' if bytes.get(end + 1) == Some(&b'u') => {
                if bytes.get(end + 6..end + 8) == Some(b"\\u") {
                    12
                } else {
                    6
                }
            }
            b'\\' => 2,
            _ => 1,
        };
    }
    let mut end = end.min(bytes.len());
    while !escaped.is_char_boundary(end) {
        end += 1;
    }
    (decoded(&escaped[..end]), end < escaped.len())
}

/// Whether a terminal acts on `c`: C0, DEL, C1, and the bidi embeddings, overrides, isolates.
fn is_control(c: char) -> bool {
    matches!(
        c,
        '\0'..='\x1f' | '\x7f'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// Writes the escaped string content `escaped` as serde_json writes the string it stands for,
/// with DEL, C1 and bidi controls escaped too. A piece cut inside an escape (where a redaction
/// began) writes the cut escape's backslash as text.
fn write_content(out: &mut impl Write, escaped: &str) -> io::Result<()> {
    let bytes = escaped.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // Runs of bytes that stand for themselves are copied whole; only a backslash and the
        // lead bytes of DEL, C1 (0xC2) and the bidi controls (0xE2) need a look.
        if !matches!(b, b'\\' | 0x7f | 0xc2 | 0xe2) {
            i += 1;
            continue;
        }
        out.write_all(&bytes[run..i])?;
        if b == b'\\' {
            let (c, len) = escape_at(escaped, i);
            match c {
                Some(c) => write_char(out, c)?,
                None => out.write_all(&bytes[i..i + len])?,
            }
            i += len;
        } else {
            let c = escaped[i..]
                .chars()
                .next()
                .expect("a character starts here");
            if is_control(c) {
                write_char(out, c)?;
            } else {
                let mut buf = [0; 4];
                out.write_all(c.encode_utf8(&mut buf).as_bytes())?;
            }
            i += c.len_utf8();
        }
        run = i;
    }
    out.write_all(&bytes[run..])
}

/// The character of the JSON escape at `at` and its length; `None` with the length to copy as
/// it is for a lone surrogate (valid JSON, no character). A cut escape is a backslash as text.
fn escape_at(text: &str, at: usize) -> (Option<char>, usize) {
    let bytes = text.as_bytes();
    let Some(&kind) = bytes.get(at + 1) else {
        return (Some('\\'), 1);
    };
    let simple = match kind {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let Some(high) = hex4(bytes, at + 2) else {
                return (Some('\\'), 1);
            };
            if (0xD800..0xDC00).contains(&high)
                && bytes.get(at + 6..at + 8) == Some(b"\\u")
                && let Some(low) = hex4(bytes, at + 8).filter(|l| (0xDC00..0xE000).contains(l))
            {
                let c = char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00));
                return (c, 12);
            }
            return match char::from_u32(high) {
                Some(c) => (Some(c), 6),
                None => (None, 6),
            };
        }
        _ => return (Some('\\'), 1),
    };
    (Some(simple), 2)
}

fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = bytes.get(at..at + 4)?;
    if !digits.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok()
}

/// One character as serde_json writes it in a string, and a terminal control as `\uXXXX`.
fn write_char(out: &mut impl Write, c: char) -> io::Result<()> {
    match c {
        '"' => out.write_all(b"\\\""),
        '\\' => out.write_all(b"\\\\"),
        '\u{8}' => out.write_all(b"\\b"),
        '\u{c}' => out.write_all(b"\\f"),
        '\n' => out.write_all(b"\\n"),
        '\r' => out.write_all(b"\\r"),
        '\t' => out.write_all(b"\\t"),
        c if is_control(c) => write!(out, "\\u{:04x}", u32::from(c)),
        c => {
            let mut buf = [0; 4];
            out.write_all(c.encode_utf8(&mut buf).as_bytes())
        }
    }
}

#[cfg(test)]
mod tests;
