//! The cost of one permission decision: a 20-statement role policy (actions with wildcards,
//! ARNs with policy variables, string/set/date/IP conditions) evaluated for a request that the
//! 19th statement allows, so every statement is examined.
//!
//! ```text
//! cargo bench -p identity-pools --bench policy
//! ```
//!
//! Group `policy/evaluate_20_statements`: `explained` is `evaluate` (the decision with the
//! reason for every statement, what the console shows); `decision_only` is `decide_only`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use identity_pools::policy::{
    Context, Decision, NamedPolicy, PolicyDocument, PolicyKind, Request, decide_only, evaluate,
};
use serde_json::json;

const IDENTITY: &str = "us-east-1:0c2f1b0e-aaaa-4bbb-8ccc-123456789abc";

fn twenty_statements() -> serde_json::Value {
    let mut statements = Vec::new();
    for i in 0..16 {
        statements.push(json!({
            "Sid": format!("Table{i}"),
            "Effect": "Allow",
            "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
            "Resource": format!("arn:aws:dynamodb:*:111122223333:table/Table{i}"),
            "Condition": {
                "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["${cognito-identity.amazonaws.com:sub}"]}
            }
        }));
    }
    statements.push(json!({
        "Sid": "NoDeleteOutsideOffice",
        "Effect": "Deny",
        "Action": "s3:Delete*",
        "Resource": "*",
        "Condition": {"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}
    }));
    statements.push(json!({
        "Sid": "ListOwnPrefix",
        "Effect": "Allow",
        "Action": "s3:ListBucket",
        "Resource": "arn:aws:s3:::bucket-name",
        "Condition": {"StringLike": {"s3:prefix": ["cognito/app/${cognito-identity.amazonaws.com:sub}/*"]}}
    }));
    statements.push(json!({
        "Sid": "OwnObjects",
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
        "Resource": "arn:aws:s3:::bucket-name/cognito/app/${cognito-identity.amazonaws.com:sub}/*",
        "Condition": {
            "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
            "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}
        }
    }));
    statements.push(json!({
        "Sid": "Analytics",
        "Effect": "Allow",
        "Action": ["mobileanalytics:PutEvents", "cognito-sync:*"],
        "Resource": "*"
    }));
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn bench(c: &mut Criterion) {
    let text = twenty_statements().to_string();
    let Ok(document) = PolicyDocument::parse(&text, PolicyKind::Permissions) else {
        eprintln!("the bench policy does not parse");
        return;
    };
    assert_eq!(document.statements.len(), 20);
    let policies = [NamedPolicy::new("AuthenticatedRole", document)];
    let context = Context::new()
        .with("cognito-identity.amazonaws.com:sub", IDENTITY)
        .with(
            "cognito-identity.amazonaws.com:aud",
            "us-east-1:12345678-1234-1234-1234-123456789012",
        )
        .with_values(
            "cognito-identity.amazonaws.com:amr",
            [
                "authenticated",
                "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI",
            ],
        )
        .with("aws:SourceIp", "203.0.113.7")
        .with("aws:CurrentTime", "2026-12-05T06:00:00Z");
    let resource = format!("arn:aws:s3:::bucket-name/cognito/app/{IDENTITY}/photo.jpg");
    let request = Request {
        action: "s3:GetObject",
        resource: Some(&resource),
        principal: None,
        context: &context,
    };
    assert_eq!(
        evaluate(&policies, None, &request).decision,
        Decision::Allowed
    );
    assert_eq!(decide_only(&policies, None, &request), Decision::Allowed);

    let mut group = c.benchmark_group("policy/evaluate_20_statements");
    group.bench_function("explained", |b| {
        b.iter(|| evaluate(black_box(&policies), None, black_box(&request)))
    });
    group.bench_function("decision_only", |b| {
        b.iter(|| decide_only(black_box(&policies), None, black_box(&request)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
