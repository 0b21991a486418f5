//! The pieces a template context is made of, built by one set of functions and used two
//! ways: as the values a template sees ([`Mode::Render`]), or as a hash of exactly those
//! values ([`Mode::Digest`]).
//!
//! The preview server re-renders a page only when its digest changed. Because the digest is
//! computed by the same code that builds the context — every value a template can see goes
//! through a [`Ctx`] — it cannot drift from what the templates read: a context function that
//! starts showing something new changes the digest with it. The one value not built here is
//! a page's rendered Markdown, which is expensive: its digest is the hash of what the HTML is
//! made from (the body text and where each of its links resolves; see `pages`).
//!
//! Not here: what goes into each page kind's context (`pages`, `generated`), templates.

use std::hash::{Hash, Hasher};

use serde_json::Value;
use xxhash_rust::xxh3::Xxh3;

use super::Renderer;
use crate::diagnostics::Diagnostic;
use crate::model::{Model, PageId, StatementId};

/// A template value. Cheap to clone (shared, reference-counted), so a page listed on
/// thousands of other pages is turned into one once, not once per listing.
pub type TValue = tera::Value;

/// What a context is being built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The values themselves, for a template.
    Render,
    /// Only a hash of them, to tell whether a page would render differently.
    Digest,
}

/// One value of a context, or its hash.
#[derive(Clone)]
pub enum Part {
    Value(TValue),
    Hash(u64),
}

impl Part {
    fn value(self) -> TValue {
        match self {
            Part::Value(v) => v,
            // Only reachable if digest and render parts were mixed: show nothing.
            Part::Hash(_) => TValue::none(),
        }
    }

    fn hash(&self) -> u64 {
        match self {
            Part::Hash(h) => *h,
            Part::Value(v) => {
                let mut h = Xxh3::new();
                let _ = serde_json::to_writer(HashWriter(&mut h), v);
                h.finish()
            }
        }
    }
}

/// Feeds serialised bytes straight into a hasher.
struct HashWriter<'a>(&'a mut Xxh3);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The hash of a JSON value as it serialises.
pub fn hash_json(v: &Value) -> u64 {
    let mut h = Xxh3::new();
    let _ = serde_json::to_writer(HashWriter(&mut h), v);
    h.finish()
}

/// A context being built for one target.
pub struct Ctx<'r, 'm> {
    pub r: &'r Renderer<'m>,
    pub m: &'m Model,
    pub mode: Mode,
    pub diags: Vec<Diagnostic>,
    entries: Vec<(&'static str, Part)>,
}

impl<'r, 'm> Ctx<'r, 'm> {
    pub fn new(r: &'r Renderer<'m>, mode: Mode) -> Ctx<'r, 'm> {
        Ctx {
            r,
            m: r.model,
            mode,
            diags: Vec::new(),
            entries: Vec::new(),
        }
    }

    /// A JSON value as a part.
    pub fn json(&self, v: &Value) -> Part {
        match self.mode {
            Mode::Render => Part::Value(TValue::from_serializable(v)),
            Mode::Digest => Part::Hash(hash_json(v)),
        }
    }

    /// Nothing (a template sees `none`).
    pub fn none(&self) -> Part {
        match self.mode {
            Mode::Render => Part::Value(TValue::none()),
            Mode::Digest => Part::Hash(0),
        }
    }

    /// A list of parts.
    pub fn list(&self, parts: impl IntoIterator<Item = Part>) -> Part {
        match self.mode {
            Mode::Render => Part::Value(
                parts
                    .into_iter()
                    .map(Part::value)
                    .collect::<Vec<_>>()
                    .into(),
            ),
            Mode::Digest => {
                let mut h = Xxh3::new();
                b'['.hash(&mut h);
                for p in parts {
                    p.hash().hash(&mut h);
                }
                Part::Hash(h.finish())
            }
        }
    }

    /// A JSON object plus fields that already are parts (shared summaries, page HTML), which
    /// are therefore not copied again.
    pub fn with(
        &self,
        base: Value,
        fields: impl IntoIterator<Item = (&'static str, Part)>,
    ) -> Part {
        match self.mode {
            Mode::Render => {
                let mut map = TValue::from_serializable(&base)
                    .into_map()
                    .unwrap_or_default();
                for (k, v) in fields {
                    map.insert(k.into(), v.value());
                }
                Part::Value(map.into())
            }
            Mode::Digest => {
                let mut h = Xxh3::new();
                hash_json(&base).hash(&mut h);
                for (k, v) in fields {
                    k.hash(&mut h);
                    v.hash().hash(&mut h);
                }
                Part::Hash(h.finish())
            }
        }
    }

    /// Adds a top-level entry.
    pub fn insert(&mut self, key: &'static str, part: Part) {
        self.entries.push((key, part));
    }

    /// Adds a top-level entry from JSON.
    pub fn insert_json(&mut self, key: &'static str, v: &Value) {
        let part = self.json(v);
        self.insert(key, part);
    }

    /// Page `p` as lists show it ([`super::values::summary`]), made once per renderer.
    pub fn summary(&self, p: PageId) -> Part {
        self.r.summary(p, self.mode)
    }

    pub fn summaries(&self, pages: &[PageId]) -> Part {
        self.list(pages.iter().map(|&p| self.summary(p)))
    }

    /// One cell with where it was said, as a part. Not kept: a statement is shown about
    /// twice (its feature's page, its subject's page), and keeping every cell of a large
    /// site cost more memory than remaking them costs time.
    pub fn cell(&self, st: Option<StatementId>) -> Part {
        self.serialized(&super::values::cell_view(self.m, st, true))
    }

    /// Any serialisable value as a part, without a JSON tree in between. Its digest is the
    /// same as that of the JSON it serialises to.
    pub fn serialized(&self, v: &impl serde::Serialize) -> Part {
        match self.mode {
            Mode::Render => Part::Value(TValue::from_serializable(v)),
            Mode::Digest => {
                let mut h = Xxh3::new();
                let _ = serde_json::to_writer(HashWriter(&mut h), v);
                Part::Hash(h.finish())
            }
        }
    }

    /// The finished context for Tera.
    pub fn into_context(self) -> (tera::Context, Vec<Diagnostic>) {
        let mut ctx = tera::Context::new();
        for (k, v) in self.entries {
            ctx.insert_value(k, v.value());
        }
        (ctx, self.diags)
    }

    /// The finished digest.
    pub fn into_digest(self) -> u64 {
        let mut h = Xxh3::new();
        for (k, v) in &self.entries {
            k.hash(&mut h);
            v.hash().hash(&mut h);
        }
        h.finish()
    }
}
