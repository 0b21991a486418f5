//! Request targets that try to leave the site folder of a preview server, for the abuse
//! test: every way of spelling `..` and `/` that servers have been caught by (percent
//! encoding, double encoding, overlong UTF-8, backslashes, full-width dots, NUL bytes,
//! absolute paths), aimed at files a server must never serve. Plus a raw-HTTP sender that
//! does not normalise anything, since a real client library would clean the path first.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Ways to write `..`.
const DOTDOT: &[&str] = &[
    "..",
    "%2e%2e",
    "%2E%2E",
    ".%2e",
    "%2e.",
    "%252e%252e",
    "%c0%ae%c0%ae",
    "%e0%80%ae%e0%80%ae",
    "%ef%bc%8e%ef%bc%8e",
    "..%00",
    "...",
    "....",
    "..;",
    "..%20",
    "%2e%2e%2f..",
];

/// Ways to write `/` between segments.
const SLASH: &[&str] = &[
    "/", "%2f", "%2F", "%252f", "\\", "%5c", "%5C", "%c0%af", "%c1%9c", "//", "/./", "%u2215",
];

/// Where the request starts: the root, inside a real folder, or oddly.
const PREFIX: &[&str] = &[
    "/",
    "/articles/",
    "/static/",
    "//",
    "/./",
    "/%2e/",
    "/subjects/flask/",
];

/// What the traversal aims at: files next to the output folder (the site's sources and
/// settings), above it, and on the system.
const TARGET: &[&str] = &[
    "versus.toml",
    "content/_index.md",
    "content/subjects/flask.md",
    "SECRET.txt",
    "etc/passwd",
    "proc/self/environ",
    "Cargo.toml",
    ".versus-cache/highlight.bin",
];

/// `n` distinct request targets (at least the ones needing no `..`: absolute paths, NULs and
/// the like come first). Deterministic: the same `n` always gives the same list.
pub fn traversal_variants(n: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(n);
    let mut seen = std::collections::HashSet::new();
    let mut push = |s: String, out: &mut Vec<String>| {
        if out.len() < n && seen.insert(s.clone()) {
            out.push(s);
        }
    };
    for fixed in [
        "/etc/passwd",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/..",
        "/../",
        "/%00",
        "/index.html%00.md",
        "/C:%5cwindows%5cwin.ini",
        "/\\\\server\\share",
        "file:///etc/passwd",
        "http://127.0.0.1/../versus.toml",
        "*",
    ] {
        push(fixed.to_string(), &mut out);
    }
    // Depth 1..=6 covers "output folder inside the site" up to "/" from deep temp folders.
    'outer: for depth in 1..=6 {
        for target in TARGET {
            for dotdot in DOTDOT {
                for slash in SLASH {
                    for prefix in PREFIX {
                        let mut s = prefix.to_string();
                        for _ in 0..depth {
                            s.push_str(dotdot);
                            s.push_str(slash);
                        }
                        s.push_str(&target.replace('/', slash));
                        push(s.clone(), &mut out);
                        // The same with a query or fragment, which must not change anything.
                        push(format!("{s}?x=1"), &mut out);
                        push(format!("{s}#top"), &mut out);
                        if out.len() >= n {
                            break 'outer;
                        }
                    }
                }
            }
        }
    }
    out
}

/// What came back for one raw request.
#[derive(Debug)]
pub struct RawResponse {
    /// `None` when the server closed without a status line (acceptable for garbage).
    pub status: Option<u16>,
    /// Everything read, headers and body, lossily decoded.
    pub text: String,
}

/// Sends `target` byte for byte in a GET request line to `127.0.0.1:port` and reads the
/// answer until the server closes (the request asks it to).
pub fn raw_get(port: u16, target: &[u8]) -> std::io::Result<RawResponse> {
    let mut req = b"GET ".to_vec();
    req.extend_from_slice(target);
    req.extend_from_slice(b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    raw_request(port, &req)
}

/// Sends arbitrary bytes and reads until close or a 10 s silence.
pub fn raw_request(port: u16, bytes: &[u8]) -> std::io::Result<RawResponse> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    s.write_all(bytes)?;
    let mut buf = Vec::new();
    // A reset after a partial answer still counts as "closed".
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .strip_prefix("HTTP/1.")
        .and_then(|r| r.get(2..5))
        .and_then(|c| c.parse().ok());
    Ok(RawResponse { status, text })
}

/// The abuse rule for one traversal attempt: a 4xx answer or a closed connection, and never
/// any byte of a file outside the site (`sentinels` are strings only such files contain).
/// A 200 is accepted only when its body is a page of the site (contains `site_marker`), since
/// `/articles/../` legitimately normalises to a page inside the site.
pub fn check_traversal(
    r: &RawResponse,
    sentinels: &[&str],
    site_marker: &str,
) -> Result<(), String> {
    for s in sentinels {
        if r.text.contains(s) {
            return Err(format!("served a file outside the site (found {s:?})"));
        }
    }
    match r.status {
        None => Ok(()),
        Some(c) if (400..500).contains(&c) => Ok(()),
        Some(200) if r.text.contains(site_marker) => Ok(()),
        Some(301 | 302 | 307 | 308) => Ok(()),
        Some(c) => Err(format!("answered {c}")),
    }
}
