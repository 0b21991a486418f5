//! `versus check`'s link checker: every `href`, `src`, `srcset` and `poster` in the rendered
//! HTML must land on a file the build writes, and every `#anchor` on an `id` in that file; and
//! no `id` may be on two elements of one page (a link to it would reach only the first). It
//! works on the output, not the Markdown, so links that templates make are checked too, and
//! links are resolved the way a static host serves them (under the base path, `dir/` →
//! `dir/index.html`).
//!
//! Reading each page is `scan`'s; with `--external`, links to other sites are requested too
//! ([`check_external`], in `external`), a few at a time per host, each with a time-out.
//!
//! `versus check` also reports on freshness (statements older than `--stale`, statements
//! verified against an older major version; see [`crate::model::Model::freshness_report`]),
//! after the other diagnostics, in its own order: by subject, oldest first.
//!
//! The model's own link check (for `@/` links in Markdown, with line numbers) stays in
//! [`crate::model`]; this module only reads HTML and never writes anything.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use foldhash::HashMap;
use rayon::prelude::*;

use crate::content::{Age, parse_age};
use crate::diagnostics::Diagnostic;
use crate::error::Result;
use crate::model::{Model, Target};
use crate::pipeline::{self, BuildOptions, BuildReport, Progress};
use crate::urls::output_path;
use crate::urls::{join_rel, origin_of};

mod external;
mod scan;

pub use external::{ExternalOptions, check_external};
pub use scan::{Scanned, scan};

/// `versus check`: loads and renders the site in memory exactly as `build` would (minified
/// if configured), then checks the links of the result, and reports statements older than
/// `stale` (else `[trust] stale`). Writes nothing.
pub fn run(
    opts: &BuildOptions,
    external: Option<&ExternalOptions>,
    stale: Option<Age>,
    progress: Progress,
) -> Result<BuildReport> {
    let start = Instant::now();
    let (site, mut diags) = pipeline::load_site(opts)?;
    let mut stages = site.timings.clone();
    stages.push(("load total", start.elapsed()));
    let mut pages = 0;
    let mut files = 0;
    if !diags.iter().any(Diagnostic::is_error) {
        let collector = Collector::new();
        let emit = |path: &str, bytes: Vec<u8>| -> Result<()> {
            collector.add(path, &bytes);
            Ok(())
        };
        let t = Instant::now();
        let rendered =
            pipeline::render_all(&site, crate::outputs::Kept::default(), &emit, progress)?;
        stages.push(("render + read links", t.elapsed()));
        pages = rendered.pages;
        files = rendered.files;
        let d = rendered.diagnostics;
        let rendered_ok = !d.iter().any(Diagnostic::is_error);
        diags.extend(d);
        // Template errors leave pages out, and every link to them would be reported too.
        if rendered_ok {
            let t = Instant::now();
            let (d, urls) = collector.check(&site.model);
            stages.push(("resolve links", t.elapsed()));
            diags.extend(d);
            if let Some(ext) = external {
                diags.extend(check_external(&urls, ext));
            }
        }
        if origin_of(&site.model.config.base_url).is_empty() {
            diags.push(
                Diagnostic::warning(format!(
                    "base_url is `{}`, not an absolute URL: sitemap.xml, atom.xml and canonical links need one",
                    site.model.config.base_url
                ))
                .in_file(crate::config::CONFIG_FILE)
                .with_help("set `base_url = \"https://your.domain/\"` in versus.toml, or pass --base-url"),
            );
        }
    }
    let mut diags = pipeline::finish_diagnostics(diags, opts.strict);
    let stale = stale.or_else(|| site.model.config.trust.stale.as_deref().and_then(parse_age));
    let freshness = site.model.freshness_report(stale, crate::model::today());
    diags.extend(pipeline::finish_diagnostics_in_order(
        freshness,
        opts.strict,
    ));
    Ok(BuildReport {
        pages,
        files: pages + files,
        diagnostics: diags,
        elapsed: start.elapsed(),
        output: pipeline::output_dir(opts, &site.model.config),
        stages,
    })
}

/// Gathers what the build emits, from many threads, keeping only what the check needs.
#[derive(Default)]
pub struct Collector {
    files: Mutex<HashMap<String, Option<Scanned>>>,
}

impl Collector {
    pub fn new() -> Collector {
        Collector::default()
    }

    /// Records one output file; HTML files are scanned now so their bytes can be dropped.
    pub fn add(&self, path: &str, bytes: &[u8]) {
        let scanned = (path.ends_with(".html") || path.ends_with(".htm")).then(|| scan(bytes));
        if let Ok(mut files) = self.files.lock() {
            files.insert(path.trim_start_matches('/').to_string(), scanned);
        }
    }

    /// Checks every internal link and anchor. Returns the broken ones as errors, naming the
    /// page's source file where there is one, and the external URLs found (URL → pages).
    pub fn check(self, model: &Model) -> (Vec<Diagnostic>, BTreeMap<String, Vec<String>>) {
        let files = self.files.into_inner().unwrap_or_default();
        let by_output: HashMap<String, Target> = model
            .targets()
            .into_iter()
            .map(|t| (output_path(&model.target_path(t)), t))
            .collect();
        let base_url = &model.config.base_url;
        let ctx = PageCheck {
            model,
            files: &files,
            by_output: &by_output,
            base_url,
            base_is_absolute: !origin_of(base_url).is_empty(),
            base_path: model.base_path.trim_end_matches('/'),
        };
        let mut pages: Vec<(&String, &Scanned)> = files
            .iter()
            .filter_map(|(p, s)| s.as_ref().map(|s| (p, s)))
            .collect();
        pages.sort_by(|a, b| a.0.cmp(b.0));
        // Pages are checked on every core; what they find is kept in page order.
        let found: Vec<_> = pages
            .par_iter()
            .map(|&(page_out, scanned)| ctx.page(page_out, scanned))
            .collect();
        let mut diags = Vec::new();
        let mut external: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (d, urls) in found {
            diags.extend(d);
            for (url, page) in urls {
                external.entry(url).or_default().push(page);
            }
        }
        (diags, external)
    }
}

/// What checking one page needs: the model, every output file and how links resolve.
struct PageCheck<'a> {
    model: &'a Model,
    files: &'a HashMap<String, Option<Scanned>>,
    by_output: &'a HashMap<String, Target>,
    base_url: &'a str,
    base_is_absolute: bool,
    base_path: &'a str,
}

impl PageCheck<'_> {
    /// One page's broken links, anchors and duplicate ids, and its external links as
    /// (URL, page URL).
    fn page(&self, page_out: &str, scanned: &Scanned) -> (Vec<Diagnostic>, Vec<(String, String)>) {
        let (model, by_output, base_url, base_path) =
            (self.model, self.by_output, self.base_url, self.base_path);
        let base_is_absolute = self.base_is_absolute;
        let mut diags = Vec::new();
        let mut external = Vec::new();
        let page_url = format!("{base_path}/{}", page_out.trim_end_matches("index.html"));
        for id in &scanned.duplicate_ids {
            diags.push(duplicate_id(model, by_output, page_out, &page_url, id));
        }
        let page_dir = match page_out.rfind('/') {
            Some(i) => &page_out[..i],
            None => "",
        };
        // `scan` keeps each link once.
        for href in scanned.links.iter() {
            let broken_here =
                |why: String| broken(model, by_output, page_out, &page_url, href, why);
            let href_t = href.trim();
            let (before, fragment) = match href_t.split_once('#') {
                Some((b, f)) => (b, Some(f)),
                None => (href_t, None),
            };
            let before = before.split('?').next().unwrap_or("");
            // A link to this very site, written out in full (canonical, feed links).
            let before = if base_is_absolute && before.starts_with(base_url) {
                format!("{base_path}/{}", &before[base_url.len()..])
            } else if base_is_absolute && before == base_url.trim_end_matches('/') {
                format!("{base_path}/")
            } else {
                before.to_string()
            };
            let lower = before.to_ascii_lowercase();
            if lower.starts_with("http://") || lower.starts_with("https://") {
                external.push((before.clone(), page_url.clone()));
                continue;
            }
            if before.starts_with("//") {
                external.push((format!("https:{before}"), page_url.clone()));
                continue;
            }
            if crate::urls::has_scheme(&before) {
                continue; // mailto:, tel:, data:, javascript:, ...
            }
            let target_key = if before.is_empty() {
                Some(page_out.to_string())
            } else if let Some(rooted) = before.strip_prefix('/') {
                let rooted = format!("/{rooted}");
                if base_path.is_empty() {
                    Some(rooted.trim_start_matches('/').to_string())
                } else if rooted == base_path || rooted.starts_with(&format!("{base_path}/")) {
                    Some(
                        rooted[base_path.len()..]
                            .trim_start_matches('/')
                            .to_string(),
                    )
                } else {
                    diags.push(broken_here(format!(
                            "it is outside the site's base path {base_path}/, so it breaks when the site is served there"
                        )));
                    continue;
                }
            } else {
                let mut joined = join_rel(page_dir, &before);
                if before.ends_with('/') && !joined.is_empty() {
                    joined.push('/');
                }
                Some(joined)
            };
            let Some(key) = target_key else { continue };
            let key = percent_decode(&key);
            let Some(found) = lookup(self.files, &key) else {
                diags.push(broken_here("the site has no such file".to_string()));
                continue;
            };
            if let Some(fragment) = fragment {
                let fragment = percent_decode(fragment);
                if fragment.is_empty() || fragment == "top" {
                    continue;
                }
                if let Some(Some(target)) = self.files.get(&found)
                    && !target.ids.contains_sorted(&fragment)
                {
                    let on = if found == page_out {
                        "this page".to_string()
                    } else {
                        format!("{base_path}/{}", found.trim_end_matches("index.html"))
                    };
                    diags.push(broken_here(format!(
                        "{on} has no element with id=\"{fragment}\""
                    )));
                }
            }
        }
        (diags, external)
    }
}

/// The output file a site path lands on, the way static hosts resolve it.
fn lookup(files: &HashMap<String, Option<Scanned>>, key: &str) -> Option<String> {
    let key = key.trim_start_matches('/');
    let direct = if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key.to_string()
    };
    if files.contains_key(&direct) {
        return Some(direct);
    }
    // `/a` is served as `/a/` by every common host.
    let dir = format!("{key}/index.html");
    files.contains_key(&dir).then_some(dir)
}

fn broken(
    model: &Model,
    by_output: &HashMap<String, Target>,
    page_out: &str,
    page_url: &str,
    href: &str,
    why: String,
) -> Diagnostic {
    let source = match by_output.get(page_out) {
        Some(Target::Page(p, _)) => Some(&model.pages[*p].source),
        _ => None,
    };
    match source {
        Some(src) => {
            let d = Diagnostic::error(format!("broken link `{href}` on {page_url}: {why}"))
                .in_file(&src.file);
            match src.text.lines().position(|l| l.contains(href)) {
                Some(i) => {
                    let col = src
                        .text
                        .lines()
                        .nth(i)
                        .and_then(|l| l.find(href))
                        .unwrap_or(0);
                    d.at(i + 1, col + 1, Some(&src.text))
                }
                None => d,
            }
        }
        None => Diagnostic::error(format!(
            "broken link `{href}` on {page_url} (a page made by a theme template): {why}"
        ))
        .in_file(page_out),
    }
}

/// A warning about an id on two or more elements of one output page. Body headings and
/// footnotes never take an id of the default theme's templates (see
/// [`crate::theme::reserved_ids`]), so what is left comes from raw HTML in the body or from a
/// custom template.
fn duplicate_id(
    model: &Model,
    by_output: &HashMap<String, Target>,
    page_out: &str,
    page_url: &str,
    id: &str,
) -> Diagnostic {
    let d = Diagnostic::warning(format!(
        "duplicate id `{id}` on {page_url}: a link to #{id} reaches only the first element with it"
    ))
    .in_file(page_out)
    .with_help("give one of them another id (`## Heading {#other-id}` for a heading)");
    match by_output.get(page_out) {
        Some(Target::Page(p, _)) => d.with_note(format!(
            "the page is made from {} and its template",
            model.pages[*p].source.file.display()
        )),
        _ => d.with_note("the page is made by a theme template"),
    }
}

/// Decodes `%XX` escapes as UTF-8; a malformed escape stays as written.
fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("caf%C3%A9%20x"), "café x");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
