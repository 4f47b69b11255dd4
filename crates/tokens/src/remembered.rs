//! The tokens a [`crate::Verifier`] has verified, kept so that the same token presented again
//! costs a lookup instead of an RSA verification.
//!
//! A client sends the same ID token with every call until it expires (an identity pool's
//! GetId and GetCredentialsForIdentity, again and again). What is kept is the verified token
//! itself, under the exact bytes that were verified: a hit compares the whole token, and its
//! times are checked again at every use, so a kept token stops being accepted the second it
//! expires. The set belongs to one key set: [`crate::Verifier`] starts a new one whenever a key
//! is added or removed, so a token is never accepted because of a key that is gone.

use std::collections::HashMap;
use std::sync::RwLock;

use crate::verify::VerifiedToken;

/// At most this many tokens are kept per key set (a few MiB at most: a token and its decoded
/// claims are under 4 KiB each).
pub(crate) const CAPACITY: usize = 1024;

struct Kept {
    token: Box<str>,
    verified: VerifiedToken,
    exp: i64,
}

/// Kept verified tokens, by their signature segment (short, and unique to a token in
/// practice; the whole token is compared on every hit).
#[derive(Default)]
pub(crate) struct Remembered {
    kept: RwLock<HashMap<Box<str>, Kept>>,
}

impl Remembered {
    /// The kept verification of exactly `token`, whose last segment is `signature`.
    pub(crate) fn get(&self, token: &str, signature: &str) -> Option<VerifiedToken> {
        let kept = self.kept.read().ok()?;
        let k = kept.get(signature)?;
        (&*k.token == token).then(|| k.verified.clone())
    }

    /// Keeps a token that has just verified. When the set is full, the expired ones go first,
    /// and if that is not enough, all of them.
    pub(crate) fn keep(
        &self,
        token: &str,
        signature: &str,
        verified: &VerifiedToken,
        exp: i64,
        now: i64,
    ) {
        let Ok(mut kept) = self.kept.write() else {
            return;
        };
        if kept.len() >= CAPACITY && !kept.contains_key(signature) {
            kept.retain(|_, k| k.exp > now);
            if kept.len() >= CAPACITY {
                kept.clear();
            }
        }
        kept.insert(
            signature.into(),
            Kept {
                token: token.into(),
                verified: verified.clone(),
                exp,
            },
        );
    }

    /// How many tokens are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.kept.read().map_or(0, |k| k.len())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::CAPACITY;
    use crate::{SigningKey, Verifier};

    const NOW: i64 = 1_700_000_000;

    #[test]
    fn verified_tokens_are_kept_up_to_the_capacity_and_refused_ones_never() {
        let key = SigningKey::generate_rs256().unwrap();
        let mut v = Verifier::from_signing_keys([&key]).unwrap();
        let sign = |i: i64| {
            key.sign_jwt(&json!({"sub": "s", "iat": NOW, "exp": NOW + 10 + i}))
                .unwrap()
        };
        let first = sign(0);
        v.verify_remembered(&first, NOW, 0).unwrap();
        v.verify_remembered(&first, NOW, 0).unwrap();
        assert_eq!(v.remembered().len(), 1, "the same token is kept once");
        assert!(v.verify_remembered(&first, NOW + 10, 0).is_err());
        assert!(v.verify_remembered("a.b.c", NOW, 0).is_err());
        assert_eq!(v.remembered().len(), 1, "refusals are not kept");

        for i in 1..CAPACITY as i64 {
            v.verify_remembered(&sign(i), NOW, 0).unwrap();
        }
        assert_eq!(v.remembered().len(), CAPACITY);
        // Full: at NOW + 510 the tokens expiring at NOW + 10 ..= NOW + 510 (501 of them) have
        // expired, and they make room.
        v.verify_remembered(&sign(5_000), NOW + 510, 0).unwrap();
        assert_eq!(v.remembered().len(), CAPACITY - 501 + 1);

        // A key added or removed starts a new set.
        v.add_signing_key(&SigningKey::generate_rs256().unwrap())
            .unwrap();
        assert_eq!(v.remembered().len(), 0);
    }
}
