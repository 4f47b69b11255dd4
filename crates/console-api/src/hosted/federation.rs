//! What a sign-in through another identity provider carries through the provider's pages: the
//! app's authorize request, the provider it went to, the `nonce` sent there, and a binding to
//! the browser that started it. It travels as the OIDC `state` and the SAML `RelayState`,
//! sealed under the store's master key and bound to the pool, so no row is written for a
//! sign-in that is never finished and nothing in it can be read or changed on the way.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::collections::BTreeMap;

use domain::idp::ProviderType;
use federation::ProviderKind;
use serde::{Deserialize, Serialize};
use storage::idps::IdpRow;
use user_pools::oauth::authorize::{AuthorizeRequest, Authorized, Refusal};
use user_pools::oauth::{OAuthCode, OAuthError};

use crate::ops::{Op, OpCtx};
use crate::{Actor, ApiError, Console, ErrorCode};

/// How long a provider has to send the browser back (a user may have to sign in there):
/// Cognito cancels a sign-in through a provider that does not finish within five minutes.
pub const FEDERATION_STATE_LIFETIME_MS: i64 = 5 * 60 * 1000;

/// The longest sealed state opened: the authorize request's parameters are bounded
/// (`MAX_PARAMETER` each), so a real one is far shorter.
const MAX_SEALED_STATE: usize = 16 * 1024;

/// A sign-in on its way through a provider.
#[derive(Debug, Clone)]
pub struct FederationState {
    /// The provider's `ProviderName` in the pool.
    pub provider: String,
    /// The app's authorize request, to go on with when the provider answers.
    pub request: AuthorizeRequest,
    /// The `nonce` sent to an OIDC provider (its ID token must carry it back).
    pub nonce: String,
    /// What ties the state to the browser that started it (a cookie's value, or empty when
    /// the provider's answer cannot carry the browser's cookies, as a SAML POST cannot).
    pub binding: String,
    /// When the state stops counting (ms since the epoch).
    pub expires_ms: i64,
}

/// The sealed form: short names, the request as its pairs.
#[derive(Serialize, Deserialize)]
struct Sealed {
    p: String,
    q: Vec<(String, String)>,
    n: String,
    b: String,
    e: i64,
}

fn state_aad(pool_id: &str) -> Vec<u8> {
    format!("poolhouse federation state\0{pool_id}").into_bytes()
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(ErrorCode::InternalErrorException, e.to_string())
}

impl Console {
    /// A new state for a sign-in of `request` through `provider` in `pool_id`, with a fresh
    /// nonce, valid for [`FEDERATION_STATE_LIFETIME_MS`]; returns it with its sealed text.
    pub fn new_federation_state(
        &self,
        pool_id: &str,
        provider: &str,
        request: &AuthorizeRequest,
        binding: &str,
    ) -> Result<(FederationState, String), ApiError> {
        let state = FederationState {
            provider: provider.to_owned(),
            request: request.clone(),
            nonce: tokens::new_opaque_token().map_err(internal)?,
            binding: binding.to_owned(),
            expires_ms: self.now() + FEDERATION_STATE_LIFETIME_MS,
        };
        let sealed = Sealed {
            p: state.provider.clone(),
            q: request
                .pairs()
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            n: state.nonce.clone(),
            b: state.binding.clone(),
            e: state.expires_ms,
        };
        let plain = serde_json::to_vec(&sealed).map_err(internal)?;
        let bytes =
            tokens::seal(&self.inner.master, &plain, &state_aad(pool_id)).map_err(internal)?;
        Ok((state, URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// The state `sealed` carries, if it was made for `pool_id` by this store and has not run
    /// out. Whether its binding matches the browser is the caller's check.
    pub fn open_federation_state(&self, pool_id: &str, sealed: &str) -> Option<FederationState> {
        if sealed.len() > MAX_SEALED_STATE {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        let plain = tokens::open(&self.inner.master, &bytes, &state_aad(pool_id)).ok()?;
        let s: Sealed = serde_json::from_slice(plain.expose_secret()).ok()?;
        if s.e <= self.now() {
            return None;
        }
        Some(FederationState {
            provider: s.p,
            request: AuthorizeRequest::from_pairs(
                s.q.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            ),
            nonce: s.n,
            binding: s.b,
            expires_ms: s.e,
        })
    }
}

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

/// The digest of a binding cookie's value, which the state carries.
pub fn binding_of(cookie: &str) -> String {
    tokens::sha256_base64url(&format!("poolhouse federation binding\0{cookie}"))
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
    /// shows only what it could not discover).
    fn provider_endpoint(
        &self,
        details: &BTreeMap<String, String>,
        key: &str,
        discovered: &mut Option<federation::jwks::Endpoints>,
    ) -> Result<Option<String>, federation::Refusal> {
        if let Some(v) = details.get(key).filter(|v| !v.is_empty()) {
            return Ok(Some(v.clone()));
        }
        let Some(issuer) = details.get("oidc_issuer") else {
            return Ok(None);
        };
        if discovered.is_none() {
            let verifier = self
                .trust_verifier()
                .map_err(|e| federation::Refusal::ExternalService(e.message))?;
            *discovered = Some(federation::jwks::discover(verifier.fetch(), issuer)?);
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
            match self.provider_endpoint(&p.details, "authorize_url", &mut discovered) {
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
        let token_url = match self.provider_endpoint(&p.details, "token_url", &mut discovered) {
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
        let provider_tokens =
            match federation::code::exchange_code(verifier.fetch(), &token_url, &rp, code) {
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
            let (issuers, base) = match ty {
                ProviderType::Google => match verifier.endpoints().preset(ProviderKind::Google) {
                    Some(preset) => (preset.issuers, preset.base),
                    None => (vec![issuer.clone()], issuer.clone()),
                },
                _ => (vec![issuer.clone()], issuer.clone()),
            };
            let trust = federation::oidc::OidcTrust {
                issuers,
                client_ids: vec![client_id.clone()],
                discovery_base: base,
            };
            match verifier.verify_id_token(&trust, &p.name, id_token, Some(&state.nonce), now) {
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
            let url = match self.provider_endpoint(&p.details, "attributes_url", &mut discovered) {
                Ok(u) => u,
                Err(e) => return Ok(unreachable(e)),
            };
            if let Some(mut url) = url {
                if ty == ProviderType::Facebook && url.ends_with("fields=") {
                    let fields: Vec<&str> =
                        p.attribute_mapping.values().map(String::as_str).collect();
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

/// How long a provider's posted answer, carried on to the same-site GET, stays usable.
const POSTED_ANSWER_LIFETIME_MS: i64 = 60 * 1000;

fn posted_aad(pool_id: &str) -> Vec<u8> {
    format!("poolhouse federation posted answer\0{pool_id}").into_bytes()
}

#[derive(Serialize, Deserialize)]
struct Posted {
    f: Vec<(String, String)>,
    e: i64,
}

impl Console {
    /// A provider's answer POSTed to `/oauth2/idpresponse` (`response_mode=form_post`, as
    /// Sign in with Apple answers), sealed so that it can go on to a GET of the same page: a
    /// cross-site POST carries no `SameSite=Lax` cookie, the top-level GET it is redirected to
    /// does. Sealed under the master key and bound to the pool, it lives a minute and neither
    /// the code nor anything else in it can be read from the URL.
    pub fn seal_posted_answer(
        &self,
        pool_id: &str,
        fields: &[(String, String)],
    ) -> Result<String, ApiError> {
        let plain = serde_json::to_vec(&Posted {
            f: fields.to_vec(),
            e: self.now() + POSTED_ANSWER_LIFETIME_MS,
        })
        .map_err(internal)?;
        let bytes =
            tokens::seal(&self.inner.master, &plain, &posted_aad(pool_id)).map_err(internal)?;
        Ok(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The fields of a sealed posted answer, if it was sealed for `pool_id` by this store and
    /// has not run out.
    pub fn open_posted_answer(&self, pool_id: &str, sealed: &str) -> Option<Vec<(String, String)>> {
        if sealed.len() > 2 * MAX_SEALED_STATE {
            return None;
        }
        let bytes = URL_SAFE_NO_PAD.decode(sealed).ok()?;
        let plain = tokens::open(&self.inner.master, &bytes, &posted_aad(pool_id)).ok()?;
        let p: Posted = serde_json::from_slice(plain.expose_secret()).ok()?;
        (p.e > self.now()).then_some(p.f)
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

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::Arc;

    use domain::clock::FixedClock;

    fn console() -> (tempfile::TempDir, Arc<FixedClock>, Console) {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(FixedClock::at(1_700_000_000_000));
        let console = Console::open(&dir.path().join("store.db"), clock.clone()).unwrap();
        (dir, clock, console)
    }

    #[test]
    fn a_state_opens_in_its_pool_only_and_carries_the_request() {
        let (_d, clock, c) = console();
        let req = AuthorizeRequest {
            client_id: Some("abc".into()),
            redirect_uri: Some("https://app.example/cb".into()),
            state: Some("app state & more".into()),
            identity_provider: Some("Corp".into()),
            ..Default::default()
        };
        let (made, sealed) = c
            .new_federation_state("us-east-1_a", "Corp", &req, "bind")
            .unwrap();
        let opened = c.open_federation_state("us-east-1_a", &sealed).unwrap();
        assert_eq!(opened.provider, "Corp");
        assert_eq!(opened.nonce, made.nonce);
        assert_eq!(opened.binding, "bind");
        assert_eq!(opened.request.pairs(), req.pairs());
        assert!(c.open_federation_state("us-east-1_b", &sealed).is_none());
        let mut tampered = sealed.clone().into_bytes();
        tampered[10] ^= 1;
        assert!(
            c.open_federation_state("us-east-1_a", &String::from_utf8(tampered).unwrap())
                .is_none()
        );
        let (_, other) = c
            .new_federation_state("us-east-1_a", "Corp", &req, "bind")
            .unwrap();
        assert_ne!(other, sealed, "each state has its own nonce");
        clock.advance(FEDERATION_STATE_LIFETIME_MS);
        assert!(
            c.open_federation_state("us-east-1_a", &sealed).is_none(),
            "run out"
        );
    }

    #[test]
    fn a_posted_answer_opens_in_its_pool_for_a_minute_and_bindings_are_digests() {
        let (_d, clock, c) = console();
        let fields = vec![
            ("code".to_string(), "c0de".to_string()),
            ("state".to_string(), "s".to_string()),
        ];
        let sealed = c.seal_posted_answer("us-east-1_a", &fields).unwrap();
        assert!(!sealed.contains("c0de"));
        assert_eq!(c.open_posted_answer("us-east-1_a", &sealed), Some(fields));
        assert_eq!(c.open_posted_answer("us-east-1_b", &sealed), None);
        assert_eq!(c.open_posted_answer("us-east-1_a", "x"), None);
        clock.advance(POSTED_ANSWER_LIFETIME_MS);
        assert_eq!(c.open_posted_answer("us-east-1_a", &sealed), None);
        assert_eq!(binding_of("cookie"), binding_of("cookie"));
        assert_ne!(binding_of("cookie"), binding_of("cookie2"));
        assert!(!binding_of("cookie").contains("cookie"));
    }
}
