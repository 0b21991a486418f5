//! versus: a static site generator for comparison sites.
//!
//! Authors write Markdown articles whose front matter holds feature tables; versus reads every
//! cell as a statement ("Django has a built-in ORM, says this page at line 12"), builds one
//! model of all statements, and renders a cross-linked site from it: article pages, a page per
//! subject and per feature, a matrix, and a page per pair of subjects.
//!
//! The pipeline, one module per stage, data flowing down this list:
//!
//! | stage | module |
//! |---|---|
//! | `versus.toml` → settings | [`config`] |
//! | files → sources with parsed front matter | [`content`] |
//! | sources → pages, subjects, features, statements, links | [`model`] |
//! | one body → HTML | [`markdown`] (code via [`highlight`]) |
//! | one page + model → HTML via Tera | [`render`] (templates from [`theme`]) |
//! | model → search index JSON | [`search`] |
//! | sitemap, robots.txt, feeds, alias redirects, minifying | [`hosting`] |
//! | files → output folder, atomically | [`output`] |
//! | the stages wired together | [`pipeline`] |
//! | `versus serve`: in-memory preview with live reload | [`serve`] |
//! | `versus deploy`: the build → git, S3 or a folder, changes only | [`deploy`] |
//!
//! Problems in the input are [`diagnostics::Diagnostic`]s, collected across the whole run;
//! failures of the machine are [`Error`]s.

pub mod config;
pub mod content;
pub mod deploy;
pub mod diagnostics;
pub mod error;
pub mod highlight;
pub mod hosting;
pub mod init;
pub mod linkcheck;
pub mod markdown;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod search;
pub mod serve;
pub mod slug;
pub mod theme;

pub use error::{Error, Result};
