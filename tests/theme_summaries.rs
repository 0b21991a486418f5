//! What the default theme shows on the summary pages of a big site, where counts stand in for
//! the statements: every count says its level in words and with its icon (never colour
//! alone), in legend order, with a legend beside the table. And the reader's comparison view
//! is on the matrix and on each group page, with its script, its data and the page's group.

mod common;

use common::{Site, attrs, texts};

const SUBJECT: &str = "+++\ntitle = \"Alpha\"\n+++\nAlpha is a thing.\n";
const OTHER: &str = "+++\ntitle = \"Beta\"\n+++\nBeta is another thing.\n";

/// Alpha's levels in first-seen order no, yes, partial, yes; `per_page = 2` makes its page a
/// summary by group.
fn big_site() -> Site {
    Site::new(&[
        ("versus.toml", "title = \"T\"\n\n[compare]\nper_page = 2\n"),
        ("content/subjects/alpha.md", SUBJECT),
        ("content/subjects/beta.md", OTHER),
        (
            "content/articles/a.md",
            r#"+++
title = "Alpha or Beta"
subjects = ["alpha", "beta"]

[features]
"Cache" = { alpha = "no", beta = "yes" }
"Queue" = { alpha = "yes", beta = "yes" }
"Mail" = { alpha = "partial: some", beta = "no" }
"Jobs" = { alpha = "yes", beta = "unknown" }
+++
Text.
"#,
        ),
    ])
}

#[test]
fn subject_summary_counts_carry_word_and_icon_in_legend_order() {
    let site = big_site();
    site.run(&["build", "--quiet"]).assert_ok();
    let doc = site.html("site/subjects/alpha/index.html");
    let badges = texts(&doc, "table.group-summary .level-counts .badge");
    assert_eq!(badges, ["✓2 Yes", "◐1 Partial", "✗1 No"], "{badges:?}");
    let classes = attrs(&doc, "table.group-summary .level-counts .badge", "class");
    assert_eq!(
        classes,
        ["badge badge-yes", "badge badge-partial", "badge badge-no"]
    );
    let words = texts(&doc, ".level-counts .badge .visually-hidden");
    assert_eq!(words, ["Yes", "Partial", "No"], "{words:?}");
    assert!(
        !texts(&doc, "ul.legend .badge").is_empty(),
        "a legend explains the badges"
    );
}

#[test]
fn the_comparison_view_is_on_the_matrix_and_group_pages() {
    let site = big_site();
    site.run(&["build", "--quiet"]).assert_ok();
    let matrix = site.html("site/compare/index.html");
    let data = attrs(&matrix, "section.compare-view[hidden]", "data-compare-view");
    assert_eq!(data, ["/compare/data/index.json"]);
    assert!(site.exists("site/compare/data/index.json"));
    assert_eq!(
        attrs(&matrix, "section.compare-view", "data-default-subjects"),
        ["alpha,beta"]
    );
    assert!(attrs(&matrix, "section.compare-view", "data-group").is_empty());
    let script = attrs(&matrix, "script[src*='compare.']", "src");
    assert_eq!(script.len(), 1, "{script:?}");
    assert!(
        script[0].starts_with("/compare.") && script[0].ends_with(".js"),
        "fingerprinted: {script:?}"
    );
    assert_eq!(
        attrs(&matrix, "script[src*='compare.'][defer]", "src"),
        script
    );
    assert!(site.exists(&format!("site{}", script[0])));

    let group = site.html("site/compare/groups/alpha-or-beta/index.html");
    assert_eq!(
        attrs(&group, "section.compare-view", "data-group"),
        ["alpha-or-beta"]
    );
    assert_eq!(attrs(&group, "script[src*='compare.']", "src"), script);
}
