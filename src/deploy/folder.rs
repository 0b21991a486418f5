//! The folder target: a local or mounted folder (a web server's document root, an NFS or SMB
//! share, a synced drive). Files are compared by content like every target's; each one is
//! written to a temporary name and renamed, so a reader never sees half a file.
//!
//! Not here: remote copies over SSH (mount the folder, or use the git or S3 target).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::plan::{self, LocalFile, RemoteFile};
use super::{DeployError, Destination, Target};

pub struct Folder {
    dir: PathBuf,
}

impl Folder {
    pub fn open(target: &Target) -> Result<Folder, DeployError> {
        let path = target.require(&target.settings.path, "path")?;
        let dir = super::site_path(&target.root, path);
        if dir.exists() && !dir.is_dir() {
            return Err(DeployError::new(format!(
                "the deploy folder {} is a file, not a folder",
                dir.display()
            ))
            .help(format!(
                "check `path` under {} in versus.toml",
                target.section()
            )));
        }
        // Made by the first upload, so that a dry run creates nothing; but a missing parent
        // is more likely an unmounted drive than a wish for new folders.
        let parent = dir.parent().filter(|p| !p.as_os_str().is_empty());
        if !dir.exists() && parent.is_some_and(|p| !p.is_dir()) {
            return Err(DeployError::new(format!(
                "the deploy folder {} does not exist, and neither does the folder it would be made in",
                dir.display()
            ))
            .help("is the drive mounted? check `path` in versus.toml"));
        }
        // Deleting what is not in the build must never reach the site's own files.
        if let (Ok(d), Ok(r)) = (dir.canonicalize(), target.root.canonicalize())
            && r.starts_with(&d)
        {
            return Err(DeployError::new(format!(
                "refusing to deploy into {}: it holds the site itself",
                dir.display()
            ))
            .help("choose a folder outside the site for `path`"));
        }
        Ok(Folder { dir })
    }
}

impl Destination for Folder {
    fn describe(&self) -> String {
        self.dir.display().to_string()
    }

    fn list(&mut self) -> Result<BTreeMap<String, RemoteFile>, DeployError> {
        if !self.dir.exists() {
            return Ok(BTreeMap::new());
        }
        plan::remote_files(&self.dir, &|_| false)
    }

    fn upload(&self, file: &LocalFile, bytes: &[u8]) -> Result<(), DeployError> {
        write_replacing(&self.dir, &file.path, bytes)
    }

    fn delete(&mut self, paths: &[&str]) -> Result<(), DeployError> {
        delete_files(&self.dir, paths)
    }
}

/// Deletes `dir/path` for each path, and the folders that leaves empty.
pub(crate) fn delete_files(dir: &Path, paths: &[&str]) -> Result<(), DeployError> {
    for p in paths {
        let path = dir.join(p);
        std::fs::remove_file(&path).map_err(|e| DeployError::io("delete", &path, e))?;
        remove_empty_parents(dir, &path);
    }
    Ok(())
}

/// Writes `dir/rel` through a temporary file beside it and a rename.
pub(crate) fn write_replacing(dir: &Path, rel: &str, bytes: &[u8]) -> Result<(), DeployError> {
    let path = dir.join(rel);
    let parent = path.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent).map_err(|e| DeployError::io("create", parent, e))?;
    let name = path
        .file_name()
        .map_or_else(Default::default, |n| n.to_string_lossy());
    let tmp = parent.join(format!(".{name}.versus-deploy-{}", std::process::id()));
    std::fs::write(&tmp, bytes).map_err(|e| DeployError::io("write", &tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        DeployError::io("replace", &path, e)
    })
}

/// Removes the folders a delete left empty, up to (not including) `top`.
fn remove_empty_parents(top: &Path, file: &Path) {
    let mut dir = file.parent();
    while let Some(d) = dir {
        if d == top || !d.starts_with(top) || std::fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_replace_whole_files_and_deletes_prune_empty_folders() {
        let t = tempfile::tempdir().unwrap();
        write_replacing(t.path(), "a/b/index.html", b"one").unwrap();
        write_replacing(t.path(), "a/b/index.html", b"two").unwrap();
        assert_eq!(
            std::fs::read(t.path().join("a/b/index.html")).unwrap(),
            b"two"
        );
        let names: Vec<_> = std::fs::read_dir(t.path().join("a/b")).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left");
        std::fs::remove_file(t.path().join("a/b/index.html")).unwrap();
        remove_empty_parents(t.path(), &t.path().join("a/b/index.html"));
        assert!(!t.path().join("a").exists());
        assert!(t.path().exists());
    }
}
