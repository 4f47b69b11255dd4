//! JSON Web Keys and key sets, in the shape Cognito publishes at `/.well-known/jwks.json`.
//!
//! Only the wire shapes live here: [`crate::SigningKey`] builds them (its `jwk`, and
//! `Jwks::from_signing_keys` beside it), so this module depends on nothing else in the crate.

use serde::{Deserialize, Serialize};

/// One JSON Web Key: RSA (`n`, `e`) or EC (`crv`, `x`, `y`). Poolhouse's own keys are RSA; an
/// EC key comes from another issuer's JWKS ([`crate::JwkKey`]). Other kinds deserialize (so a
/// foreign JWKS parses) and are skipped by the verifier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Jwk {
    /// `alg`, e.g. `RS256`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// RSA public exponent, base64url, big-endian (empty for other key types).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub e: String,
    /// Key id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// Key type, `RSA` for ours.
    pub kty: String,
    /// RSA modulus, base64url, big-endian (empty for other key types).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub n: String,
    /// EC curve, `P-256` for ES256 (absent for RSA keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    /// EC x coordinate, base64url, big-endian, full field length (absent for RSA keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// EC y coordinate, base64url, big-endian, full field length (absent for RSA keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
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
