//! JSON Web Keys and key sets, in the shape Cognito publishes at `/.well-known/jwks.json`.

use serde::{Deserialize, Serialize};

use crate::key::SigningKey;

/// One JSON Web Key. Only RSA signature keys are used by this crate; other kinds deserialize
/// (so a foreign JWKS parses) and are skipped by the verifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    /// `alg`, e.g. `RS256`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// RSA public exponent, base64url, big-endian.
    #[serde(default)]
    pub e: String,
    /// Key id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// Key type, `RSA` for ours.
    pub kty: String,
    /// RSA modulus, base64url, big-endian.
    #[serde(default)]
    pub n: String,
    /// `use`, `sig` for ours.
    #[serde(rename = "use", default, skip_serializing_if = "Option::is_none")]
    pub key_use: Option<String>,
}

/// A JSON Web Key Set: `{"keys":[...]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwks {
    /// The keys.
    pub keys: Vec<Jwk>,
}

impl Jwks {
    /// The public set for some signing keys, in the given order.
    pub fn from_signing_keys<'a>(keys: impl IntoIterator<Item = &'a SigningKey>) -> Self {
        Self {
            keys: keys.into_iter().map(SigningKey::jwk).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_keys_array_with_cognito_field_names() {
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
}
