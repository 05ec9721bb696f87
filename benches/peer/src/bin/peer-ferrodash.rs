//! The usage portal as `benches/peer/run.sh` serves it: the portal's own
//! app on an existing database, plus one trivial callback (`bench-in.value`
//! to `bench-out.children`) for the echo measurement.
//!
//! Usage: `peer-ferrodash PORT DATABASE_URL [memo|no-memo]`. Listens on
//! 127.0.0.1 only; no ingestion runs.

use ferrodash::prelude::*;

async fn echo(Input(text): Input<Option<String>>) -> String {
    text.unwrap_or_default()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(port), Some(url)) = (args.first(), args.get(1)) else {
        return Err("usage: peer-ferrodash PORT DATABASE_URL [memo|no-memo]".into());
    };
    let port: u16 = port.parse()?;
    let memo = args.get(2).map(String::as_str) != Some("no-memo");
    let portal = usage_portal::Portal::open(url).await?.with_memo(memo);
    let app = usage_portal::builder(&portal)
        // The echo's ids are not in the portal's layout.
        .suppress_callback_exceptions(true)
        .callback(
            Callback::new(echo)
                .output("bench-out", "children")
                .input("bench-in", "value"),
        )
        .build()?;
    app.serve(("127.0.0.1", port)).await?;
    Ok(())
}
