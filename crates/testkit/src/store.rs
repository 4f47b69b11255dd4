//! [`TestDb`]: a fresh store for the crates below console-api.

use std::ops::Deref;
use std::path::{Path, PathBuf};

use storage::Db;

/// A fresh `storage::Db` on a file in its own temporary directory, which lives (and the file
/// with it) as long as this value. Dereferences to the `Db`.
pub struct TestDb {
    db: Db,
    path: PathBuf,
    dir: tempfile::TempDir,
}

impl TestDb {
    /// A new store, migrated to the latest schema.
    pub fn new() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        let db = Db::open(&path).unwrap();
        TestDb { db, path, dir }
    }

    /// The store's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The temporary directory the store is in, for files a test puts beside it.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Default for TestDb {
    fn default() -> Self {
        TestDb::new()
    }
}

impl Deref for TestDb {
    type Target = Db;

    fn deref(&self) -> &Db {
        &self.db
    }
}
