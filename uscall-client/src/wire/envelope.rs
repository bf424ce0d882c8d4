//! Builds the SOAP request envelope for an operation from its description and its arguments
//! (texts, or values of the parts' declared types).

use crate::meta::{OperationInfo, SoapVersion, Style, Use};
use crate::value::write::Writer;
use crate::value::{Value, ValueError};

pub(crate) const SOAP11_ENV: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub(crate) const SOAP12_ENV: &str = "http://www.w3.org/2003/05/soap-envelope";
const SOAP11_ENC: &str = "http://schemas.xmlsoap.org/soap/encoding/";
const SOAP12_ENC: &str = "http://www.w3.org/2003/05/soap-encoding";
const XSD: &str = "http://www.w3.org/2001/XMLSchema";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// A character XML 1.0 cannot carry, found in one argument.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BadChar {
    pub param: &'static str,
    pub character: char,
    pub position: usize,
}

/// Serialises one call. `args` holds one entry per part of `op`, in WSDL order; `None` is a part
/// left out, sent as `xsi:nil="true"` the way PHP SoapClient sends a null, so that servers binding
/// by position (NuSOAP) keep every later part in its place.
pub(crate) fn build(op: &OperationInfo, args: &[Option<&str>]) -> Result<String, BadChar> {
    let size: usize = args.iter().flatten().map(|a| a.len() + 64).sum();
    let mut xml = String::with_capacity(512 + size);
    let encoded = open(&mut xml, op);
    if op.style == Style::Bare {
        // The part's element is the body's element: its text is the one value.
        if let (Some(param), Some(Some(value))) = (op.params.first(), args.first()) {
            check_chars(param.name, value)?;
            escape_into(&mut xml, value);
        }
        close(&mut xml, op);
        return Ok(xml);
    }
    for (param, arg) in op.params.iter().zip(args) {
        if let Some(value) = arg {
            check_chars(param.name, value)?;
        }
        // rpc parts are unqualified accessors; document fields follow their schema's form,
        // in the wrapper's namespace (`ns1`) or their own (`ns2`).
        let qualified = match (op.style, param.namespace) {
            (Style::Document, Some(ns)) if ns == op.namespace => Some("ns1:"),
            (Style::Document, Some(_)) => Some("ns2:"),
            _ => None,
        };
        xml.push('<');
        push_name(&mut xml, param.name, qualified);
        if qualified == Some("ns2:") {
            xml.push_str(" xmlns:ns2=\"");
            escape_into(&mut xml, param.namespace.unwrap_or_default());
            xml.push('"');
        }
        match arg {
            None => xml.push_str(" xsi:nil=\"true\"/>"),
            Some(value) => {
                if encoded {
                    xml.push_str(" xsi:type=\"");
                    xml.push_str(param.xsd_type);
                    xml.push('"');
                }
                xml.push('>');
                escape_into(&mut xml, value);
                xml.push_str("</");
                push_name(&mut xml, param.name, qualified);
                xml.push('>');
            }
        }
    }
    close(&mut xml, op);
    Ok(xml)
}

/// What a call's parts hold: texts (the generated text methods, the command line) or values of
/// their declared types (typed parts: structs, arrays, lists).
#[derive(Debug)]
pub(crate) enum Args {
    /// One text per part.
    Texts(Vec<Option<String>>),
    /// One value per part.
    Values(Vec<Option<Value>>),
}

impl From<Vec<Option<String>>> for Args {
    fn from(texts: Vec<Option<String>>) -> Args {
        Args::Texts(texts)
    }
}

impl Args {
    pub(crate) fn len(&self) -> usize {
        match self {
            Args::Texts(texts) => texts.len(),
            Args::Values(values) => values.len(),
        }
    }
}

/// A part whose value does not fit its declared type, or holds a character XML cannot carry.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct BadValue {
    pub param: &'static str,
    pub error: ValueError,
}

/// Serialises one call whose parts are [`Value`]s, each written by its part's type (see
/// [`crate::value::write`]). `None` (or [`Value::Nil`]) is a part left out, sent as
/// `xsi:nil="true"` as [`build`] does; a repeated part is one element per item, none for none.
pub(crate) fn build_values(
    op: &OperationInfo,
    args: &[Option<&Value>],
) -> Result<String, BadValue> {
    let mut xml = String::with_capacity(1024);
    let encoded = open(&mut xml, op);
    if op.style == Style::Bare {
        // The part's element is the body's element: its text is the one value.
        if let (Some(param), Some(Some(value))) = (op.params.first(), args.first()) {
            match value {
                Value::Text(text) => {
                    if let Some((position, character)) = bad_char(text) {
                        return Err(BadValue {
                            param: param.name,
                            error: ValueError::new(format!(
                                "U+{:04X} at character {position}, which XML 1.0 cannot carry",
                                u32::from(character)
                            )),
                        });
                    }
                    escape_into(&mut xml, text);
                }
                Value::Nil => {}
                _ => {
                    return Err(BadValue {
                        param: param.name,
                        error: ValueError::new("a document/literal bare part holds one text"),
                    });
                }
            }
        }
        close(&mut xml, op);
        return Ok(xml);
    }
    let body_use = if encoded { Use::Encoded } else { Use::Literal };
    let mut writer = Writer::new(&mut xml, body_use, Some(op.namespace));
    for (param, arg) in op.params.iter().zip(args) {
        // rpc parts are unqualified accessors; document fields follow their schema's form.
        let namespace = if op.style != Style::Rpc {
            param.namespace
        } else {
            None
        };
        let value = arg.unwrap_or(&Value::Nil);
        let result = match value {
            Value::List(items) if param.many => {
                items.iter().enumerate().try_for_each(|(i, item)| {
                    writer
                        .element(param.name, namespace, item, param.ty)
                        .map_err(|e| e.at(format!("[{i}]")))
                })
            }
            Value::Nil if param.many => Ok(()),
            value => writer.element(param.name, namespace, value, param.ty),
        };
        result.map_err(|error| BadValue {
            param: param.name,
            error,
        })?;
    }
    close(&mut xml, op);
    Ok(xml)
}

/// Writes the envelope up to the wrapper's start tag; gives whether the body is encoded.
fn open(xml: &mut String, op: &OperationInfo) -> bool {
    let (env_ns, enc_ns) = match op.soap_version {
        SoapVersion::Soap11 => (SOAP11_ENV, SOAP11_ENC),
        SoapVersion::Soap12 => (SOAP12_ENV, SOAP12_ENC),
    };
    let encoded = op.body_use == Use::Encoded;
    xml.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"",
    );
    xml.push_str(env_ns);
    xml.push_str("\" xmlns:xsd=\"");
    xml.push_str(XSD);
    xml.push_str("\" xmlns:xsi=\"");
    xml.push_str(XSI);
    xml.push('"');
    if encoded {
        xml.push_str(" xmlns:SOAP-ENC=\"");
        xml.push_str(enc_ns);
        xml.push('"');
    }
    xml.push_str(" xmlns:ns1=\"");
    escape_into(xml, op.namespace);
    xml.push_str("\"><SOAP-ENV:Body><ns1:");
    xml.push_str(op.wrapper);
    if encoded {
        xml.push_str(" SOAP-ENV:encodingStyle=\"");
        xml.push_str(enc_ns);
        xml.push('"');
    }
    xml.push('>');
    encoded
}

/// Ends the wrapper, the Body and the envelope.
fn close(xml: &mut String, op: &OperationInfo) {
    xml.push_str("</ns1:");
    xml.push_str(op.wrapper);
    xml.push_str("></SOAP-ENV:Body></SOAP-ENV:Envelope>");
}

fn push_name(xml: &mut String, name: &str, prefix: Option<&str>) {
    if let Some(prefix) = prefix {
        xml.push_str(prefix);
    }
    xml.push_str(name);
}

/// XML 1.0's `Char` production: tab, newline, carriage return and everything from U+0020 up,
/// except U+FFFE and U+FFFF (surrogates cannot occur in a Rust `str`).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The first character of `text` XML 1.0 cannot carry, with its position in characters.
pub(crate) fn bad_char(text: &str) -> Option<(usize, char)> {
    text.chars().enumerate().find(|(_, c)| !is_xml_char(*c))
}

fn check_chars(param: &'static str, value: &str) -> Result<(), BadChar> {
    match bad_char(value) {
        Some((position, character)) => Err(BadChar {
            param,
            character,
            position,
        }),
        None => Ok(()),
    }
}

/// Escapes text for element content and attribute values. `>` is escaped too, so `]]>` can
/// never appear; `\r` becomes a character reference because parsers turn a literal one into `\n`.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&apos;",
            b'\r' => "&#13;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{Builtin, ParamInfo, Ty, XsdKind};

    const P: ParamInfo = ParamInfo {
        name: "token",
        rust_name: "token",
        cli_name: "token",
        xsd_type: "xsd:string",
        kind: XsdKind::String,
        required: true,
        token: true,
        namespace: None,
        ty: Ty::Simple(Builtin::String),
        many: false,
    };
    static PARAMS: [ParamInfo; 2] = [
        P,
        ParamInfo {
            name: "fila",
            rust_name: "fila",
            cli_name: "fila",
            token: false,
            required: false,
            ..P
        },
    ];
    static OP: OperationInfo = OperationInfo {
        name: "getQueue",
        rust_name: "get_queue",
        cli_name: "get-queue",
        summary: "",
        documentation: "",
        soap_action: "urn:wsuscall#getQueue",
        soap_version: SoapVersion::Soap11,
        path: None,
        style: Style::Rpc,
        body_use: Use::Encoded,
        namespace: "urn:wsuscall",
        wrapper: "getQueue",
        response: "return",
        params: &PARAMS,
        outputs: &[],
    };

    #[test]
    fn escapes_markup_quotes_cdata_end_and_carriage_returns() {
        let mut out = String::new();
        escape_into(&mut out, "a<b & \"c\" 'd' ]]> e\r\nf 😀");
        assert_eq!(
            out,
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos; ]]&gt; e&#13;\nf 😀"
        );
    }

    #[test]
    fn refuses_characters_xml_cannot_carry() {
        let err = build(&OP, &[Some("t"), Some("ab\u{1}")]).unwrap_err();
        assert_eq!(
            err,
            BadChar {
                param: "fila",
                character: '\u{1}',
                position: 2
            }
        );
        assert!(build(&OP, &[Some("t"), Some("\u{FFFF}")]).is_err());
        assert!(build(&OP, &[Some("t"), Some("\t\n\r\u{10FFFF}")]).is_ok());
    }

    #[test]
    fn rpc_encoded_envelope_with_a_part_left_out() {
        let xml = build(&OP, &[Some("x&y"), None]).unwrap();
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<SOAP-ENV:Envelope \
             xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" \
             xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" \
             xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
             xmlns:SOAP-ENC=\"http://schemas.xmlsoap.org/soap/encoding/\" \
             xmlns:ns1=\"urn:wsuscall\"><SOAP-ENV:Body><ns1:getQueue \
             SOAP-ENV:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">\
             <token xsi:type=\"xsd:string\">x&amp;y</token><fila xsi:nil=\"true\"/>\
             </ns1:getQueue></SOAP-ENV:Body></SOAP-ENV:Envelope>"
        );
    }

    #[test]
    fn values_of_simple_parts_give_the_same_envelope_as_texts() {
        let token = Value::Text("x&y".into());
        let values = build_values(&OP, &[Some(&token), None]).unwrap();
        assert_eq!(values, build(&OP, &[Some("x&y"), None]).unwrap());
        let nil = Value::Nil;
        assert_eq!(
            build_values(&OP, &[Some(&token), Some(&nil)]).unwrap(),
            values
        );
    }

    #[test]
    fn values_are_written_by_type_and_refused_naming_the_part() {
        use crate::meta::{FieldForm, FieldInfo, Occurs, TypeInfo, TypeKind};
        static POINT: TypeInfo = TypeInfo {
            name: "Point",
            namespace: "urn:t",
            rust_name: "Point",
            kind: TypeKind::Struct(&[FieldInfo {
                name: "x",
                rust_name: "x",
                namespace: None,
                ty: Ty::Simple(Builtin::Int),
                occurs: Occurs::One,
                form: FieldForm::Element,
                nillable: false,
            }]),
        };
        static PARTS: [ParamInfo; 2] = [
            ParamInfo {
                name: "p",
                ty: Ty::Named(&POINT),
                token: false,
                namespace: Some("urn:t"),
                ..P
            },
            ParamInfo {
                name: "n",
                ty: Ty::Simple(Builtin::Int),
                token: false,
                many: true,
                namespace: Some("urn:wsuscall"),
                ..P
            },
        ];
        static DOC: OperationInfo = OperationInfo {
            style: Style::Document,
            body_use: Use::Literal,
            params: &PARTS,
            ..OP
        };
        let point = Value::Struct(vec![("x".into(), Value::Text("1".into()))]);
        let numbers = Value::List(vec![Value::Text("2".into()), Value::Text("3".into())]);
        let xml = build_values(&DOC, &[Some(&point), Some(&numbers)]).unwrap();
        assert!(
            xml.ends_with(
                "<ns1:getQueue><ns2:p xmlns:ns2=\"urn:t\"><x>1</x></ns2:p>\
                 <ns1:n>2</ns1:n><ns1:n>3</ns1:n></ns1:getQueue></SOAP-ENV:Body></SOAP-ENV:Envelope>"
            ),
            "{xml}"
        );
        let encoded = OperationInfo {
            body_use: Use::Encoded,
            style: Style::Rpc,
            ..DOC
        };
        let xml = build_values(&encoded, &[Some(&point), None]).unwrap();
        assert!(
            xml.contains(
                "<p xmlns:ns2=\"urn:t\" xsi:type=\"ns2:Point\"><x xsi:type=\"xsd:int\">1</x></p></ns1:getQueue>"
            ),
            "{xml}"
        );
        let bad = Value::Struct(vec![("x".into(), Value::List(vec![]))]);
        let err = build_values(&DOC, &[Some(&bad), None]).unwrap_err();
        assert_eq!(err.param, "p");
        assert_eq!(err.error.path(), "x");
    }
}
