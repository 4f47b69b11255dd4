//! Several logins in one `GetCredentialsForIdentity`: which login's role mapping decides.
//!
//! Cognito documents how one login's role is resolved (role mappings are per provider: a user
//! pool's by `<provider>:<app client id>`, the others' by provider name) but not which login
//! decides when the Logins map holds several. Poolhouse's rule, the same for every caller:
//!
//! 1. logins are taken in the Logins map's key order (a JSON object has no order of its own);
//! 2. a login whose provider has a role mapping decides over logins that have none (those would
//!    only give the pool's default authenticated role, which a role mapping refines);
//! 3. among several logins with role mappings, each is resolved; a mapping that chose a role
//!    (a rule, the token's roles, `CustomRoleArn`) counts over one that fell back to the
//!    default role (`AmbiguousRoleResolution: AuthenticatedRole`), and a login refused by its
//!    own mapping does not veto the others. When the roles that count are one role, the first
//!    login yielding it decides; when they are different roles, the request is refused with
//!    `InvalidParameterException` naming each provider and its role — `CustomRoleArn` chooses
//!    among them, since each mapping then resolves to that role or refuses;
//! 4. when none yields a role, the first mapped login decides, and its refusal is the answer.

use serde_json::{Map, Value};

use super::model::{RoleMappings, Roles};
use super::resolve::{
    Decision, INVALID_PARAMETER, Login, Refusal, Request, RoleSource, mapping_for, resolve,
};

/// A verified login: its provider (Logins key) and its token's claims.
pub type LoginClaims<'a> = (&'a str, &'a Map<String, Value>);

/// The index in `logins` of the login whose role mapping decides (see the module's rule), or
/// the refusal when logins with role mappings yield different roles. `logins` is in the Logins
/// map's key order; an empty list is for guests and answers 0.
pub fn deciding_login(
    roles: &Roles,
    role_mappings: &RoleMappings,
    logins: &[LoginClaims<'_>],
    custom_role_arn: Option<&str>,
) -> Result<usize, Refusal> {
    let mapped: Vec<usize> = (0..logins.len())
        .filter(|&i| mapping_for(role_mappings, logins[i].0, logins[i].1).is_some())
        .collect();
    let (Some(&first), true) = (mapped.first(), mapped.len() > 1) else {
        return Ok(mapped.first().copied().unwrap_or(0));
    };
    // (login, role, whether its mapping chose the role rather than falling back)
    let mut yielded: Vec<(usize, String, bool)> = Vec::new();
    for &i in &mapped {
        let (provider, claims) = logins[i];
        let explanation = resolve(&Request {
            roles,
            role_mappings,
            login: Login::Provider { provider, claims },
            custom_role_arn,
        });
        if let Decision::Role { role_arn, source } = explanation.decision {
            let chosen = source != RoleSource::AmbiguousAuthenticatedRole;
            yielded.push((i, role_arn, chosen));
        }
    }
    if yielded.iter().any(|(_, _, chosen)| *chosen) {
        yielded.retain(|(_, _, chosen)| *chosen);
    }
    let yielded: Vec<(usize, String)> = yielded.into_iter().map(|(i, r, _)| (i, r)).collect();
    let Some((chosen, role)) = yielded.first().cloned() else {
        return Ok(first);
    };
    if yielded.iter().all(|(_, r)| *r == role) {
        return Ok(chosen);
    }
    let pairs: Vec<String> = yielded
        .iter()
        .map(|(i, r)| format!("{} → {r}", logins[*i].0))
        .collect();
    Err(Refusal {
        code: INVALID_PARAMETER.to_owned(),
        message: format!(
            "Logins: the logins' role mappings give different roles ({}); pass the role wanted \
             as CustomRoleArn, or log in with one of these providers.",
            pairs.join(", ")
        ),
        reason: "several logins have role mappings that give different roles".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use serde_json::json;

    use super::*;
    use crate::mapping::RoleMapping;

    const UP: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC";
    const OIDC: &str = "login.example.com";
    const GOOGLE: &str = "accounts.google.com";
    const ADMIN: &str = "arn:aws:iam::123456789012:role/Admin";
    const READER: &str = "arn:aws:iam::123456789012:role/Reader";

    fn rules(claim: &str, value: &str, role: &str) -> RoleMapping {
        serde_json::from_value(json!({"Type": "Rules", "AmbiguousRoleResolution": "Deny",
            "RulesConfiguration": {"Rules": [
                {"Claim": claim, "MatchType": "Equals", "Value": value, "RoleARN": role}]}}))
        .unwrap()
    }

    fn claims(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn a_mapped_login_decides_over_an_unmapped_one() {
        let roles = Roles::from([("authenticated".to_string(), READER.to_string())]);
        let mappings = RoleMappings::from([(OIDC.to_string(), rules("dept", "ops", ADMIN))]);
        let (g, o) = (claims(json!({"sub": "g"})), claims(json!({"dept": "ops"})));
        let logins = [(GOOGLE, &g), (OIDC, &o)];
        assert_eq!(deciding_login(&roles, &mappings, &logins, None), Ok(1));
        // No mapping at all: the first login, as before.
        assert_eq!(
            deciding_login(&roles, &RoleMappings::new(), &logins, None),
            Ok(0)
        );
        assert_eq!(deciding_login(&roles, &mappings, &[], None), Ok(0));
    }

    #[test]
    fn mapped_logins_that_disagree_are_refused_unless_custom_role_arn_chooses() {
        let roles = Roles::from([("authenticated".to_string(), READER.to_string())]);
        let mappings = RoleMappings::from([
            (OIDC.to_string(), rules("dept", "ops", ADMIN)),
            (format!("{UP}:app"), rules("tier", "gold", READER)),
        ]);
        let o = claims(json!({"dept": "ops"}));
        let u = claims(json!({"aud": "app", "tier": "gold"}));
        let logins = [(UP, &u), (OIDC, &o)];
        let e = deciding_login(&roles, &mappings, &logins, None).unwrap_err();
        assert_eq!(e.code, INVALID_PARAMETER);
        assert!(
            e.message.contains(&format!("{OIDC} → {ADMIN}"))
                && e.message.contains(&format!("{UP} → {READER}")),
            "{}",
            e.message
        );
        assert_eq!(
            deciding_login(&roles, &mappings, &logins, Some(ADMIN)),
            Ok(1)
        );
        assert_eq!(
            deciding_login(&roles, &mappings, &logins, Some(READER)),
            Ok(0)
        );
        // One mapping refuses (no rule matches, Deny): the other decides.
        let silver = claims(json!({"aud": "app", "tier": "silver"}));
        assert_eq!(
            deciding_login(&roles, &mappings, &[(UP, &silver), (OIDC, &o)], None),
            Ok(1)
        );
        // A mapping that fell back to the default role yields to one whose rule matched.
        let mut lenient = mappings.clone();
        lenient.insert(
            format!("{UP}:app"),
            serde_json::from_value(json!({"Type": "Rules",
                "AmbiguousRoleResolution": "AuthenticatedRole",
                "RulesConfiguration": {"Rules": [{"Claim": "tier", "MatchType": "Equals",
                    "Value": "gold", "RoleARN": READER}]}}))
            .unwrap(),
        );
        assert_eq!(
            deciding_login(&roles, &lenient, &[(UP, &silver), (OIDC, &o)], None),
            Ok(1)
        );
        // Both refuse: the first mapped login's refusal is the answer.
        let none = claims(json!({"dept": "sales"}));
        assert_eq!(
            deciding_login(&roles, &mappings, &[(UP, &silver), (OIDC, &none)], None),
            Ok(0)
        );
    }
}
