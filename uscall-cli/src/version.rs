//! `uscall --version`: the crate's version and the WSDL the operations table was generated
//! from, by its SHA-256 and its number of operations.

use sha2::{Digest, Sha256};
use uscall_client::meta::OperationInfo;

/// The WSDL of the workspace at build time (empty when the crate was built from a package, which
/// does not hold it).
const WSDL: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/wsuscall.wsdl"));

/// `0.1.0 (WSDL sha256 ab12…, 30 operations)`. For the USCall table the hash is the WSDL file's
/// (`sha256sum wsdl/wsuscall.wsdl` gives the same); for another table, or a build without the
/// file, it is a hash of the table's operation and part names, said as such.
pub(crate) fn long(operations: &[&OperationInfo]) -> String {
    // The generated table is a `const`: it is recognised by what it holds, not by its address.
    let table = table_hash(operations);
    let ours = table == table_hash(uscall_client::OPERATIONS);
    let hash = if ours && !WSDL.is_empty() {
        format!("WSDL sha256 {}", hex(&Sha256::digest(WSDL)))
    } else {
        format!("operations table sha256 {table}")
    };
    format!(
        "{} ({hash}, {} operations)",
        env!("CARGO_PKG_VERSION"),
        operations.len()
    )
}

/// A hash of what the table says of each operation: its wire name, SOAPAction and part names.
fn table_hash(operations: &[&OperationInfo]) -> String {
    let mut hasher = Sha256::new();
    for op in operations {
        hasher.update(op.name.as_bytes());
        hasher.update(b"\n");
        hasher.update(op.soap_action.as_bytes());
        for p in op.params {
            hasher.update(b"\n ");
            hasher.update(p.name.as_bytes());
        }
        hasher.update(b"\n\n");
    }
    hex(&hasher.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_names_the_wsdl_hash_and_the_operation_count() {
        let v = long(uscall_client::OPERATIONS);
        let n = uscall_client::OPERATIONS.len();
        assert!(v.ends_with(&format!(", {n} operations)")), "{v}");
        // Built inside the workspace, the hash is the WSDL file's.
        let wsdl = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../wsdl/wsuscall.wsdl"
        ))
        .expect("the workspace WSDL");
        assert!(
            v.contains(&format!("WSDL sha256 {}", hex(&Sha256::digest(&wsdl)))),
            "{v}"
        );
        // Another table is counted and hashed by its names.
        let other = &uscall_client::OPERATIONS[..3];
        let v = long(other);
        assert!(
            v.contains("operations table sha256 ") && v.ends_with(", 3 operations)"),
            "{v}"
        );
        assert_ne!(
            table_hash(other),
            table_hash(&uscall_client::OPERATIONS[..4])
        );
    }
}
