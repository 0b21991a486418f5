//! Link and anchor resolution: `Model::resolve` and `href_for` with arbitrary destinations on
//! a small model. No panic; resolved page links point at pages under the base path.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use versus::config::Config;
use versus::content::{Asset, Content, parse_source};
use versus::model::{Model, ModelOptions, Resolved};

fn model() -> &'static Model {
    static M: OnceLock<Model> = OnceLock::new();
    M.get_or_init(|| {
        let files = [
            ("_index.md", "+++\ntitle = \"Home\"\n+++\n# Welcome\n"),
            (
                "articles/a.md",
                "+++\ntitle = \"A\"\nsubjects = [\"x\", \"y\"]\n+++\n## Intro\n## Intro\n## Ünï Cödé {#custom}\n",
            ),
            ("articles/sub/b.md", "+++\ntitle = \"B\"\n+++\n## Deep\n"),
            ("subjects/x.md", "+++\ntitle = \"X\"\n+++\n"),
            ("subjects/y.md", "+++\ntitle = \"Y\"\n+++\n"),
        ];
        let mut diags = Vec::new();
        let sources = files
            .iter()
            .map(|(rel, text)| {
                parse_source(
                    format!("content/{rel}").into(),
                    rel.to_string(),
                    text.to_string(),
                    &mut diags,
                )
            })
            .collect();
        let (config, _) =
            Config::parse("title = \"T\"\nbase_url = \"https://example.org/docs/\"\n");
        let content = Content {
            sources,
            data: Vec::new(),
            assets: vec![Asset {
                path: "content/articles/pic.png".into(),
                rel: "articles/pic.png".into(),
            }],
            features_toml: None,
        };
        Model::build(config, content, ModelOptions::default()).0
    })
}

fuzz_target!(|data: &[u8]| {
    let dest = String::from_utf8_lossy(data);
    let m = model();
    for from in 0..m.pages.len() {
        if let Resolved::Page { page, .. } = m.resolve(from, &dest) {
            assert!(page < m.pages.len());
        }
        if let Some(href) = m.href_for(from, &dest) {
            if href.starts_with('/') {
                assert!(href.starts_with("/docs/"), "{dest:?} -> {href:?}");
                assert!(!href.starts_with("//"), "{dest:?} -> {href:?}");
            }
        }
    }
});
