//! The WAL is checkpointed by the store's own thread, not inside a request's commit.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use domain::pool::PoolConfig;
use domain::user::UserStatus;
use storage::users::{self, NewUser};
use storage::{Db, pools};

fn size(path: &std::path::Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

/// SQLite's page size for a new store, and the WAL's per-frame overhead.
const FRAME: u64 = 4096 + 24;

/// Writes `batches` transactions of 1,000 users (~100 WAL pages each), pausing `pause`
/// between them.
fn fill(db: &Db, pool: i64, batches: usize, pause: Duration) {
    let attrs: BTreeMap<String, String> = [(
        "email".to_owned(),
        "someone.with.a.long.address@example.com".to_owned(),
    )]
    .into();
    for batch in 0..batches {
        db.write(|tx| {
            for i in 0..1_000 {
                let name = format!("user-{batch:03}-{i:04}");
                let sub = format!("sub-{name}");
                users::insert(
                    tx,
                    &NewUser {
                        pool,
                        username: &name,
                        username_key: &name,
                        sub: &sub,
                        status: UserStatus::Confirmed,
                        enabled: true,
                        attributes: &attrs,
                        password_hash: None,
                        now: 10,
                    },
                )?;
            }
            Ok::<_, storage::Error>(())
        })
        .unwrap();
        std::thread::sleep(pause);
    }
}

fn open(dir: &tempfile::TempDir) -> (Db, i64) {
    let db = Db::open(&dir.path().join("store.db")).unwrap();
    let pool = db
        .write(|tx| pools::insert(tx, "us-east-1_test", "test", &PoolConfig::default(), 1))
        .unwrap();
    (db, pool)
}

#[test]
fn the_log_reaches_the_database_while_the_store_is_open_and_is_gone_after() {
    let dir = tempfile::tempdir().unwrap();
    let (path, wal) = (dir.path().join("store.db"), dir.path().join("store.db-wal"));
    let (db, pool) = open(&dir);
    let before = size(&path);
    // ~3,000 pages with pauses between writes, as requests come.
    fill(&db, pool, 30, Duration::from_millis(30));
    // Only a checkpoint moves pages from the log into the database file.
    let deadline = Instant::now() + Duration::from_secs(20);
    while size(&path) < before + 4 * 1024 * 1024 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        size(&path) >= before + 4 * 1024 * 1024,
        "the database file grew from {before} to only {} bytes: no checkpoint ran",
        size(&path)
    );
    // Checkpointed in the background, the log started over instead of growing with every
    // write: well under the writer's own threshold.
    assert!(
        size(&wal) < 2_000 * FRAME,
        "the WAL grew to {} pages",
        size(&wal) / FRAME
    );
    drop(db);
    assert!(
        !wal.exists(),
        "closing the store checkpoints and removes the WAL"
    );
    let reopened = Db::open(&path).unwrap();
    assert_eq!(reopened.read(|r| users::count(r, pool)).unwrap(), 30_000);
}

#[test]
fn writes_without_pauses_keep_the_log_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let wal = dir.path().join("store.db-wal");
    let (db, pool) = open(&dir);
    // ~6,000 pages back to back: the background thread never finds a moment between two
    // writes, so the writer completes a checkpoint itself past its threshold.
    fill(&db, pool, 60, Duration::ZERO);
    assert!(
        size(&wal) < 3_000 * FRAME,
        "the WAL grew to {} pages",
        size(&wal) / FRAME
    );
}
