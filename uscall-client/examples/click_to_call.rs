//! Click-to-call from a CRM: ring the customer first, then connect the answered call to a DDR.
//!
//! ```sh
//! export USCALL_URL=https://pbx.example.com USCALL_TOKEN='$1$...'
//! cargo run --example click_to_call -- 11999990000 2800 crm-4711
//! ```
//! The `idcti` you pass comes back in the CDR, so the CRM can find the call and its recording.

use uscall_client::Client;
use uscall_client::enums::StartCallTipo;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(customer), Some(ddr)) = (args.next(), args.next()) else {
        return Err("usage: click_to_call CUSTOMER_NUMBER DDR [IDCTI]".into());
    };
    let client = Client::new(
        &std::env::var("USCALL_URL")?,
        std::env::var("USCALL_TOKEN")?,
    )?;
    let mut call = client.start_call(StartCallTipo::ClickToCall, customer, ddr, "1");
    if let Some(idcti) = args.next() {
        call = call.idcti(idcti);
    }
    // An action is sent once and never retried: a retry could dial the customer twice.
    match call.await {
        Ok(message) => println!("{message}"),
        Err(e) => {
            eprintln!("the call was not placed: {e}");
            std::process::exit(1);
        }
    }
    Ok(())
}
