//! Lowering tests: parse a small WSDL, lower it, and compare the model values.

mod common;

use common::{binding, binding_op, document, messages, port_op, rpc, wsdl};
use uscall_codegen::model::{
    Answer, Api, Builtin, Field, FieldForm, Occurs, Operation, Param, SoapVersion, Style, TypeRef,
    Use, XsdKind,
};
use uscall_codegen::wsdl::QName;
use uscall_codegen::{Options, emit, generate, lower, parse, render};

fn api(text: &str) -> Api {
    let defs = parse::definitions(text).unwrap_or_else(|e| panic!("parse: {e}"));
    lower::api(&defs).unwrap_or_else(|e| panic!("lower: {e}"))
}

fn only(text: &str) -> Operation {
    let mut api = api(text);
    assert_eq!(api.operations.len(), 1);
    api.operations.remove(0)
}

fn param(name: &str, rust: &str, xsd: &str, kind: XsdKind, required: bool) -> Param {
    Param {
        xml_name: name.to_owned(),
        rust_name: rust.to_owned(),
        cli_name: rust.trim_end_matches('_').replace('_', "-"),
        xsd_type: xsd.to_owned(),
        kind,
        required,
        token: false,
        namespace: None,
        note: None,
        ty: TypeRef::Simple(match xsd {
            "xsd:int" => Builtin::Int,
            "xsd:long" => Builtin::Long,
            "xsd:boolean" => Builtin::Boolean,
            "xsd:date" => Builtin::Date,
            "xsd:dateTime" => Builtin::DateTime,
            "xsd:decimal" => Builtin::Decimal,
            "xsd:base64Binary" => Builtin::Base64Binary,
            _ => Builtin::String,
        }),
        many: false,
    }
}

/// The one string an rpc operation answers, as `return`.
fn string_return() -> Field {
    Field {
        xml_name: "return".into(),
        rust_name: "return".into(),
        namespace: None,
        ty: TypeRef::Simple(Builtin::String),
        occurs: Occurs::One,
        form: FieldForm::Element,
        nillable: false,
        boxed: false,
    }
}

fn token(name: &str) -> Param {
    Param {
        token: true,
        ..param(name, "token", "xsd:string", XsdKind::String, true)
    }
}

#[test]
fn rpc_encoded_operation() {
    let parts = r#"<part name="token" type="xsd:string"/><part name="tipo" type="xsd:string"/><part name="ramal" type="xsd:int"/><part name="type" type="xsd:string"/>"#;
    let doc = "  Efetua uma ligação.  Mais texto.\n   Parâmetros necessários: token, tipo.  \n\n";
    assert_eq!(
        only(&rpc("", parts, doc)),
        Operation {
            xml_name: "op".into(),
            rust_name: "op".into(),
            static_name: "OP".into(),
            type_name: "Op".into(),
            cli_name: "op".into(),
            summary: "Efetua uma ligação.".into(),
            documentation: "Efetua uma ligação. Mais texto.\nParâmetros necessários: token, tipo."
                .into(),
            soap_action: "urn:t#op".into(),
            soap_version: SoapVersion::Soap11,
            path: None,
            style: Style::Rpc,
            body_use: Use::Encoded,
            namespace: "urn:t".into(),
            wrapper: "op".into(),
            response: "return".into(),
            params: vec![
                token("token"),
                param("tipo", "tipo", "xsd:string", XsdKind::String, true),
                param("ramal", "ramal", "xsd:int", XsdKind::Integer, false),
                param("type", "type", "xsd:string", XsdKind::String, false),
            ],
            outputs: vec![string_return()],
            answer: Answer::One(string_return()),
            raw: None,
        }
    );
}

#[test]
fn every_rpc_part_is_optional_without_the_required_line() {
    let parts = r#"<part name="Token" type="xsd:string"/><part name="fila" type="xsd:string"/>"#;
    let op = only(&rpc("", parts, "Lists queues."));
    assert_eq!(
        op.params,
        [
            token("Token"),
            param("fila", "fila", "xsd:string", XsdKind::String, false)
        ]
    );
    assert_eq!(op.summary, "Lists queues.");
}

#[test]
fn missing_documentation_gives_a_summary() {
    let op = only(&rpc("", r#"<part name="token" type="xsd:string"/>"#, ""));
    assert_eq!(
        (op.summary.as_str(), op.documentation.as_str()),
        ("Calls `op`.", "")
    );
}

#[test]
fn simple_types_map_to_their_base_and_undeclared_types_make_the_operation_raw() {
    let types =
        r#"<xsd:simpleType name="Phone"><xsd:restriction base="xsd:string"/></xsd:simpleType>"#;
    let parts = r#"<part name="foto" type="xsd:base64Binary"/><part name="tel" type="tns:Phone"/>"#;
    let op = only(&rpc(types, parts, ""));
    assert_eq!(
        op.params,
        [
            param("foto", "foto", "xsd:base64Binary", XsdKind::String, false),
            param("tel", "tel", "tns:Phone", XsdKind::String, false),
        ]
    );
    let parts = r#"<part name="x" type="tns:Nowhere"/>"#;
    let op = only(&rpc(types, parts, ""));
    let raw = op.raw.expect("an undeclared type makes the operation raw");
    assert!(
        raw.reason.contains("type `tns:Nowhere` is not declared"),
        "{}",
        raw.reason
    );
}

#[test]
fn document_literal_wrapped() {
    let types = r#"<xsd:element name="op"><xsd:complexType><xsd:sequence>
        <xsd:element name="token" type="xsd:string"/>
        <xsd:element name="reportName" type="xsd:string" minOccurs="0"/>
        <xsd:element name="when" type="xsd:date" nillable="true"/>
        <xsd:element name="count" type="xsd:long"/>
      </xsd:sequence></xsd:complexType></xsd:element>"#;
    let op = only(&document(types, "op"));
    assert_eq!((op.style, op.body_use), (Style::Document, Use::Literal));
    assert_eq!(
        (op.namespace.as_str(), op.wrapper.as_str()),
        ("urn:t", "op")
    );
    assert_eq!(
        op.params,
        [
            token("token"),
            param(
                "reportName",
                "report_name",
                "xsd:string",
                XsdKind::String,
                false
            ),
            param("when", "when", "xsd:date", XsdKind::Date, false),
            param("count", "count", "xsd:long", XsdKind::Integer, true),
        ]
    );
}

#[test]
fn style_defaults_to_document_and_operation_style_wins() {
    let types = r#"<xsd:element name="op"><xsd:complexType/></xsd:element>"#;
    let doc = document(types, "op").replace(r#" style="document""#, "");
    assert_eq!(only(&doc).style, Style::Document);
    let parts = r#"<part name="token" type="xsd:string"/>"#;
    let doc = rpc("", parts, "")
        .replace(r#"style="rpc""#, r#"style="document""#)
        .replace(
            r#"<soap:operation soapAction="urn:t#op"/>"#,
            r#"<soap:operation soapAction="urn:t#op" style="rpc"/>"#,
        );
    assert_eq!(only(&doc).style, Style::Rpc);
}

#[test]
fn soap_action_may_be_absent_and_namespace_falls_back() {
    let parts = r#"<part name="token" type="xsd:string"/>"#;
    let doc = rpc("", parts, "")
        .replace(r#"<soap:operation soapAction="urn:t#op"/>"#, "")
        .replace(r#" namespace="urn:t""#, "");
    let op = only(&doc);
    assert_eq!(
        (op.soap_action.as_str(), op.namespace.as_str()),
        ("", "urn:t")
    );
}

#[test]
fn soap_body_parts_selects_parts() {
    let parts = r#"<part name="token" type="xsd:string"/><part name="extra" type="xsd:string"/>"#;
    let doc = rpc("", parts, "").replacen(r#"use="encoded""#, r#"use="encoded" parts="token""#, 1);
    assert_eq!(only(&doc).params, [token("token")]);
}

#[test]
fn soap11_is_preferred_over_soap12_and_service_ports_pick_the_binding() {
    let parts = r#"<part name="token" type="xsd:string"/>"#;
    let b12 = binding("rpc", &binding_op("op", "literal"))
        .replace("soap:", "soap12:")
        .replace(r#"name="B""#, r#"name="B12""#);
    let b11 = binding("rpc", &binding_op("op", "encoded"));
    let both = format!("{b12}{b11}");
    let doc = wsdl("", &messages("op", parts), &port_op("op", ""), &both);
    let op = only(&doc);
    assert_eq!(
        (op.soap_version, op.body_use),
        (SoapVersion::Soap11, Use::Encoded)
    );
    let only12 =
        format!(r#"{both}<service name="S"><port name="P12" binding="tns:B12"/></service>"#);
    let doc = wsdl("", &messages("op", parts), &port_op("op", ""), &only12);
    let op = only(&doc);
    assert_eq!(
        (op.soap_version, op.body_use),
        (SoapVersion::Soap12, Use::Literal)
    );
}

#[test]
fn operations_keep_port_type_order_and_names_collide_in_order() {
    let names = ["zeta", "getAgent", "alpha", "get_agent"];
    let msgs: String = names.iter().map(|n| messages(n, "")).collect();
    let port: String = names.iter().map(|n| port_op(n, "")).collect();
    let ops: String = names
        .iter()
        .rev()
        .map(|n| binding_op(n, "encoded"))
        .collect();
    let api = api(&wsdl("", &msgs, &port, &binding("rpc", &ops)));
    let rust: Vec<&str> = api
        .operations
        .iter()
        .map(|o| o.rust_name.as_str())
        .collect();
    assert_eq!(rust, ["zeta", "get_agent", "alpha", "get_agent_2"]);
}

#[test]
fn parse_resolves_prefixes_in_scope() {
    let text = r#"<w:definitions xmlns:w="http://schemas.xmlsoap.org/wsdl/" xmlns:a="urn:a">
        <w:message name="m"><w:part name="p" type="a:T" xmlns:a="urn:inner"/><w:part name="q" element="a:E"/></w:message>
    </w:definitions>"#;
    let defs = parse::definitions(text).unwrap();
    let parts = &defs.messages[0].parts;
    assert_eq!(
        parts[0].type_name,
        Some(QName {
            prefix: Some("a".into()),
            local: "T".into(),
            namespace: Some("urn:inner".into()),
        })
    );
    assert_eq!(
        parts[1]
            .element
            .as_ref()
            .and_then(|q| q.namespace.as_deref()),
        Some("urn:a")
    );
}

#[test]
fn generated_api_matches_the_lowered_one() {
    let text = rpc("", r#"<part name="token" type="xsd:string"/>"#, "");
    let options = Options {
        source: "x.wsdl".into(),
        soap: None,
        ..Options::default()
    };
    let generated = generate(text.as_bytes(), &options).unwrap();
    assert_eq!(generated.api, api(&text));
    assert!(generated.code.starts_with(
        "// @generated by `cargo xtask regen` from x.wsdl. Do not edit by hand.\n// To change it,"
    ));
}

#[test]
fn two_thousand_operations() {
    let names: Vec<String> = (0..2000).map(|i| format!("operation{i}")).collect();
    let part = r#"<part name="token" type="xsd:string"/><part name="value" type="xsd:int"/>"#;
    let msgs: String = names.iter().map(|n| messages(n, part)).collect();
    let port: String = names.iter().map(|n| port_op(n, "Does a thing.")).collect();
    let ops: String = names.iter().map(|n| binding_op(n, "encoded")).collect();
    let text = wsdl("", &msgs, &port, &binding("rpc", &ops));
    let options = Options {
        source: "big.wsdl".into(),
        soap: None,
        ..Options::default()
    };
    let generated = generate(text.as_bytes(), &options).unwrap();
    assert_eq!(generated.api.operations.len(), 2000);
    assert_eq!(generated.api.operations[1999].rust_name, "operation1999");
    // generate() formats in chunks on several threads; the text must not depend on that.
    let header = render::Header {
        source: "big.wsdl".into(),
        soap: None,
    };
    let whole = render::file(emit::file(&generated.api), &header).unwrap();
    assert!(
        whole == generated.code,
        "chunked rendering differs from whole rendering"
    );
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}.wsdl", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

type Summary<'a> = (&'a str, &'a str, SoapVersion, Option<&'a str>);

fn summary(api: &Api) -> Vec<Summary<'_>> {
    api.operations
        .iter()
        .map(|o| {
            let (wire, rust) = (o.xml_name.as_str(), o.rust_name.as_str());
            (wire, rust, o.soap_version, o.path.as_deref())
        })
        .collect()
}

#[test]
fn every_port_type_of_several_services_becomes_operations_with_unique_names() {
    let api = api(&fixture("several_services"));
    let admin = Some("/webservice/admin.php");
    assert_eq!(
        summary(&api),
        [
            ("getQueue", "get_queue", SoapVersion::Soap11, None),
            ("hangupCall", "hangup_call", SoapVersion::Soap11, None),
            ("getQueue", "get_queue_2", SoapVersion::Soap11, admin),
            (
                "reloadDialplan",
                "reload_dialplan",
                SoapVersion::Soap11,
                admin
            ),
        ]
    );
    assert_eq!(
        api.operations[2].soap_action,
        "urn:callcenter#adminGetQueue"
    );
    assert_eq!(api.operations[2].namespace, "urn:callcenter-admin");
    assert_eq!(
        api.notes,
        [
            "port type `tns:CallCenterPortType` is bound in SOAP 1.1 and SOAP 1.2: generated from \
          binding `CallCenterSoap` (SOAP 1.1), not `CallCenterSoap12`; regen with `--soap 1.2` \
          to take the other"
        ]
    );
}

#[test]
fn a_preference_for_soap12_takes_the_soap12_binding_where_there_is_one() {
    let defs = parse::definitions(&fixture("several_services")).unwrap();
    let api = lower::api_preferring(&defs, Some(SoapVersion::Soap12)).unwrap();
    let versions: Vec<(SoapVersion, Use)> = api
        .operations
        .iter()
        .map(|o| (o.soap_version, o.body_use))
        .collect();
    // The admin port type has no SOAP 1.2 binding: it stays SOAP 1.1, without a note.
    assert_eq!(
        versions,
        [
            (SoapVersion::Soap12, Use::Literal),
            (SoapVersion::Soap12, Use::Literal),
            (SoapVersion::Soap11, Use::Encoded),
            (SoapVersion::Soap11, Use::Encoded),
        ]
    );
    assert_eq!(
        api.notes,
        [
            "port type `tns:CallCenterPortType` is bound in SOAP 1.2 and SOAP 1.1: generated from \
          binding `CallCenterSoap12` (SOAP 1.2), not `CallCenterSoap`; regen with `--soap 1.1` \
          to take the other"
        ]
    );
    let both = parse::definitions(&fixture("soap11_and_12")).unwrap();
    let op = &lower::api_preferring(&both, Some(SoapVersion::Soap12))
        .unwrap()
        .operations[0];
    assert_eq!(op.soap_version, SoapVersion::Soap12);
    // The preference is named in the header, so that `regen --check` can read it back.
    let options = Options {
        source: "x.wsdl".into(),
        soap: Some(SoapVersion::Soap12),
        ..Options::default()
    };
    let generated = generate(fixture("several_services").as_bytes(), &options).unwrap();
    assert_eq!(generated.notes, api.notes);
    assert!(
        generated.code.starts_with(
            "// @generated by `cargo xtask regen --soap 1.2` from x.wsdl. Do not edit by hand.\n"
        ),
        "{}",
        generated.code
    );
    let default = Options {
        soap: Some(SoapVersion::Soap11),
        ..options
    };
    let generated = generate(fixture("several_services").as_bytes(), &default).unwrap();
    assert!(
        generated
            .code
            .starts_with("// @generated by `cargo xtask regen` from x.wsdl.")
    );
}
