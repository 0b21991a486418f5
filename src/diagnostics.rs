//! Errors and warnings about the author's input, with the place they were found.
//!
//! Every stage of the pipeline *collects* diagnostics instead of stopping at the first one, so
//! a single run reports every problem it can find. A [`Diagnostic`] names a file (relative to
//! the site root), and where known a 1-based line and column plus the text of that line, so it
//! can be printed like rustc does: message, `--> file:line:col`, the source line and a caret.
//!
//! This module is not for failures of the machine (a full disk, a missing permission): those
//! are [`crate::Error`] values, which stop the build.

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

/// How bad a diagnostic is. `--strict` turns warnings into errors at the end of a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One problem in the input, with where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    /// Path relative to the site root (`content/a.md`), or the config file.
    pub file: Option<PathBuf>,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// The text of `line`, shown under the message.
    pub source_line: Option<String>,
    /// A hint: "did you mean `flask`?", "valid levels: ...".
    pub help: Option<String>,
    /// A second place involved (the other half of a conflict).
    pub note: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Self::new(Severity::Error, message)
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, message)
    }

    fn new(severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            message: message.into(),
            file: None,
            line: 0,
            column: 0,
            source_line: None,
            help: None,
            note: None,
        }
    }

    pub fn in_file(mut self, file: impl AsRef<Path>) -> Self {
        self.file = Some(file.as_ref().to_path_buf());
        self
    }

    /// Sets line and column; `source` is the whole file text the line is taken from.
    pub fn at(mut self, line: usize, column: usize, source: Option<&str>) -> Self {
        self.line = line;
        self.column = column;
        if let Some(text) = source {
            self.source_line = line
                .checked_sub(1)
                .and_then(|i| text.lines().nth(i))
                .map(|l| l.trim_end_matches('\r').to_string());
        }
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:col`, as much of it as is known.
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?;
        let mut s = file.display().to_string().replace('\\', "/");
        if self.line > 0 {
            let _ = write!(s, ":{}", self.line);
            if self.column > 0 {
                let _ = write!(s, ":{}", self.column);
            }
        }
        Some(s)
    }

    /// A rustc-like multi-line rendering. `color` adds ANSI styles.
    pub fn render(&self, color: bool) -> String {
        use anstyle::{AnsiColor, Style};
        let paint = |style: Style, text: &str| {
            if color {
                format!("{}{}{}", style.render(), text, style.render_reset())
            } else {
                text.to_string()
            }
        };
        let (label, label_style) = match self.severity {
            Severity::Error => ("error", AnsiColor::Red.on_default().bold()),
            Severity::Warning => ("warning", AnsiColor::Yellow.on_default().bold()),
        };
        let blue = AnsiColor::Blue.on_default().bold();
        let mut out = String::new();
        out.push_str(&paint(label_style, label));
        out.push_str(&paint(Style::new().bold(), &format!(": {}", self.message)));
        out.push('\n');
        if let Some(loc) = self.location() {
            let gutter = " ".repeat(self.line.max(1).to_string().len());
            let _ = writeln!(out, "{gutter}{} {loc}", paint(blue, "-->"));
            if let Some(src) = &self.source_line {
                let num = self.line.to_string();
                let _ = writeln!(out, "{gutter} {}", paint(blue, "|"));
                let _ = writeln!(out, "{} {} {}", paint(blue, &num), paint(blue, "|"), src);
                if self.column > 0 {
                    let pad: String = src
                        .chars()
                        .take(self.column - 1)
                        .map(|c| if c == '\t' { '\t' } else { ' ' })
                        .collect();
                    let _ = writeln!(
                        out,
                        "{gutter} {} {pad}{}",
                        paint(blue, "|"),
                        paint(label_style, "^")
                    );
                }
            }
        }
        if let Some(note) = &self.note {
            let _ = writeln!(out, "  = note: {note}");
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  = help: {help}");
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    /// One line: `error: content/a.md:3:7: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match self.location() {
            Some(loc) => write!(f, "{label}: {loc}: {}", self.message)?,
            None => write!(f, "{label}: {}", self.message)?,
        }
        if let Some(help) = &self.help {
            write!(f, " ({help})")?;
        }
        Ok(())
    }
}

/// Sorts diagnostics by file, line, column so that output does not depend on thread timing.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
    });
}

/// Prints diagnostics to stderr, one after the other; colours only reach a terminal (anstream
/// strips them from pipes and files and honours `NO_COLOR`).
pub fn eprint(diags: &[Diagnostic]) {
    use std::io::Write;
    let mut err = anstream::stderr().lock();
    for d in diags {
        let _ = writeln!(err, "{}", d.render(true));
    }
}

/// Counts errors and warnings.
pub fn count(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags.iter().filter(|d| d.is_error()).count();
    (errors, diags.len() - errors)
}

/// The closest candidate to `word` by edit distance, if it is close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_l = word.to_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = strsim::levenshtein(&word_l, &c.to_lowercase());
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    let (d, c) = best?;
    let limit = (word.chars().count().max(c.chars().count()) / 3).max(2);
    (d <= limit).then_some(c)
}

/// 1-based (line, column) of a byte offset in `text`. Columns count characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let mut off = offset;
    while !text.is_char_boundary(off) {
        off -= 1;
    }
    let before = &text[..off];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Line starts of a text, for many offset → (line, column) look-ups: [`line_col`] scans from
/// the start each time, which is quadratic for a big file with many links.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// Same result as [`line_col`].
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut off = offset.min(self.text.len());
        while !self.text.is_char_boundary(off) {
            off -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= off);
        let start = self.starts[line - 1];
        (line, self.text[start..off].chars().count() + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos_and_rejects_strangers() {
        let ids = ["django", "flask", "fastapi"];
        assert_eq!(closest("flsk", ids), Some("flask"));
        assert_eq!(closest("Djngo", ids), Some("django"));
        assert_eq!(closest("rails", ids), None);
    }

    #[test]
    fn line_col_counts_chars() {
        let t = "ab\ncé d\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 7), (2, 4));
        let idx = LineIndex::new(t);
        for off in 0..=t.len() + 2 {
            assert_eq!(idx.line_col(off), line_col(t, off), "offset {off}");
        }
    }

    #[test]
    fn render_points_at_the_column() {
        let d =
            Diagnostic::error("bad thing")
                .in_file("content/a.md")
                .at(2, 3, Some("x\nabcdef\n"));
        let r = d.render(false);
        assert!(r.contains("--> content/a.md:2:3"), "{r}");
        assert!(r.contains("2 | abcdef"), "{r}");
        assert!(r.contains("  |   ^"), "{r}");
    }
}
