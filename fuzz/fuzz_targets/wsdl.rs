//! Fuzzes the code generator: any bytes as a WSDL, to Rust source or an error that says why.
#![no_main]

use libfuzzer_sys::fuzz_target;
use uscall_codegen::{Options, generate};

fuzz_target!(|data: &[u8]| {
    let options = Options {
        source: "fuzz.wsdl".to_owned(),
        soap: None,
        ..Options::default()
    };
    if let Err(e) = generate(data, &options) {
        assert!(!e.to_string().is_empty(), "an error with no message: {e:?}");
    }
});
