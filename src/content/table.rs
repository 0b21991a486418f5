//! CSV and TSV data files → statements or subjects, by what the header row says:
//!
//! | header | layout |
//! |---|---|
//! | `feature,<subject id>,<subject id>,…` | a matrix: one row per feature, one cell per subject |
//! | has `subject` and `feature` columns | records: one statement per row (`support`, `note`, `link`, `since`, `value`) |
//! | has `id` (and no `feature`) | subjects: one per row (`title`, `website`, …) |
//!
//! Header words are matched without regard to case or surrounding spaces; subject ids in a
//! matrix's header are taken as written. A matrix cell is what a front-matter cell would be:
//! `yes`, `partial: note`, a text value, or an inline TOML table `{ support = "yes", since =
//! "12" }` for what a string cannot hold; an empty cell states nothing.
//!
//! The `csv` crate reads the records and says where each starts (byte, line); the column of
//! each cell is found by walking that record's fields in the text, so a caret points at the
//! cell an author wrote. Not here: whether subjects exist or levels are known (the model).

use std::collections::HashMap;

use serde_json::Value;

use super::data::{self, DataFile, Field, Here, STATEMENT_KEYS, SUBJECT_KEYS};
use super::tree::{self, Tree};
use super::{Format, Located, RawCell, RawRow};
use crate::diagnostics::{Diagnostic, LineIndex};

/// One record of the file: each cell's text (not trimmed) and where it starts.
struct Record {
    cells: Vec<(String, (usize, usize))>,
    line: usize,
    /// Where the record ends, for "this row is short" messages.
    end: (usize, usize),
}

impl Record {
    fn is_blank(&self) -> bool {
        self.cells.iter().all(|(t, _)| t.trim().is_empty())
    }
}

pub(super) fn parse_table(data: &mut DataFile, delimiter: u8, diags: &mut Vec<Diagnostic>) {
    let text = std::mem::take(&mut data.text);
    let here = Here {
        file: &data.file,
        text: &text,
    };
    let records = read_records(&text, delimiter, &here, diags);
    if let Some((header, rows)) = records.split_first() {
        let keys: Vec<String> = header
            .cells
            .iter()
            .map(|(t, _)| t.trim().to_lowercase())
            .collect();
        let has = |k: &str| keys.iter().any(|x| x == k);
        if has("subject") && has("feature") {
            // A row whose cell columns are all empty states nothing, as an empty cell does.
            let states = |f: &[Field]| f.iter().any(|x| x.key != "subject" && x.key != "feature");
            let records = records_layout(header, &keys, rows, &here, diags, |f, at, d| {
                if states(&f) {
                    data::statement(f, at, &here, d)
                } else {
                    None
                }
            });
            data.set_records(records);
        } else if keys[0] == "feature" {
            data.matrix = true;
            (data.columns, data.rows) = matrix(header, rows, &here, diags);
        } else if has("id") {
            data.subjects = records_layout(header, &keys, rows, &here, diags, |f, at, d| {
                data::subject(f, at, &here, d)
            });
        } else {
            let (line, column) = header.cells[0].1;
            diags.push(
                here.at(
                    Diagnostic::error(format!(
                        "cannot tell what this {} holds from its header row",
                        data.format.name()
                    )),
                    line,
                    column,
                )
                .with_help(
                    "start the header with `feature` (a matrix: one column per subject), \
                     or name `subject` and `feature` columns (one statement per row), \
                     or an `id` column (one subject per row)",
                ),
            );
        }
    }
    data.text = text;
}

/// Every non-blank record, with the place of each cell. A read error (the `csv` crate is
/// lenient: only broken UTF-8, already reported when the file was read) ends the file.
fn read_records(
    text: &str,
    delimiter: u8,
    here: &Here,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Record> {
    let index = LineIndex::new(text);
    // A byte-order mark is not a column an editor shows.
    let bom = text.starts_with('\u{feff}');
    let place = |at: usize| match index.line_col(at) {
        (1, c) if bom => (1, c.saturating_sub(1).max(1)),
        lc => lc,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let (line, column) = e.position().map_or((0, 0), |p| place(p.byte() as usize));
                diags.push(here.at(
                    Diagnostic::error(format!("cannot read this row: {e}")),
                    line,
                    column,
                ));
                break;
            }
        };
        let Some(pos) = record.position() else {
            continue;
        };
        let starts = field_starts(
            text.as_bytes(),
            pos.byte() as usize,
            delimiter,
            record.len(),
        );
        // The reader's position is before any blank lines it skipped: the row's line is that
        // of its first cell.
        let line = starts.first().map_or(pos.line() as usize, |&s| place(s).0);
        let end = starts.last().map_or(pos.byte() as usize, |&s| {
            s + record.get(record.len() - 1).map_or(0, str::len)
        });
        let r = Record {
            cells: record
                .iter()
                .zip(&starts)
                .map(|(t, &s)| (t.to_string(), place(s)))
                .collect(),
            line,
            end: place(end),
        };
        if !r.is_blank() {
            out.push(r);
        }
    }
    out
}

/// Byte offsets where each of a record's `n` fields starts (past an opening quote), walking
/// the raw text from where the reader says the record starts (blank lines before it
/// included) as the CSV grammar does: a quoted field runs to its
/// closing quote (`""` is a quote inside it), any field to the next delimiter.
fn field_starts(text: &[u8], start: usize, delimiter: u8, n: usize) -> Vec<usize> {
    let mut i = start;
    if text[i.min(text.len())..].starts_with("\u{feff}".as_bytes()) {
        i += 3;
    }
    // Blank lines before the record (the reader skips them).
    while matches!(text.get(i), Some(b'\n' | b'\r')) {
        i += 1;
    }
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        if text.get(i) == Some(&b'"') {
            i += 1;
            out.push(i);
            while i < text.len() {
                if text[i] == b'"' {
                    i += 1;
                    if text.get(i) != Some(&b'"') {
                        break;
                    }
                }
                i += 1;
            }
        } else {
            out.push(i);
        }
        while i < text.len() && !matches!(text[i], b'\n' | b'\r') && text[i] != delimiter {
            i += 1;
        }
        if text.get(i) == Some(&delimiter) {
            i += 1;
        } else {
            break;
        }
    }
    // Only if the walk and the reader disagree (they should not): keep every cell placed.
    while out.len() < n {
        out.push(i);
    }
    out
}

/// "row 5 has 3 cells, but the header has 4", at the row's end or its first extra cell.
fn ragged(row: &Record, width: usize, here: &Here) -> Option<Diagnostic> {
    let n = row.cells.len();
    let (what, (line, column)) = match n.cmp(&width) {
        std::cmp::Ordering::Equal => return None,
        std::cmp::Ordering::Less => ("is short", row.end),
        std::cmp::Ordering::Greater => ("is long", row.cells[width].1),
    };
    Some(
        here.at(
            Diagnostic::error(format!(
                "row {} {what}: it has {n} cells, but the header has {width}",
                row.line
            )),
            line,
            column,
        )
        .with_help("every row needs one cell per column (an empty cell states nothing)"),
    )
}

/// `feature,<id>,<id>,…`: one row per feature.
fn matrix(
    header: &Record,
    rows: &[Record],
    here: &Here,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Located<String>>, Vec<RawRow>) {
    let width = header.cells.len();
    let mut columns: Vec<Located<String>> = Vec::with_capacity(width - 1);
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (text, (line, column)) in &header.cells[1..] {
        let id = text.trim();
        if !id.is_empty()
            && let Some(first) = seen.insert(id, *column)
        {
            diags.push(here.at(
                Diagnostic::error(format!(
                    "subject `{id}` has two columns (the other at column {first})"
                )),
                *line,
                *column,
            ));
        }
        columns.push(Located {
            value: id.to_string(),
            line: *line,
            column: *column + (text.len() - text.trim_start().len()),
        });
    }
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        diags.extend(ragged(row, width, here));
        let (name, (line, column)) = &row.cells[0];
        let name = name.trim();
        if name.is_empty() {
            diags.push(here.at(
                Diagnostic::error(format!("row {} has cells but no feature name", row.line)),
                *line,
                *column,
            ));
            continue;
        }
        let mut cells = Vec::new();
        for ((text, (line, column)), col) in row.cells[1..].iter().zip(&columns) {
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            if col.value.is_empty() {
                diags.push(here.at(
                    Diagnostic::error("a cell under a column with no subject id"),
                    *line,
                    *column,
                ));
                continue;
            }
            if let Some(value) = cell_value(text, (*line, *column), here, diags) {
                cells.push(RawCell {
                    subject: Some(col.value.clone()),
                    value,
                    line: *line,
                    column: *column,
                });
            }
        }
        out.push(RawRow {
            name: name.to_string(),
            line: *line,
            column: *column,
            cells,
        });
    }
    columns.retain(|c| !c.value.is_empty());
    (columns, out)
}

/// A matrix cell's text as a front-matter cell would hold it: a string, or (starting with
/// `{`) an inline TOML table, read by the same parser as front matter.
fn cell_value(
    text: &str,
    (line, column): (usize, usize),
    here: &Here,
    diags: &mut Vec<Diagnostic>,
) -> Option<Value> {
    if !text.starts_with('{') {
        return Some(Value::String(text.to_string()));
    }
    let parsed = tree::parse_root(&format!("cell = {text}"), Format::Toml);
    let node = parsed.as_ref().ok().and_then(|root| match &root.value {
        Tree::Table(entries) if entries.len() == 1 => Some(&entries[0].value),
        _ => None,
    });
    match (node, parsed.as_ref()) {
        (Some(node), _) if matches!(node.value, Tree::Table(_)) => Some(node.to_json()),
        (_, Err(e)) => {
            diags.push(
                here.at(
                    Diagnostic::error(format!(
                        "a cell starting with `{{` is an inline table, and this one is not: {}",
                        e.message
                    )),
                    line,
                    column,
                )
                .with_help(r#"write it like { support = "yes", note = "…", since = "12" }"#),
            );
            None
        }
        _ => {
            diags.push(
                here.at(
                    Diagnostic::error("a cell starting with `{` must be one inline table"),
                    line,
                    column,
                )
                .with_help(r#"write it like { support = "yes", note = "…", since = "12" }"#),
            );
            None
        }
    }
}

/// One record per row, with the header's words as keys (statements or subjects). A statement
/// column the header does not know is an error, once, at the header; subject files keep any
/// other column (in `extra`, as front matter does).
fn records_layout<T>(
    header: &Record,
    keys: &[String],
    rows: &[Record],
    here: &Here,
    diags: &mut Vec<Diagnostic>,
    read: impl Fn(Vec<Field>, (usize, usize), &mut Vec<Diagnostic>) -> Option<T>,
) -> Vec<T> {
    let statements = keys.iter().any(|k| k == "feature");
    // A subject file's own columns keep their spelling (`extra.Stars`); known words do not
    // depend on it.
    let names: Vec<String> = keys
        .iter()
        .zip(&header.cells)
        .map(|(k, (text, _))| {
            if statements || SUBJECT_KEYS.contains(&k.as_str()) {
                k.clone()
            } else {
                text.trim().to_string()
            }
        })
        .collect();
    let mut use_column = vec![true; keys.len()];
    for (i, key) in keys.iter().enumerate() {
        if statements && !STATEMENT_KEYS.contains(&key.as_str()) {
            use_column[i] = false;
            diags.push(data::unknown_key(
                key,
                STATEMENT_KEYS,
                "a statement",
                here,
                header.cells[i].1,
            ));
        }
    }
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        diags.extend(ragged(row, keys.len(), here));
        let fields: Vec<Field> = row
            .cells
            .iter()
            .zip(names.iter().zip(&use_column))
            .filter(|((text, _), (_, used))| **used && !text.trim().is_empty())
            .map(|((text, (line, column)), (key, _))| Field {
                key: key.clone(),
                value: Value::String(text.trim().to_string()),
                line: *line,
                column: *column,
            })
            .collect();
        out.extend(read(fields, row.cells[0].1, diags));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::data::tests::parse;

    #[test]
    fn a_matrix_gives_one_row_per_feature_with_each_cell_placed() {
        let text = "\u{feff}feature,a, b\nORM,yes: its own,\"no, none\"\n\n\"Multi\nline\",,\"{ support = \"\"yes\"\", since = \"\"2\"\" }\"\n";
        let (f, d) = parse("data/m.csv", text);
        assert!(d.is_empty(), "{d:?}");
        assert!(f.matrix);
        let cols: Vec<(&str, usize, usize)> = f
            .columns
            .iter()
            .map(|c| (c.value.as_str(), c.line, c.column))
            .collect();
        assert_eq!(cols, vec![("a", 1, 9), ("b", 1, 12)]);
        assert_eq!((f.rows[0].name.as_str(), f.rows[0].line), ("ORM", 2));
        let c = &f.rows[0].cells;
        assert_eq!(c.len(), 2);
        assert_eq!((c[0].line, c[0].column), (2, 5));
        assert_eq!(c[1].value, Value::from("no, none"));
        assert_eq!((c[1].line, c[1].column), (2, 19), "past the opening quote");
        // A blank line is skipped; a quoted name runs over two lines.
        assert_eq!(
            (f.rows[1].name.as_str(), f.rows[1].line),
            ("Multi\nline", 4)
        );
        let c = &f.rows[1].cells;
        assert_eq!(c.len(), 1, "an empty cell states nothing");
        assert_eq!(c[0].value.to_string(), r#"{"support":"yes","since":"2"}"#);
        assert_eq!((c[0].line, c[0].column), (5, 9));
    }

    #[test]
    fn tsv_and_records_and_subjects() {
        let (f, d) = parse(
            "data/r.tsv",
            "Subject\tFeature\tSupport\tNote\na\tORM\tpartial\tsome\nb\tORM\t\t\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert!(!f.matrix);
        assert_eq!(f.rows.len(), 1, "a row with no cell states nothing");
        assert_eq!(
            f.rows[0].cells[0].value.to_string(),
            r#"{"support":"partial","note":"some"}"#
        );
        assert_eq!((f.rows[0].cells[0].line, f.rows[0].cells[0].column), (2, 7));
        let (f, d) = parse("data/s.csv", "ID,Title,Stars\na,Alpha,5\nb,,\n");
        assert!(d.is_empty(), "{d:?}");
        let s: Vec<(&str, Option<&str>)> = f
            .subjects
            .iter()
            .map(|s| (s.id.value.as_str(), s.front.title.as_deref()))
            .collect();
        assert_eq!(s, vec![("a", Some("Alpha")), ("b", Some("b"))]);
        assert_eq!(f.subjects[0].front.extra["Stars"], Value::from("5"));
    }

    #[test]
    fn ragged_rows_bad_headers_and_bad_cells_are_errors_with_their_place() {
        let (_, d) = parse(
            "data/m.csv",
            "feature,a,b\nF,yes\nG,yes,no,maybe\nH,{ support = ,no\n",
        );
        let got: Vec<(usize, usize, &str)> = d
            .iter()
            .map(|d| (d.line, d.column, d.message.as_str()))
            .collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!((got[0].0, got[0].1), (2, 6));
        assert!(
            got[0]
                .2
                .contains("row 2 is short: it has 2 cells, but the header has 3")
        );
        assert_eq!((got[1].0, got[1].1), (3, 10));
        assert!(got[1].2.contains("row 3 is long"));
        assert_eq!((got[2].0, got[2].1), (4, 3));
        assert!(got[2].2.contains("inline table"), "{got:?}");
        let (_, d) = parse("data/m.csv", "name,a\nF,yes\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("cannot tell"), "{d:?}");
        let (_, d) = parse("data/m.csv", "feature,a,a\n");
        assert!(d[0].message.contains("two columns"), "{d:?}");
        let (_, d) = parse("data/r.csv", "subject,feature,suport\na,F,yes\n");
        assert_eq!(d.len(), 1, "only the header's column: {d:?}");
        assert_eq!((d[0].line, d[0].column), (1, 17));
        assert_eq!(d[0].help.as_deref(), Some("did you mean `support`?"));
    }

    #[test]
    fn field_starts_follow_quotes_and_delimiters() {
        let t = b"a,\"b,\"\"c\",,d\n";
        assert_eq!(field_starts(t, 0, b',', 4), vec![0, 3, 10, 11]);
    }
}
