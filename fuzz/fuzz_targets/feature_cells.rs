//! Feature tables built from arbitrary data, in an article and a subject, through
//! `Model::build`: no panic, whatever the names, subjects and cell values.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use versus::config::Config;
use versus::content::{Content, parse_source};
use versus::model::{Model, ModelOptions};

#[derive(Debug, Arbitrary)]
enum Cell {
    Str(String),
    Bool(bool),
    Int(i64),
    Float(f64),
    Table {
        support: Option<String>,
        note: Option<String>,
        link: Option<String>,
        extra: Option<(String, String)>,
    },
    List(Vec<String>),
}

#[derive(Debug, Arbitrary)]
struct Input {
    subjects: Vec<String>,
    rows: Vec<(String, Vec<(String, Cell)>)>,
    subject_rows: Vec<(String, Cell)>,
    catalog: Option<Vec<(String, Option<String>, Vec<String>)>>,
}

/// A TOML basic string (quoted, escaped).
fn q(s: &str) -> String {
    toml_string(s)
}

fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn cell(c: &Cell) -> String {
    match c {
        Cell::Str(s) => q(s),
        Cell::Bool(b) => b.to_string(),
        Cell::Int(i) => i.to_string(),
        Cell::Float(f) if f.is_finite() => format!("{f:?}"),
        Cell::Float(_) => "nan".into(),
        Cell::Table {
            support,
            note,
            link,
            extra,
        } => {
            let mut parts = Vec::new();
            if let Some(s) = support {
                parts.push(format!("support = {}", q(s)));
            }
            if let Some(s) = note {
                parts.push(format!("note = {}", q(s)));
            }
            if let Some(s) = link {
                parts.push(format!("link = {}", q(s)));
            }
            if let Some((k, v)) = extra {
                parts.push(format!("{} = {}", q(k), q(v)));
            }
            format!("{{ {} }}", parts.join(", "))
        }
        Cell::List(v) => format!(
            "[{}]",
            v.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
        ),
    }
}

fuzz_target!(|input: Input| {
    let mut article = String::from("+++\ntitle = \"A\"\n");
    article.push_str(&format!(
        "subjects = [{}]\n\n[features]\n",
        input
            .subjects
            .iter()
            .map(|s| q(s))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    for (name, cells) in &input.rows {
        let inner: Vec<String> = cells
            .iter()
            .map(|(s, c)| format!("{} = {}", q(s), cell(c)))
            .collect();
        article.push_str(&format!("{} = {{ {} }}\n", q(name), inner.join(", ")));
    }
    article.push_str("+++\n\n## Body\n\ntext\n");

    let mut subject = String::from("+++\ntitle = \"S\"\n\n[features]\n");
    for (name, c) in &input.subject_rows {
        subject.push_str(&format!("{} = {}\n", q(name), cell(c)));
    }
    subject.push_str("+++\nbody\n");

    let features_toml = input.catalog.as_ref().map(|entries| {
        let mut t = String::new();
        for (name, group, aliases) in entries {
            t.push_str(&format!("[[feature]]\nname = {}\n", q(name)));
            if let Some(g) = group {
                t.push_str(&format!("group = {}\n", q(g)));
            }
            t.push_str(&format!(
                "aliases = [{}]\n\n",
                aliases.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ")
            ));
        }
        t
    });

    let mut diags = Vec::new();
    let mut sources = vec![parse_source(
        "content/articles/a.md".into(),
        "articles/a.md".into(),
        article,
        &mut diags,
    )];
    // The subject file is named after the first subject id when it is a plausible file name.
    let sid = input
        .subjects
        .first()
        .filter(|s| !s.is_empty() && !s.contains(['/', '\\', '\0']))
        .cloned()
        .unwrap_or_else(|| "s".into());
    let rel = format!("subjects/{sid}.md");
    sources.push(parse_source(
        format!("content/{rel}").into(),
        rel,
        subject,
        &mut diags,
    ));
    let (config, _) = Config::parse("title = \"T\"\nbase_url = \"https://example.org/docs/\"\n");
    let content = Content {
        sources,
        data: Vec::new(),
        assets: Vec::new(),
        features_toml,
    };
    let (model, _diags) = Model::build(config, content, ModelOptions::default());
    // Every target must have a path the writer accepts.
    for t in model.targets() {
        let p = model.target_path(t);
        assert!(p.starts_with('/'), "{p}");
        assert!(!p.split('/').any(|s| s == ".."), "{p}");
    }
});
