//! Apply templates: one [`Target`] of the model + Tera → one HTML string.
//!
//! The [`Renderer`] is built once per build (templates parsed, the site-wide context
//! serialised once into Arc-backed Tera values) and is then shared by all threads; rendering a
//! target borrows the model and builds only that target's own context, so pages can be
//! rendered one at a time, in any order, in parallel — which is what both `build` and the
//! preview server need.
//!
//! Templates come from the site's `templates/` (overrides), then `themes/<theme>/templates/`,
//! then the default theme embedded in the binary. Every template error becomes a
//! [`Diagnostic`] naming the template file, line and column.
//!
//! This module does not write files: [`crate::output`] does.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use serde::Serialize;
use serde_json::{Value, json};
use tera::{Context, Kwargs, State, Tera};

use crate::content::SourceKind;
use crate::diagnostics::Diagnostic;
use crate::highlight::Highlighter;
use crate::markdown::{self, Env};
use crate::model::{Level, Model, PageId, StatementId, SubjectId, Target};
use crate::theme::Theme;

/// A template value. Cheap to clone (shared, reference-counted), so a page listed on
/// thousands of other pages is turned into one once, not once per listing.
type TValue = tera::Value;

/// The templates versus renders with, one per page kind.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("home", "index.html"),
    ("section", "section.html"),
    ("article", "article.html"),
    ("subject", "subject.html"),
    ("subjects", "subjects.html"),
    ("features", "features.html"),
    ("feature", "feature.html"),
    ("matrix", "matrix.html"),
    ("pair", "pair.html"),
    ("tags", "tags.html"),
    ("tag", "tag.html"),
    ("404", "404.html"),
];

/// One rendered output file.
pub struct RenderedTarget {
    pub target: Target,
    /// Site path without base path: `/a/` or `/404.html`.
    pub path: String,
    pub html: String,
}

/// Templates plus the shared, serialised site context.
pub struct Renderer<'m> {
    model: &'m Model,
    tera: Tera,
    /// Where each template name came from, for error messages.
    template_files: HashMap<String, PathBuf>,
    site: tera::Value,
    config: tera::Value,
    highlighter: &'m Highlighter,
    /// Each page as lists show it ([`summary`]), made on first use: a tag page lists
    /// thousands, and every article lists its related pages.
    summaries: Vec<OnceLock<TValue>>,
    /// Template errors are the same for every page that hits them: report each once.
    reported: Mutex<std::collections::HashSet<String>>,
}

impl<'m> Renderer<'m> {
    /// Loads templates and prepares the shared context. Template syntax errors are returned
    /// as diagnostics (all of them, not only the first).
    pub fn new(
        model: &'m Model,
        theme: &Theme,
        highlighter: &'m Highlighter,
        assets: &BTreeMap<String, String>,
    ) -> (Renderer<'m>, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let templates = theme.templates();
        let template_files: HashMap<String, PathBuf> = templates
            .iter()
            .map(|(n, (p, _))| (n.clone(), p.clone()))
            .collect();
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml", ".htm"]);
        register_functions(&mut tera, model, assets);
        let all = templates.iter().map(|(n, (_, t))| (n, t));
        if let Err(e) = tera.add_raw_templates(all) {
            // Tera stops at the first syntax error: parse each template alone to find them all.
            for (name, (_, text)) in templates {
                let mut scratch = Tera::new();
                if let Err(e) = scratch.add_raw_template(name, text)
                    && matches!(e.kind(), tera::ErrorKind::SyntaxError(_))
                {
                    diags.extend(tera_diagnostics(&e, &template_files));
                }
            }
            if diags.is_empty() {
                diags.extend(tera_diagnostics(&e, &template_files));
            }
        }
        let site = tera::Value::from_serializable(&site_context(model, assets));
        let config = tera::Value::from_serializable(&config_context(model));
        (
            Renderer {
                model,
                tera,
                template_files,
                site,
                config,
                highlighter,
                summaries: (0..model.pages.len()).map(|_| OnceLock::new()).collect(),
                reported: Mutex::new(Default::default()),
            },
            diags,
        )
    }

    /// Renders one target. Warnings (e.g. an unknown code language) and errors (template
    /// errors) come back as diagnostics; on error the HTML is `None`.
    pub fn render(&self, target: Target) -> (Option<RenderedTarget>, Vec<Diagnostic>) {
        let m = self.model;
        let mut diags = Vec::new();
        let (kind, mut ctx) = self.target_context(target, &mut diags);
        let template = TEMPLATES
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or("article.html", |(_, t)| t);
        ctx.insert_value("site", self.site.clone());
        ctx.insert_value("config", self.config.clone());
        ctx.insert("kind", &kind);
        let path = m.target_path(target);
        ctx.insert("current_url", &m.url(&path));
        ctx.insert("current_path", &path);
        ctx.insert("permalink", &crate::hosting::permalink_uri(m, &path));
        match self.tera.render(template, &ctx) {
            Ok(html) => (Some(RenderedTarget { target, path, html }), diags),
            Err(e) => {
                let mut all = tera_diagnostics(&e, &self.template_files);
                let d = all.remove(0);
                let key = d.to_string();
                if self
                    .reported
                    .lock()
                    .map(|mut r| r.insert(key))
                    .unwrap_or(true)
                {
                    diags.push(d);
                } else {
                    // Already reported for another page: still an error for this one.
                    diags.push(Diagnostic::error(String::new()));
                }
                (None, diags)
            }
        }
    }

    fn target_context(
        &self,
        target: Target,
        diags: &mut Vec<Diagnostic>,
    ) -> (&'static str, Context) {
        let m = self.model;
        let mut ctx = Context::new();
        let kind = match target {
            Target::Page(p) => {
                let page = &m.pages[p];
                let kind = match page.kind {
                    SourceKind::Home => "home",
                    SourceKind::Section if page.path == "/subjects/" => "subjects",
                    SourceKind::Section => "section",
                    SourceKind::Subject => "subject",
                    SourceKind::Article => "article",
                };
                ctx.insert_value("page", self.page_context(p, diags));
                match page.kind {
                    SourceKind::Home => home_lists(self, &mut ctx, Some(HOME_LATEST)),
                    SourceKind::Subject => {
                        let sid = m.subjects.iter().position(|s| s.page == p);
                        if let Some(sid) = sid {
                            ctx.insert_value("subject", self.subject_context(sid));
                        }
                    }
                    SourceKind::Section if page.path == "/subjects/" => {
                        ctx.insert("subjects", &subjects_list(m));
                    }
                    _ => {}
                }
                kind
            }
            Target::Home => {
                // No `_index.md`: the site's title, and every article (nothing else would
                // link the ones past the latest few).
                let c = &m.config;
                ctx.insert("page", &virtual_page(&c.title, &c.description, "/", m));
                home_lists(self, &mut ctx, None);
                "home"
            }
            Target::SubjectIndex => {
                ctx.insert(
                    "page",
                    &virtual_page(
                        "Subjects",
                        "Everything this site compares.",
                        "/subjects/",
                        m,
                    ),
                );
                ctx.insert("subjects", &subjects_list(m));
                "subjects"
            }
            Target::FeatureIndex => {
                ctx.insert(
                    "page",
                    &virtual_page(
                        "Features",
                        "Every feature compared on this site, by group.",
                        "/features/",
                        m,
                    ),
                );
                let groups: Vec<Value> = m
                    .groups
                    .iter()
                    .map(|g| {
                        let features: Vec<Value> = m
                            .features
                            .iter()
                            .enumerate()
                            .filter(|(_, f)| &f.group == g)
                            .map(|(i, _)| feature_summary(m, i))
                            .collect();
                        json!({ "name": g, "features": features })
                    })
                    .filter(|g| g["features"].as_array().is_some_and(|a| !a.is_empty()))
                    .collect();
                ctx.insert("groups", &groups);
                "features"
            }
            Target::Feature(f) => {
                let feat = &m.features[f];
                ctx.insert(
                    "page",
                    &virtual_page(
                        &feat.name,
                        feat.description.as_deref().unwrap_or(""),
                        &m.target_path(target),
                        m,
                    ),
                );
                let rows: Vec<TValue> = (0..m.subjects.len())
                    .map(|s| {
                        let statements: Vec<TValue> = m
                            .statements_about(s, f)
                            .map(|st| self.cell_value(Some(st)))
                            .collect();
                        with(
                            json!({ "subject": subject_ref(m, s) }),
                            [
                                ("verdict", self.cell_value(m.verdict(s, f))),
                                ("statements", statements.into()),
                            ],
                        )
                    })
                    .collect();
                let levels = levels_used(m, m.features[f].statements.iter().copied());
                ctx.insert_value(
                    "feature",
                    with(
                        json!({
                            "name": feat.name, "slug": feat.slug, "url": m.url(&m.target_path(target)),
                            "group": feat.group, "description": feat.description, "aliases": feat.aliases,
                            "levels_used": levels,
                        }),
                        [("rows", rows.into())],
                    ),
                );
                "feature"
            }
            Target::Matrix => {
                ctx.insert(
                    "page",
                    &virtual_page(
                        "Compare everything",
                        "Every subject against every feature.",
                        "/compare/",
                        m,
                    ),
                );
                let subjects: Vec<SubjectId> = (0..m.subjects.len()).collect();
                ctx.insert_value(
                    "matrix",
                    self.matrix(&subjects, &(0..m.features.len()).collect::<Vec<_>>()),
                );
                let pairs: Vec<Value> = (0..m.pairs.len()).map(|p| pair_ref(m, p)).collect();
                ctx.insert("pairs", &pairs);
                "matrix"
            }
            Target::Pair(p) => {
                let pair = &m.pairs[p];
                let title = format!("{} vs {}", m.subject_title(pair.a), m.subject_title(pair.b));
                let desc = format!(
                    "{} and {} side by side: every feature either is said to have, differences first.",
                    m.subject_title(pair.a),
                    m.subject_title(pair.b)
                );
                ctx.insert(
                    "page",
                    &virtual_page(&title, &desc, &m.target_path(target), m),
                );
                let (diff, same): (Vec<_>, Vec<_>) =
                    pair.features.iter().copied().partition(|&f| {
                        let a = m
                            .verdict(pair.a, f)
                            .map(|s| (m.statements[s].level, m.statements[s].value.clone()));
                        let b = m
                            .verdict(pair.b, f)
                            .map(|s| (m.statements[s].level, m.statements[s].value.clone()));
                        a != b
                    });
                let rows = |fs: &[usize]| -> TValue {
                    fs.iter()
                        .map(|&f| self.matrix_row(&[pair.a, pair.b], f))
                        .collect::<Vec<_>>()
                        .into()
                };
                ctx.insert_value(
                    "pair",
                    with(
                        json!({
                            "title": title,
                            "a": subject_ref(m, pair.a),
                            "b": subject_ref(m, pair.b),
                            "levels_used": levels_used(m, pair.features.iter().flat_map(|&f| [m.verdict(pair.a, f), m.verdict(pair.b, f)]).flatten()),
                        }),
                        [
                            ("differences", rows(&diff)),
                            ("same", rows(&same)),
                            ("articles", self.summary_list(&pair.articles)),
                        ],
                    ),
                );
                "pair"
            }
            Target::TagIndex => {
                ctx.insert(
                    "page",
                    &virtual_page("Tags", "Articles by topic.", "/tags/", m),
                );
                let tags: Vec<Value> = m
                    .tags
                    .iter()
                    .enumerate()
                    .map(|(i, t)| json!({ "name": t.name, "slug": t.slug, "url": m.url(&m.target_path(Target::Tag(i))), "count": t.pages.len() }))
                    .collect();
                ctx.insert("tags", &tags);
                "tags"
            }
            Target::Tag(t) => {
                let tag = &m.tags[t];
                let title = format!("Tagged “{}”", tag.name);
                ctx.insert("page", &virtual_page(&title, "", &m.target_path(target), m));
                ctx.insert_value(
                    "tag",
                    with(
                        json!({
                            "name": tag.name, "slug": tag.slug, "url": m.url(&m.target_path(target)),
                        }),
                        [("pages", self.summary_list(&tag.pages))],
                    ),
                );
                "tag"
            }
            Target::NotFound => {
                ctx.insert("page", &virtual_page("Page not found", "", "/404.html", m));
                "404"
            }
        };
        (kind, ctx)
    }

    /// Everything a template needs about a page made from Markdown.
    fn page_context(&self, p: PageId, diags: &mut Vec<Diagnostic>) -> TValue {
        let m = self.model;
        let page = &m.pages[p];
        let resolve = |dest: &str| m.href_for(p, dest);
        let label = |id: &str| {
            m.subject(id)
                .map(|s| (m.pages[s.page].title.clone(), m.url(&m.pages[s.page].path)))
        };
        let rendered = markdown::render(
            page.source.body(),
            &Env {
                resolve_link: &resolve,
                subject_label: &label,
                highlighter: self.highlighter,
                reserved_ids: crate::theme::reserved_ids(page.kind),
            },
        );
        for w in &rendered.warnings {
            let line = page.source.body_line + w.line.saturating_sub(1);
            diags.push(
                Diagnostic::warning(w.message.clone())
                    .in_file(&page.source.file)
                    .at(line, w.column, Some(&page.source.text)),
            );
        }
        let front = &page.source.front;
        let table = if page.rows.is_empty() || page.kind == SourceKind::Subject {
            Value::Null
        } else {
            self.page_table(p)
        };
        let mut v = summary(m, p);
        let obj = v.as_object_mut().expect("summary is an object");
        obj.insert("kind".into(), json!(page.kind));
        obj.insert(
            "permalink".into(),
            json!(crate::hosting::permalink_uri(m, &page.path)),
        );
        obj.insert("toc".into(), toc(&page.outline.headings));
        obj.insert("table".into(), table);
        obj.insert("extra".into(), json!(front.extra));
        obj.insert("words".into(), json!(page.outline.words));
        obj.insert(
            "reading_minutes".into(),
            json!(page.outline.words.div_ceil(220).max(1)),
        );
        obj.insert(
            "section".into(),
            page.section.map_or(
                Value::Null,
                |s| json!({ "title": m.pages[s].title, "url": m.url(&m.pages[s].path) }),
            ),
        );
        obj.insert("breadcrumbs".into(), breadcrumbs(m, p));
        obj.insert("edit_url".into(), edit_url(m, p));
        obj.insert(
            "source_path".into(),
            json!(page.source.file.to_string_lossy().replace('\\', "/")),
        );
        obj.insert("aliases".into(), json!(front.aliases));
        let neighbour = |x: Option<PageId>| x.map_or(TValue::none(), |x| self.summary_value(x));
        let content = rendered.whole();
        with(
            v,
            [
                ("content", content.into()),
                ("content_before", rendered.before.into()),
                ("content_after", rendered.after.into()),
                ("related", self.summary_list(&page.related)),
                ("backlinks", self.summary_list(&page.backlinks)),
                ("prev", neighbour(page.prev)),
                ("next", neighbour(page.next)),
                ("children", self.summary_list(&page.children)),
            ],
        )
    }

    /// A page as lists show it: [`summary`], made once per page and shared.
    fn summary_value(&self, p: PageId) -> TValue {
        self.summaries[p]
            .get_or_init(|| TValue::from_serializable(&summary(self.model, p)))
            .clone()
    }

    fn summary_list(&self, pages: &[PageId]) -> TValue {
        pages
            .iter()
            .map(|&p| self.summary_value(p))
            .collect::<Vec<_>>()
            .into()
    }

    /// [`Self::cell`] with its source, as a template value. Not kept: a statement is shown
    /// about twice (its feature's page, its subject's page), and keeping every cell of a
    /// large site cost more memory than remaking them costs time.
    fn cell_value(&self, st: Option<StatementId>) -> TValue {
        TValue::from_serializable(&self.cell(st, true))
    }

    /// An article's own table: its columns, rows in written order.
    fn page_table(&self, p: PageId) -> Value {
        let m = self.model;
        let page = &m.pages[p];
        let rows: Vec<Value> = page
            .rows
            .iter()
            .map(|r| {
                json!({
                    "feature": feature_summary(m, r.feature),
                    "label": r.name,
                    "cells": r.cells.iter().map(|c| self.cell(*c, false)).collect::<Vec<_>>(),
                })
            })
            .collect();
        let levels = levels_used(
            m,
            page.rows
                .iter()
                .flat_map(|r| r.cells.iter().flatten().copied()),
        );
        json!({
            "columns": page.subjects.iter().map(|&s| subject_ref(m, s)).collect::<Vec<_>>(),
            "rows": rows,
            "levels_used": levels,
        })
    }

    fn subject_context(&self, s: SubjectId) -> TValue {
        let m = self.model;
        let subject = &m.subjects[s];
        let page = &m.pages[subject.page];
        let front = &page.source.front;
        // Every statement about the subject, grouped by feature group, in catalogue order.
        let mut by_feature: BTreeMap<usize, Vec<StatementId>> = BTreeMap::new();
        for &st in &subject.statements {
            by_feature
                .entry(m.statements[st].feature)
                .or_default()
                .push(st);
        }
        let groups: Vec<TValue> = m
            .groups
            .iter()
            .filter_map(|g| {
                let features: Vec<TValue> = by_feature
                    .iter()
                    .filter(|(f, _)| &m.features[**f].group == g)
                    .map(|(&f, sts)| {
                        let statements: Vec<TValue> =
                            sts.iter().map(|&st| self.cell_value(Some(st))).collect();
                        with(
                            json!({ "feature": feature_summary(m, f) }),
                            [
                                ("verdict", self.cell_value(m.verdict(s, f))),
                                ("statements", statements.into()),
                            ],
                        )
                    })
                    .collect();
                (!features.is_empty())
                    .then(|| with(json!({ "name": g }), [("features", features.into())]))
            })
            .collect();
        let pairs: Vec<Value> = subject.pairs.iter().map(|&p| pair_ref(m, p)).collect();
        with(
            json!({
                "id": subject.id,
                "title": page.title,
                "url": m.url(&page.path),
                "description": front.description,
                "website": front.website,
                "repository": front.repository,
                "license": front.license,
                "first_release": front.first_release,
                "statement_count": subject.statements.len(),
                "pairs": pairs,
                "levels_used": levels_used(m, subject.statements.iter().copied()),
            }),
            [
                ("groups", groups.into()),
                ("articles", self.summary_list(&subject.articles)),
            ],
        )
    }

    /// Subjects × features, grouped, one verdict per cell.
    fn matrix(&self, subjects: &[SubjectId], features: &[usize]) -> TValue {
        let m = self.model;
        let groups: Vec<TValue> = m
            .groups
            .iter()
            .filter_map(|g| {
                let rows: Vec<TValue> = features
                    .iter()
                    .copied()
                    .filter(|&f| &m.features[f].group == g && !m.features[f].statements.is_empty())
                    .map(|f| self.matrix_row(subjects, f))
                    .collect();
                (!rows.is_empty()).then(|| {
                    with(
                        json!({ "name": g, "slug": crate::slug::slugify(g) }),
                        [("rows", rows.into())],
                    )
                })
            })
            .collect();
        let used = levels_used(
            m,
            features
                .iter()
                .flat_map(|&f| subjects.iter().map(move |&s| (s, f)))
                .filter_map(|(s, f)| m.verdict(s, f)),
        );
        with(
            json!({
                "columns": subjects.iter().map(|&s| subject_ref(m, s)).collect::<Vec<_>>(),
                "levels_used": used,
            }),
            [("groups", groups.into())],
        )
    }

    fn matrix_row(&self, subjects: &[SubjectId], f: usize) -> TValue {
        let m = self.model;
        let cells: Vec<TValue> = subjects
            .iter()
            .map(|&s| self.cell_value(m.verdict(s, f)))
            .collect();
        // What a cell shows as its verdict: the level, else the text value, else nothing.
        let shown = |s: SubjectId| {
            m.verdict(s, f).map(|st| {
                let st = &m.statements[st];
                (st.level.map(Level::as_str), st.value.as_deref())
            })
        };
        let first = subjects.first().map(|&s| shown(s));
        let differs = subjects.iter().any(|&s| Some(shown(s)) != first);
        with(
            json!({
                "feature": feature_summary(m, f),
                "label": m.features[f].name,
                "differs": differs,
            }),
            [("cells", cells.into())],
        )
    }

    /// One cell: level (with its word and icon), value, note, link, since, and where it was
    /// said. `None` is "not stated".
    fn cell(&self, st: Option<StatementId>, with_source: bool) -> Value {
        let m = self.model;
        let Some(st) = st else {
            return json!({
                "stated": false, "level": "none", "label": "Not stated", "icon": "–",
                "value": null, "note": null, "link": null, "since": null, "source": null,
            });
        };
        let s = &m.statements[st];
        let (level, label, icon) = match (s.level, &s.value) {
            (Some(l), _) => (l.as_str(), level_label(l), level_icon(l)),
            (None, Some(_)) => ("text", "", "•"),
            (None, None) => ("text", "", "•"),
        };
        let source = if with_source {
            let page = &m.pages[s.page];
            json!({ "title": page.title, "url": m.url(&page.path), "line": s.line, "file": page.source.file.to_string_lossy().replace('\\', "/") })
        } else {
            Value::Null
        };
        json!({
            "stated": true, "level": level, "label": label, "icon": icon,
            "value": s.value, "note": s.note, "link": s.link, "since": s.since, "source": source,
        })
    }
}

const HOME_LATEST: usize = 12;

/// `latest` (newest articles first, at most `limit`) and `article_count` for the home page.
fn home_lists(r: &Renderer, ctx: &mut Context, limit: Option<usize>) {
    let m = r.model;
    let mut latest: Vec<PageId> = (0..m.pages.len())
        .filter(|&i| m.pages[i].kind == SourceKind::Article)
        .collect();
    let total = latest.len();
    latest.sort_by(|&a, &b| {
        m.pages[b]
            .source
            .front
            .date
            .cmp(&m.pages[a].source.front.date)
            .then_with(|| m.pages[a].title.cmp(&m.pages[b].title))
            .then_with(|| m.pages[a].source.rel.cmp(&m.pages[b].source.rel))
    });
    if let Some(limit) = limit {
        latest.truncate(limit);
    }
    ctx.insert_value("latest", r.summary_list(&latest));
    ctx.insert("article_count", &total);
}

/// A JSON object as a template value, plus fields that already are template values (shared
/// summaries, page HTML) and so are not copied again.
fn with<const N: usize>(base: Value, fields: [(&'static str, TValue); N]) -> TValue {
    let mut map = TValue::from_serializable(&base)
        .into_map()
        .unwrap_or_default();
    for (k, v) in fields {
        map.insert(k.into(), v);
    }
    map.into()
}

pub fn level_label(l: Level) -> &'static str {
    match l {
        Level::Yes => "Yes",
        Level::Partial => "Partial",
        Level::Plugin => "Plugin",
        Level::No => "No",
        Level::Unknown => "Unknown",
    }
}

pub fn level_icon(l: Level) -> &'static str {
    match l {
        Level::Yes => "✓",
        Level::Partial => "◐",
        Level::Plugin => "+",
        Level::No => "✗",
        Level::Unknown => "?",
    }
}

/// The levels that occur, in legend order, each with word and icon.
fn levels_used(m: &Model, statements: impl Iterator<Item = StatementId>) -> Value {
    let mut used = [false; 5];
    for st in statements {
        if let Some(l) = m.statements[st].level {
            used[Level::ALL.iter().position(|x| *x == l).unwrap_or(4)] = true;
        }
    }
    Value::Array(
        Level::ALL
            .iter()
            .zip(used)
            .filter(|(_, u)| *u)
            .map(|(l, _)| json!({ "level": l.as_str(), "label": level_label(*l), "icon": level_icon(*l) }))
            .collect(),
    )
}

/// A page as listed elsewhere: cards, lists, related, prev/next.
pub fn summary(m: &Model, p: PageId) -> Value {
    let page = &m.pages[p];
    let front = &page.source.front;
    json!({
        "title": page.title,
        "url": m.url(&page.path),
        "path": page.path,
        "description": front.description,
        "date": front.date.as_ref().map(|d| &d.ymd),
        "date_iso": front.date.as_ref().map(|d| &d.rfc3339),
        "date_display": front.date.as_ref().map(|d| display_date(&d.ymd)),
        "updated": front.updated.as_ref().map(|d| &d.ymd),
        "updated_display": front.updated.as_ref().map(|d| display_date(&d.ymd)),
        "tags": page.tags.iter().map(|&t| json!({ "name": m.tags[t].name, "url": m.url(&m.target_path(Target::Tag(t))) })).collect::<Vec<_>>(),
        "subjects": page.subjects.iter().map(|&s| subject_ref(m, s)).collect::<Vec<_>>(),
    })
}

fn virtual_page(title: &str, description: &str, path: &str, m: &Model) -> Value {
    json!({
        "title": title,
        "description": if description.is_empty() { Value::Null } else { json!(description) },
        "url": m.url(path),
        "path": path,
        "permalink": crate::hosting::permalink_uri(m, path),
        "content": "",
        "toc": [],
        "breadcrumbs": virtual_breadcrumbs(title, path, m),
        "tags": [], "subjects": [], "date": null, "date_display": null, "updated": null,
        "updated_display": null, "extra": {}, "table": null, "edit_url": null,
    })
}

/// Home → index page of the kind (Features, Compare, Tags) → the page itself.
fn virtual_breadcrumbs(title: &str, path: &str, m: &Model) -> Value {
    let mut chain = vec![json!({ "title": "Home", "url": m.url("/") })];
    for (prefix, name) in [
        ("/features/", "Features"),
        ("/compare/", "Compare"),
        ("/tags/", "Tags"),
    ] {
        if path.starts_with(prefix) && path != prefix {
            chain.push(json!({ "title": name, "url": m.url(prefix) }));
        }
    }
    chain.push(json!({ "title": title, "url": null }));
    json!(chain)
}

fn subject_ref(m: &Model, s: SubjectId) -> Value {
    let subject = &m.subjects[s];
    let page = &m.pages[subject.page];
    json!({ "id": subject.id, "title": page.title, "url": m.url(&page.path), "description": page.source.front.description })
}

fn pair_ref(m: &Model, p: usize) -> Value {
    let pair = &m.pairs[p];
    json!({
        "title": format!("{} vs {}", m.subject_title(pair.a), m.subject_title(pair.b)),
        "url": m.url(&m.target_path(Target::Pair(p))),
        "a": subject_ref(m, pair.a),
        "b": subject_ref(m, pair.b),
    })
}

fn feature_summary(m: &Model, f: usize) -> Value {
    let feat = &m.features[f];
    json!({
        "name": feat.name, "slug": feat.slug, "group": feat.group,
        "description": feat.description,
        "url": m.url(&m.target_path(Target::Feature(f))),
    })
}

fn subjects_list(m: &Model) -> Vec<Value> {
    (0..m.subjects.len())
        .map(|s| {
            let mut v = subject_ref(m, s);
            let front = &m.pages[m.subjects[s].page].source.front;
            v["website"] = json!(front.website);
            v["license"] = json!(front.license);
            v["first_release"] = json!(front.first_release);
            v["statement_count"] = json!(m.subjects[s].statements.len());
            v
        })
        .collect()
}

/// Nested table of contents from h2–h4.
fn toc(headings: &[markdown::Heading]) -> Value {
    #[derive(Serialize)]
    struct Entry {
        level: u8,
        title: String,
        id: String,
        children: Vec<Entry>,
    }
    let mut top: Vec<Entry> = Vec::new();
    for h in headings.iter().filter(|h| (2..=4).contains(&h.level)) {
        let e = Entry {
            level: h.level,
            title: h.title.clone(),
            id: h.id.clone(),
            children: Vec::new(),
        };
        match top.last_mut() {
            Some(last) if h.level > last.level => last.children.push(e),
            _ => top.push(e),
        }
    }
    json!(top)
}

fn breadcrumbs(m: &Model, p: PageId) -> Value {
    let mut chain = Vec::new();
    let mut cur = m.pages[p].section;
    while let Some(s) = cur {
        chain.push(json!({ "title": m.pages[s].title, "url": m.url(&m.pages[s].path) }));
        cur = m.pages[s].section;
        if chain.len() > 32 {
            break;
        }
    }
    if m.pages[p].kind == SourceKind::Subject {
        chain.push(json!({ "title": "Subjects", "url": m.url("/subjects/") }));
        if let Some(h) = m.home {
            chain.push(json!({ "title": m.pages[h].title, "url": m.url("/") }));
        }
    }
    if chain.is_empty() && m.pages[p].kind != SourceKind::Home {
        chain.push(json!({ "title": "Home", "url": m.url("/") }));
    }
    chain.reverse();
    if let Some(first) = chain.first_mut()
        && first["url"] == json!(m.url("/"))
    {
        first["title"] = json!("Home");
    }
    chain.push(json!({ "title": m.pages[p].title, "url": null }));
    json!(chain)
}

fn edit_url(m: &Model, p: PageId) -> Value {
    let Some(repo) = &m.config.repository else {
        return Value::Null;
    };
    let file = m.pages[p].source.file.to_string_lossy().replace('\\', "/");
    json!(format!(
        "{}/edit/{}/{}",
        repo.trim_end_matches('/'),
        m.config.edit_branch,
        file
    ))
}

/// `2026-09-14` → `14 September 2026`.
pub fn display_date(ymd: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let mut parts = ymd.split('-');
    let (Some(y), Some(mo), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
        return ymd.to_string();
    };
    let month = mo
        .parse::<usize>()
        .ok()
        .and_then(|i| MONTHS.get(i.wrapping_sub(1)));
    match (month, d.parse::<u32>()) {
        (Some(mo), Ok(d)) => format!("{d} {mo} {y}"),
        _ => ymd.to_string(),
    }
}

/// What every target's context shares (`site` and `config`): while it stays the same, a
/// target renders differently only if its own data changed (the preview server relies on it).
pub fn shared_context(m: &Model, assets: &BTreeMap<String, String>) -> Value {
    json!([site_context(m, assets), config_context(m)])
}

fn site_context(m: &Model, assets: &BTreeMap<String, String>) -> Value {
    let mut sections: Vec<Value> = m
        .pages
        .iter()
        .filter(|p| p.kind == SourceKind::Section && p.section == m.home && p.path != "/subjects/")
        .map(|p| json!({ "title": p.title, "url": m.url(&p.path) }))
        .collect();
    sections.sort_by(|a, b| a["title"].as_str().cmp(&b["title"].as_str()));
    json!({
        "title": m.config.title,
        "description": m.config.description,
        "base_path": m.base_path,
        "home_url": m.url("/"),
        "subjects": subjects_list(m),
        "sections": sections,
        "feature_count": m.features.len(),
        "pair_count": m.pairs.len(),
        "article_count": m.pages.iter().filter(|p| p.kind == SourceKind::Article).count(),
        "groups": m.groups,
        "assets": assets.iter().map(|(k, v)| (k.clone(), m.url(&format!("/{v}")))).collect::<BTreeMap<_, _>>(),
    })
}

fn config_context(m: &Model) -> Value {
    let c = &m.config;
    json!({
        "title": c.title,
        "description": c.description,
        "base_url": c.base_url,
        "language": c.language,
        "repository": c.repository,
        "extra": c.extra,
    })
}

/// `url(path="/compare/")` and `asset(path="style.css")` for templates.
fn register_functions(tera: &mut Tera, m: &Model, assets: &BTreeMap<String, String>) {
    let base = m.base_path.clone();
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            Ok(crate::model::prefix_url(&base, &path))
        },
    );
    let base = m.base_path.clone();
    let map = assets.clone();
    tera.register_function(
        "asset",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            let key = path.trim_start_matches('/');
            let name = map.get(key).map_or(key, String::as_str);
            Ok(crate::model::prefix_url(&base, &format!("/{name}")))
        },
    );
}

/// Turns a Tera error into diagnostics at the template's file, line and column. Tera reports
/// unknown functions, filters and includes for all templates at once as pre-rendered text, so
/// that text is taken apart again.
fn tera_diagnostics(e: &tera::Error, files: &HashMap<String, PathBuf>) -> Vec<Diagnostic> {
    let file_of = |name: &str| {
        files
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(name))
    };
    let source_of = |file: &Path| std::fs::read_to_string(file).ok();
    let (report, kind) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) => (r, "template syntax error"),
        tera::ErrorKind::RenderingError(r) => (r, "template error"),
        tera::ErrorKind::MissingParent { current, parent } => {
            return vec![
                Diagnostic::error(format!("template extends `{parent}`, which does not exist"))
                    .in_file(file_of(current)),
            ];
        }
        tera::ErrorKind::TemplateNotFound(name) => {
            return vec![Diagnostic::error(format!("template `{name}` not found"))];
        }
        other => return parse_reports(&other.to_string(), &file_of),
    };
    let file = file_of(report.filename());
    let span = report.span();
    vec![
        Diagnostic::error(format!("{kind}: {}", report.message()))
            .in_file(&file)
            .at(
                span.start_line,
                span.start_col + 1,
                source_of(&file).as_deref(),
            ),
    ]
}

/// Parses Tera's rendered reports (`error: msg` / ` --> name:line:col`) into diagnostics.
fn parse_reports(text: &str, file_of: &dyn Fn(&str) -> PathBuf) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(msg) = line.trim_start().strip_prefix("error: ") else {
            continue;
        };
        let mut d = Diagnostic::error(format!("template error: {msg}"));
        if let Some(loc) = lines
            .peek()
            .and_then(|l| l.trim_start().strip_prefix("--> "))
        {
            let mut parts = loc.rsplitn(3, ':');
            let col = parts
                .next()
                .and_then(|c| c.parse::<usize>().ok())
                .unwrap_or(0);
            let line_no = parts
                .next()
                .and_then(|c| c.parse::<usize>().ok())
                .unwrap_or(0);
            if let Some(name) = parts.next() {
                let file = file_of(name);
                let src = std::fs::read_to_string(&file).ok();
                d = d.in_file(&file).at(line_no, col, src.as_deref());
            }
        }
        out.push(d);
    }
    if out.is_empty() {
        out.push(Diagnostic::error(format!(
            "template error: {}",
            text.trim()
        )));
    }
    out
}

/// Where the theme's files come from, for messages about embedded templates.
pub fn embedded_path(name: &str) -> PathBuf {
    Path::new("<built-in theme>").join("templates").join(name)
}
