//! STS's operations (`sts`, answered in STS's query protocol by the endpoint): GetCallerIdentity,
//! and the two AssumeRole calls Poolhouse's federations make — AssumeRoleWithWebIdentity (an
//! identity-pool OpenID token, or an ID token of an OIDC provider the workspace holds a record
//! of) and AssumeRoleWithSAML — with their session policies (`Policy`, `PolicyArns`), stored
//! with the credential and intersected with the role's permissions by the access check.
//!
//! ```text
//! checks.rs        the members' bounds, the session policies
//! web_identity.rs  which issuer a token is from, its verification, the trust policy's keys
//! ```

mod checks;
mod web_identity;

use identity_pools::credentials;
use identity_pools::policy::{
    ASSUME_ACTION, Context, NamedPolicy, Principal, Request, TAG_SESSION_ACTION, TrustEvaluation,
    evaluate_trust,
};
use identity_pools::roles;
use identity_pools::vend::session::SessionPolicy;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub(crate) use self::checks::{iso8601, session_error};
use super::shared::Empty;
use super::vending::vend_error;
use crate::ops::OpCtx;
use crate::{ActorKind, ApiError, Console, ErrorCode};

dto! {
    /// `GetCallerIdentityResponse`.
    pub struct GetCallerIdentityResponse {
        pub user_id: String,
        pub account: String,
        pub arn: String,
    }
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
        // The record may still be queued behind its vend's answer.
        c.flush_behind();
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
    /// `PolicyDescriptorType`.
    pub struct PolicyDescriptorType {
        #[serde(default, rename = "arn")]
        pub arn: Option<String>,
    }
}

dto! {
    /// `AssumeRoleWithWebIdentityRequest`.
    pub struct AssumeRoleWithWebIdentityRequest {
        pub role_arn: String,
        pub role_session_name: String,
        pub web_identity_token: super::shared::Sensitive,
        #[serde(default)]
        pub provider_id: Option<String>,
        #[serde(default)]
        pub policy_arns: Option<Vec<PolicyDescriptorType>>,
        #[serde(default)]
        pub policy: Option<String>,
        #[serde(default)]
        pub duration_seconds: Option<i64>,
    }
}

dto! {
    /// STS's `Credentials` (`SecretAccessKey`; `Expiration` in ISO 8601).
    pub struct StsCredentials {
        pub access_key_id: String,
        pub secret_access_key: String,
        pub session_token: String,
        pub expiration: String,
    }
}

dto! {
    /// `AssumedRoleUser`.
    pub struct AssumedRoleUser {
        pub assumed_role_id: String,
        pub arn: String,
    }
}

dto! {
    /// `AssumeRoleWithWebIdentityResponse`.
    pub struct AssumeRoleWithWebIdentityResponse {
        pub credentials: StsCredentials,
        pub subject_from_web_identity_token: String,
        pub assumed_role_user: AssumedRoleUser,
        pub provider: String,
        pub audience: String,
        /// The share of STS's budget the session policies use, in percent; present when the
        /// request passed session policies.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub packed_policy_size: Option<i64>,
    }
}

/// One role assumption, whatever proved the caller: what the trust policy is asked, and the
/// session to store.
struct Assume<'a> {
    role_arn: &'a str,
    session_name: &'a str,
    duration: Option<i64>,
    /// `sts:AssumeRoleWithWebIdentity` or `sts:AssumeRoleWithSAML`.
    action: &'static str,
    principal: Principal,
    context: &'a Context,
    /// Session tags (`sts:TagSession` is asked too when there are some).
    tags: &'a [(String, String)],
    session_policy: Option<SessionPolicy>,
    identity: Option<(String, String)>,
    source: credentials::Source,
}

/// What an assumption answers.
struct Assumed {
    credentials: StsCredentials,
    user: AssumedRoleUser,
    packed_policy_size: Option<i64>,
}

/// Assumes the role: its maximum session duration, its trust policy as STS evaluates it (a
/// refusal is `AccessDenied`, with the failed condition after STS's message), then the
/// credential, stored with its session tags and session policies. A role ARN the workspace
/// has no record of is assumed without a trust check, as vending does.
fn assume(c: &Console, ctx: &OpCtx<'_>, a: Assume<'_>) -> Result<Assumed, ApiError> {
    let key = c.credential_key();
    let now = c.now_ms();
    c.write_audited(ctx, None, Some(a.role_arn), |tx, _| {
        let role = roles::load(tx, a.role_arn)?;
        let max = role
            .as_ref()
            .map_or(roles::MIN_SESSION_SECS, |r| r.row.max_session_duration);
        let duration = a.duration.unwrap_or(3600);
        if duration > max {
            return Err(ApiError {
                code: ErrorCode::ValidationError,
                message: format!(
                    "The requested DurationSeconds exceeds the MaxSessionDuration set for this \
                     role ({max} seconds)."
                ),
                field: Some("DurationSeconds".into()),
            });
        }
        let role_id = match &role {
            Some(r) => {
                trust(&r.trust, &a)?;
                r.row.role_id.clone()
            }
            None => credentials::role_id_of(a.role_arn),
        };
        let session = credentials::Session {
            role_arn: a.role_arn.to_string(),
            session_name: a.session_name.to_string(),
            identity_id: a.identity.as_ref().map(|(_, id)| id.clone()),
            identity_pool_id: a.identity.as_ref().map(|(pool, _)| pool.clone()),
            source: a.source.clone(),
            tags: a
                .tags
                .iter()
                .map(|(k, v)| credentials::Tag {
                    key: k.clone(),
                    value: v.clone(),
                })
                .collect(),
            scoped_down: false,
            session_policy: a.session_policy.clone(),
            duration_secs: duration,
        };
        let issued = credentials::mint(tx, key, now, &session).map_err(|e| vend_error(e.into()))?;
        Ok((
            Assumed {
                credentials: StsCredentials {
                    access_key_id: issued.access_key_id,
                    secret_access_key: issued.secret_access_key,
                    session_token: issued.session_token,
                    expiration: iso8601(issued.expiration_ms),
                },
                user: AssumedRoleUser {
                    assumed_role_id: format!("{role_id}:{}", a.session_name),
                    arn: credentials::assumed_role_arn(a.role_arn, a.session_name),
                },
                packed_policy_size: a
                    .session_policy
                    .as_ref()
                    .map(|p| i64::try_from(p.packed_percent()).unwrap_or(i64::MAX)),
            },
            None,
        ))
    })
}

/// The role's trust policy for the assumption (and `sts:TagSession` when tags are passed).
fn trust(policy: &NamedPolicy, a: &Assume<'_>) -> Result<(), ApiError> {
    let request = |action| Request {
        action,
        resource: None,
        principal: Some(&a.principal),
        context: a.context,
    };
    let verdict = TrustEvaluation {
        assume: evaluate_trust(policy, &request(a.action)),
        tag_session: (!a.tags.is_empty())
            .then(|| evaluate_trust(policy, &request(TAG_SESSION_ACTION))),
    };
    if verdict.allowed() {
        return Ok(());
    }
    let action = if verdict.assume.allowed() {
        TAG_SESSION_ACTION
    } else {
        a.action
    };
    let reason = verdict.refusal().unwrap_or_default();
    Err(ApiError::new(
        ErrorCode::AccessDenied,
        format!("Not authorized to perform {action}. {reason}"),
    ))
}

/// `AssumeRoleWithWebIdentity`: an identity-pool OpenID token (the basic flow's second step),
/// trusted as `Federated: cognito-identity.amazonaws.com`; or an OIDC provider's ID token,
/// trusted as `Federated: arn:aws:iam::<account>:oidc-provider/<host/path>`.
pub(crate) fn assume_role_with_web_identity(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AssumeRoleWithWebIdentityRequest,
) -> Result<AssumeRoleWithWebIdentityResponse, ApiError> {
    let session_policy = checks::web_identity_request(&req)?;
    let token = web_identity::verify(c, req.web_identity_token.expose())?;
    let assumed = assume(
        c,
        ctx,
        Assume {
            role_arn: &req.role_arn,
            session_name: &req.role_session_name,
            duration: req.duration_seconds,
            action: ASSUME_ACTION,
            principal: Principal::federated(&token.principal),
            context: &token.context,
            tags: &token.tags,
            session_policy,
            identity: token.identity.clone(),
            source: credentials::Source {
                flow: "AssumeRoleWithWebIdentity".into(),
                provider: Some(token.provider.clone()),
                amr: token.amr.clone(),
            },
        },
    )?;
    Ok(AssumeRoleWithWebIdentityResponse {
        credentials: assumed.credentials,
        subject_from_web_identity_token: token.subject,
        assumed_role_user: assumed.user,
        provider: token.issuer,
        audience: token.audience,
        packed_policy_size: assumed.packed_policy_size,
    })
}

dto! {
    /// `AssumeRoleWithSAMLRequest`.
    pub struct AssumeRoleWithSamlRequest {
        pub role_arn: String,
        pub principal_arn: String,
        #[serde(rename = "SAMLAssertion")]
        pub saml_assertion: super::shared::Sensitive,
        #[serde(default)]
        pub policy_arns: Option<Vec<PolicyDescriptorType>>,
        #[serde(default)]
        pub policy: Option<String>,
        #[serde(default)]
        pub duration_seconds: Option<i64>,
    }
}

dto! {
    /// `AssumeRoleWithSAMLResponse`.
    pub struct AssumeRoleWithSamlResponse {
        pub credentials: StsCredentials,
        pub assumed_role_user: AssumedRoleUser,
        /// The assertion's NameID.
        pub subject: String,
        pub issuer: String,
        pub audience: String,
        /// The share of STS's budget the session policies use, in percent; present when the
        /// request passed session policies.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub packed_policy_size: Option<i64>,
    }
}

/// The SAML audience AWS's sign-in endpoint is (`SAML:aud`).
const SAML_AUDIENCE: &str = "https://signin.aws.amazon.com/saml";

/// `AssumeRoleWithSAML`: a SAML response signed by an IdP whose metadata a SAML provider record
/// holds; the role must be one the assertion offers for that provider, and the role's trust
/// policy must let the provider (`Federated`) `sts:AssumeRoleWithSAML` with `SAML:aud`,
/// `SAML:sub` and `SAML:iss` as the request's keys.
pub(crate) fn assume_role_with_saml(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AssumeRoleWithSamlRequest,
) -> Result<AssumeRoleWithSamlResponse, ApiError> {
    let session_policy = checks::saml_request(&req)?;
    let invalid = |message: String| ApiError {
        code: ErrorCode::InvalidIdentityToken,
        message,
        field: Some("SAMLAssertion".into()),
    };
    let verified = c
        .verify_saml_assertion(&req.principal_arn, req.saml_assertion.expose())
        .map_err(|r| match r {
            identity_pools::trust::Refusal::InvalidParameter(f) => ApiError {
                code: ErrorCode::ValidationError,
                message: format!("{}: {}", f.field, f.reason),
                field: Some(f.field),
            },
            identity_pools::trust::Refusal::NotAuthorized(m) => invalid(m),
            identity_pools::trust::Refusal::ExternalService(m) => {
                ApiError::new(ErrorCode::InternalErrorException, m)
            }
        })?;
    let grant = verified
        .saml
        .ok_or_else(|| invalid("The assertion grants no AWS roles.".into()))?;
    let offered = grant
        .roles
        .iter()
        .any(|r| r.role_arn == req.role_arn && r.provider_arn == req.principal_arn);
    if !offered {
        return Err(ApiError::new(
            ErrorCode::AccessDenied,
            format!(
                "Not authorized to perform sts:AssumeRoleWithSAML. The assertion does not offer \
                 the role {} with the provider {}",
                req.role_arn, req.principal_arn
            ),
        ));
    }
    let session_name = grant.session_name.clone().ok_or_else(|| {
        invalid(
            "The SAML assertion has no https://aws.amazon.com/SAML/Attributes/RoleSessionName \
             attribute."
                .into(),
        )
    })?;
    let context = Context::new()
        .with("SAML:aud", SAML_AUDIENCE)
        .with("SAML:sub", &grant.name_id)
        .with("SAML:iss", &grant.issuer);
    let assumed = assume(
        c,
        ctx,
        Assume {
            role_arn: &req.role_arn,
            session_name: &session_name,
            duration: req.duration_seconds,
            action: "sts:AssumeRoleWithSAML",
            principal: Principal::federated(&req.principal_arn),
            context: &context,
            tags: &[],
            session_policy,
            identity: None,
            source: credentials::Source {
                flow: "AssumeRoleWithSAML".into(),
                provider: Some(req.principal_arn.clone()),
                amr: Vec::new(),
            },
        },
    )?;
    Ok(AssumeRoleWithSamlResponse {
        credentials: assumed.credentials,
        assumed_role_user: assumed.user,
        subject: grant.name_id,
        issuer: grant.issuer,
        audience: SAML_AUDIENCE.into(),
        packed_policy_size: assumed.packed_policy_size,
    })
}
