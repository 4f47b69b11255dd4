//! Session policies, as STS takes them on `AssumeRoleWithWebIdentity` and `AssumeRoleWithSAML`:
//! an inline `Policy` (JSON, validated as a role's permission policy is) and up to ten managed
//! policy ARNs (`PolicyArns`). The session may do only what the role's policies and a session
//! policy both allow ([`crate::policy::evaluate_session`]).
//!
//! Managed policies: Poolhouse keeps no managed policies of its own (its roles hold inline
//! policies only), so the one managed ARN it resolves is the AWS managed policy it carries,
//! `AmazonCognitoUnAuthedIdentitiesSessionPolicy` (the guest scope-down's managed part). Any other
//! ARN is refused with STS's `MalformedPolicyDocument`, naming the ARN: a session evaluated
//! without a policy it was given would be wider than on AWS, and a silent "not evaluated" would
//! hide that.
//!
//! The packed size: STS packs the session policies and tags into the session token and refuses
//! them (`PackedPolicyTooLarge`) past its budget; the documented rule is that the plaintext of
//! the inline and managed session policies together is at most 2,048 characters. Poolhouse
//! counts that plaintext (the inline policy without its insignificant whitespace, and the ARNs)
//! and answers the share of it used as `PackedPolicySize`.

use serde::{Deserialize, Serialize};

use crate::policy::{NamedPolicy, PolicyDocument, PolicyKind};

/// STS's bound on `PolicyArns`.
pub const MAX_POLICY_ARNS: usize = 10;
/// The plaintext budget of the session policies together.
pub const MAX_PLAINTEXT_CHARS: usize = 2048;
/// The AWS managed policy Poolhouse can resolve.
pub const COGNITO_UNAUTHED_ARN: &str =
    "arn:aws:iam::aws:policy/service-role/AmazonCognitoUnAuthedIdentitiesSessionPolicy";

/// `AmazonCognitoUnAuthedIdentitiesSessionPolicy` (v3): the managed part of the guest scope-down.
const COGNITO_UNAUTHED_POLICY: &str = concat!(
    r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [
"#,
    super::unauthed::cognito_unauthed_actions!(),
    r#"      ],
      "Resource": "*"
    }
  ]
}"#
);

/// The name the explanation gives the inline session policy.
pub const INLINE_NAME: &str = "session policy (Policy)";

/// The session policies a credential was issued with, as stored beside it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SessionPolicy {
    /// The inline policy's text, as passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// The managed policies' ARNs, in the request's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy_arns: Vec<String>,
}

/// Why session policies were refused (STS's codes).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// `MalformedPolicyDocument`: the inline policy does not parse or validate, or a managed
    /// ARN names no policy Poolhouse holds; `field` is the member.
    #[error("{message}")]
    Malformed { field: String, message: String },
    /// `PackedPolicyTooLarge`, with the share of the budget used.
    #[error("Packed policy consumes {percent}% of allotted space, please use smaller policy.")]
    TooLarge { percent: usize },
    /// `ValidationError` (a bound of botocore's model): `field` and the constraint.
    #[error("{message}")]
    Validation { field: String, message: String },
}

impl SessionPolicy {
    /// The session policies of a request, checked as STS checks them. `None` when the request
    /// passes none.
    pub fn check(policy: Option<&str>, arns: &[String]) -> Result<Option<SessionPolicy>, Error> {
        if arns.len() > MAX_POLICY_ARNS {
            return Err(Error::Validation {
                field: "PolicyArns".into(),
                message: format!(
                    "1 validation error detected: Value at 'policyArns' failed to satisfy \
                     constraint: Member must have length less than or equal to \
                     {MAX_POLICY_ARNS} (got {})",
                    arns.len()
                ),
            });
        }
        for (i, arn) in arns.iter().enumerate() {
            if !(20..=2048).contains(&arn.chars().count()) {
                return Err(Error::Validation {
                    field: format!("PolicyArns.member.{}.arn", i + 1),
                    message: format!(
                        "1 validation error detected: Value '{arn}' at 'policyArns.{}.member.arn' \
                         failed to satisfy constraint: Member must have length between 20 and \
                         2048",
                        i + 1
                    ),
                });
            }
        }
        if let Some(text) = policy {
            let n = text.chars().count();
            let bad_char = text
                .chars()
                .any(|c| !matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{ff}'));
            if !(1..=MAX_PLAINTEXT_CHARS).contains(&n) || bad_char {
                return Err(Error::Validation {
                    field: "Policy".into(),
                    message: format!(
                        "1 validation error detected: Value at 'policy' failed to satisfy \
                         constraint: {}",
                        if bad_char {
                            "Member must satisfy regular expression pattern: \
                             [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"
                                .to_string()
                        } else {
                            format!("Member must have length between 1 and {MAX_PLAINTEXT_CHARS}")
                        }
                    ),
                });
            }
        }
        if policy.is_none() && arns.is_empty() {
            return Ok(None);
        }
        let session = SessionPolicy {
            policy: policy.map(str::to_string),
            policy_arns: arns.to_vec(),
        };
        // Parsed now so that a bad one is refused before the token is read.
        session.policies()?;
        let percent = session.packed_percent();
        if percent > 100 {
            return Err(Error::TooLarge { percent });
        }
        Ok(Some(session))
    }

    /// The policies to evaluate: the inline one, then each managed one by its ARN.
    pub fn policies(&self) -> Result<Vec<NamedPolicy>, Error> {
        let mut out = Vec::new();
        if let Some(text) = &self.policy {
            // Refused as a role's permission policy is (`roles::parse_policy`): the member,
            // then where in the document and why.
            let doc = PolicyDocument::parse(text, PolicyKind::Permissions).map_err(|e| {
                Error::Malformed {
                    field: "Policy".into(),
                    message: domain::FieldError::new("Policy", e.to_string()).to_string(),
                }
            })?;
            out.push(NamedPolicy::new(INLINE_NAME, doc));
        }
        for (i, arn) in self.policy_arns.iter().enumerate() {
            let field = format!("PolicyArns.member.{}.arn", i + 1);
            if arn != COGNITO_UNAUTHED_ARN {
                return Err(Error::Malformed {
                    field,
                    message: format!(
                        "Policy {arn} does not exist or is not attachable. Poolhouse holds no \
                         managed policies but {COGNITO_UNAUTHED_ARN}: pass the policy inline \
                         (Policy) instead."
                    ),
                });
            }
            let doc = PolicyDocument::parse(COGNITO_UNAUTHED_POLICY, PolicyKind::Permissions)
                .map_err(|e| Error::Malformed {
                    field,
                    message: e.to_string(),
                })?;
            out.push(NamedPolicy::new(&format!("session policy {arn}"), doc));
        }
        Ok(out)
    }

    /// The share of STS's plaintext budget the session policies use, in percent (rounded up).
    pub fn packed_percent(&self) -> usize {
        let inline = self.policy.as_deref().map_or(0, |t| {
            serde_json::from_str::<serde_json::Value>(t)
                .map(|v| v.to_string().chars().count())
                .unwrap_or_else(|_| t.chars().count())
        });
        let arns: usize = self.policy_arns.iter().map(|a| a.chars().count()).sum();
        (inline + arns)
            .saturating_mul(100)
            .div_ceil(MAX_PLAINTEXT_CHARS)
    }

    /// The stored form (JSON).
    pub fn to_stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// Reads the stored form back.
    pub fn from_stored(text: &str) -> Result<SessionPolicy, String> {
        serde_json::from_str(text).map_err(|e| format!("stored session policy is unreadable: {e}"))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::policy::{Context, Decision, ImplicitReason, Request, evaluate_session};

    const ROLE: &str = r#"{"Version":"2012-10-17","Statement":[
        {"Effect":"Allow","Action":["s3:*","dynamodb:GetItem"],"Resource":"*"}]}"#;

    fn ask<'a>(action: &'a str, ctx: &'a Context) -> Request<'a> {
        Request {
            action,
            resource: Some("arn:aws:s3:::bucket/key"),
            principal: None,
            context: ctx,
        }
    }

    #[test]
    fn the_session_may_do_what_both_allow() {
        let role = vec![NamedPolicy::new(
            "role",
            PolicyDocument::parse(ROLE, PolicyKind::Permissions).unwrap(),
        )];
        let s = SessionPolicy::check(
            Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#),
            &[],
        )
        .unwrap()
        .unwrap();
        let session = s.policies().unwrap();
        let ctx = Context::new();
        let yes = evaluate_session(&role, None, &session, &ask("s3:GetObject", &ctx));
        assert_eq!(yes.decision, Decision::Allowed);
        let no = evaluate_session(&role, None, &session, &ask("s3:PutObject", &ctx));
        assert_eq!(no.decision, Decision::ImplicitDeny);
        assert_eq!(
            no.implicit_reason,
            Some(ImplicitReason::SessionPolicyDoesNotAllow)
        );
        assert!(no.summary().contains(INLINE_NAME), "{}", no.summary());
        // The session policy cannot widen the role.
        let wide = SessionPolicy::check(
            Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#),
            &[],
        )
        .unwrap()
        .unwrap()
        .policies()
        .unwrap();
        let iam = evaluate_session(&role, None, &wide, &ask("iam:CreateUser", &ctx));
        assert_eq!(iam.implicit_reason, Some(ImplicitReason::NoStatementAllows));
    }

    #[test]
    fn a_deny_in_the_session_policy_wins_and_is_named() {
        let role = vec![NamedPolicy::new(
            "role",
            PolicyDocument::parse(ROLE, PolicyKind::Permissions).unwrap(),
        )];
        let s = SessionPolicy::check(
            Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"NoDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}"#),
            &[],
        )
        .unwrap()
        .unwrap();
        let ctx = Context::new();
        let e = evaluate_session(
            &role,
            None,
            &s.policies().unwrap(),
            &ask("s3:DeleteObject", &ctx),
        );
        assert_eq!(e.decision, Decision::ExplicitDeny);
        assert_eq!(e.deciding[0].policy, INLINE_NAME);
        assert_eq!(e.deciding[0].sid.as_deref(), Some("NoDelete"));
    }

    #[test]
    fn managed_arns_resolve_only_when_known() {
        let known = SessionPolicy::check(None, &[COGNITO_UNAUTHED_ARN.to_string()])
            .unwrap()
            .unwrap();
        assert_eq!(known.policies().unwrap().len(), 1);
        let unknown = "arn:aws:iam::123456789012:policy/ReadOnly".to_string();
        match SessionPolicy::check(None, &[COGNITO_UNAUTHED_ARN.to_string(), unknown.clone()]) {
            Err(Error::Malformed { field, message }) => {
                assert_eq!(field, "PolicyArns.member.2.arn");
                assert!(message.contains(&unknown), "{message}");
            }
            other => panic!("{other:?}"),
        }
        let eleven = vec![COGNITO_UNAUTHED_ARN.to_string(); 11];
        assert!(matches!(
            SessionPolicy::check(None, &eleven),
            Err(Error::Validation { .. })
        ));
    }

    #[test]
    fn bad_inline_policies_are_refused_as_roles_refuse_them() {
        match SessionPolicy::check(
            Some(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}"#,
            ),
            &[],
        ) {
            Err(Error::Malformed { field, message }) => {
                assert_eq!(field, "Policy");
                assert!(message.contains("Resource"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            SessionPolicy::check(Some(""), &[]),
            Err(Error::Validation { .. })
        ));
        assert_eq!(SessionPolicy::check(None, &[]).unwrap(), None);
    }

    #[test]
    fn the_packed_size_counts_the_plaintext_together() {
        // About 1,780 characters of policy, and four ARNs: over the budget together.
        let actions: Vec<String> = (0..100).map(|i| format!("\"s3:Get{i:08}\"")).collect();
        let text = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{}],"Resource":"*"}}]}}"#,
            actions.join(",")
        );
        assert!(text.len() < MAX_PLAINTEXT_CHARS, "{}", text.len());
        let alone = SessionPolicy::check(Some(&text), &[]).unwrap().unwrap();
        assert!(alone.packed_percent() <= 100);
        let arns = vec![COGNITO_UNAUTHED_ARN.to_string(); 4];
        match SessionPolicy::check(Some(&text), &arns) {
            Err(Error::TooLarge { percent }) => assert!(percent > 100),
            other => panic!("{other:?}"),
        }
        let stored = alone.to_stored();
        assert_eq!(SessionPolicy::from_stored(&stored).unwrap(), alone);
    }
}
