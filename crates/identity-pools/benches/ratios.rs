//! The identity pools' speed targets, each a ratio against one RS256 verify of a Cognito ID
//! token (`tokens::Verifier::verify`) measured in the same run:
//! - role-mapping resolution of 25 rules (the 25th matches, so every rule is evaluated and
//!   explained) ≤ 0.3 × one verify;
//! - the access check of a 20-statement permission policy (the 19th statement allows, so every
//!   statement is examined) ≤ 0.3 × one verify, with its explanation (`evaluate`) and as a bare
//!   decision (`decide_only`).
//!
//! ```text
//! cargo bench -p identity-pools --bench ratios     # BENCH_QUICK=1 for a smoke run
//! ```
//!
//! The ratios are taken as `docs/benchmarks.md` describes: every candidate runs back to back in
//! each round, timed by thread-CPU time over a whole loop (no clock read per operation), and the
//! median of the per-round ratios (candidate ÷ verify, CPU per operation) is reported and
//! written to `$BENCH_RESULTS_DIR/identity-pools.tsv` for `bench/summary.py`, with each
//! candidate's CPU time per operation.

#[path = "../../console-api/benches/common/harness.rs"]
mod harness;

use std::hint::black_box;
use std::time::Duration;

use harness::{Candidate, Loop, Report, Res, Verdict, fmt_ns, interleave, median_cpu_per_op};
use identity_pools::mapping::{
    self, AmbiguousRoleResolution, Login, MappingRule, MatchType, RoleMapping, RoleMappingType,
    RoleMappings, Roles, RulesConfiguration,
};
use identity_pools::policy::{
    self, Context, Decision, NamedPolicy, PolicyDocument, PolicyKind, decide_only, evaluate,
};
use serde_json::{Map, Value, json};
use tokens::{SigningKey, Verifier};

const NOW: i64 = 1_700_000_000;
const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc123";
const USER_POOL: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc123";
const CLIENT: &str = "4abc5client";
const IDENTITY: &str = "us-east-1:0c2f1b0e-aaaa-4bbb-8ccc-123456789abc";
/// Each target: candidate CPU per operation ≤ this × one verify's.
const TARGET: f64 = 0.3;

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("identity-pools ratios bench: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

fn arn(name: &str) -> String {
    format!("arn:aws:iam::123456789012:role/{name}")
}

/// The claims of a Cognito ID token (the one verified, and the one the rules read).
fn id_claims() -> Value {
    json!({
        "sub": "6f1c2a7e-1111-4222-8333-944445555666",
        "cognito:groups": ["admins", "ops", "eu"],
        "email_verified": true,
        "iss": ISSUER,
        "cognito:username": "ana",
        "given_name": "Ana",
        "origin_jti": "9d2f0c4e-0000-4000-8000-000000000001",
        "aud": CLIENT,
        "event_id": "9d2f0c4e-0000-4000-8000-000000000002",
        "token_use": "id",
        "auth_time": NOW - 10,
        "exp": NOW + 3600,
        "iat": NOW - 10,
        "family_name": "Lopes",
        "jti": "9d2f0c4e-0000-4000-8000-000000000004",
        "email": "ana@example.com",
        "custom:dept": "Sales",
    })
}

/// 25 rules (Cognito's quota per provider) over two claims and three match types; only the
/// 25th matches.
fn mapping_fixture() -> (Roles, RoleMappings) {
    let roles: Roles = [("authenticated".to_owned(), arn("Auth"))].into();
    let match_types = [
        MatchType::Equals,
        MatchType::Contains,
        MatchType::StartsWith,
    ];
    let mut rules: Vec<MappingRule> = (0..24)
        .map(|i| MappingRule {
            claim: if i % 2 == 0 {
                "custom:dept"
            } else {
                "cognito:groups"
            }
            .to_owned(),
            match_type: match_types[i % 3],
            value: format!("team-{i}"),
            role_arn: arn(&format!("Team{i}")),
        })
        .collect();
    rules.push(MappingRule {
        claim: "custom:dept".to_owned(),
        match_type: MatchType::Equals,
        value: "Sales".to_owned(),
        role_arn: arn("Sales"),
    });
    let mapping = RoleMapping {
        mapping_type: RoleMappingType::Rules,
        ambiguous_role_resolution: Some(AmbiguousRoleResolution::Deny),
        rules_configuration: Some(RulesConfiguration { rules }),
    };
    let mappings: RoleMappings = [(format!("{USER_POOL}:{CLIENT}"), mapping)].into();
    (roles, mappings)
}

/// The `policy` bench's 20 statements: 16 DynamoDB table grants with a set condition on a
/// policy variable, an IP-conditioned deny, a prefix listing, the allowing statement (19th:
/// ARN with a variable, set and date conditions) and a plain grant.
fn twenty_statements() -> Value {
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

fn policy_context() -> Context {
    Context::new()
        .with("cognito-identity.amazonaws.com:sub", IDENTITY)
        .with(
            "cognito-identity.amazonaws.com:aud",
            "us-east-1:12345678-1234-1234-1234-123456789012",
        )
        .with_values(
            "cognito-identity.amazonaws.com:amr",
            [
                "authenticated",
                "cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc123",
            ],
        )
        .with("aws:SourceIp", "203.0.113.7")
        .with("aws:CurrentTime", "2026-12-05T06:00:00Z")
}

/// How long each candidate's loop runs per round.
fn batch_time() -> Duration {
    if harness::quick() {
        Duration::from_millis(40)
    } else {
        Duration::from_millis(150)
    }
}

/// Median over rounds of `candidate ÷ base` thread-CPU per operation (the candidate's cost as a
/// fraction of the baseline's: the targets are upper bounds on it).
fn cost_ratio(candidate: &[Loop], base: &[Loop]) -> f64 {
    harness::median(
        &candidate
            .iter()
            .zip(base)
            .map(|(c, b)| c.cpu_per_op() / b.cpu_per_op())
            .collect::<Vec<_>>(),
    )
}

fn run() -> Res<()> {
    // The baseline: one RS256 verify of an ID token, keys from the published JWKS.
    let key = SigningKey::generate_rs256()?;
    let verifier = Verifier::from_jwks(&json!({ "keys": [key.public_jwk()] }))?;
    let claims_value = id_claims();
    let token = key.sign_jwt(&claims_value)?;
    let verify = |_| -> Res<()> {
        let v = verifier.verify(black_box(&token), NOW, 0)?;
        v.expect_token_use("id")?;
        black_box(v);
        Ok(())
    };

    // Role mapping: the claims the rules read are the verified token's.
    let claims: Map<String, Value> = match claims_value {
        Value::Object(map) => map,
        _ => return Err("the ID claims are not an object".into()),
    };
    let (roles, mappings) = mapping_fixture();
    let mapping_request = mapping::Request {
        roles: &roles,
        role_mappings: &mappings,
        login: Login::Provider {
            provider: USER_POOL,
            claims: &claims,
        },
        custom_role_arn: None,
    };
    let sales = arn("Sales");
    if mapping::resolve(&mapping_request).role() != Ok(sales.as_str()) {
        return Err("the 25th rule does not decide the role".into());
    }
    let resolve = |_| -> Res<()> {
        black_box(mapping::resolve(black_box(&mapping_request)));
        Ok(())
    };

    // The access check: 20 statements, allowed by the 19th.
    let document =
        PolicyDocument::parse(&twenty_statements().to_string(), PolicyKind::Permissions)?;
    if document.statements.len() != 20 {
        return Err(format!("{} statements, not 20", document.statements.len()).into());
    }
    let policies = [NamedPolicy::new("AuthenticatedRole", document)];
    let context = policy_context();
    let resource = format!("arn:aws:s3:::bucket-name/cognito/app/{IDENTITY}/photo.jpg");
    let policy_request = policy::Request {
        action: "s3:GetObject",
        resource: Some(&resource),
        principal: None,
        context: &context,
    };
    if evaluate(&policies, None, &policy_request).decision != Decision::Allowed
        || decide_only(&policies, None, &policy_request) != Decision::Allowed
    {
        return Err("the 20-statement policy does not allow the request".into());
    }
    let explained = |_| -> Res<()> {
        black_box(evaluate(
            black_box(&policies),
            None,
            black_box(&policy_request),
        ));
        Ok(())
    };
    let decided = |_| -> Res<()> {
        black_box(decide_only(
            black_box(&policies),
            None,
            black_box(&policy_request),
        ));
        Ok(())
    };

    let rounds = harness::rounds();
    let time = batch_time();
    // Loops sized from the fastest candidate; each is also bounded by `time`.
    let ops = harness::calibrate(time, 2_000_000, decided)?;
    println!(
        "identity pools vs one RS256 verify: {rounds} interleaved rounds, loops of ≤ {ops} \
         operations / ≤ {} ms each",
        time.as_millis()
    );
    let mut candidates = [
        Candidate::new("RS256 verify (ID token)", ops, time, verify),
        Candidate::new("mapping resolve, 25 rules", ops, time, resolve),
        Candidate::new("policy evaluate, 20 statements", ops, time, explained),
        Candidate::new("policy decide_only, 20 statements", ops, time, decided),
    ];
    let l = interleave(rounds, &mut candidates)?;
    for (c, loops) in candidates.iter().zip(&l) {
        println!(
            "  {:<36} {} cpu/op ({} wall/op)",
            c.name,
            fmt_ns(median_cpu_per_op(loops)),
            fmt_ns(harness::median(
                &loops.iter().map(Loop::wall_per_op).collect::<Vec<_>>()
            ))
        );
    }

    let mut report = Report::default();
    let rows = [
        (
            1,
            "role mapping: mapping::resolve of 25 rules (the 25th matches; the explained \
             result) ÷ one RS256 tokens::Verifier::verify of an ID token, thread-CPU",
            "resolve",
        ),
        (
            2,
            "access check: policy::evaluate of a 20-statement policy (the 19th allows; with the \
             explanation) ÷ one RS256 verify, thread-CPU",
            "evaluate",
        ),
        (
            3,
            "access check: policy::decide_only of the same 20 statements (no explanation) ÷ one \
             RS256 verify, thread-CPU",
            "decide",
        ),
    ];
    for (i, what, short) in rows {
        let ratio = cost_ratio(&l[i], &l[0]);
        report.row(
            "pools",
            what,
            format!(
                "{ratio:.3} ({short} {} vs verify {})",
                fmt_ns(median_cpu_per_op(&l[i])),
                fmt_ns(median_cpu_per_op(&l[0]))
            ),
            &format!("≤ {TARGET}"),
            Verdict::of(ratio <= TARGET),
        );
    }
    let path = report.write("identity-pools")?;
    println!("results: {}", path.display());
    Ok(())
}
