//! The site model: what the content says, as data. Sources go in; pages, subjects, features,
//! statements, tags, pairs, links and backlinks come out, immutable once built.
//!
//! Every cell of every feature table and data file becomes a [`Statement`] — "subject S has
//! feature F at level L, said by page P (or data file D) at line N" — and the site's structure (subject pages, feature pages,
//! the matrix, pair pages) is derived from the statements. All checks on meaning live here:
//! unknown subjects, cells for subjects an article does not compare, unknown levels, unknown
//! features, conflicting statements, links to missing pages or anchors.
//!
//! This module knows nothing of HTML or templates; [`crate::render`] turns the model into
//! pages. Bodies are scanned with [`crate::markdown::outline_of`] (headings and links only) so
//! that links can be checked before anything is rendered.

//!
//! | file | owns |
//! |---|---|
//! | `mod.rs` | the types, [`Model::build`] (the order of the steps), lookups |
//! | `catalog` | `features.toml`; row name → feature |
//! | `levels` | the site's support levels: built-in, or declared in `features.toml` |
//! | `cells` | the cell grammar: one cell → level, value, note, versions, verification |
//! | `statements` | cells → [`Statement`]s, conflicts |
//! | `freshness` | each statement's "as of" date; stale and outdated statements |
//! | `data` | data files → statements and subject pages, with the same checks |
//! | `pages` | URLs, titles, list order, tags, sections |
//! | `links` | link resolution, broken links, backlinks |
//! | `relations` | pairs of subjects, related pages |
//! | `verdicts` | what stands for a subject on a feature; how two subjects compare |
//! | `targets` | every page the site renders, its path, and how lists split into pages |
//! | `tracked` | which items a computation read, which items differ between two models |

mod catalog;
mod cells;
mod data;
mod freshness;
mod levels;
mod links;
mod pages;
mod relations;
mod statements;
mod targets;
pub mod tracked;
mod verdicts;

pub use catalog::OTHER_GROUP;
pub use freshness::{AsOf, DateSource, today};
pub use levels::{COLOURS, Level, LevelDef, LevelSet};
pub use links::{OldBody, Resolved};
pub use pages::page_path;
pub use targets::{
    PageKind, PageNo, SUBJECT_INDEX_PATH, Target, features_in_group, page_count, page_slice,
};
pub use tracked::Tracked;
pub use verdicts::{Agreement, PairSummary};

use std::collections::HashMap;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{Asset, Content, DataFile, Date, LineDates, Source, SourceKind};
use crate::diagnostics::Diagnostic;
use crate::edit_links::EditLinks;
use crate::i18n::Strings;
use crate::markdown::{self, Outline};
use crate::urls::{encode_uri_path, origin_of, prefix_url};

pub type PageId = usize;
pub type SubjectId = usize;
pub type FeatureId = usize;
pub type StatementId = usize;
pub type TagId = usize;
pub type PairId = usize;
pub type GroupId = usize;
pub type DataId = usize;

/// One claim: subject S has feature F (at a level, or with a text value), said on a page or
/// in a data file.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub subject: SubjectId,
    pub feature: FeatureId,
    pub level: Option<Level>,
    /// A plain text value ("Jinja2", "3") when the cell has no level.
    pub value: Option<String>,
    pub note: Option<String>,
    pub link: Option<String>,
    pub since: Option<String>,
    /// The version the feature was removed in.
    pub until: Option<String>,
    /// `verified = <date>` in the cell: when it was last checked. Boxed: few cells have one,
    /// and a statement is copied about twice per build (a 10,000-page site has 200,000).
    pub verified: Option<Box<Date>>,
    /// `verified = "<version>"` in the cell: the subject's version it was checked against.
    pub verified_version: Option<String>,
    /// When the statement was last known to hold (see `freshness`); set once all statements
    /// are read.
    pub as_of: Option<AsOf>,
    pub said: Said,
    pub line: usize,
    /// Column of the cell (its subject key), so messages point at the cell, not the row.
    pub column: usize,
}

/// Where a statement was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Said {
    /// A page's feature table: an article's, or a subject's own.
    Page(PageId),
    /// A data file under `content/data/`.
    Data(DataId),
}

/// A data file under `content/data/`, as a source of statements. Published as it is, at
/// [`DataFile::path`], so that "said in browsers.csv, row 12" can link to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Data {
    /// The file as read; its rows, once read into statements, are dropped (the text stays,
    /// for messages and for publishing the file).
    pub source: DataFile,
    pub statements: Vec<StatementId>,
    /// The subjects it states something about, in id order.
    pub subjects: Vec<SubjectId>,
}

/// A page made from a Markdown file.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub source: Source,
    pub kind: SourceKind,
    /// Site path without the base path, always starting and ending with `/`: `/articles/a/`.
    pub path: String,
    pub title: String,
    /// What lists sort the title by ([`crate::slug::sort_key`]).
    pub title_key: String,
    /// Shared with the preview server's copy of the source (see `Source::outline`).
    pub outline: Arc<Outline>,
    /// Subjects compared by an article, in column order.
    pub subjects: Vec<SubjectId>,
    /// The page's feature table, rows in written order.
    pub rows: Vec<Row>,
    pub tags: Vec<TagId>,
    /// The section page that lists this page.
    pub section: Option<PageId>,
    /// For the home and section pages: the pages listed, in order.
    pub children: Vec<PageId>,
    /// Pages that link to this one.
    pub backlinks: Vec<PageId>,
    /// Pages sharing subjects with this one, most shared first.
    pub related: Vec<PageId>,
    pub prev: Option<PageId>,
    pub next: Option<PageId>,
    /// Pages this one links to (resolved `@/` and `.md` links).
    pub links_to: Vec<PageId>,
}

/// One row of a page's feature table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub feature: FeatureId,
    /// The row's name as the author wrote it.
    pub name: String,
    /// One entry per column (`Page::subjects`; a subject page has one column).
    pub cells: Vec<Option<StatementId>>,
}

/// A thing compared: made from `content/subjects/<id>.md`, or declared in a data file.
#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    pub id: String,
    pub page: PageId,
    pub statements: Vec<StatementId>,
    /// Articles that compare this subject.
    pub articles: Vec<PageId>,
    pub pairs: Vec<PairId>,
    /// The features it has statements about, by group.
    pub by_group: Vec<(GroupId, Vec<FeatureId>)>,
}

/// A feature, from the catalogue or first named in a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub name: String,
    pub slug: String,
    pub group: GroupId,
    pub description: Option<String>,
    pub aliases: Vec<String>,
    pub statements: Vec<StatementId>,
    /// Where it was first named (its catalogue entry, or the first row naming it).
    pub named_at: Named,
}

/// A place in a source file: for messages that point at a second place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub file: std::path::PathBuf,
    pub line: usize,
    pub column: usize,
}

/// A group of features: from `features.toml`, else the page that first states them.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub name: String,
    /// Unique among groups, even for names that differ only in letter case.
    pub slug: String,
    /// In catalogue order, then in the order tables first name them.
    pub features: Vec<FeatureId>,
}

/// A tag and the pages carrying it, in list order.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    pub name: String,
    pub slug: String,
    pub pages: Vec<PageId>,
}

/// Two subjects with a page of their own (see `relations`); `a` < `b` by id.
#[derive(Debug, Clone, PartialEq)]
pub struct Pair {
    pub a: SubjectId,
    pub b: SubjectId,
    pub slug: String,
    /// Features either subject has a statement about.
    pub features: Vec<FeatureId>,
    /// Articles comparing both.
    pub articles: Vec<PageId>,
    /// `features` by group.
    pub by_group: Vec<(GroupId, Vec<FeatureId>)>,
}

/// The whole site, as data.
#[derive(Debug)]
pub struct Model {
    pub config: Config,
    /// Path prefix of every root-relative URL: `""` or `"/docs"`.
    pub base_path: String,
    pub pages: Tracked<Page>,
    pub subjects: Tracked<Subject>,
    pub features: Tracked<Feature>,
    /// Feature groups in catalogue order, then in the order tables first use them.
    pub groups: Tracked<Group>,
    /// The support levels cells may use.
    pub levels: LevelSet,
    /// Links into the site's repository (`repo_url`), if it has one.
    pub edit_links: Option<EditLinks>,
    pub statements: Tracked<Statement>,
    /// For each feature, the statement that stands for each subject stated on it, sorted by
    /// subject (see `verdicts`): pages ask for verdicts millions of times on a wide site.
    verdicts: Vec<Vec<(SubjectId, StatementId)>>,
    pub tags: Tracked<Tag>,
    pub pairs: Tracked<Pair>,
    /// Data files, in walk order.
    pub data: Vec<Data>,
    pub assets: Vec<Asset>,
    pub home: Option<PageId>,
    /// Subjects by number of statements, most first: the columns a matrix shows when it
    /// cannot show them all.
    pub top_subjects: Vec<SubjectId>,
    /// The interface strings of the site's language: generated titles, level labels, dates.
    pub strings: Arc<Strings>,
    /// The base path of the whole site: `base_path` without a language's `/de`, where the
    /// theme's assets are.
    pub root_base_path: String,
    /// Every language of a multilingual site, with the pages it has (empty otherwise).
    pub alternates: Arc<Vec<Alternate>>,
    page_by_rel: HashMap<String, PageId>,
    subject_by_id: HashMap<String, SubjectId>,
    feature_by_key: HashMap<String, FeatureId>,
    has_catalog: bool,
}

/// Options that change what the model holds.
#[derive(Debug, Clone, Default)]
pub struct ModelOptions {
    pub drafts: bool,
    /// When each line of each file was last committed (`[trust] git_dates`).
    pub line_dates: Option<Arc<LineDates>>,
    /// The interface strings of the site's language (built-in English by default).
    pub strings: Arc<Strings>,
    /// For one of a multilingual site's other languages: the base path of the whole site.
    pub root_base_path: Option<String>,
}

/// One language of a multilingual site, as the pages of every language link to it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Alternate {
    /// `de`
    pub code: String,
    /// The language's own name for itself: `Deutsch`.
    pub name: String,
    /// `https://example.org/de/`
    pub base_url: String,
    /// `/de`
    pub base_path: String,
    /// The site paths of the pages the language has (without the base path).
    pub paths: std::collections::HashSet<String>,
}
impl Model {
    /// Builds the model. Always returns one (as complete as the input allows) with every
    /// diagnostic found.
    pub fn build(config: Config, content: Content, opts: ModelOptions) -> (Model, Vec<Diagnostic>) {
        Self::build_after(config, content, opts, None)
    }

    /// [`Model::build`] for the preview server: what is the same as in `previous` (the last
    /// model of the same site, with the same config) is taken from it instead of computed
    /// again. The result is the model `build` makes.
    pub fn rebuild(
        config: Config,
        content: Content,
        opts: ModelOptions,
        previous: &Model,
    ) -> (Model, Vec<Diagnostic>) {
        Self::build_after(config, content, opts, Some(previous))
    }

    fn build_after(
        config: Config,
        content: Content,
        opts: ModelOptions,
        previous: Option<&Model>,
    ) -> (Model, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let base_path = config.base_path();
        let root_base_path = opts.root_base_path.clone().unwrap_or(base_path.clone());
        let edit_links = EditLinks::new(&config);
        let mut m = Model {
            config,
            base_path,
            pages: Tracked::default(),
            subjects: Tracked::default(),
            features: Tracked::default(),
            groups: Tracked::default(),
            levels: LevelSet::default(),
            edit_links,
            statements: Tracked::default(),
            verdicts: Vec::new(),
            tags: Tracked::default(),
            pairs: Tracked::default(),
            data: Vec::new(),
            assets: content.assets,
            home: None,
            top_subjects: Vec::new(),
            strings: Arc::clone(&opts.strings),
            root_base_path,
            alternates: Arc::default(),
            page_by_rel: HashMap::new(),
            subject_by_id: HashMap::new(),
            feature_by_key: HashMap::new(),
            has_catalog: false,
        };
        if let Some(text) = &content.features_toml {
            m.load_catalog(text, &mut diags);
        }
        m.levels.localise(&m.strings);
        // Pages, with their outlines scanned in parallel.
        let mut sources: Vec<Source> = content
            .sources
            .into_iter()
            .filter(|s| opts.drafts || !s.front.draft)
            .collect();
        let declared = data::subject_sources(&content.data, &sources, &mut diags);
        sources.extend(declared);
        // An outline scanned earlier (the preview server keeps them) is used as it is.
        let outlines: Vec<Arc<Outline>> = sources
            .par_iter_mut()
            .map(|s| {
                s.outline
                    .take()
                    .unwrap_or_else(|| Arc::new(markdown::outline_of(s)))
            })
            .collect();
        m.add_pages(sources, outlines, &mut diags);
        m.subjects.sort_by(|a, b| a.id.cmp(&b.id));
        m.subject_by_id = m
            .subjects
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        m.collect_subjects_and_statements(&mut diags);
        m.collect_data_statements(content.data, &mut diags);
        m.index_verdicts();
        m.date_statements(opts.line_dates.as_deref());
        m.find_conflicts(&mut diags);
        m.collect_tags();
        m.build_sections();
        m.resolve_links(&mut diags);
        m.build_pairs();
        m.build_related(previous);
        m.check_paths(&mut diags);
        (m, diags)
    }

    /// A root-relative URL with the base path: `/compare/` → `/docs/compare/`.
    pub fn url(&self, path: &str) -> String {
        prefix_url(&self.base_path, path)
    }

    /// An absolute URL from `base_url`: `/compare/` → `https://x.org/docs/compare/`. An IRI:
    /// letters of any script stay as written (feeds use it: an entry's id must never change).
    pub fn permalink(&self, path: &str) -> String {
        let origin = origin_of(&self.config.base_url);
        format!("{origin}{}", self.url(path))
    }

    /// [`Model::permalink`] as a URI, its path percent-encoded as UTF-8 (`/ünï/` →
    /// `/%C3%BCn%C3%AF/`): for the sitemap protocol, canonical and `og:url` links. The origin
    /// is `base_url`'s as written (an international domain belongs there in its `xn--` form).
    pub fn permalink_uri(&self, path: &str) -> String {
        let origin = origin_of(&self.config.base_url);
        format!("{origin}{}", encode_uri_path(&self.url(path)))
    }

    pub fn subject(&self, id: &str) -> Option<&Subject> {
        self.subject_by_id.get(id).map(|&i| &self.subjects[i])
    }

    pub fn page_by_rel(&self, rel: &str) -> Option<PageId> {
        self.page_by_rel.get(rel).copied()
    }

    pub fn subject_title(&self, s: SubjectId) -> &str {
        &self.pages[self.subjects[s].page].title
    }

    /// "Django vs Flask": a pair's title, by the table's `pair_title`.
    pub fn pair_title(&self, p: PairId) -> String {
        let pair = &self.pairs[p];
        self.strings.t(
            "pair_title",
            &[
                ("a", self.subject_title(pair.a)),
                ("b", self.subject_title(pair.b)),
            ],
        )
    }
}

/// Related pages shown per article.
pub const RELATED_MAX: usize = 6;

#[cfg(test)]
mod tests;
