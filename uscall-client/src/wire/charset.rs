//! Turns a response body into text: BOM, then the HTTP charset, then the XML declaration.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};
use std::borrow::Cow;

/// Why a body could not be decoded.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct DecodeError {
    pub message: String,
}

/// Decodes `body`, choosing the encoding from a byte-order mark, else the HTTP `charset`, else
/// the XML declaration, else UTF-8.
///
/// The bytes overrule a label that cannot be true: a body opening with `<` in UTF-16 (XML 1.0
/// appendix F) is UTF-16 whatever the labels say, and a UTF-16 label on a body whose first bytes
/// are 8-bit `<...` is ignored.
///
/// NuSOAP labels its answers ISO-8859-1, yet many servers put raw UTF-8 bytes inside (PHP
/// SoapClient then hands out mojibake that integrators undo with `utf8_decode`). A body labelled
/// ISO-8859-1 / windows-1252 that is valid UTF-8 and has non-ASCII bytes is read as UTF-8: real
/// Latin-1 Portuguese text is practically never valid UTF-8 (an accented letter followed by two
/// bytes in 0x80–0xBF), so both cases come out right.
pub(crate) fn decode<'a>(
    body: &'a [u8],
    http_charset: Option<&str>,
) -> Result<Cow<'a, str>, DecodeError> {
    let Choice {
        encoding,
        bom_len,
        source,
    } = choose(body, http_charset)?;
    if encoding == WINDOWS_1252 && !body.is_ascii() && std::str::from_utf8(body).is_ok() {
        return decode_strict(UTF_8, body, "UTF-8 bytes despite an ISO-8859-1 label");
    }
    decode_strict(encoding, &body[bom_len..], source)
}

/// The encoding [`decode`] reads a body in, before its ISO-8859-1-that-is-UTF-8 rule (which
/// needs the whole body), and the length of the byte-order mark to drop.
pub(crate) struct Choice {
    pub encoding: &'static Encoding,
    pub bom_len: usize,
    /// What chose it, for messages.
    pub source: &'static str,
}

/// Chooses the encoding as [`decode`] does. Only the start of the body counts: a BOM, four
/// bytes of UTF-16, and an XML declaration within its first few hundred bytes; the streaming
/// decoder calls this on a prefix that holds at least the first element's start tag.
pub(crate) fn choose(body: &[u8], http_charset: Option<&str>) -> Result<Choice, DecodeError> {
    let choice = |encoding, bom_len, source| Choice {
        encoding,
        bom_len,
        source,
    };
    if let Some((encoding, bom_len)) = Encoding::for_bom(body) {
        return Ok(choice(encoding, bom_len, "byte-order mark"));
    }
    match body {
        [b'<', 0, _, 0, ..] => return Ok(choice(UTF_16LE, 0, "UTF-16 bytes without a BOM")),
        [0, b'<', 0, _, ..] => return Ok(choice(UTF_16BE, 0, "UTF-16 bytes without a BOM")),
        _ => {}
    }
    let eight_bit = matches!(body, [b'<', b, ..] if *b != 0);
    let usable = |e: &&'static Encoding| !(eight_bit && (*e == UTF_16LE || *e == UTF_16BE));
    let (encoding, source) = match http_charset.and_then(label).filter(usable) {
        Some(e) => (e, "HTTP charset"),
        None => match xml_declared(body) {
            Some(Ok(e)) if usable(&e) => (e, "XML declaration"),
            Some(Ok(_)) => (UTF_8, "8-bit bytes despite a UTF-16 declaration"),
            Some(Err(name)) => {
                return Err(DecodeError {
                    message: format!("unknown encoding {name:?} in the XML declaration"),
                });
            }
            None => (UTF_8, "default"),
        },
    };
    Ok(choice(encoding, 0, source))
}

fn label(name: &str) -> Option<&'static Encoding> {
    Encoding::for_label(name.trim().trim_matches('"').as_bytes())
}

/// Reads `encoding="..."` from an `<?xml ...?>` declaration written in an ASCII-compatible encoding.
fn xml_declared(body: &[u8]) -> Option<Result<&'static Encoding, String>> {
    let start = body.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &body[start..];
    if !rest.starts_with(b"<?xml") {
        return None;
    }
    let end = rest.windows(2).take(256).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&rest[..end]).ok()?;
    let at = decl.find("encoding")?;
    let after = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?;
    let after = after.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &after[1..];
    let name = &value[..value.find(quote)?];
    Some(label(name).ok_or_else(|| name.to_owned()))
}

fn decode_strict<'a>(
    encoding: &'static Encoding,
    bytes: &'a [u8],
    source: &str,
) -> Result<Cow<'a, str>, DecodeError> {
    // UTF-16 bodies are handled by encoding_rs too; invalid sequences are errors, never U+FFFD.
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(text),
        None => {
            let position = match std::str::from_utf8(bytes) {
                Err(e) if encoding == UTF_8 => format!(" at byte {}", e.valid_up_to()),
                _ => String::new(),
            };
            Err(DecodeError {
                message: format!(
                    "the body is not valid {}{position} (encoding chosen by {source})",
                    encoding.name()
                ),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_declaration_decodes_latin1_bytes() {
        let body = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>S\xe3o</a>";
        assert_eq!(
            decode(body, None).unwrap(),
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>São</a>"
        );
    }

    #[test]
    fn raw_utf8_inside_a_latin1_label_is_read_as_utf8() {
        let body = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>NÃO ATENDIDA</a>";
        assert_eq!(decode(body.as_bytes(), Some("ISO-8859-1")).unwrap(), body);
    }

    #[test]
    fn http_charset_beats_the_declaration_and_bom_beats_both() {
        let body = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>\xe9</a>";
        assert_eq!(
            decode(body, Some("iso-8859-1")).unwrap(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>é</a>"
        );
        let bom = b"\xef\xbb\xbf<a>\xc3\xa9</a>";
        assert_eq!(decode(bom, Some("iso-8859-1")).unwrap(), "<a>é</a>");
        let utf16 = b"\xff\xfe<\x00a\x00>\x00";
        assert_eq!(decode(utf16, None).unwrap(), "<a>");
    }

    #[test]
    fn utf16_is_recognised_by_its_bytes_and_a_false_utf16_label_is_ignored() {
        let le: Vec<u8> = "<a>é</a>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode(&le, Some("utf-8")).unwrap(), "<a>é</a>");
        let be: Vec<u8> = "<a>é</a>"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert_eq!(decode(&be, None).unwrap(), "<a>é</a>");
        let body = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>é</a>";
        assert_eq!(decode(body.as_bytes(), Some("utf-16")).unwrap(), body);
        assert_eq!(decode(body.as_bytes(), None).unwrap(), body);
    }

    #[test]
    fn invalid_utf8_is_an_error_with_its_position() {
        let err = decode(b"<a>\xff</a>", Some("utf-8")).unwrap_err();
        assert_eq!(
            err.message,
            "the body is not valid UTF-8 at byte 3 (encoding chosen by HTTP charset)"
        );
        let err = decode(b"<?xml version='1.0' encoding='klingon'?><a/>", None).unwrap_err();
        assert!(err.message.contains("klingon"), "{}", err.message);
    }
}
