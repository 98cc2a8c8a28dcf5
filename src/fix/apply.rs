//! Applying edits to a text in one pass, and following an offset of the old text into the new one.
use std::ops::Range;

use crate::finding::Edit;

/// Whether two edits cannot both be applied in one pass: their ranges overlap, or they insert
/// different text at the same point (which one goes first would be arbitrary).
pub fn conflicts(a: &Edit, b: &Edit) -> bool {
    if a == b {
        return false;
    }
    let overlap = a.range.start < b.range.end && b.range.start < a.range.end;
    let same_insertion_point = a.range.is_empty() && a.range == b.range;
    // An insertion strictly inside a replaced range splits it.
    let inside = |ins: &Edit, other: &Edit| {
        ins.range.is_empty()
            && other.range.start < ins.range.start
            && ins.range.start < other.range.end
    };
    overlap || same_insertion_point || inside(a, b) || inside(b, a)
}

/// The edits as they are applied: sorted by start (an insertion before a replacement starting at the
/// same byte), identical ones once, and each edit that conflicts with one already taken left out.
pub fn normalize(edits: &[Edit]) -> Vec<Edit> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    // Stable: among edits that start and end at the same bytes, the caller's order decides.
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut taken: Vec<Edit> = Vec::with_capacity(sorted.len());
    for edit in sorted {
        if taken.iter().any(|t| t == edit || conflicts(t, edit)) {
            continue;
        }
        taken.push(edit.clone());
    }
    taken
}

/// Test support for fixers' property tests: `text` with every edit of `edits` (insertions only) applied
/// whole, and that result with the inserted text removed again (the original bytes, when the fixer
/// touched nothing outside its insertions).
#[cfg(test)]
pub fn insert_and_remove(text: &str, edits: &[Edit]) -> (String, String) {
    let mut by_start: Vec<&Edit> = edits.iter().collect();
    by_start.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut fixed = text.to_string();
    for edit in by_start {
        fixed.replace_range(edit.range.clone(), &edit.content);
    }
    // In order of offset, each insertion sits at its original offset once the earlier ones are gone.
    let mut inserted: Vec<_> = edits
        .iter()
        .map(|e| (e.range.start, e.content.len()))
        .collect();
    inserted.sort();
    let mut restored = fixed.clone();
    for (at, len) in inserted {
        restored.replace_range(at..at + len, "");
    }
    (fixed, restored)
}

/// Applies `edits` (byte ranges of `text`) in one pass. Identical edits are applied once; an edit that
/// conflicts with one taken before it (in order of start) is skipped: the next lint pass offers it again.
///
/// # Panics
/// When an edit's range is out of bounds or not on a character boundary: a bug in the check that made it.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let edits = normalize(edits);
    let added: usize = edits.iter().map(|e| e.content.len()).sum();
    let mut out = String::with_capacity(text.len() + added);
    let mut at = 0;
    for edit in &edits {
        out.push_str(&text[at..edit.range.start]);
        out.push_str(&edit.content);
        at = edit.range.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Each edit as applied (see [`normalize`]) with the range its content occupies in the new text.
pub fn new_ranges(edits: &[Edit]) -> Vec<(Edit, Range<usize>)> {
    let mut shift: isize = 0;
    normalize(edits)
        .into_iter()
        .map(|edit| {
            let start = edit.range.start.wrapping_add_signed(shift);
            let range = start..start + edit.content.len();
            shift += edit.content.len() as isize - edit.range.len() as isize;
            (edit, range)
        })
        .collect()
}

/// Where byte `offset` of the old text is in the text that `apply_edits(old, edits)` returns. Text
/// inserted at `offset` goes before it. An offset inside replaced text follows that text when an edit
/// re-inserts it elsewhere (a move); otherwise it is gone and the answer is `None`.
pub fn map_offset(old: &str, edits: &[Edit], offset: usize) -> Option<usize> {
    let applied = new_ranges(edits);
    let mut shift: isize = 0;
    for (edit, _) in &applied {
        if edit.range.start > offset {
            break;
        }
        if offset < edit.range.end {
            let removed = &old[edit.range.clone()];
            return applied.iter().find_map(|(e, new)| {
                let found = e.content.find(removed)?;
                Some(new.start + found + offset - edit.range.start)
            });
        }
        shift += edit.content.len() as isize - edit.range.len() as isize;
    }
    Some(offset.wrapping_add_signed(shift))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replace(range: std::ops::Range<usize>, content: &str) -> Edit {
        Edit {
            range,
            content: content.into(),
        }
    }

    #[test]
    fn edits_apply_in_order_of_start_whatever_their_given_order() {
        let edits = [
            replace(5..6, "X"),
            Edit::insert(0, ">"),
            Edit::insert(9, "<"),
        ];
        assert_eq!(apply_edits("abc\r\ndef\t", &edits), ">abc\r\nXef\t<");
    }

    #[test]
    fn identical_edits_apply_once_and_overlapping_ones_are_skipped() {
        let edits = [
            Edit::insert(2, "ARG\n"),
            replace(0..3, "xyz"),
            Edit::insert(2, "ARG\n"),
            replace(1..2, "Q"),
        ];
        assert_eq!(apply_edits("abcd", &edits), "xyzd");
        let edits = [Edit::insert(2, "one"), Edit::insert(2, "two")];
        assert_eq!(apply_edits("abcd", &edits), "abonecd");
    }

    #[test]
    fn an_insertion_at_either_end_of_a_replacement_is_not_a_conflict() {
        let edits = [
            replace(1..3, ""),
            Edit::insert(1, "<"),
            Edit::insert(3, ">"),
        ];
        assert_eq!(apply_edits("abcd", &edits), "a<>d");
    }

    #[test]
    fn offsets_follow_insertions_deletions_and_moves() {
        let old = "FROM a\nARG X\nRUN b\nRUN c\n";
        let arg = old.find("ARG").unwrap();
        let run_c = old.find("RUN c").unwrap();
        let moved = [replace(arg..arg + 6, ""), Edit::insert(run_c, "ARG X\n")];
        let new = apply_edits(old, &moved);
        assert_eq!(new, "FROM a\nRUN b\nARG X\nRUN c\n");
        assert_eq!(
            map_offset(old, &moved, arg + 4),
            Some(new.find("X").unwrap())
        );
        assert_eq!(map_offset(old, &moved, arg), Some(new.find("ARG").unwrap()));
        assert_eq!(
            map_offset(old, &moved, run_c),
            Some(new.find("RUN c").unwrap())
        );
        assert_eq!(map_offset(old, &moved, 0), Some(0));
        let deleted = [replace(arg..arg + 6, "")];
        assert_eq!(map_offset(old, &deleted, arg + 1), None);
        assert_eq!(map_offset(old, &deleted, old.len()), Some(old.len() - 6));
    }
}
