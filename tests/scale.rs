//! Comparisons at real size (issue 14): generated pages stay small as the comparison grows,
//! every statement stays reachable from the home page, pair pages summarise, the pair policy
//! decides which pairs get a page, and names that collide are reported.
//!
//! The wide sites here are small versions of `gen_wide.py --preset features` with a small
//! `[compare] per_page`, so the layouts of a big site (summaries, per-group pages, numbered
//! pages) appear at a size a debug build makes in seconds.

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::path::Path;

use common::wide::{self, Shape};
use common::{Site, attrs, html_files, texts, tree};
use scraper::Html;

/// A page holds 20 rows, a matrix 6 subjects (and a subject page lists 6 head-to-heads).
const SETTINGS: &str = "title = \"Wide\"\nbase_url = \"https://example.org/\"\n\n[compare]\nper_page = 20\nmax_columns = 6\n";

fn build_wide(shape: Shape) -> Site {
    build_wide_with(shape, SETTINGS)
}

fn build_wide_with(shape: Shape, settings: &str) -> Site {
    let site = wide::site(shape);
    site.write("versus.toml", settings);
    site.run(&["build", "--quiet"]).assert_ok();
    site
}

/// Size of every HTML page versus generates (not the authors' articles, whose own tables are
/// as wide as the authors make them), by output path.
fn generated_pages(out: &Path) -> BTreeMap<String, usize> {
    tree(out)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html") && !p.starts_with("articles/"))
        .map(|(p, b)| (p, b.len()))
        .collect()
}

fn largest(pages: &BTreeMap<String, usize>) -> (String, usize) {
    pages
        .iter()
        .max_by_key(|(_, n)| **n)
        .map(|(p, n)| (p.clone(), *n))
        .unwrap()
}

/// The largest generated page stays within 1 MB, and within 10% when the comparison doubles;
/// so does each of `hubs` (lists shorter than a page may grow until they fill one).
fn assert_no_page_grows(small: Shape, big: Shape, settings: &str, hubs: &[&str]) {
    let (a, b) = (
        build_wide_with(small, settings),
        build_wide_with(big, settings),
    );
    let (pa, pb) = (
        generated_pages(&a.path("site")),
        generated_pages(&b.path("site")),
    );
    let ((name_a, size_a), (name_b, size_b)) = (largest(&pa), largest(&pb));
    println!("largest page: {name_a} {size_a} B → {name_b} {size_b} B");
    assert!(size_b <= 1024 * 1024, "{name_b} is {size_b} bytes");
    assert!(
        (size_b as f64) <= size_a as f64 * 1.10,
        "the largest page grew from {size_a} B ({name_a}) to {size_b} B ({name_b})"
    );
    // Every hub kind kept its size too, not only the largest page.
    for &hub in hubs {
        let (x, y) = (pa[hub], pb[hub]);
        assert!(
            (y as f64) <= x as f64 * 1.10,
            "{hub} grew from {x} B to {y} B"
        );
    }
}

#[test]
fn no_generated_page_grows_with_twice_the_features() {
    assert_no_page_grows(
        Shape {
            subjects: 6,
            features: 400,
            groups: 8,
            articles: 40,
        },
        Shape {
            subjects: 6,
            features: 800,
            groups: 8,
            articles: 80,
        },
        SETTINGS,
        &[
            "index.html",
            "compare/index.html",
            "features/index.html",
            "subjects/index.html",
            "subjects/s000/index.html",
            "compare/s000-vs-s001/index.html",
        ],
    );
}

#[test]
fn no_generated_page_grows_with_twice_the_subjects() {
    assert_no_page_grows(
        Shape {
            subjects: 6,
            features: 300,
            groups: 6,
            articles: 30,
        },
        Shape {
            subjects: 12,
            features: 300,
            groups: 6,
            articles: 30,
        },
        // Four columns: both sizes have more subjects than a matrix (and a subject page's
        // list of head-to-heads) shows. Not the subject index: 6 or 12 subjects are both
        // less than a page of them.
        &SETTINGS.replace("max_columns = 6", "max_columns = 4"),
        &[
            "compare/index.html",
            "features/index.html",
            "subjects/s000/index.html",
            "compare/s000-vs-s001/index.html",
        ],
    );
}

/// Follows every internal link from the home page, like a reader (or a crawler) would, and
/// returns the pages reached (output paths) with their parsed HTML.
fn walk_from_home(out: &Path) -> HashMap<String, Html> {
    let docs: HashMap<String, Html> = html_files(out).into_iter().collect();
    let mut reached: HashMap<String, Html> = HashMap::new();
    let mut queue = VecDeque::from(["index.html".to_string()]);
    while let Some(path) = queue.pop_front() {
        if reached.contains_key(&path) {
            continue;
        }
        let Some(doc) = docs.get(&path) else { continue };
        for href in attrs(doc, "a[href]", "href") {
            let Some(target) = href.strip_prefix('/') else {
                continue;
            };
            let target = target.split('#').next().unwrap_or("");
            let file = if target.is_empty() || target.ends_with('/') {
                format!("{target}index.html")
            } else {
                target.to_string()
            };
            if !reached.contains_key(&file) {
                queue.push_back(file);
            }
        }
        reached.insert(path, doc.clone());
    }
    reached
}

#[test]
fn every_statement_is_reachable_from_the_home_page() {
    let site = build_wide(Shape {
        subjects: 6,
        features: 400,
        groups: 8,
        articles: 40,
    });
    let out = site.path("site");
    // What is stated, read from the comparison data (independent of the pages): a cell that
    // is not 0 is a statement of that subject about that feature.
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("compare/data/index.json")).unwrap())
            .unwrap();
    let subjects: Vec<String> = index["subjects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s[0].as_str().unwrap().to_string())
        .collect();
    let mut expected: BTreeSet<(String, String)> = BTreeSet::new();
    for g in index["groups"].as_array().unwrap() {
        let file = g[3].as_str().unwrap().trim_start_matches('/');
        let data: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join(file)).unwrap()).unwrap();
        for (f, row) in data["cells"].as_array().unwrap().iter().enumerate() {
            let url = data["features"][f][1].as_str().unwrap();
            let slug = url.trim_end_matches('/').rsplit('/').next().unwrap();
            for (s, cell) in row.as_array().unwrap().iter().enumerate() {
                if cell != &serde_json::json!(0) {
                    expected.insert((subjects[s].clone(), slug.to_string()));
                }
            }
        }
    }
    assert!(expected.len() > 1000, "{} statements", expected.len());
    // What a reader reaches: on each subject's pages, the rows `f--<feature>`.
    let reached = walk_from_home(&out);
    let mut found: BTreeSet<(String, String)> = BTreeSet::new();
    for (path, doc) in &reached {
        let Some(rest) = path.strip_prefix("subjects/") else {
            continue;
        };
        let Some((subject, _)) = rest.split_once('/') else {
            continue;
        };
        for id in attrs(doc, "tr[id]", "id") {
            if let Some(slug) = id.strip_prefix("f--") {
                found.insert((subject.to_string(), slug.to_string()));
            }
        }
    }
    let missing: Vec<_> = expected.difference(&found).take(5).collect();
    assert!(
        missing.is_empty(),
        "{} of {} statements not reachable from the home page, e.g. {missing:?}",
        expected.difference(&found).count(),
        expected.len()
    );
    // The big layouts were in play: subject group pages and numbered pages were walked.
    assert!(
        reached
            .keys()
            .any(|p| p.starts_with("subjects/s000/") && p != "subjects/s000/index.html")
    );
    assert!(reached.keys().any(|p| p.contains("/page/2/")));
}

const ALPHA: &str = "+++\ntitle = \"Alpha\"\n+++\n";
const BETA: &str = "+++\ntitle = \"Beta\"\n+++\n";
const GAMMA: &str = "+++\ntitle = \"Gamma\"\n+++\n";

/// Three subjects; one article compares alpha and beta, another beta and gamma; alpha and
/// gamma share a feature without any page comparing them.
fn three_subjects(settings: &str) -> Site {
    Site::new(&[
        ("versus.toml", settings),
        ("content/subjects/alpha.md", ALPHA),
        ("content/subjects/beta.md", BETA),
        ("content/subjects/gamma.md", GAMMA),
        (
            "content/ab.md",
            "+++\ntitle = \"AB\"\nsubjects = [\"alpha\", \"beta\"]\n[features]\n\
             \"Speed\" = { alpha = \"yes\", beta = \"no\" }\n+++\n",
        ),
        (
            "content/bc.md",
            "+++\ntitle = \"BC\"\nsubjects = [\"beta\", \"gamma\"]\n[features]\n\
             \"Size\" = { beta = \"yes\", gamma = \"yes\" }\n+++\n",
        ),
        (
            "content/g.md",
            "+++\ntitle = \"G\"\nsubjects = [\"gamma\"]\n[features]\n\
             \"Speed\" = { gamma = \"partial\" }\n+++\n",
        ),
    ])
}

/// The pair pages written, and the pairs the matrix lists.
fn pairs(site: &Site) -> (BTreeSet<String>, Vec<String>) {
    let files: BTreeSet<String> = tree(&site.path("site/compare"))
        .into_keys()
        .filter_map(|p| {
            p.strip_suffix("/index.html")
                .filter(|d| d.contains("-vs-"))
                .map(str::to_string)
        })
        .collect();
    let matrix = site.html("site/compare/index.html");
    (files, attrs(&matrix, "#pairs ~ ul.cards a", "href"))
}

#[test]
fn pair_pages_by_default_only_for_pairs_an_article_compares() {
    let site = three_subjects("");
    site.run(&["build", "--strict"]).assert_ok();
    let (files, listed) = pairs(&site);
    assert_eq!(
        files,
        ["alpha-vs-beta", "beta-vs-gamma"].map(String::from).into()
    );
    assert_eq!(
        listed,
        ["/compare/alpha-vs-beta/", "/compare/beta-vs-gamma/"]
    );
    // A subject page links only the pairs that exist.
    let alpha = site.html("site/subjects/alpha/index.html");
    assert!(
        !attrs(&alpha, "a[href]", "href")
            .iter()
            .any(|h| h.contains("alpha-vs-gamma"))
    );
}

#[test]
fn pair_policy_all_and_none() {
    let all = three_subjects("[compare]\npairs = \"all\"\n");
    all.run(&["build", "--strict"]).assert_ok();
    assert_eq!(
        pairs(&all).0,
        ["alpha-vs-beta", "alpha-vs-gamma", "beta-vs-gamma"]
            .map(String::from)
            .into()
    );
    let none = three_subjects("[compare]\npairs = \"none\"\n");
    none.run(&["build", "--strict"]).assert_ok();
    let (files, listed) = pairs(&none);
    assert!(
        files.is_empty() && listed.is_empty(),
        "{files:?} {listed:?}"
    );
    let bad = three_subjects("[compare]\npairs = \"some\"\n");
    bad.run(&["build"])
        .assert_code(1)
        .assert_stderr_has("versus.toml:2:9");
}

/// The summary at the top of a pair page, as (label, count).
fn summary(doc: &Html) -> Vec<(String, String)> {
    let dts = texts(doc, ".pair-summary dt");
    let dds = texts(doc, ".pair-summary dd");
    dts.into_iter().zip(dds).collect()
}

#[test]
fn pair_summary_counts_each_kind_of_agreement() {
    let site = Site::new(&[
        ("content/subjects/alpha.md", ALPHA),
        ("content/subjects/beta.md", BETA),
        (
            "content/ab.md",
            "+++\ntitle = \"AB\"\nsubjects = [\"alpha\", \"beta\"]\n[features]\n\
             \"Both\" = { alpha = \"yes\", beta = \"partial\" }\n\
             \"Both too\" = { alpha = \"plugin\", beta = \"yes\" }\n\
             \"Only A\" = { alpha = \"yes\", beta = \"no\" }\n\
             \"Only B\" = { alpha = \"no\", beta = \"plugin\" }\n\
             \"Neither\" = { alpha = \"no\", beta = \"no\" }\n\
             \"Notes\" = { alpha = \"yes: fast\", beta = \"yes: slow\" }\n\
             \"Versions\" = { alpha = { support = \"no\", since = \"2\" }, beta = { support = \"no\", since = \"3\" } }\n\
             \"Unknown\" = { alpha = \"unknown\", beta = \"yes\" }\n\
             \"Half\" = { alpha = \"yes\" }\n\
             \"Text\" = { alpha = \"Jinja2\", beta = \"yes\" }\n+++\n",
        ),
    ]);
    site.run(&["build"]).assert_ok();
    let doc = site.html("site/compare/alpha-vs-beta/index.html");
    assert_eq!(
        summary(&doc),
        [
            ("Both have", "3"),
            ("Only Alpha", "1"),
            ("Only Beta", "1"),
            ("Neither", "2"),
            ("Same level, other note or version", "2"),
            ("Unknown or not stated", "3"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    assert_eq!(
        texts(&doc, ".pair-summary-total"),
        ["7 of 10 features differ."]
    );
    // A small pair lists every row: the differences, then what is the same.
    let all_rows = attrs(&doc, "tr[id]", "id");
    assert_eq!(all_rows.len(), 10, "{all_rows:?}");
    assert_eq!(texts(&doc, "#differences small"), ["(7)"]);
    assert_eq!(texts(&doc, "#same small"), ["(3)"]);
}

#[test]
fn big_subjects_pairs_and_matrices_link_to_a_page_per_group() {
    let site = build_wide(Shape {
        subjects: 6,
        features: 300,
        groups: 6,
        articles: 30,
    });
    let out = site.path("site");
    // The matrix summarises by group and links each group's page, which is paginated.
    let matrix = site.html("site/compare/index.html");
    let groups = attrs(&matrix, "table.group-summary tbody th a", "href");
    assert_eq!(groups.len(), 6, "{groups:?}");
    assert!(texts(&matrix, "table.matrix").is_empty(), "no full matrix");
    let first = groups[0].trim_start_matches('/');
    let group = site.html(&format!("site/{first}index.html"));
    assert_eq!(attrs(&group, "table.matrix tbody tr[id]", "id").len(), 20);
    assert_eq!(attrs(&group, "table.matrix thead th a", "href").len(), 6);
    assert!(out.join(format!("{first}page/3/index.html")).exists());
    // A big subject lists its groups with counts, each linking the subject's page for it.
    let subject = site.html("site/subjects/s000/index.html");
    let links = attrs(&subject, "table.group-summary tbody th a", "href");
    assert_eq!(links.len(), 6, "{links:?}");
    assert!(links.iter().all(|l| l.starts_with("/subjects/s000/")));
    let part = site.html(&format!("site{}index.html", links[0]));
    let rows = attrs(&part, "tr[id]", "id");
    assert_eq!(rows.len(), 20);
    assert!(rows.iter().all(|r| r.starts_with("f--")));
    // A big pair: summary, a row per group with its counts, the first page's differences.
    let pair = site.html("site/compare/s000-vs-s001/index.html");
    assert_eq!(summary(&pair).len(), 6);
    let group_rows = attrs(&pair, "table.group-summary tbody th a", "href");
    assert_eq!(group_rows.len(), 6);
    assert!(group_rows[0].starts_with("/compare/s000-vs-s001/"));
    assert!(attrs(&pair, "tr[id]", "id").len() <= 20);
    let per_group = site.html(&format!("site{}index.html", group_rows[0]));
    assert!(!attrs(&per_group, "tr[id]", "id").is_empty());
    // The feature index lists groups, not 300 features.
    let features = site.html("site/features/index.html");
    assert_eq!(attrs(&features, ".cards a", "href").len(), 6);
}

#[test]
fn small_sites_keep_their_one_page_views() {
    let site = three_subjects("");
    site.run(&["build", "--strict"]).assert_ok();
    let matrix = site.html("site/compare/index.html");
    assert_eq!(attrs(&matrix, "table.matrix tbody tr[id]", "id").len(), 2);
    assert!(texts(&matrix, "table.group-summary").is_empty());
    let files: HashSet<String> = tree(&site.path("site")).into_keys().collect();
    assert!(
        !files.iter().any(|f| f.contains("/page/")),
        "no numbered pages"
    );
    assert!(!files.iter().any(|f| f.starts_with("compare/groups/")));
}

#[test]
fn two_spellings_of_one_feature_warn_naming_both_places() {
    let site = Site::new(&[
        ("content/subjects/alpha.md", ALPHA),
        (
            "content/one.md",
            "+++\ntitle = \"One\"\nsubjects = [\"alpha\"]\n[features]\n\"Crypto\" = { alpha = \"yes\" }\n\
             \"fit-content()\" = { alpha = \"no\" }\n+++\n",
        ),
        (
            "content/two.md",
            "+++\ntitle = \"Two\"\nsubjects = [\"alpha\"]\n[features]\n\"crypto\" = { alpha = \"yes\" }\n\
             \"fit-content\" = { alpha = \"no\" }\n+++\n",
        ),
    ]);
    let run = site.run(&["build"]);
    run.assert_ok()
        .assert_diag(
            "warning",
            "content/two.md:5:1",
            "`crypto` and `Crypto` are one feature",
        )
        .assert_stderr_has("`Crypto` is named at content/one.md:5:1")
        .assert_diag(
            "warning",
            "content/two.md:6:1",
            "`fit-content` and `fit-content()` are one feature",
        );
    // Listed as an alias, a second spelling is deliberate: no warning.
    site.write(
        "content/features.toml",
        "[[feature]]\nname = \"Crypto\"\naliases = [\"crypto\"]\n\n[[feature]]\nname = \"fit-content\"\naliases = [\"fit-content()\"]\n",
    );
    site.run(&["build", "--strict"]).assert_ok();
}

#[test]
fn urls_that_differ_only_in_case_warn() {
    let site = Site::new(&[
        ("content/Guide.md", "+++\ntitle = \"Guide\"\n+++\n"),
        ("content/guide.md", "+++\ntitle = \"guide\"\n+++\n"),
    ]);
    site.run(&["build"])
        .assert_ok()
        .assert_stderr_has("differ only in letter case");
    site.run(&["build", "--strict"]).assert_code(1);
}

#[test]
fn groups_that_differ_only_in_case_stay_apart() {
    let site = Site::new(&[
        ("content/subjects/alpha.md", ALPHA),
        ("content/subjects/beta.md", BETA),
        (
            "content/features.toml",
            "[[feature]]\nname = \"One\"\ngroup = \"API\"\n\n[[feature]]\nname = \"Two\"\ngroup = \"Api\"\n",
        ),
        (
            "content/ab.md",
            "+++\ntitle = \"AB\"\nsubjects = [\"alpha\", \"beta\"]\n[features]\n\
             \"One\" = { alpha = \"yes\", beta = \"no\" }\n\"Two\" = { alpha = \"no\", beta = \"yes\" }\n+++\n",
        ),
    ]);
    site.run(&["build", "--strict"]).assert_ok();
    let matrix = site.html("site/compare/index.html");
    assert_eq!(
        attrs(&matrix, "tbody[data-group]", "data-group"),
        ["api", "api-2"]
    );
    assert_eq!(
        attrs(&matrix, "select[data-filter-group] option[value]", "value"),
        ["", "api", "api-2"]
    );
}

/// A site where `n` articles each say something about alpha's Speed (the same comparison,
/// said again and again), and the first five about beta's.
fn many_sayers(n: usize, settings: &str) -> Site {
    let site = Site::new(&[
        ("versus.toml", settings),
        ("content/subjects/alpha.md", ALPHA),
        ("content/subjects/beta.md", BETA),
    ]);
    for i in 0..n {
        let level = if i % 3 == 0 { "partial" } else { "yes" };
        let beta = if i < 5 { ", beta = \"no\"" } else { "" };
        site.write(
            &format!("content/posts/p{i:03}.md"),
            &format!(
                "+++\ntitle = \"Post {i}\"\nsubjects = [\"alpha\", \"beta\"]\n[features]\n\
                 \"Speed\" = {{ alpha = \"{level}\"{beta} }}\n+++\nText.\n"
            ),
        );
    }
    site.run(&["build", "--quiet"]).assert_ok();
    site
}

#[test]
fn a_row_lists_at_most_max_statements_and_counts_the_rest() {
    let settings =
        "title = \"T\"\nbase_url = \"https://example.org/\"\n\n[compare]\nmax_statements = 5\n";
    let site = many_sayers(14, settings);
    // alpha is said to be partial by posts 0, 3, 6, 9, 12 and yes by the other nine.
    for (page, row) in [
        ("site/subjects/alpha/index.html", "#f--speed"),
        ("site/features/speed/index.html", "#s--alpha"),
    ] {
        let doc = site.html(page);
        let listed = texts(&doc, &format!("{row} ul.statements > li"));
        assert_eq!(listed.len(), 5, "{page}: {listed:?}");
        let more = texts(&doc, &format!("{row} .statements-more"));
        assert_eq!(more.len(), 1, "{page}");
        assert!(more[0].contains("9 more statements"), "{page}: {more:?}");
        // The rest, counted by level, with the level's word for screen readers.
        let counts = texts(&doc, &format!("{row} .statements-more .level-counts li"));
        let total: usize = counts
            .iter()
            .map(|c| {
                let digits: String = c.chars().filter(char::is_ascii_digit).collect();
                digits.parse::<usize>().unwrap()
            })
            .sum();
        assert_eq!(total, 9, "{page}: {counts:?}");
        assert!(counts.iter().any(|c| c.contains("Yes")), "{counts:?}");
    }
    // Beta's five statements fit: no summary.
    let doc = site.html("site/subjects/beta/index.html");
    assert_eq!(texts(&doc, "#f--speed ul.statements > li").len(), 5);
    assert!(texts(&doc, "#f--speed .statements-more").is_empty());
}

#[test]
fn subject_and_feature_pages_do_not_grow_with_the_articles_that_say_the_same() {
    // (A subject page also lists its newest articles: a page's worth, 20 here.)
    let settings =
        "title = \"T\"\nbase_url = \"https://example.org/\"\n\n[compare]\nper_page = 20\n";
    let (a, b) = (many_sayers(40, settings), many_sayers(80, settings));
    for page in [
        "site/subjects/alpha/index.html",
        "site/features/speed/index.html",
    ] {
        let (x, y) = (a.read(page).len(), b.read(page).len());
        assert!(
            (y as f64) <= x as f64 * 1.10,
            "{page} grew from {x} B to {y} B with twice the articles"
        );
    }
}
