//! The hooks' events and the reading of their answers, without a network.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use domain::user::UserStatus;
use serde_json::{Map, Value, json};
use storage::users::UserRow;
use user_pools::Error;
use user_pools::hooks::*;

fn user() -> UserRow {
    UserRow {
        pk: 1,
        pool: 1,
        username: "ana".into(),
        sub: "s-1".into(),
        status: UserStatus::Confirmed,
        enabled: true,
        attributes: BTreeMap::from([
            ("sub".to_string(), "s-1".to_string()),
            ("email".to_string(), "ana@example.com".to_string()),
        ]),
        password_hash: None,
        password_set_at: None,
        created_at: 0,
        updated_at: 0,
    }
}

fn claims() -> (Map<String, Value>, Map<String, Value>) {
    let id = json!({
        "sub": "s-1", "email": "ana@example.com", "cognito:groups": ["admins"],
        "cognito:roles": ["arn:r1"], "cognito:preferred_role": "arn:r1", "token_use": "id"
    });
    let access = json!({
        "sub": "s-1", "cognito:groups": ["admins"], "scope": "aws.cognito.signin.user.admin",
        "token_use": "access"
    });
    match (id, access) {
        (Value::Object(a), Value::Object(b)) => (a, b),
        _ => unreachable!(),
    }
}

#[test]
fn events_carry_the_shared_members() {
    let h = Header {
        pool_id: "us-east-1_abc",
        region: "us-east-1",
        trigger_source: "PreSignUp_SignUp",
        username: "ana",
        client_id: Some("c1"),
    };
    let e = event(&h, "1", json!({"x": 1}), pre_sign_up_response());
    assert_eq!(e["triggerSource"], "PreSignUp_SignUp");
    assert_eq!(e["userPoolId"], "us-east-1_abc");
    assert_eq!(e["callerContext"]["clientId"], "c1");
    assert_eq!(e["response"]["autoConfirmUser"], false);
    let attrs = user_attributes(&user());
    assert_eq!(attrs["cognito:user_status"], "CONFIRMED");
    assert_eq!(attrs["email"], "ana@example.com");
}

#[test]
fn pre_sign_up_answers_are_read_strictly() {
    let attrs = BTreeMap::from([("email".to_string(), "a@b.c".to_string())]);
    let a = read_pre_sign_up(
        &json!({"autoConfirmUser": true, "autoVerifyEmail": true}),
        &attrs,
    )
    .unwrap();
    assert!(a.auto_confirm_user && a.auto_verify_email && !a.auto_verify_phone);
    assert_eq!(
        read_pre_sign_up(&json!({}), &attrs).unwrap(),
        PreSignUp::default()
    );
    let e = read_pre_sign_up(&json!({"autoConfirmUser": "yes"}), &attrs).unwrap_err();
    assert!(e.to_string().contains("autoConfirmUser"), "{e}");
    assert!(read_pre_sign_up(&json!({"autoVerifyPhone": true}), &attrs).is_err());
}

#[test]
fn v1_overrides_the_id_token_and_groups_of_both() {
    let (mut id, mut access) = claims();
    let notes = apply_pre_token(
        &json!({"claimsOverrideDetails": {
            "claimsToAddOrOverride": {"tenant": "t1", "sub": "evil", "email": "x@y.z"},
            "claimsToSuppress": ["email", "token_use"],
            "groupOverrideDetails": {"groupsToOverride": ["g1", "g2"]}
        }}),
        false,
        &mut id,
        &mut access,
    )
    .unwrap();
    assert_eq!(id["tenant"], "t1");
    assert_eq!(id["sub"], "s-1");
    assert!(!id.contains_key("email"), "suppression wins over override");
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["cognito:groups"], json!(["g1", "g2"]));
    assert_eq!(access["cognito:groups"], json!(["g1", "g2"]));
    assert!(!id.contains_key("cognito:roles"));
    assert!(!id.contains_key("cognito:preferred_role"));
    assert!(
        !access.contains_key("tenant"),
        "V1 leaves the access token alone"
    );
    assert_eq!(notes.len(), 2, "{notes:?}");
}

#[test]
fn v2_changes_access_claims_and_scopes() {
    let (mut id, mut access) = claims();
    apply_pre_token(
        &json!({"claimsAndScopeOverrideDetails": {
            "idTokenGeneration": {"claimsToAddOrOverride": {"plan": "pro"}},
            "accessTokenGeneration": {
                "claimsToAddOrOverride": {"tenant": "t1"},
                "scopesToAdd": ["orders:read"],
                "scopesToSuppress": ["aws.cognito.signin.user.admin"]
            }
        }}),
        true,
        &mut id,
        &mut access,
    )
    .unwrap();
    assert_eq!(id["plan"], "pro");
    assert_eq!(access["tenant"], "t1");
    assert_eq!(access["scope"], "orders:read");
    assert_eq!(
        id["cognito:groups"],
        json!(["admins"]),
        "no group override, groups kept"
    );
}

#[test]
fn empty_group_override_suppresses_groups() {
    let (mut id, mut access) = claims();
    apply_pre_token(
        &json!({"claimsOverrideDetails": {"groupOverrideDetails": null}}),
        false,
        &mut id,
        &mut access,
    )
    .unwrap();
    assert!(!id.contains_key("cognito:groups"));
    assert!(!access.contains_key("cognito:groups"));
}

#[test]
fn malformed_answers_are_invalid_responses() {
    let (mut id, mut access) = claims();
    for bad in [
        json!({"claimsOverrideDetails": "x"}),
        json!({"claimsOverrideDetails": {"claimsToSuppress": "email"}}),
        json!({"claimsOverrideDetails": {"claimsToAddOrOverride": [1]}}),
        json!({"claimsOverrideDetails": {"groupOverrideDetails": {"groupsToOverride": [1]}}}),
    ] {
        let e = apply_pre_token(&bad, false, &mut id, &mut access).unwrap_err();
        assert!(matches!(e, Error::InvalidLambdaResponse(_)), "{e}");
    }
    let e = apply_pre_token(
        &json!({"claimsAndScopeOverrideDetails": {"accessTokenGeneration": {"scopesToAdd": ["a b"]}}}),
        true,
        &mut id,
        &mut access,
    )
    .unwrap_err();
    assert!(e.to_string().contains("scopesToAdd"));
}

#[test]
fn pre_sign_up_verifies_only_attributes_the_user_has() {
    let mut attrs = BTreeMap::from([("email".to_string(), "a@b.c".to_string())]);
    PreSignUp {
        auto_confirm_user: true,
        auto_verify_email: true,
        auto_verify_phone: true,
    }
    .verify_into(&mut attrs);
    assert_eq!(
        attrs.get("email_verified").map(String::as_str),
        Some("true")
    );
    assert!(!attrs.contains_key("phone_number_verified"));
    let mut untouched = attrs.clone();
    untouched.remove("email_verified");
    PreSignUp::default().verify_into(&mut untouched);
    assert!(!untouched.contains_key("email_verified"));
}

#[test]
fn custom_messages_keep_the_code() {
    let t = read_custom_message(
        &json!({"emailSubject": "Welcome", "emailMessage": "<b>{####}</b>", "smsMessage": null}),
        false,
    )
    .unwrap();
    assert_eq!(t.email_subject.as_deref(), Some("Welcome"));
    assert_eq!(t.sms_message, None);
    assert!(read_custom_message(&json!({"emailMessage": "no code"}), false).is_err());
    assert!(read_custom_message(&json!({"smsMessage": "{####}"}), true).is_err());
    assert!(read_custom_message(&json!({"smsMessage": "{username} {####}"}), true).is_ok());
    assert!(read_custom_message(&json!({"emailSubject": 3}), false).is_err());
    let r = custom_message_request(Value::Null, true, Value::Null);
    assert_eq!(r["codeParameter"], "{####}");
    assert_eq!(r["usernameParameter"], "{username}");
}

#[test]
fn migration_answers_make_a_user() {
    use domain::user::UserStatus;
    let (m, notes) = read_migration(
        &json!({"userAttributes": {"email": "a@b.c", "email_verified": "true", "sub": "x"},
            "finalUserStatus": "CONFIRMED", "messageAction": "SUPPRESS"}),
        false,
    )
    .unwrap();
    assert_eq!(m.status, UserStatus::Confirmed);
    assert_eq!(m.attributes.len(), 2);
    assert_eq!(notes.len(), 1, "sub is ignored, and said so");
    let (m, _) = read_migration(&json!({"userAttributes": {"email": "a@b.c"}}), true).unwrap();
    assert_eq!(m.status, UserStatus::ResetRequired);
    for bad in [
        json!({}),
        json!({"userAttributes": {}}),
        json!({"userAttributes": {"n": 1}}),
        json!({"userAttributes": {"email": "a@b.c"}, "finalUserStatus": "UNCONFIRMED"}),
    ] {
        assert!(read_migration(&bad, false).is_err(), "{bad}");
    }
    let r = migration_request(Some("pw"), Value::Null, Value::Null);
    assert_eq!(r["password"], "pw");
    assert!(
        migration_request(None, Value::Null, Value::Null)
            .get("password")
            .is_none()
    );
}

#[test]
fn pre_token_request_describes_groups_and_scopes() {
    let (id, access) = claims();
    let r = pre_token_request(&user(), &id, &access, true, Value::Null);
    assert_eq!(
        r["groupConfiguration"]["groupsToOverride"],
        json!(["admins"])
    );
    assert_eq!(r["groupConfiguration"]["preferredRole"], "arn:r1");
    assert_eq!(r["scopes"], json!(["aws.cognito.signin.user.admin"]));
    let r1 = pre_token_request(&user(), &id, &access, false, Value::Null);
    assert!(r1.get("scopes").is_none());
}
