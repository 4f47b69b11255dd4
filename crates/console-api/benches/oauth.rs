//! The token endpoint's grants in process, on a real store in a temporary directory: target H2
//! of the hosted sign-in (see `docs/benchmarks.md`).
//!
//! ```text
//! cargo bench -p console-api --bench oauth
//! ```
//!
//! - **`authorization_code`**: `Console::oauth_token` as `/oauth2/token` calls it — the client
//!   authenticated by its secret (HTTP Basic), the code and its PKCE verifier checked, the user
//!   and groups read, an ID and an access token signed, the code taken and the refresh token
//!   stored in one write — against two raw `RsaKeyPair::sign`s (pre-parsed keys) of the same
//!   two signing inputs: the cost floor of the RSA signatures the request makes. Every code is
//!   issued beforehand (`oauth_authorize_signed_in` for a signed-in browser, as `/login` and
//!   `/oauth2/authorize` issue them), so a timed operation is the exchange alone.
//! - **`client_credentials`**: the same call for a confidential client with a custom scope
//!   (one access token signed) against one raw sign of its signing input.
//!
//! Thread-CPU per operation, interleaved rounds, median of the per-round ratios (the harness of
//! `common/harness.rs`). The HTTP layer around the call (form decoding, JSON, hyper) is not in
//! it: the endpoint's load client speaks Cognito's JSON protocol and cannot hand each request a
//! fresh code.

mod common;

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use common::data::{self, master_key};
use common::harness::{
    self, Candidate, Report, Res, Verdict, fmt_ns, interleave, median_cpu_per_op, micro_time,
    print_loops, throughput_ratio,
};
use console_api::hosted::{Answer, AuthorizeRequest, HostedSession, TokenAnswer, TokenRequest};
use console_api::{Actor, Console};
use serde_json::{Value, json};

const PASSWORD: &str = "Bench-Passw0rd!";
const CALLBACK: &str = "https://app.example/callback";
/// RFC 7636's example verifier and its S256 challenge.
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const RESOURCE: &str = "bench-api";
/// The ratio H2 asks of each grant.
const TARGET: f64 = 0.8;

struct Env {
    _dir: tempfile::TempDir,
    path: PathBuf,
    console: Console,
    pool_id: String,
    /// The code-flow client (id, secret).
    web: (String, String),
    /// The machine-to-machine client (id, secret).
    m2m: (String, String),
    username: String,
}

impl Env {
    fn call(&self, op: &str, body: &Value) -> Res<Value> {
        let out = self.console.dispatch_json(
            &Actor::endpoint("127.0.0.1"),
            op,
            body.to_string().as_bytes(),
        )?;
        Ok(serde_json::from_slice(&out)?)
    }

    fn client(&self, body: Value) -> Res<(String, String)> {
        let c = self.call("CreateUserPoolClient", &body)?;
        let get = |k: &str| -> Res<String> {
            Ok(c["UserPoolClient"][k]
                .as_str()
                .ok_or_else(|| format!("CreateUserPoolClient answered no {k}: {c}"))?
                .to_string())
        };
        Ok((get("ClientId")?, get("ClientSecret")?))
    }

    /// A token request authenticated by `client` with HTTP Basic.
    fn token(&self, client: &(String, String), req: TokenRequest<'_>) -> Res<TokenAnswer> {
        let req = TokenRequest {
            basic: Some((client.0.as_str(), client.1.as_str())),
            ..req
        };
        match self.console.oauth_token(&self.pool_id, &req)? {
            Ok(t) => Ok(t),
            Err(e) => Err(format!("/oauth2/token refused: {e:?}").into()),
        }
    }

    fn exchange(&self, code: &str) -> Res<TokenAnswer> {
        self.token(
            &self.web,
            TokenRequest {
                grant_type: Some("authorization_code"),
                code: Some(code),
                redirect_uri: Some(CALLBACK),
                code_verifier: Some(VERIFIER),
                ..TokenRequest::default()
            },
        )
    }

    fn client_credentials(&self) -> Res<TokenAnswer> {
        self.token(
            &self.m2m,
            TokenRequest {
                grant_type: Some("client_credentials"),
                ..TokenRequest::default()
            },
        )
    }
}

/// A fresh store: a pool of `pool_users` generated users, one of them with a password, a
/// resource server with one scope, a confidential code-flow client and a confidential
/// `client_credentials` client.
fn setup(pool_users: u32) -> Res<Env> {
    let store = data::scratch_pool("oauth.db", "bench-oauth", pool_users)?;
    let mut env = Env {
        _dir: store.dir,
        path: store.path,
        console: store.console,
        pool_id: store.pool_id,
        web: Default::default(),
        m2m: Default::default(),
        username: data::username(0),
    };
    env.call(
        "AdminSetUserPassword",
        &json!({"UserPoolId": env.pool_id, "Username": env.username, "Password": PASSWORD,
                "Permanent": true}),
    )?;
    env.call(
        "CreateResourceServer",
        &json!({"UserPoolId": env.pool_id, "Identifier": RESOURCE, "Name": "bench api",
                "Scopes": [{"ScopeName": "read", "ScopeDescription": "read"}]}),
    )?;
    env.web = env.client(json!({
        "UserPoolId": env.pool_id, "ClientName": "web", "GenerateSecret": true,
        "CallbackURLs": [CALLBACK], "AllowedOAuthFlows": ["code"],
        "AllowedOAuthScopes": ["openid", "email", "profile"],
        "AllowedOAuthFlowsUserPoolClient": true, "SupportedIdentityProviders": ["COGNITO"],
    }))?;
    env.m2m = env.client(json!({
        "UserPoolId": env.pool_id, "ClientName": "m2m", "GenerateSecret": true,
        "AllowedOAuthFlows": ["client_credentials"],
        "AllowedOAuthScopes": [format!("{RESOURCE}/read")],
        "AllowedOAuthFlowsUserPoolClient": true,
    }))?;
    Ok(env)
}

/// The user's browser session after a sign-in on the hosted page, and the authorize request
/// its codes answer (code flow, `openid email profile`, PKCE S256).
fn signed_in(env: &Env) -> Res<(HostedSession, console_api::hosted::Authorized)> {
    let answer = env.console.hosted_sign_in(
        "127.0.0.1",
        &env.pool_id,
        &env.web.0,
        &env.username,
        PASSWORD,
    )?;
    let refresh = match answer {
        Answer::Tokens {
            refresh_token: Some(refresh),
            ..
        } => refresh,
        other => return Err(format!("the hosted sign-in answered no session: {other:?}").into()),
    };
    let cookie = env
        .console
        .hosted_session_cookie(&env.pool_id, &refresh)?
        .ok_or("no session cookie for the sign-in")?;
    let session = env
        .console
        .hosted_session(&env.pool_id, &cookie)?
        .ok_or("the session cookie names no live session")?;
    let req = AuthorizeRequest {
        client_id: Some(env.web.0.clone()),
        redirect_uri: Some(CALLBACK.into()),
        response_type: Some("code".into()),
        scope: Some("openid email profile".into()),
        state: Some("bench".into()),
        code_challenge: Some(CHALLENGE.into()),
        code_challenge_method: Some("S256".into()),
        ..AuthorizeRequest::default()
    };
    let authorized = env
        .console
        .oauth_check(&env.pool_id, &req)?
        .map_err(|r| format!("the authorize request was refused: {r:?}"))?;
    Ok((session, authorized))
}

/// `n` fresh codes for the signed-in browser.
fn issue_codes(
    env: &Env,
    session: &HostedSession,
    authorized: &console_api::hosted::Authorized,
    n: u64,
) -> Res<Vec<String>> {
    let mut codes = Vec::with_capacity(n as usize);
    for _ in 0..n {
        let location = env.console.oauth_authorize_signed_in(authorized, session)?;
        let code = location
            .split_once('?')
            .and_then(|(_, q)| q.split('&').find_map(|p| p.strip_prefix("code=")))
            .ok_or_else(|| format!("no code in {location}"))?;
        codes.push(code.to_string());
    }
    Ok(codes)
}

/// The raw baseline: aws-lc-rs `RsaKeyPair::sign` of each signing input with its pre-parsed
/// key, nothing else.
fn raw_signs<'a>(inputs: &'a [(&'a RsaKeyPair, &'a str)]) -> impl FnMut(u64) -> Res<()> + 'a {
    let rng = SystemRandom::new();
    let mut sig = vec![0u8; inputs.first().map_or(0, |(p, _)| p.public_modulus_len())];
    move |_| {
        for (p, input) in inputs {
            p.sign(
                &RSA_PKCS1_SHA256,
                &rng,
                black_box(input.as_bytes()),
                &mut sig,
            )
            .map_err(|_| "raw sign failed")?;
        }
        Ok(())
    }
}

/// The signing input (header and claims) of a JWT.
fn signing_input(jwt: &str) -> Res<String> {
    Ok(jwt.rsplit_once('.').ok_or("no signature")?.0.to_owned())
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("console-api oauth bench: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

fn run() -> Res<()> {
    let quick = harness::quick();
    let pool_users = if quick { 2_000 } else { 10_000 };
    let env = setup(pool_users)?;
    println!(
        "store {} : pool of {pool_users} users, a code-flow and a client_credentials client \
         (both with a secret)",
        env.path.display()
    );
    let (session, authorized) = signed_in(&env)?;
    // One exchange and one client_credentials grant first: the pool's keys are loaded, and
    // their tokens give the raw baselines' signing inputs.
    let first = env.exchange(&issue_codes(&env, &session, &authorized, 1)?[0])?;
    let id_token = first
        .id_token
        .as_deref()
        .ok_or("the exchange answered no id_token")?;
    let machine = env.client_credentials()?;

    let db = storage::Db::open(&env.path)?;
    let master = master_key(&env.path)?;
    let now_ms = env.console.now_ms();
    let pool_id: domain::UserPoolId = env.pool_id.parse()?;
    let keys = db
        .read(|r| {
            let pool = user_pools::require_pool(r, &pool_id)?;
            user_pools::keys::load(r, &master, pool.pk, now_ms)
        })?
        .ok_or("the pool has no signing keys")?;
    let pair = |k: &tokens::SigningKey| {
        RsaKeyPair::from_pkcs8(k.pkcs8_der().expose_secret())
            .map_err(|e| format!("RsaKeyPair::from_pkcs8: {e}"))
    };
    let (id_pair, access_pair) = (pair(&keys.id)?, pair(&keys.access)?);
    let id_input = signing_input(id_token)?;
    let access_input = signing_input(&first.access_token)?;
    let machine_input = signing_input(&machine.access_token)?;

    let rounds = harness::rounds();
    let time = micro_time();
    let two = [
        (&id_pair, id_input.as_str()),
        (&access_pair, access_input.as_str()),
    ];
    let ops = harness::calibrate(time, 20_000, raw_signs(&two))?;
    // Every timed exchange needs its own code: as many as the rounds could use at most.
    let started = Instant::now();
    let codes = issue_codes(&env, &session, &authorized, ops * rounds as u64)?;
    println!(
        "{} codes issued beforehand in {:.2} s; {rounds} interleaved rounds, loops of ≤ {ops} \
         operations / ≤ {} ms",
        codes.len(),
        started.elapsed().as_secs_f64(),
        time.as_millis()
    );
    let one = [(&access_pair, machine_input.as_str())];
    let mut codes = codes.into_iter();
    let mut candidates = [
        Candidate::new(
            "raw RsaKeyPair::sign ×2 (ID + access)",
            ops,
            time,
            raw_signs(&two),
        ),
        Candidate::new("oauth_token authorization_code", ops, time, |_| {
            let code = codes.next().ok_or("out of codes")?;
            black_box(env.exchange(&code)?);
            Ok(())
        }),
        Candidate::new(
            "raw RsaKeyPair::sign ×1 (access)",
            ops * 2,
            time,
            raw_signs(&one),
        ),
        Candidate::new("oauth_token client_credentials", ops * 2, time, |_| {
            black_box(env.client_credentials()?);
            Ok(())
        }),
    ];
    let l = interleave(rounds, &mut candidates)?;
    print_loops(&candidates, &l);
    drop(candidates);

    let mut report = Report::default();
    let code_ratio = throughput_ratio(&l[1], &l[0]);
    report.row(
        "H2",
        "/oauth2/token authorization_code (Console::oauth_token: secret, code + PKCE, user and \
         groups, ID + access tokens signed, code taken and refresh token stored in one write) ÷ \
         two raw RsaKeyPair::sign, throughput",
        format!(
            "{code_ratio:.2} ({} vs {} per exchange; ID token {} B, access token {} B)",
            fmt_ns(median_cpu_per_op(&l[1])),
            fmt_ns(median_cpu_per_op(&l[0])),
            id_token.len(),
            first.access_token.len()
        ),
        "≥ 0.8",
        Verdict::of(code_ratio >= TARGET),
    );
    let machine_ratio = throughput_ratio(&l[3], &l[2]);
    report.row(
        "H2",
        "/oauth2/token client_credentials (Console::oauth_token: secret, custom scopes, one \
         access token signed) ÷ one raw RsaKeyPair::sign, throughput",
        format!(
            "{machine_ratio:.2} ({} vs {} per grant; access token {} B)",
            fmt_ns(median_cpu_per_op(&l[3])),
            fmt_ns(median_cpu_per_op(&l[2])),
            machine.access_token.len()
        ),
        "≥ 0.8",
        Verdict::of(machine_ratio >= TARGET),
    );
    let path = report.write("console-oauth")?;
    println!("results: {}", path.display());
    Ok(())
}
