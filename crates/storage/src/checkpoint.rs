//! The WAL checkpoint, off the commit path.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses 1,000 pages of WAL, so one
//! request in a thousand paid for copying the log into the database and an `fsync`
//! (AdminCreateUser's p99 was 100 times its p50; docs/benchmarks.md, finding 5). The writer
//! now only signals that the log has grown; a thread with its own connection runs the same
//! PASSIVE checkpoint, which never blocks the writer or the readers.
//!
//! The log only starts over when a write begins after a complete checkpoint. Writes that
//! follow each other without a pause never give the thread that moment, so past
//! [`WRITER_PAGES`] the writer finishes the job itself, when the thread is not at it: by then
//! the thread has copied almost every page, and what is left is a short copy.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;

use rusqlite::wal::CheckpointMode;
use rusqlite::{Connection, OpenFlags};

use crate::Result;

/// WAL pages after which a checkpoint is asked for (SQLite's own default threshold).
const PAGES: i32 = 1_000;
/// WAL pages after which the writer completes a checkpoint itself (see the module's note).
const WRITER_PAGES: i32 = 2 * PAGES;

enum Signal {
    Checkpoint,
    Stop,
}

/// The checkpoint thread. Dropping it runs a last checkpoint and closes its connection before
/// the store's own connections close.
pub(crate) struct Checkpointer {
    signal: SyncSender<Signal>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts the thread for the store at `path` and hands `writer`'s commits to it.
    pub(crate) fn start(path: &Path, writer: &mut Connection) -> Result<Checkpointer> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        // A connection reads the file's header (and learns it is in WAL mode) on first use;
        // until then a checkpoint on it does nothing.
        let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(crate::Error::Open {
                path: path.to_path_buf(),
                reason: format!("the checkpoint connection is not in WAL mode (got {mode})"),
            });
        }
        let (signal, wake) = sync_channel(1);
        let from_writer = signal.clone();
        // Whether the thread is checkpointing: two checkpoints at once, one fails as busy.
        let busy = Arc::new(AtomicBool::new(false));
        let thread_busy = Arc::clone(&busy);
        // Replaces the automatic checkpoint: SQLite's wal_autocheckpoint is itself a WAL hook.
        writer.wal_hook(Some(move |wal: &mut rusqlite::hooks::Wal, pages| {
            if pages >= WRITER_PAGES && !busy.load(Ordering::Acquire) {
                // The commit has happened: an error returned from here would make it look
                // failed to the caller. A checkpoint that cannot run now runs at the next one.
                if let Err(e) = wal.checkpoint_v2(CheckpointMode::PASSIVE) {
                    tracing::debug!(error = %e, pages, "WAL checkpoint in the writer deferred");
                }
            } else if pages >= PAGES {
                // A full channel means a checkpoint is already due: nothing to add.
                match from_writer.try_send(Signal::Checkpoint) {
                    Ok(()) | Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => {}
                }
            }
            Ok(())
        }))?;
        let thread = std::thread::Builder::new()
            .name("wal-checkpoint".into())
            .spawn(move || run(&conn, &wake, &thread_busy))
            .map_err(|e| crate::Error::Open {
                path: path.to_path_buf(),
                reason: format!("could not start the checkpoint thread: {e}"),
            })?;
        Ok(Checkpointer {
            signal,
            thread: Some(thread),
        })
    }
}

fn run(conn: &Connection, wake: &Receiver<Signal>, busy: &AtomicBool) {
    while let Ok(Signal::Checkpoint) = wake.recv() {
        busy.store(true, Ordering::Release);
        let r = conn.wal_checkpoint_v2(None::<&str>, CheckpointMode::PASSIVE);
        busy.store(false, Ordering::Release);
        match r {
            Ok(_) => {}
            // The writer was finishing one itself: nothing lost.
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => {
                tracing::debug!(error = %e, "WAL checkpoint deferred");
            }
            Err(e) => {
                tracing::warn!(error = %e, "WAL checkpoint failed; the next commit asks again")
            }
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        // `send` waits for room, so the stop is never lost behind a pending checkpoint.
        let _ = self.signal.send(Signal::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
