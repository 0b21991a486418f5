//! Targets: every page the site renders through a template — the pages made from Markdown
//! and the pages generated from the model — with its kind and its path, and how each grows
//! with the comparison.
//!
//! Nothing a reader opens grows without bound: every list holds at most `[compare] per_page`
//! rows and continues on numbered pages (`…/page/2/`), and where a subject, a pair, the
//! matrix or the feature index would exceed that, its page becomes a summary by feature group
//! that links to one page per group. Small sites keep their one-page views.
//!
//! | target | path |
//! |---|---|
//! | generated home, continued | `/`, `/page/2/` |
//! | Markdown page, its list continued | `/a/b/`, `/a/b/page/2/` |
//! | subject index | `/subjects/` |
//! | a subject's statements in one group (big subjects) | `/subjects/<id>/<group>/` |
//! | feature index | `/features/` |
//! | feature | `/features/<feature>/` |
//! | matrix (or, when big, its summary by group) | `/compare/` |
//! | one group's features and matrix (big sites) | `/compare/groups/<group>/` |
//! | pair | `/compare/<a>-vs-<b>/` |
//! | a pair in one group (big pairs) | `/compare/<a>-vs-<b>/<group>/` |
//! | every pair (when more than a page lists) | `/compare/pairs/` |
//! | tags | `/tags/`, `/tags/<tag>/` |
//! | not found | `/404.html` |
//!
//! Not here: files written without a template (static files, feeds, sitemap: see
//! `crate::outputs`).

use std::collections::HashMap;

use super::{FeatureId, GroupId, Model, PageId, PairId, SubjectId, TagId};
use crate::content::SourceKind;
use crate::diagnostics::Diagnostic;

/// Which page of a list a target is: 0 is the list's own URL, `n` is `…/page/{n+1}/`.
pub type PageNo = usize;

/// A page the site renders, one file each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// The home page when there is no `content/_index.md`: every site has an index page.
    Home(PageNo),
    /// A page made from Markdown; past page 0, the rest of its list (a section's pages, a
    /// big subject's groups).
    Page(PageId, PageNo),
    SubjectIndex(PageNo),
    FeatureIndex(PageNo),
    Feature(FeatureId, PageNo),
    Matrix(PageNo),
    Group(GroupId, PageNo),
    Pair(PairId, PageNo),
    /// Every pair, when there are more than a matrix or a subject page lists.
    PairIndex(PageNo),
    PairGroup(PairId, GroupId, PageNo),
    SubjectGroup(SubjectId, GroupId, PageNo),
    TagIndex(PageNo),
    Tag(TagId, PageNo),
    NotFound,
}

/// The features of group `g` in a subject's or a pair's `by_group` (none if it has none there).
pub fn features_in_group(by_group: &[(GroupId, Vec<FeatureId>)], g: GroupId) -> &[FeatureId] {
    by_group
        .iter()
        .find(|(x, _)| *x == g)
        .map_or(&[], |(_, fs)| fs.as_slice())
}

/// A target's rendering cost, roughly: how many statements its page can show (a subject's
/// or a feature's page lists what every article says of it); 0 for the rest.
pub struct RenderWeights<'m> {
    model: &'m Model,
    subject_pages: std::collections::HashMap<PageId, usize>,
}

impl RenderWeights<'_> {
    pub fn of(&self, t: Target) -> usize {
        match t {
            Target::Page(p, _) => self.subject_pages.get(&p).copied().unwrap_or(0),
            Target::Feature(f, _) => self.model.features[f].statements.len(),
            _ => 0,
        }
    }
}

impl Target {
    /// Which page of its list the target is.
    pub fn page_no(self) -> PageNo {
        match self {
            Target::Home(n)
            | Target::Page(_, n)
            | Target::SubjectIndex(n)
            | Target::FeatureIndex(n)
            | Target::Feature(_, n)
            | Target::Matrix(n)
            | Target::Group(_, n)
            | Target::Pair(_, n)
            | Target::PairIndex(n)
            | Target::PairGroup(_, _, n)
            | Target::SubjectGroup(_, _, n)
            | Target::TagIndex(n)
            | Target::Tag(_, n) => n,
            Target::NotFound => 0,
        }
    }

    /// The same list at page `n`.
    pub fn with_page(self, n: PageNo) -> Target {
        match self {
            Target::Home(_) => Target::Home(n),
            Target::Page(p, _) => Target::Page(p, n),
            Target::SubjectIndex(_) => Target::SubjectIndex(n),
            Target::FeatureIndex(_) => Target::FeatureIndex(n),
            Target::Feature(f, _) => Target::Feature(f, n),
            Target::Matrix(_) => Target::Matrix(n),
            Target::Group(g, _) => Target::Group(g, n),
            Target::Pair(p, _) => Target::Pair(p, n),
            Target::PairIndex(_) => Target::PairIndex(n),
            Target::PairGroup(p, g, _) => Target::PairGroup(p, g, n),
            Target::SubjectGroup(s, g, _) => Target::SubjectGroup(s, g, n),
            Target::TagIndex(_) => Target::TagIndex(n),
            Target::Tag(t, _) => Target::Tag(t, n),
            Target::NotFound => Target::NotFound,
        }
    }
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
    Group,
    Pair,
    PairIndex,
    PairGroup,
    SubjectGroup,
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
            PageKind::Group => "group",
            PageKind::Pair => "pair",
            PageKind::PairIndex => "pairs",
            PageKind::PairGroup => "pair_group",
            PageKind::SubjectGroup => "subject_group",
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
            PageKind::Group => "group.html",
            PageKind::Pair => "pair.html",
            PageKind::PairIndex => "pairs.html",
            PageKind::PairGroup => "pair_group.html",
            PageKind::SubjectGroup => "subject_group.html",
            PageKind::TagIndex => "tags.html",
            PageKind::Tag => "tag.html",
            PageKind::NotFound => "404.html",
        }
    }
}

/// The site path of `/subjects/`, which a section page may provide.
pub const SUBJECT_INDEX_PATH: &str = "/subjects/";

/// Pages a list of `rows` rows takes, at `per` rows a page (at least one).
pub fn page_count(rows: usize, per: usize) -> usize {
    rows.div_ceil(per.max(1)).max(1)
}

/// The rows of page `n`.
pub fn page_slice<T>(rows: &[T], n: PageNo, per: usize) -> &[T] {
    let per = per.max(1);
    let start = (n * per).min(rows.len());
    &rows[start..(start + per).min(rows.len())]
}

impl Model {
    /// Rows on one page.
    pub fn per_page(&self) -> usize {
        self.config.compare.per_page.max(1)
    }

    /// Whether the matrix is too big for one page: then `/compare/` summarises it by group
    /// and each group gets its own matrix page.
    pub fn matrix_is_big(&self) -> bool {
        let stated = self
            .features
            .iter()
            .filter(|f| !f.statements.is_empty())
            .count();
        stated > self.per_page() || self.subjects.len() > self.config.compare.max_columns
    }

    /// Whether `/features/` lists groups (linking to their pages) instead of every feature.
    pub fn feature_index_is_big(&self) -> bool {
        self.features.len() > self.per_page()
    }

    /// Whether a subject's page summarises its statements by group, one page per group.
    pub fn subject_is_big(&self, s: SubjectId) -> bool {
        let rows: usize = self.subjects[s].by_group.iter().map(|(_, f)| f.len()).sum();
        rows > self.per_page()
    }

    /// Whether a pair's page summarises it by group, one page per group.
    pub fn pair_is_big(&self, p: PairId) -> bool {
        self.pairs[p].features.len() > self.per_page()
    }

    /// Whether each feature group gets a page (`/compare/groups/<group>/`): when the matrix
    /// or the feature index is too big for one page.
    pub fn group_pages(&self) -> bool {
        self.matrix_is_big() || self.feature_index_is_big()
    }

    /// How many pairs a matrix or a subject page lists before pointing at the pair index.
    pub fn pairs_shown(&self) -> usize {
        self.config.compare.max_columns
    }

    /// Whether `/compare/pairs/` lists every pair: when some page lists only some of them.
    pub fn has_pair_index(&self) -> bool {
        self.pairs.len() > self.pairs_shown()
    }

    /// Features of group `g` that some statement is about.
    pub fn stated_in_group(&self, g: GroupId) -> Vec<FeatureId> {
        self.groups[g]
            .features
            .iter()
            .copied()
            .filter(|&f| !self.features[f].statements.is_empty())
            .collect()
    }

    /// The groups the matrix summary lists: those with a stated feature.
    pub fn stated_groups(&self) -> Vec<GroupId> {
        (0..self.groups.len())
            .filter(|&g| {
                self.groups[g]
                    .features
                    .iter()
                    .any(|&f| !self.features[f].statements.is_empty())
            })
            .collect()
    }

    /// The subject page a subject has, as the page list continues.
    /// How costly each target is to render, roughly, for scheduling ([`RenderWeights`]).
    pub fn render_weights(&self) -> RenderWeights<'_> {
        RenderWeights {
            model: self,
            subject_pages: self
                .subjects
                .iter()
                .map(|s| (s.page, s.statements.len()))
                .collect(),
        }
    }

    fn subject_of_page(&self, p: PageId) -> Option<SubjectId> {
        if self.pages[p].kind != SourceKind::Subject {
            return None;
        }
        self.subjects.iter().position(|s| s.page == p)
    }

    /// How many rows the list of a target's page holds, for its page count.
    fn list_len(&self, t: Target) -> usize {
        let per = self.per_page();
        match t {
            Target::Home(_) => self.articles().len(),
            Target::Page(p, _) => match self.subject_of_page(p) {
                Some(s) if self.subject_is_big(s) => self.subjects[s].by_group.len(),
                Some(_) => 0,
                None => self.pages[p].children.len(),
            },
            Target::SubjectIndex(_) => self.subjects.len(),
            Target::FeatureIndex(_) if self.feature_index_is_big() => self
                .groups
                .iter()
                .filter(|g| !g.features.is_empty())
                .count(),
            Target::FeatureIndex(_) => 0,
            Target::Feature(_, _) => self.subjects.len(),
            Target::Matrix(_) if self.matrix_is_big() => self.stated_groups().len(),
            Target::Matrix(_) => 0,
            Target::Group(g, _) => self.groups[g].features.len(),
            Target::Pair(p, _) if self.pair_is_big(p) => self.pairs[p].by_group.len(),
            Target::Pair(_, _) => 0,
            Target::PairIndex(_) => self.pairs.len(),
            Target::PairGroup(p, g, _) => features_in_group(&self.pairs[p].by_group, g).len(),
            Target::SubjectGroup(s, g, _) => features_in_group(&self.subjects[s].by_group, g).len(),
            Target::TagIndex(_) => self.tags.len(),
            Target::Tag(t, _) => self.tags[t].pages.len(),
            Target::NotFound => 0,
        }
        .min(usize::MAX / per)
    }

    /// How many pages the list of `t` takes.
    pub fn pages_of(&self, t: Target) -> usize {
        page_count(self.list_len(t), self.per_page())
    }

    /// Articles, newest first: what a generated home page lists.
    pub fn articles(&self) -> Vec<PageId> {
        let mut list: Vec<PageId> = (0..self.pages.len())
            .filter(|&i| self.pages[i].kind == SourceKind::Article)
            .collect();
        list.sort_by(|&a, &b| {
            self.pages[b]
                .source
                .front
                .date
                .cmp(&self.pages[a].source.front.date)
                .then_with(|| self.pages[a].title_key.cmp(&self.pages[b].title_key))
                .then_with(|| self.pages[a].title.cmp(&self.pages[b].title))
                .then_with(|| self.pages[a].source.rel.cmp(&self.pages[b].source.rel))
        });
        list
    }

    /// What kind of page `t` is.
    pub fn kind(&self, t: Target) -> PageKind {
        match t {
            Target::Home(_) => PageKind::Home,
            Target::Page(p, _) => {
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
            Target::SubjectIndex(_) => PageKind::SubjectIndex,
            Target::FeatureIndex(_) => PageKind::FeatureIndex,
            Target::Feature(..) => PageKind::Feature,
            Target::Matrix(_) => PageKind::Matrix,
            Target::Group(..) => PageKind::Group,
            Target::Pair(..) => PageKind::Pair,
            Target::PairIndex(_) => PageKind::PairIndex,
            Target::PairGroup(..) => PageKind::PairGroup,
            Target::SubjectGroup(..) => PageKind::SubjectGroup,
            Target::TagIndex(_) => PageKind::TagIndex,
            Target::Tag(..) => PageKind::Tag,
            Target::NotFound => PageKind::NotFound,
        }
    }

    /// Every page the site renders, in a stable order.
    pub fn targets(&self) -> Vec<Target> {
        let mut t = Vec::with_capacity(self.pages.len() + self.features.len() + 16);
        let push = |t: &mut Vec<Target>, first: Target| {
            for n in 0..self.pages_of(first) {
                t.push(first.with_page(n));
            }
        };
        if !self.pages.iter().any(|p| p.path == "/") {
            push(&mut t, Target::Home(0));
        }
        for p in 0..self.pages.len() {
            push(&mut t, Target::Page(p, 0));
            if let Some(s) = self.subject_of_page(p)
                && self.subject_is_big(s)
            {
                for &(g, _) in &self.subjects[s].by_group {
                    push(&mut t, Target::SubjectGroup(s, g, 0));
                }
            }
        }
        if !self.pages.iter().any(|p| p.path == SUBJECT_INDEX_PATH) {
            push(&mut t, Target::SubjectIndex(0));
        }
        push(&mut t, Target::FeatureIndex(0));
        for f in 0..self.features.len() {
            push(&mut t, Target::Feature(f, 0));
        }
        push(&mut t, Target::Matrix(0));
        if self.group_pages() {
            for g in 0..self.groups.len() {
                if !self.groups[g].features.is_empty() {
                    push(&mut t, Target::Group(g, 0));
                }
            }
        }
        for p in 0..self.pairs.len() {
            push(&mut t, Target::Pair(p, 0));
            if self.pair_is_big(p) {
                for &(g, _) in &self.pairs[p].by_group {
                    push(&mut t, Target::PairGroup(p, g, 0));
                }
            }
        }
        if self.has_pair_index() {
            push(&mut t, Target::PairIndex(0));
        }
        push(&mut t, Target::TagIndex(0));
        for tag in 0..self.tags.len() {
            push(&mut t, Target::Tag(tag, 0));
        }
        t.push(Target::NotFound);
        t
    }

    /// Site path of a target, without the base path.
    pub fn target_path(&self, t: Target) -> String {
        let base = match t {
            Target::Home(_) => "/".into(),
            Target::Page(p, _) => self.pages[p].path.clone(),
            Target::SubjectIndex(_) => SUBJECT_INDEX_PATH.into(),
            Target::FeatureIndex(_) => "/features/".into(),
            Target::Feature(f, _) => format!("/features/{}/", self.features[f].slug),
            Target::Matrix(_) => "/compare/".into(),
            Target::Group(g, _) => format!("/compare/groups/{}/", self.groups[g].slug),
            Target::Pair(p, _) => format!("/compare/{}/", self.pairs[p].slug),
            Target::PairIndex(_) => "/compare/pairs/".into(),
            Target::PairGroup(p, g, _) => {
                format!("/compare/{}/{}/", self.pairs[p].slug, self.groups[g].slug)
            }
            Target::SubjectGroup(s, g, _) => format!(
                "{}{}/",
                self.pages[self.subjects[s].page].path, self.groups[g].slug
            ),
            Target::TagIndex(_) => "/tags/".into(),
            Target::Tag(tag, _) => format!("/tags/{}/", self.tags[tag].slug),
            Target::NotFound => return "/404.html".into(),
        };
        match t.page_no() {
            0 => base,
            n => format!("{base}page/{}/", n + 1),
        }
    }
}

impl Model {
    /// Problems with the paths of all targets: a page made from Markdown at the path of a
    /// generated page (an error: one would overwrite the other), and two paths that differ
    /// only in letter case (a warning: they collide on case-insensitive file systems and
    /// hosts).
    pub(super) fn check_paths(&self, diags: &mut Vec<Diagnostic>) {
        let mut exact: HashMap<String, Target> = HashMap::new();
        let mut folded: HashMap<String, Target> = HashMap::new();
        for t in self.targets() {
            let path = self.target_path(t);
            if let Some(&other) = exact.get(&path) {
                let (page, generated) = match (t, other) {
                    (Target::Page(p, _), g) | (g, Target::Page(p, _)) => (p, g),
                    _ => continue,
                };
                if matches!(generated, Target::Page(..)) || super::pages::is_reserved(&path) {
                    continue; // reported when pages were added
                }
                diags.push(
                    Diagnostic::error(format!("the URL {path} is also a page versus generates"))
                        .in_file(&self.pages[page].source.file)
                        .with_help("rename the file or set a `slug`"),
                );
                continue;
            }
            exact.insert(path.clone(), t);
            let key = path.to_lowercase();
            match folded.get(&key) {
                Some(&other) => {
                    let other_path = self.target_path(other);
                    let mut d = Diagnostic::warning(format!(
                        "the URLs {other_path} and {path} differ only in letter case: on a \
                         case-insensitive file system or host one replaces the other"
                    ));
                    if let Target::Page(p, _) = t {
                        d = d.in_file(&self.pages[p].source.file);
                    } else if let Target::Page(p, _) = other {
                        d = d.in_file(&self.pages[p].source.file);
                    }
                    diags.push(d.with_help("rename one of them, or give one a `slug`"));
                }
                None => {
                    folded.insert(key, t);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_split_rows_and_hold_at_least_one() {
        assert_eq!(page_count(0, 10), 1);
        assert_eq!(page_count(10, 10), 1);
        assert_eq!(page_count(11, 10), 2);
        let rows: Vec<u32> = (0..25).collect();
        assert_eq!(page_slice(&rows, 2, 10), &[20, 21, 22, 23, 24]);
        assert!(page_slice(&rows, 3, 10).is_empty());
    }
}
