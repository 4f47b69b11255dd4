//! Bulk insert: the storage layer against raw rusqlite, interleaved (target T13's baseline;
//! see `docs/benchmarks.md`).
//!
//! ```text
//! cargo bench -p storage --bench insert
//! ```
//!
//! Each round inserts the same N users (100,000; 20,000 with `BENCH_QUICK=1`) in one
//! transaction into a fresh file, three ways, back to back:
//! - `raw-min`: raw rusqlite into the minimal schema of the performance reference (a rowid
//!   table with 3 indexes: (pool, username), (id), (pool, email NOCASE)) — the published
//!   baseline, "a raw rusqlite single-transaction insert with indexes live";
//! - `raw-same`: raw rusqlite into Poolhouse's real schema (every migration: 12 indexes on
//!   `users`, the count in `pool_counters`), with the statement `users::insert` uses;
//! - `storage`: `storage::users::insert` through `Db::write`, as the engine's generator calls it.
//!
//! Reported: users/s by wall time and by thread-CPU time, bytes/user, and the per-round ratios
//! (median over rounds). The engine's own generator (`Console::generate_users`) is measured on
//! the same N by `cargo bench -p console-api --bench admin_create`; `bench/run.sh` divides the
//! two for T13.

#[path = "../../console-api/benches/common/harness.rs"]
mod harness;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use domain::pool::PoolConfig;
use domain::user::UserStatus;
use harness::{Report, Res, Verdict, median, thread_cpu_ns};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::{Connection, params};
use storage::Db;
use storage::users::NewUser;

const GIVEN: [&str; 10] = [
    "Ada", "Alan", "Grace", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Radia", "Edsger",
];
const FAMILY: [&str; 10] = [
    "Lovelace", "Turing", "Hopper", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson",
    "Perlman", "Dijkstra",
];

/// One generated user, shaped like `user_pools::users::generate`'s.
struct Row {
    username: String,
    sub: String,
    email: String,
    given: &'static str,
    family: &'static str,
}

fn rows(n: u64, seed: u64) -> Vec<Row> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|i| {
            let given = GIVEN[(i as usize) % GIVEN.len()];
            let family = FAMILY[(i as usize / GIVEN.len()) % FAMILY.len()];
            let r: u128 = rng.random();
            let h = format!("{r:032x}");
            Row {
                username: format!("user{i:07}"),
                sub: format!(
                    "{}-{}-4{}-a{}-{}",
                    &h[0..8],
                    &h[8..12],
                    &h[13..16],
                    &h[17..20],
                    &h[20..32]
                ),
                email: format!(
                    "{}.{}{i}@example.com",
                    given.to_lowercase(),
                    family.to_lowercase()
                ),
                given,
                family,
            }
        })
        .collect()
}

fn pragmas(c: &Connection) -> Res<()> {
    let mode: String = c.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(format!("no WAL: {mode}").into());
    }
    c.execute_batch(
        "PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;
         PRAGMA foreign_keys = ON;",
    )?;
    Ok(())
}

fn raw_min(path: &Path, data: &[Row], now: i64) -> Res<()> {
    let mut c = Connection::open(path)?;
    pragmas(&c)?;
    c.execute_batch(
        "CREATE TABLE users(id TEXT, pool_id TEXT, username TEXT, email TEXT COLLATE NOCASE,
            status TEXT, attributes TEXT, created_at INTEGER);
         CREATE UNIQUE INDEX users_pool_username ON users(pool_id, username);
         CREATE UNIQUE INDEX users_id ON users(id);
         CREATE INDEX users_pool_email ON users(pool_id, email);",
    )?;
    let tx = c.transaction()?;
    {
        let mut ins = tx.prepare(
            "INSERT INTO users(id, pool_id, username, email, status, attributes, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for r in data {
            let attrs = format!(
                r#"{{"email_verified":"true","given_name":"{}","family_name":"{}"}}"#,
                r.given, r.family
            );
            ins.execute(params![
                r.sub,
                "us-east-1_bench",
                r.username,
                r.email,
                "CONFIRMED",
                attrs,
                now
            ])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// The real schema (every migration), less `without`: an index's name.
fn schema_without(without: Option<&str>) -> String {
    let sql = [
        include_str!("../migrations/0001_initial.sql"),
        include_str!("../migrations/0002_pool_counters.sql"),
    ]
    .join("\n");
    let Some(name) = without else {
        return sql;
    };
    let mut out = String::new();
    for line in sql.lines() {
        let t = line.trim_start();
        let index = t.starts_with(&format!("CREATE INDEX {name} "))
            || t.starts_with(&format!("CREATE UNIQUE INDEX {name} "));
        if !index {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

fn raw_same(path: &Path, data: &[Row], now: i64) -> Res<()> {
    raw_schema(path, data, now, None, "{}")
}

/// The raw insert into the real schema (less `without`), the pool's row holding `config`; the
/// count is kept as the bulk path keeps it, by one `UPDATE … + n` at the end of the transaction.
fn raw_schema(path: &Path, data: &[Row], now: i64, without: Option<&str>, config: &str) -> Res<()> {
    let mut c = Connection::open(path)?;
    pragmas(&c)?;
    c.execute_batch(&schema_without(without))?;
    c.execute(
        "INSERT INTO user_pools(id, name, config, created_at, updated_at)
         VALUES ('us-east-1_bench', 'bench', ?2, ?1, ?1)",
        params![now, config],
    )?;
    let pool = c.last_insert_rowid();
    c.execute(
        "INSERT INTO pool_counters(pool, users) VALUES (?1, 0)",
        [pool],
    )?;
    let tx = c.transaction()?;
    {
        let mut ins = tx.prepare(
            "INSERT INTO users(pool, username, username_key, sub, email, phone_number, name,
                given_name, family_name, preferred_username, status, enabled, attributes,
                password_hash, password_set_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)",
        )?;
        for r in data {
            ins.execute(params![
                pool,
                r.username,
                r.username,
                r.sub,
                r.email,
                None::<String>,
                None::<String>,
                r.given,
                r.family,
                None::<String>,
                "CONFIRMED",
                true,
                r#"{"email_verified":"true"}"#,
                None::<String>,
                None::<i64>,
                now
            ])?;
        }
        tx.execute(
            "UPDATE pool_counters SET users = users + ?2 WHERE pool = ?1",
            params![pool, i64::try_from(data.len())?],
        )?;
    }
    tx.commit()?;
    Ok(())
}

fn through_storage(path: &Path, data: &[Row], now: i64) -> Res<()> {
    let db = Db::open(path)?;
    let pool = db.write(|tx| {
        storage::pools::insert(tx, "us-east-1_bench", "bench", &PoolConfig::default(), now)
    })?;
    db.write(|tx| {
        for r in data {
            let mut attrs = BTreeMap::new();
            attrs.insert("email".to_string(), r.email.clone());
            attrs.insert("email_verified".to_string(), "true".to_string());
            attrs.insert("given_name".to_string(), r.given.to_string());
            attrs.insert("family_name".to_string(), r.family.to_string());
            storage::users::insert_uncounted(
                tx,
                &NewUser {
                    pool,
                    username: &r.username,
                    username_key: &r.username,
                    sub: &r.sub,
                    status: UserStatus::Confirmed,
                    enabled: true,
                    attributes: &attrs,
                    password_hash: None,
                    now,
                },
            )?;
        }
        Ok::<_, storage::Error>(())
    })?;
    Ok(())
}

fn remove(path: &Path) {
    for s in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(s);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}

#[derive(Default)]
struct Variant {
    wall: Vec<f64>,
    cpu: Vec<f64>,
    bytes: u64,
}

type InsertFn = fn(&Path, &[Row], i64) -> Res<()>;

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("storage insert bench: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

fn run() -> Res<()> {
    let n: u64 = if harness::quick() { 20_000 } else { 100_000 };
    let rounds = if harness::quick() { 1 } else { 3 };
    let dir = harness::data_dir().join("scratch");
    std::fs::create_dir_all(&dir)?;
    let now = 1_790_000_000_000;
    let variants: [(&str, InsertFn); 3] = [
        ("raw-min", raw_min),
        ("raw-same", raw_same),
        ("storage", through_storage),
    ];
    let mut results: Vec<Variant> = variants.iter().map(|_| Variant::default()).collect();
    println!(
        "bulk insert of {n} users in one transaction, {rounds} interleaved rounds, into {}",
        dir.display()
    );
    for round in 0..rounds {
        let data = rows(n, round as u64);
        for (k, (name, f)) in variants.iter().enumerate() {
            let path = dir.join(format!("insert-{name}.db"));
            remove(&path);
            let cpu0 = thread_cpu_ns();
            let t = Instant::now();
            f(&path, &data, now)?;
            let wall = t.elapsed().as_secs_f64();
            let cpu = (thread_cpu_ns() - cpu0) as f64 / 1e9;
            // Every connection is closed by now: the WAL is checkpointed into the file.
            let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            println!(
                "  round {round} {name:<9} {wall:6.2} s wall ({:>7.0} users/s), {cpu:6.2} s cpu \
                 ({:>7.0} users/cpu-s), {:.0} B/user",
                n as f64 / wall,
                n as f64 / cpu,
                bytes as f64 / n as f64
            );
            results[k].wall.push(n as f64 / wall);
            results[k].cpu.push(n as f64 / cpu);
            results[k].bytes = bytes;
            remove(&path);
        }
    }
    let ratio = |a: usize, b: usize, cpu: bool| {
        let (x, y) = if cpu {
            (&results[a].cpu, &results[b].cpu)
        } else {
            (&results[a].wall, &results[b].wall)
        };
        median(&x.iter().zip(y).map(|(p, q)| p / q).collect::<Vec<_>>())
    };
    let mut report = Report::default();
    for (k, (name, _)) in variants.iter().enumerate() {
        report.row(
            "T13",
            &format!("bulk insert {n} users, {name}"),
            format!(
                "{:.0} users/s wall, {:.0} users/cpu-s, {:.0} B/user",
                median(&results[k].wall),
                median(&results[k].cpu),
                results[k].bytes as f64 / n as f64
            ),
            "(baseline)",
            Verdict::Info,
        );
    }
    let s_same = ratio(2, 1, true);
    report.row(
        "T13",
        "storage layer ÷ raw rusqlite, same schema (users/cpu-s)",
        format!("{s_same:.2} (wall {:.2})", ratio(2, 1, false)),
        "(layer overhead)",
        Verdict::Info,
    );
    let s_min = ratio(2, 0, true);
    report.row(
        "T13",
        "storage layer ÷ raw rusqlite, minimal 3-index schema (users/cpu-s)",
        format!("{s_min:.2} (wall {:.2})", ratio(2, 0, false)),
        "≥ 0.5",
        Verdict::of(s_min >= 0.5),
    );
    if harness::has_flag("--attribution") {
        attribution(&dir, n, now, &mut report)?;
    }
    // For bench/run.sh: the baseline rate the engine's generator is divided by.
    std::fs::create_dir_all(harness::results_dir())?;
    std::fs::write(
        harness::results_dir().join("insert-baseline.json"),
        serde_json::to_vec_pretty(&serde_json::json!({
            "users": n,
            "raw_min_users_per_s": median(&results[0].wall),
            "raw_min_users_per_cpu_s": median(&results[0].cpu),
            "raw_same_users_per_s": median(&results[1].wall),
            "raw_same_users_per_cpu_s": median(&results[1].cpu),
            "storage_users_per_s": median(&results[2].wall),
            "storage_users_per_cpu_s": median(&results[2].cpu),
        }))?,
    )?;
    let path = report.write("storage-insert")?;
    println!("results: {}", path.display());
    Ok(())
}

/// What each part of the schema costs: the raw insert into the real schema, and into the real
/// schema less one index, interleaved; reported as the share of the full schema's CPU time each
/// part accounts for. Also: the same with the pool's row holding the configuration
/// `PoolConfig::default()` serialises to (a check that the pool row stays off the insert path).
fn attribution(dir: &Path, n: u64, now: i64, report: &mut Report) -> Res<()> {
    let parts = [
        "users_pool_username",
        "users_pool_sub",
        "users_pool_email",
        "users_pool_given_name",
        "users_pool_family_name",
        "users_pool_created",
        "users_pool_status",
        "users_pool_enabled",
        "users_pool_updated",
    ];
    let real_config = serde_json::to_string(&PoolConfig::default())?;
    let rounds = if harness::quick() { 1 } else { 2 };
    let data = rows(n, 99);
    let path = dir.join("insert-attribution.db");
    let mut full = Vec::new();
    let mut big = Vec::new();
    let mut without: Vec<Vec<f64>> = parts.iter().map(|_| Vec::new()).collect();
    println!(
        "\nattribution: raw insert of {n} users into the real schema less one part, {rounds} \
         rounds (pool config: 2 B, or the default config's {} B)",
        real_config.len()
    );
    let cpu_of = |without: Option<&str>, config: &str| -> Res<f64> {
        remove(&path);
        let c0 = thread_cpu_ns();
        raw_schema(&path, &data, now, without, config)?;
        Ok((thread_cpu_ns() - c0) as f64 / 1e9)
    };
    for _ in 0..rounds {
        full.push(cpu_of(None, "{}")?);
        big.push(cpu_of(None, &real_config)?);
        for (k, part) in parts.iter().enumerate() {
            without[k].push(cpu_of(Some(part), "{}")?);
        }
    }
    remove(&path);
    let full = median(&full);
    let big = median(&big);
    println!(
        "  full schema: {full:.2} s cpu ({:.1} µs/user); with the {} B config: {big:.2} s cpu \
         ({:+.0}%)",
        full / n as f64 * 1e6,
        real_config.len(),
        (big - full) / full * 100.0
    );
    let mut shares = Vec::new();
    for (k, part) in parts.iter().enumerate() {
        let w = median(&without[k]);
        let share = (full - w) / full;
        let name = *part;
        println!(
            "  without {name:<45} {w:.2} s cpu  (saves {:>3.0}%, {:.1} µs/user)",
            share * 100.0,
            (full - w) / n as f64 * 1e6
        );
        shares.push(format!("{name}: {:.0}%", share * 100.0));
    }
    report.row(
        "T13",
        "insert CPU saved without each part of the real schema (raw rusqlite)",
        format!(
            "{}; a {} B pool config row adds {:+.0}%",
            shares.join(", "),
            real_config.len(),
            (big - full) / full * 100.0
        ),
        "(attribution)",
        Verdict::Info,
    );
    Ok(())
}
