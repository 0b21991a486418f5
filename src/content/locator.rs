//! Temporary.

/// Finds where keys were written in front matter text. Serde does not keep positions, so
/// this scans lines; it understands the shapes authors write (`key = `, `"key" = `, `key:`,
/// `[features."key"]`, and `subject = ` inside an inline table).
pub(super) struct Locator<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Locator<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Locator {
            lines: text.lines().collect(),
        }
    }

    /// 1-based line of the first line at or after `from` (1-based; 0 = start) that defines
    /// `key`; 0 when not found.
    pub(super) fn key_line(&self, key: &str, from: usize) -> usize {
        let start = from.saturating_sub(1);
        for (i, line) in self.lines.iter().enumerate().skip(start) {
            if key_position(line, key).is_some() {
                return i + 1;
            }
        }
        0
    }

    pub(super) fn key_col(&self, line: usize, key: &str) -> usize {
        line.checked_sub(1)
            .and_then(|i| self.lines.get(i))
            .and_then(|l| key_position(l, key))
            .map_or(0, |b| b + 1)
    }

    /// Position of a `subject` key in a feature row starting at `row_line`: the same line for
    /// inline tables, a later line for sub-tables.
    pub(super) fn cell_pos(&self, subject: &str, row_line: usize) -> (usize, usize) {
        if row_line == 0 {
            return (0, 0);
        }
        for (i, line) in self.lines.iter().enumerate().skip(row_line - 1).take(40) {
            if let Some(col) = word_key_in_line(line, subject, i + 1 == row_line) {
                return (i + 1, line[..col].chars().count() + 1);
            }
        }
        (row_line, 1)
    }

    /// Position of a value `word` (e.g. a subject id in a list) on line `from` (after its
    /// key) or the lines below it, as a whole token.
    pub(super) fn find_word_after(&self, word: &str, from: usize) -> (usize, usize) {
        let start = from.saturating_sub(1);
        for (i, line) in self.lines.iter().enumerate().skip(start).take(50) {
            let skip = if i == start {
                line.find(['=', ':']).map_or(0, |p| p + 1)
            } else {
                0
            };
            if let Some(b) = find_token(&line[skip..], word) {
                return (i + 1, line[..skip + b].chars().count() + 1);
            }
        }
        (from, 1)
    }
}

/// Byte offset of `word` in `text` where it is not part of a longer word.
fn find_token(text: &str, word: &str) -> Option<usize> {
    // An empty word is found everywhere and would never advance the search below.
    if word.is_empty() {
        return None;
    }
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let at = from + i;
        let end = at + word.len();
        let before_ok = !text[..at].chars().next_back().is_some_and(is_word);
        let after_ok = !text[end..].chars().next().is_some_and(is_word);
        if before_ok && after_ok {
            return Some(at);
        }
        from = end;
    }
    None
}

/// Byte offset where `key` is defined on this line, if it is.
fn key_position(line: &str, key: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    // `[features."Name"]` or `[features.Name]`
    if let Some(inner) = trimmed.strip_prefix('[') {
        let inner = inner.trim_end().trim_end_matches(']');
        let last = inner.rsplit('.').next().unwrap_or("");
        let last = last.trim().trim_matches('"').trim_matches('\'');
        if last == key {
            return Some(indent);
        }
        if inner.contains(&format!("\"{key}\"")) {
            return Some(indent);
        }
        return None;
    }
    let t = trimmed.strip_prefix("- ").unwrap_or(trimmed);
    for (open, close) in [("\"", "\""), ("'", "'"), ("", "")] {
        if let Some(rest) = t.strip_prefix(open)
            && let Some(rest) = rest.strip_prefix(key)
            && let Some(rest) = rest.strip_prefix(close)
        {
            let rest = rest.trim_start();
            if rest.starts_with('=') || rest.starts_with(':') {
                return Some(indent);
            }
        }
    }
    None
}

/// Byte offset of `subject =`/`subject:` in a line, as a key (not inside a value string).
fn word_key_in_line(line: &str, subject: &str, inline: bool) -> Option<usize> {
    if !inline {
        return key_position(line, subject);
    }
    // As in `find_token`: an empty key would loop forever.
    if subject.is_empty() {
        return None;
    }
    let bytes = line.as_bytes();
    let mut from = 0;
    while let Some(i) = line[from..].find(subject) {
        let start = from + i;
        let end = start + subject.len();
        let before_ok = start == 0 || {
            let c = bytes[start - 1];
            c == b'{' || c == b',' || c == b' ' || c == b'"' || c == b'\''
        };
        let mut j = end;
        if j < bytes.len() && (bytes[j] == b'"' || bytes[j] == b'\'') {
            j += 1;
        }
        let after = line[j..].trim_start();
        if before_ok && (after.starts_with('=') || after.starts_with(':')) {
            let s = if start > 0 && (bytes[start - 1] == b'"' || bytes[start - 1] == b'\'') {
                start - 1
            } else {
                start
            };
            return Some(s);
        }
        from = end;
    }
    None
}
