//! API tokens: a user's bearer tokens for programs acting for them (an AI
//! agent over MCP, a script). Only a SHA-256 of each token is stored; the
//! token itself is shown once, when it is issued.

use ferrodash_data::Query;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::users::{UserError, Users, params, principal_of};
use crate::{BearerTokens, BoxFuture, CredentialsError, Principal};

/// The table tokens live in (created with the users table).
pub(crate) const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS ferrodash_api_tokens (
    token_hash CHAR(64) NOT NULL PRIMARY KEY,
    user_name VARCHAR(100) NOT NULL,
    label VARCHAR(200) NOT NULL
)";

/// What every token starts with, so a leaked one is easy to recognise.
pub const TOKEN_PREFIX: &str = "fdt_";

fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `token` has the shape of an issued token.
fn well_formed(token: &str) -> bool {
    token
        .strip_prefix(TOKEN_PREFIX)
        .is_some_and(|rest| rest.len() == 64 && rest.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[derive(Debug, Deserialize)]
struct TokenRow {
    name: String,
    display_name: String,
    user_groups: String,
}

impl Users {
    /// Issues a new API token for `name`, labelled `label` (what it is
    /// for). The token is returned once and never stored: keep it secret.
    ///
    /// # Errors
    ///
    /// [`UserError::Unknown`] for an unknown user, [`UserError::Data`] when
    /// the database fails.
    pub async fn issue_token(&self, name: &str, label: &str) -> Result<String, UserError> {
        if !self.names().await?.iter().any(|n| n == name) {
            return Err(UserError::Unknown(name.to_owned()));
        }
        let secret: [u8; 32] = rand::random();
        let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        let token = format!("{TOKEN_PREFIX}{hex}");
        let label: String = label.chars().take(200).collect();
        self.bind()
            .run(Query::inline(
                "issue token",
                "INSERT INTO ferrodash_api_tokens (token_hash, user_name, label) \
                 VALUES (:token_hash, :user_name, :label)",
            ))
            .params(&params(&[
                ("token_hash", &token_hash(&token)),
                ("user_name", name),
                ("label", &label),
            ]))
            .execute()
            .await?;
        Ok(token)
    }

    /// Revokes every API token of `name`; answers how many there were.
    ///
    /// # Errors
    ///
    /// [`UserError::Data`] when the database fails.
    pub async fn revoke_tokens(&self, name: &str) -> Result<u64, UserError> {
        Ok(self
            .bind()
            .run(Query::inline(
                "revoke tokens",
                "DELETE FROM ferrodash_api_tokens WHERE user_name = :user_name",
            ))
            .params(&params(&[("user_name", name)]))
            .execute()
            .await?)
    }

    /// The user an API token belongs to; `None` for a token nobody has.
    ///
    /// # Errors
    ///
    /// [`UserError::Data`] when the database fails.
    pub async fn token_user(&self, token: &str) -> Result<Option<Principal>, UserError> {
        if !well_formed(token) {
            return Ok(None);
        }
        let row: Option<TokenRow> = self
            .bind()
            .run(Query::inline(
                "user by token",
                "SELECT u.name, u.display_name, u.user_groups \
                 FROM ferrodash_api_tokens t JOIN ferrodash_users u ON u.name = t.user_name \
                 WHERE t.token_hash = :token_hash",
            ))
            .params(&params(&[("token_hash", &token_hash(token))]))
            .fetch_optional()
            .await?;
        Ok(row.map(|r| principal_of(r.name, r.display_name, &r.user_groups)))
    }
}

impl BearerTokens for Users {
    fn verify<'a>(
        &'a self,
        token: &'a str,
    ) -> BoxFuture<'a, Result<Option<Principal>, CredentialsError>> {
        Box::pin(async move { self.token_user(token).await.map_err(CredentialsError::from) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn tokens_name_their_user_until_revoked() {
        let (users, file) = crate::users::tests::users().await;
        users
            .add("ada", "Ada", "a long enough password", &["admin"])
            .await
            .unwrap();
        let token = users.issue_token("ada", "agent").await.unwrap();
        assert!(well_formed(&token), "{token}");
        let ada = users.token_user(&token).await.unwrap().unwrap();
        assert_eq!(
            (ada.id.as_str(), ada.groups.clone()),
            ("ada", vec!["admin".to_owned()])
        );
        // Only a hash is stored.
        let stored: String = users
            .bind()
            .run(Query::inline(
                "h",
                "SELECT token_hash FROM ferrodash_api_tokens",
            ))
            .fetch_one()
            .await
            .unwrap();
        assert!(!token.contains(&stored) && stored.len() == 64);
        let mut altered = token.clone();
        let last = altered.pop().unwrap();
        altered.push(if last == '0' { '1' } else { '0' });
        for wrong in ["", "fdt_", "nope", &altered, &format!("{token}0")] {
            assert!(users.token_user(wrong).await.unwrap().is_none(), "{wrong}");
        }
        assert!(matches!(
            users.issue_token("bob", "x").await,
            Err(UserError::Unknown(_))
        ));
        assert_eq!(users.revoke_tokens("ada").await.unwrap(), 1);
        assert!(users.token_user(&token).await.unwrap().is_none());
        let _ = std::fs::remove_file(file);
    }
}
