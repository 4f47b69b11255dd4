//! The keys a token is checked against: public keys from a JWKS, a JWK, a PEM public key
//! (SPKI `PUBLIC KEY` or PKCS#1 `RSA PUBLIC KEY`), an X.509 certificate or a private key (its
//! public half), and HMAC secrets. Each public key also keeps the byte strings an attacker
//! would use as an HMAC secret in an algorithm-confusion attempt (its PEM text, its DER).
//!
//! The ring and its dispatch on the text given live here; each kind of source has its module
//! (`jwk`, `pem`, `hmac`), and `public` is what they all produce.

mod error;
mod hmac;
mod jwk;
mod pem;
mod public;

use serde_json::Value;

pub use error::KeyError;
pub use hmac::{HmacSecret, SecretEncoding};
pub(crate) use jwk::b64_member;
pub use public::{KeyType, PublicKey};

use crate::error::echo;

// base64url that tolerates `=` padding, for JWK members from any issuer and secrets given as
// base64 (the submodules use it too).
use crate::b64::LENIENT_URL_SAFE;

/// Most keys one key source may hold (a JWKS with more is refused).
pub const MAX_KEYS: usize = 100;

/// The keys and secrets a token is checked against.
#[derive(Debug, Default)]
pub struct KeyRing {
    /// Public keys.
    pub public: Vec<PublicKey>,
    /// HMAC secrets.
    pub secrets: Vec<HmacSecret>,
    /// What was skipped while reading the sources, for people.
    pub notes: Vec<String>,
}

impl KeyRing {
    /// An empty ring.
    #[must_use]
    pub fn new() -> KeyRing {
        KeyRing::default()
    }

    /// Whether there is nothing to verify with.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.public.is_empty() && self.secrets.is_empty()
    }

    /// Adds whatever `text` holds: a JWKS, a JWK, or PEM (public key, certificate or private
    /// key). Answers how many keys were added.
    ///
    /// # Errors
    /// [`KeyError`] naming what is wrong with the text.
    pub fn add_text(&mut self, text: &str) -> Result<usize, KeyError> {
        let t = text.trim_start();
        if t.starts_with('{') {
            let value: Value = serde_json::from_str(text).map_err(|e| KeyError::Json {
                reason: e.to_string(),
            })?;
            if value.get("keys").is_some() {
                self.add_jwks(&value)
            } else {
                self.add_jwk(&value, None, "JWK").map(|()| 1)
            }
        } else if t.starts_with("-----BEGIN") {
            self.add_pem(text)
        } else {
            Err(KeyError::UnknownFormat)
        }
    }

    /// Names the ring's keys for messages: `kid "a" (RSA 2048-bit, JWKS key #1), …`.
    #[must_use]
    pub fn describe(&self) -> String {
        let mut names: Vec<String> = self.public.iter().map(PublicKey::describe).collect();
        names.extend(self.secrets.iter().map(|s| match &s.kid {
            Some(k) => format!("kid {:?} (HMAC secret, {})", echo(k), s.origin),
            None => s.origin.clone(),
        }));
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::{
        ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair, RsaKeyPair,
    };
    use base64::Engine;

    use super::*;
    use crate::inspect::alg::Curve;
    use crate::inspect::keys::public::pem_text;

    fn rsa_spki() -> Vec<u8> {
        let pair = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
        pair.public_key().as_der().unwrap().as_ref().to_vec()
    }

    #[test]
    fn pem_public_keys_and_pkcs1_are_read() {
        let spki = rsa_spki();
        let mut ring = KeyRing::new();
        assert_eq!(ring.add_text(&pem_text("PUBLIC KEY", &spki)).unwrap(), 1);
        assert_eq!(ring.public[0].key_type, KeyType::Rsa { bits: 2048 });
        let pkcs1 = aws_lc_rs::rsa::PublicKey::from_der(&spki).unwrap();
        ring.add_text(&pem_text("RSA PUBLIC KEY", pkcs1.as_ref()))
            .unwrap();
        assert_eq!(
            ring.public[1].spki_der(),
            spki.as_slice(),
            "PKCS#1 becomes the same SPKI"
        );
    }

    #[test]
    fn ec_jwk_and_private_pem_are_read() {
        let rng = SystemRandom::new();
        let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let mut ring = KeyRing::new();
        ring.add_text(&pem_text("PRIVATE KEY", doc.as_ref()))
            .unwrap();
        assert_eq!(ring.public[0].key_type, KeyType::Ec(Curve::P256));
        let pair =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, doc.as_ref()).unwrap();
        let point = pair.public_key().as_ref().to_vec();
        let b = |s: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let jwk = serde_json::json!({"kty":"EC","crv":"P-256","x":b(&point[1..33]),"y":b(&point[33..]),"kid":"e"});
        ring.add_text(&jwk.to_string()).unwrap();
        assert_eq!(ring.public[1].spki_der(), ring.public[0].spki_der());
    }

    #[test]
    fn bad_sources_say_what_is_wrong() {
        let mut ring = KeyRing::new();
        let e = ring.add_text("hello").unwrap_err();
        assert_eq!(e, KeyError::UnknownFormat);
        let e = ring
            .add_text(r#"{"keys":[{"kty":"RSA","kid":"a","n":"AQAB","e":"AQAB"}]}"#)
            .unwrap_err();
        assert!(e.to_string().contains("#1 (kid \"a\")"), "{e}");
        assert!(e.to_string().contains("24 bits"), "{e}");
        let e = ring
            .add_text(r#"{"kty":"EC","crv":"P-999","x":"","y":""}"#)
            .unwrap_err();
        assert!(e.to_string().contains("P-999"), "{e}");
        let e = ring
            .add_text("-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n")
            .unwrap_err();
        assert!(matches!(e, KeyError::UnsupportedPem { .. }), "{e}");
        let e = ring
            .add_text("-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----\n")
            .unwrap_err();
        assert!(matches!(e, KeyError::Pem { .. }), "{e}");
        assert!(ring.add_secret("", SecretEncoding::Text).is_err());
        assert!(ring.add_secret("***", SecretEncoding::Base64).is_err());
        assert!(ring.is_empty());
    }

    #[test]
    fn a_jwks_skips_unusable_keys_with_a_note() {
        let spki = rsa_spki();
        let key = aws_lc_rs::rsa::PublicKey::from_der(&spki).unwrap();
        let b = |s: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let n = b(key.modulus().big_endian_without_leading_zero());
        let jwks = serde_json::json!({"keys":[
            {"kty":"RSA","kid":"good","n":n,"e":"AQAB","alg":"RS256"},
            {"kty":"XYZ","kid":"odd"},
            {"kty":"oct","kid":"h","k":"c2VjcmV0"}
        ]});
        let mut ring = KeyRing::new();
        assert_eq!(ring.add_jwks(&jwks).unwrap(), 2);
        assert_eq!(ring.public[0].spki_der(), spki.as_slice());
        assert_eq!(ring.secrets[0].bytes(), b"secret");
        assert_eq!(ring.notes.len(), 1);
        assert!(ring.notes[0].contains("XYZ"), "{:?}", ring.notes);
    }
}
