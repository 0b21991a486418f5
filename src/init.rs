//! `versus init`: writes a small, complete starter site (config, home page, two subjects, an
//! article with a feature table and a side-by-side code group, a feature catalogue) that builds
//! without warnings; `versus init --data` one kept as data instead (subjects and a matrix in
//! CSV files under `content/data/`, no article), for comparisons that live in a spreadsheet.
//! The files live as real files under `src/init/` and are embedded with `include_str!`, so
//! they can be read and edited like any site.
//!
//! This module only creates files in an empty folder; it never overwrites anything.

use std::path::Path;

use crate::error::{Error, Result};

/// The starter site: path under the new site's root → text.
pub const FILES: &[(&str, &str)] = &[
    ("versus.toml", include_str!("init/versus.toml")),
    (".gitignore", include_str!("init/gitignore")),
    ("content/_index.md", include_str!("init/content/_index.md")),
    (
        "content/features.toml",
        include_str!("init/content/features.toml"),
    ),
    (
        "content/subjects/python.md",
        include_str!("init/content/subjects/python.md"),
    ),
    (
        "content/subjects/ruby.md",
        include_str!("init/content/subjects/ruby.md"),
    ),
    (
        "content/articles/python-vs-ruby.md",
        include_str!("init/content/articles/python-vs-ruby.md"),
    ),
];

/// The data-only starter site (`versus init --data`).
pub const DATA_FILES: &[(&str, &str)] = &[
    ("versus.toml", include_str!("init/data/versus.toml")),
    (".gitignore", include_str!("init/gitignore")),
    (
        "content/_index.md",
        include_str!("init/data/content/_index.md"),
    ),
    (
        "content/features.toml",
        include_str!("init/data/content/features.toml"),
    ),
    (
        "content/data/subjects.csv",
        include_str!("init/data/content/data/subjects.csv"),
    ),
    (
        "content/data/languages.csv",
        include_str!("init/data/content/data/languages.csv"),
    ),
];

/// Creates the starter site in `dir` (created if missing): [`FILES`], or [`DATA_FILES`] when
/// `data`, with `language` (a BCP 47 code such as `de` or `pt-BR`) in its versus.toml.
/// Refuses a folder that has anything in it, hidden files included, so nobody's work is mixed
/// with or replaced by the starter.
pub fn create(dir: &Path, data: bool, language: &str) -> Result<()> {
    if !crate::i18n::is_language_code(language) {
        return Err(Error::Refused(format!(
            "`{language}` is not a language code: use one like `en`, `de` or `pt-BR`"
        )));
    }
    if dir.exists() {
        if !dir.is_dir() {
            return Err(Error::Refused(format!(
                "{} exists and is not a folder",
                dir.display()
            )));
        }
        let mut entries = std::fs::read_dir(dir).map_err(|e| Error::io("read", dir, e))?;
        if entries.next().is_some() {
            return Err(Error::Refused(format!(
                "refusing to create a site in {}: the folder is not empty. \
                 Name a new or empty folder: `versus init my-site`",
                dir.display()
            )));
        }
    }
    for (rel, text) in if data { DATA_FILES } else { FILES } {
        let text = if *rel == "versus.toml" {
            text.replace("language = \"en\"", &format!("language = \"{language}\""))
        } else {
            text.to_string()
        };
        crate::output::write_under(dir, rel, text.as_bytes())?;
    }
    Ok(())
}
