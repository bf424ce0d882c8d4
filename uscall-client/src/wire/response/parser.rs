//! The event parser of a SOAP answer: the envelope, the Body's one answer (a Fault or the
//! response and its return part, references followed), refusing what is ambiguous or not XML.

use super::chars::{forbidden_characters, resolve_ref, unescape, unescape_into};
use super::refs::{Targets, Value};
use super::{Cut, MAX_DEPTH, ParseError, Parsed, SOAP12_ENC};
use crate::envelope::{SOAP11_ENV, SOAP12_ENV};
use crate::error::Fault;
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::{NsReader, XmlVersion};
use std::borrow::Cow;

/// Parses `xml` event by event; with `cut` (`Some(defer)`), the return text is cut out when the
/// one pass takes it, unescaped unless `defer`.
pub(super) fn parse_events<'i>(
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
/// prefix of a document, possibly) reaches it and it is what [`super::parse`] would read as
/// text, that is the first child of `operation`'s response that is the Body's first child,
/// neither nil, nor empty, nor a reference. `None` otherwise: a Fault, anything `parse` refuses
/// before that point, or a prefix that stops short of it. It walks the document exactly as
/// `parse` does, so that `parse` on the same bytes followed by anything reads this element as
/// the return part (or refuses the document).
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
    /// Whether a cut text is only checked, not unescaped (see [`super::owned`]).
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
