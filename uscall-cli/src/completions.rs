//! `uscall completions SHELL` and `uscall man [COMMAND]`: shell completions and man pages made
//! from the same clap command the arguments are parsed with, so every generated subcommand and
//! flag is in them.

use crate::Failure;
use clap::{Arg, ArgMatches, Command};
use clap_complete::Shell;

/// The subcommand that prints completions.
pub const COMPLETIONS: &str = "completions";
/// The subcommand that prints a man page.
pub const MAN: &str = "man";

/// `uscall completions`.
pub fn completions_command() -> Command {
    Command::new(COMPLETIONS)
        .about("Prints the shell completion script for bash, zsh, fish, powershell or elvish")
        .long_about(
            "Prints the shell completion script, every operation and flag included. For bash: \
             `uscall completions bash > ~/.local/share/bash-completion/completions/uscall`; \
             zsh: `uscall completions zsh > ~/.zfunc/_uscall` (with ~/.zfunc in $fpath); fish: \
             `uscall completions fish > ~/.config/fish/completions/uscall.fish`; PowerShell: \
             `uscall completions powershell | Out-String | Invoke-Expression` in $PROFILE.",
        )
        .arg(
            Arg::new("shell")
                .required(true)
                .value_name("SHELL")
                .value_parser(clap::value_parser!(Shell)),
        )
}

/// `uscall man`.
pub fn man_command() -> Command {
    Command::new(MAN)
        .about("Prints the man page (roff) of uscall, or of one of its subcommands")
        .long_about(
            "Prints the man page of uscall in roff, listing every operation; with a COMMAND, that \
             subcommand's page with its parameters. Read it with `uscall man | man -l -`, or \
             install it: `uscall man > ~/.local/share/man/man1/uscall.1`.",
        )
        .arg(Arg::new("command").value_name("COMMAND"))
}

/// Runs `completions` or `man` over `cmd`, the whole command line; the text goes to stdout.
pub fn run(mut cmd: Command, name: &str, sub: &ArgMatches) -> Result<(), Failure> {
    let mut text = Vec::new();
    if name == COMPLETIONS {
        let shell = *sub.get_one::<Shell>("shell").expect("required");
        let bin = cmd.get_name().to_owned();
        clap_complete::generate(shell, &mut cmd, bin, &mut text);
    } else {
        cmd.build();
        let page = match sub.get_one::<String>("command") {
            None => cmd,
            Some(wanted) => {
                let found = cmd.find_subcommand(wanted).cloned();
                let sub = found.ok_or_else(|| {
                    Failure::usage(format!(
                        "man {wanted}: no such subcommand (see uscall --help)"
                    ))
                })?;
                // The page's title names the whole command: `uscall-cdr-search`.
                let title = format!("{}-{}", cmd.get_name(), sub.get_name());
                sub.name(title)
            }
        };
        clap_mangen::Man::new(page)
            .render(&mut text)
            .map_err(|e| Failure::io("rendering the man page", e))?;
    }
    crate::write_stdout(&text)
}
