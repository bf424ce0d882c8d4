//! Documentation text: whitespace normalisation, the summary, and the vendor's required-parts line.

/// Collapses whitespace inside each line and drops empty lines at both ends.
pub fn normalise(text: &str) -> String {
    let lines: Vec<String> = text
        .lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let start = lines.iter().position(|l| !l.is_empty());
    let end = lines.iter().rposition(|l| !l.is_empty());
    match (start, end) {
        (Some(start), Some(end)) => lines[start..=end].join("\n"),
        _ => String::new(),
    }
}

/// The first sentence: up to and including the first `. `, or the first line.
pub fn summary(documentation: &str, operation: &str) -> String {
    let first_line = documentation.lines().next().unwrap_or("");
    if first_line.is_empty() {
        return format!("Calls `{operation}`.");
    }
    match first_line.find(". ") {
        Some(end) => first_line[..=end].to_owned(),
        None => first_line.to_owned(),
    }
}

/// Folds case and the Portuguese accents, one char for one char, so positions still match.
fn fold(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ã' | 'ä' | 'Á' | 'À' | 'Â' | 'Ã' | 'Ä' => 'a',
        'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' | 'Í' | 'Ì' | 'Î' | 'Ï' => 'i',
        'ó' | 'ò' | 'ô' | 'õ' | 'ö' | 'Ó' | 'Ò' | 'Ô' | 'Õ' | 'Ö' => 'o',
        'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ù' | 'Û' | 'Ü' => 'u',
        'ç' | 'Ç' => 'c',
        other => other.to_ascii_lowercase(),
    }
}

const MARKER: &str = "parametros necessarios:";

/// The parts the documentation's `Parâmetros necessários:` line names, as written there.
///
/// `None` when there is no such line. The list is comma-separated and may hold `**`, `e`/`and`
/// before the last item, parenthesised notes (`Tipo(outbound ou clicktocall)`) and a final period.
pub fn required_parts(documentation: &str) -> Option<Vec<String>> {
    for line in documentation.lines() {
        let chars: Vec<char> = line.chars().collect();
        let folded: Vec<char> = chars.iter().map(|c| fold(*c)).collect();
        let marker: Vec<char> = MARKER.chars().collect();
        let found = (0..folded.len()).find(|&i| {
            folded[i..].starts_with(&marker) && (i == 0 || !folded[i - 1].is_alphanumeric())
        });
        if let Some(start) = found {
            let rest: String = chars[start + marker.len()..].iter().collect();
            return Some(list(&rest));
        }
    }
    None
}

fn list(rest: &str) -> Vec<String> {
    // Drop parenthesised notes, and stop at the end of the sentence.
    let mut text = String::new();
    let mut depth = 0usize;
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            '.' if depth == 0 && chars.peek().is_none_or(|n| n.is_whitespace()) => break,
            _ if depth == 0 => text.push(c),
            _ => {}
        }
    }
    let text = text.replace(['*', '`', '"', '\''], " ");
    let mut items = Vec::new();
    for item in text.split([',', ';']) {
        let words: Vec<&str> = item.split_whitespace().collect();
        // `a e b` / `a and b` hold two items; a lone leading `e`/`and` joins the last one.
        let mut current = Vec::new();
        for word in words {
            if word.eq_ignore_ascii_case("e") || word.eq_ignore_ascii_case("and") {
                if !current.is_empty() {
                    items.push(current.join(" "));
                    current.clear();
                }
            } else {
                current.push(word);
            }
        }
        if !current.is_empty() {
            items.push(current.join(" "));
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_trims_lines_and_ends() {
        assert_eq!(normalise("\n\n   a   b \n\n  c\t d  \n  \n"), "a b\n\nc d");
        assert_eq!(normalise("  \n "), "");
    }

    #[test]
    fn summary_is_the_first_sentence() {
        assert_eq!(
            summary("Efetua uma ligação. Depois...", "x"),
            "Efetua uma ligação."
        );
        assert_eq!(summary("Lista agentes\nMais", "x"), "Lista agentes");
        assert_eq!(summary("", "getAgent"), "Calls `getAgent`.");
    }

    #[test]
    fn required_line_variants() {
        let doc = "Efetua uma ligação.\nParâmetros necessários: **token, Tipo(outbound ou clicktocal), origem, destino e categoria**.";
        assert_eq!(
            required_parts(doc).unwrap(),
            ["token", "Tipo", "origem", "destino", "categoria"]
        );
        let doc = "Faz algo. PARAMETROS NECESSARIOS: token, idura and destino. Outros: x.";
        assert_eq!(required_parts(doc).unwrap(), ["token", "idura", "destino"]);
        let doc = "**Parâmetros Necessários:** token, agente, e ramal";
        assert_eq!(required_parts(doc).unwrap(), ["token", "agente", "ramal"]);
        assert_eq!(required_parts("Sem lista."), None);
    }
}
