//! audioDownload: a call's recording as a real WAV (PCM, 8 kHz, 16-bit, mono) whose length
//! follows the call's duration, base64-encoded in the answer as the PBX sends it.

use super::{Args, Step, reads::matches_id};
use crate::state::State;
use base64::Engine as _;
use serde_json::{Value, json};

pub(super) fn download(args: &Args<'_>, state: &State) -> Step<Value> {
    let formato = args.get("formato").unwrap_or("wav");
    if !matches!(formato, "mp3" | "ogg" | "wav") {
        return Err("Parâmetro inválido: formato (use mp3, ogg ou wav)".into());
    }
    let id = args.text("idunico");
    let found = state.table("cdrs").iter().find(|r| {
        matches_id(r, Some(id))
            && r.get("audio")
                .and_then(Value::as_str)
                .is_some_and(|a| !a.is_empty())
    });
    let Some(r) = found else {
        return Err(format!("Gravação não encontrada: {id}").into());
    };
    let text = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
    let audio = text("audio");
    let stem = audio
        .rsplit_once('.')
        .map_or(audio.as_str(), |(stem, _)| stem);
    Ok(json!({
        "nomeaudio": format!("{stem}.{formato}"),
        "data": text("datahora"),
        "tipo": text("tipo"),
        "status": text("status"),
        "origem": text("origem"),
        "destino": text("destino"),
        "arquivo_base_64": base64::engine::general_purpose::STANDARD.encode(wav(seconds(&text("duracao")))),
    }))
}

/// `HH:MM:SS` in seconds (0 when unreadable).
fn seconds(hms: &str) -> u64 {
    let mut parts = hms.split(':').map(|p| p.parse::<u64>().unwrap_or(0));
    let (h, m, s) = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    h * 3600 + m * 60 + s
}

/// The recording of a call of `seconds`: `8 * (100 + seconds)` samples of a 400 Hz triangle
/// wave, 8 kHz, 16-bit, mono (the reference servers' bytes, so a download compares alike; small
/// enough to keep tests quick).
pub(crate) fn wav(seconds: u64) -> Vec<u8> {
    uscall_client::fuzzing::wav(8 * (100 + seconds) as usize)
}
