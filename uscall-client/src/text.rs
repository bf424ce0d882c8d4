//! Small text helpers for errors and logs: excerpts of bodies, secret redaction, header parsing.

use crate::error::Error;

/// How many characters an excerpt keeps.
const EXCERPT_CHARS: usize = 200;

/// Folds text for comparison: accents removed (NFD without combining marks), lower case,
/// surrounding spaces trimmed and inner runs of whitespace collapsed (`" Não  atendida"` and
/// `"NAO ATENDIDA"` both give `"nao atendida"`).
pub(crate) fn fold(text: &str) -> String {
    if text.is_ascii() {
        // Nothing to decompose: only case and spacing (enum values are folded row by row).
        let mut out = String::with_capacity(text.len());
        for (i, word) in text.split_whitespace().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        }
        return out;
    }
    use unicode_normalization::UnicodeNormalization;
    use unicode_normalization::char::is_combining_mark;
    let stripped: String = text.nfd().filter(|c| !is_combining_mark(*c)).collect();
    stripped
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Hides `secret` and every password-like value in `text` (see [`Secrets::redact`]).
pub(crate) fn redact(text: &str, secret: &str) -> String {
    Secrets::new([secret]).redact(text)
}

/// What a secret is replaced with.
const REDACTED: &str = "<redacted>";

/// Whether a part, element or JSON key named `name` holds a secret: the token, or a password
/// (agentLogin's `senhamd5`, and any name with `senha`, `password` or `passwd` in it).
pub(crate) fn is_secret_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["token", "senha", "password", "passwd"]
        .iter()
        .any(|s| name.contains(s))
}

/// The secrets of one call, and the one place text is cleaned of them before it reaches a log
/// line or an error.
pub(crate) struct Secrets {
    /// Known secret values, each also in its XML-escaped form, longest first.
    values: Vec<String>,
}

impl Secrets {
    /// The given secret values (empty ones are ignored).
    pub(crate) fn new<'a>(values: impl IntoIterator<Item = &'a str>) -> Secrets {
        let mut all = Vec::new();
        for value in values.into_iter().filter(|v| !v.is_empty()) {
            let mut escaped = String::with_capacity(value.len());
            crate::envelope::escape_into(&mut escaped, value);
            if escaped != value {
                all.push(escaped);
            }
            all.push(value.to_owned());
        }
        // Longest first, so a secret that contains another is hidden whole.
        all.sort_by_key(|v| std::cmp::Reverse(v.len()));
        all.dedup();
        Secrets { values: all }
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
            values.push(unescape(content));
        });
        Secrets::new(values.iter().map(String::as_str))
    }

    /// `text` with every known secret value replaced by `<redacted>`, and so is the content of
    /// every secret-named XML element (`<senhamd5 ...>...</senhamd5>`) and the value of every
    /// secret-named JSON member (`"senhamd5":"..."`, also XML-escaped as `&quot;`), so that
    /// getAgent's password hashes stay out of logs too.
    pub(crate) fn redact(&self, text: &str) -> String {
        let mut out = text.to_owned();
        for value in &self.values {
            if out.contains(value.as_str()) {
                out = out.replace(value.as_str(), REDACTED);
            }
        }
        redact_json_members(&redact_xml_elements(&out))
    }

    /// The same error with every text it carries redacted.
    pub(crate) fn error(&self, error: Error) -> Error {
        let r = |s: String| self.redact(&s);
        match error {
            Error::InvalidUrl { url, reason } => Error::InvalidUrl {
                url: r(url),
                reason: r(reason),
            },
            Error::Config(message) => Error::Config(r(message)),
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
                    r(value)
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
                message: r(message),
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
                content_type,
                excerpt: r(excerpt),
            },
            Error::Fault {
                operation,
                status,
                fault,
            } => Error::Fault {
                operation,
                status,
                fault: crate::error::Fault {
                    code: r(fault.code),
                    string: r(fault.string),
                    actor: fault.actor.map(r),
                    detail: fault.detail.map(r),
                },
            },
            Error::Malformed {
                operation,
                message,
                excerpt,
            } => Error::Malformed {
                operation,
                message: r(message),
                excerpt: r(excerpt),
            },
            Error::Service {
                operation,
                kind,
                message,
            } => Error::Service {
                operation,
                kind,
                message: r(message),
            },
            Error::Row(mut row) => {
                row.key = row.key.map(r);
                row.field = row.field.map(r);
                row.raw = r(std::mem::take(&mut row.raw));
                row.message = r(std::mem::take(&mut row.message));
                Error::Row(row)
            }
            Error::Json {
                operation,
                message,
                raw,
            } => Error::Json {
                operation,
                message: r(message),
                raw: r(raw),
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
}

/// Calls `f` with the raw content of every element whose local name is secret (up to the next
/// tag; empty and self-closing elements are skipped).
fn for_each_secret_element(xml: &str, mut f: impl FnMut(&str)) {
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

/// Undoes [`crate::envelope::escape_into`].
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&#13;", "\r")
        .replace("&amp;", "&")
}

/// Replaces the content of every secret-named XML element with `<redacted>`.
fn redact_xml_elements(xml: &str) -> String {
    let mut spans = Vec::new();
    let base = xml.as_ptr() as usize;
    for_each_secret_element(xml, |content| {
        let start = content.as_ptr() as usize - base;
        spans.push((start, start + content.len()));
    });
    replace_spans(xml, &spans)
}

/// Replaces the value of every secret-named JSON member with `<redacted>`, whether the JSON's
/// quotes are plain or XML-escaped (`&quot;`, as inside a SOAP `return`).
fn redact_json_members(text: &str) -> String {
    const QUOTES: [&str; 2] = ["\"", "&quot;"];
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some((start, quote)) = QUOTES
        .iter()
        .filter_map(|q| text[from..].find(q).map(|i| (from + i, *q)))
        .min_by_key(|(i, _)| *i)
    {
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
                .find(|c: char| matches!(c, ',' | '}' | ']' | '&' | '<') || c.is_whitespace())
                .unwrap_or(value.len());
            (value_start, value_start + len)
        };
        if end > start && &text[start..end] != "null" {
            spans.push((start, end));
        }
        from = end;
    }
    replace_spans(text, &spans)
}

/// Where the JSON string starting just after an opening `quote` ends (its closing quote).
fn closing_quote(inner: &str, quote: &str) -> Option<usize> {
    let mut at = 0;
    loop {
        let i = at + inner[at..].find(quote)?;
        let backslashes = inner[..i].bytes().rev().take_while(|b| *b == b'\\').count();
        if backslashes % 2 == 0 {
            return Some(i);
        }
        at = i + quote.len();
    }
}

/// `text` with each (sorted, disjoint) byte range replaced by `<redacted>`.
fn replace_spans(text: &str, spans: &[(usize, usize)]) -> String {
    if spans.is_empty() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for &(start, end) in spans {
        if text[start..end] == *REDACTED {
            continue;
        }
        out.push_str(&text[last..start]);
        out.push_str(REDACTED);
        last = end;
    }
    out.push_str(&text[last..]);
    out
}

/// The `charset` parameter of a `Content-Type` header value.
pub(crate) fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches('"'))
    })
}

/// A short one-line excerpt of a body starting near byte `at`: markup is stripped from HTML
/// pages (keeping their title and text), whitespace is collapsed, and long text is cut with `…`.
pub(crate) fn excerpt(body: &str, at: usize) -> String {
    let mut start = at.saturating_sub(EXCERPT_CHARS / 2).min(body.len());
    while !body.is_char_boundary(start) {
        start -= 1;
    }
    let body = &body[start..];
    let lower = body
        .get(..body.len().min(512))
        .unwrap_or(body)
        .to_ascii_lowercase();
    let text = if lower.contains("<html") || lower.contains("<!doctype html") {
        strip_tags(body)
    } else {
        body.to_owned()
    };
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = collapsed.char_indices();
    match chars.nth(EXCERPT_CHARS) {
        Some((cut, _)) => format!("{}…", &collapsed[..cut]),
        None => collapsed,
    }
}

/// Drops tags, `<script>`/`<style>` contents and comments; keeps text with a space per tag.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len().min(4096));
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while i < html.len() {
        let rest = &lower[i..];
        if rest.starts_with("<!--") {
            i += rest.find("-->").map_or(rest.len(), |e| e + 3);
        } else if rest.starts_with("<script") || rest.starts_with("<style") {
            let close = if rest.starts_with("<script") {
                "</script"
            } else {
                "</style"
            };
            i += rest.find(close).map_or(rest.len(), |e| e + close.len());
            i += lower[i..].find('>').map_or(lower.len() - i, |e| e + 1);
        } else if rest.starts_with('<') {
            i += rest.find('>').map_or(rest.len(), |e| e + 1);
            out.push(' ');
        } else {
            let next = rest.find('<').unwrap_or(rest.len());
            out.push_str(&html[i..i + next]);
            i += next;
        }
    }
    out.replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_error_pages_become_their_text() {
        let page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>b{x}</style></head>\n<body><h1>Bad   Gateway</h1><!-- x --><p>nginx</p></body></html>";
        assert_eq!(excerpt(page, 0), "502 Bad Gateway Bad Gateway nginx");
    }

    #[test]
    fn long_text_is_cut_on_a_character_boundary() {
        let long = "ã".repeat(500);
        let e = excerpt(&long, 301);
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
    }

    #[test]
    fn folding_ignores_case_accents_and_spacing() {
        assert_eq!(fold(" Não  atendida "), "nao atendida");
        assert_eq!(fold("DISPONÍVEL"), "disponivel");
    }

    #[test]
    fn password_parts_and_members_are_redacted_by_name() {
        let envelope = "<ns1:agentLogin><token xsi:type=\"xsd:string\">t&amp;k</token>\
            <agente>600</agente><senhamd5 xsi:type=\"xsd:string\">81dc</senhamd5>\
            <ns2:Password>x</ns2:Password><senha/><filachave xsi:nil=\"true\"/></ns1:agentLogin>";
        assert_eq!(
            Secrets::new([]).redact(envelope),
            "<ns1:agentLogin><token xsi:type=\"xsd:string\"><redacted></token>\
            <agente>600</agente><senhamd5 xsi:type=\"xsd:string\"><redacted></senhamd5>\
            <ns2:Password><redacted></ns2:Password><senha/><filachave xsi:nil=\"true\"/></ns1:agentLogin>"
        );
        let secrets = Secrets::of_request(envelope, "");
        assert_eq!(
            secrets.redact("Senha 81dc errada; token t&k, t&amp;k"),
            "Senha <redacted> errada; token <redacted>, <redacted>"
        );
        let json = r#"[{"agente":"600","senhamd5" : "81\"dc","x":1},{"SENHA":1234,"token":null}]"#;
        assert_eq!(
            Secrets::new([]).redact(json),
            r#"[{"agente":"600","senhamd5" : "<redacted>","x":1},{"SENHA":<redacted>,"token":null}]"#
        );
        let escaped = "{&quot;nome&quot;:&quot;Ana&quot;,&quot;senhamd5&quot;:&quot;81dc&quot;}";
        assert_eq!(
            Secrets::new([]).redact(escaped),
            "{&quot;nome&quot;:&quot;Ana&quot;,&quot;senhamd5&quot;:&quot;<redacted>&quot;}"
        );
    }

    #[test]
    fn errors_lose_their_secrets() {
        let secrets = Secrets::of_call("tok", [("token", None), ("senhamd5", Some("81dc"))]);
        let fault = Error::Fault {
            operation: "agentLogin",
            status: 500,
            fault: crate::Fault {
                code: "Server".into(),
                string: "hash 81dc, token tok".into(),
                actor: None,
                detail: Some("81dc".into()),
            },
        };
        let shown = format!("{0} {0:?}", secrets.error(fault));
        assert!(
            !shown.contains("81dc") && !shown.contains("tok,"),
            "{shown}"
        );
        let value = Error::InvalidValue {
            operation: "x",
            param: "senha",
            expected: "text",
            value: "1".into(),
        };
        assert!(
            matches!(secrets.error(value), Error::InvalidValue { value, .. } if value == REDACTED)
        );
    }

    #[test]
    fn secrets_and_charsets() {
        assert_eq!(redact("a $1$x b $1$x", "$1$x"), "a <redacted> b <redacted>");
        assert_eq!(
            charset_param("text/xml; charset=\"ISO-8859-1\""),
            Some("ISO-8859-1")
        );
        assert_eq!(charset_param("text/xml"), None);
    }
}
