//! Shared helpers for integration tests: make a site in a temp folder, run the real `versus`
//! binary on it, and parse the HTML that comes out.
#![allow(dead_code)]

pub mod traversal;

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

    pub fn write(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
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
