//! Scratch: in-process stage timings (temporary).
#![allow(missing_docs, clippy::all)]
use std::hint::black_box;
use std::time::Instant;

use axum::body::Body;
use ferrodash::core::ComponentId;
use ferrodash::core::wire::{UpdateRequest, UpdateResponse};
use ferrodash::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};
use tower::ServiceExt;

const BODY: &[u8] = br#"{"output":"out.children","outputs":{"id":"out","property":"children"},"inputs":[{"id":"text","property":"value","value":"hello"}],"changedPropIds":["text.value"]}"#;

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawProp {
    id: ComponentId,
    property: String,
}
#[derive(Deserialize)]
#[allow(dead_code)]
struct RawDep {
    id: ComponentId,
    property: String,
    #[serde(default)]
    value: Option<Value>,
}
#[allow(dead_code)]
enum Res<T> {
    One(T),
    Many(Vec<T>),
}
impl<'de, T: Deserialize<'de>> Deserialize<'de> for Res<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> serde::de::Visitor<'de> for V<T> {
            type Value = Res<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object or a list")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Res<T>, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Res::One)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Res<T>, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = seq.next_element()? {
                    v.push(x);
                }
                Ok(Res::Many(v))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct RawReq {
    output: String,
    outputs: Option<Res<Res<RawProp>>>,
    inputs: Vec<Res<RawDep>>,
    #[serde(default)]
    state: Vec<Res<RawDep>>,
    #[serde(default, rename = "changedPropIds")]
    changed: Vec<String>,
}

#[derive(serde::Serialize)]
struct Resp<'a> {
    multi: bool,
    response: &'a serde_json::Map<String, Value>,
}

fn time<F: FnMut()>(name: &str, n: u32, mut f: F) {
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        best = best.min(t.elapsed().as_secs_f64() * 1e9 / f64::from(n));
    }
    println!("{best:9.0} ns/op  {name}");
}

async fn echo(Input(t): Input<Option<String>>) -> String {
    t.unwrap_or_default()
}

async fn bare(body: axum::body::Bytes) -> axum::response::Response {
    use axum::response::IntoResponse;
    let mut request: Value = serde_json::from_slice(&body).unwrap();
    let value = request
        .get_mut("inputs")
        .and_then(|i| i.get_mut(0))
        .and_then(|i| i.get_mut("value"))
        .map_or(Value::Null, Value::take);
    let answer = json!({"multi": true, "response": {"out": {"children": value}}});
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        serde_json::to_vec(&answer).unwrap(),
    )
        .into_response()
}

fn serve_mode(mode: &str, port: u16) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        let app = App::builder()
            .layout(html::div((dcc::input("text"), html::div(()).id("out"))))
            .callback(
                Callback::new(echo)
                    .output("out", "children")
                    .input("text", "value"),
            )
            .build()
            .unwrap();
        let br = axum::Router::new().route("/_dash-update-component", axum::routing::post(bare));
        match mode {
            "fd-plain" => axum::serve(listener, app.router()).await.unwrap(),
            "bare-graceful" => axum::serve(listener, br)
                .with_graceful_shutdown(std::future::pending())
                .await
                .unwrap(),
            "bare-plain" => axum::serve(listener, br).await.unwrap(),
            _ => panic!(),
        }
    });
}

fn main() {
    let only = std::env::args().nth(1);
    if let Some(port) = std::env::args().nth(2) {
        serve_mode(only.as_deref().unwrap(), port.parse().unwrap());
        return;
    }
    let n = if only.is_some() { 1 } else { 200_000 };
    time("serde_json::from_slice::<Value>", n, || {
        black_box(serde_json::from_slice::<Value>(black_box(BODY)).unwrap());
    });
    time("UpdateRequest::from_slice (Value + from_value)", n, || {
        black_box(UpdateRequest::from_slice(black_box(BODY)).unwrap());
    });
    time(
        "typed serde decode prototype (no Value tree for the envelope)",
        n,
        || {
            black_box(serde_json::from_slice::<RawReq>(black_box(BODY)).unwrap());
        },
    );
    let id: ComponentId = "out".into();
    time("UpdateResponse::new + set_output + to_bytes", n, || {
        let mut r = UpdateResponse::new();
        r.set_output(&id, "children", Value::String("hello".into()));
        black_box(r.to_bytes());
    });
    time(
        "  same, serialized by a borrowing Serialize struct (no to_json clone)",
        n,
        || {
            let mut m = serde_json::Map::new();
            let mut inner = serde_json::Map::new();
            inner.insert("children".into(), Value::String("hello".into()));
            m.insert(id.stringify(), Value::Object(inner));
            black_box(
                serde_json::to_vec(&Resp {
                    multi: true,
                    response: &m,
                })
                .unwrap(),
            );
        },
    );
    time("bare: json! + to_vec", n, || {
        black_box(serde_json::to_vec(&json!({"multi": true, "response": {"out": {"children": Value::String("hello".into())}}})).unwrap());
    });
    time(
        "is_json-style: from_utf8_lossy.into_owned + to_ascii_lowercase",
        n,
        || {
            let v = String::from_utf8_lossy(black_box(b"application/json")).into_owned();
            black_box(
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase(),
            );
        },
    );

    let app = App::builder()
        .layout(html::div((dcc::input("text"), html::div(()).id("out"))))
        .callback(
            Callback::new(echo)
                .output("out", "children")
                .input("text", "value"),
        )
        .build()
        .unwrap();
    let fd = app.router();
    let br = axum::Router::new().route("/_dash-update-component", axum::routing::post(bare));
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let req = || {
        axum::http::Request::post("/_dash-update-component")
            .header("content-type", "application/json")
            .body(Body::from(BODY))
            .unwrap()
    };
    for (name, router) in [
        ("router oneshot: ferrodash", fd),
        ("router oneshot: bare axum", br),
    ] {
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        let n = if only.is_some() {
            20_000u32
        } else {
            100_000u32
        };
        let mut best = f64::MAX;
        for _ in 0..(if only.is_some() { 1 } else { 5 }) {
            let t = Instant::now();
            rt.block_on(async {
                for _ in 0..n {
                    let resp = router.clone().oneshot(req()).await.unwrap();
                    black_box(
                        axum::body::to_bytes(resp.into_body(), usize::MAX)
                            .await
                            .unwrap(),
                    );
                }
            });
            best = best.min(t.elapsed().as_secs_f64() * 1e9 / f64::from(n));
        }
        println!("{best:9.0} ns/op  {name} (request build + route + handler + body collect)");
    }
}
