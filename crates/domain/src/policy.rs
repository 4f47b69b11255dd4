//! The password policy, with Cognito's ranges and symbol set.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::FieldError;

/// Characters Cognito counts as symbols.
pub const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

/// The longest password Cognito accepts.
pub const MAX_PASSWORD_LEN: usize = 256;

/// `PasswordPolicyType`. Defaults are Cognito's: 8 characters, every class required, temporary
/// passwords valid 7 days, no history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "PascalCase", default)]
#[ts(export)]
pub struct PasswordPolicy {
    /// 6–99.
    #[ts(as = "Option<u32>", optional)]
    pub minimum_length: u32,
    #[ts(as = "Option<bool>", optional)]
    pub require_uppercase: bool,
    #[ts(as = "Option<bool>", optional)]
    pub require_lowercase: bool,
    #[ts(as = "Option<bool>", optional)]
    pub require_numbers: bool,
    #[ts(as = "Option<bool>", optional)]
    pub require_symbols: bool,
    /// 0–24 previous passwords that may not be reused.
    #[ts(as = "Option<u32>", optional)]
    pub password_history_size: u32,
    /// 0–365 days a temporary password stays usable.
    #[ts(as = "Option<u32>", optional)]
    pub temporary_password_validity_days: u32,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            minimum_length: 8,
            require_uppercase: true,
            require_lowercase: true,
            require_numbers: true,
            require_symbols: true,
            password_history_size: 0,
            temporary_password_validity_days: 7,
        }
    }
}

impl PasswordPolicy {
    /// Checks the policy's own settings against Cognito's ranges.
    pub fn validate(&self, field: &str) -> Result<(), FieldError> {
        if !(6..=99).contains(&self.minimum_length) {
            return Err(FieldError::new(
                format!("{field}.MinimumLength"),
                format!("must be between 6 and 99, got {}", self.minimum_length),
            ));
        }
        if self.password_history_size > 24 {
            return Err(FieldError::new(
                format!("{field}.PasswordHistorySize"),
                format!(
                    "must be between 0 and 24, got {}",
                    self.password_history_size
                ),
            ));
        }
        if self.temporary_password_validity_days > 365 {
            return Err(FieldError::new(
                format!("{field}.TemporaryPasswordValidityDays"),
                format!(
                    "must be between 0 and 365, got {}",
                    self.temporary_password_validity_days
                ),
            ));
        }
        Ok(())
    }

    /// Checks a password against the policy; the error says the first rule it breaks, in
    /// Cognito's words.
    pub fn check(&self, password: &str) -> Result<(), String> {
        let len = password.chars().count();
        if len > MAX_PASSWORD_LEN {
            return Err(format!(
                "Password must be at most {MAX_PASSWORD_LEN} characters long"
            ));
        }
        if len < self.minimum_length as usize {
            return Err("Password did not conform with policy: Password not long enough".into());
        }
        if password.starts_with(char::is_whitespace) || password.ends_with(char::is_whitespace) {
            return Err(
                "Password did not conform with policy: Password must not begin or end with a space"
                    .into(),
            );
        }
        if self.require_lowercase && !password.chars().any(|c| c.is_lowercase()) {
            return Err(
                "Password did not conform with policy: Password must have lowercase characters"
                    .into(),
            );
        }
        if self.require_uppercase && !password.chars().any(|c| c.is_uppercase()) {
            return Err(
                "Password did not conform with policy: Password must have uppercase characters"
                    .into(),
            );
        }
        if self.require_numbers && !password.chars().any(|c| c.is_ascii_digit()) {
            return Err(
                "Password did not conform with policy: Password must have numeric characters"
                    .into(),
            );
        }
        if self.require_symbols && !password.chars().any(|c| SYMBOLS.contains(c) && c != ' ') {
            return Err(
                "Password did not conform with policy: Password must have symbol characters".into(),
            );
        }
        Ok(())
    }
}

/// One rule of a password policy, as a sign-up page lists it: the same rules
/// [`PasswordPolicy::check`] applies, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyRule {
    /// At least this many characters (and at most [`MAX_PASSWORD_LEN`]).
    Length(u32),
    /// No space at the start or the end.
    NoEdgeSpace,
    Lowercase,
    Uppercase,
    Number,
    Symbol,
}

impl PolicyRule {
    /// The rule in words, as a page lists it.
    pub fn describe(&self) -> String {
        match self {
            PolicyRule::Length(n) => format!("At least {n} characters"),
            PolicyRule::NoEdgeSpace => "No space at the start or the end".into(),
            PolicyRule::Lowercase => "A lowercase letter".into(),
            PolicyRule::Uppercase => "An uppercase letter".into(),
            PolicyRule::Number => "A number".into(),
            PolicyRule::Symbol => format!("A symbol ({})", SYMBOLS.trim_end()),
        }
    }

    /// Whether `password` keeps this rule.
    pub fn holds(&self, password: &str) -> bool {
        match self {
            PolicyRule::Length(n) => {
                let len = password.chars().count();
                len >= *n as usize && len <= MAX_PASSWORD_LEN
            }
            PolicyRule::NoEdgeSpace => {
                !(password.starts_with(char::is_whitespace)
                    || password.ends_with(char::is_whitespace))
            }
            PolicyRule::Lowercase => password.chars().any(|c| c.is_lowercase()),
            PolicyRule::Uppercase => password.chars().any(|c| c.is_uppercase()),
            PolicyRule::Number => password.chars().any(|c| c.is_ascii_digit()),
            PolicyRule::Symbol => password.chars().any(|c| SYMBOLS.contains(c) && c != ' '),
        }
    }
}

impl PasswordPolicy {
    /// The policy's rules, in the order [`PasswordPolicy::check`] tries them.
    pub fn rules(&self) -> Vec<PolicyRule> {
        let mut out = vec![
            PolicyRule::Length(self.minimum_length),
            PolicyRule::NoEdgeSpace,
        ];
        for (on, rule) in [
            (self.require_lowercase, PolicyRule::Lowercase),
            (self.require_uppercase, PolicyRule::Uppercase),
            (self.require_numbers, PolicyRule::Number),
            (self.require_symbols, PolicyRule::Symbol),
        ] {
            if on {
                out.push(rule);
            }
        }
        out
    }

    /// Every rule `password` breaks (`check` names only the first).
    pub fn broken(&self, password: &str) -> Vec<PolicyRule> {
        self.rules()
            .into_iter()
            .filter(|r| !r.holds(password))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_break_exactly_where_check_refuses() {
        let p = PasswordPolicy::default();
        assert_eq!(p.rules().len(), 6);
        for pw in [
            "Passw0rd!",
            "Pw0!",
            "PASSW0RD!",
            "passw0rd!",
            "Password!",
            "Passw0rdd",
            " Passw0rd!",
            "pw",
        ] {
            assert_eq!(p.check(pw).is_ok(), p.broken(pw).is_empty(), "{pw}");
        }
        assert_eq!(
            p.broken("pw"),
            vec![
                PolicyRule::Length(8),
                PolicyRule::Uppercase,
                PolicyRule::Number,
                PolicyRule::Symbol
            ]
        );
        let lax = PasswordPolicy {
            require_symbols: false,
            require_uppercase: false,
            ..PasswordPolicy::default()
        };
        assert!(!lax.rules().contains(&PolicyRule::Symbol));
        assert!(lax.broken("password1").is_empty());
    }

    #[test]
    fn default_policy_requires_every_class() {
        let p = PasswordPolicy::default();
        assert!(p.check("Passw0rd!").is_ok());
        assert!(p.check("Pw0!").unwrap_err().contains("long enough"));
        assert!(p.check("PASSW0RD!").unwrap_err().contains("lowercase"));
        assert!(p.check("passw0rd!").unwrap_err().contains("uppercase"));
        assert!(p.check("Password!").unwrap_err().contains("numeric"));
        assert!(p.check("Passw0rdd").unwrap_err().contains("symbol"));
        assert!(p.check(" Passw0rd!").unwrap_err().contains("space"));
    }

    #[test]
    fn ranges_are_cognitos() {
        let mut p = PasswordPolicy {
            minimum_length: 5,
            ..Default::default()
        };
        assert_eq!(
            p.validate("PasswordPolicy").unwrap_err().field,
            "PasswordPolicy.MinimumLength"
        );
        p.minimum_length = 99;
        assert!(p.validate("PasswordPolicy").is_ok());
        p.password_history_size = 25;
        assert!(p.validate("PasswordPolicy").is_err());
    }
}
