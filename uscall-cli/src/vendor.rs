//! The vendor document's word on each USCall part: a help sentence per (operation, part) saying
//! its format, default and allowed values, and the documented values checked before sending.
//!
//! The sentences restate "Documento de integração WebService USCall UC" (and the research
//! reference for the ccenter* reports) in our own words. Parts not in the table keep the
//! generic help of [`crate::typed::help`] and are sent as given.

use jiff::civil::{Date, DateTime, Time};
use uscall_client::enums::{
    AudioFormat, ExtenStatusFilter, MonitorTipo, ReportType, StartCallTipo,
};

/// How a documented part's value is checked, and rewritten to the spelling the PBX expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    /// Any text.
    Free,
    /// The start of a range, `YYYY-MM-DD HH:MM:SS`; a bare date is that day's 00:00:00.
    Start,
    /// The end of a range, `YYYY-MM-DD HH:MM:SS`; a bare date is that day's 23:59:59.
    End,
    /// A JSON array of numbers or strings (`[600,611]`).
    JsonArray,
    /// `yes`: the number is an agent's (hangupCall's and monitExten's `agente`).
    Yes,
    /// startCall's `tipo`.
    StartCallTipo,
    /// monitExten's `tipo`.
    MonitorTipo,
    /// extenStatus's `tipo`.
    ExtenTipo,
    /// audioDownload's `formato`.
    Formato,
    /// ccenterPauses' and ccenterSessions' `report_type`.
    ReportType,
}

/// A documented part: its help sentence and its check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PartDoc {
    pub help: String,
    pub check: Check,
}

const START: &str = "Start of the range, YYYY-MM-DD HH:MM:SS (a bare date YYYY-MM-DD means its \
00:00:00); default: today at 00:00:00";
const END: &str = "End of the range, YYYY-MM-DD HH:MM:SS (a bare date YYYY-MM-DD means its \
23:59:59); default: today at 23:59:59";
const AGENTES: &str = "Agents, as a JSON array of agent numbers, e.g. [600,611]";
const FILAS: &str = "Queues, as a JSON array of queue numbers, e.g. [\"Ativo\",900] (\"Ativo\" \
is the pseudo-queue of outbound calls)";
const IDUNICO: &str = "One call by its id: the bilheteunico of cdr-search, or the idcti given to \
start-call";
const IDCTI: &str = "Your own id for the call, to find its record and recording later \
(cdr-search / audio-download --idunico)";
const CATEGORIA: &str = "Dialling-rule category of the company, e.g. 1; numbers must be written \
as its rules expect";
const AGENTE_LOGGED: &str = "Number of the logged-in agent";

fn doc(help: impl Into<String>, check: Check) -> Option<PartDoc> {
    Some(PartDoc {
        help: help.into(),
        check,
    })
}

/// What the vendor document says of part `part` of operation `op` (wire names), if anything.
pub(crate) fn part(op: &str, part: &str) -> Option<PartDoc> {
    use Check::*;
    const CCENTER: &[&str] = &[
        "ccenterAgents",
        "ccenterAttendForms",
        "ccenterCdr",
        "ccenterMetrics",
        "ccenterPauses",
        "ccenterSchedules",
        "ccenterSessions",
        "ccenterSurvey",
    ];
    let dated = matches!(op, "cdrSearch" | "cdrTariff" | "cdrURA") || CCENTER.contains(&op);
    match (op, part) {
        (_, "dataini") if dated => doc(START, Start),
        (_, "datafin") if dated => doc(END, End),
        (_, "agentes") if CCENTER.contains(&op) => doc(AGENTES, JsonArray),
        (_, "filas") if CCENTER.contains(&op) => doc(FILAS, JsonArray),
        (_, "report_type") if CCENTER.contains(&op) => doc(
            "Level of detail: 0 (synthetic, a summary row per agent) or 1 (analytic, a row per \
             event); synthetic and analytic are accepted too",
            ReportType,
        ),
        ("ccenterMetrics", "report_name") => doc(
            "Name of the report, one of those ccenter-metrics-reports lists",
            Free,
        ),
        ("startCall", "tipo") => doc(
            "How to dial: outbound (the extension in --origem calls the number in --destino) or \
             clicktocall (the PBX calls the number in --origem first, then connects it to the DDR \
             in --destino)",
            StartCallTipo,
        ),
        ("startCall", "origem") => doc(
            "With outbound, the extension that places the call; with clicktocall, the number \
             dialled first",
            Free,
        ),
        ("startCall", "destino") => doc(
            "With outbound, the number to dial; with clicktocall, a DDR configured on the PBX \
             that takes the answered call",
            Free,
        ),
        ("startCall" | "startCallura", "categoria") => doc(CATEGORIA, Free),
        ("startCall" | "startCallura", "idcti") => doc(IDCTI, Free),
        ("cdrSearch", "origem") => doc("Only calls from this number", Free),
        ("cdrSearch", "destino") => doc("Only calls to this number", Free),
        ("cdrSearch" | "cdrURA", "idunico") => doc(IDUNICO, Free),
        ("audioDownload", "idunico") => doc(
            "The call's id: the bilheteunico of cdr-search, or the idcti given to start-call",
            Free,
        ),
        ("audioDownload", "formato") => doc(
            "Audio format of the recording: mp3, ogg or wav; default: wav (16-bit, 8000 Hz)",
            Formato,
        ),
        ("agentLogin", "agente") => doc("Number of the agent", Free),
        ("agentLogin", "ramal") => doc("Extension the agent logs in on", Free),
        ("agentLogin", "senhamd5") => doc(
            "The agent's password as an MD5 hash (shown as <redacted> in every output)",
            Free,
        ),
        ("agentLogin", "filachave") => doc(
            "Key queue, a queue of the Call Center type; default: the key queue configured on \
             the PBX",
            Free,
        ),
        ("agentLogout" | "startPause" | "endPause", "agente") => doc(AGENTE_LOGGED, Free),
        ("agentStatus", "agente") => doc("Number of one agent; default: every agent", Free),
        ("startPause", "idpausa") => doc("Id of the pause, the id get-pauses lists", Free),
        ("hangupCall", "ramal") => doc(
            "Extension whose call is hung up (an agent's number with --agente yes)",
            Free,
        ),
        ("hangupCall", "agente") => doc(
            "yes when --ramal is an agent's number; default: --ramal is an extension",
            Yes,
        ),
        ("monitExten", "srcramal") => doc("Extension that starts the monitoring", Free),
        ("monitExten", "dstramal") => doc(
            "Extension to monitor (an agent's number with --agente yes)",
            Free,
        ),
        ("monitExten", "agente") => doc(
            "yes when --dstramal is an agent's number; default: --dstramal is an extension",
            Yes,
        ),
        ("monitExten", "tipo") => doc(
            "escuta (silent listening), monitor (whisper: the monitored extension hears the one \
             monitoring) or conf (everyone hears everyone); listen, whisper and conference are \
             accepted too; default: escuta",
            MonitorTipo,
        ),
        ("getExtens" | "extenStatus", "ramal") => {
            doc("Number of one extension; default: every extension", Free)
        }
        ("extenStatus", "tipo") => doc(
            "Which extensions: callcenter, pbx or all; default: all",
            ExtenTipo,
        ),
        ("getQueue" | "queueStatus", "fila") => {
            doc("Number of one queue; default: every queue", Free)
        }
        ("listURA", "idura") => doc("Id of one dynamic IVR (URA); default: every one", Free),
        ("startCallura", "idura") => doc(
            "Id of the dynamic IVR (URA) the answered call goes to, as list-ura shows it",
            Free,
        ),
        ("startCallura", "destino") => doc(
            "Number to dial, written as the category's rules expect",
            Free,
        ),
        ("startCallura", info) if info.starts_with("cti_info") => {
            let n = &info["cti_info".len()..];
            doc(
                format!(
                    "Text for {{CTI_INFO{n}}} in the IVR's text-to-speech prompts (see list-ura)"
                ),
                Free,
            )
        }
        ("cdrURA", "idura") => doc("Only calls through this dynamic IVR (URA)", Free),
        _ => None,
    }
}

/// Checks `text` against `check`: the text to send (a known value in the PBX's spelling, a date
/// in the documented format), or what was expected.
pub(crate) fn check(check: Check, text: &str) -> Result<String, String> {
    fn one_of<T: PartialEq>(
        known: Option<T>,
        canonical: impl Fn(&T) -> String,
        allowed: &str,
    ) -> Result<String, String> {
        known
            .as_ref()
            .map(canonical)
            .ok_or_else(|| format!("use one of {allowed}"))
    }
    match check {
        Check::Free => Ok(text.to_owned()),
        Check::Start | Check::End => datetime(text, check == Check::End)
            .map(|t| t.strftime("%Y-%m-%d %H:%M:%S").to_string())
            .ok_or_else(|| "use a date and time YYYY-MM-DD HH:MM:SS, or a date YYYY-MM-DD".into()),
        Check::JsonArray => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(serde_json::Value::Array(items))
                if items.iter().all(|i| i.is_number() || i.is_string()) =>
            {
                Ok(text.to_owned())
            }
            _ => Err(
                "use a JSON array of numbers or strings, e.g. [600,611] or [\"Ativo\",900]".into(),
            ),
        },
        Check::Yes if text.trim().eq_ignore_ascii_case("yes") => Ok("yes".into()),
        Check::Yes => Err("use yes, or leave the flag out for an extension".into()),
        Check::StartCallTipo => one_of(
            Some(StartCallTipo::parse(text)).filter(StartCallTipo::is_known),
            |t| t.as_str().to_owned(),
            "outbound, clicktocall",
        ),
        Check::MonitorTipo => one_of(
            Some(MonitorTipo::parse(text)).filter(MonitorTipo::is_known),
            |t| t.as_str().to_owned(),
            "escuta, monitor, conf",
        ),
        Check::ExtenTipo => one_of(
            Some(ExtenStatusFilter::parse(text)).filter(ExtenStatusFilter::is_known),
            |t| t.as_str().to_owned(),
            "callcenter, pbx, all",
        ),
        Check::Formato => one_of(
            Some(AudioFormat::parse(text)).filter(AudioFormat::is_known),
            |t| t.as_str().to_owned(),
            "mp3, ogg, wav",
        ),
        Check::ReportType => one_of(
            Some(ReportType::parse(text)).filter(ReportType::is_known),
            |t| t.as_str().to_owned(),
            "0 (synthetic), 1 (analytic)",
        ),
    }
}

/// A date-time as the document writes it (the `T` form and fractional seconds are read too),
/// or a bare date at the start or, for the end of a range, the last second of its day.
fn datetime(text: &str, end: bool) -> Option<DateTime> {
    let t = text.trim();
    // jiff reads a bare date as a date-time at midnight: tell them apart by the time's separator.
    if t.contains([' ', 'T', 't']) {
        return t.parse::<DateTime>().ok();
    }
    let date = t.parse::<Date>().ok()?;
    let time = if end {
        Time::constant(23, 59, 59, 0)
    } else {
        Time::midnight()
    };
    Some(date.to_datetime(time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_values_are_checked_and_written_as_the_pbx_expects() {
        assert_eq!(check(Check::StartCallTipo, "outbound").unwrap(), "outbound");
        assert_eq!(
            check(Check::StartCallTipo, "clicktocal").unwrap(),
            "clicktocall"
        );
        let err = check(Check::StartCallTipo, "inbound").unwrap_err();
        assert!(err.contains("outbound, clicktocall"), "{err}");
        assert_eq!(check(Check::MonitorTipo, "listen").unwrap(), "escuta");
        assert!(check(Check::MonitorTipo, "spy").is_err());
        assert_eq!(check(Check::ExtenTipo, "ALL").unwrap(), "all");
        assert_eq!(check(Check::Formato, "MP3").unwrap(), "mp3");
        assert!(
            check(Check::Formato, "flac")
                .unwrap_err()
                .contains("mp3, ogg, wav")
        );
        assert_eq!(check(Check::ReportType, "analytic").unwrap(), "1");
        assert!(check(Check::ReportType, "2").is_err());
        assert_eq!(check(Check::Yes, "YES").unwrap(), "yes");
        assert!(check(Check::Yes, "no").is_err());
        assert_eq!(
            check(Check::JsonArray, "[600, \"Ativo\"]").unwrap(),
            "[600, \"Ativo\"]"
        );
        assert!(check(Check::JsonArray, "600,611").is_err());
        assert!(check(Check::JsonArray, "[{}]").is_err());
    }

    #[test]
    fn dates_take_the_documented_format_and_bare_days() {
        assert_eq!(
            check(Check::Start, "2025-06-02 08:30:00").unwrap(),
            "2025-06-02 08:30:00"
        );
        assert_eq!(
            check(Check::Start, "2025-06-02T08:30:00").unwrap(),
            "2025-06-02 08:30:00"
        );
        assert_eq!(
            check(Check::Start, "2025-06-02").unwrap(),
            "2025-06-02 00:00:00"
        );
        assert_eq!(
            check(Check::End, "2025-06-02").unwrap(),
            "2025-06-02 23:59:59"
        );
        for bad in [
            "02/06/2025",
            "2025-13-01",
            "2025-06-02 25:00:00",
            "today",
            "",
        ] {
            assert!(check(Check::Start, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_documented_parts_have_sentences_and_others_none() {
        let tipo = part("startCall", "tipo").unwrap();
        assert!(tipo.help.contains("clicktocall") && tipo.check == Check::StartCallTipo);
        assert!(part("cdrSearch", "dataini").unwrap().help.contains("today"));
        assert!(
            part("startCallura", "cti_info7")
                .unwrap()
                .help
                .contains("{CTI_INFO7}")
        );
        assert_eq!(part("someOtherOp", "dataini"), None);
        assert_eq!(part("startCall", "token"), None);
        // Every part of every USCall operation but the token has its sentence.
        for op in uscall_client::OPERATIONS {
            for p in op.user_params() {
                assert!(part(op.name, p.name).is_some(), "{}.{}", op.name, p.name);
            }
        }
    }
}
