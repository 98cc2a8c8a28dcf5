//! Builds the model from `parse-dockerfile`'s tree.
use std::ops::Range;

use parse_dockerfile::{Command, Instruction, Source, UnescapedString};

use super::{ArgDecl, Copy, Dockerfile, Item, ItemKind, Run, Stage};
use crate::parse::shell::{split_commands, Framing, ShellKind, SimpleCommand, Word};
use crate::source::SourceFile;

/// Converts a parsed file into the model, tokenizing every `RUN`.
pub fn build_dockerfile(file: &SourceFile, ast: &parse_dockerfile::Dockerfile<'_>) -> Dockerfile {
    let ctx = Ctx {
        file,
        bom: file.bom_len(),
        escape: ast
            .parser_directives
            .escape
            .as_ref()
            .map_or('\\', |d| d.value.value),
    };
    let mut global_args = Vec::new();
    let mut stages: Vec<Stage> = Vec::new();
    let mut shell = ShellKind::Posix;
    for (i, instruction) in ast.instructions.iter().enumerate() {
        match instruction {
            Instruction::From(from) => {
                let image = from.image.value.to_ascii_lowercase();
                let parent = stages
                    .iter()
                    .position(|s| s.name.as_deref() == Some(image.as_str()))
                    .or_else(|| resolve_stage_ref(&image, &global_args, &stages));
                shell = parent.map_or(ShellKind::Posix, |p| stage_shell(&stages[p]));
                let end = from
                    .as_
                    .as_ref()
                    .map_or(from.image.span.end, |(_, n)| n.span.end);
                let items = ast.instructions[i + 1..]
                    .iter()
                    .take_while(|next| !matches!(next, Instruction::From(_)))
                    .count();
                stages.push(Stage {
                    name: from.as_.as_ref().map(|(_, n)| n.value.to_ascii_lowercase()),
                    parent,
                    from: ctx.span(from.from.span.start..end),
                    items: Vec::with_capacity(items),
                });
            }
            Instruction::Arg(arg) if stages.is_empty() => {
                global_args.extend(ctx.args(
                    &arg.arguments,
                    ctx.span(arg.arg.span.start..arg.arguments.span.end),
                ));
            }
            other => {
                let Some(stage) = stages.last_mut() else {
                    continue;
                };
                let item = ctx.item(other, shell, false);
                if let ItemKind::Shell(kind) = item.kind {
                    shell = kind;
                }
                stage.items.push(item);
            }
        }
    }
    Dockerfile {
        global_args,
        stages,
        syntax: ast
            .parser_directives
            .syntax
            .as_ref()
            .map(|d| d.value.value.to_string()),
    }
}

/// `FROM ${BASE}` where a global ARG's default names an earlier stage.
fn resolve_stage_ref(image: &str, globals: &[ArgDecl], stages: &[Stage]) -> Option<usize> {
    let name = image
        .strip_prefix("${")
        .and_then(|s| s.strip_suffix('}'))
        .or_else(|| image.strip_prefix('$'))?;
    let value = globals
        .iter()
        .rev()
        .find(|a| a.name.eq_ignore_ascii_case(name))?
        .default
        .as_deref()?;
    let value = value.to_ascii_lowercase();
    stages
        .iter()
        .position(|s| s.name.as_deref() == Some(value.as_str()))
}

fn stage_shell(stage: &Stage) -> ShellKind {
    stage
        .items
        .iter()
        .rev()
        .find_map(|i| match i.kind {
            ItemKind::Shell(kind) if !i.onbuild => Some(kind),
            _ => None,
        })
        .unwrap_or(ShellKind::Posix)
}

struct Ctx<'a> {
    file: &'a SourceFile,
    bom: usize,
    escape: char,
}

impl Ctx<'_> {
    /// A span of the parser (relative to the text after the BOM) as a span of the file.
    fn span(&self, span: Range<usize>) -> Range<usize> {
        span.start + self.bom..span.end + self.bom
    }

    /// Extends an instruction's span to the end of its last line.
    fn item_span(&self, start: usize, last: usize) -> Range<usize> {
        let last = last.max(start);
        let line = self.file.line_range(last.saturating_sub(1).max(start));
        start..line.end.max(last)
    }

    fn item(&self, instruction: &Instruction<'_>, shell: ShellKind, onbuild: bool) -> Item {
        match instruction {
            Instruction::Onbuild(on) => {
                let mut inner = self.item(&on.instruction, shell, true);
                inner.span.start = on.onbuild.span.start + self.bom;
                inner
            }
            Instruction::Arg(arg) => {
                let span = self.item_span(
                    arg.arg.span.start + self.bom,
                    arg.arguments.span.end + self.bom,
                );
                Item {
                    kind: ItemKind::Arg(self.args(&arg.arguments, span.clone())),
                    span,
                    onbuild,
                }
            }
            Instruction::Env(env) => {
                let span = self.item_span(
                    env.env.span.start + self.bom,
                    env.arguments.span.end + self.bom,
                );
                Item {
                    kind: ItemKind::Env(env_pairs(&env.arguments.value, self.escape)),
                    span,
                    onbuild,
                }
            }
            Instruction::Run(run) => self.run(run, shell, onbuild),
            Instruction::Add(add) => {
                let copy = copy_of(true, &add.options, &add.src, &add.dest);
                let span =
                    self.item_span(add.add.span.start + self.bom, add.dest.span.end + self.bom);
                Item {
                    kind: ItemKind::Copy(copy),
                    span,
                    onbuild,
                }
            }
            Instruction::Copy(copy) => {
                let spec = copy_of(false, &copy.options, &copy.src, &copy.dest);
                let span = self.item_span(
                    copy.copy.span.start + self.bom,
                    copy.dest.span.end + self.bom,
                );
                Item {
                    kind: ItemKind::Copy(spec),
                    span,
                    onbuild,
                }
            }
            Instruction::Workdir(workdir) => {
                let span = self.item_span(
                    workdir.workdir.span.start + self.bom,
                    workdir.arguments.span.end + self.bom,
                );
                let path = words(&workdir.arguments.value, self.escape).join(" ");
                Item {
                    kind: ItemKind::Workdir(path),
                    span,
                    onbuild,
                }
            }
            Instruction::Shell(sh) => {
                let kind = sh
                    .arguments
                    .first()
                    .map_or(ShellKind::Posix, |exe| shell_kind(&exe.value));
                let end = sh
                    .arguments
                    .last()
                    .map_or(sh.shell.span.end, |a| a.span.end + 1);
                let span = self.item_span(sh.shell.span.start + self.bom, end + self.bom);
                Item {
                    kind: ItemKind::Shell(kind),
                    span,
                    onbuild,
                }
            }
            other => {
                let start = keyword_start(other) + self.bom;
                Item {
                    kind: ItemKind::Other,
                    span: self.item_span(start, start + 1),
                    onbuild,
                }
            }
        }
    }

    fn run(
        &self,
        run: &parse_dockerfile::RunInstruction<'_>,
        shell: ShellKind,
        onbuild: bool,
    ) -> Item {
        let start = run.run.span.start + self.bom;
        let (mut commands, text, mut last) = match &run.arguments {
            Command::Shell(s) => {
                let span = self.span(s.span.clone());
                let framing = Framing::Instruction {
                    escape: self.escape,
                };
                (
                    split_commands(s.value, span.start, framing, shell),
                    span.clone(),
                    span.end,
                )
            }
            Command::Exec(argv) => {
                let words: Vec<Word> = argv
                    .value
                    .iter()
                    .map(|w| Word {
                        text: w.value.to_string(),
                        span: self.span(w.span.clone()),
                    })
                    .collect();
                let span = self.span(argv.span.clone());
                let command = SimpleCommand {
                    span: words[0].span.start..words[words.len() - 1].span.end,
                    words,
                    before: Vec::new(),
                };
                (vec![command], span.clone(), span.end)
            }
            _ => (Vec::new(), start..start, start + 3),
        };
        let runs_script = !run.here_docs.is_empty()
            && matches!(&run.arguments, Command::Shell(s) if is_script_runner(s.value));
        for doc in &run.here_docs {
            let span = self.span(doc.span.clone());
            if runs_script {
                let body = &self.file.text[span.clone()];
                commands.extend(split_commands(body, span.start, Framing::Script, shell));
            }
            // The delimiter line follows the body.
            last = self.file.line_range(span.end.min(self.file.text.len())).end;
        }
        let mut span = self.item_span(start, last);
        if !run.here_docs.is_empty() {
            span.end = last;
        }
        Item {
            kind: ItemKind::Run(Run {
                commands,
                shell,
                text,
            }),
            span,
            onbuild,
        }
    }

    fn args(&self, arguments: &UnescapedString<'_>, span: Range<usize>) -> Vec<ArgDecl> {
        words(&arguments.value, self.escape)
            .into_iter()
            .filter_map(|word| {
                let (name, default) = match word.split_once('=') {
                    Some((n, d)) => (n.to_string(), Some(d.to_string())),
                    None => (word, None),
                };
                is_name(&name).then(|| ArgDecl {
                    name,
                    default,
                    span: span.clone(),
                })
            })
            .collect()
    }
}

fn copy_of(
    add: bool,
    options: &[parse_dockerfile::Flag<'_>],
    sources: &[Source<'_>],
    dest: &UnescapedString<'_>,
) -> Copy {
    let from = options
        .iter()
        .find(|f| f.name.value == "from")
        .and_then(|f| f.value.as_ref())
        .map(|v| v.value.to_string());
    let sources = sources
        .iter()
        .filter_map(|s| match s {
            Source::Path(p) => Some(p.value.to_string()),
            _ => None,
        })
        .collect();
    Copy {
        add,
        from,
        sources,
        dest: dest.value.to_string(),
    }
}

fn keyword_start(instruction: &Instruction<'_>) -> usize {
    match instruction {
        Instruction::Cmd(i) => i.cmd.span.start,
        Instruction::Copy(i) => i.copy.span.start,
        Instruction::Entrypoint(i) => i.entrypoint.span.start,
        Instruction::Expose(i) => i.expose.span.start,
        Instruction::Healthcheck(i) => i.healthcheck.span.start,
        Instruction::Label(i) => i.label.span.start,
        Instruction::Maintainer(i) => i.maintainer.span.start,
        Instruction::Stopsignal(i) => i.stopsignal.span.start,
        Instruction::User(i) => i.user.span.start,
        Instruction::Volume(i) => i.volume.span.start,
        Instruction::Workdir(i) => i.workdir.span.start,
        Instruction::From(i) => i.from.span.start,
        Instruction::Add(i) => i.add.span.start,
        Instruction::Arg(i) => i.arg.span.start,
        Instruction::Env(i) => i.env.span.start,
        Instruction::Onbuild(i) => i.onbuild.span.start,
        Instruction::Run(i) => i.run.span.start,
        Instruction::Shell(i) => i.shell.span.start,
        _ => 0,
    }
}

/// The shell a `SHELL ["…"]` executable names.
fn shell_kind(executable: &str) -> ShellKind {
    let name = executable
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(executable)
        .to_ascii_lowercase();
    let name = name.strip_suffix(".exe").unwrap_or(&name);
    match name {
        "powershell" | "pwsh" => ShellKind::PowerShell,
        "cmd" => ShellKind::Cmd,
        _ => ShellKind::Posix,
    }
}

/// Whether the command of a heredoc `RUN` feeds the body to a shell (`RUN <<EOF`, `RUN <<EOF bash -e`),
/// as opposed to writing it to a file (`RUN <<EOF cat > /etc/app.conf`).
fn is_script_runner(command: &str) -> bool {
    // `bash <<EOF` (the heredoc after the first word): the words before the marker name the program.
    let mut words = command
        .split_whitespace()
        .take_while(|w| !w.starts_with("<<"));
    match words.next() {
        None => true,
        Some(program) => {
            let program = program.rsplit('/').next().unwrap_or(program);
            matches!(program, "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh")
                && words.all(|w| w.starts_with('-') && w != "-c")
        }
    }
}

fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Splits ARG/ENV text into words: whitespace separates, quotes group and are removed.
fn words(text: &str, escape: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_word = false;
    let mut quote = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, c) if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut current));
                    in_word = false;
                }
            }
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (Some(q), c) if c == q => quote = None,
            (q, c) if c == escape && q != Some('\'') => {
                in_word = true;
                if let Some(next) = chars.next() {
                    current.push(next);
                }
            }
            (_, c) => {
                in_word = true;
                current.push(c);
            }
        }
    }
    if in_word {
        out.push(current);
    }
    out
}

/// `ENV A=1 B="x y"`, or the legacy `ENV NAME value with spaces`.
fn env_pairs(text: &str, escape: char) -> Vec<(String, String)> {
    let all = words(text, escape);
    match all.first() {
        Some(first) if !first.contains('=') => {
            let rest = text.trim_start()[first.len()..].trim();
            vec![(first.clone(), words(rest, escape).join(" "))]
        }
        _ => all
            .into_iter()
            .filter_map(|w| {
                w.split_once('=')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
            })
            .filter(|(k, _)| is_name(k))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_forms() {
        assert_eq!(
            env_pairs("A=1 B=\"x y\"", '\\'),
            vec![("A".into(), "1".into()), ("B".into(), "x y".into())]
        );
        assert_eq!(
            env_pairs("REPO https://x/y.git", '\\'),
            vec![("REPO".into(), "https://x/y.git".into())]
        );
    }

    #[test]
    fn heredoc_runners() {
        assert!(is_script_runner(""));
        assert!(is_script_runner(" bash -ex"));
        assert!(!is_script_runner(" cat > /etc/x"));
        assert!(!is_script_runner(" python3"));
    }
}
