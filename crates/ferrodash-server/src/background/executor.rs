//! Running a job from its serialized request, in whichever process takes
//! it.

use std::sync::Weak;
use std::time::Duration;

use ferrodash_cache::{CacheKey, Scope};
use ferrodash_core::wire::UpdateRequest;
use ferrodash_core::{CallbackError, CallbackOutputs};
use ferrodash_jobs::{BoxFuture, JobExecutor, JobLink, JobOutcome};
use http::{HeaderMap, HeaderName, HeaderValue, header};
use serde::{Deserialize, Serialize};

use crate::app::AppInner;
use crate::callback::{CallbackRequest, SideUpdates, client_store_problem};

/// Headers a job's request keeps: all but the credentials, which never go
/// into the queue's store.
fn kept_header(name: &HeaderName) -> bool {
    name != header::COOKIE && name != header::AUTHORIZATION && name != header::PROXY_AUTHORIZATION
}

/// A background callback's request as a queue stores it: what the page
/// sent (already checked against the callback's declaration), who sent it,
/// and where its result may be cached.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct JobPayload {
    /// The callback's output string, its dispatch key.
    pub(crate) output: String,
    /// The request body as the page sent it.
    pub(crate) body: String,
    /// The logged-in user.
    pub(crate) user: Option<ferrodash_auth::Principal>,
    /// The cache scope's user or tenant; `None` for the public scope.
    pub(crate) scope: Option<String>,
    /// The request's headers, credentials left out.
    pub(crate) headers: Vec<(String, String)>,
    /// Where the result is cached, when the callback caches results.
    pub(crate) cache: Option<CachedResult>,
}

/// A cached result's key and time to live.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct CachedResult {
    pub(crate) key: String,
    pub(crate) ttl_ms: u64,
}

impl JobPayload {
    /// The headers a job keeps of `headers`.
    pub(crate) fn headers_of(headers: &HeaderMap) -> Vec<(String, String)> {
        headers
            .iter()
            .filter(|(name, _)| kept_header(name))
            .filter_map(|(name, value)| {
                value
                    .to_str()
                    .ok()
                    .map(|v| (name.as_str().to_owned(), v.to_owned()))
            })
            .collect()
    }

    fn header_map(&self) -> HeaderMap {
        self.headers
            .iter()
            .filter_map(|(name, value)| {
                Some((
                    HeaderName::from_bytes(name.as_bytes()).ok()?,
                    HeaderValue::from_str(value).ok()?,
                ))
            })
            .collect()
    }

    fn scope(&self) -> Scope {
        self.scope.clone().map_or(Scope::Public, Scope::User)
    }
}

/// The scope's id for a payload.
pub(crate) fn scope_id(scope: &Scope) -> Option<String> {
    match scope {
        Scope::User(id) => Some(id.clone()),
        _ => None,
    }
}

/// How a callback's result ends a job.
fn outcome(result: Result<CallbackOutputs, CallbackError>) -> JobOutcome {
    match result {
        Ok(outputs) => JobOutcome::Done { outputs },
        Err(CallbackError::PreventUpdate) => JobOutcome::Prevented,
        Err(CallbackError::InvalidArgument { argument, problem }) => {
            JobOutcome::Invalid { argument, problem }
        }
        Err(error) => match client_store_problem(&error) {
            Some(problem) => JobOutcome::Invalid {
                argument: "server-side store key".to_owned(),
                problem: problem.to_string(),
            },
            None => JobOutcome::failed(error),
        },
    }
}

/// Runs an app's background callbacks from their payloads. It holds the
/// app weakly: a queue's workers stop once the app is dropped.
pub(crate) struct AppExecutor {
    pub(crate) app: Weak<AppInner>,
}

impl JobExecutor for AppExecutor {
    fn run(&self, payload: &str, link: JobLink) -> BoxFuture<'static, JobOutcome> {
        let failed = |message: String| -> BoxFuture<'static, JobOutcome> {
            Box::pin(std::future::ready(JobOutcome::Failed { message }))
        };
        let Some(app) = self.app.upgrade() else {
            return failed("the app has stopped".to_owned());
        };
        let payload: JobPayload = match serde_json::from_str(payload) {
            Ok(payload) => payload,
            Err(e) => return failed(format!("the job's request is unreadable: {e}")),
        };
        let Some(registered) = app.callbacks.get(&payload.output) else {
            return failed(format!(
                "this process has no callback with the output `{}`: every process sharing a job \
                 queue must run the same app",
                payload.output
            ));
        };
        let request = match UpdateRequest::from_slice(payload.body.as_bytes()) {
            Ok(request) => request,
            Err(e) => return failed(format!("the job's request is unreadable: {e}")),
        };
        let scope = payload.scope();
        let call = CallbackRequest {
            spec: registered.spec.clone(),
            inputs: request.inputs.into_iter().map(Some).collect(),
            state: request.state.into_iter().map(Some).collect(),
            changed_prop_ids: request.changed_prop_ids,
            side_updates: SideUpdates::Job(link.clone()),
            headers: payload.header_map(),
            user: payload.user.clone(),
            scope: scope.clone(),
            app_state: app.state.clone(),
            job: Some(link),
            live: None,
            next_input: 0,
            next_state: 0,
        };
        let handler = registered.handler.clone();
        let cache = app.cache.clone();
        let cached = payload
            .cache
            .as_ref()
            .and_then(|c| Some((CacheKey::from_token(&c.key, &scope).ok()?, c.ttl_ms)));
        drop(app);
        Box::pin(async move {
            if let Some((key, _)) = &cached
                && let Ok(Some(outputs)) = cache.get::<CallbackOutputs>(key).await
            {
                return JobOutcome::Done { outputs };
            }
            let result = handler(call).await;
            if let (Ok(outputs), Some((key, ttl_ms))) = (&result, &cached)
                && let Err(e) = cache
                    .set(key, outputs, Some(Duration::from_millis(*ttl_ms)))
                    .await
            {
                tracing::warn!(error = %e, "a background result could not be cached");
            }
            outcome(result)
        })
    }

    fn is_alive(&self) -> bool {
        self.app.strong_count() > 0
    }
}
