//! Small text helpers for errors and logs: excerpts of bodies, folding for comparison, header parsing.

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
    fn charset_parameters() {
        assert_eq!(
            charset_param("text/xml; charset=\"ISO-8859-1\""),
            Some("ISO-8859-1")
        );
        assert_eq!(charset_param("text/xml"), None);
    }
}
