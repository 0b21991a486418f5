//! Data files as a source of statements and subjects: the cells of `content/data/` files
//! become [`super::Statement`]s with the same grammar ([`read_cell`]) and the same checks as feature
//! tables — unknown subjects and features with "did you mean", aliases, groups, conflicts —
//! and the subjects they declare become subject pages, as if `content/subjects/<id>.md` said
//! only its front matter.
//!
//! A statement keeps its file, line and column ([`Said::Data`]), so it is shown and linked
//! like any other: "said in browsers.csv, row 12", linking to the file as published.
//!
//! Not here: reading the formats ([`crate::content`]), which statement stands for a subject
//! (`verdicts`), which pairs get a page (`relations`).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;

use super::statements::{read_cell, unknown_subject};
use super::{Data, FeatureId, Model, Page, Said, SubjectId};
use crate::content::{DataFile, Format, Source, SourceKind};
use crate::diagnostics::Diagnostic;

/// Subject pages declared in data files: one source each, as an empty
/// `content/subjects/<id>.md` with the record's keys as its front matter. A subject declared
/// twice (in two records, or also by a Markdown file) is an error at the later record.
pub(super) fn subject_sources(
    data: &[DataFile],
    sources: &[Source],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Source> {
    let mut by_id: HashMap<String, String> = sources
        .iter()
        .filter(|s| s.kind == SourceKind::Subject)
        .map(|s| (s.stem().to_string(), s.file.display().to_string()))
        .collect();
    let mut out = Vec::new();
    for file in data {
        for record in &file.subjects {
            let id = &record.id;
            let here = format!("{}:{}", file.file.display(), id.line);
            if let Some(other) = by_id.get(&id.value) {
                diags.push(
                    Diagnostic::error(format!(
                        "subject `{}` is declared twice: here and in {other}",
                        id.value
                    ))
                    .in_file(&file.file)
                    .at(id.line, id.column, Some(&file.text))
                    .with_help("keep one of them"),
                );
                continue;
            }
            by_id.insert(id.value.clone(), here.replace('\\', "/"));
            out.push(Source {
                file: file.file.clone(),
                rel: format!("subjects/{}.md", id.value),
                kind: SourceKind::Subject,
                // No body, and no text of its own: messages about it point into the data
                // file by line.
                text: String::new().into(),
                body_start: 0,
                body_line: 1,
                format: Format::None,
                front: record.front.clone().into(),
                outline: None,
            });
        }
    }
    out
}

impl Model {
    /// Reads every data file's rows into statements, after the pages' (so that a page's
    /// statement comes first in lists, and a conflict is reported at the data file's cell).
    pub(super) fn collect_data_statements(
        &mut self,
        data: Vec<DataFile>,
        diags: &mut Vec<Diagnostic>,
    ) {
        let known: Vec<String> = self.subjects.iter().map(|s| s.id.clone()).collect();
        for mut file in data {
            let did = self.data.len();
            let place = (file.file.as_path(), file.text.as_str());
            // Without a catalogue, features are grouped by the file that first states them.
            let group_hint = file
                .name()
                .rsplit_once('.')
                .map_or(file.name(), |(stem, _)| stem)
                .to_string();
            // A matrix's columns are checked once each, not once per cell.
            let mut bad_columns = HashSet::new();
            for c in &file.columns {
                if !self.subject_by_id.contains_key(&c.value) {
                    diags.push(unknown_subject(&c.value, &known, place, c.line, c.column));
                    bad_columns.insert(c.value.as_str());
                }
            }
            let mut statements = Vec::new();
            let mut rows_seen: HashMap<FeatureId, usize> = HashMap::new();
            let mut cells_seen: HashMap<(FeatureId, SubjectId), usize> = HashMap::new();
            for (i, raw) in file.rows.iter().enumerate() {
                let feature =
                    self.feature_for(&raw.name, place, (raw.line, raw.column), &group_hint, diags);
                if file.matrix
                    && let Some(&first) = rows_seen.get(&feature)
                {
                    diags.push(twice(
                        format!(
                            "feature `{}` has two rows in this file (the other on line {first})",
                            self.features[feature].name
                        ),
                        place,
                        (raw.line, raw.column),
                    ));
                    continue;
                }
                rows_seen.insert(feature, raw.line);
                for cell in &raw.cells {
                    let id = cell.subject.as_deref().unwrap_or_default();
                    let Some(&sid) = self.subject_by_id.get(id) else {
                        if !bad_columns.contains(id) {
                            let (line, column) = file
                                .subjects_at
                                .get(i)
                                .copied()
                                .unwrap_or((cell.line, cell.column));
                            diags.push(unknown_subject(id, &known, place, line, column));
                        }
                        continue;
                    };
                    if let Some(&first) = cells_seen.get(&(feature, sid)) {
                        diags.push(twice(
                            format!(
                                "`{}` for `{id}` is stated twice in this file (first on line {first})",
                                self.features[feature].name
                            ),
                            place,
                            (cell.line, cell.column),
                        ));
                        continue;
                    }
                    cells_seen.insert((feature, sid), cell.line);
                    let said = Said::Data(did);
                    if let Some(st) =
                        read_cell(&self.levels, cell, sid, feature, said, place, diags)
                    {
                        statements.push(self.add_statement(st));
                    }
                }
            }
            let subjects: BTreeSet<SubjectId> = statements
                .iter()
                .map(|&st| self.statements[st].subject)
                .collect();
            file.rows = Vec::new();
            file.subjects_at = Vec::new();
            self.data.push(Data {
                source: file,
                statements,
                subjects: subjects.into_iter().collect(),
            });
        }
    }

    /// The file and text a statement was made in, for messages.
    pub fn said_in(&self, said: Said) -> (&Path, &str) {
        said_in(&self.pages, &self.data, said)
    }
}

/// [`Model::said_in`] for callers that hold the statements mutably. The page is read by
/// index, so that what reads one statement's place depends on that one page
/// ([`super::tracked`]).
pub(super) fn said_in<'a, P>(pages: &'a P, data: &'a [Data], said: Said) -> (&'a Path, &'a str)
where
    P: std::ops::Index<usize, Output = Page> + ?Sized,
{
    match said {
        Said::Page(p) => {
            let s = &pages[p].source;
            // A subject declared in a data file has no text of its own.
            (&s.file, &s.text)
        }
        Said::Data(d) => (&data[d].source.file, &data[d].source.text),
    }
}

fn twice(
    message: String,
    (file, text): (&Path, &str),
    (line, column): (usize, usize),
) -> Diagnostic {
    Diagnostic::error(message)
        .in_file(file)
        .at(line, column, Some(text))
        .with_help("keep one of them")
}
