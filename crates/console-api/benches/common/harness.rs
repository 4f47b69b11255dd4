//! A small timing harness shared by Poolhouse's benchmarks (also included by the storage
//! crate's bench through `#[path]`).
//!
//! The rules it implements (see `docs/benchmarks.md`):
//! - every loop is bounded both in operations and in time;
//! - each operation's wall-clock latency is recorded one by one (for p50/p95/p99), and each
//!   batch's **thread-CPU** time is recorded as a whole (CLOCK_THREAD_CPUTIME_ID), because the
//!   machine is shared and wall time moves with other people's load;
//! - ratios are taken per round, on batches run back to back, and the median over rounds is
//!   reported;
//! - results are printed, and written as TSV rows for `bench/run.sh`'s summary. Nothing here
//!   fails a build: a missed target is a row that says MISS.

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Any error, for bench mains.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
pub type Res<T> = Result<T, BoxError>;

/// Nanoseconds of CPU this thread has used.
pub fn thread_cpu_ns() -> u64 {
    let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    u64::try_from(t.tv_sec).unwrap_or(0) * 1_000_000_000 + u64::try_from(t.tv_nsec).unwrap_or(0)
}

/// One bounded batch of operations.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    /// Wall-clock latency of each operation, ns.
    pub lat_ns: Vec<u64>,
    /// Thread-CPU time of each operation, ns (what the operation cost, without the time the
    /// thread spent descheduled by other load).
    pub cpu_op_ns: Vec<u64>,
    pub wall_ns: u64,
    pub cpu_ns: u64,
}

impl Batch {
    pub fn ops(&self) -> usize {
        self.lat_ns.len()
    }
    /// Thread-CPU ns per operation.
    pub fn cpu_per_op(&self) -> f64 {
        self.cpu_ns as f64 / self.ops().max(1) as f64
    }
    pub fn wall_per_op(&self) -> f64 {
        self.wall_ns as f64 / self.ops().max(1) as f64
    }
    pub fn p50(&self) -> f64 {
        percentile(&self.lat_ns, 50.0)
    }
}

/// Runs `f` up to `max_ops` times or until `max_time` has passed (at least once).
pub fn run_batch(
    max_ops: usize,
    max_time: Duration,
    mut f: impl FnMut(usize) -> Res<()>,
) -> Res<Batch> {
    let mut lat_ns = Vec::with_capacity(max_ops.min(100_000));
    let mut cpu_op_ns = Vec::with_capacity(max_ops.min(100_000));
    let cpu0 = thread_cpu_ns();
    let start = Instant::now();
    for i in 0..max_ops.max(1) {
        let c = thread_cpu_ns();
        let t = Instant::now();
        f(i)?;
        lat_ns.push(u64::try_from(t.elapsed().as_nanos()).unwrap_or(u64::MAX));
        cpu_op_ns.push(thread_cpu_ns().saturating_sub(c));
        if start.elapsed() >= max_time {
            break;
        }
    }
    let wall_ns = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
    let cpu_ns = thread_cpu_ns().saturating_sub(cpu0);
    Ok(Batch {
        lat_ns,
        cpu_op_ns,
        wall_ns,
        cpu_ns,
    })
}

/// A batch timed as a whole: no clock is read per operation. For operations of a few µs, where
/// two clock reads per operation (the thread-CPU clock is a system call) would cost a visible
/// share of the operation itself and pull every ratio towards 1.
#[derive(Debug, Clone, Copy, Default)]
pub struct Loop {
    pub ops: u64,
    pub wall_ns: u64,
    pub cpu_ns: u64,
    /// Minor page faults this thread took (fresh pages the kernel zeroed and mapped).
    pub faults: u64,
}

impl Loop {
    /// Minor page faults per operation.
    pub fn faults_per_op(&self) -> f64 {
        self.faults as f64 / self.ops.max(1) as f64
    }
    /// Thread-CPU ns per operation.
    pub fn cpu_per_op(&self) -> f64 {
        self.cpu_ns as f64 / self.ops.max(1) as f64
    }
    pub fn wall_per_op(&self) -> f64 {
        self.wall_ns as f64 / self.ops.max(1) as f64
    }
}

/// Runs `f` up to `max_ops` times or until `max_time` has passed (at least once), reading the
/// clocks only at the ends (and the wall clock for the time bound: every 16 operations, or after
/// each one in loops of at most 64, whose operations are slow).
pub fn run_loop(max_ops: u64, max_time: Duration, mut f: impl FnMut(u64) -> Res<()>) -> Res<Loop> {
    let faults0 = thread_minor_faults();
    let cpu0 = thread_cpu_ns();
    let start = Instant::now();
    let mut ops = 0;
    while ops < max_ops.max(1) {
        f(ops)?;
        ops += 1;
        if (ops % 16 == 0 || max_ops <= 64) && start.elapsed() >= max_time {
            break;
        }
    }
    let wall_ns = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
    let cpu_ns = thread_cpu_ns().saturating_sub(cpu0);
    Ok(Loop {
        ops,
        wall_ns,
        cpu_ns,
        faults: thread_minor_faults().saturating_sub(faults0),
    })
}

/// Minor page faults this thread has taken (Linux, `/proc/thread-self/stat`; 0 elsewhere).
pub fn thread_minor_faults() -> u64 {
    std::fs::read_to_string("/proc/thread-self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command name (which may hold spaces); minflt is field 10.
            let rest = s.rsplit_once(')')?.1;
            rest.split_whitespace().nth(7)?.parse().ok()
        })
        .unwrap_or(0)
}

/// How many operations of `f` fit in about `target` of thread-CPU time: doubles a trial loop
/// until it takes at least a tenth of `target` (bounded: at most `max_ops`).
pub fn calibrate(target: Duration, max_ops: u64, mut f: impl FnMut(u64) -> Res<()>) -> Res<u64> {
    let mut n = 1u64;
    loop {
        let l = run_loop(n, target, &mut f)?;
        let enough = l.cpu_ns as f64 >= target.as_nanos() as f64 / 10.0;
        if enough || n >= max_ops {
            let per_op = l.cpu_per_op().max(1.0);
            let fit = (target.as_nanos() as f64 / per_op).ceil() as u64;
            return Ok(fit.clamp(1, max_ops));
        }
        n = (n * 2).min(max_ops);
    }
}

/// Median over rounds of `base ÷ candidate` thread-CPU per operation: the candidate's
/// throughput as a fraction of the baseline's, one ratio per round.
pub fn throughput_ratio(candidate: &[Loop], base: &[Loop]) -> f64 {
    median(
        &candidate
            .iter()
            .zip(base)
            .map(|(c, b)| b.cpu_per_op() / c.cpu_per_op())
            .collect::<Vec<_>>(),
    )
}

/// Median over rounds of thread-CPU ns per operation.
pub fn median_cpu_per_op(loops: &[Loop]) -> f64 {
    median(&loops.iter().map(Loop::cpu_per_op).collect::<Vec<_>>())
}

/// One candidate of an interleaved comparison: `f(i)` is its `i`-th operation.
pub struct Candidate<'a> {
    pub name: &'static str,
    /// Operations per round (each round's loop also stops at `max_time`).
    pub max_ops: u64,
    pub max_time: Duration,
    pub f: Box<dyn FnMut(u64) -> Res<()> + 'a>,
}

impl<'a> Candidate<'a> {
    pub fn new(
        name: &'static str,
        max_ops: u64,
        max_time: Duration,
        f: impl FnMut(u64) -> Res<()> + 'a,
    ) -> Self {
        Self {
            name,
            max_ops,
            max_time,
            f: Box::new(f),
        }
    }
}

/// Runs every candidate once per round, back to back, starting each round one candidate later
/// (so no candidate always runs first); answers each candidate's loops, one per round, in the
/// candidates' order.
pub fn interleave(rounds: usize, candidates: &mut [Candidate<'_>]) -> Res<Vec<Vec<Loop>>> {
    let n = candidates.len();
    let mut out: Vec<Vec<Loop>> = vec![Vec::with_capacity(rounds); n];
    for round in 0..rounds {
        for k in 0..n {
            let i = (round + k) % n;
            let c = &mut candidates[i];
            out[i].push(run_loop(c.max_ops, c.max_time, &mut c.f)?);
        }
        eprint!(".");
    }
    eprintln!();
    Ok(out)
}

/// Nearest-rank percentile of unsorted samples (ns), as f64 ns.
pub fn percentile(samples: &[u64], q: f64) -> f64 {
    if samples.is_empty() {
        return f64::NAN;
    }
    let mut v = samples.to_vec();
    v.sort_unstable();
    let rank = ((q / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1] as f64
}

/// Median of values (NaN when empty).
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Everything measured for one (operation, dataset) pair over all rounds.
#[derive(Debug, Clone, Default)]
pub struct Series {
    pub batches: Vec<Batch>,
}

impl Series {
    pub fn push(&mut self, b: Batch) {
        self.batches.push(b);
    }
    pub fn all_latencies(&self) -> Vec<u64> {
        self.batches
            .iter()
            .flat_map(|b| b.lat_ns.iter().copied())
            .collect()
    }
    pub fn ops(&self) -> usize {
        self.batches.iter().map(Batch::ops).sum()
    }
    /// Percentile over every operation of every round.
    pub fn p(&self, q: f64) -> f64 {
        percentile(&self.all_latencies(), q)
    }
    /// Percentile of per-operation thread-CPU time over every round.
    pub fn cpu_p(&self, q: f64) -> f64 {
        let all: Vec<u64> = self
            .batches
            .iter()
            .flat_map(|b| b.cpu_op_ns.iter().copied())
            .collect();
        percentile(&all, q)
    }
    /// Median over rounds of thread-CPU ns per operation.
    pub fn cpu_per_op(&self) -> f64 {
        median(
            &self
                .batches
                .iter()
                .map(Batch::cpu_per_op)
                .collect::<Vec<_>>(),
        )
    }
    /// Median over rounds of wall ns per operation.
    pub fn wall_per_op(&self) -> f64 {
        median(
            &self
                .batches
                .iter()
                .map(Batch::wall_per_op)
                .collect::<Vec<_>>(),
        )
    }
    /// Median over rounds of the per-round ratio `self ÷ base`, on each round's p50.
    pub fn p50_ratio_to(&self, base: &Series) -> f64 {
        median(
            &self
                .batches
                .iter()
                .zip(&base.batches)
                .map(|(a, b)| a.p50() / b.p50())
                .collect::<Vec<_>>(),
        )
    }
    /// Median over rounds of the per-round ratio of thread-CPU per operation.
    pub fn cpu_ratio_to(&self, base: &Series) -> f64 {
        median(
            &self
                .batches
                .iter()
                .zip(&base.batches)
                .map(|(a, b)| a.cpu_per_op() / b.cpu_per_op())
                .collect::<Vec<_>>(),
        )
    }
}

/// A duration in ns, printed with a sensible unit.
pub fn fmt_ns(ns: f64) -> String {
    if !ns.is_finite() {
        "n/a".into()
    } else if ns < 1_000.0 {
        format!("{ns:.0} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.1} µs", ns / 1_000.0)
    } else if ns < 1_000_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else {
        format!("{:.2} s", ns / 1_000_000_000.0)
    }
}

/// The outcome of one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Miss,
    /// Reported for context; no target.
    Info,
}

impl Verdict {
    pub fn of(ok: bool) -> Self {
        if ok { Self::Pass } else { Self::Miss }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "PASS",
            Self::Miss => "MISS",
            Self::Info => "info",
        }
    }
}

/// Rows for the summary table.
#[derive(Debug, Default)]
pub struct Report {
    rows: Vec<[String; 5]>,
}

impl Report {
    /// `id` is the target's number (T8...), `what` the quantity, `value` what was measured,
    /// `target` the bound.
    pub fn row(&mut self, id: &str, what: &str, value: String, target: &str, verdict: Verdict) {
        println!(
            "  [{:<4}] {id:<5} {what}: {value}  (target: {target})",
            verdict.as_str()
        );
        self.rows.push([
            id.into(),
            what.into(),
            value,
            target.into(),
            verdict.as_str().into(),
        ]);
    }

    /// Writes the rows as TSV to `<results dir>/<name>.tsv` (replacing an earlier run's).
    pub fn write(&self, name: &str) -> Res<PathBuf> {
        let dir = results_dir();
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.tsv"));
        let mut f = std::fs::File::create(&path)?;
        for r in &self.rows {
            let clean: Vec<String> = r.iter().map(|c| c.replace(['\t', '\n'], " ")).collect();
            writeln!(f, "{}", clean.join("\t"))?;
        }
        Ok(path)
    }
}

/// The workspace's `target/` (or `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(d);
    }
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target");
    p.canonicalize().unwrap_or(p)
}

/// Where bench data sets live (`BENCH_DATA_DIR`, default `target/bench-data`).
pub fn data_dir() -> PathBuf {
    std::env::var_os("BENCH_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("bench-data"))
}

/// Where result TSVs go (`BENCH_RESULTS_DIR`, default `target/bench-results`).
pub fn results_dir() -> PathBuf {
    std::env::var_os("BENCH_RESULTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("bench-results"))
}

/// Rounds for interleaved ratios: `BENCH_ROUNDS`, default 7 (3 with `BENCH_QUICK=1`).
pub fn rounds() -> usize {
    if let Some(n) = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        return n.clamp(1, 50);
    }
    if quick() { 3 } else { 7 }
}

/// `BENCH_QUICK=1`: fewer rounds and smaller batches, for a smoke run.
pub fn quick() -> bool {
    std::env::var("BENCH_QUICK").is_ok_and(|v| v == "1")
}

/// Whether the command line holds `flag` (cargo bench adds `--bench`; everything else is
/// ignored).
pub fn has_flag(flag: &str) -> bool {
    std::env::args().any(|a| a == flag)
}

/// The time bound of a loop of microsecond-to-millisecond operations (`run_loop`): 150 ms,
/// 40 ms with `BENCH_QUICK=1`.
pub fn micro_time() -> Duration {
    if quick() {
        Duration::from_millis(40)
    } else {
        Duration::from_millis(150)
    }
}

/// Prints each candidate's median CPU and wall time per operation, its operations and page
/// faults, over the rounds of [`interleave`].
pub fn print_loops(candidates: &[Candidate<'_>], loops: &[Vec<Loop>]) {
    for (c, l) in candidates.iter().zip(loops) {
        println!(
            "  {:<40} {} cpu/op ({} wall/op, {} ops, {:.0} page faults/op)",
            c.name,
            fmt_ns(median_cpu_per_op(l)),
            fmt_ns(median(&l.iter().map(Loop::wall_per_op).collect::<Vec<_>>())),
            l.iter().map(|x| x.ops).sum::<u64>(),
            median(&l.iter().map(Loop::faults_per_op).collect::<Vec<_>>())
        );
    }
}
