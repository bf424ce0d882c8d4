#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod answer;
mod answer_text;
mod builder;
mod client;
mod dry_run;
mod error;
pub mod flat;
#[doc(hidden)]
pub mod fuzzing;
#[rustfmt::skip]
mod generated;
mod http;
pub mod live_wsdl;
pub mod meta;
mod overlay;
mod raw_calls;
mod redact;
mod typed_call;
mod wire;

// The layers' modules by their short names, for the crate's own paths.
use http::{retry, rows, tls, transport};
use wire::{charset, envelope, json_print, raw_call, response, stream, text};

pub use overlay::{enums, models, typed};
pub use wire::{value, xsd};

pub use answer::Response;
pub use answer_text::AnswerText;
pub use builder::{ClientBuilder, install_crypto_provider};
pub use client::{
    Client, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_PATH, DEFAULT_TIMEOUT, Raw,
};
pub use error::{Error, Fault, HttpError, Result};
/// Every operation of the WSDL, in WSDL order; the command line is built from this table.
pub use generated::OPERATIONS;
/// The date and time crate of the public API (`xsd:date`, `xsd:time` values), re-exported so that
/// generated code and applications use the same version.
pub use jiff;
pub use raw_call::XmlAnswer;
/// The HTTP client crate, for [`ClientBuilder::http_client`]: the same version this crate uses.
pub use reqwest;
pub use retry::{Retries, is_read};
/// The TLS trust crate of the public API ([`Client::tls_trust`]).
pub use uscall_tls;
/// The request builders of the generated methods, one per WSDL operation.
pub mod requests {
    pub use crate::generated::*;
}

/// The workspace README's Rust examples, compiled as doctests so they cannot rot; only inside the
/// workspace, since the packaged crate does not contain that README (see build.rs).
#[cfg(all(doctest, uscall_workspace))]
#[doc = include_str!("../../README.md")]
pub struct WorkspaceReadme;
