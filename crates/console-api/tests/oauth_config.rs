//! Domains, resource servers, app clients' OAuth settings and client secret rotation, on a
//! real store with a fixed clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use console_api::ErrorCode;
use serde_json::json;
use testkit::{TestConsole, create_client, create_pool, err, ok};

const CERT: &str = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d";

fn console() -> (TestConsole, String) {
    let c = TestConsole::at(1_700_000_000_000);
    let pool = create_pool(&c, json!({"PoolName": "demo"}));
    (c, pool)
}

#[test]
fn a_prefix_domain_is_created_described_updated_and_deleted() {
    let (c, pool) = console();
    let r = ok(
        &c,
        "CreateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "my-app"}),
    );
    assert_eq!(r["ManagedLoginVersion"], 1);
    assert!(r.get("CloudFrontDomain").is_none(), "{r}");
    let d = ok(&c, "DescribeUserPoolDomain", json!({"Domain": "my-app"}));
    let d = &d["DomainDescription"];
    assert_eq!(d["UserPoolId"], pool.as_str());
    assert_eq!(d["Domain"], "my-app");
    assert_eq!(d["Status"], "ACTIVE");
    assert_eq!(d["CloudFrontDistribution"], "my-app.auth.localhost");
    assert!(d["AWSAccountId"].as_str().unwrap().len() == 12, "{d}");
    assert!(d.get("CustomDomainConfig").is_none());
    let p = ok(&c, "DescribeUserPool", json!({"UserPoolId": pool}));
    assert_eq!(p["UserPool"]["Domain"], "my-app");
    assert!(p["UserPool"].get("CustomDomain").is_none());

    let r = ok(
        &c,
        "UpdateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "my-app", "ManagedLoginVersion": 2}),
    );
    assert_eq!(r["ManagedLoginVersion"], 2);
    let e = err(
        &c,
        "UpdateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "my-app", "ManagedLoginVersion": 3}),
    );
    assert_eq!(e.field.as_deref(), Some("ManagedLoginVersion"));
    let e = err(
        &c,
        "UpdateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "my-app",
               "CustomDomainConfig": {"CertificateArn": CERT}}),
    );
    assert_eq!(e.field.as_deref(), Some("CustomDomainConfig"));

    ok(
        &c,
        "DeleteUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "my-app"}),
    );
    let d = ok(&c, "DescribeUserPoolDomain", json!({"Domain": "my-app"}));
    assert_eq!(
        d,
        json!({"DomainDescription": {}}),
        "an unknown domain is empty"
    );
    let e = err(
        &c,
        "DeleteUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "my-app"}),
    );
    assert_eq!(e.code, ErrorCode::InvalidParameterException);
}

#[test]
fn domain_rules_name_the_member_at_fault() {
    let (c, pool) = console();
    let other = create_pool(&c, json!({"PoolName": "other"}));
    for bad in ["My-App", "-app", "app-", "my_app", "cognito-app", "aws"] {
        let e = err(
            &c,
            "CreateUserPoolDomain",
            json!({"UserPoolId": pool, "Domain": bad}),
        );
        assert_eq!(e.code, ErrorCode::InvalidParameterException, "{bad}");
        assert_eq!(e.field.as_deref(), Some("Domain"), "{bad}: {e:?}");
    }
    let e = err(
        &c,
        "CreateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "auth.example.com"}),
    );
    assert!(e.message.contains("CertificateArn"), "{e:?}");
    ok(
        &c,
        "CreateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "my-app"}),
    );
    let e = err(
        &c,
        "CreateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "my-app-2"}),
    );
    assert!(e.message.contains("already has a prefix domain"), "{e:?}");
    let e = err(
        &c,
        "CreateUserPoolDomain",
        json!({"UserPoolId": other, "Domain": "my-app"}),
    );
    assert!(e.message.contains("another user pool"), "{e:?}");
    let e = err(
        &c,
        "CreateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "auth.example.com",
               "CustomDomainConfig": {"CertificateArn": "not-an-arn-at-all-xx"}}),
    );
    assert_eq!(
        e.field.as_deref(),
        Some("CustomDomainConfig.CertificateArn")
    );
    let e = err(
        &c,
        "CreateUserPoolDomain",
        json!({"UserPoolId": "us-east-1_nope", "Domain": "x1"}),
    );
    assert_eq!(e.code, ErrorCode::ResourceNotFoundException);
    let e = err(
        &c,
        "UpdateUserPoolDomain",
        json!({"UserPoolId": other, "Domain": "my-app", "ManagedLoginVersion": 2}),
    );
    assert_eq!(
        e.code,
        ErrorCode::ResourceNotFoundException,
        "another pool's domain"
    );
}

#[test]
fn a_custom_domain_keeps_its_certificate_and_shows_on_the_pool() {
    let (c, pool) = console();
    let r = ok(
        &c,
        "CreateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "auth.example.com",
               "CustomDomainConfig": {"CertificateArn": CERT}, "ManagedLoginVersion": 2}),
    );
    assert_eq!(r["CloudFrontDomain"], "localhost");
    assert_eq!(r["ManagedLoginVersion"], 2);
    ok(
        &c,
        "CreateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "my-app"}),
    );
    let d = ok(
        &c,
        "DescribeUserPoolDomain",
        json!({"Domain": "auth.example.com"}),
    );
    assert_eq!(
        d["DomainDescription"]["CustomDomainConfig"]["CertificateArn"],
        CERT
    );
    assert_eq!(
        d["DomainDescription"]["CloudFrontDistribution"],
        "localhost"
    );
    let next = "arn:aws:acm:us-east-1:123456789012:certificate/ffff";
    ok(
        &c,
        "UpdateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "auth.example.com",
               "CustomDomainConfig": {"CertificateArn": next}}),
    );
    let d = ok(
        &c,
        "DescribeUserPoolDomain",
        json!({"Domain": "auth.example.com"}),
    );
    assert_eq!(
        d["DomainDescription"]["CustomDomainConfig"]["CertificateArn"],
        next
    );
    assert_eq!(d["DomainDescription"]["ManagedLoginVersion"], 2, "kept");
    let p = ok(&c, "DescribeUserPool", json!({"UserPoolId": pool}));
    assert_eq!(p["UserPool"]["Domain"], "my-app");
    assert_eq!(p["UserPool"]["CustomDomain"], "auth.example.com");
    let e = err(
        &c,
        "CreateUserPoolDomain",
        json!({"UserPoolId": pool, "Domain": "login.example.com",
               "CustomDomainConfig": {"CertificateArn": CERT}}),
    );
    assert!(e.message.contains("already has a custom domain"), "{e:?}");
    let host = c
        .console()
        .domain_for_host("auth.example.com")
        .unwrap()
        .unwrap();
    assert_eq!(host.user_pool_id, pool);
    assert!(host.custom);
    let host = c
        .console()
        .domain_for_host("my-app.auth.localhost")
        .unwrap()
        .unwrap();
    assert!(!host.custom);
    assert!(c.console().domain_for_host("my-app").unwrap().is_none());
    assert!(
        c.console()
            .domain_for_host("auth.example.com.auth.localhost")
            .unwrap()
            .is_none()
    );
    ok(&c, "DeleteUserPool", json!({"UserPoolId": pool}));
    let d = ok(&c, "DescribeUserPoolDomain", json!({"Domain": "my-app"}));
    assert_eq!(d["DomainDescription"], json!({}), "gone with its pool");
}

fn scopes(names: &[&str]) -> serde_json::Value {
    names
        .iter()
        .map(|n| json!({"ScopeName": n, "ScopeDescription": format!("{n} things")}))
        .collect()
}

#[test]
fn resource_servers_are_kept_listed_and_checked() {
    let (c, pool) = console();
    let r = ok(
        &c,
        "CreateResourceServer",
        json!({"UserPoolId": pool, "Identifier": "https://api.example.com", "Name": "API",
               "Scopes": scopes(&["read", "write"])}),
    );
    assert_eq!(r["ResourceServer"]["Scopes"][1]["ScopeName"], "write");
    ok(
        &c,
        "CreateResourceServer",
        json!({"UserPoolId": pool, "Identifier": "billing", "Name": "Billing"}),
    );
    let e = err(
        &c,
        "CreateResourceServer",
        json!({"UserPoolId": pool, "Identifier": "billing", "Name": "Again"}),
    );
    assert_eq!(e.field.as_deref(), Some("Identifier"));
    for (body, field) in [
        (json!({"Identifier": "a b", "Name": "x"}), "Identifier"),
        (json!({"Identifier": "ok", "Name": "bad/name"}), "Name"),
        (
            json!({"Identifier": "ok", "Name": "x", "Scopes": scopes(&["a/b"])}),
            "Scopes[0].ScopeName",
        ),
        (
            json!({"Identifier": "ok", "Name": "x",
                   "Scopes": [{"ScopeName": "a", "ScopeDescription": ""}]}),
            "Scopes[0].ScopeDescription",
        ),
    ] {
        let mut body = body;
        body["UserPoolId"] = json!(pool);
        let e = err(&c, "CreateResourceServer", body.clone());
        assert_eq!(e.code, ErrorCode::InvalidParameterException, "{body}");
        assert_eq!(e.field.as_deref(), Some(field), "{body}: {e:?}");
    }
    let many: Vec<String> = (0..101).map(|i| format!("s{i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let e = err(
        &c,
        "CreateResourceServer",
        json!({"UserPoolId": pool, "Identifier": "big", "Name": "Big", "Scopes": scopes(&many)}),
    );
    assert_eq!(e.field.as_deref(), Some("Scopes"));

    let page = ok(
        &c,
        "ListResourceServers",
        json!({"UserPoolId": pool, "MaxResults": 1}),
    );
    assert_eq!(page["ResourceServers"].as_array().unwrap().len(), 1);
    let token = page["NextToken"].as_str().unwrap();
    let rest = ok(
        &c,
        "ListResourceServers",
        json!({"UserPoolId": pool, "MaxResults": 1, "NextToken": token}),
    );
    assert_eq!(
        rest["ResourceServers"][0]["Identifier"],
        "https://api.example.com"
    );
    assert!(rest.get("NextToken").is_none());

    let u = ok(
        &c,
        "UpdateResourceServer",
        json!({"UserPoolId": pool, "Identifier": "billing", "Name": "Billing 2",
               "Scopes": scopes(&["pay"])}),
    );
    assert_eq!(u["ResourceServer"]["Name"], "Billing 2");
    let d = ok(
        &c,
        "DescribeResourceServer",
        json!({"UserPoolId": pool, "Identifier": "billing"}),
    );
    assert_eq!(d["ResourceServer"]["Scopes"][0]["ScopeName"], "pay");
    ok(
        &c,
        "DeleteResourceServer",
        json!({"UserPoolId": pool, "Identifier": "billing"}),
    );
    let e = err(
        &c,
        "DescribeResourceServer",
        json!({"UserPoolId": pool, "Identifier": "billing"}),
    );
    assert_eq!(e.code, ErrorCode::ResourceNotFoundException);
}

#[test]
fn app_clients_may_only_name_scopes_that_exist_and_known_providers() {
    let (c, pool) = console();
    ok(
        &c,
        "CreateResourceServer",
        json!({"UserPoolId": pool, "Identifier": "https://api.example.com/v1", "Name": "API",
               "Scopes": scopes(&["read"])}),
    );
    let oauth = |scopes: serde_json::Value| {
        json!({"UserPoolId": pool, "ClientName": "web", "AllowedOAuthFlowsUserPoolClient": true,
               "AllowedOAuthFlows": ["code"], "AllowedOAuthScopes": scopes,
               "CallbackURLs": ["https://app.example.com/cb", "http://localhost:3000/cb"],
               "DefaultRedirectURI": "http://localhost:3000/cb",
               "SupportedIdentityProviders": ["COGNITO"]})
    };
    let id = create_client(
        &c,
        oauth(json!(["openid", "https://api.example.com/v1/read"])),
    );
    let e = err(
        &c,
        "CreateUserPoolClient",
        oauth(json!(["openid", "https://api.example.com/v1/write"])),
    );
    assert_eq!(e.code, ErrorCode::ScopeDoesNotExistException);
    assert_eq!(e.field.as_deref(), Some("AllowedOAuthScopes[1]"));
    let e = err(&c, "CreateUserPoolClient", oauth(json!(["nope"])));
    assert_eq!(e.field.as_deref(), Some("AllowedOAuthScopes[0]"));
    let mut body = oauth(json!(["openid"]));
    body["ClientId"] = json!(id);
    body.as_object_mut().unwrap().remove("ClientName");
    body["SupportedIdentityProviders"] = json!(["COGNITO", "Google"]);
    let e = err(&c, "UpdateUserPoolClient", body.clone());
    assert_eq!(e.code, ErrorCode::InvalidParameterException);
    assert_eq!(e.field.as_deref(), Some("SupportedIdentityProviders[1]"));
    assert!(e.message.contains("Google"), "{e:?}");
    for (key, value, field) in [
        (
            "CallbackURLs",
            json!(["http://app.example.com/cb"]),
            "CallbackURLs[0]",
        ),
        (
            "CallbackURLs",
            json!(["https://app.example.com/cb#x"]),
            "CallbackURLs[0]",
        ),
        (
            "LogoutURLs",
            json!(["http://evil.example/"]),
            "LogoutURLs[0]",
        ),
        (
            "DefaultRedirectURI",
            json!("https://elsewhere.example/cb"),
            "DefaultRedirectURI",
        ),
        (
            "AllowedOAuthFlows",
            json!(["code", "client_credentials"]),
            "AllowedOAuthFlows",
        ),
        ("AllowedOAuthFlows", json!([]), "AllowedOAuthFlows"),
    ] {
        let mut b = body.clone();
        b["SupportedIdentityProviders"] = json!(["COGNITO"]);
        b[key] = value;
        let e = err(&c, "UpdateUserPoolClient", b);
        assert_eq!(e.field.as_deref(), Some(field), "{key}: {e:?}");
    }
}

#[test]
fn client_secrets_rotate_two_at_a_time_and_each_signs_in() {
    let (c, pool) = console();
    let public = create_client(&c, json!({"UserPoolId": pool, "ClientName": "spa"}));
    let e = err(
        &c,
        "AddUserPoolClientSecret",
        json!({"UserPoolId": pool, "ClientId": public}),
    );
    assert_eq!(e.field.as_deref(), Some("ClientId"));
    let made = ok(
        &c,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool, "ClientName": "server", "GenerateSecret": true,
               "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    );
    let client = made["UserPoolClient"]["ClientId"]
        .as_str()
        .unwrap()
        .to_string();
    let first = made["UserPoolClient"]["ClientSecret"]
        .as_str()
        .unwrap()
        .to_string();
    let listed = ok(
        &c,
        "ListUserPoolClientSecrets",
        json!({"UserPoolId": pool, "ClientId": client}),
    );
    let secrets = listed["ClientSecrets"].as_array().unwrap();
    assert_eq!(secrets.len(), 1);
    assert!(
        secrets[0].get("ClientSecretValue").is_none(),
        "never listed"
    );
    let first_id = secrets[0]["ClientSecretId"].as_str().unwrap().to_string();

    let e = err(
        &c,
        "AddUserPoolClientSecret",
        json!({"UserPoolId": pool, "ClientId": client, "ClientSecret": "short"}),
    );
    assert_eq!(e.field.as_deref(), Some("ClientSecret"));
    let added = ok(
        &c,
        "AddUserPoolClientSecret",
        json!({"UserPoolId": pool, "ClientId": client}),
    );
    let d = &added["ClientSecretDescriptor"];
    let second = d["ClientSecretValue"].as_str().unwrap().to_string();
    let second_id = d["ClientSecretId"].as_str().unwrap().to_string();
    assert_eq!(d["ClientSecretCreateDate"], 1_700_000_000.0);
    let e = err(
        &c,
        "AddUserPoolClientSecret",
        json!({"UserPoolId": pool, "ClientId": client}),
    );
    assert_eq!(e.code, ErrorCode::LimitExceededException, "two at most");

    // Both secrets sign in; a made-up one does not.
    ok(
        &c,
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "dave", "MessageAction": "SUPPRESS"}),
    );
    ok(
        &c,
        "AdminSetUserPassword",
        json!({"UserPoolId": pool, "Username": "dave", "Password": "Passw0rd!", "Permanent": true}),
    );
    let sign_in = |secret: &str| {
        testkit::call::<serde_json::Value>(
            &c,
            "InitiateAuth",
            json!({"ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH",
                   "AuthParameters": {"USERNAME": "dave", "PASSWORD": "Passw0rd!",
                   "SECRET_HASH": tokens::secret_hash(secret, "dave", &client)}}),
        )
    };
    assert!(sign_in(&first).is_ok());
    assert!(sign_in(&second).is_ok());
    assert_eq!(
        sign_in("not-one-of-them").unwrap_err().code,
        ErrorCode::NotAuthorizedException
    );

    ok(
        &c,
        "DeleteUserPoolClientSecret",
        json!({"UserPoolId": pool, "ClientId": client, "ClientSecretId": first_id}),
    );
    assert_eq!(
        sign_in(&first).unwrap_err().code,
        ErrorCode::NotAuthorizedException,
        "a deleted secret no longer signs in"
    );
    assert!(sign_in(&second).is_ok());
    let described = ok(
        &c,
        "DescribeUserPoolClient",
        json!({"UserPoolId": pool, "ClientId": client}),
    );
    assert_eq!(described["UserPoolClient"]["ClientSecret"], second.as_str());
    let e = err(
        &c,
        "DeleteUserPoolClientSecret",
        json!({"UserPoolId": pool, "ClientId": client, "ClientSecretId": second_id}),
    );
    assert_eq!(
        e.field.as_deref(),
        Some("ClientSecretId"),
        "never the last one"
    );
    let e = err(
        &c,
        "DeleteUserPoolClientSecret",
        json!({"UserPoolId": pool, "ClientId": client, "ClientSecretId": first_id}),
    );
    assert_eq!(e.code, ErrorCode::ResourceNotFoundException);
    let chosen = "my_own_secret_value_0123456789";
    let added = ok(
        &c,
        "AddUserPoolClientSecret",
        json!({"UserPoolId": pool, "ClientId": client, "ClientSecret": chosen}),
    );
    assert!(
        added["ClientSecretDescriptor"]
            .get("ClientSecretValue")
            .is_none(),
        "a chosen value is not echoed"
    );
    assert!(sign_in(chosen).is_ok());
}

/// The store's bytes (the file and its WAL) contain `needle`.
fn store_contains(c: &TestConsole, needle: &str) -> bool {
    ["", "-wal"].iter().any(|suffix| {
        let mut p = c.console().store_path().as_os_str().to_owned();
        p.push(suffix);
        let bytes = std::fs::read(std::path::PathBuf::from(p)).unwrap_or_default();
        bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
    })
}

/// A confidential client allowed to sign in with a password, its id and secret, and a user
/// `dave` to sign in as.
fn confidential(c: &TestConsole, pool: &str, name: &str) -> (String, String) {
    let made = ok(
        c,
        "CreateUserPoolClient",
        json!({"UserPoolId": pool, "ClientName": name, "GenerateSecret": true,
               "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]}),
    );
    let id = made["UserPoolClient"]["ClientId"].as_str().unwrap();
    let secret = made["UserPoolClient"]["ClientSecret"].as_str().unwrap();
    (id.to_string(), secret.to_string())
}

fn add_dave(c: &TestConsole, pool: &str) {
    ok(
        c,
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "dave", "MessageAction": "SUPPRESS"}),
    );
    ok(
        c,
        "AdminSetUserPassword",
        json!({"UserPoolId": pool, "Username": "dave", "Password": "Passw0rd!", "Permanent": true}),
    );
}

fn sign_in(
    c: &TestConsole,
    client: &str,
    secret: &str,
) -> Result<serde_json::Value, console_api::ApiError> {
    testkit::call::<serde_json::Value>(
        c,
        "InitiateAuth",
        json!({"ClientId": client, "AuthFlow": "USER_PASSWORD_AUTH",
               "AuthParameters": {"USERNAME": "dave", "PASSWORD": "Passw0rd!",
               "SECRET_HASH": tokens::secret_hash(secret, "dave", client)}}),
    )
}

#[test]
fn client_secrets_are_sealed_at_rest_and_bound_to_their_client() {
    let (c, pool) = console();
    add_dave(&c, &pool);
    let (a, a_secret) = confidential(&c, &pool, "a");
    let (b, b_secret) = confidential(&c, &pool, "b");
    let added = ok(
        &c,
        "AddUserPoolClientSecret",
        json!({"UserPoolId": pool, "ClientId": a}),
    );
    let a_second = added["ClientSecretDescriptor"]["ClientSecretValue"]
        .as_str()
        .unwrap()
        .to_string();
    for s in [&a_secret, &b_secret, &a_second] {
        assert!(!store_contains(&c, s), "{s} is not in the store in clear");
    }

    // Another process opens them: it signs in with each, and shows the oldest.
    let other = c.open_again();
    assert!(sign_in(&other, &a, &a_secret).is_ok());
    assert!(sign_in(&other, &a, &a_second).is_ok());
    assert!(sign_in(&other, &b, &b_secret).is_ok());
    let described = ok(
        &other,
        "DescribeUserPoolClient",
        json!({"UserPoolId": pool, "ClientId": a}),
    );
    assert_eq!(
        described["UserPoolClient"]["ClientSecret"],
        a_secret.as_str()
    );
    // A chosen value equal to a current one is refused: the check opens them.
    let e = err(
        &other,
        "AddUserPoolClientSecret",
        json!({"UserPoolId": pool, "ClientId": b, "ClientSecret": b_secret}),
    );
    assert_eq!(e.field.as_deref(), Some("ClientSecret"), "{e:?}");

    // A's sealed value put in B's row (same secret id) does not open there.
    let db = storage::Db::open(c.console().store_path()).unwrap();
    let a_row = db
        .read(|r| storage::clients::find(r, &a))
        .unwrap()
        .unwrap()
        .0;
    let b_row = db
        .read(|r| storage::clients::find(r, &b))
        .unwrap()
        .unwrap()
        .0;
    db.write(|tx| {
        let b_secret_row = &storage::client_secrets::of_client(tx, b_row.pk)?[0];
        storage::client_secrets::delete(tx, b_secret_row.pk)?;
        storage::client_secrets::insert(
            tx,
            b_row.pk,
            &b_secret_row.secret_id,
            a_row.secrets[0].sealed.as_deref().unwrap(),
            1,
        )
        .map(|_| ())
    })
    .unwrap();
    for secret in [&a_secret, &b_secret] {
        let e = sign_in(&c, &b, secret).unwrap_err();
        assert_eq!(e.code, ErrorCode::InternalErrorException, "{e:?}");
        assert!(e.message.contains("cannot be opened"), "{e:?}");
    }
    assert!(
        sign_in(&c, &a, &a_secret).is_ok(),
        "A's own row still opens"
    );
}

#[test]
fn a_store_with_client_secrets_in_clear_opens_and_seals_them() {
    let (c, pool) = console();
    add_dave(&c, &pool);
    let (client, _) = confidential(&c, &pool, "server");
    let path = c.console().store_path().to_path_buf();
    // What migration 0020 leaves of a store whose secrets were in clear.
    let old = "an_old_secret_kept_in_clear_0123456789abcdef";
    let raw = rusqlite::Connection::open(&path).unwrap();
    raw.execute(
        "UPDATE client_secrets SET secret = ?1, secret_sealed = NULL",
        [old],
    )
    .unwrap();
    drop(raw);
    assert!(store_contains(&c, old));

    let again = c.open_again();
    assert!(
        !store_contains(&again, old),
        "sealed, and gone from free pages"
    );
    let db = storage::Db::open(&path).unwrap();
    assert!(
        db.read(|r| storage::client_secrets::in_clear(r))
            .unwrap()
            .is_empty()
    );
    assert!(sign_in(&again, &client, old).is_ok(), "still signs in");
    let described = ok(
        &again,
        "DescribeUserPoolClient",
        json!({"UserPoolId": pool, "ClientId": client}),
    );
    assert_eq!(described["UserPoolClient"]["ClientSecret"], old);
}

#[test]
fn a_store_with_client_secrets_is_refused_without_its_own_key_file() {
    let (c, pool) = console();
    confidential(&c, &pool, "server");
    let path = c.console().store_path().to_path_buf();
    let key_file = console_api::master_key_path(&path);
    let clock: std::sync::Arc<dyn domain::Clock> = c.clock().clone();

    let own = std::fs::read(&key_file).unwrap();
    std::fs::write(&key_file, [7u8; 32]).unwrap();
    let e = console_api::Console::open(&path, clock.clone()).unwrap_err();
    assert!(
        e.message.contains(&key_file.display().to_string())
            && e.message.contains("app client secrets"),
        "a wrong key file is named: {e:?}"
    );

    std::fs::remove_file(&key_file).unwrap();
    let e = console_api::Console::open(&path, clock.clone()).unwrap_err();
    assert!(
        e.message.contains(&key_file.display().to_string())
            && e.message.contains("app client secrets"),
        "a missing key file is named: {e:?}"
    );
    assert!(!key_file.exists(), "and no new one is made");

    std::fs::write(&key_file, own).unwrap();
    drop(console_api::Console::open(&path, clock).unwrap());
}
