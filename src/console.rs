//! The one way out: every byte a command prints goes through here, so a new message can forget
//! neither the redactor nor a failed write.
//! - [`out`] and [`err`] write human text: secrets masked (same length, so excerpts stay aligned),
//!   and on stderr control characters shown escaped. [`out_structured`] writes JSON/SARIF whose
//!   values were redacted before serializing ([`crate::redact::redact_json`]); [`out_verbatim`]
//!   writes a user's own file back (`check - --fix`), byte for byte.
//! - A failed write is remembered, nothing more is written, and [`exit_code`] turns it into the
//!   command's exit: a closed pipe (`cachebust man | head`) is a quiet [`CLOSED_PIPE`]; any other
//!   error (`> /dev/full`) is reported once on stderr and exits 2.
use std::io::{self, BufWriter, Write};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Mutex, OnceLock};

/// The exit code after the reader of stdout or stderr went away: 128 + SIGPIPE, what a shell shows
/// for a C tool killed by the signal, so `set -o pipefail` still sees the output was cut short.
pub const CLOSED_PIPE: u8 = 141;

const FINE: u8 = 0;
const PIPE: u8 = 1;
const OTHER: u8 = 2;

/// The first write failure of the run.
static FAILED: AtomicU8 = AtomicU8::new(FINE);

fn stdout() -> &'static Mutex<BufWriter<io::Stdout>> {
    static OUT: OnceLock<Mutex<BufWriter<io::Stdout>>> = OnceLock::new();
    OUT.get_or_init(|| Mutex::new(BufWriter::with_capacity(1 << 16, io::stdout())))
}

/// Whether an earlier write failed: long runs may stop producing output nobody reads.
pub fn failed() -> bool {
    FAILED.load(Ordering::Relaxed) != FINE
}

fn record(error: &io::Error, stream: &str) {
    let kind = if error.kind() == io::ErrorKind::BrokenPipe {
        PIPE
    } else {
        OTHER
    };
    if FAILED
        .compare_exchange(FINE, kind, Ordering::Relaxed, Ordering::Relaxed)
        .is_ok()
        && kind == OTHER
    {
        // Best effort: when stderr itself failed there is nobody left to tell.
        let _ = writeln!(io::stderr(), "error: cannot write to {stream}: {error}");
    }
}

fn write_stdout(bytes: &[u8]) {
    if failed() {
        return;
    }
    let mut out = stdout().lock().unwrap_or_else(|e| e.into_inner());
    if let Err(e) = out.write_all(bytes) {
        record(&e, "standard output");
    }
}

/// Human text on stdout (reports, diffs, docs), with every secret masked.
pub fn out(text: &str) {
    write_stdout(crate::redact::mask(text).as_bytes());
}

/// JSON or SARIF on stdout: its strings were redacted as values, which masking the text could break.
pub fn out_structured(text: &str) {
    write_stdout(text.as_bytes());
}

/// A user's own file on stdout, unchanged (the fixed text of `check - --fix`).
pub fn out_verbatim(text: &str) {
    write_stdout(text.as_bytes());
}

/// A message on stderr: secrets masked, control characters escaped. Flushes stdout first so the two
/// interleave as written.
pub fn err(text: &str) {
    flush();
    let shown = crate::redact::escape_controls(&crate::redact::mask(text)).into_owned();
    write_stderr(shown.as_bytes());
}

/// A line on stderr, as `eprintln!` would write it, through [`err`].
pub fn errln(text: &str) {
    err(&format!("{text}\n"));
}

/// Terminal control for stderr itself (the progress line's erase sequence), never file text.
pub fn err_control(text: &str) {
    write_stderr(text.as_bytes());
}

fn write_stderr(bytes: &[u8]) {
    if FAILED.load(Ordering::Relaxed) == PIPE {
        return;
    }
    if let Err(e) = io::stderr().lock().write_all(bytes) {
        record(&e, "standard error");
    }
}

/// Writes out what stdout holds.
pub fn flush() {
    if failed() {
        return;
    }
    let mut out = stdout().lock().unwrap_or_else(|e| e.into_inner());
    if let Err(e) = out.flush() {
        record(&e, "standard output");
    }
}

/// The run's exit code once its output is flushed: `code` when every write went through.
pub fn exit_code(code: u8) -> u8 {
    flush();
    match FAILED.load(Ordering::Relaxed) {
        FINE => code,
        PIPE => CLOSED_PIPE,
        _ => 2,
    }
}

/// An [`io::Write`] over [`out`] for code that writes through a writer (the man page, completions).
/// Each call is masked on its own: such output holds no secret split across calls.
#[derive(Debug, Default)]
pub struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match std::str::from_utf8(buf) {
            Ok(text) => out(text),
            Err(_) => write_stdout(buf),
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        flush();
        Ok(())
    }
}

/// An [`io::Write`] over [`out_structured`], for JSON and SARIF.
#[derive(Debug, Default)]
pub struct Structured;

impl Write for Structured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        write_stdout(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        flush();
        Ok(())
    }
}
