//! Checking an authorize request (`/oauth2/authorize`, and `/login` which carries the same
//! parameters) against its app client. Until the redirect URI is known to be one the client
//! registered, a refusal is an error page ([`Refusal::Page`]): a redirect is only ever to a
//! registered URI. After that, refusals go back to it as `error=…&state=…`
//! ([`Refusal::Redirect`]).

use domain::client::OAuthFlow;
use storage::Read;
use storage::idps::IdpRow;

use super::pkce::{self, Method};
use super::{MAX_PARAMETER, OAuthCode, OAuthError, has_scope};
use crate::Result;
use crate::signin::{self, SignInClient};

/// An authorize request's parameters, as they came (query string or form).
#[derive(Debug, Clone, Default)]
pub struct AuthorizeRequest {
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub response_type: Option<String>,
    pub scope: Option<String>,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub identity_provider: Option<String>,
    pub idp_identifier: Option<String>,
    pub prompt: Option<String>,
}

impl AuthorizeRequest {
    /// The request's parameters as `(name, value)` pairs, to carry them from page to page.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("client_id", &self.client_id),
            ("redirect_uri", &self.redirect_uri),
            ("response_type", &self.response_type),
            ("scope", &self.scope),
            ("state", &self.state),
            ("nonce", &self.nonce),
            ("code_challenge", &self.code_challenge),
            ("code_challenge_method", &self.code_challenge_method),
            ("identity_provider", &self.identity_provider),
            ("idp_identifier", &self.idp_identifier),
            ("prompt", &self.prompt),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| (k, v)))
        .collect()
    }

    /// The request read from `(name, value)` pairs; unknown names are ignored, as OAuth asks.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut r = AuthorizeRequest::default();
        for (k, v) in pairs {
            let slot = match k {
                "client_id" => &mut r.client_id,
                "redirect_uri" => &mut r.redirect_uri,
                "response_type" => &mut r.response_type,
                "scope" => &mut r.scope,
                "state" => &mut r.state,
                "nonce" => &mut r.nonce,
                "code_challenge" => &mut r.code_challenge,
                "code_challenge_method" => &mut r.code_challenge_method,
                "identity_provider" => &mut r.identity_provider,
                "idp_identifier" => &mut r.idp_identifier,
                "prompt" => &mut r.prompt,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(v.to_string());
            }
        }
        r
    }
}

/// `response_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseType {
    /// The authorization code grant.
    Code,
    /// The implicit grant: tokens in the redirect's fragment.
    Token,
}

/// `prompt`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prompt {
    /// Sign in again even with a live session.
    Login,
    /// Never show a page: a live session, or `login_required`.
    None,
}

/// An authorize request its client allows.
#[derive(Debug, Clone)]
pub struct Authorized {
    pub sc: SignInClient,
    pub redirect_uri: String,
    pub response_type: ResponseType,
    /// The scopes granted, space-separated, in the order asked.
    pub scopes: String,
    pub state: Option<String>,
    pub nonce: Option<String>,
    pub challenge: Option<(String, Method)>,
    pub prompt: Option<Prompt>,
    /// The provider the request names (`identity_provider`, `idp_identifier`), which the
    /// client supports; `None`: the pool's own sign-in (`COGNITO`).
    pub provider: Option<IdpRow>,
    /// Whether the client signs users in with the pool's own directory (`COGNITO` among its
    /// `SupportedIdentityProviders`). A request that names no provider for a client without it
    /// gets the sign-in page with the provider buttons only, and no password sign-in.
    pub cognito: bool,
}

/// Why an authorize request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The client or the redirect URI is unknown: show an error page, never redirect.
    Page(String),
    /// Send the error back to the (registered) redirect URI, with the request's `state`.
    Redirect {
        redirect_uri: String,
        error: OAuthError,
        state: Option<String>,
    },
}

impl Refusal {
    /// The URL a [`Refusal::Redirect`] sends the browser to (None for a page).
    pub fn location(&self) -> Option<String> {
        match self {
            Refusal::Page(_) => None,
            Refusal::Redirect {
                redirect_uri,
                error,
                state,
            } => {
                let mut pairs = vec![
                    ("error", error.code.as_str()),
                    ("error_description", error.description.as_str()),
                ];
                if let Some(s) = state {
                    pairs.push(("state", s));
                }
                Some(with_query(redirect_uri, &pairs))
            }
        }
    }
}

/// `uri` with `pairs` added to its query (form-encoded), before any fragment.
pub fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let (base, fragment) = match uri.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (uri, None),
    };
    let mut out = base.to_string();
    let mut sep = if base.contains('?') { '&' } else { '?' };
    for (k, v) in pairs {
        out.push(sep);
        out.push_str(&encode(k));
        out.push('=');
        out.push_str(&encode(v));
        sep = '&';
    }
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Checks an authorize request for the pool `pool_id` (the domain it reached): the client,
/// then the redirect URI (exactly one of its `CallbackURLs`), then everything else, whose
/// refusals go back to that URI. Reads only.
pub fn check(
    r: &impl Read,
    pool_id: &str,
    req: &AuthorizeRequest,
) -> Result<std::result::Result<Authorized, Refusal>> {
    let page = |m: &str| Ok(Err(Refusal::Page(m.to_string())));
    let Some(client_id) = req.client_id.as_deref().filter(|c| !c.is_empty()) else {
        return page("The request is missing client_id.");
    };
    if client_id.len() > 128 {
        return page("client_id is not a client of this user pool.");
    }
    let sc = match signin::client(r, client_id, Some(pool_id)) {
        Ok(sc) => sc,
        Err(crate::Error::ClientNotFound(_) | crate::Error::PoolNotFound(_)) => {
            return page("client_id is not a client of this user pool.");
        }
        Err(e) => return Err(e),
    };
    let settings = &sc.client.settings;
    let Some(redirect_uri) = req.redirect_uri.as_deref().filter(|u| !u.is_empty()) else {
        return page("The request is missing redirect_uri.");
    };
    if !settings.callback_urls.iter().any(|u| u == redirect_uri) {
        return page(
            "redirect_mismatch: redirect_uri is not one of the app client's callback URLs.",
        );
    }
    let state = req.state.clone();
    let refuse = |code: OAuthCode, d: &str| {
        Ok(Err(Refusal::Redirect {
            redirect_uri: redirect_uri.to_string(),
            error: OAuthError::new(code, d),
            state: state.clone(),
        }))
    };
    for (name, value) in [
        ("state", &req.state),
        ("nonce", &req.nonce),
        ("scope", &req.scope),
    ] {
        if value.as_ref().is_some_and(|v| v.len() > MAX_PARAMETER) {
            return refuse(
                OAuthCode::InvalidRequest,
                &format!("{name} is longer than {MAX_PARAMETER} characters"),
            );
        }
    }
    if !settings.allowed_oauth_flows_user_pool_client {
        return refuse(
            OAuthCode::UnauthorizedClient,
            "the app client is not allowed OAuth flows (AllowedOAuthFlowsUserPoolClient)",
        );
    }
    let response_type = match req.response_type.as_deref() {
        None | Some("") => {
            return refuse(OAuthCode::InvalidRequest, "response_type is required");
        }
        Some("code") => ResponseType::Code,
        Some("token") => ResponseType::Token,
        Some(_) => {
            return refuse(
                OAuthCode::UnsupportedResponseType,
                "response_type must be code or token",
            );
        }
    };
    let flow = match response_type {
        ResponseType::Code => OAuthFlow::Code,
        ResponseType::Token => OAuthFlow::Implicit,
    };
    if !settings.allowed_oauth_flows.contains(&flow) {
        return refuse(
            OAuthCode::UnauthorizedClient,
            "the app client's AllowedOAuthFlows do not include this response_type",
        );
    }
    let provider = match resolve_provider(r, &sc, req)? {
        Ok(p) => p,
        Err(d) => return refuse(OAuthCode::InvalidRequest, &d),
    };
    let supported = |name: &str| {
        settings
            .supported_identity_providers
            .iter()
            .any(|p| p == name)
    };
    let cognito = supported("COGNITO");
    if req.identity_provider.as_deref() == Some("COGNITO") && !cognito {
        return refuse(
            OAuthCode::UnauthorizedClient,
            "the app client's SupportedIdentityProviders do not include COGNITO",
        );
    }
    match &provider {
        Some(p) if !supported(&p.name) => {
            return refuse(
                OAuthCode::UnauthorizedClient,
                &format!(
                    "the app client's SupportedIdentityProviders do not include {}",
                    p.name
                ),
            );
        }
        _ => {}
    }
    let scopes = match req.scope.as_deref().map(str::trim) {
        None | Some("") => settings.allowed_oauth_scopes.join(" "),
        Some(asked) => {
            let mut granted: Vec<&str> = Vec::new();
            for s in asked.split(' ').filter(|s| !s.is_empty()) {
                if !settings.allowed_oauth_scopes.iter().any(|a| a == s) {
                    return refuse(
                        OAuthCode::InvalidScope,
                        &format!("scope {s} is not one of the app client's AllowedOAuthScopes"),
                    );
                }
                if !granted.contains(&s) {
                    granted.push(s);
                }
            }
            granted.join(" ")
        }
    };
    // Cognito's authorization endpoint: phone, email and profile only come with openid.
    if let Some(s) = ["phone", "email", "profile"]
        .into_iter()
        .find(|s| has_scope(&scopes, s))
        && !has_scope(&scopes, "openid")
    {
        return refuse(
            OAuthCode::InvalidScope,
            &format!("scope {s} can only be requested with openid"),
        );
    }
    let challenge = match (
        req.code_challenge.as_deref().filter(|c| !c.is_empty()),
        req.code_challenge_method
            .as_deref()
            .filter(|m| !m.is_empty()),
    ) {
        (None, None) => None,
        (None, Some(_)) => {
            return refuse(
                OAuthCode::InvalidRequest,
                "code_challenge_method was sent without code_challenge",
            );
        }
        (Some(c), method) => {
            let Some(method) = Method::parse(method.unwrap_or("plain")) else {
                return refuse(
                    OAuthCode::InvalidRequest,
                    "code_challenge_method must be S256 or plain",
                );
            };
            let shaped = match method {
                Method::S256 => {
                    c.len() == 43
                        && c.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                }
                Method::Plain => pkce::well_formed(c),
            };
            if !shaped {
                return refuse(
                    OAuthCode::InvalidRequest,
                    "code_challenge is not a well-formed PKCE challenge (RFC 7636)",
                );
            }
            Some((c.to_string(), method))
        }
    };
    let prompt = match req.prompt.as_deref() {
        Some("login") => Some(Prompt::Login),
        Some("none") => Some(Prompt::None),
        None | Some("") | Some("consent") | Some("select_account") => None,
        Some(_) => {
            return refuse(
                OAuthCode::InvalidRequest,
                "prompt must be login, none, consent or select_account",
            );
        }
    };
    Ok(Ok(Authorized {
        sc,
        redirect_uri: redirect_uri.to_string(),
        response_type,
        scopes,
        state,
        nonce: req.nonce.clone().filter(|n| !n.is_empty()),
        challenge,
        prompt,
        provider,
        cognito,
    }))
}

/// The provider an authorize request names: `identity_provider` (a provider's name; `COGNITO`
/// is the pool's own sign-in) or else `idp_identifier` (one of a provider's `IdpIdentifiers`).
/// `Err` is the refusal's description: no such provider in the pool.
fn resolve_provider(
    r: &impl Read,
    sc: &SignInClient,
    req: &AuthorizeRequest,
) -> Result<std::result::Result<Option<IdpRow>, String>> {
    if let Some(name) = req.identity_provider.as_deref().filter(|n| !n.is_empty()) {
        if name == "COGNITO" {
            return Ok(Ok(None));
        }
        if name.len() > 128 {
            return Ok(Err(
                "identity_provider is not a provider of this user pool".into()
            ));
        }
        return Ok(match storage::idps::get(r, sc.pool.pk, name)? {
            Some(p) => Ok(Some(p)),
            None => Err(format!(
                "identity_provider {name} is not a provider of this user pool"
            )),
        });
    }
    if let Some(id) = req.idp_identifier.as_deref().filter(|i| !i.is_empty()) {
        let found =
            storage::idps::list(r, sc.pool.pk, "", domain::idp::MAX_IDPS_PER_POOL as u32 + 1)?
                .into_iter()
                .find(|p| p.idp_identifiers.iter().any(|i| i == id));
        return Ok(match found {
            Some(p) => Ok(Some(p)),
            None => Err("idp_identifier names no provider of this user pool".into()),
        });
    }
    Ok(Ok(None))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_added_before_the_fragment_and_encoded() {
        assert_eq!(
            with_query(
                "https://app.test/cb",
                &[("code", "a b"), ("state", "x&y=z")]
            ),
            "https://app.test/cb?code=a%20b&state=x%26y%3Dz"
        );
        assert_eq!(
            with_query("https://app.test/cb?k=1#f", &[("code", "c")]),
            "https://app.test/cb?k=1&code=c#f"
        );
    }
}
