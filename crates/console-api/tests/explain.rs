//! `ExplainRole` on a real store: a user pool's real ID tokens verified and explained rule by
//! rule, the unsaved rules of the editor explained before they are saved, refusals with
//! Cognito's codes, the session tags, and bad requests naming the member.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use console_api::ErrorCode;
use serde_json::{Value, json};
use testkit::{TestConsole, create_client, create_pool, err, ok};

const ADMIN: &str = "arn:aws:iam::123456789012:role/Admins";
const AUTH: &str = "arn:aws:iam::123456789012:role/Cognito_Auth";
const GUEST: &str = "arn:aws:iam::123456789012:role/Cognito_Unauth";
const PASSWORD: &str = "Correct-horse-9";

struct Env {
    c: TestConsole,
    pool: String,
    client: String,
    provider: String,
    identity_pool: String,
}

fn env(server_side_token_check: bool) -> Env {
    let c = TestConsole::new();
    let pool = create_pool(&c, json!({"PoolName": "shop"}));
    let client = create_client(
        &c,
        json!({"UserPoolId": pool, "ClientName": "web",
               "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    );
    ok(
        &c,
        "CreateGroup",
        json!({"UserPoolId": pool, "GroupName": "admins"}),
    );
    for name in ["alice", "bob"] {
        ok(
            &c,
            "AdminCreateUser",
            json!({"UserPoolId": pool, "Username": name, "MessageAction": "SUPPRESS"}),
        );
        ok(
            &c,
            "AdminSetUserPassword",
            json!({"UserPoolId": pool, "Username": name, "Password": PASSWORD, "Permanent": true}),
        );
    }
    ok(
        &c,
        "AdminAddUserToGroup",
        json!({"UserPoolId": pool, "Username": "alice", "GroupName": "admins"}),
    );
    let region = pool.split('_').next().unwrap();
    let provider = format!("cognito-idp.{region}.amazonaws.com/{pool}");
    let identity_pool = ok(
        &c,
        "CreateIdentityPool",
        json!({"IdentityPoolName": "shop", "AllowUnauthenticatedIdentities": false,
               "CognitoIdentityProviders": [{"ProviderName": provider, "ClientId": client,
                                             "ServerSideTokenCheck": server_side_token_check}]}),
    )["IdentityPoolId"]
        .as_str()
        .unwrap()
        .to_string();
    Env {
        c,
        pool,
        client,
        provider,
        identity_pool,
    }
}

impl Env {
    fn id_token(&self, user: &str) -> String {
        let r = ok(
            &self.c,
            "InitiateAuth",
            json!({"ClientId": self.client, "AuthFlow": "USER_PASSWORD_AUTH",
                   "AuthParameters": {"USERNAME": user, "PASSWORD": PASSWORD}}),
        );
        r["AuthenticationResult"]["IdToken"]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn mapping(&self, ambiguous: &str) -> Value {
        json!({ format!("{}:{}", self.provider, self.client): {
        "Type": "Rules", "AmbiguousRoleResolution": ambiguous,
        "RulesConfiguration": {"Rules": [
            {"Claim": "cognito:groups", "MatchType": "Contains", "Value": "admins", "RoleARN": ADMIN}
        ]}}})
    }

    fn save(&self, ambiguous: &str) {
        ok(
            &self.c,
            "SetIdentityPoolRoles",
            json!({"IdentityPoolId": self.identity_pool, "Roles": {"authenticated": AUTH},
                   "RoleMappings": self.mapping(ambiguous)}),
        );
    }

    fn explain(&self, body: Value) -> Value {
        let mut body = body;
        body["IdentityPoolId"] = json!(self.identity_pool);
        ok(&self.c, "ExplainRole", body)
    }
}

#[test]
fn a_group_members_token_is_verified_and_matches_the_rule() {
    let e = env(false);
    e.save("Deny");
    let r = e.explain(json!({"Provider": e.provider, "Token": e.id_token("alice")}));
    assert_eq!(r["Login"]["Status"], "Verified", "{r:#}");
    assert!(
        r["Login"]["Checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["Name"] == "signature" && k["Result"] == "pass")
    );
    assert_eq!(r["MappingKey"], format!("{}:{}", e.provider, e.client));
    assert_eq!(r["MappingType"], "Rules");
    assert_eq!(r["Rules"][0]["Outcome"], "Matched");
    assert_eq!(r["Rules"][0]["Got"], "[\"admins\"]");
    assert_eq!(r["Rules"][0]["Chosen"], true);
    assert_eq!(r["RoleArn"], ADMIN);
    assert_eq!(r["RoleSource"], "Rule");
    assert_eq!(r["RuleIndex"], 1);
    assert!(r.get("Refusal").is_none());
    assert_eq!(r["Unsaved"], false);
    assert_eq!(r["Problems"], json!([]));
}

#[test]
fn someone_outside_the_group_meets_the_ambiguous_resolution_both_ways() {
    let e = env(false);
    e.save("Deny");
    let token = e.id_token("bob");
    let r = e.explain(json!({"Provider": e.provider, "Token": token}));
    assert_eq!(r["Rules"][0]["Outcome"], "ClaimMissing", "{r:#}");
    assert!(r.get("RoleArn").is_none());
    assert_eq!(r["Refusal"]["Code"], "NotAuthorizedException");
    assert_eq!(
        r["Refusal"]["Message"],
        "The ambiguous role mapping rules denied this request."
    );
    // The editor's unsaved choice, explained before it is saved; the store keeps Deny.
    let r = e.explain(json!({"Provider": e.provider, "Token": token,
        "Roles": {"authenticated": AUTH}, "RoleMappings": e.mapping("AuthenticatedRole")}));
    assert_eq!(r["Unsaved"], true);
    assert_eq!(r["RoleArn"], AUTH, "{r:#}");
    assert_eq!(r["RoleSource"], "AmbiguousAuthenticatedRole");
    let saved = ok(
        &e.c,
        "GetIdentityPoolRoles",
        json!({"IdentityPoolId": e.identity_pool}),
    );
    let key = format!("{}:{}", e.provider, e.client);
    assert_eq!(
        saved["RoleMappings"][key]["AmbiguousRoleResolution"],
        "Deny"
    );
}

#[test]
fn typed_claims_are_unverified_and_every_outcome_is_named() {
    let e = env(false);
    let key = format!("{}:{}", e.provider, e.client);
    let rules = json!({ key: {"Type": "Rules", "AmbiguousRoleResolution": "Deny",
    "RulesConfiguration": {"Rules": [
        {"Claim": "custom:tier", "MatchType": "NotEqual", "Value": "free", "RoleARN": AUTH},
        {"Claim": "email", "MatchType": "StartsWith", "Value": "ops@", "RoleARN": AUTH},
        {"Claim": "custom:dept", "MatchType": "Equals", "Value": "eng", "RoleARN": ADMIN},
        {"Claim": "email", "MatchType": "Equals", "Value": "x", "RoleARN": AUTH}
    ]}}});
    let r = e.explain(json!({"Provider": e.provider,
        "Claims": {"aud": e.client, "sub": "s-1", "email": "dev@example.com", "custom:dept": "eng"},
        "Roles": {"authenticated": AUTH}, "RoleMappings": rules}));
    assert_eq!(r["Login"]["Status"], "Unverified");
    let outcomes: Vec<&str> = r["Rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["Outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        ["Skipped", "ValueDiffers", "Matched", "NotEvaluated"]
    );
    assert_eq!(r["Rules"][1]["Got"], "\"dev@example.com\"");
    assert_eq!(r["RoleArn"], ADMIN);
    assert_eq!(r["RuleIndex"], 3);
}

#[test]
fn unsaved_rules_report_every_problem_by_member() {
    let e = env(false);
    let key = format!("{}:{}", e.provider, e.client);
    let rules = json!({ key.clone(): {"Type": "Rules", "AmbiguousRoleResolution": "Deny",
        "RulesConfiguration": {"Rules": [
            {"Claim": "email", "MatchType": "Equals", "Value": "a@b.c", "RoleARN": ADMIN},
            {"Claim": "has space", "MatchType": "Equals", "Value": "v", "RoleARN": "arn:aws:iam::123:role/X"}
        ]}}, "accounts.google.com": {"Type": "Token", "AmbiguousRoleResolution": "Deny"}});
    let r = e.explain(
        json!({"Provider": e.provider, "Claims": {"aud": e.client, "email": "a@b.c"},
        "Roles": {"authenticated": AUTH}, "RoleMappings": rules}),
    );
    let members: Vec<&str> = r["Problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["Member"].as_str().unwrap())
        .collect();
    let at = format!("RoleMappings[\"{key}\"].RulesConfiguration.Rules[2]");
    assert!(members.contains(&format!("{at}.Claim").as_str()), "{r:#}");
    assert!(members.contains(&format!("{at}.RoleARN").as_str()), "{r:#}");
    // The explanation still runs: rule 1 matches.
    assert_eq!(r["RoleArn"], ADMIN);
    // An unknown provider is named once the rules themselves are well formed.
    let r = e.explain(json!({"Provider": e.provider, "Claims": {"aud": e.client},
        "Roles": {"authenticated": AUTH},
        "RoleMappings": {"accounts.google.com": {"Type": "Token", "AmbiguousRoleResolution": "Deny"}}}));
    assert_eq!(
        r["Problems"][0]["Member"],
        "RoleMappings[\"accounts.google.com\"]"
    );
    // The save names the same rule.
    let bad = err(
        &e.c,
        "SetIdentityPoolRoles",
        json!({"IdentityPoolId": e.identity_pool, "Roles": {},
               "RoleMappings": {key.clone(): {"Type": "Rules", "AmbiguousRoleResolution": "Deny",
                   "RulesConfiguration": {"Rules": [
                       {"Claim": "email", "MatchType": "Equals", "Value": "a", "RoleARN": ADMIN},
                       {"Claim": "email", "MatchType": "Equals", "Value": "", "RoleARN": ADMIN}]}}}}),
    );
    assert_eq!(
        bad.field.as_deref(),
        Some(format!("RoleMappings[\"{key}\"].RulesConfiguration.Rules[2].Value").as_str())
    );
}

#[test]
fn a_signed_out_session_is_refused_only_with_server_side_token_check() {
    for check in [true, false] {
        let e = env(check);
        e.save("Deny");
        let token = e.id_token("alice");
        ok(
            &e.c,
            "AdminUserGlobalSignOut",
            json!({"UserPoolId": e.pool, "Username": "alice"}),
        );
        let r = e.explain(json!({"Provider": e.provider, "Token": token}));
        if check {
            assert_eq!(r["Login"]["Status"], "Refused", "{r:#}");
            assert_eq!(r["Refusal"]["Code"], "NotAuthorizedException");
            assert_eq!(r["Refusal"]["Message"], "Invalid login token.");
            assert!(r.get("RoleArn").is_none());
            assert_eq!(r["Rules"][0]["Chosen"], false);
        } else {
            assert_eq!(r["Login"]["Status"], "Verified", "{r:#}");
            assert_eq!(r["RoleArn"], ADMIN);
        }
    }
}

#[test]
fn an_untrusted_client_or_provider_and_forbidden_guests_are_refused() {
    let e = env(false);
    e.save("Deny");
    let other = create_client(
        &e.c,
        json!({"UserPoolId": e.pool, "ClientName": "other",
               "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    );
    let r = ok(
        &e.c,
        "InitiateAuth",
        json!({"ClientId": other, "AuthFlow": "USER_PASSWORD_AUTH",
               "AuthParameters": {"USERNAME": "alice", "PASSWORD": PASSWORD}}),
    );
    let token = r["AuthenticationResult"]["IdToken"].as_str().unwrap();
    let r = e.explain(json!({"Provider": e.provider, "Token": token}));
    assert_eq!(
        r["Refusal"]["Message"], "Invalid login token. Incorrect token audience.",
        "{r:#}"
    );
    let r = e.explain(json!({"Provider": "accounts.google.com", "Claims": {"sub": "1"}}));
    assert_eq!(
        r["Refusal"]["Message"],
        "Token is not from a supported provider of this identity pool."
    );
    let r = e.explain(json!({}));
    assert_eq!(r["Login"]["Status"], "Guest");
    assert_eq!(
        r["Refusal"]["Message"],
        "Unauthenticated access is not supported for this identity pool."
    );
    // A pool that allows guests gives them its unauthenticated role.
    let open = ok(
        &e.c,
        "CreateIdentityPool",
        json!({"IdentityPoolName": "open", "AllowUnauthenticatedIdentities": true}),
    )["IdentityPoolId"]
        .clone();
    ok(
        &e.c,
        "SetIdentityPoolRoles",
        json!({"IdentityPoolId": open, "Roles": {"unauthenticated": GUEST}}),
    );
    let r = ok(&e.c, "ExplainRole", json!({"IdentityPoolId": open}));
    assert_eq!(r["RoleArn"], GUEST, "{r:#}");
    assert_eq!(r["RoleSource"], "UnauthenticatedRole");
}

#[test]
fn principal_tags_become_session_tags() {
    let e = env(false);
    e.save("Deny");
    ok(
        &e.c,
        "SetPrincipalTagAttributeMap",
        json!({"IdentityPoolId": e.identity_pool, "IdentityProviderName": e.provider,
               "PrincipalTags": {"dept": "custom:dept", "who": "email"}}),
    );
    let r = e.explain(json!({"Provider": e.provider,
        "Claims": {"aud": e.client, "custom:dept": "eng"}}));
    assert_eq!(
        r["SessionTags"],
        json!([{"Key": "dept", "Value": "eng", "Claim": "custom:dept"}])
    );
    assert_eq!(r["SkippedTags"][0]["Key"], "who");
    assert_eq!(r["TagsUseDefaults"], false);
    ok(
        &e.c,
        "SetPrincipalTagAttributeMap",
        json!({"IdentityPoolId": e.identity_pool, "IdentityProviderName": e.provider, "UseDefaults": true}),
    );
    let r = e.explain(json!({"Provider": e.provider, "Token": e.id_token("alice")}));
    let keys: Vec<&str> = r["SessionTags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["Key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["client", "username"], "{r:#}");
    assert_eq!(r["SessionTags"][0]["Value"], e.client.as_str());
}

#[test]
fn bad_requests_name_the_member() {
    let e = env(false);
    let id = e.identity_pool.clone();
    let cases = [
        (
            json!({"IdentityPoolId": id, "Provider": e.provider}),
            "Token",
        ),
        (
            json!({"IdentityPoolId": id, "Provider": e.provider, "Token": "a.b.c", "Claims": {}}),
            "Claims",
        ),
        (
            json!({"IdentityPoolId": id, "Provider": e.provider, "Claims": ["admins"]}),
            "Claims",
        ),
        (
            json!({"IdentityPoolId": id, "Provider": e.provider, "Token": "not a token"}),
            "Token",
        ),
        (json!({"IdentityPoolId": id, "Provider": ""}), "Provider"),
    ];
    for (body, field) in cases {
        let x = err(&e.c, "ExplainRole", body.clone());
        assert_eq!(x.code, ErrorCode::InvalidParameterException, "{body}");
        assert_eq!(x.field.as_deref(), Some(field), "{body}: {x:?}");
    }
    let x = err(
        &e.c,
        "ExplainRole",
        json!({"IdentityPoolId": "us-east-1:00000000-0000-0000-0000-000000000000"}),
    );
    assert_eq!(x.code, ErrorCode::ResourceNotFoundException);
}

fn trust(pool: &str, amr: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "CognitoUsers",
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

#[test]
fn the_chosen_roles_trust_policy_gives_its_verdict() {
    let e = env(false);
    e.save("AuthenticatedRole");
    let token = e.id_token("alice");

    // No role record for the ARN: the verdict says it was not checked.
    let r = e.explain(json!({"Provider": e.provider, "Token": token}));
    assert_eq!(r["RoleArn"], ADMIN);
    assert_eq!(r["Trust"]["Outcome"], "NotChecked", "{r}");
    assert!(r.get("RoleName").is_none());
    assert!(r.get("Refusal").is_none());

    // A role record whose trust policy names the pool and authenticated logins: allowed, with
    // the amr the trust policy saw.
    let created = ok(
        &e.c,
        "CreateRole",
        json!({"RoleName": "Admins", "AssumeRolePolicyDocument": trust(&e.identity_pool, "authenticated")}),
    );
    let admin = created["Role"]["Arn"].as_str().unwrap().to_string();
    let mapping = json!({ format!("{}:{}", e.provider, e.client): {
    "Type": "Rules", "AmbiguousRoleResolution": "AuthenticatedRole",
    "RulesConfiguration": {"Rules": [
        {"Claim": "cognito:groups", "MatchType": "Contains", "Value": "admins", "RoleARN": admin}
    ]}}});
    ok(
        &e.c,
        "SetIdentityPoolRoles",
        json!({"IdentityPoolId": e.identity_pool, "Roles": {"authenticated": AUTH},
               "RoleMappings": mapping}),
    );
    let r = e.explain(json!({"Provider": e.provider, "Token": token}));
    assert_eq!(r["Trust"]["Outcome"], "Allowed", "{r}");
    assert_eq!(r["RoleName"], "Admins");
    assert!(r.get("Refusal").is_none());
    let amr: Vec<&str> = r["Amr"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(amr.contains(&"authenticated"), "{amr:?}");
    assert!(amr.contains(&e.provider.as_str()), "{amr:?}");

    // A trust policy for another pool: refused with STS's error and the failed condition, and
    // the exchange refused as Cognito refuses it.
    ok(
        &e.c,
        "UpdateRole",
        json!({"RoleName": "Admins", "AssumeRolePolicyDocument": trust("us-east-1:other", "authenticated")}),
    );
    let r = e.explain(json!({"Provider": e.provider, "Token": token}));
    assert_eq!(r["Trust"]["Outcome"], "Refused", "{r}");
    assert_eq!(r["Trust"]["StsCode"], "AccessDenied");
    assert!(
        r["Trust"]["Summary"]
            .as_str()
            .unwrap()
            .contains("cognito-identity.amazonaws.com:aud"),
        "{r}"
    );
    assert_eq!(
        r["Refusal"]["Code"],
        "InvalidIdentityPoolConfigurationException"
    );
    assert_eq!(r["RoleArn"], admin.as_str());

    // The editor's unsaved roles are explained with: bob falls to the authenticated role, which
    // has no record.
    let bob = e.id_token("bob");
    let r = e.explain(json!({"Provider": e.provider, "Token": bob,
        "Roles": {"authenticated": AUTH}, "RoleMappings": mapping}));
    assert_eq!(r["RoleArn"], AUTH);
    assert_eq!(r["Trust"]["Outcome"], "NotChecked");
}
