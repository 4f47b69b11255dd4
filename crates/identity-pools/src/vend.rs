//! Vending credentials for an identity, as `GetCredentialsForIdentity` does (the enhanced flow):
//! the role is resolved from the pool's configuration ([`crate::mapping::resolve`]), the role's
//! trust policy is evaluated as STS does for Cognito (principal
//! `cognito-identity.amazonaws.com`, `:aud` = the pool id, `:amr`,
//! `sts:AssumeRoleWithWebIdentity`, and `sts:TagSession` when principal tags are passed), guests
//! get the scope-down session policy, and the credentials are valid one hour. The answer carries
//! the explanation of every step; a refusal carries Cognito's error and the same explanation.
//!
//! The API is two calls:
//! - [`plan`]: every decision, nothing written (for "which role, and why?");
//! - [`vend`]: [`plan`], then the credentials minted and stored in the caller's transaction.
//!
//! A role ARN the workspace has no role record for is vended without a trust check, and the
//! explanation says so (`Trust::NotChecked`): many emulator users keep no IAM at all, and AWS
//! would check the real role, which Poolhouse cannot see.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Serialize;
use storage::identity_pools::IdentityPoolRow;
use storage::{Read, Tx};

use crate::credentials::{self, CredentialKey, Issued, Session, Source, Tag};
use crate::mapping::{self, Login, PrincipalTagMap, ProviderKind, RoleMappings};
use crate::policy::{
    COGNITO_IDENTITY, NamedPolicy, PolicyDocument, PolicyKind, TrustEvaluation, WebIdentity,
    evaluate_web_identity,
};
use crate::roles;

/// How long enhanced-flow credentials last (Cognito's one hour).
pub const ENHANCED_DURATION_SECS: i64 = 3600;
/// The session name Cognito gives the roles it assumes for identities.
pub const SESSION_NAME: &str = "CognitoIdentityCredentials";

/// Cognito's answers.
pub const INVALID_POOL_CONFIGURATION: &str = "InvalidIdentityPoolConfigurationException";
const INVALID_POOL_CONFIGURATION_MESSAGE: &str =
    "Invalid identity pool configuration. Check assigned IAM roles for this pool.";
pub const NOT_AUTHORIZED: &str = "NotAuthorizedException";
pub const INVALID_PARAMETER: &str = "InvalidParameterException";

/// The guest scope-down session policy Cognito adds in the enhanced flow: the services the
/// developer guide ("IAM roles", access for unauthenticated identities) lists, and the actions
/// of the managed policy `AmazonCognitoUnAuthedIdentitiesSessionPolicy` (v3). A guest's request
/// is allowed only when the role's policies and this policy both allow it.
pub const GUEST_SCOPE_DOWN: &str = concat!(
    r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "CognitoUnauthenticatedServices",
      "Effect": "Allow",
      "Action": [
        "appsync:*", "cloudwatch:*", "cognito-identity:*", "cognito-sync:*", "comprehend:*",
        "dynamodb:*", "firehose:*", "gamelift:*", "geo:*", "iot:*", "kinesis:*", "kms:*",
        "lambda:*", "lex:*", "machinelearning:*", "mobileanalytics:*", "mobiletargeting:*",
        "personalize:*", "polly:*", "rekognition:*", "s3:*", "sagemaker:*", "sdb:*", "ses:*",
        "sns:*", "sqs:*", "textract:*", "transcribe:*", "translate:*"
      ],
      "Resource": "*"
    },
    {
      "Sid": "CognitoUnAuthedIdentitiesSessionPolicy",
      "Effect": "Allow",
      "Action": [
"#,
    unauthed::cognito_unauthed_actions!(),
    r#"      ],
      "Resource": "*"
    }
  ]
}"#
);

/// The guest scope-down policy, parsed once.
pub fn guest_scope_down() -> Result<&'static NamedPolicy, String> {
    static POLICY: OnceLock<Result<NamedPolicy, String>> = OnceLock::new();
    POLICY
        .get_or_init(|| {
            PolicyDocument::parse(GUEST_SCOPE_DOWN, PolicyKind::Permissions)
                .map(|d| NamedPolicy::new("guest scope-down policy", d))
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// What [`vend`] and [`plan`] take.
#[derive(Debug, Clone, Copy)]
pub struct VendRequest<'a> {
    pub pool: &'a IdentityPoolRow,
    /// The identity (`region:uuid`), already known to the pool.
    pub identity_id: &'a str,
    /// The login, its token already verified (claims), or a guest.
    pub login: Login<'a>,
    pub custom_role_arn: Option<&'a str>,
    /// The principal tag map for the login's provider; None: the pool's own.
    pub principal_tags: Option<&'a PrincipalTagMap>,
}

/// The role record behind the chosen ARN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "Kind")]
pub enum RoleRecord {
    /// A role of the workspace.
    Known {
        #[serde(rename = "RoleName")]
        name: String,
    },
    /// The workspace has no role with this ARN.
    Unknown,
}

/// The trust policy's verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "Outcome")]
pub enum Trust {
    Allowed {
        #[serde(rename = "Summary")]
        summary: String,
    },
    Refused {
        /// STS's code (`AccessDenied`).
        #[serde(rename = "StsCode")]
        sts_code: String,
        /// STS's message (`Not authorized to perform sts:AssumeRoleWithWebIdentity`).
        #[serde(rename = "StsMessage")]
        sts_message: String,
        /// Which condition failed, or which statement denied.
        #[serde(rename = "Reason")]
        reason: String,
    },
    /// The trust policy was not evaluated.
    NotChecked {
        #[serde(rename = "Reason")]
        reason: String,
    },
}

/// The explanation of a vend: every step, whatever the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct VendExplanation {
    /// Which role, and why (every rule).
    pub role_mapping: mapping::Explanation,
    /// The role chosen (None when role mapping refused).
    pub role_arn: Option<String>,
    pub role_record: Option<RoleRecord>,
    /// The trust policy's verdict (None when no role was chosen).
    pub trust: Option<Trust>,
    /// The `amr` the trust policy saw.
    pub amr: Vec<String>,
    /// The principal tags passed as session tags.
    pub session_tags: Vec<mapping::SessionTag>,
    /// Mapped tags the claims did not fill.
    pub skipped_tags: Vec<mapping::SkippedTag>,
    /// The guest scope-down policy applies to the session.
    pub scope_down: bool,
    /// The outcome in one sentence.
    pub summary: String,
}

/// Why nothing was vended.
#[derive(Debug, thiserror::Error)]
pub enum VendError {
    /// Refused as Cognito refuses: its error code and message, and the explanation.
    #[error("{code}: {message}")]
    Refused {
        code: &'static str,
        message: String,
        explanation: Box<VendExplanation>,
    },
    #[error("{0}")]
    Internal(String),
    #[error(transparent)]
    Storage(#[from] storage::Error),
}

impl From<roles::Error> for VendError {
    fn from(e: roles::Error) -> Self {
        match e {
            roles::Error::Storage(s) => VendError::Storage(s),
            other => VendError::Internal(format!("a stored role is unreadable: {other}")),
        }
    }
}

impl From<credentials::Error> for VendError {
    fn from(e: credentials::Error) -> Self {
        match e {
            credentials::Error::Storage(s) => VendError::Storage(s),
            other => VendError::Internal(other.to_string()),
        }
    }
}

/// Every decision of a vend, nothing written.
#[derive(Debug, Clone)]
pub struct Plan {
    pub explanation: VendExplanation,
    pub role_arn: String,
    pub session: Session,
}

/// The `amr` Cognito presents to STS for a login: `unauthenticated` for guests; else
/// `authenticated`, the provider, and the provider's entry for this user
/// (`<user pool provider>:CognitoSignIn:<sub>`, `<developer provider>:<pool id>:<user>`,
/// `<provider>:<sub>`).
pub fn amr(pool: &IdentityPoolRow, login: &Login<'_>) -> Vec<String> {
    match login {
        Login::Guest => vec!["unauthenticated".to_string()],
        Login::Provider { provider, claims } => {
            let subject = |claim: &str| claims.get(claim).and_then(|v| v.as_str());
            let mut amr = vec!["authenticated".to_string()];
            match ProviderKind::of(provider) {
                // An identity-pool token (GetOpenIdTokenForDeveloperIdentity's) names its
                // developer user in its own `amr`; its `sub` is the identity.
                ProviderKind::Developer
                    if let Some(carried) = claims.get("amr").and_then(|v| v.as_array()) =>
                {
                    amr.extend(
                        carried
                            .iter()
                            .filter_map(|v| v.as_str())
                            .filter(|s| *s != "authenticated" && *s != "unauthenticated")
                            .map(str::to_string),
                    );
                }
                ProviderKind::Developer => {
                    let dev = pool
                        .config
                        .developer_provider_name
                        .clone()
                        .unwrap_or_else(|| (*provider).to_string());
                    amr.push(dev.clone());
                    if let Some(user) = subject("sub") {
                        amr.push(format!("{dev}:{}:{user}", pool.id));
                    }
                }
                ProviderKind::UserPool => {
                    amr.push((*provider).to_string());
                    if let Some(sub) = subject("sub") {
                        amr.push(format!("{provider}:CognitoSignIn:{sub}"));
                    }
                }
                kind => {
                    amr.push((*provider).to_string());
                    let claim = if kind == ProviderKind::Amazon {
                        "user_id"
                    } else {
                        "sub"
                    };
                    if let Some(sub) = subject(claim).or_else(|| subject("sub")) {
                        amr.push(format!("{provider}:{sub}"));
                    }
                }
            }
            amr
        }
    }
}

fn refuse(
    code: &'static str,
    message: impl Into<String>,
    mut explanation: VendExplanation,
    summary: String,
) -> VendError {
    explanation.summary = summary;
    VendError::Refused {
        code,
        message: message.into(),
        explanation: Box::new(explanation),
    }
}

/// The pool's stored role mappings, parsed.
fn role_mappings(pool: &IdentityPoolRow) -> Result<RoleMappings, VendError> {
    let mut role_mappings = RoleMappings::new();
    for (provider, m) in &pool.role_mappings {
        let parsed = serde_json::from_value(m.clone()).map_err(|e| {
            VendError::Internal(format!(
                "the stored role mapping of {provider} is unreadable: {e}"
            ))
        })?;
        role_mappings.insert(provider.clone(), parsed);
    }
    Ok(role_mappings)
}

/// Which of several logins decides the role ([`mapping::deciding_login`]: a login with a role
/// mapping over one without; mapped logins that give different roles are refused unless
/// `CustomRoleArn` chooses). `logins` in the Logins map's key order.
pub fn deciding_login(
    pool: &IdentityPoolRow,
    verified: &[crate::logins::VerifiedLogin],
    custom_role_arn: Option<&str>,
) -> Result<usize, VendError> {
    let role_mappings = role_mappings(pool)?;
    let logins: Vec<mapping::LoginClaims<'_>> = verified
        .iter()
        .map(|l| (l.provider.as_str(), &*l.claims))
        .collect();
    mapping::deciding_login(&pool.roles, &role_mappings, &logins, custom_role_arn).map_err(
        |refusal| {
            let first =
                logins
                    .first()
                    .map_or(Login::Guest, |&(provider, claims)| Login::Provider {
                        provider,
                        claims,
                    });
            let explanation = VendExplanation {
                role_mapping: mapping::resolve(&mapping::Request {
                    roles: &pool.roles,
                    role_mappings: &role_mappings,
                    login: first,
                    custom_role_arn,
                }),
                role_arn: None,
                role_record: None,
                trust: None,
                amr: Vec::new(),
                session_tags: Vec::new(),
                skipped_tags: Vec::new(),
                scope_down: false,
                summary: String::new(),
            };
            refuse(
                INVALID_PARAMETER,
                refusal.message,
                explanation,
                refusal.reason,
            )
        },
    )
}

/// Decides everything a vend decides — the role, the trust verdict, the session tags, the
/// scope-down — without writing anything.
pub fn plan(r: &impl Read, req: &VendRequest<'_>) -> Result<Plan, VendError> {
    let pool = req.pool;
    let role_mappings = role_mappings(pool)?;
    let resolution = mapping::resolve(&mapping::Request {
        roles: &pool.roles,
        role_mappings: &role_mappings,
        login: req.login,
        custom_role_arn: req.custom_role_arn,
    });
    let amr = amr(pool, &req.login);
    let guest = matches!(req.login, Login::Guest);
    let mut explanation = VendExplanation {
        role_mapping: resolution.clone(),
        role_arn: None,
        role_record: None,
        trust: None,
        amr: amr.clone(),
        session_tags: Vec::new(),
        skipped_tags: Vec::new(),
        scope_down: guest,
        summary: String::new(),
    };
    if guest && !pool.config.allow_unauthenticated_identities {
        return Err(refuse(
            NOT_AUTHORIZED,
            "Unauthenticated access is not supported for this identity pool.",
            explanation,
            "refused: the identity pool does not allow guests (AllowUnauthenticatedIdentities is false)".into(),
        ));
    }
    let role_arn = match resolution.role() {
        Ok(arn) => arn.to_string(),
        Err(refusal) => {
            let (code, message, reason) = (
                refusal.code.clone(),
                refusal.message.clone(),
                refusal.reason.clone(),
            );
            let code = match code.as_str() {
                NOT_AUTHORIZED => NOT_AUTHORIZED,
                INVALID_PARAMETER => INVALID_PARAMETER,
                _ => INVALID_POOL_CONFIGURATION,
            };
            return Err(refuse(
                code,
                message,
                explanation,
                format!("refused: {reason}"),
            ));
        }
    };
    explanation.role_arn = Some(role_arn.clone());

    // Principal tags → session tags. An identity-pool token (a developer identity's) carries
    // the developer's PrincipalTags itself.
    let carried = match req.login {
        Login::Provider { provider, claims }
            if ProviderKind::of(provider) == ProviderKind::Developer =>
        {
            crate::openid::carried_tags(claims)
        }
        _ => BTreeMap::new(),
    };
    if !carried.is_empty() {
        explanation.session_tags = carried
            .into_iter()
            .map(|(key, value)| mapping::SessionTag {
                key,
                value,
                claim: crate::openid::TAGS_CLAIM.to_owned(),
            })
            .collect();
    } else if let Login::Provider { provider, claims } = req.login {
        let own;
        let map = match req.principal_tags {
            Some(m) => Some(m),
            None => {
                own = pool.principal_tags.get(provider).map(|m| PrincipalTagMap {
                    use_defaults: m.use_defaults,
                    principal_tags: m.principal_tags.clone(),
                });
                own.as_ref()
            }
        };
        if let Some(map) = map {
            match mapping::principal_tags(map, provider, claims) {
                Ok(tags) => {
                    explanation.session_tags = tags.tags;
                    explanation.skipped_tags = tags.skipped;
                }
                Err(problem) => {
                    let reason = problem.to_string();
                    return Err(refuse(
                        INVALID_PARAMETER,
                        reason.clone(),
                        explanation,
                        format!("refused: a principal tag cannot be a session tag: {reason}"),
                    ));
                }
            }
        }
    }
    let session_tags: Vec<(String, String)> = explanation
        .session_tags
        .iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect();

    // The role record and its trust policy.
    let (record, trust) = check_trust(r, pool, req.identity_id, &amr, &role_arn, &session_tags)?;
    explanation.role_record = Some(record);
    explanation.trust = Some(trust.clone());
    if let Trust::Refused {
        sts_code,
        sts_message,
        reason,
    } = trust
    {
        return Err(refuse(
            INVALID_POOL_CONFIGURATION,
            INVALID_POOL_CONFIGURATION_MESSAGE,
            explanation,
            format!(
                "refused: STS would answer {sts_code}: {sts_message} — the trust policy of \
                 {role_arn} does not let {COGNITO_IDENTITY} assume it: {reason}"
            ),
        ));
    }

    explanation.summary = format!(
        "{} gets {role_arn} ({}){}{}",
        req.identity_id,
        match &explanation.trust {
            Some(Trust::Allowed { .. }) => "the trust policy allows it",
            _ => "trust not checked: the role is not in this workspace",
        },
        if session_tags.is_empty() {
            String::new()
        } else {
            format!(", with {} session tag(s)", session_tags.len())
        },
        if guest {
            ", scoped down for a guest"
        } else {
            ""
        },
    );
    let provider = match req.login {
        Login::Guest => None,
        Login::Provider { provider, .. } => Some(provider.to_string()),
    };
    Ok(Plan {
        session: Session {
            role_arn: role_arn.clone(),
            session_name: SESSION_NAME.to_string(),
            identity_id: Some(req.identity_id.to_string()),
            identity_pool_id: Some(pool.id.to_string()),
            source: Source {
                flow: "GetCredentialsForIdentity".to_string(),
                provider,
                amr,
            },
            tags: session_tags
                .into_iter()
                .map(|(key, value)| Tag { key, value })
                .collect(),
            scoped_down: guest,
            session_policy: None,
            duration_secs: ENHANCED_DURATION_SECS,
        },
        explanation,
        role_arn,
    })
}

/// The role record behind `role_arn` and its trust policy's verdict for this identity, as STS
/// evaluates it when Cognito assumes the role (`sts:AssumeRoleWithWebIdentity`, and
/// `sts:TagSession` when there are session tags). A role the workspace has no record of is
/// [`RoleRecord::Unknown`], its trust [`Trust::NotChecked`].
pub fn check_trust(
    r: &impl Read,
    pool: &IdentityPoolRow,
    identity_id: &str,
    amr: &[String],
    role_arn: &str,
    session_tags: &[(String, String)],
) -> Result<(RoleRecord, Trust), VendError> {
    let Some(role) = roles::load_shared(r, role_arn)? else {
        return Ok((
            RoleRecord::Unknown,
            Trust::NotChecked {
                reason: format!(
                    "{role_arn} is not a role of this workspace, so its trust policy could not \
                     be checked (on AWS, STS checks the real role's trust policy); create or \
                     import the role to check it here"
                ),
            },
        ));
    };
    let record = RoleRecord::Known {
        name: role.row.name.clone(),
    };
    let key = verdicts::key(&role, pool.id.as_str(), identity_id, amr, session_tags);
    if let Some(trust) = verdicts::get(&role, &key) {
        return Ok((record, trust));
    }
    let identity = WebIdentity {
        identity_pool_id: pool.id.to_string(),
        identity_id: identity_id.to_string(),
        amr: amr.to_vec(),
        session_tags: session_tags.to_vec(),
    };
    let verdict: TrustEvaluation = evaluate_web_identity(&role.trust, &identity);
    let trust = match verdict.sts_error() {
        None => Trust::Allowed {
            summary: verdict.assume.summary(),
        },
        Some(sts) => Trust::Refused {
            sts_code: sts.code.to_string(),
            sts_message: sts.message.clone(),
            reason: verdict.refusal().unwrap_or_else(|| sts.message.clone()),
        },
    };
    verdicts::put(&role, key, &trust);
    Ok((record, trust))
}

/// Credentials vended, with the explanation.
#[derive(Debug, Clone)]
pub struct Vended {
    pub credentials: Issued,
    pub role_arn: String,
    pub explanation: VendExplanation,
}

/// Vends one-hour credentials for the identity: [`plan`], then the credential minted and
/// stored in `tx`.
pub fn vend(
    tx: &Tx<'_>,
    key: &CredentialKey,
    now_ms: i64,
    req: &VendRequest<'_>,
) -> Result<Vended, VendError> {
    let plan = plan(tx, req)?;
    let credentials = credentials::mint(tx, key, now_ms, &plan.session)?;
    Ok(Vended {
        credentials,
        role_arn: plan.role_arn,
        explanation: plan.explanation,
    })
}

/// [`plan`], then the credentials minted but not stored: the credentials, and their record for
/// [`credentials::record`] (which may come after the answer: the credentials prove themselves).
pub fn vend_unrecorded(
    r: &impl Read,
    key: &CredentialKey,
    now_ms: i64,
    req: &VendRequest<'_>,
) -> Result<(Vended, storage::credentials::CredentialRow), VendError> {
    let plan = plan(r, req)?;
    let (credentials, row) = credentials::issue(key, now_ms, &plan.session)?;
    Ok((
        Vended {
            credentials,
            role_arn: plan.role_arn,
            explanation: plan.explanation,
        },
        row,
    ))
}

/// The session tags of a plan as a map (for callers that show them).
pub fn tag_map(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect()
}

pub mod session;
#[cfg(test)]
mod tests;
mod unauthed;
mod verdicts;
