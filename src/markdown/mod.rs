//! One page's Markdown body → HTML, with pulldown-cmark.
//!
//! Two entry points share one event walk so they always agree on heading ids:
//! - [`outline`] is cheap (no HTML, no highlighting): the headings with their unique ids and
//!   every link with its line. The model uses it to check `@/page.md#anchor` links and build
//!   backlinks before anything is rendered.
//! - [`render`] makes the HTML: heading anchors, GitHub alerts as callouts, links rewritten by
//!   the caller's resolver, fenced code through [`crate::highlight`], adjacent `subject=`
//!   blocks grouped side by side, footnotes numbered across the whole body, and the body split
//!   where the feature table goes ([`placement`]).
//!
//! Every id the body puts on the page is unique on that page, template included ([`ids`]).
//!
//! This module does not know about other pages or files: links are resolved through
//! [`Env::resolve_link`], which the render stage supplies from the model ([`links`] says what
//! a destination names). Plain Markdown is CommonMark: `tests/commonmark.rs` runs the
//! specification's examples through the whole pipeline.

mod footnotes;
mod ids;
pub mod links;
mod placement;

use std::ops::Range;

use pulldown_cmark::{BlockQuoteKind, CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::content::Source;
use crate::diagnostics::LineIndex;
use crate::highlight::{self, Highlighter};
use footnotes::Footnotes;
use ids::PageIds;
pub use links::split_dest;

/// The Markdown extensions of the author's contract.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_GFM
}

/// The comment authors put where the feature table goes.
pub const FEATURES_MARKER: &str = "<!-- features -->";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heading {
    pub level: u8,
    /// Plain text of the heading.
    pub title: String,
    /// Unique within the page.
    pub id: String,
    /// The id the heading had before slugs dropped apostrophes, kept as a second anchor.
    pub former_id: Option<String>,
}

/// A link as written in the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub dest: String,
    /// 1-based, relative to the body's first line.
    pub line: usize,
    pub column: usize,
    pub is_image: bool,
}

/// What the model needs from a body without rendering it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    pub headings: Vec<Heading>,
    pub links: Vec<LinkRef>,
    /// Plain text (for search and word counts), capped.
    pub text: String,
    pub words: usize,
}

const TEXT_CAP: usize = 4000;

/// The [`outline`] of a source file's body, on the page its kind is rendered with.
pub fn outline_of(source: &Source) -> Outline {
    outline(source.body(), crate::theme::reserved_ids(source.kind))
}

/// Every fenced or indented code block of a body as [`render`] meets it: (info string, code).
/// For highlighting ahead of rendering: the same blocks give the same cache keys.
pub fn code_blocks(body: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut code: Option<(String, String)> = None;
    for event in Parser::new_ext(body, options()) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((info, String::new()));
            }
            Event::Text(t) => {
                if let Some((_, text)) = &mut code {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => out.extend(code.take()),
            _ => {}
        }
    }
    out
}

/// Headings and links of a body on a page whose template uses `reserved_ids` (see
/// [`crate::theme::reserved_ids`]; [`render`] must get the same ones).
pub fn outline(body: &str, reserved_ids: &[&str]) -> Outline {
    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(body, options())
        .into_offset_iter()
        .collect();
    let ids = PageIds::new(reserved_ids).headings(&events);
    let lines = LineIndex::new(body);
    let mut out = Outline::default();
    let mut in_heading: Option<(u8, String)> = None;
    let mut in_code = false;
    let mut ids = ids.into_iter();
    for (event, range) in &events {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                in_heading = Some((*level as u8, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, title)) = in_heading.take() {
                    let (id, former_id) = ids.next().unwrap_or_default();
                    out.headings.push(Heading {
                        level,
                        title: title.trim().to_string(),
                        id,
                        former_id,
                    });
                }
            }
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                let (line, column) = lines.line_col(range.start);
                out.links.push(LinkRef {
                    dest: dest_url.to_string(),
                    line,
                    column,
                    is_image: matches!(event, Event::Start(Tag::Image { .. })),
                });
            }
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, title)) = &mut in_heading {
                    title.push_str(t);
                }
                if !in_code {
                    out.words += t.split_whitespace().count();
                    if out.text.len() < TEXT_CAP {
                        if !out.text.is_empty() {
                            out.text.push(' ');
                        }
                        out.text.push_str(t.trim());
                    }
                }
            }
            _ => {}
        }
    }
    if out.text.len() > TEXT_CAP {
        let mut cut = TEXT_CAP;
        while !out.text.is_char_boundary(cut) {
            cut -= 1;
        }
        out.text.truncate(cut);
    }
    out
}

/// What rendering needs from the rest of the site.
pub struct Env<'a> {
    /// Turns a link destination as written into the href to emit; `None` keeps it as is.
    pub resolve_link: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// Title and URL of a subject id, for labelling code groups.
    pub subject_label: &'a (dyn Fn(&str) -> Option<(String, String)> + Sync),
    pub highlighter: &'a Highlighter,
    /// The ids the page's template uses, which the body must not take: the same as given to
    /// [`outline`].
    pub reserved_ids: &'a [&'a str],
    /// The interface strings: callout titles, the labels of heading anchors and task boxes.
    pub strings: &'a crate::i18n::Strings,
}

/// A warning found while rendering, with its line relative to the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderWarning {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

/// A rendered body, split where the feature table goes.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// HTML before the feature table (the whole body when `after` is empty).
    pub before: String,
    pub after: String,
    pub warnings: Vec<RenderWarning>,
}

impl Rendered {
    pub fn whole(&self) -> String {
        let mut s = self.before.clone();
        s.push_str(&self.after);
        s
    }
}

/// A fenced block waiting to be emitted, so that adjacent `subject=` blocks can be grouped.
struct PendingBlock {
    subject: Option<String>,
    html: String,
}

/// Renders a body to HTML.
pub fn render(body: &str, env: &Env) -> Rendered {
    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(body, options())
        .into_offset_iter()
        .collect();
    let mut page_ids = PageIds::new(env.reserved_ids);
    let heading_ids = page_ids.headings(&events);
    let placement = placement::table_placement(&events);
    let split = placement.index;
    let lines = LineIndex::new(body);

    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut warnings = Vec::new();
    if let Some(offset) = placement.nested_marker {
        let (line, column) = lines.line_col(offset);
        warnings.push(RenderWarning {
            message: format!(
                "`{FEATURES_MARKER}` inside a list or quote: the feature table goes after it"
            ),
            line,
            column,
        });
    }
    let mut heading_ids = heading_ids.into_iter();
    let mut footnotes = Footnotes::default();
    let mut groups = Groups {
        pending: Vec::new(),
        count: 0,
    };
    let mut split_at_out = None;
    let mut code: Option<(String, String, usize)> = None; // (info, text, start offset)
    let mut heading_id = String::new();

    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        if Some(i) == split {
            // The split is between top-level blocks, never inside a group (a group only
            // continues from one code block straight into the next).
            groups.flush(env, &mut page_ids, &mut out);
            split_at_out = Some(out.len());
        }
        // Code blocks are collected whole, then highlighted.
        if let Some((_, text, _)) = &mut code {
            match event {
                Event::Text(t) => text.push_str(t),
                Event::End(TagEnd::CodeBlock) => {
                    let (info, text, start) = code.take().unwrap_or_default();
                    let fence = highlight::parse_fence_info(&info);
                    let block = env.highlighter.render_block(&fence, &text);
                    let (line, column) = lines.line_col(start);
                    for w in block.warnings {
                        warnings.push(RenderWarning {
                            message: w.message,
                            line: line + w.line_in_block,
                            column: if w.line_in_block == 0 { column } else { 1 },
                        });
                    }
                    if let Some(s) = &fence.subject
                        && (env.subject_label)(s).is_none()
                    {
                        warnings.push(RenderWarning {
                            message: format!("code block names unknown subject `{s}`"),
                            line,
                            column,
                        });
                    }
                    groups.pending.push(PendingBlock {
                        subject: fence.subject,
                        html: block.html,
                    });
                    let next_is_code = matches!(
                        events.get(i + 1),
                        Some((Event::Start(Tag::CodeBlock(_)), _))
                    );
                    if !next_is_code {
                        groups.flush(env, &mut page_ids, &mut out);
                    }
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let info = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((info, String::new(), range.start));
            }
            Event::Start(Tag::Heading {
                level,
                classes,
                attrs,
                ..
            }) => {
                let former;
                (heading_id, former) = heading_ids.next().unwrap_or_default();
                out.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(heading_id.clone())),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
                if let Some(former) = former {
                    // The anchor links made before apostrophes left slugs still reach.
                    out.push(Event::InlineHtml(CowStr::from(format!(
                        "<span id=\"{}\"></span>",
                        escape_attr(&former)
                    ))));
                }
            }
            Event::End(TagEnd::Heading(level)) => {
                out.push(Event::Html(CowStr::from(format!(
                    " <a class=\"heading-anchor\" href=\"#{}\" aria-label=\"{}\">#</a>",
                    escape_attr(&heading_id),
                    escape_attr(&env.strings.t("heading_anchor", &[]))
                ))));
                out.push(Event::End(TagEnd::Heading(*level)));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let class = alert_class(*kind);
                let label = escape_attr(&env.strings.t(&format!("callout_{class}"), &[]));
                out.push(Event::Html(CowStr::from(format!(
                    "<aside class=\"callout callout-{class}\" aria-label=\"{label}\">\n<p class=\"callout-title\">{label}</p>\n"
                ))));
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                out.push(Event::Html(CowStr::from("</aside>\n")));
            }
            Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => {
                out.push(Event::Start(resolve_destination(tag, env)));
            }
            Event::FootnoteReference(label) => out.push(Event::InlineHtml(CowStr::from(
                footnotes.reference(label, &mut page_ids),
            ))),
            Event::Start(Tag::FootnoteDefinition(label)) => out.push(Event::Html(CowStr::from(
                footnotes.definition_start(label, &mut page_ids),
            ))),
            Event::End(TagEnd::FootnoteDefinition) => {
                out.push(Event::Html(CowStr::from(Footnotes::definition_end())))
            }
            Event::Start(Tag::Table(a)) => {
                out.push(Event::Html(CowStr::from("<div class=\"table-wrap\">")));
                out.push(Event::Start(Tag::Table(a.clone())));
            }
            Event::End(TagEnd::Table) => {
                out.push(Event::End(TagEnd::Table));
                out.push(Event::Html(CowStr::from("</div>\n")));
            }
            Event::Html(h) if h.trim() == FEATURES_MARKER => {}
            // pulldown-cmark's task-list checkbox has no accessible name (axe: critical).
            Event::TaskListMarker(done) => {
                let (checked, key) = if *done {
                    (" checked", "task_done")
                } else {
                    ("", "task_not_done")
                };
                out.push(Event::InlineHtml(CowStr::from(format!(
                    "<input type=\"checkbox\" disabled{checked} aria-label=\"{}\"> ",
                    escape_attr(&env.strings.t(key, &[]))
                ))))
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    groups.flush(env, &mut page_ids, &mut out);

    let split_at = split_at_out.unwrap_or(out.len());
    let mut before = String::with_capacity(body.len() * 3 / 2);
    let mut after = String::new();
    let rest = out.split_off(split_at);
    pulldown_cmark::html::push_html(&mut before, out.into_iter());
    pulldown_cmark::html::push_html(&mut after, rest.into_iter());
    Rendered {
        before,
        after,
        warnings,
    }
}

/// Fenced blocks waiting to be emitted, and how many groups the page has so far.
struct Groups {
    pending: Vec<PendingBlock>,
    count: usize,
}

impl Groups {
    /// Emits the pending blocks: two or more adjacent blocks that all carry `subject=` become
    /// one side-by-side group; anything else is emitted block by block.
    fn flush(&mut self, env: &Env, ids: &mut PageIds, out: &mut Vec<Event>) {
        let pending = std::mem::take(&mut self.pending);
        let all_subjects = pending.len() >= 2 && pending.iter().all(|b| b.subject.is_some());
        if !all_subjects {
            for b in pending {
                out.push(Event::Html(CowStr::from(b.html)));
            }
            return;
        }
        let (n, prefix) = ids.code_group(self.count, pending.len());
        self.count = n;
        let items: Vec<(String, String, String)> = pending
            .into_iter()
            .map(|b| {
                let id = b.subject.unwrap_or_default();
                let (title, url) =
                    (env.subject_label)(&id).unwrap_or_else(|| (id.clone(), String::new()));
                (title, url, b.html)
            })
            .collect();
        let html = highlight::render_group(&items, &prefix);
        out.push(Event::Html(CowStr::from(html)));
    }
}

/// The class suffix of an alert; its title is the translation `callout_<class>`.
fn alert_class(kind: BlockQuoteKind) -> &'static str {
    match kind {
        BlockQuoteKind::Note => "note",
        BlockQuoteKind::Tip => "tip",
        BlockQuoteKind::Important => "important",
        BlockQuoteKind::Warning => "warning",
        BlockQuoteKind::Caution => "caution",
    }
}

/// A link or image with its destination rewritten by the caller's resolver.
fn resolve_destination<'a>(tag: &Tag<'a>, env: &Env) -> Tag<'a> {
    let mut tag = tag.clone();
    if let Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } = &mut tag
        && let Some(href) = (env.resolve_link)(dest_url)
    {
        *dest_url = CowStr::from(href);
    }
    tag
}

/// Escapes text for an HTML attribute or text node.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = pulldown_cmark_escape::escape_html(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::highlight::HighlightOptions;

    fn env_render(body: &str) -> Rendered {
        let (hl, _) = Highlighter::new(HighlightOptions {
            theme: "InspiredGitHub".into(),
            dark_theme: "Monokai Extended".into(),
            extra_dir: None,
            max_block_bytes: 1 << 20,
            time_budget_ms: 1000,
        });
        let resolve = |d: &str| d.strip_prefix("@/").map(|p| format!("/resolved/{p}"));
        let label = |s: &str| Some((s.to_uppercase(), format!("/subjects/{s}/")));
        render(
            body,
            &Env {
                resolve_link: &resolve,
                subject_label: &label,
                highlighter: &hl,
                reserved_ids: &["main"],
                strings: &crate::i18n::Strings::default(),
            },
        )
    }

    #[test]
    fn heading_ids_are_unique_and_custom_ids_win() {
        let o = outline("# A\n## Intro\n## Intro\n## Other {#intro-1}\n", &[]);
        let ids: Vec<_> = o.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["a", "intro", "intro-2", "intro-1"]);
    }

    #[test]
    fn a_custom_id_written_twice_stays_unique() {
        // Found by the property tests: two `{#c}` headings gave two elements with id `c`.
        let o = outline("# x {#c}\n\n# y {#c}\n\n## c\n", &[]);
        let ids: Vec<_> = o.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["c", "c-1", "c-2"]);
    }

    #[test]
    fn outline_lines_of_links() {
        let o = outline("x\n\nsee [a](@/b.md#c) and ![i](p.png)\n", &[]);
        assert_eq!(o.links.len(), 2);
        assert_eq!((o.links[0].line, o.links[0].column), (3, 5));
        assert_eq!(o.links[0].dest, "@/b.md#c");
        assert!(o.links[1].is_image);
    }

    #[test]
    fn alerts_become_callouts() {
        let r = env_render("> [!WARNING]\n> Careful.\n");
        let h = r.whole();
        assert!(
            h.contains("<aside class=\"callout callout-warning\""),
            "{h}"
        );
        assert!(h.contains("Careful."));
        assert!(!h.contains("[!WARNING]"));
    }

    #[test]
    fn links_are_resolved_and_headings_get_anchors() {
        let h = env_render("## Hi there\n\n[x](@/a.md#b)\n").whole();
        assert!(h.contains("<h2 id=\"hi-there\">"), "{h}");
        assert!(h.contains("href=\"#hi-there\""), "{h}");
        assert!(h.contains("href=\"/resolved/a.md#b\""), "{h}");
    }

    #[test]
    fn table_goes_at_the_marker_or_after_the_first_section() {
        let r = env_render("Intro.\n\n## One\n\ntext\n\n<!-- features -->\n\n## Two\n");
        assert!(r.before.contains("One") && r.after.contains("Two"), "{r:?}");
        assert!(!r.before.contains("features -->"));
        let r = env_render("Intro.\n\n## One\n\ntext\n");
        assert!(
            r.before.contains("Intro") && r.after.contains("One"),
            "{r:?}"
        );
        let r = env_render("## One\n\ntext\n\n## Two\n\nmore\n");
        assert!(r.before.contains("One") && r.after.contains("Two"), "{r:?}");
    }

    #[test]
    fn footnotes_are_numbered_across_the_split_with_ids_of_their_own() {
        let r = env_render(
            "Intro.[^a]\n\n## Notes\n\nMore.[^B] Again.[^A]\n\n\
             [^a]: First.\n[^b]: Second.\n\n## Main\n",
        );
        assert!(r.before.contains("<a href=\"#fn-a\">1</a>"), "{r:?}");
        let after = &r.after;
        assert!(after.contains("<h2 id=\"notes\">"), "{after}");
        assert!(after.contains("<a href=\"#fn-b\">2</a></sup> Again.<sup class=\"footnote-reference\"><a href=\"#fn-a\">1</a>"), "{after}");
        assert!(after.contains("<div class=\"footnote-definition\" id=\"fn-a\"><sup class=\"footnote-definition-label\">1</sup>"), "{after}");
        assert!(
            after.contains("id=\"fn-b\"><sup class=\"footnote-definition-label\">2</sup>"),
            "{after}"
        );
        // `main` is the template's.
        assert!(after.contains("<h2 id=\"main-1\">"), "{after}");
    }

    #[test]
    fn adjacent_subject_blocks_form_a_group() {
        let h = env_render(
            "```python subject=\"flask\"\na\n```\n\n```python subject=\"django\"\nb\n```\n\ntext\n\n```python\nc\n```\n",
        )
        .whole();
        assert_eq!(h.matches("class=\"code-group\"").count(), 1, "{h}");
        assert!(h.contains("FLASK") && h.contains("DJANGO"));
    }
}
