//! The crate's one error type.

use std::fmt;

/// Which of the three segments of a compact JWS an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenPart {
    /// The JOSE header (first segment).
    Header,
    /// The claims / payload (second segment).
    Claims,
    /// The signature (third segment).
    Signature,
}

impl fmt::Display for TokenPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TokenPart::Header => "header",
            TokenPart::Claims => "claims",
            TokenPart::Signature => "signature",
        })
    }
}

/// Everything that can go wrong in key handling, sealing, signing and verifying.
///
/// Values taken from an untrusted token (`alg`, `kid`, claim values) are truncated before they
/// are stored in an error, and token bodies never are.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An SRP value from a client was malformed or invalid.
    #[error("SRP: {0}")]
    Srp(&'static str),

    /// The system random number generator failed.
    #[error("the system random number generator failed")]
    Randomness,

    /// RSA key generation failed inside the crypto backend.
    #[error("RSA key generation failed")]
    KeyGeneration,

    /// PKCS#8 bytes were not an acceptable RSA private key (2048–8192 bits).
    #[error("invalid RSA private key: {reason}")]
    InvalidPrivateKey {
        /// The backend's reason.
        reason: &'static str,
    },

    /// A key id was empty, too long or contained control characters.
    #[error("invalid key id: {reason}")]
    InvalidKid {
        /// What is wrong with it.
        reason: &'static str,
    },

    /// Claims could not be serialized to a JSON object.
    #[error("claims could not be serialized: {0}")]
    ClaimsSerialization(#[source] serde_json::Error),

    /// Claims to be signed were not a JSON object.
    #[error("claims to sign must be a JSON object")]
    ClaimsToSignNotObject,

    /// The crypto backend failed to produce a signature.
    #[error("signing failed")]
    Signing,

    /// AES-256-GCM sealing failed inside the crypto backend.
    #[error("encryption failed")]
    SealFailed,

    /// Sealed data was shorter than a nonce plus a tag, so it cannot be ours.
    #[error("sealed data is too short ({len} bytes)")]
    SealedTooShort {
        /// Its length in bytes.
        len: usize,
    },

    /// Sealed data failed authentication: tampered, wrong master key, or wrong associated data.
    #[error("sealed data could not be opened (tampered, wrong key, or wrong associated data)")]
    OpenFailed,

    /// A JWKS document did not have the `{"keys":[...]}` shape.
    #[error("invalid JWKS: {reason}")]
    InvalidJwks {
        /// What is wrong with it.
        reason: &'static str,
    },

    /// A JWK was unusable as a verification key (RS256 RSA, or ES256 EC P-256 for
    /// [`crate::JwkKey`]).
    #[error("invalid JWK (kid {kid:?}): {reason}")]
    InvalidJwk {
        /// Its `kid`, if it had one (truncated).
        kid: Option<String>,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// Two keys with the same `kid` were added to one verifier.
    #[error("duplicate key id {kid:?}")]
    DuplicateKid {
        /// The repeated key id (truncated).
        kid: String,
    },

    /// The token was empty or did not have exactly three dot-separated parts.
    #[error("malformed token: {reason}")]
    MalformedToken {
        /// What is wrong with it.
        reason: &'static str,
    },

    /// The token is longer than this crate accepts.
    #[error("token is {len} bytes, more than the {max} accepted")]
    TokenTooLarge {
        /// Its length in bytes.
        len: usize,
        /// The limit, [`crate::MAX_TOKEN_LEN`].
        max: usize,
    },

    /// A segment was not canonical unpadded base64url.
    #[error("token {part} is not valid base64url")]
    InvalidBase64 {
        /// Which segment.
        part: TokenPart,
    },

    /// A segment decoded to bytes that are not JSON.
    #[error("token {part} is not valid JSON")]
    InvalidJson {
        /// Which segment.
        part: TokenPart,
    },

    /// A segment decoded to JSON that is not an object.
    #[error("token {part} is not a JSON object")]
    NotAnObject {
        /// Which segment.
        part: TokenPart,
    },

    /// The header has no string `alg`.
    #[error("token header has no algorithm")]
    MissingAlgorithm,

    /// The header says `alg: none` — an unsigned token, refused as algorithm confusion.
    #[error("unsigned token (alg none) refused")]
    AlgorithmNone,

    /// The header names an HMAC algorithm (HS256/384/512) — refused as algorithm confusion,
    /// since a public key must never be used as an HMAC secret.
    #[error("symmetric algorithm {alg:?} refused")]
    SymmetricAlgorithm {
        /// The `alg` found (truncated).
        alg: String,
    },

    /// The header names an algorithm that is not accepted (only RS256 for Poolhouse's own
    /// tokens; the caller's allow-list for other issuers').
    #[error("unsupported algorithm {alg:?}; accepted: {accepted}")]
    UnsupportedAlgorithm {
        /// The `alg` found (truncated).
        alg: String,
        /// The accepted algorithms, comma-separated.
        accepted: String,
    },

    /// The header names an accepted algorithm that is not the one the key verifies (an RS256
    /// header over an EC key, ES256 over an RSA key).
    #[error("token alg {alg} does not fit the key, which verifies {key} only")]
    KeyAlgorithmMismatch {
        /// The token's `alg`.
        alg: &'static str,
        /// The key's algorithm.
        key: &'static str,
    },

    /// The header has a `crit` parameter; no extensions are understood, so it is refused.
    #[error("token header declares critical extensions, none of which are supported")]
    UnsupportedCritical,

    /// The header's `b64` is not `true`: RFC 7797's unencoded payload, which changes the
    /// signed bytes and is not supported. Reading such a token as an ordinary one would verify
    /// a different message than its signer meant, so it is refused.
    #[error("token header sets b64 (RFC 7797 unencoded payload), which is not supported")]
    UnencodedPayload,

    /// The header has no string `kid`.
    #[error("token header has no key id")]
    MissingKid,

    /// No key with the header's `kid` is known to the verifier.
    #[error("unknown key id {kid:?}")]
    UnknownKid {
        /// The `kid` found (truncated).
        kid: String,
    },

    /// The signature does not verify with the key named by `kid`.
    #[error("invalid token signature")]
    InvalidSignature,

    /// A required claim is absent.
    #[error("required claim {claim} is missing")]
    MissingClaim {
        /// The claim's name.
        claim: &'static str,
    },

    /// A time claim is not a number.
    #[error("claim {claim} is not a numeric date")]
    InvalidClaim {
        /// The claim's name.
        claim: &'static str,
    },

    /// `exp` is at or before `now - skew`.
    #[error("token expired at {exp} (now {now})")]
    Expired {
        /// The token's `exp`.
        exp: i64,
        /// The time checked against.
        now: i64,
    },

    /// `nbf` is after `now + skew`.
    #[error("token not valid before {nbf} (now {now})")]
    NotYetValid {
        /// The token's `nbf`.
        nbf: i64,
        /// The time checked against.
        now: i64,
    },

    /// `iat` is after `now + skew`.
    #[error("token issued in the future at {iat} (now {now})")]
    IssuedInFuture {
        /// The token's `iat`.
        iat: i64,
        /// The time checked against.
        now: i64,
    },

    /// `iss` is absent or differs from the expected issuer.
    #[error("issuer mismatch: expected {expected:?}, found {found:?}")]
    IssuerMismatch {
        /// The issuer the caller expected.
        expected: String,
        /// The issuer in the token, if any (truncated).
        found: Option<String>,
    },

    /// `token_use` is absent or differs from the expected one (`id` / `access`).
    #[error("token_use mismatch: expected {expected:?}, found {found:?}")]
    TokenUseMismatch {
        /// The token use the caller expected.
        expected: String,
        /// The token use in the token, if any (truncated).
        found: Option<String>,
    },

    /// Neither `aud` nor `client_id` names the expected app client.
    #[error("client mismatch: expected {expected:?}")]
    ClientMismatch {
        /// The client id the caller expected.
        expected: String,
    },
}

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Longest untrusted string kept in an error.
const MAX_ECHO: usize = 64;

/// Copies at most [`MAX_ECHO`] characters of an untrusted value into an error.
pub(crate) fn echo(value: &str) -> String {
    match value.char_indices().nth(MAX_ECHO) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}
