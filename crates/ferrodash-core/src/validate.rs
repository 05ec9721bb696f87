//! Checks an app's layout and callbacks before it serves anything.
//!
//! Dash finds most of these problems in the browser's dev tools, or not at all
//! when validation is off. ferrodash reports every one of them when the app is
//! built, each naming the callback and the id.

use std::collections::{BTreeMap, HashMap};

use crate::build_error::{BuildError, Role};
use crate::component::{Component, Node};
use crate::id::ComponentId;
use crate::library::ComponentLibrary;
use crate::spec::{CallbackSpec, InitialCall};

/// What validation looks at.
#[derive(Debug)]
pub struct ValidationInput<'a> {
    /// Every callback, in registration order.
    pub callbacks: &'a [CallbackSpec],
    /// The layout roots to check ids against (the layout, the validation
    /// layout, page layouts). Empty when the layout cannot be known at build time.
    pub layouts: &'a [&'a Node],
    /// Known component libraries, to check props.
    pub libraries: &'a [&'a ComponentLibrary],
    /// Skip the checks that ids exist in the layout.
    pub suppress_callback_exceptions: bool,
}

/// Runs every check and returns all problems found, in a stable order.
#[must_use]
pub fn validate(input: &ValidationInput<'_>) -> Vec<BuildError> {
    let mut errors = Vec::new();
    let components = check_layout(input.layouts, &mut errors);
    for spec in input.callbacks {
        check_ids_parse(spec, &mut errors);
        check_outputs_of_one(spec, &mut errors);
        wildcards::check_wildcards(spec, &mut errors);
        if !input.suppress_callback_exceptions && !input.layouts.is_empty() {
            check_ids_exist(spec, &components, input.libraries, &mut errors);
        }
    }
    check_duplicate_outputs(input.callbacks, &mut errors);
    wildcards::check_overlapping_outputs(input.callbacks, &mut errors);
    check_cycles(input.callbacks, &mut errors);
    errors
}

/// Collects every id of the layouts; reports duplicates and unparseable ids.
fn check_layout<'a>(
    layouts: &[&'a Node],
    errors: &mut Vec<BuildError>,
) -> HashMap<String, &'a Component> {
    let mut seen: BTreeMap<String, (usize, &'a Component)> = BTreeMap::new();
    for (index, root) in layouts.iter().enumerate() {
        // Ids repeated across layouts (say a page layout also inside the
        // validation layout) are one component; only count repeats within one.
        let mut here: BTreeMap<String, (usize, &'a Component)> = BTreeMap::new();
        root.walk(&mut |c| {
            if let Some(id) = c.get_id() {
                let entry = here.entry(id.stringify()).or_insert((0, c));
                entry.0 += 1;
            }
        });
        for (id, (count, component)) in here {
            if index == 0 || !seen.contains_key(&id) {
                let entry = seen.entry(id).or_insert((0, component));
                entry.0 = entry.0.max(count);
            }
        }
    }
    let mut by_id = HashMap::new();
    for (id, (count, component)) in seen {
        if count > 1 {
            errors.push(BuildError::DuplicateLayoutId {
                id: id.clone(),
                count,
            });
        }
        if let Some(problem) = component.get_id().and_then(|i| i.check_parseable().err()) {
            errors.push(BuildError::UnparseableId {
                location: "layout".to_owned(),
                id: id.clone(),
                problem,
            });
        }
        by_id.insert(id, component);
    }
    by_id
}

fn all_refs(spec: &CallbackSpec) -> impl Iterator<Item = (Role, &ComponentId, &str)> {
    spec.outputs
        .iter()
        .map(|o| (Role::Output, &o.target.id, o.target.property.as_str()))
        .chain(
            spec.inputs
                .iter()
                .map(|d| (Role::Input, &d.target.id, d.target.property.as_str())),
        )
        .chain(
            spec.state
                .iter()
                .map(|d| (Role::State, &d.target.id, d.target.property.as_str())),
        )
}

fn check_ids_parse(spec: &CallbackSpec, errors: &mut Vec<BuildError>) {
    let mut reported = Vec::new();
    for (_, id, _) in all_refs(spec) {
        if let Err(problem) = id.check_parseable() {
            let text = id.stringify();
            if !reported.contains(&text) {
                errors.push(BuildError::UnparseableId {
                    location: format!("callback `{}`", spec.name),
                    id: text.clone(),
                    problem,
                });
                reported.push(text);
            }
        }
    }
}

fn check_outputs_of_one(spec: &CallbackSpec, errors: &mut Vec<BuildError>) {
    for (i, out) in spec.outputs.iter().enumerate() {
        let key = out.target.key();
        if spec.outputs.iter().take(i).any(|o| o.target == out.target) {
            errors.push(BuildError::RepeatedOutput {
                callback: spec.name.clone(),
                output: key.clone(),
            });
        }
        if out.allow_duplicate && spec.initial_call == InitialCall::Run {
            errors.push(BuildError::DuplicateNeedsPreventInitialCall {
                callback: spec.name.clone(),
                output: key.clone(),
            });
        }
        if !spec.allow_self_loop && spec.inputs.iter().any(|d| d.target == out.target) {
            errors.push(BuildError::SelfLoop {
                callback: spec.name.clone(),
                prop: key,
            });
        }
    }
}

fn check_ids_exist(
    spec: &CallbackSpec,
    components: &HashMap<String, &Component>,
    libraries: &[&ComponentLibrary],
    errors: &mut Vec<BuildError>,
) {
    if spec.optional {
        return;
    }
    let optional_deps: Vec<&ComponentId> = spec
        .inputs
        .iter()
        .chain(&spec.state)
        .filter(|d| d.allow_optional)
        .map(|d| &d.target.id)
        .collect();
    for (role, id, property) in all_refs(spec) {
        if optional_deps.contains(&id) {
            continue;
        }
        if id.has_wildcard() || id.check_parseable().is_err() {
            // Components matching a pattern are usually created by callbacks;
            // unparseable ids are reported on their own.
            continue;
        }
        let text = id.stringify();
        let Some(component) = components.get(&text) else {
            errors.push(BuildError::UnknownId {
                callback: spec.name.clone(),
                role,
                id: text,
                property: property.to_owned(),
            });
            continue;
        };
        let meta = libraries
            .iter()
            .filter(|l| l.namespace == component.namespace())
            .find_map(|l| l.component(component.type_name()));
        if let Some(meta) = meta
            && !meta.has_prop(property)
        {
            errors.push(BuildError::UnknownProp {
                callback: spec.name.clone(),
                role,
                id: text,
                property: property.to_owned(),
                namespace: component.namespace().to_owned(),
                type_name: component.type_name().to_owned(),
            });
        }
    }
}

fn check_duplicate_outputs(callbacks: &[CallbackSpec], errors: &mut Vec<BuildError>) {
    let mut writers: HashMap<(String, String), &str> = HashMap::new();
    for spec in callbacks {
        let mut own: Vec<(String, String)> = Vec::new();
        for out in &spec.outputs {
            let key = (out.target.id.stringify(), spec.wire_property(out));
            if own.contains(&key) {
                continue; // reported as a repeated output of this callback
            }
            own.push(key.clone());
            match writers.get(&key) {
                Some(first) => errors.push(BuildError::DuplicateOutput {
                    output: out.target.key(),
                    first: (*first).to_owned(),
                    second: spec.name.clone(),
                }),
                None => {
                    writers.insert(key, &spec.name);
                }
            }
        }
    }
}

/// Finds loops through callbacks: an output of one callback feeding, through
/// other callbacks' inputs, back into one of its own inputs. State does not
/// trigger callbacks, so it makes no edge.
fn check_cycles(callbacks: &[CallbackSpec], errors: &mut Vec<BuildError>) {
    // Nodes are props; edges go input -> output, labelled with the callback.
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut names: Vec<String> = Vec::new();
    let mut edges: Vec<Vec<(usize, usize)>> = Vec::new();
    let mut node = |key: String, edges: &mut Vec<Vec<(usize, usize)>>| -> usize {
        *index.entry(key.clone()).or_insert_with(|| {
            names.push(key);
            edges.push(Vec::new());
            names.len() - 1
        })
    };
    for (ci, spec) in callbacks.iter().enumerate() {
        for input in &spec.inputs {
            // An input that is also an output of the same callback is reported
            // (or allowed) as a self loop; it starts no cross-callback cycle.
            if spec.outputs.iter().any(|o| o.target == input.target) {
                continue;
            }
            let from = node(input.target.key(), &mut edges);
            for out in &spec.outputs {
                if out.target == input.target {
                    continue;
                }
                let to = node(out.target.key(), &mut edges);
                if let Some(from_edges) = edges.get_mut(from) {
                    from_edges.push((to, ci));
                }
            }
        }
    }
    for component in strongly_connected(&edges) {
        if component.len() < 2 {
            continue;
        }
        let mut cycle: Vec<String> = component
            .iter()
            .filter_map(|&n| names.get(n).cloned())
            .collect();
        cycle.sort();
        let mut involved: Vec<String> = Vec::new();
        for &n in &component {
            for &(to, ci) in edges.get(n).into_iter().flatten() {
                if let Some(spec) = callbacks.get(ci)
                    && component.contains(&to)
                    && !involved.contains(&spec.name)
                {
                    involved.push(spec.name.clone());
                }
            }
        }
        involved.sort();
        errors.push(BuildError::CircularDependency {
            cycle,
            callbacks: involved,
        });
    }
}

/// Tarjan's strongly connected components, iterative.
#[allow(
    clippy::indexing_slicing,
    reason = "indices are node numbers below edges.len(), the length of every vector \
              indexed (edges point only at nodes of this graph)"
)]
fn strongly_connected(edges: &[Vec<(usize, usize)>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut result = Vec::new();
    let mut next = 0;
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(start, 0)];
        while let Some(&mut (v, ref mut edge_i)) = work.last_mut() {
            if *edge_i == 0 && index[v] == usize::MAX {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&(w, _)) = edges[v].get(*edge_i) {
                *edge_i += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                result.push(component);
            }
        }
    }
    result
}

#[cfg(test)]
mod tests;
mod wildcards;
