//! Entry points for the fuzz targets in `fuzz/` and the corpus tests: not a stable API.
//!
//! They run the same functions a call runs after the HTTP exchange, without a network, so a
//! fuzzer can feed them millions of bodies a second.

use crate::error::Result;
use crate::models::{
    self, Agent, AgentReport, AgentState, AttendForm, Cdr, CenterCall, Extension, ExtensionState,
    MetricsReport, Pause, PauseEvent, PauseSummary, Queue, QueueState, Recording, Schedule,
    SessionRecord, SessionSummary, SurveyResult, TariffCall, Trunk, Ura, UraCall,
};
use crate::response::{self, Parsed};
use crate::{Response, envelope};
use serde::Serialize;
use serde::de::DeserializeOwned;

mod rows;
mod typed;

pub use rows::{ROWS_OPERATION, RowsOutcome, rows_paths_agree};
pub use typed::typed_answer;

/// The token the fuzzing entry points redact, as a client configured with it would.
pub const TOKEN: &str = "fuzz-token";

/// The operation that raw HTTP responses ([`parse_http_response`]) and envelopes
/// ([`envelope_paths_agree`]) are read as the answer to: the response corpus's
/// (`tests/corpus`), whose answers are `<getAgentResponse>`.
pub const OPERATION: &str = "getAgent";

/// Reads an HTTP body the way a call of `operation` does after receiving it: charset, SOAP
/// envelope (whose response must be `operation`'s), Fault, the JSON of the `return` part.
/// `status` is the HTTP status; redirects are not covered.
///
/// This is the very function a call uses after receiving the body.
pub fn parse_response(
    operation: &'static str,
    body: &[u8],
    content_type: Option<&str>,
    status: u16,
) -> Result<Response> {
    return_text(operation, body, content_type, status)
        .and_then(|text| Response::parse(operation, text, TOKEN))
}

/// The return part's text, as the transport reads it from an HTTP answer.
fn return_text(
    operation: &'static str,
    body: &[u8],
    content_type: Option<&str>,
    status: u16,
) -> Result<String> {
    let content_type = content_type.map(str::to_owned);
    crate::transport::read(
        operation,
        TOKEN,
        status,
        content_type,
        None,
        body.to_vec(),
        crate::transport::Reading::Return(None),
    )
}

/// Reads an HTTP body into typed rows of `T` the way a typed call of `operation` does:
/// [`parse_response`]'s steps, then the JSON text straight into the rows (the `Value` path
/// only when that fails).
pub fn parse_rows<T: DeserializeOwned>(
    operation: &'static str,
    body: &[u8],
    content_type: Option<&str>,
    status: u16,
) -> Result<models::Rows<T>> {
    let text = return_text(operation, body, content_type, status)?;
    let secrets = std::sync::Arc::new(crate::redact::Secrets::new([TOKEN]));
    models::from_text(operation, text, &secrets, models::fast_rows, models::rows)
}

/// Builds the request envelope a call of `operation` (wire, Rust or command-line name) sends,
/// with one argument per part in WSDL order. `None` for an unknown operation, the wrong number
/// of arguments, or a character XML 1.0 cannot carry.
pub fn build_envelope(operation: &str, args: &[Option<&str>]) -> Option<String> {
    let op = crate::Client::operation(operation)?;
    (op.params.len() == args.len())
        .then(|| envelope::build(op, args).ok())
        .flatten()
}

/// Feeds a 2xx audioDownload body to the streaming recording decoder in pieces of `piece`
/// bytes, as a download does, dropping the audio. Gives the audio's size when the body was
/// streamed, `Ok(None)` when the decoder hands it back for the whole-body path.
pub fn stream_recording(
    body: &[u8],
    content_type: Option<&str>,
    piece: usize,
) -> std::result::Result<Option<u64>, String> {
    let charset = content_type.and_then(crate::text::charset_param);
    let mut stream = crate::stream::RecordingStream::new(charset);
    let mut sink = |_: &[u8]| Ok(());
    for chunk in body.chunks(piece.max(1)) {
        stream.feed(chunk, &mut sink).map_err(|e| e.to_string())?;
    }
    match stream.finish(&mut sink).map_err(|e| e.to_string())? {
        crate::stream::Finished::Streamed { audio_bytes, .. } => Ok(Some(audio_bytes)),
        crate::stream::Finished::Whole(_) => Ok(None),
    }
}

/// Reads an audioDownload body both ways: streamed in pieces of `piece` bytes, and whole
/// (as [`parse_response`], then the recording model). Panics if the stream gives a recording
/// the whole path does not, or one of another size.
pub fn recording_paths_agree(body: &[u8], content_type: Option<&str>, piece: usize) {
    let streamed = stream_recording(body, content_type, piece);
    let whole = parse_response("audioDownload", body, content_type, 200)
        .and_then(|resp| models::one::<Recording>(&resp));
    if let Ok(Some(bytes)) = streamed {
        match whole {
            Ok(recording) => assert_eq!(recording.audio.len() as u64, bytes, "streamed size"),
            Err(e) => panic!("streamed a recording the whole path refuses: {e}"),
        }
    }
}

/// Splits a raw HTTP/1.1 response (status line, headers, blank line, body) and reads it with
/// [`parse_response`], as the answer to [`OPERATION`]. Input without a head is a body with
/// status 200 and no `Content-Type`. The body is taken as is: no chunked transfer coding, no
/// decompression.
pub fn parse_http_response(raw: &[u8]) -> Result<Response> {
    let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") else {
        return parse_response(OPERATION, raw, None, 200);
    };
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let content_type = lines.find_map(|l| {
        let (name, value) = l.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-type")
            .then(|| value.trim())
    });
    parse_response(OPERATION, &raw[end + 4..], content_type, status)
}

/// Wraps `text` as the `return` part of a NuSOAP answer, escaped as the client escapes request
/// parts, and reads it back: the text that comes out must be the text that went in.
///
/// `None` when `text` holds a character XML 1.0 cannot carry.
pub fn return_round_trip(text: &str) -> Option<std::result::Result<String, String>> {
    if text
        .chars()
        .any(|c| !matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..))
    {
        return None;
    }
    let mut xml = String::from(
        "<SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"><SOAP-ENV:Body><ns1:getAgentResponse xmlns:ns1=\"urn:wsuscall\"><return>",
    );
    envelope::escape_into(&mut xml, text);
    xml.push_str("</return></ns1:getAgentResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>");
    Some(match response::parse(&xml, "getAgent") {
        Ok(Parsed::Return(out)) => Ok(out),
        Ok(Parsed::Fault(f)) => Err(format!("read back as a fault: {f}")),
        Err(e) => Err(e.message),
    })
}

/// Reads `xml` as a SOAP envelope answering [`OPERATION`] both ways the client can: the
/// one-pass return text and the event parser. Panics if they disagree.
pub fn envelope_paths_agree(xml: &str) {
    let by_events = response::parse_by_events(xml, OPERATION);
    assert_eq!(
        response::parse(xml, OPERATION),
        by_events,
        "the one-pass return text and the event parser disagree"
    );
    // Read again with its envelope start known (from itself, and from NuSOAP's answer).
    let nusoap = nusoap_envelope(OPERATION, b"{&quot;retorno&quot;:[]}");
    let nusoap = String::from_utf8(nusoap).expect("ASCII");
    for first in [xml, nusoap.as_str()] {
        let known = response::Prefixes::default();
        let _ = response::parse_known(first, OPERATION, &known);
        assert_eq!(
            response::parse_known(xml, OPERATION, &known),
            by_events,
            "a known envelope start changes the answer"
        );
    }
}

/// NuSOAP's answer to `operation` with `escaped` (already XML-escaped) as its return part,
/// byte for byte as the PBX writes it (ISO-8859-1 declared). For tests, benches and fuzzing.
pub fn nusoap_envelope(operation: &str, escaped: &[u8]) -> Vec<u8> {
    [
        concat!(
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>",
            "<SOAP-ENV:Envelope SOAP-ENV:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"",
            " xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\"",
            " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"",
            " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
            " xmlns:SOAP-ENC=\"http://schemas.xmlsoap.org/soap/encoding/\">",
            "<SOAP-ENV:Body><ns1:"
        )
        .as_bytes(),
        operation.as_bytes(),
        b"Response xmlns:ns1=\"urn:wsuscall\"><return xsi:type=\"xsd:string\">",
        escaped,
        b"</return></ns1:",
        operation.as_bytes(),
        b"Response></SOAP-ENV:Body></SOAP-ENV:Envelope>",
    ]
    .concat()
}

/// JSON text (as serde_json writes it) spelled as PHP's `json_encode` spells it with its default
/// flags: `/` as `\/`, every character outside ASCII as `\uXXXX` (UTF-16).
pub fn php_json_spelling(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() + compact.len() / 8);
    for c in compact.chars() {
        match c {
            '/' => out.push_str("\\/"),
            c if c.is_ascii() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out
}

/// The test handlers' `uscall_wav` recording: 8 kHz, 16-bit, mono PCM of a 400 Hz triangle
/// wave after the canonical 44-byte header, with `samples` samples.
pub fn wav(samples: usize) -> Vec<u8> {
    let len = samples * 2;
    let mut out = Vec::with_capacity(44 + len);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + len as u32).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    for (v, width) in [
        (16u32, 4),
        (1, 2),
        (1, 2),
        (8000, 4),
        (16000, 4),
        (2, 2),
        (16, 2),
    ] {
        out.extend_from_slice(&v.to_le_bytes()[..width]);
    }
    out.extend_from_slice(b"data");
    out.extend_from_slice(&(len as u32).to_le_bytes());
    for n in 0..samples {
        let k = (n % 20) as i32;
        let v = (if k < 10 { k } else { 20 - k }) * 1000 - 5000;
        out.extend_from_slice(&(v as i16).to_le_bytes());
    }
    out
}

/// Decodes the JSON `text` (a `return` part) with every decoder of the typed overlay: the row
/// models, single records, action messages and the metrics report list. Each decoded value is
/// serialised again, as the command line does. Returns how many decoders succeeded.
pub fn overlay(text: &str) -> usize {
    let Ok(resp) = Response::parse("fuzz", text.to_owned(), TOKEN) else {
        return 0;
    };
    text_and_value_agree(text, &resp);
    let mut ok = 0;
    ok += rows::<Agent>(&resp);
    ok += rows::<Cdr>(&resp);
    ok += rows::<Recording>(&resp);
    ok += rows::<AgentState>(&resp);
    ok += rows::<Pause>(&resp);
    ok += rows::<Extension>(&resp);
    ok += rows::<ExtensionState>(&resp);
    ok += rows::<Queue>(&resp);
    ok += rows::<QueueState>(&resp);
    ok += rows::<TariffCall>(&resp);
    ok += rows::<Trunk>(&resp);
    ok += rows::<Ura>(&resp);
    ok += rows::<UraCall>(&resp);
    ok += rows::<AgentReport>(&resp);
    ok += rows::<AttendForm>(&resp);
    ok += rows::<CenterCall>(&resp);
    ok += rows::<MetricsReport>(&resp);
    ok += rows::<PauseSummary>(&resp);
    ok += rows::<PauseEvent>(&resp);
    ok += rows::<Schedule>(&resp);
    ok += rows::<SessionSummary>(&resp);
    ok += rows::<SessionRecord>(&resp);
    ok += rows::<SurveyResult>(&resp);
    ok += one::<Recording>(&resp);
    ok += usize::from(described(models::message(&resp)).is_some());
    ok += usize::from(described(models::value(&resp)).is_some());
    if let Some(reports) = described(models::metrics_reports(&resp)) {
        ok += 1;
        let _ = serde_json::to_string(&reports);
    }
    ok
}

/// The answer kept as text ([`crate::AnswerText`]) says what its parsed value says: the same
/// refusal verdict, and printed JSON that parses back to the same value (numbers aside, which
/// the text keeps as written). Redaction is left out of the comparison (no secrets, and no
/// secret-named text, whose spellings the two ways read differently; the redaction tests cover
/// it): this checks the printer's layout, escapes and structure.
fn text_and_value_agree(text: &str, resp: &Response) {
    let none = std::sync::Arc::new(crate::redact::Secrets::default());
    let answer = crate::AnswerText::parse("fuzz", text.to_owned(), &none)
        .expect("text that parses into a value is JSON");
    assert_eq!(
        answer.check().is_ok(),
        models::check(resp).is_ok(),
        "refusal verdicts differ: {text:?}"
    );
    let shown = resp.json().to_string().to_lowercase();
    if ["token", "senha", "password", "passwd"]
        .iter()
        .any(|name| shown.contains(name))
    {
        return;
    }
    let mut printed = Vec::new();
    answer
        .write_json(&mut printed, true)
        .expect("writes to a Vec");
    let printed: serde_json::Value =
        serde_json::from_slice(&printed).expect("the printer writes JSON");
    assert_eq!(
        numbers_as_text(printed),
        numbers_as_text(resp.json().clone()),
        "printed text differs from the value: {text:?}"
    );
}

/// `value` with every number as its text, so that `1.0` and `1` (or `1e2` and `100.0`),
/// which the text keeps as written and a value normalises, compare by their value.
fn numbers_as_text(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) => {
            Value::String(n.as_f64().map_or_else(|| n.to_string(), |f| f.to_string()))
        }
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_text).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, numbers_as_text(v)))
                .collect(),
        ),
        other => other,
    }
}

/// Decodes rows of `T`, serialises those that decoded, and formats every row error. The rows
/// decoded straight from the text, when that works, must be the same.
fn rows<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(resp: &Response) -> usize {
    let fast = models::fast_rows::<T>(resp.operation(), resp.raw());
    let Some(rows) = described(models::rows::<T>(resp)) else {
        assert!(
            fast.is_none(),
            "decoded straight from the text, not from the JSON value"
        );
        return 0;
    };
    if let Some(fast) = fast {
        assert_eq!(
            fast, rows,
            "rows decoded from the text differ from the JSON value's"
        );
    }
    for error in rows.errors() {
        assert!(!error.to_string().is_empty());
    }
    for row in rows.iter() {
        serde_json::to_string(row).expect("a decoded row serialises");
    }
    usize::from(rows.is_complete())
}

fn one<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(resp: &Response) -> usize {
    let fast = models::fast_one::<T>(resp.operation(), resp.raw());
    let slow = described(models::one::<T>(resp));
    if let Some(fast) = fast {
        assert_eq!(
            Some(&fast),
            slow.as_ref(),
            "a record decoded from the text differs"
        );
    }
    match slow {
        Some(value) => {
            serde_json::to_string(&value).expect("a decoded record serialises");
            1
        }
        None => 0,
    }
}

/// The value, or `None` after checking that the error says something.
fn described<T>(result: Result<T>) -> Option<T> {
    match result {
        Ok(v) => Some(v),
        Err(e) => {
            assert!(!e.to_string().is_empty(), "an error with no message: {e:?}");
            None
        }
    }
}
