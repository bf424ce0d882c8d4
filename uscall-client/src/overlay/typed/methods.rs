//! The typed methods of [`Client`], one per operation, each returning its typed request.

use super::*;
use crate::enums::{ReportType, StartCallTipo};
use crate::models::{Password, id_list};

/// The typed operations. Each has the same name as its generated, untyped twin under
/// [`Client::raw`]; see the [`crate::typed`] module for what they share.
impl Client {
    /// Lists the company's call-center agents (`getAgent`).
    pub fn get_agent(&self) -> GetAgentRequest<'_> {
        GetAgentRequest::new(self, "getAgent")
    }

    /// Places a call (`startCall`) and answers the PBX's confirmation. Outbound: the extension
    /// `origem` calls `destino`. Click-to-call: the PBX calls `origem` first, then connects it
    /// to the DDR `destino`. `categoria` is the dialling-rule category the numbers must match.
    pub fn start_call(
        &self,
        tipo: StartCallTipo,
        origem: impl Into<String>,
        destino: impl Into<String>,
        categoria: impl Into<String>,
    ) -> StartCallRequest<'_> {
        StartCallRequest::new(self, "startCall")
            .set("tipo", tipo.as_str())
            .set("origem", origem)
            .set("destino", destino)
            .set("categoria", categoria)
    }

    /// Searches the PBX's call records (`cdrSearch`). Large ranges can exhaust the PBX; see
    /// [`Client::cdr_search_windows`].
    pub fn cdr_search(&self) -> CdrSearchRequest<'_> {
        CdrSearchRequest::new(self, "cdrSearch")
    }

    /// Fetches a call's recording (`audioDownload`) by its `bilheteunico` or `idcti`.
    pub fn audio_download(&self, idunico: impl Into<String>) -> AudioDownloadRequest<'_> {
        AudioDownloadRequest::new(self, "audioDownload").set("idunico", idunico)
    }

    /// Logs agent `agente` in on extension `ramal` (`agentLogin`).
    pub fn agent_login(
        &self,
        agente: impl Into<String>,
        ramal: impl Into<String>,
        senha: Password,
    ) -> AgentLoginRequest<'_> {
        AgentLoginRequest::new(self, "agentLogin")
            .set("agente", agente)
            .set("ramal", ramal)
            .set("senhamd5", senha.md5_hex())
    }

    /// Logs an agent out (`agentLogout`).
    pub fn agent_logout(&self, agente: impl Into<String>) -> AgentLogoutRequest<'_> {
        AgentLogoutRequest::new(self, "agentLogout").set("agente", agente)
    }

    /// The live state of every agent, or of one (`agentStatus`).
    pub fn agent_status(&self) -> AgentStatusRequest<'_> {
        AgentStatusRequest::new(self, "agentStatus")
    }

    /// Lists the pause reasons (`getPauses`).
    pub fn get_pauses(&self) -> GetPausesRequest<'_> {
        GetPausesRequest::new(self, "getPauses")
    }

    /// Puts a logged-in agent on the pause `idpausa` (an id from getPauses) (`startPause`).
    pub fn start_pause(
        &self,
        agente: impl Into<String>,
        idpausa: impl Into<String>,
    ) -> StartPauseRequest<'_> {
        StartPauseRequest::new(self, "startPause")
            .set("agente", agente)
            .set("idpausa", idpausa)
    }

    /// Ends an agent's pause (`endPause`).
    pub fn end_pause(&self, agente: impl Into<String>) -> EndPauseRequest<'_> {
        EndPauseRequest::new(self, "endPause").set("agente", agente)
    }

    /// Hangs up the call of an extension, or of an agent with `.agent()` (`hangupCall`).
    pub fn hangup_call(&self, ramal: impl Into<String>) -> HangupCallRequest<'_> {
        HangupCallRequest::new(self, "hangupCall").set("ramal", ramal)
    }

    /// Monitors the call of `dstramal` (an extension, or an agent with `.agent()`) from the
    /// extension `srcramal` (`monitExten`).
    pub fn monit_exten(
        &self,
        srcramal: impl Into<String>,
        dstramal: impl Into<String>,
    ) -> MonitExtenRequest<'_> {
        MonitExtenRequest::new(self, "monitExten")
            .set("srcramal", srcramal)
            .set("dstramal", dstramal)
    }

    /// Lists the extensions (`getExtens`).
    pub fn get_extens(&self) -> GetExtensRequest<'_> {
        GetExtensRequest::new(self, "getExtens")
    }

    /// The live state of the extensions (`extenStatus`).
    pub fn exten_status(&self) -> ExtenStatusRequest<'_> {
        ExtenStatusRequest::new(self, "extenStatus")
    }

    /// Lists the queues (`getQueue`).
    pub fn get_queue(&self) -> GetQueueRequest<'_> {
        GetQueueRequest::new(self, "getQueue")
    }

    /// The calls waiting in the queues (`queueStatus`).
    pub fn queue_status(&self) -> QueueStatusRequest<'_> {
        QueueStatusRequest::new(self, "queueStatus")
    }

    /// Outbound call records for billing (`cdrTariff`).
    pub fn cdr_tariff(&self) -> CdrTariffRequest<'_> {
        CdrTariffRequest::new(self, "cdrTariff")
    }

    /// Lists the trunks (`listTrunk`).
    pub fn list_trunk(&self) -> ListTrunkRequest<'_> {
        ListTrunkRequest::new(self, "listTrunk")
    }

    /// Lists the dynamic IVRs with their flows (`listURA`).
    pub fn list_ura(&self) -> ListUraRequest<'_> {
        ListUraRequest::new(self, "listURA")
    }

    /// Dials `destino` and drops the answered call into the dynamic IVR `idura`
    /// (`startCallura`); `categoria` is the dialling-rule category.
    pub fn start_callura(
        &self,
        idura: impl Into<String>,
        destino: impl Into<String>,
        categoria: impl Into<String>,
    ) -> StartCalluraRequest<'_> {
        StartCalluraRequest::new(self, "startCallura")
            .set("idura", idura)
            .set("destino", destino)
            .set("categoria", categoria)
    }

    /// Records of calls through the dynamic IVRs (`cdrURA`).
    pub fn cdr_ura(&self) -> CdrUraRequest<'_> {
        CdrUraRequest::new(self, "cdrURA")
    }

    /// Agent productivity over the period (`ccenterAgents`), for the agents and queues given
    /// (`Ativo` is outbound calls). Write an empty list as `&[] as &[&str]`.
    pub fn ccenter_agents<A: AsRef<str>, F: AsRef<str>>(
        &self,
        agentes: &[A],
        filas: &[F],
    ) -> CcenterAgentsRequest<'_> {
        CcenterAgentsRequest::new(self, "ccenterAgents")
            .set("agentes", id_list(agentes))
            .set("filas", id_list(filas))
    }

    /// Contacts with their forms and dispositions (`ccenterAttendForms`); set `agentes` or
    /// `filas` (the service requires one).
    pub fn ccenter_attend_forms(&self) -> CcenterAttendFormsRequest<'_> {
        CcenterAttendFormsRequest::new(self, "ccenterAttendForms")
    }

    /// Contact-center call records (`ccenterCdr`) of the agents and queues given.
    pub fn ccenter_cdr<A: AsRef<str>, F: AsRef<str>>(
        &self,
        agentes: &[A],
        filas: &[F],
    ) -> CcenterCdrRequest<'_> {
        CcenterCdrRequest::new(self, "ccenterCdr")
            .set("agentes", id_list(agentes))
            .set("filas", id_list(filas))
    }

    /// A contact-center metrics report (`ccenterMetrics`); its shape depends on the report, so
    /// the answer stays JSON (the value under `retorno`). Names come from
    /// [`Client::ccenter_metrics_reports`].
    pub fn ccenter_metrics<A: AsRef<str>, F: AsRef<str>>(
        &self,
        report_name: impl Into<String>,
        agentes: &[A],
        filas: &[F],
    ) -> CcenterMetricsRequest<'_> {
        CcenterMetricsRequest::new(self, "ccenterMetrics")
            .set("report_name", report_name)
            .set("agentes", id_list(agentes))
            .set("filas", id_list(filas))
    }

    /// The reports ccenterMetrics can produce, with their descriptions
    /// (`ccenterMetricsReports`).
    pub fn ccenter_metrics_reports(&self) -> CcenterMetricsReportsRequest<'_> {
        CcenterMetricsReportsRequest::new(self, "ccenterMetricsReports")
    }

    /// Time per agent and pause over the period: ccenterPauses' synthetic report
    /// (`report_type` 0). [`Client::ccenter_pause_events`] lists each pause instead.
    pub fn ccenter_pauses<A: AsRef<str>, F: AsRef<str>>(
        &self,
        agentes: &[A],
        filas: &[F],
    ) -> CcenterPausesRequest<'_> {
        CcenterPausesRequest::new(self, "ccenterPauses")
            .set("report_type", ReportType::Synthetic.as_str())
            .set("agentes", id_list(agentes))
            .set("filas", id_list(filas))
    }

    /// Every pause taken, with its times: ccenterPauses' analytic report (`report_type` 1).
    pub fn ccenter_pause_events<A: AsRef<str>, F: AsRef<str>>(
        &self,
        agentes: &[A],
        filas: &[F],
    ) -> CcenterPauseEventsRequest<'_> {
        CcenterPauseEventsRequest::new(self, "ccenterPauses")
            .set("report_type", ReportType::Analytic.as_str())
            .set("agentes", id_list(agentes))
            .set("filas", id_list(filas))
    }

    /// Agents' callbacks and reminders (`ccenterSchedules`).
    pub fn ccenter_schedules(&self) -> CcenterSchedulesRequest<'_> {
        CcenterSchedulesRequest::new(self, "ccenterSchedules")
    }

    /// Sessions per agent and date: ccenterSessions' synthetic report (`report_type` 0).
    /// [`Client::ccenter_session_events`] lists each login and logout instead.
    pub fn ccenter_sessions<A: AsRef<str>, F: AsRef<str>>(
        &self,
        agentes: &[A],
        filas: &[F],
    ) -> CcenterSessionsRequest<'_> {
        CcenterSessionsRequest::new(self, "ccenterSessions")
            .set("report_type", ReportType::Synthetic.as_str())
            .set("agentes", id_list(agentes))
            .set("filas", id_list(filas))
    }

    /// Every login and logout: ccenterSessions' analytic report (`report_type` 1).
    pub fn ccenter_session_events<A: AsRef<str>, F: AsRef<str>>(
        &self,
        agentes: &[A],
        filas: &[F],
    ) -> CcenterSessionEventsRequest<'_> {
        CcenterSessionEventsRequest::new(self, "ccenterSessions")
            .set("report_type", ReportType::Analytic.as_str())
            .set("agentes", id_list(agentes))
            .set("filas", id_list(filas))
    }

    /// Post-call survey results (`ccenterSurvey`).
    pub fn ccenter_survey(&self) -> CcenterSurveyRequest<'_> {
        CcenterSurveyRequest::new(self, "ccenterSurvey")
    }
}
