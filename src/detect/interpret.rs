//! Reads a RUN's (or a context script's) commands the way the shell runs them, far enough to know what
//! each command's words hold: variables assigned earlier (`URL=…; curl "$URL/x"`, `export B=main`), the
//! positional parameters of a script or a function call (`$1`, `${10}`, `"$@"`, `shift`,
//! `${1:-default}`), and the words of a `for` loop. A function runs at its calls, with their words; one
//! that is never called is read once with unknown arguments. What stays unbound is an unknown value.
//!
//! Every walk is bounded: calls nest at most [`MAX_CALLS`] deep (a function calling itself ends there),
//! a loop runs its body for at most [`MAX_ITEMS`] words, and past [`MAX_WORK`] commands loops run once
//! and calls are no longer followed.
use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

use super::{clamp, detect_command, is_assignment, program_and_args, shell_c_script, Detection};
use super::{spec::Detectors, SHELLS};
use crate::model::scope::Scope;
use crate::parse::shell::{split_commands, Framing, ShellKind, SimpleCommand, Structure, Word};

/// How deep function calls and `sh -c` strings nest.
const MAX_CALLS: usize = 8;
/// The most words a `for` loop is run with; a longer list runs once, its variable unknown.
const MAX_ITEMS: usize = 16;
/// The most commands one RUN's walk reads before it stops following calls and loops.
const MAX_WORK: usize = 20_000;

/// The positional parameters of the script or function being read: `None` when nothing binds them (a
/// RUN's own `$1`), else one value per word (`None`: that word's value is unknown).
pub type Positionals = Option<Vec<Option<String>>>;

/// The shell's state over one walk.
pub(super) struct Shell<'d> {
    detectors: &'d Detectors,
    kind: ShellKind,
    functions: HashMap<String, Function>,
    /// The names the commands assigned, in order (a script they run sees them).
    assigned: Vec<String>,
    work: usize,
}

struct Function {
    body: Rc<[SimpleCommand]>,
    called: bool,
}

impl<'d> Shell<'d> {
    pub(super) fn new(detectors: &'d Detectors, kind: ShellKind) -> Self {
        Shell {
            detectors,
            kind,
            functions: HashMap::new(),
            assigned: Vec::new(),
            work: 0,
        }
    }

    /// Reads `commands` with `args` bound, then the functions nothing called (arguments unknown).
    pub(super) fn run(
        &mut self,
        commands: &[SimpleCommand],
        scope: &mut Scope,
        args: Positionals,
        out: &mut Detection,
    ) {
        let mut args = args;
        bind(scope, 0, &args);
        self.walk(commands, scope, &mut args, 0, out);
        let uncalled: Vec<Rc<[SimpleCommand]>> = self
            .functions
            .values_mut()
            .filter(|f| !f.called)
            .map(|f| {
                f.called = true;
                f.body.clone()
            })
            .collect();
        for body in uncalled {
            let mut unknown = None;
            bind(scope, count(&args), &unknown);
            self.walk(&body, scope, &mut unknown, 1, out);
        }
    }

    fn walk(
        &mut self,
        commands: &[SimpleCommand],
        scope: &mut Scope,
        args: &mut Positionals,
        depth: usize,
        out: &mut Detection,
    ) {
        let mut i = 0;
        while i < commands.len() {
            self.work += 1;
            if let Some((name, end)) = function_def(commands, i) {
                self.functions.insert(
                    name,
                    Function {
                        body: commands[i + 1..end].into(),
                        called: false,
                    },
                );
                i = end;
                continue;
            }
            if let Some((var, end)) = for_loop(commands, i) {
                let body = &commands[i + 1..end];
                let words = &commands[i].words[3..];
                let items = loop_items(words, scope, args);
                match items {
                    Some(items) if items.len() <= MAX_ITEMS && self.work < MAX_WORK => {
                        for item in items {
                            scope.declare(&var, Some(item));
                            self.walk(body, scope, args, depth, out);
                        }
                    }
                    _ => {
                        scope.declare(&var, None);
                        self.walk(body, scope, args, depth, out);
                    }
                }
                i = end;
                continue;
            }
            self.simple(&commands[i], scope, args, depth, out);
            i += 1;
        }
    }

    fn simple(
        &mut self,
        command: &SimpleCommand,
        scope: &mut Scope,
        args: &mut Positionals,
        depth: usize,
        out: &mut Detection,
    ) {
        let command = splice(command, args);
        let words = &command.words;
        if words.iter().all(|w| is_assignment(&w.text)) {
            for word in words {
                self.assign(scope, &word.text);
            }
            return;
        }
        let first = words.iter().position(|w| !is_assignment(&w.text));
        let Some(first) = first else { return };
        let name = words[first].text.as_str();
        let rest = &words[first + 1..];
        match name {
            "export" | "local" | "readonly" | "declare" | "typeset" => {
                for word in rest.iter().filter(|w| is_assignment(&w.text)) {
                    self.assign(scope, &word.text);
                }
                return;
            }
            "unset" | "read" => {
                for word in rest.iter().filter(|w| !w.text.starts_with('-')) {
                    scope.declare(&word.text, None);
                }
                return;
            }
            "shift" => {
                let n = rest
                    .first()
                    .and_then(|w| scope.expand(&w.text).text.parse().ok())
                    .unwrap_or(1usize);
                if let Some(list) = args {
                    let before = list.len();
                    list.drain(..n.min(before));
                    bind(scope, before, args);
                }
                return;
            }
            "set" if rest.first().is_some_and(|w| w.text == "--") => {
                let before = count(args);
                *args = Some(rest[1..].iter().map(|w| value_of(scope, &w.text)).collect());
                bind(scope, before, args);
                return;
            }
            _ => {}
        }
        if let Some(body) = self.callable(name, depth) {
            let mut called = Some(rest.iter().map(|w| value_of(scope, &w.text)).collect());
            bind(scope, count(args), &called);
            self.walk(&body, scope, &mut called, depth + 1, out);
            bind(scope, count(&called), args);
            return;
        }
        let (program, program_args) = program_and_args(self.detectors, words);
        let program = program.as_deref().unwrap_or("");
        if SHELLS.contains(&program) || program == "su" {
            if let Some(script) = shell_c_script(program_args) {
                if depth < MAX_CALLS {
                    let raw_quote = script.span.end - script.span.start > script.text.len();
                    let base = script.span.start + usize::from(raw_quote);
                    let inner: Vec<SimpleCommand> =
                        split_commands(&script.text, base, Framing::Script, self.kind)
                            .into_iter()
                            .map(|c| clamp(c, &script.span))
                            .collect();
                    // `sh -c 'script' NAME A B`: `$0` is NAME, `$1` is A.
                    let after = program_args
                        .iter()
                        .position(|w| std::ptr::eq(w, script))
                        .map_or(&[][..], |at| &program_args[at + 1..]);
                    let mut child = scope.clone();
                    let mut inner_args = Some(
                        after
                            .iter()
                            .skip(1)
                            .map(|w| value_of(scope, &w.text))
                            .collect(),
                    );
                    bind(&mut child, count(args), &inner_args);
                    self.walk(&inner, &mut child, &mut inner_args, depth + 1, out);
                }
                return;
            }
        }
        let scripts = out.scripts.len();
        detect_command(self.detectors, &command, scope, out);
        let env: Vec<(String, Option<String>)> = self
            .assigned
            .iter()
            .map(|n| (n.clone(), scope.get(n).flatten().map(str::to_string)))
            .collect();
        for script in &mut out.scripts[scripts..] {
            script.env = env.clone();
        }
    }

    /// The body of a function `name` names, when a call may still be followed.
    fn callable(&mut self, name: &str, depth: usize) -> Option<Rc<[SimpleCommand]>> {
        let function = self.functions.get_mut(name)?;
        function.called = true;
        if self.work >= MAX_WORK || depth >= MAX_CALLS {
            // Past the bounds the call is not followed; its commands are read where they stand.
            return None;
        }
        Some(function.body.clone())
    }

    /// `NAME=value`: the value as the shell would hold it, unknown when it is computed (`$(…)`) or names
    /// a variable with no value.
    fn assign(&mut self, scope: &mut Scope, text: &str) {
        let Some((name, value)) = text.split_once('=') else {
            return;
        };
        let name = name.trim_end_matches('+');
        let value = value_of(scope, value);
        if !self.assigned.iter().any(|n| n == name) {
            self.assigned.push(name.to_string());
        }
        scope.declare(name, value);
    }
}

/// A word's value, `None` when the shell computes it (`$(…)`, backquotes, `$((…))`) or it names a
/// variable with no value.
pub(super) fn value_of(scope: &Scope, text: &str) -> Option<String> {
    if text.contains("$(") || text.contains('`') {
        return None;
    }
    let expanded = scope.expand(text);
    expanded.unresolved.is_empty().then_some(expanded.text)
}

fn count(args: &Positionals) -> usize {
    args.as_ref().map_or(0, Vec::len)
}

/// Declares `$1`… (and `$@`, `$*`) from `args`; the `before` names bound earlier and no longer given
/// become unknown.
fn bind(scope: &mut Scope, before: usize, args: &Positionals) {
    let list = args.as_deref().unwrap_or(&[]);
    for (i, value) in list.iter().enumerate() {
        scope.declare(&(i + 1).to_string(), value.clone());
    }
    for i in list.len()..before {
        scope.declare(&(i + 1).to_string(), None);
    }
    let all = args
        .as_ref()
        .and_then(|l| l.iter().cloned().collect::<Option<Vec<String>>>())
        .map(|l| l.join(" "));
    scope.declare("@", all.clone());
    scope.declare("*", all);
}

/// The command with each `"$@"` word replaced by the words it stands for, when they are all known.
fn splice<'c>(command: &'c SimpleCommand, args: &Positionals) -> Cow<'c, SimpleCommand> {
    let is_all = |w: &Word| matches!(w.text.as_str(), "$@" | "${@}" | "$*" | "${*}");
    let Some(values) = args
        .as_ref()
        .and_then(|l| l.iter().cloned().collect::<Option<Vec<String>>>())
    else {
        return Cow::Borrowed(command);
    };
    if !command.words.iter().any(is_all) {
        return Cow::Borrowed(command);
    }
    let mut spliced = command.clone();
    spliced.words = Vec::with_capacity(command.words.len() + values.len());
    for word in &command.words {
        if is_all(word) {
            spliced.words.extend(values.iter().map(|v| Word {
                text: v.clone(),
                span: word.span.clone(),
            }));
        } else {
            spliced.words.push(word.clone());
        }
    }
    Cow::Owned(spliced)
}

/// The words a `for VAR in WORDS` runs with, `None` when one is computed or unknown (`$(cat f)`, a glob).
fn loop_items(words: &[Word], scope: &Scope, args: &Positionals) -> Option<Vec<String>> {
    let mut items = Vec::new();
    for word in words {
        if matches!(word.text.as_str(), "$@" | "${@}" | "$*" | "${*}") {
            items.extend(args.as_ref()?.iter().cloned().collect::<Option<Vec<_>>>()?);
            continue;
        }
        let value = value_of(scope, &word.text)?;
        if value.contains(['*', '?', '[']) {
            return None;
        }
        // An unquoted expansion splits on blanks; a literal word has none left.
        items.extend(value.split_whitespace().map(str::to_string));
    }
    Some(items)
}

/// `name() { … }`, `name() ( … )`, `function name { … }` starting at `commands[i]`: the name and the
/// index just past the body (the command after the closing word, or the end).
fn function_def(commands: &[SimpleCommand], i: usize) -> Option<(String, usize)> {
    let words = &commands[i].words;
    let (name, keyword) = match words.as_slice() {
        [name] => (&name.text, false),
        [keyword, name] if keyword.text == "function" => (&name.text, true),
        _ => return None,
    };
    if name.is_empty() || name.contains(['=', '$', '/', '"', '\'']) {
        return None;
    }
    let marks = &commands.get(i + 1)?.before;
    let parens = marks.starts_with(&[Structure::OpenParen, Structure::CloseParen]);
    if !parens && !keyword {
        return None;
    }
    let at = if parens { 2 } else { 0 };
    let (open, close) = match marks.get(at)? {
        Structure::OpenBrace => (Structure::OpenBrace, Structure::CloseBrace),
        Structure::OpenParen => (Structure::OpenParen, Structure::CloseParen),
        _ => return None,
    };
    Some((name.clone(), closing(commands, i + 1, at + 1, open, close)))
}

/// `for VAR in WORDS; do … done` starting at `commands[i]`: the variable and the index past the body.
fn for_loop(commands: &[SimpleCommand], i: usize) -> Option<(String, usize)> {
    let words = &commands[i].words;
    if words.len() < 3 || words[0].text != "for" || words[2].text != "in" {
        return None;
    }
    let marks = &commands.get(i + 1)?.before;
    let at = marks.iter().position(|m| *m == Structure::Do)?;
    let end = closing(commands, i + 1, at + 1, Structure::Do, Structure::Done);
    Some((words[1].text.clone(), end))
}

/// The index of the command before which the group opened in `commands[start].before[..from]` closes.
fn closing(
    commands: &[SimpleCommand],
    start: usize,
    from: usize,
    open: Structure,
    close: Structure,
) -> usize {
    let mut level = 1usize;
    for (k, command) in commands.iter().enumerate().skip(start) {
        let skip = if k == start { from } else { 0 };
        for mark in command.before.iter().skip(skip) {
            if *mark == open {
                level += 1;
            } else if *mark == close {
                level -= 1;
                if level == 0 {
                    return k;
                }
            }
        }
    }
    commands.len()
}
