//! JSON Web Keys and key sets, in the shape Cognito publishes at `/.well-known/jwks.json`.
//!
//! Only the wire shapes live here: [`crate::SigningKey`] builds them (its `jwk`, and
//! `Jwks::from_signing_keys` beside it), so this module depends on nothing else in the crate.

use serde::{Deserialize, Serialize};

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
