//! Recognises the messages the service sends inside the JSON instead of data or a confirmation.
//!
//! The PBX answers errors with HTTP 200 and `{"retorno": "<mensagem>"}` (no SOAP fault), so the
//! only signal is the text. This is the one reviewed place that reads it: the markers below are
//! matched on folded text (no accents, lower case). A list operation that gets any message
//! instead of rows reports it as an error, whatever the words, unless it says "no records".

use crate::text::fold;

pub use crate::error::ServiceErrorKind;

/// Classifies a service message: `Some(kind)` when it reports an error, `None` for an ordinary
/// confirmation such as `Agente 600 deslogado`.
pub fn classify(message: &str) -> Option<ServiceErrorKind> {
    let m = fold(head(message));
    let has = |w: &str| m.contains(w);
    if has("token") && (has("invalid") || has("expirad") || has("incorret")) {
        Some(ServiceErrorKind::InvalidToken)
    } else if has("nao encontrad")
        || has("inexistente")
        || has("nao existe")
        || has("nao cadastrad")
    {
        Some(ServiceErrorKind::NotFound)
    } else if has("obrigatori") || has("ausente") || has("nao informad") {
        Some(ServiceErrorKind::MissingParameter)
    } else if has("invalid") || has("incorret") {
        Some(ServiceErrorKind::InvalidParameter)
    } else if [
        "erro",
        "falha",
        "negad",
        "nao permitid",
        "nao autorizad",
        "sem permissao",
        "recusad",
        "nao foi possivel",
        // an action on an agent who is not logged in (pausing one, say)
        "nao esta logad",
    ]
    .iter()
    .any(|w| has(w))
    {
        Some(ServiceErrorKind::Other)
    } else {
        None
    }
}

/// The start of a message, where its words are: service messages are a line, and a huge
/// `retorno` string (a recording, a hostile answer) must not be copied to be read.
fn head(message: &str) -> &str {
    const CHARS: usize = 512;
    match message.char_indices().nth(CHARS) {
        Some((end, _)) => &message[..end],
        None => message,
    }
}

/// Whether a message stands for an empty result rather than a refusal.
pub(crate) fn means_no_rows(message: &str) -> bool {
    let m = fold(head(message));
    m.is_empty()
        || ["nenhum", "sem registro", "nao ha registro", "sem resultado"]
            .iter()
            .any(|w| m.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_and_confirmations() {
        use ServiceErrorKind::*;
        for (text, kind) in [
            ("Token inválido", Some(InvalidToken)),
            ("TOKEN INVALIDO", Some(InvalidToken)),
            ("Agente não encontrado", Some(NotFound)),
            ("Gravação não encontrada: 123", Some(NotFound)),
            (
                "Parâmetro obrigatório ausente: agente",
                Some(MissingParameter),
            ),
            ("Senha inválida", Some(InvalidParameter)),
            ("Erro ao originar chamada", Some(Other)),
            ("Agente 615 não está logado", Some(Other)),
            ("Agente 600 deslogado", None),
            (
                "Chamada outbound originada de 2001 para 11999990000 (categoria 1, sem idcti)",
                None,
            ),
        ] {
            assert_eq!(classify(text), kind, "{text}");
        }
        assert!(means_no_rows("Nenhum registro encontrado") && !means_no_rows("Token inválido"));
    }
}
