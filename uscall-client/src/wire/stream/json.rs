//! The JSON scanner: copies the return text, finding the recording's string (`arquivo_base_64`)
//! where the model reads it and sending its content to the base64 decoder.

use super::{Audio, decode};
use encoding_rs::Encoding;
use memchr::{memchr, memchr2};

/// JSON nesting tracked; serde_json refuses anything deeper than 128 anyway.
const MAX_JSON_DEPTH: usize = 256;

/// The return text as JSON: copies it to `out`, except the recording's string, whose content
/// goes to [`Audio`]. It tracks only what finds that string; the JSON's validity is checked at
/// the end by serde_json.
#[derive(Default)]
pub(super) struct Json {
    /// The return text's bytes as received (ISO-8859-1 or UTF-8, decided at the end) ...
    pub(super) out: Vec<u8>,
    /// ... and the non-ASCII characters of character references, by their place in `out`.
    chars: Vec<(usize, char)>,
    stack: Vec<Frame>,
    /// Containers open beyond [`MAX_JSON_DEPTH`].
    deeper: usize,
    lex: Lex,
    key: KeyBuf,
    pub(super) streamed: Streamed,
    /// Where in `out` the recording string's content was left out.
    pub(super) placeholder: Option<usize>,
    pub(super) audio: Audio,
}

#[derive(Default, PartialEq, Eq)]
pub(super) enum Streamed {
    #[default]
    NotYet,
    Inside,
    Done,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Lex {
    #[default]
    Outside,
    Key(Esc),
    Value {
        escaped: bool,
    },
    Audio(Esc),
}

/// Where a JSON string escape is.
#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Esc {
    #[default]
    None,
    Backslash,
    /// `\u` and this many hex digits, worth `u32`.
    Unicode(u8, u32),
}

enum Frame {
    Object {
        expect_key: bool,
        key: Key,
        /// Whether the model (`models::one`) may read a recording from this object: `retorno`'s value,
        /// the first item of a list under `retorno`, or the first item of a top-level list.
        candidate: bool,
    },
    Array {
        index: usize,
    },
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Key {
    Other,
    Retorno,
    Audio,
}

/// An object key, decoded as far as telling `retorno` and `arquivo_base_64` apart.
#[derive(Default)]
struct KeyBuf {
    bytes: [u8; 16],
    len: usize,
    other: bool,
}

impl KeyBuf {
    fn push(&mut self, code: u32) {
        match u8::try_from(code) {
            Ok(b) if b.is_ascii() && self.len < self.bytes.len() => {
                self.bytes[self.len] = b;
                self.len += 1;
            }
            _ => self.other = true,
        }
    }

    fn key(&self) -> Key {
        match &self.bytes[..self.len] {
            _ if self.other => Key::Other,
            b"retorno" => Key::Retorno,
            b"arquivo_base_64" => Key::Audio,
            _ => Key::Other,
        }
    }
}

/// One byte of a string escape: `Ok(Some(code))` when it is complete.
fn escape(esc: Esc, b: u8) -> Result<(Esc, Option<u32>), ()> {
    Ok(match esc {
        Esc::Backslash => match b {
            b'"' | b'\\' | b'/' => (Esc::None, Some(u32::from(b))),
            b'b' => (Esc::None, Some(0x08)),
            b'f' => (Esc::None, Some(0x0C)),
            b'n' => (Esc::None, Some(0x0A)),
            b'r' => (Esc::None, Some(0x0D)),
            b't' => (Esc::None, Some(0x09)),
            b'u' => (Esc::Unicode(0, 0), None),
            _ => return Err(()),
        },
        Esc::Unicode(n, v) => {
            let v = v * 16 + char::from(b).to_digit(16).ok_or(())?;
            match n {
                3 => (Esc::None, Some(v)),
                _ => (Esc::Unicode(n + 1, v), None),
            }
        }
        Esc::None => (Esc::None, Some(u32::from(b))),
    })
}

impl Json {
    pub(super) fn is_in_audio(&self) -> bool {
        self.streamed == Streamed::Inside
    }

    /// Bytes of unescaped text; `at` is where they start in the body, for messages.
    pub(super) fn text(&mut self, mut run: &[u8], at: u64) -> Result<(), String> {
        while !run.is_empty() {
            match self.lex {
                Lex::Outside => {
                    let end = memchr(b'"', run).unwrap_or(run.len());
                    for &b in &run[..end] {
                        self.structure(b);
                    }
                    let Some(rest) = run.get(end + 1..) else {
                        self.out.extend_from_slice(run);
                        return Ok(());
                    };
                    self.out.extend_from_slice(&run[..=end]);
                    run = rest;
                    self.open_string();
                }
                Lex::Value { escaped: true } => {
                    self.out.push(run[0]);
                    run = &run[1..];
                    self.lex = Lex::Value { escaped: false };
                }
                Lex::Value { escaped: false } => {
                    let Some(k) = memchr2(b'"', b'\\', run) else {
                        self.out.extend_from_slice(run);
                        return Ok(());
                    };
                    self.out.extend_from_slice(&run[..=k]);
                    self.lex = match run[k] {
                        b'"' => Lex::Outside,
                        _ => Lex::Value { escaped: true },
                    };
                    run = &run[k + 1..];
                }
                Lex::Key(esc) => {
                    let b = run[0];
                    run = &run[1..];
                    self.out.push(b);
                    self.lex = match (esc, b) {
                        (Esc::None, b'"') => {
                            let key = self.key.key();
                            if let Some(Frame::Object { key: k, .. }) = self.top() {
                                *k = key;
                            }
                            Lex::Outside
                        }
                        (Esc::None, b'\\') => Lex::Key(Esc::Backslash),
                        _ => match escape(esc, b) {
                            Ok((esc, code)) => {
                                if let Some(code) = code {
                                    self.key.push(code);
                                }
                                Lex::Key(esc)
                            }
                            Err(()) => {
                                self.key.other = true;
                                Lex::Key(Esc::None)
                            }
                        },
                    };
                }
                Lex::Audio(Esc::None) => run = self.audio_run(run),
                Lex::Audio(esc) => {
                    let (esc, code) = escape(esc, run[0]).map_err(|()| {
                        format!("an invalid JSON escape in the recording at byte {at}")
                    })?;
                    run = &run[1..];
                    self.lex = Lex::Audio(esc);
                    match code {
                        Some(0x20 | 0x09 | 0x0A | 0x0C | 0x0D) | None => {}
                        Some(code @ 0..0x80) => self.audio.acc.push(code as u8),
                        Some(_) => {
                            return Err(format!(
                                "the recording's base64 text holds a non-ASCII character at byte {at}"
                            ));
                        }
                    }
                }
            }
            if self.lex == Lex::Outside && self.streamed == Streamed::Inside {
                self.audio.finish(at)?;
                self.streamed = Streamed::Done;
            }
        }
        Ok(())
    }

    /// The hot loop: copies runs between `"` and `\` to the base64 buffer; `\/` inline.
    fn audio_run<'r>(&mut self, mut run: &'r [u8]) -> &'r [u8] {
        loop {
            let Some(k) = memchr2(b'"', b'\\', run) else {
                self.audio.acc.extend_from_slice(run);
                return &[];
            };
            self.audio.acc.extend_from_slice(&run[..k]);
            if run[k] == b'"' {
                self.out.push(b'"');
                self.lex = Lex::Outside;
                return &run[k + 1..];
            }
            if run.get(k + 1) == Some(&b'/') {
                self.audio.acc.push(b'/');
                run = &run[k + 2..];
            } else {
                self.lex = Lex::Audio(Esc::Backslash);
                return &run[k + 1..];
            }
        }
    }

    /// A non-ASCII character from a character reference.
    pub(super) fn char(&mut self, c: char, at: u64) -> Result<(), String> {
        match self.lex {
            Lex::Audio(_) => {
                return Err(format!(
                    "the recording's base64 text holds a non-ASCII character at byte {at}"
                ));
            }
            Lex::Key(_) => {
                self.key.other = true;
                self.lex = Lex::Key(Esc::None);
            }
            Lex::Value { .. } => self.lex = Lex::Value { escaped: false },
            Lex::Outside => {}
        }
        self.chars.push((self.out.len(), c));
        Ok(())
    }

    /// The end of the return text.
    pub(super) fn end(&self, at: u64) -> Result<(), String> {
        match self.streamed {
            Streamed::Inside => Err(format!(
                "the return part ends inside the recording's base64 text, at byte {at}"
            )),
            _ => Ok(()),
        }
    }

    fn top(&mut self) -> Option<&mut Frame> {
        if self.deeper > 0 {
            return None;
        }
        self.stack.last_mut()
    }

    fn structure(&mut self, b: u8) {
        match b {
            b'{' | b'[' if self.stack.len() >= MAX_JSON_DEPTH => self.deeper += 1,
            b'{' => {
                let candidate = match self.stack.as_slice() {
                    [Frame::Object { key, .. }] => *key == Key::Retorno,
                    [Frame::Object { key, .. }, Frame::Array { index: 0 }] => *key == Key::Retorno,
                    [Frame::Array { index: 0 }] => true,
                    _ => false,
                };
                self.stack.push(Frame::Object {
                    expect_key: true,
                    key: Key::Other,
                    candidate,
                });
            }
            b'[' => self.stack.push(Frame::Array { index: 0 }),
            b'}' | b']' if self.deeper > 0 => self.deeper -= 1,
            b'}' | b']' => {
                self.stack.pop();
            }
            b',' => match self.top() {
                Some(Frame::Object {
                    expect_key, key, ..
                }) => {
                    *expect_key = true;
                    *key = Key::Other;
                }
                Some(Frame::Array { index }) => *index = index.saturating_add(1),
                None => {}
            },
            b':' => {
                if let Some(Frame::Object { expect_key, .. }) = self.top() {
                    *expect_key = false;
                }
            }
            _ => {}
        }
    }

    fn open_string(&mut self) {
        let first = self.streamed == Streamed::NotYet;
        self.lex = match self.top() {
            Some(Frame::Object {
                expect_key: true, ..
            }) => {
                self.key = KeyBuf::default();
                Lex::Key(Esc::None)
            }
            Some(Frame::Object {
                expect_key: false,
                key: Key::Audio,
                candidate: true,
            }) if first => {
                self.streamed = Streamed::Inside;
                self.placeholder = Some(self.out.len());
                Lex::Audio(Esc::None)
            }
            _ => Lex::Value { escaped: false },
        };
    }

    /// `out[start..end]` decoded, with the characters of character references put back (a
    /// character after the last byte belongs to the range that ends there).
    pub(super) fn decode(
        &self,
        encoding: &'static Encoding,
        start: usize,
        end: usize,
    ) -> Option<String> {
        let last = end == self.out.len();
        let within = |at: usize| at >= start && (at < end || (last && at == end));
        let mut text = String::new();
        let mut from = start;
        for &(at, c) in self.chars.iter().filter(|(at, _)| within(*at)) {
            text.push_str(&decode(encoding, self.out.get(from..at)?)?);
            text.push(c);
            from = at;
        }
        text.push_str(&decode(encoding, self.out.get(from..end)?)?);
        Some(text)
    }
}
