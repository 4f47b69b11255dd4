//! IAM-style OIDC and SAML providers through the operation list (records, bad input named by
//! member, audit), and a federated login verified end to end: an identity pool trusting an
//! OIDC provider record whose issuer runs on the loopback.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use console_api::{ApiError, ErrorCode};
use domain::identity_pool::IdentityPoolConfig;
use federation::Refusal;
use serde_json::{Value, json};
use testkit::http::{HttpServer, Reply};
use testkit::saml_idp::metadata;
use testkit::{
    Assertion, OidcIssuer, SamlIdp, TestConsole, audited, create_identity_pool, err, ok,
};

const NOW_S: i64 = 1_760_000_000;
const ACCOUNT: &str = "000000000000";

fn console() -> TestConsole {
    TestConsole::at(NOW_S * 1000)
}

fn invalid(e: &ApiError, field: &str) {
    assert_eq!(e.code, ErrorCode::InvalidParameterException, "{e:?}");
    assert_eq!(e.field.as_deref(), Some(field), "{e:?}");
}

#[test]
fn oidc_provider_records() {
    let c = console();
    let created = ok(
        &c,
        "CreateOpenIDConnectProvider",
        json!({"Url": "https://login.example.com/tenant/", "ClientIDList": ["app-1"],
               "ThumbprintList": ["a".repeat(40)], "Tags": [{"Key": "team", "Value": "id"}]}),
    );
    let arn = created["OpenIDConnectProviderArn"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        arn,
        format!("arn:aws:iam::{ACCOUNT}:oidc-provider/login.example.com/tenant")
    );
    assert_eq!(created["Tags"], json!([{"Key": "team", "Value": "id"}]));

    let got = ok(
        &c,
        "GetOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn}),
    );
    assert_eq!(got["Url"], "https://login.example.com/tenant");
    assert_eq!(got["ClientIDList"], json!(["app-1"]));
    assert_eq!(got["CreateDate"], json!(NOW_S as f64));

    ok(
        &c,
        "AddClientIDToOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn, "ClientID": "app-2"}),
    );
    ok(
        &c,
        "AddClientIDToOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn, "ClientID": "app-2"}),
    );
    ok(
        &c,
        "RemoveClientIDFromOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn, "ClientID": "app-1"}),
    );
    let got = ok(
        &c,
        "GetOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn}),
    );
    assert_eq!(got["ClientIDList"], json!(["app-2"]));
    ok(
        &c,
        "UpdateOpenIDConnectProviderThumbprint",
        json!({"OpenIDConnectProviderArn": arn, "ThumbprintList": []}),
    );
    let got = ok(
        &c,
        "GetOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn}),
    );
    assert_eq!(got["ThumbprintList"], json!([]));

    // A loopback issuer over http is accepted; its port is part of the name.
    let local = ok(
        &c,
        "CreateOpenIDConnectProvider",
        json!({"Url": "http://127.0.0.1:9229/idp"}),
    );
    assert_eq!(
        local["OpenIDConnectProviderArn"],
        format!("arn:aws:iam::{ACCOUNT}:oidc-provider/127.0.0.1:9229/idp")
    );
    let list = ok(&c, "ListOpenIDConnectProviders", json!({}));
    assert_eq!(
        list["OpenIDConnectProviderList"].as_array().unwrap().len(),
        2
    );

    let e = err(
        &c,
        "CreateOpenIDConnectProvider",
        json!({"Url": "https://login.example.com/tenant"}),
    );
    assert_eq!(e.code, ErrorCode::EntityAlreadyExists, "{e:?}");
    invalid(
        &err(
            &c,
            "CreateOpenIDConnectProvider",
            json!({"Url": "http://login.example.com"}),
        ),
        "Url",
    );
    invalid(
        &err(
            &c,
            "CreateOpenIDConnectProvider",
            json!({"Url": "not a url"}),
        ),
        "Url",
    );
    invalid(
        &err(
            &c,
            "CreateOpenIDConnectProvider",
            json!({"Url": "https://x.example.com", "ClientIDList": ["a", "a"]}),
        ),
        "ClientIDList.2",
    );
    invalid(
        &err(
            &c,
            "CreateOpenIDConnectProvider",
            json!({"Url": "https://x.example.com", "ThumbprintList": ["xyz"]}),
        ),
        "ThumbprintList.1",
    );
    invalid(
        &err(
            &c,
            "GetOpenIDConnectProvider",
            json!({"OpenIDConnectProviderArn": "arn:aws:iam::111111111111:oidc-provider/login.example.com/tenant"}),
        ),
        "OpenIDConnectProviderArn",
    );

    ok(
        &c,
        "DeleteOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn}),
    );
    let e = err(
        &c,
        "GetOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn}),
    );
    assert_eq!(e.code, ErrorCode::NoSuchEntity, "{e:?}");
    let e = err(
        &c,
        "DeleteOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn}),
    );
    assert_eq!(e.code, ErrorCode::NoSuchEntity, "{e:?}");

    assert_eq!(
        audited(&c, "CreateOpenIDConnectProvider").len(),
        2 + 5,
        "successes and refusals"
    );
    assert_eq!(audited(&c, "DeleteOpenIDConnectProvider").len(), 2);
    assert_eq!(audited(&c, "AddClientIDToOpenIDConnectProvider").len(), 2);
}

#[test]
fn saml_provider_records() {
    let c = console();
    let cert = SamlIdp::new("https://idp.example.com").cert_b64;
    let doc = metadata("https://idp.example.com", &cert);
    let created = ok(
        &c,
        "CreateSAMLProvider",
        json!({"Name": "corp", "SAMLMetadataDocument": doc}),
    );
    let arn = created["SAMLProviderArn"].as_str().unwrap().to_owned();
    assert_eq!(arn, format!("arn:aws:iam::{ACCOUNT}:saml-provider/corp"));

    let got = ok(&c, "GetSAMLProvider", json!({"SAMLProviderArn": arn}));
    assert_eq!(got["SAMLMetadataDocument"], doc);
    assert_eq!(got["EntityID"], "https://idp.example.com");
    assert_eq!(got["SigningCertificates"].as_array().unwrap().len(), 1);

    let doc2 = metadata("https://idp2.example.com", &cert);
    let updated = ok(
        &c,
        "UpdateSAMLProvider",
        json!({"SAMLProviderArn": arn, "SAMLMetadataDocument": doc2}),
    );
    assert_eq!(updated["SAMLProviderArn"], arn);
    let got = ok(&c, "GetSAMLProvider", json!({"SAMLProviderArn": arn}));
    assert_eq!(got["EntityID"], "https://idp2.example.com");
    let list = ok(&c, "ListSAMLProviders", json!({}));
    assert_eq!(list["SAMLProviderList"][0]["Arn"], arn);

    let e = err(
        &c,
        "CreateSAMLProvider",
        json!({"Name": "corp", "SAMLMetadataDocument": doc}),
    );
    assert_eq!(e.code, ErrorCode::EntityAlreadyExists, "{e:?}");
    invalid(
        &err(
            &c,
            "CreateSAMLProvider",
            json!({"Name": "bad name!", "SAMLMetadataDocument": doc}),
        ),
        "Name",
    );
    let broken = doc.replace(&cert[10..40], "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
    let e = err(
        &c,
        "CreateSAMLProvider",
        json!({"Name": "broken", "SAMLMetadataDocument": broken}),
    );
    invalid(&e, "SAMLMetadataDocument");
    assert!(e.message.contains("certificate"), "{e:?}");
    let doctype = format!("<!DOCTYPE x>{doc}");
    invalid(
        &err(
            &c,
            "CreateSAMLProvider",
            json!({"Name": "dt", "SAMLMetadataDocument": doctype}),
        ),
        "SAMLMetadataDocument",
    );
    invalid(
        &err(
            &c,
            "CreateSAMLProvider",
            json!({"Name": "short", "SAMLMetadataDocument": "<x/>"}),
        ),
        "SAMLMetadataDocument",
    );
    invalid(
        &err(
            &c,
            "UpdateSAMLProvider",
            json!({"SAMLProviderArn": arn, "SAMLMetadataDocument": broken}),
        ),
        "SAMLMetadataDocument",
    );

    ok(&c, "DeleteSAMLProvider", json!({"SAMLProviderArn": arn}));
    let e = err(&c, "GetSAMLProvider", json!({"SAMLProviderArn": arn}));
    assert_eq!(e.code, ErrorCode::NoSuchEntity, "{e:?}");
    assert_eq!(audited(&c, "CreateSAMLProvider").len(), 1 + 5);
    assert_eq!(audited(&c, "UpdateSAMLProvider").len(), 2);
}

/// An OIDC provider record for the issuer `url` trusting client `app-1`: its ARN and its
/// Logins key.
fn oidc_record(c: &TestConsole, url: &str) -> (String, String) {
    let arn = ok(
        c,
        "CreateOpenIDConnectProvider",
        json!({"Url": url, "ClientIDList": ["app-1"]}),
    )["OpenIDConnectProviderArn"]
        .as_str()
        .unwrap()
        .to_owned();
    let key = arn.split_once("oidc-provider/").unwrap().1.to_owned();
    (arn, key)
}

fn pool_config(c: &TestConsole, pool: &str) -> IdentityPoolConfig {
    let d = ok(c, "DescribeIdentityPool", json!({"IdentityPoolId": pool}));
    let mut m = serde_json::Map::new();
    m.insert("AllowUnauthenticatedIdentities".into(), json!(false));
    for k in [
        "OpenIdConnectProviderARNs",
        "SamlProviderARNs",
        "SupportedLoginProviders",
    ] {
        if !d[k].is_null() {
            m.insert(k.into(), d[k].clone());
        }
    }
    serde_json::from_value(Value::Object(m)).unwrap()
}

#[test]
fn a_login_of_a_trusted_oidc_provider_is_verified_end_to_end() {
    let c = console();
    let idp = OidcIssuer::start();
    let (arn, key) = oidc_record(&c, idp.issuer());
    let pool = create_identity_pool(
        &c,
        json!({"IdentityPoolName": "fed", "AllowUnauthenticatedIdentities": false,
               "OpenIdConnectProviderARNs": [arn]}),
    );
    let config = pool_config(&c, &pool);
    let claims = json!({"iss": idp.issuer(), "aud": "app-1", "sub": "u-7", "exp": NOW_S + 300});

    let v = c
        .verify_federated_login(&config, &key, &idp.token(&claims.clone()))
        .unwrap();
    assert_eq!(v.subject, "u-7");
    assert_eq!(v.provider, key);

    // The record's client ids are the audiences: removing app-1 refuses the same token.
    ok(
        &c,
        "RemoveClientIDFromOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn, "ClientID": "app-1"}),
    );
    let e = c
        .verify_federated_login(&config, &key, &idp.token(&claims.clone()))
        .unwrap_err();
    assert!(
        matches!(&e, Refusal::NotAuthorized(m) if m.contains("audience")),
        "{e:?}"
    );

    // A provider the pool does not list.
    let e = c
        .verify_federated_login(&config, "other.example.com", &idp.token(&claims.clone()))
        .unwrap_err();
    assert!(
        matches!(&e, Refusal::InvalidParameter(f) if f.to_string().contains("does not trust")),
        "{e:?}"
    );
    // A deleted record.
    ok(
        &c,
        "DeleteOpenIDConnectProvider",
        json!({"OpenIDConnectProviderArn": arn}),
    );
    let e = c
        .verify_federated_login(&config, &key, &idp.token(&claims))
        .unwrap_err();
    assert!(
        matches!(&e, Refusal::InvalidParameter(f) if f.to_string().contains("does not exist")),
        "{e:?}"
    );
    assert_eq!(
        (idp.discovery_hits(), idp.jwks_hits()),
        (1, 1),
        "discovery and JWKS were fetched once"
    );
}

#[test]
fn a_social_login_needs_the_pool_to_list_the_provider() {
    let c = console();
    let pool = create_identity_pool(
        &c,
        json!({"IdentityPoolName": "social", "AllowUnauthenticatedIdentities": false,
               "SupportedLoginProviders": {"graph.facebook.com": "1111"}}),
    );
    let config = pool_config(&c, &pool);
    let e = c
        .verify_federated_login(&config, "accounts.google.com", "x.y.z")
        .unwrap_err();
    assert!(matches!(&e, Refusal::InvalidParameter(_)), "{e:?}");

    // Facebook through its Graph API, moved to the loopback.
    let graph = HttpServer::start(|r| {
        if r.path.starts_with("/app?") {
            Reply::json(200, r#"{"id":"1111"}"#)
        } else {
            Reply::json(200, r#"{"id":"42","name":"Ann"}"#)
        }
    });
    c.set_social_endpoints(
        federation::SocialEndpoints::default()
            .with_override("graph.facebook.com", &graph.url(""))
            .unwrap(),
    )
    .unwrap();
    let v = c
        .verify_federated_login(&config, "graph.facebook.com", "EAAB")
        .unwrap();
    assert_eq!(v.subject, "42");
}

/// GetId with the login of an OIDC provider record: verified through the dispatch point, the
/// same identity each time; a token the provider did not issue for the pool's client, and a
/// provider that cannot be reached, are refused with Cognito's codes.
#[test]
fn get_id_takes_an_oidc_login() {
    let c = console();
    let idp = OidcIssuer::start();
    let (arn, key) = oidc_record(&c, idp.issuer());
    let dead = format!("http://127.0.0.1:{}/gone", testkit::closed_addr().port());
    let (dead_arn, dead_key) = oidc_record(&c, &dead);
    let pool = create_identity_pool(
        &c,
        json!({"IdentityPoolName": "fed", "AllowUnauthenticatedIdentities": false,
               "OpenIdConnectProviderARNs": [arn, dead_arn]}),
    );
    let claims = json!({"iss": idp.issuer(), "aud": "app-1", "sub": "u-7", "exp": NOW_S + 300});
    let token = idp.token(&claims.clone());
    let get_id = |logins: Value| {
        testkit::call::<Value>(
            &c,
            "GetId",
            json!({"IdentityPoolId": pool, "Logins": logins}),
        )
    };

    let first = get_id(json!({key.clone(): token.clone()})).unwrap()["IdentityId"].clone();
    let again =
        get_id(json!({key.clone(): idp.token(&claims.clone())})).unwrap()["IdentityId"].clone();
    assert_eq!(
        first, again,
        "the same subject of the same provider is one identity"
    );
    let d = ok(&c, "DescribeIdentity", json!({"IdentityId": first}));
    assert_eq!(d["Logins"], json!([key.clone()]));

    let mut other = claims.clone();
    other["aud"] = json!("someone-else");
    let e = get_id(json!({key.clone(): idp.token(&other)})).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotAuthorizedException, "{e:?}");
    assert!(e.message.contains("Incorrect token audience"), "{e:?}");

    let mut to_dead = claims;
    to_dead["iss"] = json!(dead);
    let e = get_id(json!({dead_key: idp.token(&to_dead)})).unwrap_err();
    assert_eq!(e.code, ErrorCode::ExternalServiceException, "{e:?}");
    assert!(
        e.message.contains("/gone/.well-known/openid-configuration"),
        "{e:?}"
    );
}

/// A response of `idp` for `name_id`, offering the role Staff of `provider_arn`.
fn saml_response(idp: &SamlIdp, provider_arn: &str, name_id: &str) -> String {
    let staff = format!("arn:aws:iam::{ACCOUNT}:role/Staff,{provider_arn}");
    idp.signed_response(
        &Assertion::new(&idp.entity_id, name_id, NOW_S * 1000).roles(&[&staff], name_id),
    )
}

/// GetId with a SAML login: the provider record's metadata checks the response; a response
/// signed by another key is refused.
#[test]
fn get_id_takes_a_saml_login() {
    let c = console();
    let entity = "https://idp.example.com";
    let idp = SamlIdp::new(entity);
    let arn = ok(
        &c,
        "CreateSAMLProvider",
        json!({"Name": "corp", "SAMLMetadataDocument": idp.metadata()}),
    )["SAMLProviderArn"]
        .as_str()
        .unwrap()
        .to_owned();
    let pool = create_identity_pool(
        &c,
        json!({"IdentityPoolName": "saml", "AllowUnauthenticatedIdentities": false,
               "SamlProviderARNs": [arn]}),
    );
    let get_id = |token: String| {
        testkit::call::<Value>(
            &c,
            "GetId",
            json!({"IdentityPoolId": pool, "Logins": {arn.clone(): token}}),
        )
    };
    let first = get_id(saml_response(&idp, &arn, "ann@example.com")).unwrap();
    let again = get_id(saml_response(&idp, &arn, "ann@example.com")).unwrap();
    assert_eq!(first["IdentityId"], again["IdentityId"]);

    let stranger = SamlIdp::new(entity);
    let e = get_id(saml_response(&stranger, &arn, "ann@example.com")).unwrap_err();
    assert_eq!(e.code, ErrorCode::NotAuthorizedException, "{e:?}");
    assert!(e.message.contains("does not verify"), "{e:?}");

    // The verified grant, as STS's AssumeRoleWithSAML would use it.
    let v = c
        .verify_saml_assertion(&arn, &saml_response(&idp, &arn, "ann@example.com"))
        .unwrap();
    let grant = v.saml.unwrap();
    let role = federation::saml::pick_role(&grant, None).unwrap();
    assert_eq!(role.role_arn, format!("arn:aws:iam::{ACCOUNT}:role/Staff"));
}

/// STS's AssumeRoleWithSAML: the response checked against the provider record, the role one the
/// assertion offers for that provider, the role's trust policy for the provider (`SAML:aud`),
/// then credentials that answer GetCallerIdentity as the assumed role.
#[test]
fn assume_role_with_saml_takes_a_signed_response() {
    let c = console();
    let entity = "https://idp.example.com";
    let idp = SamlIdp::new(entity);
    let arn = ok(
        &c,
        "CreateSAMLProvider",
        json!({"Name": "corp", "SAMLMetadataDocument": idp.metadata()}),
    )["SAMLProviderArn"]
        .as_str()
        .unwrap()
        .to_owned();
    let trust = |aud: &str| {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": arn}, "Action": "sts:AssumeRoleWithSAML",
            "Condition": {"StringEquals": {"SAML:aud": aud}}}]})
        .to_string()
    };
    ok(
        &c,
        "CreateRole",
        json!({"RoleName": "Staff", "AssumeRolePolicyDocument": trust("https://signin.aws.amazon.com/saml")}),
    );
    let role = format!("arn:aws:iam::{ACCOUNT}:role/Staff");
    let assume = |role: &str, assertion: String| {
        testkit::call::<Value>(
            &c,
            "AssumeRoleWithSAML",
            json!({"RoleArn": role, "PrincipalArn": arn, "SAMLAssertion": assertion,
                   "DurationSeconds": 900}),
        )
    };
    let got = assume(&role, saml_response(&idp, &arn, "ann@example.com")).unwrap();
    assert_eq!(got["Subject"], "ann@example.com");
    assert_eq!(got["Issuer"], entity);
    assert_eq!(
        got["AssumedRoleUser"]["Arn"],
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/Staff/ann@example.com")
    );
    let key = got["Credentials"]["AccessKeyId"]
        .as_str()
        .unwrap()
        .to_owned();
    let who = ok(
        &c.open_again().acting_as(console_api::Actor::endpoint(key)),
        "GetCallerIdentity",
        json!({}),
    );
    assert_eq!(who["Arn"], got["AssumedRoleUser"]["Arn"]);

    // A session policy narrows a SAML session as it does a web identity's.
    ok(
        &c,
        "PutRolePolicy",
        json!({"RoleName": "Staff", "PolicyName": "all", "PolicyDocument":
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#}),
    );
    let narrow = testkit::call::<Value>(
        &c,
        "AssumeRoleWithSAML",
        json!({"RoleArn": role, "PrincipalArn": arn,
               "SAMLAssertion": saml_response(&idp, &arn, "ann@example.com"),
               "Policy": r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#}),
    )
    .unwrap();
    assert!(narrow["PackedPolicySize"].as_i64().unwrap() > 0, "{narrow}");
    let check = |action: &str| {
        ok(
            &c,
            "SimulateAccess",
            json!({"AccessKeyId": narrow["Credentials"]["AccessKeyId"], "Action": action,
                   "Resource": "arn:aws:s3:::b/k"}),
        )
    };
    assert_eq!(check("s3:GetObject")["Decision"], "Allowed");
    let put = check("s3:PutObject");
    assert_eq!(put["Decision"], "ImplicitDeny");
    assert!(
        put["Summary"].as_str().unwrap().contains("session policy"),
        "{put}"
    );

    let stranger = SamlIdp::new(entity);
    let e = assume(&role, saml_response(&stranger, &arn, "ann@example.com")).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidIdentityToken, "{e:?}");
    let e = assume(
        &format!("arn:aws:iam::{ACCOUNT}:role/Other"),
        saml_response(&idp, &arn, "ann@example.com"),
    )
    .unwrap_err();
    assert_eq!(e.code, ErrorCode::AccessDenied, "{e:?}");
    ok(
        &c,
        "UpdateRole",
        json!({"RoleName": "Staff", "AssumeRolePolicyDocument": trust("https://elsewhere.example/saml")}),
    );
    let e = assume(&role, saml_response(&idp, &arn, "ann@example.com")).unwrap_err();
    assert_eq!(e.code, ErrorCode::AccessDenied, "{e:?}");
    assert!(e.message.contains("SAML:aud"), "{e:?}");
}
