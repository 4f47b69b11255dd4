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
            claims: Map::new().into(),
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

/// Seeds the user pool `us-east-1_AbC` with users `alice` (sub `alice`, an email and a name)
/// and `bob` (sub `bob`, nothing but his username); answers the pool's key.
fn seed_user_pool(e: &Env) -> i64 {
    e.db.write(|tx| {
        let pk = storage::pools::insert(
            tx,
            "us-east-1_AbC",
            "people",
            &domain::pool::PoolConfig::default(),
            1,
        )?;
        for (name, attrs) in [
            (
                "alice",
                BTreeMap::from([
                    ("email".to_owned(), "alice@example.com".to_owned()),
                    ("name".to_owned(), "Alice Liddell".to_owned()),
                ]),
            ),
            ("bob", BTreeMap::new()),
        ] {
            storage::users::insert(
                tx,
                &storage::users::NewUser {
                    pool: pk,
                    username: name,
                    username_key: name,
                    sub: name,
                    status: domain::user::UserStatus::Confirmed,
                    enabled: true,
                    attributes: &attrs,
                    password_hash: None,
                    now: 1,
                },
            )?;
        }
        Ok::<_, storage::Error>(pk)
    })
    .unwrap()
}

fn details(e: &Env, search: Option<&str>) -> Vec<identities::IdentityDetail> {
    e.db.read(|r| identities::list_details(r, &e.pool, 0, 60, false, search))
        .unwrap()
}

#[test]
fn logins_name_their_users_and_say_when_a_user_is_gone() {
    use identities::LoginOwner;
    use identity_pools::mapping::ProviderKind;
    let e = env(true);
    let up = seed_user_pool(&e);
    let alice = e
        .get_id(&[(USER_POOL, "sub:alice"), ("accounts.google.com", "sub:g-7")])
        .unwrap();
    let bob = e.get_id(&[(USER_POOL, "sub:bob")]).unwrap();
    let ghost = e.get_id(&[(USER_POOL, "sub:nobody")]).unwrap();
    let dev =
        e.db.write(|tx| {
            identities::developer_identity(tx, &e.pool, "us-east-1", None, "dev-42", &[], 20)
        })
        .unwrap();
    let guest = e.get_id(&[]).unwrap();

    let all = details(&e, None);
    let ids: Vec<&str> = all.iter().map(|d| d.identity.id.as_str()).collect();
    assert_eq!(
        ids,
        [&alice, &bob, &ghost, &dev, &guest].map(|g| g.identity.id.as_str())
    );
    // Alice: her user pool login names her; Google's is its subject alone.
    let a = &all[0].logins;
    assert_eq!(a.len(), 2);
    assert_eq!(
        (a[0].provider.as_str(), a[0].kind, a[0].subject.as_str()),
        ("accounts.google.com", ProviderKind::Google, "g-7")
    );
    assert_eq!(a[0].owner, LoginOwner::External);
    let LoginOwner::User { user_pool_id, user } = &a[1].owner else {
        panic!("alice's login has no user: {:?}", a[1]);
    };
    assert_eq!(user_pool_id, "us-east-1_AbC");
    assert_eq!(user.username, "alice");
    assert_eq!(user.email.as_deref(), Some("alice@example.com"));
    assert_eq!(user.name.as_deref(), Some("Alice Liddell"));
    assert_eq!(a[1].kind, ProviderKind::UserPool);
    assert_eq!(a[1].subject, "alice");
    // Bob has only a username; a login whose sub no user has is a deleted user.
    assert!(
        matches!(&all[1].logins[0].owner, LoginOwner::User { user, .. } if user.username == "bob" && user.email.is_none())
    );
    assert_eq!(
        all[2].logins[0].owner,
        LoginOwner::UserDeleted {
            user_pool_id: "us-east-1_AbC".into()
        }
    );
    // The developer provider's login is the developer's, whatever its name looks like.
    assert_eq!(all[3].logins[0].kind, ProviderKind::Developer);
    assert_eq!(all[3].logins[0].subject, "dev-42");
    assert!(all[4].logins.is_empty(), "a guest has no logins");

    // The same as ListIdentities and DescribeIdentity read them, from the one query.
    let listed =
        e.db.read(|r| identities::list(r, &e.pool, 0, 60, false))
            .unwrap();
    assert_eq!(listed[0].providers, vec!["accounts.google.com", USER_POOL]);
    assert!(listed[4].providers.is_empty());
    let one =
        e.db.read(|r| {
            identities::describe_details(r, &IdentityId::parse(bob.identity.id.clone()).unwrap())
        })
        .unwrap();
    assert_eq!(one.identity.id, bob.identity.id);
    assert_eq!(one.logins.len(), 1);

    // Search: by email, by username, by any login's subject, by identity id; without case.
    let found = |s: &str| -> Vec<String> {
        details(&e, Some(s))
            .into_iter()
            .map(|d| d.identity.id)
            .collect()
    };
    assert_eq!(found("ALICE@example"), vec![alice.identity.id.clone()]);
    assert_eq!(found("liddell"), vec![alice.identity.id.clone()]);
    assert_eq!(found("bob"), vec![bob.identity.id.clone()]);
    assert_eq!(found("g-7"), vec![alice.identity.id.clone()]);
    assert_eq!(found("dev-4"), vec![dev.identity.id.clone()]);
    assert_eq!(
        found(&guest.identity.id[12..]),
        vec![guest.identity.id.clone()]
    );
    assert!(
        found("%").is_empty(),
        "LIKE's wildcards are searched as text"
    );
    assert!(found("_").is_empty());

    // The user deleted: the login says so. The user pool deleted: that too.
    e.db.write(|tx| {
        let u = storage::users::get(tx, up, "bob")?.unwrap();
        storage::users::delete(tx, u.pk)
    })
    .unwrap();
    assert_eq!(
        details(&e, None)[1].logins[0].owner,
        LoginOwner::UserDeleted {
            user_pool_id: "us-east-1_AbC".into()
        }
    );
    e.db.write(|tx| storage::pools::delete(tx, up)).unwrap();
    assert_eq!(
        details(&e, None)[0].logins[1].owner,
        LoginOwner::UserPoolMissing {
            user_pool_id: "us-east-1_AbC".into()
        }
    );
}

#[test]
fn a_page_of_identities_with_their_logins_is_one_query_on_indexes() {
    let e = env(true);
    for search in ["NULL", "'%ada%'"] {
        let sql = storage::identities::page_sql()
            .replace("?1", "1")
            .replace("?2", "0")
            .replace("?3", "9223372036854775807")
            .replace("?4", "0")
            .replace("?5", "61")
            .replace("?6", search);
        let plan = e.db.explain(&sql).unwrap().join("\n");
        for index in [
            "identities_pool",
            "identity_logins_identity",
            "users_pool_sub",
            "sqlite_autoindex_user_pools_1",
        ] {
            assert!(plan.contains(index), "the page must use {index}:\n{plan}");
        }
        for table in ["identities", "identity_logins", "users", "user_pools"] {
            let scans = plan.lines().any(|l| {
                let step = l.trim_start_matches(['|', '-', '`', ' ']);
                step == format!("SCAN {table}") || step.starts_with(&format!("SCAN {table} "))
            });
            assert!(!scans, "the page must not scan {table}:\n{plan}");
        }
    }
}

#[test]
fn delete_reports_each_id_and_a_failed_one_is_undone_alone() {
    let e = env(true);
    let a = e.get_id(&[]).unwrap().identity.id;
    let b = e.get_id(&[(USER_POOL, "sub:bob")]).unwrap().identity.id;
    let c = e.get_id(&[]).unwrap().identity.id;
    // A delete that fails for one identity (a trigger refuses it).
    rusqlite::Connection::open(e._dir.path().join("store.db"))
        .unwrap()
        .execute_batch(&format!(
            "CREATE TRIGGER refuse_b BEFORE DELETE ON identities WHEN OLD.id = '{b}'
             BEGIN SELECT RAISE(ABORT, 'refused'); END;"
        ))
        .unwrap();
    let missing = "us-east-1:00000000-0000-0000-0000-000000000000";
    let ids: Vec<IdentityId> = [&a, &b, missing, &c]
        .iter()
        .map(|s| IdentityId::parse((*s).to_owned()).unwrap())
        .collect();
    let out = e.db.write(|tx| identities::delete(tx, &ids)).unwrap();
    use identities::Deletion;
    assert_eq!(out[0], (a.clone(), Deletion::Deleted));
    assert!(matches!(&out[1], (id, Deletion::Failed(m)) if *id == b && m.contains("refused")));
    assert_eq!(out[2], (missing.to_owned(), Deletion::Absent));
    assert_eq!(out[3], (c.clone(), Deletion::Deleted));
    let left = details(&e, None);
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].identity.id, b);
    assert_eq!(left[0].logins.len(), 1, "the failed delete kept its logins");
}
