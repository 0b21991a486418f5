//! The HTML of a block: escaping, structure, line numbers and marks, code groups, and that the text survives any input.

use super::*;

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
