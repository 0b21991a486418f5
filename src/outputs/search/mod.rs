//! The site-search index, in small files under `search/` that the default theme's
//! `search.js` fetches as the reader types: the first search of a 15,000-feature site
//! downloads a few tens of kilobytes, not the whole index. No server, any static host.
//!
//! | file | holds | fetched |
//! |---|---|---|
//! | `index.json` | the manifest: shard prefixes, document kinds, URL prefixes, base path | on the first focus of a search box |
//! | `w-<prefix>.json` | word shard: postings of every word starting with the prefix ([`shards`]) | for a query word with that prefix |
//! | `n-<prefix>.json` | the merged postings of all words starting with a prefix too big for one shard | for a query word that *is* that prefix |
//! | `d-<n>.json` | documents `n·256 …`: `[title, path, description]` | for the results shown |
//! | `t-<n>.json` | text of 100 pages: `[[id, [[heading, anchor], …], text], …]` | when the reader searches page text |
//!
//! A document is anything a reader may look for: a page (home, section, article, subject),
//! a feature, a group's matrix, a pair, a tag (the first page of each; later pages of a list
//! and the per-group parts of a subject or pair are not). Documents are numbered by kind
//! (subjects, features, groups, articles, sections, home, pairs, tags), then title: results that score the same are shown in that
//! order, and the manifest's `kinds` ranges give each id its kind without a download.
//! Paths are stored without the base path, and without their folder where the kind implies
//! it (`features/` + `brilo-bribri` + `/`), to keep the files small.
//!
//! The word shards are made from what the model knows (titles, subjects and features
//! compared, groups, aliases, descriptions); headings and running text are only in the
//! `t-` files, by page, so that an edit to a page's body makes again just the one `t-` file
//! holding it ([`files_for_text`]). Page text is searched by substring once loaded: in the
//! background on sites of up to [`TEXT_AUTO_PAGES`] pages, else when the reader asks
//! (docs/templates.md says why).
//!
//! All paths are relative to [`DIR`], and `search.js` finds every file from the manifest's
//! URL, so an index per language can live in its own folder.
//!
//! This module does not rank: see `search.js` and docs/templates.md. It is not Pagefind:
//! docs/templates.md says why.

pub mod shards;

use std::collections::HashMap;

use rayon::prelude::*;
use serde_json::json;

use super::Made;
use crate::content::SourceKind;
use crate::model::tracked::{self, Changes, Reads};
use crate::model::{Model, PageId, SUBJECT_INDEX_PATH, Target};

/// The folder of the index, relative to the output folder.
pub const DIR: &str = "search";

/// The manifest's path, relative to the output folder.
pub const MANIFEST_PATH: &str = "search/index.json";

/// Documents per `d-` file.
pub const DOC_CHUNK: usize = 256;

/// Pages per `t-` file. A fixed count, not a size, so that which file holds a page never
/// depends on the text of the pages before it.
pub const TEXT_CHUNK: usize = 100;

/// Sites with at most this many pages load page text in the background on first use (about
/// 50 kB gzipped at most); larger ones when the reader asks.
pub const TEXT_AUTO_PAGES: usize = 200;

/// Bytes of plain text kept per page; titles and headings are always complete.
pub const TEXT_CAP: usize = 480;

/// Bytes of a description kept in a `d-` file (it is a one-line hint under the title; all
/// of its words are searchable).
pub const DESC_CAP: usize = 160;

/// Document kinds in id order, as `search.js` knows them: subject, feature, group, article,
/// section, home, pair, tag.
const KINDS: [char; 8] = ['s', 'f', 'g', 'a', 'c', 'h', 'p', 't'];

/// What [`files`] keeps for [`files_for_text`] and for its next run: each page's `t-` entry,
/// so that a body edit re-serialises one page and re-joins one file, and an edit to the
/// model re-serialises only the entries whose reads it touched.
#[derive(Default)]
pub struct Kept {
    /// The `t-` entry of every page, in id order.
    texts: Vec<Vec<u8>>,
    /// What making each entry of `texts` read of the model.
    reads: Vec<Reads>,
    /// Page → (position in `texts`, document id).
    pages: HashMap<PageId, (usize, u32)>,
}

/// One searchable target.
struct Doc {
    target: Target,
    kind: char,
    title: String,
    /// Site path without the base path (`/features/x/`).
    path: String,
    description: String,
    /// Subjects and features compared, a feature's group and aliases.
    keywords: Vec<String>,
}

/// Every file of the index, keeping each page's text entry in `kept`; with `changes` (since
/// the run that filled `kept`), an entry whose page has the same place and document id and
/// whose reads no change touches is taken from `kept`.
pub fn files(model: &Model, changes: Option<&Changes>, kept: &mut Kept) -> Made {
    let docs = documents(model);
    let words = shards::postings(docs.iter().map(|d| {
        (
            d.title.as_str(),
            d.keywords.as_slice(),
            d.description.as_str(),
        )
    }));
    let shards = shards::split(&words);
    let prefixes = kind_prefixes(model);

    let mut made: Made = Vec::new();
    let leaves: Vec<&str> = shards.leaves.iter().map(|(p, _)| p.as_str()).collect();
    let nodes: Vec<&str> = shards.nodes.iter().map(|(p, _)| p.as_str()).collect();
    let pages: Vec<(PageId, u32)> = docs
        .iter()
        .enumerate()
        .filter_map(|(id, d)| match d.target {
            Target::Page(p, _) => Some((p, id as u32)),
            _ => None,
        })
        .collect();
    let kinds: Vec<(char, usize)> = KINDS
        .iter()
        .filter_map(|&k| docs.iter().position(|d| d.kind == k).map(|i| (k, i)))
        .collect();
    let manifest = json!({
        "v": 2,
        "base": model.url("/"),
        "docs": docs.len(),
        "chunk": DOC_CHUNK,
        "kinds": kinds,
        "paths": prefixes,
        "leaves": leaves,
        "nodes": nodes,
        "text": {
            "pages": pages.len(),
            "chunk": TEXT_CHUNK,
            "auto": pages.len() <= TEXT_AUTO_PAGES,
        },
    });
    made.push((
        MANIFEST_PATH.to_string(),
        serde_json::to_vec(&manifest).unwrap_or_default(),
    ));
    for (prefix, bytes) in shards.leaves {
        made.push((shard_path('w', &prefix), bytes));
    }
    for (prefix, bytes) in shards.nodes {
        made.push((shard_path('n', &prefix), bytes));
    }
    for (n, chunk) in docs.chunks(DOC_CHUNK).enumerate() {
        let records: Vec<serde_json::Value> = chunk.iter().map(|d| record(d, &prefixes)).collect();
        made.push((
            format!("{DIR}/d-{n}.json"),
            serde_json::to_vec(&records).unwrap_or_default(),
        ));
    }

    let old = &*kept;
    let (texts, reads) = pages
        .par_iter()
        .enumerate()
        .map(|(i, &(p, id))| match changes {
            Some(c) if old.pages.get(&p) == Some(&(i, id)) && !c.touch(&old.reads[i]) => {
                (old.texts[i].clone(), old.reads[i].clone())
            }
            _ => tracked::record(|| text_entry(model, p, id)),
        })
        .unzip();
    kept.texts = texts;
    kept.reads = reads;
    kept.pages = pages
        .iter()
        .enumerate()
        .map(|(i, &(p, id))| (p, (i, id)))
        .collect();
    for n in 0..kept.texts.len().div_ceil(TEXT_CHUNK) {
        made.push(text_file(kept, n));
    }
    made
}

/// The files that can differ after only the text of `pages` changed: the `t-` files
/// holding them. Everything else in the index is made from what such an edit cannot change.
pub fn files_for_text(model: &Model, pages: &[PageId], kept: &mut Kept) -> Made {
    if kept.pages.is_empty() {
        return files(model, None, kept);
    }
    let mut chunks: Vec<usize> = Vec::new();
    for p in pages {
        if let Some(&(i, id)) = kept.pages.get(p) {
            (kept.texts[i], kept.reads[i]) = tracked::record(|| text_entry(model, *p, id));
            chunks.push(i / TEXT_CHUNK);
        }
    }
    chunks.sort_unstable();
    chunks.dedup();
    chunks.into_iter().map(|n| text_file(kept, n)).collect()
}

/// `search/w-<prefix>.json` (or `n-`).
pub fn shard_path(kind: char, prefix: &str) -> String {
    format!("{DIR}/{kind}-{}.json", shards::file_name(prefix))
}

/// Every searchable target, in id order (kind, then title).
fn documents(model: &Model) -> Vec<Doc> {
    let mut docs: Vec<Doc> = model
        .targets()
        .par_iter()
        .filter_map(|&t| document(model, t))
        .collect();
    docs.sort_by_cached_key(|d| {
        let kind = KINDS.iter().position(|&k| k == d.kind);
        (kind, d.title.to_lowercase(), d.path.clone())
    });
    docs
}

fn document(m: &Model, t: Target) -> Option<Doc> {
    let doc = |kind, title: &str, description: &str, keywords| Doc {
        target: t,
        kind,
        title: title.to_string(),
        path: m.target_path(t),
        description: description.to_string(),
        keywords,
    };
    Some(match t {
        Target::Page(p, 0) => {
            let page = &m.pages[p];
            let kind = match page.kind {
                SourceKind::Home => 'h',
                SourceKind::Section => 'c',
                SourceKind::Subject => 's',
                SourceKind::Article => 'a',
            };
            let mut keywords: Vec<String> = page
                .subjects
                .iter()
                .map(|&s| m.subject_title(s).to_string())
                .collect();
            keywords.extend(page.rows.iter().map(|r| m.features[r.feature].name.clone()));
            let description = page.source.front.description.as_deref().unwrap_or("");
            doc(kind, &page.title, description, keywords)
        }
        Target::Feature(f, 0) => {
            let feat = &m.features[f];
            let mut keywords = vec![m.groups[feat.group].name.clone()];
            keywords.extend(feat.aliases.iter().cloned());
            let description = feat.description.as_deref().unwrap_or("");
            doc('f', &feat.name, description, keywords)
        }
        Target::Pair(p, 0) => doc('p', &m.pair_title(p), "", Vec::new()),
        Target::Group(g, 0) => doc('g', &m.groups[g].name, "", Vec::new()),
        Target::Tag(i, 0) => doc('t', &m.tags[i].name, "", Vec::new()),
        _ => return None,
    })
}

/// The folder each generated kind lives in (`{"f": "features/", …}`), from the model's
/// own paths for the index pages, so that records can leave it out.
fn kind_prefixes(m: &Model) -> serde_json::Map<String, serde_json::Value> {
    let strip = |p: String| p.trim_start_matches('/').to_string();
    [
        ('s', SUBJECT_INDEX_PATH.to_string()),
        ('f', m.target_path(Target::FeatureIndex(0))),
        ('p', m.target_path(Target::Matrix(0))),
        ('t', m.target_path(Target::TagIndex(0))),
    ]
    .into_iter()
    .map(|(k, p)| (k.to_string(), strip(p).into()))
    .collect()
}

/// `[title, path]` or `[title, path, description]`. The path is what follows the kind's
/// folder without the final `/` (`brilo-bribri`), or, for a page elsewhere, the whole site
/// path (`/articles/x/`).
fn record(d: &Doc, prefixes: &serde_json::Map<String, serde_json::Value>) -> serde_json::Value {
    let folder = prefixes
        .get(&d.kind.to_string())
        .and_then(|v| v.as_str())
        .map(|f| format!("/{f}"));
    let short = folder
        .and_then(|f| d.path.strip_prefix(&f).map(str::to_string))
        .and_then(|rest| rest.strip_suffix('/').map(str::to_string))
        .filter(|rest| !rest.is_empty());
    let path = short.unwrap_or_else(|| d.path.clone());
    let desc = cap(&d.description, DESC_CAP);
    if desc.is_empty() {
        json!([d.title, path])
    } else if desc.len() < d.description.len() {
        json!([d.title, path, format!("{desc}…")])
    } else {
        json!([d.title, path, desc])
    }
}

/// A page's `t-` entry: `[id, [[heading, anchor], …], text]`, headings of levels 2 to 4.
fn text_entry(m: &Model, p: PageId, id: u32) -> Vec<u8> {
    let page = &m.pages[p];
    let headings: Vec<(&str, &str)> = page
        .outline
        .headings
        .iter()
        .filter(|h| (2..=4).contains(&h.level))
        .map(|h| (h.title.as_str(), h.id.as_str()))
        .collect();
    serde_json::to_vec(&json!([id, headings, cap(&page.outline.text, TEXT_CAP)]))
        .unwrap_or_default()
}

/// `t-<n>.json` from the kept entries.
fn text_file(kept: &Kept, n: usize) -> (String, Vec<u8>) {
    let entries = &kept.texts[n * TEXT_CHUNK..((n + 1) * TEXT_CHUNK).min(kept.texts.len())];
    let mut out = Vec::with_capacity(entries.iter().map(|e| e.len() + 1).sum::<usize>() + 2);
    out.push(b'[');
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(e);
    }
    out.push(b']');
    (format!("{DIR}/t-{n}.json"), out)
}

/// The first `max` bytes of `s`, cut at a word boundary when there is one nearby.
fn cap(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    match s[..end].rfind(' ') {
        Some(sp) if sp > max / 2 => &s[..sp],
        _ => &s[..end],
    }
}

#[cfg(test)]
mod tests {
    use super::cap;

    #[test]
    fn cap_cuts_at_a_word_and_a_char_boundary() {
        assert_eq!(cap("short", 10), "short");
        assert_eq!(cap("alpha beta gamma", 12), "alpha beta");
        assert_eq!(cap("ééééé", 3), "é");
    }
}
