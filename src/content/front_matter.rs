//! One Markdown file's text → a [`Source`]: split off the front matter (TOML between `+++`,
//! YAML between `---`) and read its keys into a typed [`FrontMatter`].
//!
//! Each key's type is checked here (a `title` must be a string, `subjects` a list of ids), with
//! a diagnostic at the key. Positions come from the parsers ([`super::tree`]); this module
//! turns them into lines and columns of the whole file. What a key's value *means* across the
//! site (does the subject exist, is the level known) is the model's business, not this
//! module's.

use std::ops::Range;
use std::path::PathBuf;

use serde_json::Value;

use super::dates::parse_date;
use super::features::parse_features;
use super::positions::Positions;
use super::tree::{self, Entry, Node, Tree};
use super::{Format, FrontMatter, Located, Source, SourceKind, kind_of};
use crate::diagnostics::{Diagnostic, line_col};

/// Splits and parses one file. `file` is relative to the root (for messages).
pub fn parse_source(
    file: PathBuf,
    rel: String,
    text: String,
    diags: &mut Vec<Diagnostic>,
) -> Source {
    let kind = kind_of(&rel);
    let split = split_front_matter(&text);
    let (format, front, body_start, body_line) = match split {
        Split::None => (Format::None, FrontMatter::default(), 0, 1),
        Split::Unterminated { format, delimiter } => {
            diags.push(
                Diagnostic::error(format!(
                    "front matter is not closed: no `{delimiter}` line after the opening one"
                ))
                .in_file(&file)
                .at(1, 1, Some(&text))
                .with_help(format!(
                    "end the front matter with a line holding only `{delimiter}`"
                )),
            );
            (
                format,
                FrontMatter {
                    invalid: true,
                    ..FrontMatter::default()
                },
                text.len(),
                text.lines().count() + 1,
            )
        }
        Split::Found {
            format,
            front,
            body_start,
        } => {
            let mut fm_diags = Vec::new();
            let front = read_front_matter(&text[..body_start], front, format, kind, &mut fm_diags);
            diags.extend(fm_diags.into_iter().map(|d| d.in_file(&file)));
            let body_line = line_col(&text, body_start).0;
            (format, front, body_start, body_line)
        }
    };
    Source {
        file,
        rel,
        kind,
        text: text.into(),
        body_start,
        body_line,
        format,
        front: front.into(),
        outline: None,
    }
}

enum Split {
    None,
    Unterminated {
        format: Format,
        delimiter: &'static str,
    },
    Found {
        format: Format,
        /// The text between the delimiter lines.
        front: Range<usize>,
        body_start: usize,
    },
}

fn split_front_matter(text: &str) -> Split {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = &text[start..];
    let first_line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
    let first = rest[..first_line_end].trim_end();
    let (format, delimiter) = match first {
        "+++" => (Format::Toml, "+++"),
        "---" => (Format::Yaml, "---"),
        _ => return Split::None,
    };
    let front_start = start + first_line_end;
    let mut pos = front_start;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        if text[pos..line_end].trim_end() == delimiter {
            return Split::Found {
                format,
                front: front_start..pos,
                body_start: line_end,
            };
        }
        pos = line_end;
    }
    Split::Unterminated { format, delimiter }
}

/// Parses front matter text on its own into the typed keys; positions and diagnostics count
/// lines from the start of `text`.
pub fn parse_front_matter(
    text: &str,
    format: Format,
    kind: SourceKind,
    diags: &mut Vec<Diagnostic>,
) -> FrontMatter {
    read_front_matter(text, 0..text.len(), format, kind, diags)
}

/// Parses the front matter at `range` of a file's `text` into the typed keys, with positions
/// in the whole file. A front matter with errors is marked `invalid`.
fn read_front_matter(
    text: &str,
    range: Range<usize>,
    format: Format,
    kind: SourceKind,
    diags: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let pos = Positions::new(text, range.start);
    let errors_before = diags.iter().filter(|d| d.is_error()).count();
    let mut fm = match tree::parse(&text[range], format) {
        Ok(entries) => read_keys(entries, kind, &pos, diags),
        Err(e) => {
            let d = Diagnostic::error(e.message);
            diags.push(match e.at {
                Some(at) => pos.place(d, at),
                None => d,
            });
            FrontMatter::default()
        }
    };
    fm.invalid = diags.iter().filter(|d| d.is_error()).count() > errors_before;
    fm
}

fn read_keys(
    entries: Vec<Entry>,
    kind: SourceKind,
    pos: &Positions,
    diags: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let mut fm = FrontMatter::default();
    for Entry { key, at, value } in entries {
        let mut bad = |expected: &str| {
            diags.push(pos.place(
                Diagnostic::error(format!(
                    "`{key}` must be {expected}, found {}",
                    value.describe()
                )),
                at,
            ));
        };
        match key.as_str() {
            "title" => match value.as_str() {
                Some(s) => fm.title = Some(s.to_string()),
                None => bad("a string"),
            },
            "description" => match value.as_str() {
                Some(s) => fm.description = Some(s.to_string()),
                None => bad("a string"),
            },
            "date" | "updated" => match value.as_str().and_then(parse_date) {
                Some(d) => {
                    if key == "date" {
                        fm.date = Some(d)
                    } else {
                        fm.updated = Some(d)
                    }
                }
                None => bad("a date like 2026-09-14 or 2026-09-14T10:00:00Z"),
            },
            "draft" => match &value.value {
                Tree::Scalar(Value::Bool(b)) => fm.draft = *b,
                _ => bad("true or false"),
            },
            "tags" => match string_list(&value) {
                Some(v) => fm.tags = v.into_iter().map(|(s, _)| s).collect(),
                None => bad("a list of strings"),
            },
            "aliases" => match string_list(&value) {
                Some(v) => fm.aliases = v.into_iter().map(|(s, _)| s).collect(),
                None => bad("a list of paths"),
            },
            "subjects" => match string_list(&value) {
                Some(v) => {
                    fm.subjects = v
                        .into_iter()
                        .map(|(id, at)| {
                            let (line, column) = pos.inside_quotes(at);
                            Located {
                                value: id,
                                line,
                                column,
                            }
                        })
                        .collect()
                }
                None => bad("a list of subject ids"),
            },
            "slug" => match value.as_str() {
                Some(s) => fm.slug = Some(s.to_string()),
                None => bad("a string"),
            },
            "weight" => match &value.value {
                Tree::Scalar(Value::Number(n)) if n.as_i64().is_some() => fm.weight = n.as_i64(),
                _ => bad("an integer"),
            },
            "website" | "repository" | "license" | "first_release" | "version" => {
                let s = match &value.value {
                    Tree::Scalar(Value::String(s)) => Some(s.clone()),
                    Tree::Scalar(Value::Number(n)) => Some(n.to_string()),
                    _ => None,
                };
                match s {
                    Some(s) => match key.as_str() {
                        "website" => fm.website = Some(s),
                        "repository" => fm.repository = Some(s),
                        "license" => fm.license = Some(s),
                        "version" => fm.version = Some(s),
                        _ => fm.first_release = Some(s),
                    },
                    None => bad("a string"),
                }
            }
            "features" => {
                fm.features_line = pos.line_col(at).0;
                fm.features = parse_features(&value, at, kind, pos, diags);
            }
            _ => {
                fm.extra.insert(key, value.to_json());
            }
        }
    }
    fm
}

/// "a string", "a number", ... for messages.
pub fn describe(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a table",
    }
}

/// A list of strings with where each was written; a lone string is a list of one.
fn string_list(node: &Node) -> Option<Vec<(String, usize)>> {
    match &node.value {
        Tree::List(items) => items
            .iter()
            .map(|i| i.as_str().map(|s| (s.to_string(), i.at)))
            .collect(),
        Tree::Scalar(Value::String(s)) => Some(vec![(s.clone(), node.at)]),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (Source, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let s = parse_source(
            PathBuf::from("content/a.md"),
            "a.md".into(),
            text.into(),
            &mut d,
        );
        (s, d)
    }

    #[test]
    fn toml_and_yaml_carry_the_same_keys() {
        let (t, d1) = parse(
            "+++\ntitle = \"T\"\ndate = 2026-09-14\ntags = [\"a\"]\nsubjects = [\"x\", \"y\"]\n\n[features]\n\"ORM\" = { x = \"yes\", y = \"no: none\" }\n+++\nBody\n",
        );
        let (y, d2) = parse(
            "---\ntitle: T\ndate: 2026-09-14\ntags: [a]\nsubjects: [x, y]\nfeatures:\n  ORM: { x: \"yes\", y: \"no: none\" }\n---\nBody\n",
        );
        assert!(d1.is_empty(), "{d1:?}");
        assert!(d2.is_empty(), "{d2:?}");
        for s in [&t, &y] {
            assert_eq!(s.front.title.as_deref(), Some("T"));
            assert_eq!(s.front.date.as_ref().unwrap().ymd, "2026-09-14");
            assert_eq!(s.front.features.len(), 1);
            assert_eq!(s.front.features[0].cells.len(), 2);
            assert_eq!(s.body(), "Body\n");
        }
        assert_eq!(t.front.features[0].line, 8);
        assert_eq!(t.front.features[0].cells[1].line, 8);
        assert_eq!(t.body_line, 10);
        assert_eq!(y.front.features[0].line, 7); // `  ORM:` is the 7th line of the file
        assert_eq!(y.front.subjects[1].line, 5);
    }

    #[test]
    fn syntax_errors_point_into_the_file() {
        let (_, d) = parse("+++\ntitle = \"T\"\ndate = = 3\n+++\n");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, 3, "{d:?}");
        assert!(d[0].message.contains("invalid TOML"));
        let (_, d) = parse("---\ntitle: T\ntags: [a\n---\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].line >= 3, "{d:?}");
    }

    #[test]
    fn wrong_types_name_the_key_and_line() {
        let (_, d) = parse("+++\ntitle = 3\ndraft = \"no\"\n+++\n");
        assert_eq!(d.len(), 2);
        assert_eq!((d[0].line, d[0].column), (2, 1));
        assert!(d[0].message.contains("`title` must be a string"));
        assert_eq!(d[1].line, 3);
    }

    #[test]
    fn yaml_errors_after_stray_carriage_returns_stay_in_the_file() {
        // Found by fuzzing (front_matter): YAML counts a lone `\r` as a line break, so the
        // error was reported at line 133 of a 29-line file.
        let text = "---\ntitle: T\r\r\r\r\r\r\r\r\r\r\ndescription: x\r\r\r\r\n\u{0}\n---\nbody\n";
        let (_, d) = parse(text);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("invalid YAML"), "{d:?}");
        assert_eq!(d[0].line, 4, "{d:?}");
        assert_eq!(d[0].source_line.as_deref(), Some("\u{0}"), "{d:?}");
    }

    #[test]
    fn empty_subject_ids_and_cell_keys_do_not_hang() {
        // Found by fuzzing (feature_cells): an empty id made the position search loop forever.
        let (s, _) = parse(
            "+++\ntitle = \"T\"\nsubjects = [\"\", \"a\"]\n\n[features]\n\"F\" = { \"\" = \"yes\", a = \"no\" }\n+++\n",
        );
        assert_eq!(s.front.subjects.len(), 2);
        assert_eq!(s.front.features.len(), 1);
        let (s, _) = parse("---\ntitle: T\nsubjects: ['']\nfeatures:\n  F: { '': yes }\n---\n");
        assert_eq!(s.front.subjects.len(), 1);
    }

    /// `(line, column)` of the `n`th (from 0) `needle` in `text`.
    fn at(text: &str, needle: &str, n: usize) -> (usize, usize) {
        let off = text.match_indices(needle).nth(n).expect(needle).0;
        line_col(text, off)
    }

    /// Every row, cell and subject of `s` with its position, for comparing layouts.
    fn places(s: &Source) -> Vec<(String, usize, usize)> {
        let subjects = s
            .front
            .subjects
            .iter()
            .map(|l| (format!("subject {}", l.value), l.line, l.column));
        let rows = s.front.features.iter().flat_map(|r| {
            std::iter::once((format!("row {}", r.name), r.line, r.column)).chain(
                r.cells.iter().map(move |c| {
                    let who = c.subject.as_deref().unwrap_or("-");
                    (format!("cell {}/{who}", r.name), c.line, c.column)
                }),
            )
        });
        subjects.chain(rows).collect()
    }

    fn expect(text: &str, want: &[(&str, &str, usize)]) -> Vec<(String, usize, usize)> {
        want.iter()
            .map(|(what, needle, n)| {
                let (l, c) = at(text, needle, *n);
                (what.to_string(), l, c)
            })
            .collect()
    }

    #[test]
    fn toml_positions_come_from_the_parser_in_every_layout() {
        // Escaped keys, a row written over several lines (TOML 1.1), a sub-table, a dotted
        // key, quoted and bare cell keys, a comment holding a decoy `x =`.
        let text = "+++\ntitle = \"T\"\nsubjects = [\"x\",\n  'y']\n\n[features]\n\
            \"The \\\"fast\\\" path\" = { x = \"yes\", \"y\" = \"no\" }\n\
            \"caf\\u00e9\" = {\n  # x = \"decoy\"\n  x = 1,\n  y = 2,\n}\n\
            plain.dotted = { x = true }\n\n[features.\"Sub table\"]\n  x = \"yes\"\n'y' = { support = \"no\" }\n+++\n";
        let (s, d) = parse(text);
        assert!(d.is_empty(), "{d:?}");
        let want = expect(
            text,
            &[
                ("subject x", "x\",", 0),
                ("subject y", "y']", 0),
                ("row The \"fast\" path", "\"The", 0),
                ("cell The \"fast\" path/x", "x = \"yes\"", 0),
                ("cell The \"fast\" path/y", "\"y\" = \"no\"", 0),
                ("row café", "\"caf", 0),
                ("cell café/x", "x = 1", 0),
                ("cell café/y", "y = 2", 0),
                ("row plain", "plain", 0),
                ("cell plain/dotted", "dotted", 0),
                ("row Sub table", "\"Sub table\"", 0),
                ("cell Sub table/x", "x = \"yes\"", 1),
                ("cell Sub table/y", "'y' =", 0),
            ],
        );
        assert_eq!(places(&s), want);
        assert_eq!(s.front.features_line, 6);
    }

    #[test]
    fn yaml_positions_come_from_the_parser_in_every_layout() {
        let text = "---\ntitle: T\nsubjects:\n  - x\n  - \"y\"\nfeatures:\n  \
            \"The \\\"fast\\\" path\": { x: \"yes\", 'y': no }\n  \
            \"caf\\u00e9\":\n    # x: decoy\n    x: 1\n    y: &two 2\n  \
            Block row:\n    x: *two\n---\n";
        let (s, d) = parse(text);
        assert!(d.is_empty(), "{d:?}");
        let want = expect(
            text,
            &[
                ("subject x", "x\n", 0),
                ("subject y", "y\"", 0),
                ("row The \"fast\" path", "\"The", 0),
                ("cell The \"fast\" path/x", "x: \"yes\"", 0),
                ("cell The \"fast\" path/y", "'y'", 0),
                ("row café", "\"caf", 0),
                ("cell café/x", "x: 1", 0),
                ("cell café/y", "y: &two", 0),
                ("row Block row", "Block row", 0),
                ("cell Block row/x", "x: *two", 0),
            ],
        );
        assert_eq!(places(&s), want);
        assert_eq!(s.front.features_line, 6);
        assert_eq!(s.front.features[2].cells[0].value, Value::from(2));
    }

    #[test]
    fn subject_tables_put_the_cell_at_the_row() {
        let mut d = Vec::new();
        let text = "---\ntitle: X\nfeatures:\n  \"caf\\u00e9\": yes\n---\n";
        let s = parse_source(
            PathBuf::from("content/subjects/x.md"),
            "subjects/x.md".into(),
            text.into(),
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
        let row = &s.front.features[0];
        assert_eq!((row.line, row.column), (4, 3));
        assert_eq!((row.cells[0].line, row.cells[0].column), (4, 3));
        assert_eq!(row.cells[0].value, Value::from("yes"));
    }

    #[test]
    fn type_errors_point_at_the_key_in_yaml_and_in_rows() {
        let (_, d) = parse("---\ntitle: T\n\"we\\u00efght\": 1\n  \nweight: heavy\n---\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].line, d[0].column), (5, 1), "{d:?}");
        assert_eq!(d[0].source_line.as_deref(), Some("weight: heavy"));
        let (_, d) = parse("+++\nsubjects = [\"x\"]\n[features]\n  \"R\\u00f6w\" = \"yes\"\n+++\n");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!((d[0].line, d[0].column), (4, 3), "{d:?}");
        assert!(d[0].message.contains("`Röw` must be a table"), "{d:?}");
    }

    #[test]
    fn toml_datetime_values_are_dates() {
        for (value, want) in [
            ("2026-09-14", "2026-09-14T00:00:00Z"),
            ("2026-09-14T10:00:00Z", "2026-09-14T10:00:00Z"),
            ("2026-09-14 10:00", "2026-09-14T10:00:00Z"),
            ("2026-09-14T10:00:00.5-07:00", "2026-09-14T10:00:00-07:00"),
        ] {
            let (s, d) = parse(&format!(
                "+++\ndate = {value}\nupdated = \"{value}\"\n+++\n"
            ));
            assert!(d.is_empty(), "{value}: {d:?}");
            assert_eq!(s.front.date.as_ref().unwrap().rfc3339, want, "{value}");
            assert_eq!(s.front.updated.as_ref().unwrap().rfc3339, want, "{value}");
        }
        let (_, d) = parse("+++\ndate = 10:00:00\n+++\n");
        assert_eq!((d.len(), d[0].line, d[0].column), (1, 2, 1), "{d:?}");
        assert!(d[0].message.contains("`date` must be a date"), "{d:?}");
    }

    #[test]
    fn unterminated_front_matter() {
        let (_, d) = parse("+++\ntitle = \"T\"\n");
        assert_eq!(d.len(), 1);
        assert!(d[0].message.contains("not closed"));
    }

    #[test]
    fn no_panic_on_odd_input() {
        for t in [
            "",
            "+++",
            "---\n",
            "+++\n+++",
            "\u{feff}+++\ntitle='x'\n+++\n",
            "---\n- a\n---\n",
            "+++\n\u{0}\n+++\n",
        ] {
            let _ = parse(t);
        }
    }
}
