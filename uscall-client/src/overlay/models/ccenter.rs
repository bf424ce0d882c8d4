//! Contact-center reports: the rows of the nine `ccenter*` operations (durations are seconds on
//! the wire, percentages decimals).

use super::{de, ser};
use crate::Response;
use crate::enums::{ScheduleTipo, SurveyStatus};
use crate::error::{Error, Result};
use jiff::civil::DateTime;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Duration;

/// One agent's productivity over the period, from ccenterAgents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AgentReport {
    /// The agent's number.
    #[serde(deserialize_with = "de::text")]
    pub agente: String,
    /// Total session (logged-in) time.
    #[serde(
        default,
        deserialize_with = "de::opt_secs",
        serialize_with = "ser::opt_secs"
    )]
    pub sessao: Option<Duration>,
    /// The agent's share of all agents' session time, in percent.
    #[serde(default, deserialize_with = "de::opt_number")]
    pub perc_sessao: Option<f64>,
    /// Talk time.
    #[serde(
        default,
        deserialize_with = "de::opt_secs",
        serialize_with = "ser::opt_secs"
    )]
    pub ocupado: Option<Duration>,
    /// Talk time as a percentage of the session (the key is spelt `perc_ocupad`).
    #[serde(default, deserialize_with = "de::opt_number")]
    pub perc_ocupad: Option<f64>,
    /// Idle time.
    #[serde(
        default,
        deserialize_with = "de::opt_secs",
        serialize_with = "ser::opt_secs"
    )]
    pub ocioso: Option<Duration>,
    /// Idle time as a percentage of the session.
    #[serde(default, deserialize_with = "de::opt_number")]
    pub perc_ocioso: Option<f64>,
    /// Time on pauses the agent chose.
    #[serde(
        default,
        deserialize_with = "de::opt_secs",
        serialize_with = "ser::opt_secs"
    )]
    pub pausas: Option<Duration>,
    /// Time on pauses the system imposed.
    #[serde(
        default,
        deserialize_with = "de::opt_secs",
        serialize_with = "ser::opt_secs"
    )]
    pub pausas_sys: Option<Duration>,
    /// Pause time as a percentage of the session.
    #[serde(default, deserialize_with = "de::opt_number")]
    pub perc_pausa: Option<f64>,
    /// Average handling time, inbound and outbound.
    #[serde(
        default,
        deserialize_with = "de::opt_secs",
        serialize_with = "ser::opt_secs"
    )]
    pub tma: Option<Duration>,
    /// Average handling time of inbound calls.
    #[serde(
        default,
        deserialize_with = "de::opt_secs",
        serialize_with = "ser::opt_secs"
    )]
    pub inbound_tma: Option<Duration>,
    /// Queue calls answered.
    #[serde(default, deserialize_with = "de::opt_count")]
    pub inbound_atend: Option<u64>,
    /// Queue calls offered to the agent and rejected or cancelled.
    #[serde(default, deserialize_with = "de::opt_count")]
    pub inbound_natend: Option<u64>,
    /// Outbound calls placed.
    #[serde(default, deserialize_with = "de::opt_count")]
    pub outbound_total: Option<u64>,
    /// Average handling time of outbound calls.
    #[serde(
        default,
        deserialize_with = "de::opt_secs",
        serialize_with = "ser::opt_secs"
    )]
    pub outbound_tma: Option<Duration>,
    /// Outbound calls answered.
    #[serde(default, deserialize_with = "de::opt_count")]
    pub outbound_atend: Option<u64>,
    /// Outbound calls not answered.
    #[serde(default, deserialize_with = "de::opt_count")]
    pub outbound_natend: Option<u64>,
}

impl AgentReport {
    /// The wire keys, in the order of the vendor document.
    pub const COLUMNS: &'static [&'static str] = &[
        "agente",
        "sessao",
        "perc_sessao",
        "ocupado",
        "perc_ocupad",
        "ocioso",
        "perc_ocioso",
        "pausas",
        "pausas_sys",
        "perc_pausa",
        "tma",
        "inbound_tma",
        "inbound_atend",
        "inbound_natend",
        "outbound_total",
        "outbound_tma",
        "outbound_atend",
        "outbound_natend",
    ];
}

/// One contact with its form and disposition, from ccenterAttendForms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AttendForm {
    /// The contact's name.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub nome: Option<String>,
    /// When the form was filled in, PBX local time (the key is spelt `datatime`).
    #[serde(
        default,
        deserialize_with = "de::opt_datetime",
        serialize_with = "ser::opt_datetime"
    )]
    pub datatime: Option<DateTime>,
    /// The agent's number.
    #[serde(default, deserialize_with = "de::text")]
    pub agente: String,
    /// The caller's number.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub callerid: Option<String>,
    /// The disposition ("qualificação") the agent chose.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub class: Option<String>,
    /// The call's unique id.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub uniqueid: Option<String>,
    /// The campaign.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub campanha: Option<String>,
    /// The form's status (values undocumented, e.g. `FINALIZADO`).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub status: Option<String>,
    /// The agent's notes.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub obs: Option<String>,
    /// Where the contact came from: an IVR or a queue (`Ativo` for outbound).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub operacao: Option<String>,
    /// The media channel (voice, chat...).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub midia: Option<String>,
    /// Extra form field 1.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub campextra1: Option<String>,
    /// Extra form field 2.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub campextra2: Option<String>,
    /// Extra form field 3.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub campextra3: Option<String>,
    /// Extra form field 4.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub campextra4: Option<String>,
    /// Extra form field 5.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub campextra5: Option<String>,
    /// Extra form field 6.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub campextra6: Option<String>,
    /// Extra form field 7.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub campextra7: Option<String>,
    /// Extra form field 8.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub campextra8: Option<String>,
    /// Extra form field 9.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub campextra9: Option<String>,
}

impl AttendForm {
    /// The wire keys, in the order of the vendor document.
    pub const COLUMNS: &'static [&'static str] = &[
        "nome",
        "datatime",
        "agente",
        "callerid",
        "class",
        "uniqueid",
        "campanha",
        "status",
        "obs",
        "operacao",
        "midia",
        "campextra1",
        "campextra2",
        "campextra3",
        "campextra4",
        "campextra5",
        "campextra6",
        "campextra7",
        "campextra8",
        "campextra9",
    ];

    /// The nine extra fields, `campextra1` first.
    pub fn campextras(&self) -> [Option<&str>; 9] {
        [
            &self.campextra1,
            &self.campextra2,
            &self.campextra3,
            &self.campextra4,
            &self.campextra5,
            &self.campextra6,
            &self.campextra7,
            &self.campextra8,
            &self.campextra9,
        ]
        .map(|c| c.as_deref())
    }
}

/// One contact-center call, from ccenterCdr.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CenterCall {
    /// When the call started, PBX local time.
    #[serde(deserialize_with = "de::datetime", serialize_with = "ser::datetime")]
    pub datahora: DateTime,
    /// The queue (`Ativo` for outbound calls).
    #[serde(default, deserialize_with = "de::text")]
    pub fila: String,
    /// The agent's number.
    #[serde(default, deserialize_with = "de::text")]
    pub agente: String,
    /// The customer's number.
    #[serde(default, deserialize_with = "de::text")]
    pub numero: String,
    /// Answered or not; the exact strings are undocumented (seen: `ATENDIDA`, `NÃO ATENDIDA`),
    /// so the text is kept.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub status: Option<String>,
    /// Time waiting in the queue.
    #[serde(
        default,
        deserialize_with = "de::opt_secs",
        serialize_with = "ser::opt_secs"
    )]
    pub espera: Option<Duration>,
    /// Talk time.
    #[serde(
        default,
        deserialize_with = "de::opt_secs",
        serialize_with = "ser::opt_secs"
    )]
    pub atendimento: Option<Duration>,
    /// The recording's file name, if recorded.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub gravacao: Option<String>,
    /// The call's unique id (for audioDownload).
    #[serde(default, deserialize_with = "de::text")]
    pub bilheteunico: String,
}

impl CenterCall {
    /// The wire keys, in the order of the vendor document.
    pub const COLUMNS: &'static [&'static str] = &[
        "datahora",
        "fila",
        "agente",
        "numero",
        "status",
        "espera",
        "atendimento",
        "gravacao",
        "bilheteunico",
    ];
}

/// One report ccenterMetrics can produce, from ccenterMetricsReports (which answers an object
/// mapping each name to its description).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MetricsReport {
    /// The report's name, for ccenterMetrics' `report_name`.
    #[serde(alias = "report_name", deserialize_with = "de::text")]
    pub name: String,
    /// What the report shows.
    #[serde(default, alias = "description", deserialize_with = "de::text")]
    pub descricao: String,
}

impl MetricsReport {
    /// The columns of a listing (`name` is the object's key on the wire).
    pub const COLUMNS: &'static [&'static str] = &["name", "descricao"];
}

/// Decodes ccenterMetricsReports: the object `{name: description}` (or a list of
/// `{name, descricao}` objects), in the PBX's order.
pub(crate) fn metrics_reports(resp: &Response) -> Result<Vec<MetricsReport>> {
    let bad = |message: String| Error::Json {
        operation: resp.operation(),
        message,
        raw: resp.secrets().clean(resp.raw()),
    };
    match super::value(resp)? {
        Value::Object(map) => Ok(map
            .into_iter()
            .map(|(name, d)| MetricsReport {
                name,
                descricao: d.as_str().map_or_else(|| d.to_string(), str::to_owned),
            })
            .collect()),
        Value::Array(_) => super::rows(resp)?.strict(),
        Value::Null => Ok(Vec::new()),
        Value::String(m) if super::service::means_no_rows(&m) => Ok(Vec::new()),
        other => Err(bad(format!(
            "expected an object of report names, found {other}"
        ))),
    }
}

/// One callback or reminder of an agent, from ccenterSchedules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Schedule {
    /// The schedule's id.
    #[serde(deserialize_with = "de::text")]
    pub id: String,
    /// The contact's name.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub nome: Option<String>,
    /// When to call back, PBX local time.
    #[serde(
        default,
        deserialize_with = "de::opt_datetime",
        serialize_with = "ser::opt_datetime"
    )]
    pub retorno: Option<DateTime>,
    /// The agent's number.
    #[serde(default, deserialize_with = "de::text")]
    pub agente: String,
    /// A reminder or a callback.
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub tipo: Option<ScheduleTipo>,
    /// The numbers to call back.
    #[serde(default, deserialize_with = "de::text_list")]
    pub numeros: Vec<String>,
    /// Notes.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub obs: Option<String>,
}

impl Schedule {
    /// The wire keys, in the order of the reference.
    pub const COLUMNS: &'static [&'static str] =
        &["id", "nome", "retorno", "agente", "tipo", "numeros", "obs"];
}

/// One post-call survey, from ccenterSurvey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SurveyResult {
    /// The call's unique id.
    #[serde(deserialize_with = "de::text")]
    pub call_id: String,
    /// When the call started, PBX local time.
    #[serde(
        default,
        deserialize_with = "de::opt_datetime",
        serialize_with = "ser::opt_datetime"
    )]
    pub call_date: Option<DateTime>,
    /// The customer's number.
    #[serde(default, deserialize_with = "de::text")]
    pub customer: String,
    /// The queue where the survey started.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub call_dst: Option<String>,
    /// The agent who took the call.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub attendant: Option<String>,
    /// The survey's name.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub pesquisa: Option<String>,
    /// Complete, incomplete or not rated.
    #[serde(default, deserialize_with = "de::opt_enum")]
    pub pesquisa_status: Option<SurveyStatus>,
    /// The answers (also read from a JSON string).
    #[serde(default, deserialize_with = "de::nested")]
    pub avaliacoes: Vec<Rating>,
}

impl SurveyResult {
    /// The wire keys, in the order of the reference.
    pub const COLUMNS: &'static [&'static str] = &[
        "call_id",
        "call_date",
        "customer",
        "call_dst",
        "attendant",
        "pesquisa",
        "pesquisa_status",
        "avaliacoes",
    ];
}

/// One answer of a survey (`avaliacoes` of ccenterSurvey).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Rating {
    /// The question.
    #[serde(default, deserialize_with = "de::text")]
    pub avaliacao: String,
    /// The score as sent (usually digits); see [`Rating::score`].
    #[serde(default, deserialize_with = "de::text")]
    pub nota: String,
    /// What the score means.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub descricao: Option<String>,
}

impl Rating {
    /// The score as a number, when it is one.
    pub fn score(&self) -> Option<f64> {
        self.nota.trim().replace(',', ".").parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::tests::keys_follow_columns;
    use serde_json::json;

    #[test]
    fn agent_reports_read_numbers_and_numeric_text() {
        let r: AgentReport = serde_json::from_value(json!({
            "agente": 600, "sessao": 28800, "perc_sessao": "40,5", "ocupado": "14400", "perc_ocupad": 50.0,
            "ocioso": 10800, "perc_ocioso": 37.5, "pausas": 3000, "pausas_sys": "", "perc_pausa": 12.5,
            "tma": 180, "inbound_tma": 200, "inbound_atend": "60", "inbound_natend": 2, "outbound_total": 20,
            "outbound_tma": 120, "outbound_atend": 15, "outbound_natend": 5
        }))
        .unwrap();
        assert_eq!(r.agente, "600");
        assert_eq!(r.perc_sessao, Some(40.5));
        assert_eq!(r.ocupado, Some(Duration::from_secs(14400)));
        assert_eq!((r.pausas_sys, r.inbound_atend), (None, Some(60)));
        keys_follow_columns(&r, AgentReport::COLUMNS);
    }

    #[test]
    fn forms_calls_and_schedules() {
        let f: AttendForm = serde_json::from_value(json!({
            "nome": "José", "datatime": "2025-06-02 09:32:40", "agente": "600", "class": "Dúvida",
            "campextra1": "CPF", "campextra2": "", "campextra9": "protocolo"
        }))
        .unwrap();
        assert_eq!(f.campextras()[0], Some("CPF"));
        assert_eq!(
            (f.campextra2.as_deref(), f.campextra9.as_deref()),
            (None, Some("protocolo"))
        );
        keys_follow_columns(&f, AttendForm::COLUMNS);
        let c: CenterCall = serde_json::from_value(json!({
            "datahora": "2025-06-03 13:02:10", "fila": 901, "agente": "610", "numero": "11912345678",
            "status": "NÃO ATENDIDA", "espera": 30, "atendimento": 0, "gravacao": "", "bilheteunico": "1748966530.107"
        }))
        .unwrap();
        assert_eq!(
            (c.fila.as_str(), c.espera, c.gravacao.as_deref()),
            ("901", Some(Duration::from_secs(30)), None)
        );
        keys_follow_columns(&c, CenterCall::COLUMNS);
        let s: Schedule = serde_json::from_value(json!({
            "id": 31, "nome": "José", "retorno": "2025-06-03 10:00:00", "agente": "600", "tipo": "retorno",
            "numeros": ["11987654321", 1133335555_u64], "obs": ""
        }))
        .unwrap();
        assert_eq!(
            (s.tipo.clone(), s.numeros.len(), s.obs.as_deref()),
            (Some(ScheduleTipo::Retorno), 2, None)
        );
        keys_follow_columns(&s, Schedule::COLUMNS);
    }

    #[test]
    fn surveys_with_accented_statuses() {
        let s: SurveyResult = serde_json::from_value(json!({
            "call_id": "1749047445.110", "call_date": "2025-06-04 11:30:45", "customer": "11987654321",
            "call_dst": "900", "attendant": 611, "pesquisa": "Satisfação", "pesquisa_status": "NÃO AVALIADO",
            "avaliacoes": [{"avaliacao": "Atendimento", "nota": 5, "descricao": "Muito satisfeito"}]
        }))
        .unwrap();
        assert_eq!(s.pesquisa_status, Some(SurveyStatus::NaoAvaliado));
        assert_eq!(s.attendant.as_deref(), Some("611"));
        assert_eq!(s.avaliacoes[0].score(), Some(5.0));
        keys_follow_columns(&s, SurveyResult::COLUMNS);
    }

    #[test]
    fn metrics_reports_from_an_object() {
        let resp = Response::parse(
            "ccenterMetricsReports",
            r#"{"retorno":{"tma_fila":"Tempo médio","abandono":"Taxa de abandono"}}"#.into(),
            "t",
        )
        .unwrap();
        let reports = metrics_reports(&resp).unwrap();
        assert_eq!(
            reports.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            ["tma_fila", "abandono"]
        );
        assert_eq!(reports[0].descricao, "Tempo médio");
        let refused = Response::parse(
            "ccenterMetricsReports",
            r#"{"retorno":"Token inválido"}"#.into(),
            "t",
        )
        .unwrap();
        assert!(matches!(
            metrics_reports(&refused),
            Err(Error::Service { .. })
        ));
    }
}
