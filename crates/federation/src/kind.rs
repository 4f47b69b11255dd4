//! What kind of provider a Logins key names, read from the key alone.

use serde::{Deserialize, Serialize};

/// The kinds of provider a login can come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProviderKind {
    UserPool,
    Facebook,
    Google,
    Apple,
    Amazon,
    Twitter,
    Saml,
    Developer,
    Oidc,
}

impl ProviderKind {
    /// The kind of provider a Logins key names.
    pub fn of(provider: &str) -> Self {
        match provider {
            p if p.starts_with("cognito-idp.") => ProviderKind::UserPool,
            "graph.facebook.com" => ProviderKind::Facebook,
            "accounts.google.com" => ProviderKind::Google,
            "appleid.apple.com" => ProviderKind::Apple,
            "www.amazon.com" => ProviderKind::Amazon,
            "api.twitter.com" => ProviderKind::Twitter,
            "cognito-identity.amazonaws.com" => ProviderKind::Developer,
            p if p.starts_with("arn:") && p.contains(":saml-provider/") => ProviderKind::Saml,
            _ => ProviderKind::Oidc,
        }
    }
}

/// Whether a URL's host is the loopback (an http issuer or override is accepted there only).
pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}
