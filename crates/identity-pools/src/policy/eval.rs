//! Evaluating a request: explicit Deny wins, then an Allow from some statement (and from the
//! scope-down policy when there is one), else the implicit deny.

use serde::Serialize;

use super::context::Context;
use super::document::{Effect, PolicyDocument, PrincipalType, Statement};
use super::explain::{
    Decision, Evaluation, ImplicitReason, NoMatch, Outcome, PolicyRole, StatementOutcome,
    StatementRef,
};

/// Who makes the request (trust policies only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Principal {
    pub kind: PrincipalType,
    pub id: String,
}

impl Principal {
    pub fn federated(id: &str) -> Principal {
        Principal {
            kind: PrincipalType::Federated,
            id: id.to_string(),
        }
    }
}

/// What is asked.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `service:Action`, matched case-insensitively.
    pub action: &'a str,
    /// The resource ARN (none for trust policies).
    pub resource: Option<&'a str>,
    /// The caller (trust policies).
    pub principal: Option<&'a Principal>,
    pub context: &'a Context,
}

/// A policy with the name the explanation calls it by.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedPolicy {
    pub name: String,
    pub document: PolicyDocument,
}

impl NamedPolicy {
    pub fn new(name: &str, document: PolicyDocument) -> NamedPolicy {
        NamedPolicy {
            name: name.to_string(),
            document,
        }
    }
}

/// Evaluates `request` against a role's permission policies and, for guests, the scope-down
/// policy that must also allow.
pub fn evaluate(
    policies: &[NamedPolicy],
    scope_down: Option<&NamedPolicy>,
    request: &Request<'_>,
) -> Evaluation {
    evaluate_session(policies, scope_down, &[], request)
}

/// Evaluates `request` for a session: the role's permission policies, the guest scope-down
/// (when there is one) and the session policies the caller passed to STS (`Policy`,
/// `PolicyArns`). The session may do what the role's policies allow *and* (when any are given)
/// some session policy allows — their intersection, as STS has it; a Deny in any of them wins.
pub fn evaluate_session(
    policies: &[NamedPolicy],
    scope_down: Option<&NamedPolicy>,
    session: &[NamedPolicy],
    request: &Request<'_>,
) -> Evaluation {
    let action = request.action.to_ascii_lowercase();
    let mut statements = Vec::new();
    for policy in policies {
        outcomes(
            policy,
            PolicyRole::Permission,
            &action,
            request,
            &mut statements,
        );
    }
    if let Some(policy) = scope_down {
        outcomes(
            policy,
            PolicyRole::ScopeDown,
            &action,
            request,
            &mut statements,
        );
    }
    for policy in session {
        outcomes(
            policy,
            PolicyRole::Session,
            &action,
            request,
            &mut statements,
        );
    }
    decide(
        request,
        statements,
        scope_down.is_some(),
        !session.is_empty(),
    )
}

/// Evaluates `request` against a trust policy.
pub fn evaluate_trust(trust: &NamedPolicy, request: &Request<'_>) -> Evaluation {
    let action = request.action.to_ascii_lowercase();
    let mut statements = Vec::new();
    outcomes(trust, PolicyRole::Trust, &action, request, &mut statements);
    decide(request, statements, false, false)
}

/// Only the decision, without the explanation (the hot path; same logic as [`evaluate`]).
pub fn decide_only(
    policies: &[NamedPolicy],
    scope_down: Option<&NamedPolicy>,
    request: &Request<'_>,
) -> Decision {
    let action = request.action.to_ascii_lowercase();
    let verdict = |policy: &NamedPolicy| -> (bool, bool) {
        let (mut allow, mut deny) = (false, false);
        for st in &policy.document.statements {
            if check(st, &action, request).is_ok() {
                match st.effect {
                    Effect::Allow => allow = true,
                    Effect::Deny => deny = true,
                }
            }
        }
        (allow, deny)
    };
    let (mut allowed, mut denied) = (false, false);
    for policy in policies {
        let (a, d) = verdict(policy);
        allowed |= a;
        denied |= d;
    }
    if let Some(policy) = scope_down {
        let (a, d) = verdict(policy);
        allowed &= a;
        denied |= d;
    }
    if denied {
        Decision::ExplicitDeny
    } else if allowed {
        Decision::Allowed
    } else {
        Decision::ImplicitDeny
    }
}

fn outcomes(
    policy: &NamedPolicy,
    role: PolicyRole,
    action: &str,
    request: &Request<'_>,
    out: &mut Vec<StatementOutcome>,
) {
    for st in &policy.document.statements {
        out.push(StatementOutcome {
            statement: StatementRef {
                policy: policy.name.clone(),
                role,
                index: st.index,
                sid: st.sid.clone(),
                effect: st.effect,
            },
            outcome: match check(st, action, request) {
                Ok(()) => Outcome::Applies,
                Err(why) => Outcome::DoesNotApply(why),
            },
        });
    }
}

fn decide(
    request: &Request<'_>,
    statements: Vec<StatementOutcome>,
    has_scope_down: bool,
    has_session: bool,
) -> Evaluation {
    let applying = |effect: Effect, role: Option<PolicyRole>| -> Vec<StatementRef> {
        statements
            .iter()
            .filter(|s| {
                s.outcome == Outcome::Applies
                    && s.statement.effect == effect
                    && role.is_none_or(|r| s.statement.role == r)
            })
            .map(|s| s.statement.clone())
            .collect()
    };
    let denies = applying(Effect::Deny, None);
    let (decision, deciding, implicit) = if !denies.is_empty() {
        (Decision::ExplicitDeny, denies, None)
    } else {
        let mut allows = applying(Effect::Allow, None);
        let by = |role: PolicyRole| allows.iter().any(|s| s.role == role);
        let scope_allows = !has_scope_down || by(PolicyRole::ScopeDown);
        let session_allows = !has_session || by(PolicyRole::Session);
        let role_allows = by(PolicyRole::Permission) || by(PolicyRole::Trust);
        if role_allows && scope_allows && session_allows {
            (Decision::Allowed, allows, None)
        } else {
            let reason = if !role_allows {
                ImplicitReason::NoStatementAllows
            } else if !scope_allows {
                ImplicitReason::ScopeDownDoesNotAllow
            } else {
                ImplicitReason::SessionPolicyDoesNotAllow
            };
            allows.clear();
            (Decision::ImplicitDeny, allows, Some(reason))
        }
    };
    Evaluation {
        action: request.action.to_string(),
        resource: request.resource.map(str::to_string),
        decision,
        implicit_reason: implicit,
        deciding,
        statements,
    }
}

/// Whether one statement applies to the request, or the first reason it does not (all failed
/// conditions are listed).
pub(crate) fn check(st: &Statement, action: &str, request: &Request<'_>) -> Result<(), NoMatch> {
    if let Some(principals) = &st.principal {
        let named = match request.principal {
            Some(p) => {
                principals.anyone
                    || principals
                        .entries
                        .iter()
                        .any(|(kind, id)| *kind == p.kind && (id == "*" || id == &p.id))
            }
            None => false,
        };
        if named == principals.negated {
            return Err(NoMatch::Principal {
                principal: request
                    .principal
                    .map(|p| format!("{}: {}", p.kind.name(), p.id)),
                listed: principals
                    .entries
                    .iter()
                    .map(|(k, id)| format!("{}: {id}", k.name()))
                    .chain(principals.anyone.then(|| "*".to_string()))
                    .collect(),
                negated: principals.negated,
            });
        }
    }
    let listed = st.action.patterns.iter().any(|p| p.matches(action));
    if listed == st.action.negated {
        return Err(NoMatch::Action {
            action: request.action.to_string(),
            listed: st.action.written.clone(),
            negated: st.action.negated,
        });
    }
    if let Some(resources) = &st.resource {
        let mut missing = None;
        let listed = match request.resource {
            Some(arn) => resources
                .templates
                .iter()
                .any(|t| match t.resolve(request.context) {
                    Ok(p) => p.matches_arn(arn),
                    Err(var) => {
                        missing.get_or_insert(var);
                        false
                    }
                }),
            None => false,
        };
        // A resource whose variable has no value matches nothing, for NotResource too.
        if listed == resources.negated || (resources.negated && missing.is_some()) {
            return Err(NoMatch::Resource {
                resource: request.resource.map(str::to_string),
                listed: resources.written(),
                negated: resources.negated,
                missing_variable: missing,
            });
        }
    }
    let failed: Vec<_> = st
        .conditions
        .iter()
        .filter_map(|c| c.check(request.context).err())
        .collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(NoMatch::Conditions(failed))
    }
}
