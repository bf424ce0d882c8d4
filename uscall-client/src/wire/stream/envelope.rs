//! The SOAP envelope around a streamed return text: the prefix found with `response`'s parser,
//! the charset, UTF-8 checked as bytes arrive, the text unescaped into a [`Content`], the suffix
//! kept and checked at the end, and the whole body kept until the content hands out its first
//! output, so that anything unusual hands the body back for the whole-body path to judge.

use super::utf8::Utf8Check;
use super::xml_text::{TextSink, XmlText};
use super::{SLICE, StreamError, UTF8_BOM, decode};
use crate::charset;
use crate::response::{self, Parsed};
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use memchr::memchr;
use std::io;

/// The most bytes buffered before the return part's text starts, and after it ends.
const PREFIX_LIMIT: usize = 64 * 1024;
const SUFFIX_LIMIT: usize = 64 * 1024;
/// The most body kept for the whole-body path before the content commits (see
/// [`Content::may_commit`]).
pub(super) const KEEP_LIMIT: usize = 1 << 20;
/// The `>` at which the prefix is always parsed again (NuSOAP's prefix has 11).
const EAGER_ATTEMPTS: usize = 24;

/// What is done with the unescaped return text: the recording's decoder, or the row scanner.
pub(super) trait Content: TextSink {
    /// Where the content's output goes.
    type Out<'a>: ?Sized;
    /// What a body that streamed to its end gives.
    type Done;

    /// The return text starts; `strict_utf8`: every byte must be UTF-8 (else the label says
    /// ISO-8859-1, read as UTF-8 only if the whole body turns out to be valid UTF-8).
    fn start(&mut self, strict_utf8: bool);

    /// Called after every run of text: refuses (before any output) a text that grows too big
    /// without giving any.
    fn check_early(&self) -> Result<(), String> {
        Ok(())
    }

    /// Whether the content may commit before any output, to stop keeping a body grown past
    /// [`KEEP_LIMIT`] (a list whose first row is huge); `commit` is then called, after which
    /// its refusals are errors.
    fn may_commit(&self) -> bool {
        false
    }
    fn commit(&mut self) {}

    /// The return text ended at body byte `at`.
    fn end(&mut self, at: u64) -> Result<(), String>;

    /// Why a body that ends inside the return text is cut, after `fed` bytes.
    fn cut(&self, fed: u64) -> String;

    /// Hands out what is ready (all of it when `last`); sets `*written` before handing out
    /// anything, from which point a failure can no longer give the body back.
    fn drain(
        &mut self,
        out: &mut Self::Out<'_>,
        last: bool,
        fed: u64,
        written: &mut bool,
    ) -> Result<(), Stop>;

    /// Everything the whole-body path checks that the content saw, once the envelope is known
    /// to be well formed and the body's encoding is decided.
    fn verify(&mut self, encoding: &'static Encoding, text: &XmlText)
    -> Result<Self::Done, String>;
}

/// How a body ended.
#[derive(Debug)]
pub(super) enum Ended<D> {
    /// Streamed to its end, every check passed.
    Done(D),
    /// Not streamed: the whole body, byte for byte.
    Whole(Vec<u8>),
}

/// Why processing stopped: a refusal (→ `Whole` if nothing was written) or the sink's error.
pub(super) enum Stop {
    Fail(String),
    Io(io::Error),
}

impl From<String> for Stop {
    fn from(message: String) -> Self {
        Stop::Fail(message)
    }
}

enum Stage {
    Prefix,
    Text,
    Suffix,
    Whole,
    Failed(String),
}

/// A push decoder for one answer of `operation` (a 2xx body; the caller counts its size against
/// its limit, as `response::body` does).
pub(super) struct Envelope<C> {
    operation: &'static str,
    http_charset: Option<String>,
    stage: Stage,
    /// Every body byte so far, while nothing was written (afterwards, empty).
    body: Vec<u8>,
    written: bool,
    /// Body bytes fed so far.
    pub(super) fed: u64,
    pub(super) utf8: Utf8Check,
    /// A BOM, a UTF-8 label or none: every byte must be UTF-8. Else ISO-8859-1, which is read as
    /// UTF-8 if the whole body turns out to be valid UTF-8 with non-ASCII bytes (charset.rs).
    strict_utf8: bool,
    source: &'static str,
    bom_len: usize,
    /// The body length at which the prefix is parsed again, and how often it was.
    next_attempt: usize,
    attempts: usize,
    /// The envelope up to and including the return part's start tag (ASCII).
    prefix: String,
    text: XmlText,
    pub(super) content: C,
    /// The envelope from the return part's end tag on.
    suffix: Vec<u8>,
    suffix_at: u64,
}

impl<C: Content> Envelope<C> {
    /// `http_charset`: the charset parameter of the Content-Type, if any.
    pub(super) fn new(operation: &'static str, http_charset: Option<&str>, content: C) -> Self {
        Envelope {
            operation,
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
            attempts: 0,
            prefix: String::new(),
            text: XmlText::default(),
            content,
            suffix: Vec::new(),
            suffix_at: 0,
        }
    }

    /// Whether output was handed out (the body can no longer go back whole).
    pub(super) fn written(&self) -> bool {
        self.written
    }

    /// Feeds the next bytes of the body (any split).
    pub(super) fn feed(&mut self, chunk: &[u8], out: &mut C::Out<'_>) -> Result<(), StreamError> {
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
                .and_then(|()| self.drain(out, false));
            if step.is_ok()
                && !self.written
                && self.body.len() > KEEP_LIMIT
                && self.content.may_commit()
            {
                self.content.commit();
                self.written = true;
                self.body = Vec::new();
            }
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

    /// The end of the body (the decoder is spent after it).
    pub(super) fn finish(&mut self, out: &mut C::Out<'_>) -> Result<Ended<C::Done>, StreamError> {
        if matches!(self.stage, Stage::Prefix)
            && let Err(stop) = self.attempt(true)
        {
            self.stop(stop)?;
        }
        let outcome = match &self.stage {
            Stage::Whole | Stage::Prefix => {
                return Ok(Ended::Whole(std::mem::take(&mut self.body)));
            }
            Stage::Failed(message) => {
                return Err(StreamError::Malformed {
                    message: message.clone(),
                });
            }
            Stage::Text => Err(self.content.cut(self.fed)),
            Stage::Suffix => self.verify(),
        };
        match outcome.map_err(Stop::Fail).and_then(|done| {
            self.drain(out, true)?;
            Ok(done)
        }) {
            Ok(done) => Ok(Ended::Done(done)),
            Err(stop) => {
                self.stop(stop)?;
                Ok(Ended::Whole(std::mem::take(&mut self.body)))
            }
        }
    }

    fn drain(&mut self, out: &mut C::Out<'_>, last: bool) -> Result<(), Stop> {
        let result = self.content.drain(out, last, self.fed, &mut self.written);
        if self.written && !self.body.is_empty() {
            self.body = Vec::new();
        }
        result
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
                // A start tag ends with `>`. The first few are all tried, so that the text
                // streams from its start even when the body comes in small pieces; after
                // them, only once the prefix grew by half, which keeps 1-byte feeds linear.
                let due = (self.attempts < EAGER_ATTEMPTS || self.body.len() >= self.next_attempt)
                    && memchr(b'>', piece).is_some();
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
        self.attempts += 1;
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
            .and_then(|head| response::return_text_start(head, self.operation));
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
        self.content.start(self.strict_utf8);
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
        let end = self.text.process(bytes, at, &mut self.content)?;
        self.content.check_early()?;
        if let Some(i) = end {
            self.content.end(at + i as u64)?;
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

    /// Everything the whole-body path would check of the envelope around the return part and
    /// of the charset, then what the content checks.
    fn verify(&mut self) -> Result<C::Done, String> {
        let utf8 = self.strict_utf8 || (self.utf8.non_ascii && self.utf8.valid_at_end());
        if self.strict_utf8 && !self.utf8.valid_at_end() {
            return Err(format!(
                "the body is not valid UTF-8 (encoding chosen by {})",
                self.source
            ));
        }
        let encoding = if utf8 { UTF_8 } else { WINDOWS_1252 };
        let suffix = decode(encoding, &self.suffix).ok_or("the body is not valid UTF-8")?;
        let envelope = format!("{}{suffix}", self.prefix);
        match response::parse(&envelope, self.operation) {
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
        self.content.verify(encoding, &self.text)
    }
}
