//! User pool configuration in Cognito's shapes (`UserPoolType`).
//!
//! Cognito's configuration *is* the domain here, so these types carry Cognito's member names;
//! the same value is stored, edited in the console, and sent over the wire.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::FieldError;
use crate::policy::PasswordPolicy;
use crate::schema::SchemaAttribute;

/// `UserPoolPolicyType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "PascalCase", default)]
#[ts(export)]
pub struct Policies {
    #[ts(as = "Option<PasswordPolicy>", optional)]
    pub password_policy: PasswordPolicy,
}

/// `DeletionProtectionType`: an `ACTIVE` pool cannot be deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "UPPERCASE")]
#[ts(export)]
pub enum DeletionProtection {
    Active,
    #[default]
    Inactive,
}

/// `UserPoolMfaType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "UPPERCASE")]
#[ts(export)]
pub enum MfaConfiguration {
    #[default]
    Off,
    On,
    Optional,
}

/// Attributes Cognito can verify (`VerifiedAttributeType`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, PartialOrd, Ord,
)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum VerifiedAttribute {
    Email,
    PhoneNumber,
}

/// Attributes usable as the sign-in name instead of a username (`UsernameAttributeType`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, PartialOrd, Ord,
)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum UsernameAttribute {
    Email,
    PhoneNumber,
}

/// Attributes usable as an alias beside the username (`AliasAttributeType`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, PartialOrd, Ord,
)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AliasAttribute {
    Email,
    PhoneNumber,
    PreferredUsername,
}

/// `DefaultEmailOptionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum DefaultEmailOption {
    #[default]
    ConfirmWithCode,
    ConfirmWithLink,
}

/// `VerificationMessageTemplateType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "PascalCase", default)]
#[ts(export, optional_fields)]
pub struct VerificationMessageTemplate {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_message_by_link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_subject_by_link: Option<String>,
    #[ts(as = "Option<DefaultEmailOption>", optional)]
    pub default_email_option: DefaultEmailOption,
}

/// `MessageTemplateType`: the invitation sent by `AdminCreateUser`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(default)]
#[ts(export, optional_fields)]
pub struct MessageTemplate {
    #[serde(rename = "SMSMessage", skip_serializing_if = "Option::is_none")]
    pub sms_message: Option<String>,
    #[serde(rename = "EmailMessage", skip_serializing_if = "Option::is_none")]
    pub email_message: Option<String>,
    #[serde(rename = "EmailSubject", skip_serializing_if = "Option::is_none")]
    pub email_subject: Option<String>,
}

/// `AdminCreateUserConfigType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "PascalCase", default)]
#[ts(export, optional_fields)]
pub struct AdminCreateUserConfig {
    /// Only administrators may create users (self sign-up is off).
    #[ts(as = "Option<bool>", optional)]
    pub allow_admin_create_user_only: bool,
    /// 0–365 days; how long a temporary password stays usable (legacy setting).
    #[ts(as = "Option<u32>", optional)]
    pub unused_account_validity_days: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub invite_message_template: Option<MessageTemplate>,
}

impl Default for AdminCreateUserConfig {
    fn default() -> Self {
        Self {
            allow_admin_create_user_only: false,
            unused_account_validity_days: 7,
            invite_message_template: None,
        }
    }
}

/// `UsernameConfigurationType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct UsernameConfiguration {
    /// Whether `Alice` and `alice` are different users. Cannot change after creation.
    pub case_sensitive: bool,
}

/// `RecoveryOptionNameType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RecoveryOptionName {
    VerifiedEmail,
    VerifiedPhoneNumber,
    AdminOnly,
}

/// `RecoveryOptionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct RecoveryOption {
    /// 1 or 2.
    pub priority: u32,
    pub name: RecoveryOptionName,
}

/// `AccountRecoverySettingType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "PascalCase", default)]
#[ts(export)]
pub struct AccountRecoverySetting {
    #[ts(as = "Option<Vec<RecoveryOption>>", optional)]
    pub recovery_mechanisms: Vec<RecoveryOption>,
}

/// `UserAttributeUpdateSettingsType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "PascalCase", default)]
#[ts(export)]
pub struct UserAttributeUpdateSettings {
    #[ts(as = "Option<Vec<VerifiedAttribute>>", optional)]
    pub attributes_require_verification_before_update: Vec<VerifiedAttribute>,
}

/// `DeviceConfigurationType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "PascalCase", default)]
#[ts(export)]
pub struct DeviceConfiguration {
    #[ts(as = "Option<bool>", optional)]
    pub challenge_required_on_new_device: bool,
    #[ts(as = "Option<bool>", optional)]
    pub device_only_remembered_on_user_prompt: bool,
}

/// `EmailConfigurationType` (kept for SDK round trips; delivery is the local outbox).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "PascalCase", default)]
#[ts(export, optional_fields)]
pub struct EmailConfiguration {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reply_to_email_address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_sending_account: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configuration_set: Option<String>,
}

/// `UserPoolTierType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "UPPERCASE")]
#[ts(export)]
pub enum UserPoolTier {
    Lite,
    #[default]
    Essentials,
    Plus,
}

/// The settings of a pool that `UpdateUserPool` may change. `CreateUserPool`, `UpdateUserPool`
/// and `DescribeUserPool` all carry them; on update, an absent member returns to its default,
/// as in Cognito.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "PascalCase", default)]
#[ts(export, optional_fields)]
pub struct PoolSettings {
    #[ts(as = "Option<Policies>", optional)]
    pub policies: Policies,
    #[ts(as = "Option<DeletionProtection>", optional)]
    pub deletion_protection: DeletionProtection,
    #[ts(as = "Option<Vec<VerifiedAttribute>>", optional)]
    pub auto_verified_attributes: Vec<VerifiedAttribute>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms_verification_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verification_message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_verification_subject: Option<String>,
    #[ts(as = "Option<VerificationMessageTemplate>", optional)]
    pub verification_message_template: VerificationMessageTemplate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sms_authentication_message: Option<String>,
    #[ts(as = "Option<UserAttributeUpdateSettings>", optional)]
    pub user_attribute_update_settings: UserAttributeUpdateSettings,
    #[ts(as = "Option<MfaConfiguration>", optional)]
    pub mfa_configuration: MfaConfiguration,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_configuration: Option<DeviceConfiguration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email_configuration: Option<EmailConfiguration>,
    #[ts(as = "Option<BTreeMap<String, String>>", optional)]
    pub user_pool_tags: BTreeMap<String, String>,
    #[ts(as = "Option<AdminCreateUserConfig>", optional)]
    pub admin_create_user_config: AdminCreateUserConfig,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account_recovery_setting: Option<AccountRecoverySetting>,
    #[ts(as = "Option<UserPoolTier>", optional)]
    pub user_pool_tier: UserPoolTier,
    /// Hooks in place of Lambda triggers: each member is a hook URL.
    #[serde(skip_serializing_if = "crate::hooks::LambdaConfig::is_unset")]
    #[ts(as = "Option<crate::hooks::LambdaConfig>", optional)]
    pub lambda_config: crate::hooks::LambdaConfig,
}

impl PoolSettings {
    /// Checks ranges and combinations Cognito refuses.
    pub fn validate(&self) -> Result<(), FieldError> {
        self.policies
            .password_policy
            .validate("Policies.PasswordPolicy")?;
        self.lambda_config.validate()?;
        if self.admin_create_user_config.unused_account_validity_days > 365 {
            return Err(FieldError::new(
                "AdminCreateUserConfig.UnusedAccountValidityDays",
                "must be between 0 and 365",
            ));
        }
        if let Some(t) = &self.admin_create_user_config.invite_message_template {
            for (field, msg) in [
                ("EmailMessage", &t.email_message),
                ("SMSMessage", &t.sms_message),
            ] {
                if let Some(m) = msg
                    && (!m.contains("{####}") || !m.contains("{username}"))
                {
                    return Err(FieldError::new(
                        format!("AdminCreateUserConfig.InviteMessageTemplate.{field}"),
                        "must contain both {username} and {####}",
                    ));
                }
            }
        }
        if let Some(r) = &self.account_recovery_setting {
            let n = r.recovery_mechanisms.len();
            if !(1..=2).contains(&n) {
                return Err(FieldError::new(
                    "AccountRecoverySetting.RecoveryMechanisms",
                    "must list one or two mechanisms",
                ));
            }
            for (i, m) in r.recovery_mechanisms.iter().enumerate() {
                if !(1..=2).contains(&m.priority) {
                    return Err(FieldError::new(
                        format!("AccountRecoverySetting.RecoveryMechanisms[{i}].Priority"),
                        "must be 1 or 2",
                    ));
                }
            }
        }
        for (k, v) in &self.user_pool_tags {
            if k.is_empty() || k.len() > 128 || v.len() > 256 {
                return Err(FieldError::new(
                    "UserPoolTags",
                    format!("tag '{k}': keys are 1–128 characters, values at most 256"),
                ));
            }
        }
        let dup = |list: &[VerifiedAttribute]| {
            let mut v = list.to_vec();
            v.sort();
            v.dedup();
            v.len() != list.len()
        };
        if dup(&self.auto_verified_attributes) {
            return Err(FieldError::new(
                "AutoVerifiedAttributes",
                "lists an attribute twice",
            ));
        }
        Ok(())
    }
}

/// Everything stored about a pool's configuration: the mutable settings and the members fixed at
/// creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub struct PoolConfig {
    #[serde(flatten)]
    pub settings: PoolSettings,
    pub username_attributes: Vec<UsernameAttribute>,
    pub alias_attributes: Vec<AliasAttribute>,
    pub username_configuration: Option<UsernameConfiguration>,
    pub schema_attributes: Vec<SchemaAttribute>,
    /// Which MFA factors users may use (`SetUserPoolMfaConfig`).
    pub mfa_factors: MfaFactors,
    /// Threat protection (`SetRiskConfiguration`).
    pub risk: crate::risk::RiskConfiguration,
}

/// The MFA factors a pool allows, as `SetUserPoolMfaConfig` sets them: authenticator apps by
/// default; email and SMS codes when switched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct MfaFactors {
    pub software_token: bool,
    pub email: bool,
    pub sms: bool,
}

impl Default for MfaFactors {
    fn default() -> Self {
        Self {
            software_token: true,
            email: false,
            sms: false,
        }
    }
}

impl PoolConfig {
    /// Whether usernames compare case-insensitively (only when the pool was created so).
    pub fn is_case_insensitive(&self) -> bool {
        self.username_configuration
            .is_some_and(|c| !c.case_sensitive)
    }

    /// Checks the immutable members: username attributes and aliases exclude each other.
    pub fn validate_identity_settings(&self) -> Result<(), FieldError> {
        if !self.username_attributes.is_empty() && !self.alias_attributes.is_empty() {
            return Err(FieldError::new(
                "AliasAttributes",
                "cannot be combined with UsernameAttributes; choose one",
            ));
        }
        let mut u = self.username_attributes.clone();
        u.sort();
        u.dedup();
        if u.len() != self.username_attributes.len() {
            return Err(FieldError::new(
                "UsernameAttributes",
                "lists an attribute twice",
            ));
        }
        let mut a = self.alias_attributes.clone();
        a.sort();
        a.dedup();
        if a.len() != self.alias_attributes.len() {
            return Err(FieldError::new(
                "AliasAttributes",
                "lists an attribute twice",
            ));
        }
        Ok(())
    }

    /// The value users are looked up by when `name` is an email or phone sign-in name.
    pub fn uses_username_attribute(&self, attr: UsernameAttribute) -> bool {
        self.username_attributes.contains(&attr)
    }
}

/// Pool names: 1–128 characters of `[\w\s+=,.@-]`.
pub fn validate_pool_name(name: &str) -> Result<(), FieldError> {
    if name.is_empty() || name.chars().count() > 128 {
        return Err(FieldError::new("PoolName", "must be 1–128 characters"));
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || c.is_whitespace() || "_+=,.@-".contains(c))
    {
        return Err(FieldError::new(
            "PoolName",
            "may only hold letters, digits, spaces and _ + = , . @ -",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_in_cognito_names() {
        let json = serde_json::json!({
            "MfaConfiguration": "OPTIONAL",
            "DeletionProtection": "ACTIVE",
            "AutoVerifiedAttributes": ["email"],
            "Policies": {"PasswordPolicy": {"MinimumLength": 12}},
        });
        let s: PoolSettings = serde_json::from_value(json).unwrap();
        assert_eq!(s.mfa_configuration, MfaConfiguration::Optional);
        assert_eq!(s.policies.password_policy.minimum_length, 12);
        assert!(
            s.policies.password_policy.require_symbols,
            "absent members keep defaults"
        );
        let back = serde_json::to_value(&s).unwrap();
        assert_eq!(back["DeletionProtection"], "ACTIVE");
        assert_eq!(back["AutoVerifiedAttributes"][0], "email");
    }

    #[test]
    fn username_attributes_exclude_aliases() {
        let c = PoolConfig {
            username_attributes: vec![UsernameAttribute::Email],
            alias_attributes: vec![AliasAttribute::PreferredUsername],
            ..Default::default()
        };
        assert_eq!(
            c.validate_identity_settings().unwrap_err().field,
            "AliasAttributes"
        );
    }

    #[test]
    fn invite_templates_need_both_placeholders() {
        let mut s = PoolSettings::default();
        s.admin_create_user_config.invite_message_template = Some(MessageTemplate {
            email_message: Some("Hi, your code is {####}".into()),
            ..Default::default()
        });
        assert!(s.validate().unwrap_err().field.ends_with("EmailMessage"));
    }
}
