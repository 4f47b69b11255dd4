//! Role resolution against a full rule list: 25 rules (Cognito's quota per provider), the 25th
//! the one that matches, so every rule is evaluated and explained.
//!
//! ```text
//! cargo bench -p identity-pools --bench mapping
//! ```

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use identity_pools::mapping::{
    AmbiguousRoleResolution, Login, MappingRule, MatchType, Request, RoleMapping, RoleMappingType,
    RoleMappings, Roles, RulesConfiguration, resolve,
};
use serde_json::{Map, Value, json};

const USER_POOL: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc123";
const CLIENT: &str = "4abc5client";

fn arn(name: &str) -> String {
    format!("arn:aws:iam::123456789012:role/{name}")
}

fn setup() -> (Roles, RoleMappings, Map<String, Value>) {
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
    let claims = json!({
        "sub": "7f3c", "aud": CLIENT, "token_use": "id", "custom:dept": "Sales",
        "cognito:groups": ["admins", "ops", "eu"], "email": "ana@example.com",
    });
    let claims = match claims {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    (roles, mappings, claims)
}

fn bench(c: &mut Criterion) {
    let (roles, mappings, claims) = setup();
    let request = Request {
        roles: &roles,
        role_mappings: &mappings,
        login: Login::Provider {
            provider: USER_POOL,
            claims: &claims,
        },
        custom_role_arn: None,
    };
    assert_eq!(
        resolve(&request).role(),
        Ok(arn("Sales").as_str()),
        "the 25th rule decides"
    );
    let mut group = c.benchmark_group("mapping");
    group.bench_function("resolve_25_rules", |b| {
        b.iter(|| resolve(black_box(&request)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
