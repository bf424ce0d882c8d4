//! Copies the workspace's WSDL into OUT_DIR so that `uscall --version` can name its SHA-256; a
//! packaged crate has no `../wsdl`, and then an empty file tells the binary to hash its
//! operations table instead.

use std::path::PathBuf;

fn main() {
    let wsdl = PathBuf::from("../wsdl/wsuscall.wsdl");
    println!("cargo:rerun-if-changed={}", wsdl.display());
    println!("cargo:rerun-if-changed=build.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let bytes = std::fs::read(&wsdl).unwrap_or_default();
    std::fs::write(out.join("wsuscall.wsdl"), bytes).expect("writing OUT_DIR/wsuscall.wsdl");
}
