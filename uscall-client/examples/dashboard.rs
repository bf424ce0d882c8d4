//! A live wallboard: agent and queue status, refreshed every few seconds.
//!
//! ```sh
//! export USCALL_URL=https://pbx.example.com USCALL_TOKEN='$1$...'
//! cargo run --example dashboard -- 5 12     # every 5 s, 12 times
//! ```

use std::time::Duration;
use uscall_client::Client;
use uscall_client::enums::{AgentStatus, QueueStatus};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let every: u64 = args.next().map_or(Ok(5), |a| a.parse())?;
    let times: u64 = args.next().map_or(Ok(u64::MAX), |a| a.parse())?;
    let client = Client::new(
        &std::env::var("USCALL_URL")?,
        std::env::var("USCALL_TOKEN")?,
    )?;
    let mut tick = tokio::time::interval(Duration::from_secs(every));
    for _ in 0..times {
        tick.tick().await;
        // Both reads at once over the same pooled connection set.
        let (agents, queues) =
            tokio::try_join!(client.agent_status().send(), client.queue_status().send())?;
        let busy = agents
            .iter()
            .filter(|a| a.status == Some(AgentStatus::Ocupado))
            .count();
        let paused = agents
            .iter()
            .filter(|a| a.status == Some(AgentStatus::EmPausa))
            .count();
        println!(
            "agents: {} total, {busy} on a call, {paused} paused",
            agents.len()
        );
        for q in &queues {
            let flag = if q.status == Some(QueueStatus::Busy) {
                "!"
            } else {
                " "
            };
            println!(
                "{flag} queue {:>5}: {} waiting",
                q.fila,
                q.espera.unwrap_or(0)
            );
        }
        for e in agents.errors().iter().chain(queues.errors()) {
            eprintln!("skipped a row: {e}");
        }
    }
    Ok(())
}
