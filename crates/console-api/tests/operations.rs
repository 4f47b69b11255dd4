//! The operations on a real store in a temp dir, with a fixed clock.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use console_api::dto::*;
use console_api::{Actor, ErrorCode};
use domain::user::UserStatus;
use testkit::{TestConsole, call};

fn console() -> TestConsole {
    TestConsole::at(1_700_000_000_000)
}

fn pool(c: &TestConsole, extra: serde_json::Value) -> String {
    let mut body = serde_json::json!({"PoolName": "demo"});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    let r: UserPoolResponse = call(c, "CreateUserPool", body).unwrap();
    r.user_pool.id
}

fn user(c: &TestConsole, pool: &str, name: &str, email: &str) {
    let _: AdminCreateUserResponse = call(
        c,
        "AdminCreateUser",
        serde_json::json!({"UserPoolId": pool, "Username": name, "MessageAction": "SUPPRESS",
            "UserAttributes": [{"Name": "email", "Value": email}]}),
    )
    .unwrap();
}

fn audit_count(c: &TestConsole) -> usize {
    let r: ListAuditEventsResponse =
        call(c, "ListAuditEvents", serde_json::json!({"Limit": 1000})).unwrap();
    r.events.len()
}

#[test]
fn created_pool_is_described_with_cognito_defaults() {
    let c = console();
    let id = pool(&c, serde_json::json!({}));
    assert!(id.starts_with("us-east-1_"), "{id}");
    let r: UserPoolResponse = call(
        &c,
        "DescribeUserPool",
        serde_json::json!({"UserPoolId": id}),
    )
    .unwrap();
    let p = r.user_pool;
    assert_eq!(p.name, "demo");
    assert_eq!(p.settings.policies.password_policy.minimum_length, 8);
    assert_eq!(p.estimated_number_of_users, 0);
    assert!(p.schema_attributes.iter().any(|a| a.name == "email"));
    assert_eq!(
        p.arn,
        format!("arn:aws:cognito-idp:us-east-1:000000000000:userpool/{id}")
    );
}

#[test]
fn a_bad_password_policy_names_its_field_and_changes_nothing() {
    let c = console();
    let before = audit_count(&c);
    let err = call::<UserPoolResponse>(
        &c,
        "CreateUserPool",
        serde_json::json!({"PoolName": "p", "Policies": {"PasswordPolicy": {"MinimumLength": 3}}}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidParameterException);
    assert_eq!(
        err.field.as_deref(),
        Some("Policies.PasswordPolicy.MinimumLength")
    );
    let list: ListUserPoolsResponse =
        call(&c, "ListUserPools", serde_json::json!({"MaxResults": 60})).unwrap();
    assert!(
        list.user_pools.is_empty(),
        "a refused create leaves no pool"
    );
    assert_eq!(audit_count(&c), before + 1, "only the failure is recorded");
}

#[test]
fn wrong_types_and_unknown_enums_name_the_member() {
    let c = console();
    let err = call::<UserPoolResponse>(
        &c,
        "CreateUserPool",
        serde_json::json!({"PoolName": "p", "MfaConfiguration": "SOMETIMES"}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("MfaConfiguration"), "{err:?}");
    let err = call::<UserPoolResponse>(&c, "CreateUserPool", serde_json::json!({})).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("PoolName"), "{err:?}");
    let err = c
        .dispatch_json(&Actor::console(), "CreateUserPool", b"{not json")
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::SerializationException);
    let err = c
        .dispatch_json(&Actor::console(), "MakeCoffee", b"{}")
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::UnknownOperationException);
}

/// A body of `base` plus `unknown` members Poolhouse does not know and `bad`.
fn hostile_body(base: serde_json::Value, unknown: usize, bad: serde_json::Value) -> Vec<u8> {
    let mut body = base.as_object().unwrap().clone();
    for i in 0..unknown {
        body.insert(format!("Unknown{i}"), serde_json::json!(i));
    }
    body.extend(bad.as_object().unwrap().clone());
    serde_json::to_vec(&body).unwrap()
}

#[test]
fn a_wrong_member_among_thousands_of_unknown_ones_is_named() {
    // Naming the member at fault once re-read the body once per member: 8,000 members took 33 s
    // of CPU. It now comes from the one parse (the count is proved in console_api::wire's tests).
    let c = console();
    let pool_id = pool(&c, serde_json::json!({}));
    let r: UserPoolClientResponse = call(
        &c,
        "CreateUserPoolClient",
        serde_json::json!({"UserPoolId": pool_id, "ClientName": "web"}),
    )
    .unwrap();
    let client_id = r.user_pool_client.client_id;
    let cases = [
        (
            "CreateUserPool",
            serde_json::json!({"PoolName": "p"}),
            serde_json::json!({"MfaConfiguration": 5}),
            "MfaConfiguration",
        ),
        (
            "UpdateUserPool",
            serde_json::json!({"UserPoolId": pool_id}),
            serde_json::json!({"Policies": {"PasswordPolicy": {"MinimumLength": "eight"}}}),
            "Policies.PasswordPolicy.MinimumLength",
        ),
        (
            "CreateUserPoolClient",
            serde_json::json!({"UserPoolId": pool_id, "ClientName": "c"}),
            serde_json::json!({"AccessTokenValidity": "long"}),
            "AccessTokenValidity",
        ),
        (
            "UpdateUserPoolClient",
            serde_json::json!({"UserPoolId": pool_id, "ClientId": client_id}),
            serde_json::json!({"ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", 7]}),
            "ExplicitAuthFlows[1]",
        ),
    ];
    for (op, base, bad, field) in cases {
        let body = hostile_body(base, 20_000, bad);
        let err = c.dispatch_json(&Actor::console(), op, &body).unwrap_err();
        assert_eq!(
            err.code,
            ErrorCode::InvalidParameterException,
            "{op}: {err:?}"
        );
        assert_eq!(err.field.as_deref(), Some(field), "{op}: {err:?}");
    }
}

#[test]
fn immutable_settings_are_refused_on_update() {
    let c = console();
    let id = pool(&c, serde_json::json!({}));
    let err = call::<Empty>(
        &c,
        "UpdateUserPool",
        serde_json::json!({"UserPoolId": id, "UsernameAttributes": ["email"]}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("UsernameAttributes"));
    let _: Empty = call(
        &c,
        "UpdateUserPool",
        serde_json::json!({"UserPoolId": id, "PoolName": "renamed"}),
    )
    .unwrap();
    let d: UserPoolResponse = call(
        &c,
        "DescribeUserPool",
        serde_json::json!({"UserPoolId": id}),
    )
    .unwrap();
    assert_eq!(
        d.user_pool.name, "renamed",
        "pools can be renamed, as in Cognito"
    );
    let _: Empty = call(&c, "UpdateUserPool", serde_json::json!({"UserPoolId": id, "MfaConfiguration": "OPTIONAL", "DeletionProtection": "ACTIVE"})).unwrap();
    let err =
        call::<Empty>(&c, "DeleteUserPool", serde_json::json!({"UserPoolId": id})).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("DeletionProtection"));
}

#[test]
fn duplicate_usernames_are_refused_case_insensitively_and_leave_no_trace() {
    let c = console();
    let id = pool(
        &c,
        serde_json::json!({"UsernameConfiguration": {"CaseSensitive": false}}),
    );
    user(&c, &id, "Alice", "alice@example.com");
    let before = audit_count(&c);
    let err = call::<AdminCreateUserResponse>(
        &c,
        "AdminCreateUser",
        serde_json::json!({"UserPoolId": id, "Username": "alice", "MessageAction": "SUPPRESS"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::UsernameExistsException);
    let d: UserPoolResponse = call(
        &c,
        "DescribeUserPool",
        serde_json::json!({"UserPoolId": id}),
    )
    .unwrap();
    assert_eq!(d.user_pool.estimated_number_of_users, 1);
    let log: ListAuditEventsResponse = call(&c, "ListAuditEvents", serde_json::json!({})).unwrap();
    assert_eq!(log.events.len(), before + 1);
    assert_eq!(log.events[0].outcome, AuditOutcome::Failure);
    assert_eq!(
        log.events[0].error_code.as_deref(),
        Some("UsernameExistsException")
    );
}

#[test]
fn invitations_go_to_the_outbox_with_a_working_temporary_password() {
    let c = console();
    let id = pool(&c, serde_json::json!({}));
    let r: AdminCreateUserResponse = call(
        &c,
        "AdminCreateUser",
        serde_json::json!({"UserPoolId": id, "Username": "bob", "DesiredDeliveryMediums": ["EMAIL"],
            "UserAttributes": [{"Name": "email", "Value": "bob@example.com"}]}),
    )
    .unwrap();
    assert_eq!(r.user.user_status, UserStatus::ForceChangePassword);
    let out: ListOutboxMessagesResponse = call(
        &c,
        "ListOutboxMessages",
        serde_json::json!({"UserPoolId": id}),
    )
    .unwrap();
    assert_eq!(out.messages.len(), 1);
    assert_eq!(out.messages[0].destination, "bob@example.com");
    assert!(out.messages[0].body.contains("bob"));
    let err = call::<AdminCreateUserResponse>(
        &c,
        "AdminCreateUser",
        serde_json::json!({"UserPoolId": id, "Username": "carol", "TemporaryPassword": "short"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidPasswordException);
    assert_eq!(err.field.as_deref(), Some("TemporaryPassword"));
}

#[test]
fn attributes_are_checked_against_the_schema() {
    let c = console();
    let id = pool(
        &c,
        serde_json::json!({"Schema": [{"Name": "tier", "AttributeDataType": "String", "Mutable": true}]}),
    );
    let bad = |attrs: serde_json::Value| {
        call::<AdminCreateUserResponse>(&c, "AdminCreateUser", serde_json::json!({"UserPoolId": id, "Username": "u", "MessageAction": "SUPPRESS", "UserAttributes": attrs})).unwrap_err()
    };
    assert_eq!(
        bad(serde_json::json!([{"Name": "email", "Value": "nope"}]))
            .field
            .as_deref(),
        Some("UserAttributes")
    );
    assert!(
        bad(serde_json::json!([{"Name": "custom:unknown", "Value": "x"}]))
            .message
            .contains("custom:unknown")
    );
    assert!(
        bad(serde_json::json!([{"Name": "sub", "Value": "x"}]))
            .message
            .contains("sub")
    );
    let _: AdminCreateUserResponse = call(&c, "AdminCreateUser", serde_json::json!({"UserPoolId": id, "Username": "u", "MessageAction": "SUPPRESS", "UserAttributes": [{"Name": "custom:tier", "Value": "gold"}]})).unwrap();
    let s: SearchUsersResponse = call(
        &c,
        "SearchUsers",
        serde_json::json!({"UserPoolId": id, "Query": "GOL"}),
    )
    .unwrap();
    assert_eq!(s.users.len(), 1, "search finds custom attribute values");
}

#[test]
fn control_characters_in_attribute_values_are_refused_by_name() {
    let c = console();
    let id = pool(
        &c,
        serde_json::json!({"Schema": [{"Name": "tier", "AttributeDataType": "String", "Mutable": true}]}),
    );
    let create = |name: &str, attrs: serde_json::Value| {
        call::<AdminCreateUserResponse>(
            &c,
            "AdminCreateUser",
            serde_json::json!({"UserPoolId": id, "Username": name, "MessageAction": "SUPPRESS", "UserAttributes": attrs}),
        )
    };
    for (attr, value) in [
        ("email", "a\u{0}@x.com"),
        ("email", "a\u{7f}b@x.com"),
        ("name", "Ann\u{0}"),
        ("given_name", "A\u{1b}[31mnn"),
        ("custom:tier", "gold\u{85}"),
    ] {
        let err = create("u", serde_json::json!([{"Name": attr, "Value": value}])).unwrap_err();
        assert_eq!(
            err.code,
            ErrorCode::InvalidParameterException,
            "{attr}: {err:?}"
        );
        assert_eq!(
            err.field.as_deref(),
            Some("UserAttributes"),
            "{attr}: {err:?}"
        );
        assert!(
            err.message
                .contains(&format!("{attr}: must not contain control characters")),
            "{attr}: {err:?}"
        );
    }
    // Line breaks and tabs stay allowed where text may have them (an address).
    create(
        "v",
        serde_json::json!([{"Name": "address", "Value": "1 Main St\n\tSpringfield"}]),
    )
    .unwrap();
    // And a change is checked as a creation is.
    let err = call::<serde_json::Value>(
        &c,
        "AdminUpdateUserAttributes",
        serde_json::json!({"UserPoolId": id, "Username": "v",
            "UserAttributes": [{"Name": "email", "Value": "v\u{0}@x.com"}]}),
    )
    .unwrap_err();
    assert!(
        err.message
            .contains("email: must not contain control characters"),
        "{err:?}"
    );
}

/// `token` with `from` replaced by `to` (of the same length) inside its decoded bytes, as
/// someone editing a token's cursor would.
fn edited_token(token: &str, from: &str, to: &str) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut bytes = URL_SAFE_NO_PAD.decode(token).unwrap();
    let at = bytes
        .windows(from.len())
        .position(|w| w == from.as_bytes())
        .unwrap_or_else(|| panic!("{from} is in the token's cursor"));
    bytes[at..at + from.len()].copy_from_slice(to.as_bytes());
    URL_SAFE_NO_PAD.encode(bytes)
}

#[test]
fn an_edited_pagination_token_is_refused() {
    let c = console();
    let id = pool(&c, serde_json::json!({}));
    for n in ["ann", "bob", "cat", "dan", "eve"] {
        user(&c, &id, n, &format!("{n}@example.com"));
    }
    let page: ListUsersResponse = call(
        &c,
        "ListUsers",
        serde_json::json!({"UserPoolId": id, "Limit": 2}),
    )
    .unwrap();
    let token = page.pagination_token.unwrap();
    // The token still works as issued.
    let next: ListUsersResponse = call(
        &c,
        "ListUsers",
        serde_json::json!({"UserPoolId": id, "Limit": 2, "PaginationToken": token}),
    )
    .unwrap();
    assert_eq!(next.users[0].username, "cat");
    // Moved back to the start of the listing: refused, not served.
    let edited = edited_token(&token, "bob", "ann");
    let err = call::<ListUsersResponse>(
        &c,
        "ListUsers",
        serde_json::json!({"UserPoolId": id, "Limit": 2, "PaginationToken": edited}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidParameterException, "{err:?}");
    assert_eq!(err.field.as_deref(), Some("PaginationToken"), "{err:?}");

    // The same for a listing paged by the console's own helper (groups).
    for g in ["g1", "g2", "g3"] {
        let _: serde_json::Value = call(
            &c,
            "CreateGroup",
            serde_json::json!({"UserPoolId": id, "GroupName": g}),
        )
        .unwrap();
    }
    let page: serde_json::Value = call(
        &c,
        "ListGroups",
        serde_json::json!({"UserPoolId": id, "Limit": 1}),
    )
    .unwrap();
    let token = page["NextToken"].as_str().unwrap();
    let edited = edited_token(token, "g1", "g2");
    let err = call::<serde_json::Value>(
        &c,
        "ListGroups",
        serde_json::json!({"UserPoolId": id, "Limit": 1, "NextToken": edited}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("NextToken"), "{err:?}");
    assert!(
        err.message.contains("is not a token this listing issued"),
        "{err:?}"
    );
}

#[test]
fn email_as_username_stores_the_sub_and_finds_by_email() {
    let c = console();
    let id = pool(&c, serde_json::json!({"UsernameAttributes": ["email"]}));
    let r: AdminCreateUserResponse = call(&c, "AdminCreateUser", serde_json::json!({"UserPoolId": id, "Username": "dana@example.com", "MessageAction": "SUPPRESS"})).unwrap();
    let sub = r
        .user
        .attributes
        .iter()
        .find(|a| a.name == "sub")
        .unwrap()
        .value
        .clone()
        .unwrap();
    assert_eq!(r.user.username, sub);
    let g: AdminGetUserResponse = call(
        &c,
        "AdminGetUser",
        serde_json::json!({"UserPoolId": id, "Username": "dana@example.com"}),
    )
    .unwrap();
    assert_eq!(g.username, sub);
    let err = call::<AdminCreateUserResponse>(&c, "AdminCreateUser", serde_json::json!({"UserPoolId": id, "Username": "dana@example.com", "MessageAction": "SUPPRESS"})).unwrap_err();
    assert_eq!(err.code, ErrorCode::UsernameExistsException);
    let err = call::<AdminCreateUserResponse>(&c, "AdminCreateUser", serde_json::json!({"UserPoolId": id, "Username": "not-an-email", "MessageAction": "SUPPRESS"})).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("Username"));
}

#[test]
fn list_users_filters_by_prefix_and_pages() {
    let c = console();
    let id = pool(&c, serde_json::json!({}));
    for i in 0..25 {
        user(
            &c,
            &id,
            &format!("user{i:02}"),
            &format!("{}{i}@example.com", if i % 2 == 0 { "even" } else { "odd" }),
        );
    }
    let mut token: Option<String> = None;
    let mut seen = 0;
    loop {
        let mut body =
            serde_json::json!({"UserPoolId": id, "Filter": "email ^= \"even\"", "Limit": 5});
        if let Some(t) = &token {
            body["PaginationToken"] = serde_json::json!(t);
        }
        let r: ListUsersResponse = call(&c, "ListUsers", body).unwrap();
        seen += r.users.len();
        assert!(r.users.iter().all(|u| {
            u.attributes
                .iter()
                .any(|a| a.name == "email" && a.value.as_deref().unwrap().starts_with("even"))
        }));
        match r.pagination_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    assert_eq!(seen, 13);
    let err = call::<ListUsersResponse>(
        &c,
        "ListUsers",
        serde_json::json!({"UserPoolId": id, "Filter": "custom:x = \"1\""}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("Filter"));
    let err = call::<ListUsersResponse>(
        &c,
        "ListUsers",
        serde_json::json!({"UserPoolId": id, "Limit": 61}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("Limit"));
    let r: ListUsersResponse = call(
        &c,
        "ListUsers",
        serde_json::json!({"UserPoolId": id, "Limit": 1, "AttributesToGet": ["email"]}),
    )
    .unwrap();
    assert_eq!(r.users[0].attributes.len(), 1);
}

#[test]
fn groups_membership_and_search_filters() {
    let c = console();
    let id = pool(
        &c,
        serde_json::json!({"UsernameConfiguration": {"CaseSensitive": false}}),
    );
    user(&c, &id, "ann", "ann@example.com");
    user(&c, &id, "ben", "ben@example.com");
    let g: GroupResponse = call(&c, "CreateGroup", serde_json::json!({"UserPoolId": id, "GroupName": "admins", "Precedence": 1, "RoleArn": "arn:aws:iam::123456789012:role/Admin"})).unwrap();
    assert_eq!(g.group.precedence, Some(1));
    let err = call::<GroupResponse>(
        &c,
        "CreateGroup",
        serde_json::json!({"UserPoolId": id, "GroupName": "admins"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::GroupExistsException);
    let err = call::<GroupResponse>(
        &c,
        "CreateGroup",
        serde_json::json!({"UserPoolId": id, "GroupName": "x", "RoleArn": "role"}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("RoleArn"));
    let _: Empty = call(
        &c,
        "AdminAddUserToGroup",
        serde_json::json!({"UserPoolId": id, "Username": "ann", "GroupName": "admins"}),
    )
    .unwrap();
    let mine: ListGroupsResponse = call(
        &c,
        "AdminListGroupsForUser",
        serde_json::json!({"UserPoolId": id, "Username": "ANN"}),
    )
    .unwrap();
    assert_eq!(mine.groups.len(), 1);
    let members: ListUsersInGroupResponse = call(
        &c,
        "ListUsersInGroup",
        serde_json::json!({"UserPoolId": id, "GroupName": "admins"}),
    )
    .unwrap();
    assert_eq!(members.users[0].username, "ann");
    let _: Empty = call(
        &c,
        "AdminDisableUser",
        serde_json::json!({"UserPoolId": id, "Username": "ben"}),
    )
    .unwrap();
    let s: SearchUsersResponse = call(
        &c,
        "SearchUsers",
        serde_json::json!({"UserPoolId": id, "GroupName": "admins"}),
    )
    .unwrap();
    assert_eq!(
        (s.total_count, s.users[0].groups.clone()),
        (1, vec!["admins".to_string()])
    );
    let s: SearchUsersResponse = call(
        &c,
        "SearchUsers",
        serde_json::json!({"UserPoolId": id, "Enabled": false}),
    )
    .unwrap();
    assert_eq!(s.users[0].username, "ben");
    let s: SearchUsersResponse = call(
        &c,
        "SearchUsers",
        serde_json::json!({"UserPoolId": id, "SortBy": "username", "SortDescending": true}),
    )
    .unwrap();
    assert_eq!(
        s.users
            .iter()
            .map(|u| u.username.as_str())
            .collect::<Vec<_>>(),
        ["ben", "ann"]
    );
    let _: Empty = call(
        &c,
        "DeleteGroup",
        serde_json::json!({"UserPoolId": id, "GroupName": "admins"}),
    )
    .unwrap();
    let mine: ListGroupsResponse = call(
        &c,
        "AdminListGroupsForUser",
        serde_json::json!({"UserPoolId": id, "Username": "ann"}),
    )
    .unwrap();
    assert!(mine.groups.is_empty());
}

#[test]
fn app_clients_get_ids_secrets_and_validated_validity() {
    let c = console();
    let id = pool(&c, serde_json::json!({}));
    let r: UserPoolClientResponse = call(&c, "CreateUserPoolClient", serde_json::json!({"UserPoolId": id, "ClientName": "web", "GenerateSecret": true, "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]})).unwrap();
    let client = r.user_pool_client;
    assert_eq!(client.client_id.len(), 26);
    assert!(client.client_secret.is_some());
    let err = call::<UserPoolClientResponse>(&c, "CreateUserPoolClient", serde_json::json!({"UserPoolId": id, "ClientName": "web", "AccessTokenValidity": 2, "TokenValidityUnits": {"AccessToken": "days"}})).unwrap_err();
    assert_eq!(err.field.as_deref(), Some("AccessTokenValidity"));
    let err = call::<UserPoolClientResponse>(
        &c,
        "CreateUserPoolClient",
        serde_json::json!({"UserPoolId": id, "ClientName": "x", "ReadAttributes": ["custom:nope"]}),
    )
    .unwrap_err();
    assert_eq!(err.field.as_deref(), Some("ReadAttributes[0]"));
    let list: ListUserPoolClientsResponse = call(
        &c,
        "ListUserPoolClients",
        serde_json::json!({"UserPoolId": id}),
    )
    .unwrap();
    assert_eq!(list.user_pool_clients.len(), 1);
    let _: Empty = call(
        &c,
        "DeleteUserPoolClient",
        serde_json::json!({"UserPoolId": id, "ClientId": client.client_id}),
    )
    .unwrap();
    let err = call::<UserPoolClientResponse>(
        &c,
        "DescribeUserPoolClient",
        serde_json::json!({"UserPoolId": id, "ClientId": client.client_id}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::ResourceNotFoundException);
}

#[test]
fn set_password_checks_policy_and_sets_status() {
    let c = console();
    let id = pool(&c, serde_json::json!({}));
    user(&c, &id, "eve", "eve@example.com");
    let err = call::<Empty>(
        &c,
        "AdminSetUserPassword",
        serde_json::json!({"UserPoolId": id, "Username": "eve", "Password": "weak"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidPasswordException);
    let _: Empty = call(&c, "AdminSetUserPassword", serde_json::json!({"UserPoolId": id, "Username": "eve", "Password": "Str0ng!Pass", "Permanent": true})).unwrap();
    let g: AdminGetUserResponse = call(
        &c,
        "AdminGetUser",
        serde_json::json!({"UserPoolId": id, "Username": "eve"}),
    )
    .unwrap();
    assert_eq!(g.user_status, UserStatus::Confirmed);
    let err = call::<Empty>(
        &c,
        "AdminSetUserPassword",
        serde_json::json!({"UserPoolId": id, "Username": "nobody", "Password": "Str0ng!Pass"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::UserNotFoundException);
}

#[test]
fn bindings_are_current() {
    // The UI's operation map is committed; a list change that is not carried into it fails
    // here (the fresh copy is written so that committing it is the fix).
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../ui/src/bindings/operations.ts");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let fresh = console_api::ops::typescript();
    if committed != fresh {
        std::fs::write(&path, &fresh).unwrap();
        panic!(
            "ui/src/bindings/operations.ts was out of date with the operation list; it has been \
             rewritten: commit it"
        );
    }
}

#[test]
fn every_listed_operation_answers_an_empty_body_and_has_schemas() {
    let c = console();
    for op in console_api::ops::OPERATIONS {
        // An empty body may be refused for missing members, but never as an unknown operation.
        if let Err(e) = c.dispatch_json(&Actor::console(), op.name, b"{}") {
            assert_ne!(
                e.code,
                ErrorCode::UnknownOperationException,
                "{} must be dispatched",
                op.name
            );
        }
        assert!(
            console_api::ops::request_schema(op.name).is_some(),
            "{} needs a request schema for the CLI",
            op.name
        );
        assert!(
            console_api::ops::response_schema(op.name).is_some(),
            "{} needs a response schema for the contract test",
            op.name
        );
    }
    let mut names: Vec<_> = console_api::ops::OPERATIONS
        .iter()
        .map(|o| o.name)
        .collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(
        names.len(),
        console_api::ops::OPERATIONS.len(),
        "operation names are unique"
    );
}

#[test]
fn a_second_process_changes_are_seen_at_the_next_operation() {
    // Two consoles on one file stand for `serve` and the CLI beside it: each keeps decoded
    // pools and workspace settings, and must notice the other's changes.
    let serve = console();
    let cli = serve.open_again();
    let id = pool(&serve, serde_json::json!({}));
    user(&serve, &id, "alice", "alice@example.com");
    let before: UserPoolResponse = call(
        &serve,
        "DescribeUserPool",
        serde_json::json!({"UserPoolId": id}),
    )
    .unwrap();
    assert_eq!(before.user_pool.estimated_number_of_users, 1);

    let _: serde_json::Value = call(
        &cli,
        "UpdateUserPool",
        serde_json::json!({"UserPoolId": id, "DeletionProtection": "ACTIVE"}),
    )
    .unwrap();
    user(&cli, &id, "bob", "bob@example.com");
    let after: serde_json::Value = call(
        &serve,
        "DescribeUserPool",
        serde_json::json!({"UserPoolId": id}),
    )
    .unwrap();
    assert_eq!(
        after["UserPool"]["DeletionProtection"], "ACTIVE",
        "the other process's update is seen"
    );
    assert_eq!(after["UserPool"]["EstimatedNumberOfUsers"], 2);
    let refused = call::<serde_json::Value>(
        &serve,
        "DeleteUserPool",
        serde_json::json!({"UserPoolId": id}),
    )
    .unwrap_err();
    assert_eq!(refused.code, ErrorCode::InvalidParameterException);

    let _: serde_json::Value = call(
        &cli,
        "UpdateWorkspace",
        serde_json::json!({"Region": "eu-west-1"}),
    )
    .unwrap();
    let other = pool(&serve, serde_json::json!({}));
    assert!(other.starts_with("eu-west-1_"), "{other}");

    let _: serde_json::Value = call(
        &cli,
        "DeleteUserPool",
        serde_json::json!({"UserPoolId": other}),
    )
    .unwrap();
    let gone = call::<UserPoolResponse>(
        &serve,
        "DescribeUserPool",
        serde_json::json!({"UserPoolId": other}),
    )
    .unwrap_err();
    assert_eq!(gone.code, ErrorCode::ResourceNotFoundException);
}

/// The store's bytes (the file and its WAL) contain `needle`.
fn store_contains(c: &TestConsole, needle: &str) -> bool {
    ["", "-wal"].iter().any(|suffix| {
        let mut p = c.store_path().as_os_str().to_owned();
        p.push(suffix);
        let bytes = std::fs::read(std::path::PathBuf::from(p)).unwrap_or_default();
        bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
    })
}

#[test]
fn access_key_secrets_are_sealed_at_rest() {
    let c = console().acting_as(Actor::cli());
    let key: serde_json::Value = call(&c, "CreateAccessKey", serde_json::json!({})).unwrap();
    let id = key["AccessKeyId"].as_str().unwrap();
    let secret = key["SecretAccessKey"].as_str().unwrap();
    assert!(
        !store_contains(&c, secret),
        "the secret is not in the store's file or WAL in clear"
    );
    let row = c.console().store_path().to_path_buf();
    let raw = storage::Db::open(&row).unwrap();
    let stored = raw
        .read(|r| storage::settings::get(r, "access_keys"))
        .unwrap()
        .unwrap();
    assert!(stored.contains(id) && !stored.contains(secret), "{stored}");
    drop(raw);
    // Another process opens it, and the endpoint's check still has the secret to verify with.
    let again = c.open_again();
    let (_, found) = again.signature_policy(Some(id)).unwrap();
    assert_eq!(found.as_deref(), Some(secret));
    let ws: serde_json::Value = call(&again, "DescribeWorkspace", serde_json::json!({})).unwrap();
    assert!(!ws.to_string().contains(secret), "never shown again: {ws}");
}

#[test]
fn a_store_with_access_key_secrets_in_clear_opens_and_seals_them() {
    let c = console();
    let path = c.store_path().to_path_buf();
    // What a build before secrets were sealed wrote.
    let raw = storage::Db::open(&path).unwrap();
    raw.write(|tx| {
        storage::settings::set(
            tx,
            "access_keys",
            r#"[{"id":"AKIAOLDKEY0000000000","secret":"an-old-secret-kept-in-clear"}]"#,
        )
    })
    .unwrap();
    let again = c.open_again();
    let (_, found) = again
        .signature_policy(Some("AKIAOLDKEY0000000000"))
        .unwrap();
    assert_eq!(found.as_deref(), Some("an-old-secret-kept-in-clear"));
    let stored = raw
        .read(|r| storage::settings::get(r, "access_keys"))
        .unwrap()
        .unwrap();
    assert!(
        stored.contains("AKIAOLDKEY0000000000") && !stored.contains("an-old-secret"),
        "sealed when the store was opened: {stored}"
    );
    drop(again);
    let third = c.open_again();
    let (_, found) = third
        .signature_policy(Some("AKIAOLDKEY0000000000"))
        .unwrap();
    assert_eq!(found.as_deref(), Some("an-old-secret-kept-in-clear"));
}

/// SearchUsers' IdentityProvider through the operation list: a user linked to a provider by
/// AdminLinkProviderForUser is found under that provider and under COGNITO (it signs in both
/// ways); a name the pool has no provider by is refused, naming the member.
#[test]
fn search_users_by_identity_provider() {
    let c = console();
    let id = pool(&c, serde_json::json!({}));
    user(&c, &id, "ann", "ann@example.com");
    user(&c, &id, "ben", "ben@example.com");
    let _: serde_json::Value = call(
        &c,
        "CreateIdentityProvider",
        serde_json::json!({"UserPoolId": id, "ProviderName": "Google", "ProviderType": "Google",
            "ProviderDetails": {"client_id": "gid", "client_secret": "gsecret",
                                "authorize_scopes": "openid email"}}),
    )
    .unwrap();
    let _: Empty = call(
        &c,
        "AdminLinkProviderForUser",
        serde_json::json!({"UserPoolId": id,
            "DestinationUser": {"ProviderName": "Cognito", "ProviderAttributeValue": "ann"},
            "SourceUser": {"ProviderName": "Google", "ProviderAttributeName": "Cognito_Subject",
                           "ProviderAttributeValue": "g-1"}}),
    )
    .unwrap();
    let names = |via: &str| {
        let s: SearchUsersResponse = call(
            &c,
            "SearchUsers",
            serde_json::json!({"UserPoolId": id, "IdentityProvider": via}),
        )
        .unwrap();
        assert_eq!(s.total_count, s.users.len() as i64, "{via}");
        s.users.into_iter().map(|u| u.username).collect::<Vec<_>>()
    };
    assert_eq!(names("Google"), ["ann"]);
    assert_eq!(names("*"), ["ann"]);
    assert_eq!(names("COGNITO"), ["ann", "ben"]);
    // Each row names the providers its user is linked to; the wire leaves the member out when
    // there is none.
    let all: serde_json::Value =
        call(&c, "SearchUsers", serde_json::json!({"UserPoolId": id})).unwrap();
    assert_eq!(all["Users"][0]["Username"], "ann");
    assert_eq!(
        all["Users"][0]["LinkedProviders"],
        serde_json::json!(["Google"])
    );
    assert!(all["Users"][1].get("LinkedProviders").is_none(), "{all}");
    let err = call::<SearchUsersResponse>(
        &c,
        "SearchUsers",
        serde_json::json!({"UserPoolId": id, "IdentityProvider": "Okta"}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidParameterException);
    assert_eq!(err.field.as_deref(), Some("IdentityProvider"));
    assert!(err.message.contains("Okta"), "{}", err.message);
}
