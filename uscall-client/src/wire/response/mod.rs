//! Reads a SOAP response's body: the return part's text or the Fault, refusing anything else
//! (DTDs, undefined entities, characters XML 1.0 forbids, nesting deeper than [`MAX_DEPTH`], a
//! Body that holds more than one answer).

use crate::error::Fault;
use std::borrow::Cow;

mod chars;
mod owned;
mod parser;
mod refs;

use chars::{entity, unescape, unescape_into};
pub(crate) use chars::{forbidden_characters, is_xml_char};
pub(crate) use owned::parse_owned;
use parser::parse_events;
pub(crate) use parser::return_text_start;
pub(crate) use refs::{MAX_TARGETS, SOAP12_ENC};
#[cfg(test)]
mod tests;

/// The deepest element nesting accepted. A USCall answer is four deep (Envelope, Body,
/// response, return) and a fault detail a few more; the bound keeps hostile input from growing
/// the namespace stack without limit.
pub(crate) const MAX_DEPTH: usize = 64;

/// What a well-formed SOAP answer holds.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Parsed {
    /// The text of the response's first part (the JSON document, for USCall).
    Return(String),
    /// A SOAP Fault.
    Fault(Fault),
}

/// Why an answer could not be read, with the byte offset where reading stopped.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct ParseError {
    pub message: String,
    pub position: usize,
}

/// Parses a decoded SOAP 1.1 or 1.2 envelope answering `operation`. Elements are matched by
/// namespace, not by prefix.
///
/// The Body must hold one element: a Fault, or `operation`'s response (`{operation}Response`,
/// as NuSOAP, ext/soap and Axis name it, in any case) with exactly one part, whose value may be
/// written elsewhere in the Body and referred to (SOAP encoding's `href`/`multiRef`, see
/// [`refs`]). Anything more is ambiguous, and refused rather than read one way or the other.
///
/// A USCall answer is a few hundred bytes of envelope around one text node that can be tens of
/// megabytes, with every JSON quote written `&quot;`: event by event that is millions of events.
/// So the return part's text is unescaped in one pass of its own ([`unescape`]), and the
/// envelope around it is checked by parsing it again with the text cut out. Anything the one
/// pass does not take (a line break to normalise, an entity it does not know, CDATA, markup)
/// sends the whole document through the event parser instead, so both ways give the same
/// answer and the same error.
///
/// Even for a small answer (getExtens, 1.5 KB) this is cheaper: its 100-odd entities are as many
/// events, which cost far more than a second parse of the bare envelope.
pub(crate) fn parse(xml: &str, operation: &str) -> Result<Parsed, ParseError> {
    parse_remembering(xml, operation, false, |_, _| {}).map(|found| found.into_parsed(xml))
}

/// [`parse`], skipping the envelope's start when it is byte for byte one already read for
/// `operation`. A NuSOAP server sends the same bytes up to the return text every time, and the
/// parser's course up to the return part's start tag depends on those bytes alone, so the
/// answer is the same as [`parse`]'s; the text and what follows it are always read.
pub(crate) fn parse_known(
    xml: &str,
    operation: &'static str,
    known: &Prefixes,
) -> Result<Parsed, ParseError> {
    if let Some(prefix) = known.get(operation)
        && let Some(text) = prefix.read(xml)
    {
        return Ok(Parsed::Return(text));
    }
    parse_remembering(xml, operation, false, |start, open| {
        known.put(operation, &xml[..start], open)
    })
    .map(|found| found.into_parsed(xml))
}

/// The envelope starts already read, by operation (see [`parse_known`]); one per client.
#[derive(Default)]
pub(crate) struct Prefixes(std::sync::RwLock<Vec<(&'static str, std::sync::Arc<Prefix>)>>);

/// An envelope's bytes up to its return text, and the elements open there, outermost first.
struct Prefix {
    bytes: Box<str>,
    open: Vec<Cow<'static, str>>,
}

impl Prefixes {
    fn get(&self, operation: &str) -> Option<std::sync::Arc<Prefix>> {
        let known = self.0.read().unwrap_or_else(|e| e.into_inner());
        known
            .iter()
            .find(|(op, _)| *op == operation)
            .map(|(_, p)| p.clone())
    }

    fn put(&self, operation: &'static str, bytes: &str, open: &[Cow<'_, str>]) {
        let prefix = std::sync::Arc::new(Prefix {
            bytes: bytes.into(),
            open: open.iter().map(|n| Cow::Owned(n.to_string())).collect(),
        });
        let mut known = self.0.write().unwrap_or_else(|e| e.into_inner());
        match known.iter_mut().find(|(op, _)| *op == operation) {
            Some(slot) => slot.1 = prefix,
            None => known.push((operation, prefix)),
        }
    }
}

impl Prefix {
    /// The return text of `xml`, when `xml` starts with these bytes and the rest is the text
    /// and the usual ending; `None` sends it to the parser.
    fn read(&self, xml: &str) -> Option<String> {
        // `unescape` refuses what the check in `locate` refuses: one walk over the text.
        let (start, end) = self.place(xml)?;
        unescape(&xml[start..end])
    }

    /// Where [`Prefix::read`] finds the return text, checked but not unescaped.
    fn locate(&self, xml: &str) -> Option<(usize, usize)> {
        let (start, end) = self.place(xml)?;
        unescape_into(&xml[start..end], None)?;
        Some((start, end))
    }

    /// Where the return text stands when `xml` starts with these bytes and ends as usual.
    fn place(&self, xml: &str) -> Option<(usize, usize)> {
        let content = xml.strip_prefix(&*self.bytes)?;
        let len = memchr::memchr(b'<', content.as_bytes())?;
        if !content[len..].starts_with("</") || !closes(&content[len..], &self.open) {
            return None;
        }
        Some((self.bytes.len(), self.bytes.len() + len))
    }
}

/// What reading a document found: an answer, or (when unescaping was deferred) where the
/// return text stands, checked and still escaped.
pub(crate) enum Found {
    Parsed(Parsed),
    Text { start: usize, end: usize },
}

impl Found {
    /// The answer, unescaping a deferred text of `xml` into a new string.
    fn into_parsed(self, xml: &str) -> Parsed {
        match self {
            Found::Parsed(parsed) => parsed,
            Found::Text { start, end } => {
                Parsed::Return(unescape(&xml[start..end]).unwrap_or_default())
            }
        }
    }
}

/// [`parse`], calling `remember` with the return text's offset and the open elements when the
/// one-pass path read the answer. With `defer`, a text the one pass takes is only checked, and
/// where it stands is the answer (for [`owned::parse_owned`] to unescape in place).
fn parse_remembering(
    xml: &str,
    operation: &str,
    defer: bool,
    remember: impl FnOnce(usize, &[Cow<'_, str>]),
) -> Result<Found, ParseError> {
    let (result, cut) = parse_events(xml, operation, Some(defer));
    let Some(Cut {
        start,
        end,
        text,
        open,
    }) = cut
    else {
        return result.map(Found::Parsed);
    };
    let found = match text {
        Some(text) => Found::Parsed(Parsed::Return(text)),
        None => Found::Text { start, end },
    };
    // The usual ending: the open elements' end tags and nothing else (whitespace aside).
    if closes(&xml[end..], &open) {
        remember(start, &open);
        return Ok(found);
    }
    let rest = [&xml[..start], &xml[end..]].concat();
    match parse_events(&rest, operation, None).0 {
        Ok(Parsed::Return(empty)) if empty.is_empty() => Ok(found),
        // Not the same document without its text (cannot happen); or an error after the text,
        // which the full parse reports at its true position.
        _ => parse_events(xml, operation, None).0.map(Found::Parsed),
    }
}

/// The return text, found by the one-pass path: its byte range in the document, and the text
/// unescaped unless that was deferred.
struct Cut<'i> {
    start: usize,
    end: usize,
    text: Option<String>,
    /// The qualified names of the elements open around the text, outermost first.
    open: Vec<Cow<'i, str>>,
}

/// Whether `suffix` is exactly the end tags of `open` (innermost first), with XML whitespace
/// between and after them: then the document around a cut text is well formed without parsing
/// it again. Anything else (a comment, another element, an odd space) is left to the parser.
fn closes(suffix: &str, open: &[Cow<'_, str>]) -> bool {
    const WS: &[char] = &[' ', '\t', '\r', '\n'];
    let mut rest = suffix;
    for name in open.iter().rev() {
        let Some(after) = rest
            .trim_start_matches(WS)
            .strip_prefix("</")
            .and_then(|r| r.strip_prefix(&**name))
            .and_then(|r| r.trim_start_matches(WS).strip_prefix('>'))
        else {
            return false;
        };
        rest = after;
    }
    rest.trim_matches(WS).is_empty()
}

/// [`parse`] event by event only, for tests and fuzzing to check that both ways agree.
pub(crate) fn parse_by_events(xml: &str, operation: &str) -> Result<Parsed, ParseError> {
    parse_events(xml, operation, None).0
}
