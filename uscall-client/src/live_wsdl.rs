//! The PBX's live WSDL against the operations compiled into this client: fetching `?wsdl`, the
//! semantic diff ([`Client::check_wsdl`]), and the opt-in guard that refuses to send a part the
//! live WSDL lacks ([`ClientBuilder::check_live_wsdl`](crate::ClientBuilder::check_live_wsdl)).
//!
//! Why it matters: PHP's ext/soap `SoapServer` binds rpc parts by name and sets a part it does
//! not know to NULL without an error, and NuSOAP binds them by position; either way a part this
//! client sends under a name (or at a position) the PBX no longer has is silently dropped or
//! misread, and a filtered report comes back unfiltered.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::meta::{self, OperationInfo, Ty};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use uscall_codegen::diff::{self, OperationShape, PartShape};
use uscall_codegen::model;

pub use uscall_codegen::diff::{Change, ChangeKind};

/// The name errors about fetching or reading the WSDL carry where a call's carry its operation.
pub const WSDL_REQUEST: &str = "?wsdl";

/// The PBX's WSDL as fetched, with what the answer's head said.
#[derive(Debug, Clone)]
pub struct LiveWsdl {
    /// The document's bytes, as served.
    pub bytes: Vec<u8>,
    /// The HTTP `Date` header (the PBX's clock), when it sent one.
    pub date: Option<String>,
    /// The HTTP `Server` header, when it sent one.
    pub server: Option<String>,
    /// From sending the request to the last byte of the answer.
    pub elapsed: Duration,
}

/// The live WSDL's parts, by operation, in order: what the guard checks calls against.
#[derive(Debug)]
pub(crate) struct LiveParts(BTreeMap<String, Vec<String>>);

impl Client {
    /// Fetches the PBX's WSDL (`GET <endpoint>?wsdl`) with the client's TLS trust, time limit
    /// and body-size limit. Errors name the request `?wsdl` ([`WSDL_REQUEST`]).
    pub async fn fetch_wsdl(&self) -> Result<LiveWsdl> {
        let endpoint = &self.inner.endpoint;
        let mut shown = endpoint.clone();
        shown.set_query(Some("wsdl"));
        let _ = shown.set_password(None);
        let _ = shown.set_username("");
        let fail = |e| self.transport_at(WSDL_REQUEST, shown.to_string(), e);
        let started = Instant::now();
        let timeout = self.inner.settings.timeout;
        let request = crate::http::exchange::Outgoing {
            method: hyper::Method::GET,
            path: endpoint.path(),
            query: Some("wsdl"),
            content_type: None,
            action: None,
            body: bytes::Bytes::new(),
            timeout,
            deadline: crate::transport::deadline_after(timeout),
        };
        let response = self
            .inner
            .http
            .send(endpoint, request)
            .await
            .map_err(fail)?;
        let header = |name| {
            response
                .headers
                .get(name)
                .and_then(|v: &hyper::header::HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        let (date, server) = (header("date"), header("server"));
        let content_type = header("content-type");
        let status = response.status;
        let limit = self.inner.settings.max_response_bytes;
        let bytes = crate::http::body::body(response, WSDL_REQUEST, limit, fail).await?;
        if !(200..300).contains(&status) {
            let excerpt = crate::text::excerpt(&String::from_utf8_lossy(&bytes), 0);
            return Err(Error::Http {
                operation: WSDL_REQUEST,
                status,
                content_type,
                excerpt: crate::redact::redact(&excerpt, &self.inner.token.0),
            });
        }
        Ok(LiveWsdl {
            bytes,
            date,
            server,
            elapsed: started.elapsed(),
        })
    }

    /// How the PBX's live WSDL differs from the one this client was generated from: operations
    /// added and removed; parts added, removed, renamed, reordered or retyped; style, use,
    /// namespace, SOAPAction, SOAP version and endpoint path; documentation (not on the wire,
    /// see [`ChangeKind::is_wire`]). Empty when they agree. The same comparison as
    /// `cargo xtask regen --check --url`.
    pub async fn check_wsdl(&self) -> Result<Vec<Change>> {
        let live = self.fetch_wsdl().await?;
        compare(&live.bytes)
    }

    /// Refuses, with [`Error::LiveWsdlMismatch`], a call to `op` that would send a part the
    /// live WSDL lacks or has elsewhere; fetches the live WSDL on first use when the guard is on
    /// (a failed fetch is not kept: the next call tries again). Nothing is checked when it is off.
    pub(crate) async fn guard(&self, op: &'static OperationInfo, sent: &[bool]) -> Result<()> {
        let Some(cell) = &self.inner.live_parts else {
            return Ok(());
        };
        let live = cell
            .get_or_try_init(|| async {
                let wsdl = self.fetch_wsdl().await?;
                live_parts(&wsdl.bytes).map(Arc::new)
            })
            .await?;
        live.check(op, sent)
    }
}

/// The changes from the compiled operations to the WSDL in `live` (see [`Client::check_wsdl`]).
pub fn compare(live: &[u8]) -> Result<Vec<Change>> {
    compare_with(crate::OPERATIONS, live)
}

/// [`compare`] for another generated table than this crate's (a client generated from another
/// WSDL).
pub fn compare_with(operations: &[&OperationInfo], live: &[u8]) -> Result<Vec<Change>> {
    let api = lowered(live)?;
    let compiled: Vec<OperationShape> = operations.iter().map(|op| shape(op)).collect();
    let live: Vec<OperationShape> = api.operations.iter().map(OperationShape::from).collect();
    Ok(diff::operations(&compiled, &live))
}

/// The live WSDL read as the generator reads it, with the USCall answer convention.
fn lowered(bytes: &[u8]) -> Result<model::Api> {
    let unreadable = |message: String| Error::Malformed {
        operation: WSDL_REQUEST,
        message: format!("the live WSDL cannot be read: {message}"),
        excerpt: String::new(),
    };
    let definitions = uscall_codegen::parse::bytes(bytes).map_err(|e| unreadable(e.to_string()))?;
    let settings = uscall_codegen::lower::Settings {
        soap: None,
        json_answers: true,
    };
    uscall_codegen::lower::api_with(&definitions, settings).map_err(|e| unreadable(e.to_string()))
}

fn live_parts(bytes: &[u8]) -> Result<LiveParts> {
    let api = lowered(bytes)?;
    Ok(LiveParts(
        api.operations
            .iter()
            .map(|op| {
                let parts = op.params.iter().map(|p| p.xml_name.clone()).collect();
                (op.xml_name.clone(), parts)
            })
            .collect(),
    ))
}

impl LiveParts {
    /// Every part `op` sends (`sent[i]` for its i-th part) must be in the live operation, at the
    /// same position: ext/soap drops an unknown name, NuSOAP binds by position.
    fn check(&self, op: &'static OperationInfo, sent: &[bool]) -> Result<()> {
        let mismatch = |part: Option<&'static str>, problem: String| Error::LiveWsdlMismatch {
            operation: op.name,
            part,
            problem,
        };
        let Some(live) = self.0.get(op.name) else {
            return Err(mismatch(
                None,
                "the PBX's live WSDL has no such operation".to_owned(),
            ));
        };
        for (i, param) in op.params.iter().enumerate() {
            if !sent.get(i).copied().unwrap_or(false) {
                continue;
            }
            match live.iter().position(|name| name == param.name) {
                None => {
                    let there = live
                        .get(i)
                        .filter(|name| !op.params.iter().any(|p| p.name == name.as_str()))
                        .map(|name| format!(" (it has `{name}` at that position)"))
                        .unwrap_or_default();
                    return Err(mismatch(
                        Some(param.name),
                        format!(
                            "the PBX's live WSDL has no part `{}`{there}: a server binding parts \
                             by name (PHP ext/soap) would ignore it",
                            param.name
                        ),
                    ));
                }
                Some(at) if at != i => {
                    return Err(mismatch(
                        Some(param.name),
                        format!(
                            "part `{}` is at position {} in the PBX's live WSDL, {} here: a \
                             server binding parts by position (NuSOAP) would read it as another",
                            param.name,
                            at + 1,
                            i + 1
                        ),
                    ));
                }
                Some(_) => {}
            }
        }
        Ok(())
    }
}

/// A compiled operation as the comparison sees it.
fn shape(op: &OperationInfo) -> OperationShape {
    OperationShape {
        name: op.name.to_owned(),
        style: match op.style {
            meta::Style::Rpc => model::Style::Rpc,
            meta::Style::Document => model::Style::Document,
            meta::Style::Bare => model::Style::Bare,
        },
        body_use: match op.body_use {
            meta::Use::Encoded => model::Use::Encoded,
            meta::Use::Literal => model::Use::Literal,
        },
        namespace: op.namespace.to_owned(),
        soap_action: op.soap_action.to_owned(),
        soap_version: match op.soap_version {
            meta::SoapVersion::Soap11 => model::SoapVersion::Soap11,
            meta::SoapVersion::Soap12 => model::SoapVersion::Soap12,
        },
        path: op.path.map(str::to_owned),
        params: op
            .params
            .iter()
            .map(|p| PartShape {
                name: p.name.to_owned(),
                xsd_type: p.xsd_type.to_owned(),
                ty: type_ref(p.ty),
                many: p.many,
            })
            .collect(),
        outputs: op
            .outputs
            .iter()
            .map(|f| (f.name.to_owned(), type_ref(f.ty)))
            .collect(),
        summary: op.summary.to_owned(),
        documentation: op.documentation.to_owned(),
    }
}

fn type_ref(ty: Ty) -> model::TypeRef {
    match ty {
        Ty::Simple(b) => model::TypeRef::Simple(builtin(b)),
        Ty::List(b) => model::TypeRef::List(builtin(b)),
        Ty::Named(info) => model::TypeRef::Named(info.rust_name.to_owned()),
        Ty::Any => model::TypeRef::Any,
    }
}

/// The same built-in in the generator's model.
fn builtin(b: meta::Builtin) -> model::Builtin {
    use meta::Builtin as B;
    use model::Builtin as M;
    match b {
        B::String => M::String,
        B::Boolean => M::Boolean,
        B::Byte => M::Byte,
        B::Short => M::Short,
        B::Int => M::Int,
        B::Long => M::Long,
        B::Integer => M::Integer,
        B::UnsignedByte => M::UnsignedByte,
        B::UnsignedShort => M::UnsignedShort,
        B::UnsignedInt => M::UnsignedInt,
        B::UnsignedLong => M::UnsignedLong,
        B::Float => M::Float,
        B::Double => M::Double,
        B::Decimal => M::Decimal,
        B::Date => M::Date,
        B::DateTime => M::DateTime,
        B::Time => M::Time,
        B::Duration => M::Duration,
        B::Base64Binary => M::Base64Binary,
        B::HexBinary => M::HexBinary,
        B::AnyUri => M::AnyUri,
    }
}
