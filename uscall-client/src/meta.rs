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
