//! Parts and answers of the WSDL's own types on the command line: flags checked (structs and
//! arrays as JSON) before anything is sent, answers printed as JSON of their declared type.

use clap::ArgMatches;
use serde_json::Value as Json;
use uscall_client::meta::{Builtin, OperationInfo, ParamInfo, Ty, TypeKind};
use uscall_client::value::{Value, json};
use uscall_client::{Client, Error};

use crate::Failure;
use crate::sanitize;

/// How the table the command line runs over was generated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conventions {
    /// The USCall convention: an answer of one `xsd:string` is a JSON document, read (and
    /// checked for the service's refusals) as the `uscall` binary reads its answers. Without it
    /// such an answer is a string, printed as JSON when it parses as JSON and as it is
    /// otherwise.
    pub json_answers: bool,
}

/// Whether every part of `op` is one simple value: its flags are texts, as the USCall parts are.
pub(crate) fn simple_parts(op: &OperationInfo) -> bool {
    op.params
        .iter()
        .all(|p| matches!(p.ty, Ty::Simple(_)) && !p.many)
}

/// Whether the answer is the USCall JSON document in one string.
pub(crate) fn json_answer(op: &OperationInfo, conventions: Conventions) -> bool {
    conventions.json_answers
        && matches!(
            op.outputs,
            [only] if only.ty == Ty::Simple(Builtin::String)
                && only.occurs != uscall_client::meta::Occurs::Many
        )
}

/// The values of an operation's flags, each checked against its part's type; a missing flag is
/// `None` (the token part is filled in by the client).
pub(crate) fn values(
    op: &'static OperationInfo,
    sub: &ArgMatches,
) -> Result<Vec<Option<Value>>, Failure> {
    op.params
        .iter()
        .map(|p| match sub.get_one::<String>(p.cli_name) {
            Some(text) if !p.token => {
                json::from_text(text, p.ty, p.many)
                    .map(Some)
                    .map_err(|error| {
                        Failure::usage(format!(
                            "{}: --{} ({}) {error}",
                            op.name,
                            p.cli_name,
                            describe(p.ty, p.many, 0)
                        ))
                    })
            }
            _ => Ok(None),
        })
        .collect()
}

/// Calls `op` and prints its answer as JSON of its declared type; a string answer that is not
/// JSON is printed as it is. Secrets are taken out, control characters escaped.
pub(crate) async fn call(
    client: &Client,
    op: &'static OperationInfo,
    values: Vec<Option<Value>>,
) -> Result<(), Failure> {
    let answer = client.call_json(op, values).await?;
    let text = match &answer {
        Json::Null if op.outputs.is_empty() => return Ok(()),
        Json::String(s) => match serde_json::from_str::<Json>(s) {
            Ok(inner @ (Json::Object(_) | Json::Array(_))) => pretty(&inner)?,
            _ => sanitize::lines_for_terminal(s).into_owned(),
        },
        other => pretty(other)?,
    };
    crate::write_stdout(format!("{text}\n").as_bytes())
}

fn pretty(json: &Json) -> Result<String, Failure> {
    serde_json::to_string_pretty(json).map_err(|e| Failure::from(Error::Config(e.to_string())))
}

/// The help line of a part: its wire name and what to give, in words.
pub(crate) fn help(p: &ParamInfo) -> String {
    let optional = if p.required { "" } else { " (optional)" };
    match (p.ty, p.many) {
        (Ty::Simple(_), false) => format!("Part `{}`, {}{optional}", p.name, p.xsd_type),
        (ty, many) => format!("Part `{}`, {}{optional}", p.name, describe(ty, many, 0)),
    }
}

/// How deep a struct's shape is spelled out in help; deeper ones are named.
const SHAPE_DEPTH: usize = 2;

/// What a value of `ty` looks like on the command line.
pub(crate) fn describe(ty: Ty, many: bool, depth: usize) -> String {
    let one = match ty {
        Ty::Simple(b) => simple(b),
        Ty::List(b) => format!(
            "{} items separated by spaces, or a JSON array of them",
            simple(b)
        ),
        Ty::Any => "any JSON".to_owned(),
        Ty::Named(info) => match info.kind {
            TypeKind::Enum { values, .. } => format!("one of {}", values.join(", ")),
            TypeKind::Array { item, .. } => {
                format!("a JSON array of {}", describe(item, false, depth + 1))
            }
            TypeKind::Struct(_) if depth >= SHAPE_DEPTH => {
                format!("a JSON object (a `{}`)", info.rust_name)
            }
            TypeKind::Struct(fields) => {
                let members: Vec<String> = fields
                    .iter()
                    .map(|f| {
                        let optional = match f.occurs {
                            uscall_client::meta::Occurs::One => "",
                            _ => "?",
                        };
                        let many = f.occurs == uscall_client::meta::Occurs::Many;
                        format!("\"{}\"{optional}: {}", f.name, shape(f.ty, many, depth + 1))
                    })
                    .collect();
                format!("a JSON object {{{}}}", members.join(", "))
            }
        },
    };
    if many {
        format!("a JSON array, each {one}")
    } else {
        one
    }
}

/// A member's type inside a struct's shape, tersely.
fn shape(ty: Ty, many: bool, depth: usize) -> String {
    let one = match ty {
        Ty::Simple(b) => b.xsd_name().to_owned(),
        Ty::List(b) => format!("[{}]", b.xsd_name()),
        Ty::Any => "any".to_owned(),
        Ty::Named(info) => match info.kind {
            TypeKind::Enum { values, .. } => values
                .iter()
                .map(|v| format!("\"{v}\""))
                .collect::<Vec<_>>()
                .join("|"),
            TypeKind::Array { item, .. } => format!("[{}]", shape(item, false, depth + 1)),
            TypeKind::Struct(_) if depth >= SHAPE_DEPTH => info.rust_name.to_owned(),
            TypeKind::Struct(_) => describe(ty, false, depth).replacen("a JSON object ", "", 1),
        },
    };
    if many { format!("[{one}]") } else { one }
}

/// A simple type in words, with its format where it has one.
fn simple(b: Builtin) -> String {
    let format = match b {
        Builtin::Boolean => " (true or false)",
        Builtin::Date => " (YYYY-MM-DD)",
        Builtin::DateTime => " (YYYY-MM-DDTHH:MM:SS, optionally with an offset)",
        Builtin::Time => " (HH:MM:SS)",
        Builtin::Duration => " (ISO 8601, e.g. PT1H30M)",
        Builtin::Base64Binary => " (base64)",
        Builtin::HexBinary => " (hexadecimal)",
        _ => "",
    };
    format!("an xsd:{}{format}", b.xsd_name())
}
