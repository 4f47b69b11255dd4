//! The engine as this console runs it: an [`Engine`] built for one operation from the store,
//! the clock and the workspace, with what the engine is given — the HTTP client hooks are
//! called with (`hooks`), the breached-password list, the signing keys kept parsed per pool,
//! and the audit log under the operation's name.

use std::sync::Arc;

use storage::pools::PoolRow;
use user_pools::engine::{BreachedPasswords, Engine, Keys};
use user_pools::keys::{self, PoolKeys};

use crate::audit::OpAudit;
use crate::hooks::HttpHooks;
use crate::ops::OpCtx;
use crate::{ApiError, Console};

/// The workspace's breached-password list, if it names one.
struct BreachList<'a>(Option<&'a str>);

impl BreachedPasswords for BreachList<'_> {
    fn contains(&self, password: &str) -> user_pools::Result<bool> {
        match self.0 {
            Some(file) => crate::breach::contains(std::path::Path::new(file), password),
            None => Ok(false),
        }
    }
}

/// The console's parsed signing keys, as the engine asks for them.
struct KeptKeys<'a>(&'a Console);

/// How many keys' pools the console remembers before it starts over.
const KID_POOLS: usize = 4_096;

impl Keys for KeptKeys<'_> {
    fn pool_of_kid(&self, kid: &str) -> Option<domain::UserPoolId> {
        let kept = self.0.inner.kid_pools.lock().ok()?;
        kept.get(kid).cloned()
    }

    fn remember_kid(&self, kid: &str, pool: &domain::UserPoolId) {
        if let Ok(mut kept) = self.0.inner.kid_pools.lock() {
            if kept.len() >= KID_POOLS {
                kept.clear();
            }
            kept.insert(kid.to_owned(), pool.clone());
        }
    }

    fn pool_keys(&self, pool: &PoolRow) -> user_pools::Result<Arc<PoolKeys>> {
        let console = self.0;
        let now = console.now();
        let db = &console.inner.db;
        let loaded = db.read(|r| console.kept_keys_in(r, pool, now))?;
        if let Some(k) = loaded {
            return Ok(k);
        }
        // First use: make the pool's keys (a pool created before keys existed, or one whose
        // creation did not make them), then read them like any other.
        db.write(|tx| keys::ensure(tx, &console.inner.master, pool, now))?;
        db.read(|r| {
            keys::load(r, &console.inner.master, pool.pk, now)?
                .map(Arc::new)
                .ok_or_else(|| {
                    user_pools::Error::Internal("the pool's signing keys could not be made".into())
                })
        })
    }
}

impl Console {
    /// The pool's parsed keys as kept (read again if the configuration revision moved), in the
    /// caller's read transaction; None if the pool has no keys yet.
    pub(crate) fn kept_keys_in(
        &self,
        r: &storage::Reader<'_>,
        pool: &PoolRow,
        now: i64,
    ) -> user_pools::Result<Option<Arc<PoolKeys>>> {
        let revision = storage::config_revision(r)?;
        if let Ok(kept) = self.inner.keys.lock()
            && let Some((at, k)) = kept.get(&pool.pk)
            && *at == revision
        {
            return Ok(Some(Arc::clone(k)));
        }
        let Some(k) = keys::load(r, &self.inner.master, pool.pk, now)? else {
            return Ok(None);
        };
        let k = Arc::new(k);
        if let Ok(mut kept) = self.inner.keys.lock() {
            kept.insert(pool.pk, (revision, Arc::clone(&k)));
        }
        Ok(Some(k))
    }

    /// The pool's parsed keys, made on first use.
    pub(crate) fn pool_keys(&self, pool: &PoolRow) -> Result<Arc<PoolKeys>, ApiError> {
        Ok(KeptKeys(self).pool_keys(pool)?)
    }

    /// Runs `f` on the engine as the operation of `ctx` sees it.
    pub(crate) fn engine<T>(
        &self,
        ctx: &OpCtx<'_>,
        f: impl FnOnce(&Engine<'_>) -> user_pools::Result<T>,
    ) -> Result<T, ApiError> {
        let ws = self.workspace()?;
        let endpoint = self.known_builtin_url();
        let audit = OpAudit {
            console: self,
            actor: ctx.actor,
            op: ctx.op.name(),
        };
        let engine = Engine {
            db: &self.inner.db,
            ctx: user_pools::Ctx {
                clock: &*self.inner.clock,
                region: &ws.region,
                account: &ws.account_id,
            },
            master: &self.inner.master,
            issuer_base: ws.issuer_base_url.as_deref(),
            endpoint: endpoint.as_deref(),
            hooks: &HttpHooks {
                timeout: self.hook_timeout(),
            },
            breached: &BreachList(ws.breached_passwords_file.as_deref()),
            keys: &KeptKeys(self),
            audit: &audit,
        };
        Ok(f(&engine)?)
    }
}
