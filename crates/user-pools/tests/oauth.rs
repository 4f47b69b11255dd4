//! The authorization server's rules over a real store: authorize requests checked against
//! their client, codes (single use, five minutes, bound to client, redirect URI and PKCE), the
//! token grants with client authentication, scopes in the tokens, userInfo and revocation.
//! Every refusal leaves the store as it was.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::Env;
use domain::ResourceServerIdentifier;
use domain::client::{ClientSettings, Feature, OAuthFlow, RefreshTokenRotation};
use domain::oauth::ResourceServerScope;
use storage::pools::PoolRow;
use storage::users::UserRow;
use user_pools::engine::{
    Answer, Audit, BreachedPasswords, Engine, Entry, HookReply, Hooks, Keys, TokenRequest,
};
use user_pools::keys::PoolKeys;
use user_pools::oauth::authorize::{self, AuthorizeRequest, Refusal};
use user_pools::oauth::{OAuthCode, pkce};
use user_pools::signin::Origin;
use user_pools::users::NewPassword;
use user_pools::{Error, Result};

const PASSWORD: &str = "Correct-Horse-1";
const CALLBACK: &str = "https://app.test/callback";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

struct NoHooks;
impl Hooks for NoHooks {
    fn post(&self, _url: &str, _event: &[u8], _source: &str) -> HookReply {
        HookReply {
            answer: Ok((200, "{}".into())),
            duration_ms: 1,
        }
    }
}

struct NoList;
impl BreachedPasswords for NoList {
    fn contains(&self, _password: &str) -> Result<bool> {
        Ok(false)
    }
}

struct Loaded<'a>(&'a Env);
impl Keys for Loaded<'_> {
    fn pool_keys(&self, pool: &PoolRow) -> Result<Arc<PoolKeys>> {
        let env = self.0;
        let now = env.now();
        env.write(|tx, _| user_pools::keys::ensure(tx, &env.master, pool, now))?;
        let keys = env.read(|r| user_pools::keys::load(r, &env.master, pool.pk, now))?;
        Ok(Arc::new(keys.expect("keys were just made")))
    }
}

struct NoAudit;
impl Audit for NoAudit {
    fn record(&self, _tx: &storage::Tx<'_>, _e: &Entry<'_>, _r: Option<&Error>) -> Result<()> {
        Ok(())
    }
    fn record_refusal(&self, _entry: &Entry<'_>, _err: &Error) {}
}

fn engine<'a>(env: &'a Env, keys: &'a Loaded<'a>) -> Engine<'a> {
    Engine {
        db: &env.db,
        ctx: env.ctx(),
        master: &env.master,
        issuer_base: None,
        endpoint: None,
        hooks: &NoHooks,
        breached: &NoList,
        keys,
        audit: &NoAudit,
    }
}

fn oauth_settings(flows: Vec<OAuthFlow>, scopes: &[&str]) -> ClientSettings {
    ClientSettings {
        callback_urls: vec![CALLBACK.into(), "https://app.test/other".into()],
        logout_urls: vec!["https://app.test/bye".into()],
        allowed_oauth_flows: flows,
        allowed_oauth_scopes: scopes.iter().map(|s| s.to_string()).collect(),
        allowed_oauth_flows_user_pool_client: true,
        supported_identity_providers: vec!["COGNITO".into()],
        enable_token_revocation: true,
        ..ClientSettings::default()
    }
}

/// A client (public unless `secret`), made with `settings`; answers its id and its secret.
fn client(env: &Env, secret: bool, settings: ClientSettings) -> (String, Option<String>) {
    let c = env
        .write(|tx, ctx| {
            user_pools::clients::create(tx, ctx, &env.master, &env.pool_id, "app", secret, settings)
        })
        .unwrap();
    let shown = user_pools::client_secrets::shown(&env.master, &c).unwrap();
    (c.client_id, shown)
}

fn user(env: &Env) -> UserRow {
    env.user(
        "ana",
        &[("email", "ana@example.com"), ("given_name", "Ana")],
    );
    let password = NewPassword {
        clear: PASSWORD,
        hash: user_pools::passwords::hash(PASSWORD).unwrap(),
    };
    env.write(|tx, ctx| {
        user_pools::users::admin_set_password(
            tx,
            ctx,
            &env.master,
            &env.pool_id,
            "ana",
            &password,
            user_pools::users::PasswordKind::Permanent,
        )
    })
    .unwrap()
}

fn request(client_id: &str, extra: &[(&'static str, &str)]) -> AuthorizeRequest {
    let mut pairs: Vec<(&str, &str)> = vec![
        ("client_id", client_id),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
        ("state", "st&te=1 ü"),
    ];
    for (k, v) in extra {
        pairs.retain(|(n, _)| n != k);
        pairs.push((k, v));
    }
    AuthorizeRequest::from_pairs(pairs)
}

fn check(env: &Env, req: &AuthorizeRequest) -> std::result::Result<authorize::Authorized, Refusal> {
    env.read(|r| authorize::check(r, &env.pool_id, req))
        .unwrap()
}

/// Signs ana in on the hosted page and authorizes `req`: answers the redirect's location.
fn signed_in_location(env: &Env, e: &Engine<'_>, req: &AuthorizeRequest) -> String {
    let a = check(env, req).unwrap();
    let Answer::Tokens { refresh_token, .. } = e
        .hosted_sign_in(
            &env.pool_id,
            &a.sc.client.client_id,
            "ana",
            PASSWORD,
            &Origin::default(),
        )
        .unwrap()
    else {
        panic!("a challenge");
    };
    let origin = e
        .hosted_session_origin(&refresh_token.unwrap())
        .unwrap()
        .unwrap();
    let session = e.hosted_session(&env.pool_id, &origin).unwrap().unwrap();
    e.authorize_signed_in(&a, &session).unwrap()
}

fn query_value(location: &str, name: &str) -> Option<String> {
    let query = location.split_once(['?', '#'])?.1;
    query.split('&').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k == name).then(|| {
            let mut out = Vec::new();
            let b = v.as_bytes();
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'%' {
                    out.push(u8::from_str_radix(&v[i + 1..i + 3], 16).unwrap());
                    i += 3;
                } else {
                    out.push(b[i]);
                    i += 1;
                }
            }
            String::from_utf8(out).unwrap()
        })
    })
}

fn claims(env: &Env, token: &str) -> serde_json::Map<String, serde_json::Value> {
    let keys = Loaded(env).pool_keys(&env.pool()).unwrap();
    keys.verifier
        .verify(token, env.now() / 1000, 0)
        .unwrap()
        .claims()
        .clone()
}

fn code_request<'a>(
    client_id: &'a str,
    code: &'a str,
    verifier: Option<&'a str>,
) -> TokenRequest<'a> {
    TokenRequest {
        grant_type: Some("authorization_code"),
        code: Some(code),
        redirect_uri: Some(CALLBACK),
        code_verifier: verifier,
        client_id: Some(client_id),
        ..TokenRequest::default()
    }
}

/// Whether the code is still stored (by its digest: the store never holds the code).
/// GetUser's token check refuses `access_token`: it lacks aws.cognito.signin.user.admin.
fn assert_get_user_refuses(env: &Env, e: &Engine<'_>, keys: &Loaded<'_>, access_token: &str) {
    let pool = env.pool();
    let pool_keys = keys.pool_keys(&pool).unwrap();
    let issuer = e.issuer(&pool.id);
    let refused = env
        .read(|r| {
            Ok(user_pools::signin::authenticate(
                r,
                &pool_keys,
                &pool,
                access_token,
                &issuer,
                env.now(),
            ))
        })
        .unwrap()
        .unwrap_err();
    assert!(refused.to_string().contains("required scopes"), "{refused}");
}

fn code_live(env: &Env, code: &str) -> bool {
    env.read(|r| {
        Ok(storage::authorization_codes::by_digest(r, &tokens::opaque_digest(code))?.is_some())
    })
    .unwrap()
}

#[test]
fn an_unknown_client_or_unregistered_redirect_is_a_page_never_a_redirect() {
    let env = Env::new();
    let (id, _) = client(
        &env,
        false,
        oauth_settings(vec![OAuthFlow::Code], &["openid"]),
    );
    assert!(matches!(
        check(&env, &request("nobody", &[])),
        Err(Refusal::Page(_))
    ));
    for evil in [
        "https://evil.test/callback",
        "https://app.test/callback/",
        "https://app.test/callback?x=1",
        "https://app.test/callback#f",
        "https://app.test.evil.test/callback",
        "//evil.test",
        "",
    ] {
        let refusal = check(&env, &request(&id, &[("redirect_uri", evil)])).unwrap_err();
        assert!(matches!(&refusal, Refusal::Page(_)), "{evil}: {refusal:?}");
        assert_eq!(refusal.location(), None);
    }
}

#[test]
fn refusals_after_the_redirect_is_known_go_back_to_it_with_the_state_untouched() {
    let env = Env::new();
    let (id, _) = client(
        &env,
        false,
        oauth_settings(vec![OAuthFlow::Code], &["openid", "email"]),
    );
    let cases: &[(&[(&'static str, &str)], OAuthCode)] = &[
        (&[("scope", "openid phone")], OAuthCode::InvalidScope),
        (&[("scope", "email")], OAuthCode::InvalidScope),
        (
            &[("response_type", "id_token")],
            OAuthCode::UnsupportedResponseType,
        ),
        (&[("response_type", "token")], OAuthCode::UnauthorizedClient),
        (
            &[
                ("code_challenge", VERIFIER),
                ("code_challenge_method", "S512"),
            ],
            OAuthCode::InvalidRequest,
        ),
        (
            &[
                ("code_challenge", "short"),
                ("code_challenge_method", "S256"),
            ],
            OAuthCode::InvalidRequest,
        ),
        (
            &[("code_challenge_method", "S256")],
            OAuthCode::InvalidRequest,
        ),
        (
            &[("identity_provider", "Google")],
            OAuthCode::InvalidRequest,
        ),
        (
            &[("idp_identifier", "example.com")],
            OAuthCode::InvalidRequest,
        ),
        (&[("prompt", "sometimes")], OAuthCode::InvalidRequest),
    ];
    for (extra, code) in cases {
        let refusal = check(&env, &request(&id, extra)).unwrap_err();
        let Refusal::Redirect { error, state, .. } = &refusal else {
            panic!("{extra:?}: {refusal:?}");
        };
        assert_eq!(error.code, *code, "{extra:?}");
        assert_eq!(state.as_deref(), Some("st&te=1 ü"));
        let location = refusal.location().unwrap();
        assert!(location.starts_with(CALLBACK), "{location}");
        assert_eq!(
            query_value(&location, "state").as_deref(),
            Some("st&te=1 ü")
        );
        assert_eq!(
            query_value(&location, "error").as_deref(),
            Some(code.as_str())
        );
    }
    // Without AllowedOAuthFlowsUserPoolClient nothing is authorized.
    let (off, _) = client(
        &env,
        false,
        ClientSettings {
            callback_urls: vec![CALLBACK.into()],
            ..ClientSettings::default()
        },
    );
    let Err(Refusal::Redirect { error, .. }) = check(&env, &request(&off, &[])) else {
        panic!("authorized");
    };
    assert_eq!(error.code, OAuthCode::UnauthorizedClient);
}

#[test]
fn a_code_with_pkce_is_redeemed_once_by_its_client_with_its_verifier() {
    let env = Env::new();
    user(&env);
    let keys = Loaded(&env);
    let e = engine(&env, &keys);
    let settings = oauth_settings(vec![OAuthFlow::Code], &["openid", "email", "profile"]);
    let (id, _) = client(&env, false, settings.clone());
    let (other, _) = client(&env, false, settings);
    let challenge = pkce::s256(VERIFIER);
    let req = request(
        &id,
        &[
            ("scope", "openid email"),
            ("nonce", "n-0S6_WzA2Mj"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    );
    let location = signed_in_location(&env, &e, &req);
    assert!(
        location.starts_with(&format!("{CALLBACK}?code=")),
        "{location}"
    );
    assert_eq!(
        query_value(&location, "state").as_deref(),
        Some("st&te=1 ü")
    );
    let code = query_value(&location, "code").unwrap();
    assert!(code_live(&env, &code));

    // Refusals change nothing: the code is still there afterwards.
    let refused = |r: TokenRequest<'_>, want: OAuthCode| {
        let err = e.oauth_token(&env.pool_id, &r).unwrap().unwrap_err();
        assert_eq!(err.code, want, "{r:?}: {err}");
        assert!(code_live(&env, &code), "{r:?} took the code");
    };
    refused(code_request(&id, &code, None), OAuthCode::InvalidGrant);
    refused(
        code_request(
            &id,
            &code,
            Some("wrong-verifier-wrong-verifier-wrong-verifier-x"),
        ),
        OAuthCode::InvalidGrant,
    );
    refused(
        code_request(&other, &code, Some(VERIFIER)),
        OAuthCode::InvalidGrant,
    );
    refused(
        TokenRequest {
            redirect_uri: Some("https://app.test/other"),
            ..code_request(&id, &code, Some(VERIFIER))
        },
        OAuthCode::InvalidGrant,
    );
    refused(
        TokenRequest {
            grant_type: Some("password"),
            ..code_request(&id, &code, Some(VERIFIER))
        },
        OAuthCode::UnsupportedGrantType,
    );
    refused(
        code_request("nobody", &code, Some(VERIFIER)),
        OAuthCode::InvalidClient,
    );

    let answer = e
        .oauth_token(&env.pool_id, &code_request(&id, &code, Some(VERIFIER)))
        .unwrap()
        .unwrap();
    assert!(!code_live(&env, &code));
    let id_claims = claims(&env, answer.id_token.as_deref().unwrap());
    assert_eq!(id_claims["nonce"], "n-0S6_WzA2Mj");
    assert_eq!(id_claims["aud"], id.as_str());
    assert_eq!(id_claims["email"], "ana@example.com");
    assert!(
        !id_claims.contains_key("given_name"),
        "profile was not granted"
    );
    let access = claims(&env, &answer.access_token);
    assert_eq!(access["scope"], "openid email");

    // Used once; a second redemption is refused.
    let again = e
        .oauth_token(&env.pool_id, &code_request(&id, &code, Some(VERIFIER)))
        .unwrap()
        .unwrap_err();
    assert_eq!(again.code, OAuthCode::InvalidGrant);

    // The access token lacks aws.cognito.signin.user.admin: GetUser's check refuses it.
    assert_get_user_refuses(&env, &e, &keys, &answer.access_token);

    // userInfo: the email scope's attributes, not the profile's.
    let info = e
        .userinfo(&env.pool_id, &answer.access_token)
        .unwrap()
        .unwrap();
    assert_eq!(info["email"], "ana@example.com");
    assert!(!info.contains_key("given_name"));

    // The refresh token keeps the scopes.
    let refresh = answer.refresh_token.unwrap();
    let refreshed = e
        .oauth_token(
            &env.pool_id,
            &TokenRequest {
                grant_type: Some("refresh_token"),
                refresh_token: Some(&refresh),
                client_id: Some(&id),
                ..TokenRequest::default()
            },
        )
        .unwrap()
        .unwrap();
    assert_eq!(
        claims(&env, &refreshed.access_token)["scope"],
        "openid email"
    );
    assert!(refreshed.refresh_token.is_none());

    // Revoked by the client: the refresh token and its access tokens stop working.
    let auth = TokenRequest {
        client_id: Some(&id),
        ..TokenRequest::default()
    };
    e.oauth_revoke(&env.pool_id, Some(&refresh), &auth)
        .unwrap()
        .unwrap();
    let after = e
        .userinfo(&env.pool_id, &refreshed.access_token)
        .unwrap()
        .unwrap_err();
    assert_eq!(after.code, OAuthCode::InvalidToken);
}

#[test]
fn a_code_expires_after_five_minutes() {
    let env = Env::new();
    user(&env);
    let keys = Loaded(&env);
    let e = engine(&env, &keys);
    let (id, _) = client(
        &env,
        false,
        oauth_settings(vec![OAuthFlow::Code], &["openid"]),
    );
    let location = signed_in_location(&env, &e, &request(&id, &[]));
    let code = query_value(&location, "code").unwrap();
    env.clock.advance(5 * 60 * 1000 + 1);
    let err = e
        .oauth_token(&env.pool_id, &code_request(&id, &code, None))
        .unwrap()
        .unwrap_err();
    assert_eq!(err.code, OAuthCode::InvalidGrant);
    assert!(err.description.contains("expired"), "{err}");
}

#[test]
fn a_confidential_client_authenticates_by_basic_or_body_and_a_wrong_secret_is_invalid_client() {
    let env = Env::new();
    user(&env);
    let keys = Loaded(&env);
    let e = engine(&env, &keys);
    let (id, secret) = client(
        &env,
        true,
        oauth_settings(vec![OAuthFlow::Code], &["openid"]),
    );
    let secret = secret.unwrap();
    let location = signed_in_location(&env, &e, &request(&id, &[]));
    let code = query_value(&location, "code").unwrap();
    for bad in [
        TokenRequest {
            basic: Some((&id, "wrong")),
            client_id: None,
            ..code_request(&id, &code, None)
        },
        TokenRequest {
            client_secret: Some("wrong"),
            ..code_request(&id, &code, None)
        },
        code_request(&id, &code, None),
    ] {
        let err = e.oauth_token(&env.pool_id, &bad).unwrap().unwrap_err();
        assert_eq!(err.code, OAuthCode::InvalidClient, "{bad:?}");
        assert_eq!(err.code.status(), 401);
    }
    assert!(code_live(&env, &code));
    let ok = e
        .oauth_token(
            &env.pool_id,
            &TokenRequest {
                basic: Some((&id, &secret)),
                client_id: None,
                ..code_request(&id, &code, None)
            },
        )
        .unwrap()
        .unwrap();
    assert!(ok.id_token.is_some());
}

#[test]
fn client_credentials_grants_custom_scopes_only_and_get_user_refuses_its_token() {
    let env = Env::new();
    let keys = Loaded(&env);
    let e = engine(&env, &keys);
    env.write(|tx, ctx| {
        user_pools::resource_servers::create(
            tx,
            ctx,
            &env.pool_id,
            &ResourceServerIdentifier::parse("https://api.test").unwrap(),
            "api",
            &[ResourceServerScope {
                scope_name: "read".into(),
                scope_description: "read".into(),
            }],
        )
    })
    .unwrap();
    let settings = oauth_settings(
        vec![OAuthFlow::ClientCredentials],
        &["https://api.test/read"],
    );
    let (id, secret) = client(&env, true, settings);
    let secret = secret.unwrap();
    let cc = |scope: Option<&'static str>| TokenRequest {
        grant_type: Some("client_credentials"),
        scope,
        basic: Some((&id, &secret)),
        ..TokenRequest::default()
    };
    let err = e
        .oauth_token(&env.pool_id, &cc(Some("openid")))
        .unwrap()
        .unwrap_err();
    assert_eq!(err.code, OAuthCode::InvalidScope);
    let answer = e
        .oauth_token(&env.pool_id, &cc(Some("https://api.test/read")))
        .unwrap()
        .unwrap();
    assert!(answer.id_token.is_none() && answer.refresh_token.is_none());
    let c = claims(&env, &answer.access_token);
    assert_eq!(c["sub"], id.as_str());
    assert_eq!(c["client_id"], id.as_str());
    assert_eq!(c["scope"], "https://api.test/read");
    assert_get_user_refuses(&env, &e, &keys, &answer.access_token);

    // A public client cannot use the grant.
    let (public, _) = client(
        &env,
        false,
        oauth_settings(vec![OAuthFlow::Code], &["openid"]),
    );
    let err = e
        .oauth_token(
            &env.pool_id,
            &TokenRequest {
                grant_type: Some("client_credentials"),
                client_id: Some(&public),
                ..TokenRequest::default()
            },
        )
        .unwrap()
        .unwrap_err();
    assert_eq!(err.code, OAuthCode::InvalidClient);
}

#[test]
fn the_implicit_grant_puts_tokens_in_the_fragment() {
    let env = Env::new();
    user(&env);
    let keys = Loaded(&env);
    let e = engine(&env, &keys);
    let (id, _) = client(
        &env,
        false,
        oauth_settings(vec![OAuthFlow::Implicit], &["openid", "profile"]),
    );
    let location = signed_in_location(&env, &e, &request(&id, &[("response_type", "token")]));
    assert!(
        location.starts_with(&format!("{CALLBACK}#access_token=")),
        "{location}"
    );
    let id_token = query_value(&location, "id_token").unwrap();
    let c = claims(&env, &id_token);
    assert_eq!(c["given_name"], "Ana");
    assert!(!c.contains_key("email"));
    assert_eq!(
        query_value(&location, "state").as_deref(),
        Some("st&te=1 ü")
    );
}

#[test]
fn the_refresh_token_grant_rotates_for_a_rotating_client_and_refuses_a_reused_token() {
    let env = Env::new();
    user(&env);
    let keys = Loaded(&env);
    let e = engine(&env, &keys);
    let settings = ClientSettings {
        refresh_token_rotation: RefreshTokenRotation {
            feature: Feature::Enabled,
            retry_grace_period_seconds: 0,
        },
        ..oauth_settings(vec![OAuthFlow::Code], &["openid", "email"])
    };
    let (id, _) = client(&env, false, settings);
    let challenge = pkce::s256(VERIFIER);
    let req = request(
        &id,
        &[
            ("scope", "openid email"),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ],
    );
    let location = signed_in_location(&env, &e, &req);
    let code = query_value(&location, "code").unwrap();
    let first = e
        .oauth_token(&env.pool_id, &code_request(&id, &code, Some(VERIFIER)))
        .unwrap()
        .unwrap();
    let old = first.refresh_token.unwrap();
    let refresh = |token: &str| {
        e.oauth_token(
            &env.pool_id,
            &TokenRequest {
                grant_type: Some("refresh_token"),
                refresh_token: Some(token),
                client_id: Some(&id),
                ..TokenRequest::default()
            },
        )
        .unwrap()
    };

    // A rotating client gets a new refresh token with the same scopes and an ID token.
    let rotated = refresh(&old).unwrap();
    let new = rotated
        .refresh_token
        .clone()
        .expect("a rotated refresh token");
    assert_ne!(new, old);
    assert!(rotated.id_token.is_some());
    assert_eq!(claims(&env, &rotated.access_token)["scope"], "openid email");

    // The replaced token, past its (zero) grace period, is a reuse: invalid_grant, and the
    // sign-in it belongs to ends, so the new token stops working too.
    env.clock.advance(1);
    let reused = refresh(&old).unwrap_err();
    assert_eq!(reused.code, OAuthCode::InvalidGrant);
    let after = refresh(&new).unwrap_err();
    assert_eq!(after.code, OAuthCode::InvalidGrant);
}

/// A Google provider with an identifier, made before the clients that name it.
fn with_google(env: &Env) {
    let details = domain::idp::normalise_details(
        domain::idp::ProviderType::Google,
        &[
            ("client_id", "google-client"),
            ("client_secret", "google-secret"),
            ("authorize_scopes", "openid email"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
    )
    .unwrap();
    env.write(|tx, ctx| {
        user_pools::idps::create(
            tx,
            ctx,
            &env.master,
            &env.pool_id,
            "Google",
            &user_pools::idps::IdpInput {
                provider_type: domain::idp::ProviderType::Google,
                details: &details,
                attribute_mapping: &Default::default(),
                acr_mapping: &Default::default(),
                idp_identifiers: &["example.com".to_string()],
            },
        )
    })
    .unwrap();
}

fn supporting(providers: &[&str]) -> ClientSettings {
    ClientSettings {
        supported_identity_providers: providers.iter().map(|p| p.to_string()).collect(),
        ..oauth_settings(vec![OAuthFlow::Code], &["openid", "email"])
    }
}

fn refused_with(r: std::result::Result<authorize::Authorized, Refusal>) -> (OAuthCode, String) {
    match r {
        Err(Refusal::Redirect {
            error,
            redirect_uri,
            ..
        }) => {
            assert_eq!(redirect_uri, CALLBACK);
            (error.code, error.description)
        }
        other => panic!("not a redirect refusal: {other:?}"),
    }
}

#[test]
fn authorize_resolves_the_named_provider_by_name_or_identifier_which_the_client_must_support() {
    let env = Env::new();
    with_google(&env);
    let (both, _) = client(&env, false, supporting(&["COGNITO", "Google"]));
    let (native, _) = client(&env, false, supporting(&["COGNITO"]));
    let (only_google, _) = client(&env, false, supporting(&["Google"]));

    // By name, and by one of its identifiers; COGNITO and no provider are the pool's own.
    let a = check(&env, &request(&both, &[("identity_provider", "Google")])).unwrap();
    assert_eq!(a.provider.as_ref().map(|p| p.name.as_str()), Some("Google"));
    assert!(a.cognito);
    let a = check(&env, &request(&both, &[("idp_identifier", "example.com")])).unwrap();
    assert_eq!(a.provider.as_ref().map(|p| p.name.as_str()), Some("Google"));
    assert!(
        check(&env, &request(&both, &[("identity_provider", "COGNITO")]))
            .unwrap()
            .provider
            .is_none()
    );
    assert!(
        check(&env, &request(&both, &[]))
            .unwrap()
            .provider
            .is_none()
    );

    // A provider the pool does not have, an identifier no provider has.
    let (code, d) = refused_with(check(
        &env,
        &request(&both, &[("identity_provider", "Facebook")]),
    ));
    assert_eq!(code, OAuthCode::InvalidRequest);
    assert!(d.contains("Facebook"), "{d}");
    let (code, _) = refused_with(check(
        &env,
        &request(&both, &[("idp_identifier", "elsewhere.example")]),
    ));
    assert_eq!(code, OAuthCode::InvalidRequest);

    // A provider of the pool that the client does not support.
    let (code, d) = refused_with(check(
        &env,
        &request(&native, &[("identity_provider", "Google")]),
    ));
    assert_eq!(code, OAuthCode::UnauthorizedClient);
    assert!(d.contains("SupportedIdentityProviders"), "{d}");

    // A client without COGNITO: no provider named is the page of provider buttons (no
    // password sign-in); COGNITO named is refused.
    let a = check(&env, &request(&only_google, &[])).unwrap();
    assert!(a.provider.is_none() && !a.cognito);
    let (code, d) = refused_with(check(
        &env,
        &request(&only_google, &[("identity_provider", "COGNITO")]),
    ));
    assert_eq!(code, OAuthCode::UnauthorizedClient);
    assert!(d.contains("COGNITO"), "{d}");
}

/// Codes are found by no index of their client or user: deleting either still removes the
/// codes it had outstanding (the foreign keys' cascade), and a later exchange finds nothing.
#[test]
fn deleting_a_client_or_a_user_removes_their_outstanding_codes() {
    let env = Env::new();
    user(&env);
    let keys = Loaded(&env);
    let e = engine(&env, &keys);
    let settings = oauth_settings(vec![OAuthFlow::Code], &["openid"]);
    let (doomed, _) = client(&env, false, settings.clone());
    let (kept, _) = client(&env, false, settings);
    let of_doomed = query_value(
        &signed_in_location(&env, &e, &request(&doomed, &[])),
        "code",
    )
    .unwrap();
    let of_kept = query_value(&signed_in_location(&env, &e, &request(&kept, &[])), "code").unwrap();
    let second_of_kept =
        query_value(&signed_in_location(&env, &e, &request(&kept, &[])), "code").unwrap();
    assert!(code_live(&env, &of_doomed) && code_live(&env, &of_kept));

    env.write(|tx, _| user_pools::clients::delete(tx, &env.pool_id, &doomed))
        .unwrap();
    assert!(
        !code_live(&env, &of_doomed),
        "the deleted client's code is gone"
    );
    assert!(code_live(&env, &of_kept), "another client's code stays");

    env.write(|tx, _| user_pools::users::delete(tx, &env.pool_id, "ana"))
        .unwrap();
    assert!(!code_live(&env, &of_kept) && !code_live(&env, &second_of_kept));
    let err = e
        .oauth_token(&env.pool_id, &code_request(&kept, &of_kept, None))
        .unwrap()
        .unwrap_err();
    assert_eq!(err.code, OAuthCode::InvalidGrant);
}
