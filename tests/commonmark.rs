//! CommonMark conformance through the whole article pipeline: every example of the
//! specification (`tests/commonmark/spec.json`, CommonMark 0.31.2, CC BY-SA 4.0; see the README
//! there) becomes one article of one site, the real `versus build` renders it with the default
//! theme, and the article's body is compared with the example's HTML. So a change to link
//! resolution, heading ids, footnotes or table placement cannot quietly break plain Markdown.
//!
//! # Normalisation
//!
//! The body is the text between `<div class="prose">` and the article's `<footer>` (taken as
//! text, because some examples hold unbalanced raw HTML). Both it and the expected HTML are
//! parsed as HTML fragments (html5ever, as a browser would) and written out again, which
//! makes attribute order and quoting, `<br />` vs `<br>`, and character references compare
//! equal. Then:
//! - whitespace at either end of the whole fragment, and whitespace-only text next to a block
//!   element (`p`, `pre`, `li`, `h2`, …), is dropped: the template puts line breaks around the
//!   body and between its two parts (inside an unclosed raw `<style>`, example 173, those line
//!   breaks are text, hence the trim before parsing);
//! - what versus adds to every heading is taken off: the `id` attribute and the trailing
//!   ` <a class="heading-anchor">#</a>`;
//! - a highlighted code block (`<figure class="code" data-lang="x">…<pre><code>…`) becomes
//!   `<pre><code class="language-x">TEXT</code></pre>` (no class for `text`, versus's name
//!   for "no language"), TEXT being exactly the code's text;
//! - `<div class="table-wrap">` around a table is unwrapped.
//!
//! Nothing else is normalised: text, inline markup, links and raw HTML must match exactly.
//!
//! # Intentional differences
//!
//! [`INTENTIONAL`] lists, by example number, each example whose output differs on purpose,
//! with the reason: 25 for smart punctuation (which must then be the only difference), and
//! one for a link to a `.md` file. The test fails when any other example differs, when a
//! listed one stops differing (so the list stays true), and when a smart-punctuation example
//! differs in anything but its quotes, dashes and ellipses.

mod common;

use std::collections::BTreeMap;

use common::Site;
use scraper::{ElementRef, Html, Node};
use serde::Deserialize;

/// Why an example's output differs from the specification's.
#[derive(Clone, Copy, Debug)]
enum Why {
    /// Smart punctuation is on for every site (docs/content-format.md): `'` `"` `--` `---` `...`
    /// become typographic quotes, dashes and an ellipsis. Mapped back to ASCII, the output must
    /// then equal the specification's exactly, so nothing else may differ in these examples.
    Smart,
    /// Any other reason, said in `why`; the normalised output must contain `shows`.
    Other {
        why: &'static str,
        shows: &'static str,
    },
}

/// Examples whose output differs on purpose (CommonMark 0.31.2 numbering).
const INTENTIONAL: &[(u32, Why)] = &[
    (14, Why::Smart),
    (46, Why::Smart),
    (55, Why::Smart),
    (87, Why::Smart),
    (91, Why::Smart),
    (106, Why::Smart),
    (197, Why::Smart),
    (209, Why::Smart),
    (210, Why::Smart),
    (343, Why::Smart),
    (352, Why::Smart),
    (359, Why::Smart),
    (363, Why::Smart),
    (380, Why::Smart),
    (385, Why::Smart),
    (395, Why::Smart),
    (
        484,
        Why::Other {
            why: "a link to a .md file becomes the URL of its page",
            shows: "<a href=\"/spec/target/\"></a>",
        },
    ),
    (508, Why::Smart),
    (590, Why::Smart),
    (619, Why::Smart),
    (620, Why::Smart),
    (622, Why::Smart),
    (624, Why::Smart),
    (626, Why::Smart),
    (632, Why::Smart),
    (650, Why::Smart),
];

/// Smart punctuation mapped back to the ASCII it comes from.
fn unsmarten(s: &str) -> String {
    s.replace(['\u{201C}', '\u{201D}'], "\"")
        .replace(['\u{2018}', '\u{2019}'], "'")
        .replace('\u{2026}', "...")
        .replace('\u{2014}', "---")
        .replace('\u{2013}', "--")
}

#[derive(Deserialize)]
struct Example {
    markdown: String,
    html: String,
    example: u32,
    section: String,
}

fn examples() -> Vec<Example> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/commonmark/spec.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn page(n: u32) -> String {
    format!("site/spec/ex-{n:03}/index.html")
}

/// The article body of a rendered page, as text.
fn body_of(page: &str) -> &str {
    const OPEN: &str = "<div class=\"prose\">";
    let start = page.find(OPEN).expect("an article body") + OPEN.len();
    let end = page
        .rfind("</div>\n<footer class=\"page-foot\">")
        .expect("the article footer");
    &page[start..end]
}

/// Elements whose neighbouring whitespace-only text is dropped.
const BLOCKS: &str = "address article aside blockquote div dl dd dt figure footer form h1 h2 h3 h4 \
                      h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr ul";

fn is_block(node: Option<ego_node::NodeRef<'_>>) -> bool {
    match node {
        None => true,
        Some(n) => match n.value() {
            Node::Element(e) => BLOCKS.split_whitespace().any(|b| b == e.name()),
            _ => false,
        },
    }
}

/// ego_tree's node type, named through scraper so that no other crate is needed.
mod ego_node {
    pub type NodeRef<'a> = <scraper::ElementRef<'a> as std::ops::Deref>::Target;
}

/// The normalised form of an HTML fragment (see the module doc).
fn normalise(html: &str) -> String {
    let doc = Html::parse_fragment(html.trim());
    let mut out = String::new();
    write_children(doc.root_element(), false, &mut out);
    out
}

fn write_children(el: ElementRef, in_pre: bool, out: &mut String) {
    for child in el.children() {
        match child.value() {
            Node::Text(t) => {
                let text: &str = t;
                if !in_pre
                    && text.trim().is_empty()
                    && (is_block(child.prev_sibling()) || is_block(child.next_sibling()))
                {
                    continue;
                }
                escape(text, false, out);
            }
            Node::Comment(c) => {
                out.push_str("<!--");
                out.push_str(c);
                out.push_str("-->");
            }
            Node::Element(_) => write_element(ElementRef::wrap(child).unwrap(), in_pre, out),
            _ => {}
        }
    }
}

fn write_element(el: ElementRef, in_pre: bool, out: &mut String) {
    let e = el.value();
    let name = e.name();
    if name == "figure" && e.classes().any(|c| c == "code") {
        let lang = e.attr("data-lang").unwrap_or("text");
        let code: String = el
            .select(&scraper::Selector::parse("code").unwrap())
            .next()
            .map(|c| c.text().collect())
            .unwrap_or_default();
        out.push_str("<pre><code");
        if lang != "text" {
            out.push_str(" class=\"language-");
            escape(lang, true, out);
            out.push('"');
        }
        out.push('>');
        escape(&code, false, out);
        out.push_str("</code></pre>");
        return;
    }
    if name == "div" && e.classes().any(|c| c == "table-wrap") {
        write_children(el, in_pre, out);
        return;
    }
    let heading = matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
    if name == "a" && e.classes().any(|c| c == "heading-anchor") {
        return;
    }
    out.push('<');
    out.push_str(name);
    let mut attrs: Vec<(&str, &str)> = e
        .attrs()
        .filter(|(k, _)| !(heading && *k == "id"))
        .collect();
    attrs.sort();
    for (k, v) in attrs {
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        escape(v, true, out);
        out.push('"');
    }
    out.push('>');
    if matches!(
        name,
        "br" | "hr" | "img" | "input" | "meta" | "link" | "source" | "wbr"
    ) {
        return;
    }
    let mut inner = String::new();
    write_children(el, in_pre || name == "pre", &mut inner);
    if heading
        && el
            .select(&scraper::Selector::parse("a.heading-anchor").unwrap())
            .next()
            .is_some()
    {
        // The space versus puts before the anchor.
        if let Some(s) = inner.strip_suffix(' ') {
            inner.truncate(s.len());
        }
    }
    out.push_str(&inner);
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn escape(s: &str, attr: bool, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
}

#[test]
fn every_commonmark_example_renders_as_the_spec_says() {
    let examples = examples();
    assert_eq!(examples.len(), 652, "CommonMark 0.31.2 has 652 examples");
    let site = Site::new(&[
        (
            "versus.toml",
            "title = \"CommonMark\"\nbase_url = \"https://example.org/\"\n",
        ),
        // Example 484 links to ./target.md, which must exist for the build to succeed.
        ("content/spec/target.md", "+++\ntitle = \"Target\"\n+++\n"),
    ]);
    for ex in &examples {
        site.write(
            &format!("content/spec/ex-{:03}.md", ex.example),
            &format!(
                "+++\ntitle = \"Example {}\"\n+++\n{}",
                ex.example, ex.markdown
            ),
        );
    }
    let run = site.run(&["build", "--quiet"]);
    run.assert_ok();

    let intentional: BTreeMap<u32, Why> = INTENTIONAL.iter().copied().collect();
    let mut unexpected = Vec::new();
    let mut differing = Vec::new();
    for ex in &examples {
        let html = site.read(&page(ex.example));
        let (want, got) = (normalise(&ex.html), normalise(body_of(&html)));
        if want == got {
            continue;
        }
        differing.push(ex.example);
        let explained = match intentional.get(&ex.example) {
            Some(Why::Smart) => unsmarten(&got) == want,
            Some(Why::Other { shows, .. }) => got.contains(shows),
            None => false,
        };
        if !explained {
            let listed = match intentional.get(&ex.example) {
                Some(Why::Smart) => "listed for smart punctuation, but differs in more".into(),
                Some(Why::Other { why, shows }) => format!("listed ({why}), but lacks {shows}"),
                None => "not listed".to_string(),
            };
            unexpected.push(format!(
                "example {} ({}), {listed}:\n  markdown: {:?}\n  expected: {want}\n  got:      {got}",
                ex.example, ex.section, ex.markdown
            ));
        }
    }
    let stale: Vec<u32> = intentional
        .keys()
        .copied()
        .filter(|n| !differing.contains(n))
        .collect();
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "{} example(s) differ from the specification unexpectedly:\n{}\n\
         listed as intentional but now as the spec says (remove them from INTENTIONAL): {stale:?}\n\
         all differing: {differing:?}",
        unexpected.len(),
        unexpected.join("\n")
    );
}
