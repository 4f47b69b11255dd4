//! Standard output for every command.
//!
//! A reader that goes away before the output ends (`poolhouse operations | head -1`) is not an
//! error: what is left is dropped, quietly, and the command's own exit status stands (a
//! `jwt verify` that found a bad signature still exits 1). Any other write failure (a full
//! disk) is one line on standard error and a failure status, as every other error.

use std::io::{self, Write};
use std::process::ExitCode;

/// Writes `text` to standard output and flushes it.
///
/// `Ok` when the text was written or the reader has closed the pipe; `Err(status)` after
/// reporting any other failure.
pub(crate) fn print(text: &str) -> Result<(), ExitCode> {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            eprintln!("poolhouse: cannot write the output: {e}");
            Err(ExitCode::FAILURE)
        }
    }
}

/// [`print`] for a command whose output is its last step: its exit status.
pub(crate) fn finish(text: &str, status: ExitCode) -> ExitCode {
    match print(text) {
        Ok(()) => status,
        Err(failed) => failed,
    }
}
