//! The typed methods of [`Client`] and the request builders they return: the operations of
//! [`Client::raw`] with typed arguments (dates, enums, id lists, passwords) and answers decoded
//! into [`crate::models`].
//!
//! Every builder wraps the generated one: set optional parts with its setters, then `.await` it
//! (or call `send`). List operations answer [`Rows`], actions the service's confirmation message;
//! a refusal inside the answer (`Token inválido`, `Agente não encontrado`) is
//! [`crate::Error::Service`]. `send_raw` gives the answer as JSON instead.
//!
//! Dates are PBX local time and are sent as `YYYY-MM-DD HH:MM:SS`. A date left out is left out
//! of the request, and the PBX then applies its own default: today 00:00:00 for `dataini`,
//! today 23:59:59 for `datafin`.

mod methods;
mod recording;
mod stream;
mod windows;

pub use recording::SavedRecording;
pub use stream::{RawItem, RawRow, RawRowStream, RowStream};
pub use windows::{CdrWindowRows, CdrWindows};

use crate::enums::{AudioFormat, ExtenStatusFilter, MonitorTipo};
use crate::meta::OperationInfo;
use crate::models::{
    self, Agent, AgentReport, AgentState, AttendForm, Cdr, CenterCall, Extension, ExtensionState,
    MetricsReport, Pause, PauseEvent, PauseSummary, Queue, QueueState, Recording, Rows, Schedule,
    SessionRecord, SessionSummary, SurveyResult, TariffCall, Trunk, Ura, UraCall, datetime_text,
    id_list,
};
use crate::redact::Secrets;
use crate::{Client, Result};
use jiff::civil::{Date, DateTime};
use serde_json::Value;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::sync::Arc;

/// The operation name and the parts a typed request has been given so far. Parts are matched
/// to the WSDL's by name when it is sent, so the typed layer compiles whatever a regen brings:
/// an operation or part the PBX no longer has is an error at the call, not at build time.
struct Call<'a> {
    client: &'a Client,
    operation: &'static str,
    parts: Vec<(&'static str, String)>,
}

impl Call<'_> {
    fn set(&mut self, part: &'static str, value: String) {
        match self.parts.iter_mut().find(|(name, _)| *name == part) {
            Some(slot) => slot.1 = value,
            None => self.parts.push((part, value)),
        }
    }

    /// Sends the parts given, each in its WSDL position, through the generated operation, and
    /// decodes the return text with `decode` (given the operation's wire name and the call's secrets,
    /// for errors).
    async fn send_with<T: Send + 'static>(
        self,
        decode: impl FnOnce(&'static str, String, &Arc<Secrets>) -> Result<T> + Send + 'static,
        ok_outcome: fn(&T) -> &'static str,
    ) -> Result<T> {
        let (op, args) = self.resolve()?;
        self.client.call_with(op, args, decode, ok_outcome).await
    }

    /// The operation in this PBX's WSDL, and the parts given, each in its WSDL position.
    fn resolve(&self) -> Result<(&'static OperationInfo, Vec<Option<String>>)> {
        let op = Client::operation(self.operation).ok_or(crate::Error::NoSuchOperation {
            operation: self.operation,
        })?;
        if let Some((part, _)) = self
            .parts
            .iter()
            .find(|(name, _)| !op.params.iter().any(|p| p.name == *name))
        {
            return Err(crate::Error::NoSuchPart {
                operation: self.operation,
                part,
            });
        }
        let args = op
            .params
            .iter()
            .map(|p| {
                self.parts
                    .iter()
                    .find(|(name, _)| *name == p.name)
                    .map(|(_, v)| v.clone())
            })
            .collect();
        Ok((op, args))
    }
}

/// Declares a typed request whose answer goes through `$decode`, with `send`, `send_raw` and
/// `IntoFuture`. With `fast`, the JSON text is first decoded straight into the model by
/// `$fast` (no `serde_json::Value` in between); `$decode` runs only when that fails, and says
/// what is wrong row by row.
macro_rules! request {
    ($(#[$doc:meta])* $name:ident -> $out:ty = $decode:expr $(, fast $fast:expr)?) => {
        $(#[$doc])*
        #[must_use = "a request does nothing until it is awaited"]
        pub struct $name<'a> {
            call: Call<'a>,
        }

        impl<'a> $name<'a> {
            fn new(client: &'a Client, operation: &'static str) -> Self {
                Self { call: Call { client, operation, parts: Vec::new() } }
            }

            #[allow(dead_code, reason = "requests without parts never set one")]
            fn set(mut self, part: &'static str, value: impl Into<String>) -> Self {
                self.call.set(part, value.into());
                self
            }

            /// Sends the request and decodes the answer.
            pub async fn send(self) -> Result<$out> {
                self.call
                    .send_with(
                        |operation, text, secrets| {
                            #[allow(unused_variables, reason = "shadowed when the request has `fast`")]
                            let fast = |_: &'static str, _: &str| None::<$out>;
                            $(let fast = $fast;)?
                            models::from_text(operation, text, secrets, fast, $decode)
                        },
                        |_| "ok",
                    )
                    .await
            }

            /// Sends the request and gives the answer as JSON, undecoded.
            pub async fn send_raw(self) -> Result<crate::Response> {
                self.call
                    .send_with(crate::Response::parse_with, crate::client::response_outcome)
                    .await
            }
        }

        impl<'a> IntoFuture for $name<'a> {
            type Output = Result<$out>;
            type IntoFuture = Pin<Box<dyn Future<Output = Result<$out>> + Send + 'a>>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}

/// Declares the setters of typed requests (`setters!(A, B => { ... })`): `dates` (dataini, datafin, day), `text` parts,
/// `list` parts (JSON arrays of ids) and `choice` parts (enums).
macro_rules! setters {
    ($($name:ident),+ => $items:tt) => {
        $(impl $name<'_> { setters!(@group $items); })+
    };
    (@group { $($items:tt)* }) => {
        setters!(@items $($items)*);
    };
    (@items) => {};
    (@items dates; $($rest:tt)*) => {
        /// Start of the period (inclusive), PBX local time. Left out, the PBX uses today
        /// 00:00:00.
        pub fn dataini(self, start: DateTime) -> Self {
            self.set("dataini", datetime_text(start))
        }

        /// End of the period (inclusive), PBX local time. Left out, the PBX uses today
        /// 23:59:59.
        pub fn datafin(self, end: DateTime) -> Self {
            self.set("datafin", datetime_text(end))
        }

        /// One whole day: `dataini` 00:00:00 and `datafin` 23:59:59 of `day`.
        pub fn day(self, day: Date) -> Self {
            self.dataini(day.at(0, 0, 0, 0)).datafin(day.at(23, 59, 59, 0))
        }

        setters!(@items $($rest)*);
    };
    (@items $(#[$doc:meta])* text $part:ident; $($rest:tt)*) => {
        $(#[$doc])*
        pub fn $part(self, value: impl Into<String>) -> Self {
            self.set(stringify!($part), value)
        }

        setters!(@items $($rest)*);
    };
    (@items $(#[$doc:meta])* list $part:ident; $($rest:tt)*) => {
        $(#[$doc])*
        ///
        /// Sent as a JSON array (see [`crate::models::id_list`]).
        pub fn $part<S: AsRef<str>>(self, ids: &[S]) -> Self {
            let ids = id_list(ids);
            self.set(stringify!($part), ids)
        }

        setters!(@items $($rest)*);
    };
    (@items $(#[$doc:meta])* choice $part:ident: $ty:ty; $($rest:tt)*) => {
        $(#[$doc])*
        pub fn $part(self, value: $ty) -> Self {
            self.set(stringify!($part), value.as_str())
        }

        setters!(@items $($rest)*);
    };
}

request!(
    /// A `getAgent` request; see [`Client::get_agent`].
    GetAgentRequest -> Rows<Agent> = models::rows::<Agent>, fast models::fast_rows::<Agent>
);
request!(
    /// A `startCall` request; see [`Client::start_call`].
    StartCallRequest -> String = models::message
);
request!(
    /// A `cdrSearch` request; see [`Client::cdr_search`].
    CdrSearchRequest -> Rows<Cdr> = models::rows::<Cdr>, fast models::fast_rows::<Cdr>
);
request!(
    /// An `audioDownload` request; see [`Client::audio_download`].
    AudioDownloadRequest -> Recording = models::one::<Recording>, fast models::fast_one::<Recording>
);
request!(
    /// An `agentLogin` request; see [`Client::agent_login`].
    AgentLoginRequest -> String = models::message
);
request!(
    /// An `agentLogout` request; see [`Client::agent_logout`].
    AgentLogoutRequest -> String = models::message
);
request!(
    /// An `agentStatus` request; see [`Client::agent_status`].
    AgentStatusRequest -> Rows<AgentState> = models::rows::<AgentState>, fast models::fast_rows::<AgentState>
);
request!(
    /// A `getPauses` request; see [`Client::get_pauses`].
    GetPausesRequest -> Rows<Pause> = models::rows::<Pause>, fast models::fast_rows::<Pause>
);
request!(
    /// A `startPause` request; see [`Client::start_pause`].
    StartPauseRequest -> String = models::message
);
request!(
    /// An `endPause` request; see [`Client::end_pause`].
    EndPauseRequest -> String = models::message
);
request!(
    /// A `hangupCall` request; see [`Client::hangup_call`].
    HangupCallRequest -> String = models::message
);
request!(
    /// A `monitExten` request; see [`Client::monit_exten`].
    MonitExtenRequest -> String = models::message
);
request!(
    /// A `getExtens` request; see [`Client::get_extens`].
    GetExtensRequest -> Rows<Extension> = models::rows::<Extension>, fast models::fast_rows::<Extension>
);
request!(
    /// An `extenStatus` request; see [`Client::exten_status`].
    ExtenStatusRequest -> Rows<ExtensionState> = models::rows::<ExtensionState>, fast models::fast_rows::<ExtensionState>
);
request!(
    /// A `getQueue` request; see [`Client::get_queue`].
    GetQueueRequest -> Rows<Queue> = models::rows::<Queue>, fast models::fast_rows::<Queue>
);
request!(
    /// A `queueStatus` request; see [`Client::queue_status`].
    QueueStatusRequest -> Rows<QueueState> = models::rows::<QueueState>, fast models::fast_rows::<QueueState>
);
request!(
    /// A `cdrTariff` request; see [`Client::cdr_tariff`].
    CdrTariffRequest -> Rows<TariffCall> = models::rows::<TariffCall>, fast models::fast_rows::<TariffCall>
);
request!(
    /// A `listTrunk` request; see [`Client::list_trunk`].
    ListTrunkRequest -> Rows<Trunk> = models::rows::<Trunk>, fast models::fast_rows::<Trunk>
);
request!(
    /// A `listURA` request; see [`Client::list_ura`].
    ListUraRequest -> Rows<Ura> = models::rows::<Ura>, fast models::fast_rows::<Ura>
);
request!(
    /// A `startCallura` request; see [`Client::start_callura`].
    StartCalluraRequest -> String = models::message
);
request!(
    /// A `cdrURA` request; see [`Client::cdr_ura`].
    CdrUraRequest -> Rows<UraCall> = models::rows::<UraCall>, fast models::fast_rows::<UraCall>
);
request!(
    /// A `ccenterAgents` request; see [`Client::ccenter_agents`].
    CcenterAgentsRequest -> Rows<AgentReport> = models::rows::<AgentReport>, fast models::fast_rows::<AgentReport>
);
request!(
    /// A `ccenterAttendForms` request; see [`Client::ccenter_attend_forms`].
    CcenterAttendFormsRequest -> Rows<AttendForm> = models::rows::<AttendForm>, fast models::fast_rows::<AttendForm>
);
request!(
    /// A `ccenterCdr` request; see [`Client::ccenter_cdr`].
    CcenterCdrRequest -> Rows<CenterCall> = models::rows::<CenterCall>, fast models::fast_rows::<CenterCall>
);
request!(
    /// A `ccenterMetrics` request; see [`Client::ccenter_metrics`].
    CcenterMetricsRequest -> Value = models::value
);
request!(
    /// A `ccenterMetricsReports` request; see [`Client::ccenter_metrics_reports`].
    CcenterMetricsReportsRequest -> Vec<MetricsReport> = models::metrics_reports
);
request!(
    /// A synthetic `ccenterPauses` request (`report_type` 0); see [`Client::ccenter_pauses`].
    CcenterPausesRequest -> Rows<PauseSummary> = models::rows::<PauseSummary>, fast models::fast_rows::<PauseSummary>
);
request!(
    /// An analytic `ccenterPauses` request (`report_type` 1); see
    /// [`Client::ccenter_pause_events`].
    CcenterPauseEventsRequest -> Rows<PauseEvent> = models::rows::<PauseEvent>, fast models::fast_rows::<PauseEvent>
);
request!(
    /// A `ccenterSchedules` request; see [`Client::ccenter_schedules`].
    CcenterSchedulesRequest -> Rows<Schedule> = models::rows::<Schedule>, fast models::fast_rows::<Schedule>
);
request!(
    /// A synthetic `ccenterSessions` request (`report_type` 0); see [`Client::ccenter_sessions`].
    CcenterSessionsRequest -> Rows<SessionSummary> = models::rows::<SessionSummary>, fast models::fast_rows::<SessionSummary>
);
request!(
    /// An analytic `ccenterSessions` request (`report_type` 1); see
    /// [`Client::ccenter_session_events`].
    CcenterSessionEventsRequest -> Rows<SessionRecord> = models::rows::<SessionRecord>, fast models::fast_rows::<SessionRecord>
);
request!(
    /// A `ccenterSurvey` request; see [`Client::ccenter_survey`].
    CcenterSurveyRequest -> Rows<SurveyResult> = models::rows::<SurveyResult>, fast models::fast_rows::<SurveyResult>
);

setters!(StartCallRequest, StartCalluraRequest => {
    /// An id of yours for the call (`idcti`); cdrSearch, cdrURA and audioDownload find the call
    /// by it later.
    text idcti;
});
setters!(CdrSearchRequest => {
    dates;
    /// Only calls from this number or extension.
    text origem;
    /// Only calls to this number or extension.
    text destino;
    /// Only the call with this unique id (`bilheteunico`) or `idcti`.
    text idunico;
});
setters!(AudioDownloadRequest => {
    /// The audio format; left out, the PBX sends WAV (16-bit, 8000 Hz).
    choice formato: AudioFormat;
});
setters!(AgentLoginRequest => {
    /// The key queue (a call-center queue); left out, the agent's configured one is used.
    text filachave;
});
setters!(AgentStatusRequest => {
    /// Only this agent; left out, every agent.
    text agente;
});
setters!(GetExtensRequest => {
    /// Only this extension; left out, every extension.
    text ramal;
});
setters!(ExtenStatusRequest => {
    /// Which types of extension; left out, the PBX reports all.
    choice tipo: ExtenStatusFilter;
    /// Only this extension; left out, every extension.
    text ramal;
});
setters!(GetQueueRequest, QueueStatusRequest => {
    /// Only this queue; left out, every queue.
    text fila;
});
setters!(ListUraRequest => {
    /// Only the IVR with this id.
    text idura;
});
setters!(StartCalluraRequest => {
    /// Value of `{CTI_INFO1}` in the IVR's text prompts.
    text cti_info1;
    /// Value of `{CTI_INFO2}` in the IVR's text prompts.
    text cti_info2;
    /// Value of `{CTI_INFO3}` in the IVR's text prompts.
    text cti_info3;
    /// Value of `{CTI_INFO4}` in the IVR's text prompts.
    text cti_info4;
    /// Value of `{CTI_INFO5}` in the IVR's text prompts.
    text cti_info5;
    /// Value of `{CTI_INFO6}` in the IVR's text prompts.
    text cti_info6;
    /// Value of `{CTI_INFO7}` in the IVR's text prompts.
    text cti_info7;
    /// Value of `{CTI_INFO8}` in the IVR's text prompts.
    text cti_info8;
    /// Value of `{CTI_INFO9}` in the IVR's text prompts.
    text cti_info9;
    /// Value of `{CTI_INFO10}` in the IVR's text prompts.
    text cti_info10;
});
setters!(CdrUraRequest => {
    dates;
    /// Only calls through the IVR with this id.
    text idura;
    /// Only the call with this unique id or `idcti`.
    text idunico;
});
setters!(
    CdrTariffRequest, CcenterAgentsRequest, CcenterCdrRequest, CcenterMetricsRequest,
    CcenterPausesRequest, CcenterPauseEventsRequest, CcenterSessionsRequest,
    CcenterSessionEventsRequest => { dates; }
);
setters!(CcenterAttendFormsRequest, CcenterSurveyRequest => {
    dates;
    /// Only these agents (at least one of `agentes` and `filas` is required by
    /// ccenterAttendForms).
    list agentes;
    /// Only these queues (`Ativo` is outbound calls).
    list filas;
});
setters!(CcenterSchedulesRequest => {
    dates;
    /// Only these agents.
    list agentes;
});

impl HangupCallRequest<'_> {
    /// The number given is an agent, not an extension (sends `agente=yes`).
    pub fn agent(self) -> Self {
        self.set("agente", "yes")
    }
}

impl MonitExtenRequest<'_> {
    /// The monitored number (`dstramal`) is an agent, not an extension (sends `agente=yes`).
    pub fn agent(self) -> Self {
        self.set("agente", "yes")
    }

    /// How to monitor; left out, the PBX listens silently (`escuta`).
    pub fn tipo(self, tipo: MonitorTipo) -> Self {
        self.set("tipo", tipo.as_str())
    }
}

/// Gives list requests `.stream()`: their rows decoded as the answer arrives.
macro_rules! streams {
    ($($name:ident => $row:ty),+ $(,)?) => {
        $(impl $name<'_> {
            /// Sends the request and gives its rows as they arrive, each decoded into its model:
            /// memory stays the same whatever the number of rows. See [`RowStream`] for what
            /// ends a stream and what is retried.
            pub fn stream(self) -> RowStream<$row> {
                RowStream::open(self.call.client, self.call.resolve())
            }

            /// Sends the request and gives its rows as JSON as they arrive (see
            /// [`RawRowStream`]): for tools that print rows rather than use them.
            pub fn stream_raw(self) -> RawRowStream {
                RawRowStream::open(self.call.client, self.call.resolve())
            }
        })+
    };
}

streams!(
    GetAgentRequest => Agent,
    CdrSearchRequest => Cdr,
    AgentStatusRequest => AgentState,
    GetPausesRequest => Pause,
    GetExtensRequest => Extension,
    ExtenStatusRequest => ExtensionState,
    GetQueueRequest => Queue,
    QueueStatusRequest => QueueState,
    CdrTariffRequest => TariffCall,
    ListTrunkRequest => Trunk,
    ListUraRequest => Ura,
    CdrUraRequest => UraCall,
    CcenterAgentsRequest => AgentReport,
    CcenterAttendFormsRequest => AttendForm,
    CcenterCdrRequest => CenterCall,
    CcenterPausesRequest => PauseSummary,
    CcenterPauseEventsRequest => PauseEvent,
    CcenterSchedulesRequest => Schedule,
    CcenterSessionsRequest => SessionSummary,
    CcenterSessionEventsRequest => SessionRecord,
    CcenterSurveyRequest => SurveyResult,
);

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn typed_requests_are_send_futures() {
        let client = Client::new("http://127.0.0.1:9/", "t").unwrap();
        let day = jiff::civil::date(2025, 6, 2);
        assert_send(&client.cdr_search().day(day).origem("2001").into_future());
        assert_send(
            &client
                .ccenter_agents(&["600"], &["Ativo", "900"])
                .day(day)
                .into_future(),
        );
        assert_send(
            &client
                .audio_download("1")
                .formato(AudioFormat::Mp3)
                .into_future(),
        );
        assert_send(&client.audio_download("1").save("x.wav"));
        assert_send(&client.audio_download("1").send_raw());
    }
}
