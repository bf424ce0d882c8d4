//! Two WSDLs compared by what they mean, not by their text: the operations and parts a client
//! sends, as the generator reads them, so that a maintainer learns when a live PBX differs.

use std::collections::BTreeMap;

use crate::model::{Api, Operation, Param, SoapVersion, Style, TypeRef, Use};

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

/// What of an operation the comparison looks at: everything that decides what goes on the wire,
/// and its documentation. Made from the generator's model ([`From<&Operation>`]), or by a
/// client from the operation table compiled into it, so that the two compare alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationShape {
    /// The operation's wire name.
    pub name: String,
    /// rpc, document or bare.
    pub style: Style,
    /// encoded or literal.
    pub body_use: Use,
    /// The wrapper's (or rpc body's) namespace.
    pub namespace: String,
    /// `soapAction`.
    pub soap_action: String,
    /// SOAP 1.1 or 1.2.
    pub soap_version: SoapVersion,
    /// The path the operation is posted to, when not the endpoint itself.
    pub path: Option<String>,
    /// The input parts, in order.
    pub params: Vec<PartShape>,
    /// The answer's values, in order: name and type.
    pub outputs: Vec<(String, TypeRef)>,
    /// The documentation's first sentence, shown when only the documentation changed.
    pub summary: String,
    /// The whole documentation.
    pub documentation: String,
}

/// One input part of an [`OperationShape`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartShape {
    /// The name on the wire.
    pub name: String,
    /// The XSD type as written (`xsd:string`).
    pub xsd_type: String,
    /// The type it maps to.
    pub ty: TypeRef,
    /// Whether it repeats.
    pub many: bool,
}

impl From<&Operation> for OperationShape {
    fn from(op: &Operation) -> OperationShape {
        OperationShape {
            name: op.xml_name.clone(),
            style: op.style,
            body_use: op.body_use,
            namespace: op.namespace.clone(),
            soap_action: op.soap_action.clone(),
            soap_version: op.soap_version,
            path: op.path.clone(),
            params: op.params.iter().map(PartShape::from).collect(),
            outputs: op
                .outputs
                .iter()
                .map(|f| (f.xml_name.clone(), f.ty.clone()))
                .collect(),
            summary: op.summary.clone(),
            documentation: op.documentation.clone(),
        }
    }
}

impl From<&Param> for PartShape {
    fn from(p: &Param) -> PartShape {
        PartShape {
            name: p.xml_name.clone(),
            xsd_type: p.xsd_type.clone(),
            ty: p.ty.clone(),
            many: p.many,
        }
    }
}

/// The differences from `old` to `new`, operation by operation in `old`'s order, added
/// operations last.
pub fn apis(old: &Api, new: &Api) -> Vec<Change> {
    let shapes = |api: &Api| -> Vec<OperationShape> {
        api.operations.iter().map(OperationShape::from).collect()
    };
    operations(&shapes(old), &shapes(new))
}

/// [`apis`] on operations described some other way (a client's compiled table).
pub fn operations(old: &[OperationShape], new: &[OperationShape]) -> Vec<Change> {
    let new_ops: BTreeMap<&str, &OperationShape> =
        new.iter().map(|op| (op.name.as_str(), op)).collect();
    let mut changes = Vec::new();
    for op in old {
        match new_ops.get(op.name.as_str()) {
            Some(live) => operation(op, live, &mut changes),
            None => changes.push(change(op, ChangeKind::OperationRemoved, &op.name, "")),
        }
    }
    for op in new {
        if !old.iter().any(|o| o.name == op.name) {
            changes.push(change(op, ChangeKind::OperationAdded, "", &op.name));
        }
    }
    changes
}

fn change(op: &OperationShape, kind: ChangeKind, old: &str, new: &str) -> Change {
    Change {
        operation: op.name.clone(),
        kind,
        old: old.to_owned(),
        new: new.to_owned(),
    }
}

fn operation(old: &OperationShape, new: &OperationShape, out: &mut Vec<Change>) {
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
    let answer = |op: &OperationShape| {
        op.outputs
            .iter()
            .map(|(name, ty)| format!("{name}: {ty:?}"))
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
fn parts(op: &OperationShape, old: &[PartShape], new: &[PartShape], out: &mut Vec<Change>) {
    let names = |ps: &[PartShape]| ps.iter().map(|p| p.name.clone()).collect::<Vec<_>>();
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
            && p.name != q.name
            && !new_names.contains(&p.name)
            && !old_names.contains(&q.name)
        {
            renamed.push((p.name.clone(), q.name.clone()));
            out.push(change(
                op,
                ChangeKind::PartRenamed,
                &format!("{} (position {})", p.name, i + 1),
                &q.name,
            ));
        }
    }
    for p in old {
        if !new_names.contains(&p.name) && !renamed.iter().any(|(o, _)| *o == p.name) {
            out.push(change(op, ChangeKind::PartRemoved, &p.name, ""));
        }
    }
    for q in new {
        if !old_names.contains(&q.name) && !renamed.iter().any(|(_, n)| *n == q.name) {
            out.push(change(op, ChangeKind::PartAdded, "", &q.name));
        }
    }
    for p in old {
        if let Some(q) = new.iter().find(|q| q.name == p.name)
            && (p.xsd_type != q.xsd_type || p.ty != q.ty || p.many != q.many)
        {
            out.push(change(
                op,
                ChangeKind::PartRetyped,
                &format!("{}: {}", p.name, p.xsd_type),
                &format!("{}: {}", q.name, q.xsd_type),
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
