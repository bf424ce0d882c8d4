//! The XSD type system: what parts and fields of each construct lower to (their Rust types are in
//! the goldens, which `uscall-tests` compiles); these WSDLs made the operation raw before.

mod common;

use common::{document, rpc};
use uscall_codegen::model::{
    Answer, Api, Builtin, Field, FieldForm, Occurs, Style, TypeDef, TypeDefKind, TypeRef,
};
use uscall_codegen::{lower, parse};

fn api(text: &str) -> Api {
    let defs = parse::definitions(text).unwrap_or_else(|e| panic!("parse: {e}"));
    lower::api(&defs).unwrap_or_else(|e| panic!("lower: {e}"))
}

fn fixture(name: &str) -> Api {
    let path = format!("{}/tests/fixtures/{name}.wsdl", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    lower::api(&parse::bytes(&bytes).unwrap()).unwrap()
}

fn def<'a>(api: &'a Api, rust: &str) -> &'a TypeDef {
    api.types
        .iter()
        .find(|t| t.rust_name == rust)
        .unwrap_or_else(|| panic!("no type {rust} in {:?}", api.types))
}

fn fields(def: &TypeDef) -> Vec<(&str, &TypeRef, Occurs, FieldForm, bool)> {
    match &def.kind {
        TypeDefKind::Struct(fields) => fields
            .iter()
            .map(|f| (f.xml_name.as_str(), &f.ty, f.occurs, f.form, f.boxed))
            .collect(),
        other => panic!("{} is not a struct: {other:?}", def.rust_name),
    }
}

fn named(name: &str) -> TypeRef {
    TypeRef::Named(name.to_owned())
}

const S: TypeRef = TypeRef::Simple(Builtin::String);

#[test]
fn a_struct_part_is_typed() {
    let types = r#"<xsd:complexType name="Agent"><xsd:sequence><xsd:element name="id" type="xsd:int"/></xsd:sequence></xsd:complexType>"#;
    let api = api(&rpc(types, r#"<part name="agent" type="tns:Agent"/>"#, ""));
    let op = &api.operations[0];
    assert_eq!(op.raw, None);
    assert_eq!(op.params[0].ty, named("Agent"));
    assert_eq!(
        fields(def(&api, "Agent")),
        [(
            "id",
            &TypeRef::Simple(Builtin::Int),
            Occurs::One,
            FieldForm::Element,
            false
        )]
    );
}

#[test]
fn soap_encoded_arrays_of_every_shape() {
    let api = fixture("soap_enc_arrays");
    assert!(api.operations.iter().all(|op| op.raw.is_none()));
    let array = |name: &str| match &def(&api, name).kind {
        TypeDefKind::Array { item, item_name } => (item.clone(), item_name.clone()),
        other => panic!("{other:?}"),
    };
    assert_eq!(array("ArrayOfString"), (S, "item".into()));
    assert_eq!(array("ArrayOfRamal"), (named("Ramal"), "item".into()));
    // `xsd:int[][]`: an array whose items are arrays of int.
    let (inner, _) = array("Matrix");
    assert_eq!(inner, named("ArrayOfInt"));
    assert_eq!(
        array("ArrayOfInt"),
        (TypeRef::Simple(Builtin::Int), "item".into())
    );
    // An array restating its item element (Axis 1) takes its type and name.
    assert_eq!(
        array("ArrayOfLong"),
        (TypeRef::Simple(Builtin::Long), "valor".into())
    );
    // A part typed plainly `SOAP-ENC:Array` is an array of anything.
    let echo = &api.operations[2];
    assert_eq!(echo.params[0].ty, named("ArrayOfAny"));
    assert_eq!(array("ArrayOfAny"), (TypeRef::Any, "item".into()));
    assert_eq!(
        echo.answer,
        Answer::One(Field {
            xml_name: "return".into(),
            rust_name: "return".into(),
            namespace: None,
            ty: named("ArrayOfAny"),
            occurs: Occurs::One,
            form: FieldForm::Element,
            nillable: false,
            boxed: false,
        })
    );
}

#[test]
fn structs_enums_and_recursion() {
    let api = fixture("encoded_structs");
    let chamado = fields(def(&api, "Chamado"));
    let ty = |name: &str| {
        chamado
            .iter()
            .find(|f| f.0 == name)
            .map(|f| (f.1.clone(), f.2))
            .unwrap()
    };
    assert_eq!(
        ty("id"),
        (TypeRef::Simple(Builtin::Integer), Occurs::Optional)
    );
    assert_eq!(ty("prioridade"), (named("Prioridade"), Occurs::One));
    assert_eq!(ty("projeto"), (named("ObjectRef"), Occurs::One));
    assert_eq!(
        ty("prazo"),
        (TypeRef::Simple(Builtin::Date), Occurs::Optional)
    );
    assert_eq!(
        ty("anexo"),
        (TypeRef::Simple(Builtin::Base64Binary), Occurs::Optional)
    );
    assert_eq!(
        ty("estimativa"),
        (TypeRef::Simple(Builtin::Duration), Occurs::Optional)
    );
    // A restriction of a built-in is its base.
    assert_eq!(
        fields(def(&api, "ObjectRef"))[0].1,
        &TypeRef::Simple(Builtin::Int)
    );
    match &def(&api, "Prioridade").kind {
        TypeDefKind::Enum { base, values } => {
            assert_eq!(*base, Builtin::String);
            let values: Vec<_> = values
                .iter()
                .map(|(v, n)| (v.as_str(), n.as_str()))
                .collect();
            assert_eq!(
                values,
                [
                    ("baixa", "Baixa"),
                    ("normal", "Normal"),
                    ("urgente", "Urgente")
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    // `Categoria` holds itself: boxed inline, not in the array.
    let categoria = fields(def(&api, "Categoria"));
    assert_eq!(
        categoria[1],
        (
            "pai",
            &named("Categoria"),
            Occurs::Optional,
            FieldForm::Element,
            true
        )
    );
    assert_eq!(
        categoria[2],
        (
            "filhas",
            &named("ArrayOfCategoria"),
            Occurs::Optional,
            FieldForm::Element,
            false
        )
    );
}

#[test]
fn literal_types_extension_attributes_choice_groups_lists_and_refs() {
    let api = fixture("literal_types");
    let contato = fields(def(&api, "Contato"));
    let names: Vec<_> = contato.iter().map(|f| (f.0, f.2, f.3)).collect();
    assert_eq!(
        names,
        [
            ("nome", Occurs::One, FieldForm::Element),
            ("apelido", Occurs::Optional, FieldForm::Element),
            ("id", Occurs::One, FieldForm::Attribute),
            ("telefones", Occurs::Many, FieldForm::Element),
            ("ramais", Occurs::Optional, FieldForm::Element),
            ("email", Occurs::Optional, FieldForm::Element),
            ("fax", Occurs::Optional, FieldForm::Element),
            ("criadoEm", Occurs::One, FieldForm::Element),
            ("criadoPor", Occurs::Optional, FieldForm::Element),
            ("observacao", Occurs::Optional, FieldForm::Element),
        ]
    );
    assert_eq!(contato[4].1, &TypeRef::List(Builtin::Int));
    let telefone = fields(def(&api, "Telefone"));
    assert_eq!(
        telefone,
        [
            ("", &S, Occurs::One, FieldForm::Text, false),
            ("tipo", &S, Occurs::Optional, FieldForm::Attribute, false),
        ]
    );
    let salvar = &api.operations[0];
    assert_eq!(salvar.style, Style::Document);
    let params: Vec<_> = salvar
        .params
        .iter()
        .map(|p| (p.xml_name.as_str(), p.many, p.required))
        .collect();
    assert_eq!(
        params,
        [("contato", true, false), ("sobrescrever", false, false)]
    );
    // Two answer values: a struct made for them.
    assert_eq!(salvar.answer, Answer::Struct("SalvarContatosAnswer".into()));
    let answer = fields(def(&api, "SalvarContatosAnswer"));
    assert_eq!(answer.len(), 2);
    assert_eq!(answer[1].2, Occurs::Many);
}

#[test]
fn document_literal_bare_with_simple_and_struct_elements() {
    let api = fixture("literal_bare");
    let [quadrado, espelhar] = api.operations.as_slice() else {
        panic!("{api:?}");
    };
    assert_eq!(quadrado.style, Style::Bare);
    assert_eq!(quadrado.wrapper, "numero");
    assert_eq!(quadrado.params[0].ty, TypeRef::Simple(Builtin::Int));
    match &quadrado.answer {
        Answer::One(field) => {
            assert_eq!(field.form, FieldForm::Text);
            assert_eq!(field.ty, TypeRef::Simple(Builtin::Long));
        }
        other => panic!("{other:?}"),
    }
    // A struct element reads on the wire as a wrapper of its fields.
    assert_eq!(espelhar.style, Style::Document);
    assert_eq!(espelhar.wrapper, "ponto");
    assert_eq!(espelhar.params.len(), 2);
    assert!(matches!(espelhar.answer, Answer::Struct(_)));
}

#[test]
fn several_outputs_and_none() {
    let api = fixture("several_outputs");
    let [transferir, limpar] = api.operations.as_slice() else {
        panic!("{api:?}");
    };
    let outputs: Vec<_> = transferir
        .outputs
        .iter()
        .map(|f| (f.xml_name.as_str(), f.ty.clone()))
        .collect();
    assert_eq!(
        outputs,
        [
            ("codigo", TypeRef::Simple(Builtin::Int)),
            ("mensagem", S),
            ("quando", TypeRef::Simple(Builtin::DateTime)),
        ]
    );
    assert_eq!(transferir.answer, Answer::Struct("TransferirAnswer".into()));
    assert_eq!(limpar.answer, Answer::Unit);
}

#[test]
fn document_elements_that_are_not_wrappers() {
    // An element of a simple type: bare.
    let op = &api(&document(
        r#"<xsd:element name="op" type="xsd:string"/>"#,
        "op",
    ))
    .operations[0];
    assert_eq!((op.style, op.raw.is_none()), (Style::Bare, true));
    // A choice: each alternative optional.
    let types = r#"<xsd:element name="op"><xsd:complexType><xsd:choice><xsd:element name="a" type="xsd:string"/><xsd:element name="b" type="xsd:int"/></xsd:choice></xsd:complexType></xsd:element>"#;
    let op = &api(&document(types, "op")).operations[0];
    assert_eq!(
        op.params.iter().map(|p| p.required).collect::<Vec<_>>(),
        [false, false]
    );
    // A repeated field: a `Vec`.
    let types = r#"<xsd:element name="op"><xsd:complexType><xsd:sequence><xsd:element name="a" type="xsd:string" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType></xsd:element>"#;
    let op = &api(&document(types, "op")).operations[0];
    assert!(op.params[0].many);
    // A nested anonymous struct: a type named after where it is.
    let types = r#"<xsd:element name="op"><xsd:complexType><xsd:sequence>
        <xsd:element name="agent"><xsd:complexType><xsd:sequence><xsd:element name="id" type="xsd:int"/></xsd:sequence></xsd:complexType></xsd:element>
        </xsd:sequence></xsd:complexType></xsd:element>"#;
    let api = api(&document(types, "op"));
    assert_eq!(api.operations[0].params[0].ty, named("OpAgent"));
}

#[test]
fn a_one_way_operation_is_typed_and_answers_nothing() {
    let api = fixture("one_way");
    let op = &api.operations[0];
    assert_eq!((op.raw.is_none(), &op.answer), (true, &Answer::Unit));
    let fields: Vec<_> = op
        .params
        .iter()
        .map(|p| (p.xml_name.as_str(), p.namespace.as_deref()))
        .collect();
    assert_eq!(
        fields,
        [
            ("idunico", Some("urn:oneway")),
            ("duracao", Some("urn:oneway"))
        ]
    );
}

#[test]
fn an_operation_whose_types_fail_leaves_no_types_behind() {
    // `Bad` refers to an undeclared type: its operation is raw, and neither `Bad` nor `Good`,
    // registered on the way, is left in the schema module.
    let types = r#"<xsd:complexType name="Good"><xsd:sequence><xsd:element name="x" type="xsd:int"/></xsd:sequence></xsd:complexType>
        <xsd:complexType name="Bad"><xsd:sequence><xsd:element name="g" type="tns:Good"/><xsd:element name="y" type="tns:Missing"/></xsd:sequence></xsd:complexType>"#;
    let api = api(&rpc(types, r#"<part name="b" type="tns:Bad"/>"#, ""));
    assert!(api.operations[0].raw.is_some());
    assert!(api.types.is_empty(), "{:?}", api.types);
}

#[test]
fn a_schema_imported_by_location_is_read_from_a_local_copy_and_never_fetched() {
    use uscall_codegen::{Options, generate};
    let path = format!(
        "{}/tests/fixtures/raw_complex_part.wsdl",
        env!("CARGO_MANIFEST_DIR")
    );
    let wsdl = std::fs::read(&path).unwrap();
    let defs = parse::bytes(&wsdl).unwrap();
    assert_eq!(defs.schema_locations(), ["member.xsd"]);
    // Without the file: raw, naming it.
    let without = generate(&wsdl, &Options::default()).unwrap();
    assert_eq!(without.warnings.len(), 1);
    assert!(without.warnings[0].reason.contains("`member.xsd`"));
    // With a local copy, which includes another file by location: typed.
    let member = br#"<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:rawcomplex" targetNamespace="urn:rawcomplex">
        <xsd:include schemaLocation="penalty.xsd"/>
        <xsd:complexType name="Member"><xsd:all><xsd:element name="agente" type="xsd:string"/><xsd:element name="penalidade" type="tns:Penalty"/></xsd:all></xsd:complexType>
      </xsd:schema>"#;
    let penalty = br#"<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:rawcomplex">
        <xsd:simpleType name="Penalty"><xsd:restriction base="xsd:int"/></xsd:simpleType>
      </xsd:schema>"#;
    let options = Options {
        schemas: vec![
            ("member.xsd".into(), member.to_vec()),
            ("penalty.xsd".into(), penalty.to_vec()),
        ],
        ..Options::default()
    };
    let with = generate(&wsdl, &options).unwrap();
    assert!(with.warnings.is_empty(), "{:?}", with.warnings);
    assert_eq!(
        fields(def(&with.api, "Member"))[1].1,
        &TypeRef::Simple(Builtin::Int)
    );
    // Only the include given: the type from the missing file is named in the warning.
    let options = Options {
        schemas: vec![("member.xsd".into(), member.to_vec())],
        ..Options::default()
    };
    let partial = generate(&wsdl, &options).unwrap();
    assert!(
        partial.warnings[0].reason.contains("`penalty.xsd`"),
        "{}",
        partial.warnings[0].reason
    );
    // A file that is not a schema is refused, naming it.
    let options = Options {
        schemas: vec![("member.xsd".into(), b"<html/>".to_vec())],
        ..Options::default()
    };
    assert_eq!(
        generate(&wsdl, &options).unwrap_err().to_string(),
        "the file given for schemaLocation `member.xsd` is `html`, not an `xsd:schema`"
    );
}
