//! Contexts of the pages made from Markdown: home, sections, articles and subjects. Each
//! gets `page` (its text rendered, its table, lists of related pages, breadcrumbs…); the home
//! page also the latest articles, a subject page everything said about the subject.
//!
//! Not here: pages generated from the model alone (`generated`), the JSON helpers
//! (`values`).

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};

use serde_json::{Value, json};
use xxhash_rust::xxh3::Xxh3;

use super::parts::{Ctx, Mode, Part};
use super::values::{
    breadcrumbs, edit_url, feature_summary, levels_used, pair_ref, subject_ref, subjects_list,
    summary, toc, virtual_page,
};
use crate::content::SourceKind;
use crate::diagnostics::Diagnostic;
use crate::markdown::{self, Env};
use crate::model::{PageId, PageKind, StatementId, SubjectId};

/// Articles listed on a home page made from `content/_index.md`.
const HOME_LATEST: usize = 12;

/// A page made from a Markdown file.
pub fn page(ctx: &mut Ctx, p: PageId, kind: PageKind) {
    let m = ctx.m;
    let page = page_context(ctx, p);
    ctx.insert("page", page);
    match kind {
        PageKind::Home => home_lists(ctx, Some(HOME_LATEST)),
        PageKind::Subject => {
            if let Some(sid) = m.subjects.iter().position(|s| s.page == p) {
                let subject = subject_context(ctx, sid);
                ctx.insert("subject", subject);
            }
        }
        PageKind::SubjectIndex => ctx.insert_json("subjects", &json!(subjects_list(m))),
        _ => {}
    }
}

/// The home page when there is no `content/_index.md`: the site's title, and every article
/// (nothing else would link the ones past the latest few).
pub fn generated_home(ctx: &mut Ctx) {
    let c = &ctx.m.config;
    let page = virtual_page(&c.title, &c.description, "/", ctx.m);
    ctx.insert_json("page", &page);
    home_lists(ctx, None);
}

/// Everything a template needs about a page made from Markdown.
fn page_context(ctx: &mut Ctx, p: PageId) -> Part {
    let m = ctx.m;
    let page = &m.pages[p];
    let [content, before, after] = body(ctx, p);
    let front = &page.source.front;
    let table = if page.rows.is_empty() || page.kind == SourceKind::Subject {
        Value::Null
    } else {
        page_table(ctx, p)
    };
    let mut v = summary(m, p);
    let obj = v.as_object_mut().expect("summary is an object");
    obj.insert("kind".into(), json!(page.kind));
    obj.insert("permalink".into(), json!(m.permalink(&page.path)));
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
    let neighbour = |x: Option<PageId>| x.map_or_else(|| ctx.none(), |x| ctx.summary(x));
    ctx.with(
        v,
        [
            ("content", content),
            ("content_before", before),
            ("content_after", after),
            ("related", ctx.summaries(&page.related)),
            ("backlinks", ctx.summaries(&page.backlinks)),
            ("prev", neighbour(page.prev)),
            ("next", neighbour(page.next)),
            ("children", ctx.summaries(&page.children)),
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
    let whole = rendered.whole();
    [
        Part::Value(whole.into()),
        Part::Value(rendered.before.into()),
        Part::Value(rendered.after.into()),
    ]
}

/// An article's own table: its columns, rows in written order.
fn page_table(ctx: &Ctx, p: PageId) -> Value {
    let m = ctx.m;
    let page = &m.pages[p];
    let rows: Vec<Value> = page
        .rows
        .iter()
        .map(|r| {
            json!({
                "feature": feature_summary(m, r.feature),
                "label": r.name,
                "cells": r.cells.iter().map(|c| super::values::cell(m, *c, false)).collect::<Vec<_>>(),
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

/// Everything said about a subject, grouped by feature group in catalogue order.
fn subject_context(ctx: &Ctx, s: SubjectId) -> Part {
    let m = ctx.m;
    let subject = &m.subjects[s];
    let page = &m.pages[subject.page];
    let front = &page.source.front;
    let mut by_feature: BTreeMap<usize, Vec<StatementId>> = BTreeMap::new();
    for &st in &subject.statements {
        by_feature
            .entry(m.statements[st].feature)
            .or_default()
            .push(st);
    }
    let groups: Vec<Part> = m
        .groups
        .iter()
        .filter_map(|g| {
            let features: Vec<Part> = by_feature
                .iter()
                .filter(|(f, _)| &m.features[**f].group == g)
                .map(|(&f, sts)| {
                    ctx.with(
                        json!({ "feature": feature_summary(m, f) }),
                        [
                            ("verdict", ctx.cell(m.verdict(s, f))),
                            (
                                "statements",
                                ctx.list(sts.iter().map(|&st| ctx.cell(Some(st)))),
                            ),
                        ],
                    )
                })
                .collect();
            (!features.is_empty())
                .then(|| ctx.with(json!({ "name": g }), [("features", ctx.list(features))]))
        })
        .collect();
    let pairs: Vec<Value> = subject.pairs.iter().map(|&p| pair_ref(m, p)).collect();
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
            "statement_count": subject.statements.len(),
            "pairs": pairs,
            "levels_used": levels_used(m, subject.statements.iter().copied()),
        }),
        [
            ("groups", ctx.list(groups)),
            ("articles", ctx.summaries(&subject.articles)),
        ],
    )
}

/// `latest` (newest articles first, at most `limit`) and `article_count` for the home page.
fn home_lists(ctx: &mut Ctx, limit: Option<usize>) {
    let m = ctx.m;
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
    let list = ctx.summaries(&latest);
    ctx.insert("latest", list);
    ctx.insert_json("article_count", &json!(total));
}
