//! The access check ("what may this session do?"): a role's permission policies, an inline
//! policy or a vended credential's session, evaluated for one action on one resource with the
//! statement that decided it, the policy variables as substituted, the guest scope-down and the
//! session policies passed to STS (the session may do what the role and they both allow).

use std::collections::BTreeMap;

use identity_pools::credentials;
use identity_pools::policy::{
    Context, Decision, Evaluation, NamedPolicy, Outcome, PolicyKind, PolicyRole, Request,
    StatementRef, WebIdentity, evaluate_session,
};
use identity_pools::roles;
use identity_pools::vend;
use identity_pools::vend::session::SessionPolicy;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::ops::OpCtx;
use crate::{ApiError, Console, ErrorCode};

dto! {
    /// A statement, named: its policy, kind (`Permission`, `ScopeDown`, `Trust`), position
    /// and Sid.
    pub struct StatementRefType {
        pub policy: String,
        pub kind: String,
        pub index: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sid: Option<String>,
        pub effect: String,
    }
}

dto! {
    pub struct StatementResultType {
        pub statement: StatementRefType,
        pub applies: bool,
        /// Why it does not apply.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub reason: Option<String>,
    }
}

dto! {
    /// A policy variable the policies name, with the value the request gives it.
    pub struct PolicyVariableType {
        pub name: String,
        /// Absent when the request has no single value for it (the resource or condition that
        /// names it then matches nothing).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub value: Option<String>,
    }
}

dto! {
    /// "May this session do that?": against a role's permission policies, an inline policy or
    /// a vended session's role, with the session's context.
    pub struct SimulateAccessRequest {
        /// A role of the workspace, by ARN or name.
        #[serde(default)]
        pub role_arn: Option<String>,
        /// Or a permission policy's text.
        #[serde(default)]
        pub policy_document: Option<String>,
        /// Or a vended credential: its role, identity, tags and scope-down.
        #[serde(default)]
        pub access_key_id: Option<String>,
        /// `service:Action`.
        pub action: String,
        /// The resource ARN.
        #[serde(default)]
        pub resource: Option<String>,
        #[serde(default)]
        pub identity_pool_id: Option<String>,
        /// `${cognito-identity.amazonaws.com:sub}`.
        #[serde(default)]
        pub identity_id: Option<String>,
        #[serde(default)]
        pub amr: Option<Vec<String>>,
        /// Session tags (`${aws:PrincipalTag/…}`).
        #[serde(default)]
        pub principal_tags: Option<BTreeMap<String, String>>,
        /// The session is a guest's (the scope-down policy applies).
        #[serde(default)]
        pub guest: Option<bool>,
        /// More condition keys and their values.
        #[serde(default)]
        pub context: Option<BTreeMap<String, Vec<String>>>,
        /// A session policy's text, as STS's `Policy` would pass it (a vended credential's
        /// own session policies are used when this is left out).
        #[serde(default)]
        pub session_policy: Option<String>,
    }
}

dto! {
    pub struct SimulateAccessResponse {
        /// `Allowed`, `ExplicitDeny` or `ImplicitDeny`.
        pub decision: String,
        pub summary: String,
        /// The statements that decided (none for an implicit deny).
        pub deciding_statements: Vec<StatementRefType>,
        /// Every statement, whether it applied and why not.
        pub statements: Vec<StatementResultType>,
        /// The policy variables named, as substituted.
        pub variables: Vec<PolicyVariableType>,
        pub scope_down: bool,
        /// The session policies evaluated with the role's (their names in the statements).
        pub session_policies: Vec<String>,
        /// The role the policies are the role's of.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub role_arn: Option<String>,
    }
}

fn statement_ref(s: &StatementRef) -> StatementRefType {
    StatementRefType {
        policy: s.policy.clone(),
        kind: match s.role {
            PolicyRole::Permission => "Permission",
            PolicyRole::ScopeDown => "ScopeDown",
            PolicyRole::Session => "Session",
            PolicyRole::Trust => "Trust",
        }
        .into(),
        index: u32::try_from(s.index).unwrap_or(u32::MAX),
        sid: s.sid.clone(),
        effect: format!("{:?}", s.effect),
    }
}

fn access_answer(
    e: &Evaluation,
    variables: Vec<PolicyVariableType>,
    scope_down: bool,
    session_policies: &[NamedPolicy],
    role_arn: Option<String>,
) -> SimulateAccessResponse {
    SimulateAccessResponse {
        decision: match e.decision {
            Decision::Allowed => "Allowed",
            Decision::ExplicitDeny => "ExplicitDeny",
            Decision::ImplicitDeny => "ImplicitDeny",
        }
        .into(),
        summary: e.summary(),
        deciding_statements: e.deciding.iter().map(statement_ref).collect(),
        statements: e
            .statements
            .iter()
            .map(|s| StatementResultType {
                statement: statement_ref(&s.statement),
                applies: s.outcome == Outcome::Applies,
                reason: match &s.outcome {
                    Outcome::Applies => None,
                    Outcome::DoesNotApply(why) => Some(why.to_string()),
                },
            })
            .collect(),
        variables,
        scope_down,
        session_policies: session_policies.iter().map(|p| p.name.clone()).collect(),
        role_arn,
    }
}

/// `SimulateAccess`.
pub(crate) fn simulate_access(
    c: &Console,
    _ctx: &OpCtx<'_>,
    req: SimulateAccessRequest,
) -> Result<SimulateAccessResponse, ApiError> {
    let given = [
        req.role_arn.is_some(),
        req.policy_document.is_some(),
        req.access_key_id.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if given != 1 {
        return Err(ApiError::invalid(
            "RoleArn",
            "name one of RoleArn, PolicyDocument or AccessKeyId",
        ));
    }
    if req.action.is_empty() {
        return Err(ApiError::invalid(
            "Action",
            "is required, like s3:GetObject",
        ));
    }
    // The session: from a vended credential, or from the request.
    let session = match &req.access_key_id {
        Some(id) => Some(
            c.flush_behind_then_read(|r| {
                credentials::session(r, id)
                    .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e.to_string()))
            })?
            .ok_or_else(|| ApiError {
                code: ErrorCode::InvalidClientTokenId,
                message: format!("AccessKeyId: {id} is not a credential this workspace vended"),
                field: Some("AccessKeyId".into()),
            })?,
        ),
        None => None,
    };
    let role_name_or_arn = req
        .role_arn
        .clone()
        .or_else(|| session.as_ref().map(|s| s.row.role_arn.clone()));
    let (policies, role_arn): (Vec<NamedPolicy>, Option<String>) =
        match (&req.policy_document, role_name_or_arn) {
            (Some(text), _) => {
                let doc = roles::parse_policy("PolicyDocument", text, PolicyKind::Permissions)?;
                (vec![NamedPolicy::new("PolicyDocument", doc)], None)
            }
            (None, Some(name)) => {
                let role = c.read(|r| {
                    let row = roles::find(r, &name)?;
                    Ok(roles::parsed(row)?)
                })?;
                (role.permissions, Some(role.row.arn))
            }
            (None, None) => unreachable_policy()?,
        };
    let guest = match &session {
        Some(s) => s.row.scoped_down,
        None => req.guest.unwrap_or_else(|| {
            req.amr
                .as_ref()
                .is_some_and(|a| a.iter().any(|v| v == "unauthenticated"))
        }),
    };
    let identity = WebIdentity {
        identity_pool_id: req
            .identity_pool_id
            .clone()
            .or_else(|| {
                session
                    .as_ref()
                    .and_then(|s| s.row.identity_pool_id.clone())
            })
            .unwrap_or_default(),
        identity_id: req
            .identity_id
            .clone()
            .or_else(|| session.as_ref().and_then(|s| s.row.identity_id.clone()))
            .unwrap_or_default(),
        amr: req
            .amr
            .clone()
            .or_else(|| session.as_ref().map(|s| s.source.amr.clone()))
            .unwrap_or_else(|| {
                vec![
                    if guest {
                        "unauthenticated"
                    } else {
                        "authenticated"
                    }
                    .to_string(),
                ]
            }),
        session_tags: match (&req.principal_tags, &session) {
            (Some(t), _) => t.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            (None, Some(s)) => s
                .tags
                .iter()
                .map(|t| (t.key.clone(), t.value.clone()))
                .collect(),
            (None, None) => Vec::new(),
        },
    };
    let mut context: Context = identity.context();
    for (k, v) in req.context.unwrap_or_default() {
        context.insert(&k, v);
    }
    let scope = if guest {
        Some(
            vend::guest_scope_down()
                .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e))?,
        )
    } else {
        None
    };
    let session_policy = match (&req.session_policy, &session) {
        (Some(text), _) => Some(SessionPolicy {
            policy: Some(text.clone()),
            policy_arns: Vec::new(),
        }),
        (None, Some(s)) => s
            .row
            .session_policy
            .as_deref()
            .map(SessionPolicy::from_stored)
            .transpose()
            .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e))?,
        (None, None) => None,
    };
    let session_policies = match &session_policy {
        Some(p) => p.policies().map_err(|e| {
            let mut e = super::sts::session_error(e);
            if req.session_policy.is_some() {
                e.field = Some("SessionPolicy".into());
            }
            e
        })?,
        None => Vec::new(),
    };
    let evaluation = evaluate_session(
        &policies,
        scope,
        &session_policies,
        &Request {
            action: &req.action,
            resource: req.resource.as_deref(),
            principal: None,
            context: &context,
        },
    );
    let mut variables: Vec<PolicyVariableType> = Vec::new();
    for p in policies.iter().chain(&session_policies) {
        for name in p.document.variables() {
            if variables.iter().any(|v| v.name == name) {
                continue;
            }
            let value = match context.get(&name) {
                Some([one]) => Some(one.clone()),
                _ => None,
            };
            variables.push(PolicyVariableType { name, value });
        }
    }
    Ok(access_answer(
        &evaluation,
        variables,
        guest,
        &session_policies,
        role_arn,
    ))
}

fn unreachable_policy<T>() -> Result<T, ApiError> {
    Err(ApiError::invalid(
        "RoleArn",
        "name one of RoleArn, PolicyDocument or AccessKeyId",
    ))
}
