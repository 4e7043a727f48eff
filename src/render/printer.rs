//! The one place iamform writes to stdout and stderr. Everything else returns text.
//!
//! A closed stdout (`iamform plan | head -1`) is not an error: the output nobody reads is dropped,
//! the run goes on quietly and ends with the exit code it would have had. [`stdout_closed`] tells
//! who needs to know — apply starts no new operation once stdout is gone, and reports on stderr
//! ([`report`]), so that an account is never left half-applied without a report.

use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Writes `text` to stdout; once stdout is closed (or fails), writes nothing there any more.
pub fn out(text: &str) {
    if text.is_empty() || stdout_closed() {
        return;
    }
    let mut stdout = io::stdout().lock();
    if stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        STDOUT_CLOSED.store(true, Ordering::SeqCst);
    }
}

/// Writes `value` to stdout as pretty JSON and a line break, as it is serialized: a plan against
/// an empty account is hundreds of MB of JSON, not held as one string. A closed stdout is handled
/// as by [`out`]; `Err` only when `value` cannot be serialized.
pub fn out_json<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<()> {
    if stdout_closed() {
        return Ok(());
    }
    let mut stdout = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let written = serde_json::to_writer_pretty(&mut stdout, value);
    let written = match written {
        Err(e) if !e.is_io() => return Err(e),
        other => {
            other.is_ok()
                && stdout
                    .write_all(b"\n")
                    .and_then(|()| stdout.flush())
                    .is_ok()
        }
    };
    if !written {
        STDOUT_CLOSED.store(true, Ordering::SeqCst);
    }
    Ok(())
}

/// Writes `text` to stderr. There is nowhere left to report a failure to.
pub fn err(text: &str) {
    if text.is_empty() {
        return;
    }
    let mut stderr = io::stderr().lock();
    let _ = stderr
        .write_all(text.as_bytes())
        .and_then(|()| stderr.flush());
}

/// Writes `text` to stdout, or to stderr when stdout is closed: what must be read somewhere.
pub fn report(text: &str) {
    out(text);
    if stdout_closed() {
        err(text);
    }
}

/// Whether a write to stdout has failed: nobody reads it any more.
pub fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(Ordering::SeqCst)
}

pub fn stdout_is_terminal() -> bool {
    io::stdout().is_terminal()
}

pub fn stderr_is_terminal() -> bool {
    io::stderr().is_terminal()
}

/// Where log lines go (`tracing`): stderr, through [`err`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Logs;

impl Write for Logs {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        err(&String::from_utf8_lossy(buf));
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;

    fn make_writer(&'a self) -> Logs {
        Logs
    }
}
