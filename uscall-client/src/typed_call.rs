//! Calls whose parts are [`Value`]s of their declared types, and whose answers are read by the
//! operation's declared outputs into a Rust type ([`SoapValue`]).

use crate::envelope::{self, Args};
use crate::error::{Error, Result};
use crate::meta::OperationInfo;
use crate::redact::Secrets;
use crate::value::tree::Element;
use crate::value::{SoapValue, Value, read};
use crate::{Client, Response};
use std::sync::Arc;

/// At most this many characters of the answer are kept in a decoding error's excerpt.
const EXCERPT_CHARS: usize = 200;

impl Client {
    /// [`Client::call`] with one [`Value`] per part, in WSDL order, each written by its part's
    /// declared type (structs, arrays, lists, enums; simple values as their text). `None` leaves
    /// a part out; the token part is filled in by the client whatever is passed. The answer is
    /// the service's JSON string, as for [`Client::call`]; reads are retried, actions never.
    pub async fn call_values(
        &self,
        op: &'static OperationInfo,
        args: Vec<Option<Value>>,
    ) -> Result<Response> {
        self.call_with(
            op,
            Args::Values(args),
            Response::parse_with,
            crate::client::response_outcome,
        )
        .await
    }

    /// Calls `op` with one [`Value`] per part (as [`Client::call_values`]) and reads its answer
    /// by the operation's declared outputs into `T`: the single output's type, a struct of
    /// them, or `()` for an operation without any (then HTTP 200 or 202 with an empty body is
    /// a success). A fault is [`Error::Fault`]; an answer that does not match its declared
    /// type is [`Error::Malformed`], naming where (it is never
    /// [`Error::OutcomeUnknown`]: the answer did arrive).
    pub async fn call_typed<T: SoapValue + Send + 'static>(
        &self,
        op: &'static OperationInfo,
        args: Vec<Option<Value>>,
    ) -> Result<T> {
        self.call_reading(op, args, |value, _| {
            T::from_value(value).map_err(|e| mismatch(op, &e))
        })
        .await
    }

    /// [`Client::call_typed`] for dynamic callers such as the command line: the answer read by
    /// the operation's declared outputs as JSON (see [`crate::value::json::answer_to_json`]),
    /// with the call's secrets taken out as [`Response::into_redacted_json`] takes them out.
    pub async fn call_json(
        &self,
        op: &'static OperationInfo,
        args: Vec<Option<Value>>,
    ) -> Result<serde_json::Value> {
        self.call_reading(op, args, |value, secrets| {
            let mut json = crate::value::json::answer_to_json(&value, op.outputs);
            crate::answer::redact_value(&mut json, secrets);
            Ok(json)
        })
        .await
    }

    /// Calls `op` with values and reads its answer by its declared outputs into a [`Value`],
    /// which `finish` turns into what the caller wants, given the call's secrets.
    async fn call_reading<T: Send + 'static>(
        &self,
        op: &'static OperationInfo,
        args: Vec<Option<Value>>,
        finish: impl FnOnce(Value, &Secrets) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let one_way = op.outputs.is_empty();
        let send = move |body, secrets: Arc<Secrets>| async move {
            let (xml, deadline) = self.element_answer(op, body, &secrets, one_way).await?;
            self.decoding(op, xml.len(), deadline, move || {
                finish(decode(op, &xml)?, &secrets)
            })
            .await
        };
        self.call_sending(op, Args::Values(args), send, |_| "ok")
            .await
    }

    /// The envelope of a call with values, the token part filled in, and the call's secrets
    /// (the token and the texts of password parts).
    pub(crate) fn build_values(
        &self,
        op: &'static OperationInfo,
        args: &[Option<Value>],
    ) -> Result<(String, Arc<Secrets>)> {
        let token = Value::Text(self.inner.token.0.clone());
        let values: Vec<Option<&Value>> = op
            .params
            .iter()
            .zip(args)
            .map(|(p, a)| if p.token { Some(&token) } else { a.as_ref() })
            .collect();
        let texts = values.iter().map(|v| match v {
            Some(Value::Text(text)) => Some(text.as_str()),
            _ => None,
        });
        let secrets = Arc::new(Secrets::of_call(
            &self.inner.token.0,
            op.params.iter().map(|p| p.name).zip(texts),
        ));
        let body = envelope::build_values(op, &values).map_err(|bad| {
            secrets.error(Error::InvalidValue {
                operation: op.name,
                param: bad.param,
                expected: "a value of its declared type",
                value: bad.error.to_string(),
            })
        })?;
        Ok((body, secrets))
    }
}

/// Reads the response element's XML (empty for a one-way answer) by `op.outputs`.
fn decode(op: &'static OperationInfo, xml: &str) -> Result<Value> {
    if xml.trim().is_empty() {
        return Ok(Value::Nil);
    }
    let malformed = |message: String| Error::Malformed {
        operation: op.name,
        message,
        excerpt: xml.chars().take(EXCERPT_CHARS).collect(),
    };
    let element = Element::parse(xml)
        .map_err(|e| malformed(format!("the response element is not readable: {e}")))?;
    read::read_answer(&element, op.outputs)
        .map_err(|e| malformed(format!("the answer does not match its declared type: {e}")))
}

/// An answer read, but not of the Rust type asked for.
fn mismatch(op: &'static OperationInfo, error: &crate::value::ValueError) -> Error {
    Error::Malformed {
        operation: op.name,
        message: format!("the answer does not match its declared type: {error}"),
        excerpt: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meta::{Builtin, FieldForm, FieldInfo, Occurs, Ty};

    static OUT: [FieldInfo; 1] = [FieldInfo {
        name: "return",
        rust_name: "r#return",
        namespace: None,
        ty: Ty::Simple(Builtin::Int),
        occurs: Occurs::One,
        form: FieldForm::Element,
        nillable: false,
    }];

    fn op(outputs: &'static [FieldInfo]) -> &'static OperationInfo {
        let base = Client::operation("getExtens").unwrap();
        Box::leak(Box::new(OperationInfo { outputs, ..*base }))
    }

    /// What `call_typed::<T>` makes of the response element `xml`.
    fn decode_as<T: SoapValue>(op: &'static OperationInfo, xml: &str) -> Result<T> {
        decode(op, xml).and_then(|v| T::from_value(v).map_err(|e| mismatch(op, &e)))
    }

    #[test]
    fn decodes_the_declared_output_or_says_where_it_does_not_fit() {
        let op = op(&OUT);
        let xml = "<ns1:addResponse xmlns:ns1=\"urn:x\"><addReturn>5</addReturn></ns1:addResponse>";
        assert_eq!(decode_as::<i32>(op, xml).unwrap(), 5);
        let bad = "<r><return>five</return></r>";
        let err = decode_as::<i32>(op, bad).unwrap_err();
        assert!(matches!(err, Error::Malformed { .. }), "{err:?}");
        assert!(err.to_string().contains("an xsd:int (i32)"), "{err}");
        let err = decode_as::<i32>(op, "<r><return>").unwrap_err();
        assert!(matches!(err, Error::Malformed { .. }), "{err:?}");
    }

    #[test]
    fn an_answer_of_nothing_is_unit() {
        let op = op(&[]);
        decode_as::<()>(op, "").unwrap();
        decode_as::<()>(op, "<r/>").unwrap();
    }

    /// A server that answers one request with `status` and `body`, and hands back the request.
    async fn serve_once(
        status: &'static str,
        body: &'static str,
    ) -> (String, tokio::task::JoinHandle<String>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                let n = socket.read(&mut buf).await.unwrap();
                request.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&request).into_owned();
                if let Some(head_end) = text.find("\r\n\r\n") {
                    let length: usize = text[..head_end]
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse().unwrap())
                        })
                        .unwrap_or(0);
                    if request.len() >= head_end + 4 + length {
                        break;
                    }
                }
                if n == 0 {
                    break;
                }
            }
            let answer = format!(
                "HTTP/1.1 {status}\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            socket.write_all(answer.as_bytes()).await.unwrap();
            String::from_utf8_lossy(&request).into_owned()
        });
        (url, task)
    }

    fn envelope(body: &str) -> String {
        format!(
            "<?xml version=\"1.0\"?><SOAP-ENV:Envelope xmlns:SOAP-ENV=\"http://schemas.xmlsoap.org/soap/envelope/\" \
             xmlns:ns1=\"urn:x\"><SOAP-ENV:Body>{body}</SOAP-ENV:Body></SOAP-ENV:Envelope>"
        )
    }

    /// An action (never retried) whose token part is filled in by the client.
    fn action(outputs: &'static [FieldInfo]) -> &'static OperationInfo {
        let base = Client::operation("hangupCall").unwrap();
        static PARAMS: [crate::meta::ParamInfo; 2] = [
            crate::meta::ParamInfo {
                name: "token",
                rust_name: "token",
                cli_name: "token",
                xsd_type: "xsd:string",
                kind: crate::meta::XsdKind::String,
                required: true,
                token: true,
                namespace: None,
                ty: Ty::Simple(Builtin::String),
                many: false,
            },
            crate::meta::ParamInfo {
                name: "ramais",
                rust_name: "ramais",
                cli_name: "ramais",
                xsd_type: "xsd:int",
                kind: crate::meta::XsdKind::Integer,
                required: true,
                token: false,
                namespace: None,
                ty: Ty::List(Builtin::Int),
                many: false,
            },
        ];
        Box::leak(Box::new(OperationInfo {
            outputs,
            params: &PARAMS,
            ..*base
        }))
    }

    fn numbers() -> Vec<Option<Value>> {
        vec![None, Some(vec![1, 2].to_value())]
    }

    #[tokio::test]
    async fn a_typed_call_sends_values_and_reads_its_answer() {
        let body: &'static str =
            Box::leak(envelope("<ns1:r><addReturn>5</addReturn></ns1:r>").into_boxed_str());
        let (url, request) = serve_once("200 OK", body).await;
        let client = Client::new(&url, "sekret").unwrap();
        let answer: i32 = client.call_typed(action(&OUT), numbers()).await.unwrap();
        assert_eq!(answer, 5);
        let request = request.await.unwrap();
        assert!(
            request.contains("<token xsi:type=\"xsd:string\">sekret</token><ramais xsi:type=\"xsd:int\">1 2</ramais>"),
            "{request}"
        );
    }

    #[tokio::test]
    async fn an_answer_of_the_wrong_type_is_malformed_and_redacted_never_outcome_unknown() {
        let body: &'static str =
            Box::leak(envelope("<ns1:r><return>sekret</return></ns1:r>").into_boxed_str());
        let (url, _request) = serve_once("200 OK", body).await;
        let client = Client::new(&url, "sekret").unwrap();
        let err = client
            .call_typed::<i32>(action(&OUT), numbers())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Malformed { .. }), "{err:?}");
        assert!(!format!("{err:?}").contains("sekret"), "{err:?}");
    }

    #[tokio::test]
    async fn a_one_way_call_takes_an_empty_202_and_faults_stay_faults() {
        let (url, _request) = serve_once("202 Accepted", "").await;
        let client = Client::new(&url, "t").unwrap();
        client
            .call_typed::<()>(action(&[]), numbers())
            .await
            .unwrap();
        let fault: &'static str = Box::leak(
            envelope(
                "<SOAP-ENV:Fault><faultcode>SOAP-ENV:Server</faultcode>\
                 <faultstring>no</faultstring></SOAP-ENV:Fault>",
            )
            .into_boxed_str(),
        );
        let (url, _request) = serve_once("500 Internal Server Error", fault).await;
        let client = Client::new(&url, "t").unwrap();
        let err = client
            .call_typed::<i32>(action(&OUT), numbers())
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Fault { .. }), "{err:?}");
    }
}
