//! The `identity_pools` table: a pool's documents come back as they were written.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use domain::IdentityPoolId;
use domain::identity_pool::{CognitoIdentityProvider, IdentityPoolConfig, PrincipalTagMap};
use storage::identity_pools;
use testkit::TestDb;

fn id(n: u8) -> IdentityPoolId {
    IdentityPoolId::parse(format!("us-east-1:0000000{n}-aaaa-bbbb-cccc-000000000000")).unwrap()
}

#[test]
fn a_pool_round_trips_and_is_replaced_whole() {
    let db = TestDb::new();
    let mut config = IdentityPoolConfig {
        allow_unauthenticated_identities: true,
        developer_provider_name: Some("login.example".into()),
        ..Default::default()
    };
    config
        .supported_login_providers
        .insert("accounts.google.com".into(), "app-1".into());
    config
        .cognito_identity_providers
        .push(CognitoIdentityProvider {
            provider_name: Some("cognito-idp.us-east-1.amazonaws.com/us-east-1_Abc".into()),
            client_id: Some("client1".into()),
            server_side_token_check: Some(true),
        });
    let tags = BTreeMap::from([("team".to_string(), "web".to_string())]);
    let pk = db
        .write(|tx| identity_pools::insert(tx, &id(1), "App", &config, &tags, 5))
        .unwrap();
    let row = db
        .read(|r| identity_pools::get(r, &id(1)))
        .unwrap()
        .unwrap();
    assert_eq!(row.pk, pk);
    assert_eq!(row.name, "App");
    assert_eq!(row.config, config);
    assert_eq!(row.tags, tags);
    assert!(row.roles.is_empty() && row.role_mappings.is_empty());
    assert_eq!((row.created_at, row.updated_at), (5, 5));

    let plain = IdentityPoolConfig::default();
    db.write(|tx| identity_pools::update(tx, pk, "Renamed", &plain, None, 9))
        .unwrap();
    let roles = BTreeMap::from([(
        "authenticated".to_string(),
        "arn:aws:iam::123456789012:role/Auth".to_string(),
    )]);
    let mappings = BTreeMap::from([(
        "graph.facebook.com".to_string(),
        serde_json::json!({"Type": "Token", "AmbiguousRoleResolution": "Deny"}),
    )]);
    let principal = BTreeMap::from([(
        "graph.facebook.com".to_string(),
        PrincipalTagMap {
            use_defaults: true,
            principal_tags: BTreeMap::new(),
        },
    )]);
    db.write(|tx| {
        identity_pools::set_roles(tx, pk, &roles, &mappings, 10)?;
        identity_pools::set_principal_tags(tx, pk, &principal, 11)
    })
    .unwrap();
    let row = db
        .read(|r| identity_pools::get(r, &id(1)))
        .unwrap()
        .unwrap();
    assert_eq!(row.name, "Renamed");
    assert_eq!(row.config, plain);
    assert_eq!(row.tags, tags, "tags stay when the update gives none");
    assert_eq!(row.roles, roles);
    assert_eq!(row.role_mappings, mappings);
    assert_eq!(row.principal_tags, principal);
    assert_eq!(row.updated_at, 11);

    assert!(db.write(|tx| identity_pools::delete(tx, pk)).unwrap());
    assert!(
        db.read(|r| identity_pools::get(r, &id(1)))
            .unwrap()
            .is_none()
    );
}

#[test]
fn pools_list_in_creation_order_by_page() {
    let db = TestDb::new();
    let config = IdentityPoolConfig::default();
    for n in 1..=3 {
        db.write(|tx| {
            identity_pools::insert(tx, &id(n), "Same name", &config, &BTreeMap::new(), 1)
        })
        .unwrap();
    }
    let first = db.read(|r| identity_pools::list(r, 0, 2)).unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(first[0].id, id(1));
    let rest = db
        .read(|r| identity_pools::list(r, first[1].pk, 2))
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].id, id(3));
}
