//! Streams audioDownload's recording from the response body to a sink, in constant memory.
//!
//! One pass does XML text unescaping, JSON scanning and base64 decoding, accepting what the
//! whole-body path (`transport::read`, then the typed overlay's model) accepts. The envelope
//! before the return part is buffered and walked by `response`'s own parser; the return text
//! then flows through three push stages ([`XmlText`] → [`Json`] → [`Audio`]); the rest of the
//! envelope is buffered and checked at the end by parsing the envelope again with an empty
//! return part, and the JSON by reading the recording from it with the [`ReadAudio`] the caller
//! gives (the overlay's model: the wire does not know it). Until the sink has received its first
//! bytes, every body byte is kept, so that anything unusual, or any error, hands the body back
//! for the whole-body path to judge.

use crate::charset;
use crate::response::{self, Parsed};
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use memchr::memchr;
use std::io;

mod audio;
mod json;
#[cfg(test)]
mod tests;
mod utf8;
mod xml_text;

use audio::Audio;
use json::{Json, Streamed};
use utf8::Utf8Check;
use xml_text::XmlText;

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
const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// The sink the decoded audio goes to.
pub(crate) type Sink<'a> = dyn FnMut(&[u8]) -> io::Result<()> + 'a;

/// Reads the audio of the recording in an audioDownload return text as the whole-body path's
/// model does (its `arquivo_base_64`, decoded), or says why it reads none. The decoder reads the
/// JSON with it to check that the string it streamed is the one the model reads.
pub(crate) type ReadAudio = fn(String) -> Result<Vec<u8>, String>;

/// How a body ended.
#[derive(Debug)]
pub(crate) enum Finished {
    /// The envelope was well formed and its return text was JSON whose recording string
    /// (`arquivo_base_64` where [`ReadAudio`] reads it) went to the sink. `json` is
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
    read_audio: ReadAudio,
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
    /// `http_charset`: the charset parameter of the Content-Type, if any; `read_audio`: how the
    /// model reads the recording (the overlay's `RecordingStream::new` gives its own).
    pub(crate) fn with_reader(http_charset: Option<&str>, read_audio: ReadAudio) -> Self {
        RecordingStream {
            http_charset: http_charset.map(str::to_owned),
            read_audio,
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
        let audio_of = self.read_audio;
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
