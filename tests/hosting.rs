//! Ready for static hosting: sitemap, feeds, redirects, fingerprints, minify, `check`, `init`,
//! and a whole site served under a sub-path by a real HTTP server with no broken link.

mod common;

use std::collections::{BTreeSet, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};

use common::{Site, attrs, percent_decode};

const ATOM: &str = "http://www.w3.org/2005/Atom";
const SITEMAP: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

fn blog() -> Site {
    Site::new(&[
        (
            "versus.toml",
            "title = \"Fish & Chips\"\nbase_url = \"https://example.org/\"\n",
        ),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n"),
        (
            "content/subjects/cod.md",
            "+++\ntitle = \"Cod\"\n+++\nA fish.\n",
        ),
        (
            "content/subjects/haddock.md",
            "+++\ntitle = \"Haddock\"\n+++\nAnother fish.\n",
        ),
        (
            "content/articles/old.md",
            "+++\ntitle = \"Old news\"\ndate = 2026-01-02\ntags = [\"Frying\"]\n\
             subjects = [\"cod\", \"haddock\"]\n\n[features]\n\"Batter\" = { cod = \"yes\", haddock = \"no\" }\n+++\n\
             The first article has no description, so its feed entry shows the start of the text.\n",
        ),
        (
            "content/articles/new.md",
            "+++\ntitle = \"New <news>\"\ndescription = \"Fish & <b>chips</b>\"\ndate = 2026-03-04\n\
             updated = 2026-03-05\ntags = [\"Frying\", \"Salt\"]\naliases = [\"/old/url/\", \"legacy.html\"]\n+++\n\
             ## Section {#sec}\n\nBody.\n",
        ),
        (
            "content/articles/undated.md",
            "+++\ntitle = \"Undated\"\n+++\nNo date, so not in the feed.\n",
        ),
    ])
}

fn xml(site: &Site, rel: &str) -> String {
    site.read(rel)
}

#[test]
fn sitemap_robots_and_feeds_use_the_base_url_from_the_command_line() {
    let site = blog();
    site.run(&["build", "--base-url", "https://x.test/sub/"])
        .assert_ok();

    // sitemap.xml: a urlset of absolute URLs under the base path, no 404 page.
    let text = xml(&site, "site/sitemap.xml");
    let doc = roxmltree::Document::parse(&text).expect("sitemap is well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "urlset");
    assert_eq!(root.tag_name().namespace(), Some(SITEMAP));
    let locs: Vec<&str> = root
        .children()
        .filter(|n| n.has_tag_name((SITEMAP, "url")))
        .map(|u| {
            u.children()
                .find(|n| n.has_tag_name((SITEMAP, "loc")))
                .and_then(|l| l.text())
                .expect("every <url> has a <loc>")
        })
        .collect();
    assert!(locs.contains(&"https://x.test/sub/"), "{locs:?}");
    assert!(
        locs.contains(&"https://x.test/sub/articles/new/"),
        "{locs:?}"
    );
    assert!(locs.contains(&"https://x.test/sub/compare/"), "{locs:?}");
    assert!(
        locs.iter().all(|l| l.starts_with("https://x.test/sub/")),
        "{locs:?}"
    );
    assert!(!locs.iter().any(|l| l.contains("404")), "{locs:?}");
    assert!(!text.contains("example.org"));
    let lastmod: Vec<&str> = root
        .descendants()
        .filter(|n| n.has_tag_name((SITEMAP, "lastmod")))
        .filter_map(|n| n.text())
        .collect();
    assert!(lastmod.contains(&"2026-03-05T00:00:00Z"), "{lastmod:?}");

    assert!(
        site.read("site/robots.txt")
            .lines()
            .any(|l| l == "Sitemap: https://x.test/sub/sitemap.xml")
    );

    // atom.xml: dated articles only, newest first, absolute links, HTML summary escaped once
    // for HTML and once for XML.
    let text = xml(&site, "site/atom.xml");
    let doc = roxmltree::Document::parse(&text).expect("feed is well-formed XML");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().namespace(), Some(ATOM));
    assert_eq!(feed.tag_name().name(), "feed");
    let child = |n: roxmltree::Node<'_, '_>, name: &str| {
        n.children()
            .find(|c| c.has_tag_name((ATOM, name)))
            .unwrap_or_else(|| panic!("<{}> lacks <{name}>", n.tag_name().name()))
            .text()
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(child(feed, "title"), "Fish & Chips");
    assert_eq!(child(feed, "id"), "https://x.test/sub/atom.xml");
    assert_eq!(child(feed, "updated"), "2026-03-05T00:00:00Z");
    assert!(feed.children().any(|c| c.has_tag_name((ATOM, "author"))));
    let self_link = feed
        .children()
        .find(|c| c.has_tag_name((ATOM, "link")) && c.attribute("rel") == Some("self"))
        .expect("rel=self link");
    assert_eq!(
        self_link.attribute("href"),
        Some("https://x.test/sub/atom.xml")
    );
    let entries: Vec<_> = feed
        .children()
        .filter(|c| c.has_tag_name((ATOM, "entry")))
        .collect();
    let titles: Vec<String> = entries.iter().map(|e| child(*e, "title")).collect();
    assert_eq!(titles, ["New <news>", "Old news"]);
    for e in &entries {
        for required in ["id", "updated", "title"] {
            assert!(!child(*e, required).is_empty());
        }
        let href = e
            .children()
            .find(|c| c.has_tag_name((ATOM, "link")))
            .and_then(|l| l.attribute("href"))
            .unwrap();
        assert!(href.starts_with("https://x.test/sub/articles/"), "{href}");
    }
    assert_eq!(child(entries[0], "updated"), "2026-03-05T00:00:00Z");
    assert_eq!(child(entries[0], "published"), "2026-03-04T00:00:00Z");
    let summary = entries[0]
        .children()
        .find(|c| c.has_tag_name((ATOM, "summary")))
        .unwrap();
    assert_eq!(summary.attribute("type"), Some("html"));
    assert_eq!(
        summary.text(),
        Some("<p>Fish &amp; &lt;b&gt;chips&lt;/b&gt;</p>")
    );
    assert!(child(entries[1], "summary").starts_with("<p>The first article has no description"));

    // One feed per tag, with that tag's articles only.
    let text = xml(&site, "site/tags/salt/atom.xml");
    let doc = roxmltree::Document::parse(&text).expect("tag feed is well-formed XML");
    let titles: Vec<String> = doc
        .root_element()
        .children()
        .filter(|c| c.has_tag_name((ATOM, "entry")))
        .map(|e| child(e, "title"))
        .collect();
    assert_eq!(titles, ["New <news>"]);

    // Pages announce the feeds and their canonical URL.
    let home = site.html("site/index.html");
    assert_eq!(
        attrs(
            &home,
            r#"link[rel=alternate][type="application/atom+xml"]"#,
            "href"
        ),
        ["/sub/atom.xml"]
    );
    assert_eq!(
        attrs(&home, "link[rel=canonical]", "href"),
        ["https://x.test/sub/"]
    );
    let tag = site.html("site/tags/salt/index.html");
    assert_eq!(
        attrs(
            &tag,
            r#"link[rel=alternate][type="application/atom+xml"]"#,
            "href"
        ),
        ["/sub/atom.xml", "/sub/tags/salt/atom.xml"]
    );
}

#[test]
fn sitemap_splits_into_an_index_past_the_limit() {
    let site = blog();
    let opts = versus::pipeline::BuildOptions {
        root: site.root().to_path_buf(),
        base_url: Some("https://x.test/sub/".into()),
        ..Default::default()
    };
    let (loaded, _) = versus::pipeline::load_site(&opts).unwrap();
    let files = versus::outputs::sitemap::sitemaps(&loaded.model, 3);
    assert!(files.len() >= 3, "{} files", files.len());
    assert_eq!(files[0].0, "sitemap.xml");
    let index = String::from_utf8(files[0].1.clone()).unwrap();
    let doc = roxmltree::Document::parse(&index).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "sitemapindex");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name((SITEMAP, "loc")))
        .filter_map(|n| n.text())
        .collect();
    let expected: Vec<String> = (1..files.len())
        .map(|i| format!("https://x.test/sub/sitemap-{i}.xml"))
        .collect();
    assert_eq!(locs, expected);
    let mut total = 0;
    for (name, bytes) in &files[1..] {
        let text = String::from_utf8(bytes.clone()).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap();
        assert_eq!(doc.root_element().tag_name().name(), "urlset", "{name}");
        let n = doc
            .descendants()
            .filter(|n| n.has_tag_name((SITEMAP, "url")))
            .count();
        assert!((1..=3).contains(&n), "{name}: {n}");
        total += n;
    }
    let single = versus::outputs::sitemap::sitemaps(&loaded.model, 50_000);
    assert_eq!(single.len(), 1);
    let text = String::from_utf8(single[0].1.clone()).unwrap();
    assert_eq!(text.matches("<url>").count(), total);
}

#[test]
fn aliases_write_redirects_to_the_page() {
    let site = blog();
    site.run(&["build", "--base-url", "https://x.test/sub/"])
        .assert_ok();
    for rel in ["site/old/url/index.html", "site/legacy.html"] {
        let doc = site.html(rel);
        assert_eq!(
            attrs(&doc, r#"meta[http-equiv=refresh]"#, "content"),
            ["0; url=/sub/articles/new/"],
            "{rel}"
        );
        assert_eq!(
            attrs(&doc, "link[rel=canonical]", "href"),
            ["https://x.test/sub/articles/new/"]
        );
        assert_eq!(attrs(&doc, "meta[name=robots]", "content"), ["noindex"]);
        assert_eq!(attrs(&doc, "a", "href"), ["/sub/articles/new/"]);
    }
    // The redirect's target is a real page.
    assert!(site.path("site/articles/new/index.html").is_file());
}

#[test]
fn an_alias_that_is_a_real_page_is_an_error_naming_the_file() {
    let site = blog();
    site.write(
        "content/articles/undated.md",
        "+++\ntitle = \"Undated\"\naliases = [\"/articles/old/\"]\n+++\nText.\n",
    );
    let run = site.run(&["build"]);
    run.assert_code(1)
        .assert_stderr_has("content/articles/undated.md")
        .assert_stderr_has("alias `/articles/old/` is the URL of content/articles/old.md");
    assert!(!site.path("site").exists(), "a failed build writes nothing");
}

/// Output file names of the fingerprinted stylesheet in a build.
fn stylesheet_href(site: &Site) -> String {
    let doc = site.html("site/index.html");
    let hrefs = attrs(&doc, "link[rel=stylesheet]", "href");
    hrefs
        .into_iter()
        .find(|h| h.contains("/style."))
        .expect("style.css linked")
}

#[test]
fn fingerprinted_names_change_with_content_and_only_then() {
    let site = blog();
    site.write("static/style.css", "body { color: black; }\n");
    site.run(&["build"]).assert_ok();
    let first = stylesheet_href(&site);
    assert!(first.starts_with("/style.") && first.ends_with(".css") && first != "/style.css");
    assert_eq!(
        site.read(&format!("site{first}")),
        "body { color: black; }\n"
    );

    // Rebuilt unchanged: same name. A page edit does not touch the stylesheet's name either.
    site.run(&["build"]).assert_ok();
    assert_eq!(stylesheet_href(&site), first);
    site.write(
        "content/_index.md",
        "+++\ntitle = \"Home\"\n+++\nHello again.\n",
    );
    site.run(&["build"]).assert_ok();
    assert_eq!(stylesheet_href(&site), first);

    // Edited: new name, referenced from pages, old file gone.
    site.write("static/style.css", "body { color: navy; }\n");
    site.run(&["build"]).assert_ok();
    let second = stylesheet_href(&site);
    assert_ne!(second, first);
    assert_eq!(
        site.read(&format!("site{second}")),
        "body { color: navy; }\n"
    );
    assert!(!site.path(&format!("site{first}")).exists());
    // The site's own file keeps its plain name too, for hand-written links.
    assert_eq!(site.read("site/style.css"), "body { color: navy; }\n");
}

#[test]
fn minify_makes_smaller_output_that_still_parses() {
    let site = blog();
    site.run(&["build"]).assert_ok();
    let plain_html = site.read("site/articles/new/index.html");
    let plain_css_name = stylesheet_href(&site);
    let plain_css = site.read(&format!("site{plain_css_name}"));
    site.write(
        "versus.toml",
        "title = \"Fish & Chips\"\nbase_url = \"https://example.org/\"\n[build]\nminify = true\n",
    );
    site.run(&["build"]).assert_ok();
    let min_html = site.read("site/articles/new/index.html");
    let min_css_name = stylesheet_href(&site);
    // The name comes from the source, so it does not change with minify.
    assert_eq!(min_css_name, plain_css_name);
    let min_css = site.read(&format!("site{min_css_name}"));
    assert!(
        min_html.len() < plain_html.len(),
        "{} ≥ {}",
        min_html.len(),
        plain_html.len()
    );
    assert!(
        min_css.len() < plain_css.len(),
        "{} ≥ {}",
        min_css.len(),
        plain_css.len()
    );
    assert!(min_html.starts_with("<!DOCTYPE html>") || min_html.starts_with("<!doctype html>"));

    // Same document: same title, headings, links and ids.
    let a = scraper::Html::parse_document(&plain_html);
    let b = scraper::Html::parse_document(&min_html);
    assert!(
        b.errors.is_empty() || b.errors.len() <= a.errors.len(),
        "{:?}",
        b.errors
    );
    for sel in ["title", "h1", "h2", "main a"] {
        assert_eq!(common::texts(&a, sel), common::texts(&b, sel), "{sel}");
    }
    assert_eq!(attrs(&a, "a", "href"), attrs(&b, "a", "href"));
    assert_eq!(attrs(&a, "[id]", "id"), attrs(&b, "[id]", "id"));
}

#[test]
fn check_finds_a_broken_anchor_in_rendered_html_and_writes_nothing() {
    let site = blog();
    site.run(&["check"]).assert_ok();
    site.write(
        "content/articles/undated.md",
        "+++\ntitle = \"Undated\"\n+++\nSee <a href=\"#nope\">below</a> and <a href=\"../new/#sec\">ok</a>.\n\n\
         Also <a href=\"/articles/new/#missing\">there</a> and <a href=\"/no/such/page/\">gone</a>.\n",
    );
    let run = site.run(&["check"]);
    run.assert_code(1)
        .assert_stderr_has("content/articles/undated.md:4:14")
        .assert_stderr_has("broken link `#nope` on /articles/undated/: this page has no element with id=\"nope\"")
        .assert_stderr_has("`/articles/new/#missing` on /articles/undated/: /articles/new/ has no element with id=\"missing\"")
        .assert_stderr_has("`/no/such/page/` on /articles/undated/: the site has no such file");
    assert!(
        !run.stderr.contains("broken link `../new/#sec`"),
        "{}",
        run.stderr
    );
    assert!(!site.path("site").exists(), "check writes nothing");
}

#[test]
fn check_flags_links_that_escape_the_base_path() {
    let site = blog();
    site.write(
        "content/articles/undated.md",
        "+++\ntitle = \"Undated\"\n+++\n<a href=\"/articles/old/\">root-relative by hand</a>\n",
    );
    site.run(&["check", "--base-url", "https://x.test/sub/"])
        .assert_code(1)
        .assert_stderr_has("outside the site's base path /sub/");
}

#[test]
fn check_external_says_clearly_when_offline() {
    // A port that was just free: nothing listens there, like a network that is down.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let site = blog();
    site.write(
        "content/articles/undated.md",
        &format!("+++\ntitle = \"Undated\"\n+++\n[out](http://127.0.0.1:{port}/x)\n"),
    );
    let run = site.run(&["check"]);
    run.assert_ok();
    assert!(!run.stderr.contains("offline"), "{}", run.stderr);
    let run = site.run(&["check", "--external"]);
    run.assert_ok().assert_stderr_has(
        "could not reach any external site, so 1 external link went unchecked: are you offline?",
    );
}

#[test]
fn init_makes_a_site_that_builds_without_warnings_and_refuses_a_full_folder() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("new-site");
    let out = common::versus().arg("init").arg(&dir).output().unwrap();
    let run = common::Run::from(out);
    run.assert_ok();
    assert!(run.stdout.contains("versus serve"), "{}", run.stdout);
    for f in ["versus.toml", "content/_index.md", "content/features.toml"] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    let build = common::Run::from(
        common::versus()
            .args(["build", "--root"])
            .arg(&dir)
            .output()
            .unwrap(),
    );
    build.assert_ok();
    assert!(!build.stderr.contains("warning"), "{}", build.stderr);
    let check = common::Run::from(
        common::versus()
            .args(["check", "--root"])
            .arg(&dir)
            .output()
            .unwrap(),
    );
    check.assert_ok();
    assert!(!check.stderr.contains("warning"), "{}", check.stderr);
    // The article's table and its side-by-side code group made it into the page.
    let html =
        std::fs::read_to_string(dir.join("site/articles/python-vs-ruby/index.html")).unwrap();
    let doc = scraper::Html::parse_document(&html);
    assert!(!common::texts(&doc, "table").is_empty());
    assert!(html.contains("squares"), "code blocks rendered");

    // Again into the same, now full, folder: refused, nothing changed.
    let before = std::fs::read_to_string(dir.join("versus.toml")).unwrap();
    std::fs::write(dir.join("versus.toml"), "title = \"mine\"\n").unwrap();
    let again = common::Run::from(common::versus().arg("init").arg(&dir).output().unwrap());
    again.assert_code(2).assert_stderr_has("not empty");
    assert_eq!(
        std::fs::read_to_string(dir.join("versus.toml")).unwrap(),
        "title = \"mine\"\n"
    );
    assert_ne!(before, "title = \"mine\"\n");
}

// ---- A real HTTP server for the output, under /sub/ ------------------------------------------

/// Serves `root` under `/sub/` the way static hosts do: `dir/` → `dir/index.html`, `dir` →
/// 301 to `dir/`, anything else 404.
fn serve(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || handle(stream, &root));
        }
    });
    port
}

fn handle(mut stream: TcpStream, root: &Path) {
    let mut line = String::new();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    if reader.read_line(&mut line).is_err() {
        return;
    }
    // Drain the headers.
    let mut h = String::new();
    while reader.read_line(&mut h).is_ok() && h.trim() != "" {
        h.clear();
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let response = match path.strip_prefix("/sub/") {
        None => (404, Vec::new(), None),
        Some(rest) => {
            let rel = percent_decode(rest);
            let file = root.join(&rel);
            if rel.split('/').any(|s| s == "..") {
                (404, Vec::new(), None)
            } else if file.is_dir() && !rel.is_empty() && !rel.ends_with('/') {
                (301, Vec::new(), Some(format!("{path}/")))
            } else {
                let file = if file.is_dir() {
                    file.join("index.html")
                } else {
                    file
                };
                match std::fs::read(&file) {
                    Ok(b) => (200, b, None),
                    Err(_) => (404, Vec::new(), None),
                }
            }
        }
    };
    let (status, body, location) = response;
    let mut head = format!(
        "HTTP/1.0 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    if let Some(l) = location {
        head.push_str(&format!("Location: {l}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

/// GET over a fresh connection: (status, Location, body).
fn get(port: u16, path: &str) -> (u16, Option<String>, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: x.test\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let location = head
        .lines()
        .find_map(|l| l.strip_prefix("Location: ").map(str::to_string));
    (status, location, raw[split + 4..].to_vec())
}

/// Resolves a link found on page `from` (a path under the server) to a server path, or `None`
/// for links that leave the site.
fn resolve(from: &str, href: &str) -> Option<String> {
    let href = href.split('#').next()?.split('?').next()?;
    let path = if let Some(rest) = href.strip_prefix("https://x.test") {
        rest.to_string()
    } else if href.contains(':') || href.starts_with("//") {
        return None;
    } else if href.starts_with('/') {
        href.to_string()
    } else if href.is_empty() {
        from.to_string()
    } else {
        let dir = &from[..=from.rfind('/').unwrap()];
        format!("{dir}{href}")
    };
    // Normalise `.` and `..`.
    let mut parts: Vec<&str> = Vec::new();
    for seg in path.split('/').skip(1) {
        match seg {
            "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

#[test]
fn a_site_built_for_a_sub_path_has_no_broken_link_when_served_there() {
    // The showcase site of this repository, plus the blog fixture's aliases and feeds.
    let out = tempfile::tempdir().unwrap();
    let showcase = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = common::Run::from(
        common::versus()
            .args(["build", "--base-url", "https://x.test/sub/", "--root"])
            .arg(showcase)
            .arg("--output")
            .arg(out.path().join("site"))
            .output()
            .unwrap(),
    );
    run.assert_ok();
    let blog = blog();
    blog.run(&["build", "--base-url", "https://x.test/sub/"])
        .assert_ok();

    for root in [out.path().join("site"), blog.path("site")] {
        let port = serve(root.clone());
        let mut queue = VecDeque::from(["/sub/".to_string()]);
        let mut seen = BTreeSet::from(["/sub/".to_string()]);
        let mut broken = Vec::new();
        let mut pages = 0;
        while let Some(path) = queue.pop_front() {
            let (mut status, mut location, mut body) = get(port, &path);
            let mut at = path.clone();
            if status == 301 {
                at = location.take().unwrap();
                (status, location, body) = get(port, &at);
            }
            let _ = location;
            if status != 200 {
                broken.push(format!("{path}: HTTP {status}"));
                continue;
            }
            if !(at.ends_with('/') || at.ends_with(".html")) {
                continue;
            }
            pages += 1;
            let doc = scraper::Html::parse_document(&String::from_utf8_lossy(&body));
            let mut links = Vec::new();
            for (sel, attr) in [
                ("a[href]", "href"),
                ("link[href]", "href"),
                ("script[src]", "src"),
                ("img[src]", "src"),
                ("source[src]", "src"),
            ] {
                links.extend(attrs(&doc, sel, attr));
            }
            for refresh in attrs(&doc, "meta[http-equiv=refresh]", "content") {
                if let Some((_, url)) = refresh.split_once("url=") {
                    links.push(url.to_string());
                }
            }
            for href in links {
                if let Some(target) = resolve(&at, &href) {
                    if !target.starts_with("/sub/") {
                        broken.push(format!("{at}: {href} leaves /sub/"));
                    } else if seen.insert(target.clone()) {
                        queue.push_back(target);
                    }
                }
            }
        }
        // The alias pages are not linked from anywhere; fetch them directly.
        if root == blog.path("site") {
            for alias in [
                "/sub/old/url/",
                "/sub/legacy.html",
                "/sub/sitemap.xml",
                "/sub/robots.txt",
            ] {
                let (status, _, _) = get(port, alias);
                assert_eq!(status, 200, "{alias}");
            }
        }
        assert!(
            pages > 5,
            "crawled only {pages} pages of {}",
            root.display()
        );
        assert!(
            broken.is_empty(),
            "broken links in {}:\n{}",
            root.display(),
            broken.join("\n")
        );
    }
}

#[test]
fn check_external_reports_dead_external_links() {
    let served = tempfile::tempdir().unwrap();
    std::fs::write(served.path().join("here.html"), "<p>here</p>").unwrap();
    let port = serve(served.path().to_path_buf());
    let site = blog();
    site.write(
        "content/articles/undated.md",
        &format!(
            "+++\ntitle = \"Undated\"\n+++\n[fine](http://127.0.0.1:{port}/sub/here.html) \
             [dead](http://127.0.0.1:{port}/sub/gone.html)\n"
        ),
    );
    let run = site.run(&["check", "--external"]);
    run.assert_code(1).assert_stderr_has(&format!(
        "broken external link http://127.0.0.1:{port}/sub/gone.html (HTTP 404) on /articles/undated/"
    ));
    assert!(!run.stderr.contains("here.html ("), "{}", run.stderr);
    assert!(!run.stderr.contains("offline"), "{}", run.stderr);
}
