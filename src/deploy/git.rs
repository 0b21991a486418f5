//! The git target: the built site committed to a branch of a remote (GitHub, Codeberg or GitLab
//! Pages' `gh-pages`/`pages` branch), by running the user's own `git` — so their SSH keys,
//! credential helpers and config apply, and versus never touches a token.
//!
//! Work happens in a shallow clone of that one branch in a temporary folder: the build replaces
//! its files (except the ones in `keep`, CNAME by default), `.nojekyll` is added so GitHub Pages
//! serves files as they are, and a commit is made and pushed only if something changed. The
//! push is never forced: if the branch moved on meanwhile, the push fails and nothing is lost.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::plan::{self, LocalFile, RemoteFile};
use super::report::Reporter;
use super::{DeployError, Destination, Target, folder};

pub struct Git {
    remote: String,
    branch: String,
    message: String,
    nojekyll: bool,
    /// Holds the clone; removed when the deploy ends.
    _tmp: tempfile::TempDir,
    work: PathBuf,
}

impl Git {
    /// Clones the branch (or starts it, on the first deploy) into a temporary folder.
    pub fn open(target: &Target, ui: &Reporter) -> Result<Git, DeployError> {
        let s = &target.settings;
        let written = target.require(&s.remote, "remote")?;
        let remote = if is_url(written) {
            written.to_string()
        } else {
            super::site_path(&target.root, written)
                .to_string_lossy()
                .into_owned()
        };
        let branch = s.branch.clone().unwrap_or_else(|| "gh-pages".into());
        let tmp = super::scratch_dir()?;
        let work = tmp.path().join("site");
        let head = format!("refs/heads/{branch}");
        ui.step(&format!("looking for {branch} on {remote}"));
        let heads = git(None, &["ls-remote", "--heads", "--", &remote, &head]).map_err(|e| {
            e.into_error(&format!("could not reach the git remote {remote}"))
                .help(format!(
                    "check `remote` under {} in versus.toml, your network, and that `git ls-remote {remote}` works with your credentials",
                    target.section()
                ))
        })?;
        if heads.trim().is_empty() {
            ui.step(&format!("{branch} does not exist yet: starting it"));
            let w = work.to_string_lossy();
            git(None, &["init", "--quiet", &w])
                .and_then(|_| git(Some(&work), &["symbolic-ref", "HEAD", &head]))
                .and_then(|_| git(Some(&work), &["remote", "add", "origin", &remote]))
                .map_err(|e| e.into_error("could not start a git repository"))?;
        } else {
            ui.step(&format!("cloning {branch} of {remote}"));
            let w = work.to_string_lossy();
            git(
                None,
                &[
                    "clone",
                    "--quiet",
                    "--depth",
                    "1",
                    "--single-branch",
                    "--branch",
                    &branch,
                    "--",
                    &remote,
                    &w,
                ],
            )
            .map_err(|e| e.into_error(&format!("could not clone {branch} of {remote}")))?;
        }
        let message = s
            .message
            .clone()
            .unwrap_or_else(|| default_message(&target.root));
        Ok(Git {
            remote,
            branch,
            message,
            nojekyll: s.nojekyll.unwrap_or(true),
            _tmp: tmp,
            work,
        })
    }
}

impl Destination for Git {
    fn describe(&self) -> String {
        format!("{} ({})", self.remote, self.branch)
    }

    fn list(&mut self) -> Result<BTreeMap<String, RemoteFile>, DeployError> {
        plan::remote_files(&self.work, &|rel| rel == ".git")
    }

    fn extra_files(&self) -> Vec<LocalFile> {
        if self.nojekyll {
            vec![LocalFile::inline(".nojekyll", Vec::new())]
        } else {
            Vec::new()
        }
    }

    /// The branch's history keeps every deleted file.
    fn deletes_need_consent(&self) -> bool {
        false
    }

    fn upload(&self, file: &LocalFile, bytes: &[u8]) -> Result<(), DeployError> {
        folder::write_replacing(&self.work, &file.path, bytes)
    }

    fn delete(&mut self, paths: &[&str]) -> Result<(), DeployError> {
        folder::delete_files(&self.work, paths)
    }

    fn finish(&mut self, changed: bool) -> Result<Option<String>, DeployError> {
        let w = Some(self.work.as_path());
        git(w, &["add", "--all"]).map_err(|e| e.into_error("git add failed"))?;
        let status =
            git(w, &["status", "--porcelain"]).map_err(|e| e.into_error("git status failed"))?;
        if !changed || status.trim().is_empty() {
            return Ok(Some("nothing changed: no commit".into()));
        }
        // A machine without a git identity (a fresh CI runner) still gets its deploy.
        let mut commit: Vec<&str> = Vec::new();
        if git(w, &["var", "GIT_COMMITTER_IDENT"]).is_err() {
            commit.extend([
                "-c",
                "user.name=versus",
                "-c",
                "user.email=versus@localhost",
            ]);
        }
        commit.extend(["commit", "--quiet", "--no-verify", "-m", &self.message]);
        git(w, &commit).map_err(|e| e.into_error("git commit failed"))?;
        let refspec = format!("HEAD:refs/heads/{}", self.branch);
        git(w, &["push", "--quiet", "origin", &refspec]).map_err(|e| {
            let rejected = e.stderr.contains("rejected") || e.stderr.contains("fetch first");
            let err = e.into_error(&format!("git push to {} failed", self.remote));
            if rejected {
                err.help(format!(
                    "{} moved on while deploying (another deploy?): run versus deploy again",
                    self.branch
                ))
            } else {
                err.help(format!(
                    "check that your git credentials may push to {} (try `git push` there by hand)",
                    self.remote
                ))
            }
        })?;
        let sha = git(w, &["rev-parse", "--short", "HEAD"]).unwrap_or_default();
        Ok(Some(format!(
            "committed {} to {} and pushed",
            sha.trim(),
            self.branch
        )))
    }
}

/// `https://…`, `ssh://…`, `git@host:path` are URLs; anything else is a path on this machine.
fn is_url(remote: &str) -> bool {
    if remote.contains("://") {
        return true;
    }
    // scp-like syntax: `host:path` or `user@host:path`, with no slash before the colon.
    match remote.split_once(':') {
        Some((host, _)) => !host.is_empty() && !host.contains('/') && host.len() > 1,
        None => false,
    }
}

/// "Deploy 1a2b3c4 with versus" when the site is in a git repository, else without the hash.
fn default_message(root: &Path) -> String {
    let dir = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    };
    match git(Some(dir), &["rev-parse", "--short", "HEAD"]) {
        Ok(sha) if !sha.trim().is_empty() => format!("Deploy {} with versus", sha.trim()),
        _ => "Deploy with versus".to_string(),
    }
}

/// A git command that did not succeed.
#[derive(Debug)]
struct GitFailure {
    stderr: String,
}

impl GitFailure {
    fn into_error(self, what: &str) -> DeployError {
        let detail = self.stderr.trim();
        if detail.is_empty() {
            DeployError::new(what.to_string())
        } else {
            DeployError::new(format!("{what}:\n{detail}"))
        }
    }
}

/// Runs `git args` (in `dir`), returning its standard output.
fn git(dir: Option<&Path>, args: &[&str]) -> Result<String, GitFailure> {
    let mut cmd = Command::new("git");
    if let Some(d) = dir {
        cmd.arg("-C").arg(d);
    }
    cmd.args(args);
    // Ask for a password only where someone can answer; never hang in CI.
    if !std::io::stdin().is_terminal() {
        cmd.env("GIT_TERMINAL_PROMPT", "0");
    }
    let out = cmd.output().map_err(|e| GitFailure {
        stderr: if e.kind() == std::io::ErrorKind::NotFound {
            "git is not installed, or not on PATH: the git target runs it".to_string()
        } else {
            format!("could not run git: {e}")
        },
    })?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(GitFailure {
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::is_url;

    #[test]
    fn urls_and_paths() {
        assert!(is_url("https://github.com/o/r.git"));
        assert!(is_url("git@github.com:o/r.git"));
        assert!(is_url("ssh://git@codeberg.org/o/pages.git"));
        assert!(!is_url("../pages.git"));
        assert!(!is_url("/srv/git/pages.git"));
        assert!(!is_url("pages.git"));
        assert!(!is_url("./a:b"));
    }
}
