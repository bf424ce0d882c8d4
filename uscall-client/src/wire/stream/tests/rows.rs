//! The row decoder against the whole-body path: the same rows, or the body handed back whole
//! before any row, or an error after rows that the whole path also refuses.

use super::super::rows::RowDecoder;
use super::{SPLITS, StreamError, edited, xml_escape};
use proptest::prelude::*;

const OP: &str = "cdrSearch";
const LATIN1: Option<&str> = Some("text/xml; charset=ISO-8859-1");

use crate::fuzzing::RowsOutcome as Outcome;

fn body(json: &[u8]) -> Vec<u8> {
    crate::fuzzing::nusoap_envelope(OP, &xml_escape(json, false))
}

/// Streams `body` and checks it against the whole-body path.
fn check(body: &[u8], content_type: Option<&str>, sizes: &[usize]) -> Outcome {
    crate::fuzzing::rows_paths_agree(body, content_type, sizes)
}

/// NuSOAP's answer around `json`, checked in the pieces of every split of `SPLITS`.
fn at_every_split(json: &[u8], expected: Outcome) -> Vec<u8> {
    let body = body(json);
    for sizes in SPLITS {
        let got = check(&body, LATIN1, sizes);
        assert_eq!(got, expected, "{}", String::from_utf8_lossy(json));
    }
    body
}

/// The rows of a day of calls, as NuSOAP sends them (`&quot;` for every quote, `\/` for `/`).
fn cdr_rows(n: usize, name: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..n {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(
            format!("{{\"calldate\":\"2025-06-02 09:{:02}:15\",\"src\":\"11987654321\",\"dst\":\"2001\",\"disposition\":\"ANSWERED\",\"duration\":\"{i}\",\"userfield\":\"",i % 60)
                .as_bytes(),
        );
        out.extend_from_slice(name);
        out.extend_from_slice(b"\",\"idcti\":\"a\\/b [1], {2}\"}");
    }
    out
}

fn framed(rows: &[u8]) -> Vec<u8> {
    [&b"{\"retorno\":["[..], rows, b"]}"].concat()
}

#[test]
fn lists_stream_whatever_the_split() {
    let ascii = framed(&cdr_rows(5, b"Recepcao"));
    let shapes: Vec<Vec<u8>> = vec![
        ascii.clone(),
        [b"[", &cdr_rows(3, b"x")[..], b"]"].concat(),
        b"{\"retorno\":[]}".to_vec(),
        b" [ ] ".to_vec(),
        b"{ \"retorno\" : [ 1 , \"a]\" , [2,[3]], null,true , -1.5e3 ] , \"total\": 4 }\n".to_vec(),
        b"{\"retorno\":[{\"a\":\"q\\\"],\\\\\"}]}".to_vec(),
    ];
    for json in &shapes {
        let body = at_every_split(json, Outcome::Streamed);
        for cut in 1..body.len() {
            assert_eq!(
                check(&body, None, &[cut, usize::MAX]),
                Outcome::Streamed,
                "cut at {cut}"
            );
        }
    }
}

#[test]
fn spellings_of_the_text_stream_as_the_whole_path_reads_them() {
    let json = framed(&cdr_rows(3, b"Recep&#231;&#xE3;o \xc3\xa9"));
    let cases = [
        // References, a UTF-8 label with raw UTF-8, CDATA, numeric quotes, comments, line ends.
        crate::fuzzing::nusoap_envelope(OP, &json),
        crate::fuzzing::nusoap_envelope(OP, &xml_escape(&json, true)),
        crate::fuzzing::nusoap_envelope(
            OP,
            &[&b"<![CDATA["[..], &framed(&cdr_rows(2, b"a")), b"]]>"].concat(),
        ),
        crate::fuzzing::nusoap_envelope(OP, b"[<!-- c -->1,<?pi x?>2,\r\n3]"),
    ];
    for body in &cases {
        for sizes in SPLITS {
            assert_eq!(
                check(body, Some("text/xml; charset=utf-8"), sizes),
                Outcome::Streamed
            );
        }
    }
}

#[test]
fn what_is_not_a_plain_list_goes_whole() {
    for json in [
        &b"{\"retorno\":\"Nenhum registro encontrado\"}"[..],
        b"{\"retorno\":{\"0119\":{\"ramal\":\"0119\"}}}",
        b"{\"retorno\":null}",
        b"{\"total\":1,\"retorno\":[1]}",
        b"\"text\"",
        b"{\"re\\u0074orno\":[1]}",
    ] {
        at_every_split(json, Outcome::Whole);
    }
    // Broken after a row: whole when no row is out yet, else an error.
    for json in [&b"{\"retorno\":[1,]}"[..], b"[1,,2]", b"[1 2]"] {
        let whole = body(json);
        let s = String::from_utf8_lossy(json);
        assert_eq!(check(&whole, LATIN1, &[usize::MAX]), Outcome::Whole, "{s}");
        assert_eq!(check(&whole, LATIN1, &[1]), Outcome::Malformed, "{s}");
    }
    // What follows the list is checked at the end, after the rows.
    assert_eq!(
        check(&body(b"[1] [2]"), LATIN1, &[usize::MAX]),
        Outcome::Malformed
    );
    // A Fault, an HTML page, another charset.
    let fault = fault_body();
    assert_eq!(check(&fault, LATIN1, &[7]), Outcome::Whole);
    assert_eq!(
        check(b"<html><body>502</body></html>", None, &[3]),
        Outcome::Whole
    );
    assert_eq!(
        check(&body(&framed(b"1")), Some("text/xml; charset=KOI8-R"), &[3]),
        Outcome::Whole
    );
}

/// NuSOAP's envelope with a Fault instead of the response.
fn fault_body() -> Vec<u8> {
    let text = String::from_utf8(crate::fuzzing::nusoap_envelope(OP, b"")).unwrap();
    let start = text.find("<ns1:").unwrap();
    let end = text.find("</SOAP-ENV:Body>").unwrap();
    format!(
        "{}<SOAP-ENV:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>no</faultstring></SOAP-ENV:Fault>{}",
        &text[..start],
        &text[end..]
    )
    .into_bytes()
}

#[test]
fn a_second_retorno_after_the_rows_is_an_error() {
    // The whole path takes the last `retorno`; the stream has given the first one's rows.
    let twice = body(b"{\"retorno\":[1],\"retorno\":[2]}");
    assert_eq!(check(&twice, LATIN1, &[usize::MAX]), Outcome::Malformed);
    // Before any row went out, it goes whole.
    assert_eq!(
        check(&body(b"{\"retorno\":[],\"retorno\":[2]}"), LATIN1, &[1]),
        Outcome::Whole
    );
}

#[test]
fn latin1_rows_are_read_as_the_whole_body_is() {
    // A non-ASCII first row: whole, where the whole body decides.
    let json = framed(&cdr_rows(3, b"Recep\xe7\xe3o"));
    assert_eq!(check(&body(&json), LATIN1, &[usize::MAX]), Outcome::Whole);
    // ASCII rows first, then ISO-8859-1 or UTF-8 ones: streamed, read as the whole path reads them.
    for name in [&b"Recep\xe7\xe3o"[..], "Recepção".as_bytes()] {
        let rows = [&cdr_rows(2, b"a")[..], b",", &cdr_rows(2, name)].concat();
        // In pieces: rows go out before the non-ASCII one is read.
        for sizes in [&[1][..], &[50], &[500, 3]] {
            assert_eq!(
                check(&body(&framed(&rows)), LATIN1, sizes),
                Outcome::Streamed
            );
        }
        // In one piece, no row is out by then: whole.
        assert_eq!(
            check(&body(&framed(&rows)), LATIN1, &[usize::MAX]),
            Outcome::Whole
        );
    }
    // UTF-8 rows, then an ISO-8859-1 one: the whole path reads all as ISO-8859-1; the stream
    // has given UTF-8 rows already and can only fail.
    let rows = [
        &cdr_rows(1, b"a")[..],
        b",",
        &cdr_rows(1, "é".as_bytes()),
        b",",
        &cdr_rows(1, b"\xe9"),
    ]
    .concat();
    assert_eq!(
        check(&body(&framed(&rows)), LATIN1, &[50]),
        Outcome::Malformed
    );
}

#[test]
fn damage_after_rows_is_malformed_and_before_them_whole() {
    let body = body(&framed(&cdr_rows(400, b"x")));
    let late = body.len() - 300;
    let text_end = memchr::memmem::find(&body, b"</return>").unwrap();
    for damaged in [
        body[..late].to_vec(),
        edited(&body, late, b"<", true),
        edited(&body, late, b"&bogus;", false),
        edited(&body, body.len() - 5, b"x", false),
        edited(&body, text_end - 2, b"]", false),
        edited(&body, text_end - 60, b"\x01", false),
        edited(&body, text_end, b"x", false),
        edited(&body, text_end - 3, b"}", false),
    ]
    .iter()
    .enumerate()
    {
        assert_eq!(
            check(damaged.1, LATIN1, &[4096]),
            Outcome::Malformed,
            "case {}",
            damaged.0
        );
    }
    let early = 700;
    for damaged in [body[..early].to_vec(), edited(&body, early, b"<", true)] {
        assert_eq!(check(&damaged, LATIN1, &[usize::MAX]), Outcome::Whole);
    }
}

#[test]
fn nesting_is_refused_where_serde_json_refuses_it() {
    for depth in [120, 125, 126, 127, 128, 129] {
        let row = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        for json in [format!("{{\"retorno\":[1,{row}]}}"), format!("[1,{row}]")] {
            let whole_ok = serde_json::from_str::<serde_json::Value>(&json).is_ok();
            let got = check(&body(json.as_bytes()), LATIN1, &[usize::MAX]);
            assert_eq!(
                got == Outcome::Streamed,
                whole_ok,
                "depth {depth}: {json:.20}"
            );
        }
    }
}

fn any_row() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        (-5i64..100_000).prop_map(|n| n.to_string()),
        "[a-z0-9:,\\[\\]{}\"\\\\/ <>&'-]{0,10}".prop_map(|s| serde_json::to_string(&s).unwrap()),
        Just("\"Recep\u{e7}\u{e3}o\"".to_owned()),
    ];
    leaf.prop_recursive(3, 12, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4)
                .prop_map(|v| format!("[{}]", v.join(" , "))),
            proptest::collection::vec(("[a-z]{1,6}", inner), 0..4).prop_map(|v| {
                let members: Vec<String> = v.iter().map(|(k, v)| format!("{k:?}:{v}")).collect();
                format!("{{{}}}", members.join(","))
            }),
        ]
    })
}

proptest! {
    #[test]
    fn any_list_streams_as_the_whole_path_reads_it(
        rows in proptest::collection::vec(any_row(), 0..6),
        bare in any::<bool>(),
        numeric in any::<bool>(),
        sizes in proptest::collection::vec(1usize..40, 1..4),
        damage in proptest::option::of((any::<prop::sample::Index>(), prop::sample::select(vec![&b"<"[..], b"]", b",", b"\xe9", b"&amp;"]))),
    ) {
        let list = format!("[{}]", rows.join(","));
        let json = if bare { list } else { format!("{{\"retorno\":{list}}}") };
        let mut body = crate::fuzzing::nusoap_envelope(OP, &xml_escape(json.as_bytes(), numeric));
        if let Some((at, bytes)) = damage {
            body = edited(&body, at.index(body.len()), bytes, true);
        }
        for content_type in [LATIN1, Some("text/xml; charset=utf-8")] {
            let _ = check(&body, content_type, &sizes);
        }
    }
}

#[test]
fn a_huge_first_row_is_not_kept_twice() {
    let big = "x".repeat(3 << 20);
    let body = body(format!("{{\"retorno\":[\"{big}\",1]}}").as_bytes());
    assert_eq!(check(&body, LATIN1, &[64 * 1024]), Outcome::Streamed);
    // Past 1 MiB into the list, the body is no longer kept: it is committed with no row out,
    // and a body cut after that is an error, not a body handed back.
    let mut decoder = RowDecoder::new(OP, Some("ISO-8859-1"));
    let mut rows = Vec::new();
    for piece in body[..2 << 20].chunks(64 * 1024) {
        decoder.feed(piece, &mut rows).unwrap();
    }
    assert!(decoder.committed() && rows.is_empty());
    assert!(matches!(
        decoder.finish(&mut rows),
        Err(StreamError::Malformed { .. })
    ));
}
