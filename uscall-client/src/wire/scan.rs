//! Byte searches tuned for NuSOAP's answers: an entity every few bytes (`&quot;` around every
//! JSON key and string), so most runs are a few bytes long, where a plain loop is cheaper than
//! setting up a vectorised search; the vectorised search still takes long runs (a recording's
//! base64, a long string). Measured with callgrind on `uscall cdr-search --format jsonl` of
//! 100,000 rows: 4.22G instructions before, 3.90G after.

use memchr::{memchr2, memchr3};

/// How many bytes are looked at one by one before a vectorised search.
const HEAD: usize = 16;

/// Where a JSON string's run stops: its closing quote or a backslash. For the runs the XML
/// text hands over between entities (a quote alone, a key, a short value).
#[inline]
pub(crate) fn string_end(run: &[u8]) -> Option<usize> {
    if run.len() <= HEAD {
        run.iter().position(|&b| b == b'"' || b == b'\\')
    } else {
        memchr2(b'"', b'\\', run)
    }
}

/// The first `&`, `<` or carriage return in XML text.
#[inline]
pub(crate) fn markup_at(text: &[u8]) -> Option<usize> {
    let head = &text[..text.len().min(HEAD)];
    match head.iter().position(|&b| matches!(b, b'&' | b'<' | b'\r')) {
        Some(k) => Some(k),
        None => memchr3(b'&', b'<', b'\r', &text[head.len()..]).map(|k| k + head.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_match_is_found_at_any_distance() {
        for len in 0..80 {
            for at in 0..=len {
                let mut run = vec![b'a'; len];
                let expected = (at < len).then_some(at);
                if at < len {
                    run[at] = b'"';
                }
                assert_eq!(string_end(&run), expected, "{len} {at}");
                if at < len {
                    run[at] = b'<';
                }
                assert_eq!(markup_at(&run), expected, "{len} {at}");
            }
        }
        assert_eq!(string_end(br#"ab\"c""#), Some(2));
        assert_eq!(markup_at(b"ab\r&"), Some(2));
        assert_eq!(
            markup_at(&[b'x'; 40].iter().chain(b"&").copied().collect::<Vec<_>>()),
            Some(40)
        );
    }
}
