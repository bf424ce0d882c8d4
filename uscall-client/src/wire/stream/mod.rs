//! Streams audioDownload's recording from the response body to a sink, in constant memory.
//!
//! One pass does XML text unescaping, JSON scanning and base64 decoding, accepting what the
//! whole-body path (`transport::read`, then `models::one::<Recording>`) accepts. The envelope
//! before the return part is buffered and walked by `response`'s own parser; the return text
//! then flows through three push stages ([`XmlText`] → [`Json`] → [`Audio`]); the rest of the
//! envelope is buffered and checked at the end by parsing the envelope again with an empty
//! return part, and the JSON by reading the recording from it. Until the sink has received its
//! first bytes, every body byte is kept, so that anything unusual, or any error, hands the body
//! back for the whole-body path to judge.

use crate::models::{self, Recording};
use crate::response::{self, Parsed};
use crate::{Response, charset};
use base64::Engine as _;
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use memchr::{memchr, memchr2, memchr3};
use std::io;

/// The one operation whose answers are streamed.
const OPERATION: &str = "audioDownload";
/// The most bytes buffered before the return part's text starts, and after it ends.
const PREFIX_LIMIT: usize = 64 * 1024;
const SUFFIX_LIMIT: usize = 64 * 1024;
/// The most return text kept before the recording's string starts (else the body goes whole).
const JSON_BEFORE_AUDIO_LIMIT: usize = 1 << 20;
/// Body bytes handled between two looks at the decoding buffers, so one big chunk cannot grow them.
const SLICE: usize = 64 * 1024;
/// Base64 text decoded at once: large batches keep the per-run cost small (PHP escapes every
/// `/`, so the JSON string comes in runs of about 64 bytes).
const BATCH: usize = 48 * 1024;
/// The most bytes handed to the sink at once; the first write waits until this much is decoded.
const PIECE: usize = 256 * 1024;
/// JSON nesting tracked; serde_json refuses anything deeper than 128 anyway.
const MAX_JSON_DEPTH: usize = 256;
const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// The sink the decoded audio goes to.
pub(crate) type Sink<'a> = dyn FnMut(&[u8]) -> io::Result<()> + 'a;

/// How a body ended.
#[derive(Debug)]
pub(crate) enum Finished {
    /// The envelope was well formed and its return text was JSON whose recording string
    /// (`arquivo_base_64` where `models::one::<Recording>` reads it) went to the sink. `json` is
    /// the return text as the whole-body path has it, with that string value replaced by `""`.
    Streamed { json: String, audio_bytes: u64 },
    /// An answer this decoder does not stream (a Fault, an HTML page, another charset, markup in
    /// the return text, no recording, any error found before the sink got bytes): the whole
    /// body, byte for byte, for the whole-body path, which gives the right answer or error.
    Whole(Vec<u8>),
}

/// Why streaming failed after the sink had received bytes.
#[derive(Debug)]
pub(crate) enum StreamError {
    /// The sink failed.
    Io(io::Error),
    /// The body is not an answer the whole-body path accepts; the message says what and where.
    Malformed { message: String },
}

impl std::fmt::Display for StreamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StreamError::Io(e) => write!(f, "cannot write the recording: {e}"),
            StreamError::Malformed { message } => write!(f, "unreadable recording: {message}"),
        }
    }
}

/// A push decoder for one audioDownload answer (a 2xx body; the caller counts its size against
/// its limit, as `response::body` does).
pub(crate) struct RecordingStream {
    http_charset: Option<String>,
    stage: Stage,
    /// Every body byte so far, while the sink has had none (afterwards, empty).
    body: Vec<u8>,
    written: bool,
    /// Body bytes fed so far.
    fed: u64,
    utf8: Utf8Check,
    /// A BOM, a UTF-8 label or none: every byte must be UTF-8. Else ISO-8859-1, which is read as
    /// UTF-8 if the whole body turns out to be valid UTF-8 with non-ASCII bytes (charset.rs).
    strict_utf8: bool,
    source: &'static str,
    bom_len: usize,
    /// The body length at which the prefix is parsed again.
    next_attempt: usize,
    /// The envelope up to and including the return part's start tag (ASCII).
    prefix: String,
    text: XmlText,
    json: Json,
    /// The envelope from the return part's end tag on.
    suffix: Vec<u8>,
    suffix_at: u64,
}

enum Stage {
    Prefix,
    Text,
    Suffix,
    Whole,
    Failed(String),
}

/// Why processing stopped: a refusal (→ `Whole` if nothing was written) or the sink's error.
enum Stop {
    Fail(String),
    Io(io::Error),
}

impl From<String> for Stop {
    fn from(message: String) -> Self {
        Stop::Fail(message)
    }
}

impl RecordingStream {
    /// `http_charset`: the charset parameter of the Content-Type, if any.
    pub(crate) fn new(http_charset: Option<&str>) -> Self {
        RecordingStream {
            http_charset: http_charset.map(str::to_owned),
            stage: Stage::Prefix,
            body: Vec::new(),
            written: false,
            fed: 0,
            utf8: Utf8Check::default(),
            strict_utf8: true,
            source: "default",
            bom_len: 0,
            next_attempt: 0,
            prefix: String::new(),
            text: XmlText::default(),
            json: Json::default(),
            suffix: Vec::new(),
            suffix_at: 0,
        }
    }

    /// Feeds the next bytes of the body (any split). Decoded audio goes to `sink` in pieces of
    /// at most 256 KiB.
    pub(crate) fn feed(&mut self, chunk: &[u8], sink: &mut Sink<'_>) -> Result<(), StreamError> {
        let mut done = 0;
        for piece in chunk.chunks(SLICE) {
            match &self.stage {
                Stage::Whole => {
                    self.body.extend_from_slice(&chunk[done..]);
                    return Ok(());
                }
                Stage::Failed(message) => {
                    return Err(StreamError::Malformed {
                        message: message.clone(),
                    });
                }
                _ => {}
            }
            if !self.written {
                self.body.extend_from_slice(piece);
            }
            let at = self.fed;
            self.fed += piece.len() as u64;
            done += piece.len();
            self.utf8.update(piece);
            let step = self
                .advance(piece, at)
                .and_then(|()| self.drain(sink, false));
            if let Err(stop) = step {
                self.stop(stop)?;
                if matches!(self.stage, Stage::Whole) {
                    self.body.extend_from_slice(&chunk[done..]);
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// The end of the body.
    pub(crate) fn finish(mut self, sink: &mut Sink<'_>) -> Result<Finished, StreamError> {
        if matches!(self.stage, Stage::Prefix)
            && let Err(stop) = self.attempt(true)
        {
            self.stop(stop)?;
        }
        let outcome = match &self.stage {
            Stage::Whole | Stage::Prefix => return Ok(Finished::Whole(self.body)),
            Stage::Failed(message) => {
                return Err(StreamError::Malformed {
                    message: message.clone(),
                });
            }
            Stage::Text if self.json.is_in_audio() => Err(format!(
                "the body ends inside the recording's base64 text, after {} bytes",
                self.fed
            )),
            Stage::Text => Err(format!(
                "the body ends inside the return part, after {} bytes",
                self.fed
            )),
            Stage::Suffix => self.verify(),
        };
        match outcome.map_err(Stop::Fail).and_then(|json| {
            self.drain(sink, true)?;
            Ok(json)
        }) {
            Ok(json) => Ok(Finished::Streamed {
                json,
                audio_bytes: self.json.audio.total,
            }),
            Err(stop) => {
                self.stop(stop)?;
                Ok(Finished::Whole(self.body))
            }
        }
    }

    /// Records a stop: back to buffering the whole body while nothing was written, else failed.
    fn stop(&mut self, stop: Stop) -> Result<(), StreamError> {
        match stop {
            Stop::Fail(_) if !self.written => {
                self.stage = Stage::Whole;
                Ok(())
            }
            Stop::Fail(message) => {
                self.stage = Stage::Failed(message.clone());
                Err(StreamError::Malformed { message })
            }
            Stop::Io(e) => {
                self.stage = Stage::Failed(format!("the sink failed earlier: {e}"));
                Err(StreamError::Io(e))
            }
        }
    }

    fn advance(&mut self, piece: &[u8], at: u64) -> Result<(), Stop> {
        match self.stage {
            Stage::Prefix => {
                let due = self.body.len() >= self.next_attempt && memchr(b'>', piece).is_some();
                if due || self.body.len() > PREFIX_LIMIT {
                    self.attempt(false)?;
                }
                Ok(())
            }
            Stage::Text => {
                self.check_utf8()?;
                self.text_bytes(piece, at)
            }
            Stage::Suffix => {
                self.check_utf8()?;
                self.suffix_bytes(piece)
            }
            Stage::Whole | Stage::Failed(_) => Ok(()),
        }
    }

    /// Looks for the return part's start tag in the buffered prefix, with `response`'s parser.
    /// Parsing again only after the prefix grew by half keeps 1-byte feeds linear.
    fn attempt(&mut self, last: bool) -> Result<(), Stop> {
        let bom = if self.body.starts_with(UTF8_BOM) {
            3
        } else {
            0
        };
        let head = &self.body[bom.min(self.body.len())..];
        let ascii = head
            .iter()
            .position(|b| !b.is_ascii())
            .unwrap_or(head.len());
        let start = std::str::from_utf8(&head[..ascii])
            .ok()
            .and_then(|head| response::return_text_start(head, OPERATION));
        match start {
            Some(offset) => self.found(bom, bom + offset),
            None if last || ascii < head.len() || self.body.len() > PREFIX_LIMIT => {
                Err(Stop::Fail("not an answer this decoder streams".into()))
            }
            None => {
                self.next_attempt = self.body.len() + self.body.len() / 2 + 64;
                Ok(())
            }
        }
    }

    fn found(&mut self, bom: usize, text_at: usize) -> Result<(), Stop> {
        let choice = charset::choose(&self.body, self.http_charset.as_deref())
            .map_err(|e| Stop::Fail(e.message))?;
        if choice.encoding != UTF_8 && choice.encoding != WINDOWS_1252 {
            return Err(Stop::Fail(format!(
                "{} is not streamed",
                choice.encoding.name()
            )));
        }
        self.strict_utf8 = choice.encoding == UTF_8;
        self.source = choice.source;
        self.bom_len = bom;
        self.prefix = String::from_utf8_lossy(&self.body[bom..text_at]).into_owned();
        self.stage = Stage::Text;
        self.check_utf8()?;
        let rest = self.body[text_at..].to_vec();
        self.text_bytes(&rest, text_at as u64)
    }

    fn check_utf8(&self) -> Result<(), Stop> {
        if self.strict_utf8 && self.utf8.invalid {
            return Err(Stop::Fail(format!(
                "the body is not valid UTF-8 (encoding chosen by {}), within its first {} bytes",
                self.source, self.fed
            )));
        }
        Ok(())
    }

    fn text_bytes(&mut self, bytes: &[u8], at: u64) -> Result<(), Stop> {
        let end = self.text.process(bytes, at, &mut self.json)?;
        if self.json.streamed == Streamed::NotYet && self.json.out.len() > JSON_BEFORE_AUDIO_LIMIT {
            return Err(Stop::Fail(
                "no recording string early in the return text".into(),
            ));
        }
        if let Some(i) = end {
            self.json.end(at + i as u64)?;
            self.stage = Stage::Suffix;
            self.suffix_at = (at + i as u64).saturating_sub(2);
            self.suffix = b"</".to_vec();
            self.suffix_bytes(&bytes[i..])?;
        }
        Ok(())
    }

    fn suffix_bytes(&mut self, bytes: &[u8]) -> Result<(), Stop> {
        if self.suffix.len() + bytes.len() > SUFFIX_LIMIT {
            return Err(Stop::Fail(format!(
                "more than {SUFFIX_LIMIT} bytes after the return part (at byte {})",
                self.suffix_at
            )));
        }
        self.suffix.extend_from_slice(bytes);
        Ok(())
    }

    /// Decodes the base64 gathered so far and hands full pieces (or, at the end, all) to the sink.
    fn drain(&mut self, sink: &mut Sink<'_>, last: bool) -> Result<(), Stop> {
        let audio = &mut self.json.audio;
        if audio.acc.len() >= BATCH {
            audio.decode_batch(self.fed)?;
        }
        if audio.out.len() >= PIECE || (last && !audio.out.is_empty()) {
            for piece in audio.out.chunks(PIECE) {
                self.written = true;
                self.body = Vec::new();
                sink(piece).map_err(Stop::Io)?;
                audio.total += piece.len() as u64;
            }
            audio.out.clear();
        }
        Ok(())
    }

    /// Everything the whole-body path would check besides the streamed string: the envelope
    /// around the return part, the charset, the JSON, and that the recording read from it is
    /// the string that was streamed. Returns the JSON text.
    fn verify(&mut self) -> Result<String, String> {
        let utf8 = self.strict_utf8 || (self.utf8.non_ascii && self.utf8.valid_at_end());
        if self.strict_utf8 && !self.utf8.valid_at_end() {
            return Err(format!(
                "the body is not valid UTF-8 (encoding chosen by {})",
                self.source
            ));
        }
        let encoding = if utf8 { UTF_8 } else { WINDOWS_1252 };
        self.forbidden_chars(encoding)?;
        let suffix = decode(encoding, &self.suffix).ok_or("the body is not valid UTF-8")?;
        let envelope = format!("{}{suffix}", self.prefix);
        match response::parse(&envelope, OPERATION) {
            Ok(Parsed::Return(text)) if text.is_empty() => {}
            Ok(_) => return Err("the envelope does not read back as this return part".into()),
            Err(e) => {
                let position = match e.position.checked_sub(self.prefix.len()) {
                    Some(after) => self.suffix_at + after as u64,
                    None => (self.bom_len + e.position) as u64,
                };
                return Err(format!("{} (near byte {position})", e.message));
            }
        }
        let Some(at) = self.json.placeholder else {
            return Err("the return text holds no recording string".into());
        };
        let head = self
            .json
            .decode(encoding, 0, at)
            .ok_or("the body is not valid UTF-8")?;
        let tail = self
            .json
            .decode(encoding, at, self.json.out.len())
            .ok_or("the body is not valid UTF-8")?;
        let json = format!("{head}{tail}");
        let audio_of = |json: String| -> Result<Vec<u8>, String> {
            let response = Response::parse(OPERATION, json, "").map_err(|e| match e {
                crate::Error::Json { message, .. } => message,
                other => other.to_string(),
            })?;
            let recording = models::one::<Recording>(&response).map_err(|e| e.to_string())?;
            Ok(recording.audio)
        };
        // Two readings tell whether the recording comes from the streamed string: it reads
        // nothing with `""` there and exactly the marker's bytes with the marker there.
        let empty = audio_of(json.clone())?;
        let marked = audio_of(format!("{head}QUJD{tail}"))?;
        if !empty.is_empty() || marked != b"ABC" {
            return Err(
                "the recording is read from another arquivo_base_64 than the first one (a duplicate key?)"
                    .into(),
            );
        }
        Ok(json)
    }
}

impl RecordingStream {
    /// Refuses a character XML 1.0 forbids written as it is in the return text: a C0 control
    /// other than tab, line feed and carriage return (the same bytes in both encodings; `out`
    /// holds a carriage return only from a reference, as line ends are normalised), or U+FFFE or
    /// U+FFFF in UTF-8. The recording's string is base64, which refuses them all by itself.
    fn forbidden_chars(&self, encoding: &'static Encoding) -> Result<(), String> {
        let out = &self.json.out;
        let control = out
            .iter()
            .position(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'));
        let holds = |utf8: &[u8]| memchr::memmem::find(out, utf8).is_some();
        let found = match control {
            Some(k) => Some(u32::from(out[k])),
            None if encoding != UTF_8 => None,
            None if holds(b"\xef\xbf\xbe") => Some(0xFFFE),
            None if holds(b"\xef\xbf\xbf") => Some(0xFFFF),
            None => self.text.nonchar,
        };
        match found {
            Some(code) => Err(format!(
                "the return part holds the character U+{code:04X}, which XML 1.0 forbids"
            )),
            None => Ok(()),
        }
    }
}

fn decode(encoding: &'static Encoding, bytes: &[u8]) -> Option<String> {
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
}

/// Whether the body is UTF-8, followed across chunks.
#[derive(Default)]
struct Utf8Check {
    /// An incomplete sequence at the end of the last chunk.
    carry: [u8; 4],
    carry_len: usize,
    non_ascii: bool,
    invalid: bool,
}

impl Utf8Check {
    fn update(&mut self, mut bytes: &[u8]) {
        if self.invalid {
            return;
        }
        if self.carry_len > 0 {
            let width: usize = match self.carry[0] {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            let take = width.saturating_sub(self.carry_len).min(bytes.len());
            self.carry[self.carry_len..self.carry_len + take].copy_from_slice(&bytes[..take]);
            self.carry_len += take;
            bytes = &bytes[take..];
            if self.carry_len < width {
                return;
            }
            self.carry_len = 0;
            if std::str::from_utf8(&self.carry[..width]).is_err() {
                self.invalid = true;
                return;
            }
        }
        if bytes.is_ascii() {
            return;
        }
        self.non_ascii = true;
        if let Err(e) = std::str::from_utf8(bytes) {
            let tail = &bytes[e.valid_up_to()..];
            if e.error_len().is_some() || tail.len() > 3 {
                self.invalid = true;
            } else {
                self.carry[..tail.len()].copy_from_slice(tail);
                self.carry_len = tail.len();
            }
        }
    }

    fn valid_at_end(&self) -> bool {
        !self.invalid && self.carry_len == 0
    }
}

/// The return part's text, unescaped as quick-xml and `response` do: entities and character
/// references, `\r\n` and `\r` as `\n` within each text or CDATA run, CDATA kept, comments and
/// processing instructions skipped; anything else that quick-xml or `response` refuses is an
/// error. It ends at `</`.
#[derive(Default)]
struct XmlText {
    state: X,
    /// The last byte of the current text or CDATA run was `\r`: a `\n` right after it goes.
    cr: bool,
    /// How much of `EF BF BE` or `EF BF BF` (U+FFFE, U+FFFF in UTF-8) a comment or processing
    /// instruction just held: those bytes are left out of the text, so they are looked at here.
    nonchar_len: u8,
    /// The first of them a comment or processing instruction held, which XML 1.0 forbids if
    /// the body turns out to be UTF-8 (decided at its end).
    nonchar: Option<u32>,
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
    fn process(&mut self, bytes: &[u8], at: u64, json: &mut Json) -> Result<Option<usize>, String> {
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
                    let Some(k) = memchr3(b'&', b'<', b'\r', rest) else {
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
                        b'&' => self.state = X::Ref(Ref::Start),
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
    /// characters XML 1.0 forbids (in the text, [`RecordingStream::verify`] looks for them).
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

/// The return text as JSON: copies it to `out`, except the recording's string, whose content
/// goes to [`Audio`]. It tracks only what finds that string; the JSON's validity is checked at
/// the end by serde_json.
#[derive(Default)]
struct Json {
    /// The return text's bytes as received (ISO-8859-1 or UTF-8, decided at the end) ...
    out: Vec<u8>,
    /// ... and the non-ASCII characters of character references, by their place in `out`.
    chars: Vec<(usize, char)>,
    stack: Vec<Frame>,
    /// Containers open beyond [`MAX_JSON_DEPTH`].
    deeper: usize,
    lex: Lex,
    key: KeyBuf,
    streamed: Streamed,
    /// Where in `out` the recording string's content was left out.
    placeholder: Option<usize>,
    audio: Audio,
}

#[derive(Default, PartialEq, Eq)]
enum Streamed {
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
        /// Whether `models::one` may read a recording from this object: `retorno`'s value,
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
    fn is_in_audio(&self) -> bool {
        self.streamed == Streamed::Inside
    }

    /// Bytes of unescaped text; `at` is where they start in the body, for messages.
    fn text(&mut self, mut run: &[u8], at: u64) -> Result<(), String> {
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
    fn char(&mut self, c: char, at: u64) -> Result<(), String> {
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
    fn end(&self, at: u64) -> Result<(), String> {
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
    fn decode(&self, encoding: &'static Encoding, start: usize, end: usize) -> Option<String> {
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

/// The recording's base64 text, decoded in batches.
#[derive(Default)]
struct Audio {
    /// Base64 text not decoded yet.
    acc: Vec<u8>,
    /// Decoded bytes not handed to the sink yet.
    out: Vec<u8>,
    /// Bytes handed to the sink.
    total: u64,
}

impl Audio {
    /// Drops spaces (`models::cdr`'s decoder ignores ASCII whitespace; the JSON escapes of the
    /// others never reach here, and raw control characters are not JSON).
    fn compact(&mut self, at: u64) -> Result<(), String> {
        if self.acc.iter().fold(false, |any, &b| any | (b <= b' ')) {
            if self.acc.iter().any(|&b| b < b' ') {
                return Err(format!(
                    "a control character inside the recording's base64 text, before byte {at}"
                ));
            }
            self.acc.retain(|&b| b != b' ');
        }
        Ok(())
    }

    /// Decodes all whole quads but the last, which may hold the padding.
    fn decode_batch(&mut self, at: u64) -> Result<(), String> {
        let whole = self.acc.len().saturating_sub(1) / 4 * 4;
        if decode_quads(&self.acc[..whole], &mut self.out) {
            self.acc.drain(..whole);
            return Ok(());
        }
        // Spaces, or a byte the base64 decoder refuses.
        self.compact(at)?;
        let whole = self.acc.len().saturating_sub(1) / 4 * 4;
        if !decode_quads(&self.acc[..whole], &mut self.out) {
            return Err(format!(
                "invalid base64 in the recording (a byte outside the alphabet, or padding before the end), before byte {at}"
            ));
        }
        self.acc.drain(..whole);
        Ok(())
    }

    /// Decodes the rest: the end of the recording's string.
    fn finish(&mut self, at: u64) -> Result<(), String> {
        self.compact(at)?;
        self.decode_into_out(self.acc.len(), at)?;
        self.acc = Vec::new();
        Ok(())
    }

    fn decode_into_out(&mut self, len: usize, at: u64) -> Result<(), String> {
        base64::engine::general_purpose::STANDARD
            .decode_vec(&self.acc[..len], &mut self.out)
            .map_err(|e| format!("invalid base64 in the recording before byte {at}: {e}"))
    }
}

/// Decodes whole quads of the standard base64 alphabet, none of them padded, after `out`.
/// Returns false, leaving `out` as it was, if any byte is outside the alphabet: the base64
/// crate refuses those too, and there it is the final quad only that may hold padding. Table
/// lookups without a branch per quad, two quads at a time, make it faster than the crate.
fn decode_quads(input: &[u8], out: &mut Vec<u8>) -> bool {
    const fn table(shift: u32) -> [u32; 256] {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        // Any value at or above 1 << 24 marks a byte outside the alphabet.
        let mut t = [1u32 << 24; 256];
        let mut i = 0;
        while i < 64 {
            t[alphabet[i] as usize] = (i as u32) << shift;
            i += 1;
        }
        t
    }
    static TABLES: [[u32; 256]; 4] = [table(18), table(12), table(6), table(0)];
    let [t0, t1, t2, t3] = &TABLES;
    let quad = |q: &[u8]| {
        t0[usize::from(q[0])]
            | t1[usize::from(q[1])]
            | t2[usize::from(q[2])]
            | t3[usize::from(q[3])]
    };
    let start = out.len();
    out.resize(start + input.len() / 4 * 3, 0);
    let pairs = input.len() / 8;
    let (paired, single) = out[start..].split_at_mut(pairs * 6);
    let mut seen = 0u32;
    for (eight, six) in input.chunks_exact(8).zip(paired.chunks_exact_mut(6)) {
        let (a, b) = (quad(&eight[..4]), quad(&eight[4..]));
        seen |= a | b;
        six.copy_from_slice(&((u64::from(a) << 24) | u64::from(b)).to_be_bytes()[2..]);
    }
    for (four, three) in input[pairs * 8..]
        .chunks_exact(4)
        .zip(single.chunks_exact_mut(3))
    {
        let v = quad(four);
        seen |= v;
        three.copy_from_slice(&v.to_be_bytes()[1..]);
    }
    if seen >> 24 != 0 {
        out.truncate(start);
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::path::Path;

    /// How the stream ended, once checked against the whole-body path.
    #[derive(Debug, PartialEq, Eq, Clone, Copy)]
    enum Outcome {
        Streamed,
        Whole,
        Malformed,
    }

    fn whole_path(body: &[u8], content_type: Option<&str>) -> crate::Result<(Response, Recording)> {
        let owned = content_type.map(str::to_owned);
        let text = crate::transport::read(
            "audioDownload",
            "tok",
            200,
            owned,
            None,
            body.to_vec(),
            crate::transport::Reading::Return(None),
        )?;
        let response = Response::parse("audioDownload", text, "tok")?;
        let recording = models::one::<Recording>(&response)?;
        Ok((response, recording))
    }

    /// Feeds `body` in pieces of the given sizes (cycled), collecting what reaches the sink.
    fn stream(
        body: &[u8],
        charset: Option<&str>,
        sizes: &[usize],
    ) -> (Result<Finished, StreamError>, Vec<u8>) {
        let mut sunk = Vec::new();
        let result = {
            let mut sink = |piece: &[u8]| {
                assert!(!piece.is_empty() && piece.len() <= PIECE);
                sunk.extend_from_slice(piece);
                Ok(())
            };
            let mut decoder = RecordingStream::new(charset);
            let mut rest = body;
            let mut failed = None;
            for &size in sizes.iter().cycle() {
                if rest.is_empty() {
                    break;
                }
                let n = size.clamp(1, rest.len());
                if let Err(e) = decoder.feed(&rest[..n], &mut sink) {
                    failed = Some(e);
                    break;
                }
                rest = &rest[n..];
            }
            match failed {
                Some(e) => Err(e),
                None => decoder.finish(&mut sink),
            }
        };
        (result, sunk)
    }

    /// Streams `body` and checks the outcome against the whole-body path.
    fn check(body: &[u8], content_type: Option<&str>, sizes: &[usize]) -> Outcome {
        let charset = content_type.and_then(crate::text::charset_param);
        let (got, sunk) = stream(body, charset, sizes);
        match (whole_path(body, content_type), got) {
            (Ok((response, recording)), Ok(Finished::Streamed { json, audio_bytes })) => {
                assert!(sunk == recording.audio, "the sink got other bytes");
                assert_eq!(audio_bytes, sunk.len() as u64);
                assert_eq!(string_left_out(response.raw(), &json), Some(()));
                let mut without_audio = recording;
                without_audio.audio = Vec::new();
                let again = Response::parse("audioDownload", json, "tok").unwrap();
                assert_eq!(models::one::<Recording>(&again).unwrap(), without_audio);
                Outcome::Streamed
            }
            (_, Ok(Finished::Whole(kept))) => {
                assert!(kept == body, "Whole must hand back the body unchanged");
                assert!(sunk.is_empty(), "Whole after writing to the sink");
                Outcome::Whole
            }
            (Err(_), Err(StreamError::Malformed { .. })) => Outcome::Malformed,
            (Ok(_), got) => panic!("the whole path reads a recording, the stream gave {got:?}"),
            (Err(e), Ok(Finished::Streamed { .. })) => {
                panic!("the whole path fails ({e}), the stream streamed")
            }
            (Err(e), Err(got)) => panic!("the whole path fails ({e}), the stream: {got}"),
        }
    }

    /// `json` is `raw` less the content of one JSON string.
    fn string_left_out(raw: &str, json: &str) -> Option<()> {
        let same = |a: &[u8], b: &[u8]| a.iter().zip(b).take_while(|(x, y)| x == y).count();
        let head = same(raw.as_bytes(), json.as_bytes()).min(json.len());
        let rest = &json.as_bytes()[head..];
        let tail = same(
            &raw.as_bytes().iter().rev().copied().collect::<Vec<_>>(),
            &rest.iter().rev().copied().collect::<Vec<_>>(),
        );
        (tail == rest.len()).then_some(())?;
        let gone = raw.get(head..raw.len() - tail)?;
        serde_json::from_str::<String>(&format!("\"{gone}\"")).ok()?;
        Some(())
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Names {
        Ascii,
        Utf8,
        Latin1,
    }

    #[derive(Debug, Clone)]
    struct Gen {
        audio: Vec<u8>,
        names: Names,
        list: bool,
        crlf: bool,
        numeric_quotes: bool,
        cdata: bool,
        bom: bool,
    }

    impl Gen {
        fn new(audio: Vec<u8>) -> Gen {
            Gen {
                audio,
                names: Names::Ascii,
                list: false,
                crlf: false,
                numeric_quotes: false,
                cdata: false,
                bom: false,
            }
        }

        /// The JSON text (PHP style: `/` written `\/`), as bytes in the body's encoding.
        fn json(&self) -> Vec<u8> {
            let mut b64 = base64::engine::general_purpose::STANDARD.encode(&self.audio);
            if self.crlf {
                let lines: Vec<&str> = b64
                    .as_bytes()
                    .chunks(76)
                    .map(|l| std::str::from_utf8(l).unwrap())
                    .collect();
                b64 = lines.join("\\r\\n");
            }
            let b64 = b64.replace('/', "\\/");
            let (origem, status): (&[u8], &[u8]) = match self.names {
                Names::Ascii => (b"11987654321", b"COMPLETADA"),
                Names::Utf8 => ("Recepção".as_bytes(), "NÃO ATENDIDA".as_bytes()),
                Names::Latin1 => (b"Recep\xe7\xe3o", b"N\xc3O ATENDIDA"),
            };
            let record = [
                &b"{\"nomeaudio\":\"1748867415.101.wav\",\"data\":\"2025-06-02 09:30:15\",\"tipo\":\"Recebida\",\"status\":\""[..],
                status,
                b"\",\"origem\":\"",
                origem,
                b"\",\"destino\":\"2001\",\"arquivo_base_64\":\"",
                b64.as_bytes(),
                b"\"}",
            ]
            .concat();
            let (open, close): (&[u8], &[u8]) = if self.list { (b"[", b"]") } else { (b"", b"") };
            [&b"{\"retorno\":"[..], open, &record, close, b"}"].concat()
        }

        fn body(&self) -> Vec<u8> {
            let json = self.json();
            let text = if self.cdata {
                [&b"<![CDATA["[..], &json, b"]]>"].concat()
            } else {
                xml_escape(&json, self.numeric_quotes)
            };
            let bom: &[u8] = if self.bom { UTF8_BOM } else { b"" };
            [bom, &envelope(&text)].concat()
        }
    }

    const CONTENT_TYPE: Option<&str> = Some("text/xml; charset=ISO-8859-1");

    /// NuSOAP's escaping: the five predefined entities.
    fn xml_escape(text: &[u8], numeric_quotes: bool) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() + text.len() / 4);
        for &b in text {
            match b {
                b'"' if numeric_quotes => out.extend_from_slice(b"&#34;"),
                b'"' => out.extend_from_slice(b"&quot;"),
                b'&' => out.extend_from_slice(b"&amp;"),
                b'<' => out.extend_from_slice(b"&lt;"),
                b'>' => out.extend_from_slice(b"&gt;"),
                b'\'' => out.extend_from_slice(b"&apos;"),
                b => out.push(b),
            }
        }
        out
    }

    /// NuSOAP's audioDownload answer around an escaped return text.
    fn envelope(text: &[u8]) -> Vec<u8> {
        crate::fuzzing::nusoap_envelope("audioDownload", text)
    }

    use crate::fuzzing::wav;

    /// Bytes whose base64 holds every character, `/` and `+` included.
    fn noise(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
    }

    /// A body with `inserted` at `at`, or the byte there replaced when `replace`.
    fn edited(body: &[u8], at: usize, inserted: &[u8], replace: bool) -> Vec<u8> {
        let at = at.min(body.len());
        let skip = usize::from(replace && at < body.len());
        [&body[..at], inserted, &body[at + skip..]].concat()
    }

    const SPLITS: &[&[usize]] = &[&[usize::MAX], &[1], &[3, 1, 7, 16384, 2], &[16 * 1024]];

    fn variants(audio: Vec<u8>) -> Vec<Gen> {
        let base = Gen::new(audio);
        let mut all = vec![base.clone()];
        for names in [Names::Utf8, Names::Latin1] {
            all.push(Gen {
                names,
                ..base.clone()
            });
        }
        all.push(Gen {
            crlf: true,
            ..base.clone()
        });
        all.push(Gen {
            numeric_quotes: true,
            ..base.clone()
        });
        all.push(Gen {
            cdata: true,
            ..base.clone()
        });
        all.push(Gen {
            list: true,
            ..base.clone()
        });
        all.push(Gen {
            bom: true,
            names: Names::Utf8,
            ..base.clone()
        });
        all
    }

    #[test]
    fn generated_answers_stream_whatever_the_split() {
        for audio in [Vec::new(), noise(1), noise(2), noise(3), wav(700)] {
            for g in variants(audio) {
                let body = g.body();
                for sizes in SPLITS {
                    assert_eq!(
                        check(&body, CONTENT_TYPE, sizes),
                        Outcome::Streamed,
                        "{g:?} {sizes:?}"
                    );
                }
                assert_eq!(
                    check(&body, None, &[5]),
                    check(&body, Some("text/xml"), &[5])
                );
            }
        }
    }

    #[test]
    fn damaged_small_answers_never_fail_midway() {
        for g in variants(noise(2000)) {
            let body = g.body();
            let len = body.len();
            let mut damaged: Vec<Vec<u8>> =
                (1..10).map(|k| body[..len * k / 10].to_vec()).collect();
            for k in 1..10 {
                damaged.push(edited(&body, len * k / 10, b"<", true));
                damaged.push(edited(&body, len * k / 10, b"&bogus;", false));
            }
            let b64 = memchr::memmem::find(&body, b"base_64").unwrap() + 40;
            damaged.push(edited(&body, b64, b"*", true));
            damaged.push(edited(&body, b64, b"=", true));
            // Some edits are harmless (quick-xml takes `<` inside an attribute value); the
            // check compares with the whole path either way, and nothing was written yet.
            for body in &damaged {
                for sizes in [&[usize::MAX][..], &[1], &[9, 2]] {
                    assert_ne!(check(body, CONTENT_TYPE, sizes), Outcome::Malformed);
                }
            }
        }
    }

    #[test]
    fn errors_found_after_writing_are_malformed() {
        let g = Gen::new(noise(600 * 1024));
        let body = g.body();
        let late = body.len() - 1000;
        for damaged in [
            body[..late].to_vec(),
            edited(&body, late, b"<", true),
            edited(&body, late, b"&bogus;", false),
            edited(&body, late, b"!", true),
            edited(&body, body.len() - 5, b"x", false),
        ] {
            assert_eq!(
                check(&damaged, CONTENT_TYPE, &[16 * 1024]),
                Outcome::Malformed
            );
        }
        // Early damage is found before the first write.
        assert_eq!(
            check(&edited(&body, 5000, b"!", true), CONTENT_TYPE, &[4096]),
            Outcome::Whole
        );
        // After a failure, feeding again repeats it.
        let mut decoder = RecordingStream::new(Some("ISO-8859-1"));
        let mut sink = |_: &[u8]| Ok(());
        let damaged = edited(&body, late, b"!", true);
        assert!(decoder.feed(&damaged, &mut sink).is_err());
        assert!(matches!(
            decoder.feed(b"more", &mut sink),
            Err(StreamError::Malformed { .. })
        ));
    }

    #[test]
    fn large_answers_stream_in_pieces() {
        for g in [
            Gen::new(wav(400_000)),
            Gen {
                crlf: true,
                list: true,
                ..Gen::new(noise(700_000))
            },
        ] {
            let body = g.body();
            for sizes in [&[usize::MAX][..], &[16 * 1024], &[65_537, 3]] {
                assert_eq!(check(&body, CONTENT_TYPE, sizes), Outcome::Streamed);
            }
        }
    }

    #[test]
    fn a_failing_sink_is_an_io_error() {
        let body = Gen::new(noise(600 * 1024)).body();
        let mut decoder = RecordingStream::new(None);
        let mut sink = |_: &[u8]| Err(io::Error::other("disk full"));
        let fed = decoder.feed(&body, &mut sink);
        assert!(matches!(fed, Err(StreamError::Io(_))), "{fed:?}");
    }

    #[test]
    fn faults_html_and_other_charsets_go_whole() {
        let fault = br#"<?xml version="1.0" encoding="ISO-8859-1"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>SOAP-ENV:Server</faultcode><faultstring>Falha</faultstring></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>"#;
        let html = b"<html><head><title>Erro</title></head><body>Erro</body></html>";
        let body = Gen::new(noise(100)).body();
        let utf16: Vec<u8> = String::from_utf8_lossy(&body)
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        for (body, content_type) in [
            (&fault[..], CONTENT_TYPE),
            (html, Some("text/html")),
            (&utf16, Some("text/xml; charset=utf-16")),
            (&body, Some("text/xml; charset=iso-8859-2")),
            (b"", None),
        ] {
            for sizes in SPLITS {
                assert_eq!(check(body, content_type, sizes), Outcome::Whole);
            }
        }
    }

    /// A minimal envelope around a return text.
    fn soap(text: &str) -> Vec<u8> {
        format!("<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body><audioDownloadResponse><return>{text}</return></audioDownloadResponse></s:Body></s:Envelope>").into_bytes()
    }

    /// Every split of `body` into two pieces, then 1-byte pieces: all stream.
    fn streams_split_anywhere(body: &[u8]) {
        assert_eq!(check(body, None, &[1]), Outcome::Streamed);
        for cut in 1..body.len() {
            assert_eq!(
                check(body, None, &[cut, usize::MAX]),
                Outcome::Streamed,
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn references_split_anywhere() {
        streams_split_anywhere(&soap(
            "{&quot;retorno&#34;:{&#x22;origem&quot;:&quot;S&#xe3;o &amp; &lt;&gt; &apos;&#128512;&quot;,&quot;arquivo_base_64&quot;:&quot;&#81;UJ&#x44;&quot;}}",
        ));
    }

    #[test]
    fn json_escapes_split_anywhere() {
        // `\u0051` is Q, `\u002f` is /, `\u0020` a space; `\r\n` escapes are whitespace.
        streams_split_anywhere(&soap(
            r#"{"retorno":{"arquivo_base_64":"\u0051UJ\r\nD\/\u002f\/\u0020\/\/\t\u002F8=","origem":"a\"\\b\u00e3"}}"#,
        ));
        streams_split_anywhere(&soap(r#"{"retorno":{"arquivo\u005fbase_64":"QUJD"}}"#));
    }

    #[test]
    fn base64_quads_and_padding() {
        for len in 0..12 {
            streams_split_anywhere(&soap(&format!(
                "{{\"retorno\":{{\"arquivo_base_64\":\"{}\"}}}}",
                base64::engine::general_purpose::STANDARD.encode(noise(len))
            )));
        }
        for bad in [
            "QQ", "QQ=", "QQ==QUJD", "Q===", "QR==", "QUJD=", "QU JD\\n", "QUJD\\b",
        ] {
            let body = soap(&format!(
                "{{\"retorno\":{{\"arquivo_base_64\":\"{bad}\"}}}}"
            ));
            let outcome = check(&body, None, &[1]);
            assert_eq!(
                outcome,
                if bad.contains(' ') {
                    Outcome::Streamed
                } else {
                    Outcome::Whole
                },
                "{bad}"
            );
        }
    }

    #[test]
    fn quads_decode_as_the_base64_crate_does() {
        let engine = base64::engine::general_purpose::STANDARD;
        for len in 0..60 {
            let text = engine.encode(noise(len / 4 * 3));
            let mut out = vec![7];
            assert!(decode_quads(text.as_bytes(), &mut out));
            assert_eq!(out[1..], engine.decode(&text).unwrap()[..]);
            for (at, bad) in [(0, b'='), (len / 2, b' '), (len.saturating_sub(1), b'*')] {
                let mut text = text.clone().into_bytes();
                if let Some(b) = text.get_mut(at) {
                    *b = bad;
                    assert!(!decode_quads(&text, &mut out) && out.len() == 1 + len / 4 * 3);
                }
            }
        }
    }

    #[test]
    fn line_ends_cdata_comments_and_processing_instructions() {
        streams_split_anywhere(&soap(
            "&#xFEFF;\r\n{\"retorno\":\r{\r\n\"arquivo_base_64\"<!-- a -- b -->:\"QU<![CDATA[JD\"\r]]><?pi x?>\r\n,\"x\":\"<![CDATA[]]]]]>\"}}\r&#xA0;",
        ));
        streams_split_anywhere(&soap(
            "<![CDATA[{\"retorno\":{\"arquivo_base_64\":\"QU]]><![CDATA[JD\",\"x\":\"]]]><![CDATA[\"}}]]>",
        ));
        for odd in [
            "<?>",
            "<!x>",
            "<!DOCTYPE x>",
            "<a/>",
            "&#0;",
            "&#xD800;",
            "&#X41;",
            "& ;",
            "&amp",
        ] {
            let body = soap(&format!(
                "{{\"retorno\":{{\"arquivo_base_64\":\"QU{odd}JD\"}}}}"
            ));
            assert_eq!(check(&body, None, &[1]), Outcome::Whole, "{odd}");
        }
    }

    #[test]
    fn characters_xml_forbids_are_refused_as_the_whole_path_refuses_them() {
        let utf8 = Some("text/xml; charset=utf-8");
        for odd in [
            "&#x1b;",
            "&#7;",
            "&#xFFFE;",
            "&#65535;",
            "\u{1b}",
            "\u{7}",
            "\u{FFFE}",
            "\u{FFFF}",
            "<!-- \u{1b} -->",
            "<!-- \u{FFFE} -->",
            "<?pi \u{FFFF}?>",
            "<?pi \u{1}?>",
            "<![CDATA[\u{FFFE}]]>",
        ] {
            for text in [
                format!("{{\"retorno\":{{\"origem\":\"a{odd}b\",\"arquivo_base_64\":\"QUJD\"}}}}"),
                format!("{{\"retorno\":{{\"arquivo_base_64\":\"QUJD\",\"origem\":\"a{odd}b\"}}}}"),
                format!("{{\"retorno\":{{\"arquivo_base_64\":\"QU{odd}JD\"}}}}"),
            ] {
                for sizes in [&[1][..], &[usize::MAX]] {
                    assert_eq!(check(&soap(&text), utf8, sizes), Outcome::Whole, "{text:?}");
                }
            }
        }
        // Found after the sink had bytes: malformed, as the whole path is.
        let b64 = base64::engine::general_purpose::STANDARD.encode(noise(600 * 1024));
        let late = |odd: &str| {
            soap(&format!(
                "{{\"retorno\":{{\"arquivo_base_64\":\"{b64}\",\"origem\":\"Recep\u{e7}\u{e3}o {odd}\"}}}}"
            ))
        };
        for odd in ["&#xFFFE;", "\u{FFFF}", "<!-- \u{FFFE} -->", "&#1;"] {
            assert_eq!(
                check(&late(odd), utf8, &[16 * 1024]),
                Outcome::Malformed,
                "{odd}"
            );
        }
        // In ISO-8859-1 the bytes of U+FFFE are three letters, "ï¿¾".
        let latin1 = |odd: &str| {
            let utf8 = late(odd);
            let text = String::from_utf8(utf8).unwrap();
            let bytes: Vec<u8> = text.replace("\u{e7}\u{e3}", "__").into_bytes();
            let at = memchr::memmem::find(&bytes, b"__").unwrap();
            [&bytes[..at], b"\xe7\xe3", &bytes[at + 2..]].concat()
        };
        for odd in ["\u{FFFE}", "<!-- \u{FFFF} -->"] {
            assert_eq!(
                check(&latin1(odd), CONTENT_TYPE, &[16 * 1024]),
                Outcome::Streamed,
                "{odd}"
            );
        }
    }

    #[test]
    fn only_an_unambiguous_answer_to_audio_download_is_streamed() {
        let json = r#"{"retorno":{"arquivo_base_64":"QUJD"}}"#;
        // An Axis answer whose return part refers to a multiRef: read whole, recording and all.
        let axis = format!(
            "<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body><audioDownloadResponse><return href='#id0'/></audioDownloadResponse><multiRef id='id0'>{json}</multiRef></s:Body></s:Envelope>"
        );
        assert_eq!(check(axis.as_bytes(), None, &[1]), Outcome::Whole);
        assert_eq!(whole_path(axis.as_bytes(), None).unwrap().1.audio, b"ABC");
        // Another operation's answer: read whole, and refused.
        let other = String::from_utf8(soap(json))
            .unwrap()
            .replace("audioDownloadResponse", "getAgentResponse");
        assert_eq!(check(other.as_bytes(), None, &[1]), Outcome::Whole);
        assert!(matches!(
            whole_path(other.as_bytes(), None),
            Err(crate::Error::Malformed { .. })
        ));
        // Found after the sink had bytes: malformed, as the whole path is.
        let b64 = base64::engine::general_purpose::STANDARD.encode(noise(600 * 1024));
        let big = String::from_utf8(soap(&format!(
            "{{\"retorno\":{{\"arquivo_base_64\":\"{b64}\"}}}}"
        )))
        .unwrap();
        for (from, to) in [
            ("</return>", "</return><return>{}</return>"),
            (
                "</audioDownloadResponse>",
                "</audioDownloadResponse><s:Fault><faultstring>x</faultstring></s:Fault>",
            ),
            (
                "</audioDownloadResponse>",
                "</audioDownloadResponse><multiRef id='id0'>x</multiRef>",
            ),
            (
                "</audioDownloadResponse>",
                "</audioDownloadResponse><audioDownloadResponse/>",
            ),
        ] {
            let body = big.replacen(from, to, 1);
            assert_eq!(
                check(body.as_bytes(), None, &[16 * 1024]),
                Outcome::Malformed,
                "{to}"
            );
        }
    }

    #[test]
    fn only_the_recording_the_model_reads_is_streamed() {
        for text in [
            r#"{"retorno":{"x":{"arquivo_base_64":"QUJD"}}}"#,
            r#"{"retorno":{"arquivo_base_64":"QUJD","arquivo_base_64":"REVG"}}"#,
            r#"{"retorno":[{"arquivo_base_64":"QUJD"},{"arquivo_base_64":"REVG"}]}"#,
            r#"{"a":{"arquivo_base_64":"QUJD"},"retorno":{"arquivo_base_64":"REVG"}}"#,
            r#"{"retorno":{"arquivo_base_64":"QUJD"},"retorno":{"arquivo_base_64":"REVG"}}"#,
            r#"{"retorno":"Token inválido"}"#,
            r#"{"retorno":{"arquivo_base_64":"QUJD","data":"ontem"}}"#,
            r#"{"retorno":{"arquivo_base_64":"QUJD"}} x"#,
        ] {
            let outcome = check(&soap(text), None, &[1]);
            assert_ne!(outcome, Outcome::Malformed, "{text}");
        }
        assert_eq!(
            check(&soap(r#"[{"arquivo_base_64":"QUJD"}]"#), None, &[2]),
            Outcome::Streamed
        );
        assert_eq!(
            check(
                &soap(r#"{"retorno":{"a":{"arquivo_base_64":""},"arquivo_base_64":"QUJD"}}"#),
                None,
                &[2]
            ),
            Outcome::Streamed
        );
    }

    /// The corpus responses: headers split off, chunked and gzip ones skipped.
    #[test]
    fn corpus_answers_match_the_whole_path() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus");
        let mut seen = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "http") {
                continue;
            }
            let raw = std::fs::read(&path).unwrap();
            let split = memchr::memmem::find(&raw, b"\r\n\r\n").unwrap();
            let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
            if head.contains("chunked") || head.contains("content-encoding: gzip") {
                continue;
            }
            let content_type = head
                .lines()
                .find_map(|l| l.strip_prefix("content-type:"))
                .map(str::trim);
            let body = &raw[split + 4..];
            for sizes in SPLITS {
                check(body, content_type, sizes);
            }
            seen += 1;
        }
        assert!(seen > 40, "only {seen} corpus files in {}", dir.display());
    }

    fn any_gen() -> impl Strategy<Value = Gen> {
        (
            prop::collection::vec(any::<u8>(), 0..1500),
            prop_oneof![Just(Names::Ascii), Just(Names::Utf8), Just(Names::Latin1)],
            any::<[bool; 5]>(),
        )
            .prop_map(
                |(audio, names, [list, crlf, numeric_quotes, cdata, bom])| Gen {
                    audio,
                    names,
                    list,
                    crlf,
                    numeric_quotes,
                    cdata,
                    bom: bom && names != Names::Latin1,
                },
            )
    }

    fn sizes() -> impl Strategy<Value = Vec<usize>> {
        prop::collection::vec(1usize..200, 1..20)
    }

    proptest! {
        #[test]
        fn generated_answers_stream(g in any_gen(), sizes in sizes()) {
            prop_assert_eq!(check(&g.body(), CONTENT_TYPE, &sizes), Outcome::Streamed);
        }

        #[test]
        fn edited_answers_match_the_whole_path(
            g in any_gen(),
            at in 0.0..1.0f64,
            byte in prop::sample::select(b"<>&;\"\\/\r\n]=-?!#x0Au \xc3\xe9\xff".to_vec()),
            replace in any::<bool>(),
            sizes in sizes(),
        ) {
            let body = g.body();
            let body = edited(&body, (body.len() as f64 * at) as usize, &[byte], replace);
            check(&body, CONTENT_TYPE, &sizes);
            check(&body, Some("text/xml; charset=utf-8"), &sizes);
        }

        #[test]
        fn garbage_never_panics(
            head in prop::sample::select(vec![&b""[..], b"\xef\xbb\xbf", b"<?xml version='1.0'?>"]),
            bytes in prop::collection::vec(any::<u8>(), 0..600),
            sizes in sizes(),
        ) {
            let mut body = head.to_vec();
            body.extend_from_slice(&soap("{\"retorno\":{\"arquivo_base_64\":\"")[..]);
            body.extend_from_slice(&bytes);
            check(&body, None, &sizes);
            check(&bytes, None, &sizes);
        }
    }

    /// The benchmark's answer: a WAV of `USCALL_STREAM_BENCH_MB` megabytes (2 unless set),
    /// base64, PHP's `\/`, NuSOAP's `&quot;` and envelope, fed in 16 KiB chunks to a sink that
    /// discards. Run with `--release`, `--nocapture` and the variable at 60 to measure the
    /// throughput (`USCALL_STREAM_BENCH_RUNS` times, 1 unless set).
    #[test]
    fn benchmark_answer_throughput() {
        let env = |name: &str, default: usize| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let audio = wav(env("USCALL_STREAM_BENCH_MB", 2) * 1_000_000 / 2);
        let body = Gen::new(audio.clone()).body();
        let mut rates = Vec::new();
        for _ in 0..env("USCALL_STREAM_BENCH_RUNS", 1) {
            let started = std::time::Instant::now();
            let mut decoder = RecordingStream::new(Some("ISO-8859-1"));
            let mut count = 0u64;
            let mut sink = |piece: &[u8]| {
                count += piece.len() as u64;
                Ok(())
            };
            for chunk in body.chunks(16 * 1024) {
                decoder.feed(chunk, &mut sink).unwrap();
            }
            let finished = decoder.finish(&mut sink).unwrap();
            rates.push(body.len() as f64 / 1e6 / started.elapsed().as_secs_f64());
            let streamed =
                matches!(finished, Finished::Streamed { audio_bytes, .. } if audio_bytes == count);
            assert!(streamed && count == audio.len() as u64);
        }
        rates.sort_by(f64::total_cmp);
        eprintln!(
            "streamed a {:.1} MB answer ({:.1} MB of audio) {} times: median {:.0} MB/s, best {:.0} MB/s",
            body.len() as f64 / 1e6,
            audio.len() as f64 / 1e6,
            rates.len(),
            rates[rates.len() / 2],
            rates[rates.len() - 1],
        );
    }
}
