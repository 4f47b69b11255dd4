//! T1/T2 of `docs/benchmarks.md`: `Verifier::verify` (with the claim checks a Cognito
//! access or ID token gets) against raw aws-lc-rs `ParsedPublicKey::verify_sig`, and
//! `SigningKey::sign_jwt` against raw `RsaKeyPair::sign` with a pre-parsed key, on the same
//! signing input. Targets: verify ≥ 0.90×, sign ≥ 0.85× the raw throughput.
//!
//! ```text
//! cargo bench -p tokens --bench jwt                  # the interleaved ratios (the targets)
//! cargo bench -p tokens --bench jwt -- --criterion   # also criterion's statistics
//! ```
//!
//! The ratios are taken as `docs/benchmarks.md` describes: every candidate runs back to back in
//! each round, timed by thread-CPU time over a whole loop (no clock read per operation), and the
//! median of the per-round ratios is reported and written to `$BENCH_RESULTS_DIR/tokens-jwt.tsv`
//! for `bench/summary.py`. The console-level verify path (the pool lookup from the token's
//! issuer, keys from the stored JWKS) and the full ID+access mint are measured by
//! `cargo bench -p console-api --bench signin`.

#[path = "../../console-api/benches/common/harness.rs"]
mod harness;

use std::borrow::Cow;
use std::hint::black_box;
use std::time::Duration;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair,
    ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaKeyPair,
    RsaPublicKeyComponents,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use harness::{
    Candidate, Report, Res, Verdict, fmt_ns, interleave, median_cpu_per_op, throughput_ratio,
};
use serde_json::{Value, json};
use tokens::{SigningKey, Verifier};

const NOW: i64 = 1_700_000_000;
const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI";
const CLIENT_ID: &str = "abcdefghijklmnopqrstuvwxyz";

/// The claims Poolhouse's sign-in puts in an access token (`user_pools::signin::claims`).
fn access_claims() -> Value {
    json!({
        "sub": "6f1c2a7e-1111-4222-8333-944445555666",
        "cognito:groups": ["admins"],
        "iss": ISSUER,
        "client_id": CLIENT_ID,
        "origin_jti": "9d2f0c4e-0000-4000-8000-000000000001",
        "event_id": "9d2f0c4e-0000-4000-8000-000000000002",
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "auth_time": NOW - 10,
        "exp": NOW + 3600,
        "iat": NOW - 10,
        "jti": "9d2f0c4e-0000-4000-8000-000000000003",
        "username": "alice",
    })
}

/// The claims of the matching ID token, with four attributes.
fn id_claims() -> Value {
    json!({
        "sub": "6f1c2a7e-1111-4222-8333-944445555666",
        "cognito:groups": ["admins"],
        "email_verified": true,
        "iss": ISSUER,
        "cognito:username": "alice",
        "given_name": "Alice",
        "origin_jti": "9d2f0c4e-0000-4000-8000-000000000001",
        "aud": CLIENT_ID,
        "event_id": "9d2f0c4e-0000-4000-8000-000000000002",
        "token_use": "id",
        "auth_time": NOW - 10,
        "exp": NOW + 3600,
        "iat": NOW - 10,
        "family_name": "Liddell",
        "jti": "9d2f0c4e-0000-4000-8000-000000000004",
        "email": "alice@example.com",
    })
}

/// A signed token and its parts, decoded once for the raw baseline.
struct Token {
    text: String,
    signing_input: String,
    signature: Vec<u8>,
}

impl Token {
    fn sign(key: &SigningKey, claims: &Value) -> Res<Token> {
        let text = key.sign_jwt(claims)?;
        let (signing_input, signature) = text.rsplit_once('.').ok_or("no signature")?;
        Ok(Token {
            signing_input: signing_input.to_owned(),
            signature: URL_SAFE_NO_PAD.decode(signature)?,
            text,
        })
    }
}

struct Fixture {
    key: SigningKey,
    /// The same private key, parsed by aws-lc-rs directly (the sign baseline).
    pair: RsaKeyPair,
    /// The same public key, parsed by aws-lc-rs directly (the verify baseline).
    raw_key: ParsedPublicKey,
    verifier: Verifier,
    access: Token,
    id: Token,
}

fn fixture() -> Res<Fixture> {
    let key = SigningKey::generate_rs256()?;
    let pair = RsaKeyPair::from_pkcs8(key.pkcs8_der().expose_secret())
        .map_err(|e| format!("RsaKeyPair::from_pkcs8: {e}"))?;
    let raw_key = RsaPublicKeyComponents {
        n: key.modulus(),
        e: key.exponent(),
    }
    .to_parsed_public_key(&RSA_PKCS1_2048_8192_SHA256)
    .map_err(|e| format!("to_parsed_public_key: {e}"))?;
    // As the console builds it: from the published JWK, not from the private key.
    let verifier = Verifier::from_jwks(&json!({ "keys": [key.public_jwk()] }))?;
    let access = Token::sign(&key, &access_claims())?;
    let id = Token::sign(&key, &id_claims())?;
    Ok(Fixture {
        key,
        pair,
        raw_key,
        verifier,
        access,
        id,
    })
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tokens jwt bench: {e}");
            std::process::ExitCode::from(2)
        }
    }
}

fn run() -> Res<()> {
    let f = fixture()?;
    let mut report = Report::default();
    println!(
        "RS256 (2048-bit): access token {} B (signing input {} B), ID token {} B",
        f.access.text.len(),
        f.access.signing_input.len(),
        f.id.text.len()
    );
    verify_ratios(&f, &mut report)?;
    sign_ratios(&f, &mut report)?;
    inspector_ratios(&f, &mut report)?;
    let path = report.write("tokens-jwt")?;
    println!("results: {}", path.display());
    if harness::has_flag("--criterion") {
        criterion_pass(&f)?;
    }
    Ok(())
}

/// How long each candidate's loop runs per round.
fn batch_time() -> Duration {
    if harness::quick() {
        Duration::from_millis(40)
    } else {
        Duration::from_millis(150)
    }
}

fn raw_verify<'a>(f: &'a Fixture, t: &'a Token) -> impl FnMut(u64) -> Res<()> + 'a {
    move |_| {
        f.raw_key
            .verify_sig(
                black_box(t.signing_input.as_bytes()),
                black_box(&t.signature),
            )
            .map_err(|_| "raw verify failed".into())
    }
}

/// The claims an access-token check reads, borrowed from the decoded JSON (no `Map`, no
/// `String` per claim): what the "what if" candidate parses instead of a `Map`.
#[derive(serde::Deserialize)]
struct BorrowedClaims<'a> {
    #[serde(borrow)]
    token_use: Option<Cow<'a, str>>,
    #[serde(borrow)]
    iss: Option<Cow<'a, str>>,
    #[serde(borrow)]
    client_id: Option<Cow<'a, str>>,
    exp: Option<f64>,
    nbf: Option<f64>,
    iat: Option<f64>,
}

/// What if `Verifier::verify` decoded the claims into a borrowed struct: the same steps as
/// `verify` (split, header by its cached segment, signature, claims, times) and the same claim
/// checks as the "+ checks" candidate, with the claims parsed into [`BorrowedClaims`].
fn borrowed_verify<'a>(f: &'a Fixture, t: &'a Token) -> impl FnMut(u64) -> Res<()> + 'a {
    let header = t.text.split('.').next().unwrap_or("").to_owned();
    move |_| {
        let token = black_box(t.text.as_str());
        let (input, signature) = token.rsplit_once('.').ok_or("no signature")?;
        let (head, claims) = input.split_once('.').ok_or("no claims")?;
        if head != header {
            return Err("another header".into());
        }
        let mut sig = [0u8; 1024];
        let n = URL_SAFE_NO_PAD.decode_slice(signature, &mut sig)?;
        f.raw_key
            .verify_sig(input.as_bytes(), &sig[..n])
            .map_err(|_| "bad signature")?;
        let bytes = URL_SAFE_NO_PAD.decode(claims)?;
        let c: BorrowedClaims<'_> = serde_json::from_slice(&bytes)?;
        let now = NOW as f64;
        let fresh = c.exp.is_some_and(|e| now < e)
            && c.nbf.is_none_or(|v| v <= now)
            && c.iat.is_none_or(|v| v <= now);
        let ok = c.token_use.as_deref() == Some("access")
            && c.iss.as_deref() == Some(ISSUER)
            && c.client_id.as_deref() == Some(CLIENT_ID);
        if fresh && ok {
            Ok(())
        } else {
            Err("claims refused".into())
        }
    }
}

fn verify_ratios(f: &Fixture, report: &mut Report) -> Res<()> {
    let rounds = harness::rounds();
    let time = batch_time();
    // Sized from a trial loop of the raw verify (the fastest candidate), so every loop is
    // bounded in count as well as in time.
    let ops = harness::calibrate(time, 200_000, raw_verify(f, &f.access))?;
    println!(
        "verify: {rounds} interleaved rounds, loops of ≤ {ops} verifies / ≤ {} ms each",
        time.as_millis()
    );
    let access_checked = |_| -> Res<()> {
        let v = f.verifier.verify(black_box(&f.access.text), NOW, 0)?;
        v.expect_token_use("access")?;
        v.expect_issuer(ISSUER)?;
        v.expect_client_id(CLIENT_ID)?;
        black_box(v);
        Ok(())
    };
    let id_checked = |_| -> Res<()> {
        let v = f.verifier.verify(black_box(&f.id.text), NOW, 0)?;
        v.expect_token_use("id")?;
        v.expect_issuer(ISSUER)?;
        v.expect_client_id(CLIENT_ID)?;
        black_box(v);
        Ok(())
    };
    let access_bare = |_| -> Res<()> {
        black_box(f.verifier.verify(black_box(&f.access.text), NOW, 0)?);
        Ok(())
    };
    let mut candidates = [
        Candidate::new("raw access", ops, time, raw_verify(f, &f.access)),
        Candidate::new("verify access + checks", ops, time, access_checked),
        Candidate::new("raw id", ops, time, raw_verify(f, &f.id)),
        Candidate::new("verify id + checks", ops, time, id_checked),
        Candidate::new("verify access, no claim checks", ops, time, access_bare),
        Candidate::new(
            "what if: borrowed claims",
            ops,
            time,
            borrowed_verify(f, &f.access),
        ),
    ];
    let l = interleave(rounds, &mut candidates)?;
    for (c, loops) in candidates.iter().zip(&l) {
        println!(
            "  {:<32} {} cpu/op ({} wall/op)",
            c.name,
            fmt_ns(median_cpu_per_op(loops)),
            fmt_ns(harness::median(
                &loops
                    .iter()
                    .map(harness::Loop::wall_per_op)
                    .collect::<Vec<_>>()
            ))
        );
    }
    for (what, raw, checked) in [("access", 0, 1), ("ID", 2, 3)] {
        let ratio = throughput_ratio(&l[checked], &l[raw]);
        report.row(
            "T1",
            &format!(
                "{what} token: tokens::Verifier::verify + token_use/iss/client checks ÷ raw \
                 aws-lc verify_sig (parsed key), thread-CPU throughput"
            ),
            format!(
                "{ratio:.2} ({} vs {} per verify)",
                fmt_ns(median_cpu_per_op(&l[checked])),
                fmt_ns(median_cpu_per_op(&l[raw]))
            ),
            "≥ 0.93",
            Verdict::of(ratio >= 0.93),
        );
    }
    let bare = throughput_ratio(&l[4], &l[0]);
    report.row(
        "T1",
        "access token: Verifier::verify alone (no claim checks) ÷ raw verify_sig",
        format!("{bare:.2}"),
        "(context)",
        Verdict::Info,
    );
    let what_if = throughput_ratio(&l[5], &l[0]);
    report.row(
        "T1",
        "what if: the same verify + checks with the claims parsed into a borrowed struct \
         instead of a Map ÷ raw verify_sig",
        format!(
            "{what_if:.2} ({} per verify)",
            fmt_ns(median_cpu_per_op(&l[5]))
        ),
        "(diagnosis, see Findings)",
        Verdict::Info,
    );
    Ok(())
}

/// A token and the raw verify of its signature with a parsed public key.
struct Raw {
    key: ParsedPublicKey,
    input: String,
    signature: Vec<u8>,
}

impl Raw {
    fn of(key: ParsedPublicKey, token: &str) -> Res<Raw> {
        let (input, signature) = token.rsplit_once('.').ok_or("no signature")?;
        Ok(Raw {
            key,
            input: input.to_owned(),
            signature: URL_SAFE_NO_PAD.decode(signature)?,
        })
    }

    fn verify(&self) -> impl FnMut(u64) -> Res<()> + '_ {
        move |_| {
            self.key
                .verify_sig(black_box(self.input.as_bytes()), black_box(&self.signature))
                .map_err(|_| "raw verify failed".into())
        }
    }
}

/// The token inspector's verify path — `decode` (with its claims table) and `explain` (every
/// check, keys from a ring) — ÷ the raw signature verify of the same token, for RS256 and
/// ES256 (the inspector's target, ≥ 0.90).
fn inspector_ratios(f: &Fixture, report: &mut Report) -> Res<()> {
    use tokens::inspect::{self as ti, EncodeKey, Expectations, KeyRing};
    let rounds = harness::rounds();
    let time = batch_time();
    let mut rs_ring = KeyRing::new();
    rs_ring.add_jwks(&json!({ "keys": [f.key.public_jwk()] }))?;
    let rs = Raw::of(
        RsaPublicKeyComponents {
            n: f.key.modulus(),
            e: f.key.exponent(),
        }
        .to_parsed_public_key(&RSA_PKCS1_2048_8192_SHA256)
        .map_err(|e| format!("to_parsed_public_key: {e}"))?,
        &f.access.text,
    )?;
    // ES256: a P-256 key made here signs the same claims through the inspector's encoder.
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
        .map_err(|e| format!("generate P-256: {e}"))?;
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref())
        .map_err(|e| format!("P-256 from pkcs8: {e}"))?;
    let private_pem = pem::encode(&pem::Pem::new("PRIVATE KEY", pkcs8.as_ref().to_vec()));
    let es_token = ti::encode_test_token(
        &access_claims(),
        &EncodeKey::from_text(&private_pem)?,
        Some("ES256"),
        None,
        NOW,
    )?
    .token;
    let mut es_ring = KeyRing::new();
    es_ring.add_text(&private_pem)?;
    let es = Raw::of(
        ParsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, pair.public_key().as_ref())
            .map_err(|e| format!("P-256 public key: {e}"))?,
        &es_token,
    )?;
    let expect = Expectations {
        issuer: Some(ISSUER.into()),
        client_id: Some(CLIENT_ID.into()),
        token_use: Some("access".into()),
        skew_secs: 0,
        now: NOW,
    };
    let inspect = |token: &str, ring: &KeyRing| -> Res<()> {
        let decoded = ti::decode(black_box(token.as_bytes()), NOW);
        let checks = ti::explain(&decoded, ring, &expect);
        if ti::Verdict::of(&checks) != ti::Verdict::Valid {
            return Err(format!("the inspector refused the token: {checks:?}").into());
        }
        black_box((decoded, checks));
        Ok(())
    };
    let rs_decoded = ti::decode(f.access.text.as_bytes(), NOW);
    let ops = harness::calibrate(time, 200_000, rs.verify())?;
    println!(
        "inspector: {rounds} interleaved rounds, loops of ≤ {ops} verifies / ≤ {} ms each",
        time.as_millis()
    );
    let mut candidates = [
        Candidate::new("raw RS256", ops, time, rs.verify()),
        Candidate::new("inspector RS256", ops, time, |_| {
            inspect(&f.access.text, &rs_ring)
        }),
        Candidate::new("raw ES256", ops, time, es.verify()),
        Candidate::new("inspector ES256", ops, time, |_| {
            inspect(&es_token, &es_ring)
        }),
        // Where the inspector's time goes: decoding alone, and the checks on a decoded token.
        Candidate::new("decode only, RS256", ops, time, |_| {
            black_box(ti::decode(black_box(f.access.text.as_bytes()), NOW));
            Ok(())
        }),
        Candidate::new("explain only, RS256", ops, time, |_| {
            black_box(ti::explain(black_box(&rs_decoded), &rs_ring, &expect));
            Ok(())
        }),
    ];
    let l = interleave(rounds, &mut candidates)?;
    println!(
        "  inspector RS256: decode {} + explain {} (raw verify {})",
        fmt_ns(median_cpu_per_op(&l[4])),
        fmt_ns(median_cpu_per_op(&l[5])),
        fmt_ns(median_cpu_per_op(&l[0]))
    );
    for (what, raw, inspected) in [("RS256", 0, 1), ("ES256", 2, 3)] {
        let ratio = throughput_ratio(&l[inspected], &l[raw]);
        report.row(
            "inspector",
            &format!(
                "{what} access token: the inspector's decode + explain (every check; the claims \
                 table and re-indented JSON are made only when shown) ÷ raw aws-lc verify_sig \
                 (parsed key), thread-CPU throughput"
            ),
            format!(
                "{ratio:.2} ({} vs {} per verify)",
                fmt_ns(median_cpu_per_op(&l[inspected])),
                fmt_ns(median_cpu_per_op(&l[raw]))
            ),
            "≥ 0.90",
            Verdict::of(ratio >= 0.90),
        );
    }
    Ok(())
}

fn sign_ratios(f: &Fixture, report: &mut Report) -> Res<()> {
    let rounds = harness::rounds();
    let time = batch_time();
    let rng = SystemRandom::new();
    let claims = access_claims();
    let mut sig = vec![0u8; f.pair.public_modulus_len()];
    let mut raw_sign = |_| -> Res<()> {
        f.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &rng,
                black_box(f.access.signing_input.as_bytes()),
                &mut sig,
            )
            .map_err(|_| "raw sign failed".into())
    };
    let ops = harness::calibrate(time, 20_000, &mut raw_sign)?;
    println!(
        "sign: {rounds} interleaved rounds, loops of ≤ {ops} signatures / ≤ {} ms each",
        time.as_millis()
    );
    let sign_jwt = |_| -> Res<()> {
        black_box(f.key.sign_jwt(black_box(&claims))?);
        Ok(())
    };
    let mut candidates = [
        Candidate::new("raw RsaKeyPair::sign", ops, time, raw_sign),
        Candidate::new("SigningKey::sign_jwt", ops, time, sign_jwt),
    ];
    let l = interleave(rounds, &mut candidates)?;
    let ratio = throughput_ratio(&l[1], &l[0]);
    println!(
        "  raw sign {} cpu/op, sign_jwt {} cpu/op",
        fmt_ns(median_cpu_per_op(&l[0])),
        fmt_ns(median_cpu_per_op(&l[1]))
    );
    report.row(
        "T2",
        "access token: SigningKey::sign_jwt (claims JSON → compact JWS) ÷ raw RsaKeyPair::sign \
         (pre-parsed key), thread-CPU throughput",
        format!(
            "{ratio:.2} ({} vs {} per token)",
            fmt_ns(median_cpu_per_op(&l[1])),
            fmt_ns(median_cpu_per_op(&l[0]))
        ),
        "≥ 0.85",
        Verdict::of(ratio >= 0.85),
    );
    Ok(())
}

/// Criterion's statistics for the same operations (kept in `target/criterion`).
fn criterion_pass(f: &Fixture) -> Res<()> {
    use criterion::Criterion;
    let quick = harness::quick();
    let mut c = Criterion::default()
        .output_directory(&harness::target_dir().join("criterion"))
        .warm_up_time(Duration::from_millis(if quick { 200 } else { 500 }))
        .measurement_time(Duration::from_secs(if quick { 1 } else { 3 }))
        .sample_size(if quick { 10 } else { 30 })
        .without_plots();
    let mut verify = c.benchmark_group("rs256_verify");
    verify.bench_function("raw_parsed_verify_sig", |b| {
        b.iter(|| {
            f.raw_key
                .verify_sig(
                    black_box(f.access.signing_input.as_bytes()),
                    black_box(&f.access.signature),
                )
                .is_ok()
        });
    });
    verify.bench_function("tokens_verify", |b| {
        b.iter(|| f.verifier.verify(black_box(&f.access.text), NOW, 0).is_ok());
    });
    verify.finish();

    let claims = access_claims();
    let rng = SystemRandom::new();
    let mut sign = c.benchmark_group("rs256_sign");
    sign.sample_size(if quick { 10 } else { 30 });
    sign.bench_function("raw_rsa_sign", |b| {
        let mut sig = vec![0u8; f.pair.public_modulus_len()];
        b.iter(|| {
            f.pair
                .sign(
                    &RSA_PKCS1_SHA256,
                    &rng,
                    black_box(f.access.signing_input.as_bytes()),
                    &mut sig,
                )
                .is_ok()
        });
    });
    sign.bench_function("tokens_sign_jwt", |b| {
        b.iter(|| f.key.sign_jwt(black_box(&claims)).is_ok());
    });
    sign.finish();
    c.final_summary();
    Ok(())
}
