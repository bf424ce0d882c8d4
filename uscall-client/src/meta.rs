//! Static descriptions of the WSDL's operations: what the generated code hands the runtime.
//!
//! The generated module holds one [`OperationInfo`] per WSDL operation. The runtime builds the
//! envelope from it, and the command line builds its subcommands from [`crate::OPERATIONS`], so a
//! regen that adds or removes an operation changes the method and the subcommand together.

/// The SOAP version of the binding an operation was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SoapVersion {
    /// SOAP 1.1: `text/xml` and a `SOAPAction` header.
    Soap11,
    /// SOAP 1.2: `application/soap+xml; action=...`.
    Soap12,
}

/// The binding style of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// rpc: the body holds one element named after the operation, with one child per part.
    Rpc,
    /// document/literal wrapped: the body holds the wrapper element, with one child per field.
    Document,
    /// document/literal bare: the body holds the part's element, whose content is the one
    /// parameter's value.
    Bare,
}

/// How the parts are serialised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Use {
    /// SOAP encoding: `encodingStyle` on the wrapper and `xsi:type` on every value.
    Encoded,
    /// Literal XML, no type annotations.
    Literal,
}

/// The Rust-side kind of an XSD simple type, which decides the method's parameter type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XsdKind {
    /// `xsd:string` and anything kept as text.
    String,
    /// The integer types (`int`, `integer`, `long`, `short`, `byte` and their unsigned kin).
    Integer,
    /// `xsd:boolean`.
    Boolean,
    /// `xsd:decimal`, `xsd:float`, `xsd:double`.
    Decimal,
    /// `xsd:date`.
    Date,
    /// `xsd:dateTime`.
    DateTime,
    /// `xsd:time`.
    Time,
}

/// One input part (rpc) or wrapper field (document/literal) of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamInfo {
    /// The name on the wire, exactly as the WSDL writes it.
    pub name: &'static str,
    /// The Rust identifier used for the method argument or setter (without `r#`).
    pub rust_name: &'static str,
    /// The command-line flag, without the leading `--`.
    pub cli_name: &'static str,
    /// The XSD type as the WSDL writes it, with the `xsd:` prefix normalised (`xsd:string`).
    pub xsd_type: &'static str,
    /// What the type maps to in Rust.
    pub kind: XsdKind,
    /// Whether the WSDL (or the operation's documentation) says the part is required.
    pub required: bool,
    /// Whether this part carries the service token, which the client fills in itself.
    pub token: bool,
    /// Namespace for the element on the wire; `None` leaves it unqualified.
    pub namespace: Option<&'static str>,
    /// The part's type, for values that are not text (structs, arrays, lists, enums).
    pub ty: Ty,
    /// Whether the part repeats (a document field with `maxOccurs` above 1): its value is a
    /// [`crate::value::Value::List`], one element per item.
    pub many: bool,
}

/// The XSD built-in simple types, as the runtime reads and writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Builtin {
    /// `xsd:string` and its derivations (`token`, `NCName`, ...), `anySimpleType`, unions.
    String,
    /// `xsd:boolean`: `true`, `false`, `1`, `0`.
    Boolean,
    /// `xsd:byte`: `i8`.
    Byte,
    /// `xsd:short`: `i16`.
    Short,
    /// `xsd:int`: `i32`.
    Int,
    /// `xsd:long`: `i64`.
    Long,
    /// `xsd:integer` and its signed derivations: `i64`.
    Integer,
    /// `xsd:unsignedByte`: `u8`.
    UnsignedByte,
    /// `xsd:unsignedShort`: `u16`.
    UnsignedShort,
    /// `xsd:unsignedInt`: `u32`.
    UnsignedInt,
    /// `xsd:unsignedLong`, `nonNegativeInteger`, `positiveInteger`: `u64`.
    UnsignedLong,
    /// `xsd:float`: `f32`.
    Float,
    /// `xsd:double`: `f64`.
    Double,
    /// `xsd:decimal`: `f64`.
    Decimal,
    /// `xsd:date`: `jiff::civil::Date`.
    Date,
    /// `xsd:dateTime`: [`crate::value::DateTime`] (a civil date-time and its offset, if written).
    DateTime,
    /// `xsd:time`: `jiff::civil::Time`.
    Time,
    /// `xsd:duration`: `jiff::Span`.
    Duration,
    /// `xsd:base64Binary`: [`crate::value::Base64Binary`].
    Base64Binary,
    /// `xsd:hexBinary`: [`crate::value::HexBinary`].
    HexBinary,
    /// `xsd:anyURI`: a `String`.
    AnyUri,
}

impl Builtin {
    /// The local name written in `xsi:type` (`int` for `xsd:int`).
    pub const fn xsd_name(self) -> &'static str {
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

/// The type of a part, field or array item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    /// A built-in simple type, or a simple type restricting one (read as its base).
    Simple(Builtin),
    /// `xsd:list` of a simple type: one text, items separated by spaces.
    List(Builtin),
    /// A named or anonymous type of the WSDL's schemas: struct, SOAP-encoded array or enum.
    Named(&'static TypeInfo),
    /// `xsd:anyType` (and a part with no type): any XML, read by its `xsi:type` when it has one.
    Any,
}

/// A type of the WSDL's schemas that the generated code has a Rust type for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeInfo {
    /// The type's local name in its schema (for an anonymous type, the Rust name).
    pub name: &'static str,
    /// Its schema's target namespace (empty for none): `xsi:type` names it with this.
    pub namespace: &'static str,
    /// The generated Rust type's name.
    pub rust_name: &'static str,
    /// What it is.
    pub kind: TypeKind,
}

/// The kind of a [`TypeInfo`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeKind {
    /// A complex type: its elements, attributes and simple content, base type's first.
    Struct(&'static [FieldInfo]),
    /// A SOAP-encoded array (`soapenc:Array` restricted by `soapenc:arrayType`/`wsdl:arrayType`).
    Array {
        /// The items' type.
        item: Ty,
        /// The items' element name when writing (`item`); any name is read.
        item_name: &'static str,
    },
    /// A simple type restricted to an enumeration: its values, in schema order.
    Enum {
        /// The base type the values are of.
        base: Builtin,
        /// The allowed values.
        values: &'static [&'static str],
    },
}

/// How often a field occurs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurs {
    /// Exactly once.
    One,
    /// `minOccurs="0"`, `nillable`, an optional attribute or a choice's alternative: an `Option`.
    Optional,
    /// `maxOccurs` above 1: a `Vec`, one element per item.
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

/// One field of a struct, or one output part or wrapper field of an operation's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldInfo {
    /// The element or attribute name on the wire.
    pub name: &'static str,
    /// The Rust field's name (without `r#`).
    pub rust_name: &'static str,
    /// The element's namespace when it is qualified; `None` leaves it unqualified.
    pub namespace: Option<&'static str>,
    /// Its type.
    pub ty: Ty,
    /// How often it occurs.
    pub occurs: Occurs,
    /// Element, attribute or text.
    pub form: FieldForm,
    /// `nillable="true"`: an absent value is written as `xsi:nil="true"` rather than left out.
    pub nillable: bool,
}

/// One WSDL operation, as the runtime needs it to call it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationInfo {
    /// The operation's name on the wire (`startCallura`).
    pub name: &'static str,
    /// The Rust method name (`start_callura`).
    pub rust_name: &'static str,
    /// The command-line subcommand (`start-callura`).
    pub cli_name: &'static str,
    /// The first sentence of the documentation, for `--help` listings.
    pub summary: &'static str,
    /// The whole `wsdl:documentation` text.
    pub documentation: &'static str,
    /// The `soapAction` of the binding operation (may be empty).
    pub soap_action: &'static str,
    /// SOAP 1.1 or 1.2.
    pub soap_version: SoapVersion,
    /// The path to post to on the client's host, when the operation's port has another address
    /// than the first port (a second service of the WSDL); `None` posts to the endpoint itself.
    pub path: Option<&'static str>,
    /// rpc or document.
    pub style: Style,
    /// encoded or literal.
    pub body_use: Use,
    /// The namespace of the body's wrapper element.
    pub namespace: &'static str,
    /// The local name of the body's wrapper element (the operation name for rpc).
    pub wrapper: &'static str,
    /// The name of the response part or element that holds the JSON text.
    pub response: &'static str,
    /// The input parts, in WSDL order.
    pub params: &'static [ParamInfo],
    /// The answer's values: the output parts (rpc) or the response wrapper's fields (document),
    /// in WSDL order; empty for an answer of nothing.
    pub outputs: &'static [FieldInfo],
}

impl OperationInfo {
    /// The parameters the caller supplies: every part except the token.
    pub fn user_params(&self) -> impl Iterator<Item = &'static ParamInfo> + use<> {
        self.params.iter().filter(|p| !p.token)
    }
}

/// An operation the generator could not express, generated as a raw method: its parts are sent
/// as text and its answer is the response element's XML ([`crate::XmlAnswer`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawOperation {
    /// The operation's wire name.
    pub name: &'static str,
    /// Why it is raw, naming the construct.
    pub reason: &'static str,
    /// No output message: success is HTTP 200 or 202, with or without a body.
    pub one_way: bool,
}

/// Where the generated module lists its raw operations, as the inherent constant
/// `RawOperations::ALL`. A WSDL without raw operations generates no such constant, and the trait
/// below supplies an empty one: an inherent constant takes precedence over a trait's, so the
/// generated file stays free of anything a fully typed WSDL does not need.
pub struct RawOperations;

// The generated inherent constant, when there is one, leaves this one unused.
#[allow(dead_code)]
trait NoRawOperations {
    const ALL: &'static [RawOperation] = &[];
}

impl NoRawOperations for RawOperations {}

impl OperationInfo {
    /// Why this operation is a raw method, or `None` for a typed one.
    pub fn raw(&self) -> Option<&'static RawOperation> {
        RawOperations::ALL.iter().find(|raw| raw.name == self.name)
    }
}
