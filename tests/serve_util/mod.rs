//! Helpers for `versus serve` tests: start the real binary on a temp site, speak HTTP/1.1
//! and Server-Sent Events over loopback with std's TcpStream.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Generous: only a hang should ever reach it.
pub const WAIT: Duration = Duration::from_secs(60);

/// A running `versus serve`, killed on drop.
pub struct Server {
    child: Child,
    pub url: String,
    pub port: u16,
    pub stdout: Arc<Mutex<String>>,
    pub stderr: Arc<Mutex<String>>,
}

impl Server {
    pub fn start(root: &Path, extra: &[&str]) -> Server {
        Self::start_port(root, 0, extra)
    }

    pub fn start_port(root: &Path, port: u16, extra: &[&str]) -> Server {
        Self::start_env(root, port, extra, &[])
    }

    /// With environment variables set for the server (e.g. `VERSUS_SERVE_TIMINGS`).
    pub fn start_env(root: &Path, port: u16, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let mut cmd = super::common::versus();
        cmd.envs(env.iter().copied());
        cmd.arg("serve")
            .arg("--root")
            .arg(root)
            .arg("--port")
            .arg(port.to_string())
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("start versus serve");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        let so = stdout.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if let Some(i) = line.find("http://") {
                    let _ = tx.send(line[i..].split_whitespace().next().unwrap().to_string());
                }
                so.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let err = child.stderr.take().unwrap();
        let se = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                se.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        let url = match rx.recv_timeout(WAIT) {
            Ok(u) => u,
            Err(_) => {
                let _ = child.kill();
                panic!("server did not start; stderr:\n{}", stderr.lock().unwrap());
            }
        };
        let port = url
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        Server {
            child,
            url,
            port,
            stdout,
            stderr,
        }
    }

    pub fn get(&self, path: &str) -> Reply {
        request(self.port, "GET", path, &[])
    }

    pub fn events(&self) -> Events {
        Events::connect(self.port)
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    /// Every path the server holds, from its index.
    pub fn paths(&self) -> Vec<String> {
        let r = self.get("/__versus/files.json");
        assert_eq!(r.status, 200, "{}", r.text());
        serde_json::from_slice(&r.body).unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Reply {
    pub status: u16,
    /// Lower-cased names.
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// One HTTP/1.1 request with `Connection: close`; the raw `target` is sent as is.
pub fn request(port: u16, method: &str, target: &str, headers: &[(&str, &str)]) -> Reply {
    request_with_body(port, method, target, headers, None)
}

/// Like [`request`], with a JSON body.
pub fn request_with_body(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    json: Option<&str>,
) -> Reply {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(WAIT)).unwrap();
    let mut req =
        format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(body) = json {
        req.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(json.unwrap_or(""));
    s.write_all(req.as_bytes()).unwrap();
    // Read by Content-Length when there is one: some servers keep the connection open.
    let mut raw = Vec::new();
    let mut buf = [0u8; 16384];
    loop {
        let n = s.read(&mut buf).expect("read reply");
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
            let len = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok());
            let status_no_body = head.split(' ').nth(1).is_some_and(|c| c == "304");
            match len {
                _ if method == "HEAD" || status_no_body => break,
                Some(len) if raw.len() >= end + 4 + len => break,
                _ => {}
            }
        }
    }
    parse_reply(&raw, method == "HEAD")
}

fn parse_reply(raw: &[u8], head: bool) -> Reply {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head_text = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head_text.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    if !head
        && headers
            .get("transfer-encoding")
            .is_some_and(|t| t.contains("chunked"))
    {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = b.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(String::from_utf8_lossy(&b[..eol]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&b[eol + 2..eol + 2 + size]);
        b = &b[eol + 2 + size + 2..];
    }
    out
}

/// An open event stream; events arrive as parsed JSON.
pub struct Events {
    rx: Receiver<serde_json::Value>,
    _stream: TcpStream,
    /// The stream's first event.
    pub hello: serde_json::Value,
}

impl Events {
    pub fn connect(port: u16) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        write!(
            s,
            "GET /__versus/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
        )
        .unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = s.try_clone().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(reader).lines().map_while(Result::ok) {
                if let Some(data) = line.strip_prefix("data: ")
                    && let Ok(v) = serde_json::from_str(data)
                    && tx.send(v).is_err()
                {
                    break;
                }
            }
        });
        let hello: serde_json::Value = rx.recv_timeout(WAIT).expect("no hello from the server");
        assert_eq!(hello["type"], "hello", "{hello}");
        Events {
            rx,
            _stream: s,
            hello,
        }
    }

    pub fn next(&self) -> serde_json::Value {
        self.rx
            .recv_timeout(WAIT)
            .expect("no event from the server")
    }

    /// The next event of this type, skipping others.
    pub fn wait(&self, kind: &str) -> serde_json::Value {
        loop {
            let e = self.next();
            if e["type"] == kind {
                return e;
            }
        }
    }

    /// Waits for the next `change` event, then for the server to fall quiet (an editor's save
    /// may reach it as more than one batch): returns every change event seen.
    pub fn settle(&self) -> Vec<serde_json::Value> {
        let mut seen = vec![self.wait("change")];
        while let Ok(e) = self.rx.recv_timeout(Duration::from_millis(300)) {
            if e["type"] == "change" {
                seen.push(e);
            }
        }
        seen
    }

    /// Waits for a `change` event listing `page`.
    pub fn wait_page(&self, page: &str) -> serde_json::Value {
        loop {
            let e = self.wait("change");
            if e["all"] == true || e["pages"].as_array().unwrap().iter().any(|p| p == page) {
                return e;
            }
        }
    }
}

/// Removes the live-reload script tag that serve injects.
pub fn strip_script(html: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    let Some(start) = text.find("<script src=\"/__versus/live.js\"") else {
        return html.to_vec();
    };
    let end = start + text[start..].find("</script>").unwrap() + "</script>".len();
    format!("{}{}", &text[..start], &text[end..]).into_bytes()
}

/// Served bytes (minus the injected script) == what `versus build` writes, after each edit.
/// The server may still be publishing what it read (an editor's save can reach it as more
/// than one batch), so this waits until they are equal; only a hang reaches the deadline.
pub fn assert_same_as_build(site: &super::common::Site, server: &Server) {
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("site");
    site.run(&[
        "build",
        "--base-url",
        &server.url,
        "--output",
        out_dir.to_str().unwrap(),
    ])
    .assert_ok();
    let mut built: Vec<String> = walkdir(&out_dir)
        .into_iter()
        .filter(|p| p != ".versus-output")
        .collect();
    built.sort();
    let deadline = std::time::Instant::now() + WAIT;
    loop {
        let Err(why) = same_as_build(server, &out_dir, &built) else {
            return;
        };
        assert!(std::time::Instant::now() < deadline, "{why}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn same_as_build(server: &Server, out_dir: &Path, built: &[String]) -> Result<(), String> {
    let served = server.paths();
    if served != built {
        return Err(format!(
            "served and built file sets differ:\nserved {served:?}\nbuilt  {built:?}"
        ));
    }
    for p in &served {
        // Paths may hold any letter (`features/anonyme-blöcke/`): sent percent-encoded.
        let target: String = p
            .bytes()
            .map(|b| {
                if b.is_ascii() {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let r = server.get(&format!("/{target}"));
        let want = std::fs::read(out_dir.join(p)).unwrap();
        if r.status != 200 || strip_script(&r.body) != want {
            return Err(format!("{p} differs from the build (status {})", r.status));
        }
    }
    Ok(())
}

fn walkdir(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out
}
