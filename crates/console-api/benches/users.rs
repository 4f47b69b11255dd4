//! The user directory at the console's level, on a generated 1,000,000-user pool against a
//! 10,000-user pool (targets T9 (without HTTP), T13, T14, T15; see `docs/benchmarks.md`).
//!
//! ```text
//! cargo bench -p console-api --bench users                      # everything
//! cargo bench -p console-api --bench users -- --prepare-only    # only make the data sets
//! cargo bench -p console-api --bench users -- --criterion       # also criterion's statistics
//! ```
//!
//! The data sets are generated once, through `Console::generate_users` (the product's
//! generator), into `target/bench-data/` and reused (see `common/data.rs`). Operations go
//! through `Console::dispatch_json` — JSON request in, Cognito JSON out — which is what the
//! endpoint and the CLI run per request, minus HTTP.

mod common;

use std::time::{Duration, Instant};

use common::data::{self, Dataset, actor};
use common::harness::{self, Report, Res, Series, Verdict, fmt_ns, run_batch};
use console_api::Console;
use domain::SystemClock;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;
use storage::users::{Cursor, CursorKey};

struct Env {
    label: &'static str,
    ds: Dataset,
    console: Console,
    n: u64,
    /// ListUsers pagination tokens at random places in the pool.
    tokens: Vec<String>,
    /// Whether to check the next answer (the first of each batch is checked; the rest are not,
    /// so that checking stays out of the timings).
    check: std::cell::Cell<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    /// ListUsers, a page of 60 after a random pagination token.
    ListUsers,
    /// ListUsers, the first page.
    ListUsersFirst,
    /// ListUsers with `email ^= "grace."` (first page of 60).
    ListUsersPrefix,
    AdminGetUser,
    /// DescribeUserPool (EstimatedNumberOfUsers from the maintained counter).
    DescribeUserPool,
    /// SearchUsers, no text: first page by username, total from the counter.
    SearchAll,
    /// SearchUsers "grace": one user in 20 matches (a capped count on the big pool).
    SearchBroad,
    /// SearchUsers "user00012": 100 matches (username prefix).
    SearchNarrow,
    /// SearchUsers "abc": nobody matches.
    SearchNone,
}

const OPS: [Op; 9] = [
    Op::ListUsers,
    Op::ListUsersFirst,
    Op::ListUsersPrefix,
    Op::AdminGetUser,
    Op::DescribeUserPool,
    Op::SearchAll,
    Op::SearchBroad,
    Op::SearchNarrow,
    Op::SearchNone,
];

/// How many users a ListUsers/SearchUsers answer holds. A byte scan, not a JSON parse, so that
/// checking the answer costs next to nothing beside the operation being timed.
fn count_users(json: &[u8]) -> Res<usize> {
    if !json.starts_with(b"{") {
        return Err("the answer is not a JSON object".into());
    }
    Ok(count(json, b"\"Username\":"))
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}

impl Env {
    fn pool_id(&self) -> &str {
        &self.ds.meta.pool_id
    }

    fn call(&self, op: &str, body: serde_json::Value) -> Res<Vec<u8>> {
        Ok(self
            .console
            .dispatch_json(&actor(), op, body.to_string().as_bytes())?)
    }

    fn expect_users(&self, op: Op, json: &[u8], want: usize) -> Res<()> {
        if !self.check.get() {
            return Ok(());
        }
        let got = count_users(json)?;
        if got != want {
            return Err(format!("{} {op:?}: expected {want} users, got {got}", self.label).into());
        }
        Ok(())
    }

    /// Runs `op` once, checking its answer when `check`.
    fn run_checked(&self, op: Op, rng: &mut StdRng, check: bool) -> Res<()> {
        self.check.set(check);
        self.run(op, rng)
    }

    fn run(&self, op: Op, rng: &mut StdRng) -> Res<()> {
        let pool = self.pool_id();
        match op {
            Op::ListUsers => {
                let t = &self.tokens[rng.random_range(0..self.tokens.len())];
                let out = self.call(
                    "ListUsers",
                    serde_json::json!({"UserPoolId": pool, "Limit": 60, "PaginationToken": t}),
                )?;
                self.expect_users(op, &out, 60)
            }
            Op::ListUsersFirst => {
                let out = self.call("ListUsers", serde_json::json!({"UserPoolId": pool}))?;
                self.expect_users(op, &out, 60)
            }
            Op::ListUsersPrefix => {
                let out = self.call(
                    "ListUsers",
                    serde_json::json!({"UserPoolId": pool, "Filter": "email ^= \"grace.\""}),
                )?;
                self.expect_users(op, &out, 60)
            }
            Op::AdminGetUser => {
                let name = data::username(rng.random_range(0..self.n));
                self.call(
                    "AdminGetUser",
                    serde_json::json!({"UserPoolId": pool, "Username": name}),
                )?;
                Ok(())
            }
            Op::DescribeUserPool => {
                let out = self.call("DescribeUserPool", serde_json::json!({"UserPoolId": pool}))?;
                let want = format!("\"EstimatedNumberOfUsers\":{}", self.n);
                if self.check.get() && count(&out, want.as_bytes()) != 1 {
                    return Err(format!("{}: wrong EstimatedNumberOfUsers", self.label).into());
                }
                Ok(())
            }
            Op::SearchAll => {
                let out = self.call("SearchUsers", serde_json::json!({"UserPoolId": pool}))?;
                self.expect_users(op, &out, 60)
            }
            Op::SearchBroad => {
                let out = self.call(
                    "SearchUsers",
                    serde_json::json!({"UserPoolId": pool, "Query": "grace"}),
                )?;
                self.expect_users(op, &out, 60)
            }
            Op::SearchNarrow => {
                let out = self.call(
                    "SearchUsers",
                    serde_json::json!({"UserPoolId": pool, "Query": "user00012"}),
                )?;
                self.expect_users(op, &out, 60)
            }
            Op::SearchNone => {
                let out = self.call(
                    "SearchUsers",
                    serde_json::json!({"UserPoolId": pool, "Query": "abc"}),
                )?;
                self.expect_users(op, &out, 0)
            }
        }
    }
}

/// Pagination tokens for `ListUsers` (no filter) at random places: the cursor the engine would
/// have issued for the page ending just before user `i`. Also written to
/// `<data set>-listusers-tokens.txt` for the endpoint's wrk script.
fn make_tokens(ds: &Dataset, count: usize) -> Res<Vec<String>> {
    let db = storage::Db::open(&ds.path)?;
    let pool = db
        .read(|r| storage::pools::get(r, &ds.meta.pool_id))?
        .ok_or("the data set's pool is missing")?;
    let scope = format!("ListUsers|{}|", pool.id);
    // Tokens are tagged with a key derived from the store's master key, as the console does.
    let master: [u8; 32] = std::fs::read(console_api::master_key_path(&ds.path))?
        .try_into()
        .map_err(|_| "the data set's key file is not 32 bytes")?;
    let pages = user_pools::pagination::key(&tokens::MasterKey::from_bytes(&master)?);
    let mut rng = StdRng::seed_from_u64(11);
    let mut tokens = Vec::with_capacity(count);
    while tokens.len() < count {
        let key = data::username(rng.random_range(0..ds.meta.users - 61));
        if let Some(u) = db.read(|r| storage::users::get(r, pool.pk, &key))? {
            let cursor = Cursor {
                key: CursorKey::Text(key),
                pk: u.pk,
            };
            tokens.push(user_pools::pagination::encode(&pages, &scope, &cursor));
        }
    }
    let path = ds
        .path
        .with_file_name(format!("{}-listusers-tokens.txt", ds.name));
    std::fs::write(&path, tokens.join("\n") + "\n")?;
    Ok(tokens)
}

fn env(label: &'static str, ds: Dataset) -> Res<Env> {
    let tokens = make_tokens(&ds, 1000)?;
    let console = Console::open(&ds.path, Arc::new(SystemClock))?;
    Ok(Env {
        label,
        n: ds.meta.users,
        ds,
        console,
        tokens,
        check: std::cell::Cell::new(true),
    })
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("console-api users bench: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

fn run() -> Res<()> {
    let small = data::ensure("users-10k", 10_000)?;
    let big = data::ensure("users-1m", 1_000_000)?;
    let mut report = Report::default();
    generation_report(&big, &mut report)?;
    let t = Instant::now();
    let small = env("10k", small)?;
    let big = env("1M", big)?;
    eprintln!(
        "tokens written and consoles opened in {:.2} s",
        t.elapsed().as_secs_f64()
    );
    if harness::has_flag("--prepare-only") {
        report.write("console-generate")?;
        return Ok(());
    }
    report.write("console-generate")?;
    let mut report = Report::default();
    interleaved(&small, &big, &mut report)?;
    let path = report.write("console-users")?;
    println!("results: {}", path.display());
    if harness::has_flag("--criterion") {
        criterion_pass(&small, &big)?;
    }
    Ok(())
}

fn generation_report(big: &Dataset, report: &mut Report) -> Res<()> {
    let m = &big.meta;
    let when = if big.fresh {
        "this run".to_string()
    } else {
        format!("cached data set, generated at unix time {}", m.generated_at)
    };
    println!("\ngeneration of the 1M pool ({when}):");
    report.row(
        "T13",
        "generate 1,000,000 users (Console::generate_users, 10 × 100k transactions)",
        format!(
            "{:.1} s wall = {:.0} users/s; {:.1} s thread-CPU; first batch {:.1} s, last {:.1} s \
             ({when})",
            m.generated_secs,
            m.users as f64 / m.generated_secs,
            m.generated_cpu_secs,
            m.batch_secs.first().copied().unwrap_or(f64::NAN),
            m.batch_secs.last().copied().unwrap_or(f64::NAN),
        ),
        "≤ 30 s (stretch 15 s)",
        Verdict::of(m.generated_secs <= 30.0),
    );
    let per_user = m.file_bytes as f64 / m.users as f64;
    // A password adds its PHC string (and password_set_at, a small integer).
    let phc = user_pools::passwords::hash("Bench-Passw0rd!")?;
    let with_hash = per_user + phc.len() as f64 + 8.0;
    report.row(
        "T14",
        "DB bytes per user, 1M pool (file after checkpoint ÷ users)",
        format!(
            "{per_user:.0} B/user without password ({:.1} MiB); with a PHC hash ({} B) ≈ \
             {with_hash:.0} B/user",
            m.file_bytes as f64 / 1048576.0,
            phc.len()
        ),
        "≤ 600 B/user incl. PHC hash",
        Verdict::of(with_hash <= 600.0),
    );
    Ok(())
}

fn interleaved(small: &Env, big: &Env, report: &mut Report) -> Res<()> {
    let rounds = harness::rounds();
    let (max_ops, max_time) = if harness::quick() {
        (150, Duration::from_millis(100))
    } else {
        (400, Duration::from_millis(250))
    };
    println!(
        "\nconsole operations (dispatch_json): {rounds} interleaved rounds, batches of ≤{max_ops} \
         ops / ≤{} ms",
        max_time.as_millis()
    );
    let mut rng = StdRng::seed_from_u64(5);
    for op in OPS {
        for env in [small, big] {
            run_batch(max_ops / 4, max_time / 4, |i| {
                env.run_checked(op, &mut rng, i == 0)
            })?;
        }
    }
    let mut series: Vec<[Series; 2]> = OPS.iter().map(|_| Default::default()).collect();
    for round in 0..rounds {
        for (k, op) in OPS.iter().enumerate() {
            let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
            for which in order {
                let env = if which == 0 { small } else { big };
                let b = run_batch(max_ops, max_time, |i| {
                    env.run_checked(*op, &mut rng, i == 0)
                })?;
                series[k][which].push(b);
            }
        }
        eprint!(".");
    }
    eprintln!();
    println!(
        "\n{:<18} {:>4} {:>7} {:>10} {:>10} {:>10} {:>11} {:>11} {:>11}",
        "operation", "pool", "ops", "p50", "p95", "p99", "cpu/op", "cpu p99", "1M÷10k p50"
    );
    for (k, op) in OPS.iter().enumerate() {
        for (which, env) in [small, big].into_iter().enumerate() {
            let s = &series[k][which];
            let ratio = if which == 1 {
                format!("{:.2}", s.p50_ratio_to(&series[k][0]))
            } else {
                String::new()
            };
            println!(
                "{:<18} {:>4} {:>7} {:>10} {:>10} {:>10} {:>11} {:>11} {:>11}",
                format!("{op:?}"),
                env.label,
                s.ops(),
                fmt_ns(s.p(50.0)),
                fmt_ns(s.p(95.0)),
                fmt_ns(s.p(99.0)),
                fmt_ns(s.cpu_per_op()),
                fmt_ns(s.cpu_p(99.0)),
                ratio
            );
        }
    }
    println!();
    let at = |op: Op| OPS.iter().position(|o| *o == op).unwrap_or(0);
    let pair = |op: Op| (&series[at(op)][0], &series[at(op)][1]);

    let (s, b) = pair(Op::ListUsers);
    report.row(
        "T9",
        "ListUsers page of 60 as Cognito JSON (dispatch_json, no HTTP), 1M, p50",
        format!(
            "{} (p99 {}, cpu {}; 1M÷10k {:.2})",
            fmt_ns(b.p(50.0)),
            fmt_ns(b.p(99.0)),
            fmt_ns(b.cpu_per_op()),
            b.p50_ratio_to(s)
        ),
        "≤ 2 ms over HTTP (see endpoint rows)",
        Verdict::of(b.p(50.0) <= 2e6),
    );
    let (s, b) = pair(Op::DescribeUserPool);
    report.row(
        "T15",
        "DescribeUserPool (EstimatedNumberOfUsers), 1M, p50",
        format!(
            "{} (p99 {}; 1M÷10k {:.2})",
            fmt_ns(b.p(50.0)),
            fmt_ns(b.p(99.0)),
            b.p50_ratio_to(s)
        ),
        "≤ 1 ms regardless of pool size",
        Verdict::of(b.p(50.0) <= 1e6),
    );
    let (s, b) = pair(Op::AdminGetUser);
    report.row(
        "T12",
        "AdminGetUser (dispatch_json), 1M, p50",
        format!(
            "{} (cpu {}; 1M÷10k {:.2})",
            fmt_ns(b.p(50.0)),
            fmt_ns(b.cpu_per_op()),
            b.p50_ratio_to(s)
        ),
        "(engine + JSON on top of the ≤ 50 µs lookup)",
        Verdict::Info,
    );
    for (op, what) in [
        (
            Op::ListUsersPrefix,
            "ListUsers email ^= \"grace.\" (dispatch_json), 1M, p50",
        ),
        (Op::SearchAll, "SearchUsers, no text, 1M, p50"),
        (
            Op::SearchBroad,
            "SearchUsers \"grace\" (50k matches, capped count), 1M, p50",
        ),
        (
            Op::SearchNarrow,
            "SearchUsers \"user00012\" (100 matches), 1M, p50",
        ),
        (Op::SearchNone, "SearchUsers \"abc\" (no match), 1M, p50"),
    ] {
        let (s, b) = pair(op);
        report.row(
            "T10",
            what,
            format!(
                "{} (p99 {}; 1M÷10k {:.2})",
                fmt_ns(b.p(50.0)),
                fmt_ns(b.p(99.0)),
                b.p50_ratio_to(s)
            ),
            "(no target for SearchUsers; prefix filters ≤ 1 ms)",
            if op == Op::ListUsersPrefix {
                Verdict::of(b.p(50.0) <= 1e6)
            } else {
                Verdict::Info
            },
        );
    }
    Ok(())
}

/// Criterion's statistics (and its change detection against the previous run's estimates,
/// kept in `target/criterion`) for the main operations.
fn criterion_pass(small: &Env, big: &Env) -> Res<()> {
    use criterion::Criterion;
    let quick = harness::quick();
    let mut c = Criterion::default()
        .output_directory(&harness::target_dir().join("criterion"))
        .warm_up_time(Duration::from_millis(if quick { 200 } else { 500 }))
        .measurement_time(Duration::from_secs(if quick { 1 } else { 3 }))
        .sample_size(if quick { 10 } else { 30 })
        .without_plots();
    let mut rng = StdRng::seed_from_u64(9);
    let mut failed: Option<String> = None;
    for (env, op) in [
        (small, Op::ListUsers),
        (big, Op::ListUsers),
        (big, Op::ListUsersPrefix),
        (big, Op::AdminGetUser),
        (big, Op::DescribeUserPool),
        (big, Op::SearchNarrow),
    ] {
        c.bench_function(&format!("console/{op:?}/{}", env.label), |b| {
            b.iter(|| {
                if let Err(e) = env.run_checked(op, &mut rng, false) {
                    failed.get_or_insert(e.to_string());
                }
            })
        });
    }
    c.final_summary();
    match failed {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}
