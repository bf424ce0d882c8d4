//! Exports a month of call records to CSV for billing, one day per request so that the PBX
//! never has to build a huge answer.
//!
//! ```sh
//! export USCALL_URL=https://pbx.example.com USCALL_TOKEN='$1$...'
//! cargo run --example cdr_export_csv -- 2025-06-01 2025-06-30 > junho.csv
//! ```
//! (`uscall cdr-search --window 1d --format csv ...` does the same from the command line.)

use jiff::ToSpan;
use jiff::civil::Date;
use std::io::Write;
use uscall_client::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(from), Some(to)) = (args.next(), args.next()) else {
        return Err("usage: cdr_export_csv FROM_DATE TO_DATE".into());
    };
    let (from, to): (Date, Date) = (from.parse()?, to.parse()?);
    let client = Client::new(
        &std::env::var("USCALL_URL")?,
        std::env::var("USCALL_TOKEN")?,
    )?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "bilheteunico,datahora,tipo,status,origem,destino,espera_s,duracao_s,idcti"
    )?;
    let mut windows = client.cdr_search_windows(from.at(0, 0, 0, 0), to.at(23, 59, 59, 0), 1.day());
    while let Some(rows) = windows.next().await {
        let rows = rows?;
        for e in rows.errors() {
            eprintln!("row left out: {e}");
        }
        for c in &rows {
            let secs = |d: Option<std::time::Duration>| {
                d.map_or(String::new(), |d| d.as_secs().to_string())
            };
            writeln!(
                out,
                "{},{},{},{},{},{},{},{},{}",
                c.bilheteunico,
                c.datahora,
                c.tipo.as_ref().map_or("", |t| t.as_str()),
                c.status.as_ref().map_or("", |s| s.as_str()),
                c.origem,
                c.destino,
                secs(c.espera),
                secs(c.duracao),
                c.idcti.as_deref().unwrap_or(""),
            )?;
        }
    }
    Ok(())
}
