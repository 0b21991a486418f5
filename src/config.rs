//! `versus.toml` → [`Config`]. Every key has a default, so the file is optional; keys versus
//! does not know are reported as warnings (with the line) rather than silently ignored, and a
//! wrong type is an error with line and column.
//!
//! This module only reads configuration. Command-line overrides (`--base-url`, `--output`) are
//! applied by the caller through [`Config::override_base_url`] and friends.

use std::path::Path;

use serde::Deserialize;

use crate::diagnostics::{Diagnostic, line_col};

pub const CONFIG_FILE: &str = "versus.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute URL of the site; its path is the prefix of every root-relative link.
    pub base_url: String,
    pub language: String,
    pub theme: String,
    pub output_dir: String,
    /// Source repository of the site (for "edit this page"), e.g. `https://github.com/o/r`.
    pub repository: Option<String>,
    /// Branch used in "edit this page" links.
    pub edit_branch: String,
    pub highlight: HighlightConfig,
    pub build: BuildConfig,
    /// Free-form values for templates: `config.extra.*`.
    pub extra: toml::Table,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct HighlightConfig {
    /// Light theme name.
    pub theme: String,
    /// Dark theme name.
    pub dark_theme: String,
    /// Blocks larger than this many bytes are shown as plain text (a guard against
    /// pathological regex time in syntaxes).
    pub max_block_bytes: usize,
    /// Per-block time budget in milliseconds before falling back to plain text.
    pub time_budget_ms: u64,
    /// Keep highlighted blocks in `.versus-cache/` between builds.
    pub cache: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct BuildConfig {
    pub minify: bool,
    /// Content-hash the names of theme/site CSS and JS (`style.3f2a9c1b.css`).
    pub fingerprint: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "A versus site".into(),
            description: String::new(),
            base_url: "/".into(),
            language: "en".into(),
            theme: "default".into(),
            output_dir: "site".into(),
            repository: None,
            edit_branch: "main".into(),
            highlight: HighlightConfig::default(),
            build: BuildConfig::default(),
            extra: toml::Table::new(),
        }
    }
}

impl Default for HighlightConfig {
    fn default() -> Self {
        HighlightConfig {
            theme: "Coldark-Cold".into(),
            dark_theme: "Coldark-Dark".into(),
            max_block_bytes: 256 * 1024,
            time_budget_ms: 2000,
            cache: true,
        }
    }
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig {
            minify: false,
            fingerprint: true,
        }
    }
}

impl Config {
    /// Reads `root/versus.toml` if it exists. Returns the config (defaults where the file is
    /// missing or broken) and the diagnostics found.
    pub fn load(root: &Path) -> (Config, Vec<Diagnostic>) {
        let path = root.join(CONFIG_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Config::parse(&text),
                Err(e) => {
                    let (line, col) = line_col(
                        &String::from_utf8_lossy(e.as_bytes()),
                        e.utf8_error().valid_up_to(),
                    );
                    (
                        Config::default(),
                        vec![
                            Diagnostic::error("versus.toml is not valid UTF-8")
                                .in_file(CONFIG_FILE)
                                .at(line, col, None),
                        ],
                    )
                }
            },
            Err(_) => (Config::default(), Vec::new()),
        }
    }

    /// Parses the text of a `versus.toml`.
    pub fn parse(text: &str) -> (Config, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut unknown = Vec::new();
        let de = toml::Deserializer::parse(text);
        let result = de.and_then(|de| {
            serde_ignored::deserialize(de, |path| {
                let p = path.to_string();
                // `extra` is free-form by design.
                if !p.starts_with("extra.") {
                    unknown.push(p);
                }
            })
        });
        let mut config = match result {
            Ok(c) => c,
            Err(e) => {
                let (line, col) = e.span().map_or((0, 0), |s| line_col(text, s.start));
                diags.push(
                    Diagnostic::error(format!("invalid versus.toml: {}", e.message()))
                        .in_file(CONFIG_FILE)
                        .at(line, col, Some(text)),
                );
                Config::default()
            }
        };
        for key in unknown {
            let last = key.rsplit('.').next().unwrap_or(&key);
            let line = find_key_line(text, last);
            let known = [
                "title",
                "description",
                "base_url",
                "language",
                "theme",
                "output_dir",
                "repository",
                "edit_branch",
                "highlight",
                "build",
                "extra",
                "minify",
                "fingerprint",
                "dark_theme",
                "max_block_bytes",
                "time_budget_ms",
                "cache",
            ];
            let mut d =
                Diagnostic::warning(format!("unknown key `{key}` in versus.toml is ignored"))
                    .in_file(CONFIG_FILE)
                    .at(line, if line > 0 { 1 } else { 0 }, Some(text));
            if let Some(c) = crate::diagnostics::closest(last, known) {
                d = d.with_help(format!("did you mean `{c}`?"));
            } else {
                d = d.with_help("put your own values under [extra]");
            }
            diags.push(d);
        }
        config.normalize();
        (config, diags)
    }

    /// Replaces `base_url`, as `--base-url` does.
    pub fn override_base_url(&mut self, url: &str) {
        self.base_url = url.to_string();
        self.normalize();
    }

    fn normalize(&mut self) {
        if !self.base_url.ends_with('/') {
            self.base_url.push('/');
        }
    }

    /// The path part of `base_url` without a trailing slash: `""` or `"/docs"`.
    pub fn base_path(&self) -> String {
        base_path_of(&self.base_url)
    }

    /// `base_url` without its trailing slash, for making absolute URLs: `https://x.org/docs`.
    pub fn absolute_prefix(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }
}

/// The path of a URL without a trailing slash: `https://x.org/a/b/` → `/a/b`, `/` → ``.
pub fn base_path_of(url: &str) -> String {
    let after_scheme = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => {
            // A bare path such as "/docs/".
            return normalize_path(url);
        }
    };
    match after_scheme.find('/') {
        Some(i) => normalize_path(&after_scheme[i..]),
        None => String::new(),
    }
}

fn normalize_path(p: &str) -> String {
    let p = p.split(['?', '#']).next().unwrap_or("");
    let segments: Vec<&str> = p.split('/').filter(|s| !s.is_empty()).collect();
    if segments.is_empty() {
        String::new()
    } else {
        format!("/{}", segments.join("/"))
    }
}

/// 1-based line of the first line that starts with `key` as a TOML key (0 when not found).
fn find_key_line(text: &str, key: &str) -> usize {
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start().trim_start_matches('[');
        let t = t.trim_start_matches('"');
        if let Some(rest) = t.strip_prefix(key) {
            let rest = rest.trim_start_matches('"').trim_start();
            if rest.starts_with('=') || rest.starts_with(']') {
                return i + 1;
            }
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_for_an_empty_file() {
        let (c, d) = Config::parse("");
        assert!(d.is_empty());
        assert_eq!(c.theme, "default");
        assert_eq!(c.base_path(), "");
    }

    #[test]
    fn unknown_keys_warn_with_their_line() {
        let (_, d) = Config::parse("title = \"x\"\ntitel = \"y\"\n[build]\nminfy = true\n");
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!(d[0].line, 2);
        assert!(d[0].message.contains("`titel`"));
        assert_eq!(d[0].help.as_deref(), Some("did you mean `title`?"));
        assert!(d[1].message.contains("build.minfy"));
    }

    #[test]
    fn wrong_type_is_an_error_with_position() {
        let (_, d) = Config::parse("title = \"x\"\n[build]\nminify = \"yes\"\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].is_error());
        assert_eq!(d[0].line, 3);
    }

    #[test]
    fn base_paths() {
        assert_eq!(base_path_of("https://example.org/"), "");
        assert_eq!(base_path_of("https://example.org"), "");
        assert_eq!(base_path_of("https://example.org/docs/"), "/docs");
        assert_eq!(base_path_of("https://x.test/a//b"), "/a/b");
        assert_eq!(base_path_of("/sub/"), "/sub");
    }
}
