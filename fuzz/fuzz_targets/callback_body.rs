//! Bytes posted to `/_dash-update-component` of a real app, as the body of
//! a callback request (with the page's `endId`, the CSRF token and a JSON
//! content type, so that they reach the decoder). The server must never
//! panic, never answer 5xx, and answer every request with a well-formed
//! 200, 204 or JSON 4xx ([`ferrodash_fuzz::Answer::check`]).
#![no_main]

use ferrodash_fuzz::harness;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let harness = harness();
    let query = format!("endId={}", harness.end_id());
    let answer = harness
        .post(&query, body.to_vec())
        .expect("the query is a valid URI");
    answer.check(&String::from_utf8_lossy(body));
});
