//! The token inspector's operations on a real store: Poolhouse-issued tokens verify by `iss`
//! and `kid` alone, revocation is seen, and bad requests name the member at fault.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use console_api::ErrorCode;
use serde_json::{Value, json};
use testkit::{T0, TestConsole, call, create_client, create_pool, ok};

struct Env {
    c: TestConsole,
    pool: String,
    client: String,
}

fn env() -> Env {
    let c = TestConsole::new();
    let pool = create_pool(&c, json!({"PoolName": "demo"}));
    let client = create_client(
        &c,
        json!({"UserPoolId": pool, "ClientName": "web", "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    );
    ok(
        &c,
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "alice", "MessageAction": "SUPPRESS"}),
    );
    ok(
        &c,
        "AdminSetUserPassword",
        json!({"UserPoolId": pool, "Username": "alice", "Password": "Correct-horse-9", "Permanent": true}),
    );
    Env { c, pool, client }
}

impl Env {
    fn tokens(&self) -> (String, String) {
        let r = ok(
            &self.c,
            "InitiateAuth",
            json!({"ClientId": self.client, "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Correct-horse-9"}}),
        );
        let a = &r["AuthenticationResult"];
        (
            a["IdToken"].as_str().unwrap().to_string(),
            a["AccessToken"].as_str().unwrap().to_string(),
        )
    }

    fn verify(&self, body: Value) -> Value {
        ok(&self.c, "VerifyToken", body)
    }
}

fn check<'a>(resp: &'a Value, name: &str) -> &'a Value {
    resp["Checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["Name"] == name)
        .unwrap_or_else(|| panic!("no {name} check in {resp:#}"))
}

#[test]
fn poolhouse_tokens_verify_by_iss_and_kid_without_any_key_given() {
    let e = env();
    let (id, access) = e.tokens();
    for (token, token_use) in [(&id, "id"), (&access, "access")] {
        let r = e.verify(
            json!({"Token": token, "ExpectedClientId": e.client, "ExpectedTokenUse": token_use}),
        );
        assert_eq!(r["Verdict"], "Valid", "{r:#}");
        assert_eq!(r["UserPoolId"], e.pool.as_str());
        assert!(
            r["KeySource"].as_str().unwrap().contains("found by iss"),
            "{}",
            r["KeySource"]
        );
        assert_eq!(check(&r, "signature")["Result"], "pass");
        assert_eq!(
            check(&r, "iss")["Result"],
            "pass",
            "the pool's issuer is expected by default"
        );
        assert_eq!(check(&r, "revoked")["Result"], "pass", "{r:#}");
    }
}

#[test]
fn a_rewritten_iss_is_still_found_by_kid_and_fails_the_issuer_check() {
    let e = env();
    let (_, access) = e.tokens();
    // Same kid, different iss: re-sign with the pool key through EncodeTestToken.
    let payload = ok(&e.c, "DecodeToken", json!({"Token": access}))["Payload"].clone();
    let mut claims = payload.clone();
    claims["iss"] = json!("https://elsewhere.example/pool");
    claims.as_object_mut().unwrap().remove("exp");
    let t = ok(
        &e.c,
        "EncodeTestToken",
        json!({"Claims": claims, "UserPoolId": e.pool, "ExpiresIn": "+10m"}),
    );
    let r = e.verify(json!({"Token": t["Token"]}));
    assert!(
        r["KeySource"].as_str().unwrap().contains("found by kid"),
        "{r:#}"
    );
    assert_eq!(check(&r, "signature")["Result"], "pass");
    assert_eq!(check(&r, "iss")["Result"], "fail");
    assert_eq!(r["Verdict"], "Invalid");
    assert_eq!(r["Decoded"]["Findings"][0]["Code"], "TestToken");
}

#[test]
fn revoked_and_expired_tokens_say_why() {
    let e = env();
    let (id, access) = e.tokens();
    ok(&e.c, "GlobalSignOut", json!({"AccessToken": access}));
    for token in [&id, &access] {
        let r = e.verify(json!({"Token": token}));
        let revoked = check(&r, "revoked");
        assert_eq!(revoked["Result"], "fail", "{r:#}");
        assert!(
            revoked["Reason"]
                .as_str()
                .unwrap()
                .starts_with("revoked at"),
            "{revoked}"
        );
        assert_eq!(r["Verdict"], "Invalid");
    }
    let (_, fresh) = e.tokens();
    e.c.clock().advance(2 * 3_600_000);
    let r = e.verify(json!({"Token": fresh, "SkewSeconds": 60}));
    let exp = check(&r, "exp");
    assert_eq!(exp["Result"], "fail");
    assert!(
        exp["Reason"]
            .as_str()
            .unwrap()
            .starts_with("expired 60 min ago"),
        "{exp}"
    );
    assert_eq!(
        check(&r, "revoked")["Result"],
        "pass",
        "expiry does not hide an active sign-in"
    );
}

#[test]
fn decode_never_fails_on_the_token_itself() {
    let e = env();
    for junk in ["", "abc", "a.b.c", "Bearer x.y.z", "🙂.🙂.🙂"] {
        let r = ok(&e.c, "DecodeToken", json!({"Token": junk}));
        assert!(r["Problem"]["Code"].is_string(), "{junk:?}: {r:#}");
    }
    let (id, _) = e.tokens();
    let r = ok(
        &e.c,
        "DecodeToken",
        json!({"Token": format!("Bearer {id}")}),
    );
    assert_eq!(r["Kind"], "Jws");
    assert_eq!(r["Now"], T0 / 1000);
    let groups = r["Claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["Name"] == "token_use")
        .unwrap();
    assert!(groups["Meaning"].as_str().unwrap().contains("Cognito"));
}

#[test]
fn bad_requests_name_the_member() {
    let e = env();
    let (id, _) = e.tokens();
    let cases = [
        (
            "VerifyToken",
            json!({"Token": id, "Key": "not a key"}),
            "Key",
        ),
        ("VerifyToken", json!({"Token": id, "Jwks": "{"}), "Jwks"),
        (
            "VerifyToken",
            json!({"Token": id, "SkewSeconds": -1}),
            "SkewSeconds",
        ),
        (
            "VerifyToken",
            json!({"Token": id, "ExpectedTokenUse": "refresh"}),
            "ExpectedTokenUse",
        ),
        (
            "EncodeTestToken",
            json!({"Claims": {}, "Secret": "s", "Key": "k"}),
            "Key",
        ),
        (
            "EncodeTestToken",
            json!({"Claims": [], "Secret": "s"}),
            "Claims",
        ),
        (
            "EncodeTestToken",
            json!({"Claims": {}, "Secret": "s", "ExpiresIn": "soon"}),
            "ExpiresIn",
        ),
        (
            "EncodeTestToken",
            json!({"Claims": {}, "Secret": "s", "Algorithm": "RS256"}),
            "Algorithm",
        ),
        (
            "EncodeTestToken",
            json!({"Claims": {}, "UserPoolId": e.pool, "Kid": "x"}),
            "Kid",
        ),
    ];
    for (op, body, field) in cases {
        let err = call::<Value>(&e.c, op, body.clone()).unwrap_err();
        assert_eq!(
            err.code,
            ErrorCode::InvalidParameterException,
            "{op} {body}: {err}"
        );
        assert_eq!(err.field.as_deref(), Some(field), "{op} {body}: {err}");
    }
    let err = call::<Value>(
        &e.c,
        "VerifyToken",
        json!({"Token": id, "UserPoolId": "us-east-1_Nope12345"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::ResourceNotFoundException);
}

#[test]
fn signing_with_a_pool_key_is_audited() {
    let e = env();
    ok(
        &e.c,
        "EncodeTestToken",
        json!({"Claims": {"sub": "x", "token_use": "id"}, "UserPoolId": e.pool}),
    );
    let events = ok(&e.c, "ListAuditEvents", json!({"UserPoolId": e.pool}));
    assert!(
        events.to_string().contains("EncodeTestToken"),
        "a token the pool's verifiers accept was minted: it must be in the audit log ({events:#})"
    );
}

#[test]
fn a_pool_test_token_carries_the_pool_issuer_and_verifies_against_it() {
    let e = env();
    let made = ok(
        &e.c,
        "EncodeTestToken",
        json!({"UserPoolId": e.pool, "Claims": {"sub": "test-user", "token_use": "id"}}),
    );
    let v = e.verify(json!({"Token": made["Token"]}));
    assert_eq!(check(&v, "iss")["Result"], "pass", "{v:#}");
    assert_eq!(check(&v, "signature")["Result"], "pass", "{v:#}");
    let unknown = call::<Value>(
        &e.c,
        "EncodeTestToken",
        json!({"UserPoolId": "us-east-1_nothere00", "Claims": {}}),
    )
    .unwrap_err();
    assert_eq!(unknown.field.as_deref(), Some("UserPoolId"));
}

#[test]
fn a_test_token_copying_a_live_sign_in_is_reported_as_one_the_engine_refuses() {
    let e = env();
    let (_, access) = e.tokens();
    let claims = ok(&e.c, "DecodeToken", json!({"Token": access}))["Payload"].clone();
    let made = ok(
        &e.c,
        "EncodeTestToken",
        json!({"Claims": claims, "UserPoolId": e.pool}),
    );
    let r = e.verify(json!({"Token": made["Token"]}));
    // Still the pool's (test) token to the inspector: its signature, issuer and sign-in check
    // out, and the report warns that GetUser and the other token operations refuse it.
    assert_eq!(check(&r, "signature")["Result"], "pass", "{r:#}");
    assert_eq!(r["Decoded"]["Findings"][0]["Code"], "TestToken");
    let revoked = check(&r, "revoked");
    assert_eq!(revoked["Result"], "warning", "{r:#}");
    assert!(
        revoked["Reason"]
            .as_str()
            .unwrap()
            .contains("never accepts"),
        "{revoked}"
    );
    assert_eq!(r["Verdict"], "Valid");
    let refused =
        call::<Value>(&e.c, "GetUser", json!({"AccessToken": made["Token"]})).unwrap_err();
    assert_eq!(refused.code, ErrorCode::NotAuthorizedException);
    // A real token's sign-in still passes.
    let real = e.verify(json!({"Token": access}));
    assert_eq!(check(&real, "revoked")["Result"], "pass", "{real:#}");
}
