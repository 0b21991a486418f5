//! Sites in several languages (issue 20): `[languages.de]` in versus.toml and `a.de.md` next
//! to `a.md` give German pages under `/de/` with `hreflang` alternates, a language switcher
//! that lands on the same page where it exists, a search index and a feed per language, and
//! statements (and their conflicts) per language; subjects and features keep one id.

mod common;
mod serve_util;

use common::{Site, attrs, texts};
use scraper::Html;

const CONFIG: &str = "title = \"Frameworks compared\"\nbase_url = \"https://example.org/\"\n\
    language = \"en\"\n\n[languages.de]\ntitle = \"Frameworks im Vergleich\"\n";

const FEATURES: &str = "[[feature]]\nname = \"ORM\"\ngroup = \"Data\"\ndescription = \"Maps tables to objects.\"\n\
    [feature.translations.de]\nname = \"Objekt-Mapper\"\ndescription = \"Bildet Tabellen auf Objekte ab.\"\n\n\
    [[feature]]\nname = \"Admin\"\ngroup = \"Data\"\n";

fn site() -> Site {
    Site::new(&[
        ("versus.toml", CONFIG),
        ("content/features.toml", FEATURES),
        (
            "content/articles/chart.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        ),
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\nWelcome.\n",
        ),
        (
            "content/_index.de.md",
            "+++\ntitle = \"Startseite\"\n+++\nWillkommen.\n",
        ),
        (
            "content/subjects/django.md",
            "+++\ntitle = \"Django\"\ndescription = \"Batteries included.\"\n+++\nDjango.\n",
        ),
        (
            "content/subjects/django.de.md",
            "+++\ntitle = \"Django\"\ndescription = \"Mit allem Drum und Dran.\"\n+++\nDjango auf Deutsch.\n",
        ),
        (
            "content/subjects/flask.md",
            "+++\ntitle = \"Flask\"\ndescription = \"Micro.\"\n[features]\n\"Admin\" = \"no\"\n+++\nFlask.\n",
        ),
        (
            "content/articles/x.md",
            "+++\ntitle = \"Django vs Flask\"\ndate = 2026-01-02\nsubjects = [\"django\", \"flask\"]\n\
             [features]\n\"ORM\" = { django = \"yes\", flask = \"plugin: SQLAlchemy\" }\n\
             \"Admin\" = { django = \"yes\", flask = \"no\" }\n+++\nText.\n",
        ),
        (
            "content/articles/x.de.md",
            "+++\ntitle = \"Django gegen Flask\"\ndate = 2026-01-02\nsubjects = [\"django\", \"flask\"]\n\
             [features]\n\"Objekt-Mapper\" = { django = \"yes\", flask = \"partial: mit Erweiterung\" }\n+++\nText.\n\n![Bild](chart.svg)\n",
        ),
        (
            "content/articles/only.md",
            "+++\ntitle = \"Only English\"\ndate = 2026-01-03\nsubjects = [\"django\"]\n+++\nEnglish only.\n",
        ),
    ])
}

/// `hreflang` → `href` of a page's alternate links.
fn alternates(doc: &Html) -> Vec<(String, String)> {
    let sel = scraper::Selector::parse("link[rel=alternate][hreflang]").unwrap();
    doc.select(&sel)
        .map(|e| {
            (
                e.value().attr("hreflang").unwrap().to_string(),
                e.value().attr("href").unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn translated_pages_link_each_other_with_hreflang_and_the_switcher() {
    let site = site();
    site.run(&["build", "--strict"]).assert_ok();
    let en = site.html("site/articles/x/index.html");
    let de = site.html("site/de/articles/x/index.html");
    let both = pairs(&[
        ("en", "https://example.org/articles/x/"),
        ("de", "https://example.org/de/articles/x/"),
        ("x-default", "https://example.org/articles/x/"),
    ]);
    assert_eq!(alternates(&en), both);
    assert_eq!(alternates(&de), both);
    assert_eq!(attrs(&de, "html", "lang"), ["de"]);
    // The switcher: the same page in the other language, the current one marked.
    assert_eq!(
        attrs(&en, ".languages a", "href"),
        ["/articles/x/", "/de/articles/x/"]
    );
    assert_eq!(texts(&en, ".languages .lang-name"), ["English", "Deutsch"]);
    assert_eq!(attrs(&de, ".languages a[aria-current]", "lang"), ["de"]);
    // A page with no German version: no German alternate, and the switcher goes home.
    let only = site.html("site/articles/only/index.html");
    assert_eq!(
        alternates(&only),
        pairs(&[
            ("en", "https://example.org/articles/only/"),
            ("x-default", "https://example.org/articles/only/"),
        ])
    );
    assert_eq!(
        attrs(&only, ".languages a", "href"),
        ["/articles/only/", "/de/"]
    );
    assert!(!site.exists("site/de/articles/only/index.html"));
    // Generated pages exist in both: the matrix's alternates.
    let matrix = site.html("site/de/compare/index.html");
    assert_eq!(
        alternates(&matrix)[0],
        ("en".to_string(), "https://example.org/compare/".to_string())
    );
    assert_eq!(texts(&matrix, "h1"), ["Alles im Vergleich"]);
    // Assets are the site's, once, at its root.
    let css = attrs(&de, "link[rel=stylesheet]", "href");
    assert!(css[0].starts_with("/style."), "{css:?}");
    assert!(!site.exists("site/de/favicon.svg"));
    // So are files next to pages: the German page's image is the one at the root.
    assert_eq!(attrs(&de, ".prose img", "src"), ["/articles/chart.svg"]);
    assert!(site.exists("site/articles/chart.svg"));
}

#[test]
fn german_pages_show_german_statements_only() {
    let site = site();
    site.run(&["build", "--strict"]).assert_ok();
    let en = site.html("site/compare/django-vs-flask/index.html");
    let de = site.html("site/de/compare/django-vs-flask/index.html");
    let rows = |d: &Html| texts(d, "tbody th[scope=row]");
    assert_eq!(rows(&en), ["ORM", "Admin"]);
    // The German article said nothing about the admin, and the subject's own English table
    // is not German: only the German article's one row, under its German name.
    assert_eq!(rows(&de), ["Objekt-Mapper"]);
    assert!(texts(&de, "td").join(" ").contains("mit Erweiterung"));
    assert!(!texts(&de, "td").join(" ").contains("SQLAlchemy"));
    assert_eq!(texts(&de, "h1"), ["Django vs. Flask"]);
    // The feature keeps its id (slug) and shows its German name and description.
    let orm = site.html("site/de/features/orm/index.html");
    assert_eq!(texts(&orm, "h1"), ["Objekt-Mapper"]);
    assert_eq!(texts(&orm, ".lead"), ["Bildet Tabellen auf Objekte ab."]);
    // A subject without a German file is the same subject, with no English statements.
    let flask = site.html("site/de/subjects/flask/index.html");
    assert_eq!(texts(&flask, "h1"), ["Flask"]);
    assert!(
        !texts(&flask, "td").join(" ").contains("Nein"),
        "English statement on a German page"
    );
    let django = site.html("site/de/subjects/django/index.html");
    assert_eq!(texts(&django, ".lead"), ["Mit allem Drum und Dran."]);
}

#[test]
fn each_language_has_its_own_search_index_and_feed() {
    let site = site();
    site.run(&["build", "--strict"]).assert_ok();
    let en = site.html("site/index.html");
    let de = site.html("site/de/index.html");
    assert_eq!(
        attrs(&en, "input[data-index]", "data-index"),
        ["/search/index.json"]
    );
    assert_eq!(
        attrs(&de, "input[data-index]", "data-index"),
        ["/de/search/index.json"]
    );
    let records = |dir: &str| -> String {
        let mut all = String::new();
        for e in std::fs::read_dir(site.path(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.file_name().unwrap().to_string_lossy().starts_with("d-") {
                all.push_str(&std::fs::read_to_string(p).unwrap());
            }
        }
        all
    };
    let (en_docs, de_docs) = (records("site/search"), records("site/de/search"));
    assert!(de_docs.contains("Django gegen Flask") && !en_docs.contains("Django gegen Flask"));
    assert!(en_docs.contains("Only English") && !de_docs.contains("Only English"));
    let manifest: serde_json::Value =
        serde_json::from_str(&site.read("site/de/search/index.json")).unwrap();
    assert_eq!(manifest["base"], "/de/");
    let feed = site.read("site/de/atom.xml");
    assert!(feed.contains("xml:lang=\"de\""), "{feed}");
    assert!(feed.contains("<title>Django gegen Flask</title>"));
    assert!(!feed.contains("Only English"));
    assert!(!site.read("site/atom.xml").contains("Django gegen Flask"));
    assert_eq!(
        attrs(&de, "link[type='application/atom+xml']", "href"),
        ["/de/atom.xml"]
    );
    assert!(!site.exists("site/de/robots.txt"));
    let robots = site.read("site/robots.txt");
    assert!(
        robots.contains("Sitemap: https://example.org/sitemap.xml\nSitemap: https://example.org/de/sitemap.xml\n"),
        "{robots}"
    );
    assert!(
        site.read("site/de/sitemap.xml")
            .contains("<loc>https://example.org/de/articles/x/</loc>")
    );
}

#[test]
fn conflicts_are_checked_within_a_language() {
    let site = site();
    // English says Flask's ORM is a plugin, German that it is partial: two languages, no
    // conflict.
    let run = site.run(&["build"]);
    run.assert_ok();
    assert!(!run.stderr.contains("conflict"), "{}", run.stderr);
    // A second German page that disagrees with the first: a conflict, at the German file.
    site.write(
        "content/articles/y.de.md",
        "+++\ntitle = \"Noch einer\"\nsubjects = [\"django\", \"flask\"]\n\
         [features]\n\"ORM\" = { django = \"yes\", flask = \"no\" }\n+++\nText.\n",
    );
    let run = site.run(&["build"]);
    assert_eq!(
        run.stderr.matches("warning: conflict").count(),
        1,
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("--> content/articles/y.de.md:5:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("but `partial` in content/articles/x.de.md"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_bad_language_code_is_an_error_and_the_main_one_a_warning() {
    let site = site();
    site.write(
        "versus.toml",
        &format!("{CONFIG}\n[languages.\"not valid\"]\n\n[languages.en]\n"),
    );
    let run = site.run(&["build"]);
    run.assert_code(1)
        .assert_stderr_has("`not valid` is not a language code")
        .assert_stderr_has("`[languages.en]` names the site's main language");
}

#[test]
fn a_site_with_one_language_has_no_alternates_or_switcher() {
    let site = Site::new(&[
        ("versus.toml", "title = \"T\"\n"),
        ("content/subjects/a.md", "+++\ntitle = \"A\"\n+++\n"),
        (
            "content/articles/a.de.md",
            "+++\ntitle = \"Ein Artikel\"\n+++\n",
        ),
    ]);
    site.run(&["build"]).assert_ok();
    let doc = site.html("site/index.html");
    assert!(alternates(&doc).is_empty());
    assert!(texts(&doc, ".languages").is_empty());
    // Without [languages.de], `a.de.md` is an ordinary article.
    assert!(site.exists("site/articles/a.de/index.html"));
}

#[test]
fn the_preview_rebuilds_every_language_like_a_fresh_build() {
    let site = site();
    let server = serve_util::Server::start(site.root(), &[]);
    let events = server.events();
    serve_util::assert_same_as_build(&site, &server);
    // A German page's edit, a German table's word, a new German page: each equal to a build.
    site.write(
        "content/articles/x.de.md",
        "+++\ntitle = \"Django gegen Flask, neu\"\nsubjects = [\"django\", \"flask\"]\n+++\nNeu.\n",
    );
    events.settle();
    assert!(
        server
            .get("/de/articles/x/")
            .text()
            .contains("Django gegen Flask, neu")
    );
    serve_util::assert_same_as_build(&site, &server);
    site.write("i18n/de.toml", "not_stated = \"k. A.\"\n");
    events.settle();
    serve_util::assert_same_as_build(&site, &server);
    site.write(
        "content/articles/only.de.md",
        "+++\ntitle = \"Jetzt auch deutsch\"\nsubjects = [\"django\"]\n+++\nJa.\n",
    );
    events.settle();
    let only = Html::parse_document(&server.get("/articles/only/").text());
    assert_eq!(
        attrs(&only, ".languages a", "href")[1],
        "/de/articles/only/",
        "the English page's switcher now finds the German one"
    );
    serve_util::assert_same_as_build(&site, &server);
}
