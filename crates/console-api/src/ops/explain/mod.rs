//! `ExplainRole`: "which role, and why?" for an identity pool — beyond Cognito. Given a login
//! (a provider and its token or claims typed in, or a guest), an optional `CustomRoleArn` and
//! optionally roles and role mappings not yet saved, it answers every rule's outcome, the role
//! chosen or the refusal with Cognito's error code, and the session tags the provider's principal
//! tag map would give. Nothing is stored: the rule editor calls it on every edit.
//!
//! A token from a Poolhouse user pool is verified as the token inspector verifies it (the pool's
//! keys, `iss`, `token_use` id, expiry; the sign-in's revocation when the provider asks for
//! `ServerSideTokenCheck`) and its `aud` must be one of the clients the identity pool trusts.
//! Any other token is decoded without verification, and the answer says so.

use std::collections::BTreeMap;

use domain::IdentityPoolId;
use identity_pools::mapping::{
    self, AmbiguousRoleResolution, Decision, Login, MatchType, RoleSource, RuleOutcome,
};
use identity_pools::pools;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use storage::identity_pools::IdentityPoolRow;
use ts_rs::TS;

use super::identity_pools::{
    AmbiguousRoleResolutionType, MappingRuleMatchType, RoleMapping, RoleMappingType,
};
use super::inspect::CheckType;
use super::shared::*;
use crate::ops::OpCtx;
use crate::{ApiError, Console, ErrorCode};

mod login;

use login::{check_login, refusal};

dto! {
    /// `ExplainRole`: which role an identity pool would give a login, and why.
    pub struct ExplainRoleRequest {
        pub identity_pool_id: IdentityPoolId,
        /// The login's provider as a `Logins` key (`cognito-idp.<region>.amazonaws.com/<pool
        /// id>`, `accounts.google.com`, an OIDC provider's host, a SAML provider's ARN); absent
        /// for a guest (unauthenticated identity).
        #[serde(default)]
        pub provider: Option<String>,
        /// The login's token. A Poolhouse user pool's ID token is verified; any other token is
        /// decoded without verification.
        #[serde(default)]
        pub token: Option<Sensitive>,
        /// The claims typed in, a JSON object (instead of `Token`).
        #[serde(default)]
        pub claims: Option<Value>,
        #[serde(default)]
        pub custom_role_arn: Option<String>,
        /// Roles to explain with instead of the saved ones (the editor's unsaved state).
        #[serde(default)]
        pub roles: Option<BTreeMap<String, String>>,
        /// Role mappings to explain with instead of the saved ones (the editor's unsaved state).
        #[serde(default)]
        pub role_mappings: Option<BTreeMap<String, RoleMapping>>,
        /// The identity (`region:uuid`) the trust policy sees as
        /// `cognito-identity.amazonaws.com:sub`; none when left out.
        #[serde(default)]
        pub identity_id: Option<String>,
        /// Now, in seconds since the epoch, for the token's time checks (default: the clock).
        #[serde(default)]
        #[ts(optional, type = "number")]
        pub now: Option<i64>,
    }
}

/// How one rule fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export)]
pub enum RuleOutcomeType {
    Matched,
    /// The token has no such claim.
    ClaimMissing,
    ValueDiffers,
    /// `NotEqual` on a claim the token lacks: Cognito does not evaluate the rule.
    Skipped,
    /// An earlier rule already matched.
    NotEvaluated,
}

dto! {
    /// One rule of a `Rules` mapping, as it was evaluated.
    pub struct RuleTraceType {
        /// 1-based position.
        pub index: u32,
        pub claim: String,
        pub match_type: MappingRuleMatchType,
        pub value: String,
        #[serde(rename = "RoleARN")]
        pub role_arn: String,
        pub outcome: RuleOutcomeType,
        /// The claim's value as compared (arrays as JSON), when the token has it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub got: Option<String>,
        /// Whether this rule's role is the one chosen.
        pub chosen: bool,
        pub reason: String,
    }
}

dto! {
    /// What a `Token` mapping found in the token.
    pub struct TokenRolesType {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub preferred_role: Option<String>,
        pub roles: Vec<String>,
    }
}

dto! {
    /// A refusal as Cognito answers it.
    pub struct RefusalType {
        /// Cognito's error code (`NotAuthorizedException`, ...).
        pub code: String,
        pub message: String,
        /// Why, for people.
        pub reason: String,
    }
}

dto! {
    /// How the login's claims were read.
    pub struct LoginCheckType {
        /// `Verified` (a Poolhouse user pool's token, every check passed), `Refused` (verified,
        /// and a check failed), `Unverified` (decoded or typed in; not checked) or `Guest`.
        pub status: String,
        /// What that means, in one sentence.
        pub note: String,
        /// The token inspector's checks, when the token was verified.
        pub checks: Vec<CheckType>,
    }
}

dto! {
    pub struct SessionTagType {
        pub key: String,
        pub value: String,
        /// The claim it came from.
        pub claim: String,
    }
}

dto! {
    pub struct SkippedTagType {
        pub key: String,
        pub claim: String,
        pub reason: String,
    }
}

dto! {
    /// A problem with the roles or role mappings explained with, naming the member as
    /// `SetIdentityPoolRoles` would (`RoleMappings["p"].RulesConfiguration.Rules[2].Claim`).
    pub struct RoleProblemType {
        pub member: String,
        pub message: String,
    }
}

dto! {
    pub struct ExplainRoleResponse {
        pub identity_pool_id: String,
        /// The login's provider (absent for a guest).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub provider: Option<String>,
        pub login: LoginCheckType,
        /// The claims the rules were evaluated on.
        pub claims: Value,
        /// The `RoleMappings` key that applied.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub mapping_key: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub mapping_type: Option<RoleMappingType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ambiguous_role_resolution: Option<AmbiguousRoleResolutionType>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub custom_role_arn: Option<String>,
        /// Every rule of a `Rules` mapping, in order.
        pub rules: Vec<RuleTraceType>,
        /// What a `Token` mapping read from the token.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub token_roles: Option<TokenRolesType>,
        /// The role chosen (absent when refused).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub role_arn: Option<String>,
        /// Where it came from: `Rule`, `CustomRoleArn`, `PreferredRole`, `CognitoRoles`,
        /// `DefaultAuthenticatedRole`, `AmbiguousAuthenticatedRole` or `UnauthenticatedRole`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub role_source: Option<String>,
        /// The rule that gave the role (1-based), when a rule did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub rule_index: Option<u32>,
        /// Why no credentials would be given, with Cognito's error code.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub refusal: Option<RefusalType>,
        /// The outcome in one sentence.
        pub summary: String,
        /// The session tags the provider's principal tag map gives these claims.
        pub session_tags: Vec<SessionTagType>,
        pub skipped_tags: Vec<SkippedTagType>,
        /// Whether the principal tag map in force is the provider's defaults.
        pub tags_use_defaults: bool,
        /// A tag STS would refuse (a value over 256 characters).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub tags_problem: Option<RoleProblemType>,
        /// Every problem of the roles and role mappings explained with (the unsaved ones when
        /// given): `SetIdentityPoolRoles` would refuse them.
        pub problems: Vec<RoleProblemType>,
        /// Whether the request's `Roles`/`RoleMappings` were used rather than the saved ones.
        pub unsaved: bool,
        /// The workspace's role behind the chosen ARN, when it has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub role_name: Option<String>,
        /// The chosen role's trust policy, as STS evaluates it when Cognito assumes the role
        /// (`NotChecked` when the workspace has no such role).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub trust: Option<super::vending::TrustVerdict>,
        /// The `amr` the trust policy saw (empty when no role was chosen).
        pub amr: Vec<String>,
    }
}

impl From<mapping::Problem> for RoleProblemType {
    fn from(p: mapping::Problem) -> Self {
        RoleProblemType {
            member: p.member,
            message: p.message,
        }
    }
}

impl From<mapping::TagProblem> for RoleProblemType {
    fn from(p: mapping::TagProblem) -> Self {
        RoleProblemType {
            member: p.member,
            message: p.message,
        }
    }
}

impl From<mapping::SessionTag> for SessionTagType {
    fn from(t: mapping::SessionTag) -> Self {
        SessionTagType {
            key: t.key,
            value: t.value,
            claim: t.claim,
        }
    }
}

impl From<mapping::SkippedTag> for SkippedTagType {
    fn from(t: mapping::SkippedTag) -> Self {
        SkippedTagType {
            key: t.key,
            claim: t.claim,
            reason: t.reason,
        }
    }
}

fn match_type(m: MatchType) -> MappingRuleMatchType {
    match m {
        MatchType::Equals => MappingRuleMatchType::Equals,
        MatchType::Contains => MappingRuleMatchType::Contains,
        MatchType::StartsWith => MappingRuleMatchType::StartsWith,
        MatchType::NotEqual => MappingRuleMatchType::NotEqual,
    }
}

fn outcome(o: RuleOutcome) -> RuleOutcomeType {
    match o {
        RuleOutcome::Matched => RuleOutcomeType::Matched,
        RuleOutcome::ClaimMissing => RuleOutcomeType::ClaimMissing,
        RuleOutcome::ValueDiffers => RuleOutcomeType::ValueDiffers,
        RuleOutcome::Skipped => RuleOutcomeType::Skipped,
        RuleOutcome::NotEvaluated => RuleOutcomeType::NotEvaluated,
    }
}

fn source(s: &RoleSource) -> (&'static str, Option<u32>) {
    match s {
        RoleSource::Rule { index } => ("Rule", u32::try_from(*index).ok()),
        RoleSource::CustomRoleArn => ("CustomRoleArn", None),
        RoleSource::PreferredRole => ("PreferredRole", None),
        RoleSource::CognitoRoles => ("CognitoRoles", None),
        RoleSource::DefaultAuthenticatedRole => ("DefaultAuthenticatedRole", None),
        RoleSource::AmbiguousAuthenticatedRole => ("AmbiguousAuthenticatedRole", None),
        RoleSource::UnauthenticatedRole => ("UnauthenticatedRole", None),
    }
}

fn internal(what: &str, e: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        ErrorCode::InternalErrorException,
        format!("{what} are unreadable: {e}"),
    )
}

/// The saved role mappings, or the request's, in the engine's types.
fn mappings_of(
    pool: &IdentityPoolRow,
    proposed: Option<&BTreeMap<String, RoleMapping>>,
) -> Result<mapping::RoleMappings, ApiError> {
    match proposed {
        Some(given) => given
            .iter()
            .map(|(k, m)| {
                let v = serde_json::to_value(m).map_err(|e| internal("role mappings", e))?;
                let m = serde_json::from_value(v).map_err(|e| internal("role mappings", e))?;
                Ok((k.clone(), m))
            })
            .collect(),
        None => pool
            .role_mappings
            .iter()
            .map(|(k, v)| {
                let m = serde_json::from_value(v.clone())
                    .map_err(|e| internal("stored role mappings", e))?;
                Ok((k.clone(), m))
            })
            .collect(),
    }
}

/// The claims to explain with: the token's (decoded here; verified below when it can be) or
/// those typed in.
fn claims_of(req: &ExplainRoleRequest, now: i64) -> Result<Map<String, Value>, ApiError> {
    match (&req.token, &req.claims) {
        (Some(_), Some(_)) => Err(ApiError::invalid(
            "Claims",
            "give a Token or Claims, not both",
        )),
        (None, None) if req.provider.is_some() => Err(ApiError::invalid(
            "Token",
            "give the login's token, or its claims as a JSON object",
        )),
        (None, None) => Ok(Map::new()),
        (None, Some(Value::Object(m))) => Ok(m.clone()),
        (None, Some(_)) => Err(ApiError::invalid(
            "Claims",
            "must be a JSON object of claim names and values",
        )),
        (Some(token), None) => {
            let d = tokens::inspect::decode(token.expose().as_bytes(), now);
            if let Some(p) = &d.problem {
                return Err(ApiError::invalid(
                    "Token",
                    format!("cannot be read as a JWT: {p}"),
                ));
            }
            d.claims_map()
                .cloned()
                .ok_or_else(|| ApiError::invalid("Token", "has no JSON claims"))
        }
    }
}

/// `ExplainRole`.
pub(crate) fn explain_role(
    c: &Console,
    ctx: &OpCtx<'_>,
    req: ExplainRoleRequest,
) -> Result<ExplainRoleResponse, ApiError> {
    if let Some(p) = &req.provider
        && (p.is_empty() || p.chars().count() > 128)
    {
        return Err(ApiError::invalid("Provider", "must be 1–128 characters"));
    }
    let pool = c.read(|r| Ok(pools::describe(r, &req.identity_pool_id)?))?;
    let now = c.inspect_now(req.now);
    let claims = claims_of(&req, now)?;
    let unsaved = req.roles.is_some() || req.role_mappings.is_some();
    let roles = req.roles.clone().unwrap_or_else(|| pool.roles.clone());
    let mappings = mappings_of(&pool, req.role_mappings.as_ref())?;

    let mut problems = Vec::new();
    if unsaved && let Err(e) = pools::check_roles(&pool.config, &roles, &mappings) {
        problems = e.problems.into_iter().map(RoleProblemType::from).collect();
    }

    let (login_check, login_refusal) = check_login(c, ctx, &pool, &req, &claims, now)?;
    let login = match req.provider.as_deref() {
        None => Login::Guest,
        Some(provider) => Login::Provider {
            provider,
            claims: &claims,
        },
    };
    let e = mapping::resolve(&mapping::Request {
        roles: &roles,
        role_mappings: &mappings,
        login,
        custom_role_arn: req.custom_role_arn.as_deref(),
    });

    let (mut role_arn, mut role_source, mut rule_index, mut refused) = (None, None, None, None);
    match &e.decision {
        Decision::Role {
            role_arn: arn,
            source: s,
        } => {
            let (name, index) = source(s);
            role_arn = Some(arn.clone());
            role_source = Some(name.to_owned());
            rule_index = index;
        }
        Decision::Refused { refusal: r } => {
            refused = Some(refusal(&r.code, &r.message, r.reason.clone()));
        }
    }
    let mut summary = e.summary.clone();
    if let Some(r) = login_refusal {
        summary = format!(
            "Refused before any role is chosen ({}): {}.",
            r.code, r.reason
        );
        role_arn = None;
        role_source = None;
        rule_index = None;
        refused = Some(r);
    }

    let (mut session_tags, mut skipped_tags, mut tags_problem, mut use_defaults) =
        (Vec::new(), Vec::new(), None, false);
    if let Some(provider) = req.provider.as_deref() {
        let stored = pool
            .principal_tags
            .get(provider)
            .cloned()
            .unwrap_or_default();
        use_defaults = stored.use_defaults;
        let map = mapping::PrincipalTagMap {
            use_defaults: stored.use_defaults,
            principal_tags: stored.principal_tags,
        };
        match mapping::principal_tags(&map, provider, &claims) {
            Ok(t) => {
                session_tags = t.tags.into_iter().map(SessionTagType::from).collect();
                skipped_tags = t.skipped.into_iter().map(SkippedTagType::from).collect();
            }
            Err(p) => tags_problem = Some(RoleProblemType::from(p)),
        }
    }

    let mut amr_seen = Vec::new();
    let (role_name, trust) = match (&role_arn, &refused, &tags_problem) {
        (Some(arn), None, None) => {
            let amr = identity_pools::vend::amr(&pool, &login);
            let tags: Vec<(String, String)> = session_tags
                .iter()
                .map(|t| (t.key.clone(), t.value.clone()))
                .collect();
            let identity = req.identity_id.as_deref().unwrap_or_default();
            let (record, verdict) = c.read(|r| {
                identity_pools::vend::check_trust(r, &pool, identity, &amr, arn, &tags)
                    .map_err(super::vending::vend_error)
            })?;
            let name = match record {
                identity_pools::vend::RoleRecord::Known { name } => Some(name),
                identity_pools::vend::RoleRecord::Unknown => None,
            };
            amr_seen = amr;
            (name, Some(super::vending::trust_verdict(&verdict)))
        }
        _ => (None, None),
    };
    // A trust policy that refuses makes the exchange fail as Cognito fails it.
    if let (Some(arn), Some(t)) = (&role_arn, trust.as_ref().filter(|t| t.outcome == "Refused")) {
        summary = format!(
            "{arn} is chosen, but its trust policy refuses the exchange (STS would answer {}: {}): {}.",
            t.sts_code.as_deref().unwrap_or("AccessDenied"),
            t.sts_message.as_deref().unwrap_or(""),
            t.summary
        );
        refused = Some(refusal(
            identity_pools::vend::INVALID_POOL_CONFIGURATION,
            "Invalid identity pool configuration. Check assigned IAM roles for this pool.",
            format!("the trust policy of {arn} refuses it: {}", t.summary),
        ));
    }

    Ok(ExplainRoleResponse {
        role_name,
        trust,
        amr: amr_seen,
        identity_pool_id: pool.id.to_string(),
        provider: e.provider.clone(),
        login: login_check,
        claims: Value::Object(claims),
        mapping_key: e.mapping_key.clone(),
        mapping_type: e.mapping_type.map(|t| match t {
            mapping::RoleMappingType::Token => RoleMappingType::Token,
            mapping::RoleMappingType::Rules => RoleMappingType::Rules,
        }),
        ambiguous_role_resolution: e.ambiguous_role_resolution.map(|a| match a {
            AmbiguousRoleResolution::AuthenticatedRole => {
                AmbiguousRoleResolutionType::AuthenticatedRole
            }
            AmbiguousRoleResolution::Deny => AmbiguousRoleResolutionType::Deny,
        }),
        custom_role_arn: e.custom_role_arn.clone(),
        rules: e
            .rules
            .iter()
            .map(|r| RuleTraceType {
                index: u32::try_from(r.index).unwrap_or(u32::MAX),
                claim: r.claim.clone(),
                match_type: match_type(r.match_type),
                value: r.value.clone(),
                role_arn: r.role_arn.clone(),
                outcome: outcome(r.outcome),
                got: r.got.clone(),
                chosen: r.chosen && refused.is_none(),
                reason: r.reason.clone(),
            })
            .collect(),
        token_roles: e.token.as_ref().map(|t| TokenRolesType {
            preferred_role: t.preferred_role.clone(),
            roles: t.roles.clone(),
        }),
        role_arn,
        role_source,
        rule_index,
        refusal: refused,
        summary,
        session_tags,
        skipped_tags,
        tags_use_defaults: use_defaults,
        tags_problem,
        problems,
        unsaved,
    })
}
