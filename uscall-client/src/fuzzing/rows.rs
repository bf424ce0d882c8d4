//! The row decoder against the whole-body path, for the `rows` fuzz target and the wire tests.

use crate::stream::StreamError;
use crate::stream::rows::{RowDecoder, RowsFinished};
use serde_json::Value;

/// The operation list bodies are read as the answer to.
pub const ROWS_OPERATION: &str = "cdrSearch";

/// How the row decoder ended on a body, once checked against the whole-body path.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum RowsOutcome {
    /// Every row out, the body checked to its end.
    Streamed,
    /// Handed back whole, before any row.
    Whole,
    /// An error after it committed (rows out, or a huge first row).
    Malformed,
}

/// Feeds a 2xx cdrSearch body to the row decoder in pieces of the sizes given (cycled), and
/// reads it whole. Panics when they disagree: the stream gives other rows than the whole path's
/// list, ends well where the whole path fails, fails where the whole path reads the rows it
/// gave, or hands back a body other than the one fed.
pub fn rows_paths_agree(body: &[u8], content_type: Option<&str>, sizes: &[usize]) -> RowsOutcome {
    let charset = content_type.and_then(crate::text::charset_param);
    let mut rows = Vec::new();
    let mut decoder = RowDecoder::new(ROWS_OPERATION, charset);
    let mut rest = body;
    let mut failed = None;
    let sizes = if sizes.is_empty() {
        &[usize::MAX][..]
    } else {
        sizes
    };
    for &size in sizes.iter().cycle() {
        if rest.is_empty() {
            break;
        }
        let n = size.clamp(1, rest.len());
        if let Err(e) = decoder.feed(&rest[..n], &mut rows) {
            failed = Some(e);
            break;
        }
        // Committed once a row is out (or, with none, once the body kept passed 1 MiB).
        assert!(rows.is_empty() || decoder.committed());
        rest = &rest[n..];
    }
    let end = match failed {
        Some(e) => Err(e),
        None => decoder.finish(&mut rows),
    };
    let parsed: Option<Vec<Value>> = rows.iter().map(|r| serde_json::from_str(r).ok()).collect();
    let whole = whole_list(body, content_type);
    match end {
        Ok(RowsFinished::Whole(kept)) => {
            assert!(kept == body, "Whole must hand back the body unchanged");
            assert!(rows.is_empty(), "Whole after rows went out");
            RowsOutcome::Whole
        }
        Ok(RowsFinished::Done(done)) => {
            assert_eq!(done.rows, rows.len());
            match (whole, parsed) {
                (Ok(Some(items)), Some(parsed)) => assert!(items == parsed, "other rows"),
                (Err(_), None) => {}
                (whole, parsed) => panic!("streamed {parsed:?}, the whole path: {whole:?}"),
            }
            RowsOutcome::Streamed
        }
        Err(StreamError::Malformed { message }) => {
            assert!(
                decoder.committed(),
                "an error before it committed: {message}"
            );
            // Never an error where the whole path reads these rows: it refuses the answer, or
            // reads other rows (a second `retorno`), which the stream cannot take back.
            if let (Ok(Some(items)), Some(parsed)) = (&whole, &parsed) {
                assert!(
                    items != parsed,
                    "the stream failed ({message}), the whole path reads the same rows"
                );
            }
            RowsOutcome::Malformed
        }
        Err(StreamError::Io(e)) => panic!("no sink to fail: {e}"),
    }
}

/// The list the whole-body path reads from `body`: `Ok(None)` when the answer is no list.
fn whole_list(body: &[u8], content_type: Option<&str>) -> crate::Result<Option<Vec<Value>>> {
    let response = super::parse_response(ROWS_OPERATION, body, content_type, 200)?;
    let json = response.json();
    Ok(match json.get("retorno").unwrap_or(json) {
        Value::Array(items) => Some(items.clone()),
        _ => None,
    })
}
