//! Fence info parsing and language resolution: which syntax a fence gets, and the warnings.

use super::*;

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
