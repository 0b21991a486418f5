//! `versus serve` in a real browser: Debian's headless Chromium driven by chromedriver over
//! the W3C WebDriver protocol (plain JSON over loopback HTTP, no WebDriver crate needed).
//! Skipped, loudly, when chromedriver is not installed (a failure in CI: `common::skip`).

mod common;
mod serve_util;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use serve_util::{Server, request, request_with_body};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

struct Driver {
    child: Child,
    port: u16,
    session: String,
    _profile: tempfile::TempDir,
}

impl Driver {
    fn start() -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let deadline = Instant::now() + serve_util::WAIT;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-quic", "--no-first-run",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    format!("--user-data-dir={}", profile.path().display())]
            }
        }}});
        let mut d = Driver {
            child,
            port,
            session: String::new(),
            _profile: profile,
        };
        let v = d.call("POST", "/session", Some(caps));
        d.session = v["sessionId"].as_str().expect("session id").to_string();
        d
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let body = body.map(|b| b.to_string());
        let r = request_with_body(self.port, method, path, &[], body.as_deref());
        let v: Value = serde_json::from_slice(&r.body)
            .unwrap_or_else(|_| panic!("webdriver reply: {}", r.text()));
        assert!(r.status < 300, "webdriver {method} {path}: {v}");
        v["value"].clone()
    }

    fn goto(&self, url: &str) {
        self.call(
            "POST",
            &format!("/session/{}/url", self.session),
            Some(json!({"url": url})),
        );
    }

    fn js(&self, script: &str) -> Value {
        self.call(
            "POST",
            &format!("/session/{}/execute/sync", self.session),
            Some(json!({"script": script, "args": []})),
        )
    }

    /// Polls a script until it returns `true`; page loads in between are fine.
    #[track_caller]
    fn wait_for(&self, what: &str, script: &str) {
        let deadline = Instant::now() + serve_util::WAIT;
        loop {
            let body = json!({"script": script, "args": []}).to_string();
            let r = request_with_body(
                self.port,
                "POST",
                &format!("/session/{}/execute/sync", self.session),
                &[],
                Some(&body),
            );
            if r.status == 200
                && serde_json::from_slice::<Value>(&r.body).is_ok_and(|v| v["value"] == true)
            {
                return;
            }
            if Instant::now() > deadline {
                let text = self.js("return document.documentElement.outerHTML");
                panic!("timed out waiting for {what}; page:\n{text}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = request(
                self.port,
                "DELETE",
                &format!("/session/{}", self.session),
                &[],
            );
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn article(body: &str) -> String {
    format!(
        "+++\ntitle = \"Alpha vs Beta\"\nsubjects = [\"alpha\", \"beta\"]\n[features]\n\
         \"Speed\" = {{ alpha = \"yes\", beta = \"partial: sometimes\" }}\n+++\n{body}\n"
    )
}

#[test]
fn live_reload_overlay_and_css_swap_in_chromium() {
    if !std::path::Path::new(CHROMEDRIVER).exists() {
        common::skip(
            "live_reload_overlay_and_css_swap_in_chromium",
            &format!("{CHROMEDRIVER} is missing (Debian: apt install chromium chromium-driver)"),
        );
        return;
    }
    let theme_css = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/static/style.css"),
    )
    .unwrap();
    let site = common::Site::new(&[
        (
            "content/_index.md",
            "+++\ntitle = \"Home\"\n+++\nWelcome.\n",
        ),
        (
            "content/subjects/alpha.md",
            "+++\ntitle = \"Alpha\"\n+++\nA.\n",
        ),
        (
            "content/subjects/beta.md",
            "+++\ntitle = \"Beta\"\n+++\nB.\n",
        ),
        (
            "content/articles/alpha-vs-beta.md",
            &article("First version of the text."),
        ),
        ("static/style.css", &theme_css),
    ]);
    let server = Server::start(site.root(), &[]);
    let driver = Driver::start();
    driver.goto(&format!("{}articles/alpha-vs-beta/", server.url));
    driver.wait_for(
        "the first page and its live connection",
        "return document.body.innerText.includes('First version of the text.') \
         && !!(window.__versus && window.__versus.connected)",
    );

    // Edit the Markdown: the new text appears without any manual reload.
    site.write(
        "content/articles/alpha-vs-beta.md",
        &article("Second version, live."),
    );
    driver.wait_for(
        "the edited text",
        "return document.body.innerText.includes('Second version, live.')",
    );

    // Break the front matter: an overlay names the file and line; the old page stays.
    driver.wait_for(
        "the live connection after the reload",
        "return !!(window.__versus && window.__versus.connected)",
    );
    site.write(
        "content/articles/alpha-vs-beta.md",
        "+++\ntitle = \"Alpha vs Beta\"\nsubjects = [\"alpha\", \n+++\nBroken.\n",
    );
    driver.wait_for(
        "the error overlay",
        "const o = document.getElementById('versus-overlay'); \
         return !!o && o.innerText.includes('content/articles/alpha-vs-beta.md:3') \
         && o.innerText.includes('subjects = [\"alpha\",')",
    );
    assert_eq!(
        driver.js("return document.body.innerText.includes('Second version, live.')"),
        true
    );

    // Fix it: the overlay goes, the page shows the fixed text.
    site.write(
        "content/articles/alpha-vs-beta.md",
        &article("Third version, fixed."),
    );
    driver.wait_for(
        "the fixed page without overlay",
        "return document.body.innerText.includes('Third version, fixed.') \
         && !document.getElementById('versus-overlay') \
         && !!(window.__versus && window.__versus.connected)",
    );

    // Edit the stylesheet: the style changes and the page is not reloaded.
    driver.js("window.__marker = 'still here'; return true");
    site.write(
        "static/style.css",
        &format!("{theme_css}\nbody {{ background-color: rgb(1, 2, 3) }}\n"),
    );
    driver.wait_for(
        "the new stylesheet",
        "return getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)'",
    );
    assert_eq!(driver.js("return window.__marker"), "still here");
}
