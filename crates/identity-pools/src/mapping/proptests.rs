//! Properties of rule evaluation.

use proptest::prelude::*;
use serde_json::json;

use super::tests::{arn, claims, rule, rules_mapping, run};
use super::*;

fn match_type() -> impl Strategy<Value = MatchType> {
    prop_oneof![
        Just(MatchType::Equals),
        Just(MatchType::Contains),
        Just(MatchType::StartsWith),
        Just(MatchType::NotEqual)
    ]
}

/// Short values over a small alphabet, so that rules match often enough to matter.
fn value() -> impl Strategy<Value = String> {
    "[ab]{1,3}"
}

fn a_rule() -> impl Strategy<Value = MappingRule> {
    (
        prop_oneof![Just("dept"), Just("tier"), Just("absent")],
        match_type(),
        value(),
        0u8..6,
    )
        .prop_map(|(claim, m, v, role)| rule(claim, m, &v, &format!("R{role}")))
}

fn decision_of(e: &Explanation) -> Result<String, String> {
    e.role().map(str::to_owned).map_err(|r| r.code.clone())
}

proptest! {
    /// Inserting a rule that does not match, anywhere, changes nothing about the decision.
    #[test]
    fn a_non_matching_rule_changes_nothing(
        rules in proptest::collection::vec(a_rule(), 0..8),
        extra in a_rule(),
        at in 0usize..9,
        dept in value(),
        tier in value(),
        deny in any::<bool>(),
    ) {
        let c = claims(json!({ "dept": dept, "tier": tier }));
        let (outcome, _) = resolve::evaluate_rule(&extra, &c);
        prop_assume!(outcome != RuleOutcome::Matched);
        let ambiguous = if deny { AmbiguousRoleResolution::Deny } else { AmbiguousRoleResolution::AuthenticatedRole };
        let before = run(&rules_mapping(rules.clone(), ambiguous), &c, None);
        let mut more = rules;
        more.insert(at.min(more.len()), extra);
        let after = run(&rules_mapping(more, ambiguous), &c, None);
        prop_assert_eq!(decision_of(&before), decision_of(&after));
    }

    /// A first rule `Equals` on the claim's own value always decides.
    #[test]
    fn equals_on_the_claims_own_value_first_always_wins(
        rules in proptest::collection::vec(a_rule(), 0..8),
        dept in value(),
    ) {
        let c = claims(json!({ "dept": dept }));
        let mut all = vec![rule("dept", MatchType::Equals, &dept, "Chosen")];
        all.extend(rules);
        let e = run(&rules_mapping(all, AmbiguousRoleResolution::Deny), &c, None);
        let chosen = arn("Chosen");
        prop_assert_eq!(e.role(), Ok(chosen.as_str()));
        prop_assert_eq!(&e.decision, &Decision::Role { role_arn: arn("Chosen"), source: RoleSource::Rule { index: 1 } });
    }

    /// For a present claim, NotEqual(x) matches exactly when Equals(x) does not.
    #[test]
    fn not_equal_is_the_negation_of_equals_for_present_claims(
        dept in prop_oneof![value().prop_map(|v| json!(v)), proptest::collection::vec(value(), 0..4).prop_map(|v| json!(v))],
        x in value(),
    ) {
        let c = claims(json!({ "dept": dept }));
        let (eq, _) = resolve::evaluate_rule(&rule("dept", MatchType::Equals, &x, "R"), &c);
        let (ne, _) = resolve::evaluate_rule(&rule("dept", MatchType::NotEqual, &x, "R"), &c);
        prop_assert_eq!(eq == RuleOutcome::Matched, ne != RuleOutcome::Matched);
        prop_assert!(ne == RuleOutcome::Matched || ne == RuleOutcome::ValueDiffers);
    }
}
