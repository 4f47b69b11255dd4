//! Sign/verify behaviour through the public API.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use proptest::prelude::*;
use serde_json::{Value, json};
use tokens::dangerous::decode_unverified;
use tokens::{Error, Jwks, MAX_TOKEN_LEN, SigningKey, TokenPart, Verifier};

const NOW: i64 = 1_700_000_000;

fn key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate_rs256().unwrap())
}

fn other_key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate_rs256().unwrap())
}

fn verifier() -> Verifier {
    Verifier::from_signing_keys([key()]).unwrap()
}

fn access_claims() -> Value {
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

/// Checks that an error is the expected variant.
type ErrorCheck = fn(&Error) -> bool;

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A token with an arbitrary header and claims, validly RS256-signed by `key()`.
fn signed_with_header(header: &Value, claims: &Value) -> String {
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    );
    let pair = RsaKeyPair::from_pkcs8(key().pkcs8_der().expose_secret()).unwrap();
    let mut sig = vec![0; pair.public_modulus_len()];
    pair.sign(
        &RSA_PKCS1_SHA256,
        &aws_lc_rs::rand::SystemRandom::new(),
        input.as_bytes(),
        &mut sig,
    )
    .unwrap();
    format!("{input}.{}", b64(&sig))
}

fn with_claims(claims: Value) -> String {
    key().sign_jwt(&claims).unwrap()
}

/// Replaces one part of a token.
fn replace_part(token: &str, index: usize, value: &str) -> String {
    let mut parts: Vec<&str> = token.split('.').collect();
    parts[index] = value;
    parts.join(".")
}

#[test]
fn round_trip() {
    let claims = access_claims();
    let token = with_claims(claims.clone());
    let verified = verifier().verify(&token, NOW, 0).unwrap();
    assert_eq!(Value::Object(verified.claims().clone()), claims);
    assert_eq!(verified.kid(), key().kid());
    assert_eq!(verified.header()["alg"], "RS256");
    assert_eq!(verified.str_claim("username"), Some("alice"));
    verified
        .expect_issuer("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI")
        .unwrap();
    verified.expect_token_use("access").unwrap();
    verified
        .expect_client_id("abcdefghijklmnopqrstuvwxyz")
        .unwrap();
}

#[test]
fn caller_checks_report_mismatches() {
    let verified = verifier()
        .verify(&with_claims(access_claims()), NOW, 0)
        .unwrap();
    assert!(matches!(
        verified.expect_issuer("https://elsewhere"),
        Err(Error::IssuerMismatch { found: Some(_), .. })
    ));
    assert!(matches!(
        verified.expect_token_use("id"),
        Err(Error::TokenUseMismatch { found: Some(f), .. }) if f == "access"
    ));
    assert!(matches!(
        verified.expect_client_id("other"),
        Err(Error::ClientMismatch { .. })
    ));

    let id = verifier()
        .verify(
            &with_claims(json!({"exp": NOW + 1, "aud": ["c1", "c2"]})),
            NOW,
            0,
        )
        .unwrap();
    id.expect_client_id("c2").unwrap();
    assert!(matches!(
        id.expect_issuer("x"),
        Err(Error::IssuerMismatch { found: None, .. })
    ));
    assert!(matches!(
        id.expect_token_use("id"),
        Err(Error::TokenUseMismatch { found: None, .. })
    ));
}

#[test]
fn verifier_from_jwks_json_only() {
    let jwks = serde_json::to_value(Jwks::from_signing_keys([other_key(), key()])).unwrap();
    let v = Verifier::from_jwks(&jwks).unwrap();
    assert_eq!(v.len(), 2);
    v.verify(&with_claims(access_claims()), NOW, 0).unwrap();
    let other = other_key().sign_jwt(&access_claims()).unwrap();
    v.verify(&other, NOW, 0).unwrap();
    // The verifier republishes the same JWKS, sorted by kid.
    let mut expected = vec![key().public_jwk(), other_key().public_jwk()];
    expected.sort_by(|a, b| a["kid"].as_str().cmp(&b["kid"].as_str()));
    assert_eq!(
        serde_json::to_value(v.jwks()).unwrap(),
        json!({ "keys": expected })
    );
}

#[test]
fn jwks_n_and_e_are_the_key() {
    let jwk = key().public_jwk();
    let n = URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap();
    let e = URL_SAFE_NO_PAD.decode(jwk["e"].as_str().unwrap()).unwrap();
    assert_eq!(n, key().modulus());
    assert_eq!(n.len(), 256);
    assert_ne!(n[0], 0);
    assert_eq!(e, [1, 0, 1]);
    assert_eq!(jwk["e"], "AQAB");
    // A JWK with a (non-canonical) leading zero and padding is still accepted.
    let mut padded = vec![0];
    padded.extend_from_slice(&n);
    let lenient = json!({"keys": [{
        "kty": "RSA", "kid": key().kid(), "e": "AQAB",
        "n": base64::engine::general_purpose::URL_SAFE.encode(&padded),
    }]});
    Verifier::from_jwks(&lenient)
        .unwrap()
        .verify(&with_claims(access_claims()), NOW, 0)
        .unwrap();
}

#[test]
fn jwks_errors_and_skips() {
    assert!(matches!(
        Verifier::from_jwks(&json!([])),
        Err(Error::InvalidJwks { .. })
    ));
    assert!(matches!(
        Verifier::from_jwks(&json!({"keys": 1})),
        Err(Error::InvalidJwks { .. })
    ));
    // Non-RSA, encryption and other-alg keys are skipped.
    let skipped = json!({"keys": [
        {"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"},
        {"kty": "RSA", "kid": "enc", "use": "enc", "n": "AQAB", "e": "AQAB"},
        {"kty": "RSA", "kid": "ps", "alg": "PS256", "n": "AQAB", "e": "AQAB"},
    ]});
    assert!(Verifier::from_jwks(&skipped).unwrap().is_empty());
    let jwk = key().public_jwk();
    let mut no_kid = jwk.clone();
    no_kid.as_object_mut().unwrap().remove("kid");
    let mut small = jwk.clone();
    small["n"] = json!(b64(&[0xff; 128]));
    let mut bad_b64 = jwk.clone();
    bad_b64["n"] = json!("!!!");
    for bad in [no_kid, small, bad_b64] {
        assert!(matches!(
            Verifier::from_jwks(&json!({ "keys": [bad] })),
            Err(Error::InvalidJwk { .. })
        ));
    }
    assert!(matches!(
        Verifier::from_jwks(&json!({"keys": [jwk.clone(), jwk]})),
        Err(Error::DuplicateKid { .. })
    ));
    assert!(matches!(
        Verifier::from_signing_keys([key(), key()]),
        Err(Error::DuplicateKid { .. })
    ));
}

#[test]
fn tampered_payload_fails_signature() {
    let token = with_claims(access_claims());
    let mut forged = access_claims();
    forged["username"] = json!("mallory");
    let forged = replace_part(&token, 1, &b64(forged.to_string().as_bytes()));
    assert!(matches!(
        verifier().verify(&forged, NOW, 0),
        Err(Error::InvalidSignature)
    ));
}

#[test]
fn tampered_header_fails_signature() {
    let token = with_claims(access_claims());
    let header = format!(r#"{{"alg":"RS256","kid":"{}"}}"#, key().kid());
    let forged = replace_part(&token, 0, &b64(header.as_bytes()));
    assert!(matches!(
        verifier().verify(&forged, NOW, 0),
        Err(Error::InvalidSignature)
    ));
}

#[test]
fn tampered_signature_fails() {
    let token = with_claims(access_claims());
    let sig = URL_SAFE_NO_PAD
        .decode(token.rsplit('.').next().unwrap())
        .unwrap();
    for i in [0, 100, 255] {
        let mut s = sig.clone();
        s[i] ^= 1;
        assert!(matches!(
            verifier().verify(&replace_part(&token, 2, &b64(&s)), NOW, 0),
            Err(Error::InvalidSignature)
        ));
    }
    // Truncated, empty and over-long signatures.
    for s in [&sig[..255], &[][..], &[0u8; 2000][..]] {
        assert!(
            verifier()
                .verify(&replace_part(&token, 2, &b64(s)), NOW, 0)
                .is_err()
        );
    }
    // A signature by another key under our kid.
    let other = other_key().sign_jwt(&access_claims()).unwrap();
    let mixed = replace_part(&token, 2, other.rsplit('.').next().unwrap());
    assert!(matches!(
        verifier().verify(&mixed, NOW, 0),
        Err(Error::InvalidSignature)
    ));
}

#[test]
fn expiry_with_and_without_skew() {
    let token = with_claims(json!({"exp": NOW}));
    assert!(matches!(
        verifier().verify(&token, NOW, 0),
        Err(Error::Expired { exp: NOW, now: NOW })
    ));
    verifier().verify(&token, NOW - 1, 0).unwrap();
    verifier().verify(&token, NOW + 59, 60).unwrap();
    assert!(matches!(
        verifier().verify(&token, NOW + 60, 60),
        Err(Error::Expired { .. })
    ));
    // Negative skew counts as zero.
    verifier().verify(&token, NOW - 1, -100).unwrap();
}

#[test]
fn not_yet_valid_with_and_without_skew() {
    let token = with_claims(json!({"exp": NOW + 3600, "nbf": NOW + 30}));
    assert!(matches!(
        verifier().verify(&token, NOW, 0),
        Err(Error::NotYetValid { nbf, .. }) if nbf == NOW + 30
    ));
    verifier().verify(&token, NOW, 30).unwrap();
    verifier().verify(&token, NOW + 30, 0).unwrap();

    let token = with_claims(json!({"exp": NOW + 3600, "iat": NOW + 30}));
    assert!(matches!(
        verifier().verify(&token, NOW, 29),
        Err(Error::IssuedInFuture { .. })
    ));
    verifier().verify(&token, NOW, 30).unwrap();
}

#[test]
fn time_claims_must_be_numbers() {
    assert!(matches!(
        verifier().verify(&with_claims(json!({"sub": "x"})), NOW, 0),
        Err(Error::MissingClaim { claim: "exp" })
    ));
    for bad in [
        json!({"exp": "9999999999"}),
        json!({"exp": null}),
        json!({"exp": NOW + 1, "nbf": "0"}),
        json!({"exp": NOW + 1, "iat": [1]}),
    ] {
        assert!(matches!(
            verifier().verify(&with_claims(bad), NOW, 0),
            Err(Error::InvalidClaim { .. })
        ));
    }
    // Fractional values are floored (so expire early, never late); huge values are fine.
    verifier()
        .verify(&with_claims(json!({"exp": (NOW as f64) + 1.5})), NOW, 0)
        .unwrap();
    assert!(matches!(
        verifier().verify(&with_claims(json!({"exp": (NOW as f64) + 0.5})), NOW, 0),
        Err(Error::Expired { .. })
    ));
    verifier()
        .verify(&with_claims(json!({"exp": u64::MAX})), NOW, 0)
        .unwrap();
    verifier()
        .verify(&with_claims(json!({"exp": 1e300})), NOW, 0)
        .unwrap();
    verifier()
        .verify(&with_claims(json!({"exp": NOW + 1})), i64::MAX, 0)
        .unwrap_err();
    // Extreme times and skews saturate instead of overflowing.
    verifier()
        .verify(&with_claims(json!({"exp": NOW + 1})), i64::MAX, i64::MAX)
        .unwrap();
    verifier()
        .verify(&with_claims(json!({"exp": NOW + 1})), i64::MIN, i64::MAX)
        .unwrap();
}

#[test]
fn unknown_and_missing_kid() {
    let token = signed_with_header(&json!({"alg": "RS256", "kid": "nope"}), &access_claims());
    assert!(matches!(
        verifier().verify(&token, NOW, 0),
        Err(Error::UnknownKid { kid }) if kid == "nope"
    ));
    let token = signed_with_header(&json!({"alg": "RS256"}), &access_claims());
    assert!(matches!(
        verifier().verify(&token, NOW, 0),
        Err(Error::MissingKid)
    ));
    let token = signed_with_header(&json!({"alg": "RS256", "kid": 7}), &access_claims());
    assert!(matches!(
        verifier().verify(&token, NOW, 0),
        Err(Error::MissingKid)
    ));
    let other = other_key().sign_jwt(&access_claims()).unwrap();
    assert!(matches!(
        verifier().verify(&other, NOW, 0),
        Err(Error::UnknownKid { .. })
    ));
    // Long kids are truncated in the error.
    let long = "k".repeat(5000);
    let token = signed_with_header(&json!({"alg": "RS256", "kid": long}), &access_claims());
    let Err(Error::UnknownKid { kid }) = verifier().verify(&token, NOW, 0) else {
        panic!("expected UnknownKid");
    };
    assert!(kid.chars().count() <= 65);
}

#[test]
fn alg_none_is_refused() {
    let kid = key().kid();
    let claims = b64(access_claims().to_string().as_bytes());
    for alg in ["none", "None", "NONE"] {
        let header = b64(json!({"alg": alg, "kid": kid}).to_string().as_bytes());
        for token in [
            format!("{header}.{claims}."),
            format!("{header}.{claims}.AAAA"),
        ] {
            assert!(matches!(
                verifier().verify(&token, NOW, 0),
                Err(Error::AlgorithmNone)
            ));
        }
    }
}

#[test]
fn hmac_is_refused_as_algorithm_confusion() {
    // The classic attack: HMAC the signing input with the public key as the secret.
    let kid = key().kid();
    let claims = b64(access_claims().to_string().as_bytes());
    let secret = serde_json::to_vec(&key().public_jwk()).unwrap();
    for (alg, hmac_alg) in [
        ("HS256", aws_lc_rs::hmac::HMAC_SHA256),
        ("HS384", aws_lc_rs::hmac::HMAC_SHA384),
        ("HS512", aws_lc_rs::hmac::HMAC_SHA512),
        ("hs256", aws_lc_rs::hmac::HMAC_SHA256),
    ] {
        let header = b64(json!({"alg": alg, "kid": kid}).to_string().as_bytes());
        let input = format!("{header}.{claims}");
        let tag = aws_lc_rs::hmac::sign(
            &aws_lc_rs::hmac::Key::new(hmac_alg, &secret),
            input.as_bytes(),
        );
        let token = format!("{input}.{}", b64(tag.as_ref()));
        assert!(matches!(
            verifier().verify(&token, NOW, 0),
            Err(Error::SymmetricAlgorithm { alg: a }) if a == alg
        ));
    }
}

#[test]
fn other_algorithms_and_crit_are_refused() {
    for alg in [
        "RS384", "RS512", "PS256", "ES256", "EdDSA", "rs256", "", "H",
    ] {
        let token = signed_with_header(&json!({"alg": alg, "kid": key().kid()}), &access_claims());
        assert!(matches!(
            verifier().verify(&token, NOW, 0),
            Err(Error::UnsupportedAlgorithm { .. })
        ));
    }
    for header in [json!({"kid": key().kid()}), json!({"alg": 256})] {
        let token = signed_with_header(&header, &access_claims());
        assert!(matches!(
            verifier().verify(&token, NOW, 0),
            Err(Error::MissingAlgorithm)
        ));
    }
    let token = signed_with_header(
        &json!({"alg": "RS256", "kid": key().kid(), "crit": ["b64"], "b64": false}),
        &access_claims(),
    );
    assert!(matches!(
        verifier().verify(&token, NOW, 0),
        Err(Error::UnsupportedCritical)
    ));
}

#[test]
fn an_unencoded_payload_header_is_refused_even_without_crit() {
    // RFC 7797: `b64: false` means the signature covers the payload unencoded. Found by the
    // differential test: `jsonwebtoken` refuses it, and so must this verifier, `crit` or not.
    for b64_value in [json!(false), json!("false"), json!(0), json!(null)] {
        let token = signed_with_header(
            &json!({"alg": "RS256", "kid": key().kid(), "b64": b64_value}),
            &access_claims(),
        );
        assert!(
            matches!(
                verifier().verify(&token, NOW, 0),
                Err(Error::UnencodedPayload)
            ),
            "b64: {b64_value}"
        );
    }
    // `true` is the default meaning, and stays accepted.
    let token = signed_with_header(
        &json!({"alg": "RS256", "kid": key().kid(), "b64": true}),
        &access_claims(),
    );
    verifier().verify(&token, NOW, 0).unwrap();
}

#[test]
fn malformed_inputs() {
    let v = verifier();
    let token = with_claims(access_claims());
    let cases: Vec<(String, ErrorCheck)> = vec![
        (String::new(), |e| matches!(e, Error::MalformedToken { .. })),
        ("abc".into(), |e| matches!(e, Error::MalformedToken { .. })),
        ("a.b".into(), |e| matches!(e, Error::MalformedToken { .. })),
        (format!("{token}.x"), |e| {
            matches!(e, Error::MalformedToken { .. })
        }),
        ("a.b.c.d".into(), |e| {
            matches!(e, Error::MalformedToken { .. })
        }),
        ("..".into(), |e| {
            matches!(
                e,
                Error::InvalidJson {
                    part: TokenPart::Header
                }
            )
        }),
        ("!!.b.c".into(), |e| {
            matches!(
                e,
                Error::InvalidBase64 {
                    part: TokenPart::Header
                }
            )
        }),
        (replace_part(&token, 0, "eyJhbGciOiJSUzI1NiJ9="), |e| {
            matches!(
                e,
                Error::InvalidBase64 {
                    part: TokenPart::Header
                }
            )
        }),
        (replace_part(&token, 0, &b64(b"[1,2]")), |e| {
            matches!(
                e,
                Error::NotAnObject {
                    part: TokenPart::Header
                }
            )
        }),
        (replace_part(&token, 0, &b64(b"{\"alg\":")), |e| {
            matches!(
                e,
                Error::InvalidJson {
                    part: TokenPart::Header
                }
            )
        }),
        (replace_part(&token, 2, "***"), |e| {
            matches!(
                e,
                Error::InvalidBase64 {
                    part: TokenPart::Signature
                }
            )
        }),
        ("x".repeat(MAX_TOKEN_LEN + 1), |e| {
            matches!(e, Error::TokenTooLarge { .. })
        }),
        (format!("{token}{}", "A".repeat(MAX_TOKEN_LEN)), |e| {
            matches!(e, Error::TokenTooLarge { .. })
        }),
    ];
    for (input, expected) in cases {
        let err = v.verify(&input, NOW, 0).unwrap_err();
        assert!(expected(&err), "{:.40}: {err:?}", input);
    }
}

#[test]
fn claims_must_be_an_object() {
    let header = json!({"alg": "RS256", "kid": key().kid()});
    for (claims, is_json) in [(json!([1, 2]), true), (json!("s"), true), (json!(42), true)] {
        let token = signed_with_header(&header, &claims);
        let err = verifier().verify(&token, NOW, 0).unwrap_err();
        assert!(
            matches!(
                err,
                Error::NotAnObject {
                    part: TokenPart::Claims
                }
            ),
            "{is_json} {err:?}"
        );
    }
    // Validly signed bytes that are not JSON at all.
    let input = format!(
        "{}.{}",
        b64(header.to_string().as_bytes()),
        b64(b"\xff\xfe")
    );
    let pair = RsaKeyPair::from_pkcs8(key().pkcs8_der().expose_secret()).unwrap();
    let mut sig = vec![0; pair.public_modulus_len()];
    pair.sign(
        &RSA_PKCS1_SHA256,
        &aws_lc_rs::rand::SystemRandom::new(),
        input.as_bytes(),
        &mut sig,
    )
    .unwrap();
    assert!(matches!(
        verifier().verify(&format!("{input}.{}", b64(&sig)), NOW, 0),
        Err(Error::InvalidJson {
            part: TokenPart::Claims
        })
    ));
}

#[test]
fn imported_key_verifies_tokens_of_the_original() {
    let copy = SigningKey::from_pkcs8(key().kid(), key().pkcs8_der().expose_secret()).unwrap();
    let token = copy.sign_jwt(&access_claims()).unwrap();
    verifier().verify(&token, NOW, 0).unwrap();
    // RSASSA-PKCS1-v1_5 is deterministic: same key, same input, same token.
    assert_eq!(token, with_claims(access_claims()));
}

#[test]
fn dangerous_decode_reads_what_verify_refuses() {
    let token = signed_with_header(&json!({"alg": "none", "kid": "x"}), &access_claims());
    let t = decode_unverified(&token).unwrap();
    assert_eq!(t.header["alg"], "none");
    assert_eq!(Value::Object(t.claims), access_claims());
    assert!(decode_unverified("a.b").is_err());
}

#[test]
fn verifier_debug_lists_kids_only() {
    let v = verifier();
    let dbg = format!("{v:?}");
    assert!(dbg.contains(key().kid()));
    assert!(!dbg.contains(&key().public_jwk()["n"].as_str().unwrap()[..20]));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        let _ = verifier().verify(&s, NOW, 60);
        let _ = decode_unverified(&s);
    }

    #[test]
    fn token_shaped_strings_never_panic(s in "[A-Za-z0-9_\\-.=+/]{0,600}") {
        prop_assert!(verifier().verify(&s, NOW, 60).is_err());
        let _ = decode_unverified(&s);
    }

    #[test]
    fn mutated_tokens_never_verify(pos in 0usize..2000, byte in any::<u8>()) {
        let token = with_claims(access_claims());
        let mut bytes = token.clone().into_bytes();
        let pos = pos % bytes.len();
        prop_assume!(bytes[pos] != byte);
        bytes[pos] = byte;
        if let Ok(s) = String::from_utf8(bytes) {
            // Decoders may ignore trailing bits of the last character of a segment; anything
            // that still verifies must then carry exactly the original claims.
            if let Ok(v) = verifier().verify(&s, NOW, 0) {
                prop_assert_eq!(Value::Object(v.into_claims()), access_claims());
            }
        }
    }

    #[test]
    fn any_claims_object_round_trips(sub in ".{0,40}", extra in any::<i64>(), exp in 1i64..i64::MAX) {
        let claims = json!({"sub": sub, "n": extra, "exp": exp});
        let token = with_claims(claims.clone());
        match verifier().verify(&token, 0, 0) {
            Ok(v) => prop_assert_eq!(Value::Object(v.into_claims()), claims),
            Err(e) => prop_assert!(false, "{e:?}"),
        }
    }
}

#[test]
fn non_canonical_headers_take_the_slow_path_and_remove_works() {
    let header = json!({"alg": "RS256", "kid": key().kid(), "typ": "JWT"});
    let token = signed_with_header(&header, &access_claims());
    let verified = verifier().verify(&token, NOW, 0).unwrap();
    assert_eq!(Value::Object(verified.header().clone()), header);
    let fast = verifier()
        .verify(&with_claims(access_claims()), NOW, 0)
        .unwrap();
    assert_eq!(
        Value::Object(fast.header().clone()),
        json!({"kid": key().kid(), "alg": "RS256"})
    );
    let mut v = verifier();
    assert!(v.remove(key().kid()));
    assert!(!v.remove(key().kid()));
    assert!(matches!(
        v.verify(&with_claims(access_claims()), NOW, 0),
        Err(Error::UnknownKid { .. })
    ));
}
