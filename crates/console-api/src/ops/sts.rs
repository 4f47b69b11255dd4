//! Temporary credentials: STS's operations (`sts`, answered in STS's query protocol by the
//! endpoint), the console's test path that vends credentials for claims typed in, and the
//! access check ("what may this session do?").

use std::collections::BTreeMap;

use domain::IdentityPoolId;
use identity_pools::credentials;
use identity_pools::mapping::Login;
use identity_pools::policy::{Context, Request, WebIdentity};
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

/// A trust verdict as the fronts show it.
pub(crate) fn trust_verdict(t: &Trust) -> TrustVerdict {
    match t {
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
    }
}

/// The explanation as the fronts show it.
pub(crate) fn explanation_type(e: &VendExplanation) -> VendExplanationType {
    let trust = e.trust.as_ref().map(trust_verdict);
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
    }
}

/// STS's `ValidationError` in its wording.
fn validation(member: &str, value: &str, constraint: &str) -> ApiError {
    ApiError {
        code: ErrorCode::ValidationError,
        message: format!(
            "1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"
        ),
        field: Some(member.to_string()),
    }
}

/// An instant as STS writes it: ISO 8601 with milliseconds and `Z`.
pub(crate) fn iso8601(ms: i64) -> String {
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_default()
}

/// The checks STS makes on the request's members before it reads the token.
fn check_web_identity_request(req: &AssumeRoleWithWebIdentityRequest) -> Result<(), ApiError> {
    let n = req.role_arn.chars().count();
    if !(20..=2048).contains(&n) {
        return Err(validation(
            "roleArn",
            &req.role_arn,
            "Member must have length between 20 and 2048",
        ));
    }
    let name = &req.role_session_name;
    let n = name.chars().count();
    if !(2..=64).contains(&n) {
        return Err(validation(
            "roleSessionName",
            name,
            "Member must have length between 2 and 64",
        ));
    }
    if name
        .chars()
        .any(|c| !(c.is_alphanumeric() || c == '_' || "+=,.@-".contains(c)))
    {
        return Err(validation(
            "roleSessionName",
            name,
            "Member must satisfy regular expression pattern: [\\w+=,.@-]*",
        ));
    }
    let n = req.web_identity_token.expose().chars().count();
    if !(4..=20_000).contains(&n) {
        return Err(validation(
            "webIdentityToken",
            "***",
            "Member must have length between 4 and 20000",
        ));
    }
    check_session(
        req.duration_seconds,
        req.policy.as_ref(),
        req.policy_arns.as_deref(),
    )?;
    Ok(())
}

/// The session members both AssumeRole calls share: DurationSeconds within STS's range, and no
/// session policy (Poolhouse does not intersect them with the role's permissions).
fn check_session(
    duration: Option<i64>,
    policy: Option<&String>,
    policy_arns: Option<&[PolicyDescriptorType]>,
) -> Result<(), ApiError> {
    if let Some(d) = duration
        && !(900..=43_200).contains(&d)
    {
        return Err(validation(
            "durationSeconds",
            &d.to_string(),
            "Member must have value between 900 and 43200",
        ));
    }
    if policy.is_some() || policy_arns.is_some_and(|p| !p.is_empty()) {
        return Err(ApiError {
            code: ErrorCode::ValidationError,
            message: "Session policies (Policy, PolicyArns) are not supported by Poolhouse: the \
                      session would have the role's whole permissions, not their intersection."
                .into(),
            field: Some(
                if policy.is_some() {
                    "Policy"
                } else {
                    "PolicyArns"
                }
                .into(),
            ),
        });
    }
    Ok(())
}

/// What a verified web identity token says.
pub(crate) struct WebIdentityToken {
    pub issuer: String,
    pub claims: serde_json::Map<String, serde_json::Value>,
}

/// The session tags a Cognito identity-pool token carries
/// (`https://aws.amazon.com/tags`.`principal_tags`, each tag a one-value list).
fn token_tags(claims: &serde_json::Map<String, serde_json::Value>) -> Vec<(String, String)> {
    claims
        .get("https://aws.amazon.com/tags")
        .and_then(|t| t.get("principal_tags"))
        .and_then(|t| t.as_object())
        .map(|tags| {
            tags.iter()
                .filter_map(|(k, v)| {
                    let value = match v {
                        serde_json::Value::Array(a) => a.first()?.as_str()?.to_string(),
                        serde_json::Value::String(s) => s.clone(),
                        _ => return None,
                    };
                    Some((k.clone(), value))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Assumes the role for a verified web identity: the role's trust policy as STS evaluates it
/// for the token's issuer (`cognito-identity.amazonaws.com` for identity-pool tokens), its
/// maximum session duration, then the credentials.
pub(crate) fn assume_with_token(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: &AssumeRoleWithWebIdentityRequest,
    token: WebIdentityToken,
) -> Result<AssumeRoleWithWebIdentityResponse, ApiError> {
    let claim = |name: &str| {
        token
            .claims
            .get(name)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let (sub, aud) = (claim("sub"), claim("aud"));
    let amr: Vec<String> = match token.claims.get("amr") {
        Some(serde_json::Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(serde_json::Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    let identity = WebIdentity {
        identity_pool_id: aud.clone(),
        identity_id: sub.clone(),
        amr: amr.clone(),
        session_tags: token_tags(&token.claims),
    };
    let key = c.credential_key();
    let now = c.now_ms();
    c.write_audited(ctx, None, Some(&req.role_arn), |tx, _| {
        let role = roles::load(tx, &req.role_arn)?;
        let max = role
            .as_ref()
            .map_or(roles::MIN_SESSION_SECS, |r| r.row.max_session_duration);
        let duration = req.duration_seconds.unwrap_or(3600);
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
                let verdict = identity_pools::policy::evaluate_web_identity(&r.trust, &identity);
                if let Some(sts) = verdict.sts_error() {
                    let reason = verdict.refusal().unwrap_or_default();
                    return Err(ApiError::new(
                        ErrorCode::AccessDenied,
                        format!("{}. {reason}", sts.message),
                    ));
                }
                r.row.role_id.clone()
            }
            // Not a role of the workspace: assumed without a trust check, as vend does.
            None => credentials::role_id_of(&req.role_arn),
        };
        let session = credentials::Session {
            role_arn: req.role_arn.clone(),
            session_name: req.role_session_name.clone(),
            identity_id: Some(sub.clone()),
            identity_pool_id: Some(aud.clone()),
            source: credentials::Source {
                flow: "AssumeRoleWithWebIdentity".into(),
                provider: Some(token.issuer.clone()),
                amr: amr.clone(),
            },
            tags: identity
                .session_tags
                .iter()
                .map(|(k, v)| credentials::Tag {
                    key: k.clone(),
                    value: v.clone(),
                })
                .collect(),
            scoped_down: false,
            duration_secs: duration,
        };
        let issued = credentials::mint(tx, key, now, &session).map_err(|e| vend_error(e.into()))?;
        Ok((
            AssumeRoleWithWebIdentityResponse {
                credentials: StsCredentials {
                    access_key_id: issued.access_key_id,
                    secret_access_key: issued.secret_access_key,
                    session_token: issued.session_token,
                    expiration: iso8601(issued.expiration_ms),
                },
                subject_from_web_identity_token: sub.clone(),
                assumed_role_user: AssumedRoleUser {
                    assumed_role_id: format!("{role_id}:{}", req.role_session_name),
                    arn: credentials::assumed_role_arn(&req.role_arn, &req.role_session_name),
                },
                provider: token.issuer.clone(),
                audience: aud.clone(),
            },
            None,
        ))
    })
}

/// Verifies a web identity token issued by the identity pools' OpenID issuer (what
/// GetOpenIdToken and GetOpenIdTokenForDeveloperIdentity answer), as
/// [`Console::verify_identity_pool_token`] does: STS's `InvalidIdentityToken`, or
/// `ExpiredTokenException` for an expired one, naming the member.
fn verify_web_identity(c: &Console, token: &str) -> Result<WebIdentityToken, ApiError> {
    let claims = c.verify_identity_pool_token(token).map_err(|mut e| {
        e.field = Some("WebIdentityToken".into());
        e
    })?;
    Ok(WebIdentityToken {
        issuer: c.identity_issuer()?,
        claims,
    })
}

/// `AssumeRoleWithWebIdentity`: the basic flow's second step, with an identity-pool OpenID
/// token.
pub(crate) fn assume_role_with_web_identity(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: AssumeRoleWithWebIdentityRequest,
) -> Result<AssumeRoleWithWebIdentityResponse, ApiError> {
    check_web_identity_request(&req)?;
    let token = verify_web_identity(c, req.web_identity_token.expose())?;
    assume_with_token(c, ctx, &req, token)
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
    for (member, value) in [
        ("roleArn", &req.role_arn),
        ("principalArn", &req.principal_arn),
    ] {
        let n = value.chars().count();
        if !(20..=2048).contains(&n) {
            return Err(validation(
                member,
                value,
                "Member must have length between 20 and 2048",
            ));
        }
    }
    let n = req.saml_assertion.expose().chars().count();
    if !(4..=100_000).contains(&n) {
        return Err(validation(
            "sAMLAssertion",
            "***",
            "Member must have length between 4 and 100000",
        ));
    }
    check_session(
        req.duration_seconds,
        req.policy.as_ref(),
        req.policy_arns.as_deref(),
    )?;
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
    let key = c.credential_key();
    let now = c.now_ms();
    c.write_audited(ctx, None, Some(&req.role_arn), |tx, _| {
        let role = roles::load(tx, &req.role_arn)?;
        let max = role
            .as_ref()
            .map_or(roles::MIN_SESSION_SECS, |r| r.row.max_session_duration);
        let duration = req.duration_seconds.unwrap_or(3600);
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
                let principal = identity_pools::policy::Principal::federated(&req.principal_arn);
                let assume = identity_pools::policy::evaluate_trust(
                    &r.trust,
                    &Request {
                        action: "sts:AssumeRoleWithSAML",
                        resource: None,
                        principal: Some(&principal),
                        context: &context,
                    },
                );
                let verdict = identity_pools::policy::TrustEvaluation {
                    assume,
                    tag_session: None,
                };
                if !verdict.allowed() {
                    let reason = verdict.refusal().unwrap_or_default();
                    return Err(ApiError::new(
                        ErrorCode::AccessDenied,
                        format!("Not authorized to perform sts:AssumeRoleWithSAML. {reason}"),
                    ));
                }
                r.row.role_id.clone()
            }
            None => credentials::role_id_of(&req.role_arn),
        };
        let session = credentials::Session {
            role_arn: req.role_arn.clone(),
            session_name: session_name.clone(),
            identity_id: None,
            identity_pool_id: None,
            source: credentials::Source {
                flow: "AssumeRoleWithSAML".into(),
                provider: Some(req.principal_arn.clone()),
                amr: Vec::new(),
            },
            tags: Vec::new(),
            scoped_down: false,
            duration_secs: duration,
        };
        let issued = credentials::mint(tx, key, now, &session).map_err(|e| vend_error(e.into()))?;
        Ok((
            AssumeRoleWithSamlResponse {
                credentials: StsCredentials {
                    access_key_id: issued.access_key_id,
                    secret_access_key: issued.secret_access_key,
                    session_token: issued.session_token,
                    expiration: iso8601(issued.expiration_ms),
                },
                assumed_role_user: AssumedRoleUser {
                    assumed_role_id: format!("{role_id}:{session_name}"),
                    arn: credentials::assumed_role_arn(&req.role_arn, &session_name),
                },
                subject: grant.name_id.clone(),
                issuer: grant.issuer.clone(),
                audience: SAML_AUDIENCE.into(),
            },
            None,
        ))
    })
}
