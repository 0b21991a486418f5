//! Data in, data out (issue 16): comparisons kept in data files under `content/data/` (CSV,
//! TSV, TOML, YAML, JSON), and the comparison published as data under `/export/` — the real
//! binary on sites in temp folders.

mod common;

use std::collections::BTreeSet;

use common::{Site, attrs, texts};
use serde_json::Value;

const SUBJECTS_CSV: &str = "id,title,website\n\
    chrome,Chrome,https://www.google.com/chrome/\n\
    firefox,Firefox,https://www.mozilla.org/firefox/\n\
    safari,Safari,\n";

const BROWSERS_CSV: &str = "feature,chrome,firefox,safari\n\
    Container queries,yes,yes: since 110,partial: size only\n\
    View transitions,\"{ support = \"\"yes\"\", since = \"\"111\"\" }\",no,\n\
    Popover,yes,yes,yes\n\
    Engine,Blink,Gecko,WebKit\n";

const APIS_YAML: &str = "statements:\n\
    \x20 - { subject: chrome, feature: WebUSB, support: yes }\n\
    \x20 - { subject: firefox, feature: WebUSB, support: no, note: a privacy concern }\n\
    \x20 - { subject: safari, feature: WebUSB, support: no, link: \"https://webkit.org/tracking-prevention/\" }\n\
    \x20 - { subject: chrome, feature: Web Bluetooth, support: partial }\n";

/// A site with no Markdown at all: subjects and statements in data files only.
fn data_only(extra: &[(&str, &str)]) -> Site {
    let mut files = vec![
        ("versus.toml", "title = \"Browsers\"\n"),
        ("content/data/subjects.csv", SUBJECTS_CSV),
        ("content/data/browsers.csv", BROWSERS_CSV),
        ("content/data/apis.yaml", APIS_YAML),
    ];
    files.extend_from_slice(extra);
    Site::new(&files)
}

fn json(site: &Site, rel: &str) -> Value {
    serde_json::from_str(&site.read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn a_site_of_only_data_files_builds_every_page_kind() {
    // A small `per_page` makes the big-site pages too: group pages, a subject's and a pair's
    // pages per group.
    let site = data_only(&[(
        "versus.toml",
        "title = \"Browsers\"\n[compare]\nper_page = 2\n",
    )]);
    let run = site.run(&["build"]);
    run.assert_ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    for page in [
        "site/index.html",
        "site/subjects/index.html",
        "site/subjects/chrome/index.html",
        "site/subjects/chrome/browsers/index.html",
        "site/features/index.html",
        "site/features/container-queries/index.html",
        "site/features/webusb/index.html",
        "site/compare/index.html",
        "site/compare/groups/browsers/index.html",
        "site/compare/groups/apis/index.html",
        "site/compare/chrome-vs-firefox/index.html",
        "site/compare/chrome-vs-firefox/browsers/index.html",
        "site/compare/firefox-vs-safari/index.html",
        "site/tags/index.html",
        "site/404.html",
    ] {
        assert!(site.exists(page), "{page} is missing");
    }
    // A subject declared in a data file has its page, titled and linked as written.
    let chrome = site.html("site/subjects/chrome/index.html");
    assert_eq!(texts(&chrome, "h1"), vec!["Chrome"]);
    assert!(attrs(&chrome, "a", "href").contains(&"https://www.google.com/chrome/".to_string()));
    // Each statement says where it was said, and links to the data file as published.
    let group = site.html("site/subjects/chrome/browsers/index.html");
    let said: Vec<(String, String)> = group
        .select(&scraper::Selector::parse(".cell-links a").unwrap())
        .filter(|a| a.text().collect::<String>().starts_with("Said in"))
        .map(|a| {
            (
                a.text().collect::<String>(),
                a.value().attr("href").unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        said.contains(&(
            "Said in browsers.csv, row 2".to_string(),
            "/data/browsers.csv".to_string()
        )),
        "{said:?}"
    );
    assert_eq!(site.read("site/data/browsers.csv"), BROWSERS_CSV);
    let apis = site.html("site/features/webusb/index.html");
    assert!(
        texts(&apis, ".cell-links a")
            .iter()
            .any(|t| t == "Said in apis.yaml, line 3"),
        "{:?}",
        texts(&apis, ".cell-links a")
    );
    // The matrix links the exports, and every page offers the whole comparison as JSON.
    let matrix = site.html("site/compare/index.html");
    let links = attrs(&matrix, ".download a", "href");
    assert_eq!(
        links,
        vec!["/export/comparison.csv", "/export/comparison.json"]
    );
    assert_eq!(
        attrs(
            &chrome,
            "link[rel=alternate][type='application/json']",
            "href"
        ),
        vec!["/export/comparison.json", "/export/subjects/chrome.json"]
    );
    for f in [
        "site/export/comparison.json",
        "site/export/comparison.csv",
        "site/export/subjects/safari.json",
    ] {
        assert!(site.exists(f), "{f}");
    }
    // Every link of every page resolves, the data files' and the exports' too.
    site.run(&["check"]).assert_ok();
}

#[test]
fn pairs_come_from_data_files_only_while_they_are_small() {
    let site = data_only(&[]);
    site.run(&["build"]).assert_ok();
    let pairs = |site: &Site| -> BTreeSet<String> {
        std::fs::read_dir(site.path("site/compare"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("-vs-"))
            .collect()
    };
    assert_eq!(
        pairs(&site),
        BTreeSet::from([
            "chrome-vs-firefox".to_string(),
            "chrome-vs-safari".to_string(),
            "firefox-vs-safari".to_string()
        ])
    );
    // Three subjects in a file whose limit is two: no pair pages (the reader's comparison
    // view on /compare/ still covers every pair).
    site.write("versus.toml", "title = \"B\"\n[compare]\nmax_columns = 2\n");
    site.run(&["build"]).assert_ok();
    assert!(pairs(&site).is_empty(), "{:?}", pairs(&site));
}

#[test]
fn a_data_cell_and_an_article_cell_that_disagree_are_a_conflict_naming_both() {
    let article = "+++\ntitle = \"Chrome and Firefox\"\nsubjects = [\"chrome\", \"firefox\"]\n\n\
                   [features]\n\"Popover\" = { chrome = \"yes\", firefox = \"no: not yet\" }\n+++\nText.\n";
    let site = data_only(&[("content/articles/popover.md", article)]);
    let run = site.run(&["build"]);
    run.assert_ok();
    // Row 4 (`Popover,yes,yes,yes`), the firefox cell.
    let article_at = format!(
        "content/articles/popover.md:{}",
        common::pos_of_nth(article, "firefox = ", 0)
    );
    run.assert_diag(
        "warning",
        "content/data/browsers.csv:4:13",
        "conflict: `Popover` is `yes` for firefox here, but `no`",
    );
    assert!(
        run.stderr
            .contains(&format!("first stated at {article_at}")),
        "{}",
        run.stderr
    );
    // The data file stands for the subject site-wide, before the article.
    let feature = site.html("site/features/popover/index.html");
    let verdicts = texts(&feature, "#s--firefox td:first-of-type .badge");
    assert_eq!(verdicts, vec!["✓Yes"], "{verdicts:?}");
    // --strict makes the conflict an error.
    site.run(&["build", "--strict"]).assert_code(1);
}

#[test]
fn bad_data_files_are_errors_with_file_row_and_column_and_the_old_output_stays() {
    let site = data_only(&[]);
    site.run(&["build"]).assert_ok();
    let before = common::tree(&site.path("site"));
    let bad_matrix = "feature,chrome,firefx,safari\nPopover,yes,yes\nGrid,yes,yes,yes,yes\n\
                      Nesting,{ support = \"sometimes\" },,\n";
    site.write("content/data/browsers.csv", bad_matrix);
    site.write(
        "content/data/records.csv",
        "subject,feature,support\nchrome,Popover,maybe\nchrom,Grid,yes\n",
    );
    site.write_bytes("content/data/broken.csv", b"feature,chrome\nGrid,caf\xe9\n");
    let run = site.run(&["build"]);
    run.assert_code(1)
        // The unknown column once, at the header, with the closest id.
        .assert_diag(
            "error",
            "content/data/browsers.csv:1:16",
            "unknown subject `firefx`",
        )
        .assert_diag(
            "error",
            "content/data/browsers.csv:2:",
            "row 2 is short: it has 3 cells, but the header has 4",
        )
        .assert_diag("error", "content/data/browsers.csv:3:18", "row 3 is long")
        .assert_diag(
            "error",
            "content/data/browsers.csv:4:9",
            "unknown support level `sometimes`",
        )
        .assert_diag(
            "error",
            "content/data/records.csv:2:16",
            "unknown support level `maybe`",
        )
        .assert_diag(
            "error",
            "content/data/records.csv:3:1",
            "unknown subject `chrom`",
        )
        .assert_diag("error", "content/data/broken.csv:2:9", "not valid UTF-8");
    assert!(
        run.stderr.contains("did you mean `firefox`?"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `chrome`?"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stderr.matches("unknown subject `firefx`").count(),
        1,
        "reported once, not once per cell"
    );
    assert_eq!(
        common::tree(&site.path("site")),
        before,
        "the last good site stays"
    );
}

#[test]
fn a_subject_declared_twice_is_an_error_at_the_record() {
    let site = data_only(&[(
        "content/subjects/safari.md",
        "+++\ntitle = \"Safari\"\n+++\n",
    )]);
    site.run(&["build"]).assert_code(1).assert_diag(
        "error",
        "content/data/subjects.csv:4:1",
        "subject `safari` is declared twice: here and in content/subjects/safari.md",
    );
}

/// The statements of an export, without where they were said.
fn said(export: &Value) -> BTreeSet<String> {
    export["statements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let mut s = s.clone();
            for k in ["file", "line", "column", "url", "verdict"] {
                s.as_object_mut().unwrap().remove(k);
            }
            s.to_string()
        })
        .collect()
}

#[test]
fn records_in_every_format_state_what_a_csv_matrix_states() {
    let matrix = "feature,chrome,firefox\nPopover,yes: behind a flag,no\n\
                  Engine,Blink,\nGrid,\"{ support = \"\"yes\"\", link = \"\"https://x.org/\"\", since = \"\"57\"\" }\",\"{ note = \"\"see notes\"\" }\"\n";
    let toml = "[[statements]]\nsubject = \"chrome\"\nfeature = \"Popover\"\nsupport = \"yes\"\nnote = \"behind a flag\"\n\n\
                [[statements]]\nsubject = \"firefox\"\nfeature = \"Popover\"\nsupport = false\n\n\
                [[statements]]\nsubject = \"chrome\"\nfeature = \"Engine\"\nvalue = \"Blink\"\n\n\
                [[statements]]\nsubject = \"chrome\"\nfeature = \"Grid\"\nsupport = \"yes\"\nlink = \"https://x.org/\"\nsince = \"57\"\n\n\
                [[statements]]\nsubject = \"firefox\"\nfeature = \"Grid\"\nnote = \"see notes\"\n";
    let yaml = "- { subject: chrome, feature: Popover, support: yes, note: behind a flag }\n\
                - { subject: firefox, feature: Popover, support: no }\n\
                - { subject: chrome, feature: Engine, value: Blink }\n\
                - { subject: chrome, feature: Grid, support: yes, link: \"https://x.org/\", since: \"57\" }\n\
                - { subject: firefox, feature: Grid, note: see notes }\n";
    let json_text = "{\"statements\": [\n\
                {\"subject\": \"chrome\", \"feature\": \"Popover\", \"support\": \"yes\", \"note\": \"behind a flag\"},\n\
                {\"subject\": \"firefox\", \"feature\": \"Popover\", \"support\": \"no\"},\n\
                {\"subject\": \"chrome\", \"feature\": \"Engine\", \"value\": \"Blink\"},\n\
                {\"subject\": \"chrome\", \"feature\": \"Grid\", \"support\": \"yes\", \"link\": \"https://x.org/\", \"since\": \"57\"},\n\
                {\"subject\": \"firefox\", \"feature\": \"Grid\", \"note\": \"see notes\"}]}\n";
    let tsv = "Subject\tFeature\tSupport\tNote\tLink\tSince\tValue\n\
               chrome\tPopover\tyes\tbehind a flag\t\t\t\n\
               firefox\tPopover\tno\t\t\t\t\n\
               chrome\tEngine\t\t\t\t\tBlink\n\
               chrome\tGrid\tyes\t\thttps://x.org/\t57\t\n\
               firefox\tGrid\t\tsee notes\t\t\t\n";
    let mut seen = Vec::new();
    for (file, text) in [
        ("m.csv", matrix),
        ("r.toml", toml),
        ("r.yaml", yaml),
        ("r.json", json_text),
        ("r.tsv", tsv),
    ] {
        let site = Site::new(&[
            ("content/data/subjects.csv", "id\nchrome\nfirefox\n"),
            (&format!("content/data/{file}"), text),
        ]);
        let run = site.run(&["build"]);
        run.assert_ok();
        assert!(!run.stderr.contains("warning"), "{file}: {}", run.stderr);
        seen.push((file, said(&json(&site, "site/export/comparison.json"))));
    }
    assert_eq!(seen[0].1.len(), 5, "{:?}", seen[0].1);
    for (file, statements) in &seen[1..] {
        assert_eq!(statements, &seen[0].1, "{file} against the CSV matrix");
    }
}

/// A site with every kind of source and cell: subject pages (one with its own table),
/// articles, a data file, aliases and groups from a catalogue.
fn mixed() -> Site {
    Site::new(&[
        (
            "versus.toml",
            "title = \"Mixed\"\nbase_url = \"https://example.org/docs/\"\n",
        ),
        (
            "content/features.toml",
            "[[feature]]\nname = \"ORM\"\ngroup = \"Data\"\naliases = [\"Object mapper\"]\n\
             description = \"Tables as classes.\"\n\n[[feature]]\nname = \"Templates\"\ngroup = \"Web\"\n\n\
             [[feature]]\nname = \"Admin\"\ngroup = \"Web\"\n\n[[feature]]\nname = \"Async\"\ngroup = \"Runtime\"\n",
        ),
        (
            "content/subjects/django.md",
            "+++\ntitle = \"Django\"\nwebsite = \"https://djangoproject.com/\"\n[features]\n\"ORM\" = \"yes: Django ORM\"\n+++\nDjango.\n",
        ),
        (
            "content/subjects/flask.md",
            "+++\ntitle = \"Flask\"\n+++\nFlask.\n",
        ),
        (
            "content/data/subjects.yaml",
            "subjects:\n  - { id: fastapi, title: FastAPI, license: MIT, first_release: 2018 }\n",
        ),
        (
            "content/articles/a.md",
            "+++\ntitle = \"Django vs Flask\"\nsubjects = [\"django\", \"flask\"]\n[features]\n\
             \"Object mapper\" = { django = \"yes\", flask = { support = \"plugin\", note = \"Flask-SQLAlchemy\", link = \"https://flask-sqlalchemy.palletsprojects.com/\" } }\n\
             \"Templates\" = { django = \"DTL\", flask = \"Jinja2\" }\n+++\nText.\n",
        ),
        (
            "content/data/more.csv",
            "feature,django,flask,fastapi\nAdmin,\"{ support = \"\"yes\"\", until = \"\"6.0\"\" }\",\"{ support = \"\"plugin\"\", note = \"\"Flask-Admin\"\", since = \"\"1.0\"\" }\",no\n\
             Async,partial: views only,\"{ note = \"\"through extensions\"\" }\",\"{ support = \"\"yes\"\", verified = \"\"2026-05-01\"\" }\"\nTemplates,,,Jinja2\n",
        ),
    ])
}

#[test]
fn the_exported_json_follows_its_schema_and_says_where_each_statement_was_said() {
    let site = mixed();
    site.run(&["build"]).assert_ok();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/comparison.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema is valid");
    let all = json(&site, "site/export/comparison.json");
    let errors: Vec<String> = validator.iter_errors(&all).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    // The subject files follow `$defs/subject_file`.
    let subject_schema = serde_json::json!({
        "$schema": schema["$schema"],
        "$defs": schema["$defs"],
        "$ref": "#/$defs/subject_file",
    });
    let subject_validator = jsonschema::validator_for(&subject_schema).unwrap();
    for s in ["django", "flask", "fastapi"] {
        let one = json(&site, &format!("site/export/subjects/{s}.json"));
        let errors: Vec<String> = subject_validator
            .iter_errors(&one)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{s}: {errors:?}");
        assert_eq!(one["subject"]["id"], s);
    }
    // A schema that cannot fail proves nothing: a wrong field is caught.
    let mut wrong = all.clone();
    wrong["statements"][0]["line"] = Value::from("12");
    assert!(!validator.is_valid(&wrong));

    assert_eq!(all["version"], 1);
    let subjects: Vec<&str> = all["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(subjects, vec!["django", "fastapi", "flask"]);
    let orm = &all["features"][0];
    assert_eq!(orm["name"], "ORM");
    assert_eq!(orm["group"], "data");
    assert_eq!(orm["aliases"], serde_json::json!(["Object mapper"]));
    assert_eq!(orm["url"], "https://example.org/docs/features/orm/");
    let statements = all["statements"].as_array().unwrap();
    assert_eq!(statements.len(), 12);
    let find = |subject: &str, feature: &str| -> Vec<&Value> {
        statements
            .iter()
            .filter(|s| s["subject"] == subject && s["feature"] == feature)
            .collect()
    };
    // Django's ORM: its own page stands over the article.
    let django_orm = find("django", "orm");
    assert_eq!(django_orm.len(), 2);
    let own = django_orm.iter().find(|s| s["verdict"] == true).unwrap();
    assert_eq!(own["file"], "content/subjects/django.md");
    assert_eq!(own["url"], "https://example.org/docs/subjects/django/");
    assert_eq!(own["note"], "Django ORM");
    // Flask's admin: a data cell, with its row and column and the file's published URL.
    let admin = find("flask", "admin");
    assert_eq!(admin.len(), 1);
    let admin = admin[0];
    assert_eq!(admin["level"], "plugin");
    assert_eq!(admin["since"], "1.0");
    assert_eq!(admin["file"], "content/data/more.csv");
    assert_eq!(
        (admin["line"].as_u64(), admin["column"].as_u64()),
        (Some(2), Some(49))
    );
    assert_eq!(admin["url"], "https://example.org/docs/data/more.csv");
    assert_eq!(admin["verdict"], true);
    // Versions and verification travel with the statement, and date it ("as of").
    let django_admin = find("django", "admin")[0];
    assert_eq!(django_admin["until"], "6.0");
    assert_eq!(django_admin["as_of"], Value::Null);
    let checked = find("fastapi", "async")[0];
    assert_eq!(checked["verified"], "2026-05-01");
    assert_eq!(
        checked["as_of"],
        serde_json::json!({ "date": "2026-05-01", "from": "verified" })
    );
    let jinja = find("flask", "templates")[0];
    assert_eq!(
        (&jinja["level"], &jinja["value"]),
        (&Value::Null, &Value::from("Jinja2"))
    );
}

#[test]
fn the_exported_csv_reads_back_as_a_data_file_with_the_same_statements() {
    let a = mixed();
    a.run(&["build"]).assert_ok();
    let csv = a.read("site/export/comparison.csv");
    let export_a = json(&a, "site/export/comparison.json");
    // A fresh site: the same subjects and catalogue, and the CSV, unchanged, as its only
    // source of statements.
    let b = Site::new(&[
        ("content/features.toml", &a.read("content/features.toml")),
        (
            "content/data/subjects.csv",
            "id,title\ndjango,Django\nfastapi,FastAPI\nflask,Flask\n",
        ),
        ("content/data/comparison.csv", &csv),
    ]);
    let run = b.run(&["build"]);
    run.assert_ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let export_b = json(&b, "site/export/comparison.json");
    // Site A's verdicts are site B's statements.
    let verdicts_a: BTreeSet<String> = {
        let mut only = export_a.clone();
        only["statements"] = Value::Array(
            export_a["statements"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| s["verdict"] == true)
                .cloned()
                .collect(),
        );
        said(&only)
    };
    assert_eq!(verdicts_a.len(), 11);
    assert_eq!(said(&export_b), verdicts_a);
    // And the matrix B exports is the one it read: a fixed point.
    assert_eq!(b.read("site/export/comparison.csv"), csv);
}

#[test]
fn init_data_makes_a_data_only_site_that_builds_without_warnings() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("s");
    let run = common::Run::from(
        common::versus()
            .args(["init", "--data"])
            .arg(&dir)
            .output()
            .unwrap(),
    );
    run.assert_ok();
    assert!(dir.join("content/data/languages.csv").exists());
    assert!(!dir.join("content/articles").exists(), "no article");
    assert!(!dir.join("content/subjects").exists(), "no subject page");
    let run = common::Run::from(
        common::versus()
            .args(["build", "--strict", "--root"])
            .arg(&dir)
            .output()
            .unwrap(),
    );
    run.assert_ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    for page in [
        "site/subjects/go/index.html",
        "site/features/green-threads/index.html",
        "site/compare/go-vs-python/index.html",
        "site/export/comparison.csv",
    ] {
        assert!(dir.join(page).exists(), "{page}");
    }
}
