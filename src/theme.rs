//! The theme: templates and static files, from three layers. The site's own `templates/` and
//! `static/` override `themes/<theme>/`, which overrides the default theme built into the
//! binary (so a folder with only `content/` builds, and a custom theme may leave out any
//! template it does not change).
//!
//! Translation tables (`i18n/<lang>.toml`) come in the same three layers.
//!
//! This module only finds and reads files; [`crate::render`] parses the templates and
//! [`crate::i18n`] the translation tables.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::content::SourceKind;
use crate::diagnostics::Diagnostic;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_theme.rs"));
}

/// A static file to copy to the output root.
#[derive(Debug, Clone)]
pub enum StaticSource {
    Embedded(&'static [u8]),
    Disk(PathBuf),
}

impl StaticSource {
    pub fn read(&self) -> std::io::Result<std::borrow::Cow<'static, [u8]>> {
        match self {
            StaticSource::Embedded(b) => Ok(std::borrow::Cow::Borrowed(b)),
            StaticSource::Disk(p) => std::fs::read(p).map(std::borrow::Cow::Owned),
        }
    }
}

#[derive(Debug, Clone)]
pub struct StaticFile {
    pub source: StaticSource,
    /// From the theme (true) or the site's own `static/` (false).
    pub from_theme: bool,
}

/// The ids the default theme's templates put around a Markdown body of this kind (base.html,
/// with the scripts' strings on a page not in English, the header's search box, and the
/// kind's own template), which the body's headings and
/// footnotes must not take (`## Main` gets `main-1`). Per kind, so that an article's
/// `## Features` keeps `features`, which only the subject template uses. A custom theme's
/// other ids are not known here; `versus check` reports any duplicate they cause.
/// `tests/real_content.rs` fails when a template gains an id missing from this list.
pub fn reserved_ids(kind: SourceKind) -> &'static [&'static str] {
    match kind {
        SourceKind::Article => &[
            "main",
            "q",
            "q-results",
            "versus-strings",
            "page-title",
            "toc-title",
            "feature-table-title",
            "related-title",
            "backlinks-title",
        ],
        SourceKind::Subject => &[
            "main",
            "q",
            "q-results",
            "versus-strings",
            "features",
            "compared-with",
            "articles",
        ],
        SourceKind::Home => &[
            "main",
            "q",
            "q-results",
            "versus-strings",
            "page-title",
            "subjects-title",
            "latest-title",
        ],
        SourceKind::Section => &["main", "q", "q-results", "versus-strings"],
    }
}

#[derive(Debug, Default)]
pub struct Theme {
    /// Template name → (path for messages, text).
    templates: BTreeMap<String, (PathBuf, String)>,
    /// Output-relative path → file.
    pub statics: BTreeMap<String, StaticFile>,
    /// Translation tables, in layer order (built in, theme, site): later ones override.
    pub i18n: Vec<crate::i18n::TableFile>,
}

/// The default theme's static files, built into the binary: (name under `static/`, bytes).
pub fn embedded_statics() -> impl Iterator<Item = (&'static str, &'static [u8])> {
    embedded::FILES
        .iter()
        .filter_map(|(rel, bytes)| Some((rel.strip_prefix("static/")?, *bytes)))
}

/// The default theme's translation tables, built into the binary.
pub fn embedded_i18n() -> Vec<crate::i18n::TableFile> {
    embedded::FILES
        .iter()
        .filter_map(|(rel, bytes)| {
            let name = rel.strip_prefix("i18n/")?.strip_suffix(".toml")?;
            Some(crate::i18n::TableFile {
                lang: name.to_string(),
                file: Path::new("<built-in theme>").join(rel),
                text: String::from_utf8_lossy(bytes).into_owned(),
            })
        })
        .collect()
}

impl Theme {
    /// Loads the layers for `root` and theme `name`.
    pub fn load(root: &Path, name: &str) -> (Theme, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut theme = Theme::default();
        for (rel, bytes) in embedded::FILES {
            if let Some(t) = rel.strip_prefix("templates/") {
                theme.templates.insert(
                    t.to_string(),
                    (
                        crate::render::embedded_path(t),
                        String::from_utf8_lossy(bytes).into_owned(),
                    ),
                );
            } else if let Some(s) = rel.strip_prefix("static/") {
                theme.statics.insert(
                    s.to_string(),
                    StaticFile {
                        source: StaticSource::Embedded(bytes),
                        from_theme: true,
                    },
                );
            }
        }
        theme.i18n = embedded_i18n();
        let theme_dir = root.join("themes").join(name);
        if theme_dir.is_dir() {
            theme.add_dir(root, &theme_dir.join("templates"), true, true, &mut diags);
            theme.add_dir(root, &theme_dir.join("static"), false, true, &mut diags);
            let tables = crate::i18n::read_dir(root, &theme_dir.join("i18n"), &mut diags);
            theme.i18n.extend(tables);
        } else if name != "default" {
            diags.push(
                Diagnostic::error(format!(
                    "theme `{name}` not found: no folder themes/{name}/"
                ))
                .in_file("versus.toml")
                .with_help("remove `theme` to use the built-in default theme"),
            );
        }
        theme.add_dir(root, &root.join("templates"), true, false, &mut diags);
        theme.add_dir(root, &root.join("static"), false, false, &mut diags);
        let tables = crate::i18n::read_dir(root, &root.join("i18n"), &mut diags);
        theme.i18n.extend(tables);
        (theme, diags)
    }

    fn add_dir(
        &mut self,
        root: &Path,
        dir: &Path,
        templates: bool,
        from_theme: bool,
        diags: &mut Vec<Diagnostic>,
    ) {
        if !dir.is_dir() {
            return;
        }
        let walker = walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0 || !crate::content::is_ignored_name(&e.file_name().to_string_lossy())
            });
        for entry in walker.flatten() {
            if !entry.file_type().is_file() {
                continue;
            }
            let path = entry.path();
            let Ok(rel) = path.strip_prefix(dir) else {
                continue;
            };
            let rel = rel.to_string_lossy().replace('\\', "/");
            let shown = path.strip_prefix(root).unwrap_or(path).to_path_buf();
            if templates {
                match std::fs::read_to_string(path) {
                    Ok(text) => {
                        self.templates.insert(rel, (shown, text));
                    }
                    Err(e) => diags.push(
                        Diagnostic::error(format!("cannot read template: {e}")).in_file(shown),
                    ),
                }
            } else {
                self.statics.insert(
                    rel,
                    StaticFile {
                        source: StaticSource::Disk(path.to_path_buf()),
                        from_theme,
                    },
                );
            }
        }
    }

    /// Template name → (path for messages, text).
    pub fn templates(&self) -> &BTreeMap<String, (PathBuf, String)> {
        &self.templates
    }
}
