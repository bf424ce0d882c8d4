//! Fuzzes the response reader: a raw HTTP response (status line, headers, body) through charset
//! decoding, the SOAP envelope and the JSON of the `return` part.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uscall_client::fuzzing;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = fuzzing::parse_http_response(data) {
        assert!(!e.to_string().is_empty(), "an error with no message: {e:?}");
    }
    if let Ok(text) = std::str::from_utf8(data) {
        fuzzing::envelope_paths_agree(text);
    }
    // Any text the client could send must come back unchanged from a `return` part.
    if let Ok(text) = std::str::from_utf8(data)
        && let Some(read) = fuzzing::return_round_trip(text)
    {
        assert_eq!(
            read.as_deref(),
            Ok(text),
            "the return part did not round-trip"
        );
    }
});
