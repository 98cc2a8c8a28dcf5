//! A compose file as the rules see it: services, their `build` (short or long form) and its args, each
//! still pointing at its YAML nodes so that findings and fixes have exact spans.
use super::yaml::{Node, NodeKind};

/// One service of one compose file.
#[derive(Debug, Clone)]
pub struct Service<'n> {
    pub name: String,
    /// The service's name in `services:`.
    pub key: &'n Node,
    /// Its mapping.
    pub value: &'n Node,
    pub build: Option<Build<'n>>,
}

/// A service's `build`, in either form: `build: ./dir` or a mapping.
#[derive(Debug, Clone)]
pub struct Build<'n> {
    /// The `build` key. Its `referenced` span is the alias when a service-level merge brought it.
    pub key: &'n Node,
    pub value: &'n Node,
    /// `context`, or the short form's path.
    pub context: Option<&'n Node>,
    pub dockerfile: Option<&'n Node>,
    pub inline: Option<&'n Node>,
    pub target: Option<&'n Node>,
    /// The `args` key and its value.
    pub args: Option<(&'n Node, &'n Node)>,
}

/// Where a service's `build` is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// In the service itself (possibly with entries merged in from an anchor).
    Local,
    /// `build: *alias`: a mapping shared with whatever else uses the anchor.
    Alias,
    /// Brought by a merge key of the service (`<<: *other-service`).
    Inherited,
}

/// One build arg as written: `NAME: value`, `NAME:` (from the environment), `- NAME=value` or `- NAME`.
#[derive(Debug, Clone)]
pub struct Arg<'n> {
    pub name: String,
    /// `None` when compose takes the value from the environment of `docker compose` itself.
    pub value: Option<String>,
    /// The map key or the list item: where findings about the arg point.
    pub node: &'n Node,
    /// The node that holds the value (the map value, or the list item itself).
    pub value_node: &'n Node,
    /// Whether the arg is an item of a list (`- NAME=value`).
    pub listed: bool,
}

/// The services of a compose file, or `None` when it has no `services` mapping (not a compose file).
pub fn services(root: &Node) -> Option<Vec<Service<'_>>> {
    let services = root.get("services")?;
    if !matches!(services.kind, NodeKind::Map(_)) {
        return None;
    }
    Some(
        services
            .entries()
            .iter()
            .filter_map(|(key, value)| {
                Some(Service {
                    name: key.as_str()?.to_string(),
                    key,
                    value,
                    build: value.entry("build").and_then(|(k, v)| build(k, v)),
                })
            })
            .collect(),
    )
}

fn build<'n>(key: &'n Node, value: &'n Node) -> Option<Build<'n>> {
    let empty = Build {
        key,
        value,
        context: None,
        dockerfile: None,
        inline: None,
        target: None,
        args: None,
    };
    match &value.kind {
        NodeKind::Scalar(_) => Some(Build {
            context: Some(value),
            ..empty
        }),
        NodeKind::Map(_) => Some(Build {
            context: value.get("context"),
            dockerfile: value.get("dockerfile"),
            inline: value.get("dockerfile_inline"),
            target: value.get("target"),
            args: value.entry("args"),
            ..empty
        }),
        _ => None,
    }
}

impl<'n> Build<'n> {
    pub fn origin(&self) -> Origin {
        if !self.key.is_local() {
            Origin::Inherited
        } else if !self.value.is_local() {
            Origin::Alias
        } else {
            Origin::Local
        }
    }

    /// The build args as written in this file, in order.
    pub fn args(&self) -> Vec<Arg<'n>> {
        let Some((_, args)) = self.args else {
            return Vec::new();
        };
        match &args.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .filter_map(|(k, v)| {
                    Some(Arg {
                        name: k.as_str()?.to_string(),
                        value: v.as_str().map(str::to_string),
                        node: k,
                        value_node: v,
                        listed: false,
                    })
                })
                .collect(),
            NodeKind::Seq(items) => items
                .iter()
                .filter_map(|item| {
                    let text = item.as_str()?;
                    let (name, value) = match text.split_once('=') {
                        Some((name, value)) => (name, Some(value.to_string())),
                        None => (text, None),
                    };
                    Some(Arg {
                        name: name.to_string(),
                        value,
                        node: item,
                        value_node: item,
                        listed: true,
                    })
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}
