//! `versus check --external`: requests every link to another site, a few at a time per
//! host, each with a time-out.
//!
//! Not here: finding the links (the parent module).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use crate::diagnostics::Diagnostic;
use crate::urls::origin_of;

/// How `check --external` goes about it.
#[derive(Debug, Clone)]
pub struct ExternalOptions {
    /// Whole-request time-out.
    pub timeout: Duration,
    /// Requests in flight to one host at a time.
    pub per_host: usize,
    /// Requests in flight overall.
    pub workers: usize,
}

impl Default for ExternalOptions {
    fn default() -> Self {
        ExternalOptions {
            timeout: Duration::from_secs(10),
            per_host: 2,
            workers: 8,
        }
    }
}

enum Outcome {
    Ok,
    Status(u16),
    /// No answer: DNS, refused connection, time-out, TLS.
    Unreachable(String),
}

/// Requests every external URL (HEAD, then GET where HEAD is refused). 404 and 410 are
/// errors; other failures are warnings, since hosts block robots and networks fail. When no
/// URL could be reached at all, the result is one warning saying so rather than one per link.
pub fn check_external(
    urls: &BTreeMap<String, Vec<String>>,
    opts: &ExternalOptions,
) -> Vec<Diagnostic> {
    if urls.is_empty() {
        return Vec::new();
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .http_status_as_error(false)
        .user_agent(concat!("versus-link-check/", env!("CARGO_PKG_VERSION")))
        .build()
        .into();
    // One job per (host, lane): each job runs its URLs one after another, so a host never
    // sees more than `per_host` requests at once.
    let mut by_host: BTreeMap<String, Vec<&String>> = BTreeMap::new();
    for url in urls.keys() {
        by_host
            .entry(origin_of(url).to_ascii_lowercase())
            .or_default()
            .push(url);
    }
    let per_host = opts.per_host.max(1);
    let mut jobs: Vec<Vec<&String>> = Vec::new();
    for list in by_host.values() {
        let lanes = per_host.min(list.len());
        for lane in 0..lanes {
            jobs.push(list.iter().skip(lane).step_by(lanes).copied().collect());
        }
    }
    let jobs = Mutex::new(jobs);
    let results: Mutex<Vec<(&String, Outcome)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..opts.workers.max(1) {
            s.spawn(|| {
                loop {
                    let job = match jobs.lock() {
                        Ok(mut j) => j.pop(),
                        Err(_) => None,
                    };
                    let Some(job) = job else { break };
                    for url in job {
                        let outcome = request(&agent, url);
                        if let Ok(mut r) = results.lock() {
                            r.push((url, outcome));
                        }
                    }
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by(|a, b| a.0.cmp(b.0));
    if results
        .iter()
        .all(|(_, o)| matches!(o, Outcome::Unreachable(_)))
    {
        let first = match &results[0].1 {
            Outcome::Unreachable(e) => e.clone(),
            _ => String::new(),
        };
        return vec![
            Diagnostic::warning(format!(
                "could not reach any external site, so {} external link{} went unchecked: are you offline?",
                results.len(),
                crate::error::plural(results.len())
            ))
            .with_note(format!("{}: {first}", results[0].0))
            .with_help("run `versus check --external` again with a network connection"),
        ];
    }
    let mut diags = Vec::new();
    for (url, outcome) in results {
        let on = urls.get(url).map(|p| p.join(", ")).unwrap_or_default();
        match outcome {
            Outcome::Ok => {}
            Outcome::Status(code @ (404 | 410)) => diags.push(Diagnostic::error(format!(
                "broken external link {url} (HTTP {code}) on {on}"
            ))),
            Outcome::Status(code) => diags.push(Diagnostic::warning(format!(
                "external link {url} answered HTTP {code} on {on}"
            ))),
            Outcome::Unreachable(e) => diags.push(Diagnostic::warning(format!(
                "cannot reach external link {url} on {on}: {e}"
            ))),
        }
    }
    diags
}

fn request(agent: &ureq::Agent, url: &str) -> Outcome {
    let answer = |r: Result<ureq::http::Response<ureq::Body>, ureq::Error>| match r {
        Ok(resp) => {
            let code = resp.status().as_u16();
            if code < 400 {
                Outcome::Ok
            } else {
                Outcome::Status(code)
            }
        }
        Err(e) => Outcome::Unreachable(e.to_string()),
    };
    match answer(agent.head(url).call()) {
        // Some servers refuse HEAD (or answer it wrongly); ask properly before calling it broken.
        Outcome::Status(405 | 501 | 404 | 403) => answer(agent.get(url).call()),
        o => o,
    }
}
