//! The JSON output contract: one array, one object per finding.
use serde_json::{json, Value};

use super::{indented_json, Frame};
use crate::catalogue::known;
use crate::finding::Finding;
use crate::lint::FileReport;
use crate::source::SourceFile;

/// The array around every file's findings, as `serde_json` prints it pretty.
pub(super) fn frame() -> Frame {
    Frame {
        before: "[\n".into(),
        separator: ",\n",
        after: "\n]\n".into(),
        empty: "[]\n".into(),
    }
}

/// One file's findings: elements of the array, indented as in it.
pub(super) fn render_file(report: &FileReport) -> String {
    let mut out = String::new();
    for (i, f) in report.findings.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        indented_json(&finding(&report.file, f), 2, &mut out);
    }
    out
}

fn range(file: &SourceFile, span: &std::ops::Range<usize>) -> [(&'static str, Value); 4] {
    let start = file.position(span.start);
    let end = file.position(span.end);
    [
        ("line", start.line.into()),
        ("column", start.column.into()),
        ("end_line", end.line.into()),
        ("end_column", end.column.into()),
    ]
}

fn with_range(file: &SourceFile, span: &std::ops::Range<usize>, mut object: Value) -> Value {
    for (key, value) in range(file, span) {
        object[key] = value;
    }
    object
}

fn finding(file: &SourceFile, f: &Finding) -> Value {
    let fix = f.fix.as_ref().map(|fix| {
        let edits: Vec<Value> = fix
            .edits
            .iter()
            .map(|e| with_range(file, &e.range, json!({ "content": e.content })))
            .collect();
        json!({ "applicability": fix.applicability, "title": fix.title, "edits": edits })
    });
    let related: Vec<Value> = f
        .related
        .iter()
        .map(|l| with_range(file, &l.span, json!({ "message": l.text })))
        .collect();
    let object = json!({
        "code": f.code,
        "name": known(f.code).name,
        "severity": f.severity.as_str(),
        "message": f.message,
        "label": f.label,
        "path": file.display,
        "help": f.help,
        "url": crate::catalogue::docs_url(f.code),
        "related": related,
        "fix": fix,
    });
    with_range(file, &f.span, object)
}
