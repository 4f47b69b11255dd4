//! Which role an identity gets, and why: Cognito's role resolution for
//! `GetCredentialsForIdentity`, returning the decision with its explanation.
//!
//! The order, from Cognito's developer guide ("Role-based access control"):
//! - no role mapping for the login's provider: the pool's authenticated role (guests: the
//!   unauthenticated role);
//! - `Token`: `CustomRoleArn` if it is one of `cognito:roles` (otherwise deny), else
//!   `cognito:preferred_role`, else the one role of `cognito:roles`, else `AmbiguousRoleResolution`;
//! - `Rules`: in order, the first match wins ("unless CustomRoleArn is specified to override the
//!   order": then the first matching rule whose role is the CustomRoleArn); `NotEqual` on a claim
//!   the token lacks is not evaluated; no match: `AmbiguousRoleResolution`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::claims;
use super::model::{
    AUTHENTICATED, AmbiguousRoleResolution, MappingRule, MatchType, RoleMapping, RoleMappingType,
    RoleMappings, Roles, UNAUTHENTICATED,
};

pub const PREFERRED_ROLE_CLAIM: &str = "cognito:preferred_role";
pub const ROLES_CLAIM: &str = "cognito:roles";

/// Who asks for credentials.
#[derive(Debug, Clone, Copy)]
pub enum Login<'a> {
    /// An unauthenticated (guest) identity: no Logins.
    Guest,
    /// A login through `provider` (its Logins key) whose token carried these verified claims.
    Provider {
        provider: &'a str,
        claims: &'a Map<String, Value>,
    },
}

/// Everything role resolution looks at.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub roles: &'a Roles,
    pub role_mappings: &'a RoleMappings,
    pub login: Login<'a>,
    pub custom_role_arn: Option<&'a str>,
}

/// How one rule fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RuleOutcome {
    Matched,
    /// The token has no such claim (Equals, Contains, StartsWith).
    ClaimMissing,
    ValueDiffers,
    /// `NotEqual` on a claim the token lacks: Cognito does not evaluate the rule.
    Skipped,
    /// An earlier rule already matched.
    NotEvaluated,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RuleTrace {
    /// 1-based position in the rule list.
    pub index: usize,
    pub claim: String,
    pub match_type: MatchType,
    pub value: String,
    #[serde(rename = "RoleARN")]
    pub role_arn: String,
    pub outcome: RuleOutcome,
    /// The claim's value as compared (arrays as JSON), when the token has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub got: Option<String>,
    /// Whether this rule's role is the one chosen.
    pub chosen: bool,
    /// One sentence for people.
    pub reason: String,
}

/// What a `Token` mapping found in the token.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TokenTrace {
    pub preferred_role: Option<String>,
    pub roles: Vec<String>,
}

/// Where the chosen role came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "Kind")]
pub enum RoleSource {
    /// A rule of a `Rules` mapping (1-based).
    Rule {
        #[serde(rename = "Index")]
        index: usize,
    },
    /// The caller's `CustomRoleArn`, among the roles the token allows.
    CustomRoleArn,
    /// `cognito:preferred_role`.
    PreferredRole,
    /// The only role in `cognito:roles`.
    CognitoRoles,
    /// The provider has no role mapping: the pool's authenticated role.
    DefaultAuthenticatedRole,
    /// Ambiguous (no rule matched, or no single token role), resolved as `AuthenticatedRole`.
    AmbiguousAuthenticatedRole,
    /// A guest: the pool's unauthenticated role.
    UnauthenticatedRole,
}

/// A refusal, as `GetCredentialsForIdentity` answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "PascalCase")]
#[error("{code}: {message}")]
pub struct Refusal {
    /// Cognito's error code (`__type`).
    pub code: String,
    /// Cognito's message.
    pub message: String,
    /// Why, for people.
    pub reason: String,
}

pub const INVALID_POOL_CONFIGURATION: &str = "InvalidIdentityPoolConfigurationException";
pub const NOT_AUTHORIZED: &str = "NotAuthorizedException";
pub const INVALID_PARAMETER: &str = "InvalidParameterException";
const INVALID_POOL_CONFIGURATION_MESSAGE: &str =
    "Invalid identity pool configuration. Check assigned IAM roles for this pool.";
const AMBIGUOUS_DENIED_MESSAGE: &str = "The ambiguous role mapping rules denied this request.";
/// Not found in Cognito's published material; Poolhouse's wording.
const CUSTOM_ROLE_REFUSED_MESSAGE: &str = "The CustomRoleArn is not a role this login can assume.";

impl Refusal {
    fn no_role(which: &str) -> Self {
        Refusal {
            code: INVALID_POOL_CONFIGURATION.to_owned(),
            message: INVALID_POOL_CONFIGURATION_MESSAGE.to_owned(),
            reason: format!("the identity pool has no {which} role"),
        }
    }
    /// `CustomRoleArn` is an `ARNString` in Cognito's model: 20–2048 characters, an ARN.
    fn malformed_custom_role(custom: &str) -> Option<Self> {
        let n = custom.chars().count();
        let well_formed = (20..=2048).contains(&n)
            && custom.starts_with("arn:")
            && custom.split(':').count() >= 6;
        (!well_formed).then(|| Refusal {
            code: INVALID_PARAMETER.to_owned(),
            message: format!("CustomRoleArn '{custom}' is not an ARN."),
            reason: "the CustomRoleArn asked for is not an ARN".to_owned(),
        })
    }
    fn ambiguous_denied(reason: String) -> Self {
        Refusal {
            code: NOT_AUTHORIZED.to_owned(),
            message: AMBIGUOUS_DENIED_MESSAGE.to_owned(),
            reason: format!("{reason}, and AmbiguousRoleResolution is Deny"),
        }
    }
    fn custom_role(custom: &str, allowed: &[String]) -> Self {
        let reason = if allowed.is_empty() {
            format!("CustomRoleArn {custom} was asked for, but this login can assume no role")
        } else {
            format!(
                "CustomRoleArn {custom} is not among the roles this login can assume: {}",
                allowed.join(", ")
            )
        };
        Refusal {
            code: NOT_AUTHORIZED.to_owned(),
            message: CUSTOM_ROLE_REFUSED_MESSAGE.to_owned(),
            reason,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "Outcome")]
pub enum Decision {
    Role {
        #[serde(rename = "RoleArn")]
        role_arn: String,
        #[serde(rename = "Source")]
        source: RoleSource,
    },
    Refused {
        #[serde(rename = "Refusal")]
        refusal: Refusal,
    },
}

/// The answer to "which role, and why?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Explanation {
    /// The login's provider (None for guests).
    pub provider: Option<String>,
    /// The RoleMappings key that applied, if any.
    pub mapping_key: Option<String>,
    pub mapping_type: Option<RoleMappingType>,
    pub ambiguous_role_resolution: Option<AmbiguousRoleResolution>,
    pub custom_role_arn: Option<String>,
    /// Every rule of a `Rules` mapping, in order.
    pub rules: Vec<RuleTrace>,
    /// The token's roles, for a `Token` mapping.
    pub token: Option<TokenTrace>,
    pub decision: Decision,
    /// The decision in one sentence.
    pub summary: String,
}

impl Explanation {
    /// The chosen role, or the refusal.
    pub fn role(&self) -> Result<&str, &Refusal> {
        match &self.decision {
            Decision::Role { role_arn, .. } => Ok(role_arn),
            Decision::Refused { refusal } => Err(refusal),
        }
    }
}

/// The role mapping that applies to a login, with its RoleMappings key: user pools are keyed
/// `<provider>:<app client id>`, the client id being the ID token's `aud`; other providers by
/// their name.
pub fn mapping_for<'m>(
    role_mappings: &'m RoleMappings,
    provider: &str,
    claims: &Map<String, Value>,
) -> Option<(&'m str, &'m RoleMapping)> {
    if provider.starts_with("cognito-idp.") {
        let client = claims
            .get("aud")
            .or_else(|| claims.get("client_id"))
            .and_then(Value::as_str);
        if let Some((k, m)) =
            client.and_then(|c| role_mappings.get_key_value(&format!("{provider}:{c}")))
        {
            return Some((k, m));
        }
    }
    role_mappings
        .get_key_value(provider)
        .map(|(k, m)| (k.as_str(), m))
}

/// Resolves the role for a request and explains the decision.
pub fn resolve(request: &Request<'_>) -> Explanation {
    let custom = request.custom_role_arn;
    let mut explanation = Explanation {
        provider: None,
        mapping_key: None,
        mapping_type: None,
        ambiguous_role_resolution: None,
        custom_role_arn: custom.map(str::to_owned),
        rules: Vec::new(),
        token: None,
        // Set below, once the trace fields are filled.
        decision: Decision::Refused {
            refusal: Refusal::no_role(AUTHENTICATED),
        },
        summary: String::new(),
    };
    let decision = match request.login {
        _ if let Some(refusal) = custom.and_then(Refusal::malformed_custom_role) => {
            Decision::Refused { refusal }
        }
        Login::Guest => pool_role(
            request.roles,
            UNAUTHENTICATED,
            RoleSource::UnauthenticatedRole,
            custom,
        ),
        Login::Provider { provider, claims } => {
            explanation.provider = Some(provider.to_owned());
            match mapping_for(request.role_mappings, provider, claims) {
                None => pool_role(
                    request.roles,
                    AUTHENTICATED,
                    RoleSource::DefaultAuthenticatedRole,
                    custom,
                ),
                Some((key, mapping)) => {
                    explanation.mapping_key = Some(key.to_owned());
                    explanation.mapping_type = Some(mapping.mapping_type);
                    explanation.ambiguous_role_resolution = mapping.ambiguous_role_resolution;
                    match mapping.mapping_type {
                        RoleMappingType::Rules => by_rules(
                            request.roles,
                            mapping,
                            claims,
                            custom,
                            &mut explanation.rules,
                        ),
                        RoleMappingType::Token => {
                            let trace = TokenTrace {
                                preferred_role: claims::text(claims.get(PREFERRED_ROLE_CLAIM)),
                                roles: claims::role_list(claims.get(ROLES_CLAIM)),
                            };
                            let decision = by_token(request.roles, mapping, &trace, custom);
                            explanation.token = Some(trace);
                            decision
                        }
                    }
                }
            }
        }
    };
    explanation.summary = summarize(&explanation, &decision);
    explanation.decision = decision;
    explanation
}

fn pool_role(roles: &Roles, which: &str, source: RoleSource, custom: Option<&str>) -> Decision {
    let Some(arn) = roles.get(which) else {
        return Decision::Refused {
            refusal: Refusal::no_role(which),
        };
    };
    match custom {
        Some(custom) if custom != arn => Decision::Refused {
            refusal: Refusal::custom_role(custom, std::slice::from_ref(arn)),
        },
        _ => Decision::Role {
            role_arn: arn.clone(),
            source,
        },
    }
}

fn ambiguous(roles: &Roles, mapping: &RoleMapping, why: String, custom: Option<&str>) -> Decision {
    match mapping.ambiguous_role_resolution {
        Some(AmbiguousRoleResolution::AuthenticatedRole) => pool_role(
            roles,
            AUTHENTICATED,
            RoleSource::AmbiguousAuthenticatedRole,
            custom,
        ),
        Some(AmbiguousRoleResolution::Deny) => Decision::Refused {
            refusal: Refusal::ambiguous_denied(why),
        },
        None => Decision::Refused {
            refusal: Refusal::ambiguous_denied(format!(
                "{why} (AmbiguousRoleResolution is not set; treated as Deny)"
            )),
        },
    }
}

fn by_token(
    roles: &Roles,
    mapping: &RoleMapping,
    token: &TokenTrace,
    custom: Option<&str>,
) -> Decision {
    if let Some(custom) = custom {
        return if token.roles.iter().any(|r| r == custom) {
            Decision::Role {
                role_arn: custom.to_owned(),
                source: RoleSource::CustomRoleArn,
            }
        } else {
            Decision::Refused {
                refusal: Refusal::custom_role(custom, &token.roles),
            }
        };
    }
    if let Some(preferred) = &token.preferred_role {
        return Decision::Role {
            role_arn: preferred.clone(),
            source: RoleSource::PreferredRole,
        };
    }
    match token.roles.as_slice() {
        [only] => Decision::Role {
            role_arn: only.clone(),
            source: RoleSource::CognitoRoles,
        },
        [] => ambiguous(
            roles,
            mapping,
            format!("the token has neither {PREFERRED_ROLE_CLAIM} nor {ROLES_CLAIM}"),
            None,
        ),
        many => ambiguous(
            roles,
            mapping,
            format!(
                "the token has no {PREFERRED_ROLE_CLAIM} and {} roles in {ROLES_CLAIM}",
                many.len()
            ),
            None,
        ),
    }
}

/// A claim as the rules read it: its text and how the explanation shows it (None: the token
/// lacks it).
type ReadClaim = Option<(claims::ClaimText, String)>;

fn read_claim(claims: &Map<String, Value>, name: &str) -> ReadClaim {
    claims::claim_text(claims.get(name)).map(|text| {
        let shown = text.shown();
        (text, shown)
    })
}

/// How one rule compares with the claims.
pub fn evaluate_rule(
    rule: &MappingRule,
    claims: &Map<String, Value>,
) -> (RuleOutcome, Option<String>) {
    outcome_of(rule, &read_claim(claims, &rule.claim))
}

/// How one rule compares with its claim, already read.
fn outcome_of(rule: &MappingRule, claim: &ReadClaim) -> (RuleOutcome, Option<String>) {
    let Some((got, shown)) = claim else {
        let outcome = if rule.match_type == MatchType::NotEqual {
            RuleOutcome::Skipped
        } else {
            RuleOutcome::ClaimMissing
        };
        return (outcome, None);
    };
    let matched = claims::matches(got, rule.match_type, &rule.value);
    (
        if matched {
            RuleOutcome::Matched
        } else {
            RuleOutcome::ValueDiffers
        },
        Some(shown.clone()),
    )
}

fn by_rules(
    roles: &Roles,
    mapping: &RoleMapping,
    claims: &Map<String, Value>,
    custom: Option<&str>,
    traces: &mut Vec<RuleTrace>,
) -> Decision {
    let rules = mapping
        .rules_configuration
        .as_ref()
        .map(|c| c.rules.as_slice())
        .unwrap_or_default();
    let mut chosen: Option<usize> = None;
    let mut matched_roles: Vec<String> = Vec::new();
    // Each claim the rules name, read (and shown) once: rules often share a claim.
    let mut read: Vec<(&str, ReadClaim)> = Vec::new();
    traces.reserve(rules.len());
    for (i, rule) in rules.iter().enumerate() {
        // Without CustomRoleArn the first match ends the evaluation; with it, every rule counts.
        let (outcome, got) = if chosen.is_some() && custom.is_none() {
            (RuleOutcome::NotEvaluated, None)
        } else {
            let k = match read.iter().position(|(name, _)| *name == rule.claim) {
                Some(k) => k,
                None => {
                    read.push((&rule.claim, read_claim(claims, &rule.claim)));
                    read.len() - 1
                }
            };
            outcome_of(rule, &read[k].1)
        };
        if outcome == RuleOutcome::Matched {
            matched_roles.push(rule.role_arn.clone());
            if chosen.is_none() && custom.is_none_or(|c| c == rule.role_arn) {
                chosen = Some(i);
            }
        }
        traces.push(RuleTrace {
            index: i + 1,
            claim: rule.claim.clone(),
            match_type: rule.match_type,
            value: rule.value.clone(),
            role_arn: rule.role_arn.clone(),
            reason: rule_reason(rule, outcome, got.as_deref()),
            outcome,
            got,
            chosen: chosen == Some(i),
        });
    }
    if let Some(custom) = custom {
        for trace in traces.iter_mut() {
            if trace.outcome == RuleOutcome::Matched && !trace.chosen {
                trace.reason = format!(
                    "{}; not chosen: its role is not the CustomRoleArn {custom}",
                    trace.reason
                );
            }
        }
    }
    if let Some(i) = chosen {
        let source = if custom.is_some() {
            RoleSource::CustomRoleArn
        } else {
            RoleSource::Rule { index: i + 1 }
        };
        return Decision::Role {
            role_arn: rules[i].role_arn.clone(),
            source,
        };
    }
    match custom {
        Some(custom) if !matched_roles.is_empty() => {
            matched_roles.dedup();
            Decision::Refused {
                refusal: Refusal::custom_role(custom, &matched_roles),
            }
        }
        _ => ambiguous(
            roles,
            mapping,
            format!("none of the {} rules matched", rules.len()),
            custom,
        ),
    }
}

/// The parts, joined into one string allocated once (a rule's reason is made for each of up
/// to 25 rules per resolution; `format!` costs several times more for the same text).
fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

fn rule_reason(rule: &MappingRule, outcome: RuleOutcome, got: Option<&str>) -> String {
    let (claim, want, how) = (rule.claim.as_str(), rule.value.as_str(), rule.match_type);
    let got = got.unwrap_or_default();
    match (outcome, how) {
        (RuleOutcome::NotEvaluated, _) => "not evaluated: an earlier rule matched".to_owned(),
        (RuleOutcome::Skipped, _) => concat(&[
            "skipped: the token has no ",
            claim,
            " claim, and NotEqual is not evaluated then",
        ]),
        (RuleOutcome::ClaimMissing, _) => concat(&["the token has no ", claim, " claim"]),
        (RuleOutcome::Matched, MatchType::NotEqual) => {
            concat(&["matched: ", claim, " is ", got, ", not \"", want, "\""])
        }
        (RuleOutcome::Matched, _) => concat(&[
            "matched: ",
            claim,
            " is ",
            got,
            " (",
            how.as_str(),
            " \"",
            want,
            "\")",
        ]),
        (RuleOutcome::ValueDiffers, MatchType::NotEqual) => concat(&[
            claim,
            " is ",
            got,
            ", which NotEqual \"",
            want,
            "\" excludes",
        ]),
        (RuleOutcome::ValueDiffers, MatchType::Equals) => {
            concat(&[claim, " is ", got, ", wanted \"", want, "\""])
        }
        (RuleOutcome::ValueDiffers, MatchType::Contains) => concat(&[
            claim,
            " is ",
            got,
            ", which does not contain \"",
            want,
            "\"",
        ]),
        (RuleOutcome::ValueDiffers, MatchType::StartsWith) => concat(&[
            claim,
            " is ",
            got,
            ", which does not start with \"",
            want,
            "\"",
        ]),
    }
}

fn summarize(e: &Explanation, decision: &Decision) -> String {
    match decision {
        Decision::Refused { refusal } => format!("Refused ({}): {}.", refusal.code, refusal.reason),
        Decision::Role { role_arn, source } => {
            let how = match source {
                RoleSource::Rule { index } => {
                    format!("rule {index} of {} matched", e.mapping_key.as_deref().unwrap_or_default())
                }
                RoleSource::CustomRoleArn => "the CustomRoleArn asked for is among the roles this login allows".to_owned(),
                RoleSource::PreferredRole => format!("the token's {PREFERRED_ROLE_CLAIM}"),
                RoleSource::CognitoRoles => format!("the only role in the token's {ROLES_CLAIM}"),
                RoleSource::DefaultAuthenticatedRole => {
                    "the provider has no role mapping: the pool's authenticated role".to_owned()
                }
                RoleSource::AmbiguousAuthenticatedRole => {
                    "ambiguous, resolved by AmbiguousRoleResolution AuthenticatedRole: the pool's authenticated role".to_owned()
                }
                RoleSource::UnauthenticatedRole => "a guest: the pool's unauthenticated role".to_owned(),
            };
            format!("{role_arn}: {how}.")
        }
    }
}
