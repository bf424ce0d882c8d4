//! Tests of the streaming decoder: every outcome is checked against the whole-body path.

use super::*;
// Test code may use the overlay: the whole-body path ends with its model.
use crate::Response;
use crate::models::{self, Recording};
use base64::Engine as _;
use proptest::prelude::*;
use std::path::Path;

mod answers;
mod rows;
mod text;

/// How the stream ended, once checked against the whole-body path.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Outcome {
    Streamed,
    Whole,
    Malformed,
}

fn whole_path(body: &[u8], content_type: Option<&str>) -> crate::Result<(Response, Recording)> {
    let owned = content_type.map(str::to_owned);
    let text = crate::transport::read(
        "audioDownload",
        "tok",
        200,
        owned,
        None,
        body.to_vec(),
        crate::transport::Reading::Return(None),
    )?;
    let response = Response::parse("audioDownload", text, "tok")?;
    let recording = models::one::<Recording>(&response)?;
    Ok((response, recording))
}

/// Feeds `body` in pieces of the given sizes (cycled), collecting what reaches the sink.
fn stream(
    body: &[u8],
    charset: Option<&str>,
    sizes: &[usize],
) -> (Result<Finished, StreamError>, Vec<u8>) {
    let mut sunk = Vec::new();
    let result = {
        let mut sink = |piece: &[u8]| {
            assert!(!piece.is_empty() && piece.len() <= PIECE);
            sunk.extend_from_slice(piece);
            Ok(())
        };
        let mut decoder = RecordingStream::new(charset);
        let mut rest = body;
        let mut failed = None;
        for &size in sizes.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let n = size.clamp(1, rest.len());
            if let Err(e) = decoder.feed(&rest[..n], &mut sink) {
                failed = Some(e);
                break;
            }
            rest = &rest[n..];
        }
        match failed {
            Some(e) => Err(e),
            None => decoder.finish(&mut sink),
        }
    };
    (result, sunk)
}

/// Streams `body` and checks the outcome against the whole-body path.
fn check(body: &[u8], content_type: Option<&str>, sizes: &[usize]) -> Outcome {
    let charset = content_type.and_then(crate::text::charset_param);
    let (got, sunk) = stream(body, charset, sizes);
    match (whole_path(body, content_type), got) {
        (Ok((response, recording)), Ok(Finished::Streamed { json, audio_bytes })) => {
            assert!(sunk == recording.audio, "the sink got other bytes");
            assert_eq!(audio_bytes, sunk.len() as u64);
            assert_eq!(string_left_out(response.raw(), &json), Some(()));
            let mut without_audio = recording;
            without_audio.audio = Vec::new();
            let again = Response::parse("audioDownload", json, "tok").unwrap();
            assert_eq!(models::one::<Recording>(&again).unwrap(), without_audio);
            Outcome::Streamed
        }
        (_, Ok(Finished::Whole(kept))) => {
            assert!(kept == body, "Whole must hand back the body unchanged");
            assert!(sunk.is_empty(), "Whole after writing to the sink");
            Outcome::Whole
        }
        (Err(_), Err(StreamError::Malformed { .. })) => Outcome::Malformed,
        (Ok(_), got) => panic!("the whole path reads a recording, the stream gave {got:?}"),
        (Err(e), Ok(Finished::Streamed { .. })) => {
            panic!("the whole path fails ({e}), the stream streamed")
        }
        (Err(e), Err(got)) => panic!("the whole path fails ({e}), the stream: {got}"),
    }
}

/// `json` is `raw` less the content of one JSON string.
fn string_left_out(raw: &str, json: &str) -> Option<()> {
    let same = |a: &[u8], b: &[u8]| a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let head = same(raw.as_bytes(), json.as_bytes()).min(json.len());
    let rest = &json.as_bytes()[head..];
    let tail = same(
        &raw.as_bytes().iter().rev().copied().collect::<Vec<_>>(),
        &rest.iter().rev().copied().collect::<Vec<_>>(),
    );
    (tail == rest.len()).then_some(())?;
    let gone = raw.get(head..raw.len() - tail)?;
    serde_json::from_str::<String>(&format!("\"{gone}\"")).ok()?;
    Some(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Names {
    Ascii,
    Utf8,
    Latin1,
}

#[derive(Debug, Clone)]
struct Gen {
    audio: Vec<u8>,
    names: Names,
    list: bool,
    crlf: bool,
    numeric_quotes: bool,
    cdata: bool,
    bom: bool,
}

impl Gen {
    fn new(audio: Vec<u8>) -> Gen {
        Gen {
            audio,
            names: Names::Ascii,
            list: false,
            crlf: false,
            numeric_quotes: false,
            cdata: false,
            bom: false,
        }
    }

    /// The JSON text (PHP style: `/` written `\/`), as bytes in the body's encoding.
    fn json(&self) -> Vec<u8> {
        let mut b64 = base64::engine::general_purpose::STANDARD.encode(&self.audio);
        if self.crlf {
            let lines: Vec<&str> = b64
                .as_bytes()
                .chunks(76)
                .map(|l| std::str::from_utf8(l).unwrap())
                .collect();
            b64 = lines.join("\\r\\n");
        }
        let b64 = b64.replace('/', "\\/");
        let (origem, status): (&[u8], &[u8]) = match self.names {
            Names::Ascii => (b"11987654321", b"COMPLETADA"),
            Names::Utf8 => ("Recepção".as_bytes(), "NÃO ATENDIDA".as_bytes()),
            Names::Latin1 => (b"Recep\xe7\xe3o", b"N\xc3O ATENDIDA"),
        };
        let record = [
            &b"{\"nomeaudio\":\"1748867415.101.wav\",\"data\":\"2025-06-02 09:30:15\",\"tipo\":\"Recebida\",\"status\":\""[..],
            status,
            b"\",\"origem\":\"",
            origem,
            b"\",\"destino\":\"2001\",\"arquivo_base_64\":\"",
            b64.as_bytes(),
            b"\"}",
        ]
        .concat();
        let (open, close): (&[u8], &[u8]) = if self.list { (b"[", b"]") } else { (b"", b"") };
        [&b"{\"retorno\":"[..], open, &record, close, b"}"].concat()
    }

    fn body(&self) -> Vec<u8> {
        let json = self.json();
        let text = if self.cdata {
            [&b"<![CDATA["[..], &json, b"]]>"].concat()
        } else {
            xml_escape(&json, self.numeric_quotes)
        };
        let bom: &[u8] = if self.bom { UTF8_BOM } else { b"" };
        [bom, &envelope(&text)].concat()
    }
}

const CONTENT_TYPE: Option<&str> = Some("text/xml; charset=ISO-8859-1");

/// NuSOAP's escaping: the five predefined entities.
fn xml_escape(text: &[u8], numeric_quotes: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + text.len() / 4);
    for &b in text {
        match b {
            b'"' if numeric_quotes => out.extend_from_slice(b"&#34;"),
            b'"' => out.extend_from_slice(b"&quot;"),
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            b'\'' => out.extend_from_slice(b"&apos;"),
            b => out.push(b),
        }
    }
    out
}

/// NuSOAP's audioDownload answer around an escaped return text.
fn envelope(text: &[u8]) -> Vec<u8> {
    crate::fuzzing::nusoap_envelope("audioDownload", text)
}

use crate::fuzzing::wav;

/// Bytes whose base64 holds every character, `/` and `+` included.
fn noise(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

/// A body with `inserted` at `at`, or the byte there replaced when `replace`.
fn edited(body: &[u8], at: usize, inserted: &[u8], replace: bool) -> Vec<u8> {
    let at = at.min(body.len());
    let skip = usize::from(replace && at < body.len());
    [&body[..at], inserted, &body[at + skip..]].concat()
}

const SPLITS: &[&[usize]] = &[&[usize::MAX], &[1], &[3, 1, 7, 16384, 2], &[16 * 1024]];

fn variants(audio: Vec<u8>) -> Vec<Gen> {
    let base = Gen::new(audio);
    let mut all = vec![base.clone()];
    for names in [Names::Utf8, Names::Latin1] {
        all.push(Gen {
            names,
            ..base.clone()
        });
    }
    all.push(Gen {
        crlf: true,
        ..base.clone()
    });
    all.push(Gen {
        numeric_quotes: true,
        ..base.clone()
    });
    all.push(Gen {
        cdata: true,
        ..base.clone()
    });
    all.push(Gen {
        list: true,
        ..base.clone()
    });
    all.push(Gen {
        bom: true,
        names: Names::Utf8,
        ..base.clone()
    });
    all
}

/// A minimal envelope around a return text.
fn soap(text: &str) -> Vec<u8> {
    format!("<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body><audioDownloadResponse><return>{text}</return></audioDownloadResponse></s:Body></s:Envelope>").into_bytes()
}

/// Every split of `body` into two pieces, then 1-byte pieces: all stream.
fn streams_split_anywhere(body: &[u8]) {
    assert_eq!(check(body, None, &[1]), Outcome::Streamed);
    for cut in 1..body.len() {
        assert_eq!(
            check(body, None, &[cut, usize::MAX]),
            Outcome::Streamed,
            "cut at {cut}"
        );
    }
}
