//! Runs a command with the values in its environment and hands back its exit code, like `env(1)`.
use std::ffi::OsString;
use std::process::{Command, ExitStatus};

/// Runs `argv` with `vars` added to the inherited environment (stdin, stdout and stderr are
/// shared) and returns its exit code: 128 + N when signal N killed it, 127 when it cannot be found,
/// 126 when it cannot be run. SIGTERM, SIGHUP, SIGINT and SIGQUIT sent to cachebust go to the child,
/// whose exit cachebust waits for, as if `exec(1)` had replaced it.
pub fn run_command(argv: &[OsString], vars: &[(String, String)]) -> u8 {
    let Some((program, args)) = argv.split_first() else {
        crate::console::errln("error: no command to run");
        return 2;
    };
    let mut command = Command::new(program);
    command.args(args).envs(vars.iter().map(|(k, v)| (k, v)));
    // Before the spawn, so that no signal in between kills cachebust alone; `execve` resets caught
    // signals to their defaults, so the child does not inherit the handler.
    let forward = Forward::install();
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
    // SIGTERM, SIGHUP, SIGINT and SIGQUIT are forwarded to the child, and the parent waits for its
    // verdict instead of dying first and orphaning it (a `docker compose build` that kept running).
    forward.to(child.id());
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

/// The signals a supervisor or a user sends to stop a run, forwarded to the child while alive. One sent
/// by the terminal (Ctrl-C, a hang-up) already reached the child through its process group and is not
/// sent twice (compose reads a second Ctrl-C as "kill now").
#[cfg(unix)]
const FORWARDED: [libc::c_int; 4] = [libc::SIGTERM, libc::SIGHUP, libc::SIGINT, libc::SIGQUIT];

/// The child's pid for the handler (0 before the spawn), and a signal that came before it.
#[cfg(unix)]
static CHILD: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);
#[cfg(unix)]
static PENDING: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

#[cfg(unix)]
extern "C" fn forward_signal(sig: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    use std::sync::atomic::Ordering;
    // SAFETY: the kernel hands a valid siginfo to an SA_SIGINFO handler.
    let from_terminal = !info.is_null() && unsafe { (*info).si_code } == libc::SI_KERNEL;
    if from_terminal {
        return;
    }
    match CHILD.load(Ordering::SeqCst) {
        // SAFETY: kill(2) is async-signal-safe.
        pid if pid > 0 => unsafe {
            libc::kill(pid, sig);
        },
        _ => PENDING.store(sig, Ordering::SeqCst),
    }
}

/// Forwards [`FORWARDED`] to the child while alive, restoring the previous handlers when dropped.
struct Forward {
    #[cfg(unix)]
    previous: Vec<(libc::c_int, libc::sigaction)>,
}

impl Forward {
    fn install() -> Forward {
        #[cfg(unix)]
        {
            CHILD.store(0, std::sync::atomic::Ordering::SeqCst);
            PENDING.store(0, std::sync::atomic::Ordering::SeqCst);
            let previous = FORWARDED
                .iter()
                .filter_map(|&sig| {
                    // SAFETY: a zeroed sigaction is valid; the handler only calls kill(2) and
                    // touches atomics, both async-signal-safe.
                    unsafe {
                        let mut action: libc::sigaction = std::mem::zeroed();
                        action.sa_sigaction = forward_signal as *const () as usize;
                        action.sa_flags = libc::SA_SIGINFO | libc::SA_RESTART;
                        libc::sigemptyset(&mut action.sa_mask);
                        let mut old: libc::sigaction = std::mem::zeroed();
                        (libc::sigaction(sig, &action, &mut old) == 0).then_some((sig, old))
                    }
                })
                .collect();
            Forward { previous }
        }
        #[cfg(not(unix))]
        Forward {}
    }

    /// From now on the signals go to `pid`, one that came during the spawn too.
    fn to(&self, pid: u32) {
        #[cfg(unix)]
        {
            use std::sync::atomic::Ordering;
            let pid = libc::pid_t::try_from(pid).unwrap_or(0);
            CHILD.store(pid, Ordering::SeqCst);
            let sig = PENDING.swap(0, Ordering::SeqCst);
            if sig != 0 && pid > 0 {
                // SAFETY: kill(2) on the child this process just spawned.
                unsafe {
                    libc::kill(pid, sig);
                }
            }
        }
        #[cfg(not(unix))]
        let _ = pid;
    }
}

impl Drop for Forward {
    fn drop(&mut self) {
        #[cfg(unix)]
        for (sig, old) in &self.previous {
            // SAFETY: restores the disposition sigaction(2) returned for this very signal.
            unsafe {
                libc::sigaction(*sig, old, std::ptr::null_mut());
            }
        }
        #[cfg(unix)]
        CHILD.store(0, std::sync::atomic::Ordering::SeqCst);
    }
}
