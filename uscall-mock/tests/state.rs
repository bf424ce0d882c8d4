//! The simulated company across operations, as an integrator's app drives it: an agent logs in,
//! pauses, takes a call; the call shows in the live status, ends in a call record with the
//! integrator's id, a tariff row and a recording; and the documented refusals. Through the
//! real client, on a virtual clock.

use std::time::Duration;
use uscall_client::enums::StartCallTipo;
use uscall_client::models::ServiceErrorKind;
use uscall_client::{Client, Error};
use uscall_mock::Pbx;

async fn pbx() -> Pbx {
    Pbx::builder().virtual_clock().start().await.unwrap()
}

fn status(pbx: &Pbx, agente: &str) -> (String, String, String) {
    let state = pbx.state();
    let row = state.agent_status(agente).unwrap();
    let s = |k: &str| row[k].as_str().unwrap_or_default().to_owned();
    (s("status"), s("pausa"), s("ramal"))
}

fn refusal(result: Result<impl std::fmt::Debug, Error>) -> (ServiceErrorKind, String) {
    match result {
        Err(Error::Service { kind, message, .. }) => (kind, message),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn login_pause_call_hangup_record_and_recording() {
    let pbx = pbx().await;
    let client = pbx.client();
    let password = uscall_client::models::Password::plain("0000"); // agent 610's

    // Login: the agent is idle on the extension given.
    client.agent_login("610", "2005", password).await.unwrap();
    assert_eq!(
        status(&pbx, "610"),
        ("ocioso".into(), "".into(), "2005".into())
    );
    let live = client.agent_status().agente("610").await.unwrap();
    assert_eq!(live[0].ramal.as_deref(), Some("2005"));

    // A pause with a limit (Banheiro, 600 s) runs past it: the time over is its overrun.
    client.start_pause("610", "2").await.unwrap();
    assert_eq!(status(&pbx, "610").0, "em pausa");
    assert_eq!(status(&pbx, "610").1, "Banheiro");
    pbx.advance(Duration::from_secs(300));
    assert_eq!(
        pbx.state().agent_status("610").unwrap()["tempo"],
        "00:05:00"
    );
    pbx.advance(Duration::from_secs(301));
    assert_eq!(status(&pbx, "610").0, "em pausa");
    client.end_pause("610").await.unwrap();
    assert_eq!(status(&pbx, "610").0, "ocioso");

    // A call from the agent's extension: extension and agent busy, with the number.
    client
        .start_call(StartCallTipo::Outbound, "2005", "1140041234", "1")
        .idcti("crm-77")
        .await
        .unwrap();
    assert_eq!(status(&pbx, "610").0, "ocupado");
    let exten = pbx.state().exten_status("2005").cloned().unwrap();
    assert_eq!(
        (exten["status"].as_str(), exten["numero"].as_str()),
        (Some("ocupado"), Some("1140041234"))
    );
    assert_eq!(pbx.state().live_calls().len(), 1);

    // Hung up after 42 s: a call record with the idcti, a tariff row, a recording.
    pbx.advance(Duration::from_secs(42));
    client.hangup_call("2005").await.unwrap();
    assert!(pbx.state().live_calls().is_empty());
    assert_eq!(status(&pbx, "610").0, "ocioso");
    let records = client.cdr_search().idunico("crm-77").await.unwrap();
    assert_eq!(records.len(), 1, "{records:?}");
    let cdr = &records[0];
    assert_eq!(cdr.duracao, Some(Duration::from_secs(42)));
    assert_eq!(cdr.destino, "1140041234");
    assert_eq!(cdr.idcti.as_deref(), Some("crm-77"));
    // Today, on the PBX's clock: an empty date filter finds it.
    let today = client.raw().cdr_search().await.unwrap();
    assert!(today.raw().contains("crm-77"));
    let tariff = client.raw().cdr_tariff().await.unwrap();
    let id = cdr.bilheteunico.clone();
    assert!(tariff.raw().contains(&id), "{}", tariff.raw());
    assert_eq!(pbx.state().agent_status("610").unwrap()["efetuadas"], "1");
    // The call-center reports count it too: its ccenterCdr row, and the agent's figures.
    let center = client.raw().ccenter_cdr("[610]", "[]").await.unwrap();
    let rows = center.json()["retorno"].as_array().unwrap().clone();
    let row = rows
        .iter()
        .find(|r| r["bilheteunico"] == id.as_str())
        .unwrap_or_else(|| panic!("no ccenterCdr row for {id}: {}", center.raw()));
    assert_eq!(
        (row["atendimento"].as_i64(), row["numero"].as_str()),
        (Some(42), Some("1140041234"))
    );
    let pauses = client
        .raw()
        .ccenter_pauses("1", "[610]", "[]")
        .await
        .unwrap();
    let pause = &pauses.json()["retorno"][0];
    assert_eq!(
        (
            pause["pausa"].as_str(),
            pause["tempo"].as_i64(),
            pause["estouro"].as_i64()
        ),
        (Some("Banheiro"), Some(601), Some(1)),
        "{pause}"
    );

    let dir = std::env::temp_dir().join(format!("uscall-mock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("call.wav");
    client.audio_download(&id).save(&file).await.unwrap();
    let wav = std::fs::read(&file).unwrap();
    assert_eq!(&wav[..4], b"RIFF");
    assert_eq!(&wav[8..16], b"WAVEfmt ");
    assert_eq!(
        u32::from_le_bytes(wav[24..28].try_into().unwrap()),
        8000,
        "8 kHz"
    );
    assert_eq!(
        u16::from_le_bytes(wav[34..36].try_into().unwrap()),
        16,
        "16-bit"
    );
    assert_eq!(wav.len(), 44 + 2 * 8 * (100 + 42));
    assert_eq!(wav, uscall_mock::recording(42));
    std::fs::remove_dir_all(&dir).unwrap();

    // Logout: a session of 643 s (the pause, the call), and the agent's figures from it all.
    client.agent_logout("610").await.unwrap();
    assert_eq!(status(&pbx, "610").0, "nao logado");
    let sessions = client
        .raw()
        .ccenter_sessions("0", "[610]", "[]")
        .await
        .unwrap();
    let session = &sessions.json()["retorno"][0];
    assert_eq!(
        (session["qtd_ses"].as_i64(), session["tempo_ses"].as_i64()),
        (Some(1), Some(643)),
        "{session}"
    );
    let agents = client.raw().ccenter_agents("[610]", "[]").await.unwrap();
    let f = &agents.json()["retorno"][0];
    let figure = |k: &str| f[k].as_i64().unwrap_or(-1);
    assert_eq!(
        [
            figure("sessao"),
            figure("pausas"),
            figure("ocupado"),
            figure("ocioso"),
            figure("outbound_total"),
            figure("outbound_tma"),
            figure("inbound_atend"),
        ],
        [643, 601, 42, 0, 1, 42, 0],
        "{f}"
    );
    assert_eq!(f["perc_pausa"].as_f64(), Some(93.47), "{f}");
}

#[tokio::test]
async fn a_call_ends_by_itself_and_a_ura_call_leaves_its_ura_record() {
    let pbx = Pbx::builder()
        .virtual_clock()
        .call_length(Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    let client = pbx.client();
    client
        .raw()
        .start_callura("1", "11988887777", "1")
        .idcti("cobranca-9")
        .cti_info1("João")
        .cti_info2("150,00")
        .await
        .unwrap();
    // While it lasts, the caller waits in the queue the URA sends to (QUEUE/901).
    let queue = client.raw().queue_status().fila("901").await.unwrap();
    assert!(queue.raw().contains("11988887777"), "{}", queue.raw());
    pbx.advance(Duration::from_secs(31));
    assert!(pbx.state().live_calls().is_empty());
    let ura = client.raw().cdr_ura().idunico("cobranca-9").await.unwrap();
    let rows = ura.json()["retorno"].as_array().unwrap().clone();
    assert_eq!(rows.len(), 1, "{}", ura.raw());
    assert_eq!(rows[0]["destino"], "QUEUE/901");
    assert_eq!(rows[0]["duracao"], "00:00:30");
    assert_eq!(rows[0]["cti_info"]["cti_info1"], "João");
    assert_eq!(rows[0]["cti_info"]["cti_info2"], "150,00");
    let queue = client.raw().queue_status().fila("901").await.unwrap();
    assert!(!queue.raw().contains("11988887777"));
}

#[tokio::test]
async fn monitoring_leg_starts_and_ends_with_the_call() {
    let pbx = pbx().await;
    let client = pbx.client();
    client
        .start_call(StartCallTipo::Outbound, "2001", "11999990000", "1")
        .await
        .unwrap();
    client
        .raw()
        .monit_exten("2002", "2001")
        .tipo("escuta")
        .await
        .unwrap();
    assert_eq!(pbx.state().live_calls().len(), 2);
    assert_eq!(pbx.state().exten_status("2002").unwrap()["numero"], "2001");
    client.hangup_call("2001").await.unwrap();
    assert!(
        pbx.state().live_calls().is_empty(),
        "the leg ended with the call"
    );
    assert_eq!(
        pbx.state().exten_status("2002").unwrap()["status"],
        "disponivel"
    );
}

#[tokio::test]
async fn documented_refusals() {
    let pbx = pbx().await;
    let client = pbx.client();
    let wrong = Client::new(&pbx.url(), "not-the-token").unwrap();
    let (kind, message) = refusal(wrong.get_pauses().await);
    assert_eq!(
        (kind, message.as_str()),
        (ServiceErrorKind::InvalidToken, "Token inválido")
    );

    let password = uscall_client::models::Password::plain("0000");
    let (_, message) = refusal(client.agent_login("999", "2005", password.clone()).await);
    assert_eq!(message, "Agente não encontrado");
    let (_, message) = refusal(
        client
            .agent_login("610", "2005", uscall_client::models::Password::plain("x"))
            .await,
    );
    assert_eq!(message, "Senha inválida");

    // A pause taken only in queue 902 is refused to an agent of queue 900 (a state edited by
    // the test).
    {
        let mut state = pbx.state();
        let pauses = state.table_mut("pauses");
        pauses[2]["filas"] = "902".into();
    }
    let (_, message) = refusal(client.start_pause("611", "3").await);
    assert_eq!(message, "Pausa 3 não permitida nas filas do agente 611");
    let (_, message) = refusal(client.start_pause("615", "1").await);
    assert_eq!(message, "Agente 615 não está logado");

    // The number must fit the category's dialling rules.
    let (_, message) = refusal(
        client
            .start_call(StartCallTipo::Outbound, "2001", "123", "1")
            .await,
    );
    assert_eq!(
        message,
        "Número inválido para a categoria 1 (Nacional (DDD)): 123"
    );
    let (_, message) = refusal(
        client
            .start_call(StartCallTipo::Outbound, "2001", "11999990000", "9")
            .await,
    );
    assert_eq!(message, "Categoria não encontrada: 9");
    assert!(
        pbx.state().live_calls().is_empty(),
        "no refused call was started"
    );
}

#[tokio::test]
async fn many_simulators_run_side_by_side() {
    let pbxs = futures_join(8).await;
    let mut ports: Vec<u16> = pbxs.iter().map(|p| p.address().port()).collect();
    ports.sort_unstable();
    ports.dedup();
    assert_eq!(ports.len(), 8);
    for pbx in &pbxs {
        let pauses = pbx.client().get_pauses().await.unwrap();
        assert_eq!(pauses.len(), 3);
    }
    // Stopped on drop: the port no longer answers.
    let url = pbxs[0].url();
    drop(pbxs);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let client = Client::new(&url, "x").unwrap();
    let error = client.get_pauses().await.unwrap_err();
    assert!(error.is_connect(), "{error:?}");
}

async fn futures_join(n: usize) -> Vec<Pbx> {
    let handles: Vec<_> = (0..n).map(|_| tokio::spawn(Pbx::start())).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap().unwrap());
    }
    out
}
