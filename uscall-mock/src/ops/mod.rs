//! The 30 operations on the simulated company: the checks every operation makes (token, then
//! required parts, then values, in that order, with the PBX's refusal messages), and dispatch
//! to the reads (`reads.rs`), the actions (`actions.rs`) and the call-center reports
//! (`reports.rs`).

use crate::clock::Clock;
use crate::state::State;
use serde_json::Value;

mod actions;
mod audio;
mod center;
mod reads;
mod reports;

pub(crate) use audio::wav;

/// The answer an operation gives.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Outcome {
    /// `{"retorno": value}`: data, or a message (a refusal is a message too, with HTTP 200).
    Retorno(Value),
    /// A SOAP fault (`SOAP-ENV:Server`).
    Fault { string: String, detail: String },
}

/// A refusal or fault, short-circuiting an operation.
pub(crate) enum Stop {
    Refuse(String),
    Fault { string: String, detail: String },
}

impl From<String> for Stop {
    fn from(message: String) -> Stop {
        Stop::Refuse(message)
    }
}

impl From<&str> for Stop {
    fn from(message: &str) -> Stop {
        Stop::Refuse(message.to_owned())
    }
}

pub(crate) type Step<T> = Result<T, Stop>;

/// How the date filters read an empty `dataini`/`datafin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EmptyDates {
    /// Today on the PBX's clock, as the real PBX does.
    #[default]
    Today,
    /// No bound, as the tests' PHP reference servers do (their data is in the past).
    Unbounded,
}

/// What the operations need besides the state.
#[derive(Debug, Clone)]
pub(crate) struct Context {
    pub(crate) clock: Clock,
    pub(crate) empty_dates: EmptyDates,
    /// How long a call lasts unless hung up.
    pub(crate) call_length: std::time::Duration,
}

/// One call's parts, bound by position to the operation's parameters as NuSOAP binds them.
pub(crate) struct Args<'a> {
    pub(crate) names: &'a [&'static str],
    pub(crate) values: &'a [Option<String>],
}

impl Args<'_> {
    /// The part's value; `None` when absent or empty (the PBX treats both alike).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        let i = self.names.iter().position(|n| *n == name)?;
        self.values
            .get(i)
            .and_then(Option::as_deref)
            .filter(|v| !v.is_empty())
    }

    /// The part's value, or `""`.
    pub(crate) fn text(&self, name: &str) -> &str {
        self.get(name).unwrap_or("")
    }
}

/// The parts each operation refuses to go without (the vendor document's "Parâmetros
/// necessários", token apart).
fn required(operation: &str) -> &'static [&'static str] {
    match operation {
        "startCall" => &["tipo", "origem", "destino", "categoria"],
        "audioDownload" => &["idunico"],
        "agentLogin" => &["agente", "ramal", "senhamd5"],
        "agentLogout" | "endPause" => &["agente"],
        "startPause" => &["agente", "idpausa"],
        "hangupCall" => &["ramal"],
        "monitExten" => &["srcramal", "dstramal"],
        "startCallura" => &["idura", "destino", "categoria"],
        "ccenterAgents" | "ccenterCdr" => &["agentes", "filas"],
        "ccenterMetrics" => &["report_name", "agentes", "filas"],
        "ccenterPauses" | "ccenterSessions" => &["report_type", "agentes", "filas"],
        _ => &[],
    }
}

/// Runs `operation` on `state`. `None` when the operation is not one of the 30.
pub(crate) fn run(
    operation: &str,
    args: &Args<'_>,
    state: &mut State,
    cx: &Context,
) -> Option<Outcome> {
    state.settle(&cx.clock);
    Some(match dispatch(operation, args, state, cx)? {
        Ok(value) => Outcome::Retorno(value),
        Err(Stop::Refuse(message)) => Outcome::Retorno(Value::String(message)),
        Err(Stop::Fault { string, detail }) => Outcome::Fault { string, detail },
    })
}

fn dispatch(
    operation: &str,
    args: &Args<'_>,
    state: &mut State,
    cx: &Context,
) -> Option<Step<Value>> {
    let common = || -> Step<()> {
        match args.get("token") {
            None => return Err("Parâmetro obrigatório ausente: token".into()),
            Some(token) if token != state.token() => return Err("Token inválido".into()),
            Some(_) => {}
        }
        for name in required(operation) {
            if args.get(name).is_none() {
                return Err(format!("Parâmetro obrigatório ausente: {name}").into());
            }
        }
        Ok(())
    };
    if let Err(stop) = common() {
        return Some(Err(stop));
    }
    if let Some(answer) = reads::run(operation, args, state, cx) {
        return Some(answer);
    }
    if let Some(answer) = actions::run(operation, args, state, cx) {
        return Some(answer);
    }
    reports::run(operation, args, state, cx)
}

/// The bounds of a date filter: `YYYY-MM-DD HH:MM:SS`, a bare date meaning its first second
/// (`dataini`) or its last (`datafin`); empty per [`EmptyDates`].
pub(crate) fn dates(args: &Args<'_>, cx: &Context) -> Step<(Option<String>, Option<String>)> {
    let today = cx.clock.local().date().strftime("%Y-%m-%d").to_string();
    let bound = |name: &str, time: &str| -> Step<Option<String>> {
        let Some(v) = args.get(name) else {
            return Ok(match cx.empty_dates {
                EmptyDates::Today => Some(format!("{today} {time}")),
                EmptyDates::Unbounded => None,
            });
        };
        let shape = |s: &str, pattern: &str| {
            s.len() == pattern.len()
                && s.bytes().zip(pattern.bytes()).all(|(c, p)| match p {
                    b'9' => c.is_ascii_digit(),
                    p => c == p,
                })
        };
        if shape(v, "9999-99-99") {
            Ok(Some(format!("{v} {time}")))
        } else if shape(v, "9999-99-99 99:99:99") {
            Ok(Some(v.to_owned()))
        } else {
            Err(format!("Parâmetro inválido: {name} (use YYYY-MM-DD HH:MM:SS)").into())
        }
    };
    Ok((bound("dataini", "00:00:00")?, bound("datafin", "23:59:59")?))
}

/// Whether `value` (a row's date) is within the bounds, inclusively.
pub(crate) fn in_dates(value: Option<&Value>, bounds: &(Option<String>, Option<String>)) -> bool {
    let v = value.and_then(Value::as_str).unwrap_or("");
    bounds.0.as_deref().is_none_or(|lo| v >= lo) && bounds.1.as_deref().is_none_or(|hi| v <= hi)
}

/// A JSON-array part (`[600,"611"]`) as strings; `None` for no filter (empty or `[]`).
pub(crate) fn list(args: &Args<'_>, name: &str) -> Step<Option<Vec<String>>> {
    let Some(v) = args.get(name) else {
        return Ok(None);
    };
    let bad = || {
        Stop::from(format!(
            "Parâmetro inválido: {name} (use um array JSON, ex.: [600,611])"
        ))
    };
    let Ok(Value::Array(items)) = serde_json::from_str::<Value>(v) else {
        return Err(bad());
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item {
            Value::String(s) => out.push(s),
            Value::Number(n) => out.push(n.to_string()),
            Value::Bool(b) => out.push(if b { "1".into() } else { String::new() }),
            _ => return Err(bad()),
        }
    }
    Ok((!out.is_empty()).then_some(out))
}

/// The rows for which every `(field, allowed)` filter holds (`None`: no filter).
pub(crate) fn filter(rows: &[Value], filters: &[(&str, Option<Vec<String>>)]) -> Vec<Value> {
    rows.iter()
        .filter(|row| {
            filters.iter().all(|(field, allowed)| {
                allowed.as_ref().is_none_or(|allowed| {
                    let value = match row.get(*field) {
                        Some(Value::String(s)) => s.clone(),
                        Some(Value::Number(n)) => n.to_string(),
                        _ => return false,
                    };
                    allowed.contains(&value)
                })
            })
        })
        .cloned()
        .collect()
}

/// `Some([v])` for a part that is set: an equality filter.
pub(crate) fn eq(args: &Args<'_>, name: &str) -> Option<Vec<String>> {
    args.get(name).map(|v| vec![v.to_owned()])
}
