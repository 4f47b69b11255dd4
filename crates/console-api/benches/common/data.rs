//! Generated user pools for the benchmarks, kept under `target/bench-data/` and reused across
//! runs (a 1,000,000-user pool takes minutes to generate; it is made once).
//!
//! A data set is `<name>-s<schema>.db` plus `<name>-s<schema>.json` (its metadata: pool id,
//! users, how long generation took, bytes on disk). It is reused only when the metadata says it
//! is complete and the store's maintained counter agrees; otherwise it is deleted and generated
//! again — through `Console::generate_users` (the product's own generator,
//! `user_pools::users::generate`) in transactions of at most 100,000 users.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use console_api::dto::GenerateUsersRequest;
use console_api::{Actor, Console};
use domain::SystemClock;
use serde::{Deserialize, Serialize};

use super::harness::{Res, data_dir};

/// What is known about a generated data set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    pub pool_id: String,
    pub users: u64,
    pub schema: i64,
    /// Wall seconds of the whole generation (all batches, commits included).
    pub generated_secs: f64,
    /// Thread-CPU seconds of the generating thread.
    pub generated_cpu_secs: f64,
    /// Wall seconds per batch, in order.
    pub batch_secs: Vec<f64>,
    pub batch_size: u64,
    /// Bytes of the database file after generation, with the WAL checkpointed away.
    pub file_bytes: u64,
    /// Unix seconds when generation finished.
    pub generated_at: u64,
}

/// A ready data set.
#[derive(Debug, Clone)]
pub struct Dataset {
    pub name: String,
    pub path: PathBuf,
    pub meta: Meta,
    /// Whether this run generated it (otherwise it was reused).
    pub fresh: bool,
}

/// A benchmark's actor in the audit log.
pub fn actor() -> Actor {
    Actor::cli()
}

fn paths(name: &str) -> (PathBuf, PathBuf) {
    let schema = storage::Db::schema_version();
    let dir = data_dir();
    (
        dir.join(format!("{name}-s{schema}.db")),
        dir.join(format!("{name}-s{schema}.json")),
    )
}

/// Removes a store file, its WAL companions and its master key file.
pub fn remove_store(path: &Path) {
    for suffix in ["", "-wal", "-shm", ".key"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

/// The store's size on disk: the file plus any WAL.
pub fn store_bytes(path: &Path) -> u64 {
    let mut total = 0;
    for suffix in ["", "-wal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        total += std::fs::metadata(PathBuf::from(p))
            .map(|m| m.len())
            .unwrap_or(0);
    }
    total
}

fn reusable(path: &Path, meta_path: &Path, users: u64) -> Option<Meta> {
    let meta: Meta = serde_json::from_slice(&std::fs::read(meta_path).ok()?).ok()?;
    if meta.users != users || meta.schema != storage::Db::schema_version() || !path.is_file() {
        return None;
    }
    let db = storage::Db::open(path).ok()?;
    let count = db
        .read(|r| {
            let pool = storage::pools::get(r, &meta.pool_id)?;
            Ok::<_, storage::Error>(pool.map(|p| p.user_count))
        })
        .ok()??;
    (u64::try_from(count).ok()? == users).then_some(meta)
}

/// The data set `name` with `users` users, generated if missing or incomplete.
pub fn ensure(name: &str, users: u64) -> Res<Dataset> {
    let (path, meta_path) = paths(name);
    if let Some(meta) = reusable(&path, &meta_path, users) {
        eprintln!(
            "data set {name}: reusing {} ({} users, generated in {:.1} s)",
            path.display(),
            meta.users,
            meta.generated_secs
        );
        return Ok(Dataset {
            name: name.into(),
            path,
            meta,
            fresh: false,
        });
    }
    std::fs::create_dir_all(data_dir())?;
    remove_store(&path);
    let _ = std::fs::remove_file(&meta_path);
    let meta = generate(&path, name, users)?;
    std::fs::write(&meta_path, serde_json::to_vec_pretty(&meta)?)?;
    Ok(Dataset {
        name: name.into(),
        path,
        meta,
        fresh: true,
    })
}

/// Creates a pool named `name` and returns its id.
pub fn create_pool(console: &Console, name: &str) -> Res<String> {
    let body = serde_json::json!({ "PoolName": name }).to_string();
    let out = console.dispatch_json(&actor(), "CreateUserPool", body.as_bytes())?;
    let v: serde_json::Value = serde_json::from_slice(&out)?;
    v["UserPool"]["Id"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| "CreateUserPool answered no UserPool.Id".into())
}

/// Generates `users` users into a fresh store at `path`.
pub fn generate(path: &Path, name: &str, users: u64) -> Res<Meta> {
    const BATCH: u64 = 100_000;
    let console = Console::open(path, Arc::new(SystemClock))?;
    let pool_id = create_pool(&console, name)?;
    eprintln!(
        "data set {name}: generating {users} users into {} (batches of {BATCH})",
        path.display()
    );
    let cpu0 = super::harness::thread_cpu_ns();
    let start = Instant::now();
    let mut batch_secs = Vec::new();
    let mut done = 0;
    while done < users {
        let n = (users - done).min(BATCH);
        let t = Instant::now();
        console.generate_users(
            &actor(),
            GenerateUsersRequest {
                user_pool_id: pool_id.parse()?,
                count: u32::try_from(n)?,
                prefix: None,
            },
        )?;
        let s = t.elapsed().as_secs_f64();
        done += n;
        eprintln!(
            "  {done:>9} users  batch {:.2} s ({:.0} users/s)",
            s,
            n as f64 / s
        );
        batch_secs.push(s);
    }
    let generated_secs = start.elapsed().as_secs_f64();
    let generated_cpu_secs = (super::harness::thread_cpu_ns() - cpu0) as f64 / 1e9;
    // Closing every connection checkpoints the WAL into the file and removes it.
    drop(console);
    let file_bytes = store_bytes(path);
    Ok(Meta {
        pool_id,
        users,
        schema: storage::Db::schema_version(),
        generated_secs,
        generated_cpu_secs,
        batch_secs,
        batch_size: BATCH,
        file_bytes,
        generated_at: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0),
    })
}

/// `user` + the 7-digit index, as `user_pools::users::generate` names users.
pub fn username(i: u64) -> String {
    format!("user{i:07}")
}

/// A fresh store in a temporary directory (under `scratch/` of the data directory, removed
/// with it) holding one pool of generated users: the in-process benches' store.
pub struct ScratchPool {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub console: Console,
    pub pool_id: String,
}

/// A [`ScratchPool`]: the store file `file`, the pool `pool` with `users` generated users.
pub fn scratch_pool(file: &str, pool: &str, users: u32) -> Res<ScratchPool> {
    let scratch = data_dir().join("scratch");
    std::fs::create_dir_all(&scratch)?;
    let dir = tempfile::tempdir_in(&scratch)?;
    let path = dir.path().join(file);
    let console = Console::open(&path, Arc::new(SystemClock))?;
    let pool_id = create_pool(&console, pool)?;
    console.generate_users(
        &actor(),
        GenerateUsersRequest {
            user_pool_id: pool_id.parse()?,
            count: users,
            prefix: None,
        },
    )?;
    Ok(ScratchPool {
        dir,
        path,
        console,
        pool_id,
    })
}

/// The workspace's master key, from its file beside the store.
pub fn master_key(store: &Path) -> Res<tokens::MasterKey> {
    let bytes = std::fs::read(console_api::master_key_path(store))?;
    let arr: [u8; 32] = bytes
        .as_slice()
        .try_into()
        .map_err(|_| "the master key file is not 32 bytes")?;
    Ok(tokens::MasterKey::from_bytes(&arr)?)
}
