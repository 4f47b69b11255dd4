//! Other issuers' tokens ([`JwkKey`]) against an independent implementation, the
//! `jsonwebtoken` crate: for RS256 and ES256 keys published as JWKs, valid, tampered,
//! wrong-key, wrong-alg (`none`, `HS256` keyed with the public key, the other accepted
//! algorithm, RS384) and expired tokens are accepted or refused alike, and an accepted token
//! answers the same claims.
//!
//! `JwkKey::verify` checks the signature only; the time policy a caller (federation) puts
//! around it is [`policy`] here: `exp` required, refused from `exp + LEEWAY` on. The oracle is
//! `jsonwebtoken` pinned to the key's algorithm, as an application using it does, with the
//! same leeway. The two differ by design at the one second `exp == now - LEEWAY` (the oracle
//! still accepts, Poolhouse refuses, as Cognito does), so generated times skip it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair, RSA_PKCS1_SHA256, RSA_PKCS1_SHA384,
    RsaKeyPair,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use tokens::{Error, Jwk, JwkKey, JwsAlgorithm, SigningKey};

const LEEWAY: i64 = 60;

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .try_into()
        .unwrap()
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A signing key of either kind, with its public JWK as a provider would publish it.
enum Signer {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
}

struct Key {
    signer: Signer,
    /// The public JWK text, as a provider publishes it.
    jwk: Value,
    /// The public key's SPKI DER, which an attacker would use as an HMAC secret.
    spki: Vec<u8>,
}

impl Key {
    fn rsa(kid: &str) -> Key {
        let key = SigningKey::generate_rs256().unwrap();
        let pair = RsaKeyPair::from_pkcs8(key.pkcs8_der().expose_secret()).unwrap();
        let spki = pair.public_key().as_der().unwrap().as_ref().to_vec();
        let mut jwk = key.public_jwk();
        jwk["kid"] = json!(kid);
        Key {
            signer: Signer::Rsa(pair),
            jwk,
            spki,
        }
    }

    fn ec(kid: &str) -> Key {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let pair =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref()).unwrap();
        let point = pair.public_key().as_ref().to_vec();
        assert_eq!(point.len(), 65, "uncompressed P-256 point");
        let spki = pair.public_key().as_der().unwrap().as_ref().to_vec();
        let jwk = json!({
            "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
            "x": b64(&point[1..33]), "y": b64(&point[33..]),
        });
        Key {
            signer: Signer::Ec(pair),
            jwk,
            spki,
        }
    }

    fn alg(&self) -> &'static str {
        match self.signer {
            Signer::Rsa(_) => "RS256",
            Signer::Ec(_) => "ES256",
        }
    }

    /// Signs `input` with this key's own algorithm (or RS384 with an RSA key when asked).
    fn sign(&self, alg: &str, input: &str) -> Vec<u8> {
        let rng = SystemRandom::new();
        match &self.signer {
            Signer::Rsa(pair) => {
                let padding = if alg == "RS384" {
                    &RSA_PKCS1_SHA384
                } else {
                    &RSA_PKCS1_SHA256
                };
                let mut sig = vec![0; pair.public_modulus_len()];
                pair.sign(padding, &rng, input.as_bytes(), &mut sig)
                    .unwrap();
                sig
            }
            Signer::Ec(pair) => pair.sign(&rng, input.as_bytes()).unwrap().as_ref().to_vec(),
        }
    }

    /// A compact JWS with this header and claims, signed by this key with `alg`.
    fn token(&self, alg: &str, claims: &Value) -> String {
        let header = json!({"alg": alg, "kid": self.jwk["kid"], "typ": "JWT"});
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        let sig = self.sign(alg, &input);
        format!("{input}.{}", b64(&sig))
    }

    fn tokens_key(&self) -> JwkKey {
        let jwk: Jwk = serde_json::from_value(self.jwk.clone()).unwrap();
        JwkKey::from_jwk(&jwk).unwrap()
    }
}

struct Fixture {
    rsa: Key,
    rsa_other: Key,
    ec: Key,
    ec_other: Key,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| Fixture {
        rsa: Key::rsa("rsa-1"),
        rsa_other: Key::rsa("rsa-1"),
        ec: Key::ec("ec-1"),
        ec_other: Key::ec("ec-1"),
    })
}

/// The caller's time policy around [`JwkKey::verify`], as federation applies it.
fn policy(claims: &Map<String, Value>, now: i64) -> Result<(), String> {
    let exp = claims.get("exp").and_then(Value::as_i64).ok_or("no exp")?;
    if now >= exp + LEEWAY {
        return Err(format!("expired at {exp}"));
    }
    Ok(())
}

/// Poolhouse: the key checks algorithm and signature, the policy checks time.
fn ours(key: &Key, token: &str) -> Result<Map<String, Value>, String> {
    let verified = key
        .tokens_key()
        .verify(token, &JwsAlgorithm::ALL)
        .map_err(|e| e.to_string())?;
    policy(verified.claims(), now())?;
    Ok(verified.into_parts().1)
}

/// The oracle: `jsonwebtoken` with the same JWK, pinned to the key's algorithm.
fn theirs(key: &Key, token: &str) -> Result<Map<String, Value>, String> {
    let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(key.jwk.clone()).unwrap();
    let decoding = DecodingKey::from_jwk(&jwk).map_err(|e| e.to_string())?;
    let alg = if key.alg() == "RS256" {
        Algorithm::RS256
    } else {
        Algorithm::ES256
    };
    let mut validation = Validation::new(alg);
    validation.leeway = LEEWAY.unsigned_abs();
    validation.validate_aud = false;
    jsonwebtoken::decode::<Map<String, Value>>(token, &decoding, &validation)
        .map(|d| d.claims)
        .map_err(|e| e.to_string())
}

/// Both accept with the same claims, or both refuse.
fn agree(key: &Key, token: &str, case: &str) -> bool {
    let (a, b) = (ours(key, token), theirs(key, token));
    match (&a, &b) {
        (Ok(x), Ok(y)) => assert_eq!(x, y, "{case}: claims differ"),
        (Err(_), Err(_)) => {}
        _ => panic!("{case}: tokens says {a:?}, jsonwebtoken says {b:?}\n{token}"),
    }
    a.is_ok()
}

fn claims(exp_in: i64) -> Value {
    let t = now();
    json!({
        "iss": "https://issuer.example.com",
        "aud": "client-1",
        "sub": "user-1",
        "nonce": "n-0S6_WzA2Mj",
        "iat": t - 10,
        "exp": t + exp_in,
    })
}

fn flip(token: &str, part: usize, at: usize) -> String {
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let seg = &mut parts[part];
    if seg.is_empty() {
        seg.push('A');
    } else {
        let i = at % seg.len();
        let c = seg.as_bytes()[i];
        let to = if c == b'A' { 'B' } else { 'A' };
        seg.replace_range(i..=i, &to.to_string());
    }
    parts.join(".")
}

/// Every named case, for one key: (name, token, accepted?).
fn table(key: &Key, other: &Key, cross: &Key) -> Vec<(String, String, bool)> {
    let alg = key.alg();
    let c = claims(600);
    let good = key.token(alg, &c);
    let parts: Vec<&str> = good.split('.').collect();
    let mut cases = vec![
        ("valid".to_owned(), good.clone(), true),
        (
            "payload changed after signing".to_owned(),
            format!(
                "{}.{}.{}",
                parts[0],
                b64(claims(600)
                    .as_object()
                    .map(|m| {
                        let mut m = m.clone();
                        m.insert("sub".into(), json!("admin"));
                        Value::Object(m).to_string()
                    })
                    .unwrap()
                    .as_bytes()),
                parts[2]
            ),
            false,
        ),
        ("signature altered".to_owned(), flip(&good, 2, 7), false),
        ("header altered".to_owned(), flip(&good, 0, 3), false),
        (
            "signature truncated".to_owned(),
            good[..good.len() - 4].to_owned(),
            false,
        ),
        (
            "no signature".to_owned(),
            format!("{}.{}.", parts[0], parts[1]),
            false,
        ),
        (
            "signed by another key with the same kid".to_owned(),
            other.token(alg, &c),
            false,
        ),
        (
            "the other algorithm, signed by a key of its type".to_owned(),
            cross.token(cross.alg(), &c),
            false,
        ),
        (
            "alg none".to_owned(),
            format!(
                "{}.{}.",
                b64(json!({"alg": "none", "kid": key.jwk["kid"]})
                    .to_string()
                    .as_bytes()),
                parts[1]
            ),
            false,
        ),
        ("expired".to_owned(), key.token(alg, &claims(-3600)), false),
        (
            "expired, within the leeway".to_owned(),
            key.token(alg, &claims(-LEEWAY + 5)),
            true,
        ),
    ];
    // HS256 keyed with the public key's encodings: the classic confusion.
    for (what, secret) in [
        ("SPKI DER", key.spki.clone()),
        ("JWK text", key.jwk.to_string().into_bytes()),
    ] {
        let input = format!(
            "{}.{}",
            b64(json!({"alg": "HS256", "kid": key.jwk["kid"]})
                .to_string()
                .as_bytes()),
            parts[1]
        );
        let mac = aws_lc_rs::hmac::sign(
            &aws_lc_rs::hmac::Key::new(aws_lc_rs::hmac::HMAC_SHA256, &secret),
            input.as_bytes(),
        );
        cases.push((
            format!("HS256 keyed with the {what}"),
            format!("{input}.{}", b64(mac.as_ref())),
            false,
        ));
    }
    if alg == "RS256" {
        cases.push((
            "RS384 by the same RSA key".to_owned(),
            key.token("RS384", &c),
            false,
        ));
    }
    cases
}

#[test]
fn named_cases_agree_with_jsonwebtoken() {
    let f = fixture();
    for (key, other, cross) in [(&f.rsa, &f.rsa_other, &f.ec), (&f.ec, &f.ec_other, &f.rsa)] {
        for (name, token, accepted) in table(key, other, cross) {
            let case = format!("{} {name}", key.alg());
            assert_eq!(agree(key, &token, &case), accepted, "{case}");
        }
    }
}

#[test]
fn algorithm_confusion_is_refused_by_name() {
    let f = fixture();
    let c = claims(600);
    let (rsa, ec) = (f.rsa.tokens_key(), f.ec.tokens_key());
    assert_eq!(rsa.algorithm(), JwsAlgorithm::Rs256);
    assert_eq!(ec.algorithm(), JwsAlgorithm::Es256);

    // ES256 over an RSA key, RS256 over an EC key: the key is bound to its algorithm.
    let e = rsa.verify(&f.ec.token("ES256", &c), &JwsAlgorithm::ALL);
    assert!(
        matches!(
            e,
            Err(Error::KeyAlgorithmMismatch {
                alg: "ES256",
                key: "RS256"
            })
        ),
        "{e:?}"
    );
    let e = ec.verify(&f.rsa.token("RS256", &c), &JwsAlgorithm::ALL);
    assert!(
        matches!(e, Err(Error::KeyAlgorithmMismatch { .. })),
        "{e:?}"
    );

    // An allowed key's own algorithm left out of the allow-list is refused.
    let e = ec.verify(&f.ec.token("ES256", &c), &[JwsAlgorithm::Rs256]);
    assert!(
        matches!(&e, Err(Error::UnsupportedAlgorithm { alg, accepted }) if alg == "ES256" && accepted == "RS256"),
        "{e:?}"
    );

    let parts: Vec<String> = f
        .rsa
        .token("RS256", &c)
        .split('.')
        .map(str::to_owned)
        .collect();
    for (alg, want) in [
        ("none", "none"),
        ("NONE", "none"),
        ("HS256", "hs"),
        ("hs512", "hs"),
    ] {
        let token = format!(
            "{}.{}.",
            b64(json!({"alg": alg, "kid": "rsa-1"}).to_string().as_bytes()),
            parts[1]
        );
        let e = rsa.verify(&token, &JwsAlgorithm::ALL);
        match want {
            "none" => assert!(matches!(e, Err(Error::AlgorithmNone)), "{alg}: {e:?}"),
            _ => assert!(
                matches!(e, Err(Error::SymmetricAlgorithm { .. })),
                "{alg}: {e:?}"
            ),
        }
    }
    let token = format!(
        "{}.{}.{}",
        b64(br#"{"alg":"RS256","crit":["exp"]}"#),
        parts[1],
        parts[2]
    );
    assert!(matches!(
        rsa.verify(&token, &JwsAlgorithm::ALL),
        Err(Error::UnsupportedCritical)
    ));

    // The verified answer is the header and claims signed.
    let ok = ec
        .verify(&f.ec.token("ES256", &c), &JwsAlgorithm::ALL)
        .unwrap();
    assert_eq!(ok.algorithm(), JwsAlgorithm::Es256);
    assert_eq!(ok.header()["kid"], "ec-1");
    assert_eq!(Value::Object(ok.claims().clone()), c);
}

#[test]
fn unusable_jwks_are_refused_by_name() {
    let f = fixture();
    let refuse = |jwk: Value, why: &str| {
        let jwk: Jwk = serde_json::from_value(jwk).unwrap();
        match JwkKey::from_jwk(&jwk) {
            Err(Error::InvalidJwk { reason, .. }) => {
                assert!(reason.contains(why), "{reason} should say {why}");
            }
            other => panic!("{jwk:?} gave {other:?}"),
        }
    };
    let with = |base: &Value, k: &str, v: Value| {
        let mut j = base.clone();
        j[k] = v;
        j
    };
    refuse(
        with(&f.rsa.jwk, "alg", json!("ES256")),
        "RSA keys verify RS256",
    );
    refuse(
        with(&f.rsa.jwk, "alg", json!("HS256")),
        "RSA keys verify RS256",
    );
    refuse(with(&f.ec.jwk, "alg", json!("RS256")), "ES256 only");
    refuse(with(&f.rsa.jwk, "use", json!("enc")), "use");
    refuse(with(&f.ec.jwk, "crv", json!("P-384")), "P-256");
    refuse(
        with(&f.ec.jwk, "x", json!(b64(&[1; 31]))),
        "x is not 32 bytes",
    );
    refuse(
        with(&f.ec.jwk, "y", json!(b64(&[7; 32]))),
        "not a point on P-256",
    );
    refuse(json!({"kty": "oct", "k": b64(b"secret")}), "kty");
    refuse(
        json!({"kty": "OKP", "crv": "Ed25519", "x": b64(&[0; 32])}),
        "kty",
    );
    refuse(with(&f.rsa.jwk, "n", json!(b64(&[0xff; 128]))), "2048");
    // No declared alg or use: the key type decides.
    let mut bare = f.ec.jwk.clone();
    bare.as_object_mut().unwrap().remove("alg");
    bare.as_object_mut().unwrap().remove("use");
    let jwk: Jwk = serde_json::from_value(bare).unwrap();
    assert_eq!(
        JwkKey::from_jwk(&jwk).unwrap().algorithm(),
        JwsAlgorithm::Es256
    );
}

/// What can happen to a genuine token on its way.
#[derive(Debug, Clone)]
enum Mutation {
    None,
    FlipSignature(usize),
    FlipPayload(usize),
    FlipHeader(usize),
    OtherKey,
    OtherAlgorithm,
    /// `exp` this many seconds from now (never the boundary second).
    Exp(i64),
    AlgNone,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::None),
        any::<usize>().prop_map(Mutation::FlipSignature),
        any::<usize>().prop_map(Mutation::FlipPayload),
        any::<usize>().prop_map(Mutation::FlipHeader),
        Just(Mutation::OtherKey),
        Just(Mutation::OtherAlgorithm),
        (-7200i64..7200)
            .prop_filter("not the boundary second", |d| (d + LEEWAY).abs() > 2)
            .prop_map(Mutation::Exp),
        Just(Mutation::AlgNone),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64)
    ))]

    #[test]
    fn mutated_tokens_agree_with_jsonwebtoken(
        ec in any::<bool>(),
        sub in "\\PC{1,30}",
        m in mutation(),
    ) {
        let f = fixture();
        let (key, other, cross) = if ec {
            (&f.ec, &f.ec_other, &f.rsa)
        } else {
            (&f.rsa, &f.rsa_other, &f.ec)
        };
        let mut c = claims(600);
        c["sub"] = json!(sub);
        let token = match &m {
            Mutation::None => key.token(key.alg(), &c),
            Mutation::FlipSignature(i) => flip(&key.token(key.alg(), &c), 2, *i),
            Mutation::FlipPayload(i) => flip(&key.token(key.alg(), &c), 1, *i),
            Mutation::FlipHeader(i) => flip(&key.token(key.alg(), &c), 0, *i),
            Mutation::OtherKey => other.token(key.alg(), &c),
            Mutation::OtherAlgorithm => cross.token(cross.alg(), &c),
            Mutation::Exp(d) => {
                c["exp"] = json!(now() + d);
                key.token(key.alg(), &c)
            }
            Mutation::AlgNone => {
                let t = key.token(key.alg(), &c);
                let payload = t.split('.').nth(1).unwrap().to_owned();
                format!("{}.{payload}.", b64(br#"{"alg":"none"}"#))
            }
        };
        let accepted = agree(key, &token, &format!("{m:?}"));
        if matches!(m, Mutation::OtherKey | Mutation::OtherAlgorithm | Mutation::AlgNone) {
            prop_assert!(!accepted);
        }
        if matches!(m, Mutation::None) {
            prop_assert!(accepted);
        }
    }
}
