//! `sitemap.xml` (split into an index over chunks past the protocol's 50,000 URLs) and
//! `robots.txt` pointing at it.
//!
//! Not here: feeds (`feeds`), writing files.

use crate::content::Date;
use crate::model::{Model, Target};

use super::feeds::{date_cmp, last_change};
use super::xml_escape;

/// The sitemap protocol's limit of URLs per file (sitemaps.org).
pub const SITEMAP_MAX_URLS: usize = 50_000;

/// The sitemap (or its index and chunks) and robots.txt.
pub fn files(model: &Model) -> Vec<(String, Vec<u8>)> {
    let mut files = sitemaps(model, SITEMAP_MAX_URLS);
    files.push(("robots.txt".to_string(), robots(model).into_bytes()));
    files
}

/// The site path of every page worth indexing (everything but 404), with its last change.
fn sitemap_entries(model: &Model) -> Vec<(String, Option<&Date>)> {
    model
        .targets()
        .into_iter()
        .filter(|t| *t != Target::NotFound)
        .map(|t| {
            let lastmod = match t {
                Target::Page(p, 0) => last_change(model, p),
                _ => None,
            };
            (model.target_path(t), lastmod)
        })
        .collect()
}

/// `sitemap.xml` alone, or past `max` URLs a sitemap index at `sitemap.xml` over
/// `sitemap-1.xml`, `sitemap-2.xml`, ...
pub fn sitemaps(model: &Model, max: usize) -> Vec<(String, Vec<u8>)> {
    let entries = sitemap_entries(model);
    let urlset = |chunk: &[(String, Option<&Date>)]| {
        let mut s = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for (path, lastmod) in chunk {
            s.push_str("  <url><loc>");
            s.push_str(&xml_escape(&model.permalink_uri(path)));
            s.push_str("</loc>");
            if let Some(d) = lastmod {
                s.push_str("<lastmod>");
                s.push_str(&xml_escape(&d.rfc3339));
                s.push_str("</lastmod>");
            }
            s.push_str("</url>\n");
        }
        s.push_str("</urlset>\n");
        s.into_bytes()
    };
    let max = max.max(1);
    if entries.len() <= max {
        return vec![("sitemap.xml".to_string(), urlset(&entries))];
    }
    let mut files = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (i, chunk) in entries.chunks(max).enumerate() {
        let name = format!("sitemap-{}.xml", i + 1);
        index.push_str("  <sitemap><loc>");
        index.push_str(&xml_escape(&model.permalink_uri(&format!("/{name}"))));
        index.push_str("</loc>");
        if let Some(d) = chunk
            .iter()
            .filter_map(|(_, d)| *d)
            .max_by(|a, b| date_cmp(a, b))
        {
            index.push_str("<lastmod>");
            index.push_str(&xml_escape(&d.rfc3339));
            index.push_str("</lastmod>");
        }
        index.push_str("</sitemap>\n");
        files.push((name, urlset(chunk)));
    }
    index.push_str("</sitemapindex>\n");
    files.insert(0, ("sitemap.xml".to_string(), index.into_bytes()));
    files
}

/// Allows everything and names the sitemap, and on a multilingual site each other
/// language's (`/de/sitemap.xml`). A site's own `static/robots.txt` replaces it.
fn robots(model: &Model) -> String {
    let mut s = format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        model.permalink_uri("/sitemap.xml")
    );
    for other in model.alternates.iter().skip(1) {
        let path = crate::urls::prefix_url(&other.base_path, "/sitemap.xml");
        let origin = crate::urls::origin_of(&other.base_url);
        s.push_str(&format!(
            "Sitemap: {origin}{}\n",
            crate::urls::encode_uri_path(&path)
        ));
    }
    s
}
