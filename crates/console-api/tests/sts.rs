//! STS through the operation list, on a real store: session policies on the AssumeRole calls
//! (validated, stored with the credential, intersected by the access check), OIDC providers'
//! tokens in AssumeRoleWithWebIdentity (a test issuer on the loopback), several logins in
//! GetCredentialsForIdentity, and identity pools that list provider records.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use console_api::ErrorCode;
use serde_json::{Value, json};
use testkit::{OidcIssuer, TestConsole, err, ok};

const NOW_S: i64 = 1_760_000_000;
const ACCOUNT: &str = "000000000000";

fn console() -> TestConsole {
    TestConsole::at(NOW_S * 1000)
}

const S3_ALL: &str = r#"{"Version":"2012-10-17","Statement":[
    {"Sid":"Everything","Effect":"Allow","Action":["s3:*","dynamodb:*"],"Resource":"*"}]}"#;

/// A role whose trust policy is `trust` and whose permissions are [`S3_ALL`].
fn role(c: &TestConsole, name: &str, trust: Value) -> String {
    ok(
        c,
        "CreateRole",
        json!({"RoleName": name, "AssumeRolePolicyDocument": trust.to_string()}),
    );
    ok(
        c,
        "PutRolePolicy",
        json!({"RoleName": name, "PolicyName": "all", "PolicyDocument": S3_ALL}),
    );
    format!("arn:aws:iam::{ACCOUNT}:role/{name}")
}

/// An identity pool with a developer provider, and an OpenID token for one of its identities.
fn developer_token(c: &TestConsole) -> (String, String) {
    let pool = ok(
        c,
        "CreateIdentityPool",
        json!({"IdentityPoolName": "classic", "AllowUnauthenticatedIdentities": false,
               "AllowClassicFlow": true, "DeveloperProviderName": "login.app"}),
    )["IdentityPoolId"]
        .as_str()
        .unwrap()
        .to_string();
    let got = ok(
        c,
        "GetOpenIdTokenForDeveloperIdentity",
        json!({"IdentityPoolId": pool, "Logins": {"login.app": "user-1"}}),
    );
    (pool, got["Token"].as_str().unwrap().to_string())
}

fn cognito_trust(pool: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": pool}}}]})
}

fn simulate(c: &TestConsole, key: &str, action: &str) -> Value {
    ok(
        c,
        "SimulateAccess",
        json!({"AccessKeyId": key, "Action": action, "Resource": "arn:aws:s3:::bucket/k"}),
    )
}

#[test]
fn session_policies_narrow_a_web_identity_session_and_the_access_check_names_them() {
    let c = console();
    let (pool, token) = developer_token(&c);
    let arn = role(&c, "Classic", cognito_trust(&pool));
    let policy = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "s3:DeleteObject"], "Resource": "*"},
        {"Sid": "KeepObjects", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}]})
    .to_string();
    let assumed = ok(
        &c,
        "AssumeRoleWithWebIdentity",
        json!({"RoleArn": arn, "RoleSessionName": "narrow", "WebIdentityToken": token,
               "Policy": policy}),
    );
    let packed = assumed["PackedPolicySize"].as_i64().unwrap();
    assert!((1..=100).contains(&packed), "{assumed}");
    let key = assumed["Credentials"]["AccessKeyId"].as_str().unwrap();

    let get = simulate(&c, key, "s3:GetObject");
    assert_eq!(get["Decision"], "Allowed", "{get}");
    assert_eq!(get["SessionPolicies"], json!(["session policy (Policy)"]));
    // The role allows s3:PutObject; the session policy does not, and the answer says so.
    let put = simulate(&c, key, "s3:PutObject");
    assert_eq!(put["Decision"], "ImplicitDeny", "{put}");
    assert!(
        put["Summary"]
            .as_str()
            .unwrap()
            .contains("the session policy does not (session policy (Policy))"),
        "{put}"
    );
    // A Deny in the session policy decides, and is named.
    let delete = simulate(&c, key, "s3:DeleteObject");
    assert_eq!(delete["Decision"], "ExplicitDeny", "{delete}");
    assert_eq!(
        delete["DecidingStatements"][0]["Policy"],
        "session policy (Policy)"
    );
    assert_eq!(delete["DecidingStatements"][0]["Kind"], "Session");
    assert_eq!(delete["DecidingStatements"][0]["Sid"], "KeepObjects");
    // The session policy cannot widen the role.
    let iam = simulate(&c, key, "iam:CreateUser");
    assert_eq!(iam["Decision"], "ImplicitDeny");
    assert!(
        iam["Summary"]
            .as_str()
            .unwrap()
            .contains("no statement allows it"),
        "{iam}"
    );

    // A credential without session policies has the role's whole permissions.
    let whole = ok(
        &c,
        "AssumeRoleWithWebIdentity",
        json!({"RoleArn": arn, "RoleSessionName": "whole", "WebIdentityToken": token}),
    );
    assert!(whole.get("PackedPolicySize").is_none(), "{whole}");
    let key = whole["Credentials"]["AccessKeyId"].as_str().unwrap();
    assert_eq!(simulate(&c, key, "s3:PutObject")["Decision"], "Allowed");
    assert_eq!(
        simulate(&c, key, "s3:PutObject")["SessionPolicies"],
        json!([])
    );

    // The one managed policy Poolhouse holds resolves; it allows polly:* but not s3.
    let managed = ok(
        &c,
        "AssumeRoleWithWebIdentity",
        json!({"RoleArn": arn, "RoleSessionName": "managed", "WebIdentityToken": token,
               "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/service-role/AmazonCognitoUnAuthedIdentitiesSessionPolicy"}]}),
    );
    let key = managed["Credentials"]["AccessKeyId"].as_str().unwrap();
    assert_eq!(
        simulate(&c, key, "s3:GetObject")["Decision"],
        "ImplicitDeny"
    );
}

#[test]
fn bad_session_policies_are_refused_with_stss_errors_naming_the_member() {
    let c = console();
    let (pool, token) = developer_token(&c);
    let arn = role(&c, "Classic", cognito_trust(&pool));
    let ask = |extra: Value| {
        let mut body = json!({"RoleArn": arn, "RoleSessionName": "bad", "WebIdentityToken": token});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        err(&c, "AssumeRoleWithWebIdentity", body)
    };
    // Validated as a role's permission policy is.
    let e = ask(
        json!({"Policy": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject"}]}"#}),
    );
    assert_eq!(e.code, ErrorCode::MalformedPolicyDocument, "{e:?}");
    assert_eq!(e.field.as_deref(), Some("Policy"));
    assert!(e.message.contains("Resource"), "{e:?}");
    let e = ask(json!({"Policy": "not json"}));
    assert_eq!(e.code, ErrorCode::MalformedPolicyDocument, "{e:?}");
    // A managed policy Poolhouse does not hold: refused, naming the ARN and its member.
    let unknown = format!("arn:aws:iam::{ACCOUNT}:policy/ReadOnly");
    let e = ask(json!({"PolicyArns": [
        {"arn": "arn:aws:iam::aws:policy/service-role/AmazonCognitoUnAuthedIdentitiesSessionPolicy"},
        {"arn": unknown}]}));
    assert_eq!(e.code, ErrorCode::MalformedPolicyDocument, "{e:?}");
    assert_eq!(e.field.as_deref(), Some("PolicyArns.member.2.arn"));
    assert!(e.message.contains(&unknown), "{e:?}");
    // Bounds: eleven ARNs, a policy past 2,048 characters, and the packed size.
    let eleven: Vec<Value> = (0..11)
        .map(|_| json!({"arn": "arn:aws:iam::aws:policy/service-role/AmazonCognitoUnAuthedIdentitiesSessionPolicy"}))
        .collect();
    assert_eq!(
        ask(json!({"PolicyArns": eleven})).code,
        ErrorCode::ValidationError
    );
    let long = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{}"}}]}}"#,
        "b".repeat(2100)
    );
    let e = ask(json!({"Policy": long}));
    assert_eq!(e.code, ErrorCode::ValidationError, "{e:?}");
    assert_eq!(e.field.as_deref(), Some("Policy"));
    let wide = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{}"}}]}}"#,
        "b".repeat(1800)
    );
    let three: Vec<Value> = (0..3)
        .map(|_| json!({"arn": "arn:aws:iam::aws:policy/service-role/AmazonCognitoUnAuthedIdentitiesSessionPolicy"}))
        .collect();
    let e = ask(json!({"Policy": wide, "PolicyArns": three}));
    assert_eq!(e.code, ErrorCode::PackedPolicyTooLarge, "{e:?}");
    assert!(e.message.contains("% of allotted space"), "{e:?}");
    // Nothing was vended for a refusal.
    assert_eq!(
        ok(&c, "ListAuditEvents", json!({}))["Events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["Operation"] == "AssumeRoleWithWebIdentity" && e["Outcome"] == "Success")
            .count(),
        0
    );
}

/// An OIDC provider on the loopback (testkit's), with its record in the workspace.
struct Idp {
    inner: OidcIssuer,
    issuer: String,
}

impl Idp {
    fn start() -> Idp {
        let inner = OidcIssuer::start();
        let issuer = inner.issuer().to_owned();
        Idp { inner, issuer }
    }

    fn token(&self, claims: Value) -> String {
        self.inner.token(&claims)
    }

    /// The provider's record, created with these client ids; answers its ARN and name.
    fn register(&self, c: &TestConsole, client_ids: &[&str]) -> (String, String) {
        let arn = ok(
            c,
            "CreateOpenIDConnectProvider",
            json!({"Url": self.issuer, "ClientIDList": client_ids}),
        )["OpenIDConnectProviderArn"]
            .as_str()
            .unwrap()
            .to_owned();
        let name = arn.split_once("oidc-provider/").unwrap().1.to_owned();
        (arn, name)
    }
}

#[test]
fn assume_role_with_web_identity_takes_an_oidc_providers_token() {
    let c = console();
    let idp = Idp::start();
    let (provider_arn, name) = idp.register(&c, &["app-1"]);
    let trust = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": provider_arn},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {format!("{name}:aud"): "app-1"},
            "StringLike": {format!("{name}:sub"): "team-*"},
            "ForAnyValue:StringEquals": {format!("{name}:amr"): "mfa"}}}]});
    let arn = role(&c, "Federated", trust);
    let claims = |sub: &str, amr: Value| {
        json!({"iss": idp.issuer, "aud": "app-1", "sub": sub, "amr": amr,
               "exp": NOW_S + 300, "iat": NOW_S})
    };
    let assume = |token: String| {
        testkit::call::<Value>(
            &c,
            "AssumeRoleWithWebIdentity",
            json!({"RoleArn": arn, "RoleSessionName": "fed", "WebIdentityToken": token,
                   "Policy": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#}),
        )
    };
    let assumed = assume(idp.token(claims("team-7", json!(["pwd", "mfa"])))).unwrap();
    assert_eq!(assumed["SubjectFromWebIdentityToken"], "team-7");
    assert_eq!(assumed["Provider"], idp.issuer);
    assert_eq!(assumed["Audience"], "app-1");
    assert_eq!(
        assumed["AssumedRoleUser"]["Arn"],
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/Federated/fed")
    );
    // The session policy sent with an OIDC token narrows that session too.
    let key = assumed["Credentials"]["AccessKeyId"].as_str().unwrap();
    assert_eq!(simulate(&c, key, "s3:GetObject")["Decision"], "Allowed");
    assert_eq!(
        simulate(&c, key, "s3:PutObject")["Decision"],
        "ImplicitDeny"
    );

    // The trust policy's conditions, as IAM evaluates them: the failed one is named.
    let e = assume(idp.token(claims("team-7", json!(["pwd"])))).unwrap_err();
    assert_eq!(e.code, ErrorCode::AccessDenied, "{e:?}");
    assert!(e.message.contains(&format!("{name}:amr")), "{e:?}");
    let e = assume(idp.token(claims("admin", json!(["mfa"])))).unwrap_err();
    assert_eq!(e.code, ErrorCode::AccessDenied, "{e:?}");
    assert!(e.message.contains(&format!("{name}:sub")), "{e:?}");

    // The token must prove itself: audience among the record's client ids, unexpired, signed.
    let mut other = claims("team-7", json!(["mfa"]));
    other["aud"] = json!("someone-else");
    let e = assume(idp.token(other)).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidIdentityToken, "{e:?}");
    assert_eq!(e.field.as_deref(), Some("WebIdentityToken"));
    assert!(e.message.contains("audience"), "{e:?}");
    let mut old = claims("team-7", json!(["mfa"]));
    old["exp"] = json!(NOW_S - 3600);
    let e = assume(idp.token(old)).unwrap_err();
    assert_eq!(e.code, ErrorCode::ExpiredTokenException, "{e:?}");
    let stranger = Idp::start();
    let mut foreign = claims("team-7", json!(["mfa"]));
    foreign["iss"] = json!(stranger.issuer);
    let e = assume(stranger.token(foreign)).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidIdentityToken, "{e:?}");
    assert!(
        e.message.contains("No OpenIDConnect provider found"),
        "{e:?}"
    );
    let forged = idp.token(claims("team-7", json!(["mfa"])));
    let (head, rest) = forged.split_once('.').unwrap();
    let (_, sig) = rest.split_once('.').unwrap();
    let mut payload = claims("team-9", json!(["mfa"]));
    payload["sub"] = json!("team-9");
    let body = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        payload.to_string(),
    );
    let e = assume(format!("{head}.{body}.{sig}")).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidIdentityToken, "{e:?}");

    // A role that trusts only Cognito refuses the OIDC principal.
    let (pool, _) = developer_token(&c);
    let cognito_only = role(&c, "CognitoOnly", cognito_trust(&pool));
    let e = testkit::call::<Value>(
        &c,
        "AssumeRoleWithWebIdentity",
        json!({"RoleArn": cognito_only, "RoleSessionName": "fed",
               "WebIdentityToken": idp.token(claims("team-7", json!(["mfa"])))}),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::AccessDenied, "{e:?}");
    assert!(e.message.contains("Principal"), "{e:?}");
}

#[test]
fn several_logins_decide_by_the_login_with_a_role_mapping() {
    let c = console();
    let (a, b) = (Idp::start(), Idp::start());
    let (arn_a, key_a) = a.register(&c, &["app"]);
    let (arn_b, key_b) = b.register(&c, &["app"]);
    // `one` is the provider whose key sorts first in the Logins map.
    let ((one, arn_one, key_one), (two, arn_two, key_two)) = if key_a < key_b {
        ((&a, arn_a, key_a), (&b, arn_b, key_b))
    } else {
        ((&b, arn_b, key_b), (&a, arn_a, key_a))
    };
    let pool = ok(
        &c,
        "CreateIdentityPool",
        json!({"IdentityPoolName": "multi", "AllowUnauthenticatedIdentities": false,
               "OpenIdConnectProviderARNs": [arn_one, arn_two]}),
    )["IdentityPoolId"]
        .as_str()
        .unwrap()
        .to_owned();
    let trust = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow",
        "Principal": {"Federated": "cognito-identity.amazonaws.com"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": pool}}}]});
    let default = role(&c, "Default", trust.clone());
    let admin = role(&c, "Admin", trust.clone());
    let reader = role(&c, "Reader", trust);
    let rules = |claim: &str, value: &str, role: &str| {
        json!({"Type": "Rules", "AmbiguousRoleResolution": "AuthenticatedRole",
               "RulesConfiguration": {"Rules": [
                   {"Claim": claim, "MatchType": "Equals", "Value": value, "RoleARN": role}]}})
    };
    ok(
        &c,
        "SetIdentityPoolRoles",
        json!({"IdentityPoolId": pool, "Roles": {"authenticated": default},
               "RoleMappings": {key_two.clone(): rules("dept", "ops", &admin)}}),
    );
    let token = |idp: &Idp, dept: &str| {
        idp.token(
            json!({"iss": idp.issuer, "aud": "app", "sub": "u-1", "dept": dept,
                         "exp": NOW_S + 300}),
        )
    };
    let logins = json!({key_one.clone(): token(one, "ops"), key_two.clone(): token(two, "ops")});
    let id = ok(
        &c,
        "GetId",
        json!({"IdentityPoolId": pool, "Logins": logins}),
    )["IdentityId"]
        .clone();
    let credentials = |logins: &Value, custom: Option<&str>| {
        let mut body = json!({"IdentityId": id, "Logins": logins});
        if let Some(r) = custom {
            body["CustomRoleArn"] = json!(r);
        }
        testkit::call::<Value>(&c, "GetCredentialsForIdentity", body)
    };
    let role_of = |got: Value| {
        let key = got["Credentials"]["AccessKeyId"]
            .as_str()
            .unwrap()
            .to_owned();
        ok(
            &c,
            "SimulateAccess",
            json!({"AccessKeyId": key, "Action": "s3:GetObject"}),
        )["RoleArn"]
            .clone()
    };
    // The first login in key order has no mapping; the second's mapping decides.
    assert_eq!(role_of(credentials(&logins, None).unwrap()), json!(admin));

    // Both mapped, to different roles: refused, naming each; CustomRoleArn chooses.
    ok(
        &c,
        "SetIdentityPoolRoles",
        json!({"IdentityPoolId": pool, "Roles": {"authenticated": default},
               "RoleMappings": {key_one.clone(): rules("dept", "ops", &reader),
                                key_two.clone(): rules("dept", "ops", &admin)}}),
    );
    let e = credentials(&logins, None).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidParameterException, "{e:?}");
    assert!(
        e.message.contains(&format!("{key_one} → {reader}"))
            && e.message.contains(&format!("{key_two} → {admin}")),
        "{e:?}"
    );
    assert_eq!(
        role_of(credentials(&logins, Some(&reader)).unwrap()),
        json!(reader)
    );
    // When they agree, there is nothing to choose.
    let agree = json!({key_one.clone(): token(one, "sales"), key_two.clone(): token(two, "ops")});
    assert_eq!(role_of(credentials(&agree, None).unwrap()), json!(admin));
}

#[test]
fn identity_pools_list_only_provider_records_that_exist() {
    let c = console();
    let idp = Idp::start();
    let missing = format!("arn:aws:iam::{ACCOUNT}:oidc-provider/nowhere.example.com");
    let e = err(
        &c,
        "CreateIdentityPool",
        json!({"IdentityPoolName": "p", "AllowUnauthenticatedIdentities": false,
               "OpenIdConnectProviderARNs": [missing]}),
    );
    assert_eq!(e.code, ErrorCode::InvalidParameterException, "{e:?}");
    assert_eq!(e.field.as_deref(), Some("OpenIdConnectProviderARNs"));
    assert!(e.message.contains(&missing), "{e:?}");
    let saml = format!("arn:aws:iam::{ACCOUNT}:saml-provider/corp");
    let e = err(
        &c,
        "CreateIdentityPool",
        json!({"IdentityPoolName": "p", "AllowUnauthenticatedIdentities": false,
               "SamlProviderARNs": [saml]}),
    );
    assert_eq!(e.field.as_deref(), Some("SamlProviderARNs"), "{e:?}");
    assert!(e.message.contains(&saml), "{e:?}");

    let (arn, key) = idp.register(&c, &["app"]);
    let pool = ok(
        &c,
        "CreateIdentityPool",
        json!({"IdentityPoolName": "p", "AllowUnauthenticatedIdentities": false,
               "OpenIdConnectProviderARNs": [arn]}),
    )["IdentityPoolId"]
        .as_str()
        .unwrap()
        .to_owned();
    let e = err(
        &c,
        "UpdateIdentityPool",
        json!({"IdentityPoolId": pool, "IdentityPoolName": "p",
               "AllowUnauthenticatedIdentities": false,
               "OpenIdConnectProviderARNs": [arn, missing]}),
    );
    assert_eq!(
        e.field.as_deref(),
        Some("OpenIdConnectProviderARNs"),
        "{e:?}"
    );
    // Deleting a record a pool lists is allowed, as IAM allows it; the pool's logins of that
    // provider are then refused, naming the missing ARN.
    ok(
        &c,
        "DeleteOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn}),
    );
    let token = idp.token(json!({"iss": idp.issuer, "aud": "app", "sub": "u-1",
                                 "exp": NOW_S + 300}));
    let e = err(
        &c,
        "GetId",
        json!({"IdentityPoolId": pool, "Logins": {key: token}}),
    );
    assert_eq!(e.code, ErrorCode::InvalidParameterException, "{e:?}");
    assert!(e.message.contains(&arn), "{e:?}");
}
