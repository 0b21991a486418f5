//! A cache of syntect's per-line parse results, shared by every block (and thread) of one
//! highlighter.
//!
//! **For:** skipping the regex work for a line parsed before from the same state.
//! `ParseState::parse_line` is a pure function of the state at the start of the line, the
//! line's text and the syntax set: the same three give the same scope operations and the same
//! state after. Code repeats lines — blank lines, `}`, `fi`, `</div>`, imports, boilerplate —
//! and every block of a language starts from the same state, so in a site's blocks most lines
//! have been parsed before from an equal state. Parsing is nearly all of highlighting's cost
//! (oniguruma's `match_at`/`forward_search` under syntect's `parse_line`), and a hit costs a
//! hash and two clones instead.
//!
//! **Not for:** whole blocks (the highlighter's block caches key on the block), or anything
//! after parsing (the HTML of a line depends on the block's spans, see `classes.rs`).
//!
//! # Exactness
//!
//! syntect's `ParseState` is opaque and `Eq` but not `Hash`. An entry is found by an xxh3 of
//! the syntax set's address, the line and the state's fingerprint (an xxh3 of its `Debug`
//! text: equal states have equal fingerprints), then checked with `==` on the line and the
//! whole state, so a hit is always the result `parse_line` would return. An entry keeps the
//! fingerprint of the state after its line, so a block's lines found in the cache need no
//! `Debug` text at all: only a parsed line's state after is fingerprinted.
//! States holding a regex capture (a heredoc's delimiter, say) compare by the capture's
//! address in syntect, so they never hit: uncached, not wrong.
//!
//! # Per thread, bounded
//!
//! A `ParseState` may not cross threads (it can hold an oniguruma region), so each thread has
//! its own cache, owned by one highlighter at a time (a thread used by another highlighter
//! empties it: ids of syntax sets and contexts mean nothing across highlighters). Each holds
//! two generations of at most [`GENERATION`] entries: when the current one is full it becomes
//! the previous one and the oldest is dropped, and a hit in the previous generation moves the
//! entry back into the current one. Lines that keep coming back stay; one-off lines age out.
//! Lines longer than [`MAX_LINE`] bytes are not cached. A thread's cache outlives the
//! highlighter until the thread ends or another highlighter uses it (the preview server keeps
//! one), or [`release`] empties it (a build, once every block is highlighted).

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU64, Ordering};

use syntect::parsing::{ParseState, ParsingError, ScopeStackOp, SyntaxSet};
use xxhash_rust::xxh3::Xxh3;

/// Entries per generation and thread: about 1.5 KB each (the line, two parse states, the
/// operations), so ~3 MB a thread. Lines that recur within ~1,000 distinct lines stay: a
/// build hands each thread the blocks of a few languages (`engine::highlight_code`), and
/// 2,048 found 2% more lines for 4 MiB more at 1,000 pages (on 10,000 pages, 8,192 added
/// 60 MB to the peak for the same hits).
const GENERATION: usize = 1024;
/// Longer lines rarely repeat; not worth the copy.
const MAX_LINE: usize = 512;

/// Scope operations of one line, as `ParseState::parse_line` returns them.
pub(super) type Ops = Vec<(usize, ScopeStackOp)>;

struct Entry {
    set: usize,
    line: Box<str>,
    before: ParseState,
    ops: Ops,
    after: ParseState,
    /// [`fingerprint`] of `after`.
    after_print: u64,
}

impl Entry {
    fn is(&self, set: usize, line: &str, state: &ParseState) -> bool {
        self.set == set && &*self.line == line && self.before == *state
    }
}

type Generation = HashMap<u64, Vec<Entry>>;

/// One thread's cache.
#[derive(Default)]
struct Local {
    /// The [`LineCache::id`] of the highlighter whose lines these are.
    owner: u64,
    current: Generation,
    current_len: usize,
    previous: Generation,
}

impl Local {
    /// The state after the line and its operations, if cached.
    fn find(
        &mut self,
        key: u64,
        set: usize,
        line: &str,
        state: &ParseState,
    ) -> Option<(ParseState, u64, Ops)> {
        let found = |e: &Entry| (e.after.clone(), e.after_print, e.ops.clone());
        if let Some(e) = self
            .current
            .get(&key)
            .and_then(|v| v.iter().find(|e| e.is(set, line, state)))
        {
            return Some(found(e));
        }
        let bucket = self.previous.get_mut(&key)?;
        let i = bucket.iter().position(|e| e.is(set, line, state))?;
        let e = bucket.swap_remove(i);
        let result = found(&e);
        self.insert(key, e);
        Some(result)
    }

    fn insert(&mut self, key: u64, e: Entry) {
        if self.current_len >= GENERATION {
            self.previous = std::mem::take(&mut self.current);
            self.current_len = 0;
        }
        self.current.entry(key).or_default().push(e);
        self.current_len += 1;
    }
}

thread_local! {
    static LOCAL: RefCell<Local> = RefCell::new(Local::default());
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Empties the caches of this thread and of every thread of rayon's pool: for a build, once
/// every block is highlighted, so that the memory they hold serves the pages rendered next
/// instead of adding to the build's peak.
pub fn release() {
    let forget = || LOCAL.with_borrow_mut(|local| *local = Local::default());
    rayon::broadcast(|_| forget());
    forget();
}

/// A highlighter's handle on the per-thread caches, and their hit counts.
pub(super) struct LineCache {
    id: u64,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl LineCache {
    pub(super) fn new() -> Self {
        LineCache {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// `state.parse_line(line, ss)`, from the cache when this line was parsed from an equal
    /// state before. `print` is the state's [`fingerprint`], kept up to date with it. `ss`
    /// must be the set `state` was made from (as for `parse_line`), and stay alive as long as
    /// this highlighter (its address is part of the key).
    pub(super) fn parse_line(
        &self,
        state: &mut ParseState,
        print: &mut u64,
        line: &str,
        ss: &SyntaxSet,
    ) -> Result<Ops, ParsingError> {
        if line.len() > MAX_LINE {
            let ops = state.parse_line(line, ss)?;
            *print = fingerprint(state);
            return Ok(ops);
        }
        let set = ss as *const SyntaxSet as usize;
        let key = key(set, line, *print);
        let found = LOCAL.with_borrow_mut(|local| {
            if local.owner != self.id {
                *local = Local {
                    owner: self.id,
                    ..Local::default()
                };
            }
            local.find(key, set, line, state)
        });
        if let Some((after, after_print, ops)) = found {
            self.hits.fetch_add(1, Ordering::Relaxed);
            *state = after;
            *print = after_print;
            return Ok(ops);
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let before = state.clone();
        let ops = state.parse_line(line, ss)?;
        *print = fingerprint(state);
        let entry = Entry {
            set,
            line: line.into(),
            before,
            ops: ops.clone(),
            after: state.clone(),
            after_print: *print,
        };
        LOCAL.with_borrow_mut(|local| {
            if local.owner == self.id {
                local.insert(key, entry);
            }
        });
        Ok(ops)
    }

    /// `(hits, misses)` since this cache was made.
    pub(super) fn stats(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }
}

/// Feeds formatted text straight into a hasher (no string is built).
struct HashWriter<'a>(&'a mut Xxh3);

impl fmt::Write for HashWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// An xxh3 of the state's `Debug` text: equal states (it is derived) have equal prints.
pub(super) fn fingerprint(state: &ParseState) -> u64 {
    let mut h = Xxh3::new();
    let _ = write!(HashWriter(&mut h), "{state:?}");
    h.digest()
}

fn key(set: usize, line: &str, print: u64) -> u64 {
    let mut h = Xxh3::new();
    h.update(&set.to_le_bytes());
    h.update(&(line.len() as u64).to_le_bytes());
    h.update(line.as_bytes());
    h.update(&print.to_le_bytes());
    h.digest()
}
