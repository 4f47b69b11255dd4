//! The identity pool's role configuration as Cognito's `SetIdentityPoolRoles` takes it: `Roles`
//! (authenticated / unauthenticated) and `RoleMappings` keyed by provider name, with the
//! validation Cognito applies — every problem names its member.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::arn::RoleArn;

/// Rules per provider (the documented quota; the API model allows 400).
pub const MAX_RULES: usize = 25;
/// Providers that may carry a role mapping.
pub const MAX_ROLE_MAPPINGS: usize = 10;
pub const MAX_CLAIM_CHARS: usize = 64;
pub const MAX_VALUE_CHARS: usize = 128;
pub const MAX_PROVIDER_NAME_CHARS: usize = 128;

/// The `Roles` map keys.
pub const AUTHENTICATED: &str = "authenticated";
pub const UNAUTHENTICATED: &str = "unauthenticated";

/// `Roles`: "authenticated" / "unauthenticated" → role ARN.
pub type Roles = BTreeMap<String, String>;
/// `RoleMappings`: provider name → its mapping.
pub type RoleMappings = BTreeMap<String, RoleMapping>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoleMappingType {
    /// `cognito:preferred_role` / `cognito:roles` from a user pool's ID token.
    Token,
    /// The pool's own ordered rules on the token's claims.
    Rules,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AmbiguousRoleResolution {
    /// Fall back to the pool's authenticated role.
    AuthenticatedRole,
    /// Refuse credentials.
    Deny,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MatchType {
    Equals,
    Contains,
    StartsWith,
    NotEqual,
}

impl MatchType {
    /// Its name, as Cognito spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchType::Equals => "Equals",
            MatchType::Contains => "Contains",
            MatchType::StartsWith => "StartsWith",
            MatchType::NotEqual => "NotEqual",
        }
    }
}

impl fmt::Display for MatchType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct MappingRule {
    pub claim: String,
    pub match_type: MatchType,
    pub value: String,
    #[serde(rename = "RoleARN")]
    pub role_arn: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RulesConfiguration {
    pub rules: Vec<MappingRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RoleMapping {
    #[serde(rename = "Type")]
    pub mapping_type: RoleMappingType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ambiguous_role_resolution: Option<AmbiguousRoleResolution>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules_configuration: Option<RulesConfiguration>,
}

/// One problem with a role configuration: the member it concerns and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Problem {
    /// The member's path, e.g.
    /// `RoleMappings["graph.facebook.com"].RulesConfiguration.Rules[2].Claim`: the provider as a
    /// JSON string in brackets (see [`mapping_member`]), rules counted from 1.
    pub member: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.member, self.message)
    }
}

/// A refused configuration: Cognito answers `SetIdentityPoolRoles` with
/// `InvalidParameterException` and the first problem; every problem is kept here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "PascalCase")]
pub struct InvalidRoleConfiguration {
    pub problems: Vec<Problem>,
}

impl InvalidRoleConfiguration {
    pub const CODE: &'static str = "InvalidParameterException";
}

impl fmt::Display for InvalidRoleConfiguration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "{n} validation error{} detected: ",
            if n == 1 { "" } else { "s" }
        )?;
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// Cognito's `ClaimName` pattern `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`: letters, marks, symbols,
/// numbers and punctuation — no separators (spaces, line breaks) and no control, format or
/// private-use characters. Without Unicode tables, unassigned code points are let through.
pub fn is_claim_name_char(c: char) -> bool {
    let format = matches!(c, '\u{00AD}' | '\u{0600}'..='\u{0605}' | '\u{061C}' | '\u{06DD}'
        | '\u{070F}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
        | '\u{E0001}' | '\u{E0020}'..='\u{E007F}');
    let private = matches!(c, '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{FFFFD}' | '\u{100000}'..='\u{10FFFD}');
    !c.is_whitespace() && !c.is_control() && !format && !private
}

/// The member path of one provider's role mapping: `RoleMappings["<provider>"]`, the name as a
/// JSON string. Provider names hold dots, slashes and colons
/// (`cognito-idp.us-east-1.amazonaws.com/us-east-1_X:client`), so only brackets say where the
/// name ends and the mapping's own members begin. Every role-mapping problem is spelled so.
pub fn mapping_member(provider: &str) -> String {
    format!(
        "RoleMappings[{}]",
        serde_json::Value::String(provider.to_owned())
    )
}

fn check_len(problems: &mut Vec<Problem>, member: &str, text: &str, min: usize, max: usize) {
    let n = text.chars().count();
    if n < min || n > max {
        problems.push(Problem {
            member: member.to_owned(),
            message: format!("must be {min}-{max} characters long (is {n})"),
        });
    }
}

fn check_role_arn(problems: &mut Vec<Problem>, member: &str, text: &str) {
    if let Err(problem) = RoleArn::parse(text) {
        problems.push(Problem {
            member: member.to_owned(),
            message: format!("'{text}' {problem}"),
        });
    }
}

/// Checks `Roles` and `RoleMappings` as `SetIdentityPoolRoles` would.
pub fn validate(
    roles: &Roles,
    role_mappings: &RoleMappings,
) -> Result<(), InvalidRoleConfiguration> {
    let mut problems = Vec::new();
    for (key, arn) in roles {
        let member = format!("Roles.{key}");
        if key != AUTHENTICATED && key != UNAUTHENTICATED {
            problems.push(Problem {
                member,
                message: format!("'{key}' is not a role type (authenticated or unauthenticated)"),
            });
        } else {
            check_role_arn(&mut problems, &member, arn);
        }
    }
    if role_mappings.len() > MAX_ROLE_MAPPINGS {
        problems.push(Problem {
            member: "RoleMappings".to_owned(),
            message: format!(
                "at most {MAX_ROLE_MAPPINGS} providers may have a role mapping (has {})",
                role_mappings.len()
            ),
        });
    }
    for (provider, mapping) in role_mappings {
        let at = mapping_member(provider);
        check_len(&mut problems, &at, provider, 1, MAX_PROVIDER_NAME_CHARS);
        validate_mapping(&mut problems, &at, mapping);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(InvalidRoleConfiguration { problems })
    }
}

fn validate_mapping(problems: &mut Vec<Problem>, at: &str, mapping: &RoleMapping) {
    if mapping.ambiguous_role_resolution.is_none() {
        problems.push(Problem {
            member: format!("{at}.AmbiguousRoleResolution"),
            message: format!(
                "is required when Type is {:?} (AuthenticatedRole or Deny)",
                mapping.mapping_type
            ),
        });
    }
    let rules = match (&mapping.mapping_type, &mapping.rules_configuration) {
        (RoleMappingType::Rules, None) => {
            problems.push(Problem {
                member: format!("{at}.RulesConfiguration"),
                message: "is required when Type is Rules".to_owned(),
            });
            return;
        }
        (RoleMappingType::Token, Some(_)) => {
            problems.push(Problem {
                member: format!("{at}.RulesConfiguration"),
                message: "is only for Type Rules".to_owned(),
            });
            return;
        }
        (RoleMappingType::Token, None) => return,
        (RoleMappingType::Rules, Some(config)) => &config.rules,
    };
    let rules_at = format!("{at}.RulesConfiguration.Rules");
    if rules.is_empty() || rules.len() > MAX_RULES {
        problems.push(Problem {
            member: rules_at.clone(),
            message: format!("must hold 1-{MAX_RULES} rules (holds {})", rules.len()),
        });
    }
    for (i, rule) in rules.iter().enumerate() {
        let rule_at = format!("{rules_at}[{}]", i + 1);
        let claim_at = format!("{rule_at}.Claim");
        check_len(problems, &claim_at, &rule.claim, 1, MAX_CLAIM_CHARS);
        if let Some(bad) = rule.claim.chars().find(|c| !is_claim_name_char(*c)) {
            problems.push(Problem {
                member: claim_at,
                message: format!(
                    "'{}' has the character {:?}; claim names are letters, marks, symbols, numbers and punctuation",
                    rule.claim, bad
                ),
            });
        }
        check_len(
            problems,
            &format!("{rule_at}.Value"),
            &rule.value,
            1,
            MAX_VALUE_CHARS,
        );
        check_role_arn(problems, &format!("{rule_at}.RoleARN"), &rule.role_arn);
    }
}

/// Cognito's check that every mapped provider is one the pool trusts: `<name> is not a valid
/// RoleMapping ProviderName or is not a configured provider.` (`InvalidParameterException`).
/// `configured` lists the pool's provider names as RoleMappings keys spell them (user pools
/// as `cognito-idp.<region>.amazonaws.com/<poolId>:<clientId>`).
pub fn check_providers<'a>(
    role_mappings: &RoleMappings,
    configured: impl IntoIterator<Item = &'a str> + Clone,
) -> Result<(), InvalidRoleConfiguration> {
    let problems: Vec<Problem> = role_mappings
        .keys()
        .filter(|name| !configured.clone().into_iter().any(|c| c == name.as_str()))
        .map(|name| Problem {
            member: mapping_member(name),
            message: format!(
                "{name} is not a valid RoleMapping ProviderName or is not a configured provider."
            ),
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(InvalidRoleConfiguration { problems })
    }
}
