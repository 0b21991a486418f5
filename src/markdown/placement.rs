//! Where an article's feature table goes in its body (docs/content-format.md): at
//! `<!-- features -->`; else right after the text before the first `##`; if the body starts
//! with a `##`, before the second one; if there is none, at the end.
//!
//! The table is a block of its own, so it only ever goes between two *top-level* blocks: a
//! heading inside a list item or a blockquote is not a section start, and a marker inside one
//! puts the table after that list or quote (with a warning), never inside it. Nesting comes
//! from the parser's events, not from the text.

use std::ops::Range;

use pulldown_cmark::{Event, Tag};

use super::FEATURES_MARKER;

/// The split point: an index into the events, `None` = at the end. `nested_marker` is the
/// byte offset of a marker found inside a list or quote, for the warning.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Placement {
    pub index: Option<usize>,
    pub nested_marker: Option<usize>,
}

/// Finds where the table goes in a body's events (from `into_offset_iter`).
pub fn table_placement(events: &[(Event, Range<usize>)]) -> Placement {
    // depth[i] = how many tags are open just before event i; 0 = a top-level block starts.
    let mut depth = Vec::with_capacity(events.len());
    let mut d = 0usize;
    for (e, _) in events {
        depth.push(d);
        match e {
            Event::Start(_) => d += 1,
            Event::End(_) => d = d.saturating_sub(1),
            _ => {}
        }
    }
    let top_start = |i: usize| (0..=i).rev().find(|&j| depth[j] == 0).unwrap_or(0);

    for (i, (e, range)) in events.iter().enumerate() {
        let Event::Html(h) = e else { continue };
        if h.trim() != FEATURES_MARKER {
            continue;
        }
        let top = top_start(i);
        if depth[i] == 1 && matches!(events[top].0, Event::Start(Tag::HtmlBlock)) {
            // A marker of its own, or a line of a top-level HTML block: exactly there.
            return Placement {
                index: Some(i),
                nested_marker: None,
            };
        }
        // Inside a list or quote: after the top-level block that holds it.
        let after = (i + 1..events.len()).find(|&j| depth[j] == 0);
        return Placement {
            index: after,
            nested_marker: Some(range.start),
        };
    }

    let mut sections_seen = 0;
    for (i, (e, _)) in events.iter().enumerate() {
        let Event::Start(Tag::Heading { level, .. }) = e else {
            continue;
        };
        if depth[i] != 0 || *level as u8 > 2 {
            continue;
        }
        if i > 0 && sections_seen == 0 {
            // Text before the first section heading: put the table right after it.
            let only_h1_before = events[..i].iter().all(|(e, _)| {
                !matches!(e, Event::Start(Tag::Paragraph) | Event::Start(Tag::List(_)))
            });
            if !only_h1_before {
                return Placement {
                    index: Some(i),
                    nested_marker: None,
                };
            }
        }
        sections_seen += 1;
        if sections_seen == 2 {
            return Placement {
                index: Some(i),
                nested_marker: None,
            };
        }
    }
    Placement::default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    /// The text of the top-level block the table goes before, or `END`.
    fn before(body: &str) -> String {
        let events: Vec<_> = Parser::new_ext(body, crate::markdown::options())
            .into_offset_iter()
            .collect();
        match table_placement(&events).index {
            Some(i) => body[events[i].1.clone()].trim().to_string(),
            None => "END".to_string(),
        }
    }

    #[test]
    fn goes_before_a_top_level_section_only() {
        assert_eq!(before("Intro.\n\n## One\n\ntext\n"), "## One");
        assert_eq!(before("## One\n\ntext\n\n## Two\n"), "## Two");
        // An `#` counts as a section heading too.
        assert_eq!(before("# Title\n\n## One\n\n## Two\n"), "## One");
        assert_eq!(
            before("- ## Step one\n  Do this.\n- ## Step two\n\n## After\n"),
            "## After"
        );
        assert_eq!(
            before("Intro.\n\n> ## Quoted\n> text\n\n## Real\n"),
            "## Real"
        );
        // A quote holding only a heading is no intro text, and its heading no section.
        assert_eq!(before("> ## Quoted\n\n## A\n\n## B\n"), "## B");
        assert_eq!(before("- ## In a list\n"), "END");
        assert_eq!(before("Just text.\n"), "END");
    }

    #[test]
    fn a_nested_marker_moves_after_its_top_level_block() {
        let body = "Intro.\n\n- a\n\n  <!-- features -->\n- b\n\nAfter.\n";
        let events: Vec<_> = Parser::new_ext(body, crate::markdown::options())
            .into_offset_iter()
            .collect();
        let p = table_placement(&events);
        assert_eq!(p.nested_marker, Some(body.find("<!--").unwrap()));
        assert_eq!(before(body), "After.");
        assert_eq!(before("> <!-- features -->\n"), "END");
        assert_eq!(
            before("A\n\n<!-- features -->\n\n## B\n"),
            "<!-- features -->"
        );
    }
}
