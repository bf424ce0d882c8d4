//! XML characters: the one-pass unescaper of the return text, entities and character references,
//! and the characters XML 1.0 forbids.

use quick_xml::events::{BytesRef, Event};

/// Refuses an event holding a character XML 1.0 forbids, written as it is or, in a start tag's
/// attributes or as a reference of its own, by reference: quick-xml does not look at the
/// characters themselves. Text references are checked as they are resolved.
pub(crate) fn forbidden_characters(event: &Event<'_>) -> Result<(), String> {
    if let Some(c) = forbidden_raw(event.as_bytes()) {
        return Err(format!(
            "the XML holds the character U+{:04X}, which XML 1.0 forbids",
            u32::from(c)
        ));
    }
    match event {
        Event::Start(start) | Event::Empty(start) if start.attributes_raw().contains('&') => {
            attribute_refs(start.attributes_raw())
        }
        Event::GeneralRef(r) => match ref_code(r).and_then(|code| forbidden_ref(r, code)) {
            Some(message) => Err(message),
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

/// The first character XML 1.0 forbids in `bytes` (UTF-8) as written, not by reference: a C0
/// control other than tab, line feed and carriage return, or U+FFFE or U+FFFF.
fn forbidden_raw(bytes: &[u8]) -> Option<char> {
    let mut from = 0;
    while let Some(k) = bytes[from..].iter().position(|&b| b < 0x20 || b == 0xEF) {
        let at = from + k;
        match (bytes[at], bytes.get(at + 1..at + 3)) {
            (0xEF, Some([0xBF, 0xBE])) => return Some('\u{FFFE}'),
            (0xEF, Some([0xBF, 0xBF])) => return Some('\u{FFFF}'),
            (0xEF | b'\t' | b'\n' | b'\r', _) => {}
            (b, _) => return Some(char::from(b)),
        }
        from = at + 1;
    }
    None
}

/// Refuses a character reference to a character XML 1.0 forbids in a start tag's attributes
/// (`raw`, as written), which are otherwise only unescaped when read.
fn attribute_refs(raw: &str) -> Result<(), String> {
    for (at, _) in raw.match_indices("&#") {
        let rest = &raw[at + 1..];
        let Some(name) = rest.split_once(';').map(|(name, _)| name) else {
            continue;
        };
        if let Some(message) = ref_code(name).and_then(|code| forbidden_ref(name, code)) {
            return Err(message);
        }
    }
    Ok(())
}

/// Unescapes XML character data in one pass: the five predefined entities and character
/// references. `None` for anything else (a carriage return, which XML turns into a line feed,
/// an unknown entity, a bad reference): the event parser then reads the text and says what is
/// wrong with it.
pub(super) fn unescape(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    unescape_into(text, Some(&mut out))?;
    Some(out)
}

/// [`unescape`] into `out`; with no `out`, only checks that the one pass takes `text`.
pub(super) fn unescape_into(text: &str, mut out: Option<&mut String>) -> Option<()> {
    let bytes = text.as_bytes();
    // A plain byte loop: between NuSOAP's `&quot;`s the runs are a few bytes long, too short
    // for a vectorised search (or eight bytes at a time, measured) to pay for its setup.
    let (mut i, mut run) = (0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'&' => {
                let (c, len) = entity(&bytes[i + 1..])?;
                if let Some(out) = out.as_deref_mut() {
                    // `&` is ASCII, so both cuts fall on character boundaries.
                    out.push_str(&text[run..i]);
                    out.push(c);
                }
                i += 1 + len;
                run = i;
            }
            b'\r' => return None,
            // Characters XML 1.0 forbids, left for the event parser to refuse: the C0 controls
            // but tab and line feed, and U+FFFE and U+FFFF (UTF-8 `EF BF BE`, `EF BF BF`).
            0x00..=0x08 | 0x0B | 0x0C | 0x0E..=0x1F => return None,
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => return None,
            _ => i += 1,
        }
    }
    if let Some(out) = out {
        out.push_str(&text[run..]);
    }
    Some(())
}

/// The character of the predefined entity or character reference whose text, after its `&`,
/// starts `rest`, and that text's length (`;` included).
pub(super) fn entity(rest: &[u8]) -> Option<(char, usize)> {
    Some(if rest.starts_with(b"quot;") {
        ('"', 5)
    } else if rest.starts_with(b"amp;") {
        ('&', 4)
    } else if rest.starts_with(b"lt;") {
        ('<', 3)
    } else if rest.starts_with(b"gt;") {
        ('>', 3)
    } else if rest.starts_with(b"apos;") {
        ('\'', 5)
    } else {
        let len = memchr::memchr(b';', &rest[..rest.len().min(11)])?;
        (char_ref(std::str::from_utf8(&rest[..len]).ok()?)?, len + 1)
    })
}

/// XML 1.0's `Char` production: tab, line feed, carriage return and everything from U+0020
/// up, except U+FFFE and U+FFFF (surrogates cannot occur in a `char`).
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..)
}

/// The code point a character reference names (`#65`, `#x41`), when it is written as XML
/// writes one: decimal, or lower-case `x` and hexadecimal digits, no sign.
fn ref_code(name: &str) -> Option<u32> {
    let digits = name.strip_prefix('#')?;
    let (digits, radix) = match digits.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (digits, 10),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, radix).ok()
}

/// `#65` or `#x41` as a character, if it is one XML 1.0 allows.
fn char_ref(name: &str) -> Option<char> {
    char::from_u32(ref_code(name)?).filter(|c| is_xml_char(*c))
}

/// Why a reference to `code` is refused, when it names a character XML 1.0 forbids.
fn forbidden_ref(name: &str, code: u32) -> Option<String> {
    let forbidden = code == 0 || char::from_u32(code).is_some_and(|c| !is_xml_char(c));
    forbidden
        .then(|| format!("character reference &{name}; names U+{code:04X}, which XML 1.0 forbids"))
}

pub(super) fn resolve_ref(r: &BytesRef<'_>) -> Result<char, String> {
    if let Some(message) = ref_code(r).and_then(|code| forbidden_ref(r, code)) {
        return Err(message);
    }
    if let Some(c) = r
        .resolve_char_ref()
        .map_err(|e| format!("bad character reference: {e}"))?
    {
        return Ok(c);
    }
    match &**r {
        "amp" => Ok('&'),
        "lt" => Ok('<'),
        "gt" => Ok('>'),
        "quot" => Ok('"'),
        "apos" => Ok('\''),
        other => Err(format!("undefined entity &{other};")),
    }
}
