//! `versus serve` end to end over loopback: the real binary, real HTTP, real file edits.

mod common;
mod serve_util;

use common::Site;
use serve_util::{Server, assert_same_as_build, request, strip_script};

const HOME: &str = "+++\ntitle = \"Home\"\n+++\nWelcome home.\n";
const ALPHA: &str =
    "+++\ntitle = \"Alpha\"\n[features]\n\"Speed\" = \"yes: fast\"\n+++\nAlpha is a thing.\n";
const BETA: &str = "+++\ntitle = \"Beta\"\n[features]\n\"Speed\" = \"partial: sometimes\"\n+++\nBeta is another thing.\n";

fn article(body: &str) -> String {
    format!(
        "+++\ntitle = \"Alpha vs Beta\"\nsubjects = [\"alpha\", \"beta\"]\n[features]\n\
         \"Speed\" = {{ alpha = \"yes\", beta = \"partial: sometimes\" }}\n+++\n{body}\n"
    )
}

fn site() -> Site {
    Site::new(&[
        ("content/_index.md", HOME),
        ("content/subjects/alpha.md", ALPHA),
        ("content/subjects/beta.md", BETA),
        (
            "content/articles/alpha-vs-beta.md",
            &article("First version of the comparison."),
        ),
    ])
}

const PAGE: &str = "/articles/alpha-vs-beta/";

#[test]
fn serves_pages_with_the_live_script_and_http_semantics() {
    let site = site();
    let server = Server::start(site.root(), &[]);

    let page = server.get(PAGE);
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let text = page.text();
    assert!(text.contains("First version of the comparison."));
    let head_end = text.find("</head>").unwrap();
    let script = text
        .find("<script src=\"/__versus/live.js\"")
        .expect("script injected");
    assert!(script < head_end, "script must be in <head>");

    // The build output never has it.
    site.run(&["build", "--base-url", &server.url]).assert_ok();
    assert!(
        !site
            .read("site/articles/alpha-vs-beta/index.html")
            .contains("__versus")
    );

    // HEAD: same headers, no body.
    let head = request(server.port, "HEAD", PAGE, &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("etag"), page.header("etag"));
    assert_eq!(
        head.header("content-length").unwrap(),
        text.len().to_string()
    );

    // ETag revalidation.
    let etag = page.header("etag").unwrap();
    let again = request(server.port, "GET", PAGE, &[("If-None-Match", etag)]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    let other = request(server.port, "GET", PAGE, &[("If-None-Match", "\"nope\"")]);
    assert_eq!(other.status, 200);

    // Directory without trailing slash → redirect, keeping the query.
    let r = server.get("/articles/alpha-vs-beta?x=1");
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location"), Some("/articles/alpha-vs-beta/?x=1"));

    // The site's own 404 page, with status 404.
    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    let built_404 = site.read("site/404.html");
    assert_eq!(strip_script(&missing.body), built_404.as_bytes());

    // MIME types of the other files.
    let css: Vec<String> = server
        .paths()
        .into_iter()
        .filter(|p| p.ends_with(".css"))
        .collect();
    assert!(!css.is_empty());
    for p in &css {
        let r = server.get(&format!("/{p}"));
        assert_eq!(r.status, 200);
        assert_eq!(r.header("content-type"), Some("text/css; charset=utf-8"));
    }
    let js = server.get("/__versus/live.js");
    assert_eq!(js.status, 200);
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(js.text().contains("EventSource"));

    let post = request(server.port, "POST", PAGE, &[]);
    assert_eq!(post.status, 405);
}

#[test]
fn no_path_outside_the_site_is_reachable() {
    let site = site();
    site.write("secret.txt", "TOP SECRET");
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/passwd", site.path("passwd-link")).unwrap();
    let server = Server::start(site.root(), &[]);
    let bad = [
        "/../secret.txt",
        "/articles/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/articles%2f..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "//etc/passwd",
        "/secret.txt%00.html",
        "/%zz",
    ];
    for target in bad {
        let r = request(server.port, "GET", target, &[]);
        assert_eq!(r.status, 400, "{target} → {}", r.status);
        assert!(!r.text().contains("TOP SECRET") && !r.text().contains("root:"));
    }
    // Well-formed paths to files that exist on disk but are not part of the site.
    for target in [
        "/secret.txt",
        "/etc/passwd",
        "/passwd-link",
        "/content/subjects/alpha.md",
    ] {
        let r = request(server.port, "GET", target, &[]);
        assert_eq!(r.status, 404, "{target} → {}", r.status);
        assert!(!r.text().contains("TOP SECRET") && !r.text().contains("root:"));
    }
    // An absolute-form request target is refused too.
    let r = request(server.port, "GET", "http://127.0.0.1/etc/passwd", &[]);
    assert_eq!(r.status, 400);
}

#[test]
fn an_edit_is_published_before_the_reload_event() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    site.write(
        "content/articles/alpha-vs-beta.md",
        &article("Second version, freshly saved."),
    );
    let e = events.wait_page(PAGE);
    assert_eq!(e["all"], false, "{e}");
    // The moment the event arrives, the page is the new one.
    assert!(
        server
            .get(PAGE)
            .text()
            .contains("Second version, freshly saved.")
    );
    assert!(server.stdout().contains("rebuilt"), "{}", server.stdout());

    // A swap file alone triggers nothing; an editor's rename-over save is seen.
    site.write("content/articles/.alpha-vs-beta.md.swp", "junk");
    let tmp = site.path("content/articles/alpha-vs-beta.md.tmp");
    std::fs::write(&tmp, article("Third version, saved by rename.")).unwrap();
    std::fs::rename(&tmp, site.path("content/articles/alpha-vs-beta.md")).unwrap();
    events.wait_page(PAGE);
    assert!(
        server
            .get(PAGE)
            .text()
            .contains("Third version, saved by rename.")
    );

    // A new article appears, a deleted one is gone.
    site.write(
        "content/articles/gamma.md",
        "+++\ntitle = \"Gamma\"\n+++\nNew page.\n",
    );
    events.wait_page("/articles/gamma/");
    assert_eq!(server.get("/articles/gamma/").status, 200);
    std::fs::remove_file(site.path("content/articles/gamma.md")).unwrap();
    events.wait_page("/articles/gamma/");
    assert_eq!(server.get("/articles/gamma/").status, 404);
}

#[test]
fn stylesheet_changes_are_swapped_not_reloaded() {
    let site = site();
    site.write("static/extra.css", "body { color: red }");
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    site.write("static/extra.css", "body { color: blue }");
    let e = events.wait("change");
    assert_eq!(e["pages"].as_array().unwrap().len(), 0, "{e}");
    assert_eq!(e["all"], false, "{e}");
    // The fingerprinted name changed; the plain name (for hand-written links) is kept.
    let css = e["css"].as_array().unwrap();
    let renamed = css
        .iter()
        .find(|p| p[0] != p[1])
        .expect("a renamed stylesheet");
    assert!(
        css.iter()
            .any(|p| p[0] == "/extra.css" && p[1] == "/extra.css"),
        "{e}"
    );
    let new = renamed[1].as_str().unwrap();
    assert!(new.starts_with("/extra.") && new.ends_with(".css"), "{new}");
    assert_eq!(server.get(new).text(), "body { color: blue }");
    // A page served just before the edit still loads the stylesheet it names (and is then
    // swapped to the new one); the old name is served, not listed.
    let old = renamed[0].as_str().unwrap();
    let r = server.get(old);
    assert_eq!(r.status, 200, "{old}");
    assert_eq!(r.text(), "body { color: red }");
    assert!(!server.paths().iter().any(|p| format!("/{p}") == old));
}

#[test]
fn build_errors_keep_the_last_good_pages_and_are_reported() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    site.write(
        "content/articles/alpha-vs-beta.md",
        "+++\ntitle = \"Alpha vs Beta\"\nsubjects = [\"alpha\", \n+++\nBroken.\n",
    );
    let e = events.wait("errors");
    let err = &e["errors"][0];
    assert_eq!(
        err["location"], "content/articles/alpha-vs-beta.md:3:21",
        "{e}"
    );
    assert!(err["message"].as_str().unwrap().contains("TOML"), "{e}");
    assert_eq!(err["source_line"], "subjects = [\"alpha\", ", "{e}");
    let page = server.get(PAGE);
    assert_eq!(page.status, 200);
    assert!(page.text().contains("First version of the comparison."));
    // A browser connecting now learns about the errors at once.
    let late = serve_util::Events::connect(server.port);
    drop(late);

    site.write(
        "content/articles/alpha-vs-beta.md",
        &article("Fixed and better."),
    );
    events.wait_page(PAGE);
    assert!(server.get(PAGE).text().contains("Fixed and better."));
}

#[test]
fn a_failed_first_build_still_serves_the_errors() {
    let site = site();
    site.write(
        "content/articles/alpha-vs-beta.md",
        "+++\ntitle = \"Alpha vs Beta\"\nsubjects = [\"alpha\", \n+++\nBroken.\n",
    );
    let server = Server::start(site.root(), &[]);
    let r = server.get(PAGE);
    assert_eq!(r.status, 500);
    let doc = scraper::Html::parse_document(&r.text());
    let items = common::texts(&doc, "li");
    assert!(
        items
            .iter()
            .any(|t| t.contains("content/articles/alpha-vs-beta.md:3:21")),
        "{items:?}"
    );
    assert!(r.text().contains("data-fallback=\"1\""));
    let events = server.events();
    site.write(
        "content/articles/alpha-vs-beta.md",
        &article("Now it works."),
    );
    events.wait("change");
    let r = server.get(PAGE);
    assert_eq!(r.status, 200);
    assert!(r.text().contains("Now it works."));
}

#[test]
fn open_event_streams_do_not_starve_page_requests() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    // More streams than the server has workers.
    let streams: Vec<_> = (0..20).map(|_| server.events()).collect();
    for _ in 0..5 {
        assert_eq!(server.get(PAGE).status, 200);
    }
    drop(streams);
}

/// tiny_http 0.12 lost the wake-up of its connection threads when connections arrived faster
/// than its idle threads woke: on a fresh server, 12 of 16 keep-alive connections opened at
/// once never got an answer (vendor/tiny_http/PATCHES.md). Browsers open six at a time.
#[test]
fn a_burst_of_keep_alive_connections_is_answered_on_every_one() {
    use std::io::{Read, Write};
    let site = site();
    let server = Server::start(site.root(), &[]);
    let mut conns: Vec<std::net::TcpStream> = (0..16)
        .map(|_| std::net::TcpStream::connect(("127.0.0.1", server.port)).expect("connect"))
        .collect();
    for c in &mut conns {
        c.write_all(b"GET /__versus/live.js HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .unwrap();
    }
    let deadline = std::time::Instant::now() + serve_util::WAIT;
    for (i, c) in conns.iter_mut().enumerate() {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        c.set_read_timeout(Some(left.max(std::time::Duration::from_millis(1))))
            .unwrap();
        let mut head = [0u8; 12];
        c.read_exact(&mut head)
            .unwrap_or_else(|e| panic!("connection {i} of 16 got no answer: {e}"));
        assert_eq!(&head, b"HTTP/1.1 200", "connection {i}");
    }
}

/// The version a served page names in its live-reload script tag.
fn version_of(html: &str) -> u64 {
    let at = html.find("data-version=\"").expect("data-version") + 14;
    html[at..at + html[at..].find('"').unwrap()]
        .parse()
        .unwrap()
}

/// `live.js` relies on this: a page names the version it was served from, `hello` the
/// current one, and each change the version it publishes.
#[test]
fn pages_and_events_carry_the_published_version() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    let first = events.hello["version"]
        .as_u64()
        .expect("hello has a version");
    assert_eq!(version_of(&server.get(PAGE).text()), first);
    site.write(
        "content/articles/alpha-vs-beta.md",
        &article("Second version."),
    );
    let change = events.wait_page(PAGE);
    assert_eq!(change["version"].as_u64(), Some(first + 1), "{change}");
    assert_eq!(version_of(&server.get(PAGE).text()), first + 1);
    // A failed build publishes nothing: its errors event keeps the version.
    site.write("content/articles/alpha-vs-beta.md", "+++\ntitle = [\n+++\n");
    let errors = events.wait("errors");
    assert_eq!(errors["version"].as_u64(), Some(first + 1), "{errors}");
    assert_eq!(server.events().hello["version"].as_u64(), Some(first + 1));
}

/// A page edited and then undone is what it was, but not from the same version: a browser's
/// copy revalidated with `304` would carry the old version, and `live.js`, asking what
/// changed since then, would be told to reload, get the same copy, and reload again.
#[test]
fn a_page_edited_then_undone_is_not_revalidated_from_an_older_version() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    let page = server.get(PAGE);
    let etag = page.header("etag").unwrap().to_string();
    let first = version_of(&page.text());
    let original = site.read("content/articles/alpha-vs-beta.md");
    site.write(
        "content/articles/alpha-vs-beta.md",
        &article("Second version."),
    );
    events.wait_page(PAGE);
    site.write("content/articles/alpha-vs-beta.md", &original);
    let undo = events.wait_page(PAGE);
    let again = request(server.port, "GET", PAGE, &[("If-None-Match", &etag)]);
    assert_eq!(
        again.status, 200,
        "a copy from version {first} is not current"
    );
    assert_eq!(strip_script(&again.body), strip_script(&page.body));
    assert_eq!(
        Some(version_of(&again.text())),
        undo["version"].as_u64(),
        "{undo}"
    );
    // Within a version, a copy is still revalidated.
    let etag = again.header("etag").unwrap();
    assert_eq!(
        request(server.port, "GET", PAGE, &[("If-None-Match", etag)]).status,
        304
    );
}

/// The stylesheets a page links (their paths), in order.
fn stylesheets(html: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(r#"link[rel~="stylesheet"]"#).unwrap();
    doc.select(&sel)
        .filter_map(|l| l.value().attr("href"))
        .map(|h| h.split('?').next().unwrap_or(h).to_string())
        .collect()
}

/// A page that missed events (opened, restored from the back/forward cache, relayed by a new
/// leader meanwhile) asks `/__versus/since` what they meant for it. A stylesheet edit renames
/// the stylesheet in every page's HTML; the old check (the page's ETag against the server's)
/// took that for an edit and reloaded the page, where the tabs that saw the event swapped the
/// stylesheet. The stress test caught a tab reloading that way.
#[test]
fn a_page_that_missed_events_learns_what_they_meant_for_it() {
    let site = site();
    site.write("static/style.css", "body { color: red }");
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    let id = events.hello["server"].as_str().unwrap().to_string();
    let since = |version: u64, page: &str| -> serde_json::Value {
        let page = page.replace('/', "%2F");
        let r = server.get(&format!(
            "/__versus/since?server={id}&version={version}&page={page}"
        ));
        assert_eq!(r.status, 200, "{}", r.text());
        assert_eq!(r.header("cache-control"), Some("no-store"));
        serde_json::from_slice(&r.body).unwrap()
    };
    let first = events.hello["version"].as_u64().unwrap();
    let linked = stylesheets(&server.get(PAGE).text());

    site.write("static/style.css", "body { color: blue }");
    let css = events.wait("change");
    assert_eq!(css["pages"], serde_json::json!([]), "{css}");
    let now = stylesheets(&server.get(PAGE).text());
    assert_ne!(now, linked, "the page's HTML names the new stylesheet");
    let a = since(first, PAGE);
    assert_eq!(a["reload"], false, "{a}");
    assert_eq!(a["css"], css["css"], "{a}");
    assert_eq!(a["version"], css["version"], "{a}");
    // Swapping the answer's pairs into the page served before the edit gives what is
    // served now.
    let swapped: Vec<String> = linked
        .iter()
        .map(|href| {
            a["css"]
                .as_array()
                .unwrap()
                .iter()
                .fold(href.clone(), |h, p| {
                    if p[0] == h.as_str() {
                        p[1].as_str().unwrap().to_string()
                    } else {
                        h
                    }
                })
        })
        .collect();
    assert_eq!(swapped, now);

    site.write(
        "content/articles/alpha-vs-beta.md",
        &article("Second version."),
    );
    let edit = events.wait_page(PAGE);
    assert_eq!(since(first, PAGE)["reload"], true);
    let home = since(first, "/");
    assert_eq!(
        home["reload"], false,
        "the home page did not change: {home}"
    );
    assert_eq!(home["css"], css["css"], "{home}");
    let current = since(edit["version"].as_u64().unwrap(), PAGE);
    assert_eq!(current["reload"], false, "{current}");
    assert_eq!(current["css"], serde_json::json!([]), "{current}");

    // A page from another server run reloads; a malformed question is refused.
    let other = server.get(&format!(
        "/__versus/since?server=other&version={first}&page=%2F"
    ));
    assert!(other.text().contains("\"reload\":true"), "{}", other.text());
    assert_eq!(server.get("/__versus/since?version=1").status, 400);
}

#[test]
fn a_taken_port_moves_to_the_next_one() {
    let site = site();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let server = Server::start_port(site.root(), port, &[]);
    assert_ne!(server.port, port);
    assert!(
        server.stderr().contains(&format!("port {port} is taken")),
        "{}",
        server.stderr()
    );
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn binding_all_interfaces_warns() {
    let site = site();
    let server = Server::start(site.root(), &["--bind", "0.0.0.0"]);
    assert!(
        server
            .stderr()
            .contains("warning: listening on all interfaces"),
        "{}",
        server.stderr()
    );
}

#[test]
fn navigate_sends_browsers_to_the_edited_page() {
    let site = site();
    let server = Server::start(site.root(), &["--navigate"]);
    let events = server.events();
    site.write(
        "content/subjects/beta.md",
        &BETA.replace("another", "a changed"),
    );
    let e = events.wait("change");
    assert_eq!(e["navigate"], "/subjects/beta/", "{e}");
}

#[test]
fn served_site_equals_a_fresh_build_after_every_edit() {
    let site = site();
    let server = Server::start(site.root(), &[]);
    let events = server.events();
    assert_same_as_build(&site, &server);

    // Add an article.
    site.write(
        "content/articles/gamma.md",
        "+++\ntitle = \"Gamma\"\nsubjects = [\"alpha\"]\n[features]\n\"Size\" = { alpha = \"small\" }\n+++\nSee [Alpha](@/subjects/alpha.md).\n",
    );
    events.wait_page("/articles/gamma/");
    assert_same_as_build(&site, &server);

    // Modify it.
    site.write(
        "content/articles/gamma.md",
        "+++\ntitle = \"Gamma, revised\"\nsubjects = [\"alpha\", \"beta\"]\n[features]\n\"Size\" = { alpha = \"small\", beta = \"large\" }\n+++\nRevised.\n",
    );
    events.wait_page("/articles/gamma/");
    assert_same_as_build(&site, &server);

    // Change a subject.
    site.write(
        "content/subjects/beta.md",
        &BETA.replace("Beta is", "Beta, renamed, is"),
    );
    events.wait_page("/subjects/beta/");
    assert_same_as_build(&site, &server);

    // Delete the article.
    std::fs::remove_file(site.path("content/articles/gamma.md")).unwrap();
    events.wait_page("/articles/gamma/");
    assert_same_as_build(&site, &server);

    // Override a template (a folder that did not exist when the server started).
    let base = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates/base.html"),
    )
    .unwrap();
    // Right after the opening `<body …>` tag, whatever attributes the theme gives it.
    let body_end = base
        .find("<body")
        .and_then(|i| base[i..].find('>').map(|j| i + j + 1));
    let body_end = body_end.expect("the default base template has a <body> tag");
    let overridden = format!(
        "{}<p class=\"banner\">Preview</p>{}",
        &base[..body_end],
        &base[body_end..]
    );
    site.write("templates/base.html", &overridden);
    events.wait_page(PAGE);
    assert!(server.get(PAGE).text().contains("class=\"banner\""));
    assert_same_as_build(&site, &server);

    // Change the config.
    site.write("versus.toml", "title = \"Renamed site\"\n");
    events.wait_page(PAGE);
    assert_same_as_build(&site, &server);
}
