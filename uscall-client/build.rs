//! Sets `cfg(uscall_workspace)` when the crate is built inside its workspace, where the workspace
//! README sits one level up: its examples are then compiled as doctests (`WorkspaceReadme`).
//! The packaged crate has no such file, and builds and tests without it.

use std::path::Path;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(uscall_workspace)");
    println!("cargo::rerun-if-changed=build.rs");
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest_dir).join("..");
    // The workspace manifest beside the README, so that an unrelated README one level above an
    // unpacked or vendored copy of the crate is never mistaken for it.
    if root.join("README.md").is_file() && root.join("uscall-client/Cargo.toml").is_file() {
        println!("cargo::rustc-cfg=uscall_workspace");
    }
}
