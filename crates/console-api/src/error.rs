//! `ApiError`: the one error every front shows. Its `code` is Cognito's exception name; the UI
//! and scripts branch on it, never on `message`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Cognito's error codes (and the protocol's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export)]
pub enum ErrorCode {
    InvalidParameterException,
    ResourceNotFoundException,
    UserNotFoundException,
    UsernameExistsException,
    AliasExistsException,
    GroupExistsException,
    InvalidPasswordException,
    LimitExceededException,
    NotAuthorizedException,
    UnsupportedUserStateException,
    UserNotConfirmedException,
    PasswordResetRequiredException,
    CodeMismatchException,
    ExpiredCodeException,
    UnsupportedOperationException,
    /// A refresh token that rotation replaced, used after its grace period.
    RefreshTokenReuseException,
    /// An identity provider by that name or identifier exists in the pool.
    DuplicateProviderException,
    /// The operation does not apply to this identity provider.
    UnsupportedIdentityProviderException,
    /// An app client names a custom scope no resource server defines.
    ScopeDoesNotExistException,
    /// The app client already has a managed login branding style.
    ManagedLoginBrandingExistsException,
    /// `VerifySoftwareToken` got a code that does not match.
    #[serde(rename = "EnableSoftwareTokenMFAException")]
    EnableSoftwareTokenMfaException,
    /// A hook (Lambda trigger) answered with an error.
    UserLambdaValidationException,
    /// A hook's answer is not valid for its trigger.
    InvalidLambdaResponseException,
    /// A hook could not be called or timed out.
    UnexpectedLambdaException,
    InternalErrorException,
    /// A login is linked to another identity (cognito-identity).
    ResourceConflictException,
    /// A developer user is linked to another identity (cognito-identity).
    DeveloperUserAlreadyRegisteredException,
    /// A provider could not be asked (cognito-identity).
    ExternalServiceException,
    /// The request body is not the JSON the operation takes.
    SerializationException,
    /// No operation by that name.
    UnknownOperationException,
    /// SigV4 is required and the request is unsigned.
    MissingAuthenticationTokenException,
    /// The access key is not one this workspace holds.
    UnrecognizedClientException,
    /// The signature does not verify.
    InvalidSignatureException,
    /// IAM: no role (or role policy) of that name, no identity provider of that ARN.
    NoSuchEntity,
    /// IAM: a role of that name, or an identity provider of that URL or name, exists.
    EntityAlreadyExists,
    /// IAM: a policy document is not valid (the message names where).
    MalformedPolicyDocument,
    /// Cognito: the role could not be assumed for the identity (its trust policy refused).
    InvalidIdentityPoolConfigurationException,
    /// STS: the access key (or its session token) is not one issued here.
    InvalidClientTokenId,
    /// STS: the signature does not verify.
    SignatureDoesNotMatch,
    /// STS: the temporary credentials are past their expiry.
    ExpiredToken,
    /// STS: the request is unsigned.
    MissingAuthenticationToken,
    /// STS: the Authorization header is malformed or incomplete.
    IncompleteSignature,
    /// STS: the trust policy does not allow the call.
    AccessDenied,
    /// STS: the web identity token is not valid.
    InvalidIdentityToken,
    /// STS: the web identity token is expired (STS's code for it).
    ExpiredTokenException,
    /// STS: a member is out of its bounds.
    ValidationError,
    /// STS: the session policies are past the packed-size budget.
    PackedPolicyTooLarge,
    /// STS: the OIDC provider's keys could not be fetched.
    #[serde(rename = "IDPCommunicationError")]
    IdpCommunicationError,
    /// STS: no such Action.
    InvalidAction,
}

impl ErrorCode {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidParameterException => "InvalidParameterException",
            Self::ResourceNotFoundException => "ResourceNotFoundException",
            Self::UserNotFoundException => "UserNotFoundException",
            Self::UsernameExistsException => "UsernameExistsException",
            Self::AliasExistsException => "AliasExistsException",
            Self::GroupExistsException => "GroupExistsException",
            Self::InvalidPasswordException => "InvalidPasswordException",
            Self::LimitExceededException => "LimitExceededException",
            Self::NotAuthorizedException => "NotAuthorizedException",
            Self::UnsupportedUserStateException => "UnsupportedUserStateException",
            Self::UserNotConfirmedException => "UserNotConfirmedException",
            Self::PasswordResetRequiredException => "PasswordResetRequiredException",
            Self::CodeMismatchException => "CodeMismatchException",
            Self::ExpiredCodeException => "ExpiredCodeException",
            Self::UnsupportedOperationException => "UnsupportedOperationException",
            Self::RefreshTokenReuseException => "RefreshTokenReuseException",
            Self::DuplicateProviderException => "DuplicateProviderException",
            Self::UnsupportedIdentityProviderException => "UnsupportedIdentityProviderException",
            Self::ScopeDoesNotExistException => "ScopeDoesNotExistException",
            Self::ManagedLoginBrandingExistsException => "ManagedLoginBrandingExistsException",
            Self::EnableSoftwareTokenMfaException => "EnableSoftwareTokenMFAException",
            Self::UserLambdaValidationException => "UserLambdaValidationException",
            Self::InvalidLambdaResponseException => "InvalidLambdaResponseException",
            Self::UnexpectedLambdaException => "UnexpectedLambdaException",
            Self::InternalErrorException => "InternalErrorException",
            Self::ResourceConflictException => "ResourceConflictException",
            Self::DeveloperUserAlreadyRegisteredException => {
                "DeveloperUserAlreadyRegisteredException"
            }
            Self::ExternalServiceException => "ExternalServiceException",
            Self::SerializationException => "SerializationException",
            Self::UnknownOperationException => "UnknownOperationException",
            Self::MissingAuthenticationTokenException => "MissingAuthenticationTokenException",
            Self::UnrecognizedClientException => "UnrecognizedClientException",
            Self::InvalidSignatureException => "InvalidSignatureException",
            Self::NoSuchEntity => "NoSuchEntity",
            Self::EntityAlreadyExists => "EntityAlreadyExists",
            Self::MalformedPolicyDocument => "MalformedPolicyDocument",
            Self::InvalidIdentityPoolConfigurationException => {
                "InvalidIdentityPoolConfigurationException"
            }
            Self::InvalidClientTokenId => "InvalidClientTokenId",
            Self::SignatureDoesNotMatch => "SignatureDoesNotMatch",
            Self::ExpiredToken => "ExpiredToken",
            Self::MissingAuthenticationToken => "MissingAuthenticationToken",
            Self::IncompleteSignature => "IncompleteSignature",
            Self::AccessDenied => "AccessDenied",
            Self::InvalidIdentityToken => "InvalidIdentityToken",
            Self::ExpiredTokenException => "ExpiredTokenException",
            Self::ValidationError => "ValidationError",
            Self::PackedPolicyTooLarge => "PackedPolicyTooLarge",
            Self::IdpCommunicationError => "IDPCommunicationError",
            Self::InvalidAction => "InvalidAction",
        }
    }

    /// Whether the caller is at fault (HTTP 400) rather than Poolhouse (HTTP 500).
    pub fn is_client_error(self) -> bool {
        !matches!(self, Self::InternalErrorException)
    }
}

/// An operation's failure: a Cognito code, a message for people, and the request member at
/// fault when there is one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, JsonSchema, thiserror::Error)]
#[ts(export, optional_fields)]
#[error("{}: {message}", code.as_str())]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    /// The request member at fault, in Cognito's spelling (`Policies.PasswordPolicy.MinimumLength`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    /// An error without a field.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            field: None,
        }
    }

    /// `InvalidParameterException` naming `field`.
    pub fn invalid(field: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        let field = field.into();
        Self {
            code: ErrorCode::InvalidParameterException,
            message: format!("{field}: {reason}"),
            field: Some(field),
        }
    }
}

impl From<domain::InvalidName> for ApiError {
    fn from(e: domain::InvalidName) -> Self {
        ApiError::from(domain::FieldError::from(e))
    }
}

impl From<domain::FieldError> for ApiError {
    fn from(e: domain::FieldError) -> Self {
        ApiError::invalid(e.field, e.reason)
    }
}

impl From<user_pools::Error> for ApiError {
    fn from(e: user_pools::Error) -> Self {
        let err = ApiError::of(&e);
        if err.code == ErrorCode::InternalErrorException {
            tracing::error!(error = %err.message, "internal error");
        }
        err
    }
}

impl ApiError {
    /// The answer for an engine error: Cognito's code, the message, and the request member at
    /// fault when the error names one.
    pub(crate) fn of(e: &user_pools::Error) -> Self {
        use user_pools::Error as E;
        let message = e.to_string();
        let with_field = |code, field: &str| ApiError {
            code,
            message: e.to_string(),
            field: Some(field.into()),
        };
        match e {
            E::ScopeDoesNotExist { field, .. } => {
                with_field(ErrorCode::ScopeDoesNotExistException, field)
            }
            E::PoolNotFound(_) | E::ClientNotFound(_) | E::GroupNotFound(_) | E::NotFound(_) => {
                ApiError::new(ErrorCode::ResourceNotFoundException, message)
            }
            E::ManagedLoginBrandingExists(_) => {
                with_field(ErrorCode::ManagedLoginBrandingExistsException, "ClientId")
            }
            E::UserNotFound => ApiError::new(ErrorCode::UserNotFoundException, message),
            E::DuplicateProvider(_) => {
                ApiError::new(ErrorCode::DuplicateProviderException, message)
            }
            E::UnsupportedIdentityProvider(_) => {
                ApiError::new(ErrorCode::UnsupportedIdentityProviderException, message)
            }
            E::UsernameExists => with_field(ErrorCode::UsernameExistsException, "Username"),
            E::GroupExists(_) => with_field(ErrorCode::GroupExistsException, "GroupName"),
            E::AliasExists(_) => ApiError::new(ErrorCode::AliasExistsException, message),
            E::InvalidParameter(f) => f.clone().into(),
            E::InvalidPassword { field, .. } => {
                with_field(ErrorCode::InvalidPasswordException, field)
            }
            E::DeletionProtected(_) => {
                with_field(ErrorCode::InvalidParameterException, "DeletionProtection")
            }
            E::LimitExceeded(_) => ApiError::new(ErrorCode::LimitExceededException, message),
            E::InvalidToken => with_field(ErrorCode::InvalidParameterException, "PaginationToken"),
            E::NotAuthorized(_) => ApiError::new(ErrorCode::NotAuthorizedException, message),
            E::RefreshTokenReuse(_) => {
                with_field(ErrorCode::RefreshTokenReuseException, "RefreshToken")
            }
            E::UserNotConfirmed => ApiError::new(ErrorCode::UserNotConfirmedException, message),
            E::PasswordResetRequired => {
                ApiError::new(ErrorCode::PasswordResetRequiredException, message)
            }
            E::CodeMismatch => with_field(ErrorCode::CodeMismatchException, "ConfirmationCode"),
            E::SoftwareTokenMismatch => {
                with_field(ErrorCode::EnableSoftwareTokenMfaException, "UserCode")
            }
            E::ExpiredCode => with_field(ErrorCode::ExpiredCodeException, "ConfirmationCode"),
            E::UnsupportedOperation(_) => {
                ApiError::new(ErrorCode::UnsupportedOperationException, message)
            }
            E::UserLambdaValidation(_) => {
                ApiError::new(ErrorCode::UserLambdaValidationException, message)
            }
            E::InvalidLambdaResponse(_) => {
                ApiError::new(ErrorCode::InvalidLambdaResponseException, message)
            }
            E::UnexpectedLambda(_) => ApiError::new(ErrorCode::UnexpectedLambdaException, message),
            E::Crypto(_) | E::Hashing(_) | E::Internal(_) | E::Storage(_) => {
                ApiError::new(ErrorCode::InternalErrorException, message)
            }
        }
    }
}

impl From<storage::Error> for ApiError {
    fn from(e: storage::Error) -> Self {
        user_pools::Error::Storage(e).into()
    }
}
