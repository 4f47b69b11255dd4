//! Group commit (`Db::write_grouped`, `Db::write_each`): writes made at once share
//! transactions, and each still lands whole or not at all, on its own.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use storage::credentials::{self, CredentialRow};

use storage::{Db, Error, Job};
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

/// A job of `write_each` that records `id`, fails after writing when `fails`, and counts its
/// runs in `runs`.
fn job(id: &str, fails: bool, runs: &Arc<AtomicUsize>) -> Job {
    let id = id.to_string();
    let runs = Arc::clone(runs);
    Box::new(move |tx| {
        runs.fetch_add(1, Ordering::Relaxed);
        credentials::insert(tx, &row(&id)).map_err(|e| e.to_string())?;
        if fails {
            return Err(format!("{id} refused"));
        }
        Ok(())
    })
}

fn recorded(db: &Db, ids: &[&str]) -> Vec<bool> {
    db.read(|r| {
        ids.iter()
            .map(|id| Ok(credentials::get(r, id)?.is_some()))
            .collect::<Result<Vec<_>, Error>>()
    })
    .unwrap()
}

const IDS: [&str; 4] = [
    "ASIAAAAAAAAAAAAAAAAA",
    "ASIABBBBBBBBBBBBBBBB",
    "ASIACCCCCCCCCCCCCCCC",
    "ASIADDDDDDDDDDDDDDDD",
];

/// Jobs that all succeed run once each, in one transaction, and all land.
#[test]
fn write_each_runs_each_job_once_when_none_fails() {
    let db = TestDb::new();
    let runs = Arc::new(AtomicUsize::new(0));
    let jobs = IDS.iter().map(|id| job(id, false, &runs)).collect();
    let out = db.write_each(jobs).unwrap();
    assert_eq!(out, vec![Ok(()); 4]);
    assert_eq!(runs.load(Ordering::Relaxed), 4);
    assert_eq!(recorded(&db, &IDS), vec![true; 4]);
}

/// A job that fails after writing is rolled back alone: the batch is written again with a
/// savepoint per job, the failed job answers its error, the others land once each.
#[test]
fn write_each_rolls_back_the_failed_job_alone() {
    let db = TestDb::new();
    let runs = Arc::new(AtomicUsize::new(0));
    let jobs = IDS
        .iter()
        .enumerate()
        .map(|(i, id)| job(id, i == 1, &runs))
        .collect();
    let out = db.write_each(jobs).unwrap();
    assert_eq!(
        out,
        vec![Ok(()), Err(format!("{} refused", IDS[1])), Ok(()), Ok(())]
    );
    // The first pass stops at the failure (two runs), the second runs all four.
    assert_eq!(runs.load(Ordering::Relaxed), 6);
    assert_eq!(recorded(&db, &IDS), vec![true, false, true, true]);
    // A job breaking a constraint (the same key id again) is refused beside a new one.
    let again = Arc::new(AtomicUsize::new(0));
    let out = db
        .write_each(vec![
            job(IDS[0], false, &again),
            job("ASIAEEEEEEEEEEEEEEEE", false, &again),
        ])
        .unwrap();
    assert!(out[0].is_err(), "{out:?}");
    assert_eq!(out[1], Ok(()));
    assert_eq!(recorded(&db, &["ASIAEEEEEEEEEEEEEEEE"]), vec![true]);
}

/// Credentials expired more than a day ago are forgotten by a later insert, at most once a
/// minute of the credentials' clock (and at once when that clock is set back).
#[test]
fn long_expired_credentials_are_swept_at_most_once_a_minute() {
    let db = TestDb::new();
    let at = |id: &str, created_at: i64, expires_at: i64| CredentialRow {
        created_at,
        expires_at,
        ..row(id)
    };
    let insert = |c: CredentialRow| {
        db.write_grouped(move |tx| credentials::insert(tx, &c))
            .unwrap()
    };
    let hour = 3_600_000;
    let minute = credentials::SWEEP_EVERY_MS;
    insert(at("ASIAAAAAAAAAAAAAAAAA", 0, hour));
    // Its expiry and the day kept after it have passed: the first insert of a minute forgets it.
    let t = hour + credentials::KEEP_EXPIRED_MS + 1;
    insert(at("ASIABBBBBBBBBBBBBBBB", t, t + hour));
    assert_eq!(recorded(&db, &IDS[..2]), vec![false, true]);
    // Long expired, recorded within that minute: kept until the next minute's first insert.
    insert(at("ASIACCCCCCCCCCCCCCCC", t, 0));
    insert(at("ASIAEEEEEEEEEEEEEEEE", t + minute - 1, t + hour));
    assert_eq!(recorded(&db, &["ASIACCCCCCCCCCCCCCCC"]), vec![true]);
    insert(at("ASIADDDDDDDDDDDDDDDD", t + minute, t + hour));
    assert_eq!(recorded(&db, &["ASIACCCCCCCCCCCCCCCC"]), vec![false]);
    // The next sweep is due at t + 2 minutes; a clock set back to t sweeps at once.
    insert(at("ASIAFFFFFFFFFFFFFFFF", t + minute + 1, 0));
    assert_eq!(recorded(&db, &["ASIAFFFFFFFFFFFFFFFF"]), vec![true]);
    insert(at("ASIAGGGGGGGGGGGGGGGG", t, t + hour));
    assert_eq!(recorded(&db, &["ASIAFFFFFFFFFFFFFFFF"]), vec![false]);
}
