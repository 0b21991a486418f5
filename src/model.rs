//! The site model: what the content says, as data. Sources go in; pages, subjects, features,
//! statements, tags, pairs, links and backlinks come out, immutable once built.
//!
//! Every cell of every feature table becomes a [`Statement`] — "subject S has feature F at
//! level L, said by page P at line N" — and the site's structure (subject pages, feature pages,
//! the matrix, pair pages) is derived from the statements. All checks on meaning live here:
//! unknown subjects, cells for subjects an article does not compare, unknown levels, unknown
//! features, conflicting statements, links to missing pages or anchors.
//!
//! This module knows nothing of HTML or templates; [`crate::render`] turns the model into
//! pages. Bodies are scanned with [`crate::markdown::outline`] (headings and links only) so
//! that links can be checked before anything is rendered.

use std::collections::{BTreeMap, HashMap, HashSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::Config;
use crate::content::{Asset, Content, RawCell, Source, SourceKind, describe};
use crate::diagnostics::{Diagnostic, closest};
use crate::markdown::{self, Outline};
use crate::slug::slugify;

pub type PageId = usize;
pub type SubjectId = usize;
pub type FeatureId = usize;
pub type StatementId = usize;
pub type TagId = usize;
pub type PairId = usize;

/// A support level, the word before the colon in a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Yes,
    Partial,
    Plugin,
    No,
    Unknown,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Yes,
        Level::Partial,
        Level::Plugin,
        Level::No,
        Level::Unknown,
    ];

    pub fn parse(word: &str) -> Option<Level> {
        Some(match word {
            "yes" => Level::Yes,
            "partial" => Level::Partial,
            "plugin" => Level::Plugin,
            "no" => Level::No,
            "unknown" => Level::Unknown,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Yes => "yes",
            Level::Partial => "partial",
            Level::Plugin => "plugin",
            Level::No => "no",
            Level::Unknown => "unknown",
        }
    }
}

/// One claim: subject S has feature F (at a level, or with a text value), said on a page.
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
    pub page: PageId,
    pub line: usize,
    /// Column of the cell (its subject key), so messages point at the cell, not the row.
    pub column: usize,
}

/// A page made from a Markdown file.
#[derive(Debug, Clone)]
pub struct Page {
    pub source: Source,
    pub kind: SourceKind,
    /// Site path without the base path, always starting and ending with `/`: `/articles/a/`.
    pub path: String,
    pub title: String,
    pub outline: Outline,
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

#[derive(Debug, Clone)]
pub struct Subject {
    pub id: String,
    pub page: PageId,
    pub statements: Vec<StatementId>,
    /// Articles that compare this subject.
    pub articles: Vec<PageId>,
    pub pairs: Vec<PairId>,
}

#[derive(Debug, Clone)]
pub struct Feature {
    pub name: String,
    pub slug: String,
    pub group: String,
    pub description: Option<String>,
    pub aliases: Vec<String>,
    pub statements: Vec<StatementId>,
}

#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub slug: String,
    pub pages: Vec<PageId>,
}

/// Two subjects that share at least one feature; `a` < `b` by id.
#[derive(Debug, Clone)]
pub struct Pair {
    pub a: SubjectId,
    pub b: SubjectId,
    pub slug: String,
    /// Features either subject has a statement about.
    pub features: Vec<FeatureId>,
    /// Articles comparing both.
    pub articles: Vec<PageId>,
}

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

/// `features.toml`, as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Catalog {
    #[serde(default)]
    feature: Vec<CatalogEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogEntry {
    name: String,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
}

/// The group of features that `features.toml` does not place.
pub const OTHER_GROUP: &str = "Other";

/// The whole site, as data.
#[derive(Debug)]
pub struct Model {
    pub config: Config,
    /// Path prefix of every root-relative URL: `""` or `"/docs"`.
    pub base_path: String,
    pub pages: Vec<Page>,
    pub subjects: Vec<Subject>,
    pub features: Vec<Feature>,
    /// Feature groups in catalogue order.
    pub groups: Vec<String>,
    pub statements: Vec<Statement>,
    pub tags: Vec<Tag>,
    pub pairs: Vec<Pair>,
    pub assets: Vec<Asset>,
    pub home: Option<PageId>,
    page_by_rel: HashMap<String, PageId>,
    subject_by_id: HashMap<String, SubjectId>,
    feature_by_key: HashMap<String, FeatureId>,
    has_catalog: bool,
}

/// Options that change what the model holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct ModelOptions {
    pub drafts: bool,
}

impl Model {
    /// Builds the model. Always returns one (as complete as the input allows) with every
    /// diagnostic found.
    pub fn build(config: Config, content: Content, opts: ModelOptions) -> (Model, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let base_path = config.base_path();
        let mut m = Model {
            config,
            base_path,
            pages: Vec::new(),
            subjects: Vec::new(),
            features: Vec::new(),
            groups: Vec::new(),
            statements: Vec::new(),
            tags: Vec::new(),
            pairs: Vec::new(),
            assets: content.assets,
            home: None,
            page_by_rel: HashMap::new(),
            subject_by_id: HashMap::new(),
            feature_by_key: HashMap::new(),
            has_catalog: false,
        };
        if let Some(text) = &content.features_toml {
            m.load_catalog(text, &mut diags);
        }
        // Pages, with their outlines scanned in parallel.
        let mut sources: Vec<Source> = content
            .sources
            .into_iter()
            .filter(|s| opts.drafts || !s.front.draft)
            .collect();
        // An outline scanned earlier (the preview server keeps them) is used as it is.
        let outlines: Vec<Outline> = sources
            .par_iter_mut()
            .map(|s| s.outline.take().unwrap_or_else(|| markdown::outline_of(s)))
            .collect();
        let mut seen_paths: HashMap<String, PageId> = HashMap::new();
        for (source, outline) in sources.into_iter().zip(outlines) {
            let id = m.pages.len();
            let path = page_path(&source);
            let title = match &source.front.title {
                Some(t) => t.clone(),
                None => {
                    let fallback = outline
                        .headings
                        .first()
                        .filter(|h| h.level == 1)
                        .map(|h| h.title.clone())
                        .unwrap_or_else(|| title_from_stem(source.stem()));
                    if matches!(source.kind, SourceKind::Article | SourceKind::Subject)
                        && !source.front.invalid
                    {
                        diags.push(
                            Diagnostic::warning(format!(
                                "no `title` in front matter; using \"{fallback}\""
                            ))
                            .in_file(&source.file)
                            .at(1, 1, Some(&source.text))
                            .with_help("add `title = \"...\"` to the front matter"),
                        );
                    }
                    fallback
                }
            };
            if let Some(&other) = seen_paths.get(&path) {
                diags.push(
                    Diagnostic::error(format!(
                        "two pages have the URL {path}: this one and {}",
                        m.pages[other].source.file.display()
                    ))
                    .in_file(&source.file)
                    .with_help("set a different `slug` in one of them"),
                );
            } else if is_reserved(&path) {
                diags.push(
                    Diagnostic::error(format!("the URL {path} is reserved for a generated page"))
                        .in_file(&source.file)
                        .with_help("rename the file or set a `slug`"),
                );
            }
            seen_paths.insert(path.clone(), id);
            if source.kind == SourceKind::Home {
                m.home = Some(id);
            }
            m.page_by_rel.insert(source.rel.clone(), id);
            if source.kind == SourceKind::Subject {
                let sid = m.subjects.len();
                m.subject_by_id.insert(source.stem().to_string(), sid);
                m.subjects.push(Subject {
                    id: source.stem().to_string(),
                    page: id,
                    statements: Vec::new(),
                    articles: Vec::new(),
                    pairs: Vec::new(),
                });
            }
            m.pages.push(Page {
                kind: source.kind,
                source,
                path,
                title,
                outline,
                subjects: Vec::new(),
                rows: Vec::new(),
                tags: Vec::new(),
                section: None,
                children: Vec::new(),
                backlinks: Vec::new(),
                related: Vec::new(),
                prev: None,
                next: None,
                links_to: Vec::new(),
            });
        }
        m.subjects.sort_by(|a, b| a.id.cmp(&b.id));
        m.subject_by_id = m
            .subjects
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.clone(), i))
            .collect();
        m.collect_subjects_and_statements(&mut diags);
        m.find_conflicts(&mut diags);
        m.collect_tags();
        m.build_sections();
        m.resolve_links(&mut diags);
        m.build_pairs();
        m.build_related();
        (m, diags)
    }

    fn load_catalog(&mut self, text: &str, diags: &mut Vec<Diagnostic>) {
        let file = format!(
            "{}/{}",
            crate::content::CONTENT_DIR,
            crate::content::FEATURES_FILE
        );
        let catalog: Catalog = match toml::from_str(text) {
            Ok(c) => c,
            Err(e) => {
                let (line, col) = e
                    .span()
                    .map_or((0, 0), |s| crate::diagnostics::line_col(text, s.start));
                diags.push(
                    Diagnostic::error(format!("invalid features.toml: {}", e.message().trim_end()))
                        .in_file(&file)
                        .at(line, col, Some(text)),
                );
                return;
            }
        };
        self.has_catalog = true;
        for entry in catalog.feature {
            let slug = slugify(&entry.name);
            let group = entry
                .group
                .clone()
                .unwrap_or_else(|| OTHER_GROUP.to_string());
            if !self.groups.contains(&group) {
                self.groups.push(group.clone());
            }
            let id = self.features.len();
            for key in std::iter::once(&entry.name).chain(entry.aliases.iter()) {
                let k = slugify(key);
                if let Some(&other) = self.feature_by_key.get(&k) {
                    if other != id {
                        let line = find_line(text, &format!("\"{key}\""));
                        diags.push(
                            Diagnostic::error(format!(
                                "`{key}` names two features: `{}` and `{}`",
                                self.features[other].name, entry.name
                            ))
                            .in_file(&file)
                            .at(line, 1, Some(text)),
                        );
                    }
                    continue;
                }
                self.feature_by_key.insert(k, id);
            }
            self.features.push(Feature {
                name: entry.name,
                slug,
                group,
                description: entry.description,
                aliases: entry.aliases,
                statements: Vec::new(),
            });
        }
    }

    /// The feature a row name refers to, creating an ad-hoc feature for an unknown name.
    fn feature_for(
        &mut self,
        name: &str,
        source: &Source,
        (line, column): (usize, usize),
        diags: &mut Vec<Diagnostic>,
    ) -> FeatureId {
        let key = slugify(name);
        if let Some(&id) = self.feature_by_key.get(&key) {
            return id;
        }
        if self.has_catalog {
            let mut d = Diagnostic::warning(format!("feature `{name}` is not in features.toml"))
                .in_file(&source.file)
                .at(line, column, Some(&source.text));
            let names: Vec<&str> = self.features.iter().map(|f| f.name.as_str()).collect();
            if let Some(c) = closest(name, names) {
                d = d.with_help(format!("did you mean `{c}`?"));
            } else {
                d = d.with_help("add it to content/features.toml");
            }
            diags.push(d);
        }
        if !self.groups.iter().any(|g| g == OTHER_GROUP) {
            self.groups.push(OTHER_GROUP.to_string());
        }
        let id = self.features.len();
        self.features.push(Feature {
            name: name.to_string(),
            slug: key.clone(),
            group: OTHER_GROUP.to_string(),
            description: None,
            aliases: Vec::new(),
            statements: Vec::new(),
        });
        self.feature_by_key.insert(key, id);
        id
    }

    fn collect_subjects_and_statements(&mut self, diags: &mut Vec<Diagnostic>) {
        let known: Vec<String> = self.subjects.iter().map(|s| s.id.clone()).collect();
        // The pages are set aside while their tables are read, so that each source can be
        // borrowed while features and statements are added (instead of cloning every file).
        let mut pages = std::mem::take(&mut self.pages);
        for (pid, page) in pages.iter_mut().enumerate() {
            let source = &page.source;
            let front = &source.front;
            // Column subjects of an article.
            let mut columns = Vec::new();
            if source.kind == SourceKind::Subject {
                if let Some(&sid) = self.subject_by_id.get(source.stem()) {
                    columns.push(sid);
                }
            } else {
                for s in &front.subjects {
                    match self.subject_by_id.get(&s.value) {
                        Some(&sid) => {
                            if columns.contains(&sid) {
                                diags.push(
                                    Diagnostic::warning(format!(
                                        "subject `{}` is listed twice",
                                        s.value
                                    ))
                                    .in_file(&source.file)
                                    .at(
                                        s.line,
                                        s.column,
                                        Some(&source.text),
                                    ),
                                );
                            } else {
                                columns.push(sid);
                                self.subjects[sid].articles.push(pid);
                            }
                        }
                        None => {
                            diags.push(unknown_subject(&s.value, &known, source, s.line, s.column))
                        }
                    }
                }
            }
            let mut rows = Vec::new();
            let mut seen_features: HashMap<FeatureId, usize> = HashMap::new();
            for raw in &front.features {
                let feature = self.feature_for(&raw.name, source, (raw.line, raw.column), diags);
                if let Some(&first) = seen_features.get(&feature) {
                    diags.push(
                        Diagnostic::error(format!(
                            "feature `{}` has two rows in this table (the other on line {first})",
                            self.features[feature].name
                        ))
                        .in_file(&source.file)
                        .at(raw.line, raw.column, Some(&source.text)),
                    );
                    continue;
                }
                seen_features.insert(feature, raw.line);
                let mut cells = vec![None; columns.len()];
                for cell in &raw.cells {
                    let column = match (&cell.subject, source.kind) {
                        (None, _) => 0,
                        (Some(sid), _) => match self.subject_by_id.get(sid) {
                            Some(s) => match columns.iter().position(|c| c == s) {
                                Some(c) => c,
                                None => {
                                    diags.push(
                                        Diagnostic::error(format!(
                                            "cell for subject `{sid}`, which this page does not compare"
                                        ))
                                        .in_file(&source.file)
                                        .at(cell.line, cell.column, Some(&source.text))
                                        .with_help(format!("add \"{sid}\" to `subjects`, or remove the cell")),
                                    );
                                    continue;
                                }
                            },
                            None => {
                                diags.push(unknown_subject(
                                    sid,
                                    &known,
                                    source,
                                    cell.line,
                                    cell.column,
                                ));
                                continue;
                            }
                        },
                    };
                    if column >= columns.len() {
                        continue;
                    }
                    match parse_cell(cell) {
                        Ok(parsed) => {
                            let st = Statement {
                                subject: columns[column],
                                feature,
                                level: parsed.level,
                                value: parsed.value,
                                note: parsed.note,
                                link: parsed.link,
                                since: parsed.since,
                                page: pid,
                                line: cell.line,
                                column: cell.column,
                            };
                            let id = self.statements.len();
                            self.statements.push(st);
                            self.subjects[columns[column]].statements.push(id);
                            self.features[feature].statements.push(id);
                            cells[column] = Some(id);
                        }
                        Err((msg, help)) => {
                            let mut d = Diagnostic::error(msg).in_file(&source.file).at(
                                cell.line,
                                cell.column,
                                Some(&source.text),
                            );
                            if let Some(h) = help {
                                d = d.with_help(h);
                            }
                            diags.push(d);
                        }
                    }
                }
                rows.push(Row {
                    feature,
                    name: raw.name.clone(),
                    cells,
                });
            }
            if !front.features.is_empty()
                && columns.is_empty()
                && source.kind != SourceKind::Subject
            {
                diags.push(
                    Diagnostic::error("this page has a feature table but no `subjects`")
                        .in_file(&source.file)
                        .at(front.features_line, 1, Some(&source.text))
                        .with_help("list the subjects it compares: subjects = [\"a\", \"b\"]"),
                );
            }
            page.subjects = columns;
            page.rows = rows;
        }
        self.pages = pages;
    }

    fn find_conflicts(&self, diags: &mut Vec<Diagnostic>) {
        let mut by_key: BTreeMap<(SubjectId, FeatureId), Vec<StatementId>> = BTreeMap::new();
        for (i, s) in self.statements.iter().enumerate() {
            if s.level.is_some() {
                by_key.entry((s.subject, s.feature)).or_default().push(i);
            }
        }
        for ((subject, feature), ids) in by_key {
            let first = &self.statements[ids[0]];
            for &other in &ids[1..] {
                let o = &self.statements[other];
                if o.level != first.level {
                    let page = &self.pages[o.page].source;
                    let first_page = &self.pages[first.page].source;
                    let first_at = format!(
                        "{}:{}:{}",
                        first_page.file.display().to_string().replace('\\', "/"),
                        first.line,
                        first.column
                    );
                    diags.push(
                        Diagnostic::warning(format!(
                            "conflict: `{}` is `{}` for {} here, but `{}` in {first_at}",
                            self.features[feature].name,
                            o.level.map_or("?", Level::as_str),
                            self.subjects[subject].id,
                            first.level.map_or("?", Level::as_str),
                        ))
                        .in_file(&page.file)
                        .at(o.line, o.column, Some(&page.text))
                        .with_note(format!("first stated at {first_at}")),
                    );
                }
            }
        }
    }

    fn collect_tags(&mut self) {
        let mut by_slug: BTreeMap<String, TagId> = BTreeMap::new();
        let mut tags: Vec<Tag> = Vec::new();
        for pid in 0..self.pages.len() {
            let names = self.pages[pid].source.front.tags.clone();
            let mut ids = Vec::new();
            for name in names {
                let slug = slugify(&name);
                if slug.is_empty() {
                    continue;
                }
                let id = *by_slug.entry(slug.clone()).or_insert_with(|| {
                    tags.push(Tag {
                        name: name.clone(),
                        slug,
                        pages: Vec::new(),
                    });
                    tags.len() - 1
                });
                if !ids.contains(&id) {
                    ids.push(id);
                    tags[id].pages.push(pid);
                }
            }
            self.pages[pid].tags = ids;
        }
        // Alphabetical tag order, pages in list order.
        let order: Vec<TagId> = by_slug.values().copied().collect();
        let mut remap = vec![0; tags.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old] = new;
        }
        let mut sorted: Vec<Tag> = order.iter().map(|&i| tags[i].clone()).collect();
        for t in &mut sorted {
            self.sort_pages(&mut t.pages);
        }
        for p in &mut self.pages {
            for t in &mut p.tags {
                *t = remap[*t];
            }
        }
        self.tags = sorted;
    }

    /// Manual ordering: weight (lower first), then date (newest first), then title.
    pub fn sort_pages(&self, pages: &mut [PageId]) {
        pages.sort_by(|&a, &b| {
            let (pa, pb) = (&self.pages[a], &self.pages[b]);
            let wa = pa.source.front.weight.unwrap_or(i64::MAX);
            let wb = pb.source.front.weight.unwrap_or(i64::MAX);
            wa.cmp(&wb)
                .then_with(|| pb.source.front.date.cmp(&pa.source.front.date))
                .then_with(|| pa.title.cmp(&pb.title))
                .then_with(|| pa.source.rel.cmp(&pb.source.rel))
        });
    }

    fn build_sections(&mut self) {
        // A page belongs to the nearest `_index.md` above it (the home page at the top).
        let mut section_of_dir: HashMap<String, PageId> = HashMap::new();
        for (i, p) in self.pages.iter().enumerate() {
            match p.kind {
                SourceKind::Home => {
                    section_of_dir.insert(String::new(), i);
                }
                SourceKind::Section => {
                    let dir = p
                        .source
                        .rel
                        .trim_end_matches("_index.md")
                        .trim_end_matches('/');
                    section_of_dir.insert(dir.to_string(), i);
                }
                _ => {}
            }
        }
        let mut children: BTreeMap<PageId, Vec<PageId>> = BTreeMap::new();
        for i in 0..self.pages.len() {
            let p = &self.pages[i];
            if p.kind == SourceKind::Home {
                continue;
            }
            // Subjects are listed on /subjects/, not in sections.
            if p.kind == SourceKind::Subject {
                continue;
            }
            let rel = &p.source.rel;
            let mut dir = parent_dir(rel);
            if p.kind == SourceKind::Section {
                dir = parent_dir(dir);
            }
            loop {
                if let Some(&s) = section_of_dir.get(dir)
                    && s != i
                {
                    children.entry(s).or_default().push(i);
                    self.pages[i].section = Some(s);
                    break;
                }
                if dir.is_empty() {
                    break;
                }
                dir = parent_dir(dir);
            }
        }
        for (s, mut list) in children {
            self.sort_pages(&mut list);
            let articles: Vec<PageId> = list
                .iter()
                .copied()
                .filter(|&p| self.pages[p].kind == SourceKind::Article)
                .collect();
            for w in articles.windows(2) {
                self.pages[w[0]].next = Some(w[1]);
                self.pages[w[1]].prev = Some(w[0]);
            }
            self.pages[s].children = list;
        }
    }

    fn resolve_links(&mut self, diags: &mut Vec<Diagnostic>) {
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
        // Percent-decoded, so `my%20file.md` names `my file.md` (issue 15).
        let (path_part, anchor) = markdown::split_dest(dest);
        let (path_part, anchor) = (path_part.as_ref(), anchor.as_deref());
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

    fn build_pairs(&mut self) {
        let n = self.subjects.len();
        // Features each subject has statements about.
        let feats: Vec<HashSet<FeatureId>> = self
            .subjects
            .iter()
            .map(|s| {
                s.statements
                    .iter()
                    .map(|&st| self.statements[st].feature)
                    .collect()
            })
            .collect();
        for a in 0..n {
            for b in a + 1..n {
                if feats[a].is_disjoint(&feats[b]) {
                    continue;
                }
                let mut features: Vec<FeatureId> = feats[a].union(&feats[b]).copied().collect();
                features.sort_unstable();
                let mut articles: Vec<PageId> = self.subjects[a]
                    .articles
                    .iter()
                    .copied()
                    .filter(|p| self.pages[*p].subjects.contains(&b))
                    .collect();
                self.sort_pages(&mut articles);
                let id = self.pairs.len();
                self.pairs.push(Pair {
                    a,
                    b,
                    slug: format!("{}-vs-{}", self.subjects[a].id, self.subjects[b].id),
                    features,
                    articles,
                });
                self.subjects[a].pairs.push(id);
                self.subjects[b].pairs.push(id);
            }
        }
        for s in 0..n {
            let mut arts = std::mem::take(&mut self.subjects[s].articles);
            self.sort_pages(&mut arts);
            self.subjects[s].articles = arts;
        }
    }

    /// Related pages: articles sharing the most subjects, at most [`RELATED_MAX`].
    fn build_related(&mut self) {
        // One rank per page for "newest first, then by path", computed once: comparing dates
        // and paths inside every page's candidate sort cost ~10^9 string comparisons at 10,000
        // pages (every page shares a subject with thousands of others).
        let mut order: Vec<PageId> = (0..self.pages.len()).collect();
        order.sort_by(|&a, &b| {
            let (pa, pb) = (&self.pages[a], &self.pages[b]);
            pb.source
                .front
                .date
                .cmp(&pa.source.front.date)
                .then_with(|| pa.source.rel.cmp(&pb.source.rel))
        });
        let mut rank = vec![0usize; self.pages.len()];
        for (r, &p) in order.iter().enumerate() {
            rank[p] = r;
        }
        let n = self.pages.len();
        let related: Vec<Vec<PageId>> = (0..n)
            .into_par_iter()
            .map_init(
                || (vec![0u16; n], Vec::new()),
                |(counts, touched), pid| {
                    let page = &self.pages[pid];
                    if page.kind != SourceKind::Article || page.subjects.is_empty() {
                        return Vec::new();
                    }
                    for &s in &page.subjects {
                        for &other in &self.subjects[s].articles {
                            if other != pid {
                                if counts[other] == 0 {
                                    touched.push(other);
                                }
                                counts[other] = counts[other].saturating_add(1);
                            }
                        }
                    }
                    // Most shared first, then newest, then by path; only the best few are kept,
                    // so select them instead of sorting every candidate.
                    let key = |p: PageId| (std::cmp::Reverse(counts[p]), rank[p]);
                    let mut best: Vec<PageId> = Vec::with_capacity(RELATED_MAX + 1);
                    for &p in touched.iter() {
                        if best.len() < RELATED_MAX || key(p) < key(best[best.len() - 1]) {
                            let at = best.partition_point(|&q| key(q) < key(p));
                            best.insert(at, p);
                            best.truncate(RELATED_MAX);
                        }
                    }
                    for &p in touched.iter() {
                        counts[p] = 0;
                    }
                    touched.clear();
                    best
                },
            )
            .collect();
        for (p, r) in related.into_iter().enumerate() {
            self.pages[p].related = r;
        }
    }

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

    /// A root-relative URL with the base path: `/compare/` → `/docs/compare/`.
    pub fn url(&self, path: &str) -> String {
        prefix_url(&self.base_path, path)
    }

    /// An absolute URL from `base_url`: `/compare/` → `https://x.org/docs/compare/`.
    pub fn permalink(&self, path: &str) -> String {
        let origin = origin_of(&self.config.base_url);
        format!("{origin}{}", self.url(path))
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

    /// Statements about subject `s` and feature `f`, in page order.
    pub fn statements_about(
        &self,
        s: SubjectId,
        f: FeatureId,
    ) -> impl Iterator<Item = StatementId> + '_ {
        self.features[f]
            .statements
            .iter()
            .copied()
            .filter(move |&st| self.statements[st].subject == s)
    }

    /// The statement that stands for subject `s` on feature `f` site-wide: the subject's own
    /// page first, then the first article that says something.
    pub fn verdict(&self, s: SubjectId, f: FeatureId) -> Option<StatementId> {
        let own = self.subjects[s].page;
        let mut first = None;
        for st in self.statements_about(s, f) {
            if self.statements[st].page == own {
                return Some(st);
            }
            if first.is_none() {
                first = Some(st);
            }
        }
        first
    }
}

pub const RELATED_MAX: usize = 6;

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

struct ParsedCell {
    level: Option<Level>,
    value: Option<String>,
    note: Option<String>,
    link: Option<String>,
    since: Option<String>,
}

type CellError = (String, Option<String>);

fn valid_levels() -> String {
    Level::ALL
        .iter()
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Interprets one cell in any of the contract's forms.
fn parse_cell(cell: &RawCell) -> Result<ParsedCell, CellError> {
    let empty = ParsedCell {
        level: None,
        value: None,
        note: None,
        link: None,
        since: None,
    };
    match &cell.value {
        Value::Bool(b) => Ok(ParsedCell {
            level: Some(if *b { Level::Yes } else { Level::No }),
            ..empty
        }),
        Value::Number(n) => Ok(ParsedCell {
            value: Some(n.to_string()),
            ..empty
        }),
        Value::String(s) => Ok(parse_cell_string(s)),
        Value::Object(map) => {
            let mut out = empty;
            for (k, v) in map {
                let text = match v {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) if k == "support" => (if *b { "yes" } else { "no" }).to_string(),
                    other => {
                        return Err((
                            format!(
                                "`{k}` in a feature cell must be a string, found {}",
                                describe(other)
                            ),
                            None,
                        ));
                    }
                };
                match k.as_str() {
                    "support" => match Level::parse(text.trim()) {
                        Some(l) => out.level = Some(l),
                        None => {
                            return Err((
                                format!("unknown support level `{text}`"),
                                Some(format!("valid levels: {}", valid_levels())),
                            ));
                        }
                    },
                    "note" => out.note = Some(text),
                    "link" => out.link = Some(text),
                    "since" => out.since = Some(text),
                    other => {
                        return Err((
                            format!("unknown key `{other}` in a feature cell"),
                            Some("a cell table takes support, note, link and since".into()),
                        ));
                    }
                }
            }
            if out.level.is_none() && out.note.is_none() {
                return Err((
                    "a feature cell table needs `support` or `note`".into(),
                    Some(format!(
                        "e.g. {{ support = \"yes\", note = \"...\" }}; levels: {}",
                        valid_levels()
                    )),
                ));
            }
            Ok(out)
        }
        other => Err((
            format!(
                "a feature cell must be a string, a boolean, a number or a table, found {}",
                describe(other)
            ),
            None,
        )),
    }
}

/// `"yes"`, `"yes: note"`, or plain text.
fn parse_cell_string(s: &str) -> ParsedCell {
    let (head, note) = match s.split_once(':') {
        Some((h, n)) => (h.trim(), Some(n.trim())),
        None => (s.trim(), None),
    };
    match Level::parse(head) {
        Some(level) => ParsedCell {
            level: Some(level),
            value: None,
            note: note.filter(|n| !n.is_empty()).map(str::to_string),
            link: None,
            since: None,
        },
        None => ParsedCell {
            level: None,
            value: Some(s.to_string()),
            note: None,
            link: None,
            since: None,
        },
    }
}

fn unknown_subject(
    id: &str,
    known: &[String],
    source: &Source,
    line: usize,
    column: usize,
) -> Diagnostic {
    let mut d = Diagnostic::error(format!("unknown subject `{id}`"))
        .in_file(&source.file)
        .at(line, column, Some(&source.text));
    if let Some(c) = closest(id, known.iter().map(String::as_str)) {
        d = d.with_help(format!("did you mean `{c}`?"));
    } else if known.is_empty() {
        d = d.with_help(format!("create content/subjects/{id}.md"));
    } else {
        d = d.with_help(format!("known subjects: {}", known.join(", ")));
    }
    d
}

/// The site path of a source: `articles/a.md` → `/articles/a/`.
pub fn page_path(source: &Source) -> String {
    let rel = source.rel.as_str();
    match source.kind {
        SourceKind::Home => "/".into(),
        SourceKind::Section => {
            let dir = rel.trim_end_matches("_index.md").trim_end_matches('/');
            format!("/{}/", url_segments(dir))
        }
        SourceKind::Subject => format!("/subjects/{}/", url_segment(source.stem())),
        SourceKind::Article => {
            let dir = parent_dir(rel);
            let stem = source.stem();
            let last = match &source.front.slug {
                Some(s) => url_segment(s),
                None if stem == "index" => String::new(),
                None => url_segment(stem),
            };
            let mut path = String::from("/");
            if !dir.is_empty() {
                path.push_str(&url_segments(dir));
                path.push('/');
            }
            if !last.is_empty() {
                path.push_str(&last);
                path.push('/');
            }
            path
        }
    }
}

fn url_segments(dir: &str) -> String {
    dir.split('/')
        .map(url_segment)
        .collect::<Vec<_>>()
        .join("/")
}

/// A file name made safe for a URL path segment: whitespace becomes `-`, characters with a
/// meaning in URLs are dropped; letters of any script are kept.
fn url_segment(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.trim().chars() {
        if c.is_whitespace() {
            out.push('-');
        } else if !matches!(
            c,
            '?' | '#'
                | '%'
                | '"'
                | '<'
                | '>'
                | '\\'
                | '^'
                | '`'
                | '{'
                | '}'
                | '|'
                | '/'
                | '['
                | ']'
                | '\''
        ) && !c.is_control()
        {
            out.push(c);
        }
    }
    if out.is_empty() || out == "." || out == ".." {
        out = "page".into();
    }
    out
}

fn is_reserved(path: &str) -> bool {
    path == "/compare/"
        || path.starts_with("/compare/")
        || path == "/features/"
        || path.starts_with("/features/")
        || path == "/tags/"
        || path.starts_with("/tags/")
        || path == "/404.html"
}

fn title_from_stem(stem: &str) -> String {
    let t = stem.replace(['-', '_'], " ");
    let mut c = t.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => "Untitled".into(),
    }
}

/// `a/b/c.md` → `a/b`; `c.md` → ``.
pub fn parent_dir(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}

/// Joins a relative path onto a directory, resolving `.` and `..`.
pub fn join_rel(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Whether a link starts with a URL scheme (`https:`, `mailto:`): a letter, then letters,
/// digits, `+`, `-` or `.`, then `:` (RFC 3986).
pub fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) => {
            s[..i]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && s[..i]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// `%41` → `A`; `None` on a malformed escape or when the bytes are not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Prefixes a root-relative path with the base path, never producing `//`.
pub fn prefix_url(base_path: &str, path: &str) -> String {
    let base = base_path.trim_end_matches('/');
    if path.is_empty() {
        return format!("{base}/");
    }
    if !path.starts_with('/') {
        return path.to_string();
    }
    let trimmed = path.trim_start_matches('/');
    format!("{base}/{trimmed}")
}

/// `https://x.org/docs/` → `https://x.org`; a bare path → ``.
pub fn origin_of(url: &str) -> &str {
    match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            let end = rest.find('/').map_or(url.len(), |j| i + 3 + j);
            &url[..end]
        }
        None => "",
    }
}

fn find_line(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(0, |i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(v: Value) -> RawCell {
        RawCell {
            subject: None,
            value: v,
            line: 1,
            column: 1,
        }
    }

    #[test]
    fn cell_forms() {
        let c = parse_cell(&cell(Value::from("yes: Django ORM")))
            .ok()
            .unwrap();
        assert_eq!(
            (c.level, c.note.as_deref()),
            (Some(Level::Yes), Some("Django ORM"))
        );
        let c = parse_cell(&cell(Value::from("plugin"))).ok().unwrap();
        assert_eq!((c.level, c.note), (Some(Level::Plugin), None));
        let c = parse_cell(&cell(Value::from("Jinja2"))).ok().unwrap();
        assert_eq!((c.level, c.value.as_deref()), (None, Some("Jinja2")));
        let c = parse_cell(&cell(Value::from("Note: not a level")))
            .ok()
            .unwrap();
        assert_eq!(c.level, None);
        let c = parse_cell(&cell(Value::from(false))).ok().unwrap();
        assert_eq!(c.level, Some(Level::No));
        let c = parse_cell(&cell(Value::from(3))).ok().unwrap();
        assert_eq!(c.value.as_deref(), Some("3"));
        let t = serde_json::json!({"support": "partial", "note": "n", "link": "https://x", "since": "1.2"});
        let c = parse_cell(&cell(t)).ok().unwrap();
        assert_eq!(c.level, Some(Level::Partial));
        assert_eq!(c.since.as_deref(), Some("1.2"));
        let bad = serde_json::json!({"support": "maybe"});
        let e = parse_cell(&cell(bad)).err().unwrap();
        assert!(e.0.contains("unknown support level `maybe`"));
        assert!(e.1.unwrap().contains("yes, partial, plugin, no, unknown"));
        assert!(parse_cell(&cell(serde_json::json!({"link": "x"}))).is_err());
        assert!(parse_cell(&cell(serde_json::json!([1]))).is_err());
    }

    #[test]
    fn urls_and_prefixes() {
        assert_eq!(prefix_url("", "/a/"), "/a/");
        assert_eq!(prefix_url("/docs", "/a/"), "/docs/a/");
        assert_eq!(prefix_url("/docs", "/"), "/docs/");
        assert_eq!(prefix_url("/docs/", "//a"), "/docs/a");
        assert_eq!(origin_of("https://x.org/docs/"), "https://x.org");
        assert_eq!(
            join_rel("articles", "../subjects/flask.md"),
            "subjects/flask.md"
        );
        assert_eq!(url_segment("My Page?"), "My-Page");
        assert!(has_scheme("https://x") && has_scheme("mailto:a@b") && !has_scheme("a.md"));
    }
}
