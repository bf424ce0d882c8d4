//! The text printer gives what serde_json gives for the parsed value, whatever the spelling of
//! the text, and redacts as the value path does.

use super::*;
use proptest::prelude::*;
use serde_json::Value;

/// What the `Value` path prints: serde_json's layout, with DEL, C1 and bidi controls escaped.
fn reference(value: &Value, pretty: bool) -> String {
    let text = if pretty {
        serde_json::to_string_pretty(value).unwrap()
    } else {
        serde_json::to_string(value).unwrap()
    };
    // serde_json escapes C0 controls in strings itself; outside strings they are the layout.
    text.chars()
        .map(|c| {
            if is_control(c) && !c.is_ascii_control() || c == '\x7f' {
                format!("\\u{:04x}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn printed(text: &str, secrets: &Secrets, pretty: bool) -> String {
    let mut out = Vec::new();
    write(text, secrets, pretty, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        "[a-z/\"\\\\\u{1b}\u{9b}\u{202e}\u{7f}é😀 ]{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::vec(("[a-z]{1,6}", inner), 0..5)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn the_text_prints_as_its_value_does(value in json_value(), pretty in any::<bool>()) {
        let compact = serde_json::to_string(&value).unwrap();
        let want = reference(&value, pretty);
        prop_assert_eq!(printed(&compact, &Secrets::default(), pretty), want.clone());
        prop_assert_eq!(printed(&crate::fuzzing::php_json_spelling(&compact), &Secrets::default(), pretty), want.clone());
        let spaced = serde_json::to_string_pretty(&value).unwrap().replace('\n', "\r\n\t ");
        prop_assert_eq!(printed(&spaced, &Secrets::default(), pretty), want);
    }
}

#[test]
fn secrets_are_redacted_as_the_value_path_redacts_them() {
    let secrets = Secrets::new(["$1$a/b&c", "81dc"]);
    let text = r#"{"retorno":[{"msg":"Token inválido: $1$a\/b\u0026c","senhamd5":"81dc","SENHA":1234,"token":null,"x":{"password":[1,2]},"inner":"{\"senha\":\"9\"}","ok":"81dcx"}]}"#;
    let out = printed(text, &secrets, false);
    assert_eq!(
        out,
        r#"{"retorno":[{"msg":"Token inválido: <redacted>","senhamd5":"<redacted>","SENHA":"<redacted>","token":null,"x":{"password":"<redacted>"},"inner":"{\"senha\":\"<redacted>\"}","ok":"81dcx"}]}"#
    );
}

#[test]
fn odd_escapes_stay_valid_json() {
    let out = printed(
        r#"["\u00e9\u001b\u009b","a\\b","\ud83d\ude00"]"#,
        &Secrets::default(),
        false,
    );
    assert_eq!(out, r#"["é\u001b\u009b","a\\b","😀"]"#);
    assert!(serde_json::from_str::<Value>(&out).is_ok());
}
