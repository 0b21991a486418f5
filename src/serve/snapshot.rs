//! One complete build of the site held in memory, and what changed between two of them.
//!
//! A [`Snapshot`] is made by the ordinary pipeline ([`crate::pipeline::render_all`]) or,
//! after a small change, by patching the last one ([`super::incremental`]); either way what
//! the server shows is byte for byte what `versus build` writes. [`diff`] compares two snapshots to tell browsers what to do: reload the pages that
//! changed, only swap a stylesheet whose fingerprinted name changed, reload every page when a
//! script or image changed, and do nothing for data files no page shows (see [`Kind`]).
//! [`retire`] keeps the fingerprinted files a rebuild renamed, for pages served just before.
//!
//! This module knows nothing of HTTP or of watching files.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use serde::Serialize;

use crate::diagnostics::Diagnostic;

/// One file ready to serve.
#[derive(Clone)]
pub struct Entry {
    pub bytes: Arc<Vec<u8>>,
    /// xxh3 of `bytes`: the base of the ETag.
    pub hash: u64,
}

impl Entry {
    pub fn new(bytes: Vec<u8>) -> Entry {
        Entry {
            hash: xxhash_rust::xxh3::xxh3_64(&bytes),
            bytes: Arc::new(bytes),
        }
    }
}

/// A complete, error-free site in memory: output path (`a/index.html`) → file.
pub struct Snapshot {
    pub files: HashMap<String, Entry>,
    /// Logical asset name → fingerprinted output name, as in [`crate::engine::Site::assets`].
    pub assets: BTreeMap<String, String>,
    /// Number of rendered targets (pages).
    pub pages: usize,
}

/// A diagnostic as the browser overlay shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DiagView {
    pub severity: &'static str,
    pub message: String,
    /// `content/a.md:3:5`, when known.
    pub location: Option<String>,
    pub source_line: Option<String>,
    pub help: Option<String>,
}

impl From<&Diagnostic> for DiagView {
    fn from(d: &Diagnostic) -> DiagView {
        DiagView {
            severity: if d.is_error() { "error" } else { "warning" },
            message: d.message.clone(),
            location: d.location(),
            source_line: d.source_line.clone(),
            help: d.help.clone(),
        }
    }
}

/// What browsers must do after a rebuild.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Change {
    /// URL paths of HTML pages whose content changed, were added or removed (`/a/`).
    pub pages: Vec<String>,
    /// Something every page may use changed (an image, a script): reload every page.
    pub all: bool,
    /// Stylesheets to swap in place: (old URL, new URL); equal URLs mean "same name, new
    /// content" (a stylesheet linked by its plain name).
    pub css: Vec<(String, String)>,
}

impl Change {
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty() && !self.all && self.css.is_empty()
    }
}

/// How a changed output file affects the pages open in browsers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An HTML page: reload the tabs showing it.
    Page,
    /// A stylesheet: swap it in place.
    Stylesheet,
    /// Something pages load and run or show (a script, an image, a font): reload every page.
    Asset,
    /// A file read by other programs or fetched on demand, never by a page as it loads: the
    /// search index, feeds, the sitemap, robots.txt. Every rebuild rewrites some of these, so
    /// reloading for them would reload every tab after every edit.
    Data,
}

impl Kind {
    pub fn of(output_path: &str) -> Kind {
        let ext = output_path
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "html" | "htm" => Kind::Page,
            "css" => Kind::Stylesheet,
            "json" | "xml" | "txt" | "rss" | "atom" | "webmanifest" | "map" => Kind::Data,
            _ => Kind::Asset,
        }
    }
}

/// URL path of an output file: `a/index.html` → `/a/`, `404.html` → `/404.html`.
pub fn url_of(base_path: &str, output_path: &str) -> String {
    let p = output_path
        .strip_suffix("index.html")
        .filter(|p| p.is_empty() || p.ends_with('/'))
        .unwrap_or(output_path);
    format!("{base_path}/{p}")
}

/// Fingerprinted files kept after a rebuild renamed them, at most this many.
pub const RETIRED_KEPT: usize = 32;

/// `kept` plus the fingerprinted files of `old` that `new` no longer has under that name,
/// newest last, at most [`RETIRED_KEPT`]. A page served just before a rebuild asks for the
/// stylesheet or script it names just after it: served from here, it loads as it was, and
/// `live.js` then swaps or reloads as for any open page (a `404` would show it unstyled).
pub fn retire(kept: &[(String, Entry)], old: &Snapshot, new: &Snapshot) -> Vec<(String, Entry)> {
    let mut retired: Vec<(String, Entry)> = kept
        .iter()
        .filter(|(path, _)| !new.files.contains_key(path))
        .cloned()
        .collect();
    for (name, out) in &old.assets {
        if new.assets.get(name) == Some(out) || new.files.contains_key(out) {
            continue;
        }
        if let Some(entry) = old.files.get(out) {
            retired.retain(|(path, _)| path != out);
            retired.push((out.clone(), entry.clone()));
        }
    }
    let over = retired.len().saturating_sub(RETIRED_KEPT);
    retired.drain(..over);
    retired
}

/// Compares two snapshots. A page whose only change is the fingerprinted name of a stylesheet
/// it links is not reported as changed: swapping the stylesheet is enough.
pub fn diff(old: &Snapshot, new: &Snapshot, base_path: &str) -> Change {
    let mut change = Change::default();
    // Fingerprinted stylesheets that were renamed: new output name → old output name.
    let mut renamed: Vec<(&str, &str)> = Vec::new();
    let mut js_renamed = false;
    for (name, new_out) in &new.assets {
        match old.assets.get(name) {
            Some(old_out) if old_out != new_out => match Kind::of(name) {
                Kind::Stylesheet => {
                    renamed.push((new_out, old_out));
                    change.css.push((
                        format!("{base_path}/{old_out}"),
                        format!("{base_path}/{new_out}"),
                    ));
                }
                Kind::Data => {}
                Kind::Page | Kind::Asset => js_renamed = true,
            },
            _ => {}
        }
    }
    let renamed_outputs: Vec<&str> = renamed.iter().flat_map(|(n, o)| [*n, *o]).collect();
    for (path, entry) in &new.files {
        let old_entry = old.files.get(path);
        if old_entry.is_some_and(|o| o.hash == entry.hash && o.bytes == entry.bytes) {
            continue;
        }
        let kind = Kind::of(path);
        if kind == Kind::Page {
            let only_css = old_entry.is_some_and(|o| {
                let mut text = String::from_utf8_lossy(&entry.bytes).into_owned();
                for (new_out, old_out) in &renamed {
                    text = text.replace(new_out, old_out);
                }
                text.as_bytes() == o.bytes.as_slice()
            });
            if !only_css {
                change.pages.push(url_of(base_path, path));
            }
        } else if kind == Kind::Data || renamed_outputs.contains(&path.as_str()) {
            // Nothing to reload, or covered by the stylesheet swap.
        } else if kind == Kind::Stylesheet && old_entry.is_some() {
            let url = format!("{base_path}/{path}");
            change.css.push((url.clone(), url));
        } else {
            change.all = true;
        }
    }
    for path in old.files.keys() {
        if new.files.contains_key(path) {
            continue;
        }
        match Kind::of(path) {
            Kind::Page => change.pages.push(url_of(base_path, path)),
            Kind::Data => {}
            _ if renamed_outputs.contains(&path.as_str()) => {}
            _ => change.all = true,
        }
    }
    change.all |= js_renamed;
    change.pages.sort();
    change
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(files: &[(&str, &str)], assets: &[(&str, &str)]) -> Snapshot {
        Snapshot {
            files: files
                .iter()
                .map(|(p, b)| {
                    (
                        p.to_string(),
                        Entry {
                            hash: xxhash_rust::xxh3::xxh3_64(b.as_bytes()),
                            bytes: Arc::new(b.as_bytes().to_vec()),
                        },
                    )
                })
                .collect(),
            assets: assets
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            pages: 0,
        }
    }

    #[test]
    fn url_of_index_files() {
        assert_eq!(url_of("", "index.html"), "/");
        assert_eq!(url_of("", "a/b/index.html"), "/a/b/");
        assert_eq!(url_of("", "404.html"), "/404.html");
        assert_eq!(url_of("/docs", "xindex.html"), "/docs/xindex.html");
    }

    #[test]
    fn css_rename_alone_is_a_swap_not_a_reload() {
        let old = snap(
            &[
                ("a/index.html", "<link href=/style.1.css>A"),
                ("style.1.css", "x"),
            ],
            &[("style.css", "style.1.css")],
        );
        let new = snap(
            &[
                ("a/index.html", "<link href=/style.2.css>A"),
                ("style.2.css", "y"),
            ],
            &[("style.css", "style.2.css")],
        );
        let c = diff(&old, &new, "");
        assert_eq!(c.pages, Vec::<String>::new());
        assert!(!c.all);
        assert_eq!(
            c.css,
            vec![("/style.1.css".to_string(), "/style.2.css".to_string())]
        );
    }

    #[test]
    fn changed_added_and_removed_pages_are_listed() {
        let old = snap(&[("a/index.html", "A"), ("b/index.html", "B")], &[]);
        let new = snap(&[("a/index.html", "A2"), ("c/index.html", "C")], &[]);
        let c = diff(&old, &new, "");
        assert_eq!(c.pages, vec!["/a/", "/b/", "/c/"]);
        assert!(!c.all && c.css.is_empty());
    }

    #[test]
    fn data_files_no_page_loads_reload_nothing() {
        let old = snap(
            &[
                ("a/index.html", "A"),
                ("search-index.json", "[1]"),
                ("atom.xml", "<feed/>"),
                ("sitemap.xml", "<urlset/>"),
                ("robots.txt", "Allow: /"),
            ],
            &[],
        );
        let new = snap(
            &[
                ("a/index.html", "A2"),
                ("search-index.json", "[2]"),
                ("atom.xml", "<feed>2</feed>"),
                ("sitemap-1.xml", "<urlset/>"),
                ("robots.txt", "Allow: /\nSitemap: x"),
            ],
            &[],
        );
        let c = diff(&old, &new, "");
        assert_eq!(c.pages, vec!["/a/"]);
        assert!(!c.all, "{c:?}");
        assert!(c.css.is_empty());
        assert!(diff(&new, &old, "").pages == vec!["/a/"] && !diff(&new, &old, "").all);
    }

    #[test]
    fn a_changed_script_reloads_everything() {
        let old = snap(&[("a/index.html", "A"), ("site.js", "1")], &[]);
        let new = snap(&[("a/index.html", "A"), ("site.js", "2")], &[]);
        assert!(diff(&old, &new, "").all);
        assert!(diff(&old, &snap(&[("a/index.html", "A")], &[]), "").all);
    }

    #[test]
    fn kinds_by_extension() {
        assert_eq!(Kind::of("a/index.html"), Kind::Page);
        assert_eq!(Kind::of("style.1a2b.css"), Kind::Stylesheet);
        assert_eq!(Kind::of("search.1a2b.js"), Kind::Asset);
        assert_eq!(Kind::of("favicon.svg"), Kind::Asset);
        assert_eq!(Kind::of("LICENSE"), Kind::Asset);
        assert_eq!(Kind::of("search-index.json"), Kind::Data);
        assert_eq!(Kind::of("tags/x/atom.xml"), Kind::Data);
        assert_eq!(Kind::of("robots.txt"), Kind::Data);
    }

    #[test]
    fn a_changed_image_reloads_everything() {
        let old = snap(&[("a/index.html", "A"), ("img.png", "1")], &[]);
        let new = snap(&[("a/index.html", "A"), ("img.png", "2")], &[]);
        assert!(diff(&old, &new, "").all);
    }

    #[test]
    fn renamed_fingerprinted_files_are_kept_a_while() {
        let v1 = snap(&[("s.1.css", "one")], &[("s.css", "s.1.css")]);
        let v2 = snap(&[("s.2.css", "two")], &[("s.css", "s.2.css")]);
        let kept = retire(&[], &v1, &v2);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].0, "s.1.css");
        assert_eq!(kept[0].1.bytes.as_slice(), b"one");
        // Back to the first content: its name is current again, not retired.
        let v3 = snap(&[("s.1.css", "one")], &[("s.css", "s.1.css")]);
        let kept = retire(&kept, &v2, &v3);
        assert_eq!(
            kept.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
            ["s.2.css"]
        );
        let mut kept = Vec::new();
        for n in 0..RETIRED_KEPT + 5 {
            let old = snap(
                &[(&format!("s.{n}.css"), "x")],
                &[("s.css", &format!("s.{n}.css"))],
            );
            let new = snap(&[], &[("s.css", "s.next.css")]);
            kept = retire(&kept, &old, &new);
        }
        assert_eq!(kept.len(), RETIRED_KEPT);
        assert_eq!(
            kept.last().unwrap().0,
            format!("s.{}.css", RETIRED_KEPT + 4)
        );
    }
}
