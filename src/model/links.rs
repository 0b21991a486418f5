//! Links between pages: resolving what authors write (`@/a/b.md#anchor`, relative `.md`
//! links, root-relative paths, files next to a page) to pages and anchors, the errors for
//! broken ones, and each page's backlinks.
//!
//! Not here: rewriting hrefs in HTML (markdown asks [`Model::href_for`]), checking links in
//! rendered pages (`linkcheck`).

use super::{Model, PageId};
use crate::diagnostics::{Diagnostic, closest};
use crate::urls::{has_scheme, join_rel, parent_dir};

impl Model {
    pub(super) fn resolve_links(&mut self, diags: &mut Vec<Diagnostic>) {
        let mut edges: Vec<(PageId, PageId)> = Vec::new();
        for pid in 0..self.pages.len() {
            let page = &self.pages[pid];
            for link in &page.outline.links {
                match self.resolve(pid, &link.dest) {
                    Resolved::Page { page: target, .. } if target != pid => {
                        edges.push((pid, target));
                    }
                    Resolved::Broken(msg) => {
                        let line = page.source.body_line + link.line - 1;
                        diags.push(
                            Diagnostic::error(format!("broken link to `{}`: {msg}", link.dest))
                                .in_file(&page.source.file)
                                .at(line, link.column, Some(&page.source.text)),
                        );
                    }
                    Resolved::MissingSelfAnchor(anchor) => {
                        let line = page.source.body_line + link.line - 1;
                        diags.push(
                            Diagnostic::warning(format!(
                                "link to `#{anchor}`: no heading with that id on this page"
                            ))
                            .in_file(&page.source.file)
                            .at(
                                line,
                                link.column,
                                Some(&page.source.text),
                            ),
                        );
                    }
                    _ => {}
                }
            }
        }
        edges.sort_unstable();
        edges.dedup();
        for (from, to) in edges {
            self.pages[from].links_to.push(to);
            self.pages[to].backlinks.push(from);
        }
    }

    /// Resolves a link destination as written on page `from`.
    pub fn resolve(&self, from: PageId, dest: &str) -> Resolved {
        if dest.is_empty() {
            return Resolved::External;
        }
        let (path_part, anchor) = match dest.split_once('#') {
            Some((p, a)) => (p, Some(a)),
            None => (dest, None),
        };
        if path_part.is_empty() {
            let anchor = anchor.unwrap_or("");
            if !anchor.is_empty()
                && !self.pages[from]
                    .outline
                    .headings
                    .iter()
                    .any(|h| h.id == anchor)
                && !anchor.starts_with("fn")
            {
                return Resolved::MissingSelfAnchor(anchor.to_string());
            }
            return Resolved::External;
        }
        if has_scheme(path_part) || path_part.starts_with("//") {
            return Resolved::External;
        }
        let rel = if let Some(p) = path_part.strip_prefix("@/") {
            Some(p.to_string())
        } else if path_part.ends_with(".md") && !path_part.starts_with('/') {
            Some(join_rel(
                parent_dir(&self.pages[from].source.rel),
                path_part,
            ))
        } else {
            None
        };
        match rel {
            Some(rel) => {
                let Some(&target) = self.page_by_rel.get(&rel) else {
                    let mut msg = format!("no file content/{rel}");
                    if let Some(c) = closest(&rel, self.page_by_rel.keys().map(String::as_str)) {
                        msg.push_str(&format!(" (did you mean `@/{c}`?)"));
                    }
                    return Resolved::Broken(msg);
                };
                if let Some(a) = anchor
                    && !a.is_empty()
                    && !self.pages[target]
                        .outline
                        .headings
                        .iter()
                        .any(|h| h.id == a)
                {
                    let ids = self.pages[target]
                        .outline
                        .headings
                        .iter()
                        .map(|h| h.id.as_str());
                    let mut msg = format!("content/{rel} has no heading with id `{a}`");
                    if let Some(c) = closest(a, ids) {
                        msg.push_str(&format!(" (did you mean `#{c}`?)"));
                    }
                    return Resolved::Broken(msg);
                }
                Resolved::Page {
                    page: target,
                    anchor: anchor.filter(|a| !a.is_empty()).map(str::to_string),
                }
            }
            None if path_part.starts_with('/') => Resolved::RootRelative,
            None => {
                // A relative link to a file next to the page (an image, a download).
                let rel = join_rel(parent_dir(&self.pages[from].source.rel), path_part);
                if self.assets.iter().any(|a| a.rel == rel) {
                    Resolved::Asset(rel)
                } else {
                    Resolved::External
                }
            }
        }
    }

    /// The href to emit for a link written on page `from`; `None` leaves it untouched.
    pub fn href_for(&self, from: PageId, dest: &str) -> Option<String> {
        match self.resolve(from, dest) {
            Resolved::Page { page, anchor } => {
                let mut url = self.url(&self.pages[page].path);
                if let Some(a) = anchor {
                    url.push('#');
                    url.push_str(&a);
                }
                Some(url)
            }
            Resolved::RootRelative => Some(self.url(dest)),
            Resolved::Asset(rel) => {
                let query = dest.find(['?', '#']).map_or("", |i| &dest[i..]);
                Some(format!("{}{query}", self.url(&format!("/{rel}"))))
            }
            _ => None,
        }
    }
}

/// The result of resolving a link destination.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Page {
        page: PageId,
        anchor: Option<String>,
    },
    /// `/path`: gets the base path.
    RootRelative,
    /// A file under content/ next to the page.
    Asset(String),
    /// http:, mailto:, a plain `#anchor`, ...: left alone.
    External,
    MissingSelfAnchor(String),
    Broken(String),
}
