//! Compose files: which Dockerfiles their services build, and whether they pass those Dockerfiles'
//! cache-bust args a value that changes (CB004) or bust args the Dockerfile never declares (CB005).
//!
//! The pipeline inside: `files` (which files go together) → `yaml` (text → spanned nodes) → `model`
//! (services and builds) → `merge` (base and override) → `service` (the Dockerfile built, on disk or
//! `inline`, and its `target` stages) → the rules `cb000`, `cb004`, `cb005` → `suppress` (the
//! `# cachebust: ignore[…]` comments) → `fix` (YAML edits).
//! [`lint_project`] runs it all, Dockerfiles included, and returns one report per file.
pub mod builds;
mod cb000;
mod cb004;
mod cb005;
pub mod dockerfiles;
pub mod files;
pub mod fix;
pub mod inline;
pub mod interpolate;
mod layout;
pub mod merge;
pub mod model;
mod project;
mod service;
mod shared;
mod suppress;
pub mod target;
pub mod yaml;

pub use dockerfiles::Pending;
pub use project::{
    lint_compose_over, lint_compose_set, lint_compose_text, lint_project, lint_project_each,
    lint_project_with_env, Problems, ProjectReport, SetReport,
};
pub use service::ReadFile;
