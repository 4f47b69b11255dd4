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

/// At most this many tokens are kept per key set: a user pool's ID token and its decoded
/// claims take 2-4 KiB, so a full set is a few MiB (at most 32 MiB, with every token at
/// [`crate::MAX_TOKEN_LEN`]).
pub(crate) const CAPACITY: usize = 1024;

struct Kept<T> {
    token: Box<str>,
    verified: T,
    exp: i64,
}

/// Kept verified tokens, by their signature segment (short, and unique to a token in
/// practice; the whole token is compared on every hit).
pub(crate) struct Remembered<T> {
    kept: RwLock<HashMap<Box<str>, Kept<T>>>,
}

impl<T> Default for Remembered<T> {
    fn default() -> Self {
        Self {
            kept: RwLock::default(),
        }
    }
}

impl<T: Clone> Remembered<T> {
    /// The kept verification of exactly `token`, whose last segment is `signature`.
    pub(crate) fn get(&self, token: &str, signature: &str) -> Option<T> {
        let kept = self.kept.read().ok()?;
        let k = kept.get(signature)?;
        (&*k.token == token).then(|| k.verified.clone())
    }

    /// Keeps a token that has just verified. When the set is full, the expired ones go first,
    /// and if that is not enough, all of them.
    pub(crate) fn keep(&self, token: &str, signature: &str, verified: &T, exp: i64, now: i64) {
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
