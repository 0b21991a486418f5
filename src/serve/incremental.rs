//! Incremental rebuilds for `versus serve`: after a save, do only the work that save needs,
//! and publish a snapshot equal, byte for byte, to what a full `versus build` would write.
//!
//! This module only routes: reading, the model, rendering, digests and the files besides
//! pages all come from the same engine `versus build` uses ([`crate::engine`],
//! [`crate::outputs`]). The [`Builder`] lives on the rebuild thread and keeps, between
//! rebuilds, what the last good build read and made: the [`Content`] (with each body's
//! outline), the [`Site`], the published [`Snapshot`], the digest of every target and the
//! generators' kept state. HTTP workers only ever see published snapshots. Each batch of
//! changed paths takes one of three routes:
//!
//! - **full** — anything outside `content/` changed (themes' static files and translations,
//!   static files, `versus.toml`, `highlight/`), `content/` itself or a folder in it was
//!   reported, or there is no good build to start from: the whole pipeline runs, as
//!   `versus build` does.
//! - **templates** — only templates changed (`templates/`, `themes/<name>/templates/`): what
//!   pages show is as it was, so the content is not read again nor the model rebuilt; the
//!   templates are read again and every page is rendered with them; the files besides pages
//!   (made from the model) and every target's digest (of what a template is given, not of
//!   the template) stand. Reports what reading and rendering found, as the pages route does.
//! - **model** — files under `content/` were added, removed, renamed, or had their front
//!   matter, features.toml or assets changed: only the changed files are read again
//!   ([`crate::content::reload`]), the model is rebuilt from them (outlines of unchanged
//!   files are reused), and only targets whose digest ([`Engine::digests`]: a hash of exactly
//!   what the template would see) changed are rendered. When the context every target
//!   shares (`site`, `config`) changed, everything is rendered.
//! - **pages** — only the bodies of existing pages changed, in ways nothing else shows
//!   ([`Model::replace_body`] decides and swaps the text in): only those pages are
//!   rendered, and only the generated files that hold page text are made again
//!   ([`outputs::Change::Text`]: the search index, feeds listing the pages).
//!
//! A batch whose files, read again, hold what they held (a save without an edit; an
//! editor's save reported in two batches, the second finding nothing new) is reported as
//! such ("files unchanged") and renders nothing.
//!
//! A failed build keeps the last good state; the paths it was given are kept too and handed
//! to the next rebuild, so a later save never builds on a stale read.
//!
//! Not here: which route a batch of paths asks for ([`super::plan`]), watching files, HTTP,
//! the diff that tells browsers what to reload ([`super::snapshot::diff`]).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::assemble::{
    all_digests, assemble, changed_targets, into_entries, render, shared_digest,
};
use super::laps::Laps;
use super::plan::{Plan, plan};
use super::snapshot::{Entry, Snapshot};
use crate::content::{self, Content};
use crate::diagnostics::{self, Diagnostic};
use crate::engine::{CodeCache, Engine, KeptHighlighter, Site};
use crate::error::Result;
use crate::model::tracked::Reads;
use crate::model::{Model, OldBody, PageId, Target};
use crate::outputs::{self, Change, Kept, Origin};
use crate::pipeline::{self, BuildOptions};
use crate::theme::Theme;
use crate::urls::output_path;

/// Which route a rebuild took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Full,
    Templates,
    Model,
    Pages,
    /// The files reported hold what was read last time (a save without an edit, or a
    /// second report of a save already read): nothing was rebuilt.
    Unchanged,
}

impl Route {
    pub fn describe(self) -> &'static str {
        match self {
            Route::Full => "full rebuild",
            Route::Templates => "templates changed: every page rendered",
            Route::Model => "content changed: model rebuilt",
            Route::Pages => "page text changed",
            Route::Unchanged => "files unchanged",
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
    /// Digest of [`shared_context`].
    shared: u64,
    /// Output path of every target → its digest, and what computing it read of the model.
    digests: HashMap<String, (u64, Reads)>,
    /// Set by the full route, which leaves computing `digests` to [`Builder::settle`]: only
    /// the next rebuild needs them, not the reload the full route's pages are for.
    digests_pending: bool,
    /// What the generators of non-page files keep between runs.
    kept: Kept,
}

/// Builds the site again and again, as cheaply as each change allows.
pub struct Builder {
    opts: BuildOptions,
    state: Option<State>,
    /// Paths of failed rebuilds, handed to the next one.
    pending: Vec<PathBuf>,
    highlighter: Option<KeptHighlighter>,
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

    /// Finishes what a rebuild left for later (every target's digest after the full route);
    /// the server calls it once the rebuild is published, and every rebuild calls it first.
    pub fn settle(&mut self) {
        if let Some(state) = self.state.as_mut()
            && state.digests_pending
        {
            let mut laps = Laps::start();
            let (engine, _) = Engine::new(&state.site);
            state.digests = all_digests(&engine);
            state.digests_pending = false;
            laps.lap("digests (settled after publishing)");
        }
    }

    /// Rebuilds after `paths` (relative to the site root) changed; `&[]` builds everything.
    pub fn rebuild(&mut self, paths: &[PathBuf]) -> Result<Rebuild> {
        self.settle();
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
            Plan::Full | Plan::Templates => Vec::new(),
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
        // A multilingual site is rebuilt whole: its languages' models share subjects.
        let multilingual = self
            .state
            .as_ref()
            .is_some_and(|s| !s.site.translations.is_empty());
        let incremental = !first && self.state.is_some() && !multilingual;
        let rels = match plan(paths) {
            Plan::Content(rels) if incremental => rels,
            Plan::Templates if incremental => return self.templates(),
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
                route: Route::Unchanged,
                rendered: 0,
            });
        }
        if !reloaded.structural && !diags.iter().any(Diagnostic::is_error) {
            match self.pages(&reloaded.modified, diags) {
                Ok(r) => return Ok(r),
                Err(d) => diags = d,
            }
        }
        self.model(diags)
    }

    /// The whole pipeline, keeping what the next rebuilds start from.
    fn full(&mut self) -> Result<Rebuild> {
        self.state = None;
        let mut laps = Laps::start();
        let opts = &self.opts;
        let (content, content_diags) = content::load(&opts.root)?;
        let kept_content = content.clone();
        let (site, mut diags) = Site::load(
            opts,
            self.highlighter.as_ref(),
            Some((content, content_diags)),
            CodeCache::Memory,
        )?;
        self.highlighter = Some((
            site.highlight_options.clone(),
            Arc::clone(&site.highlighter),
        ));
        laps.lap("load");
        if diags.iter().any(Diagnostic::is_error) {
            return Ok(Rebuild::failed(diags, opts.strict, Route::Full));
        }
        let (rendered, files) = into_entries(|emit| {
            pipeline::render_all(&site, Kept::for_preview(), emit, &|_, _| {})
        })?;
        laps.lap("render");
        diags.extend(rendered.diagnostics);
        let diagnostics = pipeline::finish_diagnostics(diags, opts.strict);
        if diagnostics::count(&diagnostics).0 > 0 {
            return Ok(Rebuild {
                diagnostics,
                ..Rebuild::failed(Vec::new(), opts.strict, Route::Full)
            });
        }
        let snapshot = Arc::new(Snapshot {
            files,
            assets: site.assets.clone(),
            pages: rendered.pages,
        });
        let shared = shared_digest(&site);
        self.state = Some(State {
            content: kept_content,
            site,
            snapshot: snapshot.clone(),
            shared,
            digests: HashMap::new(),
            digests_pending: true,
            kept: rendered.kept,
        });
        if let Some(state) = &mut self.state {
            state.keep_outlines();
        }
        Ok(Rebuild {
            snapshot: Some(snapshot),
            diagnostics,
            edited_page: None,
            route: Route::Full,
            rendered: rendered.pages,
        })
    }

    /// The templates route: the templates read again, every page rendered with them.
    fn templates(&mut self) -> Result<Rebuild> {
        let strict = self.opts.strict;
        let mut laps = Laps::start();
        let Some(state) = self.state.as_mut() else {
            return self.full();
        };
        let (theme, mut diags) = Theme::load(&self.opts.root, &state.site.model.config.theme);
        laps.lap("read templates");
        // Swapped in for this render, and back out if it fails: the state stays the last good.
        let old = std::mem::replace(&mut state.site.theme, Arc::new(theme));
        // Only pages: the files besides them (exports, search index, feeds…) are made from
        // the model, which has not changed, so the last snapshot's stand.
        let (engine, d) = Engine::new(&state.site);
        diags.extend(d);
        let targets = state.site.targets();
        let rendered = if diags.iter().any(Diagnostic::is_error) {
            Ok(HashMap::new())
        } else {
            render(&engine, &targets, &mut diags)
        };
        drop(engine);
        laps.lap("render");
        let rendered = match rendered {
            Ok(rendered) => rendered,
            Err(e) => {
                state.site.theme = old;
                return Err(e);
            }
        };
        let diagnostics = pipeline::finish_diagnostics(diags, strict);
        if diagnostics::count(&diagnostics).0 > 0 {
            state.site.theme = old;
            return Ok(Rebuild {
                diagnostics,
                ..Rebuild::failed(Vec::new(), strict, Route::Templates)
            });
        }
        let mut files = state.snapshot.files.clone();
        files.extend(rendered);
        let snapshot = Arc::new(Snapshot {
            files,
            assets: state.snapshot.assets.clone(),
            pages: targets.len(),
        });
        state.snapshot = snapshot.clone();
        Ok(Rebuild {
            snapshot: Some(snapshot),
            diagnostics,
            edited_page: None,
            route: Route::Templates,
            rendered: targets.len(),
        })
    }

    /// The model route: rebuild the model from the reloaded content, render what changed.
    fn model(&mut self, mut diags: Vec<Diagnostic>) -> Result<Rebuild> {
        let strict = self.opts.strict;
        let mut laps = Laps::start();
        let Some(state) = self.state.as_mut() else {
            return self.full();
        };
        let (site, d) = state
            .site
            .with_content(state.content.clone(), self.opts.drafts);
        diags.extend(d);
        laps.lap("model");
        if diags.iter().any(Diagnostic::is_error) {
            return Ok(Rebuild::failed(diags, strict, Route::Model));
        }
        let (engine, d) = Engine::new(&site);
        diags.extend(d);
        if diags.iter().any(Diagnostic::is_error) {
            return Ok(Rebuild::failed(diags, strict, Route::Model));
        }
        let shared = shared_digest(&site);
        let everything = shared != state.shared || site.assets != state.site.assets;
        let targets = site.targets();
        let paths: Vec<String> = targets
            .iter()
            .map(|&t| output_path(&site.model.target_path(t)))
            .collect();
        let changes = site.model.changes(&state.site.model);
        laps.lap("changes");
        // What the generators kept from the last good build is handed over, and lost if
        // this build fails: the next one then starts from nothing, never from a model that
        // was not published.
        let mut kept = std::mem::replace(&mut state.kept, Kept::for_preview());
        let change = changes.as_ref().map_or(Change::All, Change::Items);
        // The generated files need only the model: they are made while the digests are
        // computed and the pages whose digest changed render, so both cores stay busy.
        let mut render_diags = Vec::new();
        let ((generated, d), pages) = rayon::join(
            || outputs::generate(&site.model, change, &mut kept),
            || {
                let (to_render, digests) = changed_targets(
                    &engine,
                    (&state.digests, changes.as_ref()),
                    (&targets, &paths),
                    everything,
                    laps.on,
                );
                render(&engine, &to_render, &mut render_diags)
                    .map(|rendered| (rendered, to_render.len(), digests))
            },
        );
        let (rendered, rendered_count, digests) = pages?;
        diags.extend(render_diags);
        diags.extend(d);
        laps.lap("digests, render and generated files");
        let diagnostics = pipeline::finish_diagnostics(diags, strict);
        if diagnostics::count(&diagnostics).0 > 0 {
            return Ok(Rebuild {
                diagnostics,
                ..Rebuild::failed(Vec::new(), strict, Route::Model)
            });
        }
        let snapshot = Arc::new(assemble(
            &engine,
            &paths,
            rendered,
            &generated,
            (&state.snapshot, &state.site.statics),
        ));
        laps.lap("assemble");
        drop(engine);
        let old_site = std::mem::replace(&mut state.site, site);
        let old_digests = std::mem::replace(&mut state.digests, digests);
        // Freeing the last model (hundreds of thousands of allocations at 10k pages) is
        // nobody's wait.
        std::thread::spawn(move || drop((old_site, old_digests)));
        state.snapshot = snapshot.clone();
        state.shared = shared;
        state.kept = kept;
        state.keep_outlines();
        laps.lap("keep");
        Ok(Rebuild {
            snapshot: Some(snapshot),
            diagnostics,
            edited_page: None,
            route: Route::Model,
            rendered: rendered_count,
        })
    }

    /// The pages route: only bodies changed, in ways nothing else shows. `Err` (with the
    /// diagnostics handed back) when some change is more than that, or when rendering the
    /// edited pages failed: the caller then takes the model route.
    fn pages(
        &mut self,
        modified: &[String],
        mut diags: Vec<Diagnostic>,
    ) -> std::result::Result<Rebuild, Vec<Diagnostic>> {
        let strict = self.opts.strict;
        let mut laps = Laps::start();
        let Some(state) = self.state.as_mut() else {
            return Err(diags);
        };
        // Swap each new text in; undone if any is more than a body edit or rendering fails,
        // so the state stays the last good one.
        let mut swapped: Vec<(PageId, _)> = Vec::new();
        let mut found = Vec::new();
        for rel in modified {
            let m = &mut state.site.model;
            let new = m.page_by_rel(rel).and_then(|p| {
                state
                    .content
                    .sources
                    .iter()
                    .find(|s| &s.rel == rel)
                    .map(|s| (p, s))
            });
            let Some((p, source)) = new else {
                undo(&mut state.site.model, swapped);
                return Err(diags);
            };
            match m.replace_body(p, source.clone(), &mut found) {
                Some(old) => swapped.push((p, old)),
                None => {
                    undo(&mut state.site.model, swapped);
                    return Err(diags);
                }
            }
        }
        diags.extend(found);
        laps.lap("check");
        let pages: Vec<PageId> = swapped.iter().map(|(p, _)| *p).collect();
        let targets: Vec<Target> = pages.iter().map(|&p| Target::Page(p, 0)).collect();
        let site = &state.site;
        let (engine, d) = Engine::new(site);
        diags.extend(d);
        let rendered = render(&engine, &targets, &mut diags).unwrap_or_default();
        laps.lap("render");
        let digests = engine.digests(&targets);
        drop(engine);
        let diagnostics = pipeline::finish_diagnostics(diags, strict);
        if diagnostics::count(&diagnostics).0 > 0 {
            undo(&mut state.site.model, swapped);
            return Ok(Rebuild {
                diagnostics,
                ..Rebuild::failed(Vec::new(), strict, Route::Pages)
            });
        }
        let (generated, _) =
            outputs::generate(&state.site.model, Change::Text(&pages), &mut state.kept);
        laps.lap("generated files");
        // The last snapshot with these pages and the regenerated files replaced, each only
        // where it wins its path ([`outputs::layer`]).
        let minify = state.site.model.config.build.minify;
        let mut files = state.snapshot.files.clone();
        files.extend(rendered);
        let (won, _) = outputs::layer(state.site.statics.iter().chain(&generated), []);
        for f in won.into_iter().filter(|f| f.origin == Origin::Generated) {
            if generated.iter().any(|g| g.path == f.path) {
                let bytes = crate::engine::minified(minify, &f.path, f.bytes.clone());
                files.insert(f.path.clone(), Entry::new(bytes));
            }
        }
        for (t, d) in targets.iter().zip(digests) {
            let path = output_path(&state.site.model.target_path(*t));
            state.digests.insert(path, d);
        }
        let snapshot = Arc::new(Snapshot {
            files,
            assets: state.snapshot.assets.clone(),
            pages: state.snapshot.pages,
        });
        state.snapshot = snapshot.clone();
        state.keep_outlines_of(&pages);
        laps.lap("assemble");
        Ok(Rebuild {
            snapshot: Some(snapshot),
            diagnostics,
            edited_page: None,
            route: Route::Pages,
            rendered: pages.len(),
        })
    }
}

/// Puts back the texts [`Model::replace_body`] swapped out.
fn undo(m: &mut Model, swapped: Vec<(PageId, OldBody)>) {
    for (p, old) in swapped.into_iter().rev() {
        m.restore_body(p, old);
    }
}

impl State {
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
