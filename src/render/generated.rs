//! Contexts of the pages generated from the model alone: the subject and feature indexes,
//! a page per feature, the matrix and its groups, a subject's statements in one group, the
//! tag pages and 404. Pair pages are `pairs`'.
//!
//! Every list here holds at most one page of rows ([`page_slice`]); where a page would
//! outgrow that, it shows a summary by group instead (see `crate::model::targets`).
//!
//! Not here: pages made from Markdown (`pages`), the JSON helpers (`values`).

use serde_json::{Value, json};

use super::parts::{Ctx, Part};
use super::values::{
    feature_summary, group_ref, levels_used, paginator, pair_ref, subject_ref, subjects_list,
    virtual_page,
};
use crate::model::{FeatureId, GroupId, Model, PageNo, SubjectId, TagId, Target, page_slice};

/// The text of `key` in the site's language.
pub(super) fn tr(m: &Model, key: &str) -> String {
    m.strings.t(key, &[])
}

/// A generated page's `page` and `paginator`, with breadcrumbs through `parents`.
pub(super) fn page(
    ctx: &mut Ctx,
    t: Target,
    title: &str,
    description: &str,
    parents: &[(&str, String)],
) {
    let m = ctx.m;
    let path = m.target_path(t);
    let mut v = virtual_page(title, description, &path, m);
    if !parents.is_empty() {
        let mut chain = vec![json!({ "title": tr(m, "breadcrumb_home"), "url": m.url("/") })];
        chain.extend(
            parents
                .iter()
                .map(|(title, path)| json!({ "title": title, "url": m.url(path) })),
        );
        chain.push(json!({ "title": title, "url": null }));
        v["breadcrumbs"] = json!(chain);
    }
    ctx.insert_json("page", &v);
    ctx.insert_json("paginator", &paginator(m, t));
}

/// `/subjects/` when no `content/subjects/_index.md` gives it a text.
pub fn subject_index(ctx: &mut Ctx, n: PageNo) {
    let m = ctx.m;
    page(
        ctx,
        Target::SubjectIndex(n),
        &tr(m, "title_subjects"),
        &tr(m, "description_subjects"),
        &[],
    );
    ctx.insert_json(
        "subjects",
        &json!(page_slice(&subjects_list(m), n, m.per_page())),
    );
}

/// `/features/`: every feature by group, or on a big site every group with its size.
pub fn feature_index(ctx: &mut Ctx, n: PageNo) {
    let m = ctx.m;
    page(
        ctx,
        Target::FeatureIndex(n),
        &tr(m, "title_features"),
        &tr(m, "description_features"),
        &[],
    );
    let groups: Vec<GroupId> = (0..m.groups.len())
        .filter(|&g| !m.groups[g].features.is_empty())
        .collect();
    let big = m.feature_index_is_big();
    let groups: Vec<Value> = page_slice(
        &groups,
        if big { n } else { 0 },
        if big { m.per_page() } else { usize::MAX },
    )
    .iter()
    .map(|&g| {
        let mut v = group_ref(m, g);
        v["features"] = if big {
            json!([])
        } else {
            json!(
                m.groups[g]
                    .features
                    .iter()
                    .map(|&f| feature_summary(m, f))
                    .collect::<Vec<_>>()
            )
        };
        v
    })
    .collect();
    ctx.insert_json("groups", &json!(groups));
    ctx.insert_json("summary_only", &json!(big));
}

/// One feature: every subject's verdict and the statements about it.
pub fn feature(ctx: &mut Ctx, f: FeatureId, n: PageNo) {
    let m = ctx.m;
    let feat = &m.features[f];
    let t = Target::Feature(f, n);
    page(
        ctx,
        t,
        &feat.name,
        feat.description.as_deref().unwrap_or(""),
        &[(&tr(m, "nav_features"), "/features/".into())],
    );
    let subjects: Vec<SubjectId> = (0..m.subjects.len()).collect();
    let rows: Vec<Part> = page_slice(&subjects, n, m.per_page())
        .iter()
        .map(|&s| {
            let (statements, more) = super::pages::row_statements(ctx, s, f);
            ctx.with(
                json!({ "subject": subject_ref(m, s), "more": more }),
                [
                    ("verdict", ctx.cell(m.verdict(s, f))),
                    ("statements", statements),
                ],
            )
        })
        .collect();
    let levels = levels_used(m, feat.statements.iter().copied());
    let feature = ctx.with(
        json!({
            "name": feat.name, "slug": feat.slug, "url": m.url(&m.target_path(Target::Feature(f, 0))),
            "group": m.groups[feat.group].name, "group_ref": group_ref(m, feat.group),
            "description": feat.description, "aliases": feat.aliases,
            "levels_used": levels,
        }),
        [("rows", ctx.list(rows))],
    );
    ctx.insert("feature", feature);
}

/// The subjects a static matrix shows as columns: all, or the first `max_columns` by
/// number of statements.
fn columns(m: &Model) -> Vec<SubjectId> {
    let max = m.config.compare.max_columns;
    if m.subjects.len() <= max {
        return (0..m.subjects.len()).collect();
    }
    let mut top: Vec<SubjectId> = m.top_subjects.iter().copied().take(max).collect();
    top.sort_unstable();
    top
}

/// `/compare/`: every subject against every feature; on a big site, a summary by group
/// (how many features each subject has in it) linking to each group's page.
pub fn matrix(ctx: &mut Ctx, n: PageNo) {
    let m = ctx.m;
    let big = m.matrix_is_big();
    let description = tr(
        m,
        if big {
            "description_matrix_big"
        } else {
            "description_matrix"
        },
    );
    page(
        ctx,
        Target::Matrix(n),
        &tr(m, "title_matrix"),
        &description,
        &[],
    );
    let columns = columns(m);
    if big {
        let groups = m.stated_groups();
        let rows: Vec<Value> = page_slice(&groups, n, m.per_page())
            .iter()
            .map(|&g| {
                let stated = m.stated_in_group(g);
                let counts: Vec<Value> = columns
                    .iter()
                    .map(|&s| {
                        let has = stated
                            .iter()
                            .filter(|&&f| {
                                m.verdict(s, f)
                                    .and_then(|st| m.statements[st].level)
                                    .and_then(|l| m.levels.supports(l))
                                    == Some(true)
                            })
                            .count();
                        json!({ "has": has, "of": stated.len() })
                    })
                    .collect();
                let mut v = group_ref(m, g);
                v["stated"] = json!(stated.len());
                v["counts"] = json!(counts);
                v
            })
            .collect();
        ctx.insert_json(
            "summary",
            &json!({
                "columns": columns.iter().map(|&s| subject_ref(m, s)).collect::<Vec<_>>(),
                "subject_count": m.subjects.len(),
                "group_count": groups.len(),
                "feature_count": m.features.len(),
                "groups": rows,
            }),
        );
        ctx.insert("matrix", ctx.none());
    } else {
        let features: Vec<FeatureId> = (0..m.features.len()).collect();
        let matrix = matrix_of(ctx, &columns, &features);
        ctx.insert("matrix", matrix);
        ctx.insert_json("summary", &Value::Null);
    }
    let shown: Vec<Value> = (0..m.pairs.len().min(m.pairs_shown()))
        .map(|p| pair_ref(m, p))
        .collect();
    ctx.insert_json("pairs", &json!(shown));
    ctx.insert_json("pair_count", &json!(m.pairs.len()));
    ctx.insert_json("pair_index", &super::pairs::pair_index_url(m));
    ctx.insert_json("compare_view", &compare_view(m, &columns));
}

/// What the reader's own comparison view needs to start: its data file and the default
/// columns.
fn compare_view(m: &Model, columns: &[SubjectId]) -> Value {
    json!({
        "data": m.url(crate::outputs::compare::INDEX_PATH),
        "default_subjects": columns.iter().map(|&s| &m.subjects[s].id).collect::<Vec<_>>(),
    })
}

/// `/compare/groups/<group>/`: one group's features against the matrix's columns.
pub fn group(ctx: &mut Ctx, g: GroupId, n: PageNo) {
    let m = ctx.m;
    let group = &m.groups[g];
    let s = &m.strings;
    let against = if m.subjects.len() > m.config.compare.max_columns {
        s.t(
            "group_against_top",
            &[
                ("top", &s.number(m.config.compare.max_columns as i64)),
                ("total", &s.number(m.subjects.len() as i64)),
            ],
        )
    } else {
        tr(m, "group_against_all")
    };
    let description = s.plural(
        "description_group",
        group.features.len() as i64,
        &[("group", &group.name), ("against", &against)],
    );
    page(
        ctx,
        Target::Group(g, n),
        &group.name,
        &description,
        &[(&tr(m, "nav_compare"), "/compare/".into())],
    );
    let columns = columns(m);
    let features = page_slice(&group.features, n, m.per_page()).to_vec();
    let matrix = matrix_of(ctx, &columns, &features);
    ctx.insert("matrix", matrix);
    ctx.insert_json("group", &group_ref(m, g));
    ctx.insert_json("compare_view", &compare_view(m, &columns));
}

/// Subjects × features, grouped, one verdict per cell. Features no statement is about are
/// left out of the full matrix, kept on a group's page (which lists every feature of it).
fn matrix_of(ctx: &Ctx, subjects: &[SubjectId], features: &[FeatureId]) -> Part {
    let m = ctx.m;
    let whole = features.len() == m.features.len();
    let groups: Vec<Part> = (0..m.groups.len())
        .filter_map(|g| {
            let rows: Vec<Part> = features
                .iter()
                .copied()
                .filter(|&f| {
                    m.features[f].group == g && (!whole || !m.features[f].statements.is_empty())
                })
                .map(|f| matrix_row(ctx, subjects, f))
                .collect();
            (!rows.is_empty()).then(|| {
                ctx.with(
                    json!({ "name": m.groups[g].name, "slug": m.groups[g].slug }),
                    [("rows", ctx.list(rows))],
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
    ctx.with(
        json!({
            "columns": subjects.iter().map(|&s| subject_ref(m, s)).collect::<Vec<_>>(),
            "levels_used": used,
        }),
        [("groups", ctx.list(groups))],
    )
}

/// One feature's row: each subject's verdict, and whether they differ.
pub(super) fn matrix_row(ctx: &Ctx, subjects: &[SubjectId], f: FeatureId) -> Part {
    let m = ctx.m;
    let cells = ctx.list(subjects.iter().map(|&s| ctx.cell(m.verdict(s, f))));
    ctx.with(
        json!({
            "feature": feature_summary(m, f),
            "label": m.features[f].name,
            "differs": m.differs(subjects, f),
        }),
        [("cells", cells)],
    )
}

/// `title: group`, the title of a subject's or pair's page for one group.
pub(super) fn in_group(m: &Model, title: &str, g: GroupId) -> String {
    m.strings.t(
        "title_in_group",
        &[("title", title), ("group", &m.groups[g].name)],
    )
}

/// `/subjects/<id>/<group>/`: everything said about a big subject in one group.
pub fn subject_group(ctx: &mut Ctx, s: SubjectId, g: GroupId, n: PageNo) {
    let m = ctx.m;
    let subject = &m.subjects[s];
    let title = in_group(m, m.subject_title(s), g);
    let features = crate::model::features_in_group(&subject.by_group, g);
    let desc = m.strings.plural(
        "description_subject_group",
        features.len() as i64,
        &[
            ("subject", m.subject_title(s)),
            ("group", &m.groups[g].name),
        ],
    );
    let subject_path = m.pages[subject.page].path.clone();
    page(
        ctx,
        Target::SubjectGroup(s, g, n),
        &title,
        &desc,
        &[
            (&tr(m, "nav_subjects"), "/subjects/".into()),
            (m.subject_title(s), subject_path),
        ],
    );
    let rows = super::pages::statement_rows(ctx, s, page_slice(features, n, m.per_page()));
    let value = ctx.with(
        json!({
            "subject": subject_ref(m, s),
            "group": group_ref(m, g),
            "levels_used": levels_used(m, features.iter().flat_map(|&f| m.statements_about(s, f))),
        }),
        [("features", ctx.list(rows))],
    );
    ctx.insert("subject_group", value);
}

/// `/tags/`: every tag with its page count.
pub fn tag_index(ctx: &mut Ctx, n: PageNo) {
    let m = ctx.m;
    page(
        ctx,
        Target::TagIndex(n),
        &tr(m, "title_tags"),
        &tr(m, "description_tags"),
        &[],
    );
    let tags: Vec<usize> = (0..m.tags.len()).collect();
    let tags: Vec<Value> = page_slice(&tags, n, m.per_page())
        .iter()
        .map(|&i| {
            let t = &m.tags[i];
            json!({ "name": t.name, "slug": t.slug, "url": m.url(&m.target_path(Target::Tag(i, 0))), "count": t.pages.len() })
        })
        .collect();
    ctx.insert_json("tags", &json!(tags));
}

/// `/tags/<tag>/`: the pages carrying one tag.
pub fn tag(ctx: &mut Ctx, t: TagId, n: PageNo) {
    let m = ctx.m;
    let tag = &m.tags[t];
    let title = m.strings.t("title_tag", &[("tag", &tag.name)]);
    page(
        ctx,
        Target::Tag(t, n),
        &title,
        "",
        &[(&tr(m, "nav_tags"), "/tags/".into())],
    );
    let url = m.url(&m.target_path(Target::Tag(t, 0)));
    let value = ctx.with(
        json!({ "name": tag.name, "slug": tag.slug, "url": url, "count": tag.pages.len() }),
        [(
            "pages",
            ctx.summaries(page_slice(&tag.pages, n, m.per_page())),
        )],
    );
    ctx.insert("tag", value);
}

pub fn not_found(ctx: &mut Ctx) {
    let title = tr(ctx.m, "title_not_found");
    page(ctx, Target::NotFound, &title, "", &[]);
}
