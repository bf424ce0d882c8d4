//! Recorded-style NuSOAP answers made to size: PHP `json_encode` text, NuSOAP's escaping and envelope, the fixture's WAV, written into target/bench-data for the responder and the floors.
//!
//! The bytes mirror what `tests/php/nusoap_server.php` sends (captured once into
//! `uscall-client/benches/data/nusoap-*.xml`; the tests below compare against those captures),
//! so the client parses exactly what a PBX would send, only more of it.

use crate::responder::{Answer, Body, Special};
use crate::{Config, EXPORT_DAY, Prepared};
use anyhow::{Context, Result, bail};
use base64::Engine as _;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

/// The response head NuSOAP 0.9.5 writes (less `Date`, `Host` and `X-Powered-By`, which
/// `php -S` adds), for a body of `len` bytes. Keep-alive is HTTP/1.1's default.
pub fn response_head(len: usize) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nServer: NuSOAP Server v0.9.5\r\nX-SOAP-Server: NuSOAP/0.9.5 (1.123)\r\nContent-Type: text/xml; charset=ISO-8859-1\r\nContent-Length: {len}\r\n\r\n"
    )
    .into_bytes()
}

/// A whole NuSOAP answer of `op` whose `return` part is `json`.
pub fn envelope(op: &str, json: &str) -> Vec<u8> {
    let mut escaped = String::with_capacity(json.len() + json.len() / 4);
    nusoap_escape_into(&mut escaped, json);
    uscall_client::fuzzing::nusoap_envelope(op, escaped.as_bytes())
}

/// NuSOAP's `expandEntities`: the five predefined entities, nothing else.
fn nusoap_escape_into(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = rest.find(['&', '\'', '"', '<', '>']) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'\'' => "&apos;",
            b'"' => "&quot;",
            b'<' => "&lt;",
            _ => "&gt;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// PHP's `json_encode($v)` with default flags: `/` written `\/`, every non-ASCII character
/// as a lower-case `\uXXXX` escape (surrogate pairs beyond the BMP), object keys in order.
pub fn php_json(value: &Value) -> String {
    let mut out = String::new();
    php_json_into(&mut out, value);
    out
}

fn php_json_into(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => php_string_into(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                php_json_into(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                php_string_into(out, k);
                out.push(':');
                php_json_into(out, v);
            }
            out.push('}');
        }
    }
}

fn php_string_into(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(out, "\\u{unit:04x}").expect("writing to a String");
                }
            }
        }
    }
    out.push('"');
}

/// The fixture's call records (`cdrs` of `uscall-mock/src/seed.json`).
pub fn fixture_cdrs(fixture: &Value) -> Result<Vec<Map<String, Value>>> {
    let rows = fixture["cdrs"]
        .as_array()
        .context("uscall-mock/src/seed.json has no `cdrs` list")?;
    rows.iter()
        .map(|r| {
            r.as_object()
                .cloned()
                .context("a `cdrs` row is not an object")
        })
        .collect()
}

/// `n` cdrSearch rows: the fixture's rows as they are, then copies of them with a fresh
/// `bilheteunico` (and recording name), so every row is distinct, as on a real PBX.
pub fn cdr_rows(cdrs: &[Map<String, Value>], n: usize) -> Result<Vec<Value>> {
    if cdrs.is_empty() {
        bail!("no cdrs rows to scale");
    }
    Ok((0..n).map(|i| cdr_row(cdrs, i)).collect())
}

/// Row `i` of [`cdr_rows`] (`cdrs` not empty).
fn cdr_row(cdrs: &[Map<String, Value>], i: usize) -> Value {
    let mut row = cdrs[i % cdrs.len()].clone();
    if i >= cdrs.len() {
        let old = row["bilheteunico"].as_str().unwrap_or_default().to_owned();
        let new = format!("{}.{}", 1_748_800_000 + i, 100 + i % 900);
        if let Some(Value::String(audio)) = row.get_mut("audio")
            && !audio.is_empty()
        {
            *audio = audio.replace(&old, &new);
        }
        row.insert("bilheteunico".into(), Value::String(new));
    }
    Value::Object(row)
}

/// The cdrSearch answer of `n` rows, the bytes `envelope("cdrSearch", &php_json(..))` gives,
/// written row by row into `out`, so an answer of a million rows (about 510 MB) is never held
/// in memory; gives the number of bytes written.
pub fn write_cdr_answer(
    out: &mut impl std::io::Write,
    cdrs: &[Map<String, Value>],
    n: usize,
) -> Result<u64> {
    if cdrs.is_empty() {
        bail!("no cdrs rows to scale");
    }
    // The envelope around a marker gives the bytes before and after the return text.
    const MARK: &[u8] = b"\0return text\0";
    let whole = uscall_client::fuzzing::nusoap_envelope("cdrSearch", MARK);
    let at = whole
        .windows(MARK.len())
        .position(|w| w == MARK)
        .context("the envelope holds its return text")?;
    let (before, after) = (&whole[..at], &whole[at + MARK.len()..]);
    let mut written = 0u64;
    let mut put = |out: &mut dyn std::io::Write, bytes: &[u8]| -> Result<()> {
        out.write_all(bytes)?;
        written += bytes.len() as u64;
        Ok(())
    };
    let (mut json, mut escaped) = (String::new(), String::new());
    put(out, before)?;
    put(out, b"{&quot;retorno&quot;:[")?;
    for i in 0..n {
        json.clear();
        escaped.clear();
        if i > 0 {
            json.push(',');
        }
        php_json_into(&mut json, &cdr_row(cdrs, i));
        nusoap_escape_into(&mut escaped, &json);
        put(out, escaped.as_bytes())?;
    }
    put(out, b"]}")?;
    put(out, after)?;
    Ok(written)
}

/// The handlers' `uscall_wav` recording with `samples` samples.
pub use uscall_client::fuzzing::wav;

/// The audioDownload answer for `row` with `audio` as the recording, and the base64 text.
pub fn audio_answer(row: &Map<String, Value>, audio: &[u8]) -> (Vec<u8>, String) {
    let b64 = base64::engine::general_purpose::STANDARD.encode(audio);
    let text = |k: &str| row.get(k).cloned().unwrap_or(Value::String(String::new()));
    let name = row["audio"].as_str().unwrap_or_default();
    let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
    let mut rec = Map::new();
    rec.insert("nomeaudio".into(), Value::String(format!("{stem}.wav")));
    rec.insert("data".into(), text("datahora"));
    for k in ["tipo", "status", "origem", "destino"] {
        rec.insert(k.into(), text(k));
    }
    rec.insert("arquivo_base_64".into(), Value::String(b64.clone()));
    let json = php_json(&serde_json::json!({ "retorno": Value::Object(rec) }));
    (envelope("audioDownload", &json), b64)
}

/// A NuSOAP-style rpc/encoded WSDL with `ops` synthetic operations of one to six string parts,
/// each documented in the vendor's way (for codegen timing).
pub fn synthetic_wsdl(ops: usize) -> String {
    let names: Vec<String> = (0..ops).map(|i| format!("synthOp{i:05}")).collect();
    let parts = |i: usize| -> Vec<String> {
        std::iter::once("token".to_owned())
            .chain((0..i % 6).map(|p| format!("campo{p}")))
            .collect()
    };
    let mut w = String::from(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<definitions xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:SOAP-ENC=\"http://schemas.xmlsoap.org/soap/encoding/\" xmlns:tns=\"urn:wsuscall\" xmlns:soap=\"http://schemas.xmlsoap.org/wsdl/soap/\" xmlns:wsdl=\"http://schemas.xmlsoap.org/wsdl/\" xmlns=\"http://schemas.xmlsoap.org/wsdl/\" targetNamespace=\"urn:wsuscall\">\n",
        "<types>\n<xsd:schema targetNamespace=\"urn:wsuscall\">\n <xsd:import namespace=\"http://schemas.xmlsoap.org/soap/encoding/\" />\n <xsd:import namespace=\"http://schemas.xmlsoap.org/wsdl/\" />\n</xsd:schema>\n</types>\n"
    ));
    let body = "<soap:body use=\"encoded\" namespace=\"urn:wsuscall\" encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"/>";
    for (i, name) in names.iter().enumerate() {
        writeln!(w, "<message name=\"{name}Request\">").unwrap();
        for p in parts(i) {
            writeln!(w, "  <part name=\"{p}\" type=\"xsd:string\" />").unwrap();
        }
        writeln!(w, "</message>\n<message name=\"{name}Response\">\n  <part name=\"return\" type=\"xsd:string\" /></message>").unwrap();
    }
    w.push_str("<portType name=\"wsuscallPortType\">\n");
    for (i, name) in names.iter().enumerate() {
        let required = parts(i)[..1 + (i % 6) / 2]
            .join(", ")
            .replace("token", "Token");
        writeln!(w, "  <operation name=\"{name}\">\n    <documentation>Operação sintética {i} para medir o gerador. Parâmetros necessários: {required}.</documentation>\n    <input message=\"tns:{name}Request\"/>\n    <output message=\"tns:{name}Response\"/>\n  </operation>").unwrap();
    }
    w.push_str("</portType>\n<binding name=\"wsuscallBinding\" type=\"tns:wsuscallPortType\">\n  <soap:binding style=\"rpc\" transport=\"http://schemas.xmlsoap.org/soap/http\"/>\n");
    for name in &names {
        writeln!(w, "  <operation name=\"{name}\">\n    <soap:operation soapAction=\"urn:wsuscall#{name}\" style=\"rpc\"/>\n    <input>{body}</input>\n    <output>{body}</output>\n  </operation>").unwrap();
    }
    w.push_str("</binding>\n<service name=\"wsuscall\">\n  <port name=\"wsuscallPort\" binding=\"tns:wsuscallBinding\">\n    <soap:address location=\"https://pbx.example.com/aplicativos/webservice/wsuscall.php\"/>\n  </port>\n</service>\n</definitions>\n");
    w
}

/// Writes the answers and the floors' inputs into target/bench-data and returns what the
/// responder serves.
pub fn prepare(
    root: &Path,
    c: &Config,
) -> Result<(Prepared, HashMap<String, Answer>, Vec<Special>)> {
    let dir = root.join("target/bench-data");
    std::fs::create_dir_all(&dir)?;
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("uscall-mock/src/seed.json"))
            .context("reading uscall-mock/src/seed.json")?,
    )?;
    let mut answers = HashMap::new();
    let mut answer = |op: &str, body: Vec<u8>| {
        let len = body.len();
        answers.insert(
            op.to_owned(),
            Answer {
                head: response_head(len),
                body: Body::Memory(body),
            },
        );
        len
    };

    let extens_body_bytes = answer(
        "getExtens",
        envelope(
            "getExtens",
            &php_json(&serde_json::json!({ "retorno": fixture["extensions"] })),
        ),
    );

    let cdrs = fixture_cdrs(&fixture)?;
    let json = php_json(&serde_json::json!({ "retorno": cdr_rows(&cdrs, c.rows)? }));
    let cdr_json = dir.join("cdrSearch.json");
    std::fs::write(&cdr_json, &json)?;
    let cdr_body_bytes = answer("cdrSearch", envelope("cdrSearch", &json));
    drop(json);

    // The export's answer is written to a file row by row and served from it, never held.
    let mut specials = Vec::new();
    let (mut export_body_bytes, mut export_path) = (None, None);
    if c.million && c.wants("P7") {
        let path = dir.join(format!("cdrSearch-{}.xml", c.export_rows));
        eprintln!(
            "==> writing the export's answer ({} rows) to {}",
            c.export_rows,
            path.display()
        );
        let file =
            std::fs::File::create(&path).with_context(|| format!("creating {}", path.display()))?;
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        let len = write_cdr_answer(&mut out, &cdrs, c.export_rows)?;
        std::io::Write::flush(&mut out).with_context(|| format!("writing {}", path.display()))?;
        specials.push(Special {
            op: "cdrSearch".into(),
            needle: EXPORT_DAY.as_bytes().to_vec(),
            answer: Answer {
                head: response_head(len as usize),
                body: Body::File(path.clone()),
            },
        });
        export_body_bytes = Some(len);
        export_path = Some(path);
    }

    let samples = (c.recording_mb * 1_000_000).saturating_sub(44) / 2;
    let wav = wav(samples);
    let (body, b64) = audio_answer(&cdrs[0], &wav);
    let b64_path = dir.join("recording.b64");
    std::fs::write(&b64_path, b64)?;
    let audio_body_bytes = answer("audioDownload", body);

    let mut wsdls = vec![(30, root.join("wsdl/wsuscall.wsdl"))];
    for ops in [500, 1000, 2000] {
        let path = dir.join(format!("synthetic-{ops}.wsdl"));
        std::fs::write(&path, synthetic_wsdl(ops))?;
        wsdls.push((ops, path));
    }
    Ok((
        Prepared {
            dir,
            extens_body_bytes,
            cdr_body_bytes,
            audio_body_bytes,
            wav_bytes: wav.len(),
            cdr_json,
            export_body_bytes,
            export_path,
            b64: b64_path,
            wsdls,
        },
        answers,
        specials,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
    }

    fn fixture() -> Value {
        let text = std::fs::read_to_string(root().join("uscall-mock/src/seed.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    fn captured(op: &str) -> Vec<u8> {
        let path = root().join(format!("uscall-client/benches/data/nusoap-{op}.xml"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn generated_answers_are_byte_for_byte_what_nusoap_sent() {
        let fixture = fixture();
        let extens = php_json(&serde_json::json!({ "retorno": fixture["extensions"] }));
        assert_eq!(envelope("getExtens", &extens), captured("getExtens"));

        let cdrs = fixture_cdrs(&fixture).unwrap();
        let rows = cdr_rows(&cdrs, cdrs.len()).unwrap();
        let json = php_json(&serde_json::json!({ "retorno": rows }));
        assert_eq!(envelope("cdrSearch", &json), captured("cdrSearch"));

        // The handlers' WAV for a call of 00:02:05 has 8 * (100 + 125) samples.
        let (body, b64) = audio_answer(&cdrs[0], &wav(8 * (100 + 125)));
        assert_eq!(body, captured("audioDownload"));
        assert!(!b64.contains('\\'));
    }

    #[test]
    fn the_answer_written_row_by_row_is_the_whole_one() {
        let cdrs = fixture_cdrs(&fixture()).unwrap();
        for n in [0, 1, cdrs.len(), 50] {
            let json = php_json(&serde_json::json!({ "retorno": cdr_rows(&cdrs, n).unwrap() }));
            let mut piecewise = Vec::new();
            let len = write_cdr_answer(&mut piecewise, &cdrs, n).unwrap();
            assert_eq!(piecewise, envelope("cdrSearch", &json), "{n} rows");
            assert_eq!(len, piecewise.len() as u64);
        }
    }

    #[test]
    fn scaled_rows_are_distinct() {
        let cdrs = fixture_cdrs(&fixture()).unwrap();
        let rows = cdr_rows(&cdrs, 1000).unwrap();
        let ids: std::collections::BTreeSet<&str> = rows
            .iter()
            .map(|r| r["bilheteunico"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 1000);
    }

    #[test]
    fn the_synthetic_wsdl_generates() {
        let wsdl = synthetic_wsdl(40);
        let out = uscall_codegen::generate(
            wsdl.as_bytes(),
            &uscall_codegen::Options {
                source: "synthetic.wsdl".into(),
                soap: None,
                json_answers: true,
                ..uscall_codegen::Options::default()
            },
        )
        .unwrap();
        assert_eq!(out.api.operations.len(), 40);
    }
}
