//! The MCP server at `_mcp`, in process: bearer tokens, sessions, the
//! transport's refusals, tools from callbacks (per user, with their
//! argument schemas), calls, tasks, resources and the rate limit.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use ferrodash_auth::{BearerTokens, BoxFuture, CredentialsError, Principal, RateLimiter};
use ferrodash_components::{dcc, html};
use ferrodash_core::CallbackError;
use ferrodash_server::{App, AppBuilder, Callback, Input, Mcp, Progress, State};
use ferrodash_testing::client::{TestClient, TestResponse};
use serde::Deserialize;
use serde_json::{Value, json};

/// Two users, one token each.
struct Tokens;

impl BearerTokens for Tokens {
    fn verify<'a>(
        &'a self,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Option<Principal>, CredentialsError>> {
        Box::pin(async move {
            Ok(match token {
                "alice-token" => Some(Principal::new("alice", "Alice").with_groups(["admin"])),
                "bob-token" => Some(Principal::new("bob", "Bob")),
                _ => None,
            })
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum Unit {
    Hours,
    Minutes,
}

async fn usage(
    Input(days): Input<u32>,
    State(unit): State<Option<Unit>>,
    user: Principal,
) -> Result<String, CallbackError> {
    let minutes = u64::from(days) * 90;
    Ok(match unit {
        Some(Unit::Minutes) => format!("{}: {minutes} minutes in {days} days", user.id),
        _ => format!("{}: {} hours in {days} days", user.id, minutes / 60),
    })
}

async fn secret(Input(_n): Input<Option<u64>>) -> String {
    "for admins".to_owned()
}

async fn slow(Input(steps): Input<u64>, progress: Progress) -> String {
    for step in 1..=steps {
        tokio::time::sleep(Duration::from_millis(20)).await;
        progress.set(step);
    }
    format!("{steps} steps")
}

fn builder() -> AppBuilder {
    App::builder()
        .title("Agents")
        .assets_folder("/nonexistent-ferrodash-assets")
        .layout(html::div((
            dcc::input("days").value(7),
            dcc::dropdown("unit").value("hours"),
            html::div(()).id("usage"),
            html::button("go").id("go"),
            html::div(()).id("secret"),
            dcc::input("steps").value(3),
            html::div(()).id("slow-out"),
        )))
        .callback(
            Callback::new(usage)
                .output("usage", "children")
                .input("days", "value")
                .state("unit", "value")
                .description("The user's usage over the last days."),
        )
        .callback(
            Callback::new(secret)
                .output("secret", "children")
                .input("go", "n_clicks")
                .require_group("admin"),
        )
        .callback(
            Callback::new(slow)
                .output("slow-out", "children")
                .input("steps", "value")
                .background()
                .interval(Duration::from_millis(30)),
        )
        .login(ferrodash_server::Login::basic(NoPasswords))
        .mcp(Mcp::with_tokens(Tokens).rate_limit(RateLimiter::new(1000, Duration::from_secs(60))))
}

/// A login nobody passes: the app is only reached through MCP here.
struct NoPasswords;

impl ferrodash_auth::Credentials for NoPasswords {
    fn verify<'a>(
        &'a self,
        _name: &'a str,
        _password: &'a str,
    ) -> BoxFuture<'a, Result<Option<Principal>, CredentialsError>> {
        Box::pin(async { Ok(None) })
    }
}

/// An MCP client of one user, speaking through the app's router.
struct Agent {
    client: TestClient,
    token: Option<&'static str>,
    session: Option<String>,
    next_id: std::sync::atomic::AtomicU64,
}

impl Agent {
    fn new(app: &App, token: Option<&'static str>) -> Self {
        Self {
            client: TestClient::new(app),
            token,
            session: None,
            next_id: std::sync::atomic::AtomicU64::new(1),
        }
    }

    async fn post_raw(&self, body: &str, extra: &[(&str, &str)]) -> TestResponse {
        let mut request = http::Request::builder()
            .method("POST")
            .uri("/_mcp")
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream");
        if let Some(token) = self.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if let Some(session) = &self.session {
            request = request.header("mcp-session-id", session);
        }
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        self.client
            .send(request.body(Body::from(body.to_owned())).unwrap())
            .await
    }

    async fn rpc(&self, method: &str, params: Value) -> Value {
        let id = self
            .next_id
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let answer = self.post_raw(&body.to_string(), &[]).await;
        assert_eq!(answer.status(), 200, "{method}: {}", answer.text());
        let answer = answer.json();
        assert_eq!(answer["id"], id);
        answer
    }

    async fn initialize(app: &App, token: &'static str) -> Self {
        let mut agent = Self::new(app, Some(token));
        let body = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {},
            "clientInfo": {"name": "test", "version": "1"}}});
        let answer = agent.post_raw(&body.to_string(), &[]).await;
        assert_eq!(answer.status(), 200, "{}", answer.text());
        agent.session = Some(
            answer
                .header("mcp-session-id")
                .expect("a session id")
                .to_owned(),
        );
        let notified = agent
            .post_raw(
                r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
                &[],
            )
            .await;
        assert_eq!(notified.status(), 202);
        agent
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn agents_need_a_users_token_and_a_session() {
    let app = builder().build().unwrap();
    let init = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25"}}"#;
    let anonymous = Agent::new(&app, None).post_raw(init, &[]).await;
    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        anonymous.header("www-authenticate"),
        Some("Bearer realm=\"ferrodash\"")
    );
    let wrong = Agent::new(&app, Some("guess")).post_raw(init, &[]).await;
    assert_eq!(wrong.status(), 401);
    assert!(
        wrong
            .header("www-authenticate")
            .unwrap()
            .contains("invalid_token")
    );

    let bob = Agent::new(&app, Some("bob-token"));
    let answer = bob.post_raw(init, &[]).await;
    assert_eq!(answer.status(), 200);
    let result = &answer.json()["result"];
    assert_eq!(result["protocolVersion"], "2025-11-25");
    assert_eq!(result["serverInfo"]["title"], "Agents");
    assert_eq!(
        result["capabilities"]["tasks"],
        json!({"cancel": {}, "requests": {"tools": {"call": {}}}})
    );
    let bob_session = answer.header("mcp-session-id").unwrap().to_owned();
    // No session, a forged one, another user's: refused.
    let list = r#"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#;
    assert_eq!(bob.post_raw(list, &[]).await.status(), 400);
    assert_eq!(
        bob.post_raw(list, &[("mcp-session-id", "forged")])
            .await
            .status(),
        404
    );
    let alice = Agent::new(&app, Some("alice-token"));
    assert_eq!(
        alice
            .post_raw(list, &[("mcp-session-id", &bob_session)])
            .await
            .status(),
        404
    );
    assert_eq!(
        bob.post_raw(list, &[("mcp-session-id", &bob_session)])
            .await
            .status(),
        200
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_requests_are_refused_with_a_reason() {
    let app = builder().build().unwrap();
    let bob = Agent::initialize(&app, "bob-token").await;
    for (body, extra, status, problem) in [
        ("{", vec![], 400, "not valid JSON"),
        (
            r#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#,
            vec![],
            400,
            "batches",
        ),
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
            vec![("mcp-protocol-version", "1999-01-01")],
            400,
            "not spoken here",
        ),
        (
            r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#,
            vec![("origin", "http://evil.example")],
            403,
            "origin",
        ),
    ] {
        let answer = bob.post_raw(body, &extra).await;
        assert_eq!(answer.status(), status, "{body}");
        assert!(answer.text().contains(problem), "{}", answer.text());
    }
    let mut form = http::Request::builder()
        .method("POST")
        .uri("/_mcp")
        .header("content-type", "text/plain")
        .header("authorization", "Bearer bob-token")
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(bob.client.send(form).await.status(), 415);
    form = http::Request::builder()
        .method("GET")
        .uri("/_mcp")
        .header("authorization", "Bearer bob-token")
        .body(Body::empty())
        .unwrap();
    let get = bob.client.send(form).await;
    assert_eq!(
        (get.status().as_u16(), get.header("allow")),
        (405, Some("POST"))
    );
    let unknown = bob.rpc("prompts/list", json!({})).await;
    assert_eq!(unknown["error"]["code"], -32601);
    assert_eq!(bob.rpc("ping", json!({})).await["result"], json!({}));
}

#[tokio::test(flavor = "multi_thread")]
async fn tools_are_the_callbacks_a_user_may_call_with_typed_arguments() {
    let app = builder().build().unwrap();
    let bob = Agent::initialize(&app, "bob-token").await;
    let tools = bob.rpc("tools/list", json!({})).await["result"]["tools"].clone();
    let names: Vec<&str> = tools
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["slow", "usage"], "bob is not an admin");
    let usage = tools
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "usage")
        .unwrap();
    assert!(
        usage["description"]
            .as_str()
            .unwrap()
            .starts_with("The user's usage")
    );
    let schema = &usage["inputSchema"];
    assert_eq!(schema["required"], json!(["days_value"]));
    assert_eq!(schema["properties"]["days_value"]["type"], "integer");
    assert_eq!(schema["properties"]["days_value"]["minimum"], 0);
    assert_eq!(
        schema["properties"]["unit_value"]["enum"],
        json!(["hours", "minutes", null])
    );
    let slow = tools
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "slow")
        .unwrap();
    assert_eq!(slow["execution"], json!({"taskSupport": "optional"}));
    let alice = Agent::initialize(&app, "alice-token").await;
    let alice_tools = alice.rpc("tools/list", json!({})).await["result"]["tools"].clone();
    assert_eq!(alice_tools.as_array().unwrap().len(), 3);

    // A call runs as the token's user.
    let result = bob
        .rpc(
            "tools/call",
            json!({"name": "usage", "arguments": {"days_value": 4, "unit_value": "minutes"}}),
        )
        .await["result"]
        .clone();
    assert_eq!(result["isError"], false);
    assert_eq!(
        result["structuredContent"]["response"]["usage"]["children"],
        "bob: 360 minutes in 4 days"
    );
    assert!(
        result["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("360 minutes")
    );
    // Mistakes are tool errors the agent can read.
    for (arguments, problem) in [
        (json!({"days_value": "many"}), "expected u32"),
        (
            json!({"days_value": 4, "weeks": 1}),
            "unknown argument `weeks`",
        ),
        (json!({}), "expected u32"),
    ] {
        let result = bob
            .rpc(
                "tools/call",
                json!({"name": "usage", "arguments": arguments}),
            )
            .await["result"]
            .clone();
        assert_eq!(result["isError"], true, "{result}");
        assert!(
            result["content"][0]["text"]
                .as_str()
                .unwrap()
                .contains(problem),
            "{result}"
        );
    }
    // Bob cannot call the admins' tool, nor name an unknown one.
    for name in ["secret", "nope"] {
        let answer = bob.rpc("tools/call", json!({"name": name})).await;
        assert_eq!(answer["error"]["code"], -32602, "{answer}");
    }
    let secret = alice
        .rpc("tools/call", json!({"name": "secret", "arguments": {}}))
        .await;
    assert_eq!(
        secret["result"]["structuredContent"]["response"]["secret"]["children"],
        "for admins"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn background_callbacks_run_as_tasks_or_are_waited_for() {
    let app = builder().build().unwrap();
    let bob = Agent::initialize(&app, "bob-token").await;
    // Without a task: the call waits for the job.
    let waited = bob
        .rpc(
            "tools/call",
            json!({"name": "slow", "arguments": {"steps_value": 2}}),
        )
        .await;
    assert_eq!(
        waited["result"]["structuredContent"]["response"]["slow-out"]["children"],
        "2 steps"
    );
    // As a task: polled, then its result.
    let created = bob
        .rpc(
            "tools/call",
            json!({"name": "slow", "arguments": {"steps_value": 5}, "task": {"ttl": 60000}}),
        )
        .await;
    let task = created["result"]["task"].clone();
    assert_eq!(task["status"], "working", "{created}");
    assert_eq!(task["pollInterval"], 30);
    let id = task["taskId"].as_str().unwrap().to_owned();
    let mut statuses = Vec::new();
    for _ in 0..200 {
        let got = bob.rpc("tasks/get", json!({"taskId": id})).await["result"].clone();
        statuses.push(got["status"].as_str().unwrap().to_owned());
        if got["status"] != "working" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    assert_eq!(
        statuses.last().map(String::as_str),
        Some("completed"),
        "{statuses:?}"
    );
    let result = bob.rpc("tasks/result", json!({"taskId": id})).await["result"].clone();
    assert_eq!(
        result["structuredContent"]["response"]["slow-out"]["children"],
        "5 steps"
    );
    assert_eq!(
        result["_meta"]["io.modelcontextprotocol/related-task"]["taskId"],
        id
    );
    // Another user cannot see it; an ended task cannot be cancelled.
    let alice = Agent::initialize(&app, "alice-token").await;
    assert_eq!(
        alice.rpc("tasks/get", json!({"taskId": id})).await["error"]["code"],
        -32602
    );
    assert_eq!(
        bob.rpc("tasks/cancel", json!({"taskId": id})).await["error"]["code"],
        -32602
    );
    // A long task cancelled: its result says so.
    let long = bob
        .rpc(
            "tools/call",
            json!({"name": "slow", "arguments": {"steps_value": 500}, "task": {}}),
        )
        .await;
    let long_id = long["result"]["task"]["taskId"]
        .as_str()
        .unwrap()
        .to_owned();
    let cancelled = bob.rpc("tasks/cancel", json!({"taskId": long_id})).await;
    assert_eq!(cancelled["result"]["status"], "cancelled");
    let result = bob.rpc("tasks/result", json!({"taskId": long_id})).await["result"].clone();
    assert_eq!(result["isError"], true);
    // A tool that is not a background callback is no task.
    let refused = bob
        .rpc(
            "tools/call",
            json!({"name": "usage", "arguments": {"days_value": 1}, "task": {}}),
        )
        .await;
    assert_eq!(refused["error"]["code"], -32601);
}

#[tokio::test(flavor = "multi_thread")]
async fn resources_hold_the_layout_and_its_components() {
    let app = builder().build().unwrap();
    let bob = Agent::initialize(&app, "bob-token").await;
    let listed = bob.rpc("resources/list", json!({})).await["result"]["resources"].clone();
    let uris: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris, ["dash://layout", "dash://components"]);
    let read = bob
        .rpc("resources/read", json!({"uri": "dash://components"}))
        .await;
    let text = read["result"]["contents"][0]["text"].as_str().unwrap();
    let components: Value = serde_json::from_str(text).unwrap();
    assert!(
        components
            .as_array()
            .unwrap()
            .contains(&json!({"id": "days", "type": "dash_core_components.Input"}))
    );
    let missing = bob
        .rpc("resources/read", json!({"uri": "dash://nope"}))
        .await;
    assert_eq!(missing["error"]["code"], -32002);
}

#[tokio::test(flavor = "multi_thread")]
async fn each_user_is_rate_limited() {
    let app = builder()
        .mcp(
            Mcp::with_tokens(Tokens)
                .rate_limit(Arc::new(RateLimiter::new(3, Duration::from_secs(60)))),
        )
        .build()
        .unwrap();
    let bob = Agent::initialize(&app, "bob-token").await;
    // initialize and the notification were two of bob's three.
    assert_eq!(bob.rpc("ping", json!({})).await["result"], json!({}));
    let limited = bob
        .post_raw(r#"{"jsonrpc":"2.0","id":9,"method":"ping"}"#, &[])
        .await;
    assert_eq!(limited.status(), 429);
    assert!(limited.header("retry-after").is_some());
    assert_eq!(limited.json()["error"]["code"], -32000);
    // Alice has her own count.
    let alice = Agent::initialize(&app, "alice-token").await;
    assert_eq!(alice.rpc("ping", json!({})).await["result"], json!({}));
}

/// The reference client (Python's `mcp`) runs a background callback as a
/// task: it polls the task to its end, then fetches the result.
#[tokio::test(flavor = "multi_thread")]
async fn the_reference_client_runs_a_background_callback_as_a_task() {
    let app = builder().build().unwrap();
    let server = ferrodash_testing::server::spawn_router(app.router())
        .await
        .unwrap();
    let client = ferrodash_testing::mcp_client::McpClient::install().expect("the client installs");
    let plan = json!([
        {"do": "task", "tool": "slow", "arguments": {"steps_value": 4}},
        {"do": "call", "tool": "usage", "arguments": {"days_value": 2}},
        {"do": "list_resources"},
    ]);
    let answer = client
        .run(&server.url("/_mcp"), Some("bob-token"), &plan)
        .await
        .unwrap();
    let task = &answer["steps"][0];
    let statuses = task["statuses"]
        .as_array()
        .unwrap_or_else(|| panic!("{answer}"));
    assert_eq!(statuses.last(), Some(&json!("completed")), "{task}");
    assert_eq!(
        task["result"]["structuredContent"]["response"]["slow-out"]["children"],
        "4 steps"
    );
    assert_eq!(
        answer["steps"][1]["structuredContent"]["response"]["usage"]["children"],
        "bob: 3 hours in 2 days"
    );
    assert_eq!(answer["steps"][2]["resources"][0]["uri"], "dash://layout");
}
