//! Finding and reading the files under `content/`: the full walk ([`load`]) and the preview
//! server's file-by-file update ([`reload`]), which must end in the same [`Content`].
//!
//! This is where I/O happens and where the rules for which files count live (hidden files and
//! editor droppings never do; a symbolic link to a file is read like the file). What a
//! Markdown file *says* is not decided here: its text goes to [`parse_source`].

use std::path::Path;

use rayon::prelude::*;

use super::{
    Asset, CONTENT_DIR, Content, DataFile, DataFormat, FEATURES_FILE, Source, parse_data,
    parse_source,
};
use crate::diagnostics::{Diagnostic, line_col};
use crate::error::{Error, Result};

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
    let mut data_files = Vec::new();
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
        } else if let Some(format) = DataFormat::of(&rel) {
            data_files.push((path, rel, format));
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
    let mut data = Vec::with_capacity(data_files.len());
    for (path, rel, format) in data_files {
        data.extend(read_data(root, &path, rel, format, &mut diags));
    }
    Ok((
        Content {
            sources,
            data,
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
    /// or a data file changed: anything that changes the site's structure, not only a page's
    /// text.
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
        } else if let Some(format) = DataFormat::of(rel) {
            let Some(data) = read_data(root, &path, rel.to_string(), format, diags) else {
                return Err(NeedsFullLoad(format!("cannot read {rel}")));
            };
            let key = walk_key(rel);
            match content
                .data
                .binary_search_by(|d| walk_key(&d.rel).cmp(&key))
            {
                Ok(i) if content.data[i].text == data.text => {}
                Ok(i) => {
                    content.data[i] = data;
                    out.structural = true;
                }
                Err(i) => {
                    content.data.insert(i, data);
                    out.structural = true;
                }
            }
        } else if rel.ends_with(".md") {
            let Some(mut source) = read_source(root, &path, rel, diags) else {
                // Unreadable now: leave it to a full load, which reports it the same way.
                return Err(NeedsFullLoad(format!("cannot read {rel}")));
            };
            source.outline = Some(std::sync::Arc::new(crate::markdown::outline_of(&source)));
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
    let count = |c: &Content| c.sources.len() + c.data.len() + c.assets.len();
    let before = count(content);
    content.sources.retain(|s| !gone(&s.rel));
    content.data.retain(|d| !gone(&d.rel));
    content.assets.retain(|a| !gone(&a.rel));
    let mut changed = before != count(content);
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

/// Reads and parses one data file; an unreadable file is a diagnostic and `None`.
fn read_data(
    root: &Path,
    path: &Path,
    rel: String,
    format: DataFormat,
    diags: &mut Vec<Diagnostic>,
) -> Option<DataFile> {
    let file = Path::new(CONTENT_DIR).join(&rel);
    match read_text(root, path, diags) {
        Ok(text) => Some(parse_data(file, rel, format, text, diags)),
        Err(e) => {
            diags.push(
                Diagnostic::error(format!("cannot read this file: {}", io_reason(&e)))
                    .in_file(file),
            );
            None
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
                .map(|s| (s.rel.clone(), s.text.to_string()))
                .chain(c.assets.iter().map(|a| (a.rel.clone(), String::new())))
                .collect()
        };
        assert_eq!(rels(c), rels(&fresh));
        assert_eq!(c.features_toml, fresh.features_toml);
        let data = |c: &Content| -> Vec<(String, String, Vec<crate::content::RawRow>)> {
            c.data
                .iter()
                .map(|d| (d.rel.clone(), d.text.clone(), d.rows.clone()))
                .collect()
        };
        assert_eq!(data(c), data(&fresh));
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
        // Data files are structural: added, edited, saved unchanged, removed.
        write(root, "data/m.csv", "feature,a\nX,yes\n");
        assert!(reload_matches_load(root, &mut c, &["data/m.csv"]).structural);
        assert_eq!(c.data.len(), 1);
        assert!(
            c.assets.iter().all(|a| a.rel != "data/m.csv"),
            "not an asset"
        );
        write(root, "data/m.csv", "feature,a\nX,no\n");
        assert!(reload_matches_load(root, &mut c, &["data/m.csv"]).structural);
        write(root, "data/m.csv", "feature,a\nX,no\n");
        assert!(reload_matches_load(root, &mut c, &["data/m.csv"]).is_empty());
        write(root, "data/a.yaml", "[]\n");
        assert!(reload_matches_load(root, &mut c, &["data/a.yaml"]).structural);
        std::fs::remove_file(root.join("content/data/m.csv")).unwrap();
        assert!(reload_matches_load(root, &mut c, &["data/m.csv"]).structural);
        assert_eq!(c.data.len(), 1);
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
