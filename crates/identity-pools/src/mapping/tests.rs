//! Role resolution and validation, case by case.

use serde_json::{Map, Value, json};

use super::model::{AUTHENTICATED, UNAUTHENTICATED};
use super::*;

pub(super) const USER_POOL: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc123";
pub(super) const CLIENT: &str = "4abc5client";

pub(super) fn arn(name: &str) -> String {
    format!("arn:aws:iam::123456789012:role/{name}")
}

pub(super) fn pool_roles() -> Roles {
    [
        (AUTHENTICATED.to_owned(), arn("Auth")),
        (UNAUTHENTICATED.to_owned(), arn("Guest")),
    ]
    .into()
}

pub(super) fn rule(claim: &str, match_type: MatchType, value: &str, role: &str) -> MappingRule {
    MappingRule {
        claim: claim.into(),
        match_type,
        value: value.into(),
        role_arn: arn(role),
    }
}

pub(super) fn rules_mapping(
    rules: Vec<MappingRule>,
    ambiguous: AmbiguousRoleResolution,
) -> RoleMappings {
    let mapping = RoleMapping {
        mapping_type: RoleMappingType::Rules,
        ambiguous_role_resolution: Some(ambiguous),
        rules_configuration: Some(RulesConfiguration { rules }),
    };
    [(format!("{USER_POOL}:{CLIENT}"), mapping)].into()
}

fn token_mapping(ambiguous: AmbiguousRoleResolution) -> RoleMappings {
    let mapping = RoleMapping {
        mapping_type: RoleMappingType::Token,
        ambiguous_role_resolution: Some(ambiguous),
        rules_configuration: None,
    };
    [(format!("{USER_POOL}:{CLIENT}"), mapping)].into()
}

pub(super) fn claims(extra: Value) -> Map<String, Value> {
    let mut claims = json!({ "sub": "u-1", "aud": CLIENT, "token_use": "id" });
    if let (Some(base), Value::Object(extra)) = (claims.as_object_mut(), extra) {
        base.extend(extra);
    }
    match claims {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

pub(super) fn run(
    mappings: &RoleMappings,
    claims: &Map<String, Value>,
    custom: Option<&str>,
) -> Explanation {
    let roles = pool_roles();
    resolve(&Request {
        roles: &roles,
        role_mappings: mappings,
        login: Login::Provider {
            provider: USER_POOL,
            claims,
        },
        custom_role_arn: custom,
    })
}

fn role_of(e: &Explanation) -> (String, RoleSource) {
    match &e.decision {
        Decision::Role { role_arn, source } => (role_arn.clone(), source.clone()),
        Decision::Refused { refusal } => panic!("refused: {refusal:?}"),
    }
}

fn refusal_of(e: &Explanation) -> Refusal {
    match &e.decision {
        Decision::Refused { refusal } => refusal.clone(),
        Decision::Role { role_arn, .. } => panic!("chose {role_arn}"),
    }
}

#[test]
fn no_mapping_gives_the_authenticated_role_and_guests_the_unauthenticated_one() {
    let e = run(&RoleMappings::new(), &claims(json!({})), None);
    assert_eq!(
        role_of(&e),
        (arn("Auth"), RoleSource::DefaultAuthenticatedRole)
    );
    assert_eq!(e.mapping_key, None);
    let roles = pool_roles();
    let guest = resolve(&Request {
        roles: &roles,
        role_mappings: &RoleMappings::new(),
        login: Login::Guest,
        custom_role_arn: None,
    });
    assert_eq!(
        role_of(&guest),
        (arn("Guest"), RoleSource::UnauthenticatedRole)
    );
    assert_eq!(guest.provider, None);
}

#[test]
fn a_missing_role_is_an_invalid_pool_configuration() {
    let roles = Roles::new();
    let e = resolve(&Request {
        roles: &roles,
        role_mappings: &RoleMappings::new(),
        login: Login::Guest,
        custom_role_arn: None,
    });
    let refusal = refusal_of(&e);
    assert_eq!(refusal.code, "InvalidIdentityPoolConfigurationException");
    assert_eq!(
        refusal.message,
        "Invalid identity pool configuration. Check assigned IAM roles for this pool."
    );
    assert!(
        refusal.reason.contains("unauthenticated"),
        "{}",
        refusal.reason
    );
}

#[test]
fn each_match_type() {
    let c = claims(
        json!({ "custom:dept": "Sales-EU", "cognito:groups": ["admins", "ops"], "level": 3, "paid": true }),
    );
    let cases = [
        (
            rule("custom:dept", MatchType::Equals, "Sales-EU", "R"),
            RuleOutcome::Matched,
        ),
        (
            rule("custom:dept", MatchType::Equals, "sales-eu", "R"),
            RuleOutcome::ValueDiffers,
        ),
        (
            rule("custom:dept", MatchType::Contains, "es-E", "R"),
            RuleOutcome::Matched,
        ),
        (
            rule("custom:dept", MatchType::Contains, "US", "R"),
            RuleOutcome::ValueDiffers,
        ),
        (
            rule("custom:dept", MatchType::StartsWith, "Sales", "R"),
            RuleOutcome::Matched,
        ),
        (
            rule("custom:dept", MatchType::StartsWith, "EU", "R"),
            RuleOutcome::ValueDiffers,
        ),
        (
            rule("custom:dept", MatchType::NotEqual, "Ops", "R"),
            RuleOutcome::Matched,
        ),
        (
            rule("custom:dept", MatchType::NotEqual, "Sales-EU", "R"),
            RuleOutcome::ValueDiffers,
        ),
        (
            rule("cognito:groups", MatchType::Contains, "admins", "R"),
            RuleOutcome::Matched,
        ),
        (
            rule("cognito:groups", MatchType::Equals, "ops", "R"),
            RuleOutcome::Matched,
        ),
        (
            rule("cognito:groups", MatchType::NotEqual, "ops", "R"),
            RuleOutcome::ValueDiffers,
        ),
        (
            rule("level", MatchType::Equals, "3", "R"),
            RuleOutcome::Matched,
        ),
        (
            rule("paid", MatchType::Equals, "true", "R"),
            RuleOutcome::Matched,
        ),
        (
            rule("custom:tier", MatchType::Equals, "gold", "R"),
            RuleOutcome::ClaimMissing,
        ),
        (
            rule("custom:tier", MatchType::NotEqual, "gold", "R"),
            RuleOutcome::Skipped,
        ),
    ];
    for (r, want) in cases {
        let e = run(
            &rules_mapping(vec![r.clone()], AmbiguousRoleResolution::AuthenticatedRole),
            &c,
            None,
        );
        assert_eq!(e.rules[0].outcome, want, "{r:?}");
        let chosen = role_of(&e);
        if want == RuleOutcome::Matched {
            assert_eq!(chosen, (arn("R"), RoleSource::Rule { index: 1 }));
        } else {
            assert_eq!(
                chosen,
                (arn("Auth"), RoleSource::AmbiguousAuthenticatedRole)
            );
        }
    }
}

#[test]
fn first_match_wins_and_later_rules_are_not_evaluated() {
    let c = claims(json!({ "custom:dept": "Sales" }));
    let rules = vec![
        rule("custom:dept", MatchType::Equals, "Ops", "Ops"),
        rule("custom:dept", MatchType::StartsWith, "Sa", "Sales"),
        rule("custom:dept", MatchType::Equals, "Sales", "Exact"),
    ];
    let e = run(
        &rules_mapping(rules, AmbiguousRoleResolution::Deny),
        &c,
        None,
    );
    assert_eq!(role_of(&e), (arn("Sales"), RoleSource::Rule { index: 2 }));
    let outcomes: Vec<_> = e.rules.iter().map(|t| (t.outcome, t.chosen)).collect();
    assert_eq!(
        outcomes,
        [
            (RuleOutcome::ValueDiffers, false),
            (RuleOutcome::Matched, true),
            (RuleOutcome::NotEvaluated, false)
        ]
    );
    assert_eq!(
        e.rules[0].reason,
        "custom:dept is \"Sales\", wanted \"Ops\""
    );
    assert_eq!(e.rules[0].got.as_deref(), Some("\"Sales\""));
    assert_eq!(e.rules[2].reason, "not evaluated: an earlier rule matched");
    assert!(e.summary.contains("rule 2"), "{}", e.summary);
}

#[test]
fn no_match_resolves_by_ambiguous_role_resolution_both_ways() {
    let c = claims(json!({}));
    let rules = vec![rule("custom:dept", MatchType::Equals, "Ops", "Ops")];
    let e = run(
        &rules_mapping(rules.clone(), AmbiguousRoleResolution::AuthenticatedRole),
        &c,
        None,
    );
    assert_eq!(
        role_of(&e),
        (arn("Auth"), RoleSource::AmbiguousAuthenticatedRole)
    );
    let e = run(
        &rules_mapping(rules, AmbiguousRoleResolution::Deny),
        &c,
        None,
    );
    let refusal = refusal_of(&e);
    assert_eq!(refusal.code, "NotAuthorizedException");
    assert_eq!(
        refusal.message,
        "The ambiguous role mapping rules denied this request."
    );
    assert!(
        refusal.reason.contains("none of the 1 rules matched"),
        "{}",
        refusal.reason
    );
    assert_eq!(e.rules[0].outcome, RuleOutcome::ClaimMissing);
}

#[test]
fn custom_role_arn_on_rules_picks_among_matching_rules() {
    let c = claims(json!({ "custom:dept": "Sales" }));
    let rules = vec![
        rule("custom:dept", MatchType::StartsWith, "S", "First"),
        rule("custom:dept", MatchType::Equals, "Sales", "Second"),
        rule("custom:dept", MatchType::Equals, "Ops", "Third"),
    ];
    let m = rules_mapping(rules, AmbiguousRoleResolution::Deny);
    let second = arn("Second");
    let e = run(&m, &c, Some(&second));
    assert_eq!(role_of(&e), (second, RoleSource::CustomRoleArn));
    assert!(
        e.rules
            .iter()
            .all(|t| t.outcome != RuleOutcome::NotEvaluated)
    );
    assert_eq!(
        e.rules.iter().map(|t| t.chosen).collect::<Vec<_>>(),
        [false, true, false]
    );
    let third = arn("Third");
    let refusal = refusal_of(&run(&m, &c, Some(&third)));
    assert_eq!(refusal.code, "NotAuthorizedException");
    assert!(
        refusal.reason.contains(&arn("First")) && refusal.reason.contains(&arn("Second")),
        "{}",
        refusal.reason
    );
}

#[test]
fn custom_role_arn_without_a_mapping_must_be_the_authenticated_role() {
    let c = claims(json!({}));
    let auth = arn("Auth");
    assert_eq!(role_of(&run(&RoleMappings::new(), &c, Some(&auth))).0, auth);
    let other = arn("Other");
    assert_eq!(
        refusal_of(&run(&RoleMappings::new(), &c, Some(&other))).code,
        "NotAuthorizedException"
    );
}

#[test]
fn token_preferred_role_single_role_and_ambiguity() {
    let (a, b) = (arn("A"), arn("B"));
    let m = token_mapping(AmbiguousRoleResolution::Deny);
    let e = run(
        &m,
        &claims(json!({ "cognito:roles": [a, b], "cognito:preferred_role": b })),
        None,
    );
    assert_eq!(role_of(&e), (b.clone(), RoleSource::PreferredRole));
    assert_eq!(
        e.token,
        Some(TokenTrace {
            preferred_role: Some(b.clone()),
            roles: vec![a.clone(), b.clone()]
        })
    );
    let e = run(&m, &claims(json!({ "cognito:roles": [a] })), None);
    assert_eq!(role_of(&e), (a.clone(), RoleSource::CognitoRoles));
    let e = run(
        &m,
        &claims(json!({ "cognito:roles": format!("{a},{b}") })),
        None,
    );
    assert!(
        refusal_of(&e).reason.contains("2 roles"),
        "{:?}",
        e.decision
    );
    let lenient = token_mapping(AmbiguousRoleResolution::AuthenticatedRole);
    let e = run(&lenient, &claims(json!({ "cognito:roles": [a, b] })), None);
    assert_eq!(
        role_of(&e),
        (arn("Auth"), RoleSource::AmbiguousAuthenticatedRole)
    );
    let e = run(&lenient, &claims(json!({})), None);
    assert_eq!(
        role_of(&e),
        (arn("Auth"), RoleSource::AmbiguousAuthenticatedRole)
    );
}

#[test]
fn token_custom_role_arn_must_be_one_of_the_token_roles() {
    let (a, b, c) = (arn("A"), arn("B"), arn("C"));
    let m = token_mapping(AmbiguousRoleResolution::Deny);
    let tok = claims(json!({ "cognito:roles": [a, b], "cognito:preferred_role": a }));
    assert_eq!(
        role_of(&run(&m, &tok, Some(&b))),
        (b.clone(), RoleSource::CustomRoleArn)
    );
    let refusal = refusal_of(&run(&m, &tok, Some(&c)));
    assert_eq!(refusal.code, "NotAuthorizedException");
    assert!(
        refusal.reason.contains(&c) && refusal.reason.contains(&a),
        "{}",
        refusal.reason
    );
}

#[test]
fn user_pool_mappings_are_keyed_by_app_client() {
    let m = rules_mapping(
        vec![rule("sub", MatchType::Equals, "u-1", "Me")],
        AmbiguousRoleResolution::Deny,
    );
    let other_client = claims(json!({ "aud": "another-client" }));
    let e = run(&m, &other_client, None);
    assert_eq!(
        role_of(&e),
        (arn("Auth"), RoleSource::DefaultAuthenticatedRole)
    );
    let e = run(&m, &claims(json!({})), None);
    assert_eq!(
        e.mapping_key.as_deref(),
        Some(format!("{USER_POOL}:{CLIENT}").as_str())
    );
    assert_eq!(role_of(&e).0, arn("Me"));
}

#[test]
fn explanations_serialize_in_pascal_case() {
    let m = rules_mapping(
        vec![rule("custom:dept", MatchType::Equals, "Ops", "Ops")],
        AmbiguousRoleResolution::Deny,
    );
    let e = run(&m, &claims(json!({ "custom:dept": "Ops" })), None);
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(v["Decision"]["Outcome"], "Role");
    assert_eq!(v["Decision"]["RoleArn"], arn("Ops"));
    assert_eq!(
        v["Decision"]["Source"],
        json!({ "Kind": "Rule", "Index": 1 })
    );
    assert_eq!(v["Rules"][0]["RoleARN"], arn("Ops"));
    assert_eq!(v["Rules"][0]["Outcome"], "Matched");
    assert_eq!(v["MappingType"], "Rules");
    let back: Explanation = serde_json::from_value(v).unwrap();
    assert_eq!(back, e);
}

#[test]
fn role_mappings_read_cognitos_json() {
    let text = r#"{ "Type": "Rules", "AmbiguousRoleResolution": "Deny",
        "RulesConfiguration": { "Rules": [ { "Claim": "custom:dept", "MatchType": "StartsWith",
        "Value": "Sales", "RoleARN": "arn:aws:iam::123456789012:role/Sales" } ] } }"#;
    let m: RoleMapping = serde_json::from_str(text).unwrap();
    assert_eq!(
        m.rules_configuration.unwrap().rules[0].match_type,
        MatchType::StartsWith
    );
    assert!(serde_json::from_str::<RoleMapping>(r#"{ "Type": "Groups" }"#).is_err());
}

#[test]
fn reasons_and_summaries_read_as_sentences() {
    let c = claims(json!({ "custom:dept": "Ops", "cognito:groups": ["eu"] }));
    let rules = vec![
        rule("custom:tier", MatchType::Equals, "gold", "Gold"),
        rule("custom:tier", MatchType::NotEqual, "gold", "NotGold"),
        rule("custom:dept", MatchType::Contains, "Sal", "Sales"),
        rule("cognito:groups", MatchType::StartsWith, "us", "Us"),
        rule("custom:dept", MatchType::NotEqual, "Ops", "NotOps"),
    ];
    let e = run(
        &rules_mapping(rules, AmbiguousRoleResolution::Deny),
        &c,
        None,
    );
    let reasons: Vec<&str> = e.rules.iter().map(|t| t.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "the token has no custom:tier claim",
            "skipped: the token has no custom:tier claim, and NotEqual is not evaluated then",
            "custom:dept is \"Ops\", which does not contain \"Sal\"",
            "cognito:groups is [\"eu\"], which does not start with \"us\"",
            "custom:dept is \"Ops\", which NotEqual \"Ops\" excludes",
        ]
    );
    assert_eq!(
        e.summary,
        "Refused (NotAuthorizedException): none of the 5 rules matched, and AmbiguousRoleResolution is Deny."
    );
    let ok = run(&RoleMappings::new(), &c, None);
    assert_eq!(
        ok.summary,
        format!(
            "{}: the provider has no role mapping: the pool's authenticated role.",
            arn("Auth")
        )
    );
}

#[test]
fn a_guest_cannot_ask_for_another_role() {
    let roles = pool_roles();
    let other = arn("Admin");
    let e = resolve(&Request {
        roles: &roles,
        role_mappings: &RoleMappings::new(),
        login: Login::Guest,
        custom_role_arn: Some(&other),
    });
    assert_eq!(refusal_of(&e).code, "NotAuthorizedException");
}

#[test]
fn a_malformed_custom_role_arn_is_an_invalid_parameter() {
    let e = run(&RoleMappings::new(), &claims(json!({})), Some("Admins"));
    let refusal = refusal_of(&e);
    assert_eq!(refusal.code, "InvalidParameterException");
    assert_eq!(refusal.message, "CustomRoleArn 'Admins' is not an ARN.");
}
