//! Unit tests of the highlighter, one file per idea: fence parsing and language resolution,
//! the HTML of a block, its guards, the caches, themes and a site's own syntaxes. Here: the
//! helpers they share.

mod caches;
mod fence_and_languages;
mod guards;
mod html;
mod themes_and_extras;

pub(super) use std::fs;

pub(super) use super::fence::*;
pub(super) use super::syntaxes::*;
pub(super) use super::*;

fn hl() -> Highlighter {
    Highlighter::new(HighlightOptions::default()).0
}

fn fence(s: &str) -> FenceInfo {
    parse_fence_info(s)
}

/// The text content of the `<code>` element: tags stripped, entities decoded.
fn code_text(html: &str) -> String {
    let start = html.find("<code").unwrap();
    let start = start + html[start..].find('>').unwrap() + 1;
    let end = html.rfind("</code>").unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The inner HTML of each line span (the code split at the `\n`s between line spans).
fn line_spans(html: &str) -> Vec<String> {
    let start = html.find("<code").unwrap();
    let start = start + html[start..].find('>').unwrap() + 1;
    let end = html.rfind("</code>").unwrap();
    html[start..end]
        .split('\n')
        .filter(|l| !l.is_empty())
        .map(|l| l.trim_end_matches('\r').to_string())
        .collect()
}

fn assert_balanced_lines(html: &str) {
    for line in line_spans(html) {
        assert!(line.starts_with("<span class=\"line"), "line: {line}");
        assert!(line.ends_with("</span>"), "line: {line}");
        let mut depth = 0i64;
        let mut rest = line.as_str();
        while let Some(p) = rest.find('<') {
            rest = &rest[p..];
            if rest.starts_with("</span>") {
                depth -= 1;
                assert!(depth >= 0, "close without open in {line}");
            } else if rest.starts_with("<span") {
                depth += 1;
            } else {
                panic!("unexpected tag in {line}");
            }
            rest = &rest[1..];
            if depth == 0 {
                assert!(
                    !rest.contains("<span"),
                    "the line span closed early in {line}"
                );
            }
        }
        assert_eq!(depth, 0, "unbalanced line: {line}");
    }
}

fn is_highlighted(html: &str) -> bool {
    html.contains("<span class=\"hl-")
}

#[test]
fn highlighter_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Highlighter>();
}
