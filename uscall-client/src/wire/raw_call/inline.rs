//! SOAP encoding's references in a raw answer, inlined: `<x href="#id1"/>` (SOAP 1.1) or
//! `<x enc:ref="id1"/>` (SOAP 1.2) takes the content of the element `<multiRef id="id1">` beside
//! the response in the Body, as Apache Axis 1 and some ext/soap and NuSOAP services write structs
//! and arrays, so that the response element reads on its own.

use crate::response::{MAX_DEPTH, MAX_TARGETS, SOAP12_ENC};
use quick_xml::events::BytesStart;
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::{NsReader, XmlVersion};
use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;

/// SOAP 1.1's encoding namespace, which qualifies a multiRef's `root` attribute.
const SOAP11_ENC: &str = "http://schemas.xmlsoap.org/soap/encoding/";

/// How many times the answer's size the inlined XML may reach: an element referred to many
/// times is copied as many times, so that a small answer could otherwise grow without bound.
const GROWTH: usize = 4;

/// An attribute as written: its qualified name and its value, still escaped.
#[derive(Clone)]
struct Attr {
    key: String,
    value: String,
}

/// What a start tag says for inlining: an id, a reference, and the other attributes.
struct Tag {
    id: Option<String>,
    reference: Option<String>,
    attrs: Vec<Attr>,
}

/// An element with an id beside the response in the Body: what references stand for.
struct Target {
    id: String,
    /// Its qualified name, for messages.
    name: String,
    /// Its attributes but the id and `root`, which the element referring to it takes.
    attrs: Vec<Attr>,
    /// Its content's place in the answer; `None` for an empty element.
    content: Option<Range<usize>>,
    /// How deep its content nests below it.
    height: usize,
}

/// An element inside the response or a target that refers to an element by its id.
struct Ref {
    /// From its start tag to the end of its end tag.
    span: Range<usize>,
    /// Where its start tag ends: its content, which must be blank, starts there.
    tag_end: usize,
    id: String,
    /// Its qualified name, kept.
    name: String,
    /// The namespace of its name where it is written (`None` for none).
    namespace: Option<String>,
    /// Its attributes but the reference.
    attrs: Vec<Attr>,
    /// How deep it is below the response or target holding it.
    level: usize,
}

/// The Body's elements and references, noted element by element as the answer is read, then
/// inlined into the response.
pub(super) struct Refs<'a> {
    xml: &'a str,
    /// The response element's place in the answer (its end once read).
    response: Option<Range<usize>>,
    targets: Vec<Target>,
    /// In document order.
    refs: Vec<Ref>,
    /// Ids of elements inside the response or a target: what refers to one is left as written,
    /// since the XML holds it (ext/soap writes an object's second occurrence so).
    inner_ids: HashSet<String>,
    /// The namespace declarations (`xmlns`, `xmlns:p`) made inside the Body.
    redeclared: HashSet<String>,
    /// The Body's child being read: `None` the response, else a target's index.
    owner: Option<usize>,
    /// A reference element being read, by depth and index: it must hold nothing.
    open_ref: Option<(usize, usize)>,
}

impl<'a> Refs<'a> {
    pub(super) fn new(xml: &'a str) -> Self {
        Refs {
            xml,
            response: None,
            targets: Vec::new(),
            refs: Vec::new(),
            inner_ids: HashSet::new(),
            redeclared: HashSet::new(),
            owner: None,
            open_ref: None,
        }
    }

    /// Whether the Body's first element (the response) has been read.
    pub(super) fn has_response(&self) -> bool {
        self.response.is_some()
    }

    /// Notes the element `start`, `depth` deep (the Body's children are 2 deep), whose start
    /// tag spans `tag` in the answer.
    pub(super) fn element(
        &mut self,
        reader: &NsReader<&[u8]>,
        start: &BytesStart<'_>,
        depth: usize,
        tag: Range<usize>,
        empty: bool,
    ) -> Result<(), String> {
        if let Some((_, i)) = self.open_ref {
            return Err(both(&self.refs[i].name));
        }
        let name = start.name().as_ref().to_owned();
        let read = read_tag(reader, start, &name)?;
        for a in &read.attrs {
            if a.key == "xmlns" || a.key.starts_with("xmlns:") {
                self.redeclared.insert(a.key.clone());
            }
        }
        if depth == 2 {
            return self.body_child(read, name, tag, empty);
        }
        let level = depth - 2;
        if let Some(t) = self.owner {
            self.targets[t].height = self.targets[t].height.max(level);
        }
        if let Some(id) = read.id {
            if self.targets.iter().any(|t| t.id == id) {
                return Err(twice(&id));
            }
            self.inner_ids.insert(id);
        }
        if let Some(id) = read.reference {
            let namespace = match reader.resolver().resolve_element(start.name()).0 {
                ResolveResult::Bound(Namespace(n)) => Some(n.to_owned()),
                _ => None,
            };
            if !empty {
                self.open_ref = Some((depth, self.refs.len()));
            }
            self.refs.push(Ref {
                span: tag.clone(),
                tag_end: tag.end,
                id,
                name,
                namespace,
                attrs: read.attrs,
                level,
            });
        }
        Ok(())
    }

    /// The response, then only elements with an id (multiRefs): another answer is ambiguous.
    fn body_child(
        &mut self,
        read: Tag,
        name: String,
        tag: Range<usize>,
        empty: bool,
    ) -> Result<(), String> {
        if read.reference.is_some() {
            return Err(format!(
                "<{name}> in the Body is itself a reference, which is not supported"
            ));
        }
        if self.response.is_none() {
            self.response = Some(tag);
            return Ok(());
        }
        let Some(id) = read.id else {
            return Err("the Body holds more than one element, which is ambiguous".into());
        };
        if self.targets.len() >= MAX_TARGETS {
            return Err(format!(
                "the Body holds more than {MAX_TARGETS} elements with an id (multiRef) beside the response"
            ));
        }
        if self.inner_ids.contains(&id) || self.targets.iter().any(|t| t.id == id) {
            return Err(twice(&id));
        }
        self.owner = Some(self.targets.len());
        self.targets.push(Target {
            id,
            name,
            attrs: read.attrs,
            content: (!empty).then_some(tag.end..tag.end),
            height: 0,
        });
        Ok(())
    }

    /// Notes the end of the element `depth` deep whose end tag spans `tag`.
    pub(super) fn end(&mut self, depth: usize, tag: Range<usize>) -> Result<(), String> {
        if let Some((open, i)) = self.open_ref
            && open == depth
        {
            let r = &mut self.refs[i];
            if !self.xml[r.tag_end..tag.start].trim().is_empty() {
                return Err(both(&r.name));
            }
            r.span.end = tag.end;
            self.open_ref = None;
        }
        if depth == 2 {
            match self.owner {
                None => self.response.iter_mut().for_each(|r| r.end = tag.end),
                Some(t) => self.targets[t]
                    .content
                    .iter_mut()
                    .for_each(|c| c.end = tag.start),
            }
        }
        Ok(())
    }

    /// The response element with every reference to a target replaced by the target's content
    /// (`None` when the Body holds no element). `inherited`: the declarations of the Envelope
    /// and the Body, which the targets' content may use.
    pub(super) fn inline(self, inherited: &[(String, String)]) -> Result<Option<String>, String> {
        let Some(response) = self.response.clone() else {
            return Ok(None);
        };
        let landings: Vec<Landing> = self
            .targets
            .iter()
            .map(|t| self.landing(t, inherited))
            .collect();
        let mut out = Out {
            text: String::with_capacity(response.len()),
            limit: self.xml.len().saturating_mul(GROWTH),
        };
        let mut used = vec![false; self.targets.len()];
        let mut walk = Walk {
            out: &mut out,
            chain: Vec::new(),
            used: &mut used,
            landings: &landings,
        };
        self.write(&mut walk, response, 1)?;
        if let Some(idle) = used.iter().position(|u| !u) {
            let t = &self.targets[idle];
            return Err(format!(
                "the Body holds <{} id={:?}> beside the response, which nothing refers to",
                t.name, t.id
            ));
        }
        Ok(Some(out.text))
    }

    /// The attributes `target` gives the element referring to it: its own, then the Envelope's
    /// and the Body's declarations that an element inside the Body makes otherwise, so that its
    /// content means where it lands what it meant beside the response.
    fn landing(&self, target: &Target, inherited: &[(String, String)]) -> Landing {
        let mut attrs = target.attrs.clone();
        let own = |key: &str| target.attrs.iter().any(|a| a.key == key);
        for (key, value) in inherited {
            if self.redeclared.contains(key) && !own(key) {
                attrs.push(Attr {
                    key: key.clone(),
                    value: value.clone(),
                });
            }
        }
        let default = inherited.iter().any(|(k, _)| k == "xmlns");
        if self.redeclared.contains("xmlns") && !own("xmlns") && !default {
            attrs.push(Attr {
                key: "xmlns".into(),
                value: String::new(),
            });
        }
        let keys = attrs.iter().map(|a| a.key.clone()).collect();
        Landing { attrs, keys }
    }

    /// Writes `range` of the answer, whose root lands `level` deep, with its references
    /// inlined.
    fn write(&self, walk: &mut Walk<'_>, range: Range<usize>, level: usize) -> Result<(), String> {
        let xml = self.xml;
        let first = self.refs.partition_point(|r| r.span.start < range.start);
        let mut at = range.start;
        for r in self.refs[first..]
            .iter()
            .take_while(|r| r.span.start < range.end)
        {
            walk.out.push(&xml[at..r.span.start])?;
            at = r.span.end;
            if self.inner_ids.contains(&r.id) {
                walk.out.push(&xml[r.span.clone()])?;
                continue;
            }
            let Some(t) = self.targets.iter().position(|t| t.id == r.id) else {
                return Err(format!(
                    "<{}> refers to the id {:?}, which no element of the Body has",
                    r.name, r.id
                ));
            };
            if walk.chain.contains(&t) {
                // Quoted: the ids are the server's text, shown as data.
                let ids: Vec<String> = walk
                    .chain
                    .iter()
                    .map(|&i| format!("{:?}", self.targets[i].id))
                    .collect();
                return Err(format!(
                    "the references go round in a circle: {} -> {:?}",
                    ids.join(" -> "),
                    r.id
                ));
            }
            let target = &self.targets[t];
            let depth = level + r.level;
            if depth + target.height > MAX_DEPTH {
                return Err(format!(
                    "inlining the answer's references would nest elements more than {MAX_DEPTH} deep"
                ));
            }
            walk.used[t] = true;
            self.open_tag(walk, r, t)?;
            let Some(content) = target.content.clone() else {
                walk.out.push("/>")?;
                continue;
            };
            walk.out.push(">")?;
            walk.chain.push(t);
            self.write(walk, content, depth)?;
            walk.chain.pop();
            walk.out.push("</")?;
            walk.out.push(&r.name)?;
            walk.out.push(">")?;
        }
        walk.out.push(&xml[at..range.end])
    }

    /// Writes the start tag (without its `>`) of `r` holding target `t`: its name, its own
    /// attributes but those the target gives it, then the target's.
    fn open_tag(&self, walk: &mut Walk<'_>, r: &Ref, t: usize) -> Result<(), String> {
        let landing = &walk.landings[t];
        // The element keeps its name, so the target must not move it to another namespace.
        let binding = match r.name.split_once(':') {
            Some((prefix, _)) => format!("xmlns:{prefix}"),
            None => "xmlns".to_owned(),
        };
        let moved = landing.attrs.iter().find(|a| a.key == binding);
        if let Some(a) = moved
            && a.value != r.namespace.as_deref().unwrap_or("")
        {
            let target = &self.targets[t];
            return Err(format!(
                "<{}> cannot take the content of <{} id={:?}> without changing its own namespace ({binding})",
                r.name, target.name, target.id
            ));
        }
        walk.out.push("<")?;
        walk.out.push(&r.name)?;
        for a in r.attrs.iter().filter(|a| !landing.keys.contains(&a.key)) {
            walk.out.attr(a)?;
        }
        for a in &landing.attrs {
            walk.out.attr(a)?;
        }
        Ok(())
    }
}

/// What an element referring to a target takes from it, with the names of those attributes.
struct Landing {
    attrs: Vec<Attr>,
    keys: HashSet<String>,
}

/// The state of one inlining: the text written, the targets being expanded (outermost first),
/// which targets were referred to.
struct Walk<'w> {
    out: &'w mut Out,
    chain: Vec<usize>,
    used: &'w mut [bool],
    landings: &'w [Landing],
}

/// The inlined text, which may not grow past `limit` bytes.
struct Out {
    text: String,
    limit: usize,
}

impl Out {
    fn push(&mut self, s: &str) -> Result<(), String> {
        if self.text.len().saturating_add(s.len()) > self.limit {
            return Err(format!(
                "inlining the answer's references would make it more than {GROWTH} times its size"
            ));
        }
        self.text.push_str(s);
        Ok(())
    }

    /// ` key="value"`: a value written between single quotes may hold a double one.
    fn attr(&mut self, a: &Attr) -> Result<(), String> {
        self.push(" ")?;
        self.push(&a.key)?;
        self.push("=\"")?;
        self.push(&a.value.replace('"', "&quot;"))?;
        self.push("\"")
    }
}

fn both(name: &str) -> String {
    format!("<{name}> holds both a reference and a value")
}

fn twice(id: &str) -> String {
    format!("two elements of the Body have the id {id:?}")
}

/// Reads `start`'s id (`id`, or SOAP 1.2's `enc:id`), reference (`href="#id"`, or SOAP 1.2's
/// `enc:ref="id"`) and other attributes, leaving out SOAP encoding's `root`.
fn read_tag(reader: &NsReader<&[u8]>, start: &BytesStart<'_>, name: &str) -> Result<Tag, String> {
    let mut tag = Tag {
        id: None,
        reference: None,
        attrs: Vec::new(),
    };
    for a in start.attributes() {
        let a = a.map_err(|e| format!("malformed XML: {e}"))?;
        let (ns, local) = reader.resolver().resolve_attribute(a.key);
        let encoding = match ns {
            ResolveResult::Bound(Namespace(n)) => Some(n),
            _ => None,
        };
        let unqualified = a.key.prefix().is_none();
        let value = || {
            a.normalized_value(XmlVersion::Implicit1_0)
                .map(Cow::into_owned)
                .map_err(|e| format!("malformed XML: {e}"))
        };
        match (local.as_ref(), encoding) {
            ("id", None) if unqualified => tag.id = Some(value()?),
            ("id", Some(SOAP12_ENC)) => tag.id = Some(value()?),
            ("ref", Some(SOAP12_ENC)) => tag.reference = Some(value()?),
            ("href", None) if unqualified => {
                let href = value()?;
                let Some(id) = href.strip_prefix('#') else {
                    return Err(format!("<{name} href={href:?}> refers outside the answer"));
                };
                tag.reference = Some(id.to_owned());
            }
            ("root", Some(SOAP11_ENC | SOAP12_ENC)) => {}
            _ => tag.attrs.push(Attr {
                key: a.key.as_ref().to_owned(),
                value: a.value.clone().into_owned(),
            }),
        }
    }
    Ok(tag)
}
