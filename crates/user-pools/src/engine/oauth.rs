//! The authorization server's flows over the engine: the hosted sign-in (the same password
//! sign-in and challenges as `InitiateAuth`, for an app client's hosted pages), codes and
//! implicit tokens for a signed-in browser, and the grants of `/oauth2/token`
//! (`authorization_code`, `refresh_token`, `client_credentials`), `/oauth2/userInfo` and
//! `/oauth2/revoke`. Every refusal is an [`OAuthError`] and changes nothing; tokens are signed
//! (and the pre token generation hook called) before the write that stores what they stand
//! for, so nothing is stored that was not handed out.

use domain::client::OAuthFlow;
use serde_json::{Map, Value, json};
use storage::refresh_tokens::{self, NewRefresh};
use storage::users::{self as user_store, UserRow};

use super::Engine;
use super::finish::{Answer, Generation};
use super::signin::Params;
use crate::oauth::authorize::{Authorized, ResponseType, with_query};
use crate::oauth::codes::{self, Presented};
use crate::oauth::{OAuthCode, OAuthError, Refusable, has_scope, scopes_release};
use crate::signin::{self, Origin, SignIn, SignInClient};
use crate::{Error, Result};

/// A token request's members (`/oauth2/token`, form-encoded), and the HTTP Basic credentials
/// it came with.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokenRequest<'a> {
    pub grant_type: Option<&'a str>,
    pub code: Option<&'a str>,
    pub redirect_uri: Option<&'a str>,
    pub code_verifier: Option<&'a str>,
    pub refresh_token: Option<&'a str>,
    pub scope: Option<&'a str>,
    pub client_id: Option<&'a str>,
    pub client_secret: Option<&'a str>,
    /// `Authorization: Basic` as (client id, secret), already decoded.
    pub basic: Option<(&'a str, &'a str)>,
}

/// A token response's members.
#[derive(Debug, Clone)]
pub struct TokenAnswer {
    pub access_token: String,
    /// Only when the grant carries `openid` (or is an API sign-in's refresh).
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
    /// Seconds.
    pub expires_in: u64,
}

/// A browser's live hosted-UI sign-in: its user and when they signed in.
#[derive(Debug, Clone)]
pub struct HostedSession {
    pub user: UserRow,
    pub origin_jti: String,
    /// Seconds.
    pub auth_time: i64,
}

fn refuse<T>(code: OAuthCode, d: impl Into<String>) -> Result<Refusable<T>> {
    Ok(Err(OAuthError::new(code, d)))
}

impl Engine<'_> {
    /// The `SECRET_HASH` the hosted pages send for `username` on behalf of a client with a
    /// secret (the browser never holds the secret): made with the client's newest secret.
    pub(super) fn hosted_secret_hash(
        &self,
        sc: &SignInClient,
        username: &str,
    ) -> Result<Option<String>> {
        let opened = crate::client_secrets::opened(self.master, &sc.client)?;
        Ok(opened
            .last()
            .map(|s| tokens::secret_hash(s.expose(), username, &sc.client.client_id)))
    }

    /// The hosted sign-in page's password step: `USER_PASSWORD_AUTH` as `InitiateAuth` runs it
    /// (lockout, risk, hooks, breached passwords), whatever the client's `ExplicitAuthFlows`
    /// (they govern the API, not the hosted pages). Answers tokens (the browser's session) or
    /// the next challenge.
    pub fn hosted_sign_in(
        &self,
        pool_id: &str,
        client_id: &str,
        username: &str,
        password: &str,
        origin: &Origin,
    ) -> Result<Answer> {
        let sc = self.read(|r| signin::client(r, client_id, Some(pool_id)))?;
        let hash = self.hosted_secret_hash(&sc, username)?;
        let mut values = vec![("USERNAME", username), ("PASSWORD", password)];
        if let Some(h) = &hash {
            values.push(("SECRET_HASH", h.as_str()));
        }
        self.password_sign_in(&sc, &Params::new("AuthParameters", values), origin)
    }

    /// The hosted pages' answer to a challenge (MFA codes, a new password):
    /// `RespondToAuthChallenge` with the client's `SECRET_HASH` added.
    pub fn hosted_respond(
        &self,
        pool_id: &str,
        client_id: &str,
        challenge: &str,
        session: &str,
        responses: &[(&str, &str)],
        origin: &Origin,
    ) -> Result<Answer> {
        let sc = self.read(|r| signin::client(r, client_id, Some(pool_id)))?;
        let username = responses
            .iter()
            .find(|(k, _)| *k == "USERNAME")
            .map_or("", |(_, v)| *v);
        let hash = self.hosted_secret_hash(&sc, username)?;
        let mut values: Vec<(&str, &str)> = responses.to_vec();
        if let Some(h) = &hash {
            values.push(("SECRET_HASH", h.as_str()));
        }
        self.respond_to_auth_challenge(
            client_id,
            Some(pool_id),
            challenge,
            Some(session),
            &Params::new("ChallengeResponses", values),
            origin,
        )
    }

    /// The session a hosted sign-in's refresh token stands for (its `origin_jti`), kept in the
    /// browser's cookie.
    pub fn hosted_session_origin(&self, refresh_token: &str) -> Result<Option<String>> {
        self.read(|r| {
            Ok(
                refresh_tokens::by_digest(r, &tokens::opaque_digest(refresh_token))?
                    .map(|row| row.origin_jti),
            )
        })
    }

    /// A browser's session, by the `origin_jti` its cookie carries: live (not revoked, not
    /// expired) and its user enabled, in `pool_id`.
    pub fn hosted_session(&self, pool_id: &str, origin_jti: &str) -> Result<Option<HostedSession>> {
        let now = self.now();
        self.read(|r| {
            let Some(row) = refresh_tokens::by_origin(r, origin_jti)? else {
                return Ok(None);
            };
            if row.revoked_at.is_some() || row.expires_at <= now {
                return Ok(None);
            }
            let Some(pool) = storage::pools::get(r, pool_id)? else {
                return Ok(None);
            };
            let Some(user) = user_store::get_by_pk(r, row.user)? else {
                return Ok(None);
            };
            if user.pool != pool.pk || !user.enabled {
                return Ok(None);
            }
            Ok(Some(HostedSession {
                user,
                origin_jti: row.origin_jti,
                auth_time: row.auth_time,
            }))
        })
    }

    /// Ends a browser's session (`/logout`): its sign-in is revoked, and the session it had at
    /// a SAML provider (`storage::saml_sessions`), if it began there, is taken away in the same
    /// write and answered, for the sign-out to go on at the provider. A session that was
    /// revoked already answers none.
    pub fn end_hosted_session(
        &self,
        origin_jti: &str,
    ) -> Result<Option<storage::saml_sessions::SamlSessionRow>> {
        let now = self.now();
        self.write(|tx| {
            let Some(row) = refresh_tokens::by_origin(tx, origin_jti)? else {
                return Ok(None);
            };
            let saml = storage::saml_sessions::take(tx, row.pk)?;
            if row.revoked_at.is_some() || row.expires_at <= now {
                return Ok(None);
            }
            refresh_tokens::revoke(tx, row.pk, now)?;
            Ok(saml)
        })
    }

    /// Where an authorized request goes for a signed-in browser: back to the redirect URI
    /// with a new code (`?code=…&state=…`), or for the implicit grant with tokens in the
    /// fragment (`#access_token=…&id_token=…&token_type=Bearer&expires_in=…&state=…`).
    pub fn authorize_signed_in(&self, a: &Authorized, session: &HostedSession) -> Result<String> {
        let now = self.now();
        let mut pairs: Vec<(&str, String)> = Vec::new();
        match a.response_type {
            ResponseType::Code => {
                let code =
                    self.write(|tx| codes::issue(tx, a, &session.user, session.auth_time, now))?;
                pairs.push(("code", code));
            }
            ResponseType::Token => {
                let s = self.read(|r| {
                    Ok(SignIn {
                        groups: storage::groups::for_user(r, session.user.pk)?,
                        user: session.user.clone(),
                        origin_jti: session.origin_jti.clone(),
                        auth_time: session.auth_time,
                        event_id: tokens::new_jti(),
                        refresh_token: None,
                        scopes: Some(a.scopes.clone()),
                        nonce: a.nonce.clone(),
                    })
                })?;
                let minted = self.tokens(&a.sc, &s, Generation::HostedAuth, &Origin::default())?;
                pairs.push(("access_token", minted.access_token));
                if has_scope(&a.scopes, "openid") {
                    pairs.push(("id_token", minted.id_token));
                }
                pairs.push(("token_type", "Bearer".into()));
                pairs.push(("expires_in", minted.expires_in.to_string()));
            }
        }
        if let Some(s) = &a.state {
            pairs.push(("state", s.clone()));
        }
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Ok(match a.response_type {
            ResponseType::Code => with_query(&a.redirect_uri, &borrowed),
            ResponseType::Token => {
                let query = with_query("", &borrowed);
                let base = a.redirect_uri.split('#').next().unwrap_or_default();
                format!("{base}#{}", query.trim_start_matches('?'))
            }
        })
    }

    /// Authenticates the client of a token or revocation request (`client_secret_basic` or
    /// `client_secret_post`; a public client by its `client_id` alone) in pool `pool_id`.
    pub fn oauth_client(
        &self,
        pool_id: &str,
        req: &TokenRequest<'_>,
    ) -> Result<Refusable<SignInClient>> {
        let (id, secret) = match req.basic {
            Some((id, secret)) => {
                if req.client_id.is_some_and(|b| b != id) {
                    return refuse(
                        OAuthCode::InvalidRequest,
                        "client_id in the body is not the client of the Authorization header",
                    );
                }
                if req.client_secret.is_some() {
                    return refuse(
                        OAuthCode::InvalidRequest,
                        "the client authenticated twice (Authorization header and client_secret)",
                    );
                }
                (id, Some(secret))
            }
            None => match req.client_id.filter(|c| !c.is_empty()) {
                Some(id) => (id, req.client_secret),
                None => {
                    return refuse(
                        OAuthCode::InvalidClient,
                        "client authentication failed: no client_id and no Authorization header",
                    );
                }
            },
        };
        let sc = match self.read(|r| signin::client(r, id, Some(pool_id))) {
            Ok(sc) => sc,
            Err(Error::ClientNotFound(_) | Error::PoolNotFound(_) | Error::InvalidParameter(_)) => {
                return refuse(OAuthCode::InvalidClient, "client authentication failed");
            }
            Err(e) => return Err(e),
        };
        let secret = secret.filter(|s| !s.is_empty());
        match (sc.client.secrets.is_empty(), secret) {
            (true, None) => {}
            (true, Some(_)) => {
                return refuse(
                    OAuthCode::InvalidClient,
                    "client authentication failed: the client has no secret",
                );
            }
            (false, None) => {
                return refuse(
                    OAuthCode::InvalidClient,
                    "client authentication failed: the client has a secret and none was given",
                );
            }
            (false, Some(s)) => {
                if !crate::client_secrets::presented_secret_matches(self.master, &sc.client, s)? {
                    return refuse(OAuthCode::InvalidClient, "client authentication failed");
                }
            }
        }
        Ok(Ok(sc))
    }

    /// `POST /oauth2/token` for the pool `pool_id`.
    pub fn oauth_token(
        &self,
        pool_id: &str,
        req: &TokenRequest<'_>,
    ) -> Result<Refusable<TokenAnswer>> {
        let grant = match req.grant_type {
            None | Some("") => return refuse(OAuthCode::InvalidRequest, "grant_type is required"),
            Some(g @ ("authorization_code" | "refresh_token" | "client_credentials")) => g,
            Some(other) => {
                return refuse(
                    OAuthCode::UnsupportedGrantType,
                    format!(
                        "grant_type {other} is not supported (authorization_code, \
                         refresh_token, client_credentials)"
                    ),
                );
            }
        };
        let sc = match self.oauth_client(pool_id, req)? {
            Ok(sc) => sc,
            Err(e) => return Ok(Err(e)),
        };
        match grant {
            "authorization_code" => self.code_grant(&sc, req),
            "refresh_token" => self.refresh_grant(&sc, req),
            _ => self.client_credentials_grant(&sc, req),
        }
    }

    fn code_grant(
        &self,
        sc: &SignInClient,
        req: &TokenRequest<'_>,
    ) -> Result<Refusable<TokenAnswer>> {
        let Some(code) = req.code.filter(|c| !c.is_empty()) else {
            return refuse(OAuthCode::InvalidRequest, "code is required");
        };
        let Some(redirect_uri) = req.redirect_uri.filter(|c| !c.is_empty()) else {
            return refuse(OAuthCode::InvalidRequest, "redirect_uri is required");
        };
        if !sc
            .client
            .settings
            .allowed_oauth_flows
            .contains(&OAuthFlow::Code)
            || !sc.client.settings.allowed_oauth_flows_user_pool_client
        {
            return refuse(
                OAuthCode::UnauthorizedClient,
                "the app client is not allowed the authorization code grant",
            );
        }
        let now = self.now();
        let presented = Presented {
            code,
            client: sc.client.pk,
            redirect_uri,
            code_verifier: req.code_verifier,
        };
        let (row, user, groups) = match self.read(|r| {
            let row = match codes::check(r, &presented, now)? {
                Ok(row) => row,
                Err(e) => return Ok(Err(e)),
            };
            let Some(user) = user_store::get_by_pk(r, row.user)?.filter(|u| u.enabled) else {
                return Ok(Err(OAuthError::new(
                    OAuthCode::InvalidGrant,
                    "the user of the authorization code is disabled or deleted",
                )));
            };
            let groups = storage::groups::for_user(r, user.pk)?;
            Ok(Ok((row, user, groups)))
        })? {
            Ok(found) => found,
            Err(e) => return Ok(Err(e)),
        };
        let refresh = tokens::new_opaque_token().map_err(|e| Error::Crypto(e.to_string()))?;
        let s = SignIn {
            user,
            groups,
            origin_jti: tokens::new_jti(),
            auth_time: row.auth_time,
            event_id: tokens::new_jti(),
            refresh_token: Some(refresh.clone()),
            scopes: Some(row.scopes.clone()),
            nonce: row.nonce.clone(),
        };
        let minted = self.tokens(sc, &s, Generation::HostedAuth, &Origin::default())?;
        let (_, _, refresh_secs) = sc.client.settings.lifetimes_secs();
        let stored = self.write(|tx| {
            if codes::take(tx, code)?.is_none() {
                return Ok(false);
            }
            refresh_tokens::insert(
                tx,
                &NewRefresh {
                    digest: &tokens::opaque_digest(&refresh),
                    client: sc.client.pk,
                    user: s.user.pk,
                    origin_jti: &s.origin_jti,
                    auth_time: s.auth_time,
                    now,
                    expires_at: now + (refresh_secs as i64).saturating_mul(1000),
                    scopes: Some(&row.scopes),
                },
            )?;
            Ok(true)
        })?;
        if !stored {
            return refuse(
                OAuthCode::InvalidGrant,
                "the authorization code is not valid, or was already used",
            );
        }
        Ok(Ok(TokenAnswer {
            id_token: has_scope(&row.scopes, "openid").then_some(minted.id_token),
            access_token: minted.access_token,
            refresh_token: Some(refresh),
            expires_in: minted.expires_in,
        }))
    }

    /// `grant_type=refresh_token`: the same refresh as `GetTokensFromRefreshToken`, rotation
    /// and reuse detection included ([`Engine::refresh_rotating`]); a token that is unknown,
    /// another client's, revoked, expired, rotated out or of a disabled user is `invalid_grant`.
    fn refresh_grant(
        &self,
        sc: &SignInClient,
        req: &TokenRequest<'_>,
    ) -> Result<Refusable<TokenAnswer>> {
        let Some(token) = req.refresh_token.filter(|c| !c.is_empty()) else {
            return refuse(OAuthCode::InvalidRequest, "refresh_token is required");
        };
        let (minted, refresh_token, scopes) =
            match self.refresh_rotating(sc, token, &Origin::default()) {
                Ok(done) => done,
                Err(Error::NotAuthorized(m)) => return refuse(OAuthCode::InvalidGrant, m),
                Err(e @ Error::RefreshTokenReuse(_)) => {
                    return refuse(OAuthCode::InvalidGrant, e.to_string());
                }
                Err(e) => return Err(e),
            };
        Ok(Ok(TokenAnswer {
            id_token: scopes
                .as_deref()
                .is_none_or(|s| has_scope(s, "openid"))
                .then_some(minted.id_token),
            access_token: minted.access_token,
            refresh_token,
            expires_in: minted.expires_in,
        }))
    }

    fn client_credentials_grant(
        &self,
        sc: &SignInClient,
        req: &TokenRequest<'_>,
    ) -> Result<Refusable<TokenAnswer>> {
        let settings = &sc.client.settings;
        if sc.client.secrets.is_empty() {
            return refuse(
                OAuthCode::InvalidClient,
                "client_credentials needs a client with a secret",
            );
        }
        if !settings
            .allowed_oauth_flows
            .contains(&OAuthFlow::ClientCredentials)
            || !settings.allowed_oauth_flows_user_pool_client
        {
            return refuse(
                OAuthCode::UnauthorizedClient,
                "the app client is not allowed the client_credentials grant",
            );
        }
        let custom: Vec<&str> = settings
            .allowed_oauth_scopes
            .iter()
            .map(String::as_str)
            .filter(|s| s.contains('/'))
            .collect();
        let scopes: Vec<&str> = match req.scope.map(str::trim).filter(|s| !s.is_empty()) {
            None => custom.clone(),
            Some(asked) => {
                let mut granted = Vec::new();
                for s in asked.split(' ').filter(|s| !s.is_empty()) {
                    if !custom.contains(&s) {
                        return refuse(
                            OAuthCode::InvalidScope,
                            format!(
                                "scope {s} is not a custom scope (<identifier>/<scope>) in the \
                                 app client's AllowedOAuthScopes"
                            ),
                        );
                    }
                    if !granted.contains(&s) {
                        granted.push(s);
                    }
                }
                granted
            }
        };
        if scopes.is_empty() {
            return refuse(
                OAuthCode::InvalidScope,
                "the app client has no custom scope to grant",
            );
        }
        let pool = &sc.pool;
        let keys = self.keys.pool_keys(pool)?;
        let now = self.now();
        let iat = now.div_euclid(1000);
        let (access_secs, _, _) = settings.lifetimes_secs();
        let claims = json!({
            "sub": sc.client.client_id,
            "token_use": "access",
            "scope": scopes.join(" "),
            "auth_time": iat,
            "iss": self.issuer(&pool.id),
            "exp": iat + access_secs as i64,
            "iat": iat,
            "version": 2,
            "jti": tokens::new_jti(),
            "client_id": sc.client.client_id,
        });
        let access_token = keys
            .access
            .sign_jwt(&claims)
            .map_err(|e| Error::Crypto(e.to_string()))?;
        Ok(Ok(TokenAnswer {
            access_token,
            id_token: None,
            refresh_token: None,
            expires_in: access_secs,
        }))
    }

    /// `GET/POST /oauth2/userInfo`: the attributes the bearer token's scopes release. The
    /// token must be one of the pool's access tokens, live, with `openid`.
    pub fn userinfo(&self, pool_id: &str, bearer: &str) -> Result<Refusable<Map<String, Value>>> {
        let Some(pool) = self.read(|r| Ok(storage::pools::get(r, pool_id)?))? else {
            return Err(Error::PoolNotFound(pool_id.to_string()));
        };
        let keys = self.keys.pool_keys(&pool)?;
        let issuer = self.issuer(&pool.id);
        let now = self.now();
        let checked = self.read(|r| {
            Ok(signin::authenticate_any_scope(
                r, &keys, &pool, bearer, &issuer, now,
            ))
        })?;
        let a = match checked {
            Ok(a) => a,
            Err(Error::NotAuthorized(m)) => return refuse(OAuthCode::InvalidToken, m),
            Err(e) => return Err(e),
        };
        let scopes = a.token.str_claim("scope").unwrap_or_default().to_string();
        if !has_scope(&scopes, "openid") {
            return refuse(
                OAuthCode::InsufficientScope,
                "the access token does not carry the openid scope",
            );
        }
        let client = self.read(|r| Ok(storage::clients::get_by_pk(r, a.session.client)?))?;
        let readable = client
            .map(|c| c.settings.read_attributes)
            .unwrap_or_default();
        let mut out = Map::new();
        out.insert("sub".into(), json!(a.user.sub));
        for (name, value) in &a.user.attributes {
            if name == "sub"
                || (!readable.is_empty() && !readable.contains(name))
                || !scopes_release(&scopes, name)
            {
                continue;
            }
            out.insert(name.clone(), json!(value));
        }
        out.insert("username".into(), json!(a.user.username));
        Ok(Ok(out))
    }

    /// `POST /oauth2/revoke` (RFC 7009): revokes a refresh token and the tokens of its
    /// sign-in. An unknown token is not an error.
    pub fn oauth_revoke(
        &self,
        pool_id: &str,
        token: Option<&str>,
        auth: &TokenRequest<'_>,
    ) -> Result<Refusable<()>> {
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return refuse(OAuthCode::InvalidRequest, "token is required");
        };
        let sc = match self.oauth_client(pool_id, auth)? {
            Ok(sc) => sc,
            Err(e) => return Ok(Err(e)),
        };
        if !sc.client.settings.enable_token_revocation {
            return refuse(
                OAuthCode::UnauthorizedClient,
                "token revocation is not enabled for this app client",
            );
        }
        let now = self.now();
        self.write(|tx| match signin::revoke(tx, &sc.client, token, now) {
            Ok(()) => Ok(Ok(())),
            Err(Error::NotAuthorized(m)) => Ok(Err(OAuthError::new(OAuthCode::InvalidRequest, m))),
            Err(Error::InvalidParameter(_)) => Ok(Ok(())),
            Err(e) => Err(e),
        })
    }
}
