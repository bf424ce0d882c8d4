//! Raw calls: an operation's answer as its response element's XML ([`XmlAnswer`]), for
//! operations the generator could not type and for one-way operations.

use crate::Client;
use crate::error::Result;
use crate::meta::OperationInfo;
use crate::raw_call::XmlAnswer;
use crate::redact::Secrets;
use crate::transport::Want;
use std::sync::Arc;

impl Client {
    /// Calls a raw operation `op` with one argument text per part, in WSDL order (as
    /// [`Client::call`]), and gives the answer's response element as XML. A fault is still
    /// [`crate::Error::Fault`]; limits, timeouts and retries (reads only, see [`crate::is_read`])
    /// are those of every call.
    pub async fn call_xml(
        &self,
        op: &'static OperationInfo,
        args: Vec<Option<String>>,
    ) -> Result<XmlAnswer> {
        self.call_element(op, args, false).await
    }

    /// [`Client::call_xml`] for a one-way operation (no output message): HTTP 200 or 202 with an
    /// empty body is a success with an empty answer.
    pub async fn call_one_way(
        &self,
        op: &'static OperationInfo,
        args: Vec<Option<String>>,
    ) -> Result<XmlAnswer> {
        self.call_element(op, args, true).await
    }

    async fn call_element(
        &self,
        op: &'static OperationInfo,
        args: Vec<Option<String>>,
        one_way: bool,
    ) -> Result<XmlAnswer> {
        let send = move |body, secrets: Arc<Secrets>| async move {
            let (xml, _) = self.element_answer(op, body, &secrets, one_way).await?;
            Ok(XmlAnswer {
                operation: op.name,
                xml,
                secrets,
            })
        };
        self.call_sending(op, args, send, |_| "ok").await
    }

    /// Posts `body` (retrying a read as the policy says) and gives the answer's response
    /// element as self-contained XML, with the attempt's deadline; `one_way`: an empty Body is
    /// the answer. Raw calls and typed calls both read their answers so.
    pub(crate) async fn element_answer(
        &self,
        op: &'static OperationInfo,
        body: String,
        secrets: &Secrets,
        one_way: bool,
    ) -> Result<(String, std::time::Instant)> {
        let want = Want::Element { one_way };
        let attempt = |body| self.send_once_for(op, body, want);
        crate::retry::run_attempts(self.inner.settings.retries, op, body, secrets, attempt).await
    }
}
