//! The base64 flavours and big-endian helpers the token code shares.

use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// base64url that reads `=` padding as well as its absence: for JWKs from other issuers and
/// for pasted tokens (whose padding the inspector reports).
pub(crate) const LENIENT_URL_SAFE: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A big-endian integer without its leading zero bytes (as JWKs write `n` and `e`).
pub(crate) fn strip_leading_zeros(mut bytes: Vec<u8>) -> Vec<u8> {
    let zeros = bytes.iter().take_while(|b| **b == 0).count();
    bytes.drain(..zeros);
    bytes
}
