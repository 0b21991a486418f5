//! The build engine, shared by `versus build`, `versus check` and the preview server: a
//! loaded [`Site`] (config, content, theme, highlighter, model, static files) and an
//! [`Engine`] that renders any set of its targets — all of them for a build, the few that
//! changed for the preview — and computes their digests.
//!
//! There is one render loop and one rule for which file wins a path ([`outputs::layer`]);
//! callers differ only in which targets they ask for and where the bytes go (a staging
//! folder, or the preview's memory).
//!
//! Not here: writing files (`output`), deciding what a change needs (`serve::incremental`).

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, Content, LineDates};
use crate::diagnostics::Diagnostic;
use crate::error::Result;
use crate::highlight::{FenceInfo, HighlightOptions, Highlighter};
use crate::i18n::Strings;
use crate::model::tracked::Reads;
use crate::model::{Model, ModelOptions, Target};
use crate::outputs::{self, AssetNames, File, Origin};
use crate::pipeline::BuildOptions;
use crate::render::Renderer;
use crate::theme::Theme;
use crate::urls::output_path;

/// Everything loaded and derived from the site folder, ready to render.
pub struct Site {
    pub root: PathBuf,
    pub model: Model,
    /// A multilingual site's other languages (`[languages.<code>]`), each a model of its own
    /// pages, written under `/<code>/`.
    pub translations: Vec<Model>,
    pub theme: Arc<Theme>,
    /// Shared so that the preview server keeps its cache of highlighted blocks across rebuilds.
    pub highlighter: Arc<Highlighter>,
    pub highlight_options: HighlightOptions,
    /// Highlighted blocks stream to the next build's cache file ([`Site::finish`] closes it).
    pub streaming: bool,
    /// Logical asset name (`style.css`) → output name (`style.1a2b3c4d.css`).
    pub assets: AssetNames,
    /// Files copied as they are ([`outputs::statics`]).
    pub statics: Vec<File>,
    /// Output paths of pages a file of the site's own replaces: not rendered.
    pub shadowed: HashSet<String>,
    /// When each line of each content file was last committed (`[trust] git_dates`), read
    /// once per load and kept by the preview server (a file edited since counts as undated).
    pub line_dates: Option<Arc<LineDates>>,
    /// Wall time of the loading stages.
    pub timings: Vec<(&'static str, Duration)>,
}

/// A highlighter kept from an earlier load, with the settings it was made for.
pub type KeptHighlighter = (HighlightOptions, Arc<Highlighter>);

/// How a load treats highlighted code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeCache {
    /// `versus build`: read the previous build's cache file and stream this build's blocks
    /// to the next one (when `[highlight] cache` is on).
    Disk,
    /// The preview server: its highlighter keeps blocks in memory between rebuilds.
    Memory,
    /// `versus check`: highlight as pages are rendered, keep nothing.
    None,
}

impl Site {
    /// Loads config, content (unless given, already read, with its diagnostics), theme and
    /// highlighter (reusing `previous` when its settings are unchanged, so the preview server
    /// highlights only code that changed), and builds the model. Fails only on I/O problems
    /// of the site folder; everything else is in the diagnostics.
    ///
    /// While the model is built (mostly one core's work), the code blocks of every page are
    /// highlighted on the other cores into the highlighter's cache (`code`), so that rendering
    /// finds them done.
    pub fn load(
        opts: &BuildOptions,
        previous: Option<&KeptHighlighter>,
        content: Option<(Content, Vec<Diagnostic>)>,
        code: CodeCache,
    ) -> Result<(Site, Vec<Diagnostic>)> {
        let root = &opts.root;
        let (mut config, mut diags) = Config::load(root);
        if let Some(url) = &opts.base_url {
            config.override_base_url(url);
        }
        let t = Instant::now();
        // The theme's templates are parsed (and the syntax definitions loaded, below) while
        // the content is read: at a thousand pages that start is a tenth of a build.
        let (content, (theme, theme_diags)) = rayon::join(
            || match content {
                Some(c) => Ok(c),
                None => content::load(root),
            },
            || Theme::load(root, &config.theme),
        );
        let (content, d) = content?;
        let mut timings = vec![("read content and theme", t.elapsed())];
        diags.extend(d);
        diags.extend(theme_diags);
        let (strings, d) = Strings::load(&config.language, &theme.i18n);
        diags.extend(d);
        let strings = Arc::new(strings);
        let codes: Vec<String> = config.languages.keys().cloned().collect();
        let mut languages = Vec::new();
        for code in &codes {
            let (s, d) = Strings::load(code, &theme.i18n);
            diags.extend(d);
            languages.push((config.for_language(code), Arc::new(s)));
        }
        let (highlighter, highlight_options) = highlighter(root, &config, previous, &mut diags);
        let streaming = code == CodeCache::Disk && config.highlight.cache && {
            let path = crate::pipeline::highlight_cache_path(root);
            // Best effort: a missing, stale or corrupt cache is not used, and a read-only
            // site folder only loses the speed-up of the next build.
            let _ = highlighter.load_cache(&path);
            highlighter.start_cache(&path).is_ok()
        };
        let t = Instant::now();
        let line_dates = config
            .trust
            .git_dates
            .then(|| Arc::new(LineDates::read(root, &content.sources, &content.data)));
        if line_dates.is_some() {
            timings.push(("git dates", t.elapsed()));
        }
        let t = Instant::now();
        let drafts = opts.drafts;
        // The model takes the sources; the highlighting pass shares their text (each file's
        // is behind an `Arc`) and reads the bodies from where they start.
        let bodies: Vec<(Arc<str>, usize)> = if streaming || code == CodeCache::Memory {
            content
                .sources
                .iter()
                .filter(|s| drafts || !s.front.draft)
                .map(|s| (Arc::clone(&s.text), s.body_start))
                .collect()
        } else {
            Vec::new()
        };
        let model_options = ModelOptions {
            drafts,
            line_dates: line_dates.clone(),
            strings,
            root_base_path: None,
        };
        let code_refs: Vec<&str> = codes.iter().map(String::as_str).collect();
        let (content, translated) = content::languages::split(content, &code_refs);
        let root_base_path = config.base_path();
        let ((model, d), ()) = rayon::join(
            || Model::build(config, content, model_options),
            || highlight_code(&bodies, &highlighter),
        );
        // A build's highlighting is done: the per-thread line caches (~8 MB a thread) are
        // freed for the pages to use. The preview server keeps them for its next rebuild.
        if code != CodeCache::Memory {
            crate::highlight::release_line_caches();
            crate::alloc::give_back_freed();
        }
        diags.extend(d);
        let mut translations = Vec::new();
        for ((_, content), (config, strings)) in translated.into_iter().zip(languages) {
            let options = ModelOptions {
                drafts,
                line_dates: line_dates.clone(),
                strings,
                root_base_path: Some(root_base_path.clone()),
            };
            let (m, d) = Model::build(config, content, options);
            diags.extend(d);
            translations.push(m);
        }
        let (model, translations) = link_languages(model, translations);
        timings.push(("build model (and highlight)", t.elapsed()));
        let t = Instant::now();
        let mut site = Site {
            root: root.clone(),
            model,
            translations,
            theme: Arc::new(theme),
            highlighter,
            highlight_options,
            streaming,
            assets: AssetNames::new(),
            statics: Vec::new(),
            shadowed: HashSet::new(),
            line_dates,
            timings,
        };
        diags.extend(site.collect_statics());
        site.timings.push(("static files", t.elapsed()));
        Ok((site, diags))
    }

    /// The same site (config, theme, highlighter) with the model built from `content`: what
    /// the preview server does when only files under `content/` changed.
    pub fn with_content(&self, content: Content, drafts: bool) -> (Site, Vec<Diagnostic>) {
        let options = ModelOptions {
            drafts,
            line_dates: self.line_dates.clone(),
            strings: Arc::clone(&self.model.strings),
            root_base_path: None,
        };
        let (model, mut diags) =
            Model::rebuild(self.model.config.clone(), content, options, &self.model);
        let mut site = Site {
            root: self.root.clone(),
            model,
            translations: Vec::new(),
            theme: Arc::clone(&self.theme),
            highlighter: Arc::clone(&self.highlighter),
            highlight_options: self.highlight_options.clone(),
            streaming: false,
            assets: AssetNames::new(),
            statics: Vec::new(),
            shadowed: HashSet::new(),
            line_dates: self.line_dates.clone(),
            timings: Vec::new(),
        };
        diags.extend(site.collect_statics());
        (site, diags)
    }

    /// Closes the highlight cache file this build streamed, if any.
    pub fn finish(&self) {
        if self.streaming {
            let _ = self.highlighter.finish_cache();
        }
    }

    fn collect_statics(&mut self) -> Vec<Diagnostic> {
        let fingerprint = self.model.config.build.fingerprint;
        let (assets, statics, diags) =
            outputs::statics::collect(&self.model, &self.theme, &self.highlighter, fingerprint);
        let pages: Vec<String> = self
            .model
            .targets()
            .into_iter()
            .map(|t| output_path(&self.model.target_path(t)))
            .collect();
        let (_, shadowed) = outputs::layer(&statics, pages.iter().map(String::as_str));
        self.shadowed = shadowed.into_iter().collect();
        self.assets = assets;
        self.statics = statics;
        diags
    }

    /// Every target whose page is written (all but those a site file replaces).
    pub fn targets(&self) -> Vec<Target> {
        let mut targets = self.model.targets();
        if !self.shadowed.is_empty() {
            targets.retain(|&t| {
                !self
                    .shadowed
                    .contains(&output_path(&self.model.target_path(t)))
            });
        }
        targets
    }
}

/// Tells every language's model of all the languages and the pages each has, for `hreflang`
/// links and the language switcher (a site with one language has none).
fn link_languages(mut main: Model, mut others: Vec<Model>) -> (Model, Vec<Model>) {
    if others.is_empty() {
        return (main, others);
    }
    let alternate = |m: &Model| crate::model::Alternate {
        code: m.config.language.clone(),
        name: m.strings.language_name(),
        base_url: m.config.base_url.clone(),
        base_path: m.base_path.clone(),
        paths: m
            .targets()
            .into_iter()
            .filter(|t| t.page_no() == 0)
            .map(|t| m.target_path(t))
            .collect(),
    };
    let all = Arc::new(
        std::iter::once(&main)
            .chain(&others)
            .map(alternate)
            .collect::<Vec<_>>(),
    );
    main.alternates = Arc::clone(&all);
    for m in &mut others {
        m.alternates = Arc::clone(&all);
    }
    (main, others)
}

/// Highlights every fenced code block of `bodies` into the highlighter's cache, on all cores.
/// Rendering meets the same blocks (same fence, same code) and finds them done.
fn highlight_code(bodies: &[(Arc<str>, usize)], highlighter: &Highlighter) {
    // Every block is found first, then highlighted a language at a time: rayon hands each
    // thread a run of neighbouring blocks, so a thread's line cache holds the lines of the
    // few languages it is given instead of all of them (10% fewer lines parsed; 11% less
    // CPU for a whole build, at 1,000 and 10,000 pages). Stable: within a language, blocks
    // keep the pages' order.
    let mut blocks: Vec<(FenceInfo, String)> = bodies
        .par_iter()
        .flat_map_iter(|(text, start)| {
            let blocks = crate::markdown::code_blocks(&text[*start..]);
            blocks
                .into_iter()
                .map(|(info, code)| (crate::highlight::parse_fence_info(&info), code))
        })
        .collect();
    blocks.sort_by(|a, b| a.0.lang.cmp(&b.0.lang));
    // Each block's code is freed once it is highlighted.
    blocks.into_par_iter().for_each(|(fence, code)| {
        highlighter.render_block(&fence, &code);
    });
}

/// The highlighter for the site's settings: `previous` when they are unchanged (and the site
/// has no syntax folder of its own, whose files may have changed), else a new one.
fn highlighter(
    root: &std::path::Path,
    config: &Config,
    previous: Option<&KeptHighlighter>,
    diags: &mut Vec<Diagnostic>,
) -> (Arc<Highlighter>, HighlightOptions) {
    let extra_dir = root.join("highlight");
    let options = HighlightOptions {
        theme: config.highlight.theme.clone(),
        dark_theme: config.highlight.dark_theme.clone(),
        extra_dir: extra_dir.is_dir().then_some(extra_dir),
        max_block_bytes: config.highlight.max_block_bytes,
        time_budget_ms: config.highlight.time_budget_ms,
    };
    let reusable = previous.filter(|(o, _)| *o == options && options.extra_dir.is_none());
    let h = match reusable {
        Some((_, h)) => Arc::clone(h),
        None => {
            let (h, warnings) = Highlighter::new(options.clone());
            diags.extend(
                warnings
                    .into_iter()
                    .map(|w| Diagnostic::warning(w).in_file(crate::config::CONFIG_FILE)),
            );
            Arc::new(h)
        }
    };
    (h, options)
}

/// Progress callback: (done, total) pages.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Where rendered and generated files go: output path and bytes.
pub type Emit<'a> = &'a (dyn Fn(&str, Vec<u8>) -> Result<()> + Sync);

/// Renders targets of one [`Site`], in its main language or one of its others.
pub struct Engine<'s> {
    pub site: &'s Site,
    /// The language's model: `site.model`, or one of `site.translations`.
    model: &'s Model,
    /// Where the language's files go: `""`, or `de/`.
    prefix: String,
    renderer: Renderer<'s>,
}

impl<'s> Engine<'s> {
    /// Parses the templates. Template syntax errors come back as diagnostics; with errors
    /// the engine renders nothing.
    pub fn new(site: &'s Site) -> (Engine<'s>, Vec<Diagnostic>) {
        Engine::for_model(site, &site.model, String::new())
    }

    /// The engine of the site's other language `site.translations[i]`, writing under
    /// `<code>/`.
    pub fn translation(site: &'s Site, i: usize) -> (Engine<'s>, Vec<Diagnostic>) {
        let model = &site.translations[i];
        Engine::for_model(site, model, format!("{}/", model.config.language))
    }

    fn for_model(
        site: &'s Site,
        model: &'s Model,
        prefix: String,
    ) -> (Engine<'s>, Vec<Diagnostic>) {
        let (renderer, diags) = Renderer::new(model, &site.theme, &site.highlighter, &site.assets);
        (
            Engine {
                site,
                model,
                prefix,
                renderer,
            },
            diags,
        )
    }

    /// The targets this engine renders: the site's (less those a file of its own replaces),
    /// or every target of another language.
    pub fn targets(&self) -> Vec<Target> {
        if self.prefix.is_empty() {
            self.site.targets()
        } else {
            self.model.targets()
        }
    }

    /// Renders `targets` in parallel, minified when the site minifies, handing each file to
    /// `emit` as soon as it is ready (so a big site is never held in memory whole).
    pub fn render(
        &self,
        targets: &[Target],
        emit: Emit,
        progress: Progress,
    ) -> Result<Vec<Diagnostic>> {
        let minify = self.site.model.config.build.minify;
        let total = targets.len();
        let done = AtomicUsize::new(0);
        // Heaviest first: a page gathering thousands of statements takes as long as hundreds
        // of articles, and rendered last it left one core idle while the other finished it.
        let mut targets = targets.to_vec();
        let weights = self.model.render_weights();
        targets.sort_by_cached_key(|&t| std::cmp::Reverse(weights.of(t)));
        let results: Vec<Result<Vec<Diagnostic>>> = targets
            .par_iter()
            .map(|&t| {
                let (rendered, d) = self.renderer.render(t);
                if let Some(r) = rendered {
                    let path = format!("{}{}", self.prefix, output_path(&r.path));
                    emit(&path, minified(minify, &path, r.html.into_bytes()))?;
                }
                progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
                Ok(d)
            })
            .collect();
        let mut diags = Vec::new();
        for r in results {
            diags.extend(r?);
        }
        Ok(diags)
    }

    /// The digest of each target with what it read of the model ([`Renderer::digest`]), in
    /// parallel.
    pub fn digests(&self, targets: &[Target]) -> Vec<(u64, Reads)> {
        targets
            .par_iter()
            .map(|&t| self.renderer.digest(t))
            .collect()
    }

    /// Makes every generated file and writes it, then the static files, through `emit`, one
    /// file at a time (a big comparison's exports are never all in memory): the same files
    /// as [`Engine::files`] for [`outputs::generate`]'s, by the same precedence. Returns how
    /// many files were written, and the generators' diagnostics.
    pub fn emit_files(
        &self,
        kept: &mut outputs::Kept,
        emit: Emit,
    ) -> Result<(usize, Vec<Diagnostic>)> {
        let minify = self.site.model.config.build.minify;
        if !self.prefix.is_empty() {
            return self.emit_translation_files(kept, emit);
        }
        let m = &self.site.model;
        let pages = self.page_paths();
        let site_files: HashSet<&str> = self
            .site
            .statics
            .iter()
            .filter(|f| f.origin == Origin::Site)
            .map(|f| f.path.as_str())
            .collect();
        let mut generated: HashSet<String> = HashSet::new();
        let mut failed = None;
        let diags = outputs::generate_each(m, outputs::Change::All, kept, &mut |path, bytes| {
            if failed.is_some() || pages.contains(&path) || site_files.contains(path.as_str()) {
                return;
            }
            if let Err(e) = emit(&path, minified(minify, &path, bytes)) {
                failed = Some(e);
            }
            generated.insert(path);
        });
        if let Some(e) = failed {
            return Err(e);
        }
        let (statics, _) = outputs::layer(&self.site.statics, pages.iter().map(String::as_str));
        let mut written = generated.len();
        for f in statics {
            if f.origin == Origin::Theme && generated.contains(&f.path) {
                continue;
            }
            emit(&f.path, minified(minify, &f.path, f.bytes.clone()))?;
            written += 1;
        }
        Ok((written, diags))
    }

    /// [`Engine::emit_files`] for another language: only its generated files, under its
    /// folder, without a `robots.txt` of its own; the static files
    /// are the site's, once, at its root.
    fn emit_translation_files(
        &self,
        kept: &mut outputs::Kept,
        emit: Emit,
    ) -> Result<(usize, Vec<Diagnostic>)> {
        let minify = self.site.model.config.build.minify;
        let mut written = 0;
        let mut failed = None;
        let diags = outputs::generate_each(
            self.model,
            outputs::Change::All,
            kept,
            &mut |path, bytes| {
                if failed.is_some() || path == "robots.txt" {
                    return;
                }
                let path = format!("{}{path}", self.prefix);
                match emit(&path, minified(minify, &path, bytes)) {
                    Ok(()) => written += 1,
                    Err(e) => failed = Some(e),
                }
            },
        );
        match failed {
            Some(e) => Err(e),
            None => Ok((written, diags)),
        }
    }

    /// The main language's non-page files, for the preview's snapshot: statics and generated
    /// files that win their path (never over a page: a generated file at a page's path
    /// loses), minified when the site minifies.
    /// The bytes are borrowed unless minified: a big site's generated files (exports, search
    /// shards) are held once, not copied again before they are written.
    pub fn files<'a>(&'a self, generated: &'a [File]) -> Vec<(&'a str, Cow<'a, [u8]>)> {
        let minify = self.site.model.config.build.minify;
        let pages = self.page_paths();
        let (won, _) = outputs::layer(
            self.site.statics.iter().chain(generated),
            pages.iter().map(String::as_str),
        );
        won.into_iter()
            .map(|f| {
                let bytes = match minify {
                    true => Cow::Owned(minified(true, &f.path, f.bytes.clone())),
                    false => Cow::Borrowed(f.bytes.as_slice()),
                };
                (f.path.as_str(), bytes)
            })
            .collect()
    }

    /// The output paths of the main language's pages: no other file may take one.
    fn page_paths(&self) -> HashSet<String> {
        let m = &self.site.model;
        self.site
            .targets()
            .into_iter()
            .map(|t| output_path(&m.target_path(t)))
            .collect()
    }
}

/// The bytes to write: minified when the site minifies and the file is of a kind that is.
pub fn minified(minify: bool, path: &str, bytes: Vec<u8>) -> Vec<u8> {
    if !minify {
        return bytes;
    }
    outputs::minify::minify(path, &bytes).unwrap_or(bytes)
}
