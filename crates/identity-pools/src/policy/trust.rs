//! Trust-policy evaluation for `sts:AssumeRoleWithWebIdentity` from Cognito identity pools.

use serde::Serialize;

use super::context::Context;
use super::eval::{NamedPolicy, Principal, Request, evaluate_trust};
use super::explain::{Decision, Evaluation, NoMatch};

/// The federated principal Cognito identity pools assume roles as.
pub const COGNITO_IDENTITY: &str = "cognito-identity.amazonaws.com";
/// The identity pool id.
pub const KEY_AUD: &str = "cognito-identity.amazonaws.com:aud";
/// Multi-valued: `authenticated`/`unauthenticated` and the login providers.
pub const KEY_AMR: &str = "cognito-identity.amazonaws.com:amr";
/// The identity id.
pub const KEY_SUB: &str = "cognito-identity.amazonaws.com:sub";
pub const ASSUME_ACTION: &str = "sts:AssumeRoleWithWebIdentity";
pub const TAG_SESSION_ACTION: &str = "sts:TagSession";

/// What Cognito presents to STS when it assumes a role for an identity.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WebIdentity {
    /// The identity pool id (`aud`).
    pub identity_pool_id: String,
    /// The identity id (`sub`), `region:uuid`.
    pub identity_id: String,
    /// `amr`: "authenticated" or "unauthenticated", then for authenticated identities the
    /// provider entries (e.g. `cognito-idp.us-east-1.amazonaws.com/us-east-1_xxx` and
    /// `cognito-idp.us-east-1.amazonaws.com/us-east-1_xxx:CLIENT_ID:sub`).
    pub amr: Vec<String>,
    /// Principal tags passed as session tags (key, value).
    pub session_tags: Vec<(String, String)>,
}

impl WebIdentity {
    /// An authenticated identity; `providers` are the amr entries after "authenticated" (the
    /// login provider keys the identity signed in with, and their per-user entries).
    pub fn authenticated(pool_id: &str, identity_id: &str, providers: &[&str]) -> WebIdentity {
        let mut amr = vec!["authenticated".to_string()];
        amr.extend(providers.iter().map(|p| (*p).to_string()));
        WebIdentity {
            identity_pool_id: pool_id.to_string(),
            identity_id: identity_id.to_string(),
            amr,
            session_tags: Vec::new(),
        }
    }

    /// A guest identity.
    pub fn unauthenticated(pool_id: &str, identity_id: &str) -> WebIdentity {
        WebIdentity {
            identity_pool_id: pool_id.to_string(),
            identity_id: identity_id.to_string(),
            amr: vec!["unauthenticated".to_string()],
            session_tags: Vec::new(),
        }
    }

    /// The request context STS evaluates the trust policy with (and that the role's permission
    /// policies see as the session's keys and policy variables).
    pub fn context(&self) -> Context {
        let mut ctx = Context::new()
            .with(KEY_AUD, &self.identity_pool_id)
            .with(KEY_SUB, &self.identity_id)
            .with_values(KEY_AMR, self.amr.iter().cloned());
        if !self.session_tags.is_empty() {
            for (key, value) in &self.session_tags {
                ctx.insert(&format!("aws:RequestTag/{key}"), vec![value.clone()]);
                ctx.insert(&format!("aws:PrincipalTag/{key}"), vec![value.clone()]);
            }
            ctx.insert(
                "aws:TagKeys",
                self.session_tags.iter().map(|(k, _)| k.clone()).collect(),
            );
        }
        ctx
    }
}

/// The STS error a refused AssumeRoleWithWebIdentity gets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StsError {
    pub code: &'static str,
    pub message: String,
}

/// The trust decision: AssumeRoleWithWebIdentity, and sts:TagSession when tags are passed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustEvaluation {
    pub assume: Evaluation,
    pub tag_session: Option<Evaluation>,
}

impl TrustEvaluation {
    pub fn allowed(&self) -> bool {
        self.assume.allowed() && self.tag_session.as_ref().is_none_or(Evaluation::allowed)
    }

    /// What STS answers when it refuses (the same for every reason, as AWS does).
    pub fn sts_error(&self) -> Option<StsError> {
        if self.allowed() {
            return None;
        }
        let action = if self.assume.allowed() {
            TAG_SESSION_ACTION
        } else {
            ASSUME_ACTION
        };
        Some(StsError {
            code: "AccessDenied",
            message: format!("Not authorized to perform {action}"),
        })
    }

    /// For the console: why the trust policy refused, naming the failed condition(s) of the
    /// statements that would otherwise have allowed, or the deny that applied.
    pub fn refusal(&self) -> Option<String> {
        if self.allowed() {
            return None;
        }
        let eval = if self.assume.allowed() {
            self.tag_session.as_ref()?
        } else {
            &self.assume
        };
        if eval.decision == Decision::ExplicitDeny {
            return Some(eval.summary());
        }
        let failed = eval.failed_conditions();
        if !failed.is_empty() {
            let parts: Vec<String> = failed.iter().map(|(st, c)| format!("{st}: {c}")).collect();
            return Some(format!("{}: {}", eval.action, parts.join("; ")));
        }
        let reasons: Vec<String> = eval
            .not_applying()
            .filter(|(st, why)| {
                st.effect == super::document::Effect::Allow
                    && !matches!(why, NoMatch::Conditions(_))
            })
            .map(|(st, why)| format!("{st}: {why}"))
            .collect();
        if reasons.is_empty() {
            Some(eval.summary())
        } else {
            Some(format!("{}: {}", eval.action, reasons.join("; ")))
        }
    }
}

/// Evaluates a role's trust policy for Cognito's AssumeRoleWithWebIdentity.
pub fn evaluate_web_identity(trust: &NamedPolicy, identity: &WebIdentity) -> TrustEvaluation {
    let context = identity.context();
    let principal = Principal::federated(COGNITO_IDENTITY);
    let request = |action| Request {
        action,
        resource: None,
        principal: Some(&principal),
        context: &context,
    };
    TrustEvaluation {
        assume: evaluate_trust(trust, &request(ASSUME_ACTION)),
        tag_session: (!identity.session_tags.is_empty())
            .then(|| evaluate_trust(trust, &request(TAG_SESSION_ACTION))),
    }
}
