//! Load content: walk `content/`, split each Markdown file into front matter and body, and
//! parse the front matter (TOML between `+++`, YAML between `---`) into a [`FrontMatter`].
//!
//! What comes out is a flat list of [`Source`]s plus the data files under `content/data/`
//! ([`DataFile`]: statements and subjects kept as data), the non-Markdown files to copy
//! ([`Asset`]) and the text of `features.toml`. Nothing here knows about other files: whether a
//! subject id exists or a link resolves is decided by [`crate::model`]. Every problem is a
//! [`Diagnostic`](crate::diagnostics::Diagnostic) with file, line and column, and a file with
//! problems is still returned as far as it could be read, so that later stages can report
//! their problems too.
//!
//! | file | does |
//! |---|---|
//! | `load.rs` | the walk ([`load`]) and the preview's file-by-file update ([`reload`]) |
//! | `front_matter.rs` | one file's text → [`Source`]: split, then each key typed and checked |
//! | `tree.rs` | TOML or YAML text → values with the positions the parsers give |
//! | `features.rs` | the `features` key → [`RawRow`]s and [`RawCell`]s |
//! | `data.rs` | a data file → [`RawRow`]s and [`SubjectRecord`]s; TOML, YAML and JSON records |
//! | `table.rs` | CSV and TSV data files: a matrix, records or subjects, by the header row |
//! | `positions.rs` | parser offsets → lines and columns of the file |
//! | `dates.rs` | `date`, `updated`, `verified` → [`Date`], ordered by instant; ages (`18m`) |
//! | `history.rs` | `git blame` → the date each line of a file was last committed |
//! | `languages.rs` | a multilingual site's content, split by language (`a.de.md`) |
//!
//! This module holds the types the rest of the pipeline reads.

mod data;
mod dates;
mod features;
mod front_matter;
mod history;
pub mod languages;
mod load;
mod positions;
mod table;
mod tree;

use std::path::PathBuf;

use indexmap::IndexMap;
use serde::Serialize;
use serde_json::Value;

use crate::markdown::Outline;

pub use data::{DATA_DIR, DataFile, DataFormat, SubjectRecord, parse_data};
pub use dates::{Age, AgeUnit, Date, parse_age, parse_date};
pub use front_matter::{describe, parse_front_matter, parse_source};
pub use history::LineDates;
pub use load::{NeedsFullLoad, Reloaded, is_ignored_name, load, reload};

pub const CONTENT_DIR: &str = "content";
pub const FEATURES_FILE: &str = "features.toml";

/// What a Markdown file is, from where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// `content/_index.md`
    Home,
    /// `content/<dir>/_index.md`
    Section,
    /// `content/subjects/<id>.md`
    Subject,
    /// Any other `.md` file.
    Article,
}

/// The front-matter syntax a file used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Toml,
    Yaml,
    None,
}

/// A value shared by the preview server's copy of a file and every model built from it,
/// compared by address first: after an edit the server compares two models page by page,
/// and all but the edited pages share theirs. (`Arc`'s own comparison looks at the address
/// only for types that are `Eq`; front matter is not, its unknown keys may hold floats.)
#[derive(Debug, Clone, Default)]
pub struct Shared<T>(pub std::sync::Arc<T>);

impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0) || *self.0 == *other.0
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Shared(std::sync::Arc::new(value))
    }
}

/// One Markdown file, read and split.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// Path relative to the site root, for messages: `content/articles/a.md`.
    pub file: PathBuf,
    /// Path relative to `content/` with forward slashes: `articles/a.md`.
    pub rel: String,
    pub kind: SourceKind,
    /// The whole file, kept for showing source lines in diagnostics. Shared: the preview
    /// server keeps every file's text and hands a copy of the set to each model rebuild.
    pub text: std::sync::Arc<str>,
    /// Byte offset where the body starts.
    pub body_start: usize,
    /// 1-based line of the first body line.
    pub body_line: usize,
    pub format: Format,
    pub front: Shared<FrontMatter>,
    /// The body's outline when already scanned (the preview server keeps it so that a model
    /// rebuild does not scan unchanged files again); [`crate::model::Model::build`] scans the
    /// body itself when this is `None`.
    pub outline: Option<std::sync::Arc<Outline>>,
}

impl Source {
    pub fn body(&self) -> &str {
        &self.text[self.body_start..]
    }

    /// The subject id of a subject file (its file stem).
    pub fn stem(&self) -> &str {
        let name = self.rel.rsplit('/').next().unwrap_or(&self.rel);
        name.strip_suffix(".md").unwrap_or(name)
    }
}

/// A non-Markdown file under `content/`, copied next to its page.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    /// Absolute or root-joined path on disk.
    pub path: PathBuf,
    /// Path relative to `content/` with forward slashes.
    pub rel: String,
}

/// Everything read from `content/`.
#[derive(Debug, Default, Clone)]
pub struct Content {
    pub sources: Vec<Source>,
    /// Data files under `content/data/`, in walk order.
    pub data: Vec<DataFile>,
    pub assets: Vec<Asset>,
    /// Text of `content/features.toml`, if present.
    pub features_toml: Option<String>,
}

/// One cell of a feature table as written, before interpretation by the model.
#[derive(Debug, Clone, PartialEq)]
pub struct RawCell {
    /// The subject column; `None` in a subject's own table.
    pub subject: Option<String>,
    pub value: Value,
    pub line: usize,
    pub column: usize,
}

/// One row of a feature table as written.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    pub name: String,
    pub line: usize,
    /// Column of the row's name.
    pub column: usize,
    pub cells: Vec<RawCell>,
}

/// A value with the line it was written on (1-based, 0 when unknown).
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub line: usize,
    pub column: usize,
}

/// The keys of the author's contract, typed. Unknown keys land in `extra`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub date: Option<Date>,
    pub updated: Option<Date>,
    pub draft: bool,
    pub tags: Vec<String>,
    pub subjects: Vec<Located<String>>,
    pub features: Vec<RawRow>,
    pub slug: Option<String>,
    pub weight: Option<i64>,
    pub aliases: Vec<String>,
    pub website: Option<String>,
    pub repository: Option<String>,
    pub license: Option<String>,
    pub first_release: Option<String>,
    /// A subject's current version: statements verified against an older major version are
    /// flagged by `versus check`.
    pub version: Option<String>,
    /// Line of the `features` key, for messages about the table as a whole.
    pub features_line: usize,
    /// The front matter had errors (syntax, types, not closed): keys that seem missing may
    /// just be unreadable, so later stages should not report them as missing too.
    pub invalid: bool,
    pub extra: IndexMap<String, Value>,
}

/// Classifies a path relative to `content/`.
pub fn kind_of(rel: &str) -> SourceKind {
    if rel == "_index.md" {
        SourceKind::Home
    } else if rel.ends_with("/_index.md") {
        SourceKind::Section
    } else if rel.starts_with("subjects/") && rel.matches('/').count() == 1 {
        SourceKind::Subject
    } else {
        SourceKind::Article
    }
}
