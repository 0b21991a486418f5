//! The `id`s a body puts on its page, unique against each other and against the ids of the
//! template around it.
//!
//! Ids are handed out in an order that keeps the ones authors link to stable:
//! 1. the template's own ids (`main`, `page-title`, …; see [`crate::theme::reserved_ids`]),
//!    which the body never takes;
//! 2. `{#custom}` heading ids, each kept on its first heading;
//! 3. heading slugs (`## Main` → `main-1` when the template has `main`);
//! 4. footnotes (`fn-<label>`) and code groups (`g1-0`, `g1-0-tab`), as rendering meets them.
//!
//! A clash gets `-1`, `-2`, … ([`slug::unique`]). This module does not know about HTML.

use std::collections::HashSet;
use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::slug;

/// The ids taken on one page so far.
pub struct PageIds {
    taken: HashSet<String>,
}

impl PageIds {
    /// Starts with the template's ids taken.
    pub fn new(reserved: &[&str]) -> PageIds {
        PageIds {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Unique ids for the headings in event order: `{#custom}` wins, else a slug of the text.
    /// Each comes with the id the heading had before apostrophes were dropped from slugs
    /// (`don-t-panic` for "Don't panic"), where that differs and is free: the page keeps it
    /// as a second anchor so links written before still land on the heading.
    pub fn headings(&mut self, events: &[(Event, Range<usize>)]) -> Vec<(String, Option<String>)> {
        // A custom id equal to a template id is taken already, so it gets a suffix like a
        // custom id written twice: every id on the page stays unique.
        let mut custom_used = self.taken.clone();
        // Custom ids are reserved before any slug so that an automatic slug never steals one.
        for (e, _) in events {
            if let Event::Start(Tag::Heading { id: Some(id), .. }) = e {
                self.taken.insert(id.to_string());
            }
        }
        let mut ids = Vec::new();
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
                            Some(id) if custom_used.insert(id.clone()) => (id, None),
                            Some(id) => (slug::unique(id, &mut self.taken), None),
                            None => {
                                let id = slug::unique(slug::heading_slug(&text), &mut self.taken);
                                let former = slug::slugify(&text);
                                let keep = former != slug::heading_slug(&text)
                                    && !former.is_empty()
                                    && self.taken.insert(former.clone());
                                (id, keep.then_some(former))
                            }
                        });
                    }
                }
                _ => {}
            }
        }
        ids
    }

    /// `base`, or `base-1`, `base-2`, … if taken; recorded as taken.
    pub fn claim(&mut self, base: String) -> String {
        slug::unique(base, &mut self.taken)
    }

    /// The id prefix of a code group with `panels` panels, after group number `last`: `g<n>`
    /// for the first `n > last` whose panel ids (`g<n>-<i>`, `g<n>-<i>-tab`) are all free.
    /// Returns `n` and the prefix.
    pub fn code_group(&mut self, last: usize, panels: usize) -> (usize, String) {
        let mut n = last + 1;
        loop {
            let prefix = format!("g{n}");
            let ids: Vec<String> = (0..panels)
                .flat_map(|i| [format!("{prefix}-{i}"), format!("{prefix}-{i}-tab")])
                .collect();
            if ids.iter().all(|id| !self.taken.contains(id)) {
                self.taken.extend(ids);
                return (n, prefix);
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::Parser;

    fn heading_ids(body: &str, reserved: &[&str]) -> Vec<String> {
        let events: Vec<_> = Parser::new_ext(body, crate::markdown::options())
            .into_offset_iter()
            .collect();
        PageIds::new(reserved)
            .headings(&events)
            .into_iter()
            .map(|(id, _)| id)
            .collect()
    }

    #[test]
    fn template_ids_are_never_taken_by_headings() {
        assert_eq!(
            heading_ids("## Main\n## Other {#main}\n## Main\n", &["main"]),
            ["main-1", "main-2", "main-3"]
        );
    }

    #[test]
    fn code_groups_skip_taken_prefixes() {
        let mut ids = PageIds::new(&["g1-1-tab"]);
        assert_eq!(ids.code_group(0, 2), (2, "g2".to_string()));
        assert_eq!(ids.code_group(2, 2), (3, "g3".to_string()));
        assert_eq!(ids.claim("g3-0".into()), "g3-0-1");
    }
}
