//! The `features` key of front matter → [`RawRow`]s of [`RawCell`]s, in the order written,
//! each with the place it was written.
//!
//! Cells are kept as written (a string, a boolean, a table): reading `"yes: note"` as a level
//! and a note, and every check against subjects and the catalogue, happens in the model.

use serde_json::Value;

use super::front_matter::describe;
use super::locator::Locator;
use super::{RawCell, RawRow, SourceKind};
use crate::diagnostics::Diagnostic;

pub(super) fn parse_features(
    value: &Value,
    kind: SourceKind,
    loc: &Locator,
    features_line: usize,
    text: &str,
    diags: &mut Vec<Diagnostic>,
) -> Vec<RawRow> {
    let Value::Object(rows) = value else {
        diags.push(
            Diagnostic::error(format!(
                "`features` must be a table of feature rows, found {}",
                describe(value)
            ))
            .at(features_line, 1, Some(text)),
        );
        return Vec::new();
    };
    let mut out = Vec::with_capacity(rows.len());
    let mut search_from = features_line;
    for (name, row) in rows {
        let row_line = loc.key_line(name, search_from);
        if row_line > 0 {
            search_from = row_line;
        }
        let mut cells = Vec::new();
        if kind == SourceKind::Subject {
            // A subject's own table: one cell per feature, no subject key.
            let col = loc.key_col(row_line, name);
            cells.push(RawCell {
                subject: None,
                value: row.clone(),
                line: row_line,
                column: col,
            });
        } else {
            match row {
                Value::Object(map) => {
                    for (subject, cell) in map {
                        let (l, c) = loc.cell_pos(subject, row_line);
                        cells.push(RawCell {
                            subject: Some(subject.clone()),
                            value: cell.clone(),
                            line: l,
                            column: c,
                        });
                    }
                }
                other => diags.push(
                    Diagnostic::error(format!(
                        "feature row `{name}` must be a table of subject = cell, found {}",
                        describe(other)
                    ))
                    .at(row_line, loc.key_col(row_line, name), Some(text))
                    .with_help(format!(
                        "write it as \"{name}\" = {{ django = \"yes\", flask = \"no\" }}"
                    )),
                ),
            }
        }
        out.push(RawRow {
            name: name.clone(),
            line: row_line,
            column: loc.key_col(row_line, name),
            cells,
        });
    }
    out
}
