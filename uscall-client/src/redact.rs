//! Keeps secrets (the token, passwords) and hostile bytes out of everything the library shows:
//! error messages, log lines and `Debug` output.
//!
//! A PBX may echo a secret back (`Token inválido: $1$...`), and it reaches us in whatever form
//! the answer wrote it: raw, XML-escaped (`&amp;`, `&#36;`, `&#x24;`), JSON-escaped (`\/`,
//! `\u0024`, also inside XML as `\&quot;`), percent-encoded (`%24` or `%2f`/`%2F`), or any mix
//! of those, character by character. So a secret is looked for in the *decoded* text: the text
//! is read unit by unit (a literal character, an entity or character reference, a JSON escape, a
//! `%HH` byte), and a run of units whose decoded bytes are the secret's bytes is replaced whole.
//!
//! A secret is replaced only where it stands as a word of its own: a short token `t` must not
//! turn `http://` into `h<redacted><redacted>p://`. Where the secret starts (or ends) with a
//! letter, digit or `_`, the decoded character before (or after) the match must not be one.
//!
//! Whatever their values, the contents of secret-named XML elements (`<senhamd5>`), JSON
//! members (`"senhamd5": "..."`, with any of the quote spellings an answer or log can hold) and
//! query parameters (`senha=...`) are hidden too, at any depth.

use crate::error::Error;
use named::{
    for_each_secret_element, secret_element_spans, secret_member_spans, secret_query_spans,
    unescape_xml,
};
use std::borrow::Cow;
use units::{is_word, match_at, unit, unit_is_word};

/// What a secret is replaced with.
pub(crate) const REDACTED: &str = "<redacted>";

/// How many characters of server-provided text a message shows at most.
pub(crate) const MESSAGE_CHARS: usize = 1000;

/// How many characters of a request or answer a trace log line shows at most.
pub(crate) const TRACE_CHARS: usize = 4096;

/// The most text bytes one decoded secret byte can take (`\&quot;` for `"`), used to size the
/// part of a long text that is redacted before it is cut.
const MAX_ENCODED_PER_BYTE: usize = 12;

/// Whether a part, element or JSON key named `name` holds a secret: the token, or a password
/// (agentLogin's `senhamd5`, and any name with `senha`, `password` or `passwd` in it).
pub(crate) fn is_secret_name(name: &str) -> bool {
    // ASCII case ignored, with no lower-cased copy, and each name looked for only where its
    // first letter is: every key of every row printed comes here.
    let name = name.as_bytes();
    let at = |i: usize, word: &[u8]| {
        name.get(i..i + word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    };
    (0..name.len()).any(|i| match name[i].to_ascii_lowercase() {
        b't' => at(i, b"token"),
        b's' => at(i, b"senha"),
        b'p' => at(i, b"passwd") || at(i, b"password"),
        _ => false,
    })
}

/// The secrets of one call, and the one place text is cleaned of them before it reaches a log
/// line or an error.
#[derive(Clone, PartialEq, Eq, Default)]
pub(crate) struct Secrets {
    /// Known secret values as the caller gave them (decoded), longest first.
    values: Vec<String>,
    /// The fewest characters a value has: any spelling of it takes at least a byte each.
    shortest: usize,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secrets({} values)", self.values.len())
    }
}

impl Secrets {
    /// The given secret values (empty ones are ignored).
    pub(crate) fn new<'a>(values: impl IntoIterator<Item = &'a str>) -> Secrets {
        let mut all: Vec<String> = values
            .into_iter()
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect();
        // Longest first, so a secret that contains another is hidden whole.
        all.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        all.dedup();
        let shortest = all.iter().map(|v| v.chars().count()).min().unwrap_or(0);
        Secrets {
            values: all,
            shortest,
        }
    }

    /// The token and the values of the call's password parts (see [`is_secret_name`]).
    pub(crate) fn of_call<'a>(
        token: &'a str,
        parts: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
    ) -> Secrets {
        let passwords = parts
            .into_iter()
            .filter(|(name, _)| is_secret_name(name))
            .filter_map(|(_, value)| value);
        Secrets::new(std::iter::once(token).chain(passwords))
    }

    /// The token and whatever a request envelope carries in secret-named elements.
    pub(crate) fn of_request(envelope: &str, token: &str) -> Secrets {
        let mut values = vec![token.to_owned()];
        for_each_secret_element(envelope, |content| {
            values.push(unescape_xml(content));
        });
        Secrets::new(values.iter().map(String::as_str))
    }

    /// `text` with every known secret value replaced by `<redacted>` in any of its encodings,
    /// and so is the content of every secret-named XML element, JSON member and query
    /// parameter, so that getAgent's password hashes stay out of logs too.
    pub(crate) fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        replace_spans(text, self.spans(text))
    }

    /// The byte ranges of `text` that [`Secrets::redact`] replaces, sorted, overlapping and
    /// adjacent ones merged.
    pub(crate) fn spans(&self, text: &str) -> Vec<(usize, usize)> {
        let mut spans = self.value_spans(text);
        // Secrets by name need markup to name them: an element (`<`), a JSON member (a quote,
        // in any spelling: `"`, `&quot;`, `\"`) or a query parameter (`=`). Most texts shown
        // (every string of a row) have none, and are passed over in one look.
        let (mut lt, mut quote, mut eq) = (false, false, false);
        for b in text.bytes() {
            match b {
                b'<' => lt = true,
                // Every spelling of a quote holds `"` or `&` (`\\"` and `\\&quot;` too).
                b'"' | b'&' => quote = true,
                b'=' => eq = true,
                _ => {}
            }
        }
        if lt {
            spans.extend(secret_element_spans(text));
        }
        if quote {
            spans.extend(secret_member_spans(text));
        }
        if eq {
            spans.extend(secret_query_spans(text));
        }
        spans.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
        for (start, end) in spans {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        merged
    }

    /// Server-provided `text` made fit for a message: secrets redacted, control characters
    /// escaped (see [`escape_controls`]) and, past [`MESSAGE_CHARS`] characters, cut with a note
    /// of the whole length. Only a bounded head of a huge text is ever copied.
    pub(crate) fn clean(&self, text: &str) -> String {
        self.clean_to(text, MESSAGE_CHARS)
    }

    /// [`Secrets::clean`] for `head`, the start of a text of `total` bytes: the note says the
    /// whole length when the head is not all of it.
    pub(crate) fn clean_part(&self, head: &str, total: usize) -> String {
        let shown = self.clean(head);
        if total <= head.len() || shown.ends_with(" bytes in all]") {
            return shown;
        }
        format!("{shown}… [cut: {} bytes in all]", group_thousands(total))
    }

    /// [`Secrets::clean`], keeping at most `max_chars` characters.
    pub(crate) fn clean_to(&self, text: &str, max_chars: usize) -> String {
        let longest = self.values.first().map_or(0, String::len).max(64);
        // Enough text that MESSAGE_CHARS characters are left after redaction, whatever it
        // replaced, plus room for a secret that straddles where the head ends.
        let head_chars = max_chars * longest + 2 * longest * MAX_ENCODED_PER_BYTE;
        let head = head_of(text, head_chars);
        let redacted = self.redact(head);
        let escaped = escape_controls(&redacted);
        match escaped.char_indices().nth(max_chars) {
            None if head.len() == text.len() => escaped.into_owned(),
            cut => {
                let cut = cut.map_or(escaped.len(), |(i, _)| i);
                format!(
                    "{}… [cut: {} bytes in all]",
                    &escaped[..cut],
                    group_thousands(text.len())
                )
            }
        }
    }

    /// The same error with every text it carries redacted, and server-provided text cleaned
    /// (see [`Secrets::clean`]).
    pub(crate) fn error(&self, error: Error) -> Error {
        let r = |s: String| self.redact(&s).into_owned();
        let c = |s: String| self.clean(&s);
        match error {
            Error::InvalidUrl { url, reason } => Error::InvalidUrl {
                url: r(url),
                reason: r(reason),
            },
            Error::Config(message) => Error::Config(r(message)),
            Error::LiveWsdlMismatch {
                operation,
                part,
                problem,
            } => Error::LiveWsdlMismatch {
                operation,
                part,
                problem: c(problem),
            },
            Error::InvalidValue {
                operation,
                param,
                expected,
                value,
            } => Error::InvalidValue {
                operation,
                param,
                expected,
                value: if is_secret_name(param) {
                    REDACTED.to_owned()
                } else {
                    c(value)
                },
            },
            Error::Transport {
                operation,
                endpoint,
                source,
            } => Error::Transport {
                operation,
                endpoint: r(endpoint),
                source,
            },
            Error::Tls {
                operation,
                endpoint,
                message,
                fingerprint,
            } => Error::Tls {
                operation,
                endpoint: r(endpoint),
                message: c(message),
                fingerprint,
            },
            Error::Timeout {
                operation,
                endpoint,
                source,
            } => Error::Timeout {
                operation,
                endpoint: r(endpoint),
                source,
            },
            Error::Http {
                operation,
                status,
                content_type,
                excerpt,
            } => Error::Http {
                operation,
                status,
                content_type: content_type.map(c),
                excerpt: c(excerpt),
            },
            Error::Fault {
                operation,
                status,
                fault,
            } => Error::Fault {
                operation,
                status,
                fault: crate::error::Fault {
                    code: c(fault.code),
                    string: c(fault.string),
                    actor: fault.actor.map(c),
                    detail: fault.detail.map(c),
                },
            },
            Error::Malformed {
                operation,
                message,
                excerpt,
            } => Error::Malformed {
                operation,
                message: c(message),
                excerpt: c(excerpt),
            },
            Error::Service {
                operation,
                kind,
                message,
            } => Error::Service {
                operation,
                kind,
                message: c(message),
            },
            Error::Row(mut row) => {
                row.key = row.key.map(c);
                row.field = row.field.map(c);
                row.raw = c(std::mem::take(&mut row.raw));
                row.message = c(std::mem::take(&mut row.message));
                Error::Row(row)
            }
            Error::Json {
                operation,
                message,
                raw,
            } => Error::Json {
                operation,
                message: c(message),
                raw: c(raw),
            },
            Error::OutcomeUnknown { operation, source } => Error::OutcomeUnknown {
                operation,
                source: Box::new(self.error(*source)),
            },
            // Nothing in these comes from the server or from a part's value.
            e @ (Error::Arity { .. }
            | Error::InvalidCharacter { .. }
            | Error::TooLarge { .. }
            | Error::Write { .. }
            | Error::NoSuchOperation { .. }
            | Error::NoSuchPart { .. }) => e,
        }
    }

    /// Where the known secret values stand in `text`, decoded or not, as whole words.
    fn value_spans(&self, text: &str) -> Vec<(usize, usize)> {
        let mut spans = Vec::new();
        if self.values.is_empty() || text.len() < self.shortest {
            return spans;
        }
        // Most texts hold no escape at all: then only literal occurrences can match.
        let plain = !text.bytes().any(|b| matches!(b, b'&' | b'\\' | b'%'));
        if plain
            && !self
                .values
                .iter()
                .any(|v| memchr::memmem::find(text.as_bytes(), v.as_bytes()).is_some())
        {
            return spans;
        }
        // A literal occurrence can start inside what the walk below reads as one unit (a
        // secret `amp` in `&amp;`), so literal ones are looked for on their own too.
        for secret in &self.values {
            let first = secret.chars().next().is_some_and(is_word);
            let last = secret.chars().next_back().is_some_and(is_word);
            for start in memchr::memmem::find_iter(text.as_bytes(), secret.as_bytes()) {
                let end = start + secret.len();
                let before = text[..start].chars().next_back().is_some_and(is_word);
                let after = text[end..].chars().next().is_some_and(is_word);
                if (!first || !before) && (!last || !after) {
                    spans.push((start, end));
                }
            }
        }
        if plain {
            return spans;
        }
        let bytes = text.as_bytes();
        let mut at = 0;
        let mut prev_word = false;
        while at < bytes.len() {
            let found = self.values.iter().find_map(|secret| {
                let end = match_at(bytes, at, secret.as_bytes())?;
                let first = secret.chars().next().is_some_and(is_word);
                let last = secret.chars().next_back().is_some_and(is_word);
                let next_word = end < bytes.len() && unit_is_word(&unit(bytes, end));
                ((!first || !prev_word) && (!last || !next_word)).then_some((end, last))
            });
            match found {
                Some((end, last)) => {
                    spans.push((at, end));
                    prev_word = last;
                    at = end;
                }
                None => {
                    let u = unit(bytes, at);
                    prev_word = unit_is_word(&u);
                    at += u.len;
                }
            }
        }
        spans
    }
}

/// The start of `text`, at most `chars` characters (cut on a character boundary).
fn head_of(text: &str, chars: usize) -> &str {
    if text.len() <= chars {
        return text;
    }
    text.char_indices()
        .nth(chars)
        .map_or(text, |(i, _)| &text[..i])
}

/// `12345678` as `12,345,678`.
fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// `text` with control characters written as visible escapes (`\x1b`, `\u{9b}`), so that
/// nothing a server sends can move a terminal's cursor, set its title, write its clipboard
/// (OSC 52) or reorder what it shows: C0 controls but tab and line feed, DEL, C1 controls, and
/// the bidirectional overrides and isolates.
pub(crate) fn escape_controls(text: &str) -> Cow<'_, str> {
    fn hostile(c: char) -> bool {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }
    if !text.chars().any(hostile) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if !hostile(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

/// `text` with each of the (sorted, merged) byte ranges replaced by `<redacted>`.
fn replace_spans(text: &str, spans: Vec<(usize, usize)>) -> Cow<'_, str> {
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (start, end) in spans {
        out.push_str(&text[last..start]);
        out.push_str(REDACTED);
        last = end;
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// Hides `secret` and every password-like value in `text` (see [`Secrets::redact`]).
pub(crate) fn redact(text: &str, secret: &str) -> String {
    Secrets::new([secret]).redact(text).into_owned()
}

mod named;
mod units;

#[cfg(test)]
mod tests;
