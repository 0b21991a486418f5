//! Defects that real content turned up (issue 15), each through the real binary: where the
//! feature table goes, footnote numbers across the table, unique ids on every page (and
//! `versus check` reporting any left), percent-encoded links to Markdown files and assets,
//! percent-encoded sitemap and canonical URLs, and heading slugs of words with apostrophes.

mod common;

use std::collections::BTreeMap;

use common::{Site, attrs, texts};
use scraper::{ElementRef, Html, Selector};

const ALPHA: &str = "+++\ntitle = \"Alpha\"\n+++\nAlpha is a thing.\n";
const BETA: &str = "+++\ntitle = \"Beta\"\n+++\nBeta is another thing.\n";

/// An article comparing alpha and beta (so it has a feature table), with `body`.
fn article(body: &str) -> String {
    format!(
        "+++\ntitle = \"Alpha or Beta\"\nsubjects = [\"alpha\", \"beta\"]\n\n[features]\n\
         \"Speed\" = {{ alpha = \"yes\", beta = \"no\" }}\n+++\n{body}"
    )
}

fn site_with_article(body: &str) -> Site {
    Site::new(&[
        ("versus.toml", "base_url = \"https://example.org/\"\n"),
        ("content/subjects/alpha.md", ALPHA),
        ("content/subjects/beta.md", BETA),
        ("content/a.md", &article(body)),
    ])
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

/// Names of the elements that enclose the article's feature table, innermost first, up to
/// the `.prose` that holds the body.
fn table_ancestors(doc: &Html) -> Vec<String> {
    let table = doc
        .select(&sel("section.feature-table"))
        .next()
        .expect("the article has its feature table");
    let mut names = Vec::new();
    for node in table.ancestors() {
        let Some(el) = ElementRef::wrap(node) else {
            continue;
        };
        if el.value().classes().any(|c| c == "prose") {
            break;
        }
        names.push(el.value().name().to_string());
    }
    names
}

/// The text of the element right after the feature table.
fn after_table(doc: &Html) -> String {
    let table = doc.select(&sel("section.feature-table")).next().unwrap();
    table
        .next_siblings()
        .find_map(ElementRef::wrap)
        .map(|e| e.text().collect::<String>().trim().to_string())
        .unwrap_or_default()
}

// ---- 2: the table goes at a top-level block boundary only -----------------------------------

#[test]
fn the_feature_table_never_lands_inside_a_list_item() {
    let site = site_with_article(
        "- ## Step one\n  Do this.\n- ## Step two\n\n## After the list\n\nText.\n",
    );
    site.run(&["build"]).assert_ok();
    let doc = site.html("site/a/index.html");
    assert_eq!(table_ancestors(&doc), Vec::<String>::new(), "inside a list");
    assert!(
        after_table(&doc).starts_with("After the list"),
        "{}",
        after_table(&doc)
    );
    // The list is whole: both items, before the table.
    assert_eq!(texts(&doc, ".prose > ul > li").len(), 2);
}

#[test]
fn the_feature_table_never_lands_inside_a_blockquote() {
    let site = site_with_article("Intro.\n\n> ## Quoted\n> text\n\n## Real\n\nMore.\n");
    site.run(&["build"]).assert_ok();
    let doc = site.html("site/a/index.html");
    assert_eq!(
        table_ancestors(&doc),
        Vec::<String>::new(),
        "inside a quote"
    );
    assert!(
        after_table(&doc).starts_with("Real"),
        "{}",
        after_table(&doc)
    );
}

#[test]
fn a_marker_inside_a_list_puts_the_table_after_the_list_with_a_warning() {
    let site = site_with_article("- one\n\n  <!-- features -->\n- two\n\nAfter.\n");
    let run = site.run(&["build"]);
    run.assert_ok()
        .assert_diag("warning", "content/a.md:10:3", "`<!-- features -->` inside");
    let doc = site.html("site/a/index.html");
    assert_eq!(table_ancestors(&doc), Vec::<String>::new());
    assert_eq!(after_table(&doc), "After.");
}

// ---- 3: footnote numbers run across the whole article ---------------------------------------

#[test]
fn footnote_numbers_run_across_the_feature_table() {
    let site = site_with_article(
        "Intro.[^a]\n\n## Section\n\nMore.[^b] Again.[^a]\n\n[^a]: First.\n[^b]: Second.\n",
    );
    site.run(&["build"]).assert_ok();
    let doc = site.html("site/a/index.html");
    // The table sits between the two references' paragraphs.
    assert!(after_table(&doc).starts_with("Section"));
    let refs: Vec<(String, String)> = doc
        .select(&sel(".prose sup.footnote-reference a"))
        .map(|a| {
            (
                a.text().collect(),
                a.value().attr("href").unwrap().to_string(),
            )
        })
        .collect();
    let numbers: Vec<&str> = refs.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(numbers, ["1", "2", "1"]);
    // Each reference leads to the definition labelled with its number.
    for (number, href) in &refs {
        let id = href.strip_prefix('#').unwrap();
        let def = doc
            .select(&sel(".footnote-definition"))
            .find(|d| d.value().id() == Some(id))
            .unwrap_or_else(|| panic!("no definition with id {id}"));
        let label: String = def
            .select(&sel(".footnote-definition-label"))
            .next()
            .unwrap()
            .text()
            .collect();
        assert_eq!(&label, number, "{href}");
    }
    let defs = texts(&doc, ".footnote-definition");
    assert_eq!(defs, ["1 First.", "2 Second."]);
}

// ---- 4: ids are unique on every page, and `check` reports any that are not ------------------

/// Ids that occur more than once in a document.
fn duplicate_ids(doc: &Html) -> Vec<String> {
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for id in attrs(doc, "[id]", "id") {
        *count.entry(id).or_default() += 1;
    }
    count
        .into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(id, _)| id)
        .collect()
}

#[test]
fn footnotes_headings_and_template_ids_never_share_an_id() {
    let site = Site::new(&[
        ("versus.toml", "base_url = \"https://example.org/\"\n"),
        (
            "content/subjects/alpha.md",
            "+++\ntitle = \"Alpha\"\n[features]\n\"Speed\" = \"yes\"\n+++\n\
             Alpha.\n\n## Features\n\nIts own.\n\n## Articles\n\nSome.\n\n## Compared with\n",
        ),
        ("content/subjects/beta.md", BETA),
        (
            "content/a.md",
            &article(
                "## Main\n\nText.[^notes]\n\n## Notes\n\nSee [the note](#fn-notes) and [main](#main-1).\n\n\
                 [^notes]: The note.\n\n## G1 0\n\n\
                 ```python subject=\"alpha\"\na = 1\n```\n\n```python subject=\"beta\"\nb = 2\n```\n",
            ),
        ),
    ]);
    site.run(&["build"]).assert_ok();
    let doc = site.html("site/a/index.html");
    assert_eq!(duplicate_ids(&doc), Vec::<String>::new());
    let heading_ids = attrs(&doc, ".prose h2[id]", "id");
    assert!(
        heading_ids.contains(&"main-1".to_string()),
        "{heading_ids:?}"
    );
    assert!(
        heading_ids.contains(&"notes".to_string()),
        "{heading_ids:?}"
    );
    // The template's own `main` is still the skip link's target.
    assert_eq!(attrs(&doc, "main", "id"), ["main"]);
    assert_eq!(attrs(&doc, ".footnote-definition", "id"), ["fn-notes"]);

    let doc = site.html("site/subjects/alpha/index.html");
    assert_eq!(duplicate_ids(&doc), Vec::<String>::new());
    let prose_ids = attrs(&doc, ".prose h2[id]", "id");
    assert_eq!(prose_ids, ["features-1", "articles-1", "compared-with-1"]);
    // The TOC and a link to the section use the same ids.
    site.run(&["check"]).assert_ok();
}

#[test]
fn no_body_heading_takes_an_id_the_theme_puts_on_its_page() {
    // First the ids the default theme's templates put on a page of every kind that has a
    // Markdown body (home, section, subject, article with table, TOC, related and backlinks)
    // are collected from the output; then every body gets a heading named after each of them.
    // If a template gains an id, this fails until markdown reserves it.
    let files = |headings: &str| {
        let subject = |title: &str| {
            format!("+++\ntitle = \"{title}\"\n[features]\n\"Speed\" = \"yes\"\n+++\n{headings}")
        };
        vec![
            (
                "versus.toml".to_string(),
                "base_url = \"https://example.org/\"\n".to_string(),
            ),
            (
                "content/_index.md".into(),
                format!("+++\ntitle = \"Home\"\n+++\n{headings}"),
            ),
            (
                "content/guides/_index.md".into(),
                format!("+++\ntitle = \"Guides\"\n+++\n{headings}"),
            ),
            ("content/subjects/alpha.md".into(), subject("Alpha")),
            ("content/subjects/beta.md".into(), subject("Beta")),
            (
                "content/guides/a.md".into(),
                article(&format!(
                    "Intro.\n\n## One\n\n{headings}See [b](@/guides/b.md).\n"
                )),
            ),
            (
                "content/guides/b.md".into(),
                article(&format!("## One\n\n{headings}See [a](@/guides/a.md).\n")),
            ),
        ]
    };
    let site = Site::new(&[]);
    for (path, text) in files("") {
        site.write(&path, &text);
    }
    site.run(&["build"]).assert_ok();
    let mut ids = std::collections::BTreeSet::new();
    for (_, doc) in common::html_files(&site.path("site")) {
        ids.extend(attrs(&doc, "[id]", "id"));
    }
    for id in [
        "main",
        "page-title",
        "toc-title",
        "feature-table-title",
        "related-title",
        "q",
    ] {
        assert!(ids.contains(id), "{id} not in {ids:?}");
    }
    let headings: String = ids.iter().map(|id| format!("## {id}\n\n")).collect();
    for (path, text) in files(&headings) {
        site.write(&path, &text);
    }
    site.run(&["build"]).assert_ok();
    let mut pages = 0;
    for (path, doc) in common::html_files(&site.path("site")) {
        assert_eq!(duplicate_ids(&doc), Vec::<String>::new(), "{path}");
        pages += 1;
    }
    assert!(pages > 8, "{pages}");
}

#[test]
fn check_reports_a_duplicate_id_left_in_a_page() {
    let site = site_with_article("Text.\n\n<p id=\"twice\">one</p>\n\n<p id=\"twice\">two</p>\n");
    let run = site.run(&["check"]);
    run.assert_diag("warning", "a/index.html", "duplicate id `twice`")
        .assert_stderr_has("content/a.md");
    // Warnings are errors with --strict.
    site.run(&["check", "--strict"]).assert_code(1);
    // And a page without duplicates passes.
    let site = site_with_article("## Main\n\nText.[^main]\n\n[^main]: A note.\n");
    let run = site.run(&["check", "--strict"]);
    run.assert_ok();
    assert!(!run.stderr.contains("duplicate id"), "{}", run.stderr);
}

// ---- 5: percent-encoded links to files ------------------------------------------------------

#[test]
fn percent_encoded_links_resolve_like_angle_bracket_links() {
    let site = Site::new(&[
        ("versus.toml", "base_url = \"https://example.org/\"\n"),
        (
            "content/a/b.md",
            "+++\ntitle = \"B\"\n+++\n[x](my%20file.md) [y](<my file.md#sec>) \
             [z](my%20file.md#caf%C3%A9) ![pic](my%20pic.png)\n",
        ),
        (
            "content/a/my file.md",
            "+++\ntitle = \"My file\"\n+++\n## Sec\n\n## Café\n",
        ),
    ]);
    site.write_bytes("content/a/my pic.png", b"\x89PNG");
    site.run(&["build"]).assert_ok();
    let doc = site.html("site/a/b/index.html");
    assert_eq!(
        attrs(&doc, ".prose a[href]", "href"),
        ["/a/my-file/", "/a/my-file/#sec", "/a/my-file/#caf%C3%A9"]
    );
    assert_eq!(attrs(&doc, ".prose img", "src"), ["/a/my%20pic.png"]);
    assert!(site.exists("site/a/my pic.png"));
    // The page knows it is linked from b.
    let target = site.html("site/a/my-file/index.html");
    assert!(texts(&target, "main").join(" ").contains("Linked from"));
    site.run(&["check", "--strict"]).assert_ok();
}

#[test]
fn a_percent_encoded_link_to_a_missing_file_names_the_decoded_file() {
    let site = Site::new(&[(
        "content/a/b.md",
        "+++\ntitle = \"B\"\n+++\n[x](no%20such.md)\n",
    )]);
    site.run(&["build"]).assert_code(1).assert_diag(
        "error",
        "content/a/b.md:4:1",
        "no file content/a/no such.md",
    );
}

// ---- 6: sitemap and canonical URLs are percent-encoded --------------------------------------

#[test]
fn sitemap_and_canonical_urls_are_percent_encoded() {
    let site = Site::new(&[
        ("versus.toml", "base_url = \"https://example.org/\"\n"),
        (
            "content/ünïcode-ß.md",
            "+++\ntitle = \"Unicode\"\n+++\nText.\n",
        ),
    ]);
    site.run(&["build"]).assert_ok();
    let encoded = "https://example.org/%C3%BCn%C3%AFcode-%C3%9F/";
    let sitemap = site.read("site/sitemap.xml");
    let xml = roxmltree::Document::parse(&sitemap).unwrap();
    let locs: Vec<&str> = xml
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(locs.contains(&encoded), "{locs:?}");
    assert!(locs.iter().all(|l| l.is_ascii()), "{locs:?}");
    let doc = site.html("site/ünïcode-ß/index.html");
    assert_eq!(attrs(&doc, "link[rel=canonical]", "href"), [encoded]);
    assert_eq!(
        attrs(&doc, "meta[property=\"og:url\"]", "content"),
        [encoded]
    );
    // Links within the site may stay IRIs, as browsers show them.
    let home = site.html("site/index.html");
    assert!(attrs(&home, "a[href]", "href").contains(&"/ünïcode-ß/".to_string()));
}

// ---- 8: heading slugs drop apostrophes -------------------------------------------------------

#[test]
fn heading_slugs_drop_apostrophes_and_keep_explicit_ids() {
    let site = Site::new(&[
        (
            "content/a.md",
            "+++\ntitle = \"A\"\n+++\n## Don't panic\n\n## It’s ‘quoted’\n\n## Rock 'n' roll\n\n\
             ## Don't touch {#don-t-touch}\n\nSee [here](#dont-panic).\n",
        ),
        (
            "content/b.md",
            "+++\ntitle = \"B\"\n+++\n[a](@/a.md#its-quoted)\n",
        ),
    ]);
    site.run(&["build", "--strict"]).assert_ok();
    let doc = site.html("site/a/index.html");
    assert_eq!(
        attrs(&doc, ".prose h2", "id"),
        ["dont-panic", "its-quoted", "rock-n-roll", "don-t-touch"]
    );
}

/// Links written before slugs dropped apostrophes (`#don-t-panic`) keep building and keep
/// landing on the heading: old sites must keep working.
#[test]
fn links_to_the_former_apostrophe_anchors_still_resolve_and_land() {
    let site = Site::new(&[
        ("versus.toml", "base_url = \"https://example.org/\"\n"),
        (
            "content/a.md",
            "+++\ntitle = \"A\"\n+++\n## Don't panic\n\nSee [here](#don-t-panic).\n",
        ),
        (
            "content/b.md",
            "+++\ntitle = \"B\"\n+++\n[a](@/a.md#don-t-panic)\n",
        ),
    ]);
    site.run(&["build", "--strict"]).assert_ok();
    site.run(&["check", "--strict"]).assert_ok();
    let doc = site.html("site/a/index.html");
    assert_eq!(attrs(&doc, ".prose h2", "id"), ["dont-panic"]);
    assert_eq!(attrs(&doc, ".prose h2 span[id]", "id"), ["don-t-panic"]);
    let b = site.html("site/b/index.html");
    assert!(attrs(&b, ".prose a[href]", "href").contains(&"/a/#don-t-panic".to_string()));
}

// ---- 7: lists sort titles as readers expect -------------------------------------------------

/// Lists put `crypto` before `XSLTProcessor` and `Éclair` between `eagle` and `Egg`, in
/// index lists and in previous/next links alike.
#[test]
fn lists_sort_titles_ignoring_case_and_accents() {
    let page = |t: &str| format!("+++\ntitle = \"{t}\"\n+++\nText.\n");
    let site = Site::new(&[
        ("content/api/_index.md", "+++\ntitle = \"API\"\n+++\n"),
        ("content/api/x.md", &page("XSLTProcessor")),
        ("content/api/c.md", &page("crypto")),
        ("content/api/e1.md", &page("Éclair")),
        ("content/api/e2.md", &page("Egg")),
        ("content/api/e3.md", &page("eagle")),
    ]);
    site.run(&["build", "--strict"]).assert_ok();
    let doc = site.html("site/api/index.html");
    let titles: Vec<String> = doc
        .select(&sel(".cards h3 a"))
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(
        titles,
        ["crypto", "eagle", "Éclair", "Egg", "XSLTProcessor"]
    );
    let crypto = site.html("site/api/c/index.html");
    let next: Vec<String> = crypto
        .select(&sel(".pager .next"))
        .map(|a| a.text().collect())
        .collect();
    assert!(next[0].contains("eagle"), "{next:?}");
}
