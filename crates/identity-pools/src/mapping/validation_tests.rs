//! Validation of role configurations and principal tag maps, and the session tags claims give.

use serde_json::json;

use super::tests::{CLIENT, USER_POOL, arn, claims, pool_roles, rule, rules_mapping};
use super::*;

fn problems(roles: &Roles, mappings: &RoleMappings) -> Vec<(String, String)> {
    match validate(roles, mappings) {
        Ok(()) => Vec::new(),
        Err(e) => e
            .problems
            .into_iter()
            .map(|p| (p.member, p.message))
            .collect(),
    }
}

#[test]
fn validation_names_each_member() {
    let key = format!("{USER_POOL}:{CLIENT}");
    assert!(
        problems(
            &pool_roles(),
            &rules_mapping(
                vec![rule("a", MatchType::Equals, "b", "R")],
                AmbiguousRoleResolution::Deny
            )
        )
        .is_empty()
    );

    let bad_rules = vec![
        MappingRule {
            claim: String::new(),
            match_type: MatchType::Equals,
            value: "v".into(),
            role_arn: arn("R"),
        },
        MappingRule {
            claim: "has space".into(),
            match_type: MatchType::Equals,
            value: "v".into(),
            role_arn: arn("R"),
        },
        MappingRule {
            claim: "c".repeat(65),
            match_type: MatchType::Equals,
            value: "v".repeat(129),
            role_arn: "Admins".into(),
        },
    ];
    let found = problems(
        &pool_roles(),
        &rules_mapping(bad_rules, AmbiguousRoleResolution::Deny),
    );
    let members: Vec<&str> = found.iter().map(|(m, _)| m.as_str()).collect();
    let at = |s: &str| format!("RoleMappings[\"{key}\"].RulesConfiguration.Rules{s}");
    assert_eq!(
        members,
        [
            at("[1].Claim"),
            at("[2].Claim"),
            at("[3].Claim"),
            at("[3].Value"),
            at("[3].RoleARN")
        ]
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
    );
    assert!(found[1].1.contains("' '"), "{}", found[1].1);
    assert!(
        found[4].1.contains("'Admins' is not an ARN"),
        "{}",
        found[4].1
    );

    let too_many = (0..26)
        .map(|i| rule("c", MatchType::Equals, &i.to_string(), "R"))
        .collect();
    let found = problems(
        &pool_roles(),
        &rules_mapping(too_many, AmbiguousRoleResolution::Deny),
    );
    assert_eq!(
        found,
        [(at(""), "must hold 1-25 rules (holds 26)".to_owned())]
    );
    let found = problems(
        &pool_roles(),
        &rules_mapping(Vec::new(), AmbiguousRoleResolution::Deny),
    );
    assert_eq!(found[0].1, "must hold 1-25 rules (holds 0)");
}

#[test]
fn validation_of_types_roles_and_provider_count() {
    let bare = |t| RoleMapping {
        mapping_type: t,
        ambiguous_role_resolution: None,
        rules_configuration: None,
    };
    let m: RoleMappings = [(
        "graph.facebook.com".to_owned(),
        bare(RoleMappingType::Rules),
    )]
    .into();
    let found = problems(&Roles::new(), &m);
    assert_eq!(
        found.iter().map(|(m, _)| m.as_str()).collect::<Vec<_>>(),
        [
            "RoleMappings[\"graph.facebook.com\"].AmbiguousRoleResolution",
            "RoleMappings[\"graph.facebook.com\"].RulesConfiguration"
        ]
    );
    let roles: Roles = [
        (
            "authenticated".to_owned(),
            "arn:aws:iam::1:role/x".to_owned(),
        ),
        ("admin".to_owned(), arn("A")),
    ]
    .into();
    let found = problems(&roles, &RoleMappings::new());
    assert_eq!(found[0].0, "Roles.admin");
    assert_eq!(
        found[1],
        (
            "Roles.authenticated".to_owned(),
            "'arn:aws:iam::1:role/x' has account '1', not 12 digits".to_owned()
        )
    );
    let eleven: RoleMappings = (0..11)
        .map(|i| {
            (
                format!("oidc{i}.example.com"),
                RoleMapping {
                    ambiguous_role_resolution: Some(AmbiguousRoleResolution::Deny),
                    ..bare(RoleMappingType::Token)
                },
            )
        })
        .collect();
    let found = problems(&pool_roles(), &eleven);
    assert_eq!(
        found,
        [(
            "RoleMappings".to_owned(),
            "at most 10 providers may have a role mapping (has 11)".to_owned()
        )]
    );
    let err = validate(&pool_roles(), &eleven).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("1 validation error detected: RoleMappings: at most 10"),
        "{err}"
    );
}

#[test]
fn a_token_mapping_takes_no_rules_and_providers_are_bracketed_json_strings() {
    let token_with_rules: RoleMappings = [(
        "cognito-idp.us-east-1.amazonaws.com/us-east-1_X:client".to_owned(),
        RoleMapping {
            mapping_type: RoleMappingType::Token,
            ambiguous_role_resolution: Some(AmbiguousRoleResolution::Deny),
            rules_configuration: Some(RulesConfiguration {
                rules: vec![rule("a", MatchType::Equals, "b", "R")],
            }),
        },
    )]
    .into();
    assert_eq!(
        problems(&pool_roles(), &token_with_rules),
        [(
            r#"RoleMappings["cognito-idp.us-east-1.amazonaws.com/us-east-1_X:client"].RulesConfiguration"#
                .to_owned(),
            "is only for Type Rules".to_owned()
        )]
    );
    assert_eq!(mapping_member(r#"a"b\c"#), r#"RoleMappings["a\"b\\c"]"#);
}

#[test]
fn mapped_providers_must_be_configured() {
    let m = rules_mapping(
        vec![rule("a", MatchType::Equals, "b", "R")],
        AmbiguousRoleResolution::Deny,
    );
    let key = format!("{USER_POOL}:{CLIENT}");
    assert!(check_providers(&m, [key.as_str()]).is_ok());
    let err = check_providers(&m, ["accounts.google.com"]).unwrap_err();
    assert_eq!(
        err.problems[0].message,
        format!("{key} is not a valid RoleMapping ProviderName or is not a configured provider.")
    );
}

#[test]
fn principal_tags_from_defaults_and_custom_maps() {
    let c = claims(json!({ "custom:dept": "Sales", "cognito:groups": ["a"], "n": 5 }));
    let defaults = PrincipalTagMap {
        use_defaults: true,
        ..Default::default()
    };
    let tags = principal_tags(&defaults, USER_POOL, &c).unwrap();
    let pairs: Vec<_> = tags
        .tags
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_str()))
        .collect();
    assert_eq!(pairs, [("client", CLIENT), ("username", "u-1")]);
    let custom = PrincipalTagMap {
        use_defaults: false,
        principal_tags: [
            ("dept", "custom:dept"),
            ("groups", "cognito:groups"),
            ("n", "n"),
            ("gone", "custom:none"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .into(),
    };
    let tags = principal_tags(&custom, USER_POOL, &c).unwrap();
    let pairs: Vec<_> = tags
        .tags
        .iter()
        .map(|t| (t.key.as_str(), t.value.as_str()))
        .collect();
    assert_eq!(pairs, [("dept", "Sales"), ("n", "5")]);
    let skipped: Vec<_> = tags.skipped.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(skipped, ["gone", "groups"]);
    let long = claims(json!({ "custom:dept": "x".repeat(257) }));
    let err = principal_tags(&custom, USER_POOL, &long).unwrap_err();
    assert_eq!(err.member, "PrincipalTags.dept");
    assert_eq!(
        super::tags::defaults(ProviderKind::of("www.amazon.com"))["username"],
        "user_id"
    );
    assert!(super::tags::defaults(ProviderKind::of("cognito-identity.amazonaws.com")).is_empty());
    assert_eq!(
        ProviderKind::of("arn:aws:iam::123456789012:saml-provider/Corp"),
        ProviderKind::Saml
    );
}

#[test]
fn principal_tag_map_validation() {
    let many = PrincipalTagMap {
        use_defaults: false,
        principal_tags: (0..51)
            .map(|i| (format!("k{i}"), "sub".to_owned()))
            .collect(),
    };
    assert_eq!(many.validate().unwrap_err()[0].member, "PrincipalTags");
    let bad = PrincipalTagMap {
        use_defaults: false,
        principal_tags: [
            (String::new(), "sub".to_owned()),
            ("k".repeat(129), "sub".to_owned()),
            ("ok".to_owned(), String::new()),
        ]
        .into(),
    };
    let found = bad.validate().unwrap_err();
    assert_eq!(found.len(), 3);
    assert!(
        found[2].message.contains("claim name"),
        "{}",
        found[2].message
    );
    let json = serde_json::to_value(&many).unwrap();
    assert!(json.get("UseDefaults").is_some() && json.get("PrincipalTags").is_some());
}
