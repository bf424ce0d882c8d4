//! Calls of raw operations (those the generator could not express): the answer is the XML of the
//! SOAP Body's response element, self-contained, instead of a return part's text.

use crate::envelope::{SOAP11_ENV, SOAP12_ENV};
use crate::redact::Secrets;
use crate::response::{MAX_DEPTH, ParseError, Parsed};
use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};
use std::fmt;
use std::sync::Arc;

/// The answer of a raw operation: the response element as XML text, with the namespace
/// declarations it inherited from the envelope copied onto it and the elements it refers to
/// (SOAP encoding's `href`/`multiRef`) written in place, so that it reads on its own. Empty for
/// a one-way operation answered with no body (or an empty Body).
///
/// The text is otherwise kept exactly as sent; its `Debug` output has the call's secrets
/// redacted.
#[derive(Clone, PartialEq)]
pub struct XmlAnswer {
    pub(crate) operation: &'static str,
    pub(crate) xml: String,
    pub(crate) secrets: Arc<Secrets>,
}

impl fmt::Debug for XmlAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("XmlAnswer")
            .field("operation", &self.operation)
            .field("xml", &self.secrets.clean(&self.xml))
            .finish()
    }
}

impl XmlAnswer {
    /// The operation's wire name.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The response element's XML (empty when a one-way operation got no answer).
    pub fn xml(&self) -> &str {
        &self.xml
    }

    /// The XML, without copying it.
    pub fn into_xml(self) -> String {
        self.xml
    }

    /// The XML with the call's secrets (the token, password parts, secret-named elements)
    /// replaced by `<redacted>`, for showing it.
    pub fn into_redacted_xml(self) -> String {
        self.secrets.redact(&self.xml).into_owned()
    }
}

/// The Body's one element of a decoded SOAP envelope, as self-contained XML, or its Fault.
/// `one_way`: an empty Body is the answer (an empty text). Refuses a DTD, nesting deeper than
/// [`MAX_DEPTH`], entities XML does not predefine, characters XML 1.0 forbids, and a Body with
/// more than one element, but for elements with an id (SOAP encoding's multiRefs) that the
/// response refers to: those are inlined where they are referred to (see [`inline`]).
pub(crate) fn body_element(
    xml: &str,
    operation: &str,
    one_way: bool,
) -> std::result::Result<Parsed, ParseError> {
    let mut reader = NsReader::from_str(xml);
    let position =
        |reader: &NsReader<&[u8]>| usize::try_from(reader.buffer_position()).unwrap_or(0);
    let fail = |message: &str, position: usize| ParseError {
        message: message.to_owned(),
        position,
    };
    // The namespace declarations of Envelope and Body, which the element inherits.
    let mut inherited: Vec<(String, String)> = Vec::new();
    let mut depth = 0usize;
    let mut refs = inline::Refs::new(xml);
    let mut in_body = false;
    loop {
        let before = position(&reader);
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| fail(&format!("malformed XML: {e}"), before))?;
        crate::response::forbidden_characters(&event).map_err(|m| fail(&m, before))?;
        let soap =
            matches!(ns, ResolveResult::Bound(Namespace(n)) if n == SOAP11_ENV || n == SOAP12_ENV);
        let tag = before..position(&reader);
        let empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(start) | Event::Empty(start) => {
                let local = start.local_name();
                match depth {
                    0 if !(soap && local.as_ref() == "Envelope") => {
                        return Err(fail("the root element is not a SOAP Envelope", before));
                    }
                    0 => declarations(&start, &mut inherited),
                    1 if soap && local.as_ref() == "Body" => {
                        in_body = !empty;
                        declarations(&start, &mut inherited);
                    }
                    2 if in_body && soap && local.as_ref() == "Fault" && !refs.has_response() => {
                        return crate::response::parse(xml, operation);
                    }
                    2.. if in_body => refs
                        .element(&reader, &start, depth, tag, empty)
                        .map_err(|m| fail(&m, before))?,
                    _ => {}
                }
                if !empty {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(fail("the answer nests elements too deep", before));
                    }
                }
            }
            Event::End(_) => {
                depth -= 1;
                if in_body && depth >= 2 {
                    refs.end(depth, tag).map_err(|m| fail(&m, before))?;
                }
                if depth == 1 {
                    // Past the Body (or a Header): only the Body's elements matter.
                    in_body = false;
                }
            }
            Event::DocType(_) => {
                return Err(fail("DTDs are not accepted in SOAP responses", before));
            }
            Event::GeneralRef(r) => {
                let name = r.as_ref();
                if !(name.starts_with("#") || matches!(name, "amp" | "lt" | "gt" | "quot" | "apos"))
                {
                    return Err(fail("an entity XML does not predefine", before));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    match refs.inline(&inherited).map_err(|m| fail(&m, xml.len()))? {
        Some(element) => Ok(Parsed::Return(standalone(&element, &inherited))),
        None if one_way => Ok(Parsed::Return(String::new())),
        None => Err(fail("the answer's Body holds no element", xml.len())),
    }
}

/// Adds the `xmlns` attributes of `start` to `out`, a later one replacing an earlier one.
fn declarations(start: &BytesStart<'_>, out: &mut Vec<(String, String)>) {
    for attr in start.attributes().flatten() {
        let key = attr.key.as_ref().to_owned();
        if key == "xmlns" || key.starts_with("xmlns:") {
            let value = attr.value.clone().into_owned();
            out.retain(|(k, _)| *k != key);
            out.push((key, value));
        }
    }
}

/// `element` with the inherited declarations it does not make itself written on its start tag.
fn standalone(element: &str, inherited: &[(String, String)]) -> String {
    let name_end = element[1..]
        .find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
        .map_or(element.len(), |i| i + 1);
    let head_end = element.find('>').unwrap_or(element.len());
    let head = &element[..head_end];
    let mut out = String::with_capacity(element.len() + 64);
    out.push_str(&element[..name_end]);
    for (key, value) in inherited {
        if !head.contains(&format!("{key}=")) {
            out.push(' ');
            out.push_str(key);
            out.push_str("=\"");
            // The value was read raw from an attribute, so it is already escaped.
            out.push_str(value);
            out.push('"');
        }
    }
    out.push_str(&element[name_end..]);
    out
}

mod inline;

#[cfg(test)]
mod tests;
