//! Which provider a login names in an identity pool, read from the store: a SAML provider
//! record found for a pool that lists its ARN (and for STS's `PrincipalArn`), then a response
//! signed by its IdP verified through it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use domain::identity_pool::IdentityPoolConfig;
use federation::{HttpFetch, Refusal, SocialEndpoints, Verifier};
use identity_pools::{providers, trust};
use testkit::{Assertion, SamlIdp, TestDb};

const NOW: i64 = 1_760_000_000_000;
const ACCOUNT: &str = "000000000000";
const PROVIDER: &str = "arn:aws:iam::000000000000:saml-provider/corp";

/// A SAML provider stored as a record, found by a pool that lists its ARN (and by STS's
/// `PrincipalArn`), then its response verified.
#[test]
fn a_stored_saml_provider_is_resolved_for_a_pool_that_trusts_it() {
    let db = TestDb::new();
    let idp = SamlIdp::new("https://idp.example.com/metadata");
    db.write(|tx| {
        providers::create_saml(
            tx,
            NOW,
            ACCOUNT,
            "corp",
            &idp.metadata(),
            &Default::default(),
        )
    })
    .unwrap();
    let endpoints = SocialEndpoints::default();
    let config = IdentityPoolConfig {
        saml_provider_arns: vec![PROVIDER.into()],
        ..IdentityPoolConfig::default()
    };
    let login = trust::read(&db, |r| {
        trust::resolve(r, ACCOUNT, &endpoints, &config, PROVIDER)
    })
    .unwrap();
    let verifier = Verifier::new(Arc::new(HttpFetch::new().unwrap()), endpoints.clone());
    let assertion = Assertion::new(&idp.entity_id, "ann@example.com", NOW);
    assert_eq!(
        verifier
            .verify(&login, &idp.signed_response(&assertion), NOW)
            .unwrap()
            .subject,
        "ann@example.com"
    );

    // A pool that does not list it, an ARN of another account, a provider never stored.
    let other = IdentityPoolConfig::default();
    let e = trust::read(&db, |r| {
        trust::resolve(r, ACCOUNT, &endpoints, &other, PROVIDER)
    })
    .unwrap_err();
    assert!(
        matches!(&e, Refusal::InvalidParameter(f) if f.to_string().contains("does not trust")),
        "{e:?}"
    );
    let e = trust::read(&db, |r| {
        trust::saml_provider(r, "111111111111", "PrincipalArn", PROVIDER)
    })
    .unwrap_err();
    assert!(
        matches!(&e, Refusal::InvalidParameter(f) if f.field == "PrincipalArn"),
        "{e:?}"
    );
    let missing = "arn:aws:iam::000000000000:saml-provider/nobody";
    let e = trust::read(&db, |r| {
        trust::saml_provider(r, ACCOUNT, "PrincipalArn", missing)
    })
    .unwrap_err();
    assert!(e.message().contains("does not exist"), "{e:?}");
}
