//! Typed arguments: the agent password agentLogin wants, and the JSON-array id lists of the
//! `ccenter*` reports.

use md5::{Digest, Md5};
use std::fmt;

/// An agent's password as agentLogin's `senhamd5` wants it: MD5, lower-case hex.
///
/// `Debug` never shows it, not even hashed (an MD5 of a short PIN is as good as the PIN).
///
/// ```
/// use uscall_client::models::Password;
/// assert_eq!(Password::plain("1234").md5_hex(), "81dc9bdb52d04dc20036dbd8313ed055");
/// assert_eq!(format!("{:?}", Password::plain("1234")), "Password(<redacted>)");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Hashes a plain-text password (its UTF-8 bytes) with MD5.
    pub fn plain(password: impl AsRef<str>) -> Password {
        let digest = Md5::digest(password.as_ref().as_bytes());
        Password(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Takes an MD5 hash that is already hex (such as getAgent's `senhamd5`); it is sent
    /// lower-cased, surrounding whitespace removed.
    pub fn md5(hex: impl AsRef<str>) -> Password {
        Password(hex.as_ref().trim().to_ascii_lowercase())
    }

    /// The hash, as sent in `senhamd5`.
    pub fn md5_hex(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// Writes agent or queue ids as the JSON array the `ccenter*` operations expect
/// (`[600,611,605]`, `["Ativo",900]`): an id of digits without a leading zero (at most 18, so
/// PHP keeps it an integer) is written as a JSON number like the vendor's examples, anything
/// else as a JSON string, so `0119` keeps its zero.
///
/// ```
/// use uscall_client::models::id_list;
/// assert_eq!(id_list(&["600", "611"]), "[600,611]");
/// assert_eq!(id_list(&["Ativo", "900", "0119"]), r#"["Ativo",900,"0119"]"#);
/// assert_eq!(id_list::<&str>(&[]), "[]");
/// ```
pub fn id_list<S: AsRef<str>>(ids: &[S]) -> String {
    let items: Vec<String> = ids
        .iter()
        .map(|id| {
            let id = id.as_ref();
            let numeric = (1..=18).contains(&id.len())
                && id.bytes().all(|b| b.is_ascii_digit())
                && (id == "0" || !id.starts_with('0'));
            if numeric {
                id.to_owned()
            } else {
                serde_json::Value::String(id.to_owned()).to_string()
            }
        })
        .collect();
    format!("[{}]", items.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_utf8_and_stay_hidden() {
        assert_eq!(
            Password::plain("").md5_hex(),
            "d41d8cd98f00b204e9800998ecf8427e"
        );
        assert_eq!(
            Password::plain("Ágata#605").md5_hex(),
            "7a7e368c9c3cbde4154e8c53360b7b53"
        );
        assert_eq!(
            Password::md5(" 81DC9BDB52D04DC20036DBD8313ED055 "),
            Password::plain("1234")
        );
        assert!(!format!("{:?}", Password::plain("1234")).contains("81dc"));
    }

    #[test]
    fn id_lists_are_json_arrays() {
        assert_eq!(id_list(&["600", "611", "605"]), "[600,611,605]");
        assert_eq!(
            id_list(&[String::from("Ativo"), "900".into()]),
            r#"["Ativo",900]"#
        );
        assert_eq!(
            id_list(&["0", "0119", "6\"1", " 7", "1234567890123456789"]),
            r#"[0,"0119","6\"1"," 7","1234567890123456789"]"#
        );
        let parsed: serde_json::Value = serde_json::from_str(&id_list(&["a\\b", "é"])).unwrap();
        assert_eq!(parsed, serde_json::json!(["a\\b", "é"]));
    }
}
