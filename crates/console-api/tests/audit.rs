//! The audit log names its targets as people know them, and its search finds them by those names.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use console_api::ErrorCode;
use console_api::dto::*;
use testkit::{TestConsole, call};

fn console() -> TestConsole {
    TestConsole::at(1_700_000_000_000)
}

fn email_pool(c: &TestConsole) -> String {
    let r: UserPoolResponse = call(
        c,
        "CreateUserPool",
        serde_json::json!({"PoolName": "people", "UsernameAttributes": ["email"]}),
    )
    .unwrap();
    r.user_pool.id
}

/// Creates a user signing in by `email` and answers their (UUID) username.
fn person(c: &TestConsole, pool: &str, email: &str, name: &str) -> String {
    let r: AdminCreateUserResponse = call(
        c,
        "AdminCreateUser",
        serde_json::json!({"UserPoolId": pool, "Username": email, "MessageAction": "SUPPRESS",
            "UserAttributes": [{"Name": "email", "Value": email}, {"Name": "name", "Value": name}]}),
    )
    .unwrap();
    r.user.username
}

fn events(c: &TestConsole, filter: serde_json::Value) -> Vec<AuditEventType> {
    let r: ListAuditEventsResponse = call(c, "ListAuditEvents", filter).unwrap();
    r.events
}

fn of<'a>(events: &'a [AuditEventType], op: &str) -> Vec<&'a AuditEventType> {
    events.iter().filter(|e| e.operation == op).collect()
}

#[test]
fn user_targets_are_labelled_with_email_and_name() {
    let c = console();
    let pool = email_pool(&c);
    let ada = person(&c, &pool, "ada@example.com", "Ada Lovelace");
    assert_ne!(ada, "ada@example.com", "an email pool's username is a UUID");
    let all = events(&c, serde_json::json!({}));
    let created = of(&all, "AdminCreateUser");
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].target.as_deref(), Some(ada.as_str()));
    assert_eq!(
        created[0].target_label.as_deref(),
        Some("ada@example.com (Ada Lovelace)")
    );
    // A pool's creation is named by the pool column, not labelled.
    assert_eq!(of(&all, "CreateUserPool")[0].target_label, None);
}

#[test]
fn memberships_clients_and_groups_are_labelled_by_their_names() {
    let c = console();
    let pool = email_pool(&c);
    let ada = person(&c, &pool, "ada@example.com", "Ada Lovelace");
    let _: GroupResponse = call(
        &c,
        "CreateGroup",
        serde_json::json!({"UserPoolId": pool, "GroupName": "admins"}),
    )
    .unwrap();
    let _: Empty = call(
        &c,
        "AdminAddUserToGroup",
        serde_json::json!({"UserPoolId": pool, "Username": ada, "GroupName": "admins"}),
    )
    .unwrap();
    let client: UserPoolClientResponse = call(
        &c,
        "CreateUserPoolClient",
        serde_json::json!({"UserPoolId": pool, "ClientName": "web"}),
    )
    .unwrap();
    let id = client.user_pool_client.client_id.to_string();
    let _: Empty = call(
        &c,
        "DeleteUserPoolClient",
        serde_json::json!({"UserPoolId": pool, "ClientId": id}),
    )
    .unwrap();
    let all = events(&c, serde_json::json!({}));
    let joined = of(&all, "AdminAddUserToGroup");
    assert_eq!(
        joined[0].target_label.as_deref(),
        Some("ada@example.com (Ada Lovelace) -> admins")
    );
    assert_eq!(of(&all, "CreateGroup")[0].target_label, None);
    // The deleted client is still named by the name it had.
    let deleted = of(&all, "DeleteUserPoolClient");
    assert_eq!(deleted[0].target.as_deref(), Some(id.as_str()));
    assert_eq!(deleted[0].target_label.as_deref(), Some("web"));
}

#[test]
fn a_deleted_user_keeps_the_label_they_had() {
    let c = console();
    let pool = email_pool(&c);
    let ada = person(&c, &pool, "ada@example.com", "Ada Lovelace");
    let _: Empty = call(
        &c,
        "AdminDeleteUser",
        serde_json::json!({"UserPoolId": pool, "Username": ada}),
    )
    .unwrap();
    let all = events(&c, serde_json::json!({}));
    for op in ["AdminCreateUser", "AdminDeleteUser"] {
        assert_eq!(
            of(&all, op)[0].target_label.as_deref(),
            Some("ada@example.com (Ada Lovelace)"),
            "{op}"
        );
    }
}

#[test]
fn a_changed_email_is_shown_and_found_as_it_is_now() {
    let c = console();
    let pool = email_pool(&c);
    let ada = person(&c, &pool, "ada@example.com", "Ada Lovelace");
    let _: Empty = call(
        &c,
        "AdminUpdateUserAttributes",
        serde_json::json!({"UserPoolId": pool, "Username": ada,
            "UserAttributes": [{"Name": "email", "Value": "countess@example.com"}]}),
    )
    .unwrap();
    let found = events(&c, serde_json::json!({"Search": "COUNTESS@"}));
    // Both records, the creation's too: the search looks at the user as they are now.
    assert_eq!(found.len(), 2);
    assert!(
        found
            .iter()
            .all(|e| { e.target_label.as_deref() == Some("countess@example.com (Ada Lovelace)") })
    );
    // The label kept at creation still finds it.
    let by_old = events(&c, serde_json::json!({"Search": "ada@example"}));
    assert_eq!(of(&by_old, "AdminCreateUser").len(), 1);
}

#[test]
fn search_matches_emails_names_usernames_and_nothing_else() {
    let c = console();
    let pool = email_pool(&c);
    let ada = person(&c, &pool, "ada@example.com", "Ada Lovelace");
    let bob = person(&c, &pool, "bob@example.org", "Bob Babbage");
    let _: GroupResponse = call(
        &c,
        "CreateGroup",
        serde_json::json!({"UserPoolId": pool, "GroupName": "lovelace-fans"}),
    )
    .unwrap();
    let by_email = events(&c, serde_json::json!({"Search": "ada@"}));
    assert_eq!(by_email.len(), 1);
    assert_eq!(by_email[0].target.as_deref(), Some(ada.as_str()));
    // A name matches the user and a group named alike.
    let by_name = events(&c, serde_json::json!({"Search": "lovelace"}));
    let ops: Vec<&str> = by_name.iter().map(|e| e.operation.as_str()).collect();
    assert_eq!(ops, ["CreateGroup", "AdminCreateUser"]);
    // The username itself, in part.
    let by_username = events(&c, serde_json::json!({"Search": &bob[..8]}));
    assert_eq!(by_username.len(), 1);
    assert_eq!(by_username[0].target.as_deref(), Some(bob.as_str()));
    // LIKE's wildcards are taken literally.
    assert!(events(&c, serde_json::json!({"Search": "%"})).is_empty());
    assert!(events(&c, serde_json::json!({"Search": "nobody@"})).is_empty());
    // Combined with the other filters.
    let none = events(
        &c,
        serde_json::json!({"Search": "ada@", "Operation": "AdminDeleteUser"}),
    );
    assert!(none.is_empty());
}

#[test]
fn an_overlong_search_is_refused_by_name() {
    let c = console();
    let err = call::<ListAuditEventsResponse>(
        &c,
        "ListAuditEvents",
        serde_json::json!({"Search": "x".repeat(257)}),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidParameterException);
    assert_eq!(err.field.as_deref(), Some("Search"));
}
