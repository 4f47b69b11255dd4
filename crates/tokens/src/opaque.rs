//! Opaque secrets handed to clients — refresh tokens and challenge sessions — and Cognito's
//! `SECRET_HASH`.
//!
//! An opaque token is 32 random bytes as unpadded base64url. The store keeps only its SHA-256
//! digest, so a copy of the store cannot be used to sign anyone in.

use aws_lc_rs::{digest, hmac};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

use crate::{Error, Result};

/// The length of an opaque token's random part, in bytes.
const OPAQUE_BYTES: usize = 32;

/// A fresh opaque token: 32 random bytes, unpadded base64url (43 characters).
pub fn new_opaque_token() -> Result<String> {
    let mut bytes = [0u8; OPAQUE_BYTES];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| Error::Randomness)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// Fills `buf` from the system's secure random source.
pub fn random_bytes(buf: &mut [u8]) -> Result<()> {
    aws_lc_rs::rand::fill(buf).map_err(|_| Error::Randomness)
}

/// The digest the store keeps for an opaque token (SHA-256 of its text).
pub fn opaque_digest(token: &str) -> Vec<u8> {
    digest::digest(&digest::SHA256, token.as_bytes())
        .as_ref()
        .to_vec()
}

/// Unpadded base64url of the SHA-256 of `text`: PKCE's S256 challenge of a verifier (RFC 7636
/// §4.2).
pub fn sha256_base64url(text: &str) -> String {
    URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, text.as_bytes()).as_ref())
}

/// An ID token's `at_hash` for the RS256-signed `access_token` it is issued with (OpenID
/// Connect Core §3.1.3.6): unpadded base64url of the left half of the SHA-256 of its text.
pub fn at_hash(access_token: &str) -> String {
    let d = digest::digest(&digest::SHA256, access_token.as_bytes());
    URL_SAFE_NO_PAD.encode(&d.as_ref()[..16])
}

/// The uppercase hex SHA-1 of a password, as the Pwned Passwords lists write it. (SHA-1 is the
/// lists' format, used here only to look a password up, never to store one.)
pub fn pwned_hash(password: &str) -> String {
    digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, password.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect()
}

/// Cognito's `SECRET_HASH`: base64 of HMAC-SHA256 keyed by the client secret over
/// `username ‖ client_id`.
pub fn secret_hash(client_secret: &str, username: &str, client_id: &str) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, client_secret.as_bytes());
    let mut ctx = hmac::Context::with_key(&key);
    ctx.update(username.as_bytes());
    ctx.update(client_id.as_bytes());
    STANDARD.encode(ctx.sign().as_ref())
}

/// Whether `given` is the `SECRET_HASH` for this client and username, compared in constant
/// time.
pub fn secret_hash_matches(
    given: &str,
    client_secret: &str,
    username: &str,
    client_id: &str,
) -> bool {
    let Ok(tag) = STANDARD.decode(given.trim()) else {
        return false;
    };
    let key = hmac::Key::new(hmac::HMAC_SHA256, client_secret.as_bytes());
    let mut msg = Vec::with_capacity(username.len() + client_id.len());
    msg.extend_from_slice(username.as_bytes());
    msg.extend_from_slice(client_id.as_bytes());
    hmac::verify(&key, &msg, &tag).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_hash_is_the_left_half_of_the_sha256_as_openid_connect_core_shows() {
        // OpenID Connect Core 1.0, Appendix A.4's access token and its at_hash.
        assert_eq!(
            at_hash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"),
            "77QmUPtjPfzWtF2AnpK9RQ"
        );
    }

    #[test]
    fn opaque_tokens_are_random_and_url_safe() {
        let a = new_opaque_token().unwrap();
        let b = new_opaque_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_eq!(opaque_digest(&a), opaque_digest(&a));
        assert_ne!(opaque_digest(&a), opaque_digest(&b));
        assert_eq!(opaque_digest(&a).len(), 32);
    }

    #[test]
    fn pwned_hashes_are_uppercase_sha1() {
        // SHA-1("password"), as every breach list has it.
        assert_eq!(
            pwned_hash("password"),
            "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8"
        );
    }

    #[test]
    fn secret_hash_matches_the_published_construction() {
        // HMAC-SHA256(key="secret", "alice" + "client") computed independently (Python:
        // base64.b64encode(hmac.new(b"secret", b"aliceclient", hashlib.sha256).digest())).
        let h = secret_hash("secret", "alice", "client");
        assert_eq!(h, "RTsve+FQ659UKyESgvLg9GYmZEL+QjzQsW/OjL77/b0=");
        assert!(secret_hash_matches(&h, "secret", "alice", "client"));
        assert!(!secret_hash_matches(&h, "secret", "alicf", "client"));
        assert!(!secret_hash_matches(&h, "other", "alice", "client"));
        assert!(!secret_hash_matches(
            "not base64!",
            "secret",
            "alice",
            "client"
        ));
        assert!(!secret_hash_matches("", "secret", "alice", "client"));
    }
}
