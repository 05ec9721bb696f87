//! A callback run's answer, independent of the transport: HTTP turns it
//! into a response, the WebSocket into a `callback_response` message.

use axum::response::{IntoResponse, Response};
use ferrodash_core::wire::{Resolved, ResolvedProp, UpdateResponse};
use ferrodash_core::{CallbackError, CallbackOutputs, is_no_update};
use http::StatusCode;
use serde_json::Value;

use crate::app::Registered;
use crate::callback::{CallbackFailure, PropsUpdate};
use crate::rejection::{Failure, ProtocolError, json_response};

/// What a callback run answers.
#[derive(Debug)]
pub(crate) enum Answer {
    /// The outputs and side updates: a 200 with this JSON body.
    Updated(Vec<u8>),
    /// Nothing to change (`PreventUpdate`, or nothing produced): 204.
    NoUpdate,
    /// The request was refused: 4xx (or 503).
    Refused(ProtocolError),
    /// The callback failed on the server: 500, already logged.
    Failed(Failure),
}

impl Answer {
    /// The answer as an HTTP response; failure details reach the browser
    /// only in debug mode.
    pub(crate) fn into_response(self, debug: bool) -> Response {
        match self {
            Self::Updated(body) => json_response(StatusCode::OK, body),
            Self::NoUpdate => StatusCode::NO_CONTENT.into_response(),
            Self::Refused(refusal) => refusal.into_response(),
            Self::Failed(failure) => failure.into_response(debug),
        }
    }
}

/// Why a callback's values did not fit its outputs.
enum Misfit {
    /// The value has the wrong shape: the callback's fault (500).
    Shape(String),
    /// An ALL output got another number of values than the request lists
    /// components for: the request's lists disagree with each other (the
    /// page sent outputs and inputs of different layouts), or the callback
    /// counted wrong; answered 400 naming both counts, and logged.
    Count { listed: usize, returned: usize },
}

fn set_value(
    response: &mut UpdateResponse,
    target: &Resolved<ResolvedProp>,
    value: Value,
) -> Result<(), Misfit> {
    if is_no_update(&value) {
        return Ok(());
    }
    match target {
        Resolved::One(p) => {
            response.set_output(&p.id, &p.property, value);
            Ok(())
        }
        Resolved::Many(props) => {
            let Value::Array(values) = value else {
                return Err(Misfit::Shape(format!(
                    "an ALL output needs a list of {} values",
                    props.len()
                )));
            };
            if values.len() != props.len() {
                return Err(Misfit::Count {
                    listed: props.len(),
                    returned: values.len(),
                });
            }
            for (p, v) in props.iter().zip(values) {
                if !is_no_update(&v) {
                    response.set_output(&p.id, &p.property, v);
                }
            }
            Ok(())
        }
    }
}

/// Encodes a callback's values for its outputs: outputs left unchanged are
/// left out, side updates go to `sideUpdate`.
pub(crate) fn encode(
    registered: &Registered,
    outputs: &[Resolved<ResolvedProp>],
    values: CallbackOutputs,
    side_updates: Vec<PropsUpdate>,
) -> Answer {
    let mut response = UpdateResponse::new();
    let result = match values {
        CallbackOutputs::None => Ok(()),
        CallbackOutputs::Single(v) => outputs
            .first()
            .map_or(Ok(()), |target| set_value(&mut response, target, v)),
        CallbackOutputs::Multi(vs) => outputs
            .iter()
            .zip(vs)
            .try_for_each(|(target, v)| set_value(&mut response, target, v)),
    };
    match result {
        Ok(()) => {}
        Err(Misfit::Shape(problem)) => {
            return Answer::Failed(Failure::new(
                &format!(
                    "callback `{}` returned values that do not fit its outputs",
                    registered.spec.name
                ),
                &problem,
            ));
        }
        Err(Misfit::Count { listed, returned }) => {
            tracing::warn!(
                callback = %registered.spec.name,
                listed,
                returned,
                "an ALL output's values do not match the components the request lists"
            );
            return Answer::Refused(ProtocolError::Mismatch {
                callback: registered.spec.name.clone(),
                problem: format!(
                    "the request lists {listed} components for an ALL output, and the callback \
                     returned {returned} values for them: the page's outputs and inputs \
                     disagree (or the callback counts them differently)"
                ),
            });
        }
    }
    for (id, props) in side_updates {
        response.set_props(id, props);
    }
    if (registered.spec.outputs.is_empty() || registered.background.is_some())
        && response.is_empty()
    {
        return Answer::NoUpdate;
    }
    Answer::Updated(response.to_bytes())
}

/// A failed callback's answer: its `on_error` handler's outputs when it has
/// one, else a failure; logged with a correlation id either way.
pub(crate) fn failed(
    registered: &Registered,
    outputs: &[Resolved<ResolvedProp>],
    error: &CallbackError,
) -> Answer {
    let what = format!("callback `{}` failed", registered.spec.name);
    let Some(on_error) = &registered.on_error else {
        return Answer::Failed(Failure::new(&what, &error.to_string()));
    };
    let correlation_id = uuid::Uuid::new_v4().simple().to_string();
    tracing::error!(correlation_id = %correlation_id, error = %error, "{what}; answered by its on_error handler");
    let failure = CallbackFailure {
        message: error.to_string(),
        correlation_id,
    };
    match on_error(&failure) {
        Ok(values) => encode(registered, outputs, values, Vec::new()),
        Err(CallbackError::PreventUpdate) => Answer::NoUpdate,
        Err(second) => Answer::Failed(Failure::new(
            &format!("{what}, and so did its on_error handler"),
            &second.to_string(),
        )),
    }
}
