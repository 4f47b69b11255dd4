//! The token decoders under a committed corpus and structure-aware mutations of it: the
//! verifier, the unverified decoder and the inspector (decode and explain) never panic, answer
//! within a bound, and never accept a token no key they hold signed.
//!
//! `tests/corpus/tokens.txt` holds the seeds (hostile headers, claims, encodings and shapes),
//! replayed on every run. The generator splices segments of seeds together, re-encodes a
//! segment's JSON after editing it, and edits characters. 512 cases by default;
//! `PROPTEST_CASES` runs more.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use proptest::prelude::*;
use serde_json::{Value, json};
use tokens::dangerous::decode_unverified;
use tokens::inspect::{Expectations, KeyRing, SecretEncoding, Verdict, decode, explain};
use tokens::{Jwks, SigningKey, Verifier};

const NOW: i64 = 1_700_000_000;

fn config(default_cases: u32) -> ProptestConfig {
    if std::env::var_os("PROPTEST_CASES").is_some() {
        ProptestConfig::default()
    } else {
        ProptestConfig::with_cases(default_cases)
    }
}

struct Keys {
    verifier: Verifier,
    ring: KeyRing,
}

/// A key published as `k1` (the kid the seeds name), and an HMAC secret in the inspector's
/// ring: none of the seeds is signed by either.
fn keys() -> &'static Keys {
    static K: OnceLock<Keys> = OnceLock::new();
    K.get_or_init(|| {
        let generated = SigningKey::generate_rs256().unwrap();
        let key = SigningKey::from_pkcs8("k1", generated.pkcs8_der().expose_secret()).unwrap();
        let verifier = Verifier::from_signing_keys([&key]).unwrap();
        let mut ring = KeyRing::new();
        ring.add_text(&serde_json::to_string(&Jwks::from_signing_keys([&key])).unwrap())
            .unwrap();
        ring.add_secret("x".repeat(32).as_str(), SecretEncoding::Text)
            .unwrap();
        Keys { verifier, ring }
    })
}

fn corpus() -> Vec<String> {
    include_str!("corpus/tokens.txt")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// Every decoder on `input`: no panic, within 2 s, and nothing called valid.
fn all_decoders(input: &str) -> Result<(), TestCaseError> {
    let k = keys();
    let started = Instant::now();
    prop_assert!(
        k.verifier.verify(input, NOW, 60).is_err(),
        "verified: {input:.200}"
    );
    let _ = decode_unverified(input);
    let decoded = decode(input.as_bytes(), NOW);
    let checks = explain(
        &decoded,
        &k.ring,
        &Expectations {
            now: NOW,
            skew_secs: 60,
            ..Expectations::default()
        },
    );
    prop_assert_ne!(Verdict::of(&checks), Verdict::Valid, "{:.200}", input);
    // What the inspector shows is displayable.
    for c in &checks {
        let _ = c.reason.to_string();
    }
    for f in &decoded.findings {
        let _ = f.to_string();
    }
    prop_assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?} for {input:.200}",
        started.elapsed()
    );
    Ok(())
}

#[test]
fn every_seed_is_decoded_without_panic_and_never_verified() {
    let seeds = corpus();
    assert!(seeds.len() >= 35, "{} seeds", seeds.len());
    for seed in &seeds {
        all_decoders(seed).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// An edit to a seed.
#[derive(Debug, Clone)]
enum Edit {
    /// Segment `i` of this seed replaced by segment `j` of another.
    Splice {
        other: usize,
        i: usize,
        j: usize,
    },
    /// Segment `i` decoded as JSON, one member set to a value, re-encoded.
    SetMember {
        i: usize,
        name: String,
        value: Value,
    },
    /// One character replaced.
    Char {
        at: usize,
        with: char,
    },
    /// Segments repeated or dropped.
    Repeat(usize),
    Drop(usize),
}

fn edit(seeds: usize) -> impl Strategy<Value = Edit> {
    let value = prop_oneof![
        Just(json!("none")),
        Just(json!("RS256")),
        Just(json!("HS256")),
        Just(json!("k1")),
        Just(json!(null)),
        Just(json!(false)),
        Just(json!(["b64"])),
        Just(json!(1e308)),
        Just(json!(-1)),
        Just(json!(u64::MAX)),
        Just(json!({"kty": "oct", "k": "eA"})),
        "\\PC{0,30}".prop_map(Value::from),
    ];
    let name = proptest::sample::select(vec![
        "alg", "kid", "crit", "b64", "typ", "cty", "jku", "jwk", "exp", "nbf", "iat", "sub", "enc",
    ])
    .prop_map(String::from);
    prop_oneof![
        (0..seeds, 0usize..5, 0usize..5).prop_map(|(other, i, j)| Edit::Splice { other, i, j }),
        (0usize..3, name, value).prop_map(|(i, name, value)| Edit::SetMember { i, name, value }),
        (any::<usize>(), any::<char>()).prop_map(|(at, with)| Edit::Char { at, with }),
        (0usize..5).prop_map(Edit::Repeat),
        (0usize..5).prop_map(Edit::Drop),
    ]
}

fn apply(seeds: &[String], seed: &str, e: &Edit) -> String {
    let mut parts: Vec<String> = seed.split('.').map(str::to_owned).collect();
    let n = parts.len();
    match e {
        Edit::Splice { other, i, j } => {
            let theirs: Vec<&str> = seeds[*other].split('.').collect();
            parts[i % n] = theirs[j % theirs.len()].to_owned();
        }
        Edit::SetMember { i, name, value } => {
            let at = i % n;
            let mut doc = URL_SAFE_NO_PAD
                .decode(&parts[at])
                .ok()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                .filter(Value::is_object)
                .unwrap_or_else(|| json!({}));
            doc[name.as_str()] = value.clone();
            parts[at] = URL_SAFE_NO_PAD.encode(doc.to_string());
        }
        Edit::Char { at, with } => {
            let mut chars: Vec<char> = parts.join(".").chars().collect();
            if !chars.is_empty() {
                let i = at % chars.len();
                chars[i] = *with;
            }
            return chars.into_iter().collect();
        }
        Edit::Repeat(i) => {
            let p = parts[i % n].clone();
            parts.insert(i % n, p);
        }
        Edit::Drop(i) => {
            parts.remove(i % n);
        }
    }
    parts.join(".")
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn mutated_seeds_are_decoded_without_panic_and_never_verified(
        seed in 0usize..64,
        edits in proptest::collection::vec(edit(64), 1..4),
    ) {
        let seeds = corpus();
        let mut token = seeds[seed % seeds.len()].clone();
        for e in &edits {
            let e = match e {
                Edit::Splice { other, i, j } => Edit::Splice { other: other % seeds.len(), i: *i, j: *j },
                e => e.clone(),
            };
            token = apply(&seeds, &token, &e);
        }
        all_decoders(&token)?;
    }
}
