//! Every file a build writes besides the rendered pages, in one registry, and the one rule
//! for which file wins when two claim the same path.
//!
//! | file | makes |
//! |---|---|
//! | `statics` | theme and site `static/` files, files next to pages, the highlight stylesheet |
//! | `search` | the search index: `search/index.json` and the shards it lists |
//! | `compare` | the data of the reader's comparison view (`compare/data/`) |
//! | `export` | the comparison as data: `export/comparison.json`, `.csv`, one JSON per subject |
//! | `sitemap` | `sitemap.xml` (and chunks), `robots.txt` |
//! | `feeds` | Atom feeds: the site's and one per tag |
//! | `redirects` | redirect pages for `aliases` |
//! | `minify` | the minifier applied on the way out |
//!
//! Each generator in [`GENERATORS`] declares what its files are made from ([`Deps`]); the
//! preview server asks [`generate`] for the files a change can affect and nothing else.
//!
//! **Precedence** ([`Origin`]): a file of the site's own (its `static/` folder, a file next to
//! a page under `content/`) wins over anything versus generates at the same path — pages,
//! the search index, the sitemap, feeds — and anything generated wins over the theme's static
//! files. So a site can replace `robots.txt` or `search/index.json` by putting its own in
//! `static/`, and a theme cannot shadow a page by accident.
//!
//! Not here: rendering pages (`crate::render`), writing files (`crate::output`).

pub mod compare;
pub mod export;
pub mod feeds;
pub mod minify;
pub mod redirects;
pub mod search;
pub mod sitemap;
pub mod statics;

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::model::tracked::Changes;
use crate::model::{Model, PageId};

/// Logical asset name (`style.css`) → output name (`style.1a2b3c4d.css`).
pub type AssetNames = BTreeMap<String, String>;

/// Where a file comes from, strongest first: at one path the strongest wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Origin {
    /// The site's own `static/` folder and files next to pages under `content/`.
    Site,
    /// Made by versus: pages, the search index, feeds, the sitemap, the highlight stylesheet.
    Generated,
    /// The theme's `static/` folder.
    Theme,
}

/// One output file (not a rendered page).
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    /// Output path, relative to the output folder, with `/`.
    pub path: String,
    pub bytes: Vec<u8>,
    pub origin: Origin,
}

impl File {
    pub fn new(path: &str, bytes: Vec<u8>, origin: Origin) -> File {
        File {
            path: path.to_string(),
            bytes,
            origin,
        }
    }
}

/// The kinds of input a generated file is made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deps {
    /// Pages' text (bodies): excerpts, plain text.
    pub text: bool,
    /// Which pages exist, with their paths, titles, dates, tags, aliases and tables.
    pub model: bool,
}

/// What changed since the generated files were last made.
#[derive(Debug, Clone, Copy)]
pub enum Change<'a> {
    /// Everything may have changed.
    All,
    /// The model was built again with the same items, these of which differ: what a
    /// generator kept from its last run and whose reads of the model none of them touches
    /// can be used as it is.
    Items(&'a Changes),
    /// Only the bodies of these pages changed: no title, path, date, tag, table or link
    /// target did.
    Text(&'a [PageId]),
}

/// Files as generators make them: output path → bytes.
pub type Made = Vec<(String, Vec<u8>)>;

/// Where a generator hands each file as soon as it is made (output path, bytes), so that a
/// build writes a big site's exports one file at a time instead of holding them all.
pub type Sink<'a> = &'a mut dyn FnMut(String, Vec<u8>);

/// A generator of files, with what they are made from.
pub struct Generator {
    pub name: &'static str,
    pub deps: Deps,
    /// Every file it makes, each handed to the sink; with the changes since its last run
    /// after [`Change::Items`].
    pub make: fn(&Model, Option<&Changes>, &Kept, Sink) -> Vec<Diagnostic>,
    /// After [`Change::Text`]: the files that can differ (e.g. only feeds listing the
    /// pages). Generators without `text` in their deps are not asked.
    pub remake_for_text: fn(&Model, &[PageId], &Kept) -> Made,
}

/// What generators keep between runs so that a small change costs little: the search
/// index's text of every page (the preview server re-makes only those of edited pages) and,
/// for the preview server only ([`Kept::for_preview`]), every statement's exported record.
/// Behind locks so that generators can run side by side, each taking what it keeps.
#[derive(Default)]
pub struct Kept {
    pub search: Mutex<search::Kept>,
    /// `None` in a build, which makes every file once: keeping a copy of the records would
    /// only add to its peak memory.
    pub export: Mutex<Option<export::Kept>>,
}

impl Kept {
    /// What the preview server keeps: everything that can be used again after an edit.
    pub fn for_preview() -> Kept {
        Kept {
            export: Mutex::new(Some(export::Kept::default())),
            ..Kept::default()
        }
    }
}

/// Every generator of non-page files.
pub const GENERATORS: &[Generator] = &[
    Generator {
        name: "search index",
        deps: Deps {
            text: true,
            model: true,
        },
        make: |m, changes, kept, out| each(search::files(m, changes, &mut lock(&kept.search)), out),
        remake_for_text: |m, pages, kept| search::files_for_text(m, pages, &mut lock(&kept.search)),
    },
    Generator {
        name: "comparison view data",
        deps: Deps {
            text: false,
            model: true,
        },
        make: |m, _, _, out| each(compare::files(m), out),
        remake_for_text: |_, _, _| Vec::new(),
    },
    Generator {
        name: "comparison exports",
        deps: Deps {
            text: false,
            model: true,
        },
        make: |m, changes, kept, out| {
            export::files(m, changes, lock(&kept.export).as_mut(), out);
            Vec::new()
        },
        remake_for_text: |_, _, _| Vec::new(),
    },
    Generator {
        name: "sitemap and robots.txt",
        deps: Deps {
            text: false,
            model: true,
        },
        make: |m, _, _, out| each(sitemap::files(m), out),
        remake_for_text: |_, _, _| Vec::new(),
    },
    Generator {
        name: "feeds",
        deps: Deps {
            text: true,
            model: true,
        },
        make: |m, _, _, out| each(feeds::files(m), out),
        remake_for_text: |m, pages, _| feeds::feeds_listing(m, pages),
    },
    Generator {
        name: "alias redirects",
        deps: Deps {
            text: false,
            model: true,
        },
        make: |m, _, _, out| {
            let (made, diags) = redirects::files(m);
            each(made, out);
            diags
        },
        remake_for_text: |_, _, _| Vec::new(),
    },
];

/// Hands each of `made` to the sink: for generators that make their files together.
fn each(made: Made, out: Sink) -> Vec<Diagnostic> {
    for (path, bytes) in made {
        out(path, bytes);
    }
    Vec::new()
}

/// The generated files `change` can affect (all of them for [`Change::All`]), as
/// [`Origin::Generated`] files, with problems found (e.g. in `aliases`). The generators run
/// side by side (the preview server waits for the slowest), their files in
/// [`GENERATORS`] order.
pub fn generate(model: &Model, change: Change, kept: &mut Kept) -> (Vec<File>, Vec<Diagnostic>) {
    let kept = &*kept;
    let made: Vec<(Vec<File>, Vec<Diagnostic>)> = GENERATORS
        .par_iter()
        .map(|g| {
            let mut files = Vec::new();
            let diags = run(g, model, change, kept, &mut |path, bytes| {
                files.push(File::new(&path, bytes, Origin::Generated));
            });
            (files, diags)
        })
        .collect();
    let mut files = Vec::new();
    let mut diags = minify_warning(model, change);
    for (f, d) in made {
        files.extend(f);
        diags.extend(d);
    }
    (files, diags)
}

/// [`generate`], one generator after another, handing each file to `out` as soon as it is
/// made: a build writes a big site's exports one file at a time instead of holding them.
pub fn generate_each(model: &Model, change: Change, kept: &mut Kept, out: Sink) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for g in GENERATORS {
        diags.extend(run(g, model, change, kept, out));
    }
    diags.extend(minify_warning(model, change));
    diags
}

/// One generator's files for `change`.
fn run(g: &Generator, model: &Model, change: Change, kept: &Kept, out: Sink) -> Vec<Diagnostic> {
    match change {
        Change::All => (g.make)(model, None, kept, out),
        Change::Items(changes) => (g.make)(model, Some(changes), kept, out),
        Change::Text(pages) if g.deps.text => each((g.remake_for_text)(model, pages, kept), out),
        Change::Text(_) => Vec::new(),
    }
}

fn minify_warning(model: &Model, change: Change) -> Vec<Diagnostic> {
    if !matches!(change, Change::Text(_)) && model.config.build.minify && !cfg!(feature = "minify")
    {
        vec![
            Diagnostic::warning("`minify = true`, but this versus was built without minifying")
                .in_file(crate::config::CONFIG_FILE)
                .with_help("install versus with its default features to minify HTML, CSS and JS"),
        ]
    } else {
        Vec::new()
    }
}

/// The lock's contents even if a generator panicked while holding it (a panic stops the
/// build anyway).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The winner at every path among `files` and the rendered pages at `page_paths`: the
/// strongest [`Origin`] wins; between equals, the later file. Returns the files that win
/// and the page paths a file of the site's own takes (those pages are not written).
pub fn layer<'a, 'p>(
    files: impl IntoIterator<Item = &'a File>,
    page_paths: impl IntoIterator<Item = &'p str>,
) -> (Vec<&'a File>, Vec<String>) {
    let mut winners: HashMap<&str, &File> = HashMap::new();
    for f in files {
        match winners.get(f.path.as_str()) {
            Some(w) if w.origin < f.origin => {}
            _ => {
                winners.insert(&f.path, f);
            }
        }
    }
    let mut shadowed = Vec::new();
    for p in page_paths {
        match winners.get(p) {
            Some(w) if w.origin == Origin::Site => shadowed.push(p.to_string()),
            Some(_) => {
                winners.remove(p);
            }
            None => {}
        }
    }
    let mut out: Vec<&File> = winners.into_values().collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    (out, shadowed)
}

/// Escapes text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_xml() {
        assert_eq!(xml_escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn the_site_wins_over_generated_files_and_pages_and_generated_over_the_theme() {
        let files = [
            File::new("robots.txt", b"generated".to_vec(), Origin::Generated),
            File::new("robots.txt", b"site".to_vec(), Origin::Site),
            File::new("style.css", b"theme".to_vec(), Origin::Theme),
            File::new("a/index.html", b"theme page".to_vec(), Origin::Theme),
            File::new("b/index.html", b"site page".to_vec(), Origin::Site),
            File::new("x.js", b"one".to_vec(), Origin::Site),
            File::new("x.js", b"two".to_vec(), Origin::Site),
        ];
        let (won, shadowed) = layer(&files, ["a/index.html", "b/index.html"]);
        let got: Vec<(&str, &[u8])> = won
            .iter()
            .map(|f| (f.path.as_str(), f.bytes.as_slice()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("b/index.html", &b"site page"[..]),
                ("robots.txt", b"site"),
                ("style.css", b"theme"),
                ("x.js", b"two"),
            ]
        );
        assert_eq!(shadowed, vec!["b/index.html"]);
    }
}
