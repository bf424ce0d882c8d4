//! SOAP encoding's references in an answer: a return part written `<return href="#id1"/>`
//! (SOAP 1.1) or `<return enc:ref="id1"/>` (SOAP 1.2) whose value is an element with that id
//! beside the response in the Body, `<multiRef id="id1">`, as Apache Axis 1 and some ext/soap
//! and NuSOAP setups write them.

/// SOAP 1.2's encoding namespace, which qualifies its `id` and `ref` attributes.
pub(crate) const SOAP12_ENC: &str = "http://www.w3.org/2003/05/soap-encoding";

/// The most elements with an id the Body may hold beside the response. Each must be on the one
/// chain of references from the return part, so this bounds that chain too; Axis writes one.
pub(crate) const MAX_TARGETS: usize = 8;

/// An accessor's value as written: text, or a reference to another element by its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Value {
    Text(String),
    Ref(String),
}

/// The Body's elements with an id (its `multiRef`s), in document order.
#[derive(Default)]
pub(super) struct Targets(Vec<Target>);

struct Target {
    id: String,
    /// The element's local name, for messages.
    name: String,
    value: Value,
}

impl Targets {
    /// Refuses one element with an id more than [`MAX_TARGETS`], before its value is read.
    pub(super) fn room(&self) -> Result<(), String> {
        if self.0.len() >= MAX_TARGETS {
            return Err(format!(
                "the Body holds more than {MAX_TARGETS} elements with an id (multiRef) beside the response"
            ));
        }
        Ok(())
    }

    /// Adds the element `<name id="id">` with its value; ids must be unique.
    pub(super) fn add(&mut self, id: String, name: &str, value: Value) -> Result<(), String> {
        self.room()?;
        if self.0.iter().any(|t| t.id == id) {
            return Err(format!("two elements of the Body have the id {id:?}"));
        }
        self.0.push(Target {
            id,
            name: name.to_owned(),
            value,
        });
        Ok(())
    }

    /// The text `value` stands for, following its references. Refuses a reference to an id
    /// that no element has, references that come back to an element already passed, and an
    /// element with an id that the chain does not reach (what would it be for?).
    pub(super) fn resolve(mut self, mut value: Value) -> Result<String, String> {
        let mut chain: Vec<usize> = Vec::new();
        let text = loop {
            let id = match value {
                Value::Text(text) => break text,
                Value::Ref(id) => id,
            };
            let Some(at) = self.0.iter().position(|t| t.id == id) else {
                return Err(format!(
                    "the return part refers to the id {id:?}, which no element of the Body has"
                ));
            };
            if chain.contains(&at) {
                // Quoted: the ids are the server's text, shown as data.
                let ids: Vec<String> = chain
                    .iter()
                    .map(|&i| format!("{:?}", self.0[i].id))
                    .collect();
                return Err(format!(
                    "the references from the return part go round in a circle: {} -> {id:?}",
                    ids.join(" -> ")
                ));
            }
            chain.push(at);
            value = std::mem::replace(&mut self.0[at].value, Value::Text(String::new()));
        };
        if let Some(idle) = (0..self.0.len()).find(|i| !chain.contains(i)) {
            let t = &self.0[idle];
            return Err(format!(
                "the Body holds <{} id={:?}> beside the response, which nothing refers to",
                t.name, t.id
            ));
        }
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(list: &[(&str, Value)]) -> Targets {
        let mut out = Targets::default();
        for (id, value) in list {
            out.add((*id).to_owned(), "multiRef", value.clone())
                .unwrap();
        }
        out
    }

    fn text(t: &str) -> Value {
        Value::Text(t.to_owned())
    }

    fn to(id: &str) -> Value {
        Value::Ref(id.to_owned())
    }

    #[test]
    fn a_chain_of_references_ends_at_its_text() {
        let list = [("a", to("b")), ("b", text("{}")), ("c", to("a"))];
        assert_eq!(targets(&list).resolve(to("c")), Ok("{}".to_owned()));
        assert_eq!(targets(&[]).resolve(text("x")), Ok("x".to_owned()));
    }

    #[test]
    fn missing_ids_circles_idle_and_repeated_elements_are_refused() {
        let err = |list: &[(&str, Value)], from: Value| targets(list).resolve(from).unwrap_err();
        assert_eq!(
            err(&[("a", text("x"))], to("b")),
            "the return part refers to the id \"b\", which no element of the Body has"
        );
        assert_eq!(
            err(&[("a", to("b")), ("b", to("a"))], to("a")),
            "the references from the return part go round in a circle: \"a\" -> \"b\" -> \"a\""
        );
        assert_eq!(
            err(&[("a", to("a"))], to("a")),
            "the references from the return part go round in a circle: \"a\" -> \"a\""
        );
        assert_eq!(
            err(&[("a", text("x")), ("b", text("y"))], to("a")),
            "the Body holds <multiRef id=\"b\"> beside the response, which nothing refers to"
        );
        assert_eq!(
            err(&[("a", text("x"))], text("inline")),
            "the Body holds <multiRef id=\"a\"> beside the response, which nothing refers to"
        );
        let mut list = targets(&[("a", text("x"))]);
        assert_eq!(
            list.add("a".into(), "multiRef", text("y")),
            Err("two elements of the Body have the id \"a\"".to_owned())
        );
    }

    #[test]
    fn the_number_of_elements_and_so_the_chain_is_bounded() {
        let ids: Vec<String> = (0..=MAX_TARGETS).map(|i| format!("id{i}")).collect();
        let mut list = Targets::default();
        for (i, id) in ids.iter().enumerate().take(MAX_TARGETS) {
            let next = ids.get(i + 1).filter(|_| i + 1 < MAX_TARGETS);
            let value = next.map_or_else(|| text("end"), |n| to(n));
            list.add(id.clone(), "multiRef", value).unwrap();
        }
        assert!(list.room().is_err());
        let again = list.add(ids[MAX_TARGETS].clone(), "multiRef", text("x"));
        assert!(again.unwrap_err().contains("more than 8 elements"));
        assert_eq!(list.resolve(to("id0")), Ok("end".to_owned()));
    }
}
