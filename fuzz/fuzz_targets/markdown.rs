//! Markdown → HTML with the real highlighter, on arbitrary text with fenced blocks whose
//! languages and attributes are arbitrary too. No panic; the outline and the render agree on
//! heading ids.
#![no_main]

use std::sync::Mutex;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use versus::highlight::{HighlightOptions, Highlighter};
use versus::markdown::{Env, outline, render};

#[derive(Debug, Arbitrary)]
enum Piece {
    Text(String),
    Fence {
        info: String,
        code: String,
    },
    KnownFence {
        lang: u8,
        attrs: String,
        code: String,
    },
    Heading {
        level: u8,
        text: String,
    },
}

#[derive(Debug, Arbitrary)]
struct Input {
    pieces: Vec<Piece>,
}

const LANGS: &[&str] = &[
    "python",
    "rust",
    "toml",
    "yaml",
    "html",
    "jinja2",
    "console",
    "bash",
    "js",
    "ts",
    "sql",
    "diff",
    "json",
    "text",
    "dockerfile",
    "",
];

/// One highlighter reused across inputs (building its tables is the slow part), replaced
/// every 2,000 inputs: its cache of highlighted blocks only grows, and would otherwise reach
/// libFuzzer's memory limit (a server keeps one per site, where blocks repeat).
fn with_highlighter<R>(f: impl FnOnce(&Highlighter) -> R) -> R {
    static H: Mutex<Option<(u32, Highlighter)>> = Mutex::new(None);
    let mut guard = H.lock().unwrap_or_else(|e| e.into_inner());
    if guard.as_ref().is_none_or(|(n, _)| *n >= 2000) {
        // A time budget keeps pathological regexes from stalling the fuzzer; it is part of
        // what is being tested.
        let h = Highlighter::new(HighlightOptions {
            max_block_bytes: 64 * 1024,
            time_budget_ms: 200,
            ..HighlightOptions::default()
        })
        .0;
        *guard = Some((0, h));
    }
    let (n, h) = guard.as_mut().expect("set above");
    *n += 1;
    f(h)
}

fuzz_target!(|input: Input| {
    let mut body = String::new();
    for p in &input.pieces {
        match p {
            Piece::Text(t) => body.push_str(t),
            Piece::Fence { info, code } => {
                body.push_str(&format!("\n```{}\n{code}\n```\n", info.replace('\n', " ")))
            }
            Piece::KnownFence { lang, attrs, code } => {
                let lang = LANGS[*lang as usize % LANGS.len()];
                body.push_str(&format!(
                    "\n```{lang} {}\n{code}\n```\n",
                    attrs.replace('\n', " ")
                ))
            }
            Piece::Heading { level, text } => {
                let hashes = "#".repeat(1 + *level as usize % 6);
                body.push_str(&format!("\n{hashes} {}\n", text.replace('\n', " ")))
            }
        }
    }
    let o = outline(&body, &[]);
    let mut ids = std::collections::HashSet::new();
    for h in &o.headings {
        assert!(ids.insert(h.id.clone()), "duplicate heading id {:?}", h.id);
    }
    let resolve = |d: &str| d.strip_prefix("@/").map(|p| format!("/r/{p}"));
    let label = |s: &str| Some((s.to_string(), format!("/subjects/{s}/")));
    let strings = versus::i18n::Strings::default();
    let r = with_highlighter(|h| {
        render(
            &body,
            &Env {
                resolve_link: &resolve,
                subject_label: &label,
                highlighter: h,
                reserved_ids: &[],
                strings: &strings,
            },
        )
    });
    let _ = r.whole();
});
