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
//! [`Highlighter::finish_cache`]); see [`disk`]. A stale or damaged file is ignored.

mod disk;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, RwLock};
use std::time::{Duration, Instant};

use syntect::highlighting::{Theme, ThemeSet};
use syntect::html::{ClassStyle, css_for_theme_with_class_style};
use syntect::parsing::syntax_definition::{ContextReference, MatchOperation, Pattern};
use syntect::parsing::{
    BasicScopeStackOp, ParseState, Scope, ScopeStack, ScopeStackOp, SyntaxDefinition,
    SyntaxReference, SyntaxSet, SyntaxSetBuilder,
};
use two_face::theme::LazyThemeSet;

use xxhash_rust::xxh3::{Xxh3, xxh3_64};

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
// Fence info parsing
// ---------------------------------------------------------------------------------------------

/// Parses a fence info string: `python title="app.py" hl_lines="3 5-7" linenos subject="flask"`.
///
/// Values may be double-quoted, single-quoted or bare. The first bare word is the language
/// (`rust,ignore` → `rust`). `hl_lines` (or `hl-lines`) takes numbers and ranges separated by
/// spaces or commas. `linenos` may also be written `linenos=true|false`. Anything else is kept
/// in [`FenceInfo::unknown`].
pub fn parse_fence_info(info: &str) -> FenceInfo {
    let mut f = FenceInfo::default();
    for (key, value, raw) in tokenize_info(info) {
        match (key.to_ascii_lowercase().as_str(), value) {
            ("linenos" | "linenums" | "line_numbers", None) => f.linenos = true,
            ("linenos" | "linenums" | "line_numbers", Some(v)) => {
                match v.to_ascii_lowercase().as_str() {
                    "" | "true" | "yes" | "1" | "on" | "table" | "inline" => f.linenos = true,
                    "false" | "no" | "0" | "off" => f.linenos = false,
                    _ => f.unknown.push(raw),
                }
            }
            ("title" | "file" | "filename", Some(v)) => f.title = Some(v),
            ("subject", Some(v)) => f.subject = Some(v).filter(|s| !s.is_empty()),
            ("lang" | "language", Some(v)) if f.lang.is_none() => {
                f.lang = Some(v).filter(|s| !s.is_empty())
            }
            ("hl_lines" | "hl-lines" | "hllines" | "highlight", Some(v)) => {
                match parse_ranges(&v) {
                    Some(r) => f.hl_lines.extend(r),
                    None => f.unknown.push(raw),
                }
            }
            (_, None) if f.lang.is_none() => {
                // `rust,ignore` (rustdoc style): the language is the part before the comma.
                let lang = key.split(',').next().unwrap_or("").trim();
                if !lang.is_empty() {
                    f.lang = Some(lang.to_string());
                }
            }
            _ => f.unknown.push(raw),
        }
    }
    f
}

/// Splits an info string into `(key, value, raw)` items; `value` is `None` for a bare word.
fn tokenize_info(info: &str) -> Vec<(String, Option<String>, String)> {
    let mut out = Vec::new();
    let mut chars = info.char_indices().peekable();
    loop {
        while chars.next_if(|(_, c)| c.is_whitespace()).is_some() {}
        let Some(&(start, _)) = chars.peek() else {
            break;
        };
        let mut key = String::new();
        while let Some((_, c)) = chars.next_if(|(_, c)| !c.is_whitespace() && *c != '=') {
            key.push(c);
        }
        let mut value = None;
        if chars.next_if(|(_, c)| *c == '=').is_some() {
            let mut v = String::new();
            match chars.peek().map(|&(_, c)| c) {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    for (_, c) in chars.by_ref() {
                        if c == q {
                            break;
                        }
                        v.push(c);
                    }
                }
                _ => {
                    while let Some((_, c)) = chars.next_if(|(_, c)| !c.is_whitespace()) {
                        v.push(c);
                    }
                }
            }
            value = Some(v);
        }
        let end = chars.peek().map_or(info.len(), |&(i, _)| i);
        out.push((key, value, info[start..end].trim().to_string()));
    }
    out
}

/// `"3 5-7"` / `"3,5-7"` / `"{3,5-7}"` → `[(3,3),(5,7)]`. `None` if any part is malformed.
fn parse_ranges(s: &str) -> Option<Vec<(usize, usize)>> {
    let s = s.trim().trim_start_matches('{').trim_end_matches('}');
    let mut out = Vec::new();
    for part in s.split(|c: char| c == ',' || c.is_whitespace()) {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
            None => {
                let n = part.parse().ok()?;
                (n, n)
            }
        };
        if a == 0 || b < a {
            return None;
        }
        out.push((a, b));
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// Process-wide lazily loaded data
// ---------------------------------------------------------------------------------------------

static BASE_SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
static BASE_THEMES: OnceLock<LazyThemeSet> = OnceLock::new();

/// two-face's syntax set (bat's syntaxes), loaded once per process on first use.
pub fn base_syntax_set() -> &'static SyntaxSet {
    BASE_SYNTAXES.get_or_init(two_face::syntax::extra_newlines)
}

fn base_themes() -> &'static LazyThemeSet {
    BASE_THEMES.get_or_init(|| two_face::theme::extra().into())
}

fn embedded_theme_names() -> impl Iterator<Item = &'static str> {
    two_face::theme::EmbeddedLazyThemeSet::theme_names()
        .iter()
        .map(|t| t.as_name())
}

// ---------------------------------------------------------------------------------------------
// Language resolution
// ---------------------------------------------------------------------------------------------

/// Tokens that mean "no highlighting" (no warning either).
const PLAIN_TOKENS: &[&str] = &[
    "text",
    "plain",
    "plaintext",
    "txt",
    "none",
    "nohighlight",
    "raw",
];

/// Aliases: token → syntax names to try, in order. Tokens not listed here are looked up by
/// file extension, then by syntax name (both case-insensitive).
const ALIASES: &[(&[&str], &[&str])] = &[
    (
        &["py", "py3", "python3", "python", "python2", "gyp", "pyi"],
        &["Python"],
    ),
    (
        &[
            "sh",
            "shell",
            "zsh",
            "bash",
            "ksh",
            "shellscript",
            "shell-script",
            "posix",
        ],
        &["Bourne Again Shell (bash)"],
    ),
    (
        &[
            "console",
            "shell-session",
            "shellsession",
            "sh-session",
            "bash-session",
            "terminal",
        ],
        &["Shell Session", "ShellSession", "Bourne Again Shell (bash)"],
    ),
    (&["yml", "yaml"], &["YAML"]),
    (&["jinja", "jinja2", "j2"], &["Jinja2"]),
    (
        &[
            "django",
            "html+django",
            "htmldjango",
            "dtl",
            "html+jinja",
            "html+jinja2",
            "htmljinja",
            "jinja-html",
            "nunjucks",
            "njk",
        ],
        &["HTML (Jinja2)", "Jinja2"],
    ),
    (&["ts", "typescript", "mts", "cts"], &["TypeScript"]),
    (&["tsx", "typescriptreact"], &["TypeScriptReact"]),
    (
        &["js", "javascript", "jsx", "mjs", "cjs", "node", "es6"],
        &["JavaScript (Babel)", "JavaScript"],
    ),
    (&["dockerfile", "docker", "containerfile"], &["Dockerfile"]),
    (
        &[
            "sql",
            "postgres",
            "postgresql",
            "psql",
            "pgsql",
            "mysql",
            "sqlite",
            "plsql",
            "tsql",
        ],
        &["SQL"],
    ),
    (&["diff", "patch", "udiff"], &["Diff"]),
    (&["toml"], &["TOML"]),
    (
        &["json", "jsonc", "json5", "jsonl", "ndjson", "geojson"],
        &["JSON"],
    ),
    (&["ini", "cfg", "dosini", "conf", "editorconfig"], &["INI"]),
    (&["env", "dotenv"], &["DotENV"]),
    (&["html", "htm", "xhtml"], &["HTML"]),
    (&["md", "markdown"], &["Markdown"]),
    (&["rs", "rust"], &["Rust"]),
    (&["go", "golang"], &["Go"]),
    (&["c++", "cpp", "cxx", "hpp"], &["C++"]),
    (&["cs", "csharp", "c#"], &["C#"]),
    (&["rb", "ruby"], &["Ruby"]),
    (&["ps1", "powershell", "pwsh"], &["PowerShell"]),
    (&["kt", "kotlin"], &["Kotlin"]),
    (&["make", "makefile", "mk"], &["Makefile"]),
    (&["tf", "hcl", "terraform"], &["Terraform"]),
    (&["tex", "latex"], &["LaTeX"]),
    (&["objc", "objective-c"], &["Objective-C"]),
    (&["vim", "viml", "vimscript"], &["VimL"]),
    (&["http"], &["HTTP Request and Response"]),
    (&["vue"], &["Vue Component"]),
    (&["proto", "protobuf"], &["Protocol Buffer"]),
    (&["xml", "svg", "xsd", "xsl"], &["XML"]),
    (&["csv"], &["Comma Separated Values"]),
    (&["nginx"], &["nginx"]),
];

#[derive(Clone, Copy)]
enum Resolved<'s> {
    Plain,
    Syntax(&'s SyntaxSet, &'s SyntaxReference),
    Unknown,
}

/// Resolves a fence's language token in `sets`, in order (a site's own syntaxes come first).
fn resolve_lang<'s>(sets: &[&'s SyntaxSet], token: Option<&str>) -> Resolved<'s> {
    let Some(token) = token.map(str::trim).filter(|t| !t.is_empty()) else {
        return Resolved::Plain;
    };
    let lc = token.to_ascii_lowercase();
    if PLAIN_TOKENS.contains(&lc.as_str()) {
        return Resolved::Plain;
    }
    let alias = ALIASES
        .iter()
        .find(|(tokens, _)| tokens.contains(&lc.as_str()))
        .map_or(&[][..], |(_, names)| *names);
    for ss in sets {
        let found = alias
            .iter()
            .find_map(|n| ss.find_syntax_by_name(n))
            .or_else(|| ss.find_syntax_by_token(&lc))
            .or_else(|| ss.find_syntax_by_token(lc.trim_start_matches('.')));
        match found {
            Some(s) if s.name == "Plain Text" => return Resolved::Plain,
            Some(s) => return Resolved::Syntax(ss, s),
            None => {}
        }
    }
    Resolved::Unknown
}

/// The syntaxes a highlighter uses: two-face's set, plus the site's own (if any).
enum Syntaxes {
    /// No extra syntaxes: two-face's set.
    Base,
    /// Extra syntaxes that only refer to each other: linked as a small set of their own, looked
    /// up first; everything else comes from two-face's set. Fast.
    Split(SyntaxSet),
    /// Extra syntaxes that embed two-face ones (`embed: scope:source.js`): linked into a copy of
    /// two-face's set. Correct but slow to build (about half a second).
    Merged(SyntaxSet),
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
        };
        (h, warnings)
    }

    /// The syntax sets to look languages up in, in order (loads them on first call).
    fn sets(&self) -> Vec<&SyntaxSet> {
        let syntaxes = self.syntaxes.get_or_init(|| {
            if self.extra_syntaxes.is_empty() {
                return Syntaxes::Base;
            }
            if !refers_outside(&self.extra_syntaxes) {
                let own = catch_unwind(AssertUnwindSafe(|| {
                    let mut b = SyntaxSetBuilder::new();
                    for def in &self.extra_syntaxes {
                        b.add(def.clone());
                    }
                    b.build()
                }));
                if let Ok(own) = own {
                    return Syntaxes::Split(own);
                }
            }
            let mut builder = base_syntax_set().clone().into_builder();
            for def in &self.extra_syntaxes {
                builder.add(def.clone());
            }
            Syntaxes::Merged(builder.build())
        });
        match syntaxes {
            Syntaxes::Base => vec![base_syntax_set()],
            Syntaxes::Split(own) => vec![own, base_syntax_set()],
            Syntaxes::Merged(all) => vec![all],
        }
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

    fn theme(&self, name: &str) -> &Theme {
        if let Some((_, t)) = self.extra_themes.iter().rev().find(|(n, _)| n == name) {
            return t;
        }
        let themes = base_themes();
        themes
            .get(name)
            .or_else(|| themes.get(DEFAULT_THEME))
            .expect("the default theme is embedded")
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
        match highlight_lines(ss, syntax, self.scope_classes(), code, budget) {
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

    /// The stylesheet: token colours for the light theme and the dark theme. Dark applies
    /// under `[data-theme=dark]`, and under `@media (prefers-color-scheme: dark)` unless
    /// `data-theme=light`; light applies otherwise. Computed once.
    pub fn css(&self) -> String {
        self.css
            .get_or_init(|| {
                let light = theme_css(self.theme(&self.light));
                let dark = theme_css(self.theme(&self.dark));
                let mut out = format!(
                    "/* Code highlighting: light theme \"{}\", dark theme \"{}\" (generated by versus with syntect). */\n",
                    self.light.replace("*/", ""),
                    self.dark.replace("*/", "")
                );
                out.push_str("@media not all and (prefers-color-scheme: dark) {\n");
                out.push_str(&scoped_rules(&light, ":root:not([data-theme=dark])", "  "));
                out.push_str("}\n");
                out.push_str(&scoped_rules(&light, "[data-theme=light]", ""));
                out.push_str("@media (prefers-color-scheme: dark) {\n");
                out.push_str(&scoped_rules(&dark, ":root:not([data-theme=light])", "  "));
                out.push_str("}\n");
                out.push_str(&scoped_rules(&dark, "[data-theme=dark]", ""));
                out
            })
            .clone()
    }

    /// Every language a fence can name: `(syntax name, tokens)`, the tokens being the syntax's
    /// file extensions plus this module's aliases. Sorted by name; hidden syntaxes left out.
    pub fn languages(&self) -> Vec<(String, Vec<String>)> {
        let sets = self.sets();
        let mut by_name: Vec<(String, Vec<String>)> = Vec::new();
        for s in sets.iter().flat_map(|ss| ss.syntaxes().iter().rev()) {
            // The first definition found wins on lookups; list each name once.
            if s.hidden || by_name.iter().any(|(n, _)| *n == s.name) {
                continue;
            }
            let mut tokens: Vec<String> = s.file_extensions.clone();
            for (alias_tokens, _) in ALIASES {
                if let Some(tok) = alias_tokens.first()
                    && matches!(resolve_lang(&sets, Some(tok)), Resolved::Syntax(_, r) if r.name == s.name)
                {
                    tokens.extend(alias_tokens.iter().map(|t| t.to_string()));
                }
            }
            let mut seen = std::collections::HashSet::new();
            tokens.retain(|t| seen.insert(t.to_ascii_lowercase()));
            by_name.push((s.name.clone(), tokens));
        }
        by_name.sort_by_key(|(n, _)| n.to_ascii_lowercase());
        by_name
    }

    /// Every theme name that `theme`/`dark_theme` accept (embedded and the site's own), sorted.
    pub fn themes(&self) -> Vec<String> {
        let mut v: Vec<String> = embedded_theme_names()
            .map(str::to_string)
            .chain(self.extra_themes.iter().map(|(n, _)| n.clone()))
            .collect();
        v.sort_by_key(|n| n.to_ascii_lowercase());
        v.dedup();
        v
    }
}

/// Whether any of `defs` includes, embeds, pushes or sets a context of a syntax that is not
/// among `defs` (then they must be linked into two-face's set).
fn refers_outside(defs: &[SyntaxDefinition]) -> bool {
    let scopes: Vec<Scope> = defs.iter().map(|d| d.scope).collect();
    let names: Vec<&str> = defs.iter().map(|d| d.name.as_str()).collect();
    let external = |r: &ContextReference| match r {
        ContextReference::ByScope { scope, .. } => !scopes.contains(scope),
        ContextReference::File { name, .. } => !names.contains(&name.as_str()),
        _ => false,
    };
    defs.iter()
        .flat_map(|d| d.contexts.values())
        .flat_map(|c| &c.patterns)
        .any(|p| match p {
            Pattern::Include(r) => external(r),
            Pattern::Match(m) => {
                m.with_prototype.as_ref().is_some_and(external)
                    || match &m.operation {
                        MatchOperation::Push(v) | MatchOperation::Set(v) => v.iter().any(external),
                        _ => false,
                    }
            }
        })
}

fn load_extra_dir(
    dir: &Path,
    syntaxes: &mut Vec<SyntaxDefinition>,
    themes: &mut Vec<(String, Theme)>,
    warnings: &mut Vec<String>,
    id: &mut Xxh3,
) {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return,
        Err(e) => {
            warnings.push(format!("cannot read {}: {e}", dir.display()));
            return;
        }
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        match ext {
            "sublime-syntax" => {
                let text = match fs::read_to_string(&path) {
                    Ok(t) => t,
                    Err(e) => {
                        warnings.push(format!("cannot read {}: {e}", path.display()));
                        continue;
                    }
                };
                let fallback_name = path.file_stem().and_then(|s| s.to_str());
                let loaded =
                    catch_unwind(|| SyntaxDefinition::load_from_str(&text, true, fallback_name));
                match loaded {
                    Ok(Ok(def)) => {
                        id.update(&xxh3_64(text.as_bytes()).to_le_bytes());
                        syntaxes.push(def);
                    }
                    Ok(Err(e)) => warnings.push(format!("skipping syntax {}: {e}", path.display())),
                    Err(_) => warnings.push(format!(
                        "skipping syntax {}: the syntax loader crashed on it",
                        path.display()
                    )),
                }
            }
            "tmTheme" => {
                let name = path
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or("theme")
                    .to_string();
                match ThemeSet::get_theme(&path) {
                    Ok(t) => {
                        id.update(&xxh3_64(&fs::read(&path).unwrap_or_default()).to_le_bytes());
                        themes.push((name, t))
                    }
                    Err(e) => warnings.push(format!("skipping theme {}: {e}", path.display())),
                }
            }
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Highlighting proper
// ---------------------------------------------------------------------------------------------

enum Fallback {
    /// A line (1-based) is longer than [`MAX_LINE_BYTES`].
    LongLine(usize),
    /// The time budget ran out.
    Slow,
    /// syntect reported an error on a line (1-based).
    Error(String, usize),
}

/// Splits code into `(content, terminator)` pairs: the terminator is `"\n"`, `"\r\n"` or `""`.
fn split_lines(code: &str) -> impl Iterator<Item = (&str, &str)> {
    code.split_inclusive('\n').map(|l| {
        if let Some(c) = l.strip_suffix("\r\n") {
            (c, "\r\n")
        } else if let Some(c) = l.strip_suffix('\n') {
            (c, "\n")
        } else {
            (l, "")
        }
    })
}

/// Which scopes get a span, and their class attribute, from the two themes' rules.
///
/// Every rule of the generated CSS is a descendant selector of compounds
/// (`.hl-meta.hl-json .hl-string.hl-quoted`); a compound matches a span when its atoms are a
/// subset of the span's scope atoms. Per block, a span is kept when its scope matches the last
/// compound (the subject) of some rule, or an ancestor compound of a rule whose subject matches
/// some scope in the same block. Spans no rule can style are left out: the HTML is several
/// times smaller and looks the same.
struct ScopeClasses {
    rules: Vec<Rule>,
    known: RwLock<HashMap<Scope, Arc<ScopeInfo>>>,
}

struct Rule {
    subject: Vec<u16>,
    ancestors: Vec<Vec<u16>>,
}

struct ScopeInfo {
    class: Arc<str>,
    atoms: Vec<u16>,
    /// Rules whose subject compound matches this scope.
    subject_of: Vec<u32>,
}

impl ScopeClasses {
    fn new(themes: &[&Theme]) -> Self {
        let mut rules: Vec<Rule> = Vec::new();
        for theme in themes {
            for item in &theme.scopes {
                for sel in &item.scope.selectors {
                    let mut path: Vec<Vec<u16>> = sel
                        .extract_scopes()
                        .into_iter()
                        .map(scope_atoms)
                        .filter(|a| !a.is_empty())
                        .collect();
                    let Some(subject) = path.pop() else { continue };
                    path.sort();
                    path.dedup();
                    if !rules
                        .iter()
                        .any(|r| r.subject == subject && r.ancestors == path)
                    {
                        rules.push(Rule {
                            subject,
                            ancestors: path,
                        });
                    }
                }
            }
        }
        ScopeClasses {
            rules,
            known: RwLock::new(HashMap::new()),
        }
    }

    fn info(&self, scope: Scope) -> Arc<ScopeInfo> {
        if let Some(i) = self
            .known
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&scope)
        {
            return i.clone();
        }
        let atoms = scope_atoms(scope);
        let subject_of = (0..self.rules.len() as u32)
            .filter(|&r| is_subset(&self.rules[r as usize].subject, &atoms))
            .collect();
        let used = self.used_atoms(&atoms);
        let info = Arc::new(ScopeInfo {
            class: Arc::from(scope_classes(scope, &atoms, &used)),
            atoms,
            subject_of,
        });
        self.known
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(scope, info.clone());
        info
    }

    /// The atoms of a scope that some selector compound names. A compound matches this
    /// reduced class list exactly when it matches the whole scope (it is a subset of one iff
    /// of the other), so the page looks the same with a quarter fewer bytes of code HTML.
    fn used_atoms(&self, atoms: &[u16]) -> Vec<u16> {
        self.rules
            .iter()
            .flat_map(|r| std::iter::once(&r.subject).chain(&r.ancestors))
            .filter(|c| is_subset(c, atoms))
            .flatten()
            .copied()
            .collect()
    }

    /// For the scopes of one block: the class of each scope that gets a span.
    fn for_block(&self, scopes: &[Scope]) -> HashMap<Scope, Option<Arc<str>>> {
        let infos: Vec<(Scope, Arc<ScopeInfo>)> =
            scopes.iter().map(|&s| (s, self.info(s))).collect();
        let mut active: Vec<u32> = infos
            .iter()
            .flat_map(|(_, i)| i.subject_of.iter().copied())
            .filter(|&r| !self.rules[r as usize].ancestors.is_empty())
            .collect();
        active.sort_unstable();
        active.dedup();
        infos
            .into_iter()
            .map(|(scope, i)| {
                let needed = !i.subject_of.is_empty()
                    || active.iter().any(|&r| {
                        self.rules[r as usize]
                            .ancestors
                            .iter()
                            .any(|a| is_subset(a, &i.atoms))
                    });
                (scope, needed.then(|| i.class.clone()))
            })
            .collect()
    }
}

fn is_subset(small: &[u16], big: &[u16]) -> bool {
    small.iter().all(|a| big.contains(a))
}

fn scope_atoms(scope: Scope) -> Vec<u16> {
    (0..scope.len() as usize)
        .map(|i| scope.atom_at(i))
        .collect()
}

/// Highlights each line into balanced HTML: token spans still open at the end of a line are
/// closed there and reopened at the start of the next. One entry per line of [`split_lines`].
/// Same class names as syntect's `line_tokens_to_classed_spans`, plus: per-line balancing,
/// only the spans the themes can style (see [`ScopeClasses`]), no empty spans.
fn highlight_lines(
    ss: &SyntaxSet,
    syntax: &SyntaxReference,
    classes: &ScopeClasses,
    code: &str,
    budget: Duration,
) -> Result<Vec<String>, Fallback> {
    let start = Instant::now();
    // Pass 1: parse (the slow part, under the time budget).
    let mut state = ParseState::new(syntax);
    let mut buf = String::new();
    let mut all_ops = Vec::new();
    let mut scopes: Vec<Scope> = Vec::new();
    for (i, (content, _)) in split_lines(code).enumerate() {
        if content.len() > MAX_LINE_BYTES {
            return Err(Fallback::LongLine(i + 1));
        }
        buf.clear();
        buf.push_str(content);
        buf.push('\n');
        let ops = state
            .parse_line(&buf, ss)
            .map_err(|e| Fallback::Error(e.to_string(), i + 1))?;
        for (_, op) in &ops {
            if let ScopeStackOp::Push(s) = op
                && !scopes.contains(s)
            {
                scopes.push(*s);
            }
        }
        all_ops.push(ops);
        if start.elapsed() >= budget {
            return Err(Fallback::Slow);
        }
    }
    let class_of = classes.for_block(&scopes);

    // Pass 2: emit.
    let mut stack = ScopeStack::new();
    // Parallel to `stack`: the span's class if it was emitted.
    let mut emitted: Vec<Option<Arc<str>>> = Vec::new();
    let mut out = Vec::with_capacity(all_ops.len());
    for (i, ((content, _), ops)) in split_lines(code).zip(&all_ops).enumerate() {
        let mut html = String::with_capacity(content.len() * 3 + 32);
        // Start offsets of opening tags with nothing written after them yet.
        let mut empty_opens: Vec<usize> = Vec::new();
        for class in emitted.iter().flatten() {
            empty_opens.push(html.len());
            open_span(&mut html, class);
        }
        let mut cur = 0;
        for (at, op) in ops {
            let at = (*at).min(content.len());
            if at > cur {
                escape_into(&mut html, &content[cur..at]);
                empty_opens.clear();
                cur = at;
            }
            stack
                .apply_with_hook(op, |basic, _| match basic {
                    BasicScopeStackOp::Push(scope) => {
                        let class = match class_of.get(&scope) {
                            Some(c) => c.clone(),
                            // Not seen in pass 1 (cannot happen): decide alone.
                            None => classes.for_block(&[scope]).remove(&scope).flatten(),
                        };
                        if let Some(c) = &class {
                            empty_opens.push(html.len());
                            open_span(&mut html, c);
                        }
                        emitted.push(class);
                    }
                    BasicScopeStackOp::Pop => {
                        if let Some(Some(_)) = emitted.pop() {
                            match empty_opens.pop() {
                                Some(p) => html.truncate(p),
                                None => html.push_str("</span>"),
                            }
                        }
                    }
                })
                .map_err(|e| Fallback::Error(e.to_string(), i + 1))?;
        }
        if cur < content.len() {
            escape_into(&mut html, &content[cur..]);
            empty_opens.clear();
        }
        for _ in emitted.iter().flatten() {
            match empty_opens.pop() {
                Some(p) => html.truncate(p),
                None => html.push_str("</span>"),
            }
        }
        out.push(html);
    }
    Ok(out)
}

fn open_span(out: &mut String, class: &str) {
    out.push_str("<span class=\"");
    out.push_str(class);
    out.push_str("\">");
}

/// `keyword.control.python` → `hl-keyword hl-control hl-python` (syntect's names), keeping
/// only the atoms in `used`, in scope order. `atoms` are the scope's ([`scope_atoms`]).
fn scope_classes(scope: Scope, atoms: &[u16], used: &[u16]) -> String {
    let s = scope.build_string();
    let mut out = String::with_capacity(s.len() + 12);
    for (atom, id) in s.split('.').zip(atoms) {
        if !used.contains(id) {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(CLASS_PREFIX);
        escape_into(&mut out, atom);
    }
    out
}

/// The block's HTML; `lines` = highlighted lines, or `None` for plain text.
fn render_html(info: &FenceInfo, code: &str, lines: Option<&[String]>) -> String {
    let lang = info
        .lang
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map_or_else(|| "text".to_string(), str::to_ascii_lowercase);
    let mut h = String::with_capacity(code.len() * if lines.is_some() { 4 } else { 2 } + 256);
    h.push_str("<figure class=\"code");
    if info.linenos {
        h.push_str(" linenos");
    }
    h.push_str("\" data-lang=\"");
    escape_into(&mut h, &lang);
    h.push('"');
    if let Some(s) = &info.subject {
        h.push_str(" data-subject=\"");
        escape_into(&mut h, s);
        h.push('"');
    }
    h.push_str(">\n");
    if let Some(t) = &info.title {
        h.push_str("<figcaption class=\"code-title\">");
        escape_into(&mut h, t);
        h.push_str("</figcaption>\n");
    }
    h.push_str(
        "<button type=\"button\" class=\"copy\" aria-label=\"Copy code\" hidden>Copy</button>\n",
    );
    h.push_str("<pre class=\"code-pre hl-code\" tabindex=\"0\"><code class=\"language-");
    escape_into(&mut h, &lang);
    h.push_str("\">");
    for (i, (content, term)) in split_lines(code).enumerate() {
        let n = i + 1;
        h.push_str("<span class=\"line");
        if info.hl_lines.iter().any(|&(a, b)| a <= n && n <= b) {
            h.push_str(" hl");
        }
        h.push('"');
        if info.linenos {
            let _ = write!(h, " data-line=\"{n}\"");
        }
        h.push('>');
        match lines.and_then(|l| l.get(i)) {
            Some(html) => h.push_str(html),
            None => escape_into(&mut h, content),
        }
        h.push_str("</span>");
        h.push_str(term);
    }
    h.push_str("</code></pre>\n</figure>\n");
    h
}

/// HTML-escapes text into `out` (pulldown-cmark's SIMD escaper, the one the whole crate uses).
fn escape_into(out: &mut String, s: &str) {
    let _ = pulldown_cmark_escape::escape_html(out, s);
}

fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    escape_into(&mut o, s);
    o
}

// ---------------------------------------------------------------------------------------------
// CSS
// ---------------------------------------------------------------------------------------------

/// syntect's CSS for a theme, with the class style this module emits.
fn theme_css(theme: &Theme) -> String {
    css_for_theme_with_class_style(theme, CLASS_STYLE).unwrap_or_default()
}

/// Re-emits syntect's rules with every selector prefixed by `scope` (a descendant selector).
/// syntect joins selectors with exactly `", "` and escapes any other comma in class names,
/// so splitting on it is safe; selectors are not trimmed (CSS escapes may end in a space).
fn scoped_rules(css: &str, scope: &str, indent: &str) -> String {
    let mut out = String::with_capacity(css.len() * 2);
    let mut rest = css;
    // Drop the leading comment.
    if let Some(start) = rest.find("/*")
        && let Some(end) = rest[start..].find("*/")
    {
        rest = &rest[start + end + 2..];
    }
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            break;
        };
        let selectors = rest[..open].trim_start().trim_end_matches([' ', '\n']);
        let body = &rest[open + 1..close];
        rest = &rest[close + 1..];
        if selectors.is_empty() {
            continue;
        }
        out.push_str(indent);
        for (i, sel) in selectors.split(", ").enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(scope);
            out.push(' ');
            out.push_str(sel);
        }
        out.push_str(" {");
        for decl in body.lines().map(str::trim).filter(|d| !d.is_empty()) {
            out.push(' ');
            out.push_str(decl);
        }
        out.push_str(" }\n");
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Groups
// ---------------------------------------------------------------------------------------------

/// Wraps rendered blocks that each carry `subject=` into one side-by-side group.
/// `blocks[i]` = (subject title, subject page URL, block HTML); an empty URL gives an unlinked
/// label. `group_id` must be unique within the page (e.g. `g1`); panels are `{group_id}-{i}`.
///
/// ```html
/// <div class="code-group" data-group="g1">
/// <div class="code-group-tabs" role="tablist" hidden>
/// <button type="button" role="tab" aria-selected="true" aria-controls="g1-0" id="g1-0-tab">Flask</button>…
/// </div>
/// <div class="code-group-panel" id="g1-0" role="tabpanel" aria-labelledby="g1-0-tab">
/// <div class="code-group-label"><a href="/subjects/flask/">Flask</a></div>
/// …block html…
/// </div>…
/// </div>
/// ```
pub fn render_group(blocks: &[(String, String, String)], group_id: &str) -> String {
    let gid = escape(group_id);
    let mut h = String::with_capacity(blocks.iter().map(|b| b.2.len() + 300).sum::<usize>() + 200);
    let _ = writeln!(h, "<div class=\"code-group\" data-group=\"{gid}\">");
    h.push_str("<div class=\"code-group-tabs\" role=\"tablist\" hidden>\n");
    for (i, (title, _, _)) in blocks.iter().enumerate() {
        let _ = writeln!(
            h,
            "<button type=\"button\" role=\"tab\" aria-selected=\"{}\" aria-controls=\"{gid}-{i}\" id=\"{gid}-{i}-tab\">{}</button>",
            i == 0,
            escape(title)
        );
    }
    h.push_str("</div>\n");
    for (i, (title, url, html)) in blocks.iter().enumerate() {
        let _ = writeln!(
            h,
            "<div class=\"code-group-panel\" id=\"{gid}-{i}\" role=\"tabpanel\" aria-labelledby=\"{gid}-{i}-tab\">"
        );
        h.push_str("<div class=\"code-group-label\">");
        if url.is_empty() {
            h.push_str(&escape(title));
        } else {
            let _ = write!(h, "<a href=\"{}\">{}</a>", escape(url), escape(title));
        }
        h.push_str("</div>\n");
        h.push_str(html);
        if !html.ends_with('\n') {
            h.push('\n');
        }
        h.push_str("</div>\n");
    }
    h.push_str("</div>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hl() -> Highlighter {
        Highlighter::new(HighlightOptions::default()).0
    }

    fn fence(s: &str) -> FenceInfo {
        parse_fence_info(s)
    }

    /// The text content of the `<code>` element: tags stripped, entities decoded.
    fn code_text(html: &str) -> String {
        let start = html.find("<code").unwrap();
        let start = start + html[start..].find('>').unwrap() + 1;
        let end = html.rfind("</code>").unwrap();
        let mut text = String::new();
        let mut in_tag = false;
        for c in html[start..end].chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                _ if !in_tag => text.push(c),
                _ => {}
            }
        }
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    /// The inner HTML of each line span (the code split at the `\n`s between line spans).
    fn line_spans(html: &str) -> Vec<String> {
        let start = html.find("<code").unwrap();
        let start = start + html[start..].find('>').unwrap() + 1;
        let end = html.rfind("</code>").unwrap();
        html[start..end]
            .split('\n')
            .filter(|l| !l.is_empty())
            .map(|l| l.trim_end_matches('\r').to_string())
            .collect()
    }

    fn assert_balanced_lines(html: &str) {
        for line in line_spans(html) {
            assert!(line.starts_with("<span class=\"line"), "line: {line}");
            assert!(line.ends_with("</span>"), "line: {line}");
            let mut depth = 0i64;
            let mut rest = line.as_str();
            while let Some(p) = rest.find('<') {
                rest = &rest[p..];
                if rest.starts_with("</span>") {
                    depth -= 1;
                    assert!(depth >= 0, "close without open in {line}");
                } else if rest.starts_with("<span") {
                    depth += 1;
                } else {
                    panic!("unexpected tag in {line}");
                }
                rest = &rest[1..];
                if depth == 0 {
                    assert!(
                        !rest.contains("<span"),
                        "the line span closed early in {line}"
                    );
                }
            }
            assert_eq!(depth, 0, "unbalanced line: {line}");
        }
    }

    fn is_highlighted(html: &str) -> bool {
        html.contains("<span class=\"hl-")
    }

    #[test]
    fn highlighter_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Highlighter>();
    }

    #[test]
    fn fence_info_all_attributes() {
        let f = fence(r#"python title="app.py" hl_lines="3 5-7" linenos subject="flask""#);
        assert_eq!(f.lang.as_deref(), Some("python"));
        assert_eq!(f.title.as_deref(), Some("app.py"));
        assert_eq!(f.hl_lines, vec![(3, 3), (5, 7)]);
        assert!(f.linenos);
        assert_eq!(f.subject.as_deref(), Some("flask"));
        assert!(f.unknown.is_empty());
    }

    #[test]
    fn fence_info_quotes_and_bare_values() {
        let f = fence("js title='my app.js' subject=express hl_lines=2,4-5");
        assert_eq!(f.lang.as_deref(), Some("js"));
        assert_eq!(f.title.as_deref(), Some("my app.js"));
        assert_eq!(f.subject.as_deref(), Some("express"));
        assert_eq!(f.hl_lines, vec![(2, 2), (4, 5)]);
        assert!(!f.linenos);

        let f = fence(r#"  toml   title="a = b \"c" linenos=false  "#);
        assert_eq!(f.lang.as_deref(), Some("toml"));
        assert_eq!(f.title.as_deref(), Some("a = b \\"));
        assert!(!f.linenos);
        assert_eq!(f.unknown, vec!["c\"".to_string()]);

        let f = fence(r#"hl-lines="{1,3}" linenos"#);
        assert_eq!(f.lang, None);
        assert_eq!(f.hl_lines, vec![(1, 1), (3, 3)]);
        assert!(f.linenos);
    }

    #[test]
    fn fence_info_edge_cases() {
        assert_eq!(fence(""), FenceInfo::default());
        assert_eq!(fence("rust,ignore").lang.as_deref(), Some("rust"));
        let f = fence(r#"py wat=1 hl_lines="x-2" frobnicate"#);
        assert_eq!(f.lang.as_deref(), Some("py"));
        assert_eq!(f.unknown, vec!["wat=1", r#"hl_lines="x-2""#, "frobnicate"]);
        assert!(f.hl_lines.is_empty());
        // Unterminated quote: the value runs to the end, no panic.
        assert_eq!(fence(r#"sh title="oops"#).title.as_deref(), Some("oops"));
        assert_eq!(fence("title=").title.as_deref(), Some(""));
        assert_eq!(parse_ranges("5-3"), None);
        assert_eq!(parse_ranges("0"), None);
    }

    #[test]
    fn required_languages_resolve_to_real_syntaxes() {
        let ss = base_syntax_set();
        for token in [
            "toml",
            "yaml",
            "yml",
            "jinja2",
            "jinja",
            "j2",
            "django",
            "htmldjango",
            "html+django",
            "dtl",
            "dockerfile",
            "typescript",
            "ts",
            "tsx",
            "json",
            "sql",
            "console",
            "shell-session",
            "diff",
            "patch",
            "python",
            "py",
            "html",
            "bash",
            "sh",
            "shell",
            "zsh",
            "js",
            "ini",
            "TOML",
            "Python",
            "Dockerfile",
        ] {
            match resolve_lang(&[ss], Some(token)) {
                Resolved::Syntax(_, s) => assert_ne!(s.name, "Plain Text", "{token}"),
                _ => panic!("`{token}` does not resolve to a syntax"),
            }
        }
    }

    #[test]
    fn aliases_map_to_the_expected_syntaxes() {
        let ss = base_syntax_set();
        let name = |t: &str| match resolve_lang(&[ss], Some(t)) {
            Resolved::Syntax(_, s) => s.name.clone(),
            Resolved::Plain => "<plain>".into(),
            Resolved::Unknown => "<unknown>".into(),
        };
        assert_eq!(name("py"), "Python");
        for t in ["sh", "shell", "zsh", "bash"] {
            assert_eq!(name(t), "Bourne Again Shell (bash)", "{t}");
        }
        // bat has no shell-session syntax: console falls back to Bash.
        assert_eq!(name("console"), "Bourne Again Shell (bash)");
        assert_eq!(name("shell-session"), "Bourne Again Shell (bash)");
        assert_eq!(name("yml"), "YAML");
        for t in ["jinja", "jinja2", "j2"] {
            assert_eq!(name(t), "Jinja2", "{t}");
        }
        for t in ["django", "html+django", "htmldjango", "dtl"] {
            assert_eq!(name(t), "HTML (Jinja2)", "{t}");
        }
        assert_eq!(name("ts"), "TypeScript");
        assert_eq!(name("tsx"), "TypeScriptReact");
        assert_eq!(name("js"), "JavaScript (Babel)");
        assert_eq!(name("dockerfile"), "Dockerfile");
        assert_eq!(name("sql"), "SQL");
        assert_eq!(name("diff"), "Diff");
        assert_eq!(name("patch"), "Diff");
        assert_eq!(name("toml"), "TOML");
        assert_eq!(name("json"), "JSON");
        assert_eq!(name("ini"), "INI");
        for t in ["text", "plain", "txt", "TEXT", ""] {
            assert_eq!(name(t), "<plain>", "{t}");
        }
        assert_eq!(name("nosuchlang"), "<unknown>");
        // Every alias in the table names a syntax that exists.
        for (tokens, names) in ALIASES {
            assert!(
                names.iter().any(|n| ss.find_syntax_by_name(n).is_some()),
                "no syntax for {tokens:?}"
            );
            for t in *tokens {
                assert!(
                    matches!(resolve_lang(&[ss], Some(t)), Resolved::Syntax(..)),
                    "{t}"
                );
            }
        }
    }

    #[test]
    fn plain_and_missing_languages_have_no_warning() {
        let h = hl();
        for info in ["", "text", "plain", "txt"] {
            let b = h.render_block(&fence(info), "a < b\n");
            assert!(b.warnings.is_empty(), "{info}: {:?}", b.warnings);
            assert!(!is_highlighted(&b.html));
            assert!(
                b.html.contains("data-lang=\"text\"")
                    || b.html.contains(&format!("data-lang=\"{info}\""))
            );
            assert_eq!(code_text(&b.html), "a < b\n");
        }
    }

    #[test]
    fn unknown_language_is_plain_with_a_warning() {
        let b = hl().render_block(&fence("foo"), "x <y>\n");
        assert!(!is_highlighted(&b.html));
        assert!(b.html.contains("x &lt;y&gt;"));
        assert_eq!(
            b.warnings,
            vec![BlockWarning::new(
                "unknown language `foo` in code block; shown as plain text",
                0
            )]
        );
    }

    #[test]
    fn unknown_attributes_are_reported() {
        let b = hl().render_block(&fence("py frob=1"), "x = 1\n");
        assert!(is_highlighted(&b.html));
        assert_eq!(b.warnings.len(), 1);
        assert!(b.warnings[0].message.contains("`frob=1`"));
    }

    #[test]
    fn code_is_escaped() {
        let h = hl();
        let code = "<script>alert('x' && \"y\")</script>\n";
        for lang in ["html", "python", "text", "nosuch"] {
            let b = h.render_block(&fence(lang), code);
            assert!(!b.html.contains("<script>"), "{lang}: {}", b.html);
            assert!(b.html.contains("&lt;"), "{lang}");
            assert_eq!(code_text(&b.html), code, "{lang}");
        }
    }

    #[test]
    fn block_structure() {
        let b = hl().render_block(&fence("python"), "x = 1\n");
        let h = &b.html;
        assert!(
            h.starts_with("<figure class=\"code\" data-lang=\"python\">"),
            "{h}"
        );
        assert!(h.contains("<pre class=\"code-pre hl-code\" tabindex=\"0\"><code class=\"language-python\"><span class=\"line\">"));
        assert!(h.contains(
            "<button type=\"button\" class=\"copy\" aria-label=\"Copy code\" hidden>Copy</button>"
        ));
        assert!(h.trim_end().ends_with("</code></pre>\n</figure>"));
        assert!(!h.contains("figcaption"));
        assert!(!h.contains("data-line"));
        assert!(!h.contains("linenos"));
        assert!(!h.contains("style="), "classes, not inline styles");
    }

    #[test]
    fn linenos_markup() {
        let b = hl().render_block(&fence("python linenos"), "a = 1\nb = 2\nc = 3\n");
        assert!(b.html.starts_with("<figure class=\"code linenos\""));
        for n in 1..=3 {
            assert!(
                b.html
                    .contains(&format!("<span class=\"line\" data-line=\"{n}\">")),
                "{n}"
            );
        }
        assert!(!b.html.contains("data-line=\"4\""));
        assert!(!b.html.contains("<table"));
        assert_eq!(code_text(&b.html), "a = 1\nb = 2\nc = 3\n");
    }

    #[test]
    fn hl_lines_marking() {
        let code = "1\n2\n3\n4\n5\n6\n7\n8\n";
        let b = hl().render_block(&fence(r#"python hl_lines="3 5-7""#), code);
        let lines = line_spans(&b.html);
        assert_eq!(lines.len(), 8);
        for (i, l) in lines.iter().enumerate() {
            let n = i + 1;
            let marked = l.starts_with("<span class=\"line hl\"");
            assert_eq!(marked, n == 3 || (5..=7).contains(&n), "line {n}: {l}");
        }
        assert!(b.warnings.is_empty());
        // A range past the end is reported.
        let b = hl().render_block(&fence(r#"python hl_lines="9-10""#), code);
        assert_eq!(b.warnings.len(), 1);
        assert!(b.warnings[0].message.contains("9-10"));
        // linenos + hl together.
        let b = hl().render_block(&fence(r#"text hl_lines="2" linenos"#), "a\nb\n");
        assert!(
            b.html
                .contains("<span class=\"line hl\" data-line=\"2\">b</span>")
        );
    }

    #[test]
    fn title_caption_is_escaped() {
        let b = hl().render_block(&fence(r#"py title="<app>.py""#), "x\n");
        assert!(
            b.html
                .contains("<figcaption class=\"code-title\">&lt;app&gt;.py</figcaption>")
        );
        let b = hl().render_block(&fence(r#"py subject='a"b'"#), "x\n");
        assert!(b.html.contains("data-subject=\"a&quot;b\""));
    }

    #[test]
    fn text_content_round_trips_exactly() {
        let h = hl();
        let samples: &[(&str, &str)] = &[
            (
                "python",
                "def f(x):\n    \"\"\"Doc\n    string <b>\"\"\"\n    return x & 1\n\n\nprint('é ✓ 🎉')\n",
            ),
            ("python", "x = 'no trailing newline'"),
            ("python", "\n\n# leading blank lines\n"),
            (
                "html",
                "<!doctype html>\n<html>\n<!-- multi\nline comment -->\n<script>\nlet s = `a\nb`;\n</script>\n<style>a{color:red}</style>\n</html>\n",
            ),
            (
                "sql",
                "SELECT 'it''s', \"q\"\nFROM t -- c\n/* block\ncomment */ WHERE a < 3;\n",
            ),
            (
                "rust",
                "fn main() {\r\n    let s = r#\"raw\r\nstring\"#;\r\n}\r\n",
            ),
            (
                "bash",
                "cat <<EOF\nheredoc $x\nEOF\necho \"$(ls)\" | grep '&'\n",
            ),
            ("diff", "--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n"),
            ("yaml", "a: |\n  multi\n  line\nb: [1, 2]\n"),
            (
                "django",
                "{% for x in xs %}\n<p>{{ x|safe }}</p>\n{% endfor %}\n",
            ),
            (
                "tsx",
                "const A = () => <div className=\"x\">{a < b}</div>;\n",
            ),
            ("console", "$ ls -la\ntotal 0\n"),
            ("text", "plain\ttabs\r\nand CRLF\r\n"),
            ("python", ""),
        ];
        for (lang, code) in samples {
            let b = h.render_block(&fence(lang), code);
            assert!(b.warnings.is_empty(), "{lang}: {:?}", b.warnings);
            assert_eq!(&code_text(&b.html), code, "{lang}");
            if *lang != "text" && !code.is_empty() {
                assert!(is_highlighted(&b.html), "{lang}");
            }
            assert_balanced_lines(&b.html);
            assert_eq!(line_spans(&b.html).len(), code.lines().count(), "{lang}");
        }
    }

    #[test]
    fn multi_line_tokens_are_reopened_on_each_line() {
        let b = hl().render_block(&fence("python"), "s = \"\"\"one\ntwo\nthree\"\"\"\n");
        assert_balanced_lines(&b.html);
        let lines = line_spans(&b.html);
        // The string scope continues on line 2, so line 2 opens a string span itself.
        assert!(lines[1].contains("hl-string"), "{}", lines[1]);
    }

    #[test]
    fn size_guard_falls_back_to_plain() {
        let (h, _) = Highlighter::new(HighlightOptions {
            max_block_bytes: 100,
            ..Default::default()
        });
        let code = "x = 1\n".repeat(50);
        let b = h.render_block(&fence("python"), &code);
        assert!(!is_highlighted(&b.html));
        assert_eq!(code_text(&b.html), code);
        assert_eq!(b.warnings.len(), 1);
        assert!(
            b.warnings[0]
                .message
                .contains("over the highlighting limit"),
            "{:?}",
            b.warnings
        );
        // Small blocks are still highlighted.
        assert!(is_highlighted(
            &h.render_block(&fence("python"), "x = 1\n").html
        ));
    }

    #[test]
    fn long_line_guard_falls_back_to_plain() {
        let code = format!("a = 1\nb = '{}'\n", "x".repeat(MAX_LINE_BYTES + 1));
        let b = hl().render_block(&fence("python"), &code);
        assert!(!is_highlighted(&b.html));
        assert_eq!(code_text(&b.html), code);
        assert_eq!(b.warnings.len(), 1);
        assert_eq!(b.warnings[0].line_in_block, 2);
        assert!(b.warnings[0].message.contains("line longer than"));
    }

    #[test]
    fn time_guard_falls_back_to_plain() {
        let (h, _) = Highlighter::new(HighlightOptions {
            time_budget_ms: 0,
            ..Default::default()
        });
        let code = "def f(x):\n    return x\n".repeat(20);
        let b = h.render_block(&fence("python linenos"), &code);
        assert!(!is_highlighted(&b.html), "{}", b.html);
        assert_eq!(code_text(&b.html), code);
        assert!(
            b.html.contains("data-line=\"40\""),
            "plain keeps the line markup"
        );
        assert_eq!(
            b.warnings,
            vec![BlockWarning::new(
                "highlighting took longer than 0 ms; shown as plain text",
                0
            )]
        );
    }

    #[test]
    fn cache_hits_on_second_call() {
        let h = hl();
        let a = h.render_block(&fence("python"), "x = 1\n");
        assert_eq!(h.cache_stats(), (0, 1));
        let b = h.render_block(&fence("python"), "x = 1\n");
        assert_eq!(h.cache_stats(), (1, 1));
        assert_eq!(a, b);
        // Anything that changes the output is a different key.
        h.render_block(&fence("python linenos"), "x = 1\n");
        h.render_block(&fence("py"), "x = 1\n");
        h.render_block(&fence("python"), "x = 2\n");
        h.render_block(&fence("python title=a"), "x = 1\n");
        h.render_block(&fence("python hl_lines=1"), "x = 1\n");
        assert_eq!(h.cache_stats(), (1, 6));
    }

    #[test]
    fn cache_is_shared_across_threads() {
        let h = hl();
        rayon::scope(|s| {
            for _ in 0..8 {
                s.spawn(|_| {
                    for i in 0..20 {
                        h.render_block(&fence("sql"), &format!("SELECT {i};\n"));
                    }
                });
            }
        });
        let (hits, misses) = h.cache_stats();
        assert_eq!(hits + misses, 160);
        assert!(misses >= 20, "each distinct block misses at least once");
        assert_eq!(h.cache.iter().map(|s| lock(s).len()).sum::<usize>(), 20);
    }

    #[test]
    fn persistent_cache_round_trip_and_corruption() {
        let dir = std::env::temp_dir().join(format!("versus-hl-test-{}", std::process::id()));
        let path = dir.join("sub/highlight.bin");
        let code = "SELECT 1;\n";
        let h = hl();
        h.start_cache(&path).unwrap();
        let first = h.render_block(&fence("sql"), code);
        assert_eq!(
            h.render_block(&fence("sql"), code),
            first,
            "read back in the same build"
        );
        assert_eq!(h.cache_stats(), (1, 1));
        h.render_block(&fence("nosuch"), code); // has a warning: not saved
        assert_eq!(h.finish_cache().unwrap(), 1);

        let h2 = hl();
        assert_eq!(h2.load_cache(&path), Ok(1));
        h2.start_cache(&path).unwrap();
        let again = h2.render_block(&fence("sql"), code);
        assert_eq!(again, first);
        assert_eq!(h2.cache_stats(), (1, 0));
        // Blocks reused from the old file are carried into the new one.
        assert_eq!(h2.finish_cache().unwrap(), 1);
        let h2b = hl();
        assert_eq!(h2b.load_cache(&path), Ok(1));
        assert_eq!(h2b.render_block(&fence("sql"), code), first);
        assert_eq!(h2b.cache_stats(), (1, 0));

        // Corrupt: truncate, garbage (damage inside the file: see `disk`'s tests).
        let bytes = fs::read(&path).unwrap();
        let h3 = hl();
        fs::write(&path, &bytes[..10]).unwrap();
        assert!(h3.load_cache(&path).is_err());
        fs::write(&path, b"").unwrap();
        assert!(h3.load_cache(&path).is_err());
        assert_eq!(h3.render_block(&fence("sql"), code), first);
        assert_eq!(h3.cache_stats(), (0, 1));
        // Missing file: nothing to load, no error.
        assert_eq!(h3.load_cache(&dir.join("missing.bin")), Ok(0));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn css_has_both_themes_and_the_dark_switches() {
        let h = hl();
        let css = h.css();
        assert!(css.contains("@media (prefers-color-scheme: dark)"));
        assert!(css.contains(":root:not([data-theme=light]) .hl-"));
        assert!(css.contains("[data-theme=dark] .hl-"));
        assert!(css.contains("[data-theme=light] .hl-"));
        // InspiredGitHub's background and Monokai Extended's background.
        assert!(
            css.contains(
                "[data-theme=light] .hl-code { color: #323232; background-color: #ffffff; }"
            ),
            "{css}"
        );
        assert!(
            css.contains(
                "[data-theme=dark] .hl-code { color: #f8f8f2; background-color: #222222; }"
            ),
            "{css}"
        );
        assert!(
            !css.contains("/*\n"),
            "syntect's per-theme comment is dropped"
        );
        assert_eq!(css.matches('{').count(), css.matches('}').count());
        // Every rule of the dark part is scoped.
        let dark_part = &css[css.find("@media (prefers-color-scheme: dark)").unwrap()..];
        for line in dark_part.lines().skip(1).filter(|l| l.contains('{')) {
            for sel in line[..line.find('{').unwrap()].split(", ") {
                let sel = sel.trim_start();
                assert!(
                    sel.starts_with(":root:not([data-theme=light]) ")
                        || sel.starts_with("[data-theme=dark] "),
                    "{sel}"
                );
            }
        }
    }

    #[test]
    fn unknown_theme_names_warn_and_fall_back() {
        let (h, w) = Highlighter::new(HighlightOptions {
            theme: "nope".into(),
            dark_theme: "dracula".into(), // case-insensitive match
            ..Default::default()
        });
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("`nope`"));
        assert_eq!(h.light, DEFAULT_THEME);
        assert_eq!(h.dark, "Dracula");
        assert!(h.themes().contains(&"Nord".to_string()));
    }

    #[test]
    fn languages_lists_syntaxes_with_aliases() {
        let langs = hl().languages();
        let py = langs.iter().find(|(n, _)| n == "Python").unwrap();
        assert!(py.1.contains(&"py".to_string()) && py.1.contains(&"python3".to_string()));
        let bash = langs
            .iter()
            .find(|(n, _)| n == "Bourne Again Shell (bash)")
            .unwrap();
        assert!(bash.1.contains(&"console".to_string()));
        assert!(langs.iter().any(|(n, _)| n == "HTML (Jinja2)"));
    }

    #[test]
    fn group_html() {
        let blocks = vec![
            (
                "Flask".to_string(),
                "/subjects/flask/".to_string(),
                "<figure>A</figure>\n".to_string(),
            ),
            (
                "<Django & co>".to_string(),
                "/s/?a=1&b=\"2\"".to_string(),
                "<figure>B</figure>".to_string(),
            ),
            (
                "Bare".to_string(),
                String::new(),
                "<figure>C</figure>".to_string(),
            ),
        ];
        let g = render_group(&blocks, "g1");
        assert!(g.starts_with("<div class=\"code-group\" data-group=\"g1\">\n<div class=\"code-group-tabs\" role=\"tablist\" hidden>\n"));
        assert!(g.contains("<button type=\"button\" role=\"tab\" aria-selected=\"true\" aria-controls=\"g1-0\" id=\"g1-0-tab\">Flask</button>"));
        assert!(g.contains("<button type=\"button\" role=\"tab\" aria-selected=\"false\" aria-controls=\"g1-1\" id=\"g1-1-tab\">&lt;Django &amp; co&gt;</button>"));
        assert!(g.contains("<div class=\"code-group-panel\" id=\"g1-0\" role=\"tabpanel\" aria-labelledby=\"g1-0-tab\">\n<div class=\"code-group-label\"><a href=\"/subjects/flask/\">Flask</a></div>\n<figure>A</figure>\n</div>"));
        assert!(g.contains("<a href=\"/s/?a=1&amp;b=&quot;2&quot;\">&lt;Django &amp; co&gt;</a>"));
        assert!(
            g.contains("<div class=\"code-group-label\">Bare</div>\n<figure>C</figure>\n</div>")
        );
        assert_eq!(g.matches("<div").count(), g.matches("</div>").count());
        assert!(!g.contains("<Django"));
    }

    #[test]
    fn extra_dir_syntaxes_and_themes() {
        let dir = std::env::temp_dir().join(format!("versus-hl-extra-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("versuslang.sublime-syntax"),
            "%YAML 1.2\n---\nname: VersusLang\nfile_extensions: [vsl]\nscope: source.vsl\ncontexts:\n  main:\n    - match: '\\b(versus|vs)\\b'\n      scope: keyword.other.vsl\n    - match: '#.*$'\n      scope: comment.line.vsl\n",
        )
        .unwrap();
        fs::write(dir.join("broken.sublime-syntax"), "name: [unclosed\n").unwrap();
        fs::write(dir.join("badregex.sublime-syntax"), "%YAML 1.2\n---\nname: Bad\nscope: source.bad\ncontexts:\n  main:\n    - match: '(unclosed'\n      scope: keyword.bad\n").unwrap();
        fs::write(
            dir.join("Mine.tmTheme"),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>name</key><string>Mine</string>
<key>settings</key><array>
<dict><key>settings</key><dict><key>background</key><string>#101010</string><key>foreground</key><string>#eeeeee</string></dict></dict>
<dict><key>scope</key><string>keyword</string><key>settings</key><dict><key>foreground</key><string>#ff0000</string></dict></dict>
</array></dict></plist>"#,
        )
        .unwrap();
        fs::write(dir.join("Broken.tmTheme"), "not a plist").unwrap();
        fs::write(dir.join("README.md"), "ignored").unwrap();

        let (h, w) = Highlighter::new(HighlightOptions {
            dark_theme: "Mine".into(),
            extra_dir: Some(dir.clone()),
            ..Default::default()
        });
        assert_eq!(w.len(), 3, "{w:?}");
        assert!(w.iter().any(|m| m.contains("broken.sublime-syntax")));
        assert!(w.iter().any(|m| m.contains("badregex.sublime-syntax")));
        assert!(w.iter().any(|m| m.contains("Broken.tmTheme")));
        assert!(h.themes().contains(&"Mine".to_string()));

        let b = h.render_block(&fence("vsl"), "flask vs django # pick one\n");
        assert!(b.warnings.is_empty(), "{:?}", b.warnings);
        assert!(
            b.html.contains("<span class=\"hl-keyword\">vs</span>"),
            "{}",
            b.html
        );
        let b = h.render_block(&fence("VersusLang"), "versus\n");
        assert!(is_highlighted(&b.html));
        // The base syntaxes are still there.
        assert!(is_highlighted(
            &h.render_block(&fence("toml"), "a = 1\n").html
        ));
        assert!(
            h.languages()
                .iter()
                .any(|(n, t)| n == "VersusLang" && t == &["vsl"])
        );
        assert!(matches!(h.syntaxes.get(), Some(Syntaxes::Split(_))));
        let css = h.css();
        assert!(
            css.contains("[data-theme=dark] .hl-keyword { color: #ff0000; }"),
            "{css}"
        );

        // A missing folder is fine: nothing to add.
        let (_, w) = Highlighter::new(HighlightOptions {
            extra_dir: Some(dir.join("nope")),
            ..Default::default()
        });
        assert!(w.is_empty());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn only_spans_the_themes_can_style_are_emitted() {
        let b = hl().render_block(&fence("python"), "def f(x):\n    return g(x)  # done\n");
        // Styled by the themes' `keyword` rules: kept, with only the atoms a rule uses.
        assert!(
            b.html.contains("<span class=\"hl-keyword\">def</span>"),
            "{}",
            b.html
        );
        assert!(b.html.contains("hl-comment"));
        // `meta.generic-name` (the call `g`) is matched by no rule: no span.
        assert!(!b.html.contains("hl-generic-name"), "{}", b.html);
        // Ancestor compounds of rules that apply in the block are kept: a theme styles
        // `meta.mapping … string`-like paths, so JSON's `meta.*` spans stay (a string is in
        // the block), reduced to the atoms those compounds name.
        let b = hl().render_block(&fence("json"), "{\"a\": \"b\"}\n");
        assert!(b.html.contains("<span class=\"hl-meta"), "{}", b.html);
    }

    #[test]
    fn reduced_classes_match_exactly_the_rules_the_whole_scope_matches() {
        let h = hl();
        let classes = h.scope_classes();
        let ss = base_syntax_set();
        let samples = [
            (
                "python",
                "@app.route('/a')\nasync def f(x: int = 3) -> str:\n    return f\"{x!r}\"  # c\n",
            ),
            (
                "html",
                "<!DOCTYPE html>\n<a href=\"/x\" class=b>t &amp; u</a><script>let a = 1;</script>\n",
            ),
            (
                "bash",
                "for f in *.md; do echo \"$f\" | grep -q x && exit 1; done\n",
            ),
            ("toml", "[a.b]\nc = [1, \"d\", { e = true }] # f\n"),
            ("json", "{\"a\": [1, null, \"b\"]}\n"),
            (
                "sql",
                "SELECT a, COUNT(*) FROM t WHERE b = 'c' GROUP BY a;\n",
            ),
        ];
        let mut checked = 0;
        for (lang, code) in samples {
            let syntax = ss.find_syntax_by_token(lang).unwrap();
            let mut state = ParseState::new(syntax);
            for line in code.split_inclusive('\n') {
                for (_, op) in state.parse_line(line, ss).unwrap() {
                    let ScopeStackOp::Push(scope) = op else {
                        continue;
                    };
                    let atoms = scope_atoms(scope);
                    let used = classes.used_atoms(&atoms);
                    let class = scope_classes(scope, &atoms, &used);
                    for r in &classes.rules {
                        for c in std::iter::once(&r.subject).chain(&r.ancestors) {
                            assert_eq!(is_subset(c, &used), is_subset(c, &atoms), "{scope:?}");
                        }
                    }
                    let mut names: Vec<&str> = class.split(' ').filter(|c| !c.is_empty()).collect();
                    names.dedup();
                    assert!(names.len() <= atoms.len(), "{class}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 50, "{checked}");
    }

    #[test]
    fn extra_syntax_embedding_a_base_syntax_is_linked_into_the_base_set() {
        let dir = std::env::temp_dir().join(format!("versus-hl-embed-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("pydoc.sublime-syntax"),
            "%YAML 1.2\n---\nname: PyDoc\nfile_extensions: [pydoc]\nscope: source.pydoc\ncontexts:\n  main:\n    - match: '^>>> '\n      scope: keyword.other.prompt.pydoc\n    - include: scope:source.python\n",
        )
        .unwrap();
        let (h, w) = Highlighter::new(HighlightOptions {
            extra_dir: Some(dir.clone()),
            ..Default::default()
        });
        assert!(w.is_empty(), "{w:?}");
        let b = h.render_block(&fence("pydoc"), ">>> x = 1\ndef f(): pass\n");
        assert!(b.warnings.is_empty(), "{:?}", b.warnings);
        assert!(
            b.html
                .contains("<span class=\"hl-keyword\">&gt;&gt;&gt; </span>"),
            "{}",
            b.html
        );
        assert!(b.html.contains(">def</span>"), "{}", b.html);
        assert!(matches!(h.syntaxes.get(), Some(Syntaxes::Merged(_))));
        assert!(is_highlighted(
            &h.render_block(&fence("yaml"), "a: 1\n").html
        ));
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn never_panics_on_odd_input() {
        let h = hl();
        let odd = [
            "\u{0}\u{1}\u{7f}",
            "\r",
            "\r\r\n",
            "\n\n\n",
            "é\u{200b}🎉",
            "'''",
            "\"\"\"",
            "{% if %}{{",
            "<!--",
            "/*",
            "`",
            "\\",
            "$(",
            "<<EOF",
        ];
        for lang in [
            "python", "html", "sql", "bash", "django", "tsx", "yaml", "markdown", "text", "?!",
            "c++", ".",
        ] {
            for code in odd {
                let b = h.render_block(&fence(lang), code);
                assert_eq!(code_text(&b.html), code, "{lang} {code:?}");
            }
        }
    }
}
