//! Interface strings: every word the theme, the generator and the scripts put on a page, in
//! the site's language.
//!
//! A language's table is a flat TOML file, `i18n/<lang>.toml`, in three layers like the
//! templates: the default theme's (built into the binary), then `themes/<theme>/i18n/`, then
//! the site's own `i18n/`, each overriding single keys. A value is a string
//! (`not_stated = "Not stated"`), a table of plural forms (`{ one = "{count} article",
//! other = "{count} articles" }`, the CLDR categories `zero one two few many other`), or, for
//! `months`, a list. `{name}` in a value is filled from the caller's arguments; `{count}` is
//! the number a plural form was chosen by, with the language's thousands separator.
//!
//! English is the base of every language: a key missing from a language's table falls back
//! to English with one warning naming the key and the language; a language with no table at
//! all is English, with one warning.
//!
//! Not here: which language a page is in (the model and renderer decide), templates' access
//! to the strings (the `t` function in `render::templates`).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::diagnostics::{Diagnostic, line_col};

/// The language every table falls back to.
pub const BASE: &str = "en";

/// One translation file as found in a theme layer: its language, where it came from (for
/// messages) and its text.
#[derive(Debug, Clone)]
pub struct TableFile {
    pub lang: String,
    pub file: PathBuf,
    pub text: String,
}

/// One key's value.
#[derive(Debug, Clone, PartialEq)]
enum Entry {
    Text(String),
    /// CLDR plural category → text.
    Plural(BTreeMap<String, String>),
    List(Vec<String>),
}

/// The resolved strings of one language: its tables merged over English.
#[derive(Debug, Clone)]
pub struct Strings {
    lang: String,
    entries: HashMap<String, Entry>,
    /// Whether the language has a table of its own (else it is English throughout).
    has_table: bool,
    /// The keys whose value is not the built-in English one (so a page needs to carry the
    /// scripts' strings only when some differ).
    differs_from_builtin: bool,
}

impl Default for Strings {
    /// The built-in English table.
    fn default() -> Self {
        let files = builtin_files();
        Strings::load(BASE, &files).0
    }
}

/// The default theme's tables, built into the binary.
pub fn builtin_files() -> Vec<TableFile> {
    crate::theme::embedded_i18n()
}

impl Strings {
    /// Merges the tables for `lang` from `files` (in layer order: later files override
    /// earlier ones) over English. Returns warnings for missing keys (once each) and errors
    /// for tables that do not parse.
    pub fn load(lang: &str, files: &[TableFile]) -> (Strings, Vec<Diagnostic>) {
        let mut diags = Vec::new();
        let mut parsed: Vec<(&TableFile, HashMap<String, Entry>)> = Vec::new();
        for f in files.iter().filter(|f| f.lang == BASE || f.lang == lang) {
            if let Some(t) = parse(f, &mut diags) {
                parsed.push((f, t));
            }
        }
        let builtin = builtin_english();
        let mut entries: HashMap<String, Entry> = HashMap::new();
        for (_, t) in parsed.iter().filter(|(f, _)| f.lang == BASE) {
            entries.extend(t.clone());
        }
        if lang != BASE {
            let own: Vec<&(&TableFile, HashMap<String, Entry>)> =
                parsed.iter().filter(|(f, _)| f.lang == lang).collect();
            if own.is_empty() {
                diags.push(
                    Diagnostic::warning(format!(
                        "no translation table for language `{lang}`: the interface is in English"
                    ))
                    .in_file("versus.toml")
                    .with_help(format!(
                        "add i18n/{lang}.toml to the site (copy a table of the default theme's \
                         i18n/ folder and translate it)"
                    )),
                );
            } else {
                let mut keys: Vec<&String> = entries
                    .keys()
                    .filter(|k| !own.iter().any(|(_, t)| t.contains_key(*k)))
                    .collect();
                keys.sort();
                let file = &own.last().map(|(f, _)| f.file.clone()).unwrap_or_default();
                for k in keys {
                    diags.push(
                        Diagnostic::warning(format!(
                            "translation key `{k}` is missing for language `{lang}`: using the English text"
                        ))
                        .in_file(file),
                    );
                }
                for (_, t) in own {
                    entries.extend(t.clone());
                }
            }
        }
        let differs_from_builtin = builtin.as_ref().is_none_or(|b| *b != entries);
        let has_table = lang == BASE || parsed.iter().any(|(f, _)| f.lang == lang);
        (
            Strings {
                lang: lang.to_string(),
                entries,
                has_table,
                differs_from_builtin,
            },
            diags,
        )
    }

    /// The language code: `en`, `de`, `pt-BR`.
    pub fn lang(&self) -> &str {
        &self.lang
    }

    /// The language's name for itself (`language_name`: "Deutsch"), or its code when it has
    /// no table (it would be "English").
    pub fn language_name(&self) -> String {
        if self.has_table {
            self.t("language_name", &[])
        } else {
            self.lang.clone()
        }
    }

    /// `rtl` or `ltr`, from the table's `direction`.
    pub fn direction(&self) -> &str {
        match self.get("direction") {
            Some("rtl") => "rtl",
            _ => "ltr",
        }
    }

    /// Whether `key` exists (in this language or in English).
    pub fn has(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    fn get(&self, key: &str) -> Option<&str> {
        match self.entries.get(key) {
            Some(Entry::Text(s)) => Some(s),
            Some(Entry::Plural(p)) => p.get("other").map(String::as_str),
            _ => None,
        }
    }

    /// The text of `key` as the table has it, borrowed: for words without placeholders on
    /// hot paths (a matrix cell), where [`Strings::t`] would allocate each time.
    pub fn text<'a>(&'a self, key: &'a str) -> &'a str {
        self.get(key).unwrap_or(key)
    }

    /// The text of `key` with `{name}` placeholders filled from `args`. An unknown key gives
    /// the key itself (templates get an error instead, see [`Strings::lookup`]).
    pub fn t(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.get(key).unwrap_or(key), args)
    }

    /// The plural form of `key` for `count`, with `{count}` (formatted) and `args` filled.
    pub fn plural(&self, key: &str, count: i64, args: &[(&str, &str)]) -> String {
        let n = self.number(count);
        let mut all: Vec<(&str, &str)> = vec![("count", n.as_str())];
        all.extend_from_slice(args);
        match self.lookup(key, Some(count)) {
            Some(s) => fill(s, &all),
            None => fill(key, &all),
        }
    }

    /// The raw text of `key`, in the plural form for `count` when given and the entry has
    /// forms. `None` when the key does not exist.
    pub fn lookup(&self, key: &str, count: Option<i64>) -> Option<&str> {
        match (self.entries.get(key)?, count) {
            (Entry::Text(s), _) => Some(s),
            (Entry::Plural(p), Some(n)) => p
                .get(plural_category(&self.lang, n))
                .or_else(|| p.get("other"))
                .map(String::as_str),
            (Entry::Plural(p), None) => p.get("other").map(String::as_str),
            (Entry::List(_), _) => None,
        }
    }

    /// `1234567` → `1,234,567` (English), `1.234.567` (German): the table's
    /// `thousands_separator` between groups of three digits.
    pub fn number(&self, n: i64) -> String {
        let sep = self.get("thousands_separator").unwrap_or(",");
        let digits = n.unsigned_abs().to_string();
        let mut out = String::new();
        if n < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(sep);
            }
            out.push(c);
        }
        out
    }

    fn month_name(&self, mo: &str) -> Option<&str> {
        let i = mo.parse::<usize>().ok()?.checked_sub(1)?;
        match self.entries.get("months") {
            Some(Entry::List(l)) => l.get(i).map(String::as_str),
            _ => None,
        }
    }

    /// `2026-09-14` → `14 September 2026` (English), by the table's `date_format` and
    /// `months`. Anything else is returned as it is.
    pub fn date(&self, ymd: &str) -> String {
        let mut parts = ymd.split('-');
        let (Some(y), Some(mo), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return ymd.to_string();
        };
        match (self.month_name(mo), d.parse::<u32>()) {
            (Some(month), Ok(day)) => self.t(
                "date_format",
                &[("day", &day.to_string()), ("month", month), ("year", y)],
            ),
            _ => ymd.to_string(),
        }
    }

    /// `2026-05-14` → `May 2026`, by `month_format`: how an "as of" date is shown.
    pub fn month(&self, ymd: &str) -> String {
        let mut parts = ymd.split('-');
        let (Some(y), Some(mo)) = (parts.next(), parts.next()) else {
            return ymd.to_string();
        };
        match self.month_name(mo) {
            Some(month) => self.t("month_format", &[("month", month), ("year", y)]),
            None => ymd.to_string(),
        }
    }

    /// The scripts' strings as one JSON object: the keys starting `js_` (without the prefix;
    /// plural forms as `key_one`, `key_other`, …) and the few the templates share with them
    /// ([`SHARED_WITH_SCRIPTS`]). `None` when every string is the built-in English one: the
    /// scripts carry those, so an English site's pages stay as they were.
    pub fn script_strings(&self) -> Option<String> {
        if !self.differs_from_builtin {
            return None;
        }
        Some(
            serde_json::to_string(&self.script_map())
                .ok()?
                .replace("</", "<\\/"),
        )
    }

    /// The scripts' strings ([`Strings::script_strings`]) as a map.
    pub fn script_map(&self) -> BTreeMap<String, String> {
        let mut map = BTreeMap::new();
        for (k, v) in &self.entries {
            let name = match k.strip_prefix("js_") {
                Some(name) => name,
                None if SHARED_WITH_SCRIPTS.contains(&k.as_str()) => k.as_str(),
                None => continue,
            };
            match v {
                Entry::Text(s) => {
                    map.insert(name.to_string(), s.clone());
                }
                Entry::Plural(forms) => {
                    for (form, s) in forms {
                        map.insert(format!("{name}_{form}"), s.clone());
                    }
                }
                Entry::List(_) => {}
            }
        }
        map
    }
}

/// Keys the templates use that the scripts need too (legends and tables they draw).
pub const SHARED_WITH_SCRIPTS: [&str; 6] = [
    "legend",
    "legend_title",
    "not_stated",
    "col_feature",
    "list_separator",
    "thousands_separator",
];

/// The built-in English entries, to tell whether a site's strings differ from them.
fn builtin_english() -> Option<HashMap<String, Entry>> {
    let mut entries = HashMap::new();
    for f in builtin_files().iter().filter(|f| f.lang == BASE) {
        entries.extend(parse(f, &mut Vec::new())?);
    }
    Some(entries)
}

/// Fills `{name}` placeholders; unknown ones stay as written.
pub fn fill(text: &str, args: &[(&str, &str)]) -> String {
    if !text.contains('{') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j) if args.iter().any(|(k, _)| *k == &after[..j]) => {
                let name = &after[..j];
                out.push_str(args.iter().find(|(k, _)| *k == name).map_or("", |a| a.1));
                rest = &after[j + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A language code as `lang` attributes take it: 2–3 letters, then `-` parts of letters and
/// digits (`en`, `de-CH`, `zh-Hant`).
pub fn is_language_code(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// The CLDR plural category of `n` in `lang`, for the languages the default theme ships and
/// those that share their rules; any other language uses the English rule.
pub fn plural_category(lang: &str, n: i64) -> &'static str {
    let primary = lang.split(['-', '_']).next().unwrap_or(lang);
    let n = n.unsigned_abs();
    match primary {
        // French and Brazilian Portuguese: 0 and 1 are singular.
        "fr" => {
            if n <= 1 {
                "one"
            } else {
                "other"
            }
        }
        "ar" => match (n, n % 100) {
            (0, _) => "zero",
            (1, _) => "one",
            (2, _) => "two",
            (_, 3..=10) => "few",
            (_, 11..=99) => "many",
            _ => "other",
        },
        "ja" | "zh" | "ko" | "vi" | "th" | "id" => "other",
        _ => {
            if n == 1 {
                "one"
            } else {
                "other"
            }
        }
    }
}

/// Parses one table; errors name the file, line and column.
fn parse(f: &TableFile, diags: &mut Vec<Diagnostic>) -> Option<HashMap<String, Entry>> {
    let table: toml::Table = match f.text.parse() {
        Ok(t) => t,
        Err(e) => {
            let (line, col) = e.span().map_or((0, 0), |s| line_col(&f.text, s.start));
            diags.push(
                Diagnostic::error(format!("invalid translation table: {}", e.message()))
                    .in_file(&f.file)
                    .at(line, col, Some(&f.text)),
            );
            return None;
        }
    };
    let mut out = HashMap::new();
    for (key, value) in table {
        let entry = match value {
            toml::Value::String(s) => Some(Entry::Text(s)),
            toml::Value::Table(t) => t
                .into_iter()
                .map(|(k, v)| Some((k, v.as_str()?.to_string())))
                .collect::<Option<BTreeMap<_, _>>>()
                .filter(|m| m.contains_key("other"))
                .map(Entry::Plural),
            toml::Value::Array(a) => a
                .into_iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .map(Entry::List),
            _ => None,
        };
        match entry {
            Some(e) => {
                out.insert(key, e);
            }
            None => {
                let line = find_line(&f.text, &key);
                diags.push(
                    Diagnostic::error(format!(
                        "translation `{key}` must be a string, a list of strings, or a table of \
                         plural forms with at least `other`"
                    ))
                    .in_file(&f.file)
                    .at(line, 1, Some(&f.text)),
                );
            }
        }
    }
    Some(out)
}

/// The line where `key` is defined, for messages.
fn find_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(['=', '.']))
                || l.trim() == format!("[{key}]")
        })
        .map_or(0, |i| i + 1)
}

/// Reads the `<lang>.toml` files of a folder (`themes/x/i18n`, the site's `i18n`), sorted by
/// name, with paths relative to `root` for messages.
pub fn read_dir(root: &Path, dir: &Path, diags: &mut Vec<Diagnostic>) -> Vec<TableFile> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let lang = p.file_stem()?.to_string_lossy().into_owned();
            let shown = p.strip_prefix(root).unwrap_or(&p).to_path_buf();
            match std::fs::read_to_string(&p) {
                Ok(text) => Some(TableFile {
                    lang,
                    file: shown,
                    text,
                }),
                Err(e) => {
                    diags.push(
                        Diagnostic::error(format!("cannot read translation table: {e}"))
                            .in_file(shown),
                    );
                    None
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(lang: &str, text: &str) -> TableFile {
        TableFile {
            lang: lang.into(),
            file: PathBuf::from(format!("i18n/{lang}.toml")),
            text: text.into(),
        }
    }

    #[test]
    fn missing_keys_fall_back_with_one_warning_each() {
        let files = [
            file("en", "a = \"Apple\"\nb = \"Bee\"\n"),
            file("xx", "a = \"Apfel\"\n"),
        ];
        let (s, d) = Strings::load("xx", &files);
        assert_eq!(s.t("a", &[]), "Apfel");
        assert_eq!(s.t("b", &[]), "Bee");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(
            d[0].to_string()
                .contains("`b` is missing for language `xx`")
        );
    }

    #[test]
    fn plural_forms_and_numbers() {
        let files = [file(
            "en",
            "n = { one = \"{count} page\", other = \"{count} pages\" }\nthousands_separator = \",\"\n",
        )];
        let (s, _) = Strings::load("en", &files);
        assert_eq!(s.plural("n", 1, &[]), "1 page");
        assert_eq!(s.plural("n", 1234, &[]), "1,234 pages");
        assert_eq!(plural_category("fr", 0), "one");
        assert_eq!(plural_category("ar", 2), "two");
        assert_eq!(plural_category("ar", 105), "few");
        assert_eq!(plural_category("de", 0), "other");
    }

    #[test]
    fn unknown_placeholders_stay() {
        assert_eq!(
            fill("{a} vs {b} {c}", &[("a", "X"), ("b", "Y")]),
            "X vs Y {c}"
        );
        assert_eq!(fill("{", &[]), "{");
    }

    /// The English each script carries (for pages without a strings element) is the
    /// English table's: a string changed in one place only would differ between sites.
    #[test]
    fn scripts_carry_the_english_table() {
        let en = Strings::default().script_map();
        for (name, bytes) in crate::theme::embedded_statics() {
            if !name.ends_with(".js") {
                continue;
            }
            let js = String::from_utf8_lossy(bytes);
            let Some(start) = js.find("})({") else {
                continue;
            };
            let body = &js[start + 4..start + js[start..].find("\n  });").unwrap()];
            let mut seen = 0;
            for line in body.lines().map(str::trim).filter(|l| !l.is_empty()) {
                let (k, v) = line.split_once(": ").unwrap();
                let v: String = serde_json::from_str(v.trim_end_matches(',')).unwrap();
                assert_eq!(en.get(k), Some(&v), "{name}: `{k}`");
                seen += 1;
            }
            assert!(seen > 5, "{name}: no strings found");
        }
    }

    #[test]
    fn builtin_tables_parse_and_have_every_english_key() {
        let files = builtin_files();
        for lang in ["de", "fr", "es", "ar"] {
            let (_, d) = Strings::load(lang, &files);
            assert!(d.is_empty(), "{lang}: {d:?}");
        }
        let en = Strings::default();
        assert_eq!(en.date("2026-09-14"), "14 September 2026");
        assert_eq!(en.month("2026-05-14"), "May 2026");
        assert!(en.script_strings().is_none());
    }
}
