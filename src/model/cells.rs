//! The cell grammar: one feature-table cell as written → a level, a text value, a note, a
//! link, versions and a verification, checked against the site's levels.
//!
//! A cell is `"LEVEL"` or `"LEVEL: note"`, any other string (a text value), `true`/`false`
//! (`yes`/`no`), a number (a text value), or a table with `support`, `note`, `link`, `since`,
//! `until` and `verified`. A word before a colon that is nearly a level (`yse: pip`, `Yes:
//! …`) is still read as text, with a warning naming the level it resembles; a built-in
//! level word that the site's declared set leaves out is an error.
//!
//! Not here: which subject and feature a cell is about (`statements`), the level set itself
//! (`levels`).

use serde_json::Value;

use super::levels::{Level, LevelSet};
use crate::content::{Date, RawCell, describe, parse_date};

/// One cell, read.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct ParsedCell {
    pub level: Option<Level>,
    pub value: Option<String>,
    pub note: Option<String>,
    pub link: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
    /// `verified = 2026-05-01`: when the cell was last checked.
    pub verified: Option<Date>,
    /// `verified = "5.0"`: the subject's version it was checked against.
    pub verified_version: Option<String>,
    /// Problems that leave the cell readable: (message, help).
    pub warnings: Vec<CellProblem>,
}

/// A message and an optional help line.
pub(super) type CellProblem = (String, Option<String>);

/// Interprets one cell in any of the contract's forms.
pub(super) fn parse_cell(cell: &RawCell, levels: &LevelSet) -> Result<ParsedCell, CellProblem> {
    match &cell.value {
        Value::Bool(b) => {
            let word = if *b { "yes" } else { "no" };
            match levels.parse(word) {
                Some(l) => Ok(ParsedCell {
                    level: Some(l),
                    ..ParsedCell::default()
                }),
                None => Err((
                    format!("`{b}` stands for `{word}`, which is not one of this site's levels"),
                    Some(format!("write the level: {}", levels.names())),
                )),
            }
        }
        Value::Number(n) => Ok(ParsedCell {
            value: Some(n.to_string()),
            ..ParsedCell::default()
        }),
        Value::String(s) => parse_cell_string(s, levels),
        Value::Object(map) => parse_cell_table(map, levels),
        other => Err((
            format!(
                "a feature cell must be a string, a boolean, a number or a table, found {}",
                describe(other)
            ),
            None,
        )),
    }
}

/// `{ support, note, link, since, until, verified }`.
fn parse_cell_table(
    map: &serde_json::Map<String, Value>,
    levels: &LevelSet,
) -> Result<ParsedCell, CellProblem> {
    let mut out = ParsedCell::default();
    for (k, v) in map {
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) if k == "support" => (if *b { "yes" } else { "no" }).to_string(),
            other => {
                return Err((
                    format!(
                        "`{k}` in a feature cell must be a string, found {}",
                        describe(other)
                    ),
                    None,
                ));
            }
        };
        match k.as_str() {
            "support" => match levels.parse(text.trim()) {
                Some(l) => out.level = Some(l),
                None => {
                    return Err((
                        format!("unknown support level `{text}`"),
                        Some(levels.suggest(text.trim())),
                    ));
                }
            },
            "note" => out.note = Some(text),
            "link" => out.link = Some(text),
            "since" => out.since = Some(text),
            "until" => out.until = Some(text),
            "verified" => match parse_date(&text) {
                Some(d) => out.verified = Some(d),
                None if looks_like_version(&text) => out.verified_version = Some(text),
                None => {
                    return Err((
                        format!("`verified` must be a date or a version, found `{text}`"),
                        Some(
                            "e.g. verified = 2026-05-01 (when it was checked) or verified = \"5.0\" (the version checked)"
                                .into(),
                        ),
                    ));
                }
            },
            other => {
                return Err((
                    format!("unknown key `{other}` in a feature cell"),
                    Some(
                        "a cell table takes support, note, link, since, until and verified".into(),
                    ),
                ));
            }
        }
    }
    if out.level.is_none() && out.note.is_none() {
        return Err((
            "a feature cell table needs `support` or `note`".into(),
            Some(format!(
                "e.g. {{ support = \"yes\", note = \"...\" }}; levels: {}",
                levels.names()
            )),
        ));
    }
    Ok(out)
}

/// `"yes"`, `"yes: note"`, or plain text.
fn parse_cell_string(s: &str, levels: &LevelSet) -> Result<ParsedCell, CellProblem> {
    let (head, note) = match s.split_once(':') {
        Some((h, n)) => (h.trim(), Some(n.trim())),
        None => (s.trim(), None),
    };
    if let Some(level) = levels.parse(head) {
        return Ok(ParsedCell {
            level: Some(level),
            note: note.filter(|n| !n.is_empty()).map(str::to_string),
            ..ParsedCell::default()
        });
    }
    if levels.undeclared_builtin(head) {
        return Err((
            format!("`{head}` is not one of this site's levels"),
            Some(format!(
                "features.toml declares the levels; {}",
                levels.suggest(head)
            )),
        ));
    }
    let mut warnings = Vec::new();
    if let Some(meant) = levels.near_miss(head) {
        let fixed = match note {
            Some(n) => format!("{meant}: {n}"),
            None => meant.to_string(),
        };
        warnings.push((
            format!("`{head}` is not a level, so this cell is read as text"),
            Some(format!(
                "did you mean `{meant}`? levels are written in lower case: \"{fixed}\""
            )),
        ));
    }
    Ok(ParsedCell {
        value: Some(s.to_string()),
        warnings,
        ..ParsedCell::default()
    })
}

/// `5.0`, `v3.2`, `12`: digits first (after an optional `v`); but not a date cut short
/// (`2026-05`), which is more likely a mistake than a version.
fn looks_like_version(s: &str) -> bool {
    let s = s.trim();
    let partial_date =
        s.len() >= 5 && s.as_bytes()[..4].iter().all(u8::is_ascii_digit) && s.as_bytes()[4] == b'-';
    let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
    s.starts_with(|c: char| c.is_ascii_digit()) && !partial_date
}
