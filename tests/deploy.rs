//! `versus deploy` end to end (issue 22): the real binary against real servers started here —
//! a bare git repository as the remote, the moto S3 server on localhost (installed by
//! `.ci/run`; these tests fail, loudly, when it is missing), a local folder — and a proxy in
//! front of moto that fails chosen uploads, to show that a deploy broken half-way leaves a site
//! whose every page links to files that exist.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Run, Site};

const ALPHA: &str = "+++\ntitle = \"Alpha\"\n+++\nAlpha is a thing.\n";
const BETA: &str = "+++\ntitle = \"Beta\"\n+++\nBeta is another thing.\n";

fn article(title: &str, body: &str) -> String {
    format!(
        "+++\ntitle = \"{title}\"\ndate = 2026-09-14\nsubjects = [\"alpha\", \"beta\"]\n\n[features]\n\"ORM\" = {{ alpha = \"yes\", beta = \"no\" }}\n+++\n{body}\n"
    )
}

/// A small site with its own stylesheet (fingerprinted, linked from every page) and a plain
/// text file (one output file, changed alone), deploying to `deploy` (a TOML fragment).
fn site(deploy: &str) -> Site {
    Site::new(&[
        ("versus.toml", &format!("title = \"T\"\n{deploy}")),
        ("content/subjects/alpha.md", ALPHA),
        ("content/subjects/beta.md", BETA),
        ("content/one.md", &article("One", "First words.")),
        ("content/two.md", &article("Two", "Second words.")),
        ("static/style.css", "body { color: #222; }\n"),
        ("static/notes.txt", "notes, version 1\n"),
    ])
}

/// `versus deploy <args> --root <site>` with S3 credentials for moto and nothing else from
/// the environment's AWS settings.
fn deploy(site: &Site, args: &[&str]) -> Run {
    let mut cmd = common::versus();
    cmd.arg("deploy").args(args).arg("--root").arg(site.root());
    for var in [
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_S3",
        "AWS_SESSION_TOKEN",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .stdin(Stdio::null());
    Run::from(cmd.output().expect("run versus"))
}

/// Every file under `dir`: relative path → bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n == ".git") {
                    continue;
                }
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// The build output as deployed (versus's own output marker is not part of the site).
fn built(site: &Site) -> BTreeMap<String, Vec<u8>> {
    let mut f = files(&site.path("site"));
    f.remove(".versus-output");
    f
}

/// Two snapshots are equal; a failure names the differing paths, not their bytes.
#[track_caller]
fn assert_same(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>, what: &str) {
    let diff = changed(a, b);
    assert!(diff.is_empty(), "{what}: these differ: {diff:?}");
}

/// Paths whose content differs between two snapshots, or that are in only one.
fn changed(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> BTreeSet<String> {
    a.keys()
        .chain(b.keys())
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

// ---------------------------------------------------------------------------------------------
// git

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args(args)
        .output()
        .expect("git is needed for the git target's tests");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A bare repository to deploy to, next to the site.
fn bare_remote(parent: &Path) -> PathBuf {
    let remote = parent.join("pages.git");
    std::fs::create_dir_all(&remote).unwrap();
    git(&remote, &["init", "--quiet", "--bare"]);
    remote
}

fn clone_branch(remote: &Path, into: &Path) {
    git(
        into.parent().unwrap(),
        &[
            "clone",
            "--quiet",
            "--branch",
            "gh-pages",
            &remote.to_string_lossy(),
            &into.to_string_lossy(),
        ],
    );
}

/// A site deploying to a new bare repository with the minimal form of the issue, as written
/// (with a path for the remote); the repository is in the returned folder.
fn git_site() -> (tempfile::TempDir, PathBuf, Site) {
    let outside = tempfile::tempdir().unwrap();
    let remote = bare_remote(outside.path());
    let site = site(&format!(
        "[deploy]\ntarget = \"git\"\nremote = \"{}\"\nbranch = \"gh-pages\"\n",
        remote.display()
    ));
    (outside, remote, site)
}

#[test]
fn git_first_deploy_then_one_page_change_keeps_cname_and_commits_only_changes() {
    let (outside, remote, site) = git_site();

    let first = deploy(&site, &[]);
    first.assert_ok();
    assert!(first.stdout.contains("committed"), "{}", first.stdout);
    let check = outside.path().join("check");
    clone_branch(&remote, &check);
    let mut expected = built(&site);
    expected.insert(".nojekyll".into(), Vec::new());
    assert_same(
        &files(&check),
        &expected,
        "the branch holds exactly the build",
    );

    // GitHub writes CNAME into the branch when a custom domain is set.
    std::fs::write(check.join("CNAME"), "docs.example.org\n").unwrap();
    git(&check, &["add", "CNAME"]);
    git(&check, &["commit", "--quiet", "-m", "Create CNAME"]);
    git(&check, &["push", "--quiet", "origin", "gh-pages"]);

    let before = built(&site);
    site.write("content/two.md", &article("Two", "Second words, edited."));
    let second = deploy(&site, &[]);
    second.assert_ok();
    let after = built(&site);
    let want = changed(&before, &after);
    assert!(want.contains("two/index.html"), "{want:?}");
    git(&check, &["pull", "--quiet"]);
    let committed: BTreeSet<String> = git(&check, &["diff", "--name-only", "HEAD~1", "HEAD"])
        .lines()
        .map(str::to_string)
        .collect();
    assert_eq!(
        committed, want,
        "the commit changes exactly what the build changed"
    );
    assert_eq!(
        std::fs::read_to_string(check.join("CNAME")).unwrap(),
        "docs.example.org\n",
        "CNAME survives the deploy"
    );
    assert!(check.join(".nojekyll").exists());

    // Nothing changed: no commit at all.
    let commits = git(&check, &["rev-list", "--count", "HEAD"]);
    let third = deploy(&site, &[]);
    third.assert_ok();
    assert!(third.stdout.contains("no commit"), "{}", third.stdout);
    git(&check, &["pull", "--quiet"]);
    assert_eq!(git(&check, &["rev-list", "--count", "HEAD"]), commits);
}

#[test]
fn git_deleted_page_goes_from_the_branch_without_yes() {
    let (outside, remote, site) = git_site();
    deploy(&site, &[]).assert_ok();
    std::fs::remove_file(site.path("content/two.md")).unwrap();
    let run = deploy(&site, &[]);
    run.assert_ok();
    let check = outside.path().join("check");
    clone_branch(&remote, &check);
    assert!(!check.join("two/index.html").exists());
    assert!(check.join("one/index.html").exists());
}

#[test]
fn git_remote_that_does_not_exist_is_a_plain_error() {
    let outside = tempfile::tempdir().unwrap();
    let missing = outside.path().join("nothing-here.git");
    let site = site(&format!(
        "[deploy]\ntarget = \"git\"\nremote = \"{}\"\n",
        missing.display()
    ));
    let run = deploy(&site, &[]);
    run.assert_code(1)
        .assert_stderr_has("could not reach the git remote")
        .assert_stderr_has("check `remote` under [deploy]");
}

// ---------------------------------------------------------------------------------------------
// the shared rules, on the folder target

#[test]
fn dry_run_lists_every_step_with_its_reason_and_changes_nothing() {
    let outside = tempfile::tempdir().unwrap();
    let www = outside.path().join("www");
    let site = site(&format!(
        "[deploy]\ntarget = \"folder\"\npath = \"{}\"\n",
        www.display()
    ));

    let dry = deploy(&site, &["--dry-run"]);
    dry.assert_ok();
    assert!(!www.exists(), "a dry run creates nothing");
    assert!(
        !site.exists("site"),
        "a dry run does not even touch the output folder"
    );
    let uploads: Vec<&str> = dry
        .stdout
        .lines()
        .filter(|l| l.starts_with("upload"))
        .collect();
    assert!(
        uploads
            .iter()
            .any(|l| l.starts_with("upload  index.html  (new,")),
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains("Dry run, nothing changed"),
        "{}",
        dry.stdout
    );

    deploy(&site, &[]).assert_ok();
    assert_eq!(uploads.len(), built(&site).len(), "one line per file");
    site.write("static/notes.txt", "notes, version 2\n");
    std::fs::remove_file(site.path("content/two.md")).unwrap();
    let before = files(&www);

    let dry = deploy(&site, &["--dry-run"]);
    dry.assert_ok();
    assert_same(&files(&www), &before, "the target is untouched");
    let line = |prefix: &str| dry.stdout.lines().any(|l| l.starts_with(prefix));
    assert!(line("upload  notes.txt  (changed,"), "{}", dry.stdout);
    assert!(line("skip    favicon.svg  (unchanged,"), "{}", dry.stdout);
    assert!(
        line("keep    two/index.html  (not in the build; --yes deletes it,"),
        "{}",
        dry.stdout
    );
    let dry_yes = deploy(&site, &["--dry-run", "--yes"]);
    assert!(
        dry_yes
            .stdout
            .lines()
            .any(|l| l.starts_with("delete  two/index.html  (not in the build,")),
        "{}",
        dry_yes.stdout
    );
    assert_same(&files(&www), &before, "the target is untouched");
}

#[test]
fn folder_target_writes_only_what_changed_and_deletes_only_with_yes() {
    // A relative path is relative to the site folder.
    let site = site("[deploy]\ntarget = \"folder\"\npath = \"public-copy\"\n");
    let www = site.path("public-copy");

    deploy(&site, &[]).assert_ok();
    assert_same(&files(&www), &built(&site), "the folder holds the build");
    let mtime = |p: &str| std::fs::metadata(www.join(p)).unwrap().modified().unwrap();
    let untouched = mtime("one/index.html");
    std::thread::sleep(Duration::from_millis(20));

    site.write("static/notes.txt", "notes, version 2\n");
    let run = deploy(&site, &[]);
    run.assert_ok();
    assert!(run.stdout.contains(": 1 uploaded"), "{}", run.stdout);
    assert_same(&files(&www), &built(&site), "the folder holds the build");
    assert_eq!(
        mtime("one/index.html"),
        untouched,
        "unchanged files are not rewritten"
    );

    std::fs::remove_file(site.path("content/two.md")).unwrap();
    let run = deploy(&site, &[]);
    run.assert_ok()
        .assert_stderr_has("run with --yes to delete");
    assert!(www.join("two/index.html").exists(), "kept without --yes");
    deploy(&site, &["--yes"]).assert_ok();
    assert!(!www.join("two").exists(), "deleted, folder and all");
    assert_same(&files(&www), &built(&site), "the folder holds the build");

    // --yes into the site's own folder would delete the sources: refused.
    let mine = self::site("[deploy]\ntarget = \"folder\"\npath = \".\"\n");
    deploy(&mine, &["--yes"])
        .assert_code(1)
        .assert_stderr_has("it holds the site itself");
    assert!(mine.exists("content/one.md"));
}

#[test]
fn rsync_target_sends_only_changes_and_deletes_emptied_folders_only_with_yes() {
    if let Err(e) = Command::new("rsync").arg("--version").output() {
        panic!(
            "\n\nNOT TESTED: the rsync target's test needs `rsync` ({e}). \
             Install it with `apt-get install rsync` (.ci/run does).\n\n"
        );
    }
    // A path stands for any destination rsync takes (`user@host:/srv/www` goes over SSH).
    let site = site("[deploy]\ntarget = \"rsync\"\ndestination = \"served\"\n");
    let www = site.path("served");
    std::fs::create_dir_all(&www).unwrap();
    std::fs::write(www.join("CNAME"), "docs.example.org\n").unwrap();

    let first = deploy(&site, &[]);
    first.assert_ok();
    let mut expected = built(&site);
    expected.insert("CNAME".into(), b"docs.example.org\n".to_vec());
    assert_same(
        &files(&www),
        &expected,
        "the destination holds the build and CNAME",
    );

    let mtime = |p: &str| std::fs::metadata(www.join(p)).unwrap().modified().unwrap();
    let untouched = mtime("one/index.html");
    std::thread::sleep(Duration::from_millis(20));
    site.write("static/notes.txt", "notes, version 2\n");
    let dry = deploy(&site, &["--dry-run"]);
    let uploads: Vec<&str> = dry
        .stdout
        .lines()
        .filter(|l| l.starts_with("upload"))
        .collect();
    assert_eq!(
        uploads,
        ["upload  notes.txt  (changed, 17 B)"],
        "{}",
        dry.stdout
    );
    let run = deploy(&site, &[]);
    run.assert_ok();
    assert!(run.stdout.contains(": 1 uploaded"), "{}", run.stdout);
    assert_eq!(
        mtime("one/index.html"),
        untouched,
        "unchanged files are not sent"
    );
    expected = built(&site);
    expected.insert("CNAME".into(), b"docs.example.org\n".to_vec());
    assert_same(
        &files(&www),
        &expected,
        "the destination holds the build and CNAME",
    );

    std::fs::remove_file(site.path("content/two.md")).unwrap();
    deploy(&site, &[])
        .assert_ok()
        .assert_stderr_has("run with --yes to delete");
    assert!(www.join("two/index.html").exists(), "kept without --yes");
    deploy(&site, &["--yes"]).assert_ok();
    assert!(!www.join("two").exists(), "the page's folder went with it");
    assert!(www.join("CNAME").exists(), "CNAME is kept");
}

/// `versus deploy` on a terminal (a pseudo-terminal made by util-linux's `script`), with
/// `answer` typed in.
fn deploy_on_terminal(site: &Site, answer: &str) -> Run {
    let command = format!(
        "{} deploy --root '{}'",
        env!("CARGO_BIN_EXE_versus"),
        site.root().display()
    );
    let mut child = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("`script` (util-linux) runs the terminal test");
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), answer.as_bytes()).unwrap();
    Run::from(child.wait_with_output().unwrap())
}

#[test]
fn on_a_terminal_deletes_are_asked_for() {
    let site = site("[deploy]\ntarget = \"folder\"\npath = \"public-copy\"\n");
    deploy(&site, &[]).assert_ok();
    std::fs::remove_file(site.path("content/two.md")).unwrap();
    let www = site.path("public-copy");

    let no = deploy_on_terminal(&site, "n\n");
    no.assert_ok();
    assert!(
        no.stdout.contains("1 file on ")
            && no.stdout.contains("is not in the build. Delete it? [y/N]"),
        "{}",
        no.stdout
    );
    assert!(www.join("two/index.html").exists(), "answered no: kept");

    let yes = deploy_on_terminal(&site, "y\n");
    yes.assert_ok();
    assert!(yes.stdout.contains("1 deleted"), "{}", yes.stdout);
    assert!(
        !www.join("two/index.html").exists(),
        "answered yes: deleted"
    );
}

#[test]
fn a_failed_build_deploys_nothing() {
    let outside = tempfile::tempdir().unwrap();
    let remote = bare_remote(outside.path());
    let www = outside.path().join("www");
    let site = site(&format!(
        "[deploy]\ntarget = \"git\"\nremote = \"{}\"\n[deploy.box]\ntarget = \"folder\"\npath = \"{}\"\n",
        remote.display(),
        www.display()
    ));
    site.write("content/broken.md", "+++\ntitle = \n+++\n");
    for args in [&[][..], &["box"][..]] {
        let run = deploy(&site, args);
        run.assert_code(1)
            .assert_stderr_has("Nothing was deployed: the build failed.");
    }
    assert!(!www.exists());
    let heads = Command::new("git")
        .arg("--git-dir")
        .arg(&remote)
        .args(["for-each-ref", "refs/heads"])
        .output()
        .unwrap();
    assert!(heads.stdout.is_empty(), "nothing was pushed");
}

#[test]
fn target_choice_and_config_mistakes_are_usage_errors() {
    let site = site("[deploy.a]\ntarget = \"folder\"\npath = \"x\"\n[deploy.b]\ntarget = \"s3\"\n");
    deploy(&site, &[])
        .assert_code(2)
        .assert_stderr_has("which target?")
        .assert_stderr_has("`a`, `b`");
    deploy(&site, &["c"])
        .assert_code(2)
        .assert_stderr_has("no deploy target `c`");
    deploy(&site, &["b"])
        .assert_code(1)
        .assert_stderr_has("[deploy.b] in versus.toml has no `bucket`");
    let none = self::site("");
    deploy(&none, &[])
        .assert_code(2)
        .assert_stderr_has("no [deploy] section");
}

// ---------------------------------------------------------------------------------------------
// S3, against moto

/// A moto S3 server on a free localhost port, stopped on drop.
struct Moto {
    child: Child,
    port: u16,
}

impl Moto {
    fn start() -> Moto {
        let port = free_port();
        let child = Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "\n\nNOT TESTED: the S3 deploy tests need the moto S3 server (`moto_server`), \
                     which could not be started ({e}).\nInstall it with \
                     `python3 -m pip install 'moto[server]'` (.ci/run does).\n\n"
                )
            });
        let moto = Moto { child, port };
        let deadline = Instant::now() + Duration::from_secs(60);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not start on port {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        moto
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// A request as an authenticated client (moto checks that there is a signature header,
    /// not what it says).
    fn request(&self, method: &str, path: &str) -> (u16, BTreeMap<String, String>, Vec<u8>) {
        client_request(&self.endpoint(), method, path, None)
    }

    fn create_bucket(&self, name: &str) {
        let (status, _, body) = self.request("PUT", &format!("/{name}"));
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    }

    /// Every object of the bucket: key → ETag.
    fn keys(&self, bucket: &str) -> BTreeMap<String, String> {
        let (status, _, body) = self.request("GET", &format!("/{bucket}?list-type=2"));
        assert_eq!(status, 200);
        let text = String::from_utf8(body).unwrap();
        let doc = roxmltree::Document::parse(&text).unwrap();
        doc.descendants()
            .filter(|n| n.has_tag_name("Contents"))
            .map(|c| {
                let get = |tag: &str| {
                    c.children()
                        .find(|n| n.has_tag_name(tag))
                        .and_then(|n| n.text())
                        .unwrap_or_default()
                        .to_string()
                };
                (get("Key"), get("ETag").trim_matches('"').to_string())
            })
            .collect()
    }

    fn object(&self, bucket: &str, key: &str) -> (BTreeMap<String, String>, Vec<u8>) {
        let (status, headers, body) = self.request("GET", &format!("/{bucket}/{key}"));
        assert_eq!(status, 200, "GET {key}");
        (headers, body)
    }

    /// Every object: key → bytes.
    fn contents(&self, bucket: &str) -> BTreeMap<String, Vec<u8>> {
        self.keys(bucket)
            .into_keys()
            .map(|k| {
                let body = self.object(bucket, &k).1;
                (k, body)
            })
            .collect()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn client_request(
    endpoint: &str,
    method: &str,
    path: &str,
    body: Option<Vec<u8>>,
) -> (u16, BTreeMap<String, String>, Vec<u8>) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let request = ureq::http::Request::builder()
        .method(method)
        .uri(format!("{endpoint}{path}"))
        .header(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0",
        )
        .body(body.unwrap_or_default())
        .unwrap();
    let mut resp = agent.run(request).expect("moto answers");
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_lowercase(),
                v.to_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let body = resp.body_mut().read_to_vec().unwrap_or_default();
    (status, headers, body)
}

fn s3_config(endpoint: &str, bucket: &str) -> String {
    format!(
        "[deploy]\ntarget = \"s3\"\nbucket = \"{bucket}\"\nendpoint = \"{endpoint}\"\nregion = \"us-east-1\"\n"
    )
}

/// The test site's whole versus.toml, deploying to `site-bucket` through `endpoint`.
fn s3_site_config(endpoint: &str) -> String {
    format!("title = \"T\"\n{}", s3_config(endpoint, "site-bucket"))
}

/// A proxy in front of moto that counts the PUTs it sees and answers `500` to those `fail`
/// picks (by key and by the number of PUTs of that kind seen so far).
struct Proxy {
    port: u16,
    puts: Arc<Mutex<Vec<String>>>,
    server: Arc<tiny_http::Server>,
}

impl Proxy {
    fn start(upstream: String, fail: impl Fn(&str, &[String]) -> bool + Send + 'static) -> Proxy {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").unwrap());
        let port = server.server_addr().to_ip().unwrap().port();
        let puts = Arc::new(Mutex::new(Vec::new()));
        let (srv, seen) = (Arc::clone(&server), Arc::clone(&puts));
        std::thread::spawn(move || {
            for mut req in srv.incoming_requests() {
                let method = req.method().as_str().to_string();
                let url = req.url().to_string();
                let mut body = Vec::new();
                let _ = std::io::Read::read_to_end(req.as_reader(), &mut body);
                if method == "PUT" {
                    let key = url.split('?').next().unwrap_or("").to_string();
                    let mut seen = seen.lock().unwrap();
                    if fail(&key, &seen) {
                        seen.push(format!("FAILED {key}"));
                        let answer = tiny_http::Response::from_string(
                            "<Error><Code>InternalError</Code><Message>injected failure</Message></Error>",
                        )
                        .with_status_code(500);
                        let _ = req.respond(answer);
                        continue;
                    }
                    seen.push(key);
                }
                // Forward with every header but the ones the hop owns.
                let mut builder = ureq::http::Request::builder()
                    .method(method.as_str())
                    .uri(format!("{upstream}{url}"));
                for h in req.headers() {
                    let name = h.field.as_str().as_str().to_ascii_lowercase();
                    if !matches!(
                        name.as_str(),
                        "host" | "content-length" | "accept-encoding" | "connection"
                    ) {
                        builder = builder.header(name.as_str(), h.value.as_str());
                    }
                }
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .build()
                    .into();
                let mut resp = agent.run(builder.body(body).unwrap()).unwrap();
                let status = resp.status().as_u16();
                let mut answer = tiny_http::Response::from_data(
                    resp.body_mut().read_to_vec().unwrap_or_default(),
                )
                .with_status_code(status);
                for (k, v) in resp.headers() {
                    if matches!(k.as_str(), "etag" | "content-type") {
                        answer.add_header(
                            tiny_http::Header::from_bytes(k.as_str(), v.as_bytes()).unwrap(),
                        );
                    }
                }
                let _ = req.respond(answer);
            }
        });
        Proxy { port, puts, server }
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn puts(&self) -> Vec<String> {
        self.puts.lock().unwrap().clone()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

/// Every stylesheet and script that an HTML object in the bucket links to exists in the
/// bucket: the site as served is whole.
#[track_caller]
fn assert_served_site_is_whole(moto: &Moto, bucket: &str) {
    let keys = moto.keys(bucket);
    let mut checked = 0;
    for key in keys.keys().filter(|k| k.ends_with(".html")) {
        let html = String::from_utf8(moto.object(bucket, key).1).unwrap();
        let doc = scraper::Html::parse_document(&html);
        let links = common::attrs(&doc, "link[rel=stylesheet]", "href")
            .into_iter()
            .chain(common::attrs(&doc, "script[src]", "src"));
        for link in links.filter(|l| l.starts_with('/')) {
            let target = link.trim_start_matches('/');
            assert!(
                keys.contains_key(target),
                "{key} links to {link}, which is not in the bucket"
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "no links were checked");
}

#[test]
fn s3_first_deploy_then_one_file_change_uploads_one_file_with_the_right_headers() {
    let moto = Moto::start();
    moto.create_bucket("site-bucket");
    let proxy = Proxy::start(moto.endpoint(), |_, _| false);
    let site = site(&s3_config(&proxy.endpoint(), "site-bucket"));

    let first = deploy(&site, &[]);
    first.assert_ok();
    let local = built(&site);
    assert_same(
        &moto.contents("site-bucket"),
        &local,
        "the bucket holds exactly the build",
    );
    assert_eq!(proxy.puts().len(), local.len());
    assert!(
        first
            .stdout
            .contains(&format!(": {} uploaded", local.len())),
        "{}",
        first.stdout
    );

    // Headers on the objects.
    let css = local
        .keys()
        .find(|k| k.starts_with("style.") && k.ends_with(".css") && k.len() > "style.css".len())
        .expect("a fingerprinted stylesheet")
        .clone();
    let (h, _) = moto.object("site-bucket", &css);
    assert_eq!(h["content-type"], "text/css; charset=utf-8");
    assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
    let (h, _) = moto.object("site-bucket", "one/index.html");
    assert_eq!(h["content-type"], "text/html; charset=utf-8");
    assert_eq!(h["cache-control"], "public, max-age=0, must-revalidate");
    let (h, _) = moto.object("site-bucket", "style.css");
    assert_eq!(
        h["cache-control"], "public, max-age=0, must-revalidate",
        "a plain name may change content: never immutable"
    );
    let (h, _) = moto.object("site-bucket", "sitemap.xml");
    assert_eq!(h["content-type"], "application/xml");

    // Nothing changed: nothing sent.
    let again = deploy(&site, &[]);
    again.assert_ok();
    assert_eq!(
        proxy.puts().len(),
        local.len(),
        "no upload for an unchanged build"
    );
    assert!(again.stdout.contains(": 0 uploaded"), "{}", again.stdout);

    // One output file changed: exactly one PUT, of that file.
    site.write("static/notes.txt", "notes, version 2\n");
    let one = deploy(&site, &[]);
    one.assert_ok();
    let puts = proxy.puts();
    assert_eq!(puts[local.len()..], ["/site-bucket/notes.txt".to_string()]);
    assert!(one.stdout.contains(": 1 uploaded (17 B)"), "{}", one.stdout);
    assert_same(
        &moto.contents("site-bucket"),
        &built(&site),
        "the bucket holds the build",
    );
}

#[test]
fn s3_deleted_page_is_deleted_only_with_yes() {
    let moto = Moto::start();
    moto.create_bucket("site-bucket");
    let site = site(&format!(
        "{}prefix = \"docs/\"\n",
        s3_config(&moto.endpoint(), "site-bucket")
    ));
    deploy(&site, &[]).assert_ok();
    assert!(moto.keys("site-bucket").contains_key("docs/two/index.html"));
    std::fs::remove_file(site.path("content/two.md")).unwrap();

    let kept = deploy(&site, &[]);
    kept.assert_ok().assert_stderr_has(
        "1 file on the target is not in the build and was left there; run with --yes to delete it",
    );
    assert!(moto.keys("site-bucket").contains_key("docs/two/index.html"));

    let dry = deploy(&site, &["--dry-run", "--yes"]);
    assert!(
        dry.stdout.contains("delete  two/index.html"),
        "{}",
        dry.stdout
    );
    assert!(moto.keys("site-bucket").contains_key("docs/two/index.html"));

    let deleted = deploy(&site, &["--yes"]);
    deleted.assert_ok();
    assert!(deleted.stdout.contains("1 deleted"), "{}", deleted.stdout);
    let keys = moto.keys("site-bucket");
    assert!(!keys.contains_key("docs/two/index.html"));
    let expected: BTreeSet<String> = built(&site)
        .into_keys()
        .map(|k| format!("docs/{k}"))
        .collect();
    assert_eq!(keys.into_keys().collect::<BTreeSet<_>>(), expected);
}

#[test]
fn s3_failed_upload_midway_leaves_the_previous_site_fully_served() {
    let moto = Moto::start();
    moto.create_bucket("site-bucket");
    let site = site(&s3_config(&moto.endpoint(), "site-bucket"));
    deploy(&site, &[]).assert_ok();
    let v1 = moto.contents("site-bucket");
    assert_served_site_is_whole(&moto, "site-bucket");

    // A new stylesheet (so a new fingerprinted name in every page) and an edited page.
    site.write("static/style.css", "body { color: #000; }\n");
    site.write("content/one.md", &article("One", "First words, edited."));

    // 1. The new stylesheet's upload fails: no page may have been replaced.
    let proxy = Proxy::start(moto.endpoint(), |key, _| {
        key.starts_with("/site-bucket/style.")
            && key.ends_with(".css")
            && key != "/site-bucket/style.css"
    });
    site.write("versus.toml", &s3_site_config(&proxy.endpoint()));
    let failed = deploy(&site, &[]);
    failed
        .assert_code(1)
        .assert_stderr_has("S3 could not upload style.")
        .assert_stderr_has("InternalError: injected failure")
        .assert_stderr_has("no page was uploaded yet");
    assert!(proxy.puts().iter().any(|p| p.starts_with("FAILED")));
    let now = moto.contents("site-bucket");
    for (key, bytes) in &v1 {
        if key.ends_with(".html") {
            assert!(
                now.get(key) == Some(bytes),
                "{key} must still be the old page"
            );
        }
    }
    assert_served_site_is_whole(&moto, "site-bucket");
    drop(proxy);

    // 2. The third page's upload fails: some pages are new, some old, all whole.
    let proxy = Proxy::start(moto.endpoint(), |key, seen| {
        key.ends_with(".html") && seen.iter().filter(|k| k.ends_with(".html")).count() == 2
    });
    site.write("versus.toml", &s3_site_config(&proxy.endpoint()));
    let failed = deploy(&site, &[]);
    failed
        .assert_code(1)
        .assert_stderr_has("every asset was uploaded first");
    let local = built(&site);
    let now = moto.contents("site-bucket");
    let pages: Vec<&String> = local.keys().filter(|k| k.ends_with(".html")).collect();
    let new = pages
        .iter()
        .filter(|k| now.get(**k) == local.get(**k))
        .count();
    let old = pages.iter().filter(|k| now.get(**k) == v1.get(**k)).count();
    assert!(
        new >= 2 && old >= 1,
        "a partial deploy: {new} new pages, {old} old"
    );
    assert_served_site_is_whole(&moto, "site-bucket");
    drop(proxy);

    // 3. Run again: the rest goes up; the old stylesheet stays until --yes.
    site.write("versus.toml", &s3_site_config(&moto.endpoint()));
    deploy(&site, &[]).assert_ok();
    let local = built(&site);
    let now = moto.contents("site-bucket");
    for (key, bytes) in &local {
        assert!(now.get(key) == Some(bytes), "{key} is not the new version");
    }
    assert_served_site_is_whole(&moto, "site-bucket");
}

#[test]
fn s3_problems_are_said_in_plain_words() {
    let moto = Moto::start();
    let site = site(&s3_config(&moto.endpoint(), "no-such-bucket"));
    deploy(&site, &[])
        .assert_code(1)
        .assert_stderr_has("the bucket `no-such-bucket` does not exist at")
        .assert_stderr_has("check `bucket`, `endpoint` and `region`");

    let closed = format!("http://127.0.0.1:{}", free_port());
    let site = self::site(&s3_config(&closed, "site-bucket"));
    deploy(&site, &[])
        .assert_code(1)
        .assert_stderr_has(&format!("cannot reach the S3 endpoint {closed}"))
        .assert_stderr_has("check `endpoint` and `region`");

    let home = tempfile::tempdir().unwrap();
    let run = Run::from(
        common::versus()
            .args(["deploy", "--root"])
            .arg(site.root())
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_SHARED_CREDENTIALS_FILE")
            .env("HOME", home.path())
            .output()
            .unwrap(),
    );
    run.assert_code(1)
        .assert_stderr_has("no S3 credentials")
        .assert_stderr_has("set the two variables");

    // A profile in the credentials file is used when the variables are not set.
    moto.create_bucket("site-bucket");
    let site = self::site(&format!(
        "{}profile = \"ci\"\n",
        s3_config(&moto.endpoint(), "site-bucket")
    ));
    let creds = home.path().join("credentials");
    std::fs::write(
        &creds,
        "[ci]\naws_access_key_id = test\naws_secret_access_key = test\n",
    )
    .unwrap();
    let run = Run::from(
        common::versus()
            .args(["deploy", "--root"])
            .arg(site.root())
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env("AWS_SHARED_CREDENTIALS_FILE", &creds)
            .output()
            .unwrap(),
    );
    run.assert_ok();
    assert_same(
        &moto.contents("site-bucket"),
        &built(&site),
        "the bucket holds the build",
    );
}
