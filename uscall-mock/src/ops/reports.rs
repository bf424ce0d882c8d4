//! The call-center reports (`ccenter*`): the seed's reports, filtered by agents, queues and
//! dates as the vendor's document describes.

use super::{Args, Context, Step, center, dates, filter, in_dates, list};
use crate::state::State;
use serde_json::{Map, Value};

/// The reports this module answers.
const REPORTS: &[&str] = &[
    "ccenterAgents",
    "ccenterAttendForms",
    "ccenterCdr",
    "ccenterMetrics",
    "ccenterMetricsReports",
    "ccenterPauses",
    "ccenterSchedules",
    "ccenterSessions",
    "ccenterSurvey",
];

/// `None` when `operation` is not a report.
pub(super) fn run(
    operation: &str,
    args: &Args<'_>,
    state: &mut State,
    cx: &Context,
) -> Option<Step<Value>> {
    if !REPORTS.contains(&operation) {
        return None;
    }
    let ccenter = state
        .get("ccenter")
        .cloned()
        .unwrap_or(Value::Object(Map::new()));
    let rows = |name: &str| -> Vec<Value> {
        ccenter
            .get(name)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let dated = |name: &str, field: &str| -> Step<Vec<Value>> {
        let bounds = dates(args, cx)?;
        Ok(rows(name)
            .into_iter()
            .filter(|r| in_dates(r.get(field), &bounds))
            .collect())
    };
    let typed = |name: &str, kind: &str| -> Vec<Value> {
        ccenter
            .get(name)
            .and_then(|r| r.get(kind))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let answer = || -> Step<Value> {
        Ok(Value::Array(match operation {
            "ccenterAgents" => {
                // Queues are checked, not applied: the figures are the agent's in every queue.
                list(args, "filas")?;
                let bounds = dates(args, cx)?;
                let rows = center::agents(&ccenter, state.table("pauses"), &bounds);
                filter(&rows, &[("agente", list(args, "agentes")?)])
            }
            "ccenterAttendForms" => {
                if args.get("agentes").is_none() && args.get("filas").is_none() {
                    return Err("Parâmetro obrigatório ausente: agentes ou filas".into());
                }
                let rows = dated("attend_forms", "datatime")?;
                filter(
                    &rows,
                    &[
                        ("agente", list(args, "agentes")?),
                        ("operacao", list(args, "filas")?),
                    ],
                )
            }
            "ccenterCdr" => {
                let rows = dated("cdr", "datahora")?;
                filter(
                    &rows,
                    &[
                        ("agente", list(args, "agentes")?),
                        ("fila", list(args, "filas")?),
                    ],
                )
            }
            "ccenterMetrics" => {
                list(args, "agentes")?;
                list(args, "filas")?;
                dates(args, cx)?;
                let bounds = dates(args, cx)?;
                let name = args.text("report_name");
                return center::metric(name, &rows("cdr"), &bounds)
                    .or_else(|| ccenter.get("metrics").and_then(|m| m.get(name)).cloned())
                    .ok_or_else(|| format!("Relatório não encontrado: {name}").into());
            }
            "ccenterMetricsReports" => {
                return Ok(ccenter
                    .get("metrics_reports")
                    .cloned()
                    .unwrap_or(Value::Object(Map::new())));
            }
            "ccenterPauses" => {
                let kind = report_type(args)?;
                list(args, "filas")?;
                let bounds = dates(args, cx)?;
                let mut rows = typed("pauses", "1");
                rows.retain(|r| in_dates(r.get("inicio"), &bounds));
                if kind == "0" {
                    rows = center::pause_summary(&rows, &(None, None));
                }
                filter(&rows, &[("agente", list(args, "agentes")?)])
            }
            "ccenterSchedules" => {
                let rows = dated("schedules", "retorno")?;
                filter(&rows, &[("agente", list(args, "agentes")?)])
            }
            "ccenterSessions" => {
                let kind = report_type(args)?;
                let filas = list(args, "filas")?;
                let bounds = dates(args, cx)?;
                let mut rows = typed("sessions", "1");
                rows.retain(|r| in_dates(r.get("datahora"), &bounds));
                let mut filters = vec![("agente", list(args, "agentes")?)];
                if kind == "1" {
                    filters.push(("fila", filas));
                } else {
                    rows = center::session_summary(&rows, &(None, None));
                }
                filter(&rows, &filters)
            }
            "ccenterSurvey" => {
                let rows = dated("survey", "call_date")?;
                filter(
                    &rows,
                    &[
                        ("attendant", list(args, "agentes")?),
                        ("call_dst", list(args, "filas")?),
                    ],
                )
            }
            _ => Vec::new(),
        }))
    };
    Some(answer())
}

fn report_type<'a>(args: &'a Args<'_>) -> Step<&'a str> {
    match args.get("report_type") {
        Some(kind @ ("0" | "1")) => Ok(kind),
        _ => Err("Parâmetro inválido: report_type (use 0 ou 1)".into()),
    }
}
