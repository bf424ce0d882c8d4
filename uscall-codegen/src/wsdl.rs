//! The raw WSDL 1.1 document model: one struct per element, names and QNames as written.

/// The WSDL 1.1 namespace.
pub const WSDL_NS: &str = "http://schemas.xmlsoap.org/wsdl/";
/// The WSDL 2.0 namespace, recognised only to refuse it clearly.
pub const WSDL20_NS: &str = "http://www.w3.org/ns/wsdl";
/// The SOAP 1.1 binding namespace.
pub const SOAP11_NS: &str = "http://schemas.xmlsoap.org/wsdl/soap/";
/// The SOAP 1.2 binding namespace.
pub const SOAP12_NS: &str = "http://schemas.xmlsoap.org/wsdl/soap12/";
/// The XML Schema namespaces, current and the drafts old toolkits still write.
pub const XSD_NS: [&str; 3] = [
    "http://www.w3.org/2001/XMLSchema",
    "http://www.w3.org/2000/10/XMLSchema",
    "http://www.w3.org/1999/XMLSchema",
];
/// The SOAP 1.1 and 1.2 encoding namespaces.
pub const SOAP_ENC_NS: [&str; 2] = [
    "http://schemas.xmlsoap.org/soap/encoding/",
    "http://www.w3.org/2003/05/soap-encoding",
];

/// A qualified name from an attribute value, as written, with the namespace its prefix had in scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QName {
    /// The prefix as written (`tns` in `tns:foo`), `None` when there is none.
    pub prefix: Option<String>,
    /// The local part.
    pub local: String,
    /// The namespace the prefix (or the default namespace) had where the QName was written;
    /// `None` when the prefix is undeclared or there is no default namespace.
    pub namespace: Option<String>,
}

impl QName {
    /// The QName as written in the document (`tns:foo`).
    pub fn written(&self) -> String {
        match &self.prefix {
            Some(prefix) => format!("{prefix}:{}", self.local),
            None => self.local.clone(),
        }
    }

    /// Whether the QName is in one of the XML Schema namespaces.
    pub fn is_xsd(&self) -> bool {
        self.namespace
            .as_deref()
            .is_some_and(|ns| XSD_NS.contains(&ns))
    }

    /// Whether the QName is in a SOAP encoding namespace.
    pub fn is_soap_enc(&self) -> bool {
        self.namespace
            .as_deref()
            .is_some_and(|ns| SOAP_ENC_NS.contains(&ns))
    }
}

/// `wsdl:definitions`, the root of a WSDL 1.1 document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Definitions {
    /// `targetNamespace`.
    pub target_namespace: Option<String>,
    /// Every `xsd:schema` under `wsdl:types`.
    pub schemas: Vec<Schema>,
    /// `wsdl:message` elements.
    pub messages: Vec<Message>,
    /// `wsdl:portType` elements.
    pub port_types: Vec<PortType>,
    /// `wsdl:binding` elements.
    pub bindings: Vec<Binding>,
    /// `wsdl:service` elements.
    pub services: Vec<Service>,
}

/// One `xsd:schema`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schema {
    /// `targetNamespace`.
    pub target_namespace: Option<String>,
    /// Whether `elementFormDefault="qualified"`.
    pub qualified_elements: bool,
    /// Top-level `xsd:element` declarations.
    pub elements: Vec<Element>,
    /// Top-level named `xsd:complexType` definitions.
    pub complex_types: Vec<ComplexType>,
    /// Top-level named `xsd:simpleType` definitions.
    pub simple_types: Vec<SimpleType>,
    /// Top-level named `xsd:group` definitions.
    pub groups: Vec<Group>,
    /// Top-level named `xsd:attributeGroup` definitions.
    pub attribute_groups: Vec<AttributeGroup>,
    /// Top-level `xsd:attribute` declarations.
    pub attributes: Vec<Attribute>,
    /// `xsd:import`, `xsd:include` and `xsd:redefine`, in document order.
    pub imports: Vec<Import>,
    /// The `schemaLocation` this schema was loaded from, for a schema document given beside the
    /// WSDL; `None` for a schema inside `wsdl:types`.
    pub location: Option<String>,
}

impl Definitions {
    /// Every `schemaLocation` the WSDL's schemas import, include or redefine, as written, in
    /// document order, without repeats: the files a caller may give the generator.
    pub fn schema_locations(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for import in self.schemas.iter().flat_map(|s| &s.imports) {
            if let Some(location) = &import.location
                && !out.contains(location)
            {
                out.push(location.clone());
            }
        }
        out
    }
}

/// `xsd:import`, `xsd:include` or `xsd:redefine`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Import {
    /// `import`, `include` or `redefine`.
    pub kind: String,
    /// `namespace` (imports only).
    pub namespace: Option<String>,
    /// `schemaLocation`, when given.
    pub location: Option<String>,
}

/// An `xsd:element` declaration, top-level or inside a particle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// `name` (empty for a `ref=` element).
    pub name: String,
    /// `ref`.
    pub reference: Option<QName>,
    /// `type`.
    pub type_name: Option<QName>,
    /// `minOccurs` as written.
    pub min_occurs: Option<String>,
    /// `maxOccurs` as written.
    pub max_occurs: Option<String>,
    /// `nillable="true"`.
    pub nillable: bool,
    /// `form` as written.
    pub form: Option<String>,
    /// An anonymous `xsd:complexType` inside the element.
    pub complex_type: Option<Box<ComplexType>>,
    /// An anonymous `xsd:simpleType` inside the element.
    pub simple_type: Option<SimpleType>,
}

/// An `xsd:complexType`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ComplexType {
    /// `name`, `None` when anonymous.
    pub name: Option<String>,
    /// What the type holds.
    pub content: Content,
    /// Its `xsd:attribute`s (those of its extension or restriction included).
    pub attributes: Vec<Attribute>,
    /// Its `xsd:attributeGroup ref=`s.
    pub attribute_groups: Vec<QName>,
}

/// The content model of a complex type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Content {
    /// No particle at all.
    #[default]
    Empty,
    /// `xsd:sequence`, `xsd:all` or `xsd:choice`, or a `xsd:group ref=`.
    Particle(Particle),
    /// `complexContent` / `extension`: the base's content, then `particle`.
    Extension {
        /// `base`.
        base: QName,
        /// The particle added to the base's.
        particle: Option<Particle>,
    },
    /// `complexContent` / `restriction`: the content restated (SOAP-ENC arrays are written so).
    Restriction {
        /// `base`.
        base: QName,
        /// The content that remains.
        particle: Option<Particle>,
    },
    /// `simpleContent` (extension or restriction): text of type `base`, with attributes.
    Simple {
        /// `base`.
        base: QName,
    },
    /// Anything else, described for the message (`xsd:complexContent` without a derivation).
    Other(String),
}

/// `xsd:sequence`, `xsd:all` or `xsd:choice`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compositor {
    /// `xsd:sequence`.
    Sequence,
    /// `xsd:all`.
    All,
    /// `xsd:choice`.
    Choice,
}

/// A model group with its occurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Particle {
    /// Which compositor.
    pub compositor: Compositor,
    /// `minOccurs` as written.
    pub min_occurs: Option<String>,
    /// `maxOccurs` as written.
    pub max_occurs: Option<String>,
    /// What it holds, in document order.
    pub items: Vec<Item>,
}

/// One member of a [`Particle`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// An element declaration or reference.
    Element(Box<Element>),
    /// A nested sequence, all or choice.
    Particle(Particle),
    /// `xsd:group ref=`.
    Group {
        /// `ref`.
        reference: QName,
        /// `minOccurs` as written.
        min_occurs: Option<String>,
        /// `maxOccurs` as written.
        max_occurs: Option<String>,
    },
    /// `xsd:any`.
    Any,
}

/// An `xsd:attribute` declaration or reference.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attribute {
    /// `name` (empty for a `ref=` attribute).
    pub name: String,
    /// `ref`.
    pub reference: Option<QName>,
    /// `type`.
    pub type_name: Option<QName>,
    /// An anonymous simple type inside.
    pub simple_type: Option<SimpleType>,
    /// `use="required"`.
    pub required: bool,
    /// `wsdl:arrayType` (on a reference to `soapenc:arrayType`), split into the item type and
    /// its dimensions as written (`xsd:int[]` gives `xsd:int` and `[]`).
    pub array_type: Option<(QName, String)>,
}

/// A named `xsd:group`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// `name`.
    pub name: String,
    /// Its particle.
    pub particle: Option<Particle>,
}

/// A named `xsd:attributeGroup`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttributeGroup {
    /// `name`.
    pub name: String,
    /// Its attributes.
    pub attributes: Vec<Attribute>,
    /// The attribute groups it refers to.
    pub groups: Vec<QName>,
}

/// An `xsd:simpleType`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimpleType {
    /// `name`, `None` when anonymous.
    pub name: Option<String>,
    /// How it is derived.
    pub derivation: Derivation,
}

/// How a simple type is derived.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Derivation {
    /// Neither restriction, list nor union could be read: text.
    #[default]
    Unknown,
    /// `xsd:restriction`: of `base` or of an inline simple type, maybe to an enumeration.
    Restriction {
        /// `base`.
        base: Option<QName>,
        /// An anonymous base type.
        inline: Option<Box<SimpleType>>,
        /// The `xsd:enumeration` values, in order.
        enumeration: Vec<String>,
    },
    /// `xsd:list` of `itemType` or of an inline simple type.
    List {
        /// `itemType`.
        item: Option<QName>,
        /// An anonymous item type.
        inline: Option<Box<SimpleType>>,
    },
    /// `xsd:union`: text.
    Union,
}

impl SimpleType {
    /// The `base` of its restriction, if it is one that names its base.
    pub fn base(&self) -> Option<&QName> {
        match &self.derivation {
            Derivation::Restriction { base, .. } => base.as_ref(),
            _ => None,
        }
    }
}

/// `wsdl:message`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Message {
    /// `name`.
    pub name: String,
    /// Its parts, in document order.
    pub parts: Vec<Part>,
}

/// `wsdl:part`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Part {
    /// `name`.
    pub name: String,
    /// `type`.
    pub type_name: Option<QName>,
    /// `element`.
    pub element: Option<QName>,
}

/// `wsdl:portType`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortType {
    /// `name`.
    pub name: String,
    /// Its operations, in document order.
    pub operations: Vec<PortOperation>,
}

/// `wsdl:operation` inside a port type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortOperation {
    /// `name`.
    pub name: String,
    /// The text of `wsdl:documentation`, as written.
    pub documentation: Option<String>,
    /// `message` of `wsdl:input`.
    pub input: Option<QName>,
    /// `message` of `wsdl:output`.
    pub output: Option<QName>,
    /// Whether `wsdl:output` comes before `wsdl:input` (notification, solicit-response).
    pub output_first: bool,
}

/// The SOAP version a binding's extension elements are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SoapVersion {
    /// `http://schemas.xmlsoap.org/wsdl/soap/`.
    Soap11,
    /// `http://schemas.xmlsoap.org/wsdl/soap12/`.
    Soap12,
}

/// `wsdl:binding`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// `name`.
    pub name: String,
    /// `type`: the port type.
    pub port_type: QName,
    /// The `soap:binding` (or `soap12:binding`) element, when there is one.
    pub soap: Option<SoapBinding>,
    /// Its operations, in document order.
    pub operations: Vec<BindingOperation>,
}

/// `soap:binding`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapBinding {
    /// Which SOAP namespace the element is in.
    pub version: SoapVersion,
    /// `style` as written.
    pub style: Option<String>,
}

/// `wsdl:operation` inside a binding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BindingOperation {
    /// `name`.
    pub name: String,
    /// The text of `wsdl:documentation`, as written.
    pub documentation: Option<String>,
    /// `soapAction` of `soap:operation`.
    pub soap_action: Option<String>,
    /// `style` of `soap:operation`.
    pub style: Option<String>,
    /// `soap:body` of the input.
    pub input: Option<SoapBody>,
    /// `soap:body` of the output.
    pub output: Option<SoapBody>,
}

/// `soap:body`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SoapBody {
    /// `use` as written.
    pub body_use: Option<String>,
    /// `namespace`.
    pub namespace: Option<String>,
    /// `parts`, split on whitespace; `None` means every part.
    pub parts: Option<Vec<String>>,
}

/// `wsdl:service`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Service {
    /// `name`.
    pub name: String,
    /// Its ports.
    pub ports: Vec<Port>,
}

/// `wsdl:port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Port {
    /// `name`.
    pub name: String,
    /// `binding`.
    pub binding: QName,
    /// `location` of its `soap:address` or `soap12:address`, when it has one.
    pub address: Option<String>,
}
