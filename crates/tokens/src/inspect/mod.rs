//! The token inspector: decode anything pasted, verify it against keys the caller gives, and
//! explain every check; and make test tokens.
//!
//! - [`decode`] never fails and never panics: it answers a [`Decoded`] that says what the
//!   input is (JWS, unsigned, JWE, not a token), what was noticed ([`Finding`]) and where
//!   parsing stopped ([`DecodeError`]). Input is bounded ([`MAX_INPUT_LEN`]) and so is JSON
//!   nesting ([`MAX_JSON_DEPTH`]); duplicate members are reported.
//! - [`KeyRing`] reads key sources: JWKS, JWK, PEM public keys (SPKI and PKCS#1), X.509
//!   certificates, private keys (their public half) and HMAC secrets.
//! - [`explain`] runs the checklist ([`Check`]) — structure, algorithm (with `alg: none` and
//!   algorithm confusion called attacks), signature, `exp`/`nbf`/`iat` against a `now` the
//!   caller passes with a skew, `iss`, `aud`/`client_id`, `token_use` — and [`Verdict::of`]
//!   sums it up. Revocation needs the store and is the caller's to add.
//! - [`encode_test_token`] signs claims with a private key, a secret or a pool's key, marked
//!   as a test token in the header ([`TEST_TOKEN_HEADER`]).
//!
//! Nothing here reads the system clock. Decoded values are not authentic until [`explain`]
//! says the signature passed; the sign-in engine uses [`crate::Verifier`], not this.

mod alg;
mod claims;
mod decode;
mod encode;
mod explain;
mod json;
mod keys;

pub use alg::{Alg, Curve, KeyFamily};
pub use claims::{
    ClaimRow, ClaimTime, claim_meaning, claim_rows, numeric_date, relative, rfc3339, span,
};
pub use decode::{
    DecodeError, Decoded, Finding, MAX_INPUT_LEN, MAX_NESTING, Part, Payload, TEST_TOKEN_HEADER,
    TokenKind, decode,
};
pub use encode::{
    EncodeError, EncodeKey, MAX_DURATION_SECS, TestToken, encode_test_token, parse_duration,
    sign_with_pem,
};
pub use explain::{Check, CheckName, CheckResult, Expectations, Verdict, explain};
pub use json::MAX_JSON_DEPTH;
pub use keys::{HmacSecret, KeyError, KeyRing, KeyType, MAX_KEYS, PublicKey, SecretEncoding};
