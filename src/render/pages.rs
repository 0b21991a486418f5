//! Contexts of the pages made from Markdown: home, sections, articles and subjects. Each
//! gets `page` (its text rendered, its table, lists of related pages, breadcrumbs…); the home
//! page also the latest articles, a subject page everything said about the subject.
//!
//! Not here: pages generated from the model alone (`generated`), the JSON helpers
//! (`values`).

use std::hash::{Hash, Hasher};

use serde_json::{Value, json};
use xxhash_rust::xxh3::Xxh3;

use super::parts::{Ctx, Mode, Part};
use super::values::{
    breadcrumbs, edit_url, feature_summary, group_ref, levels_used, paginator, pair_ref,
    subject_ref, subjects_list, summary, toc, virtual_page,
};
use crate::content::SourceKind;
use crate::diagnostics::Diagnostic;
use crate::markdown::{self, Env};
use crate::model::{
    FeatureId, PageId, PageKind, PageNo, StatementId, SubjectId, Target, page_slice,
};

/// Articles listed on a home page made from `content/_index.md`.
const HOME_LATEST: usize = 12;

/// A page made from a Markdown file; past page 0, the continuation of its list (a section's
/// pages, a big subject's groups), without its text.
pub fn page(ctx: &mut Ctx, p: PageId, n: PageNo, kind: PageKind) {
    let m = ctx.m;
    let t = Target::Page(p, n);
    let page = page_context(ctx, p, n);
    ctx.insert("page", page);
    ctx.insert_json("paginator", &paginator(m, t));
    match kind {
        PageKind::Home => home_lists(ctx, Some(HOME_LATEST), 0),
        PageKind::Subject => {
            if let Some(sid) = m.subjects.iter().position(|s| s.page == p) {
                let subject = subject_context(ctx, sid, n);
                ctx.insert("subject", subject);
            }
        }
        PageKind::SubjectIndex => ctx.insert_json(
            "subjects",
            &json!(page_slice(&subjects_list(m), n, m.per_page())),
        ),
        _ => {}
    }
}

/// The home page when there is no `content/_index.md`: the site's title, and every article,
/// a page of them at a time (nothing else would link the ones past the latest few).
pub fn generated_home(ctx: &mut Ctx, n: PageNo) {
    let m = ctx.m;
    let c = &m.config;
    let t = Target::Home(n);
    let page = virtual_page(&c.title, &c.description, &m.target_path(t), m);
    ctx.insert_json("page", &page);
    ctx.insert_json("paginator", &paginator(m, t));
    home_lists(ctx, None, n);
}

/// Everything a template needs about a page made from Markdown.
fn page_context(ctx: &mut Ctx, p: PageId, n: PageNo) -> Part {
    let m = ctx.m;
    let page = &m.pages[p];
    let [content, before, after] = if n == 0 {
        body(ctx, p)
    } else {
        [
            ctx.json(&"".into()),
            ctx.json(&"".into()),
            ctx.json(&"".into()),
        ]
    };
    let front = &page.source.front;
    let table = if page.rows.is_empty() || page.kind == SourceKind::Subject {
        ctx.none()
    } else {
        page_table(ctx, p)
    };
    let mut v = summary(m, p);
    let obj = v.as_object_mut().expect("summary is an object");
    obj.insert("kind".into(), json!(page.kind));
    obj.insert("permalink".into(), json!(m.permalink_uri(&page.path)));
    obj.insert("toc".into(), toc(&page.outline.headings));
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
    obj.insert("backlink_count".into(), json!(page.backlinks.len()));
    // Its own page names every subject it compares, as its table does.
    obj.insert(
        "subjects".into(),
        json!(
            page.subjects
                .iter()
                .map(|&s| subject_ref(m, s))
                .collect::<Vec<_>>()
        ),
    );
    let neighbour = |x: Option<PageId>| x.map_or_else(|| ctx.none(), |x| ctx.summary(x));
    ctx.with(
        v,
        [
            ("content", content),
            ("content_before", before),
            ("content_after", after),
            ("table", table),
            ("related", ctx.summaries(&page.related)),
            (
                "backlinks",
                ctx.summaries(page_slice(&page.backlinks, 0, m.per_page())),
            ),
            ("prev", neighbour(page.prev)),
            ("next", neighbour(page.next)),
            (
                "children",
                ctx.summaries(page_slice(&page.children, n, m.per_page())),
            ),
        ],
    )
}

/// The page's text as HTML: whole, and split around where its feature table goes.
///
/// Rendering Markdown (and highlighting its code) is most of a build's work, so a digest
/// does not render it: it hashes what the HTML is made of instead — the body text and where
/// each of its links resolves. (Subject labels of code groups and the highlight settings
/// come from `site` and versus.toml, which change every digest's basis anyway.)
fn body(ctx: &mut Ctx, p: PageId) -> [Part; 3] {
    let m = ctx.m;
    let page = &m.pages[p];
    if ctx.mode == Mode::Digest {
        let mut h = Xxh3::new();
        page.source.body().hash(&mut h);
        for link in &page.outline.links {
            m.href_for(p, &link.dest).hash(&mut h);
        }
        return [Part::Hash(h.finish()), ctx.none(), ctx.none()];
    }
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
            highlighter: ctx.r.highlighter,
            reserved_ids: crate::theme::reserved_ids(page.kind),
            strings: &m.strings,
        },
    );
    for w in &rendered.warnings {
        let line = page.source.body_line + w.line.saturating_sub(1);
        ctx.diags.push(
            Diagnostic::warning(w.message.clone())
                .in_file(&page.source.file)
                .at(line, w.column, Some(&page.source.text)),
        );
    }
    let local = |html: String| {
        crate::highlight::localise_copy_buttons(html.into(), &m.strings).into_owned()
    };
    let whole = local(rendered.whole());
    [
        Part::Value(whole.into()),
        Part::Value(local(rendered.before).into()),
        Part::Value(local(rendered.after).into()),
    ]
}

/// An article's own table: its columns, rows in written order.
fn page_table(ctx: &Ctx, p: PageId) -> Part {
    let m = ctx.m;
    let page = &m.pages[p];
    // Each cell serialised straight into the template's value: no JSON tree per cell.
    let rows = page.rows.iter().map(|r| {
        let cells = r.cells.iter();
        let cells = cells.map(|&c| ctx.serialized(&super::values::cell_view(m, c, false)));
        let row = json!({ "feature": feature_summary(m, r.feature), "label": r.name });
        ctx.with(row, [("cells", ctx.list(cells))])
    });
    let levels = levels_used(
        m,
        page.rows
            .iter()
            .flat_map(|r| r.cells.iter().flatten().copied()),
    );
    let table = json!({
        "columns": page.subjects.iter().map(|&s| subject_ref(m, s)).collect::<Vec<_>>(),
        "levels_used": levels,
    });
    ctx.with(table, [("rows", ctx.list(rows))])
}

/// Everything said about a subject, grouped by feature group in catalogue order; for a big
/// subject, each group's counts instead, linking to the subject's page for that group.
fn subject_context(ctx: &Ctx, s: SubjectId, n: PageNo) -> Part {
    let m = ctx.m;
    let subject = &m.subjects[s];
    let page = &m.pages[subject.page];
    let front = &page.source.front;
    let big = m.subject_is_big(s);
    let groups: Vec<Part> = if big {
        page_slice(&subject.by_group, n, m.per_page())
            .iter()
            .map(|(g, fs)| {
                let mut v = group_ref(m, *g);
                v["url"] = json!(m.url(&m.target_path(Target::SubjectGroup(s, *g, 0))));
                v["count"] = json!(fs.len());
                v["levels"] = level_counts(m, s, fs);
                ctx.with(v, [("features", ctx.list([]))])
            })
            .collect()
    } else {
        subject
            .by_group
            .iter()
            .map(|(g, fs)| {
                let mut v = group_ref(m, *g);
                v["count"] = json!(fs.len());
                ctx.with(v, [("features", ctx.list(statement_rows(ctx, s, fs)))])
            })
            .collect()
    };
    let pairs: Vec<Value> = subject
        .pairs
        .iter()
        .take(m.pairs_shown())
        .map(|&p| pair_ref(m, p))
        .collect();
    ctx.with(
        json!({
            "id": subject.id,
            "title": page.title,
            "url": m.url(&page.path),
            "description": front.description,
            "website": front.website,
            "repository": front.repository,
            "license": front.license,
            "first_release": front.first_release,
            "version": front.version,
            "statement_count": subject.statements.len(),
            "export": m.url(&crate::outputs::export::subject_path(m, s)),
            "pairs": pairs,
            "levels_used": levels_used(m, subject.statements.iter().copied()),
            "summary_only": big,
            "article_count": subject.articles.len(),
            "pair_count": subject.pairs.len(),
            "pair_index": super::pairs::pair_index_url(m),
        }),
        [
            ("groups", ctx.list(groups)),
            (
                "articles",
                ctx.summaries(page_slice(&subject.articles, 0, m.per_page())),
            ),
        ],
    )
}

/// How many of `features` subject `s` has at each level, in legend order (text values
/// last), each with the level's word, icon and badge class so that a count never rests on
/// colour alone.
fn level_counts(m: &crate::model::Model, s: SubjectId, features: &[FeatureId]) -> Value {
    level_list(m, features.iter().filter_map(|&f| m.verdict(s, f)))
}

/// How many of `statements` are at each level, in legend order (text values last), each
/// with the level's word, icon and badge class.
fn level_list(m: &crate::model::Model, statements: impl Iterator<Item = StatementId>) -> Value {
    let mut counts = vec![0usize; m.levels.len() + 1];
    for st in statements {
        match m.statements[st].level {
            Some(l) => counts[l.index()] += 1,
            None => counts[m.levels.len()] += 1,
        }
    }
    let text = counts[m.levels.len()];
    let mut out: Vec<Value> = m
        .levels
        .iter()
        .filter(|(l, _)| counts[l.index()] > 0)
        .map(|(l, _)| {
            let mut v = super::values::level_ref(m, l);
            v["count"] = json!(counts[l.index()]);
            v
        })
        .collect();
    if text > 0 {
        out.push(json!({ "level": "text", "badge": "text", "label": "Text value", "icon": "•", "count": text }));
    }
    Value::Array(out)
}

/// One row per feature: the subject's verdict and the statements about it.
pub fn statement_rows(ctx: &Ctx, s: SubjectId, features: &[FeatureId]) -> Vec<Part> {
    let m = ctx.m;
    features
        .iter()
        .map(|&f| {
            let (statements, more) = row_statements(ctx, s, f);
            ctx.with(
                json!({ "feature": feature_summary(m, f), "more": more }),
                [
                    ("verdict", ctx.cell(m.verdict(s, f))),
                    ("statements", statements),
                ],
            )
        })
        .collect()
}

/// The statements a row about subject `s` on feature `f` lists — the first `[compare]
/// max_statements` — and the rest counted by level (`{count, levels}`, or null): a row stays
/// the same size however many articles say the same thing. Every statement is still on its
/// article's page and in the export.
pub fn row_statements(ctx: &Ctx, s: SubjectId, f: FeatureId) -> (Part, Value) {
    let m = ctx.m;
    let max = m.config.compare.max_statements;
    let shown = ctx.list(
        m.statements_about(s, f)
            .take(max)
            .map(|st| ctx.cell(Some(st))),
    );
    let rest: Vec<StatementId> = m.statements_about(s, f).skip(max).collect();
    let more = match rest.len() {
        0 => Value::Null,
        count => json!({ "count": count, "levels": level_list(m, rest.into_iter()) }),
    };
    (shown, more)
}

/// `latest` (newest articles first: at most `limit`, else page `n` of them) and
/// `article_count` for the home page.
fn home_lists(ctx: &mut Ctx, limit: Option<usize>, n: PageNo) {
    let m = ctx.m;
    let latest = m.articles();
    let total = latest.len();
    let shown = match limit {
        Some(limit) => &latest[..limit.min(total)],
        None => page_slice(&latest, n, m.per_page()),
    };
    let list = ctx.summaries(shown);
    ctx.insert("latest", list);
    ctx.insert_json("article_count", &json!(total));
    // As many subjects as a matrix shows, in the order of `site.subjects`.
    let mut featured: Vec<SubjectId> = m
        .top_subjects
        .iter()
        .copied()
        .take(m.config.compare.max_columns)
        .collect();
    featured.sort_unstable();
    let all = subjects_list(m);
    let featured: Vec<&Value> = featured.iter().map(|&s| &all[s]).collect();
    ctx.insert_json("featured_subjects", &json!(featured));
}
