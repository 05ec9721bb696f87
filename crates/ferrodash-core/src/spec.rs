//! Callback declarations: which props a callback reads and writes, and how
//! Dash writes that on the wire (`_dash-dependencies`, output strings).

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::id::ComponentId;

/// A prop of a component: an id and a property name.
#[derive(Debug, Clone, PartialEq)]
pub struct PropRef {
    /// The component id (may hold wildcards in dependencies).
    pub id: ComponentId,
    /// The property name.
    pub property: String,
}

impl PropRef {
    /// A prop reference.
    pub fn new(id: impl Into<ComponentId>, property: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            property: property.into(),
        }
    }

    /// `<stringified id>.<prop>`, as in `changedPropIds` and `running` keys.
    #[must_use]
    pub fn key(&self) -> String {
        let mut s = self.id.stringify();
        s.push('.');
        s.push_str(&self.property);
        s
    }
}

/// An Input or State of a callback.
#[derive(Debug, Clone, PartialEq)]
pub struct Dependency {
    /// The prop read.
    pub target: PropRef,
    /// Whether the dependency may be missing from the layout (`allow_optional`).
    pub allow_optional: bool,
}

/// An Output of a callback.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// The prop written.
    pub target: PropRef,
    /// Whether another callback may write the same prop (`allow_duplicate`).
    pub allow_duplicate: bool,
}

/// Whether a callback runs when the page loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InitialCall {
    /// Run on page load (Dash's default).
    #[default]
    Run,
    /// Do not run on page load (`prevent_initial_call=True`).
    Prevent,
    /// Run on page load even though an output allows duplicates
    /// (`prevent_initial_call="initial_duplicate"`).
    InitialDuplicate,
}

/// A function provided in the browser, for clientside callbacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientsideFunction {
    /// The `window.dash_clientside` namespace.
    pub namespace: String,
    /// The function's name in that namespace.
    pub function_name: String,
}

/// Everything Dash's renderer is told about one callback.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CallbackSpec {
    /// A name for error messages: the handler function's name.
    pub name: String,
    /// The outputs, in declaration order.
    pub outputs: Vec<Output>,
    /// Whether outputs were declared as a list (the callback returns a tuple):
    /// changes the output string's form.
    pub multi_output: bool,
    /// The inputs, in declaration order.
    pub inputs: Vec<Dependency>,
    /// The states, in declaration order.
    pub state: Vec<Dependency>,
    /// Whether the callback runs on page load.
    pub initial_call: InitialCall,
    /// Set for clientside callbacks.
    pub clientside_function: Option<ClientsideFunction>,
    /// Polling interval in milliseconds for background callbacks.
    pub background_interval_ms: Option<u64>,
    /// Props set while a background callback runs: (prop, while running, after).
    pub running: Vec<(PropRef, Value, Value)>,
    /// Hidden from the dev tools' callback graph.
    pub hidden: bool,
    /// Skip the renderer's checks that every id exists in the layout.
    pub optional: bool,
    /// Leave out of the loading state (for streaming callbacks).
    pub persistent: bool,
    /// Answered over the WebSocket (`_dash-ws-callback`) rather than an
    /// HTTP POST, where the browser can.
    pub websocket: bool,
    /// Allows an output that is also an input of this same callback (the Dash
    /// pattern that keeps two components in sync inside one callback).
    pub allow_self_loop: bool,
}

fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

impl CallbackSpec {
    /// Adds an Output.
    pub fn add_output(
        &mut self,
        id: impl Into<ComponentId>,
        property: impl Into<String>,
        allow_duplicate: bool,
    ) {
        self.outputs.push(Output {
            target: PropRef::new(id, property),
            allow_duplicate,
        });
    }

    /// Adds an Input.
    pub fn add_input(&mut self, id: impl Into<ComponentId>, property: impl Into<String>) {
        self.inputs.push(Dependency {
            target: PropRef::new(id, property),
            allow_optional: false,
        });
    }

    /// Adds a State.
    pub fn add_state(&mut self, id: impl Into<ComponentId>, property: impl Into<String>) {
        self.state.push(Dependency {
            target: PropRef::new(id, property),
            allow_optional: false,
        });
    }

    /// The inputs written as `<id>.<prop>` and joined with `.`: what Dash hashes
    /// for `allow_duplicate` suffixes and no-output callback keys.
    fn joined_inputs(&self) -> String {
        self.inputs
            .iter()
            .map(|d| d.target.key())
            .collect::<Vec<_>>()
            .join(".")
    }

    /// The property name as it appears in the output string: with an `@hash`
    /// suffix when duplicates are allowed.
    #[must_use]
    pub fn wire_property(&self, output: &Output) -> String {
        if output.allow_duplicate {
            format!(
                "{}@{}",
                output.target.property,
                sha256_hex(&self.joined_inputs())
            )
        } else {
            output.target.property.clone()
        }
    }

    /// The output string that identifies this callback on the wire
    /// (dash-protocol §5.2). `index` makes no-output, no-input callbacks unique.
    #[must_use]
    pub fn output_key(&self, index: usize) -> String {
        if self.outputs.is_empty() {
            let seed = if self.inputs.is_empty() {
                format!("ferrodash:no-output:{index}:{}", self.name)
            } else {
                self.joined_inputs()
            };
            return sha256_hex(&seed);
        }
        let parts: Vec<String> = self
            .outputs
            .iter()
            .map(|o| {
                let id = o.target.id.stringify().replace('.', "\\.");
                format!("{id}.{}", self.wire_property(o))
            })
            .collect();
        if self.multi_output {
            format!("..{}..", parts.join("..."))
        } else {
            parts.join("...")
        }
    }

    /// The entry of this callback in `_dash-dependencies` (dash-protocol §5.1).
    #[must_use]
    pub fn to_wire(&self, output_key: &str) -> Value {
        let deps = |list: &[Dependency]| -> Value {
            Value::Array(
                list.iter()
                    .map(|d| {
                        let mut m = Map::new();
                        m.insert("id".into(), Value::String(d.target.id.stringify()));
                        m.insert("property".into(), Value::String(d.target.property.clone()));
                        if d.allow_optional {
                            m.insert("allow_optional".into(), Value::Bool(true));
                        }
                        Value::Object(m)
                    })
                    .collect(),
            )
        };
        let mut m = Map::new();
        m.insert("output".into(), Value::String(output_key.to_owned()));
        m.insert("inputs".into(), deps(&self.inputs));
        m.insert("state".into(), deps(&self.state));
        m.insert(
            "clientside_function".into(),
            self.clientside_function.as_ref().map_or(
                Value::Null,
                |f| json!({"namespace": f.namespace, "function_name": f.function_name}),
            ),
        );
        m.insert(
            "prevent_initial_call".into(),
            Value::Bool(self.initial_call == InitialCall::Prevent),
        );
        m.insert(
            "background".into(),
            self.background_interval_ms
                .map_or(Value::Null, |ms| json!({ "interval": ms })),
        );
        m.insert(
            "dynamic_creator".into(),
            if self.clientside_function.is_some() {
                Value::Bool(false)
            } else {
                Value::Null
            },
        );
        m.insert("no_output".into(), Value::Bool(self.outputs.is_empty()));
        m.insert("optional".into(), Value::Bool(self.optional));
        m.insert("hidden".into(), Value::Bool(self.hidden));
        m.insert("websocket".into(), Value::Bool(self.websocket));
        m.insert("persistent".into(), Value::Bool(self.persistent));
        if !self.running.is_empty() {
            let mut on = Map::new();
            let mut off = Map::new();
            for (prop, when_on, when_off) in &self.running {
                on.insert(prop.key(), when_on.clone());
                off.insert(prop.key(), when_off.clone());
            }
            m.insert("running".into(), json!({"running": on, "runningOff": off}));
        }
        Value::Object(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::MATCH;

    fn out(id: &str, prop: &str) -> Output {
        Output {
            target: PropRef::new(id, prop),
            allow_duplicate: false,
        }
    }
    fn dep(id: impl Into<ComponentId>, prop: &str) -> Dependency {
        Dependency {
            target: PropRef::new(id, prop),
            allow_optional: false,
        }
    }

    #[test]
    fn output_strings_follow_dash() {
        let mut spec = CallbackSpec {
            outputs: vec![out("summary", "children")],
            inputs: vec![dep("btn", "n_clicks")],
            ..CallbackSpec::default()
        };
        assert_eq!(spec.output_key(0), "summary.children");
        spec.multi_output = true;
        assert_eq!(spec.output_key(0), "..summary.children..");
        spec.outputs.push(out("chart", "figure"));
        assert_eq!(spec.output_key(0), "..summary.children...chart.figure..");
        spec.outputs[0].allow_duplicate = true;
        assert_eq!(
            spec.output_key(0),
            format!(
                "..summary.children@{}...chart.figure..",
                sha256_hex("btn.n_clicks")
            )
        );
        spec.outputs.clear();
        assert_eq!(spec.output_key(0), sha256_hex("btn.n_clicks"));
    }

    #[test]
    fn wildcard_outputs_and_wire_entry() {
        let pattern = ComponentId::dict([("kind", "cell".into()), ("row", MATCH)]);
        let spec = CallbackSpec {
            outputs: vec![Output {
                target: PropRef::new(pattern.clone(), "children"),
                allow_duplicate: false,
            }],
            inputs: vec![dep(pattern, "n_clicks")],
            initial_call: InitialCall::Prevent,
            ..CallbackSpec::default()
        };
        let key = spec.output_key(0);
        assert_eq!(key, r#"{"kind":"cell","row":["MATCH"]}.children"#);
        let wire = spec.to_wire(&key);
        assert_eq!(
            serde_json::to_string(&wire).unwrap(),
            concat!(
                r#"{"output":"{\"kind\":\"cell\",\"row\":[\"MATCH\"]}.children","#,
                r#""inputs":[{"id":"{\"kind\":\"cell\",\"row\":[\"MATCH\"]}","property":"n_clicks"}],"#,
                r#""state":[],"clientside_function":null,"prevent_initial_call":true,"#,
                r#""background":null,"dynamic_creator":null,"no_output":false,"optional":false,"#,
                r#""hidden":false,"websocket":false,"persistent":false}"#
            )
        );
    }
}
