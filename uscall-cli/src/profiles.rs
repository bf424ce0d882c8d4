//! Named profiles for integrators with several PBXs: `~/.config/uscall/config.toml` gives each
//! PBX its URL, token (or a command or variable that yields it), CA certificate and pins.
//!
//! A flag wins over its environment variable, and both win over the profile: the profile only
//! fills what neither gave.

use crate::Failure;
use clap::ArgMatches;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The config file: the profiles by name, and the one used when none is named.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    /// The profile used when neither `--profile` nor `USCALL_PROFILE` names one.
    default: Option<String>,
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

/// One PBX.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Profile {
    url: Option<String>,
    /// The token itself (keep the file private).
    token: Option<String>,
    /// A command whose standard output is the token (`pass show pbx/matriz`), run by the shell.
    token_command: Option<String>,
    /// An environment variable that holds the token.
    token_env: Option<String>,
    /// A PEM CA certificate to trust; a relative path is read from the config file's folder.
    ca_cert: Option<PathBuf>,
    /// SHA-256 fingerprints of the accepted server certificate: one text or a list.
    #[serde(default)]
    pin_sha256: Pins,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(untagged)]
enum Pins {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

/// What the profile gives, resolved: the token is read only when asked for.
#[derive(Debug, Default)]
pub(crate) struct Resolved {
    /// The profile's name, for messages.
    pub name: Option<String>,
    pub url: Option<String>,
    pub ca_cert: Option<PathBuf>,
    pub pins: Vec<String>,
    token: Option<TokenSource>,
}

#[derive(Debug)]
enum TokenSource {
    Text(String),
    Command(String),
    Env(String),
}

/// Where the config file is: `--config` / `USCALL_CONFIG`, else `$XDG_CONFIG_HOME/uscall/`,
/// else `$HOME/.config/uscall/` (`%APPDATA%\uscall\` on Windows).
pub(crate) fn config_path(global: &ArgMatches) -> Option<PathBuf> {
    if let Some(path) = global.get_one::<String>("config") {
        return Some(PathBuf::from(path));
    }
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    let base = var("XDG_CONFIG_HOME").map(PathBuf::from).or_else(|| {
        if cfg!(windows) {
            var("APPDATA").map(PathBuf::from)
        } else {
            var("HOME").map(|home| Path::new(&home).join(".config"))
        }
    })?;
    Some(base.join("uscall").join("config.toml"))
}

/// The profile `--profile` / `USCALL_PROFILE` names, or the file's `default`; none when no
/// profile is named and the file has no default (a missing file is then no error).
pub(crate) fn resolve(global: &ArgMatches) -> Result<Resolved, Failure> {
    let named = global.get_one::<String>("profile").cloned();
    let explicit = global.get_one::<String>("config").is_some();
    let Some(path) = config_path(global) else {
        return match named {
            Some(name) => Err(Failure::usage(format!(
                "--profile {name}: no config file: set HOME, XDG_CONFIG_HOME or --config"
            ))),
            None => Ok(Resolved::default()),
        };
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && named.is_none() && !explicit => {
            return Ok(Resolved::default());
        }
        Err(e) => {
            let what = match &named {
                Some(name) => format!("--profile {name}: reading {}", path.display()),
                None => format!("reading {}", path.display()),
            };
            return Err(Failure::io(&what, e));
        }
    };
    let config: Config = toml::from_str(&text).map_err(|e| {
        Failure::usage(format!(
            "{}: {}",
            path.display(),
            e.message().trim_end_matches('\n')
        ))
    })?;
    let Some(name) = named.or(config.default.clone()) else {
        return Ok(Resolved::default());
    };
    let Some(profile) = config.profiles.get(&name) else {
        let known: Vec<&str> = config.profiles.keys().map(String::as_str).collect();
        return Err(Failure::usage(format!(
            "no profile {name:?} in {} (it has: {})",
            path.display(),
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        )));
    };
    let token = match (&profile.token, &profile.token_command, &profile.token_env) {
        (None, None, None) => None,
        (Some(t), None, None) => Some(TokenSource::Text(t.clone())),
        (None, Some(c), None) => Some(TokenSource::Command(c.clone())),
        (None, None, Some(v)) => Some(TokenSource::Env(v.clone())),
        _ => {
            return Err(Failure::usage(format!(
                "profile {name:?} in {}: give one of token, token_command and token_env",
                path.display()
            )));
        }
    };
    let folder = path.parent().unwrap_or(Path::new("."));
    Ok(Resolved {
        url: profile.url.clone(),
        ca_cert: profile.ca_cert.as_ref().map(|c| folder.join(c)),
        pins: match &profile.pin_sha256 {
            Pins::None => Vec::new(),
            Pins::One(pin) => vec![pin.clone()],
            Pins::Many(pins) => pins.clone(),
        },
        token,
        name: Some(name),
    })
}

impl Resolved {
    /// The profile's token, running its command or reading its variable now; `None` when the
    /// profile gives none.
    pub(crate) fn token(&self) -> Result<Option<String>, Failure> {
        let name = self.name.as_deref().unwrap_or_default();
        match &self.token {
            None => Ok(None),
            Some(TokenSource::Text(t)) => Ok(Some(t.clone())),
            Some(TokenSource::Env(var)) => match std::env::var(var) {
                Ok(t) if !t.is_empty() => Ok(Some(t)),
                _ => Err(Failure::usage(format!(
                    "profile {name:?}: token_env names {var}, which is not set"
                ))),
            },
            Some(TokenSource::Command(command)) => run_token_command(name, command).map(Some),
        }
    }
}

/// Runs a profile's `token_command` through the shell: its standard output, trimmed, is the
/// token. Its standard error goes to the terminal, so a password prompt or an error shows.
fn run_token_command(profile: &str, command: &str) -> Result<String, Failure> {
    let mut shell = if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", command]);
        c
    } else {
        let mut c = std::process::Command::new("sh");
        c.args(["-c", command]);
        c
    };
    let out = shell
        .stdin(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| Failure::io(&format!("profile {profile:?}: running token_command"), e))?;
    if !out.status.success() {
        return Err(Failure {
            message: format!("profile {profile:?}: token_command failed ({})", out.status),
            code: 1,
        });
    }
    let token = String::from_utf8(out.stdout).map_err(|_| Failure {
        message: format!("profile {profile:?}: token_command printed something not UTF-8"),
        code: 1,
    })?;
    let token = token.trim();
    if token.is_empty() {
        return Err(Failure {
            message: format!("profile {profile:?}: token_command printed no token"),
            code: 1,
        });
    }
    Ok(token.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_profile_gives_one_token_source_and_pins_as_text_or_list() {
        let config: Config = toml::from_str(
            r#"
            default = "a"
            [profiles.a]
            url = "https://a"
            token_command = "echo x"
            pin_sha256 = "ab"
            [profiles.b]
            pin_sha256 = ["ab", "cd"]
            "#,
        )
        .unwrap();
        assert!(matches!(config.profiles["a"].pin_sha256, Pins::One(_)));
        assert!(matches!(config.profiles["b"].pin_sha256, Pins::Many(ref p) if p.len() == 2));
        let typo = toml::from_str::<Config>("[profiles.a]\nurll = \"x\"\n").unwrap_err();
        assert!(typo.message().contains("urll"), "{typo}");
    }

    #[cfg(unix)]
    #[test]
    fn the_token_command_output_is_trimmed_and_failures_are_errors() {
        assert_eq!(run_token_command("p", "echo ' tok '").unwrap(), "tok");
        assert_eq!(run_token_command("p", "exit 3").unwrap_err().code, 1);
        assert!(
            run_token_command("p", "true")
                .unwrap_err()
                .message
                .contains("no token")
        );
    }
}
