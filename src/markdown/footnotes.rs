//! Footnote references and definitions, numbered across the whole body.
//!
//! pulldown-cmark's HTML writer numbers footnotes as it meets them, and the body is written in
//! two parts around the feature table, so its numbers would start again at 1 after the table.
//! Here they are numbered once, in order of first appearance (a reference or a definition, as
//! pulldown-cmark does), and written as HTML events with the same markup it writes. Ids are
//! `fn-<label>` so that `[^notes]` and `## Notes` do not both claim `notes`. Labels match
//! case-insensitively, as in GitHub-style footnotes (`ENABLE_FOOTNOTES` in pulldown-cmark
//! 0.13, which also only emits a reference when its definition exists, and never inside an
//! image's alt text).

use std::collections::HashMap;

use super::escape_attr;
use super::ids::PageIds;
use crate::slug;

#[derive(Default)]
pub struct Footnotes {
    /// Lower-cased label → (number, id).
    seen: HashMap<String, (usize, String)>,
}

impl Footnotes {
    fn number_and_id(&mut self, label: &str, ids: &mut PageIds) -> (usize, String) {
        let next = self.seen.len() + 1;
        self.seen
            .entry(label.to_lowercase())
            .or_insert_with(|| {
                let slug = slug::slugify(label);
                let base = if slug.is_empty() {
                    format!("fn-{next}")
                } else {
                    format!("fn-{slug}")
                };
                (next, ids.claim(base))
            })
            .clone()
    }

    /// `<sup class="footnote-reference"><a href="#fn-a">1</a></sup>`
    pub fn reference(&mut self, label: &str, ids: &mut PageIds) -> String {
        let (n, id) = self.number_and_id(label, ids);
        format!(
            "<sup class=\"footnote-reference\"><a href=\"#{}\">{n}</a></sup>",
            escape_attr(&id)
        )
    }

    /// The opening of a definition, closed by [`Footnotes::definition_end`].
    pub fn definition_start(&mut self, label: &str, ids: &mut PageIds) -> String {
        let (n, id) = self.number_and_id(label, ids);
        format!(
            "<div class=\"footnote-definition\" id=\"{}\"><sup class=\"footnote-definition-label\">{n}</sup>",
            escape_attr(&id)
        )
    }

    pub fn definition_end() -> &'static str {
        "</div>\n"
    }
}
