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
}

/// An `xsd:element` declaration, top-level or inside a sequence.
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
}

/// The content model of a complex type, reduced to what a wrapper element can be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Content {
    /// No particle at all.
    #[default]
    Empty,
    /// `xsd:sequence` or `xsd:all` of elements.
    Elements(Vec<Element>),
    /// A `complexContent` restriction of a SOAP-ENC `Array`.
    SoapArray,
    /// Anything else, described for the error message (`xsd:choice`, `complexContent`).
    Other(String),
}

/// An `xsd:simpleType`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SimpleType {
    /// `name`, `None` when anonymous.
    pub name: Option<String>,
    /// The `base` of its `xsd:restriction`; `None` for lists and unions.
    pub base: Option<QName>,
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
