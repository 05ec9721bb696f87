//! The app as MCP resources: its layout and components, its pages, and a
//! page's layout, each drawn for the agent's user as the browser would
//! have them.

use serde_json::{Map, Value, json};

use super::calls::Context;
use super::jsonrpc::{self, RpcError};
use crate::app::LayoutSource;

const LAYOUT: &str = "dash://layout";
const COMPONENTS: &str = "dash://components";
const PAGES: &str = "dash://pages";
const PAGE_LAYOUT: &str = "dash://page-layout/";

fn has_pages(context: &Context<'_>) -> bool {
    context.app.inner.page_routes.is_some()
}

/// `resources/list`.
pub(super) fn list(context: &Context<'_>) -> Value {
    let mut resources = vec![
        json!({"uri": LAYOUT, "name": "layout", "title": "The app's layout",
               "description": "The component tree the page draws, as Dash's layout JSON.",
               "mimeType": "application/json"}),
        json!({"uri": COMPONENTS, "name": "components", "title": "The app's components",
               "description": "Every component with an id: its id and type.",
               "mimeType": "application/json"}),
    ];
    if has_pages(context) {
        resources.push(
            json!({"uri": PAGES, "name": "pages", "title": "The app's pages",
            "description": "The pages the user may open: path, name, title, description.",
            "mimeType": "application/json"}),
        );
    }
    json!({"resources": resources})
}

/// `resources/templates/list`.
pub(super) fn templates(context: &Context<'_>) -> Value {
    let mut templates = Vec::new();
    if has_pages(context) {
        templates.push(json!({
            "uriTemplate": format!("{PAGE_LAYOUT}{{path}}"),
            "name": "page-layout",
            "title": "A page's layout",
            "description": "The layout of the page at /{path} (with ?query values), drawn for the user.",
            "mimeType": "application/json",
        }));
    }
    json!({"resourceTemplates": templates})
}

async fn layout(context: &Context<'_>) -> Result<Value, RpcError> {
    let internal = |e: String| RpcError::new(jsonrpc::INTERNAL_ERROR, e);
    match &context.app.inner.layout {
        LayoutSource::Static(bytes) => {
            serde_json::from_slice(bytes).map_err(|e| internal(e.to_string()))
        }
        LayoutSource::Dynamic(draw) => {
            let (draw, user) = (draw.clone(), context.user.cloned());
            tokio::task::spawn_blocking(move || draw(user.as_ref()).to_json())
                .await
                .map_err(|e| internal(format!("the layout could not be drawn: {e}")))
        }
    }
}

/// Every component with an id in a layout, depth first.
fn components(node: &Value, out: &mut Vec<Value>) {
    match node {
        Value::Array(items) => items.iter().for_each(|n| components(n, out)),
        Value::Object(map) => {
            if let (Some(Value::String(kind)), Some(Value::String(namespace))) =
                (map.get("type"), map.get("namespace"))
            {
                if let Some(id) = map.get("props").and_then(|p| p.get("id")) {
                    out.push(json!({"id": id, "type": format!("{namespace}.{kind}")}));
                }
                if let Some(Value::Object(props)) = map.get("props") {
                    props.values().for_each(|v| components(v, out));
                }
            } else {
                map.values().for_each(|v| components(v, out));
            }
        }
        _ => {}
    }
}

/// `resources/read`.
pub(super) async fn read(
    context: &Context<'_>,
    params: &Map<String, Value>,
) -> Result<Value, RpcError> {
    let uri = jsonrpc::text_param(params, "uri")?;
    let content = match uri {
        LAYOUT => layout(context).await?,
        COMPONENTS => {
            let mut found = Vec::new();
            components(&layout(context).await?, &mut found);
            Value::Array(found)
        }
        PAGES if has_pages(context) => Value::Array(
            context
                .app
                .inner
                .pages
                .iter()
                .filter(|p| context.user.is_none_or(|u| p.visible_to(u)) && (context.user.is_some() || p.groups.is_empty()))
                .map(|p| json!({"path": p.path, "name": p.name, "title": p.title, "description": p.description}))
                .collect(),
        ),
        other => match (other.strip_prefix(PAGE_LAYOUT), &context.app.inner.page_routes) {
            (Some(rest), Some(routes)) => {
                let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
                let pathname = format!("{}{}", context.app.inner.config.requests_prefix(), path.trim_start_matches('/'));
                let (node, title) = routes.route(&pathname, query, context.user);
                json!({"title": title, "layout": node.to_json()})
            }
            _ => {
                return Err(RpcError::new(
                    jsonrpc::RESOURCE_NOT_FOUND,
                    format!("no resource `{other}` here"),
                ));
            }
        },
    };
    Ok(
        json!({"contents": [{"uri": uri, "mimeType": "application/json", "text": content.to_string()}]}),
    )
}
