//! Which SOAP bindings become methods: every port type once, through one binding, the SOAP
//! version asked for when a port type is bound in both.

use crate::Error;
use crate::lower::{Index, key};
use crate::model::SoapVersion;
use crate::wsdl::{self, Binding, Definitions};

/// A binding whose operations become methods.
pub(crate) struct Chosen<'a> {
    pub(crate) binding: &'a Binding,
    /// The path of its port's address when it differs from the first port's, which is the
    /// client's endpoint.
    pub(crate) path: Option<String>,
}

/// The bindings reachable from the services' ports in document order (every SOAP binding when
/// there is no service), one per port type, with a note for each port type bound in both SOAP
/// versions saying which was taken. `prefer` is the version to take then (SOAP 1.1 by default).
pub(crate) fn choose<'a>(
    defs: &'a Definitions,
    index: &Index<'a>,
    prefer: Option<SoapVersion>,
) -> Result<(Vec<Chosen<'a>>, Vec<String>), Error> {
    let mut reachable: Vec<(&'a Binding, Option<&'a str>)> = Vec::new();
    for port in defs.services.iter().flat_map(|s| &s.ports) {
        let binding = index
            .bindings
            .get(&key(&port.binding))
            .copied()
            .ok_or_else(|| Error::MissingBinding {
                port: port.name.clone(),
                binding: port.binding.written(),
            })?;
        if binding.soap.is_some() && !reachable.iter().any(|(b, _)| std::ptr::eq(*b, binding)) {
            reachable.push((binding, port.address.as_deref()));
        }
    }
    if reachable.is_empty() {
        reachable = defs
            .bindings
            .iter()
            .filter(|b| b.soap.is_some())
            .map(|b| (b, None))
            .collect();
    }
    let base = reachable.first().ok_or(Error::NoSoapBinding)?.1.map(path);
    let mut groups: Vec<Vec<(&'a Binding, Option<&'a str>)>> = Vec::new();
    for candidate in reachable {
        let same = |group: &&mut Vec<(&Binding, _)>| {
            key(&group[0].0.port_type) == key(&candidate.0.port_type)
        };
        match groups.iter_mut().find(same) {
            Some(group) => group.push(candidate),
            None => groups.push(vec![candidate]),
        }
    }
    let wanted = match prefer.unwrap_or(SoapVersion::Soap11) {
        SoapVersion::Soap11 => wsdl::SoapVersion::Soap11,
        SoapVersion::Soap12 => wsdl::SoapVersion::Soap12,
    };
    let mut notes = Vec::new();
    let mut chosen = Vec::with_capacity(groups.len());
    for group in groups {
        let (binding, address) = group
            .iter()
            .find(|(b, _)| version(b) == Some(wanted))
            .copied()
            .unwrap_or(group[0]);
        if let Some((other, _)) = group.iter().find(|(b, _)| version(b) != version(binding)) {
            notes.push(note(binding, other));
        }
        let path = address.map(path).filter(|p| Some(*p) != base);
        chosen.push(Chosen {
            binding,
            path: path.map(str::to_owned),
        });
    }
    Ok((chosen, notes))
}

fn version(binding: &Binding) -> Option<wsdl::SoapVersion> {
    binding.soap.as_ref().map(|s| s.version)
}

fn note(taken: &Binding, other: &Binding) -> String {
    let name = |b: &Binding| match version(b) {
        Some(wsdl::SoapVersion::Soap12) => "1.2",
        _ => "1.1",
    };
    format!(
        "port type `{}` is bound in SOAP {} and SOAP {}: generated from binding `{}` (SOAP {}), \
         not `{}`; regen with `--soap {}` to take the other",
        taken.port_type.written(),
        name(taken),
        name(other),
        taken.name,
        name(taken),
        other.name,
        name(other),
    )
}

/// The path of an address (`http://pbx/admin.php?x` -> `/admin.php`), `/` when it has none.
fn path(location: &str) -> &str {
    let rest = location
        .split_once("://")
        .map_or(location, |(_, rest)| rest);
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    rest.find('/').map_or("/", |slash| &rest[slash..])
}

#[cfg(test)]
mod tests {
    #[test]
    fn path_of_an_address() {
        assert_eq!(super::path("http://pbx:8080/a/b.php?wsdl"), "/a/b.php");
        assert_eq!(super::path("https://pbx"), "/");
        assert_eq!(super::path("http://pbx/#x"), "/");
    }
}
