//! Load content: walk `content/`, split each Markdown file into front matter and body, and
//! parse the front matter (TOML between `+++`, YAML between `---`) into a [`FrontMatter`].
//!
//! What comes out is a flat list of [`Source`]s plus the non-Markdown files to copy
//! ([`Asset`]) and the text of `features.toml`. Nothing here knows about other files: whether a
//! subject id exists or a link resolves is decided by [`crate::model`]. Every problem is a
//! [`Diagnostic`] with file, line and column, and a file with problems is still returned as far
//! as it could be read, so that later stages can report their problems too.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::diagnostics::{Diagnostic, line_col};
use crate::error::{Error, Result};
use crate::markdown::Outline;

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

/// One Markdown file, read and split.
#[derive(Debug, Clone)]
pub struct Source {
    /// Path relative to the site root, for messages: `content/articles/a.md`.
    pub file: PathBuf,
    /// Path relative to `content/` with forward slashes: `articles/a.md`.
    pub rel: String,
    pub kind: SourceKind,
    /// The whole file, kept for showing source lines in diagnostics.
    pub text: String,
    /// Byte offset where the body starts.
    pub body_start: usize,
    /// 1-based line of the first body line.
    pub body_line: usize,
    pub format: Format,
    pub front: FrontMatter,
    /// The body's outline when already scanned (the preview server keeps it so that a model
    /// rebuild does not scan unchanged files again); [`crate::model::Model::build`] scans the
    /// body itself when this is `None`.
    pub outline: Option<Outline>,
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
#[derive(Debug, Clone)]
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
    pub assets: Vec<Asset>,
    /// Text of `content/features.toml`, if present.
    pub features_toml: Option<String>,
}

/// A date or datetime from front matter, normalised for sorting and for feeds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Date {
    /// `2026-09-14T08:30:00Z` or `2026-09-14T08:30:00+02:00`; midnight UTC for plain dates.
    pub rfc3339: String,
    /// `2026-09-14`.
    pub ymd: String,
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
    /// Line of the `features` key, for messages about the table as a whole.
    pub features_line: usize,
    /// The front matter had errors (syntax, types, not closed): keys that seem missing may
    /// just be unreadable, so later stages should not report them as missing too.
    pub invalid: bool,
    pub extra: IndexMap<String, Value>,
}

impl FrontMatter {
    /// Moves every kept position down by `by` lines (0 = unknown stays 0).
    fn shift_lines(&mut self, by: usize) {
        let shift = |line: &mut usize| {
            if *line > 0 {
                *line += by;
            }
        };
        shift(&mut self.features_line);
        for s in &mut self.subjects {
            shift(&mut s.line);
        }
        for row in &mut self.features {
            shift(&mut row.line);
            for cell in &mut row.cells {
                shift(&mut cell.line);
            }
        }
    }
}

/// Reads every file under `root/content`. Fails only on I/O errors of the folder itself;
/// problems with single files are diagnostics.
pub fn load(root: &Path) -> Result<(Content, Vec<Diagnostic>)> {
    let content_dir = root.join(CONTENT_DIR);
    if !content_dir.is_dir() {
        return Err(Error::Refused(format!(
            "no `{CONTENT_DIR}/` folder in {}: is this a versus site? (`versus init` makes one)",
            root.display()
        )));
    }
    let mut md_files = Vec::new();
    let mut assets = Vec::new();
    let mut features_toml = None;
    let mut diags = Vec::new();
    let walker = walkdir::WalkDir::new(&content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(Path::to_path_buf).unwrap_or_default();
                return Err(Error::io(
                    "read",
                    path,
                    e.into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("walk failed")),
                ));
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        let path = entry.path().to_path_buf();
        let Ok(rel_path) = path.strip_prefix(&content_dir) else {
            continue;
        };
        let Some(rel) = rel_path.to_str().map(|s| s.replace('\\', "/")) else {
            diags.push(
                Diagnostic::warning("file name is not valid UTF-8; skipped")
                    .in_file(Path::new(CONTENT_DIR).join(rel_path)),
            );
            continue;
        };
        if !entry.file_type().is_file() && !is_readable_file(&path, &rel, &mut diags) {
            continue;
        }
        if rel == FEATURES_FILE {
            features_toml = Some(read_text(root, &path, &mut diags)?);
        } else if rel.ends_with(".md") {
            md_files.push((path, rel));
        } else {
            assets.push(Asset { path, rel });
        }
    }
    let parsed: Vec<(Option<Source>, Vec<Diagnostic>)> = md_files
        .par_iter()
        .map(|(path, rel)| {
            let mut d = Vec::new();
            let source = read_source(root, path, rel, &mut d);
            (source, d)
        })
        .collect();
    let mut sources = Vec::with_capacity(parsed.len());
    for (s, d) in parsed {
        sources.extend(s);
        diags.extend(d);
    }
    Ok((
        Content {
            sources,
            assets,
            features_toml,
        },
        diags,
    ))
}

/// What [`reload`] changed in a [`Content`].
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Reloaded {
    /// Markdown files that existed before and still do, with different text (`rel` paths).
    pub modified: Vec<String>,
    /// Markdown files added or removed, assets added, removed or rewritten, `features.toml`
    /// changed: anything that changes the site's structure, not only a page's text.
    pub structural: bool,
}

impl Reloaded {
    pub fn is_empty(&self) -> bool {
        self.modified.is_empty() && !self.structural
    }
}

/// A change [`reload`] cannot apply file by file: the caller must load everything again.
#[derive(Debug, PartialEq, Eq)]
pub struct NeedsFullLoad(pub String);

/// Brings a [`Content`] read earlier up to date after the files at `changed` (paths relative
/// to `content/`, with `/`) were written, created, renamed or deleted: only those files are
/// read again. The result equals what [`load`] would read now, in the same order.
///
/// Paths the full walk would skip (hidden files, editor droppings) change nothing. A folder,
/// a symbolic link or anything else that is not a plain file (or gone) is refused with
/// [`NeedsFullLoad`], as is the `content/` folder itself: the caller then calls [`load`].
/// A deleted folder's files are removed. On `Err`, `content` may be partly updated and must
/// be loaded again.
pub fn reload(
    root: &Path,
    content: &mut Content,
    changed: &[String],
    diags: &mut Vec<Diagnostic>,
) -> std::result::Result<Reloaded, NeedsFullLoad> {
    let content_dir = root.join(CONTENT_DIR);
    let mut out = Reloaded::default();
    let mut seen: Vec<&str> = Vec::new();
    for rel in changed {
        let rel = rel.trim_matches('/');
        if seen.contains(&rel) {
            continue;
        }
        seen.push(rel);
        if rel.is_empty() {
            return Err(NeedsFullLoad("the content folder itself changed".into()));
        }
        if rel
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..")
        {
            return Err(NeedsFullLoad(format!("unusual path {rel}")));
        }
        if rel.split('/').any(is_ignored_name) {
            continue;
        }
        let path = content_dir.join(rel);
        let meta = match std::fs::symlink_metadata(&path) {
            Ok(m) => Some(m),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(NeedsFullLoad(format!("cannot stat {rel}: {e}"))),
        };
        let Some(meta) = meta else {
            out.structural |= remove(content, rel);
            continue;
        };
        if !meta.is_file() {
            return Err(NeedsFullLoad(format!("{rel} is not a plain file")));
        }
        if rel == FEATURES_FILE {
            let text = read_text(root, &path, diags)
                .map_err(|e| NeedsFullLoad(format!("cannot read {rel}: {e}")))?;
            if content.features_toml.as_deref() != Some(text.as_str()) {
                content.features_toml = Some(text);
                out.structural = true;
            }
        } else if rel.ends_with(".md") {
            let Some(mut source) = read_source(root, &path, rel, diags) else {
                // Unreadable now: leave it to a full load, which reports it the same way.
                return Err(NeedsFullLoad(format!("cannot read {rel}")));
            };
            source.outline = Some(crate::markdown::outline_of(&source));
            let key = walk_key(rel);
            match content
                .sources
                .binary_search_by(|s| walk_key(&s.rel).cmp(&key))
            {
                Ok(i) if content.sources[i].text == source.text => {}
                Ok(i) => {
                    content.sources[i] = source;
                    out.modified.push(rel.to_string());
                }
                Err(i) => {
                    content.sources.insert(i, source);
                    out.structural = true;
                }
            }
        } else {
            // Asset bytes are read when the site is assembled; a rewrite may change them.
            let key = walk_key(rel);
            if let Err(i) = content
                .assets
                .binary_search_by(|a| walk_key(&a.rel).cmp(&key))
            {
                content.assets.insert(
                    i,
                    Asset {
                        path,
                        rel: rel.to_string(),
                    },
                );
            }
            out.structural = true;
        }
    }
    // A file both edited and then removed or re-added in one batch is only structural.
    out.modified
        .retain(|rel| content.sources.iter().any(|s| &s.rel == rel));
    Ok(out)
}

/// Removes a deleted file, or everything under a deleted folder. True if anything went.
fn remove(content: &mut Content, rel: &str) -> bool {
    let prefix = format!("{rel}/");
    let gone = |r: &str| r == rel || r.starts_with(&prefix);
    let before = content.sources.len() + content.assets.len();
    content.sources.retain(|s| !gone(&s.rel));
    content.assets.retain(|a| !gone(&a.rel));
    let mut changed = before != content.sources.len() + content.assets.len();
    if rel == FEATURES_FILE && content.features_toml.take().is_some() {
        changed = true;
    }
    changed
}

/// The order [`load`]'s walk visits files in: folder by folder, names sorted. Comparing
/// whole paths as strings differs (`a/b.md` comes before `a-b.md` in the walk).
fn walk_key(rel: &str) -> Vec<&str> {
    rel.split('/').collect()
}

/// Reads and parses one Markdown file; an unreadable file is a diagnostic and `None`.
fn read_source(root: &Path, path: &Path, rel: &str, diags: &mut Vec<Diagnostic>) -> Option<Source> {
    match read_text(root, path, diags) {
        Ok(text) => {
            let file = Path::new(CONTENT_DIR).join(rel);
            Some(parse_source(file, rel.to_string(), text, diags))
        }
        Err(e) => {
            diags.push(
                Diagnostic::error(format!("cannot read this file: {}", io_reason(&e)))
                    .in_file(Path::new(CONTENT_DIR).join(rel)),
            );
            None
        }
    }
}

/// Turns a YAML parser position into ours. YAML counts a lone `\r` as a line break too, so
/// its line numbers run ahead of the file's `\n` lines when a file holds stray carriage
/// returns; going through the byte offset keeps the diagnostic on a line that exists.
fn yaml_line_col(text: &str, line: usize, column: usize) -> (usize, usize) {
    let mut current = 1;
    let mut offset = text.len();
    let mut chars = text.char_indices().peekable();
    if line <= 1 {
        offset = 0;
    } else {
        while let Some((_, c)) = chars.next() {
            let is_break = match c {
                '\n' => true,
                '\r' => {
                    if let Some(&(_, '\n')) = chars.peek() {
                        chars.next();
                    }
                    true
                }
                _ => false,
            };
            if is_break {
                current += 1;
                if current == line {
                    offset = chars.peek().map_or(text.len(), |&(j, _)| j);
                    break;
                }
            }
        }
    }
    // Columns count characters from 1; stay on the line.
    let rest = &text[offset..];
    let line_len = rest.find(['\n', '\r']).unwrap_or(rest.len());
    let skip: usize = rest[..line_len]
        .chars()
        .take(column.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    line_col(text, offset + skip)
}

/// Decides what to do with a walk entry that is not a plain file: a symbolic link to a file
/// is read like the file; a link to a folder is not followed (warning); a dangling link or a
/// FIFO, socket or device is an error, since the author expects a page or a copied file there
/// and reading a FIFO would block the build.
fn is_readable_file(path: &Path, rel: &str, diags: &mut Vec<Diagnostic>) -> bool {
    let file = Path::new(CONTENT_DIR).join(rel);
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => true,
        Ok(m) if m.is_dir() => {
            diags.push(
                Diagnostic::warning("symbolic link to a folder is not followed; skipped")
                    .in_file(file),
            );
            false
        }
        Ok(_) => {
            diags.push(
                Diagnostic::error("not a regular file (a FIFO, socket or device); cannot read it")
                    .in_file(file)
                    .with_help("move it out of content/, or give it a name starting with `.`"),
            );
            false
        }
        Err(e) => {
            let target = std::fs::read_link(path)
                .map(|t| format!(" (it links to {})", t.display()))
                .unwrap_or_default();
            diags.push(
                Diagnostic::error(format!("cannot read this file: {e}{target}")).in_file(file),
            );
            false
        }
    }
}

/// The OS reason of an I/O error, without the path (the diagnostic names the file already).
fn io_reason(e: &Error) -> String {
    match e {
        Error::Io { source, .. } => source.to_string(),
        other => other.to_string(),
    }
}

/// Editor droppings and hidden files that must never become pages or be copied.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.starts_with("#")
        || name.ends_with("___jb_tmp___")
        || name.ends_with("___jb_old___")
}

/// Reads a file as UTF-8. Bad UTF-8 is a diagnostic naming the line and column; the text is
/// then returned with replacement characters so later stages can go on.
fn read_text(root: &Path, path: &Path, diags: &mut Vec<Diagnostic>) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    match String::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let (line, col) = line_col(&String::from_utf8_lossy(&e.as_bytes()[..valid]), valid);
            let rel = path.strip_prefix(root).unwrap_or(path);
            diags.push(
                Diagnostic::error("file is not valid UTF-8")
                    .in_file(rel)
                    .at(line, col, Some(&lossy))
                    .with_help("save the file as UTF-8"),
            );
            Ok(lossy)
        }
    }
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

/// Splits and parses one file. `file` is relative to the root (for messages).
pub fn parse_source(
    file: PathBuf,
    rel: String,
    text: String,
    diags: &mut Vec<Diagnostic>,
) -> Source {
    let kind = kind_of(&rel);
    let split = split_front_matter(&text);
    let (format, front, body_start, body_line) = match split {
        Split::None => (Format::None, FrontMatter::default(), 0, 1),
        Split::Unterminated { format, delimiter } => {
            diags.push(
                Diagnostic::error(format!(
                    "front matter is not closed: no `{delimiter}` line after the opening one"
                ))
                .in_file(&file)
                .at(1, 1, Some(&text))
                .with_help(format!(
                    "end the front matter with a line holding only `{delimiter}`"
                )),
            );
            (
                format,
                FrontMatter {
                    invalid: true,
                    ..FrontMatter::default()
                },
                text.len(),
                text.lines().count() + 1,
            )
        }
        Split::Found {
            format,
            front_start,
            front_end,
            body_start,
        } => {
            let front_text = &text[front_start..front_end];
            let first_line = line_col(&text, front_start).0;
            let mut fm_diags = Vec::new();
            let mut front = parse_front_matter(front_text, format, kind, &mut fm_diags);
            front.invalid = fm_diags.iter().any(Diagnostic::is_error);
            // Positions kept in the front matter are read against the whole file later.
            front.shift_lines(first_line - 1);
            for mut d in fm_diags {
                // Lines are relative to the front matter; make them relative to the file.
                if d.line > 0 {
                    let (line, column) = (d.line + first_line - 1, d.column);
                    d = d.at(line, column, Some(&text));
                }
                diags.push(d.in_file(&file));
            }
            let body_line = line_col(&text, body_start).0;
            (format, front, body_start, body_line)
        }
    };
    Source {
        file,
        rel,
        kind,
        text,
        body_start,
        body_line,
        format,
        front,
        outline: None,
    }
}

enum Split {
    None,
    Unterminated {
        format: Format,
        delimiter: &'static str,
    },
    Found {
        format: Format,
        front_start: usize,
        front_end: usize,
        body_start: usize,
    },
}

fn split_front_matter(text: &str) -> Split {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    let first = rest[..first_line_end].trim_end();
    let (format, delimiter) = match first {
        "+++" => (Format::Toml, "+++"),
        "---" => (Format::Yaml, "---"),
        _ => return Split::None,
    };
    let front_start = start + first_line_end;
    let mut pos = front_start;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        if text[pos..line_end].trim_end() == delimiter {
            return Split::Found {
                format,
                front_start,
                front_end: pos,
                body_start: line_end,
            };
        }
        pos = line_end;
    }
    Split::Unterminated { format, delimiter }
}

/// Parses front matter text into the typed keys. Lines in diagnostics are relative to the
/// front matter text (1 = its first line).
pub fn parse_front_matter(
    text: &str,
    format: Format,
    kind: SourceKind,
    diags: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let map = match parse_map(text, format) {
        Ok(m) => m,
        Err(d) => {
            diags.push(*d);
            return FrontMatter::default();
        }
    };
    let loc = Locator::new(text);
    let mut fm = FrontMatter::default();
    for (key, value) in map {
        let line = loc.key_line(&key, 0);
        let mut bad = |expected: &str| {
            diags.push(
                Diagnostic::error(format!(
                    "`{key}` must be {expected}, found {}",
                    describe(&value)
                ))
                .at(line, loc.key_col(line, &key), Some(text)),
            );
        };
        match key.as_str() {
            "title" => match value.as_str() {
                Some(s) => fm.title = Some(s.to_string()),
                None => bad("a string"),
            },
            "description" => match value.as_str() {
                Some(s) => fm.description = Some(s.to_string()),
                None => bad("a string"),
            },
            "date" | "updated" => match parse_date_value(&value) {
                Some(d) => {
                    if key == "date" {
                        fm.date = Some(d)
                    } else {
                        fm.updated = Some(d)
                    }
                }
                None => bad("a date like 2026-09-14 or 2026-09-14T10:00:00Z"),
            },
            "draft" => match value.as_bool() {
                Some(b) => fm.draft = b,
                None => bad("true or false"),
            },
            "tags" => match string_list(&value) {
                Some(v) => fm.tags = v,
                None => bad("a list of strings"),
            },
            "aliases" => match string_list(&value) {
                Some(v) => fm.aliases = v,
                None => bad("a list of paths"),
            },
            "subjects" => match string_list(&value) {
                Some(v) => {
                    fm.subjects = v
                        .into_iter()
                        .map(|id| {
                            let (l, c) = loc.find_word_after(&id, line);
                            Located {
                                value: id,
                                line: l,
                                column: c,
                            }
                        })
                        .collect()
                }
                None => bad("a list of subject ids"),
            },
            "slug" => match value.as_str() {
                Some(s) => fm.slug = Some(s.to_string()),
                None => bad("a string"),
            },
            "weight" => match value.as_i64() {
                Some(w) => fm.weight = Some(w),
                None => bad("an integer"),
            },
            "website" | "repository" | "license" | "first_release" => {
                let s = match &value {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                };
                match s {
                    Some(s) => match key.as_str() {
                        "website" => fm.website = Some(s),
                        "repository" => fm.repository = Some(s),
                        "license" => fm.license = Some(s),
                        _ => fm.first_release = Some(s),
                    },
                    None => bad("a string"),
                }
            }
            "features" => {
                fm.features_line = line;
                fm.features = parse_features(&value, kind, &loc, line, text, diags);
            }
            _ => {
                fm.extra.insert(key, value);
            }
        }
    }
    fm
}

fn parse_features(
    value: &Value,
    kind: SourceKind,
    loc: &Locator,
    features_line: usize,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<RawRow> {
    let Value::Object(rows) = value else {
        diags.push(
            Diagnostic::error(format!(
                "`features` must be a table of feature rows, found {}",
                describe(value)
            ))
            .at(features_line, 1, Some(text)),
        );
        return Vec::new();
    };
    let mut out = Vec::with_capacity(rows.len());
    let mut search_from = features_line;
    for (name, row) in rows {
        let row_line = loc.key_line(name, search_from);
        if row_line > 0 {
            search_from = row_line;
        }
        let mut cells = Vec::new();
        if kind == SourceKind::Subject {
            // A subject's own table: one cell per feature, no subject key.
            let col = loc.key_col(row_line, name);
            cells.push(RawCell {
                subject: None,
                value: row.clone(),
                line: row_line,
                column: col,
            });
        } else {
            match row {
                Value::Object(map) => {
                    for (subject, cell) in map {
                        let (l, c) = loc.cell_pos(subject, row_line);
                        cells.push(RawCell {
                            subject: Some(subject.clone()),
                            value: cell.clone(),
                            line: l,
                            column: c,
                        });
                    }
                }
                other => diags.push(
                    Diagnostic::error(format!(
                        "feature row `{name}` must be a table of subject = cell, found {}",
                        describe(other)
                    ))
                    .at(row_line, loc.key_col(row_line, name), Some(text))
                    .with_help(format!(
                        "write it as \"{name}\" = {{ django = \"yes\", flask = \"no\" }}"
                    )),
                ),
            }
        }
        out.push(RawRow {
            name: name.clone(),
            line: row_line,
            column: loc.key_col(row_line, name),
            cells,
        });
    }
    out
}

/// Parses front matter into an ordered map, or one diagnostic with the syntax error.
fn parse_map(text: &str, format: Format) -> Result<IndexMap<String, Value>, Box<Diagnostic>> {
    if text.trim().is_empty() {
        return Ok(IndexMap::new());
    }
    match format {
        Format::Toml | Format::None => {
            let table: toml::Table = toml::from_str(text).map_err(|e| {
                let (line, col) = e.span().map_or((0, 0), |s| line_col(text, s.start));
                let d = Diagnostic::error(format!(
                    "invalid TOML front matter: {}",
                    e.message().trim_end()
                ))
                .at(line, col, Some(text));
                Box::new(d)
            })?;
            Ok(table
                .into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect())
        }
        Format::Yaml => {
            // YAML 1.2 booleans only: with YAML 1.1 rules `no`, `on` and `y` turn into
            // booleans, so `subjects: [on, y]` or a subject called `no` would silently change
            // meaning between TOML and YAML front matter. `yes`/`no` cells stay level words.
            let options = serde_saphyr::options! { strict_booleans: true };
            let value: Value = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
                let (line, col) = e.location().map_or((0, 0), |l| {
                    yaml_line_col(text, l.line() as usize, l.column() as usize)
                });
                let msg = e.to_string();
                let msg = msg.lines().next().unwrap_or("").trim();
                let msg = msg.split(" at line ").next().unwrap_or(msg);
                // The place is printed as file:line:col of the whole file; saphyr's own
                // "error: line 2 column 7:" counts from the front matter and would disagree.
                let msg = strip_saphyr_location(msg);
                Box::new(
                    Diagnostic::error(format!("invalid YAML front matter: {msg}")).at(
                        line,
                        col,
                        Some(text),
                    ),
                )
            })?;
            match value {
                Value::Object(m) => Ok(m.into_iter().collect()),
                Value::Null => Ok(IndexMap::new()),
                other => Err(Diagnostic::error(format!(
                    "YAML front matter must be a mapping of keys, found {}",
                    describe(&other)
                ))
                .at(1, 1, Some(text))
                .into()),
            }
        }
    }
}

/// `error: line 2 column 7: unclosed bracket` → `unclosed bracket`.
fn strip_saphyr_location(msg: &str) -> &str {
    let m = msg.strip_prefix("error:").unwrap_or(msg).trim_start();
    match m.strip_prefix("line ") {
        Some(rest) => match rest.split_once(": ") {
            Some((loc, tail)) if loc.contains("column") => tail,
            _ => m,
        },
        None => m,
    }
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// "a string", "a number", ... for messages.
pub fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a table",
    }
}

fn string_list(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect(),
        Value::String(s) => Some(vec![s.clone()]),
        _ => None,
    }
}

fn parse_date_value(v: &Value) -> Option<Date> {
    parse_date(v.as_str()?)
}

/// Parses `YYYY-MM-DD` with an optional time (`T` or space) and offset.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = s.get(r)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    let ymd = format!("{y:04}-{m:02}-{d:02}");
    if b.len() == 10 {
        return Some(Date {
            rfc3339: format!("{ymd}T00:00:00Z"),
            ymd,
        });
    }
    if b[10] != b'T' && b[10] != b' ' && b[10] != b't' {
        return None;
    }
    let (hh, mm) = (num(11..13)?, num(14..16)?);
    if s.get(13..14)? != ":" || hh > 23 || mm > 59 {
        return None;
    }
    let mut rest = &s[16..];
    let mut ss = 0;
    if let Some(r) = rest.strip_prefix(':') {
        ss = r.get(0..2)?.parse::<u32>().ok().filter(|v| *v <= 60)?;
        rest = &r[2..];
        if let Some(frac) = rest.strip_prefix('.') {
            let n = frac.bytes().take_while(u8::is_ascii_digit).count();
            rest = &frac[n..];
        }
    }
    let offset = match rest {
        "" | "Z" | "z" => "Z".to_string(),
        o if o.len() == 6
            && (o.starts_with('+') || o.starts_with('-'))
            && o.as_bytes()[3] == b':' =>
        {
            o.to_string()
        }
        _ => return None,
    };
    Some(Date {
        rfc3339: format!("{ymd}T{hh:02}:{mm:02}:{ss:02}{offset}"),
        ymd,
    })
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Finds where keys were written in front matter text. Serde does not keep positions, so
/// this scans lines; it understands the shapes authors write (`key = `, `"key" = `, `key:`,
/// `[features."key"]`, and `subject = ` inside an inline table).
struct Locator<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Locator<'a> {
    fn new(text: &'a str) -> Self {
        Locator {
            lines: text.lines().collect(),
        }
    }

    /// 1-based line of the first line at or after `from` (1-based; 0 = start) that defines
    /// `key`; 0 when not found.
    fn key_line(&self, key: &str, from: usize) -> usize {
        let start = from.saturating_sub(1);
        for (i, line) in self.lines.iter().enumerate().skip(start) {
            if key_position(line, key).is_some() {
                return i + 1;
            }
        }
        0
    }

    fn key_col(&self, line: usize, key: &str) -> usize {
        line.checked_sub(1)
            .and_then(|i| self.lines.get(i))
            .and_then(|l| key_position(l, key))
            .map_or(0, |b| b + 1)
    }

    /// Position of a `subject` key in a feature row starting at `row_line`: the same line for
    /// inline tables, a later line for sub-tables.
    fn cell_pos(&self, subject: &str, row_line: usize) -> (usize, usize) {
        if row_line == 0 {
            return (0, 0);
        }
        for (i, line) in self.lines.iter().enumerate().skip(row_line - 1).take(40) {
            if let Some(col) = word_key_in_line(line, subject, i + 1 == row_line) {
                return (i + 1, line[..col].chars().count() + 1);
            }
        }
        (row_line, 1)
    }

    /// Position of a value `word` (e.g. a subject id in a list) on line `from` (after its
    /// key) or the lines below it, as a whole token.
    fn find_word_after(&self, word: &str, from: usize) -> (usize, usize) {
        let start = from.saturating_sub(1);
        for (i, line) in self.lines.iter().enumerate().skip(start).take(50) {
            let skip = if i == start {
                line.find(['=', ':']).map_or(0, |p| p + 1)
            } else {
                0
            };
            if let Some(b) = find_token(&line[skip..], word) {
                return (i + 1, line[..skip + b].chars().count() + 1);
            }
        }
        (from, 1)
    }
}

/// Byte offset of `word` in `text` where it is not part of a longer word.
fn find_token(text: &str, word: &str) -> Option<usize> {
    // An empty word is found everywhere and would never advance the search below.
    if word.is_empty() {
        return None;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let at = from + i;
        let end = at + word.len();
        let before_ok = !text[..at].chars().next_back().is_some_and(is_word);
        let after_ok = !text[end..].chars().next().is_some_and(is_word);
        if before_ok && after_ok {
            return Some(at);
        }
        from = end;
    }
    None
}

/// Byte offset where `key` is defined on this line, if it is.
fn key_position(line: &str, key: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    // `[features."Name"]` or `[features.Name]`
    if let Some(inner) = trimmed.strip_prefix('[') {
        let inner = inner.trim_end().trim_end_matches(']');
        let last = inner.rsplit('.').next().unwrap_or("");
        let last = last.trim().trim_matches('"').trim_matches('\'');
        if last == key {
            return Some(indent);
        }
        if inner.contains(&format!("\"{key}\"")) {
            return Some(indent);
        }
        return None;
    }
    let t = trimmed.strip_prefix("- ").unwrap_or(trimmed);
    for (open, close) in [("\"", "\""), ("'", "'"), ("", "")] {
        if let Some(rest) = t.strip_prefix(open)
            && let Some(rest) = rest.strip_prefix(key)
            && let Some(rest) = rest.strip_prefix(close)
        {
            let rest = rest.trim_start();
            if rest.starts_with('=') || rest.starts_with(':') {
                return Some(indent);
            }
        }
    }
    None
}

/// Byte offset of `subject =`/`subject:` in a line, as a key (not inside a value string).
fn word_key_in_line(line: &str, subject: &str, inline: bool) -> Option<usize> {
    if !inline {
        return key_position(line, subject);
    }
    // As in `find_token`: an empty key would loop forever.
    if subject.is_empty() {
        return None;
    }
    let bytes = line.as_bytes();
    let mut from = 0;
    while let Some(i) = line[from..].find(subject) {
        let start = from + i;
        let end = start + subject.len();
        let before_ok = start == 0 || {
            let c = bytes[start - 1];
            c == b'{' || c == b',' || c == b' ' || c == b'"' || c == b'\''
        };
        let mut j = end;
        if j < bytes.len() && (bytes[j] == b'"' || bytes[j] == b'\'') {
            j += 1;
        }
        let after = line[j..].trim_start();
        if before_ok && (after.starts_with('=') || after.starts_with(':')) {
            let s = if start > 0 && (bytes[start - 1] == b'"' || bytes[start - 1] == b'\'') {
                start - 1
            } else {
                start
            };
            return Some(s);
        }
        from = end;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Source, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let s = parse_source(
            PathBuf::from("content/a.md"),
            "a.md".into(),
            text.into(),
            &mut d,
        );
        (s, d)
    }

    #[test]
    fn toml_and_yaml_carry_the_same_keys() {
        let (t, d1) = parse(
            "+++\ntitle = \"T\"\ndate = 2026-09-14\ntags = [\"a\"]\nsubjects = [\"x\", \"y\"]\n\n[features]\n\"ORM\" = { x = \"yes\", y = \"no: none\" }\n+++\nBody\n",
        );
        let (y, d2) = parse(
            "---\ntitle: T\ndate: 2026-09-14\ntags: [a]\nsubjects: [x, y]\nfeatures:\n  ORM: { x: \"yes\", y: \"no: none\" }\n---\nBody\n",
        );
        assert!(d1.is_empty(), "{d1:?}");
        assert!(d2.is_empty(), "{d2:?}");
        for s in [&t, &y] {
            assert_eq!(s.front.title.as_deref(), Some("T"));
            assert_eq!(s.front.date.as_ref().unwrap().ymd, "2026-09-14");
            assert_eq!(s.front.features.len(), 1);
            assert_eq!(s.front.features[0].cells.len(), 2);
            assert_eq!(s.body(), "Body\n");
        }
        assert_eq!(t.front.features[0].line, 8);
        assert_eq!(t.front.features[0].cells[1].line, 8);
        assert_eq!(t.body_line, 10);
        assert_eq!(y.front.features[0].line, 7); // `  ORM:` is the 7th line of the file
        assert_eq!(y.front.subjects[1].line, 5);
    }

    #[test]
    fn syntax_errors_point_into_the_file() {
        let (_, d) = parse("+++\ntitle = \"T\"\ndate = = 3\n+++\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, 3, "{d:?}");
        assert!(d[0].message.contains("invalid TOML"));
        let (_, d) = parse("---\ntitle: T\ntags: [a\n---\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].line >= 3, "{d:?}");
    }

    #[test]
    fn wrong_types_name_the_key_and_line() {
        let (_, d) = parse("+++\ntitle = 3\ndraft = \"no\"\n+++\n");
        assert_eq!(d.len(), 2);
        assert_eq!((d[0].line, d[0].column), (2, 1));
        assert!(d[0].message.contains("`title` must be a string"));
        assert_eq!(d[1].line, 3);
    }

    #[test]
    fn yaml_errors_after_stray_carriage_returns_stay_in_the_file() {
        // Found by fuzzing (front_matter): YAML counts a lone `\r` as a line break, so the
        // error was reported at line 133 of a 29-line file.
        let text = "---\ntitle: T\r\r\r\r\r\r\r\r\r\r\ndescription: x\r\r\r\r\n\u{0}\n---\nbody\n";
        let (_, d) = parse(text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("invalid YAML"), "{d:?}");
        assert_eq!(d[0].line, 4, "{d:?}");
        assert_eq!(d[0].source_line.as_deref(), Some("\u{0}"), "{d:?}");
    }

    #[test]
    fn empty_subject_ids_and_cell_keys_do_not_hang() {
        // Found by fuzzing (feature_cells): an empty id made the position search loop forever.
        let (s, _) = parse(
            "+++\ntitle = \"T\"\nsubjects = [\"\", \"a\"]\n\n[features]\n\"F\" = { \"\" = \"yes\", a = \"no\" }\n+++\n",
        );
        assert_eq!(s.front.subjects.len(), 2);
        assert_eq!(s.front.features.len(), 1);
        let (s, _) = parse("---\ntitle: T\nsubjects: ['']\nfeatures:\n  F: { '': yes }\n---\n");
        assert_eq!(s.front.subjects.len(), 1);
    }

    #[test]
    fn unterminated_front_matter() {
        let (_, d) = parse("+++\ntitle = \"T\"\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("not closed"));
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date("2026-02-03T04:05:06+02:00").unwrap().rfc3339,
            "2026-02-03T04:05:06+02:00"
        );
        assert_eq!(
            parse_date("2026-02-03 04:05").unwrap().rfc3339,
            "2026-02-03T04:05:00Z"
        );
        assert!(parse_date("2026-02-30").is_none());
        assert!(parse_date("yesterday").is_none());
    }

    #[test]
    fn no_panic_on_odd_input() {
        for t in [
            "",
            "+++",
            "---\n",
            "+++\n+++",
            "\u{feff}+++\ntitle='x'\n+++\n",
            "---\n- a\n---\n",
            "+++\n\u{0}\n+++\n",
        ] {
            let _ = parse(t);
        }
    }

    /// A site folder with `files`, and what a full load reads from it.
    fn folder(files: &[(&str, &str)]) -> (tempfile::TempDir, Content) {
        let t = tempfile::tempdir().unwrap();
        for (rel, text) in files {
            write(t.path(), rel, text);
        }
        let (c, _) = load(t.path()).unwrap();
        (t, c)
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(CONTENT_DIR).join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// Reloads `changed`, then checks the result against a fresh full load.
    fn reload_matches_load(root: &Path, c: &mut Content, changed: &[&str]) -> Reloaded {
        let changed: Vec<String> = changed.iter().map(|s| s.to_string()).collect();
        let r = reload(root, c, &changed, &mut Vec::new()).unwrap();
        let (fresh, _) = load(root).unwrap();
        let rels = |c: &Content| -> Vec<(String, String)> {
            c.sources
                .iter()
                .map(|s| (s.rel.clone(), s.text.clone()))
                .chain(c.assets.iter().map(|a| (a.rel.clone(), String::new())))
                .collect()
        };
        assert_eq!(rels(c), rels(&fresh));
        assert_eq!(c.features_toml, fresh.features_toml);
        for (a, b) in c.sources.iter().zip(&fresh.sources) {
            assert_eq!(a.front, b.front);
        }
        r
    }

    #[test]
    fn reload_reads_only_what_changed_and_equals_a_full_load() {
        let (t, mut c) = folder(&[
            ("a.md", "+++\ntitle = \"A\"\n+++\nBody.\n"),
            ("a/b.md", "B"),
            ("z.md", "Z"),
        ]);
        let root = t.path();
        // Same text again: nothing changed.
        write(root, "a.md", "+++\ntitle = \"A\"\n+++\nBody.\n");
        assert!(reload_matches_load(root, &mut c, &["a.md"]).is_empty());
        // A body edit is a modification, not structural.
        write(root, "a.md", "+++\ntitle = \"A\"\n+++\nNew body.\n");
        let r = reload_matches_load(root, &mut c, &["a.md"]);
        assert_eq!(r.modified, vec!["a.md"]);
        assert!(!r.structural);
        let a = c.sources.iter().find(|s| s.rel == "a.md").unwrap();
        assert!(a.outline.is_some(), "the outline is scanned on reload");
        // Added in walk order (`a/b.md` < `a-b.md` < `a.md`), removed, renamed.
        write(root, "a-b.md", "AB");
        let r = reload_matches_load(root, &mut c, &["a-b.md"]);
        assert!(r.structural && r.modified.is_empty());
        std::fs::rename(root.join("content/z.md"), root.join("content/y.md")).unwrap();
        assert!(reload_matches_load(root, &mut c, &["z.md", "y.md"]).structural);
        std::fs::remove_file(root.join("content/a-b.md")).unwrap();
        assert!(reload_matches_load(root, &mut c, &["a-b.md"]).structural);
        // Assets and features.toml are structural.
        write(root, "a/pic.png", "png");
        assert!(reload_matches_load(root, &mut c, &["a/pic.png"]).structural);
        write(root, FEATURES_FILE, "[[feature]]\nname = \"X\"\n");
        assert!(reload_matches_load(root, &mut c, &[FEATURES_FILE]).structural);
        // Editor droppings and files that never existed change nothing.
        write(root, ".a.md.swp", "x");
        assert!(reload_matches_load(root, &mut c, &[".a.md.swp", "gone.md"]).is_empty());
        // A deleted folder takes its files with it.
        std::fs::remove_dir_all(root.join("content/a")).unwrap();
        assert!(reload_matches_load(root, &mut c, &["a"]).structural);
        assert!(c.sources.iter().all(|s| !s.rel.starts_with("a/")));
    }

    #[test]
    fn reload_refuses_folders_and_the_content_folder_itself() {
        let (t, mut c) = folder(&[("a.md", "A")]);
        write(t.path(), "new/b.md", "B");
        let mut d = Vec::new();
        assert!(reload(t.path(), &mut c, &["new".into()], &mut d).is_err());
        assert!(reload(t.path(), &mut c, &["".into()], &mut d).is_err());
        assert!(reload(t.path(), &mut c, &["../x.md".into()], &mut d).is_err());
    }

    #[test]
    fn reload_reports_front_matter_errors_like_a_load() {
        let (t, mut c) = folder(&[("a.md", "+++\ntitle = \"A\"\n+++\n")]);
        write(t.path(), "a.md", "+++\ntitle = \n+++\n");
        let mut d = Vec::new();
        reload(t.path(), &mut c, &["a.md".into()], &mut d).unwrap();
        let (_, full) = load(t.path()).unwrap();
        assert!(d.iter().any(Diagnostic::is_error));
        assert_eq!(d, full);
    }
}
