//! The `features` key of front matter → [`RawRow`]s of [`RawCell`]s, in the order written,
//! each with the line and column where its key was written.
//!
//! Cells are kept as written (a string, a boolean, a table): reading `"yes: note"` as a level
//! and a note, and every check against subjects and the catalogue, happens in the model.

use super::positions::Positions;
use super::tree::{Entry, Node, Tree};
use super::{RawCell, RawRow, SourceKind};
use crate::diagnostics::Diagnostic;

/// Reads the value of `features` (its key written at `key_at`). An article's rows are tables
/// of `subject = cell`; a subject's own rows are single cells about that subject.
pub(super) fn parse_features(
    value: &Node,
    key_at: usize,
    kind: SourceKind,
    pos: &Positions,
    diags: &mut Vec<Diagnostic>,
) -> Vec<RawRow> {
    let Tree::Table(rows) = &value.value else {
        diags.push(pos.place(
            Diagnostic::error(format!(
                "`features` must be a table of feature rows, found {}",
                value.describe()
            )),
            key_at,
        ));
        return Vec::new();
    };
    rows.iter()
        .map(|row| {
            let (line, column) = pos.line_col(row.at);
            RawRow {
                name: row.key.clone(),
                line,
                column,
                cells: cells(row, kind, pos, diags),
            }
        })
        .collect()
}

fn cells(
    row: &Entry,
    kind: SourceKind,
    pos: &Positions,
    diags: &mut Vec<Diagnostic>,
) -> Vec<RawCell> {
    let name = &row.key;
    if kind == SourceKind::Subject {
        // A subject's own table: one cell per feature, no subject key; it sits at the row.
        let (line, column) = pos.line_col(row.at);
        return vec![RawCell {
            subject: None,
            value: row.value.to_json(),
            line,
            column,
        }];
    }
    let Tree::Table(cells) = &row.value.value else {
        diags.push(
            pos.place(
                Diagnostic::error(format!(
                    "feature row `{name}` must be a table of subject = cell, found {}",
                    row.value.describe()
                )),
                row.at,
            )
            .with_help(format!(
                "write it as \"{name}\" = {{ django = \"yes\", flask = \"no\" }}"
            )),
        );
        return Vec::new();
    };
    cells
        .iter()
        .map(|cell| {
            let (line, column) = pos.line_col(cell.at);
            RawCell {
                subject: Some(cell.key.clone()),
                value: cell.value.to_json(),
                line,
                column,
            }
        })
        .collect()
}
