//! Reads a SOAP response: the body within its size limit, then the return part's text or the
//! Fault, refusing anything else (DTDs, undefined entities, characters XML 1.0 forbids, nesting
//! deeper than [`MAX_DEPTH`], a Body that holds more than one answer).

use crate::envelope::{SOAP11_ENV, SOAP12_ENV};
use crate::error::{Error, Fault};
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::{NsReader, XmlVersion};
use refs::{Targets, Value};
use std::borrow::Cow;

mod owned;
mod refs;

pub(crate) use owned::parse_owned;
pub(crate) use refs::{MAX_TARGETS, SOAP12_ENC};
#[cfg(test)]
mod tests;

/// The deepest element nesting accepted. A USCall answer is four deep (Envelope, Body,
/// response, return) and a fault detail a few more; the bound keeps hostile input from growing
/// the namespace stack without limit.
pub(crate) const MAX_DEPTH: usize = 64;

/// The most memory set aside up front for a body, whatever its `Content-Length` says.
const PREALLOCATE_AT_MOST: usize = 1 << 20;

/// Reads the whole body of `response`, refusing one bigger than `limit` bytes as soon as that is
/// known: from `Content-Length` before reading, else while streaming. With gzip the count is of
/// decompressed bytes, so a small compressed bomb is stopped at `limit` too.
pub(crate) async fn body(
    response: reqwest::Response,
    operation: &'static str,
    limit: usize,
    transport: impl Fn(reqwest::Error) -> Error,
) -> Result<Vec<u8>, Error> {
    let capacity = response
        .content_length()
        .map_or(0, |len| len as usize)
        .min(PREALLOCATE_AT_MOST);
    let mut out = Vec::with_capacity(capacity);
    let mut reader = BodyReader::new(response, operation, limit, transport)?;
    while let Some(chunk) = reader.next().await? {
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}

/// A body read chunk by chunk, within `limit` bytes (see [`body`]), with a failure to
/// decompress told apart from a failure of the connection.
pub(crate) struct BodyReader<F> {
    response: reqwest::Response,
    operation: &'static str,
    limit: usize,
    read: usize,
    status: u16,
    transport: F,
}

impl<F: Fn(reqwest::Error) -> Error> BodyReader<F> {
    /// Refuses at once a body whose `Content-Length` is over `limit`.
    pub(crate) fn new(
        response: reqwest::Response,
        operation: &'static str,
        limit: usize,
        transport: F,
    ) -> Result<Self, Error> {
        if let Some(len) = response.content_length().filter(|&len| len > limit as u64) {
            return Err(Error::TooLarge {
                operation,
                limit,
                content_length: Some(len),
            });
        }
        Ok(BodyReader {
            status: response.status().as_u16(),
            response,
            operation,
            limit,
            read: 0,
            transport,
        })
    }

    /// How many body bytes have been read.
    pub(crate) fn bytes_read(&self) -> usize {
        self.read
    }

    /// The next piece of the body, `None` at its end.
    pub(crate) async fn next(&mut self) -> Result<Option<bytes::Bytes>, Error> {
        match self.response.chunk().await {
            Ok(Some(chunk)) if chunk.len() > self.limit - self.read => Err(Error::TooLarge {
                operation: self.operation,
                limit: self.limit,
                content_length: None,
            }),
            Ok(Some(chunk)) => {
                self.read += chunk.len();
                Ok(Some(chunk))
            }
            Ok(None) => Ok(None),
            Err(e) => Err(match decompression_failure(&e) {
                Some(cause) => Error::Malformed {
                    operation: self.operation,
                    message: format!(
                        "HTTP {} with a compressed body (Content-Encoding) that does not decompress: {cause}",
                        self.status
                    ),
                    excerpt: String::new(),
                },
                None => (self.transport)(e),
            }),
        }
    }
}

/// The decompressor's complaint, when that is why reading the body failed.
///
/// reqwest reports every failure while streaming a body as a decode error. Underneath its own
/// errors, a connection failure is a `hyper::Error` and a timeout is reqwest's; anything else
/// comes from the decompressor ("Invalid gzip header", "unexpected end of file", "there are
/// extra bytes after body has been decompressed").
fn decompression_failure(error: &reqwest::Error) -> Option<String> {
    if error.is_timeout() {
        return None;
    }
    let mut next = std::error::Error::source(error);
    while let Some(e) = next {
        if e.is::<hyper::Error>() {
            return None;
        }
        if !e.is::<reqwest::Error>() {
            return Some(e.to_string());
        }
        next = e.source();
    }
    None
}

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
        let (start, end) = self.locate(xml)?;
        unescape(&xml[start..end])
    }

    /// Where [`Prefix::read`] finds the return text, checked but not unescaped.
    fn locate(&self, xml: &str) -> Option<(usize, usize)> {
        let content = xml.strip_prefix(&*self.bytes)?;
        let len = memchr::memchr(b'<', content.as_bytes())?;
        if !content[len..].starts_with("</") || !closes(&content[len..], &self.open) {
            return None;
        }
        unescape_into(&content[..len], None)?;
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

/// Parses `xml` event by event; with `cut` (`Some(defer)`), the return text is cut out when the
/// one pass takes it, unescaped unless `defer`.
fn parse_events<'i>(
    xml: &'i str,
    operation: &str,
    cut: Option<bool>,
) -> (Result<Parsed, ParseError>, Option<Cut<'i>>) {
    let mut reader = NsReader::from_str(xml);
    let mut p = Parser {
        reader: &mut reader,
        input: xml,
        operation,
        depth: 0,
        cut: cut.is_some().then_some(None),
        defer: cut == Some(true),
        open: Vec::new(),
    };
    let result = p.document();
    let cut = p.cut.flatten();
    let position = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
    (
        result.map_err(|message| ParseError { message, position }),
        cut,
    )
}

/// Where the return part's text begins: the byte offset just past its start tag, when `xml` (a
/// prefix of a document, possibly) reaches it and it is what [`parse`] would read as text, that
/// is the first child of `operation`'s response that is the Body's first child, neither nil,
/// nor empty, nor a reference. `None` otherwise: a Fault, anything [`parse`] refuses before
/// that point, or a prefix that stops short of it. It walks the document exactly as [`parse`]
/// does, so that `parse` on the same bytes followed by anything reads this element as the
/// return part (or refuses the document).
pub(crate) fn return_text_start(xml: &str, operation: &str) -> Option<usize> {
    let mut reader = NsReader::from_str(xml);
    let mut p = Parser {
        reader: &mut reader,
        input: xml,
        operation,
        depth: 0,
        cut: None,
        defer: false,
        open: Vec::new(),
    };
    p.return_start().ok().flatten()
}

struct Parser<'r, 'i> {
    reader: &'r mut NsReader<&'i [u8]>,
    input: &'i str,
    /// The operation answered, whose response the Body must hold.
    operation: &'r str,
    /// How many elements are open.
    depth: usize,
    /// `Some` when the return text may be cut out: then `Some(Some(_))` once it has been.
    cut: Option<Option<Cut<'i>>>,
    /// Whether a cut text is only checked, not unescaped (see [`owned`]).
    defer: bool,
    /// The qualified names of the open elements, kept when cutting.
    open: Vec<Cow<'i, str>>,
}

/// One element start: whether it is in a SOAP envelope namespace, and its local name.
struct Elem<'i> {
    soap: bool,
    /// The namespace of an `Envelope` outside SOAP's, for the message that refuses it.
    namespace: Option<String>,
    local: Cow<'i, str>,
    nil: bool,
    empty: bool,
    /// Its `id` (SOAP 1.1) or `enc:id` (SOAP 1.2): what a reference names it by.
    id: Option<String>,
    /// The id its `href="#id"` (SOAP 1.1) or `enc:ref="id"` (SOAP 1.2) refers to.
    reference: Option<String>,
}

impl<'i> Parser<'_, 'i> {
    fn document(&mut self) -> Result<Parsed, String> {
        let envelope = self
            .next_element()?
            .ok_or("the body holds no XML element")?;
        if !(envelope.soap && envelope.local == "Envelope") {
            let namespace = match &envelope.namespace {
                _ if envelope.local != "Envelope" => String::new(),
                Some(ns) => format!(" in namespace {ns:?}, not SOAP 1.1's or 1.2's"),
                None => " in no namespace".to_owned(),
            };
            return Err(format!(
                "expected a SOAP Envelope, found <{}>{namespace}",
                envelope.local
            ));
        }
        let mut found = None;
        while let Some(child) = self.next_child()? {
            if child.soap && child.local == "Body" {
                if found.is_some() {
                    return Err("the Envelope holds two Bodies".into());
                }
                if child.empty {
                    return Err("the Body is empty".into());
                }
                found = Some(self.body()?);
            } else {
                self.skip(&child)?;
            }
        }
        // Read on to the end, so that a truncated or malformed tail is an error, not ignored.
        if self.next_element()?.is_some() {
            return Err("content after the Envelope".into());
        }
        found.ok_or_else(|| "the Envelope has no Body".into())
    }

    /// [`Self::document`] as far as the start of the return part's text.
    fn return_start(&mut self) -> Result<Option<usize>, String> {
        let Some(envelope) = self.next_element()? else {
            return Ok(None);
        };
        if !(envelope.soap && envelope.local == "Envelope") {
            return Ok(None);
        }
        while let Some(child) = self.next_child()? {
            if !(child.soap && child.local == "Body") {
                self.skip(&child)?;
                continue;
            }
            if child.empty {
                return Ok(None);
            }
            let Some(wrapper) = self.next_child()? else {
                return Ok(None);
            };
            let fault = wrapper.soap && wrapper.local == "Fault";
            if fault || wrapper.empty || self.wrapper(&wrapper).is_err() {
                return Ok(None);
            }
            return Ok(match self.next_child()? {
                Some(part) if !part.nil && !part.empty && part.reference.is_none() => {
                    usize::try_from(self.reader.buffer_position()).ok()
                }
                _ => None,
            });
        }
        Ok(None)
    }

    /// The Body: one Fault, or the response and the elements its part refers to. Which of two
    /// answers a server meant cannot be told, so a second one is refused, not skipped.
    fn body(&mut self) -> Result<Parsed, String> {
        let first = self.next_child()?.ok_or("the Body is empty")?;
        let fault = first.soap && first.local == "Fault";
        let answer = if fault {
            Err(self.fault(&first)?)
        } else {
            self.wrapper(&first)?;
            Ok(self.response(&first)?)
        };
        let mut targets = Targets::default();
        while let Some(child) = self.next_child()? {
            if fault {
                return Err(format!("the Body holds <{}> beside a Fault", child.local));
            }
            if child.soap && child.local == "Fault" {
                return Err(format!("the Body holds a Fault beside <{}>", first.local));
            }
            let Some(id) = child.id.clone() else {
                return Err(format!(
                    "the Body holds two answers, <{}> and <{}>",
                    first.local, child.local
                ));
            };
            // Checked before the value is read, so that no more than the bound is.
            targets.room()?;
            let value = self.value(&child)?;
            targets.add(id, &child.local, value)?;
        }
        match answer {
            Err(fault) => Ok(Parsed::Fault(fault)),
            Ok(value) => targets.resolve(value).map(Parsed::Return),
        }
    }

    /// Refuses a response named for another operation than the one called: `{operation}Response`
    /// as rpc servers name it, in any case (the generated table is all rpc; a document/literal
    /// operation's output element follows the same convention).
    fn wrapper(&self, wrapper: &Elem) -> Result<(), String> {
        let (name, operation) = (wrapper.local.as_bytes(), self.operation.as_bytes());
        let ours = name.len() == operation.len() + "Response".len()
            && name[..operation.len()].eq_ignore_ascii_case(operation)
            && name[operation.len()..].eq_ignore_ascii_case(b"Response");
        if ours {
            return Ok(());
        }
        Err(format!(
            "the Body holds <{}> where {}'s answer is <{}Response>",
            wrapper.local, self.operation, self.operation
        ))
    }

    /// The response's one part: its value, or (when cutting) `Err("")` with the text cut out.
    fn response(&mut self, wrapper: &Elem) -> Result<Value, String> {
        let no_part = || format!("<{}> has no return part", wrapper.local);
        if wrapper.empty {
            return Err(no_part());
        }
        let part = self.next_child()?.ok_or_else(no_part)?;
        if !part.nil
            && part.reference.is_none()
            && let Some(text) = self.cut_text(&part)
        {
            self.cut = Some(Some(text));
            // Stop here: `parse` checks the rest of the envelope without the text.
            return Err(String::new());
        }
        let value = self.value(&part)?;
        if let Some(second) = self.next_child()? {
            return Err(format!(
                "<{}> holds two parts, <{}> and <{}>",
                wrapper.local, part.local, second.local
            ));
        }
        Ok(value)
    }

    /// An accessor's value: its text (empty when nil), or the id it refers to.
    fn value(&mut self, elem: &Elem) -> Result<Value, String> {
        if let Some(id) = &elem.reference {
            if !self.text(elem)?.trim().is_empty() {
                return Err(format!(
                    "<{}> holds both a reference and a value",
                    elem.local
                ));
            }
            return Ok(Value::Ref(id.clone()));
        }
        if elem.nil {
            self.skip(elem)?;
            return Ok(Value::Text(String::new()));
        }
        self.text(elem).map(Value::Text)
    }

    fn fault(&mut self, fault: &Elem) -> Result<Fault, String> {
        let mut out = Fault::default();
        if fault.empty {
            return Ok(out);
        }
        while let Some(child) = self.next_child()? {
            match &*child.local {
                "faultcode" => out.code = self.text(&child)?.trim().to_owned(),
                "faultstring" => out.string = self.text(&child)?.trim().to_owned(),
                "faultactor" | "Role" => out.actor = Some(self.text(&child)?.trim().to_owned()),
                "detail" | "Detail" => out.detail = Some(self.all_text(&child)?.trim().to_owned()),
                // SOAP 1.2 nests the code in Code/Value and the string in Reason/Text.
                "Code" => out.code = self.first_nested(&child, "Value")?,
                "Reason" => out.string = self.first_nested(&child, "Text")?,
                _ => self.skip(&child)?,
            }
        }
        Ok(out)
    }

    fn first_nested(&mut self, parent: &Elem, name: &str) -> Result<String, String> {
        let mut out = String::new();
        if parent.empty {
            return Ok(out);
        }
        while let Some(child) = self.next_child()? {
            if child.local == name && out.is_empty() {
                out = self.text(&child)?.trim().to_owned();
            } else {
                self.skip(&child)?;
            }
        }
        Ok(out)
    }

    /// The return part's text by the one-pass path, when it can take it: the part was just
    /// opened, its content runs to the next `<`, which closes it, and [`unescape`] accepts it.
    fn cut_text(&mut self, part: &Elem<'_>) -> Option<Cut<'i>> {
        if part.empty || self.cut.is_none() {
            return None;
        }
        let start = usize::try_from(self.reader.buffer_position()).ok()?;
        let content = self.input.get(start..)?;
        let len = memchr::memchr(b'<', content.as_bytes())?;
        if !content[len..].starts_with("</") {
            return None;
        }
        let text = if self.defer {
            unescape_into(&content[..len], None)?;
            None
        } else {
            Some(unescape(&content[..len])?)
        };
        Some(Cut {
            start,
            end: start + len,
            text,
            open: std::mem::take(&mut self.open),
        })
    }

    /// The text of an element that must hold only text.
    fn text(&mut self, elem: &Elem) -> Result<String, String> {
        self.collect(elem, false)
    }

    /// All the text inside an element, nested elements included (for fault details).
    fn all_text(&mut self, elem: &Elem) -> Result<String, String> {
        self.collect(elem, true)
    }

    fn collect(&mut self, elem: &Elem, nested: bool) -> Result<String, String> {
        let mut out = String::new();
        if elem.empty {
            return Ok(out);
        }
        let mut depth = 0usize;
        loop {
            match self.event()? {
                Event::Text(t) => out.push_str(&t.xml10_content()),
                Event::CData(t) => out.push_str(&t.xml10_content()),
                Event::GeneralRef(r) => out.push(resolve_ref(&r)?),
                Event::Start(s) => {
                    if !nested {
                        return Err(format!(
                            "<{}> holds an element <{}> where text was expected",
                            elem.local,
                            s.local_name().as_ref()
                        ));
                    }
                    depth += 1;
                }
                Event::Empty(s) if !nested => {
                    return Err(format!(
                        "<{}> holds an element <{}> where text was expected",
                        elem.local,
                        s.local_name().as_ref()
                    ));
                }
                Event::End(_) if depth == 0 => return Ok(out),
                Event::End(_) => depth -= 1,
                Event::Eof => return Err(format!("the document ends inside <{}>", elem.local)),
                _ => {}
            }
        }
    }

    /// Skips the rest of an element whose start was just read.
    fn skip(&mut self, elem: &Elem) -> Result<(), String> {
        if elem.empty {
            return Ok(());
        }
        let mut depth = 0usize;
        loop {
            match self.event()? {
                Event::Start(_) => depth += 1,
                Event::End(_) if depth == 0 => return Ok(()),
                Event::End(_) => depth -= 1,
                Event::GeneralRef(r) => {
                    resolve_ref(&r)?;
                }
                Event::Eof => return Err(format!("the document ends inside <{}>", elem.local)),
                _ => {}
            }
        }
    }

    /// The next child element of the current element, or `None` at its end tag.
    fn next_child(&mut self) -> Result<Option<Elem<'i>>, String> {
        loop {
            match self.event()? {
                Event::Start(s) => return self.elem(&s, false).map(Some),
                Event::Empty(s) => return self.elem(&s, true).map(Some),
                Event::End(_) => return Ok(None),
                Event::Text(t) if t.xml10_content().trim().is_empty() => {}
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                    return Err("unexpected text between elements".into());
                }
                Event::Eof => return Err("the document ends before its closing tags".into()),
                _ => {}
            }
        }
    }

    /// The next element at the top level, or `None` at the end of the document.
    fn next_element(&mut self) -> Result<Option<Elem<'i>>, String> {
        loop {
            match self.event()? {
                Event::Start(s) => return self.elem(&s, false).map(Some),
                Event::Empty(s) => return self.elem(&s, true).map(Some),
                Event::Eof => return Ok(None),
                Event::Text(t) if t.xml10_content().trim().is_empty() => {}
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                    return Err("text outside the root element".into());
                }
                _ => {}
            }
        }
    }

    fn elem(&self, start: &BytesStart<'_>, empty: bool) -> Result<Elem<'i>, String> {
        let (ns, local) = self.reader.resolver().resolve_element(start.name());
        let namespace = match ns {
            ResolveResult::Bound(Namespace(n)) => Some(n),
            _ => None,
        };
        let soap = matches!(namespace, Some(SOAP11_ENV | SOAP12_ENV));
        let local = self.borrowed(local.as_ref());
        let namespace = (!soap && local == "Envelope")
            .then(|| namespace.map(str::to_owned))
            .flatten();
        let mut elem = Elem {
            soap,
            namespace,
            local,
            nil: false,
            empty,
            id: None,
            reference: None,
        };
        // Attributes are only looked at when one may be `nil`, an id or a reference (iterating
        // them is most of the cost of an element, and the Envelope carries five namespace
        // declarations).
        let raw = start.attributes_raw();
        if raw.contains("nil") || raw.contains("id") || raw.contains("ref") {
            for a in start.attributes().flatten() {
                self.attribute(&a, &mut elem)?;
            }
        }
        Ok(elem)
    }

    /// Notes what `a` says of `elem`: nil, its id, or a reference to another element.
    fn attribute(&self, a: &Attribute<'_>, elem: &mut Elem<'i>) -> Result<(), String> {
        let (ns, local) = self.reader.resolver().resolve_attribute(a.key);
        let unqualified = a.key.prefix().is_none();
        let encoding12 = matches!(ns, ResolveResult::Bound(Namespace(SOAP12_ENC)));
        let value = || {
            a.normalized_value(XmlVersion::Implicit1_0)
                .map(Cow::into_owned)
                .map_err(|e| format!("malformed XML: {e}"))
        };
        match local.as_ref() {
            "nil" => elem.nil |= matches!(&*a.value, "true" | "1"),
            "id" if unqualified || encoding12 => elem.id = Some(value()?),
            "ref" if encoding12 => elem.reference = Some(value()?),
            "href" if unqualified => {
                let href = value()?;
                let Some(id) = href.strip_prefix('#') else {
                    return Err(format!(
                        "<{} href={href:?}> refers outside the answer",
                        elem.local
                    ));
                };
                elem.reference = Some(id.to_owned());
            }
            _ => {}
        }
        Ok(())
    }

    /// `s`, a piece of the document the reader handed out, borrowed from the input rather than
    /// copied (names are read for every element).
    fn borrowed(&self, s: &str) -> Cow<'i, str> {
        let at = (s.as_ptr() as usize).wrapping_sub(self.input.as_ptr() as usize);
        match at
            .checked_add(s.len())
            .and_then(|end| self.input.get(at..end))
        {
            Some(piece) if piece.as_ptr() == s.as_ptr() => Cow::Borrowed(piece),
            _ => Cow::Owned(s.to_owned()),
        }
    }

    fn event(&mut self) -> Result<Event<'i>, String> {
        let event = match self.reader.read_event() {
            Ok(Event::DocType(_)) => return Err("DTDs are not accepted in SOAP responses".into()),
            Ok(e) => e,
            Err(e) => return Err(format!("malformed XML: {e}")),
        };
        forbidden_characters(&event)?;
        match &event {
            Event::Start(_) | Event::Empty(_) if self.depth >= MAX_DEPTH => {
                return Err(format!("the XML nests elements more than {MAX_DEPTH} deep"));
            }
            Event::Start(start) => {
                self.depth += 1;
                if self.cut.is_some() {
                    let name = self.borrowed(start.name().as_ref());
                    self.open.push(name);
                }
            }
            Event::End(_) => {
                self.depth = self.depth.saturating_sub(1);
                self.open.pop();
            }
            _ => {}
        }
        Ok(event)
    }
}

/// Refuses an event holding a character XML 1.0 forbids, written as it is or, in a start tag's
/// attributes or as a reference of its own, by reference: quick-xml does not look at the
/// characters themselves. Text references are checked as they are resolved.
pub(crate) fn forbidden_characters(event: &Event<'_>) -> Result<(), String> {
    if let Some(c) = forbidden_raw(event.as_bytes()) {
        return Err(format!(
            "the XML holds the character U+{:04X}, which XML 1.0 forbids",
            u32::from(c)
        ));
    }
    match event {
        Event::Start(start) | Event::Empty(start) if start.attributes_raw().contains('&') => {
            attribute_refs(start.attributes_raw())
        }
        Event::GeneralRef(r) => match ref_code(r).and_then(|code| forbidden_ref(r, code)) {
            Some(message) => Err(message),
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

/// The first character XML 1.0 forbids in `bytes` (UTF-8) as written, not by reference: a C0
/// control other than tab, line feed and carriage return, or U+FFFE or U+FFFF.
fn forbidden_raw(bytes: &[u8]) -> Option<char> {
    let mut from = 0;
    while let Some(k) = bytes[from..].iter().position(|&b| b < 0x20 || b == 0xEF) {
        let at = from + k;
        match (bytes[at], bytes.get(at + 1..at + 3)) {
            (0xEF, Some([0xBF, 0xBE])) => return Some('\u{FFFE}'),
            (0xEF, Some([0xBF, 0xBF])) => return Some('\u{FFFF}'),
            (0xEF | b'\t' | b'\n' | b'\r', _) => {}
            (b, _) => return Some(char::from(b)),
        }
        from = at + 1;
    }
    None
}

/// Refuses a character reference to a character XML 1.0 forbids in a start tag's attributes
/// (`raw`, as written), which are otherwise only unescaped when read.
fn attribute_refs(raw: &str) -> Result<(), String> {
    for (at, _) in raw.match_indices("&#") {
        let rest = &raw[at + 1..];
        let Some(name) = rest.split_once(';').map(|(name, _)| name) else {
            continue;
        };
        if let Some(message) = ref_code(name).and_then(|code| forbidden_ref(name, code)) {
            return Err(message);
        }
    }
    Ok(())
}

/// Unescapes XML character data in one pass: the five predefined entities and character
/// references. `None` for anything else (a carriage return, which XML turns into a line feed,
/// an unknown entity, a bad reference): the event parser then reads the text and says what is
/// wrong with it.
fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    unescape_into(text, Some(&mut out))?;
    Some(out)
}

/// [`unescape`] into `out`; with no `out`, only checks that the one pass takes `text`.
fn unescape_into(text: &str, mut out: Option<&mut String>) -> Option<()> {
    let bytes = text.as_bytes();
    // A plain byte loop: between NuSOAP's `&quot;`s the runs are a few bytes long, too short
    // for a vectorised search (or eight bytes at a time, measured) to pay for its setup.
    let (mut i, mut run) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'&' => {
                let (c, len) = entity(&bytes[i + 1..])?;
                if let Some(out) = out.as_deref_mut() {
                    // `&` is ASCII, so both cuts fall on character boundaries.
                    out.push_str(&text[run..i]);
                    out.push(c);
                }
                i += 1 + len;
                run = i;
            }
            b'\r' => return None,
            // Characters XML 1.0 forbids, left for the event parser to refuse: the C0 controls
            // but tab and line feed, and U+FFFE and U+FFFF (UTF-8 `EF BF BE`, `EF BF BF`).
            0x00..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F => return None,
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => return None,
            _ => i += 1,
        }
    }
    if let Some(out) = out {
        out.push_str(&text[run..]);
    }
    Some(())
}

/// The character of the predefined entity or character reference whose text, after its `&`,
/// starts `rest`, and that text's length (`;` included).
fn entity(rest: &[u8]) -> Option<(char, usize)> {
    Some(if rest.starts_with(b"quot;") {
        ('"', 5)
    } else if rest.starts_with(b"amp;") {
        ('&', 4)
    } else if rest.starts_with(b"lt;") {
        ('<', 3)
    } else if rest.starts_with(b"gt;") {
        ('>', 3)
    } else if rest.starts_with(b"apos;") {
        ('\'', 5)
    } else {
        let len = memchr::memchr(b';', &rest[..rest.len().min(11)])?;
        (char_ref(std::str::from_utf8(&rest[..len]).ok()?)?, len + 1)
    })
}

/// XML 1.0's `Char` production: tab, line feed, carriage return and everything from U+0020
/// up, except U+FFFE and U+FFFF (surrogates cannot occur in a `char`).
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The code point a character reference names (`#65`, `#x41`), when it is written as XML
/// writes one: decimal, or lower-case `x` and hexadecimal digits, no sign.
fn ref_code(name: &str) -> Option<u32> {
    let digits = name.strip_prefix('#')?;
    let (digits, radix) = match digits.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (digits, 10),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, radix).ok()
}

/// `#65` or `#x41` as a character, if it is one XML 1.0 allows.
fn char_ref(name: &str) -> Option<char> {
    char::from_u32(ref_code(name)?).filter(|c| is_xml_char(*c))
}

/// Why a reference to `code` is refused, when it names a character XML 1.0 forbids.
fn forbidden_ref(name: &str, code: u32) -> Option<String> {
    let forbidden = code == 0 || char::from_u32(code).is_some_and(|c| !is_xml_char(c));
    forbidden
        .then(|| format!("character reference &{name}; names U+{code:04X}, which XML 1.0 forbids"))
}

fn resolve_ref(r: &BytesRef<'_>) -> Result<char, String> {
    if let Some(message) = ref_code(r).and_then(|code| forbidden_ref(r, code)) {
        return Err(message);
    }
    if let Some(c) = r
        .resolve_char_ref()
        .map_err(|e| format!("bad character reference: {e}"))?
    {
        return Ok(c);
    }
    match &**r {
        "amp" => Ok('&'),
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "quot" => Ok('"'),
        "apos" => Ok('\''),
        other => Err(format!("undefined entity &{other};")),
    }
}
