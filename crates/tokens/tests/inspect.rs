//! The token inspector through its public API: every algorithm signs and verifies, tampering
//! fails with the right reason, attacks are called attacks, and the decoder survives anything.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P384_SHA384_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair,
    KeyPair, RsaKeyPair,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use proptest::prelude::*;
use serde_json::json;
use testkit::{pem, rsa_pem_pair};
use tokens::SigningKey;
use tokens::inspect::{
    Alg, CheckName, CheckResult, EncodeKey, Expectations, KeyRing, SecretEncoding, TokenKind,
    Verdict, decode, encode_test_token, explain,
};

const NOW: i64 = 1_700_000_000;

fn ec_pair(p384: bool) -> (String, String) {
    let alg = if p384 {
        &ECDSA_P384_SHA384_FIXED_SIGNING
    } else {
        &ECDSA_P256_SHA256_FIXED_SIGNING
    };
    let doc = EcdsaKeyPair::generate_pkcs8(alg, &SystemRandom::new()).unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(alg, doc.as_ref()).unwrap();
    (
        pem("PRIVATE KEY", doc.as_ref()),
        pem("PUBLIC KEY", pair.public_key().as_der().unwrap().as_ref()),
    )
}

fn ed_pair() -> (String, String) {
    let doc = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
    let pair = Ed25519KeyPair::from_pkcs8(doc.as_ref()).unwrap();
    (
        pem("PRIVATE KEY", doc.as_ref()),
        pem("PUBLIC KEY", pair.public_key().as_der().unwrap().as_ref()),
    )
}

fn claims() -> serde_json::Value {
    json!({"sub": "u-1", "iss": "https://issuer.example/pool", "token_use": "access", "client_id": "c1"})
}

fn check(token: &str, ring: &KeyRing) -> Vec<tokens::inspect::Check> {
    let d = decode(token.as_bytes(), NOW);
    explain(
        &d,
        ring,
        &Expectations {
            now: NOW,
            ..Expectations::default()
        },
    )
}

fn result_of(checks: &[tokens::inspect::Check], name: CheckName) -> &tokens::inspect::Check {
    checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no {name:?} check in {checks:#?}"))
}

fn ring_of(text: &str) -> KeyRing {
    let mut ring = KeyRing::new();
    ring.add_text(text).unwrap();
    ring
}

fn tamper(token: &str) -> String {
    // Change one claim, keep the signature.
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut payload: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
    payload["sub"] = json!("someone-else");
    parts[1] = URL_SAFE_NO_PAD.encode(payload.to_string());
    parts.join(".")
}

#[test]
fn every_algorithm_signs_verifies_and_detects_tampering() {
    let rsa = rsa_pem_pair();
    let p256 = ec_pair(false);
    let p384 = ec_pair(true);
    let ed = ed_pair();
    let cases: Vec<(Alg, &(String, String))> = vec![
        (Alg::Rs256, &rsa),
        (Alg::Rs384, &rsa),
        (Alg::Rs512, &rsa),
        (Alg::Ps256, &rsa),
        (Alg::Ps384, &rsa),
        (Alg::Ps512, &rsa),
        (Alg::Es256, &p256),
        (Alg::Es384, &p384),
        (Alg::EdDsa, &ed),
    ];
    for (alg, (private, public)) in cases {
        let key = EncodeKey::from_text(private).unwrap();
        let t = encode_test_token(&claims(), &key, Some(alg.name()), Some("+30m"), NOW).unwrap();
        let ring = ring_of(public);
        let checks = check(&t.token, &ring);
        assert_eq!(Verdict::of(&checks), Verdict::Valid, "{alg}: {checks:#?}");
        assert_eq!(
            result_of(&checks, CheckName::Signature).result,
            CheckResult::Pass,
            "{alg}"
        );

        let bad = check(&tamper(&t.token), &ring);
        let sig = result_of(&bad, CheckName::Signature);
        assert_eq!(
            sig.result,
            CheckResult::Fail,
            "{alg}: a changed claim must break the signature"
        );
        assert!(
            sig.reason.starts_with("bad signature"),
            "{alg}: {}",
            sig.reason
        );
        assert_eq!(Verdict::of(&bad), Verdict::Invalid);
    }
}

#[test]
fn hmac_tokens_verify_with_the_secret_and_warn_on_short_ones() {
    let secret = "a-shared-secret-of-thirty-two-bytes!";
    for alg in [Alg::Hs256, Alg::Hs384, Alg::Hs512] {
        let key = EncodeKey::from_secret(secret, SecretEncoding::Text).unwrap();
        let t = encode_test_token(&claims(), &key, Some(alg.name()), None, NOW).unwrap();
        let mut ring = KeyRing::new();
        ring.add_secret(secret, SecretEncoding::Text).unwrap();
        let checks = check(&t.token, &ring);
        assert_eq!(
            result_of(&checks, CheckName::Signature).result,
            CheckResult::Pass,
            "{alg}"
        );
        let strength = result_of(&checks, CheckName::Algorithm).result;
        let want = if alg == Alg::Hs256 {
            CheckResult::Pass
        } else {
            CheckResult::Warning
        };
        assert_eq!(
            strength, want,
            "{alg}: a 36-byte secret is full strength only for HS256"
        );

        let mut wrong = KeyRing::new();
        wrong
            .add_secret("another secret", SecretEncoding::Text)
            .unwrap();
        let sig = check(&t.token, &wrong);
        assert!(
            result_of(&sig, CheckName::Signature)
                .reason
                .starts_with("bad signature")
        );
    }
    let b64 = base64::engine::general_purpose::STANDARD.encode(secret);
    let mut ring = KeyRing::new();
    ring.add_secret(&b64, SecretEncoding::Base64).unwrap();
    let key = EncodeKey::from_secret(secret, SecretEncoding::Text).unwrap();
    let t = encode_test_token(&claims(), &key, None, None, NOW).unwrap();
    assert_eq!(
        Verdict::of(&check(&t.token, &ring)),
        Verdict::Valid,
        "a base64 secret decodes"
    );
}

#[test]
fn an_hmac_token_keyed_with_the_public_key_is_an_attack() {
    let (_, public) = rsa_pem_pair();
    let ring = ring_of(&public);
    for secret in [public.clone(), public.trim_end().to_owned()] {
        let key = EncodeKey::from_secret(&secret, SecretEncoding::Text).unwrap();
        let t = encode_test_token(&claims(), &key, Some("HS256"), None, NOW).unwrap();
        let checks = check(&t.token, &ring);
        let alg = result_of(&checks, CheckName::Algorithm);
        assert!(alg.is_attack, "{checks:#?}");
        assert!(alg.reason.contains("ALGORITHM CONFUSION"), "{}", alg.reason);
        assert_eq!(Verdict::of(&checks), Verdict::Attack);
    }
    // The DER bytes of the key, and a JWKS-supplied key's PEM, are caught as well.
    let der = base64::engine::general_purpose::STANDARD
        .decode(
            public
                .lines()
                .filter(|l| !l.starts_with("-----"))
                .collect::<String>(),
        )
        .unwrap();
    let spki_pem = pem("PUBLIC KEY", &der);
    let mut hmac_key = EncodeKey::from_secret("x", SecretEncoding::Text).unwrap();
    hmac_key.set_kid(None);
    let by_der = {
        let b64 = base64::engine::general_purpose::STANDARD.encode(&der);
        EncodeKey::from_secret(&b64, SecretEncoding::Base64).unwrap()
    };
    let t = encode_test_token(&claims(), &by_der, Some("HS256"), None, NOW).unwrap();
    assert_eq!(Verdict::of(&check(&t.token, &ring)), Verdict::Attack);
    assert_eq!(spki_pem, public, "the test's PEM matches the standard form");

    // An HS token that matches none of the encodings is a warning and a failure, not an attack.
    let t = encode_test_token(&claims(), &hmac_key, Some("HS256"), None, NOW).unwrap();
    let checks = check(&t.token, &ring);
    assert_eq!(
        result_of(&checks, CheckName::Algorithm).result,
        CheckResult::Warning
    );
    assert_eq!(Verdict::of(&checks), Verdict::Invalid);
}

#[test]
fn alg_none_is_an_attack() {
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
        URL_SAFE_NO_PAD.encode(claims().to_string())
    );
    let (_, public) = rsa_pem_pair();
    let checks = check(&none, &ring_of(&public));
    assert_eq!(Verdict::of(&checks), Verdict::Attack);
    assert_eq!(decode(none.as_bytes(), NOW).kind, TokenKind::Unsigned);
}

#[test]
fn signature_failures_say_why() {
    let k = SigningKey::generate_rs256().unwrap();
    let token = k.sign_jwt(&json!({"sub": "x", "exp": NOW + 60})).unwrap();
    // Unknown kid.
    let other = SigningKey::generate_rs256().unwrap();
    let ring = ring_of(&json!({"keys": [other.public_jwk()]}).to_string());
    let sig = check(&token, &ring);
    let sig = result_of(&sig, CheckName::Signature);
    assert!(sig.reason.starts_with("unknown kid"), "{}", sig.reason);
    // Key type mismatch: an EC key for an RS256 token.
    let (_, ec_public) = ec_pair(false);
    let checks = check(&token, &ring_of(&ec_public));
    let sig = result_of(&checks, CheckName::Signature);
    assert!(
        sig.reason.starts_with("key type/alg mismatch"),
        "{}",
        sig.reason
    );
    // A JWK declared for another algorithm.
    let mut jwk = k.public_jwk();
    jwk["alg"] = json!("PS256");
    let checks = check(&token, &ring_of(&jwk.to_string()));
    assert!(
        result_of(&checks, CheckName::Signature)
            .reason
            .contains("declared for PS256")
    );
    // The right key, by kid, from the pool's JWKS.
    let checks = check(
        &token,
        &ring_of(&json!({"keys": [other.public_jwk(), k.public_jwk()]}).to_string()),
    );
    let sig = result_of(&checks, CheckName::Signature);
    assert_eq!(sig.result, CheckResult::Pass);
    assert_eq!(sig.key.as_deref(), Some(k.kid()));
    // No key at all.
    let checks = check(&token, &KeyRing::new());
    assert!(
        result_of(&checks, CheckName::Signature)
            .reason
            .starts_with("no key")
    );
}

#[test]
fn times_and_expectations_are_checked_with_skew() {
    let key = EncodeKey::from_secret(&"k".repeat(32), SecretEncoding::Text).unwrap();
    let mut ring = KeyRing::new();
    ring.add_secret(&"k".repeat(32), SecretEncoding::Text)
        .unwrap();
    let t = encode_test_token(
        &json!({"nbf": NOW + 30, "iss": "i", "aud": ["a", "b"], "token_use": "id"}),
        &key,
        None,
        Some("-5m"),
        NOW,
    )
    .unwrap();
    let d = decode(t.token.as_bytes(), NOW);
    let mut expect = Expectations {
        now: NOW,
        ..Expectations::default()
    };
    let checks = explain(&d, &ring, &expect);
    assert_eq!(
        result_of(&checks, CheckName::Expiry).result,
        CheckResult::Fail
    );
    assert!(
        result_of(&checks, CheckName::Expiry)
            .reason
            .starts_with("expired 5 min ago")
    );
    assert_eq!(
        result_of(&checks, CheckName::NotBefore).result,
        CheckResult::Fail
    );
    assert_eq!(
        result_of(&checks, CheckName::Issuer).result,
        CheckResult::Skipped
    );

    expect.skew_secs = 600;
    expect.issuer = Some("i".into());
    expect.client_id = Some("b".into());
    expect.token_use = Some("access".into());
    let checks = explain(&d, &ring, &expect);
    assert_eq!(
        result_of(&checks, CheckName::Expiry).result,
        CheckResult::Pass,
        "within skew"
    );
    assert_eq!(
        result_of(&checks, CheckName::NotBefore).result,
        CheckResult::Pass
    );
    assert_eq!(
        result_of(&checks, CheckName::Issuer).result,
        CheckResult::Pass
    );
    assert_eq!(
        result_of(&checks, CheckName::Audience).result,
        CheckResult::Pass
    );
    let use_check = result_of(&checks, CheckName::TokenUse);
    assert_eq!(use_check.result, CheckResult::Fail);
    assert!(
        use_check.reason.contains("APIs must take access tokens"),
        "{}",
        use_check.reason
    );
}

/// A self-signed certificate for a fresh key of `alg`, with `cn` as its subject: the key's
/// PKCS#8 PEM and the certificate's PEM.
fn self_signed(alg: &'static rcgen::SignatureAlgorithm, cn: &str) -> (String, String) {
    let key = rcgen::KeyPair::generate_for(alg).unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name = rcgen::DistinguishedName::new();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    let cert = params.self_signed(&key).unwrap();
    (key.serialize_pem(), cert.pem())
}

fn signed_with(private_pem: &str) -> String {
    encode_test_token(
        &claims(),
        &EncodeKey::from_text(private_pem).unwrap(),
        None,
        None,
        NOW,
    )
    .unwrap()
    .token
}

#[test]
fn an_unencoded_payload_header_is_never_called_valid() {
    // Found by the differential test: a token whose header says `b64: false` (RFC 7797, no
    // `crit`) was verified over the encoded payload and called valid, while jsonwebtoken and
    // the engine's verifier refuse it.
    let (private, public) = rsa_pem_pair();
    let key = aws_lc_rs::signature::RsaKeyPair::from_pkcs8(
        &pem::parse(&private).unwrap().into_contents(),
    )
    .unwrap();
    let ring = ring_of(&public);
    for b64_value in [json!(false), json!("no"), json!(null)] {
        let header = URL_SAFE_NO_PAD.encode(json!({"alg": "RS256", "b64": b64_value}).to_string());
        let payload = URL_SAFE_NO_PAD.encode(json!({"sub": "u", "exp": NOW + 60}).to_string());
        let input = format!("{header}.{payload}");
        let mut sig = vec![0; key.public_modulus_len()];
        key.sign(
            &aws_lc_rs::signature::RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            input.as_bytes(),
            &mut sig,
        )
        .unwrap();
        let token = format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig));
        let checks = check(&token, &ring);
        assert_eq!(
            Verdict::of(&checks),
            Verdict::Invalid,
            "b64 {b64_value}: {checks:#?}"
        );
        let alg = result_of(&checks, CheckName::Algorithm);
        assert_eq!(alg.result, CheckResult::Fail);
        assert!(alg.reason.contains("b64"), "{}", alg.reason);
    }
}

#[test]
fn certificates_and_pkcs1_keys_verify() {
    // A certificate's key verifies, and the certificate's subject names where the key came from.
    for (alg, cn) in [
        (&rcgen::PKCS_RSA_SHA256, "inspector-test-rsa"),
        (&rcgen::PKCS_ECDSA_P256_SHA256, "inspector-test-p256"),
    ] {
        let (private, cert_pem) = self_signed(alg, cn);
        assert!(cert_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        let ring = ring_of(&cert_pem);
        assert_eq!(ring.public.len(), 1, "one key from one certificate");
        assert!(
            ring.public[0].origin.contains(cn),
            "{}",
            ring.public[0].origin
        );
        let token = signed_with(&private);
        assert_eq!(Verdict::of(&check(&token, &ring)), Verdict::Valid, "{cn}");
        // The certificate of another key does not verify it.
        let (_, other_cert) = self_signed(alg, "someone-else");
        assert_eq!(
            Verdict::of(&check(&token, &ring_of(&other_cert))),
            Verdict::Invalid,
            "{cn} against another key's certificate"
        );
    }

    // A PKCS#1 `RSA PUBLIC KEY` block verifies what its private key signed, and only that.
    let pkcs1 = |pair: &RsaKeyPair| pem("RSA PUBLIC KEY", pair.public_key().as_ref());
    let pair = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    let token = signed_with(&pem("PRIVATE KEY", pair.as_der().unwrap().as_ref()));
    assert_eq!(
        Verdict::of(&check(&token, &ring_of(&pkcs1(&pair)))),
        Verdict::Valid
    );
    let other = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    assert_eq!(
        Verdict::of(&check(&token, &ring_of(&pkcs1(&other)))),
        Verdict::Invalid
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn decoding_random_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let started = Instant::now();
        let d = decode(&bytes, NOW);
        let _ = explain(&d, &KeyRing::new(), &Expectations::default());
        prop_assert!(started.elapsed() < Duration::from_secs(2));
    }

    #[test]
    fn decoding_random_segments_never_panics(
        parts in proptest::collection::vec("[A-Za-z0-9_=+/-]{0,40}", 0..7),
        json_parts in proptest::collection::vec(any::<String>(), 0..3),
    ) {
        let mut segs: Vec<String> = parts;
        for j in json_parts {
            segs.push(URL_SAFE_NO_PAD.encode(j));
        }
        let token = segs.join(".");
        let d = decode(token.as_bytes(), NOW);
        let _ = explain(&d, &KeyRing::new(), &Expectations { now: NOW, skew_secs: i64::MAX, ..Expectations::default() });
    }

    #[test]
    fn deep_json_and_huge_numbers_are_bounded(
        depth in 0usize..5000,
        exp in prop_oneof![Just("1e308".to_owned()), Just("-1e308".to_owned()), Just("18446744073709551616".to_owned()),
            Just("99999999999999999999999999999999".to_owned()), any::<i64>().prop_map(|n| n.to_string()), any::<f64>().prop_map(|f| f.to_string())],
        open in prop_oneof![Just('['), Just('{')],
    ) {
        let nested = if open == '[' {
            format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
        } else {
            format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth))
        };
        let payload = format!(r#"{{"exp":{exp},"iat":{exp},"nbf":{exp},"x":{nested}}}"#);
        let token = format!("{}.{}.{}", URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256"}"#), URL_SAFE_NO_PAD.encode(&payload), URL_SAFE_NO_PAD.encode("sig"));
        let started = Instant::now();
        let d = decode(token.as_bytes(), NOW);
        let mut ring = KeyRing::new();
        ring.add_secret("s", SecretEncoding::Text).unwrap();
        let _ = explain(&d, &ring, &Expectations { now: NOW, skew_secs: 60, ..Expectations::default() });
        prop_assert!(started.elapsed() < Duration::from_secs(2));
    }
}

#[test]
fn megabytes_of_input_are_refused_quickly() {
    let big = "eyJ".repeat(2_000_000);
    let started = Instant::now();
    let d = decode(big.as_bytes(), NOW);
    assert!(d.problem.unwrap().to_string().contains("at most"));
    assert!(started.elapsed() < Duration::from_secs(1));
}
