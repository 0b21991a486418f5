//! The HTML around highlighted lines: one block's `<figure>` and side-by-side groups of blocks.
//!
//! **For:** the markup described in the module doc of [`super`], escaping. **Not for:**
//! the token spans inside a line ([`super::lines`]).

use std::fmt::Write as _;

use super::FenceInfo;
use super::lines::split_lines;

/// The block's HTML; `lines` = highlighted lines, or `None` for plain text.
pub(super) fn render_html(info: &FenceInfo, code: &str, lines: Option<&[String]>) -> String {
    let lang = info
        .lang
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map_or_else(|| "text".to_string(), str::to_ascii_lowercase);
    let mut h = String::with_capacity(code.len() * if lines.is_some() { 4 } else { 2 } + 256);
    h.push_str("<figure class=\"code");
    if info.linenos {
        h.push_str(" linenos");
    }
    h.push_str("\" data-lang=\"");
    escape_into(&mut h, &lang);
    h.push('"');
    if let Some(s) = &info.subject {
        h.push_str(" data-subject=\"");
        escape_into(&mut h, s);
        h.push('"');
    }
    h.push_str(">\n");
    if let Some(t) = &info.title {
        h.push_str("<figcaption class=\"code-title\">");
        escape_into(&mut h, t);
        h.push_str("</figcaption>\n");
    }
    h.push_str(COPY_BUTTON);
    h.push_str("<pre class=\"code-pre hl-code\" tabindex=\"0\"><code class=\"language-");
    escape_into(&mut h, &lang);
    h.push_str("\">");
    for (i, (content, term)) in split_lines(code).enumerate() {
        let n = i + 1;
        h.push_str("<span class=\"line");
        if info.hl_lines.iter().any(|&(a, b)| a <= n && n <= b) {
            h.push_str(" hl");
        }
        h.push('"');
        if info.linenos {
            let _ = write!(h, " data-line=\"{n}\"");
        }
        h.push('>');
        match lines.and_then(|l| l.get(i)) {
            Some(html) => h.push_str(html),
            None => escape_into(&mut h, content),
        }
        h.push_str("</span>");
        h.push_str(term);
    }
    h.push_str("</code></pre>\n</figure>\n");
    h
}

/// HTML-escapes text into `out` (pulldown-cmark's SIMD escaper, the one the whole crate uses).
pub(super) fn escape_into(out: &mut String, s: &str) {
    let _ = pulldown_cmark_escape::escape_html(out, s);
}

pub(super) fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    escape_into(&mut o, s);
    o
}

/// Wraps rendered blocks that each carry `subject=` into one side-by-side group.
/// `blocks[i]` = (subject title, subject page URL, block HTML); an empty URL gives an unlinked
/// label. `group_id` must be unique within the page (e.g. `g1`); panels are `{group_id}-{i}`.
///
/// ```html
/// <div class="code-group" data-group="g1">
/// <div class="code-group-tabs" role="tablist" hidden>
/// <button type="button" role="tab" aria-selected="true" aria-controls="g1-0" id="g1-0-tab">Flask</button>…
/// </div>
/// <div class="code-group-panel" id="g1-0" role="tabpanel" aria-labelledby="g1-0-tab">
/// <div class="code-group-label"><a href="/subjects/flask/">Flask</a></div>
/// …block html…
/// </div>…
/// </div>
/// ```
/// The copy button of every block, in English: highlighted blocks are cached across builds
/// and sites, so a page in another language gets its words by [`localise_copy_buttons`].
const COPY_BUTTON: &str =
    "<button type=\"button\" class=\"copy\" aria-label=\"Copy code\" hidden>Copy</button>\n";

/// `html` with each block's copy button in the words of `strings` (`js_copy`,
/// `js_copy_code`); unchanged, without copying, when those are the English ones.
pub fn localise_copy_buttons<'a>(
    html: std::borrow::Cow<'a, str>,
    strings: &crate::i18n::Strings,
) -> std::borrow::Cow<'a, str> {
    let (copy, code) = (strings.t("js_copy", &[]), strings.t("js_copy_code", &[]));
    if (copy.as_str(), code.as_str()) == ("Copy", "Copy code") || !html.contains(COPY_BUTTON) {
        return html;
    }
    let esc = crate::markdown::escape_attr;
    let button = format!(
        "<button type=\"button\" class=\"copy\" aria-label=\"{}\" hidden>{}</button>\n",
        esc(&code),
        esc(&copy)
    );
    std::borrow::Cow::Owned(html.replace(COPY_BUTTON, &button))
}

pub fn render_group(blocks: &[(String, String, String)], group_id: &str) -> String {
    let gid = escape(group_id);
    let mut h = String::with_capacity(blocks.iter().map(|b| b.2.len() + 300).sum::<usize>() + 200);
    let _ = writeln!(h, "<div class=\"code-group\" data-group=\"{gid}\">");
    h.push_str("<div class=\"code-group-tabs\" role=\"tablist\" hidden>\n");
    for (i, (title, _, _)) in blocks.iter().enumerate() {
        let _ = writeln!(
            h,
            "<button type=\"button\" role=\"tab\" aria-selected=\"{}\" aria-controls=\"{gid}-{i}\" id=\"{gid}-{i}-tab\">{}</button>",
            i == 0,
            escape(title)
        );
    }
    h.push_str("</div>\n");
    for (i, (title, url, html)) in blocks.iter().enumerate() {
        let _ = writeln!(
            h,
            "<div class=\"code-group-panel\" id=\"{gid}-{i}\" role=\"tabpanel\" aria-labelledby=\"{gid}-{i}-tab\">"
        );
        h.push_str("<div class=\"code-group-label\">");
        if url.is_empty() {
            h.push_str(&escape(title));
        } else {
            let _ = write!(h, "<a href=\"{}\">{}</a>", escape(url), escape(title));
        }
        h.push_str("</div>\n");
        h.push_str(html);
        if !html.ends_with('\n') {
            h.push('\n');
        }
        h.push_str("</div>\n");
    }
    h.push_str("</div>\n");
    h
}
