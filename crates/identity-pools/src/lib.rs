//! Cognito's second half: identity pools that trust providers, map each identity to a role, and
//! vend temporary AWS-style credentials — with the explanation of every decision.

pub mod credentials;
pub mod identities;
mod identity_error;
pub mod logins;
pub mod mapping;
pub mod openid;
pub mod policy;
pub mod pools;
pub mod providers;
pub mod roles;
pub mod trust;
pub mod vend;
