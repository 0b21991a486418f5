//! The date each line of a content file was last committed, read from `git blame`: what
//! dates a statement when `[trust] git_dates` is on and its page gives no date of its own.
//!
//! One `git blame -w --line-porcelain` process per file with a feature table, a few at a time
//! (rayon's threads). Blame walks the file's history back until every line is accounted for,
//! so its cost grows with the number of commits that touched the file, not with the site;
//! files without a table are never blamed. Whitespace-only changes (re-aligning a table) do
//! not make a line newer (`-w`).
//!
//! Outside a git checkout, without git, or for a file git does not track, there are simply no
//! dates: the switch is a preference, and a site must build from a tarball too. Lines not
//! committed yet have no date either. A file whose text changed after it was blamed (the
//! preview server keeps these dates across edits) is treated as undated, since its line
//! numbers may have moved.
//!
//! Not here: which date a statement ends up with (`crate::model`, `freshness`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use super::{Date, Source};

/// Commit dates by file and line, for the files that were blamed.
#[derive(Debug, Default)]
pub struct LineDates {
    files: HashMap<PathBuf, FileDates>,
}

#[derive(Debug)]
struct FileDates {
    /// Hash of the text that was blamed.
    text_hash: u64,
    /// By line, from line 1.
    lines: Vec<Option<Date>>,
}

impl LineDates {
    /// Blames every file that states something: sources with a feature table, and data
    /// files. Never fails: a file git cannot blame has no dates.
    pub fn read(root: &Path, sources: &[Source], data: &[super::DataFile]) -> LineDates {
        let stating: Vec<(&Path, &str)> = sources
            .iter()
            .filter(|s| !s.front.features.is_empty())
            .map(|s| (s.file.as_path(), &*s.text))
            .chain(data.iter().map(|d| (d.file.as_path(), d.text.as_str())))
            .collect();
        let files = stating
            .par_iter()
            .filter_map(|&(file, text)| {
                let lines = blame(root, file)?;
                Some((
                    file.to_path_buf(),
                    FileDates {
                        text_hash: xxh3_64(text.as_bytes()),
                        lines,
                    },
                ))
            })
            .collect();
        LineDates { files }
    }

    /// When line `line` (from 1) of `file` was last committed, if its text is still `text`,
    /// the text that was blamed.
    pub fn of(&self, file: &Path, text: &str, line: usize) -> Option<&Date> {
        let f = self.files.get(file)?;
        if f.text_hash != xxh3_64(text.as_bytes()) {
            return None;
        }
        f.lines.get(line.checked_sub(1)?)?.as_ref()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// `git blame` of one file (relative to `root`), or `None` when git cannot tell.
fn blame(root: &Path, file: &Path) -> Option<Vec<Option<Date>>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(["blame", "-w", "--line-porcelain", "--"])
        .arg(file)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(parse_porcelain(&out.stdout))
}

/// Reads `--line-porcelain` output: per line a header (`<sha> <orig> <final> [<n>]`), the
/// commit's fields (`author-time`, `author-tz`, …) and the line itself after a tab. A line
/// not committed yet has the all-zero hash and gets no date.
fn parse_porcelain(out: &[u8]) -> Vec<Option<Date>> {
    let mut lines = Vec::new();
    let mut committed = false;
    let mut time: Option<i64> = None;
    let mut tz: i32 = 0;
    for raw in out.split(|&b| b == b'\n') {
        if raw.first() == Some(&b'\t') {
            lines.push(
                time.filter(|_| committed)
                    .and_then(|t| Date::from_unix(t, tz)),
            );
            time = None;
            tz = 0;
            continue;
        }
        let text = String::from_utf8_lossy(raw);
        if let Some(t) = text.strip_prefix("author-time ") {
            time = t.trim().parse().ok();
        } else if let Some(z) = text.strip_prefix("author-tz ") {
            tz = parse_tz(z.trim()).unwrap_or(0);
        } else if let Some(sha) = text.split(' ').next()
            && sha.len() == 40
            && sha.bytes().all(|b| b.is_ascii_hexdigit())
        {
            committed = sha.bytes().any(|b| b != b'0');
        }
    }
    lines
}

/// `+0130` → seconds east of UTC.
fn parse_tz(z: &str) -> Option<i32> {
    let (sign, digits) = match z.as_bytes().first()? {
        b'+' => (1, &z[1..]),
        b'-' => (-1, &z[1..]),
        _ => return None,
    };
    if digits.len() != 4 {
        return None;
    }
    let h: i32 = digits[..2].parse().ok()?;
    let m: i32 = digits[2..].parse().ok()?;
    Some(sign * (h * 3600 + m * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn porcelain_lines_get_their_commit_dates() {
        let sha = "a".repeat(40);
        let zero = "0".repeat(40);
        let out = format!(
            "{sha} 1 1 2\nauthor Ann\nauthor-time 1700000000\nauthor-tz +0100\nsummary x\n\tline one\n\
             {sha} 2 2\nauthor Ann\nauthor-time 1700000000\nauthor-tz +0100\n\tauthor-time 5\n\
             {zero} 3 3 1\nauthor Not Committed Yet\nauthor-time 1800000000\nauthor-tz +0000\n\tnew\n"
        );
        let lines = parse_porcelain(out.as_bytes());
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[0].as_ref().unwrap().rfc3339,
            "2023-11-14T23:13:20+01:00"
        );
        // A line whose own text looks like a field is still just the line.
        assert_eq!(lines[1], lines[0]);
        assert_eq!(lines[2], None);
    }

    #[test]
    fn time_zones() {
        assert_eq!(parse_tz("+0130"), Some(5400));
        assert_eq!(parse_tz("-0700"), Some(-25200));
        assert_eq!(parse_tz("0700"), None);
    }
}
