//! Reading an answer the caller gives away: a big return text is unescaped where it stands, in
//! the document's own memory, so that an answer near the size limit is never held twice.

use super::{Found, ParseError, Parsed, Prefixes, entity, parse_remembering};

/// Documents at least this big are read in place; a smaller one is copied as usual (its copy is
/// cheap, and the known-envelope path is the fast one for small answers).
const IN_PLACE_FROM: usize = 1 << 20;

/// [`super::parse_known`] (with `known`) or [`super::parse`] for a document the caller gives
/// away: the return text comes back in the document's own memory, which is given back to the
/// allocator past the text. On an error the document comes back too, for the message's excerpt.
pub(crate) fn parse_owned(
    xml: String,
    operation: &'static str,
    known: Option<&Prefixes>,
) -> Result<Parsed, (ParseError, String)> {
    parse_owned_from(xml, operation, known, IN_PLACE_FROM)
}

/// [`parse_owned`], reading in place from documents of `in_place_from` bytes (tests read small
/// documents in place too).
fn parse_owned_from(
    xml: String,
    operation: &'static str,
    known: Option<&Prefixes>,
    in_place_from: usize,
) -> Result<Parsed, (ParseError, String)> {
    if xml.len() < in_place_from {
        let parsed = match known {
            Some(known) => super::parse_known(&xml, operation, known),
            None => super::parse(&xml, operation),
        };
        return parsed.map_err(|e| (e, xml));
    }
    let at_known_place = known
        .and_then(|k| k.get(operation))
        .and_then(|prefix| prefix.locate(&xml));
    let located = match at_known_place {
        Some((start, end)) => Ok(Found::Text { start, end }),
        None => parse_remembering(&xml, operation, true, |start, open| {
            if let Some(known) = known {
                known.put(operation, &xml[..start], open);
            }
        }),
    };
    match located {
        Ok(Found::Parsed(parsed)) => Ok(parsed),
        Ok(Found::Text { start, end }) => Ok(Parsed::Return(unescape_owned(xml, start, end))),
        Err(e) => Err((e, xml)),
    }
}

/// The text at `start..end` of `xml` (which the one pass takes), unescaped where it stands and
/// moved to the front of the same memory; the rest is given back.
fn unescape_owned(xml: String, start: usize, end: usize) -> String {
    let mut bytes = xml.into_bytes();
    let len = unescape_in_place(&mut bytes[start..end]);
    bytes.copy_within(start..start + len, 0);
    bytes.truncate(len);
    bytes.shrink_to_fit();
    // Whole characters replaced whole characters in valid UTF-8, so this cannot fail; were it
    // to, the text would still be kept rather than lost.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Unescapes, where it stands, XML text that the one pass takes (see `super::unescape_into`);
/// gives its new length. A reference is never shorter than the UTF-8 of its character (`&#9;`
/// is 4 bytes for 1, `&#x10000;` 9 for 4), so the writing never overtakes the reading.
fn unescape_in_place(buf: &mut [u8]) -> usize {
    let (mut read, mut write) = (0, 0);
    while read < buf.len() {
        let next = memchr::memchr(b'&', &buf[read..]).map_or(buf.len(), |i| read + i);
        buf.copy_within(read..next, write);
        write += next - read;
        read = next;
        if read == buf.len() {
            break;
        }
        match entity(&buf[read + 1..]) {
            Some((c, len)) => {
                let mut utf8 = [0; 4];
                let encoded = c.encode_utf8(&mut utf8).as_bytes();
                buf[write..write + encoded.len()].copy_from_slice(encoded);
                write += encoded.len();
                read += 1 + len;
            }
            // Checked before, so not reached; an `&` left as it is keeps the text whole.
            None => {
                buf[write] = b'&';
                write += 1;
                read += 1;
            }
        }
    }
    write
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nusoap(escaped: &str) -> String {
        String::from_utf8(crate::fuzzing::nusoap_envelope(
            "getExtens",
            escaped.as_bytes(),
        ))
        .unwrap()
    }

    #[test]
    fn a_big_text_read_in_place_is_what_parse_reads() {
        let escaped = format!(
            "{}&quot;&#233;&#x1F600;&amp;&lt;{}",
            "{&quot;retorno&quot;:[&quot;a\\/b&quot;,".repeat(40_000),
            "&quot;x&quot;]}"
        );
        let xml = nusoap(&escaped);
        assert!(xml.len() > IN_PLACE_FROM);
        let want = super::super::parse(&xml, "getExtens").unwrap();
        let known = Prefixes::default();
        for round in 0..2 {
            // The second round takes the known envelope start.
            let got = parse_owned(xml.clone(), "getExtens", Some(&known)).unwrap();
            assert_eq!(got, want, "round {round}");
        }
        assert_eq!(parse_owned(xml.clone(), "getExtens", None).unwrap(), want);
        // A text the one pass leaves to the parser (a carriage return) reads the same too.
        let odd = nusoap(&format!("{}\r&quot;", "a".repeat(IN_PLACE_FROM)));
        assert_eq!(
            parse_owned(odd.clone(), "getExtens", None).unwrap(),
            super::super::parse(&odd, "getExtens").unwrap()
        );
        // An error gives the document back.
        let bad = nusoap(&format!("{}&bogus;", "a".repeat(IN_PLACE_FROM)));
        let (_, back) = parse_owned(bad.clone(), "getExtens", None).unwrap_err();
        assert_eq!(back, bad);
    }

    proptest::proptest! {
        /// Reading in place gives what reading a copy gives, error and position included,
        /// whatever the text: entities, references, markup, line breaks, forbidden characters.
        #[test]
        fn in_place_agrees_with_a_copy_on_any_text(
            text in "([&;#xX0-9a-fAquotlgmps<>!\\[\\]/\r\n\u{1b} é-]|&quot;|&amp;|&#[0-9]{1,8};|&#x[0-9a-fA-F]{1,7};){0,40}",
            known_first in proptest::bool::ANY,
        ) {
            let xml = nusoap(&text);
            let want = super::super::parse(&xml, "getExtens");
            let known = Prefixes::default();
            if known_first {
                // The next read takes the known-envelope path when the start is the same.
                let _ = parse_owned_from(nusoap("0"), "getExtens", Some(&known), 0);
            }
            let got = parse_owned_from(xml.clone(), "getExtens", Some(&known), 0);
            proptest::prop_assert_eq!(got.map_err(|(e, back)| (e, back == xml)), want.map_err(|e| (e, true)));
        }
    }
}
