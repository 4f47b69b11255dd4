//! The audit log's writers: every mutating operation runs in one transaction with its audit
//! record, and a refused one leaves a `Failure` record of its own.

use storage::audit::{self, AuditEvent, Outcome};

use crate::ops::shared::Empty;
use crate::ops::{Op, OpCtx};
use crate::{Actor, ApiError, Console};

/// The audit log as the engine writes to it, for one operation and its caller.
pub(crate) struct OpAudit<'a> {
    pub console: &'a Console,
    pub actor: &'a Actor,
    /// The operation's name, the label of its records.
    pub op: &'a str,
}

impl user_pools::engine::Audit for OpAudit<'_> {
    fn record(
        &self,
        tx: &storage::Tx<'_>,
        entry: &user_pools::engine::Entry<'_>,
        refusal: Option<&user_pools::Error>,
    ) -> user_pools::Result<()> {
        let (outcome, error_code, message) = match refusal.map(ApiError::of) {
            None => (Outcome::Success, None, None),
            Some(e) => (
                Outcome::Failure,
                Some(e.code.as_str().to_string()),
                Some(e.message.chars().take(500).collect()),
            ),
        };
        audit::insert(
            tx,
            &AuditEvent {
                id: 0,
                at: self.console.now(),
                actor: self.actor.to_string(),
                operation: entry.side.unwrap_or(self.op).into(),
                pool_id: entry.pool_id.map(str::to_string),
                target: entry.target.map(str::to_string),
                target_label: None,
                outcome,
                error_code,
                message,
            },
        )?;
        Ok(())
    }

    fn record_refusal(&self, entry: &user_pools::engine::Entry<'_>, err: &user_pools::Error) {
        self.console.record_failure(
            self.actor,
            entry.side.unwrap_or(self.op),
            entry.pool_id,
            entry.target,
            &ApiError::of(err),
        );
    }
}

impl Console {
    fn record(&self, tx: &storage::Tx<'_>, e: AuditEvent) -> Result<(), ApiError> {
        audit::insert(tx, &e)?;
        Ok(())
    }

    /// Records a refused operation (in its own transaction, since the operation's rolled back).
    pub(crate) fn record_failure(
        &self,
        actor: &Actor,
        op: &str,
        pool_id: Option<&str>,
        target: Option<&str>,
        err: &ApiError,
    ) {
        let event = AuditEvent {
            id: 0,
            at: self.now(),
            actor: actor.to_string(),
            operation: op.into(),
            pool_id: pool_id.map(str::to_string),
            target: target.map(str::to_string),
            target_label: None,
            outcome: Outcome::Failure,
            error_code: Some(err.code.as_str().into()),
            message: Some(err.message.chars().take(500).collect()),
        };
        let written: Result<(), ApiError> = self.inner.db.write(|tx| self.record(tx, event));
        if let Err(e) = written {
            tracing::error!(error = %e, op, "could not record a failed operation in the audit log");
        }
    }

    /// Runs the operation of `ctx` in one transaction with its audit record. `f` answers the
    /// value and, when the operation created it, the target's new id.
    pub(crate) fn write_audited<T>(
        &self,
        ctx: &OpCtx<'_>,
        pool_id: Option<&str>,
        target: Option<&str>,
        f: impl FnOnce(&storage::Tx<'_>, &user_pools::Ctx<'_>) -> Result<(T, Option<String>), ApiError>,
    ) -> Result<T, ApiError> {
        self.audited(ctx.actor, ctx.op.name(), pool_id, target, f)
    }

    /// [`Console::write_audited`] for the common case: one change to `target` in `pool_id`
    /// that creates nothing and answers [`Empty`].
    pub(crate) fn change<R, E: Into<ApiError>>(
        &self,
        ctx: &OpCtx<'_>,
        pool_id: &str,
        target: &str,
        f: impl FnOnce(&storage::Tx<'_>, &user_pools::Ctx<'_>) -> Result<R, E>,
    ) -> Result<Empty, ApiError> {
        self.write_audited(ctx, Some(pool_id), Some(target), |tx, uctx| {
            f(tx, uctx).map_err(Into::into)?;
            Ok((Empty {}, None))
        })
    }

    /// [`Console::write_audited`] for a write many callers make at once (a vend): `f` and
    /// the audit record run in a transaction the store may share with other callers of this
    /// method ([`storage::Db::write_grouped`]: one commit for all of them, each write in its
    /// own savepoint). What lands and what a refusal leaves are as with
    /// [`Console::write_audited`]; `f` owns what it uses, since it may run on another caller's
    /// thread.
    pub(crate) fn write_audited_grouped<T: Send + 'static>(
        &self,
        ctx: &OpCtx<'_>,
        pool_id: Option<String>,
        target: Option<String>,
        f: impl FnOnce(&storage::Tx<'_>, &user_pools::Ctx<'_>) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let op = ctx.op.name();
        let ws = match self.workspace() {
            Ok(ws) => ws,
            Err(e) => {
                self.record_failure(ctx.actor, op, pool_id.as_deref(), target.as_deref(), &e);
                return Err(e);
            }
        };
        let console = self.clone();
        let actor = ctx.actor.to_string();
        let (p, t) = (pool_id.clone(), target.clone());
        let result = self.inner.db.write_grouped(move |tx| {
            let uctx = user_pools::Ctx {
                clock: &*console.inner.clock,
                region: &ws.region,
                account: &ws.account_id,
            };
            let before = audit::target_label(tx, op, p.as_deref(), t.as_deref())?;
            let value = f(tx, &uctx)?;
            console.record(
                tx,
                AuditEvent {
                    id: 0,
                    at: console.now(),
                    actor,
                    operation: op.into(),
                    pool_id: p,
                    target: t,
                    target_label: before,
                    outcome: Outcome::Success,
                    error_code: None,
                    message: None,
                },
            )?;
            Ok(value)
        });
        if let Err(e) = &result {
            self.record_failure(ctx.actor, op, pool_id.as_deref(), target.as_deref(), e);
        }
        result
    }

    /// Queues `f` and the operation's success record to be written behind the answer
    /// (`behind.rs`): for a record whose absence changes no answer. The audit entry is dated
    /// now, when the operation succeeded, not when it is written. `f` may run twice (a batch
    /// with a failed write is written again: `storage::Db::write_each`).
    pub(crate) fn write_behind_audited(
        &self,
        ctx: &OpCtx<'_>,
        pool_id: Option<String>,
        target: Option<String>,
        f: impl Fn(&storage::Tx<'_>) -> Result<(), ApiError> + Send + 'static,
    ) {
        let op = ctx.op.name();
        let actor = ctx.actor.to_string();
        let at = self.now();
        let job: storage::Job = Box::new(move |tx| {
            let run = || -> Result<(), ApiError> {
                let label = audit::target_label(tx, op, pool_id.as_deref(), target.as_deref())?;
                f(tx)?;
                audit::insert(
                    tx,
                    &AuditEvent {
                        id: 0,
                        at,
                        actor: actor.clone(),
                        operation: op.into(),
                        pool_id: pool_id.clone(),
                        target: target.clone(),
                        target_label: label,
                        outcome: Outcome::Success,
                        error_code: None,
                        message: None,
                    },
                )?;
                Ok(())
            };
            run().map_err(|e| format!("{op}: {}", e.message))
        });
        if let Some(job) = self.inner.behind.push(job) {
            crate::behind::write(&self.inner.db, vec![job]);
        }
    }

    /// Waits until the records queued behind their answers are written (before a read that
    /// shows them).
    pub(crate) fn flush_behind(&self) {
        self.inner.behind.flush();
    }

    /// [`Console::flush_behind`], then a read.
    pub(crate) fn flush_behind_then_read<T>(
        &self,
        f: impl FnOnce(&storage::Reader<'_>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.flush_behind();
        self.read(f)
    }

    fn audited<T>(
        &self,
        actor: &Actor,
        op: &str,
        pool_id: Option<&str>,
        target: Option<&str>,
        f: impl FnOnce(&storage::Tx<'_>, &user_pools::Ctx<'_>) -> Result<(T, Option<String>), ApiError>,
    ) -> Result<T, ApiError> {
        let ws = match self.workspace() {
            Ok(ws) => ws,
            Err(e) => {
                self.record_failure(actor, op, pool_id, target, &e);
                return Err(e);
            }
        };
        let ctx = user_pools::Ctx {
            clock: &*self.inner.clock,
            region: &ws.region,
            account: &ws.account_id,
        };
        let result = self.inner.db.write(|tx| {
            // The target's label before the change: kept if the change deletes the target.
            let before = audit::target_label(tx, op, pool_id, target)?;
            let (value, created) = f(tx, &ctx)?;
            let event = AuditEvent {
                id: 0,
                at: self.now(),
                actor: actor.to_string(),
                operation: op.into(),
                pool_id: pool_id
                    .map(str::to_string)
                    // A new pool is its own pool.
                    .or_else(|| {
                        created
                            .as_ref()
                            .filter(|_| op == Op::CreateUserPool.name())
                            .cloned()
                    }),
                target: created.or_else(|| target.map(str::to_string)),
                target_label: before,
                outcome: Outcome::Success,
                error_code: None,
                message: None,
            };
            self.record(tx, event)?;
            Ok(value)
        });
        if let Err(e) = &result {
            self.record_failure(actor, op, pool_id, target, e);
        }
        result
    }
}
