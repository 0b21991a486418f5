//! `versus serve` under abuse (issue 10): 10,000 path-traversal variants, oversized headers,
//! invalid UTF-8 paths and slowloris-style partial requests. Every answer must be a 4xx (or a
//! closed connection), no byte of a file outside the site may ever be served, and the server
//! must keep serving ordinary requests throughout.

mod common;
mod serve_util;

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use common::Site;
use common::traversal::{check_traversal, raw_get, raw_request, traversal_variants};
use serve_util::{Server, request};

const SENTINEL: &str = "VERSUS-ABUSE-SENTINEL-7f3a";
const SITE_MARKER: &str = "Abuse test site";

fn site() -> Site {
    let site = Site::new(&[
        ("versus.toml", &format!("title = \"{SITE_MARKER}\"\n")),
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\nWelcome.\n",
        ),
        ("content/articles/a.md", "+++\ntitle = \"A\"\n+++\nText.\n"),
        // Files next to the content that must never be served: in the site root, and one
        // level above it.
        ("secret.txt", SENTINEL),
        ("content/../versus.secret", SENTINEL),
    ]);
    if let Some(parent) = site.root().parent() {
        let _ = std::fs::write(parent.join("versus-abuse-secret.txt"), SENTINEL);
    }
    site
}

fn still_serving(port: u16) {
    let r = request(port, "GET", "/articles/a/", &[]);
    assert_eq!(r.status, 200, "an ordinary page must still be served");
}

#[test]
fn ten_thousand_traversal_variants_get_4xx_and_leak_nothing() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    let port = server.port;
    let variants = traversal_variants(10_000);
    assert_eq!(variants.len(), 10_000);
    let sentinels = [SENTINEL, "root:x:0:0", "[package]"];
    // Four clients at a time: the server must cope with parallel abuse too.
    let chunks: Vec<Vec<String>> = variants.chunks(2_500).map(<[String]>::to_vec).collect();
    let failures: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                s.spawn(move || {
                    let mut bad = Vec::new();
                    for v in chunk {
                        // A refused or reset connection serves nothing: acceptable.
                        if let Ok(r) = raw_get(port, v.as_bytes())
                            && let Err(e) = check_traversal(&r, &sentinels, SITE_MARKER)
                        {
                            bad.push(format!("{v:?}: {e}"));
                        }
                    }
                    bad
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of 10,000 variants misbehaved, e.g.:\n{}",
        failures.len(),
        failures
            .iter()
            .take(10)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    still_serving(port);
}

#[test]
fn malformed_requests_get_4xx_or_a_closed_connection() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    let port = server.port;
    let huge_header = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\nConnection: close\r\n\r\n",
        "a".repeat(200_000)
    );
    let many_headers = format!(
        "GET / HTTP/1.1\r\nHost: x\r\n{}Connection: close\r\n\r\n",
        (0..5_000)
            .map(|i| format!("X-{i}: y\r\n"))
            .collect::<String>()
    );
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("oversized header", huge_header.into_bytes()),
        ("thousands of headers", many_headers.into_bytes()),
        (
            "invalid UTF-8 path",
            b"GET /\xff\xfe/../\xc0\xaf HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
        ),
        (
            "percent-encoded invalid UTF-8",
            b"GET /%ff%fe%c0%af HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
        ),
        ("garbage", b"\x00\x01\x02 nonsense\r\n\r\n".to_vec()),
        (
            "absolute path outside",
            b"GET /etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
        ),
        (
            "NUL in path",
            b"GET /a%00b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
        ),
    ];
    for (name, bytes) in cases {
        if let Ok(r) = raw_request(port, &bytes) {
            assert!(
                !r.text.contains(SENTINEL) && !r.text.contains("root:x:0:0"),
                "{name}: leaked a file"
            );
            if let Some(code) = r.status {
                assert!(
                    (400..500).contains(&code),
                    "{name}: expected 4xx or close, got {code}"
                );
            }
        }
        still_serving(port);
    }
}

#[test]
fn slow_partial_requests_do_not_block_other_clients() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    let port = server.port;
    // More half-sent requests than the server has workers, each trickling a header line.
    let mut slow: Vec<TcpStream> = (0..64)
        .filter_map(|_| TcpStream::connect(("127.0.0.1", port)).ok())
        .collect();
    for s in &mut slow {
        let _ = s.write_all(b"GET /articles/a/ HTTP/1.1\r\nHost: x\r\n");
    }
    for round in 0..3 {
        for s in &mut slow {
            let _ = s.write_all(format!("X-Slow-{round}: 1\r\n").as_bytes());
        }
        std::thread::sleep(Duration::from_millis(200));
        // Ordinary requests are answered while the slow ones hang on.
        still_serving(port);
    }
    drop(slow);
    still_serving(port);
}
