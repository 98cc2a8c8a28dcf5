//! `cachebust completions SHELL`: completion scripts from the clap definitions, and where each goes.
use clap::CommandFactory;

use super::Cli;

/// Where each shell looks for a completion script (shown by `completions --help`).
pub const AFTER_HELP: &str = "\
Where the script goes:
  bash        cachebust completions bash > ~/.local/share/bash-completion/completions/cachebust
              (system-wide: /usr/share/bash-completion/completions/cachebust; needs bash-completion)
  zsh         cachebust completions zsh > ~/.zfunc/_cachebust
              (and in ~/.zshrc, before compinit: fpath+=(~/.zfunc); autoload -Uz compinit && compinit)
  fish        cachebust completions fish > ~/.config/fish/completions/cachebust.fish
  elvish      in ~/.config/elvish/rc.elv: eval (cachebust completions elvish | slurp)
  powershell  in $PROFILE: cachebust completions powershell | Out-String | Invoke-Expression
Open a new shell afterwards. The man page: cachebust man > ~/.local/share/man/man1/cachebust.1";

pub fn run_completions(shell: clap_complete::Shell) -> u8 {
    clap_complete::generate(
        shell,
        &mut Cli::command(),
        "cachebust",
        &mut crate::console::Stdout,
    );
    0
}
