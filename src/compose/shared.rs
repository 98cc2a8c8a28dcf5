//! CB004, shared form: services that pass one cache-bust variable (`CACHE_BUST: ${CACHE_BUST}`) but fetch
//! different remotes. `cachebust exec` gives the shared variable one value over every remote, so a new
//! commit in one service's remote rebuilds the remote layers of all of them. The fix (unsafe: the variable
//! the build reads changes) passes the service's own variable, `${CACHE_BUST_API}`, which `exec` sets from
//! that service's remotes alone.
use std::collections::BTreeSet;
use std::ops::Range;

use super::builds::variable_of;
use super::merge::Merged;
use crate::checks::Analysis;
use crate::finding::{Applicability, Edit, Finding, Fix, Label, Severity};
use crate::source::SourceFile;

/// Remotes by URL and ref.
type Remotes = BTreeSet<(String, Option<String>)>;

/// One service passing a bust arg through the variable of the same name.
#[derive(Debug, Clone)]
pub struct SharedUse {
    pub service: String,
    /// The compose file of the set where the arg is written, and the arg's value.
    pub file: usize,
    pub value: Range<usize>,
    /// The `build` key of the service in that file, where the finding points (as every CB004's does).
    pub build: Range<usize>,
    /// Whether the value is written in this service (not in an anchor others may share).
    pub local: bool,
    pub arg: String,
    /// The service's own variable: `CACHE_BUST_API`.
    pub own: String,
    /// The remotes (URL and ref) of the layers this arg covers in the stages the service builds.
    pub remotes: Remotes,
}

/// The shared uses of one service: each bust arg of `names` it passes as `${NAME…}` itself.
pub fn uses(
    merged: &Merged<'_>,
    analysis: &Analysis<'_>,
    stages: &[usize],
    names: &[String],
    suffix: &str,
) -> Vec<SharedUse> {
    let mut found = Vec::new();
    for (file, arg) in merged.args() {
        if !names.contains(&arg.name) {
            continue;
        }
        let Some(value) = arg.value.as_deref() else {
            continue;
        };
        if variable_of(value).as_deref() != Some(arg.name.as_str()) {
            continue;
        }
        let remotes = analysis
            .layers
            .iter()
            .filter(|l| !l.onbuild && stages.contains(&l.stage))
            .filter(|l| {
                analysis
                    .covering_bust(l)
                    .is_some_and(|b| b.name == arg.name)
            })
            .flat_map(|l| analysis.mutable_sources(l))
            .map(|s| (s.url.clone(), s.reference.clone()))
            .collect();
        let Some((_, _, build)) = merged.builds().find(|(i, ..)| *i == file) else {
            continue;
        };
        found.push(SharedUse {
            service: merged.name.clone(),
            file,
            build: build.key.referenced.clone(),
            value: arg.value_node.referenced.clone(),
            local: arg.value_node.is_local() && arg.node.is_local(),
            own: format!("{}{suffix}", arg.name),
            arg: arg.name,
            remotes,
        });
    }
    found
}

/// A finding for each service that shares its variable with a service fetching remotes it does not.
pub fn check(files: &[SourceFile], uses: &[SharedUse], findings: &mut [Vec<Finding>]) {
    // The distinct remote sets of each arg, with the services that have them: a file of thousands of
    // services has few of them, so each service is compared with those rather than with every service.
    let mut groups: Vec<(&str, &Remotes, Vec<&str>)> = Vec::new();
    for u in uses {
        match groups
            .iter_mut()
            .find(|(arg, remotes, _)| *arg == u.arg && **remotes == u.remotes)
        {
            Some((_, _, services)) => services.push(&u.service),
            None => groups.push((&u.arg, &u.remotes, vec![&u.service])),
        }
    }
    for this in uses {
        let others: Vec<&str> = groups
            .iter()
            .filter(|(arg, remotes, _)| *arg == this.arg && !remotes.is_subset(&this.remotes))
            .flat_map(|(_, _, services)| services.iter().copied())
            .filter(|s| *s != this.service)
            .collect();
        if others.is_empty() {
            continue;
        }
        let mut them = others
            .iter()
            .take(3)
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ");
        if others.len() > 3 {
            them += &format!(" and {} more", others.len() - 3);
        }
        let file = &files[this.file];
        let fix = own_variable(file, this).map(|edit| Fix {
            title: format!(
                "Pass the service's own `${{{}}}` instead of the shared `${{{}}}`",
                this.own, this.arg
            ),
            applicability: Applicability::Unsafe,
            edits: vec![edit],
        });
        let mut help = format!(
            "`cachebust exec` gives `{arg}` one value over the remotes of every service that passes it, so a \
             new commit in a remote of {them} rebuilds this service's remote layers too. Pass \
             `{own}` instead (`{arg}: ${{{own}:-…}}`): `cachebust exec` sets it from the remotes of the \
             stages this service builds alone. The Dockerfile keeps `ARG {arg}`.",
            arg = this.arg,
            own = this.own,
        );
        if fix.is_none() {
            help +=
                " No automatic fix: the value comes from an anchor that other services may share.";
        }
        findings[this.file].push(Finding {
            code: "CB004",
            severity: Severity::Info,
            message: format!(
                "service `{}` shares `${{{}}}` with {them}, whose remotes it does not fetch, so it \
                 rebuilds when they move",
                this.service, this.arg
            ),
            span: this.build.clone(),
            label: format!("shares its cache-bust value with {them}"),
            related: vec![Label {
                span: this.value.clone(),
                text: format!("also passed by {them}"),
            }],
            help,
            fix,
        });
    }
}

/// The edit that renames the variable in the value: `${CACHE_BUST:-x}` → `${CACHE_BUST_API:-x}`.
fn own_variable(file: &SourceFile, this: &SharedUse) -> Option<Edit> {
    if !this.local {
        return None;
    }
    let text = &file.text[this.value.clone()];
    let at = [format!("${{{}", this.arg), format!("${}", this.arg)]
        .iter()
        .find_map(|needle| {
            text.match_indices(needle.as_str()).find_map(|(i, m)| {
                let next = text[i + m.len()..].chars().next();
                let ends = !next.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
                ends.then_some(i + m.len())
            })
        })?;
    let end = this.value.start + at;
    Some(Edit {
        range: end..end,
        content: this.own[this.arg.len()..].to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn use_of(service: &str, remote: &str, at: usize) -> SharedUse {
        SharedUse {
            service: service.into(),
            file: 0,
            value: at..at + 13,
            build: 0..5,
            local: true,
            arg: "CACHE_BUST".into(),
            own: format!("CACHE_BUST_{}", service.to_uppercase()),
            remotes: [(remote.to_string(), None)].into(),
        }
    }

    #[test]
    fn each_service_is_told_who_shares_its_variable_and_no_more_than_three_by_name() {
        let text = "${CACHE_BUST}".repeat(6);
        let file = SourceFile::new("c.yaml".into(), "c.yaml".into(), text);
        let mut uses = vec![use_of("a", "x", 0), use_of("twin", "x", 13)];
        uses.extend((0..4).map(|i| use_of(&format!("b{i}"), "y", 26 + 13 * i)));
        let mut findings = vec![Vec::new()];
        check(std::slice::from_ref(&file), &uses, &mut findings);
        let messages: Vec<&str> = findings[0].iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages.len(), 6, "{messages:?}");
        assert!(messages[0].starts_with(
            "service `a` shares `${CACHE_BUST}` with `b0`, `b1`, `b2` and 1 more, whose"
        ));
        assert!(
            messages[2].starts_with("service `b0` shares `${CACHE_BUST}` with `a`, `twin`, whose")
        );
        // The fix inserts the service's suffix right after the variable's name.
        let edit = &findings[0][0].fix.as_ref().unwrap().edits[0];
        assert_eq!((edit.range.clone(), edit.content.as_str()), (12..12, "_A"));
    }
}
