//! The data behind the reader's own comparison view on `/compare/` (pick subjects, a group,
//! "only differences"; kept in the URL): a small index of subjects, groups and levels, and
//! one file of cells per group, fetched only when a reader uses the view.
//!
//! Format (version 1), documented for theme authors in docs/templates.md:
//!
//! - `compare/data/index.json`: `{"v":1, "subjects":[[id, title, url]],
//!   "groups":[[name, slug, features, file]], "levels":[[key, label, icon, badge, support]]}`
//!   — the site's levels in declared order; `badge` is the class suffix of its badge
//!   (`badge-yes`, `badge-purple`), `support` is true, false or null (counts neither way)
//! - `compare/data/<group>.json`: `{"v":1, "group":slug, "features":[[name, url]],
//!   "cells":[[cell, …one per subject…], …one per feature…]}` where a cell is `0` (not
//!   stated), `[level]` (an index into `levels`, or `-1` for a text value) or
//!   `[level, text]` (the note, or the text value).
//!
//! Not here: the static matrices (rendered pages), the view itself (the theme's script).

use serde_json::{Value, json};

use crate::model::{Model, Target};

/// Where the index is written (a site path).
pub const INDEX_PATH: &str = "/compare/data/index.json";

/// The index and one file per group with features.
pub fn files(m: &Model) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut groups = Vec::new();
    for group in &m.groups {
        if group.features.is_empty() {
            continue;
        }
        let file = format!("compare/data/{}.json", group.slug);
        groups.push(json!([
            group.name,
            group.slug,
            group.features.len(),
            m.url(&format!("/{file}"))
        ]));
        let features: Vec<Value> = group
            .features
            .iter()
            .map(|&f| {
                json!([
                    m.features[f].name,
                    m.url(&m.target_path(Target::Feature(f, 0)))
                ])
            })
            .collect();
        let cells: Vec<Value> = group
            .features
            .iter()
            .map(|&f| {
                Value::Array(
                    (0..m.subjects.len())
                        .map(|s| match m.verdict(s, f) {
                            None => json!(0),
                            Some(st) => {
                                let st = &m.statements[st];
                                let level = st.level.map_or(-1, |l| l.index() as i64);
                                match st.note.as_ref().or(st.value.as_ref()) {
                                    Some(text) => json!([level, text]),
                                    None => json!([level]),
                                }
                            }
                        })
                        .collect(),
                )
            })
            .collect();
        let data = json!({ "v": 1, "group": group.slug, "features": features, "cells": cells });
        files.push((file, serde_json::to_vec(&data).unwrap_or_default()));
    }
    let subjects: Vec<Value> = (0..m.subjects.len())
        .map(|s| {
            let page = &m.pages[m.subjects[s].page];
            json!([m.subjects[s].id, page.title, m.url(&page.path)])
        })
        .collect();
    let levels: Vec<Value> = m
        .levels
        .iter()
        .map(|(_, d)| json!([d.name, d.label, d.symbol, d.badge, d.support]))
        .collect();
    let index = json!({ "v": 1, "subjects": subjects, "groups": groups, "levels": levels });
    files.insert(
        0,
        (
            INDEX_PATH.trim_start_matches('/').to_string(),
            serde_json::to_vec(&index).unwrap_or_default(),
        ),
    );
    files
}
