//! The wire as the PBX's NuSOAP 0.9.5 writes and reads it: the request envelope read into an
//! operation and its parts, the answer and fault envelopes byte for byte as NuSOAP writes them,
//! and the JSON escaped as PHP's `json_encode` escapes it.

use uscall_client::value::tree::Element;

/// The envelope's opening, as NuSOAP writes it for an answer.
const ENVELOPE_START: &str = concat!(
    r#"<?xml version="1.0" encoding="ISO-8859-1"?>"#,
    r#"<SOAP-ENV:Envelope SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" "#,
    r#"xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" "#,
    r#"xmlns:xsd="http://www.w3.org/2001/XMLSchema" "#,
    r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" "#,
    r#"xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/">"#,
);

/// A fault's envelope opening: NuSOAP breaks it over lines.
const FAULT_START: &str = concat!(
    r#"<?xml version="1.0" encoding="ISO-8859-1"?>"#,
    r#"<SOAP-ENV:Envelope SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/""#,
    "\n  ",
    r#"xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/""#,
    "\n  ",
    r#"xmlns:xsd="http://www.w3.org/2001/XMLSchema""#,
    "\n  ",
    r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#,
    "\n  ",
    r#"xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/">"#,
    "\n",
);

/// A request as read off the wire: the Body's first element and its children, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Envelope {
    /// The operation: the local name of the Body's first element.
    pub(crate) operation: String,
    /// Each child of that element: its local name and text (`None` for `xsi:nil="true"`).
    pub(crate) parts: Vec<(String, Option<String>)>,
}

/// Reads a request body. The message is NuSOAP's words for an envelope it cannot parse.
pub(crate) fn read_request(body: &[u8]) -> Result<Envelope, String> {
    let text = decode(body);
    // NuSOAP's words, the line of the problem as expat gives it.
    let envelope = Element::parse(&text).map_err(|e| {
        let line = 1 + text.as_bytes()[..e.position.min(text.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        format!(
            "error in msg parsing:\nXML error parsing SOAP payload on line {line}: {}",
            e.message
        )
    })?;
    let call = envelope
        .children_named("Body")
        .next()
        .and_then(|body| body.children.first())
        .ok_or_else(|| "error in msg parsing:\nno operation in the SOAP Body".to_owned())?;
    let parts = call
        .children
        .iter()
        .map(|part| {
            (
                part.name.clone(),
                (!part.is_nil()).then(|| part.text.clone()),
            )
        })
        .collect();
    Ok(Envelope {
        operation: call.name.clone(),
        parts,
    })
}

/// The body as text: UTF-8 when it is, else ISO-8859-1 (what NuSOAP assumes of a client that
/// declares no charset).
fn decode(body: &[u8]) -> String {
    match std::str::from_utf8(body) {
        Ok(text) => text.trim_start_matches('\u{feff}').to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(body).0.into_owned(),
    }
}

/// The answer envelope of `operation` in `namespace` whose `return` holds `json`.
pub(crate) fn answer(operation: &str, namespace: &str, json: &str) -> Vec<u8> {
    let mut out = String::with_capacity(ENVELOPE_START.len() + json.len() * 6 / 5 + 200);
    out.push_str(ENVELOPE_START);
    out.push_str("<SOAP-ENV:Body><ns1:");
    out.push_str(operation);
    out.push_str("Response xmlns:ns1=\"");
    escape_into(namespace, &mut out);
    out.push_str("\"><return xsi:type=\"xsd:string\">");
    escape_into(json, &mut out);
    out.push_str("</return></ns1:");
    out.push_str(operation);
    out.push_str("Response></SOAP-ENV:Body></SOAP-ENV:Envelope>");
    latin1(&out)
}

/// A SOAP 1.1 fault as NuSOAP writes one (`SOAP-ENV:Client` or `SOAP-ENV:Server`).
pub(crate) fn fault(code: &str, string: &str, detail: &str) -> Vec<u8> {
    let mut out = String::from(FAULT_START);
    out.push_str("<SOAP-ENV:Body><SOAP-ENV:Fault><faultcode xsi:type=\"xsd:string\">");
    escape_into(code, &mut out);
    out.push_str("</faultcode><faultactor xsi:type=\"xsd:string\"></faultactor><faultstring xsi:type=\"xsd:string\">");
    escape_into(string, &mut out);
    out.push_str("</faultstring><detail xsi:type=\"xsd:string\">");
    escape_into(detail, &mut out);
    out.push_str("</detail></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>");
    latin1(&out)
}

/// XML-escapes `text` as NuSOAP's `expandEntities` does.
pub(crate) fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

/// `text` in ISO-8859-1, a character outside it as a character reference.
pub(crate) fn latin1(text: &str) -> Vec<u8> {
    if text.is_ascii() {
        return text.as_bytes().to_vec();
    }
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        match u8::try_from(u32::from(c)) {
            Ok(byte) => out.push(byte),
            Err(_) => out.extend_from_slice(format!("&#{};", u32::from(c)).as_bytes()),
        }
    }
    out
}

/// `value` as PHP's `json_encode` writes it with its default flags: every character outside
/// ASCII as `\uXXXX` (UTF-16), and `/` as `\/`.
pub(crate) fn php_json(value: &serde_json::Value) -> String {
    let plain = if has_whole_float(value) {
        serde_json::to_string(&whole_floats_as_integers(value))
    } else {
        serde_json::to_string(value)
    }
    .expect("JSON values serialise");
    uscall_client::fuzzing::php_json_spelling(&plain)
}

/// Whether `value` holds a float with no fractional part (`40.0`), which PHP writes `40`.
fn has_whole_float(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::Number(n) => n.as_f64().is_some_and(|f| n.is_f64() && whole(f)),
        Value::Array(items) => items.iter().any(has_whole_float),
        Value::Object(map) => map.values().any(has_whole_float),
        _ => false,
    }
}

fn whole(f: f64) -> bool {
    f.fract() == 0.0 && f.abs() < 1e15
}

/// `value` with every whole float written as an integer, as PHP's `json_encode` writes it.
fn whole_floats_as_integers(value: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) => match n.as_f64() {
            Some(f) if n.is_f64() && whole(f) => Value::from(f as i64),
            _ => value.clone(),
        },
        Value::Array(items) => Value::Array(items.iter().map(whole_floats_as_integers).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), whole_floats_as_integers(v)))
                .collect(),
        ),
        other => other.clone(),
    }
}
