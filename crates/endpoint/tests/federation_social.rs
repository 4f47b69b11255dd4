//! Sign-in through the social presets — Google, Facebook, Login with Amazon, Sign in with
//! Apple — on the hosted pages, over real HTTP on 127.0.0.1:0, the whole way: the provider's
//! base URL is moved to a stand-in (`testkit::SocialIdp`, speaking as the provider documents)
//! through the console's social endpoints, the same setting identity pools use, and nothing
//! else changes. The authorize redirect, the code exchange (Apple's ES256 client secret,
//! Facebook's GET), the ID token (Google, Apple), the profile (Facebook's Graph `/me` with the
//! mapped fields, Amazon's `/user/profile`) all land at the stand-in; the user made is
//! `<Provider>_<id>` with the mapped attributes and the `identities` claim. A forged Google ID
//! token goes back to the app as an error; a provider that cannot be reached is a 502 page
//! naming it, and nothing is made.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::federation::*;
use federation::SocialEndpoints;
use serde_json::{Value, json};
use testkit::http::{self, Request};
use testkit::{Consent, SocialIdp};

/// A user pool with a public app client whose only provider is `ty`, configured with
/// `details` and `mapping`.
struct App {
    pool: String,
    client: String,
    /// `http://localhost:PORT`, as the app's browser reaches the pool.
    base: String,
}

fn app(s: &Server, ty: &str, details: Value, mapping: Value) -> App {
    let pool = s.idp("CreateUserPool", json!({"PoolName": "app"}))["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    s.idp(
        "CreateIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": ty, "ProviderType": ty,
               "ProviderDetails": details, "AttributeMapping": mapping}),
    );
    let client = s.idp(
        "CreateUserPoolClient",
        json!({
            "UserPoolId": pool, "ClientName": "web",
            "CallbackURLs": [CALLBACK],
            "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid", "email", "profile"],
            "AllowedOAuthFlowsUserPoolClient": true,
            "SupportedIdentityProviders": [ty],
        }),
    )["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_string();
    App {
        pool,
        client,
        base: format!("http://localhost:{}", s.addr.port()),
    }
}

impl App {
    fn authorize(&self, ty: &str) -> String {
        let q = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("client_id", self.client.as_str()),
                ("redirect_uri", CALLBACK),
                ("response_type", "code"),
                ("scope", "openid email profile"),
                ("state", STATE),
                ("identity_provider", ty),
            ])
            .finish();
        format!("{}/{}/oauth2/authorize?{q}", self.base, self.pool)
    }

    fn idpresponse(&self) -> String {
        format!("{}/{}/oauth2/idpresponse", self.base, self.pool)
    }

    /// Redeems the app's code: the ID token's claims.
    fn redeem(&self, s: &Server, code: &str) -> Value {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", CALLBACK),
                ("client_id", &self.client),
            ])
            .finish();
        let r = http::send(
            s.addr,
            "POST",
            &format!("/{}/oauth2/token", self.pool),
            &[("Content-Type", "application/x-www-form-urlencoded")],
            body.as_bytes(),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        claims(r.json()["id_token"].as_str().unwrap())
    }
}

/// Moves the stand-in's provider to it, as `POOLHOUSE_SOCIAL_ENDPOINTS` would.
fn move_to(s: &Server, idp: &SocialIdp) {
    let mut endpoints = SocialEndpoints::default();
    for (provider, base) in idp.overrides() {
        endpoints = endpoints.with_override(provider, &base).unwrap();
    }
    s.console.console().set_social_endpoints(endpoints).unwrap();
}

/// The whole sign-in through `ty`: the redirect to the stand-in (checked to be at
/// `authorize_path` with the client's id), the user's consent there, the answer brought back
/// (Apple's `form_post` cross-site, then the same-site GET) and the app's code redeemed: the
/// ID token's claims.
fn sign_in(s: &Server, a: &App, idp: &SocialIdp, ty: &str, authorize_path: &str) -> Value {
    let mut browser = Browser::new(s);
    let to = location(&browser.get(&a.authorize(ty)));
    assert!(
        to.starts_with(&format!("{}{authorize_path}?", idp.base())),
        "{ty}: {to}"
    );
    assert_eq!(
        param(&to, "redirect_uri").as_deref(),
        Some(a.idpresponse().as_str())
    );
    let back = match idp.consent(&to) {
        Consent::Redirect(back) => {
            assert!(back.starts_with(&a.idpresponse()), "{ty}: {back}");
            back
        }
        Consent::FormPost { action, fields } => {
            assert_eq!(action, a.idpresponse());
            let r = http::send(
                s.addr,
                "POST",
                &format!("/{}/oauth2/idpresponse", a.pool),
                &[
                    ("Host", &format!("localhost:{}", s.addr.port())),
                    ("Content-Type", "application/x-www-form-urlencoded"),
                    ("Origin", "https://appleid.apple.com"),
                ],
                form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(&fields)
                    .finish()
                    .as_bytes(),
            );
            assert_eq!(r.status, 303, "{}", r.body);
            format!("{}{}", a.base, r.header("location").unwrap())
        }
    };
    let done = location(&browser.get(&back));
    assert!(
        done.starts_with(&format!("{CALLBACK}?code=")),
        "{ty}: {done}"
    );
    assert_eq!(param(&done, "state").as_deref(), Some(STATE));
    a.redeem(s, &param(&done, "code").unwrap())
}

fn identity(id: &Value, provider: &str, user_id: &str) {
    let identities = id["identities"].as_array().unwrap();
    assert_eq!(identities.len(), 1, "{id}");
    assert_eq!(identities[0]["providerName"], provider);
    assert_eq!(identities[0]["providerType"], provider);
    assert_eq!(identities[0]["userId"], user_id);
    assert_eq!(identities[0]["primary"], "true");
}

fn form_of(r: &Request) -> Vec<(String, String)> {
    form_urlencoded::parse(&r.body).into_owned().collect()
}

fn query_of(r: &Request) -> Vec<(String, String)> {
    let q = r.path.split_once('?').map_or("", |(_, q)| q);
    form_urlencoded::parse(q.as_bytes()).into_owned().collect()
}

fn get<'a>(pairs: &'a [(String, String)], k: &str) -> Option<&'a str> {
    pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

#[test]
fn google_signs_in_at_the_stand_in_with_its_id_token_checked_by_the_published_keys() {
    let s = Server::start();
    let user = json!({"sub": "108200000000000000001", "email": "gina@gmail.test",
                      "email_verified": true, "name": "Gina Google", "given_name": "Gina",
                      "family_name": "Google", "locale": "en"});
    let idp = SocialIdp::google("g-client.apps.googleusercontent.com", "g-secret", user);
    move_to(&s, &idp);
    let a = app(
        &s,
        "Google",
        json!({"client_id": "g-client.apps.googleusercontent.com", "client_secret": "g-secret",
               "authorize_scopes": "openid email profile"}),
        json!({"email": "email", "name": "name", "given_name": "given_name",
               "family_name": "family_name"}),
    );
    // Describe still shows Google's own endpoints: only where they are asked moved.
    let shown = s.idp(
        "DescribeIdentityProvider",
        json!({"UserPoolId": a.pool, "ProviderName": "Google"}),
    )["IdentityProvider"]["ProviderDetails"]
        .clone();
    assert_eq!(
        shown["token_url"],
        "https://www.googleapis.com/oauth2/v4/token"
    );

    let id = sign_in(&s, &a, &idp, "Google", "/o/oauth2/v2/auth");
    let username = "Google_108200000000000000001";
    assert_eq!(id["cognito:username"], username);
    assert_eq!(id["email"], "gina@gmail.test");
    assert_eq!(id["given_name"], "Gina");
    identity(&id, "Google", "108200000000000000001");
    let u = s.user(&a.pool, username).unwrap();
    assert_eq!(u["UserStatus"], "EXTERNAL_PROVIDER");
    assert_eq!(attribute(&u, "family_name").as_deref(), Some("Google"));
    assert_eq!(attribute(&u, "name").as_deref(), Some("Gina Google"));
    assert_eq!(attribute(&u, "locale"), None, "not mapped");

    // The code exchange: a form POST with client_secret_post and the idpresponse; the keys
    // found through Google's discovery document at the stand-in.
    let reqs = idp.requests();
    let token = reqs.iter().find(|r| r.path == "/oauth2/v4/token").unwrap();
    assert_eq!(token.method, "POST");
    let f = form_of(token);
    assert_eq!(get(&f, "grant_type"), Some("authorization_code"));
    assert_eq!(get(&f, "client_secret"), Some("g-secret"));
    assert_eq!(get(&f, "redirect_uri"), Some(a.idpresponse().as_str()));
    for path in ["/.well-known/openid-configuration", "/oauth2/v3/certs"] {
        assert!(reqs.iter().any(|r| r.path == path), "{path} asked");
    }

    // An ID token Google's published keys do not verify goes back to the app as an error;
    // the user is not touched.
    idp.forge_id_tokens(true);
    idp.set_user(json!({"sub": "108200000000000000001", "email": "mallory@gmail.test"}));
    let mut browser = Browser::new(&s);
    let to = location(&browser.get(&a.authorize("Google")));
    let Consent::Redirect(back) = idp.consent(&to) else {
        panic!("Google answers with a redirect")
    };
    let refused = location(&browser.get(&back));
    assert!(
        refused.starts_with(&format!("{CALLBACK}?error=invalid_request")),
        "{refused}"
    );
    assert!(
        param(&refused, "error_description")
            .unwrap()
            .contains("signature"),
        "{refused}"
    );
    let u = s.user(&a.pool, username).unwrap();
    assert_eq!(attribute(&u, "email").as_deref(), Some("gina@gmail.test"));
}

#[test]
fn facebook_exchanges_the_code_with_a_get_and_reads_the_mapped_fields_of_me() {
    let s = Server::start();
    let user = json!({"id": "10150000000000001", "email": "fay@facebook.test",
                      "name": "Fay Book", "first_name": "Fay", "last_name": "Book",
                      "birthday": "01/01/1990"});
    let idp = SocialIdp::facebook("fb-app", "fb-secret", user);
    move_to(&s, &idp);
    let a = app(
        &s,
        "Facebook",
        json!({"client_id": "fb-app", "client_secret": "fb-secret",
               "authorize_scopes": "public_profile,email"}),
        json!({"email": "email", "given_name": "first_name", "family_name": "last_name"}),
    );
    let id = sign_in(&s, &a, &idp, "Facebook", "/v17.0/dialog/oauth");
    let username = "Facebook_10150000000000001";
    assert_eq!(id["cognito:username"], username);
    assert_eq!(id["email"], "fay@facebook.test");
    identity(&id, "Facebook", "10150000000000001");
    let u = s.user(&a.pool, username).unwrap();
    assert_eq!(attribute(&u, "given_name").as_deref(), Some("Fay"));
    assert_eq!(attribute(&u, "family_name").as_deref(), Some("Book"));
    assert_eq!(attribute(&u, "birthdate"), None);

    let reqs = idp.requests();
    let token = reqs
        .iter()
        .find(|r| r.path.starts_with("/v17.0/oauth/access_token?"))
        .unwrap();
    assert_eq!(token.method, "GET");
    let q = query_of(token);
    assert_eq!(get(&q, "client_id"), Some("fb-app"));
    assert_eq!(get(&q, "client_secret"), Some("fb-secret"));
    assert_eq!(get(&q, "redirect_uri"), Some(a.idpresponse().as_str()));
    assert!(get(&q, "code").is_some());
    // /me is asked for the user's id and exactly the mapped fields.
    let me = reqs
        .iter()
        .find(|r| r.path.starts_with("/v17.0/me?"))
        .unwrap();
    let mut fields: Vec<String> = get(&query_of(me), "fields")
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    fields.sort();
    assert_eq!(fields, ["email", "first_name", "id", "last_name"]);
    assert!(me.header("authorization").unwrap().starts_with("Bearer "));
}

#[test]
fn login_with_amazon_reads_the_user_id_and_profile_at_its_api() {
    let s = Server::start();
    let user = json!({"user_id": "amzn1.account.AF2EXAMPLE", "email": "al@amazon.test",
                      "name": "Al Amazon", "postal_code": "98101"});
    let idp = SocialIdp::amazon("amzn1.application-oa2-client.1", "amzn-secret", user);
    move_to(&s, &idp);
    let a = app(
        &s,
        "LoginWithAmazon",
        json!({"client_id": "amzn1.application-oa2-client.1", "client_secret": "amzn-secret",
               "authorize_scopes": "profile postal_code"}),
        json!({"email": "email", "name": "name", "address": "postal_code"}),
    );
    let id = sign_in(&s, &a, &idp, "LoginWithAmazon", "/ap/oa");
    let username = "LoginWithAmazon_amzn1.account.AF2EXAMPLE";
    assert_eq!(id["cognito:username"], username);
    assert_eq!(id["email"], "al@amazon.test");
    identity(&id, "LoginWithAmazon", "amzn1.account.AF2EXAMPLE");
    let u = s.user(&a.pool, username).unwrap();
    assert_eq!(attribute(&u, "name").as_deref(), Some("Al Amazon"));
    assert_eq!(attribute(&u, "address").as_deref(), Some("98101"));
    let reqs = idp.requests();
    let token = reqs.iter().find(|r| r.path == "/auth/o2/token").unwrap();
    assert_eq!(token.method, "POST");
    assert_eq!(get(&form_of(token), "client_secret"), Some("amzn-secret"));
    let profile = reqs.iter().find(|r| r.path == "/user/profile").unwrap();
    assert!(
        profile
            .header("authorization")
            .unwrap()
            .starts_with("Bearer Atza|")
    );
}

#[test]
fn sign_in_with_apple_posts_its_answer_and_is_paid_with_an_es256_client_secret() {
    let s = Server::start();
    let user = json!({"sub": "001234.5f6e7d8c9b0a.1234", "email": "ann@privaterelay.apple.test",
                      "email_verified": "true",
                      "name": {"firstName": "Ann", "lastName": "Apple"}});
    let idp = SocialIdp::apple("com.example.web", "TEAM123456", "KEY1234567", user);
    move_to(&s, &idp);
    let a = app(
        &s,
        "SignInWithApple",
        json!({"client_id": "com.example.web", "team_id": "TEAM123456",
               "key_id": "KEY1234567", "private_key": idp.team_key_pem(),
               "authorize_scopes": "email name"}),
        json!({"email": "email", "given_name": "firstName", "family_name": "lastName"}),
    );
    let id = sign_in(&s, &a, &idp, "SignInWithApple", "/auth/authorize");
    let username = "SignInWithApple_001234.5f6e7d8c9b0a.1234";
    assert_eq!(id["cognito:username"], username);
    assert_eq!(id["email"], "ann@privaterelay.apple.test");
    identity(&id, "SignInWithApple", "001234.5f6e7d8c9b0a.1234");
    // The name came in the first sign-in's `user`, not in the ID token.
    let u = s.user(&a.pool, username).unwrap();
    assert_eq!(attribute(&u, "given_name").as_deref(), Some("Ann"));
    assert_eq!(attribute(&u, "family_name").as_deref(), Some("Apple"));
    // The stand-in took the client secret only because it verified with the team's key.
    let reqs = idp.requests();
    let token = reqs.iter().find(|r| r.path == "/auth/token").unwrap();
    let secret = get(&form_of(token), "client_secret").unwrap().to_string();
    let header = jsonwebtoken::decode_header(&secret).unwrap();
    assert_eq!(header.alg, jsonwebtoken::Algorithm::ES256);
    assert_eq!(header.kid.as_deref(), Some("KEY1234567"));
    for path in ["/.well-known/openid-configuration", "/auth/keys"] {
        assert!(reqs.iter().any(|r| r.path == path), "{path} asked");
    }
    // A second sign-in: Apple sends no `user` any more; the user is the same one.
    let id = sign_in(&s, &a, &idp, "SignInWithApple", "/auth/authorize");
    assert_eq!(id["cognito:username"], username);
    assert_eq!(s.user_count(&a.pool), 1);
}

#[test]
fn a_social_provider_that_cannot_be_reached_is_a_page_naming_it_and_nothing_is_made() {
    // A port that was free a moment ago: nothing listens there.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let s = Server::start();
    let endpoints = SocialEndpoints::default()
        .with_overrides(&format!(
            "accounts.google.com={closed},graph.facebook.com={closed},www.amazon.com={closed},\
             api.amazon.com={closed},appleid.apple.com={closed}"
        ))
        .unwrap();
    s.console.console().set_social_endpoints(endpoints).unwrap();
    let pem = testkit::SigningKey::es256("KEY1234567").private_pem;
    for (ty, details) in [
        (
            "Google",
            json!({"client_id": "g", "client_secret": "s", "authorize_scopes": "openid email"}),
        ),
        (
            "Facebook",
            json!({"client_id": "f", "client_secret": "s", "authorize_scopes": "email"}),
        ),
        (
            "LoginWithAmazon",
            json!({"client_id": "a", "client_secret": "s", "authorize_scopes": "profile"}),
        ),
        (
            "SignInWithApple",
            json!({"client_id": "com.example.web", "team_id": "TEAM123456",
                   "key_id": "KEY1234567", "private_key": pem, "authorize_scopes": "email"}),
        ),
    ] {
        let a = app(&s, ty, details, json!({"email": "email"}));
        let mut browser = Browser::new(&s);
        let to = location(&browser.get(&a.authorize(ty)));
        assert!(to.starts_with(&closed), "{ty}: {to}");
        // The browser would fail at the provider; an answer brought anyway makes Poolhouse
        // ask the provider's token endpoint, which cannot be reached.
        let q = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("code", "c"),
                ("state", param(&to, "state").unwrap().as_str()),
            ])
            .finish();
        let r = browser.get(&format!("{}?{q}", a.idpresponse()));
        assert_eq!(r.status, 502, "{ty}: {}", r.body);
        assert!(r.header("location").is_none());
        assert!(
            r.body.contains(&format!("{ty} could not be asked")),
            "{ty}: {}",
            r.body
        );
        assert!(r.body.contains("could not be reached"), "{ty}: {}", r.body);
        assert_eq!(s.user_count(&a.pool), 0, "{ty}");
    }
}
