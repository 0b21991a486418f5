//! The block cache in memory, the per-line parse cache, and the cache file on disk.

use super::*;

#[test]
fn cache_hits_on_second_call() {
    let h = hl();
    let a = h.render_block(&fence("python"), "x = 1\n");
    assert_eq!(h.cache_stats(), (0, 1));
    let b = h.render_block(&fence("python"), "x = 1\n");
    assert_eq!(h.cache_stats(), (1, 1));
    assert_eq!(a, b);
    // Anything that changes the output is a different key.
    h.render_block(&fence("python linenos"), "x = 1\n");
    h.render_block(&fence("py"), "x = 1\n");
    h.render_block(&fence("python"), "x = 2\n");
    h.render_block(&fence("python title=a"), "x = 1\n");
    h.render_block(&fence("python hl_lines=1"), "x = 1\n");
    assert_eq!(h.cache_stats(), (1, 6));
}

#[test]
fn line_cache_replays_lines_only_from_an_equal_state() {
    // `x = 1` is code at the top level and text inside the docstring: a cache keyed on the
    // line alone would paint the second one as code.
    let blocks = [
        ("python", "x = 1\ns = \"\"\"\nx = 1\n\"\"\"\nx = 1\n"),
        // Lines 2-5 are parsed from the same states as in the first block: replayed.
        ("python", "y = 2\ns = \"\"\"\nx = 1\n\"\"\"\nx = 1\n"),
        ("python", "s = '''\nx = 1\ny = 2\n'''\n"),
        ("bash", "x=1\ncat <<EOF\nx=1\nEOF\nx=1\n"),
        ("html", "<p>x = 1</p>\n<script>\nx = 1\n</script>\n"),
    ];
    let warm = hl();
    let with_cache: Vec<String> = blocks
        .iter()
        .map(|(lang, code)| warm.render_block(&fence(lang), code).html)
        .collect();
    let (hits, misses) = warm.line_cache_stats();
    assert!(hits >= 4 && misses > 0, "{hits} hits, {misses} misses");
    for ((lang, code), cached) in blocks.iter().zip(&with_cache) {
        // A new highlighter owns a new cache: every line parsed afresh.
        let fresh = hl();
        assert_eq!(
            *cached,
            fresh.render_block(&fence(lang), code).html,
            "{code}"
        );
        assert_eq!(fresh.line_cache_stats().0, 0);
    }
    let doc = line_spans(&with_cache[0]);
    assert_ne!(doc[0], doc[2], "code and string lines differ: {doc:?}");
    assert_eq!(doc[0], doc[4]);
}

#[test]
fn cache_is_shared_across_threads() {
    let h = hl();
    rayon::scope(|s| {
        for _ in 0..8 {
            s.spawn(|_| {
                for i in 0..20 {
                    h.render_block(&fence("sql"), &format!("SELECT {i};\n"));
                }
            });
        }
    });
    let (hits, misses) = h.cache_stats();
    assert_eq!(hits + misses, 160);
    assert!(misses >= 20, "each distinct block misses at least once");
    assert_eq!(h.cache.iter().map(|s| lock(s).len()).sum::<usize>(), 20);
}

#[test]
fn persistent_cache_round_trip_and_corruption() {
    let dir = std::env::temp_dir().join(format!("versus-hl-test-{}", std::process::id()));
    let path = dir.join("sub/highlight.bin");
    let code = "SELECT 1;\n";
    let h = hl();
    h.start_cache(&path).unwrap();
    let first = h.render_block(&fence("sql"), code);
    assert_eq!(
        h.render_block(&fence("sql"), code),
        first,
        "read back in the same build"
    );
    assert_eq!(h.cache_stats(), (1, 1));
    h.render_block(&fence("nosuch"), code); // has a warning: not saved
    assert_eq!(h.finish_cache().unwrap(), 1);

    let h2 = hl();
    assert_eq!(h2.load_cache(&path), Ok(1));
    h2.start_cache(&path).unwrap();
    let again = h2.render_block(&fence("sql"), code);
    assert_eq!(again, first);
    assert_eq!(h2.cache_stats(), (1, 0));
    // Blocks reused from the old file are carried into the new one.
    assert_eq!(h2.finish_cache().unwrap(), 1);
    let h2b = hl();
    assert_eq!(h2b.load_cache(&path), Ok(1));
    assert_eq!(h2b.render_block(&fence("sql"), code), first);
    assert_eq!(h2b.cache_stats(), (1, 0));

    // Corrupt: truncate, garbage (damage inside the file: see `disk`'s tests).
    let bytes = fs::read(&path).unwrap();
    let h3 = hl();
    fs::write(&path, &bytes[..10]).unwrap();
    assert!(h3.load_cache(&path).is_err());
    fs::write(&path, b"").unwrap();
    assert!(h3.load_cache(&path).is_err());
    assert_eq!(h3.render_block(&fence("sql"), code), first);
    assert_eq!(h3.cache_stats(), (0, 1));
    // Missing file: nothing to load, no error.
    assert_eq!(h3.load_cache(&dir.join("missing.bin")), Ok(0));
    let _ = fs::remove_dir_all(&dir);
}
