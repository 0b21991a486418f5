//! Unit tests of the highlighter: fence parsing, language resolution, the HTML and its guards,
//! caches, CSS, extra syntaxes and themes.

use std::fs;

use super::fence::*;
use super::syntaxes::*;
use super::*;

fn hl() -> Highlighter {
    Highlighter::new(HighlightOptions::default()).0
}

fn fence(s: &str) -> FenceInfo {
    parse_fence_info(s)
}

/// The text content of the `<code>` element: tags stripped, entities decoded.
fn code_text(html: &str) -> String {
    let start = html.find("<code").unwrap();
    let start = start + html[start..].find('>').unwrap() + 1;
    let end = html.rfind("</code>").unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The inner HTML of each line span (the code split at the `\n`s between line spans).
fn line_spans(html: &str) -> Vec<String> {
    let start = html.find("<code").unwrap();
    let start = start + html[start..].find('>').unwrap() + 1;
    let end = html.rfind("</code>").unwrap();
    html[start..end]
        .split('\n')
        .filter(|l| !l.is_empty())
        .map(|l| l.trim_end_matches('\r').to_string())
        .collect()
}

fn assert_balanced_lines(html: &str) {
    for line in line_spans(html) {
        assert!(line.starts_with("<span class=\"line"), "line: {line}");
        assert!(line.ends_with("</span>"), "line: {line}");
        let mut depth = 0i64;
        let mut rest = line.as_str();
        while let Some(p) = rest.find('<') {
            rest = &rest[p..];
            if rest.starts_with("</span>") {
                depth -= 1;
                assert!(depth >= 0, "close without open in {line}");
            } else if rest.starts_with("<span") {
                depth += 1;
            } else {
                panic!("unexpected tag in {line}");
            }
            rest = &rest[1..];
            if depth == 0 {
                assert!(
                    !rest.contains("<span"),
                    "the line span closed early in {line}"
                );
            }
        }
        assert_eq!(depth, 0, "unbalanced line: {line}");
    }
}

fn is_highlighted(html: &str) -> bool {
    html.contains("<span class=\"hl-")
}

#[test]
fn highlighter_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Highlighter>();
}

#[test]
fn fence_info_all_attributes() {
    let f = fence(r#"python title="app.py" hl_lines="3 5-7" linenos subject="flask""#);
    assert_eq!(f.lang.as_deref(), Some("python"));
    assert_eq!(f.title.as_deref(), Some("app.py"));
    assert_eq!(f.hl_lines, vec![(3, 3), (5, 7)]);
    assert!(f.linenos);
    assert_eq!(f.subject.as_deref(), Some("flask"));
    assert!(f.unknown.is_empty());
}

#[test]
fn fence_info_quotes_and_bare_values() {
    let f = fence("js title='my app.js' subject=express hl_lines=2,4-5");
    assert_eq!(f.lang.as_deref(), Some("js"));
    assert_eq!(f.title.as_deref(), Some("my app.js"));
    assert_eq!(f.subject.as_deref(), Some("express"));
    assert_eq!(f.hl_lines, vec![(2, 2), (4, 5)]);
    assert!(!f.linenos);

    let f = fence(r#"  toml   title="a = b \"c" linenos=false  "#);
    assert_eq!(f.lang.as_deref(), Some("toml"));
    assert_eq!(f.title.as_deref(), Some("a = b \\"));
    assert!(!f.linenos);
    assert_eq!(f.unknown, vec!["c\"".to_string()]);

    let f = fence(r#"hl-lines="{1,3}" linenos"#);
    assert_eq!(f.lang, None);
    assert_eq!(f.hl_lines, vec![(1, 1), (3, 3)]);
    assert!(f.linenos);
}

#[test]
fn fence_info_edge_cases() {
    assert_eq!(fence(""), FenceInfo::default());
    assert_eq!(fence("rust,ignore").lang.as_deref(), Some("rust"));
    let f = fence(r#"py wat=1 hl_lines="x-2" frobnicate"#);
    assert_eq!(f.lang.as_deref(), Some("py"));
    assert_eq!(f.unknown, vec!["wat=1", r#"hl_lines="x-2""#, "frobnicate"]);
    assert!(f.hl_lines.is_empty());
    // Unterminated quote: the value runs to the end, no panic.
    assert_eq!(fence(r#"sh title="oops"#).title.as_deref(), Some("oops"));
    assert_eq!(fence("title=").title.as_deref(), Some(""));
    assert_eq!(parse_ranges("5-3"), None);
    assert_eq!(parse_ranges("0"), None);
}

#[test]
fn required_languages_resolve_to_real_syntaxes() {
    let ss = base_syntax_set();
    for token in [
        "toml",
        "yaml",
        "yml",
        "jinja2",
        "jinja",
        "j2",
        "django",
        "htmldjango",
        "html+django",
        "dtl",
        "dockerfile",
        "typescript",
        "ts",
        "tsx",
        "json",
        "sql",
        "console",
        "shell-session",
        "diff",
        "patch",
        "python",
        "py",
        "html",
        "bash",
        "sh",
        "shell",
        "zsh",
        "js",
        "ini",
        "TOML",
        "Python",
        "Dockerfile",
    ] {
        match resolve_lang(&[ss], Some(token)) {
            Resolved::Syntax(_, s) => assert_ne!(s.name, "Plain Text", "{token}"),
            _ => panic!("`{token}` does not resolve to a syntax"),
        }
    }
}

#[test]
fn aliases_map_to_the_expected_syntaxes() {
    let ss = base_syntax_set();
    let name = |t: &str| match resolve_lang(&[ss], Some(t)) {
        Resolved::Syntax(_, s) => s.name.clone(),
        Resolved::Plain => "<plain>".into(),
        Resolved::Unknown => "<unknown>".into(),
    };
    assert_eq!(name("py"), "Python");
    for t in ["sh", "shell", "zsh", "bash"] {
        assert_eq!(name(t), "Bourne Again Shell (bash)", "{t}");
    }
    // bat has no shell-session syntax: console falls back to Bash.
    assert_eq!(name("console"), "Bourne Again Shell (bash)");
    assert_eq!(name("shell-session"), "Bourne Again Shell (bash)");
    assert_eq!(name("yml"), "YAML");
    for t in ["jinja", "jinja2", "j2"] {
        assert_eq!(name(t), "Jinja2", "{t}");
    }
    for t in ["django", "html+django", "htmldjango", "dtl"] {
        assert_eq!(name(t), "HTML (Jinja2)", "{t}");
    }
    assert_eq!(name("ts"), "TypeScript");
    assert_eq!(name("tsx"), "TypeScriptReact");
    assert_eq!(name("js"), "JavaScript (Babel)");
    assert_eq!(name("dockerfile"), "Dockerfile");
    assert_eq!(name("sql"), "SQL");
    assert_eq!(name("diff"), "Diff");
    assert_eq!(name("patch"), "Diff");
    assert_eq!(name("toml"), "TOML");
    assert_eq!(name("json"), "JSON");
    assert_eq!(name("ini"), "INI");
    for t in ["text", "plain", "txt", "TEXT", ""] {
        assert_eq!(name(t), "<plain>", "{t}");
    }
    assert_eq!(name("nosuchlang"), "<unknown>");
    // Every alias in the table names a syntax that exists.
    for (tokens, names) in ALIASES {
        assert!(
            names.iter().any(|n| ss.find_syntax_by_name(n).is_some()),
            "no syntax for {tokens:?}"
        );
        for t in *tokens {
            assert!(
                matches!(resolve_lang(&[ss], Some(t)), Resolved::Syntax(..)),
                "{t}"
            );
        }
    }
}

#[test]
fn plain_and_missing_languages_have_no_warning() {
    let h = hl();
    for info in ["", "text", "plain", "txt"] {
        let b = h.render_block(&fence(info), "a < b\n");
        assert!(b.warnings.is_empty(), "{info}: {:?}", b.warnings);
        assert!(!is_highlighted(&b.html));
        assert!(
            b.html.contains("data-lang=\"text\"")
                || b.html.contains(&format!("data-lang=\"{info}\""))
        );
        assert_eq!(code_text(&b.html), "a < b\n");
    }
}

#[test]
fn unknown_language_is_plain_with_a_warning() {
    let b = hl().render_block(&fence("foo"), "x <y>\n");
    assert!(!is_highlighted(&b.html));
    assert!(b.html.contains("x &lt;y&gt;"));
    assert_eq!(
        b.warnings,
        vec![BlockWarning::new(
            "unknown language `foo` in code block; shown as plain text",
            0
        )]
    );
}

#[test]
fn unknown_attributes_are_reported() {
    let b = hl().render_block(&fence("py frob=1"), "x = 1\n");
    assert!(is_highlighted(&b.html));
    assert_eq!(b.warnings.len(), 1);
    assert!(b.warnings[0].message.contains("`frob=1`"));
}

#[test]
fn code_is_escaped() {
    let h = hl();
    let code = "<script>alert('x' && \"y\")</script>\n";
    for lang in ["html", "python", "text", "nosuch"] {
        let b = h.render_block(&fence(lang), code);
        assert!(!b.html.contains("<script>"), "{lang}: {}", b.html);
        assert!(b.html.contains("&lt;"), "{lang}");
        assert_eq!(code_text(&b.html), code, "{lang}");
    }
}

#[test]
fn block_structure() {
    let b = hl().render_block(&fence("python"), "x = 1\n");
    let h = &b.html;
    assert!(
        h.starts_with("<figure class=\"code\" data-lang=\"python\">"),
        "{h}"
    );
    assert!(h.contains("<pre class=\"code-pre hl-code\" tabindex=\"0\"><code class=\"language-python\"><span class=\"line\">"));
    assert!(h.contains(
        "<button type=\"button\" class=\"copy\" aria-label=\"Copy code\" hidden>Copy</button>"
    ));
    assert!(h.trim_end().ends_with("</code></pre>\n</figure>"));
    assert!(!h.contains("figcaption"));
    assert!(!h.contains("data-line"));
    assert!(!h.contains("linenos"));
    assert!(!h.contains("style="), "classes, not inline styles");
}

#[test]
fn linenos_markup() {
    let b = hl().render_block(&fence("python linenos"), "a = 1\nb = 2\nc = 3\n");
    assert!(b.html.starts_with("<figure class=\"code linenos\""));
    for n in 1..=3 {
        assert!(
            b.html
                .contains(&format!("<span class=\"line\" data-line=\"{n}\">")),
            "{n}"
        );
    }
    assert!(!b.html.contains("data-line=\"4\""));
    assert!(!b.html.contains("<table"));
    assert_eq!(code_text(&b.html), "a = 1\nb = 2\nc = 3\n");
}

#[test]
fn hl_lines_marking() {
    let code = "1\n2\n3\n4\n5\n6\n7\n8\n";
    let b = hl().render_block(&fence(r#"python hl_lines="3 5-7""#), code);
    let lines = line_spans(&b.html);
    assert_eq!(lines.len(), 8);
    for (i, l) in lines.iter().enumerate() {
        let n = i + 1;
        let marked = l.starts_with("<span class=\"line hl\"");
        assert_eq!(marked, n == 3 || (5..=7).contains(&n), "line {n}: {l}");
    }
    assert!(b.warnings.is_empty());
    // A range past the end is reported.
    let b = hl().render_block(&fence(r#"python hl_lines="9-10""#), code);
    assert_eq!(b.warnings.len(), 1);
    assert!(b.warnings[0].message.contains("9-10"));
    // linenos + hl together.
    let b = hl().render_block(&fence(r#"text hl_lines="2" linenos"#), "a\nb\n");
    assert!(
        b.html
            .contains("<span class=\"line hl\" data-line=\"2\">b</span>")
    );
}

#[test]
fn title_caption_is_escaped() {
    let b = hl().render_block(&fence(r#"py title="<app>.py""#), "x\n");
    assert!(
        b.html
            .contains("<figcaption class=\"code-title\">&lt;app&gt;.py</figcaption>")
    );
    let b = hl().render_block(&fence(r#"py subject='a"b'"#), "x\n");
    assert!(b.html.contains("data-subject=\"a&quot;b\""));
}

#[test]
fn text_content_round_trips_exactly() {
    let h = hl();
    let samples: &[(&str, &str)] = &[
        (
            "python",
            "def f(x):\n    \"\"\"Doc\n    string <b>\"\"\"\n    return x & 1\n\n\nprint('é ✓ 🎉')\n",
        ),
        ("python", "x = 'no trailing newline'"),
        ("python", "\n\n# leading blank lines\n"),
        (
            "html",
            "<!doctype html>\n<html>\n<!-- multi\nline comment -->\n<script>\nlet s = `a\nb`;\n</script>\n<style>a{color:red}</style>\n</html>\n",
        ),
        (
            "sql",
            "SELECT 'it''s', \"q\"\nFROM t -- c\n/* block\ncomment */ WHERE a < 3;\n",
        ),
        (
            "rust",
            "fn main() {\r\n    let s = r#\"raw\r\nstring\"#;\r\n}\r\n",
        ),
        (
            "bash",
            "cat <<EOF\nheredoc $x\nEOF\necho \"$(ls)\" | grep '&'\n",
        ),
        ("diff", "--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n"),
        ("yaml", "a: |\n  multi\n  line\nb: [1, 2]\n"),
        (
            "django",
            "{% for x in xs %}\n<p>{{ x|safe }}</p>\n{% endfor %}\n",
        ),
        (
            "tsx",
            "const A = () => <div className=\"x\">{a < b}</div>;\n",
        ),
        ("console", "$ ls -la\ntotal 0\n"),
        ("text", "plain\ttabs\r\nand CRLF\r\n"),
        ("python", ""),
    ];
    for (lang, code) in samples {
        let b = h.render_block(&fence(lang), code);
        assert!(b.warnings.is_empty(), "{lang}: {:?}", b.warnings);
        assert_eq!(&code_text(&b.html), code, "{lang}");
        if *lang != "text" && !code.is_empty() {
            assert!(is_highlighted(&b.html), "{lang}");
        }
        assert_balanced_lines(&b.html);
        assert_eq!(line_spans(&b.html).len(), code.lines().count(), "{lang}");
    }
}

#[test]
fn multi_line_tokens_are_reopened_on_each_line() {
    let b = hl().render_block(&fence("python"), "s = \"\"\"one\ntwo\nthree\"\"\"\n");
    assert_balanced_lines(&b.html);
    let lines = line_spans(&b.html);
    // The string scope continues on line 2, so line 2 opens a string span itself.
    assert!(lines[1].contains("hl-string"), "{}", lines[1]);
}

#[test]
fn size_guard_falls_back_to_plain() {
    let (h, _) = Highlighter::new(HighlightOptions {
        max_block_bytes: 100,
        ..Default::default()
    });
    let code = "x = 1\n".repeat(50);
    let b = h.render_block(&fence("python"), &code);
    assert!(!is_highlighted(&b.html));
    assert_eq!(code_text(&b.html), code);
    assert_eq!(b.warnings.len(), 1);
    assert!(
        b.warnings[0]
            .message
            .contains("over the highlighting limit"),
        "{:?}",
        b.warnings
    );
    // Small blocks are still highlighted.
    assert!(is_highlighted(
        &h.render_block(&fence("python"), "x = 1\n").html
    ));
}

#[test]
fn long_line_guard_falls_back_to_plain() {
    let code = format!("a = 1\nb = '{}'\n", "x".repeat(MAX_LINE_BYTES + 1));
    let b = hl().render_block(&fence("python"), &code);
    assert!(!is_highlighted(&b.html));
    assert_eq!(code_text(&b.html), code);
    assert_eq!(b.warnings.len(), 1);
    assert_eq!(b.warnings[0].line_in_block, 2);
    assert!(b.warnings[0].message.contains("line longer than"));
}

#[test]
fn time_guard_falls_back_to_plain() {
    let (h, _) = Highlighter::new(HighlightOptions {
        time_budget_ms: 0,
        ..Default::default()
    });
    let code = "def f(x):\n    return x\n".repeat(20);
    let b = h.render_block(&fence("python linenos"), &code);
    assert!(!is_highlighted(&b.html), "{}", b.html);
    assert_eq!(code_text(&b.html), code);
    assert!(
        b.html.contains("data-line=\"40\""),
        "plain keeps the line markup"
    );
    assert_eq!(
        b.warnings,
        vec![BlockWarning::new(
            "highlighting took longer than 0 ms; shown as plain text",
            0
        )]
    );
}

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

#[test]
fn css_has_both_themes_and_the_dark_switches() {
    let h = hl();
    let css = h.css();
    assert!(css.contains("@media (prefers-color-scheme: dark)"));
    assert!(css.contains(":root:not([data-theme=light]) .hl-"));
    assert!(css.contains("[data-theme=dark] .hl-"));
    assert!(css.contains("[data-theme=light] .hl-"));
    // InspiredGitHub's background and Monokai Extended's background.
    assert!(
        css.contains("[data-theme=light] .hl-code { color: #323232; background-color: #ffffff; }"),
        "{css}"
    );
    assert!(
        css.contains("[data-theme=dark] .hl-code { color: #f8f8f2; background-color: #222222; }"),
        "{css}"
    );
    assert!(
        !css.contains("/*\n"),
        "syntect's per-theme comment is dropped"
    );
    assert_eq!(css.matches('{').count(), css.matches('}').count());
    // Every rule of the dark part is scoped.
    let dark_part = &css[css.find("@media (prefers-color-scheme: dark)").unwrap()..];
    for line in dark_part.lines().skip(1).filter(|l| l.contains('{')) {
        for sel in line[..line.find('{').unwrap()].split(", ") {
            let sel = sel.trim_start();
            assert!(
                sel.starts_with(":root:not([data-theme=light]) ")
                    || sel.starts_with("[data-theme=dark] "),
                "{sel}"
            );
        }
    }
}

#[test]
fn unknown_theme_names_warn_and_fall_back() {
    let (h, w) = Highlighter::new(HighlightOptions {
        theme: "nope".into(),
        dark_theme: "dracula".into(), // case-insensitive match
        ..Default::default()
    });
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("`nope`"));
    assert_eq!(h.light, DEFAULT_THEME);
    assert_eq!(h.dark, "Dracula");
    assert!(h.themes().contains(&"Nord".to_string()));
}

#[test]
fn languages_lists_syntaxes_with_aliases() {
    let langs = hl().languages();
    let py = langs.iter().find(|(n, _)| n == "Python").unwrap();
    assert!(py.1.contains(&"py".to_string()) && py.1.contains(&"python3".to_string()));
    let bash = langs
        .iter()
        .find(|(n, _)| n == "Bourne Again Shell (bash)")
        .unwrap();
    assert!(bash.1.contains(&"console".to_string()));
    assert!(langs.iter().any(|(n, _)| n == "HTML (Jinja2)"));
}

#[test]
fn group_html() {
    let blocks = vec![
        (
            "Flask".to_string(),
            "/subjects/flask/".to_string(),
            "<figure>A</figure>\n".to_string(),
        ),
        (
            "<Django & co>".to_string(),
            "/s/?a=1&b=\"2\"".to_string(),
            "<figure>B</figure>".to_string(),
        ),
        (
            "Bare".to_string(),
            String::new(),
            "<figure>C</figure>".to_string(),
        ),
    ];
    let g = render_group(&blocks, "g1");
    assert!(g.starts_with("<div class=\"code-group\" data-group=\"g1\">\n<div class=\"code-group-tabs\" role=\"tablist\" hidden>\n"));
    assert!(g.contains("<button type=\"button\" role=\"tab\" aria-selected=\"true\" aria-controls=\"g1-0\" id=\"g1-0-tab\">Flask</button>"));
    assert!(g.contains("<button type=\"button\" role=\"tab\" aria-selected=\"false\" aria-controls=\"g1-1\" id=\"g1-1-tab\">&lt;Django &amp; co&gt;</button>"));
    assert!(g.contains("<div class=\"code-group-panel\" id=\"g1-0\" role=\"tabpanel\" aria-labelledby=\"g1-0-tab\">\n<div class=\"code-group-label\"><a href=\"/subjects/flask/\">Flask</a></div>\n<figure>A</figure>\n</div>"));
    assert!(g.contains("<a href=\"/s/?a=1&amp;b=&quot;2&quot;\">&lt;Django &amp; co&gt;</a>"));
    assert!(g.contains("<div class=\"code-group-label\">Bare</div>\n<figure>C</figure>\n</div>"));
    assert_eq!(g.matches("<div").count(), g.matches("</div>").count());
    assert!(!g.contains("<Django"));
}

#[test]
fn extra_dir_syntaxes_and_themes() {
    let dir = std::env::temp_dir().join(format!("versus-hl-extra-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("versuslang.sublime-syntax"),
        "%YAML 1.2\n---\nname: VersusLang\nfile_extensions: [vsl]\nscope: source.vsl\ncontexts:\n  main:\n    - match: '\\b(versus|vs)\\b'\n      scope: keyword.other.vsl\n    - match: '#.*$'\n      scope: comment.line.vsl\n",
    )
    .unwrap();
    fs::write(dir.join("broken.sublime-syntax"), "name: [unclosed\n").unwrap();
    fs::write(dir.join("badregex.sublime-syntax"), "%YAML 1.2\n---\nname: Bad\nscope: source.bad\ncontexts:\n  main:\n    - match: '(unclosed'\n      scope: keyword.bad\n").unwrap();
    fs::write(
        dir.join("Mine.tmTheme"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
<key>name</key><string>Mine</string>
<key>settings</key><array>
<dict><key>settings</key><dict><key>background</key><string>#101010</string><key>foreground</key><string>#eeeeee</string></dict></dict>
<dict><key>scope</key><string>keyword</string><key>settings</key><dict><key>foreground</key><string>#ff0000</string></dict></dict>
</array></dict></plist>"#,
    )
    .unwrap();
    fs::write(dir.join("Broken.tmTheme"), "not a plist").unwrap();
    fs::write(dir.join("README.md"), "ignored").unwrap();

    let (h, w) = Highlighter::new(HighlightOptions {
        dark_theme: "Mine".into(),
        extra_dir: Some(dir.clone()),
        ..Default::default()
    });
    assert_eq!(w.len(), 3, "{w:?}");
    assert!(w.iter().any(|m| m.contains("broken.sublime-syntax")));
    assert!(w.iter().any(|m| m.contains("badregex.sublime-syntax")));
    assert!(w.iter().any(|m| m.contains("Broken.tmTheme")));
    assert!(h.themes().contains(&"Mine".to_string()));

    let b = h.render_block(&fence("vsl"), "flask vs django # pick one\n");
    assert!(b.warnings.is_empty(), "{:?}", b.warnings);
    assert!(
        b.html.contains("<span class=\"hl-keyword\">vs</span>"),
        "{}",
        b.html
    );
    let b = h.render_block(&fence("VersusLang"), "versus\n");
    assert!(is_highlighted(&b.html));
    // The base syntaxes are still there.
    assert!(is_highlighted(
        &h.render_block(&fence("toml"), "a = 1\n").html
    ));
    assert!(
        h.languages()
            .iter()
            .any(|(n, t)| n == "VersusLang" && t == &["vsl"])
    );
    assert!(matches!(h.syntaxes.get(), Some(Syntaxes::Split(_))));
    let css = h.css();
    assert!(
        css.contains("[data-theme=dark] .hl-keyword { color: #ff0000; }"),
        "{css}"
    );

    // A missing folder is fine: nothing to add.
    let (_, w) = Highlighter::new(HighlightOptions {
        extra_dir: Some(dir.join("nope")),
        ..Default::default()
    });
    assert!(w.is_empty());
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn only_spans_the_themes_can_style_are_emitted() {
    let b = hl().render_block(&fence("python"), "def f(x):\n    return g(x)  # done\n");
    // Styled by the themes' `keyword` rules: kept, with only the atoms a rule uses.
    assert!(
        b.html.contains("<span class=\"hl-keyword\">def</span>"),
        "{}",
        b.html
    );
    assert!(b.html.contains("hl-comment"));
    // `meta.generic-name` (the call `g`) is matched by no rule: no span.
    assert!(!b.html.contains("hl-generic-name"), "{}", b.html);
    // Ancestor compounds of rules that apply in the block are kept: a theme styles
    // `meta.mapping … string`-like paths, so JSON's `meta.*` spans stay (a string is in
    // the block), reduced to the atoms those compounds name.
    let b = hl().render_block(&fence("json"), "{\"a\": \"b\"}\n");
    assert!(b.html.contains("<span class=\"hl-meta"), "{}", b.html);
}

#[test]
fn extra_syntax_embedding_a_base_syntax_is_linked_into_the_base_set() {
    let dir = std::env::temp_dir().join(format!("versus-hl-embed-{}", std::process::id()));
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("pydoc.sublime-syntax"),
        "%YAML 1.2\n---\nname: PyDoc\nfile_extensions: [pydoc]\nscope: source.pydoc\ncontexts:\n  main:\n    - match: '^>>> '\n      scope: keyword.other.prompt.pydoc\n    - include: scope:source.python\n",
    )
    .unwrap();
    let (h, w) = Highlighter::new(HighlightOptions {
        extra_dir: Some(dir.clone()),
        ..Default::default()
    });
    assert!(w.is_empty(), "{w:?}");
    let b = h.render_block(&fence("pydoc"), ">>> x = 1\ndef f(): pass\n");
    assert!(b.warnings.is_empty(), "{:?}", b.warnings);
    assert!(
        b.html
            .contains("<span class=\"hl-keyword\">&gt;&gt;&gt; </span>"),
        "{}",
        b.html
    );
    assert!(b.html.contains(">def</span>"), "{}", b.html);
    assert!(matches!(h.syntaxes.get(), Some(Syntaxes::Merged(_))));
    assert!(is_highlighted(
        &h.render_block(&fence("yaml"), "a: 1\n").html
    ));
    let _ = fs::remove_dir_all(&dir);
}

#[test]
fn never_panics_on_odd_input() {
    let h = hl();
    let odd = [
        "\u{0}\u{1}\u{7f}",
        "\r",
        "\r\r\n",
        "\n\n\n",
        "é\u{200b}🎉",
        "'''",
        "\"\"\"",
        "{% if %}{{",
        "<!--",
        "/*",
        "`",
        "\\",
        "$(",
        "<<EOF",
    ];
    for lang in [
        "python", "html", "sql", "bash", "django", "tsx", "yaml", "markdown", "text", "?!", "c++",
        ".",
    ] {
        for code in odd {
            let b = h.render_block(&fence(lang), code);
            assert_eq!(code_text(&b.html), code, "{lang} {code:?}");
        }
    }
}
