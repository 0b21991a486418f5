//! Which route a batch of saved paths asks of the preview's rebuild ([`super::incremental`]):
//! the whole pipeline, the templates only, or the content files named. Decided from the
//! paths alone, before anything is read.

use std::path::PathBuf;

use crate::content;

/// What a batch of changed paths needs.
#[derive(Debug, PartialEq, Eq)]
pub enum Plan {
    /// Run the whole pipeline.
    Full,
    /// Only templates changed: render every page again with them.
    Templates,
    /// Only files under `content/` changed: paths relative to `content/`, with `/`.
    Content(Vec<String>),
}

/// Decides between a full rebuild, a templates rebuild and a content reload from paths
/// relative to the site root.
pub fn plan(paths: &[PathBuf]) -> Plan {
    if !paths.is_empty() && paths.iter().all(|p| is_template(p)) {
        return Plan::Templates;
    }
    let mut rels = Vec::new();
    for p in paths {
        let Ok(rest) = p.strip_prefix(content::CONTENT_DIR) else {
            return Plan::Full;
        };
        let mut parts = Vec::new();
        for c in rest.components() {
            match c {
                std::path::Component::Normal(n) => match n.to_str() {
                    Some(s) => parts.push(s),
                    None => return Plan::Full,
                },
                _ => return Plan::Full,
            }
        }
        if parts.is_empty() {
            return Plan::Full;
        }
        let rel = parts.join("/");
        if !rels.contains(&rel) {
            rels.push(rel);
        }
    }
    Plan::Content(rels)
}

/// Whether `path` is a site's or a theme's templates folder or lies in one
/// (`templates/base.html`, `themes/x/templates/`).
fn is_template(path: &std::path::Path) -> bool {
    let parts: Vec<&std::ffi::OsStr> = path.iter().collect();
    match parts.as_slice() {
        [first, ..] if *first == "templates" => true,
        [themes, _, templates, ..] => *themes == "themes" && *templates == "templates",
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> PathBuf {
        PathBuf::from(s)
    }

    #[test]
    fn content_paths_are_planned_as_content() {
        assert_eq!(
            plan(&[
                p("content/a.md"),
                p("content/posts/b.md"),
                p("content/a.md")
            ]),
            Plan::Content(vec!["a.md".into(), "posts/b.md".into()])
        );
        assert_eq!(
            plan(&[p("content/features.toml")]),
            Plan::Content(vec!["features.toml".into()])
        );
    }

    #[test]
    fn templates_alone_are_planned_as_templates() {
        assert_eq!(
            plan(&[
                p("templates"),
                p("templates/404.html"),
                p("themes/x/templates/partials/nav.html")
            ]),
            Plan::Templates
        );
        assert_eq!(
            plan(&[p("templates/base.html"), p("content/a.md")]),
            Plan::Full
        );
    }

    #[test]
    fn anything_else_is_a_full_rebuild() {
        for other in [
            "themes/x/static/style.css",
            "themes/x/i18n/de.toml",
            "themes/x",
            "static/style.css",
            "versus.toml",
            "highlight/x.sublime-syntax",
            "content",
        ] {
            assert_eq!(plan(&[p("content/a.md"), p(other)]), Plan::Full, "{other}");
        }
    }
}
