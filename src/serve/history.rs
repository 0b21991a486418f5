//! What changed since a given published version, for a tab that missed some events.
//!
//! A tab learns of changes from the event stream, each event naming the version it publishes
//! (see [`super::live`]). A tab can miss some: it was opening, restored from the back/forward
//! cache, or its leader changed or its stream reconnected meanwhile. It then asks
//! `/__versus/since` what changed for its page since the last version it knew, and gets the
//! same answer the events would have given it: reload if its page (or something every page
//! uses) changed, otherwise the stylesheets to swap, in order. A tab that missed only a
//! stylesheet edit therefore swaps it, exactly as one that saw the event.
//!
//! (Comparing the page's ETag with the server's, as before, could not tell a stylesheet swap
//! from an edit: the swap renames the stylesheet in the page's HTML. A tab that checked just
//! as a stylesheet edit was published reloaded.)
//!
//! The history is kept with each published version ([`super::Published`]), so an answer is
//! always that of one version. It is bounded: one version number per page, and the last
//! [`CSS_KEPT`] stylesheet changes; a tab behind those is told to reload.
//!
//! Not here: what changed between two snapshots ([`super::snapshot::diff`]), the events.

use std::collections::HashMap;

use serde_json::json;

use super::snapshot::Change;

/// Stylesheet changes remembered; a tab that missed older ones reloads.
pub const CSS_KEPT: usize = 256;

/// Since which version each page has been what it is.
#[derive(Clone, Default)]
pub struct History {
    /// URL path of a page (`/a/`) → the last version that changed, added or removed it.
    pages: HashMap<String, u64>,
    /// The last version that changed something every page uses (a script, an image).
    all: u64,
    /// Stylesheet swaps (version, from URL, to URL), oldest first.
    css: Vec<(u64, String, String)>,
    /// Stylesheet swaps of versions up to this one have been forgotten.
    css_forgotten: u64,
}

impl History {
    /// This history with `change`, published as `version`, added.
    pub fn with(&self, version: u64, change: &Change) -> History {
        let mut next = self.clone();
        for page in &change.pages {
            next.pages.insert(page.clone(), version);
        }
        if change.all {
            next.all = version;
        }
        for (from, to) in &change.css {
            next.css.push((version, from.clone(), to.clone()));
        }
        if next.css.len() > CSS_KEPT {
            let drop = next.css.len() - CSS_KEPT;
            next.css_forgotten = next.css[drop - 1].0;
            next.css.drain(..drop);
        }
        next
    }

    /// What a tab showing `page`, up to date with version `since`, must do to be up to date
    /// with this history: reload, or swap these stylesheets (in order).
    pub fn since(&self, since: u64, page: &str) -> Catch {
        let changed = self.pages.get(page).copied().unwrap_or(0).max(self.all);
        if changed > since || since < self.css_forgotten {
            return Catch::Reload;
        }
        Catch::Swap(
            self.css
                .iter()
                .filter(|(v, _, _)| *v > since)
                .map(|(_, from, to)| (from.clone(), to.clone()))
                .collect(),
        )
    }
}

/// What a tab that missed some events must do.
#[derive(Debug, PartialEq, Eq)]
pub enum Catch {
    Reload,
    /// Stylesheets to swap, (from URL, to URL), in the order they were published.
    Swap(Vec<(String, String)>),
}

impl Catch {
    /// The answer `live.js` reads: `{"version", "reload", "css"}`.
    pub fn to_json(&self, version: u64) -> serde_json::Value {
        match self {
            Catch::Reload => json!({ "version": version, "reload": true, "css": [] }),
            Catch::Swap(css) => json!({ "version": version, "reload": false, "css": css }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(pages: &[&str], all: bool, css: &[(&str, &str)]) -> Change {
        Change {
            pages: pages.iter().map(|p| p.to_string()).collect(),
            all,
            css: css
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        }
    }

    fn swap(css: &[(&str, &str)]) -> Catch {
        Catch::Swap(
            css.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
        )
    }

    #[test]
    fn a_tab_that_missed_only_stylesheet_edits_swaps_them_in_order() {
        let h = History::default()
            .with(2, &change(&["/a/"], false, &[]))
            .with(3, &change(&[], false, &[("/s.1.css", "/s.2.css")]))
            .with(4, &change(&["/b/"], false, &[]))
            .with(5, &change(&[], false, &[("/s.2.css", "/s.3.css")]));
        assert_eq!(
            h.since(2, "/a/"),
            swap(&[("/s.1.css", "/s.2.css"), ("/s.2.css", "/s.3.css")])
        );
        assert_eq!(h.since(4, "/a/"), swap(&[("/s.2.css", "/s.3.css")]));
        assert_eq!(h.since(5, "/a/"), swap(&[]));
        assert_eq!(h.since(1, "/a/"), Catch::Reload, "missed its own edit");
        assert_eq!(h.since(3, "/b/"), Catch::Reload);
        assert_eq!(h.since(4, "/b/"), swap(&[("/s.2.css", "/s.3.css")]));
    }

    #[test]
    fn a_change_to_what_every_page_uses_reloads_every_page() {
        let h = History::default()
            .with(2, &change(&[], true, &[]))
            .with(3, &change(&["/a/"], false, &[]));
        assert_eq!(h.since(1, "/elsewhere/"), Catch::Reload);
        assert_eq!(h.since(2, "/elsewhere/"), swap(&[]));
    }

    #[test]
    fn a_tab_behind_the_forgotten_stylesheet_edits_reloads() {
        let mut h = History::default();
        for v in 1..=CSS_KEPT as u64 + 10 {
            h = h.with(v, &change(&[], false, &[("/s.css", "/s.css")]));
        }
        assert_eq!(h.css.len(), CSS_KEPT);
        assert_eq!(h.since(5, "/a/"), Catch::Reload);
        let Catch::Swap(css) = h.since(CSS_KEPT as u64, "/a/") else {
            panic!("a recent tab reloads");
        };
        assert_eq!(css.len(), 10);
    }
}
