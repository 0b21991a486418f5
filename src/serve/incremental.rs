//! Incremental rebuilds for `versus serve`: after a save, do only the work that save needs,
//! and publish a snapshot equal, byte for byte, to what a full `versus build` would write.
//!
//! The [`Builder`] lives on the rebuild thread and keeps, between rebuilds, what the last
//! good build read and made: the [`Content`] (with each body's outline), the [`Site`] (model,
//! theme, highlighter, static files), the published [`Snapshot`], the search documents of
//! every target and a digest of what each page shows. HTTP workers only ever see published
//! snapshots. Each batch of changed paths takes one of three routes:
//!
//! - **full** — anything outside `content/` changed (templates, themes, static files,
//!   `versus.toml`, `highlight/`), `content/` itself or a folder in it was reported, or there
//!   is no good build to start from: the whole pipeline runs, as `versus build` does.
//! - **model** — files under `content/` were added, removed, renamed, or had their front
//!   matter, features.toml or assets changed: only the changed files are read again
//!   ([`crate::content::reload`]), the model is rebuilt from them (outlines of unchanged
//!   files are reused), and only targets whose inputs changed are rendered. A page's inputs
//!   are summed up in a digest ([`page_digest`]) of its text, its table, its place in
//!   sections, where its links point and the *face* (what lists show: [`render::summary`]) of
//!   every page it shows; subject pages, home pages and every generated target (features,
//!   matrix, pairs, tags, 404) are always rendered — there are few of them. When the context
//!   every target shares ([`render::shared_context`]) changed, everything is rendered.
//! - **pages** — only the bodies of existing pages changed, and nothing others derive from a
//!   body did (front matter equal; the title; every heading id others may link to still
//!   there; links resolving to the same pages, none broken): the new text and outline are
//!   swapped into the model in place and only those pages are rendered, plus the files that
//!   embed body text (the search index, re-joined from kept per-target documents, and the
//!   feeds).
//!
//! A failed build keeps the last good state; the paths it was given are kept too and handed
//! to the next rebuild, so a later save never builds on a stale read.
//!
//! Not here: watching files, HTTP, the diff that tells browsers what to reload
//! ([`super::snapshot::diff`]).

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use super::snapshot::{Entry, Snapshot};
use crate::content::{self, Content, Source, SourceKind};
use crate::diagnostics::{self, Diagnostic};
use crate::error::Result;
use crate::model::{Model, ModelOptions, PageId, Resolved, Target};
use crate::pipeline::{self, BuildOptions, KeptHighlighter, Site};
use crate::render::{self, Renderer};

/// Which route a rebuild took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Full,
    Model,
    Pages,
}

impl Route {
    pub fn describe(self) -> &'static str {
        match self {
            Route::Full => "full rebuild",
            Route::Model => "content changed: model rebuilt",
            Route::Pages => "page text changed",
        }
    }
}

/// The result of one rebuild.
pub struct Rebuild {
    /// The new site if the build had no errors.
    pub snapshot: Option<Arc<Snapshot>>,
    pub diagnostics: Vec<Diagnostic>,
    /// Site path (with base path) of the page made from the first edited file that is a page.
    pub edited_page: Option<String>,
    pub route: Route,
    /// Targets rendered by this rebuild.
    pub rendered: usize,
}

impl Rebuild {
    fn failed(diags: Vec<Diagnostic>, strict: bool, route: Route) -> Rebuild {
        Rebuild {
            snapshot: None,
            diagnostics: pipeline::finish_diagnostics(diags, strict),
            edited_page: None,
            route,
            rendered: 0,
        }
    }
}

/// Everything kept from the last good build.
struct State {
    /// What is on disk under `content/`, as far as reported (may be ahead of `site`).
    content: Content,
    site: Site,
    snapshot: Arc<Snapshot>,
    /// Digest of [`render::shared_context`].
    shared: u64,
    /// Output path of each page target → [`page_digest`].
    digests: HashMap<String, u64>,
    /// Search documents in target order.
    docs: Vec<(Target, Vec<u8>)>,
}

/// Builds the site again and again, as cheaply as each change allows.
pub struct Builder {
    opts: BuildOptions,
    state: Option<State>,
    /// Paths of failed rebuilds, handed to the next one.
    pending: Vec<PathBuf>,
    highlighter: Option<KeptHighlighter>,
}

/// What a batch of changed paths needs.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    /// Run the whole pipeline.
    Full,
    /// Only files under `content/` changed: paths relative to `content/`, with `/`.
    Content(Vec<String>),
}

/// Decides between a full rebuild and a content reload from paths relative to the site root.
pub fn plan(paths: &[PathBuf]) -> Plan {
    let mut rels = Vec::new();
    for p in paths {
        let Ok(rest) = p.strip_prefix(content::CONTENT_DIR) else {
            return Plan::Full;
        };
        let mut parts = Vec::new();
        for c in rest.components() {
            match c {
                std::path::Component::Normal(n) => match n.to_str() {
                    Some(s) => parts.push(s),
                    None => return Plan::Full,
                },
                _ => return Plan::Full,
            }
        }
        if parts.is_empty() {
            return Plan::Full;
        }
        let rel = parts.join("/");
        if !rels.contains(&rel) {
            rels.push(rel);
        }
    }
    Plan::Content(rels)
}

impl Builder {
    pub fn new(opts: BuildOptions) -> Builder {
        Builder {
            opts,
            state: None,
            pending: Vec::new(),
            highlighter: None,
        }
    }

    /// Forgets the kept state (after a panic mid-rebuild it cannot be trusted).
    pub fn reset(&mut self) {
        self.state = None;
    }

    /// Rebuilds after `paths` (relative to the site root) changed; `&[]` builds everything.
    pub fn rebuild(&mut self, paths: &[PathBuf]) -> Result<Rebuild> {
        let mut all = std::mem::take(&mut self.pending);
        for p in paths {
            if !all.contains(p) {
                all.push(p.clone());
            }
        }
        let result = self.route(&all, paths.is_empty());
        match &result {
            Ok(r) if r.snapshot.is_some() => {}
            _ => self.pending = all.clone(),
        }
        let mut r = result?;
        let edited: Vec<String> = match plan(paths) {
            Plan::Content(rels) => rels,
            Plan::Full => Vec::new(),
        };
        if let Some(state) = &self.state {
            let m = &state.site.model;
            r.edited_page = edited
                .iter()
                .rev()
                .find_map(|rel| m.page_by_rel(rel))
                .map(|p| m.url(&m.pages[p].path));
        }
        Ok(r)
    }

    fn route(&mut self, paths: &[PathBuf], first: bool) -> Result<Rebuild> {
        let rels = match plan(paths) {
            Plan::Content(rels) if !first && self.state.is_some() => rels,
            _ => return self.full(),
        };
        let Some(state) = self.state.as_mut() else {
            return self.full();
        };
        let mut diags = Vec::new();
        let mut laps = Laps::start();
        let reloaded = match content::reload(&self.opts.root, &mut state.content, &rels, &mut diags)
        {
            Ok(r) => r,
            Err(_) => return self.full(),
        };
        laps.lap("reload");
        if reloaded.is_empty() && diags.is_empty() {
            // Saved without a change (or only ignored files): nothing to do.
            return Ok(Rebuild {
                snapshot: Some(state.snapshot.clone()),
                diagnostics: Vec::new(),
                edited_page: None,
                route: Route::Pages,
                rendered: 0,
            });
        }
        if !reloaded.structural
            && !diags.iter().any(Diagnostic::is_error)
            && let Some(r) = self.pages(&reloaded.modified, &mut diags)
        {
            return Ok(r);
        }
        self.model(diags)
    }

    /// The whole pipeline, keeping what the next rebuilds start from.
    fn full(&mut self) -> Result<Rebuild> {
        self.state = None;
        let opts = &self.opts;
        let (content, content_diags) = content::load(&opts.root)?;
        let kept_content = content.clone();
        let (site, mut diags) = pipeline::load_site_with_content(
            opts,
            self.highlighter.as_ref(),
            Some((content, content_diags)),
        )?;
        self.highlighter = Some((
            site.highlight_options.clone(),
            Arc::clone(&site.highlighter),
        ));
        if diags.iter().any(Diagnostic::is_error) {
            return Ok(Rebuild::failed(diags, opts.strict, Route::Full));
        }
        let files = Mutex::new(HashMap::new());
        let emit = |path: &str, bytes: &[u8]| -> Result<()> {
            files
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(path.to_string(), Entry::new(bytes.to_vec()));
            Ok(())
        };
        let (pages, d) = pipeline::render_all(&site, &emit, &|_, _| {})?;
        diags.extend(d);
        let diagnostics = pipeline::finish_diagnostics(diags, opts.strict);
        if diagnostics::count(&diagnostics).0 > 0 {
            return Ok(Rebuild {
                snapshot: None,
                diagnostics,
                edited_page: None,
                route: Route::Full,
                rendered: 0,
            });
        }
        let snapshot = Arc::new(Snapshot {
            files: files.into_inner().unwrap_or_else(|e| e.into_inner()),
            assets: site.assets.clone(),
            pages,
        });
        self.state = Some(State::new(kept_content, site, snapshot.clone()));
        Ok(Rebuild {
            snapshot: Some(snapshot),
            diagnostics,
            edited_page: None,
            route: Route::Full,
            rendered: pages,
        })
    }

    /// The model route: rebuild the model from the reloaded content, render what changed.
    fn model(&mut self, mut diags: Vec<Diagnostic>) -> Result<Rebuild> {
        let strict = self.opts.strict;
        let mut laps = Laps::start();
        let Some(state) = self.state.as_mut() else {
            return self.full();
        };
        let site = &state.site;
        let (model, d) = Model::build(
            site.model.config.clone(),
            state.content.clone(),
            ModelOptions {
                drafts: self.opts.drafts,
            },
        );
        diags.extend(d);
        laps.lap("model");
        if diags.iter().any(Diagnostic::is_error) {
            return Ok(Rebuild::failed(diags, strict, Route::Model));
        }
        let (assets, files, d) = pipeline::collect_files(
            &model,
            &site.theme,
            &site.highlighter,
            model.config.build.fingerprint,
        );
        diags.extend(d);
        if diags.iter().any(Diagnostic::is_error) {
            return Ok(Rebuild::failed(diags, strict, Route::Model));
        }
        laps.lap("static files");
        let shared = digest_json(&render::shared_context(&model, &assets));
        let everything = shared != state.shared || assets != site.assets;
        let faces = faces(&model);
        let targets = model.targets();
        let digests: HashMap<String, u64> = targets
            .par_iter()
            .filter_map(|&t| match t {
                Target::Page(p) => Some((
                    pipeline::output_path(&model.pages[p].path),
                    page_digest(&model, &faces, p),
                )),
                _ => None,
            })
            .collect();
        let to_render: Vec<Target> = targets
            .iter()
            .copied()
            .filter(|&t| match t {
                _ if everything => true,
                Target::Page(p) => {
                    let page = &model.pages[p];
                    let path = pipeline::output_path(&page.path);
                    matches!(page.kind, SourceKind::Home | SourceKind::Subject)
                        || state.digests.get(&path) != digests.get(&path)
                }
                _ => true,
            })
            .collect();
        laps.lap("digests");
        if laps.on {
            let pages = to_render
                .iter()
                .filter(|t| matches!(t, Target::Page(_)))
                .count();
            eprintln!(
                "model route: rendering {} targets ({pages} pages, everything: {everything})",
                to_render.len()
            );
        }
        let rendered = {
            let (renderer, d) = Renderer::new(&model, &site.theme, &site.highlighter, &assets);
            diags.extend(d);
            if diags.iter().any(Diagnostic::is_error) {
                return Ok(Rebuild::failed(diags, strict, Route::Model));
            }
            let (rendered, d) = render_targets(&renderer, &model, &to_render);
            diags.extend(d);
            rendered
        };
        laps.lap("render");
        let diagnostics = pipeline::finish_diagnostics(diags, strict);
        if diagnostics::count(&diagnostics).0 > 0 {
            return Ok(Rebuild {
                diagnostics,
                ..Rebuild::failed(Vec::new(), strict, Route::Model)
            });
        }
        let docs = search_docs(&model, &targets);
        let (extra, d) = crate::hosting::extra_files(&model);
        let snapshot = assemble(
            &model,
            rendered,
            &state.snapshot,
            &site.files,
            &files,
            &assets,
            extra,
        );
        let mut diagnostics = diagnostics;
        diagnostics.extend(d);
        laps.lap("assemble");
        let snapshot = Arc::new(snapshot);
        let theme = std::mem::take(&mut state.site.theme);
        state.site = Site {
            root: state.site.root.clone(),
            model,
            theme,
            highlighter: Arc::clone(&state.site.highlighter),
            highlight_options: state.site.highlight_options.clone(),
            assets,
            files,
            timings: Vec::new(),
        };
        state.snapshot = snapshot.clone();
        state.shared = shared;
        state.digests = digests;
        state.docs = docs;
        state.keep_outlines();
        laps.lap("keep");
        Ok(Rebuild {
            snapshot: Some(snapshot),
            diagnostics: pipeline::finish_diagnostics(diagnostics, strict),
            edited_page: None,
            route: Route::Model,
            rendered: to_render.len(),
        })
    }

    /// The pages route: only bodies changed, in ways nothing else shows. `None` when some
    /// change is more than that (the caller then takes the model route).
    fn pages(&mut self, modified: &[String], diags: &mut Vec<Diagnostic>) -> Option<Rebuild> {
        let strict = self.opts.strict;
        let mut laps = Laps::start();
        let state = self.state.as_mut()?;
        let mut swaps: Vec<(PageId, Source)> = Vec::new();
        {
            let m = &state.site.model;
            for rel in modified {
                let p = m.page_by_rel(rel)?;
                let new = state.content.sources.iter().find(|s| &s.rel == rel)?;
                if !body_only(m, p, new) {
                    return None;
                }
                swaps.push((p, new.clone()));
            }
        }
        // Swap the new text in; undone if rendering fails, so the state stays the last good.
        let mut undo = Vec::new();
        for (p, mut source) in swaps {
            let outline = source
                .outline
                .take()
                .unwrap_or_else(|| crate::markdown::outline_of(&source));
            let page = &mut state.site.model.pages[p];
            undo.push((
                p,
                std::mem::replace(&mut page.source, source),
                std::mem::replace(&mut page.outline, outline),
            ));
        }
        let pages: Vec<PageId> = undo.iter().map(|(p, _, _)| *p).collect();
        let targets: Vec<Target> = pages.iter().map(|&p| Target::Page(p)).collect();
        let site = &state.site;
        let m = &site.model;
        for &p in &pages {
            self_anchor_warnings(m, p, diags);
        }
        laps.lap("check");
        let (rendered, d) = {
            let (renderer, d) = Renderer::new(m, &site.theme, &site.highlighter, &site.assets);
            diags.extend(d);
            laps.lap("renderer");
            if diags.iter().any(Diagnostic::is_error) {
                (HashMap::new(), Vec::new())
            } else {
                render_targets(&renderer, m, &targets)
            }
        };
        laps.lap("render");
        diags.extend(d);
        let diagnostics = pipeline::finish_diagnostics(std::mem::take(diags), strict);
        if diagnostics::count(&diagnostics).0 > 0 {
            for (p, source, outline) in undo {
                let page = &mut state.site.model.pages[p];
                page.source = source;
                page.outline = outline;
            }
            return Some(Rebuild {
                diagnostics,
                ..Rebuild::failed(Vec::new(), strict, Route::Pages)
            });
        }
        // The search index embeds body text: make only these pages' documents again.
        let new_docs: Vec<(usize, Vec<u8>)> = state
            .docs
            .iter()
            .enumerate()
            .filter_map(|(i, (t, _))| match t {
                Target::Page(p) if pages.contains(p) => {
                    Some((i, crate::search::doc(m, *t).unwrap_or_default()))
                }
                _ => None,
            })
            .collect();
        // Paths, dates, titles and tags are unchanged: of the hosting files, only feeds
        // listing these pages (which quote their text) can differ.
        let extra = crate::hosting::feeds_listing(m, &pages);
        laps.lap("hosting files");
        // The last snapshot with these pages, the search index and the hosting files
        // replaced; a site's own static file of the same path still wins, as in a build.
        let minify = m.config.build.minify;
        let mut files = state.snapshot.files.clone();
        for (path, entry) in rendered {
            let hosting = extra.iter().any(|(p, _)| *p == path);
            if !site.files.contains_key(&path) && !hosting {
                files.insert(path, entry);
            }
        }
        for (path, bytes) in extra {
            if site.files.contains_key(&path) {
                continue;
            }
            let same = files
                .get(&path)
                .is_some_and(|e| !minify && e.bytes.as_slice() == bytes.as_slice());
            if !same {
                let entry = Entry::new(minified(minify, &path, bytes));
                files.insert(path, entry);
            }
        }
        laps.lap("assemble");
        let state = self.state.as_mut()?;
        for (i, doc) in new_docs {
            state.docs[i].1 = doc;
        }
        let index = crate::search::join(state.docs.iter().map(|(_, d)| d.as_slice()));
        let index_path = "search-index.json";
        files.insert(
            index_path.to_string(),
            Entry::new(minified(minify, index_path, index.clone())),
        );
        state.site.files.insert(index_path.to_string(), index);
        laps.lap("search index");
        let m = &state.site.model;
        let faces = faces_of(m, &pages);
        let digests: Vec<(String, u64)> = pages
            .iter()
            .map(|&p| {
                (
                    pipeline::output_path(&m.pages[p].path),
                    page_digest(m, &faces, p),
                )
            })
            .collect();
        state.digests.extend(digests);
        let snapshot = Arc::new(Snapshot {
            files,
            assets: state.snapshot.assets.clone(),
            pages: state.snapshot.pages,
        });
        state.snapshot = snapshot.clone();
        state.keep_outlines_of(&pages);
        laps.lap("keep");
        Some(Rebuild {
            snapshot: Some(snapshot),
            diagnostics: pipeline::finish_diagnostics(diagnostics, strict),
            edited_page: None,
            route: Route::Pages,
            rendered: pages.len(),
        })
    }
}

impl State {
    fn new(content: Content, site: Site, snapshot: Arc<Snapshot>) -> State {
        let m = &site.model;
        let targets = m.targets();
        let faces = faces(m);
        let digests = targets
            .par_iter()
            .filter_map(|&t| match t {
                Target::Page(p) => Some((
                    pipeline::output_path(&m.pages[p].path),
                    page_digest(m, &faces, p),
                )),
                _ => None,
            })
            .collect();
        let mut state = State {
            shared: digest_json(&render::shared_context(m, &site.assets)),
            docs: search_docs(m, &targets),
            digests,
            content,
            site,
            snapshot,
        };
        state.keep_outlines();
        state
    }

    /// Gives every source the outline the model scanned, so the next model build skips it.
    fn keep_outlines(&mut self) {
        let m = &self.site.model;
        for s in &mut self.content.sources {
            if s.outline.is_none()
                && let Some(p) = m.page_by_rel(&s.rel)
                && m.pages[p].source.text == s.text
            {
                s.outline = Some(m.pages[p].outline.clone());
            }
        }
    }

    fn keep_outlines_of(&mut self, pages: &[PageId]) {
        let m = &self.site.model;
        for &p in pages {
            let rel = &m.pages[p].source.rel;
            if let Some(s) = self.content.sources.iter_mut().find(|s| &s.rel == rel)
                && s.text == m.pages[p].source.text
            {
                s.outline = Some(m.pages[p].outline.clone());
            }
        }
    }
}

/// True if page `p` can take `new` as its text without anything but the page itself (and the
/// search index and feeds) changing: see the module docs.
fn body_only(m: &Model, p: PageId, new: &Source) -> bool {
    let page = &m.pages[p];
    if new.front != page.source.front || new.kind != page.kind || new.file != page.source.file {
        return false;
    }
    let scanned;
    let outline = match &new.outline {
        Some(o) => o,
        None => {
            scanned = crate::markdown::outline_of(new);
            &scanned
        }
    };
    // A title taken from the first heading.
    let first_h1 = |o: &crate::markdown::Outline| {
        o.headings
            .first()
            .filter(|h| h.level == 1)
            .map(|h| h.title.clone())
    };
    if new.front.title.is_none() && first_h1(outline) != first_h1(&page.outline) {
        return false;
    }
    // Other pages may link to any heading: each must still be there.
    if !page
        .outline
        .headings
        .iter()
        .all(|h| outline.headings.iter().any(|n| n.id == h.id))
    {
        return false;
    }
    // Links must reach the same pages (backlinks) and none may be broken (an error the model
    // route reports). A link to the page itself is checked against its old headings, so a
    // new anchor there takes the model route too.
    let mut to = Vec::new();
    for link in &outline.links {
        match m.resolve(p, &link.dest) {
            Resolved::Page { page: t, .. } if t != p => to.push(t),
            Resolved::Broken(_) => return false,
            _ => {}
        }
    }
    to.sort_unstable();
    to.dedup();
    to == page.links_to
}

/// The model's warning for `#anchor` links to a missing heading of the page itself.
fn self_anchor_warnings(m: &Model, p: PageId, diags: &mut Vec<Diagnostic>) {
    let page = &m.pages[p];
    for link in &page.outline.links {
        if let Resolved::MissingSelfAnchor(anchor) = m.resolve(p, &link.dest) {
            let line = page.source.body_line + link.line - 1;
            diags.push(
                Diagnostic::warning(format!(
                    "link to `#{anchor}`: no heading with that id on this page"
                ))
                .in_file(&page.source.file)
                .at(line, link.column, Some(&page.source.text)),
            );
        }
    }
}

/// Renders `targets` in parallel, minified as [`pipeline::render_all`] does.
fn render_targets(
    renderer: &Renderer,
    m: &Model,
    targets: &[Target],
) -> (HashMap<String, Entry>, Vec<Diagnostic>) {
    let minify = m.config.build.minify;
    type Rendered = (Option<(String, Entry)>, Vec<Diagnostic>);
    let results: Vec<Rendered> = targets
        .par_iter()
        .map(|&t| {
            let (r, d) = renderer.render(t);
            let file = r.map(|r| {
                let path = pipeline::output_path(&r.path);
                let bytes = minified(minify, &path, r.html.into_bytes());
                (path, Entry::new(bytes))
            });
            (file, d)
        })
        .collect();
    let mut files = HashMap::with_capacity(results.len());
    let mut diags = Vec::new();
    for (f, d) in results {
        files.extend(f);
        diags.extend(d);
    }
    (files, diags)
}

/// Wall time per step of a rebuild, printed to stderr when `VERSUS_SERVE_TIMINGS` is set
/// (for `scripts/bench-serve.sh` and profiling; off otherwise).
struct Laps {
    at: std::time::Instant,
    laps: Vec<(&'static str, std::time::Duration)>,
    on: bool,
}

impl Laps {
    fn start() -> Laps {
        Laps {
            at: std::time::Instant::now(),
            laps: Vec::new(),
            on: std::env::var_os("VERSUS_SERVE_TIMINGS").is_some(),
        }
    }

    fn lap(&mut self, what: &'static str) {
        if self.on {
            let now = std::time::Instant::now();
            self.laps.push((what, now - self.at));
            self.at = now;
        }
    }
}

impl Drop for Laps {
    fn drop(&mut self) {
        if self.on && !self.laps.is_empty() {
            let parts: Vec<String> = self
                .laps
                .iter()
                .map(|(w, d)| format!("{w} {:.1}", d.as_secs_f64() * 1000.0))
                .collect();
            eprintln!("timings (ms): {}", parts.join(", "));
        }
    }
}

/// [`pipeline::minified`], for bytes the snapshot will own.
fn minified(minify: bool, path: &str, bytes: Vec<u8>) -> Vec<u8> {
    pipeline::minified(minify, path, &bytes).unwrap_or(bytes)
}

/// The new snapshot: rendered targets, the old entries of targets not rendered again, the
/// site's files and the hosting files, layered in the order [`pipeline::render_all`] emits
/// them (a later file of the same path wins).
fn assemble(
    m: &Model,
    mut rendered: HashMap<String, Entry>,
    old: &Snapshot,
    old_files: &pipeline::Files,
    files: &pipeline::Files,
    assets: &pipeline::AssetNames,
    extra: Vec<(String, Vec<u8>)>,
) -> Snapshot {
    let minify = m.config.build.minify;
    let targets = m.targets();
    let mut out: HashMap<String, Entry> = HashMap::with_capacity(old.files.len() + rendered.len());
    for &t in &targets {
        let path = pipeline::output_path(&m.target_path(t));
        let entry = match rendered.remove(&path) {
            Some(e) => e,
            // Not rendered: unchanged since the last build, which wrote it.
            None => match old.files.get(&path) {
                Some(e) => e.clone(),
                None => continue,
            },
        };
        out.insert(path, entry);
    }
    for (path, bytes) in files {
        // Unchanged static files keep their entry (and are not minified again).
        let entry = match old.files.get(path) {
            Some(e) if old_files.get(path).is_some_and(|b| b == bytes) => e.clone(),
            _ => Entry::new(minified(minify, path, bytes.clone())),
        };
        out.insert(path.clone(), entry);
    }
    for (path, bytes) in &extra {
        if !files.contains_key(path) {
            let entry = match old.files.get(path) {
                Some(e) if !minify && e.bytes.as_slice() == bytes.as_slice() => e.clone(),
                _ => Entry::new(minified(minify, path, bytes.clone())),
            };
            out.insert(path.clone(), entry);
        }
    }
    Snapshot {
        files: out,
        assets: assets.clone(),
        pages: targets.len(),
    }
}

fn search_docs(m: &Model, targets: &[Target]) -> Vec<(Target, Vec<u8>)> {
    targets
        .par_iter()
        .filter_map(|&t| crate::search::doc(m, t).map(|d| (t, d)))
        .collect()
}

fn digest_json(v: &serde_json::Value) -> u64 {
    xxh3_64(&serde_json::to_vec(v).unwrap_or_default())
}

/// What other pages show of each page ([`render::summary`]), hashed.
fn faces(m: &Model) -> Vec<u64> {
    (0..m.pages.len())
        .into_par_iter()
        .map(|p| digest_json(&render::summary(m, p)))
        .collect()
}

/// [`faces`] for the pages `pages` and the pages they show, lazily enough for one page.
fn faces_of(m: &Model, pages: &[PageId]) -> Vec<u64> {
    let mut need: HashSet<PageId> = HashSet::new();
    for &p in pages {
        let page = &m.pages[p];
        need.insert(p);
        need.extend(
            page.related
                .iter()
                .chain(&page.backlinks)
                .chain(&page.children),
        );
        need.extend(page.prev.iter().chain(page.next.iter()));
    }
    (0..m.pages.len())
        .map(|p| {
            if need.contains(&p) {
                digest_json(&render::summary(m, p))
            } else {
                0
            }
        })
        .collect()
}

/// Everything page `p`'s own context is made of, hashed, given the shared context: its text,
/// its title and face, its table, the faces of the pages it lists, its sections and where its
/// links point. Two equal digests (and an equal shared context) render the same bytes.
fn page_digest(m: &Model, faces: &[u64], p: PageId) -> u64 {
    let page = &m.pages[p];
    let mut h = Xxh3::new();
    page.source.text.hash(&mut h);
    page.source.file.hash(&mut h);
    page.path.hash(&mut h);
    page.title.hash(&mut h);
    faces[p].hash(&mut h);
    page.rows.len().hash(&mut h);
    for row in &page.rows {
        let f = &m.features[row.feature];
        (&row.name, &f.name, &f.slug, &f.group, &f.description).hash(&mut h);
        row.cells.len().hash(&mut h);
        for c in &row.cells {
            match c {
                None => 0u8.hash(&mut h),
                Some(st) => {
                    let s = &m.statements[*st];
                    (1u8, s.level, &s.value, &s.note, &s.link, &s.since).hash(&mut h);
                }
            }
        }
    }
    for list in [&page.related, &page.backlinks, &page.children] {
        list.len().hash(&mut h);
        for &q in list {
            faces[q].hash(&mut h);
        }
    }
    page.prev.map(|q| faces[q]).hash(&mut h);
    page.next.map(|q| faces[q]).hash(&mut h);
    let mut up = page.section;
    let mut depth = 0;
    while let Some(s) = up {
        (&m.pages[s].title, &m.pages[s].path).hash(&mut h);
        up = m.pages[s].section;
        depth += 1;
        if depth > 64 {
            break;
        }
    }
    page.outline.links.len().hash(&mut h);
    for link in &page.outline.links {
        m.href_for(p, &link.dest).hash(&mut h);
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PathBuf {
        PathBuf::from(s)
    }

    #[test]
    fn content_paths_are_planned_as_content() {
        assert_eq!(
            plan(&[
                p("content/a.md"),
                p("content/posts/b.md"),
                p("content/a.md")
            ]),
            Plan::Content(vec!["a.md".into(), "posts/b.md".into()])
        );
        assert_eq!(
            plan(&[p("content/features.toml")]),
            Plan::Content(vec!["features.toml".into()])
        );
    }

    #[test]
    fn anything_else_is_a_full_rebuild() {
        for other in [
            "templates/base.html",
            "themes/x/templates/a.html",
            "static/style.css",
            "versus.toml",
            "highlight/x.sublime-syntax",
            "content",
        ] {
            assert_eq!(plan(&[p("content/a.md"), p(other)]), Plan::Full, "{other}");
        }
    }
}
