//! The build pipeline, stage by stage: load content → build the model → render Markdown and
//! templates → write. `versus build` runs [`build`]; `versus check` runs the same stages and
//! writes nothing; the preview server calls [`load_site_reusing`] and [`render_all`] itself so that
//! it can keep the result in memory, reuse the highlighter and tell browsers which pages changed.
//!
//! This module wires the stages together and owns no rules of its own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::content;
use crate::diagnostics::{self, Diagnostic, Severity};
use crate::error::{Error, Result};
use crate::highlight::{HighlightOptions, Highlighter};
use crate::hosting;
use crate::model::{Model, ModelOptions};
use crate::output::{self, Staging};
use crate::render::Renderer;
use crate::theme::Theme;
use crate::urls::output_path;

/// What `versus build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Overrides `output_dir` from versus.toml (relative to the current directory).
    pub output: Option<PathBuf>,
    /// Overrides `base_url` from versus.toml.
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Warnings fail the build.
    pub strict: bool,
}

/// Everything loaded and derived from the site folder, ready to render.
pub struct Site {
    pub root: PathBuf,
    pub model: Model,
    pub theme: Theme,
    /// Shared so that the preview server keeps its cache of highlighted blocks across rebuilds.
    pub highlighter: Arc<Highlighter>,
    pub highlight_options: HighlightOptions,
    /// Logical asset name (`style.css`) → output name (`style.1a2b3c4d.css`).
    pub assets: BTreeMap<String, String>,
    /// Files copied or generated as they are: output path → bytes.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Wall time of the loading stages.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Loads config, content, theme and builds the model. Fails only on I/O problems of the site
/// folder; everything else is in the diagnostics.
pub fn load_site(opts: &BuildOptions) -> Result<(Site, Vec<Diagnostic>)> {
    load_site_reusing(opts, None)
}

/// A highlighter kept from an earlier load, with the settings it was made for.
pub type KeptHighlighter = (HighlightOptions, Arc<Highlighter>);

/// Like [`load_site`], but reuses an earlier highlighter (and so its cache of highlighted
/// blocks) when the highlight settings are unchanged: the preview server's rebuilds then
/// highlight only code that changed.
pub fn load_site_reusing(
    opts: &BuildOptions,
    previous: Option<&KeptHighlighter>,
) -> Result<(Site, Vec<Diagnostic>)> {
    load_site_with_content(opts, previous, None)
}

/// Like [`load_site_reusing`], with `content/` already read (with its diagnostics) when
/// `content` is given: the preview server keeps what it read to reload only changed files.
pub fn load_site_with_content(
    opts: &BuildOptions,
    previous: Option<&KeptHighlighter>,
    content: Option<(content::Content, Vec<Diagnostic>)>,
) -> Result<(Site, Vec<Diagnostic>)> {
    let root = &opts.root;
    let (mut config, mut diags) = Config::load(root);
    if let Some(url) = &opts.base_url {
        config.override_base_url(url);
    }
    let t = Instant::now();
    let (content, d) = match content {
        Some(c) => c,
        None => content::load(root)?,
    };
    let mut timings = vec![("read content", t.elapsed())];
    diags.extend(d);
    let (theme, d) = Theme::load(root, &config.theme);
    diags.extend(d);
    let extra_dir = root.join("highlight");
    let highlight_options = HighlightOptions {
        theme: config.highlight.theme.clone(),
        dark_theme: config.highlight.dark_theme.clone(),
        extra_dir: extra_dir.is_dir().then_some(extra_dir),
        max_block_bytes: config.highlight.max_block_bytes,
        time_budget_ms: config.highlight.time_budget_ms,
    };
    // A site's own syntax files may have changed even when the settings did not.
    let reusable =
        previous.filter(|(o, _)| *o == highlight_options && highlight_options.extra_dir.is_none());
    let highlighter = match reusable {
        Some((_, h)) => Arc::clone(h),
        None => {
            let (h, warnings) = Highlighter::new(highlight_options.clone());
            diags.extend(
                warnings
                    .into_iter()
                    .map(|w| Diagnostic::warning(w).in_file(crate::config::CONFIG_FILE)),
            );
            Arc::new(h)
        }
    };
    let fingerprint = config.build.fingerprint;
    let t = Instant::now();
    let (model, d) = Model::build(
        config,
        content,
        ModelOptions {
            drafts: opts.drafts,
        },
    );
    diags.extend(d);
    timings.push(("build model", t.elapsed()));
    let t = Instant::now();
    let (assets, files, d) = collect_files(&model, &theme, &highlighter, fingerprint);
    timings.push(("static files", t.elapsed()));
    diags.extend(d);
    Ok((
        Site {
            root: root.clone(),
            model,
            theme,
            highlighter,
            highlight_options,
            assets,
            files,
            timings,
        },
        diags,
    ))
}

/// Logical asset name → output name.
pub type AssetNames = BTreeMap<String, String>;
/// Output path → bytes.
pub type Files = BTreeMap<String, Vec<u8>>;

/// Static files of theme and site, content assets, and the generated highlight stylesheet,
/// with CSS and JS under content-hashed names.
pub fn collect_files(
    model: &Model,
    theme: &Theme,
    highlighter: &Highlighter,
    fingerprint: bool,
) -> (AssetNames, Files, Vec<Diagnostic>) {
    let mut assets = BTreeMap::new();
    let mut files = BTreeMap::new();
    let mut diags = Vec::new();
    let mut add_asset =
        |name: &str, bytes: Vec<u8>, keep_plain: bool, files: &mut BTreeMap<String, Vec<u8>>| {
            let hashed = fingerprint && (name.ends_with(".css") || name.ends_with(".js"));
            if hashed {
                let out = output::fingerprint(name, &bytes);
                assets.insert(name.to_string(), out.clone());
                if keep_plain {
                    files.insert(name.to_string(), bytes.clone());
                }
                files.insert(out, bytes);
            } else {
                assets.insert(name.to_string(), name.to_string());
                files.insert(name.to_string(), bytes);
            }
        };
    for (name, file) in &theme.statics {
        match file.source.read() {
            // Authors may link a site's own CSS by hand: keep its plain name too.
            Ok(bytes) => add_asset(name, bytes.into_owned(), !file.from_theme, &mut files),
            Err(e) => diags.push(Diagnostic::error(format!(
                "cannot read static file {name}: {e}"
            ))),
        }
    }
    add_asset(
        "highlight.css",
        highlighter.css().into_bytes(),
        false,
        &mut files,
    );
    files.insert("search-index.json".into(), crate::search::index(model));
    for a in &model.assets {
        match std::fs::read(&a.path) {
            Ok(bytes) => {
                files.insert(a.rel.clone(), bytes);
            }
            Err(e) => diags.push(
                Diagnostic::error(format!("cannot read file: {e}"))
                    .in_file(Path::new(content::CONTENT_DIR).join(&a.rel)),
            ),
        }
    }
    (assets, files, diags)
}

/// Where highlighted blocks are kept between builds.
pub fn highlight_cache_path(root: &Path) -> PathBuf {
    root.join(CACHE_DIR).join("highlight.bin")
}

/// The site's cache folder (safe to delete; add it to .gitignore).
pub const CACHE_DIR: &str = ".versus-cache";

/// Summary of a finished build.
#[derive(Debug)]
pub struct BuildReport {
    pub pages: usize,
    pub files: usize,
    pub diagnostics: Vec<Diagnostic>,
    pub elapsed: Duration,
    pub output: PathBuf,
    /// Wall time per stage, for `--verbose` and benchmarks.
    pub stages: Vec<(&'static str, Duration)>,
}

impl BuildReport {
    pub fn errors(&self) -> usize {
        diagnostics::count(&self.diagnostics).0
    }

    pub fn warnings(&self) -> usize {
        diagnostics::count(&self.diagnostics).1
    }
}

/// Progress callback: (done, total) pages.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Renders every target, handing each file to `emit` as soon as it is ready (so a big site
/// is never held in memory whole). Returns the number of pages and the diagnostics.
pub fn render_all(
    site: &Site,
    emit: &(dyn Fn(&str, &[u8]) -> Result<()> + Sync),
    progress: Progress,
) -> Result<(usize, Vec<Diagnostic>)> {
    let (renderer, mut diags) =
        Renderer::new(&site.model, &site.theme, &site.highlighter, &site.assets);
    if diags.iter().any(Diagnostic::is_error) {
        return Ok((0, diags));
    }
    let minify = site.model.config.build.minify;
    let emit = &|path: &str, bytes: &[u8]| -> Result<()> {
        match minified(minify, path, bytes) {
            Some(small) => emit(path, &small),
            None => emit(path, bytes),
        }
    };
    let targets = site.model.targets();
    let total = targets.len();
    let done = AtomicUsize::new(0);
    let results: Vec<Result<Vec<Diagnostic>>> = targets
        .par_iter()
        .map(|&t| {
            let (rendered, d) = renderer.render(t);
            if let Some(r) = rendered {
                emit(&output_path(&r.path), r.html.as_bytes())?;
            }
            progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
            Ok(d)
        })
        .collect();
    for r in results {
        diags.extend(r?);
    }
    for (path, bytes) in &site.files {
        emit(path, bytes)?;
    }
    // Sitemap, robots.txt, feeds, redirects; a site's own static file of the same name wins.
    let (extra, d) = hosting::extra_files(&site.model);
    diags.extend(d);
    for (path, bytes) in &extra {
        if !site.files.contains_key(path) {
            emit(path, bytes)?;
        }
    }
    Ok((total, diags))
}

/// The minified bytes of an output file when the site minifies and the file is of a kind
/// that is minified; `None` means write it as it is.
pub fn minified(minify: bool, path: &str, bytes: &[u8]) -> Option<Vec<u8>> {
    minify.then(|| hosting::minify(path, bytes)).flatten()
}

/// Applies `--strict`, drops placeholder diagnostics and sorts, so output is stable.
pub fn finish_diagnostics(mut diags: Vec<Diagnostic>, strict: bool) -> Vec<Diagnostic> {
    diags.retain(|d| !d.message.is_empty());
    if strict {
        for d in &mut diags {
            d.severity = Severity::Error;
        }
    }
    diagnostics::sort(&mut diags);
    diags.dedup();
    diags
}

/// The output folder: `--output`, else `output_dir` under the site root.
pub fn output_dir(opts: &BuildOptions, config: &Config) -> PathBuf {
    match &opts.output {
        Some(o) => o.clone(),
        None => opts.root.join(&config.output_dir),
    }
}

/// `versus build`: everything, written atomically. On any error the previous output is left
/// exactly as it was and `Err(Error::Input)` is returned after the diagnostics are handed to
/// `report`.
pub fn build(opts: &BuildOptions, write: bool, progress: Progress) -> Result<BuildReport> {
    let start = Instant::now();
    let mut stages = Vec::new();
    let (site, mut diags) = load_site(opts)?;
    stages.extend(site.timings.iter().copied());
    stages.push(("load total", start.elapsed()));
    let out_dir = output_dir(opts, &site.model.config);
    let staging = if write && !diags.iter().any(Diagnostic::is_error) {
        Some(Staging::prepare(&out_dir, &opts.root)?)
    } else {
        None
    };
    let pages = if diags.iter().any(Diagnostic::is_error) {
        0
    } else {
        let emit = |path: &str, bytes: &[u8]| -> Result<()> {
            match &staging {
                Some(s) => s.write(path, bytes),
                None => Ok(()),
            }
        };
        let cache = site
            .model
            .config
            .highlight
            .cache
            .then(|| highlight_cache_path(&opts.root));
        // Best effort: a missing, stale or corrupt cache is not used, and a read-only site
        // folder only loses the speed-up of the next build.
        let streaming = cache.as_ref().is_some_and(|path| {
            let _ = site.highlighter.load_cache(path);
            site.highlighter.start_cache(path).is_ok()
        });
        let t = Instant::now();
        let (pages, d) = render_all(&site, &emit, progress)?;
        diags.extend(d);
        stages.push(("render + write", t.elapsed()));
        let t = Instant::now();
        if streaming {
            let _ = site.highlighter.finish_cache();
        }
        stages.push(("save highlight cache", t.elapsed()));
        pages
    };
    let diags = finish_diagnostics(diags, opts.strict);
    let errors = diagnostics::count(&diags).0;
    let report = BuildReport {
        pages,
        files: pages + site.files.len(),
        diagnostics: diags,
        elapsed: start.elapsed(),
        output: out_dir,
        stages,
    };
    if errors == 0
        && let Some(s) = staging
    {
        s.commit()?;
    }
    Ok(report)
}

impl From<&BuildReport> for Error {
    fn from(r: &BuildReport) -> Error {
        Error::Input { errors: r.errors() }
    }
}
