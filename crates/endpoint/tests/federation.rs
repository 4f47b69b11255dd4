//! Sign-in through an OIDC provider on the hosted pages, over real HTTP on 127.0.0.1:0, where
//! the provider is another Poolhouse user pool on the same server: pool B (with a domain and a
//! confidential client whose callback is pool A's `/oauth2/idpresponse`) is pool A's OIDC
//! provider, its endpoints found by discovery. A cookie-keeping client drives the redirects
//! through both pools' pages. And the refusals: the provider's error, a tampered, foreign or
//! expired state, an answer brought to another browser, a token made for another request
//! (nonce), and — from a stand-in issuer whose token endpoint the test scripts — a wrong
//! audience, a forged signature, an expired token. A refusal creates nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::federation::*;
use common::hidden_fields;
use serde_json::{Value, json};
use testkit::http::{self, Reply};
use testkit::oidc_idp::{OidcIssuer, SigningKey};

/// Pool A (the app's) and pool B (its OIDC provider, `PoolB`), with their clients and users.
struct Pools {
    a: String,
    a_client: String,
    b: String,
    /// `http://localhost:PORT`: the address the app's browser uses for pool A, the one B's
    /// client registered as callback.
    a_base: String,
}

const PROVIDER: &str = "PoolB";

fn pools(s: &Server) -> Pools {
    let port = s.addr.port();
    let b = s.idp("CreateUserPool", json!({"PoolName": "provider"}))["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    s.idp(
        "CreateUserPoolDomain",
        json!({"UserPoolId": b, "Domain": format!("provider-{}", port)}),
    );
    let a = s.idp("CreateUserPool", json!({"PoolName": "app"}))["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let a_base = format!("http://localhost:{port}");
    let b_client = s.idp(
        "CreateUserPoolClient",
        json!({
            "UserPoolId": b, "ClientName": "pool-a", "GenerateSecret": true,
            "CallbackURLs": [format!("{a_base}/{a}/oauth2/idpresponse")],
            "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid", "email", "profile"],
            "AllowedOAuthFlowsUserPoolClient": true, "SupportedIdentityProviders": ["COGNITO"],
        }),
    )["UserPoolClient"]
        .clone();
    for (name, email) in [("bob", "bob@corp.example"), ("carol", "carol@corp.example")] {
        s.idp(
            "AdminCreateUser",
            json!({"UserPoolId": b, "Username": name, "MessageAction": "SUPPRESS",
                   "UserAttributes": [{"Name": "email", "Value": email},
                                      {"Name": "name", "Value": format!("{name} of B")}]}),
        );
        s.idp(
            "AdminSetUserPassword",
            json!({"UserPoolId": b, "Username": name, "Password": PASSWORD, "Permanent": true}),
        );
    }
    s.idp(
        "CreateIdentityProvider",
        json!({
            "UserPoolId": a, "ProviderName": PROVIDER, "ProviderType": "OIDC",
            "ProviderDetails": {
                "client_id": b_client["ClientId"], "client_secret": b_client["ClientSecret"],
                "attributes_request_method": "GET",
                "oidc_issuer": format!("http://127.0.0.1:{port}/{b}"),
                "authorize_scopes": "openid email profile",
            },
            "AttributeMapping": {"email": "email", "name": "name"},
            "IdpIdentifiers": ["corp.example"],
        }),
    );
    let a_client = s.idp(
        "CreateUserPoolClient",
        json!({
            "UserPoolId": a, "ClientName": "web",
            "CallbackURLs": [CALLBACK],
            "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid", "email", "profile"],
            "AllowedOAuthFlowsUserPoolClient": true,
            "SupportedIdentityProviders": ["COGNITO", PROVIDER],
        }),
    )["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_string();
    Pools {
        a,
        a_client,
        b,
        a_base,
    }
}

impl Pools {
    /// A location PoolA's pages answered, as a URL the browser can follow.
    fn absolute(&self, location: &str) -> String {
        if location.starts_with("http") {
            location.to_string()
        } else {
            format!("{}{location}", self.a_base)
        }
    }

    fn authorize(&self, extra: &[(&str, &str)]) -> String {
        let mut pairs = vec![
            ("client_id", self.a_client.as_str()),
            ("redirect_uri", CALLBACK),
            ("response_type", "code"),
            ("scope", "openid email profile"),
            ("state", STATE),
            ("nonce", "app-nonce"),
        ];
        pairs.extend_from_slice(extra);
        let q = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        format!("{}/{}/oauth2/authorize?{q}", self.a_base, self.a)
    }
}

/// Starts a sign-in through pool B and signs `user` in on B's page: answers the URL of pool
/// A's idpresponse that B sends the browser to.
fn through_b(b: &mut Browser<'_>, p: &Pools, user: &str) -> String {
    let started = b.get(&p.authorize(&[("identity_provider", PROVIDER)]));
    let set = started
        .headers
        .iter()
        .find(|(k, v)| k == "set-cookie" && v.starts_with("poolhouse-federation="))
        .map(|(_, v)| v.clone())
        .unwrap();
    assert!(
        set.contains("HttpOnly")
            && set.contains("SameSite=Lax")
            && set.contains(&format!("Path=/{}/", p.a))
            && set.contains("Max-Age=300"),
        "{set}"
    );
    let to_b = location(&started);
    assert!(
        to_b.starts_with(&format!(
            "http://127.0.0.1:{}/{}/oauth2/authorize?",
            b.server.addr.port(),
            p.b
        )),
        "{to_b}"
    );
    assert_eq!(
        param(&to_b, "redirect_uri").unwrap(),
        format!("{}/{}/oauth2/idpresponse", p.a_base, p.a)
    );
    assert_eq!(param(&to_b, "response_type").as_deref(), Some("code"));
    assert_eq!(
        param(&to_b, "scope").as_deref(),
        Some("openid email profile")
    );
    assert!(param(&to_b, "nonce").is_some_and(|n| n != "app-nonce"));
    assert!(b.has_cookie("poolhouse-federation"));
    let login = location(&b.get(&to_b));
    let login = if login.starts_with("http") {
        login
    } else {
        format!("http://127.0.0.1:{}{login}", b.server.addr.port())
    };
    let page = b.get(&login);
    assert_eq!(page.status, 200, "{}", page.body);
    let mut fields = hidden_fields(&page.body);
    fields.push(("username".into(), user.into()));
    fields.push(("password".into(), PASSWORD.into()));
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let action = login.split('?').next().unwrap().to_string();
    let back = location(&b.send("POST", &action, Some(&borrowed)));
    assert!(
        back.starts_with(&format!("{}/{}/oauth2/idpresponse?", p.a_base, p.a)),
        "{back}"
    );
    back
}

/// Redeems a code of pool A's public client: the token response.
fn redeem(s: &Server, p: &Pools, code: &str) -> Value {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", CALLBACK),
            ("client_id", &p.a_client),
        ])
        .finish();
    let r = http::send(
        s.addr,
        "POST",
        &format!("/{}/oauth2/token", p.a),
        &[("Content-Type", "application/x-www-form-urlencoded")],
        body.as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    serde_json::from_str(&r.body).unwrap()
}

fn sub_in(s: &Server, pool: &str, user: &str) -> String {
    let u = s.user(pool, user).unwrap();
    u["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == "sub")
        .unwrap()["Value"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_user_of_pool_b_signs_in_to_pool_a_is_created_then_updated_and_a_linked_user_gets_the_tokens() {
    let s = Server::start();
    let p = pools(&s);
    let bob_sub = sub_in(&s, &p.b, "bob");
    let federated = format!("{PROVIDER}_{bob_sub}");

    let mut browser = Browser::new(&s);
    let back = through_b(&mut browser, &p, "bob");
    let done = location(&browser.get(&back));
    assert!(done.starts_with(&format!("{CALLBACK}?code=")), "{done}");
    assert_eq!(param(&done, "state").as_deref(), Some(STATE));
    assert!(
        !browser.has_cookie("poolhouse-federation"),
        "the binding is used up"
    );
    let tokens = redeem(&s, &p, &param(&done, "code").unwrap());
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["cognito:username"], federated);
    assert_eq!(id["email"], "bob@corp.example");
    assert_eq!(id["nonce"], "app-nonce");
    assert_eq!(id["cognito:groups"], json!([format!("{}_{PROVIDER}", p.a)]));
    let identities = id["identities"].as_array().unwrap();
    assert_eq!(identities.len(), 1);
    assert_eq!(identities[0]["userId"], bob_sub);
    assert_eq!(identities[0]["providerName"], PROVIDER);
    assert_eq!(identities[0]["providerType"], "OIDC");
    let user = s.user(&p.a, &federated).unwrap();
    assert_eq!(user["UserStatus"], "EXTERNAL_PROVIDER");
    // The sign-in is an auth event that names the provider, from the browser's address.
    let events = s.idp(
        "AdminListUserAuthEvents",
        json!({"UserPoolId": p.a, "Username": federated}),
    )["AuthEvents"]
        .clone();
    assert_eq!(events[0]["EventType"], "SignIn");
    assert_eq!(events[0]["EventResponse"], "Pass");
    assert_eq!(events[0]["Detail"], "Signed in through PoolB");
    assert_eq!(events[0]["EventContextData"]["IpAddress"], "127.0.0.1");
    assert_eq!(attribute(&user, "name").as_deref(), Some("bob of B"));

    // A second sign-in refreshes the mapped attributes from the provider's current ones.
    s.idp(
        "AdminUpdateUserAttributes",
        json!({"UserPoolId": p.b, "Username": "bob",
               "UserAttributes": [{"Name": "name", "Value": "Robert of B"}]}),
    );
    let mut again = Browser::new(&s);
    let back = through_b(&mut again, &p, "bob");
    let done = location(&again.get(&back));
    assert!(done.starts_with(&format!("{CALLBACK}?code=")), "{done}");
    let user = s.user(&p.a, &federated).unwrap();
    assert_eq!(attribute(&user, "name").as_deref(), Some("Robert of B"));
    assert_eq!(s.user_count(&p.a), 1);

    // The browser keeps pool A's session: the app's next authorize comes straight back.
    let next = location(&again.get(&p.authorize(&[])));
    assert!(next.starts_with(&format!("{CALLBACK}?code=")), "{next}");

    // carol of B, linked beforehand to ana (a native user of A), signs in as ana.
    s.idp(
        "AdminCreateUser",
        json!({"UserPoolId": p.a, "Username": "ana", "MessageAction": "SUPPRESS",
               "UserAttributes": [{"Name": "email", "Value": "ana@app.example"}]}),
    );
    let carol_sub = sub_in(&s, &p.b, "carol");
    s.idp(
        "AdminLinkProviderForUser",
        json!({"UserPoolId": p.a,
               "DestinationUser": {"ProviderName": "Cognito", "ProviderAttributeValue": "ana"},
               "SourceUser": {"ProviderName": PROVIDER,
                              "ProviderAttributeName": "Cognito_Subject",
                              "ProviderAttributeValue": carol_sub}}),
    );
    let mut third = Browser::new(&s);
    let back = through_b(&mut third, &p, "carol");
    let done = location(&third.get(&back));
    let tokens = redeem(&s, &p, &param(&done, "code").unwrap());
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["cognito:username"], "ana");
    assert_eq!(id["email"], "ana@app.example");
    assert!(s.user(&p.a, &format!("{PROVIDER}_{carol_sub}")).is_none());

    // AdminDisableProviderForUser: bob's identity can no longer sign in; nothing is made.
    s.idp(
        "AdminDisableProviderForUser",
        json!({"UserPoolId": p.a,
               "User": {"ProviderName": PROVIDER, "ProviderAttributeName": "Cognito_Subject",
                        "ProviderAttributeValue": bob_sub}}),
    );
    let mut fourth = Browser::new(&s);
    let back = through_b(&mut fourth, &p, "bob");
    let refused = location(&fourth.get(&back));
    assert!(
        refused.starts_with(&format!("{CALLBACK}?error=invalid_request")),
        "{refused}"
    );
    assert_eq!(param(&refused, "state").as_deref(), Some(STATE));
    assert!(
        param(&refused, "error_description")
            .unwrap()
            .contains("disabled")
    );
}

#[test]
fn the_providers_error_goes_back_to_the_app_and_bad_states_are_pages_that_create_nothing() {
    let s = Server::start();
    let p = pools(&s);

    // The provider's error, with the app's state untouched.
    let mut browser = Browser::new(&s);
    let to_b = location(&browser.get(&p.authorize(&[("identity_provider", PROVIDER)])));
    let state = param(&to_b, "state").unwrap();
    let q = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("error", "access_denied"),
            ("error_description", "the user said no"),
            ("state", state.as_str()),
        ])
        .finish();
    let back = location(&browser.get(&format!("{}/{}/oauth2/idpresponse?{q}", p.a_base, p.a)));
    assert!(
        back.starts_with(&format!("{CALLBACK}?error=access_denied")),
        "{back}"
    );
    assert_eq!(param(&back, "state").as_deref(), Some(STATE));
    assert!(
        param(&back, "error_description")
            .unwrap()
            .contains("the user said no")
    );

    // Tampered, foreign (another pool's idpresponse) and missing states: pages, no Location.
    let mut browser = Browser::new(&s);
    let back = through_b(&mut browser, &p, "bob");
    let state = param(&back, "state").unwrap();
    let mut tampered = state.clone().into_bytes();
    tampered[20] = if tampered[20] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    for url in [
        with_param(&back, "state", &tampered),
        back.replace(&format!("/{}/", p.a), &format!("/{}/", p.b)),
        back.split('?').next().unwrap().to_string() + "?code=x",
    ] {
        let r = browser.get(&url);
        assert_eq!(r.status, 400, "{url}: {}", r.body);
        assert!(r.header("location").is_none());
    }
    // Brought to another browser (no binding cookie): refused, nothing made.
    let mut other = Browser::new(&s);
    let r = other.get(&back);
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.header("location").is_none());
    assert_eq!(s.user_count(&p.a), 0);
    // The browser that started it finishes it, once: a replay is refused.
    let done = location(&browser.get(&back));
    assert!(done.starts_with(&format!("{CALLBACK}?code=")), "{done}");
    let r = browser.get(&back);
    assert_eq!(r.status, 403, "{}", r.body);

    // Expired: five minutes and the state no longer opens.
    let mut late = Browser::new(&s);
    let back = through_b(&mut late, &p, "carol");
    s.advance(5 * 60 * 1000 + 1000);
    let r = late.get(&back);
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(s.user_count(&p.a), 1);
}

#[test]
fn a_token_made_for_another_request_is_refused_by_its_nonce() {
    let s = Server::start();
    let p = pools(&s);
    let mut browser = Browser::new(&s);
    // A first sign-in at B answers a code whose ID token carries the first state's nonce…
    let first = through_b(&mut browser, &p, "bob");
    // …and a second sign-in started in the same browser carries another nonce.
    let second = location(&browser.get(&p.authorize(&[("identity_provider", PROVIDER)])));
    let mixed = with_param(&first, "state", &param(&second, "state").unwrap());
    let refused = location(&browser.get(&mixed));
    assert!(
        refused.starts_with(&format!("{CALLBACK}?error=invalid_request")),
        "{refused}"
    );
    assert!(
        param(&refused, "error_description")
            .unwrap()
            .contains("nonce"),
        "{refused}"
    );
    assert_eq!(s.user_count(&p.a), 0);
}

/// A provider on a stand-in issuer whose token endpoint the test scripts.
fn stand_in(s: &Server, p: &Pools, issuer: &OidcIssuer) {
    let base = issuer.routes().base();
    s.idp(
        "CreateIdentityProvider",
        json!({
            "UserPoolId": p.a, "ProviderName": "Standin", "ProviderType": "OIDC",
            "ProviderDetails": {
                "client_id": "standin-client", "client_secret": "standin-secret",
                "attributes_request_method": "GET",
                "oidc_issuer": issuer.issuer(),
                "authorize_scopes": "openid email",
                "authorize_url": format!("{base}/idp/authorize"),
                "token_url": format!("{base}/idp/token"),
                "attributes_url": format!("{base}/idp/userinfo"),
                "jwks_uri": format!("{base}/idp/jwks.json"),
            },
            "AttributeMapping": {"email": "email"},
        }),
    );
    s.idp(
        "UpdateUserPoolClient",
        json!({
            "UserPoolId": p.a, "ClientId": p.a_client,
            "CallbackURLs": [CALLBACK],
            "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid", "email", "profile"],
            "AllowedOAuthFlowsUserPoolClient": true,
            "SupportedIdentityProviders": ["COGNITO", PROVIDER, "Standin"],
        }),
    );
}

#[test]
fn forged_expired_and_wrong_audience_tokens_are_refused_and_an_unreachable_provider_is_a_page() {
    let s = Server::start();
    let p = pools(&s);
    let issuer = OidcIssuer::start();
    stand_in(&s, &p, &issuer);
    let now = now_ms() / 1000;
    let forger = SigningKey::rs256("k1");
    for what in ["audience", "signature", "expired"] {
        let mut browser = Browser::new(&s);
        let to = location(&browser.get(&p.authorize(&[("identity_provider", "Standin")])));
        assert!(
            to.starts_with(&format!("{}/idp/authorize?", issuer.routes().base())),
            "{to}"
        );
        // The token carries the nonce this sign-in sent: only the one flaw is left.
        let nonce = param(&to, "nonce").unwrap();
        let mut c = json!({"iss": issuer.issuer(), "aud": "standin-client", "sub": "u1",
                           "email": "u1@standin.example",
                           "iat": now, "exp": now + 600, "nonce": nonce});
        let token = match what {
            "audience" => {
                c["aud"] = json!("another-client");
                issuer.token(&c)
            }
            "signature" => forger.sign(&c),
            _ => {
                c["iat"] = json!(now - 7200);
                c["exp"] = json!(now - 3600);
                issuer.token(&c)
            }
        };
        issuer.routes().answer(
            "/idp/token",
            Reply::json(
                200,
                json!({"id_token": token, "access_token": "at", "token_type": "Bearer"}),
            ),
        );
        let state = param(&to, "state").unwrap();
        let q = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([("code", "provider-code"), ("state", state.as_str())])
            .finish();
        let refused =
            location(&browser.get(&format!("{}/{}/oauth2/idpresponse?{q}", p.a_base, p.a)));
        assert!(
            refused.starts_with(&format!("{CALLBACK}?error=invalid_request")),
            "{what}: {refused}"
        );
        let d = param(&refused, "error_description").unwrap();
        let expected = match what {
            "audience" => "audience",
            "signature" => "signature",
            _ => "expired",
        };
        assert!(d.contains(expected), "{what}: {d}");
        assert_eq!(param(&refused, "state").as_deref(), Some(STATE));
    }
    assert_eq!(s.user_count(&p.a), 0);

    // The token endpoint's request: client_secret_post, the idpresponse as redirect_uri.
    let sent = issuer
        .routes()
        .server()
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.path.starts_with("/idp/token"))
        .unwrap();
    let form: Vec<(String, String)> = form_urlencoded::parse(&sent.body).into_owned().collect();
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("grant_type"), Some("authorization_code"));
    assert_eq!(get("client_id"), Some("standin-client"));
    assert_eq!(get("client_secret"), Some("standin-secret"));
    assert_eq!(
        get("redirect_uri").map(str::to_owned),
        Some(format!("{}/{}/oauth2/idpresponse", p.a_base, p.a))
    );

    // A provider whose token endpoint answers something else: a page, nothing made.
    issuer
        .routes()
        .answer("/idp/token", Reply::text(500, "down for maintenance"));
    let mut browser = Browser::new(&s);
    let to = location(&browser.get(&p.authorize(&[("identity_provider", "Standin")])));
    let q = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("code", "c"),
            ("state", param(&to, "state").unwrap().as_str()),
        ])
        .finish();
    let r = browser.get(&format!("{}/{}/oauth2/idpresponse?{q}", p.a_base, p.a));
    assert_eq!(r.status, 502, "{}", r.body);
    assert!(r.header("location").is_none());
    assert!(r.body.contains("could not be asked"), "{}", r.body);
    assert_eq!(s.user_count(&p.a), 0);
}

#[test]
fn a_form_post_answer_goes_on_to_a_same_site_get_that_carries_the_binding() {
    let s = Server::start();
    let p = pools(&s);
    let mut browser = Browser::new(&s);
    let back = through_b(&mut browser, &p, "bob");
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(back.split_once('?').unwrap().1.as_bytes())
            .into_owned()
            .collect();
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    // The provider's page POSTs cross-site: no cookie comes with it.
    let r = http::send(
        s.addr,
        "POST",
        &format!("/{}/oauth2/idpresponse", p.a),
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Origin", "https://appleid.apple.com"),
        ],
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&borrowed)
            .finish()
            .as_bytes(),
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let next = r.header("location").unwrap().to_string();
    assert!(
        next.starts_with(&format!("/{}/oauth2/idpresponse?posted=", p.a)),
        "{next}"
    );
    assert!(
        !next.contains("code="),
        "the code is sealed, not in the URL: {next}"
    );
    let done = location(&browser.get(&format!("{}{next}", p.a_base)));
    assert!(done.starts_with(&format!("{CALLBACK}?code=")), "{done}");
    // An edited sealed answer does not open.
    let r = browser.get(&format!(
        "{}{}",
        p.a_base,
        next.replace("posted=", "posted=x")
    ));
    assert_eq!(r.status, 400, "{}", r.body);
}

#[test]
fn the_sign_in_page_offers_the_providers_and_a_client_with_only_one_goes_straight_to_it() {
    let s = Server::start();
    let p = pools(&s);
    let mut browser = Browser::new(&s);
    let login = location(&browser.get(&p.authorize(&[])));
    let page = browser.get(&format!("{}{login}", p.a_base));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("idpButton-customizable"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Continue with PoolB"));
    assert!(page.body.contains("identity_provider=PoolB"));
    assert!(page.body.contains("name=\"password\""));
    assert!(
        page.body.contains("corporate_email"),
        "identifiers: the email field"
    );

    // The corporate email's domain names the provider (idp_identifier).
    let login_path = login.split('?').next().unwrap();
    let q = login.split_once('?').unwrap().1;
    let to = location(&browser.get(&format!(
        "{}{login_path}?{q}&corporate_email=dee%40corp.example",
        p.a_base
    )));
    assert!(to.contains("idp_identifier=corp.example"), "{to}");
    let to_b = location(&browser.get(&p.absolute(&to)));
    assert!(
        to_b.contains(&format!("/{}/oauth2/authorize?", p.b)),
        "{to_b}"
    );
    // An unknown domain is told on the field.
    let r = browser.get(&format!(
        "{}{login_path}?{q}&corporate_email=dee%40elsewhere.example",
        p.a_base
    ));
    assert_eq!(r.status, 200);
    assert!(r.body.contains("No sign-in provider"), "{}", r.body);

    // Only PoolB, no COGNITO: the page sends the browser straight to the provider, and a
    // password posted anyway signs nobody in.
    s.idp(
        "UpdateUserPoolClient",
        json!({
            "UserPoolId": p.a, "ClientId": p.a_client,
            "CallbackURLs": [CALLBACK],
            "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid", "email", "profile"],
            "AllowedOAuthFlowsUserPoolClient": true,
            "SupportedIdentityProviders": [PROVIDER],
        }),
    );
    let mut browser = Browser::new(&s);
    let login = location(&browser.get(&p.authorize(&[])));
    let to = location(&browser.get(&format!("{}{login}", p.a_base)));
    assert!(to.contains("identity_provider=PoolB"), "{to}");
    let to_b = location(&browser.get(&p.absolute(&to)));
    assert!(
        to_b.contains(&format!("/{}/oauth2/authorize?", p.b)),
        "{to_b}"
    );
    let r = browser.get(&p.authorize(&[("identity_provider", "COGNITO")]));
    let refused = location(&r);
    assert!(refused.contains("error=unauthorized_client"), "{refused}");
}

#[test]
fn social_providers_are_asked_at_their_real_endpoints_apple_with_form_post() {
    let s = Server::start();
    let p = pools(&s);
    let pem = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----";
    for (ty, details) in [
        (
            "Google",
            json!({"client_id": "g-client", "client_secret": "g-secret",
                   "authorize_scopes": "openid email"}),
        ),
        (
            "Facebook",
            json!({"client_id": "fb-app", "client_secret": "fb-secret",
                   "authorize_scopes": "public_profile,email"}),
        ),
        (
            "LoginWithAmazon",
            json!({"client_id": "amzn-client", "client_secret": "amzn-secret",
                   "authorize_scopes": "profile"}),
        ),
        (
            "SignInWithApple",
            json!({"client_id": "com.example.web", "team_id": "TEAM123456",
                   "key_id": "KEY1234567", "private_key": pem,
                   "authorize_scopes": "email name"}),
        ),
    ] {
        s.idp(
            "CreateIdentityProvider",
            json!({"UserPoolId": p.a, "ProviderName": ty, "ProviderType": ty,
                   "ProviderDetails": details, "AttributeMapping": {"email": "email"}}),
        );
    }
    s.idp(
        "UpdateUserPoolClient",
        json!({
            "UserPoolId": p.a, "ClientId": p.a_client,
            "CallbackURLs": [CALLBACK],
            "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid", "email", "profile"],
            "AllowedOAuthFlowsUserPoolClient": true,
            "SupportedIdentityProviders": ["Google", "Facebook", "LoginWithAmazon", "SignInWithApple"],
        }),
    );
    let idpresponse = format!("{}/{}/oauth2/idpresponse", p.a_base, p.a);
    for (ty, endpoint, client, scope, nonce, form_post) in [
        (
            "Google",
            "https://accounts.google.com/o/oauth2/v2/auth?",
            "g-client",
            "openid email",
            true,
            false,
        ),
        (
            "Facebook",
            "https://www.facebook.com/v17.0/dialog/oauth?",
            "fb-app",
            "public_profile email",
            false,
            false,
        ),
        (
            "LoginWithAmazon",
            "https://www.amazon.com/ap/oa?",
            "amzn-client",
            "profile",
            false,
            false,
        ),
        (
            "SignInWithApple",
            "https://appleid.apple.com/auth/authorize?",
            "com.example.web",
            "email name",
            true,
            true,
        ),
    ] {
        let mut browser = Browser::new(&s);
        let to = location(&browser.get(&p.authorize(&[("identity_provider", ty)])));
        assert!(to.starts_with(endpoint), "{ty}: {to}");
        assert_eq!(param(&to, "client_id").as_deref(), Some(client), "{ty}");
        assert_eq!(
            param(&to, "redirect_uri").as_deref(),
            Some(idpresponse.as_str())
        );
        assert_eq!(param(&to, "response_type").as_deref(), Some("code"));
        assert_eq!(param(&to, "scope").as_deref(), Some(scope), "{ty}");
        assert!(param(&to, "state").is_some_and(|st| st.len() > 40), "{ty}");
        assert_eq!(param(&to, "nonce").is_some(), nonce, "{ty}: {to}");
        assert_eq!(
            param(&to, "response_mode").as_deref(),
            form_post.then_some("form_post"),
            "{ty}"
        );
        assert!(
            !to.contains("secret"),
            "{ty}: no secret in the browser's URL"
        );
    }
    // The sign-in page of a client with several providers and no COGNITO: buttons only.
    let mut browser = Browser::new(&s);
    let login = location(&browser.get(&p.authorize(&[])));
    let page = browser.get(&format!("{}{login}", p.a_base));
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        page.body.matches("idpButton-customizable\" href").count(),
        4
    );
    assert!(!page.body.contains("name=\"password\""), "no password form");
}

#[test]
fn the_implicit_grant_through_a_provider_puts_the_tokens_in_the_fragment() {
    let s = Server::start();
    let p = pools(&s);
    s.idp(
        "UpdateUserPoolClient",
        json!({
            "UserPoolId": p.a, "ClientId": p.a_client,
            "CallbackURLs": [CALLBACK],
            "AllowedOAuthFlows": ["code", "implicit"],
            "AllowedOAuthScopes": ["openid", "email", "profile"],
            "AllowedOAuthFlowsUserPoolClient": true,
            "SupportedIdentityProviders": ["COGNITO", PROVIDER],
        }),
    );
    let mut browser = Browser::new(&s);
    let to_b = location(
        &browser.get(
            &p.authorize(&[("identity_provider", PROVIDER), ("response_type", "token")])
                .replace("response_type=code&", ""),
        ),
    );
    assert!(
        to_b.contains(&format!("/{}/oauth2/authorize?", p.b)),
        "{to_b}"
    );
    let back = {
        let login = location(&browser.get(&to_b));
        let login = format!("http://127.0.0.1:{}{login}", s.addr.port());
        let page = browser.get(&login);
        let mut fields = hidden_fields(&page.body);
        fields.push(("username".into(), "bob".into()));
        fields.push(("password".into(), PASSWORD.into()));
        let borrowed: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        location(&browser.send("POST", login.split('?').next().unwrap(), Some(&borrowed)))
    };
    let done = location(&browser.get(&back));
    assert!(
        done.starts_with(&format!("{CALLBACK}#access_token=")),
        "{done}"
    );
    assert_eq!(param(&done, "state").as_deref(), Some(STATE));
    let id = claims(&param(&done, "id_token").unwrap());
    assert_eq!(id["identities"][0]["providerName"], PROVIDER);
    assert_eq!(id["email"], "bob@corp.example");
}

#[test]
fn an_oidc_provider_without_a_discovery_document_signs_in_with_the_endpoints_and_keys_it_was_given()
{
    let s = Server::start();
    let p = pools(&s);
    let issuer = OidcIssuer::without_discovery();
    let base = issuer.routes().base();
    let mut details = json!({
        "client_id": "manual-client", "client_secret": "manual-secret",
        "attributes_request_method": "GET",
        "oidc_issuer": issuer.issuer(),
        "authorize_scopes": "openid email profile",
        "authorize_url": format!("{base}/idp/authorize"),
        "token_url": format!("{base}/idp/token"),
        "attributes_url": format!("{base}/idp/userinfo"),
    });
    let create = |details: &Value| {
        s.call(
            "CreateIdentityProvider",
            json!({"UserPoolId": p.a, "ProviderName": "Manual", "ProviderType": "OIDC",
                   "ProviderDetails": details,
                   "AttributeMapping": {"email": "email", "name": "name"}}),
        )
    };
    // Without a discovery document, an endpoint left out cannot be found: refused, naming
    // what to give, and nothing is made.
    let r = create(&details);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body.contains("InvalidParameterException") && r.body.contains("jwks_uri"),
        "{}",
        r.body
    );
    let r = s.call(
        "DescribeIdentityProvider",
        json!({"UserPoolId": p.a, "ProviderName": "Manual"}),
    );
    assert!(r.body.contains("ResourceNotFoundException"), "{}", r.body);
    // With all four, the provider is made without asking the issuer anything more.
    details["jwks_uri"] = json!(issuer.jwks_uri());
    let asked = issuer.discovery_hits();
    let r = create(&details);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(issuer.discovery_hits(), asked);
    let shown = s.idp(
        "DescribeIdentityProvider",
        json!({"UserPoolId": p.a, "ProviderName": "Manual"}),
    )["IdentityProvider"]["ProviderDetails"]
        .clone();
    assert_eq!(shown["jwks_uri"], issuer.jwks_uri());
    s.idp(
        "UpdateUserPoolClient",
        json!({
            "UserPoolId": p.a, "ClientId": p.a_client,
            "CallbackURLs": [CALLBACK],
            "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid", "email", "profile"],
            "AllowedOAuthFlowsUserPoolClient": true,
            "SupportedIdentityProviders": ["COGNITO", "Manual"],
        }),
    );
    issuer.routes().answer(
        "/idp/userinfo",
        Reply::json(
            200,
            json!({"sub": "m-1", "email": "m1@manual.example", "name": "Em One"}),
        ),
    );

    // One sign-in: the ID token the scripted token endpoint answers carries this sign-in's
    // nonce and is signed with `key`.
    let sign_in = |key: &SigningKey, iss: &str| -> String {
        let mut browser = Browser::new(&s);
        let to = location(&browser.get(&p.authorize(&[("identity_provider", "Manual")])));
        assert!(to.starts_with(&format!("{base}/idp/authorize?")), "{to}");
        let now = now_ms() / 1000;
        let token = key.sign(&json!({
            "iss": iss, "aud": "manual-client", "sub": "m-1", "email": "m1@manual.example",
            "iat": now, "exp": now + 600, "nonce": param(&to, "nonce").unwrap(),
        }));
        issuer.routes().answer(
            "/idp/token",
            Reply::json(
                200,
                json!({"id_token": token, "access_token": "manual-at", "token_type": "Bearer"}),
            ),
        );
        let q = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("code", "manual-code"),
                ("state", param(&to, "state").unwrap().as_str()),
            ])
            .finish();
        location(&browser.get(&format!("{}/{}/oauth2/idpresponse?{q}", p.a_base, p.a)))
    };

    let done = sign_in(issuer.key(), issuer.issuer());
    assert!(done.starts_with(&format!("{CALLBACK}?code=")), "{done}");
    let tokens = redeem(&s, &p, &param(&done, "code").unwrap());
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["cognito:username"], "Manual_m-1");
    assert_eq!(id["email"], "m1@manual.example");
    assert_eq!(id["identities"][0]["providerName"], "Manual");
    assert_eq!(id["identities"][0]["providerType"], "OIDC");
    assert_eq!(id["identities"][0]["userId"], "m-1");
    let user = s.user(&p.a, "Manual_m-1").unwrap();
    assert_eq!(attribute(&user, "name").as_deref(), Some("Em One"));
    // The keys came from the jwks_uri given; the issuer was never asked for discovery.
    assert_eq!(issuer.jwks_hits(), 1);
    assert_eq!(issuer.discovery_hits(), asked);

    // A second sign-in uses the kept keys.
    let done = sign_in(issuer.key(), issuer.issuer());
    assert!(done.starts_with(&format!("{CALLBACK}?code=")), "{done}");
    assert_eq!(issuer.jwks_hits(), 1);

    // `iss` is still the provider's issuer: a token of another issuer is refused.
    let refused = sign_in(issuer.key(), "https://elsewhere.example");
    assert!(
        refused.starts_with(&format!("{CALLBACK}?error=invalid_request")),
        "{refused}"
    );
    assert!(
        param(&refused, "error_description")
            .unwrap()
            .contains("Issuer"),
        "{refused}"
    );

    // The provider rotates its key: a token with the new kid makes one fresh fetch (not
    // sooner than 30 s after the last one), then verifies.
    let rotated = SigningKey::rs256("k2");
    issuer.publish(&[issuer.key(), &rotated], None);
    s.advance(31_000);
    let done = sign_in(&rotated, issuer.issuer());
    assert!(done.starts_with(&format!("{CALLBACK}?code=")), "{done}");
    assert_eq!(issuer.jwks_hits(), 2);
    assert_eq!(s.user_count(&p.a), 1);
}
