//! Tests of the SOAP answer reader: both ways of reading agree, and what each refuses.

use super::*;

/// The operation the tests' answers answer: their response is `<opResponse>`.
const OP: &str = "op";

fn parse(xml: &str) -> Result<Parsed, ParseError> {
    super::parse(xml, OP)
}

fn parse_by_events(xml: &str) -> Result<Parsed, ParseError> {
    super::parse_by_events(xml, OP)
}

fn ok(xml: &str) -> Parsed {
    parse(xml).unwrap_or_else(|e| panic!("{e:?}"))
}

#[test]
fn nusoap_answer_with_entities_and_character_references() {
    let xml = r#"<?xml version="1.0" encoding="ISO-8859-1"?><SOAP-ENV:Envelope SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/"><SOAP-ENV:Body><ns1:getQueueResponse xmlns:ns1="urn:wsuscall"><return xsi:type="xsd:string">{&quot;retorno&quot;:[&#123;}&#x5d;&lt;&amp;</return></ns1:getQueueResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"#;
    assert_eq!(
        super::parse(xml, "getQueue"),
        Ok(Parsed::Return(r#"{"retorno":[{}]<&"#.into()))
    );
}

/// A NuSOAP answer whose return part holds `text` as it is (already escaped, or not).
fn nusoap(text: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="ISO-8859-1"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><SOAP-ENV:Body><ns1:opResponse xmlns:ns1="urn:wsuscall"><return xsi:type="xsd:string">{text}</return></ns1:opResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>"#
    )
}

#[test]
fn the_one_pass_text_and_the_event_parser_agree() {
    for text in [
        "{&quot;retorno&quot;:[]}",
        "a&amp;b&lt;c&gt;d&apos;e&#233;&#xe9;&#x1F600;",
        "",
        "line\r\nbreak\rs",
        "&bogus;",
        "&#0;",
        "&#x;",
        "&#X41;",
        "&#-1;",
        "&#xD800;",
        "&#1114112;",
        "&amp",
        "& amp;",
        "&quot",
        "&#65",
        "a&",
        "<![CDATA[x]]>y",
        "<!-- c -->z",
        "<a/>",
        "]]>",
        "&verylongentityname;",
    ] {
        let xml = nusoap(text);
        assert_eq!(parse(&xml), parse_by_events(&xml), "{text:?}");
    }
    // The usual answer takes the one pass.
    assert!(
        parse_events(&nusoap("{&quot;a&quot;:&#233;}"), OP, Some(false))
            .1
            .is_some()
    );
    // The envelope around the text is still checked, with the event parser's errors.
    for xml in [
        nusoap("x").replace("</ns1:opResponse>", "</ns1:q>"),
        nusoap("x").replace("</SOAP-ENV:Envelope>", ""),
        nusoap("x") + "<more/>",
        nusoap("x").replace("</return>", "</return><return>y</return>"),
        nusoap("x").replace("</return>", "</retorno>"),
    ] {
        assert!(parse(&xml).is_err() || xml.contains("<return>y"), "{xml}");
        assert_eq!(parse(&xml), parse_by_events(&xml), "{xml}");
    }
}

#[test]
fn characters_xml_forbids_are_refused_by_reference_and_as_written() {
    let by_reference = |name: &str, code: &str| {
        format!("character reference &{name}; names U+{code}, which XML 1.0 forbids")
    };
    let as_written =
        |code: &str| format!("the XML holds the character U+{code}, which XML 1.0 forbids");
    let known = Prefixes::default();
    let _ = parse_known(&nusoap("0"), OP, &known);
    for (text, message) in [
        ("{&quot;a&#x1b;&quot;}", by_reference("#x1b", "001B")),
        ("&#7;", by_reference("#7", "0007")),
        ("&#xFFFE;", by_reference("#xFFFE", "FFFE")),
        ("&#65535;", by_reference("#65535", "FFFF")),
        ("&#x0;", by_reference("#x0", "0000")),
        ("a\u{1b}b", as_written("001B")),
        ("\u{7}", as_written("0007")),
        ("\u{0}", as_written("0000")),
        ("\u{c}", as_written("000C")),
        ("x\u{FFFE}", as_written("FFFE")),
        ("\u{FFFF}", as_written("FFFF")),
        ("a\r\n\u{1f}", as_written("001F")),
    ] {
        let xml = nusoap(text);
        assert_eq!(parse(&xml).map_err(|e| e.message), Err(message), "{text:?}");
        assert_eq!(parse(&xml), parse_by_events(&xml), "{text:?}");
        assert_eq!(parse_known(&xml, OP, &known), parse_by_events(&xml));
    }
    // Everything else is a character, by reference or not.
    let allowed = "&#9;&#xA;&#xD;&#x20;&#xD7FF;&#xE000;&#xFFFD;&#x10000;&#x10FFFF;\t\n \u{7f}\u{85}\u{FFFD}\u{E000}\u{10FFFF}\u{EF}\u{FEFF}";
    assert_eq!(
        parse(&nusoap(allowed)),
        Ok(Parsed::Return(
            "\t\n\r \u{D7FF}\u{E000}\u{FFFD}\u{10000}\u{10FFFF}\t\n \u{7f}\u{85}\u{FFFD}\u{E000}\u{10FFFF}\u{EF}\u{FEFF}"
                .into()
        ))
    );
    // Anywhere in the document: a faultstring, a comment, an attribute, a Header.
    let fault = |inner: &str| {
        format!(
            "<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Header><h a='1'>x</h></s:Header><s:Body><s:Fault><faultcode>s:Server</faultcode><faultstring>{inner}</faultstring></s:Fault></s:Body></s:Envelope>"
        )
    };
    for (xml, message) in [
        (fault("Falha &#x1b;[31m"), by_reference("#x1b", "001B")),
        (fault("Falha \u{1b}[31m"), as_written("001B")),
        (fault("<!-- \u{8} -->"), as_written("0008")),
        (
            fault("x").replace("<h a='1'>", "<h a='&#x7;'>"),
            by_reference("#x7", "0007"),
        ),
        (
            fault("x").replace("<h a='1'>", "<h a='\u{FFFE}'>"),
            as_written("FFFE"),
        ),
        (
            fault("x").replace("<h a='1'>x", "<h a='1'>\u{2}"),
            as_written("0002"),
        ),
    ] {
        assert_eq!(parse(&xml).map_err(|e| e.message), Err(message), "{xml}");
    }
    assert!(
        matches!(parse(&fault("a&#xA;&#x20AC;")), Ok(Parsed::Fault(f)) if f.string == "a\n\u{20AC}")
    );
}

#[test]
fn endings_the_quick_check_takes_or_leaves_to_the_parser() {
    for (from, to) in [
        ("</return>", "</return >\n "),
        ("</SOAP-ENV:Body>", "</SOAP-ENV:Body\t>"),
        ("</SOAP-ENV:Envelope>", "</SOAP-ENV:Envelope>\r\n"),
        ("</SOAP-ENV:Envelope>", "</SOAP-ENV:Envelope><!-- fim -->"),
        ("</ns1:opResponse>", "</ns1:opResponse>\u{a0}"),
        ("</ns1:opResponse>", "</ns1:opResponse><extra/>"),
        ("</return>", "</return><!-- c -->"),
        ("</SOAP-ENV:Envelope>", "</SOAP-ENV:Envelope>x"),
        ("</SOAP-ENV:Body>", "</SOAP-ENV:Bodyx>"),
        ("</SOAP-ENV:Envelope>", ""),
    ] {
        let xml = nusoap("{&quot;a&quot;:1}").replacen(from, to, 1);
        assert_eq!(parse(&xml), parse_by_events(&xml), "{xml}");
    }
}

#[test]
fn a_known_envelope_start_gives_what_parsing_gives() {
    let known = Prefixes::default();
    let first = nusoap("{&quot;a&quot;:1}");
    assert_eq!(parse_known(&first, OP, &known), parse_by_events(&first));
    assert!(known.get(OP).is_some(), "remembered");
    assert!(known.get("other").is_none());
    for xml in [
        nusoap("{&quot;b&quot;:&#233;}"),
        nusoap(""),
        nusoap("&bogus;"),
        nusoap("a<![CDATA[b]]>"),
        nusoap("x").replace("</ns1:opResponse>", "</ns1:q>"),
        nusoap("x") + "<more/>",
        nusoap("x").replace("<ns1:opResponse ", "<ns1:s "),
        nusoap("x").replace("xsd:string", "xsd:int"),
        first.replacen("<return", "<return xsi:nil=\"true\"", 1),
    ] {
        assert_eq!(
            parse_known(&xml, OP, &known),
            parse_by_events(&xml),
            "{xml}"
        );
    }
}

proptest::proptest! {
    #[test]
    fn a_known_start_agrees_on_any_text(text in "([&;#x0-9a-fquot<>!/\\r -]|&quot;){0,30}") {
        let known = Prefixes::default();
        let _ = parse_known(&nusoap("0"), OP, &known);
        let xml = nusoap(&text);
        proptest::prop_assert_eq!(parse_known(&xml, OP, &known), parse_by_events(&xml));
    }

    #[test]
    fn both_ways_agree_on_any_text(text in "([&;#xX0-9a-fAquotlgmps<>!\\[\\]/\r\n -]|&quot;|&#[0-9]{1,8};|&#x[0-9a-f]{1,7};){0,40}") {
        let xml = nusoap(&text);
        proptest::prop_assert_eq!(parse(&xml), parse_by_events(&xml));
    }
}

#[test]
fn any_prefix_cdata_and_a_header() {
    let xml = "<e:Envelope xmlns:e='http://www.w3.org/2003/05/soap-envelope'><e:Header><x/></e:Header><e:Body><opResponse><out><![CDATA[{\"a\":\"<b>\"}]]></out></opResponse></e:Body></e:Envelope>";
    assert_eq!(ok(xml), Parsed::Return("{\"a\":\"<b>\"}".into()));
}

#[test]
fn soap11_and_soap12_faults() {
    let xml = "<SOAP-ENV:Envelope xmlns:SOAP-ENV='http://schemas.xmlsoap.org/soap/envelope/'><SOAP-ENV:Body><SOAP-ENV:Fault><faultcode>SOAP-ENV:Server</faultcode><faultstring>Falha simulada</faultstring><detail><x>detalhe</x> da falha</detail></SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>";
    assert_eq!(
        ok(xml),
        Parsed::Fault(Fault {
            code: "SOAP-ENV:Server".into(),
            string: "Falha simulada".into(),
            actor: None,
            detail: Some("detalhe da falha".into()),
        })
    );
    let xml = "<env:Envelope xmlns:env='http://www.w3.org/2003/05/soap-envelope'><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value></env:Code><env:Reason><env:Text xml:lang='pt'>Ruim</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>";
    let Parsed::Fault(f) = ok(xml) else { panic!() };
    assert_eq!((f.code.as_str(), f.string.as_str()), ("env:Sender", "Ruim"));
}

#[test]
fn nil_and_empty_return_parts_are_empty_text() {
    let env = |inner: &str| {
        format!(
            "<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/' xmlns:xsi='http://www.w3.org/2001/XMLSchema-instance'><s:Body><opResponse>{inner}</opResponse></s:Body></s:Envelope>"
        )
    };
    assert_eq!(
        ok(&env("<return xsi:nil='true'/>")),
        Parsed::Return(String::new())
    );
    assert_eq!(ok(&env("<return></return>")), Parsed::Return(String::new()));
}

#[test]
fn nesting_is_bounded_wherever_it_happens() {
    // Envelope and Header are two levels; `extra` more elements inside the Header.
    let doc = |extra: usize| {
        format!(
            "<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Header>{}{}</s:Header><s:Body><opResponse><return>1</return></opResponse></s:Body></s:Envelope>",
            "<a>".repeat(extra),
            "</a>".repeat(extra)
        )
    };
    assert_eq!(ok(&doc(MAX_DEPTH - 2)), Parsed::Return("1".into()));
    let err = parse(&doc(MAX_DEPTH - 1)).unwrap_err();
    assert_eq!(err.message, "the XML nests elements more than 64 deep");
    let empty = doc(MAX_DEPTH - 2).replacen("</a>", "<b/></a>", 1);
    assert!(parse(&empty).is_err());
    let detail = format!(
        "<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body><s:Fault><detail>{}</detail></s:Fault></s:Body></s:Envelope>",
        "<d>".repeat(100)
    );
    assert!(parse(&detail).unwrap_err().message.contains("64 deep"));
}

#[test]
fn an_envelope_in_another_namespace_says_so() {
    let err = |xml: &str| parse(xml).unwrap_err().message;
    assert_eq!(
        err("<Envelope xmlns='urn:x'/>"),
        "expected a SOAP Envelope, found <Envelope> in namespace \"urn:x\", not SOAP 1.1's or 1.2's"
    );
    assert_eq!(
        err("<Envelope/>"),
        "expected a SOAP Envelope, found <Envelope> in no namespace"
    );
}

#[test]
fn refusals_name_what_is_wrong() {
    let err = |xml: &str| parse(xml).unwrap_err().message;
    assert_eq!(
        err("<html><body>Erro</body></html>"),
        "expected a SOAP Envelope, found <html>"
    );
    assert_eq!(err(""), "the body holds no XML element");
    assert!(err("<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body><opResponse><return>{").contains("ends inside <return>"));
    assert!(err("<!DOCTYPE x [<!ENTITY a 'b'>]><x/>").contains("DTD"));
    assert_eq!(
        err(
            "<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body><opResponse/></s:Body></s:Envelope>"
        ),
        "<opResponse> has no return part"
    );
    assert_eq!(
        err(
            "<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body/></s:Envelope>"
        ),
        "the Body is empty"
    );
    assert_eq!(
        err("<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'></s:Envelope>"),
        "the Envelope has no Body"
    );
    assert!(err("<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body><opResponse><return>&bogus;</return></opResponse></s:Body></s:Envelope>").contains("&bogus;"));
    assert!(err("<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body><opResponse><return><a/></return></opResponse></s:Body></s:Envelope>").contains("where text was expected"));
}

/// Reads `xml` every way the client can (the one pass, events only, a known envelope start)
/// and checks they agree; gives the answer.
fn every_way(xml: &str) -> Result<Parsed, String> {
    let by_events = parse_by_events(xml);
    assert_eq!(parse(xml), by_events, "{xml}");
    for first in [xml, &nusoap("0")] {
        let known = Prefixes::default();
        let _ = parse_known(first, OP, &known);
        assert_eq!(parse_known(xml, OP, &known), by_events, "{xml}");
    }
    by_events.map_err(|e| e.message)
}

/// An Apache Axis 1 answer: the return part refers to a `multiRef` after the response.
fn axis(part: &str, multirefs: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><ns1:opResponse soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" xmlns:ns1="urn:wsuscall">{part}</ns1:opResponse>{multirefs}</soapenv:Body></soapenv:Envelope>"#
    )
}

/// Axis's `multiRef` element for a string.
fn multiref(id: &str, content: &str) -> String {
    format!(
        r#"<multiRef id="{id}" soapenc:root="0" soapenv:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/" xsi:type="xsd:string" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/">{content}</multiRef>"#
    )
}

#[test]
fn a_return_part_written_elsewhere_reads_as_if_inline() {
    let text =
        "{&quot;retorno&quot;:[{&quot;nome&quot;:&quot;Ana &#233;&quot;}]}\r\n&amp;<![CDATA[<x>]]>";
    let inline = every_way(&nusoap(text));
    assert_eq!(
        inline,
        Ok(Parsed::Return(
            "{\"retorno\":[{\"nome\":\"Ana é\"}]}\n&<x>".into()
        ))
    );
    let href = r##"<return href="#id0"/>"##;
    for xml in [
        axis(href, &multiref("id0", text)),
        // Pretty-printed, with the reference as a start and end tag.
        axis(
            "\n  <return href='#id0'></return>\n",
            &format!("\n {}\n", multiref("id0", text)),
        ),
        // A chain: the return part's multiRef refers on.
        axis(
            r##"<return href="#a"/>"##,
            &format!(
                "{}{}",
                multiref("b", text),
                r##"<multiRef id="a" href="#b"/>"##
            ),
        ),
    ] {
        assert_eq!(every_way(&xml), inline, "{xml}");
    }
    // SOAP 1.2: `enc:ref` and `enc:id`.
    let soap12 = format!(
        "<e:Envelope xmlns:e='http://www.w3.org/2003/05/soap-envelope' xmlns:enc='http://www.w3.org/2003/05/soap-encoding'><e:Body><m:opResponse xmlns:m='urn:x'><m:return enc:ref='r1'/></m:opResponse><m:value enc:id='r1'>{text}</m:value></e:Body></e:Envelope>"
    );
    assert_eq!(every_way(&soap12), inline);
    // A nil or empty multiRef is empty text, as a nil or empty return part is.
    let nil = r#"<multiRef id="id0" xsi:nil="true"/>"#;
    assert_eq!(
        every_way(&axis(href, nil)),
        Ok(Parsed::Return(String::new()))
    );
    assert_eq!(
        every_way(&axis(href, &multiref("id0", ""))),
        Ok(Parsed::Return(String::new()))
    );
}

#[test]
fn references_that_lead_nowhere_round_or_too_far_are_refused() {
    let href = r##"<return href="#id0"/>"##;
    for (xml, message) in [
        (
            axis(href, &multiref("id1", "x")),
            "the return part refers to the id \"id0\", which no element of the Body has",
        ),
        (
            axis(href, ""),
            "the return part refers to the id \"id0\", which no element of the Body has",
        ),
        (
            axis(
                href,
                r##"<multiRef id="id0" href="#id1"/><multiRef id="id1" href="#id0"/>"##,
            ),
            "the references from the return part go round in a circle: \"id0\" -> \"id1\" -> \"id0\"",
        ),
        (
            axis(href, r##"<multiRef id="id0" href="#id0"/>"##),
            "the references from the return part go round in a circle: \"id0\" -> \"id0\"",
        ),
        (
            axis(href, &(multiref("id0", "x") + &multiref("id1", "y"))),
            "the Body holds <multiRef id=\"id1\"> beside the response, which nothing refers to",
        ),
        (
            axis("<return>x</return>", &multiref("id0", "y")),
            "the Body holds <multiRef id=\"id0\"> beside the response, which nothing refers to",
        ),
        (
            axis(href, &(multiref("id0", "x") + &multiref("id0", "y"))),
            "two elements of the Body have the id \"id0\"",
        ),
        (
            axis(
                r#"<return href="http://example.com/x"/>"#,
                &multiref("id0", "x"),
            ),
            "<return href=\"http://example.com/x\"> refers outside the answer",
        ),
        (
            axis(r##"<return href="#id0">x</return>"##, &multiref("id0", "y")),
            "<return> holds both a reference and a value",
        ),
        (
            axis(href, &multiref("id0", "<a/>")),
            "<multiRef> holds an element <a> where text was expected",
        ),
    ] {
        assert_eq!(every_way(&xml), Err(message.to_owned()), "{xml}");
    }
    // A chain as long as the bound is followed; one element more is refused.
    let chain = |len: usize| {
        let links: String = (0..len - 1)
            .map(|i| format!(r##"<multiRef id="id{i}" href="#id{}"/>"##, i + 1))
            .collect();
        axis(href, &(links + &multiref(&format!("id{}", len - 1), "fim")))
    };
    assert_eq!(
        every_way(&chain(refs::MAX_TARGETS)),
        Ok(Parsed::Return("fim".into()))
    );
    assert_eq!(
        every_way(&chain(refs::MAX_TARGETS + 1)),
        Err(format!(
            "the Body holds more than {} elements with an id (multiRef) beside the response",
            refs::MAX_TARGETS
        ))
    );
}

#[test]
fn ambiguous_envelopes_are_refused() {
    let fault = "<SOAP-ENV:Fault><faultcode>SOAP-ENV:Server</faultcode><faultstring>Falha</faultstring></SOAP-ENV:Fault>";
    let body_end = "</SOAP-ENV:Body>";
    let cases = [
        // Two Body children: two responses, or a response and something else.
        (
            nusoap("x").replace(body_end, &format!("<ns1:opResponse xmlns:ns1='urn:x'><return>y</return></ns1:opResponse>{body_end}")),
            "the Body holds two answers, <opResponse> and <opResponse>",
        ),
        (
            nusoap("x").replace(body_end, &format!("<aviso>manutenção</aviso>{body_end}")),
            "the Body holds two answers, <opResponse> and <aviso>",
        ),
        // A Fault after the response, or a response after a Fault.
        (
            nusoap("x").replace(body_end, &format!("{fault}{body_end}")),
            "the Body holds a Fault beside <opResponse>",
        ),
        (
            nusoap("x").replace("<SOAP-ENV:Body>", &format!("<SOAP-ENV:Body>{fault}")),
            "the Body holds <opResponse> beside a Fault",
        ),
        // A response named for another operation.
        (
            nusoap("x").replace("opResponse", "getAgentResponse"),
            "the Body holds <getAgentResponse> where op's answer is <opResponse>",
        ),
        (
            nusoap("x").replace("opResponse", "op"),
            "the Body holds <op> where op's answer is <opResponse>",
        ),
        // Two parts, after the text the one pass cuts out, after a nil one, after an empty one.
        (
            nusoap("{&quot;a&quot;:1}").replace("</return>", "</return><return>{}</return>"),
            "<opResponse> holds two parts, <return> and <return>",
        ),
        (
            nusoap("x").replace("</return>", "</return>\n<extra/>"),
            "<opResponse> holds two parts, <return> and <extra>",
        ),
        (
            nusoap("").replace("<return xsi:type=\"xsd:string\"></return>", "<return xsi:nil='true'/><return>y</return>"),
            "<opResponse> holds two parts, <return> and <return>",
        ),
        (
            nusoap("").replace("</return>", "</return><return>y</return>"),
            "<opResponse> holds two parts, <return> and <return>",
        ),
        // Two Bodies.
        (
            nusoap("x").replace("</SOAP-ENV:Envelope>", "<SOAP-ENV:Body/></SOAP-ENV:Envelope>"),
            "the Envelope holds two Bodies",
        ),
    ];
    for (xml, message) in cases {
        assert_eq!(every_way(&xml), Err(message.to_owned()), "{xml}");
    }
    // The response's name is compared without regard to case; a Header is no answer.
    assert_eq!(
        every_way(&nusoap("x").replace("opResponse", "OpRESPONSE")),
        Ok(Parsed::Return("x".into()))
    );
    let header = nusoap("x").replace(
        "<SOAP-ENV:Body>",
        "<SOAP-ENV:Header><h/></SOAP-ENV:Header><SOAP-ENV:Body>",
    );
    assert_eq!(every_way(&header), Ok(Parsed::Return("x".into())));
}

#[test]
fn a_second_part_after_a_known_envelope_start_is_still_seen() {
    let known = Prefixes::default();
    let first = nusoap("{&quot;a&quot;:1}");
    assert_eq!(
        parse_known(&first, OP, &known),
        Ok(Parsed::Return("{\"a\":1}".into()))
    );
    assert!(known.get(OP).is_some());
    let second = nusoap("{&quot;b&quot;:2}").replace("</return>", "</return><return>3</return>");
    assert_eq!(
        parse_known(&second, OP, &known).map_err(|e| e.message),
        Err("<opResponse> holds two parts, <return> and <return>".to_owned())
    );
    let fault = nusoap("{}").replace("</ns1:opResponse>", "</ns1:opResponse><SOAP-ENV:Fault/>");
    assert!(parse_known(&fault, OP, &known).is_err());
}

#[test]
fn the_streamed_return_text_starts_only_where_parse_would_read_it() {
    let xml = nusoap("{&quot;a&quot;:1}");
    let start = return_text_start(&xml, OP).expect("the usual answer");
    assert!(xml[..start].ends_with("<return xsi:type=\"xsd:string\">"));
    assert_eq!(return_text_start(&xml, "getAgent"), None);
    let href = axis(r##"<return href="#id0"></return>"##, &multiref("id0", "x"));
    assert_eq!(return_text_start(&href, OP), None);
}
