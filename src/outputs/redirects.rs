//! Redirect pages at the old URLs authors list under `aliases`, and the errors for aliases
//! that cannot be written (not a path, taken by a real page, claimed by two pages).
//!
//! Not here: anything a host configures itself (`_redirects` files are host-specific).

use std::collections::{BTreeMap, HashMap};

use crate::diagnostics::Diagnostic;
use crate::model::{Model, PageId, Target};
use crate::urls::output_path;

/// Redirect pages for `aliases`, and errors for aliases that cannot be written: not a path,
/// taken by a real page, or claimed by two pages.
pub fn files(model: &Model) -> (Vec<(String, Vec<u8>)>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut files = Vec::new();
    let real: HashMap<String, Target> = model
        .targets()
        .into_iter()
        .map(|t| (output_path(&model.target_path(t)), t))
        .collect();
    let mut claimed: BTreeMap<String, PageId> = BTreeMap::new();
    for (p, page) in model.pages.iter().enumerate() {
        let source = &page.source;
        for alias in &source.front.aliases {
            let line = source
                .text
                .lines()
                .position(|l| l.contains(alias.as_str()))
                .map_or(0, |i| i + 1);
            let col = source
                .text
                .lines()
                .nth(line.saturating_sub(1))
                .and_then(|l| l.find(alias.as_str()))
                .map_or(0, |c| c + 1);
            let error = |msg: String, help: &str| {
                Diagnostic::error(msg)
                    .in_file(&source.file)
                    .at(line, col, Some(&source.text))
                    .with_help(help.to_string())
            };
            let Some(path) = alias_path(alias) else {
                diags.push(error(
                    format!("alias `{alias}` is not a path on this site"),
                    "write the old URL as a path from the site root, e.g. \"/old/url/\"",
                ));
                continue;
            };
            let out = output_path(&path);
            if let Some(&t) = real.get(&out) {
                let what = match t {
                    Target::Page(other, _) => model.pages[other].source.file.display().to_string(),
                    _ => "a generated page".to_string(),
                };
                diags.push(error(
                    format!("alias `{alias}` is the URL of {what}: a redirect there would replace that page"),
                    "remove the alias, or move the other page",
                ));
                continue;
            }
            if let Some(&other) = claimed.get(&out) {
                if other != p {
                    diags.push(error(
                        format!(
                            "alias `{alias}` is also an alias of {}",
                            model.pages[other].source.file.display()
                        ),
                        "an old URL can redirect to one page only",
                    ));
                }
                continue;
            }
            claimed.insert(out.clone(), p);
            files.push((out, redirect_page(model, p).into_bytes()));
        }
    }
    (files, diags)
}

/// `old/url` → `/old/url/`; `/old.html` stays a file. `None` for URLs with a scheme or host,
/// queries, fragments and `..`.
fn alias_path(alias: &str) -> Option<String> {
    let a = alias.trim();
    if a.is_empty()
        || a.contains("://")
        || a.starts_with("//")
        || a.contains(['?', '#', '\\'])
        || a.split('/').any(|s| s == "..")
    {
        return None;
    }
    let mut p = format!("/{}", a.trim_start_matches('/'));
    if p == "/" {
        return Some(p);
    }
    let last = p.rsplit('/').next().unwrap_or("");
    if !p.ends_with('/') && !last.ends_with(".html") && !last.ends_with(".htm") {
        p.push('/');
    }
    Some(p)
}

/// A page that sends browsers and crawlers on to page `p`: a meta refresh for browsers, a
/// canonical link for search engines, `noindex` so the old URL drops out, and a plain link
/// for everything else.
fn redirect_page(model: &Model, p: PageId) -> String {
    let page = &model.pages[p];
    let url = crate::markdown::escape_attr(&model.url(&page.path));
    let canonical = crate::markdown::escape_attr(&model.permalink_uri(&page.path));
    let title = crate::markdown::escape_attr(&page.title);
    let s = &model.strings;
    let moved = crate::markdown::escape_attr(&s.t("moved_title", &[("title", &page.title)]));
    let text = crate::markdown::escape_attr(&s.t("moved_text", &[]));
    let dir = if s.direction() == "rtl" {
        " dir=\"rtl\""
    } else {
        ""
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\"{dir}>\n<head>\n<meta charset=\"utf-8\">\n\
         <title>{moved}</title>\n<meta name=\"robots\" content=\"noindex\">\n\
         <link rel=\"canonical\" href=\"{canonical}\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={url}\">\n</head>\n<body>\n\
         <p>{text} <a href=\"{url}\">{title}</a>.</p>\n</body>\n</html>\n",
        lang = crate::markdown::escape_attr(&model.config.language)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_paths_are_site_paths() {
        assert_eq!(alias_path("/old/url/").as_deref(), Some("/old/url/"));
        assert_eq!(alias_path("old/url").as_deref(), Some("/old/url/"));
        assert_eq!(alias_path("/old.html").as_deref(), Some("/old.html"));
        assert_eq!(alias_path("https://x.org/a/"), None);
        assert_eq!(alias_path("/a/../b/"), None);
        assert_eq!(alias_path("/a/?x=1"), None);
    }
}
