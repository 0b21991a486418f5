//! Disk faults: the output folder cannot be written, the disk fills up, a content file cannot
//! be read. Each must end in a clear error naming the path, a non-zero exit, and the previous
//! output exactly as it was.
//!
//! Tests run as root here, and root ignores permission bits, so "read-only" and "disk full"
//! are real mounts (a small tmpfs, remounted read-only for the first). Where mounting is not
//! permitted the test prints why and returns; "cannot read" runs versus as `nobody` when root.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Run, Site};

fn small_site() -> Site {
    Site::new(&[
        ("versus.toml", "title = \"Faults\"\n"),
        ("content/_index.md", "+++\ntitle = \"Home\"\n+++\nHello.\n"),
        (
            "content/articles/a.md",
            "+++\ntitle = \"First\"\n+++\n\n## One\n\nThe first version.\n",
        ),
    ])
}

/// Every file under `dir`: relative path → bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

fn is_root() -> bool {
    // SAFETY-free: `id -u` avoids a libc dependency for one number.
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// A tmpfs mounted on a fresh folder, unmounted on drop.
struct Tmpfs {
    dir: PathBuf,
}

impl Tmpfs {
    /// `None` when this machine does not let `test` mount (said loudly: [`common::skip`]).
    fn mount(test: &str, dir: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(dir).unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output();
        match out {
            Ok(o) if o.status.success() => Some(Tmpfs {
                dir: dir.to_path_buf(),
            }),
            Ok(o) => {
                let why = format!(
                    "cannot mount a tmpfs here (needs root): {}",
                    String::from_utf8_lossy(&o.stderr).trim()
                );
                common::skip(test, &why);
                None
            }
            Err(e) => {
                common::skip(test, &format!("cannot run mount: {e}"));
                None
            }
        }
    }

    fn remount_read_only(&self) {
        let ok = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.dir)
            .status()
            .unwrap()
            .success();
        assert!(ok, "remount read-only");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.dir).status();
    }
}

fn build_into(site: &Site, out: &Path) -> Run {
    let mut cmd = common::versus();
    cmd.arg("build")
        .arg("--root")
        .arg(site.root())
        .arg("--output")
        .arg(out);
    Run::from(cmd.output().expect("run versus"))
}

#[test]
fn read_only_output_folder_is_a_clear_error_and_keeps_the_old_site() {
    let site = small_site();
    let parent = site.path("mnt");
    let test = "read_only_output_folder_is_a_clear_error_and_keeps_the_old_site";
    let Some(fs) = Tmpfs::mount(test, &parent, "4m") else {
        return;
    };
    let out = parent.join("site");
    build_into(&site, &out).assert_ok();
    let before = snapshot(&out);
    assert!(before.contains_key(Path::new("articles/a/index.html")));

    fs.remount_read_only();
    site.write(
        "content/articles/a.md",
        "+++\ntitle = \"Second\"\n+++\n\nThe second version.\n",
    );
    let run = build_into(&site, &out);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run.assert_stderr_has("Read-only file system")
        .assert_stderr_has(&out.display().to_string());
    assert_eq!(snapshot(&out), before, "the previous output changed");
}

#[test]
fn a_full_disk_is_a_clear_error_and_keeps_the_old_site() {
    let site = small_site();
    let parent = site.path("mnt");
    // Room for one small site and its staging copy, not for a page of several megabytes.
    let test = "a_full_disk_is_a_clear_error_and_keeps_the_old_site";
    let Some(_fs) = Tmpfs::mount(test, &parent, "1m") else {
        return;
    };
    let out = parent.join("site");
    build_into(&site, &out).assert_ok();
    let before = snapshot(&out);

    let big = "All work and no play makes a dull page. ".repeat(60_000);
    site.write(
        "content/articles/big.md",
        &format!("+++\ntitle = \"Big\"\n+++\n\n{big}\n"),
    );
    let run = build_into(&site, &out);
    assert_ne!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run.assert_stderr_has("No space left on device")
        .assert_stderr_has(&parent.display().to_string());
    assert_eq!(snapshot(&out), before, "the previous output changed");
    // The failed staging folder is gone, so the space is given back.
    let left: Vec<_> = std::fs::read_dir(&parent)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("site")]);
}

/// Runs versus so that permission bits apply: as `nobody` when we are root.
fn build_as_unprivileged(site: &Site) -> Run {
    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "--inh-caps=-all",
        ])
        .arg(env!("CARGO_BIN_EXE_versus"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_versus"))
    };
    cmd.env("NO_COLOR", "1")
        .arg("build")
        .arg("--root")
        .arg(site.root());
    Run::from(cmd.output().expect("run versus"))
}

/// Makes the whole site folder usable by `nobody`.
fn open_up(dir: &Path) {
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        let mode = if e.file_type().is_dir() { 0o777 } else { 0o666 };
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

#[test]
fn an_unreadable_content_file_is_a_clear_error_and_keeps_the_old_site() {
    use std::os::unix::fs::PermissionsExt;
    let site = small_site();
    open_up(site.root());
    build_as_unprivileged(&site).assert_ok();
    let before = snapshot(&site.path("site"));
    open_up(site.root());

    let secret = site.path("content/articles/secret.md");
    std::fs::write(&secret, "+++\ntitle = \"S\"\n+++\nx\n").unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    let run = build_as_unprivileged(&site);
    run.assert_code(1)
        .assert_stderr_has("content/articles/secret.md")
        .assert_stderr_has("Permission denied");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(snapshot(&site.path("site")), before);
}

#[test]
fn a_content_file_that_vanished_is_a_clear_error_and_keeps_the_old_site() {
    // A link whose file is gone is what a file deleted between the walk and the read looks
    // like to the reader.
    let site = small_site();
    site.run(&["build"]).assert_ok();
    let before = snapshot(&site.path("site"));
    std::os::unix::fs::symlink(
        site.path("content/articles/gone.md"),
        site.path("content/articles/b.md"),
    )
    .unwrap();
    let run = site.run(&["build"]);
    run.assert_code(1)
        .assert_stderr_has("content/articles/b.md")
        .assert_stderr_has("No such file");
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert_eq!(snapshot(&site.path("site")), before);
}

#[test]
fn a_special_file_named_like_a_page_is_a_clear_error() {
    let site = small_site();
    site.run(&["build"]).assert_ok();
    let before = snapshot(&site.path("site"));
    let fifo = site.path("content/articles/pipe.md");
    let ok = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo");
    let run = site.run(&["build"]);
    run.assert_code(1)
        .assert_stderr_has("content/articles/pipe.md")
        .assert_stderr_has("not a regular file");
    assert_eq!(snapshot(&site.path("site")), before);
}

#[test]
fn a_symlinked_content_file_is_read() {
    let site = small_site();
    site.write(
        "shared/c.md",
        "+++\ntitle = \"Shared page\"\n+++\n\nFrom elsewhere.\n",
    );
    std::os::unix::fs::symlink(site.path("shared/c.md"), site.path("content/articles/c.md"))
        .unwrap();
    site.run(&["build"]).assert_ok();
    let doc = site.html("site/articles/c/index.html");
    assert_eq!(common::texts(&doc, "h1"), ["Shared page"]);
}
