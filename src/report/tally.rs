//! What a run found, counted file by file as the reports stream past: the summary, `--statistics` and
//! the exit code need only these counts, not the reports.
use std::collections::BTreeMap;

use crate::finding::{Applicability, Severity};
use crate::lint::FileReport;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Files checked.
    pub files: usize,
    /// Files with at least one finding.
    pub with_findings: usize,
    /// Per rule code: how many findings, and whether one of them has a safe fix.
    pub by_code: BTreeMap<&'static str, (usize, bool)>,
    /// Findings with a safe fix, and with an unsafe one.
    pub safe_fixes: usize,
    pub unsafe_fixes: usize,
    /// The most severe finding's severity.
    pub worst: Option<Severity>,
}

impl Tally {
    /// Counts one file's report.
    pub fn add(&mut self, report: &FileReport) {
        self.files += 1;
        self.with_findings += usize::from(!report.findings.is_empty());
        for f in &report.findings {
            let applicability = f.fix.as_ref().map(|x| x.applicability);
            let entry = self.by_code.entry(f.code).or_default();
            entry.0 += 1;
            entry.1 |= applicability == Some(Applicability::Safe);
            self.safe_fixes += usize::from(applicability == Some(Applicability::Safe));
            self.unsafe_fixes += usize::from(applicability == Some(Applicability::Unsafe));
            self.worst = self.worst.max(Some(f.severity));
        }
    }

    /// Adds the counts of other files.
    pub fn merge(&mut self, other: Tally) {
        self.files += other.files;
        self.with_findings += other.with_findings;
        for (code, (n, fixable)) in other.by_code {
            let entry = self.by_code.entry(code).or_default();
            entry.0 += n;
            entry.1 |= fixable;
        }
        self.safe_fixes += other.safe_fixes;
        self.unsafe_fixes += other.unsafe_fixes;
        self.worst = self.worst.max(other.worst);
    }

    /// How many findings in all.
    pub fn findings(&self) -> usize {
        self.by_code.values().map(|(n, _)| n).sum()
    }
}
