//! The hosted pages beyond sign-in over real HTTP on 127.0.0.1:0, as a browser uses them:
//! sign-up with the pool's required attributes and password policy, the confirmation code
//! from the outbox, the sign-in page's notice, the MFA set-up page with its QR code and a code
//! computed from its secret (or email codes, set up with an address and the code sent there),
//! and the redirect to the app with a code; a sign-up confirmed by the link in its email (once;
//! a HEAD, a prefetch, a changed or expired link confirm nothing); a forgotten password
//! reset with its code; and the refusals — a form without its CSRF token, a wrong and an
//! expired code, a password the policy refuses (every broken rule marked), a duplicate user,
//! a pool where only administrators create users, unknown users told only as the client's
//! `PreventUserExistenceErrors` says. A refused post creates and changes nothing; a form shown
//! again with its errors answers 200, as the sign-in page does for a wrong password.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Server, param};

use serde_json::{Value, json};
use testkit::TestConsole;
use testkit::http::{self, Response};

const CALLBACK: &str = "https://app.test/callback";
const PASSWORD: &str = "Correct-Horse-1";
const STATE: &str = "s t&a=te";

/// An endpoint on a console whose clock the test moves (codes and links expire).
fn server() -> Server {
    Server::serving(TestConsole::new())
}

impl Server {
    fn ok(&self, op: &str, body: Value) -> Value {
        testkit::ok(&self.console, op, body)
    }

    /// The newest message of the pool's outbox: (to, the digits of its body).
    fn last_code(&self, pool: &str) -> (String, String) {
        let m = self.ok(
            "ListOutboxMessages",
            json!({"UserPoolId": pool, "Limit": 1}),
        );
        let msg = &m["Messages"][0];
        let code = msg["Body"]
            .as_str()
            .unwrap()
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        (msg.to_string(), code)
    }

    fn users(&self, pool: &str) -> usize {
        self.ok("ListUsers", json!({"UserPoolId": pool}))["Users"]
            .as_array()
            .unwrap()
            .len()
    }
}

/// A browser on the pages: keeps its CSRF and session cookies, and posts a page's form with
/// its hidden fields as they came.
struct Browser<'a> {
    s: &'a Server,
    cookies: Vec<(String, String)>,
}

impl<'a> Browser<'a> {
    fn new(s: &'a Server) -> Browser<'a> {
        Browser { s, cookies: vec![] }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, r: &Response) {
        for (k, v) in &r.headers {
            if k != "set-cookie" {
                continue;
            }
            let first = v.split(';').next().unwrap();
            let (name, value) = first.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != name);
            self.cookies.push((name.to_string(), value.to_string()));
        }
    }

    fn get(&mut self, path: &str) -> Response {
        let c = self.cookie_header();
        let r = http::send(self.s.addr, "GET", path, &[("Cookie", &c)], b"");
        self.keep(&r);
        r
    }

    fn post(&mut self, path: &str, pairs: &[(String, String)]) -> Response {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let c = self.cookie_header();
        let r = http::send(
            self.s.addr,
            "POST",
            path,
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                ("Cookie", &c),
            ],
            body.as_bytes(),
        );
        self.keep(&r);
        r
    }

    /// Posts the form of `page` that `marker` is in (the first), with its hidden fields and
    /// `fields`.
    fn submit(&mut self, page: &str, marker: &str, fields: &[(&str, &str)]) -> Response {
        let m = page
            .find(marker)
            .unwrap_or_else(|| panic!("no {marker} in {page}"));
        let at = page[..m + marker.len()].rfind("<form").unwrap();
        let form = &page[at..];
        let form = &form[..form.find("</form>").unwrap()];
        let action = form
            .split("action=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        let mut pairs = common::hidden_fields(form);
        for (k, v) in fields {
            pairs.push(((*k).to_string(), (*v).to_string()));
        }
        self.post(&action, &pairs)
    }
}

fn hidden(page: &str, name: &str) -> String {
    common::hidden_fields(page)
        .into_iter()
        .find(|(k, _)| k == name)
        .unwrap_or_else(|| panic!("no hidden {name} in {page}"))
        .1
}
const FORM: &str = "<form method=\"post\"";

/// A pool made with `pool` (CreateUserPool's request) and a confidential code-flow client of
/// it (`client` adds to or replaces its settings); answers (pool, client).
fn pool_and_client(s: &Server, pool: Value, client: Value) -> (String, String) {
    let pool = s.ok("CreateUserPool", pool)["UserPool"]["Id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut request = json!({
        "UserPoolId": pool, "ClientName": "web", "GenerateSecret": true,
        "CallbackURLs": [CALLBACK], "AllowedOAuthFlows": ["code"],
        "AllowedOAuthScopes": ["openid", "email"], "AllowedOAuthFlowsUserPoolClient": true,
        "SupportedIdentityProviders": ["COGNITO"],
    });
    for (k, v) in client.as_object().unwrap() {
        request[k] = v.clone();
    }
    let client = s.ok("CreateUserPoolClient", request)["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_string();
    (pool, client)
}

/// A pool (email required and verified, MFA as `mfa`), and a code-flow client with
/// `PreventUserExistenceErrors` as `prevent`; answers (pool, client).
fn setup(s: &Server, mfa: &str, prevent: &str, admin_only: bool) -> (String, String) {
    let (pool, client) = pool_and_client(
        s,
        json!({
            "PoolName": "pages",
            "AutoVerifiedAttributes": ["email"],
            "Schema": [{"Name": "email", "AttributeDataType": "String", "Required": true, "Mutable": true}],
            "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": admin_only},
        }),
        json!({"PreventUserExistenceErrors": prevent}),
    );
    if mfa != "OFF" {
        s.ok(
            "SetUserPoolMfaConfig",
            json!({"UserPoolId": pool, "SoftwareTokenMfaConfiguration": {"Enabled": true},
                   "MfaConfiguration": mfa}),
        );
    }
    (pool, client)
}

fn query(client: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("client_id", client),
            ("redirect_uri", CALLBACK),
            ("response_type", "code"),
            ("scope", "openid email"),
            ("state", STATE),
        ])
        .finish()
}

fn totp_now(s: &Server, secret: &str) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_string())
        .to_bytes()
        .unwrap();
    let t = totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes).unwrap();
    let now = s.console.now_ms() / 1000;
    t.generate(u64::try_from(now).unwrap())
}

/// Signs `name` up on the page with `password`: answers the page the post led to.
fn sign_up(b: &mut Browser<'_>, base: &str, q: &str, name: &str, password: &str) -> Response {
    let page = b.get(&format!("{base}/signup?{q}"));
    assert_eq!(page.status, 200, "{}", page.body);
    b.submit(
        &page.body,
        FORM,
        &[
            ("username", name),
            ("userAttributes.email", &format!("{name}@example.com")),
            ("password", password),
        ],
    )
}

#[test]
fn sign_up_confirm_sign_in_and_mfa_set_up_end_at_the_app_with_a_code() {
    let s = server();
    let (pool, client) = setup(&s, "ON", "ENABLED", false);
    let base = format!("/{pool}");
    let q = query(&client);
    let mut b = Browser::new(&s);

    // The sign-in page links to sign-up and the forgotten password, with the request.
    let login = b.get(&format!("{base}/login?{q}"));
    assert!(
        login.body.contains(&format!("href=\"{base}/signup?")),
        "{}",
        login.body
    );
    assert!(login.body.contains("Forgot your password?"));

    // The sign-up page: the pool's required email, the policy's rules tied to the password.
    let page = b.get(&format!("{base}/signup?{q}"));
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("name=\"userAttributes.email\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("At least 8 characters"));
    assert!(page.body.contains("aria-describedby=\"f-password-rules\""));
    assert!(page.body.contains("Already have an account? Sign in"));

    // A form without its CSRF token creates nobody.
    let mut forged: Vec<(String, String)> = common::hidden_fields(&page.body)
        .into_iter()
        .filter(|(k, _)| k != "_csrf")
        .collect();
    forged.push(("username".into(), "eve".into()));
    forged.push(("userAttributes.email".into(), "eve@example.com".into()));
    forged.push(("password".into(), PASSWORD.into()));
    let r = b.post(&format!("{base}/signup"), &forged);
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(s.users(&pool), 0);

    // A password the policy refuses: the engine's message, every broken rule marked.
    let r = sign_up(&mut b, &base, &q, "lena", "short");
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("Password did not conform with policy"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Not met: At least 8 characters"));
    assert!(r.body.contains("Not met: An uppercase letter"));
    assert!(r.body.contains("Met: A lowercase letter"));
    assert!(
        r.body
            .contains("aria-describedby=\"f-password-error f-password-rules\"")
    );
    assert_eq!(s.users(&pool), 0);

    // A good sign-up: the code page names where the code went.
    let r = sign_up(&mut b, &base, &q, "lena", PASSWORD);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("l***@e***"), "{}", r.body);
    assert_eq!(s.users(&pool), 1);
    let confirm_page = r.body;
    let (_, code) = s.last_code(&pool);
    assert_eq!(code.len(), 6);

    // A duplicate is told on the username field.
    let dup = sign_up(&mut b, &base, &q, "lena", PASSWORD);
    assert_eq!(dup.status, 200);
    assert!(dup.body.contains("f-username-error"), "{}", dup.body);
    assert!(dup.body.contains("already exists"));
    assert_eq!(s.users(&pool), 1);

    // A wrong code is told on its field; the right one leads to the sign-in page's notice.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = b.submit(&confirm_page, FORM, &[("code", wrong)]);
    assert_eq!(r.status, 200);
    assert!(
        r.body.contains("aria-describedby=\"f-code-error\""),
        "{}",
        r.body
    );
    assert!(r.body.contains("Invalid verification code"));
    let r = b.submit(&confirm_page, FORM, &[("code", &code)]);
    assert_eq!(r.status, 302, "{}", r.body);
    let to = r.header("location").unwrap().to_string();
    assert!(to.starts_with(&format!("{base}/login?")), "{to}");
    assert_eq!(param(&to, "state").as_deref(), Some(STATE));
    let user = s.ok(
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": "lena"}),
    );
    assert_eq!(user["UserStatus"], "CONFIRMED");
    let login = b.get(&to);
    assert!(
        login.body.contains("Your account is confirmed"),
        "{}",
        login.body
    );

    // The pool requires MFA: signing in shows the set-up page with a QR code and the secret.
    let r = b.submit(
        &login.body,
        FORM,
        &[("username", "lena"), ("password", PASSWORD)],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("src=\"data:image/svg+xml;base64,"),
        "{}",
        r.body
    );
    let secret = hidden(&r.body, "secret");
    let uri = hidden(&r.body, "otpauth_uri");
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    assert!(uri.contains("lena%40example.com"), "{uri}");
    let setup_page = r.body;
    let wrong = if totp_now(&s, &secret) == "123456" {
        "654321"
    } else {
        "123456"
    };
    let r = b.submit(&setup_page, FORM, &[("code", wrong)]);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("f-code-error"), "{}", r.body);
    // A form without its CSRF token does not go on.
    let mut forged: Vec<(String, String)> = common::hidden_fields(&setup_page)
        .into_iter()
        .filter(|(k, _)| k != "_csrf")
        .collect();
    forged.push(("code".into(), totp_now(&s, &secret)));
    assert_eq!(b.post(&format!("{base}/mfaSetup"), &forged).status, 403);

    s.console.clock().advance(30_000);
    let r = b.submit(&setup_page, FORM, &[("code", &totp_now(&s, &secret))]);
    assert_eq!(r.status, 302, "{}", r.body);
    let back = r.header("location").unwrap();
    assert!(back.starts_with(&format!("{CALLBACK}?code=")), "{back}");
    assert_eq!(param(back, "state").as_deref(), Some(STATE));
    assert!(b.cookies.iter().any(|(k, _)| k == "poolhouse-session"));
    let mfa = s.ok(
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": "lena"}),
    );
    assert_eq!(mfa["PreferredMfaSetting"], "SOFTWARE_TOKEN_MFA", "{mfa}");
}

#[test]
fn an_expired_confirmation_code_is_told_and_a_new_one_confirms() {
    let s = server();
    let (pool, client) = setup(&s, "OFF", "ENABLED", false);
    let base = format!("/{pool}");
    let q = query(&client);
    let mut b = Browser::new(&s);
    let r = sign_up(&mut b, &base, &q, "omar", PASSWORD);
    assert_eq!(r.status, 200, "{}", r.body);
    let confirm_page = r.body;
    let (_, code) = s.last_code(&pool);
    s.console.clock().advance(25 * 3_600_000);
    let r = b.submit(&confirm_page, FORM, &[("code", &code)]);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("f-code-error"), "{}", r.body);
    assert!(r.body.contains("request a code again"), "{}", r.body);
    // "Send a new code" sends one, and it confirms.
    let r = b.submit(&confirm_page, FORM, &[]);
    assert_eq!(r.status, 200, "the confirm form needs a code: {}", r.body);
    assert!(r.body.contains("f-code-error"));
    let r = b.submit(&confirm_page, "class=\"resend\"", &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("role=\"status\""), "{}", r.body);
    let (_, fresh) = s.last_code(&pool);
    let r = b.submit(&r.body, FORM, &[("code", &fresh)]);
    assert_eq!(r.status, 302, "{}", r.body);
    let user = s.ok(
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": "omar"}),
    );
    assert_eq!(user["UserStatus"], "CONFIRMED");
}

#[test]
fn a_pool_where_only_administrators_create_users_refuses_sign_up_as_cognito_does() {
    let s = server();
    let (pool, client) = setup(&s, "OFF", "ENABLED", true);
    let base = format!("/{pool}");
    let q = query(&client);
    let mut b = Browser::new(&s);
    let login = b.get(&format!("{base}/login?{q}"));
    assert!(
        !login.body.contains("/signup?"),
        "no sign-up link: {}",
        login.body
    );
    let page = b.get(&format!("{base}/signup?{q}"));
    assert_eq!(page.status, 403);
    assert!(
        page.body
            .contains("SignUp is not permitted for this user pool")
    );
    // A post made anyway (the sign-in page's form has the same hidden fields) is refused.
    let r = b.submit(
        &login.body,
        FORM,
        &[
            ("username", "zed"),
            ("userAttributes.email", "zed@example.com"),
            ("password", PASSWORD),
        ],
    );
    assert_ne!(r.status, 302);
    let mut pairs = common::hidden_fields(&login.body);
    pairs.push(("username".into(), "zed".into()));
    pairs.push(("userAttributes.email".into(), "zed@example.com".into()));
    pairs.push(("password".into(), PASSWORD.into()));
    let r = b.post(&format!("{base}/signup"), &pairs);
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("SignUp is not permitted"));
    assert_eq!(s.users(&pool), 0);
}

fn user_with_email(s: &Server, pool: &str, name: &str) {
    s.ok(
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": name, "MessageAction": "SUPPRESS",
               "UserAttributes": [{"Name": "email", "Value": format!("{name}@example.com")},
                                  {"Name": "email_verified", "Value": "true"}]}),
    );
    s.ok(
        "AdminSetUserPassword",
        json!({"UserPoolId": pool, "Username": name, "Password": PASSWORD, "Permanent": true}),
    );
}

#[test]
fn a_forgotten_password_is_reset_with_its_code_and_unknown_names_are_not_told() {
    let s = server();
    let (pool, client) = setup(&s, "OFF", "ENABLED", false);
    user_with_email(&s, &pool, "ana");
    let base = format!("/{pool}");
    let q = query(&client);
    let mut b = Browser::new(&s);
    let login = b.get(&format!("{base}/login?{q}"));
    assert!(
        login
            .body
            .contains(&format!("href=\"{base}/forgotPassword?"))
    );

    // An unknown name goes on to the code page as a known one does, and its code is wrong.
    let page = b.get(&format!("{base}/forgotPassword?{q}"));
    assert_eq!(page.status, 200);
    let r = b.submit(&page.body, FORM, &[("username", "nobody")]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("If an account with that name exists"),
        "{}",
        r.body
    );
    let r = b.submit(
        &r.body,
        FORM,
        &[("code", "123456"), ("password", "An0ther-Pass!")],
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("f-code-error"), "{}", r.body);

    // A known name: the code page names where the code went.
    let r = b.submit(&page.body, FORM, &[("username", "ana")]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("a***@e***"), "{}", r.body);
    let code_page = r.body;
    let (_, code) = s.last_code(&pool);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = b.submit(
        &code_page,
        FORM,
        &[("code", wrong), ("password", "An0ther-Pass!")],
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("f-code-error"));
    let r = b.submit(
        &code_page,
        FORM,
        &[("code", &code), ("password", "weakpass")],
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("Not met: A number"), "{}", r.body);
    assert!(r.body.contains("Met: At least 8 characters"));
    // Without the CSRF token nothing changes.
    let mut forged: Vec<(String, String)> = common::hidden_fields(&code_page)
        .into_iter()
        .filter(|(k, _)| k != "_csrf")
        .collect();
    forged.push(("code".into(), code.clone()));
    forged.push(("password".into(), "An0ther-Pass!".into()));
    assert_eq!(
        b.post(&format!("{base}/confirmForgotPassword"), &forged)
            .status,
        403
    );

    let r = b.submit(
        &code_page,
        FORM,
        &[("code", &code), ("password", "An0ther-Pass!")],
    );
    assert_eq!(r.status, 302, "{}", r.body);
    let to = r.header("location").unwrap().to_string();
    let login = b.get(&to);
    assert!(
        login.body.contains("Your password was changed"),
        "{}",
        login.body
    );
    // The old password no longer signs in; the new one does.
    let r = b.submit(
        &login.body,
        FORM,
        &[("username", "ana"), ("password", PASSWORD)],
    );
    assert_eq!(r.status, 200);
    let r = b.submit(
        &login.body,
        FORM,
        &[("username", "ana"), ("password", "An0ther-Pass!")],
    );
    assert_eq!(r.status, 302, "{}", r.body);
    assert!(
        r.header("location")
            .unwrap()
            .starts_with(&format!("{CALLBACK}?code="))
    );
}

#[test]
fn with_legacy_errors_an_unknown_name_is_told_on_the_page() {
    let s = server();
    let (pool, client) = setup(&s, "OFF", "LEGACY", false);
    let base = format!("/{pool}");
    let mut b = Browser::new(&s);
    let page = b.get(&format!("{base}/forgotPassword?{}", query(&client)));
    let r = b.submit(&page.body, FORM, &[("username", "nobody")]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("User does not exist."), "{}", r.body);
    assert!(r.body.contains("f-username-error"));
}

#[test]
fn an_unregistered_redirect_uri_or_an_oversized_form_is_refused_on_every_new_page() {
    let s = server();
    let (pool, client) = setup(&s, "OFF", "ENABLED", false);
    let mut b = Browser::new(&s);
    let q = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("client_id", client.as_str()),
            ("redirect_uri", "https://evil.test/cb"),
            ("response_type", "code"),
        ])
        .finish();
    for route in [
        "signup",
        "confirmUser",
        "forgotPassword",
        "confirmForgotPassword",
    ] {
        let r = b.get(&format!("/{pool}/{route}?{q}"));
        assert_eq!(r.status, 400, "{route}: {}", r.body);
        assert!(r.header("location").is_none(), "{route} redirected");
    }
    // An oversized form is refused before it is read.
    let big = vec![("username".to_string(), "x".repeat(20 * 1024))];
    for route in [
        "signup",
        "confirmUser",
        "forgotPassword",
        "confirmForgotPassword",
        "mfaSetup",
    ] {
        let r = b.post(&format!("/{pool}/{route}"), &big);
        assert_eq!(r.status, 413, "{route}: {}", r.body);
    }
    assert_eq!(s.users(&pool), 0);
}

#[test]
fn a_sign_up_the_pre_sign_up_hook_confirms_goes_straight_back_to_the_app_and_a_refusal_is_shown() {
    let hook = testkit::HttpServer::json(|e| {
        let email = e["request"]["userAttributes"]["email"]
            .as_str()
            .unwrap_or("");
        if email.ends_with("@blocked.test") {
            testkit::Reply::json(
                400,
                json!({"errorMessage": "sign-ups from blocked.test are closed"}),
            )
        } else {
            let mut answer = e.clone();
            answer["response"] = json!({"autoConfirmUser": true, "autoVerifyEmail": true});
            testkit::Reply::json(200, answer)
        }
    });
    let s = server();
    let (pool, client) = pool_and_client(
        &s,
        json!({
            "PoolName": "hooked", "AutoVerifiedAttributes": ["email"],
            "Schema": [{"Name": "email", "AttributeDataType": "String", "Required": true, "Mutable": true}],
            "LambdaConfig": {"PreSignUp": hook.url("/pre-sign-up")},
        }),
        json!({"GenerateSecret": false}),
    );
    let base = format!("/{pool}");
    let q = query(&client);
    let mut b = Browser::new(&s);

    // The hook's refusal is shown on the page, and nobody is created.
    let page = b.get(&format!("{base}/signup?{q}"));
    let r = b.submit(
        &page.body,
        FORM,
        &[
            ("username", "mal"),
            ("userAttributes.email", "mal@blocked.test"),
            ("password", PASSWORD),
        ],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("sign-ups from blocked.test are closed"),
        "{}",
        r.body
    );
    assert!(r.body.contains("role=\"alert\""));
    assert_eq!(s.users(&pool), 0);

    // Confirmed by the hook: signed in at once, back at the app with a code and the state.
    let r = sign_up(&mut b, &base, &q, "noor", PASSWORD);
    assert_eq!(r.status, 302, "{}", r.body);
    let back = r.header("location").unwrap();
    assert!(back.starts_with(&format!("{CALLBACK}?code=")), "{back}");
    assert_eq!(param(back, "state").as_deref(), Some(STATE));
    assert!(b.cookies.iter().any(|(k, _)| k == "poolhouse-session"));
    let user = s.ok(
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": "noor"}),
    );
    assert_eq!(user["UserStatus"], "CONFIRMED");
}

#[test]
fn an_mfa_set_up_session_of_another_client_is_refused_on_the_page() {
    let s = server();
    let (pool, client) = setup(&s, "ON", "ENABLED", false);
    user_with_email(&s, &pool, "ana");
    // Another client of the pool, signing in through the API, gets an MFA_SETUP session.
    let other = s.ok(
        "CreateUserPoolClient",
        json!({"UserPoolId": pool, "ClientName": "cli",
               "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_string();
    let c = s.console.same_as(console_api::Actor::endpoint("127.0.0.1"));
    let started = testkit::ok(
        &c,
        "InitiateAuth",
        json!({"ClientId": other, "AuthFlow": "USER_PASSWORD_AUTH",
               "AuthParameters": {"USERNAME": "ana", "PASSWORD": PASSWORD}}),
    );
    assert_eq!(started["ChallengeName"], "MFA_SETUP");
    let session = started["Session"].as_str().unwrap().to_string();

    // The web client's page will not go on with it.
    let mut b = Browser::new(&s);
    let login = b.get(&format!("/{pool}/login?{}", query(&client)));
    let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    let mut pairs = common::hidden_fields(&login.body);
    for (k, v) in [
        ("session", session.as_str()),
        ("username", "ana"),
        ("secret", secret),
        (
            "otpauth_uri",
            &format!("otpauth://totp/x:ana?secret={secret}&issuer=x"),
        ),
        ("code", "123456"),
    ] {
        pairs.push((k.to_string(), v.to_string()));
    }
    let r = b.post(&format!("/{pool}/mfaSetup"), &pairs);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("Invalid session"), "{}", r.body);
    assert!(r.header("location").is_none());
    let user = s.ok(
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": "ana"}),
    );
    assert!(user.get("PreferredMfaSetting").is_none(), "{user}");
}

#[test]
fn a_pool_that_signs_in_with_email_asks_for_it_as_the_username() {
    let s = server();
    let (pool, client) = pool_and_client(
        &s,
        json!({"PoolName": "by-email", "UsernameAttributes": ["email"],
               "AutoVerifiedAttributes": ["email"]}),
        json!({"GenerateSecret": false}),
    );
    let mut b = Browser::new(&s);
    let page = b.get(&format!("/{pool}/signup?{}", query(&client)));
    assert_eq!(page.status, 200);
    assert!(page.body.contains(">Email</label>"), "{}", page.body);
    assert!(
        page.body.contains("name=\"username\" type=\"email\""),
        "{}",
        page.body
    );
    assert!(!page.body.contains("userAttributes.email"));
    // Not an email: refused on the field, by the same rule as SignUp.
    let r = b.submit(
        &page.body,
        FORM,
        &[("username", "sam"), ("password", PASSWORD)],
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains("f-username-error"), "{}", r.body);
    let r = b.submit(
        &page.body,
        FORM,
        &[("username", "sam@example.com"), ("password", PASSWORD)],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("s***@e***"), "{}", r.body);
    let (_, code) = s.last_code(&pool);
    let r = b.submit(&r.body, FORM, &[("code", &code)]);
    assert_eq!(r.status, 302, "{}", r.body);
    let users = s.ok("ListUsers", json!({"UserPoolId": pool}));
    assert_eq!(users["Users"][0]["UserStatus"], "CONFIRMED", "{users}");
    // The forgotten-password page asks for the email too.
    let forgot = b.get(&format!("/{pool}/forgotPassword?{}", query(&client)));
    assert!(forgot.body.contains(">Email</label>"), "{}", forgot.body);
    let r = b.submit(&forgot.body, FORM, &[("username", "sam@example.com")]);
    assert!(r.body.contains("s***@e***"), "{}", r.body);
}

#[test]
fn a_pool_that_verifies_nothing_says_an_administrator_confirms_the_account() {
    let s = server();
    let (pool, client) = pool_and_client(
        &s,
        json!({"PoolName": "quiet"}),
        json!({"GenerateSecret": false}),
    );
    let mut b = Browser::new(&s);
    let page = b.get(&format!("/{pool}/signup?{}", query(&client)));
    let r = b.submit(
        &page.body,
        FORM,
        &[("username", "kim"), ("password", PASSWORD)],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("An administrator must confirm it"),
        "{}",
        r.body
    );
    let user = s.ok(
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": "kim"}),
    );
    assert_eq!(user["UserStatus"], "UNCONFIRMED");
}

#[test]
fn a_pool_that_requires_email_mfa_asks_a_user_without_a_factor_for_an_emailed_code() {
    let s = server();
    let (pool, client) = setup(&s, "OFF", "ENABLED", false);
    s.ok(
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool, "EmailMfaConfiguration": {},
               "SoftwareTokenMfaConfiguration": {"Enabled": false}, "MfaConfiguration": "ON"}),
    );
    user_with_email(&s, &pool, "ana");
    let mut b = Browser::new(&s);
    let login = b.get(&format!("/{pool}/login?{}", query(&client)));
    let r = b.submit(
        &login.body,
        FORM,
        &[("username", "ana"), ("password", PASSWORD)],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    // No authenticator to set up: the code goes to the user's email, as the engine asks.
    assert!(!r.body.contains("data:image/svg+xml"), "{}", r.body);
    assert!(r.body.contains("a***@e***"), "{}", r.body);
    let (_, code) = s.last_code(&pool);
    let r = b.submit(&r.body, FORM, &[("code", &code)]);
    assert_eq!(r.status, 302, "{}", r.body);
    assert!(
        r.header("location")
            .unwrap()
            .starts_with(&format!("{CALLBACK}?code="))
    );
}

/// A pool that requires MFA by authenticator or email codes and does not ask users for an
/// email, with a code-flow client; answers (pool, client).
fn mfa_pool_without_emails(s: &Server) -> (String, String) {
    let (pool, client) = pool_and_client(s, json!({"PoolName": "mfa-pages"}), json!({}));
    s.ok(
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": pool, "EmailMfaConfiguration": {},
               "SoftwareTokenMfaConfiguration": {"Enabled": true}, "MfaConfiguration": "ON"}),
    );
    (pool, client)
}

#[test]
fn the_mfa_set_up_page_offers_email_codes_and_the_email_path_ends_at_the_app() {
    let s = server();
    let (pool, client) = mfa_pool_without_emails(&s);
    s.ok(
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "omar", "MessageAction": "SUPPRESS"}),
    );
    s.ok(
        "AdminSetUserPassword",
        json!({"UserPoolId": pool, "Username": "omar", "Password": PASSWORD, "Permanent": true}),
    );
    let mut b = Browser::new(&s);
    let login = b.get(&format!("/{pool}/login?{}", query(&client)));
    let setup = b.submit(
        &login.body,
        FORM,
        &[("username", "omar"), ("password", PASSWORD)],
    );
    assert_eq!(setup.status, 200, "{}", setup.body);
    // Both choices: the authenticator's QR code and an address for email codes.
    assert!(
        setup.body.contains("Set up multi-factor authentication"),
        "{}",
        setup.body
    );
    assert!(setup.body.contains("data:image/svg+xml"), "{}", setup.body);
    assert!(
        setup.body.contains("name=\"email\" type=\"email\""),
        "{}",
        setup.body
    );
    assert!(setup.body.contains(">Authenticator app</h2>"));
    assert!(setup.body.contains(">Email</h2>"));

    // Not an address: said on the field, nothing sent.
    let marker = "name=\"email\"";
    let r = b.submit(&setup.body, marker, &[("email", "omar-at-example")]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("f-email-error"), "{}", r.body);
    assert!(r.body.contains("must be an email address"), "{}", r.body);
    let outbox = s.ok("ListOutboxMessages", json!({"UserPoolId": pool}));
    assert_eq!(outbox["Messages"].as_array().unwrap().len(), 0);

    // An address: the code goes there, and the sign-in page's code step takes it.
    let r = b.submit(&r.body, marker, &[("email", "omar@example.com")]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("o***@e***"), "{}", r.body);
    assert!(
        r.body.contains(&format!("action=\"/{pool}/login\"")),
        "{}",
        r.body
    );
    let (to, code) = s.last_code(&pool);
    assert!(to.contains("omar@example.com"), "{to}");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let again = b.submit(&r.body, FORM, &[("code", wrong)]);
    assert_eq!(again.status, 200);
    assert!(again.body.contains("f-code-error"), "{}", again.body);
    let done = b.submit(&r.body, FORM, &[("code", &code)]);
    assert_eq!(done.status, 302, "{}", done.body);
    let back = done.header("location").unwrap();
    assert!(back.starts_with(&format!("{CALLBACK}?code=")), "{back}");
    assert_eq!(param(back, "state").as_deref(), Some(STATE));

    let user = s.ok(
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": "omar"}),
    );
    assert_eq!(user["UserMFASettingList"], json!(["EMAIL_OTP"]), "{user}");
    let attrs = user["UserAttributes"].as_array().unwrap();
    assert!(
        attrs
            .iter()
            .any(|a| a["Name"] == "email" && a["Value"] == "omar@example.com"),
        "{user}"
    );
}

/// A pool that confirms sign-ups with a link by email; answers (pool, client).
fn link_pool(s: &Server) -> (String, String) {
    pool_and_client(
        s,
        json!({
            "PoolName": "links",
            "AutoVerifiedAttributes": ["email"],
            "Schema": [{"Name": "email", "AttributeDataType": "String", "Required": true, "Mutable": true}],
            "VerificationMessageTemplate": {
                "DefaultEmailOption": "CONFIRM_WITH_LINK",
                "EmailSubjectByLink": "Confirm your account",
                "EmailMessageByLink": "Welcome! {##Confirm my account##}",
            },
        }),
        json!({}),
    )
}

/// The newest message's link: (its subject, the link's URL as sent).
fn last_link(s: &Server, pool: &str) -> (String, String) {
    let m = s.ok(
        "ListOutboxMessages",
        json!({"UserPoolId": pool, "Limit": 1}),
    );
    let msg = &m["Messages"][0];
    let body = msg["Body"].as_str().unwrap();
    let href = body
        .split("href=\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no link in {body}"))
        .split('"')
        .next()
        .unwrap();
    (
        msg["Subject"].as_str().unwrap().to_string(),
        common::unescape(href),
    )
}

fn status_of(s: &Server, pool: &str, name: &str) -> String {
    s.ok(
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": name}),
    )["UserStatus"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_sign_up_is_confirmed_by_the_link_in_its_email_once() {
    let s = server();
    let (pool, client) = link_pool(&s);
    let mut b = Browser::new(&s);
    let r = sign_up(
        &mut b,
        &format!("/{pool}"),
        &query(&client),
        "lia",
        PASSWORD,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("We sent a link by email to l***@e***"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("name=\"code\""), "{}", r.body);
    let (subject, link) = last_link(&s, &pool);
    assert_eq!(subject, "Confirm your account");
    let prefix = format!(
        "http://{}/{pool}/confirmUser?client_id={client}&user_name=lia&confirmation_code=",
        s.addr
    );
    assert!(link.starts_with(&prefix), "{link}");
    let path = link.strip_prefix(&format!("http://{}", s.addr)).unwrap();
    let code = link.rsplit('=').next().unwrap().to_string();

    // A HEAD, a browser's prefetch and a changed code confirm nothing.
    let head = http::send(s.addr, "HEAD", path, &[], b"");
    assert_eq!(head.status, 200);
    let pre = http::send(s.addr, "GET", path, &[("Sec-Purpose", "prefetch")], b"");
    assert_eq!(pre.status, 503);
    let other = if code == "000000" { "111111" } else { "000000" };
    let tampered = path.replace(
        &format!("confirmation_code={code}"),
        &format!("confirmation_code={other}"),
    );
    let r = b.get(&tampered);
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body.contains("This confirmation link is not valid"),
        "{}",
        r.body
    );
    let r = b.get(&path.replace(&client, "1234567890abcdefghijklmnop"));
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(status_of(&s, &pool, "lia"), "UNCONFIRMED");

    // The link confirms, and verifies the email it came by.
    let r = b.get(path);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("Your registration has been confirmed"),
        "{}",
        r.body
    );
    assert_eq!(status_of(&s, &pool, "lia"), "CONFIRMED");
    let user = s.ok(
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": "lia"}),
    );
    assert!(
        user["UserAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["Name"] == "email_verified" && a["Value"] == "true"),
        "{user}"
    );
    // Opened again: said, nothing changes.
    let r = b.get(path);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("already confirmed"), "{}", r.body);
}

#[test]
fn a_confirmation_link_names_the_pool_domain_and_runs_out_with_its_code() {
    let s = server();
    let (pool, client) = link_pool(&s);
    s.ok(
        "CreateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "linktest"}),
    );
    let mut b = Browser::new(&s);
    let r = sign_up(
        &mut b,
        &format!("/{pool}"),
        &query(&client),
        "max",
        PASSWORD,
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let (_, link) = last_link(&s, &pool);
    let host = format!("linktest.auth.localhost:{}", s.addr.port());
    let prefix = format!("http://{host}/confirmUser?client_id={client}&user_name=max&");
    assert!(link.starts_with(&prefix), "{link}");
    let path = link
        .strip_prefix(&format!("http://{host}"))
        .unwrap()
        .to_string();

    // A day later the code, and so the link, has run out.
    s.console.clock().advance(25 * 3_600_000);
    let r = http::send(s.addr, "GET", &path, &[("Host", &host)], b"");
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("has expired"), "{}", r.body);
    assert_eq!(status_of(&s, &pool, "max"), "UNCONFIRMED");

    // A new code (ResendConfirmationCode, as the page's "send a new code") sends a new link.
    let again = b.get(&format!(
        "/{pool}/confirmUser?{}&username=max",
        query(&client)
    ));
    let r = b.submit(&again.body, "Send a new code", &[]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("We sent a new link by email to m***@e***"),
        "{}",
        r.body
    );
    let (_, fresh) = last_link(&s, &pool);
    assert_ne!(fresh, link);
    let path = fresh
        .strip_prefix(&format!("http://{host}"))
        .unwrap()
        .to_string();
    let r = http::send(s.addr, "GET", &path, &[("Host", &host)], b"");
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(status_of(&s, &pool, "max"), "CONFIRMED");
}
