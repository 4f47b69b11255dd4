//! Group commit: writes that arrive together share one transaction.
//!
//! A request that writes one small row (a vended credential and its audit record) paid a whole
//! transaction of its own: the writer's lock, `BEGIN IMMEDIATE`, the commit's WAL frames for
//! every page it touched, and later the checkpoint's copy of those pages. Under load most of
//! those pages are the same ones (the ends of the audit log and of the expiry index), so
//! [`Db::write_grouped`] lets concurrent callers share the transaction:
//!
//! - a caller queues its write and waits; when no one is leading, it leads: it takes every
//!   queued write (at most [`MAX_BATCH`]), runs each in the order queued inside one
//!   transaction, each in its own savepoint (a write that fails is rolled back to its savepoint
//!   and answers its own error; the others are unaffected), commits once, and hands every
//!   caller its outcome;
//! - writes queued while a batch runs make the next batch, led by one of their callers;
//! - a caller gets its value only after the commit that holds its write, so nothing is shown
//!   before it is stored. If the commit fails, every write of the batch answers that error and
//!   none of them landed.
//!
//! Batches and [`Db::write`]'s transactions take the same writer lock, so they are serialised
//! as before. A crash loses what a crash of [`Db::write`] loses: nothing that was answered
//! survives less well (the commit is the same commit), and writes still queued or in an
//! uncommitted batch were never answered.

use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::sync::{Condvar, Mutex, MutexGuard};

use crate::{Db, Error, Result, Tx};

/// At most this many writes share a transaction (a bound on a batch's latency, not a tuning
/// knob: concurrent callers are far fewer).
pub(crate) const MAX_BATCH: usize = 256;

/// A queued write: runs in the batch's transaction, then hears whether the batch committed.
trait Pending: Send {
    /// Runs the write; answers whether it succeeded (else its savepoint is rolled back).
    fn run(&mut self, tx: &Tx<'_>) -> bool;
    /// Hands the caller its outcome: its own error if it failed, else its value if the batch
    /// committed, else the batch's error.
    fn finish(self: Box<Self>, committed: std::result::Result<(), &Error>);
}

struct Call<F, T, E> {
    f: Option<F>,
    out: Option<std::result::Result<T, E>>,
    reply: SyncSender<std::result::Result<T, E>>,
}

impl<F, T, E> Pending for Call<F, T, E>
where
    F: FnOnce(&Tx<'_>) -> std::result::Result<T, E> + Send,
    T: Send,
    E: From<Error> + Send,
{
    fn run(&mut self, tx: &Tx<'_>) -> bool {
        let Some(f) = self.f.take() else {
            return false;
        };
        let out = f(tx);
        let ok = out.is_ok();
        self.out = Some(out);
        ok
    }

    fn finish(self: Box<Self>, committed: std::result::Result<(), &Error>) {
        let result = match (self.out, committed) {
            (Some(Err(e)), _) => Err(e),
            (Some(Ok(v)), Ok(())) => Ok(v),
            (_, Err(e)) => Err(E::from(batch_error(e))),
            // Not run, yet "committed": cannot happen; say so rather than answer nothing.
            (None, Ok(())) => Err(E::from(Error::Corrupt {
                what: "a grouped write",
                reason: "it was not run".into(),
            })),
        };
        // The caller waits for this; if it is gone there is no one to tell.
        let _ = self.reply.send(result);
    }
}

/// The error every write of a failed batch answers: the batch's own, as far as it can be
/// copied (rusqlite's errors are not `Clone`).
fn batch_error(e: &Error) -> Error {
    match e {
        Error::Poisoned => Error::Poisoned,
        Error::Conflict { constraint } => Error::Conflict {
            constraint: constraint.clone(),
        },
        other => Error::Corrupt {
            what: "the shared transaction",
            reason: other.to_string(),
        },
    }
}

#[derive(Default)]
struct State {
    queue: Vec<Box<dyn Pending>>,
    leading: bool,
}

/// The queue of grouped writes and the turn to lead.
#[derive(Default)]
pub(crate) struct Group {
    state: Mutex<State>,
    turn: Condvar,
}

/// Ends a leader's turn however the batch ends (a panicking write included), so that the
/// callers still waiting can lead.
struct LeadTurn<'a>(&'a Group);

impl Drop for LeadTurn<'_> {
    fn drop(&mut self) {
        if let Ok(mut s) = self.0.state.lock() {
            s.leading = false;
        }
        self.0.turn.notify_all();
    }
}

impl Group {
    fn lock(&self) -> Result<MutexGuard<'_, State>> {
        self.state.lock().map_err(|_| Error::Poisoned)
    }
}

impl Db {
    /// Runs `f` in a write transaction it may share with other callers of this function (see
    /// the module's note): its changes land, together with theirs, if it answers `Ok` and the
    /// shared commit succeeds; if it answers `Err`, its changes are rolled back and the others'
    /// are kept. `f` runs on whichever waiting caller's thread leads the batch, hence `Send`
    /// and `'static`.
    pub fn write_grouped<T, E, F>(&self, f: F) -> std::result::Result<T, E>
    where
        F: FnOnce(&Tx<'_>) -> std::result::Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<Error> + Send + 'static,
    {
        let (reply, answer) = sync_channel(1);
        let call = Box::new(Call {
            f: Some(f),
            out: None,
            reply,
        });
        let group = &self.group;
        let mut state = group.lock()?;
        state.queue.push(call);
        loop {
            match wait_turn(group, state, &answer)? {
                Step::Answered(result) => return result,
                Step::Lead(batch) => {
                    let turn = LeadTurn(group);
                    self.run_batch(batch);
                    drop(turn);
                    state = group.lock()?;
                }
            }
        }
    }

    /// Runs a batch in one transaction and tells every caller its outcome.
    fn run_batch(&self, mut batch: Vec<Box<dyn Pending>>) {
        let outcome = (|| -> Result<()> {
            let mut conn = Self::lock(&self.writer)?;
            let tx = self.begin_write(&mut conn)?;
            for call in &mut batch {
                tx.tx.prepare_cached("SAVEPOINT grouped")?.execute([])?;
                if !call.run(&tx) {
                    // A write that failed is undone alone. If SQLite rolled the whole
                    // transaction back (a full disk, an I/O error), the savepoint is gone and
                    // the batch fails.
                    tx.tx.prepare_cached("ROLLBACK TO grouped")?.execute([])?;
                }
                tx.tx.prepare_cached("RELEASE grouped")?.execute([])?;
            }
            tx.tx.commit()?;
            Ok(())
        })();
        for call in batch {
            call.finish(outcome.as_ref().map(|_| ()));
        }
    }
}

/// A write run by [`Db::write_each`]: its own error as text. It may run twice (see there), so
/// it must only write, and only what it would write again.
pub type Job = Box<dyn Fn(&Tx<'_>) -> std::result::Result<(), String> + Send>;

impl Db {
    /// Runs `jobs` in one write transaction and commits once; a job that fails is rolled back
    /// alone and the others land. Answers each job's outcome, or the transaction's error (then
    /// none of them landed). For writes no caller waits on (a credential's record written
    /// behind its answer).
    ///
    /// The jobs run first without savepoints: a savepoint makes SQLite copy every page the job
    /// touches that the batch has already changed (the ends of the same tables and indexes, for
    /// every job), which cost a batch more than its inserts. Only if one of them fails is the
    /// transaction rolled back and every job run again, each in its own savepoint.
    pub fn write_each(&self, jobs: Vec<Job>) -> Result<Vec<std::result::Result<(), String>>> {
        let mut conn = Self::lock(&self.writer)?;
        {
            let tx = self.begin_write(&mut conn)?;
            if jobs.iter().all(|job| job(&tx).is_ok()) {
                tx.tx.commit()?;
                return Ok(jobs.iter().map(|_| Ok(())).collect());
            }
            // Dropped: rolled back.
        }
        let tx = self.begin_write(&mut conn)?;
        let mut out = Vec::with_capacity(jobs.len());
        for job in &jobs {
            tx.tx.prepare_cached("SAVEPOINT behind")?.execute([])?;
            let r = job(&tx);
            if r.is_err() {
                tx.tx.prepare_cached("ROLLBACK TO behind")?.execute([])?;
            }
            tx.tx.prepare_cached("RELEASE behind")?.execute([])?;
            out.push(r);
        }
        tx.tx.commit()?;
        Ok(out)
    }
}

enum Step<T, E> {
    Answered(std::result::Result<T, E>),
    Lead(Vec<Box<dyn Pending>>),
}

/// Waits until this caller's write has been answered, or until no one leads and this caller
/// takes the lead (with the writes queued, its own among them).
fn wait_turn<'a, T, E: From<Error>>(
    group: &'a Group,
    mut state: MutexGuard<'a, State>,
    answer: &Receiver<std::result::Result<T, E>>,
) -> Result<Step<T, E>> {
    loop {
        match answer.try_recv() {
            Ok(result) => return Ok(Step::Answered(result)),
            // The write was dropped unanswered: its leader panicked.
            Err(TryRecvError::Disconnected) => return Err(Error::Poisoned),
            Err(TryRecvError::Empty) => {}
        }
        if !state.leading && !state.queue.is_empty() {
            state.leading = true;
            let n = state.queue.len().min(MAX_BATCH);
            let batch: Vec<_> = state.queue.drain(..n).collect();
            return Ok(Step::Lead(batch));
        }
        state = group.turn.wait(state).map_err(|_| Error::Poisoned)?;
    }
}
