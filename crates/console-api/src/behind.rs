//! Writes behind the answer: records nobody waits for (a vended credential's record and its
//! audit entry), written by a background thread that takes whatever has queued, waits a few
//! milliseconds for more, and writes it all in one transaction (`storage::Db::write_each`).
//!
//! Only a record whose absence cannot change an answer goes here: a vended credential proves
//! itself by its sealed session token (`identity_pools::credentials::lookup`), so its record
//! is what the operator reads, not what a signature check needs. The console's own reads of
//! those records (`GetCallerIdentity`, `SimulatePrincipalPolicy` by key id, `ListAuditEvents`)
//! wait for the queue first ([`Behind::flush`]). What a crash can lose is recorded in
//! ARCHITECTURE.md ("Credential records are written behind the answer").

use std::sync::{Arc, Condvar, Mutex, Weak};
use std::time::Duration;

use storage::Job;

use crate::Inner;

/// How long the writer waits, once something is queued, for more to share its transaction.
const GATHER: Duration = Duration::from_millis(2);

#[derive(Default)]
struct State {
    queue: Vec<Job>,
    /// A batch taken from the queue is being written.
    writing: bool,
    closed: bool,
}

/// The queue and the writer's signals.
#[derive(Default)]
pub(crate) struct Behind {
    state: Mutex<State>,
    /// Something was queued, or the console is closing.
    queued: Condvar,
    /// A batch was written.
    written: Condvar,
}

impl Behind {
    /// Queues `job`; the writer runs it within a few milliseconds. Answers the job back when
    /// there is no writer (it could not start, or the console is closing): the caller writes
    /// it itself.
    pub(crate) fn push(&self, job: Job) -> Option<Job> {
        match self.state.lock() {
            Ok(mut s) if !s.closed => {
                s.queue.push(job);
                self.queued.notify_one();
                None
            }
            _ => Some(job),
        }
    }

    /// Waits until everything queued so far is written.
    pub(crate) fn flush(&self) {
        let Ok(mut s) = self.state.lock() else {
            return;
        };
        while (!s.queue.is_empty() || s.writing) && !s.closed {
            s = match self.written.wait(s) {
                Ok(s) => s,
                Err(_) => return,
            };
        }
    }

    /// Takes what is queued (for the console's last owner, which writes it itself).
    pub(crate) fn close(&self) -> Vec<Job> {
        match self.state.lock() {
            Ok(mut s) => {
                s.closed = true;
                self.queued.notify_all();
                self.written.notify_all();
                std::mem::take(&mut s.queue)
            }
            Err(_) => Vec::new(),
        }
    }

    /// Starts the writer thread of `inner`. It holds the console only while writing, so the
    /// console closes when its last user lets go (and then writes what is left itself).
    pub(crate) fn start(inner: &Arc<Inner>) {
        let weak = Arc::downgrade(inner);
        let behind = Arc::clone(&inner.behind);
        let spawned = std::thread::Builder::new()
            .name("poolhouse-behind".into())
            .spawn(move || run(&weak, &behind));
        if let Err(e) = spawned {
            tracing::error!(error = %e, "the background writer could not start; records are written before each answer");
            if let Ok(mut s) = inner.behind.state.lock() {
                s.closed = true;
            }
        }
    }
}

fn run(weak: &Weak<Inner>, behind: &Behind) {
    loop {
        {
            let Ok(mut s) = behind.state.lock() else {
                return;
            };
            while s.queue.is_empty() && !s.closed {
                s = match behind.queued.wait(s) {
                    Ok(s) => s,
                    Err(_) => return,
                };
            }
            if s.closed {
                return;
            }
        }
        std::thread::sleep(GATHER);
        // Hold the console before taking the queue: if it is closing, its last owner writes
        // the queue instead.
        let Some(inner) = weak.upgrade() else {
            return;
        };
        let jobs = match behind.state.lock() {
            Ok(mut s) => {
                s.writing = true;
                std::mem::take(&mut s.queue)
            }
            Err(_) => return,
        };
        write(&inner.db, jobs);
        if let Ok(mut s) = behind.state.lock() {
            s.writing = false;
        }
        behind.written.notify_all();
        drop(inner);
    }
}

/// Writes `jobs` in one transaction, logging what failed (no caller is waiting).
pub(crate) fn write(db: &storage::Db, jobs: Vec<Job>) {
    if jobs.is_empty() {
        return;
    }
    let n = jobs.len();
    match db.write_each(jobs) {
        Ok(outcomes) => {
            for e in outcomes.into_iter().filter_map(Result::err) {
                tracing::error!(error = %e, "a record written behind its answer was refused");
            }
        }
        Err(e) => {
            tracing::error!(error = %e, records = n, "records written behind their answers were lost");
        }
    }
}
