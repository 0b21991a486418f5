//! The files a static host and its visitors' tools expect beside the pages: `sitemap.xml`
//! (split into an index over chunks past the protocol's 50,000 URLs), `robots.txt` pointing at
//! it, Atom feeds of dated articles (one for the site, one per tag), and redirect pages at the
//! old URLs that authors list under `aliases`. Also the minifier applied to HTML, CSS and JS
//! on their way out when `[build] minify = true`.
//!
//! Every absolute URL comes from [`Model::permalink`], so `--base-url` reaches all of them.
//! Where the URL must be a URI, not an IRI (the sitemap protocol, canonical and `og:url`
//! links), [`permalink_uri`] percent-encodes it; feeds keep the IRI, because an entry's
//! `<id>` must never change once readers have seen it.
//! This module makes bytes from the model; it does not write files (the caller's `emit` does)
//! and it does not render templates.

use std::collections::{BTreeMap, HashMap};

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::content::{Date, SourceKind};
use crate::diagnostics::Diagnostic;
use crate::model::{Model, PageId, Target};
use crate::pipeline::output_path;

/// The sitemap protocol's limit of URLs per file (sitemaps.org).
pub const SITEMAP_MAX_URLS: usize = 50_000;

/// Entries per feed: feed readers poll the newest; the rest would only make every poll bigger.
pub const FEED_MAX_ENTRIES: usize = 50;

/// What a URI path may not hold as it is (RFC 3986): besides non-ASCII (always encoded),
/// spaces, controls, double quotes, angle brackets, backslash, caret, backtick, braces and
/// the vertical bar. `%` stays, so a base path written encoded is not
/// encoded twice; `/ ? #` stay, as separators.
const NOT_IN_URI: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// [`Model::permalink`] as a URI: the path percent-encoded as UTF-8, `/ünï/` → `/%C3%BCn%C3%AF/`.
/// The origin is `base_url`'s as written (an international domain belongs there in its
/// `xn--` form).
pub fn permalink_uri(model: &Model, path: &str) -> String {
    let origin = crate::model::origin_of(&model.config.base_url);
    format!(
        "{origin}{}",
        utf8_percent_encode(&model.url(path), NOT_IN_URI)
    )
}

/// Every generated hosting file (output path → bytes), plus errors found in `aliases`.
pub fn extra_files(model: &Model) -> (Vec<(String, Vec<u8>)>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    files.extend(sitemaps(model, SITEMAP_MAX_URLS));
    files.push(("robots.txt".to_string(), robots(model).into_bytes()));
    let dated = dated_articles(model, (0..model.pages.len()).collect());
    files.push(site_feed(model, &dated));
    for t in 0..model.tags.len() {
        let dated = dated_articles(model, model.tags[t].pages.clone());
        files.push(tag_feed(model, t, &dated));
    }
    let (redirects, mut diags) = alias_pages(model);
    files.extend(redirects);
    if model.config.build.minify && !cfg!(feature = "minify") {
        diags.push(
            Diagnostic::warning("`minify = true`, but this versus was built without minifying")
                .in_file(crate::config::CONFIG_FILE)
                .with_help("install versus with its default features to minify HTML, CSS and JS"),
        );
    }
    (files, diags)
}

/// The feeds (the site's and its tags') that list any of `pages`, as [`extra_files`] makes
/// them. After an edit that changed only the text of `pages` (not their dates, titles or
/// tags), these are the only hosting files that can differ.
pub fn feeds_listing(model: &Model, pages: &[PageId]) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let lists = |dated: &[PageId]| pages.iter().any(|p| dated.contains(p));
    let dated = dated_articles(model, (0..model.pages.len()).collect());
    if lists(&dated) {
        files.push(site_feed(model, &dated));
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
            files.push(tag_feed(model, t, &dated));
        }
    }
    files
}

fn site_feed(model: &Model, dated: &[PageId]) -> (String, Vec<u8>) {
    (
        "atom.xml".to_string(),
        feed(model, &model.config.title, "/", "/atom.xml", dated).into_bytes(),
    )
}

fn tag_feed(model: &Model, t: usize, dated: &[PageId]) -> (String, Vec<u8>) {
    let page_path = model.target_path(Target::Tag(t));
    let title = format!("{} · {}", model.tags[t].name, model.config.title);
    let feed_path = format!("{page_path}atom.xml");
    let xml = feed(model, &title, &page_path, &feed_path, dated);
    (output_path(&feed_path), xml.into_bytes())
}

/// The site path of every page worth indexing (everything but 404), with its last change.
fn sitemap_entries(model: &Model) -> Vec<(String, Option<&Date>)> {
    model
        .targets()
        .into_iter()
        .filter(|t| *t != Target::NotFound)
        .map(|t| {
            let lastmod = match t {
                Target::Page(p) => last_change(model, p),
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
            s.push_str(&xml_escape(&permalink_uri(model, path)));
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
        index.push_str(&xml_escape(&permalink_uri(model, &format!("/{name}"))));
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

/// Allows everything and names the sitemap. A site's own `static/robots.txt` replaces it.
fn robots(model: &Model) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        permalink_uri(model, "/sitemap.xml")
    )
}

/// `updated`, else `date`.
fn last_change(model: &Model, p: PageId) -> Option<&Date> {
    let front = &model.pages[p].source.front;
    front.updated.as_ref().or(front.date.as_ref())
}

/// Orders dates by their instant where the offsets agree (the common case), else by text.
fn date_cmp(a: &Date, b: &Date) -> std::cmp::Ordering {
    a.rfc3339.cmp(&b.rfc3339)
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
        .then_with(|| model.pages[a].title.cmp(&model.pages[b].title))
    });
    dated.truncate(FEED_MAX_ENTRIES);
    dated
}

/// An Atom 1.0 feed (RFC 4287). `updated` is the newest entry's change, never the build time,
/// so an unchanged site builds a byte-identical feed.
fn feed(model: &Model, title: &str, page_path: &str, feed_path: &str, pages: &[PageId]) -> String {
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
    }
    s.push_str("</feed>\n");
    s
}

/// The first `max` bytes of `text`, cut at a word boundary.
fn excerpt(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
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

/// Redirect pages for `aliases`, and errors for aliases that cannot be written: not a path,
/// taken by a real page, or claimed by two pages.
fn alias_pages(model: &Model) -> (Vec<(String, Vec<u8>)>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut files = Vec::new();
    let real: HashMap<String, Target> = model
        .targets()
        .into_iter()
        .map(|t| (output_path(&model.target_path(t)), t))
        .collect();
    let mut claimed: BTreeMap<String, PageId> = BTreeMap::new();
    for (p, page) in model.pages.iter().enumerate() {
        let source = &page.source;
        for alias in &source.front.aliases {
            let line = source
                .text
                .lines()
                .position(|l| l.contains(alias.as_str()))
                .map_or(0, |i| i + 1);
            let col = source
                .text
                .lines()
                .nth(line.saturating_sub(1))
                .and_then(|l| l.find(alias.as_str()))
                .map_or(0, |c| c + 1);
            let error = |msg: String, help: &str| {
                Diagnostic::error(msg)
                    .in_file(&source.file)
                    .at(line, col, Some(&source.text))
                    .with_help(help.to_string())
            };
            let Some(path) = alias_path(alias) else {
                diags.push(error(
                    format!("alias `{alias}` is not a path on this site"),
                    "write the old URL as a path from the site root, e.g. \"/old/url/\"",
                ));
                continue;
            };
            let out = output_path(&path);
            if let Some(&t) = real.get(&out) {
                let what = match t {
                    Target::Page(other) => model.pages[other].source.file.display().to_string(),
                    _ => "a generated page".to_string(),
                };
                diags.push(error(
                    format!("alias `{alias}` is the URL of {what}: a redirect there would replace that page"),
                    "remove the alias, or move the other page",
                ));
                continue;
            }
            if let Some(&other) = claimed.get(&out) {
                if other != p {
                    diags.push(error(
                        format!(
                            "alias `{alias}` is also an alias of {}",
                            model.pages[other].source.file.display()
                        ),
                        "an old URL can redirect to one page only",
                    ));
                }
                continue;
            }
            claimed.insert(out.clone(), p);
            files.push((out, redirect_page(model, p).into_bytes()));
        }
    }
    (files, diags)
}

/// `old/url` → `/old/url/`; `/old.html` stays a file. `None` for URLs with a scheme or host,
/// queries, fragments and `..`.
fn alias_path(alias: &str) -> Option<String> {
    let a = alias.trim();
    if a.is_empty()
        || a.contains("://")
        || a.starts_with("//")
        || a.contains(['?', '#', '\\'])
        || a.split('/').any(|s| s == "..")
    {
        return None;
    }
    let mut p = format!("/{}", a.trim_start_matches('/'));
    if p == "/" {
        return Some(p);
    }
    let last = p.rsplit('/').next().unwrap_or("");
    if !p.ends_with('/') && !last.ends_with(".html") && !last.ends_with(".htm") {
        p.push('/');
    }
    Some(p)
}

/// A page that sends browsers and crawlers on to page `p`: a meta refresh for browsers, a
/// canonical link for search engines, `noindex` so the old URL drops out, and a plain link
/// for everything else.
fn redirect_page(model: &Model, p: PageId) -> String {
    let page = &model.pages[p];
    let url = crate::markdown::escape_attr(&model.url(&page.path));
    let canonical = crate::markdown::escape_attr(&permalink_uri(model, &page.path));
    let title = crate::markdown::escape_attr(&page.title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Moved: {title}</title>\n<meta name=\"robots\" content=\"noindex\">\n\
         <link rel=\"canonical\" href=\"{canonical}\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={url}\">\n</head>\n<body>\n\
         <p>This page has moved to <a href=\"{url}\">{title}</a>.</p>\n</body>\n</html>\n",
        lang = crate::markdown::escape_attr(&model.config.language)
    )
}

/// Escapes text for XML content and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 forbids even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Minifies an output file by its extension when `[build] minify = true`; other files, and
/// anything the minifier cannot make smaller, pass through unchanged.
pub fn minify(path: &str, bytes: &[u8]) -> Option<Vec<u8>> {
    let ext = path.rsplit('.').next().unwrap_or("");
    if !matches!(ext, "html" | "htm" | "css" | "js") {
        return None;
    }
    let out = minify_bytes(ext, bytes)?;
    (out.len() < bytes.len()).then_some(out)
}

#[cfg(feature = "minify")]
fn minify_bytes(ext: &str, bytes: &[u8]) -> Option<Vec<u8>> {
    let mut cfg = minify_html::Cfg::new();
    cfg.minify_css = true;
    cfg.minify_js = true;
    // `<!doctypehtml>` and omitted end tags are what a browser accepts, not what a validator
    // or a naive tool does; the output must stay valid HTML.
    cfg.minify_doctype = false;
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    match ext {
        "html" | "htm" => Some(minify_html::minify(bytes, &cfg)),
        // minify-html's CSS and JS minifiers (lightningcss, oxc) are reached through an
        // element: wrap, minify, unwrap. If the wrapper does not come back as it went in
        // (e.g. a stray `</style` in the file), keep the file as it is.
        "css" => unwrap_element(
            &minify_html::minify(&wrap(b"<style>", bytes, b"</style>"), &cfg),
            b"<style>",
            b"</style>",
        ),
        "js" => unwrap_element(
            &minify_html::minify(&wrap(b"<script>", bytes, b"</script>"), &cfg),
            b"<script>",
            b"</script>",
        ),
        _ => None,
    }
}

#[cfg(not(feature = "minify"))]
fn minify_bytes(_ext: &str, _bytes: &[u8]) -> Option<Vec<u8>> {
    None
}

#[cfg(feature = "minify")]
fn wrap(open: &[u8], body: &[u8], close: &[u8]) -> Vec<u8> {
    [open, body, close].concat()
}

#[cfg(feature = "minify")]
fn unwrap_element(out: &[u8], open: &[u8], close: &[u8]) -> Option<Vec<u8>> {
    let inner = out.strip_prefix(open)?.strip_suffix(close)?;
    let lower = String::from_utf8_lossy(inner).to_ascii_lowercase();
    let tag = String::from_utf8_lossy(&close[..close.len() - 1]).to_string();
    if lower.contains(&tag) {
        return None;
    }
    Some(inner.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alias_paths_are_site_paths() {
        assert_eq!(alias_path("/old/url/").as_deref(), Some("/old/url/"));
        assert_eq!(alias_path("old/url").as_deref(), Some("/old/url/"));
        assert_eq!(alias_path("/old.html").as_deref(), Some("/old.html"));
        assert_eq!(alias_path("https://x.org/a/"), None);
        assert_eq!(alias_path("/a/../b/"), None);
        assert_eq!(alias_path("/a/?x=1"), None);
    }

    #[test]
    fn excerpts_cut_at_words() {
        assert_eq!(excerpt("one two three", 100), "one two three");
        assert_eq!(excerpt("one two, three", 9), "one two…");
        assert_eq!(excerpt("ééééé", 3), "é…");
    }

    #[test]
    fn escapes_xml() {
        assert_eq!(xml_escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }

    #[cfg(feature = "minify")]
    #[test]
    fn minifies_css_and_js_or_leaves_them() {
        let css = minify("a.css", b"a  {\n  color : red ;\n}\n").unwrap();
        assert_eq!(String::from_utf8(css).unwrap(), "a{color:red}");
        let js = minify("a.js", b"function  f ( a ) {\n  return a + 1 ;\n}\nf(1);\n").unwrap();
        assert!(js.len() < 40, "{}", String::from_utf8_lossy(&js));
        assert_eq!(minify("a.png", b"x  y"), None);
    }
}
