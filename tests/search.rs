//! The search index (`search/`): what a reader can find, what the first search downloads on
//! a wide site, and what a body-only edit makes again. The index is read here the way
//! `search.js` reads it (manifest → the shard for a word → document records); ranking and
//! the UI are checked in a real browser by tests/browser/run.py.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

use common::{Site, wide};
use serde_json::Value;
use versus::outputs::search;
use versus::pipeline::{BuildOptions, load_site};

/// What a first search may download (manifest, shard, records), gzipped.
const FIRST_SEARCH_BUDGET: usize = 300 * 1024;

/// The index's files by path relative to `search/`.
struct Index {
    files: BTreeMap<String, Vec<u8>>,
    manifest: Value,
}

impl Index {
    fn new(made: impl IntoIterator<Item = (String, Vec<u8>)>) -> Index {
        let files: BTreeMap<String, Vec<u8>> = made
            .into_iter()
            .filter_map(|(p, b)| Some((p.strip_prefix("search/")?.to_string(), b)))
            .collect();
        let manifest = serde_json::from_slice(&files["index.json"]).expect("manifest");
        Index { files, manifest }
    }

    fn from_output(out: &Path) -> Index {
        let tree = common::tree(out);
        Index::new(tree.into_iter().map(|(p, b)| (format!("search/{p}"), b)))
    }

    fn json(&self, name: &str) -> Value {
        let bytes = self.files.get(name).unwrap_or_else(|| panic!("no {name}"));
        serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    fn keys(&self, field: &str) -> BTreeSet<String> {
        self.manifest[field]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap().to_string())
            .collect()
    }

    /// The file a query word needs and whether it is a leaf, as `search.js` picks it.
    fn shard_of(&self, word: &str) -> Option<(String, bool)> {
        let (leaves, nodes) = (self.keys("leaves"), self.keys("nodes"));
        if leaves.contains("") {
            return Some(("w-_.json".into(), true));
        }
        let mut key = String::new();
        for c in word.chars() {
            key.push(c);
            if leaves.contains(&key) {
                return Some((name_of('w', &key), true));
            }
            if !nodes.contains(&key) {
                return None;
            }
        }
        Some((name_of('n', &key), false))
    }

    /// Ids of the documents with a word starting with `word`.
    fn find(&self, word: &str) -> BTreeSet<u64> {
        let Some((file, leaf)) = self.shard_of(word) else {
            return BTreeSet::new();
        };
        let json = self.json(&file);
        let lists: Vec<&Value> = if leaf {
            let words = json.as_object().unwrap();
            words
                .iter()
                .filter(|(w, _)| w.starts_with(word))
                .map(|(_, l)| l)
                .collect()
        } else {
            vec![&json[""]]
        };
        let mut ids = BTreeSet::new();
        for classes in lists {
            for list in classes.as_array().unwrap() {
                let mut id = 0;
                for d in list.as_array().unwrap() {
                    id += d.as_u64().unwrap();
                    ids.insert(id);
                }
            }
        }
        ids
    }

    /// (kind, title, URL) of a document.
    fn record(&self, id: u64) -> (String, String, String) {
        let chunk = self.manifest["chunk"].as_u64().unwrap();
        let records = self.json(&format!("d-{}.json", id / chunk));
        let rec = &records[(id % chunk) as usize];
        let kind = self.manifest["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .take_while(|k| k[1].as_u64().unwrap() <= id)
            .last()
            .unwrap()[0]
            .as_str()
            .unwrap()
            .to_string();
        let base = self.manifest["base"].as_str().unwrap();
        let path = rec[1].as_str().unwrap();
        let url = match path.strip_prefix('/') {
            Some(p) => format!("{base}{p}"),
            None => format!(
                "{base}{}{path}/",
                self.manifest["paths"][&kind].as_str().unwrap()
            ),
        };
        (kind, rec[0].as_str().unwrap().to_string(), url)
    }

    /// Documents matching every word of `query` (by word prefix), as (kind, title, URL).
    fn search(&self, query: &str) -> Vec<(String, String, String)> {
        let lower = query.to_lowercase();
        let mut words = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty());
        let first = self.find(words.next().expect("a word"));
        let ids = words.fold(first, |acc, w| {
            acc.intersection(&self.find(w)).copied().collect()
        });
        ids.into_iter().map(|id| self.record(id)).collect()
    }

    fn gz(&self, name: &str) -> usize {
        gzip(&self.files[name])
    }
}

fn name_of(kind: char, key: &str) -> String {
    search::shard_path(kind, key)
        .trim_start_matches("search/")
        .to_string()
}

fn gzip(bytes: &[u8]) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(bytes).unwrap();
    e.finish().unwrap().len()
}

fn has(found: &[(String, String, String)], kind: &str, title: &str) -> bool {
    found.iter().any(|(k, t, _)| k == kind && t == title)
}

fn small_site() -> Site {
    Site::new(&[
        ("versus.toml", "title = \"Small\"\n"),
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\nWelcome.\n",
        ),
        (
            "content/articles/_index.md",
            "+++\ntitle = \"Articles\"\ndescription = \"Every comparison we wrote\"\n+++\nAll.\n",
        ),
        (
            "content/features.toml",
            "[[feature]]\nname = \"getElementById\"\ngroup = \"DOM\"\n\n\
             [[feature]]\nname = \"Startup speed\"\ngroup = \"Runtime\"\naliases = [\"Boot time\"]\n",
        ),
        (
            "content/subjects/alpha.md",
            "+++\ntitle = \"Alpha\"\n[features]\n\"Startup speed\" = \"yes\"\n+++\nAlpha is.\n",
        ),
        (
            "content/subjects/beta.md",
            "+++\ntitle = \"Beta\"\n[features]\n\"Startup speed\" = \"no\"\n+++\nBeta is.\n",
        ),
        (
            "content/articles/picking.md",
            "+++\ntitle = \"Picking one\"\ndescription = \"A practical guide\"\ntags = [\"Web\"]\n\
             subjects = [\"alpha\", \"beta\"]\n[features]\n\
             \"getElementById\" = { alpha = \"yes\", beta = \"partial\" }\n+++\n\
             ## Quokka habits\n\nSome zanzibar text.\n",
        ),
    ])
}

#[test]
fn finds_every_kind_by_word_prefix_with_working_urls() {
    let site = small_site();
    site.run(&["build"]).assert_ok();
    let out = site.path("site");
    let index = Index::from_output(&out.join("search"));
    let found = |q: &str| index.search(q);

    assert!(
        has(&found("star"), "f", "Startup speed"),
        "{:?}",
        found("star")
    );
    assert!(
        has(&found("boot"), "f", "Startup speed"),
        "an alias finds its feature"
    );
    assert!(
        has(&found("element"), "f", "getElementById"),
        "a camelCase tail"
    );
    assert!(
        has(&found("dom"), "f", "getElementById"),
        "a feature's group"
    );
    assert!(has(&found("alp"), "s", "Alpha"));
    assert!(has(&found("alpha be"), "p", "Alpha vs Beta"));
    assert!(has(&found("pick"), "a", "Picking one"));
    assert!(
        has(&found("getelem"), "a", "Picking one"),
        "a feature it compares"
    );
    assert!(
        has(&found("practical"), "a", "Picking one"),
        "its description"
    );
    assert!(has(&found("web"), "t", "Web"));
    assert!(has(&found("articles"), "c", "Articles"));
    assert!(has(&found("home"), "h", "Home"));
    assert!(
        found("quokka").is_empty(),
        "headings and text are not in the word shards"
    );
    assert!(found("zz").is_empty());

    // Every URL a record gives is a page of the site.
    for q in ["star", "alp", "alpha be", "pick", "web", "articles", "home"] {
        for (_, title, url) in found(q) {
            let file = out.join(url.trim_start_matches('/')).join("index.html");
            assert!(file.is_file(), "{title}: {url} is not a page");
        }
    }

    // Headings (with their anchors) and text are in the text shard.
    let text = index.json("t-0.json");
    let entry = text
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e[2].as_str().unwrap().contains("zanzibar"))
        .expect("the article's text");
    assert_eq!(
        entry[1],
        serde_json::json!([["Quokka habits", "quokka-habits"]])
    );
    assert_eq!(index.record(entry[0].as_u64().unwrap()).1, "Picking one");
    assert_eq!(
        index.manifest["text"]["auto"], true,
        "a small site loads text by itself"
    );
}

#[test]
fn the_index_honours_the_base_path() {
    let site = small_site();
    site.run(&["build", "--base-url", "https://x.test/sub/"])
        .assert_ok();
    let index = Index::from_output(&site.path("site/search"));
    assert_eq!(index.manifest["base"], "/sub/");
    assert_eq!(index.search("alp")[0].2, "/sub/subjects/alpha/");
    let home = site.html("site/index.html");
    let urls = common::attrs(&home, "input[data-index]", "data-index");
    assert!(
        !urls.is_empty() && urls.iter().all(|u| u == "/sub/search/index.json"),
        "{urls:?}"
    );
}

/// 15,000 features: the manifest and what the first query of any one- or two-letter word
/// downloads stay far below the old single index (2.5 MB, 0.4 MB gzipped).
#[test]
fn the_first_search_of_a_wide_site_fits_the_budget() {
    let site = wide::site(wide::Shape::FEATURES);
    let opts = BuildOptions {
        root: site.root().to_path_buf(),
        ..Default::default()
    };
    let (loaded, _) = load_site(&opts).unwrap();
    let model = &loaded.model;
    assert_eq!(model.features.len(), 15_000);
    let index = Index::new(search::files(model, None, &mut Default::default()));

    let largest = |prefix: &str| {
        index
            .files
            .keys()
            .filter(|n| n.starts_with(prefix))
            .map(|n| (index.gz(n), n.clone()))
            .max()
            .unwrap_or_default()
    };
    // Records: a query shows 12 results, so at most 12 record files; count the 12 largest.
    let mut records: Vec<usize> = index
        .files
        .keys()
        .filter(|n| n.starts_with("d-"))
        .map(|n| index.gz(n))
        .collect();
    records.sort_unstable_by(|a, b| b.cmp(a));
    let records: usize = records.iter().take(12).sum();
    // Every one- and two-letter query over the letters words start with.
    let mut letters: BTreeSet<char> = index
        .keys("leaves")
        .iter()
        .filter_map(|k| k.chars().next())
        .collect();
    letters.extend(index.keys("nodes").iter().filter_map(|k| k.chars().next()));
    let mut queries: Vec<String> = letters.iter().map(|c| c.to_string()).collect();
    for a in &letters {
        for b in &letters {
            queries.push(format!("{a}{b}"));
        }
    }
    let (shard, worst) = queries
        .iter()
        .filter_map(|q| index.shard_of(q))
        .map(|(f, _)| (index.gz(&f), f))
        .max()
        .unwrap();
    let manifest = index.gz("index.json");
    let first = manifest + shard + records;
    let total: usize = index.files.values().map(|b| gzip(b)).sum();
    println!(
        "search index at 15,000 features ({} files, {} kB gzipped in all): manifest {manifest} B, \
         largest word shard {:?}, largest merged shard {:?}, largest record file {:?}, largest \
         text file {:?}; first search at most {first} B (manifest + {worst} {shard} B + 12 \
         largest record files {records} B)",
        index.files.len(),
        total / 1024,
        largest("w-"),
        largest("n-"),
        largest("d-"),
        largest("t-"),
    );
    assert!(
        first <= FIRST_SEARCH_BUDGET,
        "first search downloads {first} B"
    );
    for (name, bytes) in &index.files {
        if name.starts_with("w-") && bytes.len() > search::shards::SHARD_LIMIT {
            let words = index.json(name).as_object().unwrap().len();
            assert_eq!(words, 1, "{name} is over the limit with {words} words");
        }
    }

    // Still finds what a reader looks for.
    let feature = &model.features[1234].name;
    let second = feature
        .split(|c: char| !c.is_alphanumeric())
        .nth(1)
        .unwrap();
    assert!(
        has(&index.search(second), "f", feature),
        "{feature} by {second}"
    );
    let subject = model.subject_title(5);
    let found = index.search(subject);
    assert!(has(&found, "s", subject), "{subject}");
    assert!(
        found.iter().any(|(k, ..)| k == "a"),
        "articles comparing {subject}"
    );
    let group = &model.groups[model.features[1234].group].name;
    assert!(
        has(&index.search(group), "g", group),
        "the group page of {group}"
    );
    let article = &model.pages[model.page_by_rel("articles/a01233.md").unwrap()].title;
    assert!(has(&index.search("part 1234"), "a", article), "{article}");
}

/// A body-only edit in the preview makes again only the text file holding that page, and it
/// equals what a fresh build makes.
#[test]
fn a_body_edit_remakes_only_the_text_file_holding_the_page() {
    let shape = wide::Shape {
        subjects: 3,
        features: 300,
        groups: 5,
        articles: 150,
    };
    let site = wide::site(shape);
    let opts = BuildOptions {
        root: site.root().to_path_buf(),
        ..Default::default()
    };
    let (mut loaded, _) = load_site(&opts).unwrap();
    let mut kept = versus::outputs::Kept::default();
    let (all, _) =
        versus::outputs::generate(&loaded.model, versus::outputs::Change::All, &mut kept);
    let texts = all
        .iter()
        .filter(|f| f.path.starts_with("search/t-"))
        .count();
    assert!(texts >= 2, "{texts} text files: too few to tell them apart");

    let rel = "articles/a00149.md";
    let old = site.read(&format!("content/{rel}"));
    let (front, _) = old.rsplit_once("+++").unwrap();
    site.write(
        &format!("content/{rel}"),
        &format!("{front}+++\n\n## Zebra crossing\n\nQuite new words.\n"),
    );
    let (content, _) = versus::content::load(site.root()).unwrap();
    let source = content
        .sources
        .iter()
        .find(|s| s.rel == rel)
        .unwrap()
        .clone();
    let page = loaded.model.page_by_rel(rel).unwrap();
    loaded
        .model
        .replace_body(page, source, &mut Vec::new())
        .expect("a body-only edit");
    let (remade, _) = versus::outputs::generate(
        &loaded.model,
        versus::outputs::Change::Text(&[page]),
        &mut kept,
    );
    let remade: Vec<_> = remade
        .iter()
        .filter(|f| f.path.starts_with("search/"))
        .collect();
    assert_eq!(
        remade.len(),
        1,
        "{:?}",
        remade.iter().map(|f| &f.path).collect::<Vec<_>>()
    );
    assert!(remade[0].path.starts_with("search/t-"));
    assert!(String::from_utf8_lossy(&remade[0].bytes).contains("Zebra crossing"));

    let (fresh, _) = load_site(&opts).unwrap();
    let fresh = search::files(&fresh.model, None, &mut Default::default());
    let mut expected: BTreeMap<&str, &[u8]> = all
        .iter()
        .filter(|f| f.path.starts_with("search/"))
        .map(|f| (f.path.as_str(), f.bytes.as_slice()))
        .collect();
    expected.insert(&remade[0].path, &remade[0].bytes);
    let fresh: BTreeMap<&str, &[u8]> = fresh
        .iter()
        .map(|(p, b)| (p.as_str(), b.as_slice()))
        .collect();
    assert_eq!(
        expected, fresh,
        "the kept index with one file remade equals a fresh one"
    );
}
