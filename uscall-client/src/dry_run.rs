//! The request envelope of a call, built as a call would build it but never sent, with its
//! secrets redacted: what `uscall --dry-run` prints.

use crate::Client;
use crate::envelope::Args;
use crate::error::Result;
use crate::meta::OperationInfo;
use crate::value::Value;

impl Client {
    /// The SOAP envelope [`Client::call`] would post for `op` with `args` (one text per part,
    /// in WSDL order; the token part is filled in by the client), with the token and every
    /// secret part shown as `<redacted>`. Nothing is sent: this is a dry run, the way to see
    /// what an action such as startCall would dial. A value the envelope cannot carry is the
    /// same error a call gives.
    pub fn envelope(
        &self,
        op: &'static OperationInfo,
        args: Vec<Option<String>>,
    ) -> Result<String> {
        self.redacted_envelope(op, &Args::Texts(args))
    }

    /// [`Client::envelope`] with one [`Value`] per part, as [`Client::call_values`] takes them.
    pub fn envelope_values(
        &self,
        op: &'static OperationInfo,
        args: Vec<Option<Value>>,
    ) -> Result<String> {
        self.redacted_envelope(op, &Args::Values(args))
    }

    fn redacted_envelope(&self, op: &'static OperationInfo, args: &Args) -> Result<String> {
        let (body, secrets) = self.build_envelope(op, args)?;
        Ok(secrets.redact(&body).into_owned())
    }
}
