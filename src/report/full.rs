//! The human view: miette's graphical report per finding, then a summary.
use std::fmt::Write;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};

use super::{Style, Tally};
use crate::catalogue::known;
use crate::detect::credentials::mask_secrets;
use crate::finding::{Applicability, Severity};
use crate::lint::FileReport;
use crate::redact::{escape_controls, escape_in_excerpt, escape_line};

/// Lines longer than this are not excerpted: miette prints a line whole, and panics on an underline
/// past column 65,535. Such a finding is shown with its position instead.
const MAX_EXCERPT_LINE: usize = 4096;

pub fn render_full(reports: &[FileReport], style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false)
        // Break lines at spaces only: miette's default finds Unicode line-break opportunities with ICU,
        // which was a third of the full report's time, and split paths at `/` and `-`.
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation);
    let mut out = String::new();
    for report in reports.iter().filter(|r| !r.findings.is_empty()) {
        // One shared copy of the text per file (miette needs an owned source), with every credential
        // blanked to the same length so spans stay valid and excerpts never show a secret.
        // Control characters are shown escaped, so the spans are moved to where their text now is.
        let masked = mask_secrets(&report.file.text);
        let (shown, moved) = Escaped::new(&masked);
        let source = SharedText::new(shown);
        let display = escape_line(&report.file.display);
        // The fixes shown so far in this file, with the line of the finding shown with each: the
        // findings of one stage share one inserted `ARG`, whose help is given once.
        let mut shown_fixes: Vec<(&crate::finding::Fix, usize)> = Vec::new();
        for f in &report.findings {
            let mut labels = vec![LabeledSpan::new_primary_with_span(
                Some(escape_line(&f.label).into_owned()),
                moved.span(&f.span),
            )];
            labels.extend(f.related.iter().map(|l| {
                LabeledSpan::new_with_span(
                    Some(escape_line(&l.text).into_owned()),
                    moved.span(&l.span),
                )
            }));
            let mut help = escape_controls(&f.help).into_owned();
            if let Some(fix) = &f.fix {
                let how = match fix.applicability {
                    Applicability::Safe => "--fix",
                    Applicability::Unsafe => "--fix --unsafe-fixes",
                };
                let earlier = shown_fixes.iter().find(|(shown, _)| *shown == fix);
                match earlier.filter(|_| !fix.edits.is_empty()) {
                    Some((_, line)) => {
                        // A note of the finding's own (why `add-git` did not apply) stays.
                        let notes: String = help
                            .lines()
                            .filter(|l| l.starts_with(crate::checks::ADD_GIT_NOTE))
                            .map(|l| format!("\n{l}"))
                            .collect();
                        help = same_fix(fix, *line, how) + &notes;
                    }
                    None => {
                        let _ = write!(help, "\nfix ({how}): {}", fix.title);
                        shown_fixes.push((fix, report.file.position(f.span.start).line));
                    }
                }
            }
            let file = &report.file;
            let long = std::iter::once(&f.span)
                .chain(f.related.iter().map(|l| &l.span))
                .flat_map(|s| [s.start, s.end])
                .any(|at| file.line_range(at.min(file.text.len())).len() > MAX_EXCERPT_LINE);
            if long {
                let at = file.position(f.span.start);
                let _ = write!(
                    help,
                    "\nat {}:{}:{} (the line is too long to show)",
                    display, at.line, at.column
                );
                labels.clear();
            }
            let diagnostic = MietteDiagnostic::new(format!(
                "{} {}: {}",
                f.code,
                known(f.code).name,
                escape_line(&f.message)
            ))
            .with_severity(match f.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            })
            .with_labels(labels)
            .with_help(help);
            let report = match long {
                true => miette::Report::new(diagnostic),
                false => miette::Report::new(diagnostic)
                    .with_source_code(NamedSource::new(display.as_ref(), source.clone())),
            };
            let _ = handler.render_report(&mut out, report.as_ref());
            out.push('\n');
        }
    }
    out
}

/// The help of a finding whose fix is the one an earlier finding of the file showed (at `line`).
fn same_fix(fix: &crate::finding::Fix, line: usize, how: &str) -> String {
    let what = if fix.title.contains("`ARG ") {
        "the same `ARG`"
    } else {
        "the same fix"
    };
    format!("fixed by {what} as line {line} ({how})")
}

/// `Found 3 findings in 2 of 5 files (2 fixable with --fix).` plus a count per code. `follow_ups`: the
/// findings that `--fix` fixes besides, which its own fixes cause (a compose file must pass the arg a
/// Dockerfile fix declares).
pub fn render_summary(
    tally: &Tally,
    fixable: usize,
    unsafe_fixable: usize,
    follow_ups: usize,
) -> String {
    let total = tally.findings();
    let files = tally.files;
    let noun = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    if total == 0 {
        return format!("No findings in {} checked.\n", noun(files, "file", "files"));
    }
    let mut out = format!(
        "Found {} in {} of {} checked",
        noun(total, "finding", "findings"),
        tally.with_findings,
        noun(files, "file", "files")
    );
    if fixable > 0 {
        let _ = write!(out, " ({fixable} fixable with `--fix`");
        if follow_ups > 0 {
            let _ = write!(
                out,
                " and {}",
                noun(follow_ups, "follow-up fix", "follow-up fixes")
            );
        }
        if unsafe_fixable > 0 {
            let _ = write!(out, ", {unsafe_fixable} more with `--unsafe-fixes`");
        }
        out.push(')');
    } else if unsafe_fixable > 0 {
        let _ = write!(
            out,
            " ({unsafe_fixable} fixable with `--fix --unsafe-fixes`)"
        );
    }
    out.push_str(".\n");
    for (code, (n, _)) in &tally.by_code {
        let _ = writeln!(out, "  {n:>4}  {code} {}", known(code).name);
    }
    out
}

/// A file's text with its control characters escaped, and where each escape moved the bytes after it.
struct Escaped {
    /// `(offset in the original, bytes added up to and including the escape there)`, in order.
    shifts: Vec<(usize, usize)>,
}

impl Escaped {
    fn new(text: &str) -> (String, Escaped) {
        let shown = escape_in_excerpt(text);
        if matches!(shown, std::borrow::Cow::Borrowed(_)) {
            return (text.to_string(), Escaped { shifts: Vec::new() });
        }
        // An escaped character is 1 to 3 bytes in the file and more in the excerpt.
        let mut shifts = Vec::new();
        let mut added = 0;
        let mut buf = [0; 4];
        for (at, c) in text.char_indices() {
            let width = escape_in_excerpt(c.encode_utf8(&mut buf)).len();
            if width != c.len_utf8() {
                added += width - c.len_utf8();
                shifts.push((at, added));
            }
        }
        (shown.into_owned(), Escaped { shifts })
    }

    /// Where an original offset is in the escaped text.
    fn offset(&self, at: usize) -> usize {
        let before = self.shifts.partition_point(|&(o, _)| o < at);
        at + before.checked_sub(1).map_or(0, |i| self.shifts[i].1)
    }

    fn span(&self, span: &std::ops::Range<usize>) -> miette::SourceSpan {
        let start = self.offset(span.start);
        let end = self.offset(span.end.max(span.start));
        miette::SourceSpan::new(start.into(), end - start)
    }
}

/// Text shared between the reports of one file, with where its lines start (as miette counts lines:
/// after `\n`, `\r\n` or a lone `\r`).
#[derive(Debug, Clone)]
struct SharedText(std::sync::Arc<(String, Vec<usize>)>);

impl SharedText {
    fn new(text: String) -> SharedText {
        let bytes = text.as_bytes();
        let starts = std::iter::once(0)
            .chain((0..bytes.len()).filter_map(|i| {
                let ends_line =
                    bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
                ends_line.then_some(i + 1)
            }))
            .collect();
        SharedText(std::sync::Arc::new((text, starts)))
    }
}

impl miette::SourceCode for SharedText {
    /// miette's own `read_span` counts lines from the start of the text on every call, which made a
    /// file with many findings quadratic (minutes for 2 MB). This hands it only the lines around the
    /// span, one more on each side than it shows, and shifts the result back.
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let (text, starts) = &*self.0;
        let line_of = |offset: usize| starts.partition_point(|&s| s <= offset) - 1;
        let first = line_of(span.offset()).saturating_sub(context_lines_before + 1);
        let last = line_of(span.offset() + span.len()) + context_lines_after + 2;
        let (start, end) = (
            starts[first],
            starts.get(last).copied().unwrap_or(text.len()),
        );
        if span.offset() + span.len() > text.len() {
            return Err(miette::MietteError::OutOfBounds);
        }
        let local = miette::SourceSpan::new((span.offset() - start).into(), span.len());
        let window = &text[start..end];
        let contents = window.read_span(&local, context_lines_before, context_lines_after)?;
        let shifted = miette::SourceSpan::new(
            (contents.span().offset() + start).into(),
            contents.span().len(),
        );
        Ok(Box::new(miette::MietteSpanContents::new(
            contents.data(),
            shifted,
            contents.line() + first,
            contents.column(),
            contents.line_count() + first,
        )))
    }
}
