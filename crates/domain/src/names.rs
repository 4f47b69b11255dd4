//! Names as types: a user pool id, an app client id, a username, a group name. Each is checked
//! once, where it enters (a request is deserialised through `TryFrom<String>`), so the code
//! behind it holds a value of a known shape and never re-checks a string.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::FieldError;

/// Why a name was refused: the sentence alone, since the request member it came from is named
/// by whoever reads it (a request's deserialiser knows the path).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidName(pub FieldError);

impl fmt::Display for InvalidName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.reason)
    }
}

impl std::error::Error for InvalidName {}

impl From<InvalidName> for FieldError {
    fn from(e: InvalidName) -> Self {
        e.0
    }
}

macro_rules! name_type {
    ($(#[$m:meta])* $name:ident, $check:path) => {
        $(#[$m])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS, JsonSchema)]
        #[serde(try_from = "String", into = "String")]
        #[ts(export)]
        pub struct $name(String);

        impl $name {
            /// Checks `value` and wraps it.
            pub fn parse(value: impl Into<String>) -> Result<Self, InvalidName> {
                let value = value.into();
                $check(&value).map_err(InvalidName)?;
                Ok(Self(value))
            }

            /// The name as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::str::FromStr for $name {
            type Err = InvalidName;
            fn from_str(value: &str) -> Result<Self, InvalidName> {
                Self::parse(value)
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidName;
            fn try_from(value: String) -> Result<Self, InvalidName> {
                Self::parse(value)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
    };
}

name_type!(
    /// A user pool id, `<region>_<alphanumerics>` (`us-east-1_AbC123xyZ`), at most 55
    /// characters.
    UserPoolId,
    crate::ids::validate_user_pool_id
);

name_type!(
    /// An app client id: 1–128 letters, digits, `_` or `+`.
    ClientId,
    crate::ids::validate_client_id
);

name_type!(
    /// A username as a request names a user: 1–128 characters without spaces or control
    /// characters. It may be the user's username, an alias (email, phone) or their `sub`;
    /// which one it is, the pool decides.
    Username,
    crate::user::validate_username
);

name_type!(
    /// A group name: 1–128 characters without spaces or control characters.
    GroupName,
    validate_group_name
);

name_type!(
    /// An identity pool id, `<region>:<uuid>` (Cognito's `[\w-]+:[0-9a-f-]+`), at most 55
    /// characters.
    IdentityPoolId,
    crate::identity_pool::validate_identity_pool_id
);

name_type!(
    /// An identity's id in an identity pool, `<region>:<uuid>` (Cognito's `[\w-]+:[0-9a-f-]+`),
    /// at most 55 characters.
    IdentityId,
    crate::identity_pool::validate_identity_id
);

name_type!(
    /// An identity pool name: 1–128 letters, digits, spaces or `_+=,.@-`.
    IdentityPoolName,
    crate::identity_pool::validate_identity_pool_name
);

name_type!(
    /// A user pool domain as a request names it: a prefix (`my-app`, served at
    /// `my-app.auth.localhost`) or a custom domain's host name (`auth.example.com`), 1–63
    /// lower-case letters, digits, hyphens and dots.
    UserPoolDomain,
    crate::oauth::validate_domain
);

name_type!(
    /// A resource server's identifier (`https://api.example.com`): 1–256 printable ASCII
    /// characters without spaces, `"` or `\`.
    ResourceServerIdentifier,
    crate::oauth::validate_resource_server_identifier
);

/// Checks a group name (Cognito's `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, 1–128 characters).
pub fn validate_group_name(name: &str) -> Result<(), FieldError> {
    if name.is_empty() || name.chars().count() > 128 {
        return Err(FieldError::new("GroupName", "must be 1–128 characters"));
    }
    if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(FieldError::new(
            "GroupName",
            "must not contain spaces or control characters",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_when_deserialised() {
        let id: UserPoolId = serde_json::from_str("\"us-east-1_AbC123xyZ\"").unwrap();
        assert_eq!(id, "us-east-1_AbC123xyZ");
        let err = serde_json::from_str::<UserPoolId>("\"nope\"").unwrap_err();
        assert!(
            err.to_string().contains("is not a user pool id"),
            "the refusal says what is wrong: {err}"
        );
        assert!(serde_json::from_str::<ClientId>("\"a b\"").is_err());
        assert!(serde_json::from_str::<Username>("\"\"").is_err());
        assert!(serde_json::from_str::<Username>("\"a\\u0000b\"").is_err());
        assert!(serde_json::from_str::<GroupName>("\"Admins-and-Co\"").is_ok());
        assert!(serde_json::from_str::<GroupName>("\"Admins and Co\"").is_err());
    }

    #[test]
    fn names_serialise_as_plain_strings() {
        let g = GroupName::parse("staff").unwrap();
        assert_eq!(serde_json::to_string(&g).unwrap(), "\"staff\"");
    }
}
