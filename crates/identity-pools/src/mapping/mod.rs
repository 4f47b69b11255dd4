//! Role mapping: which IAM role an identity pool gives an identity, and why.
//!
//! Pure rules, no I/O: the pool's `Roles` and `RoleMappings` ([`model`]), their validation as
//! `SetIdentityPoolRoles` applies it, the resolution `GetCredentialsForIdentity` performs
//! ([`resolve`]) with its explanation, and the principal tags a login's claims become ([`tags`]).

pub mod arn;
pub mod claims;
pub mod model;
pub mod multi;
pub mod resolve;
pub mod tags;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod validation_tests;

pub use arn::{ArnProblem, RoleArn};
pub use model::{
    AmbiguousRoleResolution, InvalidRoleConfiguration, MappingRule, MatchType, Problem,
    RoleMapping, RoleMappingType, RoleMappings, Roles, RulesConfiguration, check_providers,
    mapping_member, validate,
};
pub use multi::{LoginClaims, deciding_login};
pub use resolve::{
    Decision, Explanation, Login, Refusal, Request, RoleSource, RuleOutcome, RuleTrace, TokenTrace,
    resolve,
};
pub use tags::{
    PrincipalTagMap, PrincipalTags, ProviderKind, SessionTag, SkippedTag, TagProblem,
    principal_tags,
};
