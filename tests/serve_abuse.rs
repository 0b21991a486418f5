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

/// `n` connections, each of which has sent `bytes`.
fn connections(port: u16, n: usize, bytes: &[u8]) -> Vec<TcpStream> {
    (0..n)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
            s.write_all(bytes).unwrap();
            s
        })
        .collect()
}

/// A request pipelined behind the event-stream request on one connection cannot be answered
/// while the stream is open (answers go out in order); it must not hold a worker meanwhile.
/// More such connections than workers, then an ordinary request: with them parked, no worker
/// was ever stuck, so the watchdog never had to start another.
#[test]
fn requests_pipelined_behind_the_event_stream_hold_no_worker() {
    let site = site();
    let server = Server::start(site.root(), &["--verbose"]);
    let port = server.port;
    let mut pipelined = connections(
        port,
        20,
        b"GET /__versus/events HTTP/1.1\r\nHost: x\r\n\r\n\
          GET /articles/a/ HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    // Every stream is open (the hub greets it) before the ordinary request goes out.
    let deadline = std::time::Instant::now() + serve_util::WAIT;
    for s in &mut pipelined {
        let mut hello = Vec::new();
        let mut buf = [0u8; 4096];
        s.set_read_timeout(Some(serve_util::WAIT)).unwrap();
        while !String::from_utf8_lossy(&hello).contains("event: hello") {
            assert!(std::time::Instant::now() < deadline, "no hello");
            let n = std::io::Read::read(s, &mut buf).expect("read the stream");
            assert!(n > 0, "stream closed");
            hello.extend_from_slice(&buf[..n]);
        }
    }
    still_serving(port);
    let log = server.stderr();
    assert!(!log.contains("every worker has been busy"), "{log}");
    // When the streams close, the parked requests are answered and the server goes on.
    drop(pipelined);
    still_serving(port);
}

/// Clients that do not read their (large) answers hold a worker each. With `--verbose` each
/// such request is logged with its path and connection after a few seconds, and once every
/// worker is stuck another is started, so the ordinary request behind them is answered.
#[test]
fn slow_readers_are_logged_and_cannot_starve_other_clients() {
    use std::io::Read;
    let site = site();
    // Bigger than what the loopback socket buffers hold for a client that reads nothing.
    site.write("static/big.txt", &"versus ".repeat(16 << 20 >> 3));
    let server = Server::start(site.root(), &["--verbose"]);
    let port = server.port;
    let mut slow = connections(port, 8, b"GET /big.txt HTTP/1.1\r\nHost: x\r\n\r\n");
    // Each answer has begun, so each of the 8 workers is busy with one.
    for s in &mut slow {
        s.set_read_timeout(Some(serve_util::WAIT)).unwrap();
        let mut head = [0u8; 12];
        s.read_exact(&mut head).expect("the answer begins");
    }
    still_serving(port);
    let ours = slow[0].local_addr().unwrap();
    // The server's stderr is read by a thread of the test: on a loaded machine the lines may
    // arrive a little after the answer that followed them.
    // "has waited 5 s" once the guard's first look finds it; a loaded machine may look later.
    let wanted = format!("slow request: GET /big.txt from {ours} has waited ");
    let deadline = std::time::Instant::now() + serve_util::WAIT;
    let mut log = server.stderr();
    while !(log.contains(&wanted) && log.contains("starting worker 8"))
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(50));
        log = server.stderr();
    }
    let line = log
        .lines()
        .find(|l| l.starts_with(&wanted))
        .unwrap_or_default();
    assert!(line.contains(" s for its answer"), "{log}");
    assert!(
        log.contains("every worker has been busy for 5 s: starting worker 8"),
        "{log}"
    );
    // Reading the answers ends the wait, which is logged too.
    for s in &mut slow {
        let mut buf = vec![0u8; 1 << 20];
        let mut tail = Vec::new();
        // The answer is chunked: it ends with the empty chunk.
        while !tail.ends_with(b"\r\n0\r\n\r\n") {
            let n = s.read(&mut buf).expect("read the big answer");
            assert!(n > 0, "closed before the end");
            tail.extend_from_slice(&buf[..n]);
            tail.drain(..tail.len().saturating_sub(8));
        }
    }
    let deadline = std::time::Instant::now() + serve_util::WAIT;
    while !server.stderr().contains(&format!(
        "slow request: GET /big.txt from {ours} answered after"
    )) {
        assert!(std::time::Instant::now() < deadline, "{}", server.stderr());
        std::thread::sleep(Duration::from_millis(50));
    }
}
