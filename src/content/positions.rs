//! Parser byte offsets → the lines and columns diagnostics print, for any text versus reads
//! with a parser that reports offsets (front matter, data files, a cell of a CSV file).
//!
//! Not for finding positions: the parsers do that ([`super::tree`], the `csv` crate).

use crate::diagnostics::{Diagnostic, LineIndex};

/// Turns the parsers' byte offsets into diagnostics' lines and columns in the whole file.
pub(super) struct Positions<'a> {
    /// The file's text (at least up to the end of what was parsed).
    text: &'a str,
    /// Where the parsed text starts in `text` (the front matter in a Markdown file, 0 for a
    /// data file): parser offsets count from here.
    base: usize,
    lines: LineIndex<'a>,
}

impl<'a> Positions<'a> {
    pub fn new(text: &'a str, base: usize) -> Self {
        Positions {
            text,
            base,
            lines: LineIndex::new(text),
        }
    }

    /// 1-based line and column (in characters) of a parser offset.
    pub fn line_col(&self, at: usize) -> (usize, usize) {
        self.lines.line_col(self.base + at)
    }

    /// Where a string value's text starts: past its opening quote, so that a caret points at
    /// the word (`"flsk"` → `flsk`).
    pub fn inside_quotes(&self, at: usize) -> (usize, usize) {
        let quoted = matches!(self.text.as_bytes().get(self.base + at), Some(b'"' | b'\''));
        self.line_col(at + usize::from(quoted))
    }

    /// `d` placed at a parser offset, with the line it points into.
    pub fn place(&self, d: Diagnostic, at: usize) -> Diagnostic {
        let (line, column) = self.line_col(at);
        d.at(line, column, Some(self.text))
    }
}
