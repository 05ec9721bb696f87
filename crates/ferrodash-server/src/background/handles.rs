//! Job and cache-key handles: signed, bound to the page load (`end_id`), to
//! the logged-in user and to an expiry time, so a forged, foreign or stale
//! handle is refused.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::signing::Signer;

/// Why a background job handle was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HandleProblem {
    /// Not signed by this app for this page load.
    Invalid,
    /// Past its expiry time.
    Expired,
}

/// A verified job handle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JobHandle {
    pub(crate) job_id: String,
}

/// Signs and checks handles for one page load.
#[derive(Debug)]
pub(crate) struct Handles<'a> {
    pub(crate) signer: &'a Signer,
    /// The page's verified `end_id` value; empty when it did not verify.
    pub(crate) end_id: String,
    /// The logged-in user's id; empty without a login.
    pub(crate) user: &'a str,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Handles<'_> {
    fn scope(&self, kind: &str) -> String {
        // The id's length first, so no end id and user id pair reads as
        // another.
        format!("{kind}:{}:{}:{}", self.user.len(), self.user, self.end_id)
    }

    /// A job handle valid until `expires_in_secs` from now.
    pub(crate) fn job(&self, job_id: &str, expires_in_secs: u64) -> String {
        let value = format!("{job_id}.{}", now().saturating_add(expires_in_secs));
        self.signer.sign(&self.scope("job"), &value)
    }

    /// A cache-key handle.
    pub(crate) fn cache_key(&self, key: &str) -> String {
        self.signer.sign(&self.scope("cacheKey"), key)
    }

    /// Checks a job handle for this page load.
    pub(crate) fn verify_job(&self, handle: &str) -> Result<JobHandle, HandleProblem> {
        if self.end_id.is_empty() {
            return Err(HandleProblem::Invalid);
        }
        let value = self
            .signer
            .verify(&self.scope("job"), handle)
            .ok_or(HandleProblem::Invalid)?;
        let (job_id, expires) = value.rsplit_once('.').ok_or(HandleProblem::Invalid)?;
        let expires: u64 = expires.parse().map_err(|_| HandleProblem::Invalid)?;
        if now() > expires {
            return Err(HandleProblem::Expired);
        }
        Ok(JobHandle {
            job_id: job_id.to_owned(),
        })
    }

    /// Checks a cache-key handle for this page load.
    pub(crate) fn verify_cache_key(&self, handle: &str) -> Result<String, HandleProblem> {
        if self.end_id.is_empty() {
            return Err(HandleProblem::Invalid);
        }
        self.signer
            .verify(&self.scope("cacheKey"), handle)
            .map(str::to_owned)
            .ok_or(HandleProblem::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_bound_to_the_page_and_the_user_and_expire() {
        let signer = Signer::new(Some(b"k"));
        let page = Handles {
            signer: &signer,
            end_id: "page-a".to_owned(),
            user: "alice",
        };
        let other = Handles {
            signer: &signer,
            end_id: "page-b".to_owned(),
            user: "alice",
        };
        let other_user = Handles {
            signer: &signer,
            end_id: "page-a".to_owned(),
            user: "bob",
        };
        let handle = page.job("j1", 60);
        assert_eq!(
            page.verify_job(&handle),
            Ok(JobHandle {
                job_id: "j1".to_owned()
            })
        );
        assert_eq!(other.verify_job(&handle), Err(HandleProblem::Invalid));
        assert_eq!(other_user.verify_job(&handle), Err(HandleProblem::Invalid));
        assert_eq!(
            page.verify_job("j1.99999999999~00"),
            Err(HandleProblem::Invalid)
        );
        let expired = signer.sign("job:5:alice:page-a", "j1.1");
        assert_eq!(page.verify_job(&expired), Err(HandleProblem::Expired));
        let nobody = Handles {
            signer: &signer,
            end_id: String::new(),
            user: "alice",
        };
        assert_eq!(nobody.verify_job(&handle), Err(HandleProblem::Invalid));
        let key = page.cache_key("abc");
        assert_eq!(page.verify_cache_key(&key), Ok("abc".to_owned()));
        assert_eq!(other.verify_cache_key(&key), Err(HandleProblem::Invalid));
    }
}
