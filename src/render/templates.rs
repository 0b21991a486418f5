//! Templates: loading them into Tera (site overrides, then the theme, then the default
//! theme built into the binary), the functions and filters templates can call (`url`,
//! `asset`, `t`, `script_strings`, `num`, `list`), and
//! turning Tera's errors into diagnostics at the template's file, line and column.
//!
//! Not here: contexts (`pages`, `generated`), choosing a template (`PageKind::template`).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tera::{Kwargs, State, Tera};

use crate::diagnostics::Diagnostic;
use crate::i18n::Strings;
use crate::model::Model;
use crate::theme::Theme;

/// The strings of the page being rendered: the language in its context's `lang`, else the
/// site's.
fn strings_of<'a>(all: &'a Languages, state: &State) -> &'a Strings {
    let lang: Option<String> = state.get("lang").ok().flatten();
    lang.and_then(|l| all.get(&l))
        .or_else(|| all.values().next())
        .map(Arc::as_ref)
        .unwrap_or_else(|| unreachable_strings())
}

/// Never reached: the renderer always registers the site's language.
fn unreachable_strings() -> &'static Strings {
    static EN: std::sync::OnceLock<Strings> = std::sync::OnceLock::new();
    EN.get_or_init(Strings::default)
}

/// A value as it fills a placeholder: numbers with the language's thousands separator.
fn arg_text(s: &Strings, v: &tera::Value) -> String {
    match v.as_i64() {
        Some(n) => s.number(n),
        None => v.as_str().map_or_else(|| v.to_string(), str::to_string),
    }
}

/// The interface strings for templates: `t(key="not_stated")`, `t(key="pair_title",
/// a=…, b=…)`, `t(key="count_articles", count=n)` (plural form by `count`), the
/// `script_strings()` JSON for the scripts, and the filters `num` (`1234` → `1,234`) and
/// `list` (`["a", "b"]` → `a, b`; `list(attribute="title")` joins one key of each map).
fn register_strings(tera: &mut Tera, all: Languages) {
    let langs = Arc::new(all);
    let l = Arc::clone(&langs);
    tera.register_function(
        "t",
        move |kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
            let s = strings_of(&l, state);
            let key: String = kwargs.must_get("key")?;
            let count: Option<i64> = kwargs.get("count")?;
            let Some(text) = s.lookup(&key, count) else {
                return Err(tera::Error::message(format!(
                    "unknown translation key `{key}` (not in i18n/{}.toml nor i18n/en.toml)",
                    s.lang()
                )));
            };
            let mut args: Vec<(String, String)> = Vec::new();
            for (k, v) in kwargs.iter() {
                if let Some(k) = k.as_str().filter(|k| *k != "key") {
                    args.push((k.to_string(), arg_text(s, v)));
                }
            }
            let args: Vec<(&str, &str)> =
                args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            Ok(crate::i18n::fill(text, &args))
        },
    );
    let l = Arc::clone(&langs);
    tera.register_function(
        "script_strings",
        move |_: Kwargs, state: &State| -> tera::TeraResult<String> {
            Ok(strings_of(&l, state).script_strings().unwrap_or_default())
        },
    );
    let l = Arc::clone(&langs);
    tera.register_filter(
        "num",
        move |v: &tera::Value, _: Kwargs, state: &State| -> tera::TeraResult<String> {
            Ok(arg_text(strings_of(&l, state), v))
        },
    );
    let l = Arc::clone(&langs);
    tera.register_filter(
        "list",
        move |v: &tera::Value, kwargs: Kwargs, state: &State| -> tera::TeraResult<String> {
            let s = strings_of(&l, state);
            let attribute: Option<String> = kwargs.get("attribute")?;
            let items = v.as_array().unwrap_or_default();
            let parts: Vec<String> = items
                .iter()
                .map(|i| match &attribute {
                    Some(a) => i
                        .get_from_path(a)
                        .map_or_else(String::new, |x| arg_text(s, x)),
                    None => arg_text(s, i),
                })
                .collect();
            Ok(parts.join(&s.t("list_separator", &[])))
        },
    );
}

/// Language code → its strings, for the `t` function and friends.
pub type Languages = BTreeMap<String, Arc<Strings>>;

/// `url(path="/compare/")` and `asset(path="style.css")` for templates, and the strings.
pub fn register_functions(tera: &mut Tera, m: &Model, assets: &BTreeMap<String, String>) {
    let mut langs = Languages::new();
    langs.insert(m.strings.lang().to_string(), Arc::clone(&m.strings));
    register_strings(tera, langs);
    let base = m.base_path.clone();
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            Ok(crate::urls::prefix_url(&base, &path))
        },
    );
    // Assets are the whole site's, at its root, whatever language the page is in.
    let base = m.root_base_path.clone();
    let map = assets.clone();
    tera.register_function(
        "asset",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get("path")?;
            let key = path.trim_start_matches('/');
            let name = map.get(key).map_or(key, String::as_str);
            Ok(crate::urls::prefix_url(&base, &format!("/{name}")))
        },
    );
}

/// Turns a Tera error into diagnostics at the template's file, line and column. Tera reports
/// unknown functions, filters and includes for all templates at once as pre-rendered text, so
/// that text is taken apart again.
pub fn tera_diagnostics(e: &tera::Error, files: &HashMap<String, PathBuf>) -> Vec<Diagnostic> {
    let file_of = |name: &str| {
        files
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(name))
    };
    let source_of = |file: &Path| std::fs::read_to_string(file).ok();
    let (report, kind) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) => (r, "template syntax error"),
        tera::ErrorKind::RenderingError(r) => (r, "template error"),
        tera::ErrorKind::MissingParent { current, parent } => {
            return vec![
                Diagnostic::error(format!("template extends `{parent}`, which does not exist"))
                    .in_file(file_of(current)),
            ];
        }
        tera::ErrorKind::TemplateNotFound(name) => {
            return vec![Diagnostic::error(format!("template `{name}` not found"))];
        }
        other => return parse_reports(&other.to_string(), &file_of),
    };
    let file = file_of(report.filename());
    let span = report.span();
    vec![
        Diagnostic::error(format!("{kind}: {}", report.message()))
            .in_file(&file)
            .at(
                span.start_line,
                span.start_col + 1,
                source_of(&file).as_deref(),
            ),
    ]
}

/// Parses Tera's rendered reports (`error: msg` / ` --> name:line:col`) into diagnostics.
pub fn parse_reports(text: &str, file_of: &dyn Fn(&str) -> PathBuf) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let Some(msg) = line.trim_start().strip_prefix("error: ") else {
            continue;
        };
        let mut d = Diagnostic::error(format!("template error: {msg}"));
        if let Some(loc) = lines
            .peek()
            .and_then(|l| l.trim_start().strip_prefix("--> "))
        {
            let mut parts = loc.rsplitn(3, ':');
            let col = parts
                .next()
                .and_then(|c| c.parse::<usize>().ok())
                .unwrap_or(0);
            let line_no = parts
                .next()
                .and_then(|c| c.parse::<usize>().ok())
                .unwrap_or(0);
            if let Some(name) = parts.next() {
                let file = file_of(name);
                let src = std::fs::read_to_string(&file).ok();
                d = d.in_file(&file).at(line_no, col, src.as_deref());
            }
        }
        out.push(d);
    }
    if out.is_empty() {
        out.push(Diagnostic::error(format!(
            "template error: {}",
            text.trim()
        )));
    }
    out
}

/// Where the theme's files come from, for messages about embedded templates.
pub fn embedded_path(name: &str) -> PathBuf {
    Path::new("<built-in theme>").join("templates").join(name)
}

/// Every template of the theme, parsed, with where each came from (for error messages).
/// Syntax errors are returned as diagnostics, all of them, not only the first.
pub fn load(
    model: &Model,
    theme: &Theme,
    assets: &BTreeMap<String, String>,
) -> (Tera, HashMap<String, PathBuf>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let templates = theme.templates();
    let files: HashMap<String, PathBuf> = templates
        .iter()
        .map(|(n, (p, _))| (n.clone(), p.clone()))
        .collect();
    let mut tera = Tera::new();
    tera.autoescape_on(vec![".html", ".xml", ".htm"]);
    register_functions(&mut tera, model, assets);
    let all = templates.iter().map(|(n, (_, t))| (n, t));
    if let Err(e) = tera.add_raw_templates(all) {
        // Tera stops at the first syntax error: parse each template alone to find them all.
        for (name, (_, text)) in templates {
            let mut scratch = Tera::new();
            if let Err(e) = scratch.add_raw_template(name, text)
                && matches!(e.kind(), tera::ErrorKind::SyntaxError(_))
            {
                diags.extend(tera_diagnostics(&e, &files));
            }
        }
        if diags.is_empty() {
            diags.extend(tera_diagnostics(&e, &files));
        }
    }
    (tera, files, diags)
}
