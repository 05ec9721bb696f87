//! Which props hold components, in the path syntax of Dash's `children_props`
//! config key (dash-protocol.md §2.9).
//!
//! Paths: `a` (the prop itself holds nodes; an array of nodes is still a node
//! prop, as the renderer treats it), `a[]` (each element of an array that is not
//! just nodes, e.g. a union), `a[].b` and `a.b` (a field of an object), `a{}`
//! (each value of an object map). `children` is always walked by the renderer
//! and is left out.

use super::model::{ComponentDef, Ty};

/// The `children_props` entry of a component, in prop order, without duplicates.
pub(crate) fn children_props(component: &ComponentDef) -> Vec<String> {
    let mut paths = Vec::new();
    for prop in component.props.iter().filter(|p| p.name != "children") {
        collect(&prop.ty, &prop.name, &mut paths);
    }
    paths
}

fn collect(ty: &Ty, path: &str, paths: &mut Vec<String>) {
    match ty {
        Ty::Node if !paths.iter().any(|p| p == path) => paths.push(path.to_owned()),
        Ty::ArrayOf(inner) if **inner == Ty::Node => collect(inner, path, paths),
        Ty::ArrayOf(inner) => collect(inner, &format!("{path}[]"), paths),
        Ty::ObjectOf(inner) => collect(inner, &format!("{path}{{}}"), paths),
        Ty::Shape(fields) => {
            for (name, field) in fields {
                collect(field, &format!("{path}.{name}"), paths);
            }
        }
        Ty::Union(members) => members.iter().for_each(|m| collect(m, path, paths)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::model::Prop;

    fn paths(ty: Ty) -> Vec<String> {
        let component = ComponentDef {
            type_name: "X".into(),
            props: vec![
                Prop {
                    name: "children".into(),
                    ty: Ty::Node,
                },
                Prop {
                    name: "a".into(),
                    ty,
                },
            ],
            wildcard_prefixes: Vec::new(),
            children_props: None,
        };
        children_props(&component)
    }

    fn arr(ty: Ty) -> Ty {
        Ty::ArrayOf(Box::new(ty))
    }

    #[test]
    fn path_syntax() {
        assert_eq!(paths(Ty::Node), ["a"]);
        assert_eq!(paths(Ty::Union(vec![Ty::String, Ty::Node])), ["a"]);
        assert_eq!(paths(arr(Ty::Node)), ["a"]);
        assert_eq!(paths(arr(Ty::Union(vec![Ty::String, Ty::Node]))), ["a[]"]);
        assert_eq!(
            paths(arr(Ty::Shape(vec![("b".into(), Ty::Node)]))),
            ["a[].b"]
        );
        assert_eq!(
            paths(Ty::Shape(vec![
                ("b".into(), Ty::Node),
                ("c".into(), Ty::Number)
            ])),
            ["a.b"]
        );
        assert_eq!(paths(Ty::ObjectOf(Box::new(Ty::Node))), ["a{}"]);
        assert_eq!(paths(Ty::Union(vec![Ty::Node, arr(Ty::Node)])), ["a"]);
        assert!(paths(Ty::String).is_empty());
    }
}
