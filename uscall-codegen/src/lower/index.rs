//! Name lookups over a WSDL, built once so every operation resolves in logarithmic time.

use std::collections::BTreeMap;

use crate::lower::Key;
use crate::wsdl::{
    Binding, ComplexType, Definitions, Element, Message, PortType, Schema, SimpleType,
};

/// Name lookups, built once so every operation resolves in logarithmic time.
pub(crate) struct Index<'a> {
    pub(crate) elements: BTreeMap<Key<'a>, (&'a Element, &'a Schema)>,
    pub(crate) messages: BTreeMap<Key<'a>, &'a Message>,
    pub(crate) port_types: BTreeMap<Key<'a>, &'a PortType>,
    pub(crate) bindings: BTreeMap<Key<'a>, &'a Binding>,
    pub(crate) complex_types: BTreeMap<Key<'a>, &'a ComplexType>,
    pub(crate) simple_types: BTreeMap<Key<'a>, &'a SimpleType>,
}

impl<'a> Index<'a> {
    pub(crate) fn new(defs: &'a Definitions) -> Self {
        let tns = defs.target_namespace.as_deref();
        // The first definition of a name wins, as `rev()` then `collect()` keeps the last insert.
        let by_name = |name: &'a String| (tns, name.as_str());
        let mut index = Index {
            messages: defs
                .messages
                .iter()
                .rev()
                .map(|m| (by_name(&m.name), m))
                .collect(),
            port_types: defs
                .port_types
                .iter()
                .rev()
                .map(|p| (by_name(&p.name), p))
                .collect(),
            bindings: defs
                .bindings
                .iter()
                .rev()
                .map(|b| (by_name(&b.name), b))
                .collect(),
            elements: BTreeMap::new(),
            complex_types: BTreeMap::new(),
            simple_types: BTreeMap::new(),
        };
        for schema in defs.schemas.iter().rev() {
            let ns = schema.target_namespace.as_deref();
            for e in schema.elements.iter().rev() {
                index.elements.insert((ns, e.name.as_str()), (e, schema));
            }
            for t in schema.complex_types.iter().rev() {
                if let Some(name) = &t.name {
                    index.complex_types.insert((ns, name.as_str()), t);
                }
            }
            for t in schema.simple_types.iter().rev() {
                if let Some(name) = &t.name {
                    index.simple_types.insert((ns, name.as_str()), t);
                }
            }
        }
        index
    }
}
