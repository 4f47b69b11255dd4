//! What the hosted sign-in pages and the OAuth endpoints (`/oauth2/…`, `/login`, `/logout`)
//! ask of the console. These are not operations of the list: the endpoint's pages are glue,
//! and each method here is one engine call (`user_pools::engine`, the same flows as
//! `InitiateAuth`) or one of the small secrets the pages keep in the browser (the sealed
//! session cookie and the CSRF token, both under the store's master key).

mod federation;
mod saml;
mod saml_logout;
mod saml_metadata;
mod sealed;

pub use federation::{FederationOutcome, ProviderAnswer, ProviderButton};
pub(crate) use saml::SamlKept;
pub use saml::{ACTIVE_ENCRYPTION_CERTIFICATE, SAML, SamlSignedIn};
pub use saml_logout::LOGOUT_STATE_LIFETIME_MS;
pub use sealed::{FEDERATION_STATE_LIFETIME_MS, FederationState, binding_of};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
pub use user_pools::engine::{Answer, HostedSession, TokenAnswer, TokenRequest};
use user_pools::oauth::authorize;
pub use user_pools::oauth::authorize::{
    AuthorizeRequest, Authorized, Prompt, Refusal, ResponseType, with_query,
};
pub use user_pools::oauth::{OAuthCode, OAuthError, Refusable};
pub use user_pools::signin::Challenge;
use user_pools::signin::Origin;

use crate::ops::{Op, OpCtx};
use crate::{Actor, ApiError, Console, ErrorCode};

/// How long a hosted sign-in lasts in the browser (Cognito's session cookie lasts an hour).
pub const SESSION_LIFETIME_MS: i64 = 60 * 60 * 1000;

/// A browser's session as its cookie carries it: the sign-in (`origin_jti`) in one pool, and
/// when the cookie stops counting.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct SessionCookie {
    o: String,
    e: i64,
}

/// Whether `s` is a user pool id (`<region>_<id>`).
pub fn is_pool_id(s: &str) -> bool {
    domain::UserPoolId::parse(s).is_ok()
}

fn session_aad(pool_id: &str) -> Vec<u8> {
    format!("poolhouse hosted session\0{pool_id}").into_bytes()
}

impl Console {
    fn hosted_ctx<'a>(&self, op: Op, actor: &'a Actor) -> OpCtx<'a> {
        OpCtx { op, actor }
    }

    /// Checks an authorize request for a pool's domain.
    pub fn oauth_check(
        &self,
        pool_id: &str,
        req: &AuthorizeRequest,
    ) -> Result<Result<Authorized, Refusal>, ApiError> {
        self.read(|r| Ok(authorize::check(r, pool_id, req)?))
    }

    /// The `LogoutURLs` of a client of `pool_id` (None: no such client in the pool).
    pub fn logout_urls(
        &self,
        pool_id: &str,
        client_id: &str,
    ) -> Result<Option<Vec<String>>, ApiError> {
        self.read(
            |r| match user_pools::signin::client(r, client_id, Some(pool_id)) {
                Ok(sc) => Ok(Some(sc.client.settings.logout_urls)),
                Err(
                    user_pools::Error::ClientNotFound(_)
                    | user_pools::Error::PoolNotFound(_)
                    | user_pools::Error::InvalidParameter(_),
                ) => Ok(None),
                Err(e) => Err(e.into()),
            },
        )
    }

    /// The sealed cookie value of a hosted sign-in (its refresh token names the sign-in), for
    /// [`SESSION_LIFETIME_MS`].
    pub fn hosted_session_cookie(
        &self,
        pool_id: &str,
        refresh_token: &str,
    ) -> Result<Option<String>, ApiError> {
        let actor = Actor::console();
        let ctx = self.hosted_ctx(Op::InitiateAuth, &actor);
        let Some(origin) = self.engine(&ctx, |e| e.hosted_session_origin(refresh_token))? else {
            return Ok(None);
        };
        let cookie = SessionCookie {
            o: origin,
            e: self.now() + SESSION_LIFETIME_MS,
        };
        let plain = serde_json::to_vec(&cookie)
            .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e.to_string()))?;
        let sealed = tokens::seal(&self.inner.master, &plain, &session_aad(pool_id))
            .map_err(|e| ApiError::new(ErrorCode::InternalErrorException, e.to_string()))?;
        Ok(Some(URL_SAFE_NO_PAD.encode(sealed)))
    }

    /// The live session a cookie names in `pool_id`, if it opens, has not run out, and its
    /// sign-in is still live.
    pub fn hosted_session(
        &self,
        pool_id: &str,
        cookie: &str,
    ) -> Result<Option<HostedSession>, ApiError> {
        let Some(c) = self.open_session_cookie(pool_id, cookie) else {
            return Ok(None);
        };
        if c.e <= self.now() {
            return Ok(None);
        }
        let actor = Actor::console();
        let ctx = self.hosted_ctx(Op::InitiateAuth, &actor);
        self.engine(&ctx, |e| e.hosted_session(pool_id, &c.o))
    }

    fn open_session_cookie(&self, pool_id: &str, cookie: &str) -> Option<SessionCookie> {
        if cookie.len() > 1024 {
            return None;
        }
        let sealed = URL_SAFE_NO_PAD.decode(cookie).ok()?;
        let plain = tokens::open(&self.inner.master, &sealed, &session_aad(pool_id)).ok()?;
        serde_json::from_slice(plain.expose_secret()).ok()
    }

    /// Where an authorized request goes for a signed-in browser (a code, or implicit tokens).
    pub fn oauth_authorize_signed_in(
        &self,
        a: &Authorized,
        session: &HostedSession,
    ) -> Result<String, ApiError> {
        let actor = Actor::console();
        let ctx = self.hosted_ctx(Op::InitiateAuth, &actor);
        self.engine(&ctx, |e| e.authorize_signed_in(a, session))
    }

    /// The hosted sign-in page's password step, from `ip`.
    pub fn hosted_sign_in(
        &self,
        ip: &str,
        pool_id: &str,
        client_id: &str,
        username: &str,
        password: &str,
    ) -> Result<Answer, ApiError> {
        let actor = Actor::endpoint(ip);
        let ctx = self.hosted_ctx(Op::InitiateAuth, &actor);
        let origin = Origin {
            ip: Some(ip.to_string()),
            client_metadata: serde_json::Value::Null,
        };
        self.engine(&ctx, |e| {
            e.hosted_sign_in(pool_id, client_id, username, password, &origin)
        })
    }

    /// The hosted pages' answer to a challenge, from `ip`.
    pub fn hosted_respond(
        &self,
        ip: &str,
        pool_id: &str,
        client_id: &str,
        challenge: &str,
        session: &str,
        responses: &[(&str, &str)],
    ) -> Result<Answer, ApiError> {
        let actor = Actor::endpoint(ip);
        let ctx = self.hosted_ctx(Op::RespondToAuthChallenge, &actor);
        let origin = Origin {
            ip: Some(ip.to_string()),
            client_metadata: serde_json::Value::Null,
        };
        self.engine(&ctx, |e| {
            e.hosted_respond(pool_id, client_id, challenge, session, responses, &origin)
        })
    }

    /// `POST /oauth2/token`.
    pub fn oauth_token(
        &self,
        pool_id: &str,
        req: &TokenRequest<'_>,
    ) -> Result<Refusable<TokenAnswer>, ApiError> {
        let actor = Actor::console();
        let ctx = self.hosted_ctx(Op::InitiateAuth, &actor);
        self.engine(&ctx, |e| e.oauth_token(pool_id, req))
    }

    /// `/oauth2/userInfo`.
    pub fn oauth_userinfo(
        &self,
        pool_id: &str,
        bearer: &str,
    ) -> Result<Refusable<serde_json::Map<String, serde_json::Value>>, ApiError> {
        let actor = Actor::console();
        let ctx = self.hosted_ctx(Op::GetUser, &actor);
        self.engine(&ctx, |e| e.userinfo(pool_id, bearer))
    }

    /// `POST /oauth2/revoke`.
    pub fn oauth_revoke(
        &self,
        pool_id: &str,
        token: Option<&str>,
        auth: &TokenRequest<'_>,
    ) -> Result<Refusable<()>, ApiError> {
        let actor = Actor::console();
        let ctx = self.hosted_ctx(Op::RevokeToken, &actor);
        self.engine(&ctx, |e| e.oauth_revoke(pool_id, token, auth))
    }

    /// The form token that goes with a browser's CSRF cookie value on a pool's pages: an HMAC
    /// under a key derived from the master key, so a cookie planted by another page (cookies
    /// ignore ports) is of no use without the form token only these pages can make.
    pub fn hosted_csrf_token(&self, pool_id: &str, cookie: &str) -> String {
        let key = tokens::MacKey::derive(&self.inner.master, "poolhouse hosted csrf");
        URL_SAFE_NO_PAD.encode(key.tag(&[pool_id.as_bytes(), cookie.as_bytes()]))
    }

    /// Whether `form` is the form token of `cookie` on `pool_id`'s pages (constant time).
    pub fn hosted_csrf_ok(&self, pool_id: &str, cookie: &str, form: &str) -> bool {
        if cookie.len() < 16 || cookie.len() > 256 {
            return false;
        }
        let Ok(tag) = URL_SAFE_NO_PAD.decode(form) else {
            return false;
        };
        let key = tokens::MacKey::derive(&self.inner.master, "poolhouse hosted csrf");
        key.verify(&[pool_id.as_bytes(), cookie.as_bytes()], &tag)
    }

    /// The branding of a hosted page of `client_id` (else the pool's): its CSS as the core
    /// rewrote it ([`Console::branding_for`]) and whether it has a logo, with the version that
    /// changes with it. A branding that cannot be read is logged and the page shown plain: a
    /// user can still sign in.
    pub fn hosted_branding(&self, pool_id: &str, client_id: Option<&str>) -> HostedBranding {
        match self.branding_for(pool_id, client_id) {
            Ok(b) => HostedBranding {
                css: b.css,
                logo: b.logo.is_some(),
                version: b.version.unwrap_or_default(),
            },
            Err(e) => {
                tracing::warn!(pool = pool_id, error = %e.message, "branding could not be read");
                HostedBranding::default()
            }
        }
    }
}

/// What a hosted page shows of its pool's and client's branding.
#[derive(Debug, Clone, Default)]
pub struct HostedBranding {
    /// CSS for Cognito's classes, as the core rewrote it; empty when none.
    pub css: String,
    /// Whether there is a logo (`/<poolId>/branding/logo?client_id=…` serves it).
    pub logo: bool,
    /// Changes whenever the branding does (the logo's address carries it).
    pub version: String,
}
