//! Themes and their CSS, and a site's own syntaxes and themes (`highlight/`).

use super::*;

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
