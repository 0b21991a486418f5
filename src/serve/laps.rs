//! Wall and CPU time per step of a preview rebuild, for `VERSUS_SERVE_TIMINGS`.

/// Wall and CPU time (all threads of the process) per step of a rebuild, printed to stderr
/// when `VERSUS_SERVE_TIMINGS` is set (for `scripts/bench-serve.sh` and profiling; off
/// otherwise). CPU time is what to compare on a machine shared with other work.
pub(super) struct Laps {
    at: (std::time::Instant, std::time::Duration),
    laps: Vec<(&'static str, std::time::Duration, std::time::Duration)>,
    pub(super) on: bool,
}

impl Laps {
    pub(super) fn start() -> Laps {
        Laps {
            at: (std::time::Instant::now(), process_cpu()),
            laps: Vec::new(),
            on: std::env::var_os("VERSUS_SERVE_TIMINGS").is_some(),
        }
    }

    pub(super) fn lap(&mut self, what: &'static str) {
        if self.on {
            let now = (std::time::Instant::now(), process_cpu());
            self.laps
                .push((what, now.0 - self.at.0, now.1.saturating_sub(self.at.1)));
            self.at = now;
        }
    }
}

impl Drop for Laps {
    fn drop(&mut self) {
        if self.on && !self.laps.is_empty() {
            let ms = |d: &std::time::Duration| d.as_secs_f64() * 1000.0;
            let parts: Vec<String> = self
                .laps
                .iter()
                .map(|(w, d, c)| format!("{w} {:.1} (cpu {:.1})", ms(d), ms(c)))
                .collect();
            eprintln!("timings (ms): {}", parts.join(", "));
        }
    }
}

/// CPU time used so far by every thread of this process (zero where unknown).
fn process_cpu() -> std::time::Duration {
    #[cfg(unix)]
    {
        let mut t = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `t` is a valid timespec for the call to fill.
        if unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut t) } == 0 {
            return std::time::Duration::new(t.tv_sec as u64, t.tv_nsec as u32);
        }
    }
    std::time::Duration::ZERO
}
