//! Why an identities operation was refused: one of Cognito's error codes each. Its own file so
//! that the logins' rules and the identities' rules, which call each other's types, share it
//! without importing each other.

use domain::FieldError;

use crate::pools;

/// Why an identities operation was refused; each is one of Cognito's error codes.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `ResourceNotFoundException`: no such identity pool or identity.
    #[error("{0}")]
    NotFound(String),
    /// `NotAuthorizedException`: a login that does not prove itself, or a caller who may not
    /// use the identity.
    #[error("{0}")]
    NotAuthorized(String),
    /// `InvalidParameterException`, naming the member.
    #[error("{0}")]
    InvalidParameter(FieldError),
    /// `ResourceConflictException`: a login already linked to another identity.
    #[error("{0}")]
    ResourceConflict(String),
    /// `DeveloperUserAlreadyRegisteredException`.
    #[error("{0}")]
    DeveloperUserAlreadyRegistered(String),
    /// `LimitExceededException`.
    #[error("{0}")]
    LimitExceeded(String),
    /// `ExternalServiceException`: a provider could not be asked.
    #[error("{0}")]
    External(String),
    /// `InternalErrorException`.
    #[error("{0}")]
    Internal(String),
    #[error(transparent)]
    Storage(#[from] storage::Error),
}

impl From<FieldError> for Error {
    fn from(e: FieldError) -> Self {
        Error::InvalidParameter(e)
    }
}

impl From<pools::Error> for Error {
    fn from(e: pools::Error) -> Self {
        match e {
            pools::Error::NotFound(_) => Error::NotFound(e.to_string()),
            pools::Error::InvalidParameter(f) => Error::InvalidParameter(f),
            pools::Error::LimitExceeded(m) => Error::LimitExceeded(m),
            pools::Error::Storage(s) => Error::Storage(s),
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;
