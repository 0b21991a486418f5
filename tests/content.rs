//! Reading content as an author sees it: where versus says a statement was made (feature keys
//! with escapes, in TOML and YAML alike), and the order dated articles come in.

mod common;

use common::{Site, pos_of_nth, texts};

fn subjects() -> Vec<(&'static str, &'static str)> {
    vec![
        ("content/subjects/x.md", "+++\ntitle = \"Ex\"\n+++\n"),
        ("content/subjects/y.md", "+++\ntitle = \"Why\"\n+++\n"),
    ]
}

/// Builds a site where `first.md` and `second.md` disagree about `x` on both features, then
/// checks that each conflict warning points at the cell in `second.md` and names the cell in
/// `first.md`, and that the subject page says which line each statement is on.
fn conflicts_point_at_escaped_keys(first: &str, second: &str, x_cell: &str) {
    let mut files = subjects();
    files.push(("content/articles/first.md", first));
    files.push(("content/articles/second.md", second));
    let site = Site::new(&files);
    let run = site.run(&["build"]);
    run.assert_ok();
    for (feature, nth) in [("The \"fast\" path", 0), ("café", 1)] {
        // The `nth` cell for `x` in each file: one per feature row.
        let at2 = pos_of_nth(second, x_cell, nth);
        let at1 = pos_of_nth(first, x_cell, nth);
        run.assert_diag(
            "warning",
            &format!("content/articles/second.md:{at2}"),
            &format!(
                "conflict: `{feature}` is `no` for x here, but `yes` in content/articles/first.md:{at1}"
            ),
        );
        // The subject page lists both statements with the line each was made on.
        let doc = site.html("site/subjects/x/index.html");
        let sel = scraper::Selector::parse("ul.statements a[title]").unwrap();
        let titles: Vec<String> = doc
            .select(&sel)
            .filter_map(|a| a.value().attr("title").map(str::to_string))
            .collect();
        for (title, at) in [("First", &at1), ("Second", &at2)] {
            let line = at.split(':').next().unwrap();
            let want = format!("Said in “{title}”, line {line}");
            assert!(titles.contains(&want), "no {want:?} in {titles:#?}");
        }
    }
    assert!(!run.stderr.contains(":0:0"), "{}", run.stderr);
}

#[test]
fn toml_keys_with_escapes_keep_their_line_and_column() {
    const FIRST: &str = "+++\ntitle = \"First\"\nsubjects = [\"x\", \"y\"]\n\n[features]\n\"The \\\"fast\\\" path\" = { x = \"yes\", y = \"no\" }\n\"caf\\u00e9\" = { x = \"yes\" }\n+++\nText.\n";
    const SECOND: &str = "+++\ntitle = \"Second\"\nsubjects = [\"x\"]\n\n[features]\n# A comment line moves the rows down.\n\"The \\\"fast\\\" path\" = {   x = \"no\" }\n  \"caf\\u00e9\" = { x = \"no\" }\n+++\nText.\n";
    conflicts_point_at_escaped_keys(FIRST, SECOND, "x = ");
}

#[test]
fn yaml_keys_with_escapes_keep_their_line_and_column() {
    const FIRST: &str = "---\ntitle: First\nsubjects: [x, y]\nfeatures:\n  \"The \\\"fast\\\" path\": { x: \"yes\", y: \"no\" }\n  \"caf\\u00e9\": { x: \"yes\" }\n---\nText.\n";
    const SECOND: &str = "---\ntitle: Second\nsubjects:\n  - x\nfeatures:\n  # A comment line moves the rows down.\n  \"The \\\"fast\\\" path\":\n    x: \"no\"\n  \"caf\\u00e9\": {x: \"no\"}\n---\nText.\n";
    conflicts_point_at_escaped_keys(FIRST, SECOND, "x: ");
}

#[test]
fn the_statement_line_of_an_escaped_row_is_its_own() {
    // Before positions came from the parser, the row below could not be found in the text and
    // the subject page said "line 0".
    const A: &str = "+++\ntitle = \"A\"\nsubjects = [\"x\"]\n\n[features]\n\"Tab\\tkey\" = { x = \"partial: mostly\" }\n+++\n";
    let mut files = subjects();
    files.push(("content/articles/a.md", A));
    let site = Site::new(&files);
    site.run(&["build"]).assert_ok();
    let doc = site.html("site/subjects/x/index.html");
    let sel = scraper::Selector::parse("ul.statements a[title]").unwrap();
    let titles: Vec<&str> = doc
        .select(&sel)
        .filter_map(|a| a.value().attr("title"))
        .collect();
    assert_eq!(titles, ["Said in “A”, line 6"]);
}

#[test]
fn dated_articles_sort_by_the_instant_whatever_the_time_zone() {
    // Newest first. As text, "…T10:00:00+02:00" sorts after "…T09:00:00Z", but it is an hour
    // earlier; a date alone is midnight UTC, so it is older than 00:30 UTC the same day.
    let mut files = subjects();
    let articles = [
        ("paris", "2026-09-14T10:00:00+02:00"),  // 08:00 UTC
        ("london", "2026-09-14T09:00:00Z"),      // 09:00 UTC
        ("dateonly", "2026-09-14"),              // 00:00 UTC
        ("azores", "2026-09-13T23:30:00-01:00"), // 00:30 UTC on the 14th
        ("spaced", "2026-09-14 08:30"),          // 08:30 UTC: no offset means UTC
    ];
    let texts_owned: Vec<(String, String)> = articles
        .iter()
        .map(|(name, date)| {
            (
                format!("content/articles/{name}.md"),
                format!("---\ntitle: {name}\ndate: \"{date}\"\n---\nText.\n"),
            )
        })
        .collect();
    for (p, t) in &texts_owned {
        files.push((p, t));
    }
    // A TOML datetime value (unquoted) takes part too: 07:00 UTC.
    files.push((
        "content/articles/toml.md",
        "+++\ntitle = \"toml\"\ndate = 2026-09-14T09:00:00+02:00\n+++\nText.\n",
    ));
    let site = Site::new(&files);
    site.run(&["build"]).assert_ok();
    let want = ["london", "spaced", "paris", "toml", "azores", "dateonly"];
    let home = site.html("site/index.html");
    assert_eq!(
        texts(&home, "ul.cards li.card h3 a[href^=\"/articles/\"]"),
        want
    );
    // The feed lists them in the same order.
    let feed = site.read("site/atom.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .filter_map(|e| e.children().find(|c| c.has_tag_name("title")))
        .filter_map(|t| t.text())
        .collect();
    assert_eq!(titles, want);
}
