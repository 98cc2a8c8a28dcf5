//! Splits RUN text into simple commands and words, keeping byte spans into the original file.
use std::borrow::Cow;
use std::ops::Range;

/// Which shell grammar the text is written in (from the stage's SHELL instruction).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShellKind {
    /// `sh`/`bash` and friends.
    Posix,
    /// `powershell`/`pwsh`.
    PowerShell,
    /// Windows `cmd /S /C`.
    Cmd,
}

/// One argv word: quotes removed, escapes resolved, `$VAR`/`${VAR:-x}`/`$(…)` text kept verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word as the program would see it (substitutions left unexpanded).
    pub text: String,
    /// Byte range of the word as written (including quotes) in the original file.
    pub span: Range<usize>,
}

/// A simple command: its argv words (redirections and their targets removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimpleCommand {
    /// The argv words, leading `NAME=value` assignments included.
    pub words: Vec<Word>,
    /// From the first word's start to the last word's end, in the original file.
    pub span: Range<usize>,
}

/// How the source text is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// Text of a shell-form RUN as written in the Dockerfile: `escape` + optional spaces/tabs + newline is a
    /// Dockerfile line continuation and is removed; after a continuation, lines that are empty or whose first
    /// non-blank char is `#` are removed entirely (Docker strips them before the shell sees the text).
    Instruction {
        /// The Dockerfile escape character (`\` or `` ` ``).
        escape: char,
    },
    /// A heredoc body or an `sh -c` string: plain shell text, no Dockerfile processing.
    Script,
}

/// Substitutions nested deeper than this are kept verbatim but not split. This bounds recursion (no
/// stack overflow on hostile input) and keeps total work linear: each level copies its text at most once.
const MAX_DEPTH: usize = 24;

/// Words that end a command (or are noise) when they stand unquoted at command start.
const POSIX_KEYWORDS: &[&str] = &[
    "{", "}", "!", "then", "do", "else", "elif", "if", "while", "until", "fi", "done", "esac",
];

/// Splits `src` (which starts at byte `base` of the original file) into simple commands.
///
/// Commands found inside `$(…)` and backquotes follow the command that contains them.
pub fn split_commands(
    src: &str,
    base: usize,
    framing: Framing,
    kind: ShellKind,
) -> Vec<SimpleCommand> {
    let (text, map) = match framing {
        Framing::Instruction { escape } => {
            let (text, map) = join_lines(src, escape);
            (Cow::Owned(text), Some(map))
        }
        Framing::Script => (Cow::Borrowed(src), None),
    };
    let mut lexer = Lexer {
        s: &text,
        pos: 0,
        kind,
        base,
        map: map.as_deref(),
        src_len: src.len(),
        heredocs: Vec::new(),
    };
    lexer.commands(0, Close::Eof)
}

/// Applies Dockerfile line joining. Returns the logical text and, for each of its bytes, that byte's offset
/// in `src`, so spans can be mapped back after tokenizing.
fn join_lines(src: &str, escape: char) -> (String, Vec<u32>) {
    let b = src.as_bytes();
    let mut text = String::with_capacity(src.len());
    let mut map = Vec::with_capacity(src.len());
    let mut i = 0;
    while let Some(c) = src.get(i..).and_then(|rest| rest.chars().next()) {
        let continuation = (c == escape)
            .then(|| continuation_end(b, i + c.len_utf8()))
            .flatten();
        if let Some(next) = continuation {
            i = skip_removed_lines(b, next);
            continue;
        }
        text.push(c);
        map.extend((i..i + c.len_utf8()).map(|o| o as u32));
        i += c.len_utf8();
    }
    (text, map)
}

/// If only blanks separate `i` from a newline, returns the offset just past that newline.
fn continuation_end(b: &[u8], mut i: usize) -> Option<usize> {
    while matches!(b.get(i), Some(b' ' | b'\t' | b'\r')) {
        i += 1;
    }
    (b.get(i) == Some(&b'\n')).then_some(i + 1)
}

/// Skips the blank and comment lines that Docker drops after a continuation.
fn skip_removed_lines(b: &[u8], mut i: usize) -> usize {
    loop {
        let mut j = i;
        while matches!(b.get(j), Some(b' ' | b'\t' | b'\r')) {
            j += 1;
        }
        match b.get(j) {
            Some(b'\n') => i = j + 1,
            Some(b'#') => match b[j..].iter().position(|&x| x == b'\n') {
                Some(k) => i = j + k + 1,
                None => return b.len(),
            },
            None => return b.len(),
            Some(_) => return i,
        }
    }
}

/// What ends the command list being lexed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Close {
    Eof,
    /// An unbalanced `)` (inside `$(…)`).
    Paren,
    /// An unescaped backquote (inside `` `…` ``).
    Backquote,
}

/// Tokenizer over the logical text. `pos` is always on a char boundary: it only moves by whole chars.
struct Lexer<'a> {
    s: &'a str,
    pos: usize,
    kind: ShellKind,
    base: usize,
    /// Logical byte -> byte in `src`; `None` when the logical text is `src` itself.
    map: Option<&'a [u32]>,
    src_len: usize,
    /// Heredoc delimiters whose bodies start after the next newline: (delimiter, strip leading tabs).
    heredocs: Vec<(String, bool)>,
}

impl<'a> Lexer<'a> {
    fn byte(&self, at: usize) -> Option<u8> {
        self.s.as_bytes().get(at).copied()
    }

    fn peek(&self) -> Option<u8> {
        self.byte(self.pos)
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.s.get(at..)?.chars().next()
    }

    fn posix(&self) -> bool {
        self.kind == ShellKind::Posix
    }

    /// The shell's own escape character (not the Dockerfile one).
    fn esc(&self) -> char {
        match self.kind {
            ShellKind::Posix => '\\',
            ShellKind::PowerShell => '`',
            ShellKind::Cmd => '^',
        }
    }

    /// Length of a shell line continuation (escape, optional `\r`, `\n`) at `at`, or 0.
    fn line_cont(&self, at: usize) -> usize {
        if self.char_at(at) != Some(self.esc()) {
            return 0;
        }
        match (self.byte(at + 1), self.byte(at + 2)) {
            (Some(b'\n'), _) => 2,
            (Some(b'\r'), Some(b'\n')) => 3,
            _ => 0,
        }
    }

    fn orig(&self, i: usize) -> usize {
        self.base
            + match self.map {
                None => i,
                Some(m) => m.get(i).map_or(self.src_len, |&o| o as usize),
            }
    }

    /// Maps a logical range to the original file; the end comes from the last byte so that removed
    /// continuations after a word are not included.
    fn span(&self, r: Range<usize>) -> Range<usize> {
        if r.start >= r.end {
            let p = self.orig(r.start);
            return p..p;
        }
        self.orig(r.start)..self.orig(r.end - 1) + 1
    }

    /// Whether the byte at `at` ends a word (end of input counts).
    fn is_meta(&self, at: usize, close: Close) -> bool {
        let Some(b) = self.byte(at) else { return true };
        match b {
            b' ' | b'\t' | b'\r' | b'\n' | b'<' | b'>' | b'|' => true,
            b';' => self.kind != ShellKind::Cmd,
            b'&' => self.kind != ShellKind::PowerShell || self.byte(at + 1) == Some(b'&'),
            b'(' | b')' => self.posix(),
            b'`' => close == Close::Backquote,
            _ => false,
        }
    }

    fn skip_blanks(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r') => self.pos += 1,
                _ => match self.line_cont(self.pos) {
                    0 => return,
                    n => self.pos += n,
                },
            }
        }
    }

    /// Moves to the next newline (not consuming it).
    fn skip_line(&mut self) {
        let rest = &self.s[self.pos..];
        self.pos += rest.find('\n').unwrap_or(rest.len());
    }

    /// Lexes commands until end of input or until `close` is consumed.
    fn commands(&mut self, depth: usize, close: Close) -> Vec<SimpleCommand> {
        let mut out = Vec::new();
        let mut words: Vec<Word> = Vec::new();
        // Commands found in substitutions of the current command; they are emitted after it.
        let mut nested = Vec::new();
        let mut parens = 0usize;
        loop {
            self.skip_blanks();
            let Some(b) = self.peek() else { break };
            let next = self.byte(self.pos + 1);
            match b {
                b'\n' => {
                    flush(&mut out, &mut words, &mut nested);
                    self.pos += 1;
                    self.skip_heredoc_bodies();
                }
                b'<' if next == Some(b'#') && self.kind == ShellKind::PowerShell => {
                    let rest = &self.s[self.pos + 2..];
                    self.pos += 2 + rest.find("#>").map_or(rest.len(), |i| i + 2);
                }
                b'#' if self.kind != ShellKind::Cmd => self.skip_line(),
                _ if self.at_redirect() => self.redirect(depth, close, &mut nested),
                b')' if self.posix() => {
                    flush(&mut out, &mut words, &mut nested);
                    self.pos += 1;
                    if parens > 0 {
                        parens -= 1;
                    } else if close == Close::Paren {
                        break;
                    }
                }
                b'(' if self.posix() => {
                    flush(&mut out, &mut words, &mut nested);
                    self.pos += 1;
                    parens += 1;
                }
                b'`' if close == Close::Backquote => {
                    self.pos += 1;
                    break;
                }
                b';' | b'&' | b'|' if self.is_meta(self.pos, close) => {
                    flush(&mut out, &mut words, &mut nested);
                    // `&&`/`||` are one token outside Posix, where a lone `&` may be a word.
                    self.pos += if !self.posix() && next == Some(b) {
                        2
                    } else {
                        1
                    };
                }
                _ => {
                    let start = self.pos;
                    let word = self.word(depth, close, &mut nested);
                    if self.pos == start {
                        // Cannot happen for well-formed dispatch, but never loop forever.
                        self.pos += self.char_at(start).map_or(1, char::len_utf8);
                        continue;
                    }
                    if words.is_empty() {
                        let raw = self.s.get(start..self.pos).unwrap_or("");
                        match self.kind {
                            ShellKind::Posix
                                if raw == word.text && POSIX_KEYWORDS.contains(&raw) =>
                            {
                                continue;
                            }
                            // `& cmd args` is PowerShell's call operator, not part of argv.
                            ShellKind::PowerShell if raw == "&" => continue,
                            ShellKind::Cmd
                                if raw.eq_ignore_ascii_case("rem") || raw.starts_with("::") =>
                            {
                                self.skip_line();
                                continue;
                            }
                            _ => {}
                        }
                    }
                    words.push(word);
                }
            }
        }
        flush(&mut out, &mut words, &mut nested);
        out
    }

    /// After a newline: skips the bodies of heredocs opened on the line just ended.
    fn skip_heredoc_bodies(&mut self) {
        for (delim, strip_tabs) in std::mem::take(&mut self.heredocs) {
            while self.pos < self.s.len() {
                let rest = &self.s[self.pos..];
                let line_len = rest.find('\n').unwrap_or(rest.len());
                let mut line = &rest[..line_len];
                self.pos = (self.pos + line_len + 1).min(self.s.len());
                line = line.strip_suffix('\r').unwrap_or(line);
                if strip_tabs {
                    line = line.trim_start_matches('\t');
                }
                if line == delim {
                    break;
                }
            }
        }
    }

    /// Whether a redirection operator (with optional fd number, `&>` or PowerShell `*>`) starts here.
    fn at_redirect(&self) -> bool {
        let b = self.s.as_bytes();
        let digits = b[self.pos..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let at = self.pos + digits;
        match b.get(at) {
            Some(b'<' | b'>') => true,
            Some(b'&') if digits == 0 && self.posix() => b.get(at + 1) == Some(&b'>'),
            Some(b'*') if digits == 0 && self.kind == ShellKind::PowerShell => {
                b.get(at + 1) == Some(&b'>')
            }
            _ => false,
        }
    }

    /// Consumes a redirection and its target word; a heredoc's delimiter is remembered for the body skip.
    fn redirect(&mut self, depth: usize, close: Close, nested: &mut Vec<SimpleCommand>) {
        let b: &'a [u8] = self.s.as_bytes();
        while matches!(self.peek(), Some(b'0'..=b'9' | b'&' | b'*')) {
            self.pos += 1;
        }
        let rest = &b[self.pos..];
        let posix = self.posix();
        let (len, heredoc) = if posix && rest.starts_with(b"<<<") {
            (3, None)
        } else if posix && rest.starts_with(b"<<-") {
            (3, Some(true))
        } else if posix && rest.starts_with(b"<<") {
            (2, Some(false))
        } else if rest.len() >= 2 && matches!(&rest[..2], b"<>" | b"<&" | b">>" | b">&" | b">|") {
            (2, None)
        } else {
            (1, None)
        };
        self.pos += len;
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r')) {
            self.pos += 1;
        }
        if self.peek() == Some(b'#') || self.is_meta(self.pos, close) {
            return; // no target: leave the rest to the command loop
        }
        let target = self.word(depth, close, nested);
        if let Some(strip_tabs) = heredoc {
            self.heredocs.push((target.text, strip_tabs));
        }
    }

    /// Lexes one word starting at a non-meta char.
    fn word(&mut self, depth: usize, close: Close, nested: &mut Vec<SimpleCommand>) -> Word {
        let start = self.pos;
        let mut text = String::new();
        while !self.is_meta(self.pos, close) {
            let Some(c) = self.char_at(self.pos) else {
                break;
            };
            let cont = self.line_cont(self.pos);
            if cont > 0 {
                self.pos += cont;
                continue;
            }
            match c {
                '\'' if self.kind != ShellKind::Cmd => self.single_quoted(&mut text),
                '"' => self.double_quoted(depth, close, &mut text, nested),
                '$' if self.posix() => self.dollar(depth, close, false, &mut text, nested),
                '`' if self.posix() => self.backquote(depth, &mut text, nested),
                '(' if self.kind == ShellKind::PowerShell => {
                    // PowerShell `(…)`, `$(…)`, `@(…)` groups stay verbatim inside the word.
                    let group = self.pos;
                    self.pos += 1;
                    self.skip_flat('(', ')');
                    text.push_str(&self.s[group..self.pos]);
                }
                _ if c == self.esc() => {
                    self.pos += 1;
                    match self.char_at(self.pos) {
                        Some(e) => {
                            text.push(self.unescape(e));
                            self.pos += e.len_utf8();
                        }
                        None => text.push(c),
                    }
                }
                _ => {
                    text.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
        Word {
            text,
            span: self.span(start..self.pos),
        }
    }

    /// PowerShell's backtick escapes name control characters; everything else escapes to itself.
    fn unescape(&self, c: char) -> char {
        match (self.kind, c) {
            (ShellKind::PowerShell, 'n') => '\n',
            (ShellKind::PowerShell, 't') => '\t',
            (ShellKind::PowerShell, 'r') => '\r',
            (ShellKind::PowerShell, '0') => '\0',
            _ => c,
        }
    }

    /// `'…'`: literal to the next quote (PowerShell doubles `''` for a quote).
    fn single_quoted(&mut self, text: &mut String) {
        self.pos += 1;
        loop {
            let rest = &self.s[self.pos..];
            let Some(i) = rest.find('\'') else {
                text.push_str(rest);
                self.pos = self.s.len();
                return;
            };
            text.push_str(&rest[..i]);
            self.pos += i + 1;
            if self.kind != ShellKind::PowerShell || self.peek() != Some(b'\'') {
                return;
            }
            text.push('\'');
            self.pos += 1;
        }
    }

    /// `"…"`: a Posix backslash escapes only `$`, backquote, `"`, backslash and newline; PowerShell uses
    /// backticks and `""`; Cmd has no escapes inside quotes.
    fn double_quoted(
        &mut self,
        depth: usize,
        close: Close,
        text: &mut String,
        nested: &mut Vec<SimpleCommand>,
    ) {
        self.pos += 1;
        let (posix, ps) = (self.posix(), self.kind == ShellKind::PowerShell);
        while let Some(c) = self.char_at(self.pos) {
            let next = self.byte(self.pos + 1);
            match c {
                '"' => {
                    self.pos += 1;
                    if !(ps && self.peek() == Some(b'"')) {
                        return;
                    }
                    text.push('"');
                    self.pos += 1;
                }
                // Inside backquotes the first unescaped backquote ends the substitution, quotes or not.
                '`' if posix && close == Close::Backquote => return,
                '`' if posix => self.backquote(depth, text, nested),
                '$' if posix => self.dollar(depth, close, true, text, nested),
                '\\' if posix => match next {
                    Some(e @ (b'$' | b'`' | b'"' | b'\\')) => {
                        text.push(char::from(e));
                        self.pos += 2;
                    }
                    _ => match self.line_cont(self.pos) {
                        0 => {
                            text.push('\\');
                            self.pos += 1;
                        }
                        n => self.pos += n,
                    },
                },
                '$' if ps && next == Some(b'(') => {
                    let start = self.pos;
                    self.pos += 2;
                    self.skip_flat('(', ')');
                    text.push_str(&self.s[start..self.pos]);
                }
                '`' if ps => {
                    self.pos += 1;
                    if let Some(e) = self.char_at(self.pos) {
                        text.push(self.unescape(e));
                        self.pos += e.len_utf8();
                    }
                }
                _ => {
                    text.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }

    /// At a Posix `$`: appends `$…` verbatim, splitting `$(…)` contents into `nested`.
    fn dollar(
        &mut self,
        depth: usize,
        close: Close,
        in_dq: bool,
        text: &mut String,
        nested: &mut Vec<SimpleCommand>,
    ) {
        let start = self.pos;
        match self.byte(start + 1) {
            Some(b'(') if self.byte(start + 2) == Some(b'(') => {
                // Arithmetic: balanced, but its contents are not commands.
                self.pos += 3;
                self.skip_flat('(', ')');
                self.skip_flat('(', ')');
            }
            Some(b'(') => {
                self.pos += 2;
                if depth < MAX_DEPTH {
                    nested.extend(self.commands(depth + 1, Close::Paren));
                } else {
                    self.skip_flat('(', ')');
                }
            }
            Some(b'{') => {
                self.pos += 2;
                if depth < MAX_DEPTH {
                    self.braces(depth + 1, close, in_dq, nested);
                } else {
                    self.skip_flat('{', '}');
                }
            }
            Some(b'\'') if !in_dq => {
                self.ansi_c(text);
                return;
            }
            Some(b'"') if !in_dq => {
                // `$"…"` is a locale-translated string: drop the `$`, the caller lexes the quotes.
                self.pos += 1;
                return;
            }
            // A lone `$` or `$NAME`: the name is made of ordinary word characters.
            _ => self.pos += 1,
        }
        text.push_str(&self.s[start..self.pos]);
    }

    /// The body of `${…}` after the opening brace: nested braces balanced, quotes and substitutions skipped.
    fn braces(&mut self, depth: usize, close: Close, in_dq: bool, nested: &mut Vec<SimpleCommand>) {
        let mut level = 1usize;
        let mut scratch = String::new();
        while let Some(c) = self.char_at(self.pos) {
            match c {
                '}' => {
                    self.pos += 1;
                    level -= 1;
                    if level == 0 {
                        return;
                    }
                }
                '{' => {
                    self.pos += 1;
                    level += 1;
                }
                '\\' => {
                    self.pos += 1;
                    self.pos += self.char_at(self.pos).map_or(0, char::len_utf8);
                }
                '`' if close == Close::Backquote => return,
                '`' => self.backquote(depth, &mut scratch, nested),
                '\'' if !in_dq => self.single_quoted(&mut scratch),
                '"' => self.double_quoted(depth, close, &mut scratch, nested),
                '$' => self.dollar(depth, close, in_dq, &mut scratch, nested),
                _ => self.pos += c.len_utf8(),
            }
            scratch.clear();
        }
    }

    /// `$'…'`: the `$` and quotes are dropped; only `\'` and `\\` are resolved (other escapes kept as written).
    fn ansi_c(&mut self, text: &mut String) {
        self.pos += 2;
        while let Some(c) = self.char_at(self.pos) {
            self.pos += c.len_utf8();
            match c {
                '\'' => return,
                '\\' => match self.char_at(self.pos) {
                    Some(e) => {
                        self.pos += e.len_utf8();
                        if e != '\'' && e != '\\' {
                            text.push('\\');
                        }
                        text.push(e);
                    }
                    None => text.push('\\'),
                },
                _ => text.push(c),
            }
        }
    }

    /// At a Posix backquote: appends the substitution verbatim, splitting its contents into `nested`.
    fn backquote(&mut self, depth: usize, text: &mut String, nested: &mut Vec<SimpleCommand>) {
        let start = self.pos;
        self.pos += 1;
        if depth < MAX_DEPTH {
            nested.extend(self.commands(depth + 1, Close::Backquote));
        } else {
            while let Some(c) = self.char_at(self.pos) {
                self.pos += c.len_utf8();
                match c {
                    '`' => break,
                    '\\' => self.pos += self.char_at(self.pos).map_or(0, char::len_utf8),
                    _ => {}
                }
            }
        }
        text.push_str(&self.s[start..self.pos]);
    }

    /// Skips to the `close` matching an already consumed `open`, counting nesting and skipping quoted
    /// text, without recursion (used past `MAX_DEPTH`, for arithmetic and for PowerShell groups).
    fn skip_flat(&mut self, open: char, close: char) {
        let esc = self.esc();
        let mut level = 1usize;
        while let Some(c) = self.char_at(self.pos) {
            self.pos += c.len_utf8();
            if c == open {
                level += 1;
            } else if c == close {
                level -= 1;
                if level == 0 {
                    return;
                }
            } else if c == esc {
                self.pos += self.char_at(self.pos).map_or(0, char::len_utf8);
            } else if c == '\'' {
                let rest = &self.s[self.pos..];
                self.pos += rest.find('\'').map_or(rest.len(), |i| i + 1);
            } else if c == '"' {
                while let Some(d) = self.char_at(self.pos) {
                    self.pos += d.len_utf8();
                    if d == esc {
                        self.pos += self.char_at(self.pos).map_or(0, char::len_utf8);
                    } else if d == '"' {
                        break;
                    }
                }
            }
        }
    }
}

/// Appends the collected command (if any) and then the commands nested in it.
fn flush(out: &mut Vec<SimpleCommand>, words: &mut Vec<Word>, nested: &mut Vec<SimpleCommand>) {
    if let (Some(first), Some(last)) = (words.first(), words.last()) {
        let span = first.span.start..last.span.end;
        out.push(SimpleCommand {
            words: std::mem::take(words),
            span,
        });
    }
    out.append(nested);
}

#[cfg(test)]
mod tests {
    use super::*;
    use ShellKind::{Cmd, Posix, PowerShell};

    const SCRIPT: Framing = Framing::Script;
    const BACKSLASH: Framing = Framing::Instruction { escape: '\\' };
    const BACKTICK: Framing = Framing::Instruction { escape: '`' };

    /// Checks the span invariants against `file` (where `src` starts at `base`), then renders the commands
    /// compactly as `[argv, words] [next]` so expectations stay one line each.
    fn check(file: &str, base: usize, src_len: usize, cmds: &[SimpleCommand]) -> String {
        for cmd in cmds {
            let (first, last) = (&cmd.words[0], &cmd.words[cmd.words.len() - 1]);
            assert_eq!(cmd.span, first.span.start..last.span.end);
            for w in &cmd.words {
                let (a, b) = (w.span.start, w.span.end);
                assert!(
                    base <= a && a < b && b <= base + src_len,
                    "{w:?} out of bounds"
                );
                assert!(
                    file.is_char_boundary(a) && file.is_char_boundary(b),
                    "{w:?}"
                );
            }
        }
        let render = |c: &SimpleCommand| {
            let words: Vec<&str> = c.words.iter().map(|w| w.text.as_str()).collect();
            format!("[{}]", words.join(", "))
        };
        cmds.iter().map(render).collect::<Vec<_>>().join(" ")
    }

    fn split(src: &str, framing: Framing, kind: ShellKind) -> String {
        check(src, 0, src.len(), &split_commands(src, 0, framing, kind))
    }

    fn sh(src: &str) -> String {
        split(src, SCRIPT, Posix)
    }

    fn raw<'f>(file: &'f str, w: &Word) -> &'f str {
        &file[w.span.clone()]
    }

    #[test]
    fn separators() {
        let got = sh("a 1; b && c || d | e & f\ng;;h (i) {j");
        assert_eq!(got, "[a, 1] [b] [c] [d] [e] [f] [g] [h] [i] [{j]");
    }

    #[test]
    fn reserved_words() {
        assert_eq!(
            sh("if git clone x; then make; fi"),
            "[git, clone, x] [make]"
        );
        let src =
            "while true; do ! x; done\nuntil a; do b; done < f\nif a; then b; elif c; else d; fi";
        assert_eq!(sh(src), "[true] [x] [a] [b] [a] [b] [c] [d]");
        assert_eq!(
            sh("{ a; }; echo if } \"if\" {x}"),
            "[a] [echo, if, }, if, {x}]"
        );
        assert_eq!(
            sh("\"if\" x; case $v in a) y;; esac"),
            "[if, x] [case, $v, in, a] [y]"
        );
    }

    #[test]
    fn quotes_and_escapes() {
        let src = r#"echo 'a "b' "c \$d \x \"q\" `x` $(y)" e\ f \'g"#;
        assert_eq!(
            sh(src),
            r#"[echo, a "b, c $d \x "q" `x` $(y), e f, 'g] [x] [y]"#
        );
        assert_eq!(sh("a\\\nb \"c\\\nd\" 'e\\\nf'"), "[ab, cd, e\\\nf]");
        assert_eq!(
            sh("echo $'it\\'s\\n' $\"hi\" \"\""),
            "[echo, it's\\n, hi, ]"
        );
    }

    #[test]
    fn comments() {
        assert_eq!(sh("a#b url#egg=x # rest; c\nd #e"), "[a#b, url#egg=x] [d]");
        assert_eq!(sh("# only\n  #x\necho;#y\nz"), "[echo] [z]");
    }

    #[test]
    fn substitutions_stay_verbatim() {
        let src = "echo ${A:-x y} ${B:-\"c }\" {d}} $A$B `e f` $((1 + (2)))x";
        let want = "[echo, ${A:-x y}, ${B:-\"c }\" {d}}, $A$B, `e f`, $((1 + (2)))x] [e, f]";
        assert_eq!(sh(src), want, "arithmetic is not a command");
    }

    #[test]
    fn nested_commands_follow_their_container() {
        let file = "RUN x=$(curl -s https://x) && echo \"$(a $(b c))\" `d` ; tail";
        let cmds = split_commands(&file[4..], 4, SCRIPT, Posix);
        let want = "[x=$(curl -s https://x)] [curl, -s, https://x] [echo, $(a $(b c)), `d`] \
                    [a, $(b c)] [b, c] [d] [tail]";
        assert_eq!(check(file, 4, file.len() - 4, &cmds), want);
        assert_eq!(raw(file, &cmds[1].words[2]), "https://x");
        assert_eq!(raw(file, &cmds[2].words[1]), "\"$(a $(b c))\"");
        assert_eq!(&file[cmds[4].span.clone()], "b c");
        // `)` of a subshell or inside quotes does not end the substitution.
        assert_eq!(sh("echo $( (a) \")\" )"), "[echo, $( (a) \")\" )] [a] [)]");
    }

    #[test]
    fn redirections_removed() {
        assert_eq!(
            sh("a >f >> g < h 2>e &>x >&2 2>&1 <<<w 9>n <>rw x>|y z"),
            "[a, x, z]"
        );
        assert_eq!(sh("cat <(curl x) > >(tee y)"), "[cat] [curl, x] [tee, y]");
        assert_eq!(sh("a 2> ; >f b"), "[a] [b]");
        assert_eq!(sh("> $(mktemp) a"), "[a] [mktemp]");
    }

    #[test]
    fn heredoc_bodies_skipped() {
        let src = "cat <<EOF > f && cat <<-'E2'\ngit clone x\nEOF\n\tcurl y\n\tE2\necho done";
        assert_eq!(sh(src), "[cat] [cat] [echo, done]");
        assert_eq!(sh("cat << \"END\"\r\nrm -rf /\r\nEND\r\nls"), "[cat] [ls]");
        assert_eq!(sh("cat <<EOF\nnever ends"), "[cat]");
    }

    #[test]
    fn assignments_kept() {
        assert_eq!(
            sh("FOO=bar BAZ=\"a b\" cmd x"),
            "[FOO=bar, BAZ=a b, cmd, x]"
        );
    }

    #[test]
    fn url_in_quotes_is_not_a_command() {
        assert_eq!(
            sh("echo \"git clone https://x\""),
            "[echo, git clone https://x]"
        );
    }

    #[test]
    fn sh_c_string_in_script_framing() {
        let file = "RUN sh -c 'git clone https://x/y && pip install git+https://z'";
        let base = file.find("git").unwrap();
        let inner = &file[base..file.len() - 1];
        let cmds = split_commands(inner, base, SCRIPT, Posix);
        let want = "[git, clone, https://x/y] [pip, install, git+https://z]";
        assert_eq!(check(file, base, inner.len(), &cmds), want);
        assert_eq!(raw(file, &cmds[1].words[2]), "git+https://z");
    }

    #[test]
    fn instruction_continuations_and_comment_lines() {
        let src = "git clone \\\n# comment here\n  https://x/y.git /s && \\\n  echo hi";
        let file = format!("FROM x\nRUN {src}\n");
        let cmds = split_commands(src, 11, BACKSLASH, Posix);
        let got = check(&file, 11, src.len(), &cmds);
        assert_eq!(got, "[git, clone, https://x/y.git, /s] [echo, hi]");
        assert_eq!(raw(&file, &cmds[0].words[2]), "https://x/y.git");
        assert_eq!(
            &file[cmds[0].span.clone()],
            &src[..src.find(" &&").unwrap()]
        );
        assert_eq!(raw(&file, &cmds[1].words[1]), "hi");
        // Whitespace-only lines and indented comments go too; blanks may follow the escape.
        let src = "a \\  \t\n\n   \n  # x \\\n\tb \\\n#c\n";
        assert_eq!(split(src, BACKSLASH, Posix), "[a, b]");
        // Without a preceding continuation a `#` line is shell text (a comment to the shell).
        assert_eq!(split("a\n#b\nc", BACKSLASH, Posix), "[a] [c]");
    }

    #[test]
    fn word_broken_across_continuation() {
        let file = "RUN git clone https://x/\\\ny.git";
        let cmds = split_commands(&file[4..], 4, BACKSLASH, Posix);
        assert_eq!(cmds[0].words[2].text, "https://x/y.git");
        assert_eq!(raw(file, &cmds[0].words[2]), "https://x/\\\ny.git");
    }

    #[test]
    fn crlf() {
        let src = "echo 1 \\\r\n  && echo 2\r\necho 3\r";
        let cmds = split_commands(src, 0, BACKSLASH, Posix);
        assert_eq!(
            check(src, 0, src.len(), &cmds),
            "[echo, 1] [echo, 2] [echo, 3]"
        );
        assert_eq!(raw(src, &cmds[2].words[1]), "3");
        assert_eq!(sh("a\\\r\nb c\rd"), "[ab, c, d]");
    }

    #[test]
    fn backtick_escape_directive() {
        let src = "Invoke-WebRequest https://x `\r\n  # note\r\n  -OutFile c:\\x.zip; git clone y";
        let want = "[Invoke-WebRequest, https://x, -OutFile, c:\\x.zip] [git, clone, y]";
        assert_eq!(split(src, BACKTICK, PowerShell), want);
        // With a Posix shell, the shell's own `\`-newline continuation still applies after Docker's.
        let src = "echo a `\n && echo b \\\n c";
        assert_eq!(split(src, BACKTICK, Posix), "[echo, a] [echo, b, c]");
    }

    #[test]
    fn powershell_rules() {
        let src = "$x = \"a`\"b\"\"c\"; git clone 'it''s' C:\\p\\ # c\n& \"C:\\git.exe\" x 2>&1 | Out-Null\n\
                   Write-Host $(Get-Date -f 'x)') (a (b)) && iwr https://x *> $null <# block\n# #> || b&c";
        let want = "[$x, =, a\"b\"c] [git, clone, it's, C:\\p\\] [C:\\git.exe, x] [Out-Null] \
                    [Write-Host, $(Get-Date -f 'x)'), (a (b))] [iwr, https://x] [b&c]";
        assert_eq!(split(src, SCRIPT, PowerShell), want);
    }

    #[test]
    fn cmd_rules() {
        let src =
            "curl -o \"C:\\Program Files\\x\" a^&b ^\r\n c & REM git clone z & y\r\nrem x\r\n\
                   :: y\r\necho a;b && git clone q > nul 2>&1 || d|e";
        let want = "[curl, -o, C:\\Program Files\\x, a&b, c] [echo, a;b] [git, clone, q] [d] [e]";
        assert_eq!(split(src, SCRIPT, Cmd), want);
    }

    #[test]
    fn unterminated_input_is_best_effort() {
        assert_eq!(sh("echo \"abc; x"), "[echo, abc; x]");
        assert_eq!(sh("echo 'x"), "[echo, x]");
        assert_eq!(sh("echo $(curl x"), "[echo, $(curl x] [curl, x]");
        assert_eq!(sh("echo ${x y"), "[echo, ${x y]");
        assert_eq!(sh("echo `a b"), "[echo, `a b] [a, b]");
        assert_eq!(sh(") ) a $'x"), "[a, x]");
        assert_eq!(sh("a \\"), "[a, \\]");
        assert_eq!(split("a \\", BACKSLASH, Posix), "[a, \\]");
        assert_eq!(split("a ^", SCRIPT, Cmd), "[a, ^]");
        assert_eq!(split("a (b 'c", SCRIPT, PowerShell), "[a, (b 'c]");
    }

    #[test]
    fn multibyte_near_separators() {
        let src = "échö é;ü&&日本\"ß\"|x’ 'ø'";
        let cmds = split_commands(src, 0, SCRIPT, Posix);
        assert_eq!(
            check(src, 0, src.len(), &cmds),
            "[échö, é] [ü] [日本ß] [x’, ø]"
        );
        assert_eq!(raw(src, &cmds[2].words[0]), "日本\"ß\"");
        let file = "RUN é \\\n ü";
        let cmds = split_commands(&file[4..], 4, BACKSLASH, Posix);
        assert_eq!(raw(file, &cmds[0].words[1]), "ü");
    }

    #[test]
    fn large_input_is_linear() {
        let mut src = String::from("apt-get install -y \\\n");
        for i in 0..100_000 {
            src.push_str(&format!("    pkg{i:011} \\\n"));
        }
        src.push_str("  && git clone https://x");
        assert!(src.len() > 2_000_000);
        let cmds = split_commands(&src, 0, BACKSLASH, Posix);
        assert_eq!(cmds.len(), 2);
        assert_eq!(cmds[0].words.len(), 100_003);
        assert_eq!(raw(&src, &cmds[0].words[100_002]), "pkg00000099999");
        assert_eq!(raw(&src, &cmds[1].words[2]), "https://x");
    }

    #[test]
    fn hostile_nesting_does_not_overflow() {
        for unit in ["$(", "${", "\"${", "\"$(", "`", "$(`", "$((", "${\"$("] {
            let src = unit.repeat(200_000);
            check(&src, 0, src.len(), &split_commands(&src, 0, SCRIPT, Posix));
        }
        let src = "(".repeat(200_000);
        check(
            &src,
            0,
            src.len(),
            &split_commands(&src, 0, SCRIPT, PowerShell),
        );
    }

    #[test]
    fn random_inputs_never_panic() {
        const ALPHABET: &[&str] = &[
            "a", "1", " ", "\t", "\n", "\r", "\r\n", "\\", "'", "\"", "`", "$", "(", ")", "{", "}",
            "$(", "${", "#", ";", "&", "|", "<", ">", "<<", "EOF", "^", "=", "é", "日", "🦀",
            "REM ", "if ", "\\\n", "`\n", "2>&1", "<#", "#>",
        ];
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as usize
        };
        for _ in 0..3000 {
            let src: String = (0..next() % 40)
                .map(|_| ALPHABET[next() % ALPHABET.len()])
                .collect();
            let file = format!("RUN {src}");
            for framing in [SCRIPT, BACKSLASH, BACKTICK] {
                for kind in [Posix, PowerShell, Cmd] {
                    check(&file, 4, src.len(), &split_commands(&src, 4, framing, kind));
                }
            }
        }
    }
}
