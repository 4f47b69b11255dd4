//! Properties of the policy engine: Deny beats Allow, no match is an implicit deny, `*`
//! matches everything, and the wildcard matcher agrees with a plain reference matcher.

use identity_pools::policy::{
    Context, Decision, ImplicitReason, NamedPolicy, Pattern, PolicyDocument, PolicyKind, Request,
    decide_only, evaluate,
};
use proptest::prelude::*;
use serde_json::json;

/// The obvious recursive matcher, character by character.
fn reference(pattern: &[char], s: &[char]) -> bool {
    match pattern.split_first() {
        None => s.is_empty(),
        Some(('*', rest)) => (0..=s.len()).any(|i| reference(rest, &s[i..])),
        Some(('?', rest)) => !s.is_empty() && reference(rest, &s[1..]),
        Some((c, rest)) => s.first() == Some(c) && reference(rest, &s[1..]),
    }
}

fn statement() -> impl Strategy<Value = serde_json::Value> {
    (
        prop::bool::ANY,
        "(s3|sqs):[A-Za-z*?]{1,6}",
        "arn:aws:s3:::[ab*?/]{0,6}",
    )
        .prop_map(|(allow, action, resource)| {
            json!({
                "Effect": if allow { "Allow" } else { "Deny" },
                "Action": action,
                "Resource": resource,
            })
        })
}

fn parse(statements: Vec<serde_json::Value>) -> Result<NamedPolicy, TestCaseError> {
    let text = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
    PolicyDocument::parse(&text, PolicyKind::Permissions)
        .map(|d| NamedPolicy::new("p", d))
        .map_err(|e| TestCaseError::fail(e.to_string()))
}

proptest! {
    #[test]
    fn wildcards_agree_with_the_reference(pattern in "[ab*?]{0,8}", s in "[ab]{0,10}") {
        let p: Vec<char> = pattern.chars().collect();
        let v: Vec<char> = s.chars().collect();
        prop_assert_eq!(Pattern::wild(&pattern).matches(&s), reference(&p, &v));
    }

    #[test]
    fn a_star_matches_everything(s in any::<String>()) {
        prop_assert!(Pattern::wild("*").matches(&s));
        prop_assert!(Pattern::wild("*").matches_arn(&s));
    }

    #[test]
    fn allow_star_allows_every_request(action in "[a-z0-9-]{1,10}:[A-Za-z]{1,12}", resource in "arn:aws:[a-z]{1,5}:[a-z0-9-]{0,9}:[0-9]{0,12}:[ -~]{0,20}") {
        let p = [parse(vec![json!({"Effect": "Allow", "Action": "*", "Resource": "*"})])?];
        let ctx = Context::new();
        let r = Request { action: &action, resource: Some(&resource), principal: None, context: &ctx };
        prop_assert_eq!(evaluate(&p, None, &r).decision, Decision::Allowed);
    }

    #[test]
    fn deny_always_wins_over_allow(mut statements in prop::collection::vec(statement(), 0..8), action in "(s3|sqs):[A-Za-z]{1,6}", resource in "arn:aws:s3:::[ab/]{0,6}", at in 0usize..8) {
        // Whatever else the policy says, a Deny for exactly this action and resource wins.
        let deny = json!({"Effect": "Deny", "Action": action.clone(), "Resource": resource.clone()});
        let allow = json!({"Effect": "Allow", "Action": action.clone(), "Resource": resource.clone()});
        statements.push(allow);
        statements.insert(at.min(statements.len()), deny);
        let p = [parse(statements)?];
        let ctx = Context::new();
        let r = Request { action: &action, resource: Some(&resource), principal: None, context: &ctx };
        let e = evaluate(&p, None, &r);
        prop_assert_eq!(e.decision, Decision::ExplicitDeny);
        prop_assert!(!e.deciding.is_empty());
        prop_assert_eq!(decide_only(&p, None, &r), Decision::ExplicitDeny);
    }

    #[test]
    fn no_matching_statement_is_an_implicit_deny(statements in prop::collection::vec(statement(), 1..8), name in "[A-Za-z]{1,8}", resource in "arn:aws:s3:::[ab/]{0,6}") {
        // The statements only name s3 and sqs actions; ask for another service.
        let p = [parse(statements)?];
        let ctx = Context::new();
        let action = format!("dynamodb:{name}");
        let r = Request { action: &action, resource: Some(&resource), principal: None, context: &ctx };
        let e = evaluate(&p, None, &r);
        prop_assert_eq!(e.decision, Decision::ImplicitDeny);
        prop_assert_eq!(e.implicit_reason, Some(ImplicitReason::NoStatementAllows));
        prop_assert!(e.deciding.is_empty());
        prop_assert_eq!(e.not_applying().count(), e.statements.len());
    }

    #[test]
    fn the_fast_path_agrees_with_the_explained_one(statements in prop::collection::vec(statement(), 1..8), action in "(s3|sqs):[A-Za-z]{1,6}", resource in "arn:aws:s3:::[ab/]{0,6}") {
        let p = [parse(statements)?];
        let ctx = Context::new();
        let r = Request { action: &action, resource: Some(&resource), principal: None, context: &ctx };
        prop_assert_eq!(decide_only(&p, None, &r), evaluate(&p, None, &r).decision);
    }
}
