//! `uscall mock`: the simulated PBX of `uscall-mock`, served until Ctrl-C, to try uscall (or
//! any SOAP client) without a PBX.

use crate::Failure;
use clap::parser::ValueSource;
use clap::{Arg, ArgMatches, Command, value_parser};

/// The subcommand's name.
pub(crate) const MOCK: &str = "mock";

pub(crate) fn command() -> Command {
    Command::new(MOCK)
        .about("Serve a simulated PBX (uscall-mock) until Ctrl-C, to try uscall without one")
        .long_about(
            "Serve a simulated USCall PBX on 127.0.0.1 until Ctrl-C: NuSOAP's wire, the 30 \
             operations on a simulated company (agents, extensions, queues, calls that end in \
             call records and recordings). Prints its URL and token.",
        )
        .arg(
            Arg::new("port")
                .long("port")
                .value_name("PORT")
                .value_parser(value_parser!(u16))
                .default_value("8080")
                .help("The port on 127.0.0.1; 0 picks a free one"),
        )
        .arg(
            Arg::new("seed")
                .long("seed")
                .value_name("FILE")
                .help("The company, as JSON shaped like uscall-mock's built-in seed"),
        )
}

pub(crate) async fn run(global: &ArgMatches, sub: &ArgMatches) -> Result<(), Failure> {
    let mut builder =
        uscall_mock::Pbx::builder().port(*sub.get_one::<u16>("port").expect("has a default"));
    if let Some(path) = sub.get_one::<String>("seed") {
        let seed = std::fs::read_to_string(path)
            .map_err(|e| Failure::io(&format!("reading {path}"), e))?;
        builder = builder.seed(seed);
    }
    // Only a token given on this command line: one from the environment (USCALL_TOKEN) may be
    // a real PBX's, and the simulator prints its token.
    if global.value_source("token") == Some(ValueSource::CommandLine)
        && let Some(token) = global.get_one::<String>("token")
    {
        builder = builder.token(token.clone());
    }
    let pbx = builder.start().await.map_err(|e| Failure {
        message: format!("cannot start the simulator: {e}"),
        code: 1,
    })?;
    let text = format!(
        "uscall mock: a simulated PBX at {url}\n  token: {token}\n  try:   uscall --url {url} --token '{token}' get-agent\nCtrl-C stops it.\n",
        url = pbx.url(),
        token = pbx.token()
    );
    crate::write_stdout(crate::sanitize::lines_for_terminal(&text).as_bytes())?;
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| Failure::io("waiting for Ctrl-C", e))?;
    drop(pbx);
    Ok(())
}
