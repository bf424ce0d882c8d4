//! What errors carry beyond their message: a row that did not decode, the kind of a refusal,
//! and how to check an action whose outcome is unknown. Here, below the layers that make them,
//! so that the error type knows nothing of the models or of retrying.

use std::fmt;

/// One row of a list answer that did not decode into its model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The operation's wire name.
    pub operation: &'static str,
    /// The row's position in the answer, from 0.
    pub row: usize,
    /// The row's key when `retorno` is an object keyed by id (e.g. an extension number).
    pub key: Option<String>,
    /// The field at fault (a path such as `numeros[1].tempo` for nested values), if known.
    pub field: Option<String>,
    /// The field's raw text as the PBX wrote it (the whole row when the field is unknown).
    pub raw: String,
    /// What was expected.
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: row {}", self.operation, self.row)?;
        if let Some(key) = &self.key {
            write!(f, " ({key})")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", field `{field}`")?;
        }
        write!(f, ": {} (raw {:?})", self.message, self.raw)
    }
}

impl std::error::Error for RowError {}

/// What kind of refusal a service message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ServiceErrorKind {
    /// The token is wrong or expired (`Token inválido`).
    InvalidToken,
    /// An agent, extension, queue, recording... does not exist (`Agente não encontrado`).
    NotFound,
    /// A required parameter is missing (`Parâmetro obrigatório ausente: agente`).
    MissingParameter,
    /// A parameter has a value the service does not accept (`Senha inválida`).
    InvalidParameter,
    /// Any other refusal or failure the service reports.
    Other,
}

/// How to find out whether an action whose answer was lost took effect: the advice of
/// [`Error::OutcomeUnknown`].
pub(crate) fn how_to_check(operation: &str) -> &'static str {
    match operation {
        "startCall" | "startCallura" => {
            "look the call up with cdrSearch (idunico = the idcti you sent, or by destino and time)"
        }
        "hangupCall" | "monitExten" => "check the line with extenStatus (agentStatus for an agent)",
        "agentLogin" | "agentLogout" | "startPause" | "endPause" => {
            "check the agent with agentStatus"
        }
        _ => "check the PBX's state",
    }
}
