//! Benchmark for `highlight`: `cargo run --release --example bench_highlight`.
//!
//! Prints the start-up costs (two-face syntax set with and without newlines, first use of a
//! syntax, themes + CSS, linking a site's extra syntax) and, for ~200 KB of Python, HTML and SQL
//! (a realistic snippet repeated with variations so no two blocks are equal), single-threaded
//! throughput cold and cached, plus a rayon run.
//!
//! Instruction counts (repeatable on a shared machine), one language at a time:
//!
//! ```text
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*measured*' \
//!     target/release/examples/bench_highlight --callgrind python 100
//! ```
//!
//! `--callgrind LANG KB` highlights ~KB of the snippet below (`python`, `html`, `sql`), or of the
//! fenced blocks of a `gen_corpus.py` site (`--callgrind corpus:DIR KB`, every language), once,
//! cold and on one thread; only `measured` is counted, not the loading of syntaxes.

use std::time::{Duration, Instant};

use rayon::prelude::*;
use versus::highlight::{FenceInfo, HighlightOptions, Highlighter, parse_fence_info};

/// The binary's allocator (src/main.rs), so the figures are the ones a build sees.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PYTHON: &str = r#"from flask import Flask, jsonify, request

app = Flask(__name__)
USERS_{i} = {"alice": 1, "bob": 2}


@app.route("/api/v{i}/users/<name>", methods=["GET", "POST"])
def get_user_{i}(name: str) -> dict:
    """Return the user called `name`, or a 404.

    Multi-line docstring with <html> & "quotes".
    """
    if request.method == "POST":
        payload = request.get_json(silent=True) or {}
        USERS_{i}[name] = int(payload.get("id", {i}))
    user_id = USERS_{i}.get(name)
    if user_id is None:  # not found
        return jsonify(error=f"no user {name!r}"), 404
    return jsonify(id=user_id, name=name, scores=[x ** 2 for x in range({i} % 7)])


class Repo{i}(object):
    def __init__(self, path="/tmp/{i}.db", *, timeout=3.5):
        self.path, self.timeout = path, timeout

    async def fetch(self, key):
        async with self.lock:
            return await self._load(key) | 0x{i}
"#;

const HTML: &str = r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Flask vs Django — page {i}</title>
  <link rel="stylesheet" href="/style.{i}.css">
  <style>
    .card-{i} { display: grid; gap: 1rem; color: #3a3a3a; }
    @media (max-width: 600px) { .card-{i} { gap: .5rem } }
  </style>
</head>
<body class="page-{i}">
  <!-- navigation {i} -->
  <nav aria-label="Main"><a href="/">Home</a> &middot; <a href="/compare/{i}/">Compare</a></nav>
  <main>
    <h1 id="title-{i}">Comparison #{i}</h1>
    <table class="features">
      <tr><th>Feature</th><th>Flask</th><th>Django</th></tr>
      <tr><td>ORM</td><td>no</td><td data-v="{i}">yes</td></tr>
    </table>
    <form method="post" action="/vote/{i}"><input type="text" name="q" required><button>Go</button></form>
  </main>
  <script>
    const items = [{i}, 2, 3].map((x) => x * 2);
    document.querySelectorAll(".card-{i}").forEach(el => { el.hidden = items.length < {i}; });
  </script>
</body>
</html>
"#;

const SQL: &str = r#"-- report {i}: monthly active users per plan
WITH active_{i} AS (
    SELECT u.id, u.plan, date_trunc('month', e.created_at) AS month
    FROM users u
    JOIN events e ON e.user_id = u.id AND e.kind IN ('login', 'api_call')
    WHERE e.created_at >= NOW() - INTERVAL '{i} days'
      AND u.email NOT LIKE '%@example.com'
    GROUP BY 1, 2, 3
)
SELECT plan,
       month,
       COUNT(DISTINCT id) AS mau,
       ROUND(100.0 * COUNT(*) / SUM(COUNT(*)) OVER (PARTITION BY month), 2) AS share
FROM active_{i}
GROUP BY plan, month
HAVING COUNT(*) > {i}
ORDER BY month DESC, mau DESC
LIMIT 100;

/* upsert {i} */
INSERT INTO plans (id, name, price_cents) VALUES ({i}, 'pro-{i}', 1900)
ON CONFLICT (id) DO UPDATE SET price_cents = EXCLUDED.price_cents;
CREATE INDEX IF NOT EXISTS idx_events_{i} ON events (user_id, created_at);
"#;

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let v = f();
    (v, t.elapsed())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Blocks of one snippet each, with `{i}` varied, until ~`target` bytes.
fn blocks(snippet: &str, target: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut total = 0;
    let mut i = 0;
    while total < target {
        let b = snippet.replace("{i}", &i.to_string());
        total += b.len();
        out.push(b);
        i += 1;
    }
    out
}

/// The fenced blocks (language, code) of the Markdown files under `dir`, in path order.
fn corpus_blocks(dir: &std::path::Path) -> Vec<(String, String)> {
    let mut files: Vec<_> = walk(dir);
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let mut lines = text.lines();
        while let Some(l) = lines.next() {
            let Some(lang) = l.strip_prefix("```").filter(|l| !l.is_empty()) else {
                continue;
            };
            let mut code = String::new();
            for l in lines.by_ref() {
                if l.starts_with("```") {
                    break;
                }
                code.push_str(l);
                code.push('\n');
            }
            out.push((lang.to_string(), code));
        }
    }
    out
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|e| e == "md") {
            out.push(p);
        }
    }
    out
}

/// The only function `--callgrind` counts (see the module doc).
#[inline(never)]
fn measured(h: &Highlighter, blocks: &[(FenceInfo, String)]) -> usize {
    blocks
        .iter()
        .map(|(info, code)| h.render_block(info, code).html.len())
        .sum()
}

fn callgrind(what: &str, kb: usize) {
    let mut blocks: Vec<(FenceInfo, String)> = match what.strip_prefix("corpus:") {
        Some(dir) => corpus_blocks(std::path::Path::new(dir))
            .into_iter()
            .map(|(lang, code)| (parse_fence_info(&lang), code))
            .collect(),
        None => {
            let snippet = match what {
                "python" => PYTHON,
                "html" => HTML,
                "sql" => SQL,
                _ => panic!("--callgrind python|html|sql|corpus:DIR KB"),
            };
            let info = parse_fence_info(what);
            blocks(snippet, kb * 1024)
                .into_iter()
                .map(|b| (info.clone(), b))
                .collect()
        }
    };
    let mut total = 0;
    blocks.retain(|(_, b)| {
        total += b.len();
        total <= kb * 1024
    });
    let (h, _) = Highlighter::new(HighlightOptions {
        time_budget_ms: u64::MAX,
        ..Default::default()
    });
    // Load every syntax used outside the measured part.
    for (info, _) in &blocks {
        h.render_block(info, "x\n");
    }
    let bytes: usize = blocks.iter().map(|(_, b)| b.len()).sum();
    let out = measured(&h, &blocks);
    let (hits, misses) = h.line_cache_stats();
    println!(
        "{what}: {} blocks, {bytes} bytes in, {out} bytes of HTML out; line cache: {hits} hits, {misses} misses",
        blocks.len()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--callgrind") {
        let kb = args.get(3).and_then(|k| k.parse().ok()).unwrap_or(100);
        callgrind(args.get(2).map_or("python", String::as_str), kb);
        return;
    }
    println!("== start-up ==");
    let (_, d) = time(two_face::syntax::extra_no_newlines);
    println!("two_face::syntax::extra_no_newlines(): {:8.2} ms", ms(d));
    let (_, d) = time(two_face::syntax::extra_newlines);
    println!(
        "two_face::syntax::extra_newlines():    {:8.2} ms (the one used)",
        ms(d)
    );
    let (_, d) = time(two_face::theme::extra);
    println!("two_face::theme::extra():              {:8.2} ms", ms(d));

    let ((h, _), d) = time(|| Highlighter::new(HighlightOptions::default()));
    println!("Highlighter::new (lazy):               {:8.3} ms", ms(d));
    let (_, d) = time(|| h.warm_up());
    println!("warm_up (syntax set, classes):         {:8.2} ms", ms(d));
    for (lang, snippet) in [("python", PYTHON), ("html", HTML), ("sql", SQL)] {
        let info = parse_fence_info(lang);
        let one = snippet.replace("{i}", "first");
        let (_, d) = time(|| h.render_block(&info, &one));
        let (_, d2) = time(|| h.render_block(&info, &snippet.replace("{i}", "second")));
        println!(
            "first {lang:6} block (lazy syntax load): {:8.2} ms; second block {:6.2} ms",
            ms(d),
            ms(d2)
        );
    }
    let (_, d) = time(|| h.css());
    println!("css() (2 themes):                      {:8.2} ms", ms(d));

    // A site's own syntax: linking it into a copy of the base set.
    let dir = std::env::temp_dir().join(format!("versus-hl-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("x.sublime-syntax"),
        "%YAML 1.2\n---\nname: X\nfile_extensions: [xx]\nscope: source.xx\ncontexts:\n  main:\n    - match: '\\bx\\b'\n      scope: keyword.xx\n",
    )
    .unwrap();
    let ((hx, _), d) = time(|| {
        Highlighter::new(HighlightOptions {
            extra_dir: Some(dir.clone()),
            ..Default::default()
        })
    });
    println!("Highlighter::new with extra_dir:       {:8.2} ms", ms(d));
    let (_, d) = time(|| hx.warm_up());
    println!("linking 1 extra syntax into the set:   {:8.2} ms", ms(d));
    let _ = std::fs::remove_dir_all(&dir);

    println!();
    println!("== throughput, ~200 KB per language (syntaxes already loaded) ==");
    for (lang, snippet) in [("python", PYTHON), ("html", HTML), ("sql", SQL)] {
        let info: FenceInfo = parse_fence_info(lang);
        let blocks = blocks(snippet, 200 * 1024);
        let bytes: usize = blocks.iter().map(|b| b.len()).sum();
        let lines: usize = blocks.iter().map(|b| b.lines().count()).sum();
        let (h, _) = Highlighter::new(HighlightOptions {
            time_budget_ms: u64::MAX,
            ..Default::default()
        });
        h.render_block(&info, "warm up\n");

        let (out, cold) = time(|| {
            blocks
                .iter()
                .map(|b| h.render_block(&info, b).html.len())
                .sum::<usize>()
        });
        let (_, cached) = time(|| {
            blocks
                .iter()
                .map(|b| h.render_block(&info, b).html.len())
                .sum::<usize>()
        });
        let whole = blocks.concat();
        let (hw, _) = Highlighter::new(HighlightOptions {
            time_budget_ms: u64::MAX,
            max_block_bytes: usize::MAX,
            ..Default::default()
        });
        let (wb, one_block) = time(|| hw.render_block(&info, &whole));
        assert!(wb.warnings.is_empty());
        let (hp, _) = Highlighter::new(HighlightOptions::default());
        let (_, par) = time(|| {
            blocks
                .par_iter()
                .map(|b| hp.render_block(&info, b).html.len())
                .sum::<usize>()
        });
        // Reference: syntect's parser alone (no HTML), same blocks.
        let ss = two_face::syntax::extra_newlines();
        let syntax = ss.find_syntax_by_token(lang).unwrap();
        let (_, parse_only) = time(|| {
            let mut n = 0;
            for b in &blocks {
                let mut st = syntect::parsing::ParseState::new(syntax);
                for line in b.split_inclusive('\n') {
                    n += st.parse_line(line, &ss).unwrap().len();
                }
            }
            n
        });
        let kbs = |d: Duration| bytes as f64 / 1024.0 / d.as_secs_f64();
        let lps = |d: Duration| lines as f64 / d.as_secs_f64();
        println!(
            "{lang:6}: {} blocks, {:.0} KB, {lines} lines; HTML out {:.1}x input",
            blocks.len(),
            bytes as f64 / 1024.0,
            out as f64 / bytes as f64
        );
        println!(
            "   cold, 1 thread:      {:8.1} ms  {:8.0} kB/s  {:9.0} lines/s",
            ms(cold),
            kbs(cold),
            lps(cold)
        );
        println!(
            "   syntect parse only:  {:8.1} ms  {:8.0} kB/s  {:9.0} lines/s  (reference)",
            ms(parse_only),
            kbs(parse_only),
            lps(parse_only)
        );
        println!(
            "   as one 200 KB block: {:8.1} ms  {:8.0} kB/s  {:9.0} lines/s",
            ms(one_block),
            kbs(one_block),
            lps(one_block)
        );
        println!(
            "   cached, 1 thread:    {:8.2} ms  {:8.0} kB/s  {:9.0} lines/s  ({:.0}x)",
            ms(cached),
            kbs(cached),
            lps(cached),
            cold.as_secs_f64() / cached.as_secs_f64()
        );
        println!(
            "   cold, rayon ({:2} thr): {:7.1} ms  {:8.0} kB/s  {:9.0} lines/s",
            rayon::current_num_threads(),
            ms(par),
            kbs(par),
            lps(par)
        );
    }
}
