//! A sign-in through an OIDC or social provider on the hosted pages: the redirect to the
//! provider with a sealed state ([`super::sealed`]), its answer at `/oauth2/idpresponse` (the
//! code exchanged, the ID token checked, the federated user signed in), and the providers the
//! sign-in page offers as buttons.

use std::collections::BTreeMap;

use domain::idp::ProviderType;
use federation::ProviderKind;
use storage::idps::IdpRow;
use user_pools::oauth::authorize::{AuthorizeRequest, Authorized, Refusal};
use user_pools::oauth::{OAuthCode, OAuthError};

use super::sealed::{binding_of, internal};
use crate::ops::{Op, OpCtx};
use crate::{Actor, ApiError, Console, ErrorCode};

/// The provider's answer at `/oauth2/idpresponse` (query or posted form).
#[derive(Debug, Clone, Copy, Default)]
pub struct ProviderAnswer<'a> {
    pub state: Option<&'a str>,
    pub code: Option<&'a str>,
    pub error: Option<&'a str>,
    pub error_description: Option<&'a str>,
    /// Sign in with Apple's `user` (JSON: the name and email, sent on the first sign-in only).
    pub user: Option<&'a str>,
}

/// How a sign-in through a provider ends at `/oauth2/idpresponse`.
#[derive(Debug, Clone)]
pub enum FederationOutcome {
    /// Signed in: the browser gets the session cookie and goes back to the app (a code, or
    /// implicit tokens), as after a password sign-in.
    SignedIn {
        location: String,
        session_cookie: String,
    },
    /// Refused by the rules of the app's request: back to its registered redirect URI with
    /// `error`, or an error page when it has none.
    Refused(Refusal),
    /// The answer cannot be tied to a sign-in of this browser, or the provider could not be
    /// asked: an error page (`status`, title, message), never a redirect.
    Page {
        status: u16,
        title: String,
        message: String,
    },
}

fn page(status: u16, title: &str, message: impl Into<String>) -> FederationOutcome {
    FederationOutcome::Page {
        status,
        title: title.to_owned(),
        message: message.into(),
    }
}

/// The provider's type, the social presets' issuers included.
fn provider_type(p: &IdpRow) -> Result<ProviderType, ApiError> {
    Ok(user_pools::idps::provider_type(p)?)
}

/// The provider's scopes as one space-separated list (they are stored as given, with spaces
/// or commas).
fn scopes_of(details: &BTreeMap<String, String>) -> String {
    details
        .get("authorize_scopes")
        .map(|s| {
            s.split(|c: char| c.is_whitespace() || c == ',')
                .filter(|x| !x.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

/// Whether the provider answers an ID token that must be verified.
fn is_oidc(ty: ProviderType) -> bool {
    matches!(
        ty,
        ProviderType::Oidc | ProviderType::Google | ProviderType::SignInWithApple
    )
}

impl Console {
    /// The provider's endpoint `key` (`authorize_url`, `token_url`, `attributes_url`):
    /// from its details, else from its issuer's discovery document (not stored, as Cognito
    /// shows only what it could not discover). A social provider's fixed URLs are asked
    /// where the console's social endpoints put that provider
    /// ([`federation::SocialEndpoints::locate`]: its own, unless moved for offline work), the
    /// same place identity pools ask it.
    fn provider_endpoint(
        &self,
        ty: ProviderType,
        details: &BTreeMap<String, String>,
        key: &str,
        discovered: &mut Option<federation::jwks::Endpoints>,
    ) -> Result<Option<String>, federation::Refusal> {
        let verifier = || {
            self.trust_verifier()
                .map_err(|e| federation::Refusal::ExternalService(e.message))
        };
        if let Some(v) = details.get(key).filter(|v| !v.is_empty()) {
            if ty.is_social() {
                return Ok(Some(verifier()?.endpoints().locate(v)));
            }
            return Ok(Some(v.clone()));
        }
        let Some(issuer) = details.get("oidc_issuer") else {
            return Ok(None);
        };
        if discovered.is_none() {
            *discovered = Some(federation::jwks::discover(verifier()?.fetch(), issuer)?);
        }
        let found = discovered.as_ref().and_then(|d| match key {
            "authorize_url" => d.authorization_endpoint.clone(),
            "token_url" => d.token_endpoint.clone(),
            "attributes_url" => d.userinfo_endpoint.clone(),
            _ => d.jwks_uri.clone(),
        });
        Ok(found)
    }

    /// Where an authorize request naming an OIDC or social provider sends the browser: the
    /// provider's authorization endpoint with its client id, `redirect_uri` = `idpresponse`
    /// (this pool's `/oauth2/idpresponse` as the request reached it), `response_type=code`,
    /// the provider's scopes, the sealed state bound to `binding` (the digest of the browser's
    /// binding cookie, [`binding_of`]) and, for OIDC providers, a fresh `nonce`. Sign in with
    /// Apple is asked for `response_mode=form_post`, as it requires when scopes are asked.
    /// `Err(Refusal)`: a provider that cannot be asked here goes back to the app.
    pub fn federation_start(
        &self,
        pool_id: &str,
        a: &Authorized,
        request: &AuthorizeRequest,
        idpresponse: &str,
        binding: &str,
    ) -> Result<Result<String, Refusal>, ApiError> {
        let refuse = |d: String| {
            Ok(Err(Refusal::Redirect {
                redirect_uri: a.redirect_uri.clone(),
                error: OAuthError::new(OAuthCode::InvalidRequest, d),
                state: a.state.clone(),
            }))
        };
        let Some(p) = &a.provider else {
            return refuse("the request names no identity provider".into());
        };
        let ty = provider_type(p)?;
        if ty == ProviderType::Saml {
            return refuse(format!(
                "{} is a SAML provider: its sign-in starts with an AuthnRequest (saml_start)",
                p.name
            ));
        }
        let mut discovered = None;
        let authorize_url =
            match self.provider_endpoint(ty, &p.details, "authorize_url", &mut discovered) {
                Ok(Some(u)) => u,
                Ok(None) => return refuse(format!("the provider {} has no authorize_url", p.name)),
                Err(e) => return refuse(format!("the provider {} cannot be asked: {}", p.name, e)),
            };
        let (state, sealed) = self.new_federation_state(pool_id, &p.name, request, binding)?;
        let client_id = p.details.get("client_id").cloned().unwrap_or_default();
        let scopes = scopes_of(&p.details);
        let mut pairs: Vec<(&str, &str)> = vec![
            ("client_id", &client_id),
            ("redirect_uri", idpresponse),
            ("response_type", "code"),
            ("scope", &scopes),
            ("state", &sealed),
        ];
        if is_oidc(ty) {
            pairs.push(("nonce", &state.nonce));
        }
        if ty == ProviderType::SignInWithApple {
            pairs.push(("response_mode", "form_post"));
        }
        match federation::code::authorization_url(&authorize_url, &pairs) {
            Ok(u) => Ok(Ok(u)),
            Err(e) => refuse(e.to_string()),
        }
    }

    /// The provider's answer at `/oauth2/idpresponse`, reached at `idpresponse` (the same URL
    /// the authorization request named), from a browser whose binding cookie is `cookie`: the
    /// state opened and tied to the browser, the app's request checked again, the provider's
    /// error sent back to the app, else the code exchanged, the ID token verified (signature,
    /// `iss`, `aud`, `nonce`, times), the attributes read, the federated user made or found
    /// ([`user_pools::engine::Engine::federated_hosted_sign_in`], with the browser's session in
    /// the same write), and the app's code or tokens issued.
    pub fn federation_finish(
        &self,
        ip: &str,
        pool_id: &str,
        answer: &ProviderAnswer<'_>,
        cookie: Option<&str>,
        idpresponse: &str,
    ) -> Result<FederationOutcome, ApiError> {
        let Some(state) = answer
            .state
            .and_then(|s| self.open_federation_state(pool_id, s))
        else {
            return Ok(page(
                400,
                "Something went wrong",
                "The sign-in could not be finished: its state is missing, was not made by this \
                 user pool, or expired. Go back to the app and sign in again.",
            ));
        };
        if !state.binding.is_empty()
            && cookie.map(binding_of).as_deref() != Some(state.binding.as_str())
        {
            return Ok(page(
                403,
                "Sign-in not started in this browser",
                "This answer of the identity provider belongs to a sign-in started in another \
                 browser, or one already finished. Go back to the app and sign in again.",
            ));
        }
        let a = match self.oauth_check(pool_id, &state.request)? {
            Ok(a) => a,
            Err(r) => return Ok(FederationOutcome::Refused(r)),
        };
        let back = |code: OAuthCode, d: String| {
            Ok(FederationOutcome::Refused(Refusal::Redirect {
                redirect_uri: a.redirect_uri.clone(),
                error: OAuthError::new(code, d),
                state: a.state.clone(),
            }))
        };
        let Some(p) = a.provider.clone().filter(|p| p.name == state.provider) else {
            return back(
                OAuthCode::InvalidRequest,
                format!(
                    "the identity provider {} is no longer available",
                    state.provider
                ),
            );
        };
        if let Some(error) = answer.error {
            let code = match error {
                "access_denied" => OAuthCode::AccessDenied,
                "login_required" => OAuthCode::LoginRequired,
                "unauthorized_client" => OAuthCode::UnauthorizedClient,
                "invalid_scope" => OAuthCode::InvalidScope,
                _ => OAuthCode::InvalidRequest,
            };
            let shown: String = error
                .chars()
                .filter(|c| !c.is_control())
                .take(100)
                .collect();
            let d = answer
                .error_description
                .map(|d| {
                    d.chars()
                        .filter(|c| !c.is_control())
                        .take(300)
                        .collect::<String>()
                })
                .map_or_else(
                    || format!("{} answered {shown}", p.name),
                    |d| format!("{} answered {shown}: {d}", p.name),
                );
            return back(code, d);
        }
        let Some(code) = answer.code.filter(|c| !c.is_empty() && c.len() <= 4096) else {
            return back(
                OAuthCode::InvalidRequest,
                format!("{} sent no authorization code", p.name),
            );
        };
        let ty = provider_type(&p)?;
        let secrets = user_pools::idps::open_secrets(&self.inner.master, pool_id, &p)?;
        let verifier = self.trust_verifier()?;
        let unreachable = |e: federation::Refusal| {
            page(
                502,
                "The identity provider could not be asked",
                format!("{} could not be asked to finish the sign-in: {e}", p.name),
            )
        };
        let mut discovered = None;
        let token_url = match self.provider_endpoint(ty, &p.details, "token_url", &mut discovered) {
            Ok(Some(u)) => u,
            Ok(None) => {
                return Ok(page(
                    502,
                    "The identity provider could not be asked",
                    format!("{} has no token_url", p.name),
                ));
            }
            Err(e) => return Ok(unreachable(e)),
        };
        let client_id = p.details.get("client_id").cloned().unwrap_or_default();
        // Sign in with Apple's client secret is a JWT the team's key signs for each exchange.
        let apple_secret = if ty == ProviderType::SignInWithApple {
            let d = |k: &str| p.details.get(k).map(String::as_str).unwrap_or_default();
            match federation::code::apple_client_secret(
                d("team_id"),
                d("key_id"),
                &client_id,
                secrets
                    .get("private_key")
                    .map(String::as_str)
                    .unwrap_or_default(),
                self.now().div_euclid(1000),
            ) {
                Ok(s) => Some(s),
                Err(e) => return Ok(unreachable(e)),
            }
        } else {
            None
        };
        let rp = federation::code::RelyingParty {
            client_id: &client_id,
            client_secret: apple_secret
                .as_deref()
                .or(secrets.get("client_secret").map(String::as_str)),
            redirect_uri: idpresponse,
        };
        // Facebook's Graph API takes the exchange as a GET: the preset's `token_request_method`
        // (a provider saved before the key was kept goes by its type).
        let asked = p.details.get("token_request_method").map(String::as_str);
        let method = if asked == Some("GET") || (asked.is_none() && ty == ProviderType::Facebook) {
            federation::code::TokenMethod::Get
        } else {
            federation::code::TokenMethod::Post
        };
        let provider_tokens = match federation::code::exchange_code_with(
            verifier.fetch(),
            &token_url,
            &rp,
            code,
            method,
        ) {
            Ok(t) => t,
            Err(e @ federation::Refusal::ExternalService(_)) => return Ok(unreachable(e)),
            Err(e) => return back(OAuthCode::InvalidRequest, e.to_string()),
        };
        let now = self.now();
        let (subject, mut claims) = if is_oidc(ty) {
            let Some(id_token) = &provider_tokens.id_token else {
                return back(
                    OAuthCode::InvalidRequest,
                    format!("{} answered no ID token", p.name),
                );
            };
            let issuer = p.details.get("oidc_issuer").cloned().unwrap_or_default();
            // Google's and Apple's keys are found through their discovery documents where the
            // social endpoints put them; an OIDC provider's at the `jwks_uri` of its details
            // when it gives one (its issuer may publish no discovery document), else through
            // its issuer's. `iss` is always the provider's own issuer.
            let preset = match ty {
                ProviderType::Google => verifier.endpoints().preset(ProviderKind::Google),
                ProviderType::SignInWithApple => verifier.endpoints().preset(ProviderKind::Apple),
                _ => None,
            };
            let (issuers, base) = match preset {
                Some(preset) => (preset.issuers, preset.base),
                None => (vec![issuer.clone()], issuer.clone()),
            };
            let keys_at = match p
                .details
                .get("jwks_uri")
                .filter(|_| ty == ProviderType::Oidc)
            {
                Some(uri) => federation::oidc::KeysAt::Jwks(uri),
                None => federation::oidc::KeysAt::Discovery,
            };
            let trust = federation::oidc::OidcTrust {
                issuers,
                client_ids: vec![client_id.clone()],
                discovery_base: base,
            };
            match verifier.verify_id_token_with_keys(
                &trust,
                keys_at,
                &p.name,
                id_token,
                Some(&state.nonce),
                now,
            ) {
                Ok(v) => (v.subject, v.claims),
                Err(e @ federation::Refusal::ExternalService(_)) => return Ok(unreachable(e)),
                Err(e) => return back(OAuthCode::InvalidRequest, e.to_string()),
            }
        } else {
            (String::new(), serde_json::Map::new())
        };
        // Attributes the provider keeps at its userInfo or attributes endpoint: OIDC's
        // userInfo (whose `sub` must be the ID token's), Facebook's and Amazon's profiles (the
        // only source of their users' ids). Google's ID token carries its profile.
        let asks_attributes = matches!(
            ty,
            ProviderType::Oidc | ProviderType::Facebook | ProviderType::LoginWithAmazon
        );
        if asks_attributes && let Some(access) = &provider_tokens.access_token {
            let url =
                match self.provider_endpoint(ty, &p.details, "attributes_url", &mut discovered) {
                    Ok(u) => u,
                    Err(e) => return Ok(unreachable(e)),
                };
            if let Some(mut url) = url {
                // Facebook answers only the fields asked: the mapped ones, and its user's id.
                if ty == ProviderType::Facebook && url.ends_with("fields=") {
                    let mut fields: Vec<&str> = vec!["id"];
                    for f in p.attribute_mapping.values() {
                        if !fields.contains(&f.as_str()) {
                            fields.push(f);
                        }
                    }
                    url.push_str(&fields.join(","));
                }
                let method = federation::code::AttributesMethod::parse(
                    p.details
                        .get("attributes_request_method")
                        .map(String::as_str),
                );
                let found =
                    match federation::code::attributes(verifier.fetch(), &url, method, access) {
                        Ok(m) => m,
                        Err(e) => return Ok(unreachable(e)),
                    };
                if ty == ProviderType::Oidc
                    && found.get("sub").and_then(serde_json::Value::as_str)
                        != Some(subject.as_str())
                {
                    return back(
                        OAuthCode::InvalidRequest,
                        format!(
                            "{}'s userInfo answered another user than its ID token",
                            p.name
                        ),
                    );
                }
                for (k, v) in found {
                    claims.entry(k).or_insert(v);
                }
            }
        }
        let subject = if is_oidc(ty) {
            subject
        } else {
            let key = ty.subject_attribute().unwrap_or("id");
            match claims.get(key).and_then(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .or_else(|| v.as_i64().map(|n| n.to_string()))
            }) {
                Some(s) if !s.is_empty() => s,
                _ => {
                    return back(
                        OAuthCode::InvalidRequest,
                        format!("{} answered no {key} for its user", p.name),
                    );
                }
            }
        };
        if let Some(user) = answer.user
            && let Ok(serde_json::Value::Object(u)) = serde_json::from_str(user)
        {
            if let Some(serde_json::Value::Object(name)) = u.get("name") {
                for (k, v) in name {
                    claims.entry(k.clone()).or_insert(v.clone());
                }
            }
            if let Some(email) = u.get("email") {
                claims.entry("email".to_owned()).or_insert(email.clone());
            }
        }
        let pool = domain::UserPoolId::parse(pool_id)?;
        let origin = user_pools::signin::Origin {
            ip: Some(ip.to_owned()),
            client_metadata: serde_json::Value::Null,
        };
        let actor = Actor::endpoint(ip);
        let ctx = OpCtx {
            op: Op::InitiateAuth,
            actor: &actor,
        };
        let signed = self.engine(&ctx, |e| {
            Ok(e.federated_hosted_sign_in(&pool, &a.sc, &p.name, &subject, &claims, &origin))
        })?;
        let refresh = match signed {
            Ok((_, refresh)) => refresh,
            Err(e) => {
                let e = ApiError::from(e);
                if e.code == ErrorCode::InternalErrorException {
                    return Err(e);
                }
                return back(OAuthCode::InvalidRequest, e.message);
            }
        };
        let Some(session_cookie) = self.hosted_session_cookie(pool_id, &refresh)? else {
            return Err(internal("the federated sign-in was not stored"));
        };
        let Some(session) = self.hosted_session(pool_id, &session_cookie)? else {
            return Err(internal("the federated sign-in was not stored"));
        };
        let location = self.oauth_authorize_signed_in(&a, &session)?;
        Ok(FederationOutcome::SignedIn {
            location,
            session_cookie,
        })
    }
}

/// A provider the sign-in page offers as a button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderButton {
    /// The provider's name (`identity_provider`).
    pub name: String,
    /// Its `IdpIdentifiers` (email domains, for "Sign in with your corporate ID").
    pub identifiers: Vec<String>,
}

impl Console {
    /// The providers besides `COGNITO` that the request's client supports, in the order of its
    /// `SupportedIdentityProviders`, for the sign-in page's buttons.
    pub fn hosted_providers(&self, a: &Authorized) -> Result<Vec<ProviderButton>, ApiError> {
        self.read(|r| {
            let mut out = Vec::new();
            for name in &a.sc.client.settings.supported_identity_providers {
                if name == domain::idp::COGNITO {
                    continue;
                }
                if let Some(p) = storage::idps::get(r, a.sc.pool.pk, name)? {
                    out.push(ProviderButton {
                        name: p.name,
                        identifiers: p.idp_identifiers,
                    });
                }
            }
            Ok(out)
        })
    }
}
