//! RS256 signing keys: generation, PKCS#8 import/export, compact JWS signing, public JWK and
//! JWKS.

use std::fmt;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{KeyPair, RSA_PKCS1_SHA256, RsaKeyPair, RsaPublicKeyComponents};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

use crate::b64::strip_leading_zeros;
use crate::error::{Error, Result};
use crate::jwks::{Jwk, Jwks};
use crate::secret::{MasterKey, SecretBytes, open, seal};

/// Longest key id accepted on import.
pub const MAX_KID_LEN: usize = 256;

/// An RS256 signing key: a `kid`, the PKCS#8 private key (redacted), and the key pair parsed
/// once so that each signature costs only the RSA operation.
pub struct SigningKey {
    kid: String,
    pkcs8: SecretBytes,
    key_pair: RsaKeyPair,
    /// `base64url({"kid":…,"alg":"RS256"})`, computed once.
    header_b64: String,
    /// Public modulus, big-endian, no leading zeros.
    n: Vec<u8>,
    /// Public exponent, big-endian, no leading zeros.
    e: Vec<u8>,
}

impl SigningKey {
    /// Generates a fresh RSA-2048 key with a random 22-character URL-safe `kid`.
    ///
    /// # Errors
    /// [`Error::KeyGeneration`] or [`Error::Randomness`] if the backend fails.
    pub fn generate_rs256() -> Result<Self> {
        let key_pair = RsaKeyPair::generate(KeySize::Rsa2048).map_err(|_| Error::KeyGeneration)?;
        let pkcs8 = key_pair.as_der().map_err(|_| Error::KeyGeneration)?;
        let pkcs8 = SecretBytes::new(pkcs8.as_ref().to_vec());
        Self::assemble(random_kid()?, pkcs8, key_pair)
    }

    /// Imports a PKCS#8 DER RSA private key (2048–8192 bits) under the given `kid`.
    ///
    /// # Errors
    /// [`Error::InvalidKid`] for an empty, over-long or control-character `kid`;
    /// [`Error::InvalidPrivateKey`] if the bytes are not an acceptable RSA key.
    pub fn from_pkcs8(kid: impl Into<String>, pkcs8_der: &[u8]) -> Result<Self> {
        let kid = kid.into();
        validate_kid(&kid)?;
        let key_pair = RsaKeyPair::from_pkcs8(pkcs8_der).map_err(|e| Error::InvalidPrivateKey {
            reason: e.description_(),
        })?;
        Self::assemble(kid, SecretBytes::new(pkcs8_der.to_vec()), key_pair)
    }

    /// Opens a private key sealed by [`SigningKey::seal_private_key`] and imports it.
    ///
    /// # Errors
    /// As [`crate::open`] and [`SigningKey::from_pkcs8`].
    pub fn open_sealed(kid: impl Into<String>, master: &MasterKey, sealed: &[u8]) -> Result<Self> {
        let kid = kid.into();
        let der = open(master, sealed, kid.as_bytes())?;
        Self::from_pkcs8(kid, der.expose_secret())
    }

    fn assemble(kid: String, pkcs8: SecretBytes, key_pair: RsaKeyPair) -> Result<Self> {
        let components = RsaPublicKeyComponents::<Vec<u8>>::from(key_pair.public_key());
        Ok(Self {
            header_b64: cognito_header_b64(&kid)?,
            kid,
            pkcs8,
            key_pair,
            n: strip_leading_zeros(components.n),
            e: strip_leading_zeros(components.e),
        })
    }

    /// The key id, as it appears in token headers and the JWKS.
    #[must_use]
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The PKCS#8 DER private key. Store it only through [`SigningKey::seal_private_key`].
    #[must_use]
    pub fn pkcs8_der(&self) -> &SecretBytes {
        &self.pkcs8
    }

    /// The private key encrypted under `master`, bound to this key's `kid`.
    ///
    /// # Errors
    /// As [`crate::seal`].
    pub fn seal_private_key(&self, master: &MasterKey) -> Result<Vec<u8>> {
        seal(master, self.pkcs8.expose_secret(), self.kid.as_bytes())
    }

    /// Public modulus `n` (big-endian, no leading zeros).
    #[must_use]
    pub fn modulus(&self) -> &[u8] {
        &self.n
    }

    /// Public exponent `e` (big-endian, no leading zeros).
    #[must_use]
    pub fn exponent(&self) -> &[u8] {
        &self.e
    }

    /// The public key as a typed JWK.
    #[must_use]
    pub fn jwk(&self) -> Jwk {
        Jwk {
            alg: Some("RS256".to_owned()),
            e: URL_SAFE_NO_PAD.encode(&self.e),
            kid: Some(self.kid.clone()),
            kty: "RSA".to_owned(),
            crv: None,
            x: None,
            y: None,
            n: URL_SAFE_NO_PAD.encode(&self.n),
            key_use: Some("sig".to_owned()),
        }
    }

    /// The public key as JWK JSON:
    /// `{"alg":"RS256","e":…,"kid":…,"kty":"RSA","n":…,"use":"sig"}`.
    #[must_use]
    pub fn public_jwk(&self) -> serde_json::Value {
        serde_json::json!({
            "alg": "RS256",
            "e": URL_SAFE_NO_PAD.encode(&self.e),
            "kid": self.kid,
            "kty": "RSA",
            "n": URL_SAFE_NO_PAD.encode(&self.n),
            "use": "sig",
        })
    }

    /// Signs `claims` (a JSON object) as a compact RS256 JWS with header
    /// `{"kid":…,"alg":"RS256"}`.
    ///
    /// # Errors
    /// [`Error::ClaimsToSignNotObject`] if `claims` is not an object; [`Error::Signing`] if the
    /// backend fails.
    pub fn sign_jwt(&self, claims: &serde_json::Value) -> Result<String> {
        if !claims.is_object() {
            return Err(Error::ClaimsToSignNotObject);
        }
        self.sign_claims(claims)
    }

    /// Signs any serializable claims struct that serializes to a JSON object.
    ///
    /// # Errors
    /// [`Error::ClaimsSerialization`], [`Error::ClaimsToSignNotObject`] or [`Error::Signing`].
    pub fn sign_claims<T: Serialize + ?Sized>(&self, claims: &T) -> Result<String> {
        let payload = serde_json::to_vec(claims).map_err(Error::ClaimsSerialization)?;
        if payload.first() != Some(&b'{') {
            return Err(Error::ClaimsToSignNotObject);
        }
        let sig_len = self.key_pair.public_modulus_len();
        let mut token = String::with_capacity(
            self.header_b64.len() + 2 + (payload.len() * 4).div_ceil(3) + (sig_len * 4).div_ceil(3),
        );
        token.push_str(&self.header_b64);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&payload, &mut token);
        let mut signature = vec![0u8; sig_len];
        self.key_pair
            .sign(
                &RSA_PKCS1_SHA256,
                &aws_lc_rs::rand::SystemRandom::new(),
                token.as_bytes(),
                &mut signature,
            )
            .map_err(|_| Error::Signing)?;
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&signature, &mut token);
        Ok(token)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .field("alg", &"RS256")
            .field("private_key", &self.pkcs8)
            .finish()
    }
}

impl Jwks {
    /// The public set for some signing keys, in the given order.
    pub fn from_signing_keys<'a>(keys: impl IntoIterator<Item = &'a SigningKey>) -> Self {
        Self {
            keys: keys.into_iter().map(SigningKey::jwk).collect(),
        }
    }
}

/// A random key id: 16 random bytes as unpadded base64url (22 characters).
///
/// # Errors
/// [`Error::Randomness`] if the system RNG fails.
pub fn random_kid() -> Result<String> {
    let mut bytes = [0u8; 16];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| Error::Randomness)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// A fresh `jti` (a random UUID, as Cognito uses).
#[must_use]
pub fn new_jti() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// `base64url({"kid":…,"alg":"RS256"})`: the header Cognito (and this crate) puts on tokens.
pub(crate) fn cognito_header_b64(kid: &str) -> Result<String> {
    let kid_json = serde_json::to_string(kid).map_err(Error::ClaimsSerialization)?;
    Ok(URL_SAFE_NO_PAD.encode(format!(r#"{{"kid":{kid_json},"alg":"RS256"}}"#)))
}

pub(crate) fn validate_kid(kid: &str) -> Result<()> {
    if kid.is_empty() {
        return Err(Error::InvalidKid { reason: "empty" });
    }
    if kid.len() > MAX_KID_LEN {
        return Err(Error::InvalidKid {
            reason: "longer than 256 bytes",
        });
    }
    if kid.chars().any(char::is_control) {
        return Err(Error::InvalidKid {
            reason: "contains control characters",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_key_shape() {
        let k = SigningKey::generate_rs256().unwrap();
        assert_eq!(k.kid().len(), 22);
        assert!(
            k.kid()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(k.modulus().len(), 256);
        assert_ne!(k.modulus()[0], 0);
        assert_eq!(k.exponent(), &[1, 0, 1]);
        let other = SigningKey::generate_rs256().unwrap();
        assert_ne!(k.kid(), other.kid());
    }

    #[test]
    fn pkcs8_round_trip_keeps_public_key() {
        let k = SigningKey::generate_rs256().unwrap();
        let again = SigningKey::from_pkcs8(k.kid(), k.pkcs8_der().expose_secret()).unwrap();
        assert_eq!(again.modulus(), k.modulus());
        assert_eq!(again.public_jwk(), k.public_jwk());
    }

    #[test]
    fn sealed_private_key_round_trip_is_bound_to_kid() {
        let m = MasterKey::generate().unwrap();
        let k = SigningKey::generate_rs256().unwrap();
        let sealed = k.seal_private_key(&m).unwrap();
        let again = SigningKey::open_sealed(k.kid(), &m, &sealed).unwrap();
        assert_eq!(again.modulus(), k.modulus());
        assert!(matches!(
            SigningKey::open_sealed("another-kid", &m, &sealed),
            Err(Error::OpenFailed)
        ));
    }

    #[test]
    fn bad_imports_are_errors() {
        assert!(matches!(
            SigningKey::from_pkcs8("k", b"not a key"),
            Err(Error::InvalidPrivateKey { .. })
        ));
        assert!(matches!(
            SigningKey::from_pkcs8("", b"x"),
            Err(Error::InvalidKid { .. })
        ));
        assert!(matches!(
            SigningKey::from_pkcs8("a\nb", b"x"),
            Err(Error::InvalidKid { .. })
        ));
        assert!(matches!(
            SigningKey::from_pkcs8("k".repeat(257), b"x"),
            Err(Error::InvalidKid { .. })
        ));
    }

    #[test]
    fn header_is_cognito_shaped() {
        let k = SigningKey::from_pkcs8(
            "abc+/=",
            SigningKey::generate_rs256()
                .unwrap()
                .pkcs8_der()
                .expose_secret(),
        )
        .unwrap();
        let token = k.sign_jwt(&serde_json::json!({"sub": "x"})).unwrap();
        let header = token.split('.').next().unwrap();
        assert_eq!(
            URL_SAFE_NO_PAD.decode(header).unwrap(),
            br#"{"kid":"abc+/=","alg":"RS256"}"#
        );
    }

    #[test]
    fn jwks_serializes_as_keys_array_with_cognito_field_names() {
        let k = SigningKey::generate_rs256().unwrap();
        let set = Jwks::from_signing_keys([&k]);
        let v = serde_json::to_value(&set).unwrap();
        assert_eq!(v, serde_json::json!({"keys": [k.public_jwk()]}));
        let text = serde_json::to_string(&k.public_jwk()).unwrap();
        assert!(
            text.starts_with(r#"{"alg":"RS256","e":"AQAB","kid":""#),
            "{text}"
        );
        assert!(text.contains(r#""kty":"RSA","n":""#), "{text}");
        assert!(text.contains(r#""use":"sig""#));
        let back: Jwks = serde_json::from_value(v).unwrap();
        assert_eq!(back, set);
    }

    #[test]
    fn non_object_claims_are_refused() {
        let k = SigningKey::generate_rs256().unwrap();
        for v in [
            serde_json::json!([1]),
            serde_json::json!("s"),
            serde_json::json!(null),
        ] {
            assert!(matches!(k.sign_jwt(&v), Err(Error::ClaimsToSignNotObject)));
        }
        assert!(matches!(
            k.sign_claims(&42),
            Err(Error::ClaimsToSignNotObject)
        ));
    }

    #[test]
    fn debug_redacts_private_key() {
        let k = SigningKey::generate_rs256().unwrap();
        let dbg = format!("{k:?}");
        assert!(dbg.contains("[redacted]"));
        assert!(dbg.contains(k.kid()));
    }

    #[test]
    fn jti_is_a_uuid() {
        assert_eq!(new_jti().len(), 36);
    }
}
