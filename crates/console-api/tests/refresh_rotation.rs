//! Refresh-token rotation and `GetTokensFromRefreshToken`, and the upkeep of app clients'
//! custom scopes when a resource server changes, on a real store with a clock the tests move.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use console_api::ErrorCode;
use serde_json::{Value, json};
use testkit::{TestConsole, call, create_pool, err, ok};

struct Env {
    c: TestConsole,
    pool: String,
}

fn env() -> Env {
    let c = TestConsole::new().as_peer();
    let pool = create_pool(&c, json!({"PoolName": "demo"}));
    ok(
        &c,
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "alice", "MessageAction": "SUPPRESS"}),
    );
    ok(
        &c,
        "AdminSetUserPassword",
        json!({"UserPoolId": pool, "Username": "alice", "Password": "Passw0rd!",
            "Permanent": true}),
    );
    Env { c, pool }
}

impl Env {
    /// A client allowing password sign-in, with `extra` settings; answers the whole client.
    fn client(&self, extra: Value) -> Value {
        let mut body = json!({"UserPoolId": self.pool, "ClientName": "app",
            "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH"]});
        body.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        ok(&self.c, "CreateUserPoolClient", body)["UserPoolClient"].clone()
    }

    fn rotating(&self, grace: u32) -> String {
        let c = self.client(json!({"RefreshTokenRotation":
            {"Feature": "ENABLED", "RetryGracePeriodSeconds": grace}}));
        c["ClientId"].as_str().unwrap().to_string()
    }

    fn sign_in(&self, client: &str) -> Value {
        ok(
            &self.c,
            "InitiateAuth",
            json!({"ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Passw0rd!"}}),
        )["AuthenticationResult"]
            .clone()
    }

    fn refresh(&self, client: &str, token: &Value) -> Result<Value, console_api::ApiError> {
        call::<Value>(
            &self.c,
            "GetTokensFromRefreshToken",
            json!({"ClientId": client, "RefreshToken": token}),
        )
        .map(|r| r["AuthenticationResult"].clone())
    }

    fn signed_in(&self, tokens: &Value) -> bool {
        call::<Value>(
            &self.c,
            "GetUser",
            json!({"AccessToken": tokens["AccessToken"]}),
        )
        .is_ok()
    }
}

#[test]
fn a_rotating_client_hands_out_a_new_refresh_token_and_the_old_one_is_a_reuse() {
    let e = env();
    let client = e.rotating(0);
    let first = e.sign_in(&client);
    e.c.clock().advance(1_000);
    let second = e.refresh(&client, &first["RefreshToken"]).unwrap();
    let next = &second["RefreshToken"];
    assert!(next.is_string(), "a new refresh token: {second}");
    assert_ne!(next, &first["RefreshToken"]);
    assert!(e.signed_in(&second));
    // The new token carries on the same sign-in: the old access token still works.
    assert!(e.signed_in(&first));
    let third = e.refresh(&client, next).unwrap();
    assert!(e.signed_in(&third));

    // With no grace period the replaced token is a reuse at once, and the whole sign-in ends.
    let reused = e.refresh(&client, &first["RefreshToken"]).unwrap_err();
    assert_eq!(reused.code, ErrorCode::RefreshTokenReuseException);
    assert_eq!(reused.field.as_deref(), Some("RefreshToken"));
    for t in [&first, &second, &third] {
        assert!(!e.signed_in(t), "the sign-in is revoked");
    }
    let after = e.refresh(&client, &third["RefreshToken"]).unwrap_err();
    assert_eq!(after.code, ErrorCode::NotAuthorizedException);
    assert_eq!(after.message, "Refresh Token has been revoked");
    // A fresh sign-in is not touched.
    let other = e.sign_in(&client);
    assert!(e.refresh(&client, &other["RefreshToken"]).is_ok());
}

#[test]
fn a_replaced_token_works_for_a_retry_within_the_grace_period_only() {
    let e = env();
    let client = e.rotating(10);
    let t0 = e.sign_in(&client);
    let lost = e.refresh(&client, &t0["RefreshToken"]).unwrap();
    e.c.clock().advance(5_000);
    // The answer was lost: the client retries with the token it has.
    let retried = e.refresh(&client, &t0["RefreshToken"]).unwrap();
    assert_ne!(retried["RefreshToken"], lost["RefreshToken"]);
    // The token the retry replaced was never received: it has no grace.
    let never = e.refresh(&client, &lost["RefreshToken"]).unwrap_err();
    assert_eq!(never.code, ErrorCode::RefreshTokenReuseException);
    assert!(!e.signed_in(&retried), "a reuse revokes the sign-in");

    // Past the grace period, a replaced token is a reuse.
    let t1 = e.sign_in(&client);
    let r1 = e.refresh(&client, &t1["RefreshToken"]).unwrap();
    e.c.clock().advance(10_000);
    let late = e.refresh(&client, &t1["RefreshToken"]).unwrap_err();
    assert_eq!(late.code, ErrorCode::RefreshTokenReuseException);
    assert!(!e.signed_in(&r1));

    // Only the latest replaced token keeps a grace: once its successor was used, the older is
    // a reuse.
    let t2 = e.sign_in(&client);
    let r2 = e.refresh(&client, &t2["RefreshToken"]).unwrap();
    let r3 = e.refresh(&client, &r2["RefreshToken"]).unwrap();
    assert!(e.refresh(&client, &r2["RefreshToken"]).is_ok(), "in grace");
    let older = e.refresh(&client, &t2["RefreshToken"]).unwrap_err();
    assert_eq!(older.code, ErrorCode::RefreshTokenReuseException);
    assert!(!e.signed_in(&r3));
}

#[test]
fn a_rotated_token_runs_out_when_its_sign_in_does() {
    let e = env();
    let c = e.client(
        json!({"RefreshTokenValidity": 1, "TokenValidityUnits": {"RefreshToken": "hours"},
        "RefreshTokenRotation": {"Feature": "ENABLED"}}),
    );
    let client = c["ClientId"].as_str().unwrap();
    let t = e.sign_in(client);
    e.c.clock().advance(50 * 60_000);
    let r = e.refresh(client, &t["RefreshToken"]).unwrap();
    e.c.clock().advance(10 * 60_000);
    let expired = e.refresh(client, &r["RefreshToken"]).unwrap_err();
    assert_eq!(expired.message, "Refresh Token has expired");
}

#[test]
fn without_rotation_the_refresh_token_stays_and_both_ways_refresh() {
    let e = env();
    let c = e.client(json!({"ExplicitAuthFlows":
        ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}));
    let client = c["ClientId"].as_str().unwrap();
    assert_eq!(
        c["RefreshTokenRotation"],
        json!({"Feature": "DISABLED", "RetryGracePeriodSeconds": 0}),
        "Cognito shows rotation off with no grace"
    );
    let t = e.sign_in(client);
    for _ in 0..2 {
        let r = e.refresh(client, &t["RefreshToken"]).unwrap();
        assert!(r.get("RefreshToken").is_none(), "{r}");
        assert!(e.signed_in(&r));
    }
    ok(
        &e.c,
        "InitiateAuth",
        json!({"ClientId": client, "AuthFlow": "REFRESH_TOKEN_AUTH",
            "AuthParameters": {"REFRESH_TOKEN": t["RefreshToken"]}}),
    );
}

#[test]
fn a_rotating_client_refuses_refresh_token_auth_and_the_flow_in_its_settings() {
    let e = env();
    let client = e.rotating(30);
    let t = e.sign_in(&client);
    let refused = err(
        &e.c,
        "InitiateAuth",
        json!({"ClientId": client, "AuthFlow": "REFRESH_TOKEN_AUTH",
            "AuthParameters": {"REFRESH_TOKEN": t["RefreshToken"]}}),
    );
    assert_eq!(refused.code, ErrorCode::InvalidParameterException);
    assert_eq!(refused.field.as_deref(), Some("AuthFlow"));
    assert!(refused.message.contains("GetTokensFromRefreshToken"));

    let both = call::<Value>(
        &e.c,
        "CreateUserPoolClient",
        json!({"UserPoolId": e.pool, "ClientName": "x",
            "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
            "RefreshTokenRotation": {"Feature": "ENABLED"}}),
    )
    .unwrap_err();
    assert_eq!(both.field.as_deref(), Some("ExplicitAuthFlows"));
    for (body, field) in [
        (
            json!({"Feature": "ENABLED", "RetryGracePeriodSeconds": 61}),
            "RefreshTokenRotation.RetryGracePeriodSeconds",
        ),
        (
            json!({"Feature": "SOMETIMES"}),
            "RefreshTokenRotation.Feature",
        ),
        (
            json!({"RetryGracePeriodSeconds": 5}),
            "RefreshTokenRotation.Feature",
        ),
    ] {
        let bad = call::<Value>(
            &e.c,
            "UpdateUserPoolClient",
            json!({"UserPoolId": e.pool, "ClientId": client, "RefreshTokenRotation": body}),
        )
        .unwrap_err();
        assert_eq!(bad.code, ErrorCode::InvalidParameterException, "{body}");
        assert_eq!(bad.field.as_deref(), Some(field), "{body}: {bad:?}");
    }
    let shown = ok(
        &e.c,
        "DescribeUserPoolClient",
        json!({"UserPoolId": e.pool, "ClientId": client}),
    );
    assert_eq!(
        shown["UserPoolClient"]["RefreshTokenRotation"],
        json!({"Feature": "ENABLED", "RetryGracePeriodSeconds": 30}),
        "nothing of the refused updates was written"
    );
    // UpdateUserPoolClient without the member turns rotation off, as an absent member returns
    // to its default.
    ok(
        &e.c,
        "UpdateUserPoolClient",
        json!({"UserPoolId": e.pool, "ClientId": client,
            "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    );
    let r = e.refresh(&client, &t["RefreshToken"]).unwrap();
    assert!(r.get("RefreshToken").is_none());
}

#[test]
fn a_client_with_a_secret_gives_it_and_tokens_stay_with_their_client() {
    let e = env();
    let c = e.client(json!({"GenerateSecret": true,
        "RefreshTokenRotation": {"Feature": "ENABLED"}}));
    let client = c["ClientId"].as_str().unwrap();
    let secret = c["ClientSecret"].as_str().unwrap();
    let hash = tokens::secret_hash(secret, "alice", client);
    let t = ok(
        &e.c,
        "InitiateAuth",
        json!({"ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH",
            "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Passw0rd!", "SECRET_HASH": hash}}),
    )["AuthenticationResult"]
        .clone();
    let without = e.refresh(client, &t["RefreshToken"]).unwrap_err();
    assert_eq!(without.code, ErrorCode::NotAuthorizedException);
    let wrong = err(
        &e.c,
        "GetTokensFromRefreshToken",
        json!({"ClientId": client, "RefreshToken": t["RefreshToken"], "ClientSecret": "nope"}),
    );
    assert_eq!(wrong.code, ErrorCode::NotAuthorizedException);
    let r = ok(
        &e.c,
        "GetTokensFromRefreshToken",
        json!({"ClientId": client, "RefreshToken": t["RefreshToken"], "ClientSecret": secret,
            "DeviceKey": "us-east-1_not-remembered", "ClientMetadata": {"k": "v"}}),
    )["AuthenticationResult"]
        .clone();
    assert!(r["RefreshToken"].is_string());

    // Another client neither refreshes nor revokes with it, even a replaced one.
    let other = e.rotating(0);
    for token in [
        &t["RefreshToken"],
        &r["RefreshToken"],
        &json!("not-a-token"),
    ] {
        let refused = e.refresh(&other, token).unwrap_err();
        assert_eq!(refused.message, "Invalid Refresh Token");
    }
    assert!(
        e.signed_in(&r),
        "a reuse through another client revokes nothing"
    );
    let unknown = err(
        &e.c,
        "GetTokensFromRefreshToken",
        json!({"ClientId": "nosuchclient1234567890", "RefreshToken": r["RefreshToken"]}),
    );
    assert_eq!(unknown.code, ErrorCode::ResourceNotFoundException);
}

#[test]
fn revoking_a_replaced_token_in_its_grace_period_ends_the_sign_in() {
    let e = env();
    let client = e.rotating(60);
    let t = e.sign_in(&client);
    let r = e.refresh(&client, &t["RefreshToken"]).unwrap();
    ok(
        &e.c,
        "RevokeToken",
        json!({"ClientId": client, "Token": t["RefreshToken"]}),
    );
    assert!(!e.signed_in(&r));
    let after = e.refresh(&client, &r["RefreshToken"]).unwrap_err();
    assert_eq!(after.message, "Refresh Token has been revoked");
}

#[test]
fn a_resource_servers_removed_scopes_leave_the_clients_that_allowed_them() {
    let e = env();
    ok(
        &e.c,
        "CreateResourceServer",
        json!({"UserPoolId": e.pool, "Identifier": "https://api.example.com/v1", "Name": "api",
            "Scopes": [{"ScopeName": "read", "ScopeDescription": "r"},
                       {"ScopeName": "write", "ScopeDescription": "w"}]}),
    );
    ok(
        &e.c,
        "CreateResourceServer",
        json!({"UserPoolId": e.pool, "Identifier": "other", "Name": "other",
            "Scopes": [{"ScopeName": "read", "ScopeDescription": "r"}]}),
    );
    let oauth = |scopes: Value| {
        e.client(json!({"AllowedOAuthFlowsUserPoolClient": true,
            "AllowedOAuthFlows": ["code"], "CallbackURLs": ["https://app.example.com/cb"],
            "AllowedOAuthScopes": scopes}))["ClientId"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let both = oauth(json!([
        "openid",
        "https://api.example.com/v1/read",
        "https://api.example.com/v1/write",
        "other/read"
    ]));
    let reader = oauth(json!(["https://api.example.com/v1/read"]));
    let plain = oauth(json!(["openid", "email"]));
    let scopes_of = |client: &str| {
        ok(
            &e.c,
            "DescribeUserPoolClient",
            json!({"UserPoolId": e.pool, "ClientId": client}),
        )["UserPoolClient"]["AllowedOAuthScopes"]
            .clone()
    };
    let plain_before = ok(
        &e.c,
        "DescribeUserPoolClient",
        json!({"UserPoolId": e.pool, "ClientId": plain}),
    );

    ok(
        &e.c,
        "UpdateResourceServer",
        json!({"UserPoolId": e.pool, "Identifier": "https://api.example.com/v1", "Name": "api",
            "Scopes": [{"ScopeName": "read", "ScopeDescription": "r"}]}),
    );
    assert_eq!(
        scopes_of(&both),
        json!(["openid", "https://api.example.com/v1/read", "other/read"])
    );
    assert_eq!(
        scopes_of(&reader),
        json!(["https://api.example.com/v1/read"])
    );

    ok(
        &e.c,
        "DeleteResourceServer",
        json!({"UserPoolId": e.pool, "Identifier": "https://api.example.com/v1"}),
    );
    assert_eq!(scopes_of(&both), json!(["openid", "other/read"]));
    assert_eq!(scopes_of(&reader), json!([]));
    assert_eq!(
        ok(
            &e.c,
            "DescribeUserPoolClient",
            json!({"UserPoolId": e.pool, "ClientId": plain}),
        ),
        plain_before,
        "a client without its scopes is not touched"
    );
    // The client can be written again: what it names exists.
    ok(
        &e.c,
        "UpdateUserPoolClient",
        json!({"UserPoolId": e.pool, "ClientId": both, "AllowedOAuthFlowsUserPoolClient": true,
            "AllowedOAuthFlows": ["code"], "CallbackURLs": ["https://app.example.com/cb"],
            "AllowedOAuthScopes": scopes_of(&both)}),
    );
    // A failed deletion changes nothing.
    let missing = err(
        &e.c,
        "DeleteResourceServer",
        json!({"UserPoolId": e.pool, "Identifier": "https://api.example.com/v1"}),
    );
    assert_eq!(missing.code, ErrorCode::ResourceNotFoundException);
    assert_eq!(scopes_of(&both), json!(["openid", "other/read"]));
}
