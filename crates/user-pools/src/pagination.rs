//! Opaque pagination tokens: a base64url cursor with an HMAC tag under a key only the store
//! has ([`key`], derived from its master key), over the cursor and the query that issued it. A
//! token from one filter cannot be replayed against another, and an edited one is refused.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokens::{MAC_LEN, MacKey, MasterKey};

use crate::{Error, Result};

/// The key that tags this store's pagination tokens.
pub fn key(master: &MasterKey) -> MacKey {
    MacKey::derive(master, "poolhouse pagination tokens v1")
}

/// Encodes a cursor for the query described by `scope`: the tag, then the cursor's JSON.
pub fn encode<T: Serialize>(key: &MacKey, scope: &str, cursor: &T) -> String {
    let json = serde_json::to_vec(cursor).unwrap_or_default();
    let mut bytes = Vec::with_capacity(MAC_LEN + json.len());
    bytes.extend_from_slice(&key.tag(&[scope.as_bytes(), &json]));
    bytes.extend_from_slice(&json);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes a token issued by [`encode`] under the same key for the same `scope`.
pub fn decode<T: DeserializeOwned>(key: &MacKey, scope: &str, token: &str) -> Result<T> {
    let bytes = URL_SAFE_NO_PAD
        .decode(token.trim())
        .map_err(|_| Error::InvalidToken)?;
    if bytes.len() < MAC_LEN {
        return Err(Error::InvalidToken);
    }
    let (tag, json) = bytes.split_at(MAC_LEN);
    if !key.verify(&[scope.as_bytes(), json], tag) {
        return Err(Error::InvalidToken);
    }
    serde_json::from_slice(json).map_err(|_| Error::InvalidToken)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn master(byte: u8) -> MasterKey {
        MasterKey::from_bytes(&[byte; 32]).unwrap()
    }

    #[test]
    fn tokens_round_trip_only_for_their_query_and_store() {
        let k = key(&master(1));
        let t = encode(&k, "pool-a|email", &(5_i64, "x".to_string()));
        let back: (i64, String) = decode(&k, "pool-a|email", &t).unwrap();
        assert_eq!(back, (5, "x".into()));
        assert!(decode::<(i64, String)>(&k, "pool-b|email", &t).is_err());
        assert!(decode::<(i64, String)>(&k, "pool-a|email", "garbage!").is_err());
        assert!(decode::<(i64, String)>(&key(&master(2)), "pool-a|email", &t).is_err());
        assert!(
            t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
            "URL-safe: {t}"
        );
    }

    #[test]
    fn an_edited_token_is_refused() {
        let k = key(&master(1));
        let t = encode(&k, "q", &(5_i64, "x".to_string()));
        let mut bytes = URL_SAFE_NO_PAD.decode(&t).unwrap();
        let json = String::from_utf8(bytes.split_off(MAC_LEN)).unwrap();
        bytes.extend_from_slice(json.replace('5', "9").as_bytes());
        let edited = URL_SAFE_NO_PAD.encode(&bytes);
        assert!(decode::<(i64, String)>(&k, "q", &edited).is_err());
    }
}
