//! Differential tests against an independent JWT implementation (the `jsonwebtoken` crate):
//!
//! - every token this crate signs verifies there against the JWKS this crate publishes, with
//!   the same claims, and so does every inspector test token of every algorithm both support;
//! - every token it refuses — mutations of a genuine token: altered signature, header or
//!   payload, `alg: none`, HMAC keyed with the public key, wrong or foreign `kid`, expired or
//!   not yet valid, bad base64, missing or extra segments, headers and claims re-signed with
//!   the pool's own key — is refused by [`Verifier`] too, and called valid by the inspector
//!   only where it deliberately reads more (`inspector_may_differ`); a forged one (made
//!   without the private key) is never called valid by it with other claims than the genuine
//!   token's.
//!
//! One deliberate difference is allowed and named: RFC 7519's NumericDate may be fractional
//! or beyond `u64`, which `jsonwebtoken` refuses and this crate floors or saturates (see
//! `time_claims_must_be_numbers` in `jwt.rs`).
//!
//! Case counts are small so the file runs in seconds; `PROPTEST_CASES=5000 cargo test -p
//! tokens --test differential` runs longer. Failing cases proptest finds are kept in
//! `proptest-regressions/differential.txt` (committed) and replayed first.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P384_SHA384_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair,
    KeyPair, RSA_PKCS1_SHA256, RsaKeyPair,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use proptest::prelude::*;
use serde_json::{Value, json};
use testkit::{pem, rsa_pem_pair};
use tokens::inspect::{
    Alg, EncodeKey, Expectations, KeyRing, SecretEncoding, Verdict, decode, encode_test_token,
    explain,
};
use tokens::{Jwks, SigningKey, Verifier};

/// Cases per property: small by default, `PROPTEST_CASES` when set.
fn config(default_cases: u32) -> ProptestConfig {
    if std::env::var_os("PROPTEST_CASES").is_some() {
        ProptestConfig::default()
    } else {
        ProptestConfig::with_cases(default_cases)
    }
}

/// `jsonwebtoken` reads the system clock, so both sides use it.
fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .try_into()
        .unwrap()
}

struct Fixture {
    key: SigningKey,
    /// A second pool key, published in the JWKS too.
    second: SigningKey,
    /// A key nobody publishes.
    stranger: SigningKey,
    verifier: Verifier,
    /// The JWKS as this crate publishes it, read by `jsonwebtoken`.
    jwks: JwkSet,
    /// The inspector's key ring, from the same JWKS text.
    ring: KeyRing,
    /// Forms of the public key an attacker might use as an HMAC secret.
    public_forms: Vec<Vec<u8>>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let key = SigningKey::generate_rs256().unwrap();
        let second = SigningKey::generate_rs256().unwrap();
        let stranger = SigningKey::generate_rs256().unwrap();
        let published = serde_json::to_string(&Jwks::from_signing_keys([&key, &second])).unwrap();
        let verifier = Verifier::from_jwks(&serde_json::from_str(&published).unwrap()).unwrap();
        let jwks: JwkSet = serde_json::from_str(&published).unwrap();
        let mut ring = KeyRing::new();
        ring.add_text(&published).unwrap();
        let pair = RsaKeyPair::from_pkcs8(key.pkcs8_der().expose_secret()).unwrap();
        let spki = pair.public_key().as_der().unwrap();
        let public_forms = vec![
            pem("PUBLIC KEY", spki.as_ref()).into_bytes(),
            spki.as_ref().to_vec(),
            serde_json::to_vec(&key.public_jwk()).unwrap(),
            published.into_bytes(),
            key.public_jwk()["n"].as_str().unwrap().as_bytes().to_vec(),
        ];
        Fixture {
            key,
            second,
            stranger,
            verifier,
            jwks,
            ring,
            public_forms,
        }
    })
}

/// What an application using `jsonwebtoken` does with a Cognito token: read the header, find
/// the key by `kid` in the pool's JWKS, verify RS256 with no leeway, `exp` required, `nbf`
/// checked. Issuer and audience are left to the caller, as [`Verifier::verify`] leaves them.
fn jsonwebtoken_verify(token: &str) -> Result<Value, String> {
    let header = jsonwebtoken::decode_header(token).map_err(|e| format!("header: {e}"))?;
    let kid = header.kid.ok_or("no kid")?;
    let jwk = fixture().jwks.find(&kid).ok_or("unknown kid")?;
    let key = DecodingKey::from_jwk(jwk).map_err(|e| format!("jwk: {e}"))?;
    let mut validation = Validation::new(Algorithm::RS256);
    validation.leeway = 0;
    validation.validate_nbf = true;
    validation.validate_aud = false;
    jsonwebtoken::decode::<Value>(token, &key, &validation)
        .map(|data| data.claims)
        .map_err(|e| e.to_string())
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `header.claims.signature` with raw JSON texts, RS256-signed by `key`.
fn signed_raw(key: &SigningKey, header: &str, claims: &str) -> String {
    let input = format!("{}.{}", b64(header.as_bytes()), b64(claims.as_bytes()));
    let pair = RsaKeyPair::from_pkcs8(key.pkcs8_der().expose_secret()).unwrap();
    let mut sig = vec![0; pair.public_modulus_len()];
    pair.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        input.as_bytes(),
        &mut sig,
    )
    .unwrap();
    format!("{input}.{}", b64(&sig))
}

fn hmac(alg: &str, secret: &[u8], input: &str) -> Vec<u8> {
    let algorithm = match alg {
        "HS384" => aws_lc_rs::hmac::HMAC_SHA384,
        "HS512" => aws_lc_rs::hmac::HMAC_SHA512,
        _ => aws_lc_rs::hmac::HMAC_SHA256,
    };
    aws_lc_rs::hmac::sign(
        &aws_lc_rs::hmac::Key::new(algorithm, secret),
        input.as_bytes(),
    )
    .as_ref()
    .to_vec()
}

// ----- claims as the pools mint them ----------------------------------------------------

const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI";
const CLIENT: &str = "abcdefghijklmnopqrstuvwxyz";

/// Claims shaped like a pool's ID or access token (the engine's own claim set), with the
/// user-controlled members drawn from any Unicode.
fn minted_claims() -> impl Strategy<Value = Value> {
    (
        any::<bool>(),
        "\\PC{1,40}",
        proptest::collection::vec("\\PC{1,20}", 0..4),
        proptest::option::of("\\PC{0,60}"),
        60i64..86_400,
        0i64..3_600,
    )
        .prop_map(|(id, username, groups, email, lifetime, age)| {
            let t = now();
            let mut c = json!({
                "sub": "6f1c2a7e-1111-4222-8333-944445555666",
                "iss": ISSUER,
                "origin_jti": tokens::new_jti(),
                "event_id": tokens::new_jti(),
                "auth_time": t - age,
                "iat": t - age,
                "exp": t - age + lifetime + age,
                "jti": tokens::new_jti(),
            });
            let m = c.as_object_mut().unwrap();
            if !groups.is_empty() {
                m.insert("cognito:groups".into(), json!(groups));
            }
            if id {
                m.insert("token_use".into(), json!("id"));
                m.insert("aud".into(), json!(CLIENT));
                m.insert("cognito:username".into(), json!(username));
                if let Some(email) = email {
                    m.insert("email".into(), json!(email));
                    m.insert("email_verified".into(), json!(true));
                }
            } else {
                m.insert("token_use".into(), json!("access"));
                m.insert("client_id".into(), json!(CLIENT));
                m.insert("scope".into(), json!("aws.cognito.signin.user.admin"));
                m.insert("username".into(), json!(username));
            }
            c
        })
}

// ----- mutations ------------------------------------------------------------------------

/// A time claim's replacement.
#[derive(Debug, Clone)]
enum Time {
    Keep,
    Absent,
    Past(i64),
    Future(i64),
    Json(Value),
}

fn time() -> impl Strategy<Value = Time> {
    prop_oneof![
        3 => Just(Time::Keep),
        1 => Just(Time::Absent),
        2 => (10i64..10_000_000).prop_map(Time::Past),
        2 => (10i64..10_000_000).prop_map(Time::Future),
        2 => prop_oneof![
            Just(json!(null)),
            Just(json!("9999999999")),
            Just(json!(true)),
            Just(json!([1])),
            Just(json!({})),
            Just(json!(-1)),
            Just(json!(0)),
            Just(json!(i64::MIN)),
            Just(json!(u64::MAX)),
            Just(json!(1e300)),
            Just(json!(-1e300)),
            Just(json!(1.5)),
        ]
        .prop_map(Time::Json),
    ]
}

#[derive(Debug, Clone)]
enum Kid {
    Ours,
    Second,
    Stranger,
    Missing,
    Json(Value),
}

/// An edit to a genuine token.
#[derive(Debug, Clone)]
enum Mutation {
    // Forged: made without the pool's private key.
    /// One character of one segment replaced.
    Replace {
        part: usize,
        pos: usize,
        with: char,
    },
    /// One character of one segment removed.
    Remove {
        part: usize,
        pos: usize,
    },
    /// Text inserted anywhere.
    Insert {
        pos: usize,
        text: String,
    },
    /// The token cut short.
    Truncate {
        keep: usize,
    },
    /// A segment dropped.
    DropSegment(usize),
    /// Segments appended (JWE-like five parts, a trailing dot, …).
    Extra(Vec<String>),
    /// `=` padding on one segment.
    Padded {
        part: usize,
        pad: usize,
    },
    /// The standard base64 alphabet (`+/`) where base64url has `-_`.
    StandardAlphabet,
    /// `alg: none` (in any case), with the signature kept or emptied.
    AlgNone {
        alg: String,
        keep_signature: bool,
    },
    /// HMAC keyed with one form of the public key.
    HmacWithPublicKey {
        alg: String,
        form: usize,
    },
    /// The header and signature of one genuine token with the claims of another.
    SwapClaims,
    /// Signed by an unpublished key, under our `kid`.
    StrangerWithOurKid,
    /// Any header JSON, unsigned or with a random signature.
    RandomSignature(Vec<u8>),

    // Re-signed with a published key: what the verifier decides on content alone.
    Header {
        alg: Value,
        kid: Kid,
        crit: bool,
        extra: Option<(String, Value)>,
    },
    Claims {
        exp: Time,
        nbf: Time,
        iat: Time,
    },
    NotAnObject(Value),
}

impl Mutation {
    fn forged(&self) -> bool {
        !matches!(
            self,
            Mutation::Header { .. } | Mutation::Claims { .. } | Mutation::NotAnObject(_)
        )
    }
}

fn base64url_char() -> impl Strategy<Value = char> {
    prop_oneof![
        8 => proptest::sample::select(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
                .chars()
                .collect::<Vec<_>>()
        ),
        1 => proptest::sample::select(vec!['.', '=', '+', '/', ' ', '\n', '\0', 'é', '\u{FEFF}']),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let alg = prop_oneof![
        Just(json!("RS256")),
        Just(json!("rs256")),
        Just(json!("RS384")),
        Just(json!("PS256")),
        Just(json!("ES256")),
        Just(json!("HS256")),
        Just(json!("none")),
        Just(json!("")),
        Just(json!(null)),
        Just(json!(256)),
        Just(json!(["RS256"])),
    ];
    let kid = prop_oneof![
        3 => Just(Kid::Ours),
        1 => Just(Kid::Second),
        1 => Just(Kid::Stranger),
        1 => Just(Kid::Missing),
        1 => prop_oneof![
            Just(json!(null)),
            Just(json!(7)),
            Just(json!("")),
            Just(json!(["k"])),
            "\\PC{0,300}".prop_map(Value::from),
        ]
        .prop_map(Kid::Json),
    ];
    let extra = proptest::option::of(prop_oneof![
        Just(("typ".to_owned(), json!("JWT"))),
        Just((
            "jku".to_owned(),
            json!("https://attacker.example/jwks.json")
        )),
        Just(("x5u".to_owned(), json!("https://attacker.example/cert.pem"))),
        Just(("jwk".to_owned(), json!({"kty": "oct", "k": "c2VjcmV0"}))),
        Just(("b64".to_owned(), json!(false))),
        Just(("zip".to_owned(), json!("DEF"))),
    ]);
    prop_oneof![
        1 => (0usize..3, any::<usize>(), base64url_char())
            .prop_map(|(part, pos, with)| Mutation::Replace { part, pos, with }),
        1 => (0usize..3, any::<usize>()).prop_map(|(part, pos)| Mutation::Remove { part, pos }),
        1 => (any::<usize>(), "[A-Za-z0-9_.=-]{1,8}")
            .prop_map(|(pos, text)| Mutation::Insert { pos, text }),
        1 => any::<usize>().prop_map(|keep| Mutation::Truncate { keep }),
        1 => (0usize..3).prop_map(Mutation::DropSegment),
        1 => proptest::collection::vec("[A-Za-z0-9_-]{0,12}", 1..4).prop_map(Mutation::Extra),
        1 => (0usize..3, 1usize..3).prop_map(|(part, pad)| Mutation::Padded { part, pad }),
        1 => Just(Mutation::StandardAlphabet),
        1 => (
            proptest::sample::select(vec!["none", "None", "NONE", "nOnE"]),
            any::<bool>()
        )
            .prop_map(|(alg, keep_signature)| Mutation::AlgNone {
                alg: alg.to_owned(),
                keep_signature
            }),
        1 => (
            proptest::sample::select(vec!["HS256", "HS384", "HS512"]),
            0usize..5
        )
            .prop_map(|(alg, form)| Mutation::HmacWithPublicKey {
                alg: alg.to_owned(),
                form
            }),
        1 => Just(Mutation::SwapClaims),
        1 => Just(Mutation::StrangerWithOurKid),
        1 => proptest::collection::vec(any::<u8>(), 0..300).prop_map(Mutation::RandomSignature),
        3 => (alg, kid, any::<bool>(), extra).prop_map(|(alg, kid, crit, extra)| Mutation::Header {
            alg,
            kid,
            crit,
            extra
        }),
        4 => (time(), time(), time()).prop_map(|(exp, nbf, iat)| Mutation::Claims { exp, nbf, iat }),
        1 => prop_oneof![
            Just(json!([])),
            Just(json!("claims")),
            Just(json!(1)),
            Just(json!(null))
        ]
        .prop_map(Mutation::NotAnObject),
    ]
}

fn set_time(claims: &mut serde_json::Map<String, Value>, name: &str, t: &Time) {
    match t {
        Time::Keep => {}
        Time::Absent => {
            claims.remove(name);
        }
        Time::Past(s) => {
            claims.insert(name.into(), json!(now() - s));
        }
        Time::Future(s) => {
            claims.insert(name.into(), json!(now() + s));
        }
        Time::Json(v) => {
            claims.insert(name.into(), v.clone());
        }
    }
}

/// Applies a mutation to `token` (signed by the fixture's key over `claims`).
fn apply(m: &Mutation, token: &str, claims: &Value) -> String {
    let f = fixture();
    let parts: Vec<&str> = token.split('.').collect();
    let header_json = format!(r#"{{"kid":"{}","alg":"RS256"}}"#, f.key.kid());
    let edit_segment = |part: usize, edit: &dyn Fn(&mut Vec<char>)| {
        let mut segments: Vec<String> = parts.iter().map(|s| (*s).to_owned()).collect();
        let mut chars: Vec<char> = segments[part].chars().collect();
        edit(&mut chars);
        segments[part] = chars.into_iter().collect();
        segments.join(".")
    };
    match m {
        Mutation::Replace { part, pos, with } => edit_segment(*part, &|c: &mut Vec<char>| {
            if !c.is_empty() {
                let i = pos % c.len();
                c[i] = *with;
            }
        }),
        Mutation::Remove { part, pos } => edit_segment(*part, &|c: &mut Vec<char>| {
            if !c.is_empty() {
                c.remove(pos % c.len());
            }
        }),
        Mutation::Insert { pos, text } => {
            let i = pos % (token.len() + 1);
            format!("{}{text}{}", &token[..i], &token[i..])
        }
        Mutation::Truncate { keep } => token[..keep % token.len()].to_owned(),
        Mutation::DropSegment(i) => {
            let mut p = parts.clone();
            p.remove(*i);
            p.join(".")
        }
        Mutation::Extra(more) => format!("{token}.{}", more.join(".")),
        Mutation::Padded { part, pad } => edit_segment(*part, &|c: &mut Vec<char>| {
            c.extend("=".repeat(*pad).chars())
        }),
        Mutation::StandardAlphabet => token.replace('-', "+").replace('_', "/"),
        Mutation::AlgNone {
            alg,
            keep_signature,
        } => {
            let header = b64(json!({"kid": f.key.kid(), "alg": alg})
                .to_string()
                .as_bytes());
            let sig = if *keep_signature { parts[2] } else { "" };
            format!("{header}.{}.{sig}", parts[1])
        }
        Mutation::HmacWithPublicKey { alg, form } => {
            let header = b64(json!({"kid": f.key.kid(), "alg": alg})
                .to_string()
                .as_bytes());
            let input = format!("{header}.{}", parts[1]);
            let tag = hmac(alg, &f.public_forms[*form], &input);
            format!("{input}.{}", b64(&tag))
        }
        Mutation::SwapClaims => {
            let mut other = claims.clone();
            other["username"] = json!("admin");
            other["cognito:groups"] = json!(["admins"]);
            let other = f.key.sign_jwt(&other).unwrap();
            let other_claims = other.split('.').nth(1).unwrap();
            format!("{}.{other_claims}.{}", parts[0], parts[2])
        }
        Mutation::StrangerWithOurKid => signed_raw(&f.stranger, &header_json, &claims.to_string()),
        Mutation::RandomSignature(sig) => format!("{}.{}.{}", parts[0], parts[1], b64(sig)),
        Mutation::Header {
            alg,
            kid,
            crit,
            extra,
        } => {
            let mut header = serde_json::Map::new();
            header.insert("alg".into(), alg.clone());
            match kid {
                Kid::Ours => {
                    header.insert("kid".into(), json!(f.key.kid()));
                }
                Kid::Second => {
                    header.insert("kid".into(), json!(f.second.kid()));
                }
                Kid::Stranger => {
                    header.insert("kid".into(), json!(f.stranger.kid()));
                }
                Kid::Missing => {}
                Kid::Json(v) => {
                    header.insert("kid".into(), v.clone());
                }
            }
            if *crit {
                header.insert("crit".into(), json!(["b64"]));
            }
            if let Some((name, value)) = extra {
                header.insert(name.clone(), value.clone());
            }
            signed_raw(
                &f.key,
                &Value::Object(header).to_string(),
                &claims.to_string(),
            )
        }
        Mutation::Claims { exp, nbf, iat } => {
            let mut c = claims.as_object().unwrap().clone();
            set_time(&mut c, "exp", exp);
            set_time(&mut c, "nbf", nbf);
            set_time(&mut c, "iat", iat);
            f.key.sign_jwt(&Value::Object(c)).unwrap()
        }
        Mutation::NotAnObject(v) => signed_raw(&f.key, &header_json, &v.to_string()),
    }
}

/// The one named difference: a NumericDate `exp` or `nbf` that is a number but not a whole
/// `u64` (fractional, negative or beyond 2^64), which `jsonwebtoken` cannot read.
fn numeric_date_beyond_u64(token: &str) -> bool {
    let Some(payload) = token.split('.').nth(1) else {
        return false;
    };
    let Ok(claims) = URL_SAFE_NO_PAD
        .decode(payload)
        .map_err(|_| ())
        .and_then(|b| serde_json::from_slice::<Value>(&b).map_err(|_| ()))
    else {
        return false;
    };
    ["exp", "nbf"]
        .iter()
        .any(|c| claims.get(c).is_some_and(|v| v.is_number() && !v.is_u64()))
}

/// Where the inspector, which explains rather than gates, deliberately reads more than a
/// verifier accepts (each reported as a finding or a warning, none changing whose claims they
/// are): `=` padding, a missing `exp` (optional in RFC 7519), a missing or non-string `kid`
/// (it tries every key it was given), and NumericDates beyond `u64`.
fn inspector_may_differ(token: &str, why: &str) -> bool {
    let kid_is_a_string = token
        .split('.')
        .next()
        .and_then(|h| URL_SAFE_NO_PAD.decode(h).ok())
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .is_some_and(|h| h["kid"].is_string());
    token.contains('=')
        || why == "Missing required claim: exp"
        || !kid_is_a_string
        || numeric_date_beyond_u64(token)
}

proptest! {
    #![proptest_config(config(48))]

    /// Every token the pool's key signs verifies with `jsonwebtoken` against the published
    /// JWKS, with the same claims on both sides.
    #[test]
    fn minted_tokens_verify_with_jsonwebtoken(claims in minted_claims(), second in any::<bool>()) {
        let f = fixture();
        let key = if second { &f.second } else { &f.key };
        let token = key.sign_jwt(&claims).unwrap();
        let theirs = jsonwebtoken_verify(&token);
        prop_assert_eq!(theirs.as_ref(), Ok(&claims), "jsonwebtoken refused a minted token");
        let ours = f.verifier.verify(&token, now(), 0).unwrap();
        prop_assert_eq!(Value::Object(ours.claims().clone()), claims.clone());
        // And what an application checks on top: issuer, audience, token use.
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[CLIENT]);
        let header = jsonwebtoken::decode_header(&token).unwrap();
        prop_assert_eq!(header.kid.as_deref(), Some(key.kid()));
        let jwk = f.jwks.find(key.kid()).unwrap();
        let decoded = jsonwebtoken::decode::<Value>(&token, &DecodingKey::from_jwk(jwk).unwrap(), &validation);
        prop_assert!(decoded.is_ok(), "{:?}", decoded.err());
        prop_assert!(ours.expect_issuer(ISSUER).is_ok());
        prop_assert!(ours.expect_client_id(CLIENT).is_ok());
    }

    /// Whatever `jsonwebtoken` refuses, the verifier refuses; a forged token is refused by
    /// both and never passes the inspector with claims the pool did not sign.
    #[test]
    fn what_jsonwebtoken_refuses_is_refused(claims in minted_claims(), m in mutation()) {
        let f = fixture();
        let genuine = f.key.sign_jwt(&claims).unwrap();
        let token = apply(&m, &genuine, &claims);
        prop_assume!(token != genuine);
        let theirs = jsonwebtoken_verify(&token);
        let ours = f.verifier.verify(&token, now(), 0);
        if m.forged() {
            prop_assert!(ours.is_err(), "a forged token verified: {m:?} {token}");
        }
        match (&theirs, &ours) {
            (Err(why), Ok(_)) => prop_assert!(
                numeric_date_beyond_u64(&token),
                "jsonwebtoken refused ({why}) what the verifier accepted: {m:?} {token}"
            ),
            (Ok(theirs), Ok(ours)) => {
                prop_assert_eq!(theirs, &Value::Object(ours.claims().clone()));
            }
            _ => {}
        }
        // The inspector's decoder survives it, and its verdict never vouches for claims the
        // pool did not sign.
        let decoded = decode(token.as_bytes(), now());
        let checks = explain(&decoded, &f.ring, &Expectations { now: now(), ..Expectations::default() });
        if let Err(why) = &theirs
            && Verdict::of(&checks) == Verdict::Valid
        {
            prop_assert!(
                inspector_may_differ(&token, why),
                "the inspector called valid what jsonwebtoken refused ({why}): {m:?} {token}"
            );
        }
        if Verdict::of(&checks) == Verdict::Valid && m.forged() {
            prop_assert_eq!(decoded.claims_map().cloned().map(Value::Object), Some(claims.clone()),
                "the inspector called a forged token valid: {:?} {}", m, token);
        }
    }
}

/// The fixed attacks, each checked on both sides (the property above draws them at random).
#[test]
fn named_attacks_are_refused_by_both() {
    let f = fixture();
    let t = now();
    let claims = json!({"sub": "u", "token_use": "access", "exp": t + 600, "iat": t});
    let genuine = f.key.sign_jwt(&claims).unwrap();
    assert!(jsonwebtoken_verify(&genuine).is_ok());
    let attacks = [
        Mutation::AlgNone {
            alg: "none".into(),
            keep_signature: false,
        },
        Mutation::HmacWithPublicKey {
            alg: "HS256".into(),
            form: 0,
        },
        Mutation::HmacWithPublicKey {
            alg: "HS256".into(),
            form: 2,
        },
        Mutation::StrangerWithOurKid,
        Mutation::SwapClaims,
        Mutation::Header {
            alg: json!("RS256"),
            kid: Kid::Stranger,
            crit: false,
            extra: None,
        },
        Mutation::Header {
            alg: json!("RS256"),
            kid: Kid::Missing,
            crit: false,
            extra: None,
        },
        Mutation::Claims {
            exp: Time::Past(60),
            nbf: Time::Keep,
            iat: Time::Keep,
        },
        Mutation::Claims {
            exp: Time::Keep,
            nbf: Time::Future(600),
            iat: Time::Keep,
        },
        Mutation::Claims {
            exp: Time::Absent,
            nbf: Time::Keep,
            iat: Time::Keep,
        },
        Mutation::Padded { part: 2, pad: 1 },
        Mutation::StandardAlphabet,
        Mutation::Extra(vec![String::new()]),
        Mutation::DropSegment(2),
    ];
    for m in attacks {
        let token = apply(&m, &genuine, &claims);
        assert!(
            jsonwebtoken_verify(&token).is_err(),
            "jsonwebtoken accepted {m:?}"
        );
        assert!(
            f.verifier.verify(&token, t, 0).is_err(),
            "the verifier accepted {m:?}"
        );
    }
}

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

/// The inspector's test tokens, in every algorithm `jsonwebtoken` also implements (all but
/// ES512), verify there with the public key (or the secret), with the same claims; and a pool
/// key's test token verifies against the pool's JWKS.
#[test]
fn inspector_test_tokens_of_every_algorithm_verify_with_jsonwebtoken() {
    let t = now();
    let rsa = rsa_pem_pair();
    let p256 = ec_pair(false);
    let p384 = ec_pair(true);
    let ed = ed_pair();
    let secret = "a-shared-secret-of-more-than-thirty-two-bytes";
    let claims = json!({"sub": "u-1", "iss": ISSUER, "token_use": "access", "client_id": CLIENT, "name": "Zoë ✓"});
    let rsa_key = DecodingKey::from_rsa_pem(rsa.1.as_bytes()).unwrap();
    let cases: Vec<(Alg, Algorithm, EncodeKey, DecodingKey)> = vec![
        (
            Alg::Rs256,
            Algorithm::RS256,
            EncodeKey::from_text(&rsa.0).unwrap(),
            rsa_key.clone(),
        ),
        (
            Alg::Rs384,
            Algorithm::RS384,
            EncodeKey::from_text(&rsa.0).unwrap(),
            rsa_key.clone(),
        ),
        (
            Alg::Rs512,
            Algorithm::RS512,
            EncodeKey::from_text(&rsa.0).unwrap(),
            rsa_key.clone(),
        ),
        (
            Alg::Ps256,
            Algorithm::PS256,
            EncodeKey::from_text(&rsa.0).unwrap(),
            rsa_key.clone(),
        ),
        (
            Alg::Ps384,
            Algorithm::PS384,
            EncodeKey::from_text(&rsa.0).unwrap(),
            rsa_key.clone(),
        ),
        (
            Alg::Ps512,
            Algorithm::PS512,
            EncodeKey::from_text(&rsa.0).unwrap(),
            rsa_key,
        ),
        (
            Alg::Es256,
            Algorithm::ES256,
            EncodeKey::from_text(&p256.0).unwrap(),
            DecodingKey::from_ec_pem(p256.1.as_bytes()).unwrap(),
        ),
        (
            Alg::Es384,
            Algorithm::ES384,
            EncodeKey::from_text(&p384.0).unwrap(),
            DecodingKey::from_ec_pem(p384.1.as_bytes()).unwrap(),
        ),
        (
            Alg::EdDsa,
            Algorithm::EdDSA,
            EncodeKey::from_text(&ed.0).unwrap(),
            DecodingKey::from_ed_pem(ed.1.as_bytes()).unwrap(),
        ),
        (
            Alg::Hs256,
            Algorithm::HS256,
            EncodeKey::from_secret(secret, SecretEncoding::Text).unwrap(),
            DecodingKey::from_secret(secret.as_bytes()).unwrap(),
        ),
        (
            Alg::Hs384,
            Algorithm::HS384,
            EncodeKey::from_secret(secret, SecretEncoding::Text).unwrap(),
            DecodingKey::from_secret(secret.as_bytes()).unwrap(),
        ),
        (
            Alg::Hs512,
            Algorithm::HS512,
            EncodeKey::from_secret(secret, SecretEncoding::Text).unwrap(),
            DecodingKey::from_secret(secret.as_bytes()).unwrap(),
        ),
    ];
    for (alg, theirs, key, decoding) in cases {
        let token = encode_test_token(&claims, &key, Some(alg.name()), Some("+10m"), t).unwrap();
        let mut validation = Validation::new(theirs);
        validation.leeway = 0;
        validation.set_issuer(&[ISSUER]);
        let data = jsonwebtoken::decode::<Value>(&token.token, &decoding, &validation)
            .unwrap_or_else(|e| panic!("{alg}: jsonwebtoken refused a test token: {e}"));
        assert_eq!(data.claims, Value::Object(token.claims.clone()), "{alg}");
        assert_eq!(data.header.alg, theirs, "{alg}");
        // Tampered, it is refused there too.
        let mut parts: Vec<String> = token.token.split('.').map(str::to_owned).collect();
        let mut c = token.claims.clone();
        c.insert("sub".into(), json!("someone-else"));
        parts[1] = b64(Value::Object(c).to_string().as_bytes());
        assert!(
            jsonwebtoken::decode::<Value>(&parts.join("."), &decoding, &validation).is_err(),
            "{alg}: tampered"
        );
    }
    // A test token signed with a pool's key verifies against that pool's JWKS.
    let f = fixture();
    let key = EncodeKey::from_signing_key(&f.key).unwrap();
    let token = encode_test_token(&claims, &key, None, Some("+10m"), t).unwrap();
    let verified = jsonwebtoken_verify(&token.token).unwrap();
    assert_eq!(verified, Value::Object(token.claims));
}
