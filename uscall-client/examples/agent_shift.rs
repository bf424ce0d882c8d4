//! An agent's shift from a softphone or CRM: log in, pause for lunch, come back, log out.
//!
//! ```sh
//! export USCALL_URL=https://pbx.example.com USCALL_TOKEN='$1$...'
//! USCALL_AGENT_PASSWORD=1234 cargo run --example agent_shift -- 600 2001
//! ```

use uscall_client::Client;
use uscall_client::models::Password;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(agent), Some(extension)) = (args.next(), args.next()) else {
        return Err(
            "usage: agent_shift AGENT EXTENSION (password in USCALL_AGENT_PASSWORD)".into(),
        );
    };
    let client = Client::new(
        &std::env::var("USCALL_URL")?,
        std::env::var("USCALL_TOKEN")?,
    )?;
    // The service wants the MD5 of the password; the client computes it.
    let password = Password::plain(std::env::var("USCALL_AGENT_PASSWORD")?);

    println!(
        "{}",
        client
            .agent_login(agent.as_str(), extension.as_str(), password)
            .await?
    );

    // Pick the pause by name from the configured ones.
    let pauses = client.get_pauses().await?;
    let lunch = pauses
        .iter()
        .find(|p| p.pause.to_lowercase().contains("almo"))
        .or(pauses.first())
        .ok_or("no pause is configured on this PBX")?;
    println!(
        "{}",
        client
            .start_pause(agent.as_str(), lunch.id.as_str())
            .await?
    );
    println!("{}", client.end_pause(agent.as_str()).await?);

    for state in &client.agent_status().agente(agent.as_str()).await? {
        let status = state.status.as_ref().map_or("unknown", |s| s.as_str());
        println!("agent {} is now {status}", state.num);
    }
    println!("{}", client.agent_logout(agent.as_str()).await?);
    Ok(())
}
