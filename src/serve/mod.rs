//! `versus serve`: a preview server with live reload.
//!
//! It builds the site with the ordinary pipeline into memory ([`snapshot`]), serves it with a
//! small pool of tiny_http workers ([`http`]), watches the inputs ([`watch`]) and after each
//! change rebuilds only what the change needs ([`incremental`] routes; [`assemble`] makes
//! the digests, pages and snapshot from the engine; [`laps`] times it), publishes the new snapshot
//! in one atomic swap, and only then tells open browsers what to do over Server-Sent Events
//! on the same port ([`live`]). A reload therefore never meets a half-published site.
//!
//! A build with errors keeps the last good pages published and sends the diagnostics to every
//! open page, which shows them in an overlay. A failing *first* build still starts the server:
//! every page then shows the errors until they are fixed.
//!
//! Nothing is read from disk to answer a request: no URL can reach a file outside the
//! rendered site (see [`http`]). A watchdog ([`guard`]) notices any request left waiting.
//!
//! Not here: anything about rendering itself — the preview runs the build engine
//! ([`crate::engine`]) that `versus build` runs.

mod assemble;
pub mod guard;
pub mod history;
pub mod http;
pub mod incremental;
mod laps;
pub mod live;
pub mod plan;
pub mod snapshot;
pub mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use serde_json::json;

use crate::diagnostics::{Diagnostic, eprint as print_diagnostics};
use crate::error::{Error, Result};
use crate::pipeline::BuildOptions;
use snapshot::{DiagView, Snapshot};

/// What `versus serve` was asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    pub port: u16,
    pub drafts: bool,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// Poll the file system instead of waiting for its events.
    pub poll: bool,
    /// After an edit, send open browsers to the page made from the edited file.
    pub navigate: bool,
    /// Log requests left waiting for their answer (see [`guard`]).
    pub verbose: bool,
}

/// What the workers serve: the last good snapshot and the current errors. Replaced whole.
#[derive(Default)]
pub struct Published {
    pub snapshot: Option<Arc<Snapshot>>,
    /// Counts the snapshots published in this run (0: none yet). Pages carry the version they
    /// were served from, events the version they announce, so a browser can tell whether it
    /// missed one.
    pub version: u64,
    pub errors: Vec<DiagView>,
    /// What changed in which version, for pages that missed some events.
    pub history: Arc<history::History>,
    /// Fingerprinted files renamed by recent rebuilds ([`snapshot::retire`]), still served.
    pub retired: Arc<Vec<(String, snapshot::Entry)>>,
}

/// State shared by workers, the rebuild loop and the event hub.
pub struct Shared {
    published: RwLock<Arc<Published>>,
    /// Changes on every start, so pages from an earlier run reload once after a restart.
    pub server_id: String,
    pub hub: live::Hub,
    pub guard: guard::Guard,
}

impl Shared {
    pub fn published(&self) -> Arc<Published> {
        self.published
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn publish(&self, p: Published) {
        *self.published.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(p);
    }
}

/// How many requests are answered at once (more are started when all are stuck, see
/// [`guard`]); an event stream holds none of them.
const WORKERS: usize = 8;
/// How many ports after the asked one are tried when it is taken.
const PORT_TRIES: u16 = 20;

/// Binds the asked port or the next free one.
fn bind(opts: &ServeOptions) -> Result<(tiny_http::Server, u16)> {
    let mut last_err = String::new();
    for port in opts.port..opts.port.saturating_add(PORT_TRIES) {
        match tiny_http::Server::http(SocketAddr::new(opts.bind, port)) {
            Ok(s) => {
                let port = s.server_addr().to_ip().map_or(port, |a| a.port());
                if port != opts.port && opts.port != 0 {
                    eprintln!("port {} is taken; using {port}", opts.port);
                }
                return Ok((s, port));
            }
            Err(e) => last_err = e.to_string(),
        }
        if opts.port == 0 {
            break;
        }
    }
    Err(Error::Refused(format!(
        "cannot listen on {}:{} or the {PORT_TRIES} ports after it: {last_err}",
        opts.bind, opts.port
    )))
}

/// Runs the server until Ctrl-C.
pub fn run(opts: &ServeOptions) -> Result<()> {
    let root = opts
        .root
        .canonicalize()
        .map_err(|e| Error::io("open", &opts.root, e))?;
    let (server, port) = bind(opts)?;
    if opts.bind.is_unspecified() {
        eprintln!(
            "warning: listening on all interfaces ({}): anyone on your network can see the site",
            opts.bind
        );
    }
    let host = if opts.bind.is_unspecified() || opts.bind.is_loopback() {
        "127.0.0.1".to_string()
    } else if opts.bind.is_ipv6() {
        format!("[{}]", opts.bind)
    } else {
        opts.bind.to_string()
    };
    let url = format!("http://{host}:{port}/");
    let build_opts = BuildOptions {
        root: root.clone(),
        output: None,
        base_url: Some(url.clone()),
        drafts: opts.drafts,
        strict: false,
    };
    let shared = Arc::new(Shared {
        published: RwLock::new(Arc::new(Published::default())),
        server_id: format!(
            "{:x}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
                ^ u128::from(std::process::id())
        ),
        hub: live::Hub::default(),
        guard: guard::Guard::new(opts.verbose),
    });

    // The watcher starts before the first build so that no edit made during it is lost.
    let (tx, rx) = mpsc::channel();
    let watcher = watch::Watcher::start(&root, opts.poll, tx)
        .map_err(|e| Error::Refused(format!("cannot watch {}: {e}", root.display())))?;

    let start = Instant::now();
    let mut builder = incremental::Builder::new(build_opts);
    let outcome = builder.rebuild(&[])?;
    print_diagnostics(&outcome.diagnostics);
    let errors = errors_of(&outcome.diagnostics);
    match &outcome.snapshot {
        Some(s) => println!(
            "built {} pages in {} ms",
            s.pages,
            start.elapsed().as_millis()
        ),
        None => eprintln!("the first build failed: serving the errors until they are fixed"),
    }
    shared.publish(Published {
        version: u64::from(outcome.snapshot.is_some()),
        snapshot: outcome.snapshot,
        errors,
        history: Arc::default(),
        retired: Arc::default(),
    });

    let server = Arc::new(server);
    for _ in 0..WORKERS {
        if let Some(n) = shared.guard.add_worker() {
            spawn_worker(&server, &shared, n);
        }
    }
    {
        let shared = shared.clone();
        std::thread::spawn(move || shared.hub.keep_alive());
    }
    {
        let (server, shared) = (server.clone(), shared.clone());
        std::thread::spawn(move || shared.guard.watch(|n| spawn_worker(&server, &shared, n)));
    }
    {
        let (shared, navigate) = (shared.clone(), opts.navigate);
        std::thread::spawn(move || rebuild_loop(builder, &shared, watcher, &rx, navigate));
    }
    println!("serving {} at {url} (Ctrl-C to stop)", root.display());
    if opts.open {
        open_browser(&url);
    }
    let (stop, stopped) = mpsc::channel();
    let on_signal = stop.clone();
    if let Err(e) = ctrlc::set_handler(move || {
        let _ = on_signal.send(());
    }) {
        eprintln!("warning: cannot catch Ctrl-C ({e}): it will end the server abruptly");
    }
    // `stop` is alive until here, so this waits for the handler, or forever.
    let _ = stopped.recv();
    drop(stop);
    server.unblock();
    println!("stopped");
    Ok(())
}

fn spawn_worker(server: &Arc<tiny_http::Server>, shared: &Arc<Shared>, n: usize) {
    let (server, shared) = (server.clone(), shared.clone());
    std::thread::spawn(move || worker(&server, &shared, n));
}

fn worker(server: &tiny_http::Server, shared: &Shared, n: usize) {
    while let Ok(request) = server.recv() {
        shared.guard.begin(n, &request);
        if http::is_events(&request) {
            shared.hub.join(request, || {
                let p = shared.published();
                live::hello(&shared.server_id, p.version, &p.errors)
            });
        } else if let Some(request) = shared.hub.park(request) {
            http::respond(shared, request);
        }
        shared.guard.end(n);
    }
}

fn errors_of(diags: &[Diagnostic]) -> Vec<DiagView> {
    diags
        .iter()
        .filter(|d| d.is_error())
        .map(DiagView::from)
        .collect()
}

fn rebuild_loop(
    mut builder: incremental::Builder,
    shared: &Shared,
    mut watcher: watch::Watcher,
    rx: &mpsc::Receiver<Vec<PathBuf>>,
    navigate: bool,
) {
    settle(&mut builder);
    while let Ok(mut paths) = rx.recv() {
        // Coalesce whatever else arrived meanwhile: one rebuild for a burst of saves.
        while let Ok(more) = rx.try_recv() {
            paths.extend(more);
        }
        let saved_at = Instant::now();
        watcher.refresh();
        // A bug in a stage must not end live reload: report it like a build error.
        let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            builder.rebuild(&paths)
        }))
        .unwrap_or_else(|_| {
            // What was kept may be half updated: the next rebuild starts from scratch.
            builder.reset();
            Err(Error::Refused(
                "internal error while rebuilding (a bug in versus); still serving the last good pages"
                    .into(),
            ))
        });
        let outcome = match built {
            Ok(o) => o,
            Err(e) => {
                let d = Diagnostic::error(e.to_string());
                print_diagnostics(std::slice::from_ref(&d));
                let errors = vec![DiagView::from(&d)];
                let old = shared.published();
                let event = live::errors(old.version, &errors);
                shared.publish(Published {
                    snapshot: old.snapshot.clone(),
                    version: old.version,
                    errors,
                    history: old.history.clone(),
                    retired: old.retired.clone(),
                });
                shared.hub.send(&event);
                continue;
            }
        };
        print_diagnostics(&outcome.diagnostics);
        let errors = errors_of(&outcome.diagnostics);
        let old = shared.published();
        match outcome.snapshot {
            None => {
                eprintln!(
                    "build failed ({} error{}): still serving the last good pages",
                    errors.len(),
                    crate::error::plural(errors.len())
                );
                let event = live::errors(old.version, &errors);
                shared.publish(Published {
                    snapshot: old.snapshot.clone(),
                    version: old.version,
                    errors,
                    history: old.history.clone(),
                    retired: old.retired.clone(),
                });
                shared.hub.send(&event);
            }
            Some(new) => {
                let diff_start = Instant::now();
                let change = match &old.snapshot {
                    Some(o) => snapshot::diff(o, &new, ""),
                    None => snapshot::Change {
                        all: true,
                        ..Default::default()
                    },
                };
                let retired = match &old.snapshot {
                    Some(o) => Arc::new(snapshot::retire(&old.retired, o, &new)),
                    None => old.retired.clone(),
                };
                let pages = new.pages;
                // A save that changed nothing (or the second batch the watcher reported one
                // save in) publishes nothing: no new version for pages and tabs to carry.
                let unchanged = outcome.route == incremental::Route::Unchanged;
                let version = old.version + u64::from(!unchanged);
                if !unchanged {
                    shared.publish(Published {
                        snapshot: Some(new),
                        version,
                        errors: Vec::new(),
                        history: Arc::new(old.history.with(version, &change)),
                        retired,
                    });
                }
                let ms = saved_at.elapsed().as_millis();
                if std::env::var_os("VERSUS_SERVE_TIMINGS").is_some() {
                    eprintln!(
                        "timings (ms): diff and publish {:.1}",
                        diff_start.elapsed().as_secs_f64() * 1000.0
                    );
                }
                // Logged before browsers are told, so the log never lags what they show.
                println!(
                    "rebuilt {} of {pages} pages in {ms} ms ({}): {}",
                    outcome.rendered,
                    outcome.route.describe(),
                    describe(&change, &paths)
                );
                if unchanged {
                    settle(&mut builder);
                    continue;
                }
                let target = outcome.edited_page.filter(|_| navigate);
                shared.hub.send(&json!({
                    "type": "change",
                    "version": version,
                    "pages": change.pages,
                    "all": change.all,
                    "css": change.css,
                    "navigate": target,
                    "ms": ms,
                }));
            }
        }
        settle(&mut builder);
    }
}

/// What a rebuild left for after its pages were published (see
/// [`incremental::Builder::settle`]); a bug there is handled like one in a rebuild.
fn settle(builder: &mut incremental::Builder) {
    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| builder.settle())).is_err() {
        builder.reset();
    }
}

/// The end of a "rebuilt" line: what changed, and which files the rebuild was for.
fn describe(change: &snapshot::Change, paths: &[PathBuf]) -> String {
    let what = saved_files(paths);
    let mut parts = Vec::new();
    if !change.pages.is_empty() {
        parts.push(format!(
            "{} page{} changed",
            change.pages.len(),
            crate::error::plural(change.pages.len())
        ));
    }
    if !change.css.is_empty() {
        parts.push("stylesheet swapped".to_string());
    }
    if change.all {
        parts.push("reloading every page".to_string());
    }
    if parts.is_empty() {
        parts.push("no output changed".to_string());
    }
    format!("{} ({what})", parts.join(", "))
}

/// Names the files a rebuild was for: up to three, then how many more. A batch can hold
/// several saves (a burst, or another file's save arriving while one was read), and each
/// should be named, not only the first.
fn saved_files(paths: &[PathBuf]) -> String {
    const NAMED: usize = 3;
    let mut names: Vec<String> = Vec::new();
    for p in paths {
        let name = p.display().to_string();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let more = names.len().saturating_sub(NAMED);
    names.truncate(NAMED);
    let mut what = names.join(", ");
    if more > 0 {
        what.push_str(&format!(" and {more} more"));
    }
    what
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(cmd)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        eprintln!("could not open a browser ({cmd}: {e}); open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rebuild_names_each_file_it_was_for() {
        let paths = |names: &[&str]| names.iter().map(PathBuf::from).collect::<Vec<_>>();
        assert_eq!(saved_files(&paths(&["a.md"])), "a.md");
        assert_eq!(saved_files(&paths(&["a.md", "b.md", "a.md"])), "a.md, b.md");
        assert_eq!(
            saved_files(&paths(&["a", "b", "c", "d", "e"])),
            "a, b, c and 2 more"
        );
    }
}
