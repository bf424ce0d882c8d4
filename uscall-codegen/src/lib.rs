//! Generates the uscall Rust client from a WSDL: WSDL bytes in, Rust source text out.
//!
//! The pipeline has one stage per module, each testable on its own:
//! [`decode::text`] → [`parse::definitions`] → [`lower::api`] → [`emit::file`] → [`render::file`].
//! No stage touches the disk or the network.
#![deny(missing_docs)]

pub mod decode;
pub mod diff;
pub mod docs;
#[cfg(feature = "emit")]
pub mod emit;
mod error;
pub mod lower;
mod lower_raw;
pub mod model;
pub mod names;
pub mod parse;
#[cfg(feature = "emit")]
pub mod render;
pub mod wsdl;

pub use error::Error;

/// How to generate.
#[cfg(feature = "emit")]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The WSDL path shown in the header, e.g. `wsdl/wsuscall.wsdl`.
    pub source: String,
    /// The SOAP version to generate from where a port type is bound in both; `None` is SOAP 1.1.
    pub soap: Option<model::SoapVersion>,
    /// The USCall convention: an answer of one string is JSON, returned as the runtime's
    /// `Response` (`cargo xtask regen` sets it); otherwise such an answer is a `String`.
    pub json_answers: bool,
    /// The crate the file is generated into.
    pub target: emit::Target,
    /// Local copies of the schema documents the WSDL imports by `schemaLocation`, keyed by the
    /// location as written (see [`wsdl::Definitions::schema_locations`]). The generator never
    /// fetches one; an operation needing a type from a missing one becomes raw, with a warning.
    pub schemas: Vec<(String, Vec<u8>)>,
}

/// The generated file and the model it was generated from.
#[cfg(feature = "emit")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The Rust source, header included.
    pub code: String,
    /// The lowered model, for callers that want to report on it.
    pub api: model::Api,
    /// One per operation generated as a raw method, in WSDL order.
    pub warnings: Vec<Warning>,
    /// Choices made that are not warnings (the SOAP version of a port type bound in both), one
    /// sentence each; the same as `api.notes`.
    pub notes: Vec<String>,
}

/// An operation the generator could not express, generated as a raw method instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The operation's wire name.
    pub operation: String,
    /// Why, naming the construct (`part `a` of type `tns:A`, which is a complex type, is not
    /// supported`).
    pub reason: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "operation `{}`: {}; generated as a raw method",
            self.operation, self.reason
        )
    }
}

impl model::Api {
    /// A warning per raw operation.
    pub fn warnings(&self) -> Vec<Warning> {
        self.operations
            .iter()
            .filter_map(|op| {
                op.raw.as_ref().map(|raw| Warning {
                    operation: op.xml_name.clone(),
                    reason: raw.reason.clone(),
                })
            })
            .collect()
    }
}

#[cfg(feature = "emit")]
/// Turns WSDL bytes into the Rust source of the client's `generated.rs`.
pub fn generate(wsdl: &[u8], options: &Options) -> Result<Generated, Error> {
    let mut definitions = parse::bytes(wsdl)?;
    for (location, bytes) in &options.schemas {
        definitions
            .schemas
            .push(parse::schema_bytes(bytes, location)?);
    }
    let api = lower::api_with(
        &definitions,
        lower::Settings {
            soap: options.soap,
            json_answers: options.json_answers,
        },
    )?;
    let header = render::Header {
        source: options.source.clone(),
        soap: options.soap,
    };
    let code = render_in_parallel(&api, &header, options.target)?;
    let warnings = api.warnings();
    let notes = api.notes.clone();
    Ok(Generated {
        code,
        api,
        warnings,
        notes,
    })
}

#[cfg(feature = "emit")]
/// The same text as `render::file(emit::file(api), header)`, formatted in chunks on several
/// threads: syn and prettyplease dominate the run time on a large WSDL, and both are linear.
fn render_in_parallel(
    api: &model::Api,
    header: &render::Header,
    target: emit::Target,
) -> Result<String, Error> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let chunk = api.operations.len().div_ceil(threads).max(64);
    let chunks: Vec<Result<String, Error>> = std::thread::scope(|scope| {
        let handles: Vec<_> = api
            .operations
            .chunks(chunk)
            .map(|ops| {
                scope.spawn(move || {
                    let tokens = ops.iter().map(emit::operation);
                    render::items(quote::quote!(#(#tokens)*))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|_| Err(Error::Render("a formatting thread panicked".into())))
            })
            .collect()
    });
    let mut code = header.text() + &render::items(emit::prelude_for(api, target))?;
    for text in chunks {
        code.push('\n');
        code.push_str(&text?);
    }
    Ok(code)
}
