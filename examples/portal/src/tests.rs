//! The portal driven in process, on a fresh SQLite file per test: logins,
//! data scoped to the logged-in user whatever the browser sends, groups,
//! and filters kept in the address.

use ferrodash::json;
use ferrodash_testing::client::{CallbackCall, TestClient, TestResponse};
use serde_json::Value;

use super::accounts::MADE_UP;
use super::{DEMO_PASSWORD_ALICE, DEMO_PASSWORD_BOB, NO_SUCH_ACCOUNT, Portal, dollars};

/// Where the tests mount the portal, as the gallery does.
const PREFIX: &str = "/portal/";

/// An SQLite file in the temp folder, removed (with its journal files)
/// when the test ends, passing or not.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn url(&self) -> String {
        format!("sqlite://{}", self.0.display())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.0.display()));
        }
    }
}

/// A portal on a new SQLite file in the temp folder.
async fn portal() -> (Portal, TempFile) {
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let file = TempFile(std::env::temp_dir().join(format!(
        "ferrodash-portal-test-{}-{n}.db",
        std::process::id()
    )));
    // Files an earlier run of this process id left behind go first.
    drop(TempFile(file.0.clone()));
    let portal = Portal::open(&file.url()).await.expect("the portal opens");
    (portal, file)
}

/// A client of the portal's app and the same client logged in as alice
/// and as bob.
async fn clients(portal: &Portal) -> (TestClient, TestClient, TestClient) {
    let client = TestClient::new(&super::app(PREFIX, portal).expect("the portal builds"));
    let alice = client
        .log_in("alice", DEMO_PASSWORD_ALICE)
        .await
        .expect("alice logs in");
    let bob = client
        .log_in("bob", DEMO_PASSWORD_BOB)
        .await
        .expect("bob logs in");
    (client, alice, bob)
}

/// A made-up account: (id, owner, name, region, revenue, status).
type Row = (
    i64,
    &'static str,
    &'static str,
    &'static str,
    f64,
    &'static str,
);

/// The made-up accounts with their ids.
fn rows() -> Vec<Row> {
    MADE_UP
        .iter()
        .zip(1..)
        .map(|(&(owner, name, region, revenue, status), id)| {
            (id, owner, name, region, revenue, status)
        })
        .collect()
}

fn rows_of(owner: &str) -> Vec<Row> {
    rows().into_iter().filter(|r| r.1 == owner).collect()
}

fn route(path: &str, search: &str) -> CallbackCall {
    CallbackCall::new()
        .output("_pages_content", "children")
        .output("_pages_store", "data")
        .input("_pages_location", "pathname", json!(path))
        .input("_pages_location", "search", json!(search))
}

fn list(region: Value, search: Value) -> CallbackCall {
    CallbackCall::new()
        .output("accounts-table", "children")
        .output("accounts-count", "children")
        .input("region", "value", region)
        .input("search", "value", search)
}

fn detail(id: Value) -> CallbackCall {
    CallbackCall::new()
        .output("account-detail", "children")
        .input("account-id", "data", id)
}

fn on_location(output: &str) -> CallbackCall {
    CallbackCall::new().output(output, "children").input(
        "_pages_location",
        "pathname",
        json!(PREFIX),
    )
}

/// The account names in a list or detail answer.
fn names_in(answer: &TestResponse) -> Vec<&'static str> {
    let text = answer.text();
    rows()
        .into_iter()
        .map(|r| r.2)
        .filter(|name| text.contains(name))
        .collect()
}

/// The props of the component with id `id` in a layout.
fn props_of<'v>(layout: &'v Value, id: &str) -> Option<&'v Value> {
    match layout {
        Value::Object(map) => {
            if map.get("props").and_then(|p| p.get("id")) == Some(&json!(id)) {
                return map.get("props");
            }
            map.values().find_map(|v| props_of(v, id))
        }
        Value::Array(items) => items.iter().find_map(|v| props_of(v, id)),
        _ => None,
    }
}

fn count_of(answer: &TestResponse) -> String {
    answer.json()["response"]["accounts-count"]["children"]
        .as_str()
        .unwrap_or_else(|| panic!("a count: {}", answer.text()))
        .to_owned()
}

/// The callbacks of `_dash-dependencies` that run on the server, each as a
/// call with null values.
fn server_callbacks(dependencies: &Value) -> Vec<CallbackCall> {
    let split = |dep: &Value| -> (String, String) {
        let text = dep.as_str().unwrap_or_default();
        let (id, prop) = text.rsplit_once('.').unwrap_or((text, ""));
        (id.to_owned(), prop.to_owned())
    };
    dependencies
        .as_array()
        .expect("a list of callbacks")
        .iter()
        .filter(|cb| cb["clientside_function"].is_null())
        .map(|cb| {
            let output = cb["output"].as_str().unwrap_or_default();
            let mut call = CallbackCall::new().output_key(output);
            let outputs = output
                .strip_prefix("..")
                .and_then(|o| o.strip_suffix(".."))
                .map_or_else(|| vec![output], |o| o.split("...").collect());
            for o in outputs {
                let (id, prop) = split(&json!(o));
                call = call.output(id, &prop);
            }
            for input in cb["inputs"].as_array().into_iter().flatten() {
                call = call.input(
                    input["id"].clone(),
                    input["property"].as_str().unwrap_or_default(),
                    Value::Null,
                );
            }
            for state in cb["state"].as_array().into_iter().flatten() {
                call = call.state(
                    state["id"].clone(),
                    state["property"].as_str().unwrap_or_default(),
                    Value::Null,
                );
            }
            call
        })
        .collect()
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_the_login_page_and_refused_everything_else() {
    let (portal, _file) = portal().await;
    let (client, alice, _) = clients(&portal).await;

    for (path, next) in [
        ("/portal/", "/portal/"),
        (
            "/portal/accounts?region=Europe",
            "/portal/accounts%3Fregion%3DEurope",
        ),
        ("/portal/accounts/13", "/portal/accounts/13"),
        ("/portal/admin", "/portal/admin"),
    ] {
        let answer = client.get(path).await;
        assert_eq!(answer.status(), 303, "{path}");
        assert_eq!(
            answer.header("location"),
            Some(format!("/portal/login?next={next}").as_str()),
            "{path}"
        );
    }
    let login = client.get("/portal/login").await;
    assert_eq!(login.status(), 200);
    assert!(login.text().contains("Team portal"), "{}", login.text());

    for path in ["_dash-layout", "_dash-dependencies"] {
        let answer = client.get(&client.url(path)).await;
        assert_eq!(answer.status(), 401, "{path}: {}", answer.text());
    }
    // Every server callback of the app, as alice's browser knows them.
    let calls = server_callbacks(&alice.dependencies().await);
    assert!(calls.len() >= 6, "{} callbacks", calls.len());
    let hand_made = [
        route("/portal/accounts", "?region=Europe"),
        list(json!("All"), json!("")),
        detail(json!(1)),
        detail(json!(13)),
        on_location("signed-in-as"),
        on_location("my-summary"),
        on_location("admin-totals"),
    ];
    for call in calls.iter().chain(&hand_made) {
        let answer = client.call(call).await;
        assert_eq!(answer.status(), 401, "{}: {}", call.body(), answer.text());
        assert!(names_in(&answer).is_empty(), "{}", answer.text());
    }
}

#[tokio::test]
async fn alice_sees_her_own_accounts_and_the_filters_narrow_them() {
    let (portal, _file) = portal().await;
    let (_, alice, bob) = clients(&portal).await;
    let hers = rows_of("alice");
    assert_eq!(hers.len(), 12);

    let answer = alice.call(&list(json!("All"), json!(""))).await;
    assert_eq!(answer.status(), 200, "{}", answer.text());
    let mut expected: Vec<&str> = hers.iter().map(|r| r.2).collect();
    expected.sort_unstable();
    let mut names = names_in(&answer);
    names.sort_unstable();
    assert_eq!(names, expected);
    assert_eq!(count_of(&answer), "12 accounts");
    // Each row links to the account's page, without a reload.
    let text = answer.text();
    for r in &hers {
        assert!(text.contains(&format!(r#""id":"account-link-{}""#, r.0)));
        assert!(text.contains(&format!(r#""href":"/portal/accounts/{}""#, r.0)));
        assert!(text.contains(&dollars(r.4)), "{}", dollars(r.4));
    }

    // A region.
    let answer = alice.call(&list(json!("Europe"), json!(""))).await;
    let europe: Vec<&str> = hers
        .iter()
        .filter(|r| r.3 == "Europe")
        .map(|r| r.2)
        .collect();
    assert!(europe.len() >= 3);
    assert_eq!(names_in(&answer).len(), europe.len());
    assert!(europe.iter().all(|n| answer.text().contains(n)));
    assert_eq!(count_of(&answer), format!("{} accounts", europe.len()));
    let table = answer.json()["response"]["accounts-table"]["children"].to_string();
    assert!(!table.contains("Americas") && !table.contains("Asia Pacific"));

    // A search, any case, within the region.
    for (region, search) in [("All", "al"), ("Europe", "AL"), ("All", " aspen ")] {
        let answer = alice.call(&list(json!(region), json!(search))).await;
        let needle = search.trim().to_lowercase();
        let wanted: Vec<&str> = hers
            .iter()
            .filter(|r| region == "All" || r.3 == region)
            .filter(|r| r.2.to_lowercase().contains(&needle))
            .map(|r| r.2)
            .collect();
        assert!(!wanted.is_empty() && wanted.len() < hers.len(), "{search}");
        let mut names = names_in(&answer);
        names.sort_unstable();
        let mut wanted_sorted = wanted.clone();
        wanted_sorted.sort_unstable();
        assert_eq!(names, wanted_sorted, "{region} {search}");
    }
    let one = alice.call(&list(json!("All"), json!("aspen"))).await;
    assert_eq!(count_of(&one), "1 account");
    // Wildcards are taken literally.
    for search in ["%", "_", "%%", "a%", "!"] {
        let answer = alice.call(&list(json!("All"), json!(search))).await;
        assert_eq!(count_of(&answer), "0 accounts", "{search}");
    }

    // Her own account's page; not bob's.
    let own = alice.call(&detail(json!(hers[0].0))).await;
    assert_eq!(names_in(&own), [hers[0].2]);
    assert!(own.text().contains(&dollars(hers[0].4)));
    let other = alice.call(&detail(json!(13))).await;
    assert_eq!(other.status(), 200);
    assert_eq!(
        other.json()["response"]["account-detail"]["children"]["props"]["children"],
        NO_SUCH_ACCOUNT
    );
    let missing = alice.call(&detail(json!(9999))).await;
    assert_eq!(
        missing.text(),
        other.text(),
        "absent and others' look alike"
    );

    // Who is signed in, the greeting and the summary.
    let me = alice.call(&on_location("signed-in-as")).await.json();
    assert_eq!(
        me["response"]["signed-in-as"]["children"],
        "Signed in as Alice Andersen"
    );
    let home = alice.call(&route("/portal/", "")).await.json();
    assert_eq!(
        props_of(&home, "welcome").unwrap()["children"],
        "Welcome, Alice Andersen"
    );
    let total: f64 = hers.iter().map(|r| r.4).sum();
    let summary = alice.call(&on_location("my-summary")).await.json();
    assert_eq!(
        summary["response"]["my-summary"]["children"],
        format!(
            "You look after 12 accounts with {} revenue this year.",
            dollars(total)
        )
    );

    // The admin page and its data: alice is an admin, bob is not.
    let totals = alice.call(&on_location("admin-totals")).await;
    assert_eq!(totals.status(), 200, "{}", totals.text());
    let text = totals.text();
    for owner in ["alice", "bob", "carol"] {
        let sum: f64 = rows_of(owner).iter().map(|r| r.4).sum();
        assert!(
            text.contains(owner) && text.contains(&dollars(sum)),
            "{text}"
        );
    }
    let refused = bob.call(&on_location("admin-totals")).await;
    assert_eq!(refused.status(), 403, "{}", refused.text());
    assert!(!refused.text().contains("carol"));
    let page = bob.call(&route("/portal/admin", "")).await.text();
    assert!(page.contains("403 - Not allowed"), "{page}");
    assert!(
        alice
            .call(&route("/portal/admin", ""))
            .await
            .text()
            .contains(r#""id":"admin-totals""#)
    );
    // The navigation shows the admin page to admins only; the header has
    // the logout form.
    let layout = alice.layout().await.to_string();
    assert!(layout.contains(r#""id":"nav-admin""#), "{layout}");
    assert!(layout.contains(r#""action":"/portal/logout""#), "{layout}");
    let layout = bob.layout().await.to_string();
    assert!(layout.contains(r#""id":"nav-accounts""#), "{layout}");
    assert!(!layout.contains("nav-admin"), "{layout}");
}

/// Values a crafted request may carry where an account id belongs.
fn crafted_ids(others: &[Row]) -> Vec<Value> {
    let mut ids: Vec<Value> = Vec::new();
    for r in others {
        ids.extend([
            json!(r.0),
            json!(r.0.to_string()),
            json!(format!("{} OR 1=1", r.0)),
            json!(format!("{}; --", r.0)),
            json!(r.0 as f64 + 0.5),
            json!([r.0]),
            json!({"id": r.0, "owner": "bob"}),
            json!(-r.0),
        ]);
    }
    ids.extend([
        json!(0),
        json!(-1),
        json!(i64::MAX),
        json!(i64::MIN),
        json!(u64::MAX),
        json!(1e30),
        json!(1_000_000),
        json!(29),
        json!(null),
        json!(true),
        json!(""),
        json!("*"),
        json!("13' OR owner='bob' --"),
        json!([]),
        json!({}),
    ]);
    ids
}

/// Values a crafted request may carry where a filter belongs.
fn crafted_filters(theirs: &[Row]) -> Vec<Value> {
    let mut values: Vec<Value> = Vec::new();
    for r in theirs {
        values.push(json!(r.2));
        values.push(json!(r.2.to_lowercase()));
        values.push(json!(r.2.to_uppercase()));
        values.push(json!(&r.2[..3]));
        for word in r.2.split(' ') {
            values.push(json!(word));
        }
        values.push(json!(r.3));
        values.push(json!(dollars(r.4)));
    }
    for evil in [
        "' OR '1'='1",
        "' OR 1=1 --",
        "x' OR owner='bob' --",
        "x') OR owner = 'bob' OR ('1'='1",
        "%' OR owner LIKE '%",
        "%",
        "_",
        "%%",
        "!%",
        "\\",
        "'",
        "\"",
        "bob",
        "owner=bob",
        "' UNION SELECT id, name, region, revenue, status FROM portal_accounts --",
        "' UNION SELECT id, name, region, revenue, status FROM portal_accounts WHERE owner='bob' --",
        "x' UNION ALL SELECT 1, name, region, revenue, status FROM portal_accounts WHERE '1'='1",
        "'; DROP TABLE portal_accounts; --",
        "'; UPDATE portal_accounts SET owner='alice'; --",
        "All' OR 'x'='x",
        "All",
        "",
    ] {
        values.push(json!(evil));
    }
    values.extend([
        json!(null),
        json!(13),
        json!(["Birch Bakery"]),
        json!({"owner": "bob"}),
    ]);
    values
}

/// With users A and B, at least 1,000 crafted callback payloads sent as A
/// with B's ids and values return none of B's rows; the same requests sent
/// as B do return B's rows, so the check would see scoping gone wrong.
#[tokio::test]
async fn crafted_payloads_as_alice_never_return_bobs_rows() {
    let (portal, _file) = portal().await;
    let (_, alice, bob) = clients(&portal).await;
    let bobs = rows_of("bob");
    let carols = rows_of("carol");
    let others: Vec<Row> = bobs.iter().chain(&carols).copied().collect();
    let forbidden: Vec<String> = bobs
        .iter()
        .flat_map(|r| [r.2.to_owned(), dollars(r.4)])
        .chain(carols.iter().map(|r| r.2.to_owned()))
        .collect();

    let mut calls: Vec<CallbackCall> = Vec::new();
    // Others' ids, and ids of every shape, on the account callback.
    for id in crafted_ids(&others) {
        calls.push(detail(id.clone()));
        calls.push(detail(id.clone()).triggered("account-id.data"));
        calls.push(detail(id.clone()).triggered("owner.value"));
        calls.push(detail(id.clone()).state("owner", "value", json!("bob")));
        calls.push(detail(id.clone()).input("owner", "value", json!("bob")));
        calls.push(
            CallbackCall::new()
                .output("account-detail", "children")
                .input("account-id", "data", json!(1))
                .input("account-id", "data", id),
        );
    }
    // Bob's names, fragments, regions and injections on the list callback.
    let filters = crafted_filters(&bobs);
    let regions = [
        json!("All"),
        json!("Europe"),
        json!("Americas"),
        json!("Asia Pacific"),
        json!("bob"),
        json!("' OR '1'='1"),
        json!("All' OR owner='bob' --"),
        json!(null),
    ];
    for region in &regions {
        for search in &filters {
            calls.push(list(region.clone(), search.clone()));
        }
    }
    for value in &filters {
        calls.push(list(value.clone(), json!("")));
        calls.push(
            list(json!("All"), value.clone())
                .triggered("search.value")
                .triggered("owner.value"),
        );
        calls.push(list(json!("All"), value.clone()).state("owner", "value", json!("bob")));
        calls.push(list(json!("All"), value.clone()).input("owner", "value", json!("bob")));
    }
    // The other callbacks and the router, with bob's paths and values.
    for r in &others {
        calls.push(route(&format!("/portal/accounts/{}", r.0), ""));
        calls.push(route(
            "/portal/accounts",
            &format!("?region={}&search={}", r.3, &r.2[..4]),
        ));
        calls.push(route("/portal/", &format!("?owner=bob&id={}", r.0)));
    }
    for output in ["my-summary", "signed-in-as"] {
        calls.push(on_location(output));
        calls.push(on_location(output).state("owner", "value", json!("bob")));
        calls.push(on_location(output).input("owner", "value", json!("bob")));
        calls.push(CallbackCall::new().output(output, "children").input(
            "_pages_location",
            "pathname",
            json!({"owner": "bob"}),
        ));
    }
    assert!(calls.len() >= 1000, "only {} payloads", calls.len());

    // How many answers of each status and error kind.
    let mut statuses = std::collections::BTreeMap::<(u16, String), usize>::new();
    for call in &calls {
        let answer = alice.call(call).await;
        let status = answer.status().as_u16();
        let kind = serde_json::from_str::<Value>(&answer.text())
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_owned))
            .unwrap_or_default();
        *statuses.entry((status, kind)).or_default() += 1;
        assert!(status < 500, "{}: {status} {}", call.body(), answer.text());
        let text = answer.text();
        for bad in &forbidden {
            assert!(
                !text.contains(bad.as_str()),
                "{bad} in the answer to {}: {text}",
                call.body()
            );
        }
    }
    println!("{} crafted payloads, statuses {statuses:?}", calls.len());
    let ok: usize = statuses
        .iter()
        .filter(|((status, _), _)| *status == 200)
        .map(|(_, n)| n)
        .sum();
    assert!(ok > 900, "{statuses:?}");

    // The control: the same requests from bob do return bob's rows.
    for r in &bobs {
        let answer = bob.call(&detail(json!(r.0))).await;
        assert_eq!(names_in(&answer), [r.2], "{}", answer.text());
        assert!(answer.text().contains(&dollars(r.4)));
        let answer = bob.call(&list(json!("All"), json!(r.2))).await;
        assert_eq!(names_in(&answer), [r.2], "{}", answer.text());
        let answer = bob.call(&list(json!(r.3), json!(&r.2[..3]))).await;
        assert!(names_in(&answer).contains(&r.2), "{}", answer.text());
    }
    let answer = bob.call(&list(json!("All"), json!(""))).await;
    assert_eq!(names_in(&answer).len(), bobs.len());
    // And alice's own requests return her rows, so her answers above were
    // real answers, not errors.
    let answer = alice.call(&list(json!("All"), json!(""))).await;
    assert_eq!(names_in(&answer).len(), rows_of("alice").len());
    for r in rows_of("alice") {
        assert_eq!(names_in(&alice.call(&detail(json!(r.0))).await), [r.2]);
    }
    // The injections changed nothing.
    let n: i64 = portal.bind().query("row_count").fetch_one().await.unwrap();
    assert_eq!(n, i64::try_from(MADE_UP.len()).unwrap());
}

#[tokio::test]
async fn a_deep_link_with_filters_draws_the_page_with_them() {
    let (portal, _file) = portal().await;
    let (_, alice, _) = clients(&portal).await;
    let answer = alice
        .call(&route("/portal/accounts", "?region=Europe&search=al"))
        .await;
    assert_eq!(answer.status(), 200, "{}", answer.text());
    let body = answer.json();
    let layout = &body["response"]["_pages_content"]["children"];
    let region = props_of(layout, "region").expect("the region filter");
    assert_eq!(region["value"], "Europe", "{layout}");
    assert_eq!(
        region["options"],
        json!(["All", "Americas", "Asia Pacific", "Europe"])
    );
    assert_eq!(
        props_of(layout, "search").unwrap()["value"],
        "al",
        "{layout}"
    );
    assert!(props_of(layout, "accounts-table").is_some(), "{layout}");
    // Without filters in the address, the defaults.
    let plain = alice.call(&route("/portal/accounts", "")).await.json();
    let layout = &plain["response"]["_pages_content"]["children"];
    assert_eq!(props_of(layout, "region").unwrap()["value"], "All");
    assert!(props_of(layout, "search").unwrap().get("value").is_none());
    assert_eq!(
        body["response"]["_pages_store"]["data"]["title"],
        "Accounts — Team portal"
    );
    // The page writes its filters into the address as they change.
    let dependencies = alice.dependencies().await.to_string();
    assert!(
        dependencies.contains("_pages_dummy.title@"),
        "{dependencies}"
    );
    // An account's page carries its id for the detail callback.
    let page = alice.call(&route("/portal/accounts/3", "?tab=x")).await;
    let layout = &page.json()["response"]["_pages_content"]["children"];
    assert_eq!(
        props_of(layout, "account-id").unwrap()["data"],
        3,
        "{layout}"
    );
    let page = alice.call(&route("/portal/accounts/abc", "")).await.text();
    assert!(page.contains("No such page."), "{page}");
}

#[tokio::test]
async fn opening_again_keeps_the_data_and_the_users() {
    let (portal, file) = portal().await;
    let url = file.url();
    let again = Portal::open(&url).await.unwrap();
    let n: i64 = again.bind().query("row_count").fetch_one().await.unwrap();
    assert_eq!(n, i64::try_from(MADE_UP.len()).unwrap(), "seeded once");
    assert_eq!(again.users().names().await.unwrap(), ["alice", "bob"]);
    // A changed password survives: the demo users are not created again.
    portal
        .users()
        .set_password("bob", "a brand new password")
        .await
        .unwrap();
    let third = Portal::open(&url).await.unwrap();
    assert!(
        third
            .users()
            .verify("bob", DEMO_PASSWORD_BOB)
            .await
            .unwrap()
            .is_none()
    );
    let bob = third
        .users()
        .verify("bob", "a brand new password")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (bob.name.as_str(), bob.groups.as_slice()),
        ("Bob Brown", &["sales".to_owned()][..])
    );
    let client = TestClient::new(&super::app("/", &third).unwrap());
    let refused = client.log_in("bob", DEMO_PASSWORD_BOB).await.unwrap_err();
    assert!(refused.text().contains("Wrong user name or password."));
}

/// A database of its own on a test server (`admin_url` names a database
/// that exists): its URL, for a portal to fill.
async fn server_database(admin_url: &str) -> (ferrodash::data::Bind, String, String) {
    use ferrodash::data::{Bind, BindConfig};
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("ferrodash_portal_{}_{n}", std::process::id());
    let admin = Bind::connect("admin", admin_url, BindConfig::default())
        .await
        .unwrap_or_else(|e| {
            panic!("the test server at {admin_url} answers (scripts/test starts it): {e}")
        });
    admin
        .execute_script("drop", &format!("DROP DATABASE IF EXISTS {name}"))
        .await
        .unwrap();
    admin
        .execute_script("create", &format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let (base, _) = admin_url.rsplit_once('/').unwrap();
    let url = format!("{base}/{name}");
    (admin, name, url)
}

/// The portal's queries on another backend: scoping, filters, the literal
/// wildcards, the summary and the admin totals.
async fn works_on(admin_url: &str) {
    let (admin, name, url) = server_database(admin_url).await;
    let portal = Portal::open(&url).await.expect("the portal opens");
    let (_, alice, bob) = clients(&portal).await;
    let hers = rows_of("alice");
    let answer = alice.call(&list(json!("All"), json!(""))).await;
    assert_eq!(answer.status(), 200, "{}", answer.text());
    assert_eq!(names_in(&answer).len(), hers.len(), "{}", answer.text());
    let answer = alice.call(&list(json!("Europe"), json!("AL"))).await;
    let wanted = hers
        .iter()
        .filter(|r| r.3 == "Europe" && r.2.to_lowercase().contains("al"))
        .count();
    assert_eq!(names_in(&answer).len(), wanted, "{}", answer.text());
    let answer = alice.call(&list(json!("All"), json!("%"))).await;
    assert_eq!(count_of(&answer), "0 accounts");
    let answer = alice.call(&list(json!("All"), json!("' OR '1'='1"))).await;
    assert_eq!(count_of(&answer), "0 accounts");
    assert_eq!(names_in(&alice.call(&detail(json!(1))).await), [hers[0].2]);
    assert!(names_in(&alice.call(&detail(json!(13))).await).is_empty());
    assert_eq!(
        names_in(&bob.call(&detail(json!(13))).await),
        [rows()[12].2]
    );
    let total: f64 = hers.iter().map(|r| r.4).sum();
    let summary = alice.call(&on_location("my-summary")).await.text();
    assert!(summary.contains(&dollars(total)), "{summary}");
    let totals = alice.call(&on_location("admin-totals")).await.text();
    assert!(totals.contains("carol"), "{totals}");
    portal.bind().close().await;
    admin
        .execute_script("drop", &format!("DROP DATABASE {name}"))
        .await
        .unwrap();
}

#[tokio::test]
async fn the_portal_works_on_postgresql() {
    works_on("postgres://postgres@127.0.0.1:5432/test").await;
}

#[tokio::test]
async fn the_portal_works_on_mariadb() {
    works_on("mysql://root@127.0.0.1:3306/test").await;
}
