//! The watchdog over the request workers: no request waits unnoticed for its answer.
//!
//! Each worker tells the [`Guard`] when it takes a request and when it has answered it. Once
//! a second the watchdog looks: a request still unanswered after [`PATIENCE`] (a client that
//! does not read its answer, a connection stuck behind another) is logged with `--verbose`,
//! with its method, path and connection, and again when it is finally answered. When every
//! worker has been busy that long, requests may be queued behind them, so one more worker is
//! started (up to [`MAX_WORKERS`]): a few slow clients cannot stop the preview for everyone.
//!
//! What happens before a worker takes a request (tiny_http reads it on a thread of its own
//! per connection) is not seen here; the stress test in `tests/browser/serve-stress.mjs`
//! watches that side from the browser.
//!
//! Not here: what the answer is ([`super::http`]), the event streams ([`super::live`]), which
//! hold no worker.

use std::fmt::Write as _;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tiny_http::Request;

/// How long a request may wait for its answer before it is reported.
pub const PATIENCE: Duration = Duration::from_secs(5);
/// Workers started in all, the first ones included.
pub const MAX_WORKERS: usize = 64;
const LOOK_EVERY: Duration = Duration::from_secs(1);

/// What each worker is doing.
pub struct Guard {
    workers: Mutex<Vec<Option<Busy>>>,
    verbose: bool,
}

struct Busy {
    /// `GET /path from 127.0.0.1:50312`
    what: String,
    since: Instant,
    reported: bool,
}

impl Guard {
    pub fn new(verbose: bool) -> Guard {
        Guard {
            workers: Mutex::new(Vec::new()),
            verbose,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Option<Busy>>> {
        self.workers.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers one more worker and returns its number, or `None` at [`MAX_WORKERS`].
    pub fn add_worker(&self) -> Option<usize> {
        let mut w = self.lock();
        (w.len() < MAX_WORKERS).then(|| {
            w.push(None);
            w.len() - 1
        })
    }

    /// Worker `n` took `request`.
    pub fn begin(&self, n: usize, request: &Request) {
        let mut what = format!("{} {}", request.method(), request.url());
        if let Some(peer) = request.remote_addr() {
            let _ = write!(what, " from {peer}");
        }
        self.lock()[n] = Some(Busy {
            what,
            since: Instant::now(),
            reported: false,
        });
    }

    /// Worker `n` answered its request.
    pub fn end(&self, n: usize) {
        let done = self.lock()[n].take();
        if let Some(b) = done.filter(|b| b.reported) {
            self.log(&format!(
                "slow request: {} answered after {:.1} s",
                b.what,
                b.since.elapsed().as_secs_f64()
            ));
        }
    }

    fn log(&self, line: &str) {
        if self.verbose {
            eprintln!("{line}");
        }
    }

    /// One look at the workers: reports requests waiting longer than [`PATIENCE`] and says
    /// whether every worker has been busy that long.
    pub fn look(&self, now: Instant) -> bool {
        let mut w = self.lock();
        let mut all_stuck = !w.is_empty();
        for (n, slot) in w.iter_mut().enumerate() {
            match slot {
                Some(b) if now.duration_since(b.since) >= PATIENCE => {
                    if !b.reported {
                        b.reported = true;
                        self.log(&format!(
                            "slow request: {} has waited {} s for its answer (worker {n})",
                            b.what,
                            now.duration_since(b.since).as_secs()
                        ));
                    }
                }
                _ => all_stuck = false,
            }
        }
        all_stuck
    }

    /// Looks every second; starts another worker with `spawn` when all are stuck.
    pub fn watch(&self, spawn: impl Fn(usize)) -> ! {
        loop {
            std::thread::sleep(LOOK_EVERY);
            if self.look(Instant::now()) {
                match self.add_worker() {
                    Some(n) => {
                        self.log(&format!(
                            "every worker has been busy for {} s: starting worker {n}",
                            PATIENCE.as_secs()
                        ));
                        spawn(n);
                    }
                    None => self.log(&format!(
                        "every one of the {MAX_WORKERS} workers is busy: requests are waiting"
                    )),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(url: &str) -> Request {
        tiny_http::TestRequest::new().with_path(url).into()
    }

    #[test]
    fn reports_only_requests_past_patience_and_all_stuck_only_when_all_are() {
        let g = Guard::new(false);
        let (a, b) = (g.add_worker().unwrap(), g.add_worker().unwrap());
        let t0 = Instant::now();
        g.begin(a, &request("/slow"));
        assert!(!g.look(t0), "nobody has waited yet");
        assert!(!g.look(t0 + PATIENCE), "worker b is idle");
        g.begin(b, &request("/also-slow"));
        assert!(g.look(Instant::now() + PATIENCE));
        assert!(g.lock()[a].as_ref().unwrap().reported);
        g.end(a);
        assert!(!g.look(Instant::now() + PATIENCE));
    }

    #[test]
    fn workers_are_capped() {
        let g = Guard::new(false);
        for _ in 0..MAX_WORKERS {
            assert!(g.add_worker().is_some());
        }
        assert_eq!(g.add_worker(), None);
    }
}
