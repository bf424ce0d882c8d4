//! The rows of a list answer as the body arrives: the envelope and the XML text as for the
//! recording, then a scanner that cuts the JSON list into its elements and hands each one out as
//! text, in constant memory whatever the number of rows.
//!
//! Two shapes are streamed, the ones a list answer takes: `{"retorno": [...], ...}` with
//! `retorno` as the first key, and a bare `[...]`. Anything else (a message, a keyed object, an
//! odd charset, a Fault, an HTML page) hands the body back whole before the first row is out,
//! as does any error found by then. The elements themselves are judged by serde_json where they
//! are decoded (the overlay); the scanner checks the grammar between them and what follows the
//! list, and the envelope around it.

use super::envelope::{Content, Ended, Envelope, Stop};
use super::xml_text::{TextSink, XmlText};
use super::{StreamError, decode};
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// serde_json's nesting limit: a text with more containers open at once does not parse.
const MAX_DEPTH: usize = 127;
/// The most text kept after the list (the rest of the `retorno` object).
const TAIL_LIMIT: usize = 64 * 1024;
/// The most room a row's buffer starts with (the size of the row before it).
const ROW_CAPACITY: usize = 64 * 1024;
/// What the return text must start with, after whitespace, for the rows to stream.
const RETORNO: &[u8] = b"\"retorno\"";

/// How a streamed list ended.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct RowsDone {
    /// How many rows were handed out.
    pub rows: usize,
    /// Whether the list was under `retorno` (else a bare list).
    pub retorno: bool,
    /// The JSON after the list, decoded (`}` and any other members of the object).
    pub tail: String,
}

/// How a body ended.
#[derive(Debug)]
pub(crate) enum RowsFinished {
    /// Every row was handed out and every check passed.
    Done(RowsDone),
    /// Not a list this decoder streams: the whole body, byte for byte, for the whole-body path.
    Whole(Vec<u8>),
}

/// A push decoder for one list answer of `operation` (a 2xx body; the caller counts its size
/// against its limit). Rows go out as JSON text, one `String` each, in the order of the list.
pub(crate) struct RowDecoder(Envelope<RowText>);

impl RowDecoder {
    /// `http_charset`: the charset parameter of the Content-Type, if any.
    pub(crate) fn new(operation: &'static str, http_charset: Option<&str>) -> Self {
        RowDecoder(Envelope::new(operation, http_charset, RowText::default()))
    }

    /// Feeds the next bytes of the body (any split); rows it completes are appended to `out`.
    /// An error after the first row went out is final; rows appended before it are good.
    pub(crate) fn feed(&mut self, chunk: &[u8], out: &mut Vec<String>) -> Result<(), StreamError> {
        self.0.feed(chunk, out)
    }

    /// The end of the body.
    pub(crate) fn finish(&mut self, out: &mut Vec<String>) -> Result<RowsFinished, StreamError> {
        Ok(match self.0.finish(out)? {
            Ended::Done(done) => RowsFinished::Done(done),
            Ended::Whole(body) => RowsFinished::Whole(body),
        })
    }

    /// Whether rows went out (the body can no longer go back whole).
    pub(crate) fn committed(&self) -> bool {
        self.0.written()
    }

    /// Whether the list is under `retorno` (known once the list has started).
    pub(crate) fn retorno(&self) -> bool {
        self.0.content.retorno
    }
}

/// Where the scanner is.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Scan {
    /// Before the list: after this many bytes of `{"retorno":[` (whitespace aside).
    #[default]
    Lead,
    LeadBrace,
    LeadKey(usize),
    LeadColon,
    LeadValue,
    /// In the list, before an element (`first`: right after `[`, where `]` may come).
    Value {
        first: bool,
    },
    /// In the list, after an element.
    Comma,
    /// Inside an element: containers open (0 for a scalar or a string at the top).
    Element {
        depth: usize,
        string: bool,
        escaped: bool,
    },
    /// After the list.
    Tail,
}

/// The return text of a list answer, cut into rows.
#[derive(Default)]
struct RowText {
    strict_utf8: bool,
    /// For a body labelled ISO-8859-1: the encoding its rows were found in, once one held a
    /// non-ASCII byte (the whole-body path reads the whole body as UTF-8 if it is valid UTF-8).
    found: Option<&'static Encoding>,
    scan: Scan,
    retorno: bool,
    /// The element being read, in the body's encoding, and the non-ASCII characters of
    /// character references in it by their place.
    row: Vec<u8>,
    row_chars: Vec<(usize, char)>,
    /// Elements read, not handed out yet.
    ready: Vec<String>,
    handed: usize,
    /// Committed before the first row went out (its body grew past the envelope's limit).
    early: bool,
    tail: Vec<u8>,
    tail_chars: Vec<(usize, char)>,
}

impl RowText {
    /// serde_json's limit for the element, counting the containers around the list.
    fn max_depth(&self) -> usize {
        MAX_DEPTH - if self.retorno { 2 } else { 1 }
    }

    /// One byte of structure (outside the element's strings).
    fn byte(&mut self, b: u8, at: u64) -> Result<(), String> {
        let ws = matches!(b, b' ' | b'\t' | b'\n' | b'\r');
        let not_a_list = || Err("not a list answer".to_owned());
        self.scan = match self.scan {
            _ if ws && !matches!(self.scan, Scan::Element { .. } | Scan::LeadKey(_)) => {
                if self.scan == Scan::Tail {
                    self.tail.push(b);
                }
                return Ok(());
            }
            Scan::Lead => match b {
                b'[' => Scan::Value { first: true },
                b'{' => Scan::LeadBrace,
                _ => return not_a_list(),
            },
            Scan::LeadBrace if b == b'"' => Scan::LeadKey(1),
            Scan::LeadKey(n) if RETORNO[n] == b => match n + 1 {
                len if len == RETORNO.len() => Scan::LeadColon,
                next => Scan::LeadKey(next),
            },
            Scan::LeadColon if b == b':' => Scan::LeadValue,
            Scan::LeadValue if b == b'[' => {
                self.retorno = true;
                Scan::Value { first: true }
            }
            Scan::LeadBrace | Scan::LeadKey(_) | Scan::LeadColon | Scan::LeadValue => {
                return not_a_list();
            }
            Scan::Value { first: true } if b == b']' => Scan::Tail,
            Scan::Value { .. } => {
                self.row.push(b);
                match b {
                    b'{' | b'[' => Scan::Element {
                        depth: 1,
                        string: false,
                        escaped: false,
                    },
                    b'"' => Scan::Element {
                        depth: 0,
                        string: true,
                        escaped: false,
                    },
                    b']' | b',' | b'}' | b':' => {
                        return Err(format!("a JSON list with a missing element, at byte {at}"));
                    }
                    _ => Scan::Element {
                        depth: 0,
                        string: false,
                        escaped: false,
                    },
                }
            }
            Scan::Comma => match b {
                b',' => Scan::Value { first: false },
                b']' => Scan::Tail,
                _ => {
                    return Err(format!(
                        "a JSON list without a `,` between elements, at byte {at}"
                    ));
                }
            },
            Scan::Element { depth: 0, .. } if matches!(b, b',' | b']') || ws => {
                // The end of a scalar.
                self.end_row()?;
                self.scan = Scan::Comma;
                return self.byte(b, at);
            }
            Scan::Element { depth, .. } => {
                self.row.push(b);
                let depth = match b {
                    b'{' | b'[' if depth >= self.max_depth() => {
                        return Err(format!("JSON nested too deep, at byte {at}"));
                    }
                    b'{' | b'[' => depth + 1,
                    b'}' | b']' if depth > 0 => depth - 1,
                    _ => depth,
                };
                let string = b == b'"';
                if depth == 0 && matches!(b, b'}' | b']') {
                    self.end_row()?;
                    Scan::Comma
                } else {
                    Scan::Element {
                        depth,
                        string,
                        escaped: false,
                    }
                }
            }
            Scan::Tail => {
                self.tail.push(b);
                if self.tail.len() > TAIL_LIMIT {
                    return Err(format!(
                        "more than {TAIL_LIMIT} bytes of JSON after the list"
                    ));
                }
                Scan::Tail
            }
        };
        Ok(())
    }

    /// The element just read, as text, with the encoding it is in.
    fn end_row(&mut self) -> Result<(), String> {
        // The common row (PHP's json_encode escapes every non-ASCII character): printable ASCII
        // only, seen in one vectorised look, is its own text in any encoding, and holds no
        // character XML forbids.
        if self.row_chars.is_empty() && self.row.iter().all(|b| (0x20..0x7f).contains(b)) {
            let capacity = self.row.len().min(ROW_CAPACITY);
            let row = std::mem::replace(&mut self.row, Vec::with_capacity(capacity));
            let text = String::from_utf8(row).map_err(|_| "the body is not valid UTF-8")?;
            self.ready.push(text);
            return Ok(());
        }
        let encoding = self.row_encoding()?;
        let text = if self.row_chars.is_empty() && encoding == UTF_8 {
            // The row's own buffer becomes its text: a huge row is not copied.
            let capacity = self.row.len().min(ROW_CAPACITY);
            let row = std::mem::replace(&mut self.row, Vec::with_capacity(capacity));
            String::from_utf8(row).map_err(|_| "the body is not valid UTF-8")?
        } else {
            with_chars(encoding, &self.row, &self.row_chars).ok_or("the body is not valid UTF-8")?
        };
        if encoding == UTF_8 && text.contains(['\u{fffe}', '\u{ffff}']) {
            return Err("a row holds U+FFFE or U+FFFF, which XML 1.0 forbids".into());
        }
        self.ready.push(text);
        self.row.clear();
        self.row_chars.clear();
        Ok(())
    }

    /// The encoding of the element just read: UTF-8 when the body must be; for a body labelled
    /// ISO-8859-1, what its non-ASCII bytes are (before any row went out, a non-ASCII byte hands
    /// the body back whole, where the whole body decides).
    fn row_encoding(&mut self) -> Result<&'static Encoding, String> {
        if let Some(k) = self
            .row
            .iter()
            .position(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
        {
            return Err(format!(
                "a row holds the character U+{:04X}, which XML 1.0 forbids",
                self.row[k]
            ));
        }
        if self.strict_utf8 || self.row.is_ascii() {
            return Ok(self.found.unwrap_or(UTF_8));
        }
        if self.handed == 0 && !self.early {
            return Err("a non-ASCII row before the first row went out".into());
        }
        let utf8 = std::str::from_utf8(&self.row).is_ok();
        match (self.found, utf8) {
            (None, true) => self.found = Some(UTF_8),
            (None, false) => self.found = Some(WINDOWS_1252),
            (Some(e), false) if e == UTF_8 => {
                return Err(
                    "the body mixes UTF-8 and ISO-8859-1: rows already out were read as UTF-8"
                        .into(),
                );
            }
            _ => {}
        }
        Ok(self.found.unwrap_or(UTF_8))
    }
}

/// `bytes` decoded, with `chars` (by their place in `bytes`) put back.
fn with_chars(
    encoding: &'static Encoding,
    bytes: &[u8],
    chars: &[(usize, char)],
) -> Option<String> {
    if chars.is_empty() && encoding == UTF_8 {
        return String::from_utf8(bytes.to_vec()).ok();
    }
    let mut text = String::with_capacity(bytes.len() + 4 * chars.len());
    let mut from = 0;
    for &(at, c) in chars {
        text.push_str(&decode(encoding, bytes.get(from..at)?)?);
        text.push(c);
        from = at;
    }
    text.push_str(&decode(encoding, &bytes[from..])?);
    Some(text)
}

impl TextSink for RowText {
    fn text(&mut self, mut run: &[u8], at: u64) -> Result<(), String> {
        let mut pos = at;
        while let Some(&b) = run.first() {
            if let Scan::Element {
                depth,
                string: true,
                escaped,
            } = self.scan
            {
                // The hot loop: a string's bytes up to its closing quote or a backslash.
                if escaped {
                    self.row.push(b);
                    self.scan = Scan::Element {
                        depth,
                        string: true,
                        escaped: false,
                    };
                    run = &run[1..];
                    pos += 1;
                    continue;
                }
                let Some(k) = crate::wire::scan::string_end(run) else {
                    self.row.extend_from_slice(run);
                    return Ok(());
                };
                self.row.extend_from_slice(&run[..=k]);
                let backslash = run[k] == b'\\';
                self.scan = Scan::Element {
                    depth,
                    string: backslash,
                    escaped: backslash,
                };
                run = &run[k + 1..];
                pos += k as u64 + 1;
                if !backslash && depth == 0 {
                    // A string at the top of the list is a whole element.
                    self.end_row()?;
                    self.scan = Scan::Comma;
                }
                continue;
            }
            self.byte(b, pos)?;
            run = &run[1..];
            pos += 1;
        }
        Ok(())
    }

    fn char(&mut self, c: char, at: u64) -> Result<(), String> {
        match self.scan {
            // Outside a string, or after a backslash, it is not JSON: serde_json says so.
            Scan::Element {
                ref mut escaped, ..
            } => {
                *escaped = false;
                self.row_chars.push((self.row.len(), c));
                Ok(())
            }
            Scan::Tail => {
                self.tail_chars.push((self.tail.len(), c));
                Ok(())
            }
            _ if c.is_whitespace() || c == '\u{feff}' => Err(format!(
                "a non-ASCII character before the list, at byte {at}"
            )),
            _ => Err(format!(
                "a non-ASCII character outside the list's elements, at byte {at}"
            )),
        }
    }
}

impl Content for RowText {
    type Out<'a> = Vec<String>;
    type Done = RowsDone;

    fn start(&mut self, strict_utf8: bool) {
        self.strict_utf8 = strict_utf8;
    }

    /// Inside the list: a huge first row is not kept twice.
    fn may_commit(&self) -> bool {
        matches!(
            self.scan,
            Scan::Value { .. } | Scan::Element { .. } | Scan::Comma
        )
    }

    fn commit(&mut self) {
        self.early = true;
    }

    fn end(&mut self, at: u64) -> Result<(), String> {
        match self.scan {
            Scan::Tail => Ok(()),
            _ => Err(format!(
                "the return text ends inside the list, at byte {at}"
            )),
        }
    }

    fn cut(&self, fed: u64) -> String {
        format!(
            "the body ends inside the return part, after {fed} bytes ({} rows read)",
            self.handed + self.ready.len()
        )
    }

    fn drain(
        &mut self,
        out: &mut Vec<String>,
        _last: bool,
        _fed: u64,
        written: &mut bool,
    ) -> Result<(), Stop> {
        if !self.ready.is_empty() {
            *written = true;
            self.handed += self.ready.len();
            out.append(&mut self.ready);
        }
        Ok(())
    }

    fn verify(&mut self, encoding: &'static Encoding, text: &XmlText) -> Result<RowsDone, String> {
        if self.found.is_some_and(|found| found != encoding) {
            return Err(
                "the body mixes UTF-8 and ISO-8859-1: rows already out were read in the other"
                    .into(),
            );
        }
        if encoding == UTF_8
            && let Some(code) = text.nonchar
        {
            return Err(format!(
                "the return part holds the character U+{code:04X}, which XML 1.0 forbids"
            ));
        }
        if let Some(&b) = self
            .tail
            .iter()
            .find(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
        {
            return Err(format!(
                "the return part holds the character U+{b:04X}, which XML 1.0 forbids"
            ));
        }
        let tail = with_chars(encoding, &self.tail, &self.tail_chars)
            .ok_or("the body is not valid UTF-8")?;
        if encoding == UTF_8 && tail.contains(['\u{fffe}', '\u{ffff}']) {
            return Err("the return part holds U+FFFE or U+FFFF, which XML 1.0 forbids".into());
        }
        // What follows the list, as the whole-body path reads it (Unicode whitespace trimmed).
        let rest = tail.trim_end();
        if self.retorno {
            check_members(rest)?;
        } else if !rest.is_empty() {
            return Err("JSON text after the list".into());
        }
        Ok(RowsDone {
            rows: self.handed + self.ready.len(),
            retorno: self.retorno,
            tail,
        })
    }
}

/// The rest of the `retorno` object after its list (`}` or `, "k": v ... }`): valid JSON, and
/// no second `retorno`, whose value the whole-body path would take instead of the rows.
fn check_members(rest: &str) -> Result<(), String> {
    use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
    struct Members;
    impl<'de> Deserialize<'de> for Members {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Members;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members, A::Error> {
                    let mut first = true;
                    while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                        map.next_value::<IgnoredAny>()?;
                        if key == "retorno" && !std::mem::take(&mut first) {
                            return Err(serde::de::Error::custom(
                                "a second `retorno` after the rows",
                            ));
                        }
                        first = false;
                    }
                    Ok(Members)
                }
            }
            d.deserialize_map(V)
        }
    }
    serde_json::from_str::<Members>(&format!("{{\"retorno\":[]{rest}"))
        .map(|_| ())
        .map_err(|e| format!("the JSON after the rows: {e}"))
}
