//! Edits shared by the rules that insert a cache-bust arg.
use super::analysis::{Analysis, Bust, Layer, Place};
use crate::finding::Edit;
use crate::model::ItemKind;
use crate::parse::shell::ShellKind;
use crate::source::SourceFile;

/// The line that prints the arg's value, in the stage's shell.
pub fn echo_line(shell: ShellKind, name: &str) -> String {
    match shell {
        ShellKind::Posix => format!("RUN echo \"Cache bust: ${{{name}}}\""),
        ShellKind::PowerShell => format!("RUN Write-Output \"Cache bust: $env:{name}\""),
        ShellKind::Cmd => format!("RUN echo Cache bust: %{name}%"),
    }
}

/// Inserts `ARG name[=value]` (and the echo line, when configured) right before the layer, with the
/// layer's indentation and the file's line endings; `ONBUILD` layers get `ONBUILD` instructions.
pub fn insert_bust(
    analysis: &Analysis<'_>,
    layer: &Layer,
    name: &str,
    value: Option<&str>,
) -> Edit {
    let file = analysis.file;
    let line_start = file.line_range(layer.span.start).start;
    let before = &file.text[line_start..layer.span.start];
    let indent = if before.chars().all(|c| c == ' ' || c == '\t') {
        before
    } else {
        ""
    };
    let newline = file.newline();
    let prefix = if layer.onbuild { "ONBUILD " } else { "" };
    // Above the comments attached to the layer: a suppression (`# cachebust: ignore[…]`, `# hadolint
    // ignore=…`) applies to the instruction right after it, and must stay on the layer.
    let at = attached_comments_start(file, line_start);
    let (at, indent) = if at == line_start {
        (layer.span.start, indent)
    } else {
        let comment = &file.text[at..];
        let width = comment.len() - comment.trim_start_matches([' ', '\t']).len();
        (at + width, &comment[..width])
    };
    let value = value.map(|v| format!("={v}")).unwrap_or_default();
    let mut content = format!("{prefix}ARG {name}{value}{newline}{indent}");
    if analysis.settings.fix_echo {
        content += &format!("{prefix}{}{newline}{indent}", echo_line(layer.shell, name));
    }
    Edit::insert(at, content)
}

/// The start of the block of comment lines right above the line at `line_start` (no blank line in
/// between), or `line_start` when there is none. Comment lines that continue the instruction above
/// them (after a line ending in `\` or `` ` ``) belong to that instruction: they are not moved over.
pub fn attached_comments_start(file: &SourceFile, line_start: usize) -> usize {
    let mut start = line_start;
    while start > 0 {
        let above = file.line_range(start - 1);
        let text = file.text[above.clone()].trim_start_matches([' ', '\t', '\u{feff}']);
        if !text.starts_with('#') {
            let continued = text.trim_end().ends_with(['\\', '`']);
            return if continued { line_start } else { start };
        }
        start = above.start;
    }
    start
}

/// Whether instruction text refers to `$name` / `${name…}`.
pub fn mentions(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(i, _)| {
        let before = &text[..i];
        let after = text[i + name.len()..].chars().next();
        let ends_name = !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        ends_name
            && (before.ends_with('$')
                || before.ends_with("${")
                || before.ends_with("$env:")
                || before.ends_with('%'))
    })
}

/// The item right after the arg when it is a RUN that mentions the arg (the echo line that documents it).
pub fn echo_item(analysis: &Analysis<'_>, bust: &Bust, item: usize) -> Option<usize> {
    let Place::Stage { stage, .. } = bust.place else {
        return None;
    };
    let next = analysis.dockerfile.stages[stage].items.get(item + 1)?;
    (matches!(next.kind, ItemKind::Run(_))
        && mentions(&analysis.file.text[next.span.clone()], &bust.name))
    .then_some(item + 1)
}

/// The whole lines of item `item` of stage `stage`, its line end included.
pub fn item_lines(analysis: &Analysis<'_>, stage: usize, item: usize) -> std::ops::Range<usize> {
    let file = analysis.file;
    let span = &analysis.dockerfile.stages[stage].items[item].span;
    let start = file.line_range(span.start).start;
    let end = file.text[span.end..]
        .find('\n')
        .map_or(file.text.len(), |n| span.end + n + 1);
    start..end
}
