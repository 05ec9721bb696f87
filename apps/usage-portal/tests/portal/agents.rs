//! AI agents over MCP, with the reference client library (Python's `mcp`):
//! an agent holding a customer's API token gets that customer's usage and
//! nothing else; without a token it gets nothing.

use ferrodash_testing::mcp_client::McpClient;
use serde_json::{Value, json};

use crate::common::TestPortal;

/// The report tool's arguments for the last 30 days of the test data, for
/// `account` (null: the user's own).
fn report_arguments(account: &Value) -> Value {
    json!({
        "account_value": account,
        "days_start_date": "2026-11-01",
        "days_end_date": "2026-11-30",
        "projects_value": null,
    })
}

/// The view's title and the totals a report call answered.
fn view(step: &Value) -> (String, String) {
    assert_eq!(step["isError"], false, "{step}");
    let response = &step["structuredContent"]["response"];
    (
        response["view-title"]["children"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        response[usage_portal::report::CARD_IDS[0]]["children"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_sees_only_its_users_data_and_none_without_a_token() {
    let portal = TestPortal::start().await;
    let users = portal.portal.users();
    let northwind = users.issue_token("northwind", "test agent").await.unwrap();
    let bluefin = users.issue_token("bluefin", "test agent").await.unwrap();
    let accounts = portal.portal.store().accounts().await.unwrap();
    let name_of = |id: &str| accounts.iter().find(|a| a.id == id).unwrap().name.clone();
    let client = McpClient::install().expect("the MCP client installs");
    let url = portal.url("/_mcp");

    let plan = json!([
        {"do": "list_tools"},
        {"do": "call", "tool": "report", "arguments": report_arguments(&Value::Null)},
        // Another customer's account, asked for by name: still its own.
        {"do": "call", "tool": "report", "arguments": report_arguments(&json!("acc-02"))},
        {"do": "read", "uri": "dash://pages"},
    ]);
    let answer = client.run(&url, Some(&northwind), &plan).await.unwrap();
    assert_eq!(answer["protocolVersion"], "2025-11-25", "{answer}");
    let steps = answer["steps"].as_array().unwrap();
    let tools: Vec<&str> = steps[0]["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        tools.contains(&"report") && tools.contains(&"export_csv"),
        "{tools:?}"
    );
    // The admin's tools are not a customer's; nor is the live strip.
    assert!(
        !tools.contains(&"history") && !tools.contains(&"run_now"),
        "{tools:?}"
    );
    assert!(!tools.iter().any(|t| t.contains("live")), "{tools:?}");
    let (own_title, own_hours) = view(&steps[1]);
    assert!(own_title.contains(&name_of("acc-01")), "{own_title}");
    let (asked_title, asked_hours) = view(&steps[2]);
    assert_eq!((&asked_title, &asked_hours), (&own_title, &own_hours));
    let text = serde_json::to_string(&steps[1..3]).unwrap();
    for other in accounts.iter().filter(|a| a.id != "acc-01") {
        assert!(!text.contains(&other.name), "{} leaked", other.name);
    }
    let pages: Value = serde_json::from_str(steps[3]["text"].as_str().unwrap()).unwrap();
    let paths: Vec<&str> = pages
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["/"], "the admin page is not a customer's");

    // Another customer's token: that customer's data.
    let answer = client
        .run(
            &url,
            Some(&bluefin),
            &json!([{"do": "call", "tool": "report", "arguments": report_arguments(&Value::Null)}]),
        )
        .await
        .unwrap();
    let (title, hours) = view(&answer["steps"][0]);
    assert!(title.contains(&name_of("acc-02")), "{title}");
    assert_ne!(hours, own_hours);

    // No token, or a wrong one: refused before anything runs.
    for token in [
        None,
        Some("fdt_0000000000000000000000000000000000000000000000000000000000000000"),
    ] {
        let answer = client
            .run(&url, token, &json!([{"do": "list_tools"}]))
            .await
            .unwrap();
        let error = answer["error"].as_str().unwrap_or_default();
        assert!(error.contains("401"), "{answer}");
    }
}
