//! The sign-in engine in process, on a real store in a temporary directory: targets T4 and T5,
//! and the console-level halves of T1 and T2 (see `docs/benchmarks.md`).
//!
//! ```text
//! cargo bench -p console-api --bench signin
//! ```
//!
//! - **T4**: `InitiateAuth` `USER_PASSWORD_AUTH` through `Console::dispatch_json` (JSON in,
//!   Cognito JSON out: lookup, argon2id verify, refresh-token row, auth event, two RS256 tokens)
//!   ÷ one argon2id verify by the argon2 crate (`verify_password`) on the same PHC string.
//!   Thread-CPU per operation, interleaved rounds, median of the per-round ratios.
//! - **T5**: Poolhouse's argon2 path (`user_pools::passwords::verify`) against
//!   `hash_password_into_with_memory` with one reused block buffer, same parameters and salt.
//! - **T1 (console)**: the access-token check `GetUser` runs before its reads —
//!   the header's `kid` and the pool remembered for it, the pool's `Verifier` built from its
//!   published JWKS, signature, `exp`, `token_use`, `iss` and `origin_jti` — against raw aws-lc-rs
//!   `verify_sig` of the same signing input with a pre-parsed key. The whole `GetUser` is shown
//!   beside it.
//! - **T2 (mint)**: `user_pools::signin::mint` (claims of an ID and an access token, both signed
//!   with the pool's keys) against two raw `RsaKeyPair::sign`s with pre-parsed keys of the same
//!   signing inputs. `REFRESH_TOKEN_AUTH` through `dispatch_json` is shown beside it.
//!
//! The argon2 times are also written to `$BENCH_RESULTS_DIR/argon2.json`: `bench/endpoint.py`
//! derives T6's bound (0.8 × cores ÷ argon2 verify seconds) from them.

mod common;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordVerifier};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaKeyPair,
    RsaPublicKeyComponents,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::data::{self, master_key};
use common::harness::{
    self, Candidate, Report, Res, Verdict, fmt_ns, interleave, median_cpu_per_op, micro_time,
    print_loops, throughput_ratio,
};
use console_api::{Actor, Console};
use serde_json::{Value, json};
use user_pools::signin as auth;

const PASSWORD: &str = "Bench-Passw0rd!";
/// The pool's parameters (`user_pools::passwords`): argon2id, 19 MiB, 2 passes, 1 lane.
const M_KIB: u32 = 19_456;
const T_COST: u32 = 2;
const P_COST: u32 = 1;

/// As the endpoint calls the console: the actor carries the peer's address.
fn actor() -> Actor {
    Actor::endpoint("127.0.0.1")
}

struct Env {
    _dir: tempfile::TempDir,
    path: PathBuf,
    console: Console,
    pool_id: domain::UserPoolId,
    client_id: String,
    /// Users with a password (`user0000000`, ...).
    users: Vec<String>,
}

impl Env {
    fn call(&self, op: &str, body: &Value) -> Res<Value> {
        let out = self
            .console
            .dispatch_json(&actor(), op, body.to_string().as_bytes())?;
        Ok(serde_json::from_slice(&out)?)
    }

    fn sign_in_body(&self, username: &str) -> Vec<u8> {
        json!({"ClientId": self.client_id, "AuthFlow": "USER_PASSWORD_AUTH",
               "AuthParameters": {"USERNAME": username, "PASSWORD": PASSWORD}})
        .to_string()
        .into_bytes()
    }
}

/// A fresh store with a pool of `pool_users` generated users, an app client allowing password
/// and refresh sign-ins, and `with_password` of those users given a permanent password.
fn setup(pool_users: u32, with_password: usize) -> Res<Env> {
    let store = data::scratch_pool("signin.db", "bench-signin", pool_users)?;
    let mut env = Env {
        _dir: store.dir,
        path: store.path,
        console: store.console,
        pool_id: store.pool_id.parse()?,
        client_id: String::new(),
        users: Vec::new(),
    };
    let client = env.call(
        "CreateUserPoolClient",
        &json!({"UserPoolId": env.pool_id, "ClientName": "bench", "ExplicitAuthFlows": [
            "ALLOW_USER_PASSWORD_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH"]}),
    )?;
    env.client_id = client["UserPoolClient"]["ClientId"]
        .as_str()
        .ok_or("CreateUserPoolClient answered no ClientId")?
        .to_string();
    for i in 0..with_password {
        let username = data::username(i as u64);
        env.call(
            "AdminSetUserPassword",
            &json!({"UserPoolId": env.pool_id, "Username": username, "Password": PASSWORD,
                    "Permanent": true}),
        )?;
        env.users.push(username);
    }
    Ok(env)
}

/// What a sign-in answers, checked.
struct Tokens {
    access: String,
    id: String,
    refresh: String,
}

fn tokens_of(v: &Value) -> Res<Tokens> {
    let r = &v["AuthenticationResult"];
    let get = |k: &str| -> Res<String> {
        Ok(r[k]
            .as_str()
            .ok_or_else(|| format!("the sign-in answered no {k}: {v}"))?
            .to_string())
    };
    Ok(Tokens {
        access: get("AccessToken")?,
        id: get("IdToken")?,
        refresh: get("RefreshToken")?,
    })
}

/// A token's signing input and decoded signature, and the raw public key for its `kid`.
struct RawToken {
    signing_input: String,
    signature: Vec<u8>,
    key: ParsedPublicKey,
}

fn raw_token(token: &str, jwks: &Value) -> Res<RawToken> {
    let (signing_input, signature) = token.rsplit_once('.').ok_or("no signature")?;
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD.decode(signing_input.split('.').next().unwrap_or(""))?,
    )?;
    let kid = header["kid"].as_str().ok_or("no kid")?;
    let jwk = jwks["keys"]
        .as_array()
        .and_then(|keys| keys.iter().find(|k| k["kid"].as_str() == Some(kid)))
        .ok_or("the token's kid is not in the pool's JWKS")?;
    let n = URL_SAFE_NO_PAD.decode(jwk["n"].as_str().ok_or("no n")?)?;
    let e = URL_SAFE_NO_PAD.decode(jwk["e"].as_str().ok_or("no e")?)?;
    let key = RsaPublicKeyComponents { n: &n, e: &e }
        .to_parsed_public_key(&RSA_PKCS1_2048_8192_SHA256)
        .map_err(|e| format!("to_parsed_public_key: {e}"))?;
    Ok(RawToken {
        signing_input: signing_input.to_owned(),
        signature: URL_SAFE_NO_PAD.decode(signature)?,
        key,
    })
}

/// The raw baseline: aws-lc-rs `verify_sig` with a pre-parsed key, nothing else.
fn raw_verify(r: &RawToken) -> impl FnMut(u64) -> Res<()> + '_ {
    move |_| {
        r.key
            .verify_sig(
                black_box(r.signing_input.as_bytes()),
                black_box(&r.signature),
            )
            .map_err(|_| "raw verify failed".into())
    }
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("console-api signin bench: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

fn run() -> Res<()> {
    let quick = harness::quick();
    let (pool_users, with_password) = if quick { (2_000, 4) } else { (10_000, 16) };
    let env = setup(pool_users, with_password)?;
    println!(
        "store {} : pool of {pool_users} users, {with_password} with a password (argon2id \
         m={M_KIB} KiB, t={T_COST}, p={P_COST})",
        env.path.display()
    );
    // First sign-ins: makes the pool's signing keys and each user's SRP verifier, so the
    // timed ones are the steady state.
    let mut first = Vec::new();
    for u in &env.users {
        first.push(tokens_of(&env.call(
            "InitiateAuth",
            &serde_json::from_slice(&env.sign_in_body(u))?,
        )?)?);
    }
    let mut report = Report::default();
    let argon = password_ratios(&env, &mut report)?;
    verify_ratios(&env, &first, &mut report)?;
    let two_signs_s = mint_ratios(&env, &first, &mut report)?;

    std::fs::create_dir_all(harness::results_dir())?;
    std::fs::write(
        harness::results_dir().join("rsa.json"),
        serde_json::to_vec_pretty(&serde_json::json!({ "two_signs_cpu_s": two_signs_s }))?,
    )?;
    std::fs::write(
        harness::results_dir().join("argon2.json"),
        serde_json::to_vec_pretty(&argon)?,
    )?;
    let path = report.write("console-signin")?;
    println!("results: {}", path.display());
    Ok(())
}

/// The PHC string stored for `username`, read from the store beside the console.
fn stored_hash(env: &Env, db: &storage::Db, username: &str) -> Res<String> {
    let user = db.read(|r| {
        let pool = user_pools::require_pool(r, &env.pool_id)?;
        Ok::<_, user_pools::Error>(auth::prepare(r, &pool, username)?.user)
    })?;
    Ok(user
        .and_then(|u| u.password_hash)
        .ok_or("the user has no password hash")?)
}

/// Operations and time bound of each password loop (a hash costs ~20 ms of CPU).
fn password_rounds(quick: bool) -> (u64, Duration) {
    if quick {
        (3, Duration::from_millis(150))
    } else {
        (8, Duration::from_millis(400))
    }
}

/// T4 and T5. Answers the argon2 figures for `argon2.json`.
fn password_ratios(env: &Env, report: &mut Report) -> Res<Value> {
    let rounds = harness::rounds();
    let (ops, time) = password_rounds(harness::quick());
    let db = storage::Db::open(&env.path)?;
    let phc = stored_hash(env, &db, &env.users[0])?;
    let parsed = PasswordHash::new(&phc).map_err(|e| format!("stored PHC: {e}"))?;
    let params = Params::new(M_KIB, T_COST, P_COST, None).map_err(|e| e.to_string())?;
    let raw = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    // The stored string must carry the parameters the baselines use.
    let stored = Params::try_from(&parsed).map_err(|e| e.to_string())?;
    if (stored.m_cost(), stored.t_cost(), stored.p_cost()) != (M_KIB, T_COST, P_COST) {
        return Err(format!("the pool hashes with {stored:?}, not m={M_KIB},t={T_COST}").into());
    }
    let mut salt = [0u8; 64];
    let salt = parsed
        .salt
        .ok_or("no salt")?
        .decode_b64(&mut salt)
        .map_err(|e| e.to_string())?
        .to_vec();
    let expected = parsed.hash.ok_or("no hash")?;
    let mut blocks = vec![Block::default(); params.block_count()];
    let mut out = vec![0u8; expected.len()];
    let bodies: Vec<Vec<u8>> = env.users.iter().map(|u| env.sign_in_body(u)).collect();

    let mut n = 0usize;
    let sign_in = |i: u64| -> Res<()> {
        n += 1;
        let out = env
            .console
            .dispatch_json(&actor(), "InitiateAuth", &bodies[n % bodies.len()])?;
        if i == 0 {
            tokens_of(&serde_json::from_slice(&out)?)?;
        }
        Ok(())
    };
    let raw_verify = |_| -> Res<()> {
        raw.verify_password(PASSWORD.as_bytes(), &parsed)
            .map_err(|e| format!("argon2 verify_password: {e}").into())
    };
    let poolhouse = |_| -> Res<()> {
        if user_pools::passwords::verify(black_box(PASSWORD), &phc)? {
            Ok(())
        } else {
            Err("passwords::verify answered false".into())
        }
    };
    let with_memory = |_| -> Res<()> {
        raw.hash_password_into_with_memory(PASSWORD.as_bytes(), &salt, &mut out, &mut blocks)
            .map_err(|e| e.to_string())?;
        if out.as_slice() == expected.as_bytes() {
            Ok(())
        } else {
            Err("hash_password_into_with_memory gave another hash".into())
        }
    };
    println!(
        "passwords: {rounds} interleaved rounds, loops of ≤ {ops} operations / ≤ {} ms",
        time.as_millis()
    );
    let mut candidates = [
        Candidate::new("InitiateAuth USER_PASSWORD_AUTH", ops, time, sign_in),
        Candidate::new("argon2 verify_password (crate)", ops, time, raw_verify),
        Candidate::new("user_pools::passwords::verify", ops, time, poolhouse),
        Candidate::new("hash_password_into_with_memory", ops, time, with_memory),
    ];
    let l = interleave(rounds, &mut candidates)?;
    print_loops(&candidates, &l);
    let (auth_ns, verify_ns, ph_ns, mem_ns) = (
        median_cpu_per_op(&l[0]),
        median_cpu_per_op(&l[1]),
        median_cpu_per_op(&l[2]),
        median_cpu_per_op(&l[3]),
    );
    let t4 = harness::median(
        &l[0]
            .iter()
            .zip(&l[1])
            .map(|(a, v)| a.cpu_per_op() / v.cpu_per_op())
            .collect::<Vec<_>>(),
    );
    report.row(
        "T4",
        "InitiateAuth USER_PASSWORD_AUTH (dispatch_json) CPU ÷ one argon2id verify at the pool's \
         params (m=19456,t=2,p=1)",
        format!(
            "{t4:.3} ({} vs {}; the rest of the sign-in: {}{}; ÷ the reused-buffer hash: {:.3})",
            fmt_ns(auth_ns),
            fmt_ns(verify_ns),
            if auth_ns < verify_ns { "−" } else { "" },
            fmt_ns((auth_ns - verify_ns).abs()),
            harness::median(
                &l[0]
                    .iter()
                    .zip(&l[3])
                    .map(|(a, m)| a.cpu_per_op() / m.cpu_per_op())
                    .collect::<Vec<_>>(),
            )
        ),
        "≤ 1.05",
        Verdict::of(t4 <= 1.05),
    );
    let t5 = throughput_ratio(&l[2], &l[3]);
    report.row(
        "T5",
        "Poolhouse's argon2 path (passwords::verify) ÷ hash_password_into_with_memory (reused \
         buffer), throughput",
        format!("{t5:.3} ({} vs {} per hash)", fmt_ns(ph_ns), fmt_ns(mem_ns)),
        "≥ 0.95",
        Verdict::of(t5 >= 0.95),
    );
    report.row(
        "T5",
        "argon2 crate verify_password (fresh blocks each call) ÷ reused buffer, throughput",
        format!("{:.3}", throughput_ratio(&l[1], &l[3])),
        "(context: what the allocation costs)",
        Verdict::Info,
    );
    let parallel = parallel_argon2(
        &raw,
        params.block_count(),
        &parsed,
        &salt,
        expected.as_bytes(),
        report,
    )?;
    Ok(json!({
        "params": {"m_kib": M_KIB, "t": T_COST, "p": P_COST},
        "verify_cpu_s": verify_ns / 1e9,
        "poolhouse_verify_cpu_s": ph_ns / 1e9,
        "with_memory_cpu_s": mem_ns / 1e9,
        "initiate_auth_cpu_s": auth_ns / 1e9,
        "rounds": rounds,
        "parallel": parallel,
    }))
}

/// argon2id on as many threads as there are cores, at once, for a bounded time: the hash rate
/// this machine gives when every core hashes (T6's bound assumes it is cores ÷ one hash's
/// time). Once with fresh blocks per hash (what `verify_password` does), once with a reused
/// buffer per thread; interleaved rounds, medians.
fn parallel_argon2(
    raw: &Argon2<'_>,
    block_count: usize,
    parsed: &PasswordHash<'_>,
    salt: &[u8],
    expected: &[u8],
    report: &mut Report,
) -> Res<Value> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let (rounds, time) = if harness::quick() {
        (1, Duration::from_millis(300))
    } else {
        (3, Duration::from_millis(1500))
    };
    // One run: every thread hashes until `time` has passed (at most 500 hashes); answers hashes
    // per wall second over all threads, and thread-CPU per hash.
    let run = |reuse: bool| -> Res<(f64, f64)> {
        let start = std::time::Instant::now();
        let per_thread = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|_| {
                    scope.spawn(move || -> Result<(u64, u64), String> {
                        let mut blocks = reuse.then(|| vec![Block::default(); block_count]);
                        let mut out = vec![0u8; expected.len()];
                        let cpu0 = harness::thread_cpu_ns();
                        let mut n = 0u64;
                        while n < 500 && (n == 0 || start.elapsed() < time) {
                            match &mut blocks {
                                Some(b) => {
                                    raw.hash_password_into_with_memory(
                                        PASSWORD.as_bytes(),
                                        salt,
                                        &mut out,
                                        &mut b[..],
                                    )
                                    .map_err(|e| e.to_string())?;
                                    if out != expected {
                                        return Err("wrong hash".into());
                                    }
                                }
                                None => raw
                                    .verify_password(PASSWORD.as_bytes(), parsed)
                                    .map_err(|e| e.to_string())?,
                            }
                            n += 1;
                        }
                        Ok((n, harness::thread_cpu_ns().saturating_sub(cpu0)))
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .map_err(|_| "a hashing thread panicked".to_string())?
                })
                .collect::<Result<Vec<_>, String>>()
        })?;
        let wall = start.elapsed().as_secs_f64();
        let hashes: u64 = per_thread.iter().map(|(n, _)| n).sum();
        let cpu: u64 = per_thread.iter().map(|(_, c)| c).sum();
        Ok((hashes as f64 / wall, cpu as f64 / hashes.max(1) as f64))
    };
    let (mut fresh, mut reused) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let order = if round % 2 == 0 {
            [false, true]
        } else {
            [true, false]
        };
        for reuse in order {
            let r = run(reuse)?;
            if reuse {
                reused.push(r);
            } else {
                fresh.push(r);
            }
        }
    }
    let med = |v: &[(f64, f64)], pick: fn(&(f64, f64)) -> f64| {
        harness::median(&v.iter().map(pick).collect::<Vec<_>>())
    };
    let (fresh_rate, fresh_cpu) = (med(&fresh, |r| r.0), med(&fresh, |r| r.1));
    let (reused_rate, reused_cpu) = (med(&reused, |r| r.0), med(&reused, |r| r.1));
    println!(
        "  argon2id on {threads} threads at once: fresh blocks {fresh_rate:.1}/s ({} CPU per \
         hash), reused blocks {reused_rate:.1}/s ({} CPU per hash)",
        fmt_ns(fresh_cpu),
        fmt_ns(reused_cpu)
    );
    report.row(
        "T6",
        &format!("argon2id on {threads} threads at once, in process (the machine's hash rate)"),
        format!(
            "{fresh_rate:.1} verifies/s with fresh blocks ({} CPU each), {reused_rate:.1}/s \
             with a reused buffer per thread ({} CPU each)",
            fmt_ns(fresh_cpu),
            fmt_ns(reused_cpu)
        ),
        "(context for T6's bound)",
        Verdict::Info,
    );
    Ok(json!({
        "threads": threads,
        "verify_per_s": fresh_rate,
        "verify_cpu_s": fresh_cpu / 1e9,
        "with_memory_per_s": reused_rate,
        "with_memory_cpu_s": reused_cpu / 1e9,
    }))
}

/// T1 at the console: the access-token check GetUser makes, against the raw verify.
fn verify_ratios(env: &Env, first: &[Tokens], report: &mut Report) -> Res<()> {
    let rounds = harness::rounds();
    let time = micro_time();
    let jwks = env.console.jwks(&env.pool_id)?;
    // What `Console::pool_keys` holds: a verifier built from the stored public JWKs.
    let verifier = tokens::Verifier::from_jwks(&jwks)?;
    let issuer = env.console.issuer(&env.pool_id)?;
    let t = &first[0];
    let raw_access = raw_token(&t.access, &jwks)?;
    let raw_id = raw_token(&t.id, &jwks)?;
    let now = || env.console.now_ms().div_euclid(1000);
    // `Engine::authenticated` + `signin::authenticate`, up to the store reads: the header's
    // kid, the pool remembered for it (a map behind a lock, as the console keeps it), the
    // pool's verifier, then token_use / iss / origin_jti read from the verified claims.
    let kid_pools = std::sync::Mutex::new(std::collections::HashMap::from([(
        tokens::dangerous::kid(&t.access)?,
        env.pool_id.to_string(),
    )]));
    let access_check = |_| -> Res<()> {
        let kid = tokens::dangerous::kid(black_box(&t.access))?;
        let pool = kid_pools
            .lock()
            .map_err(|_| "poisoned")?
            .get(&kid)
            .cloned()
            .ok_or("no pool for the kid")?;
        if *pool != *env.pool_id {
            return Err("the kid named another pool".into());
        }
        let v = verifier.verify(&t.access, now(), 0)?;
        if v.str_claim("token_use") != Some("access")
            || v.str_claim("iss") != Some(issuer.as_str())
            || v.str_claim("origin_jti").is_none()
        {
            return Err("claims refused".into());
        }
        black_box(v);
        Ok(())
    };
    let id_check = |_| -> Res<()> {
        let v = verifier.verify(black_box(&t.id), now(), 0)?;
        v.expect_token_use("id")?;
        v.expect_issuer(&issuer)?;
        v.expect_client_id(&env.client_id)?;
        black_box(v);
        Ok(())
    };
    let get_user_bodies: Vec<Vec<u8>> = first
        .iter()
        .map(|t| json!({"AccessToken": t.access}).to_string().into_bytes())
        .collect();
    let get_user = |i: u64| -> Res<()> {
        let body = &get_user_bodies[i as usize % get_user_bodies.len()];
        black_box(env.console.dispatch_json(&actor(), "GetUser", body)?);
        Ok(())
    };
    let ops = harness::calibrate(time, 200_000, raw_verify(&raw_access))?;
    let get_user_ops = harness::calibrate(time, 50_000, get_user)?;
    println!(
        "verify: {rounds} interleaved rounds, loops of ≤ {ops} verifies (GetUser ≤ \
         {get_user_ops}) / ≤ {} ms",
        time.as_millis()
    );
    let mut candidates = [
        Candidate::new(
            "raw verify_sig, access token",
            ops,
            time,
            raw_verify(&raw_access),
        ),
        Candidate::new("GetUser's access-token check", ops, time, access_check),
        Candidate::new("raw verify_sig, ID token", ops, time, raw_verify(&raw_id)),
        Candidate::new("ID token verify + checks", ops, time, id_check),
        Candidate::new("GetUser (dispatch_json)", get_user_ops, time, get_user),
    ];
    let l = interleave(rounds, &mut candidates)?;
    print_loops(&candidates, &l);
    let access = throughput_ratio(&l[1], &l[0]);
    report.row(
        "T1",
        "console access-token check (pool by kid + pool Verifier from the JWKS + exp/token_use/\
         iss/origin_jti) ÷ raw verify_sig, real sign-in token",
        format!(
            "{access:.2} ({} vs {} per check)",
            fmt_ns(median_cpu_per_op(&l[1])),
            fmt_ns(median_cpu_per_op(&l[0]))
        ),
        "≥ 0.90",
        Verdict::of(access >= 0.90),
    );
    let id = throughput_ratio(&l[3], &l[2]);
    report.row(
        "T1",
        "console ID token (pool Verifier + token_use/iss/aud) ÷ raw verify_sig, real sign-in token",
        format!(
            "{id:.2} ({} vs {} per check)",
            fmt_ns(median_cpu_per_op(&l[3])),
            fmt_ns(median_cpu_per_op(&l[2]))
        ),
        "≥ 0.90",
        Verdict::of(id >= 0.90),
    );
    let get_user_ns = median_cpu_per_op(&l[4]);
    report.row(
        "T18",
        "GetUser in process (dispatch_json: verify + session and user reads + JSON), CPU per call",
        format!(
            "{} (the access-token check is {:.0}% of it)",
            fmt_ns(get_user_ns),
            100.0 * median_cpu_per_op(&l[1]) / get_user_ns
        ),
        "(context for the endpoint's T18)",
        Verdict::Info,
    );
    Ok(())
}

/// T2 at the console: the full mint of a sign-in's ID and access tokens.
fn mint_ratios(env: &Env, first: &[Tokens], report: &mut Report) -> Res<f64> {
    let rounds = harness::rounds();
    let time = micro_time();
    let db = storage::Db::open(&env.path)?;
    let master = master_key(&env.path)?;
    let now_ms = env.console.now_ms();
    let issuer = env.console.issuer(&env.pool_id)?;
    let (keys, sc, user) = db.read(|r| {
        let pool = user_pools::require_pool(r, &env.pool_id)?;
        let keys = user_pools::keys::load(r, &master, pool.pk, now_ms)?;
        let sc = auth::client(r, &env.client_id, None)?;
        let user = auth::prepare(r, &pool, &env.users[0])?.user;
        Ok::<_, user_pools::Error>((keys, sc, user))
    })?;
    let keys = keys.ok_or("the pool has no signing keys")?;
    let user = user.ok_or("no such user")?;
    let sign_in = auth::SignIn {
        user,
        groups: Vec::new(),
        origin_jti: tokens::new_jti(),
        auth_time: now_ms.div_euclid(1000),
        event_id: tokens::new_jti(),
        refresh_token: None,
        scopes: None,
        nonce: None,
    };
    let minted = auth::mint(&keys, &sc, &sign_in, &issuer, now_ms)?;
    let pair = |k: &tokens::SigningKey| {
        RsaKeyPair::from_pkcs8(k.pkcs8_der().expose_secret())
            .map_err(|e| format!("RsaKeyPair::from_pkcs8: {e}"))
    };
    let (id_pair, access_pair) = (pair(&keys.id)?, pair(&keys.access)?);
    let input = |t: &str| t.rsplit_once('.').map(|(i, _)| i.to_owned());
    let id_input = input(&minted.id_token).ok_or("no signature")?;
    let access_input = input(&minted.access_token).ok_or("no signature")?;
    let rng = SystemRandom::new();
    let mut sig = vec![0u8; access_pair.public_modulus_len()];
    let mut raw_two = |_| -> Res<()> {
        for (p, i) in [(&id_pair, &id_input), (&access_pair, &access_input)] {
            p.sign(&RSA_PKCS1_SHA256, &rng, black_box(i.as_bytes()), &mut sig)
                .map_err(|_| "raw sign failed")?;
        }
        Ok(())
    };
    let mint = |_| -> Res<()> {
        black_box(auth::mint(&keys, &sc, &sign_in, &issuer, now_ms)?);
        Ok(())
    };
    let refresh_bodies: Vec<Vec<u8>> = first
        .iter()
        .map(|t| {
            json!({"ClientId": env.client_id, "AuthFlow": "REFRESH_TOKEN_AUTH",
                   "AuthParameters": {"REFRESH_TOKEN": t.refresh}})
            .to_string()
            .into_bytes()
        })
        .collect();
    let refresh = |i: u64| -> Res<()> {
        let body = &refresh_bodies[i as usize % refresh_bodies.len()];
        black_box(env.console.dispatch_json(&actor(), "InitiateAuth", body)?);
        Ok(())
    };
    let ops = harness::calibrate(time, 20_000, &mut raw_two)?;
    println!(
        "mint: {rounds} interleaved rounds, loops of ≤ {ops} token pairs / ≤ {} ms",
        time.as_millis()
    );
    let mut candidates = [
        Candidate::new("raw RsaKeyPair::sign ×2", ops, time, raw_two),
        Candidate::new("auth::mint (ID + access)", ops, time, mint),
        Candidate::new("REFRESH_TOKEN_AUTH (dispatch_json)", ops, time, refresh),
    ];
    let l = interleave(rounds, &mut candidates)?;
    print_loops(&candidates, &l);
    let ratio = throughput_ratio(&l[1], &l[0]);
    report.row(
        "T2",
        "full mint of an ID + access token pair (user_pools::signin::mint) ÷ two raw \
         RsaKeyPair::sign (pre-parsed keys), throughput",
        format!(
            "{ratio:.2} ({} vs {} per pair; ID token {} B, access token {} B)",
            fmt_ns(median_cpu_per_op(&l[1])),
            fmt_ns(median_cpu_per_op(&l[0])),
            minted.id_token.len(),
            minted.access_token.len()
        ),
        "≥ 0.85",
        Verdict::of(ratio >= 0.85),
    );
    let refresh_ns = median_cpu_per_op(&l[2]);
    report.row(
        "T19",
        "REFRESH_TOKEN_AUTH in process (dispatch_json: reads + mint + JSON), CPU per call",
        format!(
            "{} (the two signatures are {:.0}% of it)",
            fmt_ns(refresh_ns),
            100.0 * median_cpu_per_op(&l[0]) / refresh_ns
        ),
        "(context for the endpoint's T19)",
        Verdict::Info,
    );
    // T19's floor at the endpoint: two RSA-2048 signatures per refresh.
    Ok(median_cpu_per_op(&l[0]) / 1e9)
}
