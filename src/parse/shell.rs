//! Splits RUN text into simple commands and words, keeping byte spans into the original file.
//!
//! The grammar's special characters are all ASCII, so the lexer walks bytes: a multi-byte character is
//! only ever copied or skipped as a whole, and a position stops on a char boundary.
use std::borrow::Cow;
use std::cell::Cell;
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
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SimpleCommand {
    /// The argv words, leading `NAME=value` assignments included.
    pub words: Vec<Word>,
    /// From the first word's start to the last word's end, in the original file.
    pub span: Range<usize>,
    /// The grouping words of the top-level command list seen since the previous command, in order:
    /// what a reader of functions (`f() { … }`) and loops (`for …; do … done`) needs.
    pub before: Vec<Structure>,
}

/// A grouping word of the shell grammar, kept so that functions and loops can be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Structure {
    OpenParen,
    CloseParen,
    OpenBrace,
    CloseBrace,
    Do,
    Done,
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

/// Whether `word` ends a command (or is noise) when it stands unquoted at command start.
fn is_posix_keyword(word: &str) -> bool {
    matches!(
        word,
        "{" | "}"
            | "!"
            | "then"
            | "do"
            | "else"
            | "elif"
            | "if"
            | "while"
            | "until"
            | "fi"
            | "done"
            | "esac"
    )
}

/// Splits `src` (which starts at byte `base` of the original file) into simple commands.
///
/// Commands found inside `$(…)` and backquotes follow the command that contains them.
pub fn split_commands(
    src: &str,
    base: usize,
    framing: Framing,
    kind: ShellKind,
) -> Vec<SimpleCommand> {
    let (text, segments) = match framing {
        Framing::Instruction { escape } => match join_lines(src, escape) {
            Some((text, segments)) => (Cow::Owned(text), Some(segments)),
            None => (Cow::Borrowed(src), None),
        },
        Framing::Script => (Cow::Borrowed(src), None),
    };
    let mut lexer = Lexer {
        s: &text,
        pos: 0,
        kind,
        ordinary: ordinary_bytes(kind),
        base,
        segments: segments.as_deref(),
        segment_hint: Cell::new(0),
        src_len: src.len(),
        heredocs: Vec::new(),
        marks: Vec::new(),
    };
    let mut out = Vec::new();
    lexer.commands(0, Close::Eof, &mut out);
    // Marks after the last command close what is open: nothing follows them to read.
    for (at, mark) in lexer.marks {
        if let Some(command) = out.get_mut(at) {
            command.before.push(mark);
        }
    }
    out
}

/// A stretch of the logical text copied unchanged from `src`: where it starts in each.
#[derive(Debug, Clone, Copy)]
struct Segment {
    logical: usize,
    orig: usize,
}

/// Applies Dockerfile line joining. Returns `None` when there is nothing to join (the logical text is
/// `src`), else the logical text and the segments it is made of, so spans can be mapped back after
/// tokenizing.
fn join_lines(src: &str, escape: char) -> Option<(String, Vec<Segment>)> {
    let b = src.as_bytes();
    let mut joined: Option<(String, Vec<Segment>)> = None;
    let (mut copy_from, mut search) = (0, 0);
    while let Some(k) = src[search..].find(escape) {
        let at = search + k;
        let after = at + escape.len_utf8();
        let Some(next) = continuation_end(b, after) else {
            search = after;
            continue;
        };
        let (text, segments) =
            joined.get_or_insert_with(|| (String::with_capacity(src.len()), Vec::new()));
        push_segment(text, segments, src, copy_from..at);
        copy_from = skip_removed_lines(b, next);
        search = copy_from;
    }
    let (mut text, mut segments) = joined?;
    push_segment(&mut text, &mut segments, src, copy_from..src.len());
    Some((text, segments))
}

fn push_segment(text: &mut String, segments: &mut Vec<Segment>, src: &str, r: Range<usize>) {
    if r.start < r.end {
        segments.push(Segment {
            logical: text.len(),
            orig: r.start,
        });
        text.push_str(&src[r]);
    }
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

/// The byte length of the UTF-8 sequence that `lead` starts.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0..=0x7f => 1,
        0x80..=0xdf => 2,
        0xe0..=0xef => 3,
        _ => 4,
    }
}

/// For each byte, whether it can be copied into a word as it stands: it neither ends a word (whatever
/// closes the current list) nor starts a quote, escape, continuation or substitution. Non-ASCII bytes
/// are ordinary.
type ByteClass = [bool; 256];

const fn byte_class(special: &[u8]) -> ByteClass {
    let mut class = [true; 256];
    let mut i = 0;
    while i < special.len() {
        class[special[i] as usize] = false;
        i += 1;
    }
    class
}

static POSIX_ORDINARY: ByteClass = byte_class(b" \t\r\n<>|&\";()`'$\\");
static POWERSHELL_ORDINARY: ByteClass = byte_class(b" \t\r\n<>|&\";('`");
static CMD_ORDINARY: ByteClass = byte_class(b" \t\r\n<>|&\"^");

fn ordinary_bytes(kind: ShellKind) -> &'static ByteClass {
    match kind {
        ShellKind::Posix => &POSIX_ORDINARY,
        ShellKind::PowerShell => &POWERSHELL_ORDINARY,
        ShellKind::Cmd => &CMD_ORDINARY,
    }
}

/// Bytes inside `"…"` that may need more than copying, in any shell.
static DQ_PLAIN: ByteClass = byte_class(b"\"`$\\");
/// Bytes inside `${…}` that need more than skipping.
static BRACES_PLAIN: ByteClass = byte_class(b"{}\\`'\"$");
/// Bytes inside `$'…'` that need more than copying.
static ANSI_C_PLAIN: ByteClass = byte_class(b"'\\");

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
    ordinary: &'static ByteClass,
    base: usize,
    /// Where the logical text comes from in `src`; `None` when the logical text is `src` itself.
    segments: Option<&'a [Segment]>,
    /// The segment that held the last mapped byte.
    segment_hint: Cell<usize>,
    src_len: usize,
    /// Heredoc delimiters whose bodies start after the next newline: (delimiter, strip leading tabs).
    heredocs: Vec<(String, bool)>,
    /// Grouping words of the top-level list, each with the index of the command it precedes.
    marks: Vec<(usize, Structure)>,
}

impl<'a> Lexer<'a> {
    #[inline]
    fn byte(&self, at: usize) -> Option<u8> {
        self.s.as_bytes().get(at).copied()
    }

    fn peek(&self) -> Option<u8> {
        self.byte(self.pos)
    }

    /// The byte length of the char at `at` (0 at the end).
    fn char_len(&self, at: usize) -> usize {
        self.byte(at).map_or(0, utf8_len)
    }

    /// The first offset from `at` whose byte is not `plain` (or the end).
    fn scan(&self, mut at: usize, plain: &ByteClass) -> usize {
        let b = self.s.as_bytes();
        while at < b.len() && plain[usize::from(b[at])] {
            at += 1;
        }
        at
    }

    fn posix(&self) -> bool {
        self.kind == ShellKind::Posix
    }

    /// The shell's own escape character (not the Dockerfile one).
    fn esc(&self) -> u8 {
        match self.kind {
            ShellKind::Posix => b'\\',
            ShellKind::PowerShell => b'`',
            ShellKind::Cmd => b'^',
        }
    }

    /// Length of a shell line continuation (escape, optional `\r`, `\n`) at `at`, or 0.
    fn line_cont(&self, at: usize) -> usize {
        if self.byte(at) != Some(self.esc()) {
            return 0;
        }
        match (self.byte(at + 1), self.byte(at + 2)) {
            (Some(b'\n'), _) => 2,
            (Some(b'\r'), Some(b'\n')) => 3,
            _ => 0,
        }
    }

    #[inline]
    fn orig(&self, i: usize) -> usize {
        self.base
            + match self.segments {
                None => i,
                Some(_) if i >= self.s.len() => self.src_len,
                Some(segments) => {
                    let g = segments[self.segment_of(segments, i)];
                    g.orig + (i - g.logical)
                }
            }
    }

    /// The index of the segment holding logical byte `i` (< the text's length). Spans are asked for
    /// mostly in order, so the search starts from the last answer and only a step or two is taken.
    fn segment_of(&self, segments: &[Segment], i: usize) -> usize {
        let hint = self.segment_hint.get();
        let k = if segments[hint].logical <= i {
            let ahead = &segments[hint + 1..];
            match ahead.iter().take(4).position(|g| g.logical > i) {
                Some(n) => hint + n,
                None => hint + ahead.partition_point(|g| g.logical <= i),
            }
        } else {
            // The first segment starts at logical 0, so there is always one at or before `i`.
            segments[..hint].partition_point(|g| g.logical <= i) - 1
        };
        self.segment_hint.set(k);
        k
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
    #[inline]
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

    /// Lexes commands into `out` until end of input or until `close` is consumed.
    fn commands(&mut self, depth: usize, close: Close, out: &mut Vec<SimpleCommand>) {
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
                    flush(out, &mut words, &mut nested);
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
                    flush(out, &mut words, &mut nested);
                    self.mark(depth, out.len(), Structure::CloseParen);
                    self.pos += 1;
                    if parens > 0 {
                        parens -= 1;
                    } else if close == Close::Paren {
                        break;
                    }
                }
                b'(' if self.posix() => {
                    flush(out, &mut words, &mut nested);
                    self.mark(depth, out.len(), Structure::OpenParen);
                    self.pos += 1;
                    parens += 1;
                }
                b'`' if close == Close::Backquote => {
                    self.pos += 1;
                    break;
                }
                b';' | b'&' | b'|' if self.is_meta(self.pos, close) => {
                    flush(out, &mut words, &mut nested);
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
                        self.pos += self.char_len(start).max(1);
                        continue;
                    }
                    if words.is_empty() && self.command_word_is_noise(start, &word) {
                        let mark = match word.text.as_str() {
                            "{" => Some(Structure::OpenBrace),
                            "}" => Some(Structure::CloseBrace),
                            "do" => Some(Structure::Do),
                            "done" => Some(Structure::Done),
                            _ => None,
                        };
                        if let Some(mark) = mark {
                            self.mark(depth, out.len(), mark);
                        }
                        continue;
                    }
                    // `function name {`: the brace opens the body, though it is not first.
                    if words.len() == 2
                        && words[0].text == "function"
                        && self.s.get(start..self.pos) == Some("{")
                    {
                        flush(out, &mut words, &mut nested);
                        self.mark(depth, out.len(), Structure::OpenBrace);
                        continue;
                    }
                    words.push(word);
                }
            }
        }
        flush(out, &mut words, &mut nested);
    }

    /// Records a grouping word of the top-level list (those inside `$(…)` stay with their text).
    fn mark(&mut self, depth: usize, before: usize, mark: Structure) {
        if depth == 0 && self.posix() {
            self.marks.push((before, mark));
        }
    }

    /// Whether `word` (lexed from `start`), standing first in a command, is a reserved word or an
    /// operator rather than argv; a Cmd comment is skipped to the end of its line.
    fn command_word_is_noise(&mut self, start: usize, word: &Word) -> bool {
        let raw = self.s.get(start..self.pos).unwrap_or("");
        match self.kind {
            ShellKind::Posix => is_posix_keyword(raw) && raw == word.text,
            // `& cmd args` is PowerShell's call operator, not part of argv.
            ShellKind::PowerShell => raw == "&",
            ShellKind::Cmd if raw.eq_ignore_ascii_case("rem") || raw.starts_with("::") => {
                self.skip_line();
                true
            }
            ShellKind::Cmd => false,
        }
    }

    /// After a newline: skips the bodies of heredocs opened on the line just ended.
    fn skip_heredoc_bodies(&mut self) {
        if self.heredocs.is_empty() {
            return;
        }
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
        // Most words are plain text: one copy, no quote or escape handling.
        self.pos = self.scan(start, self.ordinary);
        if self.is_meta(self.pos, close) {
            return Word {
                text: self.s[start..self.pos].to_owned(),
                span: self.span(start..self.pos),
            };
        }
        let mut text = String::with_capacity(self.pos - start + 16);
        text.push_str(&self.s[start..self.pos]);
        while !self.is_meta(self.pos, close) {
            let cont = self.line_cont(self.pos);
            if cont > 0 {
                self.pos += cont;
                continue;
            }
            // Not at the end: `is_meta` is true there.
            let b = self.s.as_bytes()[self.pos];
            match b {
                b'\'' if self.kind != ShellKind::Cmd => self.single_quoted(&mut text),
                b'"' => self.double_quoted(depth, close, &mut text, nested),
                b'$' if self.posix() => self.dollar(depth, close, false, &mut text, nested),
                b'`' if self.posix() => self.backquote(depth, &mut text, nested),
                b'(' if self.kind == ShellKind::PowerShell => {
                    // PowerShell `(…)`, `$(…)`, `@(…)` groups stay verbatim inside the word.
                    let group = self.pos;
                    self.pos += 1;
                    self.skip_flat(b'(', b')');
                    text.push_str(&self.s[group..self.pos]);
                }
                _ if b == self.esc() => {
                    self.pos += 1;
                    if !self.push_escaped(&mut text) {
                        text.push(char::from(b));
                    }
                }
                _ => {
                    // This char (which may end a word elsewhere, not here) and the plain text after it.
                    let from = self.pos;
                    self.pos = self.scan(from + self.char_len(from), self.ordinary);
                    text.push_str(&self.s[from..self.pos]);
                }
            }
        }
        Word {
            text,
            span: self.span(start..self.pos),
        }
    }

    /// Appends the char after an escape, resolved, and moves past it; false at the end of input.
    fn push_escaped(&mut self, text: &mut String) -> bool {
        match self.char_len(self.pos) {
            0 => false,
            1 => {
                text.push(self.unescape(char::from(self.s.as_bytes()[self.pos])));
                self.pos += 1;
                true
            }
            n => {
                // Only ASCII letters unescape to something else.
                text.push_str(&self.s[self.pos..self.pos + n]);
                self.pos += n;
                true
            }
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
        while let Some(b) = self.peek() {
            let next = self.byte(self.pos + 1);
            match b {
                b'"' => {
                    self.pos += 1;
                    if !(ps && self.peek() == Some(b'"')) {
                        return;
                    }
                    text.push('"');
                    self.pos += 1;
                }
                // Inside backquotes the first unescaped backquote ends the substitution, quotes or not.
                b'`' if posix && close == Close::Backquote => return,
                b'`' if posix => self.backquote(depth, text, nested),
                b'$' if posix => self.dollar(depth, close, true, text, nested),
                b'\\' if posix => match next {
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
                b'$' if ps && next == Some(b'(') => {
                    let start = self.pos;
                    self.pos += 2;
                    self.skip_flat(b'(', b')');
                    text.push_str(&self.s[start..self.pos]);
                }
                b'`' if ps => {
                    self.pos += 1;
                    self.push_escaped(text);
                }
                _ => {
                    let from = self.pos;
                    self.pos = self.scan(from + self.char_len(from), &DQ_PLAIN);
                    text.push_str(&self.s[from..self.pos]);
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
                self.skip_flat(b'(', b')');
                self.skip_flat(b'(', b')');
            }
            Some(b'(') => {
                self.pos += 2;
                if depth < MAX_DEPTH {
                    self.commands(depth + 1, Close::Paren, nested);
                } else {
                    self.skip_flat(b'(', b')');
                }
            }
            Some(b'{') => {
                self.pos += 2;
                if depth < MAX_DEPTH {
                    self.braces(depth + 1, close, in_dq, nested);
                } else {
                    self.skip_flat(b'{', b'}');
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
        // Quoted parts and substitutions are lexed for their extent (and nested commands) only.
        let mut scratch = String::new();
        while let Some(b) = self.peek() {
            match b {
                b'}' => {
                    self.pos += 1;
                    level -= 1;
                    if level == 0 {
                        return;
                    }
                }
                b'{' => {
                    self.pos += 1;
                    level += 1;
                }
                b'\\' => {
                    self.pos += 1;
                    self.pos += self.char_len(self.pos);
                }
                b'`' if close == Close::Backquote => return,
                b'`' => self.backquote(depth, &mut scratch, nested),
                b'\'' if !in_dq => self.single_quoted(&mut scratch),
                b'"' => self.double_quoted(depth, close, &mut scratch, nested),
                b'$' => self.dollar(depth, close, in_dq, &mut scratch, nested),
                _ => self.pos = self.scan(self.pos + self.char_len(self.pos), &BRACES_PLAIN),
            }
            scratch.clear();
        }
    }

    /// `$'…'`: the `$` and quotes are dropped; only `\'` and `\\` are resolved (other escapes kept as written).
    fn ansi_c(&mut self, text: &mut String) {
        self.pos += 2;
        while let Some(b) = self.peek() {
            match b {
                b'\'' => {
                    self.pos += 1;
                    return;
                }
                b'\\' => {
                    self.pos += 1;
                    let n = self.char_len(self.pos);
                    if n == 0 {
                        text.push('\\');
                        continue;
                    }
                    let e = &self.s[self.pos..self.pos + n];
                    if e != "'" && e != "\\" {
                        text.push('\\');
                    }
                    text.push_str(e);
                    self.pos += n;
                }
                _ => {
                    let from = self.pos;
                    self.pos = self.scan(from + self.char_len(from), &ANSI_C_PLAIN);
                    text.push_str(&self.s[from..self.pos]);
                }
            }
        }
    }

    /// At a Posix backquote: appends the substitution verbatim, splitting its contents into `nested`.
    fn backquote(&mut self, depth: usize, text: &mut String, nested: &mut Vec<SimpleCommand>) {
        let start = self.pos;
        self.pos += 1;
        if depth < MAX_DEPTH {
            self.commands(depth + 1, Close::Backquote, nested);
        } else {
            while let Some(b) = self.peek() {
                self.pos += 1;
                match b {
                    b'`' => break,
                    b'\\' => self.pos += self.char_len(self.pos),
                    _ => {}
                }
            }
        }
        text.push_str(&self.s[start..self.pos]);
    }

    /// Skips to the `close` matching an already consumed `open`, counting nesting and skipping quoted
    /// text, without recursion (used past `MAX_DEPTH`, for arithmetic and for PowerShell groups).
    fn skip_flat(&mut self, open: u8, close: u8) {
        let esc = self.esc();
        let mut level = 1usize;
        // Bytes of multi-byte chars never match the ASCII bytes looked for, so stepping bytes is safe.
        while let Some(b) = self.peek() {
            self.pos += 1;
            if b == open {
                level += 1;
            } else if b == close {
                level -= 1;
                if level == 0 {
                    return;
                }
            } else if b == esc {
                self.pos += self.char_len(self.pos);
            } else if b == b'\'' {
                let rest = &self.s[self.pos..];
                self.pos += rest.find('\'').map_or(rest.len(), |i| i + 1);
            } else if b == b'"' {
                while let Some(d) = self.peek() {
                    self.pos += 1;
                    if d == esc {
                        self.pos += self.char_len(self.pos);
                    } else if d == b'"' {
                        break;
                    }
                }
            }
        }
    }
}

/// Appends the collected command (if any) and then the commands nested in it. The word buffer keeps
/// its capacity for the next command; the command gets an exact-size copy.
fn flush(out: &mut Vec<SimpleCommand>, words: &mut Vec<Word>, nested: &mut Vec<SimpleCommand>) {
    if let (Some(first), Some(last)) = (words.first(), words.last()) {
        let span = first.span.start..last.span.end;
        let mut taken = Vec::with_capacity(words.len());
        taken.append(words);
        out.push(SimpleCommand {
            words: taken,
            span,
            before: Vec::new(),
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

    /// Each command's first word with the grouping words before it.
    fn marks(src: &str) -> Vec<(String, Vec<Structure>)> {
        split_commands(src, 0, SCRIPT, Posix)
            .into_iter()
            .map(|c| (c.words[0].text.clone(), c.before))
            .collect()
    }

    #[test]
    fn grouping_words_are_kept_before_the_commands() {
        use Structure::*;
        assert_eq!(
            marks("f() { a \"$1\"; }; for x in 1 2; do b; done; function g { c; }; ( d ); e $(f)"),
            vec![
                ("f".into(), vec![]),
                ("a".into(), vec![OpenParen, CloseParen, OpenBrace]),
                ("for".into(), vec![CloseBrace]),
                ("b".into(), vec![Do]),
                ("function".into(), vec![Done]),
                ("c".into(), vec![OpenBrace]),
                ("d".into(), vec![CloseBrace, OpenParen]),
                ("e".into(), vec![CloseParen]),
                ("f".into(), vec![]),
            ]
        );
        // Quoted, or not first, they are words.
        assert_eq!(sh("echo { do } '{'"), "[echo, {, do, }, {]");
        assert_eq!(marks("'{' x"), vec![("{".into(), vec![])]);
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
