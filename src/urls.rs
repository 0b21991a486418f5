//! URL and site-path helpers that every stage shares: joining content-relative paths,
//! recognising absolute links, percent-decoding, prefixing the base path, and mapping a site
//! path to the file it is written to.
//!
//! These are pure string functions with no knowledge of the model; they live low in the
//! crate so that `model`, `render`, `outputs`, `linkcheck` and `serve` can all use them
//! without depending on each other. Not here: how a page's URL is derived from its file
//! (that is a rule of the model: [`crate::model::page_path`]).

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// What a URI path may not hold as it is (RFC 3986): besides non-ASCII (always encoded),
/// spaces, controls, double quotes, angle brackets, backslash, caret, backtick, braces and
/// the vertical bar. `%` stays, so a base path written encoded is not encoded twice;
/// `/ ? #` stay, as separators.
const NOT_IN_URI: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// [`NOT_IN_URI`], plus what would end a path or start an escape: for a file's path put
/// into a URL as data (`a#b.md` stays one name), not for a URL already written.
const NOT_IN_FILE_PATH: &AsciiSet = &NOT_IN_URI.add(b'#').add(b'?').add(b'%');

/// A file's relative path (`content/my a.md`) as the path of a URL: `content/my%20a.md`.
pub fn encode_file_path(path: &str) -> String {
    utf8_percent_encode(path, NOT_IN_FILE_PATH).to_string()
}

/// A site path (or URL) as a URI: non-ASCII and characters a URI may not hold
/// percent-encoded as UTF-8.
pub fn encode_uri_path(path: &str) -> String {
    utf8_percent_encode(path, NOT_IN_URI).to_string()
}

/// `a/b/c.md` → `a/b`; `c.md` → ``.
pub fn parent_dir(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}

/// Joins a relative path onto a directory, resolving `.` and `..`.
pub fn join_rel(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    parts.join("/")
}

/// Whether a link starts with a URL scheme (`https:`, `mailto:`): a letter, then letters,
/// digits, `+`, `-` or `.`, then `:` (RFC 3986).
pub fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) => {
            s[..i]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic())
                && s[..i]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

/// `%41` → `A`; `None` on a malformed escape (`%4`, `%zz`) or when the bytes are not UTF-8.
/// The decoding itself is the `percent-encoding` crate's, which passes malformed escapes
/// through unchanged; callers here want those refused, so they are checked first.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let malformed = b.iter().enumerate().any(|(i, &c)| {
        c == b'%'
            && !(b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
    });
    if malformed {
        return None;
    }
    percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

/// Prefixes a root-relative path with the base path, never producing `//`.
pub fn prefix_url(base_path: &str, path: &str) -> String {
    let base = base_path.trim_end_matches('/');
    if path.is_empty() {
        return format!("{base}/");
    }
    if !path.starts_with('/') {
        return path.to_string();
    }
    let trimmed = path.trim_start_matches('/');
    format!("{base}/{trimmed}")
}

/// `https://x.org/docs/` → `https://x.org`; a bare path → ``.
pub fn origin_of(url: &str) -> &str {
    match url.find("://") {
        Some(i) => {
            let rest = &url[i + 3..];
            let end = rest.find('/').map_or(url.len(), |j| i + 3 + j);
            &url[..end]
        }
        None => "",
    }
}

/// The file a site path is written to: `/a/` → `a/index.html`, `/404.html` → `404.html`.
pub fn output_path(site_path: &str) -> String {
    let p = site_path.trim_start_matches('/');
    if p.is_empty() {
        "index.html".into()
    } else if p.ends_with('/') {
        format!("{p}index.html")
    } else {
        p.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_prefixes() {
        assert_eq!(prefix_url("", "/a/"), "/a/");
        assert_eq!(prefix_url("/docs", "/a/"), "/docs/a/");
        assert_eq!(prefix_url("/docs", "/"), "/docs/");
        assert_eq!(prefix_url("/docs/", "//a"), "/docs/a");
        assert_eq!(origin_of("https://x.org/docs/"), "https://x.org");
        assert_eq!(
            join_rel("articles", "../subjects/flask.md"),
            "subjects/flask.md"
        );
        assert!(has_scheme("https://x") && has_scheme("mailto:a@b") && !has_scheme("a.md"));
        assert_eq!(output_path("/"), "index.html");
        assert_eq!(output_path("/a/b/"), "a/b/index.html");
        assert_eq!(output_path("/404.html"), "404.html");
    }

    #[test]
    fn percent_decoding_refuses_malformed_escapes() {
        assert_eq!(percent_decode("caf%C3%A9%20x").as_deref(), Some("café x"));
        assert_eq!(percent_decode("plain").as_deref(), Some("plain"));
        assert_eq!(percent_decode("100%"), None);
        assert_eq!(percent_decode("%4"), None);
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%FF"), None);
    }
}
