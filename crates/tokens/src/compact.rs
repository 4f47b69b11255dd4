//! The compact JWS serialization: splitting and decoding segments, shared by verification and
//! the `dangerous` inspector.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use crate::error::{Error, Result, TokenPart};

/// Longest token accepted, in bytes (16 KiB). Cognito tokens are about 1 KiB.
pub const MAX_TOKEN_LEN: usize = 16 * 1024;

/// The three segments of a compact JWS, still encoded.
pub(crate) struct Compact<'a> {
    pub header: &'a str,
    pub claims: &'a str,
    pub signature: &'a str,
    /// `header.claims`, the bytes the signature covers.
    pub signing_input: &'a str,
}

/// Splits a compact JWS into exactly three parts, bounding its length first.
pub(crate) fn split(token: &str) -> Result<Compact<'_>> {
    if token.is_empty() {
        return Err(Error::MalformedToken { reason: "empty" });
    }
    if token.len() > MAX_TOKEN_LEN {
        return Err(Error::TokenTooLarge {
            len: token.len(),
            max: MAX_TOKEN_LEN,
        });
    }
    let three_parts = Error::MalformedToken {
        reason: "expected exactly three dot-separated parts",
    };
    let Some((signing_input, signature)) = token.rsplit_once('.') else {
        return Err(three_parts);
    };
    let Some((header, claims)) = signing_input.split_once('.') else {
        return Err(three_parts);
    };
    if claims.contains('.') {
        return Err(three_parts);
    }
    Ok(Compact {
        header,
        claims,
        signature,
        signing_input,
    })
}

/// Decodes one segment from canonical unpadded base64url.
pub(crate) fn decode(segment: &str, part: TokenPart) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD
        .decode(segment)
        .map_err(|_| Error::InvalidBase64 { part })
}

/// Decodes one segment as a JSON object.
pub(crate) fn decode_object(segment: &str, part: TokenPart) -> Result<Map<String, Value>> {
    let bytes = decode(segment, part)?;
    serde_json::from_slice::<Map<String, Value>>(&bytes).map_err(|e| {
        if e.classify() == serde_json::error::Category::Data {
            Error::NotAnObject { part }
        } else {
            Error::InvalidJson { part }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_counts_parts() {
        assert!(matches!(split(""), Err(Error::MalformedToken { .. })));
        assert!(matches!(split("a"), Err(Error::MalformedToken { .. })));
        assert!(matches!(split("a.b"), Err(Error::MalformedToken { .. })));
        assert!(matches!(
            split("a.b.c.d"),
            Err(Error::MalformedToken { .. })
        ));
        assert!(matches!(split("...."), Err(Error::MalformedToken { .. })));
        let c = split("a.b.c").unwrap();
        assert_eq!(
            (c.header, c.claims, c.signature, c.signing_input),
            ("a", "b", "c", "a.b")
        );
        let c = split("..").unwrap();
        assert_eq!((c.header, c.claims, c.signature), ("", "", ""));
    }

    #[test]
    fn bounds_length() {
        let big = "a".repeat(MAX_TOKEN_LEN + 1);
        assert!(matches!(split(&big), Err(Error::TokenTooLarge { .. })));
    }

    #[test]
    fn decode_object_classifies() {
        let enc = |s: &str| URL_SAFE_NO_PAD.encode(s);
        assert!(decode_object(&enc(r#"{"a":1}"#), TokenPart::Claims).is_ok());
        assert!(matches!(
            decode_object(&enc("[1]"), TokenPart::Claims),
            Err(Error::NotAnObject { .. })
        ));
        assert!(matches!(
            decode_object(&enc("{"), TokenPart::Claims),
            Err(Error::InvalidJson { .. })
        ));
        assert!(matches!(
            decode_object("e30=", TokenPart::Claims),
            Err(Error::InvalidBase64 { .. })
        ));
        assert!(matches!(
            decode_object("e3+", TokenPart::Claims),
            Err(Error::InvalidBase64 { .. })
        ));
    }
}
