//! The request envelope of a call, built as a call would build it but never sent, with its
//! secrets redacted: what `uscall --dry-run` prints.

use crate::Client;
use crate::envelope;
use crate::error::{Error, Result};
use crate::meta::OperationInfo;
use crate::redact::Secrets;
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
        check_arity(op, args.len())?;
        let token = self.inner.token.0.as_str();
        let values: Vec<Option<&str>> = op
            .params
            .iter()
            .zip(&args)
            .map(|(p, a)| if p.token { Some(token) } else { a.as_deref() })
            .collect();
        let secrets = Secrets::of_call(
            token,
            op.params.iter().map(|p| p.name).zip(values.iter().copied()),
        );
        let body = envelope::build(op, &values).map_err(|bad| Error::InvalidCharacter {
            operation: op.name,
            param: bad.param,
            character: bad.character,
            position: bad.position,
        })?;
        Ok(secrets.redact(&body).into_owned())
    }

    /// [`Client::envelope`] with one [`Value`] per part, as [`Client::call_values`] takes them.
    pub fn envelope_values(
        &self,
        op: &'static OperationInfo,
        args: Vec<Option<Value>>,
    ) -> Result<String> {
        check_arity(op, args.len())?;
        let (body, secrets) = self.build_values(op, &args)?;
        Ok(secrets.redact(&body).into_owned())
    }
}

fn check_arity(op: &'static OperationInfo, got: usize) -> Result<()> {
    if got == op.params.len() {
        Ok(())
    } else {
        Err(Error::Arity {
            operation: op.name,
            expected: op.params.len(),
            got,
        })
    }
}
