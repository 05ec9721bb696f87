//! Checks of a decoded request against the callback it names: the user's
//! groups, and that the outputs, inputs and state sent are the declared
//! ones (wildcard-aware), so a crafted request cannot feed other
//! components' values to a callback.

use ferrodash_core::wire::{DepValue, Outputs, Resolved, ResolvedProp};
use ferrodash_core::{CallbackSpec, Dependency};

use crate::rejection::ProtocolError;

/// Refuses a callback that needs groups the user is not in.
pub(super) fn check_groups(
    spec: &ferrodash_core::CallbackSpec,
    groups: &[String],
    user: Option<&ferrodash_auth::Principal>,
) -> Result<(), ProtocolError> {
    if groups.is_empty() {
        return Ok(());
    }
    let user = user.ok_or(ProtocolError::LoginRequired)?;
    match groups.iter().find(|g| !user.in_group(g)) {
        Some(group) => Err(ProtocolError::Forbidden {
            callback: spec.name.clone(),
            group: group.clone(),
        }),
        None => Ok(()),
    }
}

fn mismatch(spec: &CallbackSpec, problem: String) -> ProtocolError {
    ProtocolError::Mismatch {
        callback: spec.name.clone(),
        problem,
    }
}

/// Lines the request's resolved outputs up with the declared outputs,
/// checking ids (wildcard-aware) and properties.
pub(super) fn match_outputs(
    spec: &CallbackSpec,
    outputs: Option<Outputs>,
) -> Result<Vec<Resolved<ResolvedProp>>, ProtocolError> {
    let declared = &spec.outputs;
    let entries: Vec<Resolved<ResolvedProp>> = match (declared.len(), outputs) {
        (0, None) => return Ok(Vec::new()),
        (0, Some(_)) => {
            return Err(mismatch(
                spec,
                "`outputs` was sent but the callback has no outputs".to_owned(),
            ));
        }
        (_, None) => return Err(mismatch(spec, "`outputs` is missing".to_owned())),
        (_, Some(Outputs::Object(one))) if !spec.multi_output => vec![Resolved::One(one)],
        (_, Some(Outputs::List(list))) if !spec.multi_output => {
            // A single output with an ALL wildcard arrives as a plain list.
            let props = list
                .into_iter()
                .map(|e| match e {
                    Resolved::One(p) => Ok(p),
                    Resolved::Many(_) => {
                        Err(mismatch(spec, "`outputs` holds a nested list".to_owned()))
                    }
                })
                .collect::<Result<Vec<_>, _>>()?;
            vec![Resolved::Many(props)]
        }
        (_, Some(Outputs::List(list))) => list,
        (_, Some(Outputs::Object(_))) => {
            return Err(mismatch(
                spec,
                format!("`outputs` must be a list of {} outputs", declared.len()),
            ));
        }
    };
    if entries.len() != declared.len() {
        return Err(mismatch(
            spec,
            format!(
                "`outputs` has {} entries, the callback declares {}",
                entries.len(),
                declared.len()
            ),
        ));
    }
    for (i, (entry, output)) in entries.iter().zip(declared).enumerate() {
        let wire_property = spec.wire_property(output);
        let check = |p: &ResolvedProp| {
            (output.target.id.matches(&p.id)
                && (p.property == wire_property || p.property == output.target.property))
                .then_some(())
                .ok_or_else(|| {
                    mismatch(
                        spec,
                        format!(
                            "`outputs[{i}]` is `{}.{}`, not `{}`",
                            p.id,
                            p.property,
                            output.target.key()
                        ),
                    )
                })
        };
        let has_all = output
            .target
            .id
            .wildcards()
            .any(|(_, w)| w == ferrodash_core::Wildcard::All);
        match entry {
            Resolved::One(p) if !has_all => check(p)?,
            Resolved::Many(list) if has_all => list.iter().try_for_each(check)?,
            _ => {
                return Err(mismatch(
                    spec,
                    format!(
                        "`outputs[{i}]` has the wrong shape for `{}`",
                        output.target.key()
                    ),
                ));
            }
        }
    }
    Ok(entries)
}

/// Checks that every sent dependency is the declared one (wildcard-aware), so
/// a crafted request cannot feed other components' values to a callback.
pub(super) fn check_dependencies(
    spec: &CallbackSpec,
    field: &str,
    declared: &[Dependency],
    sent: &[Resolved<DepValue>],
) -> Result<(), ProtocolError> {
    if declared.len() != sent.len() {
        return Err(mismatch(
            spec,
            format!(
                "`{field}` has {} entries, the callback declares {}",
                sent.len(),
                declared.len()
            ),
        ));
    }
    for (i, (dep, entry)) in declared.iter().zip(sent).enumerate() {
        let check = |d: &DepValue| {
            (dep.target.id.matches(&d.id) && d.property == dep.target.property)
                .then_some(())
                .ok_or_else(|| {
                    mismatch(
                        spec,
                        format!(
                            "`{field}[{i}]` is `{}.{}`, not `{}`",
                            d.id,
                            d.property,
                            dep.target.key()
                        ),
                    )
                })
        };
        let is_list = dep.target.id.wildcards().any(|(_, w)| {
            matches!(
                w,
                ferrodash_core::Wildcard::All | ferrodash_core::Wildcard::AllSmaller
            )
        });
        match entry {
            Resolved::One(d) if !is_list => check(d)?,
            Resolved::Many(list) if is_list => list.iter().try_for_each(check)?,
            _ => {
                return Err(mismatch(
                    spec,
                    format!(
                        "`{field}[{i}]` has the wrong shape for `{}`",
                        dep.target.key()
                    ),
                ));
            }
        }
    }
    Ok(())
}
