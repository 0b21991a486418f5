//! Feature-table cells → statements, and the checks on them.
//!
//! Each cell of each page's table is read by the cell grammar (`cells`) into a [`Statement`]
//! about one subject and one feature, kept with the file, line and column it was written at.
//! Cells for unknown subjects or for subjects a page does not compare are errors; two
//! statements that give one subject and feature different levels are a conflict warning
//! naming both.
//!
//! Not here: which feature a row name means (see `catalog`), what a cell says (`cells`),
//! how statements are dated (`freshness`) or shown.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rayon::prelude::*;

use super::cells::{CellProblem, ParsedCell, parse_cell};
use super::levels::LevelSet;
use super::{FeatureId, Model, Row, Said, Statement, StatementId, SubjectId};
use crate::content::{RawCell, SourceKind};
use crate::diagnostics::{Diagnostic, closest};

/// A cell as the grammar read it.
type Parsed = Result<ParsedCell, CellProblem>;

impl Model {
    pub(super) fn collect_subjects_and_statements(&mut self, diags: &mut Vec<Diagnostic>) {
        let known: Vec<String> = self.subjects.iter().map(|s| s.id.clone()).collect();
        // The pages are set aside while their tables are read, so that each source can be
        // borrowed while features and statements are added (instead of cloning every file).
        let mut pages = std::mem::take(&mut self.pages);
        // At most one statement per cell: sized once (see `add_pages`).
        let cells: usize = pages
            .iter()
            .flat_map(|p| &p.source.front.features)
            .map(|r| r.cells.len())
            .sum();
        self.statements.reserve_exact(cells);
        // The grammar needs nothing but the cell: every page's cells are read on every core
        // first, and the loop below, which numbers features and statements in order, takes
        // them as it meets the cells.
        let levels = &self.levels;
        let parsed: Vec<Vec<Parsed>> = pages
            .par_iter()
            .map(|page| {
                let rows = &page.source.front.features;
                let cells = rows.iter().flat_map(|r| &r.cells);
                cells.map(|cell| parse_cell(cell, levels)).collect()
            })
            .collect();
        for ((pid, page), parsed) in pages.iter_mut().enumerate().zip(parsed) {
            let mut parsed = parsed.into_iter();
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
                            (source.file.as_path(), &*source.text),
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
                    (source.file.as_path(), &*source.text),
                    (raw.line, raw.column),
                    &group_hint,
                    diags,
                );
                if let Some(&first) = seen_features.get(&feature) {
                    parsed.by_ref().take(raw.cells.len()).for_each(drop);
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
                    let read = parsed.next();
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
                                    (source.file.as_path(), &*source.text),
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
                    let subject = columns[column];
                    let place = (source.file.as_path(), &*source.text);
                    let said = Said::Page(pid);
                    if let Some(read) = read
                        && let Some(st) =
                            statement(read, cell, subject, feature, said, place, diags)
                    {
                        cells[column] = Some(self.add_statement(st));
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

    /// Adds a statement, listed under its subject and its feature.
    pub(super) fn add_statement(&mut self, st: Statement) -> StatementId {
        let id = self.statements.len();
        self.subjects[st.subject].statements.push(id);
        self.features[st.feature].statements.push(id);
        self.statements.push(st);
        id
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
                            o.level.map_or("?", |l| self.levels.name(l)),
                            self.subjects[subject].id,
                            first.level.map_or("?", |l| self.levels.name(l)),
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

/// One cell of a feature table or a data file → its statement about `subject` and
/// `feature`, with the grammar's warnings; `None` (and an error at the cell) when the cell
/// does not parse. `place` is the file and its text, for messages.
pub(super) fn read_cell(
    levels: &LevelSet,
    cell: &RawCell,
    subject: SubjectId,
    feature: FeatureId,
    said: Said,
    place: (&Path, &str),
    diags: &mut Vec<Diagnostic>,
) -> Option<Statement> {
    let read = parse_cell(cell, levels);
    statement(read, cell, subject, feature, said, place, diags)
}

/// What [`parse_cell`] read of a cell → its statement, as [`read_cell`].
fn statement(
    read: Parsed,
    cell: &RawCell,
    subject: SubjectId,
    feature: FeatureId,
    said: Said,
    (file, text): (&Path, &str),
    diags: &mut Vec<Diagnostic>,
) -> Option<Statement> {
    let at = |d: Diagnostic| d.in_file(file).at(cell.line, cell.column, Some(text));
    match read {
        Ok(parsed) => {
            for (msg, help) in parsed.warnings {
                let d = at(Diagnostic::warning(msg));
                diags.push(match help {
                    Some(h) => d.with_help(h),
                    None => d,
                });
            }
            Some(Statement {
                subject,
                feature,
                level: parsed.level,
                value: parsed.value,
                note: parsed.note,
                link: parsed.link,
                since: parsed.since,
                until: parsed.until,
                verified: parsed.verified.map(Box::new),
                verified_version: parsed.verified_version,
                as_of: None,
                said,
                line: cell.line,
                column: cell.column,
            })
        }
        Err((msg, help)) => {
            let d = at(Diagnostic::error(msg));
            diags.push(match help {
                Some(h) => d.with_help(h),
                None => d,
            });
            None
        }
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
