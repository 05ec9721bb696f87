//! Pattern-matching checks (dash-protocol §7.4): which wildcards may appear
//! where, and outputs whose patterns overlap.

use std::collections::BTreeSet;

use crate::build_error::{BuildError, Role};
use crate::id::{ComponentId, IdValue, Wildcard};
use crate::spec::{CallbackSpec, Output};

fn misuse(spec: &CallbackSpec, role: Role, id: &ComponentId, problem: String) -> BuildError {
    BuildError::WildcardMisuse {
        callback: spec.name.clone(),
        role,
        id: id.stringify(),
        problem,
    }
}

/// The keys holding MATCH in an id.
fn match_keys(id: &ComponentId) -> BTreeSet<&str> {
    id.wildcards()
        .filter(|(_, w)| *w == Wildcard::Match)
        .map(|(k, _)| k)
        .collect()
}

/// Checks where one callback's wildcards stand.
pub(super) fn check_wildcards(spec: &CallbackSpec, errors: &mut Vec<BuildError>) {
    let mut output_match: Option<BTreeSet<&str>> = None;
    for output in &spec.outputs {
        let id = &output.target.id;
        if id.wildcards().any(|(_, w)| w == Wildcard::AllSmaller) {
            errors.push(misuse(
                spec,
                Role::Output,
                id,
                "ALLSMALLER is only allowed in an Input or State".to_owned(),
            ));
        }
        let keys = match_keys(id);
        match &output_match {
            None => output_match = Some(keys),
            Some(first) if *first != keys => errors.push(misuse(
                spec,
                Role::Output,
                id,
                format!(
                    "every Output of a callback must have MATCH on the same keys; the first has {first:?}, this one {keys:?}"
                ),
            )),
            Some(_) => {}
        }
    }
    let output_match = output_match.unwrap_or_default();
    let deps = spec
        .inputs
        .iter()
        .map(|d| (Role::Input, d))
        .chain(spec.state.iter().map(|d| (Role::State, d)));
    for (role, dep) in deps {
        let id = &dep.target.id;
        for (key, wildcard) in id.wildcards() {
            match wildcard {
                Wildcard::AllSmaller if !output_match.contains(key) => errors.push(misuse(
                    spec,
                    role,
                    id,
                    format!("ALLSMALLER on `{key}` needs MATCH on `{key}` in the Outputs"),
                )),
                Wildcard::Match if !output_match.is_empty() && !output_match.contains(key) => {
                    errors.push(misuse(
                        spec,
                        role,
                        id,
                        format!("MATCH on `{key}` must also be in the Outputs, which have MATCH on {output_match:?}"),
                    ));
                }
                _ => {}
            }
        }
    }
}

/// Whether some concrete id could match both patterns.
fn overlap(a: &ComponentId, b: &ComponentId) -> bool {
    match (a, b) {
        (ComponentId::Str(x), ComponentId::Str(y)) => x == y,
        (ComponentId::Dict(x), ComponentId::Dict(y)) => {
            x.len() == y.len()
                && x.iter().all(|(key, xv)| match y.get(key) {
                    None => false,
                    Some(yv) => {
                        matches!(xv, IdValue::Wildcard(_))
                            || matches!(yv, IdValue::Wildcard(_))
                            || ComponentId::Dict([(key.clone(), xv.clone())].into())
                                .matches(&ComponentId::Dict([(key.clone(), yv.clone())].into()))
                    }
                })
        }
        _ => false,
    }
}

/// Reports outputs whose patterns could write the same prop of one
/// component: two callbacks, or one callback twice. Identical outputs are
/// reported as duplicates elsewhere.
pub(super) fn check_overlapping_outputs(callbacks: &[CallbackSpec], errors: &mut Vec<BuildError>) {
    let outputs: Vec<(&CallbackSpec, &Output)> = callbacks
        .iter()
        .flat_map(|spec| spec.outputs.iter().map(move |out| (spec, out)))
        .collect();
    for (i, &(spec_a, oa)) in outputs.iter().enumerate() {
        for &(spec_b, ob) in outputs.iter().skip(i + 1) {
            let wildcard = oa.target.id.has_wildcard() || ob.target.id.has_wildcard();
            if !wildcard || oa.target.property != ob.target.property || oa.target.id == ob.target.id
            {
                continue;
            }
            if (oa.allow_duplicate || ob.allow_duplicate) && !std::ptr::eq(spec_a, spec_b) {
                continue;
            }
            if overlap(&oa.target.id, &ob.target.id) {
                errors.push(BuildError::OverlappingOutputs {
                    first: format!("{}: {}", spec_a.name, oa.target.key()),
                    second: format!("{}: {}", spec_b.name, ob.target.key()),
                });
            }
        }
    }
}
