//! Secrets found by their names rather than their values: the contents of secret-named XML
//! elements, the values of secret-named JSON members in any quote spelling, and secret-named
//! query parameters.

use super::is_secret_name;
use super::units::xml_reference;

/// Calls `f` with the raw content of every element whose local name is secret (up to the next
/// tag; empty and self-closing elements are skipped).
pub(super) fn for_each_secret_element(xml: &str, mut f: impl FnMut(&str)) {
    let mut from = 0;
    while let Some(rel) = xml[from..].find('<') {
        let open = from + rel;
        from = open + 1;
        let name_len = xml[from..]
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')))
            .unwrap_or(xml.len() - from);
        let name = &xml[from..from + name_len];
        let local = name.rsplit(':').next().unwrap_or(name);
        if local.is_empty() || !is_secret_name(local) {
            continue;
        }
        let Some(gt) = xml[from..].find('>').map(|i| from + i) else {
            return;
        };
        from = gt + 1;
        if xml[..gt].ends_with('/') {
            continue;
        }
        let end = xml[from..].find('<').map_or(xml.len(), |i| from + i);
        if end > from {
            f(&xml[from..end]);
        }
        from = end;
    }
}

/// Undoes XML escaping (the five entities and character references).
pub(super) fn unescape_xml(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(text.len());
    let mut at = 0;
    while at < bytes.len() {
        match (bytes[at] == b'&')
            .then(|| xml_reference(bytes, at))
            .flatten()
        {
            Some(u) => {
                out.extend_from_slice(&u.bytes[..u.n]);
                at += u.len;
            }
            None => {
                out.push(bytes[at]);
                at += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The contents of every secret-named XML element.
pub(super) fn secret_element_spans(xml: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let base = xml.as_ptr() as usize;
    for_each_secret_element(xml, |content| {
        let start = content.as_ptr() as usize - base;
        spans.push((start, start + content.len()));
    });
    spans
}

/// The spellings of a JSON quote that answers and logs hold: plain, XML-escaped (inside a SOAP
/// `return`), and JSON-escaped (JSON inside a JSON string, also XML-escaped).
const QUOTES: [&str; 6] = ["\"", "&quot;", "&#34;", "&#x22;", "\\\"", "\\&quot;"];

/// The values of every secret-named JSON member, whichever quote spelling the JSON uses.
pub(super) fn secret_member_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut from = 0;
    // The next place of each spelling, looked for again only once passed: one pass over the
    // text whatever its size, even for spellings it never holds.
    let mut next: [Option<usize>; QUOTES.len()] = [None; QUOTES.len()];
    let mut gone = [false; QUOTES.len()];
    loop {
        for ((slot, gone), q) in next.iter_mut().zip(&mut gone).zip(QUOTES) {
            if !*gone && slot.is_none_or(|at| at < from) {
                *slot = text[from..].find(q).map(|i| from + i);
                *gone = slot.is_none();
            }
        }
        let Some((start, quote)) = next
            .iter()
            .zip(QUOTES)
            .filter_map(|(at, q)| at.map(|at| (at, q)))
            .min_by_key(|(at, q)| (*at, std::cmp::Reverse(q.len())))
        else {
            break;
        };
        let key_start = start + quote.len();
        let key_len = text[key_start..]
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
            .unwrap_or(text.len() - key_start);
        let key = &text[key_start..key_start + key_len];
        from = key_start + key_len;
        if key.is_empty() || !is_secret_name(key) || !text[from..].starts_with(quote) {
            continue;
        }
        let after = text[from + quote.len()..].trim_start();
        let Some(value) = after.strip_prefix(':').map(str::trim_start) else {
            continue;
        };
        let value_start = text.len() - value.len();
        let (start, end) = if let Some(inner) = value.strip_prefix(quote) {
            let inner_start = text.len() - inner.len();
            let len = closing_quote(inner, quote).unwrap_or(inner.len());
            (inner_start, inner_start + len)
        } else {
            let len = value
                .find(|c: char| {
                    matches!(c, ',' | '}' | ']' | '&' | '<' | '\\') || c.is_whitespace()
                })
                .unwrap_or(value.len());
            (value_start, value_start + len)
        };
        if end > start && &text[start..end] != "null" {
            spans.push((start, end));
        }
        from = end;
    }
    spans
}

/// Where the JSON string starting just after an opening `quote` ends (its closing quote). A
/// plain quote is escaped by an odd number of backslashes before it; a quote that is itself
/// escaped (`\"`, JSON inside a JSON string) closes after 0, 4, 8... more backslashes (an
/// escaped backslash there is `\\\\`, an escaped quote `\\\"`).
fn closing_quote(inner: &str, quote: &str) -> Option<usize> {
    let modulus = if quote.starts_with('\\') { 4 } else { 2 };
    let mut at = 0;
    loop {
        let i = at + inner[at..].find(quote)?;
        let backslashes = inner[..i].bytes().rev().take_while(|b| *b == b'\\').count();
        if backslashes % modulus == 0 {
            return Some(i);
        }
        at = i + quote.len();
    }
}

/// The values of secret-named query or form parameters (`?senha=1234&...`, as a `Location`
/// header or an HTML page may carry them).
pub(super) fn secret_query_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    for (eq, _) in text.match_indices('=') {
        let key_start = text[..eq]
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let key = &text[key_start..eq];
        if key.is_empty() || !is_secret_name(key) {
            continue;
        }
        let value = &text[eq + 1..];
        let len = value
            .find(|c: char| matches!(c, '&' | '"' | '\'' | '<' | '>' | ';') || c.is_whitespace())
            .unwrap_or(value.len());
        if len > 0 {
            spans.push((eq + 1, eq + 1 + len));
        }
    }
    spans
}
