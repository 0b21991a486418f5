//! Contexts of the pages generated from the model alone: the subject and feature indexes,
//! a page per feature, the matrix, a page per pair of subjects, the tag pages and 404.
//!
//! Not here: pages made from Markdown (`pages`), the JSON helpers (`values`).

use serde_json::{Value, json};

use super::parts::{Ctx, Part};
use super::values::{
    feature_summary, levels_used, pair_ref, subject_ref, subjects_list, virtual_page,
};
use crate::model::{FeatureId, Level, PairId, SubjectId, TagId, Target};

/// `/subjects/` when no `content/subjects/_index.md` gives it a text.
pub fn subject_index(ctx: &mut Ctx) {
    let m = ctx.m;
    ctx.insert_json(
        "page",
        &virtual_page(
            "Subjects",
            "Everything this site compares.",
            "/subjects/",
            m,
        ),
    );
    ctx.insert_json("subjects", &json!(subjects_list(m)));
}

/// `/features/`: every feature, by group.
pub fn feature_index(ctx: &mut Ctx) {
    let m = ctx.m;
    ctx.insert_json(
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
    ctx.insert_json("groups", &json!(groups));
}

/// One feature: every subject's verdict and every statement about it.
pub fn feature(ctx: &mut Ctx, f: FeatureId) {
    let m = ctx.m;
    let feat = &m.features[f];
    let path = m.target_path(Target::Feature(f));
    ctx.insert_json(
        "page",
        &virtual_page(
            &feat.name,
            feat.description.as_deref().unwrap_or(""),
            &path,
            m,
        ),
    );
    let rows: Vec<Part> = (0..m.subjects.len())
        .map(|s| {
            ctx.with(
                json!({ "subject": subject_ref(m, s) }),
                [
                    ("verdict", ctx.cell(m.verdict(s, f))),
                    (
                        "statements",
                        ctx.list(m.statements_about(s, f).map(|st| ctx.cell(Some(st)))),
                    ),
                ],
            )
        })
        .collect();
    let levels = levels_used(m, feat.statements.iter().copied());
    let feature = ctx.with(
        json!({
            "name": feat.name, "slug": feat.slug, "url": m.url(&path),
            "group": feat.group, "description": feat.description, "aliases": feat.aliases,
            "levels_used": levels,
        }),
        [("rows", ctx.list(rows))],
    );
    ctx.insert("feature", feature);
}

/// `/compare/`: every subject against every feature, and the list of pairs.
pub fn matrix(ctx: &mut Ctx) {
    let m = ctx.m;
    ctx.insert_json(
        "page",
        &virtual_page(
            "Compare everything",
            "Every subject against every feature.",
            "/compare/",
            m,
        ),
    );
    let subjects: Vec<SubjectId> = (0..m.subjects.len()).collect();
    let features: Vec<FeatureId> = (0..m.features.len()).collect();
    let matrix = matrix_of(ctx, &subjects, &features);
    ctx.insert("matrix", matrix);
    let pairs: Vec<Value> = (0..m.pairs.len()).map(|p| pair_ref(m, p)).collect();
    ctx.insert_json("pairs", &json!(pairs));
}

/// Subjects × features, grouped, one verdict per cell.
fn matrix_of(ctx: &Ctx, subjects: &[SubjectId], features: &[FeatureId]) -> Part {
    let m = ctx.m;
    let groups: Vec<Part> = m
        .groups
        .iter()
        .filter_map(|g| {
            let rows: Vec<Part> = features
                .iter()
                .copied()
                .filter(|&f| &m.features[f].group == g && !m.features[f].statements.is_empty())
                .map(|f| matrix_row(ctx, subjects, f))
                .collect();
            (!rows.is_empty()).then(|| {
                ctx.with(
                    json!({ "name": g, "slug": crate::slug::slugify(g) }),
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
fn matrix_row(ctx: &Ctx, subjects: &[SubjectId], f: FeatureId) -> Part {
    let m = ctx.m;
    let cells = ctx.list(subjects.iter().map(|&s| ctx.cell(m.verdict(s, f))));
    // What a cell shows as its verdict: the level, else the text value, else nothing.
    let shown = |s: SubjectId| {
        m.verdict(s, f).map(|st| {
            let st = &m.statements[st];
            (st.level.map(Level::as_str), st.value.as_deref())
        })
    };
    let first = subjects.first().map(|&s| shown(s));
    let differs = subjects.iter().any(|&s| Some(shown(s)) != first);
    ctx.with(
        json!({
            "feature": feature_summary(m, f),
            "label": m.features[f].name,
            "differs": differs,
        }),
        [("cells", cells)],
    )
}

/// `/compare/a-vs-b/`: the two subjects side by side, differences first.
pub fn pair(ctx: &mut Ctx, p: PairId) {
    let m = ctx.m;
    let pair = &m.pairs[p];
    let title = format!("{} vs {}", m.subject_title(pair.a), m.subject_title(pair.b));
    let desc = format!(
        "{} and {} side by side: every feature either is said to have, differences first.",
        m.subject_title(pair.a),
        m.subject_title(pair.b)
    );
    ctx.insert_json(
        "page",
        &virtual_page(&title, &desc, &m.target_path(Target::Pair(p)), m),
    );
    let (diff, same): (Vec<_>, Vec<_>) = pair.features.iter().copied().partition(|&f| {
        let a = m
            .verdict(pair.a, f)
            .map(|s| (m.statements[s].level, m.statements[s].value.clone()));
        let b = m
            .verdict(pair.b, f)
            .map(|s| (m.statements[s].level, m.statements[s].value.clone()));
        a != b
    });
    let rows =
        |fs: &[FeatureId]| ctx.list(fs.iter().map(|&f| matrix_row(ctx, &[pair.a, pair.b], f)));
    let levels = levels_used(
        m,
        pair.features
            .iter()
            .flat_map(|&f| [m.verdict(pair.a, f), m.verdict(pair.b, f)])
            .flatten(),
    );
    let value = ctx.with(
        json!({
            "title": title,
            "a": subject_ref(m, pair.a),
            "b": subject_ref(m, pair.b),
            "levels_used": levels,
        }),
        [
            ("differences", rows(&diff)),
            ("same", rows(&same)),
            ("articles", ctx.summaries(&pair.articles)),
        ],
    );
    ctx.insert("pair", value);
}

/// `/tags/`: every tag with its page count.
pub fn tag_index(ctx: &mut Ctx) {
    let m = ctx.m;
    ctx.insert_json(
        "page",
        &virtual_page("Tags", "Articles by topic.", "/tags/", m),
    );
    let tags: Vec<Value> = m
        .tags
        .iter()
        .enumerate()
        .map(|(i, t)| json!({ "name": t.name, "slug": t.slug, "url": m.url(&m.target_path(Target::Tag(i))), "count": t.pages.len() }))
        .collect();
    ctx.insert_json("tags", &json!(tags));
}

/// `/tags/<tag>/`: the pages carrying one tag.
pub fn tag(ctx: &mut Ctx, t: TagId) {
    let m = ctx.m;
    let tag = &m.tags[t];
    let path = m.target_path(Target::Tag(t));
    let title = format!("Tagged “{}”", tag.name);
    ctx.insert_json("page", &virtual_page(&title, "", &path, m));
    let value = ctx.with(
        json!({ "name": tag.name, "slug": tag.slug, "url": m.url(&path) }),
        [("pages", ctx.summaries(&tag.pages))],
    );
    ctx.insert("tag", value);
}

pub fn not_found(ctx: &mut Ctx) {
    ctx.insert_json(
        "page",
        &virtual_page("Page not found", "", "/404.html", ctx.m),
    );
}
