//! One page's Markdown body → HTML, with pulldown-cmark.
//!
//! Two entry points share one event walk so they always agree on heading ids:
//! - [`outline`] is cheap (no HTML, no highlighting): the headings with their unique ids and
//!   every link with its line. The model uses it to check `@/page.md#anchor` links and build
//!   backlinks before anything is rendered.
//! - [`render`] makes the HTML: heading anchors, GitHub alerts as callouts, links rewritten by
//!   the caller's resolver, fenced code through [`crate::highlight`], adjacent `subject=`
//!   blocks grouped side by side, and the body split where the feature table goes.
//!
//! This module does not know about other pages or files: links are resolved through
//! [`Env::resolve_link`], which the render stage supplies from the model.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{BlockQuoteKind, CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::diagnostics::LineIndex;
use crate::highlight::{self, Highlighter};
use crate::slug;

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

/// Headings and links of a body.
pub fn outline(body: &str) -> Outline {
    let events: Vec<(Event, Range<usize>)> = Parser::new_ext(body, options())
        .into_offset_iter()
        .collect();
    let ids = heading_ids(&events);
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
                    let id = ids.next().unwrap_or_default();
                    out.headings.push(Heading {
                        level,
                        title: title.trim().to_string(),
                        id,
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

/// Unique ids for the headings in event order: `{#custom}` wins, else a slug of the text.
fn heading_ids(events: &[(Event, Range<usize>)]) -> Vec<String> {
    let mut taken = HashSet::new();
    // Custom ids are reserved first so that an automatic slug never steals one.
    for (e, _) in events {
        if let Event::Start(Tag::Heading { id: Some(id), .. }) = e {
            taken.insert(id.to_string());
        }
    }
    let mut ids = Vec::new();
    // A custom id written twice on one page keeps it only on its first heading; later ones
    // get a suffix, so that every id on the page stays unique.
    let mut custom_used = HashSet::new();
    let mut current: Option<(Option<String>, String)> = None;
    for (e, _) in events {
        match e {
            Event::Start(Tag::Heading { id, .. }) => {
                current = Some((id.as_ref().map(|s| s.to_string()), String::new()))
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = &mut current {
                    text.push_str(t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((custom, text)) = current.take() {
                    ids.push(match custom {
                        Some(id) if custom_used.insert(id.clone()) => id,
                        Some(id) => slug::unique(id, &mut taken),
                        None => slug::unique(slug::slugify(&text), &mut taken),
                    });
                }
            }
            _ => {}
        }
    }
    ids
}

/// What rendering needs from the rest of the site.
pub struct Env<'a> {
    /// Turns a link destination as written into the href to emit; `None` keeps it as is.
    pub resolve_link: &'a (dyn Fn(&str) -> Option<String> + Sync),
    /// Title and URL of a subject id, for labelling code groups.
    pub subject_label: &'a (dyn Fn(&str) -> Option<(String, String)> + Sync),
    pub highlighter: &'a Highlighter,
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
    let ids = heading_ids(&events);
    let split = table_split_point(&events);
    let lines = LineIndex::new(body);

    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut warnings = Vec::new();
    let mut ids = ids.into_iter();
    let mut pending: Vec<PendingBlock> = Vec::new();
    let mut group_count = 0;
    let mut split_at_out = None;
    let mut code: Option<(String, String, usize)> = None; // (info, text, start offset)
    let mut heading_id = String::new();

    let mut i = 0;
    while i < events.len() {
        let (event, range) = &events[i];
        if Some(i) == split {
            flush_group(&mut pending, &mut out, &mut group_count);
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
                    pending.push(PendingBlock {
                        subject: fence.subject,
                        html: block.html,
                    });
                    let next_is_code = matches!(
                        events.get(i + 1),
                        Some((Event::Start(Tag::CodeBlock(_)), _))
                    );
                    if !next_is_code {
                        flush_group_with(env, &mut pending, &mut out, &mut group_count);
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
                heading_id = ids.next().unwrap_or_default();
                out.push(Event::Start(Tag::Heading {
                    level: *level,
                    id: Some(CowStr::from(heading_id.clone())),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                out.push(Event::Html(CowStr::from(format!(
                    " <a class=\"heading-anchor\" href=\"#{}\" aria-label=\"Link to this section\">#</a>",
                    escape_attr(&heading_id)
                ))));
                out.push(Event::End(TagEnd::Heading(*level)));
            }
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (class, label) = alert_label(*kind);
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
            Event::TaskListMarker(done) => out.push(Event::InlineHtml(CowStr::from(if *done {
                "<input type=\"checkbox\" disabled checked aria-label=\"Done\"> "
            } else {
                "<input type=\"checkbox\" disabled aria-label=\"Not done\"> "
            }))),
            other => out.push(other.clone()),
        }
        i += 1;
    }
    flush_group_with(env, &mut pending, &mut out, &mut group_count);

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

fn flush_group(pending: &mut Vec<PendingBlock>, out: &mut Vec<Event>, _count: &mut usize) {
    // Only reached at the split point, where a group cannot be open across it.
    for b in pending.drain(..) {
        out.push(Event::Html(CowStr::from(b.html)));
    }
}

/// Emits pending blocks: two or more adjacent blocks that all carry `subject=` become one
/// side-by-side group; anything else is emitted block by block.
fn flush_group_with(
    env: &Env,
    pending: &mut Vec<PendingBlock>,
    out: &mut Vec<Event>,
    count: &mut usize,
) {
    if pending.is_empty() {
        return;
    }
    let all_subjects = pending.len() >= 2 && pending.iter().all(|b| b.subject.is_some());
    if all_subjects {
        *count += 1;
        let items: Vec<(String, String, String)> = pending
            .drain(..)
            .map(|b| {
                let id = b.subject.unwrap_or_default();
                let (title, url) =
                    (env.subject_label)(&id).unwrap_or_else(|| (id.clone(), String::new()));
                (title, url, b.html)
            })
            .collect();
        let html = highlight::render_group(&items, &format!("g{count}"));
        out.push(Event::Html(CowStr::from(html)));
    } else {
        for b in pending.drain(..) {
            out.push(Event::Html(CowStr::from(b.html)));
        }
    }
}

/// Where the feature table goes: at `<!-- features -->`, else after the first section (before
/// the first `##` when text comes before it, otherwise before the second `##`). Index into
/// `events`; `None` = at the end.
fn table_split_point(events: &[(Event, Range<usize>)]) -> Option<usize> {
    for (i, (e, _)) in events.iter().enumerate() {
        if let Event::Html(h) = e
            && h.trim() == FEATURES_MARKER
        {
            return Some(i);
        }
    }
    let mut h2_seen = 0;
    for (i, (e, _)) in events.iter().enumerate() {
        if let Event::Start(Tag::Heading { level, .. }) = e
            && *level as u8 <= 2
        {
            if i > 0 && h2_seen == 0 {
                // Text before the first section heading: put the table right after it.
                let only_h1_before = events[..i].iter().all(|(e, _)| {
                    !matches!(e, Event::Start(Tag::Paragraph) | Event::Start(Tag::List(_)))
                });
                if !only_h1_before {
                    return Some(i);
                }
            }
            h2_seen += 1;
            if h2_seen == 2 {
                return Some(i);
            }
        }
    }
    None
}

fn alert_label(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
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
            },
        )
    }

    #[test]
    fn heading_ids_are_unique_and_custom_ids_win() {
        let o = outline("# A\n## Intro\n## Intro\n## Other {#intro-1}\n");
        let ids: Vec<_> = o.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["a", "intro", "intro-2", "intro-1"]);
    }

    #[test]
    fn a_custom_id_written_twice_stays_unique() {
        // Found by the property tests: two `{#c}` headings gave two elements with id `c`.
        let o = outline("# x {#c}\n\n# y {#c}\n\n## c\n");
        let ids: Vec<_> = o.headings.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["c", "c-1", "c-2"]);
    }

    #[test]
    fn outline_lines_of_links() {
        let o = outline("x\n\nsee [a](@/b.md#c) and ![i](p.png)\n");
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
    fn adjacent_subject_blocks_form_a_group() {
        let h = env_render(
            "```python subject=\"flask\"\na\n```\n\n```python subject=\"django\"\nb\n```\n\ntext\n\n```python\nc\n```\n",
        )
        .whole();
        assert_eq!(h.matches("class=\"code-group\"").count(), 1, "{h}");
        assert!(h.contains("FLASK") && h.contains("DJANGO"));
    }
}
