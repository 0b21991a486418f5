//! Targets: every file the site renders through a template, one per page kind — the pages
//! made from Markdown and the pages generated from the model (subject and feature indexes,
//! feature pages, the matrix, pair pages, tags, 404) — and the site path of each.
//!
//! Not here: files written without a template (static files, feeds, sitemap: see
//! `crate::outputs`).

use super::{FeatureId, Model, PageId, PairId, TagId};

/// Something the site writes, one file each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// The home page when there is no `content/_index.md`: every site has an index page.
    Home,
    Page(PageId),
    SubjectIndex,
    FeatureIndex,
    Feature(FeatureId),
    Matrix,
    Pair(PairId),
    TagIndex,
    Tag(TagId),
    NotFound,
}

impl Model {
    /// Every file the site writes, in a stable order.
    pub fn targets(&self) -> Vec<Target> {
        let mut t = Vec::with_capacity(self.pages.len() + 8);
        if !self.pages.iter().any(|p| p.path == "/") {
            t.push(Target::Home);
        }
        t.extend((0..self.pages.len()).map(Target::Page));
        if !self.pages.iter().any(|p| p.path == "/subjects/") {
            t.push(Target::SubjectIndex);
        }
        t.push(Target::FeatureIndex);
        t.extend((0..self.features.len()).map(Target::Feature));
        t.push(Target::Matrix);
        t.extend((0..self.pairs.len()).map(Target::Pair));
        t.push(Target::TagIndex);
        t.extend((0..self.tags.len()).map(Target::Tag));
        t.push(Target::NotFound);
        t
    }

    /// Site path of a target, without the base path.
    pub fn target_path(&self, t: Target) -> String {
        match t {
            Target::Home => "/".into(),
            Target::Page(p) => self.pages[p].path.clone(),
            Target::SubjectIndex => "/subjects/".into(),
            Target::FeatureIndex => "/features/".into(),
            Target::Feature(f) => format!("/features/{}/", self.features[f].slug),
            Target::Matrix => "/compare/".into(),
            Target::Pair(p) => format!("/compare/{}/", self.pairs[p].slug),
            Target::TagIndex => "/tags/".into(),
            Target::Tag(t) => format!("/tags/{}/", self.tags[t].slug),
            Target::NotFound => "/404.html".into(),
        }
    }
}
