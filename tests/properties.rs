//! Property tests (proptest) for the rules that fuzzing checks badly because they are about
//! relations between outputs: slugs are unique and stable, base-path prefixing never makes `//`
//! or loses the prefix, heading ids are unique per page, front matter parsing never panics and
//! points at real lines, and two builds of the same site are byte-for-byte identical.
//!
//! Run: `cargo test --test properties`; more cases: `PROPTEST_CASES=5000 cargo test --test properties`.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use versus::config::base_path_of;
use versus::content::parse_source;
use versus::markdown::outline;
use versus::slug::{slugify, unique};
use versus::urls::prefix_url;

/// A URL path segment as authors write them (no `/`, `?` or `#`).
fn segment() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9._~ü-]{1,8}"
}

proptest! {
    #[test]
    fn slugs_are_stable_and_url_safe(
        // Characters whose lower case is longer or odd are mixed in on purpose.
        text in prop_oneof![any::<String>(), "[İIıßẞΣσςǅﬁ_ a-zA-Z0-9!-]{0,12}"],
    ) {
        let s = slugify(&text);
        prop_assert_eq!(&s, &slugify(&text));
        // A slug is its own slug: re-slugging (a tag URL, a hand-written anchor) changes nothing.
        prop_assert_eq!(&slugify(&s), &s);
        prop_assert!(!s.starts_with('-') && !s.ends_with('-'), "{:?}", s);
        prop_assert!(!s.contains("--"), "{:?}", s);
        prop_assert!(s.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-'), "{:?}", s);
    }

    #[test]
    fn unique_never_repeats_and_keeps_the_base(bases in prop::collection::vec("[a-c]{0,2}(-[0-9])?", 0..40)) {
        let mut taken = HashSet::new();
        let mut seen = HashSet::new();
        for b in &bases {
            let u = unique(b.clone(), &mut taken);
            prop_assert!(seen.insert(u.clone()), "{:?} given twice", u);
            let expected_base = if b.is_empty() { "section" } else { b.as_str() };
            prop_assert!(u.starts_with(expected_base), "{:?} from {:?}", u, b);
        }
        // Stable: the same sequence gives the same names.
        let mut again = HashSet::new();
        let second: Vec<String> = bases.iter().map(|b| unique(b.clone(), &mut again)).collect();
        let mut t = HashSet::new();
        let first: Vec<String> = bases.iter().map(|b| unique(b.clone(), &mut t)).collect();
        prop_assert_eq!(first, second);
    }

    #[test]
    fn base_path_keeps_every_segment_and_never_doubles_slashes(
        segs in prop::collection::vec(segment(), 0..4),
        scheme in prop::bool::ANY,
        trailing in prop::bool::ANY,
        extra_slashes in prop::bool::ANY,
    ) {
        let sep = if extra_slashes { "//" } else { "/" };
        let mut url = if scheme { "https://example.org".to_string() } else { String::new() };
        for s in &segs {
            url.push_str(sep);
            url.push_str(s);
        }
        if trailing || url.is_empty() {
            url.push('/');
        }
        let base = base_path_of(&url);
        prop_assert!(!base.contains("//"), "{:?} -> {:?}", url, base);
        prop_assert!(!base.ends_with('/'), "{:?} -> {:?}", url, base);
        let expected = segs.iter().map(|s| format!("/{s}")).collect::<String>();
        prop_assert_eq!(base, expected);
    }

    #[test]
    fn prefixing_never_doubles_slashes_or_drops_the_prefix(
        base_segs in prop::collection::vec(segment(), 0..3),
        path_segs in prop::collection::vec(segment(), 0..4),
        base_trailing in prop::bool::ANY,
        path_trailing in prop::bool::ANY,
        leading_slashes in 1usize..3,
    ) {
        let mut base = base_segs.iter().map(|s| format!("/{s}")).collect::<String>();
        if base_trailing {
            base.push('/');
        }
        let mut path = "/".repeat(leading_slashes);
        path.push_str(&path_segs.join("/"));
        if path_trailing && !path_segs.is_empty() {
            path.push('/');
        }
        let url = prefix_url(&base, &path);
        prop_assert!(!url.contains("//"), "{:?} + {:?} -> {:?}", base, path, url);
        let prefix = base.trim_end_matches('/').to_string() + "/";
        prop_assert!(url.starts_with(&prefix), "{:?} + {:?} -> {:?}", base, path, url);
        prop_assert!(url.ends_with(&path.trim_start_matches('/').to_string()), "{:?}", url);
    }

    #[test]
    fn heading_ids_are_unique_per_page(
        heads in prop::collection::vec(
            (1usize..7, "[A-Za-z !ü-]{0,6}", prop::option::of("[a-c]{1,2}(-[0-9])?")),
            0..25,
        ),
    ) {
        let mut body = String::new();
        for (level, text, custom) in &heads {
            body.push_str(&"#".repeat(*level));
            body.push(' ');
            body.push_str(if text.trim().is_empty() { "x" } else { text });
            if let Some(id) = custom {
                body.push_str(&format!(" {{#{id}}}"));
            }
            body.push_str("\n\n");
        }
        // Ids the page's template uses, which no heading may take (custom ids included).
        let reserved = ["a", "b-1", "x"];
        let o = outline(&body, &reserved);
        let mut ids: HashSet<String> = reserved.iter().map(|s| s.to_string()).collect();
        for h in &o.headings {
            prop_assert!(ids.insert(h.id.clone()), "duplicate id {:?} in\n{}", h.id, body);
        }
    }

    #[test]
    fn front_matter_never_panics_and_points_at_real_lines(
        open in prop::sample::select(vec!["+++", "---", "+++\r", "---\r", "\u{feff}+++", ""]),
        front in ".{0,200}",
        close in prop::option::of(prop::sample::select(vec!["+++", "---"])),
        body in ".{0,60}",
        rel in prop::sample::select(vec!["articles/a.md", "subjects/s.md", "_index.md", "d/_index.md"]),
    ) {
        let mut text = format!("{open}\n{front}\n");
        if let Some(c) = close {
            text.push_str(c);
            text.push('\n');
        }
        text.push_str(&body);
        let lines = text.lines().count().max(1);
        let mut diags = Vec::new();
        let src = parse_source(PathBuf::from("content").join(rel), rel.to_string(), text.clone(), &mut diags);
        prop_assert!(src.body_start <= text.len());
        for d in &diags {
            prop_assert!(d.line <= lines + 1, "line {} of {}: {:?}\n{}", d.line, lines, d, text);
        }
    }

    #[test]
    fn front_matter_with_toml_values_points_at_real_lines(
        entries in prop::collection::vec(("[a-z_]{1,8}", prop::sample::select(vec![
            "\"s\"", "1", "true", "[\"a\", 2]", "{ a = 1 }", "2026-01-01", "\"\"\"\nmulti\n\"\"\"", "[", "= =",
        ])), 0..8),
    ) {
        let mut text = String::from("+++\n");
        for (k, v) in &entries {
            text.push_str(&format!("{k} = {v}\n"));
        }
        text.push_str("+++\nbody\n");
        let lines = text.lines().count();
        let mut diags = Vec::new();
        parse_source("content/a.md".into(), "a.md".into(), text.clone(), &mut diags);
        for d in &diags {
            prop_assert!(d.line >= 1 && d.line <= lines, "line {} of {}: {:?}\n{}", d.line, lines, d, text);
            if let Some(src) = &d.source_line {
                prop_assert!(text.lines().any(|l| l.trim_end_matches('\r') == src), "{:?}", d);
            }
        }
    }
}

/// A small site: subjects, articles comparing pairs of them with feature tables, code blocks.
fn site_strategy() -> impl Strategy<Value = Vec<(String, String)>> {
    let subjects = prop::collection::btree_set("[a-d][a-z]{0,3}", 2..4);
    let features = prop::collection::vec("[A-Z][a-z]{1,5}( [a-z]{1,4})?", 1..5);
    let words = prop::collection::vec("[a-z]{1,7}", 3..20);
    (subjects, features, words).prop_map(|(subjects, features, words)| {
        let subjects: Vec<String> = subjects.into_iter().collect();
        let mut files = vec![(
            "versus.toml".to_string(),
            "title = \"Props\"\nbase_url = \"https://example.org/docs/\"\n".to_string(),
        )];
        files.push(("content/_index.md".into(), "+++\ntitle = \"Home\"\n+++\nHello.\n".into()));
        for (i, s) in subjects.iter().enumerate() {
            let mut t = format!("+++\ntitle = \"{}\"\n\n[features]\n", s.to_uppercase());
            for (j, f) in features.iter().enumerate() {
                let v = ["yes", "no", "partial: some", "plugin: x"][(i + j) % 4];
                t.push_str(&format!("\"{f}\" = \"{v}\"\n"));
            }
            t.push_str(&format!("+++\n\n{} {}.\n", s, words.join(" ")));
            files.push((format!("content/subjects/{s}.md"), t));
        }
        for (i, pair) in subjects.windows(2).enumerate() {
            let (a, b) = (&pair[0], &pair[1]);
            let mut t = format!(
                "+++\ntitle = \"{a} vs {b}\"\ndate = 2026-01-0{}\ntags = [\"{}\"]\nsubjects = [\"{a}\", \"{b}\"]\n\n[features]\n",
                i + 1,
                words[i % words.len()]
            );
            for f in &features {
                t.push_str(&format!("\"{f}\" = {{ {a} = \"yes\", {b} = \"no\" }}\n"));
            }
            t.push_str(&format!(
                "+++\n\n## {w}\n\n{text} [{a}](@/subjects/{a}.md).\n\n```python title=\"x.py\"\nprint(\"{w}\")\n```\n\n## {w}\n\nmore.\n",
                w = words[0],
                text = words.join(" ")
            ));
            files.push((format!("content/articles/{a}-vs-{b}.md"), t));
        }
        files
    })
}

fn build_into(root: &Path, out: &Path) {
    let opts = versus::pipeline::BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        ..Default::default()
    };
    let report = versus::pipeline::build(&opts, true, &|_, _| {}).expect("build");
    assert_eq!(report.errors(), 0, "{:#?}", report.diagnostics);
}

/// Every file under `dir`, relative path → bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

proptest! {
    // Each case is two whole builds: a few cases cover the shapes that matter.
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn a_build_is_deterministic(files in site_strategy()) {
        let site = tempfile::tempdir().unwrap();
        for (rel, text) in &files {
            let p = site.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let outs = tempfile::tempdir().unwrap();
        let (one, two) = (outs.path().join("one"), outs.path().join("two"));
        build_into(site.path(), &one);
        build_into(site.path(), &two);
        let (a, b) = (tree(&one), tree(&two));
        prop_assert!(a.len() > 5, "too few files: {:?}", a.keys());
        prop_assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
        for (path, bytes) in &a {
            prop_assert!(bytes == &b[path], "{} differs between two builds", path);
        }
    }
}
