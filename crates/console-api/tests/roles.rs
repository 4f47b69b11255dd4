//! Roles, the credentials vended for them, and the access check, through the operation list.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use console_api::{Actor, ErrorCode};
use serde_json::{Value, json};
use testkit::{TestConsole, audited, create_identity_pool, err, ok};

const ACCOUNT: &str = "000000000000";

fn console() -> TestConsole {
    TestConsole::at(1_700_000_000_000)
}

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

/// The IAM guide's per-identity S3 prefix policy.
const PHOTOS: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "OwnPrefix",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject"],
      "Resource": "arn:aws:s3:::photos/${cognito-identity.amazonaws.com:sub}/*"
    },
    {
      "Sid": "NoDeletes",
      "Effect": "Deny",
      "Action": "s3:DeleteObject",
      "Resource": "*"
    }
  ]
}"#;

fn pool(c: &TestConsole, guests: bool) -> String {
    let id = create_identity_pool(
        c,
        json!({"IdentityPoolName": "photos", "AllowUnauthenticatedIdentities": guests,
               "CognitoIdentityProviders": [{
                   "ProviderName": "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC",
                   "ClientId": "client1"}]}),
    );
    ok(
        c,
        "SetIdentityPoolRoles",
        json!({"IdentityPoolId": id, "Roles": {
            "authenticated": format!("arn:aws:iam::{ACCOUNT}:role/Auth"),
            "unauthenticated": format!("arn:aws:iam::{ACCOUNT}:role/Guest")}}),
    );
    id
}

#[test]
fn a_role_is_created_read_changed_listed_and_deleted_with_audit() {
    let c = console();
    let role = ok(
        &c,
        "CreateRole",
        json!({"RoleName": "Auth", "AssumeRolePolicyDocument": trust("us-east-1:x", "authenticated"),
               "Policies": {"photos": PHOTOS}, "MaxSessionDuration": 7200}),
    )["Role"]
        .clone();
    assert_eq!(role["Arn"], format!("arn:aws:iam::{ACCOUNT}:role/Auth"));
    assert!(role["RoleId"].as_str().unwrap().starts_with("AROA"));
    assert_eq!(role["MaxSessionDuration"], 7200);
    assert_eq!(role["Policies"]["photos"], PHOTOS);
    // By name, by ARN, and regardless of case on create.
    assert_eq!(ok(&c, "GetRole", json!({"RoleName": "Auth"}))["Role"], role);
    assert_eq!(
        ok(&c, "GetRole", json!({"RoleName": role["Arn"]}))["Role"]["RoleName"],
        "Auth"
    );
    let dup = err(
        &c,
        "CreateRole",
        json!({"RoleName": "auth", "AssumeRolePolicyDocument": trust("x", "authenticated")}),
    );
    assert_eq!(dup.code, ErrorCode::EntityAlreadyExists);
    let changed = ok(
        &c,
        "UpdateRole",
        json!({"RoleName": "Auth", "Description": "signed-in users", "MaxSessionDuration": 3600}),
    )["Role"]
        .clone();
    assert_eq!(changed["Description"], "signed-in users");
    assert_eq!(
        changed["AssumeRolePolicyDocument"],
        role["AssumeRolePolicyDocument"]
    );
    ok(
        &c,
        "PutRolePolicy",
        json!({"RoleName": "Auth", "PolicyName": "more", "PolicyDocument": PHOTOS}),
    );
    let after = ok(
        &c,
        "DeleteRolePolicy",
        json!({"RoleName": "Auth", "PolicyName": "photos"}),
    );
    assert_eq!(
        after["Role"]["Policies"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        vec!["more"]
    );
    ok(
        &c,
        "CreateRole",
        json!({"RoleName": "Guest", "Path": "/app/", "AssumeRolePolicyDocument": trust("x", "unauthenticated")}),
    );
    let page = ok(&c, "ListRoles", json!({"MaxItems": 1}));
    assert_eq!(page["Roles"][0]["RoleName"], "Auth");
    assert_eq!(page["IsTruncated"], true);
    let next = ok(
        &c,
        "ListRoles",
        json!({"MaxItems": 1, "Marker": page["Marker"]}),
    );
    assert_eq!(
        next["Roles"][0]["Arn"],
        format!("arn:aws:iam::{ACCOUNT}:role/app/Guest")
    );
    assert_eq!(next["IsTruncated"], false);
    ok(&c, "DeleteRole", json!({"RoleName": "Auth"}));
    assert_eq!(
        err(&c, "GetRole", json!({"RoleName": "Auth"})).code,
        ErrorCode::NoSuchEntity
    );
    for op in [
        "CreateRole",
        "UpdateRole",
        "PutRolePolicy",
        "DeleteRolePolicy",
        "DeleteRole",
    ] {
        let events = audited(&c, op);
        assert!(
            events
                .iter()
                .any(|e| e["Target"] == "Auth" && e["Outcome"] == "Success"),
            "{op} is audited: {events:?}"
        );
    }
}

#[test]
fn a_malformed_policy_is_refused_with_its_member_and_line_and_nothing_is_stored() {
    let c = console();
    let bad = PHOTOS.replace("\"Deny\"", "\"Refuse\"");
    let e = err(
        &c,
        "CreateRole",
        json!({"RoleName": "Auth", "AssumeRolePolicyDocument": trust("x", "authenticated"),
               "Policies": {"photos": bad}}),
    );
    assert_eq!(e.code, ErrorCode::MalformedPolicyDocument);
    assert_eq!(e.field.as_deref(), Some("Policies[\"photos\"]"));
    assert!(e.message.contains("Statement[1].Effect"), "{}", e.message);
    assert!(e.message.contains("line 12"), "{}", e.message);
    assert_eq!(
        err(&c, "GetRole", json!({"RoleName": "Auth"})).code,
        ErrorCode::NoSuchEntity
    );
    // A permission policy given as the trust policy.
    let e = err(
        &c,
        "CreateRole",
        json!({"RoleName": "Auth", "AssumeRolePolicyDocument": PHOTOS}),
    );
    assert_eq!(e.field.as_deref(), Some("AssumeRolePolicyDocument"));
    let e = err(
        &c,
        "CreateRole",
        json!({"RoleName": "Auth", "AssumeRolePolicyDocument": trust("x", "authenticated"),
               "MaxSessionDuration": 60}),
    );
    assert_eq!(e.field.as_deref(), Some("MaxSessionDuration"));
    assert_eq!(audited(&c, "CreateRole")[0]["Outcome"], "Failure");
}

#[test]
fn a_role_is_imported_from_what_the_aws_cli_prints() {
    let c = console();
    let trust: Value = serde_json::from_str(&trust("us-east-1:x", "authenticated")).unwrap();
    let printed = json!({"Role": {"Path": "/", "RoleName": "Cognito_Auth",
        "RoleId": "AROAEXAMPLEEXAMPLE", "Arn": "arn:aws:iam::111122223333:role/Cognito_Auth",
        "CreateDate": "2024-01-01T00:00:00+00:00", "AssumeRolePolicyDocument": trust,
        "MaxSessionDuration": 3600, "RoleLastUsed": {}}});
    let policy = json!({"RoleName": "Cognito_Auth", "PolicyName": "photos",
        "PolicyDocument": serde_json::from_str::<Value>(PHOTOS).unwrap()});
    let got = ok(
        &c,
        "ImportRole",
        json!({"GetRoleOutput": printed.to_string(), "RolePolicies": [policy.to_string()]}),
    );
    assert_eq!(
        got["Role"]["Arn"],
        format!("arn:aws:iam::{ACCOUNT}:role/Cognito_Auth")
    );
    assert_eq!(
        got["ImportedFrom"],
        "arn:aws:iam::111122223333:role/Cognito_Auth"
    );
    assert!(
        got["Role"]["Policies"]["photos"]
            .as_str()
            .unwrap()
            .contains("OwnPrefix")
    );
    assert_eq!(audited(&c, "ImportRole")[0]["Target"], "Cognito_Auth");
    let e = err(&c, "ImportRole", json!({"GetRoleOutput": "{\"Role\": {}}"}));
    assert_eq!(e.field.as_deref(), Some("GetRoleOutput.Role.RoleName"));
}

#[test]
fn vended_credentials_answer_get_caller_identity_as_their_role() {
    let c = console();
    let id = pool(&c, true);
    ok(
        &c,
        "CreateRole",
        json!({"RoleName": "Auth", "AssumeRolePolicyDocument": trust(&id, "authenticated")}),
    );
    let got = ok(
        &c,
        "VendTestCredentials",
        json!({"IdentityPoolId": id,
               "Provider": "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC",
               "Claims": {"sub": "u-1", "aud": "client1", "token_use": "id"}}),
    );
    let creds = &got["Credentials"];
    assert!(creds["AccessKeyId"].as_str().unwrap().starts_with("ASIA"));
    assert_eq!(creds["SecretKey"].as_str().unwrap().len(), 40);
    assert_eq!(creds["Expiration"], 1_700_000_000.0 + 3600.0);
    assert_eq!(got["Explanation"]["Trust"]["Outcome"], "Allowed");
    assert_eq!(got["Explanation"]["RoleName"], "Auth");
    assert_eq!(audited(&c, "VendTestCredentials")[0]["Target"], id);

    let key = creds["AccessKeyId"].as_str().unwrap().to_string();
    let signed = c.open_again().acting_as(Actor::endpoint(key.clone()));
    let who = ok(&signed, "GetCallerIdentity", json!({}));
    assert_eq!(who["Account"], ACCOUNT);
    assert_eq!(
        who["Arn"],
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/Auth/CognitoIdentityCredentials")
    );
    assert!(
        who["UserId"]
            .as_str()
            .unwrap()
            .ends_with(":CognitoIdentityCredentials")
    );
    let root = ok(&c, "GetCallerIdentity", json!({}));
    assert_eq!(root["Arn"], format!("arn:aws:iam::{ACCOUNT}:root"));

    // The console finds it by key id and token; a wrong token is not it.
    let token = creds["SessionToken"].as_str().unwrap();
    let v = c
        .console()
        .temporary_credential(&key, Some(token))
        .unwrap()
        .unwrap();
    assert_eq!(v.secret_access_key, creds["SecretKey"].as_str().unwrap());
    assert!(
        c.console()
            .temporary_credential(&key, Some("x"))
            .unwrap()
            .is_err()
    );
    c.clock().advance(3_600_000);
    assert_eq!(
        c.console()
            .temporary_credential(&key, Some(token))
            .unwrap()
            .err(),
        Some(identity_pools::credentials::Refusal::Expired)
    );
}

#[test]
fn a_refused_trust_policy_says_which_condition_failed_and_stores_nothing() {
    let c = console();
    let id = pool(&c, true);
    ok(
        &c,
        "CreateRole",
        json!({"RoleName": "Auth", "AssumeRolePolicyDocument": trust("us-east-1:another-pool", "authenticated")}),
    );
    let e = err(
        &c,
        "VendTestCredentials",
        json!({"IdentityPoolId": id,
               "Provider": "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC",
               "Claims": {"sub": "u-1", "aud": "client1"}}),
    );
    assert_eq!(e.code, ErrorCode::InvalidIdentityPoolConfigurationException);
    assert!(
        e.message
            .starts_with("Invalid identity pool configuration."),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("cognito-identity.amazonaws.com:aud"),
        "{}",
        e.message
    );
    assert_eq!(audited(&c, "VendTestCredentials")[0]["Outcome"], "Failure");
}

#[test]
fn simulate_access_substitutes_variables_and_scopes_guests_down() {
    let c = console();
    let id = pool(&c, true);
    ok(
        &c,
        "CreateRole",
        json!({"RoleName": "Guest", "AssumeRolePolicyDocument": trust(&id, "unauthenticated"),
               "Policies": {"photos": PHOTOS, "iam": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:*","Resource":"*"}]}"#}}),
    );
    let me = "us-east-1:11111111-2222-3333-4444-555555555555";
    let own = ok(
        &c,
        "SimulateAccess",
        json!({"RoleArn": "Guest", "Action": "s3:GetObject",
               "Resource": format!("arn:aws:s3:::photos/{me}/a.jpg"), "IdentityId": me}),
    );
    assert_eq!(own["Decision"], "Allowed");
    assert_eq!(own["DecidingStatements"][0]["Sid"], "OwnPrefix");
    assert_eq!(
        own["Variables"][0]["Name"],
        "cognito-identity.amazonaws.com:sub"
    );
    assert_eq!(own["Variables"][0]["Value"], me);
    let other = ok(
        &c,
        "SimulateAccess",
        json!({"RoleArn": "Guest", "Action": "s3:GetObject",
               "Resource": "arn:aws:s3:::photos/someone-else/a.jpg", "IdentityId": me}),
    );
    assert_eq!(other["Decision"], "ImplicitDeny");
    let deny = ok(
        &c,
        "SimulateAccess",
        json!({"RoleArn": "Guest", "Action": "s3:DeleteObject",
               "Resource": format!("arn:aws:s3:::photos/{me}/a.jpg"), "IdentityId": me}),
    );
    assert_eq!(deny["Decision"], "ExplicitDeny");
    assert_eq!(deny["DecidingStatements"][0]["Sid"], "NoDeletes");
    // iam:* is the role's, but a guest's session is scoped down.
    let iam = json!({"RoleArn": "Guest", "Action": "iam:CreateUser", "Resource": "*"});
    assert_eq!(ok(&c, "SimulateAccess", iam.clone())["Decision"], "Allowed");
    let mut guest = iam;
    guest["Guest"] = json!(true);
    let scoped = ok(&c, "SimulateAccess", guest);
    assert_eq!(scoped["Decision"], "ImplicitDeny");
    assert_eq!(scoped["ScopeDown"], true);
    assert!(
        scoped["Summary"].as_str().unwrap().contains("scope-down"),
        "{scoped}"
    );

    // A vended guest session carries its identity and its scope-down.
    let v = ok(&c, "VendTestCredentials", json!({"IdentityPoolId": id}));
    let identity = v["IdentityId"].as_str().unwrap();
    assert_eq!(v["Explanation"]["ScopeDown"], true);
    let by_key = ok(
        &c,
        "SimulateAccess",
        json!({"AccessKeyId": v["Credentials"]["AccessKeyId"], "Action": "s3:PutObject",
               "Resource": format!("arn:aws:s3:::photos/{identity}/b.jpg")}),
    );
    assert_eq!(by_key["Decision"], "Allowed");
    assert_eq!(by_key["ScopeDown"], true);
    let e = err(&c, "SimulateAccess", json!({"Action": "s3:GetObject"}));
    assert_eq!(e.field.as_deref(), Some("RoleArn"));
}

#[test]
fn assume_role_with_web_identity_takes_the_identity_pools_tokens() {
    let c = console();
    let id = create_identity_pool(
        &c,
        json!({"IdentityPoolName": "classic", "AllowUnauthenticatedIdentities": false,
               "AllowClassicFlow": true, "DeveloperProviderName": "login.app"}),
    );
    ok(
        &c,
        "CreateRole",
        json!({"RoleName": "Classic", "AssumeRolePolicyDocument": trust(&id, "authenticated"),
               "MaxSessionDuration": 7200}),
    );
    let got = ok(
        &c,
        "GetOpenIdTokenForDeveloperIdentity",
        json!({"IdentityPoolId": id, "Logins": {"login.app": "user-1"}}),
    );
    let token = got["Token"].as_str().unwrap();
    let role = format!("arn:aws:iam::{ACCOUNT}:role/Classic");
    let assumed = ok(
        &c,
        "AssumeRoleWithWebIdentity",
        json!({"RoleArn": role, "RoleSessionName": "app-user", "WebIdentityToken": token,
               "DurationSeconds": 7200}),
    );
    assert_eq!(assumed["SubjectFromWebIdentityToken"], got["IdentityId"]);
    assert_eq!(assumed["Audience"], id);
    assert_eq!(
        assumed["AssumedRoleUser"]["Arn"],
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/Classic/app-user")
    );
    assert_eq!(
        assumed["Credentials"]["Expiration"],
        "2023-11-15T00:13:20.000Z"
    );
    let key = assumed["Credentials"]["AccessKeyId"]
        .as_str()
        .unwrap()
        .to_string();
    let who = ok(
        &c.open_again().acting_as(Actor::endpoint(key)),
        "GetCallerIdentity",
        json!({}),
    );
    assert_eq!(who["Arn"], assumed["AssumedRoleUser"]["Arn"]);

    let ask = |extra: Value| {
        let mut body =
            json!({"RoleArn": role, "RoleSessionName": "app-user", "WebIdentityToken": token});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        err(&c, "AssumeRoleWithWebIdentity", body)
    };
    assert_eq!(
        ask(json!({"DurationSeconds": 10800})).code,
        ErrorCode::ValidationError
    );
    assert_eq!(
        ask(json!({"DurationSeconds": 60})).code,
        ErrorCode::ValidationError
    );
    assert_eq!(
        ask(json!({"RoleSessionName": "a b"})).code,
        ErrorCode::ValidationError
    );
    assert_eq!(
        ask(json!({"WebIdentityToken": "abcd.efgh.ijkl"})).code,
        ErrorCode::InvalidIdentityToken
    );
    assert_eq!(
        ask(json!({"Policy": "{}"})).field.as_deref(),
        Some("Policy")
    );
    // A role that trusts another pool refuses, naming the condition.
    ok(
        &c,
        "CreateRole",
        json!({"RoleName": "Other", "AssumeRolePolicyDocument": trust("us-east-1:other", "authenticated")}),
    );
    let e = ask(json!({"RoleArn": format!("arn:aws:iam::{ACCOUNT}:role/Other")}));
    assert_eq!(e.code, ErrorCode::AccessDenied);
    assert!(
        e.message
            .starts_with("Not authorized to perform sts:AssumeRoleWithWebIdentity"),
        "{}",
        e.message
    );
    assert!(
        e.message.contains("cognito-identity.amazonaws.com:aud"),
        "{}",
        e.message
    );
    // A developer identity's token lasts 15 minutes by default.
    c.clock().advance(16 * 60 * 1000);
    assert_eq!(ask(json!({})).code, ErrorCode::ExpiredTokenException);
}

#[test]
fn explain_role_gives_the_trust_policys_verdict() {
    let c = console();
    let id = pool(&c, true);
    let login = json!({"IdentityPoolId": id,
        "Provider": "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC",
        "Claims": {"sub": "u-1", "aud": "client1"}});
    // No role record yet: the trust policy is not checked, and the answer says so.
    let got = ok(&c, "ExplainRole", login.clone());
    assert_eq!(got["Trust"]["Outcome"], "NotChecked", "{got}");
    assert!(got.get("RoleName").is_none());
    ok(
        &c,
        "CreateRole",
        json!({"RoleName": "Auth", "AssumeRolePolicyDocument": trust("us-east-1:another", "authenticated")}),
    );
    let got = ok(&c, "ExplainRole", login.clone());
    assert_eq!(got["RoleName"], "Auth");
    assert_eq!(got["Trust"]["Outcome"], "Refused");
    assert_eq!(got["Trust"]["StsCode"], "AccessDenied");
    assert!(
        got["Trust"]["Summary"]
            .as_str()
            .unwrap()
            .contains("cognito-identity.amazonaws.com:aud"),
        "{got}"
    );
    ok(
        &c,
        "UpdateRole",
        json!({"RoleName": "Auth", "AssumeRolePolicyDocument": trust(&id, "authenticated")}),
    );
    assert_eq!(ok(&c, "ExplainRole", login)["Trust"]["Outcome"], "Allowed");
    // Guests meet the unauthenticated role's trust policy.
    ok(
        &c,
        "CreateRole",
        json!({"RoleName": "Guest", "AssumeRolePolicyDocument": trust(&id, "authenticated")}),
    );
    let guest = ok(&c, "ExplainRole", json!({"IdentityPoolId": id}));
    assert_eq!(guest["Trust"]["Outcome"], "Refused", "{guest}");
    assert!(
        guest["Trust"]["Summary"].as_str().unwrap().contains("amr"),
        "{guest}"
    );
}
