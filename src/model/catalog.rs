//! The feature catalogue: `features.toml` (names, groups, descriptions, aliases, and the
//! site's own support levels, handed to `levels`) and the lookup of a row name, as written
//! in any table, to one feature.
//!
//! Features are matched across the site by the slug of their name or of an alias. A name the
//! catalogue does not know becomes an ad-hoc feature in the "Other" group, with a warning
//! (and the closest known name) when the site has a catalogue.
//!
//! Not here: the statements about features (see `statements`).

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::levels::{LevelEntry, LevelSet};
use super::{Feature, FeatureId, Group, GroupId, Model, Named};
use crate::diagnostics::{Diagnostic, LineIndex, closest};
use crate::slug::slugify;

/// `features.toml`, as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Catalog {
    #[serde(default)]
    feature: Vec<CatalogEntry>,
    #[serde(default)]
    level: Vec<LevelEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogEntry {
    /// With its place in the file, for messages about the feature.
    name: toml::Spanned<String>,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    /// `[feature.translations.de]`: the name and description in another of the site's
    /// languages. The feature keeps its slug (its id) from `name`.
    #[serde(default)]
    translations: std::collections::BTreeMap<String, Translation>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Translation {
    name: String,
    #[serde(default)]
    description: Option<String>,
}

/// The group of features that `features.toml` does not place.
pub const OTHER_GROUP: &str = "Other";

impl Model {
    pub(super) fn load_catalog(&mut self, text: &str, diags: &mut Vec<Diagnostic>) {
        let file = PathBuf::from(format!(
            "{}/{}",
            crate::content::CONTENT_DIR,
            crate::content::FEATURES_FILE
        ));
        let catalog: Catalog = match toml::from_str(text) {
            Ok(c) => c,
            Err(e) => {
                let (line, col) = e
                    .span()
                    .map_or((0, 0), |s| crate::diagnostics::line_col(text, s.start));
                diags.push(
                    Diagnostic::error(format!("invalid features.toml: {}", e.message().trim_end()))
                        .in_file(&file)
                        .at(line, col, Some(text)),
                );
                return;
            }
        };
        // A file that only declares levels lists no features, so it cannot know them all.
        self.has_catalog = !catalog.feature.is_empty() || catalog.level.is_empty();
        self.levels = LevelSet::declare(catalog.level, text, &file, diags);
        // One index of the file's lines: a catalogue of 15,000 features is not searched
        // line by line for each.
        let lines = LineIndex::new(text);
        let language = self.config.language.clone();
        for mut entry in catalog.feature {
            let (line, column) = lines.line_col(entry.name.span().start);
            let mut name = entry.name.into_inner();
            let slug = slugify(&name);
            // In another language the translated name is shown, and found in tables, too.
            if let Some(t) = entry.translations.remove(&language) {
                entry
                    .aliases
                    .insert(0, std::mem::replace(&mut name, t.name));
                entry.description = t.description.or(entry.description);
            }
            let group = self.group_named(entry.group.as_deref().unwrap_or(OTHER_GROUP));
            let id = self.features.len();
            for key in std::iter::once(&name).chain(entry.aliases.iter()) {
                let k = slugify(key);
                if let Some(&other) = self.feature_by_key.get(&k) {
                    if other != id {
                        let line = find_line(text, &format!("\"{key}\""));
                        diags.push(
                            Diagnostic::error(format!(
                                "`{key}` names two features: `{}` and `{}`",
                                self.features[other].name, name
                            ))
                            .in_file(&file)
                            .at(line, 1, Some(text)),
                        );
                    }
                    continue;
                }
                self.feature_by_key.insert(k, id);
            }
            self.groups[group].features.push(id);
            self.features.push(Feature {
                name,
                slug,
                group,
                description: entry.description,
                aliases: entry.aliases,
                statements: Vec::new(),
                named_at: Named {
                    file: file.clone(),
                    line,
                    column,
                },
            });
        }
    }

    /// The feature a row name refers to, creating an ad-hoc feature for an unknown name (in
    /// the "Other" group when the site has a catalogue, else in a group named after the page
    /// that first states it, `group_hint`). A name that reaches a feature under another
    /// spelling (`crypto` for `Crypto`, `fit-content()` for `fit-content`) is a warning naming
    /// both places: the two may not be meant as one. `file` (with its `text`) is where the
    /// name was written: a page, or a data file.
    pub(super) fn feature_for(
        &mut self,
        name: &str,
        (file, text): (&Path, &str),
        (line, column): (usize, usize),
        group_hint: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> FeatureId {
        let key = slugify(name);
        if let Some(&id) = self.feature_by_key.get(&key) {
            let f = &self.features[id];
            if f.name != name && !f.aliases.iter().any(|a| a == name) {
                let first = &f.named_at;
                diags.push(
                    Diagnostic::warning(format!(
                        "`{name}` and `{}` are one feature (both are `{key}` in URLs)",
                        f.name
                    ))
                    .in_file(file)
                    .at(line, column, Some(text))
                    .with_note(format!(
                        "`{}` is named at {}:{}:{}",
                        f.name,
                        first.file.display().to_string().replace('\\', "/"),
                        first.line,
                        first.column
                    ))
                    .with_help(format!(
                        "write it `{}` everywhere, or list `{name}` under its `aliases` in features.toml",
                        f.name
                    )),
                );
            }
            return id;
        }
        let group = if self.has_catalog {
            let mut d = Diagnostic::warning(format!("feature `{name}` is not in features.toml"))
                .in_file(file)
                .at(line, column, Some(text));
            let names: Vec<&str> = self.features.iter().map(|f| f.name.as_str()).collect();
            if let Some(c) = closest(name, names) {
                d = d.with_help(format!("did you mean `{c}`?"));
            } else {
                d = d.with_help("add it to content/features.toml");
            }
            diags.push(d);
            self.group_named(OTHER_GROUP)
        } else {
            self.group_named(group_hint)
        };
        let id = self.features.len();
        self.groups[group].features.push(id);
        self.features.push(Feature {
            name: name.to_string(),
            slug: key.clone(),
            group,
            description: None,
            aliases: Vec::new(),
            statements: Vec::new(),
            named_at: Named {
                file: file.to_path_buf(),
                line,
                column,
            },
        });
        self.feature_by_key.insert(key, id);
        id
    }

    /// The group called `name`, made (with a slug no other group has) if it is new.
    /// Groups whose names differ only in letter case stay two groups with two slugs.
    fn group_named(&mut self, name: &str) -> GroupId {
        if let Some(g) = self.groups.iter().position(|g| g.name == name) {
            return g;
        }
        let base = match slugify(name) {
            s if s.is_empty() => "group".to_string(),
            s => s,
        };
        let mut slug = base.clone();
        let mut n = 2;
        while self.groups.iter().any(|g| g.slug == slug) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        self.groups.push(Group {
            name: name.to_string(),
            slug,
            features: Vec::new(),
        });
        self.groups.len() - 1
    }
}

fn find_line(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(0, |i| i + 1)
}
