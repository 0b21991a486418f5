//! Support levels as data: the words a cell may start with (`yes`, `partial`, …), each with
//! the label and symbol readers see, the colour the theme paints it in, and whether it counts
//! as having the feature.
//!
//! Without declarations a site has the built-in set — yes, partial, plugin, no, unknown and
//! n/a ("not applicable": a cell that cannot apply, which is not the same as `no`). A site
//! that needs other words declares its own set in `features.toml` with `[[level]]` entries;
//! the declared set replaces the built-in one, and a declared level named like a built-in one
//! takes the built-in label, symbol, colour and support for whatever it leaves out.
//!
//! Not here: reading cells (`cells`), showing levels (`crate::render`).

use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostics::{Diagnostic, closest, line_col};

/// A level of the site's set: an index into [`LevelSet`], in the set's declared order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Level(u8);

impl Level {
    /// Position in the set's declared (legend) order.
    pub fn index(self) -> usize {
        usize::from(self.0)
    }
}

/// The colours a theme styles badges in. A fixed palette, so that any theme can paint any
/// site's levels.
pub const COLOURS: [&str; 6] = ["green", "amber", "blue", "red", "grey", "purple"];

/// One level: its word, what readers see, and what it means for comparisons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelDef {
    /// The word written in cells: `yes`, `n/a`, `extension`.
    pub name: String,
    pub label: String,
    pub symbol: String,
    /// One of [`COLOURS`].
    pub colour: String,
    /// `Some(true)`: counts as having the feature (yes, partial, plugin); `Some(false)`: as
    /// lacking it (no); `None`: neither (unknown, n/a).
    pub support: Option<bool>,
    /// The badge's class suffix: a built-in level in its built-in colour keeps its own name
    /// (`badge-yes`; stylesheets written for those keep working), any other level is styled
    /// by its colour (`badge-purple`).
    pub badge: String,
}

/// name, label, symbol, colour, support
type Builtin = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<bool>,
);

const BUILTIN: [Builtin; 6] = [
    ("yes", "Yes", "✓", "green", Some(true)),
    ("partial", "Partial", "◐", "amber", Some(true)),
    ("plugin", "Plugin", "+", "blue", Some(true)),
    ("no", "No", "✗", "red", Some(false)),
    ("unknown", "Unknown", "?", "grey", None),
    ("n/a", "N/A", "⊘", "grey", None),
];

/// Words a template uses for cells that have no level; no level may take them.
const RESERVED: [&str; 2] = ["text", "none"];

/// The site's levels, in declared order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LevelSet {
    defs: Vec<LevelDef>,
    declared: bool,
}

impl Default for LevelSet {
    fn default() -> Self {
        LevelSet {
            defs: BUILTIN
                .iter()
                .map(|&(name, ..)| builtin_def(name, None, None, None, None))
                .collect(),
            declared: false,
        }
    }
}

impl LevelSet {
    /// Gives the built-in levels the label of the site's language (`level_yes`, `level_na`
    /// in the translation table), unless the site declared a label of its own.
    pub fn localise(&mut self, strings: &crate::i18n::Strings) {
        for d in &mut self.defs {
            let Some(b) = BUILTIN.iter().find(|b| b.0 == d.name) else {
                continue;
            };
            if d.label == b.1 {
                let key = format!("level_{}", d.name.replace('/', ""));
                if strings.has(&key) {
                    d.label = strings.t(&key, &[]);
                }
            }
        }
    }
}

fn builtin_def(
    name: &str,
    label: Option<String>,
    symbol: Option<String>,
    colour: Option<String>,
    support: Option<Option<bool>>,
) -> LevelDef {
    let builtin = BUILTIN.iter().find(|b| b.0 == name);
    let colour = colour.unwrap_or_else(|| builtin.map_or("grey", |b| b.3).to_string());
    // `n/a` is no class name; it is styled by its colour like a declared level.
    let badge = match builtin {
        Some(b) if b.3 == colour && !name.contains('/') => name.to_string(),
        _ => colour.clone(),
    };
    LevelDef {
        name: name.to_string(),
        label: label.unwrap_or_else(|| builtin.map_or_else(|| capitalise(name), |b| b.1.into())),
        symbol: symbol.unwrap_or_else(|| builtin.map_or("•", |b| b.2).to_string()),
        colour,
        support: support.unwrap_or_else(|| builtin.and_then(|b| b.4)),
        badge,
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

/// A `[[level]]` entry of `features.toml`, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LevelEntry {
    name: Spanned<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    symbol: Option<String>,
    #[serde(default, alias = "color")]
    colour: Option<Spanned<String>>,
    #[serde(default)]
    support: Option<bool>,
    #[serde(default)]
    order: Option<i64>,
}

impl LevelSet {
    /// The set declared by `[[level]]` entries (the built-in set when there are none), with
    /// an error at each bad entry.
    pub(super) fn declare(
        entries: Vec<LevelEntry>,
        text: &str,
        file: &Path,
        diags: &mut Vec<Diagnostic>,
    ) -> LevelSet {
        if entries.is_empty() {
            return LevelSet::default();
        }
        let at = |span: std::ops::Range<usize>| line_col(text, span.start);
        let mut defs: Vec<(i64, usize, LevelDef)> = Vec::new();
        for (i, e) in entries.into_iter().enumerate() {
            let name = e.name.get_ref().trim().to_string();
            let (line, col) = at(e.name.span());
            let err = |msg: String| {
                Diagnostic::error(msg)
                    .in_file(file)
                    .at(line, col, Some(text))
            };
            if !valid_name(&name) {
                diags.push(err(format!("level name `{name}` is not a lower-case word")).with_help(
                    "a level is written at the start of a cell (`name: note`): use lower-case letters, digits and / _ . + - only",
                ));
                continue;
            }
            if RESERVED.contains(&name.as_str()) {
                diags.push(err(format!(
                    "`{name}` cannot be a level: templates use it for cells without one"
                )));
                continue;
            }
            if defs.len() == usize::from(u8::MAX) {
                diags.push(err(format!("too many levels: at most {}", u8::MAX)));
                break;
            }
            if defs.iter().any(|(.., d)| d.name == name) {
                diags.push(err(format!("level `{name}` is declared twice")));
                continue;
            }
            if e.label.as_deref().is_some_and(|l| l.trim().is_empty()) {
                diags.push(err(format!("level `{name}` has an empty label")).with_help(
                    "the label is the word on its badge: a level is never shown by colour alone",
                ));
                continue;
            }
            let colour = match e.colour {
                None => None,
                Some(c) if COLOURS.contains(&c.get_ref().as_str()) => Some(c.into_inner()),
                Some(c) => {
                    let (line, col) = at(c.span());
                    let mut d = Diagnostic::error(format!("unknown colour `{}`", c.get_ref()))
                        .in_file(file)
                        .at(line, col, Some(text));
                    d = match closest(c.get_ref(), COLOURS) {
                        Some(s) => d.with_help(format!("did you mean `{s}`?")),
                        None => d.with_help(format!("colours: {}", COLOURS.join(", "))),
                    };
                    diags.push(d);
                    None
                }
            };
            let support = e.support.map(Some);
            let def = builtin_def(&name, e.label, e.symbol, colour, support);
            defs.push((e.order.unwrap_or(i64::MAX), i, def));
        }
        defs.sort_by_key(|(order, i, _)| (*order, *i));
        LevelSet {
            defs: defs.into_iter().map(|(.., d)| d).collect(),
            declared: true,
        }
    }

    /// The level a word names, exactly (levels are lower case).
    pub fn parse(&self, word: &str) -> Option<Level> {
        self.defs
            .iter()
            .position(|d| d.name == word)
            .map(|i| Level(i as u8))
    }

    pub fn def(&self, l: Level) -> &LevelDef {
        &self.defs[l.index()]
    }

    pub fn name(&self, l: Level) -> &str {
        &self.def(l).name
    }

    /// Whether `l` counts as having the feature (see [`LevelDef::support`]).
    pub fn supports(&self, l: Level) -> Option<bool> {
        self.def(l).support
    }

    /// Every level in declared order.
    pub fn iter(&self) -> impl Iterator<Item = (Level, &LevelDef)> {
        self.defs
            .iter()
            .enumerate()
            .map(|(i, d)| (Level(i as u8), d))
    }

    pub fn len(&self) -> usize {
        self.defs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.defs.is_empty()
    }

    /// Whether `features.toml` declares the set (else it is the built-in one).
    pub fn is_declared(&self) -> bool {
        self.declared
    }

    /// The order tables sort cells in, by kind of cell: levels that count as support (in
    /// declared order), then text values (`text`), then levels that count neither way, then
    /// those that count as lacking it, then "not stated" (`none`). For the built-in set:
    /// yes partial plugin text unknown n/a no none.
    pub fn sort_order(&self) -> Vec<&str> {
        let of = |s: Option<bool>| self.defs.iter().filter(move |d| d.support == s);
        let names = |s| of(s).map(|d| d.name.as_str());
        names(Some(true))
            .chain(["text"])
            .chain(names(None))
            .chain(names(Some(false)))
            .chain(["none"])
            .collect()
    }

    /// The names, for messages: `yes, partial, plugin, no, unknown, n/a`.
    pub fn names(&self) -> String {
        let names: Vec<&str> = self.defs.iter().map(|d| d.name.as_str()).collect();
        names.join(", ")
    }

    /// The help for a word that is not a level: the closest level, else the list.
    pub fn suggest(&self, word: &str) -> String {
        match closest(word, self.defs.iter().map(|d| d.name.as_str())) {
            Some(c) => format!("did you mean `{c}`? levels: {}", self.names()),
            None => format!("levels: {}", self.names()),
        }
    }

    /// The level `word` was probably meant to be, for a word before a colon that is not a
    /// level: the same word in other letter case (`Yes`), two letters swapped (`yse`), or —
    /// for names longer than three letters — one letter more, less or different
    /// (`plugins`, `parial`). Short names allow only the first two, so that ordinary words
    /// (`Go`, `Now`, `Note`) stay text.
    pub fn near_miss(&self, word: &str) -> Option<&str> {
        if word.is_empty() || word.contains(char::is_whitespace) {
            return None;
        }
        let lower = word.to_lowercase();
        self.defs.iter().map(|d| d.name.as_str()).find(|&name| {
            let distance = strsim::osa_distance(&lower, name);
            if lower == name {
                return true;
            }
            if name.chars().count() <= 3 {
                let (mut a, mut b): (Vec<char>, Vec<char>) =
                    (lower.chars().collect(), name.chars().collect());
                a.sort_unstable();
                b.sort_unstable();
                distance == 1 && a == b
            } else {
                distance == 1 && lower.chars().count() >= 3
            }
        })
    }

    /// A built-in level word this site's declared set leaves out (`plugin` on a site that
    /// declares only yes, no and extension): in a cell, a mistake rather than text.
    pub fn undeclared_builtin(&self, word: &str) -> bool {
        self.declared && self.parse(word).is_none() && BUILTIN.iter().any(|b| b.0 == word)
    }
}

/// Lower-case letters, digits and `/ _ . + -`, starting with a letter or digit.
fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_lowercase() || c.is_ascii_digit() || "/_.+-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_set() {
        let set = LevelSet::default();
        assert_eq!(set.names(), "yes, partial, plugin, no, unknown, n/a");
        let na = set.parse("n/a").unwrap();
        assert_eq!(set.supports(na), None);
        assert_eq!(set.def(na).badge, "grey");
        assert_eq!(set.def(set.parse("yes").unwrap()).badge, "yes");
        assert_eq!(
            set.sort_order().join(" "),
            "yes partial plugin text unknown n/a no none"
        );
        assert!(!set.is_declared());
    }

    #[test]
    fn near_misses_but_not_ordinary_words() {
        let set = LevelSet::default();
        for (word, level) in [
            ("yse", "yes"),
            ("Yes", "yes"),
            ("NO", "no"),
            ("N/A", "n/a"),
            ("plugins", "plugin"),
            ("parital", "partial"),
            ("unknwon", "unknown"),
        ] {
            assert_eq!(set.near_miss(word), Some(level), "{word}");
        }
        for word in [
            "Go",
            "Now",
            "Not",
            "Note",
            "Yet",
            "na",
            "Jinja2",
            "two words",
            "",
        ] {
            assert_eq!(set.near_miss(word), None, "{word}");
        }
    }

    fn declare(text: &str) -> (LevelSet, Vec<Diagnostic>) {
        #[derive(Deserialize)]
        struct F {
            level: Vec<LevelEntry>,
        }
        let f: F = toml::from_str(text).unwrap();
        let mut d = Vec::new();
        let set = LevelSet::declare(f.level, text, Path::new("content/features.toml"), &mut d);
        (set, d)
    }

    #[test]
    fn declared_sets_replace_the_built_in_one() {
        let (set, d) = declare(
            "[[level]]\nname = \"no\"\norder = 9\n\n[[level]]\nname = \"yes\"\nlabel = \"Built in\"\n\n\
             [[level]]\nname = \"extension\"\nsymbol = \"⊕\"\ncolor = \"purple\"\nsupport = true\norder = 1\n",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(set.names(), "extension, no, yes");
        let yes = set.def(set.parse("yes").unwrap());
        assert_eq!((yes.label.as_str(), yes.symbol.as_str()), ("Built in", "✓"));
        let ext = set.def(set.parse("extension").unwrap());
        assert_eq!((ext.badge.as_str(), ext.support), ("purple", Some(true)));
        assert_eq!(ext.label, "Extension");
        assert!(set.undeclared_builtin("plugin"));
        assert!(!set.undeclared_builtin("extension"));
        assert_eq!(set.sort_order().join(" "), "extension yes text no none");
    }

    #[test]
    fn bad_declarations_are_errors_at_their_line() {
        let (set, d) = declare(
            "[[level]]\nname = \"Maybe\"\n[[level]]\nname = \"text\"\n[[level]]\nname = \"ok\"\ncolour = \"gren\"\n[[level]]\nname = \"ok\"\n[[level]]\nname = \"blank\"\nlabel = \" \"\n",
        );
        let found: Vec<(usize, &str)> = d.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(found.len(), 5, "{found:?}");
        assert_eq!(found[0].0, 2);
        assert!(found[0].1.contains("`Maybe`"));
        assert!(found[1].1.contains("`text` cannot be a level"));
        assert_eq!(found[2].0, 7);
        assert_eq!(d[2].help.as_deref(), Some("did you mean `green`?"));
        assert!(found[3].1.contains("declared twice"));
        assert!(found[4].1.contains("empty label"));
        assert_eq!(set.names(), "ok");
    }
}
