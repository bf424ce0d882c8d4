//! Reading a raw operation's answer, and a generated raw method compiled against the runtime.

use super::*;

/// The one-way golden of the generator, compiled here so its raw method and table meet the real
/// runtime (its only operation is not a USCall one, so nothing clashes). Its `OPERATIONS` list
/// is the crate's business, not this test's.
#[allow(dead_code)]
mod one_way_golden {
    include!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../uscall-codegen/tests/fixtures/one_way.rs"
    ));
}

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
fn the_generated_table_marks_raw_operations() {
    let raw = one_way_golden::CALL_ENDED.raw().expect("callEnded is raw");
    assert!(raw.one_way);
    assert_eq!(
        raw.reason,
        "an operation that has no output is not supported"
    );
    let typed = Client::operation("getExtens").expect("a USCall operation");
    assert_eq!(typed.raw(), None);
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
