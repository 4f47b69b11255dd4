//! AdminCreateUser without a password (MessageAction SUPPRESS, no TemporaryPassword) through
//! `Console::admin_create_user`, on a 1,000-user pool and on a copy of the 1,000,000-user pool
//! (target T16), and the generator's bulk rate on a fresh store (T13's same-run figure); see
//! `docs/benchmarks.md`.
//!
//! ```text
//! cargo bench -p console-api --bench admin_create
//! ```
//!
//! Each create is its own write transaction with its audit record, committed in WAL mode with
//! `synchronous = NORMAL`. Latency rounds are interleaved (1k pool, then 1M pool, alternating);
//! after each batch the users it created are deleted again (untimed), so each pool stays at its
//! size. The 1M pool is a scratch copy of the cached data set (the cached one is never
//! written).

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::data::{self, actor, create_pool, remove_store};
use common::harness::{self, Batch, Report, Res, Series, Verdict, fmt_ns, median, run_batch};
use console_api::Console;
use console_api::dto::{AdminCreateUserRequest, GenerateUsersRequest, UserRequest};
use domain::SystemClock;

struct Pool {
    label: &'static str,
    console: Console,
    pool_id: String,
}

impl Pool {
    fn create(&self, username: &str) -> Res<()> {
        let req: AdminCreateUserRequest = serde_json::from_value(serde_json::json!({
            "UserPoolId": self.pool_id,
            "Username": username,
            "MessageAction": "SUPPRESS",
            "UserAttributes": [
                {"Name": "email", "Value": format!("{username}@example.com")},
                {"Name": "email_verified", "Value": "true"},
                {"Name": "given_name", "Value": "Bench"},
                {"Name": "family_name", "Value": "Mark"},
            ],
        }))?;
        self.console.admin_create_user(&actor(), req)?;
        Ok(())
    }

    fn delete(&self, username: &str) -> Res<()> {
        self.console.admin_delete_user(
            &actor(),
            UserRequest {
                user_pool_id: self.pool_id.parse()?,
                username: username.parse()?,
            },
        )?;
        Ok(())
    }

    /// One timed batch of creates named `<tag>-<i>`, then (untimed) their deletion.
    fn batch(&self, tag: &str, max_ops: usize, max_time: Duration) -> Res<Batch> {
        let b = run_batch(max_ops, max_time, |i| self.create(&format!("{tag}-{i}")))?;
        for i in 0..b.ops() {
            self.delete(&format!("{tag}-{i}"))?;
        }
        Ok(b)
    }
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("console-api admin_create bench: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

fn run() -> Res<()> {
    let quick = harness::quick();
    let rounds = harness::rounds();
    let scratch = harness::data_dir().join("scratch");
    std::fs::create_dir_all(&scratch)?;
    let mut report = Report::default();

    // The 1k pool: a fresh store each run.
    let small_path = scratch.join("admin-create-1k.db");
    remove_store(&small_path);
    let small_console = Console::open(&small_path, Arc::new(SystemClock))?;
    let small_pool = create_pool(&small_console, "bench-1k")?;
    small_console.generate_users(
        &actor(),
        GenerateUsersRequest {
            user_pool_id: small_pool.parse()?,
            count: 1000,
            prefix: None,
        },
    )?;
    let small = Pool {
        label: "1k",
        console: small_console,
        pool_id: small_pool,
    };

    // The 1M pool: a scratch copy of the cached data set.
    let big_ds = data::ensure("users-1m", 1_000_000)?;
    let big_path = scratch.join("admin-create-1m.db");
    remove_store(&big_path);
    let t = Instant::now();
    std::fs::copy(&big_ds.path, &big_path)?;
    eprintln!(
        "copied the 1M data set in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let big = Pool {
        label: "1M",
        console: Console::open(&big_path, Arc::new(SystemClock))?,
        pool_id: big_ds.meta.pool_id.clone(),
    };

    // Latency, interleaved.
    let (max_ops, max_time) = if quick {
        (100, Duration::from_millis(500))
    } else {
        (200, Duration::from_secs(2))
    };
    println!(
        "AdminCreateUser (SUPPRESS, no password): {rounds} interleaved rounds, batches of \
         ≤{max_ops} creates / ≤{} ms",
        max_time.as_millis()
    );
    for p in [&small, &big] {
        p.batch("warm", max_ops / 4, max_time / 4)?;
    }
    let mut series: [Series; 2] = Default::default();
    for round in 0..rounds {
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        for which in order {
            let p = if which == 0 { &small } else { &big };
            series[which].push(p.batch(&format!("r{round}"), max_ops, max_time)?);
        }
        eprint!(".");
    }
    eprintln!();
    for (p, s) in [(&small, &series[0]), (&big, &series[1])] {
        println!(
            "  {:>3} pool: {} creates, p50 {}, p95 {}, p99 {}, cpu/op {}, wall/op {}",
            p.label,
            s.ops(),
            fmt_ns(s.p(50.0)),
            fmt_ns(s.p(95.0)),
            fmt_ns(s.p(99.0)),
            fmt_ns(s.cpu_per_op()),
            fmt_ns(s.wall_per_op())
        );
    }
    let ratio = series[1].p50_ratio_to(&series[0]);
    report.row(
        "T16",
        "AdminCreateUser latency p50 at 1M ÷ at 1k (median of per-round ratios)",
        format!(
            "{ratio:.2} (1k p50 {}, 1M p50 {}; cpu ratio {:.2})",
            fmt_ns(series[0].p(50.0)),
            fmt_ns(series[1].p(50.0)),
            series[1].cpu_ratio_to(&series[0])
        ),
        "≤ 1.2",
        Verdict::of(ratio <= 1.2),
    );

    // Sustained throughput on the 1M pool.
    let (n, limit) = if quick {
        (1000, Duration::from_secs(3))
    } else {
        (5000, Duration::from_secs(10))
    };
    let b = big.batch("sustained", n, limit)?;
    let wall_rate = b.ops() as f64 / (b.wall_ns as f64 / 1e9);
    let cpu_rate = b.ops() as f64 / (b.cpu_ns as f64 / 1e9);
    report.row(
        "T16",
        "AdminCreateUser sustained, one thread, 1M pool",
        format!(
            "{wall_rate:.0} creates/s wall, {cpu_rate:.0} creates/cpu-s ({} creates; p50 {}, p99 {})",
            b.ops(),
            fmt_ns(b.p50()),
            fmt_ns(harness::percentile(&b.lat_ns, 99.0))
        ),
        "≥ 1,000/s",
        Verdict::of(wall_rate >= 1000.0),
    );
    // The tail: a WAL checkpoint inside a commit made p99 about 100 × p50 (finding 5).
    let (p50, p99) = (b.p50(), harness::percentile(&b.lat_ns, 99.0));
    let tail = p99 / p50;
    report.row(
        "T16",
        "AdminCreateUser p99 ÷ p50, sustained on the 1M pool (wall)",
        format!("{tail:.2} (p50 {}, p99 {})", fmt_ns(p50), fmt_ns(p99)),
        "≤ 3",
        Verdict::of(tail <= 3.0),
    );
    drop(big);
    drop(small);
    remove_store(&big_path);
    remove_store(&small_path);

    // The generator on a fresh store, the figure bench/run.sh divides by the storage insert
    // bench's raw rusqlite baseline (same N).
    let n: u32 = if quick { 20_000 } else { 100_000 };
    let gen_rounds = if quick { 1 } else { 2 };
    let mut wall = Vec::new();
    let mut cpu = Vec::new();
    for round in 0..gen_rounds {
        let path = scratch.join("generate.db");
        remove_store(&path);
        let console = Console::open(&path, Arc::new(SystemClock))?;
        let pool_id = create_pool(&console, "bench-gen")?;
        let c0 = harness::thread_cpu_ns();
        let t = Instant::now();
        console.generate_users(
            &actor(),
            GenerateUsersRequest {
                user_pool_id: pool_id.parse()?,
                count: n,
                prefix: None,
            },
        )?;
        let w = t.elapsed().as_secs_f64();
        let c = (harness::thread_cpu_ns() - c0) as f64 / 1e9;
        println!(
            "  generate {n} users, round {round}: {w:.2} s wall ({:.0}/s), {c:.2} s cpu ({:.0}/cpu-s)",
            f64::from(n) / w,
            f64::from(n) / c
        );
        wall.push(f64::from(n) / w);
        cpu.push(f64::from(n) / c);
        drop(console);
        remove_store(&path);
    }
    report.row(
        "T13",
        &format!("Console::generate_users {n} users into a fresh store"),
        format!(
            "{:.0} users/s wall, {:.0} users/cpu-s",
            median(&wall),
            median(&cpu)
        ),
        "(divided by the raw baseline in the summary)",
        Verdict::Info,
    );
    std::fs::create_dir_all(harness::results_dir())?;
    std::fs::write(
        harness::results_dir().join("generate-rate.json"),
        serde_json::to_vec_pretty(&serde_json::json!({
            "users": n,
            "users_per_s": median(&wall),
            "users_per_cpu_s": median(&cpu),
        }))?,
    )?;
    let path = report.write("console-admin-create")?;
    println!("results: {}", path.display());
    Ok(())
}
