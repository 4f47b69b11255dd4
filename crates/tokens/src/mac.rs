//! Tags for values the store hands out and takes back unchanged (pagination tokens): HMAC-SHA256
//! under a key derived from the store's [`MasterKey`], so only this store can make a tag its
//! verification accepts.

use std::fmt;

use aws_lc_rs::hmac;

use crate::MasterKey;

/// Length of a tag, in bytes.
pub const MAC_LEN: usize = 32;

/// An HMAC-SHA256 key for one purpose. `Debug` prints `[redacted]`.
pub struct MacKey(hmac::Key);

impl MacKey {
    /// The key for `purpose`, derived from the master key (one HKDF-Expand block: distinct
    /// purposes get independent keys, and none of them is the master key itself).
    #[must_use]
    pub fn derive(master: &MasterKey, purpose: &str) -> MacKey {
        let prk = hmac::Key::new(hmac::HMAC_SHA256, master.expose_secret());
        let mut info = Vec::with_capacity(purpose.len() + 1);
        info.extend_from_slice(purpose.as_bytes());
        info.push(1);
        let okm = hmac::sign(&prk, &info);
        MacKey(hmac::Key::new(hmac::HMAC_SHA256, okm.as_ref()))
    }

    /// The tag of `parts` (each length-prefixed, so that no two lists of parts collide).
    #[must_use]
    pub fn tag(&self, parts: &[&[u8]]) -> [u8; MAC_LEN] {
        let mut out = [0u8; MAC_LEN];
        out.copy_from_slice(hmac::sign(&self.0, &message(parts)).as_ref());
        out
    }

    /// Whether `tag` is the tag of `parts`, compared in constant time.
    #[must_use]
    pub fn verify(&self, parts: &[&[u8]], tag: &[u8]) -> bool {
        hmac::verify(&self.0, &message(parts), tag).is_ok()
    }
}

/// `parts`, each prefixed with its length.
fn message(parts: &[&[u8]]) -> Vec<u8> {
    let mut msg = Vec::with_capacity(parts.iter().map(|p| p.len() + 8).sum());
    for part in parts {
        msg.extend_from_slice(&(part.len() as u64).to_be_bytes());
        msg.extend_from_slice(part);
    }
    msg
}

impl fmt::Debug for MacKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MacKey([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_verify_only_under_their_key_purpose_and_parts() {
        let master = MasterKey::from_bytes(&[7; 32]).unwrap();
        let other = MasterKey::from_bytes(&[8; 32]).unwrap();
        let k = MacKey::derive(&master, "pages");
        let tag = k.tag(&[b"scope", b"cursor"]);
        assert!(k.verify(&[b"scope", b"cursor"], &tag));
        assert!(!k.verify(&[b"scope", b"cursoR"], &tag));
        assert!(
            !k.verify(&[b"scopec", b"ursor"], &tag),
            "parts are delimited"
        );
        assert!(!MacKey::derive(&master, "other").verify(&[b"scope", b"cursor"], &tag));
        assert!(!MacKey::derive(&other, "pages").verify(&[b"scope", b"cursor"], &tag));
        assert!(!k.verify(&[b"scope", b"cursor"], &tag[..16]));
    }
}
