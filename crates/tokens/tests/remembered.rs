//! `Verifier::verify_remembered`: a token verified once is answered from memory afterwards,
//! always with the answer `Verifier::verify` gives for the same token at the same time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use proptest::prelude::*;
use serde_json::{Value, json};
use tokens::{Error, SigningKey, Verifier};

const NOW: i64 = 1_700_000_000;

fn key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate_rs256().unwrap())
}

fn id_claims(exp: i64) -> Value {
    json!({
        "sub": "6f1c2a7e-1111-4222-8333-944445555666",
        "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI",
        "aud": "abcdefghijklmnopqrstuvwxyz",
        "token_use": "id",
        "email": "alice@example.com",
        "iat": NOW - 10,
        "exp": exp,
    })
}

fn token(exp: i64) -> String {
    key().sign_jwt(&id_claims(exp)).unwrap()
}

/// The two answers side by side, as comparable text.
fn answers(v: &Verifier, token: &str, now: i64) -> (String, String) {
    let show = |r: Result<tokens::VerifiedToken, Error>| match r {
        Ok(t) => format!("ok {}", Value::Object(t.claims().clone())),
        Err(e) => format!("err {e}"),
    };
    (
        show(v.verify(token, now, 0)),
        show(v.verify_remembered(token, now, 0)),
    )
}

#[test]
fn a_remembered_token_is_answered_as_verify_answers_it() {
    let v = Verifier::from_signing_keys([key()]).unwrap();
    let t = token(NOW + 60);
    for _ in 0..3 {
        let (plain, remembered) = answers(&v, &t, NOW);
        assert!(plain.starts_with("ok "), "{plain}");
        assert_eq!(plain, remembered);
    }
    // The times are checked at every use: the second it expires, it is refused.
    let (plain, remembered) = answers(&v, &t, NOW + 60);
    assert!(
        matches!(
            v.verify_remembered(&t, NOW + 60, 0),
            Err(Error::Expired { .. })
        ),
        "{remembered}"
    );
    assert_eq!(plain, remembered);
    // Leeway is applied as verify applies it.
    assert!(v.verify_remembered(&t, NOW + 65, 10).is_ok());
    assert!(v.verify_remembered(&t, NOW + 70, 10).is_err());
}

#[test]
fn a_token_whose_key_is_gone_is_not_answered_from_memory() {
    let v = Verifier::from_signing_keys([key()]).unwrap();
    let t = token(NOW + 60);
    v.verify_remembered(&t, NOW, 0).unwrap();
    let mut without = v.clone();
    assert!(without.remove(key().kid()));
    assert!(matches!(
        without.verify_remembered(&t, NOW, 0),
        Err(Error::UnknownKid { .. })
    ));
    // The verifier that still has the key still accepts it.
    v.verify_remembered(&t, NOW, 0).unwrap();
}

#[test]
fn claims_changed_under_a_remembered_signature_are_refused() {
    let v = Verifier::from_signing_keys([key()]).unwrap();
    let t = token(NOW + 60);
    v.verify_remembered(&t, NOW, 0).unwrap();
    let mut parts: Vec<String> = t.split('.').map(str::to_owned).collect();
    let mut claims = id_claims(NOW + 60);
    claims["sub"] = json!("someone-else");
    parts[1] = URL_SAFE_NO_PAD.encode(claims.to_string());
    let forged = parts.join(".");
    let (plain, remembered) = answers(&v, &forged, NOW);
    assert!(plain.starts_with("err "), "{plain}");
    assert_eq!(plain, remembered);
    // The genuine token is still remembered and accepted.
    v.verify_remembered(&t, NOW, 0).unwrap();
}

#[test]
fn many_tokens_are_each_answered_as_verify_answers_them() {
    // More than are kept per key set: the set is emptied and refilled on the way.
    let v = Verifier::from_signing_keys([key()]).unwrap();
    let tokens: Vec<String> = (0..1_100).map(|i| token(NOW + 60 + i)).collect();
    for t in &tokens {
        v.verify_remembered(t, NOW, 0).unwrap();
    }
    for (i, t) in tokens.iter().enumerate().step_by(97) {
        let (plain, remembered) = answers(&v, t, NOW + 60 + i as i64);
        assert_eq!(plain, remembered, "token {i}");
        assert!(remembered.starts_with("err "), "token {i} has expired");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any one byte of a remembered token changed: verify_remembered says what verify says.
    #[test]
    fn any_change_to_a_remembered_token_is_judged_afresh(at in 0usize..2_000, to in 0u8..128) {
        static T: OnceLock<(Verifier, String)> = OnceLock::new();
        let (v, t) = T.get_or_init(|| {
            let v = Verifier::from_signing_keys([key()]).unwrap();
            let t = token(NOW + 60);
            v.verify_remembered(&t, NOW, 0).unwrap();
            (v, t)
        });
        let mut bytes = t.clone().into_bytes();
        let at = at % bytes.len();
        prop_assume!(bytes[at] != to);
        bytes[at] = to;
        let changed = String::from_utf8(bytes).unwrap();
        let (plain, remembered) = answers(v, &changed, NOW);
        prop_assert_eq!(plain, remembered);
    }
}
