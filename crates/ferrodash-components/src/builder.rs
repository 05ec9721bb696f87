//! What every generated builder shares, written once.

/// Implements the shared part of a builder newtype `$name(Component)`: `id`,
/// `prop`, `as_component`, `into_component`, `Default` (through `new`) and the
/// conversions into `Component` and `Node`.
macro_rules! component_builder {
    ($name:ident) => {
        impl $name {
            /// Sets the id: a string, or a dict id for pattern-matching callbacks.
            pub fn id(self, id: impl Into<::ferrodash_core::ComponentId>) -> Self {
                Self(self.0.id(id))
            }

            /// Sets a prop by name, replacing an earlier value: on HTML elements
            /// also `data-*` and `aria-*` attributes.
            pub fn prop(
                self,
                name: impl Into<::std::borrow::Cow<'static, str>>,
                value: impl Into<::serde_json::Value>,
            ) -> Self {
                Self(self.0.prop(name, value))
            }

            /// The component built so far.
            #[must_use]
            pub const fn as_component(&self) -> &::ferrodash_core::Component {
                &self.0
            }

            /// The plain component, for APIs that take any library's components.
            #[must_use]
            pub fn into_component(self) -> ::ferrodash_core::Component {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl From<$name> for ::ferrodash_core::Component {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl From<$name> for ::ferrodash_core::Node {
            fn from(value: $name) -> Self {
                Self::from(value.0)
            }
        }
    };
}

pub(crate) use component_builder;
