//! The hosted sign-in and the OAuth endpoints over real HTTP on 127.0.0.1:0: the whole code +
//! PKCE dance through `/<poolId>/…` and through a prefix domain's Host, and each refusal of
//! the "bad input and abuse" list — unregistered redirect and logout URIs, open redirect
//! attempts, a missing or wrong verifier, a reused code, another client's code, a wrong
//! secret, a scope not allowed, `state` echoed untouched, a form without its CSRF token, an
//! oversized form. A refused request changes nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Server, claims, encode, param, set_cookie};

use base64::Engine as _;
use serde_json::{Value, json};
use testkit::http::{self, Response};

const IDP: &str = "AWSCognitoIdentityProviderService";
const AMZ_JSON: &str = "application/x-amz-json-1.1";
const CALLBACK: &str = "https://app.test/callback";
const LOGOUT: &str = "https://app.test/signed-out";
const PASSWORD: &str = "Correct-Horse-1";
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const STATE: &str = "a b&c=d/é";

/// A pool, a user ana with a password, and an app client for the code flow (with a secret
/// when `secret`); answers (pool id, client id, client secret).
fn setup(s: &Server, secret: bool) -> (String, String, Option<String>) {
    let pool = s.idp("CreateUserPool", json!({"PoolName": "hosted"}))["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let client = client(s, &pool, secret);
    s.idp(
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "ana", "MessageAction": "SUPPRESS",
               "UserAttributes": [{"Name": "email", "Value": "ana@example.com"}]}),
    );
    s.idp(
        "AdminSetUserPassword",
        json!({"UserPoolId": pool, "Username": "ana", "Password": PASSWORD, "Permanent": true}),
    );
    (pool, client.0, client.1)
}

fn client(s: &Server, pool: &str, secret: bool) -> (String, Option<String>) {
    let c = s.idp(
        "CreateUserPoolClient",
        json!({
            "UserPoolId": pool, "ClientName": "web", "GenerateSecret": secret,
            "CallbackURLs": [CALLBACK], "LogoutURLs": [LOGOUT],
            "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": ["openid", "email"],
            "AllowedOAuthFlowsUserPoolClient": true, "SupportedIdentityProviders": ["COGNITO"],
            "EnableTokenRevocation": true,
        }),
    )["UserPoolClient"]
        .clone();
    (
        c["ClientId"].as_str().unwrap().to_string(),
        c["ClientSecret"].as_str().map(str::to_string),
    )
}

fn authorize_query(client: &str, extra: &[(&str, &str)]) -> String {
    let mut pairs = vec![
        ("client_id", client),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
        ("scope", "openid email"),
        ("state", STATE),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    for (k, v) in extra {
        pairs.retain(|(n, _)| n != k);
        pairs.push((k, v));
    }
    encode(&pairs)
}

/// The hidden `_csrf` of a page.
fn csrf_field(body: &str) -> String {
    let at = body.find("name=\"_csrf\" value=\"").unwrap() + "name=\"_csrf\" value=\"".len();
    body[at..].split('"').next().unwrap().to_string()
}

/// Loads the sign-in page of `base` (`/<poolId>` or empty on a domain): its CSRF cookie and
/// form token.
fn login_page(s: &Server, base: &str, query: &str, host: Option<&str>) -> (String, String) {
    let mut h = vec![];
    if let Some(host) = host {
        h.push(("Host", host));
    }
    let page = s.get(&format!("{base}/login?{query}"), &h);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.len() < 30 * 1024,
        "the page is {} bytes",
        page.body.len()
    );
    let cookie = set_cookie(&page, "XSRF-TOKEN").unwrap();
    let set = page.header("set-cookie").unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Lax"),
        "{set}"
    );
    (cookie, csrf_field(&page.body))
}

/// The sign-in form as the page sends it: the authorize request's parameters (`query`), the
/// form's CSRF token when given, the username and the password.
fn login_fields(
    query: &str,
    csrf: Option<&str>,
    username: &str,
    password: &str,
) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    if let Some(csrf) = csrf {
        fields.push(("_csrf".into(), csrf.into()));
    }
    fields.push(("username".into(), username.into()));
    fields.push(("password".into(), password.into()));
    fields
}

/// Posts a form of the page (`fields`) to `{base}/login` with the CSRF cookie `cookie`, on a
/// domain's `host` when given.
fn post_login(
    s: &Server,
    base: &str,
    cookie: &str,
    host: Option<&str>,
    fields: &[(String, String)],
) -> Response {
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let cookie_header = format!("XSRF-TOKEN={cookie}");
    let mut h = vec![("Cookie", cookie_header.as_str())];
    if let Some(host) = host {
        h.push(("Host", host));
    }
    s.post_form(&format!("{base}/login"), &h, &pairs)
}

/// A challenge page's form answered: its hidden fields as the page wrote them, and `name`.
fn answer_challenge(
    s: &Server,
    base: &str,
    cookie: &str,
    hidden: &[(String, String)],
    name: &str,
    value: &str,
) -> Response {
    let mut fields = hidden.to_vec();
    fields.push((name.into(), value.into()));
    post_login(s, base, cookie, None, &fields)
}

/// Signs ana in on the page: answers the redirect's location and the session cookie.
fn sign_in(s: &Server, base: &str, query: &str, host: Option<&str>) -> (String, String) {
    let (cookie, csrf) = login_page(s, base, query, host);
    let fields = login_fields(query, Some(&csrf), "ana", PASSWORD);
    let r = post_login(s, base, &cookie, host, &fields);
    assert_eq!(r.status, 302, "{}", r.body);
    let session = set_cookie(&r, "poolhouse-session").unwrap();
    (r.header("location").unwrap().to_string(), session)
}

fn token(s: &Server, base: &str, pairs: &[(&str, &str)], headers: &[(&str, &str)]) -> Response {
    s.post_form(&format!("{base}/oauth2/token"), headers, pairs)
}
#[test]
fn code_with_pkce_through_the_pool_path_signs_in_redeems_once_and_revokes() {
    let s = Server::start();
    let (pool, client, _) = setup(&s, false);
    let base = format!("/{pool}");
    let query = authorize_query(&client, &[("nonce", "n-123")]);

    // Without a session, authorize sends the browser to the sign-in page.
    let r = s.get(&format!("{base}/oauth2/authorize?{query}"), &[]);
    assert_eq!(r.status, 302);
    assert!(
        r.header("location")
            .unwrap()
            .starts_with(&format!("{base}/login?"))
    );

    let (location, session) = sign_in(&s, &base, &query, None);
    assert!(
        location.starts_with(&format!("{CALLBACK}?code=")),
        "{location}"
    );
    assert_eq!(param(&location, "state").as_deref(), Some(STATE));
    let code = param(&location, "code").unwrap();

    // Refusals first: each leaves the code usable.
    let redeem = |verifier: &str, client: &str| {
        token(
            &s,
            &base,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", CALLBACK),
                ("client_id", client),
                ("code_verifier", verifier),
            ],
            &[],
        )
    };
    for (verifier, why) in [
        ("", "missing verifier"),
        (
            "wrong-verifier-wrong-verifier-wrong-verifier-0",
            "wrong verifier",
        ),
    ] {
        let r = redeem(verifier, &client);
        assert_eq!(r.status, 400, "{why}: {}", r.body);
        assert_eq!(r.json()["error"], "invalid_grant", "{why}");
    }
    let (other, _) = self::client(&s, &pool, false);
    let r = redeem(VERIFIER, &other);
    assert_eq!(r.json()["error"], "invalid_grant", "another client's code");

    let r = redeem(VERIFIER, &client);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.header("cache-control"), Some("no-store"));
    let tokens = r.json();
    let id = claims(tokens["id_token"].as_str().unwrap());
    assert_eq!(id["nonce"], "n-123");
    assert_eq!(id["aud"], client.as_str());
    assert_eq!(id["email"], "ana@example.com");
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(claims(access)["scope"], "openid email");

    // Used once.
    let r = redeem(VERIFIER, &client);
    assert_eq!(r.json()["error"], "invalid_grant", "a reused code");

    // userInfo with the access token; GetUser refuses it (no aws.cognito.signin.user.admin).
    let bearer = format!("Bearer {access}");
    let info = s.get(
        &format!("{base}/oauth2/userInfo"),
        &[("Authorization", &bearer)],
    );
    assert_eq!(info.status, 200, "{}", info.body);
    assert_eq!(info.json()["email"], "ana@example.com");
    let get_user = http::send(
        s.addr,
        "POST",
        "/",
        &[
            ("Content-Type", AMZ_JSON),
            ("X-Amz-Target", &format!("{IDP}.GetUser")),
        ],
        json!({"AccessToken": access}).to_string().as_bytes(),
    );
    assert_eq!(get_user.status, 400);
    assert!(
        get_user.body.contains("required scopes"),
        "{}",
        get_user.body
    );

    // A live session: authorize goes straight back with a new code, unless prompt=login.
    let cookie = format!("poolhouse-session={session}");
    let r = s.get(
        &format!("{base}/oauth2/authorize?{query}"),
        &[("Cookie", &cookie)],
    );
    assert_eq!(r.status, 302);
    assert!(
        r.header("location")
            .unwrap()
            .starts_with(&format!("{CALLBACK}?code="))
    );
    let login_again = authorize_query(&client, &[("prompt", "login")]);
    let r = s.get(
        &format!("{base}/oauth2/authorize?{login_again}"),
        &[("Cookie", &cookie)],
    );
    assert!(
        r.header("location")
            .unwrap()
            .starts_with(&format!("{base}/login?"))
    );

    // Refresh, then revoke: the access token stops working.
    let refresh = tokens["refresh_token"].as_str().unwrap();
    let r = token(
        &s,
        &base,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh),
            ("client_id", &client),
        ],
        &[],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s.post_form(
        &format!("{base}/oauth2/revoke"),
        &[],
        &[("token", refresh), ("client_id", &client)],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let info = s.get(
        &format!("{base}/oauth2/userInfo"),
        &[("Authorization", &bearer)],
    );
    assert_eq!(info.status, 401);

    // Logout to a registered URI clears the session; authorize then asks to sign in again.
    let logout = encode(&[("client_id", &client), ("logout_uri", LOGOUT)]);
    let r = s.get(&format!("{base}/logout?{logout}"), &[("Cookie", &cookie)]);
    assert_eq!(r.status, 302);
    assert_eq!(r.header("location"), Some(LOGOUT));
    assert_eq!(set_cookie(&r, "poolhouse-session").as_deref(), Some(""));
    let r = s.get(
        &format!("{base}/oauth2/authorize?{query}"),
        &[("Cookie", &cookie)],
    );
    assert!(
        r.header("location")
            .unwrap()
            .starts_with(&format!("{base}/login?"))
    );
}

#[test]
fn unregistered_redirects_and_logout_uris_are_error_pages_never_redirects() {
    let s = Server::start();
    let (pool, client, _) = setup(&s, false);
    let base = format!("/{pool}");
    for evil in [
        "https://evil.test/callback",
        "https://app.test/callback/../../evil",
        "https://app.test/callback?next=https://evil.test",
        "https://app.test.evil.test/callback",
        "//evil.test/callback",
        "https:/\\evil.test",
        "javascript:alert(1)",
    ] {
        let q = authorize_query(&client, &[("redirect_uri", evil)]);
        for path in ["/oauth2/authorize", "/login"] {
            let r = s.get(&format!("{base}{path}?{q}"), &[]);
            assert_eq!(r.status, 400, "{evil} at {path}");
            assert_eq!(r.header("location"), None, "{evil} at {path}");
            assert!(r.body.contains("redirect_mismatch"), "{}", r.body);
        }
    }
    let r = s.get(
        &format!("{base}/oauth2/authorize?{}", authorize_query("nobody", &[])),
        &[],
    );
    assert_eq!((r.status, r.header("location")), (400, None));
    let logout = encode(&[("client_id", &client), ("logout_uri", "https://evil.test/")]);
    let r = s.get(&format!("{base}/logout?{logout}"), &[]);
    assert_eq!((r.status, r.header("location")), (400, None));
}

#[test]
fn a_scope_not_allowed_goes_back_with_invalid_scope_and_the_state_untouched() {
    let s = Server::start();
    let (pool, client, _) = setup(&s, false);
    let q = authorize_query(&client, &[("scope", "openid phone")]);
    let r = s.get(&format!("/{pool}/oauth2/authorize?{q}"), &[]);
    assert_eq!(r.status, 302);
    let location = r.header("location").unwrap();
    assert!(location.starts_with(&format!("{CALLBACK}?")), "{location}");
    assert_eq!(param(location, "error").as_deref(), Some("invalid_scope"));
    assert_eq!(param(location, "state").as_deref(), Some(STATE));
}

#[test]
fn a_form_without_its_csrf_token_or_too_large_signs_nobody_in() {
    let s = Server::start();
    let (pool, client, _) = setup(&s, false);
    let base = format!("/{pool}");
    let query = authorize_query(&client, &[]);
    let (cookie, csrf) = login_page(&s, &base, &query, None);
    let fields = login_fields(&query, None, "ana", PASSWORD);
    let pairs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let cookie_header = format!("XSRF-TOKEN={cookie}");
    // No token, no cookie, another cookie's token.
    let r = s.post_form(
        &format!("{base}/login"),
        &[("Cookie", &cookie_header)],
        &pairs,
    );
    assert_eq!(r.status, 403);
    let mut with_token = pairs.clone();
    with_token.push(("_csrf", &csrf));
    let r = s.post_form(&format!("{base}/login"), &[], &with_token);
    assert_eq!(r.status, 403);
    let planted = "XSRF-TOKEN=planted-by-another-page-0123456789";
    let r = s.post_form(
        &format!("{base}/login"),
        &[("Cookie", planted)],
        &with_token,
    );
    assert_eq!(r.status, 403);
    assert!(set_cookie(&r, "poolhouse-session").is_none());
    // Oversized.
    let big = "x".repeat(64 * 1024);
    let mut huge = with_token.clone();
    huge.push(("padding", &big));
    let r = s.post_form(
        &format!("{base}/login"),
        &[("Cookie", &cookie_header)],
        &huge,
    );
    assert_eq!(r.status, 413);
    // A wrong password shows the page again with the error; the right one signs in.
    let mut wrong = with_token.clone();
    wrong.retain(|(k, _)| *k != "password");
    wrong.push(("password", "Not-The-Password-1"));
    let r = s.post_form(
        &format!("{base}/login"),
        &[("Cookie", &cookie_header)],
        &wrong,
    );
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("Incorrect username or password"),
        "{}",
        r.body
    );
    assert!(r.body.contains("role=\"alert\""));
    let r = s.post_form(
        &format!("{base}/login"),
        &[("Cookie", &cookie_header)],
        &with_token,
    );
    assert_eq!(r.status, 302, "{}", r.body);
}

#[test]
fn a_confidential_client_authenticates_and_a_wrong_secret_is_a_401() {
    let s = Server::start();
    let (pool, client, secret) = setup(&s, true);
    let secret = secret.unwrap();
    let base = format!("/{pool}");
    let (location, _) = sign_in(&s, &base, &authorize_query(&client, &[]), None);
    let code = param(&location, "code").unwrap();
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", CALLBACK),
        ("code_verifier", VERIFIER),
    ];
    let basic = |secret: &str| {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{client}:{secret}"))
        )
    };
    let r = token(&s, &base, &form, &[("Authorization", &basic("wrong"))]);
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["error"], "invalid_client");
    assert!(r.header("www-authenticate").is_some());
    let r = token(&s, &base, &form, &[("Authorization", &basic(&secret))]);
    assert_eq!(r.status, 200, "{}", r.body);
}

#[test]
fn a_prefix_domain_serves_the_same_pages_by_host_and_discovery_names_reachable_endpoints() {
    let s = Server::start();
    let (pool, client, _) = setup(&s, false);
    s.idp(
        "CreateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "hostedtest"}),
    );
    let host = format!("hostedtest.auth.localhost:{}", s.addr.port());
    let (location, _) = sign_in(&s, "", &authorize_query(&client, &[]), Some(&host));
    assert!(
        location.starts_with(&format!("{CALLBACK}?code=")),
        "{location}"
    );
    let code = param(&location, "code").unwrap();
    let r = s.post_form(
        "/oauth2/token",
        &[("Host", &host)],
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("client_id", &client),
            ("code_verifier", VERIFIER),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    // Without a domain, the root paths are not a pool's.
    let r = s.get(
        &format!("/oauth2/authorize?{}", authorize_query(&client, &[])),
        &[],
    );
    assert_eq!(r.status, 404);

    let doc: Value = serde_json::from_str(
        &s.get(&format!("/{pool}/.well-known/openid-configuration"), &[])
            .body,
    )
    .unwrap();
    let at = format!("http://{}/{pool}", s.addr);
    assert_eq!(
        doc["authorization_endpoint"],
        format!("{at}/oauth2/authorize")
    );
    assert_eq!(doc["token_endpoint"], format!("{at}/oauth2/token"));
    assert_eq!(doc["userinfo_endpoint"], format!("{at}/oauth2/userInfo"));
    assert_eq!(doc["revocation_endpoint"], format!("{at}/oauth2/revoke"));
}

#[test]
fn the_page_locks_a_user_out_as_initiate_auth_does() {
    let s = Server::start();
    let (pool, client, _) = setup(&s, false);
    let base = format!("/{pool}");
    let query = authorize_query(&client, &[]);
    let (cookie, csrf) = login_page(&s, &base, &query, None);
    let post = |password: &str| {
        let fields = login_fields(&query, Some(&csrf), "ana", password);
        post_login(&s, &base, &cookie, None, &fields)
    };
    for _ in 0..8 {
        assert_eq!(post("Not-The-Password-1").status, 200);
    }
    // Locked out (for seconds now): even the right password is refused.
    let r = post(PASSWORD);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(set_cookie(&r, "poolhouse-session").is_none());
}

#[test]
fn a_temporary_password_asks_for_a_new_one_on_the_page_then_signs_in() {
    let s = Server::start();
    let (pool, client, _) = setup(&s, false);
    s.idp(
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "bo", "MessageAction": "SUPPRESS",
               "TemporaryPassword": "Temporary-Pass-1"}),
    );
    let base = format!("/{pool}");
    let query = authorize_query(&client, &[]);
    let (cookie, csrf) = login_page(&s, &base, &query, None);
    let fields = login_fields(&query, Some(&csrf), "bo", "Temporary-Pass-1");
    let r = post_login(&s, &base, &cookie, None, &fields);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("name=\"new_password\""), "{}", r.body);
    assert!(r.body.contains("value=\"NEW_PASSWORD_REQUIRED\""));

    // The challenge page's own form, answered: hidden fields as the page wrote them.
    let hidden = common::hidden_fields(&r.body);
    let answer =
        |password: &str| answer_challenge(&s, &base, &cookie, &hidden, "new_password", password);
    // A password the policy refuses: the page again, the error tied to the field.
    let weak = answer("short");
    assert_eq!(weak.status, 200);
    assert!(
        weak.body
            .contains("aria-describedby=\"f-new-password-error\""),
        "{}",
        weak.body
    );
    let done = answer("Brand-New-Pass-2");
    assert_eq!(done.status, 302, "{}", done.body);
    assert!(
        done.header("location")
            .unwrap()
            .starts_with(&format!("{CALLBACK}?code="))
    );
}

#[test]
fn prompt_none_without_a_session_and_malformed_token_requests_answer_oauth_errors() {
    let s = Server::start();
    let (pool, client, _) = setup(&s, false);
    let base = format!("/{pool}");
    let q = authorize_query(&client, &[("prompt", "none")]);
    let r = s.get(&format!("{base}/oauth2/authorize?{q}"), &[]);
    assert_eq!(r.status, 302);
    let location = r.header("location").unwrap();
    assert_eq!(param(location, "error").as_deref(), Some("login_required"));
    assert_eq!(param(location, "state").as_deref(), Some(STATE));

    let r = token(
        &s,
        &base,
        &[("grant_type", "password"), ("client_id", &client)],
        &[],
    );
    assert_eq!(
        (r.status, r.json()["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    let r = token(&s, &base, &[("client_id", &client)], &[]);
    assert_eq!(r.json()["error"], "invalid_request");
    let r = http::send(
        s.addr,
        "POST",
        &format!("{base}/oauth2/token"),
        &[("Content-Type", "application/json")],
        br#"{"grant_type":"authorization_code"}"#,
    );
    assert_eq!(
        (r.status, r.json()["error"].as_str()),
        (400, Some("invalid_request"))
    );
    let r = s.post_form(
        &format!("{base}/oauth2/token"),
        &[],
        &[
            ("grant_type", "refresh_token"),
            ("grant_type", "refresh_token"),
        ],
    );
    assert_eq!(r.json()["error"], "invalid_request", "a repeated parameter");
    let r = s.get(&format!("{base}/oauth2/userInfo"), &[]);
    assert_eq!(r.status, 401);
    assert!(r.header("www-authenticate").unwrap().starts_with("Bearer"));

    // Logout with redirect_uri and response_type goes back to the sign-in page.
    let logout = encode(&[
        ("client_id", &client),
        ("redirect_uri", CALLBACK),
        ("response_type", "code"),
    ]);
    let r = s.get(&format!("{base}/logout?{logout}"), &[]);
    assert_eq!(r.status, 302);
    assert!(
        r.header("location")
            .unwrap()
            .starts_with(&format!("{base}/login?"))
    );
}

#[test]
fn an_email_code_is_asked_on_the_page_and_a_wrong_one_is_shown_on_its_field() {
    let s = Server::start();
    let (pool, client, _) = setup(&s, false);
    let c = &s.console;
    testkit::ok(
        c,
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool, "EmailMfaConfiguration": {}, "MfaConfiguration": "OPTIONAL"}),
    );
    testkit::ok(
        c,
        "AdminSetUserMFAPreference",
        json!({"UserPoolId": pool, "Username": "ana",
               "EmailMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
    );
    let base = format!("/{pool}");
    let query = authorize_query(&client, &[]);
    let (cookie, csrf) = login_page(&s, &base, &query, None);
    let fields = login_fields(&query, Some(&csrf), "ana", PASSWORD);
    let r = post_login(&s, &base, &cookie, None, &fields);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("value=\"EMAIL_OTP\""), "{}", r.body);
    assert!(
        r.body.contains("a***@e***"),
        "the masked destination is shown"
    );
    let hidden = common::hidden_fields(&r.body);
    let answer = |code: &str| answer_challenge(&s, &base, &cookie, &hidden, "code", code);
    let messages = testkit::ok(
        c,
        "ListOutboxMessages",
        json!({"UserPoolId": pool, "Limit": 1}),
    );
    let code: String = messages["Messages"][0]["Body"]
        .as_str()
        .unwrap()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = answer(wrong);
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("aria-describedby=\"f-code-error\""),
        "{}",
        r.body
    );
    let r = answer(&code);
    assert_eq!(r.status, 302, "{}", r.body);
    assert!(
        r.header("location")
            .unwrap()
            .starts_with(&format!("{CALLBACK}?code="))
    );
}

#[test]
fn the_page_shows_the_clients_branding_css_and_logo_on_either_address() {
    let s = Server::start();
    let (pool, client, _) = setup(&s, false);
    s.idp(
        "CreateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "brandedtest"}),
    );
    // A 1×1 PNG.
    let png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
    s.idp(
        "SetUICustomization",
        json!({"UserPoolId": pool, "ClientId": client,
               "CSS": ".submitButton-customizable { background-color: #0b7268; }",
               "ImageFile": png}),
    );
    let host = format!("brandedtest.auth.localhost:{}", s.addr.port());
    for (base, h) in [
        (format!("/{pool}"), vec![]),
        (String::new(), vec![("Host", host.as_str())]),
    ] {
        let page = s.get(
            &format!("{base}/login?{}", authorize_query(&client, &[])),
            &h,
        );
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(page.body.contains("#0b7268"), "{}", page.body);
        let csp = page.header("content-security-policy").unwrap();
        assert!(csp.contains("img-src 'self'"), "{csp}");
        let src = page
            .body
            .split("class=\"logo-customizable\" src=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .expect("the page shows the logo")
            .replace("&amp;", "&");
        assert!(
            src.starts_with(&format!("/{pool}/branding/logo?client_id={client}&v=")),
            "{src}"
        );
        let logo = s.get(&src, &h);
        assert_eq!(logo.status, 200, "{}", logo.body);
        assert_eq!(logo.header("content-type"), Some("image/png"));
    }
}
