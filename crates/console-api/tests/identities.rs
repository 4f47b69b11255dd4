//! Identities of identity pools (`cognito-identity`) through the operation list: GetId with
//! guests and user-pool logins, GetOpenIdToken, the identities' administration, developer
//! identities, and each bad login refused with Cognito's code — nothing stored.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use console_api::{Actor, ApiError, ErrorCode};
use serde_json::{Map, Value, json};
use testkit::{T0, TestConsole, call, create_client, create_pool, err, ok};

const MISSING: &str = "us-east-1:00000000-0000-0000-0000-000000000000";

/// A user pool with a client and a confirmed user, and an identity pool trusting the client.
struct Env {
    c: TestConsole,
    user_pool: String,
    client: String,
    provider: String,
    pool: String,
}

fn env_with(guests: bool, server_side_check: bool) -> Env {
    let c = TestConsole::new();
    let user_pool = create_pool(&c, json!({"PoolName": "people"}));
    let client = create_client(
        &c,
        json!({"UserPoolId": user_pool, "ClientName": "web",
               "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    );
    let provider = format!("cognito-idp.us-east-1.amazonaws.com/{user_pool}");
    let pool = ok(
        &c,
        "CreateIdentityPool",
        json!({"IdentityPoolName": "app", "AllowUnauthenticatedIdentities": guests,
               "DeveloperProviderName": "login.myapp",
               "SupportedLoginProviders": {"accounts.google.com": "123.apps.googleusercontent.com"},
               "CognitoIdentityProviders": [{"ProviderName": provider, "ClientId": client,
                                             "ServerSideTokenCheck": server_side_check}]}),
    )["IdentityPoolId"]
        .as_str()
        .unwrap()
        .to_string();
    let e = Env {
        c,
        user_pool,
        client,
        provider,
        pool,
    };
    for name in ["alice", "bob"] {
        ok(
            &e.c,
            "AdminCreateUser",
            json!({"UserPoolId": e.user_pool, "Username": name, "MessageAction": "SUPPRESS"}),
        );
        ok(
            &e.c,
            "AdminSetUserPassword",
            json!({"UserPoolId": e.user_pool, "Username": name,
                   "Password": "Correct-horse-9", "Permanent": true}),
        );
    }
    e
}

fn env() -> Env {
    env_with(false, false)
}

impl Env {
    fn sign_in(&self, name: &str) -> Value {
        ok(
            &self.c,
            "InitiateAuth",
            json!({"ClientId": self.client, "AuthFlow": "USER_PASSWORD_AUTH",
                   "AuthParameters": {"USERNAME": name, "PASSWORD": "Correct-horse-9"}}),
        )["AuthenticationResult"]
            .clone()
    }

    fn id_token(&self, name: &str) -> String {
        self.sign_in(name)["IdToken"].as_str().unwrap().to_string()
    }

    fn get_id(&self, logins: Value) -> Result<String, ApiError> {
        call::<Value>(
            &self.c,
            "GetId",
            json!({"IdentityPoolId": self.pool, "Logins": logins}),
        )
        .map(|v| v["IdentityId"].as_str().unwrap().to_string())
    }

    fn login(&self, token: &str) -> Value {
        json!({ self.provider.clone(): token })
    }

    fn identities(&self) -> Vec<Value> {
        ok(
            &self.c,
            "ListIdentities",
            json!({"IdentityPoolId": self.pool, "MaxResults": 60}),
        )["Identities"]
            .as_array()
            .unwrap()
            .clone()
    }

    /// Verifies an identity-pool token against the served key set, answering its claims.
    fn verify(&self, token: &str) -> Map<String, Value> {
        let v = tokens::Verifier::from_jwks(&self.c.identity_jwks().unwrap()).unwrap();
        v.verify(token, self.c.now_ms() / 1000, 0)
            .unwrap()
            .into_claims()
    }

    fn audited(&self, op: &str) -> Vec<Value> {
        ok(&self.c, "ListAuditEvents", json!({}))["Events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["Operation"] == op)
            .cloned()
            .collect()
    }
}

fn not_authorized(e: &ApiError, contains: &str) {
    assert_eq!(e.code, ErrorCode::NotAuthorizedException, "{e:?}");
    assert!(e.message.contains(contains), "{contains:?} in {e:?}");
}

/// A token's parts re-assembled with another header (same claims and signature).
fn with_header(token: &str, header: Value) -> String {
    let mut parts = token.split('.');
    let (_, claims, sig) = (parts.next(), parts.next().unwrap(), parts.next().unwrap());
    format!("{}.{claims}.{sig}", B64.encode(header.to_string()))
}

#[test]
fn guests_get_a_new_identity_each_time_only_where_the_pool_allows_them() {
    let closed = env();
    let e = closed.get_id(json!({})).unwrap_err();
    not_authorized(
        &e,
        "Unauthenticated access is not supported for this identity pool.",
    );
    assert!(closed.identities().is_empty(), "nothing stored");

    let open = env_with(true, false);
    let a = open.get_id(json!({})).unwrap();
    let b = open.get_id(json!({})).unwrap();
    assert_ne!(a, b);
    assert!(a.starts_with("us-east-1:"), "{a}");
    let listed = open.identities();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["Logins"], json!([]));
    let d = ok(&open.c, "DescribeIdentity", json!({"IdentityId": a}));
    assert_eq!(d["IdentityId"], a);
    assert_eq!(d["CreationDate"], json!(T0 as f64 / 1000.0));
    // A guest's token says so.
    let t = ok(&open.c, "GetOpenIdToken", json!({"IdentityId": a}));
    let claims = open.verify(t["Token"].as_str().unwrap());
    assert_eq!(claims["amr"], json!(["unauthenticated"]));
    assert_eq!(claims["sub"], a);
    assert_eq!(claims["aud"], open.pool);
    let created = open.audited("GetId");
    assert_eq!(created.len(), 2, "each new identity is audited");
    assert_eq!(created[0]["Outcome"], "Success");
}

#[test]
fn a_user_pool_id_token_finds_the_same_identity_every_time() {
    let e = env();
    let token = e.id_token("alice");
    let id = e.get_id(e.login(&token)).unwrap();
    let again = e.get_id(e.login(&e.id_token("alice"))).unwrap();
    assert_eq!(id, again, "the same login finds the same identity");
    let bob = e.get_id(e.login(&e.id_token("bob"))).unwrap();
    assert_ne!(id, bob);
    assert_eq!(e.audited("GetId").len(), 2, "a known login writes nothing");

    let d = ok(&e.c, "DescribeIdentity", json!({"IdentityId": id}));
    assert_eq!(d["Logins"], json!([e.provider]));

    // GetOpenIdToken: 10 minutes, for the identity and the pool, naming the provider.
    let t = ok(
        &e.c,
        "GetOpenIdToken",
        json!({"IdentityId": id, "Logins": e.login(&token)}),
    );
    assert_eq!(t["IdentityId"], id);
    let claims = e.verify(t["Token"].as_str().unwrap());
    assert_eq!(claims["iss"], "https://cognito-identity.amazonaws.com");
    assert_eq!(claims["sub"], id);
    assert_eq!(claims["aud"], e.pool);
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        600
    );
    let amr = claims["amr"].as_array().unwrap();
    assert_eq!(amr[0], "authenticated");
    assert_eq!(amr[1], e.provider.as_str());
    assert!(
        amr[2].as_str().unwrap().contains(":CognitoSignIn:"),
        "{amr:?}"
    );

    assert!(
        claims.get("https://aws.amazon.com/tags").is_none(),
        "no tag map, no tags"
    );
    // With the provider's default tag map, the token carries its client and user as tags.
    ok(
        &e.c,
        "SetPrincipalTagAttributeMap",
        json!({"IdentityPoolId": e.pool, "IdentityProviderName": e.provider, "UseDefaults": true}),
    );
    let tagged = ok(
        &e.c,
        "GetOpenIdToken",
        json!({"IdentityId": id, "Logins": e.login(&token)}),
    );
    let tagged = e.verify(tagged["Token"].as_str().unwrap());
    let sub = tokens::dangerous::decode_unverified(&token).unwrap();
    assert_eq!(
        tagged["https://aws.amazon.com/tags"],
        json!({"principal_tags": {"client": [e.client], "username": [sub.claims["sub"]]}})
    );

    // Without its login, or with another identity's, the identity refuses the caller.
    let forbidden = err(&e.c, "GetOpenIdToken", json!({"IdentityId": id}));
    not_authorized(
        &forbidden,
        &format!("Access to Identity '{id}' is forbidden."),
    );
    let other = err(
        &e.c,
        "GetOpenIdToken",
        json!({"IdentityId": id, "Logins": e.login(&e.id_token("bob"))}),
    );
    not_authorized(&other, "Logins don't match");
}

#[test]
fn the_issuer_follows_the_workspace_and_the_discovery_document_names_it() {
    let e = env_with(true, false);
    ok(
        &e.c,
        "UpdateWorkspace",
        json!({"IssuerBaseUrl": "http://127.0.0.1:9229"}),
    );
    let id = e.get_id(json!({})).unwrap();
    let t = ok(&e.c, "GetOpenIdToken", json!({"IdentityId": id}));
    let claims = e.verify(t["Token"].as_str().unwrap());
    assert_eq!(claims["iss"], "http://127.0.0.1:9229/cognito-identity");
    let doc =
        e.c.identity_openid_configuration("http://ignored/jwks")
            .unwrap();
    assert_eq!(doc["issuer"], "http://127.0.0.1:9229/cognito-identity");
    assert_eq!(
        doc["jwks_uri"],
        "http://127.0.0.1:9229/cognito-identity/.well-known/jwks_uri"
    );
}

#[test]
fn bad_logins_are_refused_with_cognitos_codes_and_nothing_is_stored() {
    let e = env();
    let token = e.id_token("alice");
    let access = e.sign_in("alice")["AccessToken"]
        .as_str()
        .unwrap()
        .to_string();

    let garbage = e.get_id(e.login("not-a-token")).unwrap_err();
    not_authorized(&garbage, "Invalid login token.");

    let access_refused = e.get_id(e.login(&access)).unwrap_err();
    not_authorized(&access_refused, "not its access token");

    // alg confusion: the same claims and signature under `none` and `HS256`.
    for alg in ["none", "HS256"] {
        let kid = tokens::dangerous::kid(&token).unwrap();
        let forged = with_header(&token, json!({"alg": alg, "kid": kid}));
        let refused = e.get_id(e.login(&forged)).unwrap_err();
        not_authorized(&refused, "Invalid login token.");
    }
    // A tampered signature.
    let mut tampered = token.clone();
    tampered.push('A');
    not_authorized(
        &e.get_id(e.login(&tampered)).unwrap_err(),
        "Invalid login token.",
    );

    // Untrusted: a user pool the identity pool does not list.
    let other_pool = create_pool(&e.c, json!({"PoolName": "others"}));
    let untrusted = e
        .get_id(json!({format!("cognito-idp.us-east-1.amazonaws.com/{other_pool}"): token}))
        .unwrap_err();
    not_authorized(&untrusted, "not from a supported provider");

    // Wrong audience: a client of the user pool the identity pool does not trust.
    let other_client = create_client(
        &e.c,
        json!({"UserPoolId": e.user_pool, "ClientName": "other",
               "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    );
    let other_token = ok(
        &e.c,
        "InitiateAuth",
        json!({"ClientId": other_client, "AuthFlow": "USER_PASSWORD_AUTH",
               "AuthParameters": {"USERNAME": "alice", "PASSWORD": "Correct-horse-9"}}),
    )["AuthenticationResult"]["IdToken"]
        .as_str()
        .unwrap()
        .to_string();
    not_authorized(
        &e.get_id(e.login(&other_token)).unwrap_err(),
        "Incorrect token audience",
    );

    // A social provider the pool trusts, given a token of another issuer: refused before any
    // key is fetched from Google.
    let social = e.get_id(json!({"accounts.google.com": token})).unwrap_err();
    not_authorized(&social, "Issuer doesn't match providerName");
    // The developer provider's name is not a Logins key of GetId.
    not_authorized(
        &e.get_id(json!({"login.myapp": "alice"})).unwrap_err(),
        "developer provider",
    );

    // More than 10 logins; an empty token; one over 50,000 characters.
    let many: Map<String, Value> = (0..11)
        .map(|i| (format!("p{i}.example.com"), json!("t")))
        .collect();
    let e11 = e.get_id(Value::Object(many)).unwrap_err();
    assert_eq!(e11.code, ErrorCode::InvalidParameterException);
    assert_eq!(e11.field.as_deref(), Some("Logins"));
    let long = e.get_id(e.login(&"a".repeat(50_001))).unwrap_err();
    assert_eq!(long.code, ErrorCode::InvalidParameterException);
    assert_eq!(
        long.field.as_deref(),
        Some(format!("Logins.{}", e.provider).as_str())
    );

    // Wrong issuer: the workspace now issues under its own URL; the token says Cognito's.
    ok(
        &e.c,
        "UpdateWorkspace",
        json!({"IssuerBaseUrl": "http://127.0.0.1:9229"}),
    );
    not_authorized(
        &e.get_id(e.login(&token)).unwrap_err(),
        "Issuer doesn't match",
    );
    ok(&e.c, "UpdateWorkspace", json!({"IssuerBaseUrl": ""}));

    // Expired: an hour and a second later.
    e.c.clock().advance(3_601_000);
    not_authorized(&e.get_id(e.login(&token)).unwrap_err(), "Token expired");

    // Unknown pool and identity.
    let missing = err(&e.c, "GetId", json!({"IdentityPoolId": MISSING}));
    assert_eq!(missing.code, ErrorCode::ResourceNotFoundException);
    let no_identity = err(&e.c, "GetOpenIdToken", json!({"IdentityId": MISSING}));
    assert_eq!(no_identity.code, ErrorCode::ResourceNotFoundException);
    assert_eq!(
        no_identity.message,
        format!("Identity '{MISSING}' not found.")
    );
    let malformed = err(&e.c, "DescribeIdentity", json!({"IdentityId": "nope"}));
    assert_eq!(malformed.code, ErrorCode::InvalidParameterException);

    assert!(e.identities().is_empty(), "no refusal stored an identity");
    let failures = e.audited("GetId");
    assert!(
        !failures.is_empty() && failures.iter().all(|f| f["Outcome"] == "Failure"),
        "refusals are audited as failures: {failures:?}"
    );
}

#[test]
fn server_side_token_check_refuses_a_signed_out_session() {
    for check in [true, false] {
        let e = env_with(false, check);
        let tokens = e.sign_in("alice");
        let id_token = tokens["IdToken"].as_str().unwrap();
        let id = e.get_id(e.login(id_token)).unwrap();
        ok(
            &e.c,
            "GlobalSignOut",
            json!({"AccessToken": tokens["AccessToken"]}),
        );
        let after = e.get_id(e.login(id_token));
        if check {
            not_authorized(&after.unwrap_err(), "revoked");
        } else {
            assert_eq!(after.unwrap(), id, "without the check the token stands");
        }
    }
    // A disabled user's token, checked.
    let e = env_with(false, true);
    let token = e.id_token("bob");
    ok(
        &e.c,
        "AdminDisableUser",
        json!({"UserPoolId": e.user_pool, "Username": "bob"}),
    );
    assert_eq!(
        e.get_id(e.login(&token)).unwrap_err().code,
        ErrorCode::NotAuthorizedException
    );
}

#[test]
fn a_guest_identity_becomes_authenticated_and_unlinks_again() {
    let e = env_with(true, false);
    let guest = e.get_id(json!({})).unwrap();
    let token = e.id_token("alice");
    let t = ok(
        &e.c,
        "GetOpenIdToken",
        json!({"IdentityId": guest, "Logins": e.login(&token)}),
    );
    assert_eq!(t["IdentityId"], guest);
    assert_eq!(e.get_id(e.login(&token)).unwrap(), guest, "now linked");
    assert_eq!(e.audited("GetOpenIdToken").len(), 1, "the link is audited");

    let bad = err(
        &e.c,
        "UnlinkIdentity",
        json!({"IdentityId": guest, "Logins": e.login(&token),
               "LoginsToRemove": ["accounts.google.com"]}),
    );
    assert_eq!(bad.field.as_deref(), Some("LoginsToRemove"));
    ok(
        &e.c,
        "UnlinkIdentity",
        json!({"IdentityId": guest, "Logins": e.login(&token), "LoginsToRemove": [e.provider]}),
    );
    let d = ok(&e.c, "DescribeIdentity", json!({"IdentityId": guest}));
    assert_eq!(d["Logins"], json!([]));
    assert_ne!(
        e.get_id(e.login(&token)).unwrap(),
        guest,
        "an unlinked login is new again"
    );
}

#[test]
fn identities_are_listed_in_pages_and_deleted() {
    let e = env_with(true, false);
    let ids: Vec<String> = (0..3).map(|_| e.get_id(json!({})).unwrap()).collect();
    let first = ok(
        &e.c,
        "ListIdentities",
        json!({"IdentityPoolId": e.pool, "MaxResults": 2}),
    );
    assert_eq!(first["Identities"].as_array().unwrap().len(), 2);
    let next = first["NextToken"].as_str().unwrap();
    let second = ok(
        &e.c,
        "ListIdentities",
        json!({"IdentityPoolId": e.pool, "MaxResults": 2, "NextToken": next}),
    );
    assert_eq!(second["Identities"][0]["IdentityId"], ids[2]);
    assert!(second.get("NextToken").is_none());
    // A token is bound to its listing: HideDisabled changes it; an edited one is refused.
    let other = err(
        &e.c,
        "ListIdentities",
        json!({"IdentityPoolId": e.pool, "MaxResults": 2, "NextToken": next, "HideDisabled": true}),
    );
    assert_eq!(other.field.as_deref(), Some("NextToken"));
    let mut edited = next.to_string();
    edited.insert(3, 'x');
    let edited = err(
        &e.c,
        "ListIdentities",
        json!({"IdentityPoolId": e.pool, "MaxResults": 2, "NextToken": edited}),
    );
    assert_eq!(edited.field.as_deref(), Some("NextToken"));
    for bad in [0, 61] {
        let e2 = err(
            &e.c,
            "ListIdentities",
            json!({"IdentityPoolId": e.pool, "MaxResults": bad}),
        );
        assert_eq!(e2.field.as_deref(), Some("MaxResults"));
    }

    let none = err(&e.c, "DeleteIdentities", json!({"IdentityIdsToDelete": []}));
    assert_eq!(none.field.as_deref(), Some("IdentityIdsToDelete"));
    let too_many: Vec<String> = (0..61).map(|_| MISSING.to_string()).collect();
    let many = err(
        &e.c,
        "DeleteIdentities",
        json!({"IdentityIdsToDelete": too_many}),
    );
    assert_eq!(many.field.as_deref(), Some("IdentityIdsToDelete"));
    let deleted = ok(
        &e.c,
        "DeleteIdentities",
        json!({"IdentityIdsToDelete": [ids[0], MISSING]}),
    );
    assert_eq!(deleted["UnprocessedIdentityIds"], json!([]));
    assert_eq!(e.identities().len(), 2);
    let gone = err(&e.c, "DescribeIdentity", json!({"IdentityId": ids[0]}));
    assert_eq!(gone.code, ErrorCode::ResourceNotFoundException);
    let deletes = e.audited("DeleteIdentities");
    assert_eq!(
        deletes.iter().filter(|r| r["Outcome"] == "Success").count(),
        1
    );
    assert_eq!(deletes.len(), 3, "the two refusals are recorded too");

    // Deleting the pool deletes its identities.
    ok(
        &e.c,
        "DeleteIdentityPool",
        json!({"IdentityPoolId": e.pool}),
    );
    let gone = err(&e.c, "DescribeIdentity", json!({"IdentityId": ids[1]}));
    assert_eq!(gone.code, ErrorCode::ResourceNotFoundException);
}

#[test]
fn developer_identities_are_linked_looked_up_merged_and_unlinked() {
    let e = env();
    let dev = |user: &str| {
        ok(
            &e.c,
            "GetOpenIdTokenForDeveloperIdentity",
            json!({"IdentityPoolId": e.pool, "Logins": {"login.myapp": user},
                   "PrincipalTags": {"team": "blue"}, "TokenDuration": 3600}),
        )
    };
    let first = dev("user-1");
    let id1 = first["IdentityId"].as_str().unwrap().to_string();
    assert_eq!(
        dev("user-1")["IdentityId"],
        id1,
        "the same user, the same identity"
    );
    let claims = e.verify(first["Token"].as_str().unwrap());
    assert_eq!(
        claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
        3600
    );
    assert_eq!(
        claims["amr"],
        json!([
            "authenticated",
            "login.myapp",
            format!("login.myapp:{}:user-1", e.pool)
        ])
    );
    assert_eq!(
        claims["https://aws.amazon.com/tags"],
        json!({"principal_tags": {"team": ["blue"]}})
    );

    // The enhanced flow's login: the token under cognito-identity.amazonaws.com.
    let login = json!({"cognito-identity.amazonaws.com": first["Token"]});
    assert_eq!(e.get_id(login.clone()).unwrap(), id1);
    let t = ok(
        &e.c,
        "GetOpenIdToken",
        json!({"IdentityId": id1, "Logins": login}),
    );
    let again = e.verify(t["Token"].as_str().unwrap());
    assert_eq!(
        again["amr"], claims["amr"],
        "the developer's amr carries over"
    );

    // Another identity's developer token is not this identity's login.
    let id2 = dev("user-2")["IdentityId"].as_str().unwrap().to_string();
    not_authorized(
        &err(
            &e.c,
            "GetOpenIdToken",
            json!({"IdentityId": id2, "Logins": login}),
        ),
        "Logins don't match",
    );

    // A second user linked to identity 1 by its id; a user of identity 2 cannot be.
    let linked = ok(
        &e.c,
        "GetOpenIdTokenForDeveloperIdentity",
        json!({"IdentityPoolId": e.pool, "IdentityId": id1, "Logins": {"login.myapp": "user-1b"}}),
    );
    assert_eq!(linked["IdentityId"], id1);
    let taken = err(
        &e.c,
        "GetOpenIdTokenForDeveloperIdentity",
        json!({"IdentityPoolId": e.pool, "IdentityId": id1, "Logins": {"login.myapp": "user-2"}}),
    );
    assert_eq!(
        taken.code,
        ErrorCode::DeveloperUserAlreadyRegisteredException
    );

    let lookup = ok(
        &e.c,
        "LookupDeveloperIdentity",
        json!({"IdentityPoolId": e.pool, "IdentityId": id1, "MaxResults": 1}),
    );
    assert_eq!(lookup["DeveloperUserIdentifierList"], json!(["user-1"]));
    let rest = ok(
        &e.c,
        "LookupDeveloperIdentity",
        json!({"IdentityPoolId": e.pool, "IdentityId": id1, "MaxResults": 1,
               "NextToken": lookup["NextToken"]}),
    );
    assert_eq!(rest["DeveloperUserIdentifierList"], json!(["user-1b"]));
    let by_user = ok(
        &e.c,
        "LookupDeveloperIdentity",
        json!({"IdentityPoolId": e.pool, "DeveloperUserIdentifier": "user-2"}),
    );
    assert_eq!(by_user["IdentityId"], id2);
    let neither = err(
        &e.c,
        "LookupDeveloperIdentity",
        json!({"IdentityPoolId": e.pool}),
    );
    assert_eq!(neither.field.as_deref(), Some("IdentityId"));
    let unknown = err(
        &e.c,
        "LookupDeveloperIdentity",
        json!({"IdentityPoolId": e.pool, "DeveloperUserIdentifier": "nobody"}),
    );
    assert_eq!(unknown.code, ErrorCode::ResourceNotFoundException);

    // Merge user-2's identity into user-1's.
    let wrong = err(
        &e.c,
        "MergeDeveloperIdentities",
        json!({"IdentityPoolId": e.pool, "DeveloperProviderName": "login.other",
               "SourceUserIdentifier": "user-2", "DestinationUserIdentifier": "user-1"}),
    );
    assert_eq!(wrong.field.as_deref(), Some("DeveloperProviderName"));
    let merged = ok(
        &e.c,
        "MergeDeveloperIdentities",
        json!({"IdentityPoolId": e.pool, "DeveloperProviderName": "login.myapp",
               "SourceUserIdentifier": "user-2", "DestinationUserIdentifier": "user-1"}),
    );
    assert_eq!(merged["IdentityId"], id1);
    assert_eq!(
        err(&e.c, "DescribeIdentity", json!({"IdentityId": id2})).code,
        ErrorCode::ResourceNotFoundException
    );
    let all = ok(
        &e.c,
        "LookupDeveloperIdentity",
        json!({"IdentityPoolId": e.pool, "IdentityId": id1}),
    );
    assert_eq!(
        all["DeveloperUserIdentifierList"],
        json!(["user-1", "user-1b", "user-2"])
    );

    // Unlink one; unlinking it again is a conflict.
    let unlink = json!({"IdentityPoolId": e.pool, "IdentityId": id1,
                        "DeveloperProviderName": "login.myapp", "DeveloperUserIdentifier": "user-2"});
    ok(&e.c, "UnlinkDeveloperIdentity", unlink.clone());
    assert_eq!(
        err(&e.c, "UnlinkDeveloperIdentity", unlink).code,
        ErrorCode::ResourceConflictException
    );
    let fresh = dev("user-2")["IdentityId"].as_str().unwrap().to_string();
    assert_ne!(fresh, id1, "an unlinked user is a new identity next time");

    for (duration, field) in [(0, "TokenDuration"), (86_401, "TokenDuration")] {
        let e2 = err(
            &e.c,
            "GetOpenIdTokenForDeveloperIdentity",
            json!({"IdentityPoolId": e.pool, "Logins": {"login.myapp": "u"}, "TokenDuration": duration}),
        );
        assert_eq!(e2.field.as_deref(), Some(field));
    }
    let no_dev = err(
        &e.c,
        "GetOpenIdTokenForDeveloperIdentity",
        json!({"IdentityPoolId": e.pool, "Logins": {"login.other": "u"}}),
    );
    assert_eq!(no_dev.field.as_deref(), Some("Logins"));
    for op in [
        "GetOpenIdTokenForDeveloperIdentity",
        "MergeDeveloperIdentities",
        "UnlinkDeveloperIdentity",
    ] {
        assert!(
            e.audited(op).iter().any(|r| r["Outcome"] == "Success"),
            "{op} is audited"
        );
    }
}

#[test]
fn logins_naming_two_identities_merge_into_the_oldest() {
    let e = env();
    let alice = e.id_token("alice");
    let a = e.get_id(e.login(&alice)).unwrap();
    let dev = ok(
        &e.c,
        "GetOpenIdTokenForDeveloperIdentity",
        json!({"IdentityPoolId": e.pool, "Logins": {"login.myapp": "d-1"}}),
    );
    let d = dev["IdentityId"].as_str().unwrap().to_string();
    assert_ne!(a, d);
    let merged = e
        .get_id(json!({e.provider.clone(): alice, "cognito-identity.amazonaws.com": dev["Token"]}))
        .unwrap();
    assert_eq!(merged, a, "the oldest identity stays");
    assert_eq!(
        err(&e.c, "DescribeIdentity", json!({"IdentityId": d})).code,
        ErrorCode::ResourceNotFoundException
    );
    let users = ok(
        &e.c,
        "LookupDeveloperIdentity",
        json!({"IdentityPoolId": e.pool, "DeveloperUserIdentifier": "d-1"}),
    );
    assert_eq!(users["IdentityId"], a);
}

/// A trust policy for Cognito's identities of `pool` whose `amr` matches `amr`.
fn trust(pool: &str, amr: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "cognito-identity.amazonaws.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {"cognito-identity.amazonaws.com:aud": pool},
                "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": amr}
            }
        }]
    })
    .to_string()
}

fn role(e: &Env, name: &str, pool: &str, amr: &str) -> String {
    ok(
        &e.c,
        "CreateRole",
        json!({"RoleName": name, "AssumeRolePolicyDocument": trust(pool, amr)}),
    )["Role"]["Arn"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn get_credentials_for_identity_vends_for_the_proven_caller_only() {
    let e = env_with(true, false);
    let creds = |body: Value| call::<Value>(&e.c, "GetCredentialsForIdentity", body);
    let guest = e.get_id(json!({})).unwrap();
    // No roles yet: Cognito's configuration error, nothing vended.
    let none = creds(json!({"IdentityId": guest})).unwrap_err();
    assert_eq!(
        none.code,
        ErrorCode::InvalidIdentityPoolConfigurationException,
        "{none:?}"
    );

    let auth = role(&e, "Auth", &e.pool, "authenticated");
    let unauth = role(&e, "Guest", &e.pool, "unauthenticated");
    ok(
        &e.c,
        "SetIdentityPoolRoles",
        json!({"IdentityPoolId": e.pool, "Roles": {"authenticated": auth, "unauthenticated": unauth}}),
    );
    let g = creds(json!({"IdentityId": guest})).unwrap();
    assert_eq!(g["IdentityId"], guest);
    let c = &g["Credentials"];
    assert!(
        c["AccessKeyId"].as_str().unwrap().starts_with("ASIA"),
        "{c}"
    );
    assert!(!c["SecretKey"].as_str().unwrap().is_empty());
    assert_eq!(c["Expiration"], json!((T0 + 3_600_000) as f64 / 1000.0));

    // A user pool login: its identity's credentials, the login linked to the guest identity.
    let token = e.id_token("alice");
    let signed = creds(json!({"IdentityId": guest, "Logins": e.login(&token)})).unwrap();
    assert_ne!(
        signed["Credentials"]["AccessKeyId"],
        g["Credentials"]["AccessKeyId"]
    );
    assert_eq!(e.get_id(e.login(&token)).unwrap(), guest);
    not_authorized(
        &creds(json!({"IdentityId": guest})).unwrap_err(),
        "is forbidden",
    );
    not_authorized(
        &creds(json!({"IdentityId": guest, "Logins": e.login("garbage")})).unwrap_err(),
        "Invalid login token.",
    );

    // The developer's token as the login: its amr (the developer user) reaches the trust policy.
    let dev_role = role(&e, "Dev", &e.pool, "login.myapp:*");
    ok(
        &e.c,
        "SetIdentityPoolRoles",
        json!({"IdentityPoolId": e.pool, "Roles": {"authenticated": dev_role, "unauthenticated": unauth}}),
    );
    let dev = ok(
        &e.c,
        "GetOpenIdTokenForDeveloperIdentity",
        json!({"IdentityPoolId": e.pool, "Logins": {"login.myapp": "d-1"}}),
    );
    let vended = creds(json!({"IdentityId": dev["IdentityId"],
                              "Logins": {"cognito-identity.amazonaws.com": dev["Token"]}}))
    .unwrap();
    assert_eq!(vended["IdentityId"], dev["IdentityId"]);
    // The trust policy refuses alice (her amr names the user pool, not the developer): Cognito
    // answers its configuration error, and the message says which condition failed.
    let refused = creds(json!({"IdentityId": guest, "Logins": e.login(&token)})).unwrap_err();
    assert_eq!(
        refused.code,
        ErrorCode::InvalidIdentityPoolConfigurationException,
        "{refused:?}"
    );
    assert!(
        refused
            .message
            .contains("cognito-identity.amazonaws.com:amr"),
        "{refused:?}"
    );
    assert!(
        e.audited("GetCredentialsForIdentity")
            .iter()
            .any(|r| r["Outcome"] == "Failure"),
        "the refusal is audited"
    );
    // The guest's and the developer's vends linked nothing: they were answered before their
    // records and audit entries were written (behind the answer). The console's own reads of
    // those records wait for them: every success is audited, and the guest's credential
    // answers GetCallerIdentity as its assumed role.
    let successes = e
        .audited("GetCredentialsForIdentity")
        .iter()
        .filter(|r| r["Outcome"] == "Success")
        .count();
    assert_eq!(successes, 3);
    let key = g["Credentials"]["AccessKeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let who = ok(
        &e.c.same_as(Actor::endpoint(key)),
        "GetCallerIdentity",
        json!({}),
    );
    assert!(
        who["Arn"]
            .as_str()
            .unwrap()
            .ends_with(":assumed-role/Guest/CognitoIdentityCredentials"),
        "{who}"
    );
}

#[test]
fn an_identity_pool_token_verifies_for_sts_until_it_expires() {
    let e = env_with(true, false);
    let id = e.get_id(json!({})).unwrap();
    let token = ok(&e.c, "GetOpenIdToken", json!({"IdentityId": id}))["Token"]
        .as_str()
        .unwrap()
        .to_string();
    let claims = e.c.verify_identity_pool_token(&token).unwrap();
    assert_eq!(claims["sub"], id);
    assert_eq!(claims["aud"], e.pool);

    let user_pool_token = e.id_token("alice");
    let other =
        e.c.verify_identity_pool_token(&user_pool_token)
            .unwrap_err();
    assert_eq!(other.code, ErrorCode::InvalidIdentityToken, "{other:?}");
    let mut tampered = token.clone();
    tampered.push('A');
    assert_eq!(
        e.c.verify_identity_pool_token(&tampered).unwrap_err().code,
        ErrorCode::InvalidIdentityToken
    );

    e.c.clock().advance(601_000);
    let expired = e.c.verify_identity_pool_token(&token).unwrap_err();
    assert_eq!(
        expired.code,
        ErrorCode::ExpiredTokenException,
        "{expired:?}"
    );

    // A deleted identity's token names nobody.
    let fresh = ok(&e.c, "GetOpenIdToken", json!({"IdentityId": id}))["Token"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        &e.c,
        "DeleteIdentities",
        json!({"IdentityIdsToDelete": [id]}),
    );
    assert_eq!(
        e.c.verify_identity_pool_token(&fresh).unwrap_err().code,
        ErrorCode::InvalidIdentityToken
    );
}

#[test]
fn a_developer_tokens_principal_tags_become_session_tags_that_the_trust_policy_must_allow() {
    let e = env();
    let creds = |body: Value| call::<Value>(&e.c, "GetCredentialsForIdentity", body);
    // Trusts the identities but does not allow sts:TagSession.
    let plain = role(&e, "Plain", &e.pool, "authenticated");
    ok(
        &e.c,
        "SetIdentityPoolRoles",
        json!({"IdentityPoolId": e.pool, "Roles": {"authenticated": plain}}),
    );
    let dev = ok(
        &e.c,
        "GetOpenIdTokenForDeveloperIdentity",
        json!({"IdentityPoolId": e.pool, "Logins": {"login.myapp": "tagged"},
               "PrincipalTags": {"team": "blue"}}),
    );
    let login = json!({"IdentityId": dev["IdentityId"],
                       "Logins": {"cognito-identity.amazonaws.com": dev["Token"]}});
    let refused = creds(login.clone()).unwrap_err();
    assert_eq!(
        refused.code,
        ErrorCode::InvalidIdentityPoolConfigurationException,
        "{refused:?}"
    );
    assert!(refused.message.contains("sts:TagSession"), "{refused:?}");

    let tagging = ok(
        &e.c,
        "CreateRole",
        json!({"RoleName": "Tagging", "AssumeRolePolicyDocument": json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Federated": "cognito-identity.amazonaws.com"},
                "Action": ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
                "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": e.pool}}
            }]
        }).to_string()}),
    )["Role"]["Arn"]
        .clone();
    ok(
        &e.c,
        "SetIdentityPoolRoles",
        json!({"IdentityPoolId": e.pool, "Roles": {"authenticated": tagging}}),
    );
    let vended = creds(login).unwrap();
    assert!(
        vended["Credentials"]["AccessKeyId"]
            .as_str()
            .unwrap()
            .starts_with("ASIA")
    );
}

#[test]
fn identity_logins_name_the_people_behind_each_identity() {
    let e = env_with(true, false);
    ok(
        &e.c,
        "AdminUpdateUserAttributes",
        json!({"UserPoolId": e.user_pool, "Username": "alice",
               "UserAttributes": [{"Name": "email", "Value": "alice@example.com"},
                                  {"Name": "name", "Value": "Alice Liddell"}]}),
    );
    let alice = e.get_id(e.login(&e.id_token("alice"))).unwrap();
    let bob = e.get_id(e.login(&e.id_token("bob"))).unwrap();
    let dev = ok(
        &e.c,
        "GetOpenIdTokenForDeveloperIdentity",
        json!({"IdentityPoolId": e.pool, "Logins": {"login.myapp": "dev-user-7"}}),
    )["IdentityId"]
        .as_str()
        .unwrap()
        .to_string();
    let guest = e.get_id(json!({})).unwrap();
    let sub_of = |name: &str| {
        ok(
            &e.c,
            "AdminGetUser",
            json!({"UserPoolId": e.user_pool, "Username": name}),
        )["UserAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["Name"] == "sub")
            .unwrap()["Value"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let bob_sub = sub_of("bob");

    let list = |body: Value| ok(&e.c, "ListIdentityLogins", body);
    let all = list(json!({"IdentityPoolId": e.pool}));
    assert_eq!(all["IdentityPoolId"], e.pool);
    let ids: Vec<&str> = all["Identities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["IdentityId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [&alice, &bob, &dev, &guest]);
    let a = &all["Identities"][0];
    assert_eq!(a["Disabled"], false);
    assert!(a["CreationDate"].as_f64().unwrap() > 0.0);
    let login = &a["Logins"][0];
    assert_eq!(login["Provider"], e.provider);
    assert_eq!(login["ProviderType"], "UserPool");
    assert_eq!(login["Subject"], sub_of("alice"));
    assert_eq!(
        login["User"],
        json!({"UserPoolId": e.user_pool, "State": "Present", "Username": "alice",
               "Email": "alice@example.com", "Name": "Alice Liddell", "Enabled": true})
    );
    assert_eq!(all["Identities"][1]["Logins"][0]["User"]["Username"], "bob");
    let d = &all["Identities"][2]["Logins"][0];
    assert_eq!(
        (&d["Provider"], &d["ProviderType"], &d["Subject"]),
        (
            &json!("login.myapp"),
            &json!("Developer"),
            &json!("dev-user-7")
        )
    );
    assert!(d.get("User").is_none(), "a developer login has no user");
    assert_eq!(all["Identities"][3]["Logins"], json!([]));

    // One identity alone.
    let one = ok(&e.c, "DescribeIdentityLogins", json!({"IdentityId": bob}));
    assert_eq!(one, all["Identities"][1]);
    let missing = err(
        &e.c,
        "DescribeIdentityLogins",
        json!({"IdentityId": MISSING}),
    );
    assert_eq!(missing.code, ErrorCode::ResourceNotFoundException);

    // Searched by email, subject, developer user; pages bound to their search.
    let found = |s: &str| -> Vec<String> {
        list(json!({"IdentityPoolId": e.pool, "Search": s}))["Identities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["IdentityId"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(found("ALICE@EXAMPLE"), vec![alice.clone()]);
    assert_eq!(found(&bob_sub[..8]), vec![bob.clone()]);
    assert_eq!(found("dev-user"), vec![dev.clone()]);
    assert_eq!(
        found("  "),
        ids.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    );
    let page = list(json!({"IdentityPoolId": e.pool, "MaxResults": 1, "Search": "e"}));
    assert_eq!(page["Identities"].as_array().unwrap().len(), 1);
    let next = page["NextToken"].as_str().unwrap();
    let rebound = err(
        &e.c,
        "ListIdentityLogins",
        json!({"IdentityPoolId": e.pool, "MaxResults": 1, "Search": "x", "NextToken": next}),
    );
    assert_eq!(rebound.field.as_deref(), Some("NextToken"));
    for bad in [json!({"MaxResults": 0}), json!({"MaxResults": 61})] {
        let mut body = bad.clone();
        body["IdentityPoolId"] = json!(e.pool);
        assert_eq!(
            err(&e.c, "ListIdentityLogins", body).field.as_deref(),
            Some("MaxResults")
        );
    }
    let long = err(
        &e.c,
        "ListIdentityLogins",
        json!({"IdentityPoolId": e.pool, "Search": "x".repeat(257)}),
    );
    assert_eq!(long.field.as_deref(), Some("Search"));

    // Bob deleted: his identity's login says so.
    ok(
        &e.c,
        "AdminDeleteUser",
        json!({"UserPoolId": e.user_pool, "Username": "bob"}),
    );
    let after = ok(&e.c, "DescribeIdentityLogins", json!({"IdentityId": bob}));
    assert_eq!(
        after["Logins"][0]["User"],
        json!({"UserPoolId": e.user_pool, "State": "Deleted"})
    );
    assert_eq!(after["Logins"][0]["Subject"], bob_sub);
}

/// A decoded identity pool is kept while the store's configuration revision stands, so every
/// change to the pool — its roles, its providers, the pool itself — must be seen by the very
/// next GetCredentialsForIdentity, made by this console or by another process on the store.
#[test]
fn an_identity_pool_changed_or_deleted_is_seen_by_the_very_next_vend() {
    let e = env();
    let other = e.c.open_again();
    let token = e.id_token("alice");
    let id = e.get_id(e.login(&token)).unwrap();
    let body = json!({"IdentityId": id, "Logins": e.login(&token)});
    let creds = || call::<Value>(&e.c, "GetCredentialsForIdentity", body.clone());
    let role_of = |vended: &Value| {
        let key = vended["Credentials"]["AccessKeyId"].as_str().unwrap();
        ok(
            &e.c.same_as(Actor::endpoint(key)),
            "GetCallerIdentity",
            json!({}),
        )["Arn"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let set_role = |c: &TestConsole, arn: &str| {
        ok(
            c,
            "SetIdentityPoolRoles",
            json!({"IdentityPoolId": e.pool, "Roles": {"authenticated": arn}}),
        );
    };

    // No role yet: refused.
    assert_eq!(
        creds().unwrap_err().code,
        ErrorCode::InvalidIdentityPoolConfigurationException
    );
    let first = role(&e, "First", &e.pool, "authenticated");
    set_role(&e.c, &first);
    let vended = creds().unwrap();
    assert_eq!(vended["IdentityId"], id);
    assert!(role_of(&vended).contains(":assumed-role/First/"));

    // The roles changed by another process: the next vend assumes the new role.
    let second = role(&e, "Second", &e.pool, "authenticated");
    set_role(&other, &second);
    assert!(role_of(&creds().unwrap()).contains(":assumed-role/Second/"));
    // And by this console.
    set_role(&e.c, &first);
    assert!(role_of(&creds().unwrap()).contains(":assumed-role/First/"));

    // The user pool no longer trusted (UpdateIdentityPool in the other process): refused.
    ok(
        &other,
        "UpdateIdentityPool",
        json!({"IdentityPoolId": e.pool, "IdentityPoolName": "app",
               "AllowUnauthenticatedIdentities": false,
               "DeveloperProviderName": "login.myapp"}),
    );
    not_authorized(&creds().unwrap_err(), "is not among its providers");

    // Trusted again, then the pool deleted: not found.
    ok(
        &e.c,
        "UpdateIdentityPool",
        json!({"IdentityPoolId": e.pool, "IdentityPoolName": "app",
               "AllowUnauthenticatedIdentities": false,
               "DeveloperProviderName": "login.myapp",
               "CognitoIdentityProviders": [{"ProviderName": e.provider, "ClientId": e.client}]}),
    );
    assert!(role_of(&creds().unwrap()).contains(":assumed-role/First/"));
    ok(
        &other,
        "DeleteIdentityPool",
        json!({"IdentityPoolId": e.pool}),
    );
    assert_eq!(
        creds().unwrap_err().code,
        ErrorCode::ResourceNotFoundException
    );
}
