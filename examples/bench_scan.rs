//! Benchmark for the link checker's HTML reader (`versus::linkcheck::scan`), which
//! `versus check` runs on every page it renders:
//! `cargo run --release --example bench_scan -- SITE_OUTPUT_DIR [MAX_FILES]`.
//!
//! Reads up to MAX_FILES (default 5,000) `.html` files of a built site into memory, then
//! prints single-threaded throughput of `scan` against html5gum's tokenizer with an emitter
//! that keeps nothing (the floor any reader built on it can reach). Prints figures; asserts
//! nothing.

use std::path::PathBuf;
use std::time::Instant;

use html5gum::{Emitter, Error, State};

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
    let t = Instant::now();
    for page in &pages {
        for _ in html5gum::Tokenizer::new_with_emitter(&page[..], Nothing::default()) {}
    }
    report("html5gum, emitter keeping nothing", bytes, t);
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

/// Tracks only what the tokenizer needs to find where `<script>` and `<style>` end.
#[derive(Default)]
struct Nothing {
    tag: Vec<u8>,
    last_start_tag: Vec<u8>,
    end_tag: bool,
}

impl Emitter for Nothing {
    type Token = ();
    fn should_emit_errors(&mut self) -> bool {
        false
    }
    fn set_last_start_tag(&mut self, tag: Option<&[u8]>) {
        self.last_start_tag = tag.unwrap_or_default().to_vec();
    }
    fn init_start_tag(&mut self) {
        self.tag.clear();
        self.end_tag = false;
    }
    fn init_end_tag(&mut self) {
        self.tag.clear();
        self.end_tag = true;
    }
    fn push_tag_name(&mut self, s: &[u8]) {
        self.tag.extend_from_slice(s);
    }
    fn emit_current_tag(&mut self) -> Option<State> {
        if self.end_tag {
            self.last_start_tag.clear();
            return None;
        }
        std::mem::swap(&mut self.last_start_tag, &mut self.tag);
        html5gum::naive_next_state(&self.last_start_tag)
    }
    fn current_is_appropriate_end_tag_token(&mut self) -> bool {
        self.end_tag && self.last_start_tag == self.tag
    }
    fn pop_token(&mut self) -> Option<()> {
        None
    }
    fn emit_error(&mut self, _: Error) {}
    fn emit_eof(&mut self) {}
    fn emit_string(&mut self, _: &[u8]) {}
    fn init_comment(&mut self) {}
    fn push_comment(&mut self, _: &[u8]) {}
    fn emit_current_comment(&mut self) {}
    fn init_doctype(&mut self) {}
    fn push_doctype_name(&mut self, _: &[u8]) {}
    fn set_doctype_public_identifier(&mut self, _: &[u8]) {}
    fn set_doctype_system_identifier(&mut self, _: &[u8]) {}
    fn push_doctype_public_identifier(&mut self, _: &[u8]) {}
    fn push_doctype_system_identifier(&mut self, _: &[u8]) {}
    fn emit_current_doctype(&mut self) {}
    fn set_self_closing(&mut self) {}
    fn set_force_quirks(&mut self) {}
    fn init_attribute(&mut self) {}
    fn push_attribute_name(&mut self, _: &[u8]) {}
    fn push_attribute_value(&mut self, _: &[u8]) {}
}
