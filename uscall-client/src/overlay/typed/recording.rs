//! audioDownload straight to a file: the recording is unescaped, base64-decoded and written as
//! the answer arrives, so memory stays the same whatever the recording's length.

use super::AudioDownloadRequest;
use crate::error::{Error, Result};
use crate::models::{self, Recording};
use crate::redact::Secrets;
use crate::stream::RecordingStream;
use crate::transport::Download;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A recording saved by [`AudioDownloadRequest::save`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SavedRecording {
    /// The call's data as the PBX sent it. Its `audio` is empty: the bytes are in the file.
    pub recording: Recording,
    /// The file written.
    pub path: PathBuf,
    /// The audio's size in bytes.
    pub bytes: u64,
}

impl AudioDownloadRequest<'_> {
    /// Downloads the recording into the file at `path`, decoding it as it arrives: memory use
    /// does not grow with the recording (a one-hour WAV is about 60 MB, 80 MB as base64).
    ///
    /// The file appears only when the whole answer has been read and checked: the audio goes
    /// to a temporary file beside it (`.NAME.part`), renamed at the end and removed on any error,
    /// so a failed or interrupted download never leaves a truncated recording under `path`. An
    /// existing file at `path` is replaced. Refusals (`Gravação não encontrada`) are
    /// [`Error::Service`], as with `.await`; a failure to write is [`Error::Write`].
    pub async fn save(self, path: impl AsRef<Path>) -> Result<SavedRecording> {
        let path = path.as_ref();
        let (op, args) = self.call.resolve()?;
        let client = self.call.client;
        let decode = |text, secrets: &Arc<Secrets>| {
            models::from_text(
                op.name,
                text,
                secrets,
                models::fast_one,
                models::one::<Recording>,
            )
        };
        let part = part_path(path);
        let part = part.as_path();
        let write_err = |path: &Path| {
            let path = path.to_owned();
            move |source| Error::Write {
                operation: op.name,
                path,
                source,
            }
        };
        let attempt = async |body, secrets: &Arc<Secrets>| {
            let mut file = tokio::fs::File::create(part)
                .await
                .map_err(write_err(part))?;
            let download = client
                .download_once(op, body, recording_audio, &mut file, part)
                .await?;
            let (recording, bytes) = match download {
                Download::Streamed { json, audio_bytes } => (decode(json, secrets)?, audio_bytes),
                // Not streamed (a small or unusual answer): the recording is in the text.
                Download::Text(text) => {
                    let mut recording = decode(text, secrets)?;
                    use tokio::io::AsyncWriteExt;
                    file.write_all(&recording.audio)
                        .await
                        .map_err(write_err(part))?;
                    file.flush().await.map_err(write_err(part))?;
                    let audio = std::mem::take(&mut recording.audio);
                    (recording, audio.len() as u64)
                }
            };
            file.sync_all().await.map_err(write_err(part))?;
            Ok((recording, bytes))
        };
        let send = async |body, secrets: Arc<Secrets>| {
            crate::retry::run_attempts(client.inner.settings.retries, op, body, &secrets, |body| {
                attempt(body, &secrets)
            })
            .await
        };
        let result = client.call_sending(op, args, send, |_| "ok").await;
        let result = match result {
            Ok((recording, bytes)) => match tokio::fs::rename(part, path).await {
                Ok(()) => {
                    return Ok(SavedRecording {
                        recording,
                        path: path.to_owned(),
                        bytes,
                    });
                }
                Err(source) => Err(write_err(path)(source)),
            },
            Err(e) => Err(e),
        };
        let _ = tokio::fs::remove_file(part).await;
        result
    }
}

impl RecordingStream {
    /// The streaming decoder of an audioDownload answer, reading the recording as [`Recording`]
    /// does: the wire layer's decoder does not know the model, so it is given it here.
    /// `http_charset`: the charset parameter of the Content-Type, if any.
    pub(crate) fn new(http_charset: Option<&str>) -> Self {
        RecordingStream::with_reader(http_charset, recording_audio)
    }
}

/// The audio [`Recording`] reads from an audioDownload return text, or why it reads none (the
/// JSON's own message when the text is not JSON).
pub(crate) fn recording_audio(json: String) -> std::result::Result<Vec<u8>, String> {
    let response = crate::Response::parse("audioDownload", json, "").map_err(|e| match e {
        Error::Json { message, .. } => message,
        other => other.to_string(),
    })?;
    let recording = models::one::<Recording>(&response).map_err(|e| e.to_string())?;
    Ok(recording.audio)
}

/// The temporary file a recording is written to before it is complete: `.NAME.part` beside it.
fn part_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(|| "recording".into(), |n| n.to_string_lossy());
    path.with_file_name(format!(".{name}.part"))
}
