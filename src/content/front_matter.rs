//! One Markdown file's text → a [`Source`]: split off the front matter (TOML between `+++`,
//! YAML between `---`) and read its keys into a typed [`FrontMatter`].
//!
//! Each key's type is checked here (a `title` must be a string, `subjects` a list of ids), with
//! a diagnostic at the key. What a key's value *means* across the site (does the subject
//! exist, is the level known) is the model's business, not this module's.

use std::path::PathBuf;

use indexmap::IndexMap;
use serde_json::Value;

use super::dates::parse_date_value;
use super::features::parse_features;
use super::locator::Locator;
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
            front_start,
            front_end,
            body_start,
        } => {
            let front_text = &text[front_start..front_end];
            let first_line = line_col(&text, front_start).0;
            let mut fm_diags = Vec::new();
            let mut front = parse_front_matter(front_text, format, kind, &mut fm_diags);
            front.invalid = fm_diags.iter().any(Diagnostic::is_error);
            // Positions kept in the front matter are read against the whole file later.
            front.shift_lines(first_line - 1);
            for mut d in fm_diags {
                // Lines are relative to the front matter; make them relative to the file.
                if d.line > 0 {
                    let (line, column) = (d.line + first_line - 1, d.column);
                    d = d.at(line, column, Some(&text));
                }
                diags.push(d.in_file(&file));
            }
            let body_line = line_col(&text, body_start).0;
            (format, front, body_start, body_line)
        }
    };
    Source {
        file,
        rel,
        kind,
        text,
        body_start,
        body_line,
        format,
        front,
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
        front_start: usize,
        front_end: usize,
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
                front_start,
                front_end: pos,
                body_start: line_end,
            };
        }
        pos = line_end;
    }
    Split::Unterminated { format, delimiter }
}

/// Parses front matter text into the typed keys. Lines in diagnostics are relative to the
/// front matter text (1 = its first line).
pub fn parse_front_matter(
    text: &str,
    format: Format,
    kind: SourceKind,
    diags: &mut Vec<Diagnostic>,
) -> FrontMatter {
    let map = match parse_map(text, format) {
        Ok(m) => m,
        Err(d) => {
            diags.push(*d);
            return FrontMatter::default();
        }
    };
    let loc = Locator::new(text);
    let mut fm = FrontMatter::default();
    for (key, value) in map {
        let line = loc.key_line(&key, 0);
        let mut bad = |expected: &str| {
            diags.push(
                Diagnostic::error(format!(
                    "`{key}` must be {expected}, found {}",
                    describe(&value)
                ))
                .at(line, loc.key_col(line, &key), Some(text)),
            );
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
            "date" | "updated" => match parse_date_value(&value) {
                Some(d) => {
                    if key == "date" {
                        fm.date = Some(d)
                    } else {
                        fm.updated = Some(d)
                    }
                }
                None => bad("a date like 2026-09-14 or 2026-09-14T10:00:00Z"),
            },
            "draft" => match value.as_bool() {
                Some(b) => fm.draft = b,
                None => bad("true or false"),
            },
            "tags" => match string_list(&value) {
                Some(v) => fm.tags = v,
                None => bad("a list of strings"),
            },
            "aliases" => match string_list(&value) {
                Some(v) => fm.aliases = v,
                None => bad("a list of paths"),
            },
            "subjects" => match string_list(&value) {
                Some(v) => {
                    fm.subjects = v
                        .into_iter()
                        .map(|id| {
                            let (l, c) = loc.find_word_after(&id, line);
                            Located {
                                value: id,
                                line: l,
                                column: c,
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
            "weight" => match value.as_i64() {
                Some(w) => fm.weight = Some(w),
                None => bad("an integer"),
            },
            "website" | "repository" | "license" | "first_release" => {
                let s = match &value {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                };
                match s {
                    Some(s) => match key.as_str() {
                        "website" => fm.website = Some(s),
                        "repository" => fm.repository = Some(s),
                        "license" => fm.license = Some(s),
                        _ => fm.first_release = Some(s),
                    },
                    None => bad("a string"),
                }
            }
            "features" => {
                fm.features_line = line;
                fm.features = parse_features(&value, kind, &loc, line, text, diags);
            }
            _ => {
                fm.extra.insert(key, value);
            }
        }
    }
    fm
}

/// Parses front matter into an ordered map, or one diagnostic with the syntax error.
fn parse_map(text: &str, format: Format) -> Result<IndexMap<String, Value>, Box<Diagnostic>> {
    if text.trim().is_empty() {
        return Ok(IndexMap::new());
    }
    match format {
        Format::Toml | Format::None => {
            let table: toml::Table = toml::from_str(text).map_err(|e| {
                let (line, col) = e.span().map_or((0, 0), |s| line_col(text, s.start));
                let d = Diagnostic::error(format!(
                    "invalid TOML front matter: {}",
                    e.message().trim_end()
                ))
                .at(line, col, Some(text));
                Box::new(d)
            })?;
            Ok(table
                .into_iter()
                .map(|(k, v)| (k, toml_to_json(v)))
                .collect())
        }
        Format::Yaml => {
            // YAML 1.2 booleans only: with YAML 1.1 rules `no`, `on` and `y` turn into
            // booleans, so `subjects: [on, y]` or a subject called `no` would silently change
            // meaning between TOML and YAML front matter. `yes`/`no` cells stay level words.
            let options = serde_saphyr::options! { strict_booleans: true };
            let value: Value = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
                let (line, col) = e.location().map_or((0, 0), |l| {
                    yaml_line_col(text, l.line() as usize, l.column() as usize)
                });
                let msg = e.to_string();
                let msg = msg.lines().next().unwrap_or("").trim();
                let msg = msg.split(" at line ").next().unwrap_or(msg);
                // The place is printed as file:line:col of the whole file; saphyr's own
                // "error: line 2 column 7:" counts from the front matter and would disagree.
                let msg = strip_saphyr_location(msg);
                Box::new(
                    Diagnostic::error(format!("invalid YAML front matter: {msg}")).at(
                        line,
                        col,
                        Some(text),
                    ),
                )
            })?;
            match value {
                Value::Object(m) => Ok(m.into_iter().collect()),
                Value::Null => Ok(IndexMap::new()),
                other => Err(Diagnostic::error(format!(
                    "YAML front matter must be a mapping of keys, found {}",
                    describe(&other)
                ))
                .at(1, 1, Some(text))
                .into()),
            }
        }
    }
}

/// `error: line 2 column 7: unclosed bracket` → `unclosed bracket`.
fn strip_saphyr_location(msg: &str) -> &str {
    let m = msg.strip_prefix("error:").unwrap_or(msg).trim_start();
    match m.strip_prefix("line ") {
        Some(rest) => match rest.split_once(": ") {
            Some((loc, tail)) if loc.contains("column") => tail,
            _ => m,
        },
        None => m,
    }
}

fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
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

fn string_list(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect(),
        Value::String(s) => Some(vec![s.clone()]),
        _ => None,
    }
}

/// Turns a YAML parser position into ours. YAML counts a lone `\r` as a line break too, so
/// its line numbers run ahead of the file's `\n` lines when a file holds stray carriage
/// returns; going through the byte offset keeps the diagnostic on a line that exists.
fn yaml_line_col(text: &str, line: usize, column: usize) -> (usize, usize) {
    let mut current = 1;
    let mut offset = text.len();
    let mut chars = text.char_indices().peekable();
    if line <= 1 {
        offset = 0;
    } else {
        while let Some((_, c)) = chars.next() {
            let is_break = match c {
                '\n' => true,
                '\r' => {
                    if let Some(&(_, '\n')) = chars.peek() {
                        chars.next();
                    }
                    true
                }
                _ => false,
            };
            if is_break {
                current += 1;
                if current == line {
                    offset = chars.peek().map_or(text.len(), |&(j, _)| j);
                    break;
                }
            }
        }
    }
    // Columns count characters from 1; stay on the line.
    let rest = &text[offset..];
    let line_len = rest.find(['\n', '\r']).unwrap_or(rest.len());
    let skip: usize = rest[..line_len]
        .chars()
        .take(column.saturating_sub(1))
        .map(char::len_utf8)
        .sum();
    line_col(text, offset + skip)
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
