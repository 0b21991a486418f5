//! Minifying HTML, CSS and JS on their way out when `[build] minify = true` (minify-html,
//! a default cargo feature). Anything the minifier cannot make smaller passes unchanged.

/// Minifies an output file by its extension when `[build] minify = true`; other files, and
/// anything the minifier cannot make smaller, pass through unchanged.
pub fn minify(path: &str, bytes: &[u8]) -> Option<Vec<u8>> {
    let ext = path.rsplit('.').next().unwrap_or("");
    if !matches!(ext, "html" | "htm" | "css" | "js") {
        return None;
    }
    let out = minify_bytes(ext, bytes)?;
    (out.len() < bytes.len()).then_some(out)
}

#[cfg(feature = "minify")]
fn minify_bytes(ext: &str, bytes: &[u8]) -> Option<Vec<u8>> {
    let mut cfg = minify_html::Cfg::new();
    cfg.minify_css = true;
    cfg.minify_js = true;
    // `<!doctypehtml>` and omitted end tags are what a browser accepts, not what a validator
    // or a naive tool does; the output must stay valid HTML.
    cfg.minify_doctype = false;
    cfg.keep_closing_tags = true;
    cfg.keep_html_and_head_opening_tags = true;
    match ext {
        "html" | "htm" => Some(minify_html::minify(bytes, &cfg)),
        // minify-html's CSS and JS minifiers (lightningcss, oxc) are reached through an
        // element: wrap, minify, unwrap. If the wrapper does not come back as it went in
        // (e.g. a stray `</style` in the file), keep the file as it is.
        "css" => unwrap_element(
            &minify_html::minify(&wrap(b"<style>", bytes, b"</style>"), &cfg),
            b"<style>",
            b"</style>",
        ),
        "js" => unwrap_element(
            &minify_html::minify(&wrap(b"<script>", bytes, b"</script>"), &cfg),
            b"<script>",
            b"</script>",
        ),
        _ => None,
    }
}

#[cfg(not(feature = "minify"))]
fn minify_bytes(_ext: &str, _bytes: &[u8]) -> Option<Vec<u8>> {
    None
}

#[cfg(feature = "minify")]
fn wrap(open: &[u8], body: &[u8], close: &[u8]) -> Vec<u8> {
    [open, body, close].concat()
}

#[cfg(feature = "minify")]
fn unwrap_element(out: &[u8], open: &[u8], close: &[u8]) -> Option<Vec<u8>> {
    let inner = out.strip_prefix(open)?.strip_suffix(close)?;
    let lower = String::from_utf8_lossy(inner).to_ascii_lowercase();
    let tag = String::from_utf8_lossy(&close[..close.len() - 1]).to_string();
    if lower.contains(&tag) {
        return None;
    }
    Some(inner.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "minify")]
    #[test]
    fn minifies_css_and_js_or_leaves_them() {
        let css = minify("a.css", b"a  {\n  color : red ;\n}\n").unwrap();
        assert_eq!(String::from_utf8(css).unwrap(), "a{color:red}");
        let js = minify("a.js", b"function  f ( a ) {\n  return a + 1 ;\n}\nf(1);\n").unwrap();
        assert!(js.len() < 40, "{}", String::from_utf8_lossy(&js));
        assert_eq!(minify("a.png", b"x  y"), None);
    }
}
