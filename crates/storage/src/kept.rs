//! Rows decoded once and kept while the store's configuration revision stands.
//!
//! Pools, app clients and identity pools are read on every sign-in, token request and
//! credential exchange, and each row carries JSON documents to decode. Every write to them bumps
//! the configuration revision ([`crate::bump_config_revision`], in any process), so what was
//! decoded at one revision may be reused until the revision moves. One [`Kept`] per kind of
//! row and key; [`through`] is the read path they share.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;

use crate::{Read, Result, config_revision};

/// Values by key, all read at one configuration revision. A value kept at another revision is
/// never returned: the first `put` at a new revision starts over.
pub(crate) struct Kept<K, V> {
    inner: Mutex<Inner<K, V>>,
    /// More values than this and the map starts over (a bound, not a tuning knob).
    max: usize,
}

struct Inner<K, V> {
    revision: i64,
    by_key: HashMap<K, V>,
}

impl<K: Eq + Hash, V: Clone> Kept<K, V> {
    pub(crate) fn new(max: usize) -> Self {
        Self {
            inner: Mutex::new(Inner {
                revision: 0,
                by_key: HashMap::new(),
            }),
            max,
        }
    }

    /// The value kept for `key` at `revision`, if any.
    pub(crate) fn get<Q>(&self, revision: i64, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Eq + Hash + ?Sized,
    {
        let kept = self.inner.lock().ok()?;
        if kept.revision != revision {
            return None;
        }
        kept.by_key.get(key).cloned()
    }

    /// Keeps `value` as read at `revision`.
    pub(crate) fn put(&self, revision: i64, key: K, value: V) {
        let Ok(mut kept) = self.inner.lock() else {
            return;
        };
        if kept.revision != revision || kept.by_key.len() >= self.max {
            kept.by_key.clear();
            kept.revision = revision;
        }
        kept.by_key.insert(key, value);
    }
}

/// The value for `key`: kept, while the revision stands, else read with `read` and kept —
/// only when `r` reads committed data (a write transaction may still roll back, so it reads
/// what is kept but never fills it).
pub(crate) fn through<R, K, Q, V>(
    r: &R,
    kept: &Kept<K, V>,
    key: &Q,
    read: impl FnOnce(&R) -> Result<Option<V>>,
) -> Result<Option<V>>
where
    R: Read,
    K: Eq + Hash + Borrow<Q>,
    Q: Eq + Hash + ToOwned<Owned = K> + ?Sized,
    V: Clone,
{
    let revision = config_revision(r)?;
    if let Some(v) = kept.get(revision, key) {
        return Ok(Some(v));
    }
    let found = read(r)?;
    if let Some(v) = &found
        && r.fills_cache()
    {
        kept.put(revision, key.to_owned(), v.clone());
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::Kept;

    #[test]
    fn a_value_is_returned_only_at_the_revision_it_was_kept_at() {
        let kept: Kept<String, u32> = Kept::new(8);
        kept.put(3, "a".into(), 1);
        assert_eq!(kept.get(3, "a"), Some(1));
        assert_eq!(kept.get(4, "a"), None);
        assert_eq!(kept.get(3, "b"), None);
        // A put at a new revision drops what was kept at the old one.
        kept.put(4, "b".into(), 2);
        assert_eq!(kept.get(4, "a"), None);
        assert_eq!(kept.get(4, "b"), Some(2));
    }

    #[test]
    fn a_full_map_starts_over() {
        let kept: Kept<i64, i64> = Kept::new(2);
        kept.put(1, 1, 10);
        kept.put(1, 2, 20);
        kept.put(1, 3, 30);
        assert_eq!(kept.get(1, &1), None);
        assert_eq!(kept.get(1, &3), Some(30));
    }
}
