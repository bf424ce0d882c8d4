//! Reads `xsd:schema` 1:1 into [`crate::wsdl::Schema`]: elements, types, groups, attributes and imports.

use roxmltree::Node;

use super::{qname, qname_attr, xsd_children};
use crate::wsdl::{
    Attribute, AttributeGroup, ComplexType, Compositor, Content, Derivation, Element, Group,
    Import, Item, Particle, QName, Schema, SimpleType, WSDL_NS,
};

/// One `xsd:schema` element.
pub(crate) fn schema(node: Node) -> Schema {
    let mut schema = Schema {
        target_namespace: node.attribute("targetNamespace").map(str::to_owned),
        qualified_elements: node.attribute("elementFormDefault") == Some("qualified"),
        ..Schema::default()
    };
    for child in xsd_children(node) {
        match child.tag_name().name() {
            "element" => schema.elements.push(element(child)),
            "complexType" => schema.complex_types.push(complex_type(child)),
            "simpleType" => schema.simple_types.push(simple_type(child)),
            "group" => schema.groups.push(Group {
                name: child.attribute("name").unwrap_or_default().to_owned(),
                particle: xsd_children(child).find_map(particle),
            }),
            "attributeGroup" => schema.attribute_groups.push(attribute_group(child)),
            "attribute" => schema.attributes.push(attribute(child)),
            kind @ ("import" | "include" | "redefine") => {
                schema.imports.push(Import {
                    kind: kind.to_owned(),
                    namespace: child.attribute("namespace").map(str::to_owned),
                    location: child.attribute("schemaLocation").map(str::to_owned),
                });
                // A redefine's content redefines what it includes; read it as definitions.
                if kind == "redefine" {
                    let redefined = self::schema(child);
                    schema.complex_types.extend(redefined.complex_types);
                    schema.simple_types.extend(redefined.simple_types);
                }
            }
            _ => {}
        }
    }
    schema
}

pub(crate) fn element(node: Node) -> Element {
    let attr = |name: &str| node.attribute(name).map(str::to_owned);
    Element {
        name: attr("name").unwrap_or_default(),
        reference: qname_attr(node, "ref"),
        type_name: qname_attr(node, "type"),
        min_occurs: attr("minOccurs"),
        max_occurs: attr("maxOccurs"),
        nillable: matches!(node.attribute("nillable"), Some("true" | "1")),
        form: attr("form"),
        complex_type: xsd_children(node)
            .find(|n| n.tag_name().name() == "complexType")
            .map(|n| Box::new(complex_type(n))),
        simple_type: xsd_children(node)
            .find(|n| n.tag_name().name() == "simpleType")
            .map(simple_type),
    }
}

fn simple_type(node: Node) -> SimpleType {
    let inline = |n: Node| {
        xsd_children(n)
            .find(|c| c.tag_name().name() == "simpleType")
            .map(|c| Box::new(simple_type(c)))
    };
    let derivation = xsd_children(node)
        .find_map(|child| match child.tag_name().name() {
            "restriction" => Some(Derivation::Restriction {
                base: qname_attr(child, "base"),
                inline: inline(child),
                enumeration: xsd_children(child)
                    .filter(|n| n.tag_name().name() == "enumeration")
                    .filter_map(|n| n.attribute("value").map(str::to_owned))
                    .collect(),
            }),
            "list" => Some(Derivation::List {
                item: qname_attr(child, "itemType"),
                inline: inline(child),
            }),
            "union" => Some(Derivation::Union),
            _ => None,
        })
        .unwrap_or_default();
    SimpleType {
        name: node.attribute("name").map(str::to_owned),
        derivation,
    }
}

fn complex_type(node: Node) -> ComplexType {
    let mut complex = ComplexType {
        name: node.attribute("name").map(str::to_owned),
        ..ComplexType::default()
    };
    for child in xsd_children(node) {
        match child.tag_name().name() {
            "sequence" | "all" | "choice" | "group" => {
                if let Some(p) = particle(child) {
                    complex.content = Content::Particle(p);
                }
            }
            "attribute" | "attributeGroup" => attributes_into(&mut complex, child),
            "complexContent" => complex.content = derived(&mut complex, child, false),
            "simpleContent" => complex.content = derived(&mut complex, child, true),
            "annotation" | "anyAttribute" => {}
            other => complex.content = Content::Other(format!("`xsd:{other}`")),
        }
    }
    complex
}

fn attributes_into(complex: &mut ComplexType, node: Node) {
    match node.tag_name().name() {
        "attribute" => complex.attributes.push(attribute(node)),
        "attributeGroup" => complex.attribute_groups.extend(qname_attr(node, "ref")),
        _ => {}
    }
}

/// `complexContent` or `simpleContent`: its extension or restriction.
fn derived(complex: &mut ComplexType, node: Node, simple: bool) -> Content {
    let Some(derivation) =
        xsd_children(node).find(|n| matches!(n.tag_name().name(), "extension" | "restriction"))
    else {
        return Content::Other(format!(
            "`xsd:{}` without a derivation",
            node.tag_name().name()
        ));
    };
    let Some(base) = qname_attr(derivation, "base") else {
        return Content::Other(format!(
            "`xsd:{}` without a base",
            derivation.tag_name().name()
        ));
    };
    let mut particle_found = None;
    for child in xsd_children(derivation) {
        match child.tag_name().name() {
            "sequence" | "all" | "choice" | "group" => particle_found = particle(child),
            "attribute" | "attributeGroup" => attributes_into(complex, child),
            _ => {}
        }
    }
    match (simple, derivation.tag_name().name()) {
        (true, _) => Content::Simple { base },
        (false, "extension") => Content::Extension {
            base,
            particle: particle_found,
        },
        (false, _) => Content::Restriction {
            base,
            particle: particle_found,
        },
    }
}

/// A sequence, all, choice or group reference, with what it holds.
fn particle(node: Node) -> Option<Particle> {
    let compositor = match node.tag_name().name() {
        "sequence" => Compositor::Sequence,
        "all" => Compositor::All,
        "choice" => Compositor::Choice,
        "group" => {
            // A group reference standing as the type's whole content.
            let reference = qname_attr(node, "ref")?;
            return Some(Particle {
                compositor: Compositor::Sequence,
                min_occurs: None,
                max_occurs: None,
                items: vec![group_ref(node, reference)],
            });
        }
        _ => return None,
    };
    let items = xsd_children(node)
        .filter_map(|child| match child.tag_name().name() {
            "element" => Some(Item::Element(Box::new(element(child)))),
            "sequence" | "all" | "choice" => particle(child).map(Item::Particle),
            "group" => qname_attr(child, "ref").map(|r| group_ref(child, r)),
            "any" => Some(Item::Any),
            _ => None,
        })
        .collect();
    Some(Particle {
        compositor,
        min_occurs: node.attribute("minOccurs").map(str::to_owned),
        max_occurs: node.attribute("maxOccurs").map(str::to_owned),
        items,
    })
}

fn group_ref(node: Node, reference: QName) -> Item {
    Item::Group {
        reference,
        min_occurs: node.attribute("minOccurs").map(str::to_owned),
        max_occurs: node.attribute("maxOccurs").map(str::to_owned),
    }
}

fn attribute(node: Node) -> Attribute {
    let array_type = node
        .attributes()
        .find(|a| a.name() == "arrayType" && a.namespace() == Some(WSDL_NS))
        .map(|a| {
            let value = a.value().trim();
            let split = value.find('[').unwrap_or(value.len());
            (qname(node, &value[..split]), value[split..].to_owned())
        });
    Attribute {
        name: node.attribute("name").unwrap_or_default().to_owned(),
        reference: qname_attr(node, "ref"),
        type_name: qname_attr(node, "type"),
        simple_type: xsd_children(node)
            .find(|n| n.tag_name().name() == "simpleType")
            .map(simple_type),
        required: node.attribute("use") == Some("required"),
        array_type,
    }
}

fn attribute_group(node: Node) -> AttributeGroup {
    let mut group = AttributeGroup {
        name: node.attribute("name").unwrap_or_default().to_owned(),
        ..AttributeGroup::default()
    };
    for child in xsd_children(node) {
        match child.tag_name().name() {
            "attribute" => group.attributes.push(attribute(child)),
            "attributeGroup" => group.groups.extend(qname_attr(child, "ref")),
            _ => {}
        }
    }
    group
}
