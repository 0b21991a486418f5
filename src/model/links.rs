//! Links between pages: resolving what authors write (`@/a/b.md#anchor`, relative `.md`
//! links, root-relative paths, files next to a page) to pages and anchors, the errors for
//! broken ones, and each page's backlinks.
//!
//! Not here: rewriting hrefs in HTML (markdown asks [`Model::href_for`]), checking links in
//! rendered pages (`linkcheck`).

use rayon::prelude::*;

use super::{Model, PageId};
use crate::content::Source;
use crate::diagnostics::{Diagnostic, closest};
use crate::markdown::Outline;

/// A page's text and outline, as [`Model::replace_body`] swapped them out.
pub type OldBody = (Source, std::sync::Arc<Outline>);
use crate::urls::{has_scheme, join_rel, parent_dir};

impl Model {
    pub(super) fn resolve_links(&mut self, diags: &mut Vec<Diagnostic>) {
        // Each page's links are resolved on any core; diagnostics keep the pages' order.
        let resolved: Vec<(Vec<PageId>, Vec<Diagnostic>)> = (0..self.pages.len())
            .into_par_iter()
            .map(|pid| {
                let mut found = Vec::new();
                (self.links_of(pid, &mut found), found)
            })
            .collect();
        let mut edges: Vec<(PageId, PageId)> = Vec::new();
        for (pid, (to, found)) in resolved.into_iter().enumerate() {
            edges.extend(to.into_iter().map(|to| (pid, to)));
            diags.extend(found);
        }
        edges.sort_unstable();
        edges.dedup();
        for (from, to) in edges {
            self.pages[from].links_to.push(to);
            self.pages[to].backlinks.push(from);
        }
    }

    /// The other pages page `p` links to (sorted, once each), with a diagnostic for every
    /// broken link and every `#anchor` of its own that it lacks.
    fn links_of(&self, p: PageId, diags: &mut Vec<Diagnostic>) -> Vec<PageId> {
        let page = &self.pages[p];
        let mut to = Vec::new();
        for link in &page.outline.links {
            let line = page.source.body_line + link.line - 1;
            let at = |d: Diagnostic| {
                d.in_file(&page.source.file)
                    .at(line, link.column, Some(&page.source.text))
            };
            match self.resolve(p, &link.dest) {
                Resolved::Page { page: target, .. } if target != p => to.push(target),
                Resolved::Broken(msg) => diags.push(at(Diagnostic::error(format!(
                    "broken link to `{}`: {msg}",
                    link.dest
                )))),
                Resolved::MissingSelfAnchor(anchor) => diags.push(at(Diagnostic::warning(
                    format!("link to `#{anchor}`: no heading with that id on this page"),
                ))),
                _ => {}
            }
        }
        to.sort_unstable();
        to.dedup();
        to
    }

    /// Gives page `p` the text of `new` in place, if that changes nothing but the page
    /// itself: the front matter is equal (and so the title, unless it comes from the first
    /// heading, which must be equal too), every heading id other pages may link to is still
    /// there, and the links reach the same pages, none broken. Then the model stays what a
    /// fresh build would make, and the old source and outline are returned (to undo);
    /// otherwise the model is unchanged.
    ///
    /// This is what lets the preview server re-render one page after an edit to its text.
    pub fn replace_body(
        &mut self,
        p: PageId,
        mut new: Source,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<OldBody> {
        let page = &self.pages[p];
        if new.front != page.source.front || new.kind != page.kind || new.file != page.source.file {
            return None;
        }
        let outline = new
            .outline
            .take()
            .unwrap_or_else(|| std::sync::Arc::new(crate::markdown::outline_of(&new)));
        let first_h1 = |o: &Outline| {
            o.headings
                .first()
                .filter(|h| h.level == 1)
                .map(|h| h.title.clone())
        };
        let same_title = new.front.title.is_some() || first_h1(&outline) == first_h1(&page.outline);
        let ids_kept = page
            .outline
            .headings
            .iter()
            .all(|h| outline.headings.iter().any(|n| n.id == h.id));
        if !same_title || !ids_kept {
            return None;
        }
        // Resolve the new links against the old headings (a new anchor on the page itself
        // would change how its own links resolve: not body-only).
        let old_source = std::mem::replace(&mut self.pages[p].source, new);
        let old_outline = std::mem::replace(&mut self.pages[p].outline, outline);
        let mut found = Vec::new();
        let to = self.links_of(p, &mut found);
        let broken = found.iter().any(Diagnostic::is_error);
        if broken || to != self.pages[p].links_to {
            self.restore_body(p, (old_source, old_outline));
            return None;
        }
        diags.extend(found);
        Some((old_source, old_outline))
    }

    /// Undoes [`Model::replace_body`].
    pub fn restore_body(&mut self, p: PageId, (source, outline): OldBody) {
        self.pages[p].source = source;
        self.pages[p].outline = outline;
    }

    /// Resolves a link destination as written on page `from`.
    pub fn resolve(&self, from: PageId, dest: &str) -> Resolved {
        if dest.is_empty() {
            return Resolved::External;
        }
        // Percent-decoded, so `my%20file.md` names `my file.md`, as `<my file.md>` does.
        let (path_part, anchor) = crate::markdown::split_dest(dest);
        let (path_part, anchor) = (path_part.as_ref(), anchor.as_deref());
        if path_part.is_empty() {
            let anchor = anchor.unwrap_or("");
            if !anchor.is_empty()
                && !self.pages[from]
                    .outline
                    .headings
                    .iter()
                    .any(|h| h.id == anchor || h.former_id.as_deref() == Some(anchor))
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
                        .any(|h| h.id == a || h.former_id.as_deref() == Some(a))
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
                // Files next to pages are the site's, once, at its root (for every language).
                let url = crate::urls::prefix_url(&self.root_base_path, &format!("/{rel}"));
                Some(format!("{url}{query}"))
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
