//! What the preview's rebuild routes make from the engine: digests of every target, pages
//! rendered into snapshot entries, and the new snapshot assembled from those, the last one
//! and the files besides pages. Routing (which of these a save needs) is `incremental`'s.

use std::collections::HashMap;
use std::sync::Mutex;

use super::snapshot::{Entry, Snapshot};
use crate::diagnostics::Diagnostic;
use crate::engine::{Emit, Engine, Site};
use crate::error::Result;
use crate::model::Target;
use crate::model::tracked::Reads;
use crate::outputs::File;
use crate::render::{hash_json, shared_context};
use crate::urls::output_path;

/// The digest of every target with its reads, by output path.
pub(super) fn all_digests(engine: &Engine) -> HashMap<String, (u64, Reads)> {
    let m = &engine.site.model;
    let targets = engine.site.targets();
    let digests = engine.digests(&targets);
    targets
        .iter()
        .zip(digests)
        .map(|(&t, d)| (output_path(&m.target_path(t)), d))
        .collect()
}

pub(super) fn shared_digest(site: &Site) -> u64 {
    hash_json(&shared_context(&site.model, &site.assets))
}

/// Renders `targets` into snapshot entries by output path, adding their diagnostics.
pub(super) fn render(
    engine: &Engine,
    targets: &[Target],
    diags: &mut Vec<Diagnostic>,
) -> Result<HashMap<String, Entry>> {
    let (d, files) = into_entries(|emit| engine.render(targets, emit, &|_, _| {}))?;
    diags.extend(d);
    Ok(files)
}

/// Runs `make` with an [`Emit`] that keeps every file as a snapshot entry by output path.
pub(super) fn into_entries<R>(
    make: impl FnOnce(Emit) -> Result<R>,
) -> Result<(R, HashMap<String, Entry>)> {
    let files = Mutex::new(HashMap::new());
    let emit = |path: &str, bytes: Vec<u8>| -> Result<()> {
        files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), Entry::new(bytes));
        Ok(())
    };
    let made = make(&emit)?;
    Ok((made, files.into_inner().unwrap_or_else(|e| e.into_inner())))
}

/// The new snapshot after the model route: rendered targets, the last snapshot's entries for
/// targets not rendered again, and every other file as [`Engine::files`] makes them (an
/// unchanged file keeps its entry, so it is not minified and hashed again).
pub(super) fn assemble(
    engine: &Engine,
    (targets, paths): (&[Target], &[String]),
    mut rendered: HashMap<String, Entry>,
    generated: &[File],
    old: (&Snapshot, &[File]),
) -> Snapshot {
    let (old_snapshot, old_statics) = old;
    let mut out: HashMap<String, Entry> =
        HashMap::with_capacity(old_snapshot.files.len() + rendered.len());
    // `paths`: each target's output path, in `targets`' order.
    for path in paths {
        let entry = match rendered.remove(path) {
            Some(e) => e,
            // Not rendered: unchanged since the last build, which wrote it.
            None => match old_snapshot.files.get(path) {
                Some(e) => e.clone(),
                None => continue,
            },
        };
        out.insert(path.clone(), entry);
    }
    let unchanged = |path: &str, bytes: &[u8]| {
        old_statics
            .iter()
            .any(|f| f.path == path && f.bytes == bytes)
    };
    for (path, bytes) in engine.files(generated) {
        let entry = match old_snapshot.files.get(path) {
            Some(e) if e.bytes.as_slice() == bytes.as_ref() || unchanged(path, &bytes) => e.clone(),
            _ => Entry::new(bytes.into_owned()),
        };
        out.insert(path.to_string(), entry);
    }
    Snapshot {
        files: out,
        assets: engine.site.assets.clone(),
        pages: targets.len(),
    }
}
