//! Claims readers can trust (issue 17): each statement's "as of" date and where it comes
//! from, `versus check --stale`, edit links to a file and line, levels a site declares, `n/a`
//! as its own level, and a near-miss level word as a warning. Each test builds a fixture
//! site with the real binary and reads the HTML or the messages that come out.

mod common;

use std::path::Path;
use std::process::Command;

use common::{Site, attrs, diagnostics, texts};
use scraper::{Html, Selector};

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

// ---------------------------------------------------------------------------------------
// "As of" dates

const ALPHA: &str = "+++\ntitle = \"Alpha\"\n\n[features]\n\"F1\" = \"yes\"\n+++\n";
const BETA: &str = "+++\ntitle = \"Beta\"\n\n[features]\n\"F1\" = \"no\"\n+++\n";
const ARTICLE_A: &str = "+++\ntitle = \"A\"\ndate = 2024-01-10\nsubjects = [\"alpha\", \"beta\"]\n\n[features]\n\"F2\" = { alpha = { support = \"yes\", verified = 2023-05-01 }, beta = \"no\" }\n\"F3\" = { alpha = \"yes\", beta = \"yes\" }\n+++\n";
const ARTICLE_B: &str = "+++\ntitle = \"B\"\ndate = 2024-01-10\nupdated = 2024-06-02\nsubjects = [\"alpha\"]\n\n[features]\n\"F4\" = { alpha = \"yes\" }\n+++\n";
const ARTICLE_C: &str = "+++\ntitle = \"C\"\ndate = 2026-01-01\nsubjects = [\"alpha\"]\n\n[features]\n\"F5\" = { alpha = \"yes\" }\n+++\n";

fn dated_site(git_dates: bool) -> Site {
    Site::new(&[
        (
            "versus.toml",
            &format!("title = \"T\"\n[trust]\ngit_dates = {git_dates}\n"),
        ),
        ("content/subjects/alpha.md", ALPHA),
        ("content/subjects/beta.md", BETA),
        ("content/articles/a.md", ARTICLE_A),
        ("content/articles/b.md", ARTICLE_B),
        ("content/articles/c.md", ARTICLE_C),
    ])
}

/// Runs git in `dir` with a fixed author date, and no user or system configuration.
fn git(dir: &Path, date: &str, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .expect("run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn have_git() -> bool {
    Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// The "as of" of each statement about `feature` on a subject page, as
/// `(datetime, where the date came from)`; `None` for a statement shown without one.
fn as_of(doc: &Html, feature: &str) -> Vec<Option<(String, String)>> {
    let row = doc
        .select(&sel(&format!("tr#f--{feature}")))
        .next()
        .unwrap_or_else(|| panic!("no row for {feature}"));
    row.select(&sel("ul.statements > li"))
        .map(|li| {
            li.select(&sel(".cell-asof time")).next().map(|t| {
                let title = t.value().attr("title").unwrap_or("");
                let from = title.rsplit_once(' ').map_or(title, |(f, _)| f);
                (
                    t.value().attr("datetime").unwrap().to_string(),
                    from.to_string(),
                )
            })
        })
        .collect()
}

fn dated(date: &str, from: &str) -> Option<(String, String)> {
    Some((date.to_string(), from.to_string()))
}

#[test]
fn as_of_dates_verified_then_the_newest_of_updated_date_and_git() {
    if !have_git() {
        common::skip(
            "as_of_dates_verified_then_the_newest_of_updated_date_and_git",
            "git is not installed",
        );
        return;
    }
    // Without git: verified, else updated, else date; a subject page has no date.
    let site = dated_site(false);
    site.run(&["build", "--strict"]).assert_ok();
    let alpha = site.html("site/subjects/alpha/index.html");
    assert_eq!(as_of(&alpha, "f1"), [None]);
    assert_eq!(as_of(&alpha, "f2"), [dated("2023-05-01", "verified")]);
    assert_eq!(as_of(&alpha, "f3"), [dated("2024-01-10", "page published")]);
    assert_eq!(as_of(&alpha, "f4"), [dated("2024-06-02", "page updated")]);
    assert_eq!(as_of(&alpha, "f5"), [dated("2026-01-01", "page published")]);
    // As a reader reads it.
    assert!(
        texts(&alpha, "tr#f--f4 .cell-asof").contains(&"as of June 2024".to_string()),
        "{:?}",
        texts(&alpha, "tr#f--f4 .cell-asof")
    );

    // With git: everything committed on 5 March 2025, then F3's line changed in August.
    let site = dated_site(true);
    let root = site.root();
    git(root, "2025-03-05T12:00:00Z", &["init", "-q"]);
    git(root, "2025-03-05T12:00:00Z", &["add", "-A"]);
    git(root, "2025-03-05T12:00:00Z", &["commit", "-q", "-m", "one"]);
    site.write(
        "content/articles/a.md",
        &ARTICLE_A.replace(
            "\"F3\" = { alpha = \"yes\", beta = \"yes\" }",
            "\"F3\" = { alpha = \"yes: now\", beta = \"yes\" }",
        ),
    );
    git(
        root,
        "2025-08-09T12:00:00Z",
        &["commit", "-q", "-am", "two"],
    );
    // A line not committed yet has no commit date.
    site.write(
        "content/subjects/alpha.md",
        &ALPHA.replace("\"F1\" = \"yes\"\n", "\"F1\" = \"yes\"\n\"F6\" = \"yes\"\n"),
    );
    site.run(&["build", "--strict"]).assert_ok();
    let alpha = site.html("site/subjects/alpha/index.html");
    let beta = site.html("site/subjects/beta/index.html");
    let committed = |d: &str| dated(d, "line last committed");
    assert_eq!(as_of(&alpha, "f1"), [committed("2025-03-05")]);
    assert_eq!(as_of(&alpha, "f6"), [None]);
    // An explicit `verified` wins even over a newer commit.
    assert_eq!(as_of(&alpha, "f2"), [dated("2023-05-01", "verified")]);
    // A commit newer than the page's date wins; per line, not per file.
    assert_eq!(as_of(&beta, "f2"), [committed("2025-03-05")]);
    assert_eq!(as_of(&alpha, "f3"), [committed("2025-08-09")]);
    assert_eq!(as_of(&alpha, "f4"), [committed("2025-03-05")]);
    // A page date newer than the commit wins.
    assert_eq!(as_of(&alpha, "f5"), [dated("2026-01-01", "page published")]);

    // Not a git checkout: quietly the page dates.
    std::fs::remove_dir_all(root.join(".git")).unwrap();
    let run = site.run(&["build", "--strict"]);
    run.assert_ok();
    assert!(diagnostics(&run.stderr).is_empty(), "{}", run.stderr);
    let alpha = site.html("site/subjects/alpha/index.html");
    assert_eq!(as_of(&alpha, "f1"), [None]);
    assert_eq!(as_of(&alpha, "f3"), [dated("2024-01-10", "page published")]);
}

/// A data file's rows are dated by their own commits (no page dates), on the pages and in
/// the export.
#[test]
fn data_file_rows_are_dated_by_their_commits() {
    if !have_git() {
        common::skip(
            "data_file_rows_are_dated_by_their_commits",
            "git is not installed",
        );
        return;
    }
    let site = Site::new(&[
        ("versus.toml", "title = \"T\"\n[trust]\ngit_dates = true\n"),
        (
            "content/data/subjects.csv",
            "id,title\nalpha,Alpha\nbeta,Beta\n",
        ),
        (
            "content/data/matrix.csv",
            "feature,alpha,beta\nF1,yes,no\nF2,yes,yes\n",
        ),
    ]);
    let root = site.root();
    git(root, "2025-03-05T12:00:00Z", &["init", "-q"]);
    git(root, "2025-03-05T12:00:00Z", &["add", "-A"]);
    git(root, "2025-03-05T12:00:00Z", &["commit", "-q", "-m", "one"]);
    site.write(
        "content/data/matrix.csv",
        "feature,alpha,beta\nF1,yes,no\nF2,partial,yes\n",
    );
    git(
        root,
        "2025-08-09T12:00:00Z",
        &["commit", "-q", "-am", "two"],
    );
    site.run(&["build", "--strict"]).assert_ok();
    let alpha = site.html("site/subjects/alpha/index.html");
    let committed = |d: &str| dated(d, "line last committed");
    assert_eq!(as_of(&alpha, "f1"), [committed("2025-03-05")]);
    assert_eq!(as_of(&alpha, "f2"), [committed("2025-08-09")]);
    let export: serde_json::Value =
        serde_json::from_str(&site.read("site/export/comparison.json")).unwrap();
    let f2 = export["statements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["subject"] == "alpha" && s["feature"] == "f2")
        .unwrap();
    assert_eq!(
        f2["as_of"],
        serde_json::json!({ "date": "2025-08-09", "from": "commit" })
    );
}

// ---------------------------------------------------------------------------------------
// versus check --stale

fn stale_site(config: &str) -> Site {
    Site::new(&[
        ("versus.toml", config),
        (
            "content/subjects/alpha.md",
            "+++\ntitle = \"Alpha\"\nversion = \"3.0\"\n\n[features]\n\"F4\" = { support = \"yes\", verified = \"2.4\" }\n\"F5\" = { support = \"yes\", verified = \"3.1\", since = \"9.1\", until = \"10.2\" }\n+++\n",
        ),
        ("content/subjects/beta.md", "+++\ntitle = \"Beta\"\n+++\n"),
        (
            "content/articles/mid.md",
            "+++\ntitle = \"Mid\"\ndate = 2025-01-15\nsubjects = [\"alpha\"]\n\n[features]\n\"F2\" = { alpha = \"yes\" }\n+++\n",
        ),
        (
            "content/articles/old.md",
            "+++\ntitle = \"Old\"\ndate = 2023-02-01\nsubjects = [\"alpha\", \"beta\"]\n\n[features]\n\"F1\" = { alpha = \"yes\", beta = \"no\" }\n+++\n",
        ),
        (
            "content/articles/new.md",
            "+++\ntitle = \"New\"\ndate = 2026-11-01\nsubjects = [\"alpha\"]\n\n[features]\n\"F3\" = { alpha = \"yes\" }\n+++\n",
        ),
    ])
}

/// `versus check` on 1 December 2026.
fn check(site: &Site, args: &[&str]) -> common::Run {
    let mut cmd = common::versus();
    cmd.arg("check")
        .args(args)
        .arg("--root")
        .arg(site.root())
        .env("SOURCE_DATE_EPOCH", "1796083200");
    common::Run::from(cmd.output().expect("run versus"))
}

/// The diagnostics printed, as `kind location first-line`.
fn printed(run: &common::Run) -> Vec<String> {
    diagnostics(&run.stderr)
        .into_iter()
        .map(|d| {
            let first = d.text.lines().next().unwrap_or("").to_string();
            format!("{} {first}", d.location)
        })
        .collect()
}

#[test]
fn check_stale_lists_old_statements_by_subject_oldest_first() {
    let site = stale_site("base_url = \"https://example.org/\"\n");
    let run = check(&site, &["--stale", "18m"]);
    run.assert_ok();
    let at = |file: &str, needle: &str| {
        let text = std::fs::read_to_string(site.path(file)).unwrap();
        format!("{file}:{}", common::pos_of_nth(&text, needle, 0))
    };
    assert_eq!(
        printed(&run),
        [
            format!(
                "{} warning: alpha: `F1` is as of 2023-02-01 (page published), older than 18 months",
                at("content/articles/old.md", "alpha =")
            ),
            format!(
                "{} warning: alpha: `F2` is as of 2025-01-15 (page published), older than 18 months",
                at("content/articles/mid.md", "alpha =")
            ),
            format!(
                "{} warning: alpha: `F4` was verified against version 2.4, and alpha is now at 3.0: possibly stale",
                at("content/subjects/alpha.md", "\"F4\"")
            ),
            format!(
                "{} warning: beta: `F1` is as of 2023-02-01 (page published), older than 18 months",
                at("content/articles/old.md", "beta =")
            ),
        ],
        "{}",
        run.stderr
    );
    run.assert_stderr_has("verified = 2026-12-01");
    assert!(run.stdout.contains("4 warnings"), "{}", run.stdout);

    // --strict fails on them.
    let run = check(&site, &["--stale", "18m", "--strict"]);
    run.assert_code(1);
    assert_eq!(printed(&run).len(), 4, "{}", run.stderr);
    assert!(
        printed(&run).iter().all(|p| p.contains(" error: ")),
        "{}",
        run.stderr
    );

    // Without an age, only the version is flagged; a bad age is bad usage.
    let run = check(&site, &[]);
    run.assert_ok();
    assert_eq!(printed(&run).len(), 1, "{}", run.stderr);
    check(&site, &["--stale", "18 months"])
        .assert_code(2)
        .assert_stderr_has("is not an age");

    // The same age from versus.toml; --stale wins over it. `build` never reports age.
    let site = stale_site("base_url = \"https://example.org/\"\n[trust]\nstale = \"2y\"\n");
    let run = check(&site, &[]);
    assert_eq!(
        printed(&run)
            .iter()
            .filter(|p| p.contains("older than 2 years"))
            .count(),
        2,
        "{}",
        run.stderr
    );
    let run = check(&site, &["--stale", "5y"]);
    assert_eq!(printed(&run).len(), 1, "{}", run.stderr);
    let run = site.run(&["build", "--strict"]);
    run.assert_ok();

    // Versions are shown as written.
    let alpha = site.html("site/subjects/alpha/index.html");
    assert_eq!(
        texts(&alpha, "tr#f--f5 ul.statements .cell-since"),
        ["since 9.1"]
    );
    assert_eq!(
        texts(&alpha, "tr#f--f5 ul.statements .cell-until"),
        ["removed in 10.2"]
    );
    assert!(
        texts(&alpha, "tr#f--f4 ul.statements .cell-asof")[0].contains("checked against 2.4"),
        "{:?}",
        texts(&alpha, "tr#f--f4 ul.statements .cell-asof")
    );
}

// ---------------------------------------------------------------------------------------
// Edit links

#[test]
fn edit_links_reach_the_file_and_line_on_each_host() {
    let article = "+++\ntitle = \"A\"\nsubjects = [\"alpha\"]\n\n[features]\n\"F1\" = { alpha = \"yes\" }\n+++\n";
    let site = Site::new(&[
        (
            "content/subjects/alpha.md",
            "+++\ntitle = \"Alpha\"\n\n[features]\n\"F2\" = \"no\"\n+++\n",
        ),
        ("content/articles/my a.md", article),
    ]);
    let links = |config: &str| {
        site.write("versus.toml", config);
        site.run(&["build", "--strict"]).assert_ok();
        let alpha = site.html("site/subjects/alpha/index.html");
        let doc = site.html("site/articles/my-a/index.html");
        let mut found = attrs(&doc, "a.edit-link", "href");
        found.extend(attrs(&alpha, "a.edit-link", "href"));
        found.extend(attrs(&alpha, "ul.statements a.source-line", "href"));
        found
    };
    assert_eq!(
        links("repo_url = \"https://github.com/o/site\"\n"),
        [
            "https://github.com/o/site/edit/main/content/articles/my%20a.md",
            "https://github.com/o/site/edit/main/content/subjects/alpha.md",
            "https://github.com/o/site/blob/main/content/articles/my%20a.md#L6",
            "https://github.com/o/site/blob/main/content/subjects/alpha.md#L5",
        ]
    );
    assert_eq!(
        links("repo_url = \"https://gitlab.com/o/site\"\nrepo_branch = \"pages\"\n"),
        [
            "https://gitlab.com/o/site/-/edit/pages/content/articles/my%20a.md",
            "https://gitlab.com/o/site/-/edit/pages/content/subjects/alpha.md",
            "https://gitlab.com/o/site/-/blob/pages/content/articles/my%20a.md#L6",
            "https://gitlab.com/o/site/-/blob/pages/content/subjects/alpha.md#L5",
        ]
    );
    assert_eq!(
        links("repo_url = \"https://codeberg.org/o/site\"\n"),
        [
            "https://codeberg.org/o/site/_edit/main/content/articles/my%20a.md",
            "https://codeberg.org/o/site/_edit/main/content/subjects/alpha.md",
            "https://codeberg.org/o/site/src/branch/main/content/articles/my%20a.md#L6",
            "https://codeberg.org/o/site/src/branch/main/content/subjects/alpha.md#L5",
        ]
    );
    // A self-hosted Gitea by pattern, the site in a folder of its repository.
    assert_eq!(
        links(
            "repo_url = \"https://git.example.org/o/r\"\nrepo_subdir = \"site\"\nedit_pattern = \"{repo}/src/branch/{branch}/{path}#L{line}\"\n"
        ),
        [
            "https://git.example.org/o/r/src/branch/main/site/content/articles/my%20a.md",
            "https://git.example.org/o/r/src/branch/main/site/content/subjects/alpha.md",
            "https://git.example.org/o/r/src/branch/main/site/content/articles/my%20a.md#L6",
            "https://git.example.org/o/r/src/branch/main/site/content/subjects/alpha.md#L5",
        ]
    );
    // The old keys keep working.
    assert_eq!(
        links("repository = \"https://github.com/o/old\"\nedit_branch = \"gh\"\n")[0],
        "https://github.com/o/old/edit/gh/content/articles/my%20a.md"
    );
    // Nothing without a repository; a bad pattern is an error with its line.
    assert!(links("title = \"T\"\n").is_empty());
    site.write(
        "versus.toml",
        "repo_url = \"https://x.org/r\"\nedit_pattern = \"{repo}/{file}\"\n",
    );
    site.run(&["build"]).assert_code(1).assert_diag(
        "error",
        "versus.toml:2:1",
        "unknown placeholder `{file}`",
    );
}

// ---------------------------------------------------------------------------------------
// Levels a site declares

const LEVELS_TOML: &str = r#"
[[level]]
name = "yes"

[[level]]
name = "extension"
label = "Extension"
symbol = "⊕"
colour = "purple"
support = true

[[level]]
name = "no"

[[level]]
name = "untested"
colour = "amber"
"#;

const DATABASES: &str = r#"+++
title = "Postgres vs SQLite"
subjects = ["postgres", "sqlite"]

[features]
"Vector search" = { postgres = "extension: pgvector", sqlite = "extension: sqlite-vec" }
"JSON" = { postgres = "yes", sqlite = "yes: JSON1" }
"Stored procedures" = { postgres = "yes", sqlite = "no" }
"Sharding" = { postgres = "untested", sqlite = "no" }
+++
"#;

fn databases(extra: &[(&str, &str)]) -> Site {
    let mut files = vec![
        ("content/features.toml", LEVELS_TOML),
        (
            "content/subjects/postgres.md",
            "+++\ntitle = \"Postgres\"\n+++\n",
        ),
        (
            "content/subjects/sqlite.md",
            "+++\ntitle = \"SQLite\"\n+++\n",
        ),
        ("content/articles/databases.md", DATABASES),
    ];
    files.extend_from_slice(extra);
    Site::new(&files)
}

/// `(dt, dd)` of a pair page's summary.
fn pair_summary(doc: &Html) -> Vec<(String, String)> {
    doc.select(&sel(".pair-summary > div"))
        .map(|d| {
            let t = |s: &str| texts(&Html::parse_fragment(&d.html()), s).join(" ");
            (t("dt"), t("dd"))
        })
        .collect()
}

#[test]
fn a_declared_level_set_drives_legend_matrix_pairs_and_filters() {
    let site = databases(&[]);
    let run = site.run(&["build", "--strict"]);
    run.assert_ok();
    let matrix = site.html("site/compare/index.html");
    // The legend: the levels used, in declared order, each with symbol and word.
    assert_eq!(
        texts(&matrix, ".legend li:not(.legend-title)"),
        ["✓Yes", "⊕Extension", "✗No", "•Untested", "Not stated"]
    );
    assert_eq!(
        attrs(&matrix, ".legend .badge", "class"),
        [
            "badge badge-yes",
            "badge badge-purple",
            "badge badge-no",
            "badge badge-amber",
            "badge badge-none"
        ]
    );
    // The matrix cells carry the level for sorting and "only differences".
    let row = |f: &str| attrs(&matrix, &format!("tr#f--{f} td"), "data-key");
    assert_eq!(row("vector-search"), ["extension|", "extension|"]);
    assert_eq!(row("sharding"), ["untested|", "no|"]);
    assert_eq!(attrs(&matrix, "tr#f--sharding", "data-differs"), ["true"]);
    assert_eq!(
        attrs(&matrix, "tr#f--vector-search", "data-differs"),
        ["false"]
    );
    // site.js sorts by the declared order: support first, then text, neither way, lacking.
    assert_eq!(
        attrs(&matrix, "body", "data-level-order"),
        ["yes extension text untested no none"]
    );
    // The pair summary counts `extension` as having the feature, `untested` as neither.
    let pair = site.html("site/compare/postgres-vs-sqlite/index.html");
    let summary = pair_summary(&pair);
    let count = |dt: &str| {
        summary
            .iter()
            .find(|(d, _)| d == dt)
            .unwrap_or_else(|| panic!("no {dt} in {summary:?}"))
            .1
            .clone()
    };
    assert_eq!(count("Both have"), "2");
    assert_eq!(count("Only Postgres"), "1");
    assert_eq!(count("Neither"), "0");
    assert_eq!(count("Unknown, Untested or not stated"), "1");
    // The reader's comparison view gets the same set.
    let index: serde_json::Value =
        serde_json::from_str(&site.read("site/compare/data/index.json")).unwrap();
    assert_eq!(
        index["levels"],
        serde_json::json!([
            ["yes", "Yes", "✓", "yes", true],
            ["extension", "Extension", "⊕", "purple", true],
            ["no", "No", "✗", "no", false],
            ["untested", "Untested", "•", "amber", null]
        ])
    );
}

#[test]
fn an_undeclared_level_is_an_error_with_did_you_mean() {
    let text = "+++\ntitle = \"More\"\nsubjects = [\"postgres\", \"sqlite\"]\n\n[features]\n\"Replication\" = { postgres = \"plugin: pglogical\", sqlite = { support = \"extenson\" } }\n+++\n";
    let site = databases(&[("content/articles/more.md", text)]);
    let run = site.run(&["build"]);
    run.assert_code(1);
    let at = |n| {
        format!(
            "content/articles/more.md:{}",
            common::pos_of_nth(text, n, 0)
        )
    };
    run.assert_diag(
        "error",
        &at("postgres ="),
        "`plugin` is not one of this site's levels",
    )
    .assert_diag(
        "error",
        &at("sqlite = {"),
        "unknown support level `extenson`",
    )
    .assert_stderr_has("did you mean `extension`?");
}

// ---------------------------------------------------------------------------------------
// n/a and near misses

const AB: [(&str, &str); 2] = [
    ("content/subjects/a.md", "+++\ntitle = \"A\"\n+++\n"),
    ("content/subjects/b.md", "+++\ntitle = \"B\"\n+++\n"),
];

#[test]
fn not_applicable_is_its_own_level_everywhere() {
    let article = "+++\ntitle = \"A vs B\"\nsubjects = [\"a\", \"b\"]\n\n[features]\n\"F1\" = { a = \"n/a\", b = \"no\" }\n\"F2\" = { a = \"no\", b = \"no\" }\n\"F3\" = { a = \"yes\", b = \"n/a: nothing to apply it to\" }\n+++\n";
    let other =
        "+++\ntitle = \"Other\"\nsubjects = [\"a\"]\n\n[features]\n\"F1\" = { a = \"no\" }\n+++\n";
    let mut files = AB.to_vec();
    files.push(("content/articles/ab.md", article));
    files.push(("content/articles/other.md", other));
    let site = Site::new(&files);
    let run = site.run(&["build"]);
    run.assert_ok();
    // Saying `no` where another page says `n/a` is a conflict.
    run.assert_diag(
        "warning",
        &format!(
            "content/articles/other.md:{}",
            common::pos_of_nth(other, "a = \"no\"", 0)
        ),
        "`F1` is `no` for a here, but `n/a`",
    );
    let matrix = site.html("site/compare/index.html");
    assert_eq!(attrs(&matrix, "tr#f--f1 td", "data-level"), ["n/a", "no"]);
    assert_eq!(texts(&matrix, "tr#f--f1 td .badge"), ["⊘N/A", "✗No"]);
    assert_eq!(
        attrs(&matrix, "tr#f--f1 td .badge", "class"),
        ["badge badge-grey", "badge badge-no"]
    );
    assert_eq!(
        texts(&matrix, ".legend li:not(.legend-title)"),
        ["✓Yes", "✗No", "⊘N/A", "Not stated"]
    );
    // The default site does not announce its level order: site.js knows it.
    assert!(attrs(&matrix, "body", "data-level-order").is_empty());
    // In the pair summary n/a is neither having nor lacking: only F2 is "Neither".
    let pair = site.html("site/compare/a-vs-b/index.html");
    let summary = pair_summary(&pair);
    assert!(
        summary.contains(&("Neither".into(), "1".into())),
        "{summary:?}"
    );
    assert!(
        summary.contains(&("Both have".into(), "0".into())),
        "{summary:?}"
    );
    assert!(
        summary.contains(&("Only A".into(), "0".into())),
        "{summary:?}"
    );
    assert!(
        summary.contains(&("Unknown, N/A or not stated".into(), "2".into())),
        "{summary:?}"
    );
    let index: serde_json::Value =
        serde_json::from_str(&site.read("site/compare/data/index.json")).unwrap();
    assert_eq!(
        index["levels"][5],
        serde_json::json!(["n/a", "N/A", "⊘", "grey", null])
    );
}

#[test]
fn a_word_close_to_a_level_warns_instead_of_silently_becoming_text() {
    // Issue 15, item 9: `yse: pip` used to become the text value "yse: pip", unnoticed.
    let article = "+++\ntitle = \"A vs B\"\nsubjects = [\"a\", \"b\"]\n\n[features]\n\"Packaging\" = { a = \"yse: pip\", b = \"Note: not a level\" }\n\"Install\" = { a = \"Partial: wheels only\" }\n+++\n";
    let mut files = AB.to_vec();
    files.push(("content/articles/ab.md", article));
    let site = Site::new(&files);
    let run = site.run(&["build"]);
    run.assert_ok();
    let at = |n| {
        format!(
            "content/articles/ab.md:{}",
            common::pos_of_nth(article, n, 0)
        )
    };
    run.assert_diag("warning", &at("a = \"yse"), "`yse` is not a level")
        .assert_stderr_has("did you mean `yes`?")
        .assert_diag("warning", &at("a = \"Partial"), "`Partial` is not a level")
        .assert_stderr_has("\"partial: wheels only\"");
    assert_eq!(diagnostics(&run.stderr).len(), 2, "{}", run.stderr);
    // Still a text value, as before; --strict makes the warning an error.
    let matrix = site.html("site/compare/index.html");
    assert_eq!(
        attrs(&matrix, "tr#f--packaging td", "data-level"),
        ["text", "text"]
    );
    site.run(&["build", "--strict"]).assert_code(1);
}
