//! The user pool engine: the rules of Cognito's user pools, over the store.
//!
//! Every function takes what it uses — a [`storage::Tx`] or [`storage::Read`], a [`Ctx`] with the
//! clock and workspace settings — and answers with [`Error`], whose variants are domain facts.
//! [`engine`] runs whole flows over the store, with what it cannot do itself (calling a hook's
//! URL, reading the breached-password list) given to it by the front. No SQL here (that is
//! `storage`), no transport (that is `console-api` and its fronts).

pub mod branding;
pub mod client_secrets;
pub mod clients;
pub mod codes;
pub mod domains;
pub mod engine;
pub mod federated;
pub mod groups;
pub mod hooks;
pub mod idps;
pub mod keys;
pub mod oauth;
pub mod pagination;
pub mod passwords;
pub mod pools;
pub mod resource_servers;
pub mod signin;
pub mod signup;
pub mod users;

use domain::{Clock, FieldError};

/// What every operation may need besides the store.
pub struct Ctx<'a> {
    pub clock: &'a dyn Clock,
    /// The region used in ids and ARNs (`us-east-1`).
    pub region: &'a str,
    /// The account used in ARNs.
    pub account: &'a str,
}

/// Why an operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No user pool has this id.
    #[error("User pool {0} does not exist.")]
    PoolNotFound(String),
    /// No app client with this id in the pool.
    #[error("User pool client {0} does not exist.")]
    ClientNotFound(String),
    /// No user by this name, alias or sub.
    #[error("User does not exist.")]
    UserNotFound,
    /// No domain, resource server or client secret by this name (`ResourceNotFoundException`).
    #[error("{0}")]
    NotFound(String),
    /// An app client names a custom scope no resource server of the pool defines.
    #[error("Invalid scope requested: {scope}")]
    ScopeDoesNotExist { field: String, scope: String },
    /// The app client already has a managed login branding style.
    #[error("{0}")]
    ManagedLoginBrandingExists(String),
    /// No group by this name in the pool.
    #[error("Group {0} not found.")]
    GroupNotFound(String),
    /// The username (or, with username attributes, the email/phone) is taken.
    #[error("User account already exists")]
    UsernameExists,
    /// The group name is taken in the pool.
    #[error("A group with the name {0} already exists.")]
    GroupExists(String),
    /// A verified alias value belongs to another user.
    #[error("An account with the given {0} already exists.")]
    AliasExists(String),
    /// An identity provider by this name, or with this identifier, exists in the pool.
    #[error("{0}")]
    DuplicateProvider(String),
    /// The operation does not apply to this provider (`COGNITO`, the pool's own directory).
    #[error("{0}")]
    UnsupportedIdentityProvider(String),
    /// A request member is malformed or out of range.
    #[error("{0}")]
    InvalidParameter(FieldError),
    /// A password breaks the pool's password policy, or is in the breached-password list the
    /// pool refuses. `field` is the request member that carried it.
    #[error("{reason}")]
    InvalidPassword { field: &'static str, reason: String },
    /// The pool has deletion protection on.
    #[error("The user pool {0} has deletion protection activated; turn it off first.")]
    DeletionProtected(String),
    /// A quota (custom attributes, groups per user, ...) would be exceeded.
    #[error("{0}")]
    LimitExceeded(String),
    /// A pagination token that this query did not issue.
    #[error("Invalid pagination token.")]
    InvalidToken,
    /// A sign-in or token check failed: wrong password, bad or revoked token, disabled user.
    #[error("{0}")]
    NotAuthorized(String),
    /// A refresh token that rotation replaced was used after its grace period
    /// (`RefreshTokenReuseException`).
    #[error("{0}")]
    RefreshTokenReuse(String),
    /// The user has not confirmed their sign-up.
    #[error("User is not confirmed.")]
    UserNotConfirmed,
    /// An administrator reset the password; the user must set a new one with a code.
    #[error("Password reset required for the user")]
    PasswordResetRequired,
    /// A one-time code does not match.
    #[error("Invalid verification code provided, please try again.")]
    CodeMismatch,
    /// The code given to confirm a new authenticator does not match its secret.
    #[error("Code mismatch")]
    SoftwareTokenMismatch,
    /// A one-time code has expired (or was never sent).
    #[error("Invalid code provided, please request a code again.")]
    ExpiredCode,
    /// The operation is switched off for this pool or client.
    #[error("{0}")]
    UnsupportedOperation(String),
    /// A hook answered with an error: the operation is refused with the hook's message.
    #[error("{0}")]
    UserLambdaValidation(String),
    /// A hook answered with something that is not a valid answer for its trigger.
    #[error("{0}")]
    InvalidLambdaResponse(String),
    /// A hook could not be called or did not answer in time.
    #[error("{0}")]
    UnexpectedLambda(String),
    /// Key material could not be made, opened or used.
    #[error("signing keys: {0}")]
    Crypto(String),
    /// The password hasher failed.
    #[error("password hashing failed: {0}")]
    Hashing(String),
    /// Something the engine relies on beside the store failed (the breached-password list
    /// could not be read, an event could not be encoded).
    #[error("{0}")]
    Internal(String),
    /// The store failed.
    #[error(transparent)]
    Storage(#[from] storage::Error),
}

impl From<FieldError> for Error {
    fn from(e: FieldError) -> Self {
        Error::InvalidParameter(e)
    }
}

/// The engine's result type.
pub type Result<T> = std::result::Result<T, Error>;

/// Shorthand for an invalid parameter.
pub(crate) fn invalid(field: &str, reason: impl Into<String>) -> Error {
    Error::InvalidParameter(FieldError::new(field, reason))
}

/// Reads a pool by id or answers [`Error::PoolNotFound`].
pub fn require_pool(
    r: &impl storage::Read,
    id: &domain::UserPoolId,
) -> Result<storage::pools::PoolRow> {
    storage::pools::get(r, id)?.ok_or_else(|| Error::PoolNotFound(id.to_string()))
}
