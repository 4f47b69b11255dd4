//! T1/T2 of `reference/performance.md`: `Verifier::verify` against raw aws-lc-rs
//! `ParsedPublicKey::verify_sig`, and `SigningKey::sign_jwt` against raw `RsaKeyPair::sign`,
//! on the same signing input. Targets: verify ≥ 0.90×, sign ≥ 0.85× the raw throughput.

use std::hint::black_box;

use aws_lc_rs::signature::{
    RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaKeyPair, RsaPublicKeyComponents,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::json;
use tokens::{SigningKey, Verifier};

const NOW: i64 = 1_700_000_000;

fn claims() -> serde_json::Value {
    json!({
        "sub": "6f1c2a7e-1111-4222-8333-944445555666",
        "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI",
        "client_id": "abcdefghijklmnopqrstuvwxyz",
        "origin_jti": "9d2f0c4e-0000-4000-8000-000000000001",
        "event_id": "9d2f0c4e-0000-4000-8000-000000000002",
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "auth_time": NOW - 10,
        "iat": NOW - 10,
        "exp": NOW + 3600,
        "jti": "9d2f0c4e-0000-4000-8000-000000000003",
        "username": "alice",
        "cognito:groups": ["admins"],
    })
}

struct Fixture {
    key: SigningKey,
    pair: RsaKeyPair,
    verifier: Verifier,
    token: String,
    signing_input: String,
    signature: Vec<u8>,
}

fn fixture() -> Result<Fixture, String> {
    let key = SigningKey::generate_rs256().map_err(|e| e.to_string())?;
    let pair =
        RsaKeyPair::from_pkcs8(key.pkcs8_der().expose_secret()).map_err(|e| e.to_string())?;
    let verifier = Verifier::from_signing_keys([&key]).map_err(|e| e.to_string())?;
    let token = key.sign_jwt(&claims()).map_err(|e| e.to_string())?;
    let (signing_input, signature) = token.rsplit_once('.').ok_or("no signature")?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|e| e.to_string())?;
    Ok(Fixture {
        signing_input: signing_input.to_owned(),
        key,
        pair,
        verifier,
        token,
        signature,
    })
}

fn bench(c: &mut Criterion) {
    let f = match fixture() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("bench setup failed: {e}");
            return;
        }
    };
    let raw_key = match (RsaPublicKeyComponents {
        n: f.key.modulus(),
        e: f.key.exponent(),
    })
    .to_parsed_public_key(&RSA_PKCS1_2048_8192_SHA256)
    {
        Ok(k) => k,
        Err(e) => {
            eprintln!("bench setup failed: {e}");
            return;
        }
    };
    eprintln!(
        "token {} bytes, signing input {} bytes",
        f.token.len(),
        f.signing_input.len()
    );

    let mut verify = c.benchmark_group("rs256_verify");
    verify.bench_function("raw_parsed_verify_sig", |b| {
        b.iter(|| {
            raw_key
                .verify_sig(
                    black_box(f.signing_input.as_bytes()),
                    black_box(&f.signature),
                )
                .is_ok()
        });
    });
    verify.bench_function("tokens_verify", |b| {
        b.iter(|| f.verifier.verify(black_box(&f.token), NOW, 0).is_ok());
    });
    verify.finish();

    let claims = claims();
    let rng = aws_lc_rs::rand::SystemRandom::new();
    let mut sign = c.benchmark_group("rs256_sign");
    sign.sample_size(30);
    sign.bench_function("raw_rsa_sign", |b| {
        let mut sig = vec![0u8; f.pair.public_modulus_len()];
        b.iter(|| {
            f.pair
                .sign(
                    &RSA_PKCS1_SHA256,
                    &rng,
                    black_box(f.signing_input.as_bytes()),
                    &mut sig,
                )
                .is_ok()
        });
    });
    sign.bench_function("tokens_sign_jwt", |b| {
        b.iter(|| f.key.sign_jwt(black_box(&claims)).is_ok());
    });
    sign.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
