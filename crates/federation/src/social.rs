//! The social providers Cognito knows by name. Google, Apple and Login with Amazon are OpenID
//! Connect providers with known issuers; Login with Amazon's access tokens (`Atza|…`, what its
//! SDKs hand an app) are checked with its `tokeninfo` endpoint; Facebook's access tokens by
//! asking its Graph API which app the token belongs to and whose it is.
//!
//! The base URLs are the providers' own unless overridden — for tests and offline use, by
//! [`SocialEndpoints::with_override`] — and an override changes only where keys and profiles
//! are fetched (and, for a user pool's sign-in through a social provider, where its
//! authorization, token and profile endpoints are: [`SocialEndpoints::locate`]), never the
//! issuer a token must carry; it must be https, or http on the loopback.

use serde_json::{Map, Value};

use super::http::{Fetch, shown};
use super::{Refusal, Verified};
use crate::ProviderKind;

/// Where an OIDC preset's discovery document is asked, and the issuers its tokens carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preset {
    pub base: String,
    pub issuers: Vec<String>,
}

/// The social providers' base URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SocialEndpoints {
    pub google: String,
    pub apple: String,
    pub amazon: String,
    /// Login with Amazon's API (`/auth/o2/tokeninfo`).
    pub amazon_api: String,
    pub facebook: String,
}

pub const GOOGLE: &str = "https://accounts.google.com";
pub const APPLE: &str = "https://appleid.apple.com";
pub const AMAZON: &str = "https://www.amazon.com";
pub const AMAZON_API: &str = "https://api.amazon.com";
pub const FACEBOOK: &str = "https://graph.facebook.com";

impl Default for SocialEndpoints {
    fn default() -> Self {
        Self {
            google: GOOGLE.to_owned(),
            apple: APPLE.to_owned(),
            amazon: AMAZON.to_owned(),
            amazon_api: AMAZON_API.to_owned(),
            facebook: FACEBOOK.to_owned(),
        }
    }
}

impl SocialEndpoints {
    /// Overrides one provider's base URL: `provider` is its Logins key (`accounts.google.com`,
    /// `appleid.apple.com`, `www.amazon.com`, `graph.facebook.com`; `api.amazon.com` for Login
    /// with Amazon's token API).
    pub fn with_override(mut self, provider: &str, base: &str) -> Result<Self, String> {
        let url = url::Url::parse(base).map_err(|e| format!("'{base}' is not a URL: {e}"))?;
        let secure =
            url.scheme() == "https" || (url.scheme() == "http" && crate::is_loopback(&url));
        if !secure {
            return Err(format!(
                "'{base}' must be https, or http on the loopback (127.0.0.1, ::1, localhost)"
            ));
        }
        let base = base.trim_end_matches('/').to_owned();
        match provider {
            "accounts.google.com" => self.google = base,
            "appleid.apple.com" => self.apple = base,
            "www.amazon.com" => self.amazon = base,
            "api.amazon.com" => self.amazon_api = base,
            "graph.facebook.com" => self.facebook = base,
            other => return Err(format!("'{other}' is not a social provider")),
        }
        Ok(self)
    }

    /// Overrides from text: `provider=url` pairs separated by commas (the
    /// `POOLHOUSE_SOCIAL_ENDPOINTS` variable).
    pub fn with_overrides(self, text: &str) -> Result<Self, String> {
        let mut out = self;
        for pair in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (provider, base) = pair
                .split_once('=')
                .ok_or_else(|| format!("'{pair}' is not provider=url"))?;
            out = out.with_override(provider.trim(), base.trim())?;
        }
        Ok(out)
    }

    /// Where a social provider's own URL is asked: the URL itself, or — when that provider's
    /// base URL is moved — the same path and query at the moved base. A provider moves as a
    /// whole: Google's hosts (`accounts.google.com`, `www.googleapis.com`,
    /// `oauth2.googleapis.com`, `people.googleapis.com`, `openidconnect.googleapis.com`)
    /// with `accounts.google.com`, Facebook's (`www.facebook.com`, `graph.facebook.com`) with
    /// `graph.facebook.com`; Login with Amazon's `www.amazon.com` and `api.amazon.com` each
    /// with its own. Any other URL (an OIDC provider's) is answered as given.
    pub fn locate(&self, url: &str) -> String {
        let Ok(parsed) = url::Url::parse(url) else {
            return url.to_owned();
        };
        if parsed.scheme() != "https" {
            return url.to_owned();
        }
        let (base, own) = match parsed.host_str().unwrap_or_default() {
            "accounts.google.com"
            | "www.googleapis.com"
            | "oauth2.googleapis.com"
            | "people.googleapis.com"
            | "openidconnect.googleapis.com" => (&self.google, GOOGLE),
            "appleid.apple.com" => (&self.apple, APPLE),
            "www.amazon.com" => (&self.amazon, AMAZON),
            "api.amazon.com" => (&self.amazon_api, AMAZON_API),
            "www.facebook.com" | "graph.facebook.com" => (&self.facebook, FACEBOOK),
            _ => return url.to_owned(),
        };
        if base == own {
            return url.to_owned();
        }
        format!(
            "{}{}",
            base.trim_end_matches('/'),
            &parsed[url::Position::BeforePath..]
        )
    }

    /// The OIDC preset of a social provider (not Facebook's: it is not OIDC).
    pub fn preset(&self, kind: ProviderKind) -> Option<Preset> {
        let (base, issuers): (&str, &[&str]) = match kind {
            ProviderKind::Google => (&self.google, &[GOOGLE, "accounts.google.com"]),
            ProviderKind::Apple => (&self.apple, &[APPLE]),
            ProviderKind::Amazon => (&self.amazon, &[AMAZON]),
            _ => return None,
        };
        Some(Preset {
            base: base.to_owned(),
            issuers: issuers.iter().map(|s| (*s).to_owned()).collect(),
        })
    }
}

fn graph(
    fetch: &dyn Fetch,
    base: &str,
    path: &str,
    token: &str,
) -> Result<Map<String, Value>, Refusal> {
    let mut url = url::Url::parse(&format!("{base}{path}"))
        .map_err(|e| Refusal::ExternalService(format!("{base}{path} is not a URL: {e}")))?;
    url.query_pairs_mut().append_pair("access_token", token);
    let shown_url = shown(url.as_str());
    let fetched = fetch.get(url.as_str()).map_err(|e| {
        Refusal::ExternalService(format!(
            "Facebook could not be asked whether the token is valid: {e}"
        ))
    })?;
    let body: Value = serde_json::from_slice(&fetched.body).map_err(|_| {
        Refusal::ExternalService(format!(
            "Facebook's Graph API at {shown_url} answered HTTP {} with something that is not JSON.",
            fetched.status
        ))
    })?;
    if let Some(err) = body.get("error") {
        let message = err
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("no reason given");
        // 4xx with an OAuthException is Facebook refusing the token; anything else is Facebook
        // failing.
        return if (400..500).contains(&fetched.status) {
            Err(Refusal::token(format!(
                "Facebook refused the token: {message}"
            )))
        } else {
            Err(Refusal::ExternalService(format!(
                "Facebook's Graph API at {shown_url} failed (HTTP {}): {message}",
                fetched.status
            )))
        };
    }
    if fetched.status != 200 {
        return Err(Refusal::ExternalService(format!(
            "Facebook's Graph API at {shown_url} answered HTTP {}.",
            fetched.status
        )));
    }
    match body {
        Value::Object(m) => Ok(m),
        _ => Err(Refusal::ExternalService(format!(
            "Facebook's Graph API at {shown_url} answered something other than an object."
        ))),
    }
}

/// A Facebook access token: `GET /app` says which app it was issued to (one of the pool's app
/// ids), `GET /me` whose it is.
pub fn verify_facebook(
    fetch: &dyn Fetch,
    endpoints: &SocialEndpoints,
    app_ids: &[String],
    key: &str,
    token: &str,
) -> Result<Verified, Refusal> {
    let base = endpoints.facebook.trim_end_matches('/');
    let app = graph(fetch, base, "/app", token)?;
    let app_id = app.get("id").and_then(Value::as_str).unwrap_or_default();
    if !app_ids.iter().any(|a| a == app_id) {
        return Err(Refusal::token(format!(
            "Incorrect token audience: the token was issued to Facebook app '{app_id}'; the \
             identity pool trusts {}.",
            app_ids.join(", ")
        )));
    }
    let me = graph(fetch, base, "/me", token)?;
    let user = me
        .get("id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Refusal::token("Facebook's profile for the token has no id."))?
        .to_owned();
    let mut claims = Map::new();
    claims.insert("sub".to_owned(), Value::String(user.clone()));
    claims.insert("aud".to_owned(), Value::String(app_id.to_owned()));
    for (k, v) in me {
        if k != "id" {
            claims.insert(k, v);
        }
    }
    Ok(Verified {
        provider: key.to_owned(),
        kind: ProviderKind::Facebook,
        subject: user,
        claims,
        saml: None,
    })
}

/// A Login with Amazon access token: `GET /auth/o2/tokeninfo` says which client it was issued
/// to (one of the pool's) and whose it is (`user_id`), and how many seconds it has left.
pub fn verify_amazon_access_token(
    fetch: &dyn Fetch,
    endpoints: &SocialEndpoints,
    client_ids: &[String],
    key: &str,
    token: &str,
) -> Result<Verified, Refusal> {
    let base = endpoints.amazon_api.trim_end_matches('/');
    let mut url = url::Url::parse(&format!("{base}/auth/o2/tokeninfo"))
        .map_err(|e| Refusal::ExternalService(format!("{base} is not a URL: {e}")))?;
    url.query_pairs_mut().append_pair("access_token", token);
    let shown_url = shown(url.as_str());
    let fetched = fetch.get(url.as_str()).map_err(|e| {
        Refusal::ExternalService(format!(
            "Login with Amazon could not be asked whether the token is valid: {e}"
        ))
    })?;
    let body: Value = serde_json::from_slice(&fetched.body).map_err(|_| {
        Refusal::ExternalService(format!(
            "Login with Amazon's tokeninfo at {shown_url} answered HTTP {} with something that is not JSON.",
            fetched.status
        ))
    })?;
    if (400..500).contains(&fetched.status) {
        let reason = body
            .get("error_description")
            .or_else(|| body.get("error"))
            .and_then(Value::as_str)
            .unwrap_or("no reason given");
        return Err(Refusal::token(format!(
            "Login with Amazon refused the token: {reason}"
        )));
    }
    if fetched.status != 200 {
        return Err(Refusal::ExternalService(format!(
            "Login with Amazon's tokeninfo at {shown_url} answered HTTP {}.",
            fetched.status
        )));
    }
    let Value::Object(info) = body else {
        return Err(Refusal::ExternalService(format!(
            "Login with Amazon's tokeninfo at {shown_url} answered something other than an object."
        )));
    };
    let aud = info.get("aud").and_then(Value::as_str).unwrap_or_default();
    if !client_ids.iter().any(|c| c == aud) {
        return Err(Refusal::token(format!(
            "Incorrect token audience: the token was issued to '{aud}'; the identity pool trusts {}.",
            client_ids.join(", ")
        )));
    }
    if info
        .get("exp")
        .and_then(Value::as_i64)
        .is_some_and(|left| left <= 0)
    {
        return Err(Refusal::token("Token expired."));
    }
    let user = info
        .get("user_id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Refusal::token("Login with Amazon's tokeninfo names no user_id."))?
        .to_owned();
    Ok(Verified {
        provider: key.to_owned(),
        kind: ProviderKind::Amazon,
        subject: user,
        claims: info,
        saml: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_provider_moves_all_its_hosts_and_nothing_else_moves() {
        let e = SocialEndpoints::default()
            .with_overrides(
                "accounts.google.com=http://127.0.0.1:9/g/,graph.facebook.com=http://127.0.0.1:8",
            )
            .unwrap();
        assert_eq!(
            e.locate("https://www.googleapis.com/oauth2/v4/token"),
            "http://127.0.0.1:9/g/oauth2/v4/token"
        );
        assert_eq!(
            e.locate("https://graph.facebook.com/v17.0/me?fields=id,email"),
            "http://127.0.0.1:8/v17.0/me?fields=id,email"
        );
        assert_eq!(
            e.locate("https://www.facebook.com/v17.0/dialog/oauth"),
            "http://127.0.0.1:8/v17.0/dialog/oauth"
        );
        // Not moved: Amazon, Apple, and any other host.
        for own in [
            "https://www.amazon.com/ap/oa",
            "https://appleid.apple.com/auth/token",
            "https://idp.example/token",
            "http://accounts.google.com/x",
        ] {
            assert_eq!(e.locate(own), own);
        }
    }
}
