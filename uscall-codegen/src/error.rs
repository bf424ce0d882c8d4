//! The one error type of the generator: every message names the WSDL element or QName at fault.

/// Why a WSDL could not be turned into Rust code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The bytes are not valid in the encoding the BOM or the XML declaration names.
    #[error("the WSDL is not valid {encoding} text")]
    Undecodable {
        /// The encoding the bytes were read as.
        encoding: String,
    },
    /// The XML declaration names an encoding nobody knows.
    #[error("unknown encoding `{0}` in the XML declaration")]
    UnknownEncoding(String),
    /// The document has a `<!DOCTYPE>`.
    #[error("the WSDL has a DTD (`<!DOCTYPE`), which is refused")]
    Dtd,
    /// The document nests elements deeper than any WSDL needs (a guard for the recursive reader).
    #[error("the WSDL nests elements more than {limit} deep (at line {line})")]
    TooDeep {
        /// The limit.
        limit: usize,
        /// 1-based line of the first element past it.
        line: u32,
    },
    /// The document is not well-formed XML.
    #[error("malformed XML at line {line}, column {column}: {message}")]
    Xml {
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// What the XML parser said.
        message: String,
    },
    /// The document is WSDL 2.0.
    #[error("the document is WSDL 2.0 (`description`); only WSDL 1.1 `definitions` is supported")]
    Wsdl20,
    /// The root element is not `wsdl:definitions`.
    #[error("the root element is `{0}`, not WSDL 1.1 `definitions`")]
    NotWsdl(String),
    /// A required attribute is missing.
    #[error("`{element}` has no `{attribute}` attribute")]
    MissingAttribute {
        /// The element, with its `name` when it has one.
        element: String,
        /// The attribute.
        attribute: String,
    },
    /// A QName's prefix is not declared where it is written.
    #[error("undeclared namespace prefix in `{qname}` ({context})")]
    UndeclaredPrefix {
        /// The QName as written.
        qname: String,
        /// Where it is written.
        context: String,
    },
    /// There is no SOAP 1.1 or 1.2 binding to generate from.
    #[error("no SOAP 1.1 or SOAP 1.2 binding in the WSDL")]
    NoSoapBinding,
    /// A port names a binding that is not defined.
    #[error("port `{port}` refers to binding `{binding}`, which is not defined")]
    MissingBinding {
        /// The port's name.
        port: String,
        /// The binding's QName as written.
        binding: String,
    },
    /// A binding names a port type that is not defined.
    #[error("binding `{binding}` refers to port type `{port_type}`, which is not defined")]
    MissingPortType {
        /// The binding's name.
        binding: String,
        /// The port type's QName as written.
        port_type: String,
    },
    /// An operation names a message that is not defined.
    #[error("operation `{operation}` refers to message `{message}`, which is not defined")]
    MissingMessage {
        /// The operation's name.
        operation: String,
        /// The message's QName as written.
        message: String,
    },
    /// A part names an element the types do not declare.
    #[error(
        "operation `{operation}`: {what} refers to element `{element}`, which is not declared in the types"
    )]
    MissingElement {
        /// The operation's name.
        operation: String,
        /// The part that refers to it.
        what: String,
        /// The element's QName as written.
        element: String,
    },
    /// A port type operation has no counterpart in the binding.
    #[error("operation `{operation}` is not in binding `{binding}`")]
    MissingBindingOperation {
        /// The operation's name.
        operation: String,
        /// The binding's name.
        binding: String,
    },
    /// The operation is not request/response.
    #[error("operation `{operation}` {what}, which a SOAP request/response cannot call")]
    NotRequestResponse {
        /// The operation's name.
        operation: String,
        /// What it is (`has no output`).
        what: String,
    },
    /// The operation uses a construct the generator does not support.
    #[error("operation `{operation}`: {construct} is not supported")]
    Unsupported {
        /// The operation's name.
        operation: String,
        /// The construct, naming the element or QName.
        construct: String,
    },
    /// A schema file given for a `schemaLocation` is not an XML Schema.
    #[error("the file given for schemaLocation `{location}` is `{root}`, not an `xsd:schema`")]
    NotSchema {
        /// The `schemaLocation`.
        location: String,
        /// Its root element's name.
        root: String,
    },
    /// A part's or field's type cannot be given a Rust type.
    #[error("operation `{operation}`: {what}: {why}")]
    Type {
        /// The operation's name.
        operation: String,
        /// The part or element (`part `membro``).
        what: String,
        /// Why, naming the type or schema.
        why: String,
    },
    /// The generator produced tokens that do not parse: a bug in the generator.
    #[error("the generated code does not parse (a generator bug): {0}")]
    Render(String),
}
