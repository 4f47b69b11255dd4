//! Temporary credentials: STS's operations (`sts`, answered in STS's query protocol by the
//! endpoint), the console's test path that vends credentials for claims typed in, and the
//! access check ("what may this session do?").

use std::collections::BTreeMap;

use domain::IdentityPoolId;
use identity_pools::credentials;
use identity_pools::mapping::Login;
use identity_pools::policy::{
    Context, Decision, Evaluation, NamedPolicy, Outcome, PolicyKind, PolicyRole, Request,
    StatementRef, WebIdentity, evaluate,
};
use identity_pools::roles;
use identity_pools::vend::{self, RoleRecord, Trust, VendError, VendExplanation, VendRequest};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::shared::Empty;
use crate::ops::OpCtx;
use crate::{ActorKind, ApiError, Console, ErrorCode, secs};

dto! {
    /// `GetCallerIdentityResponse`.
    pub struct GetCallerIdentityResponse {
        pub user_id: String,
        pub account: String,
        pub arn: String,
    }
}

dto! {
    /// Cognito's `Credentials` (GetCredentialsForIdentity's shape: `SecretKey`, epoch seconds).
    pub struct IdentityCredentials {
        pub access_key_id: String,
        pub secret_key: String,
        pub session_token: String,
        pub expiration: f64,
    }
}

dto! {
    /// The trust policy's verdict on a vend.
    pub struct TrustVerdict {
        /// `Allowed`, `Refused` or `NotChecked` (the role is not in the workspace).
        pub outcome: String,
        /// What decided, or why it was not checked: the failed condition, for a refusal.
        pub summary: String,
        /// STS's error for a refusal (`AccessDenied`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sts_code: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sts_message: Option<String>,
    }
}

dto! {
    /// Why a vend went as it did: the role mapping (every rule), the role, the trust verdict,
    /// the session tags and the scope-down.
    pub struct VendExplanationType {
        /// The role mapping's explanation (`identity_pools::mapping::Explanation`).
        pub role_mapping: serde_json::Value,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub role_arn: Option<String>,
        /// The workspace's role behind the ARN; absent when the workspace has none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub role_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub trust: Option<TrustVerdict>,
        pub amr: Vec<String>,
        pub session_tags: BTreeMap<String, String>,
        /// Mapped tags the claims did not fill: `key (claim): reason`.
        pub skipped_tags: Vec<String>,
        pub scope_down: bool,
        pub summary: String,
    }
}

/// The explanation as the fronts show it.
pub(crate) fn explanation_type(e: &VendExplanation) -> VendExplanationType {
    let trust = e.trust.as_ref().map(|t| match t {
        Trust::Allowed { summary } => TrustVerdict {
            outcome: "Allowed".into(),
            summary: summary.clone(),
            sts_code: None,
            sts_message: None,
        },
        Trust::Refused {
            sts_code,
            sts_message,
            reason,
        } => TrustVerdict {
            outcome: "Refused".into(),
            summary: reason.clone(),
            sts_code: Some(sts_code.clone()),
            sts_message: Some(sts_message.clone()),
        },
        Trust::NotChecked { reason } => TrustVerdict {
            outcome: "NotChecked".into(),
            summary: reason.clone(),
            sts_code: None,
            sts_message: None,
        },
    });
    VendExplanationType {
        role_mapping: serde_json::to_value(&e.role_mapping).unwrap_or_default(),
        role_arn: e.role_arn.clone(),
        role_name: match &e.role_record {
            Some(RoleRecord::Known { name }) => Some(name.clone()),
            _ => None,
        },
        trust,
        amr: e.amr.clone(),
        session_tags: e
            .session_tags
            .iter()
            .map(|t| (t.key.clone(), t.value.clone()))
            .collect(),
        skipped_tags: e
            .skipped_tags
            .iter()
            .map(|t| format!("{} ({}): {}", t.key, t.claim, t.reason))
            .collect(),
        scope_down: e.scope_down,
        summary: e.summary.clone(),
    }
}

/// A refused vend as the API answers it: Cognito's code and message, and the explanation's
/// summary (which condition failed) after it.
pub(crate) fn vend_error(e: VendError) -> ApiError {
    match e {
        VendError::Refused {
            code,
            message,
            explanation,
        } => {
            let code = match code {
                vend::NOT_AUTHORIZED => ErrorCode::NotAuthorizedException,
                vend::INVALID_PARAMETER => ErrorCode::InvalidParameterException,
                _ => ErrorCode::InvalidIdentityPoolConfigurationException,
            };
            ApiError::new(code, format!("{message} ({})", explanation.summary))
        }
        VendError::Internal(m) => ApiError::new(ErrorCode::InternalErrorException, m),
        VendError::Storage(s) => s.into(),
    }
}

dto! {
    /// Vend credentials for claims typed in (or a guest), as GetCredentialsForIdentity would
    /// for a login whose token carried them: the console's way to try a pool's roles and trust
    /// policies, and the tests' way to get credentials.
    pub struct VendTestCredentialsRequest {
        pub identity_pool_id: IdentityPoolId,
        /// `region:uuid`; a new one when left out.
        #[serde(default)]
        pub identity_id: Option<String>,
        /// The login's provider (its Logins key); left out, a guest.
        #[serde(default)]
        pub provider: Option<String>,
        /// The claims of the login's verified token.
        #[serde(default)]
        pub claims: Option<BTreeMap<String, serde_json::Value>>,
        #[serde(default)]
        pub custom_role_arn: Option<String>,
        /// How long the credentials last, 1–43200 seconds: Cognito's hour when left out; a
        /// shorter one lets an expiry be watched.
        #[serde(default)]
        pub duration_seconds: Option<i64>,
    }
}

dto! {
    pub struct VendTestCredentialsResponse {
        pub identity_id: String,
        pub credentials: IdentityCredentials,
        pub explanation: VendExplanationType,
    }
}

/// `VendTestCredentials`.
pub(crate) fn vend_test_credentials(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: VendTestCredentialsRequest,
) -> Result<VendTestCredentialsResponse, ApiError> {
    let claims: serde_json::Map<String, serde_json::Value> =
        req.claims.unwrap_or_default().into_iter().collect();
    if req.provider.is_none() && !claims.is_empty() {
        return Err(ApiError::invalid(
            "Provider",
            "is required with Claims: name the Logins key the claims come from",
        ));
    }
    let pool_id = req.identity_pool_id;
    let identity_id = match req.identity_id {
        Some(id) => {
            if !id.contains(':') || id.len() > 55 {
                return Err(ApiError::invalid("IdentityId", "must be region:uuid"));
            }
            id
        }
        None => domain::identity_pool::new_identity_pool_id(&c.region()?),
    };
    let duration = req.duration_seconds.unwrap_or(vend::ENHANCED_DURATION_SECS);
    if !(1..=43_200).contains(&duration) {
        return Err(ApiError::invalid(
            "DurationSeconds",
            "must be 1–43200 seconds",
        ));
    }
    let key = c.credential_key();
    c.write_audited(ctx, None, Some(pool_id.as_str()), |tx, uctx| {
        let pool = identity_pools::pools::describe(tx, &pool_id)?;
        let login = match &req.provider {
            Some(provider) => Login::Provider {
                provider,
                claims: &claims,
            },
            None => Login::Guest,
        };
        let mut plan = vend::plan(
            tx,
            &VendRequest {
                pool: &pool,
                identity_id: &identity_id,
                login,
                custom_role_arn: req.custom_role_arn.as_deref(),
                principal_tags: None,
            },
        )
        .map_err(vend_error)?;
        plan.session.duration_secs = duration;
        plan.session.source.flow = "VendTestCredentials".into();
        let cr = credentials::mint(tx, key, uctx.clock.now_ms(), &plan.session)
            .map_err(|e| vend_error(e.into()))?;
        Ok((
            VendTestCredentialsResponse {
                identity_id: identity_id.clone(),
                credentials: IdentityCredentials {
                    access_key_id: cr.access_key_id,
                    secret_key: cr.secret_access_key,
                    session_token: cr.session_token,
                    expiration: secs(cr.expiration_ms),
                },
                explanation: explanation_type(&plan.explanation),
            },
            None,
        ))
    })
}

/// `GetCallerIdentity`: who signed the call. Temporary credentials answer as their assumed
/// role; the workspace's own keys, the console and the command line as the account.
pub(crate) fn get_caller_identity(
    c: &Console,
    _ctx: &OpCtx<'_>,
    _req: Empty,
) -> Result<GetCallerIdentityResponse, ApiError> {
    let account = c.workspace()?.account_id.clone();
    let key = match (_ctx.actor.kind, &_ctx.actor.id) {
        (ActorKind::Endpoint, Some(id)) => Some(id.as_str()),
        _ => None,
    };
    if let Some(key) = key.filter(|k| k.starts_with("ASIA")) {
        let found = c.read(|r| {
            let s = credentials::session(r, key)
                .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e.to_string()))?;
            let role = match &s {
                Some(s) => roles::load(r, &s.row.role_arn)?,
                None => None,
            };
            Ok((s, role))
        })?;
        if let (Some(s), role) = found {
            let role_id = role
                .map(|r| r.row.role_id)
                .unwrap_or_else(|| credentials::role_id_of(&s.row.role_arn));
            let (role_account, _) = credentials::role_parts(&s.row.role_arn);
            return Ok(GetCallerIdentityResponse {
                user_id: format!("{role_id}:{}", s.row.session_name),
                account: role_account.to_string(),
                arn: credentials::assumed_role_arn(&s.row.role_arn, &s.row.session_name),
            });
        }
    }
    Ok(GetCallerIdentityResponse {
        user_id: account.clone(),
        arn: format!("arn:aws:iam::{account}:root"),
        account,
    })
}

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
            c.read(|r| {
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
    let evaluation = evaluate(
        &policies,
        scope,
        &Request {
            action: &req.action,
            resource: req.resource.as_deref(),
            principal: None,
            context: &context,
        },
    );
    let mut variables: Vec<PolicyVariableType> = Vec::new();
    for p in &policies {
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
    Ok(access_answer(&evaluation, variables, guest, role_arn))
}

fn unreachable_policy<T>() -> Result<T, ApiError> {
    Err(ApiError::invalid(
        "RoleArn",
        "name one of RoleArn, PolicyDocument or AccessKeyId",
    ))
}
