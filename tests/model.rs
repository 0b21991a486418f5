//! The comparison model end to end (issue 3): feature tables in, cross-linked pages out. Each
//! test builds a fixture site with the real binary and reads the HTML that comes out.

mod common;

use common::{Site, attrs, texts};
use scraper::{ElementRef, Html, Selector};

const FEATURES_TOML: &str = r#"
[[feature]]
name = "Built-in ORM"
group = "Data"
description = "Maps database tables to classes."
aliases = ["ORM"]

[[feature]]
name = "Admin interface"
group = "Tools"

[[feature]]
name = "Template engine"
group = "Views"

[[feature]]
name = "Async views"
group = "Views"

[[feature]]
name = "Stars"
group = "Community"
"#;

const DJANGO: &str = r#"+++
title = "Django"
description = "The web framework for perfectionists."
website = "https://django.example/"
license = "BSD-3-Clause"
first_release = "2005"

[features]
"Async views" = "partial: since 3.1"
+++
Django is batteries included.
"#;

const DJANGO_VS_FLASK: &str = r#"+++
title = "Django vs Flask"
date = 2026-01-02
tags = ["Web", "Python"]
subjects = ["django", "flask"]

[features]
"ORM" = { django = "yes: Django ORM", flask = "plugin: Flask-SQLAlchemy" }
"Admin interface" = { django = true, flask = { support = "plugin", note = "Flask-Admin", link = "https://flask-admin.example/", since = "1.0" } }
"Template engine" = { django = "Django Template Language", flask = "Jinja2" }
"Stars" = { django = 80000, flask = 67000 }
"Async views" = { django = "partial" }
+++
Intro paragraph.

<!-- features -->

## Routing

See [FastAPI](@/articles/fastapi.md#performance) and [the Flask page](../subjects/flask.md).
"#;

const FASTAPI: &str = r#"---
title: Where FastAPI fits
date: 2026-02-03
tags: [Python]
subjects: [fastapi, flask]
features:
  Template engine: { fastapi: "None built in", flask: Jinja2 }
  Async views: { fastapi: yes, flask: "partial: via extras" }
  Built-in ORM: { fastapi: no, flask: "plugin" }
---
Text.

## Performance

Back to [Django vs Flask](django-vs-flask.md).
"#;

const ALL_THREE: &str = r#"+++
title = "All three"
date = 2025-05-05
subjects = ["django", "flask", "fastapi"]

[features]
"Built-in ORM" = { django = "yes", flask = "plugin", fastapi = "no" }
+++
Everything.
"#;

fn compare_files() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "versus.toml",
            "title = \"Frameworks\"\nbase_url = \"https://x.test/\"\n",
        ),
        ("content/features.toml", FEATURES_TOML),
        ("content/subjects/django.md", DJANGO),
        (
            "content/subjects/flask.md",
            "+++\ntitle = \"Flask\"\n+++\nA micro framework.\n",
        ),
        (
            "content/subjects/fastapi.md",
            "+++\ntitle = \"FastAPI\"\n+++\nAsync first.\n",
        ),
        (
            "content/articles/_index.md",
            "+++\ntitle = \"Articles\"\n+++\nAll the articles.\n",
        ),
        ("content/articles/django-vs-flask.md", DJANGO_VS_FLASK),
        ("content/articles/fastapi.md", FASTAPI),
        ("content/articles/all-three.md", ALL_THREE),
    ]
}

fn compare_site() -> Site {
    let site = Site::new(&compare_files());
    site.run(&["build", "--strict"]).assert_ok();
    site
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).expect("selector")
}

fn text_of(e: ElementRef) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first table in `<main>`: header cells, then each body row as (row header, cells).
struct Table<'a> {
    head: Vec<ElementRef<'a>>,
    rows: Vec<(ElementRef<'a>, Vec<ElementRef<'a>>)>,
}

fn table(doc: &Html) -> Table<'_> {
    let t = doc
        .select(&sel("main table"))
        .next()
        .expect("a table in main");
    let head = t.select(&sel("thead th")).collect();
    let rows = t
        .select(&sel("tbody tr"))
        .filter_map(|tr| {
            let th = tr.select(&sel("th[scope=row]")).next()?;
            Some((th, tr.select(&sel("td")).collect()))
        })
        .collect();
    Table { head, rows }
}

/// A table cell as a reader hears it: each piece of text a word apart, so the badge's icon
/// and word (separate spans with no space between them) read "✓ Yes", then value, note,
/// `since` and links.
fn cell_text(e: ElementRef) -> String {
    e.text()
        .flat_map(str::split_whitespace)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The level a cell shows, as the theme marks it for styling and sorting.
fn level<'a>(e: ElementRef<'a>) -> &'a str {
    e.value().attr("data-level").unwrap_or("")
}

/// The row of a table in `<main>` whose row header links to `href`.
fn row_linking<'a>(doc: &'a Html, href: &str) -> ElementRef<'a> {
    doc.select(&sel("main tr"))
        .find(|tr| {
            tr.select(&sel("th[scope=row] a"))
                .any(|a| a.value().attr("href") == Some(href))
        })
        .unwrap_or_else(|| panic!("no row for {href}"))
}

fn hrefs(e: ElementRef) -> Vec<String> {
    e.select(&sel("a[href]"))
        .filter_map(|a| a.value().attr("href").map(str::to_string))
        .collect()
}

/// The links of the element right after the `<h2>` in main whose text contains `title`.
fn list_after(doc: &Html, title: &str) -> Vec<String> {
    let main = doc.select(&sel("main")).next().unwrap();
    let h = main
        .select(&sel("h2"))
        .find(|h| text_of(*h).contains(title))
        .unwrap_or_else(|| panic!("no {title} heading"));
    let list = h
        .next_siblings()
        .filter_map(ElementRef::wrap)
        .next()
        .expect("a list after the heading");
    hrefs(list)
}

#[test]
fn article_table_shows_every_cell_form() {
    let site = compare_site();
    let doc = site.html("site/articles/django-vs-flask/index.html");
    let t = table(&doc);
    // Columns: the subjects in `subjects` order, each linking to its subject page.
    let cols: Vec<String> = t.head.iter().skip(1).map(|e| text_of(*e)).collect();
    assert_eq!(cols, ["Django", "Flask"]);
    assert_eq!(hrefs(t.head[1]), ["/subjects/django/"]);
    assert_eq!(hrefs(t.head[2]), ["/subjects/flask/"]);
    // Rows in written order (not catalogue or alphabetical order), labelled as written,
    // each linking to the feature page (the alias `ORM` to `Built-in ORM`).
    let labels: Vec<String> = t.rows.iter().map(|(th, _)| text_of(*th)).collect();
    assert_eq!(
        labels,
        [
            "ORM",
            "Admin interface",
            "Template engine",
            "Stars",
            "Async views"
        ]
    );
    assert_eq!(hrefs(t.rows[0].0), ["/features/built-in-orm/"]);
    let cell = |r: usize, c: usize| cell_text(t.rows[r].1[c]);
    let lvl = |r: usize, c: usize| level(t.rows[r].1[c]);
    // "yes: note" and "plugin: note": icon + word + note.
    assert_eq!(cell(0, 0), "✓ Yes Django ORM");
    assert_eq!(lvl(0, 0), "yes");
    assert_eq!(cell(0, 1), "+ Plugin Flask-SQLAlchemy");
    assert_eq!(lvl(0, 1), "plugin");
    // A boolean, and a table with support, note, since and link.
    assert_eq!(cell(1, 0), "✓ Yes");
    assert_eq!(lvl(1, 0), "yes");
    assert!(
        cell(1, 1).starts_with("+ Plugin Flask-Admin"),
        "{}",
        cell(1, 1)
    );
    assert!(cell(1, 1).contains("1.0"), "{}", cell(1, 1));
    assert_eq!(hrefs(t.rows[1].1[1]), ["https://flask-admin.example/"]);
    // Plain text and numbers: a value, no badge.
    assert_eq!(cell(2, 0), "Django Template Language");
    assert_eq!(cell(2, 1), "Jinja2");
    assert_eq!(cell(3, 0), "80000");
    assert_eq!(lvl(3, 0), "text");
    assert!(t.rows[2].1[0].select(&sel(".badge")).next().is_none());
    // A subject without a cell in a row.
    assert_eq!(cell(4, 0), "◐ Partial");
    assert_eq!(cell(4, 1).to_lowercase(), "not stated");
    assert_eq!(lvl(4, 1), "none");
    // Badges never rely on colour alone: the word is in the text, the icon is decoration.
    for (_, cells) in &t.rows {
        for c in cells {
            for b in c.select(&sel(".badge")) {
                let icon: String = b.select(&sel("[aria-hidden=true]")).map(text_of).collect();
                assert!(icon.chars().count() <= 2, "icon {icon:?}");
                let word = text_of(b).replacen(&icon, "", 1);
                assert!(
                    word.chars().filter(|c| c.is_alphabetic()).count() >= 2,
                    "a badge without a word: {:?}",
                    text_of(b)
                );
            }
        }
    }
}

#[test]
fn table_sits_at_the_marker_and_links_resolve_to_page_urls() {
    let site = compare_site();
    let html = site.read("site/articles/django-vs-flask/index.html");
    let table_at = html.find("<table").expect("table");
    let intro_at = html.find("Intro paragraph").expect("intro");
    let routing_at = html.find("id=\"routing\"").expect("routing heading");
    assert!(intro_at < table_at && table_at < routing_at);
    let doc = Html::parse_document(&html);
    let links = attrs(&doc, "main p a", "href");
    assert!(
        links.contains(&"/articles/fastapi/#performance".to_string()),
        "{links:?}"
    );
    assert!(links.contains(&"/subjects/flask/".to_string()), "{links:?}");
    let back = attrs(
        &site.html("site/articles/fastapi/index.html"),
        "main p a",
        "href",
    );
    assert!(
        back.contains(&"/articles/django-vs-flask/".to_string()),
        "{back:?}"
    );
    // The anchor exists on the target page.
    let ids = attrs(&site.html("site/articles/fastapi/index.html"), "[id]", "id");
    assert!(ids.contains(&"performance".to_string()));
    // Under a base path, the same links carry it.
    let sub = Site::new(&compare_files());
    sub.run(&["build", "--base-url", "https://x.test/sub/"])
        .assert_ok();
    let links = attrs(
        &sub.html("site/articles/django-vs-flask/index.html"),
        "main p a",
        "href",
    );
    assert!(
        links.contains(&"/sub/articles/fastapi/#performance".to_string()),
        "{links:?}"
    );
    assert!(
        links.contains(&"/sub/subjects/flask/".to_string()),
        "{links:?}"
    );
}

#[test]
fn yaml_rows_keep_written_order_too() {
    let site = compare_site();
    let doc = site.html("site/articles/fastapi/index.html");
    let t = table(&doc);
    let labels: Vec<String> = t.rows.iter().map(|(th, _)| text_of(*th)).collect();
    assert_eq!(labels, ["Template engine", "Async views", "Built-in ORM"]);
    assert_eq!(cell_text(t.rows[1].1[0]), "✓ Yes");
    assert_eq!(cell_text(t.rows[2].1[0]), "✗ No");
    assert_eq!(cell_text(t.rows[1].1[1]), "◐ Partial via extras");
    assert_eq!(level(t.rows[2].1[1]), "plugin");
}

#[test]
fn subject_page_gathers_facts_statements_articles_and_pairs() {
    let site = compare_site();
    let doc = site.html("site/subjects/django/index.html");
    let main = doc.select(&sel("main")).next().unwrap();
    let text = text_of(main);
    assert_eq!(texts(&doc, "h1"), ["Django"]);
    for fact in ["BSD-3-Clause", "2005", "Django is batteries included."] {
        assert!(text.contains(fact), "{fact:?} missing: {text}");
    }
    assert!(hrefs(main).contains(&"https://django.example/".to_string()));
    // Statements grouped by feature group, in catalogue order of the groups: each group is a
    // table body headed by the group's name, holding a row per feature of that group.
    let groups: Vec<(String, Vec<String>)> = main
        .select(&sel("table tbody"))
        .filter_map(|body| {
            let name = text_of(body.select(&sel("th[scope=colgroup]")).next()?);
            let features = body.select(&sel("th[scope=row]")).map(text_of).collect();
            Some((name, features))
        })
        .collect();
    let names: Vec<&str> = groups.iter().map(|(g, _)| g.as_str()).collect();
    assert_eq!(names, ["Data", "Tools", "Views", "Community"], "{groups:?}");
    assert_eq!(groups[0].1, ["Built-in ORM"], "{groups:?}");
    assert_eq!(
        groups[2].1,
        ["Template engine", "Async views"],
        "{groups:?}"
    );
    // Every statement links to the page that made it: the ORM is stated by two articles.
    let orm = row_linking(&doc, "/features/built-in-orm/");
    let statements: Vec<ElementRef> = orm.select(&sel(".statements li")).collect();
    assert_eq!(statements.len(), 2, "{}", text_of(orm));
    let sources = hrefs(orm);
    assert!(
        sources.contains(&"/articles/django-vs-flask/".to_string()),
        "{sources:?}"
    );
    assert!(
        sources.contains(&"/articles/all-three/".to_string()),
        "{sources:?}"
    );
    // Its own table counts as a statement, said by the subject page.
    let asyncv = row_linking(&doc, "/features/async-views/");
    let own = asyncv
        .select(&sel(".statements li"))
        .find(|li| hrefs(*li).contains(&"/subjects/django/".to_string()))
        .unwrap_or_else(|| panic!("no statement said by the subject page: {}", text_of(asyncv)));
    assert_eq!(cell_text(own), "◐ Partial since 3.1 Said in Django");
    // Articles comparing it, and its pair pages.
    let links = hrefs(main);
    for l in [
        "/articles/django-vs-flask/",
        "/articles/all-three/",
        "/compare/django-vs-fastapi/",
        "/compare/django-vs-flask/",
    ] {
        assert!(links.contains(&l.to_string()), "{l} missing: {links:?}");
    }
    assert!(!links.contains(&"/articles/fastapi/".to_string()));
}

#[test]
fn feature_page_lists_each_subject_with_level_note_and_source() {
    let site = compare_site();
    let doc = site.html("site/features/built-in-orm/index.html");
    assert_eq!(texts(&doc, "h1"), ["Built-in ORM"]);
    assert!(
        texts(&doc, "main p")
            .iter()
            .any(|p| p == "Maps database tables to classes.")
    );
    let t = table(&doc);
    // A row per subject: its verdict (first cell), then the statements it rests on.
    let rows: Vec<(String, String)> = t
        .rows
        .iter()
        .map(|(th, tds)| (text_of(*th), cell_text(tds[0])))
        .collect();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_eq!(rows[0].0, "Django");
    assert!(rows[0].1.starts_with("✓ Yes"), "{rows:?}");
    assert_eq!(rows[1].0, "FastAPI");
    assert!(rows[1].1.starts_with("✗ No"), "{rows:?}");
    assert_eq!(rows[2].0, "Flask");
    assert!(rows[2].1.starts_with("+ Plugin"), "{rows:?}");
    let levels: Vec<&str> = t.rows.iter().map(|(_, tds)| level(tds[0])).collect();
    assert_eq!(levels, ["yes", "no", "plugin"]);
    // Each level links to the page that said it: Django's ORM is stated by two articles.
    let said = hrefs(t.rows[0].1[1]);
    assert!(
        said.contains(&"/articles/django-vs-flask/".to_string())
            && said.contains(&"/articles/all-three/".to_string()),
        "{said:?}"
    );
    assert!(
        cell_text(t.rows[0].1[1]).contains("✓ Yes Django ORM"),
        "{}",
        cell_text(t.rows[0].1[1])
    );
    // Notes, `since` and links come along.
    let admin = site.html("site/features/admin-interface/index.html");
    let t = table(&admin);
    let flask = t
        .rows
        .iter()
        .find(|(th, _)| text_of(*th) == "Flask")
        .expect("a Flask row");
    let cell = cell_text(flask.1[0]);
    assert!(
        cell.starts_with("+ Plugin Flask-Admin") && cell.contains("1.0"),
        "{cell}"
    );
    let links = hrefs(flask.1[0]);
    assert!(
        links.contains(&"https://flask-admin.example/".to_string()),
        "{links:?}"
    );
    let said = hrefs(flask.1[1]);
    assert!(
        said.contains(&"/articles/django-vs-flask/".to_string()),
        "{said:?}"
    );
    // A subject nobody wrote about for this feature says so.
    let fastapi = t
        .rows
        .iter()
        .find(|(th, _)| text_of(*th) == "FastAPI")
        .expect("a FastAPI row");
    assert_eq!(cell_text(fastapi.1[0]).to_lowercase(), "not stated");
    assert_eq!(level(fastapi.1[0]), "none");
    // The alias did not make a second feature.
    assert!(!site.exists("site/features/orm/index.html"));
    let index = texts(&site.html("site/features/index.html"), "main li a");
    assert_eq!(
        index.iter().filter(|n| n.contains("ORM")).count(),
        1,
        "{index:?}"
    );
}

#[test]
fn matrix_holds_all_subjects_by_all_features_grouped() {
    let site = compare_site();
    let doc = site.html("site/compare/index.html");
    let t = table(&doc);
    let cols: Vec<String> = t.head.iter().skip(1).map(|e| text_of(*e)).collect();
    assert_eq!(cols, ["Django", "FastAPI", "Flask"]);
    let groups = texts(&doc, "main table th[scope=colgroup]");
    assert_eq!(groups, ["Data", "Tools", "Views", "Community"]);
    let labels: Vec<String> = t.rows.iter().map(|(th, _)| text_of(*th)).collect();
    assert_eq!(
        labels,
        [
            "Built-in ORM",
            "Admin interface",
            "Template engine",
            "Async views",
            "Stars"
        ]
    );
    for (th, tds) in &t.rows {
        assert_eq!(tds.len(), 3, "row {}", text_of(*th));
    }
    // Admin interface: FastAPI says nothing.
    assert_eq!(text_of(t.rows[1].1[1]).to_lowercase(), "not stated");
}

#[test]
fn pair_page_puts_differences_first_and_links_the_articles() {
    let site = compare_site();
    let html = site.read("site/compare/django-vs-flask/index.html");
    let doc = Html::parse_document(&html);
    // Two tables: where they differ, then where they agree.
    let section = |id: &str| -> Vec<String> {
        let t = doc
            .select(&sel(&format!("main h2#{id} + .table-wrap table")))
            .next()
            .unwrap_or_else(|| panic!("no table after h2#{id}"));
        let cols: Vec<String> = t.select(&sel("thead th")).skip(1).map(text_of).collect();
        assert_eq!(cols, ["Django", "Flask"]);
        t.select(&sel("tbody th[scope=row]")).map(text_of).collect()
    };
    let (differences, same) = (section("differences"), section("same"));
    assert!(html.find("id=\"differences\"") < html.find("id=\"same\""));
    // Both are "partial" on async views: the one row that agrees comes last.
    assert_eq!(same, ["Async views"], "{differences:?} / {same:?}");
    assert_eq!(differences.len(), 4, "{differences:?}");
    assert!(!differences.contains(&"Async views".to_string()));
    let t = table(&doc);
    // Each cell: icon and word, and the page that said it.
    let (orm, cells) = &t.rows[0];
    assert_eq!(text_of(*orm), "Built-in ORM");
    assert!(
        cell_text(cells[0]).starts_with("✓ Yes"),
        "{}",
        cell_text(cells[0])
    );
    assert!(
        cell_text(cells[1]).starts_with("+ Plugin"),
        "{}",
        cell_text(cells[1])
    );
    assert_eq!((level(cells[0]), level(cells[1])), ("yes", "plugin"));
    for c in cells {
        let said = hrefs(*c);
        assert!(said.iter().any(|h| h.starts_with("/articles/")), "{said:?}");
    }
    // The articles that compare both (fastapi.md compares FastAPI and Flask only).
    assert_eq!(
        list_after(&doc, "Articles"),
        ["/articles/django-vs-flask/", "/articles/all-three/"]
    );
    // Every pair that shares a feature has a page, ids in alphabetical order.
    for p in ["django-vs-fastapi", "django-vs-flask", "fastapi-vs-flask"] {
        assert!(site.exists(&format!("site/compare/{p}/index.html")), "{p}");
    }
    assert!(!site.exists("site/compare/flask-vs-django/index.html"));
}

#[test]
fn tags_and_sections_list_their_pages() {
    let site = compare_site();
    let tags = site.html("site/tags/index.html");
    let items = texts(&tags, "main li");
    assert!(
        items
            .iter()
            .any(|i| i.starts_with("Python") && i.contains('2')),
        "{items:?}"
    );
    assert!(
        items
            .iter()
            .any(|i| i.starts_with("Web") && i.contains('1')),
        "{items:?}"
    );
    let python = attrs(&site.html("site/tags/python/index.html"), "main a", "href");
    assert!(python.contains(&"/articles/django-vs-flask/".to_string()));
    assert!(python.contains(&"/articles/fastapi/".to_string()));
    assert!(!python.contains(&"/articles/all-three/".to_string()));
    let section = site.html("site/articles/index.html");
    assert_eq!(texts(&section, "h1"), ["Articles"]);
    let listed = attrs(&section, "main a", "href");
    for a in [
        "/articles/django-vs-flask/",
        "/articles/fastapi/",
        "/articles/all-three/",
    ] {
        assert!(listed.contains(&a.to_string()), "{a} missing: {listed:?}");
    }
    // Newest first.
    let pos = |a: &str| listed.iter().position(|l| l == a).unwrap();
    assert!(pos("/articles/fastapi/") < pos("/articles/django-vs-flask/"));
    assert!(pos("/articles/django-vs-flask/") < pos("/articles/all-three/"));
}

#[test]
fn related_pages_most_shared_first_and_backlinks() {
    let site = compare_site();
    let doc = site.html("site/articles/django-vs-flask/index.html");
    // all-three shares Django and Flask; fastapi only Flask.
    assert_eq!(
        list_after(&doc, "Related"),
        ["/articles/all-three/", "/articles/fastapi/"]
    );
    assert_eq!(list_after(&doc, "Linked from"), ["/articles/fastapi/"]);
}

// ---- checks ---------------------------------------------------------------------------------

fn site_with(extra: &[(&'static str, &'static str)]) -> Site {
    let mut files = compare_files();
    files.extend_from_slice(extra);
    Site::new(&files)
}

/// 1-based `line:col` of the first `needle` in `text`, as versus counts them.
fn pos_of(text: &str, needle: &str) -> String {
    common::pos_of_nth(text, needle, 0)
}

#[test]
fn conflicting_statements_warn_with_both_places_and_strict_fails() {
    const CONFLICT: &str = "+++\ntitle = \"Conflict\"\nsubjects = [\"flask\"]\n\n[features]\n\"Built-in ORM\" = { flask = \"yes\" }\n+++\n";
    let site = site_with(&[("content/articles/zz-conflict.md", CONFLICT)]);
    let run = site.run(&["build"]);
    run.assert_ok();
    let loc = format!(
        "content/articles/zz-conflict.md:{}",
        pos_of(CONFLICT, "flask = ")
    );
    run.assert_diag("warning", &loc, "conflict");
    // The other place: the first statement (files are read in path order), file:line:col.
    let first = pos_of(ALL_THREE, "flask = ");
    run.assert_diag(
        "warning",
        &loc,
        &format!("content/articles/all-three.md:{first}"),
    );
    site.run(&["build", "--strict"])
        .assert_code(1)
        .assert_diag("error", &loc, "conflict");
}

#[test]
fn unknown_subject_suggests_the_closest_id() {
    const BAD: &str = "+++\ntitle = \"Bad\"\nsubjects = [\"django\", \"flsk\"]\n+++\n";
    let site = site_with(&[("content/articles/bad.md", BAD)]);
    let loc = format!("content/articles/bad.md:{}", pos_of(BAD, "flsk"));
    site.run(&["build"])
        .assert_code(1)
        .assert_diag("error", &loc, "unknown subject `flsk`")
        .assert_diag("error", &loc, "did you mean `flask`?");
}

#[test]
fn cell_for_a_subject_not_compared_is_an_error_at_the_cell() {
    const BAD: &str = "+++\ntitle = \"Bad\"\nsubjects = [\"django\"]\n\n[features]\n\"Stars\" = { django = 1, flask = 2 }\n+++\n";
    let site = site_with(&[("content/articles/bad.md", BAD)]);
    let loc = format!("content/articles/bad.md:{}", pos_of(BAD, "flask = 2"));
    site.run(&["build"])
        .assert_code(1)
        .assert_diag("error", &loc, "`flask`");
}

#[test]
fn a_feature_given_two_rows_is_an_error_and_the_rows_after_it_read_their_own_cells() {
    // "ORM" is an alias of "Built-in ORM": the second row is the same feature. Its cells are
    // not read (no warning for `Yse`); the next row's warning names that row's own text.
    const BAD: &str = "+++\ntitle = \"Bad\"\nsubjects = [\"django\", \"flask\"]\n\n[features]\n\"Built-in ORM\" = { django = \"yes\", flask = \"no\" }\n\"ORM\" = { django = \"Yse: twice\", flask = \"no\" }\n\"Stars\" = { django = \"Yes: after\", flask = \"no\" }\n+++\n";
    let site = site_with(&[("content/articles/bad.md", BAD)]);
    let run = site.run(&["build"]);
    run.assert_code(1).assert_diag(
        "error",
        &format!("content/articles/bad.md:{}", pos_of(BAD, "\"ORM\"")),
        "feature `Built-in ORM` has two rows in this table (the other on line 6)",
    );
    let after = format!("content/articles/bad.md:{}", pos_of(BAD, "django = \"Yes"));
    run.assert_diag("warning", &after, "`Yes` is not a level");
    let not_levels: Vec<_> = common::diagnostics(&run.stderr)
        .into_iter()
        .filter(|d| d.text.contains("is not a level"))
        .collect();
    assert_eq!(not_levels.len(), 1, "{not_levels:?}");
}

#[test]
fn unknown_level_in_table_form_lists_the_valid_ones() {
    const BAD: &str = "---\ntitle: Bad\nsubjects: [django, flask]\nfeatures:\n  Stars:\n    django: { support: maybe }\n    flask: yes\n---\n";
    let site = site_with(&[("content/articles/bad.md", BAD)]);
    let loc = format!("content/articles/bad.md:{}", pos_of(BAD, "django: {"));
    site.run(&["build"])
        .assert_code(1)
        .assert_diag("error", &loc, "maybe")
        .assert_diag("error", &loc, "yes, partial, plugin, no, unknown");
}

#[test]
fn feature_unknown_to_the_catalogue_warns_with_the_closest_name() {
    const TYPO: &str = "+++\ntitle = \"Typo\"\nsubjects = [\"django\"]\n\n[features]\n\"Admin interfase\" = { django = \"yes\" }\n+++\n";
    let site = site_with(&[("content/articles/typo.md", TYPO)]);
    let loc = format!(
        "content/articles/typo.md:{}",
        pos_of(TYPO, "\"Admin interfase\"")
    );
    site.run(&["build"])
        .assert_ok()
        .assert_diag("warning", &loc, "Admin interfase")
        .assert_diag("warning", &loc, "did you mean `Admin interface`?");
    site.run(&["build", "--strict"]).assert_code(1);
}

#[test]
fn broken_links_name_file_line_and_target() {
    const LINKS: &str = "+++\ntitle = \"Links\"\n+++\nFirst line.\n\nSee [gone](@/articles/nope.md) and\n[no anchor](fastapi.md#nowhere).\n";
    let site = site_with(&[("content/articles/links.md", LINKS)]);
    let run = site.run(&["build"]);
    run.assert_code(1)
        .assert_diag(
            "error",
            &format!("content/articles/links.md:{}", pos_of(LINKS, "[gone]")),
            "@/articles/nope.md",
        )
        .assert_diag(
            "error",
            &format!("content/articles/links.md:{}", pos_of(LINKS, "[no anchor]")),
            "nowhere",
        );
    assert!(!site.exists("site"));
}

#[test]
fn all_model_errors_in_one_run() {
    let site = site_with(&[
        (
            "content/a.md",
            "+++\ntitle = \"A\"\nsubjects = [\"djang\"]\n+++\n",
        ),
        (
            "content/b.md",
            "+++\ntitle = \"B\"\n+++\n[x](@/missing.md)\n",
        ),
        (
            "content/c.md",
            "+++\ntitle = \"C\"\nsubjects = [\"django\"]\n[features]\nStars = { django = { support = \"kinda\" } }\n+++\n",
        ),
    ]);
    let run = site.run(&["check"]);
    run.assert_code(1);
    let errors: Vec<String> = common::diagnostics(&run.stderr)
        .into_iter()
        .filter(|d| d.kind == "error")
        .map(|d| d.location)
        .collect();
    assert_eq!(errors.len(), 3, "{}", run.stderr);
    assert!(errors[0].starts_with("content/a.md:3:"));
    assert!(errors[1].starts_with("content/b.md:4:"));
    assert!(errors[2].starts_with("content/c.md:5:"));
}

// ---- the showcase -----------------------------------------------------------------------

#[test]
fn showcase_builds_strict_and_every_internal_link_resolves() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("site");
    let mut cmd = common::versus();
    cmd.args(["build", "--strict", "--root"])
        .arg(repo)
        .arg("--output")
        .arg(&out);
    let run = common::Run::from(cmd.output().unwrap());
    run.assert_ok();
    assert!(run.stderr.trim().is_empty(), "diagnostics:\n{}", run.stderr);
    let broken = common::broken_links(&out, "");
    assert!(
        broken.is_empty(),
        "{} broken links:\n{}",
        broken.len(),
        broken.join("\n")
    );
    // Every page kind is there.
    for p in [
        "index.html",
        "404.html",
        "subjects/django/index.html",
        "features/index.html",
        "compare/index.html",
        "compare/django-vs-flask/index.html",
        "tags/index.html",
    ] {
        assert!(out.join(p).is_file(), "{p} missing");
    }
    // The home page reaches every article: directly, or through a section page it links.
    let docs = common::html_files(&out);
    let home = &docs.iter().find(|(p, _)| p == "index.html").unwrap().1;
    let mut reachable: Vec<String> = attrs(home, "main a", "href");
    for section in reachable.clone() {
        let file = format!("{}index.html", section.trim_start_matches('/'));
        if let Some((_, d)) = docs.iter().find(|(p, _)| *p == file) {
            reachable.extend(attrs(d, "main a", "href"));
        }
    }
    let articles = std::fs::read_dir(repo.join("content/articles")).unwrap();
    for a in articles {
        let name = a.unwrap().file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".md").filter(|s| *s != "_index") else {
            continue;
        };
        let text = std::fs::read_to_string(repo.join("content/articles").join(&name)).unwrap();
        if text.contains("draft = true") || text.contains("draft: true") {
            continue;
        }
        let url = format!("/articles/{stem}/");
        assert!(reachable.contains(&url), "home does not reach {url}");
    }
}

#[test]
fn diagnostics_point_at_the_cell_in_every_table_layout() {
    // TOML sub-tables: the row on a `[features."..."]` line, cells on the lines below.
    const SUB: &str = "+++\ntitle = \"Sub\"\nsubjects = [\"django\", \"flask\"]\n\n[features.\"Stars\"]\ndjango = 3\n\n[features.\"Admin interface\"]\ndjango = \"yes\"\nflask = { support = \"sorta\" }\n+++\n";
    // YAML block style, with a row name unknown to features.toml and an indented cell.
    const YAML: &str = "---\ntitle: Yaml\nsubjects:\n  - django\n  - flask\nfeatures:\n  Admin interfase:\n    django: yes\n  Stars:\n    django: 3\n    fastapi: 4\n---\n";
    let site = site_with(&[
        ("content/articles/sub.md", SUB),
        ("content/articles/yaml.md", YAML),
    ]);
    let run = site.run(&["build"]);
    run.assert_code(1)
        .assert_diag(
            "error",
            &format!("content/articles/sub.md:{}", pos_of(SUB, "flask = {")),
            "sorta",
        )
        .assert_diag(
            "warning",
            &format!(
                "content/articles/yaml.md:{}",
                pos_of(YAML, "Admin interfase")
            ),
            "did you mean `Admin interface`?",
        )
        .assert_diag(
            "error",
            &format!("content/articles/yaml.md:{}", pos_of(YAML, "fastapi: 4")),
            "`fastapi`",
        );
}
