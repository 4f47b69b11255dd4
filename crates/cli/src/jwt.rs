//! `poolhouse jwt decode|verify|encode`: the token inspector on the command line.
//!
//! The token comes from the argument, or from standard input when it is absent or `-`.
//! Key sources for `verify`: `--jwks FILE_OR_URL`, `--discover` (the keys named by the token's
//! `iss`), `--key FILE` (PEM public key, certificate, PEM private key or JWK), `--secret S`
//! (`--secret-base64` to decode it), `--user-pool-id ID`;
//! with none, the pool is found by the token's `iss` or `kid` among the store's pools.
//! The store is opened only when a pool is involved, or when `--db` / `POOLHOUSE_DB` names
//! one; decoding never touches it.
//!
//! Exit codes (every subcommand):
//! - 0: every requested check passed (`decode`: the input decoded as a JWS; `verify`: verdict
//!   `Valid`, warnings allowed; `encode`: the token was made);
//! - 1: the token decoded but a check failed (bad signature, expired, wrong issuer, ...);
//! - 2: the input is not a token whose claims could be read (not a JWT, decoding stopped, a JWE);
//! - 3: an attack was flagged (`alg: none`, algorithm confusion);
//! - 252: the command line is wrong (flags, unreadable file);
//! - 254: the core refused the request (a key that does not parse, an unknown pool, ...).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Subcommand, ValueEnum};
use console_api::dto::{
    DecodeTokenRequest, DecodeTokenResponse, EncodeTestTokenRequest, SecretEncodingType, Sensitive,
    VerifyTokenRequest, VerifyTokenResponse,
};
use console_api::{Actor, ApiError, Console, inspect};
use domain::Clock;

/// Exit status: a check failed.
pub const EXIT_INVALID: u8 = 1;
/// Exit status: not a token whose claims could be read.
pub const EXIT_NOT_A_TOKEN: u8 = 2;
/// Exit status: an attack was flagged.
pub const EXIT_ATTACK: u8 = 3;

/// Most bytes read from standard input or a key file (a little more than the inspector reads,
/// so that an over-long input is reported as such).
const MAX_READ: u64 = 1024 * 1024;

#[derive(Subcommand)]
pub enum JwtCommand {
    /// Shows a token's header, claims (with their meaning) and signature, without verifying.
    Decode {
        /// The token; read from standard input when absent or `-`.
        token: Option<String>,
        /// Now, in seconds since the epoch, for relative times (default: the clock).
        #[arg(long)]
        now: Option<i64>,
    },
    /// Verifies a token and prints the checklist: signature, times, issuer, client, use, revocation.
    Verify {
        /// The token; read from standard input when absent or `-`.
        token: Option<String>,
        #[command(flatten)]
        keys: KeyFlags,
        /// The issuer the token must have (default with a pool: the pool's issuer).
        #[arg(long)]
        issuer: Option<String>,
        /// The app client the token must be for (`aud` or `client_id`).
        #[arg(long)]
        client_id: Option<String>,
        /// The use the token must have.
        #[arg(long, value_enum)]
        token_use: Option<TokenUse>,
        /// Clock skew allowed on exp/nbf/iat, in seconds.
        #[arg(long, default_value_t = 0)]
        skew: i64,
        /// Now, in seconds since the epoch (default: the clock).
        #[arg(long)]
        now: Option<i64>,
    },
    /// Makes a test token (header `"poolhouse:test": true`) from claims.
    Encode {
        /// The claims: JSON, or `@FILE`.
        #[arg(long, default_value = "{}")]
        claims: String,
        /// `exp` as a duration from now: +30m, 2h, -5m (default +1h when the claims have no exp).
        #[arg(long, allow_hyphen_values = true)]
        expires_in: Option<String>,
        /// RS256 … HS512 (default by key).
        #[arg(long)]
        alg: Option<String>,
        /// A private key file: PEM (PKCS#8, PKCS#1, SEC1) or a private JWK.
        #[arg(long)]
        key: Option<PathBuf>,
        /// An HMAC secret.
        #[arg(long, allow_hyphen_values = true)]
        secret: Option<String>,
        /// The secret is base64 (or base64url).
        #[arg(long)]
        secret_base64: bool,
        /// Sign with this pool's current key.
        #[arg(long)]
        user_pool_id: Option<domain::UserPoolId>,
        /// The `kid` to put in the header.
        #[arg(long)]
        kid: Option<String>,
        /// Now, in seconds since the epoch (default: the clock).
        #[arg(long)]
        now: Option<i64>,
    },
}

#[derive(Args)]
pub struct KeyFlags {
    /// A JWKS file, or an http(s):// URL to fetch it from.
    #[arg(long)]
    jwks: Option<String>,
    /// Fetch the keys named by the token's iss (`<iss>/.well-known/openid-configuration`).
    #[arg(long)]
    discover: bool,
    /// A key file: PEM public key (SPKI or PKCS#1), X.509 certificate, PEM private key, or JWK.
    #[arg(long)]
    key: Option<PathBuf>,
    /// An HMAC secret.
    #[arg(long, allow_hyphen_values = true)]
    secret: Option<String>,
    /// The secret is base64 (or base64url).
    #[arg(long)]
    secret_base64: bool,
    /// Verify with this user pool's keys.
    #[arg(long)]
    user_pool_id: Option<domain::UserPoolId>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum TokenUse {
    Id,
    Access,
}

/// Where the store is, and whether it was named explicitly.
pub struct StoreChoice {
    pub path: Option<PathBuf>,
    pub default: Result<PathBuf, String>,
}

impl StoreChoice {
    fn open(&self) -> Result<Console, String> {
        let path = match &self.path {
            Some(p) => p.clone(),
            None => self.default.clone()?,
        };
        Console::open(&path, Arc::new(domain::SystemClock)).map_err(|e| e.message)
    }

    /// The store when one was named or the default one exists.
    fn existing(&self) -> Option<Result<Console, String>> {
        let exists = match (&self.path, &self.default) {
            (Some(_), _) => true,
            (None, Ok(p)) => p.exists(),
            (None, Err(_)) => false,
        };
        exists.then(|| self.open())
    }
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("poolhouse jwt: {msg}");
    ExitCode::from(crate::EXIT_USAGE)
}

fn refused(op: &str, e: &ApiError) -> ExitCode {
    eprintln!(
        "An error occurred ({}) when calling the {op} operation: {}",
        e.code.as_str(),
        e.message
    );
    ExitCode::from(crate::EXIT_API_ERROR)
}

/// Reads at most [`MAX_READ`] bytes from `r`.
fn read_bounded(r: impl Read, what: &str) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    r.take(MAX_READ + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read {what}: {e}"))?;
    if buf.len() as u64 > MAX_READ {
        return Err(format!("{what} is larger than {MAX_READ} bytes"));
    }
    Ok(buf)
}

fn read_file(path: &Path) -> Result<String, String> {
    let what = path.display().to_string();
    let f = std::fs::File::open(path).map_err(|e| format!("cannot read {what}: {e}"))?;
    let bytes = read_bounded(f, &what)?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{what} is not text (invalid UTF-8 at byte {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// The token from the argument or standard input. `Err(code)` when it cannot be read.
fn token_input(token: Option<String>) -> Result<String, ExitCode> {
    let bytes = match token.as_deref() {
        Some(t) if t != "-" => return Ok(t.to_owned()),
        _ => read_bounded(std::io::stdin().lock(), "standard input").map_err(|m| usage(&m))?,
    };
    String::from_utf8(bytes).map_err(|e| {
        eprintln!(
            "poolhouse jwt: the input is not text: invalid UTF-8 at byte {}",
            e.utf8_error().valid_up_to()
        );
        ExitCode::from(EXIT_NOT_A_TOKEN)
    })
}

fn clock_now(now: Option<i64>) -> i64 {
    now.unwrap_or_else(|| domain::SystemClock.now_ms().div_euclid(1000))
}

fn json_text(bytes: Result<Vec<u8>, ApiError>) -> String {
    let value: serde_json::Value = bytes
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    format!(
        "{}\n",
        serde_json::to_string_pretty(&value).unwrap_or_default()
    )
}

/// Runs one `jwt` subcommand.
pub fn run(cmd: JwtCommand, json: bool, store: &StoreChoice) -> ExitCode {
    match cmd {
        JwtCommand::Decode { token, now } => {
            let token = match token_input(token) {
                Ok(t) => t,
                Err(code) => return code,
            };
            let resp = inspect::decode_token(
                &DecodeTokenRequest {
                    token: Sensitive(token),
                    now,
                },
                clock_now(now),
            );
            let text = if json {
                json_text(console_api::encode_response(&resp))
            } else {
                render_decoded(&resp, "")
            };
            if let Err(code) = crate::out::print(&text) {
                return code;
            }
            if resp.problem.is_none() && (resp.kind == "Jws" || resp.kind == "Unsigned") {
                ExitCode::SUCCESS
            } else {
                if !json && let Some(p) = &resp.problem {
                    eprintln!("poolhouse jwt: {}", p.message);
                }
                ExitCode::from(EXIT_NOT_A_TOKEN)
            }
        }
        JwtCommand::Verify {
            token,
            keys,
            issuer,
            client_id,
            token_use,
            skew,
            now,
        } => {
            let token = match token_input(token) {
                Ok(t) => t,
                Err(code) => return code,
            };
            let read = |p: &Option<PathBuf>| p.as_deref().map(read_file).transpose();
            let (jwks_url, jwks_file) = match keys.jwks {
                Some(j) if j.starts_with("http://") || j.starts_with("https://") => (Some(j), None),
                Some(j) => (None, Some(PathBuf::from(j))),
                None => (None, None),
            };
            let (jwks, key) = match (read(&jwks_file), read(&keys.key)) {
                (Ok(j), Ok(k)) => (j, k),
                (Err(m), _) | (_, Err(m)) => return usage(&m),
            };
            let given = jwks.is_some()
                || jwks_url.is_some()
                || keys.discover
                || key.is_some()
                || keys.secret.is_some();
            let req = VerifyTokenRequest {
                token: Sensitive(token),
                jwks,
                jwks_url,
                discover: keys.discover.then_some(true),
                key: key.map(Sensitive),
                secret: keys.secret.map(Sensitive),
                secret_encoding: keys.secret_base64.then_some(SecretEncodingType::Base64),
                user_pool_id: keys.user_pool_id,
                expected_issuer: issuer,
                expected_client_id: client_id,
                expected_token_use: token_use.map(|u| match u {
                    TokenUse::Id => "id".to_owned(),
                    TokenUse::Access => "access".to_owned(),
                }),
                skew_seconds: Some(skew),
                now,
            };
            let console = if given && req.user_pool_id.is_none() {
                store.existing()
            } else {
                Some(store.open())
            };
            let result = match console {
                Some(Ok(c)) => c.verify_token(&Actor::cli(), req),
                Some(Err(msg)) => {
                    eprintln!("poolhouse: {msg}");
                    return ExitCode::FAILURE;
                }
                None => inspect::verify_token_with_keys(&req, clock_now(now)),
            };
            match result {
                Ok(resp) => {
                    let text = if json {
                        json_text(console_api::encode_response(&resp))
                    } else {
                        render_verified(&resp)
                    };
                    let status = ExitCode::from(match resp.verdict.as_str() {
                        "Valid" => 0,
                        "Attack" => EXIT_ATTACK,
                        "NotAToken" => EXIT_NOT_A_TOKEN,
                        _ => EXIT_INVALID,
                    });
                    crate::out::finish(&text, status)
                }
                Err(e) => refused("VerifyToken", &e),
            }
        }
        JwtCommand::Encode {
            claims,
            expires_in,
            alg,
            key,
            secret,
            secret_base64,
            user_pool_id,
            kid,
            now,
        } => {
            let claims_text = match claims.strip_prefix('@') {
                Some(file) => match read_file(Path::new(file)) {
                    Ok(t) => t,
                    Err(m) => return usage(&m),
                },
                None => claims,
            };
            let claims: serde_json::Value = match serde_json::from_str(&claims_text) {
                Ok(v) => v,
                Err(e) => return usage(&format!("--claims is not JSON: {e}")),
            };
            let key = match key.as_deref().map(read_file).transpose() {
                Ok(k) => k,
                Err(m) => return usage(&m),
            };
            let req = EncodeTestTokenRequest {
                claims,
                expires_in,
                algorithm: alg,
                key: key.map(Sensitive),
                secret: secret.map(Sensitive),
                secret_encoding: secret_base64.then_some(SecretEncodingType::Base64),
                user_pool_id,
                kid,
                now,
            };
            let result = if req.user_pool_id.is_some() {
                match store.open() {
                    Ok(c) => c.encode_test_token(&Actor::cli(), req),
                    Err(msg) => {
                        eprintln!("poolhouse: {msg}");
                        return ExitCode::FAILURE;
                    }
                }
            } else {
                inspect::encode_test_token_with_key(&req, clock_now(now))
            };
            match result {
                Ok(resp) => {
                    let text = if json {
                        json_text(console_api::encode_response(&resp))
                    } else {
                        format!("{}\n", resp.token)
                    };
                    crate::out::finish(&text, ExitCode::SUCCESS)
                }
                Err(e) => refused("EncodeTestToken", &e),
            }
        }
    }
}

fn indent(text: &str, by: &str) -> String {
    text.lines().map(|l| format!("{by}{l}\n")).collect()
}

/// The decoded token for people.
fn render_decoded(d: &DecodeTokenResponse, pad: &str) -> String {
    let mut out = String::new();
    let header = d.header.as_ref();
    let hs = |k: &str| header.and_then(|h| h.get(k)).and_then(|v| v.as_str());
    let mut kind = d.kind.clone();
    if let Some(alg) = hs("alg") {
        kind.push_str(&format!(" alg {alg}"));
    }
    if let Some(kid) = hs("kid") {
        kind.push_str(&format!(" kid {kid}"));
    }
    out.push_str(&format!("{pad}Kind:       {kind}\n"));
    for f in &d.findings {
        let mark = if f.is_warning { "!" } else { "·" };
        out.push_str(&format!("{pad}  {mark} {}\n", f.message));
    }
    if let Some(p) = &d.problem {
        out.push_str(&format!("{pad}Stopped:    {}\n", p.message));
    }
    if let Some(h) = &d.header_json {
        out.push_str(&format!("{pad}Header:\n{}", indent(h, &format!("{pad}  "))));
    }
    if let Some(p) = &d.payload_json {
        out.push_str(&format!(
            "{pad}Payload:\n{}",
            indent(p, &format!("{pad}  "))
        ));
    } else if let Some(t) = &d.payload_text
        && d.nested.is_none()
    {
        out.push_str(&format!("{pad}Payload (text): {t}\n"));
    }
    if !d.claims.is_empty() {
        out.push_str(&format!("{pad}Claims:\n"));
        let width = d.claims.iter().map(|c| c.name.len()).max().unwrap_or(0);
        for c in &d.claims {
            let value = match &c.value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let mut line = format!("{pad}  {:<width$}  {value}", c.name);
            if let Some(utc) = &c.utc {
                line.push_str(&format!("  {utc}"));
            }
            if let Some(rel) = &c.relative {
                line.push_str(&format!("  ({rel})"));
            }
            if let Some(p) = &c.problem {
                line.push_str(&format!("  ! {p}"));
            }
            if let Some(m) = &c.meaning {
                line.push_str(&format!("\n{pad}  {:<width$}  — {m}", ""));
            }
            out.push_str(&line);
            out.push('\n');
        }
    }
    if let Some(n) = d.signature_length {
        out.push_str(&format!("{pad}Signature:  {n} bytes\n"));
    }
    if let Some(n) = &d.nested {
        out.push_str(&format!("{pad}Nested token:\n"));
        out.push_str(&render_decoded(n, &format!("{pad}    ")));
    }
    out
}

/// The checklist for people.
fn render_verified(v: &VerifyTokenResponse) -> String {
    let mut out = String::new();
    out.push_str(&format!("Keys:       {}\n", v.key_source));
    for n in &v.key_notes {
        out.push_str(&format!("  · {n}\n"));
    }
    for c in &v.checks {
        let result = if c.is_attack {
            "ATTACK".to_owned()
        } else {
            c.result.to_uppercase()
        };
        out.push_str(&format!("{result:<8} {:<10} {}\n", c.name, c.reason));
    }
    out.push_str(&format!("Verdict:    {}\n", v.verdict));
    out
}
