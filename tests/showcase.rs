//! The showcase site (`content/`, issue 8): every Python snippet is a module that parses, and
//! every page kind exists in the strict build.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            markdown_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
}

/// Fenced ```python blocks of a Markdown file: (line of the fence, code).
fn python_blocks(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        match &mut current {
            None => {
                let t = line.trim_start();
                if let Some(info) = t.strip_prefix("```") {
                    let lang = info.split_whitespace().next().unwrap_or("");
                    if lang == "python" || lang == "py" {
                        current = Some((i + 1, String::new()));
                    }
                }
            }
            Some((start, code)) => {
                if line.trim_start().starts_with("```") {
                    out.push((*start, std::mem::take(code)));
                    current = None;
                } else {
                    code.push_str(line);
                    code.push('\n');
                }
            }
        }
    }
    out
}

#[test]
fn every_python_snippet_in_the_showcase_parses() {
    if Command::new("python3").arg("--version").output().is_err() {
        common::skip(
            "every_python_snippet_in_the_showcase_parses",
            "python3 is not installed",
        );
        return;
    }
    let mut files = Vec::new();
    markdown_files(&repo().join("content"), &mut files);
    files.sort();
    let mut blocks = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for (line, code) in python_blocks(&text) {
            let rel = f.strip_prefix(repo()).unwrap().display().to_string();
            blocks.push((format!("{rel}:{line}"), code));
        }
    }
    assert!(
        blocks.len() >= 20,
        "only {} python blocks found",
        blocks.len()
    );
    // One python3 run for all blocks: it prints the place of every block that fails.
    let payload: Vec<serde_json::Value> = blocks
        .iter()
        .map(|(place, code)| serde_json::json!({ "place": place, "code": code }))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("blocks.json");
    std::fs::write(&input, serde_json::to_string(&payload).unwrap()).unwrap();
    let script = "import ast, json, sys\n\
                  bad = 0\n\
                  for b in json.load(open(sys.argv[1])):\n\
                  \x20   try:\n\
                  \x20       ast.parse(b['code'])\n\
                  \x20   except SyntaxError as e:\n\
                  \x20       bad += 1\n\
                  \x20       print(f\"{b['place']}: line {e.lineno}: {e.msg}\")\n\
                  sys.exit(1 if bad else 0)\n";
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&input)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "Python snippets that do not parse:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_broken_snippet_is_caught() {
    // The extraction above must find blocks, and the check must be able to fail.
    let blocks = python_blocks("x\n\n```python title=\"a.py\"\ndef f(:\n```\n");
    assert_eq!(blocks, vec![(3, "def f(:\n".to_string())]);
}

#[test]
fn the_strict_showcase_build_has_every_page_kind() {
    let out = tempfile::tempdir().unwrap();
    let site = out.path().join("site");
    let run = common::Run::from(
        common::versus()
            .args(["build", "--strict", "--root"])
            .arg(repo())
            .arg("--output")
            .arg(&site)
            .output()
            .unwrap(),
    );
    run.assert_ok();
    assert!(run.stderr.trim().is_empty(), "warnings: {}", run.stderr);
    for page in [
        "index.html",
        "articles/index.html",
        "articles/django-vs-flask/index.html",
        "subjects/index.html",
        "subjects/django/index.html",
        "subjects/flask/index.html",
        "subjects/fastapi/index.html",
        "features/index.html",
        "features/built-in-orm/index.html",
        "compare/index.html",
        "compare/django-vs-flask/index.html",
        "compare/django-vs-fastapi/index.html",
        "compare/fastapi-vs-flask/index.html",
        "tags/index.html",
        "tags/security/index.html",
        "404.html",
        "sitemap.xml",
        "atom.xml",
        "search/index.json",
    ] {
        assert!(site.join(page).is_file(), "missing {page}");
    }
}
