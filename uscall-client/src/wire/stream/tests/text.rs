//! The return text's details: references, JSON escapes, base64, CDATA and comments, forbidden
//! characters, and which string is the recording.

use super::*;
use crate::stream::audio::decode_quads;

#[test]
fn references_split_anywhere() {
    streams_split_anywhere(&soap(
        "{&quot;retorno&#34;:{&#x22;origem&quot;:&quot;S&#xe3;o &amp; &lt;&gt; &apos;&#128512;&quot;,&quot;arquivo_base_64&quot;:&quot;&#81;UJ&#x44;&quot;}}",
    ));
}

#[test]
fn json_escapes_split_anywhere() {
    // `\u0051` is Q, `\u002f` is /, `\u0020` a space; `\r\n` escapes are whitespace.
    streams_split_anywhere(&soap(
        r#"{"retorno":{"arquivo_base_64":"\u0051UJ\r\nD\/\u002f\/\u0020\/\/\t\u002F8=","origem":"a\"\\b\u00e3"}}"#,
    ));
    streams_split_anywhere(&soap(r#"{"retorno":{"arquivo\u005fbase_64":"QUJD"}}"#));
}

#[test]
fn base64_quads_and_padding() {
    for len in 0..12 {
        streams_split_anywhere(&soap(&format!(
            "{{\"retorno\":{{\"arquivo_base_64\":\"{}\"}}}}",
            base64::engine::general_purpose::STANDARD.encode(noise(len))
        )));
    }
    for bad in [
        "QQ", "QQ=", "QQ==QUJD", "Q===", "QR==", "QUJD=", "QU JD\\n", "QUJD\\b",
    ] {
        let body = soap(&format!(
            "{{\"retorno\":{{\"arquivo_base_64\":\"{bad}\"}}}}"
        ));
        let outcome = check(&body, None, &[1]);
        assert_eq!(
            outcome,
            if bad.contains(' ') {
                Outcome::Streamed
            } else {
                Outcome::Whole
            },
            "{bad}"
        );
    }
}

#[test]
fn quads_decode_as_the_base64_crate_does() {
    let engine = base64::engine::general_purpose::STANDARD;
    for len in 0..60 {
        let text = engine.encode(noise(len / 4 * 3));
        let mut out = vec![7];
        assert!(decode_quads(text.as_bytes(), &mut out));
        assert_eq!(out[1..], engine.decode(&text).unwrap()[..]);
        for (at, bad) in [(0, b'='), (len / 2, b' '), (len.saturating_sub(1), b'*')] {
            let mut text = text.clone().into_bytes();
            if let Some(b) = text.get_mut(at) {
                *b = bad;
                assert!(!decode_quads(&text, &mut out) && out.len() == 1 + len / 4 * 3);
            }
        }
    }
}

#[test]
fn line_ends_cdata_comments_and_processing_instructions() {
    streams_split_anywhere(&soap(
        "&#xFEFF;\r\n{\"retorno\":\r{\r\n\"arquivo_base_64\"<!-- a -- b -->:\"QU<![CDATA[JD\"\r]]><?pi x?>\r\n,\"x\":\"<![CDATA[]]]]]>\"}}\r&#xA0;",
    ));
    streams_split_anywhere(&soap(
        "<![CDATA[{\"retorno\":{\"arquivo_base_64\":\"QU]]><![CDATA[JD\",\"x\":\"]]]><![CDATA[\"}}]]>",
    ));
    for odd in [
        "<?>",
        "<!x>",
        "<!DOCTYPE x>",
        "<a/>",
        "&#0;",
        "&#xD800;",
        "&#X41;",
        "& ;",
        "&amp",
    ] {
        let body = soap(&format!(
            "{{\"retorno\":{{\"arquivo_base_64\":\"QU{odd}JD\"}}}}"
        ));
        assert_eq!(check(&body, None, &[1]), Outcome::Whole, "{odd}");
    }
}

#[test]
fn characters_xml_forbids_are_refused_as_the_whole_path_refuses_them() {
    let utf8 = Some("text/xml; charset=utf-8");
    for odd in [
        "&#x1b;",
        "&#7;",
        "&#xFFFE;",
        "&#65535;",
        "\u{1b}",
        "\u{7}",
        "\u{FFFE}",
        "\u{FFFF}",
        "<!-- \u{1b} -->",
        "<!-- \u{FFFE} -->",
        "<?pi \u{FFFF}?>",
        "<?pi \u{1}?>",
        "<![CDATA[\u{FFFE}]]>",
    ] {
        for text in [
            format!("{{\"retorno\":{{\"origem\":\"a{odd}b\",\"arquivo_base_64\":\"QUJD\"}}}}"),
            format!("{{\"retorno\":{{\"arquivo_base_64\":\"QUJD\",\"origem\":\"a{odd}b\"}}}}"),
            format!("{{\"retorno\":{{\"arquivo_base_64\":\"QU{odd}JD\"}}}}"),
        ] {
            for sizes in [&[1][..], &[usize::MAX]] {
                assert_eq!(check(&soap(&text), utf8, sizes), Outcome::Whole, "{text:?}");
            }
        }
    }
    // Found after the sink had bytes: malformed, as the whole path is.
    let b64 = base64::engine::general_purpose::STANDARD.encode(noise(600 * 1024));
    let late = |odd: &str| {
        soap(&format!(
            "{{\"retorno\":{{\"arquivo_base_64\":\"{b64}\",\"origem\":\"Recep\u{e7}\u{e3}o {odd}\"}}}}"
        ))
    };
    for odd in ["&#xFFFE;", "\u{FFFF}", "<!-- \u{FFFE} -->", "&#1;"] {
        assert_eq!(
            check(&late(odd), utf8, &[16 * 1024]),
            Outcome::Malformed,
            "{odd}"
        );
    }
    // In ISO-8859-1 the bytes of U+FFFE are three letters, "ï¿¾".
    let latin1 = |odd: &str| {
        let utf8 = late(odd);
        let text = String::from_utf8(utf8).unwrap();
        let bytes: Vec<u8> = text.replace("\u{e7}\u{e3}", "__").into_bytes();
        let at = memchr::memmem::find(&bytes, b"__").unwrap();
        [&bytes[..at], b"\xe7\xe3", &bytes[at + 2..]].concat()
    };
    for odd in ["\u{FFFE}", "<!-- \u{FFFF} -->"] {
        assert_eq!(
            check(&latin1(odd), CONTENT_TYPE, &[16 * 1024]),
            Outcome::Streamed,
            "{odd}"
        );
    }
}

#[test]
fn only_an_unambiguous_answer_to_audio_download_is_streamed() {
    let json = r#"{"retorno":{"arquivo_base_64":"QUJD"}}"#;
    // An Axis answer whose return part refers to a multiRef: read whole, recording and all.
    let axis = format!(
        "<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body><audioDownloadResponse><return href='#id0'/></audioDownloadResponse><multiRef id='id0'>{json}</multiRef></s:Body></s:Envelope>"
    );
    assert_eq!(check(axis.as_bytes(), None, &[1]), Outcome::Whole);
    assert_eq!(whole_path(axis.as_bytes(), None).unwrap().1.audio, b"ABC");
    // Another operation's answer: read whole, and refused.
    let other = String::from_utf8(soap(json))
        .unwrap()
        .replace("audioDownloadResponse", "getAgentResponse");
    assert_eq!(check(other.as_bytes(), None, &[1]), Outcome::Whole);
    assert!(matches!(
        whole_path(other.as_bytes(), None),
        Err(crate::Error::Malformed { .. })
    ));
    // Found after the sink had bytes: malformed, as the whole path is.
    let b64 = base64::engine::general_purpose::STANDARD.encode(noise(600 * 1024));
    let big = String::from_utf8(soap(&format!(
        "{{\"retorno\":{{\"arquivo_base_64\":\"{b64}\"}}}}"
    )))
    .unwrap();
    for (from, to) in [
        ("</return>", "</return><return>{}</return>"),
        (
            "</audioDownloadResponse>",
            "</audioDownloadResponse><s:Fault><faultstring>x</faultstring></s:Fault>",
        ),
        (
            "</audioDownloadResponse>",
            "</audioDownloadResponse><multiRef id='id0'>x</multiRef>",
        ),
        (
            "</audioDownloadResponse>",
            "</audioDownloadResponse><audioDownloadResponse/>",
        ),
    ] {
        let body = big.replacen(from, to, 1);
        assert_eq!(
            check(body.as_bytes(), None, &[16 * 1024]),
            Outcome::Malformed,
            "{to}"
        );
    }
}

#[test]
fn only_the_recording_the_model_reads_is_streamed() {
    for text in [
        r#"{"retorno":{"x":{"arquivo_base_64":"QUJD"}}}"#,
        r#"{"retorno":{"arquivo_base_64":"QUJD","arquivo_base_64":"REVG"}}"#,
        r#"{"retorno":[{"arquivo_base_64":"QUJD"},{"arquivo_base_64":"REVG"}]}"#,
        r#"{"a":{"arquivo_base_64":"QUJD"},"retorno":{"arquivo_base_64":"REVG"}}"#,
        r#"{"retorno":{"arquivo_base_64":"QUJD"},"retorno":{"arquivo_base_64":"REVG"}}"#,
        r#"{"retorno":"Token inválido"}"#,
        r#"{"retorno":{"arquivo_base_64":"QUJD","data":"ontem"}}"#,
        r#"{"retorno":{"arquivo_base_64":"QUJD"}} x"#,
    ] {
        let outcome = check(&soap(text), None, &[1]);
        assert_ne!(outcome, Outcome::Malformed, "{text}");
    }
    assert_eq!(
        check(&soap(r#"[{"arquivo_base_64":"QUJD"}]"#), None, &[2]),
        Outcome::Streamed
    );
    assert_eq!(
        check(
            &soap(r#"{"retorno":{"a":{"arquivo_base_64":""},"arquivo_base_64":"QUJD"}}"#),
            None,
            &[2]
        ),
        Outcome::Streamed
    );
}
