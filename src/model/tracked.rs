//! Which parts of the model a computation read, and which parts differ between two models:
//! together they tell the preview server which targets a change can reach.
//!
//! The model's collections (pages, statements, subjects, features, groups, tags, pairs) are
//! [`Tracked`] vectors. While [`record`] runs a closure on a thread, every read of one of them
//! on that thread is logged: an item read by index as `(kind, id)`, anything else (iterating,
//! searching, any slice method) as `(kind, ALL)`. Nothing escapes the log, because the only
//! ways to reach the items are the logging ones; when nothing is recorded a read costs one
//! thread-local flag check. The log is per thread: a recorded computation must not hand
//! model reads to other threads (context functions do not use rayon).
//! Fields of the model outside these collections are not logged: [`Model::changes`] gives up
//! when any of them differs (a new field of the model must be compared there too).
//!
//! [`Model::changes`] compares a rebuilt model with the previous one item by item. A digest
//! recorded with its reads cannot have changed when none of the items it read did — so the
//! preview server computes digests only for targets whose reads meet a change, and the
//! digest code stays the one source of truth about what a page shows (no list to keep).
//!
//! Not here: the digests themselves (`crate::render`), the routing (`crate::serve`).

use std::cell::{Cell, RefCell};
use std::ops::{Deref, DerefMut, Index, IndexMut};
use std::sync::Arc;

use rayon::prelude::*;

use super::{Feature, Group, Model, Page, Pair, Statement, Subject, Tag};

/// The kinds of item the model keeps in [`Tracked`] collections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Page,
    Statement,
    Subject,
    Feature,
    Group,
    Tag,
    Pair,
}

const KINDS: usize = 7;

/// The id of a read that depends on every item of a kind.
pub const ALL: u32 = u32::MAX;

/// One logged read: an item, or [`ALL`] of a kind.
pub type Read = (Kind, u32);

/// The reads of one computation, sorted, without repeats (shared: kept digests are carried
/// from one rebuild to the next).
pub type Reads = std::sync::Arc<[Read]>;

/// A type held in a [`Tracked`] collection.
pub trait Item {
    const KIND: Kind;
}

macro_rules! items {
    ($($t:ty => $k:ident),*) => { $(impl Item for $t { const KIND: Kind = Kind::$k; })* };
}
items!(Page => Page, Statement => Statement, Subject => Subject, Feature => Feature,
       Group => Group, Tag => Tag, Pair => Pair);

thread_local! {
    static ON: Cell<bool> = const { Cell::new(false) };
    static LOG: RefCell<Vec<Read>> = const { RefCell::new(Vec::new()) };
}

fn log(kind: Kind, id: u32) {
    if ON.with(Cell::get) {
        LOG.with(|l| l.borrow_mut().push((kind, id)));
    }
}

/// Runs `f`, returning what it read of tracked collections on this thread. Nests: an inner
/// recording's reads are returned to its caller, not added to the outer one (see [`replay`]).
pub fn record<R>(f: impl FnOnce() -> R) -> (R, Reads) {
    let was_on = ON.with(|on| on.replace(true));
    let outer = LOG.with(|l| std::mem::take(&mut *l.borrow_mut()));
    let r = f();
    let mut reads = LOG.with(|l| std::mem::replace(&mut *l.borrow_mut(), outer));
    ON.with(|on| on.set(was_on));
    reads.sort_unstable();
    reads.dedup();
    (r, reads.into())
}

/// Adds reads recorded earlier to the current recording (a value made once and shared by
/// many computations, like a page's summary, stands for what making it read).
pub fn replay(reads: &[Read]) {
    if ON.with(Cell::get) {
        LOG.with(|l| l.borrow_mut().extend_from_slice(reads));
    }
}

/// A vector of model items whose reads are logged while [`record`] runs.
#[derive(Debug, Clone)]
pub struct Tracked<T>(Vec<T>);

impl<T> Default for Tracked<T> {
    fn default() -> Self {
        Tracked(Vec::new())
    }
}

impl<T> From<Vec<T>> for Tracked<T> {
    fn from(v: Vec<T>) -> Self {
        Tracked(v)
    }
}

impl<T: Item> Tracked<T> {
    /// Not a read: a change in the number of items makes [`Model::changes`] give up.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        log(T::KIND, ALL);
        self.0.iter()
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        log(T::KIND, i as u32);
        self.0.get(i)
    }
}

/// Every other way in (slice methods, `par_iter`…) reads the whole collection.
impl<T: Item> Deref for Tracked<T> {
    type Target = Vec<T>;
    fn deref(&self) -> &Vec<T> {
        log(T::KIND, ALL);
        &self.0
    }
}

/// Writing happens while the model is built, never while reads are recorded.
impl<T: Item> DerefMut for Tracked<T> {
    fn deref_mut(&mut self) -> &mut Vec<T> {
        &mut self.0
    }
}

impl<T: Item> Index<usize> for Tracked<T> {
    type Output = T;
    fn index(&self, i: usize) -> &T {
        log(T::KIND, i as u32);
        &self.0[i]
    }
}

impl<T: Item> IndexMut<usize> for Tracked<T> {
    fn index_mut(&mut self, i: usize) -> &mut T {
        &mut self.0[i]
    }
}

impl<'a, T: Item> IntoIterator for &'a Tracked<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T: Item> IntoIterator for &'a mut Tracked<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter_mut()
    }
}

/// Which items differ between two models with the same items (see [`Model::changes`]).
#[derive(Debug)]
pub struct Changes {
    /// Per kind: whether each item differs.
    changed: [Vec<bool>; KINDS],
    any: [bool; KINDS],
}

impl Changes {
    /// Whether a computation with these reads can give a different result on the new model.
    pub fn touch(&self, reads: &[Read]) -> bool {
        reads.iter().any(|&(k, id)| {
            let k = k as usize;
            if id == ALL {
                self.any[k]
            } else {
                self.changed[k].get(id as usize).copied().unwrap_or(true)
            }
        })
    }

    /// How many items differ, for the preview server's timings.
    pub fn count(&self) -> usize {
        self.changed
            .iter()
            .map(|c| c.iter().filter(|&&b| b).count())
            .sum()
    }
}

fn differ<T: PartialEq + Sync>(old: &Tracked<T>, new: &Tracked<T>) -> Option<Vec<bool>> {
    (old.0.len() == new.0.len()).then(|| {
        old.0
            .par_iter()
            .zip(new.0.par_iter())
            .map(|(a, b)| a != b)
            .collect()
    })
}

impl Model {
    /// Which items of this model differ from those of `old`, a model of the same site with
    /// the same config. `None` when the two cannot be compared item by item: items were added
    /// or removed (ids shifted), or something outside the tracked collections differs (the
    /// home page, levels, lookups by path…): then anything may have changed.
    pub fn changes(&self, old: &Model) -> Option<Changes> {
        let same_rest = self.base_path == old.base_path
            && self.levels == old.levels
            && self.edit_links == old.edit_links
            && self.assets == old.assets
            && self.home == old.home
            && self.top_subjects == old.top_subjects
            && self.page_by_rel == old.page_by_rel
            && self.subject_by_id == old.subject_by_id
            && self.feature_by_key == old.feature_by_key
            && self.has_catalog == old.has_catalog
            && self.verdicts == old.verdicts
            && self.data == old.data
            && Arc::ptr_eq(&self.strings, &old.strings)
            && self.root_base_path == old.root_base_path
            && self.alternates == old.alternates;
        if !same_rest {
            return None;
        }
        let changed = [
            differ(&old.pages, &self.pages)?,
            differ(&old.statements, &self.statements)?,
            differ(&old.subjects, &self.subjects)?,
            differ(&old.features, &self.features)?,
            differ(&old.groups, &self.groups)?,
            differ(&old.tags, &self.tags)?,
            differ(&old.pairs, &self.pairs)?,
        ];
        let any = std::array::from_fn(|k| changed[k].iter().any(|&b| b));
        Some(Changes { changed, any })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(name: &str) -> Tag {
        Tag {
            name: name.into(),
            slug: name.into(),
            pages: Vec::new(),
        }
    }

    #[test]
    fn reads_are_recorded_by_item_and_whole_collection() {
        let tags: Tracked<Tag> = vec![tag("a"), tag("b"), tag("c")].into();
        let (_, reads) = record(|| {
            let _ = &tags[2].name;
            let _ = tags.get(0);
            tags.len()
        });
        assert_eq!(&*reads, &[(Kind::Tag, 0), (Kind::Tag, 2)]);
        let (_, reads) = record(|| tags.first().map(|t| t.name.clone()));
        assert_eq!(&*reads, &[(Kind::Tag, ALL)]);
        let (_, reads) = record(|| tags.iter().count());
        assert_eq!(&*reads, &[(Kind::Tag, ALL)]);
    }

    #[test]
    fn nothing_is_logged_outside_a_recording_and_recordings_nest() {
        let tags: Tracked<Tag> = vec![tag("a"), tag("b")].into();
        let _ = &tags[0];
        let (inner, outer) = record(|| {
            let _ = &tags[0];
            let (_, inner) = record(|| tags[1].name.clone());
            replay(&inner);
            inner
        });
        assert_eq!(&*inner, &[(Kind::Tag, 1)]);
        assert_eq!(&*outer, &[(Kind::Tag, 0), (Kind::Tag, 1)]);
        let (_, none) = record(|| ());
        assert!(none.is_empty());
    }

    #[test]
    fn changes_touch_reads_of_changed_items_and_of_whole_kinds() {
        let changes = Changes {
            changed: std::array::from_fn(|k| {
                if k == Kind::Tag as usize {
                    vec![false, true]
                } else {
                    Vec::new()
                }
            }),
            any: std::array::from_fn(|k| k == Kind::Tag as usize),
        };
        assert!(changes.touch(&[(Kind::Tag, 1)]));
        assert!(!changes.touch(&[(Kind::Tag, 0), (Kind::Page, ALL)]));
        assert!(changes.touch(&[(Kind::Tag, ALL)]));
        assert_eq!(changes.count(), 1);
    }
}
