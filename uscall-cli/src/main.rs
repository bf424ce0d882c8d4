//! The `uscall` binary: the command line of [`uscall_cli`] over the USCall webservice's operations.

use std::process::ExitCode;

fn main() -> ExitCode {
    uscall_cli::run(uscall_client::OPERATIONS)
}
