//! Sites in any language (issue 20): the interface strings of the theme, the generator and the
//! scripts come from the translation tables; a German site has no English interface string
//! left, a missing key falls back to English with a warning, an Arabic site is right to left,
//! dates follow the language, `versus init --language` works, and the preview re-renders when
//! a table changes. Each test builds a fixture site with the real binary.

mod common;
mod serve_util;

use std::collections::BTreeSet;
use std::path::Path;

use common::{Site, html_files, texts};
use scraper::{Html, Selector};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn table(lang: &str) -> toml::Table {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("themes/default/i18n/{lang}.toml"));
    std::fs::read_to_string(path).unwrap().parse().unwrap()
}

/// Every text of a table's values (plural forms and lists included), cut at placeholders:
/// "Said in {title}" gives "Said in".
fn fragments(t: &toml::Table) -> BTreeSet<String> {
    fn strings(v: &toml::Value, out: &mut Vec<String>) {
        match v {
            toml::Value::String(s) => out.push(s.clone()),
            toml::Value::Table(t) => t.values().for_each(|v| strings(v, out)),
            toml::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    for (k, v) in t {
        // Settings, not words.
        if [
            "direction",
            "thousands_separator",
            "date_format",
            "month_format",
        ]
        .contains(&k.as_str())
        {
            continue;
        }
        strings(v, &mut all);
    }
    let mut out = BTreeSet::new();
    for s in all {
        let mut rest = s.as_str();
        while !rest.is_empty() {
            let (piece, after) = match rest.find('{') {
                Some(i) => (
                    &rest[..i],
                    rest[i..].find('}').map_or("", |j| &rest[i + j + 1..]),
                ),
                None => (rest, ""),
            };
            let piece = piece.trim_matches(|c: char| !c.is_alphanumeric());
            if piece.chars().filter(|c| c.is_ascii_alphabetic()).count() >= 2 {
                out.insert(piece.to_string());
            }
            rest = after;
        }
    }
    out
}

/// Whether `needle` occurs in `hay` as whole words.
fn has_words(hay: &str, needle: &str) -> bool {
    // A file path such as `content/subjects/a.md` (in "said in" titles) is the author's.
    let inside = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '/');
    hay.match_indices(needle).any(|(i, _)| {
        !inside(hay[..i].chars().next_back()) && !inside(hay[i + needle.len()..].chars().next())
    })
}

/// What a reader (or a screen reader) gets from a page: its text outside scripts and styles,
/// and the attributes that are read out or shown.
fn reader_text(doc: &Html) -> String {
    let mut out = String::new();
    for node in doc.root_element().descendants() {
        if let Some(t) = node.value().as_text() {
            let hidden_parent = node.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "script" | "style"))
            });
            if !hidden_parent {
                out.push_str(t);
                out.push('\n');
            }
        } else if let Some(e) = node.value().as_element() {
            for a in ["aria-label", "title", "placeholder", "alt"] {
                if let Some(v) = e.attr(a) {
                    out.push_str(v);
                    out.push('\n');
                }
            }
        }
    }
    out
}

const DE_FEATURES: &str = "[[feature]]\nname = \"Paketverwaltung\"\ngroup = \"Werkzeuge\"\n\
    description = \"Installiert Bibliotheken.\"\naliases = [\"Paketmanager\"]\n\n\
    [[feature]]\nname = \"Typangaben\"\ngroup = \"Sprache\"\n\n\
    [[feature]]\nname = \"Anonyme Blöcke\"\ngroup = \"Sprache\"\n\n\
    [[feature]]\nname = \"Speicherbereinigung\"\ngroup = \"Laufzeit\"\n";

fn de_subject(title: &str, extra: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\ndescription = \"Eine Sprache.\"\nwebsite = \"https://example.org/{title}\"\n\
         license = \"MIT\"\nfirst_release = \"1991\"\n\n[features]\n\"Speicherbereinigung\" = \"yes\"\n{extra}+++\n\
         Über {title}.\n"
    )
}

fn de_article(name: &str, date: &str, subjects: &str, tags: &str, body: &str) -> String {
    format!(
        "+++\ntitle = \"Vergleich {name}\"\ndescription = \"Ein Vergleich.\"\ndate = {date}\nupdated = 2026-03-02\n\
         tags = [{tags}]\nsubjects = [{subjects}]\n\n[features]\n\
         \"Paketverwaltung\" = {{ pya = \"yes: pip\", rba = {{ support = \"plugin\", note = \"Gems\", link = \"https://example.org/\", since = \"1.2\", verified = 2026-05-14 }} }}\n\
         \"Typangaben\" = {{ pya = \"partial: teils\", rba = \"no\" }}\n\
         \"Anonyme Blöcke\" = {{ pya = \"unknown\", rba = \"n/a\" }}\n+++\n{body}\n"
    )
}

/// A German site that shows every kind of page and most of the theme: pagination (two per
/// page), a pair and its summary, tags, alerts, task lists, code with a copy button, prev/next,
/// related pages, the 404 page, an edit link.
fn german_site() -> Site {
    let body = "Einleitung.\n\n<!-- features -->\n\n## Abschnitt\n\n> [!NOTE]\n> Beachten.\n\n\
                - [x] fertig\n- [ ] offen\n\n```python\nprint(1)\n```\n\nSiehe [Zwei](@/artikel/zwei.md).\n";
    Site::new(&[
        (
            "versus.toml",
            "title = \"Sprachvergleich\"\ndescription = \"Sprachen im Vergleich.\"\nbase_url = \"https://example.org/\"\n\
             language = \"de\"\nrepo_url = \"https://github.com/example/site\"\n[compare]\nper_page = 2\n",
        ),
        (
            "content/_index.md",
            "+++\ntitle = \"Sprachvergleich\"\n+++\nWillkommen.\n",
        ),
        (
            "content/artikel/_index.md",
            "+++\ntitle = \"Artikel\"\n+++\nAlle.\n",
        ),
        ("content/features.toml", DE_FEATURES),
        ("content/subjects/pya.md", &de_subject("Pya", "")),
        ("content/subjects/rba.md", &de_subject("Rba", "")),
        ("content/subjects/lua.md", &de_subject("Lua", "")),
        (
            "content/artikel/eins.md",
            &de_article(
                "eins",
                "2026-01-15",
                "\"pya\", \"rba\"",
                "\"sprachen\", \"laufzeit\"",
                body,
            ),
        ),
        (
            "content/artikel/zwei.md",
            &de_article(
                "zwei",
                "2026-02-15",
                "\"pya\", \"rba\"",
                "\"sprachen\"",
                "Mehr.\n",
            ),
        ),
        (
            "content/artikel/drei.md",
            &de_article(
                "drei",
                "2026-03-15",
                "\"pya\", \"rba\", \"lua\"",
                "\"sprachen\"",
                "Noch mehr.\n",
            ),
        ),
    ])
}

#[test]
fn a_german_site_has_no_english_interface_string_left() {
    let site = german_site();
    site.run(&["build", "--strict"]).assert_ok();
    let en = fragments(&table("en"));
    // Words German shares with English ("Filter", "Website", "Plugin", "April") are not
    // English left over; nor is anything the author wrote.
    let de = fragments(&table("de"));
    let de_text: String = de.iter().cloned().collect::<Vec<_>>().join("\n");
    let english: Vec<&String> = en.iter().filter(|e| !has_words(&de_text, e)).collect();
    assert!(
        english.len() > 150,
        "too few English strings to look for: {}",
        english.len()
    );
    let pages = html_files(&site.path("site"));
    assert!(pages.len() > 20, "{} pages", pages.len());
    let kinds: BTreeSet<String> = pages
        .iter()
        .flat_map(|(_, d)| common::attrs(d, "body", "class"))
        .collect();
    for kind in [
        "kind-pair",
        "kind-matrix",
        "kind-tag",
        "kind-404",
        "kind-feature",
        "kind-subject",
        "kind-article",
    ] {
        assert!(kinds.contains(kind), "no {kind} page among {kinds:?}");
    }
    let mut left = Vec::new();
    for (path, doc) in &pages {
        let text = reader_text(doc);
        for e in &english {
            if has_words(&text, e) {
                left.push(format!("{path}: {e:?}"));
            }
        }
    }
    assert!(
        left.is_empty(),
        "English left on German pages:\n{}",
        left.join("\n")
    );
    // And the German is there: generated titles, the legend, dates.
    let pair = site.html("site/compare/pya-vs-rba/index.html");
    assert_eq!(texts(&pair, "h1"), ["Pya vs. Rba"]);
    let article = site.html("site/artikel/eins/index.html");
    assert!(texts(&article, ".meta time").contains(&"15. Januar 2026".to_string()));
    assert!(texts(&article, ".legend").join(" ").contains("Teilweise"));
    assert!(
        texts(&pair, ".cell-asof")
            .join(" ")
            .contains("Stand Mai 2026")
    );
    let html = site.html("site/index.html");
    assert_eq!(common::attrs(&html, "html", "lang"), ["de"]);
    assert!(
        common::attrs(&html, "html", "dir").is_empty(),
        "left-to-right needs no dir"
    );
}

/// The test above would pass on a site that prints nothing: the same check on an English
/// build of the same content must find the English strings.
#[test]
fn the_check_finds_english_on_an_english_site() {
    let site = german_site();
    site.write(
        "versus.toml",
        "title = \"Sprachvergleich\"\nlanguage = \"en\"\n[compare]\nper_page = 2\n",
    );
    site.run(&["build"]).assert_ok();
    let doc = site.html("site/compare/pya-vs-rba/index.html");
    let text = reader_text(&doc);
    for e in [
        "Said in",
        "Not stated",
        "Skip to content",
        "Legend",
        "At a glance",
    ] {
        assert!(has_words(&text, e), "{e:?} not found");
    }
}

#[test]
fn a_missing_key_falls_back_to_english_with_one_warning() {
    let site = Site::new(&[
        ("versus.toml", "title = \"T\"\nlanguage = \"xx\"\n"),
        (
            "i18n/xx.toml",
            "title_matrix = \"Xompare\"\nskip_link = \"Xkip\"\n",
        ),
        (
            "content/subjects/a.md",
            "+++\ntitle = \"A\"\n[features]\n\"F\" = \"yes\"\n+++\n",
        ),
    ]);
    let run = site.run(&["build"]);
    run.assert_ok();
    let warning =
        "translation key `not_stated` is missing for language `xx`: using the English text";
    assert_eq!(run.stderr.matches(warning).count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("i18n/xx.toml"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("`title_matrix` is missing"),
        "{}",
        run.stderr
    );
    let doc = site.html("site/compare/index.html");
    assert_eq!(texts(&doc, "h1"), ["Xompare"]);
    assert_eq!(texts(&doc, ".skip-link"), ["Xkip"]);
    assert!(texts(&doc, ".legend").join(" ").contains("Not stated"));
    assert_eq!(common::attrs(&doc, "html", "lang"), ["xx"]);
}

#[test]
fn a_language_without_a_table_is_english_with_a_warning() {
    let site = Site::new(&[
        ("versus.toml", "title = \"T\"\nlanguage = \"nl\"\n"),
        ("content/subjects/a.md", "+++\ntitle = \"A\"\n+++\n"),
    ]);
    let run = site.run(&["build"]);
    run.assert_ok()
        .assert_stderr_has("no translation table for language `nl`: the interface is in English");
    assert_eq!(run.stderr.matches("warning").count(), 1, "{}", run.stderr);
    let doc = site.html("site/subjects/index.html");
    assert_eq!(texts(&doc, "h1"), ["Subjects"]);
}

#[test]
fn a_site_overrides_single_keys_and_a_bad_table_is_an_error() {
    let site = Site::new(&[
        ("versus.toml", "title = \"T\"\nlanguage = \"de\"\n"),
        (
            "i18n/de.toml",
            "not_stated = \"k. A.\"\npair_title = \"{a} gegen {b}\"\n",
        ),
        (
            "content/subjects/a.md",
            "+++\ntitle = \"A\"\n[features]\n\"F\" = \"yes\"\n+++\n",
        ),
        (
            "content/subjects/b.md",
            "+++\ntitle = \"B\"\n[features]\n\"G\" = \"no\"\n+++\n",
        ),
        (
            "content/ab.md",
            "+++\ntitle = \"AB\"\nsubjects = [\"a\", \"b\"]\n[features]\n\"F\" = { a = \"yes\" }\n+++\n",
        ),
    ]);
    let run = site.run(&["build"]);
    run.assert_ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let doc = site.html("site/compare/a-vs-b/index.html");
    assert_eq!(texts(&doc, "h1"), ["A gegen B"]);
    assert!(texts(&doc, ".badge-none").contains(&"k. A.".to_string()));
    // The rest is the theme's German.
    assert_eq!(texts(&doc, ".skip-link"), ["Zum Inhalt springen"]);

    site.write(
        "i18n/de.toml",
        "not_stated = \"k. A.\"\nmonths = 3\nbroken = [\n",
    );
    site.run(&["build"])
        .assert_code(1)
        .assert_stderr_has("invalid translation table")
        .assert_stderr_has("i18n/de.toml:3");
}

#[test]
fn an_unknown_key_in_a_template_is_an_error_at_its_line() {
    let site = Site::new(&[
        ("versus.toml", "title = \"T\"\n"),
        ("content/subjects/a.md", "+++\ntitle = \"A\"\n+++\n"),
        (
            "templates/partials/footer.html",
            "<footer>\n{{ t(key=\"no_such_key\") }}</footer>\n",
        ),
    ]);
    site.run(&["build"])
        .assert_code(1)
        .assert_stderr_has("unknown translation key `no_such_key`")
        .assert_stderr_has("templates/partials/footer.html:2");
}

#[test]
fn arabic_pages_are_right_to_left() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser/arabic");
    let out = tempfile::tempdir().unwrap();
    let mut cmd = common::versus();
    cmd.args(["build", "--strict", "--root"])
        .arg(&root)
        .arg("--output")
        .arg(out.path());
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pages = html_files(out.path());
    assert!(pages.len() > 10);
    for (path, doc) in &pages {
        assert_eq!(common::attrs(doc, "html", "dir"), ["rtl"], "{path}");
        assert_eq!(common::attrs(doc, "html", "lang"), ["ar"], "{path}");
    }
    let article = pages
        .iter()
        .find(|(p, _)| p == "articles/python-vs-ruby/index.html")
        .unwrap();
    // The scripts get their Arabic strings from the page.
    let strings = texts(&article.1, "script#versus-strings").join("");
    let strings: serde_json::Value = serde_json::from_str(&strings).unwrap();
    assert_eq!(strings["copy"], "نسخ");
    assert_eq!(strings["cv_subject_count_two"], "مرشحَين");
    // Dates in Arabic month names, the copy button in Arabic before any script runs.
    assert!(texts(&article.1, ".meta time").contains(&"15 يناير 2026".to_string()));
    assert_eq!(
        common::attrs(&article.1, "button.copy", "aria-label")[0],
        "انسخ الشيفرة"
    );
}

#[test]
fn an_english_site_carries_no_strings_for_the_scripts() {
    let site = Site::new(&[
        ("versus.toml", "title = \"T\"\n"),
        ("content/subjects/a.md", "+++\ntitle = \"A\"\n+++\n"),
    ]);
    site.run(&["build"]).assert_ok();
    let doc = site.html("site/index.html");
    assert!(doc.select(&sel("#versus-strings")).next().is_none());
    assert_eq!(common::attrs(&doc, "html", "lang"), ["en"]);
    // Overriding a script's string is opting in: then the page carries them.
    site.write("i18n/en.toml", "js_copy = \"Copy it\"\n");
    site.run(&["build"]).assert_ok();
    let doc = site.html("site/index.html");
    let json = texts(&doc, "#versus-strings").join("");
    assert!(json.contains("\"copy\":\"Copy it\""), "{json}");
}

#[test]
fn init_writes_the_language_and_the_site_builds_in_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("seite");
    let o = common::versus()
        .args(["init", "--language", "de"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let toml = std::fs::read_to_string(root.join("versus.toml")).unwrap();
    assert!(toml.contains("\nlanguage = \"de\"\n"), "{toml}");
    let o = common::versus()
        .args(["build", "--strict", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc = Html::parse_document(
        &std::fs::read_to_string(root.join("site/compare/index.html")).unwrap(),
    );
    assert_eq!(texts(&doc, "h1"), ["Alles im Vergleich"]);

    let o = common::versus()
        .args(["init", "--language", "not a language"])
        .arg(dir.path().join("other"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not a language code"));
    assert!(!dir.path().join("other").exists());
}

#[test]
fn editing_a_translation_table_re_renders_the_preview_like_a_fresh_build() {
    let site = german_site();
    let server = serve_util::Server::start(site.root(), &[]);
    let events = server.events();
    serve_util::assert_same_as_build(&site, &server);
    site.write("i18n/de.toml", "not_stated = \"k. A.\"\n");
    events.settle();
    assert!(server.get("/compare/").text().contains("k. A."));
    // The server prints its "rebuilt" line just after the change event.
    let rebuilt = || -> Vec<String> {
        let out = server.stdout();
        out.lines()
            .filter(|l| l.starts_with("rebuilt"))
            .map(str::to_string)
            .collect()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while rebuilt().is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(
        rebuilt().iter().any(|l| l.contains("full rebuild")),
        "{:?}",
        rebuilt()
    );
    serve_util::assert_same_as_build(&site, &server);
}
