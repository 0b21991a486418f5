//! Pages: their URLs (from the file's place under `content/`), titles, the order lists use,
//! tags, and the section tree (which `_index.md` lists which page, previous and next).
//!
//! Not here: links between pages (see `links`), related pages (see `relations`).

use std::collections::{BTreeMap, HashMap};

use super::{Model, Page, PageId, Subject, Tag, TagId};
use crate::content::{Source, SourceKind};
use crate::diagnostics::Diagnostic;
use crate::markdown::Outline;
use crate::slug::slugify;
use crate::urls::parent_dir;

impl Model {
    /// Adds a page per source, with its URL and title; subjects get their entry. Two pages
    /// with one URL, or a page on a URL versus generates, are errors.
    pub(super) fn add_pages(
        &mut self,
        sources: Vec<Source>,
        outlines: Vec<std::sync::Arc<Outline>>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let mut seen_paths: HashMap<String, PageId> = HashMap::with_capacity(sources.len());
        // Sized once: grown by doubling, a big site's pages were copied and their memory
        // faulted in several times over.
        self.pages.reserve_exact(sources.len());
        for (source, outline) in sources.into_iter().zip(outlines) {
            let id = self.pages.len();
            let path = page_path(&source);
            let title = match &source.front.title {
                Some(t) => t.clone(),
                None => {
                    let fallback = outline
                        .headings
                        .first()
                        .filter(|h| h.level == 1)
                        .map(|h| h.title.clone())
                        .unwrap_or_else(|| title_from_stem(source.stem()));
                    if matches!(source.kind, SourceKind::Article | SourceKind::Subject)
                        && !source.front.invalid
                    {
                        diags.push(
                            Diagnostic::warning(format!(
                                "no `title` in front matter; using \"{fallback}\""
                            ))
                            .in_file(&source.file)
                            .at(1, 1, Some(&source.text))
                            .with_help("add `title = \"...\"` to the front matter"),
                        );
                    }
                    fallback
                }
            };
            if let Some(&other) = seen_paths.get(&path) {
                diags.push(
                    Diagnostic::error(format!(
                        "two pages have the URL {path}: this one and {}",
                        self.pages[other].source.file.display()
                    ))
                    .in_file(&source.file)
                    .with_help("set a different `slug` in one of them"),
                );
            } else if is_reserved(&path) {
                diags.push(
                    Diagnostic::error(format!("the URL {path} is reserved for a generated page"))
                        .in_file(&source.file)
                        .with_help("rename the file or set a `slug`"),
                );
            }
            seen_paths.insert(path.clone(), id);
            if source.kind == SourceKind::Home {
                self.home = Some(id);
            }
            self.page_by_rel.insert(source.rel.clone(), id);
            if source.kind == SourceKind::Subject {
                let sid = self.subjects.len();
                self.subject_by_id.insert(source.stem().to_string(), sid);
                self.subjects.push(Subject {
                    id: source.stem().to_string(),
                    page: id,
                    statements: Vec::new(),
                    articles: Vec::new(),
                    pairs: Vec::new(),
                    by_group: Vec::new(),
                });
            }
            self.pages.push(Page {
                kind: source.kind,
                source,
                path,
                title_key: crate::slug::sort_key(&title),
                title,
                outline,
                subjects: Vec::new(),
                rows: Vec::new(),
                tags: Vec::new(),
                section: None,
                children: Vec::new(),
                backlinks: Vec::new(),
                related: Vec::new(),
                prev: None,
                next: None,
                links_to: Vec::new(),
            });
        }
    }

    pub(super) fn collect_tags(&mut self) {
        let mut by_slug: BTreeMap<String, TagId> = BTreeMap::new();
        let mut tags: Vec<Tag> = Vec::new();
        for pid in 0..self.pages.len() {
            let names = self.pages[pid].source.front.tags.clone();
            let mut ids = Vec::new();
            for name in names {
                let slug = slugify(&name);
                if slug.is_empty() {
                    continue;
                }
                let id = *by_slug.entry(slug.clone()).or_insert_with(|| {
                    tags.push(Tag {
                        name: name.clone(),
                        slug,
                        pages: Vec::new(),
                    });
                    tags.len() - 1
                });
                if !ids.contains(&id) {
                    ids.push(id);
                    tags[id].pages.push(pid);
                }
            }
            self.pages[pid].tags = ids;
        }
        // Alphabetical tag order, pages in list order.
        let order: Vec<TagId> = by_slug.values().copied().collect();
        let mut remap = vec![0; tags.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old] = new;
        }
        let mut sorted: Vec<Tag> = order.iter().map(|&i| tags[i].clone()).collect();
        for t in &mut sorted {
            self.sort_pages(&mut t.pages);
        }
        for p in &mut self.pages {
            for t in &mut p.tags {
                *t = remap[*t];
            }
        }
        self.tags = sorted.into();
    }

    /// Manual ordering: weight (lower first), then date (newest first), then title.
    pub fn sort_pages(&self, pages: &mut [PageId]) {
        pages.sort_by(|&a, &b| {
            let (pa, pb) = (&self.pages[a], &self.pages[b]);
            let wa = pa.source.front.weight.unwrap_or(i64::MAX);
            let wb = pb.source.front.weight.unwrap_or(i64::MAX);
            wa.cmp(&wb)
                .then_with(|| pb.source.front.date.cmp(&pa.source.front.date))
                .then_with(|| pa.title_key.cmp(&pb.title_key))
                .then_with(|| pa.title.cmp(&pb.title))
                .then_with(|| pa.source.rel.cmp(&pb.source.rel))
        });
    }

    pub(super) fn build_sections(&mut self) {
        // A page belongs to the nearest `_index.md` above it (the home page at the top).
        let mut section_of_dir: HashMap<String, PageId> = HashMap::new();
        for (i, p) in self.pages.iter().enumerate() {
            match p.kind {
                SourceKind::Home => {
                    section_of_dir.insert(String::new(), i);
                }
                SourceKind::Section => {
                    let dir = p
                        .source
                        .rel
                        .trim_end_matches("_index.md")
                        .trim_end_matches('/');
                    section_of_dir.insert(dir.to_string(), i);
                }
                _ => {}
            }
        }
        let mut children: BTreeMap<PageId, Vec<PageId>> = BTreeMap::new();
        for i in 0..self.pages.len() {
            let p = &self.pages[i];
            if p.kind == SourceKind::Home {
                continue;
            }
            // Subjects are listed on /subjects/, not in sections.
            if p.kind == SourceKind::Subject {
                continue;
            }
            let rel = &p.source.rel;
            let mut dir = parent_dir(rel);
            if p.kind == SourceKind::Section {
                dir = parent_dir(dir);
            }
            loop {
                if let Some(&s) = section_of_dir.get(dir)
                    && s != i
                {
                    children.entry(s).or_default().push(i);
                    self.pages[i].section = Some(s);
                    break;
                }
                if dir.is_empty() {
                    break;
                }
                dir = parent_dir(dir);
            }
        }
        for (s, mut list) in children {
            self.sort_pages(&mut list);
            let articles: Vec<PageId> = list
                .iter()
                .copied()
                .filter(|&p| self.pages[p].kind == SourceKind::Article)
                .collect();
            for w in articles.windows(2) {
                self.pages[w[0]].next = Some(w[1]);
                self.pages[w[1]].prev = Some(w[0]);
            }
            self.pages[s].children = list;
        }
    }
}

/// The site path of a source: `articles/a.md` → `/articles/a/`.
pub fn page_path(source: &Source) -> String {
    let rel = source.rel.as_str();
    match source.kind {
        SourceKind::Home => "/".into(),
        SourceKind::Section => {
            let dir = rel.trim_end_matches("_index.md").trim_end_matches('/');
            format!("/{}/", url_segments(dir))
        }
        SourceKind::Subject => format!("/subjects/{}/", url_segment(source.stem())),
        SourceKind::Article => {
            let dir = parent_dir(rel);
            let stem = source.stem();
            let last = match &source.front.slug {
                Some(s) => url_segment(s),
                None if stem == "index" => String::new(),
                None => url_segment(stem),
            };
            let mut path = String::from("/");
            if !dir.is_empty() {
                path.push_str(&url_segments(dir));
                path.push('/');
            }
            if !last.is_empty() {
                path.push_str(&last);
                path.push('/');
            }
            path
        }
    }
}

fn url_segments(dir: &str) -> String {
    dir.split('/')
        .map(url_segment)
        .collect::<Vec<_>>()
        .join("/")
}

/// A file name made safe for a URL path segment: whitespace becomes `-`, characters with a
/// meaning in URLs are dropped; letters of any script are kept.
pub(super) fn url_segment(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.trim().chars() {
        if c.is_whitespace() {
            out.push('-');
        } else if !matches!(
            c,
            '?' | '#'
                | '%'
                | '"'
                | '<'
                | '>'
                | '\\'
                | '^'
                | '`'
                | '{'
                | '}'
                | '|'
                | '/'
                | '['
                | ']'
                | '\''
        ) && !c.is_control()
        {
            out.push(c);
        }
    }
    if out.is_empty() || out == "." || out == ".." {
        out = "page".into();
    }
    out
}

pub(super) fn is_reserved(path: &str) -> bool {
    path == "/compare/"
        || path.starts_with("/compare/")
        || path == "/features/"
        || path.starts_with("/features/")
        || path == "/tags/"
        || path.starts_with("/tags/")
        || path == "/404.html"
}

fn title_from_stem(stem: &str) -> String {
    let t = stem.replace(['-', '_'], " ");
    let mut c = t.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => "Untitled".into(),
    }
}
