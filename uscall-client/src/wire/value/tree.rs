//! An owned XML element tree of an answer's response element, with the namespace declarations
//! in scope at each element, for reading typed values out of it.

use quick_xml::NsReader;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};
use std::fmt;
use std::sync::Arc;

/// The deepest nesting accepted: recursive types end here, and so does hostile input.
pub const MAX_DEPTH: usize = 64;

/// The XML Schema instance namespace (`xsi:type`, `xsi:nil`), and its 1999 draft.
pub(crate) const XSI: [&str; 2] = [
    "http://www.w3.org/2001/XMLSchema-instance",
    "http://www.w3.org/1999/XMLSchema-instance",
];

/// Why a text is not an element tree, and where (a byte offset in it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeError {
    /// What is wrong.
    pub message: String,
    /// The byte offset where it was found.
    pub position: usize,
}

impl fmt::Display for TreeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at byte {})", self.message, self.position)
    }
}

impl std::error::Error for TreeError {}

/// One attribute, with its value unescaped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// The local name (`type` for `xsi:type`).
    pub name: String,
    /// The namespace its prefix stands for; `None` for an unprefixed attribute.
    pub namespace: Option<String>,
    /// The value, unescaped.
    pub value: String,
}

/// The namespace declarations in scope at an element: its own, then its ancestors'.
#[derive(Debug, Default, PartialEq, Eq)]
struct Scope {
    /// `(prefix, namespace)`; the empty prefix is the default namespace.
    declared: Vec<(String, String)>,
    parent: Option<Arc<Scope>>,
}

/// An element: its name, attributes, child elements and own text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    /// The local name.
    pub name: String,
    /// The namespace of its name; `None` when unqualified.
    pub namespace: Option<String>,
    /// Its attributes, namespace declarations left out.
    pub attributes: Vec<Attribute>,
    /// Its child elements, in order.
    pub children: Vec<Element>,
    /// Its own text (not its children's), unescaped, CDATA sections included.
    pub text: String,
    scope: Arc<Scope>,
}

impl Element {
    /// Parses an element (the response element's self-contained XML): refuses a DTD, entities
    /// XML does not predefine, characters XML 1.0 forbids and nesting deeper than
    /// [`MAX_DEPTH`].
    pub fn parse(xml: &str) -> Result<Element, TreeError> {
        parse(xml)
    }

    /// The value of the attribute with this local name, in this namespace (`None`: any).
    pub fn attribute(&self, name: &str, namespace: Option<&[&str]>) -> Option<&str> {
        self.attributes
            .iter()
            .find(|a| {
                a.name == name
                    && namespace
                        .is_none_or(|ns| a.namespace.as_deref().is_some_and(|n| ns.contains(&n)))
            })
            .map(|a| a.value.as_str())
    }

    /// The child elements with this local name, whatever their namespace.
    pub fn children_named<'e>(&'e self, name: &'e str) -> impl Iterator<Item = &'e Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The namespace a prefix stands for here (`""`: the default namespace).
    pub fn namespace_of(&self, prefix: &str) -> Option<&str> {
        match prefix {
            "xml" => return Some("http://www.w3.org/XML/1998/namespace"),
            "xmlns" => return Some("http://www.w3.org/2000/xmlns/"),
            _ => {}
        }
        let mut scope = Some(&self.scope);
        while let Some(s) = scope {
            if let Some((_, ns)) = s.declared.iter().rev().find(|(p, _)| p == prefix) {
                // `xmlns=""` undeclares the default namespace.
                return (!ns.is_empty()).then_some(ns.as_str());
            }
            scope = s.parent.as_ref();
        }
        None
    }

    /// Resolves a QName written in an attribute value (`xsd:int`, `ns2:Person[3]`): its
    /// namespace (`None` when its prefix is undeclared, or it has none and there is no default
    /// namespace) and its local part, as written after the prefix.
    pub fn resolve_qname<'v>(&self, value: &'v str) -> (Option<&str>, &'v str) {
        let value = value.trim();
        match value.split_once(':') {
            Some((prefix, local)) => (self.namespace_of(prefix), local),
            None => (self.namespace_of(""), value),
        }
    }

    /// `xsi:type`, resolved: its namespace and local name.
    pub fn xsi_type(&self) -> Option<(Option<&str>, &str)> {
        self.attribute("type", Some(&XSI))
            .map(|value| self.resolve_qname(value))
    }

    /// Whether the element is `xsi:nil="true"` (or `"1"`).
    pub fn is_nil(&self) -> bool {
        self.attribute("nil", Some(&XSI))
            .is_some_and(|v| matches!(v.trim(), "true" | "1"))
    }
}

fn parse(xml: &str) -> Result<Element, TreeError> {
    let mut reader = NsReader::from_str(xml);
    let position =
        |reader: &NsReader<&[u8]>| usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
    let fail = |message: String, position: usize| TreeError { message, position };
    // The open elements, innermost last; the root once it is closed.
    let mut open: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let before = position(&reader);
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| fail(format!("malformed XML: {e}"), before))?;
        crate::response::forbidden_characters(&event).map_err(|m| fail(m, before))?;
        let namespace = match ns {
            ResolveResult::Bound(Namespace(n)) => Some(n.to_owned()),
            _ => None,
        };
        match event {
            Event::Start(start) | Event::Empty(start) if root.is_some() => {
                let name = start.local_name().as_ref().to_owned();
                return Err(fail(
                    format!("a second element <{name}> after the root"),
                    before,
                ));
            }
            Event::Start(start) => {
                if open.len() >= MAX_DEPTH {
                    return Err(fail("the XML nests elements too deep".into(), before));
                }
                let element = element(&reader, &start, namespace, open.last())
                    .map_err(|m| fail(m, before))?;
                open.push(element);
            }
            Event::Empty(start) => {
                if open.len() >= MAX_DEPTH {
                    return Err(fail("the XML nests elements too deep".into(), before));
                }
                let element = element(&reader, &start, namespace, open.last())
                    .map_err(|m| fail(m, before))?;
                close(element, &mut open, &mut root);
            }
            Event::End(_) => match open.pop() {
                Some(element) => close(element, &mut open, &mut root),
                None => return Err(fail("an end tag with no start".into(), before)),
            },
            Event::Text(text) => {
                let content = text.xml10_content();
                match open.last_mut() {
                    Some(element) => element.text.push_str(&content),
                    None if content.trim().is_empty() => {}
                    None => return Err(fail("text outside the element".into(), before)),
                }
            }
            Event::CData(text) => match open.last_mut() {
                Some(element) => element.text.push_str(&text.xml10_content()),
                None => return Err(fail("text outside the element".into(), before)),
            },
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => match &*r {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        other => {
                            return Err(fail(format!("undefined entity &{other};"), before));
                        }
                    },
                    Err(e) => return Err(fail(format!("bad character reference: {e}"), before)),
                };
                match open.last_mut() {
                    Some(element) => element.text.push(c),
                    None => return Err(fail("text outside the element".into(), before)),
                }
            }
            Event::DocType(_) => return Err(fail("DTDs are not accepted".into(), before)),
            Event::Eof => break,
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) => {}
        }
    }
    if let Some(element) = open.last() {
        return Err(fail(
            format!("the XML ends inside <{}>", element.name),
            xml.len(),
        ));
    }
    root.ok_or_else(|| fail("no element".into(), xml.len()))
}

/// An element whose start tag was just read, empty for now.
fn element(
    reader: &NsReader<&[u8]>,
    start: &BytesStart<'_>,
    namespace: Option<String>,
    parent: Option<&Element>,
) -> Result<Element, String> {
    let mut declared = Vec::new();
    let mut attributes = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| format!("malformed attribute: {e}"))?;
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| format!("malformed attribute value: {e}"))?
            .into_owned();
        let key = attr.key.as_ref();
        if key == "xmlns" {
            declared.push((String::new(), value));
        } else if let Some(prefix) = key.strip_prefix("xmlns:") {
            declared.push((prefix.to_owned(), value));
        } else {
            let (ns, local) = reader.resolver().resolve_attribute(attr.key);
            let namespace = match ns {
                ResolveResult::Bound(Namespace(n)) => Some(n.to_owned()),
                _ => None,
            };
            attributes.push(Attribute {
                name: local.as_ref().to_owned(),
                namespace,
                value,
            });
        }
    }
    let parent_scope = parent.map(|p| p.scope.clone());
    let scope = if declared.is_empty() {
        parent_scope.unwrap_or_default()
    } else {
        Arc::new(Scope {
            declared,
            parent: parent_scope,
        })
    };
    Ok(Element {
        name: start.local_name().as_ref().to_owned(),
        namespace,
        attributes,
        children: Vec::new(),
        text: String::new(),
        scope,
    })
}

/// Hangs a finished element on its parent, or makes it the root.
fn close(element: Element, open: &mut [Element], root: &mut Option<Element>) {
    match open.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_names_attributes_text_and_scopes() {
        let xml = "<ns1:r xmlns:ns1=\"urn:a\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
                   xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" id=\"a&amp;b\">\
                   <v xsi:type=\"xsd:int\"> 3 </v><w xmlns:xsd=\"urn:other\" xsi:type=\"xsd:int\">\
                   a&lt;<![CDATA[<b>]]>&#65;</w><n xsi:nil=\"1\"/></ns1:r>";
        let root = Element::parse(xml).unwrap();
        assert_eq!(root.name, "r");
        assert_eq!(root.namespace.as_deref(), Some("urn:a"));
        assert_eq!(root.attribute("id", None), Some("a&b"));
        assert_eq!(root.children.len(), 3);
        let v = &root.children[0];
        assert_eq!(v.namespace, None);
        assert_eq!(v.text, " 3 ");
        assert_eq!(
            v.xsi_type(),
            Some((Some("http://www.w3.org/2001/XMLSchema"), "int"))
        );
        let w = &root.children[1];
        assert_eq!(w.text, "a<<b>A");
        assert_eq!(w.xsi_type(), Some((Some("urn:other"), "int")));
        assert!(root.children[2].is_nil());
        assert!(!v.is_nil());
        assert_eq!(root.resolve_qname("nope:x"), (None, "x"));
    }

    #[test]
    fn refuses_dtds_entities_depth_and_broken_xml() {
        let deep = format!("{}{}", "<a>".repeat(65), "</a>".repeat(65));
        let ok = format!("{}{}", "<a>".repeat(64), "</a>".repeat(64));
        assert!(Element::parse(&ok).is_ok());
        let cases = [
            "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>",
            "<a>&x;</a>",
            "<a>\u{1}</a>",
            "<a>&#0;</a>",
            "<a><b></a>",
            "<a>",
            "",
            "text",
            "<a/><b/>",
            deep.as_str(),
        ];
        for case in cases {
            let err = Element::parse(case).unwrap_err();
            assert!(err.position <= case.len(), "{case}: {err}");
        }
    }

    proptest! {
        #[test]
        fn never_panics_on_any_text(text in ".{0,200}") {
            let _ = Element::parse(&text);
        }

        #[test]
        fn never_panics_on_xml_like_text(text in "[<>/a-c:=\"' &;#x0-9!\\[\\]CDATA-]{0,120}") {
            let _ = Element::parse(&text);
        }
    }
}
