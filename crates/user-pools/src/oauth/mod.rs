//! The OAuth 2.0 / OpenID Connect authorization server's rules (RFC 6749, RFC 7636, OIDC
//! Core), as Cognito's hosted UI applies them: what an authorize request may ask of its app
//! client ([`authorize`]), authorization codes ([`codes`]: random, kept as a digest, single use,
//! five minutes, bound to the client, redirect URI, PKCE challenge, scopes, nonce and sign-in),
//! and which claims the scopes release. The grants of `/oauth2/token` run in
//! `crate::engine` (they sign tokens and call the pre token generation hook).
//!
//! Refusals are OAuth's: an [`OAuthError`] with its RFC code and a description, answered as a
//! JSON body by the token endpoint or as `error=…` on a redirect; they never change anything.

pub mod authorize;
pub mod codes;
pub mod pkce;

/// The scope of the operations a user calls with an access token (`GetUser`, ...), carried by
/// every access token of an API sign-in.
pub const ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// How long an authorization code lives, in ms (Cognito's codes live five minutes).
pub const CODE_LIFETIME_MS: i64 = 5 * 60 * 1000;

/// The longest `state`, `nonce` or code accepted.
pub const MAX_PARAMETER: usize = 2048;

/// An OAuth error code (RFC 6749 §4.1.2.1, §5.2; OIDC Core §3.1.2.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthCode {
    InvalidRequest,
    InvalidClient,
    InvalidGrant,
    UnauthorizedClient,
    UnsupportedGrantType,
    UnsupportedResponseType,
    UnsupportedTokenType,
    InvalidScope,
    AccessDenied,
    LoginRequired,
    InvalidToken,
    InsufficientScope,
}

impl OAuthCode {
    /// The code as the wire spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            OAuthCode::InvalidRequest => "invalid_request",
            OAuthCode::InvalidClient => "invalid_client",
            OAuthCode::InvalidGrant => "invalid_grant",
            OAuthCode::UnauthorizedClient => "unauthorized_client",
            OAuthCode::UnsupportedGrantType => "unsupported_grant_type",
            OAuthCode::UnsupportedResponseType => "unsupported_response_type",
            OAuthCode::UnsupportedTokenType => "unsupported_token_type",
            OAuthCode::InvalidScope => "invalid_scope",
            OAuthCode::AccessDenied => "access_denied",
            OAuthCode::LoginRequired => "login_required",
            OAuthCode::InvalidToken => "invalid_token",
            OAuthCode::InsufficientScope => "insufficient_scope",
        }
    }

    /// The HTTP status of a JSON answer with this code: 401 for a client that failed to
    /// authenticate and for a bad bearer token, 403 for a token without the scope, else 400.
    pub fn status(self) -> u16 {
        match self {
            OAuthCode::InvalidClient | OAuthCode::InvalidToken => 401,
            OAuthCode::InsufficientScope => 403,
            _ => 400,
        }
    }
}

/// A refused OAuth request: its code and what was wrong (`error_description`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub code: OAuthCode,
    pub description: String,
}

impl OAuthError {
    pub fn new(code: OAuthCode, description: impl Into<String>) -> OAuthError {
        OAuthError {
            code,
            description: description.into(),
        }
    }
}

impl std::fmt::Display for OAuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.description)
    }
}

/// An answer, or the OAuth refusal of the request (the outer `Result` is a failure of the
/// store or the keys).
pub type Refusable<T> = std::result::Result<T, OAuthError>;

/// Whether `scopes` (space-separated) holds `scope`.
pub fn has_scope(scopes: &str, scope: &str) -> bool {
    scopes.split(' ').any(|s| s == scope)
}

/// The attributes of the `email` scope.
const EMAIL_ATTRIBUTES: &[&str] = &["email", "email_verified"];
/// The attributes of the `phone` scope.
const PHONE_ATTRIBUTES: &[&str] = &["phone_number", "phone_number_verified"];

/// Whether a token granted `scopes` releases the attribute `name` (in the ID token and from
/// `/oauth2/userInfo`), as Cognito's docs put it: `openid` alone releases every attribute the
/// client may read; with `email`, `phone` or `profile` each releases its own (`profile` every
/// attribute that is neither email nor phone, custom ones included).
pub fn scopes_release(scopes: &str, name: &str) -> bool {
    let (email, phone, profile) = (
        has_scope(scopes, "email"),
        has_scope(scopes, "phone"),
        has_scope(scopes, "profile"),
    );
    if !email && !phone && !profile {
        return true;
    }
    if EMAIL_ATTRIBUTES.contains(&name) {
        email
    } else if PHONE_ATTRIBUTES.contains(&name) {
        phone
    } else {
        profile
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openid_alone_releases_everything_and_each_scope_its_own() {
        assert!(scopes_release("openid", "email"));
        assert!(scopes_release("openid", "custom:team"));
        assert!(scopes_release("openid email", "email_verified"));
        assert!(!scopes_release("openid email", "phone_number"));
        assert!(!scopes_release("openid email", "given_name"));
        assert!(scopes_release("openid profile", "given_name"));
        assert!(scopes_release("openid profile", "custom:team"));
        assert!(!scopes_release("openid profile", "email"));
        assert!(scopes_release("openid phone", "phone_number_verified"));
    }

    #[test]
    fn codes_have_their_statuses() {
        assert_eq!(OAuthCode::InvalidClient.status(), 401);
        assert_eq!(OAuthCode::InvalidGrant.status(), 400);
        assert_eq!(OAuthCode::InvalidGrant.as_str(), "invalid_grant");
    }
}
