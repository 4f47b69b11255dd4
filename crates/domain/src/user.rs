//! User statuses and the attributes that have their own columns.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// `UserStatusType`. `Enabled` is a separate flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum UserStatus {
    Unconfirmed,
    Confirmed,
    ForceChangePassword,
    ResetRequired,
    ExternalProvider,
    Archived,
    Unknown,
    Compromised,
}

impl UserStatus {
    /// Every status, in Cognito's order.
    pub const ALL: [UserStatus; 8] = [
        Self::Unconfirmed,
        Self::Confirmed,
        Self::ForceChangePassword,
        Self::ResetRequired,
        Self::ExternalProvider,
        Self::Archived,
        Self::Unknown,
        Self::Compromised,
    ];

    /// The wire name (`FORCE_CHANGE_PASSWORD`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unconfirmed => "UNCONFIRMED",
            Self::Confirmed => "CONFIRMED",
            Self::ForceChangePassword => "FORCE_CHANGE_PASSWORD",
            Self::ResetRequired => "RESET_REQUIRED",
            Self::ExternalProvider => "EXTERNAL_PROVIDER",
            Self::Archived => "ARCHIVED",
            Self::Unknown => "UNKNOWN",
            Self::Compromised => "COMPROMISED",
        }
    }

    /// Parses a wire name, ignoring case (as `cognito:user_status` filters do).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

/// Standard attributes kept in their own indexed columns for search; all others live in the
/// user's attribute document.
pub const COLUMN_ATTRIBUTES: [&str; 6] = [
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
];

/// Usernames: 1–128 characters, no whitespace or control characters (Cognito's
/// `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`).
pub fn validate_username(name: &str) -> Result<(), crate::FieldError> {
    if name.is_empty() || name.chars().count() > 128 {
        return Err(crate::FieldError::new(
            "Username",
            "must be 1–128 characters",
        ));
    }
    if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(crate::FieldError::new(
            "Username",
            "must not contain spaces or control characters",
        ));
    }
    Ok(())
}
