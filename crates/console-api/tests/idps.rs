//! A user pool's identity providers through the operation list, on a real store: each type's
//! details as Cognito checks them, OIDC discovery against a provider on the loopback, SAML
//! metadata given and at a URL, secrets kept and hidden, identifiers, app clients, and the link
//! operations.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use console_api::ErrorCode;
use serde_json::{Value, json};
use testkit::http::Reply;
use testkit::{OidcIssuer, SamlIdp, TestConsole, create_client, create_pool, err, ok};

fn console() -> (TestConsole, String) {
    let c = TestConsole::at(1_700_000_000_000);
    let pool = create_pool(&c, json!({"PoolName": "demo"}));
    (c, pool)
}

fn google(pool: &str) -> Value {
    json!({"UserPoolId": pool, "ProviderName": "Google", "ProviderType": "Google",
           "ProviderDetails": {"client_id": "gid", "client_secret": "gsecret",
                               "authorize_scopes": "openid email"},
           "AttributeMapping": {"email": "email"},
           "IdpIdentifiers": ["example.com"]})
}

#[test]
fn a_social_provider_round_trips_with_the_details_cognito_fills() {
    let (c, pool) = console();
    let r = ok(&c, "CreateIdentityProvider", google(&pool));
    let p = &r["IdentityProvider"];
    assert_eq!(p["ProviderName"], "Google");
    assert_eq!(p["ProviderDetails"]["client_secret"], "gsecret");
    assert_eq!(
        p["ProviderDetails"]["oidc_issuer"],
        "https://accounts.google.com"
    );
    assert_eq!(p["AttributeMapping"]["username"], "sub");
    assert_eq!(p["CreationDate"], 1_700_000_000.0);

    let e = err(&c, "CreateIdentityProvider", google(&pool));
    assert_eq!(e.code, ErrorCode::DuplicateProviderException);

    let d = ok(
        &c,
        "GetIdentityProviderByIdentifier",
        json!({"UserPoolId": pool, "IdpIdentifier": "example.com"}),
    );
    assert_eq!(d["IdentityProvider"]["ProviderName"], "Google");
    let e = err(
        &c,
        "GetIdentityProviderByIdentifier",
        json!({"UserPoolId": pool, "IdpIdentifier": "nobody.example"}),
    );
    assert_eq!(e.code, ErrorCode::ResourceNotFoundException);

    // An update that leaves the secret out keeps it.
    let u = ok(
        &c,
        "UpdateIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "Google",
               "ProviderDetails": {"client_id": "gid2", "authorize_scopes": "openid"}}),
    );
    assert_eq!(
        u["IdentityProvider"]["ProviderDetails"]["client_id"],
        "gid2"
    );
    assert_eq!(
        u["IdentityProvider"]["ProviderDetails"]["client_secret"],
        "gsecret"
    );
    assert_eq!(u["IdentityProvider"]["AttributeMapping"]["email"], "email");
    assert!(u["IdentityProvider"].get("AcrMapping").is_none(), "{u}");
    let u = ok(
        &c,
        "UpdateIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "Google",
               "AcrMapping": {"Level2": "urn:example:mfa"}}),
    );
    assert_eq!(
        u["IdentityProvider"]["AcrMapping"],
        json!({"Level2": "urn:example:mfa"})
    );
    let e = err(
        &c,
        "UpdateIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "Google",
               "AcrMapping": {"Level5": "x"}}),
    );
    assert_eq!(e.field.as_deref(), Some("AcrMapping.Level5"));

    let l = ok(&c, "ListIdentityProviders", json!({"UserPoolId": pool}));
    assert_eq!(l["Providers"][0]["ProviderType"], "Google");
    let e = err(
        &c,
        "ListIdentityProviders",
        json!({"UserPoolId": pool, "MaxResults": 61}),
    );
    assert_eq!(e.field.as_deref(), Some("MaxResults"));
}

#[test]
fn bad_details_are_refused_by_member() {
    let (c, pool) = console();
    let cases = [
        (
            json!({"UserPoolId": pool, "ProviderName": "Corp", "ProviderType": "Google",
                   "ProviderDetails": {"client_id": "a", "client_secret": "b",
                                       "authorize_scopes": "openid"}}),
            "ProviderName",
        ),
        (
            json!({"UserPoolId": pool, "ProviderName": "Corp", "ProviderType": "LDAP",
                   "ProviderDetails": {}}),
            "ProviderType",
        ),
        (
            json!({"UserPoolId": pool, "ProviderName": "SignInWithApple",
                   "ProviderType": "SignInWithApple",
                   "ProviderDetails": {"client_id": "a", "team_id": "t", "key_id": "k",
                                       "authorize_scopes": "email"}}),
            "ProviderDetails.private_key",
        ),
        (
            json!({"UserPoolId": pool, "ProviderName": "Corp", "ProviderType": "SAML",
                   "ProviderDetails": {"MetadataFile": "<not-metadata/>"}}),
            "ProviderDetails.MetadataFile",
        ),
        (
            json!({"UserPoolId": pool, "ProviderName": "Corp", "ProviderType": "OIDC",
                   "ProviderDetails": {"client_id": "a", "attributes_request_method": "GET",
                                       "oidc_issuer": "https://idp.example",
                                       "authorize_scopes": "openid"},
                   "AttributeMapping": {"custom:tenant": "tenant"}}),
            "AttributeMapping.custom:tenant",
        ),
    ];
    for (body, field) in cases {
        let e = err(&c, "CreateIdentityProvider", body);
        assert_eq!(e.code, ErrorCode::InvalidParameterException, "{e:?}");
        assert_eq!(e.field.as_deref(), Some(field), "{e:?}");
    }
    let l = ok(&c, "ListIdentityProviders", json!({"UserPoolId": pool}));
    assert_eq!(l["Providers"], json!([]));
}

#[test]
fn apples_private_key_is_kept_but_never_answered() {
    let (c, pool) = console();
    let r = ok(
        &c,
        "CreateIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "SignInWithApple",
               "ProviderType": "SignInWithApple",
               "ProviderDetails": {"client_id": "a", "team_id": "t", "key_id": "k",
                   "private_key": "-----BEGIN PRIVATE KEY-----\nMIG\n-----END PRIVATE KEY-----",
                   "authorize_scopes": "email name"}}),
    );
    let d = &r["IdentityProvider"]["ProviderDetails"];
    assert!(d.get("private_key").is_none(), "{d}");
    assert_eq!(d["team_id"], "t");
    // An update without it keeps it: the details still hold a key.
    ok(
        &c,
        "UpdateIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "SignInWithApple",
               "ProviderDetails": {"client_id": "b", "team_id": "t", "key_id": "k2",
                                   "authorize_scopes": "email"}}),
    );
}

#[test]
fn an_oidc_provider_is_checked_against_its_discovery_document() {
    let (c, pool) = console();
    let issuer = OidcIssuer::start();
    let body = |iss: &str| {
        json!({"UserPoolId": pool, "ProviderName": "Corp", "ProviderType": "OIDC",
               "ProviderDetails": {"client_id": "a", "client_secret": "s",
                                   "attributes_request_method": "GET",
                                   "oidc_issuer": iss, "authorize_scopes": "openid email"}})
    };
    // The fake issuer's document names no authorization endpoint: refused, naming it.
    let e = err(&c, "CreateIdentityProvider", body(issuer.issuer()));
    assert_eq!(
        e.field.as_deref(),
        Some("ProviderDetails.authorize_url"),
        "{e:?}"
    );
    let base = issuer.routes().base();
    issuer.routes().answer(
        testkit::oidc_idp::DISCOVERY_PATH,
        Reply::json(
            200,
            json!({"issuer": issuer.issuer(),
                   "authorization_endpoint": format!("{base}/idp/authorize"),
                   "token_endpoint": format!("{base}/idp/token"),
                   "userinfo_endpoint": format!("{base}/idp/userinfo"),
                   "jwks_uri": format!("{base}{}", testkit::oidc_idp::JWKS_PATH)}),
        ),
    );
    let r = ok(&c, "CreateIdentityProvider", body(issuer.issuer()));
    let d = &r["IdentityProvider"]["ProviderDetails"];
    // Discovered endpoints are not shown, as Cognito shows only those it could not discover.
    assert!(d.get("authorize_url").is_none(), "{d}");
    assert_eq!(d["attributes_url_add_attributes"], "false");
    // An issuer that does not answer is refused, naming the issuer.
    let e = err(
        &c,
        "UpdateIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "Corp",
               "ProviderDetails": {"client_id": "a", "attributes_request_method": "GET",
                                   "oidc_issuer": "http://127.0.0.1:9/none",
                                   "authorize_scopes": "openid"}}),
    );
    assert_eq!(
        e.field.as_deref(),
        Some("ProviderDetails.oidc_issuer"),
        "{e:?}"
    );
}

#[test]
fn a_saml_provider_reads_its_metadata_given_or_at_a_url() {
    let (c, pool) = console();
    let idp = SamlIdp::new("https://idp.example/saml");
    ok(
        &c,
        "CreateIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "Corp", "ProviderType": "SAML",
               "ProviderDetails": {"MetadataFile": idp.metadata(), "IDPSignout": "true"},
               "IdpIdentifiers": ["corp"]}),
    );
    let routes = testkit::http::Routes::start();
    routes.answer(
        "/metadata.xml",
        Reply {
            status: 200,
            content_type: "application/xml".into(),
            body: idp.metadata(),
        },
    );
    let url = format!("{}/metadata.xml", routes.base());
    let r = ok(
        &c,
        "CreateIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "Corp2", "ProviderType": "SAML",
               "ProviderDetails": {"MetadataURL": url}}),
    );
    assert_eq!(r["IdentityProvider"]["AttributeMapping"], json!({}));
    let e = err(
        &c,
        "CreateIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "Corp3", "ProviderType": "SAML",
               "ProviderDetails": {"MetadataFile": idp.metadata()},
               "IdpIdentifiers": ["corp"]}),
    );
    assert_eq!(e.code, ErrorCode::DuplicateProviderException, "{e:?}");
    let e = err(
        &c,
        "CreateIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "Corp3", "ProviderType": "SAML",
               "ProviderDetails": {"MetadataURL": format!("{}/missing.xml", routes.base())}}),
    );
    assert_eq!(
        e.field.as_deref(),
        Some("ProviderDetails.MetadataURL"),
        "{e:?}"
    );
}

#[test]
fn clients_list_providers_and_lose_a_deleted_one() {
    let (c, pool) = console();
    ok(&c, "CreateIdentityProvider", google(&pool));
    let client = create_client(
        &c,
        json!({"UserPoolId": pool, "ClientName": "web",
               "SupportedIdentityProviders": ["COGNITO", "Google"]}),
    );
    let e = err(
        &c,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool, "ClientName": "x",
               "SupportedIdentityProviders": ["Facebook"]}),
    );
    assert_eq!(e.field.as_deref(), Some("SupportedIdentityProviders[0]"));
    ok(
        &c,
        "DeleteIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "Google"}),
    );
    let d = ok(
        &c,
        "DescribeUserPoolClient",
        json!({"UserPoolId": pool, "ClientId": client}),
    );
    assert_eq!(
        d["UserPoolClient"]["SupportedIdentityProviders"],
        json!(["COGNITO"])
    );
    let e = err(
        &c,
        "DeleteIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "COGNITO"}),
    );
    assert_eq!(e.code, ErrorCode::UnsupportedIdentityProviderException);
    let e = err(
        &c,
        "DescribeIdentityProvider",
        json!({"UserPoolId": pool, "ProviderName": "Google"}),
    );
    assert_eq!(e.code, ErrorCode::ResourceNotFoundException);
}

#[test]
fn link_and_disable_by_the_operations() {
    let (c, pool) = console();
    ok(&c, "CreateIdentityProvider", google(&pool));
    ok(
        &c,
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "ana", "MessageAction": "SUPPRESS"}),
    );
    let link = |dest: &str, attr: &str| {
        json!({"UserPoolId": pool,
               "DestinationUser": {"ProviderName": "Cognito", "ProviderAttributeValue": dest},
               "SourceUser": {"ProviderName": "Google", "ProviderAttributeName": attr,
                              "ProviderAttributeValue": "g-1"}})
    };
    let e = err(
        &c,
        "AdminLinkProviderForUser",
        link("nobody", "Cognito_Subject"),
    );
    assert_eq!(e.code, ErrorCode::UserNotFoundException);
    let e = err(&c, "AdminLinkProviderForUser", link("ana", "email"));
    assert_eq!(e.field.as_deref(), Some("SourceUser.ProviderAttributeName"));
    ok(
        &c,
        "AdminLinkProviderForUser",
        link("ana", "Cognito_Subject"),
    );
    let u = ok(
        &c,
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": "ana"}),
    );
    let ids = u["UserAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == "identities")
        .expect("identities attribute");
    let ids: Value = serde_json::from_str(ids["Value"].as_str().unwrap()).unwrap();
    assert_eq!(ids[0]["providerName"], "Google");
    let e = err(
        &c,
        "AdminLinkProviderForUser",
        link("ana", "Cognito_Subject"),
    );
    assert_eq!(e.code, ErrorCode::AliasExistsException);

    let disable = json!({"UserPoolId": pool,
        "User": {"ProviderName": "Google", "ProviderAttributeName": "Cognito_Subject",
                 "ProviderAttributeValue": "g-1"}});
    ok(&c, "AdminDisableProviderForUser", disable.clone());
    let e = err(&c, "AdminDisableProviderForUser", disable);
    assert_eq!(e.code, ErrorCode::UserNotFoundException);
}
