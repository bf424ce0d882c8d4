//! The typed overlay of the USCall answers: the JSON inside the return string as models, the
//! documented `status` and `tipo` values as tolerant enums, and the typed requests.

pub mod enums;
pub mod models;
pub mod typed;
