//! The typed methods of [`Client`], one per operation, each returning its typed request.

use super::*;
use crate::enums::{ReportType, StartCallTipo};
use crate::models::{Password, id_list};

/// The typed operations. Each has the same name as its generated, untyped twin under
/// [`Client::raw`]; see the [`crate::typed`] module for what they share.
impl Client {
    /// Lists the company's call-center agents (`getAgent`).
    pub fn get_agent(&self) -> GetAgentRequest<'_> {
        GetAgentRequest {
            raw: self.raw().get_agent(),
        }
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
        StartCallRequest {
            raw: self
                .raw()
                .start_call(tipo.as_str(), origem, destino, categoria),
        }
    }

    /// Searches the PBX's call records (`cdrSearch`). Large ranges can exhaust the PBX; see
    /// [`Client::cdr_search_windows`].
    pub fn cdr_search(&self) -> CdrSearchRequest<'_> {
        CdrSearchRequest {
            raw: self.raw().cdr_search(),
        }
    }

    /// Fetches a call's recording (`audioDownload`) by its `bilheteunico` or `idcti`.
    pub fn audio_download(&self, idunico: impl Into<String>) -> AudioDownloadRequest<'_> {
        AudioDownloadRequest {
            raw: self.raw().audio_download(idunico),
        }
    }

    /// Logs agent `agente` in on extension `ramal` (`agentLogin`).
    pub fn agent_login(
        &self,
        agente: impl Into<String>,
        ramal: impl Into<String>,
        senha: Password,
    ) -> AgentLoginRequest<'_> {
        AgentLoginRequest {
            raw: self.raw().agent_login(agente, ramal, senha.md5_hex()),
        }
    }

    /// Logs an agent out (`agentLogout`).
    pub fn agent_logout(&self, agente: impl Into<String>) -> AgentLogoutRequest<'_> {
        AgentLogoutRequest {
            raw: self.raw().agent_logout(agente),
        }
    }

    /// The live state of every agent, or of one (`agentStatus`).
    pub fn agent_status(&self) -> AgentStatusRequest<'_> {
        AgentStatusRequest {
            raw: self.raw().agent_status(),
        }
    }

    /// Lists the pause reasons (`getPauses`).
    pub fn get_pauses(&self) -> GetPausesRequest<'_> {
        GetPausesRequest {
            raw: self.raw().get_pauses(),
        }
    }

    /// Puts a logged-in agent on the pause `idpausa` (an id from getPauses) (`startPause`).
    pub fn start_pause(
        &self,
        agente: impl Into<String>,
        idpausa: impl Into<String>,
    ) -> StartPauseRequest<'_> {
        StartPauseRequest {
            raw: self.raw().start_pause(agente, idpausa),
        }
    }

    /// Ends an agent's pause (`endPause`).
    pub fn end_pause(&self, agente: impl Into<String>) -> EndPauseRequest<'_> {
        EndPauseRequest {
            raw: self.raw().end_pause(agente),
        }
    }

    /// Hangs up the call of an extension, or of an agent with `.agent()` (`hangupCall`).
    pub fn hangup_call(&self, ramal: impl Into<String>) -> HangupCallRequest<'_> {
        HangupCallRequest {
            raw: self.raw().hangup_call(ramal),
        }
    }

    /// Monitors the call of `dstramal` (an extension, or an agent with `.agent()`) from the
    /// extension `srcramal` (`monitExten`).
    pub fn monit_exten(
        &self,
        srcramal: impl Into<String>,
        dstramal: impl Into<String>,
    ) -> MonitExtenRequest<'_> {
        MonitExtenRequest {
            raw: self.raw().monit_exten(srcramal, dstramal),
        }
    }

    /// Lists the extensions (`getExtens`).
    pub fn get_extens(&self) -> GetExtensRequest<'_> {
        GetExtensRequest {
            raw: self.raw().get_extens(),
        }
    }

    /// The live state of the extensions (`extenStatus`).
    pub fn exten_status(&self) -> ExtenStatusRequest<'_> {
        ExtenStatusRequest {
            raw: self.raw().exten_status(),
        }
    }

    /// Lists the queues (`getQueue`).
    pub fn get_queue(&self) -> GetQueueRequest<'_> {
        GetQueueRequest {
            raw: self.raw().get_queue(),
        }
    }

    /// The calls waiting in the queues (`queueStatus`).
    pub fn queue_status(&self) -> QueueStatusRequest<'_> {
        QueueStatusRequest {
            raw: self.raw().queue_status(),
        }
    }

    /// Outbound call records for billing (`cdrTariff`).
    pub fn cdr_tariff(&self) -> CdrTariffRequest<'_> {
        CdrTariffRequest {
            raw: self.raw().cdr_tariff(),
        }
    }

    /// Lists the trunks (`listTrunk`).
    pub fn list_trunk(&self) -> ListTrunkRequest<'_> {
        ListTrunkRequest {
            raw: self.raw().list_trunk(),
        }
    }

    /// Lists the dynamic IVRs with their flows (`listURA`).
    pub fn list_ura(&self) -> ListUraRequest<'_> {
        ListUraRequest {
            raw: self.raw().list_ura(),
        }
    }

    /// Dials `destino` and drops the answered call into the dynamic IVR `idura`
    /// (`startCallura`); `categoria` is the dialling-rule category.
    pub fn start_callura(
        &self,
        idura: impl Into<String>,
        destino: impl Into<String>,
        categoria: impl Into<String>,
    ) -> StartCalluraRequest<'_> {
        StartCalluraRequest {
            raw: self.raw().start_callura(idura, destino, categoria),
        }
    }

    /// Records of calls through the dynamic IVRs (`cdrURA`).
    pub fn cdr_ura(&self) -> CdrUraRequest<'_> {
        CdrUraRequest {
            raw: self.raw().cdr_ura(),
        }
    }

    /// Agent productivity over the period (`ccenterAgents`), for the agents and queues given
    /// (`Ativo` is outbound calls). Write an empty list as `&[] as &[&str]`.
    pub fn ccenter_agents<A: AsRef<str>, F: AsRef<str>>(
        &self,
        agentes: &[A],
        filas: &[F],
    ) -> CcenterAgentsRequest<'_> {
        CcenterAgentsRequest {
            raw: self.raw().ccenter_agents(id_list(agentes), id_list(filas)),
        }
    }

    /// Contacts with their forms and dispositions (`ccenterAttendForms`); set `agentes` or
    /// `filas` (the service requires one).
    pub fn ccenter_attend_forms(&self) -> CcenterAttendFormsRequest<'_> {
        CcenterAttendFormsRequest {
            raw: self.raw().ccenter_attend_forms(),
        }
    }

    /// Contact-center call records (`ccenterCdr`) of the agents and queues given.
    pub fn ccenter_cdr<A: AsRef<str>, F: AsRef<str>>(
        &self,
        agentes: &[A],
        filas: &[F],
    ) -> CcenterCdrRequest<'_> {
        CcenterCdrRequest {
            raw: self.raw().ccenter_cdr(id_list(agentes), id_list(filas)),
        }
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
        CcenterMetricsRequest {
            raw: self
                .raw()
                .ccenter_metrics(report_name, id_list(agentes), id_list(filas)),
        }
    }

    /// The reports ccenterMetrics can produce, with their descriptions
    /// (`ccenterMetricsReports`).
    pub fn ccenter_metrics_reports(&self) -> CcenterMetricsReportsRequest<'_> {
        CcenterMetricsReportsRequest {
            raw: self.raw().ccenter_metrics_reports(),
        }
    }

    /// Time per agent and pause over the period: ccenterPauses' synthetic report
    /// (`report_type` 0). [`Client::ccenter_pause_events`] lists each pause instead.
    pub fn ccenter_pauses<A: AsRef<str>, F: AsRef<str>>(
        &self,
        agentes: &[A],
        filas: &[F],
    ) -> CcenterPausesRequest<'_> {
        let raw = self.raw().ccenter_pauses(
            ReportType::Synthetic.as_str(),
            id_list(agentes),
            id_list(filas),
        );
        CcenterPausesRequest { raw }
    }

    /// Every pause taken, with its times: ccenterPauses' analytic report (`report_type` 1).
    pub fn ccenter_pause_events<A: AsRef<str>, F: AsRef<str>>(
        &self,
        agentes: &[A],
        filas: &[F],
    ) -> CcenterPauseEventsRequest<'_> {
        let raw = self.raw().ccenter_pauses(
            ReportType::Analytic.as_str(),
            id_list(agentes),
            id_list(filas),
        );
        CcenterPauseEventsRequest { raw }
    }

    /// Agents' callbacks and reminders (`ccenterSchedules`).
    pub fn ccenter_schedules(&self) -> CcenterSchedulesRequest<'_> {
        CcenterSchedulesRequest {
            raw: self.raw().ccenter_schedules(),
        }
    }

    /// Sessions per agent and date: ccenterSessions' synthetic report (`report_type` 0).
    /// [`Client::ccenter_session_events`] lists each login and logout instead.
    pub fn ccenter_sessions<A: AsRef<str>, F: AsRef<str>>(
        &self,
        agentes: &[A],
        filas: &[F],
    ) -> CcenterSessionsRequest<'_> {
        let raw = self.raw().ccenter_sessions(
            ReportType::Synthetic.as_str(),
            id_list(agentes),
            id_list(filas),
        );
        CcenterSessionsRequest { raw }
    }

    /// Every login and logout: ccenterSessions' analytic report (`report_type` 1).
    pub fn ccenter_session_events<A: AsRef<str>, F: AsRef<str>>(
        &self,
        agentes: &[A],
        filas: &[F],
    ) -> CcenterSessionEventsRequest<'_> {
        let raw = self.raw().ccenter_sessions(
            ReportType::Analytic.as_str(),
            id_list(agentes),
            id_list(filas),
        );
        CcenterSessionEventsRequest { raw }
    }

    /// Post-call survey results (`ccenterSurvey`).
    pub fn ccenter_survey(&self) -> CcenterSurveyRequest<'_> {
        CcenterSurveyRequest {
            raw: self.raw().ccenter_survey(),
        }
    }
}
