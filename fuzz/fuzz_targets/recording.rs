//! Fuzzes the streaming recording decoder (audioDownload to disk): any body, fed in pieces of
//! the size the first byte gives, must never panic, and whatever it streams the whole-body path
//! must read as the same recording.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uscall_client::fuzzing;

fuzz_target!(|data: &[u8]| {
    if let Some((piece, body)) = data.split_first() {
        fuzzing::recording_paths_agree(
            body,
            Some("text/xml; charset=ISO-8859-1"),
            usize::from(*piece),
        );
    }
});
