//! versus: a static site generator for comparison sites.
//!
//! Authors write Markdown articles whose front matter holds feature tables; versus reads every
//! cell as a statement ("Django has a built-in ORM, says this page at line 12"), builds one
//! model of all statements, and renders a cross-linked site from it: article pages, a page per
//! subject and per feature, a matrix, and a page per pair of subjects.
//!
//! The pipeline, one module per stage, data flowing down this list (a stage with several
//! concerns is a folder whose `mod.rs` lists its files):
//!
//! | stage | module |
//! |---|---|
//! | `versus.toml` → settings | [`config`] |
//! | files → sources with parsed front matter | [`content`] |
//! | sources → pages, subjects, features, statements, links, targets | [`model`] |
//! | one body → HTML | [`markdown`] (code via [`highlight`]) |
//! | one target + model → HTML via Tera, or its digest | [`render`] (templates from [`theme`]) |
//! | every other file: statics, search index, sitemap, feeds, redirects | [`outputs`] |
//! | a loaded site and the one render loop, for all targets or some | [`engine`] |
//! | files → output folder, atomically | [`output`] |
//! | the stages wired together for `build` | [`pipeline`] |
//! | `versus check`: links and ids in the rendered pages | [`linkcheck`] |
//! | `versus serve`: the engine into memory, incremental, with live reload | [`serve`] |
//! | `versus deploy`: the build → git, S3, a folder or rsync, changes only | [`deploy`] |
//!
//! Shared helpers low in the house: [`urls`] (paths and URLs), [`slug`], [`diagnostics`]
//! (the one error/warning type, with file, line and column), [`error`], [`edit_links`]
//! (links to a file and line in the site's repository), [`i18n`] (interface strings in the
//! site's language), [`alloc`] (giving freed memory back between stages).
//!
//! Problems in the input are [`diagnostics::Diagnostic`]s, collected across the whole run;
//! failures of the machine are [`Error`]s.

pub mod alloc;
pub mod config;
pub mod content;
pub mod deploy;
pub mod diagnostics;
pub mod edit_links;
pub mod engine;
pub mod error;
pub mod highlight;
pub mod i18n;
pub mod init;
pub mod linkcheck;
pub mod markdown;
pub mod model;
pub mod output;
pub mod outputs;
pub mod pipeline;
pub mod render;
pub mod serve;
pub mod slug;
pub mod theme;
pub mod urls;

pub use error::{Error, Result};
