//! WSDLs that differ from the checked-in one the way a live PBX's may (a part renamed),
//! written to files a PHP server can serve: for the drift, doctor and guard tests.

use std::path::{Path, PathBuf};

/// The checked-in WSDL, as text.
pub fn checked_in() -> String {
    let path = crate::repo_root().join("wsdl/wsuscall.wsdl");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    uscall_codegen::decode::text(&bytes).unwrap()
}

/// `text` with `edit` applied to the `<message name="...">` called `name` only.
pub fn in_message(text: &str, name: &str, edit: &dyn Fn(&str) -> String) -> String {
    let start = text
        .find(&format!(r#"<message name="{name}">"#))
        .unwrap_or_else(|| panic!("no message {name}"));
    let end = start + text[start..].find("</message>").unwrap();
    format!(
        "{}{}{}",
        &text[..start],
        edit(&text[start..end]),
        &text[end..]
    )
}

/// The checked-in WSDL with ccenterAgents' `agentes` part called `agente`: the rename reported
/// against an ext/soap PBX, which drops the filter and answers for every agent.
pub fn agentes_renamed() -> String {
    let changed = in_message(&checked_in(), "ccenterAgentsRequest", &|m| {
        m.replace(r#"name="agentes""#, r#"name="agente""#)
    });
    assert_ne!(changed, checked_in());
    changed
}

/// Writes `text` into `dir` as ISO-8859-1, a byte per character, as the checked-in WSDL
/// declares itself.
pub fn write_latin1(dir: &Path, name: &str, text: &str) -> PathBuf {
    let file = dir.join(name);
    let bytes: Vec<u8> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).expect("ISO-8859-1 text"))
        .collect();
    std::fs::write(&file, bytes).unwrap();
    file
}
