//! Benchmark for the link checker's HTML reader (`versus::linkcheck::scan`), which
//! `versus check` runs on every page it renders:
//! `cargo run --release --example bench_scan -- SITE_OUTPUT_DIR [MAX_FILES]`.
//!
//! Reads up to MAX_FILES (default 5,000) `.html` files of a built site into memory, then
//! prints the single-threaded throughput of `scan`. Prints figures; asserts nothing.

use std::path::PathBuf;
use std::time::Instant;

/// The binary's allocator (src/main.rs), so the figures are the ones a check sees.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next() else {
        eprintln!("usage: bench_scan SITE_OUTPUT_DIR [MAX_FILES]");
        std::process::exit(2);
    };
    let max: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(5_000);
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    files.truncate(max);
    let pages: Vec<Vec<u8>> = files.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    let bytes: usize = pages.iter().map(Vec::len).sum();
    println!(
        "{} pages, {:.1} MB, 1 thread",
        pages.len(),
        bytes as f64 / 1e6
    );

    let t = Instant::now();
    let mut links = 0;
    for page in &pages {
        links += versus::linkcheck::scan(page).links.len();
    }
    report("scan (ids and links)", bytes, t);
    println!("({links} links kept)");
}

fn report(what: &str, bytes: usize, t: Instant) {
    let s = t.elapsed().as_secs_f64();
    println!(
        "{what:<36} {:>7.0} ms {:>6.0} MB/s",
        s * 1000.0,
        bytes as f64 / 1e6 / s
    );
}
