//! Targets: every file the site renders through a template, one per page kind — the pages
//! made from Markdown and the pages generated from the model (subject and feature indexes,
//! feature pages, the matrix, pair pages, tags, 404) — and the site path of each.
//!
//! Not here: files written without a template (static files, feeds, sitemap: see
//! `crate::outputs`).

use super::{FeatureId, Model, PageId, PairId, TagId};
use crate::content::SourceKind;

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

/// What kind of page a target is: decides its template and the `kind` templates see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageKind {
    Home,
    Section,
    Article,
    Subject,
    /// `/subjects/`, generated or from `content/subjects/_index.md`.
    SubjectIndex,
    FeatureIndex,
    Feature,
    Matrix,
    Pair,
    TagIndex,
    Tag,
    NotFound,
}

impl PageKind {
    /// The name templates see as `kind`.
    pub fn name(self) -> &'static str {
        match self {
            PageKind::Home => "home",
            PageKind::Section => "section",
            PageKind::Article => "article",
            PageKind::Subject => "subject",
            PageKind::SubjectIndex => "subjects",
            PageKind::FeatureIndex => "features",
            PageKind::Feature => "feature",
            PageKind::Matrix => "matrix",
            PageKind::Pair => "pair",
            PageKind::TagIndex => "tags",
            PageKind::Tag => "tag",
            PageKind::NotFound => "404",
        }
    }

    /// The template that renders it.
    pub fn template(self) -> &'static str {
        match self {
            PageKind::Home => "index.html",
            PageKind::Section => "section.html",
            PageKind::Article => "article.html",
            PageKind::Subject => "subject.html",
            PageKind::SubjectIndex => "subjects.html",
            PageKind::FeatureIndex => "features.html",
            PageKind::Feature => "feature.html",
            PageKind::Matrix => "matrix.html",
            PageKind::Pair => "pair.html",
            PageKind::TagIndex => "tags.html",
            PageKind::Tag => "tag.html",
            PageKind::NotFound => "404.html",
        }
    }

    /// Every kind, for listing templates.
    pub const ALL: [PageKind; 12] = [
        PageKind::Home,
        PageKind::Section,
        PageKind::Article,
        PageKind::Subject,
        PageKind::SubjectIndex,
        PageKind::FeatureIndex,
        PageKind::Feature,
        PageKind::Matrix,
        PageKind::Pair,
        PageKind::TagIndex,
        PageKind::Tag,
        PageKind::NotFound,
    ];
}

/// The site path of `/subjects/`, which a section page may provide.
pub const SUBJECT_INDEX_PATH: &str = "/subjects/";

impl Model {
    /// What kind of page `t` is.
    pub fn kind(&self, t: Target) -> PageKind {
        match t {
            Target::Home => PageKind::Home,
            Target::Page(p) => {
                let page = &self.pages[p];
                match page.kind {
                    SourceKind::Home => PageKind::Home,
                    SourceKind::Section if page.path == SUBJECT_INDEX_PATH => {
                        PageKind::SubjectIndex
                    }
                    SourceKind::Section => PageKind::Section,
                    SourceKind::Subject => PageKind::Subject,
                    SourceKind::Article => PageKind::Article,
                }
            }
            Target::SubjectIndex => PageKind::SubjectIndex,
            Target::FeatureIndex => PageKind::FeatureIndex,
            Target::Feature(_) => PageKind::Feature,
            Target::Matrix => PageKind::Matrix,
            Target::Pair(_) => PageKind::Pair,
            Target::TagIndex => PageKind::TagIndex,
            Target::Tag(_) => PageKind::Tag,
            Target::NotFound => PageKind::NotFound,
        }
    }

    /// Every file the site writes, in a stable order.
    pub fn targets(&self) -> Vec<Target> {
        let mut t = Vec::with_capacity(self.pages.len() + 8);
        if !self.pages.iter().any(|p| p.path == "/") {
            t.push(Target::Home);
        }
        t.extend((0..self.pages.len()).map(Target::Page));
        if !self.pages.iter().any(|p| p.path == SUBJECT_INDEX_PATH) {
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
            Target::SubjectIndex => SUBJECT_INDEX_PATH.into(),
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
