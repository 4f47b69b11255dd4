//! Group commit (`Db::write_grouped`): writes made at once share transactions, and each still
//! lands whole or not at all, on its own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use storage::credentials::{self, CredentialRow};
use storage::{Db, Error};
use testkit::TestDb;

fn row(id: &str) -> CredentialRow {
    CredentialRow {
        access_key_id: id.to_string(),
        secret_digest: vec![1; 32],
        token_digest: vec![2; 32],
        role_arn: "arn:aws:iam::123456789012:role/Auth".into(),
        session_name: "CognitoIdentityCredentials".into(),
        identity_id: Some("us-east-1:identity".into()),
        identity_pool_id: Some("us-east-1:pool".into()),
        source: "{}".into(),
        session_tags: "[]".into(),
        scoped_down: false,
        session_policy: None,
        created_at: 1_000,
        expires_at: 3_601_000,
    }
}

#[derive(Debug, PartialEq)]
enum Outcome {
    Refused(String),
    Store(String),
}

impl From<Error> for Outcome {
    fn from(e: Error) -> Self {
        Outcome::Store(e.to_string())
    }
}

const THREADS: usize = 8;
const EACH: usize = 40;

/// Every fifth write fails after writing its row: it answers its own error and its row is
/// gone; every other write answers its value and its row is there, whatever batch it shared.
#[test]
fn concurrent_writes_land_alone_or_not_at_all() {
    let db = TestDb::new();
    let db: &Db = &db;
    std::thread::scope(|s| {
        for t in 0..THREADS {
            s.spawn(move || {
                for i in 0..EACH {
                    let id = format!("ASIA{t:02}{i:014}");
                    let fails = (t * EACH + i).is_multiple_of(5);
                    let written = id.clone();
                    let out = db.write_grouped(move |tx| {
                        credentials::insert(tx, &row(&written))?;
                        if fails {
                            return Err(Outcome::Refused(written));
                        }
                        Ok(written.len())
                    });
                    if fails {
                        assert_eq!(out, Err(Outcome::Refused(id)));
                    } else {
                        assert_eq!(out, Ok(20));
                    }
                }
            });
        }
    });
    for t in 0..THREADS {
        for i in 0..EACH {
            let id = format!("ASIA{t:02}{i:014}");
            let found = db.read(|r| credentials::get(r, &id)).unwrap();
            assert_eq!(
                found.is_some(),
                !(t * EACH + i).is_multiple_of(5),
                "{id}: a refused write left its row, or a committed one lost it"
            );
        }
    }
}

/// A write whose row breaks a constraint answers the conflict; a write beside it is kept.
#[test]
fn a_conflict_is_the_writers_own() {
    let db = TestDb::new();
    db.write_grouped(|tx| credentials::insert(tx, &row("ASIAAAAAAAAAAAAAAAAA")))
        .unwrap();
    let again = db.write_grouped(|tx| credentials::insert(tx, &row("ASIAAAAAAAAAAAAAAAAA")));
    assert!(matches!(again, Err(Error::Conflict { .. })), "{again:?}");
    db.write_grouped(|tx| credentials::insert(tx, &row("ASIABBBBBBBBBBBBBBBB")))
        .unwrap();
    let both = db
        .read(|r| {
            Ok::<_, Error>((
                credentials::get(r, "ASIAAAAAAAAAAAAAAAAA")?.is_some(),
                credentials::get(r, "ASIABBBBBBBBBBBBBBBB")?.is_some(),
            ))
        })
        .unwrap();
    assert_eq!(both, (true, true));
}
