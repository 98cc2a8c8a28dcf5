//! A service as `docker compose` sees it when it reads a compose file and its `.override` twin: each
//! `build` field from the last file that sets it, and `args` merged name by name.
use super::model::{Arg, Build, Service};
use super::yaml::Node;

/// One service's builds across the files of a set.
#[derive(Debug, Clone)]
pub struct Merged<'n> {
    pub name: String,
    /// The service in each file that gives it a `build`, in merge order, with the file's index in the set.
    pub parts: Vec<(usize, Service<'n>)>,
}

/// Which Dockerfile a build uses.
#[derive(Debug, Clone, Copy)]
pub enum Recipe<'n> {
    /// `dockerfile:` (relative to the context), or `Dockerfile` when `None`.
    Path(Option<&'n Node>),
    /// `dockerfile_inline:` in the file with this index.
    Inline(usize, &'n Node),
}

/// The services that build, in the order they first appear, with their builds from every file.
pub fn merge_services<'n>(files: &[Vec<Service<'n>>]) -> Vec<Merged<'n>> {
    let mut merged: Vec<Merged<'n>> = Vec::new();
    for (index, services) in files.iter().enumerate() {
        for service in services {
            if service.build.is_none() {
                continue;
            }
            match merged.iter_mut().find(|m| m.name == service.name) {
                Some(m) => m.parts.push((index, service.clone())),
                None => merged.push(Merged {
                    name: service.name.clone(),
                    parts: vec![(index, service.clone())],
                }),
            }
        }
    }
    merged
}

impl<'n> Merged<'n> {
    /// The file and service whose `build` findings about the whole build point at: the first file's.
    pub fn home(&self) -> (usize, &Service<'n>, &Build<'n>) {
        self.builds().next().expect("a merged service has a build")
    }

    /// Each file's `build`, in merge order.
    pub fn builds(&self) -> impl DoubleEndedIterator<Item = (usize, &Service<'n>, &Build<'n>)> {
        self.parts
            .iter()
            .filter_map(|(i, s)| Some((*i, s, s.build.as_ref()?)))
    }

    /// A field from the last file that sets it.
    pub fn field(&self, get: impl Fn(&Build<'n>) -> Option<&'n Node>) -> Option<&'n Node> {
        self.builds().rev().find_map(|(_, _, b)| get(b))
    }

    /// The Dockerfile: whichever of `dockerfile` and `dockerfile_inline` the last file sets.
    pub fn recipe(&self) -> Recipe<'n> {
        for (index, _, build) in self.builds().rev() {
            if let Some(inline) = build.inline {
                return Recipe::Inline(index, inline);
            }
            if build.dockerfile.is_some() {
                return Recipe::Path(build.dockerfile);
            }
        }
        Recipe::Path(None)
    }

    /// The build args after merging: a later file's value replaces an earlier one of the same name.
    pub fn args(&self) -> Vec<(usize, Arg<'n>)> {
        let mut args: Vec<(usize, Arg<'n>)> = Vec::new();
        for (index, _, build) in self.builds() {
            for arg in build.args() {
                args.retain(|(_, a)| a.name != arg.name);
                args.push((index, arg));
            }
        }
        args
    }
}
