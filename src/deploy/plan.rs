//! The step every target shares: the files of a fresh build and the files already on the
//! target → what to upload, delete, keep or skip, each with its reason, in the order that never
//! leaves the served site pointing at something that is not there yet.
//!
//! Files are compared by content (MD5, which is also what S3 reports as the ETag of a
//! single-part upload), never by time: a rebuild rewrites every file, and an unchanged one must
//! not be uploaded again. This module reads the build folder and decides; it sends nothing.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use md5::{Digest, Md5};

use super::DeployError;

/// One file of the build, addressed by its `/`-separated path relative to the site's root.
#[derive(Debug, Clone)]
pub struct LocalFile {
    pub path: String,
    pub size: u64,
    /// Lower-case hex MD5 of the content.
    pub md5: String,
    content: Content,
}

#[derive(Debug, Clone)]
enum Content {
    Disk(PathBuf),
    /// A file the target adds itself (git's `.nojekyll`).
    Inline(Vec<u8>),
}

impl LocalFile {
    /// A file that is not in the build folder but is deployed with it.
    pub fn inline(path: &str, bytes: Vec<u8>) -> LocalFile {
        LocalFile {
            path: path.to_string(),
            size: bytes.len() as u64,
            md5: md5_hex(&bytes),
            content: Content::Inline(bytes),
        }
    }

    pub fn read(&self) -> Result<Cow<'_, [u8]>, DeployError> {
        match &self.content {
            Content::Disk(p) => std::fs::read(p)
                .map(Cow::Owned)
                .map_err(|e| DeployError::io("read", p, e)),
            Content::Inline(b) => Ok(Cow::Borrowed(b)),
        }
    }
}

/// What is known of a file already on the target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFile {
    pub size: u64,
    /// Lower-case hex MD5, or `None` when the target cannot say (an S3 object uploaded in
    /// parts by another tool, or encrypted with a KMS key: its ETag is not the MD5).
    pub md5: Option<String>,
}

pub fn md5_hex(bytes: &[u8]) -> String {
    let digest = Md5::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every file of the build folder, sorted by path; versus's own output marker is left out.
pub fn local_files(dir: &Path) -> Result<Vec<LocalFile>, DeployError> {
    scan(dir, &|rel| rel == crate::output::MARKER)
}

/// What a folder on the target holds (`skip` as for [`scan`]), by path.
pub fn remote_files(
    dir: &Path,
    skip: &dyn Fn(&str) -> bool,
) -> Result<BTreeMap<String, RemoteFile>, DeployError> {
    Ok(scan(dir, skip)?
        .into_iter()
        .map(|f| {
            let remote = RemoteFile {
                size: f.size,
                md5: Some(f.md5),
            };
            (f.path, remote)
        })
        .collect())
}

/// Every file under `dir`, hashed, sorted by path, except the paths `skip` names (a skipped
/// folder is not entered). Symbolic links are neither followed nor listed.
pub fn scan(dir: &Path, skip: &dyn Fn(&str) -> bool) -> Result<Vec<LocalFile>, DeployError> {
    let mut files = Vec::new();
    let walk = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !skip(&relative(dir, e.path())));
    for entry in walk {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            DeployError::io("read", &path, e.into())
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let bytes =
            std::fs::read(entry.path()).map_err(|e| DeployError::io("read", entry.path(), e))?;
        files.push(LocalFile {
            path: relative(dir, entry.path()),
            size: bytes.len() as u64,
            md5: md5_hex(&bytes),
            content: Content::Disk(entry.path().to_path_buf()),
        });
    }
    Ok(files)
}

/// `dir/a/b.html` → `a/b.html`, with `/` on every platform.
pub fn relative(dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(dir).unwrap_or(path);
    let parts: Vec<_> = rel.iter().map(|s| s.to_string_lossy()).collect();
    parts.join("/")
}

/// Why a file is uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upload {
    New,
    Changed,
    /// The target does not report a content hash for it.
    Unverifiable,
}

/// What happens to one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Upload(Upload),
    /// Same content on the target: skipped.
    Unchanged,
    /// On the target, not in the build: deleted.
    Delete,
    /// On the target, not in the build, and listed in `keep` (CNAME): left alone.
    KeepHostFile,
    /// On the target, not in the build, and deleting was not allowed (no `--yes`).
    KeepStale,
}

impl Action {
    /// The word and reason printed by `--dry-run` and `--verbose`.
    pub fn describe(self) -> (&'static str, &'static str) {
        match self {
            Action::Upload(Upload::New) => ("upload", "new"),
            Action::Upload(Upload::Changed) => ("upload", "changed"),
            Action::Upload(Upload::Unverifiable) => {
                ("upload", "the target does not report its content hash")
            }
            Action::Unchanged => ("skip", "unchanged"),
            Action::Delete => ("delete", "not in the build"),
            Action::KeepHostFile => ("keep", "listed in `keep`"),
            Action::KeepStale => ("keep", "not in the build; --yes deletes it"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Step {
    pub path: String,
    pub action: Action,
    /// Bytes to send for an upload; the size on the target otherwise.
    pub size: u64,
    /// Index into the local files, for uploads and skips.
    pub local: Option<usize>,
}

/// Every path of the build and of the target, with what to do about it.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Uploads first, in upload order (see [`rank`]); then skips; then deletes and keeps.
    pub steps: Vec<Step>,
}

impl Plan {
    /// Compares the build with the target. Files on the target that are not in the build are
    /// deleted unless `keep` names them (a path, or a folder ending in `/`).
    pub fn new(
        local: &[LocalFile],
        remote: &BTreeMap<String, RemoteFile>,
        keep: &[String],
    ) -> Plan {
        let mut uploads = Vec::new();
        let mut skips = Vec::new();
        for (i, f) in local.iter().enumerate() {
            let action = match remote.get(&f.path) {
                None => Action::Upload(Upload::New),
                Some(r) => match &r.md5 {
                    Some(h) if *h == f.md5 => Action::Unchanged,
                    Some(_) => Action::Upload(Upload::Changed),
                    None => Action::Upload(Upload::Unverifiable),
                },
            };
            let step = Step {
                path: f.path.clone(),
                action,
                size: f.size,
                local: Some(i),
            };
            match action {
                Action::Unchanged => skips.push(step),
                _ => uploads.push(step),
            }
        }
        // Stable: within a rank, paths stay sorted.
        uploads.sort_by_key(|s| rank(&s.path));
        let in_build: std::collections::HashSet<&str> =
            local.iter().map(|f| f.path.as_str()).collect();
        let gone = remote
            .iter()
            .filter(|(p, _)| !in_build.contains(p.as_str()))
            .map(|(p, r)| Step {
                path: p.clone(),
                action: if is_kept(p, keep) {
                    Action::KeepHostFile
                } else {
                    Action::Delete
                },
                size: r.size,
                local: None,
            });
        let mut steps = uploads;
        steps.extend(skips);
        steps.extend(gone);
        Plan { steps }
    }

    /// Turns every delete into a keep: deleting was not confirmed.
    pub fn keep_stale(&mut self) {
        for s in &mut self.steps {
            if s.action == Action::Delete {
                s.action = Action::KeepStale;
            }
        }
    }

    pub fn count(&self, pred: impl Fn(Action) -> bool) -> usize {
        self.steps.iter().filter(|s| pred(s.action)).count()
    }

    pub fn uploads(&self) -> impl Iterator<Item = &Step> {
        self.steps
            .iter()
            .filter(|s| matches!(s.action, Action::Upload(_)))
    }

    pub fn deletes(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(|s| s.action == Action::Delete)
    }

    pub fn upload_bytes(&self) -> u64 {
        self.uploads().map(|s| s.size).sum()
    }

    /// Nothing to upload or delete.
    pub fn is_noop(&self) -> bool {
        self.uploads().next().is_none() && self.deletes().next().is_none()
    }
}

fn is_kept(path: &str, keep: &[String]) -> bool {
    keep.iter().any(|k| {
        let k = k.trim_start_matches('/');
        path == k || (k.ends_with('/') && path.starts_with(k))
    })
}

/// Upload order. A page must never be served before what it links to, and a list of pages
/// (sitemap, feed, search index) never before the pages: so assets (0) go first — their
/// fingerprinted names are new, so the old pages keep working meanwhile — then HTML (1), then
/// the files that list pages (2). Deletes come after all of them.
pub fn rank(path: &str) -> u8 {
    let name = path.rsplit('/').next().unwrap_or(path);
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext {
        "html" | "htm" => 1,
        "xml" => 2,
        _ if path
            .strip_prefix(crate::outputs::search::DIR)
            .is_some_and(|rest| rest.starts_with('/') && rest.ends_with(".json")) =>
        {
            2
        }
        _ if name == "robots.txt" => 2,
        _ => 0,
    }
}

/// Is this a content-hashed asset name (`style.1a2b3c4d.css`, see `output::fingerprint`)
/// whose content never changes under the same name?
pub fn is_fingerprinted(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut parts = name.rsplit('.');
    let (Some(ext), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    matches!(ext, "css" | "js")
        && !stem.is_empty()
        && hash.len() == 8
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// `Cache-Control` for a file: fingerprinted assets are cached for a year and never
/// revalidated; everything else (pages, feeds, images under fixed names) is revalidated on
/// every visit, so a deploy shows at once.
pub fn cache_control(path: &str) -> &'static str {
    if is_fingerprinted(path) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=0, must-revalidate"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(entries: &[(&str, Option<&[u8]>)]) -> BTreeMap<String, RemoteFile> {
        entries
            .iter()
            .map(|(p, b)| {
                (
                    p.to_string(),
                    RemoteFile {
                        size: b.map_or(0, |b| b.len() as u64),
                        md5: b.map(md5_hex),
                    },
                )
            })
            .collect()
    }

    #[test]
    fn md5_matches_the_known_digest() {
        assert_eq!(md5_hex(b"hello"), "5d41402abc4b2a76b9719d911017c592");
    }

    #[test]
    fn plan_orders_assets_pages_then_lists_and_keeps_host_files() {
        let local = vec![
            LocalFile::inline("a/index.html", b"new page".to_vec()),
            LocalFile::inline("index.html", b"same".to_vec()),
            LocalFile::inline("search/w-a.json", b"{}".to_vec()),
            LocalFile::inline("sitemap.xml", b"map".to_vec()),
            LocalFile::inline("style.0123abcd.css", b"css".to_vec()),
        ];
        let remote = remote(&[
            ("a/index.html", Some(b"old page")),
            ("index.html", Some(b"same")),
            ("CNAME", Some(b"example.org")),
            ("gone/index.html", Some(b"x")),
            ("big.bin", None),
        ]);
        let mut plan = Plan::new(&local, &remote, &["CNAME".into()]);
        let order: Vec<(&str, Action)> = plan
            .steps
            .iter()
            .map(|s| (s.path.as_str(), s.action))
            .collect();
        assert_eq!(
            order,
            [
                ("style.0123abcd.css", Action::Upload(Upload::New)),
                ("a/index.html", Action::Upload(Upload::Changed)),
                ("search/w-a.json", Action::Upload(Upload::New)),
                ("sitemap.xml", Action::Upload(Upload::New)),
                ("index.html", Action::Unchanged),
                ("CNAME", Action::KeepHostFile),
                ("big.bin", Action::Delete),
                ("gone/index.html", Action::Delete),
            ]
        );
        assert_eq!(plan.upload_bytes(), 3 + 8 + 2 + 3);
        plan.keep_stale();
        assert_eq!(plan.deletes().count(), 0);
        assert_eq!(plan.count(|a| a == Action::KeepStale), 2);
    }

    #[test]
    fn unknown_remote_hash_is_uploaded_and_kept_folders_match_by_prefix() {
        let local = vec![LocalFile::inline("a.css", b"x".to_vec())];
        let remote = remote(&[("a.css", None), (".well-known/x", Some(b"y"))]);
        let plan = Plan::new(&local, &remote, &[".well-known/".into()]);
        assert_eq!(plan.steps[0].action, Action::Upload(Upload::Unverifiable));
        assert_eq!(plan.steps[1].action, Action::KeepHostFile);
    }

    #[test]
    fn fingerprinted_names_and_their_cache_headers() {
        assert!(is_fingerprinted("style.6c4fb219.css"));
        assert!(is_fingerprinted("js/site.0badf00d.js"));
        assert!(!is_fingerprinted("style.css"));
        assert!(!is_fingerprinted("photo.6c4fb219.png"));
        assert!(!is_fingerprinted("style.6C4FB219.css"));
        assert!(!is_fingerprinted(".6c4fb219.css"));
        assert_eq!(
            cache_control("style.6c4fb219.css"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            cache_control("a/index.html"),
            "public, max-age=0, must-revalidate"
        );
    }

    #[test]
    fn local_files_leave_out_the_output_marker() {
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("a")).unwrap();
        std::fs::write(t.path().join("a/index.html"), "x").unwrap();
        std::fs::write(t.path().join(crate::output::MARKER), "m").unwrap();
        let files = local_files(t.path()).unwrap();
        let paths: Vec<_> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["a/index.html"]);
        assert_eq!(files[0].read().unwrap().as_ref(), b"x");
    }
}
