//! The one signature check of the crate and the reading of an RSA JWK, shared by the
//! verification of Poolhouse's own tokens ([`crate::Verifier`]) and of other issuers'
//! ([`crate::JwkKey`]).

use aws_lc_rs::signature::{ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RsaPublicKeyComponents};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::b64::{LENIENT_URL_SAFE, strip_leading_zeros};
use crate::compact::Compact;
use crate::error::{Error, Result, TokenPart, echo};
use crate::jwks::Jwk;

/// The longest signature accepted (an 8,192-bit RSA signature).
const MAX_SIGNATURE_LEN: usize = 1024;

/// Checks a compact JWS's signature with a key parsed for its algorithm: the one signature
/// check of the crate, for pool tokens ([`Verifier`]) and foreign ones ([`crate::JwkKey`]).
pub(crate) fn check_signature(parts: &Compact<'_>, key: &ParsedPublicKey) -> Result<()> {
    let mut signature = [0u8; MAX_SIGNATURE_LEN];
    let sig_len = URL_SAFE_NO_PAD
        .decode_slice(parts.signature, &mut signature)
        .map_err(|_| Error::InvalidBase64 {
            part: TokenPart::Signature,
        })?;
    let signature = signature.get(..sig_len).ok_or(Error::InvalidSignature)?;
    key.verify_sig(parts.signing_input.as_bytes(), signature)
        .map_err(|_| Error::InvalidSignature)
}

/// The RSA public key of a JWK (`n`, `e`: 2048–8192 bits), parsed for RS256, with its
/// modulus and exponent without leading zeros.
pub(crate) fn rsa_public_key(jwk: &Jwk) -> Result<(Vec<u8>, Vec<u8>, ParsedPublicKey)> {
    let invalid = |reason| Error::InvalidJwk {
        kid: jwk.kid.as_deref().map(echo),
        reason,
    };
    let n = decode_unsigned(&jwk.n).ok_or_else(|| invalid("n is not base64url"))?;
    let e = decode_unsigned(&jwk.e).ok_or_else(|| invalid("e is not base64url"))?;
    if !(256..=1024).contains(&n.len()) {
        return Err(invalid("modulus must be 2048 to 8192 bits"));
    }
    if e.is_empty() || e.len() > 8 {
        return Err(invalid("exponent is empty or too large"));
    }
    let parsed = RsaPublicKeyComponents { n: &n, e: &e }
        .to_parsed_public_key(&RSA_PKCS1_2048_8192_SHA256)
        .map_err(|_| invalid("not a valid RSA public key"))?;
    Ok((n, e, parsed))
}

/// Decodes a JWK big-endian integer, tolerating padding and stripping leading zero bytes.
fn decode_unsigned(value: &str) -> Option<Vec<u8>> {
    LENIENT_URL_SAFE.decode(value).ok().map(strip_leading_zeros)
}
