//! Wire names to Rust and CLI names: heck, keywords, reserved names and collisions, in one place.

use std::collections::BTreeSet;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
#[cfg(feature = "emit")]
use proc_macro2::{Ident, Span};

/// Rust keywords (strict and reserved, edition 2024) that need `r#` to be identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers, so they get a `_` suffix.
const NOT_RAW: &[&str] = &["self", "Self", "crate", "super", "_"];

/// Methods `Client` already has, and names clippy wants to be trait impls (`should_implement_trait`).
const CLIENT_METHODS: &[&str] = &[
    "new",
    "builder",
    "call",
    "endpoint",
    "operations",
    "operation",
    "clone",
    "cmp",
    "partial_cmp",
];

/// Methods and fields the request types already have, and by-value binary operator names.
const SETTERS: &[&str] = &[
    "send",
    "into_future",
    "client",
    "add",
    "sub",
    "mul",
    "div",
    "rem",
    "shl",
    "shr",
    "bitand",
    "bitor",
    "bitxor",
];

/// Type names the generated file uses or imports.
const TYPES: &[&str] = &[
    "Client",
    "Raw",
    "Response",
    "Result",
    "OperationInfo",
    "ParamInfo",
    "SoapVersion",
    "Style",
    "Use",
    "XsdKind",
    "ToXsd",
    "Ty",
    "Builtin",
    "FieldInfo",
    "FieldForm",
    "Occurs",
    "RawOperation",
    "Box",
    "Option",
    "String",
    "Vec",
    "Into",
    "Send",
    "Sync",
    "Self",
];

/// Flags the `uscall` command line has for every subcommand (and ones it keeps for itself).
const CLI_FLAGS: &[&str] = &[
    "url",
    "token",
    "ca-cert",
    "pin-sha256",
    "insecure",
    "timeout",
    "connect-timeout",
    "max-response-bytes",
    "retries",
    "format",
    "output",
    "window",
    "help",
    "version",
];

/// Subcommands clap adds itself, and the command line's own workflows.
const CLI_COMMANDS: &[&str] = &["help", "recordings", "completions", "man", "doctor", "mock"];

/// Statics the generated file defines itself.
const STATICS: &[&str] = &["OPERATIONS"];

/// Whether `name` must be written `r#name`.
pub fn is_raw(name: &str) -> bool {
    KEYWORDS.contains(&name)
}

/// The identifier for a Rust name produced here: raw when it is a keyword.
#[cfg(feature = "emit")]
pub fn ident(name: &str) -> Ident {
    if is_raw(name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// snake_case, made a valid identifier stem (`cdrURA` -> `cdr_ura`, `1x` -> `n1x`).
pub fn snake(wire: &str) -> String {
    let snake: String = wire
        .to_snake_case()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect();
    match snake.chars().next() {
        None => "x".to_owned(),
        Some(c) if c.is_numeric() => format!("n{snake}"),
        Some(_) => snake,
    }
}

fn with_suffix(name: String, reserved: &[&str]) -> String {
    if NOT_RAW.contains(&name.as_str()) || reserved.contains(&name.as_str()) {
        name + "_"
    } else {
        name
    }
}

/// The names of one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationNames {
    /// Method, without `r#`.
    pub method: String,
    /// Static.
    pub static_name: String,
    /// Request type.
    pub type_name: String,
    /// Subcommand.
    pub cli: String,
}

/// Hands out operation names, numbering collisions `_2`, `_3`... in the order asked.
#[derive(Debug, Default)]
pub struct OperationNamer {
    methods: BTreeSet<String>,
    statics: BTreeSet<String>,
    types: BTreeSet<String>,
    clis: BTreeSet<String>,
}

impl OperationNamer {
    /// The names for the next operation.
    pub fn assign(&mut self, wire: &str) -> OperationNames {
        let base = snake(wire);
        let mut n = 1;
        loop {
            let stem = numbered(&base, n);
            let names = OperationNames {
                method: with_suffix(stem.clone(), CLIENT_METHODS),
                static_name: with_suffix(stem.to_shouty_snake_case(), STATICS),
                type_name: with_suffix(stem.to_upper_camel_case(), TYPES),
                cli: stem.replace('_', "-"),
            };
            if !self.methods.contains(&names.method)
                && !self.statics.contains(&names.static_name)
                && !self.types.contains(&names.type_name)
                && !self.clis.contains(&names.cli)
                && !CLI_COMMANDS.contains(&names.cli.as_str())
            {
                self.methods.insert(names.method.clone());
                self.statics.insert(names.static_name.clone());
                self.types.insert(names.type_name.clone());
                self.clis.insert(names.cli.clone());
                return names;
            }
            n += 1;
        }
    }
}

/// The names of one parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamNames {
    /// Argument, field and setter, without `r#`.
    pub rust: String,
    /// Command-line flag, without `--`.
    pub cli: String,
}

/// Hands out the parameter names of one operation, numbering collisions.
#[derive(Debug, Default)]
pub struct ParamNamer {
    rust: BTreeSet<String>,
    clis: BTreeSet<String>,
}

impl ParamNamer {
    /// The names for the next parameter.
    pub fn assign(&mut self, wire: &str) -> ParamNames {
        let base = snake(wire);
        let mut n = 1;
        loop {
            let stem = numbered(&base, n);
            let names = ParamNames {
                rust: with_suffix(stem.clone(), SETTERS),
                cli: stem.replace('_', "-"),
            };
            if !self.rust.contains(&names.rust)
                && !self.clis.contains(&names.cli)
                // The token part is filled by the client and never becomes a flag.
                && (wire.eq_ignore_ascii_case("token") || !CLI_FLAGS.contains(&names.cli.as_str()))
            {
                self.rust.insert(names.rust.clone());
                self.clis.insert(names.cli.clone());
                return names;
            }
            n += 1;
        }
    }
}

/// Names the schema module's own items would shadow: the prelude's types and variants, and
/// the names the generated code writes unqualified.
const SCHEMA_RESERVED: &[&str] = &[
    "String",
    "Option",
    "Vec",
    "Box",
    "Result",
    "Some",
    "None",
    "Ok",
    "Err",
    "Self",
    "Sized",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "Send",
    "Sync",
    "From",
    "Into",
    "ToString",
    "Iterator",
    "Drop",
    "Fn",
    "rt",
];

/// The descriptor static of the schema type named `rust` (as [`TypeNamer`] names it).
pub fn type_static(rust: &str) -> String {
    rust.to_shouty_snake_case()
}

/// The names of one schema type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeNames {
    /// The Rust type.
    pub rust: String,
    /// Its descriptor static.
    pub static_name: String,
}

/// Hands out the schema module's type names, numbering collisions in the order asked.
#[derive(Debug, Default, Clone)]
pub struct TypeNamer {
    types: BTreeSet<String>,
    statics: BTreeSet<String>,
}

impl TypeNamer {
    /// The names for the next type, from its wire name or a hint.
    pub fn assign(&mut self, wire: &str) -> TypeNames {
        let mut base = snake(wire).to_upper_camel_case();
        if SCHEMA_RESERVED.contains(&base.as_str()) || NOT_RAW.contains(&base.as_str()) {
            base.push_str("Type");
        }
        let mut n = 1;
        loop {
            let rust = if n == 1 {
                base.clone()
            } else {
                format!("{base}{n}")
            };
            let static_name = rust.to_shouty_snake_case();
            if !self.types.contains(&rust) && !self.statics.contains(&static_name) {
                self.types.insert(rust.clone());
                self.statics.insert(static_name.clone());
                return TypeNames { rust, static_name };
            }
            n += 1;
        }
    }

    /// Gives a name back (an operation whose types could not all be lowered).
    pub fn release(&mut self, names: &TypeNames) {
        self.types.remove(&names.rust);
        self.statics.remove(&names.static_name);
    }
}

/// Hands out the field names of one struct, or the variant names of one enum.
#[derive(Debug, Default)]
pub struct FieldNamer {
    taken: BTreeSet<String>,
}

impl FieldNamer {
    /// A field name: snake_case, `_` after keywords that cannot be raw, numbered on collision.
    pub fn field(&mut self, wire: &str) -> String {
        self.unique(with_suffix(snake(wire), &[]))
    }

    /// A variant name: UpperCamelCase, `Other` kept for unknown values.
    pub fn variant(&mut self, value: &str) -> String {
        let camel = snake(value).to_upper_camel_case();
        let camel = match camel.chars().next() {
            Some(c) if c.is_alphabetic() => camel,
            _ => format!("V{camel}"),
        };
        let camel = if camel == "Other" || NOT_RAW.contains(&camel.as_str()) {
            camel + "_"
        } else {
            camel
        };
        self.unique(camel)
    }

    fn unique(&mut self, base: String) -> String {
        let mut n = 1;
        loop {
            let name = numbered(&base, n);
            if self.taken.insert(name.clone()) {
                return name;
            }
            n += 1;
        }
    }
}

fn numbered(base: &str, n: usize) -> String {
    if n == 1 {
        base.to_owned()
    } else {
        format!("{base}_{n}")
    }
}

/// Whether clippy's `wrong_self_convention` would judge a method by its name.
pub fn has_self_convention_prefix(name: &str) -> bool {
    ["as_", "from_", "into_", "is_", "to_"]
        .iter()
        .any(|prefix| name.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(namer: &mut OperationNamer, wire: &str) -> (String, String, String, String) {
        let n = namer.assign(wire);
        (n.method, n.static_name, n.type_name, n.cli)
    }

    fn owned(a: &str, b: &str, c: &str, d: &str) -> (String, String, String, String) {
        (a.into(), b.into(), c.into(), d.into())
    }

    #[test]
    fn operation_names_follow_the_contract() {
        let mut namer = OperationNamer::default();
        assert_eq!(
            op(&mut namer, "startCallura"),
            owned(
                "start_callura",
                "START_CALLURA",
                "StartCallura",
                "start-callura"
            )
        );
        assert_eq!(
            op(&mut namer, "cdrURA"),
            owned("cdr_ura", "CDR_URA", "CdrUra", "cdr-ura")
        );
        assert_eq!(
            op(&mut namer, "listURA"),
            owned("list_ura", "LIST_URA", "ListUra", "list-ura")
        );
    }

    #[test]
    fn collisions_are_numbered_in_order() {
        let mut namer = OperationNamer::default();
        assert_eq!(op(&mut namer, "getAgent").0, "get_agent");
        assert_eq!(
            op(&mut namer, "get_agent"),
            owned("get_agent_2", "GET_AGENT_2", "GetAgent2", "get-agent-2")
        );
        assert_eq!(op(&mut namer, "GetAgent").0, "get_agent_3");
    }

    #[test]
    fn reserved_and_keyword_operations() {
        let mut namer = OperationNamer::default();
        assert_eq!(op(&mut namer, "new"), owned("new_", "NEW", "New", "new"));
        assert_eq!(
            op(&mut namer, "type"),
            owned("type", "TYPE", "Type", "type")
        );
        assert_eq!(
            op(&mut namer, "self"),
            owned("self_", "SELF", "Self_", "self")
        );
        assert_eq!(op(&mut namer, "result").2, "Result_");
        assert_eq!(op(&mut namer, "operations").1, "OPERATIONS_");
        assert!(is_raw("type") && !is_raw("self_") && !is_raw("union"));
        #[cfg(feature = "emit")]
        assert_eq!(ident("type").to_string(), "r#type");
    }

    #[test]
    fn param_names() {
        let mut namer = ParamNamer::default();
        assert_eq!(namer.assign("report_name").rust, "report_name");
        let names = namer.assign("reportName");
        assert_eq!(
            (names.rust.as_str(), names.cli.as_str()),
            ("report_name_2", "report-name-2")
        );
        assert_eq!(namer.assign("cti_info1").cli, "cti-info1");
        assert_eq!(namer.assign("type").rust, "type");
        assert_eq!(namer.assign("self").rust, "self_");
        assert_eq!(namer.assign("Self").rust, "self_2");
        assert_eq!(namer.assign("send").rust, "send_");
        assert_eq!(namer.assign("client").rust, "client_");
        // A part named like a global flag of the command line gets a numbered flag.
        assert_eq!(namer.assign("timeout").cli, "timeout-2");
        assert_eq!(OperationNamer::default().assign("help").cli, "help-2");
        assert_eq!(namer.assign("Token").rust, "token");
    }

    #[test]
    fn odd_wire_names_become_identifiers() {
        assert_eq!(snake("1st"), "n1st");
        assert_eq!(snake("a.b-c"), "a_b_c");
        assert_eq!(snake(""), "x");
        assert_eq!(snake("ação"), "ação");
    }
}
