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

use encoding_rs::{Encoding, UTF_8};
use std::io;

mod audio;
mod envelope;
mod json;
pub(crate) mod rows;
#[cfg(test)]
mod tests;
mod utf8;
mod xml_text;

use audio::Audio;
use envelope::{Content, Ended, Envelope, Stop};
use json::{Json, Streamed};
use xml_text::{TextSink, XmlText};

/// The one operation whose answers are streamed.
const OPERATION: &str = "audioDownload";
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
pub(crate) struct RecordingStream(Envelope<AudioText>);

/// The return text of an audioDownload answer: the JSON scanner, the recording's decoder, and
/// how the model reads the recording.
struct AudioText {
    json: Json,
    read_audio: ReadAudio,
}

impl RecordingStream {
    /// `http_charset`: the charset parameter of the Content-Type, if any; `read_audio`: how the
    /// model reads the recording (the overlay's `RecordingStream::new` gives its own).
    pub(crate) fn with_reader(http_charset: Option<&str>, read_audio: ReadAudio) -> Self {
        let content = AudioText {
            json: Json::default(),
            read_audio,
        };
        RecordingStream(Envelope::new(OPERATION, http_charset, content))
    }

    /// Feeds the next bytes of the body (any split). Decoded audio goes to `sink` in pieces of
    /// at most 256 KiB.
    pub(crate) fn feed(&mut self, chunk: &[u8], sink: &mut Sink<'_>) -> Result<(), StreamError> {
        self.0.feed(chunk, sink)
    }

    /// The end of the body.
    pub(crate) fn finish(mut self, sink: &mut Sink<'_>) -> Result<Finished, StreamError> {
        Ok(match self.0.finish(sink)? {
            Ended::Done(json) => Finished::Streamed {
                json,
                audio_bytes: self.0.content.json.audio.total,
            },
            Ended::Whole(body) => Finished::Whole(body),
        })
    }
}

impl TextSink for AudioText {
    fn text(&mut self, run: &[u8], at: u64) -> Result<(), String> {
        self.json.text(run, at)
    }

    fn char(&mut self, c: char, at: u64) -> Result<(), String> {
        self.json.char(c, at)
    }
}

impl Content for AudioText {
    type Out<'a> = Sink<'a>;
    type Done = String;

    fn start(&mut self, _strict_utf8: bool) {}

    fn check_early(&self) -> Result<(), String> {
        if self.json.streamed == Streamed::NotYet && self.json.out.len() > JSON_BEFORE_AUDIO_LIMIT {
            return Err("no recording string early in the return text".into());
        }
        Ok(())
    }

    fn end(&mut self, at: u64) -> Result<(), String> {
        self.json.end(at)
    }

    fn cut(&self, fed: u64) -> String {
        if self.json.is_in_audio() {
            format!("the body ends inside the recording's base64 text, after {fed} bytes")
        } else {
            format!("the body ends inside the return part, after {fed} bytes")
        }
    }

    /// Decodes the base64 gathered so far and hands full pieces (or, at the end, all) to the sink.
    fn drain(
        &mut self,
        sink: &mut Sink<'_>,
        last: bool,
        fed: u64,
        written: &mut bool,
    ) -> Result<(), Stop> {
        let audio = &mut self.json.audio;
        if audio.acc.len() >= BATCH {
            audio.decode_batch(fed)?;
        }
        if audio.out.len() >= PIECE || (last && !audio.out.is_empty()) {
            for piece in audio.out.chunks(PIECE) {
                *written = true;
                sink(piece).map_err(Stop::Io)?;
                audio.total += piece.len() as u64;
            }
            audio.out.clear();
        }
        Ok(())
    }

    /// Everything the whole-body path would check besides the streamed string and the
    /// envelope: the JSON, and that the recording read from it is the string that was
    /// streamed. Returns the JSON text.
    fn verify(&mut self, encoding: &'static Encoding, text: &XmlText) -> Result<String, String> {
        self.forbidden_chars(encoding, text)?;
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

impl AudioText {
    /// Refuses a character XML 1.0 forbids written as it is in the return text: a C0 control
    /// other than tab, line feed and carriage return (the same bytes in both encodings; `out`
    /// holds a carriage return only from a reference, as line ends are normalised), or U+FFFE or
    /// U+FFFF in UTF-8. The recording's string is base64, which refuses them all by itself.
    fn forbidden_chars(&self, encoding: &'static Encoding, text: &XmlText) -> Result<(), String> {
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
            None => text.nonchar,
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
