//! Tests of redaction: every spelling of a secret, whole words only, secret-named members, and
//! messages cut and escaped.

use super::*;
use proptest::prelude::*;

const TOKEN: &str = "$1$gc/Ni&V\"Z.";

fn red(text: &str) -> String {
    Secrets::new([TOKEN, "81dc9bdb"]).redact(text).into_owned()
}

#[test]
fn a_secret_is_hidden_in_every_spelling_an_answer_or_log_can_hold() {
    for spelled in [
        "$1$gc/Ni&V\"Z.",                              // raw
        "$1$gc/Ni&amp;V&quot;Z.",                      // XML entities
        "&#36;1&#x24;gc&#47;Ni&#38;V&#x22;Z&#X2E;",    // XML character references
        "$1$gc\\/Ni&V\\\"Z.",                          // JSON escapes
        "\\u00241\\u0024gc\\u002fNi\\u0026V\\u0022Z.", // JSON \u escapes
        "$1$gc\\/Ni&amp;V\\&quot;Z.",                  // JSON inside XML
        "%241%24gc%2FNi%26V%22Z.",                     // percent-encoded, upper case
        "%241%24gc%2fNi%26V%22Z%2e",                   // lower case
        "%24%31$gc\\/N&#105;&amp;V%22Z.",              // a mix, character by character
    ] {
        let text = format!("Token inválido: {spelled} (x)");
        assert_eq!(red(&text), "Token inválido: <redacted> (x)", "{spelled}");
    }
    let accented = Secrets::new(["sênha€😀"]);
    for spelled in [
        "sênha€😀",
        "s\\u00eanha\\u20ac\\ud83d\\ude00",
        "s%C3%AAnha%E2%82%AC%F0%9F%98%80",
        "s&#234;nha&#x20AC;&#128512;",
    ] {
        assert_eq!(
            accented.redact(&format!("[{spelled}]")),
            "[<redacted>]",
            "{spelled}"
        );
    }
}

#[test]
fn an_escape_start_is_also_read_as_itself() {
    // `%00` reads as a NUL byte, but here the `%` is the secret's own, and so is the `&` of the
    // next one (found by the property test below).
    let secrets = Secrets::new(["%000\"", "&#x41;&amp;"]);
    assert_eq!(secrets.redact(" %000&#34; "), format!(" {REDACTED} "));
    assert_eq!(
        secrets.redact("a &amp;#x41;&#38;amp; b"),
        format!("a {REDACTED} b")
    );
    // Many ambiguous starts in a row stay quick (the dead ends are remembered).
    let many = "%25".repeat(5000);
    let secrets = Secrets::new([format!("{}x", "%".repeat(40)).as_str()]);
    assert_eq!(secrets.redact(&many), many);
}

#[test]
fn a_short_secret_is_hidden_only_as_a_word_of_its_own() {
    let t = Secrets::new(["t"]);
    assert_eq!(
        t.redact("request to http://127.0.0.1:8080/x failed"),
        "request to http://127.0.0.1:8080/x failed"
    );
    assert_eq!(t.redact("Token t inválido"), "Token <redacted> inválido");
    assert_eq!(t.redact("token=t&x=1"), "token=<redacted>&x=1");
    assert_eq!(
        t.redact("\"t\",%74,&#116;"),
        "\"<redacted>\",<redacted>,<redacted>"
    );
    let pin = Secrets::new(["1234"]);
    assert_eq!(
        pin.redact("ramal 12345, senha 1234."),
        "ramal 12345, senha <redacted>."
    );
    // An escape before the secret that decodes to a letter makes it part of a word.
    assert_eq!(pin.redact("x%411234"), "x%411234");
    // A secret whose edges are not word characters needs no boundary.
    assert_eq!(red("abc$1$gc/Ni&V\"Z.def"), "abc<redacted>def");
    // A secret that is a literal part of an entity is still found.
    assert_eq!(
        Secrets::new(["amp"]).redact("a &amp; b"),
        "a &<redacted>; b"
    );
}

#[test]
fn password_parts_members_and_parameters_are_hidden_by_name() {
    let envelope = "<ns1:agentLogin><token xsi:type=\"xsd:string\">t&amp;k</token>\
        <agente>600</agente><senhamd5 xsi:type=\"xsd:string\">81dc</senhamd5>\
        <ns2:Password>x</ns2:Password><senha/><filachave xsi:nil=\"true\"/></ns1:agentLogin>";
    assert_eq!(
        Secrets::default().redact(envelope),
        "<ns1:agentLogin><token xsi:type=\"xsd:string\"><redacted></token>\
        <agente>600</agente><senhamd5 xsi:type=\"xsd:string\"><redacted></senhamd5>\
        <ns2:Password><redacted></ns2:Password><senha/><filachave xsi:nil=\"true\"/></ns1:agentLogin>"
    );
    let secrets = Secrets::of_request(envelope, "");
    assert_eq!(
        secrets.redact("Senha 81dc errada; token t&k, t&amp;k"),
        "Senha <redacted> errada; token <redacted>, <redacted>"
    );
    let none = Secrets::default();
    let json = r#"[{"agente":"600","senhamd5" : "81\"dc","x":1},{"SENHA":1234,"token":null}]"#;
    assert_eq!(
        none.redact(json),
        r#"[{"agente":"600","senhamd5" : "<redacted>","x":1},{"SENHA":<redacted>,"token":null}]"#
    );
    let deep = r#"{"retorno":{"fila":[{"agentes":[{"senhamd5":"aa"}]}]}}"#;
    assert_eq!(
        none.redact(deep),
        r#"{"retorno":{"fila":[{"agentes":[{"senhamd5":"<redacted>"}]}]}}"#
    );
    for (spelled, want) in [
        (
            "{&quot;nome&quot;:&quot;Ana&quot;,&quot;senhamd5&quot;:&quot;81dc&quot;}",
            "{&quot;nome&quot;:&quot;Ana&quot;,&quot;senhamd5&quot;:&quot;<redacted>&quot;}",
        ),
        (
            "{&#34;senhamd5&#34;:&#34;81dc&#34;}",
            "{&#34;senhamd5&#34;:&#34;<redacted>&#34;}",
        ),
        (
            r#""{\"senhamd5\":\"8\\\"1\\\\dc\",\"x\":1}""#,
            r#""{\"senhamd5\":\"<redacted>\",\"x\":1}""#,
        ),
        (
            "Location: /login.php?agente=600&senha=1234&x=1",
            "Location: /login.php?agente=600&senha=<redacted>&x=1",
        ),
    ] {
        assert_eq!(none.redact(spelled), want, "{spelled}");
    }
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
    assert!(matches!(secrets.error(value), Error::InvalidValue { value, .. } if value == REDACTED));
}

#[test]
fn long_messages_are_cut_and_say_their_length() {
    let secrets = Secrets::new([TOKEN]);
    let long = format!("Erro {}", "x".repeat(66_000_000));
    let shown = secrets.clean(&long);
    assert!(
        shown.chars().count() < MESSAGE_CHARS + 50,
        "{}",
        shown.len()
    );
    assert!(
        shown.ends_with("… [cut: 66,000,005 bytes in all]"),
        "{shown}"
    );
    let short = "Token inválido";
    assert_eq!(secrets.clean(short), short);
    // A secret where the text is cut is never shown in part, however the redactions before it
    // changed the text's length.
    let many = format!("{} {TOKEN}", format!("{TOKEN} ").repeat(2000));
    let shown = secrets.clean(&many);
    assert!(!shown.contains("$1$"), "{shown}");
}

#[test]
fn control_characters_are_escaped_visibly() {
    let hostile = "a\u{1b}]52;c;ZWNobw==\u{7}b\u{9b}31m\u{202e}c\r\n\td\u{7f}";
    assert_eq!(
        Secrets::default().clean(hostile),
        "a\\x1b]52;c;ZWNobw==\\x07b\\x9b31m\\u{202e}c\\x0d\n\td\\x7f"
    );
    assert!(matches!(escape_controls("plain\ttext\n"), Cow::Borrowed(_)));
}

/// How one character of a secret may be spelled in an answer or a log line.
fn spell(c: char, how: u8) -> String {
    let mut utf8 = [0; 4];
    let bytes = c.encode_utf8(&mut utf8).as_bytes();
    match how % 6 {
        // A serialiser that leaves the others raw escapes these two.
        0 if c == '%' || c == '\\' => format!("\\u{:04x}", c as u32),
        0 => c.to_string(),
        1 => format!("&#{};", c as u32),
        2 => format!("&#x{:X};", c as u32),
        3 => bytes.iter().map(|b| format!("%{b:02x}")).collect(),
        4 if (c as u32) < 0x10000 => format!("\\u{:04x}", c as u32),
        4 => {
            let v = c as u32 - 0x10000;
            format!(
                "\\u{:04x}\\u{:04x}",
                0xD800 + (v >> 10),
                0xDC00 + (v & 0x3FF)
            )
        }
        _ => match c {
            '&' => "&amp;".into(),
            '"' => "\\&quot;".into(),
            '/' => "\\/".into(),
            '\\' => "\\\\".into(),
            _ => c.to_string(),
        },
    }
}

proptest! {
    #[test]
    fn a_secret_spelled_any_way_between_words_is_hidden(
        secret in "[$./&\"%\\\\é€😀0-9]{1,12}",
        hows in proptest::collection::vec(any::<u8>(), 12),
        before in "[a-z ]{0,20}",
        after in "[a-z ]{0,20}",
    ) {
        let spelled: String = secret.chars().zip(hows.iter().cycle()).map(|(c, h)| spell(c, *h)).collect();
        let text = format!("{before} {spelled} {after}");
        prop_assert_eq!(
            Secrets::new([secret.as_str()]).redact(&text),
            format!("{before} {REDACTED} {after}")
        );
    }

    #[test]
    fn cleaning_any_text_is_bounded_and_never_panics(text in any::<String>(), secret in any::<String>()) {
        let shown = Secrets::new([secret.as_str()]).clean(&text);
        prop_assert!(shown.chars().count() <= MESSAGE_CHARS + 60);
        prop_assert!(!shown.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
    }
}

#[test]
fn secret_names_are_found_anywhere_in_any_case() {
    for name in [
        "token",
        "TOKEN",
        "x_Token",
        "senhamd5",
        "SenhaMD5",
        "password",
        "user_PASSWORD",
        "passwd",
        "pPasswd",
        "ttoken",
        "ssenha",
    ] {
        assert!(is_secret_name(name), "{name}");
    }
    for name in [
        "",
        "t",
        "toke",
        "tokn",
        "senh",
        "passw",
        "pass",
        "nome",
        "agente",
        "s",
        "p",
        "é_token_",
    ] {
        assert_eq!(is_secret_name(name), name.contains("token"), "{name}");
    }
}
