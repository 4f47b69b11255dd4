//! The IAM documentation's Cognito examples, evaluated end to end, and the explanations.

use identity_pools::policy::{
    Context, Decision, ImplicitReason, NamedPolicy, NoMatch, Outcome, PolicyDocument, PolicyError,
    PolicyKind, Request, WebIdentity, decide_only, evaluate, evaluate_web_identity,
};

const POOL: &str = "us-east-1:12345678-1234-1234-1234-123456789012";
const IDENTITY: &str = "us-east-1:0c2f1b0e-aaaa-4bbb-8ccc-123456789abc";
const USER_POOL: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI";

fn policy(name: &str, text: &str) -> Result<NamedPolicy, PolicyError> {
    Ok(NamedPolicy::new(
        name,
        PolicyDocument::parse(text, PolicyKind::Permissions)?,
    ))
}

fn trust(text: &str) -> Result<NamedPolicy, PolicyError> {
    Ok(NamedPolicy::new(
        "trust",
        PolicyDocument::parse(text, PolicyKind::Trust)?,
    ))
}

fn identity_context() -> Context {
    Context::new()
        .with("cognito-identity.amazonaws.com:sub", IDENTITY)
        .with("cognito-identity.amazonaws.com:aud", POOL)
}

fn ask<'a>(action: &'a str, resource: &'a str, context: &'a Context) -> Request<'a> {
    Request {
        action,
        resource: Some(resource),
        principal: None,
        context,
    }
}

const AUTH_TRUST: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {"Federated": "cognito-identity.amazonaws.com"},
      "Action": "sts:AssumeRoleWithWebIdentity",
      "Condition": {
        "StringEquals": {"cognito-identity.amazonaws.com:aud": "us-east-1:12345678-1234-1234-1234-123456789012"},
        "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"}
      }
    }
  ]
}"#;

fn authenticated() -> WebIdentity {
    WebIdentity::authenticated(
        POOL,
        IDENTITY,
        &[
            USER_POOL,
            &format!("{USER_POOL}:1example23456789:CognitoSignIn:abc"),
        ],
    )
}

/// The unauthenticated role's trust policy exactly as the Cognito Developer Guide shows it
/// (role-trust-and-permissions), with its empty Sid.
const GUIDE_GUEST_TRUST: &str = r#"{ "Version": "2012-10-17", "Statement": [ { "Sid": "", "Effect": "Allow", "Principal": { "Federated": "cognito-identity.amazonaws.com" }, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": { "StringEquals": { "cognito-identity.amazonaws.com:aud": "us-east-1:12345678-corner-cafe-123456790ab" }, "ForAnyValue:StringLike": { "cognito-identity.amazonaws.com:amr": "unauthenticated" } } } ] }"#;

#[test]
fn the_guide_s_guest_trust_policy_and_its_facebook_variant() -> Result<(), PolicyError> {
    let pool = "us-east-1:12345678-corner-cafe-123456790ab";
    let t = trust(GUIDE_GUEST_TRUST)?;
    assert_eq!(t.document.statements[0].sid, None);
    assert!(evaluate_web_identity(&t, &WebIdentity::unauthenticated(pool, IDENTITY)).allowed());
    assert!(!evaluate_web_identity(&t, &WebIdentity::authenticated(pool, IDENTITY, &[])).allowed());
    // "a role that trusts only users who sign in through Facebook".
    let facebook =
        trust(&GUIDE_GUEST_TRUST.replace("\"unauthenticated\"", "\"graph.facebook.com\""))?;
    let via_facebook = WebIdentity::authenticated(pool, IDENTITY, &["graph.facebook.com"]);
    assert!(evaluate_web_identity(&facebook, &via_facebook).allowed());
    let via_user_pool = WebIdentity::authenticated(pool, IDENTITY, &[USER_POOL]);
    assert!(!evaluate_web_identity(&facebook, &via_user_pool).allowed());
    Ok(())
}

#[test]
fn the_guest_role_trusts_unauthenticated_identities_only() -> Result<(), PolicyError> {
    let t = trust(&AUTH_TRUST.replace("\"authenticated\"", "\"unauthenticated\""))?;
    let guest = WebIdentity::unauthenticated(POOL, IDENTITY);
    assert_eq!(guest.amr, ["unauthenticated"]);
    assert!(evaluate_web_identity(&t, &guest).allowed());
    let refused = evaluate_web_identity(&t, &authenticated());
    assert!(!refused.allowed());
    assert!(
        refused
            .refusal()
            .is_some_and(|r| r.contains("wanted [\"unauthenticated\"]"))
    );
    Ok(())
}

#[test]
fn trust_policy_lets_authenticated_identities_of_the_pool_in() -> Result<(), PolicyError> {
    let t = trust(AUTH_TRUST)?;
    let result = evaluate_web_identity(&t, &authenticated());
    assert!(result.allowed(), "{}", result.assume);
    assert_eq!(result.sts_error(), None);
    assert_eq!(result.refusal(), None);
    assert_eq!(result.assume.deciding.len(), 1);
    Ok(())
}

#[test]
fn trust_policy_refuses_guests_and_other_pools_naming_the_condition() -> Result<(), PolicyError> {
    let t = trust(AUTH_TRUST)?;
    let guest = WebIdentity {
        amr: vec!["unauthenticated".into()],
        ..authenticated()
    };
    let result = evaluate_web_identity(&t, &guest);
    assert!(!result.allowed());
    let error = result.sts_error();
    assert_eq!(error.as_ref().map(|e| e.code), Some("AccessDenied"));
    assert_eq!(
        error.map(|e| e.message).as_deref(),
        Some("Not authorized to perform sts:AssumeRoleWithWebIdentity")
    );
    assert_eq!(
        result.refusal().as_deref(),
        Some(
            "sts:AssumeRoleWithWebIdentity: trust Statement[0]: condition ForAnyValue:StringLike on key cognito-identity.amazonaws.com:amr failed: got [\"unauthenticated\"], wanted [\"authenticated\"]"
        )
    );

    let other_pool = WebIdentity {
        identity_pool_id: "us-east-1:99999999-0000-0000-0000-000000000000".into(),
        ..authenticated()
    };
    let refusal = evaluate_web_identity(&t, &other_pool).refusal();
    assert!(
        refusal.as_deref().is_some_and(|r| r.contains(
            "condition StringEquals on key cognito-identity.amazonaws.com:aud failed: got [\"us-east-1:99999999-0000-0000-0000-000000000000\"]"
        )),
        "{refusal:?}"
    );
    Ok(())
}

#[test]
fn trust_policy_for_another_principal_does_not_apply() -> Result<(), PolicyError> {
    let t = trust(
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}}"#,
    )?;
    let result = evaluate_web_identity(&t, &authenticated());
    assert!(!result.allowed());
    let refusal = result.refusal().unwrap_or_default();
    assert!(
        refusal.contains(
            "principal Federated: cognito-identity.amazonaws.com is not in Principal [\"Service: ec2.amazonaws.com\"]"
        ),
        "{refusal}"
    );
    Ok(())
}

#[test]
fn session_tags_need_sts_tag_session_too() -> Result<(), PolicyError> {
    let tagged = WebIdentity {
        session_tags: vec![("department".into(), "finance".into())],
        ..authenticated()
    };
    let only_assume = trust(AUTH_TRUST)?;
    let result = evaluate_web_identity(&only_assume, &tagged);
    assert!(result.assume.allowed());
    assert!(!result.allowed());
    assert_eq!(
        result.sts_error().map(|e| e.message).as_deref(),
        Some("Not authorized to perform sts:TagSession")
    );
    let with_tags = trust(&AUTH_TRUST.replace(
        "\"Action\": \"sts:AssumeRoleWithWebIdentity\"",
        "\"Action\": [\"sts:AssumeRoleWithWebIdentity\", \"sts:TagSession\"]",
    ))?;
    assert!(evaluate_web_identity(&with_tags, &tagged).allowed());
    // Tags are keys the trust policy can test.
    let finance_only = trust(
        &AUTH_TRUST
            .replace(
                "\"Action\": \"sts:AssumeRoleWithWebIdentity\"",
                "\"Action\": [\"sts:AssumeRoleWithWebIdentity\", \"sts:TagSession\"]",
            )
            .replace(
                "\"StringEquals\": {",
                "\"StringEquals\": {\"aws:RequestTag/department\": \"finance\", ",
            ),
    )?;
    assert!(evaluate_web_identity(&finance_only, &tagged).allowed());
    let sales = WebIdentity {
        session_tags: vec![("department".into(), "sales".into())],
        ..authenticated()
    };
    assert!(!evaluate_web_identity(&finance_only, &sales).allowed());
    Ok(())
}

const S3_PREFIX: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ListYourObjects",
      "Effect": "Allow",
      "Action": "s3:ListBucket",
      "Resource": ["arn:aws:s3:::bucket-name"],
      "Condition": {"StringLike": {"s3:prefix": ["cognito/application-name/${cognito-identity.amazonaws.com:sub}/*"]}}
    },
    {
      "Sid": "ReadWriteDeleteYourObjects",
      "Effect": "Allow",
      "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
      "Resource": ["arn:aws:s3:::bucket-name/cognito/application-name/${cognito-identity.amazonaws.com:sub}/*"]
    }
  ]
}"#;

#[test]
fn s3_objects_under_the_identity_s_own_prefix() -> Result<(), PolicyError> {
    let p = [policy("S3Own", S3_PREFIX)?];
    let ctx = identity_context();
    let own = format!("arn:aws:s3:::bucket-name/cognito/application-name/{IDENTITY}/photo.jpg");
    let theirs =
        "arn:aws:s3:::bucket-name/cognito/application-name/us-east-1:someone-else/photo.jpg";
    let yes = evaluate(&p, None, &ask("s3:GetObject", &own, &ctx));
    assert_eq!(yes.decision, Decision::Allowed);
    assert_eq!(
        yes.summary(),
        format!(
            "s3:GetObject on {own}: allowed by S3Own Statement[1] (ReadWriteDeleteYourObjects)"
        )
    );
    // Action names are case-insensitive.
    assert_eq!(
        evaluate(&p, None, &ask("S3:getobject", &own, &ctx)).decision,
        Decision::Allowed
    );
    let no = evaluate(&p, None, &ask("s3:GetObject", theirs, &ctx));
    assert_eq!(no.decision, Decision::ImplicitDeny);
    assert_eq!(no.implicit_reason, Some(ImplicitReason::NoStatementAllows));
    let reasons: Vec<String> = no
        .not_applying()
        .map(|(s, why)| format!("{s}: {why}"))
        .collect();
    assert_eq!(
        reasons,
        [
            "S3Own Statement[0] (ListYourObjects): action s3:GetObject is not in Action [\"s3:ListBucket\"]".to_string(),
            format!("S3Own Statement[1] (ReadWriteDeleteYourObjects): resource {theirs} is not in Resource [\"arn:aws:s3:::bucket-name/cognito/application-name/${{cognito-identity.amazonaws.com:sub}}/*\"]"),
        ]
    );

    // Listing: the prefix condition with the variable.
    let list_own = identity_context().with(
        "s3:prefix",
        &format!("cognito/application-name/{IDENTITY}/"),
    );
    assert!(
        evaluate(
            &p,
            None,
            &ask("s3:ListBucket", "arn:aws:s3:::bucket-name", &list_own)
        )
        .allowed()
    );
    let list_root = identity_context().with("s3:prefix", "cognito/application-name/");
    let refused = evaluate(
        &p,
        None,
        &ask("s3:ListBucket", "arn:aws:s3:::bucket-name", &list_root),
    );
    assert!(!refused.allowed());
    let failed = refused.failed_conditions();
    assert_eq!(failed.len(), 1);
    assert_eq!(
        failed[0].1.wanted,
        [format!("cognito/application-name/{IDENTITY}/*")]
    );

    // Without the identity's sub, the variable has no value and nothing matches.
    let anonymous = Context::new();
    let no_sub = evaluate(&p, None, &ask("s3:GetObject", &own, &anonymous));
    assert!(!no_sub.allowed());
    assert!(no_sub.not_applying().any(|(_, why)| matches!(
        why,
        NoMatch::Resource { missing_variable: Some(v), .. } if v == "cognito-identity.amazonaws.com:sub"
    )));
    Ok(())
}

const DYNAMO_LEADING_KEYS: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"],
      "Resource": ["arn:aws:dynamodb:*:*:table/MyTable"],
      "Condition": {
        "ForAllValues:StringEquals": {
          "dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"]
        }
      }
    }
  ]
}"#;

#[test]
fn dynamodb_items_keyed_by_the_identity() -> Result<(), PolicyError> {
    let p = [policy("Items", DYNAMO_LEADING_KEYS)?];
    let table = "arn:aws:dynamodb:us-east-1:111122223333:table/MyTable";
    let own = identity_context().with_values("dynamodb:LeadingKeys", [IDENTITY]);
    assert!(evaluate(&p, None, &ask("dynamodb:GetItem", table, &own)).allowed());
    let mixed =
        identity_context().with_values("dynamodb:LeadingKeys", [IDENTITY, "us-east-1:other"]);
    let no = evaluate(&p, None, &ask("dynamodb:Query", table, &mixed));
    assert_eq!(no.decision, Decision::ImplicitDeny);
    let text = no.to_string();
    assert!(
        text.contains("condition ForAllValues:StringEquals on key dynamodb:LeadingKeys failed"),
        "{text}"
    );
    assert!(!evaluate(&p, None, &ask("dynamodb:Scan", table, &own)).allowed());
    assert!(
        !evaluate(
            &p,
            None,
            &ask(
                "dynamodb:GetItem",
                "arn:aws:dynamodb:us-east-1:111122223333:table/Other",
                &own
            )
        )
        .allowed()
    );
    Ok(())
}

#[test]
fn explicit_deny_wins_and_is_named() -> Result<(), PolicyError> {
    let p = [
        policy(
            "Broad",
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#,
        )?,
        policy(
            "Guard",
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"NoDelete","Effect":"Deny","Action":"s3:Delete*","Resource":"arn:aws:s3:::bucket-name/*"}]}"#,
        )?,
    ];
    let ctx = Context::new();
    let r = ask("s3:DeleteObject", "arn:aws:s3:::bucket-name/x", &ctx);
    let e = evaluate(&p, None, &r);
    assert_eq!(e.decision, Decision::ExplicitDeny);
    assert_eq!(
        e.summary(),
        "s3:DeleteObject on arn:aws:s3:::bucket-name/x: explicitly denied by Guard Statement[0] (NoDelete)"
    );
    assert_eq!(decide_only(&p, None, &r), Decision::ExplicitDeny);
    assert_eq!(
        decide_only(
            &p,
            None,
            &ask("s3:GetObject", "arn:aws:s3:::bucket-name/x", &ctx)
        ),
        Decision::Allowed
    );
    Ok(())
}

#[test]
fn the_guest_scope_down_must_also_allow() -> Result<(), PolicyError> {
    let role = [policy(
        "Guest",
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:*","mobileanalytics:PutEvents"],"Resource":"*"}}"#,
    )?];
    let scope = policy(
        "scope-down",
        r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["mobileanalytics:*","cognito-sync:*"],"Resource":"*"}}"#,
    )?;
    let ctx = Context::new();
    let s3 = ask("s3:GetObject", "arn:aws:s3:::b/k", &ctx);
    let e = evaluate(&role, Some(&scope), &s3);
    assert_eq!(e.decision, Decision::ImplicitDeny);
    assert_eq!(
        e.implicit_reason,
        Some(ImplicitReason::ScopeDownDoesNotAllow)
    );
    assert!(e.summary().contains("the guest scope-down policy does not"));
    assert_eq!(
        decide_only(&role, Some(&scope), &s3),
        Decision::ImplicitDeny
    );
    let events = ask("mobileanalytics:PutEvents", "*", &ctx);
    let allowed = evaluate(&role, Some(&scope), &events);
    assert_eq!(allowed.decision, Decision::Allowed);
    assert_eq!(allowed.deciding.len(), 2);
    assert!(
        allowed
            .statements
            .iter()
            .all(|s| s.outcome == Outcome::Applies)
    );
    // Without the scope-down the role alone allows S3.
    assert!(evaluate(&role, None, &s3).allowed());
    Ok(())
}

#[test]
fn old_version_policies_take_variables_literally() -> Result<(), PolicyError> {
    let p = [policy(
        "Old",
        r#"{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/*"}}"#,
    )?];
    let ctx = identity_context();
    assert!(
        !evaluate(
            &p,
            None,
            &ask(
                "s3:GetObject",
                &format!("arn:aws:s3:::b/{IDENTITY}/k"),
                &ctx
            )
        )
        .allowed()
    );
    assert!(
        evaluate(
            &p,
            None,
            &ask(
                "s3:GetObject",
                "arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/k",
                &ctx
            )
        )
        .allowed()
    );
    Ok(())
}

#[test]
fn the_explanation_reads_statement_by_statement() -> Result<(), PolicyError> {
    let p = [policy(
        "Auth",
        r#"{"Version":"2012-10-17","Statement":[
          {"Sid":"Own","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${cognito-identity.amazonaws.com:sub}/*"},
          {"Sid":"Tagged","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"blue"},"Null":{"aws:SourceIp":"false"}}},
          {"Effect":"Deny","NotAction":"s3:*","Resource":"*"}]}"#,
    )?];
    let ctx = identity_context().with("aws:PrincipalTag/team", "red");
    let own = format!("arn:aws:s3:::b/{IDENTITY}/k");
    let e = evaluate(&p, None, &ask("s3:PutObject", &own, &ctx));
    assert_eq!(
        e.to_string(),
        format!(
            "s3:PutObject on {own}: denied: no statement allows it
  Allow Auth Statement[0] (Own): does not apply: action s3:PutObject is not in Action [\"s3:GetObject\"]
  Allow Auth Statement[1] (Tagged): does not apply: condition Null on key aws:SourceIp failed: the key is absent, wanted it present; condition StringEquals on key aws:PrincipalTag/team failed: got [\"red\"], wanted [\"blue\"]
  Deny Auth Statement[2]: does not apply: action s3:PutObject is excluded by NotAction [\"s3:*\"]
"
        )
    );
    Ok(())
}

#[test]
fn evaluations_serialize_for_the_console() -> Result<(), Box<dyn std::error::Error>> {
    let p = [policy("S3Own", S3_PREFIX)?];
    let ctx = identity_context();
    let e = evaluate(
        &p,
        None,
        &ask("s3:PutObject", "arn:aws:s3:::elsewhere/k", &ctx),
    );
    let json = serde_json::to_value(&e)?;
    assert_eq!(json["decision"], "ImplicitDeny");
    assert_eq!(json["statements"][0]["statement"]["sid"], "ListYourObjects");
    assert!(json["statements"][1]["outcome"]["DoesNotApply"]["Resource"].is_object());
    Ok(())
}
