//! Smoke tests of the harness itself: both PHP servers start, serve the WSDL, answer raw SOAP POSTs, and agree with the peers.

use serde_json::{Value, json};
use uscall_tests::{
    PeerCall, PeerOutcome, PhpServer, ServerKind, TOKEN, fixture, repo_root, run_php_soapclient,
    run_zeep,
};

fn retorno(json_text: &str) -> Value {
    let v: Value = serde_json::from_str(json_text)
        .unwrap_or_else(|e| panic!("answer is not JSON ({e}): {json_text}"));
    v["retorno"].clone()
}

fn both() -> [PhpServer; 2] {
    [PhpServer::nusoap(&[]), PhpServer::native(&[])]
}

#[test]
fn both_servers_answer_a_raw_soap_post_from_the_fixture() {
    for server in both() {
        let answer = server
            .call("getQueue", &[("token", Some(TOKEN)), ("fila", Some("901"))])
            .unwrap();
        assert_eq!(
            retorno(&answer),
            json!([fixture()["queues"][1]]),
            "{:?}",
            server.kind()
        );

        let calls = server.calls();
        assert_eq!(calls.len(), 1, "{calls:?}");
        assert_eq!(calls[0]["server"], server.kind().log_name());
        assert_eq!(calls[0]["op"], "getQueue");
        assert_eq!(calls[0]["args"], json!({"token": TOKEN, "fila": "901"}));
    }
}

#[test]
fn wrong_token_is_a_json_message_not_a_fault() {
    for server in both() {
        let answer = server
            .call("getAgent", &[("token", Some("$1$nope"))])
            .unwrap();
        assert_eq!(
            retorno(&answer),
            json!("Token inválido"),
            "{:?}",
            server.kind()
        );
    }
}

#[test]
fn nusoap_binds_by_position_and_native_by_name() {
    // Only token and idunico are sent, so idunico is the second part on the wire.
    let args = [("token", Some(TOKEN)), ("idunico", Some("crm-0001"))];

    let nusoap = PhpServer::nusoap(&[]);
    let answer = nusoap.call("cdrSearch", &args).unwrap();
    assert_eq!(
        retorno(&answer),
        json!("Parâmetro inválido: dataini (use YYYY-MM-DD HH:MM:SS)")
    );
    assert_eq!(nusoap.calls()[0]["args"]["dataini"], "crm-0001");
    assert_eq!(nusoap.calls()[0]["args"]["idunico"], Value::Null);

    let native = PhpServer::native(&[]);
    let answer = native.call("cdrSearch", &args).unwrap();
    assert_eq!(retorno(&answer), json!([fixture()["cdrs"][3]]));
    assert_eq!(native.calls()[0]["args"]["dataini"], Value::Null);
    assert_eq!(native.calls()[0]["args"]["idunico"], "crm-0001");
}

#[test]
fn fault_on_both_servers() {
    for server in both() {
        let envelope = uscall_tests::rpc_envelope(
            "cdrSearch",
            &[
                ("token", Some(TOKEN)),
                ("dataini", None),
                ("datafin", None),
                ("origem", None),
                ("destino", None),
                ("idunico", Some("FAULT")),
            ],
        );
        let resp = server.post_soap("cdrSearch", &envelope).unwrap();
        assert_eq!(resp.status, 500, "{:?}", server.kind());
        let fault = uscall_tests::soap_fault(&resp.text().unwrap()).expect("a fault");
        assert_eq!(fault.string, "Falha simulada");
        assert_eq!(fault.detail.as_deref(), Some("detalhe da falha"));
        assert!(fault.code.ends_with("Server"), "{fault:?}");
    }
}

#[test]
fn other_paths_are_404() {
    for server in both() {
        assert_eq!(server.get("/").unwrap().status, 404);
        assert_eq!(server.get("/wsuscall.php?wsdl").unwrap().status, 404);
    }
}

#[test]
fn nusoap_serves_the_checked_in_wsdl() {
    let server = PhpServer::nusoap(&[]);
    let served = server.fetch_wsdl().unwrap();
    let text: String = served.iter().map(|&b| b as char).collect();
    assert!(text.starts_with(r#"<?xml version="1.0" encoding="ISO-8859-1"?>"#));
    assert_eq!(
        text.matches("<operation name=").count(),
        60,
        "30 in portType, 30 in binding"
    );
    // Accented documentation really is ISO-8859-1 ("necessários": á = 0xE1).
    assert!(served.contains(&0xE1) && !served.windows(2).any(|w| w == [0xC3, 0xA1]));
    assert!(
        text.contains("Par\u{e2}metros necess\u{e1}rios: Token, tipo, origem, destino, categoria.")
    );

    let checked_in = std::fs::read(repo_root().join("wsdl/wsuscall.wsdl")).unwrap();
    let norm = |b: &[u8]| {
        String::from_utf8_lossy(b)
            .replace("\r\n", "\n")
            .trim_end()
            .to_owned()
    };
    assert!(
        norm(&served) == norm(&checked_in),
        "wsdl/wsuscall.wsdl differs from what tests/php/nusoap_server.php serves; \
         regenerate it with `cargo xtask regen --url {}`",
        server.wsdl_url()
    );
}

#[test]
fn wsdl_knobs_drop_and_add_operations() {
    let server = PhpServer::nusoap(&[
        ("USCALL_WSDL_DROP", "listTrunk,cdrURA"),
        ("USCALL_WSDL_ADD", "novaFuncao:token,valor"),
        ("USCALL_WSDL_ENDPOINT", "https://outro.example.com/ws.php"),
    ]);
    let text = String::from_utf8_lossy(&server.fetch_wsdl().unwrap()).into_owned();
    assert!(!text.contains("listTrunk") && !text.contains("cdrURA"));
    assert!(text.contains(r#"<operation name="novaFuncao">"#));
    assert!(text.contains(r#"location="https://outro.example.com/ws.php""#));
    let answer = server
        .call(
            "novaFuncao",
            &[("token", Some(TOKEN)), ("valor", Some("x"))],
        )
        .unwrap();
    assert_eq!(retorno(&answer), json!("ok novaFuncao"));
    assert_eq!(
        server.calls()[0]["args"],
        json!({"token": TOKEN, "valor": "x"})
    );
}

#[test]
fn charset_modes_on_the_wire() {
    let call = |mode: &str| {
        let server = PhpServer::nusoap(&[("USCALL_CHARSET_MODE", mode)]);
        let envelope = uscall_tests::rpc_envelope(
            "getQueue",
            &[("token", Some(TOKEN)), ("fila", Some("900"))],
        );
        server.post_soap("getQueue", &envelope).unwrap()
    };
    let has = |body: &[u8], needle: &[u8]| body.windows(needle.len()).any(|w| w == needle);

    let escaped = call("escaped");
    assert!(has(&escaped.body, br"Suporte T\u00e9cnico"));
    assert!(escaped.body.is_ascii());

    let raw = call("raw-utf8-in-latin1");
    assert!(has(&raw.body, br#"encoding="ISO-8859-1""#));
    assert!(
        has(&raw.body, "Suporte Técnico".as_bytes()),
        "UTF-8 bytes under a Latin-1 label"
    );

    let latin1 = call("latin1");
    assert!(has(&latin1.body, b"Suporte T\xe9cnico"));
    assert!(latin1.text().unwrap().contains("Suporte Técnico"));

    let utf8 = call("utf8");
    assert!(has(&utf8.body, br#"encoding="UTF-8""#));
    assert!(utf8.header("content-type").unwrap().contains("UTF-8"));
    assert!(has(&utf8.body, "Suporte Técnico".as_bytes()));
}

#[test]
fn peers_get_the_same_answers_from_both_servers() {
    let wsdl = repo_root().join("wsdl/wsuscall.wsdl");
    let calls = vec![
        PeerCall::new(
            "startCall",
            &[TOKEN, "outbound", "2001", "11999990000", "1", "abc"],
        ),
        PeerCall::new("cdrSearch", &[TOKEN, "2025-06-04", "", "", "", ""]),
        PeerCall::new("cdrSearch", &[TOKEN, "", "", "", "", "FAULT"]),
        PeerCall::new("listURA", &[TOKEN, "2"]),
        PeerCall::new("getAgent", &["errado"]),
    ];
    let expected_call =
        "Chamada outbound originada de 2001 para 11999990000 (categoria 1, idcti abc)";
    let mut all = Vec::new();
    for server in both() {
        for (peer, lines) in [
            (
                "php",
                run_php_soapclient(&wsdl, &server.url(), &calls).unwrap(),
            ),
            ("zeep", run_zeep(&wsdl, &server.url(), &calls).unwrap()),
        ] {
            let PeerOutcome::Result(first) = &lines[0].outcome else {
                panic!("{peer} on {:?}: {:?}", server.kind(), lines[0]);
            };
            assert_eq!(retorno(first), json!(expected_call));
            assert!(
                matches!(&lines[2].outcome, PeerOutcome::Fault(f) if f.string == "Falha simulada")
            );
            all.push((peer, server.kind(), lines));
        }
        assert_eq!(server.calls().len(), 2 * calls.len(), "{:?}", server.kind());
        assert!(
            server
                .calls()
                .iter()
                .all(|c| c["server"] == server.kind().log_name())
        );
    }
    let (_, _, reference) = &all[0];
    for (peer, kind, lines) in &all[1..] {
        assert_eq!(
            lines,
            reference,
            "{peer} on {kind:?} differs from php on {:?}",
            ServerKind::Nusoap
        );
    }
}

#[test]
fn audio_download_is_a_wav_sized_by_the_call() {
    let server = PhpServer::native(&[]);
    let answer = server
        .call(
            "audioDownload",
            &[
                ("token", Some(TOKEN)),
                ("idunico", Some("1748867415.101")),
                ("formato", Some("ogg")),
            ],
        )
        .unwrap();
    let r = retorno(&answer);
    assert_eq!(r["nomeaudio"], "20250602-093015-1748867415.101.ogg");
    let b64 = r["arquivo_base_64"].as_str().unwrap();
    // 00:02:05 => 8 * (100 + 125) samples of 2 bytes after a 44-byte header, base64-encoded.
    assert_eq!(b64.len(), (44 + 2 * 8 * 225usize).div_ceil(3) * 4);
    assert!(b64.starts_with("UklGR"), "RIFF");
}

/// One positional call per operation, every optional argument given as "".
fn all_operations() -> Vec<PeerCall> {
    let t = TOKEN;
    let md5_600 = fixture()["agents"][0]["senhamd5"]
        .as_str()
        .unwrap()
        .to_owned();
    let (ag, fi) = ("[600,605]", r#"["900","Ativo"]"#);
    let (ini, fin) = ("2025-06-02 00:00:00", "2025-06-03 23:59:59");
    vec![
        PeerCall::new("getAgent", &[t]),
        PeerCall::new(
            "startCall",
            &[t, "clicktocall", "1139952800", "2800", "1", "pedido-ação-1"],
        ),
        PeerCall::new("cdrSearch", &[t, ini, fin, "2001", "", ""]),
        PeerCall::new("audioDownload", &[t, "Ligação-ação-77", "mp3"]),
        PeerCall::new("agentLogin", &[t, "600", "2003", &md5_600, ""]),
        PeerCall::new("agentLogout", &[t, "600"]),
        PeerCall::new("agentStatus", &[t, ""]),
        PeerCall::new("getPauses", &[t]),
        PeerCall::new("startPause", &[t, "611", "1"]),
        PeerCall::new("endPause", &[t, "611"]),
        PeerCall::new("hangupCall", &[t, "605", "yes"]),
        PeerCall::new("monitExten", &[t, "2005", "2003", "", "conf"]),
        PeerCall::new("getExtens", &[t, ""]),
        PeerCall::new("extenStatus", &[t, "callcenter", ""]),
        PeerCall::new("getQueue", &[t, ""]),
        PeerCall::new("queueStatus", &[t, ""]),
        PeerCall::new("cdrTariff", &[t, ini, fin]),
        PeerCall::new("listTrunk", &[t]),
        PeerCall::new("listURA", &[t, ""]),
        PeerCall::new(
            "startCallura",
            &[
                t,
                "1",
                "11999990000",
                "1",
                "",
                "João",
                "350,00",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "fim",
            ],
        ),
        PeerCall::new("cdrURA", &[t, "", "", "1", ""]),
        PeerCall::new("ccenterAgents", &[t, ag, fi, ini, fin]),
        PeerCall::new("ccenterAttendForms", &[t, "", fi, "", ""]),
        PeerCall::new("ccenterCdr", &[t, ini, fin, ag, fi]),
        PeerCall::new("ccenterMetrics", &[t, "nivel_servico", ag, fi, "", ""]),
        PeerCall::new("ccenterMetricsReports", &[t]),
        PeerCall::new("ccenterPauses", &[t, "1", "[600]", "[]", "", ""]),
        PeerCall::new("ccenterSchedules", &[t, "", "", ""]),
        PeerCall::new("ccenterSessions", &[t, "0", "[]", "[900]", "", ""]),
        PeerCall::new("ccenterSurvey", &[t, "", "", "", ""]),
    ]
}

#[test]
fn all_thirty_operations_agree_across_servers_and_peers() {
    let wsdl = repo_root().join("wsdl/wsuscall.wsdl");
    let calls = all_operations();
    assert_eq!(calls.len(), 30);
    let mut runs = Vec::new();
    for server in both() {
        runs.push(run_php_soapclient(&wsdl, &server.url(), &calls).unwrap());
        runs.push(run_zeep(&wsdl, &server.url(), &calls).unwrap());
        let output = server.server_output();
        assert!(
            !output.contains("PHP Warning")
                && !output.contains("PHP Fatal")
                && !output.contains("PHP Deprecated"),
            "{:?} server complained:\n{output}",
            server.kind()
        );
    }
    for (call, line) in calls.iter().zip(&runs[0]) {
        let PeerOutcome::Result(text) = &line.outcome else {
            panic!("{}: {:?}", call.op, line)
        };
        let r = retorno(text);
        let is_error = r.as_str().is_some_and(|s| {
            s.starts_with("Parâmetro") || s.contains("não encontrad") || s.contains("inválid")
        });
        assert!(!is_error, "{}: {r}", call.op);
    }
    for run in &runs[1..] {
        assert_eq!(run, &runs[0]);
    }
}

#[test]
fn fixture_has_every_documented_enum_value() {
    let f = fixture();
    let column = |rows: &Value, key: &str| -> Vec<String> {
        rows.as_array()
            .unwrap()
            .iter()
            .map(|r| r[key].as_str().unwrap().to_owned())
            .collect()
    };
    let covers = |have: Vec<String>, want: &[&str]| {
        for w in want {
            assert!(have.iter().any(|h| h == w), "{w:?} missing from {have:?}");
        }
    };
    covers(
        column(&f["cdrs"], "tipo"),
        &[
            "Recebida",
            "Efetuada",
            "Interna",
            "Discador",
            "Click to call",
        ],
    );
    covers(
        column(&f["cdrs"], "status"),
        &[
            "COMPLETADA",
            "NÃO ATENDIDA",
            "TRANSFERENCIA",
            "OCUPADO",
            "ABANDONO",
            "MSG.OPERADORA",
            "CHAMANDO",
            "ATENDIDO",
            "TELEFONE INDISPONIVEL",
            "FILA VAZIA",
        ],
    );
    covers(
        column(&f["agent_status"], "status"),
        &[
            "em pausa",
            "ocupado",
            "tocando",
            "ocioso",
            "ramal inoperante",
            "desconhecido",
            "erro login",
            "nao logado",
        ],
    );
    covers(
        column(&f["exten_status"], "status"),
        &[
            "disponível",
            "indisponível",
            "disponivel",
            "indisponivel",
            "ocupado",
            "Ocupado",
            "tocando",
            "discando",
        ],
    );
    covers(column(&f["queue_status"], "status"), &["ok", "busy"]);
    covers(column(&f["extensions"], "tipo"), &["callcenter", "pbx"]);
    covers(column(&f["queues"], "tipo"), &["callcenter", "pbx"]);
    let flows: Vec<Value> = f["uras"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|u| u["fluxos"].as_array().unwrap().clone())
        .collect();
    covers(
        column(&Value::from(flows), "tipo_fluxo"),
        &["voz", "digito"],
    );
    covers(
        column(&f["ccenter"]["survey"], "pesquisa_status"),
        &["INCOMPLETA", "COMPLETA", "NÃO AVALIADO"],
    );
    covers(
        column(&f["ccenter"]["schedules"], "tipo"),
        &["LEMBRETE", "RETORNO"],
    );
    covers(
        column(&f["ccenter"]["sessions"]["1"], "evento"),
        &["login", "logout"],
    );
}

#[test]
fn concurrent_calls_with_workers_are_all_logged() {
    let server = PhpServer::native(&[("PHP_CLI_SERVER_WORKERS", "4")]);
    std::thread::scope(|s| {
        for i in 0..16 {
            let server = &server;
            s.spawn(move || {
                let agente = ["600", "605", "610", "611"][i % 4];
                let answer = server
                    .call(
                        "agentLogout",
                        &[("token", Some(TOKEN)), ("agente", Some(agente))],
                    )
                    .unwrap();
                assert_eq!(
                    retorno(&answer),
                    json!(format!("Agente {agente} deslogado"))
                );
            });
        }
    });
    let calls = server.calls();
    assert_eq!(calls.len(), 16);
    assert!(calls.iter().all(|c| c["op"] == "agentLogout"));
}

#[test]
fn missing_nusoap_fails_with_the_install_command() {
    let err = PhpServer::start(
        ServerKind::Nusoap,
        &[("USCALL_NUSOAP", "/nonexistent/nusoap.php")],
    )
    .err()
    .expect("the server must not come up");
    let msg = format!("{err:#}");
    assert!(msg.contains("apt-get install libnusoap-php"), "{msg}");
}
