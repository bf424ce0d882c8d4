//! How the secret matcher reads text: unit by unit, each a literal character or an escape
//! (XML entity or character reference, JSON escape, `%HH` byte) with the bytes it decodes to.

/// Whether a character, on the edge of a secret, makes it part of a longer word.
pub(super) fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// One unit of text as the secret matcher reads it: the bytes it decodes to (at most four) and
/// how many bytes of text it takes.
pub(super) struct Unit {
    pub(super) bytes: [u8; 4],
    /// How many of `bytes` it decodes to.
    pub(super) n: usize,
    /// How many bytes of text it takes.
    pub(super) len: usize,
}

impl Unit {
    fn char(c: char, len: usize) -> Unit {
        let mut bytes = [0; 4];
        let n = c.encode_utf8(&mut bytes).len();
        Unit { bytes, n, len }
    }
}

/// Whether a unit decodes to a word character; a lone byte of a multi-byte character (from
/// `%C3%A3`) counts as a letter.
pub(super) fn unit_is_word(u: &Unit) -> bool {
    match std::str::from_utf8(&u.bytes[..u.n]) {
        Ok(s) => s.chars().next().is_some_and(is_word),
        Err(_) => u.bytes[0] >= 0x80,
    }
}

/// The unit of `text` starting at `at`: an escape it decodes, else one literal character.
pub(super) fn unit(text: &[u8], at: usize) -> Unit {
    let escaped = match text[at] {
        b'&' => xml_reference(text, at),
        b'\\' => json_escape(text, at),
        b'%' => percent_byte(text, at),
        _ => None,
    };
    escaped.unwrap_or_else(|| {
        let len = utf8_len(text[at]).min(text.len() - at);
        let mut bytes = [0; 4];
        bytes[..len].copy_from_slice(&text[at..at + len]);
        Unit { bytes, n: len, len }
    })
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0.. => 4,
        0xE0.. => 3,
        0xC0.. => 2,
        _ => 1,
    }
}

/// `&amp;`, `&#36;` or `&#x24;` at `at`.
pub(super) fn xml_reference(text: &[u8], at: usize) -> Option<Unit> {
    let rest = &text[at + 1..text.len().min(at + 12)];
    let semi = rest.iter().position(|b| *b == b';')?;
    let name = std::str::from_utf8(&rest[..semi]).ok()?;
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some(Unit::char(c, semi + 2))
}

/// A JSON escape at `at`: `\/`, `\n`, `\u0024`, a surrogate pair, or a backslash before an
/// XML-escaped quote (`\&quot;`, JSON inside XML).
fn json_escape(text: &[u8], at: usize) -> Option<Unit> {
    let next = at + 1;
    if next >= text.len() {
        return None;
    }
    // The escaped character is literal, or XML-escaped when the JSON sits inside XML; never
    // another escape (`\\` is an escaped backslash).
    let escaped = match text[next] {
        b'&' => xml_reference(text, next),
        _ => None,
    }
    .unwrap_or_else(|| Unit::char(char::from(text[next]), 1));
    let c = match &escaped.bytes[..escaped.n] {
        b"\"" => '"',
        b"\\" => '\\',
        b"/" => '/',
        b"b" => '\u{8}',
        b"f" => '\u{c}',
        b"n" => '\n',
        b"r" => '\r',
        b"t" => '\t',
        b"u" => {
            let high = hex4(text, next + 1)?;
            if (0xD800..0xDC00).contains(&high) {
                if text.get(next + 5..next + 7) != Some(b"\\u") {
                    return None;
                }
                let low = hex4(text, next + 7)?;
                if !(0xDC00..0xE000).contains(&low) {
                    return None;
                }
                let c = char::from_u32(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))?;
                return Some(Unit::char(c, 12));
            }
            return Some(Unit::char(char::from_u32(high)?, 6));
        }
        _ => return None,
    };
    Some(Unit::char(c, 1 + escaped.len))
}

fn hex4(text: &[u8], at: usize) -> Option<u32> {
    let digits = std::str::from_utf8(text.get(at..at + 4)?).ok()?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

/// `%2F` or `%2f` at `at`: one byte.
fn percent_byte(text: &[u8], at: usize) -> Option<Unit> {
    let hex = std::str::from_utf8(text.get(at + 1..at + 3)?).ok()?;
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut bytes = [0; 4];
    bytes[0] = u8::from_str_radix(hex, 16).ok()?;
    Some(Unit {
        bytes,
        n: 1,
        len: 3,
    })
}

/// Where a run of units starting at `at` decodes to exactly `secret`, its end. A `%`, `&` or
/// `\` that starts an escape may also be that character itself (`%000` is `%` and `000`, or a
/// NUL byte and `0`), so both readings are tried; states found not to match are remembered at
/// those branch points, which keeps the search linear in the text and the secret.
pub(super) fn match_at(text: &[u8], at: usize, secret: &[u8]) -> Option<usize> {
    walk(text, at, secret, 0, &mut Vec::new())
}

fn walk(
    text: &[u8],
    pos: usize,
    secret: &[u8],
    matched: usize,
    dead: &mut Vec<(usize, usize)>,
) -> Option<usize> {
    if matched == secret.len() {
        return Some(pos);
    }
    if pos >= text.len() {
        return None;
    }
    let escaped = unit(text, pos);
    // The other reading of an escape's first character: itself.
    let literal = (escaped.len > 1).then(|| Unit::char(char::from(text[pos]), 1));
    if literal.is_some() && dead.contains(&(pos, matched)) {
        return None;
    }
    for u in std::iter::once(&escaped).chain(literal.as_ref()) {
        if secret.get(matched..matched + u.n) == Some(&u.bytes[..u.n])
            && let Some(end) = walk(text, pos + u.len, secret, matched + u.n, dead)
        {
            return Some(end);
        }
    }
    if literal.is_some() {
        dead.push((pos, matched));
    }
    None
}
