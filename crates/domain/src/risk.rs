//! Threat protection in Cognito's shapes (`RiskConfigurationType`): what to do about
//! compromised credentials, how to answer sign-ins by risk level, and IP ranges that are always
//! blocked or never assessed.

use std::net::IpAddr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::FieldError;

/// `EventFilterType`: the events compromised credentials are checked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum EventFilter {
    SignIn,
    PasswordChange,
    SignUp,
}

/// `CompromisedCredentialsEventActionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum CompromisedAction {
    Block,
    NoAction,
}

/// `CompromisedCredentialsActionsType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct CompromisedCredentialsActions {
    pub event_action: CompromisedAction,
}

/// `CompromisedCredentialsRiskConfigurationType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[ts(export, optional_fields)]
pub struct CompromisedCredentialsRiskConfiguration {
    /// All three events when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_filter: Option<Vec<EventFilter>>,
    pub actions: CompromisedCredentialsActions,
}

impl CompromisedCredentialsRiskConfiguration {
    /// Whether a compromised password at `event` is refused.
    pub fn blocks(&self, event: EventFilter) -> bool {
        self.applies(event) && self.actions.event_action == CompromisedAction::Block
    }

    /// Whether passwords are checked at `event`.
    pub fn applies(&self, event: EventFilter) -> bool {
        self.event_filter
            .as_ref()
            .is_none_or(|f| f.is_empty() || f.contains(&event))
    }
}

/// `AccountTakeoverEventActionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum TakeoverAction {
    Block,
    MfaIfConfigured,
    MfaRequired,
    NoAction,
}

/// `AccountTakeoverActionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct AccountTakeoverAction {
    /// Tell the user by email (a message in the outbox).
    pub notify: bool,
    pub event_action: TakeoverAction,
}

/// `AccountTakeoverActionsType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "PascalCase")]
#[ts(export, optional_fields)]
pub struct AccountTakeoverActions {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low_action: Option<AccountTakeoverAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medium_action: Option<AccountTakeoverAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high_action: Option<AccountTakeoverAction>,
}

/// `AccountTakeoverRiskConfigurationType` (the notification templates are kept as given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[ts(export, optional_fields)]
pub struct AccountTakeoverRiskConfiguration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(type = "unknown")]
    pub notify_configuration: Option<serde_json::Value>,
    pub actions: AccountTakeoverActions,
}

/// `RiskExceptionConfigurationType`: CIDR ranges.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema, Default)]
#[serde(rename_all = "PascalCase")]
#[ts(export, optional_fields)]
pub struct RiskExceptionConfiguration {
    #[serde(
        default,
        rename = "BlockedIPRangeList",
        skip_serializing_if = "Option::is_none"
    )]
    pub blocked_ip_range_list: Option<Vec<String>>,
    #[serde(
        default,
        rename = "SkippedIPRangeList",
        skip_serializing_if = "Option::is_none"
    )]
    pub skipped_ip_range_list: Option<Vec<String>>,
}

/// A pool's threat protection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
pub struct RiskConfiguration {
    pub compromised_credentials: Option<CompromisedCredentialsRiskConfiguration>,
    pub account_takeover: Option<AccountTakeoverRiskConfiguration>,
    pub exceptions: Option<RiskExceptionConfiguration>,
    /// ms.
    pub last_modified: Option<i64>,
}

/// Whether `ip` is in the CIDR range `cidr` (`203.0.113.0/24`, `2001:db8::/32`, or one
/// address).
pub fn cidr_contains(cidr: &str, ip: IpAddr) -> bool {
    let (net, bits) = match cidr.split_once('/') {
        Some((n, b)) => (n, b.parse::<u32>().ok()),
        None => (cidr, None),
    };
    let Ok(net) = net.trim().parse::<IpAddr>() else {
        return false;
    };
    match (net, ip) {
        (IpAddr::V4(n), IpAddr::V4(a)) => {
            let bits = bits.unwrap_or(32).min(32);
            let mask = if bits == 0 {
                0
            } else {
                u32::MAX << (32 - bits)
            };
            u32::from(n) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) => {
            let bits = bits.unwrap_or(128).min(128);
            let mask = if bits == 0 {
                0
            } else {
                u128::MAX << (128 - bits)
            };
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

/// Checks that every entry is a CIDR range (at most 200, as Cognito allows).
pub fn validate_ranges(field: &str, ranges: &[String]) -> Result<(), FieldError> {
    if ranges.len() > 200 {
        return Err(FieldError::new(field, "at most 200 ranges"));
    }
    for (i, r) in ranges.iter().enumerate() {
        let (net, bits) = match r.split_once('/') {
            Some((n, b)) => (n, Some(b)),
            None => (r.as_str(), None),
        };
        let max = match net.trim().parse::<IpAddr>() {
            Ok(IpAddr::V4(_)) => 32,
            Ok(IpAddr::V6(_)) => 128,
            Err(_) => {
                return Err(FieldError::new(
                    format!("{field}[{i}]"),
                    format!("'{r}' is not an IP address or CIDR range"),
                ));
            }
        };
        if let Some(b) = bits
            && b.parse::<u32>().map_or(true, |b| b > max)
        {
            return Err(FieldError::new(
                format!("{field}[{i}]"),
                format!("'{r}' has a prefix length outside 0–{max}"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_ranges_match_their_addresses_only() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert!(cidr_contains("203.0.113.0/24", ip("203.0.113.9")));
        assert!(!cidr_contains("203.0.113.0/24", ip("203.0.114.9")));
        assert!(cidr_contains("10.1.2.3", ip("10.1.2.3")));
        assert!(cidr_contains("0.0.0.0/0", ip("8.8.8.8")));
        assert!(cidr_contains("2001:db8::/32", ip("2001:db8::1")));
        assert!(!cidr_contains("2001:db8::/32", ip("127.0.0.1")));
        assert!(validate_ranges("BlockedIPRangeList", &["10.0.0.0/8".into()]).is_ok());
        assert_eq!(
            validate_ranges("BlockedIPRangeList", &["10.0.0.0/33".into()])
                .unwrap_err()
                .field,
            "BlockedIPRangeList[0]"
        );
        assert!(validate_ranges("X", &["nope".into()]).is_err());
    }

    #[test]
    fn compromised_credentials_apply_to_the_filtered_events() {
        let c = CompromisedCredentialsRiskConfiguration {
            event_filter: Some(vec![EventFilter::SignUp]),
            actions: CompromisedCredentialsActions {
                event_action: CompromisedAction::Block,
            },
        };
        assert!(c.blocks(EventFilter::SignUp));
        assert!(!c.blocks(EventFilter::SignIn));
    }
}
