//! What the server knows of a component library: its namespace and, per
//! component, the props it has and which of them hold components.

/// One component type of a library.
#[derive(Debug, Clone, Copy)]
pub struct ComponentMeta {
    /// The type name, e.g. `Dropdown`.
    pub type_name: &'static str,
    /// Every prop the component declares (including `id` and `children` when it has them).
    pub props: &'static [&'static str],
    /// Prop paths other than `children` that hold components (Dash's
    /// `children_props` syntax: `a`, `a[]`, `a[].b`, `a.b`, `a{}`).
    pub children_props: &'static [&'static str],
    /// Prop-name prefixes that are accepted as wildcards, like `data-` and `aria-`.
    pub wildcard_prefixes: &'static [&'static str],
}

impl ComponentMeta {
    /// Whether `prop` is a prop of this component, wildcard props included.
    #[must_use]
    pub fn has_prop(&self, prop: &str) -> bool {
        self.props.contains(&prop) || self.wildcard_prefixes.iter().any(|p| prop.starts_with(p))
    }
}

/// A component library's metadata: its JavaScript namespace and its components.
#[derive(Debug, Clone, Copy)]
pub struct ComponentLibrary {
    /// The JavaScript namespace, e.g. `dash_core_components`.
    pub namespace: &'static str,
    /// Every component of the library.
    pub components: &'static [ComponentMeta],
}

impl ComponentLibrary {
    /// The component of this type, if the library has one.
    #[must_use]
    pub fn component(&self, type_name: &str) -> Option<&'static ComponentMeta> {
        self.components.iter().find(|c| c.type_name == type_name)
    }
}
