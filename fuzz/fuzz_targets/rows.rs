//! Fuzzes the row decoder (list answers read as they arrive): any body, fed in pieces of the
//! size the first byte gives, must never panic, and the rows it gives must be the whole-body
//! path's list, or it hands the body back whole, or fails only where the whole path does not
//! read those rows.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uscall_client::fuzzing;

fuzz_target!(|data: &[u8]| {
    if let Some((piece, body)) = data.split_first() {
        for content_type in ["text/xml; charset=ISO-8859-1", "text/xml; charset=utf-8"] {
            fuzzing::rows_paths_agree(body, Some(content_type), &[usize::from(*piece).max(1)]);
        }
    }
});
