//! Runs a command with the values in its environment and hands back its exit code, like `env(1)`.
use std::ffi::OsString;
use std::process::{Command, ExitStatus};

/// Runs `argv` with `vars` added to the inherited environment (stdin, stdout and stderr are
/// shared) and returns its exit code: 128 + N when signal N killed it, 127 when it cannot be found,
/// 126 when it cannot be run.
pub fn run_command(argv: &[OsString], vars: &[(String, String)]) -> u8 {
    let Some((program, args)) = argv.split_first() else {
        crate::console::errln("error: no command to run");
        return 2;
    };
    let mut command = Command::new(program);
    command.args(args).envs(vars.iter().map(|(k, v)| (k, v)));
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            crate::console::errln(&format!(
                "error: cannot run `{}`: {e}",
                program.to_string_lossy()
            ));
            return if e.kind() == std::io::ErrorKind::NotFound {
                127
            } else {
                126
            };
        }
    };
    // Ctrl-C reaches the child through the terminal's process group; the parent waits for the child's
    // verdict instead of dying first, as system(3) does. Set only after the spawn: the child must not
    // inherit it.
    let _guard = IgnoreInterrupts::new();
    match child.wait() {
        Ok(status) => exit_code(status),
        Err(e) => {
            crate::console::errln(&format!(
                "error: waiting for `{}`: {e}",
                program.to_string_lossy()
            ));
            2
        }
    }
}

/// The shell's convention: the exit code, or 128 + the signal that killed the process.
fn exit_code(status: ExitStatus) -> u8 {
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status) {
        return u8::try_from(128 + signal).unwrap_or(255);
    }
    status
        .code()
        .map_or(1, |code| u8::try_from(code).unwrap_or(1))
}

/// Ignores SIGINT and SIGQUIT while alive, restoring the previous handlers when dropped.
struct IgnoreInterrupts {
    #[cfg(unix)]
    previous: [(libc::c_int, libc::sighandler_t); 2],
}

impl IgnoreInterrupts {
    fn new() -> IgnoreInterrupts {
        #[cfg(unix)]
        {
            // SAFETY: signal(2) with SIG_IGN installs no Rust code as a handler.
            let ignore = |sig| (sig, unsafe { libc::signal(sig, libc::SIG_IGN) });
            IgnoreInterrupts {
                previous: [ignore(libc::SIGINT), ignore(libc::SIGQUIT)],
            }
        }
        #[cfg(not(unix))]
        IgnoreInterrupts {}
    }
}

impl Drop for IgnoreInterrupts {
    fn drop(&mut self) {
        #[cfg(unix)]
        for (sig, handler) in self.previous {
            if handler != libc::SIG_ERR {
                // SAFETY: restores the disposition signal(2) returned for this very signal.
                unsafe {
                    libc::signal(sig, handler);
                }
            }
        }
    }
}
