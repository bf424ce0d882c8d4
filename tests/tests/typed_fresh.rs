//! The typed reference clients (`tests/wsdl-types/*.rs`) are what the generator makes of their
//! WSDLs today; `EXPECTORATE=overwrite` rewrites them.

use uscall_tests::typed::{WSDLS, generate, wsdl_path};

#[test]
fn the_typed_reference_clients_are_current() {
    let overwrite = std::env::var("EXPECTORATE").is_ok_and(|v| v == "overwrite");
    let mut stale = Vec::new();
    for stem in WSDLS {
        let wsdl = wsdl_path(stem);
        let code = generate(&wsdl);
        let rs = wsdl.with_extension("rs");
        if overwrite {
            std::fs::write(&rs, &code).unwrap_or_else(|e| panic!("{}: {e}", rs.display()));
        } else if std::fs::read_to_string(&rs).unwrap_or_default() != code {
            stale.push(rs.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale, rerun with EXPECTORATE=overwrite and review the diff: {stale:?}"
    );
}
