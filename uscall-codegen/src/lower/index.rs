//! Name lookups over a WSDL, built once so every operation resolves in logarithmic time.

use std::collections::BTreeMap;

use crate::lower::Key;
use crate::wsdl::{
    Attribute, AttributeGroup, Binding, ComplexType, Definitions, Element, Group, Message,
    PortType, Schema, SimpleType,
};

/// Name lookups, built once so every operation resolves in logarithmic time.
pub(crate) struct Index<'a> {
    pub(crate) elements: BTreeMap<Key<'a>, (&'a Element, &'a Schema)>,
    pub(crate) messages: BTreeMap<Key<'a>, &'a Message>,
    pub(crate) port_types: BTreeMap<Key<'a>, &'a PortType>,
    pub(crate) bindings: BTreeMap<Key<'a>, &'a Binding>,
    pub(crate) complex_types: BTreeMap<Key<'a>, (&'a ComplexType, &'a Schema)>,
    pub(crate) simple_types: BTreeMap<Key<'a>, (&'a SimpleType, &'a Schema)>,
    pub(crate) groups: BTreeMap<Key<'a>, (&'a Group, &'a Schema)>,
    pub(crate) attribute_groups: BTreeMap<Key<'a>, &'a AttributeGroup>,
    pub(crate) attributes: BTreeMap<Key<'a>, &'a Attribute>,
    /// Namespaces imported by `schemaLocation` that no schema of the WSDL declares, with the
    /// location: what the generator would have to fetch, and never does.
    pub(crate) external: BTreeMap<Option<&'a str>, &'a str>,
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
            groups: BTreeMap::new(),
            attribute_groups: BTreeMap::new(),
            attributes: BTreeMap::new(),
            external: BTreeMap::new(),
        };
        for schema in defs.schemas.iter().rev() {
            let ns = schema.target_namespace.as_deref();
            for e in schema.elements.iter().rev() {
                index.elements.insert((ns, e.name.as_str()), (e, schema));
            }
            for t in schema.complex_types.iter().rev() {
                if let Some(name) = &t.name {
                    index.complex_types.insert((ns, name.as_str()), (t, schema));
                }
            }
            for t in schema.simple_types.iter().rev() {
                if let Some(name) = &t.name {
                    index.simple_types.insert((ns, name.as_str()), (t, schema));
                }
            }
            for g in schema.groups.iter().rev() {
                index.groups.insert((ns, g.name.as_str()), (g, schema));
            }
            for g in schema.attribute_groups.iter().rev() {
                index.attribute_groups.insert((ns, g.name.as_str()), g);
            }
            for a in schema.attributes.iter().rev() {
                index.attributes.insert((ns, a.name.as_str()), a);
            }
        }
        let declared: std::collections::BTreeSet<Option<&str>> = defs
            .schemas
            .iter()
            .map(|s| s.target_namespace.as_deref())
            .collect();
        let loaded: std::collections::BTreeSet<&str> = defs
            .schemas
            .iter()
            .filter_map(|s| s.location.as_deref())
            .collect();
        for schema in &defs.schemas {
            for import in &schema.imports {
                let ns = match import.kind.as_str() {
                    "import" => import.namespace.as_deref(),
                    _ => schema.target_namespace.as_deref(),
                };
                if let Some(location) = import.location.as_deref()
                    && !loaded.contains(location)
                    && (import.kind != "import" || !declared.contains(&ns))
                {
                    index.external.entry(ns).or_insert(location);
                }
            }
        }
        index
    }

    /// The `schemaLocation` a namespace was imported from, when no schema here declares it
    /// (or, for an include, when it adds to a namespace from outside).
    pub(crate) fn imported_from(&self, namespace: Option<&str>) -> Option<&'a str> {
        self.external.get(&namespace).copied()
    }
}
