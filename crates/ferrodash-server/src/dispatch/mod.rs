//! Running a callback for a decoded request, whichever way it came (an HTTP
//! POST or a WebSocket message): find the callback, check the request
//! against its declaration and the user's groups, extract the arguments,
//! run it, and encode the answer.

mod answer;
mod checks;

use ferrodash_core::CallbackError;
use ferrodash_core::wire::{DepValue, Resolved, ResolvedProp, UpdateRequest};
use http::HeaderMap;

pub(crate) use answer::{Answer, encode, failed};

use crate::app::{AppInner, Registered};
use crate::callback::{CallbackRequest, SideUpdates, client_store_problem};
use crate::rejection::ProtocolError;

/// A request checked against the callback it names.
pub(crate) struct Checked<'a> {
    /// The callback.
    pub(crate) registered: &'a Registered,
    /// Its output string.
    pub(crate) output: String,
    /// The resolved outputs, lined up with the declared ones.
    pub(crate) outputs: Vec<Resolved<ResolvedProp>>,
    pub(crate) inputs: Vec<Resolved<DepValue>>,
    pub(crate) state: Vec<Resolved<DepValue>>,
    pub(crate) changed_prop_ids: Vec<String>,
}

/// Finds the callback `request` names and checks the request against it.
pub(crate) fn check<'a>(
    app: &'a AppInner,
    request: UpdateRequest,
    user: Option<&ferrodash_auth::Principal>,
) -> Result<Checked<'a>, ProtocolError> {
    let registered = app
        .callbacks
        .get(&request.output)
        .ok_or_else(|| ProtocolError::UnknownCallback(request.output.clone()))?;
    let spec = &registered.spec;
    checks::check_groups(spec, &registered.groups, user)?;
    let outputs = checks::match_outputs(spec, request.outputs)?;
    checks::check_dependencies(spec, "inputs", &spec.inputs, &request.inputs)?;
    checks::check_dependencies(spec, "state", &spec.state, &request.state)?;
    Ok(Checked {
        registered,
        output: request.output,
        outputs,
        inputs: request.inputs,
        state: request.state,
        changed_prop_ids: request.changed_prop_ids,
    })
}

/// Who asks, and where `set_props` updates go.
#[derive(Debug)]
pub(crate) struct Caller {
    pub(crate) headers: HeaderMap,
    pub(crate) user: Option<ferrodash_auth::Principal>,
    pub(crate) side_updates: SideUpdates,
    /// The connection of a WebSocket request.
    pub(crate) live: Option<crate::ws::LiveLink>,
}

/// Runs a checked (non-background) callback and encodes its answer.
pub(crate) async fn run(app: &AppInner, checked: Checked<'_>, caller: Caller) -> Answer {
    let registered = checked.registered;
    let spec = &registered.spec;
    let call = CallbackRequest {
        spec: spec.clone(),
        inputs: checked.inputs.into_iter().map(Some).collect(),
        state: checked.state.into_iter().map(Some).collect(),
        changed_prop_ids: checked.changed_prop_ids,
        side_updates: caller.side_updates.clone(),
        scope: app.scope_of(&caller.headers, caller.user.as_ref()),
        headers: caller.headers,
        user: caller.user,
        app_state: app.state.clone(),
        job: None,
        live: caller.live,
        next_input: 0,
        next_state: 0,
    };
    let started = std::time::Instant::now();
    let limit = app.config.limits.callback_timeout;
    let Ok(result) = tokio::time::timeout(limit, (registered.handler)(call)).await else {
        tracing::warn!(callback = %spec.name, ?limit, "callback stopped: it ran past its timeout");
        app.metrics
            .callback(registered.metrics_slot, started.elapsed(), true);
        return Answer::Refused(ProtocolError::CallbackTimeout {
            callback: spec.name.clone(),
            after: limit,
        });
    };
    let server_fault =
        matches!(&result, Err(e @ CallbackError::Failed(_)) if client_store_problem(e).is_none());
    app.metrics
        .callback(registered.metrics_slot, started.elapsed(), server_fault);
    match result {
        Ok(values) => encode(
            registered,
            &checked.outputs,
            values,
            caller.side_updates.take(),
        ),
        Err(CallbackError::PreventUpdate) => Answer::NoUpdate,
        Err(CallbackError::InvalidArgument { argument, problem }) => {
            Answer::Refused(ProtocolError::InvalidArgument {
                callback: spec.name.clone(),
                argument,
                problem,
            })
        }
        Err(error)
            if error
                .find_cause::<ferrodash_core::ServiceUnavailable>()
                .is_some() =>
        {
            tracing::warn!(callback = %spec.name, %error, "callback refused: a service it needs is down");
            Answer::Refused(ProtocolError::Unavailable(format!(
                "callback `{}`: {error}",
                spec.name
            )))
        }
        Err(error) => match client_store_problem(&error) {
            Some(problem) => Answer::Refused(ProtocolError::InvalidArgument {
                callback: spec.name.clone(),
                argument: "server-side store key".to_owned(),
                problem: problem.to_string(),
            }),
            None => failed(registered, &checked.outputs, &error),
        },
    }
}
