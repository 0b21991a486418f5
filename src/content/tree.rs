//! Front-matter text, or a TOML, YAML or JSON data file → a tree of [`Node`]s: the values as
//! written, each with the byte offset where the parser found it.
//!
//! Positions come from the parsers themselves — `toml`'s spanned document API
//! ([`toml::de::DeTable`]) and serde-saphyr's [`Spanned`] — so a key with escapes
//! (`"The \"fast\" path"`, `"caf\u00e9"`), a row split over lines or a YAML alias still points
//! at the place an author wrote it. TOML and YAML (and JSON, which serde-saphyr reads as the
//! YAML it nearly is) end in the same tree, so the code that reads keys
//! ([`super::front_matter`], [`super::features`], [`super::data`]) has one path for all.
//!
//! Not for deciding what a key means or which type it must have; and offsets are into the text
//! handed in, turning them into line and column of the file is the caller's job.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};
use serde_saphyr::{Location, Spanned};
use toml::de::{DeTable, DeValue};

use super::Format;

/// A value and where it starts (byte offset into the parsed text).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Node {
    pub at: usize,
    pub value: Tree,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tree {
    /// A string, number, boolean or null; TOML datetimes become their text.
    Scalar(Value),
    List(Vec<Node>),
    /// Keys in the order written.
    Table(Vec<Entry>),
}

/// One key of a table, where the key itself starts, and its value.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Entry {
    pub key: String,
    pub at: usize,
    pub value: Node,
}

impl Node {
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Tree::Scalar(v) => v.as_str(),
            _ => None,
        }
    }

    /// The value without positions, for what is handed on as plain data (cells, `extra`).
    pub fn to_json(&self) -> Value {
        match &self.value {
            Tree::Scalar(v) => v.clone(),
            Tree::List(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Tree::Table(entries) => Value::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
        }
    }

    /// "a string", "a table", ... for messages, as [`super::describe`] says it.
    pub fn describe(&self) -> &'static str {
        match &self.value {
            Tree::Scalar(v) => super::describe(v),
            Tree::List(_) => "a list",
            Tree::Table(_) => "a table",
        }
    }
}

/// Bad syntax: the parser's message, and where it points when it says.
#[derive(Debug)]
pub(super) struct SyntaxError {
    pub message: String,
    pub at: Option<usize>,
}

/// Parses front matter into its top-level keys. Empty text (or only comments) has none.
pub(super) fn parse(text: &str, format: Format) -> Result<Vec<Entry>, SyntaxError> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let name = match format {
        Format::Toml | Format::None => "TOML",
        Format::Yaml => "YAML",
    };
    let root = parse_root(text, format).map_err(|e| SyntaxError {
        message: format!("invalid {name} front matter: {}", e.message),
        at: e.at,
    })?;
    match root.value {
        Tree::Table(entries) => Ok(entries),
        Tree::Scalar(Value::Null) => Ok(Vec::new()),
        _ => Err(SyntaxError {
            message: format!(
                "{name} front matter must be a mapping of keys, found {}",
                root.describe()
            ),
            at: Some(0),
        }),
    }
}

/// Parses a whole document (TOML; YAML, or JSON read as YAML) into its root node. The error
/// message is the parser's alone: the caller says what was being read.
pub(super) fn parse_root(text: &str, format: Format) -> Result<Node, SyntaxError> {
    match format {
        Format::Toml | Format::None => parse_toml(text),
        Format::Yaml => parse_yaml(text),
    }
}

// ---- TOML -----------------------------------------------------------------------------------

fn parse_toml(text: &str) -> Result<Node, SyntaxError> {
    let doc = DeTable::parse(text).map_err(|e| SyntaxError {
        message: e.message().trim_end().to_string(),
        at: e.span().map(|s| s.start),
    })?;
    Ok(Node {
        at: 0,
        value: Tree::Table(toml_entries(doc.into_inner())?),
    })
}

fn toml_entries(table: DeTable<'_>) -> Result<Vec<Entry>, SyntaxError> {
    table
        .into_iter()
        .map(|(key, value)| {
            Ok(Entry {
                at: key.span().start,
                key: key.into_inner().into_owned(),
                value: toml_node(value)?,
            })
        })
        .collect()
}

fn toml_node(value: toml::Spanned<DeValue<'_>>) -> Result<Node, SyntaxError> {
    let at = value.span().start;
    // What `toml::from_str` checks after parsing, the parser alone leaves to its caller.
    let overflow = |what: &str| SyntaxError {
        message: format!("{what} number overflowed"),
        at: Some(at),
    };
    let value = match value.into_inner() {
        DeValue::String(s) => Tree::Scalar(Value::String(s.into_owned())),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Tree::Scalar(Value::from(n)),
            Err(_) => return Err(overflow("integer")),
        },
        DeValue::Float(f) => {
            let n: f64 = f.as_str().parse().map_err(|_| overflow("floating-point"))?;
            if n.is_infinite() && !f.as_str().contains("inf") {
                return Err(overflow("floating-point"));
            }
            // NaN and infinities have no JSON number: they read as nothing, as before.
            Tree::Scalar(Number::from_f64(n).map_or(Value::Null, Value::Number))
        }
        DeValue::Boolean(b) => Tree::Scalar(Value::Bool(b)),
        DeValue::Datetime(d) => Tree::Scalar(Value::String(d.to_string())),
        DeValue::Array(items) => {
            Tree::List(items.into_iter().map(toml_node).collect::<Result<_, _>>()?)
        }
        DeValue::Table(t) => Tree::Table(toml_entries(t)?),
    };
    Ok(Node { at, value })
}

// ---- YAML -----------------------------------------------------------------------------------

/// What serde-saphyr hands over: values and keys wrapped in [`Spanned`], which its
/// deserializer fills with the place each node was written.
enum Yaml {
    Scalar(Value),
    List(Vec<Spanned<Yaml>>),
    Table(Vec<(Spanned<String>, Spanned<Yaml>)>),
}

fn parse_yaml(text: &str) -> Result<Node, SyntaxError> {
    // YAML 1.2 booleans only: with YAML 1.1 rules `no`, `on` and `y` turn into booleans, so
    // `subjects: [on, y]` or a subject called `no` would silently change meaning between TOML
    // and YAML front matter. `yes`/`no` cells stay level words.
    let options = serde_saphyr::options! { strict_booleans: true };
    let root: Spanned<Yaml> = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let msg = e.to_string();
        let msg = msg.lines().next().unwrap_or("").trim();
        let msg = msg.split(" at line ").next().unwrap_or(msg);
        SyntaxError {
            // The place is printed as file:line:col of the whole file; saphyr's own
            // "error: line 2 column 7:" counts from the front matter and would disagree.
            message: strip_saphyr_location(msg).to_string(),
            at: e.location().map(|l| yaml_offset(text, &l)),
        }
    })?;
    Ok(yaml_node(text, root))
}

fn yaml_node(text: &str, node: Spanned<Yaml>) -> Node {
    let at = yaml_offset(text, &node.referenced);
    let value = match node.value {
        Yaml::Scalar(v) => Tree::Scalar(v),
        Yaml::List(items) => Tree::List(items.into_iter().map(|i| yaml_node(text, i)).collect()),
        Yaml::Table(entries) => Tree::Table(
            entries
                .into_iter()
                .map(|(k, v)| Entry {
                    at: yaml_offset(text, &k.referenced),
                    key: k.value,
                    value: yaml_node(text, v),
                })
                .collect(),
        ),
    };
    Node { at, value }
}

/// Byte offset of a YAML location. Parsing a `&str` gives byte offsets; the line and column
/// are the fallback (line 0, unknown, is the start of the text).
fn yaml_offset(text: &str, loc: &Location) -> usize {
    match loc.span().byte_offset() {
        Some(b) => usize::try_from(b).map_or(text.len(), |b| b.min(text.len())),
        None => offset_of_line_col(text, loc.line() as usize, loc.column() as usize),
    }
}

/// Byte offset of a YAML parser's 1-based line and character column. YAML counts a lone `\r`
/// as a line break too, so its line numbers run ahead of the file's `\n` lines when a file
/// holds stray carriage returns; going through the offset keeps a diagnostic on a line that
/// exists.
fn offset_of_line_col(text: &str, line: usize, column: usize) -> usize {
    let mut current = 1;
    let mut offset = if line <= 1 { 0 } else { text.len() };
    let mut chars = text.char_indices().peekable();
    while current < line
        && let Some((_, c)) = chars.next()
    {
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
            }
        }
    }
    // Columns count characters from 1; stay on the line.
    let rest = &text[offset..];
    let line_len = rest.find(['\n', '\r']).unwrap_or(rest.len());
    offset
        + rest[..line_len]
            .chars()
            .take(column.saturating_sub(1))
            .map(char::len_utf8)
            .sum::<usize>()
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

impl<'de> Deserialize<'de> for Yaml {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(YamlVisitor)
    }
}

/// Accepts what `serde_json::Value` accepts, number for number, so YAML front matter reads as
/// it did when it was parsed into JSON values directly.
struct YamlVisitor;

impl<'de> Visitor<'de> for YamlVisitor {
    type Value = Yaml;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, b: bool) -> Result<Yaml, E> {
        Ok(Yaml::Scalar(Value::Bool(b)))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Yaml, E> {
        Ok(Yaml::Scalar(Value::from(n)))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Yaml, E> {
        Ok(Yaml::Scalar(Value::from(n)))
    }

    fn visit_i128<E: de::Error>(self, n: i128) -> Result<Yaml, E> {
        Number::deserialize(de::value::I128Deserializer::new(n)).map(|n| Yaml::Scalar(n.into()))
    }

    fn visit_u128<E: de::Error>(self, n: u128) -> Result<Yaml, E> {
        Number::deserialize(de::value::U128Deserializer::new(n)).map(|n| Yaml::Scalar(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Yaml, E> {
        Ok(Yaml::Scalar(
            Number::from_f64(n).map_or(Value::Null, Value::Number),
        ))
    }

    fn visit_str<E>(self, s: &str) -> Result<Yaml, E> {
        Ok(Yaml::Scalar(Value::String(s.to_string())))
    }

    fn visit_string<E>(self, s: String) -> Result<Yaml, E> {
        Ok(Yaml::Scalar(Value::String(s)))
    }

    fn visit_unit<E>(self) -> Result<Yaml, E> {
        Ok(Yaml::Scalar(Value::Null))
    }

    fn visit_none<E>(self) -> Result<Yaml, E> {
        Ok(Yaml::Scalar(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Yaml, D::Error> {
        Yaml::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Yaml, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Yaml::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Yaml, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Yaml::Table(entries))
    }
}
