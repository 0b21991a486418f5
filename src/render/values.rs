//! The plain data templates see, as JSON: a page as lists show it, references to subjects,
//! features and pairs, cells, breadcrumbs, dates, and the site-wide `site` and `config`.
//!
//! Pure functions of the model. Not here: which of these a page kind's context holds
//! (`pages`, `generated`), or how they are shared between pages (`parts`).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::content::SourceKind;
use crate::markdown;
use crate::model::{GroupId, Level, Model, PageId, Said, StatementId, SubjectId, Target};

/// One cell: level (with its word, icon and badge class), value, note, link, versions, its
/// "as of" date, and where it was said (with a link to the line in the repository when the
/// site has one). `None` is "not stated".
pub fn cell(m: &Model, st: Option<StatementId>, with_source: bool) -> Value {
    serde_json::to_value(cell_view(m, st, with_source)).unwrap_or_default()
}

/// A cell as [`cell`] shows it, borrowed from the model: serialised straight into a template
/// value or a digest, it skips building a JSON tree per cell (a feature page has thousands).
#[derive(Serialize)]
pub struct CellView<'m> {
    stated: bool,
    level: &'m str,
    badge: &'m str,
    label: &'m str,
    icon: &'m str,
    value: Option<&'m str>,
    note: Option<&'m str>,
    link: Option<&'m str>,
    since: Option<&'m str>,
    until: Option<&'m str>,
    as_of: Option<AsOfView<'m>>,
    verified_version: Option<&'m str>,
    source: Option<SourceView<'m>>,
}

#[derive(Serialize)]
struct AsOfView<'m> {
    date: &'m str,
    display: String,
    from: crate::model::DateSource,
    describe: &'m str,
}

/// Where a statement was said: a page, or a data file (see [`source_view`]).
#[derive(Serialize)]
pub struct SourceView<'m> {
    kind: &'static str,
    title: &'m str,
    url: String,
    line: usize,
    place: String,
    file: String,
    repo_url: Option<String>,
}

/// See [`cell`].
pub fn cell_view(m: &Model, st: Option<StatementId>, with_source: bool) -> CellView<'_> {
    let Some(st) = st else {
        return CellView {
            stated: false,
            level: "none",
            badge: "none",
            label: m.strings.text("not_stated"),
            icon: "–",
            value: None,
            note: None,
            link: None,
            since: None,
            until: None,
            as_of: None,
            verified_version: None,
            source: None,
        };
    };
    let s = &m.statements[st];
    let (level, badge, label, icon) = match s.level {
        Some(l) => {
            let d = m.levels.def(l);
            (
                d.name.as_str(),
                d.badge.as_str(),
                d.label.as_str(),
                d.symbol.as_str(),
            )
        }
        None => ("text", "text", "", "•"),
    };
    let as_of = s.as_of.as_ref().map(|a| AsOfView {
        date: &a.date.ymd,
        display: m.strings.month(&a.date.ymd),
        from: a.from,
        describe: m.strings.text(a.from.key()),
    });
    CellView {
        stated: true,
        level,
        badge,
        label,
        icon,
        value: s.value.as_deref(),
        note: s.note.as_deref(),
        link: s.link.as_deref(),
        since: s.since.as_deref(),
        until: s.until.as_deref(),
        as_of,
        verified_version: s.verified_version.as_deref(),
        source: with_source.then(|| source_view(m, s.said, s.line)),
    }
}

/// A level as legends and counts show it: `{level, badge, label, icon}`.
pub fn level_ref(m: &Model, l: Level) -> Value {
    let d = m.levels.def(l);
    json!({ "level": d.name, "badge": d.badge, "label": d.label, "icon": d.symbol })
}

/// "row 12" in a table, "line 12" in a document, in the site's language.
fn place(m: &Model, table: bool, line: usize) -> String {
    let key = if table { "place_row" } else { "place_line" };
    m.strings.t(key, &[("line", &line.to_string())])
}

/// Where a statement was said, as templates show it: the page (its title and URL), or the
/// data file (its name, and its URL as published) with "row 12" or "line 12".
pub fn source_view(m: &Model, said: Said, line: usize) -> SourceView<'_> {
    let (kind, title, path, file, table) = match said {
        Said::Page(p) => {
            let page = &m.pages[p];
            (
                "page",
                page.title.as_str(),
                page.path.clone(),
                &page.source.file,
                false,
            )
        }
        Said::Data(d) => {
            let data = &m.data[d].source;
            (
                "data",
                data.name(),
                data.path(),
                &data.file,
                data.format.is_table(),
            )
        }
    };
    let file = file.to_string_lossy().replace('\\', "/");
    SourceView {
        kind,
        title,
        url: m.url(&path),
        line,
        place: place(m, table, line),
        repo_url: m.edit_links.as_ref().map(|e| e.line(&file, line)),
        file,
    }
}

/// The levels that occur, in legend order, each with word, icon and badge class.
pub fn levels_used(m: &Model, statements: impl Iterator<Item = StatementId>) -> Value {
    let mut used = vec![false; m.levels.len()];
    for st in statements {
        if let Some(l) = m.statements[st].level {
            used[l.index()] = true;
        }
    }
    Value::Array(
        m.levels
            .iter()
            .filter(|(l, _)| used[l.index()])
            .map(|(l, _)| level_ref(m, l))
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
        "date_display": front.date.as_ref().map(|d| m.strings.date(&d.ymd)),
        "updated": front.updated.as_ref().map(|d| &d.ymd),
        "updated_display": front.updated.as_ref().map(|d| m.strings.date(&d.ymd)),
        "tags": page.tags.iter().map(|&t| json!({ "name": m.tags[t].name, "url": m.url(&m.target_path(Target::Tag(t, 0))) })).collect::<Vec<_>>(),
        // As many as a matrix shows: an article comparing 300 subjects is listed in a line.
        "subjects": page.subjects.iter().take(m.config.compare.max_columns).map(|&s| subject_ref(m, s)).collect::<Vec<_>>(),
        "subject_count": page.subjects.len(),
    })
}

pub fn virtual_page(title: &str, description: &str, path: &str, m: &Model) -> Value {
    json!({
        "title": title,
        "description": if description.is_empty() { Value::Null } else { json!(description) },
        "url": m.url(path),
        "path": path,
        "permalink": m.permalink_uri(path),
        "content": "",
        "toc": [],
        "breadcrumbs": virtual_breadcrumbs(title, path, m),
        "tags": [], "subjects": [], "date": null, "date_display": null, "updated": null,
        "updated_display": null, "extra": {}, "table": null, "edit_url": null,
    })
}

/// Home → index page of the kind (Features, Compare, Tags) → the page itself.
pub fn virtual_breadcrumbs(title: &str, path: &str, m: &Model) -> Value {
    let mut chain =
        vec![json!({ "title": m.strings.t("breadcrumb_home", &[]), "url": m.url("/") })];
    for (prefix, key) in [
        ("/features/", "nav_features"),
        ("/compare/", "nav_compare"),
        ("/tags/", "nav_tags"),
    ] {
        if path.starts_with(prefix) && path != prefix {
            chain.push(json!({ "title": m.strings.t(key, &[]), "url": m.url(prefix) }));
        }
    }
    chain.push(json!({ "title": title, "url": null }));
    json!(chain)
}

pub fn subject_ref(m: &Model, s: SubjectId) -> Value {
    let subject = &m.subjects[s];
    let page = &m.pages[subject.page];
    json!({ "id": subject.id, "title": page.title, "url": m.url(&page.path), "description": page.source.front.description })
}

pub fn pair_ref(m: &Model, p: usize) -> Value {
    let pair = &m.pairs[p];
    json!({
        "title": m.pair_title(p),
        "url": m.url(&m.target_path(Target::Pair(p, 0))),
        "a": subject_ref(m, pair.a),
        "b": subject_ref(m, pair.b),
    })
}

pub fn feature_summary(m: &Model, f: usize) -> Value {
    let feat = &m.features[f];
    json!({
        "name": feat.name, "slug": feat.slug, "group": m.groups[feat.group].name,
        "description": feat.description,
        "url": m.url(&m.target_path(Target::Feature(f, 0))),
    })
}

/// A feature group: its name, slug, how many features it has, and its page when groups
/// have pages.
pub fn group_ref(m: &Model, g: GroupId) -> Value {
    let group = &m.groups[g];
    json!({
        "name": group.name,
        "slug": group.slug,
        "feature_count": group.features.len(),
        "url": m.group_pages().then(|| m.url(&m.target_path(Target::Group(g, 0)))),
    })
}

/// Where a paginated list is: `number` (from 1) of `total`, the URLs of the first, previous,
/// next and last pages, and up to seven numbered pages around this one. `None` when the list
/// fits on one page.
pub fn paginator(m: &Model, t: Target) -> Value {
    let total = m.pages_of(t);
    if total <= 1 {
        return Value::Null;
    }
    let n = t.page_no();
    let url = |k: usize| m.url(&m.target_path(t.with_page(k)));
    let lo = n.saturating_sub(3).min(total.saturating_sub(7));
    let pages: Vec<Value> = (lo..total.min(lo + 7))
        .map(|k| json!({ "number": k + 1, "url": url(k), "current": k == n }))
        .collect();
    json!({
        "number": n + 1,
        "total": total,
        "per_page": m.per_page(),
        "first": url(0),
        "last": url(total - 1),
        "prev": (n > 0).then(|| url(n - 1)),
        "next": (n + 1 < total).then(|| url(n + 1)),
        "pages": pages,
    })
}

pub fn subjects_list(m: &Model) -> Vec<Value> {
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
pub fn toc(headings: &[markdown::Heading]) -> Value {
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

pub fn breadcrumbs(m: &Model, p: PageId) -> Value {
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
        chain
            .push(json!({ "title": m.strings.t("nav_subjects", &[]), "url": m.url("/subjects/") }));
        if let Some(h) = m.home {
            chain.push(json!({ "title": m.pages[h].title, "url": m.url("/") }));
        }
    }
    if chain.is_empty() && m.pages[p].kind != SourceKind::Home {
        chain.push(json!({ "title": m.strings.t("breadcrumb_home", &[]), "url": m.url("/") }));
    }
    chain.reverse();
    if let Some(first) = chain.first_mut()
        && first["url"] == json!(m.url("/"))
    {
        first["title"] = json!(m.strings.t("breadcrumb_home", &[]));
    }
    chain.push(json!({ "title": m.pages[p].title, "url": null }));
    json!(chain)
}

/// Where to edit page `p` in the site's repository, if it has one.
pub fn edit_url(m: &Model, p: PageId) -> Value {
    let file = m.pages[p].source.file.to_string_lossy().replace('\\', "/");
    json!(m.edit_links.as_ref().map(|e| e.page(&file)))
}

/// A multilingual site's languages as this page (at site path `path`) links to them:
/// `{lang, name, url, permalink, exists, current}` each, `exists` when the language has the
/// same page (else `url` is its home page). Empty on a site with one language.
pub fn translations(m: &Model, path: &str) -> Value {
    Value::Array(
        m.alternates
            .iter()
            .map(|a| {
                let exists = a.paths.contains(path);
                let at = if exists { path } else { "/" };
                json!({
                    "lang": a.code,
                    "name": a.name,
                    "url": crate::urls::prefix_url(&a.base_path, at),
                    "permalink": format!(
                        "{}{}",
                        crate::urls::origin_of(&a.base_url),
                        crate::urls::encode_uri_path(&crate::urls::prefix_url(&a.base_path, at))
                    ),
                    "exists": exists,
                    "current": a.code == m.config.language,
                })
            })
            .collect(),
    )
}

/// What every target's context shares (`site` and `config`): while it stays the same, a
/// target renders differently only if its own data changed (the preview server relies on it).
pub fn shared_context(m: &Model, assets: &BTreeMap<String, String>) -> Value {
    json!([site_context(m, assets), config_context(m)])
}

pub fn site_context(m: &Model, assets: &BTreeMap<String, String>) -> Value {
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
        "groups": m.groups.iter().map(|g| &g.name).collect::<Vec<_>>(),
        "levels": m.levels.iter().map(|(l, d)| {
            let mut v = level_ref(m, l);
            v["colour"] = json!(d.colour);
            v["support"] = json!(d.support);
            v
        }).collect::<Vec<_>>(),
        // The order tables sort levels in, for site.js; only when the site declares its own
        // levels (the script knows the built-in order).
        "level_order": m.levels.is_declared().then(|| m.levels.sort_order().join(" ")),
        "assets": assets.iter().map(|(k, v)| (k.clone(), m.url(&format!("/{v}")))).collect::<BTreeMap<_, _>>(),
    })
}

pub fn config_context(m: &Model) -> Value {
    let c = &m.config;
    json!({
        "title": c.title,
        "description": c.description,
        "base_url": c.base_url,
        "language": c.language,
        "repository": c.repo_url,
        "repo_url": c.repo_url,
        "repo_branch": c.repo_branch,
        "extra": c.extra,
    })
}
