//! Poolhouse's JWT foundation.
//!
//! This crate owns everything cryptographic about tokens:
//!
//! - **Key material** — [`SigningKey`]: RS256 (RSA-2048) keys with a random `kid`, PKCS#8
//!   import/export, the key pair parsed once and reused for every signature.
//! - **Encryption at rest** — [`seal`] / [`open`] with AES-256-GCM under a [`MasterKey`], the
//!   associated data binding a sealed private key to its `kid`.
//! - **Signing** — [`SigningKey::sign_jwt`] writes the compact JWS itself with Cognito's header
//!   shape `{"kid":…,"alg":"RS256"}`.
//! - **JWKS** — [`SigningKey::public_jwk`], [`Jwk`], [`Jwks`] (`{"keys":[...]}`).
//! - **Verification** — [`Verifier`] caches an aws-lc-rs `ParsedPublicKey` per `kid` and checks
//!   structure, algorithm (RS256 only; `none` and `HS*` refused as algorithm confusion),
//!   signature and `exp`/`nbf`/`iat` against a time the caller passes in (never the system
//!   clock). Issuer, client and `token_use` checks are helpers on [`VerifiedToken`].
//! - **Other issuers' tokens** — [`JwkKey`]: one JWK from a foreign JWKS (RSA for RS256, EC
//!   P-256 for ES256) parsed for its one algorithm; [`JwkKey::verify`] checks `alg` against
//!   an explicit allow-list ([`JwsAlgorithm`]) and the key, then the signature, with the same
//!   code as [`Verifier`], and answers the header and claims ([`VerifiedJws`]). Issuer,
//!   audience, times and nonce stay the caller's (the `federation` crate's) policy.
//! - **Opaque secrets** — refresh tokens and challenge sessions ([`new_opaque_token`], stored
//!   as [`opaque_digest`]) and Cognito's `SECRET_HASH` ([`secret_hash_matches`]).
//! - **Inspection** — unverified decoding lives only in [`dangerous`] and the token inspector
//!   [`inspect`] (decode anything, verify against given keys with an explained checklist,
//!   make test tokens).
//!
//! The crypto backend is `aws-lc-rs` (never a pure-Rust RSA backend: the design's performance
//! reference measured one at a tenth of aws-lc-rs's RS256 verify rate). This crate must not depend on storage or transport
//! crates: callers persist sealed keys and serve the JWKS.

pub mod dangerous;
pub mod inspect;

mod b64;
mod claims;
mod compact;
mod error;
mod jwks;
mod jws;
mod key;
mod mac;
mod opaque;
mod remembered;
mod secret;
mod signature;
pub mod srp;
mod verify;

pub use compact::MAX_TOKEN_LEN;
pub use error::{Error, Result, TokenPart};
pub use jwks::{Jwk, Jwks};
pub use jws::{JwkKey, JwsAlgorithm, VerifiedJws};
pub use key::{MAX_KID_LEN, SigningKey, new_jti, random_kid};
pub use mac::{MAC_LEN, MacKey};
pub use opaque::{
    at_hash, new_opaque_token, opaque_digest, pwned_hash, random_bytes, secret_hash,
    secret_hash_matches, sha256_base64url,
};
pub use secret::{MasterKey, SecretBytes, open, seal};
pub use verify::{VerifiedToken, Verifier};
