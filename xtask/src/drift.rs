//! `regen --check --url`: the live PBX's WSDL against the checked-in one, compared by meaning
//! (the generator's model), printed as a table or JSON; fails on a difference on the wire.

use anyhow::{Context, Result, bail};
use std::path::Path;
use uscall_codegen::diff::{self, Change};
use uscall_codegen::lower::{self, Settings};
use uscall_codegen::model::{Api, SoapVersion};

/// How the differences are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// A table for people.
    Table,
    /// A JSON array for CI.
    Json,
}

pub(crate) fn format(text: Option<&str>) -> Result<Format> {
    match text {
        Some("table") => Ok(Format::Table),
        Some("json") => Ok(Format::Json),
        other => bail!("--format takes table or json, got {other:?}"),
    }
}

/// Compares the `live` WSDL's bytes with `root`'s checked-in WSDL; prints the differences and
/// fails when one changes what goes on the wire.
pub(crate) fn check(
    root: &Path,
    live: &[u8],
    url: &str,
    soap: Option<SoapVersion>,
    format: Format,
) -> Result<()> {
    let checked_in = std::fs::read(root.join(crate::WSDL))
        .with_context(|| format!("cannot read {}", crate::WSDL))?;
    let old = api(&checked_in, soap).with_context(|| format!("reading {}", crate::WSDL))?;
    let new = api(live, soap).with_context(|| format!("reading the WSDL served at {url}"))?;
    let changes = diff::apis(&old, &new);
    match format {
        Format::Table => print!("{}", diff::table(&changes)),
        Format::Json => println!("{}", json(&changes)),
    }
    let wire = changes.iter().filter(|c| c.kind.is_wire()).count();
    if wire > 0 {
        bail!(
            "the PBX at {url} differs from {} in {wire} way(s) that change what goes on the wire: \
             run `cargo xtask regen --url {url}` to follow it",
            crate::WSDL
        );
    }
    Ok(())
}

fn api(wsdl: &[u8], soap: Option<SoapVersion>) -> Result<Api> {
    let defs = uscall_codegen::parse::bytes(wsdl)?;
    Ok(lower::api_with(
        &defs,
        Settings {
            soap,
            json_answers: true,
        },
    )?)
}

fn json(changes: &[Change]) -> String {
    let items: Vec<serde_json::Value> = changes
        .iter()
        .map(|c| {
            serde_json::json!({
                "operation": c.operation,
                "change": c.kind.label(),
                "wire": c.kind.is_wire(),
                "checked_in": c.old,
                "live": c.new,
            })
        })
        .collect();
    serde_json::Value::Array(items).to_string()
}
