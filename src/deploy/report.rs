//! What `versus deploy` tells the user: a progress bar on a terminal, every step with its
//! reason for `--dry-run` (and `--verbose`), the question before deleting, and the summary
//! line. Nothing here decides what happens; it only says it.

use std::io::{BufRead, IsTerminal, Write};

use super::plan::Plan;
use super::{Flags, Summary};
use crate::error::plural;

pub struct Reporter {
    quiet: bool,
    verbose: bool,
}

impl Reporter {
    pub fn new(flags: &Flags) -> Reporter {
        Reporter {
            quiet: flags.quiet,
            verbose: flags.verbose,
        }
    }

    /// A line about what is going on ("cloning…"), for `--verbose` only.
    pub fn step(&self, what: &str) {
        if self.verbose {
            eprintln!("{what}");
        }
    }

    /// Asks before deleting, on a terminal only; anywhere else the answer is no (say `--yes`).
    pub fn confirm_deletes(&self, count: usize, destination: &str) -> bool {
        if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
            return false;
        }
        eprint!(
            "{count} file{} on {destination} {} not in the build. Delete {}? [y/N] ",
            plural(count),
            if count == 1 { "is" } else { "are" },
            if count == 1 { "it" } else { "them" }
        );
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        if std::io::stdin().lock().read_line(&mut answer).is_err() {
            return false;
        }
        matches!(answer.trim(), "y" | "Y" | "yes" | "Yes")
    }

    /// Every step of the plan: `upload  a/index.html  (changed, 4.1 kB)`.
    pub fn list_plan(&self, plan: &Plan) {
        if self.quiet {
            return;
        }
        let mut out = std::io::stdout().lock();
        for s in &plan.steps {
            let (verb, why) = s.action.describe();
            let _ = writeln!(out, "{verb:<7} {}  ({why}, {})", s.path, bytes(s.size));
        }
    }

    pub fn dry_run_summary(&self, s: &Summary, destination: &str, invalidate: Option<&str>) {
        if !self.quiet {
            println!(
                "Dry run, nothing changed: would upload {} file{} ({}), delete {}, leave {} unchanged on {destination}",
                s.uploaded,
                plural(s.uploaded),
                bytes(s.uploaded_bytes),
                s.deleted,
                s.unchanged
            );
            if let Some(cmd) = invalidate
                && s.uploaded + s.deleted > 0
            {
                println!("then run: {cmd}");
            }
        }
        self.stale_warning(s);
    }

    pub fn summary(&self, s: &Summary, destination: &str) {
        if !self.quiet {
            let note = s
                .note
                .as_deref()
                .map_or(String::new(), |n| format!("; {n}"));
            println!(
                "Deployed to {destination}: {} uploaded ({}), {} deleted, {} unchanged{note}",
                s.uploaded,
                bytes(s.uploaded_bytes),
                s.deleted,
                s.unchanged
            );
        }
        self.stale_warning(s);
    }

    fn stale_warning(&self, s: &Summary) {
        if s.stale_kept > 0 {
            eprintln!(
                "warning: {} file{} on the target {} not in the build and {} left there; run with --yes to delete {}",
                s.stale_kept,
                plural(s.stale_kept),
                if s.stale_kept == 1 { "is" } else { "are" },
                if s.stale_kept == 1 { "was" } else { "were" },
                if s.stale_kept == 1 { "it" } else { "them" },
            );
        }
    }

    /// A bar over the bytes to upload, on a terminal and when not quiet.
    pub fn progress(&self, total: u64) -> Bar {
        if self.quiet || !std::io::stdout().is_terminal() || total == 0 {
            return Bar(None);
        }
        let pb = indicatif::ProgressBar::new(total);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "uploading {decimal_bytes}/{decimal_total_bytes} [{bar:30}] {eta} {wide_msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Bar(Some(pb))
    }
}

/// The upload progress bar, or nothing.
pub struct Bar(Option<indicatif::ProgressBar>);

impl Bar {
    pub fn advance(&self, path: &str, size: u64) {
        if let Some(pb) = &self.0 {
            pb.set_message(path.to_string());
            pb.inc(size);
        }
    }

    pub fn finish(&self) {
        if let Some(pb) = &self.0 {
            pb.finish_and_clear();
        }
    }

    pub fn abandon(&self) {
        if let Some(pb) = &self.0 {
            pb.abandon();
        }
    }
}

/// `1234` → `1.2 kB`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1000.0;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::bytes;

    #[test]
    fn byte_counts_read_like_words() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(1234), "1.2 kB");
        assert_eq!(bytes(5_600_000), "5.6 MB");
    }
}
