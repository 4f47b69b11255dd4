//! Hooks: Cognito's Lambda triggers, called over HTTP.
//!
//! A pool's `LambdaConfig` keeps Cognito's member names, but each value is the URL of a hook
//! instead of a Lambda ARN: Poolhouse POSTs the trigger's event JSON to it and reads the
//! Lambda-shaped answer back. An ARN is refused with a message saying so, rather than accepted
//! and never called.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::FieldError;

/// The longest hook URL accepted.
pub const MAX_URL_LEN: usize = 2048;

/// `LambdaConfigType`, with hook URLs where Cognito has Lambda ARNs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "PascalCase", default)]
#[ts(export, optional_fields)]
pub struct LambdaConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_sign_up: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_confirmation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_authentication: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_authentication: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub define_auth_challenge: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_auth_challenge: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub verify_auth_challenge_response: Option<String>,
    /// The V1_0 pre token generation hook (`PreTokenGenerationConfig` takes precedence).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_token_generation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_token_generation_config: Option<PreTokenGenerationConfig>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_migration: Option<String>,
    /// Not supported (codes are delivered to the outbox); refused when given.
    #[serde(rename = "CustomSMSSender", skip_serializing_if = "Option::is_none")]
    pub custom_sms_sender: Option<CustomSenderConfig>,
    /// Not supported (codes are delivered to the outbox); refused when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_email_sender: Option<CustomSenderConfig>,
    /// Only meaningful with the custom senders; refused when given.
    #[serde(rename = "KMSKeyID", skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
}

/// `PreTokenGenerationVersionConfigType`: both members required, as in Cognito.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct PreTokenGenerationConfig {
    /// `V1_0` (ID token only) or `V2_0` (ID and access tokens).
    pub lambda_version: String,
    /// The hook URL.
    pub lambda_arn: String,
}

/// `CustomSMSLambdaVersionConfigType` / `CustomEmailLambdaVersionConfigType` (the same
/// members): read in Cognito's shape only to be refused by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct CustomSenderConfig {
    /// `V1_0`.
    pub lambda_version: String,
    pub lambda_arn: String,
}

/// A trigger: one hook slot of a pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Trigger {
    PreSignUp,
    CustomMessage,
    PostConfirmation,
    PreAuthentication,
    PostAuthentication,
    DefineAuthChallenge,
    CreateAuthChallenge,
    VerifyAuthChallengeResponse,
    PreTokenGeneration,
    UserMigration,
}

impl Trigger {
    /// Every trigger, in the order the console lists them.
    pub const ALL: [Trigger; 10] = [
        Trigger::PreSignUp,
        Trigger::PostConfirmation,
        Trigger::PreAuthentication,
        Trigger::PostAuthentication,
        Trigger::PreTokenGeneration,
        Trigger::CustomMessage,
        Trigger::UserMigration,
        Trigger::DefineAuthChallenge,
        Trigger::CreateAuthChallenge,
        Trigger::VerifyAuthChallengeResponse,
    ];

    /// Cognito's name: the `LambdaConfig` member, and the prefix of error messages.
    pub fn name(self) -> &'static str {
        match self {
            Trigger::PreSignUp => "PreSignUp",
            Trigger::CustomMessage => "CustomMessage",
            Trigger::PostConfirmation => "PostConfirmation",
            Trigger::PreAuthentication => "PreAuthentication",
            Trigger::PostAuthentication => "PostAuthentication",
            Trigger::DefineAuthChallenge => "DefineAuthChallenge",
            Trigger::CreateAuthChallenge => "CreateAuthChallenge",
            Trigger::VerifyAuthChallengeResponse => "VerifyAuthChallengeResponse",
            Trigger::PreTokenGeneration => "PreTokenGeneration",
            Trigger::UserMigration => "UserMigration",
        }
    }

    /// Parses Cognito's name.
    pub fn parse(name: &str) -> Option<Trigger> {
        Trigger::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// The version of the pre token generation event a pool asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenHookVersion {
    /// ID token only.
    V1,
    /// ID and access tokens.
    V2,
}

impl LambdaConfig {
    /// The hook URL of `trigger`, if one is set.
    pub fn url(&self, trigger: Trigger) -> Option<&str> {
        let v = match trigger {
            Trigger::PreSignUp => &self.pre_sign_up,
            Trigger::CustomMessage => &self.custom_message,
            Trigger::PostConfirmation => &self.post_confirmation,
            Trigger::PreAuthentication => &self.pre_authentication,
            Trigger::PostAuthentication => &self.post_authentication,
            Trigger::DefineAuthChallenge => &self.define_auth_challenge,
            Trigger::CreateAuthChallenge => &self.create_auth_challenge,
            Trigger::VerifyAuthChallengeResponse => &self.verify_auth_challenge_response,
            Trigger::UserMigration => &self.user_migration,
            Trigger::PreTokenGeneration => {
                if let Some(c) = &self.pre_token_generation_config {
                    return Some(c.lambda_arn.as_str());
                }
                &self.pre_token_generation
            }
        };
        v.as_deref()
    }

    /// The pre token generation event version (`V1_0` unless the config says `V2_0`).
    pub fn token_hook_version(&self) -> TokenHookVersion {
        match &self.pre_token_generation_config {
            Some(c) if c.lambda_version == "V2_0" => TokenHookVersion::V2,
            _ => TokenHookVersion::V1,
        }
    }

    /// Whether nothing at all is set (serialisation skips it then).
    pub fn is_unset(&self) -> bool {
        *self == LambdaConfig::default()
    }

    /// Checks every URL and the members Poolhouse does not support.
    pub fn validate(&self) -> Result<(), FieldError> {
        let unsupported = |member: &str| {
            FieldError::new(
                format!("LambdaConfig.{member}"),
                "custom senders are not supported: codes go to the outbox (and SMTP when the \
                 workspace has a server); use a CustomMessage hook to change their text",
            )
        };
        if self.custom_sms_sender.is_some() {
            return Err(unsupported("CustomSMSSender"));
        }
        if self.custom_email_sender.is_some() {
            return Err(unsupported("CustomEmailSender"));
        }
        if self.kms_key_id.is_some() {
            return Err(unsupported("KMSKeyID"));
        }
        if let Some(c) = &self.pre_token_generation_config {
            if !matches!(c.lambda_version.as_str(), "V1_0" | "V2_0") {
                return Err(FieldError::new(
                    "LambdaConfig.PreTokenGenerationConfig.LambdaVersion",
                    format!(
                        "'{}' is not a version Poolhouse calls: V1_0 (ID token) or V2_0 (ID and \
                         access tokens)",
                        c.lambda_version
                    ),
                ));
            }
            validate_url(
                "LambdaConfig.PreTokenGenerationConfig.LambdaArn",
                &c.lambda_arn,
            )?;
            if let Some(v1) = &self.pre_token_generation
                && v1 != &c.lambda_arn
            {
                return Err(FieldError::new(
                    "LambdaConfig.PreTokenGeneration",
                    "differs from PreTokenGenerationConfig.LambdaArn: give one hook, or the \
                     same URL in both",
                ));
            }
        }
        for t in Trigger::ALL {
            if t == Trigger::PreTokenGeneration && self.pre_token_generation_config.is_some() {
                continue;
            }
            if let Some(url) = self.url(t) {
                validate_url(&format!("LambdaConfig.{}", t.name()), url)?;
            }
        }
        Ok(())
    }
}

/// A hook URL: `http(s)://host[:port][/path]`, no credentials, at most [`MAX_URL_LEN`].
pub fn validate_url(field: &str, url: &str) -> Result<(), FieldError> {
    let bad = |reason: &str| FieldError::new(field, reason);
    if url.starts_with("arn:") {
        return Err(bad(
            "Poolhouse calls hooks over HTTP: give the URL of the hook (http://host:port/path or \
             https://…), not a Lambda ARN",
        ));
    }
    if url.len() > MAX_URL_LEN {
        return Err(bad("must be at most 2048 characters"));
    }
    let Some(rest) = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
    else {
        return Err(bad("must be an http:// or https:// URL"));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() {
        return Err(bad("has no host"));
    }
    if authority.contains('@') {
        return Err(bad("must not carry credentials"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad("must not contain spaces or control characters"));
    }
    if let Some((host, port)) = authority.rsplit_once(':')
        && !host.ends_with(']')
        && !host.is_empty()
        && port.parse::<u16>().map_or(true, |p| p == 0)
    {
        return Err(bad(&format!("'{port}' is not a port")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked() {
        assert!(validate_url("f", "http://127.0.0.1:8080/hook").is_ok());
        assert!(validate_url("f", "http://localhost/pre").is_ok());
        assert!(validate_url("f", "http://[::1]:9000/x").is_ok());
        let arn = validate_url("f", "arn:aws:lambda:us-east-1:1:function:x").unwrap_err();
        assert!(arn.reason.contains("not a Lambda ARN"), "{arn}");
        assert!(validate_url("f", "https://example.com/hook").is_ok());
        assert!(validate_url("f", "ftp://x/").is_err());
        assert!(validate_url("f", "http://").is_err());
        assert!(validate_url("f", "http://u:p@host/").is_err());
        assert!(validate_url("f", "http://host:99999/").is_err());
        assert!(validate_url("f", "http://host/a b").is_err());
        assert!(validate_url("f", &format!("http://h/{}", "a".repeat(3000))).is_err());
    }

    #[test]
    fn pre_token_config_wins_and_is_checked() {
        let mut c = LambdaConfig {
            pre_token_generation: Some("http://a/v1".into()),
            ..LambdaConfig::default()
        };
        assert_eq!(c.url(Trigger::PreTokenGeneration), Some("http://a/v1"));
        assert_eq!(c.token_hook_version(), TokenHookVersion::V1);
        c.pre_token_generation = None;
        c.pre_token_generation_config = Some(PreTokenGenerationConfig {
            lambda_version: "V2_0".into(),
            lambda_arn: "http://a/v2".into(),
        });
        assert_eq!(c.url(Trigger::PreTokenGeneration), Some("http://a/v2"));
        assert_eq!(c.token_hook_version(), TokenHookVersion::V2);
        assert!(c.validate().is_ok());
        c.pre_token_generation = Some("http://other/".into());
        assert_eq!(
            c.validate().unwrap_err().field,
            "LambdaConfig.PreTokenGeneration"
        );
        c.pre_token_generation = None;
        if let Some(p) = c.pre_token_generation_config.as_mut() {
            p.lambda_version = "V9".into();
        }
        assert!(c.validate().unwrap_err().field.ends_with("LambdaVersion"));
    }

    #[test]
    fn custom_senders_are_refused_by_name() {
        let c: LambdaConfig = serde_json::from_str(
            r#"{"CustomEmailSender":{"LambdaVersion":"V1_0","LambdaArn":"arn:x"}}"#,
        )
        .unwrap();
        assert_eq!(
            c.validate().unwrap_err().field,
            "LambdaConfig.CustomEmailSender"
        );
        let bad = LambdaConfig {
            post_authentication: Some("arn:aws:lambda:x".into()),
            ..LambdaConfig::default()
        };
        assert_eq!(
            bad.validate().unwrap_err().field,
            "LambdaConfig.PostAuthentication"
        );
    }

    #[test]
    fn triggers_round_trip_their_names() {
        for t in Trigger::ALL {
            assert_eq!(Trigger::parse(t.name()), Some(t));
        }
        assert_eq!(Trigger::parse("Nope"), None);
    }
}
