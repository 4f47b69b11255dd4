//! App client configuration in Cognito's shapes (`UserPoolClientType`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::FieldError;

/// `ExplicitAuthFlowsType`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, PartialOrd, Ord,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum ExplicitAuthFlow {
    AllowUserAuth,
    AllowUserSrpAuth,
    AllowUserPasswordAuth,
    AllowAdminUserPasswordAuth,
    AllowCustomAuth,
    AllowRefreshTokenAuth,
    AdminNoSrpAuth,
    CustomAuthFlowOnly,
    UserPasswordAuth,
}

impl ExplicitAuthFlow {
    fn is_legacy(self) -> bool {
        matches!(
            self,
            Self::AdminNoSrpAuth | Self::CustomAuthFlowOnly | Self::UserPasswordAuth
        )
    }
}

/// `TimeUnitsType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum TimeUnit {
    Seconds,
    Minutes,
    Hours,
    Days,
}

impl TimeUnit {
    /// Seconds in one of this unit.
    pub fn seconds(self) -> u64 {
        match self {
            Self::Seconds => 1,
            Self::Minutes => 60,
            Self::Hours => 3600,
            Self::Days => 86_400,
        }
    }
}

/// `TokenValidityUnitsType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "PascalCase", default)]
#[ts(export)]
pub struct TokenValidityUnits {
    #[ts(as = "Option<TimeUnit>", optional)]
    pub access_token: TimeUnit,
    #[ts(as = "Option<TimeUnit>", optional)]
    pub id_token: TimeUnit,
    #[ts(as = "Option<TimeUnit>", optional)]
    pub refresh_token: TimeUnit,
}

impl Default for TokenValidityUnits {
    fn default() -> Self {
        Self {
            access_token: TimeUnit::Minutes,
            id_token: TimeUnit::Minutes,
            refresh_token: TimeUnit::Days,
        }
    }
}

/// `OAuthFlowType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum OAuthFlow {
    Code,
    Implicit,
    ClientCredentials,
}

/// `PreventUserExistenceErrorTypes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "UPPERCASE")]
#[ts(export)]
pub enum PreventUserExistenceErrors {
    Legacy,
    #[default]
    Enabled,
}

/// `FeatureType`: whether refresh-token rotation is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "UPPERCASE")]
#[ts(export)]
pub enum Feature {
    Enabled,
    #[default]
    Disabled,
}

/// `RefreshTokenRotationType`: with the feature on, a refresh through
/// `GetTokensFromRefreshToken` (or the token endpoint) answers with a new refresh token, and
/// the one it replaces keeps working for `RetryGracePeriodSeconds` (0–60) only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "PascalCase")]
#[ts(export, optional_fields)]
pub struct RefreshTokenRotation {
    pub feature: Feature,
    /// Seconds a replaced refresh token still works (for a client's retry), 0–60.
    #[serde(default)]
    #[ts(as = "Option<u32>", optional)]
    pub retry_grace_period_seconds: u32,
}

impl RefreshTokenRotation {
    /// The longest grace period Cognito allows, in seconds.
    pub const MAX_GRACE_SECONDS: u32 = 60;

    /// Whether refreshing replaces the refresh token.
    pub fn enabled(&self) -> bool {
        self.feature == Feature::Enabled
    }

    /// The grace period in ms.
    pub fn grace_ms(&self) -> i64 {
        i64::from(self.retry_grace_period_seconds) * 1000
    }
}

/// The settings of an app client that `UpdateUserPoolClient` may change; an absent member returns
/// to its default, as in Cognito.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "PascalCase", default)]
#[ts(export, optional_fields)]
pub struct ClientSettings {
    /// Access token lifetime in `TokenValidityUnits.AccessToken` (5 minutes – 1 day).
    #[ts(as = "Option<u32>", optional)]
    pub access_token_validity: u32,
    /// ID token lifetime in `TokenValidityUnits.IdToken` (5 minutes – 1 day).
    #[ts(as = "Option<u32>", optional)]
    pub id_token_validity: u32,
    /// Refresh token lifetime in `TokenValidityUnits.RefreshToken` (1 hour – 3,650 days).
    #[ts(as = "Option<u32>", optional)]
    pub refresh_token_validity: u32,
    #[ts(as = "Option<TokenValidityUnits>", optional)]
    pub token_validity_units: TokenValidityUnits,
    #[ts(as = "Option<Vec<String>>", optional)]
    pub read_attributes: Vec<String>,
    #[ts(as = "Option<Vec<String>>", optional)]
    pub write_attributes: Vec<String>,
    #[ts(as = "Option<Vec<ExplicitAuthFlow>>", optional)]
    pub explicit_auth_flows: Vec<ExplicitAuthFlow>,
    #[ts(as = "Option<Vec<String>>", optional)]
    pub supported_identity_providers: Vec<String>,
    #[serde(rename = "CallbackURLs")]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub callback_urls: Vec<String>,
    #[serde(rename = "LogoutURLs")]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub logout_urls: Vec<String>,
    #[serde(rename = "DefaultRedirectURI", skip_serializing_if = "Option::is_none")]
    pub default_redirect_uri: Option<String>,
    #[serde(rename = "AllowedOAuthFlows")]
    #[ts(as = "Option<Vec<OAuthFlow>>", optional)]
    pub allowed_oauth_flows: Vec<OAuthFlow>,
    #[serde(rename = "AllowedOAuthScopes")]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub allowed_oauth_scopes: Vec<String>,
    #[serde(rename = "AllowedOAuthFlowsUserPoolClient")]
    #[ts(as = "Option<bool>", optional)]
    pub allowed_oauth_flows_user_pool_client: bool,
    #[ts(as = "Option<PreventUserExistenceErrors>", optional)]
    pub prevent_user_existence_errors: PreventUserExistenceErrors,
    #[ts(as = "Option<bool>", optional)]
    pub enable_token_revocation: bool,
    #[ts(as = "Option<bool>", optional)]
    pub enable_propagate_additional_user_context_data: bool,
    /// Minutes an authentication session (challenge) stays valid, 3–15.
    #[ts(as = "Option<u32>", optional)]
    pub auth_session_validity: u32,
    /// Refresh-token rotation (off unless set; Cognito shows `DISABLED` with a 0-second grace).
    #[ts(as = "Option<RefreshTokenRotation>", optional)]
    pub refresh_token_rotation: RefreshTokenRotation,
}

impl Default for ClientSettings {
    fn default() -> Self {
        Self {
            access_token_validity: 60,
            id_token_validity: 60,
            refresh_token_validity: 30,
            token_validity_units: TokenValidityUnits::default(),
            read_attributes: Vec::new(),
            write_attributes: Vec::new(),
            explicit_auth_flows: Vec::new(),
            supported_identity_providers: Vec::new(),
            callback_urls: Vec::new(),
            logout_urls: Vec::new(),
            default_redirect_uri: None,
            allowed_oauth_flows: Vec::new(),
            allowed_oauth_scopes: Vec::new(),
            allowed_oauth_flows_user_pool_client: false,
            prevent_user_existence_errors: PreventUserExistenceErrors::Enabled,
            enable_token_revocation: true,
            enable_propagate_additional_user_context_data: false,
            auth_session_validity: 3,
            refresh_token_rotation: RefreshTokenRotation::default(),
        }
    }
}

use crate::oauth::STANDARD_SCOPES;

fn check_range(
    field: &str,
    value: u32,
    unit: TimeUnit,
    lo: u64,
    hi: u64,
) -> Result<(), FieldError> {
    let secs = u64::from(value) * unit.seconds();
    if (lo..=hi).contains(&secs) {
        Ok(())
    } else {
        Err(FieldError::new(
            field,
            format!(
                "{value} {unit:?} is outside the allowed range of {} to {}",
                human(lo),
                human(hi)
            )
            .to_lowercase(),
        ))
    }
}

fn human(secs: u64) -> String {
    match secs {
        s if s % 86_400 == 0 => format!("{} days", s / 86_400),
        s if s % 3600 == 0 => format!("{} hours", s / 3600),
        s => format!("{} minutes", s / 60),
    }
}

/// Checks a callback or logout URL as Cognito does: an absolute URI without a fragment, at
/// most 1024 characters; `https`, or `http` only for `localhost`; an app's own scheme
/// (`myapp://callback`) is allowed.
pub fn check_url(field: &str, url: &str) -> Result<(), FieldError> {
    let refuse = |why: &str| Err(FieldError::new(field, format!("'{url}' {why}")));
    if url.is_empty() || url.len() > 1024 {
        return refuse("must be 1–1024 characters");
    }
    if url.contains('#') {
        return refuse("must not contain a fragment (#)");
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return refuse("must not contain spaces or control characters");
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return refuse("is not an absolute URI (scheme://...)");
    };
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !scheme_ok {
        return refuse("is not an absolute URI (scheme://...)");
    }
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.split(':').next().unwrap_or(""),
    };
    match scheme.to_ascii_lowercase().as_str() {
        "https" if host.is_empty() => refuse("has no host"),
        "https" => Ok(()),
        "http" if host.eq_ignore_ascii_case("localhost") => Ok(()),
        "http" => refuse("must use https (http is allowed only for http://localhost)"),
        _ => Ok(()),
    }
}

impl ClientSettings {
    /// Lifetimes in seconds: (access, id, refresh).
    pub fn lifetimes_secs(&self) -> (u64, u64, u64) {
        let u = self.token_validity_units;
        let refresh = if self.refresh_token_validity == 0 {
            30 * 86_400
        } else {
            u64::from(self.refresh_token_validity) * u.refresh_token.seconds()
        };
        (
            u64::from(self.access_token_validity) * u.access_token.seconds(),
            u64::from(self.id_token_validity) * u.id_token.seconds(),
            refresh,
        )
    }

    /// Checks ranges and combinations Cognito refuses. `has_secret` tells whether the client
    /// has a secret (needed for `client_credentials`).
    pub fn validate(&self, has_secret: bool) -> Result<(), FieldError> {
        let u = self.token_validity_units;
        check_range(
            "AccessTokenValidity",
            self.access_token_validity,
            u.access_token,
            300,
            86_400,
        )?;
        check_range(
            "IdTokenValidity",
            self.id_token_validity,
            u.id_token,
            300,
            86_400,
        )?;
        if self.refresh_token_validity != 0 {
            check_range(
                "RefreshTokenValidity",
                self.refresh_token_validity,
                u.refresh_token,
                3600,
                3650 * 86_400,
            )?;
        }
        if !(3..=15).contains(&self.auth_session_validity) {
            return Err(FieldError::new(
                "AuthSessionValidity",
                "must be between 3 and 15 minutes",
            ));
        }
        let rotation = self.refresh_token_rotation;
        if rotation.retry_grace_period_seconds > RefreshTokenRotation::MAX_GRACE_SECONDS {
            return Err(FieldError::new(
                "RefreshTokenRotation.RetryGracePeriodSeconds",
                format!(
                    "{} is outside the allowed range of 0 to {} seconds",
                    rotation.retry_grace_period_seconds,
                    RefreshTokenRotation::MAX_GRACE_SECONDS
                ),
            ));
        }
        if rotation.enabled()
            && self
                .explicit_auth_flows
                .contains(&ExplicitAuthFlow::AllowRefreshTokenAuth)
        {
            return Err(FieldError::new(
                "ExplicitAuthFlows",
                "ALLOW_REFRESH_TOKEN_AUTH cannot be enabled with refresh token rotation: a \
                 rotating client refreshes with GetTokensFromRefreshToken",
            ));
        }
        let legacy = self.explicit_auth_flows.iter().any(|f| f.is_legacy());
        let modern = self.explicit_auth_flows.iter().any(|f| !f.is_legacy());
        if legacy && modern {
            return Err(FieldError::new(
                "ExplicitAuthFlows",
                "cannot mix legacy flows (ADMIN_NO_SRP_AUTH, ...) with ALLOW_ flows",
            ));
        }
        for (field, list) in [
            ("CallbackURLs", &self.callback_urls),
            ("LogoutURLs", &self.logout_urls),
        ] {
            if list.len() > 100 {
                return Err(FieldError::new(field, "at most 100 URLs"));
            }
            for (i, url) in list.iter().enumerate() {
                check_url(&format!("{field}[{i}]"), url)?;
            }
        }
        if let Some(d) = &self.default_redirect_uri {
            check_url("DefaultRedirectURI", d)?;
            if !self.callback_urls.contains(d) {
                return Err(FieldError::new(
                    "DefaultRedirectURI",
                    "must be one of the CallbackURLs",
                ));
            }
        }
        if self.allowed_oauth_scopes.len() > 50 {
            return Err(FieldError::new("AllowedOAuthScopes", "at most 50 scopes"));
        }
        for (i, s) in self.allowed_oauth_scopes.iter().enumerate() {
            let custom = s
                .split_once('/')
                .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty());
            if !STANDARD_SCOPES.contains(&s.as_str()) && !custom {
                return Err(FieldError::new(
                    format!("AllowedOAuthScopes[{i}]"),
                    format!(
                        "'{s}' is neither a standard scope ({}) nor resource-server/scope",
                        STANDARD_SCOPES.join(", ")
                    ),
                ));
            }
        }
        for (i, p) in self.supported_identity_providers.iter().enumerate() {
            if p.is_empty() || p.chars().count() > 32 {
                return Err(FieldError::new(
                    format!("SupportedIdentityProviders[{i}]"),
                    "must be 1–32 characters",
                ));
            }
        }
        if self.allowed_oauth_flows_user_pool_client
            && (self.allowed_oauth_flows.is_empty() || self.allowed_oauth_scopes.is_empty())
        {
            let field = if self.allowed_oauth_flows.is_empty() {
                "AllowedOAuthFlows"
            } else {
                "AllowedOAuthScopes"
            };
            return Err(FieldError::new(
                field,
                "AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is \
                 allowed to use OAuth flows",
            ));
        }
        if !self.allowed_oauth_flows.is_empty() && !self.allowed_oauth_flows_user_pool_client {
            return Err(FieldError::new(
                "AllowedOAuthFlowsUserPoolClient",
                "must be true when AllowedOAuthFlows is set",
            ));
        }
        let browser_flow = self
            .allowed_oauth_flows
            .iter()
            .any(|f| matches!(f, OAuthFlow::Code | OAuthFlow::Implicit));
        if browser_flow && self.callback_urls.is_empty() {
            return Err(FieldError::new(
                "CallbackURLs",
                "the code and implicit flows need at least one callback URL",
            ));
        }
        if self
            .allowed_oauth_flows
            .contains(&OAuthFlow::ClientCredentials)
        {
            if !has_secret {
                return Err(FieldError::new(
                    "AllowedOAuthFlows",
                    "client_credentials needs a client with a secret (GenerateSecret)",
                ));
            }
            if browser_flow {
                return Err(FieldError::new(
                    "AllowedOAuthFlows",
                    "client_credentials cannot be combined with code or implicit",
                ));
            }
        }
        Ok(())
    }
}

/// Client names: 1–128 characters of `[\w\s+=,.@-]`.
pub fn validate_client_name(name: &str) -> Result<(), FieldError> {
    if name.is_empty() || name.chars().count() > 128 {
        return Err(FieldError::new("ClientName", "must be 1–128 characters"));
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || c.is_whitespace() || "_+=,.@-".contains(c))
    {
        return Err(FieldError::new(
            "ClientName",
            "may only hold letters, digits, spaces and _ + = , . @ -",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_an_hour() {
        let s = ClientSettings::default();
        assert!(s.validate(false).is_ok());
        assert_eq!(s.lifetimes_secs(), (3600, 3600, 30 * 86_400));
    }

    #[test]
    fn validity_ranges_name_the_field() {
        let s = ClientSettings {
            access_token_validity: 2,
            ..Default::default()
        };
        assert_eq!(s.validate(false).unwrap_err().field, "AccessTokenValidity");
        let mut s = ClientSettings {
            id_token_validity: 2,
            ..Default::default()
        };
        s.token_validity_units.id_token = TimeUnit::Days;
        assert_eq!(s.validate(false).unwrap_err().field, "IdTokenValidity");
        let s = ClientSettings {
            refresh_token_validity: 3651,
            ..Default::default()
        };
        assert_eq!(s.validate(false).unwrap_err().field, "RefreshTokenValidity");
    }

    #[test]
    fn rotation_checks_its_grace_period_and_the_refresh_flow() {
        let on = |grace| RefreshTokenRotation {
            feature: Feature::Enabled,
            retry_grace_period_seconds: grace,
        };
        let s = ClientSettings {
            refresh_token_rotation: on(61),
            ..Default::default()
        };
        assert_eq!(
            s.validate(false).unwrap_err().field,
            "RefreshTokenRotation.RetryGracePeriodSeconds"
        );
        let s = ClientSettings {
            refresh_token_rotation: on(60),
            explicit_auth_flows: vec![
                ExplicitAuthFlow::AllowUserSrpAuth,
                ExplicitAuthFlow::AllowRefreshTokenAuth,
            ],
            ..Default::default()
        };
        assert_eq!(s.validate(false).unwrap_err().field, "ExplicitAuthFlows");
        let s = ClientSettings {
            refresh_token_rotation: on(0),
            explicit_auth_flows: vec![ExplicitAuthFlow::AllowUserSrpAuth],
            ..Default::default()
        };
        assert!(s.validate(false).is_ok());
        assert_eq!(s.refresh_token_rotation.grace_ms(), 0);
        // The wire shape: Feature is required, the grace period defaults to 0.
        let parsed: RefreshTokenRotation =
            serde_json::from_str(r#"{"Feature":"ENABLED"}"#).unwrap();
        assert_eq!(parsed, on(0));
        assert!(serde_json::from_str::<RefreshTokenRotation>(r#"{}"#).is_err());
    }

    #[test]
    fn oauth_combinations_are_checked() {
        let s = ClientSettings {
            allowed_oauth_flows: vec![OAuthFlow::ClientCredentials],
            allowed_oauth_flows_user_pool_client: true,
            allowed_oauth_scopes: vec!["api/read".into()],
            ..Default::default()
        };
        assert_eq!(s.validate(false).unwrap_err().field, "AllowedOAuthFlows");
        assert!(s.validate(true).is_ok());
        let s = ClientSettings {
            allowed_oauth_flows: vec![OAuthFlow::Code],
            allowed_oauth_flows_user_pool_client: true,
            ..Default::default()
        };
        assert_eq!(s.validate(false).unwrap_err().field, "AllowedOAuthScopes");
        let s = ClientSettings {
            allowed_oauth_flows: vec![OAuthFlow::Code],
            allowed_oauth_flows_user_pool_client: true,
            allowed_oauth_scopes: vec!["openid".into()],
            ..Default::default()
        };
        assert_eq!(s.validate(false).unwrap_err().field, "CallbackURLs");
    }

    #[test]
    fn callback_urls_are_https_or_localhost_without_fragments() {
        for ok in [
            "https://app.example.com/cb",
            "http://localhost:3000/cb",
            "http://LOCALHOST/cb?x=1",
            "myapp://callback",
        ] {
            assert!(check_url("CallbackURLs[0]", ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://app.example.com/cb",
            "http://localhost.evil.example/cb",
            "http://127.0.0.1:3000/cb",
            "https://app.example.com/cb#frag",
            "https:///cb",
            "/relative",
            "https://a b",
            "",
        ] {
            assert_eq!(
                check_url("CallbackURLs[0]", bad).unwrap_err().field,
                "CallbackURLs[0]",
                "{bad}"
            );
        }
        let s = ClientSettings {
            callback_urls: vec!["https://a.example/cb".into()],
            default_redirect_uri: Some("https://b.example/cb".into()),
            ..Default::default()
        };
        assert_eq!(s.validate(false).unwrap_err().field, "DefaultRedirectURI");
        let s = ClientSettings {
            logout_urls: (0..101).map(|i| format!("https://a.example/{i}")).collect(),
            ..Default::default()
        };
        assert_eq!(s.validate(false).unwrap_err().field, "LogoutURLs");
    }
}
