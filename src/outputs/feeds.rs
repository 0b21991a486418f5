//! Atom feeds (RFC 4287) of dated articles: one for the site (`/atom.xml`) and one per tag
//! (`/tags/<tag>/atom.xml`), newest first, at most [`FEED_MAX_ENTRIES`] entries each.
//!
//! Every absolute URL comes from [`Model::permalink`], so `--base-url` reaches all of them.
//! Not here: the sitemap (`sitemap`), writing files.

use std::collections::HashMap;

use crate::content::{Date, SourceKind};
use crate::model::{Model, PageId, Target};
use crate::urls::output_path;

use super::xml_escape;

/// Entries per feed: feed readers poll the newest; the rest would only make every poll bigger.
pub const FEED_MAX_ENTRIES: usize = 50;

/// An article's `<entry>`, made once for all the feeds that list it.
type Entries = HashMap<PageId, String>;

/// Every feed: the site's and one per tag.
pub fn files(model: &Model) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut entries = Entries::new();
    let dated = dated_articles(model, (0..model.pages.len()).collect());
    files.push(site_feed(model, &dated, &mut entries));
    for t in 0..model.tags.len() {
        let dated = dated_articles(model, model.tags[t].pages.clone());
        files.push(tag_feed(model, t, &dated, &mut entries));
    }
    files
}

/// The feeds (the site's and its tags') that list any of `pages`, as [`files`] makes
/// them. After an edit that changed only the text of `pages` (not their dates, titles or
/// tags), these are the only hosting files that can differ.
pub fn feeds_listing(model: &Model, pages: &[PageId]) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut entries = Entries::new();
    let lists = |dated: &[PageId]| pages.iter().any(|p| dated.contains(p));
    let dated = dated_articles(model, (0..model.pages.len()).collect());
    if lists(&dated) {
        files.push(site_feed(model, &dated, &mut entries));
    }
    let mut tags: Vec<usize> = pages
        .iter()
        .flat_map(|&p| model.pages[p].tags.iter().copied())
        .collect();
    tags.sort_unstable();
    tags.dedup();
    for t in tags {
        let dated = dated_articles(model, model.tags[t].pages.clone());
        if lists(&dated) {
            files.push(tag_feed(model, t, &dated, &mut entries));
        }
    }
    files
}

fn site_feed(model: &Model, dated: &[PageId], entries: &mut Entries) -> (String, Vec<u8>) {
    let title = &model.config.title;
    let xml = feed(model, (title, "/", "/atom.xml"), dated, entries);
    ("atom.xml".to_string(), xml.into_bytes())
}

fn tag_feed(model: &Model, t: usize, dated: &[PageId], entries: &mut Entries) -> (String, Vec<u8>) {
    let page_path = model.target_path(Target::Tag(t, 0));
    let title = format!("{} · {}", model.tags[t].name, model.config.title);
    let feed_path = format!("{page_path}atom.xml");
    let xml = feed(model, (&title, &page_path, &feed_path), dated, entries);
    (output_path(&feed_path), xml.into_bytes())
}

/// `updated`, else `date`.
pub fn last_change(model: &Model, p: PageId) -> Option<&Date> {
    let front = &model.pages[p].source.front;
    front.updated.as_ref().or(front.date.as_ref())
}

/// Orders dates by the instant they denote (see [`Date`]'s `Ord`).
pub fn date_cmp(a: &Date, b: &Date) -> std::cmp::Ordering {
    a.cmp(b)
}

/// Articles with a `date`, newest first, at most [`FEED_MAX_ENTRIES`].
fn dated_articles(model: &Model, pages: Vec<PageId>) -> Vec<PageId> {
    let mut dated: Vec<PageId> = pages
        .into_iter()
        .filter(|&p| {
            let page = &model.pages[p];
            page.kind == SourceKind::Article && page.source.front.date.is_some()
        })
        .collect();
    dated.sort_by(|&a, &b| {
        let da = model.pages[a].source.front.date.as_ref();
        let db = model.pages[b].source.front.date.as_ref();
        match (da, db) {
            (Some(x), Some(y)) => date_cmp(y, x),
            _ => std::cmp::Ordering::Equal,
        }
        .then_with(|| model.pages[a].title_key.cmp(&model.pages[b].title_key))
        .then_with(|| model.pages[a].title.cmp(&model.pages[b].title))
    });
    dated.truncate(FEED_MAX_ENTRIES);
    dated
}

/// An Atom 1.0 feed (RFC 4287). `updated` is the newest entry's change, never the build time,
/// so an unchanged site builds a byte-identical feed.
fn feed(
    model: &Model,
    (title, page_path, feed_path): (&str, &str, &str),
    pages: &[PageId],
    entries: &mut Entries,
) -> String {
    let updated = pages
        .iter()
        .filter_map(|&p| last_change(model, p))
        .max_by(|a, b| date_cmp(a, b))
        .map_or("1970-01-01T00:00:00Z", |d| d.rfc3339.as_str());
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str(&format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n",
        xml_escape(&model.config.language)
    ));
    s.push_str(&format!("  <title>{}</title>\n", xml_escape(title)));
    if !model.config.description.is_empty() {
        s.push_str(&format!(
            "  <subtitle>{}</subtitle>\n",
            xml_escape(&model.config.description)
        ));
    }
    let feed_url = model.permalink(feed_path);
    s.push_str(&format!("  <id>{}</id>\n", xml_escape(&feed_url)));
    s.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(&feed_url)
    ));
    s.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&model.permalink(page_path))
    ));
    s.push_str(&format!("  <updated>{}</updated>\n", xml_escape(updated)));
    s.push_str(&format!(
        "  <author><name>{}</name></author>\n",
        xml_escape(&model.config.title)
    ));
    s.push_str("  <generator>versus</generator>\n");
    for &p in pages {
        s.push_str(entries.entry(p).or_insert_with(|| entry(model, p)));
    }
    s.push_str("</feed>\n");
    s
}

/// One article's `<entry>`.
fn entry(model: &Model, p: PageId) -> String {
    let mut s = String::new();
    let page = &model.pages[p];
    let front = &page.source.front;
    let url = model.permalink(&page.path);
    s.push_str("  <entry>\n");
    s.push_str(&format!("    <title>{}</title>\n", xml_escape(&page.title)));
    s.push_str(&format!(
        "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&url)
    ));
    s.push_str(&format!("    <id>{}</id>\n", xml_escape(&url)));
    if let Some(d) = &front.date {
        s.push_str(&format!(
            "    <published>{}</published>\n",
            xml_escape(&d.rfc3339)
        ));
    }
    if let Some(d) = last_change(model, p) {
        s.push_str(&format!(
            "    <updated>{}</updated>\n",
            xml_escape(&d.rfc3339)
        ));
    }
    for &t in &page.tags {
        s.push_str(&format!(
            "    <category term=\"{}\" label=\"{}\"/>\n",
            xml_escape(&model.tags[t].slug),
            xml_escape(&model.tags[t].name)
        ));
    }
    // The summary is text made into one HTML paragraph; the HTML is then escaped once more
    // to sit in XML, as `type="html"` requires.
    let text = match &front.description {
        Some(d) => d.clone(),
        None => excerpt(&page.outline.text, 300),
    };
    if !text.is_empty() {
        let html = format!("<p>{}</p>", crate::markdown::escape_attr(&text));
        s.push_str(&format!(
            "    <summary type=\"html\">{}</summary>\n",
            xml_escape(&html)
        ));
    }
    s.push_str("  </entry>\n");
    s
}

/// The first `max` bytes of `text`, cut at a word boundary.
fn excerpt(text: &str, max: usize) -> String {
    // Its words one space apart, as far as the cut can reach.
    let mut joined = String::with_capacity(max + 64);
    for word in text.split_whitespace() {
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(word);
        if joined.len() > max {
            break;
        }
    }
    let text = joined;
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let cut = text[..end].rfind(' ').unwrap_or(end);
    format!("{}…", text[..cut].trim_end_matches([',', ';', ':', '.']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_cut_at_words() {
        assert_eq!(excerpt("one two three", 100), "one two three");
        assert_eq!(excerpt("one two, three", 9), "one two…");
        assert_eq!(excerpt("ééééé", 3), "é…");
    }
}
