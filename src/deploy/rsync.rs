//! The rsync target: a folder on a server reached over SSH (`user@host:/var/www/site`), or any
//! destination rsync accepts, by running the user's own `rsync` — so their SSH keys,
//! `~/.ssh/config` and `RSYNC_RSH` apply.
//!
//! rsync compares: a dry run with `--checksum --itemize-changes` says, for every file, whether
//! the destination has it with the same content, and what it has that the build does not. That
//! becomes the same plan as every target's, and each group of the plan (assets, pages, lists)
//! is then sent by one rsync run over the list of its files, so the upload order — and with it
//! the promise that a page never arrives before what it links to — holds here too.
//!
//! Not here: SSH itself, and preserving owners, times or permissions (the files get the
//! destination's defaults, as a web server wants).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::plan::{LocalFile, RemoteFile};
use super::{DeployError, Destination, Target};

pub struct Rsync {
    destination: String,
    /// The build folder, as rsync's source.
    source: PathBuf,
    /// Holds the file lists handed to rsync.
    tmp: tempfile::TempDir,
    /// Paths on the destination, and paths of the build, as rsync reported them: what a
    /// delete may take away with its folder.
    remote: BTreeSet<String>,
    local: BTreeSet<String>,
}

impl Rsync {
    pub fn open(target: &Target, site_dir: &Path) -> Result<Rsync, DeployError> {
        let written = target.require(&target.settings.destination, "destination")?;
        // `host:path` is remote; anything else is a path relative to the site folder.
        let destination = if written.contains(':') {
            written.to_string()
        } else {
            super::site_path(&target.root, written)
                .to_string_lossy()
                .into_owned()
        };
        let tmp = super::scratch_dir()?;
        Ok(Rsync {
            destination: destination.trim_end_matches('/').to_string() + "/",
            source: site_dir.to_path_buf(),
            tmp,
            remote: BTreeSet::new(),
            local: BTreeSet::new(),
        })
    }

    /// Runs rsync from the build folder to the destination with `args`; returns its output.
    fn rsync(&self, args: &[&str]) -> Result<String, DeployError> {
        let mut source = self.source.to_string_lossy().into_owned();
        if !source.ends_with('/') {
            source.push('/');
        }
        let out = Command::new("rsync")
            .args(["--recursive", "--checksum"])
            .args(args)
            .arg(&source)
            .arg(&self.destination)
            .output()
            .map_err(|e| {
                let why = if e.kind() == std::io::ErrorKind::NotFound {
                    "rsync is not installed, or not on PATH: the rsync target runs it".to_string()
                } else {
                    format!("could not run rsync: {e}")
                };
                DeployError::new(why)
            })?;
        if out.status.success() {
            return Ok(String::from_utf8_lossy(&out.stdout).into_owned());
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        Err(
            DeployError::new(format!("rsync to {} failed:\n{}", self.destination, stderr.trim()))
                .help("check `destination` in versus.toml, that the server is reachable, and that `ssh` to it works without a password prompt (a key, or ~/.ssh/config)"),
        )
    }

    /// Writes a file list for `--files-from`.
    fn list_file(&self, name: &str, paths: &[&str]) -> Result<PathBuf, DeployError> {
        let path = self.tmp.path().join(name);
        let mut text = paths.join("\n");
        text.push('\n');
        std::fs::write(&path, text).map_err(|e| DeployError::io("write", &path, e))?;
        Ok(path)
    }

    fn send(&self, paths: &[&str]) -> Result<(), DeployError> {
        let list = self.list_file("upload", paths)?;
        let from = format!("--files-from={}", list.display());
        self.rsync(&[&from]).map(drop)
    }
}

impl Destination for Rsync {
    fn describe(&self) -> String {
        self.destination.clone()
    }

    fn list(&mut self) -> Result<BTreeMap<String, RemoteFile>, DeployError> {
        let out = self.rsync(&["--dry-run", "--delete", "-ii", "--out-format=%i %n"])?;
        let mut files = BTreeMap::new();
        for line in out.lines() {
            let Some((item, path)) = line.split_once(' ') else {
                continue;
            };
            let path = path.trim_start();
            if path.ends_with('/') || path.is_empty() {
                continue;
            }
            // What the plan needs is only "same content or not": an unchanged file gets a hash
            // equal to the build's, a changed one a hash no file has.
            let remote = |md5: Option<String>| RemoteFile { size: 0, md5 };
            match (item, item.as_bytes().get(1)) {
                ("*deleting", _) => {
                    self.remote.insert(path.to_string());
                    files.insert(path.to_string(), remote(None));
                }
                (_, Some(b'f')) => {
                    self.local.insert(path.to_string());
                    if item.starts_with('.') {
                        self.remote.insert(path.to_string());
                        let md5 = super::plan::md5_hex(
                            &std::fs::read(self.source.join(path))
                                .map_err(|e| DeployError::io("read", &self.source.join(path), e))?,
                        );
                        files.insert(path.to_string(), remote(Some(md5)));
                    } else if !item.ends_with("+++++++++") {
                        self.remote.insert(path.to_string());
                        files.insert(path.to_string(), remote(Some("changed".into())));
                    }
                }
                _ => {}
            }
        }
        Ok(files)
    }

    fn upload_group(&self, files: &[&LocalFile]) -> Option<Result<(), DeployError>> {
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        Some(self.send(&paths))
    }

    fn upload(&self, file: &LocalFile, _bytes: &[u8]) -> Result<(), DeployError> {
        self.send(&[file.path.as_str()])
    }

    fn delete(&mut self, paths: &[&str]) -> Result<(), DeployError> {
        let targets = deletions(&self.remote, &self.local, paths);
        let targets: Vec<&str> = targets.iter().map(String::as_str).collect();
        let list = self.list_file("delete", &targets)?;
        let from = format!("--files-from={}", list.display());
        // Each listed path is missing from the build, so rsync deletes it on the other side;
        // `--force` lets a listed folder go with everything in it.
        self.rsync(&["--delete-missing-args", "--force", &from])
            .map(drop)
    }
}

/// What to list for rsync to delete `gone`: the highest folders left with nothing in them (so
/// they do not stay behind empty), and the other files one by one.
fn deletions(remote: &BTreeSet<String>, local: &BTreeSet<String>, gone: &[&str]) -> Vec<String> {
    let gone: BTreeSet<&str> = gone.iter().copied().collect();
    let staying: Vec<&str> = local
        .iter()
        .map(String::as_str)
        .chain(
            remote
                .iter()
                .map(String::as_str)
                .filter(|p| !gone.contains(p)),
        )
        .collect();
    let emptied = |dir: &str| {
        let prefix = format!("{dir}/");
        !staying.iter().any(|p| p.starts_with(&prefix))
    };
    let mut out = BTreeSet::new();
    for path in &gone {
        // The highest ancestor folder that is emptied, else the file itself.
        let mut top = None;
        let mut end = path.len();
        while let Some(slash) = path[..end].rfind('/') {
            if emptied(&path[..slash]) {
                top = Some(&path[..slash]);
            } else {
                break;
            }
            end = slash;
        }
        out.insert(top.unwrap_or(path).to_string());
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::deletions;
    use std::collections::BTreeSet;

    fn set(paths: &[&str]) -> BTreeSet<String> {
        paths.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn deletions_take_emptied_folders_whole_and_spare_the_rest() {
        let remote = set(&[
            "a/x.html",
            "a/b/y.html",
            "c/z.html",
            "c/keep.txt",
            "top.html",
        ]);
        let local = set(&["d/new.html"]);
        let got = deletions(
            &remote,
            &local,
            &["a/x.html", "a/b/y.html", "c/z.html", "top.html"],
        );
        assert_eq!(got, ["a", "c/z.html", "top.html"]);
    }
}
