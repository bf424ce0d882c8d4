//! Builds the SOAP request envelope for an operation from its description and argument texts.

use crate::meta::{OperationInfo, SoapVersion, Style, Use};

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
    let (env_ns, enc_ns) = match op.soap_version {
        SoapVersion::Soap11 => (SOAP11_ENV, SOAP11_ENC),
        SoapVersion::Soap12 => (SOAP12_ENV, SOAP12_ENC),
    };
    let encoded = op.body_use == Use::Encoded;
    let size: usize = args.iter().flatten().map(|a| a.len() + 64).sum();
    let mut xml = String::with_capacity(512 + size);
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
    escape_into(&mut xml, op.namespace);
    xml.push_str("\"><SOAP-ENV:Body><ns1:");
    xml.push_str(op.wrapper);
    if encoded {
        xml.push_str(" SOAP-ENV:encodingStyle=\"");
        xml.push_str(enc_ns);
        xml.push('"');
    }
    xml.push('>');
    for (param, arg) in op.params.iter().zip(args) {
        if let Some(value) = arg {
            check_chars(param.name, value)?;
        }
        // rpc parts are unqualified accessors; document fields follow their schema's form.
        let qualified = op.style == Style::Document && param.namespace.is_some();
        xml.push('<');
        push_name(&mut xml, param.name, qualified);
        if qualified && param.namespace != Some(op.namespace) {
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
    xml.push_str("</ns1:");
    xml.push_str(op.wrapper);
    xml.push_str("></SOAP-ENV:Body></SOAP-ENV:Envelope>");
    Ok(xml)
}

fn push_name(xml: &mut String, name: &str, qualified: bool) {
    if qualified {
        xml.push_str("ns2:");
    }
    xml.push_str(name);
}

/// XML 1.0's `Char` production: tab, newline, carriage return and everything from U+0020 up,
/// except U+FFFE and U+FFFF (surrogates cannot occur in a Rust `str`).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..)
}

fn check_chars(param: &'static str, value: &str) -> Result<(), BadChar> {
    match value.chars().enumerate().find(|(_, c)| !is_xml_char(*c)) {
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
}
