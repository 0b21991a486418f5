//! What the preview's rebuild routes make from the engine: digests of every target (or of
//! those a model change can reach), pages rendered into snapshot entries, and the new
//! snapshot assembled from those, the last one and the files besides pages. Routing (which
//! of these a save needs) is `incremental`'s.

use std::collections::HashMap;
use std::sync::Mutex;

use super::snapshot::{Entry, Snapshot};
use crate::diagnostics::Diagnostic;
use crate::engine::{Emit, Engine, Site};
use crate::error::Result;
use crate::model::Target;
use crate::model::tracked::{Changes, Reads};
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
    paths: &[String],
    mut rendered: HashMap<String, Entry>,
    generated: &[File],
    old: (&Snapshot, &[File]),
) -> Snapshot {
    let (old_snapshot, old_statics) = old;
    let mut out: HashMap<String, Entry> =
        HashMap::with_capacity(old_snapshot.files.len() + rendered.len());
    // `paths`: the output path of every target.
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
        pages: paths.len(),
    }
}

/// The targets to render again after a model change (those whose digest changed, all of
/// them when `everything` did) and every target's digest, by output path. A digest whose
/// reads of the model all stayed the same is the same: only the others are computed again
/// (all of them when the models cannot be compared item by item).
pub(super) fn changed_targets(
    engine: &Engine,
    (old_digests, changes): (&HashMap<String, (u64, Reads)>, Option<&Changes>),
    (targets, paths): (&[Target], &[String]),
    everything: bool,
    verbose: bool,
) -> (Vec<Target>, HashMap<String, (u64, Reads)>) {
    let started = std::time::Instant::now();
    let (stale, stale_paths): (Vec<Target>, Vec<&String>) = targets
        .iter()
        .zip(paths)
        .filter(|(_, path)| match (changes, old_digests.get(*path)) {
            (Some(c), Some((_, reads))) => c.touch(reads),
            _ => true,
        })
        .map(|(&t, path)| (t, path))
        .unzip();
    let fresh: HashMap<&String, (u64, Reads)> = stale_paths
        .into_iter()
        .zip(engine.digests(&stale))
        .collect();
    let mut to_render = Vec::new();
    let mut digests = HashMap::with_capacity(targets.len());
    for (&t, path) in targets.iter().zip(paths) {
        let old = old_digests.get(path);
        let digest = match fresh.get(path) {
            Some(d) => d.clone(),
            None => old.cloned().expect("a kept digest"),
        };
        if everything || old.map(|o| o.0) != Some(digest.0) {
            to_render.push(t);
        }
        digests.insert(path.clone(), digest);
    }
    if verbose {
        eprintln!(
            "model route: {} items changed, {} digests computed in {:.1} ms, rendering {} of {} \
             targets (everything: {everything})",
            changes.map_or("all".to_string(), |c| c.count().to_string()),
            stale.len(),
            started.elapsed().as_secs_f64() * 1000.0,
            to_render.len(),
            targets.len()
        );
    }
    (to_render, digests)
}
