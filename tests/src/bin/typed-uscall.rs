//! The `uscall` command line over the client generated from `tests/wsdl-types/encoded.wsdl`
//! (no token part, structs, arrays, enums, several outputs, one-way, a second service): what an
//! integrator gets by running the command line over another WSDL. `tests/typed_cli.rs` runs it.

fn main() -> std::process::ExitCode {
    uscall_cli::run_with(
        uscall_tests::typed::encoded::OPERATIONS,
        uscall_cli::Conventions {
            json_answers: false,
        },
    )
}
