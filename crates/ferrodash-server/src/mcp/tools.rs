//! The app's callbacks as MCP tools: one tool per server callback, its
//! arguments the callback's Inputs and States, their JSON Schemas traced
//! from the Rust types the function takes.

use std::collections::{BTreeMap, HashMap, HashSet};

use ferrodash_core::{CallbackSpec, ComponentId, Output};
use serde_json::{Map, Value, json};

use crate::app::Registered;
use crate::callback::ArgRole;

/// An argument of a tool: one Input or State of its callback.
#[derive(Debug, Clone)]
pub(crate) struct Param {
    pub(crate) name: String,
    pub(crate) id: ComponentId,
    pub(crate) property: String,
    pub(crate) is_input: bool,
}

/// A callback offered as a tool.
#[derive(Debug, Clone)]
pub(crate) struct Tool {
    pub(crate) name: String,
    /// The callback's output string.
    pub(crate) key: String,
    pub(crate) params: Vec<Param>,
    pub(crate) background: bool,
    /// Its entry in `tools/list`.
    pub(crate) listing: Value,
}

/// Letters, digits and `_` only, runs of `_` collapsed, at most 64
/// characters; empty when nothing is left.
fn sanitize(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let c = if c.is_ascii_alphanumeric() { c } else { '_' };
        if c == '_' && (out.is_empty() || out.ends_with('_')) {
            continue;
        }
        out.push(c);
    }
    let out = out.trim_end_matches('_');
    out.chars().take(64).collect()
}

fn uses_wildcards(spec: &CallbackSpec) -> bool {
    spec.outputs.iter().any(|o| o.target.id.has_wildcard())
        || spec
            .inputs
            .iter()
            .chain(&spec.state)
            .any(|d| d.target.id.has_wildcard())
}

/// A first name for the callback's tool: its function's name, else its
/// first output.
fn base_name(spec: &CallbackSpec) -> String {
    let from_function = sanitize(&spec.name);
    if !from_function.is_empty() && !spec.name.contains("{{closure}}") {
        return from_function;
    }
    spec.outputs.first().map_or_else(
        || "callback".to_owned(),
        |o| {
            sanitize(&format!(
                "update_{}_{}",
                o.target.id.stringify(),
                o.target.property
            ))
        },
    )
}

fn describe(spec: &CallbackSpec, own: Option<&str>, background: bool) -> String {
    let mut text = own.map_or_else(
        || {
            let outputs: Vec<String> = spec
                .outputs
                .iter()
                .map(|o| format!("`{}`", o.target.key()))
                .collect();
            if outputs.is_empty() {
                format!(
                    "Runs the app's `{}` callback (it sets no outputs).",
                    spec.name
                )
            } else {
                format!(
                    "Runs the app's `{}` callback and returns the new value of {}.",
                    spec.name,
                    outputs.join(", ")
                )
            }
        },
        str::to_owned,
    );
    text.push_str(
        " The result is the app's callback answer: `response` maps component ids to the props \
         it sets. It runs for the user the token belongs to and changes no page in a browser.",
    );
    if background {
        text.push_str(" It runs as a background job: call it as a task, or wait for its result.");
    }
    text
}

/// The tools of every callback offered, named uniquely.
pub(crate) fn build(callbacks: &HashMap<String, Registered>) -> Vec<Tool> {
    let mut offered: Vec<(&String, &Registered)> = callbacks
        .iter()
        .filter(|(_, r)| r.mcp && !r.spec.hidden && !uses_wildcards(&r.spec))
        .collect();
    offered.sort_by(|a, b| a.1.spec.name.cmp(&b.1.spec.name).then(a.0.cmp(b.0)));
    let mut taken: HashSet<String> = HashSet::new();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (_, registered) in &offered {
        *counts.entry(base_name(&registered.spec)).or_default() += 1;
    }
    offered
        .into_iter()
        .map(|(key, registered)| {
            let base = base_name(&registered.spec);
            let mut name = if counts.get(&base).copied().unwrap_or(0) > 1 {
                registered.spec.outputs.first().map_or_else(
                    || base.clone(),
                    |o: &Output| sanitize(&format!("{base}_{}", o.target.id.stringify())),
                )
            } else {
                base.clone()
            };
            let mut n = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}_{n}");
                n += 1;
            }
            tool(name, key, registered)
        })
        .collect()
}

fn tool(name: String, key: &str, registered: &Registered) -> Tool {
    let spec = &registered.spec;
    let schemas = (registered.schemas)();
    let (mut inputs, mut states) = (spec.inputs.iter(), spec.state.iter());
    let mut params = Vec::new();
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut names: HashSet<String> = HashSet::new();
    for (role, schema) in registered.roles.iter().zip(schemas) {
        let (dependency, is_input) = match role {
            ArgRole::Input => (inputs.next(), true),
            ArgRole::State => (states.next(), false),
            ArgRole::Context => continue,
        };
        let Some(dependency) = dependency else {
            continue;
        };
        let target = &dependency.target;
        let mut param_name = sanitize(&format!("{}_{}", target.id.stringify(), target.property));
        while !names.insert(param_name.clone()) {
            param_name.push('_');
        }
        let mut schema = schema.unwrap_or_else(|| json!({}));
        let nullable = super::schema::is_nullable(&schema);
        if let Some(map) = schema.as_object_mut() {
            map.insert(
                "description".into(),
                Value::String(format!(
                    "{} `{}` of the page{}",
                    if is_input { "Input" } else { "State" },
                    target.key(),
                    if nullable { " (may be null)" } else { "" }
                )),
            );
        }
        if !nullable {
            required.push(Value::String(param_name.clone()));
        }
        properties.insert(param_name.clone(), schema);
        params.push(Param {
            name: param_name,
            id: target.id.clone(),
            property: target.property.clone(),
            is_input,
        });
    }
    let background = registered.background.is_some();
    let mut listing = json!({
        "name": name,
        "title": spec.name,
        "description": describe(spec, registered.description.as_deref(), background),
        "inputSchema": {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        },
    });
    if background && let Some(map) = listing.as_object_mut() {
        map.insert("execution".into(), json!({"taskSupport": "optional"}));
    }
    Tool {
        name,
        key: key.to_owned(),
        params,
        background,
        listing,
    }
}

impl Tool {
    /// The callback request a call with `arguments` stands for, as the
    /// renderer would send it: Inputs and States with the values given,
    /// the Inputs given counted as fired.
    pub(crate) fn request(
        &self,
        spec: &CallbackSpec,
        arguments: &Map<String, Value>,
    ) -> Result<Value, String> {
        if let Some(unknown) = arguments
            .keys()
            .find(|k| !self.params.iter().any(|p| &p.name == *k))
        {
            let known: Vec<&str> = self.params.iter().map(|p| p.name.as_str()).collect();
            return Err(format!(
                "unknown argument `{unknown}`; the tool takes {}",
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            ));
        }
        let mut inputs = Vec::new();
        let mut state = Vec::new();
        let mut changed = Vec::new();
        for param in &self.params {
            let value = arguments.get(&param.name).cloned().unwrap_or(Value::Null);
            let key = format!("{}.{}", param.id.stringify(), param.property);
            if param.is_input && !value.is_null() {
                changed.push(Value::String(key));
            }
            let entry = json!({"id": param.id, "property": param.property, "value": value});
            if param.is_input {
                inputs.push(entry);
            } else {
                state.push(entry);
            }
        }
        let outputs: Vec<Value> = spec
            .outputs
            .iter()
            .map(|o| json!({"id": o.target.id, "property": spec.wire_property(o)}))
            .collect();
        let mut body = json!({
            "output": self.key,
            "inputs": inputs,
            "state": state,
            "changedPropIds": changed,
        });
        if let Some(map) = body.as_object_mut() {
            match (spec.multi_output, outputs.len()) {
                (_, 0) => {}
                (false, _) => {
                    map.insert(
                        "outputs".into(),
                        outputs.into_iter().next().unwrap_or_default(),
                    );
                }
                (true, _) => {
                    map.insert("outputs".into(), Value::Array(outputs));
                }
            }
        }
        Ok(body)
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn names_keep_letters_digits_and_single_underscores() {
        assert_eq!(sanitize("export_csv"), "export_csv");
        assert_eq!(sanitize("update {\"i\":1}.children"), "update_i_1_children");
        assert_eq!(sanitize("--"), "");
        assert_eq!(sanitize(&"x".repeat(100)).len(), 64);
    }
}
