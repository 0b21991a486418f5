//! `versus deploy`: publish a fresh build to static hosting, sending only what changed.
//!
//! The command line builds the site first (through [`crate::pipeline::build`], into the
//! configured output or a temporary folder for `--dry-run`) and stops on any error; this module
//! takes the finished folder from there:
//!
//! 1. [`select`] picks the target from `[deploy]` in versus.toml and checks its keys;
//! 2. the target lists what it already holds ([`Destination::list`]);
//! 3. [`plan`] compares contents and orders the work: assets, then pages, then the lists of
//!    pages, then deletes — so a deploy that fails half-way leaves a site whose pages all link
//!    to files that exist;
//! 4. uploads and deletes run, then the target finishes (git commits and pushes);
//! 5. [`report`] shows progress, every step for `--dry-run`, and the summary.
//!
//! One module per kind of target: [`git`] (runs the `git` binary with the user's own
//! credentials), [`s3`] (rusty-s3 signing over ureq), [`folder`], [`rsync`] (runs `rsync`,
//! over the user's own SSH). What is not here: building,
//! and anything a host does after receiving the files.

pub mod folder;
pub mod git;
pub mod plan;
pub mod report;
pub mod rsync;
pub mod s3;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::config::{Config, DeployKind, DeployTarget};
use crate::diagnostics::Diagnostic;
use plan::{LocalFile, Plan, RemoteFile};

/// A failure of the deploy, in plain words, with what to check.
#[derive(Debug)]
pub struct DeployError {
    pub message: String,
    pub help: Option<String>,
}

impl DeployError {
    pub fn new(message: impl Into<String>) -> Self {
        DeployError {
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn io(action: &str, path: &Path, e: std::io::Error) -> Self {
        DeployError::new(format!("could not {action} {}: {e}", path.display()))
    }

    pub fn to_diagnostic(&self) -> Diagnostic {
        let d = Diagnostic::error(&self.message);
        match &self.help {
            Some(h) => d.with_help(h),
            None => d,
        }
    }
}

impl fmt::Display for DeployError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A target chosen from `[deploy]`, with its keys checked.
#[derive(Debug, Clone)]
pub struct Target {
    /// `""` for the unnamed `[deploy]` target.
    pub name: String,
    pub kind: DeployKind,
    pub settings: DeployTarget,
    /// The site folder: relative paths in the settings are relative to it.
    pub root: PathBuf,
}

impl Target {
    /// `[deploy]` or `[deploy.NAME]`, for messages.
    pub fn section(&self) -> String {
        if self.name.is_empty() {
            "[deploy]".into()
        } else {
            format!("[deploy.{}]", self.name)
        }
    }

    /// A required key, or an error naming it.
    fn require<'a>(&self, value: &'a Option<String>, key: &str) -> Result<&'a str, DeployError> {
        value
            .as_deref()
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| {
                DeployError::new(format!(
                    "{} in versus.toml has no `{key}`, which target = \"{}\" needs",
                    self.section(),
                    kind_name(self.kind)
                ))
                .help(example(self.kind))
            })
    }

    /// Files never deleted from the target (default: CNAME, GitHub Pages' custom domain).
    pub fn keep(&self) -> Vec<String> {
        self.settings
            .keep
            .clone()
            .unwrap_or_else(|| vec!["CNAME".to_string()])
    }
}

fn kind_name(kind: DeployKind) -> &'static str {
    match kind {
        DeployKind::Git => "git",
        DeployKind::S3 => "s3",
        DeployKind::Folder => "folder",
        DeployKind::Rsync => "rsync",
    }
}

fn example(kind: DeployKind) -> &'static str {
    match kind {
        DeployKind::Git => {
            "for example: target = \"git\", remote = \"git@github.com:you/site.git\", branch = \"gh-pages\""
        }
        DeployKind::S3 => {
            "for example: target = \"s3\", bucket = \"my-site\", region = \"eu-west-1\""
        }
        DeployKind::Folder => "for example: target = \"folder\", path = \"/var/www/site\"",
        DeployKind::Rsync => {
            "for example: target = \"rsync\", destination = \"you@example.org:/var/www/site\""
        }
    }
}

/// Picks the target `name` (or the only or unnamed one) from the site's versus.toml. Errors in
/// versus.toml come back as they are; a problem with the choice as one diagnostic.
pub fn select(root: &Path, name: Option<&str>) -> Result<Target, Vec<Diagnostic>> {
    let (config, diags) = Config::load(root);
    let errors: Vec<Diagnostic> = diags.into_iter().filter(Diagnostic::is_error).collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    choose(&config, root, name)
        .map_err(|e| vec![e.to_diagnostic().in_file(crate::config::CONFIG_FILE)])
}

fn choose(config: &Config, root: &Path, name: Option<&str>) -> Result<Target, DeployError> {
    let targets = &config.deploy.targets;
    let names = || {
        targets
            .keys()
            .filter(|n| !n.is_empty())
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if targets.is_empty() {
        return Err(DeployError::new("versus.toml has no [deploy] section: nowhere to deploy to")
            .help("add one, for example:\n[deploy]\ntarget = \"git\"\nremote = \"git@github.com:you/site.git\"\nbranch = \"gh-pages\"\n(docs/deploy.md lists every target)"));
    }
    let (key, settings) = match name {
        Some(n) => targets.get_key_value(n).ok_or_else(|| {
            DeployError::new(format!("versus.toml has no deploy target `{n}`")).help(
                if names().is_empty() {
                    "only the unnamed [deploy] target exists: run `versus deploy` without a name"
                        .to_string()
                } else {
                    format!("the targets are: {}", names())
                },
            )
        })?,
        None => match targets.get_key_value("") {
            Some(t) => t,
            None if targets.len() == 1 => targets.iter().next().expect("one target"),
            None => {
                return Err(DeployError::new("which target? versus.toml names several")
                    .help(format!("run `versus deploy NAME` with one of {}", names())));
            }
        },
    };
    let section = if key.is_empty() {
        "[deploy]".to_string()
    } else {
        format!("[deploy.{key}]")
    };
    let kind = settings.target.ok_or_else(|| {
        DeployError::new(format!("{section} in versus.toml has no `target`"))
            .help("set target = \"git\", \"s3\", \"folder\" or \"rsync\"")
    })?;
    Ok(Target {
        name: key.clone(),
        kind,
        settings: settings.clone(),
        root: root.to_path_buf(),
    })
}

/// How `versus deploy` was asked to run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Flags {
    /// List what would happen; change nothing.
    pub dry_run: bool,
    /// Delete files that are gone from the build without asking.
    pub yes: bool,
    pub quiet: bool,
    pub verbose: bool,
}

/// What a deploy did, for the summary line.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub uploaded: usize,
    pub uploaded_bytes: u64,
    pub deleted: usize,
    pub unchanged: usize,
    /// Files not in the build left on the target because deleting was not confirmed.
    pub stale_kept: usize,
    /// A note from the target, e.g. "committed 1a2b3c4 and pushed".
    pub note: Option<String>,
}

/// A place a site is deployed to. Uploads may run on several threads at once.
pub trait Destination: Sync {
    /// How the target is named in messages: `s3://bucket/prefix/`, a remote and branch, a folder.
    fn describe(&self) -> String;
    /// Every file on the target, by its path relative to the site's root.
    fn list(&mut self) -> Result<BTreeMap<String, RemoteFile>, DeployError>;
    /// Files the target adds to the build (git's `.nojekyll`).
    fn extra_files(&self) -> Vec<LocalFile> {
        Vec::new()
    }
    /// Whether removing files from the target needs `--yes` or a confirmation (it does unless
    /// the target keeps history, as git does).
    fn deletes_need_consent(&self) -> bool {
        true
    }
    /// How many uploads may run at once.
    fn parallelism(&self) -> usize {
        1
    }
    fn upload(&self, file: &LocalFile, bytes: &[u8]) -> Result<(), DeployError>;
    /// Sends a whole group of files at once, for a target where that is much cheaper than
    /// one by one (one rsync run instead of one SSH connection per file). `None`: the group
    /// is sent with [`Destination::upload`].
    fn upload_group(&self, files: &[&LocalFile]) -> Option<Result<(), DeployError>> {
        let _ = files;
        None
    }
    fn delete(&mut self, paths: &[&str]) -> Result<(), DeployError>;
    /// After the uploads and deletes: git commits and pushes here. Returns a note for the
    /// summary.
    fn finish(&mut self, changed: bool) -> Result<Option<String>, DeployError> {
        let _ = changed;
        Ok(None)
    }
}

/// Connects to the target, plans, and deploys the build in `site_dir` (or lists what it would
/// do, for `--dry-run`).
pub fn run(target: &Target, site_dir: &Path, flags: &Flags) -> Result<Summary, DeployError> {
    let ui = report::Reporter::new(flags);
    let mut dest: Box<dyn Destination> = match target.kind {
        DeployKind::Git => Box::new(git::Git::open(target, &ui)?),
        DeployKind::S3 => Box::new(s3::S3::open(target)?),
        DeployKind::Folder => Box::new(folder::Folder::open(target)?),
        DeployKind::Rsync => Box::new(rsync::Rsync::open(target, site_dir)?),
    };
    let mut local = plan::local_files(site_dir)?;
    for extra in dest.extra_files() {
        if !local.iter().any(|f| f.path == extra.path) {
            local.push(extra);
        }
    }
    let remote = dest.list()?;
    let mut plan = Plan::new(&local, &remote, &target.keep());
    let destination = dest.describe();
    let deletes = plan.deletes().count();
    if deletes > 0 && dest.deletes_need_consent() && !flags.yes {
        let allowed = !flags.dry_run && ui.confirm_deletes(deletes, &destination);
        if !allowed {
            plan.keep_stale();
        }
    }
    if flags.dry_run {
        ui.list_plan(&plan);
        let summary = summarize(&plan, None);
        ui.dry_run_summary(
            &summary,
            &destination,
            target.settings.invalidate.as_deref(),
        );
        return Ok(summary);
    }
    if flags.verbose {
        ui.list_plan(&plan);
    }
    upload_all(dest.as_ref(), &local, &plan, &ui)?;
    let gone: Vec<&str> = plan.deletes().map(|s| s.path.as_str()).collect();
    if !gone.is_empty() {
        dest.delete(&gone)?;
    }
    let note = dest.finish(!plan.is_noop())?;
    let summary = summarize(&plan, note);
    ui.summary(&summary, &destination);
    if let Some(cmd) = &target.settings.invalidate
        && !plan.is_noop()
    {
        let changed: Vec<&str> = plan
            .uploads()
            .chain(plan.deletes())
            .map(|s| s.path.as_str())
            .collect();
        invalidate(cmd, &target.root, &changed)?;
    }
    Ok(summary)
}

fn summarize(plan: &Plan, note: Option<String>) -> Summary {
    use plan::Action;
    Summary {
        uploaded: plan.uploads().count(),
        uploaded_bytes: plan.upload_bytes(),
        deleted: plan.deletes().count(),
        unchanged: plan.count(|a| a == Action::Unchanged),
        stale_kept: plan.count(|a| a == Action::KeepStale),
        note,
    }
}

/// Uploads in plan order, one rank at a time: no page goes up before every asset is there,
/// and nothing of the next rank starts after a failure.
fn upload_all(
    dest: &dyn Destination,
    local: &[LocalFile],
    plan: &Plan,
    ui: &report::Reporter,
) -> Result<(), DeployError> {
    let steps: Vec<&plan::Step> = plan.uploads().collect();
    let bar = ui.progress(plan.upload_bytes());
    let mut start = 0;
    while start < steps.len() {
        let rank = plan::rank(&steps[start].path);
        let end = start
            + steps[start..]
                .iter()
                .take_while(|s| plan::rank(&s.path) == rank)
                .count();
        let batch = &steps[start..end];
        let failure = send_group(dest, local, batch, &bar);
        if let Some(e) = failure {
            bar.abandon();
            let help = match rank {
                0 => {
                    "no page was uploaded yet: the site as it was is still served whole; run the deploy again"
                }
                _ => {
                    "every asset was uploaded first, so each page served links to files that exist; run the deploy again to finish"
                }
            };
            let help = match e.help {
                Some(h) => format!("{h}\n{help}"),
                None => help.to_string(),
            };
            return Err(DeployError {
                message: e.message,
                help: Some(help),
            });
        }
        start = end;
    }
    bar.finish();
    Ok(())
}

/// Sends one group of the plan, on several threads where the target allows; returns the first
/// failure. After a failure no further upload of the group starts.
fn send_group(
    dest: &dyn Destination,
    local: &[LocalFile],
    batch: &[&plan::Step],
    bar: &report::Bar,
) -> Option<DeployError> {
    let file = |step: &plan::Step| &local[step.local.expect("uploads come from the build")];
    let files: Vec<&LocalFile> = batch.iter().map(|s| file(s)).collect();
    if let Some(result) = dest.upload_group(&files) {
        if result.is_ok() {
            for s in batch {
                bar.advance(&s.path, s.size);
            }
        }
        return result.err();
    }
    let next = AtomicUsize::new(0);
    let failure: Mutex<Option<DeployError>> = Mutex::new(None);
    let workers = dest.parallelism().clamp(1, batch.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= batch.len() || lock(&failure).is_some() {
                        return;
                    }
                    let step = batch[i];
                    let f = file(step);
                    match f.read().and_then(|bytes| dest.upload(f, &bytes)) {
                        Ok(()) => bar.advance(&step.path, step.size),
                        Err(e) => {
                            lock(&failure).get_or_insert(e);
                        }
                    }
                }
            });
        }
    });
    failure.into_inner().unwrap_or_else(|p| p.into_inner())
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs the `invalidate` command through the shell, in the site folder, with the changed
/// paths (`/a/index.html`, one a line) in `VERSUS_DEPLOY_CHANGED`.
fn invalidate(cmd: &str, root: &Path, changed: &[&str]) -> Result<(), DeployError> {
    let list: Vec<String> = changed.iter().map(|p| format!("/{p}")).collect();
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .current_dir(if root.as_os_str().is_empty() {
            Path::new(".")
        } else {
            root
        })
        .env("VERSUS_DEPLOY_CHANGED", list.join("\n"))
        .status()
        .map_err(|e| DeployError::new(format!("could not run the invalidate command: {e}")))?;
    if status.success() {
        Ok(())
    } else {
        Err(DeployError::new(format!(
            "the site was deployed, but the invalidate command failed ({status}): {cmd}"
        ))
        .help("check the command under `invalidate` in versus.toml; run it again by hand"))
    }
}

/// A temporary folder for a target's work (git's clone, rsync's file lists), removed on drop.
pub(crate) fn scratch_dir() -> Result<tempfile::TempDir, DeployError> {
    tempfile::Builder::new()
        .prefix("versus-deploy-")
        .tempdir()
        .map_err(|e| DeployError::new(format!("could not make a temporary folder: {e}")))
}

/// A path from versus.toml, made absolute: relative ones are relative to the site folder.
/// (Absolute, because git runs it from inside its clone.)
pub(crate) fn site_path(root: &Path, path: &str) -> PathBuf {
    let p = root.join(path);
    p.canonicalize()
        .or_else(|_| std::path::absolute(&p))
        .unwrap_or(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Config {
        let (c, d) = Config::parse(text);
        assert!(d.is_empty(), "{d:?}");
        c
    }

    #[test]
    fn the_unnamed_target_is_the_default_and_names_pick_others() {
        let c = config(
            "[deploy]\ntarget = \"git\"\nremote = \"r\"\n[deploy.box]\ntarget = \"folder\"\npath = \"p\"\n",
        );
        assert_eq!(
            choose(&c, Path::new(""), None).unwrap().kind,
            DeployKind::Git
        );
        assert_eq!(
            choose(&c, Path::new(""), Some("box")).unwrap().kind,
            DeployKind::Folder
        );
        let e = choose(&c, Path::new(""), Some("bx")).unwrap_err();
        assert!(e.message.contains("no deploy target `bx`"), "{e}");
        assert_eq!(e.help.as_deref(), Some("the targets are: `box`"));
    }

    #[test]
    fn several_named_targets_need_a_name_and_a_missing_section_says_how() {
        let c = config(
            "[deploy.a]\ntarget = \"folder\"\npath = \"p\"\n[deploy.b]\ntarget = \"folder\"\npath = \"q\"\n",
        );
        let e = choose(&c, Path::new(""), None).unwrap_err();
        assert!(e.help.unwrap().contains("`a`, `b`"));
        let e = choose(&config(""), Path::new(""), None).unwrap_err();
        assert!(e.message.contains("no [deploy] section"), "{e}");
        let one = config("[deploy.only]\ntarget = \"folder\"\npath = \"p\"\n");
        assert_eq!(choose(&one, Path::new(""), None).unwrap().name, "only");
    }

    #[test]
    fn a_missing_required_key_is_named() {
        let c = config("[deploy]\ntarget = \"s3\"\n");
        let t = choose(&c, Path::new(""), None).unwrap();
        let e = t.require(&t.settings.bucket, "bucket").unwrap_err();
        assert_eq!(
            e.message,
            "[deploy] in versus.toml has no `bucket`, which target = \"s3\" needs"
        );
    }
}
