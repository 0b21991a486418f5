//! The build pipeline, stage by stage: load content → build the model → render Markdown and
//! templates → write. `versus build` runs [`build`]; `versus check` runs [`render_all`] into
//! memory and checks links (`linkcheck`); the preview server runs the same engine
//! ([`crate::engine`]) on all targets or on the few a change needs (`serve::incremental`).
//!
//! This module wires the stages together and owns no rules of its own.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::diagnostics::{self, Diagnostic, Severity};
use crate::engine::{CodeCache, Emit, Engine, Site};
use crate::error::{Error, Result};
use crate::output::Staging;
use crate::outputs::Kept;

pub use crate::engine::Progress;

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

/// Loads config, content, theme and builds the model ([`Site::load`]).
pub fn load_site(opts: &BuildOptions) -> Result<(Site, Vec<Diagnostic>)> {
    Site::load(opts, None, None, CodeCache::None)
}

/// Where highlighted blocks are kept between builds.
pub fn highlight_cache_path(root: &Path) -> PathBuf {
    root.join(CACHE_DIR).join("highlight.bin")
}

pub use crate::output::CACHE_DIR;

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

/// What [`render_all`] made: pages rendered, other files written, and the generators'
/// kept state (the preview server starts its incremental rebuilds from it).
pub struct Rendered {
    pub pages: usize,
    pub files: usize,
    pub kept: Kept,
    pub diagnostics: Vec<Diagnostic>,
}

/// Renders every page and makes every other file of `site`, handing each to `emit` as soon
/// as it is ready, the generators keeping what `kept` asks for ([`Kept::for_preview`]).
/// With template syntax errors nothing is rendered.
pub fn render_all(site: &Site, mut kept: Kept, emit: Emit, progress: Progress) -> Result<Rendered> {
    let (engine, mut diags) = Engine::new(site);
    if diags.iter().any(Diagnostic::is_error) {
        return Ok(Rendered {
            pages: 0,
            files: 0,
            kept,
            diagnostics: diags,
        });
    }
    let targets = site.targets();
    // The generated files (exports, search index, feeds, sitemap) are made one after another
    // from the model alone: on a thread of their own beside the pages, not after them, where
    // they left one core idle for a second and a half of a 10,000-page build.
    let (files, rendered) = rayon::join(
        || engine.emit_files(&mut kept, emit),
        || engine.render(&targets, emit, progress),
    );
    diags.extend(rendered?);
    let (files, d) = files?;
    diags.extend(d);
    let (mut pages, mut count) = (targets.len(), files);
    // A multilingual site's other languages, each under its own folder. (The preview
    // server keeps `kept` for the main language only: it rebuilds such a site whole.)
    for i in 0..site.translations.len() {
        let (engine, d) = Engine::translation(site, i);
        diags.extend(d);
        let targets = engine.targets();
        diags.extend(engine.render(&targets, emit, &|_, _| {})?);
        let (files, d) = engine.emit_files(&mut Kept::default(), emit)?;
        diags.extend(d);
        pages += targets.len();
        count += files;
    }
    Ok(Rendered {
        pages,
        files: count,
        kept,
        diagnostics: diags,
    })
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

/// [`finish_diagnostics`] for diagnostics already in the order they should be read in.
pub fn finish_diagnostics_in_order(mut diags: Vec<Diagnostic>, strict: bool) -> Vec<Diagnostic> {
    if strict {
        for d in &mut diags {
            d.severity = Severity::Error;
        }
    }
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
    let code = if write {
        CodeCache::Disk
    } else {
        CodeCache::None
    };
    let (site, mut diags) = Site::load(opts, None, None, code)?;
    stages.extend(site.timings.iter().copied());
    stages.push(("load total", start.elapsed()));
    let out_dir = output_dir(opts, &site.model.config);
    let staging = if write && !diags.iter().any(Diagnostic::is_error) {
        Some(Staging::prepare(&out_dir, &opts.root)?)
    } else {
        None
    };
    let (pages, files) = if diags.iter().any(Diagnostic::is_error) {
        (0, 0)
    } else {
        let emit = |path: &str, bytes: Vec<u8>| -> Result<()> {
            match &staging {
                Some(s) => s.write(path, &bytes),
                None => Ok(()),
            }
        };
        let t = Instant::now();
        let rendered = render_all(&site, Kept::default(), &emit, progress)?;
        diags.extend(rendered.diagnostics);
        stages.push(("render + write", t.elapsed()));
        let t = Instant::now();
        site.finish();
        stages.push(("save highlight cache", t.elapsed()));
        (rendered.pages, rendered.files)
    };
    let diags = finish_diagnostics(diags, opts.strict);
    let errors = diagnostics::count(&diags).0;
    // The swap is part of the build: the figure printed includes it.
    if errors == 0
        && let Some(s) = staging
    {
        let t = Instant::now();
        s.commit()?;
        stages.push(("swap output in", t.elapsed()));
    }
    // Freeing the model and the rest (70 ms at 10,000 pages) is nobody's wait: the command
    // line exits without waiting for it.
    std::thread::spawn(move || drop(site));
    Ok(BuildReport {
        pages,
        files: pages + files,
        diagnostics: diags,
        elapsed: start.elapsed(),
        output: out_dir,
        stages,
    })
}

impl From<&BuildReport> for Error {
    fn from(r: &BuildReport) -> Error {
        Error::Input { errors: r.errors() }
    }
}
