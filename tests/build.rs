//! `versus build` end to end (issue 2): the real binary on fixture sites in temp folders —
//! front matter formats, drafts, base paths, every error class with its place, the safety of
//! the output folder, determinism, and odd input that must not panic.

mod common;

use common::{Site, texts};

const SUBJECT_ALPHA: &str = "+++\ntitle = \"Alpha\"\n+++\nAlpha is a thing.\n";
const SUBJECT_BETA: &str = "+++\ntitle = \"Beta\"\n+++\nBeta is another thing.\n";

const ARTICLE_TOML: &str = r#"+++
title = "Alpha or Beta"
description = "Which one?"
date = 2026-09-14
tags = ["Web", "Databases"]
subjects = ["alpha", "beta"]

[features]
"Built-in ORM" = { alpha = "yes: its own", beta = "no" }
"Template engine" = { alpha = "Jinja2", beta = { support = "plugin", note = "an extension", since = "1.2" } }
+++
## Intro

Some words.
"#;

const ARTICLE_YAML: &str = r#"---
title: Alpha or Beta
description: Which one?
date: 2026-09-14
tags: [Web, Databases]
subjects: [alpha, beta]
features:
  Built-in ORM: { alpha: "yes: its own", beta: no }
  Template engine:
    alpha: Jinja2
    beta: { support: plugin, note: an extension, since: "1.2" }
---
## Intro

Some words.
"#;

fn site_with(article: &str) -> Site {
    Site::new(&[
        ("content/subjects/alpha.md", SUBJECT_ALPHA),
        ("content/subjects/beta.md", SUBJECT_BETA),
        ("content/a.md", article),
    ])
}

/// Output bytes with source references blanked out: "line N" in pages, and the `line` and
/// `column` of statements in the exported JSON.
fn without_line_numbers(bytes: &[u8]) -> String {
    let mut text = String::from_utf8_lossy(bytes).into_owned();
    for marker in ["line ", "\"line\":", "\"column\":"] {
        let mut out = String::with_capacity(text.len());
        let mut rest = text.as_str();
        while let Some(i) = rest.find(marker) {
            out.push_str(&rest[..i + marker.len()]);
            rest = rest[i + marker.len()..].trim_start_matches(|c: char| c.is_ascii_digit());
        }
        out.push_str(rest);
        text = out;
    }
    text
}

/// The `<main>` of a page, as text with whitespace normalised.
fn main_text(site: &Site, rel: &str) -> String {
    texts(&site.html(rel), "main").join(" ")
}

#[test]
fn toml_and_yaml_front_matter_give_the_same_site() {
    let toml = site_with(ARTICLE_TOML);
    let yaml = site_with(ARTICLE_YAML);
    toml.run(&["build"]).assert_ok();
    yaml.run(&["build"]).assert_ok();
    let t = common::tree(&toml.path("site"));
    let y = common::tree(&yaml.path("site"));
    assert_eq!(
        t.keys().collect::<Vec<_>>(),
        y.keys().collect::<Vec<_>>(),
        "same files"
    );
    for (path, bytes) in &t {
        // Statements link back to the line they were written on, and the two formats put
        // the same rows on different lines: that is the only difference allowed.
        assert_eq!(
            without_line_numbers(&y[path]),
            without_line_numbers(bytes),
            "{path} differs between TOML and YAML front matter"
        );
    }
    // And the page holds what the front matter says, not an empty shell.
    let doc = toml.html("site/a/index.html");
    assert_eq!(texts(&doc, "h1"), ["Alpha or Beta"]);
    let main = main_text(&toml, "site/a/index.html");
    for word in ["its own", "Jinja2", "an extension", "1.2"] {
        assert!(main.contains(word), "{word:?} missing from {main}");
    }
    assert!(toml.exists("site/tags/web/index.html"));
}

#[test]
fn yaml_words_like_no_and_on_stay_words() {
    // YAML 1.1 would read `no`, `on`, `y` as booleans; ids must stay the ids written.
    let site = Site::new(&[
        ("content/subjects/on.md", "---\ntitle: On\n---\n"),
        ("content/subjects/y.md", "---\ntitle: Y\n---\n"),
        (
            "content/a.md",
            "---\ntitle: A\nsubjects: [on, y]\nfeatures:\n  Speed: { on: no, y: yes }\n---\n",
        ),
    ]);
    site.run(&["build"]).assert_ok();
    let doc = site.html("site/a/index.html");
    let cells = texts(&doc, "table td");
    assert_eq!(cells.len(), 2, "{cells:?}");
    assert!(cells[0].contains("No"), "{cells:?}");
    assert!(cells[1].contains("Yes"), "{cells:?}");
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Site::new(&[
        ("content/a.md", "+++\ntitle = \"Published\"\n+++\nHi\n"),
        (
            "content/d.md",
            "+++\ntitle = \"Work in progress\"\ndraft = true\n+++\nHi\n",
        ),
    ]);
    site.run(&["build"]).assert_ok();
    assert!(site.exists("site/a/index.html"));
    assert!(!site.exists("site/d/index.html"));
    let all = common::tree(&site.path("site"));
    for (path, bytes) in &all {
        assert!(
            !String::from_utf8_lossy(bytes).contains("Work in progress"),
            "the draft shows up in {path}"
        );
    }
    site.run(&["build", "--drafts"]).assert_ok();
    assert_eq!(
        texts(&site.html("site/d/index.html"), "h1"),
        ["Work in progress"]
    );
    let home = common::attrs(&site.html("site/index.html"), "main a", "href");
    assert!(home.contains(&"/d/".to_string()), "{home:?}");
}

/// A site using every kind of page and link, for walks over the whole output.
fn rich_site() -> Site {
    Site::new(&[
        (
            "versus.toml",
            "title = \"Rich\"\nbase_url = \"https://example.org/\"\n",
        ),
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\nWelcome. See [the guide](@/guides/g.md#setup).\n",
        ),
        ("content/subjects/alpha.md", SUBJECT_ALPHA),
        ("content/subjects/beta.md", SUBJECT_BETA),
        ("content/a.md", ARTICLE_TOML),
        ("content/guides/_index.md", "+++\ntitle = \"Guides\"\n+++\n"),
        (
            "content/guides/g.md",
            "+++\ntitle = \"Guide\"\ntags = [\"Web\"]\nsubjects = [\"alpha\"]\n+++\n## Setup\n\n![pic](pic.png) and [back](../a.md) and [root](/tags/)\n",
        ),
        ("content/guides/pic.png", "not really a png"),
        ("static/extra.css", "body{}"),
    ])
}

#[test]
fn base_url_path_prefixes_every_root_relative_link() {
    let site = rich_site();
    site.run(&["build", "--base-url", "https://x.test/sub/"])
        .assert_ok();
    let out = site.path("site");
    let docs = common::html_files(&out);
    assert!(
        docs.len() > 10,
        "expected a full site, got {} pages",
        docs.len()
    );
    let mut checked = 0;
    for (path, doc) in &docs {
        for link in common::links(doc) {
            if link.starts_with('/') && !link.starts_with("//") {
                checked += 1;
                assert!(
                    link.starts_with("/sub/"),
                    "{path}: {link} lacks the base path /sub/"
                );
            }
        }
    }
    assert!(checked > 50, "only {checked} root-relative links seen");
    // And they all lead somewhere once the prefix is taken off.
    let broken = common::broken_links(&out, "/sub");
    assert!(broken.is_empty(), "{broken:#?}");
    // Links written in Markdown are resolved to pages under the prefix.
    let g = common::attrs(
        &site.html("site/guides/g/index.html"),
        "main a, main img",
        "href",
    );
    assert!(g.contains(&"/sub/a/".to_string()), "{g:?}");
    assert!(g.contains(&"/sub/tags/".to_string()), "{g:?}");
    let img = common::attrs(&site.html("site/guides/g/index.html"), "main img", "src");
    assert_eq!(img, ["/sub/guides/pic.png"]);
}

#[track_caller]
fn assert_error(files: &[(&str, &str)], loc: &str, needle: &str) {
    let site = Site::new(files);
    let run = site.run(&["build"]);
    run.assert_code(1).assert_diag("error", loc, needle);
    assert!(!site.exists("site"), "a failed build wrote output");
}

#[test]
fn toml_syntax_error_names_file_line_and_column() {
    assert_error(
        &[("content/a.md", "+++\ntitle = \"A\"\ndate = = 3\n+++\nx\n")],
        "content/a.md:3:8",
        "invalid TOML",
    );
}

#[test]
fn yaml_syntax_error_names_file_line_and_column() {
    let site = Site::new(&[("content/b.md", "---\ntitle: B\ntags: [a\n---\nx\n")]);
    let run = site.run(&["build"]);
    run.assert_code(1)
        .assert_diag("error", "content/b.md:3:7", "invalid YAML");
    // The place is printed once, as file:line:col of the file, not of the front matter.
    assert!(!run.stderr.contains("line 2 column"), "{}", run.stderr);
}

#[test]
fn wrong_types_name_the_key() {
    assert_error(
        &[("content/c.md", "+++\ndraft = false\ntitle = 3\n+++\n")],
        "content/c.md:3:1",
        "`title` must be a string",
    );
    assert_error(
        &[("content/c.md", "---\ntitle: C\ntags: 7\n---\n")],
        "content/c.md:3:1",
        "`tags` must be a list of strings",
    );
}

#[test]
fn bad_utf8_names_the_place() {
    let site = Site::new(&[]);
    site.write_bytes("content/d.md", b"+++\ntitle = \"D\"\n+++\nab\xff\xfecd\n");
    site.run(&["build"])
        .assert_code(1)
        .assert_diag("error", "content/d.md:4:3", "not valid UTF-8");
}

#[test]
fn unterminated_front_matter_is_an_error() {
    assert_error(
        &[("content/e.md", "+++\ntitle = \"E\"\n\nText\n")],
        "content/e.md:1:1",
        "not closed",
    );
    assert_error(
        &[("content/e.md", "---\ntitle: E\n")],
        "content/e.md:1:1",
        "not closed",
    );
}

#[test]
fn template_syntax_error_names_the_template() {
    assert_error(
        &[
            ("content/a.md", "+++\ntitle = \"A\"\n+++\nx\n"),
            (
                "templates/article.html",
                "<html>\n<body>\n{% if page.title %}\n<h1>{{ page.title }</h1>\n</body>\n",
            ),
        ],
        "templates/article.html:4:",
        "template syntax error",
    );
}

#[test]
fn template_syntax_error_location_has_a_column() {
    let site = Site::new(&[
        ("content/a.md", "+++\ntitle = \"A\"\n+++\nx\n"),
        ("templates/article.html", "<p>\n{% for x in %}\n"),
    ]);
    let run = site.run(&["build"]);
    run.assert_code(1);
    let d = common::diagnostics(&run.stderr);
    let loc = &d
        .iter()
        .find(|d| d.kind == "error")
        .expect("an error")
        .location;
    let parts: Vec<&str> = loc.split(':').collect();
    assert_eq!(parts.len(), 3, "{loc}");
    assert_eq!(
        parts[..2],
        ["templates/article.html", "2"],
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_template_variable_names_the_template() {
    assert_error(
        &[
            ("content/a.md", "+++\ntitle = \"A\"\n+++\nx\n"),
            (
                "templates/article.html",
                "<html><body>\n<h1>{{ page.title }}</h1>\n<p>{{ page.nope }}</p>\n</body></html>\n",
            ),
        ],
        "templates/article.html:3:",
        "nope",
    );
}

#[test]
fn unknown_config_key_is_a_warning_and_strict_makes_it_fatal() {
    let files = [
        ("versus.toml", "title = \"T\"\ntitel = \"oops\"\n"),
        ("content/a.md", "+++\ntitle = \"A\"\n+++\nx\n"),
    ];
    let site = Site::new(&files);
    site.run(&["build"])
        .assert_ok()
        .assert_diag("warning", "versus.toml:2:1", "titel");
    assert!(site.exists("site/a/index.html"));
    let strict = Site::new(&files);
    strict
        .run(&["build", "--strict"])
        .assert_code(1)
        .assert_diag("error", "versus.toml:2:1", "titel");
    assert!(!strict.exists("site"));
    strict.run(&["check", "--strict"]).assert_code(1);
    strict.run(&["check"]).assert_ok();
    assert!(!strict.exists("site"), "check must not write");
}

#[test]
fn all_errors_of_all_files_in_one_run() {
    let site = Site::new(&[
        ("versus.toml", "titel = \"x\"\n"),
        ("content/a.md", "+++\ntitle = \"A\"\ndate = = 3\n+++\nx\n"),
        ("content/b.md", "---\ntitle: B\ntags: [a\n---\nx\n"),
        ("content/c.md", "+++\ntitle = 3\n+++\n"),
        ("content/e.md", "+++\ntitle = \"E\"\n"),
        ("content/ok.md", "+++\ntitle = \"OK\"\n+++\nfine\n"),
    ]);
    site.write_bytes("content/d.md", b"+++\ntitle = \"D\"\n+++\nab\xff\xfecd\n");
    let run = site.run(&["build"]);
    run.assert_code(1)
        .assert_diag("error", "content/a.md:3:8", "TOML")
        .assert_diag("error", "content/b.md:3:7", "YAML")
        .assert_diag("error", "content/c.md:2:1", "title")
        .assert_diag("error", "content/d.md:4:3", "UTF-8")
        .assert_diag("error", "content/e.md:1:1", "not closed")
        .assert_diag("warning", "versus.toml:1:1", "titel");
    let errors = common::diagnostics(&run.stderr)
        .into_iter()
        .filter(|d| d.kind == "error")
        .count();
    assert_eq!(errors, 5, "{}", run.stderr);
    assert!(run.stderr.contains("5 errors"), "{}", run.stderr);
}

#[test]
fn diagnostics_come_out_in_the_same_order_every_run() {
    let files: Vec<(String, String)> = (0..20)
        .map(|i| {
            (
                format!("content/p{i}.md"),
                format!("+++\ntitle = {i}\n+++\n"),
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let site = Site::new(&refs);
    let strip = |s: &str| {
        s.lines()
            .filter(|l| !l.starts_with("Failed:"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let first = site.run(&["build"]);
    first.assert_code(1);
    assert_eq!(common::diagnostics(&first.stderr).len(), 20);
    for _ in 0..3 {
        let again = site.run(&["build"]);
        assert_eq!(strip(&again.stderr), strip(&first.stderr));
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_byte_identical() {
    let site = rich_site();
    site.run(&["build"]).assert_ok();
    let before = common::tree(&site.path("site"));
    assert!(before.contains_key("index.html"));
    site.write("content/a.md", "+++\ntitle = \"A\"\ndate = = 3\n+++\n");
    site.write("content/new.md", "+++\ntitle = \"New\"\n+++\n");
    site.run(&["build"]).assert_code(1);
    let after = common::tree(&site.path("site"));
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    assert!(before == after, "the output changed after a failed build");
    // No staging folders are left behind either.
    let names: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.contains("versus-tmp")), "{names:?}");
    // A template error fails the build too, and also changes nothing.
    site.write("content/a.md", ARTICLE_TOML);
    site.write("templates/article.html", "{{ page.nope }}");
    site.run(&["build"]).assert_code(1);
    assert!(common::tree(&site.path("site")) == before);
}

#[test]
fn refuses_to_empty_a_folder_it_did_not_make() {
    let site = Site::new(&[("content/a.md", "+++\ntitle = \"A\"\n+++\nx\n")]);
    let docs = tempfile::tempdir().unwrap();
    std::fs::write(docs.path().join("precious.txt"), "keep me").unwrap();
    let out = docs.path().to_str().unwrap();
    let run = site.run(&["build", "--output", out]);
    run.assert_code(2).assert_stderr_has("refusing");
    assert_eq!(
        std::fs::read_to_string(docs.path().join("precious.txt")).unwrap(),
        "keep me"
    );
    assert_eq!(std::fs::read_dir(docs.path()).unwrap().count(), 1);
    // The same folder through versus.toml's output_dir.
    site.write("versus.toml", &format!("output_dir = {out:?}\n"));
    site.run(&["build"]).assert_code(2);
    assert!(docs.path().join("precious.txt").exists());
    // A folder versus made is replaced whole, stale files and all.
    let mine = tempfile::tempdir().unwrap();
    let mine_out = mine.path().join("out");
    let mine_str = mine_out.to_str().unwrap();
    site.run(&["build", "--output", mine_str]).assert_ok();
    std::fs::write(mine_out.join("stale.html"), "old").unwrap();
    site.run(&["build", "--output", mine_str]).assert_ok();
    assert!(!mine_out.join("stale.html").exists());
    assert!(mine_out.join("a/index.html").exists());
}

#[test]
fn two_builds_are_byte_identical() {
    let site = rich_site();
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let (a_out, b_out) = (a.path().join("one"), b.path().join("two"));
    site.run(&["build", "--output", a_out.to_str().unwrap()])
        .assert_ok();
    site.run(&["build", "--output", b_out.to_str().unwrap()])
        .assert_ok();
    let (ta, tb) = (common::tree(&a_out), common::tree(&b_out));
    assert!(ta.len() > 10);
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (path, bytes) in &ta {
        assert!(&tb[path] == bytes, "{path} differs between two builds");
    }
}

#[test]
fn odd_input_never_panics() {
    let big =
        "Lorem ipsum *dolor* sit amet, `code` and [a link](https://x.test).\n\n".repeat(150_000);
    assert!(big.len() >= 10_000_000);
    let site = Site::new(&[
        ("content/empty.md", ""),
        ("content/only-plus.md", "+++"),
        ("content/only-plus-nl.md", "+++\n"),
        ("content/only-dash.md", "---\n"),
        ("content/ünï cödé.md", "+++\ntitle = \"Unicode\"\n+++\nHi\n"),
        ("content/🦀 crab.md", "+++\ntitle = \"Crab\"\n+++\nHi\n"),
        (
            "content/nul.md",
            "+++\ntitle = \"Nul\"\n+++\nbody \u{0} here\n",
        ),
        ("content/nul-title.md", "+++\ntitle = \"N\u{0}UL\"\n+++\n"),
        ("content/nul-key.md", "+++\n\u{0} = 1\n+++\n"),
        (
            "content/crlf.md",
            "+++\r\ntitle = \"Windows\"\r\ntags = [\"x\"]\r\n+++\r\n## Head\r\n\r\nText\r\n",
        ),
        ("content/yaml-list.md", "---\n- a\n- b\n---\n"),
        ("content/bom.md", "\u{feff}+++\ntitle = \"Bom\"\n+++\n"),
        ("content/big.md", &big),
    ]);
    let run = site.run(&["build"]);
    run.assert_no_panic();
    // Fixing the errors (the lone `+++` lines and the non-mapping YAML) leaves a site that builds.
    site.write("content/only-plus.md", "");
    site.write("content/only-plus-nl.md", "");
    site.write("content/only-dash.md", "");
    site.write("content/nul-key.md", "");
    site.write("content/nul-title.md", "");
    site.write("content/yaml-list.md", "");
    site.run(&["build"]).assert_ok();
    assert_eq!(texts(&site.html("site/crlf/index.html"), "h1"), ["Windows"]);
    assert!(site.exists("site/tags/x/index.html"));
    assert_eq!(
        texts(&site.html("site/ünï-cödé/index.html"), "h1"),
        ["Unicode"]
    );
    assert_eq!(texts(&site.html("site/🦀-crab/index.html"), "h1"), ["Crab"]);
    assert!(site.exists("site/big/index.html"));
    assert_eq!(texts(&site.html("site/bom/index.html"), "h1"), ["Bom"]);
    assert!(site.read("site/nul/index.html").contains("body"));
    let broken = common::broken_links(&site.path("site"), "");
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn a_lone_article_builds_with_an_index_page() {
    let site = Site::new(&[("content/a.md", "+++\ntitle = \"Just one\"\n+++\nHello.\n")]);
    // No versus.toml, no themes/, no templates/: the built-in theme and defaults.
    site.run_here(&["build"]).assert_ok();
    assert_eq!(texts(&site.html("site/a/index.html"), "h1"), ["Just one"]);
    let home = site.html("site/index.html");
    let links = common::attrs(&home, "main a", "href");
    assert!(
        links.contains(&"/a/".to_string()),
        "home does not link the article: {links:?}"
    );
    assert_eq!(texts(&home, "title").len(), 1);
    assert!(site.exists("site/404.html"));
    assert!(site.exists("site/.versus-output"));
    let broken = common::broken_links(&site.path("site"), "");
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn the_home_page_without_index_md_lists_every_article_with_the_site_title() {
    let mut files: Vec<(String, String)> = (0..30)
        .map(|i| {
            (
                format!("content/s{}/p{i}.md", i % 3),
                format!("+++\ntitle = \"Page {i}\"\n+++\nx\n"),
            )
        })
        .collect();
    files.push(("versus.toml".into(), "title = \"My comparisons\"\n".into()));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let site = Site::new(&refs);
    site.run(&["build"]).assert_ok();
    let home = site.html("site/index.html");
    assert!(texts(&home, "title")[0].contains("My comparisons"));
    assert_eq!(texts(&home, "h1"), ["My comparisons"]);
    let links = common::attrs(&home, "main a", "href");
    for i in 0..30 {
        let url = format!("/s{}/p{i}/", i % 3);
        assert!(links.contains(&url), "home lacks {url}: {links:?}");
    }
}

#[test]
fn bad_usage_exits_with_2() {
    let site = Site::new(&[("content/a.md", "x")]);
    let run = site.run_here(&["build", "--no-such-flag"]);
    run.assert_code(2);
    assert!(run.stderr.contains("--no-such-flag"), "{}", run.stderr);
    site.run_here(&["frobnicate"]).assert_code(2);
    site.run_here(&[]).assert_code(2);
    let empty = Site::new(&[]);
    empty
        .run(&["build"])
        .assert_code(2)
        .assert_stderr_has("content/");
    empty.run(&["check"]).assert_code(2);
}

/// The highlight cache makes a second build reuse code blocks, and never shows stale or
/// damaged HTML: an edited block is highlighted anew, a damaged cache file is ignored.
#[test]
fn highlight_cache_is_reused_and_never_stale() {
    let code = |n: u32| {
        format!(
            "+++\ntitle = \"A\"\n+++\n\n```python\ndef f{n}(x):\n    return x + {n}\n```\n\n```toml\nk = {n}\n```\n"
        )
    };
    let site = Site::new(&[("content/a.md", &code(1)), ("content/b.md", &code(2))]);
    site.run(&["build"]).assert_ok();
    let first = common::tree(&site.path("site"));
    let cache = site.path(".versus-cache/highlight.bin");
    let size = std::fs::metadata(&cache).expect("cache written").len();
    assert!(size > 0);
    let leftovers: Vec<_> = std::fs::read_dir(site.path(".versus-cache"))
        .unwrap()
        .collect();
    assert_eq!(leftovers.len(), 1, "no temporary files left: {leftovers:?}");

    site.run(&["build"]).assert_ok();
    assert_eq!(common::tree(&site.path("site")), first);

    site.write("content/a.md", &code(3));
    site.run(&["build"]).assert_ok();
    // The code's text, not the whole page: a fingerprinted asset name may contain `f1`.
    let a = common::texts(&site.html("site/a/index.html"), "pre").join("\n");
    assert!(a.contains("def f3"), "{a}");
    assert!(!a.contains("f1"), "stale block: {a}");
    site.write("content/a.md", &code(1));

    // Damage every byte pattern we can think of: the build ignores the file and is the same.
    let bytes = std::fs::read(&cache).unwrap();
    for damaged in [
        bytes.iter().map(|b| b ^ 0x55).collect::<Vec<_>>(),
        bytes[..bytes.len() / 2].to_vec(),
        Vec::new(),
    ] {
        std::fs::write(&cache, &damaged).unwrap();
        site.run(&["build"]).assert_ok();
        assert_eq!(common::tree(&site.path("site")), first);
    }
    let mut one_block = std::fs::read(&cache).unwrap();
    one_block[30] ^= 0xff; // inside the first block's HTML: that block is re-highlighted
    std::fs::write(&cache, &one_block).unwrap();
    site.run(&["build"]).assert_ok();
    assert_eq!(common::tree(&site.path("site")), first);
}
