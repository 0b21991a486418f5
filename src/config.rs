//! `versus.toml` → [`Config`]. Every key has a default, so the file is optional; keys versus
//! does not know are reported as warnings (with the line) rather than silently ignored, and a
//! wrong type is an error with line and column.
//!
//! `[deploy]` is read here too (its keys make one target, each `[deploy.NAME]` table another);
//! what the targets mean is [`crate::deploy`]'s business.
//!
//! This module only reads configuration. Command-line overrides (`--base-url`, `--output`) are
//! applied by the caller through [`Config::override_base_url`] and friends.

use std::path::Path;

use serde::Deserialize;

use std::collections::BTreeMap;

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
    /// The site's other languages (`[languages.de]`), each with its own pages under
    /// `/<code>/` (see `crate::content::languages`).
    pub languages: BTreeMap<String, LanguageConfig>,
    pub theme: String,
    pub output_dir: String,
    /// Source repository of the site, for "edit this page" and links to the line of each
    /// statement, e.g. `https://github.com/o/r`. `repository` is its older name.
    #[serde(alias = "repository")]
    pub repo_url: Option<String>,
    /// Branch those links point at. `edit_branch` is its older name.
    #[serde(alias = "edit_branch")]
    pub repo_branch: String,
    /// Where the site's root is inside the repository (`docs/site`), when it is not the
    /// repository's root.
    pub repo_subdir: String,
    /// A link to a line of a file for hosts versus does not recognise, with `{repo}`,
    /// `{branch}`, `{path}` and `{line}` (see `crate::render` `edit_links`).
    pub edit_pattern: Option<String>,
    pub highlight: HighlightConfig,
    pub build: BuildConfig,
    pub compare: CompareConfig,
    pub trust: TrustConfig,
    /// Free-form values for templates: `config.extra.*`.
    pub extra: toml::Table,
    /// Where `versus deploy` publishes, read from `deploy_table` by [`Config::parse`].
    #[serde(skip)]
    pub deploy: DeployConfig,
    /// `[deploy]` as written: a table whose plain keys and sub-tables mean different things,
    /// which serde's derive cannot tell apart without losing unknown-key warnings.
    #[serde(rename = "deploy")]
    deploy_table: toml::Table,
}

/// `[languages.<code>]`: one of the site's other languages.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LanguageConfig {
    /// The site's title in this language (else the main `title`).
    pub title: Option<String>,
    pub description: Option<String>,
}

/// `[deploy]`: the targets `versus deploy [TARGET]` can publish to, in file order. The keys of
/// `[deploy]` itself make the unnamed target (name `""`); each `[deploy.NAME]` table a named one.
#[derive(Debug, Clone, Default)]
pub struct DeployConfig {
    pub targets: indexmap::IndexMap<String, DeployTarget>,
}

/// What a deploy target is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeployKind {
    /// A branch of a git remote (GitHub, Codeberg or GitLab Pages).
    Git,
    /// An S3-compatible bucket (AWS S3, Cloudflare R2, MinIO, Backblaze B2).
    S3,
    /// A local or mounted folder.
    Folder,
    /// Anything `rsync` reaches, e.g. a server's folder over SSH.
    Rsync,
}

/// One deploy target's keys, as written. Which are required and what is assumed for the rest
/// depends on `target` and is decided by `crate::deploy`, which names the missing key.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DeployTarget {
    pub target: Option<DeployKind>,
    /// Builds for this target with this `base_url` (`--base-url` still wins).
    pub base_url: Option<String>,
    /// Files on the target that are not in the build but are never deleted (default: CNAME).
    pub keep: Option<Vec<String>>,
    /// A command run after a deploy that changed something (CDN invalidation).
    pub invalidate: Option<String>,
    // git
    pub remote: Option<String>,
    pub branch: Option<String>,
    pub message: Option<String>,
    pub nojekyll: Option<bool>,
    // s3
    pub bucket: Option<String>,
    pub prefix: Option<String>,
    pub region: Option<String>,
    pub endpoint: Option<String>,
    pub path_style: Option<bool>,
    pub profile: Option<String>,
    // folder
    pub path: Option<String>,
    // rsync
    pub destination: Option<String>,
}

/// Every key a deploy target may have, for "did you mean" hints.
const DEPLOY_KEYS: [&str; 16] = [
    "target",
    "base_url",
    "keep",
    "invalidate",
    "remote",
    "branch",
    "message",
    "nojekyll",
    "bucket",
    "prefix",
    "region",
    "endpoint",
    "path_style",
    "profile",
    "path",
    "destination",
];

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

/// `[compare]`: how comparison pages scale with the size of the comparison.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct CompareConfig {
    /// Which pairs of subjects get a page of their own.
    pub pairs: PairPolicy,
    /// Rows on one page (features, statements, pages, groups) before a list continues on
    /// further pages (`…/page/2/`), and the most rows a hub page shows.
    pub per_page: usize,
    /// Subject columns a static matrix shows; readers pick others in the comparison view.
    pub max_columns: usize,
    /// Statements a row of a subject's or a feature's page lists; the rest are counted by
    /// level, so the page stays the same size however many articles say the same thing.
    pub max_statements: usize,
}

/// `[trust]`: how statements are dated and when they count as stale.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TrustConfig {
    /// Date a statement with no date of its own by the last commit that touched its line.
    pub git_dates: bool,
    /// `versus check` lists statements older than this (`18m`, `90d`, `2y`); `--stale` wins.
    pub stale: Option<String>,
}

/// Which pairs of subjects get a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PairPolicy {
    /// Pairs that some page compares (both in its `subjects`).
    Compared,
    /// Every pair of subjects with a feature in common.
    All,
    /// No pair pages.
    None,
}

impl Default for CompareConfig {
    fn default() -> Self {
        CompareConfig {
            pairs: PairPolicy::Compared,
            per_page: 100,
            max_columns: 12,
            max_statements: 10,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "A versus site".into(),
            description: String::new(),
            base_url: "/".into(),
            language: "en".into(),
            languages: BTreeMap::new(),
            theme: "default".into(),
            output_dir: "site".into(),
            repo_url: None,
            repo_branch: "main".into(),
            repo_subdir: String::new(),
            edit_pattern: None,
            highlight: HighlightConfig::default(),
            build: BuildConfig::default(),
            compare: CompareConfig::default(),
            trust: TrustConfig::default(),
            extra: toml::Table::new(),
            deploy: DeployConfig::default(),
            deploy_table: toml::Table::new(),
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
        config.check_languages(text, &mut diags);
        let table = std::mem::take(&mut config.deploy_table);
        config.deploy = parse_deploy(table, text, &mut diags, &mut unknown);
        for key in unknown {
            let last = key.rsplit('.').next().unwrap_or(&key);
            let line = find_key_line(text, last);
            let deploy = key.starts_with("deploy.").then_some(DEPLOY_KEYS);
            let known = deploy.into_iter().flatten().chain([
                "title",
                "description",
                "base_url",
                "language",
                "languages",
                "theme",
                "output_dir",
                "repo_url",
                "repo_branch",
                "repo_subdir",
                "edit_pattern",
                "trust",
                "git_dates",
                "stale",
                "highlight",
                "build",
                "compare",
                "extra",
                "deploy",
                "minify",
                "fingerprint",
                "dark_theme",
                "max_block_bytes",
                "time_budget_ms",
                "cache",
                "pairs",
                "per_page",
                "max_columns",
                "max_statements",
            ]);
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
        config.check_trust(text, &mut diags);
        config.normalize();
        (config, diags)
    }

    /// `edit_pattern` and `[trust] stale` are checked here, so that a typo is reported by
    /// every command, with its line.
    fn check_trust(&mut self, text: &str, diags: &mut Vec<Diagnostic>) {
        let error = |key: &str, message: String, help: &str| {
            let line = find_key_line(text, key);
            Diagnostic::error(message)
                .in_file(CONFIG_FILE)
                .at(line, if line > 0 { 1 } else { 0 }, Some(text))
                .with_help(help)
        };
        if let Some(p) = &self.edit_pattern
            && let Some(problem) = crate::edit_links::check_pattern(p)
        {
            diags.push(error(
                "edit_pattern",
                format!("invalid edit_pattern: {problem}"),
                "e.g. edit_pattern = \"{repo}/-/blob/{branch}/{path}#L{line}\"",
            ));
            self.edit_pattern = None;
        }
        if let Some(s) = &self.trust.stale
            && crate::content::parse_age(s).is_none()
        {
            diags.push(error(
                "stale",
                format!("invalid `stale` in [trust]: `{s}` is not an age"),
                "write a number and d, w, m (months) or y: stale = \"18m\"",
            ));
            self.trust.stale = None;
        }
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
        // A page must hold at least one row, and a matrix one column.
        self.compare.per_page = self.compare.per_page.max(1);
        self.compare.max_columns = self.compare.max_columns.max(1);
        self.compare.max_statements = self.compare.max_statements.max(1);
    }

    /// The path part of `base_url` without a trailing slash: `""` or `"/docs"`.
    pub fn base_path(&self) -> String {
        base_path_of(&self.base_url)
    }

    /// `[languages.<code>]` must name a language code other than `language`.
    fn check_languages(&mut self, text: &str, diags: &mut Vec<Diagnostic>) {
        let default = self.language.clone();
        self.languages.retain(|code, _| {
            let line = find_key_line(text, &format!("languages.{code}"));
            if code == &default {
                diags.push(
                    Diagnostic::warning(format!(
                        "`[languages.{code}]` names the site's main language: ignored"
                    ))
                    .in_file(CONFIG_FILE)
                    .at(line, 1, Some(text))
                    .with_help("the main language's title and description are the top-level keys"),
                );
                false
            } else if !crate::i18n::is_language_code(code) {
                diags.push(
                    Diagnostic::error(format!(
                        "`{code}` is not a language code: use one like `de`, `fr` or `pt-BR`"
                    ))
                    .in_file(CONFIG_FILE)
                    .at(line, 1, Some(text)),
                );
                false
            } else {
                true
            }
        });
    }

    /// The settings of the site in its other language `code`: that language, its own title
    /// and description when `[languages.<code>]` gives them, and its pages under `<code>/`.
    pub fn for_language(&self, code: &str) -> Config {
        let mut c = self.clone();
        let own = &self.languages[code];
        c.language = code.to_string();
        c.title = own.title.clone().unwrap_or(c.title);
        c.description = own.description.clone().unwrap_or(c.description);
        c.base_url = format!("{}{code}/", self.base_url);
        c
    }

    /// `base_url` without its trailing slash, for making absolute URLs: `https://x.org/docs`.
    pub fn absolute_prefix(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }
}

/// `[deploy]` → targets. A key whose value is a table names a target; the other keys are the
/// unnamed target's. Unknown keys go to `unknown` (as `deploy.key` or `deploy.NAME.key`) to be
/// warned about with the rest; a wrong type is an error on the target's line.
fn parse_deploy(
    table: toml::Table,
    text: &str,
    diags: &mut Vec<Diagnostic>,
    unknown: &mut Vec<String>,
) -> DeployConfig {
    let (named, plain): (Vec<_>, Vec<_>) = table.into_iter().partition(|(_, v)| v.is_table());
    let mut tables = Vec::new();
    if !plain.is_empty() {
        tables.push((String::new(), plain.into_iter().collect::<toml::Table>()));
    }
    for (name, value) in named {
        if let toml::Value::Table(t) = value {
            tables.push((name, t));
        }
    }
    let mut targets = indexmap::IndexMap::new();
    for (name, t) in tables {
        let section = if name.is_empty() {
            "deploy".to_string()
        } else {
            format!("deploy.{name}")
        };
        let value = toml::Value::Table(t);
        let result = serde_ignored::deserialize(value, |path| {
            unknown.push(format!("{section}.{path}"));
        });
        match result {
            Ok(target) => {
                targets.insert(name, target);
            }
            Err(e) => {
                let line = find_table_line(text, &section);
                diags.push(
                    Diagnostic::error(format!(
                        "invalid [{section}] in versus.toml: {}",
                        e.message()
                    ))
                    .in_file(CONFIG_FILE)
                    .at(line, if line > 0 { 1 } else { 0 }, Some(text))
                    .with_help("valid targets: target = \"git\", \"s3\", \"folder\" or \"rsync\""),
                );
            }
        }
    }
    DeployConfig { targets }
}

/// 1-based line of the `[name]` table header (0 when not found).
fn find_table_line(text: &str, name: &str) -> usize {
    text.lines()
        .position(|l| {
            let t = l.trim();
            t.strip_prefix('[')
                .and_then(|t| t.split(']').next())
                .is_some_and(|t| t.trim() == name)
        })
        .map_or(0, |i| i + 1)
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
    fn deploy_targets_plain_and_named() {
        let text = "title = \"x\"\n[deploy]\ntarget = \"git\"\nremote = \"../pages.git\"\nbranch = \"gh-pages\"\n\n[deploy.staging]\ntarget = \"s3\"\nbuckett = \"b\"\n";
        let (c, d) = Config::parse(text);
        let names: Vec<_> = c.deploy.targets.keys().map(String::as_str).collect();
        assert_eq!(names, ["", "staging"]);
        let plain = &c.deploy.targets[""];
        assert_eq!(plain.target, Some(DeployKind::Git));
        assert_eq!(plain.remote.as_deref(), Some("../pages.git"));
        assert_eq!(c.deploy.targets["staging"].target, Some(DeployKind::S3));
        // The typo is a warning with its line and a hint, as everywhere else in the file.
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("deploy.staging.buckett"), "{d:?}");
        assert_eq!(d[0].line, 9);
        assert_eq!(d[0].help.as_deref(), Some("did you mean `bucket`?"));
    }

    #[test]
    fn deploy_target_of_unknown_kind_is_an_error_on_its_table() {
        let (c, d) = Config::parse("[deploy.live]\ntarget = \"ftp\"\n");
        assert!(c.deploy.targets.is_empty());
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].is_error());
        assert_eq!(d[0].line, 1);
        assert!(d[0].message.contains("ftp"), "{}", d[0].message);
    }

    #[test]
    fn trust_settings_are_checked() {
        let (c, d) = Config::parse("[trust]\ngit_dates = true\nstale = \"18m\"\n");
        assert!(d.is_empty(), "{d:?}");
        assert!(c.trust.git_dates);
        let (c, d) =
            Config::parse("edit_pattern = \"{repo}/{file}\"\n[trust]\nstale = \"18 months\"\n");
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!((d[0].line, d[1].line), (1, 3));
        assert!(d[1].message.contains("`18 months` is not an age"), "{d:?}");
        assert!(c.trust.stale.is_none() && c.edit_pattern.is_none());
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
