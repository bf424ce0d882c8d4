//! The wire: request envelopes out; answers in (charsets, the SOAP envelope, the return text,
//! streaming, raw XML), and the values of XSD types both ways. Knows nothing of HTTP or of the
//! typed overlay.

pub(crate) mod charset;
pub(crate) mod envelope;
pub(crate) mod json_print;
pub(crate) mod raw_call;
pub(crate) mod response;
pub(crate) mod scan;
pub(crate) mod stream;
pub(crate) mod text;
pub mod value;
pub mod xsd;
