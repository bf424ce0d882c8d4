//! Bytes to text: honours a BOM and the XML declaration's encoding, as NuSOAP servers send them.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::Error;

/// Decodes a WSDL document to text.
///
/// A BOM wins; otherwise the XML declaration's `encoding` is used, and UTF-8 when there is none.
/// `ISO-8859-1` means windows-1252, as in encoding_rs (and browsers). Some NuSOAP servers
/// declare ISO-8859-1 but send UTF-8 bytes, so a latin1-declared document that is valid UTF-8
/// and has non-ASCII bytes is read as UTF-8.
///
/// The declaration is left in the text: roxmltree checks its syntax but ignores its
/// `encoding`, so a decoded document that still says `ISO-8859-1` parses fine.
pub fn text(bytes: &[u8]) -> Result<String, Error> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return decode(encoding, &bytes[bom_len..]);
    }
    // UTF-16 without a BOM still starts with `<?` in two-byte units.
    if bytes.starts_with(&[b'<', 0, b'?', 0]) {
        return decode(UTF_16LE, bytes);
    }
    if bytes.starts_with(&[0, b'<', 0, b'?']) {
        return decode(UTF_16BE, bytes);
    }
    let encoding = match declared_encoding(bytes) {
        None => UTF_8,
        Some(label) => {
            let encoding = Encoding::for_label(label.as_bytes())
                .ok_or_else(|| Error::UnknownEncoding(label.clone()))?;
            // The declaration was readable as ASCII, so the bytes are not really UTF-16.
            if encoding == UTF_16LE || encoding == UTF_16BE {
                UTF_8
            } else {
                encoding
            }
        }
    };
    if encoding == WINDOWS_1252 && !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
        return decode(UTF_8, bytes);
    }
    decode(encoding, bytes)
}

fn decode(encoding: &'static Encoding, bytes: &[u8]) -> Result<String, Error> {
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
        .ok_or_else(|| Error::Undecodable {
            encoding: encoding.name().to_owned(),
        })
}

/// The `encoding` pseudo-attribute of an ASCII-compatible XML declaration, if any.
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let rest = bytes.strip_prefix(b"<?xml")?;
    let end = rest.windows(2).position(|w| w == b"?>")?;
    let declaration = std::str::from_utf8(&rest[..end]).ok()?;
    let after = &declaration[declaration.find("encoding")? + "encoding".len()..];
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &after[1..];
    Some(value[..value.find(quote)?].trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_utf8_without_declaration() {
        assert_eq!(text("<a>é</a>".as_bytes()).unwrap(), "<a>é</a>");
    }

    #[test]
    fn latin1_declaration_decodes_latin1_bytes() {
        let bytes = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xe7\xe3o</a>";
        assert!(text(bytes).unwrap().ends_with("<a>ção</a>"));
    }

    #[test]
    fn latin1_declaration_with_utf8_bytes_decodes_utf8() {
        let bytes = "<?xml version='1.0' encoding='ISO-8859-1'?><a>ção</a>".as_bytes();
        assert!(text(bytes).unwrap().ends_with("<a>ção</a>"));
    }

    #[test]
    fn boms_win() {
        assert_eq!(text(b"\xef\xbb\xbf<a/>").unwrap(), "<a/>");
        assert_eq!(text(b"\xff\xfe<\0a\0/\0>\0").unwrap(), "<a/>");
        assert_eq!(text(b"\xfe\xff\0<\0a\0/\0>").unwrap(), "<a/>");
    }

    #[test]
    fn unknown_and_invalid() {
        let bytes = b"<?xml version=\"1.0\" encoding=\"klingon\"?><a/>";
        assert_eq!(
            text(bytes).unwrap_err().to_string(),
            "unknown encoding `klingon` in the XML declaration"
        );
        assert_eq!(
            text(b"<a>\xff</a>").unwrap_err().to_string(),
            "the WSDL is not valid UTF-8 text"
        );
    }
}
