#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

mod answer;
mod answer_text;
mod charset;
mod client;
mod envelope;
mod error;
#[doc(hidden)]
pub mod fuzzing;
#[rustfmt::skip]
mod generated;
pub mod enums;
mod json_print;
pub mod meta;
pub mod models;
mod raw_call;
mod redact;
mod response;
mod retry;
mod stream;
mod text;
mod tls;
mod transport;
pub mod typed;
mod typed_call;
pub mod value;
pub mod xsd;

pub use answer::Response;
pub use answer_text::AnswerText;
pub use client::{
    Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_PATH,
    DEFAULT_TIMEOUT, Raw,
};
pub use error::{Error, Fault, Result};
/// Every operation of the WSDL, in WSDL order; the command line is built from this table.
pub use generated::OPERATIONS;
/// The date and time crate of the public API (`xsd:date`, `xsd:time` values), re-exported so that
/// generated code and applications use the same version.
pub use jiff;
pub use raw_call::XmlAnswer;
pub use retry::{Retries, is_read};
/// The request builders of the generated methods, one per WSDL operation.
pub mod requests {
    pub use crate::generated::*;
}

/// The workspace README's Rust examples, compiled as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct WorkspaceReadme;
