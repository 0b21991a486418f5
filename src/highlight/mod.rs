//! Syntax highlighting of fenced code blocks: syntect with bat's curated syntaxes and themes
//! (via `two-face`), emitting CSS classes, one balanced `<span class="line">` per source line.
//!
//! **For:** turning one fenced block (info string + code) into the HTML a page embeds
//! ([`Highlighter::render_block`]), the stylesheet for the chosen light and dark themes
//! ([`Highlighter::css`]), side-by-side groups of blocks that carry `subject=`
//! ([`render_group`]), and listing the languages and themes a site can use.
//!
//! **Not for:** Markdown parsing (the caller hands over the fence's info string and its text),
//! layout CSS for the code-block chrome (the site theme owns that: line numbers, the copy
//! button, the group tabs), or inline code spans.
//!
//! # Where things are
//!
//! | file | what |
//! |---|---|
//! | `mod.rs` | [`Highlighter`]: options, one block end to end, the block caches |
//! | `fence.rs` | the info string: language, `title=`, `hl_lines=`, `linenos`, `subject=` |
//! | `syntaxes.rs` | two-face's sets, a site's `highlight/` folder, language tokens → syntaxes |
//! | `lines.rs` | syntect's parse → balanced per-line HTML, under the guards |
//! | `classes.rs` | which token spans a block gets and their classes, from the themes' rules |
//! | `html.rs` | the `<figure>` around the lines; side-by-side groups |
//! | `css.rs` | the light/dark stylesheet |
//! | `disk.rs` | the block cache kept on disk between builds |
//!
//! # Start-up cost
//!
//! [`Highlighter::new`] is cheap: two-face's syntax set and theme set are deserialized lazily,
//! once per process, the first time a block actually needs them (`OnceLock`). A build with no
//! fenced code pays nothing. The syntax set used is `two_face::syntax::extra_newlines()`:
//! Sublime syntaxes are written for lines that end in `\n`, and the "newlines" dump loads as
//! fast as the "no newlines" one (~2-3 ms; each syntax's contexts are then deserialized on its
//! first use, ~4-20 ms; see `examples/bench_highlight.rs`).
//!
//! A site's own `highlight/` folder (`*.sublime-syntax`, `*.tmTheme`) is read in `new`, so bad
//! files become warnings at once. Its syntaxes are linked lazily: on their own (well under a
//! millisecond) when they only refer to each other, else into a copy of two-face's set (about
//! half a second in release builds, once). They win over two-face's syntaxes of the same name
//! or extension. Reading these files needs syntect's `yaml-load` and `plist-load` features.
//!
//! # HTML produced for one block
//!
//! ```html
//! <figure class="code linenos" data-lang="python" data-subject="flask">
//!   <figcaption class="code-title">app.py</figcaption>
//!   <button type="button" class="copy" aria-label="Copy code" hidden>Copy</button>
//!   <pre class="code-pre hl-code" tabindex="0"><code class="language-python"><span class="line" data-line="1">…</span>
//! <span class="line hl" data-line="2">…</span>
//! </code></pre>
//! </figure>
//! ```
//!
//! - `linenos` (class on the figure) and `data-line` (on each line) only with `linenos`; the
//!   number is drawn by the theme's CSS (`.linenos .line::before { content: attr(data-line) }`),
//!   so it is never part of the copied text. `data-subject` only with `subject=`;
//!   `<figcaption>` only with `title=`.
//! - Line spans are inline and the `\n` between them is a text node *outside* the spans, so
//!   the text content of `<code>` is exactly the original code (copy/paste and the copy button
//!   give the exact code). To paint a full-width band on `.line.hl`, a theme can use
//!   `display: inline-block; min-width: 100%`.
//! - Every line span is balanced: token spans that continue over a line break (a multi-line
//!   string, a comment) are closed at the end of the line and reopened on the next one.
//! - `data-lang` and the `language-*` class carry the info string's language token,
//!   lower-cased (`text` when there is none).
//!
//! # CSS classes
//!
//! Token spans carry syntect's scope atoms with the prefix `hl-` (`ClassStyle::SpacedPrefixed`:
//! `keyword.control.python` → `hl-keyword hl-control hl-python`), and the CSS is syntect's
//! `css_for_theme_with_class_style` for each theme. Only spans that some rule of the two themes
//! can style are emitted (syntect would emit one per scope: ~30× the code's size for Python;
//! pruned, about half that), and each carries only the atoms some rule's selector names
//! (`keyword.declaration.function.python` → `hl-keyword` when the themes only style `keyword`;
//! a quarter fewer bytes again, same look — see `ScopeClasses::used_atoms`). So the HTML depends
//! on the themes and the cache key includes them.
//! The theme's default foreground/background are on `.hl-code` (the `<pre>`).
//! [`Highlighter::css`] scopes the light theme to "not dark" and the dark theme to "dark", where
//! dark means `<html data-theme="dark">`, or no `data-theme="light"` while the system prefers
//! dark. The two never apply together, so a more specific light rule cannot leak into dark mode.
//!
//! # Guards
//!
//! A block is shown as plain (escaped) text, with a [`BlockWarning`], when: its language is
//! unknown; it is bigger than [`HighlightOptions::max_block_bytes`]; one of its lines is longer
//! than [`MAX_LINE_BYTES`]; highlighting it takes longer than
//! [`HighlightOptions::time_budget_ms`] (checked after every line; `0` means every block falls
//! back, which is useful for tests); or syntect fails or panics. `render_block` never panics.
//!
//! # Cache
//!
//! Rendered blocks are keyed by the xxh3 of everything that affects the output: the language
//! token, the attributes, the code, the size guard and an identity of the syntaxes and themes
//! (two-face, the theme names, the site's own files, this module's output format). The preview
//! server keeps them in memory (16 mutex-guarded shards, shared across threads) between
//! rebuilds. A build instead reads the previous build's blocks from disk one by one
//! ([`Highlighter::load_cache`]) and streams the blocks it uses, without warnings, to the
//! next cache file as they are rendered ([`Highlighter::start_cache`],
//! [`Highlighter::finish_cache`]); see `disk.rs`. A stale or damaged file is ignored.

mod classes;
mod css;
mod disk;
mod fence;
mod html;
mod line_cache;

pub use line_cache::release as release_line_caches;
mod lines;
mod syntaxes;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock, RwLock};
use std::time::Duration;

use syntect::highlighting::Theme;
use syntect::html::ClassStyle;
use syntect::parsing::SyntaxDefinition;
use xxhash_rust::xxh3::Xxh3;

use classes::ScopeClasses;
pub use fence::parse_fence_info;
use html::render_html;
pub use html::{localise_copy_buttons, render_group};
use line_cache::LineCache;
use lines::{Fallback, highlight_lines};
pub use syntaxes::base_syntax_set;
use syntaxes::{
    PLAIN_TOKENS, Resolved, Syntaxes, embedded_theme_names, load_extra_dir, resolve_lang,
};

/// The prefix of every token class (`hl-keyword`, `hl-string`, …) and of `.hl-code`.
pub const CLASS_PREFIX: &str = "hl-";
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
/// Lines longer than this are not highlighted (the block is shown as plain text).
pub const MAX_LINE_BYTES: usize = 20_000;
/// Bumped whenever the HTML this module emits changes, so old cache files are dropped.
const FORMAT_VERSION: u64 = 2;
const SHARDS: usize = 16;

/// The default light theme.
pub const DEFAULT_THEME: &str = "InspiredGitHub";
/// The default dark theme.
pub const DEFAULT_DARK_THEME: &str = "Monokai Extended";

/// What a [`Highlighter`] is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HighlightOptions {
    /// Light theme name (default `InspiredGitHub`).
    pub theme: String,
    /// Dark theme name (default `Monokai Extended`).
    pub dark_theme: String,
    /// A site's own `highlight/` folder: `*.sublime-syntax` and `*.tmTheme` files.
    pub extra_dir: Option<PathBuf>,
    /// Blocks bigger than this are shown as plain text with a warning (default 256 KiB).
    pub max_block_bytes: usize,
    /// Per-block time budget; past it the block is shown as plain text with a warning
    /// (default 2000 ms; `0` makes every block fall back; `u64::MAX` means no limit).
    pub time_budget_ms: u64,
}

impl Default for HighlightOptions {
    fn default() -> Self {
        HighlightOptions {
            theme: DEFAULT_THEME.into(),
            dark_theme: DEFAULT_DARK_THEME.into(),
            extra_dir: None,
            max_block_bytes: 256 * 1024,
            time_budget_ms: 2000,
        }
    }
}

/// A fence's info string, parsed: `python title="app.py" hl_lines="3 5-7" linenos subject="flask"`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FenceInfo {
    /// The language token as written (`python`, `py`, `console`); `None` for a bare fence.
    pub lang: Option<String>,
    /// `title=`: shown as a caption (a file name, usually).
    pub title: Option<String>,
    /// `linenos`: number the lines (the numbers are drawn by CSS, not part of the text).
    pub linenos: bool,
    /// `hl_lines="3 5-7"`: 1-based inclusive ranges of lines to mark.
    pub hl_lines: Vec<(usize, usize)>,
    /// `subject=`: the subject this block belongs to (for side-by-side groups).
    pub subject: Option<String>,
    /// Attributes that were not understood (ignored, reported as block warnings).
    pub unknown: Vec<String>,
}

/// One rendered block: the HTML and what went wrong (if anything).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RenderedBlock {
    pub html: String,
    pub warnings: Vec<BlockWarning>,
}

/// A problem with one block; the block is still rendered (as plain text, at worst).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockWarning {
    pub message: String,
    /// 0 = the fence line; 1 = the first line of code.
    pub line_in_block: usize,
}

impl BlockWarning {
    fn new(message: impl Into<String>, line_in_block: usize) -> Self {
        BlockWarning {
            message: message.into(),
            line_in_block,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The highlighter
// ---------------------------------------------------------------------------------------------

/// Highlights fenced code blocks. `Send + Sync`: share one per build (e.g. across rayon threads).
pub struct Highlighter {
    opts: HighlightOptions,
    light: String,
    dark: String,
    /// Syntaxes from the site's `highlight/` folder (already parsed; linked lazily).
    extra_syntaxes: Vec<SyntaxDefinition>,
    /// Themes from the site's `highlight/` folder.
    extra_themes: Vec<(String, Theme)>,
    /// Base (+ extra) syntaxes, linked on first use.
    syntaxes: OnceLock<Syntaxes>,
    /// Which spans to emit and their classes (from the two themes); made on first use.
    classes: OnceLock<ScopeClasses>,
    /// Identifies the syntax set (two-face version, extra syntax files) for cache keys.
    identity: u64,
    css: OnceLock<String>,
    /// In memory: the preview server's cache across rebuilds (a build streams to `writer`).
    cache: Vec<Mutex<HashMap<u64, RenderedBlock>>>,
    /// The previous build's cache file, read block by block.
    disk: OnceLock<disk::DiskCache>,
    /// This build's cache file, when streaming (`start_cache`).
    writer: RwLock<Option<disk::CacheWriter>>,
    hits: AtomicU64,
    misses: AtomicU64,
    /// Parse results of lines, shared by all blocks (see `line_cache.rs`).
    line_cache: LineCache,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Highlighter {
    /// Cheap: syntaxes/themes are loaded lazily on first use, once per process. Reads the
    /// `extra_dir` (if any) at once so that bad files are reported here. Returns warnings for
    /// unknown theme names (the default is used instead) and bad extra files (skipped).
    pub fn new(opts: HighlightOptions) -> (Highlighter, Vec<String>) {
        let mut warnings = Vec::new();
        let mut extra_syntaxes = Vec::new();
        let mut extra_themes = Vec::new();
        let mut id = Xxh3::new();
        id.update(&FORMAT_VERSION.to_le_bytes());
        id.update(b"two-face 0.5 bat newlines");

        if let Some(dir) = &opts.extra_dir {
            load_extra_dir(
                dir,
                &mut extra_syntaxes,
                &mut extra_themes,
                &mut warnings,
                &mut id,
            );
        }

        let names: Vec<String> = extra_themes
            .iter()
            .map(|(n, _)| n.clone())
            .chain(embedded_theme_names().map(str::to_string))
            .collect();
        let mut pick = |wanted: &str, default: &str, what: &str| -> String {
            if let Some(n) = names.iter().find(|n| *n == wanted) {
                return n.clone();
            }
            if let Some(n) = names.iter().find(|n| n.eq_ignore_ascii_case(wanted)) {
                return n.clone();
            }
            warnings.push(format!(
                "unknown {what} highlight theme `{wanted}`; using `{default}` (available: {})",
                names.join(", ")
            ));
            default.to_string()
        };
        let light = pick(&opts.theme, DEFAULT_THEME, "light");
        let dark = pick(&opts.dark_theme, DEFAULT_DARK_THEME, "dark");
        // Which spans are emitted depends on the themes (see `ScopeClasses`).
        id.update(light.as_bytes());
        id.update(b"\0");
        id.update(dark.as_bytes());

        let h = Highlighter {
            opts,
            light,
            dark,
            extra_syntaxes,
            extra_themes,
            syntaxes: OnceLock::new(),
            classes: OnceLock::new(),
            identity: id.digest(),
            css: OnceLock::new(),
            cache: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            disk: OnceLock::new(),
            writer: RwLock::new(None),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            line_cache: LineCache::new(),
        };
        (h, warnings)
    }

    /// Loads the syntaxes and themes now rather than on the first code block (e.g. to do it
    /// in parallel with other start-up work). Never needed for correctness.
    pub fn warm_up(&self) {
        self.sets();
        self.scope_classes();
    }

    fn scope_classes(&self) -> &ScopeClasses {
        self.classes
            .get_or_init(|| ScopeClasses::new(&[self.theme(&self.light), self.theme(&self.dark)]))
    }

    /// Highlights one fenced block. Never panics, never hangs (see the module doc's guards).
    pub fn render_block(&self, info: &FenceInfo, code: &str) -> RenderedBlock {
        let key = self.cache_key(info, code);
        let shard = &self.cache[(key as usize) % SHARDS];
        if let Some(b) = lock(shard).get(&key) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return b.clone();
        }
        let writer = self.writer.read().unwrap_or_else(|e| e.into_inner());
        let writer = writer.as_ref();
        let stored = self
            .disk
            .get()
            .and_then(|d| d.get(key))
            .or_else(|| writer.and_then(|w| w.get(key)));
        if let Some(html) = stored {
            self.hits.fetch_add(1, Ordering::Relaxed);
            let block = RenderedBlock {
                html,
                warnings: Vec::new(),
            };
            self.keep(key, &block, writer);
            return block;
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let block = match catch_unwind(AssertUnwindSafe(|| self.render_uncached(info, code))) {
            Ok(b) => b,
            Err(_) => RenderedBlock {
                html: render_html(info, code, None),
                warnings: vec![BlockWarning::new(
                    "the highlighter failed on this code block; shown as plain text",
                    0,
                )],
            },
        };
        self.keep(key, &block, writer);
        block
    }

    /// A build streams the block to the next cache file and keeps nothing in memory (its
    /// pages are written as they are rendered, so nothing would read it again); the preview
    /// server keeps it in memory for its next rebuild.
    fn keep(&self, key: u64, block: &RenderedBlock, writer: Option<&disk::CacheWriter>) {
        match writer {
            Some(w) if block.warnings.is_empty() => w.add(key, &block.html),
            Some(_) => {}
            None => {
                lock(&self.cache[(key as usize) % SHARDS]).insert(key, block.clone());
            }
        }
    }

    fn render_uncached(&self, info: &FenceInfo, code: &str) -> RenderedBlock {
        let mut warnings: Vec<BlockWarning> = info
            .unknown
            .iter()
            .map(|a| BlockWarning::new(format!("ignored code block attribute `{a}`"), 0))
            .collect();
        let nlines = code.lines().count();
        for &(a, b) in &info.hl_lines {
            if b > nlines {
                warnings.push(BlockWarning::new(
                    format!(
                        "hl_lines range {a}-{b} goes past the end of the block ({nlines} lines)"
                    ),
                    0,
                ));
            }
        }
        let syntax = match info.lang.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(l) if PLAIN_TOKENS.contains(&l.to_ascii_lowercase().as_str()) => None,
            lang => match resolve_lang(&self.sets(), lang) {
                Resolved::Plain => None,
                Resolved::Syntax(ss, s) => Some((ss, s)),
                Resolved::Unknown => {
                    warnings.push(BlockWarning::new(
                        format!(
                            "unknown language `{}` in code block; shown as plain text",
                            lang.unwrap_or_default()
                        ),
                        0,
                    ));
                    None
                }
            },
        };
        let Some((ss, syntax)) = syntax else {
            return RenderedBlock {
                html: render_html(info, code, None),
                warnings,
            };
        };
        if code.len() > self.opts.max_block_bytes {
            warnings.push(BlockWarning::new(
                format!(
                    "code block is {} KiB, over the highlighting limit of {} KiB; shown as plain text",
                    code.len().div_ceil(1024),
                    self.opts.max_block_bytes / 1024
                ),
                0,
            ));
            return RenderedBlock {
                html: render_html(info, code, None),
                warnings,
            };
        }
        let budget = Duration::from_millis(self.opts.time_budget_ms);
        match highlight_lines(
            ss,
            syntax,
            self.scope_classes(),
            &self.line_cache,
            code,
            budget,
        ) {
            Ok(lines) => RenderedBlock {
                html: render_html(info, code, Some(&lines)),
                warnings,
            },
            Err(fail) => {
                let (message, line) = match fail {
                    Fallback::LongLine(n) => (
                        format!(
                            "line longer than {MAX_LINE_BYTES} bytes; code block shown as plain text"
                        ),
                        n,
                    ),
                    Fallback::Slow => (
                        format!(
                            "highlighting took longer than {} ms; shown as plain text",
                            self.opts.time_budget_ms
                        ),
                        0,
                    ),
                    Fallback::Error(e, n) => {
                        (format!("highlighting failed ({e}); shown as plain text"), n)
                    }
                };
                warnings.push(BlockWarning::new(message, line));
                RenderedBlock {
                    html: render_html(info, code, None),
                    warnings,
                }
            }
        }
    }

    fn cache_key(&self, info: &FenceInfo, code: &str) -> u64 {
        let mut h = Xxh3::new();
        let mut field = |b: &[u8]| {
            h.update(&(b.len() as u64).to_le_bytes());
            h.update(b);
        };
        field(&self.identity.to_le_bytes());
        field(&(self.opts.max_block_bytes as u64).to_le_bytes());
        field(
            info.lang
                .as_deref()
                .unwrap_or("")
                .to_ascii_lowercase()
                .as_bytes(),
        );
        field(info.title.as_deref().unwrap_or("\0none").as_bytes());
        field(info.subject.as_deref().unwrap_or("\0none").as_bytes());
        field(&[info.linenos as u8]);
        for &(a, b) in &info.hl_lines {
            field(&(a as u64).to_le_bytes());
            field(&(b as u64).to_le_bytes());
        }
        field(b"\0unknown");
        for u in &info.unknown {
            field(u.as_bytes());
        }
        field(code.as_bytes());
        h.digest()
    }

    /// `(hits, misses)` of the in-memory cache since this highlighter was made.
    pub fn cache_stats(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// `(hits, misses)` of the per-line parse cache (see `line_cache.rs`) since this
    /// highlighter was made: lines parsed from an equal state before, and lines parsed.
    pub fn line_cache_stats(&self) -> (u64, u64) {
        self.line_cache.stats()
    }

    /// Opens the previous build's cache file for lookups (it is read block by block, never
    /// whole). A missing file is `Ok(0)`; a damaged file, or one written for other syntaxes,
    /// themes or by another version, is `Err` and not used (safe to ignore). Returns how many
    /// blocks it holds.
    pub fn load_cache(&self, path: &Path) -> Result<usize, String> {
        match disk::DiskCache::open(path, self.identity)? {
            Some(c) => {
                let n = c.len();
                let _ = self.disk.set(c);
                Ok(n)
            }
            None => Ok(0),
        }
    }

    /// From now on, writes every block rendered or reused (without warnings) to a new cache
    /// file at `path` instead of keeping it in memory; [`finish_cache`](Self::finish_cache)
    /// puts the file in place.
    pub fn start_cache(&self, path: &Path) -> io::Result<()> {
        let w = disk::CacheWriter::create(path, self.identity)?;
        *self.writer.write().unwrap_or_else(|e| e.into_inner()) = Some(w);
        Ok(())
    }

    /// Completes the file begun by [`start_cache`](Self::start_cache) and renames it into
    /// place (the old one stays if this fails). Returns how many blocks it holds.
    pub fn finish_cache(&self) -> io::Result<usize> {
        let w = self
            .writer
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        match w {
            Some(w) => w.finish(),
            None => Ok(0),
        }
    }
}
