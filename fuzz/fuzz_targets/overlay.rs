//! Fuzzes the typed overlay: any text as a `return` part, through every model's decoder.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uscall_client::fuzzing;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        fuzzing::overlay(text);
    }
});
