//! Answering HTTP requests from the published snapshot: path cleaning, MIME types, ETags,
//! redirects, the site's 404 page, and the live-reload script injected into HTML.
//!
//! Everything is served from memory. No request path is ever joined to a folder on disk, so
//! nothing outside the rendered site — not the sources, not a symlink's target, not
//! `/etc/passwd` — can be reached whatever the URL says; [`clean_path`] still rejects `..`,
//! encoded slashes, NUL and malformed escapes so that odd URLs get a clear 400 instead of a
//! lookup.
//!
//! Not here: the event stream (see `live`), building (see `snapshot`).

use std::io::Cursor;
use std::sync::Arc;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::history::Catch;
use super::live::{EVENTS_PATH, SCRIPT_PATH};
use super::snapshot::Entry;
use super::{Published, Shared};

/// The live-reload client, served as a file so a strict Content-Security-Policy allows it.
pub const LIVE_JS: &str = include_str!("live.js");
/// Lists every served path as JSON (for tests and tools).
pub const INDEX_PATH: &str = "/__versus/files.json";
/// What a page that missed events must do: `?server=ID&version=N&page=/a/` (see `history`).
pub const SINCE_PATH: &str = "/__versus/since";

/// Turns a request target into a path relative to the site root (`a/b.css`, `` for `/`), or
/// says why it is refused. The trailing slash is kept (`a/`).
pub fn clean_path(url: &str) -> Result<String, &'static str> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let Some(rest) = path.strip_prefix('/') else {
        return Err("the request path must start with /");
    };
    let mut out = Vec::new();
    let segments: Vec<&str> = rest.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if seg.is_empty() && !last {
            return Err("empty path segment");
        }
        let decoded = crate::urls::percent_decode(seg).ok_or("malformed percent-encoding")?;
        if decoded.contains('/') || decoded.contains('\\') {
            return Err("encoded slash in path");
        }
        if decoded.contains('\0') {
            return Err("NUL in path");
        }
        if decoded == ".." || decoded == "." {
            return Err("dot segment in path");
        }
        out.push(decoded);
    }
    Ok(out.join("/"))
}

/// Content type by file extension.
pub fn mime_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "xml" => "application/xml",
        "rss" => "application/rss+xml",
        "atom" => "application/atom+xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "wasm" => "application/wasm",
        "csv" => "text/csv; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("valid header")
}

/// Does `If-None-Match` name this ETag?
fn not_modified(request: &Request, etag: &str) -> bool {
    request
        .headers()
        .iter()
        .filter(|h| h.field.equiv("If-None-Match"))
        .flat_map(|h| h.value.as_str().split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*")
}

/// The `<script>` tag injected into every HTML page served (never into `build` output): it
/// tells `live.js` which server run and published version the page came from.
fn script_tag(shared: &Shared, version: u64, fallback: bool) -> String {
    format!(
        "<script src=\"{SCRIPT_PATH}\" data-server=\"{}\" data-version=\"{version}\"{} defer></script>",
        shared.server_id,
        if fallback { " data-fallback=\"1\"" } else { "" }
    )
}

/// Inserts the live-reload script before `</head>` (or at the start if there is none).
pub fn inject(html: &[u8], tag: &str) -> Vec<u8> {
    let at = find_ascii_ci(html, b"</head>").unwrap_or(0);
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_ascii_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

type Reply = Response<Cursor<Vec<u8>>>;

fn entry_response(
    shared: &Shared,
    request: &Request,
    (path, entry): (&str, &Entry),
    version: u64,
    status: u16,
) -> Reply {
    let mime = mime_type(path);
    let html = mime.starts_with("text/html");
    // A page carries the version it was served from (`live.js` compares it with the events),
    // so its ETag names that version too: a copy revalidated with `304` after a later build
    // would carry an old version, and `/__versus/since` would tell it to reload for an edit
    // its content already has (edited and undone), again after every reload.
    let etag = if html {
        format!("\"{:016x}-{}-{version}\"", entry.hash, shared.server_id)
    } else {
        format!("\"{:016x}-{}\"", entry.hash, shared.server_id)
    };
    let base = Response::from_data(Vec::new())
        .with_header(header("Content-Type", mime))
        .with_header(header("ETag", &etag))
        .with_header(header("Cache-Control", "no-cache"));
    if status == 200 && not_modified(request, &etag) {
        return base.with_status_code(304);
    }
    let body = if html {
        inject(&entry.bytes, &script_tag(shared, version, false))
    } else {
        entry.bytes.as_ref().clone()
    };
    let len = body.len();
    base.with_data(Cursor::new(body), Some(len))
        .with_status_code(status)
}

fn plain(status: u16, text: &str) -> Reply {
    Response::from_string(text)
        .with_status_code(status)
        .with_header(header("Content-Type", "text/plain; charset=utf-8"))
}

/// Answers one request (all but the event stream, which `live` takes over).
pub fn respond(shared: &Shared, request: Request) {
    let reply = answer(shared, &request);
    let _ = request.respond(reply);
}

/// Largest request head (request line + headers) answered; browsers send a few kilobytes.
/// tiny_http has already read the head by then, so this turns abuse into a clear 431 rather
/// than serving it.
const MAX_HEAD_BYTES: usize = 32 * 1024;
const MAX_HEADERS: usize = 100;

fn answer(shared: &Shared, request: &Request) -> Reply {
    let headers = request.headers();
    let head_bytes: usize = request.url().len()
        + headers
            .iter()
            .map(|h| h.field.as_str().as_str().len() + h.value.as_str().len() + 4)
            .sum::<usize>();
    if head_bytes > MAX_HEAD_BYTES || headers.len() > MAX_HEADERS {
        return plain(431, "request header fields too large\n");
    }
    if !matches!(request.method(), Method::Get | Method::Head) {
        return plain(405, "method not allowed\n").with_header(header("Allow", "GET, HEAD"));
    }
    let url = request.url();
    let rel = match clean_path(url) {
        Ok(p) => p,
        Err(why) => return plain(400, &format!("bad request: {why}\n")),
    };
    if format!("/{rel}") == SCRIPT_PATH {
        return Response::from_string(LIVE_JS)
            .with_header(header("Content-Type", "text/javascript; charset=utf-8"))
            .with_header(header("Cache-Control", "no-cache"));
    }
    let published: Arc<Published> = shared.published();
    if format!("/{rel}") == SINCE_PATH {
        return since(shared, &published, url);
    }
    let Some(snapshot) = &published.snapshot else {
        return error_page(shared, &published);
    };
    if format!("/{rel}") == INDEX_PATH {
        let mut paths: Vec<&String> = snapshot.files.keys().collect();
        paths.sort();
        let json = serde_json::to_string(&paths).unwrap_or_default();
        return Response::from_string(json)
            .with_header(header("Content-Type", "application/json"))
            .with_header(header("Cache-Control", "no-store"));
    }
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.clone()
    };
    if let Some(entry) = snapshot.files.get(&key) {
        return entry_response(shared, request, (&key, entry), published.version, 200);
    }
    if let Some((_, entry)) = published.retired.iter().rev().find(|(p, _)| *p == key) {
        return entry_response(shared, request, (&key, entry), published.version, 200);
    }
    if !key.ends_with('/') && snapshot.files.contains_key(&format!("{key}/index.html")) {
        let path = url.split(['?', '#']).next().unwrap_or(url);
        let query = url.find('?').map_or("", |i| &url[i..]);
        let to = format!("{path}/{query}");
        return Response::from_data(Vec::new())
            .with_status_code(StatusCode(301))
            .with_header(header("Location", &to))
            .with_header(header("Cache-Control", "no-cache"));
    }
    match snapshot.files.get("404.html") {
        Some(entry) => entry_response(shared, request, ("404.html", entry), published.version, 404),
        None => plain(404, "not found\n"),
    }
}

/// Answers [`SINCE_PATH`] from the published history: JSON, `{"version", "reload", "css"}`.
/// A page from another server run reloads.
fn since(shared: &Shared, published: &Published, url: &str) -> Reply {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let (mut server, mut version, mut page) = (None, None, None);
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = crate::urls::percent_decode(value);
        match name {
            "server" => server = value,
            "version" => version = value.and_then(|v| v.parse::<u64>().ok()),
            "page" => page = value,
            _ => {}
        }
    }
    let (Some(server), Some(version), Some(page)) = (server, version, page) else {
        return plain(
            400,
            "bad request: expected ?server=ID&version=N&page=PATH\n",
        );
    };
    let catch = if server == shared.server_id {
        published.history.since(version, &page)
    } else {
        Catch::Reload
    };
    Response::from_string(catch.to_json(published.version).to_string())
        .with_header(header("Content-Type", "application/json"))
        .with_header(header("Cache-Control", "no-store"))
}

/// Shown for every page while no build has succeeded yet.
fn error_page(shared: &Shared, published: &Published) -> Reply {
    let mut body = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head>\
         <body><h1>The site has errors</h1><p>Fix them and this page reloads by itself.</p><ul>",
    );
    for d in &published.errors {
        body.push_str("<li><p><strong>");
        body.push_str(&crate::markdown::escape_attr(
            d.location.as_deref().unwrap_or(""),
        ));
        body.push_str("</strong> ");
        body.push_str(&crate::markdown::escape_attr(&d.message));
        body.push_str("</p>");
        if let Some(line) = &d.source_line {
            body.push_str("<pre>");
            body.push_str(&crate::markdown::escape_attr(line));
            body.push_str("</pre>");
        }
        body.push_str("</li>");
    }
    body.push_str("</ul></body></html>");
    let hash = xxhash_rust::xxh3::xxh3_64(body.as_bytes());
    let etag = format!("\"{hash:016x}-{}\"", shared.server_id);
    let html = inject(
        body.as_bytes(),
        &script_tag(shared, published.version, true),
    );
    Response::from_data(html)
        .with_status_code(500)
        .with_header(header("Content-Type", "text/html; charset=utf-8"))
        .with_header(header("ETag", &etag))
        .with_header(header("Cache-Control", "no-store"))
}

/// Is this the event stream?
pub fn is_events(request: &Request) -> bool {
    request.url().split('?').next() == Some(EVENTS_PATH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_paths() {
        assert_eq!(clean_path("/").unwrap(), "");
        assert_eq!(clean_path("/a/").unwrap(), "a/");
        assert_eq!(clean_path("/a/b.css?x=1#y").unwrap(), "a/b.css");
        assert_eq!(clean_path("/caf%C3%A9/").unwrap(), "café/");
        assert_eq!(clean_path("/a%20b").unwrap(), "a b");
    }

    #[test]
    fn refused_paths() {
        for bad in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E/x",
            "/a/%2e%2e%2f%2e%2e%2fetc",
            "/a%2fb",
            "/a%5cb",
            "//etc/passwd",
            "etc/passwd",
            "http://x/etc",
            "/a%00b",
            "/a%zz",
            "/%ff",
            "/./a",
        ] {
            assert!(clean_path(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn injection_goes_before_head_end() {
        let out = inject(b"<html><HEAD><title>x</title></HEAD><body></body>", "<s>");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "<html><HEAD><title>x</title><s></HEAD><body></body>"
        );
        assert_eq!(inject(b"plain", "<s>"), b"<s>plain");
    }

    #[test]
    fn mime_types() {
        assert_eq!(mime_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(mime_type("style.1a2b.css"), "text/css; charset=utf-8");
        assert_eq!(mime_type("x.SVG"), "image/svg+xml");
        assert_eq!(mime_type("noext"), "application/octet-stream");
    }
}
