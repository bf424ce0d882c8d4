//! Two WSDLs compared by what they mean, not by their text: the operations and parts a client
//! sends, as the generator reads them, so that a maintainer learns when a live PBX differs.

use std::collections::BTreeMap;

use crate::model::{Api, Operation, Param};

/// One difference between the checked-in WSDL (`old`) and another (`new`, a live PBX's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The operation's wire name.
    pub operation: String,
    /// What changed.
    pub kind: ChangeKind,
    /// The old value (empty when there was none).
    pub old: String,
    /// The new value (empty when there is none).
    pub new: String,
}

/// What kind of change a [`Change`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// The live WSDL has an operation the checked-in one does not.
    OperationAdded,
    /// The live WSDL lacks an operation the checked-in one has.
    OperationRemoved,
    /// A part only the live WSDL has.
    PartAdded,
    /// A part only the checked-in WSDL has.
    PartRemoved,
    /// A part at the same position with another name: a server binding parts by name (PHP's
    /// ext/soap) ignores the old name.
    PartRenamed,
    /// The same parts in another order: a server binding by position (NuSOAP) mixes them up.
    PartsReordered,
    /// A part of another type.
    PartRetyped,
    /// The answer's values differ (added, removed or retyped).
    AnswerChanged,
    /// rpc, document or bare.
    Style,
    /// encoded or literal.
    Use,
    /// The wrapper's (or rpc body's) namespace.
    Namespace,
    /// `soapAction`.
    SoapAction,
    /// SOAP 1.1 or 1.2.
    SoapVersion,
    /// The path the operation is posted to.
    EndpointPath,
    /// Only the documentation: nothing on the wire changes.
    Documentation,
}

impl ChangeKind {
    /// Whether the change alters what goes on the wire (everything but documentation).
    pub fn is_wire(self) -> bool {
        self != ChangeKind::Documentation
    }

    /// A short name for tables and JSON (`part renamed`).
    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::OperationAdded => "operation added",
            ChangeKind::OperationRemoved => "operation removed",
            ChangeKind::PartAdded => "part added",
            ChangeKind::PartRemoved => "part removed",
            ChangeKind::PartRenamed => "part renamed",
            ChangeKind::PartsReordered => "parts reordered",
            ChangeKind::PartRetyped => "part retyped",
            ChangeKind::AnswerChanged => "answer changed",
            ChangeKind::Style => "style",
            ChangeKind::Use => "use",
            ChangeKind::Namespace => "namespace",
            ChangeKind::SoapAction => "SOAPAction",
            ChangeKind::SoapVersion => "SOAP version",
            ChangeKind::EndpointPath => "endpoint path",
            ChangeKind::Documentation => "documentation",
        }
    }
}

/// The differences from `old` to `new`, operation by operation in `old`'s order, added
/// operations last.
pub fn apis(old: &Api, new: &Api) -> Vec<Change> {
    let new_ops: BTreeMap<&str, &Operation> = new
        .operations
        .iter()
        .map(|op| (op.xml_name.as_str(), op))
        .collect();
    let mut changes = Vec::new();
    for op in &old.operations {
        match new_ops.get(op.xml_name.as_str()) {
            Some(live) => operation(op, live, &mut changes),
            None => changes.push(change(op, ChangeKind::OperationRemoved, &op.xml_name, "")),
        }
    }
    for op in &new.operations {
        if !old.operations.iter().any(|o| o.xml_name == op.xml_name) {
            changes.push(change(op, ChangeKind::OperationAdded, "", &op.xml_name));
        }
    }
    changes
}

fn change(op: &Operation, kind: ChangeKind, old: &str, new: &str) -> Change {
    Change {
        operation: op.xml_name.clone(),
        kind,
        old: old.to_owned(),
        new: new.to_owned(),
    }
}

fn operation(old: &Operation, new: &Operation, out: &mut Vec<Change>) {
    let mut field = |kind, a: String, b: String| {
        if a != b {
            out.push(change(old, kind, &a, &b));
        }
    };
    field(
        ChangeKind::Style,
        format!("{:?}", old.style),
        format!("{:?}", new.style),
    );
    field(
        ChangeKind::Use,
        format!("{:?}", old.body_use),
        format!("{:?}", new.body_use),
    );
    field(
        ChangeKind::Namespace,
        old.namespace.clone(),
        new.namespace.clone(),
    );
    field(
        ChangeKind::SoapAction,
        old.soap_action.clone(),
        new.soap_action.clone(),
    );
    field(
        ChangeKind::SoapVersion,
        format!("{:?}", old.soap_version),
        format!("{:?}", new.soap_version),
    );
    field(
        ChangeKind::EndpointPath,
        old.path.clone().unwrap_or_default(),
        new.path.clone().unwrap_or_default(),
    );
    parts(old, &old.params, &new.params, out);
    let answer = |op: &Operation| {
        op.outputs
            .iter()
            .map(|f| format!("{}: {:?}", f.xml_name, f.ty))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if answer(old) != answer(new) {
        out.push(change(
            old,
            ChangeKind::AnswerChanged,
            &answer(old),
            &answer(new),
        ));
    }
    if old.documentation != new.documentation {
        out.push(change(
            old,
            ChangeKind::Documentation,
            &old.summary,
            &new.summary,
        ));
    }
}

/// Parts compared by name and by position: the same names in another order are reordered; a
/// name replaced at the same position (the old one gone) is a rename; the rest are added or
/// removed; a part kept under its name with another type is retyped.
fn parts(op: &Operation, old: &[Param], new: &[Param], out: &mut Vec<Change>) {
    let names = |ps: &[Param]| ps.iter().map(|p| p.xml_name.clone()).collect::<Vec<_>>();
    let (old_names, new_names) = (names(old), names(new));
    let mut old_sorted = old_names.clone();
    let mut new_sorted = new_names.clone();
    old_sorted.sort();
    new_sorted.sort();
    if old_sorted == new_sorted && old_names != new_names {
        out.push(change(
            op,
            ChangeKind::PartsReordered,
            &old_names.join(", "),
            &new_names.join(", "),
        ));
    }
    let mut renamed = Vec::new();
    for (i, p) in old.iter().enumerate() {
        if let Some(q) = new.get(i)
            && p.xml_name != q.xml_name
            && !new_names.contains(&p.xml_name)
            && !old_names.contains(&q.xml_name)
        {
            renamed.push((p.xml_name.clone(), q.xml_name.clone()));
            out.push(change(
                op,
                ChangeKind::PartRenamed,
                &format!("{} (position {})", p.xml_name, i + 1),
                &q.xml_name,
            ));
        }
    }
    for p in old {
        if !new_names.contains(&p.xml_name) && !renamed.iter().any(|(o, _)| *o == p.xml_name) {
            out.push(change(op, ChangeKind::PartRemoved, &p.xml_name, ""));
        }
    }
    for q in new {
        if !old_names.contains(&q.xml_name) && !renamed.iter().any(|(_, n)| *n == q.xml_name) {
            out.push(change(op, ChangeKind::PartAdded, "", &q.xml_name));
        }
    }
    for p in old {
        if let Some(q) = new.iter().find(|q| q.xml_name == p.xml_name)
            && (p.xsd_type != q.xsd_type || p.ty != q.ty || p.many != q.many)
        {
            out.push(change(
                op,
                ChangeKind::PartRetyped,
                &format!("{}: {}", p.xml_name, p.xsd_type),
                &format!("{}: {}", q.xml_name, q.xsd_type),
            ));
        }
    }
}

/// The changes as a table a person reads in seconds, one row each; `(no differences)` when
/// there are none.
pub fn table(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no differences\n".to_owned();
    }
    let rows: Vec<[String; 4]> = changes
        .iter()
        .map(|c| {
            let kind = if c.kind.is_wire() {
                c.kind.label().to_owned()
            } else {
                format!("{} (not on the wire)", c.kind.label())
            };
            [c.operation.clone(), kind, c.old.clone(), c.new.clone()]
        })
        .collect();
    let header = ["operation", "change", "checked in", "live"].map(str::to_owned);
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            rows.iter()
                .chain(std::iter::once(&header))
                .map(|r| r[i].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |r: &[String; 4]| {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        cells.join("  ").trim_end().to_owned() + "\n"
    };
    let mut out = line(&header);
    for r in &rows {
        out.push_str(&line(r));
    }
    out
}
