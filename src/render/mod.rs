//! Apply templates: one [`Target`] of the model + Tera → one HTML string.
//!
//! The [`Renderer`] is built once per build (templates parsed, the site-wide context
//! serialised once into Arc-backed Tera values) and is then shared by all threads; rendering a
//! target borrows the model and builds only that target's own context, so pages can be
//! rendered one at a time, in any order, in parallel — which is what both `build` and the
//! preview server need. The same context code also gives each target a digest
//! ([`Renderer::digest`]): the preview server re-renders a page only when it changed.
//!
//! | file | owns |
//! |---|---|
//! | `mod.rs` | [`Renderer`]: render or digest one target |
//! | `parts` | context pieces, as values or as hashes |
//! | `pages` | contexts of pages made from Markdown (home, section, article, subject) |
//! | `generated` | contexts of pages made from the model (indexes, features, matrix, pairs, tags, 404) |
//! | `values` | the JSON templates see: summaries, cells, refs, dates, `site`, `config` |
//! | `templates` | loading templates, template functions, template errors |
//!
//! Templates come from the site's `templates/` (overrides), then `themes/<theme>/templates/`,
//! then the default theme embedded in the binary. Every template error becomes a
//! [`Diagnostic`] naming the template file, line and column.
//!
//! This module does not write files: [`crate::output`] does.

mod generated;
mod pages;
mod pairs;
mod parts;
mod templates;
pub mod values;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use tera::Tera;

pub use parts::hash_json;
use parts::{Ctx, Mode, Part, TValue};
pub use templates::embedded_path;
pub use values::{shared_context, summary};

use crate::diagnostics::Diagnostic;
use crate::highlight::Highlighter;
use crate::model::tracked::{self, Reads};
use crate::model::{Model, PageId, PageKind, Target};
use crate::theme::Theme;

/// One rendered output file.
pub struct RenderedTarget {
    pub target: Target,
    /// Site path without base path: `/a/` or `/404.html`.
    pub path: String,
    pub html: String,
}

/// Templates plus the shared, serialised site context.
pub struct Renderer<'m> {
    model: &'m Model,
    tera: Tera,
    /// Where each template name came from, for error messages.
    template_files: HashMap<String, PathBuf>,
    site: TValue,
    config: TValue,
    highlighter: &'m Highlighter,
    /// Each page as lists show it ([`summary`]), made on first use: a tag page lists
    /// thousands, and every article lists its related pages.
    summaries: Vec<OnceLock<TValue>>,
    /// The same, hashed, for digests, with what making it read of the model.
    summary_hashes: Vec<OnceLock<(u64, Reads)>>,
    /// Template errors are the same for every page that hits them: report each once.
    reported: Mutex<HashSet<String>>,
}

impl<'m> Renderer<'m> {
    /// Loads templates and prepares the shared context. Template syntax errors are returned
    /// as diagnostics (all of them, not only the first).
    pub fn new(
        model: &'m Model,
        theme: &Theme,
        highlighter: &'m Highlighter,
        assets: &BTreeMap<String, String>,
    ) -> (Renderer<'m>, Vec<Diagnostic>) {
        let (tera, template_files, diags) = templates::load(model, theme, assets);
        let site = TValue::from_serializable(&values::site_context(model, assets));
        let config = TValue::from_serializable(&values::config_context(model));
        let n = model.pages.len();
        (
            Renderer {
                model,
                tera,
                template_files,
                site,
                config,
                highlighter,
                summaries: (0..n).map(|_| OnceLock::new()).collect(),
                summary_hashes: (0..n).map(|_| OnceLock::new()).collect(),
                reported: Mutex::new(HashSet::new()),
            },
            diags,
        )
    }

    /// Renders one target. Warnings (e.g. an unknown code language) and errors (template
    /// errors) come back as diagnostics; on error the HTML is `None`.
    pub fn render(&self, target: Target) -> (Option<RenderedTarget>, Vec<Diagnostic>) {
        let kind = self.model.kind(target);
        let mut ctx = Ctx::new(self, Mode::Render);
        self.build_context(&mut ctx, target, kind);
        let (mut context, mut diags) = ctx.into_context();
        context.insert_value("site", self.site.clone());
        context.insert_value("config", self.config.clone());
        let strings = &self.model.strings;
        context.insert("lang", strings.lang());
        context.insert("dir", strings.direction());
        let path = self.model.target_path(target);
        match self.tera.render(kind.template(), &context) {
            Ok(html) => (Some(RenderedTarget { target, path, html }), diags),
            Err(e) => {
                let mut all = templates::tera_diagnostics(&e, &self.template_files);
                let d = all.remove(0);
                let key = d.to_string();
                if self
                    .reported
                    .lock()
                    .map(|mut r| r.insert(key))
                    .unwrap_or(true)
                {
                    diags.push(d);
                } else {
                    // Already reported for another page: still an error for this one.
                    diags.push(Diagnostic::error(String::new()));
                }
                (None, diags)
            }
        }
    }

    /// A hash of everything `target`'s template sees apart from the shared `site` and
    /// `config` ([`shared_context`]): while those and the templates stay the same, two equal
    /// digests render the same bytes. With it, what computing it read of the model
    /// ([`tracked`]): while none of that changes, neither does the digest.
    pub fn digest(&self, target: Target) -> (u64, Reads) {
        tracked::record(|| {
            let kind = self.model.kind(target);
            let mut ctx = Ctx::new(self, Mode::Digest);
            self.build_context(&mut ctx, target, kind);
            ctx.into_digest()
        })
    }

    /// The context of one target: its kind's own entries, then what every page gets.
    fn build_context(&self, ctx: &mut Ctx, target: Target, kind: PageKind) {
        let m = self.model;
        match target {
            Target::Page(p, n) => pages::page(ctx, p, n, kind),
            Target::Home(n) => pages::generated_home(ctx, n),
            Target::SubjectIndex(n) => generated::subject_index(ctx, n),
            Target::FeatureIndex(n) => generated::feature_index(ctx, n),
            Target::Feature(f, n) => generated::feature(ctx, f, n),
            Target::Matrix(n) => generated::matrix(ctx, n),
            Target::Group(g, n) => generated::group(ctx, g, n),
            Target::Pair(p, n) => pairs::pair(ctx, p, n),
            Target::PairIndex(n) => pairs::pair_index(ctx, n),
            Target::PairGroup(p, g, n) => pairs::pair_group(ctx, p, g, n),
            Target::SubjectGroup(s, g, n) => generated::subject_group(ctx, s, g, n),
            Target::TagIndex(n) => generated::tag_index(ctx, n),
            Target::Tag(t, n) => generated::tag(ctx, t, n),
            Target::NotFound => generated::not_found(ctx),
        }
        let path = m.target_path(target);
        ctx.insert_json("kind", &kind.name().into());
        ctx.insert_json("current_url", &m.url(&path).into());
        ctx.insert_json("current_path", &path.clone().into());
        ctx.insert_json("permalink", &m.permalink_uri(&path).into());
        ctx.insert_json("translations", &values::translations(m, &path));
    }

    /// Page `p` as lists show it, made once per renderer in each mode.
    fn summary(&self, p: PageId, mode: Mode) -> Part {
        match mode {
            Mode::Render => Part::Value(
                self.summaries[p]
                    .get_or_init(|| TValue::from_serializable(&summary(self.model, p)))
                    .clone(),
            ),
            Mode::Digest => {
                let (hash, reads) = self.summary_hashes[p]
                    .get_or_init(|| tracked::record(|| hash_json(&summary(self.model, p))));
                tracked::replay(reads);
                Part::Hash(*hash)
            }
        }
    }
}
