//! Sign-in operations on a real store with a clock the tests move.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use console_api::{ApiError, ErrorCode};
use serde_json::{Value, json};
use testkit::{T0, TestConsole, call, create_client, create_pool, err, ok};

struct Env {
    c: TestConsole,
    pool: String,
    client: String,
}

fn env_with(pool_extra: Value, client_extra: Value) -> Env {
    let c = TestConsole::new().as_peer();
    let mut body = json!({"PoolName": "demo"});
    body.as_object_mut()
        .unwrap()
        .extend(pool_extra.as_object().unwrap().clone());
    let pool = create_pool(&c, body);
    let mut body = json!({"UserPoolId": pool, "ClientName": "web", "ExplicitAuthFlows": [
        "ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]});
    body.as_object_mut()
        .unwrap()
        .extend(client_extra.as_object().unwrap().clone());
    let client = create_client(&c, body);
    Env { c, pool, client }
}

fn env() -> Env {
    env_with(json!({}), json!({}))
}

impl Env {
    /// A confirmed user with a permanent password.
    fn user(&self, name: &str, password: &str) {
        ok(
            &self.c,
            "AdminCreateUser",
            json!({"UserPoolId": self.pool, "Username": name, "MessageAction": "SUPPRESS",
                "UserAttributes": [{"Name": "email", "Value": format!("{name}@example.com")},
                                   {"Name": "email_verified", "Value": "true"}]}),
        );
        ok(
            &self.c,
            "AdminSetUserPassword",
            json!({"UserPoolId": self.pool, "Username": name, "Password": password, "Permanent": true}),
        );
    }

    fn sign_in(&self, name: &str, password: &str) -> Result<Value, ApiError> {
        call(
            &self.c,
            "InitiateAuth",
            json!({"ClientId": self.client, "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": name, "PASSWORD": password}}),
        )
    }

    fn tokens(&self, name: &str, password: &str) -> Value {
        self.sign_in(name, password).unwrap()["AuthenticationResult"].clone()
    }

    fn last_code(&self) -> String {
        let m = ok(
            &self.c,
            "ListOutboxMessages",
            json!({"UserPoolId": self.pool, "Limit": 1}),
        );
        let body = m["Messages"][0]["Body"].as_str().unwrap().to_string();
        body.chars().filter(char::is_ascii_digit).collect()
    }

    fn jwks_verifier(&self) -> tokens::Verifier {
        tokens::Verifier::from_jwks(&self.c.jwks(&self.pool).unwrap()).unwrap()
    }
}

fn claims_of(v: &tokens::Verifier, token: &Value, now_ms: i64) -> serde_json::Map<String, Value> {
    v.verify(token.as_str().unwrap(), now_ms / 1000, 0)
        .unwrap()
        .into_claims()
}

#[test]
fn a_password_sign_in_answers_tokens_any_verifier_accepts() {
    let e = env();
    e.user("alice", "Passw0rd!");
    ok(
        &e.c,
        "CreateGroup",
        json!({"UserPoolId": e.pool, "GroupName": "admins", "Precedence": 1,
            "RoleArn": "arn:aws:iam::000000000000:role/admin"}),
    );
    ok(
        &e.c,
        "AdminAddUserToGroup",
        json!({"UserPoolId": e.pool, "Username": "alice", "GroupName": "admins"}),
    );
    let t = e.tokens("alice", "Passw0rd!");
    assert_eq!(t["TokenType"], "Bearer");
    assert_eq!(t["ExpiresIn"], 3600);
    assert!(t["RefreshToken"].as_str().unwrap().len() >= 40);

    let v = e.jwks_verifier();
    let issuer = format!("https://cognito-idp.us-east-1.amazonaws.com/{}", e.pool);
    let id = claims_of(&v, &t["IdToken"], T0);
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["aud"], json!(e.client));
    assert_eq!(id["iss"], json!(issuer));
    assert_eq!(id["cognito:username"], "alice");
    assert_eq!(id["email"], "alice@example.com");
    assert_eq!(
        id["email_verified"],
        json!(true),
        "a boolean, as Cognito writes it"
    );
    assert_eq!(id["cognito:groups"], json!(["admins"]));
    assert_eq!(
        id["cognito:preferred_role"],
        "arn:aws:iam::000000000000:role/admin"
    );
    assert_eq!(id["auth_time"], json!(T0 / 1000));
    assert_eq!(id["exp"], json!(T0 / 1000 + 3600));
    let access = claims_of(&v, &t["AccessToken"], T0);
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["client_id"], json!(e.client));
    assert_eq!(access["username"], "alice");
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(access["origin_jti"], id["origin_jti"]);
    assert!(access.get("aud").is_none());

    // ID and access tokens are signed by different keys, both published.
    let kid = |tok: &Value| {
        tokens::dangerous::decode_unverified(tok.as_str().unwrap())
            .unwrap()
            .header["kid"]
            .clone()
    };
    assert_ne!(kid(&t["IdToken"]), kid(&t["AccessToken"]));

    let me = ok(&e.c, "GetUser", json!({"AccessToken": t["AccessToken"]}));
    assert_eq!(me["Username"], "alice");
    // The ID token is not an access token.
    let wrong = err(&e.c, "GetUser", json!({"AccessToken": t["IdToken"]}));
    assert_eq!(wrong.code, ErrorCode::NotAuthorizedException);
}

#[test]
fn the_id_token_carries_the_attributes_the_client_may_read_typed_as_cognito_types_them() {
    let e = env_with(
        json!({}),
        json!({"ReadAttributes": ["email", "email_verified", "phone_number",
            "phone_number_verified", "address", "updated_at", "locale"]}),
    );
    ok(
        &e.c,
        "AdminCreateUser",
        json!({"UserPoolId": e.pool, "Username": "vera", "MessageAction": "SUPPRESS",
            "UserAttributes": [
                {"Name": "email", "Value": "vera@example.com"},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "phone_number", "Value": "+15555550100"},
                {"Name": "phone_number_verified", "Value": "false"},
                {"Name": "address", "Value": "1 Main St, Springfield"},
                {"Name": "updated_at", "Value": "1700000000"},
                {"Name": "locale", "Value": "fr-CA"},
                {"Name": "name", "Value": "Vera"}]}),
    );
    ok(
        &e.c,
        "AdminSetUserPassword",
        json!({"UserPoolId": e.pool, "Username": "vera", "Password": "Passw0rd!", "Permanent": true}),
    );
    let t = e.tokens("vera", "Passw0rd!");
    let id = claims_of(&e.jwks_verifier(), &t["IdToken"], T0);
    assert_eq!(id["email"], "vera@example.com");
    assert_eq!(
        id.get("email_verified"),
        Some(&json!(true)),
        "a readable email_verified is a boolean claim, as Cognito writes it: {id:?}"
    );
    assert_eq!(id["phone_number"], "+15555550100");
    assert_eq!(
        id.get("phone_number_verified"),
        Some(&json!(false)),
        "{id:?}"
    );
    assert_eq!(
        id.get("address"),
        Some(&json!({"formatted": "1 Main St, Springfield"})),
        "Cognito puts the address string in OIDC's address object"
    );
    assert_eq!(
        id.get("updated_at"),
        Some(&json!(1_700_000_000)),
        "a number, as OIDC and Cognito have it"
    );
    assert_eq!(id["locale"], "fr-CA");
    assert!(
        id.get("name").is_none(),
        "name is not among the client's ReadAttributes: {id:?}"
    );
    // A refreshed ID token carries the same claims.
    let refreshed = ok(
        &e.c,
        "InitiateAuth",
        json!({"ClientId": e.client, "AuthFlow": "REFRESH_TOKEN_AUTH",
            "AuthParameters": {"REFRESH_TOKEN": t["RefreshToken"]}}),
    );
    let again = claims_of(
        &e.jwks_verifier(),
        &refreshed["AuthenticationResult"]["IdToken"],
        T0,
    );
    for claim in [
        "email",
        "email_verified",
        "phone_number",
        "phone_number_verified",
        "address",
        "updated_at",
        "locale",
    ] {
        assert_eq!(again.get(claim), id.get(claim), "{claim} after a refresh");
    }
}

#[test]
fn wrong_passwords_lock_the_user_out_with_growing_backoff_until_unlocked() {
    // A client that does not hide who exists is told about the lockout (as Cognito tells it);
    // one that does answers as for an unknown user (the test below).
    let e = env_with(json!({}), json!({"PreventUserExistenceErrors": "LEGACY"}));
    e.user("bob", "Passw0rd!");
    for i in 0..5 {
        let r = e.sign_in("bob", "wrong-password").unwrap_err();
        assert_eq!(r.code, ErrorCode::NotAuthorizedException, "attempt {i}");
        assert_eq!(r.message, "Incorrect username or password.");
    }
    // Locked: even the right password is refused for a second.
    let locked = e.sign_in("bob", "Passw0rd!").unwrap_err();
    assert_eq!(locked.message, "Password attempts exceeded");
    e.c.clock().advance(1_001);
    // The next failure doubles the lockout.
    e.sign_in("bob", "wrong-password").unwrap_err();
    e.c.clock().advance(1_001);
    assert_eq!(
        e.sign_in("bob", "Passw0rd!").unwrap_err().message,
        "Password attempts exceeded"
    );
    let sec = ok(
        &e.c,
        "DescribeUserSecurity",
        json!({"UserPoolId": e.pool, "Username": "bob"}),
    );
    assert_eq!(sec["FailedSignInAttempts"], 6);
    assert!(sec["LockedUntil"].as_f64().is_some());

    ok(
        &e.c,
        "UnlockUser",
        json!({"UserPoolId": e.pool, "Username": "bob"}),
    );
    assert!(e.sign_in("bob", "Passw0rd!").is_ok());
    let events = ok(
        &e.c,
        "AdminListUserAuthEvents",
        json!({"UserPoolId": e.pool, "Username": "bob", "MaxResults": 3}),
    );
    let first = &events["AuthEvents"][0];
    assert_eq!(first["EventType"], "SignIn");
    assert_eq!(first["EventResponse"], "Pass");
    assert_eq!(first["EventContextData"]["IpAddress"], "127.0.0.1");
    assert_eq!(
        events["AuthEvents"][1]["Detail"],
        "Password attempts exceeded"
    );
    assert!(events["NextToken"].is_string(), "more than 3 events");
}

/// SearchUsers shows a lockout and the failures in a row on each row, and filters by it.
#[test]
fn search_shows_lockouts_and_failures_and_filters_the_locked() {
    let e = env();
    e.user("bob", "Passw0rd!");
    e.user("amy", "Passw0rd!");
    e.sign_in("amy", "wrong-password").unwrap_err();
    for _ in 0..6 {
        e.sign_in("bob", "wrong-password").unwrap_err();
        e.c.clock().advance(1_001);
    }
    let found = ok(&e.c, "SearchUsers", json!({"UserPoolId": e.pool}));
    let users = found["Users"].as_array().unwrap();
    let amy = &users[0];
    let bob = &users[1];
    assert_eq!(amy["Username"], "amy");
    assert_eq!(amy["FailedSignIns"], 1);
    assert!(amy.get("LockedUntil").is_none(), "amy is not locked out");
    assert_eq!(bob["FailedSignIns"], 6);
    let until = bob["LockedUntil"].as_f64().unwrap();
    let now = e.c.now_ms() as f64 / 1000.0;
    assert!(until > now && until <= now + 2.0, "{until} vs {now}");
    let locked = ok(
        &e.c,
        "SearchUsers",
        json!({"UserPoolId": e.pool, "Locked": true}),
    );
    assert_eq!(locked["Users"].as_array().unwrap().len(), 1);
    assert_eq!(locked["Users"][0]["Username"], "bob");
    assert_eq!(locked["TotalCount"], 1);
    let free = ok(
        &e.c,
        "SearchUsers",
        json!({"UserPoolId": e.pool, "Locked": false}),
    );
    assert_eq!(free["Users"][0]["Username"], "amy");
    assert_eq!(free["TotalCount"], 1);

    e.c.clock().advance(2_001);
    let later = ok(
        &e.c,
        "SearchUsers",
        json!({"UserPoolId": e.pool, "Locked": true}),
    );
    assert_eq!(later["TotalCount"], 0, "the lockout is over");
    ok(
        &e.c,
        "UnlockUser",
        json!({"UserPoolId": e.pool, "Username": "bob"}),
    );
    let after = ok(
        &e.c,
        "SearchUsers",
        json!({"UserPoolId": e.pool, "Query": "bob"}),
    );
    assert_eq!(after["Users"][0]["FailedSignIns"], 0, "an unlock forgets");
}

/// The query text matches the start of a field first; when that finds nobody, inside one,
/// and the answer says which.
#[test]
fn search_falls_back_to_matching_inside_fields_and_says_so() {
    let e = env();
    ok(
        &e.c,
        "AdminCreateUser",
        json!({"UserPoolId": e.pool, "Username": "grace", "MessageAction": "SUPPRESS",
            "UserAttributes": [{"Name": "email", "Value": "grace@acme.example"},
                               {"Name": "given_name", "Value": "Grace"},
                               {"Name": "family_name", "Value": "Thompson"}]}),
    );
    e.user("bob", "Passw0rd!");
    let search = |q: &str| {
        ok(
            &e.c,
            "SearchUsers",
            json!({"UserPoolId": e.pool, "Query": q}),
        )
    };
    let prefix = search("gra");
    assert_eq!(prefix["MatchKind"], "Prefix");
    assert_eq!(prefix["Users"][0]["Username"], "grace");
    let inside = search("@acme");
    assert_eq!(inside["MatchKind"], "Contains");
    assert_eq!(inside["TotalCount"], 1);
    assert_eq!(inside["Users"][0]["Username"], "grace");
    let full = search("Grace Thompson");
    assert_eq!(full["MatchKind"], "Contains");
    assert_eq!(full["Users"][0]["Username"], "grace");
    let none = search("nobody-here");
    assert_eq!(none["MatchKind"], "Contains");
    assert_eq!(none["TotalCount"], 0);
    let plain = ok(&e.c, "SearchUsers", json!({"UserPoolId": e.pool}));
    assert!(plain.get("MatchKind").is_none(), "no text, no match kind");
    assert_eq!(plain["TotalCount"], 2);
}

#[test]
fn a_lockout_does_not_tell_real_users_from_unknown_ones_when_existence_errors_are_prevented() {
    let e = env_with(json!({}), json!({"PreventUserExistenceErrors": "ENABLED"}));
    e.user("bob", "Passw0rd!");
    for _ in 0..5 {
        e.sign_in("bob", "wrong-password").unwrap_err();
    }
    let unknown = e.sign_in("nobody", "wrong-password").unwrap_err();
    for password in ["Passw0rd!", "wrong-password"] {
        let locked = e.sign_in("bob", password).unwrap_err();
        assert_eq!(
            (
                locked.code,
                locked.message.as_str(),
                locked.field.as_deref()
            ),
            (
                unknown.code,
                unknown.message.as_str(),
                unknown.field.as_deref()
            ),
            "a locked-out user answers as an unknown one"
        );
    }
    // The lockout still holds, and the administrator still sees why.
    let sec = ok(
        &e.c,
        "DescribeUserSecurity",
        json!({"UserPoolId": e.pool, "Username": "bob"}),
    );
    assert!(sec["LockedUntil"].as_f64().is_some());
    let events = ok(
        &e.c,
        "AdminListUserAuthEvents",
        json!({"UserPoolId": e.pool, "Username": "bob", "MaxResults": 1}),
    );
    assert_eq!(
        events["AuthEvents"][0]["Detail"],
        "Password attempts exceeded"
    );
}

#[test]
fn unknown_users_disabled_users_and_disallowed_flows_are_refused() {
    let e = env_with(json!({}), json!({"PreventUserExistenceErrors": "ENABLED"}));
    e.user("carol", "Passw0rd!");
    let unknown = e.sign_in("nobody", "Passw0rd!").unwrap_err();
    assert_eq!(unknown.code, ErrorCode::NotAuthorizedException);
    assert_eq!(unknown.message, "Incorrect username or password.");

    ok(
        &e.c,
        "AdminDisableUser",
        json!({"UserPoolId": e.pool, "Username": "carol"}),
    );
    assert_eq!(
        e.sign_in("carol", "Passw0rd!").unwrap_err().message,
        "User is disabled."
    );

    let srp = err(
        &e.c,
        "InitiateAuth",
        json!({"ClientId": e.client, "AuthFlow": "CUSTOM_AUTH", "AuthParameters": {"USERNAME": "carol"}}),
    );
    assert_eq!(srp.code, ErrorCode::InvalidParameterException);
    assert!(srp.message.contains("not enabled"), "{}", srp.message);
    let admin_flow = err(
        &e.c,
        "InitiateAuth",
        json!({"ClientId": e.client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "carol", "PASSWORD": "x"}}),
    );
    assert_eq!(admin_flow.field.as_deref(), Some("AuthFlow"));
    let missing = err(
        &e.c,
        "InitiateAuth",
        json!({"ClientId": e.client, "AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "carol"}}),
    );
    assert_eq!(missing.field.as_deref(), Some("AuthParameters.PASSWORD"));
    let no_client = err(
        &e.c,
        "InitiateAuth",
        json!({"ClientId": "nosuchclient", "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "carol", "PASSWORD": "x"}}),
    );
    assert_eq!(no_client.code, ErrorCode::ResourceNotFoundException);
}

#[test]
fn a_client_with_a_secret_needs_the_secret_hash() {
    let e = env_with(json!({}), json!({"GenerateSecret": true}));
    e.user("dave", "Passw0rd!");
    let secret = ok(
        &e.c,
        "DescribeUserPoolClient",
        json!({"UserPoolId": e.pool, "ClientId": e.client}),
    )["UserPoolClient"]["ClientSecret"]
        .as_str()
        .unwrap()
        .to_string();
    let missing = e.sign_in("dave", "Passw0rd!").unwrap_err();
    assert!(missing.message.contains("SECRET_HASH was not received"));
    let hash = tokens::secret_hash(&secret, "dave", &e.client);
    let signed_in = ok(
        &e.c,
        "AdminInitiateAuth",
        json!({"UserPoolId": e.pool, "ClientId": e.client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "dave", "PASSWORD": "Passw0rd!", "SECRET_HASH": hash}}),
    );
    assert!(signed_in["AuthenticationResult"]["IdToken"].is_string());
    let forged = err(
        &e.c,
        "AdminInitiateAuth",
        json!({"UserPoolId": e.pool, "ClientId": e.client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "dave", "PASSWORD": "Passw0rd!",
                "SECRET_HASH": tokens::secret_hash("not-the-secret", "dave", &e.client)}}),
    );
    assert!(forged.message.contains("Unable to verify secret hash"));
}

#[test]
fn a_temporary_password_leads_through_new_password_required() {
    let e = env();
    ok(
        &e.c,
        "AdminCreateUser",
        json!({"UserPoolId": e.pool, "Username": "erin", "TemporaryPassword": "Temp0rary!",
            "MessageAction": "SUPPRESS"}),
    );
    let ch = e.sign_in("erin", "Temp0rary!").unwrap();
    assert_eq!(ch["ChallengeName"], "NEW_PASSWORD_REQUIRED");
    assert_eq!(ch["ChallengeParameters"]["USER_ID_FOR_SRP"], "erin");
    let session = ch["Session"].clone();
    let weak = err(
        &e.c,
        "RespondToAuthChallenge",
        json!({"ClientId": e.client, "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": session,
            "ChallengeResponses": {"USERNAME": "erin", "NEW_PASSWORD": "short"}}),
    );
    assert_eq!(weak.code, ErrorCode::InvalidPasswordException);
    let done = ok(
        &e.c,
        "RespondToAuthChallenge",
        json!({"ClientId": e.client, "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": session,
            "ChallengeResponses": {"USERNAME": "erin", "NEW_PASSWORD": "N3w-Passw0rd!",
                "userAttributes.name": "Erin"}}),
    );
    assert!(done["AuthenticationResult"]["AccessToken"].is_string());
    // A session answers once.
    let again = err(
        &e.c,
        "RespondToAuthChallenge",
        json!({"ClientId": e.client, "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": session,
            "ChallengeResponses": {"USERNAME": "erin", "NEW_PASSWORD": "N3w-Passw0rd!"}}),
    );
    assert_eq!(again.code, ErrorCode::NotAuthorizedException);
    let user = ok(
        &e.c,
        "AdminGetUser",
        json!({"UserPoolId": e.pool, "Username": "erin"}),
    );
    assert_eq!(user["UserStatus"], "CONFIRMED");
    assert!(e.sign_in("erin", "N3w-Passw0rd!").is_ok());

    // An expired session is refused.
    ok(
        &e.c,
        "AdminCreateUser",
        json!({"UserPoolId": e.pool, "Username": "frank", "TemporaryPassword": "Temp0rary!",
            "MessageAction": "SUPPRESS"}),
    );
    let ch = e.sign_in("frank", "Temp0rary!").unwrap();
    e.c.clock().advance(3 * 60_000 + 1);
    let late = err(
        &e.c,
        "RespondToAuthChallenge",
        json!({"ClientId": e.client, "ChallengeName": "NEW_PASSWORD_REQUIRED", "Session": ch["Session"],
            "ChallengeResponses": {"USERNAME": "frank", "NEW_PASSWORD": "N3w-Passw0rd!"}}),
    );
    assert!(late.message.contains("session is expired"));
}

#[test]
fn a_refresh_records_its_use_at_most_once_a_minute() {
    let e = env();
    e.user("rhea", "Passw0rd!");
    let t = e.tokens("rhea", "Passw0rd!");
    let refresh = || {
        ok(
            &e.c,
            "InitiateAuth",
            json!({"ClientId": e.client, "AuthFlow": "REFRESH_TOKEN_AUTH",
                "AuthParameters": {"REFRESH_TOKEN": t["RefreshToken"]}}),
        );
    };
    let last_used = || {
        ok(
            &e.c,
            "DescribeUserSecurity",
            json!({"UserPoolId": e.pool, "Username": "rhea"}),
        )["Sessions"][0]["LastUsedDate"]
            .as_f64()
    };
    assert_eq!(last_used(), None, "never refreshed");
    e.c.clock().advance(1_000);
    refresh();
    let first = last_used().expect("the first refresh is recorded");
    assert_eq!(first, ((T0 + 1_000) / 1_000) as f64);
    // Within the minute a refresh only reads: the session list keeps the first use.
    e.c.clock().advance(30_000);
    refresh();
    assert_eq!(last_used(), Some(first));
    e.c.clock().advance(31_000);
    refresh();
    assert_eq!(last_used(), Some(((T0 + 62_000) / 1_000) as f64));
}

#[test]
fn refresh_sign_out_and_revocation_end_the_tokens() {
    let e = env_with(json!({}), json!({"EnableTokenRevocation": true}));
    e.user("gina", "Passw0rd!");
    let t = e.tokens("gina", "Passw0rd!");
    e.c.clock().advance(60_000);
    let refreshed = ok(
        &e.c,
        "InitiateAuth",
        json!({"ClientId": e.client, "AuthFlow": "REFRESH_TOKEN_AUTH",
            "AuthParameters": {"REFRESH_TOKEN": t["RefreshToken"]}}),
    )["AuthenticationResult"]
        .clone();
    assert!(refreshed.get("RefreshToken").is_none());
    let v = e.jwks_verifier();
    let before = claims_of(&v, &t["IdToken"], T0);
    let after = claims_of(&v, &refreshed["IdToken"], T0 + 60_000);
    assert_eq!(
        before["auth_time"], after["auth_time"],
        "auth_time survives a refresh"
    );
    assert_eq!(before["origin_jti"], after["origin_jti"]);
    assert_ne!(before["jti"], after["jti"]);

    // GlobalSignOut ends every token of the user.
    ok(
        &e.c,
        "GlobalSignOut",
        json!({"AccessToken": refreshed["AccessToken"]}),
    );
    let revoked = err(&e.c, "GetUser", json!({"AccessToken": t["AccessToken"]}));
    assert_eq!(revoked.message, "Access Token has been revoked");
    let no_refresh = err(
        &e.c,
        "InitiateAuth",
        json!({"ClientId": e.client, "AuthFlow": "REFRESH_TOKEN_AUTH",
            "AuthParameters": {"REFRESH_TOKEN": t["RefreshToken"]}}),
    );
    assert_eq!(no_refresh.message, "Refresh Token has been revoked");

    // RevokeToken ends one sign-in and leaves the others.
    let a = e.tokens("gina", "Passw0rd!");
    let b = e.tokens("gina", "Passw0rd!");
    ok(
        &e.c,
        "RevokeToken",
        json!({"ClientId": e.client, "Token": a["RefreshToken"]}),
    );
    assert!(call::<Value>(&e.c, "GetUser", json!({"AccessToken": a["AccessToken"]})).is_err());
    assert!(call::<Value>(&e.c, "GetUser", json!({"AccessToken": b["AccessToken"]})).is_ok());
    ok(
        &e.c,
        "AdminUserGlobalSignOut",
        json!({"UserPoolId": e.pool, "Username": "gina"}),
    );
    assert!(call::<Value>(&e.c, "GetUser", json!({"AccessToken": b["AccessToken"]})).is_err());
    let sec = ok(
        &e.c,
        "DescribeUserSecurity",
        json!({"UserPoolId": e.pool, "Username": "gina"}),
    );
    assert!(
        sec["Sessions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["Status"] == "REVOKED")
    );

    // Tokens expire.
    let c = e.tokens("gina", "Passw0rd!");
    e.c.clock().advance(3_600_001);
    let expired = err(&e.c, "GetUser", json!({"AccessToken": c["AccessToken"]}));
    assert_eq!(expired.message, "Access Token has expired");
}

#[test]
fn disabling_a_user_ends_their_sign_ins_for_good() {
    // As Cognito: a disabled user's tokens are revoked, so enabling them again does not bring
    // the old access and refresh tokens back.
    let e = env();
    e.user("ivy", "Passw0rd!");
    let t = e.tokens("ivy", "Passw0rd!");
    ok(&e.c, "GetUser", json!({"AccessToken": t["AccessToken"]}));
    ok(
        &e.c,
        "AdminDisableUser",
        json!({"UserPoolId": e.pool, "Username": "ivy"}),
    );
    ok(
        &e.c,
        "AdminEnableUser",
        json!({"UserPoolId": e.pool, "Username": "ivy"}),
    );
    let old_access = err(&e.c, "GetUser", json!({"AccessToken": t["AccessToken"]}));
    assert_eq!(old_access.code, ErrorCode::NotAuthorizedException);
    assert_eq!(old_access.message, "Access Token has been revoked");
    let old_refresh = err(
        &e.c,
        "InitiateAuth",
        json!({"ClientId": e.client, "AuthFlow": "REFRESH_TOKEN_AUTH",
            "AuthParameters": {"REFRESH_TOKEN": t["RefreshToken"]}}),
    );
    assert_eq!(old_refresh.code, ErrorCode::NotAuthorizedException);
    assert_eq!(old_refresh.message, "Refresh Token has been revoked");
    // Signing in again after being enabled works as before.
    let fresh = e.tokens("ivy", "Passw0rd!");
    ok(
        &e.c,
        "GetUser",
        json!({"AccessToken": fresh["AccessToken"]}),
    );
    // Enabling an enabled user ends nothing.
    ok(
        &e.c,
        "AdminEnableUser",
        json!({"UserPoolId": e.pool, "Username": "ivy"}),
    );
    ok(
        &e.c,
        "GetUser",
        json!({"AccessToken": fresh["AccessToken"]}),
    );
}

#[test]
fn forged_tokens_and_tokens_of_another_pool_are_refused() {
    let e = env();
    e.user("hank", "Passw0rd!");
    let t = e.tokens("hank", "Passw0rd!");
    let access = t["AccessToken"].as_str().unwrap();
    // Changed payload, original signature.
    let parts: Vec<&str> = access.split('.').collect();
    let forged = format!("{}.{}x.{}", parts[0], parts[1], parts[2]);
    assert_eq!(
        err(&e.c, "GetUser", json!({"AccessToken": forged})).code,
        ErrorCode::NotAuthorizedException
    );
    // alg: none.
    let none = format!("eyJhbGciOiJub25lIn0.{}.", parts[1]);
    assert_eq!(
        err(&e.c, "GetUser", json!({"AccessToken": none})).code,
        ErrorCode::NotAuthorizedException
    );
    // A token minted by another pool's keys but claiming this pool.
    let other = tokens::SigningKey::generate_rs256().unwrap();
    let claims = tokens::dangerous::decode_unverified(access).unwrap().claims;
    let foreign = other.sign_jwt(&Value::Object(claims)).unwrap();
    assert_eq!(
        err(&e.c, "GetUser", json!({"AccessToken": foreign})).code,
        ErrorCode::NotAuthorizedException
    );
    assert_eq!(
        err(&e.c, "GetUser", json!({"AccessToken": "garbage"})).code,
        ErrorCode::NotAuthorizedException
    );
}

#[test]
fn test_tokens_signed_with_the_pools_key_are_never_accepted() {
    // EncodeTestToken signs with the pool's own key and may copy a live sign-in's claims, its
    // origin_jti included: the marker in its header is what keeps it out.
    let e = env();
    e.user("iris", "Passw0rd!");
    let t = e.tokens("iris", "Passw0rd!");
    let claims = tokens::dangerous::decode_unverified(t["AccessToken"].as_str().unwrap())
        .unwrap()
        .claims;
    let made = ok(
        &e.c,
        "EncodeTestToken",
        json!({"UserPoolId": e.pool, "Claims": claims}),
    );
    let copy = made["Token"].as_str().unwrap();
    assert_eq!(made["Header"]["poolhouse:test"], true);
    assert_eq!(
        made["Claims"]["origin_jti"], claims["origin_jti"],
        "the copy names the live sign-in"
    );
    for op in ["GetUser", "GlobalSignOut"] {
        let refused = err(&e.c, op, json!({"AccessToken": copy}));
        assert_eq!(refused.code, ErrorCode::NotAuthorizedException, "{op}");
        assert!(
            refused.message.contains("test token"),
            "{op}: {}",
            refused.message
        );
    }
    // The sign-in it copied is untouched.
    ok(&e.c, "GetUser", json!({"AccessToken": t["AccessToken"]}));
}

#[test]
fn sign_up_confirms_with_the_code_from_the_outbox() {
    let e = env_with(json!({"AutoVerifiedAttributes": ["email"]}), json!({}));
    let r = ok(
        &e.c,
        "SignUp",
        json!({"ClientId": e.client, "Username": "ivy", "Password": "Passw0rd!",
            "UserAttributes": [{"Name": "email", "Value": "ivy@example.com"}]}),
    );
    assert_eq!(r["UserConfirmed"], false);
    assert_eq!(r["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    assert_eq!(r["CodeDeliveryDetails"]["Destination"], "i***@e***");
    assert_eq!(
        e.sign_in("ivy", "Passw0rd!").unwrap_err().code,
        ErrorCode::UserNotConfirmedException
    );
    let code = e.last_code();
    assert_eq!(code.len(), 6);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let mismatch = err(
        &e.c,
        "ConfirmSignUp",
        json!({"ClientId": e.client, "Username": "ivy", "ConfirmationCode": wrong}),
    );
    assert_eq!(mismatch.code, ErrorCode::CodeMismatchException);
    ok(
        &e.c,
        "ConfirmSignUp",
        json!({"ClientId": e.client, "Username": "ivy", "ConfirmationCode": code}),
    );
    let user = ok(
        &e.c,
        "AdminGetUser",
        json!({"UserPoolId": e.pool, "Username": "ivy"}),
    );
    assert_eq!(user["UserStatus"], "CONFIRMED");
    assert!(
        user["UserAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["Name"] == "email_verified" && a["Value"] == "true")
    );
    assert!(e.sign_in("ivy", "Passw0rd!").is_ok());
    // The failed attempt is in the audit log beside the success.
    let audit = ok(&e.c, "ListAuditEvents", json!({"Limit": 5}));
    let ops: Vec<(&str, &str)> = audit["Events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["Operation"].as_str().unwrap(),
                a["Outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(ops.contains(&("ConfirmSignUp", "Failure")), "{ops:?}");
    assert!(ops.contains(&("ConfirmSignUp", "Success")), "{ops:?}");
}

#[test]
fn codes_burn_after_five_wrong_answers_and_expire() {
    let e = env_with(json!({"AutoVerifiedAttributes": ["email"]}), json!({}));
    ok(
        &e.c,
        "SignUp",
        json!({"ClientId": e.client, "Username": "jay", "Password": "Passw0rd!",
            "UserAttributes": [{"Name": "email", "Value": "jay@example.com"}]}),
    );
    let code = e.last_code();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        err(
            &e.c,
            "ConfirmSignUp",
            json!({"ClientId": e.client, "Username": "jay", "ConfirmationCode": wrong}),
        );
    }
    let limited = err(
        &e.c,
        "ConfirmSignUp",
        json!({"ClientId": e.client, "Username": "jay", "ConfirmationCode": code}),
    );
    assert_eq!(limited.code, ErrorCode::LimitExceededException);
    ok(
        &e.c,
        "ResendConfirmationCode",
        json!({"ClientId": e.client, "Username": "jay"}),
    );
    let fresh = e.last_code();
    e.c.clock().advance(24 * 3_600_000 + 1);
    let expired = err(
        &e.c,
        "ConfirmSignUp",
        json!({"ClientId": e.client, "Username": "jay", "ConfirmationCode": fresh}),
    );
    assert_eq!(expired.code, ErrorCode::ExpiredCodeException);
}

#[test]
fn forgotten_and_reset_passwords_go_through_a_code() {
    let e = env();
    e.user("kim", "Passw0rd!");
    let d = ok(
        &e.c,
        "ForgotPassword",
        json!({"ClientId": e.client, "Username": "kim"}),
    );
    assert_eq!(d["CodeDeliveryDetails"]["AttributeName"], "email");
    let code = e.last_code();
    ok(
        &e.c,
        "ConfirmForgotPassword",
        json!({"ClientId": e.client, "Username": "kim", "ConfirmationCode": code,
            "Password": "Another1!"}),
    );
    assert!(e.sign_in("kim", "Passw0rd!").is_err());
    assert!(e.sign_in("kim", "Another1!").is_ok());

    // An administrator's reset: the user must use a code before signing in again.
    let t = e.tokens("kim", "Another1!");
    ok(
        &e.c,
        "AdminResetUserPassword",
        json!({"UserPoolId": e.pool, "Username": "kim"}),
    );
    assert_eq!(
        e.sign_in("kim", "Another1!").unwrap_err().code,
        ErrorCode::PasswordResetRequiredException
    );
    assert!(
        call::<Value>(&e.c, "GetUser", json!({"AccessToken": t["AccessToken"]})).is_err(),
        "a reset ends the user's sessions"
    );
    let code = e.last_code();
    ok(
        &e.c,
        "ConfirmForgotPassword",
        json!({"ClientId": e.client, "Username": "kim", "ConfirmationCode": code,
            "Password": "Third-0ne!"}),
    );
    let t = e.tokens("kim", "Third-0ne!");

    // ChangePassword with the access token.
    let wrong = err(
        &e.c,
        "ChangePassword",
        json!({"AccessToken": t["AccessToken"], "PreviousPassword": "nope", "ProposedPassword": "Fourth-0ne!"}),
    );
    assert_eq!(wrong.code, ErrorCode::NotAuthorizedException);
    ok(
        &e.c,
        "ChangePassword",
        json!({"AccessToken": t["AccessToken"], "PreviousPassword": "Third-0ne!",
            "ProposedPassword": "Fourth-0ne!"}),
    );
    assert!(e.sign_in("kim", "Fourth-0ne!").is_ok());
}

#[test]
fn rotation_keeps_old_keys_published_until_their_tokens_expire() {
    let e = env();
    e.user("lee", "Passw0rd!");
    let old = e.tokens("lee", "Passw0rd!");
    let before = ok(&e.c, "ListSigningKeys", json!({"UserPoolId": e.pool}));
    assert_eq!(before["Keys"].as_array().unwrap().len(), 2);
    let rotated = ok(&e.c, "RotateSigningKeys", json!({"UserPoolId": e.pool}));
    let statuses: Vec<&str> = rotated["Keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["Status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == "SIGNING").count(), 2);
    assert_eq!(statuses.iter().filter(|s| **s == "PUBLISHED").count(), 2);
    assert_eq!(
        e.c.jwks(&e.pool).unwrap()["keys"].as_array().unwrap().len(),
        4
    );
    // Tokens signed before the rotation still verify; new ones use the new keys.
    assert!(call::<Value>(&e.c, "GetUser", json!({"AccessToken": old["AccessToken"]})).is_ok());
    let new = e.tokens("lee", "Passw0rd!");
    let kid = |tok: &Value| {
        tokens::dangerous::decode_unverified(tok.as_str().unwrap())
            .unwrap()
            .header["kid"]
            .clone()
    };
    assert_ne!(kid(&old["AccessToken"]), kid(&new["AccessToken"]));
    // A day later the retired keys are gone from the JWKS.
    e.c.clock().advance(86_400_001);
    assert_eq!(
        e.c.jwks(&e.pool).unwrap()["keys"].as_array().unwrap().len(),
        2
    );
}

#[test]
fn private_keys_are_sealed_and_the_issuer_follows_the_workspace() {
    let e = env();
    e.user("max", "Passw0rd!");
    e.tokens("max", "Passw0rd!");
    // The store holds no private key in the clear: the PKCS#8 header of an RSA key never
    // appears in the file.
    let path = e.c.store_path().to_path_buf();
    let rsa_oid = [
        0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01,
    ];
    for suffix in ["", "-wal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let bytes = std::fs::read(std::path::PathBuf::from(p)).unwrap_or_default();
        assert!(
            !bytes.windows(rsa_oid.len()).any(|w| w == rsa_oid),
            "an unsealed RSA private key is in the store{suffix}"
        );
    }
    let key_file = console_api::master_key_path(&path);
    assert_eq!(std::fs::read(&key_file).unwrap().len(), 32);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    ok(
        &e.c,
        "UpdateWorkspace",
        json!({"IssuerBaseUrl": "http://127.0.0.1:9229/"}),
    );
    let t = e.tokens("max", "Passw0rd!");
    let claims = tokens::dangerous::decode_unverified(t["IdToken"].as_str().unwrap())
        .unwrap()
        .claims;
    assert_eq!(
        claims["iss"],
        json!(format!("http://127.0.0.1:9229/{}", e.pool))
    );
    let bad = err(
        &e.c,
        "UpdateWorkspace",
        json!({"IssuerBaseUrl": "ftp://example.com"}),
    );
    assert_eq!(bad.field.as_deref(), Some("IssuerBaseUrl"));
}

#[test]
fn a_store_whose_key_file_is_missing_is_refused_and_no_new_key_is_made() {
    let e = env();
    e.user("max", "Passw0rd!");
    e.tokens("max", "Passw0rd!");
    let path = e.c.store_path().to_path_buf();
    let key_file = console_api::master_key_path(&path);
    let saved = std::fs::read(&key_file).unwrap();
    std::fs::remove_file(&key_file).unwrap();
    let clock: std::sync::Arc<dyn domain::Clock> = e.c.clock().clone();
    let refused = console_api::Console::open(&path, clock.clone()).unwrap_err();
    let msg = refused.to_string();
    assert!(
        msg.contains(&key_file.display().to_string()) && msg.contains("restore"),
        "the message names the missing key file and says to restore it: {msg}"
    );
    assert!(
        !key_file.exists(),
        "no new key file is made: it could not open the sealed keys and would stand in the way of restoring the old one"
    );
    // Restored, the store opens and its keys still sign.
    std::fs::write(&key_file, saved).unwrap();
    drop(console_api::Console::open(&path, clock).unwrap());
    e.tokens("max", "Passw0rd!");
}

#[test]
fn a_new_store_makes_its_key_file_and_one_without_sealed_secrets_gets_a_new_one() {
    let c = TestConsole::new();
    let path = c.store_path().to_path_buf();
    let key_file = console_api::master_key_path(&path);
    assert_eq!(
        std::fs::read(&key_file).unwrap().len(),
        32,
        "made on first open"
    );
    // A pool alone seals nothing (keys are made at the first sign-in), so a lost key file
    // loses nothing and a new one is made.
    create_pool(&c, json!({"PoolName": "demo"}));
    std::fs::remove_file(&key_file).unwrap();
    let clock: std::sync::Arc<dyn domain::Clock> = c.clock().clone();
    drop(console_api::Console::open(&path, clock).unwrap());
    assert_eq!(std::fs::read(&key_file).unwrap().len(), 32);
}

#[cfg(unix)]
#[test]
fn a_key_file_readable_by_others_is_made_private_on_open() {
    use std::os::unix::fs::PermissionsExt;
    let c = TestConsole::new();
    let key_file = console_api::master_key_path(c.store_path());
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let again = c.open_again();
    let mode = std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode, 0o600,
        "the master key opens every sealed secret: owner only"
    );
    drop(again);
}

fn totp_code(secret_b32: &str, at_ms: i64) -> String {
    let secret = totp_rs::Secret::Encoded(secret_b32.to_string())
        .to_bytes()
        .unwrap();
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, secret)
        .unwrap()
        .generate((at_ms / 1000) as u64)
}

#[test]
fn an_authenticator_app_guards_sign_in_and_support_can_reset_it() {
    let e = env_with(json!({"MfaConfiguration": "OPTIONAL"}), json!({}));
    e.user("nia", "Passw0rd!");
    let t = e.tokens("nia", "Passw0rd!");
    let assoc = ok(
        &e.c,
        "AssociateSoftwareToken",
        json!({"AccessToken": t["AccessToken"]}),
    );
    let secret = assoc["SecretCode"].as_str().unwrap().to_string();
    assert!(
        assoc["OtpauthUri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/")
    );
    let wrong = err(
        &e.c,
        "VerifySoftwareToken",
        json!({"AccessToken": t["AccessToken"], "UserCode": "000000"}),
    );
    assert_eq!(wrong.code, ErrorCode::EnableSoftwareTokenMfaException);
    let verified = ok(
        &e.c,
        "VerifySoftwareToken",
        json!({"AccessToken": t["AccessToken"], "UserCode": totp_code(&secret, T0)}),
    );
    assert_eq!(verified["Status"], "SUCCESS");
    // Verified but not enabled: sign-in still answers tokens.
    assert!(e.sign_in("nia", "Passw0rd!").unwrap()["AuthenticationResult"].is_object());
    ok(
        &e.c,
        "SetUserMFAPreference",
        json!({"AccessToken": t["AccessToken"],
            "SoftwareTokenMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
    );
    let user = ok(
        &e.c,
        "AdminGetUser",
        json!({"UserPoolId": e.pool, "Username": "nia"}),
    );
    assert_eq!(user["UserMFASettingList"], json!(["SOFTWARE_TOKEN_MFA"]));
    assert_eq!(user["PreferredMfaSetting"], "SOFTWARE_TOKEN_MFA");
    let found = ok(
        &e.c,
        "SearchUsers",
        json!({"UserPoolId": e.pool, "MfaEnabled": true}),
    );
    assert_eq!(found["Users"][0]["Username"], "nia");
    assert_eq!(found["Users"][0]["MFA"], json!(["SOFTWARE_TOKEN_MFA"]));
    let without = ok(
        &e.c,
        "SearchUsers",
        json!({"UserPoolId": e.pool, "MfaEnabled": false}),
    );
    assert_eq!(without["Users"].as_array().unwrap().len(), 0);

    e.c.clock().advance(30_000);
    let ch = e.sign_in("nia", "Passw0rd!").unwrap();
    assert_eq!(ch["ChallengeName"], "SOFTWARE_TOKEN_MFA");
    let bad = err(
        &e.c,
        "RespondToAuthChallenge",
        json!({"ClientId": e.client, "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": ch["Session"],
            "ChallengeResponses": {"USERNAME": "nia", "SOFTWARE_TOKEN_MFA_CODE": "123456"}}),
    );
    assert_eq!(bad.code, ErrorCode::CodeMismatchException);
    let code = totp_code(&secret, T0 + 30_000);
    let done = ok(
        &e.c,
        "RespondToAuthChallenge",
        json!({"ClientId": e.client, "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": ch["Session"],
            "ChallengeResponses": {"USERNAME": "nia", "SOFTWARE_TOKEN_MFA_CODE": code}}),
    );
    assert!(done["AuthenticationResult"]["AccessToken"].is_string());
    // The same code is not accepted twice.
    let again = e.sign_in("nia", "Passw0rd!").unwrap();
    let replay = err(
        &e.c,
        "RespondToAuthChallenge",
        json!({"ClientId": e.client, "ChallengeName": "SOFTWARE_TOKEN_MFA", "Session": again["Session"],
            "ChallengeResponses": {"USERNAME": "nia", "SOFTWARE_TOKEN_MFA_CODE": code}}),
    );
    assert_eq!(replay.code, ErrorCode::CodeMismatchException);

    // Support resets MFA: the optional pool no longer asks.
    ok(
        &e.c,
        "AdminDeleteSoftwareToken",
        json!({"UserPoolId": e.pool, "Username": "nia"}),
    );
    assert!(e.sign_in("nia", "Passw0rd!").unwrap()["AuthenticationResult"].is_object());
}

#[test]
fn a_pool_that_requires_mfa_walks_a_new_user_through_setup() {
    let e = env_with(json!({"MfaConfiguration": "ON"}), json!({}));
    e.user("omar", "Passw0rd!");
    let ch = e.sign_in("omar", "Passw0rd!").unwrap();
    assert_eq!(ch["ChallengeName"], "MFA_SETUP");
    assert_eq!(
        ch["ChallengeParameters"]["MFAS_CAN_SETUP"],
        "[\"SOFTWARE_TOKEN_MFA\"]"
    );
    let session = ch["Session"].clone();
    let early = err(
        &e.c,
        "RespondToAuthChallenge",
        json!({"ClientId": e.client, "ChallengeName": "MFA_SETUP", "Session": session,
            "ChallengeResponses": {"USERNAME": "omar"}}),
    );
    assert_eq!(early.field.as_deref(), Some("Session"));
    let assoc = ok(&e.c, "AssociateSoftwareToken", json!({"Session": session}));
    let secret = assoc["SecretCode"].as_str().unwrap().to_string();
    let v = ok(
        &e.c,
        "VerifySoftwareToken",
        json!({"Session": assoc["Session"], "UserCode": totp_code(&secret, T0)}),
    );
    assert_eq!(v["Status"], "SUCCESS");
    let done = ok(
        &e.c,
        "RespondToAuthChallenge",
        json!({"ClientId": e.client, "ChallengeName": "MFA_SETUP", "Session": v["Session"],
            "ChallengeResponses": {"USERNAME": "omar"}}),
    );
    assert!(done["AuthenticationResult"]["IdToken"].is_string());
    e.c.clock().advance(30_000);
    let next = e.sign_in("omar", "Passw0rd!").unwrap();
    assert_eq!(next["ChallengeName"], "SOFTWARE_TOKEN_MFA");

    ok(
        &e.c,
        "AdminDeleteSoftwareToken",
        json!({"UserPoolId": e.pool, "Username": "omar"}),
    );
    assert_eq!(
        e.sign_in("omar", "Passw0rd!").unwrap()["ChallengeName"],
        "MFA_SETUP",
        "after a reset, a required-MFA pool asks for set-up again"
    );
}

#[test]
fn email_codes_are_a_second_factor_when_the_pool_allows_them() {
    let e = env_with(json!({"MfaConfiguration": "OPTIONAL"}), json!({}));
    e.user("pia", "Passw0rd!");
    let refused = err(
        &e.c,
        "AdminSetUserMFAPreference",
        json!({"UserPoolId": e.pool, "Username": "pia",
            "EmailMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
    );
    assert_eq!(refused.field.as_deref(), Some("EmailMfaSettings"));
    let conf = ok(
        &e.c,
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": e.pool, "EmailMfaConfiguration": {}, "MfaConfiguration": "OPTIONAL"}),
    );
    assert!(conf["EmailMfaConfiguration"].is_object());
    assert_eq!(conf["SoftwareTokenMfaConfiguration"]["Enabled"], true);
    ok(
        &e.c,
        "AdminSetUserMFAPreference",
        json!({"UserPoolId": e.pool, "Username": "pia",
            "EmailMfaSettings": {"Enabled": true, "PreferredMfa": true}}),
    );
    let ch = e.sign_in("pia", "Passw0rd!").unwrap();
    assert_eq!(ch["ChallengeName"], "EMAIL_OTP");
    assert_eq!(
        ch["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"],
        "EMAIL"
    );
    let code = e.last_code();
    let done = ok(
        &e.c,
        "RespondToAuthChallenge",
        json!({"ClientId": e.client, "ChallengeName": "EMAIL_OTP", "Session": ch["Session"],
            "ChallengeResponses": {"USERNAME": "pia", "EMAIL_OTP_CODE": code}}),
    );
    assert!(done["AuthenticationResult"].is_object());
    let got = ok(&e.c, "GetUserPoolMfaConfig", json!({"UserPoolId": e.pool}));
    assert_eq!(got["MfaConfiguration"], "OPTIONAL");
}

fn admin_sign_in_from(e: &Env, name: &str, password: &str, ip: &str) -> Result<Value, ApiError> {
    call(
        &e.c,
        "AdminInitiateAuth",
        json!({"UserPoolId": e.pool, "ClientId": e.client, "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": name, "PASSWORD": password},
            "ContextData": {"IpAddress": ip, "ServerName": "app.example.com",
                "ServerPath": "/login", "HttpHeaders": []}}),
    )
}

#[test]
fn breached_passwords_are_refused_where_the_pool_says() {
    let e = env();
    e.user("quin", "Passw0rd!");
    // A small list in Pwned Passwords' format (sorted SHA-1:count), as a user would point at.
    let mut hashes: Vec<String> = ["Passw0rd!", "Summer2024!", "letmein"]
        .iter()
        .map(|p| tokens::pwned_hash(p))
        .collect();
    hashes.sort();
    let list = e.c.dir().join("pwned.txt");
    std::fs::write(
        &list,
        hashes
            .iter()
            .map(|h| format!("{h}:42\n"))
            .collect::<String>(),
    )
    .unwrap();
    ok(
        &e.c,
        "UpdateWorkspace",
        json!({"BreachedPasswordsFile": list.display().to_string()}),
    );
    // Without a pool configuration nothing is checked.
    assert!(e.sign_in("quin", "Passw0rd!").is_ok());
    ok(
        &e.c,
        "SetRiskConfiguration",
        json!({"UserPoolId": e.pool, "CompromisedCredentialsRiskConfiguration": {
            "EventFilter": ["SIGN_UP", "PASSWORD_CHANGE"], "Actions": {"EventAction": "BLOCK"}}}),
    );
    let refused = err(
        &e.c,
        "SignUp",
        json!({"ClientId": e.client, "Username": "rex", "Password": "Summer2024!"}),
    );
    assert_eq!(refused.code, ErrorCode::InvalidPasswordException);
    assert_eq!(refused.field.as_deref(), Some("Password"));
    let set = err(
        &e.c,
        "AdminSetUserPassword",
        json!({"UserPoolId": e.pool, "Username": "quin", "Password": "Summer2024!", "Permanent": true}),
    );
    assert_eq!(set.code, ErrorCode::InvalidPasswordException);
    // Sign-in is not in the filter: not checked.
    assert!(e.sign_in("quin", "Passw0rd!").is_ok());
    ok(
        &e.c,
        "SetRiskConfiguration",
        json!({"UserPoolId": e.pool, "CompromisedCredentialsRiskConfiguration": {
            "Actions": {"EventAction": "BLOCK"}}}),
    );
    let blocked = e.sign_in("quin", "Passw0rd!").unwrap_err();
    assert_eq!(blocked.code, ErrorCode::NotAuthorizedException);
    assert!(blocked.message.contains("data breach"));
    let events = ok(
        &e.c,
        "AdminListUserAuthEvents",
        json!({"UserPoolId": e.pool, "Username": "quin", "MaxResults": 2}),
    );
    assert_eq!(
        events["AuthEvents"][0]["EventRisk"]["CompromisedCredentialsDetected"],
        true
    );
    assert_eq!(events["AuthEvents"][0]["EventResponse"], "Fail");
    assert_eq!(
        events["AuthEvents"][1]["EventRisk"]["CompromisedCredentialsDetected"],
        false
    );
    let bad = err(
        &e.c,
        "UpdateWorkspace",
        json!({"BreachedPasswordsFile": "/nonexistent/list.txt"}),
    );
    assert_eq!(bad.field.as_deref(), Some("BreachedPasswordsFile"));
}

#[test]
fn risky_sign_ins_are_blocked_or_challenged_by_level_and_ip_ranges_apply() {
    let e = env();
    e.user("sam", "Passw0rd!");
    let conf = ok(
        &e.c,
        "SetRiskConfiguration",
        json!({"UserPoolId": e.pool,
            "AccountTakeoverRiskConfiguration": {"Actions": {
                "LowAction": {"Notify": false, "EventAction": "NO_ACTION"},
                "MediumAction": {"Notify": true, "EventAction": "BLOCK"},
                "HighAction": {"Notify": true, "EventAction": "BLOCK"}}},
            "RiskExceptionConfiguration": {"BlockedIPRangeList": ["192.0.2.0/24"],
                "SkippedIPRangeList": ["10.9.0.0/16"]}}),
    );
    assert!(conf["RiskConfiguration"]["LastModifiedDate"].is_number());
    // First sign-in: nothing to compare with, low risk.
    assert!(admin_sign_in_from(&e, "sam", "Passw0rd!", "10.0.0.1").is_ok());
    // Same address: low; a new address: medium, blocked, and the user is told.
    assert!(admin_sign_in_from(&e, "sam", "Passw0rd!", "10.0.0.1").is_ok());
    let blocked = admin_sign_in_from(&e, "sam", "Passw0rd!", "10.0.0.2").unwrap_err();
    assert_eq!(blocked.code, ErrorCode::NotAuthorizedException);
    let outbox = ok(
        &e.c,
        "ListOutboxMessages",
        json!({"UserPoolId": e.pool, "Limit": 1}),
    );
    assert_eq!(outbox["Messages"][0]["Kind"], "RiskNotification");
    let events = ok(
        &e.c,
        "AdminListUserAuthEvents",
        json!({"UserPoolId": e.pool, "Username": "sam", "MaxResults": 1}),
    );
    assert_eq!(events["AuthEvents"][0]["EventRisk"]["RiskLevel"], "Medium");
    assert_eq!(
        events["AuthEvents"][0]["EventRisk"]["RiskDecision"],
        "Block"
    );
    // Skipped ranges are not assessed; blocked ranges never get in.
    assert!(admin_sign_in_from(&e, "sam", "Passw0rd!", "10.9.1.1").is_ok());
    let range = admin_sign_in_from(&e, "sam", "Passw0rd!", "192.0.2.7").unwrap_err();
    assert!(range.message.contains("blocked"), "{}", range.message);
    // A blocked address learns nothing about who exists: an unknown name gets the same answer.
    let nobody = admin_sign_in_from(&e, "nobody-here", "Passw0rd!", "192.0.2.7").unwrap_err();
    assert_eq!(
        (nobody.code, nobody.message.as_str()),
        (range.code, range.message.as_str())
    );

    let invalid = err(
        &e.c,
        "SetRiskConfiguration",
        json!({"UserPoolId": e.pool,
            "RiskExceptionConfiguration": {"BlockedIPRangeList": ["300.1.1.1/8"]}}),
    );
    assert_eq!(
        invalid.field.as_deref(),
        Some("RiskExceptionConfiguration.BlockedIPRangeList[0]")
    );
}

#[test]
fn email_and_sms_factors_are_switched_off_by_leaving_them_out() {
    let e = env();
    let on = ok(
        &e.c,
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": e.pool, "MfaConfiguration": "OPTIONAL",
            "EmailMfaConfiguration": {}, "SmsMfaConfiguration": {}}),
    );
    assert!(on["EmailMfaConfiguration"].is_object());
    assert!(on["SmsMfaConfiguration"].is_object());
    let off = ok(
        &e.c,
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": e.pool, "MfaConfiguration": "OPTIONAL"}),
    );
    assert!(off.get("EmailMfaConfiguration").is_none(), "{off}");
    assert!(off.get("SmsMfaConfiguration").is_none(), "{off}");
    assert_eq!(
        off["SoftwareTokenMfaConfiguration"]["Enabled"], true,
        "kept"
    );
    let read = ok(&e.c, "GetUserPoolMfaConfig", json!({"UserPoolId": e.pool}));
    assert!(read.get("EmailMfaConfiguration").is_none());
}

#[test]
fn users_change_and_verify_their_own_attributes_with_an_access_token() {
    let e = env_with(json!({"AutoVerifiedAttributes": ["email"]}), json!({}));
    e.user("vic", "Passw0rd!");
    let t = e.tokens("vic", "Passw0rd!");
    let token = t["AccessToken"].clone();

    // A new email is unverified until its code comes back.
    let r = ok(
        &e.c,
        "UpdateUserAttributes",
        json!({"AccessToken": token, "UserAttributes": [
            {"Name": "email", "Value": "vic@new.example"}, {"Name": "name", "Value": "Vic"}]}),
    );
    assert_eq!(r["CodeDeliveryDetailsList"][0]["AttributeName"], "email");
    let me = ok(&e.c, "GetUser", json!({"AccessToken": token}));
    let attr = |me: &Value, n: &str| {
        me["UserAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["Name"] == n)
            .map(|a| a["Value"].clone())
    };
    assert_eq!(attr(&me, "email"), Some(json!("vic@new.example")));
    assert_eq!(attr(&me, "email_verified"), Some(json!("false")));
    let code = e.last_code();
    let wrong = err(
        &e.c,
        "VerifyUserAttribute",
        json!({"AccessToken": token, "AttributeName": "email", "Code": "000000"}),
    );
    assert_eq!(wrong.code, ErrorCode::CodeMismatchException);
    ok(
        &e.c,
        "VerifyUserAttribute",
        json!({"AccessToken": token, "AttributeName": "email", "Code": code}),
    );
    let me = ok(&e.c, "GetUser", json!({"AccessToken": token}));
    assert_eq!(attr(&me, "email_verified"), Some(json!("true")));

    // A code on request; only email and phone_number take one.
    let sent = ok(
        &e.c,
        "GetUserAttributeVerificationCode",
        json!({"AccessToken": token, "AttributeName": "email"}),
    );
    assert_eq!(sent["CodeDeliveryDetails"]["DeliveryMedium"], "EMAIL");
    let no_phone = err(
        &e.c,
        "GetUserAttributeVerificationCode",
        json!({"AccessToken": token, "AttributeName": "phone_number"}),
    );
    assert_eq!(no_phone.field.as_deref(), Some("AttributeName"));
    let not_code = err(
        &e.c,
        "GetUserAttributeVerificationCode",
        json!({"AccessToken": token, "AttributeName": "name"}),
    );
    assert_eq!(not_code.field.as_deref(), Some("AttributeName"));
    // Users do not set verification flags themselves.
    let flag = err(
        &e.c,
        "UpdateUserAttributes",
        json!({"AccessToken": token, "UserAttributes": [
            {"Name": "email_verified", "Value": "true"}]}),
    );
    assert_eq!(flag.field.as_deref(), Some("UserAttributes[0].Name"));

    ok(
        &e.c,
        "DeleteUserAttributes",
        json!({"AccessToken": token, "UserAttributeNames": ["name"]}),
    );
    let me = ok(&e.c, "GetUser", json!({"AccessToken": token}));
    assert_eq!(attr(&me, "name"), None);

    // And the user can leave: the token dies with them.
    ok(&e.c, "DeleteUser", json!({"AccessToken": token}));
    let gone = err(&e.c, "GetUser", json!({"AccessToken": token}));
    assert_eq!(gone.code, ErrorCode::NotAuthorizedException);
}

#[test]
fn a_client_only_writes_the_attributes_it_is_allowed_to() {
    let e = env_with(
        json!({}),
        json!({"WriteAttributes": ["name"], "ReadAttributes": ["name", "email"]}),
    );
    e.user("wes", "Passw0rd!");
    let t = e.tokens("wes", "Passw0rd!");
    let refused = err(
        &e.c,
        "UpdateUserAttributes",
        json!({"AccessToken": t["AccessToken"], "UserAttributes": [
            {"Name": "email", "Value": "wes@other.example"}]}),
    );
    assert_eq!(refused.code, ErrorCode::NotAuthorizedException);
    ok(
        &e.c,
        "UpdateUserAttributes",
        json!({"AccessToken": t["AccessToken"], "UserAttributes": [
            {"Name": "name", "Value": "Wes"}]}),
    );
    let bad_token = err(
        &e.c,
        "UpdateUserAttributes",
        json!({"AccessToken": "not-a-token", "UserAttributes": [
            {"Name": "name", "Value": "X"}]}),
    );
    assert_eq!(bad_token.code, ErrorCode::NotAuthorizedException);
}

#[test]
fn sign_up_without_a_password_is_refused_as_before_it_became_optional() {
    // Cognito's model makes Password optional (passwordless sign-up); Poolhouse has no
    // passwordless sign-up and still answers that it is required.
    let e = env();
    let refused = err(
        &e.c,
        "SignUp",
        json!({"ClientId": e.client, "Username": "kit"}),
    );
    assert_eq!(refused.code, ErrorCode::InvalidParameterException);
    assert_eq!(refused.field.as_deref(), Some("Password"));
}

#[test]
fn a_required_mfa_sets_up_email_codes_with_an_address() {
    let e = env_with(json!({"MfaConfiguration": "OFF"}), json!({}));
    ok(
        &e.c,
        "SetUserPoolMfaConfig",
        json!({"UserPoolId": e.pool, "EmailMfaConfiguration": {},
            "SoftwareTokenMfaConfiguration": {"Enabled": true}, "MfaConfiguration": "ON"}),
    );
    // A user without an email (the pool's users sign in with a username).
    ok(
        &e.c,
        "AdminCreateUser",
        json!({"UserPoolId": e.pool, "Username": "ravi", "MessageAction": "SUPPRESS"}),
    );
    ok(
        &e.c,
        "AdminSetUserPassword",
        json!({"UserPoolId": e.pool, "Username": "ravi", "Password": "Passw0rd!", "Permanent": true}),
    );
    let ch = e.sign_in("ravi", "Passw0rd!").unwrap();
    assert_eq!(ch["ChallengeName"], "MFA_SETUP");
    assert_eq!(
        ch["ChallengeParameters"]["MFAS_CAN_SETUP"],
        "[\"SOFTWARE_TOKEN_MFA\",\"EMAIL_OTP\"]"
    );
    let bad = err(
        &e.c,
        "RespondToAuthChallenge",
        json!({"ClientId": e.client, "ChallengeName": "MFA_SETUP", "Session": ch["Session"],
            "ChallengeResponses": {"USERNAME": "ravi", "EMAIL": "ravi-at-example"}}),
    );
    assert_eq!(bad.code, ErrorCode::InvalidParameterException);
    assert_eq!(bad.field.as_deref(), Some("ChallengeResponses.EMAIL"));
    let otp = ok(
        &e.c,
        "RespondToAuthChallenge",
        json!({"ClientId": e.client, "ChallengeName": "MFA_SETUP", "Session": ch["Session"],
            "ChallengeResponses": {"USERNAME": "ravi", "EMAIL": "ravi@example.com"}}),
    );
    assert_eq!(otp["ChallengeName"], "EMAIL_OTP");
    assert_eq!(
        otp["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"],
        "EMAIL"
    );
    assert_eq!(
        otp["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"],
        "r***@e***"
    );
    let code = e.last_code();
    let done = ok(
        &e.c,
        "RespondToAuthChallenge",
        json!({"ClientId": e.client, "ChallengeName": "EMAIL_OTP", "Session": otp["Session"],
            "ChallengeResponses": {"USERNAME": "ravi", "EMAIL_OTP_CODE": code}}),
    );
    assert!(done["AuthenticationResult"]["AccessToken"].is_string());
    let user = ok(
        &e.c,
        "AdminGetUser",
        json!({"UserPoolId": e.pool, "Username": "ravi"}),
    );
    assert_eq!(user["UserMFASettingList"], json!(["EMAIL_OTP"]));
    let attrs: BTreeMap<String, String> = user["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["Name"].as_str().unwrap().to_string(),
                a["Value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(attrs["email"], "ravi@example.com");
    assert_eq!(attrs["email_verified"], "true");
    // The next sign-in asks for an email code straight away.
    assert_eq!(
        e.sign_in("ravi", "Passw0rd!").unwrap()["ChallengeName"],
        "EMAIL_OTP"
    );
}
