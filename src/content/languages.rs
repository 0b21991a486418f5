//! A multilingual site's content, language by language: `foo.de.md` next to `foo.md` is the
//! German version of `foo.md` (the layout Zola uses), for every language `[languages.de]`
//! names in versus.toml.
//!
//! Each language gets its own [`Content`], from which the model builds that language's pages:
//! its Markdown files (with the language code taken out of their paths, so a translated page
//! keeps its original's path under `/de/`), and every subject it has no file for, as its
//! main-language file without the feature table — subjects keep one id across languages, but
//! statements are per language, so a German page never shows what an English page said.
//! Data files, `features.toml` and the files next to pages belong to every language.
//!
//! Not here: what a language's pages mean (`crate::model`), where they are written
//! (`crate::engine`).

use std::collections::HashSet;

use super::{Content, Source, kind_of};

/// The language of a file's name: `de` for `articles/a.de.md` when `de` is one of `codes`.
fn language_of<'a>(rel: &str, codes: &[&'a str]) -> Option<&'a str> {
    let stem = rel.strip_suffix(".md")?;
    let (_, code) = stem.rsplit_once('.')?;
    codes.iter().copied().find(|c| *c == code)
}

/// `rel` without its language code: `articles/a.de.md` → `articles/a.md`.
fn strip_language(rel: &str, code: &str) -> String {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    let stem = stem.strip_suffix(&format!(".{code}")).unwrap_or(stem);
    format!("{stem}.md")
}

/// Splits `content` into the main language's and one per code of `others`, in that order.
pub fn split(content: Content, others: &[&str]) -> (Content, Vec<(String, Content)>) {
    let mut main = Content {
        sources: Vec::new(),
        ..content.clone()
    };
    let mut by_code: Vec<Vec<Source>> = others.iter().map(|_| Vec::new()).collect();
    for mut source in content.sources {
        match language_of(&source.rel, others) {
            Some(code) => {
                source.rel = strip_language(&source.rel, code);
                source.kind = kind_of(&source.rel);
                let i = others.iter().position(|c| *c == code).unwrap_or(0);
                by_code[i].push(source);
            }
            None => main.sources.push(source),
        }
    }
    let translated = others
        .iter()
        .zip(by_code)
        .map(|(code, mut sources)| {
            let own: HashSet<String> = sources.iter().map(|s| s.rel.clone()).collect();
            // Subjects keep one id in every language: one this language has no file for is
            // the main file's subject, without its statements.
            for s in &main.sources {
                if s.kind == super::SourceKind::Subject && !own.contains(&s.rel) {
                    let mut s = s.clone();
                    std::sync::Arc::make_mut(&mut s.front.0).features.clear();
                    sources.push(s);
                }
            }
            let lang = Content {
                sources,
                data: content.data.clone(),
                assets: content.assets.clone(),
                features_toml: content.features_toml.clone(),
            };
            (code.to_string(), lang)
        })
        .collect();
    (main, translated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_before_md_names_the_language() {
        assert_eq!(language_of("articles/a.de.md", &["de", "fr"]), Some("de"));
        assert_eq!(language_of("_index.fr.md", &["de", "fr"]), Some("fr"));
        assert_eq!(language_of("articles/v1.2.md", &["de"]), None);
        assert_eq!(language_of("articles/a.md", &["de"]), None);
        assert_eq!(
            strip_language("subjects/django.de.md", "de"),
            "subjects/django.md"
        );
        assert_eq!(
            kind_of(&strip_language("_index.de.md", "de")),
            super::super::SourceKind::Home
        );
    }
}
