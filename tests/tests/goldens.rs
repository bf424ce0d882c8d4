//! Goldens of the code generator called against a local server, the way an application calls
//! the file `regen` writes for it: the generated code and the runtime meet on shapes the USCall
//! WSDL does not have. (`uscall_tests::fixtures` compiles every golden.)

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uscall_client::Client;
use uscall_tests::fixtures::no_input_parts::Raw;

/// Serves one request with `answer` (a whole HTTP response) and gives back the request's body.
async fn serve_once(answer: String) -> (String, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/svc", listener.local_addr().unwrap());
    let served = tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        let body_at = loop {
            let n = sock.read(&mut buf).await.unwrap();
            seen.extend_from_slice(&buf[..n]);
            if let Some(i) = seen.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
        };
        let head = String::from_utf8_lossy(&seen[..body_at]).to_lowercase();
        let len: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map_or(0, |v| v.trim().parse().unwrap());
        while seen.len() < body_at + len {
            let n = sock.read(&mut buf).await.unwrap();
            seen.extend_from_slice(&buf[..n]);
        }
        sock.write_all(answer.as_bytes()).await.unwrap();
        sock.shutdown().await.unwrap();
        String::from_utf8(seen[body_at..].to_vec()).unwrap()
    });
    (url, served)
}

fn http(xml: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{xml}",
        xml.len()
    )
}

const ENVELOPE: &str = r#"<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>BODY</SOAP-ENV:Body></SOAP-ENV:Envelope>"#;

#[tokio::test]
async fn operations_without_input_parts_send_an_empty_wrapper_and_read_their_answer() {
    let answer = ENVELOPE.replace(
        "BODY",
        r#"<ns1:getVersionResponse xmlns:ns1="urn:noinput"><return>{&quot;retorno&quot;:&quot;1.2&quot;}</return></ns1:getVersionResponse>"#,
    );
    let (url, served) = serve_once(http(&answer)).await;
    let client = Client::new(&url, "t").unwrap();
    // Generated without the USCall convention, a string answer is the string itself.
    let answer: String = Raw::new(&client).get_version().await.unwrap();
    assert_eq!(answer, r#"{"retorno":"1.2"}"#);
    let request = served.await.unwrap();
    let wrapper = request
        .split("<ns1:getVersion")
        .nth(1)
        .expect("the wrapper");
    let inside = &wrapper[wrapper.find('>').unwrap() + 1..];
    assert!(inside.starts_with("</ns1:getVersion>"), "{request}");

    let answer = ENVELOPE.replace(
        "BODY",
        r#"<listQueuesResponse xmlns="urn:noinput"><queues>{"retorno":[]}</queues></listQueuesResponse>"#,
    );
    let (url, served) = serve_once(http(&answer)).await;
    let client = Client::new(&url, "t").unwrap();
    let answer = Raw::new(&client).list_queues().await.unwrap();
    assert_eq!(answer, r#"{"retorno":[]}"#);
    let request = served.await.unwrap();
    assert!(
        request.contains(
            r#"xmlns:ns1="urn:noinput"><SOAP-ENV:Body><ns1:listQueues></ns1:listQueues></SOAP-ENV:Body>"#
        ),
        "{request}"
    );
}

#[test]
fn a_generated_file_lists_its_raw_operations_and_why() {
    use uscall_tests::fixtures::raw_complex_part::{ADD_QUEUE_MEMBER, GET_QUEUE, RAW_OPERATIONS};
    let names: Vec<&str> = RAW_OPERATIONS.iter().map(|raw| raw.name).collect();
    assert_eq!(names, [ADD_QUEUE_MEMBER.name]);
    assert!(
        RAW_OPERATIONS[0].reason.contains("`member.xsd`"),
        "{}",
        RAW_OPERATIONS[0].reason
    );
    assert!(!RAW_OPERATIONS.iter().any(|raw| raw.name == GET_QUEUE.name));
}

/// An Axis 1 style answer: the struct and its nested structs as `multiRef`s referred to by
/// `href`, fields out of order, an element the schema does not know, a nil, `xsi:type` on
/// everything; read into the generated struct as SoapClient and zeep read it.
#[tokio::test]
async fn a_struct_answer_is_read_tolerantly_into_the_generated_types() {
    use uscall_client::value::{Base64Binary, DateTime};
    use uscall_tests::fixtures::encoded_structs::{Raw, schema};
    let body = r##"<ns1:getChamadoResponse xmlns:ns1="urn:chamados" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"><getChamadoReturn href="#id0"/></ns1:getChamadoResponse><multiRef id="id0" soapenc:root="0" xmlns:ns2="urn:chamados" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xsi:type="ns2:Chamado"><prazo xsi:nil="true"/><resumo xsi:type="xsd:string">Fila &amp; URA</resumo><novidade xsi:type="xsd:string">ignored</novidade><projeto href="#id1"/><prioridade xsi:type="ns2:Prioridade">critica</prioridade><aberto_em xsi:type="xsd:dateTime">2025-06-02T10:00:00.5-03:00</aberto_em><id xsi:type="xsd:integer"> 42 </id><categoria href="#id2"/><anexo xsi:type="xsd:base64Binary">AAEC
/w==</anexo><custo xsi:type="xsd:decimal">12.50</custo></multiRef><multiRef id="id1" soapenc:root="0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"><id>7</id><name>PBX</name></multiRef><multiRef id="id2" soapenc:root="0" xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/"><nome>Telefonia</nome><pai><nome>TI</nome></pai><filhas soapenc:arrayType="ns2:Categoria[2]" xmlns:ns2="urn:chamados"><item><nome>Fixa</nome></item><item><nome>Móvel</nome></item></filhas></multiRef>"##;
    let (url, served) = serve_once(http(&ENVELOPE.replace("BODY", body))).await;
    let client = Client::new(&url, "t").unwrap();
    let chamado = Raw::new(&client).get_chamado().id(42).await.unwrap();
    let request = served.await.unwrap();
    assert!(
        request.contains(r#"<id xsi:type="xsd:integer">42</id>"#),
        "{request}"
    );
    let expected = schema::Chamado {
        id: Some(42),
        resumo: "Fila & URA".into(),
        prioridade: schema::Prioridade::Other("critica".into()),
        projeto: schema::ObjectRef {
            id: 7,
            name: Some("PBX".into()),
        },
        categoria: Some(schema::Categoria {
            nome: "Telefonia".into(),
            pai: Some(Box::new(schema::Categoria {
                nome: "TI".into(),
                pai: None,
                filhas: None,
            })),
            filhas: Some(vec![
                schema::Categoria {
                    nome: "Fixa".into(),
                    pai: None,
                    filhas: None,
                },
                schema::Categoria {
                    nome: "Móvel".into(),
                    pai: None,
                    filhas: None,
                },
            ]),
        }),
        aberto_em: DateTime::parse("2025-06-02T10:00:00.5-03:00").unwrap(),
        prazo: None,
        anexo: Some(Base64Binary(vec![0, 1, 2, 255])),
        estimativa: None,
        custo: Some(12.5),
    };
    assert_eq!(chamado, expected);
    assert_eq!(chamado.aberto_em.to_string(), "2025-06-02T10:00:00.5-03:00");
}

/// A typed struct goes out as rpc/encoded writes it: `xsi:type` on every accessor, the
/// struct's type in its namespace, a nil for an absent nillable field, nothing for an absent
/// optional one.
#[tokio::test]
async fn a_struct_part_is_written_with_its_types() {
    use uscall_client::value::DateTime;
    use uscall_tests::fixtures::encoded_structs::{Raw, schema};
    let answer = ENVELOPE.replace(
        "BODY",
        r#"<ns1:addChamadoResponse xmlns:ns1="urn:chamados"><return>43</return></ns1:addChamadoResponse>"#,
    );
    let (url, served) = serve_once(http(&answer)).await;
    let client = Client::new(&url, "t").unwrap();
    let chamado = schema::Chamado {
        id: None,
        resumo: "<caixa> & \"fila\"".into(),
        prioridade: schema::Prioridade::Urgente,
        projeto: schema::ObjectRef { id: 7, name: None },
        categoria: None,
        aberto_em: DateTime::parse("2025-06-02T10:00:00").unwrap(),
        prazo: None,
        anexo: None,
        estimativa: None,
        custo: None,
    };
    let id = Raw::new(&client)
        .add_chamado()
        .chamado(chamado)
        .await
        .unwrap();
    assert_eq!(id, 43);
    let request = served.await.unwrap();
    for piece in [
        r#"<chamado xsi:type="ns1:Chamado">"#,
        r#"<resumo xsi:type="xsd:string">&lt;caixa&gt; &amp; &quot;fila&quot;</resumo>"#,
        r#"<prioridade xsi:type="ns1:Prioridade">urgente</prioridade>"#,
        r#"<id xsi:type="xsd:int">7</id>"#,
        r#"<aberto_em xsi:type="xsd:dateTime">2025-06-02T10:00:00</aberto_em>"#,
    ] {
        assert!(request.contains(piece), "{piece} not in {request}");
    }
    assert!(!request.contains("<categoria"), "{request}");
    assert!(!request.contains("<name"), "{request}");
}

/// A client needs a token only for operations that have a token part: one without is refused
/// before anything is sent, naming the operation; one with none is called without.
#[tokio::test]
async fn a_token_is_needed_only_by_operations_with_a_token_part() {
    use uscall_tests::fixtures::encoded_structs;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/svc", listener.local_addr().unwrap());
    let client = Client::builder(&url).build().unwrap();
    let error = encoded_structs::Raw::new(&client)
        .get_chamado()
        .id(1)
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("getChamado: the operation has a token part and no token"),
        "{error}"
    );
    // Nothing reached the server.
    let accepted =
        tokio::time::timeout(std::time::Duration::from_millis(200), listener.accept()).await;
    assert!(accepted.is_err(), "a connection was made");
    // An operation without a token part goes out without one.
    let answer = ENVELOPE.replace(
        "BODY",
        r#"<ns:pingResponse xmlns:ns="urn:uscall-types"><return>pong</return></ns:pingResponse>"#,
    );
    let (url, served) = serve_once(http(&answer)).await;
    let client = Client::builder(&url).build().unwrap();
    let pong = uscall_tests::typed::encoded::Raw::new(&client)
        .ping()
        .await
        .unwrap();
    assert_eq!(pong, "pong");
    assert!(!served.await.unwrap().contains("token"));
}

/// Every golden is compiled (`uscall_tests::fixtures`); this says none is left out of it.
#[test]
fn every_golden_is_compiled() {
    let dir = uscall_tests::repo_root().join("uscall-codegen/tests/fixtures");
    let listed =
        std::fs::read_to_string(uscall_tests::repo_root().join("tests/src/fixtures.rs")).unwrap();
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
            if !listed.contains(&format!("pub mod {name};")) {
                missing.push(name);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "add to tests/src/fixtures.rs: {missing:?}"
    );
}

/// An operation of the WSDL's second service is posted to its own path, and an error names
/// that URL, not the client's.
#[tokio::test]
async fn an_error_names_the_url_the_operation_was_posted_to() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder(&format!("http://127.0.0.1:{port}/types/encoded.php"))
        .build()
        .unwrap();
    let error = uscall_tests::typed::encoded::Raw::new(&client)
        .version()
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains(&format!("127.0.0.1:{port}/types/second.php")),
        "{text}"
    );
}
