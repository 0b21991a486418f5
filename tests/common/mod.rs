//! Shared helpers for integration tests: make a site in a temp folder, run the real `versus`
//! binary on it, and parse the HTML that comes out.
#![allow(dead_code)]

pub mod traversal;
pub mod wide;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A throwaway site folder.
pub struct Site {
    pub dir: tempfile::TempDir,
}

impl Site {
    /// Creates a site from `(path, text)` pairs relative to the site root.
    pub fn new(files: &[(&str, &str)]) -> Site {
        let dir = tempfile::tempdir().expect("temp dir");
        let site = Site { dir };
        for (path, text) in files {
            site.write(path, text);
        }
        site
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file atomically (see [`write_atomic`]).
    pub fn write(&self, rel: &str, text: &str) {
        write_atomic(&self.path(rel), text.as_bytes());
    }

    /// Runs `versus <args> --root <site>`.
    pub fn run(&self, args: &[&str]) -> Run {
        let mut cmd = versus();
        cmd.args(args).arg("--root").arg(self.root());
        Run::from(cmd.output().expect("run versus"))
    }

    /// Reads an output file, e.g. `site/a/index.html`.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn html(&self, rel: &str) -> scraper::Html {
        scraper::Html::parse_document(&self.read(rel))
    }
}

/// Writes a file the way careful editors save: into a hidden file beside it (which versus
/// never reads or watches), then renamed over it. A `versus serve` watching the folder sees
/// the whole new file or the old one, never half a file, so no test depends on how fast the
/// disk is.
pub fn write_atomic(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let name = path.file_name().unwrap().to_string_lossy();
    let tmp = path.with_file_name(format!(".{name}.versus-test~"));
    std::fs::write(&tmp, bytes).unwrap_or_else(|e| panic!("write {}: {e}", tmp.display()));
    std::fs::rename(&tmp, path).unwrap_or_else(|e| panic!("rename to {}: {e}", path.display()));
}

/// Called by a test that cannot run on this machine (`why`: the tool that is missing). It says
/// so on the terminal, past cargo's capture of a passing test's output, so a skip is never
/// silent. With `VERSUS_REQUIRE_TOOLS=1` (CI's `.ci/run` sets it, having installed every
/// tool) it fails the test instead.
pub fn skip(test: &str, why: &str) {
    if std::env::var("VERSUS_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
        panic!("{test} cannot run: {why}; VERSUS_REQUIRE_TOOLS=1 says this machine must have it");
    }
    use std::io::Write;
    // Straight to the process's stderr: the test harness captures `eprintln!`, not this.
    let _ = writeln!(
        std::io::stderr(),
        "\n*** SKIPPED {test}: {why} (set VERSUS_REQUIRE_TOOLS=1 to fail instead) ***\n"
    );
}

/// The versus binary built by cargo for this test run, with colour off.
pub fn versus() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_versus"));
    c.env("NO_COLOR", "1");
    c
}

/// A finished run: exit code and output as text.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert_eq!(
            self.code, 0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code, code,
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn assert_stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }
}

/// 1-based `line:col` of the `n`th (from 0) `needle` in `text`, counting columns in characters
/// as versus does: what a diagnostic about that spot prints after the file name.
pub fn pos_of_nth(text: &str, needle: &str, n: usize) -> String {
    let at = text
        .match_indices(needle)
        .nth(n)
        .unwrap_or_else(|| panic!("no {needle:?} #{n} in text"))
        .0;
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    format!("{line}:{col}")
}

/// Texts of all elements matching a CSS selector.
pub fn texts(doc: &scraper::Html, selector: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// Values of an attribute on all elements matching a selector.
pub fn attrs(doc: &scraper::Html, selector: &str, attr: &str) -> Vec<String> {
    let sel = scraper::Selector::parse(selector).expect("selector");
    doc.select(&sel)
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

impl Site {
    /// Writes raw bytes (for files that are not valid UTF-8).
    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        write_atomic(&self.path(rel), bytes);
    }

    /// Runs `versus <args>` in the site folder, without adding `--root`.
    pub fn run_here(&self, args: &[&str]) -> Run {
        let mut cmd = versus();
        cmd.args(args).current_dir(self.root());
        Run::from(cmd.output().expect("run versus"))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.path(rel).exists()
    }
}

impl Run {
    /// Asserts a diagnostic of the given kind (`error`/`warning`) points at `loc`
    /// (`content/a.md:3:8`) and that its message contains `needle`.
    #[track_caller]
    pub fn assert_diag(&self, kind: &str, loc: &str, needle: &str) -> &Self {
        let found = diagnostics(&self.stderr).iter().any(|d| {
            d.kind == kind && location_matches(&d.location, loc) && d.text.contains(needle)
        });
        assert!(
            found,
            "no {kind} at {loc} mentioning {needle:?} in stderr:\n{}",
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn assert_no_panic(&self) -> &Self {
        assert!(
            self.code == 0 || self.code == 1,
            "expected exit 0 or 1, got {}\nstderr:\n{}",
            self.code,
            self.stderr
        );
        assert!(!self.stderr.contains("panicked"), "panic:\n{}", self.stderr);
        self
    }
}

/// `loc` is a whole `file:line:col`, or a prefix of one ending in `:` (`file:4:`).
fn location_matches(printed: &str, loc: &str) -> bool {
    printed == loc || (loc.ends_with(':') && printed.starts_with(loc))
}

/// One diagnostic as printed (plain, NO_COLOR): kind, `file:line:col`, and its whole text.
#[derive(Debug)]
pub struct Printed {
    pub kind: String,
    pub location: String,
    pub text: String,
}

/// Splits stderr into the diagnostics printed, rustc style: `error: msg` then ` --> loc`.
pub fn diagnostics(stderr: &str) -> Vec<Printed> {
    let mut out: Vec<Printed> = Vec::new();
    for line in stderr.lines() {
        let head = ["error: ", "warning: "]
            .iter()
            .find(|p| line.starts_with(*p))
            .copied();
        if let Some(p) = head {
            out.push(Printed {
                kind: p.trim_end_matches(": ").to_string(),
                location: String::new(),
                text: line.to_string(),
            });
        } else if let Some(d) = out.last_mut() {
            if d.location.is_empty()
                && let Some(loc) = line.trim_start().strip_prefix("--> ")
            {
                d.location = loc.trim().to_string();
            }
            d.text.push('\n');
            d.text.push_str(line);
        }
    }
    out
}

/// Every file under `dir`: relative path (with `/`) → bytes, in sorted order.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    fn walk(base: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    walk(dir, dir, &mut out);
    out
}

/// Every HTML file under `dir`, parsed: relative path → document.
pub fn html_files(dir: &Path) -> Vec<(String, scraper::Html)> {
    tree(dir)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| {
            (
                p,
                scraper::Html::parse_document(&String::from_utf8(b).unwrap()),
            )
        })
        .collect()
}

/// Every `href`/`src` in a document.
pub fn links(doc: &scraper::Html) -> Vec<String> {
    let mut out = attrs(doc, "[href]", "href");
    out.extend(attrs(doc, "[src]", "src"));
    out
}

/// Decodes `%XX` escapes in a URL path (malformed ones stay as written).
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// Checks every internal link of a built site: each root-relative or relative `href`/`src`
/// must name an output file (a folder means its `index.html`), and each `#anchor` an `id`
/// in the target page. `base_path` is `""` or `/sub`. Returns the problems found.
pub fn broken_links(out: &Path, base_path: &str) -> Vec<String> {
    let files = tree(out);
    let docs = html_files(out);
    let ids: std::collections::HashMap<&str, std::collections::HashSet<String>> = docs
        .iter()
        .map(|(p, d)| (p.as_str(), attrs(d, "[id]", "id").into_iter().collect()))
        .collect();
    let mut problems = Vec::new();
    for (page, doc) in &docs {
        let page_dir = page.rfind('/').map_or("", |i| &page[..i]);
        for link in links(doc) {
            if link.starts_with("data:")
                || link.starts_with("mailto:")
                || link.contains("://")
                || link.starts_with("//")
            {
                continue;
            }
            let (path, anchor) = match link.split_once('#') {
                Some((p, a)) => (p.to_string(), Some(a.to_string())),
                None => (link.clone(), None),
            };
            let path = path.split('?').next().unwrap_or("").to_string();
            let target = if path.is_empty() {
                page.clone()
            } else if let Some(abs) = path.strip_prefix('/') {
                let Some(rest) = format!("/{abs}")
                    .strip_prefix(&format!("{base_path}/"))
                    .map(str::to_string)
                else {
                    problems.push(format!("{page}: {link} lacks the base path {base_path}"));
                    continue;
                };
                resolve_file(&percent_decode(&rest))
            } else {
                let mut joined = join(page_dir, &percent_decode(&path));
                if path.ends_with('/') && !joined.is_empty() {
                    joined.push('/');
                }
                resolve_file(&joined)
            };
            if !files.contains_key(&target) {
                problems.push(format!("{page}: {link} → no file {target}"));
                continue;
            }
            if let Some(a) = anchor.filter(|a| !a.is_empty()) {
                let a = percent_decode(&a);
                if target.ends_with(".html")
                    && !ids.get(target.as_str()).is_some_and(|s| s.contains(&a))
                {
                    problems.push(format!("{page}: {link} → no id `{a}` in {target}"));
                }
            }
        }
    }
    problems
}

fn resolve_file(rel: &str) -> String {
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

fn join(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}
