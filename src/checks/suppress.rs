//! Inline suppressions: `# cachebust: ignore[CB001]` (or `ignore` alone, for every code) and
//! `# cachebust: ignore-file[CB003]`. A suppression that suppresses nothing, or names an unknown code,
//! is reported (CB100) so it cannot rot.
//!
//! Which findings an `ignore` covers depends on the file: in a Dockerfile, the instruction after its
//! comment lines ([`apply_suppressions`]); in a compose file, the service's `build` whose line it ends
//! (`crate::compose`). Both find the comments with [`find_comments`], give each a [`Scope`] and call
//! [`suppress`].
use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use crate::catalogue::{known, rule};
use crate::finding::{Applicability, Edit, Finding, Fix};
use crate::source::SourceFile;

/// A suppression comment as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The offset of its `#`.
    pub hash: usize,
    /// Its line, without the line ending.
    pub line: Range<usize>,
    /// Whether other text stands before it on its line (a YAML comment after a value).
    pub trailing: bool,
    /// `ignore-file` rather than `ignore`.
    pub file_wide: bool,
    /// The codes it names, with their spans; empty means every code.
    pub codes: Vec<(String, Range<usize>)>,
    /// A comment that tries to be a suppression in another spelling (`# cachebust ignore=CB001`,
    /// hadolint's habit): it suppresses nothing and is reported with the spelling it meant.
    pub near_miss: Option<NearMiss>,
}

/// What a near-miss suppression meant: the range to rewrite and the real syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearMiss {
    pub range: Range<usize>,
    pub meant: String,
    /// Another tool's comment that also names that tool's own codes (`# hadolint ignore=DL3008,CB001`):
    /// rewriting it would drop them, so it gets no fix.
    pub shared: bool,
}

/// The findings a suppression applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Every finding of the file (`ignore-file`).
    File,
    /// The findings whose primary span starts in this range.
    Span(Range<usize>),
    /// None: the comment stands where it applies to nothing.
    Nowhere,
}

struct Suppression {
    comment: Comment,
    scope: Scope,
    used: Vec<bool>,
    used_bare: bool,
}

fn pattern() -> &'static Regex {
    static PATTERN: OnceLock<Regex> = OnceLock::new();
    PATTERN.get_or_init(|| {
        Regex::new(r"#[ \t]*cachebust:[ \t]*(ignore-file|ignore)\b(?:\[([^\]\r\n]*)\])?")
            .expect("valid regex")
    })
}

/// Anything that looks like an attempt at a suppression: `cachebust` and a verb, in any case and
/// spelling (`# cachebust ignore=CB001`, `# cachebust-disable CB001`, `# Cachebust: IGNORE[cb001]`).
fn attempt() -> &'static Regex {
    static ATTEMPT: OnceLock<Regex> = OnceLock::new();
    ATTEMPT.get_or_init(|| {
        Regex::new(r"(?i)#[ \t]*cachebust[ \t]*[:=-]?[ \t]*(ignore-file|ignore|disable-file|disable|noqa|skip)\b[^\r\n]*")
            .expect("valid regex")
    })
}

/// Another linter's suppression naming a cachebust code (`# hadolint ignore=CB001`, `# noqa: CB001`):
/// that tool reads it, cachebust does not.
fn foreign() -> &'static Regex {
    static FOREIGN: OnceLock<Regex> = OnceLock::new();
    FOREIGN.get_or_init(|| {
        Regex::new(r"(?i)#[ \t]*(?:hadolint[ \t]+(ignore|disable)|(noqa)|(nolint))\b[^\r\n]*\bCB[0-9]{3}\b[^\r\n]*")
            .expect("valid regex")
    })
}

fn code_token() -> &'static Regex {
    static CODE: OnceLock<Regex> = OnceLock::new();
    CODE.get_or_init(|| Regex::new(r"(?i)\bCB[0-9]{3}\b").expect("valid regex"))
}

/// What [`attempt`] needs: a `#`, blanks, then `cachebust` in any case (as `(?i)` folds it).
fn may_attempt(text: &str) -> bool {
    let text = crate::redact::guard::fold(text);
    text.match_indices('#').any(|(at, _)| {
        text[at + 1..]
            .trim_start_matches([' ', '\t'])
            .starts_with("cachebust")
    })
}

/// What [`foreign`] needs: `CB` in any case before a digit (text that is not ASCII goes to the regex).
fn may_name_a_code(text: &str) -> bool {
    !text.is_ascii()
        || text.as_bytes().windows(3).any(|w| {
            w[0].eq_ignore_ascii_case(&b'c')
                && w[1].eq_ignore_ascii_case(&b'b')
                && w[2].is_ascii_digit()
        })
}

/// The suppression comments of `file`: whole-line ones, and with `trailing` also those after other
/// text on their line, past a blank (YAML's rule; a Dockerfile has no trailing comments). The caller
/// drops those that are not comments at all, such as a `#` inside a YAML string.
pub fn find_comments(file: &SourceFile, trailing: bool) -> Vec<Comment> {
    // Most files hold no suppression: skip compiling the regexes for them (start-up, issue 19).
    let text = &file.text;
    let ours = may_attempt(text)
        .then(|| attempt().find_iter(text).map(|m| (m, false)))
        .into_iter()
        .flatten();
    let theirs = may_name_a_code(text)
        .then(|| foreign().find_iter(text).map(|m| (m, true)))
        .into_iter()
        .flatten();
    let mut found: Vec<(regex::Match<'_>, bool)> = ours.chain(theirs).collect();
    found.sort_by_key(|(m, _)| m.start());
    // A match inside an earlier one (`# cachebust ignore # noqa CB001`) is part of that comment.
    let mut end = 0;
    found.retain(|(m, _)| {
        let keep = m.start() >= end;
        end = end.max(m.end());
        keep
    });
    found
        .into_iter()
        .filter_map(|(m, is_foreign)| {
            let hash = m.start();
            let line = file.line_range(hash);
            let before = &file.text[line.start..hash];
            let is_trailing = !before.trim_start_matches([' ', '\t']).is_empty();
            if is_trailing && !(trailing && before.ends_with([' ', '\t'])) {
                return None;
            }
            let comment = Comment {
                hash,
                line,
                trailing: is_trailing,
                file_wide: false,
                codes: Vec::new(),
                near_miss: None,
            };
            if is_foreign {
                return Some(Comment {
                    near_miss: Some(near_miss(m.as_str(), hash, foreign())),
                    ..comment
                });
            }
            Some(match exact(&file.text, m.as_str(), hash) {
                Some((file_wide, codes)) => Comment {
                    file_wide,
                    codes,
                    ..comment
                },
                None => Comment {
                    near_miss: Some(near_miss(m.as_str(), hash, attempt())),
                    ..comment
                },
            })
        })
        .collect()
}

/// The codes a suppression names, with their spans.
type Codes = Vec<(String, Range<usize>)>;

/// The real syntax at the start of `text` (the comment from its `#` to the end of its line): whether
/// it is file-wide, and its codes. `None` when the comment is a near miss: another spelling, or the real
/// one followed by what looks like more of the suppression (`ignore=CB001`, `ignore CB001`).
fn exact(full: &str, text: &str, hash: usize) -> Option<(bool, Codes)> {
    let c = pattern()
        .captures(text)
        .filter(|c| c.get(0).expect("match").start() == 0)?;
    let tail = &text[c.get(0).expect("match").end()..];
    let rest = tail.trim_start_matches([' ', '\t']);
    // `ignore-next-line CB001`, `ignore-line`: another verb that merely starts like ours.
    let glued = !tail.is_empty() && tail.len() == rest.len();
    let continues = glued
        || rest.starts_with(['=', '(', ':', '[', ','])
        || code_token().find(rest).is_some_and(|m| m.start() == 0);
    if continues {
        return None;
    }
    let codes = c.get(2).map_or_else(Vec::new, |list| {
        let at = hash + list.start();
        codes(&full[at..at + list.len()], at)
    });
    Some((&c[1] == "ignore-file", codes))
}

/// The suppression a near miss meant: the same verb's kind (file-wide or not) and the codes it names,
/// rewriting the comment from its `#` to its last code (a reason after that stays).
fn near_miss(text: &str, hash: usize, spelling: &Regex) -> NearMiss {
    let verb = spelling.captures(text).expect("an attempt");
    let verb_match = (1..verb.len()).find_map(|i| verb.get(i)).expect("verb");
    let file_wide = verb_match.as_str().to_ascii_lowercase().ends_with("-file");
    let codes: Vec<regex::Match<'_>> = code_token().find_iter(text).collect();
    let end = codes.last().map_or(verb_match.end(), |m| m.end());
    // `[cb001]` is rewritten with its closing bracket.
    let end = if text[end..].starts_with([']', ')']) {
        end + 1
    } else {
        end
    };
    let list: Vec<String> = codes
        .iter()
        .map(|m| m.as_str().to_ascii_uppercase())
        .collect();
    // Another tool's codes in the list (`DL3008`): words of letters and digits that are not ours.
    let own_codes = |t: &str| {
        t.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| w.len() >= 4 && w.chars().any(|c| c.is_ascii_digit()))
            .filter(|w| w.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
            .any(|w| !code_token().is_match(w))
    };
    let shared = own_codes(&text[verb_match.end()..end]);
    let verb = if file_wide { "ignore-file" } else { "ignore" };
    let meant = if list.is_empty() {
        format!("# cachebust: {verb}")
    } else {
        format!("# cachebust: {verb}[{}]", list.join(","))
    };
    NearMiss {
        range: hash..hash + end,
        meant,
        shared,
    }
}

fn codes(list: &str, start: usize) -> Codes {
    let mut codes = Vec::new();
    let mut at = start;
    for part in list.split(',') {
        let trimmed = part.trim();
        let start = at + (part.len() - part.trim_start().len());
        if !trimmed.is_empty() {
            codes.push((trimmed.to_string(), start..start + trimmed.len()));
        }
        at += part.len() + 1;
    }
    codes
}

/// Removes suppressed findings and reports unused or unknown suppressions. `instructions` are the
/// spans of every instruction of the Dockerfile, in order; `enabled` tells which codes the run reports.
pub fn apply_suppressions(
    file: &SourceFile,
    instructions: &[Range<usize>],
    findings: Vec<Finding>,
    enabled: &dyn Fn(&str) -> bool,
) -> Vec<Finding> {
    let comments = find_comments(file, false)
        .into_iter()
        .map(|comment| {
            let scope = if comment.file_wide {
                Scope::File
            } else {
                next_instruction(file, instructions, comment.line.end)
                    .map_or(Scope::Nowhere, Scope::Span)
            };
            (comment, scope)
        })
        .collect();
    suppress(file, comments, findings, enabled)
}

/// Removes the findings that a suppression in scope names, and adds a CB100 finding for each
/// suppression, or code of one, that removed nothing. CB100 findings are never suppressed.
pub fn suppress(
    file: &SourceFile,
    comments: Vec<(Comment, Scope)>,
    findings: Vec<Finding>,
    enabled: &dyn Fn(&str) -> bool,
) -> Vec<Finding> {
    if comments.is_empty() {
        return findings;
    }
    let mut suppressions: Vec<Suppression> = comments
        .into_iter()
        .map(|(comment, scope)| Suppression {
            used: vec![false; comment.codes.len()],
            comment,
            scope,
            used_bare: false,
        })
        .collect();
    let mut kept = Vec::with_capacity(findings.len());
    for finding in findings {
        let mut suppressed = false;
        for s in &mut suppressions {
            let applies = match &s.scope {
                Scope::File => true,
                Scope::Span(t) => t.contains(&finding.span.start) || t.start == finding.span.start,
                Scope::Nowhere => false,
            };
            if !applies || finding.code == "CB100" || s.comment.near_miss.is_some() {
                continue;
            }
            if s.comment.codes.is_empty() {
                s.used_bare = true;
                suppressed = true;
            }
            for (i, (code, _)) in s.comment.codes.iter().enumerate() {
                if code.eq_ignore_ascii_case(finding.code) {
                    s.used[i] = true;
                    suppressed = true;
                }
            }
        }
        if !suppressed {
            kept.push(finding);
        }
    }
    for s in &suppressions {
        kept.extend(unused(file, s, enabled));
    }
    kept.sort_by(|a, b| (a.span.start, a.code).cmp(&(b.span.start, b.code)));
    kept
}

/// The instruction right after `after`, if only comment and blank lines stand between, from the start
/// of its line.
fn next_instruction(
    file: &SourceFile,
    instructions: &[Range<usize>],
    after: usize,
) -> Option<Range<usize>> {
    let next = instructions.iter().find(|i| i.start >= after)?;
    let between = &file.text[after..next.start];
    let only_comments = between.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#')
    });
    only_comments.then(|| file.line_range(next.start).start..next.end)
}

impl Comment {
    /// Where a finding about the whole comment points: its line, or a trailing comment from its `#`.
    fn span(&self) -> Range<usize> {
        if self.trailing {
            self.hash..self.line.end
        } else {
            self.line.clone()
        }
    }

    /// What removing the whole comment deletes: its line with the line ending, or a trailing comment
    /// with the blanks before it (the value before it stays, and so does the line ending).
    fn removal(&self, text: &str) -> Range<usize> {
        if self.trailing {
            let value_end = text[..self.hash].trim_end_matches([' ', '\t']).len();
            return value_end..self.line.end;
        }
        let end = text[self.line.end..]
            .find('\n')
            .map_or(text.len(), |i| self.line.end + i + 1);
        self.line.start..end
    }
}

fn unused(file: &SourceFile, s: &Suppression, enabled: &dyn Fn(&str) -> bool) -> Vec<Finding> {
    let rule_info = known("CB100");
    let comment = &s.comment;
    if let Some(near) = &comment.near_miss {
        let written = &file.text[near.range.clone()];
        return vec![Finding {
            code: "CB100",
            severity: rule_info.severity,
            message: format!(
                "`{written}` is not a suppression: cachebust reads `{}`",
                near.meant
            ),
            span: near.range.clone(),
            label: "not the suppression syntax: it suppresses nothing".into(),
            related: Vec::new(),
            help: if near.shared {
                format!(
                    "Keep the other tool's codes there and put cachebust's on a line of their own: `{}`.",
                    near.meant
                )
            } else {
                format!(
                    "Write it as `{}` (codes in brackets, comma-separated; `ignore-file[…]` for the whole file).",
                    near.meant
                )
            },
            fix: (!near.shared).then(|| Fix {
                title: format!("Rewrite it as `{}`", near.meant),
                applicability: Applicability::Safe,
                edits: vec![Edit {
                    range: near.range.clone(),
                    content: near.meant.clone(),
                }],
            }),
        }];
    }
    let mut out = Vec::new();
    let mut finding =
        |span: Range<usize>, message: String, label: &str, help: &str, remove: Range<usize>| {
            out.push(Finding {
                code: "CB100",
                severity: rule_info.severity,
                message,
                span,
                label: label.to_string(),
                related: Vec::new(),
                help: help.to_string(),
                fix: Some(Fix {
                    title: "Remove the unused suppression".into(),
                    applicability: Applicability::Safe,
                    edits: vec![Edit::delete(remove)],
                }),
            });
        };
    if comment.codes.is_empty() {
        if !s.used_bare {
            finding(
                comment.span(),
                "this suppression suppresses nothing".into(),
                "nothing here to ignore",
                "Remove it.",
                comment.removal(&file.text),
            );
        }
        return out;
    }
    let unused: Vec<usize> = (0..comment.codes.len()).filter(|&i| !s.used[i]).collect();
    for &i in &unused {
        let (code, span) = &comment.codes[i];
        let (message, help) = if rule(code).is_none() {
            (
                format!("unknown rule code `{code}` in a suppression"),
                "`cachebust rule --all` lists the codes.",
            )
        } else if !enabled(&code.to_ascii_uppercase()) {
            continue;
        } else {
            (
                format!("`{code}` is suppressed here but not reported"),
                "Remove it from the list.",
            )
        };
        // Removing the whole comment is right only when no code in it is used.
        let remove = if unused.len() == comment.codes.len() {
            comment.removal(&file.text)
        } else {
            remove_from_list(file, span)
        };
        finding(span.clone(), message, "unused", help, remove);
    }
    out
}

/// The code's span plus one neighbouring comma and its spaces, so the list stays well-formed.
fn remove_from_list(file: &SourceFile, span: &Range<usize>) -> Range<usize> {
    let text = &file.text;
    let after = &text[span.end..];
    let trailing = after.len() - after.trim_start_matches([' ', '\t']).len();
    if after[trailing..].starts_with(',') {
        let rest = &after[trailing + 1..];
        let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        return span.start..span.end + trailing + 1 + spaces;
    }
    let before = &text[..span.start];
    let lead = before.len() - before.trim_end_matches([' ', '\t']).len();
    if before[..before.len() - lead].ends_with(',') {
        return span.start - lead - 1..span.end;
    }
    span.clone()
}
