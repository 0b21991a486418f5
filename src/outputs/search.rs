//! The site-search index: one compact JSON file (`search-index.json`) that the default
//! theme's `search.js` fetches the first time a reader focuses the search box, so search works
//! on any static host with no server and costs nothing until it is used.
//!
//! Each document is an array `[title, url, kind, description, headings, keywords, text]`:
//! `kind` is one letter (`a` article, `s` subject, `f` feature, `p` pair, `c` section, `t` tag,
//! `h` home), `headings` is `[[title, anchor], …]`, `keywords` holds subject and feature
//! names, and `text` is the start of the page's plain text, capped at [`TEXT_CAP`] bytes so a
//! 10,000-page site stays in the low megabytes (about a third of that gzipped).
//!
//! This module does not rank or tokenise: the client does a plain substring match, which at
//! these sizes takes milliseconds and needs no stemming tables. It is not Pagefind: see
//! docs/templates.md for why.

use serde_json::{Value, json};

use rayon::prelude::*;

use super::Kept;
use crate::content::SourceKind;
use crate::model::{Model, PageId, Target};

/// Where the index is written.
pub const INDEX_PATH: &str = "search-index.json";

/// Bytes of plain text kept per page. Titles, headings, subjects and features are always
/// complete; only the running text is cut.
pub const TEXT_CAP: usize = 480;

/// The index as JSON bytes.
pub fn index(model: &Model) -> Vec<u8> {
    let mut kept = Kept::default();
    file(model, &mut kept).1
}

/// The index file, keeping every target's document in `kept` for [`file_for_text`].
pub fn file(model: &Model, kept: &mut Kept) -> (String, Vec<u8>) {
    kept.search_docs = model
        .targets()
        .par_iter()
        .filter_map(|&t| doc(model, t).map(|d| (t, d)))
        .collect();
    let bytes = join(kept.search_docs.iter().map(|(_, d)| d.as_slice()));
    (INDEX_PATH.to_string(), bytes)
}

/// The index file after only the text of `pages` changed: their documents are made again,
/// every other one is reused from `kept`.
pub fn file_for_text(model: &Model, pages: &[PageId], kept: &mut Kept) -> (String, Vec<u8>) {
    if kept.search_docs.is_empty() {
        return file(model, kept);
    }
    for (t, d) in &mut kept.search_docs {
        if let Target::Page(p, 0) = t
            && pages.contains(p)
        {
            *d = doc(model, *t).unwrap_or_default();
        }
    }
    let bytes = join(kept.search_docs.iter().map(|(_, d)| d.as_slice()));
    (INDEX_PATH.to_string(), bytes)
}

/// The index made of documents from [`doc`], in target order: the preview server keeps them
/// and makes again only those of the pages that changed.
pub fn join<'a>(docs: impl Iterator<Item = &'a [u8]> + Clone) -> Vec<u8> {
    let mut out = Vec::with_capacity(docs.clone().map(|d| d.len() + 1).sum::<usize>() + 16);
    out.extend_from_slice(b"{\"v\":1,\"docs\":[");
    for (i, d) in docs.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(d);
    }
    out.extend_from_slice(b"]}");
    out
}

/// One target's search document as JSON, or `None` for targets that are not indexed.
pub fn doc(model: &Model, t: Target) -> Option<Vec<u8>> {
    let m = model;
    let url = m.url(&m.target_path(t));
    let doc = {
        match t {
            Target::Page(p, 0) => {
                let page = &m.pages[p];
                let kind = match page.kind {
                    SourceKind::Home => "h",
                    SourceKind::Section => "c",
                    SourceKind::Subject => "s",
                    SourceKind::Article => "a",
                };
                let headings: Vec<Value> = page
                    .outline
                    .headings
                    .iter()
                    .filter(|h| (2..=4).contains(&h.level))
                    .map(|h| json!([h.title, h.id]))
                    .collect();
                let mut keywords: Vec<&str> =
                    page.subjects.iter().map(|&s| m.subject_title(s)).collect();
                keywords.extend(
                    page.rows
                        .iter()
                        .map(|r| m.features[r.feature].name.as_str()),
                );
                json!([
                    page.title,
                    url,
                    kind,
                    page.source.front.description.as_deref().unwrap_or(""),
                    headings,
                    keywords.join(" · "),
                    cap(&page.outline.text, TEXT_CAP),
                ])
            }
            Target::Feature(f, 0) => {
                let feat = &m.features[f];
                let mut keywords = vec![m.groups[feat.group].name.clone()];
                keywords.extend(feat.aliases.iter().cloned());
                json!([
                    feat.name,
                    url,
                    "f",
                    feat.description.as_deref().unwrap_or(""),
                    [],
                    keywords.join(" · "),
                    "",
                ])
            }
            Target::Pair(p, 0) => {
                let pair = &m.pairs[p];
                let (a, b) = (m.subject_title(pair.a), m.subject_title(pair.b));
                json!([
                    format!("{a} vs {b}"),
                    url,
                    "p",
                    format!("{a} and {b} side by side, differences first."),
                    [],
                    format!("{a} · {b}"),
                    "",
                ])
            }
            Target::Tag(i, 0) => {
                let tag = &m.tags[i];
                json!([tag.name, url, "t", "", [], "", ""])
            }
            _ => return None,
        }
    };
    serde_json::to_vec(&doc).ok()
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
