//! The identities' rules on a real store: logins verified through a [`LoginVerifier`] (a fake
//! that accepts `sub:<subject>` tokens), linking, merging, guests, disabled identities, and the
//! Logins map's limits.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use domain::identity_pool::{CognitoIdentityProvider, IdentityPoolConfig};
use domain::{IdentityId, IdentityPoolId, IdentityPoolName};
use identity_pools::identities::{self, Error};
use identity_pools::logins::{self, LoginVerifier, VerifiedLogin};
use identity_pools::pools;
use serde_json::Map;
use storage::Db;
use storage::identity_pools::IdentityPoolRow;

const USER_POOL: &str = "cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC";

/// Accepts `sub:<subject>`; anything else is refused as Cognito refuses a bad token.
struct Fake;

impl LoginVerifier for Fake {
    fn verify(
        &self,
        _pool: &IdentityPoolRow,
        provider: &str,
        token: &str,
    ) -> Result<VerifiedLogin, Error> {
        let subject = token
            .strip_prefix("sub:")
            .ok_or_else(|| Error::NotAuthorized("Invalid login token.".into()))?;
        Ok(VerifiedLogin {
            provider: provider.to_owned(),
            subject: subject.to_owned(),
            claims: Map::new(),
        })
    }
}

struct Env {
    _dir: tempfile::TempDir,
    db: Db,
    pool: IdentityPoolId,
}

fn env(guests: bool) -> Env {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("store.db")).unwrap();
    let config = IdentityPoolConfig {
        allow_unauthenticated_identities: guests,
        developer_provider_name: Some("login.dev".into()),
        supported_login_providers: BTreeMap::from([("accounts.google.com".into(), "app".into())]),
        cognito_identity_providers: vec![CognitoIdentityProvider {
            provider_name: Some(USER_POOL.into()),
            client_id: Some("client1".into()),
            server_side_token_check: None,
        }],
        ..IdentityPoolConfig::default()
    };
    let name = IdentityPoolName::parse("app").unwrap();
    let pool = db
        .write(|tx| pools::create(tx, "us-east-1", 1, &name, &config, &BTreeMap::new()))
        .unwrap()
        .id;
    Env {
        _dir: dir,
        db,
        pool,
    }
}

impl Env {
    fn verify(&self, logins: &[(&str, &str)]) -> Result<Vec<VerifiedLogin>, Error> {
        let pool = self.db.read(|r| identities::pool(r, &self.pool))?;
        let map: BTreeMap<String, String> = logins
            .iter()
            .map(|(p, t)| ((*p).to_owned(), (*t).to_owned()))
            .collect();
        logins::verify_all(&Fake, &pool, "Logins", &map)
    }

    fn get_id(&self, logins: &[(&str, &str)]) -> Result<identities::GotId, Error> {
        let verified = self.verify(logins)?;
        self.db
            .write(|tx| identities::get_id(tx, &self.pool, "us-east-1", &verified, 10))
    }

    fn count(&self) -> usize {
        self.db
            .read(|r| identities::list(r, &self.pool, 0, 60, false))
            .unwrap()
            .len()
    }
}

#[test]
fn one_login_one_identity_and_two_logins_of_two_identities_merge() {
    let e = env(false);
    let a = e.get_id(&[(USER_POOL, "sub:alice")]).unwrap();
    assert!(a.created);
    let again = e.get_id(&[(USER_POOL, "sub:alice")]).unwrap();
    assert_eq!(again.identity.id, a.identity.id);
    assert!(!again.created);
    let g = e.get_id(&[("accounts.google.com", "sub:g-1")]).unwrap();
    assert_ne!(g.identity.id, a.identity.id);
    assert_eq!(e.count(), 2);

    let merged = e
        .get_id(&[(USER_POOL, "sub:alice"), ("accounts.google.com", "sub:g-1")])
        .unwrap();
    assert_eq!(merged.identity.id, a.identity.id, "the oldest stays");
    assert_eq!(merged.merged, vec![g.identity.id.clone()]);
    assert_eq!(e.count(), 1);
    let d =
        e.db.read(|r| identities::describe(r, &IdentityId::parse(a.identity.id.clone()).unwrap()))
            .unwrap();
    assert_eq!(d.providers, vec!["accounts.google.com", USER_POOL]);
}

#[test]
fn the_logins_map_is_held_to_its_limits_and_the_pools_providers() {
    let e = env(true);
    let eleven: Vec<(String, String)> = (0..11)
        .map(|i| (format!("p{i}.example.com"), "sub:x".to_owned()))
        .collect();
    let refs: Vec<(&str, &str)> = eleven
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert!(matches!(e.verify(&refs), Err(Error::InvalidParameter(f)) if f.field == "Logins"));
    let long = "x".repeat(50_001);
    assert!(matches!(
        e.verify(&[(USER_POOL, long.as_str())]),
        Err(Error::InvalidParameter(f)) if f.field == format!("Logins.{USER_POOL}")
    ));
    assert!(matches!(
        e.verify(&[(USER_POOL, "")]),
        Err(Error::InvalidParameter(_))
    ));
    for untrusted in [
        "www.amazon.com",
        "cognito-idp.us-east-1.amazonaws.com/us-east-1_Other",
    ] {
        match e.verify(&[(untrusted, "sub:x")]) {
            Err(Error::NotAuthorized(m)) => assert!(m.contains("supported provider"), "{m}"),
            other => panic!("{untrusted}: {other:?}"),
        }
    }
    assert!(matches!(
        e.verify(&[("login.dev", "alice")]),
        Err(Error::NotAuthorized(m)) if m.contains("developer provider")
    ));
    assert!(matches!(
        e.verify(&[(USER_POOL, "garbage")]),
        Err(Error::NotAuthorized(_))
    ));
    assert_eq!(e.count(), 0, "nothing stored");
}

#[test]
fn hide_disabled_leaves_disabled_identities_out_and_they_are_refused() {
    let e = env(true);
    let a = e.get_id(&[]).unwrap().identity;
    let b = e.get_id(&[]).unwrap().identity;
    e.db.write(|tx| storage::identities::set_disabled(tx, b.pk, true, 20))
        .unwrap();
    let shown = |hide| {
        e.db.read(|r| identities::list(r, &e.pool, 0, 60, hide))
            .unwrap()
            .into_iter()
            .map(|d| d.identity.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(shown(false), vec![a.id.clone(), b.id.clone()]);
    assert_eq!(shown(true), vec![a.id.clone()]);
    let refused =
        e.db.read(|r| identities::authorize(r, &IdentityId::parse(b.id.clone()).unwrap(), vec![]));
    assert!(matches!(refused, Err(Error::NotAuthorized(m)) if m.contains("disabled")));
    let guest =
        e.db.read(|r| identities::authorize(r, &IdentityId::parse(a.id.clone()).unwrap(), vec![]))
            .unwrap();
    assert_eq!(guest.amr(), vec!["unauthenticated"]);
}

#[test]
fn a_guest_is_refused_where_the_pool_allows_none() {
    let e = env(false);
    match e.get_id(&[]) {
        Err(Error::NotAuthorized(m)) => assert_eq!(m, identities::GUESTS_REFUSED),
        other => panic!("{other:?}"),
    }
    assert_eq!(e.count(), 0);
}

#[test]
fn developer_users_link_merge_and_unlink() {
    let e = env(false);
    let one = e
        .db
        .write(|tx| identities::developer_identity(tx, &e.pool, "us-east-1", None, "u1", &[], 1))
        .unwrap()
        .identity;
    let two = e
        .db
        .write(|tx| identities::developer_identity(tx, &e.pool, "us-east-1", None, "u2", &[], 1))
        .unwrap()
        .identity;
    let one_id = IdentityId::parse(one.id.clone()).unwrap();
    let taken = e.db.write(|tx| {
        identities::developer_identity(tx, &e.pool, "us-east-1", Some(&one_id), "u2", &[], 2)
    });
    assert!(matches!(
        taken,
        Err(Error::DeveloperUserAlreadyRegistered(_))
    ));
    let to =
        e.db.write(|tx| identities::merge_developer(tx, &e.pool, "login.dev", "u2", "u1", 3))
            .unwrap();
    assert_eq!(to.id, one.id);
    let l =
        e.db.read(|r| identities::lookup_developer(r, &e.pool, Some(&one_id), None, None, 60))
            .unwrap();
    assert_eq!(l.users, vec!["u1", "u2"]);
    assert!(
        e.db.read(|r| storage::identities::get(r, &two.id))
            .unwrap()
            .is_none()
    );
    e.db.write(|tx| identities::unlink_developer(tx, &e.pool, &one_id, "login.dev", "u2", 4))
        .unwrap();
    let again =
        e.db.write(|tx| identities::unlink_developer(tx, &e.pool, &one_id, "login.dev", "u2", 5));
    assert!(matches!(again, Err(Error::ResourceConflict(_))));
}
