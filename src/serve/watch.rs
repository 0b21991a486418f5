//! Watching the site's inputs: `content/`, `templates/`, `themes/`, `static/`, `highlight/`,
//! `i18n/` and `versus.toml`, through notify and its full debouncer (20 ms: quick enough to feel
//! instant, long enough to see an editor's write-rename-delete as one save).
//!
//! Editors that save by writing a temp file and renaming it over the original (vim,
//! JetBrains, VS Code) produce create/rename/remove events, sometimes for names the site
//! ignores; any event on a path that matters triggers a rebuild from what is on disk, so the
//! exact sequence does not matter. Swap and temp files alone never trigger one. Folders
//! created after start (a first `templates/`) are picked up: the root itself is watched too.
//! `--poll` uses notify's `PollWatcher` for file systems that deliver no events.
//!
//! Not here: deciding what to rebuild ([`super::incremental`] does, from the paths sent).

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, PollWatcher, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{
    DebounceEventResult, Debouncer, NoCache, RecommendedCache, new_debouncer, new_debouncer_opt,
};

use crate::content::is_ignored_name;

/// The names under the site root whose changes matter.
pub const WATCHED: &[&str] = &[
    "content",
    "templates",
    "themes",
    "static",
    "highlight",
    "i18n",
    "versus.toml",
];

const DEBOUNCE: Duration = Duration::from_millis(20);
const POLL_INTERVAL: Duration = Duration::from_millis(250);

enum Inner {
    Native(Debouncer<RecommendedWatcher, RecommendedCache>),
    Poll(Debouncer<PollWatcher, NoCache>),
}

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    inner: Inner,
    root: PathBuf,
    watched: Vec<PathBuf>,
}

impl Watcher {
    /// Starts watching `root` (which must be absolute). Each batch of relevant changes is
    /// sent as paths relative to the root.
    pub fn start(root: &Path, poll: bool, tx: Sender<Vec<PathBuf>>) -> notify::Result<Watcher> {
        let root_c = root.to_path_buf();
        let handler = move |result: DebounceEventResult| {
            let Ok(events) = result else { return };
            let mut paths: Vec<PathBuf> = events
                .iter()
                .filter(|e| changes_content(&e.kind))
                .flat_map(|e| e.paths.iter())
                .filter_map(|p| relevant(&root_c, p))
                .collect();
            paths.dedup();
            if !paths.is_empty() {
                let _ = tx.send(paths);
            }
        };
        let inner = if poll {
            let config = notify::Config::default().with_poll_interval(POLL_INTERVAL);
            Inner::Poll(new_debouncer_opt(DEBOUNCE, None, handler, NoCache, config)?)
        } else {
            Inner::Native(new_debouncer(DEBOUNCE, None, handler)?)
        };
        let mut w = Watcher {
            inner,
            root: root.to_path_buf(),
            watched: Vec::new(),
        };
        w.watch(root, RecursiveMode::NonRecursive)?;
        w.refresh();
        Ok(w)
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        match &mut self.inner {
            Inner::Native(d) => d.watch(path, mode),
            Inner::Poll(d) => d.watch(path, mode),
        }
    }

    /// Watches the input folders that exist now and were not watched yet (call after each
    /// batch of changes: a folder may have been created or re-created).
    pub fn refresh(&mut self) {
        self.watched.retain(|p| p.exists());
        for name in WATCHED {
            let p = self.root.join(name);
            if p.is_dir() && !self.watched.contains(&p) {
                if let Inner::Native(d) = &mut self.inner {
                    // A folder deleted and re-created needs a fresh watch.
                    let _ = d.unwatch(&p);
                }
                if self.watch(&p, RecursiveMode::Recursive).is_ok() {
                    self.watched.push(p);
                }
            }
        }
    }
}

/// Reading a file (as every rebuild does) produces access events: only writes count.
fn changes_content(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// `path` relative to `root` if a change there matters.
pub fn relevant(root: &Path, path: &Path) -> Option<PathBuf> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = rel.components();
    let first = match parts.next()? {
        Component::Normal(n) => n.to_str()?,
        _ => return None,
    };
    if !WATCHED.contains(&first) {
        return None;
    }
    let ignored = rel.components().any(|c| match c {
        Component::Normal(n) => n.to_str().is_none_or(is_ignored_name),
        _ => true,
    });
    (!ignored).then(|| rel.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relevance() {
        let root = Path::new("/s");
        let yes = |p: &str| relevant(root, Path::new(p)).is_some();
        assert!(yes("/s/content/a.md"));
        assert!(yes("/s/versus.toml"));
        assert!(yes("/s/templates/base.html"));
        assert!(yes("/s/content"));
        assert!(!yes("/s/site/index.html"));
        assert!(!yes("/s/content/.a.md.swp"));
        assert!(!yes("/s/content/a.md~"));
        assert!(!yes("/s/content/.git/index"));
        assert!(!yes("/s/templates/base.html___jb_tmp___"));
        assert!(!yes("/elsewhere/content/a.md"));
    }
}
