//! Reading a raw operation's answer: the response element as XML, faults, refusals and references.

use super::*;

const ENVELOPE: &str = r#"<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="urn:q" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><SOAP-ENV:Body>BODY</SOAP-ENV:Body></SOAP-ENV:Envelope>"#;

fn read(body: &str, one_way: bool) -> std::result::Result<Parsed, ParseError> {
    body_element(&ENVELOPE.replace("BODY", body), "addQueueMember", one_way)
}

#[test]
fn the_response_element_reads_on_its_own() {
    let answer = r#"<ns1:addQueueMemberResponse><membro xsi:type="ns1:Member"><agente>600</agente></membro><total>3 &amp; 4</total></ns1:addQueueMemberResponse>"#;
    let Ok(Parsed::Return(xml)) = read(answer, false) else {
        panic!("{:?}", read(answer, false));
    };
    assert_eq!(
        xml,
        r#"<ns1:addQueueMemberResponse xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="urn:q" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><membro xsi:type="ns1:Member"><agente>600</agente></membro><total>3 &amp; 4</total></ns1:addQueueMemberResponse>"#
    );
    // A declaration the element makes itself is not written twice; an empty element is whole.
    let Ok(Parsed::Return(xml)) = read(r#"<r:ok xmlns:r="urn:r" xmlns:ns1="urn:other"/>"#, false)
    else {
        panic!("empty element");
    };
    assert_eq!(
        xml,
        r#"<r:ok xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:r="urn:r" xmlns:ns1="urn:other"/>"#
    );
}

#[test]
fn a_fault_is_a_fault() {
    let fault = "<SOAP-ENV:Fault><faultcode>SOAP-ENV:Client</faultcode><faultstring>no such queue</faultstring></SOAP-ENV:Fault>";
    match read(fault, false) {
        Ok(Parsed::Fault(fault)) => assert_eq!(fault.string, "no such queue"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_empty_body_is_an_answer_only_for_one_way_operations() {
    assert_eq!(read("", true), Ok(Parsed::Return(String::new())));
    let e = read("", false).unwrap_err();
    assert_eq!(e.message, "the answer's Body holds no element");
}

#[test]
fn ambiguous_or_hostile_answers_are_refused() {
    let two = read("<a/><b/>", false).unwrap_err();
    assert!(two.message.contains("more than one element"), "{two:?}");
    let entity = read("<a>&bomb;</a>", false).unwrap_err();
    assert!(entity.message.contains("predefine"), "{entity:?}");
    let deep = format!("{}{}", "<a>".repeat(80), "</a>".repeat(80));
    assert!(read(&deep, false).unwrap_err().message.contains("too deep"));
    let dtd = format!("<!DOCTYPE x []>{}", ENVELOPE.replace("BODY", "<a/>"));
    let dtd = body_element(
        &dtd.replacen("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "", 1),
        "x",
        false,
    );
    assert!(dtd.unwrap_err().message.contains("DTD"));
    let not_soap = body_element("<Envelope><Body><a/></Body></Envelope>", "x", false);
    assert!(
        not_soap
            .unwrap_err()
            .message
            .contains("not a SOAP Envelope")
    );
}

#[test]
fn characters_xml_forbids_are_refused_as_the_typed_reader_refuses_them() {
    for body in [
        "<r:ok xmlns:r=\"urn:r\">a\u{1b}[2Jb</r:ok>",
        "<r:ok xmlns:r=\"urn:r\">a&#x1b;b</r:ok>",
        "<r:ok xmlns:r=\"urn:r\" note=\"&#7;\">x</r:ok>",
        "<r:ok xmlns:r=\"urn:r\">&#xFFFE;</r:ok>",
    ] {
        let err = read(body, false).unwrap_err();
        assert!(err.message.contains("XML 1.0 forbids"), "{body:?}: {err:?}");
    }
}

/// The Body of [`ENVELOPE`] with `response` answering addQueueMember and `multirefs` after it.
fn with_refs(response: &str, multirefs: &str) -> std::result::Result<Parsed, ParseError> {
    let response = format!("<ns1:addQueueMemberResponse>{response}</ns1:addQueueMemberResponse>");
    read(&format!("{response}{multirefs}"), false)
}

/// A multiRef as Axis 1 writes it: unqualified id, `soapenc:root="0"`, its own declarations.
fn multiref(id: &str, ty: &str, content: &str) -> String {
    format!(
        r#"<multiRef id="{id}" soapenc:root="0" xsi:type="{ty}" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:ns2="urn:types">{content}</multiRef>"#
    )
}

/// What [`multiref`]'s attributes become on the element that referred to it.
fn kept(ty: &str) -> String {
    format!(
        r#"xsi:type="{ty}" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:ns2="urn:types""#
    )
}

const ROOT: &str = r#"<ns1:addQueueMemberResponse xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="urn:q" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#;

#[test]
fn references_to_multirefs_are_inlined_as_axis_writes_them() {
    let refs = [
        multiref(
            "id0",
            "ns2:Person",
            r##"<name>Ana</name><address href="#id1"/>"##,
        ),
        multiref("id1", "ns2:Address", "<city>Recife &amp; Olinda</city>"),
    ]
    .concat();
    let answer = with_refs(r##"<return note='a"b' href="#id0"></return>"##, &refs);
    let Ok(Parsed::Return(xml)) = answer else {
        panic!("{answer:?}");
    };
    let expected = format!(
        r#"{ROOT}<return note="a&quot;b" {}><name>Ana</name><address {}><city>Recife &amp; Olinda</city></address></return></ns1:addQueueMemberResponse>"#,
        kept("ns2:Person"),
        kept("ns2:Address")
    );
    assert_eq!(xml, expected);
}

#[test]
fn an_array_of_structs_is_inlined_in_order_whatever_order_its_items_come_in() {
    let refs = [
        multiref(
            "id0",
            "soapenc:Array",
            r##"<item href="#id2"/><item href="#id1"/>"##,
        ),
        multiref("id1", "ns2:Person", "<name>Bia</name>"),
        multiref("id2", "ns2:Person", "<name>Ana</name>"),
    ]
    .concat();
    let answer = with_refs(r##"<return href="#id0"/>"##, &refs);
    let Ok(Parsed::Return(xml)) = answer else {
        panic!("{answer:?}");
    };
    let expected = format!(
        r#"{ROOT}<return {}><item {}><name>Ana</name></item><item {}><name>Bia</name></item></return></ns1:addQueueMemberResponse>"#,
        kept("soapenc:Array"),
        kept("ns2:Person"),
        kept("ns2:Person")
    );
    assert_eq!(xml, expected);
}

#[test]
fn soap12_references_and_ids_inside_the_response_are_read_too() {
    // SOAP 1.2's enc:ref/enc:id; an id within the response (ext/soap's second occurrence of
    // an object) stays a reference, since the XML holds what it refers to.
    let enc = r#"xmlns:enc="http://www.w3.org/2003/05/soap-encoding""#;
    let answer = with_refs(
        &format!(r##"<a {enc} enc:ref="x"/><b id="ref1">1</b><c href="#ref1"/>"##),
        &format!(r#"<v {enc} enc:id="x"><n>2</n></v>"#),
    );
    let Ok(Parsed::Return(xml)) = answer else {
        panic!("{answer:?}");
    };
    let expected = format!(
        r##"{ROOT}<a {enc}><n>2</n></a><b id="ref1">1</b><c href="#ref1"/></ns1:addQueueMemberResponse>"##
    );
    assert_eq!(xml, expected);
}

/// The message refusing `response` beside `refs`.
fn refuse(response: &str, refs: &[String]) -> String {
    with_refs(response, &refs.concat()).unwrap_err().message
}

#[test]
fn a_reference_to_a_missing_id_is_refused() {
    let missing = refuse(r##"<r href="#id9"/>"##, &[multiref("id0", "t", "")]);
    assert_eq!(
        missing,
        "<r> refers to the id \"id9\", which no element of the Body has"
    );
}

#[test]
fn references_going_round_in_a_circle_are_refused() {
    let circle = refuse(
        r##"<r href="#a"/>"##,
        &[
            multiref("a", "t", r##"<x href="#b"/>"##),
            multiref("b", "t", r##"<y href="#a"/>"##),
        ],
    );
    assert_eq!(
        circle,
        "the references go round in a circle: \"a\" -> \"b\" -> \"a\""
    );
}

#[test]
fn a_multiref_nothing_refers_to_is_refused() {
    let idle = refuse(
        r##"<r href="#a"/>"##,
        &[multiref("a", "t", "1"), multiref("b", "t", "2")],
    );
    assert_eq!(
        idle,
        "the Body holds <multiRef id=\"b\"> beside the response, which nothing refers to"
    );
}

#[test]
fn repeated_ids_references_with_values_and_too_many_multirefs_are_refused() {
    let twice = refuse(
        r##"<r href="#a"/>"##,
        &[multiref("a", "t", "1"), multiref("a", "t", "2")],
    );
    assert_eq!(twice, "two elements of the Body have the id \"a\"");
    let both = refuse(r##"<r href="#a">1</r>"##, &[multiref("a", "t", "1")]);
    assert_eq!(both, "<r> holds both a reference and a value");
    let many: Vec<String> = (0..=crate::response::MAX_TARGETS)
        .map(|i| multiref(&format!("id{i}"), "t", ""))
        .collect();
    let many = refuse("", &many);
    assert!(many.contains("more than 8 elements with an id"), "{many}");
    let plain = refuse(
        r##"<r href="#a"/>"##,
        &[multiref("a", "t", "1"), "<b/>".into()],
    );
    assert!(plain.contains("more than one element"), "{plain}");
}

#[test]
fn an_element_referred_to_many_times_cannot_grow_the_answer_without_bound() {
    // Each multiRef refers to the next four times: 4^7 copies of the last one's kilobyte.
    let mut refs: Vec<String> = (0..7)
        .map(|i| {
            multiref(
                &format!("m{i}"),
                "t",
                &format!(r##"<x href="#m{}"/>"##, i + 1).repeat(4),
            )
        })
        .collect();
    refs.push(multiref("m7", "t", &"z".repeat(1024)));
    let err = with_refs(r##"<r href="#m0"/>"##, &refs.concat()).unwrap_err();
    assert_eq!(
        err.message,
        "inlining the answer's references would make it more than 4 times its size"
    );
}

#[test]
fn inlined_content_keeps_its_namespaces_and_the_depth_bound() {
    // The multiRef's content means ns1 as the Envelope declares it, not as <r> redeclares it.
    let answer = with_refs(
        r##"<r xmlns:ns1="urn:other" href="#a"/>"##,
        r#"<m id="a"><ns1:x/></m>"#,
    );
    let Ok(Parsed::Return(xml)) = answer else {
        panic!("{answer:?}");
    };
    let expected =
        format!(r#"{ROOT}<r xmlns:ns1="urn:q"><ns1:x/></r></ns1:addQueueMemberResponse>"#);
    assert_eq!(xml, expected);
    // Where that would move the referring element itself to another namespace, it is refused.
    let moved = refuse(
        r##"<r xmlns="urn:d" href="#a"/>"##,
        &[r#"<m id="a"><x/></m>"#.into()],
    );
    assert_eq!(
        moved,
        "<r> cannot take the content of <m id=\"a\"> without changing its own namespace (xmlns)"
    );
    let nest = |n| ("<d>".repeat(n), "</d>".repeat(n));
    let ((open, close), (inner, end)) = (nest(40), nest(40));
    let deep = refuse(
        &format!(r##"{open}<r href="#a"/>{close}"##),
        &[format!(r#"<m id="a">{inner}{end}</m>"#)],
    );
    assert_eq!(
        deep,
        "inlining the answer's references would nest elements more than 64 deep"
    );
}
