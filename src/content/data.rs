//! Data files: `content/data/**/*.{csv,tsv,toml,yaml,yml,json}` → the statements and the
//! subjects they declare, each with the line and column it was written at.
//!
//! A data file states cells directly, without a page around them: a CSV matrix (`feature,
//! <subject id>, …`, one row per feature), or records `{subject, feature, support, note, link,
//! since}` in any format, and it may declare subjects (`{id, title, website, …}`) so that a
//! site needs no Markdown at all. What comes out is the same [`RawRow`]s and [`RawCell`]s
//! front matter gives, so the model reads both with one cell grammar and one set of checks.
//!
//! This file owns the shapes common to every format and the structured formats (TOML, YAML,
//! JSON: one tree, [`super::tree`]); `table.rs` owns CSV and TSV. Whether a subject exists or
//! a level is known is the model's business, as for front matter.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::positions::Positions;
use super::tree::{self, Node, Tree};
use super::{Format, FrontMatter, Located, RawCell, RawRow};
use crate::diagnostics::{Diagnostic, closest};

/// The folder under `content/` whose data files are read as statements.
pub const DATA_DIR: &str = "data";

/// The syntax of a data file, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFormat {
    Csv,
    Tsv,
    Toml,
    Yaml,
    Json,
}

impl DataFormat {
    /// The format of a file at `rel` (relative to `content/`), if it is a data file: under
    /// `data/`, with one of the extensions versus reads.
    pub fn of(rel: &str) -> Option<DataFormat> {
        let rest = rel.strip_prefix(DATA_DIR)?.strip_prefix('/')?;
        let (_, ext) = rest.rsplit_once('.')?;
        Some(match ext.to_ascii_lowercase().as_str() {
            "csv" => DataFormat::Csv,
            "tsv" => DataFormat::Tsv,
            "toml" => DataFormat::Toml,
            "yaml" | "yml" => DataFormat::Yaml,
            "json" => DataFormat::Json,
            _ => return None,
        })
    }

    /// Whether places in it are rows of a table (CSV, TSV) rather than lines of a document:
    /// "row 12" reads better than "line 12" for what a spreadsheet shows.
    pub fn is_table(self) -> bool {
        matches!(self, DataFormat::Csv | DataFormat::Tsv)
    }

    pub fn name(self) -> &'static str {
        match self {
            DataFormat::Csv => "CSV",
            DataFormat::Tsv => "TSV",
            DataFormat::Toml => "TOML",
            DataFormat::Yaml => "YAML",
            DataFormat::Json => "JSON",
        }
    }
}

/// A data file, read.
#[derive(Debug, Clone, PartialEq)]
pub struct DataFile {
    /// Path relative to the site root, for messages: `content/data/browsers.csv`.
    pub file: PathBuf,
    /// Path relative to `content/` with forward slashes: `data/browsers.csv`. The file is
    /// published at this path, so "said in browsers.csv" can link to it.
    pub rel: String,
    pub format: DataFormat,
    /// The whole file, for showing source lines in diagnostics and for publishing it.
    pub text: String,
    /// The subject columns of a matrix (`feature,chrome,firefox`), checked once each rather
    /// than once per cell. Empty for records.
    pub columns: Vec<Located<String>>,
    /// A matrix's rows (one per feature), or one row of one cell per record.
    pub rows: Vec<RawRow>,
    /// For records, where each row's `subject` was written (an unknown subject is reported
    /// there; the cell itself sits at its `support`). Empty for a matrix.
    pub subjects_at: Vec<(usize, usize)>,
    /// Whether `rows` are a matrix's, where a feature twice is an error (for records, a
    /// subject and feature twice is).
    pub matrix: bool,
    /// Subjects the file declares.
    pub subjects: Vec<SubjectRecord>,
}

impl DataFile {
    /// The file's name as readers see it: `browsers.csv`.
    pub fn name(&self) -> &str {
        self.rel.rsplit('/').next().unwrap_or(&self.rel)
    }

    /// Site path where the file is published: `/data/browsers.csv`.
    pub fn path(&self) -> String {
        format!("/{}", self.rel)
    }

    /// How a place in it is called: "row 12" in a table, "line 12" in a document.
    pub fn place(&self, line: usize) -> String {
        if self.format.is_table() {
            format!("row {line}")
        } else {
            format!("line {line}")
        }
    }

    /// Sets the statements read from records, with where each names its subject.
    pub(super) fn set_records(&mut self, records: Vec<(RawRow, (usize, usize))>) {
        (self.rows, self.subjects_at) = records.into_iter().unzip();
    }
}

/// A subject declared in a data file: what `content/subjects/<id>.md` would say in its front
/// matter, without a body.
#[derive(Debug, Clone, PartialEq)]
pub struct SubjectRecord {
    pub id: Located<String>,
    /// `title` (the id when not given), `description`, `website`, `repository`, `license`,
    /// `first_release`; any other key in `extra`.
    pub front: FrontMatter,
}

/// Reads one data file. Problems are diagnostics; the file is returned as far as it could be
/// read.
pub fn parse_data(
    file: PathBuf,
    rel: String,
    format: DataFormat,
    text: String,
    diags: &mut Vec<Diagnostic>,
) -> DataFile {
    let mut data = DataFile {
        file,
        rel,
        format,
        text,
        columns: Vec::new(),
        rows: Vec::new(),
        subjects_at: Vec::new(),
        matrix: false,
        subjects: Vec::new(),
    };
    match format {
        DataFormat::Csv => super::table::parse_table(&mut data, b',', diags),
        DataFormat::Tsv => super::table::parse_table(&mut data, b'\t', diags),
        DataFormat::Toml => parse_document(&mut data, Format::Toml, diags),
        DataFormat::Yaml | DataFormat::Json => parse_document(&mut data, Format::Yaml, diags),
    }
    data
}

/// Where diagnostics about one data file go.
pub(super) struct Here<'a> {
    pub file: &'a Path,
    pub text: &'a str,
}

impl Here<'_> {
    pub fn at(&self, d: Diagnostic, line: usize, column: usize) -> Diagnostic {
        d.in_file(self.file).at(line, column, Some(self.text))
    }
}

/// Reads one record's fields (written at the given line and column) into a `T`.
pub(super) type ReadRecord<T> =
    fn(Vec<Field>, (usize, usize), &Here, &mut Vec<Diagnostic>) -> Option<T>;

/// One field of a record, where its key (or CSV cell) was written.
pub(super) struct Field {
    pub key: String,
    pub value: Value,
    pub line: usize,
    pub column: usize,
}

/// The keys of a statement record.
pub(super) const STATEMENT_KEYS: &[&str] = &[
    "subject", "feature", "support", "note", "link", "since", "value",
];

/// The keys of a subject record that are typed; any other goes to `extra`.
pub(super) const SUBJECT_KEYS: &[&str] = &[
    "id",
    "title",
    "description",
    "website",
    "repository",
    "license",
    "first_release",
];

/// A statement record → a row of one cell, and where its subject was written. The cell is
/// the record without `subject` and `feature`: `{support, note, link, since}` as a cell
/// table, or `value` alone as a cell string (`"Jinja2"`, `"yes: fast"`), so the model reads
/// it with the one cell grammar.
pub(super) fn statement(
    fields: Vec<Field>,
    (line, column): (usize, usize),
    here: &Here,
    diags: &mut Vec<Diagnostic>,
) -> Option<(RawRow, (usize, usize))> {
    let mut subject = None;
    let mut feature = None;
    let mut value = None;
    let mut table = Map::new();
    let mut cell_at = None;
    let mut ok = true;
    for f in fields {
        let at = (f.line, f.column);
        match f.key.as_str() {
            "subject" | "feature" => match f.value {
                Value::String(s) if !s.trim().is_empty() => {
                    let l = Located {
                        value: s.trim().to_string(),
                        line: f.line,
                        column: f.column,
                    };
                    if f.key == "subject" {
                        subject = Some(l);
                    } else {
                        feature = Some(l);
                    }
                }
                other => {
                    ok = false;
                    diags.push(here.at(
                        Diagnostic::error(format!(
                            "`{}` must be a non-empty string, found {}",
                            f.key,
                            describe_value(&other)
                        )),
                        f.line,
                        f.column,
                    ));
                }
            },
            "value" => {
                cell_at = Some(at);
                value = Some(f.value);
            }
            "support" | "note" | "link" | "since" => {
                if f.key == "support" || cell_at.is_none() {
                    cell_at = Some(at);
                }
                table.insert(f.key, f.value);
            }
            other => {
                ok = false;
                diags.push(unknown_key(other, STATEMENT_KEYS, "a statement", here, at));
            }
        }
    }
    let (Some(subject), Some(feature)) = (subject, feature) else {
        if ok {
            // (Otherwise the bad key or value was reported already.)
            diags.push(
                here.at(
                    Diagnostic::error("a statement needs a `subject` and a `feature`"),
                    line,
                    column,
                )
                .with_help("e.g. { subject = \"django\", feature = \"ORM\", support = \"yes\" }"),
            );
        }
        return None;
    };
    if !ok {
        return None;
    }
    let value = match (value, table.is_empty()) {
        (Some(v), true) => v,
        (None, false) => Value::Object(table),
        (Some(_), false) => {
            let (l, c) = cell_at.unwrap_or((line, column));
            diags.push(
                here.at(
                    Diagnostic::error(
                        "`value` is a whole cell (\"Jinja2\", \"yes: fast\"): it cannot go with `support`, `note`, `link` or `since`",
                    ),
                    l,
                    c,
                )
                .with_help("use either `value`, or `support` with `note`, `link` and `since`"),
            );
            return None;
        }
        (None, true) => {
            diags.push(
                here.at(
                    Diagnostic::error(format!(
                        "the statement about `{}` for `{}` says nothing",
                        feature.value, subject.value
                    )),
                    line,
                    column,
                )
                .with_help(
                    "give it `support` (yes, partial, plugin, no, unknown), a `note`, or a `value`",
                ),
            );
            return None;
        }
    };
    let (cell_line, cell_column) = cell_at.unwrap_or((line, column));
    let row = RawRow {
        name: feature.value,
        line: feature.line,
        column: feature.column,
        cells: vec![RawCell {
            subject: Some(subject.value),
            value,
            line: cell_line,
            column: cell_column,
        }],
    };
    Some((row, (subject.line, subject.column)))
}

/// A subject record → the subject it declares.
pub(super) fn subject(
    fields: Vec<Field>,
    (line, column): (usize, usize),
    here: &Here,
    diags: &mut Vec<Diagnostic>,
) -> Option<SubjectRecord> {
    let mut front = FrontMatter::default();
    let mut id = None;
    for f in fields {
        let text = match &f.value {
            Value::String(s) => Some(s.trim().to_string()),
            Value::Number(n) if f.key == "first_release" => Some(n.to_string()),
            _ => None,
        };
        if !SUBJECT_KEYS.contains(&f.key.as_str()) {
            front.extra.insert(f.key, f.value);
            continue;
        }
        let Some(text) = text else {
            diags.push(here.at(
                Diagnostic::error(format!(
                    "`{}` must be a string, found {}",
                    f.key,
                    describe_value(&f.value)
                )),
                f.line,
                f.column,
            ));
            continue;
        };
        match f.key.as_str() {
            "id" => {
                if let Some(why) = bad_id(&text) {
                    diags.push(here.at(
                        Diagnostic::error(format!("`{text}` cannot be a subject id: {why}")),
                        f.line,
                        f.column,
                    ));
                    return None;
                }
                id = Some(Located {
                    value: text,
                    line: f.line,
                    column: f.column,
                });
            }
            "title" => front.title = Some(text),
            "description" => front.description = Some(text),
            "website" => front.website = Some(text),
            "repository" => front.repository = Some(text),
            "license" => front.license = Some(text),
            _ => front.first_release = Some(text),
        }
    }
    let Some(id) = id else {
        diags.push(here.at(Diagnostic::error("a subject needs an `id`"), line, column));
        return None;
    };
    front.title.get_or_insert_with(|| id.value.clone());
    Some(SubjectRecord { id, front })
}

/// Why `id` cannot name a subject (it becomes a file name in the URL), if it cannot.
fn bad_id(id: &str) -> Option<&'static str> {
    if id.is_empty() {
        Some("it is empty")
    } else if id.contains(['/', '\\']) {
        Some("it holds a slash")
    } else if id.starts_with('.') {
        Some("it starts with a dot")
    } else {
        None
    }
}

/// "unknown key `supprt` in a statement" with the closest known key.
pub(super) fn unknown_key(
    key: &str,
    known: &[&str],
    what: &str,
    here: &Here,
    (line, column): (usize, usize),
) -> Diagnostic {
    let d = here.at(
        Diagnostic::error(format!("unknown key `{key}` in {what}")),
        line,
        column,
    );
    match closest(key, known.iter().copied()) {
        Some(c) => d.with_help(format!("did you mean `{c}`?")),
        None => d.with_help(format!("{what} takes {}", known.join(", "))),
    }
}

fn describe_value(v: &Value) -> &'static str {
    match v {
        Value::String(s) if s.trim().is_empty() => "an empty string",
        other => super::describe(other),
    }
}

// ---- TOML, YAML, JSON -----------------------------------------------------------------------

/// A TOML, YAML or JSON data file: a list of statement records, or a table with a list under
/// `statements` and one under `subjects`.
fn parse_document(data: &mut DataFile, format: Format, diags: &mut Vec<Diagnostic>) {
    let text = std::mem::take(&mut data.text);
    let here = Here {
        file: &data.file,
        text: &text,
    };
    let pos = Positions::new(&text, 0);
    let name = data.format.name();
    let root = match tree::parse_root(&text, format) {
        Ok(root) => root,
        Err(e) => {
            let d = Diagnostic::error(format!("invalid {name}: {}", e.message)).in_file(&data.file);
            diags.push(match e.at {
                Some(at) => pos.place(d, at),
                None => d,
            });
            data.text = text;
            return;
        }
    };
    let wrong_root = |found: &str| {
        Diagnostic::error(format!(
            "a {name} data file must be a list of statements, or a table of `statements` and `subjects`; found {found}"
        ))
        .in_file(here.file)
        .with_help("e.g. [[statements]] subject = \"django\" feature = \"ORM\" support = \"yes\"")
    };
    let mut statements = Vec::new();
    match &root.value {
        Tree::List(_) => statements = records(&root, &pos, &here, diags, statement),
        Tree::Table(entries) => {
            for e in entries {
                match e.key.as_str() {
                    "statements" => statements = records(&e.value, &pos, &here, diags, statement),
                    "subjects" => data.subjects = records(&e.value, &pos, &here, diags, subject),
                    other => diags.push(unknown_key(
                        other,
                        &["statements", "subjects"],
                        "a data file",
                        &here,
                        pos.line_col(e.at),
                    )),
                }
            }
        }
        Tree::Scalar(Value::Null) => {}
        Tree::Scalar(_) => diags.push(pos.place(wrong_root(root.describe()), root.at)),
    }
    data.set_records(statements);
    data.text = text;
}

/// Every item of a list of records, each read by `read`.
fn records<T>(
    list: &Node,
    pos: &Positions,
    here: &Here,
    diags: &mut Vec<Diagnostic>,
    read: ReadRecord<T>,
) -> Vec<T> {
    let Tree::List(items) = &list.value else {
        diags.push(
            pos.place(
                Diagnostic::error(format!(
                    "expected a list of records, found {}",
                    list.describe()
                ))
                .in_file(here.file),
                list.at,
            ),
        );
        return Vec::new();
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let Tree::Table(entries) = &item.value else {
            diags.push(
                pos.place(
                    Diagnostic::error(format!(
                        "each record must be a table of keys, found {}",
                        item.describe()
                    ))
                    .in_file(here.file),
                    item.at,
                ),
            );
            continue;
        };
        let fields = entries
            .iter()
            .map(|e| {
                let (line, column) = pos.line_col(e.at);
                Field {
                    key: e.key.clone(),
                    value: e.value.to_json(),
                    line,
                    column,
                }
            })
            .collect();
        out.extend(read(fields, pos.line_col(item.at), here, diags));
    }
    out
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// Reads `text` as the data file `content/<rel>`.
    pub(in crate::content) fn parse(rel: &str, text: &str) -> (DataFile, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let format = DataFormat::of(rel).expect(rel);
        let f = parse_data(
            PathBuf::from("content").join(rel),
            rel.into(),
            format,
            text.into(),
            &mut d,
        );
        (f, d)
    }

    /// (feature, subject, cell as JSON, line, column) of every statement.
    fn cells(f: &DataFile) -> Vec<(String, String, String, usize, usize)> {
        f.rows
            .iter()
            .flat_map(|r| {
                r.cells.iter().map(move |c| {
                    (
                        r.name.clone(),
                        c.subject.clone().unwrap_or_default(),
                        c.value.to_string(),
                        c.line,
                        c.column,
                    )
                })
            })
            .collect()
    }

    #[test]
    fn data_files_are_known_by_folder_and_extension() {
        assert_eq!(DataFormat::of("data/a.csv"), Some(DataFormat::Csv));
        assert_eq!(DataFormat::of("data/x/a.YML"), Some(DataFormat::Yaml));
        assert_eq!(DataFormat::of("data/a.json"), Some(DataFormat::Json));
        assert_eq!(DataFormat::of("other/a.csv"), None);
        assert_eq!(DataFormat::of("data/a.png"), None);
        assert_eq!(DataFormat::of("database/a.csv"), None);
    }

    #[test]
    fn toml_yaml_and_json_records_give_the_same_statements() {
        let toml = "[[subjects]]\nid = \"a\"\ntitle = \"Alpha\"\n\n[[statements]]\nsubject = \"a\"\nfeature = \"ORM\"\nsupport = \"yes\"\nsince = \"1.2\"\n\n[[statements]]\nsubject = \"a\"\nfeature = \"Templates\"\nvalue = \"Jinja2\"\n";
        let yaml = "subjects:\n  - { id: a, title: Alpha }\nstatements:\n  - subject: a\n    feature: ORM\n    support: yes\n    since: \"1.2\"\n  - { subject: a, feature: Templates, value: Jinja2 }\n";
        let json = "{\"subjects\": [{\"id\": \"a\", \"title\": \"Alpha\"}],\n \"statements\": [\n  {\"subject\": \"a\", \"feature\": \"ORM\", \"support\": \"yes\", \"since\": \"1.2\"},\n  {\"subject\": \"a\", \"feature\": \"Templates\", \"value\": \"Jinja2\"}]}\n";
        let mut all = Vec::new();
        for (rel, text) in [
            ("data/a.toml", toml),
            ("data/a.yaml", yaml),
            ("data/a.json", json),
        ] {
            let (f, d) = parse(rel, text);
            assert!(d.is_empty(), "{rel}: {d:?}");
            assert_eq!(f.subjects.len(), 1, "{rel}");
            assert_eq!(f.subjects[0].front.title.as_deref(), Some("Alpha"));
            let got: Vec<(String, String, String)> = cells(&f)
                .into_iter()
                .map(|(a, b, c, _, _)| (a, b, c))
                .collect();
            all.push(got);
        }
        assert_eq!(all[0], all[1]);
        assert_eq!(all[0], all[2]);
        assert_eq!(
            all[0][0].2, r#"{"support":"yes","since":"1.2"}"#,
            "the cell is the record's table"
        );
        // The cell sits at its `support` key; the row at `feature`.
        let (f, _) = parse("data/a.toml", toml);
        assert_eq!((f.rows[0].line, f.rows[0].column), (7, 1));
        assert_eq!((f.rows[0].cells[0].line, f.rows[0].cells[0].column), (8, 1));
    }

    #[test]
    fn a_top_level_list_is_a_list_of_statements() {
        let (f, d) = parse(
            "data/a.json",
            "[{\"subject\": \"a\", \"feature\": \"F\", \"support\": \"no\"}]",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(f.rows.len(), 1);
    }

    #[test]
    fn bad_records_name_the_key_and_place() {
        let (_, d) = parse(
            "data/a.toml",
            "[[statements]]\nsubject = \"a\"\nfeature = \"F\"\nsupprt = \"yes\"\n\n[[statement]]\n",
        );
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!((d[0].line, d[0].column), (4, 1));
        assert!(d[0].message.contains("unknown key `supprt`"), "{d:?}");
        assert_eq!(d[0].help.as_deref(), Some("did you mean `support`?"));
        assert_eq!(d[1].line, 6);
        assert_eq!(d[1].help.as_deref(), Some("did you mean `statements`?"));
        let (_, d) = parse("data/a.yaml", "- { subject: a, support: yes }\n- 3\n");
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].message.contains("needs a `subject` and a `feature`"));
        assert!(d[1].message.contains("must be a table"));
        let (_, d) = parse(
            "data/a.json",
            "{\"statements\": [ {\"subject\": \"a\",, } ]}",
        );
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.starts_with("invalid JSON"), "{d:?}");
        assert_eq!(d[0].line, 1);
        let (_, d) = parse(
            "data/a.yaml",
            "- { subject: a, feature: F, value: x, support: yes }\n- { subject: a, feature: G }\n",
        );
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].message.contains("`value` is a whole cell"), "{d:?}");
        assert!(d[1].message.contains("says nothing"), "{d:?}");
    }

    #[test]
    fn subject_records_check_their_ids_and_keep_other_keys() {
        let (f, d) = parse(
            "data/s.yaml",
            "subjects:\n  - { id: a, first_release: 2004, stars: 5 }\n  - { id: a/b }\n  - { title: T }\n",
        );
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d[0].message.contains("holds a slash"), "{d:?}");
        assert!(d[1].message.contains("needs an `id`"), "{d:?}");
        assert_eq!(f.subjects.len(), 1);
        let s = &f.subjects[0];
        assert_eq!(
            s.front.title.as_deref(),
            Some("a"),
            "the title defaults to the id"
        );
        assert_eq!(s.front.first_release.as_deref(), Some("2004"));
        assert_eq!(s.front.extra["stars"], Value::from(5));
        assert_eq!((s.id.line, s.id.column), (2, 7));
    }
}
