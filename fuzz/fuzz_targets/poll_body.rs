//! The polls of a background callback (dash-protocol §8.3): a query string
//! (`endId`, `cacheKey`, `job`, `cancelJob`, `oldJob`) and a body, posted
//! to `/_dash-update-component` of the same app as `callback_body`.
//!
//! The input is the query, a newline, then the body. In the query,
//! `{END}` becomes the page's real `endId`, and `{JOB}` and `{KEY}` the
//! real handles of a job started just before for this input (its value is
//! the body's `inputs[0].value`, so the job finishes, is prevented or is
//! refused as that value says); with `{DONE}` anywhere in the query (it is
//! removed), the job is left to run before the poll (a job that reported
//! progress answers with it first, and with its result on the next poll;
//! value 0 reports none). Without real handles the fuzzer would only ever
//! meet the signature check.
//!
//! Invariant: as for `callback_body`, never a panic, never a 5xx, and
//! every answer well formed.
#![no_main]

use ferrodash_fuzz::harness;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

fuzz_target!(|data: &[u8]| {
    let harness = harness();
    let (query, body) = match data.iter().position(|&b| b == b'\n') {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, &[][..]),
    };
    let Ok(query) = std::str::from_utf8(query) else {
        return;
    };
    let end = harness.end_id().to_owned();
    let (mut job, mut key) = (String::new(), String::new());
    if query.contains("{JOB}") || query.contains("{KEY}") {
        let value = serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|b| b.pointer("/inputs/0/value").cloned())
            .unwrap_or(Value::Null);
        let start = json!({
            "output": "bg.children",
            "outputs": {"id": "bg", "property": "children"},
            "inputs": [{"id": "n", "property": "value", "value": value}],
            "changedPropIds": ["n.value"],
        });
        let answer = harness
            .post(&format!("endId={end}"), start.to_string().into_bytes())
            .expect("a valid URI");
        answer.check(&start);
        if let Ok(handles) = serde_json::from_slice::<Value>(&answer.body) {
            job = handles["job"].as_str().unwrap_or_default().to_owned();
            key = handles["cacheKey"].as_str().unwrap_or_default().to_owned();
        }
        if query.contains("{DONE}") {
            harness.settle();
        }
    }
    let query = query
        .replace("{DONE}", "")
        .replace("{END}", &end)
        .replace("{JOB}", &job)
        .replace("{KEY}", &key);
    if let Some(answer) = harness.post(&query, body.to_vec()) {
        answer.check(&(&query, String::from_utf8_lossy(body)));
    }
});
