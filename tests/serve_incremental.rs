//! `versus serve` rebuilds incrementally: whichever route a save takes (page text only, a
//! model rebuild — a data file's edit included —, templates only, a full rebuild), the served site equals a
//! fresh `versus build` byte for byte, and a body-only edit reloads only the edited page.

mod common;
mod serve_util;

use common::Site;
use serve_util::{Server, assert_same_as_build};

const FEATURES: &str = "[[feature]]\nname = \"Speed\"\ngroup = \"Runtime\"\n\n\
                        [[feature]]\nname = \"Size\"\ngroup = \"Runtime\"\n";

fn subject(title: &str, body: &str) -> String {
    format!("+++\ntitle = \"{title}\"\n[features]\n\"Speed\" = \"yes: fast\"\n+++\n{body}\n")
}

fn article(title: &str, tags: &str, speed: &str, body: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\ndate = 2024-01-0{}\ntags = [{tags}]\nsubjects = [\"alpha\", \"beta\"]\n\
         [features]\n\"Speed\" = {{ alpha = \"yes\", beta = \"{speed}\" }}\n+++\n{body}\n",
        title.len() % 9 + 1
    )
}

fn site() -> Site {
    Site::new(&[
        ("versus.toml", "title = \"Incremental\"\n"),
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\nWelcome.\n",
        ),
        (
            "content/articles/_index.md",
            "+++\ntitle = \"Articles\"\n+++\nAll of them.\n",
        ),
        ("content/features.toml", FEATURES),
        (
            "content/data/more.csv",
            "feature,alpha,gamma\nSize,yes: small,no\n",
        ),
        ("content/subjects/alpha.md", &subject("Alpha", "Alpha is.")),
        ("content/subjects/beta.md", &subject("Beta", "Beta is.")),
        ("content/subjects/gamma.md", &subject("Gamma", "Gamma is.")),
        (
            "content/articles/one.md",
            &article(
                "One",
                "\"web\"",
                "partial",
                "## Start\n\nFirst words. See [two](@/articles/two.md#details).\n",
            ),
        ),
        (
            "content/articles/two.md",
            &article(
                "Two",
                "\"web\", \"fast\"",
                "no",
                "## Details\n\nSecond page.\n\n```python\nprint('hi')\n```\n",
            ),
        ),
        (
            "content/articles/untitled.md",
            "+++\ndate = 2024-02-01\n+++\n# Heading Title\n\nNo title in front matter.\n",
        ),
    ])
}

/// The "rebuilt …" lines the server printed so far.
fn rebuilt_lines(server: &Server) -> Vec<String> {
    server
        .stdout()
        .lines()
        .filter(|l| l.starts_with("rebuilt"))
        .map(str::to_string)
        .collect()
}

/// The first "rebuilt …" line after the first `seen` that was for one of `paths` (the server
/// names up to three files a rebuild was for) and found something new in them.
///
/// Files are saved atomically here, so the first rebuild that reads a save reads all of it.
/// The watcher can report one save in two batches (a rename's events straddling its debounce
/// tick, more often on a loaded machine); the second batch finds the files as they were read
/// and says "files unchanged", and is skipped whenever it comes. (It used to be labelled
/// "page text changed", and the draft step, whose rebuild changes no output, took its route
/// from it.)
fn rebuilt_for(server: &Server, seen: usize, paths: &[&str]) -> String {
    first_rebuilt(server, seen, |l| {
        let files = l.rsplit_once(" (").map_or("", |(_, f)| f);
        !l.contains("(files unchanged)") && paths.iter().any(|p| files.contains(p))
    })
}

/// The first "rebuilt …" line after the first `seen` that `wanted`.
fn first_rebuilt(server: &Server, seen: usize, wanted: impl Fn(&str) -> bool) -> String {
    let deadline = std::time::Instant::now() + serve_util::WAIT;
    loop {
        let found = rebuilt_lines(server)
            .into_iter()
            .skip(seen)
            .find(|l| wanted(l));
        if let Some(line) = found {
            return line;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no such rebuild; the server printed:\n{}",
            server.stdout()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn served_site_equals_a_fresh_build_on_every_route() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    assert_same_as_build(&site, &server);
    let one = "content/articles/one.md";
    let seen = std::cell::Cell::new(rebuilt_lines(&server).len());
    // Each step saves `paths` and expects the rebuild that read them to take `route`.
    let step = |what: &str, paths: &[&str], route: &str| {
        let line = rebuilt_for(&server, seen.get(), paths);
        assert!(
            line.contains(route),
            "{what}: expected the {route} route: {line}"
        );
        // Once the served site equals the build, every rebuild of this save is done; any
        // later report of it finds nothing new.
        assert_same_as_build(&site, &server);
        seen.set(rebuilt_lines(&server).len());
    };

    // Body only: the page text route.
    site.write(
        one,
        &article(
            "One",
            "\"web\"",
            "partial",
            "## Start\n\nFirst words, edited. See [two](@/articles/two.md#details).\n",
        ),
    );
    step("body edit", &[one], "page text");

    // A new heading and an external link change nothing but the page.
    site.write(
        one,
        &article(
            "One",
            "\"web\"",
            "partial",
            "## Start\n\nWords. See [two](@/articles/two.md#details).\n\n## More\n\n[x](https://example.org/)\n",
        ),
    );
    step("heading and external link", &[one], "page text");

    // A title taken from the first heading shows elsewhere: not the page text route.
    site.write(
        "content/articles/untitled.md",
        "+++\ndate = 2024-02-01\n+++\n# Another Title\n\nNo title in front matter.\n",
    );
    step("fallback title", &["content/articles/untitled.md"], "model");

    // A new link to another page changes that page's backlinks.
    site.write(
        one,
        &article(
            "One",
            "\"web\"",
            "partial",
            "## Start\n\nSee [two](@/articles/two.md#details) and [untitled](untitled.md).\n",
        ),
    );
    step("new internal link", &[one], "model");

    // Front matter: title, tags, a feature cell, subjects.
    site.write(
        one,
        &article(
            "One, renamed",
            "\"web\"",
            "partial",
            "## Start\n\nSee [two](@/articles/two.md#details).\n",
        ),
    );
    step("title", &[one], "model");
    site.write(
        one,
        &article(
            "One, renamed",
            "\"web\", \"new-tag\"",
            "partial",
            "## Start\n\nSee [two](@/articles/two.md#details).\n",
        ),
    );
    step("tags", &[one], "model");
    site.write(
        one,
        &article(
            "One, renamed",
            "\"web\", \"new-tag\"",
            "yes",
            "## Start\n\nSee [two](@/articles/two.md#details).\n",
        ),
    );
    step("feature cell", &[one], "model");
    site.write(
        one,
        &article(
            "One, renamed",
            "\"web\", \"new-tag\"",
            "yes",
            "## Start\n\nSee [two](@/articles/two.md#details).\n",
        )
        .replace("[\"alpha\", \"beta\"]", "[\"alpha\", \"beta\", \"gamma\"]")
        .replace("beta = \"yes\" }", "beta = \"yes\", gamma = \"no\" }"),
    );
    step("subjects", &[one], "model");

    // Add, rename and delete an article.
    site.write(
        "content/articles/three.md",
        &article("Three", "\"fast\"", "yes", "Third page."),
    );
    step("add", &["content/articles/three.md"], "model");
    std::fs::rename(
        site.path("content/articles/three.md"),
        site.path("content/articles/three-renamed.md"),
    )
    .unwrap();
    step(
        "rename",
        &[
            "content/articles/three.md",
            "content/articles/three-renamed.md",
        ],
        "model",
    );
    std::fs::remove_file(site.path("content/articles/three-renamed.md")).unwrap();
    step("delete", &["content/articles/three-renamed.md"], "model");

    // A subject page, features.toml, an asset next to an article, a draft.
    site.write(
        "content/subjects/beta.md",
        &subject("Beta Prime", "Beta was renamed."),
    );
    step("subject page", &["content/subjects/beta.md"], "model");
    site.write(
        "content/features.toml",
        &format!(
            "{FEATURES}\n[[feature]]\nname = \"Docs\"\ndescription = \"How it is written up\"\n"
        ),
    );
    step("features.toml", &["content/features.toml"], "model");
    site.write(
        "content/articles/pic.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    step("asset", &["content/articles/pic.svg"], "model");

    // Data files: a cell edited (shown on the subject, feature and pair pages and in the
    // exports), a file added beside it and deleted.
    let data = "content/data/more.csv";
    site.write(data, "feature,alpha,gamma\nSize,partial: smaller,no\n");
    step("data cell", &[data], "model");
    assert!(server.get("/subjects/alpha/").text().contains("smaller"));
    assert!(
        server
            .get("/export/comparison.csv")
            .text()
            .contains("partial: smaller")
    );
    let other = "content/data/other.yaml";
    site.write(other, "- { subject: beta, feature: Size, support: no }\n");
    step("data file added", &[other], "model");
    std::fs::remove_file(site.path(other)).unwrap();
    step("data file deleted", &[other], "model");
    site.write(
        "content/articles/draft.md",
        "+++\ntitle = \"Draft\"\ndraft = true\n+++\nNot yet.\n",
    );
    step("draft", &["content/articles/draft.md"], "model");

    // A broken link is an error: the last good pages stay; the fix builds on them.
    std::fs::rename(
        site.path("content/articles/two.md"),
        site.path("content/articles/deux.md"),
    )
    .unwrap();
    let e = events.wait("errors");
    assert!(e["errors"].to_string().contains("broken link"), "{e}");
    // The article as this fix leaves it; a later step comes back to it.
    let fixed = article(
        "One, renamed",
        "\"web\"",
        "yes",
        "## Start\n\nSee [two](@/articles/deux.md#details) and ![pic](pic.svg).\n",
    );
    site.write(one, &fixed);
    step("fix after an error", &[one], "model");

    // Templates: their own route, which keeps the model; a broken template keeps the last
    // good pages; the model route works after it.
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<p>Lost</p>{% endblock main %}",
    );
    // A new folder: its creation may be all the watcher reports.
    step(
        "template",
        &["templates", "templates/404.html"],
        "templates changed",
    );
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<p>Lost{% endblock main %}{% endif %}",
    );
    let e = events.wait("errors");
    assert!(e["errors"].to_string().contains("404.html"), "{e}");
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<p>Gone</p>{% endblock main %}",
    );
    step(
        "template fixed",
        &["templates/404.html"],
        "templates changed",
    );
    assert!(server.get("/404.html").text().contains("Gone"));
    site.write(
        one,
        &article(
            "One, after templates",
            "\"web\"",
            "yes",
            "## Start\n\nSee [two](@/articles/deux.md#details) and ![pic](pic.svg).\n",
        ),
    );
    step("title after templates", &[one], "model");
    site.write(one, &fixed);
    step("title back", &[one], "model");

    // Config: the full route; and the page text route works after it.
    site.write("versus.toml", "title = \"Incremental, renamed\"\n");
    step("config", &["versus.toml"], "full");
    site.write(
        one,
        &article(
            "One, renamed",
            "\"web\"",
            "yes",
            "## Start\n\nEdited after a full rebuild. See [two](@/articles/deux.md#details) and ![pic](pic.svg).\n",
        ),
    );
    step("body after full", &[one], "page text");
}

#[test]
fn a_body_only_edit_reloads_only_that_page() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    site.write(
        "content/articles/two.md",
        &article(
            "Two",
            "\"web\", \"fast\"",
            "no",
            "## Details\n\nSecond page, edited.\n\n```python\nprint('hi')\n```\n",
        ),
    );
    let seen = events.settle();
    let pages: Vec<&serde_json::Value> = seen
        .iter()
        .flat_map(|e| e["pages"].as_array().unwrap())
        .collect();
    assert_eq!(pages, vec!["/articles/two/"], "{seen:?}");
    assert!(seen.iter().all(|e| e["all"] == false), "{seen:?}");
    let line = rebuilt_for(&server, 0, &["content/articles/two.md"]);
    assert!(line.starts_with("rebuilt 1 of "), "{line}");
    assert!(
        server
            .get("/articles/two/")
            .text()
            .contains("Second page, edited.")
    );
}

/// What the watcher's second report of one save looks like to the server: the files hold
/// what was read. Nothing is rebuilt and the line says so, rather than naming a route that
/// did not run (it said "page text changed", and a test reading routes from the log took the
/// second report of the draft step's save for its rebuild).
#[test]
fn a_save_without_an_edit_says_files_unchanged() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    let two = "content/articles/two.md";
    let text = std::fs::read_to_string(site.path(two)).unwrap();
    site.write(two, &text);
    let line = first_rebuilt(&server, 0, |_| true);
    assert!(
        line.starts_with("rebuilt 0 of ") && line.contains("(files unchanged)"),
        "{line}"
    );
    assert!(
        line.ends_with(&format!("no output changed ({two})")),
        "{line}"
    );
}

/// A front-matter edit computes the digests of the targets that read what changed, not of
/// every target: the model's reads are recorded with each digest. Counted from the timings
/// the server prints with `VERSUS_SERVE_TIMINGS` (a count, not a time). The articles have
/// distinct dates, so that the new title does not reorder the section's list (which every
/// article reads, for its breadcrumbs: a reordering makes them all stale).
#[test]
fn a_title_edit_computes_only_the_digests_that_read_the_page() {
    let site = site();
    let n = 40;
    for i in 0..n {
        site.write(
            &format!("content/articles/more-{i:02}.md"),
            &format!(
                "+++\ntitle = \"More {i}\"\ndate = 2023-{:02}-{:02}\n+++\nText {i}.\n",
                1 + i / 20,
                1 + i % 20
            ),
        );
    }
    let server = Server::start_env(site.root(), 0, &[], &[("VERSUS_SERVE_TIMINGS", "1")]);
    let total: usize = server
        .stdout()
        .lines()
        .find_map(|l| {
            l.strip_prefix("built ")?
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .expect("a `built N pages` line");
    assert!(total > n, "{total}");
    site.write(
        "content/articles/more-07.md",
        "+++\ntitle = \"More seven\"\ndate = 2023-01-08\n+++\nText 7.\n",
    );
    let line = rebuilt_for(&server, 0, &["content/articles/more-07.md"]);
    assert!(line.contains("model"), "{line}");
    let stderr = server.stderr();
    let computed: usize = stderr
        .lines()
        .rev()
        .find_map(|l| {
            let (_, rest) = l.split_once("items changed, ")?;
            rest.split_whitespace().next()?.parse().ok()
        })
        .unwrap_or_else(|| panic!("no digest count in the timings:\n{stderr}"));
    // The page, the lists showing it (section, home), its neighbours: a handful.
    assert!(
        (1..=10).contains(&computed),
        "{computed} of {total} digests computed:\n{stderr}"
    );
    assert_same_as_build(&site, &server);
    assert!(
        server
            .get("/articles/more-07/")
            .text()
            .contains("More seven")
    );
}
