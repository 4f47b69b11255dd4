//! Identity pools (`cognito-identity`) through the operation list: each operation, and each
//! kind of bad input refused with the member named.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use console_api::{ApiError, ErrorCode};
use serde_json::{Value, json};
use testkit::{TestConsole, err, ok};

const ROLE: &str = "arn:aws:iam::123456789012:role/Cognito_Auth";
const UNAUTH: &str = "arn:aws:iam::123456789012:role/Cognito_Unauth";
const MISSING: &str = "us-east-1:00000000-0000-0000-0000-000000000000";

fn console() -> TestConsole {
    TestConsole::at(1_700_000_000_000)
}

fn create(c: &TestConsole, body: Value) -> String {
    ok(c, "CreateIdentityPool", body)["IdentityPoolId"]
        .as_str()
        .unwrap()
        .to_string()
}

fn plain(c: &TestConsole, name: &str) -> String {
    create(
        c,
        json!({"IdentityPoolName": name, "AllowUnauthenticatedIdentities": false}),
    )
}

/// A pool trusting a user pool's client and Facebook, the providers role mappings may name.
fn with_providers(c: &TestConsole, name: &str) -> String {
    create(
        c,
        json!({"IdentityPoolName": name, "AllowUnauthenticatedIdentities": false,
               "SupportedLoginProviders": {"graph.facebook.com": "1234567890"},
               "CognitoIdentityProviders": [{
                   "ProviderName": "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC",
                   "ClientId": "client1"}]}),
    )
}

fn arn(id: &str) -> String {
    format!("arn:aws:cognito-identity:us-east-1:000000000000:identitypool/{id}")
}

fn invalid(e: &ApiError, field: &str) {
    assert_eq!(e.code, ErrorCode::InvalidParameterException, "{e:?}");
    assert_eq!(e.field.as_deref(), Some(field), "{e:?}");
}

fn not_found(e: &ApiError, id: &str) {
    assert_eq!(e.code, ErrorCode::ResourceNotFoundException, "{e:?}");
    assert_eq!(e.message, format!("IdentityPool '{id}' not found."));
}

fn audited(c: &TestConsole, op: &str) -> Vec<Value> {
    let all = ok(c, "ListAuditEvents", json!({}));
    all["Events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["Operation"] == op)
        .cloned()
        .collect()
}

#[test]
fn a_pool_is_created_described_and_audited() {
    let c = console();
    // The OIDC provider the pool lists must exist as a record of the workspace.
    let oidc = ok(
        &c,
        "CreateOpenIDConnectProvider",
        json!({"Url": "https://example.com", "ClientIDList": ["app"]}),
    )["OpenIDConnectProviderArn"]
        .clone();
    let created = ok(
        &c,
        "CreateIdentityPool",
        json!({
            "IdentityPoolName": "My app",
            "AllowUnauthenticatedIdentities": true,
            "AllowClassicFlow": true,
            "SupportedLoginProviders": {"accounts.google.com": "123.apps"},
            "DeveloperProviderName": "login.myapp",
            "CognitoIdentityProviders": [{
                "ProviderName": "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC",
                "ClientId": "abc123", "ServerSideTokenCheck": true}],
            "OpenIdConnectProviderARNs": [oidc],
            "IdentityPoolTags": {"team": "web"}
        }),
    );
    let id = created["IdentityPoolId"].as_str().unwrap();
    assert!(id.starts_with("us-east-1:"), "{id}");
    assert_eq!(
        ok(&c, "DescribeIdentityPool", json!({"IdentityPoolId": id})),
        created
    );
    assert_eq!(created["IdentityPoolName"], "My app");
    assert_eq!(created["AllowClassicFlow"], true);
    assert_eq!(
        created["SupportedLoginProviders"]["accounts.google.com"],
        "123.apps"
    );
    assert_eq!(
        created["CognitoIdentityProviders"][0]["ServerSideTokenCheck"],
        true
    );
    assert_eq!(created["IdentityPoolTags"]["team"], "web");
    assert!(created.get("SamlProviderARNs").is_none());
    let events = audited(&c, "CreateIdentityPool");
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["Target"], id);
    // Names need not be unique.
    let twin = plain(&c, "My app");
    assert_ne!(twin, id);
}

#[test]
fn bad_creations_name_the_member_and_store_nothing() {
    let c = console();
    let base = |extra: Value| {
        let mut b = json!({"IdentityPoolName": "ok", "AllowUnauthenticatedIdentities": false});
        b.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        b
    };
    let cases = [
        (json!({"IdentityPoolName": "no/slash"}), "IdentityPoolName"),
        (json!({"IdentityPoolName": ""}), "IdentityPoolName"),
        (
            json!({"AllowUnauthenticatedIdentities": "yes"}),
            "AllowUnauthenticatedIdentities",
        ),
        (
            json!({"DeveloperProviderName": "has space"}),
            "DeveloperProviderName",
        ),
        (
            json!({"SupportedLoginProviders": (0..11).map(|i| (format!("p{i}.com"), json!("x"))).collect::<serde_json::Map<_, _>>()}),
            "SupportedLoginProviders",
        ),
        (
            json!({"CognitoIdentityProviders": [{"ProviderName": "cognito-idp.x/y", "ClientId": "a b"}]}),
            "CognitoIdentityProviders.ClientId",
        ),
        (
            json!({"CognitoIdentityProviders": [{"ProviderName": "p", "ClientId": "a"}, {"ProviderName": "p", "ClientId": "a"}]}),
            "CognitoIdentityProviders",
        ),
        (
            json!({"OpenIdConnectProviderARNs": ["short"]}),
            "OpenIdConnectProviderARNs",
        ),
        (json!({"IdentityPoolTags": {"": "v"}}), "IdentityPoolTags"),
    ];
    for (extra, field) in cases {
        let e = err(&c, "CreateIdentityPool", base(extra.clone()));
        invalid(&e, field);
    }
    let e = err(&c, "CreateIdentityPool", json!({"IdentityPoolName": "x"}));
    invalid(&e, "AllowUnauthenticatedIdentities");
    let listed = ok(&c, "ListIdentityPools", json!({"MaxResults": 60}));
    assert_eq!(listed["IdentityPools"], json!([]));
}

#[test]
fn update_replaces_the_configuration_and_keeps_the_developer_provider() {
    let c = console();
    let id = create(
        &c,
        json!({"IdentityPoolName": "app", "AllowUnauthenticatedIdentities": true,
               "DeveloperProviderName": "login.myapp",
               "SupportedLoginProviders": {"graph.facebook.com": "42"},
               "IdentityPoolTags": {"team": "web"}}),
    );
    let updated = ok(
        &c,
        "UpdateIdentityPool",
        json!({"IdentityPoolId": id, "IdentityPoolName": "renamed",
               "AllowUnauthenticatedIdentities": false}),
    );
    assert_eq!(updated["IdentityPoolName"], "renamed");
    assert_eq!(updated["AllowUnauthenticatedIdentities"], false);
    assert!(
        updated.get("SupportedLoginProviders").is_none(),
        "{updated}"
    );
    assert_eq!(updated["DeveloperProviderName"], "login.myapp");
    assert_eq!(updated["IdentityPoolTags"]["team"], "web");
    assert_eq!(
        ok(&c, "DescribeIdentityPool", json!({"IdentityPoolId": id})),
        updated
    );

    let e = err(
        &c,
        "UpdateIdentityPool",
        json!({"IdentityPoolId": id, "IdentityPoolName": "renamed",
               "AllowUnauthenticatedIdentities": false, "DeveloperProviderName": "other"}),
    );
    invalid(&e, "DeveloperProviderName");
    let e = err(
        &c,
        "UpdateIdentityPool",
        json!({"IdentityPoolId": MISSING, "IdentityPoolName": "x",
               "AllowUnauthenticatedIdentities": false}),
    );
    not_found(&e, MISSING);
    assert_eq!(audited(&c, "UpdateIdentityPool").len(), 3);
}

#[test]
fn delete_and_describe_refuse_unknown_and_malformed_ids() {
    let c = console();
    let id = plain(&c, "gone");
    let _ = ok(&c, "DeleteIdentityPool", json!({"IdentityPoolId": id}));
    not_found(
        &err(&c, "DescribeIdentityPool", json!({"IdentityPoolId": id})),
        &id,
    );
    not_found(
        &err(&c, "DeleteIdentityPool", json!({"IdentityPoolId": id})),
        &id,
    );
    for bad in ["us-east-1_AbC", "us-east-1:XYZ", ""] {
        invalid(
            &err(&c, "DescribeIdentityPool", json!({"IdentityPoolId": bad})),
            "IdentityPoolId",
        );
    }
}

#[test]
fn pools_are_listed_by_page() {
    let c = console();
    let ids: Vec<String> = (0..3).map(|i| plain(&c, &format!("pool {i}"))).collect();
    let first = ok(&c, "ListIdentityPools", json!({"MaxResults": 2}));
    assert_eq!(first["IdentityPools"][0]["IdentityPoolId"], ids[0]);
    assert_eq!(first["IdentityPools"][1]["IdentityPoolName"], "pool 1");
    let token = first["NextToken"].as_str().unwrap();
    let rest = ok(
        &c,
        "ListIdentityPools",
        json!({"MaxResults": 2, "NextToken": token}),
    );
    assert_eq!(rest["IdentityPools"].as_array().unwrap().len(), 1);
    assert_eq!(rest["IdentityPools"][0]["IdentityPoolId"], ids[2]);
    assert!(rest.get("NextToken").is_none());
    for bad in [0, 61] {
        invalid(
            &err(&c, "ListIdentityPools", json!({"MaxResults": bad})),
            "MaxResults",
        );
    }
    invalid(&err(&c, "ListIdentityPools", json!({})), "MaxResults");
    invalid(
        &err(
            &c,
            "ListIdentityPools",
            json!({"MaxResults": 2, "NextToken": "forged"}),
        ),
        "NextToken",
    );
}

#[test]
fn roles_and_role_mappings_are_kept_as_given() {
    let c = console();
    let id = with_providers(&c, "roles");
    let mappings = json!({
        "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC:client1": {
            "Type": "Rules", "AmbiguousRoleResolution": "Deny",
            "RulesConfiguration": {"Rules": [
                {"Claim": "custom:dept", "MatchType": "Equals", "Value": "eng", "RoleARN": ROLE}]}},
        "graph.facebook.com": {"Type": "Token", "AmbiguousRoleResolution": "AuthenticatedRole"}
    });
    let roles = json!({"authenticated": ROLE, "unauthenticated": UNAUTH});
    let _ = ok(
        &c,
        "SetIdentityPoolRoles",
        json!({"IdentityPoolId": id, "Roles": roles, "RoleMappings": mappings}),
    );
    let got = ok(&c, "GetIdentityPoolRoles", json!({"IdentityPoolId": id}));
    assert_eq!(got["IdentityPoolId"], id);
    assert_eq!(got["Roles"], roles);
    assert_eq!(got["RoleMappings"], mappings);
    assert_eq!(audited(&c, "SetIdentityPoolRoles").len(), 1);
}

#[test]
fn bad_roles_name_the_member() {
    let c = console();
    let id = plain(&c, "roles");
    let rule = |arn: &str| {
        json!({"p": {"Type": "Rules", "AmbiguousRoleResolution": "Deny",
            "RulesConfiguration": {"Rules": [{"Claim": "c", "MatchType": "Equals", "Value": "v", "RoleARN": arn}]}}})
    };
    let cases = [
        (json!({"Roles": {"admin": ROLE}}), "Roles.admin"),
        (
            json!({"Roles": {"authenticated": "arn:aws:iam::123:role/X"}}),
            "Roles.authenticated",
        ),
        (
            json!({"Roles": {}, "RoleMappings": rule("arn:aws:iam::123456789012:user/bob")}),
            r#"RoleMappings["p"].RulesConfiguration.Rules[1].RoleARN"#,
        ),
        (
            json!({"Roles": {}, "RoleMappings": {"p": {"Type": "Token"}}}),
            r#"RoleMappings["p"].AmbiguousRoleResolution"#,
        ),
        (
            json!({"Roles": {}, "RoleMappings": {"p": {"Type": "Rules", "AmbiguousRoleResolution": "Deny"}}}),
            r#"RoleMappings["p"].RulesConfiguration"#,
        ),
        (
            json!({"Roles": {}, "RoleMappings": {"p": {"Type": "Token", "AmbiguousRoleResolution": "Deny",
                "RulesConfiguration": {"Rules": [{"Claim": "c", "MatchType": "Equals", "Value": "v", "RoleARN": ROLE}]}}}}),
            r#"RoleMappings["p"].RulesConfiguration"#,
        ),
        (
            json!({"Roles": {}, "RoleMappings": {"p": {"Type": "Guess"}}}),
            "RoleMappings.p.Type",
        ),
        (
            json!({"Roles": {}, "RoleMappings": (0..11).map(|i| (format!("p{i}"), json!({"Type": "Token", "AmbiguousRoleResolution": "Deny"}))).collect::<serde_json::Map<_, _>>()}),
            "RoleMappings",
        ),
    ];
    for (mut body, field) in cases {
        body["IdentityPoolId"] = json!(id);
        invalid(&err(&c, "SetIdentityPoolRoles", body), field);
    }
    let e = err(
        &c,
        "SetIdentityPoolRoles",
        json!({"IdentityPoolId": MISSING, "Roles": {"authenticated": ROLE}}),
    );
    not_found(&e, MISSING);
    let got = ok(&c, "GetIdentityPoolRoles", json!({"IdentityPoolId": id}));
    assert_eq!(got["Roles"], json!({}));
}

#[test]
fn tags_are_added_listed_and_removed_by_arn() {
    let c = console();
    let id = plain(&c, "tagged");
    let _ = ok(
        &c,
        "TagResource",
        json!({"ResourceArn": arn(&id), "Tags": {"team": "web", "env": "dev"}}),
    );
    let _ = ok(
        &c,
        "UntagResource",
        json!({"ResourceArn": arn(&id), "TagKeys": ["env", "absent"]}),
    );
    let tags = ok(&c, "ListTagsForResource", json!({"ResourceArn": arn(&id)}));
    assert_eq!(tags, json!({"Tags": {"team": "web"}}));
    let described = ok(&c, "DescribeIdentityPool", json!({"IdentityPoolId": id}));
    assert_eq!(described["IdentityPoolTags"], json!({"team": "web"}));

    invalid(
        &err(
            &c,
            "ListTagsForResource",
            json!({"ResourceArn": "arn:aws:s3:::bucket"}),
        ),
        "ResourceArn",
    );
    invalid(
        &err(
            &c,
            "TagResource",
            json!({"ResourceArn": arn(&id), "Tags": {"k": "v".repeat(257)}}),
        ),
        "Tags.k",
    );
    not_found(
        &err(
            &c,
            "ListTagsForResource",
            json!({"ResourceArn": arn(MISSING)}),
        ),
        MISSING,
    );
    let other = format!("arn:aws:cognito-identity:us-east-1:999999999999:identitypool/{id}");
    not_found(
        &err(
            &c,
            "UntagResource",
            json!({"ResourceArn": other, "TagKeys": []}),
        ),
        &id,
    );
}

#[test]
fn principal_tag_maps_are_kept_per_provider() {
    let c = console();
    let id = plain(&c, "abac");
    let provider = "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC";
    let unset = ok(
        &c,
        "GetPrincipalTagAttributeMap",
        json!({"IdentityPoolId": id, "IdentityProviderName": provider}),
    );
    assert_eq!(unset["UseDefaults"], false);
    assert_eq!(unset["PrincipalTags"], json!({}));
    let set = ok(
        &c,
        "SetPrincipalTagAttributeMap",
        json!({"IdentityPoolId": id, "IdentityProviderName": provider,
               "PrincipalTags": {"department": "custom:dept", "client": "aud"}}),
    );
    assert_eq!(set["PrincipalTags"]["department"], "custom:dept");
    let got = ok(
        &c,
        "GetPrincipalTagAttributeMap",
        json!({"IdentityPoolId": id, "IdentityProviderName": provider}),
    );
    assert_eq!(got, set);
    invalid(
        &err(
            &c,
            "SetPrincipalTagAttributeMap",
            json!({"IdentityPoolId": id, "IdentityProviderName": provider,
                   "PrincipalTags": {"k": ""}}),
        ),
        "PrincipalTags.k",
    );
    invalid(
        &err(
            &c,
            "SetPrincipalTagAttributeMap",
            json!({"IdentityPoolId": id, "IdentityProviderName": ""}),
        ),
        "IdentityProviderName",
    );
    not_found(
        &err(
            &c,
            "GetPrincipalTagAttributeMap",
            json!({"IdentityPoolId": MISSING, "IdentityProviderName": provider}),
        ),
        MISSING,
    );
}

#[test]
fn role_mappings_name_only_the_pools_providers_and_keep_cognitos_rule_quota() {
    let c = console();
    let id = with_providers(&c, "providers");
    let token = json!({"Type": "Token", "AmbiguousRoleResolution": "Deny"});
    let e = err(
        &c,
        "SetIdentityPoolRoles",
        json!({"IdentityPoolId": id, "Roles": {},
               "RoleMappings": {"accounts.google.com": token}}),
    );
    invalid(&e, "RoleMappings[\"accounts.google.com\"]");
    assert!(e.message.contains("is not a configured provider"), "{e:?}");
    let rules: Vec<_> = (0..26)
        .map(|i| json!({"Claim": "c", "MatchType": "Equals", "Value": format!("v{i}"), "RoleARN": ROLE}))
        .collect();
    let e = err(
        &c,
        "SetIdentityPoolRoles",
        json!({"IdentityPoolId": id, "Roles": {},
               "RoleMappings": {"graph.facebook.com": {"Type": "Rules", "AmbiguousRoleResolution": "Deny",
                   "RulesConfiguration": {"Rules": rules}}}}),
    );
    assert_eq!(e.code, ErrorCode::InvalidParameterException, "{e:?}");
    assert!(
        e.field.as_deref().is_some_and(|f| f.contains("Rules")),
        "26 rules are refused at the rules: {e:?}"
    );
    let got = ok(&c, "GetIdentityPoolRoles", json!({"IdentityPoolId": id}));
    assert!(
        got.get("RoleMappings")
            .is_none_or(|m| m.as_object().is_some_and(|m| m.is_empty())),
        "nothing was stored: {got}"
    );
}
