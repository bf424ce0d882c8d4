//! Fuzzes typed answers: any text as the response element of an operation answering a recursive
//! struct, read, shown as JSON, given back and written again (see `fuzzing::typed_answer`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        uscall_client::fuzzing::typed_answer(text);
    }
});
