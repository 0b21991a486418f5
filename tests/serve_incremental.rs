//! `versus serve` rebuilds incrementally: whichever route a save takes (page text only, a
//! model rebuild, a full rebuild), the served site equals a fresh `versus build` byte for
//! byte, and a body-only edit reloads only the edited page.

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

/// The last "rebuilt …" line that changed output, once the server has printed more than
/// `seen` lines and then nothing for half a second. The server prints the line just after
/// sending the change event, and on a loaded machine a plain (non-atomic) write can reach it
/// as two batches, the second a rebuild that changes nothing: the route of the edit is that of
/// the last rebuild that changed output.
fn last_rebuilt(server: &Server, seen: usize) -> (String, usize) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut count = usize::MAX;
    let mut lines = Vec::new();
    while std::time::Instant::now() < deadline {
        lines = rebuilt_lines(server);
        if lines.len() > seen && lines.len() == count {
            break;
        }
        count = lines.len();
        std::thread::sleep(std::time::Duration::from_millis(500));
    }
    let fresh = lines.get(seen..).unwrap_or_default();
    let line = fresh
        .iter()
        .rev()
        .find(|l| !l.contains("no output changed"))
        .or(fresh.last())
        .cloned()
        .unwrap_or_default();
    (line, lines.len())
}

#[test]
fn served_site_equals_a_fresh_build_on_every_route() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    assert_same_as_build(&site, &server);
    let one = "content/articles/one.md";
    let seen = std::cell::Cell::new(rebuilt_lines(&server).len());
    let step = |what: &str, route: &str| {
        events.settle();
        let (line, count) = last_rebuilt(&server, seen.get());
        seen.set(count);
        assert!(
            line.contains(route),
            "{what}: expected the {route} route: {line}"
        );
        assert_same_as_build(&site, &server);
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
    step("body edit", "page text");

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
    step("heading and external link", "page text");

    // A title taken from the first heading shows elsewhere: not the page text route.
    site.write(
        "content/articles/untitled.md",
        "+++\ndate = 2024-02-01\n+++\n# Another Title\n\nNo title in front matter.\n",
    );
    step("fallback title", "model");

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
    step("new internal link", "model");

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
    step("title", "model");
    site.write(
        one,
        &article(
            "One, renamed",
            "\"web\", \"new-tag\"",
            "partial",
            "## Start\n\nSee [two](@/articles/two.md#details).\n",
        ),
    );
    step("tags", "model");
    site.write(
        one,
        &article(
            "One, renamed",
            "\"web\", \"new-tag\"",
            "yes",
            "## Start\n\nSee [two](@/articles/two.md#details).\n",
        ),
    );
    step("feature cell", "model");
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
    step("subjects", "model");

    // Add, rename and delete an article.
    site.write(
        "content/articles/three.md",
        &article("Three", "\"fast\"", "yes", "Third page."),
    );
    step("add", "model");
    std::fs::rename(
        site.path("content/articles/three.md"),
        site.path("content/articles/three-renamed.md"),
    )
    .unwrap();
    step("rename", "model");
    std::fs::remove_file(site.path("content/articles/three-renamed.md")).unwrap();
    step("delete", "model");

    // A subject page, features.toml, an asset next to an article, a draft.
    site.write(
        "content/subjects/beta.md",
        &subject("Beta Prime", "Beta was renamed."),
    );
    step("subject page", "model");
    site.write(
        "content/features.toml",
        &format!(
            "{FEATURES}\n[[feature]]\nname = \"Docs\"\ndescription = \"How it is written up\"\n"
        ),
    );
    step("features.toml", "model");
    site.write(
        "content/articles/pic.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    step("asset", "model");
    site.write(
        "content/articles/draft.md",
        "+++\ntitle = \"Draft\"\ndraft = true\n+++\nNot yet.\n",
    );
    step("draft", "model");

    // A broken link is an error: the last good pages stay; the fix builds on them.
    std::fs::rename(
        site.path("content/articles/two.md"),
        site.path("content/articles/deux.md"),
    )
    .unwrap();
    let e = events.wait("errors");
    assert!(e["errors"].to_string().contains("broken link"), "{e}");
    site.write(
        one,
        &article(
            "One, renamed",
            "\"web\"",
            "yes",
            "## Start\n\nSee [two](@/articles/deux.md#details) and ![pic](pic.svg).\n",
        ),
    );
    step("fix after an error", "model");

    // Templates and config: the full route; and the page text route works after it.
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<p>Lost</p>{% endblock main %}",
    );
    step("template", "full");
    site.write("versus.toml", "title = \"Incremental, renamed\"\n");
    step("config", "full");
    site.write(
        one,
        &article(
            "One, renamed",
            "\"web\"",
            "yes",
            "## Start\n\nEdited after a full rebuild. See [two](@/articles/deux.md#details) and ![pic](pic.svg).\n",
        ),
    );
    step("body after full", "page text");
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
    // The first rebuild of this server: the line after zero earlier ones.
    let (line, _) = last_rebuilt(&server, 0);
    assert!(line.starts_with("rebuilt 1 of "), "{line}");
    assert!(
        server
            .get("/articles/two/")
            .text()
            .contains("Second page, edited.")
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
    let (line, _) = last_rebuilt(&server, 0);
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
