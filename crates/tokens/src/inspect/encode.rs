//! Test tokens: claims signed with a private key, an HMAC secret or a pool's signing key, with
//! `exp` set by a duration. Every one carries the header member `"poolhouse:test": true`: a
//! private header parameter (RFC 7515 §4.3) that verifiers ignore, so the token still verifies
//! like any other, while the inspector (and anyone reading the header) can tell it was made
//! for a test. Poolhouse's own access-token check (`user_pools::signin::authenticate`) refuses
//! any token that carries it. It is deliberately not `typ` (which some verifiers check) nor `crit` (which
//! would make every verifier refuse it).

use std::fmt;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, ECDSA_P384_SHA384_FIXED_SIGNING,
    ECDSA_P521_SHA512_FIXED_SIGNING, EcdsaKeyPair, Ed25519KeyPair, RsaKeyPair,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::alg::{Alg, Curve, KeyFamily};
use super::decode::TEST_TOKEN_HEADER;
use super::keys::{SecretEncoding, b64_member};
use crate::SigningKey;
use crate::error::echo;

/// The longest lifetime a test token's `exp` may be set to by duration (ten years).
pub const MAX_DURATION_SECS: i64 = 10 * 366 * 86_400;

/// Why a test token could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The claims are not a JSON object.
    #[error("claims must be a JSON object, not {found}")]
    ClaimsNotObject {
        /// What they are instead.
        found: &'static str,
    },
    /// A duration that does not parse.
    #[error(
        "{input:?} is not a duration: use a number with s, m, h or d, signed or not, like +30m, 2h, -5m"
    )]
    Duration {
        /// The input (shortened).
        input: String,
    },
    /// A duration longer than [`MAX_DURATION_SECS`].
    #[error("{input:?} is more than ten years")]
    DurationTooLong {
        /// The input (shortened).
        input: String,
    },
    /// Both the claims and the duration set `exp`.
    #[error("the claims already have exp; give exp in the claims or a duration, not both")]
    ExpTwice,
    /// An algorithm name that is not known.
    #[error(
        "algorithm {alg:?} is not one of RS256/384/512, PS256/384/512, ES256/384/512, EdDSA, HS256/384/512"
    )]
    UnknownAlgorithm {
        /// The name given (shortened).
        alg: String,
    },
    /// The algorithm needs another kind of key.
    #[error("{alg} needs {needs}, but the key is {have}")]
    AlgorithmKeyMismatch {
        /// The algorithm.
        alg: Alg,
        /// What it needs.
        needs: KeyFamily,
        /// What was given.
        have: String,
    },
    /// The key text is not a private key that can sign.
    #[error("not a signing key: {reason}")]
    Key {
        /// What is wrong.
        reason: String,
    },
    /// The crypto library failed.
    #[error("signing failed")]
    Signing,
}

enum Signer {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair, Curve),
    Ed25519(Ed25519KeyPair),
    Hmac(crate::SecretBytes),
}

/// A key that signs test tokens.
pub struct EncodeKey {
    signer: Signer,
    kid: Option<String>,
}

impl fmt::Debug for EncodeKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EncodeKey")
            .field("kind", &self.describe())
            .field("kid", &self.kid)
            .finish()
    }
}

impl EncodeKey {
    /// A pool's RS256 signing key, keeping its `kid`.
    ///
    /// # Errors
    /// [`EncodeError::Key`] if the key cannot be read back (it always can).
    pub fn from_signing_key(key: &SigningKey) -> Result<EncodeKey, EncodeError> {
        let pair = RsaKeyPair::from_pkcs8(key.pkcs8_der().expose_secret()).map_err(|e| {
            EncodeError::Key {
                reason: e.to_string(),
            }
        })?;
        Ok(EncodeKey {
            signer: Signer::Rsa(pair),
            kid: Some(key.kid().to_owned()),
        })
    }

    /// An HMAC secret.
    ///
    /// # Errors
    /// [`EncodeError::Key`] for an empty secret or base64 that does not decode.
    pub fn from_secret(secret: &str, encoding: SecretEncoding) -> Result<EncodeKey, EncodeError> {
        let mut ring = super::KeyRing::new();
        ring.add_secret(secret, encoding)
            .map_err(|e| EncodeError::Key {
                reason: e.to_string(),
            })?;
        let bytes = ring
            .secrets
            .first()
            .map(|s| s.bytes().to_vec())
            .unwrap_or_default();
        Ok(EncodeKey {
            signer: Signer::Hmac(crate::SecretBytes::new(bytes)),
            kid: None,
        })
    }

    /// A private key as PEM (`PRIVATE KEY` PKCS#8: RSA, EC or Ed25519; `RSA PRIVATE KEY`;
    /// `EC PRIVATE KEY`) or a private JWK (`EC`/`OKP` with `d`, or `oct` with `k`). A JWK's
    /// `kid` is kept.
    ///
    /// # Errors
    /// [`EncodeError::Key`] naming what is wrong (a public key, an encrypted key, ...).
    pub fn from_text(text: &str) -> Result<EncodeKey, EncodeError> {
        let t = text.trim_start();
        let err = |reason: String| EncodeError::Key { reason };
        if t.starts_with('{') {
            let v: Value =
                serde_json::from_str(text).map_err(|e| err(format!("not valid JSON: {e}")))?;
            let obj = v
                .as_object()
                .ok_or_else(|| err("a JWK must be an object".to_owned()))?;
            return from_jwk(obj);
        }
        if !t.starts_with("-----BEGIN") {
            return Err(err(
                "expected a PEM private key (-----BEGIN PRIVATE KEY-----) or a private JWK"
                    .to_owned(),
            ));
        }
        let block = pem::parse(text).map_err(|e| err(format!("invalid PEM: {e}")))?;
        let der = block.contents();
        let signer = match block.tag() {
            "PRIVATE KEY" => {
                if let Ok(pair) = RsaKeyPair::from_pkcs8(der) {
                    Signer::Rsa(pair)
                } else if let Some(s) = ec_from(|alg| EcdsaKeyPair::from_pkcs8(alg, der).ok()) {
                    s
                } else if let Ok(pair) = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der) {
                    Signer::Ed25519(pair)
                } else {
                    return Err(err(
                        "the PKCS#8 key is not RSA (2048+ bits), EC P-256/P-384/P-521 or Ed25519"
                            .to_owned(),
                    ));
                }
            }
            "RSA PRIVATE KEY" => Signer::Rsa(
                RsaKeyPair::from_der(der)
                    .map_err(|e| err(format!("not a PKCS#1 RSA private key: {e}")))?,
            ),
            "EC PRIVATE KEY" => ec_from(|alg| EcdsaKeyPair::from_private_key_der(alg, der).ok())
                .ok_or_else(|| {
                    err("not a SEC1 EC private key on P-256, P-384 or P-521".to_owned())
                })?,
            "ENCRYPTED PRIVATE KEY" => {
                return Err(err(
                    "the private key is encrypted; decrypt it first".to_owned()
                ));
            }
            "PUBLIC KEY" | "RSA PUBLIC KEY" | "CERTIFICATE" => {
                return Err(err(format!(
                    "a {} holds only a public key; signing needs the private key",
                    block.tag()
                )));
            }
            other => {
                return Err(err(format!(
                    "a PEM `{}` block is not a private key",
                    echo(other)
                )));
            }
        };
        Ok(EncodeKey { signer, kid: None })
    }

    /// The `kid` put in the header, if any.
    #[must_use]
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// Sets the `kid` put in the header.
    pub fn set_kid(&mut self, kid: Option<String>) {
        self.kid = kid;
    }

    /// The algorithm used when none is asked for: RS256, ES256/384/512 by curve, EdDSA, HS256.
    #[must_use]
    pub fn default_alg(&self) -> Alg {
        match &self.signer {
            Signer::Rsa(_) => Alg::Rs256,
            Signer::Ec(_, Curve::P256) => Alg::Es256,
            Signer::Ec(_, Curve::P384) => Alg::Es384,
            Signer::Ec(_, Curve::P521) => Alg::Es512,
            Signer::Ed25519(_) => Alg::EdDsa,
            Signer::Hmac(_) => Alg::Hs256,
        }
    }

    fn describe(&self) -> String {
        match &self.signer {
            Signer::Rsa(p) => format!("an RSA {}-bit key", p.public_modulus_len() * 8),
            Signer::Ec(_, c) => format!("an EC {} key", c.name()),
            Signer::Ed25519(_) => "an Ed25519 key".to_owned(),
            Signer::Hmac(_) => "a shared secret".to_owned(),
        }
    }

    fn sign(&self, alg: Alg, message: &[u8]) -> Result<Vec<u8>, EncodeError> {
        let rng = SystemRandom::new();
        let mismatch = || EncodeError::AlgorithmKeyMismatch {
            alg,
            needs: alg.family(),
            have: self.describe(),
        };
        match (&self.signer, alg.family()) {
            (Signer::Rsa(pair), KeyFamily::Rsa) => {
                use aws_lc_rs::signature as s;
                let encoding: &'static dyn aws_lc_rs::signature::RsaEncoding = match alg {
                    Alg::Rs384 => &s::RSA_PKCS1_SHA384,
                    Alg::Rs512 => &s::RSA_PKCS1_SHA512,
                    Alg::Ps256 => &s::RSA_PSS_SHA256,
                    Alg::Ps384 => &s::RSA_PSS_SHA384,
                    Alg::Ps512 => &s::RSA_PSS_SHA512,
                    _ => &s::RSA_PKCS1_SHA256,
                };
                let mut sig = vec![0u8; pair.public_modulus_len()];
                pair.sign(encoding, &rng, message, &mut sig)
                    .map_err(|_| EncodeError::Signing)?;
                Ok(sig)
            }
            (Signer::Ec(pair, curve), KeyFamily::Ec(want)) if *curve == want => pair
                .sign(&rng, message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| EncodeError::Signing),
            (Signer::Ed25519(pair), KeyFamily::Ed25519) => Ok(pair.sign(message).as_ref().to_vec()),
            (Signer::Hmac(secret), KeyFamily::Hmac) => {
                let algorithm = alg.hmac().ok_or(EncodeError::Signing)?;
                let key = aws_lc_rs::hmac::Key::new(algorithm, secret.expose_secret());
                Ok(aws_lc_rs::hmac::sign(&key, message).as_ref().to_vec())
            }
            _ => Err(mismatch()),
        }
    }
}

fn ec_from(
    parse: impl Fn(&'static aws_lc_rs::signature::EcdsaSigningAlgorithm) -> Option<EcdsaKeyPair>,
) -> Option<Signer> {
    [
        (&ECDSA_P256_SHA256_FIXED_SIGNING, Curve::P256),
        (&ECDSA_P384_SHA384_FIXED_SIGNING, Curve::P384),
        (&ECDSA_P521_SHA512_FIXED_SIGNING, Curve::P521),
    ]
    .into_iter()
    .find_map(|(alg, curve)| parse(alg).map(|p| Signer::Ec(p, curve)))
}

fn from_jwk(obj: &Map<String, Value>) -> Result<EncodeKey, EncodeError> {
    let err = |reason: String| EncodeError::Key { reason };
    let kid = obj.get("kid").and_then(Value::as_str).map(str::to_owned);
    let kty = obj.get("kty").and_then(Value::as_str).unwrap_or("");
    if kty != "oct" && !obj.contains_key("d") {
        return Err(err("the JWK has no private part `d`: it is a public key, and signing needs the private key".to_owned()));
    }
    let signer = match kty {
        "oct" => {
            let k = b64_member(obj, "k").map_err(&err)?;
            if k.is_empty() {
                return Err(err("`k` is empty".to_owned()));
            }
            Signer::Hmac(crate::SecretBytes::new(k))
        }
        "EC" => {
            let crv = obj.get("crv").and_then(Value::as_str).unwrap_or("");
            let curve = Curve::from_name(crv).ok_or_else(|| {
                err(format!(
                    "curve {:?} is not P-256, P-384 or P-521",
                    echo(crv)
                ))
            })?;
            let d = b64_member(obj, "d").map_err(&err)?;
            let x = b64_member(obj, "x").map_err(&err)?;
            let y = b64_member(obj, "y").map_err(&err)?;
            let mut point = vec![4u8];
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            let alg = match curve {
                Curve::P256 => &ECDSA_P256_SHA256_FIXED_SIGNING,
                Curve::P384 => &ECDSA_P384_SHA384_FIXED_SIGNING,
                Curve::P521 => &ECDSA_P521_SHA512_FIXED_SIGNING,
            };
            let pair = EcdsaKeyPair::from_private_key_and_public_key(alg, &d, &point)
                .map_err(|e| err(format!("`d`, `x` and `y` are not one EC key: {e}")))?;
            Signer::Ec(pair, curve)
        }
        "OKP" => {
            let d = b64_member(obj, "d").map_err(&err)?;
            let x = b64_member(obj, "x").map_err(&err)?;
            Signer::Ed25519(
                Ed25519KeyPair::from_seed_and_public_key(&d, &x)
                    .map_err(|e| err(format!("`d` and `x` are not one Ed25519 key: {e}")))?,
            )
        }
        "RSA" => {
            return Err(err(
                "RSA private JWKs are not read; pass the key as PEM (-----BEGIN PRIVATE KEY-----)"
                    .to_owned(),
            ));
        }
        other => return Err(err(format!("key type {:?} cannot sign", echo(other)))),
    };
    Ok(EncodeKey { signer, kid })
}

/// Parses a duration: an optional sign, digits, and a unit `s`, `m` (or `min`), `h` or `d`
/// (no unit means seconds). `"+30m"` → 1800, `"-5m"` → -300.
///
/// # Errors
/// [`EncodeError::Duration`] or [`EncodeError::DurationTooLong`].
pub fn parse_duration(input: &str) -> Result<i64, EncodeError> {
    let bad = || EncodeError::Duration { input: echo(input) };
    let s = input.trim();
    let (sign, rest) = match s.as_bytes().first() {
        Some(b'+') => (1, s.get(1..).unwrap_or("")),
        Some(b'-') => (-1, s.get(1..).unwrap_or("")),
        _ => (1, s),
    };
    let digits_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (digits, unit) = rest.split_at(digits_end);
    if digits.is_empty() || digits.len() > 12 {
        return Err(bad());
    }
    let n: i64 = digits.parse().map_err(|_| bad())?;
    let scale = match unit.trim() {
        "" | "s" | "sec" => 1,
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(bad()),
    };
    let secs = n.saturating_mul(scale);
    if secs > MAX_DURATION_SECS {
        return Err(EncodeError::DurationTooLong { input: echo(input) });
    }
    Ok(sign * secs)
}

/// A test token, with what went into it.
#[derive(Debug, Clone, PartialEq)]
pub struct TestToken {
    /// The compact JWS.
    pub token: String,
    /// Its header.
    pub header: Map<String, Value>,
    /// Its claims (with the `exp` and `iat` added).
    pub claims: Map<String, Value>,
}

/// Signs `claims` as a test token. `iat` is set to `now` when absent; `exp` to `now +
/// expires_in` when a duration is given, else to `now + 1 h` when the claims have none.
///
/// # Errors
/// [`EncodeError`] naming what is wrong: claims, duration, algorithm or key.
pub fn encode_test_token(
    claims: &Value,
    key: &EncodeKey,
    alg: Option<&str>,
    expires_in: Option<&str>,
    now: i64,
) -> Result<TestToken, EncodeError> {
    let Value::Object(claims) = claims else {
        return Err(EncodeError::ClaimsNotObject {
            found: super::claims::json_kind(claims),
        });
    };
    let mut claims = claims.clone();
    let alg = match alg {
        Some(name) => {
            Alg::from_name(name).ok_or_else(|| EncodeError::UnknownAlgorithm { alg: echo(name) })?
        }
        None => key.default_alg(),
    };
    match expires_in {
        Some(d) => {
            if claims.contains_key("exp") {
                return Err(EncodeError::ExpTwice);
            }
            let secs = parse_duration(d)?;
            claims.insert("exp".into(), Value::from(now.saturating_add(secs)));
        }
        None => {
            if !claims.contains_key("exp") {
                claims.insert("exp".into(), Value::from(now.saturating_add(3600)));
            }
        }
    }
    if !claims.contains_key("iat") {
        claims.insert("iat".into(), Value::from(now));
    }
    let mut header = Map::new();
    if let Some(kid) = key.kid() {
        header.insert("kid".into(), Value::from(kid));
    }
    header.insert("alg".into(), Value::from(alg.name()));
    header.insert(TEST_TOKEN_HEADER.into(), Value::Bool(true));
    let header_json = serde_json::to_vec(&header).map_err(|_| EncodeError::Signing)?;
    let claims_json = serde_json::to_vec(&claims).map_err(|_| EncodeError::Signing)?;
    let mut token = URL_SAFE_NO_PAD.encode(header_json);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(claims_json, &mut token);
    let signature = key.sign(alg, token.as_bytes())?;
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut token);
    Ok(TestToken {
        token,
        header,
        claims,
    })
}

/// A JWT signed with the private key `pem` (its algorithm the key's: ES256 for a P-256 key),
/// `kid` in its header: an assertion a relying party signs for a provider, such as Sign in
/// with Apple's client secret. Unlike a test token, it carries no test marker.
///
/// # Errors
/// [`EncodeError`] naming what is wrong with the key or the claims.
pub fn sign_with_pem(pem: &str, kid: &str, claims: &Value) -> Result<String, EncodeError> {
    let key = EncodeKey::from_text(pem)?;
    let alg = key.default_alg();
    let mut header = Map::new();
    header.insert("alg".into(), Value::from(alg.name()));
    header.insert("kid".into(), Value::from(kid));
    let header_json = serde_json::to_vec(&header).map_err(|_| EncodeError::Signing)?;
    let claims_json = serde_json::to_vec(claims).map_err(|_| EncodeError::Signing)?;
    let mut token = URL_SAFE_NO_PAD.encode(header_json);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(claims_json, &mut token);
    let signature = key.sign(alg, token.as_bytes())?;
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut token);
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_sign_and_unit() {
        assert_eq!(parse_duration("+30m").unwrap(), 1800);
        assert_eq!(parse_duration("2h").unwrap(), 7200);
        assert_eq!(parse_duration("-5m").unwrap(), -300);
        assert_eq!(parse_duration("90").unwrap(), 90);
        assert_eq!(parse_duration("1d").unwrap(), 86_400);
        for bad in ["", "+", "m", "5x", "1.5h", "++1m", "99999999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} must be refused");
        }
        assert!(matches!(
            parse_duration("4000d"),
            Err(EncodeError::DurationTooLong { .. })
        ));
    }

    #[test]
    fn claims_must_be_an_object_and_exp_given_once() {
        let key = EncodeKey::from_secret("s".repeat(32).as_str(), SecretEncoding::Text).unwrap();
        assert!(matches!(
            encode_test_token(&serde_json::json!([1]), &key, None, None, 0),
            Err(EncodeError::ClaimsNotObject { found: "an array" })
        ));
        assert_eq!(
            encode_test_token(&serde_json::json!({"exp": 5}), &key, None, Some("+1m"), 0),
            Err(EncodeError::ExpTwice)
        );
        assert!(matches!(
            encode_test_token(&serde_json::json!({}), &key, Some("RS256"), None, 0),
            Err(EncodeError::AlgorithmKeyMismatch {
                alg: Alg::Rs256,
                ..
            })
        ));
        let t = encode_test_token(
            &serde_json::json!({"sub": "x"}),
            &key,
            None,
            Some("+30m"),
            100,
        )
        .unwrap();
        assert_eq!(t.claims["exp"], 1900);
        assert_eq!(t.claims["iat"], 100);
        assert_eq!(t.header[TEST_TOKEN_HEADER], true);
        assert_eq!(t.header["alg"], "HS256");
    }

    #[test]
    fn public_keys_cannot_sign() {
        let e =
            EncodeKey::from_text(r#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#).unwrap_err();
        assert!(e.to_string().contains("public key"), "{e}");
        let e =
            EncodeKey::from_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
                .unwrap_err();
        assert!(e.to_string().contains("only a public key"), "{e}");
    }
}
