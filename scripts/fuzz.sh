#!/usr/bin/env bash
# Runs every fuzz target (or those named) one after another for SECONDS each (default 600),
# one libFuzzer job at a time, and prints the executions and crashes of each.
#
#   scripts/fuzz.sh                 # all four targets, 10 minutes each
#   SECONDS_PER_TARGET=60 scripts/fuzz.sh markdown links
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain (`rustup toolchain
# install nightly`); libFuzzer's instrumentation uses nightly-only compiler flags.
# Crashes land in fuzz/artifacts/<target>/; reproduce one with
#   cargo +nightly fuzz run <target> fuzz/artifacts/<target>/crash-...
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs=${SECONDS_PER_TARGET:-600}
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(front_matter feature_cells markdown links)
mkdir -p logs
cargo +nightly fuzz build -O
for t in "${targets[@]}"; do
    mkdir -p "corpus/$t" "artifacts/$t"
    log="logs/$t.log"
    echo "== $t: ${secs}s" >&2
    # -rss_limit_mb: a page is never gigabytes; -timeout: one input must not take > 10 s.
    cargo +nightly fuzz run -O "$t" -- -max_total_time="$secs" -jobs=1 -workers=1 \
        -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"$log" 2>&1 || true
    # With -jobs, libFuzzer runs the job in a child that logs to fuzz-<job>.log.
    [ -f fuzz-0.log ] && cat fuzz-0.log >>"$log" && rm -f fuzz-0.log
    execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' | tail -1)
    crashes=$(find "artifacts/$t" -type f | wc -l)
    echo "$t: executions=${execs:-?} artifacts=${crashes} (log: fuzz/$log)"
done
