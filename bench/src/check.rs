//! The checks every run passes before it counts: row counts, bytes read, files written, the command line's output, so a runner that breaks cannot look fast.

use crate::measure::Sample;
use crate::{Config, Prepared};
use anyhow::{Result, bail};
use std::path::Path;

/// Refuses a run whose answer was not the one prepared, so a broken runner cannot look fast.
pub fn check(
    workload: &str,
    calls: u64,
    label: &str,
    s: Sample,
    c: &Config,
    p: &Prepared,
    out: &Path,
) -> Result<Sample> {
    let floor = label.contains("floor");
    if workload == "P7" && !floor {
        return check_export(label, calls, s);
    }
    let expect_items = match workload {
        "P1" if !floor => Some(calls * 8),
        "P2" if !label.starts_with("raw") => Some(c.rows as u64),
        "P7" => Some(calls),
        _ => None,
    };
    if let Some(n) = expect_items.filter(|n| *n != s.items) {
        bail!("{label}: expected {n} items, got {}", s.items);
    }
    let body = match workload {
        "P1" | "P5" => Some(p.extens_body_bytes),
        "P2" => Some(p.cdr_body_bytes),
        "P3" => Some(p.audio_body_bytes),
        _ => None,
    };
    if let Some(len) = body.filter(|len| label.starts_with("raw") && s.bytes != *len as u64) {
        bail!("{label}: read {} bytes, the answer has {len}", s.bytes);
    }
    // uscall's errors at 64 in flight are a target of their own, reported; a floor with errors
    // is no floor.
    if s.errors > 0 && (floor || workload != "P5") {
        bail!("{label}: {} errors", s.errors);
    }
    if workload == "P3" {
        let file = match label {
            l if l.starts_with("uscall") => Some("uscall.wav"),
            l if l.starts_with("base64") => Some("base64.wav"),
            l if l.starts_with("PHP") => Some("php.wav"),
            l if l.starts_with("zeep") => Some("zeep.wav"),
            _ => None,
        };
        if let Some(name) = file {
            let len = std::fs::metadata(out.join(name))?.len() as usize;
            if len != p.wav_bytes {
                bail!("{label}: wrote {len} bytes, expected {}", p.wav_bytes);
            }
            // Checked; four recordings of 60 MB need not stay on disk.
            std::fs::remove_file(out.join(name))?;
        }
    }
    Ok(s)
}

/// P7: the command line's output for `rows` rows, as [`Output::Count`](crate::measure::Output::Count) saw it: a line
/// a row for jsonl, a header and a line a row for csv and table, one JSON document for json.
fn check_export(label: &str, rows: u64, s: Sample) -> Result<Sample> {
    let format = label
        .split_whitespace()
        .skip_while(|w| *w != "--format")
        .nth(1)
        .unwrap_or_default();
    let lines = s.items;
    let ok = match format {
        "jsonl" => lines == rows && s.head.starts_with(b"{"),
        "csv" => lines == rows + 1 && s.head.starts_with(b"bilheteunico,"),
        "table" => lines == rows + 1 && s.head.trim_ascii_start().starts_with(b"bilheteunico"),
        // Pretty-printed: a line per field; `{ "retorno": [ ... ] }` around the rows.
        "json" => lines > rows && s.head.starts_with(b"{") && s.tail.ends_with(b"}\n"),
        other => bail!("{label}: no check for the format {other:?}"),
    };
    if !ok {
        bail!(
            "{label}: {lines} lines ({} bytes) for {rows} rows, beginning {:?}, ending {:?}",
            s.bytes,
            String::from_utf8_lossy(&s.head[..s.head.len().min(40)]),
            String::from_utf8_lossy(&s.tail[s.tail.len().saturating_sub(40)..]),
        );
    }
    if s.errors > 0 {
        bail!("{label}: {} errors", s.errors);
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(lines: u64, head: &str, tail: &str) -> Sample {
        Sample {
            items: lines,
            head: head.as_bytes().to_vec(),
            tail: tail.as_bytes().to_vec(),
            ..Sample::default()
        }
    }

    #[test]
    fn an_export_passes_with_its_rows_and_fails_without() {
        let label = |f: &str| format!("uscall cdr-search --format {f}");
        let ok = |f: &str, s: Sample| check_export(&label(f), 3, s).is_ok();
        assert!(ok("jsonl", output(3, "{\"bilheteunico\":", "}\n")));
        assert!(!ok("jsonl", output(2, "{\"bilheteunico\":", "}\n")));
        assert!(ok("csv", output(4, "bilheteunico,audio", "\n")));
        assert!(!ok("csv", output(3, "bilheteunico,audio", "\n")));
        assert!(ok("table", output(4, " bilheteunico  audio", "\n")));
        assert!(ok("json", output(46, "{\n  \"retorno\": [", "  ]\n}\n")));
        assert!(!ok(
            "json",
            output(46, "{\n  \"retorno\": [", "    \"ddr\": \"\",\n")
        ));
        assert!(!ok("yaml", output(3, "", "")));
    }
}
