//! `audio_download(..).save(path)`: recordings streamed to disk as they arrive, against the real
//! NuSOAP and ext/soap servers (with recordings of realistic size), and against damaged copies
//! of NuSOAP's own answer: the file appears complete or not at all.

use std::path::Path;
use uscall_client::enums::AudioFormat;
use uscall_client::models::Recording;
use uscall_client::{Client, Error, Retries};
use uscall_tests::{PhpServer, TOKEN, canned, fixture, http_response, rpc_envelope};

/// Every recording as long as a call of this many seconds: 8 * (100 + s) samples of 2 bytes,
/// about 2.4 MB of WAV and 3.2 MB of base64, well past the stream's first write.
const SECONDS: &str = "150000";
const WAV_BYTES: usize = 44 + 2 * 8 * (100 + 150_000);

/// The first fixture call that has a recording.
fn recorded_call() -> String {
    fixture()["cdrs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["audio"] != "")
        .and_then(|c| c["bilheteunico"].as_str())
        .unwrap()
        .to_owned()
}

/// The files in `dir`, by name (the temporary `.NAME.part` included).
fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_long_recording_is_saved_as_the_whole_answer_would_give_it() {
    let id = recorded_call();
    for server in [
        PhpServer::nusoap(&[("USCALL_RECORDING_SECONDS", SECONDS)]),
        PhpServer::native(&[("USCALL_RECORDING_SECONDS", SECONDS)]),
    ] {
        let client = Client::new(&server.url(), TOKEN).unwrap();
        let whole: Recording = client
            .audio_download(id.as_str())
            .formato(AudioFormat::Ogg)
            .await
            .unwrap();
        assert_eq!(whole.audio.len(), WAV_BYTES, "{:?}", server.kind());

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("call.ogg");
        let saved = client
            .audio_download(id.as_str())
            .formato(AudioFormat::Ogg)
            .save(&path)
            .await
            .unwrap();
        let on_disk = std::fs::read(&path).unwrap();
        assert!(
            on_disk == whole.audio,
            "{:?}: the file differs",
            server.kind()
        );
        assert_eq!(saved.bytes, WAV_BYTES as u64);
        assert_eq!(saved.path, path);
        assert!(saved.recording.audio.is_empty(), "the audio is in the file");
        let mut without_audio = whole.clone();
        without_audio.audio.clear();
        assert_eq!(saved.recording, without_audio);
        assert_eq!(files(dir.path()), ["call.ogg"], "no temporary file is left");

        // Saving again replaces the file.
        std::fs::write(&path, b"old").unwrap();
        client
            .audio_download(id.as_str())
            .save(&path)
            .await
            .unwrap();
        assert_eq!(std::fs::read(&path).unwrap().len(), WAV_BYTES);
    }
}

#[tokio::test]
async fn a_short_recording_and_a_refusal_are_read_whole() {
    let server = PhpServer::nusoap(&[]);
    let client = Client::new(&server.url(), TOKEN).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("short.wav");
    let id = recorded_call();
    let saved = client
        .audio_download(id.as_str())
        .save(&path)
        .await
        .unwrap();
    let whole = client.audio_download(id.as_str()).await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), whole.audio);
    assert_eq!(saved.bytes, whole.audio.len() as u64);

    let missing = dir.path().join("missing.wav");
    let err = client.audio_download("0000.000").save(&missing).await;
    assert!(
        matches!(err, Err(Error::Service { .. })),
        "a refusal is the service's error: {err:?}"
    );
    assert_eq!(
        files(dir.path()),
        ["short.wav"],
        "nothing written for a refusal"
    );
}

/// NuSOAP's own answer with a long recording, and its HTTP head.
fn nusoap_answer() -> Vec<u8> {
    let server = PhpServer::nusoap(&[("USCALL_RECORDING_SECONDS", SECONDS)]);
    let id = recorded_call();
    let envelope = rpc_envelope(
        "audioDownload",
        &[("token", Some(TOKEN)), ("idunico", Some(id.as_str()))],
    );
    let answer = server.post_soap("audioDownload", &envelope).unwrap();
    assert_eq!(answer.status, 200);
    answer.body
}

#[tokio::test]
async fn a_damaged_answer_leaves_no_file() {
    let body = nusoap_answer();
    let len = body.len();
    let at = |fraction: f64| (len as f64 * fraction) as usize;
    let mut bad_base64 = body.clone();
    bad_base64[at(0.6)] = b'*';
    let mut bad_xml = body.clone();
    let close = bad_xml.len() - "</SOAP-ENV:Envelope>".len();
    bad_xml.truncate(close);
    bad_xml.extend_from_slice(b"</SOAP-ENV:Envelop>");
    let ct = "text/xml; charset=ISO-8859-1";
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "invalid base64 in the middle",
            http_response("200 OK", ct, &bad_base64),
        ),
        (
            "a wrong closing tag after the audio",
            http_response("200 OK", ct, &bad_xml),
        ),
        ("the body cut short", {
            // Content-Length promises the whole body; the connection closes at 70%.
            let mut cut = http_response("200 OK", ct, &body);
            cut.truncate(cut.len() - len + at(0.7));
            cut
        }),
        ("the body ending early without a Content-Length", {
            let mut head =
                format!("HTTP/1.1 200 OK\r\nContent-Type: {ct}\r\nConnection: close\r\n\r\n")
                    .into_bytes();
            head.extend_from_slice(&body[..at(0.7)]);
            head
        }),
    ];
    for (what, reply) in cases {
        let (url, hits) = canned(reply).await;
        let client = Client::builder(&url)
            .token(TOKEN)
            .retries(Retries::NONE)
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("call.wav");
        let err = client
            .audio_download("1")
            .save(&path)
            .await
            .expect_err(what);
        assert!(
            matches!(err, Error::Malformed { .. } | Error::Transport { .. }),
            "{what}: {err:?}"
        );
        assert!(!err.to_string().contains(TOKEN), "{what}: {err}");
        assert_eq!(
            files(dir.path()),
            Vec::<String>::new(),
            "{what}: a file was left"
        );
        assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1, "{what}");
    }

    // The undamaged answer, served the same way, saves.
    let (url, _) = canned(http_response("200 OK", ct, &body)).await;
    let client = Client::new(&url, TOKEN).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let saved = client
        .audio_download("1")
        .save(dir.path().join("ok.wav"))
        .await
        .unwrap();
    assert_eq!(saved.bytes, WAV_BYTES as u64);
}

#[tokio::test]
async fn a_file_that_cannot_be_written_is_a_write_error() {
    let (url, _) = canned(http_response(
        "200 OK",
        "text/xml; charset=ISO-8859-1",
        &nusoap_answer(),
    ))
    .await;
    let client = Client::new(&url, TOKEN).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-folder").join("call.wav");
    let err = client.audio_download("1").save(&path).await.unwrap_err();
    match &err {
        Error::Write { path: at, .. } => assert!(at.starts_with(dir.path()), "{err:?}"),
        other => panic!("expected a write error, got {other:?}"),
    }
    assert!(err.to_string().contains("no-such-folder"), "{err}");
}
