//! Every query is scoped by the logged-in user on the server: crafted
//! callback payloads sent as one customer, naming other customers'
//! accounts and projects in every way we could think of, return none of
//! their data.

use ferrodash_testing::client::{CallbackCall, TestClient, TestResponse};
use serde_json::{Value, json};

use crate::common::TestPortal;

/// The report callback with these filter values.
fn report(account: &Value, start: &Value, end: &Value, projects: &Value) -> CallbackCall {
    let mut call = CallbackCall::new().output("view-title", "children");
    for id in usage_portal::report::CARD_IDS {
        call = call.output(id, "children");
    }
    call.output("by-project", "figure")
        .output("storage", "figure")
        .output("by-month", "figure")
        .input("account", "value", account.clone())
        .input("days", "start_date", start.clone())
        .input("days", "end_date", end.clone())
        .input("projects", "value", projects.clone())
        .input("theme", "data", json!("light"))
        .input("data-version", "data", json!(null))
}

/// The CSV export with these filter values; `key` is its output string
/// as the app declares it (its status output carries a duplicate mark).
fn export(
    key: &str,
    account: &Value,
    start: &Value,
    end: &Value,
    projects: &Value,
) -> CallbackCall {
    CallbackCall::new()
        .output_key(key)
        .output("download-csv", "data")
        .output("export-status", "children")
        .input("export-csv", "n_clicks", json!(1))
        .state("account", "value", account.clone())
        .state("days", "start_date", start.clone())
        .state("days", "end_date", end.clone())
        .state("projects", "value", projects.clone())
        .triggered("export-csv.n_clicks")
}

/// The project filter's options and value for an account value, with the
/// projects picked and the page's address (`?account=…&projects=[…]`) as
/// the browser holds them.
fn project_options(account: &Value, projects: &Value) -> CallbackCall {
    let address = address(account.as_str().unwrap_or("acc-01"), projects);
    project_options_at(account, projects, &address)
}

/// A report page's address, as the page writes it.
fn address(account: &str, projects: &Value) -> String {
    format!(
        "?{}",
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("account", account)
            .append_pair("projects", &projects.to_string())
            .finish()
    )
}

/// [`project_options`] on the page opened at `address`.
fn project_options_at(account: &Value, projects: &Value, address: &str) -> CallbackCall {
    CallbackCall::new()
        .output("projects", "options")
        .output("projects", "value")
        .input("account", "value", account.clone())
        .state("projects", "value", projects.clone())
        .state("_pages_location", "search", json!(address))
}

/// The account picker's options and value on the page opened at `address`.
fn account_options_at(account: &Value, address: &str) -> CallbackCall {
    CallbackCall::new()
        .output("account", "options")
        .output("account-picker", "style")
        .output("account", "value")
        .input("_pages_location", "pathname", json!("/"))
        .state("account", "value", account.clone())
        .state("_pages_location", "search", json!(address))
}

/// Values a crafted request may carry where an account belongs.
fn crafted_accounts(others: &[&str]) -> Vec<Value> {
    let mut values = Vec::new();
    for id in others {
        values.extend([
            json!(id),
            json!(id.to_uppercase()),
            json!(format!(" {id}")),
            json!(format!("{id}' OR '1'='1")),
            json!(format!("acc-01' OR account_id = '{id}")),
            json!([id]),
            json!({"id": id}),
        ]);
    }
    values.extend([
        json!("*"),
        json!("%"),
        json!("acc-0_"),
        json!("' OR 1=1 --"),
        json!("*' OR '1'='1"),
        json!(null),
        json!(2),
        json!(true),
        json!(""),
        json!(["*"]),
        json!({"account": "*"}),
    ]);
    values
}

/// Values a crafted request may carry where the projects belong.
fn crafted_projects(theirs: &[String], own: &[String]) -> Vec<Value> {
    let mut values = vec![
        json!(theirs),
        json!([own[0], theirs[0]]),
        json!(theirs[0]),
        json!([format!("{}' OR '1'='1", theirs[0])]),
        json!(["' OR 1=1 --"]),
        json!(["prj-%"]),
        json!([{"id": theirs[0]}]),
        json!([1, 2, 3]),
        json!(null),
        json!([]),
        json!("all"),
    ];
    for id in theirs.iter().take(4) {
        values.push(json!([id]));
    }
    values
}

/// Days a crafted request may carry.
fn crafted_days() -> Vec<(Value, Value)> {
    vec![
        (json!(null), json!(null)),
        (json!("2000-01-01"), json!("2099-12-31")),
        (json!("2026-11-30"), json!("2026-10-01")),
        (json!("2026-11-01' OR '1'='1"), json!("2026-11-30")),
        (json!(20_261_101), json!({"day": 1})),
    ]
}

/// Text in an answer that would show another customer's data.
fn leaks(answer: &TestResponse, markers: &[String]) -> Vec<String> {
    let text = answer.text();
    markers
        .iter()
        .filter(|m| text.contains(m.as_str()))
        .cloned()
        .collect()
}

async fn client_for(portal: &TestPortal, name: &str) -> TestClient {
    TestClient::new(&portal.app)
        .log_in(name, &format!("{name}-demo-password"))
        .await
        .unwrap_or_else(|answer| panic!("{name} logs in: {}", answer.text()))
}

#[tokio::test(flavor = "multi_thread")]
async fn crafted_payloads_as_one_customer_return_none_of_anothers_rows() {
    let portal = TestPortal::start().await;
    let store = portal.portal.store();
    let accounts = store.accounts().await.unwrap();
    let others: Vec<&str> = accounts
        .iter()
        .map(|a| a.id.as_str())
        .filter(|id| *id != "acc-01")
        .collect();
    let own_projects: Vec<String> = store
        .projects_of("acc-01")
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    let their_projects: Vec<String> = store
        .projects_of("acc-02")
        .await
        .unwrap()
        .into_iter()
        .map(|p| p.id)
        .collect();
    // Other customers' names and project ids: none may appear.
    let mut markers: Vec<String> = accounts
        .iter()
        .filter(|a| a.id != "acc-01")
        .map(|a| a.name.clone())
        .collect();
    for id in &others {
        for p in store.projects_of(id).await.unwrap() {
            markers.push(format!("\"{}\"", p.id));
            markers.push(format!(",{},", p.id));
        }
    }

    let northwind = client_for(&portal, "northwind").await;
    let dependencies = northwind.dependencies().await;
    let export_key = dependencies
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["output"].as_str())
        .find(|o| o.contains("download-csv.data"))
        .expect("the export callback is declared")
        .to_owned();
    let mut calls = Vec::new();
    for account in crafted_accounts(&others) {
        for projects in crafted_projects(&their_projects, &own_projects) {
            calls.push(project_options(&account, &projects));
            for (start, end) in crafted_days() {
                calls.push(report(&account, &start, &end, &projects));
            }
            calls.push(export(
                &export_key,
                &account,
                &json!(null),
                &json!(null),
                &projects,
            ));
        }
    }
    assert!(calls.len() >= 1_000, "{} payloads", calls.len());

    let mut statuses = std::collections::BTreeMap::new();
    for call in &calls {
        let answer = northwind.call(call).await;
        let status = answer.status().as_u16();
        *statuses.entry(status).or_insert(0) += 1;
        assert!(
            status < 500,
            "{status} for {}: {}",
            call.body(),
            answer.text()
        );
        assert_ne!(
            status,
            404,
            "every payload reaches a callback: {}",
            answer.text()
        );
        let found = leaks(&answer, &markers);
        assert!(
            found.is_empty(),
            "{found:?} in the answer to {}",
            call.body()
        );
        if status == 200
            && call.body()["output"]
                .as_str()
                .unwrap_or("")
                .contains("view-title")
        {
            assert!(
                answer.text().contains("Northwind Media"),
                "{}",
                answer.text()
            );
        }
    }
    println!("{} payloads as northwind: {statuses:?}", calls.len());

    // The control: the same payloads as Bluefin's own user do show Bluefin's
    // data, so the markers would catch a leak.
    let bluefin = client_for(&portal, "bluefin").await;
    let mut shown = 0;
    for call in calls.iter().take(200) {
        let answer = bluefin.call(call).await;
        if !leaks(&answer, &markers).is_empty() {
            shown += 1;
        }
    }
    assert!(shown > 50, "bluefin saw its own data in {shown} answers");
}

/// A shared address's filters are set again with their options: a page
/// whose dropdowns cleared them (a dropdown drops a value not among its
/// options, and the options come later) gets them back, only ever within
/// what the user may see.
#[tokio::test(flavor = "multi_thread")]
async fn a_shared_addresss_filters_come_back_with_their_options() {
    let portal = TestPortal::start().await;
    let store = portal.portal.store();
    let ids = |projects: Vec<usage_portal::platform::Project>| -> Vec<String> {
        projects.into_iter().map(|p| p.id).collect()
    };
    let own = ids(store.projects_of("acc-01").await.unwrap());
    let theirs = ids(store.projects_of("acc-02").await.unwrap());
    let northwind = client_for(&portal, "northwind").await;
    let value = |answer: &TestResponse, id: &str| answer.json()["response"][id]["value"].clone();

    // The dropdown was cleared: the address's projects come back.
    let shared = json!([own[0]]);
    let at = address("acc-01", &shared);
    let answer = northwind
        .call(&project_options_at(&json!("acc-01"), &json!([]), &at))
        .await;
    assert_eq!(value(&answer, "projects"), shared, "{}", answer.text());
    // Projects picked on the page win over the address's.
    let picked = json!([own[own.len() - 1]]);
    let answer = northwind
        .call(&project_options_at(&json!("acc-01"), &picked, &at))
        .await;
    assert_eq!(value(&answer, "projects"), picked);
    // Another customer's projects in the address are dropped.
    let mixed = json!([own[0], theirs[0]]);
    let answer = northwind
        .call(&project_options_at(
            &json!("acc-01"),
            &json!([]),
            &address("acc-01", &mixed),
        ))
        .await;
    assert_eq!(value(&answer, "projects"), json!([own[0]]));
    // An address without an account (a customer's own address: the
    // account picker is hidden and left empty) is the default account's.
    let own_address = format!(
        "?{}",
        url::form_urlencoded::Serializer::new(String::new())
            .append_pair("projects", &shared.to_string())
            .finish()
    );
    let answer = northwind
        .call(&project_options_at(&json!(null), &json!([]), &own_address))
        .await;
    assert_eq!(value(&answer, "projects"), shared, "{}", answer.text());
    // The address's projects are for the address's account only.
    let answer = northwind
        .call(&project_options_at(
            &json!("acc-01"),
            &json!([]),
            &address("acc-02", &json!([own[0]])),
        ))
        .await;
    assert_eq!(value(&answer, "projects"), json!([]));

    // The account picker, cleared, comes back to the address's account;
    // an account the user may not see is never set.
    let ada = client_for(&portal, "admin").await;
    let answer = ada
        .call(&account_options_at(
            &json!(null),
            &address("acc-02", &json!([])),
        ))
        .await;
    assert_eq!(
        value(&answer, "account"),
        json!("acc-02"),
        "{}",
        answer.text()
    );
    let answer = ada
        .call(&account_options_at(
            &json!("acc-03"),
            &address("acc-02", &json!([])),
        ))
        .await;
    assert_eq!(
        value(&answer, "account"),
        json!("acc-03"),
        "the account picked wins"
    );
    let answer = northwind
        .call(&account_options_at(
            &json!(null),
            &address("acc-02", &json!([])),
        ))
        .await;
    assert_eq!(value(&answer, "account"), json!(null));
    let answer = northwind
        .call(&account_options_at(
            &json!(null),
            &address("acc-01", &json!([])),
        ))
        .await;
    assert_eq!(value(&answer, "account"), json!("acc-01"));
}
