//! Saves every recording of one day into a folder, four downloads at a time.
//!
//! ```sh
//! export USCALL_URL=https://pbx.example.com USCALL_TOKEN='$1$...'
//! cargo run --example recordings_of_a_day -- 2025-06-02 gravacoes/
//! ```
//! (`uscall recordings --dataini ... --datafin ... -o DIR` adds a progress bar and skips files
//! already downloaded.)

use jiff::civil::Date;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::Semaphore;
use uscall_client::Client;
use uscall_client::enums::AudioFormat;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(day), Some(dir)) = (args.next(), args.next()) else {
        return Err("usage: recordings_of_a_day DATE DIR".into());
    };
    let day: Date = day.parse()?;
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir)?;
    let client = Client::new(
        &std::env::var("USCALL_URL")?,
        std::env::var("USCALL_TOKEN")?,
    )?;
    let calls = client.cdr_search().day(day).await?;
    let limit = Arc::new(Semaphore::new(4));
    let mut tasks = tokio::task::JoinSet::new();
    for cdr in calls.into_iter().filter(|c| c.audio.is_some()) {
        let (client, limit, dir) = (client.clone(), limit.clone(), dir.clone());
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await?;
            // Streamed to disk as it arrives: memory stays flat however long the call was.
            let path = dir.join(format!("{}.mp3", cdr.bilheteunico));
            let saved = client
                .audio_download(cdr.bilheteunico.as_str())
                .formato(AudioFormat::Mp3)
                .save(&path)
                .await?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(saved.path)
        });
    }
    while let Some(done) = tasks.join_next().await {
        match done? {
            Ok(path) => println!("{}", path.display()),
            Err(e) => eprintln!("failed: {e}"),
        }
    }
    Ok(())
}
