//! Contexts of the pair pages: `/compare/a-vs-b/` (a summary of how two subjects compare,
//! then their differences), the pair's page for one group, and `/compare/pairs/`.
//!
//! Not here: which pairs get a page and their counts (`crate::model::relations`,
//! `crate::model::verdicts`); the other generated pages (`generated`).

use serde_json::{Value, json};

use super::generated::{in_group, matrix_row, page, tr};
use super::parts::{Ctx, Part};
use super::values::{group_ref, levels_used, pair_ref, subject_ref};
use crate::model::{FeatureId, GroupId, Model, PageNo, PairId, Target, page_slice};

/// The URL of `/compare/pairs/` when the site has one.
pub fn pair_index_url(m: &Model) -> Value {
    json!(
        m.has_pair_index()
            .then(|| m.url(&m.target_path(Target::PairIndex(0))))
    )
}

/// `/compare/pairs/`: every pair with a page, a page of them at a time.
pub fn pair_index(ctx: &mut Ctx, n: PageNo) {
    let m = ctx.m;
    page(
        ctx,
        Target::PairIndex(n),
        &tr(m, "title_pairs"),
        &tr(m, "description_pairs"),
        &[(&tr(m, "nav_compare"), "/compare/".into())],
    );
    let pairs: Vec<usize> = (0..m.pairs.len()).collect();
    let shown: Vec<Value> = page_slice(&pairs, n, m.per_page())
        .iter()
        .map(|&p| pair_ref(m, p))
        .collect();
    ctx.insert_json("pairs", &json!(shown));
    ctx.insert_json("pair_count", &json!(m.pairs.len()));
}

/// The pair's title and its rows for `features`, split into differences and the same.
fn pair_rows(ctx: &Ctx, p: PairId, features: &[FeatureId]) -> (Vec<Part>, Vec<Part>) {
    let m = ctx.m;
    let pair = &m.pairs[p];
    let both = [pair.a, pair.b];
    let (diff, same): (Vec<FeatureId>, Vec<FeatureId>) =
        features.iter().partition(|&&f| m.differs(&both, f));
    let rows = |fs: &[FeatureId]| fs.iter().map(|&f| matrix_row(ctx, &both, f)).collect();
    (rows(&diff), rows(&same))
}

/// A pair's [`crate::model::PairSummary`] over `features`, plus `unclear_label`: what its
/// "unclear" count is made of — "Unknown or not stated", naming the other levels that count
/// neither way where the pair has them ("Unknown, N/A or not stated").
fn pair_summary(m: &Model, p: PairId, features: &[FeatureId]) -> Value {
    let mut v = json!(m.pair_summary(p, features));
    let first = tr(m, "unclear_first");
    let mut parts = vec![first.as_str()];
    parts.extend(
        m.unclear_levels(p, features)
            .into_iter()
            .map(|l| m.levels.def(l))
            .filter(|d| d.name != "unknown")
            .map(|d| d.label.as_str()),
    );
    let levels = parts.join(&tr(m, "list_separator"));
    v["unclear_label"] = json!(m.strings.t("unclear_label", &[("levels", &levels)]));
    v
}

/// `/compare/a-vs-b/`: how many features both have, only one has, neither has; then the
/// differences. A big pair shows the differences of its first groups and a table of every
/// group (with its counts) linking to the pair's page for that group.
pub fn pair(ctx: &mut Ctx, p: PairId, n: PageNo) {
    let m = ctx.m;
    let pair = &m.pairs[p];
    let title = m.pair_title(p);
    let desc = m.strings.t(
        "description_pair",
        &[
            ("a", m.subject_title(pair.a)),
            ("b", m.subject_title(pair.b)),
        ],
    );
    page(ctx, Target::Pair(p, n), &title, &desc, &[]);
    let big = m.pair_is_big(p);
    let summary = pair_summary(m, p, &pair.features);
    let levels = levels_used(
        m,
        pair.features
            .iter()
            .flat_map(|&f| [m.verdict(pair.a, f), m.verdict(pair.b, f)])
            .flatten(),
    );
    let (differences, same) = if big {
        // Differences group by group, until a page's worth is shown.
        let mut budget = m.per_page();
        let mut shown = Vec::new();
        if n == 0 {
            for (_, fs) in &pair.by_group {
                let diff: Vec<FeatureId> = fs
                    .iter()
                    .copied()
                    .filter(|&f| m.differs(&[pair.a, pair.b], f))
                    .take(budget)
                    .collect();
                budget -= diff.len();
                shown.extend(diff);
                if budget == 0 {
                    break;
                }
            }
        }
        (pair_rows(ctx, p, &shown).0, Vec::new())
    } else {
        pair_rows(ctx, p, &pair.features)
    };
    let groups: Vec<Value> = if big {
        page_slice(&pair.by_group, n, m.per_page())
            .iter()
            .map(|(g, fs)| {
                let mut v = group_ref(m, *g);
                v["url"] = json!(m.url(&m.target_path(Target::PairGroup(p, *g, 0))));
                v["summary"] = pair_summary(m, p, fs);
                v
            })
            .collect()
    } else {
        Vec::new()
    };
    let value = ctx.with(
        json!({
            "title": title,
            "a": subject_ref(m, pair.a),
            "b": subject_ref(m, pair.b),
            "levels_used": levels,
            "summary": summary,
            "groups": groups,
            "summary_only": big,
            "url": m.url(&m.target_path(Target::Pair(p, 0))),
            "article_count": pair.articles.len(),
        }),
        [
            ("differences", ctx.list(differences)),
            ("same", ctx.list(same)),
            (
                "articles",
                ctx.summaries(page_slice(&pair.articles, 0, m.per_page())),
            ),
        ],
    );
    ctx.insert("pair", value);
}

/// `/compare/a-vs-b/<group>/`: a big pair's features in one group, differences first.
pub fn pair_group(ctx: &mut Ctx, p: PairId, g: GroupId, n: PageNo) {
    let m = ctx.m;
    let pair = &m.pairs[p];
    let title = in_group(m, &m.pair_title(p), g);
    let features = crate::model::features_in_group(&pair.by_group, g);
    let desc = m.strings.plural(
        "description_pair_group",
        features.len() as i64,
        &[
            ("a", m.subject_title(pair.a)),
            ("b", m.subject_title(pair.b)),
            ("group", &m.groups[g].name),
        ],
    );
    page(
        ctx,
        Target::PairGroup(p, g, n),
        &title,
        &desc,
        &[
            (&tr(m, "nav_compare"), "/compare/".into()),
            (&m.pair_title(p), m.target_path(Target::Pair(p, 0))),
        ],
    );
    // Differences first, then the same, across the pages.
    let both = [pair.a, pair.b];
    let mut ordered: Vec<FeatureId> = features
        .iter()
        .copied()
        .filter(|&f| m.differs(&both, f))
        .collect();
    ordered.extend(features.iter().copied().filter(|&f| !m.differs(&both, f)));
    let (differences, same) = pair_rows(ctx, p, page_slice(&ordered, n, m.per_page()));
    let value = ctx.with(
        json!({
            "title": title,
            "a": subject_ref(m, pair.a),
            "b": subject_ref(m, pair.b),
            "group": group_ref(m, g),
            "summary": pair_summary(m, p, features),
            "url": m.url(&m.target_path(Target::Pair(p, 0))),
            "levels_used": levels_used(m, features.iter().flat_map(|&f| [m.verdict(pair.a, f), m.verdict(pair.b, f)]).flatten()),
        }),
        [
            ("differences", ctx.list(differences)),
            ("same", ctx.list(same)),
        ],
    );
    ctx.insert("pair", value);
}
