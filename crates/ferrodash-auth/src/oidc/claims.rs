//! From checked ID token claims to a [`Principal`].

use serde_json::Value;

use super::config::{OidcConfig, OidcIds};
use super::error::IdTokenError;
use super::id_token::Claims;
use crate::session::Principal;

/// The principal the claims describe: the id from `sub` (see
/// [`OidcIds`]), the name from the first of the configured name claims
/// that holds a non-empty string (else `sub`), the groups from the
/// configured groups claim.
///
/// The groups claim is read when it is an array of strings (other items
/// are skipped) or a single string; any other value, or none, gives no
/// groups. Claim names are taken as they are: `realm_access.roles` is a
/// claim with a dot in its name, not a path.
pub(crate) fn principal(
    claims: &Claims,
    issuer: &str,
    config: &OidcConfig,
) -> Result<Principal, IdTokenError> {
    let sub = claims
        .get("sub")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or(IdTokenError::MissingClaim("sub"))?;
    let id = match config.ids {
        OidcIds::IssuerAndSubject => format!("{issuer}#{sub}"),
        OidcIds::Subject => sub.to_owned(),
    };
    let name = config
        .name_claims
        .iter()
        .find_map(|claim| {
            claims
                .get(claim)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
        })
        .unwrap_or(sub);
    let groups = config
        .groups_claim
        .as_ref()
        .and_then(|claim| claims.get(claim))
        .map_or_else(Vec::new, groups);
    Ok(Principal::new(id, name).with_groups(groups))
}

fn groups(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .filter(|g| !g.is_empty())
            .map(str::to_owned)
            .collect(),
        Value::String(group) if !group.is_empty() => vec![group.clone()],
        _ => {
            tracing::debug!("the ID token's groups claim is neither a string nor an array");
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const ISSUER: &str = "http://127.0.0.1:1";

    fn config() -> OidcConfig {
        OidcConfig::new(ISSUER, "app", "http://127.0.0.1:2/cb")
    }

    fn claims(value: Value) -> Claims {
        match value {
            Value::Object(map) => map,
            _ => Claims::new(),
        }
    }

    fn map(value: Value, config: &OidcConfig) -> Result<Principal, IdTokenError> {
        principal(&claims(value), ISSUER, config)
    }

    #[test]
    fn maps_id_name_and_groups() {
        let p = map(
            json!({"sub": "u-1", "preferred_username": "alice", "name": "Alice L.",
                   "email": "alice@example.test", "groups": ["staff", "admin"]}),
            &config(),
        );
        assert_eq!(
            p,
            Ok(Principal::new("u-1", "alice").with_groups(["staff", "admin"]))
        );
    }

    #[test]
    fn name_falls_back_in_order_then_to_sub() {
        let c = config();
        let name = |v| map(v, &c).map(|p| p.name);
        assert_eq!(
            name(json!({"sub": "u", "name": "Alice", "email": "a@x"})),
            Ok("Alice".to_owned())
        );
        assert_eq!(
            name(json!({"sub": "u", "preferred_username": " ", "email": "a@x"})),
            Ok("a@x".to_owned())
        );
        assert_eq!(name(json!({"sub": "u", "name": 5})), Ok("u".to_owned()));
        let c = config().with_name_claims(["email"]);
        assert_eq!(
            map(json!({"sub": "u", "name": "Alice", "email": "a@x"}), &c).map(|p| p.name),
            Ok("a@x".to_owned())
        );
    }

    #[test]
    fn groups_from_the_configured_claim_only() {
        let groups = |v, c: &OidcConfig| map(v, c).map(|p| p.groups);
        let c = config();
        assert_eq!(groups(json!({"sub": "u"}), &c), Ok(vec![]));
        assert_eq!(
            groups(json!({"sub": "u", "groups": "staff"}), &c),
            Ok(vec!["staff".to_owned()])
        );
        assert_eq!(
            groups(json!({"sub": "u", "groups": ["a", 1, null, "", "b"]}), &c),
            Ok(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(
            groups(json!({"sub": "u", "groups": {"a": true}}), &c),
            Ok(vec![])
        );
        let roles = config().with_groups_claim("roles");
        assert_eq!(
            groups(json!({"sub": "u", "groups": ["g"], "roles": ["r"]}), &roles),
            Ok(vec!["r".to_owned()])
        );
        let none = config().without_groups_claim();
        assert_eq!(
            groups(json!({"sub": "u", "groups": ["g"]}), &none),
            Ok(vec![])
        );
    }

    #[test]
    fn ids_plain_or_issuer_qualified() {
        let v = json!({"sub": "u-1"});
        assert_eq!(
            map(v.clone(), &config()).map(|p| p.id),
            Ok("u-1".to_owned())
        );
        let c = config().with_ids(OidcIds::IssuerAndSubject);
        assert_eq!(map(v, &c).map(|p| p.id), Ok(format!("{ISSUER}#u-1")));
        assert_eq!(
            map(json!({"sub": ""}), &c),
            Err(IdTokenError::MissingClaim("sub"))
        );
    }
}
