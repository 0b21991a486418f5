//! What versus asks of its allocator, mimalloc (the binary makes it the global allocator,
//! `src/main.rs`): to give freed memory back to the system when the library knows that what
//! it freed will not be needed again. Where mimalloc is not the global allocator (the
//! library's own tests), these calls reach only mimalloc's unused heap and change nothing.
//!
//! Not here: choosing the allocator (the binary does), measuring memory (`scripts/bench.py`).

/// mimalloc 3's `mi_option_purge_delay`: its place in `mi_option_t` (include/mimalloc.h; the
/// crate names no constant for it). A test checks that the option there is the one whose
/// default is 1000 ms.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// For commands that run once (`build`, `check`, `deploy`): memory a thread frees goes back
/// to the system after 10 ms (mimalloc 2's default), not after mimalloc 3's second, which
/// is longer than a build: memory freed by one stage was not reused by the next but added
/// to the peak. Not for `serve`, which frees and makes a model at every save and is faster
/// keeping what it freed (a front-matter edit at 10,000 pages: 175 ms, 230 with this).
pub fn return_freed_memory_sooner() {
    // SAFETY: setting an option is allowed at any time; it is read when memory is purged.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10) };
}

/// Gives back now, not after the purge delay, what this thread and rayon's threads have
/// freed: after a stage whose memory the next stages will not use (a build's highlighting
/// pass), so that the peak is the larger of the two stages, not their sum.
pub fn give_back_freed() {
    // SAFETY: collecting is allowed at any time, on any thread, for that thread's heap.
    let collect = || unsafe { libmimalloc_sys::mi_collect(true) };
    rayon::broadcast(|_| collect());
    collect();
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_option_set_as_purge_delay_is_mimallocs_purge_delay() {
        // Read before anything sets it: 1000 ms is the purge delay's default in mimalloc 3,
        // and no other option's.
        // SAFETY: reading an option is allowed at any time.
        let default = unsafe { libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY) };
        assert_eq!(default, 1000);
    }
}
