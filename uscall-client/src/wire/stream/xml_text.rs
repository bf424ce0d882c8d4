//! The return part's text unescaped as it arrives: references, line ends, CDATA, comments and
//! processing instructions, as quick-xml and `response` read them.

use crate::response;
use memchr::memchr2;

/// Where the unescaped text goes.
pub(super) trait TextSink {
    /// Unescaped bytes, in the body's encoding; `at` is where they start in the body.
    fn text(&mut self, run: &[u8], at: u64) -> Result<(), String>;
    /// A non-ASCII character from a character reference.
    fn char(&mut self, c: char, at: u64) -> Result<(), String>;
}

/// The return part's text, unescaped as quick-xml and `response` do: entities and character
/// references, `\r\n` and `\r` as `\n` within each text or CDATA run, CDATA kept, comments and
/// processing instructions skipped; anything else that quick-xml or `response` refuses is an
/// error. It ends at `</`.
#[derive(Default)]
pub(super) struct XmlText {
    state: X,
    /// The last byte of the current text or CDATA run was `\r`: a `\n` right after it goes.
    cr: bool,
    /// How much of `EF BF BE` or `EF BF BF` (U+FFFE, U+FFFF in UTF-8) a comment or processing
    /// instruction just held: those bytes are left out of the text, so they are looked at here.
    nonchar_len: u8,
    /// The first of them a comment or processing instruction held, which XML 1.0 forbids if
    /// the body turns out to be UTF-8 (decided at its end).
    pub(super) nonchar: Option<u32>,
}

#[derive(Default, Clone, Copy)]
enum X {
    #[default]
    Text,
    Ref(Ref),
    /// After `<`.
    Lt,
    /// After `<!`.
    Bang,
    /// After `<![` and this many bytes of `CDATA[`.
    CDataOpen(usize),
    /// Inside CDATA, holding back this many `]` (up to 2) that may start `]]>`.
    CData(u8),
    /// After `<!-`.
    CommentOpen,
    /// Inside a comment, after this many `-` (up to 2).
    Comment(u8),
    /// Inside a processing instruction: whether a byte came after `<?`, and whether it was `?`.
    Pi {
        started: bool,
        question: bool,
    },
}

/// A reference after `&`, as read so far.
#[derive(Clone, Copy)]
enum Ref {
    Start,
    Name([u8; 4], usize),
    Hash,
    Dec(u32),
    HexStart,
    Hex(u32),
}

impl XmlText {
    /// Returns where the text ended within `bytes` (just past `</`), if it did.
    pub(super) fn process<S: TextSink>(
        &mut self,
        bytes: &[u8],
        at: u64,
        json: &mut S,
    ) -> Result<Option<usize>, String> {
        let mut i = 0;
        while i < bytes.len() {
            let pos = at + i as u64;
            match self.state {
                X::Text => {
                    if std::mem::take(&mut self.cr) && bytes[i] == b'\n' {
                        i += 1;
                        continue;
                    }
                    let rest = &bytes[i..];
                    let Some(k) = crate::wire::scan::markup_at(rest) else {
                        json.text(rest, pos)?;
                        break;
                    };
                    if k > 0 {
                        json.text(&rest[..k], pos)?;
                    }
                    i += k + 1;
                    match rest[k] {
                        b'\r' => {
                            json.text(b"\n", pos + k as u64)?;
                            self.cr = true;
                        }
                        b'&' => match predefined(&rest[k + 1..]) {
                            // The common case whole in this slice (NuSOAP writes every JSON
                            // quote as `&quot;`): no walk byte by byte.
                            Some((c, len)) => {
                                json.text(&[c], pos + k as u64)?;
                                i += len;
                            }
                            None => self.state = X::Ref(Ref::Start),
                        },
                        _ => self.state = X::Lt,
                    }
                }
                X::CData(held) => {
                    let rest = &bytes[i..];
                    if std::mem::take(&mut self.cr) && rest[0] == b'\n' {
                        i += 1;
                    } else if held > 0 {
                        i += 1;
                        match rest[0] {
                            b']' if held == 2 => json.text(b"]", pos)?,
                            b']' => self.state = X::CData(held + 1),
                            b'>' if held == 2 => self.state = X::Text,
                            _ => {
                                json.text(&b"]]"[..usize::from(held)], pos)?;
                                self.state = X::CData(0);
                                i -= 1;
                            }
                        }
                    } else {
                        let Some(k) = memchr2(b']', b'\r', rest) else {
                            json.text(rest, pos)?;
                            break;
                        };
                        if k > 0 {
                            json.text(&rest[..k], pos)?;
                        }
                        i += k + 1;
                        if rest[k] == b'\r' {
                            json.text(b"\n", pos + k as u64)?;
                            self.cr = true;
                        } else {
                            self.state = X::CData(1);
                        }
                    }
                }
                state => {
                    i += 1;
                    let b = bytes[i - 1];
                    if let X::Comment(_) | X::Pi { .. } = state {
                        self.skipped(b, pos)?;
                    }
                    self.state = match (state, b) {
                        (X::Ref(r), b) => match reference(r, b) {
                            Ok(Resolved::More(r)) => X::Ref(r),
                            Ok(Resolved::Char(c)) if c.is_ascii() => {
                                json.text(&[c as u8], pos)?;
                                X::Text
                            }
                            Ok(Resolved::Char(c)) => {
                                json.char(c, pos)?;
                                X::Text
                            }
                            Err(what) => return Err(format!("{what} at byte {pos}")),
                        },
                        (X::Lt, b'/') => return Ok(Some(i)),
                        (X::Lt, b'!') => X::Bang,
                        (X::Lt, b'?') => X::Pi {
                            started: false,
                            question: false,
                        },
                        (X::Lt, _) => {
                            return Err(format!(
                                "the return part holds an element where text was expected, at byte {pos}"
                            ));
                        }
                        (X::Bang, b'[') => X::CDataOpen(0),
                        (X::Bang, b'-') => X::CommentOpen,
                        (X::Bang, b'D' | b'd') => {
                            return Err(format!(
                                "DTDs are not accepted in SOAP responses (byte {pos})"
                            ));
                        }
                        (X::CDataOpen(k), b) if b"CDATA["[k] == b => match k {
                            5 => X::CData(0),
                            _ => X::CDataOpen(k + 1),
                        },
                        (X::CommentOpen, b'-') => X::Comment(0),
                        (X::Comment(dashes), b'-') => X::Comment((dashes + 1).min(2)),
                        (X::Comment(2), b'>') => X::Text,
                        (X::Comment(_), _) => X::Comment(0),
                        (X::Pi { started: false, .. }, b'>') => {
                            return Err(format!("malformed XML: `<?>` at byte {pos}"));
                        }
                        (X::Pi { question: true, .. }, b'>') => X::Text,
                        (X::Pi { .. }, b) => X::Pi {
                            started: true,
                            question: b == b'?',
                        },
                        _ => {
                            return Err(format!(
                                "malformed XML: markup that is neither CDATA nor a comment, at byte {pos}"
                            ));
                        }
                    };
                }
            }
        }
        Ok(None)
    }

    /// Checks a byte of a comment or processing instruction, whose text goes nowhere, for the
    /// characters XML 1.0 forbids (in the text, [`super::RecordingStream::verify`] looks for them).
    fn skipped(&mut self, b: u8, pos: u64) -> Result<(), String> {
        if b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r') {
            return Err(format!(
                "the return part holds the character U+{b:04X}, which XML 1.0 forbids, at byte {pos}"
            ));
        }
        self.nonchar_len = match (self.nonchar_len, b) {
            (_, 0xEF) => 1,
            (1, 0xBF) => 2,
            (2, 0xBE | 0xBF) => {
                self.nonchar.get_or_insert(0xFFFE + u32::from(b - 0xBE));
                0
            }
            _ => 0,
        };
        Ok(())
    }
}

/// A predefined entity's name and `;` at the start of `rest`: its character and length.
fn predefined(rest: &[u8]) -> Option<(u8, usize)> {
    const ENTITIES: [(&[u8], u8); 5] = [
        (b"quot;", b'"'),
        (b"amp;", b'&'),
        (b"lt;", b'<'),
        (b"gt;", b'>'),
        (b"apos;", b'\''),
    ];
    ENTITIES
        .iter()
        .find(|(name, _)| rest.starts_with(name))
        .map(|&(name, c)| (c, name.len()))
}

enum Resolved {
    More(Ref),
    Char(char),
}

/// One more byte of a reference: quick-xml's rules (a reference runs to `;`, and `&` or `<`
/// before it is an error) and `response`'s (the five predefined entities, decimal and `x` hex
/// character references of a character XML 1.0 allows).
fn reference(r: Ref, b: u8) -> Result<Resolved, String> {
    let bad = || "bad character reference".to_owned();
    let digit = |v: u32, radix: u32| {
        let d = char::from(b).to_digit(radix).ok_or_else(bad)?;
        let v = v * radix + d;
        if v > 0x10FFFF { Err(bad()) } else { Ok(v) }
    };
    Ok(match (r, b) {
        (_, b'&' | b'<') => {
            return Err("malformed XML: a reference is not closed with `;`".into());
        }
        (Ref::Start, b';') => return Err("undefined entity &;".into()),
        (Ref::Start, b'#') => Resolved::More(Ref::Hash),
        (Ref::Start, b) => Resolved::More(Ref::Name([b, 0, 0, 0], 1)),
        (Ref::Name(name, len), b';') => Resolved::Char(match &name[..len] {
            b"amp" => '&',
            b"lt" => '<',
            b"gt" => '>',
            b"quot" => '"',
            b"apos" => '\'',
            other => {
                return Err(format!(
                    "undefined entity &{};",
                    String::from_utf8_lossy(other)
                ));
            }
        }),
        (Ref::Name(mut name, len), b) if len < 4 => {
            name[len] = b;
            Resolved::More(Ref::Name(name, len + 1))
        }
        (Ref::Name(name, _), _) => {
            return Err(format!(
                "undefined entity &{}...",
                String::from_utf8_lossy(&name)
            ));
        }
        (Ref::Hash, b'x') => Resolved::More(Ref::HexStart),
        (Ref::Hash, _) => Resolved::More(Ref::Dec(digit(0, 10)?)),
        (Ref::Dec(v) | Ref::Hex(v), b';') => match char::from_u32(v) {
            Some(c) if response::is_xml_char(c) => Resolved::Char(c),
            Some(_) => {
                return Err(format!(
                    "a character reference to U+{v:04X}, which XML 1.0 forbids,"
                ));
            }
            None => return Err(bad()),
        },
        (Ref::Dec(v), _) => Resolved::More(Ref::Dec(digit(v, 10)?)),
        (Ref::HexStart, _) => Resolved::More(Ref::Hex(digit(0, 16)?)),
        (Ref::Hex(v), _) => Resolved::More(Ref::Hex(digit(v, 16)?)),
    })
}
