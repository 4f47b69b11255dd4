//! The OAuth 2.0 configuration of a user pool in Cognito's shapes: domains (a prefix under
//! `auth.localhost`, or a custom host name with a certificate), resource servers and their
//! custom scopes, and client secret ids.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::FieldError;

/// Words a prefix domain may not contain (Cognito reserves them).
const RESERVED_WORDS: [&str; 3] = ["aws", "amazon", "cognito"];

/// Most resource servers a pool may have (Cognito's quota).
pub const MAX_RESOURCE_SERVERS: usize = 25;
/// Most scopes a resource server may have.
pub const MAX_SCOPES: usize = 100;
/// Most secrets an app client may hold at once.
pub const MAX_CLIENT_SECRETS: usize = 2;

/// The standard OAuth scopes Cognito knows.
pub const STANDARD_SCOPES: &[&str] = &[
    "phone",
    "email",
    "openid",
    "profile",
    "aws.cognito.signin.user.admin",
];

/// The host-name suffix under which prefix domains are served (`<prefix>.auth.localhost`).
pub const PREFIX_DOMAIN_SUFFIX: &str = ".auth.localhost";

/// Checks a `Domain` as a request names it: 1–63 characters of lower-case letters, digits,
/// hyphens and dots, not starting or ending with a hyphen or dot (a prefix, or a custom domain's
/// host name).
pub fn validate_domain(d: &str) -> Result<(), FieldError> {
    if d.is_empty() || d.len() > 63 {
        return Err(FieldError::new("Domain", "must be 1–63 characters"));
    }
    let ok_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.';
    if !d.chars().all(ok_char) {
        return Err(FieldError::new(
            "Domain",
            format!("'{d}' may only hold lower-case letters, digits, hyphens and dots"),
        ));
    }
    if d.split('.')
        .any(|l| l.is_empty() || l.starts_with('-') || l.ends_with('-'))
    {
        return Err(FieldError::new(
            "Domain",
            format!(
                "'{d}' is not a domain name: each label must be non-empty and must not start or \
                 end with a hyphen"
            ),
        ));
    }
    Ok(())
}

/// Checks a prefix domain (no `CustomDomainConfig`): Cognito's
/// `^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`, without the words `aws`, `amazon` or `cognito`.
pub fn validate_prefix_domain(d: &str) -> Result<(), FieldError> {
    validate_domain(d)?;
    if d.contains('.') {
        return Err(FieldError::new(
            "Domain",
            format!(
                "'{d}' is a prefix domain (no CustomDomainConfig) and must not contain dots; a \
                 custom domain needs CustomDomainConfig.CertificateArn"
            ),
        ));
    }
    if let Some(w) = RESERVED_WORDS.iter().find(|w| d.contains(*w)) {
        return Err(FieldError::new(
            "Domain",
            format!("a domain prefix cannot contain the reserved word '{w}'"),
        ));
    }
    Ok(())
}

/// Checks a custom domain: a fully qualified host name of at least two labels.
pub fn validate_custom_domain(d: &str) -> Result<(), FieldError> {
    validate_domain(d)?;
    if !d.contains('.') {
        return Err(FieldError::new(
            "Domain",
            format!(
                "'{d}' is not a fully qualified domain name; a custom domain looks like \
                 auth.example.com (without CustomDomainConfig, give a prefix)"
            ),
        ));
    }
    if d.rsplit('.')
        .next()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(FieldError::new(
            "Domain",
            format!("'{d}' is an address, not a domain name"),
        ));
    }
    if d.ends_with(".localhost") {
        return Err(FieldError::new(
            "Domain",
            format!("'{d}' is under localhost, where prefix domains are served"),
        ));
    }
    Ok(())
}

/// `SecurityPolicyType`: the TLS policy of a custom domain (stored; Poolhouse serves plain
/// HTTP on the loopback).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[ts(export)]
pub enum SecurityPolicy {
    #[serde(rename = "TLS_V1")]
    TlsV1,
    #[serde(rename = "TLS_V1_2_2021")]
    TlsV12_2021,
    #[serde(rename = "TLS_V1_3_2025")]
    TlsV13_2025,
}

/// `CustomDomainConfigType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct CustomDomainConfig {
    /// An ACM certificate's ARN (`arn:aws:acm:us-east-1:123456789012:certificate/…`); stored,
    /// never fetched.
    pub certificate_arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_policy: Option<SecurityPolicy>,
}

/// `FailoverType`: where a domain fails over to (stored; Poolhouse has one region).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct Failover {
    pub secondary_region: String,
    #[serde(rename = "PrimaryRoute53HealthCheckId")]
    pub primary_route53_health_check_id: String,
}

/// `RoutingType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct Routing {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failover: Option<Failover>,
}

impl Routing {
    /// Checks the failover's members (`SecondaryRegion` 5–32 characters,
    /// `PrimaryRoute53HealthCheckId` at most 64).
    pub fn validate(&self) -> Result<(), FieldError> {
        if let Some(f) = &self.failover {
            let n = f.secondary_region.len();
            if !(5..=32).contains(&n) {
                return Err(FieldError::new(
                    "Routing.Failover.SecondaryRegion",
                    "must be 5–32 characters",
                ));
            }
            if f.primary_route53_health_check_id.len() > 64 {
                return Err(FieldError::new(
                    "Routing.Failover.PrimaryRoute53HealthCheckId",
                    "must be at most 64 characters",
                ));
            }
        }
        Ok(())
    }
}

impl CustomDomainConfig {
    /// Checks the certificate ARN's shape (Cognito's `ArnType`, 20–2048 characters).
    pub fn validate(&self) -> Result<(), FieldError> {
        let arn = &self.certificate_arn;
        let field = "CustomDomainConfig.CertificateArn";
        if arn.len() < 20 || arn.len() > 2048 {
            return Err(FieldError::new(field, "must be 20–2048 characters"));
        }
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let word = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_alphanumeric() || "_+=/,.@-".contains(c))
        };
        let ok = parts.len() == 6
            && parts[0] == "arn"
            && word(parts[1])
            && word(parts[2])
            && parts[3]
                .chars()
                .all(|c| c.is_alphanumeric() || "_+=/,.@-".contains(c))
            && !parts[4].is_empty()
            && parts[4].chars().all(|c| c.is_ascii_digit())
            && parts[5].split(':').all(word);
        if ok {
            Ok(())
        } else {
            Err(FieldError::new(
                field,
                format!("'{arn}' is not an ARN (arn:aws:acm:<region>:<account>:certificate/<id>)"),
            ))
        }
    }
}

/// Checks `ManagedLoginVersion`: 1 (the classic hosted UI) or 2 (managed login).
pub fn validate_managed_login_version(v: i32) -> Result<(), FieldError> {
    if v == 1 || v == 2 {
        Ok(())
    } else {
        Err(FieldError::new(
            "ManagedLoginVersion",
            format!("{v} is not a managed login version; use 1 (hosted UI) or 2 (managed login)"),
        ))
    }
}

/// Checks a resource server identifier: 1–256 printable ASCII characters without `"` or `\`
/// (Cognito's `[\x21\x23-\x5B\x5D-\x7E]+`).
pub fn validate_resource_server_identifier(id: &str) -> Result<(), FieldError> {
    if id.is_empty() || id.len() > 256 {
        return Err(FieldError::new("Identifier", "must be 1–256 characters"));
    }
    if !id
        .chars()
        .all(|c| matches!(c, '\x21' | '\x23'..='\x5B' | '\x5D'..='\x7E'))
    {
        return Err(FieldError::new(
            "Identifier",
            format!("'{id}' may only hold printable ASCII characters without spaces, '\"' or '\\'"),
        ));
    }
    Ok(())
}

/// Checks a resource server's name: 1–256 characters of `[\w\s+=,.@-]`.
pub fn validate_resource_server_name(name: &str) -> Result<(), FieldError> {
    if name.is_empty() || name.chars().count() > 256 {
        return Err(FieldError::new("Name", "must be 1–256 characters"));
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || c.is_whitespace() || "_+=,.@-".contains(c))
    {
        return Err(FieldError::new(
            "Name",
            "may only hold letters, digits, spaces and _ + = , . @ -",
        ));
    }
    Ok(())
}

/// `ResourceServerScopeType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, JsonSchema)]
#[serde(rename_all = "PascalCase")]
#[ts(export)]
pub struct ResourceServerScope {
    pub scope_name: String,
    pub scope_description: String,
}

/// Checks a resource server's scopes: at most 100, each name 1–256 printable ASCII characters
/// without spaces, `"`, `/` or `\` and unique, each description 1–256 characters.
pub fn validate_scopes(scopes: &[ResourceServerScope]) -> Result<(), FieldError> {
    if scopes.len() > MAX_SCOPES {
        return Err(FieldError::new(
            "Scopes",
            format!("at most {MAX_SCOPES} scopes per resource server"),
        ));
    }
    for (i, s) in scopes.iter().enumerate() {
        let n = &s.scope_name;
        if n.is_empty() || n.len() > 256 {
            return Err(FieldError::new(
                format!("Scopes[{i}].ScopeName"),
                "must be 1–256 characters",
            ));
        }
        if !n
            .chars()
            .all(|c| matches!(c, '\x21' | '\x23'..='\x2E' | '\x30'..='\x5B' | '\x5D'..='\x7E'))
        {
            return Err(FieldError::new(
                format!("Scopes[{i}].ScopeName"),
                format!(
                    "'{n}' may only hold printable ASCII characters without spaces, '\"', '/' \
                     or '\\'"
                ),
            ));
        }
        let d = s.scope_description.chars().count();
        if d == 0 || d > 256 {
            return Err(FieldError::new(
                format!("Scopes[{i}].ScopeDescription"),
                "must be 1–256 characters",
            ));
        }
        if scopes[..i].iter().any(|o| &o.scope_name == n) {
            return Err(FieldError::new(
                format!("Scopes[{i}].ScopeName"),
                format!("the scope '{n}' is listed twice"),
            ));
        }
    }
    Ok(())
}

/// Checks a client secret value a caller chose: 24–64 characters of `[\w+]`.
pub fn validate_client_secret(s: &str) -> Result<(), FieldError> {
    if s.len() < 24 || s.len() > 64 {
        return Err(FieldError::new("ClientSecret", "must be 24–64 characters"));
    }
    if !s
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '+')
    {
        return Err(FieldError::new(
            "ClientSecret",
            "may only hold letters, digits, '_' and '+'",
        ));
    }
    Ok(())
}

/// Checks a client secret id: 1–128 characters.
pub fn validate_client_secret_id(s: &str) -> Result<(), FieldError> {
    if s.is_empty() || s.len() > 128 {
        return Err(FieldError::new(
            "ClientSecretId",
            "must be 1–128 characters",
        ));
    }
    Ok(())
}

/// The pool prefix a `Host` name (lower-case, without port) names when it is
/// `<prefix>.auth.localhost`.
pub fn prefix_of_host(name: &str) -> Option<&str> {
    let prefix = name.strip_suffix(PREFIX_DOMAIN_SUFFIX)?;
    validate_prefix_domain(prefix).ok().map(|()| prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_domains_follow_cognitos_pattern_and_reserved_words() {
        for ok in ["a", "my-app", "dev01", "x".repeat(63).as_str()] {
            assert!(validate_prefix_domain(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "My-App",
            "a_b",
            "auth.example.com",
            "myaws",
            "amazon-app",
            "cognito",
            &"x".repeat(64),
        ] {
            assert_eq!(
                validate_prefix_domain(bad).unwrap_err().field,
                "Domain",
                "{bad}"
            );
        }
    }

    #[test]
    fn custom_domains_are_qualified_names() {
        assert!(validate_custom_domain("auth.example.com").is_ok());
        for bad in [
            "example",
            "a..b",
            "-a.b",
            "a.b-",
            "x.auth.localhost",
            "A.b",
            "127.0.0.1",
        ] {
            assert!(validate_custom_domain(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn certificate_arns_are_checked() {
        let c = |a: &str| CustomDomainConfig {
            certificate_arn: a.into(),
            security_policy: None,
        };
        assert!(
            c("arn:aws:acm:us-east-1:123456789012:certificate/abcd-1234")
                .validate()
                .is_ok()
        );
        for bad in [
            "short",
            "arn:aws:acm:us-east-1:acct:certificate/abcd-1234",
            "urn:aws:acm:us-east-1:123:certificate/x",
        ] {
            assert_eq!(
                c(bad).validate().unwrap_err().field,
                "CustomDomainConfig.CertificateArn"
            );
        }
    }

    #[test]
    fn scopes_are_checked_with_their_index() {
        let s = |n: &str, d: &str| ResourceServerScope {
            scope_name: n.into(),
            scope_description: d.into(),
        };
        assert!(validate_scopes(&[s("read", "Read"), s("write", "Write")]).is_ok());
        assert_eq!(
            validate_scopes(&[s("read", "Read"), s("a/b", "x")])
                .unwrap_err()
                .field,
            "Scopes[1].ScopeName"
        );
        assert_eq!(
            validate_scopes(&[s("read", "")]).unwrap_err().field,
            "Scopes[0].ScopeDescription"
        );
        assert!(validate_scopes(&[s("read", "a"), s("read", "b")]).is_err());
        let many: Vec<_> = (0..101).map(|i| s(&format!("s{i}"), "d")).collect();
        assert_eq!(validate_scopes(&many).unwrap_err().field, "Scopes");
    }

    #[test]
    fn identifiers_and_hosts() {
        assert!(validate_resource_server_identifier("https://api.example.com").is_ok());
        assert!(validate_resource_server_identifier("a b").is_err());
        assert!(validate_resource_server_identifier("a\"b").is_err());
        assert_eq!(prefix_of_host("my-app.auth.localhost"), Some("my-app"));
        assert_eq!(prefix_of_host("auth.localhost"), None);
        assert_eq!(prefix_of_host("a.b.auth.localhost"), None);
    }
}
