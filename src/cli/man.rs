//! `cachebust man`: one roff page, `cachebust.1`, generated from the clap definitions so it cannot drift
//! from `--help`. Each subcommand gets a section of its own (its synopsis, description and options as
//! subsections), the way a single page reads best in `man`.
use std::io::Write;

use clap::CommandFactory;

use super::Cli;

/// The page as shipped in the wheel and the image. Its version is Cargo.toml's alone, without the git
/// commit `--version` shows: the committed copy must not change with every commit.
pub fn render_man_page(out: &mut dyn Write) -> std::io::Result<()> {
    let mut cli = Cli::command()
        .version(env!("CARGO_PKG_VERSION"))
        .disable_help_subcommand(true);
    cli.build();
    // Not `Man::render`: its SUBCOMMANDS section points at `cachebust-check(1)` pages that do not
    // exist; here each subcommand is a section of this page instead.
    let top = clap_mangen::Man::new(cli.clone());
    top.render_title(out)?;
    top.render_name_section(out)?;
    top.render_synopsis_section(out)?;
    top.render_description_section(out)?;
    top.render_options_section(out)?;
    for sub in cli.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("cachebust {}", sub.get_name());
        let page = clap_mangen::Man::new(sub.clone());
        writeln!(out, ".SH \"{}\"", name.to_uppercase())?;
        let mut body = Vec::new();
        page.render_synopsis_section(&mut body)?;
        page.render_description_section(&mut body)?;
        if sub.get_arguments().any(|a| !a.is_hide_set()) {
            page.render_options_section(&mut body)?;
        }
        if sub.get_after_help().is_some() || sub.get_after_long_help().is_some() {
            page.render_extra_section(&mut body)?;
        }
        // A subcommand's own sections become subsections of its section.
        let body = String::from_utf8_lossy(&body);
        for line in body.lines() {
            match line.strip_prefix(".SH ") {
                Some(heading) => writeln!(out, ".SS {heading}")?,
                None => writeln!(out, "{line}")?,
            }
        }
    }
    top.render_version_section(out)
}

pub fn run_man() -> u8 {
    let mut out = crate::console::Stdout;
    match render_man_page(&mut out).and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(err) => {
            crate::console::errln(&format!("error: cannot render the man page: {err}"));
            2
        }
    }
}
