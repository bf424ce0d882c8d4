//! The IR the emitters read: the WSDL's operations, resolved, with Rust names beside the wire names.

/// The SOAP version of the chosen binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SoapVersion {
    /// SOAP 1.1.
    Soap11,
    /// SOAP 1.2.
    Soap12,
}

/// rpc or document (literal wrapped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// rpc: a wrapper named after the operation, one child per part.
    Rpc,
    /// document/literal wrapped: the wrapper element, one child per field.
    Document,
    /// document/literal bare: the part's element, whose text is the one parameter.
    Bare,
}

/// What an operation's method returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A raw operation: the answer's XML.
    Raw,
    /// The USCall convention: one string read as JSON, the runtime's `Response`.
    Json,
    /// One-way, or an answer of nothing: `()`.
    Unit,
    /// The one value, of this field's type.
    One(Field),
    /// Several values: the schema struct of this Rust name.
    Struct(String),
}

/// encoded or literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// SOAP encoding.
    Encoded,
    /// Literal XML.
    Literal,
}

/// The Rust-side kind of an XSD simple type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XsdKind {
    /// Text.
    String,
    /// `i64`.
    Integer,
    /// `bool`.
    Boolean,
    /// `f64`.
    Decimal,
    /// `jiff::civil::Date`.
    Date,
    /// `jiff::civil::DateTime`.
    DateTime,
    /// `jiff::civil::Time`.
    Time,
}

/// The XSD built-in simple types the generator maps, one Rust type each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// `String`: `xsd:string` and its derivations, `anySimpleType`, unions, QNames.
    String,
    /// `bool`.
    Boolean,
    /// `i8`.
    Byte,
    /// `i16`.
    Short,
    /// `i32`.
    Int,
    /// `i64`.
    Long,
    /// `i64`: `xsd:integer` and its signed derivations.
    Integer,
    /// `u8`.
    UnsignedByte,
    /// `u16`.
    UnsignedShort,
    /// `u32`.
    UnsignedInt,
    /// `u64`: also `nonNegativeInteger` and `positiveInteger`.
    UnsignedLong,
    /// `f32`.
    Float,
    /// `f64`.
    Double,
    /// `f64`.
    Decimal,
    /// `jiff::civil::Date`.
    Date,
    /// The runtime's `value::DateTime`.
    DateTime,
    /// `jiff::civil::Time`.
    Time,
    /// `jiff::Span`.
    Duration,
    /// The runtime's `value::Base64Binary`.
    Base64Binary,
    /// The runtime's `value::HexBinary`.
    HexBinary,
    /// `String`.
    AnyUri,
}

impl Builtin {
    /// The XSD local name written in `xsi:type` (`int`).
    pub fn xsd_name(self) -> &'static str {
        match self {
            Builtin::String => "string",
            Builtin::Boolean => "boolean",
            Builtin::Byte => "byte",
            Builtin::Short => "short",
            Builtin::Int => "int",
            Builtin::Long => "long",
            Builtin::Integer => "integer",
            Builtin::UnsignedByte => "unsignedByte",
            Builtin::UnsignedShort => "unsignedShort",
            Builtin::UnsignedInt => "unsignedInt",
            Builtin::UnsignedLong => "unsignedLong",
            Builtin::Float => "float",
            Builtin::Double => "double",
            Builtin::Decimal => "decimal",
            Builtin::Date => "date",
            Builtin::DateTime => "dateTime",
            Builtin::Time => "time",
            Builtin::Duration => "duration",
            Builtin::Base64Binary => "base64Binary",
            Builtin::HexBinary => "hexBinary",
            Builtin::AnyUri => "anyURI",
        }
    }
}

/// A reference to a type from a part, a field or an array.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    /// A built-in simple type, or a restriction of one.
    Simple(Builtin),
    /// `xsd:list` of a simple type.
    List(Builtin),
    /// A [`TypeDef`] of [`Api::types`], by its Rust name.
    Named(String),
    /// `xsd:anyType`: the runtime's dynamic `Value`.
    Any,
}

/// How often a field occurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurs {
    /// Exactly once.
    One,
    /// An `Option`.
    Optional,
    /// A `Vec`.
    Many,
}

/// Where a field lives in its struct's XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldForm {
    /// A child element.
    Element,
    /// An attribute.
    Attribute,
    /// The element's own text (`simpleContent`).
    Text,
}

/// A field of a struct, or a value of an operation's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The element or attribute name on the wire.
    pub xml_name: String,
    /// The Rust name without `r#`.
    pub rust_name: String,
    /// The namespace when the element is qualified.
    pub namespace: Option<String>,
    /// Its type.
    pub ty: TypeRef,
    /// How often it occurs.
    pub occurs: Occurs,
    /// Element, attribute or text.
    pub form: FieldForm,
    /// `nillable="true"`.
    pub nillable: bool,
    /// Whether the Rust field is boxed (a struct that contains itself, directly or not).
    pub boxed: bool,
}

/// What a [`TypeDef`] is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeDefKind {
    /// A complex type: a Rust struct.
    Struct(Vec<Field>),
    /// A SOAP-encoded array: a `Vec` alias.
    Array {
        /// The item type.
        item: TypeRef,
        /// The item element's name when writing.
        item_name: String,
    },
    /// An enumeration: a Rust enum that keeps unknown values; (value, variant name) pairs.
    Enum {
        /// The values' base type.
        base: Builtin,
        /// Each value as written, and its variant's name.
        values: Vec<(String, String)>,
    },
}

/// A named (or anonymous, then named after where it is) type of the WSDL's schemas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeDef {
    /// The local name in its schema.
    pub xml_name: String,
    /// Its schema's target namespace (empty for none).
    pub namespace: String,
    /// The Rust type's name (`Person`).
    pub rust_name: String,
    /// The descriptor static's name (`PERSON_TYPE`).
    pub static_name: String,
    /// What it is.
    pub kind: TypeDefKind,
}

/// Everything the generated file describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api {
    /// The operations, in portType order, port type after port type.
    pub operations: Vec<Operation>,
    /// The schema types the operations use, in a deterministic order (by first use).
    pub types: Vec<TypeDef>,
    /// What the lowering chose that the reader may want to choose otherwise (which SOAP version
    /// of a port type bound in both), one sentence each.
    pub notes: Vec<String>,
}

/// One operation of the chosen binding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    /// The wire name (`startCallura`).
    pub xml_name: String,
    /// The method name without `r#` (`start_callura`).
    pub rust_name: String,
    /// The static's name (`START_CALLURA`).
    pub static_name: String,
    /// The request type's name (`StartCallura`).
    pub type_name: String,
    /// The subcommand (`start-callura`).
    pub cli_name: String,
    /// The first sentence of the documentation, or ``Calls `name`.``.
    pub summary: String,
    /// The documentation, whitespace normalised per line.
    pub documentation: String,
    /// `soapAction`, empty when the binding has none.
    pub soap_action: String,
    /// The binding's SOAP version.
    pub soap_version: SoapVersion,
    /// The path of its port's `soap:address` when it differs from the first port's, which is
    /// the client's endpoint; `None` posts to the endpoint itself.
    pub path: Option<String>,
    /// The operation's style.
    pub style: Style,
    /// The input body's use.
    pub body_use: Use,
    /// The wrapper element's namespace.
    pub namespace: String,
    /// The wrapper element's local name.
    pub wrapper: String,
    /// The response part or element that holds the answer.
    pub response: String,
    /// The input parts or wrapper fields, in WSDL order.
    pub params: Vec<Param>,
    /// The answer's values: output parts (rpc) or the response wrapper's fields (document).
    pub outputs: Vec<Field>,
    /// What the method returns.
    pub answer: Answer,
    /// Set when the generator cannot express the operation: it becomes a raw method that sends
    /// its parts as text and returns the answer's XML.
    pub raw: Option<RawOperation>,
}

/// Why an operation is raw, and what its answer is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawOperation {
    /// The construct the generator cannot express, as a clause (`part `a` ... is not supported`).
    pub reason: String,
    /// No output message: success is HTTP 200 or 202, with or without a body.
    pub one_way: bool,
}

/// One input part (rpc) or wrapper field (document/literal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    /// The wire name, as written.
    pub xml_name: String,
    /// The Rust name without `r#` (`type`, `report_name`).
    pub rust_name: String,
    /// The command-line flag without `--`.
    pub cli_name: String,
    /// The XSD type as written, with the XSD prefix normalised to `xsd:`.
    pub xsd_type: String,
    /// What it maps to in Rust.
    pub kind: XsdKind,
    /// Whether it is a method argument (true) or a setter (false).
    pub required: bool,
    /// Whether it is the token part, filled by the runtime.
    pub token: bool,
    /// The element's namespace on the wire; `None` leaves it unqualified.
    pub namespace: Option<String>,
    /// Why the value is kept as text, when the type is not one the generator knows.
    pub note: Option<String>,
    /// Its type.
    pub ty: TypeRef,
    /// Whether it repeats (a document field with `maxOccurs` above 1).
    pub many: bool,
}
