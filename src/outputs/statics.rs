//! Files copied as they are: the theme's and the site's `static/` folders, the files next to
//! pages under `content/` (data files under `content/data/` too: "said in browsers.csv"
//! links to them), and the generated highlight stylesheet — CSS and JS under
//! content-hashed names (`style.1a2b3c4d.css`) so hosts can cache them forever.
//!
//! Not here: which file wins when two share a path (see [`super::layer`]).

use std::collections::BTreeMap;
use std::path::Path;

use super::{AssetNames, File, Origin};
use crate::content;
use crate::diagnostics::Diagnostic;
use crate::highlight::Highlighter;
use crate::model::Model;
use crate::output;
use crate::theme::Theme;

/// Static files of theme and site, content files, and the highlight stylesheet, with the map
/// from each CSS/JS file's logical name to the name it is written under.
pub fn collect(
    model: &Model,
    theme: &Theme,
    highlighter: &Highlighter,
    fingerprint: bool,
) -> (AssetNames, Vec<File>, Vec<Diagnostic>) {
    let mut assets = BTreeMap::new();
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let mut add_asset = |name: &str, bytes: Vec<u8>, origin: Origin, files: &mut Vec<File>| {
        let hashed = fingerprint && (name.ends_with(".css") || name.ends_with(".js"));
        if hashed {
            let out = output::fingerprint(name, &bytes);
            assets.insert(name.to_string(), out.clone());
            // Authors may link a site's own CSS by hand: keep its plain name too.
            if origin == Origin::Site {
                files.push(File::new(name, bytes.clone(), origin));
            }
            files.push(File::new(&out, bytes, origin));
        } else {
            assets.insert(name.to_string(), name.to_string());
            files.push(File::new(name, bytes, origin));
        }
    };
    for (name, file) in &theme.statics {
        let origin = if file.from_theme {
            Origin::Theme
        } else {
            Origin::Site
        };
        match file.source.read() {
            Ok(bytes) => add_asset(name, bytes.into_owned(), origin, &mut files),
            Err(e) => diags.push(Diagnostic::error(format!(
                "cannot read static file {name}: {e}"
            ))),
        }
    }
    add_asset(
        "highlight.css",
        highlighter.css().into_bytes(),
        Origin::Generated,
        &mut files,
    );
    for a in &model.assets {
        match std::fs::read(&a.path) {
            Ok(bytes) => files.push(File::new(&a.rel, bytes, Origin::Site)),
            Err(e) => diags.push(
                Diagnostic::error(format!("cannot read file: {e}"))
                    .in_file(Path::new(content::CONTENT_DIR).join(&a.rel)),
            ),
        }
    }
    for d in &model.data {
        let d = &d.source;
        files.push(File::new(&d.rel, d.text.as_bytes().to_vec(), Origin::Site));
    }
    (assets, files, diags)
}
