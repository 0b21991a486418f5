//! Feature-table cells → statements, and the checks on them.
//!
//! Each cell of each page's table is parsed in any of the contract's forms (`"yes: note"`, a
//! boolean, a number, a `{ support, note, link, since }` table) into a [`Statement`] about
//! one subject and one feature, kept with the file, line and column it was written at. Cells
//! for unknown subjects or for subjects a page does not compare are errors; two statements
//! that give one subject and feature different levels are a conflict warning naming both.
//!
//! Not here: which feature a row name means (see `catalog`), how statements are shown.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::{FeatureId, Model, Row, Said, Statement, StatementId, SubjectId};
use crate::content::{RawCell, SourceKind, describe};
use crate::diagnostics::{Diagnostic, closest};

/// A support level, the word before the colon in a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Yes,
    Partial,
    Plugin,
    No,
    Unknown,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Yes,
        Level::Partial,
        Level::Plugin,
        Level::No,
        Level::Unknown,
    ];

    pub fn parse(word: &str) -> Option<Level> {
        Some(match word {
            "yes" => Level::Yes,
            "partial" => Level::Partial,
            "plugin" => Level::Plugin,
            "no" => Level::No,
            "unknown" => Level::Unknown,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Yes => "yes",
            Level::Partial => "partial",
            Level::Plugin => "plugin",
            Level::No => "no",
            Level::Unknown => "unknown",
        }
    }
}

impl Model {
    pub(super) fn collect_subjects_and_statements(&mut self, diags: &mut Vec<Diagnostic>) {
        let known: Vec<String> = self.subjects.iter().map(|s| s.id.clone()).collect();
        // The pages are set aside while their tables are read, so that each source can be
        // borrowed while features and statements are added (instead of cloning every file).
        let mut pages = std::mem::take(&mut self.pages);
        for (pid, page) in pages.iter_mut().enumerate() {
            let source = &page.source;
            let front = &source.front;
            // Without a catalogue, features are grouped by the article that first states them.
            let group_hint = match source.kind {
                SourceKind::Article | SourceKind::Section | SourceKind::Home => page.title.clone(),
                SourceKind::Subject => super::OTHER_GROUP.to_string(),
            };
            // Column subjects of an article.
            let mut columns = Vec::new();
            if source.kind == SourceKind::Subject {
                if let Some(&sid) = self.subject_by_id.get(source.stem()) {
                    columns.push(sid);
                }
            } else {
                for s in &front.subjects {
                    match self.subject_by_id.get(&s.value) {
                        Some(&sid) => {
                            if columns.contains(&sid) {
                                diags.push(
                                    Diagnostic::warning(format!(
                                        "subject `{}` is listed twice",
                                        s.value
                                    ))
                                    .in_file(&source.file)
                                    .at(
                                        s.line,
                                        s.column,
                                        Some(&source.text),
                                    ),
                                );
                            } else {
                                columns.push(sid);
                                self.subjects[sid].articles.push(pid);
                            }
                        }
                        None => diags.push(unknown_subject(
                            &s.value,
                            &known,
                            (source.file.as_path(), source.text.as_str()),
                            s.line,
                            s.column,
                        )),
                    }
                }
            }
            let mut rows = Vec::new();
            let mut seen_features: HashMap<FeatureId, usize> = HashMap::new();
            for raw in &front.features {
                let feature = self.feature_for(
                    &raw.name,
                    (source.file.as_path(), source.text.as_str()),
                    (raw.line, raw.column),
                    &group_hint,
                    diags,
                );
                if let Some(&first) = seen_features.get(&feature) {
                    diags.push(
                        Diagnostic::error(format!(
                            "feature `{}` has two rows in this table (the other on line {first})",
                            self.features[feature].name
                        ))
                        .in_file(&source.file)
                        .at(raw.line, raw.column, Some(&source.text)),
                    );
                    continue;
                }
                seen_features.insert(feature, raw.line);
                let mut cells = vec![None; columns.len()];
                for cell in &raw.cells {
                    let column = match (&cell.subject, source.kind) {
                        (None, _) => 0,
                        (Some(sid), _) => match self.subject_by_id.get(sid) {
                            Some(s) => match columns.iter().position(|c| c == s) {
                                Some(c) => c,
                                None => {
                                    diags.push(
                                        Diagnostic::error(format!(
                                            "cell for subject `{sid}`, which this page does not compare"
                                        ))
                                        .in_file(&source.file)
                                        .at(cell.line, cell.column, Some(&source.text))
                                        .with_help(format!("add \"{sid}\" to `subjects`, or remove the cell")),
                                    );
                                    continue;
                                }
                            },
                            None => {
                                diags.push(unknown_subject(
                                    sid,
                                    &known,
                                    (source.file.as_path(), source.text.as_str()),
                                    cell.line,
                                    cell.column,
                                ));
                                continue;
                            }
                        },
                    };
                    if column >= columns.len() {
                        continue;
                    }
                    match parse_cell(cell) {
                        Ok(parsed) => {
                            let st = Statement {
                                subject: columns[column],
                                feature,
                                level: parsed.level,
                                value: parsed.value,
                                note: parsed.note,
                                link: parsed.link,
                                since: parsed.since,
                                said: Said::Page(pid),
                                line: cell.line,
                                column: cell.column,
                            };
                            let id = self.statements.len();
                            self.statements.push(st);
                            self.subjects[columns[column]].statements.push(id);
                            self.features[feature].statements.push(id);
                            cells[column] = Some(id);
                        }
                        Err((msg, help)) => {
                            let mut d = Diagnostic::error(msg).in_file(&source.file).at(
                                cell.line,
                                cell.column,
                                Some(&source.text),
                            );
                            if let Some(h) = help {
                                d = d.with_help(h);
                            }
                            diags.push(d);
                        }
                    }
                }
                rows.push(Row {
                    feature,
                    name: raw.name.clone(),
                    cells,
                });
            }
            if !front.features.is_empty()
                && columns.is_empty()
                && source.kind != SourceKind::Subject
            {
                diags.push(
                    Diagnostic::error("this page has a feature table but no `subjects`")
                        .in_file(&source.file)
                        .at(front.features_line, 1, Some(&source.text))
                        .with_help("list the subjects it compares: subjects = [\"a\", \"b\"]"),
                );
            }
            page.subjects = columns;
            page.rows = rows;
        }
        self.pages = pages;
    }

    pub(super) fn find_conflicts(&self, diags: &mut Vec<Diagnostic>) {
        let mut by_key: BTreeMap<(SubjectId, FeatureId), Vec<StatementId>> = BTreeMap::new();
        for (i, s) in self.statements.iter().enumerate() {
            if s.level.is_some() {
                by_key.entry((s.subject, s.feature)).or_default().push(i);
            }
        }
        for ((subject, feature), ids) in by_key {
            let first = &self.statements[ids[0]];
            for &other in &ids[1..] {
                let o = &self.statements[other];
                if o.level != first.level {
                    let (file, text) = self.said_in(o.said);
                    let (first_file, _) = self.said_in(first.said);
                    let first_at = format!(
                        "{}:{}:{}",
                        first_file.display().to_string().replace('\\', "/"),
                        first.line,
                        first.column
                    );
                    diags.push(
                        Diagnostic::warning(format!(
                            "conflict: `{}` is `{}` for {} here, but `{}` in {first_at}",
                            self.features[feature].name,
                            o.level.map_or("?", Level::as_str),
                            self.subjects[subject].id,
                            first.level.map_or("?", Level::as_str),
                        ))
                        .in_file(file)
                        .at(o.line, o.column, Some(text))
                        .with_note(format!("first stated at {first_at}")),
                    );
                }
            }
        }
    }
}

pub(super) struct ParsedCell {
    pub level: Option<Level>,
    pub value: Option<String>,
    pub note: Option<String>,
    pub link: Option<String>,
    pub since: Option<String>,
}

type CellError = (String, Option<String>);

fn valid_levels() -> String {
    Level::ALL
        .iter()
        .map(|l| l.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Interprets one cell in any of the contract's forms.
pub(super) fn parse_cell(cell: &RawCell) -> Result<ParsedCell, CellError> {
    let empty = ParsedCell {
        level: None,
        value: None,
        note: None,
        link: None,
        since: None,
    };
    match &cell.value {
        Value::Bool(b) => Ok(ParsedCell {
            level: Some(if *b { Level::Yes } else { Level::No }),
            ..empty
        }),
        Value::Number(n) => Ok(ParsedCell {
            value: Some(n.to_string()),
            ..empty
        }),
        Value::String(s) => Ok(parse_cell_string(s)),
        Value::Object(map) => {
            let mut out = empty;
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
                    "support" => match Level::parse(text.trim()) {
                        Some(l) => out.level = Some(l),
                        None => {
                            return Err((
                                format!("unknown support level `{text}`"),
                                Some(format!("valid levels: {}", valid_levels())),
                            ));
                        }
                    },
                    "note" => out.note = Some(text),
                    "link" => out.link = Some(text),
                    "since" => out.since = Some(text),
                    other => {
                        return Err((
                            format!("unknown key `{other}` in a feature cell"),
                            Some("a cell table takes support, note, link and since".into()),
                        ));
                    }
                }
            }
            if out.level.is_none() && out.note.is_none() {
                return Err((
                    "a feature cell table needs `support` or `note`".into(),
                    Some(format!(
                        "e.g. {{ support = \"yes\", note = \"...\" }}; levels: {}",
                        valid_levels()
                    )),
                ));
            }
            Ok(out)
        }
        other => Err((
            format!(
                "a feature cell must be a string, a boolean, a number or a table, found {}",
                describe(other)
            ),
            None,
        )),
    }
}

/// `"yes"`, `"yes: note"`, or plain text.
fn parse_cell_string(s: &str) -> ParsedCell {
    let (head, note) = match s.split_once(':') {
        Some((h, n)) => (h.trim(), Some(n.trim())),
        None => (s.trim(), None),
    };
    match Level::parse(head) {
        Some(level) => ParsedCell {
            level: Some(level),
            value: None,
            note: note.filter(|n| !n.is_empty()).map(str::to_string),
            link: None,
            since: None,
        },
        None => ParsedCell {
            level: None,
            value: Some(s.to_string()),
            note: None,
            link: None,
            since: None,
        },
    }
}

/// "unknown subject `flsk`" at a place in `file` (whose text is `text`), with the closest
/// known id.
pub(super) fn unknown_subject(
    id: &str,
    known: &[String],
    (file, text): (&Path, &str),
    line: usize,
    column: usize,
) -> Diagnostic {
    let mut d = Diagnostic::error(format!("unknown subject `{id}`"))
        .in_file(file)
        .at(line, column, Some(text));
    if let Some(c) = closest(id, known.iter().map(String::as_str)) {
        d = d.with_help(format!("did you mean `{c}`?"));
    } else if known.is_empty() {
        d = d.with_help(format!("create content/subjects/{id}.md"));
    } else {
        d = d.with_help(format!("known subjects: {}", known.join(", ")));
    }
    d
}
