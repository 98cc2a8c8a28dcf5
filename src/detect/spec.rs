//! The detector data of `rules/detectors.toml`, compiled once.
use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::base_name;
use super::pattern::Pattern;
use super::refs::RefKind;

/// How a detector finds the remote's URL among a command's arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlFrom {
    Positional,
    Option(String),
    Forms,
    /// Always the detector's `default-url` (`bench init` clones frappe).
    Default,
}

/// One detector: the commands it matches and how it reads the remote out of them.
#[derive(Debug)]
pub struct Detector {
    pub id: String,
    pub tool: String,
    /// Each entry is the program followed by its subcommand words (`["uv", "pip", "install"]`).
    pub commands: Vec<Vec<String>>,
    pub url: UrlFrom,
    pub positional_pattern: Option<Pattern>,
    pub value_options: Vec<String>,
    pub ref_options: BTreeMap<String, RefOption>,
    pub ref_positional: Option<usize>,
    pub default_url: Option<String>,
    pub default_ref: Option<String>,
    /// Options one of which the command must have to fetch (`git submodule update --remote`).
    pub require_options: Vec<String>,
    pub pinnable: bool,
    /// Where the fetched repository lands, for a later checkout (`${GOPATH:-/go}/src/{repo}`).
    pub checkout_dir: Option<String>,
    /// The positional argument (1-based) naming the directory the repository is cloned into; without
    /// it, the URL's last segment (`git clone URL [DIR]`).
    pub dir_positional: Option<usize>,
    pub forms: Vec<usize>,
}

/// What an option that names the ref says about its kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RefOption {
    /// The kind of every value (`--tag`), or `None` to classify the text.
    pub kind: Option<RefKind>,
    /// The kind of a value from an arg with no value (`cargo install --rev ${X}`: a commit), when the
    /// text is classified.
    pub unknown: Option<RefKind>,
}

impl RefOption {
    /// A kind forced on every value (a form's `ref-kind`).
    pub fn forced(kind: Option<RefKind>) -> RefOption {
        RefOption {
            kind,
            unknown: kind,
        }
    }
}

/// A URL shape shared by several detectors.
#[derive(Debug)]
pub struct Form {
    pub id: String,
    pub pattern: Pattern,
    pub require: Option<Pattern>,
    pub exclude: Option<Pattern>,
    pub template: Option<String>,
    pub ref_kind: Option<RefKind>,
    pub default_ref: Option<String>,
}

/// A cache bust that is not a build arg (an `ADD` whose content changes when the remote moves).
#[derive(Debug)]
pub struct BustIdiom {
    pub id: String,
    pub pattern: Pattern,
}

/// How a manifest file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ManifestFormat {
    /// pip's requirements/constraints files (`-r` includes followed).
    Requirements,
    /// `pyproject.toml`, `setup.cfg`, `setup.py`: quoted requirement strings and poetry git tables.
    PythonProject,
    /// `package.json` dependency maps.
    PackageJson,
}

/// An install that reads a file of the build context.
#[derive(Debug)]
pub struct Manifest {
    pub id: String,
    pub commands: Vec<Vec<String>>,
    pub file_options: Vec<String>,
    pub path_args: bool,
    pub no_args: bool,
    pub files: Vec<String>,
    pub locks: Vec<String>,
    pub format: ManifestFormat,
    /// The detector whose forms read the file's entries.
    pub detector: usize,
}

/// A command that runs the command after it (`sudo -u x`, `timeout 600`, `conda run -n env`).
#[derive(Debug)]
pub struct Wrapper {
    pub commands: Vec<Vec<String>>,
    /// Its options that take the next word as their value.
    pub value_options: Vec<String>,
    /// How many words that are not options come before the command (`timeout DURATION`).
    pub positionals: usize,
}

/// Everything `rules/detectors.toml` (and a user's extra detectors) describe.
#[derive(Debug)]
pub struct Detectors {
    pub detectors: Vec<Detector>,
    pub wrappers: Vec<Wrapper>,
    pub forms: Vec<Form>,
    pub bust_idioms: Vec<BustIdiom>,
    pub manifests: Vec<Manifest>,
    /// The detectors' commands by program (as written and as its base name), as (detector, command)
    /// pairs in the data's order: most commands of a RUN (`apt-get`, `echo`) start with none.
    detector_commands: BTreeMap<String, Vec<(usize, usize)>>,
    /// The manifests' commands by program, as (manifest, command) pairs.
    manifest_commands: BTreeMap<String, Vec<(usize, usize)>>,
}

/// Detector data as written: `rules/detectors.toml`, or the extra entries of a config file.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawFile {
    #[serde(default, rename = "detector")]
    pub detectors: Vec<RawDetector>,
    #[serde(default, rename = "form")]
    pub forms: Vec<RawForm>,
    #[serde(default, rename = "bust-idiom")]
    pub bust_idioms: Vec<RawIdiom>,
    #[serde(default, rename = "manifest")]
    pub manifests: Vec<RawManifest>,
    #[serde(default, rename = "wrapper")]
    pub wrappers: Vec<RawWrapper>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawWrapper {
    commands: Vec<String>,
    #[serde(default)]
    value_options: Vec<String>,
    #[serde(default)]
    positionals: usize,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawManifest {
    id: String,
    commands: Vec<String>,
    #[serde(default)]
    file_options: Vec<String>,
    #[serde(default)]
    path_args: bool,
    #[serde(default)]
    no_args: bool,
    #[serde(default)]
    files: Vec<String>,
    #[serde(default)]
    locks: Vec<String>,
    format: ManifestFormat,
    detector: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawDetector {
    id: String,
    tool: String,
    commands: Vec<String>,
    url: String,
    #[serde(default)]
    positional_pattern: Option<String>,
    #[serde(default)]
    value_options: Vec<String>,
    #[serde(default)]
    ref_options: BTreeMap<String, String>,
    #[serde(default)]
    ref_positional: Option<usize>,
    #[serde(default)]
    default_url: Option<String>,
    #[serde(default)]
    default_ref: Option<String>,
    #[serde(default)]
    require_options: Vec<String>,
    #[serde(default)]
    pinnable: bool,
    #[serde(default)]
    checkout_dir: Option<String>,
    #[serde(default)]
    dir_positional: Option<usize>,
    #[serde(default)]
    forms: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawForm {
    id: String,
    pattern: String,
    #[serde(default)]
    require: Option<String>,
    #[serde(default)]
    exclude: Option<String>,
    #[serde(default)]
    template: Option<String>,
    #[serde(default)]
    ref_kind: Option<String>,
    #[serde(default)]
    default_ref: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RawIdiom {
    id: String,
    pattern: String,
}

const BUILTIN: &str = include_str!("../../rules/detectors.toml");

impl Detectors {
    /// The detectors shipped with cachebust.
    pub fn builtin() -> &'static Detectors {
        static BUILTIN_DETECTORS: OnceLock<Detectors> = OnceLock::new();
        BUILTIN_DETECTORS.get_or_init(|| {
            let raw: RawFile =
                toml::from_str(BUILTIN).expect("rules/detectors.toml is checked by the tests");
            let lazy = Lazy::all_of(&raw);
            Detectors::compile(raw, lazy).expect("rules/detectors.toml is checked by the tests")
        })
    }

    /// Compiles detector data, every pattern at once; the error names the entry and field at fault.
    pub fn from_toml(text: &str) -> Result<Detectors, String> {
        let raw: RawFile = toml::from_str(text).map_err(|e| e.to_string())?;
        Detectors::compile(raw, Lazy::default())
    }

    /// Compiles every pattern not compiled yet (the tests: the built-in data is compiled lazily).
    pub fn compile_all_patterns(&self) -> Result<(), String> {
        let patterns = self
            .forms
            .iter()
            .flat_map(|f| [Some(&f.pattern), f.require.as_ref(), f.exclude.as_ref()])
            .chain(self.detectors.iter().map(|d| d.positional_pattern.as_ref()))
            .chain(self.bust_idioms.iter().map(|i| Some(&i.pattern)))
            .flatten();
        for p in patterns {
            regex::Regex::new(p.as_str()).map_err(|e| format!("`{}`: {e}", p.as_str()))?;
        }
        for f in &self.forms {
            check_form_groups(&f.id, &f.pattern, f.template.is_some())?;
        }
        Ok(())
    }

    /// The built-in detectors plus a config file's extra entries (which may use the built-in forms).
    pub fn with_extra(extra: RawFile) -> Result<Detectors, String> {
        let mut raw: RawFile = toml::from_str(BUILTIN).map_err(|e| e.to_string())?;
        let lazy = Lazy::all_of(&raw);
        raw.forms.extend(extra.forms);
        raw.detectors.extend(extra.detectors);
        raw.bust_idioms.extend(extra.bust_idioms);
        raw.manifests.extend(extra.manifests);
        raw.wrappers.extend(extra.wrappers);
        Detectors::compile(raw, lazy)
    }

    fn compile(raw: RawFile, lazy: Lazy) -> Result<Detectors, String> {
        let forms = raw
            .forms
            .into_iter()
            .enumerate()
            .map(|(i, f)| compile_form(f, i < lazy.forms))
            .collect::<Result<Vec<_>, _>>()?;
        let detectors = raw
            .detectors
            .into_iter()
            .enumerate()
            .map(|(i, d)| compile_detector(d, &forms, i < lazy.detectors))
            .collect::<Result<Vec<_>, _>>()?;
        let bust_idioms = raw
            .bust_idioms
            .into_iter()
            .enumerate()
            .map(|(n, i)| {
                Ok(BustIdiom {
                    pattern: pattern(&i.id, "pattern", i.pattern, n < lazy.bust_idioms)?,
                    id: i.id,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let manifests = raw
            .manifests
            .into_iter()
            .map(|m| compile_manifest(m, &detectors))
            .collect::<Result<Vec<_>, _>>()?;
        let wrappers = raw
            .wrappers
            .into_iter()
            .map(|w| {
                options("wrapper", "value-options", &w.value_options)?;
                Ok(Wrapper {
                    commands: split_commands("wrapper", &w.commands)?,
                    value_options: w.value_options,
                    positionals: w.positionals,
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let detector_commands = index_by_program(detectors.iter().map(|d| &d.commands));
        let manifest_commands = index_by_program(manifests.iter().map(|m| &m.commands));
        Ok(Detectors {
            detectors,
            wrappers,
            forms,
            bust_idioms,
            manifests,
            detector_commands,
            manifest_commands,
        })
    }

    /// The (detector, command) pairs whose command starts with `program` (a base name, as `detect`
    /// computes it), in the data's order.
    pub fn detector_commands(&self, program: &str) -> &[(usize, usize)] {
        self.detector_commands
            .get(program)
            .map_or(&[], Vec::as_slice)
    }

    /// The wrapper whose command starts `words` (first word by base name), and how many words it spans.
    pub fn wrapper(&self, first: &str, words: &[&str]) -> Option<(&Wrapper, usize)> {
        self.wrappers.iter().find_map(|w| {
            w.commands
                .iter()
                .find(|c| {
                    c[0] == first
                        && c.len() <= words.len() + 1
                        && c[1..].iter().zip(words).all(|(a, b)| a == b)
                })
                .map(|c| (w, c.len()))
        })
    }

    /// The (manifest, command) pairs whose command starts with `program`, in the data's order.
    pub fn manifest_commands(&self, program: &str) -> &[(usize, usize)] {
        self.manifest_commands
            .get(program)
            .map_or(&[], Vec::as_slice)
    }
}

/// Each owner's commands under their program, as written (`pip3`) and as its base name (`pip`).
fn index_by_program<'c>(
    owners: impl Iterator<Item = &'c Vec<Vec<String>>>,
) -> BTreeMap<String, Vec<(usize, usize)>> {
    let mut index: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (owner, commands) in owners.enumerate() {
        for (command, words) in commands.iter().enumerate() {
            let base = base_name(&words[0]);
            index
                .entry(words[0].clone())
                .or_default()
                .push((owner, command));
            if base != words[0] {
                index
                    .entry(base.into_owned())
                    .or_default()
                    .push((owner, command));
            }
        }
    }
    index
}

/// How many leading entries of each list are the built-in data, whose patterns compile on first use.
#[derive(Debug, Default, Clone, Copy)]
struct Lazy {
    forms: usize,
    detectors: usize,
    bust_idioms: usize,
}

impl Lazy {
    fn all_of(raw: &RawFile) -> Lazy {
        Lazy {
            forms: raw.forms.len(),
            detectors: raw.detectors.len(),
            bust_idioms: raw.bust_idioms.len(),
        }
    }
}

fn pattern(id: &str, field: &str, text: String, lazy: bool) -> Result<Pattern, String> {
    if lazy {
        Ok(Pattern::lazy(text))
    } else {
        Pattern::eager(id, field, text)
    }
}

fn check_form_groups(id: &str, pattern: &Pattern, has_template: bool) -> Result<(), String> {
    let names: Vec<&str> = pattern.capture_names().flatten().collect();
    if !(names.contains(&"url") || (names.contains(&"path") && has_template)) {
        return Err(format!(
            "`{id}`: the pattern needs a `url` group, or a `path` group and a `template`"
        ));
    }
    Ok(())
}

fn ref_kind(id: &str, text: &str) -> Result<Option<RefKind>, String> {
    match text {
        "auto" => Ok(None),
        "branch" => Ok(Some(RefKind::Branch)),
        "tag" => Ok(Some(RefKind::Tag)),
        "commit" => Ok(Some(RefKind::Commit)),
        "latest" => Ok(Some(RefKind::Latest)),
        other => Err(format!(
            "`{id}`: unknown ref kind `{other}` (expected auto, auto-commit, branch, tag, commit or latest)"
        )),
    }
}

/// `auto`, a kind, or `auto-commit`: the text is classified, and an unknown value is a commit.
fn ref_option(id: &str, text: &str) -> Result<RefOption, String> {
    match text {
        "auto-commit" => Ok(RefOption {
            kind: None,
            unknown: Some(RefKind::Commit),
        }),
        other => ref_kind(id, other).map(RefOption::forced),
    }
}

fn compile_form(raw: RawForm, lazy: bool) -> Result<Form, String> {
    let form_pattern = pattern(&raw.id, "pattern", raw.pattern, lazy)?;
    if !lazy {
        check_form_groups(&raw.id, &form_pattern, raw.template.is_some())?;
    }
    let pattern = form_pattern;
    Ok(Form {
        require: raw
            .require
            .map(|p| self::pattern(&raw.id, "require", p, lazy))
            .transpose()?,
        exclude: raw
            .exclude
            .map(|p| self::pattern(&raw.id, "exclude", p, lazy))
            .transpose()?,
        ref_kind: raw
            .ref_kind
            .as_deref()
            .map(|k| ref_kind(&raw.id, k))
            .transpose()?
            .flatten(),
        template: raw.template,
        default_ref: raw.default_ref,
        pattern,
        id: raw.id,
    })
}

fn split_commands(id: &str, commands: &[String]) -> Result<Vec<Vec<String>>, String> {
    let commands: Vec<Vec<String>> = commands
        .iter()
        .map(|c| c.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .collect::<Vec<_>>();
    if commands.is_empty() {
        return Err(format!("`{id}`: `commands` is empty"));
    }
    if commands.iter().any(Vec::is_empty) {
        // A blank entry matches no command: a typo that would silently detect nothing.
        return Err(format!("`{id}`: `commands` holds an empty command"));
    }
    Ok(commands)
}

/// Every option a detector names is written as the command line has it: a dash, then a name with no
/// blank (`-r`, `--branch`). Anything else can never match a word, and detects nothing in silence.
fn options<'o>(
    id: &str,
    field: &str,
    options: impl IntoIterator<Item = &'o String>,
) -> Result<(), String> {
    for option in options {
        let name = option.trim_start_matches('-');
        if !option.starts_with('-') || name.is_empty() || option.contains(char::is_whitespace) {
            return Err(format!(
                "`{id}`: `{field}` entry `{option}` is not an option (a dash and a name: `-r`, `--branch`)"
            ));
        }
    }
    Ok(())
}

/// A text field that is given must say something: an empty `default-url` or `checkout-dir` would
/// name no remote and no directory.
fn non_empty(id: &str, field: &str, value: Option<&str>) -> Result<(), String> {
    match value {
        Some(v) if v.trim().is_empty() => Err(format!("`{id}`: `{field}` is empty")),
        _ => Ok(()),
    }
}

fn compile_manifest(raw: RawManifest, detectors: &[Detector]) -> Result<Manifest, String> {
    let detector = detectors
        .iter()
        .position(|d| d.id == raw.detector)
        .ok_or_else(|| format!("`{}`: unknown detector `{}`", raw.id, raw.detector))?;
    if raw.file_options.is_empty() && raw.files.is_empty() {
        return Err(format!(
            "`{}`: a manifest needs `file-options` or `files`",
            raw.id
        ));
    }
    options(&raw.id, "file-options", &raw.file_options)?;
    Ok(Manifest {
        commands: split_commands(&raw.id, &raw.commands)?,
        file_options: raw.file_options,
        path_args: raw.path_args,
        no_args: raw.no_args,
        files: raw.files,
        locks: raw.locks,
        format: raw.format,
        detector,
        id: raw.id,
    })
}

fn compile_detector(raw: RawDetector, forms: &[Form], lazy: bool) -> Result<Detector, String> {
    let id = raw.id;
    let url = match raw.url.as_str() {
        "positional" => UrlFrom::Positional,
        "forms" => UrlFrom::Forms,
        "default" => UrlFrom::Default,
        other => match other.strip_prefix("option:") {
            Some(option)
                if option.starts_with('-') && !option.trim_start_matches('-').is_empty() =>
            {
                UrlFrom::Option(option.to_string())
            }
            _ => {
                return Err(format!(
                    "`{id}`: `url` must be \"positional\", \"forms\", \"default\" or \"option:--NAME\", not `{other}`"
                ))
            }
        },
    };
    let forms = raw
        .forms
        .iter()
        .map(|name| {
            forms
                .iter()
                .position(|f| &f.id == name)
                .ok_or_else(|| format!("`{id}`: unknown form `{name}`"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if url == UrlFrom::Default && raw.default_url.is_none() {
        return Err(format!("`{id}`: `url = \"default\"` needs a `default-url`"));
    }
    if url == UrlFrom::Forms && forms.is_empty() {
        return Err(format!("`{id}`: `url = \"forms\"` needs a `forms` list"));
    }
    if raw.dir_positional == Some(0) {
        return Err(format!(
            "`{id}`: `dir-positional` counts from 1 (the first argument after the command)"
        ));
    }
    if raw.ref_positional == Some(0) {
        // Counted from 1 like `$1`: 0 names no argument (and `n - 1` would underflow).
        return Err(format!(
            "`{id}`: `ref-positional` counts from 1 (the first positional argument); 0 names none"
        ));
    }
    if raw.tool.trim().is_empty() {
        return Err(format!("`{id}`: `tool` is empty"));
    }
    options(&id, "value-options", &raw.value_options)?;
    options(&id, "require-options", &raw.require_options)?;
    options(&id, "ref-options", raw.ref_options.keys())?;
    non_empty(&id, "default-url", raw.default_url.as_deref())?;
    non_empty(&id, "checkout-dir", raw.checkout_dir.as_deref())?;
    let commands = split_commands(&id, &raw.commands)?;
    let ref_options = raw
        .ref_options
        .iter()
        .map(|(option, kind)| Ok((option.clone(), ref_option(&id, kind)?)))
        .collect::<Result<BTreeMap<_, _>, String>>()?;
    Ok(Detector {
        positional_pattern: raw
            .positional_pattern
            .map(|p| pattern(&id, "positional-pattern", p, lazy))
            .transpose()?,
        tool: raw.tool,
        commands,
        url,
        value_options: raw.value_options,
        ref_options,
        ref_positional: raw.ref_positional,
        default_url: raw.default_url,
        default_ref: raw.default_ref.filter(|r| !r.is_empty()),
        require_options: raw.require_options,
        pinnable: raw.pinnable,
        checkout_dir: raw.checkout_dir,
        dir_positional: raw.dir_positional,
        forms,
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_data_compiles() {
        let d = Detectors::builtin();
        assert!(d.detectors.iter().any(|d| d.id == "git-clone"));
        assert!(d.forms.len() > 10);
        d.compile_all_patterns().unwrap();
    }

    #[test]
    fn builtin_patterns_compile_on_first_use_and_extra_ones_at_once() {
        let raw: RawFile = toml::from_str(BUILTIN).unwrap();
        let lazy = Lazy::all_of(&raw);
        let d = Detectors::compile(raw, lazy).unwrap();
        assert!(d.forms.iter().all(|f| !f.pattern.is_compiled()));
        let extra: RawFile =
            toml::from_str("[[form]]\nid = \"mine\"\npattern = '^(?P<url>mine:.+)$'\n").unwrap();
        let d = Detectors::with_extra(extra).unwrap();
        let mine = d.forms.iter().find(|f| f.id == "mine").unwrap();
        assert!(mine.pattern.is_compiled());
        assert!(d.forms.iter().filter(|f| f.pattern.is_compiled()).count() == 1);
        let bad: RawFile = toml::from_str("[[form]]\nid = \"bad\"\npattern = '('\n").unwrap();
        assert!(Detectors::with_extra(bad)
            .unwrap_err()
            .starts_with("`bad`: invalid `pattern`"));
    }

    #[test]
    fn a_wrapper_option_without_its_dash_is_an_error() {
        let err =
            Detectors::from_toml("[[wrapper]]\ncommands = [\"nice\"]\nvalue-options = [\"n\"]\n")
                .unwrap_err();
        assert_eq!(
            err,
            "`wrapper`: `value-options` entry `n` is not an option (a dash and a name: `-r`, `--branch`)"
        );
    }

    #[test]
    fn commands_are_found_by_program_and_base_name() {
        let d = Detectors::from_toml(
            "[[form]]\nid = \"f\"\npattern = '^(?P<url>x)$'\n\
             [[detector]]\nid = \"a\"\ntool = \"a\"\ncommands = [\"/usr/bin/Pip3 install\", \"pip add\"]\n\
             url = \"forms\"\nforms = [\"f\"]\n",
        )
        .unwrap();
        assert_eq!(d.detector_commands("pip"), &[(0, 0), (0, 1)]);
        assert_eq!(d.detector_commands("/usr/bin/Pip3"), &[(0, 0)]);
        assert!(d.detector_commands("apt-get").is_empty());
        assert!(d.manifest_commands("pip").is_empty());
    }

    #[test]
    fn bad_data_names_the_entry() {
        let err = Detectors::from_toml(
            "[[detector]]\nid = \"x\"\ntool = \"x\"\ncommands = [\"x\"]\nurl = \"forms\"\nforms = [\"nope\"]\n",
        )
        .unwrap_err();
        assert_eq!(err, "`x`: unknown form `nope`");
        let err = Detectors::from_toml("[[form]]\nid = \"f\"\npattern = \"(\"\n").unwrap_err();
        assert!(err.starts_with("`f`: invalid `pattern`"), "{err}");
        let err = Detectors::from_toml(
            "[[detector]]\nid = \"x\"\ntool = \"x\"\ncommands = [\"x\"]\nurl = \"positional\"\ndir-positional = 0\n",
        )
        .unwrap_err();
        assert_eq!(
            err,
            "`x`: `dir-positional` counts from 1 (the first argument after the command)"
        );
    }
}
