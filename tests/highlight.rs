//! Highlighted code in a built site (issue 4): the page links a stylesheet that exists in the
//! output and holds the light and the dark theme, and the code on the page is highlighted with
//! classes that stylesheet styles — no inline styles, no highlighting script.

mod common;

use common::{Site, attrs};

const PAGE: &str = "+++\ntitle = \"Code\"\n+++\n\
```python title=\"app.py\" hl_lines=\"2\" linenos\ndef f(x):\n    return x + 1\n```\n\n\
```nosuchlang\n<b>raw</b>\n```\n";

#[test]
fn both_themes_are_in_a_linked_stylesheet_that_styles_the_code() {
    let site = Site::new(&[("content/code.md", PAGE)]);
    let run = site.run(&["build"]);
    run.assert_ok();
    run.assert_stderr_has("unknown language `nosuchlang`");
    let doc = site.html("site/code/index.html");

    // The highlight stylesheet is linked (under a fingerprinted name) and exists.
    let hrefs = attrs(&doc, "link[rel=stylesheet]", "href");
    let css_href = hrefs
        .iter()
        .find(|h| h.contains("highlight."))
        .unwrap_or_else(|| panic!("no highlight stylesheet linked: {hrefs:?}"));
    let css = site.read(&format!("site{css_href}"));
    assert!(
        css.contains("prefers-color-scheme: dark"),
        "dark theme follows the system"
    );
    assert!(
        css.contains("[data-theme=dark]") || css.contains("[data-theme=\"dark\"]"),
        "dark theme follows the toggle"
    );
    assert!(
        css.contains("[data-theme=light]") || css.contains("[data-theme=\"light\"]"),
        "light theme follows the toggle"
    );

    // The code is highlighted with classes, every class used is styled, nothing inline.
    let code = doc
        .select(&scraper::Selector::parse("figure.code code.language-python").unwrap())
        .next()
        .expect("highlighted python block");
    let classes: Vec<String> = code
        .select(&scraper::Selector::parse("span[class]").unwrap())
        .flat_map(|s| s.value().classes().map(str::to_string).collect::<Vec<_>>())
        .filter(|c| c.starts_with("hl-"))
        .collect();
    assert!(!classes.is_empty(), "no token classes in the python block");
    assert!(
        classes.iter().any(|c| css.contains(&format!(".{c}"))),
        "the stylesheet styles none of the classes used: {classes:?}"
    );
    assert!(
        attrs(&doc, "figure.code [style]", "style").is_empty(),
        "no inline styles"
    );
    assert!(
        attrs(&doc, "script[src]", "src")
            .iter()
            .all(|s| !s.contains("highlight")),
        "no highlighting script"
    );
    // The attributes of the fence: caption, marked line, line numbers.
    assert_eq!(common::texts(&doc, "figure.code figcaption"), ["app.py"]);
    assert_eq!(attrs(&doc, "figure.code .line.hl", "data-line"), ["2"]);
    // The unknown language is plain, escaped text.
    assert_eq!(
        common::texts(&doc, "code.language-nosuchlang"),
        ["<b>raw</b>"]
    );
}
