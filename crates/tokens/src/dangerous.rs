//! Decoding **without** verification, for the token inspector only.
//!
//! Nothing decoded here is authentic: never make an access decision from it. Use
//! [`crate::Verifier::verify`] for that.

use serde_json::{Map, Value};

use crate::compact::{decode, decode_object, split};
use crate::error::{Result, TokenPart};

/// A token's header and claims, decoded but **not verified**.
#[derive(Debug, Clone, PartialEq)]
pub struct UnverifiedToken {
    /// The JOSE header.
    pub header: Map<String, Value>,
    /// The claims.
    pub claims: Map<String, Value>,
    /// Length of the decoded signature in bytes.
    pub signature_len: usize,
}

/// Splits and decodes a compact JWS without checking its signature, algorithm or times.
///
/// # Errors
/// The structural errors of [`crate::Verifier::verify`]: `MalformedToken`, `TokenTooLarge`,
/// `InvalidBase64`, `InvalidJson`, `NotAnObject`.
pub fn decode_unverified(token: &str) -> Result<UnverifiedToken> {
    let parts = split(token)?;
    Ok(UnverifiedToken {
        header: decode_object(parts.header, TokenPart::Header)?,
        claims: decode_object(parts.claims, TokenPart::Claims)?,
        signature_len: decode(parts.signature, TokenPart::Signature)?.len(),
    })
}

/// The `kid` a token's header names, **unverified**: only to pick the keys that then verify
/// it. Cheaper than [`decode_unverified`]: only the header is decoded, and only `kid` read.
///
/// # Errors
/// The structural errors of [`decode_unverified`] for the header; [`crate::Error::MissingKid`]
/// when it names no `kid` (or not as a string).
pub fn kid(token: &str) -> Result<String> {
    #[derive(serde::Deserialize)]
    struct Header<'a> {
        #[serde(borrow)]
        kid: Option<std::borrow::Cow<'a, str>>,
    }
    let parts = split(token)?;
    let bytes = decode(parts.header, TokenPart::Header)?;
    let header: Header<'_> =
        serde_json::from_slice(&bytes).map_err(|_| crate::Error::NotAnObject {
            part: TokenPart::Header,
        })?;
    header
        .kid
        .map(std::borrow::Cow::into_owned)
        .ok_or(crate::Error::MissingKid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SigningKey;

    #[test]
    fn decodes_without_a_key() {
        let k = SigningKey::generate_rs256().unwrap();
        let token = k
            .sign_jwt(&serde_json::json!({"sub": "u", "exp": 1}))
            .unwrap();
        let t = decode_unverified(&token).unwrap();
        assert_eq!(t.header["kid"], k.kid());
        assert_eq!(t.claims["sub"], "u");
        assert_eq!(t.signature_len, 256);
        assert_eq!(kid(&token).unwrap(), k.kid());
        assert!(kid("e30.e30.").is_err(), "a header without kid names none");
        assert!(kid("not a token").is_err());
    }
}
