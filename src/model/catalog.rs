//! The feature catalogue: `features.toml` (names, groups, descriptions, aliases) and the
//! lookup of a row name, as written in any table, to one feature.
//!
//! Features are matched across the site by the slug of their name or of an alias. A name the
//! catalogue does not know becomes an ad-hoc feature in the "Other" group, with a warning
//! (and the closest known name) when the site has a catalogue.
//!
//! Not here: the statements about features (see `statements`).

use serde::Deserialize;

use super::{Feature, FeatureId, Model};
use crate::content::Source;
use crate::diagnostics::{Diagnostic, closest};
use crate::slug::slugify;

/// `features.toml`, as written.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Catalog {
    #[serde(default)]
    feature: Vec<CatalogEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogEntry {
    name: String,
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
}

/// The group of features that `features.toml` does not place.
pub const OTHER_GROUP: &str = "Other";

impl Model {
    pub(super) fn load_catalog(&mut self, text: &str, diags: &mut Vec<Diagnostic>) {
        let file = format!(
            "{}/{}",
            crate::content::CONTENT_DIR,
            crate::content::FEATURES_FILE
        );
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
        self.has_catalog = true;
        for entry in catalog.feature {
            let slug = slugify(&entry.name);
            let group = entry
                .group
                .clone()
                .unwrap_or_else(|| OTHER_GROUP.to_string());
            if !self.groups.contains(&group) {
                self.groups.push(group.clone());
            }
            let id = self.features.len();
            for key in std::iter::once(&entry.name).chain(entry.aliases.iter()) {
                let k = slugify(key);
                if let Some(&other) = self.feature_by_key.get(&k) {
                    if other != id {
                        let line = find_line(text, &format!("\"{key}\""));
                        diags.push(
                            Diagnostic::error(format!(
                                "`{key}` names two features: `{}` and `{}`",
                                self.features[other].name, entry.name
                            ))
                            .in_file(&file)
                            .at(line, 1, Some(text)),
                        );
                    }
                    continue;
                }
                self.feature_by_key.insert(k, id);
            }
            self.features.push(Feature {
                name: entry.name,
                slug,
                group,
                description: entry.description,
                aliases: entry.aliases,
                statements: Vec::new(),
            });
        }
    }

    /// The feature a row name refers to, creating an ad-hoc feature for an unknown name.
    pub(super) fn feature_for(
        &mut self,
        name: &str,
        source: &Source,
        (line, column): (usize, usize),
        diags: &mut Vec<Diagnostic>,
    ) -> FeatureId {
        let key = slugify(name);
        if let Some(&id) = self.feature_by_key.get(&key) {
            return id;
        }
        if self.has_catalog {
            let mut d = Diagnostic::warning(format!("feature `{name}` is not in features.toml"))
                .in_file(&source.file)
                .at(line, column, Some(&source.text));
            let names: Vec<&str> = self.features.iter().map(|f| f.name.as_str()).collect();
            if let Some(c) = closest(name, names) {
                d = d.with_help(format!("did you mean `{c}`?"));
            } else {
                d = d.with_help("add it to content/features.toml");
            }
            diags.push(d);
        }
        if !self.groups.iter().any(|g| g == OTHER_GROUP) {
            self.groups.push(OTHER_GROUP.to_string());
        }
        let id = self.features.len();
        self.features.push(Feature {
            name: name.to_string(),
            slug: key.clone(),
            group: OTHER_GROUP.to_string(),
            description: None,
            aliases: Vec::new(),
            statements: Vec::new(),
        });
        self.feature_by_key.insert(key, id);
        id
    }
}

fn find_line(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(0, |i| i + 1)
}
