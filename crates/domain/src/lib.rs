//! Poolhouse's domain: the pure types and invariants of Cognito-style user pools.
//!
//! Owns ids, pool and app-client configuration (in Cognito's own shapes and names), the
//! password policy, the attribute schema, the `ListUsers` filter language and the [`Clock`].
//! It performs no I/O and must not depend on storage, transport or UI crates.

pub mod branding;
pub mod client;
pub mod clock;
pub mod filter;
pub mod hooks;
pub mod identity_pool;
pub mod idp;
pub mod ids;
pub mod names;
pub mod oauth;
pub mod policy;
pub mod pool;
pub mod risk;
pub mod schema;
pub mod user;
pub mod workspace;

pub use clock::{Clock, FixedClock, SystemClock};
pub use names::{
    ClientId, GroupName, IdentityId, IdentityPoolId, IdentityPoolName, InvalidName,
    ResourceServerIdentifier, UserPoolDomain, UserPoolId, Username,
};

/// A rejected input: which field, and what is wrong with it.
///
/// Every validation in this crate answers with one of these so that each front (console,
/// CLI, endpoint) can show the field next to the message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    /// The request member, in Cognito's spelling (`PasswordPolicy.MinimumLength`).
    pub field: String,
    /// A sentence for a person.
    pub reason: String,
}

impl FieldError {
    /// Builds a field error.
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }
}
