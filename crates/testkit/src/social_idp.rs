//! Stand-ins for the social providers a user pool signs in through — Google, Facebook, Login
//! with Amazon, Sign in with Apple — on 127.0.0.1:0, speaking as the real ones document: the
//! same paths under the stand-in's base (so that moving the provider's base URL with
//! `POOLHOUSE_SOCIAL_ENDPOINTS` / `Console::set_social_endpoints` is all a test changes), the
//! same request shapes checked, the same answers.
//!
//! - Google: `/o/oauth2/v2/auth` redirects back with a code; `/oauth2/v4/token` (form POST,
//!   `client_secret_post`) answers `access_token`, `expires_in`, `scope`, `token_type` and an
//!   RS256 `id_token` of issuer `https://accounts.google.com` carrying the nonce; the keys
//!   through `/.well-known/openid-configuration` and `/oauth2/v3/certs`.
//! - Facebook: `/v17.0/dialog/oauth` redirects back with a code; `/v17.0/oauth/access_token`
//!   is a GET with `client_id`, `redirect_uri`, `client_secret` and `code` in the query,
//!   answering `{"access_token","token_type","expires_in"}`; `/v17.0/me?fields=…` answers the
//!   fields asked and the user's `id` (the token as `Authorization: Bearer` or
//!   `access_token`), and a Graph `OAuthException` for a bad token.
//! - Login with Amazon: `/ap/oa` redirects back with a code; `/auth/o2/token` (form POST)
//!   answers an `Atza|` access token and an `Atzr|` refresh token; `/user/profile` (bearer)
//!   answers `user_id`, `name`, `email`… One stand-in serves both `www.amazon.com` and
//!   `api.amazon.com`.
//! - Sign in with Apple: `/auth/authorize` with `response_mode=form_post` answers the page that
//!   posts `code`, `state` and — on the user's first sign-in only — `user` (JSON: `name`
//!   with `firstName`/`lastName`, `email`) to the redirect URI; `/auth/token` takes a client
//!   secret that must be an ES256 JWT signed with the team's key (`kid` the key id, `iss` the
//!   team, `sub` the client id, `aud` `https://appleid.apple.com`) and answers an ES256
//!   `id_token` of issuer `https://appleid.apple.com`; keys at `/auth/keys`.
//!
//! A code is single-use and bound to the client, the `redirect_uri` and the nonce of its
//! authorization request; anything else is answered with the provider's error.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};

use crate::http::{self, HttpServer, Reply, Request, Response};
use crate::oidc_idp::{SigningKey, jwks};

/// Which provider a stand-in speaks as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Social {
    Google,
    Facebook,
    Amazon,
    Apple,
}

impl Social {
    /// The provider's issuer (Google and Apple: the `iss` of their ID tokens).
    pub fn issuer(self) -> Option<&'static str> {
        match self {
            Social::Google => Some("https://accounts.google.com"),
            Social::Apple => Some("https://appleid.apple.com"),
            _ => None,
        }
    }

    fn authorize_path(self) -> &'static str {
        match self {
            Social::Google => "/o/oauth2/v2/auth",
            Social::Facebook => "/v17.0/dialog/oauth",
            Social::Amazon => "/ap/oa",
            Social::Apple => "/auth/authorize",
        }
    }

    fn token_path(self) -> &'static str {
        match self {
            Social::Google => "/oauth2/v4/token",
            Social::Facebook => "/v17.0/oauth/access_token",
            Social::Amazon => "/auth/o2/token",
            Social::Apple => "/auth/token",
        }
    }

    fn jwks_path(self) -> &'static str {
        match self {
            Social::Apple => "/auth/keys",
            _ => "/oauth2/v3/certs",
        }
    }
}

/// How the client proves itself at the token endpoint.
enum ClientAuth {
    Secret(String),
    /// Apple: the client secret is a JWT the team's key signs.
    AppleTeam {
        team_id: String,
        key_id: String,
        public_pem: String,
    },
}

struct Grant {
    client_id: String,
    redirect_uri: String,
    nonce: Option<String>,
}

struct State {
    codes: HashMap<String, Grant>,
    /// Access token → nothing more: the profile is the one user's.
    access_tokens: Vec<String>,
    /// Apple sends `user` on the first sign-in only.
    apple_user_sent: bool,
    user: Value,
}

struct Inner {
    social: Social,
    client_id: String,
    auth: ClientAuth,
    /// Google's and Apple's ID token key.
    key: SigningKey,
    /// A key of the same `kid` and algorithm that the JWKS does not publish, and whether the
    /// next ID tokens are signed with it.
    forger: SigningKey,
    forge: AtomicBool,
    state: Mutex<State>,
    serial: AtomicUsize,
    base: Mutex<String>,
}

/// A social provider on the loopback, with one user who consents to every authorization
/// request. Stops when dropped.
pub struct SocialIdp {
    inner: Arc<Inner>,
    server: HttpServer,
    /// Sign in with Apple: the team's private key (PKCS#8 PEM), for the provider's details.
    team_key_pem: Option<String>,
}

/// What the browser does after the provider's authorization page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Consent {
    /// A redirect to this URL (the redirect URI with `code` and `state`, or `error`).
    Redirect(String),
    /// Apple's `form_post`: a POST of these fields to `action`.
    FormPost {
        action: String,
        fields: Vec<(String, String)>,
    },
}

impl SocialIdp {
    /// Google, for the client `client_id` / `client_secret`; `user` holds the ID token's
    /// profile claims (`sub`, `email`, `name`, …).
    pub fn google(client_id: &str, client_secret: &str, user: Value) -> SocialIdp {
        SocialIdp::start(
            Social::Google,
            client_id,
            ClientAuth::Secret(client_secret.into()),
            SigningKey::rs256("google-1"),
            user,
            None,
        )
    }

    /// Facebook, for the app `app_id` / `app_secret`; `user` is the Graph profile (`id`,
    /// `email`, `name`, …).
    pub fn facebook(app_id: &str, app_secret: &str, user: Value) -> SocialIdp {
        SocialIdp::start(
            Social::Facebook,
            app_id,
            ClientAuth::Secret(app_secret.into()),
            SigningKey::rs256("unused"),
            user,
            None,
        )
    }

    /// Login with Amazon, for `client_id` / `client_secret`; `user` is the profile
    /// (`user_id`, `email`, `name`, `postal_code`).
    pub fn amazon(client_id: &str, client_secret: &str, user: Value) -> SocialIdp {
        SocialIdp::start(
            Social::Amazon,
            client_id,
            ClientAuth::Secret(client_secret.into()),
            SigningKey::rs256("unused"),
            user,
            None,
        )
    }

    /// Sign in with Apple, for the Services ID `client_id` of team `team_id`, whose key
    /// `key_id` is made here ([`SocialIdp::team_key_pem`]); `user` holds the ID token's
    /// claims (`sub`, `email`) and the first sign-in's `name` (`firstName`, `lastName`).
    pub fn apple(client_id: &str, team_id: &str, key_id: &str, user: Value) -> SocialIdp {
        let team_key = SigningKey::es256(key_id);
        SocialIdp::start(
            Social::Apple,
            client_id,
            ClientAuth::AppleTeam {
                team_id: team_id.into(),
                key_id: key_id.into(),
                public_pem: team_key.public_pem.clone(),
            },
            SigningKey::es256("apple-1"),
            user,
            Some(team_key.private_pem.clone()),
        )
    }

    fn start(
        social: Social,
        client_id: &str,
        auth: ClientAuth,
        key: SigningKey,
        user: Value,
        team_key_pem: Option<String>,
    ) -> SocialIdp {
        let forger = match key.alg {
            Algorithm::ES256 => SigningKey::es256(&key.kid),
            _ => SigningKey::rs256(&key.kid),
        };
        let inner = Arc::new(Inner {
            social,
            client_id: client_id.into(),
            auth,
            key,
            forger,
            forge: AtomicBool::new(false),
            state: Mutex::new(State {
                codes: HashMap::new(),
                access_tokens: Vec::new(),
                apple_user_sent: false,
                user,
            }),
            serial: AtomicUsize::new(0),
            base: Mutex::new(String::new()),
        });
        let served = Arc::clone(&inner);
        let server = HttpServer::start_with_headers(move |r| served.answer(r));
        *inner.base.lock().unwrap() = server.url("");
        SocialIdp {
            inner,
            server,
            team_key_pem,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        self.server.url("")
    }

    /// The `SocialEndpoints` overrides that send the provider's traffic here, as
    /// `provider=url` pairs (Login with Amazon moves both its hosts).
    pub fn overrides(&self) -> Vec<(&'static str, String)> {
        let keys: &[&'static str] = match self.inner.social {
            Social::Google => &["accounts.google.com"],
            Social::Facebook => &["graph.facebook.com"],
            Social::Amazon => &["www.amazon.com", "api.amazon.com"],
            Social::Apple => &["appleid.apple.com"],
        };
        keys.iter().map(|k| (*k, self.base())).collect()
    }

    /// Sign in with Apple's team key, PKCS#8 PEM (`private_key` of the provider's details).
    pub fn team_key_pem(&self) -> &str {
        self.team_key_pem.as_deref().unwrap_or_default()
    }

    /// Replaces the provider's user (their next sign-in's profile).
    pub fn set_user(&self, user: Value) {
        self.inner.state.lock().unwrap().user = user;
    }

    /// From now on, ID tokens are signed with a key of the published `kid` that the JWKS does
    /// not hold (a forgery), or again with the published one.
    pub fn forge_id_tokens(&self, forge: bool) {
        self.inner.forge.store(forge, Ordering::SeqCst);
    }

    /// The requests the stand-in received, oldest first.
    pub fn requests(&self) -> Vec<Request> {
        self.server.requests()
    }

    /// The browser at the provider: GETs `authorize_url` (which must be this stand-in's) and
    /// answers where the provider sends it next.
    pub fn consent(&self, authorize_url: &str) -> Consent {
        let base = self.base();
        let target = authorize_url
            .strip_prefix(&base)
            .unwrap_or_else(|| panic!("{authorize_url} is not at the stand-in {base}"));
        let r = http::send(self.server.addr(), "GET", target, &[], b"");
        consent_of(&r)
    }
}

fn consent_of(r: &Response) -> Consent {
    if r.status == 302 {
        return Consent::Redirect(r.header("location").unwrap().to_string());
    }
    assert_eq!(r.status, 200, "the provider's page: {}", r.body);
    let action = r
        .body
        .split("action=\"")
        .nth(1)
        .and_then(|a| a.split('"').next())
        .unwrap()
        .to_string();
    let fields = r
        .body
        .split("<input type=\"hidden\" ")
        .skip(1)
        .filter_map(|h| {
            let name = h.split("name=\"").nth(1)?.split('"').next()?;
            let value = h.split("value=\"").nth(1)?.split('"').next()?;
            Some((name.to_string(), unescape(value)))
        })
        .collect();
    Consent::FormPost {
        action: unescape(&action),
        fields,
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn query(target: &str) -> HashMap<String, String> {
    let q = target.split_once('?').map_or("", |(_, q)| q);
    form_urlencoded::parse(q.as_bytes()).into_owned().collect()
}

fn form(r: &Request) -> HashMap<String, String> {
    form_urlencoded::parse(&r.body).into_owned().collect()
}

type Answer = (Reply, Vec<(String, String)>);

fn reply(r: Reply) -> Answer {
    (r, Vec::new())
}

/// An OAuth error, as the token endpoints of Google, Amazon and Apple answer one.
fn oauth_error(status: u16, error: &str, description: &str) -> Answer {
    reply(Reply::json(
        status,
        json!({"error": error, "error_description": description}),
    ))
}

/// A Graph API error.
fn graph_error(message: &str) -> Answer {
    reply(Reply::json(
        400,
        json!({"error": {"message": message, "type": "OAuthException", "code": 190,
                         "fbtrace_id": "standin"}}),
    ))
}

fn now_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

impl Inner {
    fn next(&self, prefix: &str) -> String {
        format!(
            "{prefix}{}-{}",
            self.serial.fetch_add(1, Ordering::SeqCst),
            now_s()
        )
    }

    fn answer(&self, r: &Request) -> Answer {
        let path = r.path.split('?').next().unwrap_or_default();
        let s = self.social;
        let base = self.base.lock().unwrap().clone();
        match path {
            p if p == s.authorize_path() && r.method == "GET" => self.authorize(r),
            p if p == s.token_path() => self.token(r),
            "/.well-known/openid-configuration" if s.issuer().is_some() => reply(Reply::json(
                200,
                json!({
                    "issuer": s.issuer(),
                    "authorization_endpoint": format!("{base}{}", s.authorize_path()),
                    "token_endpoint": format!("{base}{}", s.token_path()),
                    "jwks_uri": format!("{base}{}", s.jwks_path()),
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public", "pairwise"],
                    "id_token_signing_alg_values_supported": [match s {
                        Social::Apple => "ES256",
                        _ => "RS256",
                    }],
                }),
            )),
            p if p == s.jwks_path() && s.issuer().is_some() => {
                reply(Reply::json(200, jwks(&[&self.key])))
            }
            "/v17.0/me" if s == Social::Facebook => self.profile(r),
            "/user/profile" if s == Social::Amazon => self.profile(r),
            _ => reply(Reply::text(404, "not found")),
        }
    }

    /// The user consents at once: back to `redirect_uri` with a code bound to the request.
    fn authorize(&self, r: &Request) -> Answer {
        let q = query(&r.path);
        let get = |k: &str| q.get(k).cloned().unwrap_or_default();
        if get("client_id") != self.client_id {
            return reply(Reply::text(
                400,
                format!("unknown client_id '{}'", get("client_id")),
            ));
        }
        let redirect_uri = get("redirect_uri");
        if redirect_uri.is_empty() || get("response_type") != "code" {
            return reply(Reply::text(
                400,
                "redirect_uri and response_type=code are required",
            ));
        }
        let code = self.next("code-");
        self.state.lock().unwrap().codes.insert(
            code.clone(),
            Grant {
                client_id: get("client_id"),
                redirect_uri: redirect_uri.clone(),
                nonce: q.get("nonce").cloned(),
            },
        );
        if self.social == Social::Apple {
            assert_eq!(
                get("response_mode"),
                "form_post",
                "Apple requires form_post when scopes are asked"
            );
            let mut fields = vec![("code".to_string(), code), ("state".into(), get("state"))];
            let mut st = self.state.lock().unwrap();
            if !st.apple_user_sent {
                st.apple_user_sent = true;
                let user = json!({"name": st.user.get("name").cloned().unwrap_or(Value::Null),
                                  "email": st.user.get("email").cloned().unwrap_or(Value::Null)});
                fields.push(("user".into(), user.to_string()));
            }
            let inputs: String = fields
                .iter()
                .map(|(k, v)| {
                    format!(
                        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                        escape(k),
                        escape(v)
                    )
                })
                .collect();
            let page = format!(
                "<!DOCTYPE html><html><body onload=\"document.forms[0].submit()\">\
                 <form method=\"post\" action=\"{}\">{inputs}</form></body></html>",
                escape(&redirect_uri)
            );
            return reply(Reply {
                status: 200,
                content_type: "text/html".into(),
                body: page,
            });
        }
        let mut back = format!(
            "{redirect_uri}{}",
            if redirect_uri.contains('?') { '&' } else { '?' }
        );
        back += &form_urlencoded::Serializer::new(String::new())
            .append_pair("code", &code)
            .append_pair("state", &get("state"))
            .finish();
        (Reply::text(302, ""), vec![("Location".to_string(), back)])
    }

    fn token(&self, r: &Request) -> Answer {
        let params = if self.social == Social::Facebook {
            if r.method != "GET" {
                return graph_error("the code is exchanged with a GET");
            }
            query(&r.path)
        } else {
            if r.method != "POST"
                || r.header("content-type") != Some("application/x-www-form-urlencoded")
            {
                return oauth_error(400, "invalid_request", "a form POST is expected");
            }
            let f = form(r);
            if f.get("grant_type").map(String::as_str) != Some("authorization_code") {
                return oauth_error(
                    400,
                    "unsupported_grant_type",
                    "grant_type must be authorization_code",
                );
            }
            f
        };
        let get = |k: &str| params.get(k).cloned().unwrap_or_default();
        if get("client_id") != self.client_id {
            return self.refuse("invalid_client", "unknown client_id");
        }
        if let Err(why) = self.client_authenticated(&get("client_secret")) {
            return self.refuse("invalid_client", &why);
        }
        let Some(grant) = self.state.lock().unwrap().codes.remove(&get("code")) else {
            return self.refuse("invalid_grant", "the code is unknown or was used");
        };
        if grant.client_id != get("client_id") || grant.redirect_uri != get("redirect_uri") {
            return self.refuse(
                "invalid_grant",
                "redirect_uri is not the authorization request's",
            );
        }
        let access = match self.social {
            Social::Amazon => self.next("Atza|standin-"),
            _ => self.next("access-"),
        };
        self.state
            .lock()
            .unwrap()
            .access_tokens
            .push(access.clone());
        let answer = match self.social {
            Social::Facebook => json!({"access_token": access, "token_type": "bearer",
                                       "expires_in": 5_183_944}),
            Social::Amazon => json!({"access_token": access, "token_type": "bearer",
                                     "expires_in": 3600, "refresh_token": self.next("Atzr|")}),
            Social::Google => json!({"access_token": access, "expires_in": 3599,
                                     "scope": "openid email profile", "token_type": "Bearer",
                                     "id_token": self.id_token(&grant)}),
            Social::Apple => json!({"access_token": access, "token_type": "Bearer",
                                    "expires_in": 3600, "refresh_token": self.next("r-"),
                                    "id_token": self.id_token(&grant)}),
        };
        reply(Reply::json(200, answer))
    }

    fn refuse(&self, error: &str, description: &str) -> Answer {
        match self.social {
            Social::Facebook => graph_error(description),
            _ => oauth_error(400, error, description),
        }
    }

    fn client_authenticated(&self, secret: &str) -> Result<(), String> {
        match &self.auth {
            ClientAuth::Secret(s) if s == secret => Ok(()),
            ClientAuth::Secret(_) => Err("the client secret is wrong".into()),
            ClientAuth::AppleTeam {
                team_id,
                key_id,
                public_pem,
            } => {
                let header = jsonwebtoken::decode_header(secret)
                    .map_err(|e| format!("the client secret is not a JWT: {e}"))?;
                if header.alg != Algorithm::ES256 || header.kid.as_deref() != Some(key_id) {
                    return Err(format!(
                        "the client secret must be ES256 with kid {key_id}, is {:?} {:?}",
                        header.alg, header.kid
                    ));
                }
                let key = DecodingKey::from_ec_pem(public_pem.as_bytes()).unwrap();
                let mut v = Validation::new(Algorithm::ES256);
                v.set_audience(&["https://appleid.apple.com"]);
                v.set_issuer(&[team_id]);
                v.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
                let data = jsonwebtoken::decode::<Value>(secret, &key, &v)
                    .map_err(|e| format!("the client secret does not verify: {e}"))?;
                if data.claims["sub"] != json!(self.client_id) {
                    return Err("the client secret's sub is not the client id".into());
                }
                Ok(())
            }
        }
    }

    fn id_token(&self, grant: &Grant) -> String {
        let now = now_s();
        let user = self.state.lock().unwrap().user.clone();
        let mut claims = json!({"iss": self.social.issuer(), "aud": grant.client_id,
                                "iat": now, "exp": now + 3600, "auth_time": now});
        if let Some(n) = &grant.nonce {
            claims["nonce"] = json!(n);
        }
        if self.social == Social::Google {
            claims["azp"] = json!(grant.client_id);
            claims["at_hash"] = json!("standin");
        } else {
            claims["nonce_supported"] = json!(true);
        }
        for (k, v) in user.as_object().unwrap() {
            // Apple's ID token carries no name: that comes in the first sign-in's `user`.
            if self.social == Social::Apple && k == "name" {
                continue;
            }
            claims[k] = v.clone();
        }
        if self.forge.load(Ordering::SeqCst) {
            self.forger.sign(&claims)
        } else {
            self.key.sign(&claims)
        }
    }

    /// Facebook's `/me?fields=` (the fields asked, and `id`), Amazon's `/user/profile`.
    fn profile(&self, r: &Request) -> Answer {
        let q = query(&r.path);
        let token = r
            .header("authorization")
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::to_owned)
            .or_else(|| q.get("access_token").cloned())
            .unwrap_or_default();
        let st = self.state.lock().unwrap();
        if !st.access_tokens.contains(&token) {
            return match self.social {
                Social::Facebook => graph_error("Invalid OAuth access token data."),
                _ => oauth_error(400, "invalid_token", "The access token provided is invalid"),
            };
        }
        let user = st.user.as_object().unwrap();
        if self.social == Social::Amazon {
            return reply(Reply::json(200, Value::Object(user.clone())));
        }
        let mut out = serde_json::Map::new();
        for f in q
            .get("fields")
            .map(String::as_str)
            .unwrap_or("id,name")
            .split(',')
            .chain(["id"])
        {
            if let Some(v) = user.get(f.trim()) {
                out.insert(f.trim().to_string(), v.clone());
            }
        }
        reply(Reply::json(200, Value::Object(out)))
    }
}
