//! Clientside callbacks: JavaScript functions the renderer runs in the
//! browser, with no request to the server (dash-protocol §10).

use ferrodash_core::{CallbackSpec, ClientsideFunction, ComponentId, InitialCall};
use sha2::{Digest, Sha256};

/// The namespace Dash uses for inline clientside functions.
pub(crate) const INLINE_NAMESPACE: &str = "_dashprivate_clientside_funcs";

/// A callback run in the browser by a JavaScript function: either inline
/// source, or a function an assets script puts in `window.dash_clientside`.
///
/// The function gets the Input values then the State values, and returns the
/// output value (a list of values for several outputs). It may return
/// `dash_clientside.no_update`, throw `dash_clientside.PreventUpdate`, call
/// `dash_clientside.set_props`, or return a `dash_clientside.Patch`.
///
/// ```
/// use ferrodash_server::ClientsideCallback;
/// let double = ClientsideCallback::inline("function (n) { return (n || 0) * 2; }")
///     .output("doubled", "children")
///     .input("number", "value");
/// let shout = ClientsideCallback::function("text", "shout")
///     .output("loud", "children")
///     .input("words", "value");
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ClientsideCallback {
    pub(crate) spec: CallbackSpec,
    pub(crate) inline_source: Option<String>,
}

impl ClientsideCallback {
    /// A callback whose function is this JavaScript source (a function
    /// expression), put into the page as an inline script.
    pub fn inline(source: impl Into<String>) -> Self {
        let source = source.into();
        let name = hex::encode(Sha256::digest(source.as_bytes()));
        Self {
            spec: spec(
                INLINE_NAMESPACE,
                &name,
                format!("clientside {}", &name[..12]),
            ),
            inline_source: Some(source),
        }
    }

    /// A callback run by `window.dash_clientside[namespace][function_name]`,
    /// defined by a script of the assets folder or a component package.
    pub fn function(namespace: impl Into<String>, function_name: impl Into<String>) -> Self {
        let (namespace, function_name) = (namespace.into(), function_name.into());
        let label = format!("clientside {namespace}.{function_name}");
        Self {
            spec: spec(&namespace, &function_name, label),
            inline_source: None,
        }
    }

    /// Names the callback in error messages.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.spec.name = name.into();
        self
    }

    /// Adds an Output. With two or more, the function returns a list.
    pub fn output(mut self, id: impl Into<ComponentId>, property: impl Into<String>) -> Self {
        self.spec.add_output(id, property, false);
        self.spec.multi_output |= self.spec.outputs.len() > 1;
        self
    }

    /// Adds an Output that other callbacks may write too
    /// (`allow_duplicate`; needs [`Self::prevent_initial_call`]).
    pub fn output_allow_duplicate(
        mut self,
        id: impl Into<ComponentId>,
        property: impl Into<String>,
    ) -> Self {
        self.spec.add_output(id, property, true);
        self.spec.multi_output |= self.spec.outputs.len() > 1;
        self
    }

    /// Declares the outputs as a list even when there is one: the function
    /// then returns a list of one value.
    pub fn multi_output(mut self) -> Self {
        self.spec.multi_output = true;
        self
    }

    /// Adds an Input.
    pub fn input(mut self, id: impl Into<ComponentId>, property: impl Into<String>) -> Self {
        self.spec.add_input(id, property);
        self
    }

    /// Adds a State.
    pub fn state(mut self, id: impl Into<ComponentId>, property: impl Into<String>) -> Self {
        self.spec.add_state(id, property);
        self
    }

    /// Does not run the callback when the page loads.
    pub fn prevent_initial_call(mut self) -> Self {
        self.spec.initial_call = InitialCall::Prevent;
        self
    }

    /// Allows an output that is also an input of this callback.
    pub fn allow_self_loop(mut self) -> Self {
        self.spec.allow_self_loop = true;
        self
    }

    /// The callback's declaration.
    #[must_use]
    pub const fn spec(&self) -> &CallbackSpec {
        &self.spec
    }

    /// What is wrong with the function reference, if anything.
    pub(crate) fn problem(&self) -> Option<String> {
        let function = self.spec.clientside_function.as_ref()?;
        if self.inline_source.is_some() {
            return None;
        }
        if function.namespace.is_empty() || function.function_name.is_empty() {
            return Some("the namespace and the function name must not be empty".to_owned());
        }
        if function.namespace.starts_with("_dashprivate_") {
            return Some(format!(
                "the namespace `{}` is reserved for Dash's own use",
                function.namespace
            ));
        }
        if ["PreventUpdate", "no_update"].contains(&function.function_name.as_str()) {
            return Some(format!(
                "the function name `{}` is reserved",
                function.function_name
            ));
        }
        None
    }

    /// The inline script that defines the function, for the index page.
    pub(crate) fn inline_script(&self) -> Option<String> {
        let source = self.inline_source.as_ref()?;
        let name = &self.spec.clientside_function.as_ref()?.function_name;
        Some(format!(
            "window.dash_clientside = window.dash_clientside || {{}};\n\
             window.dash_clientside.{INLINE_NAMESPACE} = window.dash_clientside.{INLINE_NAMESPACE} || {{}};\n\
             window.dash_clientside.{INLINE_NAMESPACE}[\"{name}\"] = {source};"
        ))
    }
}

fn spec(namespace: &str, function_name: &str, name: String) -> CallbackSpec {
    CallbackSpec {
        name,
        clientside_function: Some(ClientsideFunction {
            namespace: namespace.to_owned(),
            function_name: function_name.to_owned(),
        }),
        ..CallbackSpec::default()
    }
}
