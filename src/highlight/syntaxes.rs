//! The syntaxes and themes a highlighter uses: two-face's (bat's) sets, loaded once per process,
//! a site's own `highlight/` folder, and which syntax a fence's language token names.
//!
//! **For:** loading and linking syntax sets, resolving `py`, `shell-session`, `.toml`… to a
//! syntax ([`resolve_lang`]), picking themes, listing languages and themes.
//! **Not for:** highlighting itself ([`super::lines`]) or the stylesheet ([`super::css`]).

use std::fs;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use syntect::highlighting::{Theme, ThemeSet};
use syntect::parsing::syntax_definition::{ContextReference, MatchOperation, Pattern};
use syntect::parsing::{Scope, SyntaxDefinition, SyntaxReference, SyntaxSet, SyntaxSetBuilder};
use two_face::theme::LazyThemeSet;
use xxhash_rust::xxh3::{Xxh3, xxh3_64};

use super::{DEFAULT_THEME, Highlighter};

static BASE_SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
static BASE_THEMES: OnceLock<LazyThemeSet> = OnceLock::new();

/// two-face's syntax set (bat's syntaxes), loaded once per process on first use.
pub fn base_syntax_set() -> &'static SyntaxSet {
    BASE_SYNTAXES.get_or_init(two_face::syntax::extra_newlines)
}

pub(super) fn base_themes() -> &'static LazyThemeSet {
    BASE_THEMES.get_or_init(|| two_face::theme::extra().into())
}

pub(super) fn embedded_theme_names() -> impl Iterator<Item = &'static str> {
    two_face::theme::EmbeddedLazyThemeSet::theme_names()
        .iter()
        .map(|t| t.as_name())
}

/// Tokens that mean "no highlighting" (no warning either).
pub(super) const PLAIN_TOKENS: &[&str] = &[
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
pub(super) const ALIASES: &[(&[&str], &[&str])] = &[
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
pub(super) enum Resolved<'s> {
    Plain,
    Syntax(&'s SyntaxSet, &'s SyntaxReference),
    Unknown,
}

/// Resolves a fence's language token in `sets`, in order (a site's own syntaxes come first).
pub(super) fn resolve_lang<'s>(sets: &[&'s SyntaxSet], token: Option<&str>) -> Resolved<'s> {
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
pub(super) enum Syntaxes {
    /// No extra syntaxes: two-face's set.
    Base,
    /// Extra syntaxes that only refer to each other: linked as a small set of their own, looked
    /// up first; everything else comes from two-face's set. Fast.
    Split(SyntaxSet),
    /// Extra syntaxes that embed two-face ones (`embed: scope:source.js`): linked into a copy of
    /// two-face's set. Correct but slow to build (about half a second).
    Merged(SyntaxSet),
}

impl Highlighter {
    /// The syntax sets to look languages up in, in order (loads them on first call).
    pub(super) fn sets(&self) -> Vec<&SyntaxSet> {
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

    pub(super) fn theme(&self, name: &str) -> &Theme {
        if let Some((_, t)) = self.extra_themes.iter().rev().find(|(n, _)| n == name) {
            return t;
        }
        let themes = base_themes();
        themes
            .get(name)
            .or_else(|| themes.get(DEFAULT_THEME))
            .expect("the default theme is embedded")
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
pub(super) fn refers_outside(defs: &[SyntaxDefinition]) -> bool {
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

pub(super) fn load_extra_dir(
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
