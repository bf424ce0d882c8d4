//! XSD types to [`crate::model::TypeRef`]s and [`crate::model::TypeDef`]s: what a part, a field or an array holds.
//!
//! Types are lowered when an operation first uses them, named in that order, and an operation
//! whose types cannot all be lowered gives its new names back ([`Types::rollback`]) before it
//! becomes raw, so that the schema module holds exactly what the typed operations use.

use std::collections::{BTreeMap, BTreeSet};

use crate::lower::{Index, key};
use crate::model::{Builtin, Field, FieldForm, Occurs, TypeDef, TypeDefKind, TypeRef};
use crate::names::{FieldNamer, TypeNamer, TypeNames};
use crate::wsdl::{
    Attribute, ComplexType, Compositor, Content, Derivation, Element, Item, Particle, QName,
    Schema, SimpleType,
};

/// Why a type cannot be lowered, as a clause naming it.
pub(crate) type Unsupported = String;

/// How deep anonymous types, groups and derivations may nest while lowering.
const MAX_NESTING: usize = 64;

/// Where a type definition is registered: a named type by its QName, an anonymous one by the
/// Rust name it was given.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Slot {
    Named(Option<String>, String),
    Array(String),
}

/// The types lowered so far.
pub(crate) struct Types<'a> {
    index: &'a Index<'a>,
    defs: Vec<Option<TypeDef>>,
    names: Vec<TypeNames>,
    slots: BTreeMap<Slot, usize>,
    namer: TypeNamer,
    depth: usize,
}

/// A point to roll back to.
pub(crate) struct Checkpoint(usize, TypeNamer);

impl<'a> Types<'a> {
    pub(crate) fn new(index: &'a Index<'a>) -> Self {
        Types {
            index,
            defs: Vec::new(),
            names: Vec::new(),
            slots: BTreeMap::new(),
            namer: TypeNamer::default(),
            depth: 0,
        }
    }

    pub(crate) fn checkpoint(&self) -> Checkpoint {
        Checkpoint(self.defs.len(), self.namer.clone())
    }

    /// Forgets every type registered since `checkpoint`.
    pub(crate) fn rollback(&mut self, checkpoint: Checkpoint) {
        let Checkpoint(len, namer) = checkpoint;
        self.defs.truncate(len);
        self.names.truncate(len);
        self.slots.retain(|_, i| *i < len);
        self.namer = namer;
    }

    /// Every type registered, boxing the fields that make a struct contain itself.
    pub(crate) fn finish(self) -> Vec<TypeDef> {
        let mut defs: Vec<TypeDef> = self.defs.into_iter().flatten().collect();
        let structs: BTreeMap<String, Vec<String>> = defs
            .iter()
            .filter_map(|d| match &d.kind {
                TypeDefKind::Struct(fields) => Some((
                    d.rust_name.clone(),
                    fields.iter().filter_map(inline_struct).collect(),
                )),
                _ => None,
            })
            .collect();
        for def in &mut defs {
            let owner = def.rust_name.clone();
            if let TypeDefKind::Struct(fields) = &mut def.kind {
                for field in fields {
                    if let Some(target) = inline_struct(field) {
                        field.boxed = reaches(&structs, &target, &owner);
                    }
                }
            }
        }
        defs
    }

    /// The type a QName names.
    pub(crate) fn type_ref(&mut self, q: &QName) -> Result<TypeRef, Unsupported> {
        if q.is_xsd() {
            return Ok(xsd_builtin(&q.local));
        }
        if q.is_soap_enc() {
            return Ok(match q.local.as_str() {
                "Array" => self.array_of(TypeRef::Any, "item"),
                "Struct" => TypeRef::Any,
                "base64" => TypeRef::Simple(Builtin::Base64Binary),
                other => xsd_builtin(other),
            });
        }
        if q.namespace.is_none() && q.prefix.is_some() {
            return Err(format!(
                "the namespace prefix of type `{}` is not declared",
                q.written()
            ));
        }
        if let Some(&(complex, schema)) = self.index.complex_types.get(&key(q)) {
            let slot = Slot::Named(q.namespace.clone(), q.local.clone());
            return self.complex(complex, schema, slot, &q.local);
        }
        if let Some(&(simple, _)) = self.index.simple_types.get(&key(q)) {
            let namespace = q.namespace.clone().unwrap_or_default();
            return self.simple(simple, &q.local, &namespace);
        }
        Err(match self.index.imported_from(q.namespace.as_deref()) {
            Some(location) => format!(
                "type `{}` is in schema `{location}`, which the WSDL imports by `schemaLocation`; \
                 the generator never fetches it (save it beside the WSDL to have it read)",
                q.written()
            ),
            None => format!(
                "type `{}` is not declared in the WSDL's schemas",
                q.written()
            ),
        })
    }

    /// The type of an element declaration: its `type`, its inline type, or `xsd:anyType`.
    /// `hint` names an anonymous type (`PersonAddress`).
    pub(crate) fn element_type(
        &mut self,
        element: &Element,
        schema: &Schema,
        hint: &str,
    ) -> Result<TypeRef, Unsupported> {
        if let Some(complex) = &element.complex_type {
            return self.complex(complex, schema, Slot::Array(String::new()), hint);
        }
        if let Some(simple) = &element.simple_type {
            let namespace = schema.target_namespace.clone().unwrap_or_default();
            return self.simple(simple, hint, &namespace);
        }
        match &element.type_name {
            Some(name) => self.type_ref(name),
            None => Ok(TypeRef::Any),
        }
    }

    /// A global element by QName, with the schema declaring it.
    pub(crate) fn global_element(
        &self,
        q: &QName,
    ) -> Result<(&'a Element, &'a Schema), Unsupported> {
        self.index.elements.get(&key(q)).copied().ok_or_else(|| {
            format!(
                "element `{}` is not declared in the WSDL's schemas",
                q.written()
            )
        })
    }

    /// The fields of a complex type's content, as the struct holding them would have them:
    /// the base type's first, then its own elements, then attributes.
    pub(crate) fn content_fields(
        &mut self,
        complex: &ComplexType,
        schema: &Schema,
        hint: &str,
    ) -> Result<Vec<Field>, Unsupported> {
        self.nested(|types| {
            let mut fields = Vec::new();
            match &complex.content {
                Content::Empty => {}
                Content::Particle(p) => {
                    types.particle(p, schema, Occurs::One, hint, &mut fields)?
                }
                Content::Extension { base, particle } => {
                    fields = types.base_fields(base)?;
                    if let Some(p) = particle {
                        types.particle(p, schema, Occurs::One, hint, &mut fields)?;
                    }
                }
                Content::Restriction { base, particle } => {
                    if is_soap_array(base) {
                        return Err("a SOAP-ENC array used as a wrapper".to_owned());
                    }
                    if let Some(p) = particle {
                        types.particle(p, schema, Occurs::One, hint, &mut fields)?;
                    }
                }
                Content::Simple { base } => {
                    let ty = match types.type_ref(base)? {
                        // simpleContent extending a complex type with simple content.
                        TypeRef::Named(name) => match types.def(&name).map(|d| &d.kind) {
                            Some(TypeDefKind::Struct(base_fields)) => {
                                fields.extend(base_fields.iter().cloned());
                                None
                            }
                            _ => Some(TypeRef::Named(name)),
                        },
                        other => Some(other),
                    };
                    if let Some(ty) = ty {
                        fields.push(Field {
                            xml_name: String::new(),
                            rust_name: "value".to_owned(),
                            namespace: None,
                            ty,
                            occurs: Occurs::One,
                            form: FieldForm::Text,
                            nillable: false,
                            boxed: false,
                        });
                    }
                }
                Content::Other(what) => return Err(format!("a complex type holding {what}")),
            }
            types.attributes(complex, schema, &mut fields)?;
            Ok(dedup(fields))
        })
    }

    /// A struct made for an answer of several values, with those values as its fields.
    pub(crate) fn answer_struct(&mut self, hint: &str, fields: Vec<Field>) -> String {
        let fields = dedup(fields);
        match self.register(Slot::Array(String::new()), "", "", hint, |_| {
            Ok(TypeDefKind::Struct(fields))
        }) {
            Ok(TypeRef::Named(name)) => name,
            _ => unreachable!("registering a struct with its fields cannot fail"),
        }
    }

    fn def(&self, rust: &str) -> Option<&TypeDef> {
        self.defs.iter().flatten().find(|d| d.rust_name == rust)
    }

    fn nested<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, Unsupported>,
    ) -> Result<T, Unsupported> {
        if self.depth >= MAX_NESTING {
            return Err(format!("types nested more than {MAX_NESTING} deep"));
        }
        self.depth += 1;
        let result = f(self);
        self.depth -= 1;
        result
    }

    /// Registers a type under `slot` (an empty anonymous slot is always new), lowering it with
    /// `lower` after its name is known, so that a type referring to itself finds it.
    fn register(
        &mut self,
        slot: Slot,
        xml_name: &str,
        namespace: &str,
        hint: &str,
        lower: impl FnOnce(&mut Self) -> Result<TypeDefKind, Unsupported>,
    ) -> Result<TypeRef, Unsupported> {
        let anonymous = matches!(&slot, Slot::Array(s) if s.is_empty());
        if !anonymous && let Some(&i) = self.slots.get(&slot) {
            return Ok(TypeRef::Named(self.names[i].rust.clone()));
        }
        let names = self.namer.assign(hint);
        let i = self.defs.len();
        self.defs.push(None);
        self.names.push(names.clone());
        if !anonymous {
            self.slots.insert(slot, i);
        }
        let kind = self.nested(lower)?;
        self.defs[i] = Some(TypeDef {
            xml_name: if xml_name.is_empty() {
                names.rust.clone()
            } else {
                xml_name.to_owned()
            },
            namespace: namespace.to_owned(),
            rust_name: names.rust.clone(),
            static_name: names.static_name,
            kind,
        });
        Ok(TypeRef::Named(names.rust))
    }

    fn complex(
        &mut self,
        complex: &ComplexType,
        schema: &Schema,
        slot: Slot,
        hint: &str,
    ) -> Result<TypeRef, Unsupported> {
        let namespace = schema.target_namespace.clone().unwrap_or_default();
        let xml_name = complex.name.clone().unwrap_or_default();
        if let Content::Restriction { base, particle } | Content::Extension { base, particle } =
            &complex.content
            && is_soap_array(base)
        {
            let (item, item_name) =
                self.soap_array_item(complex, particle.as_ref(), schema, hint)?;
            return self.register(slot, &xml_name, &namespace, hint, |_| {
                Ok(TypeDefKind::Array { item, item_name })
            });
        }
        self.register(slot, &xml_name, &namespace, hint, |types| {
            Ok(TypeDefKind::Struct(
                types.content_fields(complex, schema, hint)?,
            ))
        })
    }

    /// The item type of a SOAP-ENC array: `wsdl:arrayType`, else the element its restriction
    /// restates, else anything.
    fn soap_array_item(
        &mut self,
        complex: &ComplexType,
        particle: Option<&Particle>,
        schema: &Schema,
        hint: &str,
    ) -> Result<(TypeRef, String), Unsupported> {
        if let Some((item, dims)) = complex.attributes.iter().find_map(|a| a.array_type.clone()) {
            let mut ty = self.type_ref(&item)?;
            // `xsd:int[][]`: an array of arrays; `[,]` is read as one flat list.
            for _ in 1..dims.matches('[').count() {
                ty = self.array_of(ty, "item");
            }
            return Ok((ty, "item".to_owned()));
        }
        if let Some(Item::Element(element)) = particle.and_then(|p| p.items.first()) {
            let ty = self.element_type(element, schema, &format!("{hint}Item"))?;
            let name = if element.name.is_empty() {
                "item".to_owned()
            } else {
                element.name.clone()
            };
            return Ok((ty, name));
        }
        Ok((TypeRef::Any, "item".to_owned()))
    }

    /// An anonymous SOAP-ENC array of `item`.
    fn array_of(&mut self, item: TypeRef, item_name: &str) -> TypeRef {
        let label = match &item {
            TypeRef::Simple(b) | TypeRef::List(b) => format!("{b:?}"),
            TypeRef::Named(name) => name.clone(),
            TypeRef::Any => "Any".to_owned(),
        };
        let slot = Slot::Array(label.clone());
        let hint = format!("ArrayOf{label}");
        let item_name = item_name.to_owned();
        self.register(slot, "Array", "", &hint, |_| {
            Ok(TypeDefKind::Array { item, item_name })
        })
        .unwrap_or(TypeRef::Any)
    }

    /// A simple type of the schema whose target namespace is `namespace`.
    fn simple(
        &mut self,
        simple: &SimpleType,
        hint: &str,
        namespace: &str,
    ) -> Result<TypeRef, Unsupported> {
        self.nested(|types| match &simple.derivation {
            Derivation::Restriction {
                base,
                inline,
                enumeration,
            } => {
                let base_ref = match (base, inline) {
                    (Some(base), _) => types.type_ref(base)?,
                    (None, Some(inline)) => types.simple(inline, hint, namespace)?,
                    (None, None) => TypeRef::Simple(Builtin::String),
                };
                if enumeration.is_empty() {
                    return Ok(base_ref);
                }
                let builtin = match base_ref {
                    TypeRef::Simple(b) => b,
                    _ => Builtin::String,
                };
                let mut namer = FieldNamer::default();
                let values = enumeration
                    .iter()
                    .map(|v| (v.clone(), namer.variant(v)))
                    .collect();
                let slot = match &simple.name {
                    Some(name) => Slot::Named(Some(namespace.to_owned()), format!("simple:{name}")),
                    None => Slot::Array(String::new()),
                };
                let xml_name = simple.name.clone().unwrap_or_default();
                types.register(slot, &xml_name, namespace, hint, |_| {
                    Ok(TypeDefKind::Enum {
                        base: builtin,
                        values,
                    })
                })
            }
            Derivation::List { item, inline } => {
                let item = match (item, inline) {
                    (Some(item), _) => types.type_ref(item)?,
                    (None, Some(inline)) => types.simple(inline, hint, namespace)?,
                    (None, None) => TypeRef::Simple(Builtin::String),
                };
                Ok(TypeRef::List(match item {
                    TypeRef::Simple(b) => b,
                    _ => Builtin::String,
                }))
            }
            Derivation::Union | Derivation::Unknown => Ok(TypeRef::Simple(Builtin::String)),
        })
    }

    fn base_fields(&mut self, base: &QName) -> Result<Vec<Field>, Unsupported> {
        if base.is_xsd() && base.local == "anyType" {
            return Ok(Vec::new());
        }
        let Some(&(complex, schema)) = self.index.complex_types.get(&key(base)) else {
            return Err(format!(
                "an extension of `{}`, which is not a complex type of the WSDL",
                base.written()
            ));
        };
        self.content_fields(complex, schema, &base.local)
    }

    /// The fields a particle contributes, each occurring as its own bounds and the particle's
    /// (`outer`) say: a choice's alternatives are optional, a repeated group's fields repeat.
    fn particle(
        &mut self,
        particle: &Particle,
        schema: &Schema,
        outer: Occurs,
        hint: &str,
        fields: &mut Vec<Field>,
    ) -> Result<(), Unsupported> {
        let mut occurs = combine(
            outer,
            occurs_of(
                particle.min_occurs.as_deref(),
                particle.max_occurs.as_deref(),
                false,
            ),
        );
        if particle.compositor == Compositor::Choice && particle.items.len() > 1 {
            occurs = combine(occurs, Occurs::Optional);
        }
        self.nested(|types| {
            for item in &particle.items {
                match item {
                    Item::Element(element) => {
                        fields.push(types.field(element, schema, occurs, hint)?)
                    }
                    Item::Particle(inner) => types.particle(inner, schema, occurs, hint, fields)?,
                    Item::Group {
                        reference,
                        min_occurs,
                        max_occurs,
                    } => {
                        let group = types.index.groups.get(&key(reference)).copied();
                        let Some((group, group_schema)) = group else {
                            return Err(format!("group `{}` is not declared", reference.written()));
                        };
                        let occurs = combine(
                            occurs,
                            occurs_of(min_occurs.as_deref(), max_occurs.as_deref(), false),
                        );
                        if let Some(p) = &group.particle {
                            types.particle(p, group_schema, occurs, hint, fields)?;
                        }
                    }
                    // Content an `xsd:any` matches has no name to read it by; see the README.
                    Item::Any => {}
                }
            }
            Ok(())
        })
    }

    /// One element of a particle as a field.
    pub(crate) fn field(
        &mut self,
        element: &Element,
        schema: &Schema,
        outer: Occurs,
        hint: &str,
    ) -> Result<Field, Unsupported> {
        let own = occurs_of(
            element.min_occurs.as_deref(),
            element.max_occurs.as_deref(),
            element.nillable,
        );
        let (decl, decl_schema, namespace) = match &element.reference {
            Some(reference) => {
                let (decl, decl_schema) = self.global_element(reference)?;
                (decl, decl_schema, reference.namespace.clone())
            }
            None => {
                let qualified = match element.form.as_deref() {
                    Some(form) => form == "qualified",
                    None => schema.qualified_elements,
                };
                let namespace = qualified.then(|| schema.target_namespace.clone()).flatten();
                (element, schema, namespace)
            }
        };
        let type_hint = format!("{hint}{}", upper_camel(&decl.name));
        let ty = self.element_type(decl, decl_schema, &type_hint)?;
        Ok(Field {
            xml_name: decl.name.clone(),
            rust_name: String::new(),
            namespace,
            ty,
            occurs: combine(outer, own),
            form: FieldForm::Element,
            nillable: element.nillable || decl.nillable,
            boxed: false,
        })
    }

    fn attributes(
        &mut self,
        complex: &ComplexType,
        schema: &Schema,
        fields: &mut Vec<Field>,
    ) -> Result<(), Unsupported> {
        let mut attributes: Vec<&Attribute> = complex.attributes.iter().collect();
        let mut seen = BTreeSet::new();
        let mut groups: Vec<QName> = complex.attribute_groups.clone();
        while let Some(group) = groups.pop() {
            if !seen.insert(group.written()) {
                continue;
            }
            if let Some(g) = self.index.attribute_groups.get(&key(&group)) {
                attributes.extend(g.attributes.iter());
                groups.extend(g.groups.iter().cloned());
            }
        }
        for attribute in attributes {
            // SOAP-ENC's own attributes (arrayType, offset) are the array's business.
            if attribute.reference.as_ref().is_some_and(QName::is_soap_enc) {
                continue;
            }
            let (name, ty) = match (&attribute.reference, &attribute.simple_type) {
                (Some(reference), _) => {
                    let decl = self.index.attributes.get(&key(reference)).copied();
                    let ty = match decl.and_then(|d| d.type_name.clone()) {
                        Some(t) => self.type_ref(&t)?,
                        None => TypeRef::Simple(Builtin::String),
                    };
                    (reference.local.clone(), ty)
                }
                (None, Some(simple)) => (
                    attribute.name.clone(),
                    self.simple(
                        simple,
                        &attribute.name,
                        schema.target_namespace.as_deref().unwrap_or_default(),
                    )?,
                ),
                (None, None) => (
                    attribute.name.clone(),
                    match &attribute.type_name {
                        Some(t) => self.type_ref(t)?,
                        None => TypeRef::Simple(Builtin::String),
                    },
                ),
            };
            if matches!(ty, TypeRef::Named(ref n) if !matches!(self.def(n).map(|d| &d.kind), Some(TypeDefKind::Enum { .. })))
            {
                return Err(format!("attribute `{name}` of a complex type"));
            }
            fields.push(Field {
                xml_name: name,
                rust_name: String::new(),
                namespace: None,
                ty,
                occurs: if attribute.required {
                    Occurs::One
                } else {
                    Occurs::Optional
                },
                form: FieldForm::Attribute,
                nillable: false,
                boxed: false,
            });
        }
        Ok(())
    }
}

/// The struct a field holds inline (not in a `Vec`), by Rust name.
fn inline_struct(field: &Field) -> Option<String> {
    match (&field.ty, field.occurs) {
        (TypeRef::Named(name), Occurs::One | Occurs::Optional) => Some(name.clone()),
        _ => None,
    }
}

/// Whether `from` holds `to` inline, directly or through other structs.
fn reaches(structs: &BTreeMap<String, Vec<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_owned()];
    while let Some(name) = stack.pop() {
        if name == to {
            return true;
        }
        if seen.insert(name.clone())
            && let Some(next) = structs.get(&name)
        {
            stack.extend(next.iter().cloned());
        }
    }
    false
}

/// Keeps the first field of each wire name and form, and names them for Rust.
fn dedup(fields: Vec<Field>) -> Vec<Field> {
    let mut seen = BTreeSet::new();
    let mut namer = FieldNamer::default();
    fields
        .into_iter()
        .filter(|f| seen.insert((f.xml_name.clone(), f.form == FieldForm::Attribute)))
        .map(|mut f| {
            if f.form != FieldForm::Text {
                f.rust_name = namer.field(&f.xml_name);
            } else {
                f.rust_name = namer.field("value");
            }
            f
        })
        .collect()
}

fn upper_camel(name: &str) -> String {
    use heck::ToUpperCamelCase;
    name.to_upper_camel_case()
}

pub(crate) fn is_soap_array(base: &QName) -> bool {
    base.local == "Array" && base.is_soap_enc()
}

/// `minOccurs`/`maxOccurs`/`nillable` as an occurrence.
pub(crate) fn occurs_of(min: Option<&str>, max: Option<&str>, nillable: bool) -> Occurs {
    let many = max
        .is_some_and(|m| m.trim() == "unbounded" || m.trim().parse::<u64>().is_ok_and(|n| n > 1));
    if many {
        Occurs::Many
    } else if nillable || min.is_some_and(|m| m.trim() == "0") {
        Occurs::Optional
    } else {
        Occurs::One
    }
}

/// A field inside a group that occurs as `outer`.
fn combine(outer: Occurs, own: Occurs) -> Occurs {
    match (outer, own) {
        (Occurs::Many, _) | (_, Occurs::Many) => Occurs::Many,
        (Occurs::Optional, _) | (_, Occurs::Optional) => Occurs::Optional,
        _ => Occurs::One,
    }
}

/// An XSD built-in by local name; the ones without a Rust type of their own are text.
pub(crate) fn xsd_builtin(local: &str) -> TypeRef {
    TypeRef::Simple(match local {
        "anyType" => return TypeRef::Any,
        "boolean" => Builtin::Boolean,
        "byte" => Builtin::Byte,
        "short" => Builtin::Short,
        "int" => Builtin::Int,
        "long" => Builtin::Long,
        "integer" | "nonPositiveInteger" | "negativeInteger" => Builtin::Integer,
        "unsignedByte" => Builtin::UnsignedByte,
        "unsignedShort" => Builtin::UnsignedShort,
        "unsignedInt" => Builtin::UnsignedInt,
        "unsignedLong" | "nonNegativeInteger" | "positiveInteger" => Builtin::UnsignedLong,
        "float" => Builtin::Float,
        "double" => Builtin::Double,
        "decimal" => Builtin::Decimal,
        "date" => Builtin::Date,
        "dateTime" => Builtin::DateTime,
        "time" => Builtin::Time,
        "duration" => Builtin::Duration,
        "base64Binary" => Builtin::Base64Binary,
        "hexBinary" => Builtin::HexBinary,
        "anyURI" => Builtin::AnyUri,
        "IDREFS" | "ENTITIES" | "NMTOKENS" => return TypeRef::List(Builtin::String),
        _ => Builtin::String,
    })
}
